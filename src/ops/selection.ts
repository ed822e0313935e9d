// Reductions that select values from positions: max/min (full, along a dim, amax/amin,
// argmax/argmin), median, sort/argsort/topk, quantile. Kernels work on rows along one dim; backward
// formulas are differentiable tensor expressions (a value selected from a position goes back there by
// scatterAdd; quantile reads sorted values by gather).
import { bool, int64, float32, float64 } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { normalizeDim } from '../tensor/layout.js';
import { castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, tensor, zeros } from '../tensor/factory.js';
import { checkTensor } from './elementwise.js';
import { isFloatArray, type FloatArray } from '../backends/backend.js';
import { maximum, minimum } from './arithmetic.js';
import { lerp, where } from './ternary.js';
import { record } from '../autograd/record.js';
import { activeBackend } from '../backends/registry.js';
import { boolOption } from '../tensor/args.js';
import './scatter.js';
import {
  reduceKernel, reducedShape, reductionDims, rejectDtype, resized, restoreReducedDims, rowKernel, rowsOf, singleDim, splitReduceArgs, reduceOptions,
  type Dims, type OutRow, type Row,
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
  }
}

// ---- argument checks ----

/** Reductions without an identity (max, median, ...) cannot reduce an empty dim. */
function checkNonEmptyDim(input: Tensor, dim: number, fn: string, shownDim: number = dim): void {
  if (input.dim() > 0 && input.shape_[dim] === 0) {
    throw new Error(`${fn}(): Expected reduction dim ${shownDim} to have non-zero size.`);
  }
}

// ---- sort order ----

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

/**
 * The extremes along `dim` (values, and first positions as int64) of a float tensor, in one loop over
 * its elements: extremeIndex's choice (a nan wins at its first position) without a call and a row
 * view per row. Null for other dtypes.
 */
function floatExtremes(kind: Extreme, input: Tensor, dim: number, shape: readonly number[]): [Tensor, Tensor] | null {
  const data = input.contiguousElements();
  if (!isFloatArray(data)) return null;
  const { outer, size, inner } = rowsOf(input.shape_, dim);
  const values = emptyTensor(shape, input.dtype);
  const indices = emptyTensor(shape, int64);
  const v = values.storage_.data as FloatArray;
  const ix = indices.storage_.data as BigInt64Array;
  if (activeBackend().extremeRows?.(data, outer, size, inner, kind === 'min', v, ix) === true) return [values, indices];
  // min is max of the negated values, so one loop serves both (negation is exact, nan stays nan).
  const sign = kind === 'max' ? 1 : -1;
  for (let o = 0, k = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++, k++) {
      let p = o * size * inner + i;
      let best = sign * data[p];
      let at = 0;
      if (best === best) {
        for (let j = 1; j < size; j++) {
          p += inner;
          const x = sign * data[p];
          if (x > best) {
            best = x;
            at = j;
          } else if (x !== x) {
            best = x;
            at = j;
            break;
          }
        }
      }
      v[k] = sign * best;
      ix[k] = BigInt(at);
    }
  }
  return [values, indices];
}

/** The extremes along `dim` as values and first indices (rowKernel over extremeIndex where not float). */
function extremesAlongDim(kind: Extreme, input: Tensor, dim: number, shape: readonly number[]): [Tensor, Tensor] {
  const fast = floatExtremes(kind, input, dim, shape);
  if (fast !== null) return fast;
  const [values, indices] = rowKernel(input, dim, [{ shape, dtype: input.dtype }, { shape, dtype: int64 }], (row, [v, ix]) => {
    const best = extremeIndex(kind, row, 0, row.length);
    v[0] = row[best];
    ix[0] = BigInt(best);
  });
  return [values, indices];
}

function extremeAlongDim(input: Tensor, kind: Extreme, dimArg: number, keepdim: boolean): ValuesIndices {
  const dim = singleDim(dimArg, input.dim(), kind);
  checkNonEmptyDim(input, dim, kind);
  const shape = reducedShape(input.shape_, input.dim() === 0 ? [] : [dim], keepdim);
  const [values, indices] = extremesAlongDim(kind, input, dim, shape);
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
    return extremesAlongDim(kind, input, d, shape)[1];
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
