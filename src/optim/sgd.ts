// torch.optim.SGD: PyTorch 2.x's single-tensor algorithm, operation for operation.
import { Tensor } from '../tensor/tensor.js';
import { Optimizer, checkOption, type ParamGroup, type Params } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params, options: Partial<SGDOptions> = {}) {
    const defaults: SGDOptions = {
      lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options,
    };
    checkOption(defaults.lr >= 0, 'learning rate', defaults.lr);
    checkOption(defaults.momentum >= 0, 'momentum value', defaults.momentum);
    checkOption(defaults.weightDecay >= 0, 'weight_decay value', defaults.weightDecay);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new Error('Nesterov momentum requires a momentum and zero dampening');
    }
    super(params, defaults);
  }

  protected updateGroup(group: ParamGroup & SGDOptions, params: Tensor[]): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const param of params) {
      let grad = param.grad as Tensor;
      if (maximize) grad = grad.neg();
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      if (momentum !== 0) {
        // PyTorch keeps state only when there is momentum.
        const state = this.stateOf(param);
        let buf = state.momentumBuffer;
        if (buf === undefined) {
          buf = grad.clone().detach();
          state.momentumBuffer = buf;
        } else {
          buf.mul_(momentum).add_(grad, { alpha: 1 - dampening });
        }
        grad = nesterov ? grad.add(buf, { alpha: momentum }) : buf;
      }
      param.add_(grad, { alpha: -lr });
    }
  }
}
