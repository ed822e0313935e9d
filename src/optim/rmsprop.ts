// torch.optim.RMSprop: PyTorch 2.x's single-tensor algorithm, operation for operation.
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { tensor, zerosLike } from '../tensor/factory.js';
import { Optimizer, addcdiv_, addcmul_, checkOption, type ParamGroup, type Params } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params, options: Partial<RMSpropOptions> = {}) {
    const defaults: RMSpropOptions = {
      lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options,
    };
    checkOption(defaults.lr >= 0, 'learning rate', defaults.lr);
    checkOption(defaults.eps >= 0, 'epsilon value', defaults.eps);
    checkOption(defaults.momentum >= 0, 'momentum value', defaults.momentum);
    checkOption(defaults.weightDecay >= 0, 'weight_decay value', defaults.weightDecay);
    checkOption(defaults.alpha >= 0, 'alpha value', defaults.alpha);
    super(params, defaults);
  }

  protected updateGroup(group: ParamGroup & RMSpropOptions, params: Tensor[]): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const param of params) {
      const state = this.stateOf(param);
      if (state.step === undefined) {
        state.step = tensor(0, { dtype: float32 });
        state.squareAvg = zerosLike(param);
        if (momentum > 0) state.momentumBuffer = zerosLike(param);
        if (centered) state.gradAvg = zerosLike(param);
      }
      let grad = param.grad as Tensor;
      if (maximize) grad = grad.neg();
      state.step.add_(1);
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      const squareAvg = addcmul_(state.squareAvg.mul_(alpha), grad, grad, 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const gradAvg = state.gradAvg.lerp_(grad, 1 - alpha);
        avg = addcmul_(squareAvg.clone(), gradAvg, gradAvg, -1).sqrt_();
      } else {
        avg = squareAvg.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        addcdiv_(state.momentumBuffer.mul_(momentum), grad, avg, 1);
        param.add_(state.momentumBuffer, { alpha: -lr });
      } else {
        addcdiv_(param, grad, avg, -lr);
      }
    }
  }
}
