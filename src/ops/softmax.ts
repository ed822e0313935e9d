// softmax and logSoftmax along a dim (the row's maximum subtracted first).
import { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './elementwise.js';
import { record } from '../autograd/record.js';
import { reduceOptions, rejectDtype, requireArg, rowKernel, singleDim } from './reduce.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    softmax(dim: number, options?: { dtype?: DType }): Tensor;
    logSoftmax(dim: number, options?: { dtype?: DType }): Tensor;
  }
}

// ---- softmax, logSoftmax ----

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
    const [out] = rowKernel(x, d, [{ shape: x.shape_, dtype: x.dtype }], (row, [dst]) => {
      // Shifting by the row's maximum keeps exp() finite for large logits.
      let m = -Infinity;
      for (let j = 0; j < row.length; j++) m = Math.max(m, row[j] as number);
      let total = 0;
      for (let j = 0; j < row.length; j++) total += Math.exp((row[j] as number) - m);
      const logTotal = Math.log(total);
      for (let j = 0; j < row.length; j++) {
        const shifted = (row[j] as number) - m;
        dst[j] = log ? shifted - logTotal : Math.exp(shifted) / total;
      }
    });
    record({
      name: log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0',
      inputs: [x],
      outputs: [out],
      save: [out],
      backward: ([g], [y]) => {
        const grad = g as Tensor;
        if (log) return [grad.sub(y.exp().mul(grad.sum(d, { keepdim: true })))];
        return [y.mul(grad.sub(grad.mul(y).sum(d, { keepdim: true })))];
      },
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
