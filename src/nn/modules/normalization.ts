// BatchNorm1d/2d, LayerNorm, GroupNorm. Parameters and buffers keep PyTorch's names (weight, bias,
// running_mean, running_var, num_batches_tracked), so state dicts load in either library; camelCase
// accessors (runningMean, ...) read them.
import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import { int64, type DType } from '../../tensor/dtype.js';
import { ones, tensor, zeros } from '../../tensor/factory.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Module, pyBool, pyFloatRepr } from '../module.js';
import { Parameter } from '../parameter.js';
import { batchNorm, groupNorm, layerNorm } from '../../ops/normalization.js';
import { boolOption, dtypeOption, floatArg, intArg, intListArg, optionsArg } from '../../tensor/args.js';

/**
 * Registers a normalization's affine parameters: weight ones and bias zeros of `shape`, or None for
 * each one left out (bias alone: LayerNorm's bias=False), in PyTorch's order (weight, then bias).
 */
function registerAffine(module: Module, shape: readonly number[], dtype: DType | undefined, weight: boolean, bias: boolean): void {
  module.registerParameter('weight', weight ? new Parameter(ones([...shape], { dtype })) : null);
  module.registerParameter('bias', weight && bias ? new Parameter(zeros([...shape], { dtype })) : null);
}

/** Affine parameters back to weight 1, bias 0. */
function resetAffine(weight: Parameter | null, bias: Parameter | null): void {
  noGrad(() => {
    weight?.fill_(1);
    bias?.zero_();
  });
}

export interface BatchNormModuleOptions {
  eps?: number;
  /** Weight of the new batch in the running statistics; null: their cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel weight and bias. */
  affine?: boolean;
  /** Keep running statistics (used in eval mode); without them eval mode uses the batch's. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** PyTorch's _BatchNorm: the layer for inputs (N, C, ...) whose dims `checkInputDim` accepts. */
abstract class BatchNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, options?: BatchNormModuleOptions | null) {
    super();
    const fn = this.constructor.name;
    intArg(numFeatures, fn, 'num_features', 1);
    const o = optionsArg(options, fn);
    this.numFeatures = numFeatures;
    this.eps = floatArg(o.eps ?? 1e-5, fn, 'eps');
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum === null ? null : floatArg(o.momentum, fn, 'momentum');
    this.affine = boolOption(o.affine, fn, 'affine') ?? true;
    this.trackRunningStats = boolOption(o.trackRunningStats, fn, 'track_running_stats') ?? true;
    const dtype = dtypeOption(o.dtype, fn);
    registerAffine(this, [numFeatures], dtype, this.affine, true);
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', tensor(0n, { dtype: int64 }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
  }

  /** The buffer `running_mean` (null without running statistics). */
  get runningMean(): Tensor | null {
    return this._buffers.get('running_mean') ?? null;
  }

  /** The buffer `running_var`. */
  get runningVar(): Tensor | null {
    return this._buffers.get('running_var') ?? null;
  }

  /** The buffer `num_batches_tracked` (int64, 0-dim). */
  get numBatchesTracked(): Tensor | null {
    return this._buffers.get('num_batches_tracked') ?? null;
  }

  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    resetAffine(this.weight, this.bias);
  }

  /** Throws PyTorch's ValueError for inputs of the wrong number of dims. */
  protected abstract checkInputDim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    // checkInputDim runs before batch_norm (as in PyTorch) and needs a tensor: batch_norm's own message.
    if (!(input instanceof Tensor)) throw new TypeError(`batch_norm(): argument 'input' (position 1) must be Tensor, not ${pyTypeName(input)}`);
    this.checkInputDim(input);
    let factor = this.momentum ?? 0.0;
    const tracked = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && tracked) {
      noGrad(() => tracked.add_(1));
      // Without momentum, the running statistics are the cumulative average of all batches.
      if (this.momentum === null) factor = 1 / tracked.item();
    }
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    // In training without tracking, the running statistics (if any) are left alone.
    const keepStats = !this.training || this.trackRunningStats;
    return batchNorm(input, keepStats ? this.runningMean : null, keepStats ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  /** State dicts without `num_batches_tracked` (PyTorch's before version 2) load with the current count. */
  protected override loadFromStateDict(
    stateDict: Map<string, Tensor>,
    prefix: string,
    missingKeys: string[],
    unexpectedKeys: string[],
    errorMsgs: string[],
  ): void {
    const key = `${prefix}num_batches_tracked`;
    let local = stateDict;
    if (this.trackRunningStats && !stateDict.has(key)) {
      local = new Map(stateDict);
      local.set(key, this.numBatchesTracked ?? tensor(0n, { dtype: int64 }));
    }
    super.loadFromStateDict(local, prefix, missingKeys, unexpectedKeys, errorMsgs);
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloatRepr(this.momentum);
    return `${this.numFeatures}, eps=${pyFloatRepr(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Batch normalisation of (N, C) or (N, C, L) inputs. */
export class BatchNorm1d extends BatchNorm {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3) throw new Error(`expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/** Batch normalisation of (N, C, H, W) inputs. */
export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(input: Tensor): void {
    if (input.dim() !== 4) throw new Error(`expected 4D input (got ${input.dim()}D input)`);
  }
}

export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight (and bias) of the normalised shape. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether there is a bias (PyTorch 2.1's `bias`). */
  bias?: boolean;
  dtype?: DType;
}

/** Normalises over the last dims (those of `normalizedShape`). */
export class LayerNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions | null) {
    super();
    const fn = 'LayerNorm';
    this.normalizedShape = intListArg(normalizedShape, fn, 'normalized_shape', 1, true);
    const o = optionsArg(options, fn);
    this.eps = floatArg(o.eps ?? 1e-5, fn, 'eps');
    this.elementwiseAffine = boolOption(o.elementwiseAffine, fn, 'elementwise_affine') ?? true;
    const bias = boolOption(o.bias, fn, 'bias') ?? true;
    registerAffine(this, this.normalizedShape, dtypeOption(o.dtype, fn), this.elementwiseAffine, bias);
  }

  resetParameters(): void {
    resetAffine(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    const shape = this.normalizedShape.length === 1 ? `(${this.normalizedShape[0]},)` : `(${this.normalizedShape.join(', ')})`;
    return `${shape}, eps=${pyFloatRepr(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

export interface GroupNormOptions {
  eps?: number;
  /** Learnable per-channel weight and bias. */
  affine?: boolean;
  dtype?: DType;
}

/** Normalises each sample over groups of `numChannels / numGroups` channels. */
export class GroupNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;

  constructor(numGroups: number, numChannels: number, options?: GroupNormOptions | null) {
    super();
    const fn = 'GroupNorm';
    intArg(numGroups, fn, 'num_groups', 1);
    intArg(numChannels, fn, 'num_channels', 2);
    const o = optionsArg(options, fn);
    if (numChannels % numGroups !== 0) throw new Error('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = floatArg(o.eps ?? 1e-5, fn, 'eps');
    this.affine = boolOption(o.affine, fn, 'affine') ?? true;
    registerAffine(this, [numChannels], dtypeOption(o.dtype, fn), this.affine, true);
  }

  resetParameters(): void {
    resetAffine(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloatRepr(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
