// matmul and torch.linalg.matmul: a composite of dot, mv, mm and bmm (linalg.ts) that follows PyTorch
// 2.x's decomposition step by step (LinearAlgebra.cpp's _matmul_impl), because the path taken decides
// the grad_fn of the result and which component op reports a shape or dtype error.
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, numelOf, viewStrides } from '../tensor/layout.js';
import { record } from '../autograd/record.js';
import { dotImpl, requireTensor } from './linalg.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    matmul(other: Tensor): Tensor;
  }
}

/** `_unsafe_view`: a reshape of a fresh result that is not a view for autograd. */
function unsafeView(t: Tensor, shape: readonly number[]): Tensor {
  const strides = viewStrides(t.shape_, t.strides_, shape) as number[];
  const out = t.aliasWithLayout([...shape], strides, t.offset_);
  const inputShape = t.shape;
  record({ name: 'UnsafeViewBackward0', inputs: [t], outputs: [out], backward: ([g]) => [(g as Tensor).reshape(inputShape)] });
  return out;
}

/** `t.squeeze_(0)` of a fresh result (matmul's 1-D @ 2-D path); its node is squeeze_.dim's. */
function squeezeFirstInPlace(t: Tensor): Tensor {
  const out = t.aliasWithLayout(t.shape_.slice(1), t.strides_.slice(1), t.offset_);
  record({ name: 'SqueezeBackward4', inputs: [t], outputs: [out], backward: ([g]) => [(g as Tensor).unsqueeze(0)] });
  return out;
}

/**
 * PyTorch's should_fold: whether an N-D (N >= 3) @ 1-D/2-D product (either order) becomes one mm/mv
 * on the N-D operand folded into a matrix, rather than a broadcast bmm.
 */
function shouldFold(t1: Tensor, t2: Tensor): boolean {
  const firstLarger = t1.dim() >= t2.dim();
  const large = firstLarger ? t1 : t2;
  const shape = [...large.shape_];
  const strides = [...large.strides_];
  if (!firstLarger) {
    // The larger operand is used transposed (t2.mT).
    const d = shape.length;
    [shape[d - 2], shape[d - 1]] = [shape[d - 1], shape[d - 2]];
    [strides[d - 2], strides[d - 1]] = [strides[d - 1], strides[d - 2]];
  }
  const smallDim = firstLarger ? t2.dim() : t1.dim();
  if (!(shape.length >= 3 && smallDim <= 2)) return false;
  // Folding keeps the backward of the small operand an mm instead of a batch of products summed
  // over a broadcast batch, even when the fold copies.
  if ((firstLarger ? t2 : t1).requiresGrad) return true;
  // A 2-D @ N-D fold would need the result transposed and copied.
  if (t1.dim() === 2) return false;
  if (numelOf(shape) === 0) return true;
  for (let i = 0; i < shape.length - 2; i++) {
    if (strides[i] !== strides[i + 1] * shape[i + 1]) return false;
  }
  return true;
}

export function matmul(input: Tensor, other: Tensor): Tensor {
  requireTensor(input, 'matmul', 'input', 1);
  requireTensor(other, 'matmul', 'other', 2);
  return matmulImpl(input, other);
}

function matmulImpl(t1: Tensor, t2: Tensor): Tensor {
  const d1 = t1.dim();
  const d2 = t2.dim();
  if (d1 === 0 || d2 === 0) throw new Error(`both arguments to matmul need to be at least 1D, but they are ${d1}D and ${d2}D`);
  if (d1 === 1 && d2 === 1) return dotImpl(t1, t2);
  if (d1 === 2 && d2 === 1) return t1.mv(t2);
  if (d1 === 1 && d2 === 2) return squeezeFirstInPlace(t1.unsqueeze(0).mm(t2));
  if (d1 === 2 && d2 === 2) return t1.mm(t2);
  if (shouldFold(t1, t2)) return foldedMatmul(t1, t2);
  return batchedMatmul(t1, t2);
}

/** The larger operand's batch dims folded into its rows: one mm (or mv), viewed back. */
function foldedMatmul(t1: Tensor, t2: Tensor): Tensor {
  const transpose = t2.dim() > t1.dim();
  const a = transpose ? t2.mT : t1;
  const b = !transpose ? t2 : t1.dim() === 2 ? t1.t() : t1;
  const sizes = a.shape_;
  const outputShape = sizes.slice(0, -1);
  const folded = a.reshape([numelOf(outputShape), sizes[sizes.length - 1]]);
  if (b.dim() === 2) {
    outputShape.push(b.shape_[1]);
    const output = unsafeView(folded.mm(b), outputShape);
    if (!transpose) return output;
    // PyTorch counts every empty tensor as contiguous, so contiguous() keeps the transposed view;
    // Tensor.isContiguous() does not yet (src/tensor/layout.ts isContiguousLayout).
    return output.numel() === 0 ? output.mT : output.mT.contiguous();
  }
  return unsafeView(folded.mv(b), outputShape);
}

/** Broadcast batch dims, flattened into one: a bmm. */
function batchedMatmul(t1: Tensor, t2: Tensor): Tensor {
  const d1 = t1.dim();
  const d2 = t2.dim();
  const n = d1 > 1 ? t1.shape_[d1 - 2] : 1;
  const m1 = t1.shape_[d1 - 1];
  const batch1 = t1.shape_.slice(0, Math.max(d1 - 2, 0));
  const m2 = d2 > 1 ? t2.shape_[d2 - 2] : t2.shape_[0];
  const p = d2 > 1 ? t2.shape_[d2 - 1] : 1;
  const batch2 = t2.shape_.slice(0, Math.max(d2 - 2, 0));
  // A batch of one that requires grad is squeezed, so that its gradient is not a broadcast bmm summed
  // over the batch (the same reason as in shouldFold).
  if (d1 === 3 && d2 === 3 && batch1[0] !== batch2[0]) {
    if (batch1[0] === 1 && t1.requiresGrad) return matmulImpl(t1.squeeze(0), t2);
    if (batch2[0] === 1 && t2.requiresGrad) return matmulImpl(t1, t2.squeeze(0));
  }
  const outputShape = broadcastShapes(batch1, batch2);
  const batch = numelOf(outputShape);
  const a = t1.expand([...outputShape, n, m1]).reshape([batch, n, m1]);
  const vectorRhs = d2 === 1;
  const bExpanded = t2.expand(vectorRhs ? [...outputShape, m2] : [...outputShape, m2, p]);
  const b = vectorRhs ? bExpanded.reshape([batch, m2]).unsqueeze(2) : bExpanded.reshape([batch, m2, p]);
  if (d1 > 1) outputShape.push(n);
  if (d2 > 1) outputShape.push(p);
  const product = a.bmm(b);
  return unsafeView(vectorRhs ? product.squeeze(-1) : product, outputShape);
}

/** torch.linalg.matmul: matmul, with argument errors that name linalg_matmul. */
export function linalgMatmul(input: Tensor, other: Tensor): Tensor {
  requireTensor(input, 'linalg_matmul', 'input', 1);
  requireTensor(other, 'linalg_matmul', 'other', 2);
  return matmulImpl(input, other);
}

// ---- methods ----

const proto = Tensor.prototype;
proto.matmul = function (this: Tensor, other: Tensor) {
  requireTensor(other, 'matmul', 'other', 1);
  return matmulImpl(this, other);
};
