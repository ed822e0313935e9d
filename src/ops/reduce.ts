// Reductions over dims: the shared reduction kernel, sum, mean, and sumTo (used to reduce broadcast
// gradients). Other reductions (prod, max, var, norm, sort, ...) live in reductions.ts.
import { DType, bool, int64 } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { normalizeDim, numelOf } from '../tensor/layout.js';
import { emptyTensor } from '../tensor/factory.js';
import { castTensor } from './elementwise.js';
import { record } from '../autograd/record.js';
import type { Element } from '../tensor/storage.js';
import type { TypedArray } from '../tensor/dtype.js';

export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(options?: ReduceOptions): Tensor;
    sum(dim: number | readonly number[] | null, options?: ReduceOptions): Tensor;
    mean(options?: ReduceOptions): Tensor;
    mean(dim: number | readonly number[] | null, options?: ReduceOptions): Tensor;
    /** Whether all elements (along dims) are nonzero; a bool tensor. */
    all(dim?: number | readonly number[] | null, options?: { keepdim?: boolean }): Tensor;
    /** Whether any element (along dims) is nonzero; a bool tensor. */
    any(dim?: number | readonly number[] | null, options?: { keepdim?: boolean }): Tensor;
  }
}

/** Normalised, sorted, de-duplicated dims; an empty or missing list means all dims. */
export function reductionDims(dim: number | readonly number[] | null | undefined, ndim: number, fn = 'reduction'): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  const out = new Set<number>();
  for (const d of list) {
    if (typeof d !== 'number' || !Number.isInteger(d)) {
      throw new TypeError(`${fn}(): argument 'dim' must be tuple of ints, but found element of type ${pyTypeName(d)}`);
    }
    const n = normalizeDim(d, ndim);
    if (out.has(n)) throw new Error(`dim ${n} appears multiple times in the list of dims`);
    out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

/** Splits (dim?, options?) argument pairs of reduction methods. */
export function splitReduceArgs<O extends object>(
  dimOrOptions: number | readonly number[] | null | O | undefined,
  options: O | undefined,
): { dim: number | readonly number[] | null | undefined; options: O } {
  if (dimOrOptions !== null && typeof dimOrOptions === 'object' && !Array.isArray(dimOrOptions)) {
    return { dim: undefined, options: dimOrOptions as O };
  }
  return { dim: dimOrOptions as number | readonly number[] | null | undefined, options: (options ?? {}) as O };
}

/** The output shape of reducing `dims` of `shape`. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * Reads `x` with the reduced dims moved last, as one contiguous array: each output element's inputs
 * are then `groupSize` consecutive values starting at `i * groupSize`.
 */
export function groupedForReduction(x: Tensor, dims: readonly number[]): { data: TypedArray; groups: number; groupSize: number } {
  const nd = x.dim();
  const kept = Array.from({ length: nd }, (_, i) => i).filter((i) => !dims.includes(i));
  const order = [...kept, ...dims];
  const shape = order.map((d) => x.shape_[d]);
  const strides = order.map((d) => x.strides_[d]);
  const moved = x.aliasWithLayout(shape, strides, x.offset_);
  const groupSize = numelOf(dims.map((d) => x.shape_[d]));
  const groups = numelOf(kept.map((d) => x.shape_[d]));
  return { data: moved.contiguousData() as TypedArray, groups, groupSize };
}

/** Applies `reduceGroup` to each group of reduced values, writing one output element per group. */
export function reduceKernel(
  x: Tensor,
  dims: readonly number[],
  keepdim: boolean,
  outDtype: DType,
  reduceGroup: (data: TypedArray, start: number, length: number) => Element,
): Tensor {
  const { data, groups, groupSize } = groupedForReduction(x, dims);
  const out = emptyTensor(reducedShape(x.shape_, dims, keepdim), outDtype);
  const dst = out.storage_.data as unknown as Element[];
  for (let g = 0; g < groups; g++) dst[g] = reduceGroup(data, g * groupSize, groupSize);
  return out;
}

/** Grad of a reduction: `grad` put back to the input's shape (unsqueezing reduced dims) and expanded. */
export function expandReducedGrad(grad: Tensor, inputShape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  let g = grad;
  if (!keepdim) for (const d of dims) g = g.unsqueeze(d);
  return g.expand(inputShape);
}

function sumGroup(data: TypedArray, start: number, length: number): Element {
  if (data instanceof BigInt64Array) {
    let acc = 0n;
    for (let i = start; i < start + length; i++) acc += data[i];
    return BigInt.asIntN(64, acc);
  }
  let acc = 0;
  for (let i = start; i < start + length; i++) acc += data[i];
  return acc;
}

/** dtype of sum/prod/cumsum: integral and bool inputs accumulate in int64. */
export function sumDtype(input: DType, requested?: DType): DType {
  if (requested) return requested;
  return input.kind === 'float' ? input : int64;
}

Tensor.prototype.sum = function (
  this: Tensor,
  dimOrOptions?: number | readonly number[] | null | ReduceOptions,
  maybeOptions?: ReduceOptions,
): Tensor {
  const { dim, options } = splitReduceArgs(dimOrOptions, maybeOptions);
  const keepdim = options.keepdim ?? false;
  const dims = reductionDims(dim, this.dim(), 'sum');
  const outDtype = sumDtype(this.dtype, options.dtype);
  const src = this.dtype === outDtype ? this : castTensor(this, outDtype);
  const out = reduceKernel(src, dims, keepdim, outDtype, sumGroup);
  const inputShape = this.shape;
  record({
    name: dim === undefined || dim === null ? 'SumBackward0' : 'SumBackward1',
    inputs: [this],
    outputs: [out],
    backward: ([g]) => [expandReducedGrad(g as Tensor, inputShape, dims, keepdim)],
  });
  return out;
};

Tensor.prototype.mean = function (
  this: Tensor,
  dimOrOptions?: number | readonly number[] | null | ReduceOptions,
  maybeOptions?: ReduceOptions,
): Tensor {
  const { dim, options } = splitReduceArgs(dimOrOptions, maybeOptions);
  const dtype = options.dtype ?? this.dtype;
  if (!dtype.isFloatingPoint) {
    const legacy = { bool: 'Bool', uint8: 'Byte', int8: 'Char', int16: 'Short', int32: 'Int', int64: 'Long' } as Record<string, string>;
    throw new Error(
      `mean(): could not infer output dtype. ${options.dtype ? 'Optional' : 'Input'} dtype must be either a floating point or complex dtype. Got: ${legacy[dtype.name]}`,
    );
  }
  const keepdim = options.keepdim ?? false;
  const dims = reductionDims(dim, this.dim(), 'mean');
  const src = this.dtype === dtype ? this : castTensor(this, dtype);
  const out = reduceKernel(src, dims, keepdim, dtype, (data, start, length) => (sumGroup(data, start, length) as number) / length);
  const inputShape = this.shape;
  const count = numelOf(dims.map((d) => inputShape[d]));
  record({
    name: dim === undefined || dim === null ? 'MeanBackward0' : 'MeanBackward1',
    inputs: [this],
    outputs: [out],
    backward: ([g]) => [expandReducedGrad(g as Tensor, inputShape, dims, keepdim).div(count)],
  });
  return out;
};

/** Sums `t` down to `shape` (the reverse of broadcasting), as PyTorch's `sum_to`. */
export function sumTo(t: Tensor, shape: readonly number[]): Tensor {
  const lead = t.dim() - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < t.dim(); i++) {
    if (i < lead || (shape[i - lead] === 1 && t.shape_[i] !== 1)) dims.push(i);
  }
  if (dims.length === 0) return t;
  const summed = t.sum(dims, { keepdim: true });
  return lead > 0 ? summed.reshape(shape) : summed;
}

function truthTest(name: 'all' | 'any') {
  return function (this: Tensor, dim?: number | readonly number[] | null, options: { keepdim?: boolean } = {}): Tensor {
    const dims = reductionDims(dim, this.dim(), name);
    const wantAll = name === 'all';
    return reduceKernel(this, dims, options.keepdim ?? false, bool, (data, start, length) => {
      for (let i = start; i < start + length; i++) {
        const truthy = data[i] !== 0 && data[i] !== 0n;
        if (truthy !== wantAll) return wantAll ? 0 : 1;
      }
      return wantAll ? 1 : 0;
    });
  };
}
Tensor.prototype.all = truthTest('all');
Tensor.prototype.any = truthTest('any');
