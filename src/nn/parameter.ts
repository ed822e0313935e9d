// nn.Parameter: a leaf tensor that a Module registers as one of its parameters when assigned to it.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { empty } from '../tensor/factory.js';

export class Parameter extends Tensor {
  /**
   * `new nn.Parameter(data, requiresGrad = true)`: shares `data`'s storage and version counter (as
   * `data.detach()` does). It requires grad even when built under `noGrad`, as PyTorch's.
   */
  constructor(data?: Tensor | null, requiresGrad = true) {
    const source = data ?? empty(0);
    if (!(source instanceof Tensor)) {
      throw new TypeError(`Parameter(): argument 'data' (position 1) must be Tensor, not ${pyTypeName(source)}`);
    }
    super(source.storage_, [...source.shape_], [...source.strides_], source.offset_, source.dtype_, source.versionCounter);
    this.inference = source.inference;
    this.requiresGrad_(requiresGrad);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** PyTorch's torch.typename: `torch.FloatTensor` for tensors, the class name otherwise. */
export function typename(value: unknown): string {
  if (value instanceof Tensor) return value.dtype.legacyName;
  return pyTypeName(value);
}
