// Views onto part of the input: select, slice, narrow, unfold (sliding windows), diagonal and
// as_strided, whose gradients embed the incoming gradient into zeros of the input's shape; and the
// AsStridedBackward0 node that regenerates a view's grad_fn after an in-place change to its base.
import { Tensor } from '../tensor/tensor.js';
import { normalizeDim, numelOf, shapeStr } from '../tensor/layout.js';
import { checkTensor } from './elementwise.js';
import { OpNode, type BackwardFormula } from '../autograd/node.js';
import { lateBound } from '../tensor/late-bound.js';
import { intArg, intListArg } from '../tensor/args.js';
import { embedIntoZeros, makeView } from './view.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    /** `x[start:end:step]` along `dim` (ATen's `slice`); start and end are clamped like Python slicing. */
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    unfold(dimension: number, size: number, step: number): Tensor;
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
  }
}

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
  // Layouts are numbers: past 2**53 they no longer address elements exactly (PyTorch's are int64).
  const unsafe = [...size, ...stride, offset].find((v) => !Number.isSafeInteger(v));
  if (unsafe !== undefined) throw new Error(`as_strided: ${unsafe} is past 2**53, the largest tstorch can address exactly`);
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

// ---- torch.* functions ----

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
