// The JS backend's elementwise primitives: named ops over contiguous runs and repeated single values,
// as direct typed-array loops. The op layer's generic kernels (strided.ts) call a closure per element
// through computed offsets; these loops do the same arithmetic (in doubles, stored into the output
// array, so a float32 result is rounded once per element exactly as there) several times faster.
import type { NumberArray } from '../../tensor/dtype.js';
import type { BinaryOpName, FloatArray, RunOperand, UnaryOpName } from '../backend.js';

/** The logistic function without overflow: exp of a non-positive argument only. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** ATen's clamp_min(x, 0): keeps x unless x < 0, so -0 and nan pass through. */
export function relu(x: number): number {
  return x < 0 ? 0 : x;
}

/** ATen's threshold_backward at 0: the gradient where the result is positive (or nan), else 0. */
export function reluBackward(grad: number, result: number): number {
  return result <= 0 ? 0 : grad;
}

/** torch.maximum: nan if either is nan; ties keep the first operand. */
export function maximum(x: number, y: number): number {
  if (x !== x || y !== y) return NaN;
  return x >= y ? x : y;
}

/** torch.minimum: nan if either is nan; ties keep the first operand. */
export function minimum(x: number, y: number): number {
  if (x !== x || y !== y) return NaN;
  return x <= y ? x : y;
}

/** out[i] = op(a[i]) for i < n; a run of step 0 repeats one element. */
export function unaryRun(op: UnaryOpName, a: RunOperand, out: FloatArray, n: number): boolean {
  const x = a.data;
  const s = a.step;
  let p = a.offset;
  // One loop per op, so that each body is a direct expression V8 compiles without a call per element.
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++, p += s) out[i] = -x[p];
      return true;
    case 'abs':
      for (let i = 0; i < n; i++, p += s) out[i] = Math.abs(x[p]);
      return true;
    case 'exp':
      for (let i = 0; i < n; i++, p += s) out[i] = Math.exp(x[p]);
      return true;
    case 'log':
      for (let i = 0; i < n; i++, p += s) out[i] = Math.log(x[p]);
      return true;
    case 'sqrt':
      for (let i = 0; i < n; i++, p += s) out[i] = Math.sqrt(x[p]);
      return true;
    case 'tanh':
      for (let i = 0; i < n; i++, p += s) out[i] = Math.tanh(x[p]);
      return true;
    case 'sigmoid':
      for (let i = 0; i < n; i++, p += s) out[i] = sigmoid(x[p]);
      return true;
    case 'relu':
      for (let i = 0; i < n; i++, p += s) out[i] = relu(x[p]);
      return true;
    default:
      return false;
  }
}

/**
 * out[start + i] = op(a[i], b[i]) for i < n; a run of step 0 repeats one element. `start` lets a caller
 * fill an output block by block without a view per block.
 */
export function binaryRun(op: BinaryOpName, a: RunOperand, b: RunOperand, out: FloatArray, n: number, start = 0): boolean {
  const x = a.data;
  const y = b.data;
  const sa = a.step;
  const sb = b.step;
  let p = a.offset;
  let q = b.offset;
  const end = start + n;
  switch (op) {
    case 'add':
      for (let i = start; i < end; i++, p += sa, q += sb) out[i] = x[p] + y[q];
      return true;
    case 'sub':
      for (let i = start; i < end; i++, p += sa, q += sb) out[i] = x[p] - y[q];
      return true;
    case 'mul':
      for (let i = start; i < end; i++, p += sa, q += sb) out[i] = x[p] * y[q];
      return true;
    case 'div':
      for (let i = start; i < end; i++, p += sa, q += sb) out[i] = x[p] / y[q];
      return true;
    case 'maximum':
      for (let i = start; i < end; i++, p += sa, q += sb) out[i] = maximum(x[p], y[q]);
      return true;
    case 'minimum':
      for (let i = start; i < end; i++, p += sa, q += sb) out[i] = minimum(x[p], y[q]);
      return true;
    case 'reluBackward':
      for (let i = start; i < end; i++, p += sa, q += sb) out[i] = reluBackward(x[p], y[q]);
      return true;
    default:
      return false;
  }
}

/** The sum of `length` numbers from `start`, accumulated in sequence in a double. */
export function sumNumbers(data: NumberArray, start: number, length: number): number {
  let acc = 0;
  const end = start + length;
  for (let i = start; i < end; i++) acc += data[i];
  return acc;
}

/** The backend primitive: the sum of a run (a repeated value is summed as often, like any other run). */
export function sumRun(a: RunOperand, n: number): number {
  if (a.step === 1) return sumNumbers(a.data, a.offset, n);
  let acc = 0;
  const v = a.data[a.offset];
  for (let i = 0; i < n; i++) acc += v;
  return acc;
}
