// Loss layers: `forward(input, target)` applies the functional loss with the layer's settings. Class
// weights (and BCEWithLogitsLoss's pos_weight) are buffers, as in PyTorch: they follow `to()` and appear
// in the state dict.
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
import { boolOption, floatArg, intArg, optionalTensorArg, optionsArg, strOption } from '../../tensor/args.js';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, cosineEmbeddingLoss, crossEntropy, huberLoss, klDiv, l1Loss, mseLoss, nllLoss,
  smoothL1Loss, type KlReduction, type Reduction,
} from '../../ops/loss.js';

export interface LossModuleOptions {
  reduction?: Reduction;
}

export interface WeightedLossOptions extends LossModuleOptions {
  /** A weight per class (per element for BCELoss), kept as the buffer `weight`. */
  weight?: Tensor | null;
}

/** PyTorch's _Loss: the reduction every loss has. */
abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor(options?: LossModuleOptions | null) {
    super();
    const fn = this.constructor.name;
    // Its value is checked by the functional loss, as in PyTorch.
    this.reduction = (strOption(optionsArg(options, fn).reduction, fn, 'reduction') ?? 'mean') as Reduction;
  }
}

/** PyTorch's _WeightedLoss: a loss with an optional `weight` buffer. */
abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(options?: WeightedLossOptions | null) {
    super(options);
    this.registerBuffer('weight', optionalTensorArg(optionsArg(options, this.constructor.name).weight, this.constructor.name, 'weight'));
  }
}

/** The ignore_index option of a class loss (an int, -100 by default). */
function ignoreIndexOption(options: { ignoreIndex?: number } | null | undefined, fn: string): number {
  const ignoreIndex = optionsArg(options, fn).ignoreIndex ?? -100;
  intArg(ignoreIndex, fn, 'ignore_index');
  return ignoreIndex;
}

export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options?: (LossModuleOptions & { beta?: number }) | null) {
    super(options);
    this.beta = floatArg(optionsArg(options, 'SmoothL1Loss').beta ?? 1.0, 'SmoothL1Loss', 'beta');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options?: (LossModuleOptions & { delta?: number }) | null) {
    super(options);
    this.delta = floatArg(optionsArg(options, 'HuberLoss').delta ?? 1.0, 'HuberLoss', 'delta');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(options?: (WeightedLossOptions & { ignoreIndex?: number }) | null) {
    super(options);
    this.ignoreIndex = ignoreIndexOption(options, 'NLLLoss');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options?: (WeightedLossOptions & { ignoreIndex?: number; labelSmoothing?: number }) | null) {
    super(options);
    this.ignoreIndex = ignoreIndexOption(options, 'CrossEntropyLoss');
    this.labelSmoothing = floatArg(optionsArg(options, 'CrossEntropyLoss').labelSmoothing ?? 0.0, 'CrossEntropyLoss', 'label_smoothing');
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(options?: (WeightedLossOptions & { posWeight?: Tensor | null }) | null) {
    super(options);
    this.registerBuffer('pos_weight', optionalTensorArg(optionsArg(options, 'BCEWithLogitsLoss').posWeight, 'BCEWithLogitsLoss', 'pos_weight'));
  }

  /** The buffer `pos_weight`. */
  get posWeight(): Tensor | null {
    return this._buffers.get('pos_weight') ?? null;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

export class KLDivLoss extends Module {
  readonly reduction: KlReduction;
  readonly logTarget: boolean;

  constructor(options?: { reduction?: KlReduction; logTarget?: boolean } | null) {
    super();
    const o = optionsArg(options, 'KLDivLoss');
    this.reduction = (strOption(o.reduction, 'KLDivLoss', 'reduction') ?? 'mean') as KlReduction;
    this.logTarget = boolOption(o.logTarget, 'KLDivLoss', 'log_target') ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;

  constructor(options?: (LossModuleOptions & { margin?: number }) | null) {
    super(options);
    this.margin = floatArg(optionsArg(options, 'CosineEmbeddingLoss').margin ?? 0.0, 'CosineEmbeddingLoss', 'margin');
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
