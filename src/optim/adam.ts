// torch.optim.Adam and AdamW: PyTorch 2.x's single-tensor algorithm, operation for operation.
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { tensor, zerosLike } from '../tensor/factory.js';
import { maximum } from '../ops/binary.js';
import { Optimizer, addcdiv_, addcmul_, checkOption, type ParamGroup, type ParamState, type Params } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function checkAdamOptions(o: AdamOptions): void {
  checkOption(o.lr >= 0, 'learning rate', o.lr);
  checkOption(o.eps >= 0, 'epsilon value', o.eps);
  checkOption(o.betas[0] >= 0 && o.betas[0] < 1, 'beta parameter at index 0', o.betas[0]);
  checkOption(o.betas[1] >= 0 && o.betas[1] < 1, 'beta parameter at index 1', o.betas[1]);
  checkOption(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
}

/** Adam's update of one parameter; `decoupled` is AdamW's weight decay (applied to the parameter). */
function adamUpdate(param: Tensor, state: ParamState, group: AdamOptions, decoupled: boolean): void {
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
  let grad = param.grad as Tensor;
  if (maximize) grad = grad.neg();
  const stepT = state.step;
  stepT.add_(1);
  if (decoupled) param.mul_(1 - lr * weightDecay);
  else if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
  state.expAvg.lerp_(grad, 1 - beta1);
  addcmul_(state.expAvgSq.mul_(beta2), grad, grad, 1 - beta2);
  const step = stepT.item();
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let second = state.expAvgSq;
  if (amsgrad) {
    state.maxExpAvgSq.copy_(maximum(state.maxExpAvgSq, state.expAvgSq));
    second = state.maxExpAvgSq;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
  addcdiv_(param, state.expAvg, denom, -stepSize);
}

function initState(param: Tensor, state: ParamState, amsgrad: boolean): void {
  if (state.step !== undefined) return;
  state.step = tensor(0, { dtype: float32 });
  state.expAvg = zerosLike(param);
  state.expAvgSq = zerosLike(param);
  if (amsgrad) state.maxExpAvgSq = zerosLike(param);
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params, options: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options };
    checkAdamOptions(defaults);
    super(params, defaults);
  }

  protected updateGroup(group: ParamGroup & AdamOptions, params: Tensor[]): void {
    for (const p of params) {
      const state = this.stateOf(p);
      initState(p, state, group.amsgrad);
      adamUpdate(p, state, group, false);
    }
  }
}

/** AdamW: Adam with decoupled weight decay (default 1e-2). */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params, options: Partial<AdamOptions> = {}) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options };
    checkAdamOptions(defaults);
    super(params, defaults);
  }

  protected updateGroup(group: ParamGroup & AdamOptions, params: Tensor[]): void {
    for (const p of params) {
      const state = this.stateOf(p);
      initState(p, state, group.amsgrad);
      adamUpdate(p, state, group, true);
    }
  }
}
