// Joining tensors: cat and stack.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { normalizeDim, shapeStr } from '../tensor/layout.js';
import { emptyTensor } from '../tensor/factory.js';
import { scatter } from '../backends/js/strided.js';
import { asOperand, resultTypeOf } from './elementwise.js';
import { record } from '../autograd/record.js';
import { noGrad } from '../autograd/grad-mode.js';

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
  const out = emptyTensor(shape, dtype);
  let start = 0;
  for (const t of parts) {
    const region = out.aliasWithLayout(
      t.shape,
      out.strides_,
      start * out.strides_[d],
    );
    scatter(asOperand(t, dtype).contiguousData() as never, { data: out.storage_.data, strides: region.strides_, offset: region.offset_ }, region.shape_);
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
        return tensors[i].dim() === 1 && tensors[i].numel() === 0 ? null : (g as Tensor).narrow(d, begin, size);
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
