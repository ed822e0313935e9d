// torch.optim.Adagrad: PyTorch 2.x's single-tensor algorithm, operation for operation.
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { fullLike, tensor } from '../tensor/factory.js';
import { Optimizer, addcdiv_, addcmul_, checkOption, type ParamGroup, type ParamState, type Params } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params, options: Partial<AdagradOptions> = {}) {
    const defaults: AdagradOptions = {
      lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options,
    };
    checkOption(defaults.lr >= 0, 'learning rate', defaults.lr);
    checkOption(defaults.lrDecay >= 0, 'lr_decay value', defaults.lrDecay);
    checkOption(defaults.weightDecay >= 0, 'weight_decay value', defaults.weightDecay);
    checkOption(defaults.initialAccumulatorValue >= 0, 'initial_accumulator_value value', defaults.initialAccumulatorValue);
    checkOption(defaults.eps >= 0, 'epsilon value', defaults.eps);
    super(params, defaults);
    // Unlike the other optimizers, Adagrad creates its state up front (PyTorch does too).
    for (const group of this.paramGroups) for (const p of group.params) this.initState(p, group);
  }

  private initState(p: Tensor, group: AdagradOptions): ParamState {
    const state = this.stateOf(p);
    if (state.step === undefined) {
      state.step = tensor(0, { dtype: float32 });
      state.sum = fullLike(p, group.initialAccumulatorValue);
    }
    return state;
  }

  protected updateGroup(group: ParamGroup & AdagradOptions, params: Tensor[]): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const param of params) {
      const state = this.initState(param, group);
      state.step.add_(1);
      const step = state.step.item();
      let grad = param.grad as Tensor;
      if (maximize) grad = grad.neg();
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      const clr = lr / (1 + (step - 1) * lrDecay);
      addcmul_(state.sum, grad, grad, 1);
      const std = state.sum.sqrt().add_(eps);
      addcdiv_(param, grad, std, -clr);
    }
  }
}
