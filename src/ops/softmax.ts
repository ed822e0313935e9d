// softmax and logSoftmax along a dim (the row's maximum subtracted first).
import { DType, type NumberArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/layout.js';
import { checkTensor, precisionOf } from './elementwise.js';
import { record } from '../autograd/record.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { offerUnary, outputFloats } from './primitives.js';
import { activeBackend } from '../backends/registry.js';
import type { FloatArray } from '../backends/backend.js';
import { reduceOptions, rejectDtype, requireArg, rowsOf, singleDim } from './reduce.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    softmax(dim: number, options?: { dtype?: DType }): Tensor;
    logSoftmax(dim: number, options?: { dtype?: DType }): Tensor;
  }
}

// ---- softmax, logSoftmax ----

/**
 * Calls `row(first, end, step)` for each row of `shape` along `dim` (in contiguous order): the row's
 * elements are at first, first + step, ... before end.
 */
function eachRow(shape: readonly number[], dim: number, row: (first: number, end: number, step: number) => void): void {
  const { outer, size, inner } = rowsOf(shape, dim);
  const span = size * inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) row(o * span + i, (o + 1) * span + i, inner);
  }
}

/** exp of each element of a dense run, as `Tensor.exp` computes it: one call of the backend's primitive. */
function expOf(data: FloatArray, length: number): FloatArray {
  const out = data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
  offerUnary('exp', { data, offset: 0, step: 1 }, out);
  return out;
}

/**
 * softmax or log_softmax of `x` (float) along `dim`, each row's maximum subtracted first, which keeps
 * exp() finite for large logits. float32 follows PyTorch's float kernel: `x - max` rounded to float32
 * and its exp through the backend's primitive (one call over all rows, vectorised in the native
 * addon), the sums in double. float64 computes in doubles throughout. Rows are read where they lie,
 * `inner` apart, rather than copied out one by one.
 */
function softmaxForward(x: Tensor, dim: number, log: boolean): Tensor {
  const src = x.contiguousElements() as NumberArray;
  // Every path below writes each element of the output.
  const dst = outputFloats(x.dtype_, x.numel());
  const out = Tensor.fromData(dst, x.shape_, x.dtype_);
  if (dst instanceof Float32Array) {
    // Rows along the last dim (the usual softmax) go to the backend in one call where it has the op.
    const { outer, size, inner } = rowsOf(x.shape_, dim);
    if (inner === 1 && activeBackend().softmaxRows?.(src as Float32Array, 0, outer, size, log, dst) === true) return out;
    eachRow(x.shape_, dim, (first, end, step) => {
      let m = -Infinity;
      for (let p = first; p < end; p += step) m = Math.max(m, src[p]);
      for (let p = first; p < end; p += step) dst[p] = src[p] - m;
    });
    const exps = expOf(dst, dst.length);
    eachRow(x.shape_, dim, (first, end, step) => {
      let total = 0;
      for (let p = first; p < end; p += step) total += exps[p];
      if (log) {
        const logTotal = Math.log(total);
        for (let p = first; p < end; p += step) dst[p] -= logTotal;
      } else {
        for (let p = first; p < end; p += step) dst[p] = exps[p] / total;
      }
    });
    return out;
  }
  eachRow(x.shape_, dim, (first, end, step) => {
    let m = -Infinity;
    for (let p = first; p < end; p += step) m = Math.max(m, src[p]);
    let total = 0;
    for (let p = first; p < end; p += step) total += Math.exp(src[p] - m);
    if (log) {
      const logTotal = Math.log(total);
      for (let p = first; p < end; p += step) dst[p] = src[p] - m - logTotal;
    } else {
      for (let p = first; p < end; p += step) dst[p] = Math.exp(src[p] - m) / total;
    }
  });
  return out;
}

/**
 * The backward of softmax (`y * (g - sum(g * y))`) or log_softmax (`g - exp(y) * sum(g)`) along
 * `dim`, in one pass per row. It rounds each step to the dtype as the same formula run op by op does
 * (each operation's result and the sum; exp(y) is the same primitive call), so the two agree; the op
 * by op form is used when the backward itself is recorded (double backward).
 */
function softmaxBackward(g: Tensor, y: Tensor, dim: number, log: boolean): Tensor {
  if (isGradEnabled() || g.dtype_ !== y.dtype_ || !sameShape(g.shape_, y.shape_)) {
    if (log) return g.sub(y.exp().mul(g.sum(dim, { keepdim: true })));
    return y.mul(g.sub(g.mul(y).sum(dim, { keepdim: true })));
  }
  const round = precisionOf(y.dtype_);
  const gs = g.contiguousElements() as NumberArray;
  const ys = y.contiguousElements() as NumberArray;
  const dst = outputFloats(y.dtype_, y.numel());
  const out = Tensor.fromData(dst, y.shape_, y.dtype_);
  const { outer, size, inner } = rowsOf(y.shape_, dim);
  if (dst instanceof Float32Array && inner === 1 && activeBackend().softmaxBackwardRows?.(gs as Float32Array, ys as Float32Array, outer, size, log, dst) === true) {
    return out;
  }
  const exps = log ? expOf(ys as FloatArray, y.numel()) : null;
  eachRow(y.shape_, dim, (first, end, step) => {
    let total = 0;
    if (exps !== null) {
      for (let p = first; p < end; p += step) total += gs[p];
      const sum = round(total);
      for (let p = first; p < end; p += step) dst[p] = gs[p] - round(exps[p] * sum);
    } else {
      for (let p = first; p < end; p += step) total += round(gs[p] * ys[p]);
      const sum = round(total);
      for (let p = first; p < end; p += step) dst[p] = ys[p] * round(gs[p] - sum);
    }
  });
  return out;
}

function softmaxOp(log: boolean) {
  const fn = log ? 'log_softmax' : 'softmax';
  return (input: Tensor, dim: number, opts?: { dtype?: DType }): Tensor => {
    checkTensor(input, fn);
    requireArg(dim, fn);
    const options = reduceOptions(opts, fn);
    const x = options.dtype && options.dtype !== input.dtype ? input.to(options.dtype) : input;
    const d = singleDim(dim, x.dim(), fn);
    // The kernels' names in PyTorch's dtype error (log_softmax's general kernel reuses softmax's name);
    // empty inputs return before any kernel runs.
    const kernel = x.dim() === 0 || d === x.dim() - 1 ? `${fn}_lastdim_kernel_impl` : 'softmax_kernel_impl';
    if (x.numel() > 0) rejectDtype(x, kernel, (t) => !t.isFloatingPoint);
    const out = softmaxForward(x, d, log);
    record({
      name: log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0',
      inputs: [x],
      outputs: [out],
      save: [out],
      backward: ([g], [y]) => [softmaxBackward(g as Tensor, y, d, log)],
    });
    return out;
  };
}

export const softmax = softmaxOp(false);
export const logSoftmax = softmaxOp(true);

// ---- methods ----

const proto = Tensor.prototype;
proto.softmax = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return softmax(this, dim, options);
};
proto.logSoftmax = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return logSoftmax(this, dim, options);
};
