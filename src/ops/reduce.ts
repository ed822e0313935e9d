// The shared reduction machinery: dim and option arguments, output shapes, the kernel that reduces
// groups of values (reduceKernel) and the one that maps rows along a dim (rowKernel), the gradient
// helpers that put reduced dims back, and sumTo (the reduction of broadcast gradients). The reductions
// are in sum-mean-prod.ts, statistics.ts and all-any.ts; selections and sorting in selection.ts,
// scans in scans.ts, softmax in softmax.ts.
import { DType, int64, type TypedArray } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { isContiguousLayout, normalizeDim, numelOf } from '../tensor/layout.js';
import { allocate, type Element } from '../tensor/storage.js';
import { emptyTensor, emptyTensorOfShape } from '../tensor/factory.js';
import { castTensor } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { boolOption, dtypeOption, optionsArg } from '../tensor/args.js';

/** A `dim` argument of reductions that take several dims; null, undefined or [] mean all dims. */
export type Dims = number | readonly number[] | null;

export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType;
}

/** [0, 1, ..., ndim - 1] (a loop: this runs in every reduction, Array.from with a callback is slow). */
function allDims(ndim: number): number[] {
  const dims = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) dims[i] = i;
  return dims;
}

/** Normalised, sorted, de-duplicated dims; an empty or missing list means all dims. */
export function reductionDims(dim: Dims | undefined, ndim: number, fn = 'reduction'): number[] {
  if (dim === null || dim === undefined) return allDims(ndim);
  if (!Array.isArray(dim) && typeof dim !== 'number') {
    throw new TypeError(`${fn}(): argument 'dim' must be tuple of ints, not ${pyTypeName(dim)}`);
  }
  const list: readonly unknown[] = typeof dim === 'number' ? [dim] : dim;
  const out = new Set<number>();
  for (const d of list) {
    if (typeof d !== 'number' || !Number.isInteger(d)) {
      throw new TypeError(`${fn}(): argument 'dim' must be tuple of ints, but found element of type ${pyTypeName(d)}`);
    }
    const n = normalizeDim(d, ndim);
    if (out.has(n)) throw new Error(`dim ${n} appears multiple times in the list of dims`);
    out.add(n);
  }
  // A 0-d tensor accepts dim 0 or -1 but has no dims to reduce.
  if (list.length === 0 || ndim === 0) return allDims(ndim);
  return [...out].sort((a, b) => a - b);
}

/** The options of a reduction `fn`, with `keepdim` and `dtype` checked when given. */
export function reduceOptions<O extends { keepdim?: boolean; dtype?: DType }>(options: O | null | undefined, fn: string): O {
  const checked = optionsArg(options, fn);
  boolOption(checked.keepdim, fn, 'keepdim');
  dtypeOption(checked.dtype, fn);
  return checked;
}

const NO_REDUCE_ARGS = Object.freeze({ dim: undefined, options: Object.freeze({}) });

/** Splits (dim?, options?) argument pairs of reduction methods, and checks the options. */
export function splitReduceArgs<D, O extends object>(dimOrOptions: D | O | undefined, options: O | undefined, fn: string): { dim: D | undefined; options: O } {
  // No arguments (a loss's `mean()`): one shared answer rather than two objects per call.
  if (dimOrOptions === undefined && options === undefined) return NO_REDUCE_ARGS as { dim: undefined; options: O };
  if (dimOrOptions !== null && typeof dimOrOptions === 'object' && !Array.isArray(dimOrOptions)) {
    return { dim: undefined, options: reduceOptions(dimOrOptions as O, fn) };
  }
  return { dim: dimOrOptions as D | undefined, options: reduceOptions(options, fn) };
}

/** The output shape of reducing `dims` of `shape`. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  // A full reduction without keepdim (a loss's mean or sum) has no dims left.
  if (!keepdim && dims.length === shape.length) return [];
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!dims.includes(i)) out.push(shape[i]);
    else if (keepdim) out.push(1);
  }
  return out;
}

/**
 * Reads `x` with the reduced dims moved last, as one contiguous array: each output element's inputs
 * are then `groupSize` consecutive values starting at `offset + i * groupSize`. When that order is
 * already `x`'s layout (a contiguous tensor reduced over trailing dims) the array is its storage.
 */
export function groupedForReduction(x: Tensor, dims: readonly number[]): { data: TypedArray; offset: number; groups: number; groupSize: number } {
  const nd = x.dim();
  // A contiguous tensor reduced whole (a loss's mean) is one group read in place.
  if (dims.length === nd && x.isContiguous()) return { data: x.storage_.readData(), offset: x.offset_, groups: 1, groupSize: x.numel() };
  const kept = dims.length === nd ? [] : allDims(nd).filter((i) => !dims.includes(i));
  const order = kept.length === 0 ? dims : [...kept, ...dims];
  const shape = order.map((d) => x.shape_[d]);
  const strides = order.map((d) => x.strides_[d]);
  const groupSize = numelOf(dims.map((d) => x.shape_[d]));
  const groups = numelOf(kept.map((d) => x.shape_[d]));
  if (isContiguousLayout(shape, strides)) return { data: x.storage_.readData(), offset: x.offset_, groups, groupSize };
  return { data: x.aliasWithLayout(shape, strides, x.offset_).contiguousData(), offset: 0, groups, groupSize };
}

/**
 * A reduction over `dims` of a contiguous tensor whose kept dims are one consecutive block, seen as
 * [outer, width, inner] (outer: the reduced dims before the block, width: the block, inner: the
 * reduced dims after it; a bias gradient reduces the leading dims, batch norm's statistics the dims
 * around the channels). Kernels over it read memory in order, each output element's values in the
 * order groupedForReduction's copy would hold them. Null for other reductions and layouts.
 */
export function keptBlock(x: Tensor, dims: readonly number[]): { outer: number; width: number; inner: number } | null {
  const nd = x.dim();
  const kept = nd - dims.length;
  const lead = dims.findIndex((d, i) => d !== i);
  const first = lead === -1 ? dims.length : lead; // the first kept dim
  const consecutive = dims.every((d, i) => (i < first ? d === i : d === i + kept));
  if (!x.isContiguous() || kept === 0 || !consecutive) return null;
  return {
    outer: numelOf(x.shape_.slice(0, first)),
    width: numelOf(x.shape_.slice(first, first + kept)),
    inner: numelOf(x.shape_.slice(first + kept)),
  };
}

/** Applies `reduceGroup` to each group of reduced values, writing one output element per group. */
export function reduceKernel(
  x: Tensor,
  dims: readonly number[],
  keepdim: boolean,
  outDtype: DType,
  reduceGroup: (data: TypedArray, start: number, length: number) => Element,
): Tensor {
  const { data, offset, groups, groupSize } = groupedForReduction(x, dims);
  const out = emptyTensorOfShape(reducedShape(x.shape_, dims, keepdim), outDtype);
  const dst = out.storage_.data as unknown as Element[];
  for (let g = 0; g < groups; g++) dst[g] = reduceGroup(data, offset + g * groupSize, groupSize);
  return out;
}

/** `t` (a reduction's output or its gradient) with the reduced dims put back as size-1 dims. */
export function restoreReducedDims(t: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  let out = t;
  if (!keepdim) for (const d of dims) out = out.unsqueeze(d);
  return out;
}

/** Grad of a reduction: `grad` put back to the input's shape (unsqueezing reduced dims) and expanded. */
export function expandReducedGrad(grad: Tensor, inputShape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  // A full reduction's 0-dim grad expands to any shape as it is: the unsqueezes would only add views.
  if (grad.dim() === 0) return grad.expand(inputShape);
  return restoreReducedDims(grad, dims, keepdim).expand(inputShape);
}

/** Number of elements each output element of a reduction over `dims` reduces. */
export function reductionSize(shape: readonly number[], dims: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < dims.length; i++) n *= shape[dims[i]];
  return n;
}

/** A single `dim` argument, wrapped (a 0-d tensor accepts 0 and -1). */
export function singleDim(dim: unknown, ndim: number, fn: string): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw new TypeError(`${fn}(): argument 'dim' (position 1) must be int, not ${pyTypeName(dim)}`);
  }
  return normalizeDim(dim, ndim);
}

/** `shape` with the size along `dim` replaced (a 0-d shape stays 0-d). */
export function resized(shape: readonly number[], dim: number, size: number): number[] {
  if (shape.length === 0) return [];
  const out = [...shape];
  out[dim] = size;
  return out;
}

/** dtype of sum/prod/cumsum: integral and bool inputs accumulate in int64. */
export function sumDtype(input: DType, requested?: DType): DType {
  if (requested) return requested;
  return input.kind === 'float' ? input : int64;
}

/** `x` converted to `dtype` without autograd (kernels read it; the op records against `x`). */
export function asDtype(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : castTensor(x, dtype);
}

export function isFullReduction(dim: Dims | undefined): boolean {
  return dim === undefined || dim === null;
}

// ---- argument checks ----

/** PyTorch's error for a required argument that is missing (the first line of its message). */
export function requireArg(value: unknown, fn: string): void {
  if (value === undefined || value === null) {
    throw new TypeError(`${fn}() received an invalid combination of arguments - got (), but expected one of:`);
  }
}

export function rejectDtype(input: Tensor, kernel: string, reject: (d: DType) => boolean): void {
  if (reject(input.dtype)) throw new Error(`"${kernel}" not implemented for '${legacyScalarName(input.dtype)}'`);
}

// ---- row kernels ----

/** `shape` around `dim`: `outer * inner` rows of `size` elements, `inner` apart (0-d: one row of one). */
export function rowsOf(shape: readonly number[], dim: number): { outer: number; size: number; inner: number } {
  if (shape.length === 0) return { outer: 1, size: 1, inner: 1 };
  return { outer: numelOf(shape.slice(0, dim)), size: shape[dim], inner: numelOf(shape.slice(dim + 1)) };
}

export type Row = ArrayLike<Element>;
export type OutRow = Element[];

/**
 * Calls `fn` with each row of `input` along `dim` (its values, in order; read-only) and one row of
 * each output to fill. Outputs are contiguous tensors of the given shapes, laid out like `input` with
 * `dim` resized to the row length `fn` writes (shapes may drop `dim` when that length is 1).
 */
export function rowKernel(input: Tensor, dim: number, outputs: readonly { shape: readonly number[]; dtype: DType }[], fn: (row: Row, out: OutRow[]) => void): Tensor[] {
  const { outer, size, inner } = rowsOf(input.shape_, dim);
  const data = input.contiguousElements() as Row;
  const results = outputs.map((o) => emptyTensor(o.shape, o.dtype));
  const rows = outer * inner;
  const outSizes = results.map((r) => (rows === 0 ? 0 : r.numel() / rows));
  if (inner === 1) {
    // Rows are contiguous in the input and the outputs: hand out views instead of copying.
    const src = data as TypedArray;
    for (let o = 0; o < outer; o++) {
      const outs = results.map((r, k) => r.storage_.data.subarray(o * outSizes[k], (o + 1) * outSizes[k]) as unknown as OutRow);
      fn(src.subarray(o * size, (o + 1) * size) as unknown as Row, outs);
    }
    return results;
  }
  const row = allocate(input.dtype, size) as unknown as OutRow;
  const outRows = results.map((r, k) => allocate(r.dtype, outSizes[k]) as unknown as OutRow);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let j = 0; j < size; j++) row[j] = data[base + j * inner];
      fn(row, outRows);
      results.forEach((r, k) => {
        const dst = r.storage_.data as unknown as OutRow;
        const n = outSizes[k];
        const outBase = o * n * inner + i;
        for (let j = 0; j < n; j++) dst[outBase + j * inner] = outRows[k][j];
      });
    }
  }
  return results;
}

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
