// torch.nn.utils: gradient clipping and flattening parameters into one vector.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { boolOption, floatArg, isOptionsObject, optionsArg } from '../tensor/args.js';
import { tensor } from '../tensor/factory.js';
import { noGrad } from '../autograd/grad-mode.js';
import { vectorNorm } from '../ops/statistics.js';
import { cat, stack } from '../ops/join.js';
import { pyFloatRepr } from '../tensor/print.js';
import { typename } from './parameter.js';

type Parameters = Tensor | Iterable<Tensor>;

/** `fn`'s parameters as a list: one tensor, or an iterable (not a string) of tensors. */
function parametersArg(parameters: unknown, fn: string): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  const iterable = typeof parameters === 'object' && parameters !== null && Symbol.iterator in parameters;
  if (!iterable) throw new TypeError(`${fn}(): argument 'parameters' must be a Tensor or an iterable of Tensors, not ${pyTypeName(parameters)}`);
  return [...(parameters as Iterable<unknown>)].map((p, i) => {
    if (p instanceof Tensor) return p;
    throw new TypeError(`${fn}(): argument 'parameters' must be an iterable of Tensors, but found element of type ${pyTypeName(p)} at pos ${i + 1}`);
  });
}

function gradsOf(parameters: unknown, fn: string): Tensor[] {
  return parametersArg(parameters, fn).flatMap((p) => (p.grad === null ? [] : [p.grad]));
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
  const fn = 'clip_grad_norm_';
  const grads = gradsOf(parameters, fn);
  const max = floatArg(maxNorm, fn, 'max_norm', 2);
  const o: ClipGradNormOptions = isOptionsObject(normType) ? optionsArg(normType, fn) : { normType: normType as number, errorIfNonfinite };
  const order = floatArg(o.normType ?? 2, fn, 'norm_type', 3);
  const errorIfNonfiniteNorm = boolOption(o.errorIfNonfinite, fn, 'error_if_nonfinite', 4) ?? false;
  return noGrad(() => {
    if (grads.length === 0) return tensor(0);
    const total = vectorNorm(stack(grads.map((g) => vectorNorm(g, order))), order);
    if (errorIfNonfiniteNorm && !Number.isFinite(total.item())) {
      throw new Error(
        `The total norm of order ${pyFloatRepr(order)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
      );
    }
    // As PyTorch, always multiply (by at most 1) rather than branch on the coefficient.
    const coef = total.add(1e-6).reciprocal().mul(max).clamp(null, 1.0);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/** Clamps every gradient in place to [-clipValue, clipValue]. */
export function clipGradValue_(parameters: Parameters, clipValue: number): void {
  const grads = gradsOf(parameters, 'clip_grad_value_');
  const bound = floatArg(clipValue, 'clip_grad_value_', 'clip_value', 2);
  noGrad(() => {
    for (const g of grads) g.clamp_(-bound, bound);
  });
}

/** All parameters flattened and concatenated into one vector. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat(parametersArg(parameters, 'parameters_to_vector').map((p) => p.view(-1)));
}

/** Copies consecutive slices of `vec` into the parameters (their `.data` is replaced). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typename(vec)}`);
  let pointer = 0;
  for (const param of parametersArg(parameters, 'vector_to_parameters')) {
    const n = param.numel();
    param.data = vec.narrow(0, pointer, n).view(param.shape).data;
    pointer += n;
  }
}
