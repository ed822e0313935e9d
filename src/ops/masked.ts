// Ops driven by a boolean mask that broadcasts with the input: masked_fill, masked_select and
// masked_scatter (and the in-place forms).
import { bool } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, expandedStrides } from '../tensor/layout.js';
import { castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, zeros, type Scalar } from '../tensor/factory.js';
import { checkTensor } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { applyInplace } from './inplace.js';
import { cat } from './join.js';
import { record } from '../autograd/record.js';
import type { MaybeTensor } from '../autograd/node.js';
import { scalarOrTensor } from './index-args.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    maskedFill(mask: Tensor, value: Tensor | Scalar): Tensor;
    maskedFill_(mask: Tensor, value: Tensor | Scalar): this;
    maskedSelect(mask: Tensor): Tensor;
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    maskedScatter_(mask: Tensor, source: Tensor): this;
  }
}

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

// ---- torch.* functions ----

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
