// Index-driven reads and writes along dims: gather/scatter/scatter_add, index_select/index_add/
// index_copy/index_fill, masked_fill/masked_select/masked_scatter, and take/put on flat positions.
import { bool, int32, int64 } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { broadcastShapes, expandedStrides, normalizeDim, shapeStr } from '../tensor/layout.js';
import { castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, zeros, zerosLike, type Scalar } from '../tensor/factory.js';
import { checkTensor, isScalar } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { applyInplace } from './inplace.js';
import { combineElements as combine, rawCopy, storageOffsets as positions } from './indexing.js';
import { cat } from './join.js';
import { record } from '../autograd/record.js';
import { boolOption, optionsArg } from '../tensor/args.js';
import type { MaybeTensor } from '../autograd/node.js';

export type ScatterReduce = 'add' | 'multiply';

declare module '../tensor/tensor.js' {
  interface Tensor {
    gather(dim: number, index: Tensor, options?: { sparseGrad?: boolean }): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | Scalar, options?: { reduce?: ScatterReduce }): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | Scalar, options?: { reduce?: ScatterReduce }): this;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): this;
    indexSelect(dim: number, index: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor;
    indexAdd_(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): this;
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    indexCopy_(dim: number, index: Tensor, source: Tensor): this;
    indexFill(dim: number, index: Tensor, value: Tensor | Scalar): Tensor;
    indexFill_(dim: number, index: Tensor, value: Tensor | Scalar): this;
    maskedFill(mask: Tensor, value: Tensor | Scalar): Tensor;
    maskedFill_(mask: Tensor, value: Tensor | Scalar): this;
    maskedSelect(mask: Tensor): Tensor;
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    maskedScatter_(mask: Tensor, source: Tensor): this;
    /** Elements at flat (row-major) positions, as if the tensor were 1-D. */
    take(index: Tensor): Tensor;
    put(index: Tensor, source: Tensor, options?: { accumulate?: boolean }): Tensor;
    put_(index: Tensor, source: Tensor, options?: { accumulate?: boolean }): this;
  }
}

// ---- shared helpers ----

/** Shape and strides with 0-dim tensors read as 1-D of one element (ATen's ensure_nonempty_*). */
function nonemptyLayout(t: Tensor): { shape: number[]; strides: number[] } {
  return t.dim() === 0 ? { shape: [1], strides: [1] } : { shape: t.shape, strides: t.stride() };
}

function sizeAt(t: Tensor, d: number): number {
  return t.dim() === 0 ? 1 : t.size(d);
}

function indexValues(index: Tensor): number[] {
  return Array.from(index.contiguousData() as ArrayLike<Element>, Number);
}

function scalarOrTensor(value: Tensor | Scalar, fn: string, arg: string): void {
  if (!(value instanceof Tensor) && !isScalar(value)) {
    throw new TypeError(`${fn}(): argument '${arg}' must be Tensor or Number, not ${pyTypeName(value)}`);
  }
}

// ---- gather, scatter, scatter_add ----

function checkScatterGatherDtypes(fn: string, self: Tensor, index: Tensor, src: Tensor | null): void {
  if (index.numel() !== 0 && index.dtype !== int64) throw new Error(`${fn}(): Expected dtype int64 for index`);
  if (src !== null && src.dtype !== self.dtype) throw new Error(`${fn}(): Expected self.dtype to be equal to src.dtype`);
}

/**
 * The positions a gather/scatter along `dim` touches in `target`: for each element of `index`, the
 * storage offset of the same coordinates with the `dim` coordinate replaced by the index value.
 */
function alongDimOffsets(target: Tensor, dim: number, index: Tensor): number[] {
  const t = nonemptyLayout(target);
  const idxShape = nonemptyLayout(index).shape;
  const strides = [...t.strides];
  strides[dim] = 0;
  const base = positions(idxShape, strides, target.offset_);
  const size = t.shape[dim];
  const values = indexValues(index);
  return values.map((v, p) => {
    if (v < 0 || v >= size) throw new Error(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    return base[p] + v * t.strides[dim];
  });
}

Tensor.prototype.gather = function (this: Tensor, dim: number, index: Tensor, options?: { sparseGrad?: boolean }): Tensor {
  checkTensor(index, 'gather', 'index');
  if (boolOption(optionsArg(options, 'gather').sparseGrad, 'gather', 'sparse_grad')) throw new Error('gather(): sparse_grad=True is not supported by tstorch (it has no sparse tensors)');
  const d = normalizeDim(dim, this.dim());
  const out = emptyTensor(index.shape, this.dtype);
  if (index.numel() > 0) {
    checkScatterGatherDtypes('gather', this, index, null);
    const nd = nonemptyLayout(this).shape.length;
    if (nd !== nonemptyLayout(index).shape.length) throw new Error('Index tensor must have the same number of dimensions as input tensor');
    for (let i = 0; i < nd; i++) {
      if (i !== d && sizeAt(index, i) > sizeAt(this, i)) {
        throw new Error(
          `Size does not match at dimension ${i} expected index ${shapeStr(index.shape_)} to be smaller than self ${shapeStr(this.shape_)} apart from dimension ${d}`,
        );
      }
    }
    const src = this.storage_.data as ArrayLike<Element>;
    const dst = out.storage_.data as unknown as Element[];
    alongDimOffsets(this, d, index).forEach((o, i) => (dst[i] = src[o]));
  }
  const inputShape = this.shape;
  record({
    name: 'GatherBackward0',
    inputs: [this],
    outputs: [out],
    save: [index],
    backward: ([g], [idx]) => [zeros(inputShape, { dtype: (g as Tensor).dtype }).scatterAdd(d, idx, g as Tensor)],
  });
  return out;
};

function checkScatterShapes(self: Tensor, dim: number, index: Tensor, src: Tensor | null): void {
  if (index.numel() === 0) return;
  const nd = nonemptyLayout(self).shape.length;
  if (nd !== nonemptyLayout(index).shape.length) throw new Error('Index tensor must have the same number of dimensions as self tensor');
  let wrong = false;
  for (let d = 0; d < nd && !wrong; d++) if (d !== dim && sizeAt(index, d) > sizeAt(self, d)) wrong = true;
  if (!wrong && src !== null) for (let d = 0; d < nd && !wrong; d++) if (sizeAt(index, d) > sizeAt(src, d)) wrong = true;
  if (wrong) {
    const srcPart = src === null ? '' : ` and to be smaller size than src ${shapeStr(src.shape_)}`;
    throw new Error(`Expected index ${shapeStr(index.shape_)} to be smaller than self ${shapeStr(self.shape_)} apart from dimension ${dim}${srcPart}`);
  }
}

/** scatter / scatter_add without autograd: a copy of `self` with `src` written (or combined) along `dim`. */
function scatterKernel(self: Tensor, d: number, index: Tensor, src: Tensor | Scalar, reduce: ScatterReduce | 'set'): Tensor {
  const out = rawCopy(self);
  if (index.numel() === 0) return out;
  const dst = out.storage_.data as unknown as Element[];
  const targets = alongDimOffsets(out, d, index);
  if (src instanceof Tensor) {
    const s = nonemptyLayout(src);
    const from = positions(nonemptyLayout(index).shape, s.strides, src.offset_);
    const data = src.storage_.data as ArrayLike<Element>;
    targets.forEach((o, p) => (dst[o] = combine(dst[o], data[from[p]], reduce, self.dtype)));
  } else {
    const v = castElement(src, self.dtype);
    for (const o of targets) dst[o] = combine(dst[o], v, reduce, self.dtype);
  }
  return out;
}

function scatterOp(self: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, reduce: ScatterReduce | undefined): Tensor {
  checkTensor(index, 'scatter', 'index');
  scalarOrTensor(src, 'scatter', 'src');
  const d = normalizeDim(dim, self.dim());
  const srcTensor = src instanceof Tensor ? src : null;
  checkScatterGatherDtypes('scatter', self, index, srcTensor);
  checkScatterShapes(self, d, index, srcTensor);
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') throw new Error('reduce argument must be either add or multiply.');
  const out = scatterKernel(self, d, index, src, reduce ?? 'set');
  if (reduce !== undefined) {
    // PyTorch has no derivative for scatter with a reduction.
    record({
      name: 'NotImplemented',
      inputs: [self, srcTensor],
      outputs: [out],
      backward: () => {
        throw new Error('derivative for aten::scatter is not implemented');
      },
    });
    return out;
  }
  record({
    name: srcTensor ? 'ScatterBackward0' : 'ScatterBackward1',
    inputs: [self, srcTensor],
    outputs: [out],
    save: [index],
    backward: ([g], [idx], needs) => [
      needs[0] ? (g as Tensor).scatter(d, idx, 0) : null,
      needs[1] ? (g as Tensor).gather(d, idx) : null,
    ],
  });
  return out;
}

Tensor.prototype.scatter = function (this: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, options: { reduce?: ScatterReduce } = {}): Tensor {
  return scatterOp(this, dim, index, src, options.reduce);
};

Tensor.prototype.scatter_ = function (this: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, options: { reduce?: ScatterReduce } = {}) {
  return applyInplace(this, (current) => scatterOp(current, dim, index, src, options.reduce));
};

function scatterAddOp(self: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(index, 'scatter_add', 'index');
  checkTensor(src, 'scatter_add', 'src');
  const d = normalizeDim(dim, self.dim());
  checkScatterGatherDtypes('scatter', self, index, src);
  checkScatterShapes(self, d, index, src);
  const out = scatterKernel(self, d, index, src, 'add');
  record({
    name: 'ScatterAddBackward0',
    inputs: [self, src],
    outputs: [out],
    save: [index],
    backward: ([g], [idx], needs) => [needs[0] ? g : null, needs[1] ? (g as Tensor).gather(d, idx) : null],
  });
  return out;
}

Tensor.prototype.scatterAdd = function (this: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterAddOp(this, dim, index, src);
};

Tensor.prototype.scatterAdd_ = function (this: Tensor, dim: number, index: Tensor, src: Tensor) {
  return applyInplace(this, (current) => scatterAddOp(current, dim, index, src));
};

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

/** Copies (or adds, scaled by alpha) slices of `source` into slices `index[i]` of a copy of `self`. */
function indexAddKernel(self: Tensor, d: number, idx: readonly number[], source: Tensor | null, alpha: number | null, fill?: Element): Tensor {
  const out = rawCopy(self);
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
  const out = emptyTensor(shape, self.dtype);
  const dst = out.storage_.data as unknown as Element[];
  const src = self.storage_.data as ArrayLike<Element>;
  const from = sliceOffsets(self, d);
  const to = sliceOffsets(out, d);
  idx.forEach((v, i) => {
    const a = from(v);
    const b = to(i);
    for (let k = 0; k < a.length; k++) dst[b[k]] = src[a[k]];
  });
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

// ---- masked_fill, masked_select, masked_scatter ----

function checkBoolMask(mask: Tensor, fn: string): void {
  if (mask.dtype !== bool) throw new Error(`${fn} only supports boolean masks, but got mask with dtype ${mask.dtype.cppName}`);
}

/** `t` read as if expanded to `shape` (no autograd), row-major values. */
function expandedData(t: Tensor, shape: readonly number[]): ArrayLike<Element> {
  return t.aliasWithLayout([...shape], expandedStrides(t.shape_, t.strides_, shape), t.offset_).contiguousData() as ArrayLike<Element>;
}

function maskedFillOp(self: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  checkTensor(mask, 'masked_fill', 'mask');
  scalarOrTensor(value, 'masked_fill', 'value');
  const shape = broadcastShapes(mask.shape_, self.shape_);
  const valueTensor = value instanceof Tensor ? value : null;
  if (valueTensor !== null && valueTensor.dim() !== 0) {
    throw new Error(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${valueTensor.dim()} dimension(s).`);
  }
  checkBoolMask(mask, 'masked_fill_');
  const fill = castElement(valueTensor === null ? (value as Scalar) : (valueTensor.contiguousData()[0] as Element), self.dtype);
  const out = Tensor.fromData(expandedData(self, shape) as never, shape, self.dtype);
  const m = expandedData(mask, shape);
  const dst = out.storage_.data as unknown as Element[];
  for (let i = 0; i < dst.length; i++) if (m[i]) dst[i] = fill;
  record({
    name: valueTensor === null ? 'MaskedFillBackward0' : 'MaskedFillBackward1',
    inputs: [self, valueTensor],
    outputs: [out],
    save: [mask],
    backward: ([g], [mk], needs) => [
      needs[0] ? (g as Tensor).maskedFill(mk, 0) : null,
      needs[1] ? (g as Tensor).maskedFill(mk.logicalNot(), 0).sum() : null,
    ],
  });
  return out;
}

Tensor.prototype.maskedFill = function (this: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  return maskedFillOp(this, mask, value);
};

Tensor.prototype.maskedFill_ = function (this: Tensor, mask: Tensor, value: Tensor | Scalar) {
  return applyInplace(this, (current) => maskedFillOp(current, mask, value));
};

Tensor.prototype.maskedSelect = function (this: Tensor, mask: Tensor): Tensor {
  checkTensor(mask, 'masked_select', 'mask');
  if (mask.dtype !== bool) throw new Error('masked_select: expected BoolTensor for mask');
  const shape = broadcastShapes(mask.shape_, this.shape_);
  const m = expandedData(mask, shape);
  const values = expandedData(this, shape);
  let count = 0;
  for (let i = 0; i < m.length; i++) if (m[i]) count++;
  const out = emptyTensor([count], this.dtype);
  const dst = out.storage_.data as unknown as Element[];
  for (let i = 0, k = 0; i < m.length; i++) if (m[i]) dst[k++] = values[i];
  record({
    name: 'MaskedSelectBackward0',
    inputs: [this],
    outputs: [out],
    save: [mask],
    backward: ([g], [mk]) => [zeros(shape, { dtype: (g as Tensor).dtype }).maskedScatter(mk, g as Tensor)],
  });
  return out;
};

function maskedScatterOp(self: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkTensor(mask, 'masked_scatter', 'mask');
  checkTensor(source, 'masked_scatter', 'source');
  const shape = broadcastShapes(mask.shape_, self.shape_);
  if (self.dtype !== source.dtype) {
    // (PyTorch's message has no space after "got".)
    throw new Error(`masked_scatter: expected self and source to have same dtypes but got${legacyScalarName(self.dtype)} and ${legacyScalarName(source.dtype)}`);
  }
  checkBoolMask(mask, 'masked_scatter_');
  const out = Tensor.fromData(expandedData(self, shape) as never, shape, self.dtype);
  const m = expandedData(mask, shape);
  const src = source.contiguousData() as ArrayLike<Element>;
  const dst = out.storage_.data as unknown as Element[];
  let k = 0;
  for (let i = 0; i < dst.length; i++) {
    if (!m[i]) continue;
    if (k >= src.length) throw new Error('Number of elements of source < number of ones in mask');
    dst[i] = src[k++];
  }
  const sourceShape = source.shape;
  const sourceNumel = source.numel();
  record({
    name: 'MaskedScatterBackward0',
    inputs: [self, source],
    outputs: [out],
    save: [mask],
    backward: ([g], [mk], needs) => {
      const grad = g as Tensor;
      let sourceGrad: MaybeTensor = null;
      if (needs[1]) {
        // The selected gradients, padded with zeros for the source elements the mask did not use.
        const selected = grad.maskedSelect(mk);
        const missing = sourceNumel - selected.numel();
        sourceGrad = (missing > 0 ? cat([selected, zeros([missing], { dtype: grad.dtype })]) : selected).view(sourceShape);
      }
      return [needs[0] ? grad.maskedFill(mk, 0) : null, sourceGrad];
    },
  });
  return out;
}

Tensor.prototype.maskedScatter = function (this: Tensor, mask: Tensor, source: Tensor): Tensor {
  return maskedScatterOp(this, mask, source);
};

Tensor.prototype.maskedScatter_ = function (this: Tensor, mask: Tensor, source: Tensor) {
  return applyInplace(this, (current) => maskedScatterOp(current, mask, source));
};

// ---- take, put ----

/** Flat indices into a tensor of `numel` elements, wrapped when negative, with PyTorch's bound check. */
function flatIndices(index: Tensor, numel: number): number[] {
  return indexValues(index).map((v) => {
    if (v < -numel || v >= numel) throw new Error(`out of range: tried to access index ${v} on a tensor of ${numel} elements.`);
    return v < 0 ? v + numel : v;
  });
}

Tensor.prototype.take = function (this: Tensor, index: Tensor): Tensor {
  checkTensor(index, 'take', 'index');
  if (index.dtype !== int64) throw new Error(`take(): Expected a long tensor for index, but got ${legacyScalarName(index.dtype)}`);
  if (this.numel() === 0 && index.numel() !== 0) throw new Error('take(): tried to take from an empty tensor');
  const src = this.contiguousData() as ArrayLike<Element>;
  const out = emptyTensor(index.shape, this.dtype);
  const dst = out.storage_.data as unknown as Element[];
  flatIndices(index, src.length).forEach((v, i) => (dst[i] = src[v]));
  const selfTensor = this;
  record({
    name: 'TakeBackward0',
    inputs: [this],
    outputs: [out],
    save: [index],
    backward: ([g], [ix]) => [zerosLike(selfTensor, { dtype: (g as Tensor).dtype }).put(ix, g as Tensor, { accumulate: true })],
  });
  return out;
};

function putOp(self: Tensor, index: Tensor, source: Tensor, accumulate: boolean): Tensor {
  checkTensor(index, 'put', 'index');
  checkTensor(source, 'put', 'source');
  if (index.dtype !== int64) throw new Error(`put_(): Expected a long tensor for index, but got ${legacyScalarName(index.dtype)}`);
  if (self.dtype !== source.dtype) {
    throw new Error(
      `put_(): self and source expected to have the same dtype, but got self.dtype = ${legacyScalarName(self.dtype)} and source.dtype = ${legacyScalarName(source.dtype)}`,
    );
  }
  if (source.numel() !== index.numel()) {
    throw new Error(
      `put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`,
    );
  }
  if (self.numel() === 0 && index.numel() !== 0) throw new Error('put_(): Tried to put elements into an empty tensor');
  const out = rawCopy(self);
  const dst = out.storage_.data as unknown as Element[];
  const src = source.contiguousData() as ArrayLike<Element>;
  flatIndices(index, dst.length).forEach((v, i) => (dst[v] = combine(dst[v], src[i], accumulate ? 'add' : 'set', self.dtype)));
  const sourceShape = source.shape;
  record({
    name: 'PutBackward0',
    inputs: [self, source],
    outputs: [out],
    save: [index],
    backward: ([g], [ix], needs) => {
      const grad = g as Tensor;
      const selfGrad = accumulate ? grad : grad.put(ix, zeros(sourceShape, { dtype: grad.dtype }), { accumulate: false });
      return [needs[0] ? selfGrad : null, needs[1] ? grad.take(ix).reshape(sourceShape) : null];
    },
  });
  return out;
}

function accumulateOption(options: { accumulate?: boolean } | undefined, fn: string): boolean {
  return boolOption(optionsArg(options, fn).accumulate, fn, 'accumulate') ?? false;
}

Tensor.prototype.put = function (this: Tensor, index: Tensor, source: Tensor, options?: { accumulate?: boolean }): Tensor {
  return putOp(this, index, source, accumulateOption(options, 'put'));
};

Tensor.prototype.put_ = function (this: Tensor, index: Tensor, source: Tensor, options?: { accumulate?: boolean }) {
  const accumulate = accumulateOption(options, 'put_');
  return applyInplace(this, (current) => putOp(current, index, source, accumulate));
};

// ---- torch.* functions ----

export function gather(input: Tensor, dim: number, index: Tensor, options?: { sparseGrad?: boolean }): Tensor {
  checkTensor(input, 'gather');
  return input.gather(dim, index, options);
}

export function scatter(input: Tensor, dim: number, index: Tensor, src: Tensor | Scalar, options?: { reduce?: ScatterReduce }): Tensor {
  checkTensor(input, 'scatter');
  return input.scatter(dim, index, src, options);
}

export function scatterAdd(input: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(input, 'scatter_add');
  return input.scatterAdd(dim, index, src);
}

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

export function maskedFill(input: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  checkTensor(input, 'masked_fill');
  return input.maskedFill(mask, value);
}

export function maskedSelect(input: Tensor, mask: Tensor): Tensor {
  checkTensor(input, 'masked_select');
  return input.maskedSelect(mask);
}

export function maskedScatter(input: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkTensor(input, 'masked_scatter');
  return input.maskedScatter(mask, source);
}

export function take(input: Tensor, index: Tensor): Tensor {
  checkTensor(input, 'take');
  return input.take(index);
}

export function put(input: Tensor, index: Tensor, source: Tensor, options?: { accumulate?: boolean }): Tensor {
  checkTensor(input, 'put');
  return input.put(index, source, options);
}
