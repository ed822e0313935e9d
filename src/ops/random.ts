// Random sampling on tensors: torch.rand/randn/randint/randperm/normal/bernoulli/multinomial and the
// in-place samplers, drawing from PyTorch's CPU generator (src/tensor/random.ts) in PyTorch's order.
import { DType, bool, float32, float64, int64, getDefaultDtype } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { elementOffsets } from '../backends/js/strided.js';
import { emptyTensor, finishFactory, parseSizeArgs, checkOptions, type TensorOptions } from '../tensor/factory.js';
import { castTensor, checkTensor, invalidArguments } from './elementwise.js';
import { boolOption, floatArg, intArg, optionsArg } from '../tensor/args.js';
import { applyInplace } from './inplace.js';
import { legacyScalarName } from './pointwise.js';
import { checkSizes } from '../tensor/layout.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import type { FloatArray } from '../tensor/sampling.js';
import { fillBernoulli, fillExponential, fillUniform } from '../tensor/sample-uniform.js';
import { fillNormal } from '../tensor/sample-normal.js';
import { fillRandint, fillRandperm, type RandomDTypeName } from '../tensor/sample-integers.js';
import { multinomial as sampleMultinomial } from '../tensor/sample-multinomial.js';

export { Generator, manualSeed, seed, initialSeed, getRngState, setRngState } from '../tensor/random.js';

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    uniform_(from?: number, to?: number, options?: { generator?: Generator }): this;
    normal_(mean?: number, std?: number, options?: { generator?: Generator }): this;
    exponential_(lambd?: number, options?: { generator?: Generator }): this;
    /**
     * Integers in [from, to) (`random_(from, to)`), [0, to) with one bound, or with no bounds PyTorch's
     * default range: [0, max] of an integer dtype, [0, 2**mantissa] of a float dtype.
     */
    random_(from?: number | bigint | { generator?: Generator }, to?: number | bigint, options?: { generator?: Generator }): this;
    bernoulli_(p?: number | Tensor, options?: { generator?: Generator }): this;
    bernoulli(options?: { generator?: Generator }): Tensor;
    multinomial(numSamples: number, options?: { replacement?: boolean; generator?: Generator }): Tensor;
  }
}

function generatorOf(options: { generator?: Generator } | undefined, fn: string): Generator {
  const g = optionsArg(options, fn).generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new TypeError(`argument 'generator' must be torch.Generator, not ${pyTypeName(g)}`);
  return g;
}

/** PyTorch's error for a sampling kernel that has no integral version. */
function requireFloating(dtype: DType, kernel: string): DType {
  if (!dtype.isFloatingPoint) throw new Error(`"${kernel}" not implemented for '${legacyScalarName(dtype)}'`);
  return dtype;
}

function floatDtype(options: TensorOptions, kernel: string): DType {
  return requireFloating(options.dtype ?? getDefaultDtype(), kernel);
}

/** `torch.rand(...size, { dtype, generator, requiresGrad })`: uniform on [0, 1). */
export function rand(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const { shape, options } = parseSizeArgs(args, 'rand') as { shape: number[]; options: RandomOptions };
  const out = emptyTensor(shape, floatDtype(options, 'check_uniform_bounds'));
  fillUniform(generatorOf(options, 'rand'), out.storage_.data as FloatArray);
  return finishFactory(out, options);
}

/** `torch.randn(...size, { dtype, generator, requiresGrad })`: standard normal. */
export function randn(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const { shape, options } = parseSizeArgs(args, 'randn') as { shape: number[]; options: RandomOptions };
  const out = emptyTensor(shape, floatDtype(options, 'normal_kernel_cpu'));
  fillNormal(generatorOf(options, 'randn'), out.storage_.data as FloatArray);
  return finishFactory(out, options);
}

/** The options of a `*_like` sampler: the input's dtype unless another is given. */
function likeOptions(input: Tensor, value: RandomOptions | undefined, fn: string): RandomOptions {
  checkTensor(input, fn);
  const { dtype, generator, requiresGrad, device } = optionsArg(value, fn);
  return { dtype: dtype ?? input.dtype, generator, requiresGrad, device };
}

export function randLike(input: Tensor, options?: RandomOptions): Tensor {
  const opts = likeOptions(input, options, 'rand_like');
  return rand(input.shape, opts);
}

export function randnLike(input: Tensor, options?: RandomOptions): Tensor {
  const opts = likeOptions(input, options, 'randn_like');
  return randn(input.shape, opts);
}

const RANDINT_OPTIONS = 'torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad';
const RANDINT_SIGNATURES = [
  `(int high, tuple of ints size, *, torch.Generator generator, Tensor out, ${RANDINT_OPTIONS})`,
  `(int high, tuple of ints size, *, Tensor out, ${RANDINT_OPTIONS})`,
  `(int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out, ${RANDINT_OPTIONS})`,
  `(int low, int high, tuple of ints size, *, Tensor out, ${RANDINT_OPTIONS})`,
];

/** `torch.randint(high, size)` or `torch.randint(low, high, size)`; int64 unless a dtype is given. */
export function randint(high: number | bigint, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number | bigint, high: number | bigint, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(...args: unknown[]): Tensor {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && (last === null || (typeof last === 'object' && !Array.isArray(last)));
  const options = checkOptions((hasOptions ? args.pop() : {}) as RandomOptions, 'randint');
  const size = args.pop();
  const isInt = (v: unknown): boolean => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
  if (!Array.isArray(size) || args.length < 1 || args.length > 2 || !args.every(isInt)) {
    throw invalidArguments('randint', [...args, size], RANDINT_SIGNATURES);
  }
  checkSizes(size);
  const [low, high] = (args.length === 1 ? [0, args[0]] : args) as (number | bigint)[];
  const dtype = options.dtype ?? int64;
  const out = emptyTensor(size, dtype);
  fillRandint(generatorOf(options, 'randint'), out.storage_.data, low, high, { dtype: dtype.name as RandomDTypeName });
  return finishFactory(out, options);
}

export function randintLike(input: Tensor, low: number, high: number, options?: RandomOptions): Tensor {
  const opts = likeOptions(input, options, 'randint_like');
  return randint(low, high, input.shape, opts);
}

/** `torch.randperm(n)`: a random permutation of 0..n-1 (int64 unless a dtype is given). */
export function randperm(n: number, value?: RandomOptions): Tensor {
  intArg(n, 'randperm', 'n', 1);
  checkSizes([n]);
  const options = checkOptions(value, 'randperm');
  const dtype = options.dtype ?? int64;
  const out = emptyTensor([n], dtype);
  fillRandperm(generatorOf(options, 'randperm'), out.storage_.data, dtype.name as RandomDTypeName);
  return finishFactory(out, options);
}

/**
 * Writes values drawn by `fill` into `self`, visiting elements in memory order as PyTorch's kernels
 * do (so a transposed tensor gets the same values at the same addresses as in PyTorch).
 */
function fillInMemoryOrder(self: Tensor, fill: (out: Float32Array | Float64Array | Tensor['storage_']['data'], contiguous: boolean) => void): Tensor {
  return applyInplace(self, (current) => {
    const n = current.numel();
    const offsets = elementOffsets(self.shape_, self.strides_, self.offset_);
    const out = emptyTensor(current.shape, current.dtype);
    if (offsets === null) {
      fill(out.storage_.data, true);
      return out;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => offsets[a] - offsets[b]);
    const drawn = emptyTensor([n], current.dtype);
    fill(drawn.storage_.data, false);
    const src = drawn.storage_.data as unknown as (number | bigint)[];
    const dst = out.storage_.data as unknown as (number | bigint)[];
    order.forEach((logical, k) => (dst[logical] = src[k]));
    return out;
  });
}

function checkFloatTensor(self: Tensor, kernel: string): void {
  requireFloating(self.dtype, kernel);
}

Tensor.prototype.uniform_ = function (this: Tensor, from = 0, to = 1, options?: { generator?: Generator }) {
  const low = floatArg(from, 'uniform_', 'from', 1);
  const high = floatArg(to, 'uniform_', 'to', 2);
  checkFloatTensor(this, 'check_uniform_bounds');
  const gen = generatorOf(options, 'uniform_');
  return fillInMemoryOrder(this, (out) => fillUniform(gen, out as FloatArray, low, high));
};

Tensor.prototype.normal_ = function (this: Tensor, mean = 0, std = 1, options?: { generator?: Generator }) {
  const mu = floatArg(mean, 'normal_', 'mean', 1);
  const sigma = floatArg(std, 'normal_', 'std', 2);
  checkFloatTensor(this, 'normal_kernel_cpu');
  const gen = generatorOf(options, 'normal_');
  return fillInMemoryOrder(this, (out, contiguous) => fillNormal(gen, out as FloatArray, mu, sigma, contiguous));
};

Tensor.prototype.exponential_ = function (this: Tensor, lambd = 1, options?: { generator?: Generator }) {
  const rate = floatArg(lambd, 'exponential_', 'lambd', 1);
  checkFloatTensor(this, 'exponential_cpu');
  const gen = generatorOf(options, 'exponential_');
  return fillInMemoryOrder(this, (out) => fillExponential(gen, out as FloatArray, rate));
};

/** Exclusive upper bound of `random_()` without bounds (PyTorch's uniform_int transform). */
const DEFAULT_RANDOM_RANGE: Record<string, bigint> = {
  bool: 2n, uint8: 256n, int8: 128n, int16: 32768n, int32: 2147483648n, int64: 1n << 63n,
  float32: (1n << 24n) + 1n, float64: (1n << 53n) + 1n,
};

Tensor.prototype.random_ = function (
  this: Tensor,
  from?: number | bigint | { generator?: Generator },
  to?: number | bigint,
  options?: { generator?: Generator },
) {
  const dtype = this.dtype;
  if (from === undefined || from === null || typeof from === 'object') {
    const gen = generatorOf(from, 'random_');
    // int64 and float64 fold a 64-bit draw, the other dtypes a 32-bit one.
    const wide = dtype === int64 || dtype === float64;
    const range = DEFAULT_RANDOM_RANGE[dtype.name];
    return fillInMemoryOrder(this, (out) => {
      const dst = out as unknown as (number | bigint)[];
      for (let i = 0; i < out.length; i++) {
        const v = (wide ? gen.random64() : BigInt(gen.random())) % range;
        dst[i] = dtype === int64 ? v : Number(v);
      }
    });
  }
  const [low, high] = to === undefined ? [0, from] : [from, to];
  const gen = generatorOf(options, 'random_');
  return fillInMemoryOrder(this, (out) => fillRandint(gen, out, low, high, { dtype: dtype.name as RandomDTypeName }));
};

Tensor.prototype.bernoulli_ = function (this: Tensor, p: number | Tensor = 0.5, options?: { generator?: Generator }) {
  if (!(p instanceof Tensor) && typeof p !== 'number') throw new TypeError(`bernoulli_(): argument 'p' must be float or Tensor, not ${pyTypeName(p)}`);
  const gen = generatorOf(options, 'bernoulli_');
  if (p instanceof Tensor) {
    const probs = castTensor(p.expand(this.shape), p.dtype === float32 ? float32 : float64).storage_.data as FloatArray;
    return fillInMemoryOrder(this, (out) => fillBernoulli(gen, out, probs));
  }
  return fillInMemoryOrder(this, (out) => fillBernoulli(gen, out, p));
};

Tensor.prototype.bernoulli = function (this: Tensor, options?: { generator?: Generator }): Tensor {
  return bernoulli(this, options);
};

Tensor.prototype.multinomial = function (this: Tensor, numSamples: number, options = {}): Tensor {
  return multinomial(this, numSamples, options);
};

/** `torch.bernoulli(probs)`: 0/1 samples (of probs' dtype) with the given probabilities. */
export function bernoulli(input: Tensor, options: { generator?: Generator } = {}): Tensor {
  checkTensor(input, 'bernoulli');
  checkFloatTensor(input, 'bernoulli_tensor_cpu_p_');
  const out = emptyTensor(input.shape, input.dtype);
  fillBernoulli(generatorOf(options, 'bernoulli'), out.storage_.data, input.contiguous().detach().contiguousData() as FloatArray);
  return out;
}

/** `torch.multinomial(input, numSamples, { replacement, generator })` for 1-D or 2-D weights. */
export function multinomial(input: Tensor, numSamples: number, opts?: { replacement?: boolean; generator?: Generator }): Tensor {
  checkTensor(input, 'multinomial');
  intArg(numSamples, 'multinomial', 'num_samples', 2);
  const options = optionsArg(opts, 'multinomial');
  const replacement = boolOption(options.replacement, 'multinomial', 'replacement') ?? false;
  if (input.dim() < 1 || input.dim() > 2) throw new Error('prob_dist must be 1 or 2 dim');
  if (!input.dtype.isFloatingPoint) throw new Error(`multinomial only supports floating-point dtypes for input, got: ${legacyScalarName(input.dtype)}`);
  const categories = input.shape[input.dim() - 1];
  const probs = input.detach().contiguousData() as FloatArray;
  const samples = sampleMultinomial(generatorOf(options, 'multinomial'), probs, categories, numSamples, replacement);
  const shape = input.dim() === 1 ? [numSamples] : [input.shape[0], numSamples];
  const out = emptyTensor(shape, int64);
  const dst = out.storage_.data as BigInt64Array;
  samples.forEach((v, i) => (dst[i] = BigInt(v)));
  return out;
}

/**
 * `torch.normal(mean, std)` with tensors (elementwise), or `torch.normal(mean, std, size)` with numbers.
 */
const NORMAL_SIGNATURES = [
  '(Tensor mean, Tensor std, *, torch.Generator generator, Tensor out)',
  '(Tensor mean, float std, *, torch.Generator generator, Tensor out)',
  '(float mean, Tensor std, *, torch.Generator generator, Tensor out)',
  '(float mean, float std, tuple of ints size, *, torch.Generator generator, Tensor out, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad)',
];

export function normal(mean: number | Tensor, std: number | Tensor, size?: readonly number[], value?: RandomOptions): Tensor {
  const options = checkOptions(value, 'normal');
  const gen = generatorOf(options, 'normal');
  if (typeof mean === 'number' && typeof std === 'number') {
    if (!Array.isArray(size)) throw new TypeError('normal(): with number mean and std, a size is required');
    checkSizes(size);
    const out = emptyTensor(size, floatDtype(options, 'normal_kernel_cpu'));
    out.normal_(mean, std, { generator: gen });
    return finishFactory(out, options);
  }
  // Tensor forms draw standard normals for the broadcast shape, then scale and shift (PyTorch's order).
  const tensorForm = (mean instanceof Tensor && (std instanceof Tensor || typeof std === 'number')) || (typeof mean === 'number' && std instanceof Tensor);
  if (!tensorForm || size !== undefined) throw invalidArguments('normal', [mean, std, ...(size === undefined ? [] : [size])], NORMAL_SIGNATURES);
  const meanT = mean instanceof Tensor ? mean : null;
  const stdT = std instanceof Tensor ? std : null;
  const ref = (meanT ?? stdT) as Tensor;
  const shape = meanT && stdT ? (meanT.numel() >= stdT.numel() ? meanT.shape : stdT.shape) : ref.shape;
  const out = emptyTensor(shape, ref.dtype === bool ? getDefaultDtype() : ref.dtype);
  out.normal_(0, 1, { generator: gen });
  return out.mul(std).add(mean);
}
