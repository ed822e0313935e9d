// Reductions over dims: the shared reduction kernel and its helpers, and the reductions computed by
// it directly: sum, mean, prod, var, std, logsumexp, the vector norm, all, any; also sumTo (used to
// reduce broadcast gradients). Selections, sorting, scans and softmax live in reductions.ts.
import { DType, bool, float32, int64, uint8, getDefaultDtype, promoteTypes } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { isContiguousLayout, normalizeDim, numelOf } from '../tensor/layout.js';
import { emptyTensor, emptyTensorOfShape, ones } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { castTensor, checkTensor, offerRuns, operand } from './elementwise.js';
import { sumNumbers } from '../backends/js/elementwise.js';
import { isFloatArray, type FloatArray } from '../backends/backend.js';
import { activeBackend } from '../backends/registry.js';
import { legacyScalarName } from './pointwise.js';
import { where } from './ternary.js';
import { cat } from './join.js';
import { record } from '../autograd/record.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { boolOption, dtypeOption, optionsArg } from '../tensor/args.js';
import type { Element } from '../tensor/storage.js';
import type { TypedArray } from '../tensor/dtype.js';

/** A `dim` argument of reductions that take several dims; null, undefined or [] mean all dims. */
export type Dims = number | readonly number[] | null;

export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType;
}

export interface VarOptions {
  /** Subtracted from the number of elements in the divisor (1: Bessel's correction). */
  correction?: number;
  /** Legacy form of `correction`: true is 1, false is 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

/** `p`/`ord` of norms: a number (Infinity and -Infinity included) or, for `norm`, 'fro' or 'nuc'. */
export type NormOrder = number | 'fro' | 'nuc';

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(options?: ReduceOptions): Tensor;
    sum(dim: Dims, options?: ReduceOptions): Tensor;
    mean(options?: ReduceOptions): Tensor;
    mean(dim: Dims, options?: ReduceOptions): Tensor;
    prod(options?: { dtype?: DType }): Tensor;
    prod(dim: number, options?: ReduceOptions): Tensor;
    /** Variance with `correction` (default 1); `var(false)` is the legacy `unbiased` form. */
    var(options?: VarOptions): Tensor;
    var(dim: Dims | boolean, options?: VarOptions): Tensor;
    std(options?: VarOptions): Tensor;
    std(dim: Dims | boolean, options?: VarOptions): Tensor;
    logsumexp(dim: number | readonly number[], options?: { keepdim?: boolean }): Tensor;
    /** `torch.norm`: as in PyTorch 2.x, numeric `p` and 'fro' are `linalg.vectorNorm`. */
    norm(options?: ReduceOptions): Tensor;
    norm(p?: NormOrder | null, dim?: Dims, options?: ReduceOptions): Tensor;
    /** Whether all elements (along dims) are nonzero; bool (uint8 for uint8 input). */
    all(dim?: Dims, options?: { keepdim?: boolean }): Tensor;
    /** Whether any element (along dims) is nonzero; bool (uint8 for uint8 input). */
    any(dim?: Dims, options?: { keepdim?: boolean }): Tensor;
  }
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
  if (dims.length === nd && x.isContiguous()) return { data: x.storage_.data, offset: x.offset_, groups: 1, groupSize: x.numel() };
  const kept = dims.length === nd ? [] : allDims(nd).filter((i) => !dims.includes(i));
  const order = kept.length === 0 ? dims : [...kept, ...dims];
  const shape = order.map((d) => x.shape_[d]);
  const strides = order.map((d) => x.strides_[d]);
  const groupSize = numelOf(dims.map((d) => x.shape_[d]));
  const groups = numelOf(kept.map((d) => x.shape_[d]));
  if (isContiguousLayout(shape, strides)) return { data: x.storage_.data, offset: x.offset_, groups, groupSize };
  return { data: x.aliasWithLayout(shape, strides, x.offset_).contiguousData(), offset: 0, groups, groupSize };
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
  let total: number | null = null;
  offerRuns([operand(x, x.shape_)], x.shape_, (backend, [run]) => (total = backend.sum?.(run, x.numel()) ?? null) !== null);
  return total;
}

/**
 * Sums of a contiguous float tensor whose kept dims are one consecutive block (a bias gradient: the
 * leading dims reduced; a convolution's bias gradient: batch and spatial dims), read in memory order
 * into double accumulators. Each sum adds the same elements in the same order as sumGroup does on
 * groupedForReduction's copy, which this avoids (it reads memory column by column). Null otherwise.
 */
function keptBlockSum(x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor | null {
  const data = x.storage_.data;
  const nd = x.dim();
  const lead = dims.findIndex((d, i) => d !== i);
  const first = lead === -1 ? dims.length : lead; // the first kept dim
  const kept = nd - dims.length;
  const consecutive = dims.every((d, i) => (i < first ? d === i : d === i + kept));
  if (!isFloatArray(data) || !x.isContiguous() || kept === 0 || !consecutive) return null;
  const outer = numelOf(x.shape_.slice(0, first));
  const width = numelOf(x.shape_.slice(first, first + kept));
  const inner = numelOf(x.shape_.slice(first + kept));
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

/** dtype of sum/prod/cumsum: integral and bool inputs accumulate in int64. */
export function sumDtype(input: DType, requested?: DType): DType {
  if (requested) return requested;
  return input.kind === 'float' ? input : int64;
}

/** `x` converted to `dtype` without autograd (kernels read it; the op records against `x`). */
export function asDtype(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : castTensor(x, dtype);
}

function isFullReduction(dim: Dims | undefined): boolean {
  return dim === undefined || dim === null;
}

export function sum(input: Tensor, dim?: Dims | ReduceOptions, options?: ReduceOptions): Tensor {
  checkTensor(input, 'sum');
  const split = splitReduceArgs<Dims, ReduceOptions>(dim, options, 'sum');
  const keepdim = split.options.keepdim ?? false;
  const dims = reductionDims(split.dim, input.dim(), 'sum');
  const outDtype = sumDtype(input.dtype, split.options.dtype);
  const out = sumKernel(asDtype(input, outDtype), dims, keepdim, outDtype);
  const inputShape = input.shape;
  record({
    name: isFullReduction(split.dim) ? 'SumBackward0' : 'SumBackward1',
    inputs: [input],
    outputs: [out],
    backward: ([g]) => [expandReducedGrad(g as Tensor, inputShape, dims, keepdim)],
  });
  return out;
}

const meanGroup = (data: TypedArray, start: number, length: number): number => (sumGroup(data, start, length) as number) / length;

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
  const out = reduceKernel(asDtype(input, dtype), dims, keepdim, dtype, meanGroup);
  // The input's own array: no tensor's shape array is changed in place.
  const inputShape = input.shape_;
  const count = reductionSize(inputShape, dims);
  record({
    name: isFullReduction(split.dim) ? 'MeanBackward0' : 'MeanBackward1',
    inputs: [input],
    outputs: [out],
    backward: ([g]) => [meanBackward(g as Tensor, inputShape, dims, keepdim, count)],
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
  const data = g.storage_.data;
  if (g.shape_.length > 0 || isGradEnabled() || !isFloatArray(data)) return expandReducedGrad(g, inputShape, dims, keepdim).div(count);
  const divisor = g.dtype_ === float32 ? Math.fround(count) : count;
  const out = emptyTensorOfShape(inputShape, g.dtype_);
  const dst = out.storage_.data as FloatArray;
  const value = data[g.offset_] / divisor;
  dst.fill(value);
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

// ---- var, std ----

function varCorrection(options: VarOptions, fn: string): number {
  if (options.unbiased !== undefined && options.correction !== undefined) {
    throw new Error(`${fn}(): cannot specify both 'unbiased' and 'correction'`);
  }
  if (options.unbiased !== undefined) {
    if (typeof options.unbiased !== 'boolean') throw new TypeError(`${fn}(): argument 'unbiased' must be bool, not ${pyTypeName(options.unbiased)}`);
    return options.unbiased ? 1 : 0;
  }
  const c = options.correction ?? 1;
  if (typeof c !== 'number') throw new TypeError(`${fn}(): argument 'correction' must be Number, not ${pyTypeName(c)}`);
  return c;
}

/** Sum of squared deviations from the mean, over max(0, n - correction), computed in doubles. */
function varianceGroup(correction: number) {
  return (data: TypedArray, start: number, length: number): number => {
    let total = 0;
    for (let i = start; i < start + length; i++) total += data[i] as number;
    const avg = total / length;
    let squares = 0;
    for (let i = start; i < start + length; i++) {
      const d = (data[i] as number) - avg;
      squares += d * d;
    }
    return squares / Math.max(0, length - correction);
  };
}

/**
 * PyTorch's var_backward: `2 / (n - correction) * grad * (x - mean)`. The divisor is not clamped as the
 * forward's is, so a correction beyond n flips the sign, as in PyTorch.
 */
function varBackward(grad: Tensor, x: Tensor, dims: readonly number[], fullReduction: boolean, correction: number, keepdim: boolean): Tensor {
  if (x.dim() === 0 || fullReduction) return grad.mul(2 / (x.numel() - correction)).mul(x.sub(x.mean()));
  const g = restoreReducedDims(grad, dims, keepdim);
  const n = reductionSize(x.shape_, dims);
  return g.mul(2 / (n - correction)).mul(x.sub(x.mean(dims, { keepdim: true })));
}

function varianceOp(input: Tensor, dimArg: Dims | boolean | VarOptions | undefined, maybeOptions: VarOptions | undefined, takeSqrt: boolean): Tensor {
  const fn = takeSqrt ? 'std' : 'var';
  checkTensor(input, fn);
  let options: VarOptions;
  let dim: Dims | undefined;
  if (typeof dimArg === 'boolean') {
    options = { ...reduceOptions(maybeOptions, fn), unbiased: dimArg };
  } else {
    ({ dim, options } = splitReduceArgs<Dims, VarOptions>(dimArg, maybeOptions, fn));
  }
  if (!input.dtype.isFloatingPoint) throw new Error('std and var only support floating point and complex dtypes');
  const correction = varCorrection(options, fn);
  const keepdim = options.keepdim ?? false;
  const dims = reductionDims(dim, input.dim(), fn);
  const outShape = reducedShape(input.shape_, dims, keepdim);
  const n = numelOf(outShape) === 0 ? 0 : input.numel() / numelOf(outShape);
  if (n - correction <= 0) {
    warn(`${fn}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor (input numel divided by output numel).`);
  }
  const variance = varianceGroup(correction);
  const out = reduceKernel(input, dims, keepdim, input.dtype, takeSqrt ? (d, s, l) => Math.sqrt(variance(d, s, l)) : variance);
  const full = isFullReduction(dim);
  record({
    name: takeSqrt ? 'StdBackward0' : 'VarBackward0',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => {
      // std_backward: the var gradient scaled by 1 / (2 std), zero where std is zero.
      const gradVar = takeSqrt ? where(result.eq(0), 0, (g as Tensor).div(result.mul(2))) : (g as Tensor);
      return [varBackward(gradVar, x, dims, full, correction, keepdim)];
    },
  });
  return out;
}

export function variance(input: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions): Tensor {
  return varianceOp(input, dim, options, false);
}

export function std(input: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions): Tensor {
  return varianceOp(input, dim, options, true);
}

// ---- logsumexp ----

/** log(sum(exp(x))) shifted by the largest finite maximum, so large values neither overflow nor underflow. */
function logsumexpGroup(data: TypedArray, start: number, length: number): number {
  let max = -Infinity;
  for (let i = start; i < start + length; i++) if ((data[i] as number) > max) max = data[i] as number;
  // An infinite maximum is not subtracted (inf - inf would be nan); PyTorch masks it to 0 too.
  const shift = Number.isFinite(max) ? max : 0;
  let total = 0;
  for (let i = start; i < start + length; i++) total += Math.exp((data[i] as number) - shift);
  return Math.log(total) + shift;
}

export function logsumexp(input: Tensor, dim: number | readonly number[], opts?: { keepdim?: boolean }): Tensor {
  checkTensor(input, 'logsumexp');
  const options = reduceOptions(opts, 'logsumexp');
  if (dim === undefined || dim === null) {
    throw new TypeError('logsumexp() received an invalid combination of arguments - got (), but expected one of:');
  }
  const keepdim = options.keepdim ?? false;
  const dims = reductionDims(dim, input.dim(), 'logsumexp');
  const dtype = input.dtype.isFloatingPoint ? input.dtype : getDefaultDtype();
  const out = reduceKernel(asDtype(input, dtype), dims, keepdim, dtype, logsumexpGroup);
  record({
    name: 'LogsumexpBackward0',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => [
      restoreReducedDims(g as Tensor, dims, keepdim).mul(x.sub(restoreReducedDims(result, dims, keepdim)).exp()),
    ],
  });
  return out;
}

// ---- vector norm ----

/** A norm order as PyTorch prints a Scalar in messages. */
function ordStr(ord: number): string {
  return Number.isFinite(ord) ? String(ord) : ord > 0 ? 'inf' : '-inf';
}

function normGroup(ord: number) {
  return (data: TypedArray, start: number, length: number): number => {
    const end = start + length;
    if (ord === Infinity || ord === -Infinity) {
      let best = ord === Infinity ? 0 : Infinity;
      for (let i = start; i < end; i++) {
        const a = Math.abs(data[i] as number);
        if (Number.isNaN(a)) return NaN;
        if (ord === Infinity ? a > best : a < best) best = a;
      }
      return best;
    }
    let total = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(data[i] as number);
      if (ord === 0) total += a !== 0 ? 1 : 0;
      else if (ord === 1) total += a;
      else if (ord === 2) total += a * a;
      else total += Math.pow(a, ord);
    }
    if (ord === 0 || ord === 1) return total;
    return ord === 2 ? Math.sqrt(total) : Math.pow(total, 1 / ord);
  };
}

/** PyTorch's norm_backward (linalg_vector_norm_backward): zero gradient where the norm is zero. */
function normBackward(grad: Tensor, x: Tensor, ord: number, norm: Tensor, dims: readonly number[], keepdim: boolean): Tensor | null {
  const g = restoreReducedDims(grad, dims, keepdim);
  const n = restoreReducedDims(norm, dims, keepdim);
  if (ord === 0) return null;
  if (ord === 1) return x.sgn().mul(g);
  if (ord === 2) return g.mul(where(n.eq(0), 0, x.div(n)));
  if (!Number.isFinite(ord)) {
    // Ties for the largest (smallest) magnitude share the gradient; nan entries count as ties.
    const absX = x.abs();
    const mask = absX.eq(n).logicalOr(absX.isnan());
    return x.sgn().mul(g.div(mask.sum(dims, { keepdim: true })).mul(mask));
  }
  if (ord < 1) {
    const scaled = x.sgn().mul(where(x.eq(0), 0, x.abs().pow(ord - 1)));
    return scaled.mul(g).mul(n.pow(1 - ord));
  }
  const scale = where(n.eq(0), 0, g.div(n.pow(ord - 1)));
  const scaled = ord < 2 ? x.sgn().mul(x.abs().pow(ord - 1)) : x.mul(x.abs().pow(ord - 2));
  return scaled.mul(scale);
}

/** `torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)`. */
export function vectorNorm(input: Tensor, ord: number = 2, dim: Dims = null, opts?: ReduceOptions): Tensor {
  checkTensor(input, 'linalg.vector_norm');
  const options = reduceOptions(opts, 'linalg.vector_norm');
  if (typeof ord !== 'number') throw new TypeError(`linalg.vector_norm(): argument 'ord' must be Number, not ${pyTypeName(ord)}`);
  if (!input.dtype.isFloatingPoint) {
    throw new Error(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${legacyScalarName(input.dtype)}`);
  }
  const dims = reductionDims(dim, input.dim(), 'linalg.vector_norm');
  if (input.numel() === 0 && (ord < 0 || ord === Infinity)) {
    const given = dim === null ? [] : typeof dim === 'number' ? [dim] : dim;
    if (given.length === 0) {
      throw new Error(`linalg.vector_norm cannot compute the ${ordStr(ord)} norm on an empty tensor because the operation does not have an identity`);
    }
    for (const d of given) {
      if (input.shape_[normalizeDim(d, input.dim())] === 0) {
        throw new Error(
          `linalg.vector_norm cannot compute the ${ordStr(ord)} norm on the dimension ${d}because this dimension is empty and the operation does not have an identity`,
        );
      }
    }
  }
  const requested = options.dtype;
  if (requested !== undefined) {
    if (!requested.isFloatingPoint) throw new Error(`linalg.vector_norm: dtype should be floating point or complex, but got ${legacyScalarName(requested)}`);
    if (promoteTypes(input.dtype, requested) !== requested) {
      throw new Error(
        `linalg.vector_norm: the dtype of the input (${legacyScalarName(input.dtype)}) should be convertible without narrowing to the specified dtype (${legacyScalarName(requested)})`,
      );
    }
  }
  const dtype = requested ?? input.dtype;
  const keepdim = options.keepdim ?? false;
  const out = reduceKernel(asDtype(input, dtype), dims, keepdim, dtype, normGroup(ord));
  record({
    name: 'LinalgVectorNormBackward0',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => [normBackward(g as Tensor, x, ord, result, dims, keepdim)],
  });
  return out;
}

/** `torch.norm(input, p='fro', dim=None, keepdim=False, dtype=None)`, routed as PyTorch 2.x routes it. */
export function norm(input: Tensor, p?: NormOrder | null | ReduceOptions, dim?: Dims, options: ReduceOptions = {}): Tensor {
  checkTensor(input, 'norm');
  if (p !== null && typeof p === 'object') return norm(input, undefined, undefined, p);
  if (p === 'nuc') throw new Error('norm(): the nuclear norm is a matrix norm, which tstorch does not implement');
  if (typeof p === 'string' && p !== 'fro') throw new Error(`only valid string values are 'fro' and 'nuc', found ${p}`);
  const order = p === undefined || p === null || p === 'fro' ? 2 : p;
  if (p === 'fro' && Array.isArray(dim) && dim.length > 2) {
    throw new Error(`norm(): the Frobenius norm over more than 2 dims is a matrix norm, which tstorch does not implement`);
  }
  return vectorNorm(input, order, dim ?? null, options);
}

// ---- all, any ----

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
Tensor.prototype.var = function (this: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions) {
  return variance(this, dim, options);
};
Tensor.prototype.std = function (this: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions) {
  return std(this, dim, options);
};
Tensor.prototype.logsumexp = function (this: Tensor, dim: number | readonly number[], options?: { keepdim?: boolean }) {
  return logsumexp(this, dim, options);
};
Tensor.prototype.norm = function (this: Tensor, p?: NormOrder | null | ReduceOptions, dim?: Dims, options?: ReduceOptions) {
  return norm(this, p, dim, options);
};
Tensor.prototype.all = function (this: Tensor, dim?: Dims, options?: { keepdim?: boolean }) {
  return all(this, dim, options);
};
Tensor.prototype.any = function (this: Tensor, dim?: Dims, options?: { keepdim?: boolean }) {
  return any(this, dim, options);
};
