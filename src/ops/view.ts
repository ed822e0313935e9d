// View ops: results share storage with their input. Also clone, contiguous and dtype conversion.
import { DType, bool, float32, float64, int32, int64 } from '../tensor/dtype.js';
import { Tensor, pyTypeName, type ViewCreation } from '../tensor/tensor.js';
import { contiguousStrides, inferSize, isExpandableTo, normalizeDim, numelOf, shapeStr, viewStrides } from '../tensor/layout.js';
import { emptyTensor } from '../tensor/factory.js';
import { gather, scatter, elementOffsets } from '../backends/js/strided.js';
import { castTensor } from './elementwise.js';
import { isGradEnabled, isInferenceModeEnabled } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { OpNode, type BackwardFormula } from '../autograd/node.js';
import { lateBound } from '../tensor/late-bound.js';
import { sumTo } from './reduce.js';
import type { Element } from '../tensor/storage.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    view(...shape: number[] | [readonly number[]]): Tensor;
    viewAs(other: Tensor): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    reshapeAs(other: Tensor): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    swapaxes(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    /** Transpose of the last two dims (`x.mT`). */
    readonly mT: Tensor;
    /** All dims reversed (`x.T`). */
    readonly T: Tensor;
    expand(...sizes: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    /** `x[start:end:step]` along `dim` (PyTorch's `slice`); end is clamped like Python slicing. */
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    unfold(dimension: number, size: number, step: number): Tensor;
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
    movedim(source: number, destination: number): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    to(dtype: DType): Tensor;
    type(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    long(): Tensor;
    int(): Tensor;
    bool(): Tensor;
  }
}

type ShapeArgs = number[] | [readonly number[]];

function shapeFromArgs(args: ShapeArgs, fn: string): number[] {
  const shape = args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new TypeError(`${fn}(): argument 'size' must be tuple of ints, but found element of type ${pyTypeName(s)}`);
    }
  }
  return shape;
}

function viewCreation(multiOutput: boolean): ViewCreation {
  if (isInferenceModeEnabled()) return 'inference';
  if (!isGradEnabled()) return 'noGrad';
  return multiOutput ? 'multiOutput' : 'default';
}

export interface ViewRecord {
  name: string;
  backward: BackwardFormula;
  save?: Tensor[];
}

/**
 * A view of `input` with another geometry, recorded in the graph. Views of views point at the root
 * base, which owns the storage.
 */
export function makeView(input: Tensor, shape: number[], strides: number[], offset: number, grad: ViewRecord, multiOutput = false): Tensor {
  const out = input.aliasWithLayout(shape, strides, offset);
  const root = input.viewInfo?.base ?? input;
  out.viewInfo = {
    base: root,
    creation: input.viewInfo && input.viewInfo.creation !== 'default' ? input.viewInfo.creation : viewCreation(multiOutput),
    creatorName: grad.name,
    gradFnVersion: out.versionCounter.value,
  };
  record({ name: grad.name, inputs: [input], outputs: [out], save: grad.save, backward: grad.backward });
  return out;
}

/**
 * The gradient of a view op: a zero tensor of the input's shape with `grad` written (or, for
 * overlapping views, added) into the region the view covers. Differentiable: its own gradient is the
 * same view of the incoming gradient.
 */
export function embedIntoZeros(grad: Tensor, inputShape: readonly number[], viewOf: (t: Tensor) => Tensor, accumulate = false): Tensor {
  const out = emptyTensor(inputShape, grad.dtype);
  const region = viewOf(out.detach());
  const src = grad.contiguousData();
  if (accumulate) {
    const offsets = elementOffsets(region.shape_, region.strides_, region.offset_) ?? Int32Array.from({ length: src.length }, (_, i) => region.offset_ + i);
    const data = out.storage_.data as unknown as Element[];
    for (let i = 0; i < offsets.length; i++) (data[offsets[i]] as number) += src[i] as number;
  } else {
    scatter(src as never, { data: out.storage_.data, strides: region.strides_, offset: region.offset_ }, region.shape_);
  }
  record({ name: 'EmbedBackward', inputs: [grad], outputs: [out], backward: ([g]) => [viewOf(g as Tensor)] });
  return out;
}

function viewImpl(self: Tensor, shape: number[], name: string): Tensor {
  const strides = viewStrides(self.shape_, self.strides_, shape);
  if (strides === null) {
    throw new Error(
      'view size is not compatible with input tensor\'s size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.',
    );
  }
  const inputShape = self.shape;
  return makeView(self, shape, strides, self.offset_, { name, backward: ([g]) => [(g as Tensor).reshape(inputShape)] });
}

Tensor.prototype.view = function (this: Tensor, ...args: ShapeArgs): Tensor {
  if (args.length === 1 && args[0] instanceof DType) {
    throw new Error('view(dtype) is not supported by tstorch');
  }
  return viewImpl(this, inferSize(shapeFromArgs(args, 'view'), this.numel()), 'ViewBackward0');
};

Tensor.prototype.viewAs = function (this: Tensor, other: Tensor): Tensor {
  return this.view(other.shape);
};

Tensor.prototype.reshape = function (this: Tensor, ...args: ShapeArgs): Tensor {
  const shape = inferSize(shapeFromArgs(args, 'reshape'), this.numel());
  const strides = viewStrides(this.shape_, this.strides_, shape);
  if (strides !== null) {
    // PyTorch 2.x: contiguous inputs go through view; other viewable ones through _reshape_alias.
    return viewImpl(this, shape, this.isContiguous() ? 'ViewBackward0' : 'ReshapeAliasBackward0');
  }
  const copy = this.clone();
  const out = copy.aliasWithLayout(shape, contiguousStrides(shape), 0);
  const inputShape = this.shape;
  record({ name: 'UnsafeViewBackward0', inputs: [copy], outputs: [out], backward: ([g]) => [(g as Tensor).reshape(inputShape)] });
  return out;
};

Tensor.prototype.reshapeAs = function (this: Tensor, other: Tensor): Tensor {
  return this.reshape(other.shape);
};

Tensor.prototype.flatten = function (this: Tensor, startDim = 0, endDim = -1): Tensor {
  const nd = this.dim();
  if (nd === 0) return this.reshape([1]);
  const s = normalizeDim(startDim, nd);
  const e = normalizeDim(endDim, nd);
  if (s > e) throw new Error('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return this;
  const shape = [...this.shape_.slice(0, s), numelOf(this.shape_.slice(s, e + 1)), ...this.shape_.slice(e + 1)];
  return this.reshape(shape);
};

Tensor.prototype.unflatten = function (this: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, this.dim());
  const inner = inferSize(sizes, this.shape_[d]);
  if (numelOf(inner) !== this.shape_[d]) {
    throw new Error(`unflatten: Provided sizes ${shapeStr(sizes)} don't multiply up to the size of dim ${dim} (${this.shape_[d]}) in the input tensor`);
  }
  return this.view([...this.shape_.slice(0, d), ...inner, ...this.shape_.slice(d + 1)]);
};

function permuteImpl(self: Tensor, dims: number[], name: string): Tensor {
  const nd = self.dim();
  if (dims.length !== nd) {
    throw new Error(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${dims.length}`);
  }
  const norm = dims.map((d) => normalizeDim(d, nd));
  if (new Set(norm).size !== nd) throw new Error('permute(): duplicate dims are not allowed.');
  const inverse = new Array<number>(nd);
  norm.forEach((d, i) => (inverse[d] = i));
  return makeView(self, norm.map((d) => self.shape_[d]), norm.map((d) => self.strides_[d]), self.offset_, {
    name,
    backward: ([g]) => [(g as Tensor).permute(inverse)],
  });
}

Tensor.prototype.permute = function (this: Tensor, ...args: ShapeArgs): Tensor {
  return permuteImpl(this, shapeFromArgs(args, 'permute'), 'PermuteBackward0');
};

function transposeImpl(self: Tensor, dim0: number, dim1: number, name: string): Tensor {
  const nd = self.dim();
  const a = normalizeDim(dim0, nd);
  const b = normalizeDim(dim1, nd);
  const shape = [...self.shape_];
  const strides = [...self.strides_];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return makeView(self, shape, strides, self.offset_, {
    name,
    backward: ([g]) => [name === 'TBackward0' ? (g as Tensor).t() : (g as Tensor).transpose(dim0, dim1)],
  });
}

Tensor.prototype.transpose = function (this: Tensor, dim0: number, dim1: number): Tensor {
  return transposeImpl(this, dim0, dim1, 'TransposeBackward0');
};

Tensor.prototype.swapaxes = Tensor.prototype.transpose;

Tensor.prototype.t = function (this: Tensor): Tensor {
  if (this.dim() > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${this.dim()}D`);
  return transposeImpl(this, 0, this.dim() < 2 ? 0 : 1, 'TBackward0');
};

Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor): Tensor {
    if (this.dim() < 2) throw new Error('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.');
    return this.transpose(-2, -1);
  },
});

Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor): Tensor {
    const nd = this.dim();
    return permuteImpl(this, Array.from({ length: nd }, (_, i) => nd - 1 - i), 'PermuteBackward0');
  },
});

Tensor.prototype.expand = function (this: Tensor, ...args: ShapeArgs): Tensor {
  const sizes = shapeFromArgs(args, 'expand');
  const nd = this.dim();
  if (sizes.length < nd) {
    throw new Error(
      `expand(torch.FloatTensor{${shapeStr(this.shape_)}}, size=${shapeStr(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${nd})`.replace('torch.FloatTensor', this.dtype.legacyName),
    );
  }
  const lead = sizes.length - nd;
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const j = i - lead;
    const own = j >= 0 ? this.shape_[j] : 1;
    let target = sizes[i];
    if (target === -1) {
      if (j < 0) throw new Error(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      target = own;
    }
    if (j >= 0 && own !== target && own !== 1) {
      throw new Error(
        `The expanded size of the tensor (${target}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: ${shapeStr(sizes)}.  Tensor sizes: ${shapeStr(this.shape_)}`,
      );
    }
    shape.push(target);
    strides.push(j < 0 || (own === 1 && target !== 1) ? 0 : this.strides_[j]);
  }
  const inputShape = this.shape;
  return makeView(this, shape, strides, this.offset_, {
    name: 'ExpandBackward0',
    backward: ([g]) => [sumTo(g as Tensor, inputShape)],
  });
};

Tensor.prototype.expandAs = function (this: Tensor, other: Tensor): Tensor {
  return this.expand(other.shape);
};

Tensor.prototype.squeeze = function (this: Tensor, dim?: number | readonly number[]): Tensor {
  const nd = this.dim();
  let dims: Set<number>;
  let name: string;
  if (dim === undefined) {
    dims = new Set(this.shape_.map((s, i) => (s === 1 ? i : -1)).filter((i) => i >= 0));
    name = 'SqueezeBackward0';
  } else if (typeof dim === 'number') {
    dims = new Set([normalizeDim(dim, nd)]);
    name = 'SqueezeBackward1';
  } else {
    dims = new Set(dim.map((d) => normalizeDim(d, nd)));
    name = 'SqueezeBackward2';
  }
  const keep = this.shape_.map((s, i) => !(dims.has(i) && s === 1));
  const inputShape = this.shape;
  return makeView(
    this,
    this.shape_.filter((_, i) => keep[i]),
    this.strides_.filter((_, i) => keep[i]),
    this.offset_,
    { name, backward: ([g]) => [(g as Tensor).reshape(inputShape)] },
  );
};

Tensor.prototype.unsqueeze = function (this: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, this.dim() + 1, false);
  const shape = [...this.shape_];
  const strides = [...this.strides_];
  const stride = d >= this.dim() ? 1 : this.shape_[d] * this.strides_[d];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return makeView(this, shape, strides, this.offset_, { name: 'UnsqueezeBackward0', backward: ([g]) => [(g as Tensor).squeeze(d)] });
};

function checkIndexArg(value: unknown, fn: string, arg: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${fn}(): argument '${arg}' must be int, not ${pyTypeName(value)}`);
  }
}

Tensor.prototype.select = function (this: Tensor, dim: number, index: number): Tensor {
  checkIndexArg(index, 'select', 'index');
  if (this.dim() === 0) throw new Error('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, this.dim());
  const size = this.shape_[d];
  if (index < -size || index >= size) {
    throw new Error(`select(): index ${index} out of range for tensor of size ${shapeStr(this.shape_)} at dimension ${dim}`);
  }
  const i = index < 0 ? index + size : index;
  const inputShape = this.shape;
  return makeView(
    this,
    this.shape_.filter((_, k) => k !== d),
    this.strides_.filter((_, k) => k !== d),
    this.offset_ + i * this.strides_[d],
    { name: 'SelectBackward0', backward: ([g]) => [embedIntoZeros(g as Tensor, inputShape, (z) => z.select(d, i))] },
  );
};

Tensor.prototype.slice = function (this: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
  const d = normalizeDim(dim, this.dim());
  if (step <= 0) throw new Error('slice step must be positive');
  const size = this.shape_[d];
  const clamp = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const s = clamp(start, 0);
  const e = Math.max(clamp(end, size), s);
  const length = Math.ceil((e - s) / step);
  const shape = [...this.shape_];
  const strides = [...this.strides_];
  shape[d] = length;
  strides[d] = this.strides_[d] * step;
  const inputShape = this.shape;
  return makeView(this, shape, strides, this.offset_ + s * this.strides_[d], {
    name: 'SliceBackward0',
    backward: ([g]) => [embedIntoZeros(g as Tensor, inputShape, (z) => z.slice(d, s, e, step))],
  });
};

Tensor.prototype.narrow = function (this: Tensor, dim: number, start: number, length: number): Tensor {
  checkIndexArg(start, 'narrow', 'start');
  checkIndexArg(length, 'narrow', 'length');
  if (this.dim() === 0) throw new Error('narrow() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, this.dim());
  const size = this.shape_[d];
  if (start < -size || start > size) {
    throw new Error(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  const s = start < 0 ? start + size : start;
  if (length < 0 || s + length > size) throw new Error(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return this.slice(d, s, s + length);
};

Tensor.prototype.unfold = function (this: Tensor, dimension: number, size: number, step: number): Tensor {
  const nd = this.dim();
  const d = normalizeDim(dimension, nd);
  const dimSize = nd === 0 ? 1 : this.shape_[d];
  if (size > dimSize) throw new Error(`maximum size for tensor at dimension ${d} is ${dimSize} but size is ${size}`);
  if (step <= 0) throw new Error(`step is ${step} but must be > 0`);
  const shape = [...this.shape_];
  const strides = [...this.strides_];
  const dimStride = nd === 0 ? 1 : this.strides_[d];
  if (nd > 0) {
    shape[d] = Math.floor((dimSize - size) / step) + 1;
    strides[d] = step * dimStride;
  }
  shape.push(size);
  strides.push(dimStride);
  const inputShape = this.shape;
  return makeView(this, shape, strides, this.offset_, {
    name: 'UnfoldBackward0',
    backward: ([g]) => [embedIntoZeros(g as Tensor, inputShape, (z) => z.unfold(dimension, size, step), true)],
  });
};

Tensor.prototype.diagonal = function (this: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const nd = this.dim();
  const a = normalizeDim(dim1, nd);
  const b = normalizeDim(dim2, nd);
  if (a === b) throw new Error(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  let diagSize: number;
  let start = this.offset_;
  if (offset >= 0) {
    diagSize = Math.max(Math.min(this.shape_[a], this.shape_[b] - offset), 0);
    if (diagSize > 0) start += offset * this.strides_[b];
  } else {
    diagSize = Math.max(Math.min(this.shape_[a] + offset, this.shape_[b]), 0);
    if (diagSize > 0) start -= offset * this.strides_[a];
  }
  const shape = this.shape_.filter((_, i) => i !== a && i !== b);
  const strides = this.strides_.filter((_, i) => i !== a && i !== b);
  shape.push(diagSize);
  strides.push(this.strides_[a] + this.strides_[b]);
  const inputShape = this.shape;
  return makeView(this, shape, strides, start, {
    name: 'DiagonalBackward0',
    backward: ([g]) => [embedIntoZeros(g as Tensor, inputShape, (z) => z.diagonal(offset, dim1, dim2))],
  });
};

function checkAsStrided(self: Tensor, size: readonly number[], stride: readonly number[], offset: number): void {
  if (size.length !== stride.length) {
    throw new Error(`mismatch in length of strides and shape`);
  }
  for (const s of [...size, ...stride, offset]) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`as_strided: sizes, strides and offset must be non-negative integers, got ${s}`);
  }
  const numel = numelOf(size);
  if (numel === 0) return;
  const last = offset + size.reduce((acc, s, i) => acc + (s - 1) * stride[i], 0);
  if (last >= self.storage_.length) {
    throw new Error(
      `setStorage: sizes ${shapeStr(size)}, strides ${shapeStr(stride)}, storage offset ${offset}, and itemsize ${self.dtype.itemSize} requiring a storage size of ${(last + 1) * self.dtype.itemSize} are out of bounds for storage of size ${self.storage_.length * self.dtype.itemSize}`,
    );
  }
}

/** The AsStridedBackward0 formula: scatter-add the gradient through the strided geometry into the input's. */
function asStridedBackward(input: Tensor, size: readonly number[], stride: readonly number[], offset: number): BackwardFormula {
  const inShape = input.shape;
  const inStrides = input.stride();
  const inOffset = input.storageOffset();
  const storageLength = input.storage_.length;
  return ([g]) => {
    // Gradient in storage space, then read back through the input's own geometry.
    const flat = embedIntoZeros(g as Tensor, [storageLength], (z) => z.asStrided(size, stride, offset), true);
    return [flat.asStrided(inShape, inStrides, inOffset)];
  };
}

Tensor.prototype.asStrided = function (this: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  const offset = storageOffset ?? this.offset_;
  checkAsStrided(this, size, stride, offset);
  return makeView(this, [...size], [...stride], offset, { name: 'AsStridedBackward0', backward: asStridedBackward(this, size, stride, offset) });
};

lateBound.regenerateViewGradFn = (view: Tensor, base: Tensor) => {
  const edge = base.gradientEdge();
  return new OpNode(
    'AsStridedBackward0',
    [edge],
    [{ shape: base.shape, dtype: base.dtype }],
    1,
    asStridedBackward(base, view.shape, view.stride(), view.storageOffset()),
    [],
  );
};

Tensor.prototype.movedim = function (this: Tensor, source: number, destination: number): Tensor {
  const nd = this.dim();
  const s = normalizeDim(source, nd);
  const d = normalizeDim(destination, nd);
  const order = Array.from({ length: nd }, (_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return this.permute(order);
};

Tensor.prototype.clone = function (this: Tensor): Tensor {
  const out = emptyTensor(this.shape_, this.dtype);
  gather({ data: this.storage_.data, strides: this.strides_, offset: this.offset_ }, this.shape_, out.storage_.data);
  record({ name: 'CloneBackward0', inputs: [this], outputs: [out], backward: ([g]) => [g] });
  return out;
};

Tensor.prototype.contiguous = function (this: Tensor): Tensor {
  return this.isContiguous() ? this : this.clone();
};

Tensor.prototype.to = function (this: Tensor, dtype: DType): Tensor {
  if (!(dtype instanceof DType)) throw new TypeError(`to() received an invalid combination of arguments - got (${pyTypeName(dtype)})`);
  if (dtype === this.dtype) return this;
  const out = castTensor(this, dtype);
  const from = this.dtype;
  record({ name: 'ToCopyBackward0', inputs: [this], outputs: [out], backward: ([g]) => [(g as Tensor).to(from)] });
  return out;
};

Tensor.prototype.type = Tensor.prototype.to;
Tensor.prototype.float = function (this: Tensor): Tensor {
  return this.to(float32);
};
Tensor.prototype.double = function (this: Tensor): Tensor {
  return this.to(float64);
};
Tensor.prototype.long = function (this: Tensor): Tensor {
  return this.to(int64);
};
Tensor.prototype.int = function (this: Tensor): Tensor {
  return this.to(int32);
};
Tensor.prototype.bool = function (this: Tensor): Tensor {
  return this.to(bool);
};

/** Whether `shape` can be reached by expanding `from` (exported for ops that check broadcasts). */
export function canExpand(from: readonly number[], to: readonly number[]): boolean {
  return isExpandableTo(from, to);
}
