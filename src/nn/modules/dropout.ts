// Dropout layers: active in training mode, the identity in eval mode.
import type { Tensor } from '../../tensor/tensor.js';
import { Module, pyBool, pyFloatRepr } from '../module.js';
import { boolOption } from '../../tensor/args.js';
import { checkDropoutP, dropout, dropout1d, dropout2d, dropout3d } from '../functional-core.js';

/** PyTorch's _DropoutNd: the probability and in-place flag every dropout layer has. */
abstract class DropoutNd extends Module {
  readonly p: number;
  readonly inplace: boolean;

  constructor(p = 0.5, inplace = false) {
    super();
    checkDropoutP(p, this.constructor.name, 1);
    this.p = p;
    this.inplace = boolOption(inplace, this.constructor.name, 'inplace', 2) ?? false;
  }

  override extraRepr(): string {
    return `p=${pyFloatRepr(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/** Zeroes elements with probability p during training, scaling the others by 1/(1 - p). */
export class Dropout extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, { training: this.training, inplace: this.inplace });
  }
}

/** Zeroes whole channels of (N, C, L) or (C, L) inputs. */
export class Dropout1d extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return dropout1d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}

/** Zeroes whole channels of (N, C, H, W) inputs. */
export class Dropout2d extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}

/** Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs. */
export class Dropout3d extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return dropout3d(input, this.p, { training: this.training, inplace: this.inplace });
  }
}
