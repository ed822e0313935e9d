// The JS backend's elementwise primitives: named ops over contiguous runs and repeated single values,
// as direct typed-array loops. The op layer's generic kernels (strided.ts) call a closure per element
// through computed offsets; these loops do the same arithmetic (in doubles, stored into the output
// array, so a float32 result is rounded once per element exactly as there) several times faster.
import type { NumberArray } from '../../tensor/dtype.js';
import type { BinaryOpName, CompareOpName, FloatArray, RunOperand, UnaryOpName } from '../backend.js';

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

/** The error function, to double precision (W. J. Cody's rational approximations). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const p = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
    return (x * p) / q;
  }
  return Math.sign(x) * (1 - erfcPositive(ax));
}

// Cody's coefficients for erfc on [0.5, 4) and from 4 on, made once (arrays made per call were most of
// the cost of erf and gelu).
const ERFC_MID_P = [5.64188496988670089e-1, 8.88314979438837594, 6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2, 1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8];
const ERFC_MID_Q = [1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3];
const ERFC_TAIL_P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
const ERFC_TAIL_Q = [2.56852019228982242, 1.87295284992346725, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];

function erfcPositive(x: number): number {
  if (x >= 6) return 0;
  if (x < 4) {
    const p = ERFC_MID_P;
    const q = ERFC_MID_Q;
    let num = p[8] * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + p[i]) * x;
      den = (den + q[i]) * x;
    }
    return (Math.exp(-x * x) * (num + p[7])) / (den + q[7]);
  }
  const p = ERFC_TAIL_P;
  const q = ERFC_TAIL_Q;
  const z = 1 / (x * x);
  let num = p[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + p[i]) * z;
    den = (den + q[i]) * z;
  }
  const r = (z * (num + p[4])) / (den + q[4]);
  return (Math.exp(-x * x) / x) * (1 / Math.sqrt(Math.PI) - r);
}

/**
 * out[i] = 1 where `a[i] op b[i]` holds, else 0, for i < n (a bool result); a run of step 0 repeats one
 * element. Number(comparison) rather than `? 1 : 0`: V8 then stores the flag without a branch, which
 * random data mispredicts half the time (gt of 16K floats: 204 µs with the branch, 81 without).
 */
export function compareRun(op: CompareOpName, a: RunOperand, b: RunOperand, out: Uint8Array, n: number): void {
  const x = a.data;
  const y = b.data;
  const s = a.step;
  const t = b.step;
  let p = a.offset;
  let q = b.offset;
  switch (op) {
    case 'eq':
      for (let i = 0; i < n; i++, p += s, q += t) out[i] = Number(x[p] === y[q]);
      return;
    case 'ne':
      for (let i = 0; i < n; i++, p += s, q += t) out[i] = Number(x[p] !== y[q]);
      return;
    case 'lt':
      for (let i = 0; i < n; i++, p += s, q += t) out[i] = Number(x[p] < y[q]);
      return;
    case 'le':
      for (let i = 0; i < n; i++, p += s, q += t) out[i] = Number(x[p] <= y[q]);
      return;
    case 'gt':
      for (let i = 0; i < n; i++, p += s, q += t) out[i] = Number(x[p] > y[q]);
      return;
    case 'ge':
      for (let i = 0; i < n; i++, p += s, q += t) out[i] = Number(x[p] >= y[q]);
      return;
  }
}

/** The two candidates of selectRun's current element: [b's, a's] (doubles hold either float type exactly). */
const PICK = new Float64Array(2);

/**
 * out[i] = a[i] where condition[offset + i] is non-zero, else b[i], for i < n. The element is picked by
 * index rather than by a branch, which a random mask mispredicts half the time (16K floats: 97 µs
 * with `c ? x : y`, 32-58 µs this way).
 */
export function selectRun(condition: Uint8Array, offset: number, a: RunOperand, b: RunOperand, out: FloatArray, n: number): void {
  const x = a.data;
  const y = b.data;
  const s = a.step;
  const t = b.step;
  let p = a.offset;
  let q = b.offset;
  for (let i = 0; i < n; i++, p += s, q += t) {
    PICK[0] = y[q];
    PICK[1] = x[p];
    out[i] = PICK[Number(condition[offset + i] !== 0)];
  }
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
    case 'erf':
      for (let i = 0; i < n; i++, p += s) out[i] = erf(x[p]);
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
