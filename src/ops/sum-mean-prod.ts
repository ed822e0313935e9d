// sum, mean and prod over dims, by the shared reduction kernel (a whole float sum is offered to the
// backends first; sums over leading or trailing dims of a contiguous tensor read it in memory order).
import { DType, float32 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { emptyTensor, emptyTensorOfShape, ones } from '../tensor/factory.js';
import { checkTensor, tensorRun } from './elementwise.js';
import { offerSum } from './primitives.js';
import { pendingSum } from './fusion.js';
import { sumNumbers } from '../backends/js/elementwise.js';
import { isFloatArray, type FloatArray } from '../backends/backend.js';
import { activeBackend } from '../backends/registry.js';
import { legacyScalarName } from './pointwise.js';
import { cat } from './join.js';
import { record } from '../autograd/record.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { BackwardFormula } from '../autograd/node.js';
import { fillElements, type Element } from '../tensor/storage.js';
import type { TypedArray } from '../tensor/dtype.js';
import {
  asDtype, expandReducedGrad, isFullReduction, keptBlock, reduceKernel, reducedShape, reductionDims, reductionSize, resized, singleDim, splitReduceArgs, sumDtype,
  type Dims, type ReduceOptions,
} from './reduce.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(options?: ReduceOptions): Tensor;
    sum(dim: Dims, options?: ReduceOptions): Tensor;
    mean(options?: ReduceOptions): Tensor;
    mean(dim: Dims, options?: ReduceOptions): Tensor;
    prod(options?: { dtype?: DType }): Tensor;
    prod(dim: number, options?: ReduceOptions): Tensor;
  }
}

function sumGroup(data: TypedArray, start: number, length: number): Element {
  if (data instanceof BigInt64Array) {
    let acc = 0n;
    for (let i = start; i < start + length; i++) acc += data[i];
    return BigInt.asIntN(64, acc);
  }
  return sumNumbers(data, start, length);
}

/** The sum of all of a float tensor's elements by a backend's sum primitive, or null where none takes it. */
function backendSum(x: Tensor): number | null {
  const total = pendingSum(x);
  if (total !== null) return total;
  const run = tensorRun(x, x.dtype_, x.shape_);
  return run === null ? null : offerSum(run, x.numel());
}

/**
 * Sums of a contiguous float tensor whose kept dims are one consecutive block (a bias gradient: the
 * leading dims reduced; a convolution's bias gradient: batch and spatial dims), read in memory order
 * into double accumulators. Each sum adds the same elements in the same order as sumGroup does on
 * groupedForReduction's copy, which this avoids (it reads memory column by column). Null otherwise.
 */
function keptBlockSum(x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor | null {
  const data = x.storage_.readData();
  const block = keptBlock(x, dims);
  if (!isFloatArray(data) || block === null) return null;
  const { outer, width, inner } = block;
  const out = emptyTensor(reducedShape(x.shape_, dims, keepdim), dtype);
  const dst = out.storage_.data as FloatArray;
  if (activeBackend().sumBlocks?.(data, x.offset_, outer, width, inner, dst) === true) return out;
  const acc = new Float64Array(width);
  let p = x.offset_;
  if (inner === 1) {
    // Sums over leading dims (a bias gradient over the batch): whole rows added into the accumulators.
    for (let o = 0; o < outer; o++, p += width) {
      for (let k = 0; k < width; k++) acc[k] += data[p + k];
    }
  } else {
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < width; k++) {
        let a = acc[k];
        for (let i = 0; i < inner; i++) a += data[p++];
        acc[k] = a;
      }
    }
  }
  dst.set(acc);
  return out;
}

/** The sums of `x` over `dims`; a whole sum is offered to the backends first. */
function sumKernel(x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  const total = dims.length === x.dim() ? backendSum(x) : null;
  if (total === null) return keptBlockSum(x, dims, keepdim, dtype) ?? reduceKernel(x, dims, keepdim, dtype, sumGroup);
  const out = emptyTensor(reducedShape(x.shape_, dims, keepdim), dtype);
  (out.storage_.data as FloatArray)[0] = total;
  return out;
}

export function sum(input: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor(input, 'sum');
  const split = splitReduceArgs<Dims, ReduceOptions>(dim, options, 'sum');
  const keepdim = split.options.keepdim ?? false;
  const dims = reductionDims(split.dim, input.dim(), 'sum');
  const outDtype = sumDtype(input.dtype, split.options.dtype);
  const out = sumKernel(asDtype(input, outDtype), dims, keepdim, outDtype);
  record({
    name: isFullReduction(split.dim) ? 'SumBackward0' : 'SumBackward1',
    inputs: [input],
    outputs: [out],
    backward: sumBackward,
    // The input's own array: no tensor's shape array is changed in place.
    args: { inputShape: input.shape_, dims, keepdim, count: 0 },
  });
  return out;
}

/** What sum's and mean's backward formulas need of the forward (count: mean's divisor). */
interface ReductionArgs {
  readonly inputShape: readonly number[];
  readonly dims: readonly number[];
  readonly keepdim: boolean;
  readonly count: number;
}

const sumBackward: BackwardFormula<ReductionArgs> = ([g], _s, _n, a) => [expandReducedGrad(g as Tensor, a.inputShape, a.dims, a.keepdim)];
const meanBackwardFormula: BackwardFormula<ReductionArgs> = ([g], _s, _n, a) => [meanBackward(g as Tensor, a.inputShape, a.dims, a.keepdim, a.count)];

/**
 * mean's kernel as PyTorch's mean_out: the sums (rounded to the float dtype), each then divided by the
 * count in that dtype (div_ by the count as a number).
 */
function meanKernel(x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  const out = sumKernel(x, dims, keepdim, dtype);
  const dst = out.storage_.data as FloatArray;
  const count = reductionSize(x.shape_, dims);
  const divisor = dtype === float32 ? Math.fround(count) : count;
  for (let i = 0; i < dst.length; i++) dst[i] /= divisor;
  return out;
}

export function mean(input: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor(input, 'mean');
  const split = splitReduceArgs<Dims, ReduceOptions>(dim, options, 'mean');
  const dtype = split.options.dtype ?? input.dtype;
  if (!dtype.isFloatingPoint) {
    throw new Error(
      `mean(): could not infer output dtype. ${split.options.dtype ? 'Optional' : 'Input'} dtype must be either a floating point or complex dtype. Got: ${legacyScalarName(dtype)}`,
    );
  }
  const keepdim = split.options.keepdim ?? false;
  const dims = reductionDims(split.dim, input.dim(), 'mean');
  const out = meanKernel(asDtype(input, dtype), dims, keepdim, dtype);
  record({
    name: isFullReduction(split.dim) ? 'MeanBackward0' : 'MeanBackward1',
    inputs: [input],
    outputs: [out],
    backward: meanBackwardFormula,
    args: { inputShape: input.shape_, dims, keepdim, count: reductionSize(input.shape_, dims) },
  });
  return out;
}

/**
 * MeanBackward: the gradient expanded back to the input's shape, divided by the count. A 0-dim gradient
 * outside graph recording (a plain backward of a full mean) is divided once and filled into the result
 * directly: the same division of the same float operands as the expand and div (the count stored in
 * the gradient's dtype, as div stores a number), without the view and the wrapped scalar.
 */
function meanBackward(g: Tensor, inputShape: readonly number[], dims: readonly number[], keepdim: boolean, count: number): Tensor {
  const data = g.storage_.readData();
  if (g.shape_.length > 0 || isGradEnabled() || !isFloatArray(data)) return expandReducedGrad(g, inputShape, dims, keepdim).div(count);
  const divisor = g.dtype_ === float32 ? Math.fround(count) : count;
  const out = emptyTensorOfShape(inputShape, g.dtype_);
  fillElements(out.storage_.data, data[g.offset_] / divisor);
  return out;
}

// ---- prod ----

function prodGroup(data: TypedArray, start: number, length: number): Element {
  if (data instanceof BigInt64Array) {
    let acc = 1n;
    for (let i = start; i < start + length; i++) acc = BigInt.asIntN(64, acc * data[i]);
    return acc;
  }
  let acc = 1;
  for (let i = start; i < start + length; i++) acc *= data[i];
  return acc;
}

/** Product of all other elements along `dim`, without dividing (PyTorch's prod_safe_zeros_backward). */
function prodSafeZerosBackward(grad: Tensor, input: Tensor, dim: number): Tensor {
  if (input.numel() === 0) return grad.expand(input.shape);
  const n = input.shape_[dim];
  const one = ones(resized(input.shape_, dim, 1), { dtype: input.dtype });
  const before = cat([one, input.narrow(dim, 0, n - 1)], dim).cumprod(dim);
  const after = cat([one, input.narrow(dim, 1, n - 1).flip(dim)], dim).cumprod(dim).flip(dim);
  return grad.mul(before.mul(after));
}

function prodBackward(grad: Tensor, input: Tensor, result: Tensor, dim: number | null, keepdim: boolean): Tensor {
  if (input.dim() === 0) return grad;
  const x = input.dtype === grad.dtype ? input : input.to(grad.dtype);
  const hasZero = x.eq(0).any().item() !== 0;
  if (dim === null) {
    if (!hasZero) return grad.mul(result.div(x));
    return prodSafeZerosBackward(grad, x.reshape(-1), 0).reshape(x.shape);
  }
  const g = keepdim ? grad : grad.unsqueeze(dim);
  if (!hasZero) return g.mul((keepdim ? result : result.unsqueeze(dim)).div(x));
  return prodSafeZerosBackward(g, x, dim);
}

export function prod(input: Tensor, dim?: number | { dtype?: DType } | null, options: ReduceOptions = {}): Tensor {
  checkTensor(input, 'prod');
  const split = splitReduceArgs<number | null, ReduceOptions>(dim, options, 'prod');
  const full = split.dim === undefined || split.dim === null;
  const d = full ? null : singleDim(split.dim, input.dim(), 'prod');
  const keepdim = split.options.keepdim ?? false;
  const dtype = sumDtype(input.dtype, split.options.dtype);
  const dims = reductionDims(d, input.dim(), 'prod');
  const out = reduceKernel(asDtype(input, dtype), dims, full ? false : keepdim, dtype, prodGroup);
  record({
    name: full ? 'ProdBackward0' : 'ProdBackward1',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => [prodBackward(g as Tensor, x, result, d, keepdim)],
  });
  return out;
}

// ---- methods ----

Tensor.prototype.sum = function (this: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions) {
  return sum(this, dim, options);
};
Tensor.prototype.mean = function (this: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions) {
  return mean(this, dim, options);
};
Tensor.prototype.prod = function (this: Tensor, dim?: number | { dtype?: DType } | null, options?: ReduceOptions) {
  return prod(this, dim, options);
} as Tensor['prod'];
