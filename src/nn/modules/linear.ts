// Linear, Bilinear, Identity, Flatten, Unflatten.
import { pyTypeName, type Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { empty } from '../../tensor/factory.js';
import { Module, pyBool } from '../module.js';
import { Parameter } from '../parameter.js';
import { boolOption, dtypeOption, intArg, optionsArg } from '../../tensor/args.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { bilinear, linear } from '../functional-core.js';
import { checkTensor } from '../../ops/elementwise.js';

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
}

/** The last argument of Linear/Bilinear (`fn`): PyTorch's positional `bias`, or the keyword options. */
function linearOptions(arg: boolean | LinearOptions | null | undefined, fn: string): { bias: boolean; dtype: DType | undefined } {
  const o = typeof arg === 'boolean' ? { bias: arg } : optionsArg(arg, fn);
  return { bias: boolOption(o.bias, fn, 'bias') ?? true, dtype: dtypeOption(o.dtype, fn) };
}

/** `y = x Wᵀ + b`. Weight (out, in) ~ kaiming_uniform_(a=√5), bias ~ U(-1/√in, 1/√in), as PyTorch. */
export class Linear extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  /** `new Linear(in, out)`, `new Linear(in, out, false)` or `new Linear(in, out, { bias: false, dtype })`. */
  constructor(inFeatures: number, outFeatures: number, options?: boolean | LinearOptions | null) {
    super();
    const o = linearOptions(options, 'Linear');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype: o.dtype }));
    if (o.bias) this.bias = new Parameter(empty([outFeatures], { dtype: o.dtype }));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** `y = x1ᵀ A x2 + b`. Weight (out, in1, in2) and bias ~ U(-1/√in1, 1/√in1), as PyTorch. */
export class Bilinear extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options?: boolean | LinearOptions | null) {
    super();
    const o = linearOptions(options, 'Bilinear');
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype: o.dtype }));
    if (o.bias) this.bias = new Parameter(empty([outFeatures], { dtype: o.dtype }));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    uniform_(this.weight, -bound, bound);
    if (this.bias !== null) uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input; any constructor arguments are ignored, as in PyTorch. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input;
  }
}

/** `input.flatten(startDim, endDim)`. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    intArg(startDim, 'Flatten', 'start_dim', 1);
    intArg(endDim, 'Flatten', 'end_dim', 2);
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(input: Tensor): Tensor {
    checkTensor(input, 'flatten');
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** `input.unflatten(dim, unflattenedSize)`. */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError('invalid argument type for dim parameter');
    if (!Array.isArray(unflattenedSize)) {
      throw new TypeError(`unflattened_size must be a tuple of ints, but found type ${pyTypeName(unflattenedSize)}`);
    }
    unflattenedSize.forEach((s: unknown, i) => {
      if (typeof s !== 'number' || !Number.isInteger(s)) {
        throw new TypeError(`unflattened_size must be tuple of ints, but found element of type ${pyTypeName(s)} at pos ${i}`);
      }
    });
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  override forward(input: Tensor): Tensor {
    checkTensor(input, 'unflatten');
    return input.unflatten(this.dim, this.unflattenedSize);
  }

  /** The size prints as the Python tuple PyTorch users pass. */
  override extraRepr(): string {
    const size = this.unflattenedSize.length === 1 ? `(${this.unflattenedSize[0]},)` : `(${this.unflattenedSize.join(', ')})`;
    return `dim=${this.dim}, unflattened_size=${size}`;
  }
}
