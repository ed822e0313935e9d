// torch.optim.Adam and AdamW: PyTorch 2.x's single-tensor algorithm, operation for operation (fused
// into one loop over the typed arrays where fused.ts allows).
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { tensor, zerosLike } from '../tensor/factory.js';
import { maximum } from '../ops/arithmetic.js';
import { Optimizer, addcdiv_, addcmul_, checkOption, type ParamGroup, type ParamState, type Params } from './optimizer.js';
import { bumpVersion, fusedArrays, f32, gradSign } from './fused.js';
import { lerpValue } from '../ops/ternary.js';
import { activeBackend } from '../backends/registry.js';
import type { AdamConstants } from '../backends/backend.js';

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
  const grad = param.grad as Tensor;
  state.step.add_(1);
  const step = state.step.item();
  // amsgrad's running maximum stays with the tensor ops.
  const arrays = group.amsgrad ? null : fusedArrays([param, grad, state.expAvg, state.expAvgSq]);
  if (arrays === null) {
    adamOps(param, grad, state, group, decoupled, step);
    return;
  }
  const c = adamConstants(group, decoupled, step);
  const [p, g, m, v] = arrays;
  if (!activeBackend().adamStep?.(p, g, m, v, c)) adamLoop(arrays, c);
  bumpVersion(param, decoupled ? 2 : 1);
  bumpVersion(state.expAvg);
  bumpVersion(state.expAvgSq, 2);
}

/** The bias corrections of step `step`: the step size and the square root dividing the second moment. */
function corrections(group: AdamOptions, step: number): { stepSize: number; biasCorrection2Sqrt: number } {
  const [beta1, beta2] = group.betas;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  return { stepSize: group.lr / biasCorrection1, biasCorrection2Sqrt: Math.sqrt(biasCorrection2) };
}

/** The update as tensor ops (after the step count was advanced), for any layout, dtype and amsgrad. */
function adamOps(param: Tensor, gradIn: Tensor, state: ParamState, group: AdamOptions, decoupled: boolean, step: number): void {
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
  let grad = gradIn;
  if (maximize) grad = grad.neg();
  if (decoupled) param.mul_(1 - lr * weightDecay);
  else if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
  state.expAvg.lerp_(grad, 1 - beta1);
  addcmul_(state.expAvgSq.mul_(beta2), grad, grad, 1 - beta2);
  const { stepSize, biasCorrection2Sqrt } = corrections(group, step);
  let second = state.expAvgSq;
  if (amsgrad) {
    state.maxExpAvgSq.copy_(maximum(state.maxExpAvgSq, state.expAvgSq));
    second = state.maxExpAvgSq;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
  addcdiv_(param, state.expAvg, denom, -stepSize);
}

/** The float32 scalars of adamLoop for step `step`. */
function adamConstants(group: AdamOptions, decoupled: boolean, step: number): AdamConstants {
  const { lr, betas: [beta1, beta2], eps, weightDecay, maximize } = group;
  const { stepSize, biasCorrection2Sqrt } = corrections(group, step);
  return {
    decoupled,
    decayGrad: !decoupled && weightDecay !== 0,
    shrink: f32(1 - lr * weightDecay),
    decay: f32(weightDecay),
    w1: f32(1 - beta1),
    beta2: f32(beta2),
    w2: f32(1 - beta2),
    root: f32(biasCorrection2Sqrt),
    eps: f32(eps),
    scale: f32(-stepSize),
    sign: gradSign(maximize),
  };
}

/** `adamOps` without amsgrad over typed arrays (param, grad, first and second moments), op for op. */
function adamLoop([p, g, m, v]: Float32Array[], c: AdamConstants): void {
  const { decoupled, decayGrad, shrink, decay, w1, beta2, w2, root, eps, scale, sign } = c;
  for (let i = 0; i < p.length; i++) {
    let d = sign * g[i];
    let x = p[i];
    if (decoupled) x = f32(x * shrink);
    else if (decayGrad) d = f32(d + decay * x);
    const mi = f32(lerpValue(m[i], d, w1));
    m[i] = mi;
    const vi = f32(f32(v[i] * beta2) + f32(f32(d * w2) * d));
    v[i] = vi;
    const denom = f32(f32(f32(Math.sqrt(vi)) / root) + eps);
    p[i] = f32(x + f32(f32(mi * scale) / denom));
  }
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
