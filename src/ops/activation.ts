// The activations of torch.nn.functional beyond relu, sigmoid and tanh (pointwise.ts): each a kernel,
// PyTorch's grad_fn name and a backward formula written with differentiable ops, shaped like the
// backward functions of PyTorch's derivatives.yaml so that double backward agrees too.
import { Tensor } from '../tensor/tensor.js';
import { boolOption, optionsArg, scalarArg, strOption } from '../tensor/args.js';
import { zerosLike } from '../tensor/factory.js';
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { binaryKernel, checkTensor, precisionOf, unaryKernel } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { where } from './ternary.js';
import { applyInplace } from './inplace.js';

export type GeluApproximate = 'none' | 'tanh';

/** PyTorch's error for a CPU kernel `kernel` that has no version for the input's (integral) dtype. */
export function requireFloating(x: Tensor, kernel: string): void {
  if (!x.dtype.isFloatingPoint) throw new Error(`"${kernel}" not implemented for '${legacyScalarName(x.dtype)}'`);
}

/**
 * `grad` times a piecewise-constant factor of `self` (PyTorch's leaky_relu_backward, hardtanh_backward):
 * linear in `grad`, with a zero derivative in `self`. `self` stays an input of the node, as in PyTorch,
 * so the result requires grad whenever `self` does and a second derivative gives zeros, not nothing.
 */
function maskedGrad(name: string, grad: Tensor, self: Tensor, kernel: (g: number, x: number) => number): Tensor {
  const out = binaryKernel(grad, self, { num: kernel }, grad.dtype, grad.dtype);
  record({
    name,
    inputs: [grad, self],
    outputs: [out],
    save: [self],
    backward: ([gg], [x], needs) => [needs[0] ? maskedGrad(name, gg as Tensor, x, kernel) : null, needs[1] ? zerosLike(x) : null],
  });
  return out;
}

interface Activation {
  /** PyTorch's function name, for argument errors. */
  readonly fn: string;
  /** The CPU kernel named in PyTorch's dtype error. */
  readonly kernel: string;
  readonly gradFn: string;
  /** The grad_fn of the in-place form, where derivatives.yaml has an entry of its own for it. */
  readonly inplaceGradFn?: string;
  /** The values, computed without autograd. */
  readonly forward: (x: Tensor) => Tensor;
  /** The gradient from the upstream gradient and the (saved) input, in differentiable ops. */
  readonly backward: (g: Tensor, x: Tensor) => Tensor;
}

/** Applies the activation, in place (PyTorch's `inplace=True`, the argument at `inplacePosition`) or not. */
function activate(input: Tensor, def: Activation, inplace: unknown = false, inplacePosition = 2): Tensor {
  checkTensor(input, def.fn);
  requireFloating(input, def.kernel);
  if (boolOption(inplace, def.fn, 'inplace', inplacePosition)) return applyInplace(input, (current) => activate(current, { ...def, gradFn: def.inplaceGradFn ?? def.gradFn }));
  const out = noGrad(() => def.forward(input));
  record({ name: def.gradFn, inputs: [input], outputs: [out], save: [input], backward: ([g], [x]) => [def.backward(g as Tensor, x)] });
  return out;
}

/** A kernel computing `fn` in doubles, rounded once to the input's dtype. */
function elementwise(fn: (x: number) => number): (x: Tensor) => Tensor {
  return (x) => unaryKernel(x, { num: fn }, x.dtype, x.dtype);
}

export function leakyRelu(input: Tensor, negativeSlope = 0.01, inplace = false): Tensor {
  negativeSlope = scalarArg(negativeSlope, 'leaky_relu', 'negative_slope', 2);
  const kernel = (g: number, x: number): number => (x > 0 ? g : g * negativeSlope);
  return activate(input, {
    fn: 'leaky_relu',
    kernel: 'leaky_relu_cpu',
    gradFn: 'LeakyReluBackward0',
    inplaceGradFn: 'LeakyReluBackward1',
    forward: (x) => {
      const slope = precisionOf(x.dtype)(negativeSlope);
      return unaryKernel(x, { num: (v) => (v > 0 ? v : v * slope) }, x.dtype, x.dtype);
    },
    backward: (g, x) => maskedGrad('LeakyReluBackwardBackward0', g, x, kernel),
  }, inplace, 3);
}

/**
 * ATen's elu(x, alpha, scale, inputScale), behind elu, selu and celu:
 * `x > 0 ? scale * x : alpha * scale * (exp(inputScale * x) - 1)`.
 */
function eluFamily(input: Tensor, fn: string, gradFn: string, alpha: number, scale: number, inputScale: number, inplace: boolean, inplacePosition: number): Tensor {
  const negcoef = alpha * scale;
  return activate(input, {
    fn,
    kernel: 'elu_cpu',
    gradFn,
    inplaceGradFn: gradFn.replace(/0$/, '1'),
    forward: elementwise((v) => (v <= 0 ? Math.expm1(v * inputScale) * negcoef : v * scale)),
    // ATen's elu_backward takes the negative branch for x <= 0 (so nan takes the positive one). That
    // branch reads exp() of x only where x < 0: no overflow for large x, and (as ATen's double backward)
    // no second derivative at 0.
    backward: (g, x) => {
      const negative = where(x.lt(0), x, 0).mul(inputScale).exp().mul(negcoef * inputScale);
      return g.mul(where(x.le(0), negative, scale));
    },
  }, inplace, inplacePosition);
}

export function elu(input: Tensor, alpha = 1.0, inplace = false): Tensor {
  return eluFamily(input, 'elu', 'EluBackward0', scalarArg(alpha, 'elu', 'alpha', 2), 1, 1, inplace, 3);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

export function selu(input: Tensor, inplace = false): Tensor {
  return eluFamily(input, 'selu', 'EluBackward0', SELU_ALPHA, SELU_SCALE, 1, inplace, 2);
}

export function celu(input: Tensor, alpha = 1.0, inplace = false): Tensor {
  const a = scalarArg(alpha, 'celu', 'alpha', 2);
  return eluFamily(input, 'celu', 'CeluBackward0', a, 1, 1 / a, inplace, 3);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_KAPPA = 0.044715;

export function gelu(input: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  const approximate = strOption(optionsArg(options, 'gelu').approximate, 'gelu', 'approximate') ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error('approximate argument must be either none or tanh.');
  const tanhInner = (x: Tensor): Tensor => x.add(x.pow(3).mul(GELU_KAPPA)).mul(SQRT_2_OVER_PI).tanh();
  const cdf = (x: Tensor): Tensor => x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
  return activate(input, {
    fn: 'gelu',
    kernel: 'GeluKernelImpl',
    gradFn: 'GeluBackward0',
    forward: approximate === 'tanh' ? (x) => x.mul(0.5).mul(tanhInner(x).add(1)) : (x) => x.mul(cdf(x)),
    backward:
      approximate === 'tanh'
        ? (g, x) => {
            // ATen's gelu_backward: d/dx of 0.5x(1 + t) with t = tanh(sqrt(2/pi)(x + kappa x^3)).
            const t = tanhInner(x);
            const left = t.add(1).mul(0.5);
            const right = x.mul(0.5).mul(t.mul(t).rsub(1)).mul(x.mul(x).mul(3 * GELU_KAPPA).add(1).mul(SQRT_2_OVER_PI));
            return g.mul(left.add(right));
          }
        : (g, x) => {
            const pdf = x.mul(x).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
            return g.mul(cdf(x).add(x.mul(pdf)));
          },
  });
}

export function silu(input: Tensor, inplace = false): Tensor {
  return activate(input, {
    fn: 'silu',
    kernel: 'silu_cpu',
    gradFn: 'SiluBackward0',
    forward: elementwise((v) => v / (1 + Math.exp(-v))),
    backward: (g, x) => {
      const s = x.sigmoid();
      return g.mul(s.mul(x.mul(s.rsub(1)).add(1)));
    },
  }, inplace);
}

export function mish(input: Tensor, inplace = false): Tensor {
  return activate(input, {
    fn: 'mish',
    kernel: 'mish_cpu',
    gradFn: 'MishBackward0',
    forward: elementwise((v) => v * Math.tanh(Math.log1p(Math.exp(v)))),
    // PyTorch's infinitely_differentiable_mish_backward, with its unguarded exp (second derivatives are
    // nan where exp overflows, as in PyTorch).
    backward: (g, x) => {
      const t = x.exp().log1p().tanh();
      return g.mul(t.add(x.mul(x.sigmoid()).mul(t.mul(t).rsub(1))));
    },
  }, inplace);
}

/** `log(1 + exp(beta x)) / beta`, and x itself where `beta x > threshold` (where the two agree in floats). */
export function softplus(input: Tensor, beta = 1, threshold = 20): Tensor {
  beta = scalarArg(beta, 'softplus', 'beta', 2);
  threshold = scalarArg(threshold, 'softplus', 'threshold', 3);
  return activate(input, {
    fn: 'softplus',
    kernel: 'softplus_cpu',
    gradFn: 'SoftplusBackward0',
    forward: (x) => {
      const r = precisionOf(x.dtype);
      return unaryKernel(x, { num: (v) => (r(v * beta) > threshold ? v : Math.log1p(Math.exp(v * beta)) / beta) }, x.dtype, x.dtype);
    },
    backward: (g, x) => {
      const scaled = x.mul(beta);
      return g.mul(where(scaled.gt(threshold), 1, scaled.sigmoid()));
    },
  });
}

/** `min(x, 0) - log1p(exp(-|x|))`: no overflow for large |x|. */
export function logsigmoid(input: Tensor): Tensor {
  return activate(input, {
    fn: 'log_sigmoid',
    kernel: 'log_sigmoid_cpu',
    gradFn: 'LogSigmoidBackward0',
    forward: elementwise((v) => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v)))),
    backward: (g, x) => g.mul(x.neg().sigmoid()),
  });
}

/** Clamps to [minVal, maxVal]; integral inputs keep their dtype (no gradient). */
export function hardtanh(input: Tensor, minVal = -1.0, maxVal = 1.0, inplace = false): Tensor {
  checkTensor(input, 'hardtanh');
  const lo = scalarArg(minVal, 'hardtanh', 'min_val', 2);
  const hi = scalarArg(maxVal, 'hardtanh', 'max_val', 3);
  return clampActivation(input, lo, hi, boolOption(inplace, 'hardtanh', 'inplace', 4) ?? false);
}

/** hardtanh and relu6, their arguments checked. */
function clampActivation(input: Tensor, minVal: number, maxVal: number, inplace: boolean): Tensor {
  if (input.dtype.kind === 'bool') throw new Error('Bool inputs not supported for hardtanh');
  if (inplace) return applyInplace(input, (current) => clampActivation(current, minVal, maxVal, false));
  // ATen's clamp: min(max(x, lo), hi), nan propagating (Math.max/min propagate nan).
  const out = unaryKernel(input, { num: (v) => Math.min(Math.max(v, minVal), maxVal) }, input.dtype, input.dtype);
  const kernel = (g: number, x: number): number => (x <= minVal || x >= maxVal ? 0 : g);
  record({
    name: 'HardtanhBackward0',
    inputs: [input],
    outputs: [out],
    save: [input],
    backward: ([g], [x]) => [maskedGrad('HardtanhBackwardBackward0', g as Tensor, x, kernel)],
  });
  return out;
}

export function relu6(input: Tensor, inplace = false): Tensor {
  checkTensor(input, 'relu6');
  return clampActivation(input, 0, 6, boolOption(inplace, 'relu6', 'inplace', 2) ?? false);
}
