// all and any over dims: whether every (some) element is nonzero, by the shared reduction kernel.
import { bool, uint8 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './elementwise.js';
import { reduceKernel, reduceOptions, reductionDims, type Dims } from './reduce.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Whether all elements (along dims) are nonzero; bool (uint8 for uint8 input). */
    all(dim?: Dims, options?: { keepdim?: boolean }): Tensor;
    /** Whether any element (along dims) is nonzero; bool (uint8 for uint8 input). */
    any(dim?: Dims, options?: { keepdim?: boolean }): Tensor;
  }
}

function truthTest(name: 'all' | 'any') {
  return function (input: Tensor, dim?: Dims, opts?: { keepdim?: boolean }): Tensor {
    checkTensor(input, name);
    const options = reduceOptions(opts, name);
    const dims = reductionDims(dim, input.dim(), name);
    const wantAll = name === 'all';
    // uint8 inputs give uint8 results, for backward compatibility, as in PyTorch.
    const outDtype = input.dtype === uint8 ? uint8 : bool;
    return reduceKernel(input, dims, options.keepdim ?? false, outDtype, (data, start, length) => {
      for (let i = start; i < start + length; i++) {
        const truthy = data[i] !== 0 && data[i] !== 0n;
        if (truthy !== wantAll) return wantAll ? 0 : 1;
      }
      return wantAll ? 1 : 0;
    });
  };
}

export const all = truthTest('all');
export const any = truthTest('any');

// ---- methods ----

Tensor.prototype.all = function (this: Tensor, dim?: Dims, options?: { keepdim?: boolean }) {
  return all(this, dim, options);
};
Tensor.prototype.any = function (this: Tensor, dim?: Dims, options?: { keepdim?: boolean }) {
  return any(this, dim, options);
};
