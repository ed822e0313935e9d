// View ops: results share storage and the version counter with their input (PyTorch's aliasing
// ops). This file holds what every view op builds on (makeView, multi-output views, the gradient that
// embeds into zeros, alias) and the views that only change the shape: view/reshape/flatten/unflatten,
// expand, squeeze/unsqueeze and atleast_nd. Dim permutations are in permute.ts, views onto part of the
// input (select, slice, narrow, unfold, diagonal, as_strided) in slicing.ts, and clone, contiguous and
// dtype conversion, which copy, in clone.ts.
import { DType } from '../tensor/dtype.js';
import { Tensor, type ViewCreation } from '../tensor/tensor.js';
import { contiguousStrides, inferSize, normalizeDim, numelOf, shapeStr, viewStrides } from '../tensor/layout.js';
import { emptyTensor } from '../tensor/factory.js';
import { scatter, elementOffsets } from '../backends/js/strided.js';
import { checkTensor } from './elementwise.js';
import { isGradEnabled, isInferenceModeEnabled } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import type { BackwardFormula } from '../autograd/node.js';
import { intListArg, varargsIntList } from '../tensor/args.js';
import { reductionDims, sumTo } from './reduce.js';
import { cloneImpl } from './clone.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    view(...shape: number[] | [readonly number[]]): Tensor;
    viewAs(other: Tensor): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    reshapeAs(other: Tensor): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    expand(...sizes: number[] | [readonly number[]]): Tensor;
    expandAs(other: Tensor): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
  }
}

export type ShapeArgs = number[] | [readonly number[]];

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
