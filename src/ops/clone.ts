// The ops that copy rather than alias: clone, contiguous and dtype conversion (to, type, float,
// double, long, int, bool). A conversion to the same dtype returns the input itself, as in PyTorch.
import { DType, bool, float32, float64, int32, int64 } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { Storage, allocate, type Element } from '../tensor/storage.js';
import { gatherElements, scatterElements } from './primitives.js';
import { castTensor, checkTensor } from './elementwise.js';
import { record } from '../autograd/record.js';
import { optionsArg } from '../tensor/args.js';

/** `clone`'s layout: `'preserve'` keeps the strides of dense inputs (PyTorch's default), `'contiguous'` is row-major. */
export type MemoryFormat = 'preserve' | 'contiguous';

declare module '../tensor/tensor.js' {
  interface Tensor {
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
  scatterElements(data as never, { data: storage, strides: like.strides_, offset: 0 }, like.shape_);
  return new Tensor(new Storage(storage), like.shape, like.stride(), 0, dtype);
}

export function cloneImpl(self: Tensor, format: MemoryFormat): Tensor {
  const data = allocate(self.dtype, self.numel());
  gatherElements({ data: self.storage_.readData(), strides: self.strides_, offset: self.offset_ }, self.shape_, data);
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

// ---- torch.* functions ----

export function clone(input: Tensor, options?: { memoryFormat?: MemoryFormat }): Tensor {
  checkTensor(input, 'clone');
  return input.clone(options);
}
