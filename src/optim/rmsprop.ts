// torch.optim.RMSprop: PyTorch 2.x's single-tensor algorithm, operation for operation (fused into one
// loop over the typed arrays where fused.ts allows).
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { tensor, zerosLike } from '../tensor/factory.js';
import { Optimizer, addcdiv_, addcmul_, checkOption, type ParamGroup, type ParamState, type Params } from './optimizer.js';
import { bumpVersion, fusedArrays, f32, gradSign } from './fused.js';
import { lerpValue } from '../ops/ternary.js';
import { activeBackend } from '../backends/registry.js';
import type { RmspropConstants } from '../backends/backend.js';

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
    const { momentum, centered } = group;
    for (const param of params) {
      const state = this.stateOf(param);
      if (state.step === undefined) {
        state.step = tensor(0, { dtype: float32 });
        state.squareAvg = zerosLike(param);
        if (momentum > 0) state.momentumBuffer = zerosLike(param);
        if (centered) state.gradAvg = zerosLike(param);
      }
      const grad = param.grad as Tensor;
      state.step.add_(1);
      const tensors = [param, grad, state.squareAvg];
      if (momentum > 0) tensors.push(state.momentumBuffer);
      if (centered) tensors.push(state.gradAvg);
      const arrays = fusedArrays(tensors);
      if (arrays === null) {
        rmspropOps(param, grad, state, group);
        continue;
      }
      const [p, g, sq] = arrays;
      const buf = momentum > 0 ? arrays[3] : null;
      const ga = centered ? arrays[arrays.length - 1] : null;
      const c = rmspropConstants(group);
      if (!activeBackend().rmspropStep?.(p, g, sq, buf, ga, c)) rmspropLoop(p, g, sq, buf, ga, c);
      bumpVersion(param);
      bumpVersion(state.squareAvg, 2);
      if (momentum > 0) bumpVersion(state.momentumBuffer, 2);
      if (centered) bumpVersion(state.gradAvg);
    }
  }
}

/** The update as tensor ops (after the step count was advanced), for any layout and dtype. */
function rmspropOps(param: Tensor, gradIn: Tensor, state: ParamState, group: RMSpropOptions): void {
  const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
  let grad = gradIn;
  if (maximize) grad = grad.neg();
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

/** The float32 scalars of rmspropLoop. */
function rmspropConstants(group: RMSpropOptions): RmspropConstants {
  const { lr, alpha, eps, weightDecay, momentum, maximize } = group;
  return {
    decayGrad: weightDecay !== 0,
    decay: f32(weightDecay),
    alpha: f32(alpha),
    w: f32(1 - alpha),
    eps: f32(eps),
    momentum: f32(momentum),
    step: f32(-lr),
    sign: gradSign(maximize),
  };
}

/**
 * `rmspropOps` over typed arrays, op for op: param, grad, square average, then the momentum buffer
 * (with momentum) and the gradient average (centered).
 */
function rmspropLoop(p: Float32Array, g: Float32Array, sq: Float32Array, buf: Float32Array | null, ga: Float32Array | null, c: RmspropConstants): void {
  const { decayGrad, decay, alpha, w, eps, momentum, step, sign } = c;
  for (let i = 0; i < p.length; i++) {
    let d = sign * g[i];
    if (decayGrad) d = f32(d + decay * p[i]);
    const s = f32(f32(sq[i] * alpha) + f32(f32(d * w) * d));
    sq[i] = s;
    let avg: number;
    if (ga !== null) {
      const mean = f32(lerpValue(ga[i], d, w));
      ga[i] = mean;
      avg = f32(Math.sqrt(f32(s + f32(-mean * mean))));
    } else {
      avg = f32(Math.sqrt(s));
    }
    avg = f32(avg + eps);
    if (buf !== null) {
      const b = f32(f32(buf[i] * momentum) + f32(d / avg));
      buf[i] = b;
      p[i] = f32(p[i] + step * b);
    } else {
      p[i] = f32(p[i] + f32(f32(d * step) / avg));
    }
  }
}
