// torch.optim.SGD: PyTorch 2.x's single-tensor algorithm, operation for operation (fused into one loop
// over the typed arrays where fused.ts allows, which the active backend may run instead).
import { Tensor } from '../tensor/tensor.js';
import { activeBackend } from '../backends/registry.js';
import { Optimizer, checkOption, type ParamGroup, type ParamState, type Params } from './optimizer.js';
import { bumpVersion, fusedArrays, f32, gradSign } from './fused.js';

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
    for (const param of params) {
      const grad = param.grad as Tensor;
      // PyTorch keeps state only when there is momentum.
      const state = group.momentum !== 0 ? this.stateOf(param) : null;
      const buf = state?.momentumBuffer;
      // The first step with momentum creates the buffer, which the tensor ops do.
      const arrays = state === null ? fusedArrays([param, grad]) : buf === undefined ? null : fusedArrays([param, grad, buf]);
      if (arrays !== null) {
        if (!activeBackend().sgdStep?.(arrays[0], arrays[1], arrays[2] ?? null, group)) sgdLoop(arrays, group);
        bumpVersion(param);
        if (buf !== undefined) bumpVersion(buf, 2);
      } else {
        sgdOps(param, grad, state, group);
      }
    }
  }
}

/** The update as tensor ops, for any layout and dtype. */
function sgdOps(param: Tensor, gradIn: Tensor, state: ParamState | null, group: SGDOptions): void {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
  let grad = gradIn;
  if (maximize) grad = grad.neg();
  if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
  if (state !== null) {
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

/** `sgdOps` over float32 arrays (param, grad and, with momentum, its buffer), op for op. */
function sgdLoop(arrays: Float32Array[], group: SGDOptions): void {
  const [p, g, buf] = arrays as [Float32Array, Float32Array, Float32Array | undefined];
  const { momentum, dampening, weightDecay, nesterov, maximize } = group;
  const sign = gradSign(maximize);
  const mom = f32(momentum);
  const keep = f32(1 - dampening);
  const step = f32(-group.lr);
  if (buf !== undefined && weightDecay === 0 && !nesterov) {
    // Plain momentum, the usual configuration: without the general loop's per-element branches it runs
    // about twice as fast.
    for (let i = 0; i < p.length; i++) {
      const b = f32(f32(buf[i] * mom) + keep * (sign * g[i]));
      buf[i] = b;
      p[i] = f32(p[i] + step * b);
    }
    return;
  }
  const decay = f32(weightDecay);
  for (let i = 0; i < p.length; i++) {
    let d = sign * g[i];
    if (weightDecay !== 0) d = f32(d + decay * p[i]);
    if (buf !== undefined) {
      const b = f32(f32(buf[i] * mom) + keep * d);
      buf[i] = b;
      d = nesterov ? f32(d + mom * b) : b;
    }
    p[i] = f32(p[i] + step * d);
  }
}
