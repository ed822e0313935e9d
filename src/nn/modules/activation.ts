// Activation layers: each holds its settings and applies the functional form. Constructor arguments
// follow PyTorch's positional order (`new nn.LeakyReLU(0.2, true)`); reprs are PyTorch's.
import type { Tensor } from '../../tensor/tensor.js';
import { warn } from '../../tensor/warnings.js';
import { Module, pyFloatRepr } from '../module.js';
import { boolOption, intArg, scalarArg, strOption } from '../../tensor/args.js';
import { relu, sigmoid, tanh } from '../../ops/pointwise.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import { celu, elu, gelu, hardtanh, leakyRelu, logsigmoid, mish, relu6, selu, silu, softplus, type GeluApproximate } from '../../ops/activation.js';

/** `inplace=True` in a repr, after other settings (`, inplace=True`) or alone. */
function inplaceRepr(inplace: boolean, alone = false): string {
  if (!inplace) return '';
  return alone ? 'inplace=True' : ', inplace=True';
}

export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
    boolOption(inplace, 'ReLU', 'inplace', 1);
  }

  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : relu(input);
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

export class LeakyReLU extends Module {
  constructor(
    readonly negativeSlope = 0.01,
    readonly inplace = false,
  ) {
    super();
    scalarArg(negativeSlope, 'LeakyReLU', 'negative_slope', 1);
    boolOption(inplace, 'LeakyReLU', 'inplace', 2);
  }

  override forward(input: Tensor): Tensor {
    return leakyRelu(input, this.negativeSlope, this.inplace);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloatRepr(this.negativeSlope)}${inplaceRepr(this.inplace)}`;
  }
}

export class ELU extends Module {
  constructor(
    readonly alpha = 1.0,
    readonly inplace = false,
  ) {
    super();
    scalarArg(alpha, 'ELU', 'alpha', 1);
    boolOption(inplace, 'ELU', 'inplace', 2);
  }

  override forward(input: Tensor): Tensor {
    return elu(input, this.alpha, this.inplace);
  }

  override extraRepr(): string {
    return `alpha=${pyFloatRepr(this.alpha)}${inplaceRepr(this.inplace)}`;
  }
}

export class CELU extends Module {
  constructor(
    readonly alpha = 1.0,
    readonly inplace = false,
  ) {
    super();
    scalarArg(alpha, 'CELU', 'alpha', 1);
    boolOption(inplace, 'CELU', 'inplace', 2);
  }

  override forward(input: Tensor): Tensor {
    return celu(input, this.alpha, this.inplace);
  }

  override extraRepr(): string {
    return `alpha=${pyFloatRepr(this.alpha)}${inplaceRepr(this.inplace)}`;
  }
}

export class SELU extends Module {
  constructor(readonly inplace = false) {
    super();
    boolOption(inplace, 'SELU', 'inplace', 1);
  }

  override forward(input: Tensor): Tensor {
    return selu(input, this.inplace);
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

export class GELU extends Module {
  constructor(readonly approximate: GeluApproximate = 'none') {
    super();
    // Its value is checked by F.gelu, as in PyTorch.
    strOption(approximate, 'GELU', 'approximate', 1);
  }

  override forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class SiLU extends Module {
  constructor(readonly inplace = false) {
    super();
    boolOption(inplace, 'SiLU', 'inplace', 1);
  }

  override forward(input: Tensor): Tensor {
    return silu(input, this.inplace);
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

export class Mish extends Module {
  constructor(readonly inplace = false) {
    super();
    boolOption(inplace, 'Mish', 'inplace', 1);
  }

  override forward(input: Tensor): Tensor {
    return mish(input, this.inplace);
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

/** PyTorch 2.x's defaults are the floats 1.0 and 20.0 (`Softplus(beta=1.0, threshold=20.0)`). */
export class Softplus extends Module {
  constructor(
    readonly beta = 1.0,
    readonly threshold = 20.0,
  ) {
    super();
    scalarArg(beta, 'Softplus', 'beta', 1);
    scalarArg(threshold, 'Softplus', 'threshold', 2);
  }

  override forward(input: Tensor): Tensor {
    return softplus(input, this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${pyFloatRepr(this.beta)}, threshold=${pyFloatRepr(this.threshold)}`;
  }
}

export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1.0,
    readonly maxVal = 1.0,
    readonly inplace = false,
  ) {
    super();
    scalarArg(minVal, 'Hardtanh', 'min_val', 1);
    scalarArg(maxVal, 'Hardtanh', 'max_val', 2);
    boolOption(inplace, 'Hardtanh', 'inplace', 3);
    // PyTorch asserts this (an AssertionError without a message).
    if (!(maxVal > minVal)) throw new Error(`Hardtanh: max_val (${pyFloatRepr(maxVal)}) must be greater than min_val (${pyFloatRepr(minVal)})`);
  }

  override forward(input: Tensor): Tensor {
    return hardtanh(input, this.minVal, this.maxVal, this.inplace);
  }

  override extraRepr(): string {
    return `min_val=${pyFloatRepr(this.minVal)}, max_val=${pyFloatRepr(this.maxVal)}${inplaceRepr(this.inplace)}`;
  }
}

/** Hardtanh(0, 6) with its own repr (`ReLU6()`). */
export class ReLU6 extends Module {
  constructor(readonly inplace = false) {
    super();
    boolOption(inplace, 'ReLU6', 'inplace', 1);
  }

  override forward(input: Tensor): Tensor {
    return relu6(input, this.inplace);
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return logsigmoid(input);
  }
}

/** F.softmax's choice of dim when none is given (deprecated in PyTorch, with this warning). */
function implicitDim(name: string, ndim: number): number {
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

export class Softmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
    if (dim !== null) intArg(dim, 'Softmax', 'dim', 1);
  }

  override forward(input: Tensor): Tensor {
    return softmax(input, this.dim ?? implicitDim('softmax', input.dim()));
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
    if (dim !== null) intArg(dim, 'LogSoftmax', 'dim', 1);
  }

  override forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim ?? implicitDim('log_softmax', input.dim()));
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
