// Loss layers: `forward(input, target)` applies the functional loss with the layer's settings. Class
// weights (and BCEWithLogitsLoss's pos_weight) are buffers, as in PyTorch: they follow `to()` and appear
// in the state dict.
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';
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

  constructor(options: LossModuleOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }
}

/** PyTorch's _WeightedLoss: a loss with an optional `weight` buffer. */
abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;

  constructor(options: WeightedLossOptions = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
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

  constructor(options: LossModuleOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1.0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: LossModuleOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1.0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(options: WeightedLossOptions & { ignoreIndex?: number } = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: WeightedLossOptions & { ignoreIndex?: number; labelSmoothing?: number } = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0.0;
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
  constructor(options: WeightedLossOptions & { posWeight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
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

  constructor(options: { reduction?: KlReduction; logTarget?: boolean } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.logTarget = options.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;

  constructor(options: LossModuleOptions & { margin?: number } = {}) {
    super(options);
    this.margin = options.margin ?? 0.0;
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
