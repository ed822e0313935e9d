// View ops: results share storage and the version counter with their input (PyTorch's aliasing
// ops), plus clone, contiguous and dtype conversion, which copy.
import { DType, bool, float32, float64, int32, int64 } from '../tensor/dtype.js';
import { Tensor, pyTypeName, type ViewCreation } from '../tensor/tensor.js';
import { contiguousStrides, inferSize, normalizeDim, numelOf, shapeStr, viewStrides } from '../tensor/layout.js';
import { Storage, allocate, type Element } from '../tensor/storage.js';
import { emptyTensor } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { gather, scatter, elementOffsets } from '../backends/js/strided.js';
import { castTensor, checkTensor } from './elementwise.js';
import { isGradEnabled, isInferenceModeEnabled } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { OpNode, type BackwardFormula } from '../autograd/node.js';
import { lateBound } from '../tensor/late-bound.js';
import { intArg, intListArg, optionsArg, varargsIntList } from '../tensor/args.js';
import { reductionDims, sumTo } from './reduce.js';

/** `clone`'s layout: `'preserve'` keeps the strides of dense inputs (PyTorch's default), `'contiguous'` is row-major. */
export type MemoryFormat = 'preserve' | 'contiguous';

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
    swapdims(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    /** Transpose of the last two dims (`x.mT`). */
    readonly mT: Tensor;
    /** All dims reversed (`x.T`). */
    readonly T: Tensor;
    expand(...sizes: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    /** `x[start:end:step]` along `dim` (ATen's `slice`); start and end are clamped like Python slicing. */
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    unfold(dimension: number, size: number, step: number): Tensor;
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    contiguous(): Tensor;
    clone(options?: { memoryFormat?: MemoryFormat }): Tensor;
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


function viewCreation(multiOutput: boolean): ViewCreation {
  if (isInferenceModeEnabled()) return 'inference';
  if (!isGradEnabled()) return 'noGrad';
  return multiOutput ? 'multiOutput' : 'default';
}

/** The geometry of one view: sizes, strides and storage offset. */
export interface ViewLayout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface ViewRecord {
  name: string;
  backward: BackwardFormula;
  save?: Tensor[];
}

/**
 * Marks `out` (an alias of `input`'s storage) as a view. Views of views point at the root base, which
 * owns the storage; a view of a view made without grad or by a multi-output op inherits that
 * restriction (PyTorch's creation-meta propagation).
 */
function markAsView(out: Tensor, input: Tensor, creatorName: string, multiOutput: boolean): Tensor {
  const inherited = input.viewInfo?.creation;
  out.viewInfo = {
    base: input.viewInfo?.base ?? input,
    creation: inherited !== undefined && inherited !== 'default' ? inherited : viewCreation(multiOutput),
    creatorName,
    gradFnVersion: out.versionCounter.value,
  };
  return out;
}

/**
 * A view of `input` with another geometry, recorded in the graph. The callers build `shape` and
 * `strides` for this view alone, so the view keeps them without a copy.
 */
export function makeView(input: Tensor, shape: number[], strides: number[], offset: number, grad: ViewRecord): Tensor {
  const out = markAsView(input.aliasWithLayout(shape, strides, offset), input, grad.name, false);
  record({ name: grad.name, inputs: [input], outputs: [out], save: grad.save, backward: grad.backward });
  return out;
}

/**
 * The outputs of a multi-output view op (split, chunk, unbind): one node with an output per view.
 * They cannot be modified in place while their history is tracked (spec 6.5).
 */
export function makeMultiOutputViews(input: Tensor, layouts: readonly ViewLayout[], grad: ViewRecord): Tensor[] {
  const outs = layouts.map((layout) =>
    markAsView(input.aliasWithLayout([...layout.shape], [...layout.strides], layout.offset), input, grad.name, true),
  );
  record({ name: grad.name, inputs: [input], outputs: outs, save: grad.save, backward: grad.backward });
  return outs;
}

/**
 * The gradient of a view op: a zero tensor of the input's shape with `grad` written (or, for
 * overlapping views, added) into the region the view covers. Differentiable: its own gradient is the
 * same view of the incoming gradient (the node PyTorch names `<View>BackwardBackward0`).
 */
export function embedIntoZeros(
  grad: Tensor,
  inputShape: readonly number[],
  viewOf: (t: Tensor) => Tensor,
  options: { accumulate?: boolean; name?: string } = {},
): Tensor {
  const out = emptyTensor(inputShape, grad.dtype);
  const region = viewOf(out.detach());
  const src = grad.contiguousData();
  if (options.accumulate) {
    const offsets = elementOffsets(region.shape_, region.strides_, region.offset_) ?? Int32Array.from({ length: src.length }, (_, i) => region.offset_ + i);
    const data = out.storage_.data as unknown as number[];
    for (let i = 0; i < offsets.length; i++) data[offsets[i]] += src[i] as number;
  } else {
    scatter(src, { data: out.storage_.data, strides: region.strides_, offset: region.offset_ }, region.shape_);
  }
  record({ name: options.name ?? 'EmbedBackward', inputs: [grad], outputs: [out], backward: ([g]) => [viewOf(g as Tensor)] });
  return out;
}

/** A view with the same geometry (ATen's `alias`, what `x[...]` returns). */
export function alias(self: Tensor): Tensor {
  return makeView(self, self.shape, self.stride(), self.offset_, { name: 'AliasBackward0', backward: ([g]) => [g] });
}

// ---- view, reshape, flatten ----

function viewImpl(self: Tensor, shape: number[], name: string): Tensor {
  const strides = viewStrides(self.shape_, self.strides_, shape);
  if (strides === null) {
    throw new Error(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const inputShape = self.shape;
  return makeView(self, shape, strides, self.offset_, { name, backward: ([g]) => [(g as Tensor).reshape(inputShape)] });
}

Tensor.prototype.view = function (this: Tensor, ...args: ShapeArgs): Tensor {
  if (args.length === 1 && args[0] instanceof DType) throw new Error('view(dtype) is not supported by tstorch');
  return viewImpl(this, inferSize(varargsIntList(args, 'view', 'size'), this.numel()), 'ViewBackward0');
};

Tensor.prototype.viewAs = function (this: Tensor, other: Tensor): Tensor {
  checkTensor(other, 'view_as', 'other');
  return this.view(other.shape);
};

Tensor.prototype.reshape = function (this: Tensor, ...args: ShapeArgs): Tensor {
  const shape = inferSize(varargsIntList(args, 'reshape', 'shape'), this.numel());
  if (viewStrides(this.shape_, this.strides_, shape) !== null) {
    // PyTorch 2.x: contiguous inputs go through view; other viewable ones through _reshape_alias.
    return viewImpl(this, shape, this.isContiguous() ? 'ViewBackward0' : 'ReshapeAliasBackward0');
  }
  const copy = cloneImpl(this, 'contiguous');
  const out = copy.aliasWithLayout(shape, contiguousStrides(shape), 0);
  const inputShape = this.shape;
  record({ name: 'UnsafeViewBackward0', inputs: [copy], outputs: [out], backward: ([g]) => [(g as Tensor).reshape(inputShape)] });
  return out;
};

Tensor.prototype.reshapeAs = function (this: Tensor, other: Tensor): Tensor {
  checkTensor(other, 'reshape_as', 'other');
  return this.reshape(other.shape);
};

Tensor.prototype.flatten = function (this: Tensor, startDim = 0, endDim = -1): Tensor {
  const nd = this.dim();
  if (nd === 0) return this.reshape([1]);
  const s = normalizeDim(startDim, nd);
  const e = normalizeDim(endDim, nd);
  if (s > e) throw new Error('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return this;
  return this.reshape([...this.shape_.slice(0, s), numelOf(this.shape_.slice(s, e + 1)), ...this.shape_.slice(e + 1)]);
};

Tensor.prototype.unflatten = function (this: Tensor, dim: number, sizesArg: readonly number[]): Tensor {
  const d = normalizeDim(dim, this.dim());
  const sizes = intListArg(sizesArg, 'unflatten', 'sizes', 2);
  if (sizes.length === 0) throw new Error('unflatten: sizes must be non-empty');
  const inner = sizes.includes(-1) ? inferSize(sizes, this.shape_[d]) : [...sizes];
  if (numelOf(inner) !== this.shape_[d]) {
    throw new Error(`unflatten: Provided sizes ${shapeStr(sizes)} don't multiply up to the size of dim ${dim} (${this.shape_[d]}) in the input tensor`);
  }
  return this.view([...this.shape_.slice(0, d), ...inner, ...this.shape_.slice(d + 1)]);
};

// ---- permutations ----

function permuteImpl(self: Tensor, dims: number[], name: string): Tensor {
  const nd = self.dim();
  if (dims.length !== nd) {
    throw new Error(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${dims.length}`,
    );
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
  return permuteImpl(this, varargsIntList(args, 'permute', 'dims'), 'PermuteBackward0');
};

function transposeImpl(self: Tensor, dim0: number, dim1: number, name: string, backward: BackwardFormula): Tensor {
  const nd = self.dim();
  const a = normalizeDim(dim0, nd);
  const b = normalizeDim(dim1, nd);
  const shape = [...self.shape_];
  const strides = [...self.strides_];
  if (a !== b) {
    [shape[a], shape[b]] = [shape[b], shape[a]];
    [strides[a], strides[b]] = [strides[b], strides[a]];
  }
  return makeView(self, shape, strides, self.offset_, { name, backward });
}

Tensor.prototype.transpose = function (this: Tensor, dim0: number, dim1: number): Tensor {
  return transposeImpl(this, dim0, dim1, 'TransposeBackward0', ([g]) => [(g as Tensor).transpose(dim0, dim1)]);
};
Tensor.prototype.swapaxes = Tensor.prototype.transpose;
Tensor.prototype.swapdims = Tensor.prototype.transpose;

Tensor.prototype.t = function (this: Tensor): Tensor {
  if (this.dim() > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${this.dim()}D`);
  return transposeImpl(this, 0, this.dim() < 2 ? 0 : 1, 'TBackward0', ([g]) => [(g as Tensor).t()]);
};

Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor): Tensor {
    if (this.dim() < 2) throw new Error(`tensor.mT is only supported on matrices or batches of matrices. Got ${this.dim()}-D tensor.`);
    return this.transpose(-2, -1);
  },
});

Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor): Tensor {
    const nd = this.dim();
    if (nd !== 2 && nd !== 0) {
      warn(
        'The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.',
      );
    }
    // PyTorch 2.x returns an alias for 0-dim tensors.
    if (nd === 0) return alias(this);
    return permuteImpl(this, Array.from({ length: nd }, (_, i) => nd - 1 - i), 'PermuteBackward0');
  },
});

Tensor.prototype.movedim = function (this: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = intListArg(source, 'movedim', 'source', 1, true);
  const dst = intListArg(destination, 'movedim', 'destination', 2, true);
  const nd = this.dim();
  if (src.length !== dst.length) {
    throw new Error(
      `movedim: Invalid source or destination dims: source (${shapeStr(src)} dims) should contain the same number of dims as destination (${shapeStr(dst)} dims)`,
    );
  }
  const s = src.map((d) => normalizeDim(d, nd));
  const t = dst.map((d) => normalizeDim(d, nd));
  if (new Set(s).size !== s.length) throw new Error(`movedim: repeated dim in \`source\` (${shapeStr(src)})`);
  if (new Set(t).size !== t.length) throw new Error(`movedim: repeated dim in \`destination\` (${shapeStr(dst)})`);
  // Moved dims take their destinations; the others keep their relative order in the free places.
  const order = new Array<number>(nd).fill(-1);
  s.forEach((d, i) => (order[t[i]] = d));
  const rest = Array.from({ length: nd }, (_, i) => i).filter((i) => !s.includes(i));
  for (let i = 0, k = 0; i < nd; i++) if (order[i] === -1) order[i] = rest[k++];
  return permuteImpl(this, order, 'PermuteBackward0');
};
Tensor.prototype.moveaxis = Tensor.prototype.movedim;

// ---- expand, squeeze, unsqueeze ----

Tensor.prototype.expand = function (this: Tensor, ...args: ShapeArgs): Tensor {
  const sizes = varargsIntList(args, 'expand', 'size');
  const nd = this.dim();
  if (sizes.length < nd) {
    throw new Error(
      `expand(${this.dtype.legacyName}{${shapeStr(this.shape_)}}, size=${shapeStr(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${nd})`,
    );
  }
  // ATen's inferExpandGeometry: from the last dim backwards, so the last mismatch is reported.
  const n = sizes.length;
  const shape = new Array<number>(n);
  const strides = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    const j = i - (n - nd);
    let size = j >= 0 ? this.shape_[j] : 1;
    let stride = j >= 0 ? this.strides_[j] : i + 1 < n ? shape[i + 1] * strides[i + 1] : 1;
    let target = sizes[i];
    if (target === -1) {
      if (j < 0) throw new Error(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      target = size;
    }
    if (size !== target) {
      if (size !== 1) {
        throw new Error(
          `The expanded size of the tensor (${target}) must match the existing size (${size}) at non-singleton dimension ${i}.  Target sizes: ${shapeStr(sizes)}.  Tensor sizes: ${shapeStr(this.shape_)}`,
        );
      }
      if (target < 0) throw new Error(`expand(): the expanded size of the tensor (${target}) must be non-negative or -1 (dimension ${i})`);
      size = target;
      stride = 0;
    }
    shape[i] = size;
    strides[i] = stride;
  }
  const inputShape = this.shape;
  return makeView(this, shape, strides, this.offset_, { name: 'ExpandBackward0', backward: ([g]) => [sumTo(g as Tensor, inputShape)] });
};

Tensor.prototype.expandAs = function (this: Tensor, other: Tensor): Tensor {
  checkTensor(other, 'expand_as', 'other');
  return this.expand(other.shape);
};

Tensor.prototype.broadcastTo = function (this: Tensor, shape: readonly number[]): Tensor {
  return this.expand(shape);
};

Tensor.prototype.squeeze = function (this: Tensor, dim?: number | readonly number[]): Tensor {
  const nd = this.dim();
  let dims: number[];
  let name: string;
  if (dim === undefined || dim === null) {
    dims = this.shape_.flatMap((s, i) => (s === 1 ? [i] : []));
    name = 'SqueezeBackward0';
  } else if (typeof dim === 'number') {
    dims = [normalizeDim(dim, nd)];
    name = 'SqueezeBackward1';
  } else {
    dims = dim.length === 0 ? [] : reductionDims(dim, nd, 'squeeze');
    name = 'SqueezeBackward2';
  }
  const keep = this.shape_.map((s, i) => !(dims.includes(i) && s === 1));
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
  const nd = this.shape_.length;
  const d = normalizeDim(dim, nd + 1, false);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i <= nd; i++) {
    if (i === d) {
      shape.push(1);
      strides.push(d >= nd ? 1 : this.shape_[d] * this.strides_[d]);
    }
    if (i < nd) {
      shape.push(this.shape_[i]);
      strides.push(this.strides_[i]);
    }
  }
  return makeView(this, shape, strides, this.offset_, { name: 'UnsqueezeBackward0', backward: ([g]) => [(g as Tensor).squeeze(d)] });
};

// ---- select, slice, narrow, unfold, diagonal, as_strided ----

Tensor.prototype.select = function (this: Tensor, dim: number, index: number): Tensor {
  intArg(index, 'select', 'index', 2);
  if (this.dim() === 0) throw new Error('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, this.dim());
  const size = this.shape_[d];
  if (index < -size || index >= size) {
    throw new Error(`select(): index ${index} out of range for tensor of size ${shapeStr(this.shape_)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const inputShape = this.shape;
  return makeView(
    this,
    this.shape_.filter((_, k) => k !== d),
    this.strides_.filter((_, k) => k !== d),
    this.offset_ + i * this.strides_[d],
    {
      name: 'SelectBackward0',
      backward: ([g]) => [embedIntoZeros(g as Tensor, inputShape, (z) => z.select(d, i), { name: 'SelectBackwardBackward0' })],
    },
  );
};

Tensor.prototype.slice = function (this: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
  if (start !== null) intArg(start, 'slice', 'start', 2);
  if (end !== null) intArg(end, 'slice', 'end', 3);
  intArg(step, 'slice', 'step', 4);
  if (this.dim() === 0) throw new Error('slice() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, this.dim());
  if (step <= 0) throw new Error('slice step must be positive');
  const size = this.shape_[d];
  // ATen's slice: negative bounds count from the end, then both are clamped to [0, size], end >= start.
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = start === null ? 0 : clamp(start);
  const e = Math.max(end === null ? size : clamp(end), s);
  const shape = [...this.shape_];
  const strides = [...this.strides_];
  shape[d] = Math.ceil((e - s) / step);
  strides[d] = this.strides_[d] * step;
  const inputShape = this.shape;
  return makeView(this, shape, strides, this.offset_ + s * this.strides_[d], {
    name: 'SliceBackward0',
    backward: ([g]) => [embedIntoZeros(g as Tensor, inputShape, (z) => z.slice(d, s, e, step), { name: 'SliceBackwardBackward0' })],
  });
};

Tensor.prototype.narrow = function (this: Tensor, dim: number, start: number, length: number): Tensor {
  intArg(start, 'narrow', 'start', 2);
  intArg(length, 'narrow', 'length', 3);
  if (this.dim() === 0) throw new Error('narrow() cannot be applied to a 0-dim tensor.');
  if (length < 0) throw new Error('narrow(): length must be non-negative.');
  const size = this.size(dim);
  if (start < -size || start > size) {
    throw new Error(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  const s = start < 0 ? start + size : start;
  if (s + length > size) throw new Error(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return this.slice(dim, s, s + length);
};

Tensor.prototype.unfold = function (this: Tensor, dimension: number, size: number, step: number): Tensor {
  intArg(size, 'unfold', 'size', 2);
  intArg(step, 'unfold', 'step', 3);
  if (size < 0) throw new Error(`unfold(): size must be non-negative, but got ${size}`);
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
    backward: ([g]) => [
      embedIntoZeros(g as Tensor, inputShape, (z) => z.unfold(dimension, size, step), { accumulate: true, name: 'UnfoldBackwardBackward0' }),
    ],
  });
};

Tensor.prototype.diagonal = function (this: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  intArg(offset, 'diagonal', 'offset', 1);
  const nd = this.dim();
  const a = normalizeDim(dim1, nd);
  const b = normalizeDim(dim2, nd);
  if (a === b) throw new Error(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const diagSize = Math.max(offset >= 0 ? Math.min(this.shape_[a], this.shape_[b] - offset) : Math.min(this.shape_[a] + offset, this.shape_[b]), 0);
  // An empty diagonal keeps the input's offset rather than pointing past the end.
  let start = this.offset_;
  if (diagSize > 0) start += offset >= 0 ? offset * this.strides_[b] : -offset * this.strides_[a];
  const shape = this.shape_.filter((_, i) => i !== a && i !== b);
  const strides = this.strides_.filter((_, i) => i !== a && i !== b);
  shape.push(diagSize);
  strides.push(this.strides_[a] + this.strides_[b]);
  const inputShape = this.shape;
  return makeView(this, shape, strides, start, {
    name: 'DiagonalBackward0',
    backward: ([g]) => [embedIntoZeros(g as Tensor, inputShape, (z) => z.diagonal(offset, dim1, dim2), { name: 'DiagonalBackwardBackward0' })],
  });
};

function checkAsStrided(self: Tensor, size: readonly number[], stride: readonly number[], offset: number): void {
  if (size.length !== stride.length) throw new Error('mismatch in length of strides and shape');
  if (stride.some((s) => s < 0)) throw new Error(`as_strided: Negative strides are not supported at the moment, got strides: ${shapeStr(stride)}`);
  if (size.some((s) => s < 0)) throw new Error(`Storage size calculation overflowed with sizes=${shapeStr(size)} and strides=${shapeStr(stride)}`);
  if (offset < 0) throw new Error(`Tensor: invalid storage offset ${offset}`);
  if (numelOf(size) === 0) return;
  const last = offset + size.reduce((acc, s, i) => acc + (s - 1) * stride[i], 0);
  const itemSize = self.dtype.itemSize;
  if (last >= self.storage_.length) {
    throw new Error(
      `setStorage: sizes ${shapeStr(size)}, strides ${shapeStr(stride)}, storage offset ${offset}, and itemsize ${itemSize} requiring a storage size of ${(last + 1) * itemSize} are out of bounds for storage of size ${self.storage_.length * itemSize}`,
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
    const flat = embedIntoZeros(g as Tensor, [storageLength], (z) => z.asStrided(size, stride, offset), { accumulate: true });
    return [flat.asStrided(inShape, inStrides, inOffset)];
  };
}

Tensor.prototype.asStrided = function (this: Tensor, sizeArg: readonly number[], strideArg: readonly number[], storageOffset?: number): Tensor {
  const size = intListArg(sizeArg, 'as_strided', 'size', 1);
  const stride = intListArg(strideArg, 'as_strided', 'stride', 2);
  const offset = storageOffset ?? this.offset_;
  intArg(offset, 'as_strided', 'storage_offset', 3);
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
  );
};

// ---- copies: clone, contiguous, to ----

/** PyTorch's is_non_overlapping_and_dense: the strides, sorted, tile the elements exactly. */
function isNonOverlappingAndDense(shape: readonly number[], strides: readonly number[]): boolean {
  const dims = shape.map((_, i) => i).filter((i) => shape[i] >= 2);
  dims.sort((a, b) => strides[a] - strides[b]);
  let expected = 1;
  for (const d of dims) {
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** A new tensor holding `data` (contiguous, of `dtype`) laid out like `like` when `format` allows. */
function withLayoutOf(like: Tensor, data: ArrayLike<Element>, dtype: DType, format: MemoryFormat): Tensor {
  if (format === 'contiguous' || like.isContiguous() || !isNonOverlappingAndDense(like.shape_, like.strides_)) {
    return Tensor.fromData(data as never, like.shape_, dtype);
  }
  const storage = allocate(dtype, like.numel());
  scatter(data as never, { data: storage, strides: like.strides_, offset: 0 }, like.shape_);
  return new Tensor(new Storage(storage), like.shape, like.stride(), 0, dtype);
}

function cloneImpl(self: Tensor, format: MemoryFormat): Tensor {
  const data = allocate(self.dtype, self.numel());
  gather({ data: self.storage_.data, strides: self.strides_, offset: self.offset_ }, self.shape_, data);
  const out = withLayoutOf(self, data, self.dtype, format);
  record({ name: 'CloneBackward0', inputs: [self], outputs: [out], backward: ([g]) => [g] });
  return out;
}

Tensor.prototype.clone = function (this: Tensor, options?: { memoryFormat?: MemoryFormat }): Tensor {
  const format = optionsArg(options, 'clone').memoryFormat ?? 'preserve';
  if (format !== 'preserve' && format !== 'contiguous') {
    throw new TypeError(`clone(): memoryFormat must be 'preserve' or 'contiguous', not ${String(format)}`);
  }
  return cloneImpl(this, format);
};

Tensor.prototype.contiguous = function (this: Tensor): Tensor {
  return this.isContiguous() ? this : cloneImpl(this, 'contiguous');
};

Tensor.prototype.to = function (this: Tensor, dtype: DType): Tensor {
  if (!(dtype instanceof DType)) throw new TypeError(`to() received an invalid combination of arguments - got (${pyTypeName(dtype)})`);
  if (dtype === this.dtype) return this;
  const out = withLayoutOf(this, castTensor(this, dtype).storage_.data, dtype, 'preserve');
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

// ---- atleast_nd ----

/** `torch.atleast_1d`: 0-dim tensors become shape [1]; others are returned as they are. */
export function atleast1d(input: Tensor): Tensor {
  checkTensor(input, 'atleast_1d');
  return input.dim() === 0 ? input.reshape([1]) : input;
}

/** `torch.atleast_2d`: 0-dim to [1, 1], 1-dim [n] to [1, n]. */
export function atleast2d(input: Tensor): Tensor {
  checkTensor(input, 'atleast_2d');
  if (input.dim() === 0) return input.reshape([1, 1]);
  return input.dim() === 1 ? input.unsqueeze(0) : input;
}

/** `torch.atleast_3d`: 0-dim to [1, 1, 1], [n] to [1, n, 1], [m, n] to [m, n, 1]. */
export function atleast3d(input: Tensor): Tensor {
  checkTensor(input, 'atleast_3d');
  switch (input.dim()) {
    case 0:
      return input.reshape([1, 1, 1]);
    case 1:
      return input.unsqueeze(0).unsqueeze(-1);
    case 2:
      return input.unsqueeze(-1);
    default:
      return input;
  }
}

// ---- torch.* functions ----

export function reshape(input: Tensor, shape: readonly number[]): Tensor {
  checkTensor(input, 'reshape');
  return input.reshape(shape);
}

export function flatten(input: Tensor, startDim?: number, endDim?: number): Tensor {
  checkTensor(input, 'flatten');
  return input.flatten(startDim, endDim);
}

export function unflatten(input: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor(input, 'unflatten');
  return input.unflatten(dim, sizes);
}

export function permute(input: Tensor, dims: readonly number[]): Tensor {
  checkTensor(input, 'permute');
  return input.permute(dims);
}

export function transpose(input: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(input, 'transpose');
  return input.transpose(dim0, dim1);
}
export { transpose as swapaxes, transpose as swapdims };

export function t(input: Tensor): Tensor {
  checkTensor(input, 't');
  return input.t();
}

export function movedim(input: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor(input, 'movedim');
  return input.movedim(source, destination);
}
export { movedim as moveaxis };

export function squeeze(input: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor(input, 'squeeze');
  return input.squeeze(dim);
}

export function unsqueeze(input: Tensor, dim: number): Tensor {
  checkTensor(input, 'unsqueeze');
  return input.unsqueeze(dim);
}

export function broadcastTo(input: Tensor, shape: readonly number[]): Tensor {
  checkTensor(input, 'broadcast_to');
  return input.broadcastTo(shape);
}

export function select(input: Tensor, dim: number, index: number): Tensor {
  checkTensor(input, 'select');
  return input.select(dim, index);
}

export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(input, 'narrow');
  return input.narrow(dim, start, length);
}

export function diagonal(input: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor {
  checkTensor(input, 'diagonal');
  return input.diagonal(offset, dim1, dim2);
}

export function asStrided(input: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  checkTensor(input, 'as_strided');
  return input.asStrided(size, stride, storageOffset);
}

export function clone(input: Tensor, options?: { memoryFormat?: MemoryFormat }): Tensor {
  checkTensor(input, 'clone');
  return input.clone(options);
}
