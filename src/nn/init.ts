// torch.nn.init: in-place initialisers, run without recording gradients. Each draws from the generator
// in PyTorch's order (one uniform_/normal_ over the whole tensor, randperm per column for sparse_), so
// after `torch.manualSeed(s)` the values are PyTorch's.
//
// Arguments follow PyTorch's positional order; any of them, and `generator`, may also be given in a
// trailing options object: `kaimingUniform_(w, Math.sqrt(5))`, `kaimingUniform_(w, { a: Math.sqrt(5) })`.
import { Tensor } from '../tensor/tensor.js';
import { bool, float64 } from '../tensor/dtype.js';
import { floatArg, intArg, isOptionsObject, optionsArg, strOption } from '../tensor/args.js';
import { empty, eye } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Generator, randperm } from '../ops/random.js';
import { checkTensor } from '../ops/elementwise.js';

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

interface WithGenerator {
  generator?: Generator;
}

type GainOptions = { gain?: number } & WithGenerator;

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Checks `fn`'s tensor and binds its positional arguments (in the order of `defaults`' keys) and a
 * trailing options object into one set of arguments, as Python binds keyword arguments. Each value
 * must have its default's type (float or str), except those in `unchecked`, which `fn` checks itself.
 */
function bind<T extends object>(fn: string, tensor: unknown, defaults: T, args: readonly unknown[], unchecked: readonly string[] = []): T & WithGenerator {
  checkTensor(tensor, fn, 'tensor');
  const out = { ...defaults } as Record<string, unknown>;
  const names = Object.keys(defaults);
  args.forEach((v, i) => {
    if (i < names.length && (!isOptionsObject(v) || v instanceof Generator)) {
      if (v !== undefined) out[names[i]] = v;
      return;
    }
    const options = optionsArg(v as Record<string, unknown> | undefined, fn);
    for (const name of [...names, 'generator']) if (name in options) out[name] = options[name];
  });
  names.forEach((name, i) => {
    if (unchecked.includes(name)) return;
    const value = out[name];
    const fallback = (defaults as Record<string, unknown>)[name];
    out[name] = typeof fallback === 'string' ? strOption(value, fn, snake(name), i + 2) ?? fallback : floatArg(value, fn, snake(name), i + 2);
  });
  return out as T & WithGenerator;
}

function genOptions(g: Generator | undefined): WithGenerator {
  return g === undefined ? {} : { generator: g };
}

/** The gain PyTorch recommends for a nonlinearity (`calculate_gain`). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      if (param !== undefined && param !== null && typeof param !== 'number') throw new Error(`negative_slope ${String(param)} not a valid number`);
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      throw new Error(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** Fan-in and fan-out of a weight: dims 1 and 0 times the receptive field (dims 2...). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  checkTensor(tensor, 'calculate_fan_in_and_fan_out', 'tensor');
  if (tensor.dim() < 2) throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.shape[1] * receptive, tensor.shape[0] * receptive];
}

function correctFan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new Error(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

type UniformOptions = { a?: number; b?: number } & WithGenerator;

export function uniform_(tensor: Tensor, a?: number | UniformOptions, b?: number | UniformOptions, options?: UniformOptions): Tensor {
  const o = bind('uniform_', tensor, { a: 0, b: 1 }, [a, b, options]);
  return noGrad(() => tensor.uniform_(o.a, o.b, genOptions(o.generator)));
}

type NormalOptions = { mean?: number; std?: number } & WithGenerator;

export function normal_(tensor: Tensor, mean?: number | NormalOptions, std?: number | NormalOptions, options?: NormalOptions): Tensor {
  const o = bind('normal_', tensor, { mean: 0, std: 1 }, [mean, std, options]);
  return noGrad(() => tensor.normal_(o.mean, o.std, genOptions(o.generator)));
}

/** erfinv of a contiguous float64 tensor: PyTorch's rational first guess refined by two Newton steps. */
function erfinv64(y: Tensor): Tensor {
  const v = y.storage_.data as Float64Array;
  const a = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
  const b = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
  const c = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
  const d = [3.5438892, 1.6370678];
  const guess = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const yi = v[i];
    const abs = Math.abs(yi);
    if (abs <= 0.7) {
      const z = yi * yi;
      guess[i] = (yi * (((a[3] * z + a[2]) * z + a[1]) * z + a[0])) / ((((b[3] * z + b[2]) * z + b[1]) * z + b[0]) * z + 1);
    } else {
      const z = Math.sqrt(-Math.log((1 - abs) / 2));
      guess[i] = (Math.sign(yi) * (((c[3] * z + c[2]) * z + c[1]) * z + c[0])) / ((d[1] * z + d[0]) * z + 1);
    }
  }
  let x = Tensor.fromData(guess, y.shape, float64);
  for (let step = 0; step < 2; step++) {
    x = x.sub(x.erf().sub(y).div(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))));
  }
  // Newton's step is undefined at ±1, where erfinv is ±inf.
  const out = x.storage_.data as Float64Array;
  for (let i = 0; i < v.length; i++) if (Math.abs(v[i]) >= 1) out[i] = Math.abs(v[i]) === 1 ? Math.sign(v[i]) * Infinity : NaN;
  return x;
}

const normCdf = (x: number): number => (1 + erfScalar(x / Math.SQRT2)) / 2;

function erfScalar(x: number): number {
  return Tensor.fromData(new Float64Array([x]), [], float64).erf().item();
}

/**
 * Values from a normal distribution truncated to [a, b], by inverse-CDF sampling of one uniform_ draw
 * (PyTorch's algorithm). The transform runs in float64; PyTorch computes it in the tensor's dtype, so
 * float32 results can differ from PyTorch's in the last bit.
 */
type TruncNormalOptions = { mean?: number; std?: number; a?: number; b?: number } & WithGenerator;

export function truncNormal_(
  tensor: Tensor,
  mean?: number | TruncNormalOptions,
  std?: number | TruncNormalOptions,
  a?: number | TruncNormalOptions,
  b?: number | TruncNormalOptions,
  options?: TruncNormalOptions,
): Tensor {
  const o = bind('trunc_normal_', tensor, { mean: 0, std: 1, a: -2, b: 2 }, [mean, std, a, b, options]);
  if (o.mean < o.a - 2 * o.std || o.mean > o.b + 2 * o.std) {
    warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  return noGrad(() => {
    const l = normCdf((o.a - o.mean) / o.std);
    const u = normCdf((o.b - o.mean) / o.std);
    tensor.uniform_(2 * l - 1, 2 * u - 1, genOptions(o.generator));
    const x = erfinv64(tensor.to(float64).contiguous().clone());
    return tensor.copy_(x.mul(o.std * Math.sqrt(2)).add(o.mean).clamp(o.a, o.b));
  });
}

export function constant_(tensor: Tensor, val: number): Tensor {
  checkTensor(tensor, 'constant_', 'tensor');
  return noGrad(() => tensor.fill_(val));
}

export function ones_(tensor: Tensor): Tensor {
  checkTensor(tensor, 'ones_', 'tensor');
  return noGrad(() => tensor.fill_(1));
}

export function zeros_(tensor: Tensor): Tensor {
  checkTensor(tensor, 'zeros_', 'tensor');
  return noGrad(() => tensor.zero_());
}

/** The identity matrix, in a 2-D tensor. */
export function eye_(tensor: Tensor): Tensor {
  checkTensor(tensor, 'eye_', 'tensor');
  if (tensor.dim() !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  return noGrad(() => tensor.copy_(eye(tensor.shape[0], tensor.shape[1], { dtype: tensor.dtype })));
}

/** The Dirac delta in a 3-, 4- or 5-D convolution weight (identity per group). */
export function dirac_(tensor: Tensor, groups = 1): Tensor {
  checkTensor(tensor, 'dirac_', 'tensor');
  intArg(groups, 'dirac_', 'groups', 2);
  // PyTorch's Python raises ZeroDivisionError here; a negative count gives zeros there and here.
  if (groups === 0) throw new Error("dirac_(): argument 'groups' must not be 0");
  const dims = tensor.dim();
  if (dims < 3 || dims > 5) throw new Error('Only tensors with 3, 4, or 5 dimensions are supported');
  const shape = tensor.shape;
  if (shape[0] % groups !== 0) throw new Error('dim 0 must be divisible by groups');
  const outPerGroup = shape[0] / groups;
  const minDim = Math.min(outPerGroup, shape[1]);
  const values = new Float64Array(tensor.numel());
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, s) => p * s, 1));
  const centre = shape.slice(2).reduce((off, s, i) => off + Math.floor(s / 2) * strides[i + 2], 0);
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < minDim; k++) values[(g * outPerGroup + k) * strides[0] + k * strides[1] + centre] = 1;
  }
  return noGrad(() => tensor.copy_(Tensor.fromData(values, shape, float64)));
}

export function xavierUniform_(tensor: Tensor, gain?: number | GainOptions, options?: GainOptions): Tensor {
  const o = bind('xavier_uniform_', tensor, { gain: 1 }, [gain, options]);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = o.gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const bound = Math.sqrt(3.0) * std;
  return noGrad(() => tensor.uniform_(-bound, bound, genOptions(o.generator)));
}

export function xavierNormal_(tensor: Tensor, gain?: number | GainOptions, options?: GainOptions): Tensor {
  const o = bind('xavier_normal_', tensor, { gain: 1 }, [gain, options]);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = o.gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => tensor.normal_(0, std, genOptions(o.generator)));
}

interface KaimingOptions extends WithGenerator {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

// `a` is checked by calculateGain, with PyTorch's message ("negative_slope x not a valid number").
const KAIMING_DEFAULTS = { a: 0, mode: 'fan_in' as FanMode, nonlinearity: 'leaky_relu' as Nonlinearity };

/** The std of kaiming_*, or null for a zero-element tensor (a no-op, with PyTorch's warning). */
function kaimingStd(tensor: Tensor, o: Required<Omit<KaimingOptions, 'generator'>>): number | null {
  if (tensor.shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return null;
  }
  const fan = correctFan(tensor, o.mode);
  return calculateGain(o.nonlinearity, o.a) / Math.sqrt(fan);
}

export function kaimingUniform_(tensor: Tensor, a?: number | KaimingOptions, mode?: FanMode | KaimingOptions, nonlinearity?: Nonlinearity | KaimingOptions, options?: KaimingOptions): Tensor {
  const o = bind('kaiming_uniform_', tensor, KAIMING_DEFAULTS, [a, mode, nonlinearity, options], ['a']);
  const std = kaimingStd(tensor, o);
  if (std === null) return tensor;
  const bound = Math.sqrt(3.0) * std;
  return noGrad(() => tensor.uniform_(-bound, bound, genOptions(o.generator)));
}

export function kaimingNormal_(tensor: Tensor, a?: number | KaimingOptions, mode?: FanMode | KaimingOptions, nonlinearity?: Nonlinearity | KaimingOptions, options?: KaimingOptions): Tensor {
  const o = bind('kaiming_normal_', tensor, KAIMING_DEFAULTS, [a, mode, nonlinearity, options], ['a']);
  const std = kaimingStd(tensor, o);
  if (std === null) return tensor;
  return noGrad(() => tensor.normal_(0, std, genOptions(o.generator)));
}

/**
 * Householder QR of the m x n (m >= n) row-major matrix `a`, in float64: returns the reduced Q
 * (m x n, row-major) and the diagonal of R.
 */
function householderQr(a: Float64Array, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm = Math.hypot(norm, r[i * n + k]);
    const alpha = r[k * n + k];
    const beta = alpha > 0 ? -norm : norm;
    const v = new Float64Array(m);
    if (norm !== 0) {
      v[k] = alpha - beta;
      for (let i = k + 1; i < m; i++) v[i] = r[i * n + k];
      let vv = 0;
      for (let i = k; i < m; i++) vv += v[i] * v[i];
      for (let j = k; j < n; j++) {
        let dotv = 0;
        for (let i = k; i < m; i++) dotv += v[i] * r[i * n + j];
        const f = (2 * dotv) / vv;
        for (let i = k; i < m; i++) r[i * n + j] -= f * v[i];
      }
      for (let i = k; i < m; i++) v[i] /= Math.sqrt(vv);
    }
    vs.push(v);
    rDiag[k] = r[k * n + k];
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dotv = 0;
      for (let i = k; i < m; i++) dotv += v[i] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * dotv * v[i];
    }
  }
  return { q, rDiag };
}

/**
 * A (semi-)orthogonal matrix from the QR decomposition of one normal_ draw, with Q's column signs
 * fixed by R's diagonal (so Q is unique). The QR runs in float64 (PyTorch's LAPACK runs in the
 * tensor's dtype), so values match PyTorch within float tolerance, not bit for bit.
 */
export function orthogonal_(tensor: Tensor, gain?: number | GainOptions, options?: GainOptions): Tensor {
  const o = bind('orthogonal_', tensor, { gain: 1 }, [gain, options]);
  if (tensor.dim() < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.shape[0];
  const cols = tensor.numel() / rows;
  return noGrad(() => {
    let flat = empty([rows, cols], { dtype: tensor.dtype }).normal_(0, 1, genOptions(o.generator));
    if (rows < cols) flat = flat.t();
    const [m, n] = flat.shape;
    const { q, rDiag } = householderQr(flat.toFloat64Array(), m, n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= Math.sign(rDiag[j]);
    let qt = Tensor.fromData(q, [m, n], float64);
    if (rows < cols) qt = qt.t();
    return tensor.copy_(qt.mul(o.gain).reshape(tensor.shape));
  });
}

/** A 2-D tensor with normal_(0, std) values and, in each column, `ceil(sparsity * rows)` zeros. */
export function sparse_(tensor: Tensor, sparsity: number, std?: number | { std?: number } & WithGenerator, options?: { std?: number } & WithGenerator): Tensor {
  // sparsity is required: missing, it is None to the check.
  const o = bind('sparse_', tensor, { sparsity: 0, std: 0.01 }, [sparsity ?? null, std, options]);
  if (tensor.dim() !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  const [rows, cols] = tensor.shape;
  const numZeros = Math.ceil(o.sparsity * rows);
  return noGrad(() => {
    tensor.normal_(0, o.std, genOptions(o.generator));
    const mask = new Uint8Array(rows * cols);
    for (let col = 0; col < cols; col++) {
      const perm = randperm(rows, genOptions(o.generator)).toFloat64Array();
      for (let k = 0; k < numZeros && k < rows; k++) mask[perm[k] * cols + col] = 1;
    }
    return tensor.maskedFill_(Tensor.fromData(mask, [rows, cols], bool), 0);
  });
}

