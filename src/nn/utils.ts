// torch.nn.utils: gradient clipping and flattening parameters into one vector.
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/factory.js';
import { noGrad } from '../autograd/grad-mode.js';
import { vectorNorm } from '../ops/reduce.js';
import { cat, stack } from '../ops/join.js';
import { pyFloatRepr } from '../tensor/print.js';
import { typename } from './parameter.js';

type Parameters = Tensor | Iterable<Tensor>;

function gradsOf(parameters: Parameters): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.flatMap((p) => (p.grad === null ? [] : [p.grad]));
}

export interface ClipGradNormOptions {
  normType?: number;
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients in place so that their joint norm (of order normType, Infinity allowed) is at
 * most maxNorm; returns the norm before clipping. `clipGradNorm_(params, 1)`,
 * `clipGradNorm_(params, 1, 2, true)` or `clipGradNorm_(params, 1, { normType, errorIfNonfinite })`.
 */
export function clipGradNorm_(parameters: Parameters, maxNorm: number, normType: number | ClipGradNormOptions = 2, errorIfNonfinite = false): Tensor {
  const o = typeof normType === 'number' ? { normType, errorIfNonfinite } : normType;
  const order = o.normType ?? 2;
  return noGrad(() => {
    const grads = gradsOf(parameters);
    if (grads.length === 0) return tensor(0);
    const total = vectorNorm(stack(grads.map((g) => vectorNorm(g, order))), order);
    if ((o.errorIfNonfinite ?? false) && !Number.isFinite(total.item())) {
      throw new Error(
        `The total norm of order ${pyFloatRepr(order)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    // As PyTorch, always multiply (by at most 1) rather than branch on the coefficient.
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1.0);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/** Clamps every gradient in place to [-clipValue, clipValue]. */
export function clipGradValue_(parameters: Parameters, clipValue: number): void {
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}

/** All parameters flattened and concatenated into one vector. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.view(-1)));
}

/** Copies consecutive slices of `vec` into the parameters (their `.data` is replaced). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typename(vec)}`);
  let pointer = 0;
  for (const param of parameters) {
    const n = param.numel();
    param.data = vec.narrow(0, pointer, n).view(param.shape).data;
    pointer += n;
  }
}
