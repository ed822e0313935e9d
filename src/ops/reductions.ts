// Reductions that select, order or scan along dims: max/min (full, along a dim, amax/amin,
// argmax/argmin), median, sort/argsort/topk, quantile, cumsum/cumprod, softmax/logSoftmax.
// Kernels work on rows along one dim; backward formulas are differentiable tensor expressions (a value
// selected from a position goes back there by scatterAdd; quantile reads sorted values by gather).
import { DType, bool, int64, float32, float64, type TypedArray } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { normalizeDim, numelOf } from '../tensor/layout.js';
import { allocate, castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, ones, tensor, zeros } from '../tensor/factory.js';
import { checkTensor } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { maximum, minimum } from './arithmetic.js';
import { lerp, where } from './ternary.js';
import { cat } from './join.js';
import { record } from '../autograd/record.js';
import { boolOption } from '../tensor/args.js';
import './scatter.js';
import './shape.js';
import {
  asDtype, reduceKernel, reducedShape, reductionDims, resized, restoreReducedDims, singleDim, splitReduceArgs, reduceOptions, sumDtype, type Dims,
} from './reduce.js';

/** A (values, indices) result, like PyTorch's `torch.return_types.*`: use `.values`, `[0]` or destructure. */
export class ValuesIndices implements Iterable<Tensor> {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length = 2;

  constructor(
    /** Name of the op, as in `torch.return_types.<op>`. */
    private readonly op: string,
    readonly values: Tensor,
    readonly indices: Tensor,
  ) {
    this[0] = values;
    this[1] = indices;
  }

  *[Symbol.iterator](): Iterator<Tensor> {
    yield this.values;
    yield this.indices;
  }

  toString(): string {
    return `torch.return_types.${this.op}(\nvalues=${String(this.values)},\nindices=${String(this.indices)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export interface KeepdimOptions {
  keepdim?: boolean;
}

export interface SortOptions {
  descending?: boolean;
  /** Accepted for PyTorch compatibility: tstorch's sort is always stable. */
  stable?: boolean;
}

export interface TopkOptions {
  largest?: boolean;
  /** Accepted for PyTorch compatibility: results are always sorted. */
  sorted?: boolean;
}

export type QuantileInterpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';

export interface QuantileOptions extends KeepdimOptions {
  interpolation?: QuantileInterpolation;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** The largest element; along `dim`, the largest values and their (first) indices; with a tensor, `maximum`. */
    max(): Tensor;
    max(dim: number, options?: KeepdimOptions): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, options?: KeepdimOptions): ValuesIndices;
    min(other: Tensor): Tensor;
    amax(dim?: Dims, options?: KeepdimOptions): Tensor;
    amin(dim?: Dims, options?: KeepdimOptions): Tensor;
    argmax(dim?: number | null, options?: KeepdimOptions): Tensor;
    argmin(dim?: number | null, options?: KeepdimOptions): Tensor;
    /** The lower median of all elements; along `dim`, values and indices. */
    median(): Tensor;
    median(dim: number, options?: KeepdimOptions): ValuesIndices;
    sort(dim?: number | SortOptions, options?: SortOptions): ValuesIndices;
    argsort(dim?: number | SortOptions, options?: SortOptions): Tensor;
    topk(k: number, dim?: number | TopkOptions, options?: TopkOptions): ValuesIndices;
    quantile(q: number | readonly number[] | Tensor, dim?: number | null, options?: QuantileOptions): Tensor;
    cumsum(dim: number, options?: { dtype?: DType }): Tensor;
    cumprod(dim: number, options?: { dtype?: DType }): Tensor;
    softmax(dim: number, options?: { dtype?: DType }): Tensor;
    logSoftmax(dim: number, options?: { dtype?: DType }): Tensor;
  }
}

// ---- argument checks ----

/** PyTorch's error for a required argument that is missing (the first line of its message). */
function requireArg(value: unknown, fn: string): void {
  if (value === undefined || value === null) {
    throw new TypeError(`${fn}() received an invalid combination of arguments - got (), but expected one of:`);
  }
}

function rejectDtype(input: Tensor, kernel: string, reject: (d: DType) => boolean): void {
  if (reject(input.dtype)) throw new Error(`"${kernel}" not implemented for '${legacyScalarName(input.dtype)}'`);
}

/** Reductions without an identity (max, median, ...) cannot reduce an empty dim. */
function checkNonEmptyDim(input: Tensor, dim: number, fn: string, shownDim: number = dim): void {
  if (input.dim() > 0 && input.shape_[dim] === 0) {
    throw new Error(`${fn}(): Expected reduction dim ${shownDim} to have non-zero size.`);
  }
}

// ---- row kernels ----

/** `shape` around `dim`: `outer * inner` rows of `size` elements, `inner` apart (0-d: one row of one). */
function rowsOf(shape: readonly number[], dim: number): { outer: number; size: number; inner: number } {
  if (shape.length === 0) return { outer: 1, size: 1, inner: 1 };
  return { outer: numelOf(shape.slice(0, dim)), size: shape[dim], inner: numelOf(shape.slice(dim + 1)) };
}

type Row = ArrayLike<Element>;
type OutRow = Element[];

/**
 * Calls `fn` with each row of `input` along `dim` (its values, in order; read-only) and one row of
 * each output to fill. Outputs are contiguous tensors of the given shapes, laid out like `input` with
 * `dim` resized to the row length `fn` writes (shapes may drop `dim` when that length is 1).
 */
function rowKernel(input: Tensor, dim: number, outputs: readonly { shape: readonly number[]; dtype: DType }[], fn: (row: Row, out: OutRow[]) => void): Tensor[] {
  const { outer, size, inner } = rowsOf(input.shape_, dim);
  const data = input.contiguousData() as Row;
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

function isNaNElement(v: Element): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

/** Ascending order with nan last (PyTorch's sort order); 0 for ties. */
function compareAscending(a: Element, b: Element): number {
  if (isNaNElement(a)) return isNaNElement(b) ? 0 : 1;
  if (isNaNElement(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Positions of `row` in stable sorted order (descending: nan first, ties still in index order). */
function sortedOrder(row: Row, length: number, descending: boolean): number[] {
  const order = Array.from({ length }, (_, i) => i);
  const sign = descending ? -1 : 1;
  return order.sort((i, j) => sign * compareAscending(row[i], row[j]));
}

// ---- backward helpers ----

/** `t` moved one step along `dim` (towards higher indices for step 1, lower for -1), zero-filled. */
function shiftDim(t: Tensor, dim: number, step: 1 | -1): Tensor {
  const n = t.shape_[dim];
  const fill = zeros(resized(t.shape_, dim, 1), { dtype: t.dtype });
  return step === 1 ? cat([fill, t.narrow(dim, 0, n - 1)], dim) : cat([t.narrow(dim, 1, n - 1), fill], dim);
}

/**
 * The first-order linear recurrence h[j] = b[j] + a[j] * h[j-1] along `dim` (h[j+1] when `reverse`),
 * starting from 0. It expresses cumprod's gradient without dividing by the input, so zeros are fine;
 * its own gradient is the same recurrence run the other way.
 */
function linearRecurrence(b: Tensor, a: Tensor, dim: number, reverse: boolean): Tensor {
  const bd = b.contiguousData() as ArrayLike<number>;
  const ad = a.contiguousData() as ArrayLike<number>;
  const { outer, size, inner } = rowsOf(b.shape_, dim);
  const out = emptyTensor(b.shape_, b.dtype);
  const dst = out.storage_.data as unknown as number[];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let h = 0;
      for (let s = 0; s < size; s++) {
        const p = (o * size + (reverse ? size - 1 - s : s)) * inner + i;
        h = bd[p] + ad[p] * h;
        dst[p] = h;
      }
    }
  }
  record({
    name: 'LinearRecurrenceBackward',
    inputs: [b, a],
    outputs: [out],
    save: [a, out],
    backward: ([g], [coef, h]) => {
      // d h / d b runs the recurrence backwards with each coefficient moved to the step it feeds.
      const gradB = linearRecurrence(g as Tensor, shiftDim(coef, dim, reverse ? 1 : -1), dim, !reverse);
      return [gradB, gradB.mul(shiftDim(h, dim, reverse ? -1 : 1))];
    },
  });
  return out;
}

/** Gradient of a selection along `dim` (max/min/median/sort/topk values): back to the selected positions. */
function selectionBackward(grad: Tensor, indices: Tensor, dim: number, inputShape: readonly number[], keepdim: boolean): Tensor {
  const unsqueeze = !keepdim && inputShape.length > 0;
  const g = unsqueeze ? grad.unsqueeze(dim) : grad;
  return zeros(inputShape, { dtype: g.dtype }).scatterAdd(dim, unsqueeze ? indices.unsqueeze(dim) : indices, g);
}

/** Gradient of a full max/min/median: split evenly over the elements equal to the result (nan: the nans). */
function evenlyDistributedBackward(grad: Tensor, input: Tensor, value: Tensor): Tensor {
  const mask = Number.isNaN(value.item()) ? input.isnan() : input.eq(value);
  return where(mask, grad.div(mask.sum()), 0);
}

// ---- max, min, amax, amin, argmax, argmin ----

type Extreme = 'max' | 'min';

/** Whether `a` beats the current best `b` (nan beats everything; ties keep the earlier one). */
function beats(kind: Extreme, a: Element, b: Element): boolean {
  if (isNaNElement(b)) return false;
  if (isNaNElement(a)) return true;
  return kind === 'max' ? a > b : a < b;
}

/** Position of the first extreme element of row[start, start + length). */
function extremeIndex(kind: Extreme, row: Row, start: number, length: number): number {
  let best = start;
  for (let i = start + 1; i < start + length; i++) if (beats(kind, row[i], row[best])) best = i;
  return best - start;
}

function checkFullReduction(input: Tensor, fn: string): void {
  if (input.numel() === 0) {
    throw new Error(`${fn}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
}

function extremeAll(input: Tensor, kind: Extreme): Tensor {
  checkFullReduction(input, kind);
  const dims = reductionDims(null, input.dim());
  const out = reduceKernel(input, dims, false, input.dtype, (data, start, length) => data[start + extremeIndex(kind, data, start, length)]);
  record({
    name: kind === 'max' ? 'MaxBackward1' : 'MinBackward1',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => [evenlyDistributedBackward(g as Tensor, x, result)],
  });
  return out;
}

function extremeAlongDim(input: Tensor, kind: Extreme, dimArg: number, keepdim: boolean): ValuesIndices {
  const dim = singleDim(dimArg, input.dim(), kind);
  checkNonEmptyDim(input, dim, kind);
  const shape = reducedShape(input.shape_, input.dim() === 0 ? [] : [dim], keepdim);
  const [values, indices] = rowKernel(input, dim, [{ shape, dtype: input.dtype }, { shape, dtype: int64 }], (row, [v, ix]) => {
    const best = extremeIndex(kind, row, 0, row.length);
    v[0] = row[best];
    ix[0] = BigInt(best);
  });
  const inputShape = input.shape;
  record({
    name: kind === 'max' ? 'MaxBackward0' : 'MinBackward0',
    inputs: [input],
    outputs: [values, indices],
    save: [indices],
    backward: ([g], [ix]) => [selectionBackward(g as Tensor, ix, dim, inputShape, keepdim)],
  });
  return new ValuesIndices(kind, values, indices);
}

function extreme(kind: Extreme) {
  function op(input: Tensor): Tensor;
  function op(input: Tensor, dim: number, options?: KeepdimOptions): ValuesIndices;
  function op(input: Tensor, other: Tensor): Tensor;
  function op(input: Tensor, dimOrOther?: number | Tensor, options?: KeepdimOptions): Tensor | ValuesIndices {
    checkTensor(input, kind);
    const keepdim = reduceOptions(options, kind).keepdim ?? false;
    if (dimOrOther instanceof Tensor) return kind === 'max' ? maximum(input, dimOrOther) : minimum(input, dimOrOther);
    if (dimOrOther === undefined) return extremeAll(input, kind);
    return extremeAlongDim(input, kind, dimOrOther, keepdim);
  }
  return op;
}

export const max = extreme('max');
export const min = extreme('min');

function amaxOrAmin(kind: Extreme) {
  const fn = kind === 'max' ? 'amax' : 'amin';
  return (input: Tensor, dim: Dims = [], opts?: KeepdimOptions): Tensor => {
    checkTensor(input, fn);
    const options = reduceOptions(opts, fn);
    const dims = reductionDims(dim, input.dim(), fn);
    if (input.numel() === 0) {
      const given = dim === null ? [] : typeof dim === 'number' ? [dim] : dim;
      if (given.length === 0) checkFullReduction(input, fn);
      for (const d of given) checkNonEmptyDim(input, normalizeDim(d, input.dim()), fn, d);
    }
    const keepdim = options.keepdim ?? false;
    const out = reduceKernel(input, dims, keepdim, input.dtype, (data, start, length) => data[start + extremeIndex(kind, data, start, length)]);
    record({
      name: kind === 'max' ? 'AmaxBackward0' : 'AminBackward0',
      inputs: [input],
      outputs: [out],
      save: [input, out],
      backward: ([g], [x, result]) => {
        // Ties share the gradient; a nan result matches nothing, so its slice gets nan (PyTorch's scale_grad_by_count).
        const mask = x.eq(restoreReducedDims(result, dims, keepdim));
        return [restoreReducedDims(g as Tensor, dims, keepdim).div(mask.sum(dims, { keepdim: true })).mul(mask)];
      },
    });
    return out;
  };
}

export const amax = amaxOrAmin('max');
export const amin = amaxOrAmin('min');

function argExtreme(kind: Extreme) {
  const fn = kind === 'max' ? 'argmax' : 'argmin';
  return (input: Tensor, dim: number | null = null, options?: KeepdimOptions): Tensor => {
    checkTensor(input, fn);
    rejectDtype(input, `${fn}_cpu`, (d) => d === bool);
    const keepdim = reduceOptions(options, fn).keepdim ?? false;
    if (dim === null || dim === undefined) {
      if (input.numel() === 0) throw new Error(`${fn}(): Expected reduction dim to be specified for input.numel() == 0.`);
      const flat = input.reshape(-1);
      const shape = keepdim ? input.shape_.map(() => 1) : [];
      return rowKernel(flat, 0, [{ shape, dtype: int64 }], (row, [ix]) => {
        ix[0] = BigInt(extremeIndex(kind, row, 0, row.length));
      })[0];
    }
    const d = singleDim(dim, input.dim(), fn);
    checkNonEmptyDim(input, d, fn);
    const shape = reducedShape(input.shape_, input.dim() === 0 ? [] : [d], keepdim);
    return rowKernel(input, d, [{ shape, dtype: int64 }], (row, [ix]) => {
      ix[0] = BigInt(extremeIndex(kind, row, 0, row.length));
    })[0];
  };
}

export const argmax = argExtreme('max');
export const argmin = argExtreme('min');

// ---- median ----

function medianAll(input: Tensor): Tensor {
  rejectDtype(input, 'median_cpu', (d) => d === bool);
  const flat = input.reshape(-1).contiguousData() as Row;
  const out = emptyTensor([], input.dtype);
  const n = flat.length;
  let value: Element = NaN;
  if (n > 0 && !Array.prototype.some.call(flat, isNaNElement)) value = flat[sortedOrder(flat, n, false)[(n - 1) >> 1]];
  // An empty input gives nan, cast to the input's dtype as PyTorch 2.x casts it.
  (out.storage_.data as unknown as OutRow)[0] = castElement(value, input.dtype);
  record({
    name: 'MedianBackward0',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => [evenlyDistributedBackward(g as Tensor, x, result)],
  });
  return out;
}

function medianAlongDim(input: Tensor, dimArg: number, keepdim: boolean): ValuesIndices {
  rejectDtype(input, 'median_out', (d) => d === bool);
  const dim = singleDim(dimArg, input.dim(), 'median');
  checkNonEmptyDim(input, dim, 'median');
  const shape = reducedShape(input.shape_, input.dim() === 0 ? [] : [dim], keepdim);
  const [values, indices] = rowKernel(input, dim, [{ shape, dtype: input.dtype }, { shape, dtype: int64 }], (row, [v, ix]) => {
    const n = row.length;
    // A nan is the median (the first one); otherwise the lower middle of the stable order.
    let at = Array.prototype.findIndex.call(row, isNaNElement);
    if (at < 0) at = sortedOrder(row, n, false)[(n - 1) >> 1];
    v[0] = row[at];
    ix[0] = BigInt(at);
  });
  const inputShape = input.shape;
  record({
    name: 'MedianBackward1',
    inputs: [input],
    outputs: [values, indices],
    save: [indices],
    backward: ([g], [ix]) => [selectionBackward(g as Tensor, ix, dim, inputShape, keepdim)],
  });
  return new ValuesIndices('median', values, indices);
}

export function median(input: Tensor): Tensor;
export function median(input: Tensor, dim: number, options?: KeepdimOptions): ValuesIndices;
export function median(input: Tensor, dim?: number, options?: KeepdimOptions): Tensor | ValuesIndices {
  checkTensor(input, 'median');
  return dim === undefined ? medianAll(input) : medianAlongDim(input, dim, reduceOptions(options, 'median').keepdim ?? false);
}

// ---- sort, argsort, topk ----

/** Values and indices of the first `k` elements of each row in sorted order, recorded as `name`. */
function sortedSelection(input: Tensor, dim: number, k: number, descending: boolean, name: string, op: string): ValuesIndices {
  const shape = resized(input.shape_, dim, k);
  const [values, indices] = rowKernel(input, dim, [{ shape, dtype: input.dtype }, { shape, dtype: int64 }], (row, [v, ix]) => {
    const order = sortedOrder(row, row.length, descending);
    for (let j = 0; j < k; j++) {
      v[j] = row[order[j]];
      ix[j] = BigInt(order[j]);
    }
  });
  const inputShape = input.shape;
  record({
    name,
    inputs: [input],
    outputs: [values, indices],
    save: [indices],
    backward: ([g], [ix]) => [selectionBackward(g as Tensor, ix, dim, inputShape, true)],
  });
  return new ValuesIndices(op, values, indices);
}

export function sort(input: Tensor, dim?: number | SortOptions, options?: SortOptions): ValuesIndices {
  checkTensor(input, 'sort');
  const split = splitReduceArgs<number, SortOptions>(dim, options, 'sort');
  boolOption(split.options.descending, 'sort', 'descending');
  boolOption(split.options.stable, 'sort', 'stable');
  const d = singleDim(split.dim ?? -1, input.dim(), 'sort');
  // Passing `stable` selects the sort.stable overload, whose node PyTorch numbers SortBackward1.
  const name = split.options.stable === undefined ? 'SortBackward0' : 'SortBackward1';
  return sortedSelection(input, d, rowsOf(input.shape_, d).size, split.options.descending ?? false, name, 'sort');
}

export function argsort(input: Tensor, dim?: number | SortOptions, options?: SortOptions): Tensor {
  return sort(input, dim, options).indices;
}

export function topk(input: Tensor, k: number, dim?: number | TopkOptions, options?: TopkOptions): ValuesIndices {
  checkTensor(input, 'topk');
  if (typeof k !== 'number' || !Number.isInteger(k)) throw new TypeError(`topk(): argument 'k' (position 1) must be int, not ${pyTypeName(k)}`);
  const split = splitReduceArgs<number, TopkOptions>(dim, options, 'topk');
  boolOption(split.options.largest, 'topk', 'largest');
  boolOption(split.options.sorted, 'topk', 'sorted');
  const d = singleDim(split.dim ?? -1, input.dim(), 'topk');
  if (k < 0 || k > rowsOf(input.shape_, d).size) throw new Error('selected index k out of range');
  rejectDtype(input, 'topk_cpu', (t) => t === bool);
  return sortedSelection(input, d, k, split.options.largest ?? true, 'TopkBackward0', 'topk');
}

// ---- quantile ----

const INTERPOLATIONS: readonly QuantileInterpolation[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];

/**
 * An in-place `squeeze_(-1)` on a fresh tensor: PyTorch's quantile ends with one, so its result's grad_fn
 * is SqueezeBackward4 (squeeze_.dim in 2.x's numbering; 1.13 shows SqueezeBackward3). Not a view.
 */
function squeezeLastInPlace(t: Tensor): Tensor {
  const out = t.aliasWithLayout(t.shape_.slice(0, -1), t.strides_.slice(0, -1), t.offset_);
  record({ name: 'SqueezeBackward4', inputs: [t], outputs: [out], backward: ([g]) => [(g as Tensor).unsqueeze(-1)] });
  return out;
}

/** `torch.quantile(input, q, dim=None, keepdim=False, *, interpolation='linear')`, composed as PyTorch composes it. */
export function quantile(input: Tensor, q: number | readonly number[] | Tensor, dim: number | null = null, opts?: QuantileOptions): Tensor {
  checkTensor(input, 'quantile');
  const options = reduceOptions(opts, 'quantile');
  if (typeof q === 'number' && !(q >= 0 && q <= 1)) throw new Error(`quantile() q must be in the range [0, 1] but got ${q}`);
  const interpolation = options.interpolation ?? 'linear';
  if (!INTERPOLATIONS.includes(interpolation)) {
    throw new Error(`quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${String(interpolation)}`);
  }
  const qt = q instanceof Tensor ? q : tensor(q as number | number[], { dtype: input.dtype });
  if (input.numel() === 0) throw new Error('quantile() input tensor must be non-empty');
  if (qt.dim() > 1) throw new Error('quantile() q must be a scalar or 1D tensor');
  if (input.dtype !== float32 && input.dtype !== float64) throw new Error('quantile() input tensor must be either float or double dtype');
  if (qt.dtype !== input.dtype) throw new Error('quantile() q tensor must be same dtype as the input tensor');
  const keepdim = options.keepdim ?? false;
  const wrapped = dim === null || dim === undefined ? null : singleDim(dim, input.dim(), 'quantile');
  const reduceDim = input.dim() === 0 ? null : wrapped;
  if (!qt.ge(0).logicalAnd(qt.le(1)).all().item()) throw new Error('quantile() q values must be in the range [0, 1]');

  // Sorted values along a last dim, the other dims shaped as the result (without q's dim).
  const n = reduceDim === null ? input.numel() : input.shape_[reduceDim];
  const keptShape = reduceDim === null ? (keepdim ? input.shape_.map(() => 1) : []) : reducedShape(input.shape_, [reduceDim], keepdim);
  const moved = reduceDim === null ? input.reshape(-1) : input.movedim(reduceDim, -1);
  const sorted = sort(moved, -1).values.reshape([...keptShape, n]);

  // Ranks in [0, n - 1] per row and q; rows holding a nan take the last rank (nan sorts last).
  const last = n - 1;
  let ranks = where(sorted.isnan().any(-1, { keepdim: true }), last, qt.mul(last));
  if (interpolation === 'lower') ranks = ranks.floor();
  else if (interpolation === 'higher') ranks = ranks.ceil();
  else if (interpolation === 'nearest') ranks = ranks.round();
  const below = ranks.to(int64);
  let values = sorted.gather(-1, below);
  if (interpolation === 'linear' || interpolation === 'midpoint') {
    const weights = interpolation === 'midpoint' ? 0.5 : ranks.sub(below);
    values = lerp(values, sorted.gather(-1, ranks.ceil().to(int64)), weights);
  }
  // q's dim goes first: [..., Q] -> [Q, ..., 1] before the final squeeze.
  return squeezeLastInPlace(qt.dim() === 0 ? values : values.unsqueeze(0).transpose(0, -1));
}

// ---- cumsum, cumprod ----

function scanOp(kind: 'cumsum' | 'cumprod') {
  return (input: Tensor, dim: number, opts?: { dtype?: DType }): Tensor => {
    checkTensor(input, kind);
    requireArg(dim, kind);
    const options = reduceOptions(opts, kind);
    const d = singleDim(dim, input.dim(), kind);
    const dtype = sumDtype(input.dtype, options.dtype);
    const src = asDtype(input, dtype);
    const isSum = kind === 'cumsum';
    const [out] = rowKernel(src, d, [{ shape: input.shape_, dtype }], (row, [dst]) => {
      if (dtype === int64) {
        let acc = isSum ? 0n : 1n;
        for (let j = 0; j < row.length; j++) dst[j] = acc = BigInt.asIntN(64, isSum ? acc + (row[j] as bigint) : acc * (row[j] as bigint));
      } else {
        let acc = isSum ? 0 : 1;
        for (let j = 0; j < row.length; j++) dst[j] = acc = isSum ? acc + (row[j] as number) : acc * (row[j] as number);
      }
    });
    record({
      name: isSum ? 'CumsumBackward0' : 'CumprodBackward0',
      inputs: [input],
      outputs: [out],
      save: isSum ? [] : [input, out],
      backward: ([g], saved) => [isSum ? cumsumBackward(g as Tensor, d) : cumprodBackward(g as Tensor, saved[0], saved[1], d)],
    });
    return out;
  };
}

/** The reversed cumulative sum of the gradient. */
function cumsumBackward(grad: Tensor, dim: number): Tensor {
  if (grad.numel() <= 1 || rowsOf(grad.shape_, dim).size === 1) return grad;
  return grad.flip(dim).cumsum(dim).flip(dim);
}

/**
 * Without zeros in the input, PyTorch's reversed cumsum of grad * output, divided by the input. With
 * zeros, d/dx[k] of sum_i g[i] * prod_{j<=i} x[j] is prod_{j<k} x[j] * s[k], where s[k] = g[k] +
 * x[k+1] * s[k+1]: an exclusive cumprod (the output shifted by one) times a reversed linear recurrence.
 * That form never divides, takes O(n), and is differentiable to any order.
 */
function cumprodBackward(grad: Tensor, input: Tensor, result: Tensor, dim: number): Tensor {
  if (input.numel() <= 1 || rowsOf(input.shape_, dim).size === 1) return grad;
  const x = input.dtype === grad.dtype ? input : input.to(grad.dtype);
  if (x.eq(0).any().item() === 0) return cumsumBackward(result.mul(grad), dim).div(x);
  const n = x.shape_[dim];
  const before = cat([ones(resized(x.shape_, dim, 1), { dtype: result.dtype }), result.narrow(dim, 0, n - 1)], dim);
  return before.mul(linearRecurrence(grad, shiftDim(x, dim, -1), dim, true));
}

export const cumsum = scanOp('cumsum');
export const cumprod = scanOp('cumprod');

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
proto.max = function (this: Tensor, dimOrOther?: number | Tensor, options?: KeepdimOptions) {
  return max(this, dimOrOther as number, options);
} as Tensor['max'];
proto.min = function (this: Tensor, dimOrOther?: number | Tensor, options?: KeepdimOptions) {
  return min(this, dimOrOther as number, options);
} as Tensor['min'];
proto.amax = function (this: Tensor, dim?: Dims, options?: KeepdimOptions) {
  return amax(this, dim, options);
};
proto.amin = function (this: Tensor, dim?: Dims, options?: KeepdimOptions) {
  return amin(this, dim, options);
};
proto.argmax = function (this: Tensor, dim?: number | null, options?: KeepdimOptions) {
  return argmax(this, dim, options);
};
proto.argmin = function (this: Tensor, dim?: number | null, options?: KeepdimOptions) {
  return argmin(this, dim, options);
};
proto.median = function (this: Tensor, dim?: number, options?: KeepdimOptions) {
  return median(this, dim as number, options);
} as Tensor['median'];
proto.sort = function (this: Tensor, dim?: number | SortOptions, options?: SortOptions) {
  return sort(this, dim, options);
};
proto.argsort = function (this: Tensor, dim?: number | SortOptions, options?: SortOptions) {
  return argsort(this, dim, options);
};
proto.topk = function (this: Tensor, k: number, dim?: number | TopkOptions, options?: TopkOptions) {
  return topk(this, k, dim, options);
};
proto.quantile = function (this: Tensor, q: number | readonly number[] | Tensor, dim?: number | null, options?: QuantileOptions) {
  return quantile(this, q, dim, options);
};
proto.cumsum = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return cumsum(this, dim, options);
};
proto.cumprod = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return cumprod(this, dim, options);
};
proto.softmax = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return softmax(this, dim, options);
};
proto.logSoftmax = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return logSoftmax(this, dim, options);
};
