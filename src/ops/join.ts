// Joining and splitting tensors: cat, stack, hstack/vstack/dstack; split, chunk, unbind (multi-output views).
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { normalizeDim, numelOf, shapeStr } from '../tensor/layout.js';
import { emptyTensor, tensorOfShape, zeros } from '../tensor/factory.js';
import { asOperand, checkTensor, resultTypeOf } from './elementwise.js';
import { outputFloats, scatterElements } from './primitives.js';
import { atleast1d, atleast2d, atleast3d, makeMultiOutputViews, type ViewLayout } from './view.js';
import { record } from '../autograd/record.js';
import { intListArg } from '../tensor/args.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { MaybeTensor } from '../autograd/node.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Views of consecutive pieces along `dim`: of `splitSize` elements each (the last may be smaller), or of the given sizes. */
    split(splitSize: number | readonly number[], dim?: number): Tensor[];
    splitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
    /** `chunks` views of (nearly) equal size along `dim`; fewer when the size does not allow. */
    chunk(chunks: number, dim?: number): Tensor[];
    /** The slices along `dim` (views without that dim). */
    unbind(dim?: number): Tensor[];
  }
}

function checkTensorList(tensors: unknown, fn: string): asserts tensors is Tensor[] {
  if (!Array.isArray(tensors)) throw new TypeError(`${fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${pyTypeName(tensors)}`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${pyTypeName(t)} at index ${i}`);
    }
  });
}

/** Concatenates tensors along an existing dim (legacy empty 1-D tensors are skipped, as in PyTorch). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList(tensors, 'cat');
  if (tensors.length === 0) throw new Error('torch.cat(): expected a non-empty list of Tensors');
  const parts = tensors.filter((t) => !(t.dim() === 1 && t.numel() === 0));
  const dtype = resultTypeOf(...tensors);
  if (parts.length === 0) return emptyTensor([0], dtype);
  const ref = parts[0];
  if (ref.dim() === 0) throw new Error(`zero-dimensional tensor (at position ${tensors.indexOf(ref)}) cannot be concatenated`);
  const d = normalizeDim(dim, ref.dim());
  parts.forEach((t, i) => {
    if (t.dim() !== ref.dim()) {
      throw new Error(`Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`);
    }
    t.shape_.forEach((s, k) => {
      if (k !== d && s !== ref.shape_[k]) {
        throw new Error(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape_[k]} but got size ${s} for tensor number ${tensors.indexOf(parts[i])} in the list.`);
      }
    });
  });
  const shape = [...ref.shape_];
  shape[d] = parts.reduce((acc, t) => acc + t.shape_[d], 0);
  // Every element is written below: a float output may come unzeroed from the backend.
  const out = dtype.isFloatingPoint ? tensorOfShape(outputFloats(dtype, numelOf(shape)), shape, dtype) : emptyTensor(shape, dtype);
  let start = 0;
  for (const t of parts) {
    const region = out.aliasWithLayout(
      t.shape,
      out.strides_,
      start * out.strides_[d],
    );
    scatterElements(asOperand(t, dtype).contiguousElements(), { data: out.storage_.data, strides: region.strides_, offset: region.offset_ }, region.shape_);
    start += t.shape_[d];
  }
  const sizes = tensors.map((t) => (t.dim() === 1 && t.numel() === 0 ? 0 : t.shape_[d]));
  record({
    name: 'CatBackward0',
    inputs: tensors,
    outputs: [out],
    backward: ([g], _s, needs) => {
      let offset = 0;
      return sizes.map((size, i) => {
        const begin = offset;
        offset += size;
        if (!needs[i]) return null;
        // Skipped legacy empty inputs get an empty gradient, as PyTorch's cat_tensors_backward.
        return tensors[i].dim() === 1 && tensors[i].numel() === 0 ? emptyTensor([0], (g as Tensor).dtype) : (g as Tensor).narrow(d, begin, size);
      });
    },
  });
  return out;
}

/** Stacks same-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList(tensors, 'stack');
  if (tensors.length === 0) throw new Error('stack expects a non-empty TensorList');
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (shapeStr(t.shape_) !== shapeStr(ref.shape_)) {
      throw new Error(`stack expects each tensor to be equal size, but got ${shapeStr(ref.shape_)} at entry 0 and ${shapeStr(t.shape_)} at entry ${i}`);
    }
  });
  const d = normalizeDim(dim, ref.dim() + 1, false);
  const out = noGrad(() => cat(tensors.map((t) => t.unsqueeze(d)), d));
  record({
    name: 'StackBackward0',
    inputs: tensors,
    outputs: [out],
    backward: ([g], _s, needs) => tensors.map((_, i) => (needs[i] ? (g as Tensor).select(d, i) : null)),
  });
  return out;
}

/** Tensors of fewer dims are first made `atleast`-dimensional, as `torch.hstack`/`vstack`/`dstack`. */
function stackAlong(tensors: readonly Tensor[], fn: string, atleast: (t: Tensor) => Tensor, dimOf: (first: Tensor) => number): Tensor {
  checkTensorList(tensors, fn);
  if (tensors.length === 0) throw new Error(`${fn} expects a non-empty TensorList`);
  const parts = tensors.map(atleast);
  return cat(parts, dimOf(parts[0]));
}

/** Concatenates along dim 1 (dim 0 for 1-D inputs), after making inputs at least 1-D. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  return stackAlong(tensors, 'hstack', atleast1d, (first) => (first.dim() === 1 ? 0 : 1));
}

/** Concatenates along dim 0 after making inputs at least 2-D (rows). */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return stackAlong(tensors, 'vstack', atleast2d, () => 0);
}
export { vstack as rowStack };

/** Concatenates along dim 2 after making inputs at least 3-D. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return stackAlong(tensors, 'dstack', atleast3d, () => 2);
}

// ---- split, chunk, unbind ----

/** The gradients of pieces of the input, with zeros for pieces that got none. */
function fillMissing(grads: MaybeTensor[], layouts: readonly ViewLayout[], like: Tensor): Tensor[] {
  return grads.map((g, i) => g ?? zeros([...layouts[i].shape], { dtype: like.dtype }));
}

/** Views of consecutive pieces of `sizes` along `d`, as one multi-output node. */
function splitViews(self: Tensor, d: number, sizes: readonly number[], name: string): Tensor[] {
  let start = 0;
  const layouts = sizes.map((length) => {
    const shape = [...self.shape_];
    shape[d] = length;
    const layout = { shape, strides: self.stride(), offset: self.offset_ + start * self.strides_[d] };
    start += length;
    return layout;
  });
  return makeMultiOutputViews(self, layouts, {
    name,
    backward: (grads) => [cat(fillMissing(grads, layouts, grads.find((g) => g !== null) as Tensor), d)],
  });
}

function checkSplittable(self: Tensor): void {
  if (self.dim() === 0) throw new Error('split expects at least a 1-dimensional tensor');
}

Tensor.prototype.split = function (this: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  if (Array.isArray(splitSize)) return this.splitWithSizes(splitSize, dim);
  const size = splitSize as number;
  if (!Number.isInteger(size)) {
    throw new TypeError(`split(): argument 'split_size' (position 1) must be int or list of ints, not ${pyTypeName(size)}`);
  }
  checkSplittable(this);
  const d = normalizeDim(dim, this.dim());
  const dimSize = this.shape_[d];
  if (size < 0) throw new Error(`split expects split_size be non-negative, but got split_size=${size}`);
  if (size === 0 && dimSize !== 0) throw new Error(`split_size can only be 0 if dimension size is 0, but got dimension size of ${dimSize}`);
  // At least one piece, even when split_size exceeds the size (kept by PyTorch for compatibility).
  const count = size === 0 ? 1 : Math.max(Math.ceil(dimSize / size), 1);
  const sizes = Array.from({ length: count }, (_, i) => (i < count - 1 ? size : size - (size * count - dimSize)));
  return splitViews(this, d, sizes, 'SplitBackward0');
};

Tensor.prototype.splitWithSizes = function (this: Tensor, sizes: readonly number[], dim = 0): Tensor[] {
  const splitSizes = intListArg(sizes, 'split_with_sizes', 'split_sizes', 1);
  checkSplittable(this);
  const d = normalizeDim(dim, this.dim());
  const dimSize = this.shape_[d];
  if (splitSizes.some((s) => s < 0)) {
    throw new Error(`split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${shapeStr(splitSizes)}`);
  }
  const total = splitSizes.reduce((a, b) => a + b, 0);
  if (total !== dimSize) {
    throw new Error(
      `split_with_sizes expects split_sizes to sum exactly to ${dimSize} (input tensor's size at dimension ${dim}), but got split_sizes=${shapeStr(splitSizes)}`,
    );
  }
  return splitViews(this, d, splitSizes, 'SplitWithSizesBackward0');
};

Tensor.prototype.chunk = function (this: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks)) throw new TypeError(`chunk(): argument 'chunks' (position 1) must be int, not ${pyTypeName(chunks)}`);
  if (this.dim() === 0) throw new Error('chunk expects at least a 1-dimensional tensor');
  if (chunks <= 0) throw new Error(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const dimSize = this.size(dim);
  const splitSize = Math.ceil(dimSize / chunks);
  // An empty dim still gives `chunks` (empty) pieces, through split_with_sizes.
  if (splitSize === 0 && dimSize === 0) return this.splitWithSizes(new Array<number>(chunks).fill(0), dim);
  return this.split(splitSize, dim);
};

Tensor.prototype.unbind = function (this: Tensor, dim = 0): Tensor[] {
  if (this.dim() === 0) throw new Error(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = normalizeDim(dim, this.dim());
  const shape = this.shape_.filter((_, k) => k !== d);
  const strides = this.strides_.filter((_, k) => k !== d);
  const layouts = Array.from({ length: this.shape_[d] }, (_, i) => ({ shape, strides, offset: this.offset_ + i * this.strides_[d] }));
  return makeMultiOutputViews(this, layouts, {
    name: 'UnbindBackward0',
    backward: (grads) => [stack(fillMissing(grads, layouts, grads.find((g) => g !== null) as Tensor), d)],
  });
};

export function split(input: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  checkTensor(input, 'split');
  return input.split(splitSizeOrSections, dim);
}

export function chunk(input: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor(input, 'chunk');
  return input.chunk(chunks, dim);
}

export function unbind(input: Tensor, dim = 0): Tensor[] {
  checkTensor(input, 'unbind');
  return input.unbind(dim);
}
