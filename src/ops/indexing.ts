// Indexing with PyTorch's (NumPy's) subscript syntax, and index_put.
//
//   t.index(...items)                      reads   t[items]
//   t.setIndex(items, value)               writes  t[items] = value, in place
//   t.indexPut_(indices, values, { accumulate })   torch's index_put_ (indices: tensors or null)
//   t.indexPut(indices, values, { accumulate })    its out-of-place form (also torch.indexPut)
//
// One index item is:
//   3, -1                      an integer: picks one position and removes the dim     t[3]
//   ':', '1:', ':-1', '1:5:2'  a slice, written as in Python (step > 0)                t[1:5:2]
//   torch.slice(1, 5, 2)       the same slice from numbers (torch.slice(5) is ':5', as Python's slice(5))
//   null                       a new dim of size 1                                      t[None]
//   '...'                      as many ':' as the other items leave                     t[...]
//   true / false               a new dim of size 1 / 0                                  t[True]
//   an integer tensor (int64, int32) or an array of integers: advanced indexing          t[[0, 2]]
//   a bool tensor or an array of booleans: a mask over as many dims as it has            t[t > 0]
//
// `t.index(0, ':', [1, 2])` is Python's `t[0, :, [1, 2]]`. `setIndex` takes the same items as one
// array, `t.setIndex([0, ':', [1, 2]], v)`, or a single item that is not an array, `t.setIndex(mask, 0)`:
// in setIndex the outer array is always the list of items, so `t[[0, 2]] = v` is `t.setIndex([[0, 2]], v)`.
//
// Integers, slices, null and '...' alone give views (SelectBackward0, SliceBackward0,
// UnsqueezeBackward0, AliasBackward0). Tensors, arrays and booleans index by copying (IndexBackward0),
// with PyTorch's placement of the indexed dims: where the first indexed dim was when the index tensors
// are adjacent, first otherwise. Writes go through the in-place machinery, so writing into a view of a
// tensor that requires grad rewrites its history (CopySlices).
import { DType, bool, int32, int64, uint8 } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { broadcastShapes, contiguousStrides, expandedStrides, isExpandableTo, numelOf, shapeStr } from '../tensor/layout.js';
import { castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, scalarTensor, tensor, zeros, zerosLike, type Scalar } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { elementOffsets } from '../backends/js/strided.js';
import { checkTensor, isScalar } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { alias } from './view.js';
import { applyInplace } from './inplace.js';
import { record } from '../autograd/record.js';
import type { MaybeTensor } from '../autograd/node.js';

/** A Python slice `start:stop:step`; null parts take Python's defaults. */
export class Slice {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {}

  toString(): string {
    const part = (v: number | null): string => (v === null ? '' : String(v));
    return `${part(this.start)}:${part(this.stop)}${this.step === null ? '' : `:${this.step}`}`;
  }
}

/** Python's `slice(stop)` / `slice(start, stop, step?)`; null means the default. */
export function slice(stop: number | null): Slice;
export function slice(start: number | null, stop: number | null, step?: number | null): Slice;
export function slice(a: number | null, b?: number | null, step: number | null = null): Slice {
  const parts = b === undefined ? [null, a, step] : [a, b, step];
  for (const p of parts) {
    if (p !== null && (typeof p !== 'number' || !Number.isInteger(p))) {
      throw new TypeError(`slice indices must be integers or None, not ${pyTypeName(p)}`);
    }
  }
  return new Slice(parts[0], parts[1], parts[2]);
}

export type IndexList = readonly (number | boolean | IndexList)[];
export type IndexItem = number | bigint | boolean | null | string | Slice | Tensor | IndexList;

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `t[items]`: see the top of src/ops/indexing.ts for the item syntax. */
    index(...items: IndexItem[]): Tensor;
    /** `t[items] = value`, in place; `items` is the list of index items (or one non-array item). */
    setIndex(items: IndexItem | readonly IndexItem[], value: Tensor | Scalar): this;
    /** torch's `index_put_`: writes (or adds) `values` at the positions the index tensors give. */
    indexPut_(indices: readonly (Tensor | null)[], values: Tensor | Scalar, options?: { accumulate?: boolean }): this;
    indexPut(indices: readonly (Tensor | null)[], values: Tensor | Scalar, options?: { accumulate?: boolean }): Tensor;
  }
}

// ---- parsing index items ----

type Item =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number }
  | { kind: 'none' }
  | { kind: 'ellipsis' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'tensor'; tensor: Tensor };

const INVALID_INDEX = 'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices';
const SLICE_PATTERN = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

function sliceItem(start: number | null, stop: number | null, step: number | null): Item {
  if (step === 0) throw new Error('slice step cannot be zero');
  if (step !== null && step < 0) throw new Error('step must be greater than zero');
  return { kind: 'slice', start, stop, step: step ?? 1 };
}

function parseString(s: string): Item {
  if (s === '...') return { kind: 'ellipsis' };
  const m = SLICE_PATTERN.exec(s);
  if (m === null) {
    throw new TypeError(`index(): invalid index string '${s}': expected '...' or a slice such as ':', '1:', ':-1' or '1:5:2'`);
  }
  const num = (g: string | undefined): number | null => (g === undefined ? null : Number(g));
  return sliceItem(num(m[1]), num(m[2]), num(m[3]));
}

function flatValues(list: IndexList): unknown[] {
  return list.flatMap((v) => (Array.isArray(v) ? flatValues(v as IndexList) : [v]));
}

/** A nested array as a tensor: booleans give a mask, integers int64, anything else float (rejected later). */
function listToTensor(list: IndexList): Tensor {
  const values = flatValues(list);
  if (values.some((v) => typeof v !== 'number' && typeof v !== 'boolean')) {
    throw new TypeError(`${INVALID_INDEX} (got a list containing ${pyTypeName(values.find((v) => typeof v !== 'number' && typeof v !== 'boolean'))})`);
  }
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return tensor(list as never, { dtype: bool });
  const integral = values.every((v) => Number.isInteger(v));
  return tensor(list as never, integral ? { dtype: int64 } : {});
}

function parseItem(item: IndexItem): Item {
  if (item === null) return { kind: 'none' };
  if (typeof item === 'boolean') return { kind: 'bool', value: item };
  if (typeof item === 'bigint') return { kind: 'int', value: Number(item) };
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new TypeError(`${INVALID_INDEX} (got float)`);
    return { kind: 'int', value: item };
  }
  if (typeof item === 'string') return parseString(item);
  if (item instanceof Slice) return sliceItem(item.start, item.stop, item.step);
  if (item instanceof Tensor) return { kind: 'tensor', tensor: item };
  if (Array.isArray(item)) return { kind: 'tensor', tensor: listToTensor(item) };
  throw new TypeError(`${INVALID_INDEX} (got ${pyTypeName(item)})`);
}

const isMaskDtype = (d: DType): boolean => d === bool || d === uint8;

/** How many dims of the indexed tensor the items consume (PyTorch's count_specified_dimensions). */
function specifiedDims(items: readonly Item[]): number {
  let count = 0;
  for (const it of items) {
    if (it.kind === 'tensor') count += isMaskDtype(it.tensor.dtype) ? it.tensor.dim() : 1;
    else if (it.kind === 'int' || it.kind === 'slice') count++;
  }
  return count;
}

// ---- basic indexing (views) ----

function applySelect(t: Tensor, dim: number, index: number, realDim: number): Tensor {
  if (t.dim() === 0 && index === 0) {
    throw new Error('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
  }
  const size = t.dim() === 0 ? 0 : t.shape_[dim];
  if (!(size > -1 - index && size > index)) throw new Error(`index ${index} is out of bounds for dimension ${realDim} with size ${size}`);
  return t.select(dim, index);
}

function applySlice(t: Tensor, dim: number, it: Extract<Item, { kind: 'slice' }>, optimize: boolean): Tensor {
  // Like PyTorch, `0:n:1` over a whole dim of size n (with an explicit stop) is skipped inside a tuple.
  if (optimize && (it.start ?? 0) === 0 && it.stop === t.shape_[dim] && it.step === 1) return t;
  return t.slice(dim, it.start, it.stop, it.step);
}

/** The index tensor for a Python bool: [0] for true, empty for false. */
function boolIndex(value: boolean): Tensor {
  return value ? zeros([1], { dtype: int64 }) : emptyTensor([0], int64);
}

/**
 * PyTorch's applySlicing: applies the basic items as views and collects the advanced ones (tensors) by
 * the dim of the result they index.
 */
function applySlicing(self: Tensor, items: readonly Item[], optimizeSlices: boolean): { sliced: Tensor; indices: (Tensor | null)[] } {
  const specified = specifiedDims(items);
  if (items.filter((it) => it.kind === 'ellipsis').length > 1) throw new Error("an index can only have a single ellipsis ('...')");
  if (specified > self.dim()) throw new Error(`too many indices for tensor of dimension ${self.dim()}`);
  const indices: (Tensor | null)[] = [];
  const recordIndex = (t: Tensor, dim: number): void => {
    while (indices.length <= dim) indices.push(null);
    indices[dim] = t;
  };
  let result = self;
  let dim = 0;
  items.forEach((it, realDim) => {
    switch (it.kind) {
      case 'int':
        result = applySelect(result, dim, it.value, realDim);
        return;
      case 'slice':
        result = applySlice(result, dim, it, optimizeSlices);
        dim++;
        return;
      case 'ellipsis':
        dim += self.dim() - specified;
        return;
      case 'none':
        result = result.unsqueeze(dim);
        dim++;
        return;
      case 'bool':
        result = result.unsqueeze(dim);
        recordIndex(boolIndex(it.value), dim);
        dim++;
        return;
      case 'tensor': {
        const t = it.tensor;
        if (t.dim() === 0 && t.dtype.kind !== 'float') {
          if (!isMaskDtype(t.dtype)) {
            result = applySelect(result, dim, t.item(), realDim);
            return;
          }
          result = result.unsqueeze(dim);
          recordIndex(boolIndex(t.item() !== 0), dim);
        } else {
          recordIndex(t, dim);
        }
        dim++;
      }
    }
  });
  return { sliced: result, indices };
}

// ---- advanced indexing (ATen's index / index_put kernels) ----

/** An index as plain numbers in row-major order. */
interface IndexValues {
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
}

function checkIndexDtypes(indices: readonly (Tensor | null)[]): void {
  for (const t of indices) {
    if (t !== null && t.dtype !== int64 && t.dtype !== int32 && !isMaskDtype(t.dtype)) {
      throw new Error('tensors used as indices must be long, int, byte or bool tensors');
    }
  }
}

function numberValues(t: Tensor): ArrayLike<number> {
  const data = t.contiguousData();
  return data instanceof BigInt64Array ? Array.from(data, Number) : (data as ArrayLike<number>);
}

/** Row-major coordinates of the nonzero elements of `t`: `count` rows of `t.dim()` numbers. */
export function nonzeroCoordinates(t: Tensor): { count: number; coords: number[] } {
  const data = t.contiguousData() as ArrayLike<Element>;
  const shape = t.shape_;
  const nd = shape.length;
  const coords: number[] = [];
  const index = new Array<number>(nd).fill(0);
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0 && data[i] !== 0n) {
      coords.push(...index);
      count++;
    }
    for (let d = nd - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return { count, coords };
}

/** PyTorch's expandTensors: masks become one index per mask dim (the coordinates of their true elements). */
function expandMasks(self: Tensor, indices: readonly (Tensor | null)[]): (IndexValues | null)[] {
  const out: (IndexValues | null)[] = [];
  for (const t of indices) {
    if (t === null) {
      out.push(null);
    } else if (isMaskDtype(t.dtype)) {
      if (t.dtype === uint8) warn('indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.');
      for (let j = 0; j < t.dim(); j++) {
        const srcIdx = out.length + j;
        if (t.shape_[j] !== self.size(srcIdx)) {
          throw new Error(
            `The shape of the mask ${shapeStr(t.shape_)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(self.shape_)} at index ${srcIdx}`,
          );
        }
      }
      const { count, coords } = nonzeroCoordinates(t);
      const nd = t.dim();
      for (let j = 0; j < nd; j++) out.push({ shape: [count], values: Array.from({ length: count }, (_, r) => coords[r * nd + j]) });
    } else {
      out.push({ shape: t.shape, values: numberValues(t) });
    }
  }
  return out;
}

/** Storage offsets (from `offset`) of every element of (shape, strides) in row-major order. */
export function storageOffsets(shape: readonly number[], strides: readonly number[], offset = 0): ArrayLike<number> {
  return elementOffsets(shape, strides, offset) ?? Int32Array.from({ length: numelOf(shape) }, (_, i) => offset + i);
}

/** A contiguous copy without autograd: the starting point of the out-of-place writing ops. */
export function rawCopy(t: Tensor): Tensor {
  return Tensor.fromData(t.contiguousData(), t.shape_, t.dtype);
}

/** `b` stored over `a` ('set'), or added or multiplied into it, as the element type of `dtype` (int64 wraps). */
export function combineElements(a: Element, b: Element, op: 'set' | 'add' | 'multiply', dtype: DType): Element {
  if (op === 'set') return b;
  if (typeof a === 'bigint') return BigInt.asIntN(64, op === 'add' ? a + (b as bigint) : a * (b as bigint));
  return castElement(op === 'add' ? (a as number) + (b as number) : (a as number) * (b as number), dtype);
}

/** Where advanced indexing reads (or writes) `self`: the result's shape and one storage offset per element. */
export interface IndexPlan {
  readonly shape: number[];
  readonly offsets: Int32Array;
}

export function planIndex(self: Tensor, indices: readonly (Tensor | null)[]): IndexPlan {
  if (indices.length > self.dim()) throw new Error(`too many indices for tensor of dimension ${self.dim()} (got ${indices.length})`);
  checkIndexDtypes(indices);
  if (indices.every((t) => t === null)) throw new Error('index_put(): at least one of the indices must be a tensor');
  const expanded = expandMasks(self, indices);
  const defined = expanded.filter((x): x is IndexValues => x !== null);
  let bshape: number[];
  try {
    bshape = broadcastShapes(...defined.map((x) => x.shape));
  } catch {
    throw new Error(`shape mismatch: indexing tensors could not be broadcast together with shapes ${defined.map((x) => shapeStr(x.shape)).join(', ')}`);
  }
  while (expanded.length < self.dim()) expanded.push(null);
  // Non-adjacent index tensors: their dims move to the front (PyTorch's transposeToFront).
  const positions = expanded.flatMap((x, i) => (x === null ? [] : [i]));
  const adjacent = positions[positions.length - 1] - positions[0] === positions.length - 1;
  const order = adjacent ? expanded.map((_, i) => i) : [...positions, ...expanded.flatMap((x, i) => (x === null ? [i] : []))];
  const shape = order.map((d) => self.shape_[d]);
  const strides = order.map((d) => self.strides_[d]);
  const before = adjacent ? positions[0] : 0;
  const after = before + positions.length;
  const indexedSizes = shape.slice(before, after);
  if (indexedSizes.includes(0) && !bshape.includes(0)) throw new Error('index is out of bounds for dimension with size 0');

  // Offset contributed by the index tensors at each position of the broadcast index shape.
  const count = numelOf(bshape);
  const indexOffsets = new Float64Array(count);
  defined.forEach((x, j) => {
    const size = indexedSizes[j];
    const stride = strides[before + j];
    const at = storageOffsets(bshape, expandedStrides(x.shape, contiguousStrides(x.shape), bshape));
    for (let p = 0; p < count; p++) {
      const v = x.values[at[p]];
      if (v < -size || v >= size) throw new Error(`index ${v} is out of bounds for dimension ${j} with size ${size}`);
      indexOffsets[p] += (v < 0 ? v + size : v) * stride;
    }
  });
  const outer = storageOffsets(shape.slice(0, before), strides.slice(0, before));
  const inner = storageOffsets(shape.slice(after), strides.slice(after));
  const offsets = new Int32Array(outer.length * count * inner.length);
  let k = 0;
  for (let o = 0; o < outer.length; o++) {
    for (let p = 0; p < count; p++) {
      const base = self.offset_ + outer[o] + indexOffsets[p];
      for (let i = 0; i < inner.length; i++) offsets[k++] = base + inner[i];
    }
  }
  return { shape: [...shape.slice(0, before), ...bshape, ...shape.slice(after)], offsets };
}

/** The tensors a node keeps of an index list, and the list rebuilt from them in backward. */
function savedIndices(indices: readonly (Tensor | null)[]): { save: Tensor[]; restore: (saved: Tensor[]) => (Tensor | null)[] } {
  const save = indices.filter((t): t is Tensor => t !== null);
  return {
    save,
    restore: (saved) => {
      let k = 0;
      return indices.map((t) => (t === null ? null : saved[k++]));
    },
  };
}

/** ATen's `index`: `self[indices]` for a list of index tensors (null for dims taken whole). */
export function indexWithTensors(self: Tensor, indices: readonly (Tensor | null)[]): Tensor {
  const { shape, offsets } = planIndex(self, indices);
  const out = emptyTensor(shape, self.dtype);
  const src = self.storage_.data as ArrayLike<Element>;
  const dst = out.storage_.data as unknown as Element[];
  for (let i = 0; i < offsets.length; i++) dst[i] = src[offsets[i]];
  const inputShape = self.shape;
  const { save, restore } = savedIndices(indices);
  record({
    name: 'IndexBackward0',
    inputs: [self],
    outputs: [out],
    save,
    backward: ([g], saved) => [zeros(inputShape, { dtype: (g as Tensor).dtype }).indexPut(restore(saved), g as Tensor, { accumulate: true })],
  });
  return out;
}

function valuesTensor(values: Tensor | Scalar, like: Tensor, fn: string): Tensor {
  if (values instanceof Tensor) return values;
  if (isScalar(values)) return scalarTensor(values, like.dtype);
  throw new TypeError(`${fn}(): argument 'values' must be Tensor, not ${pyTypeName(values)}`);
}

function checkIndexList(indices: unknown, fn: string): asserts indices is (Tensor | null)[] {
  if (!Array.isArray(indices) || indices.some((t) => t !== null && !(t instanceof Tensor))) {
    throw new TypeError(`${fn}(): argument 'indices' (position 1) must be tuple of Tensors, not ${pyTypeName(indices)}`);
  }
}

/** The out-of-place `index_put`: a copy of `self` with `values` written (or added) at the indexed positions. */
function indexPutOp(self: Tensor, indices: readonly (Tensor | null)[], values: Tensor, accumulate: boolean): Tensor {
  const out = rawCopy(self);
  const { shape, offsets } = planIndex(out, indices);
  if (!isExpandableTo(values.shape_, shape)) {
    throw new Error(`shape mismatch: value tensor of shape ${shapeStr(values.shape_)} cannot be broadcast to indexing result of shape ${shapeStr(shape)}`);
  }
  if (values.dtype !== self.dtype) {
    throw new Error(
      `Index put requires the source and destination dtypes match, got ${legacyScalarName(self.dtype)} for the destination and ${legacyScalarName(values.dtype)} for the source.`,
    );
  }
  const dst = out.storage_.data as unknown as Element[];
  const src = values.aliasWithLayout(shape, expandedStrides(values.shape_, values.strides_, shape), values.offset_).contiguousData() as ArrayLike<Element>;
  for (let i = 0; i < offsets.length; i++) dst[offsets[i]] = combineElements(dst[offsets[i]], src[i], accumulate ? 'add' : 'set', self.dtype);
  const { save, restore } = savedIndices(indices);
  record({
    name: 'IndexPutBackward0',
    inputs: [self, values],
    outputs: [out],
    save,
    backward: ([g], saved, needs) => {
      const grad = g as Tensor;
      const idx = restore(saved);
      const result: MaybeTensor[] = [null, null];
      if (needs[0]) result[0] = accumulate ? grad : grad.indexPut(idx, zerosLike(values), { accumulate: false });
      if (needs[1]) result[1] = indexWithTensors(grad, idx);
      return result;
    },
  });
  return out;
}

Tensor.prototype.indexPut = function (this: Tensor, indices: readonly (Tensor | null)[], values: Tensor | Scalar, options: { accumulate?: boolean } = {}): Tensor {
  checkIndexList(indices, 'index_put');
  return indexPutOp(this, indices, valuesTensor(values, this, 'index_put'), options.accumulate ?? false);
};

Tensor.prototype.indexPut_ = function (this: Tensor, indices: readonly (Tensor | null)[], values: Tensor | Scalar, options: { accumulate?: boolean } = {}) {
  checkIndexList(indices, 'index_put_');
  const v = valuesTensor(values, this, 'index_put_');
  return applyInplace(this, (current) => indexPutOp(current, indices, v, options.accumulate ?? false));
};

// ---- t[items] and t[items] = value ----

Tensor.prototype.index = function (this: Tensor, ...rawItems: IndexItem[]): Tensor {
  const items = rawItems.map(parseItem);
  if (items.length === 1) {
    // PyTorch's fast paths for a lone None, ellipsis, integer or slice.
    const it = items[0];
    if (it.kind === 'none') return this.unsqueeze(0);
    if (it.kind === 'ellipsis') return alias(this);
    if (it.kind === 'int') return applySelect(this, 0, it.value, 0);
    if (it.kind === 'slice') {
      if (this.dim() === 0) throw new Error('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
      return applySlice(this, 0, it, false);
    }
  }
  const { sliced, indices } = applySlicing(this, items, true);
  if (indices.length === 0) return sliced === this ? alias(this) : sliced;
  return indexWithTensors(sliced, indices);
};

/** The value with its leading size-1 dims dropped (PyTorch's slicePrefix1sSize), so it can broadcast. */
function dropLeadingOnes(value: Tensor): Tensor {
  const shape = value.shape_;
  let k = 0;
  while (k < shape.length && shape[k] === 1) k++;
  return k === 0 ? value : value.view(shape.slice(k));
}

Tensor.prototype.setIndex = function (this: Tensor, rawItems: IndexItem | readonly IndexItem[], value: Tensor | Scalar) {
  const list = Array.isArray(rawItems) ? (rawItems as readonly IndexItem[]) : [rawItems as IndexItem];
  const items = list.map(parseItem);
  const v = valuesTensor(value, this, 'setIndex');
  // A lone `false` selects nothing: PyTorch returns without writing.
  if (items.length === 1 && items[0].kind === 'bool' && !items[0].value) return this;
  const { sliced, indices } = applySlicing(this, items, true);
  if (indices.length > 0) {
    sliced.indexPut_(indices, dropLeadingOnes(v));
  } else if (shapeStr(sliced.shape_) === shapeStr(v.shape_)) {
    sliced.copy_(v);
  } else if (v.dim() === 0) {
    sliced.fill_(v);
  } else {
    sliced.copy_(dropLeadingOnes(v).expand(sliced.shape_));
  }
  return this;
};

export function indexPut(input: Tensor, indices: readonly (Tensor | null)[], values: Tensor | Scalar, options?: { accumulate?: boolean }): Tensor {
  checkTensor(input, 'index_put');
  return input.indexPut(indices, values, options);
}
