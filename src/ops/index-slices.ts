// Ops on whole slices along a dim, picked by a 1-D index: index_select, index_add, index_copy and
// index_fill (and their in-place forms).
import { int32, int64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, expandedStrides, normalizeDim, numelOf, shapeStr } from '../tensor/layout.js';
import { castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, zeros, type Scalar } from '../tensor/factory.js';
import { checkTensor } from './elementwise.js';
import { outputFloats } from './primitives.js';
import { legacyScalarName } from './pointwise.js';
import { applyInplace } from './inplace.js';
import { combineElements as combine, rawCopy, storageOffsets as positions } from './indexing.js';
import { record } from '../autograd/record.js';
import { indexValues, nonemptyLayout, scalarOrTensor, sizeAt } from './index-args.js';
import { rowsOf } from './reduce.js';
import { activeBackend } from '../backends/registry.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    indexSelect(dim: number, index: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor;
    indexAdd_(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): this;
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    indexCopy_(dim: number, index: Tensor, source: Tensor): this;
    indexFill(dim: number, index: Tensor, value: Tensor | Scalar): Tensor;
    indexFill_(dim: number, index: Tensor, value: Tensor | Scalar): this;
  }
}

// ---- index_select, index_add, index_copy, index_fill ----

/**
 * The storage offsets of slice `i` (the sub-tensor at position `i` along `dim`) of `t`, row-major.
 * 0-dim tensors have one slice of one element.
 */
function sliceOffsets(t: Tensor, dim: number): (i: number) => ArrayLike<number> {
  const { shape, strides } = nonemptyLayout(t);
  const inner = positions(shape.filter((_, k) => k !== dim), strides.filter((_, k) => k !== dim), 0);
  return (i) => Array.from(inner, (o) => t.offset_ + i * strides[dim] + o);
}

/**
 * index_add with alpha 1 of float tensors, `source` contiguous (no broadcast): slice i of `source`
 * added to slice `idx[i]` of each outer block of the contiguous `out`, a run of `inner` elements
 * each, in indexAddKernel's order (the same sums, rounded as it rounds them). An embedding's
 * gradient (1024 rows of 64 into [1000, 64]) took 7 ms through indexAddKernel's per-element
 * offsets and combine calls.
 */
function addBlocks(out: Tensor, d: number, idx: readonly number[], source: Tensor): void {
  const { outer, size, inner } = rowsOf(out.shape_, d);
  const dst = out.storage_.data as Float32Array | Float64Array;
  const src = source.contiguousElements() as Float32Array | Float64Array;
  const count = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const to = (o * size + idx[i]) * inner;
      const from = (o * count + i) * inner;
      for (let k = 0; k < inner; k++) dst[to + k] += src[from + k];
    }
  }
}

/** Copies (or adds, scaled by alpha) slices of `source` into slices `index[i]` of a copy of `self`. */
function indexAddKernel(self: Tensor, d: number, idx: readonly number[], source: Tensor | null, alpha: number | null, fill?: Element): Tensor {
  const out = rawCopy(self);
  if (alpha === 1 && source !== null && self.dtype.isFloatingPoint && self.dim() > 0 && source.isContiguous()) {
    addBlocks(out, d, idx, source);
    return out;
  }
  const dst = out.storage_.data as unknown as Element[];
  const outSlice = sliceOffsets(out, d);
  const srcSlice = source === null ? null : sliceOffsets(source, d);
  const srcData = source?.storage_.data as ArrayLike<Element> | undefined;
  const a = alpha === null ? null : castElement(alpha, self.dtype);
  idx.forEach((target, i) => {
    const to = outSlice(target);
    const from = srcSlice === null ? null : srcSlice(i);
    for (let k = 0; k < to.length; k++) {
      if (from === null) dst[to[k]] = fill as Element;
      else {
        // A source slice of one element broadcasts over the destination slice.
        const v = (srcData as ArrayLike<Element>)[from.length === 1 ? from[0] : from[k]];
        dst[to[k]] = a === null ? v : combine(dst[to[k]], combine(v, a, 'multiply', self.dtype), 'add', self.dtype);
      }
    }
  });
  return out;
}

/** Row length from which copying a block with TypedArray.set beats an element loop. */
const MIN_BLOCK_COPY = 32;

/**
 * index_select of a contiguous `self` into `out`: along `dim`, slice `idx[i]` of each outer block is
 * one run of `inner` elements, copied whole (an embedding lookup copies one row per index).
 */
function selectBlocks(self: Tensor, dim: number, idx: readonly number[], out: Tensor): void {
  const { outer, size, inner } = rowsOf(self.shape_, dim);
  const src = self.storage_.readData();
  const dst = out.storage_.data;
  const count = idx.length;
  const starts = new Float64Array(outer * count);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) starts[o * count + i] = self.offset_ + (o * size + idx[i]) * inner;
  }
  if (activeBackend().gatherRows?.(src, starts, inner, dst) === true) return;
  for (let r = 0; r < starts.length; r++) {
    const from = starts[r];
    const to = r * inner;
    if (inner >= MIN_BLOCK_COPY) dst.set(src.subarray(from, from + inner) as never, to);
    else for (let k = 0; k < inner; k++) (dst as unknown as Element[])[to + k] = (src as ArrayLike<Element>)[from + k];
  }
}

function indexSelectOp(self: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(index, 'index_select', 'index');
  const d = normalizeDim(dim, self.dim());
  if (index.dim() > 1) throw new Error('index_select(): Index is supposed to be a vector');
  if (index.dtype !== int64 && index.dtype !== int32) throw new Error('index_select(): Expected dtype int32 or int64 for index');
  const idx = indexValues(index);
  const shape = self.shape;
  if (self.dim() > 0) shape[d] = idx.length;
  const size = sizeAt(self, d);
  // PyTorch checks bounds in its fast path for dim 1 (and for empty inputs) with another message.
  const dimOneKernel = self.dim() > 1 && idx.length > 0 && (d === 1 || self.numel() === 0);
  for (const v of idx) {
    if (v < 0 || v >= size) {
      throw new Error(dimOneKernel ? `INDICES element is out of DATA bounds, id=${v} axis_dim=${size}` : 'index out of range in self');
    }
  }
  // selectBlocks writes every element of its output, so a float one needs no zeroing first.
  const whole = self.isContiguous() && self.dtype.isFloatingPoint;
  const out = whole ? Tensor.fromData(outputFloats(self.dtype, numelOf(shape)), shape, self.dtype) : emptyTensor(shape, self.dtype);
  if (self.isContiguous()) selectBlocks(self, d, idx, out);
  else {
    const dst = out.storage_.data as unknown as Element[];
    const src = self.storage_.readData() as ArrayLike<Element>;
    const from = sliceOffsets(self, d);
    const to = sliceOffsets(out, d);
    idx.forEach((v, i) => {
      const a = from(v);
      const b = to(i);
      for (let k = 0; k < a.length; k++) dst[b[k]] = src[a[k]];
    });
  }
  const inputShape = self.shape;
  record({
    name: 'IndexSelectBackward0',
    inputs: [self],
    outputs: [out],
    save: [index],
    backward: ([g], [ix]) => [zeros(inputShape, { dtype: (g as Tensor).dtype }).indexAdd(d, ix, g as Tensor)],
  });
  return out;
}

Tensor.prototype.indexSelect = function (this: Tensor, dim: number, index: Tensor): Tensor {
  return indexSelectOp(this, dim, index);
};

function indexAddOp(self: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number): Tensor {
  checkTensor(index, 'index_add', 'index');
  checkTensor(source, 'index_add', 'source');
  const d = normalizeDim(dim, self.dim());
  if (index.dim() > 1) {
    throw new Error(
      `index_add_(): Index is supposed to be a vector, but got dim: ${index.dim()} with type: ${legacyScalarName(index.dtype)} and size: ${shapeStr(index.shape_)}`,
    );
  }
  if (index.dtype !== int64 && index.dtype !== int32) {
    throw new Error(`index_add_(): Expected dtype int32/int64 for index but got: ${legacyScalarName(index.dtype)}`);
  }
  if (self.dtype !== source.dtype) {
    throw new Error(`index_add_(): self (${legacyScalarName(self.dtype)}) and source (${legacyScalarName(source.dtype)}) must have the same scalar type`);
  }
  if (!(d === 0 || d < source.dim())) {
    throw new Error(`index_add_(): Indexing dim ${d} is out of bounds of the source tensor with dim ${source.dim()}`);
  }
  const numel = index.numel();
  const sourceSize = source.dim() === 0 ? 1 : source.shape_[d];
  if (numel !== sourceSize) {
    throw new Error(`index_add_(): Number of indices (${numel}) should be equal to source.size(dim): (${sourceSize}), for dim: ${d}`);
  }
  if (self.dim() > 1) {
    // Each source slice is added to a destination slice like a broadcasting in-place add.
    const selfSlice = self.shape_.filter((_, k) => k !== d);
    const sourceSlice = source.shape_.filter((_, k) => k !== d);
    const joint = broadcastShapes(selfSlice, sourceSlice);
    if (shapeStr(joint) !== shapeStr(selfSlice)) throw new Error(`output with shape ${shapeStr(selfSlice)} doesn't match the broadcast shape ${shapeStr(joint)}`);
  } else if (source.dim() > 1) {
    throw new Error(`source.dim() (${source.dim()}) must one or zero for given self.dim() (${self.dim()})`);
  }
  const size = sizeAt(self, d);
  const idx = indexValues(index);
  if (idx.some((v) => v < 0 || v >= size)) throw new Error('index out of range in self');
  const expandedSource = self.dim() > 1 ? source.aliasWithLayout(sliceShapeWith(self, d, numel), expandedStrides(source.shape_, source.strides_, sliceShapeWith(self, d, numel)), source.offset_) : source;
  const out = indexAddKernel(self, d, idx, expandedSource, alpha);
  record({
    name: 'IndexAddBackward0',
    inputs: [self, source],
    outputs: [out],
    save: [index],
    backward: ([g], [ix], needs) => {
      const selected = needs[1] ? (g as Tensor).indexSelect(d, ix) : null;
      return [needs[0] ? g : null, selected === null || alpha === 1 ? selected : selected.mul(alpha)];
    },
  });
  return out;
}

/** `self`'s shape with the size along `d` replaced. */
function sliceShapeWith(self: Tensor, d: number, size: number): number[] {
  const shape = self.shape;
  shape[d] = size;
  return shape;
}

Tensor.prototype.indexAdd = function (this: Tensor, dim: number, index: Tensor, source: Tensor, options: { alpha?: number } = {}): Tensor {
  return indexAddOp(this, dim, index, source, options.alpha ?? 1);
};

Tensor.prototype.indexAdd_ = function (this: Tensor, dim: number, index: Tensor, source: Tensor, options: { alpha?: number } = {}) {
  return applyInplace(this, (current) => indexAddOp(current, dim, index, source, options.alpha ?? 1));
};

function indexCopyOp(self: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkTensor(index, 'index_copy', 'index');
  checkTensor(source, 'index_copy', 'source');
  const d = normalizeDim(dim, self.dim());
  if (index.dim() >= 2) throw new Error(`index_copy_(): Index should have dimension 1 or 0 (got ${index.dim()})`);
  const numel = index.numel();
  if (source.dim() === 0 && numel !== 1) throw new Error(`index_copy_(): When source is scalar, index should have one element (got ${numel})`);
  if (source.dim() !== self.dim() && source.dim() !== 0 && self.dim() !== 0) {
    throw new Error(
      `index_copy_(): When source and destination are not scalars, their dimensionality must match. Source dimensionality (${source.dim()}), destination dimensionality (${self.dim()})`,
    );
  }
  if (index.dtype !== int64) throw new Error(`index_copy_(): Expected a long tensor for index, but got ${legacyScalarName(index.dtype)}`);
  if (self.dtype !== source.dtype) {
    throw new Error(
      `index_copy_(): self and source expected to have the same dtype, but got (self) ${legacyScalarName(self.dtype)} and (source) ${legacyScalarName(source.dtype)}`,
    );
  }
  const selfSlice = self.shape_.filter((_, k) => k !== d);
  const sourceSlice = source.shape_.filter((_, k) => k !== d);
  if (shapeStr(selfSlice) !== shapeStr(sourceSlice)) {
    // PyTorch prints these size lists space-separated here.
    throw new Error(
      `index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${selfSlice.join(' ')} at dimension ${d} and source slice shape: ${sourceSlice.join(' ')} at dimension 0.`,
    );
  }
  if (source.dim() !== 0 && numel !== source.shape_[d]) {
    throw new Error(`index_copy_(): Number of indices (${numel}) should be equal to source.size(dim) (${source.shape_[d]})`);
  }
  const size = sizeAt(self, d);
  const idx = indexValues(index);
  for (const v of idx) {
    if (v < 0 || v >= size) throw new Error(`index_copy_(): index ${v} is out of bounds for dimension ${d} with size ${size}`);
  }
  const out = indexAddKernel(self, d, idx, source, null);
  record({
    name: 'IndexCopyBackward0',
    inputs: [self, source],
    outputs: [out],
    save: [index],
    backward: ([g], [ix], needs) => [
      needs[0] ? (g as Tensor).indexFill(d, ix, 0) : null,
      needs[1] ? (g as Tensor).indexSelect(d, ix) : null,
    ],
  });
  return out;
}

Tensor.prototype.indexCopy = function (this: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  return indexCopyOp(this, dim, index, source);
};

Tensor.prototype.indexCopy_ = function (this: Tensor, dim: number, index: Tensor, source: Tensor) {
  return applyInplace(this, (current) => indexCopyOp(current, dim, index, source));
};

function indexFillOp(self: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): Tensor {
  checkTensor(index, 'index_fill', 'index');
  scalarOrTensor(value, 'index_fill', 'value');
  const valueTensor = value instanceof Tensor ? value : null;
  if (valueTensor !== null && valueTensor.dim() !== 0) {
    throw new Error(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${valueTensor.dim()} dimension(s).`);
  }
  if (index.dtype !== int64) throw new Error('index_fill_(): Expected dtype int64 for index.');
  const d = normalizeDim(dim, Math.max(self.dim(), 1));
  if (index.dim() > 1) throw new Error('Index has to be a vector/scalar');
  const size = sizeAt(self, d);
  const idx = indexValues(index).map((v) => {
    if (v < -size || v >= size) throw new Error(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
    return v < 0 ? v + size : v;
  });
  const fill = castElement(valueTensor === null ? (value as Scalar) : (valueTensor.contiguousData()[0] as Element), self.dtype);
  const out = indexAddKernel(self, d, idx, null, null, fill);
  record({
    name: valueTensor === null ? 'IndexFillBackward0' : 'IndexFillBackward1',
    inputs: [self, valueTensor],
    outputs: [out],
    save: [index],
    backward: ([g], [ix], needs) => [
      needs[0] ? (g as Tensor).indexFill(d, ix, 0) : null,
      needs[1] ? (g as Tensor).indexSelect(d, ix).sum() : null,
    ],
  });
  return out;
}

Tensor.prototype.indexFill = function (this: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): Tensor {
  return indexFillOp(this, dim, index, value);
};

Tensor.prototype.indexFill_ = function (this: Tensor, dim: number, index: Tensor, value: Tensor | Scalar) {
  return applyInplace(this, (current) => indexFillOp(current, dim, index, value));
};

// ---- torch.* functions ----

export function indexSelect(input: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(input, 'index_select');
  return input.indexSelect(dim, index);
}

export function indexAdd(input: Tensor, dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor {
  checkTensor(input, 'index_add');
  return input.indexAdd(dim, index, source, options);
}

export function indexCopy(input: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkTensor(input, 'index_copy');
  return input.indexCopy(dim, index, source);
}

export function indexFill(input: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): Tensor {
  checkTensor(input, 'index_fill');
  return input.indexFill(dim, index, value);
}
