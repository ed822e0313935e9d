// torch.optim.Adagrad: PyTorch 2.x's single-tensor algorithm, operation for operation (fused into one
// loop over the typed arrays where fused.ts allows).
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { fullLike, tensor } from '../tensor/factory.js';
import { Optimizer, addcdiv_, addcmul_, checkOption, type ParamGroup, type ParamState, type Params } from './optimizer.js';
import { bumpVersion, fusedArrays, f32, gradSign } from './fused.js';
import { activeBackend } from '../backends/registry.js';
import type { AdagradConstants } from '../backends/backend.js';

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
    for (const param of params) {
      const state = this.initState(param, group);
      state.step.add_(1);
      const step = state.step.item();
      const grad = param.grad as Tensor;
      const clr = group.lr / (1 + (step - 1) * group.lrDecay);
      const arrays = fusedArrays([param, grad, state.sum]);
      if (arrays === null) {
        adagradOps(param, grad, state, group, clr);
        continue;
      }
      const c = adagradConstants(group, clr);
      if (!activeBackend().adagradStep?.(arrays[0], arrays[1], arrays[2], c)) adagradLoop(arrays, c);
      bumpVersion(param);
      bumpVersion(state.sum);
    }
  }
}

/** The update with learning rate `clr` as tensor ops, for any layout and dtype. */
function adagradOps(param: Tensor, gradIn: Tensor, state: ParamState, group: AdagradOptions, clr: number): void {
  let grad = gradIn;
  if (group.maximize) grad = grad.neg();
  if (group.weightDecay !== 0) grad = grad.add(param, { alpha: group.weightDecay });
  addcmul_(state.sum, grad, grad, 1);
  const std = state.sum.sqrt().add_(group.eps);
  addcdiv_(param, grad, std, -clr);
}

/** The float32 scalars of adagradLoop at learning rate `clr` (after lr_decay). */
function adagradConstants(group: AdagradOptions, clr: number): AdagradConstants {
  return { decayGrad: group.weightDecay !== 0, decay: f32(group.weightDecay), eps: f32(group.eps), step: f32(-clr), sign: gradSign(group.maximize) };
}

/** `adagradOps` over typed arrays (param, grad, sum of squares), op for op. */
function adagradLoop([p, g, sum]: Float32Array[], c: AdagradConstants): void {
  const { decayGrad, decay, eps, step, sign } = c;
  for (let i = 0; i < p.length; i++) {
    let d = sign * g[i];
    if (decayGrad) d = f32(d + decay * p[i]);
    const s = f32(sum[i] + f32(d * d));
    sum[i] = s;
    p[i] = f32(p[i] + f32(f32(d * step) / f32(f32(Math.sqrt(s)) + eps)));
  }
}
