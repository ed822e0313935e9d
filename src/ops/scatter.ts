// Element-wise index-driven reads and writes: gather/scatter/scatter_add along a dim, and take/put
// on flat (row-major) positions. Whole slices picked by a 1-D index (index_select, index_add, ...) are
// in index-slices.ts, boolean masks (masked_fill, ...) in masked.ts.
import { int64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { normalizeDim, shapeStr } from '../tensor/layout.js';
import { castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, zeros, zerosLike, type Scalar } from '../tensor/factory.js';
import { checkTensor } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { applyInplace } from './inplace.js';
import { combineElements as combine, rawCopy, storageOffsets as positions } from './indexing.js';
import { record } from '../autograd/record.js';
import { boolOption, optionsArg } from '../tensor/args.js';
import { indexValues, nonemptyLayout, scalarOrTensor, sizeAt } from './index-args.js';

export type ScatterReduce = 'add' | 'multiply';

declare module '../tensor/tensor.js' {
  interface Tensor {
    gather(dim: number, index: Tensor, options?: { sparseGrad?: boolean }): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | Scalar, options?: { reduce?: ScatterReduce }): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | Scalar, options?: { reduce?: ScatterReduce }): this;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): this;
    /** Elements at flat (row-major) positions, as if the tensor were 1-D. */
    take(index: Tensor): Tensor;
    put(index: Tensor, source: Tensor, options?: { accumulate?: boolean }): Tensor;
    put_(index: Tensor, source: Tensor, options?: { accumulate?: boolean }): this;
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

export function take(input: Tensor, index: Tensor): Tensor {
  checkTensor(input, 'take');
  return input.take(index);
}

export function put(input: Tensor, index: Tensor, source: Tensor, options?: { accumulate?: boolean }): Tensor {
  checkTensor(input, 'put');
  return input.put(index, source, options);
}
