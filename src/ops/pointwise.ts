// Unary pointwise ops, each one definition: kernel, result dtype rule, grad_fn name and backward
// formula (written with differentiable ops, so higher-order gradients work).
import { DType, bool, float32, toFloatingDtype } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { record } from '../autograd/record.js';
import { optionsArg } from '../tensor/args.js';
import { binaryInto, binaryKernel, checkTensor, precisionOf, unaryKernel, type Kernel1 } from './elementwise.js';
import { mayOverwriteGradient } from '../autograd/steal-policy.js';
import { zerosLike } from '../tensor/factory.js';
import { erf as erfOf, relu as reluOf, reluBackward, sigmoid as sigmoidOf } from '../backends/js/elementwise.js';

type UnaryName =
  | 'exp' | 'exp2' | 'expm1' | 'log' | 'log2' | 'log10' | 'log1p' | 'sqrt' | 'rsqrt' | 'sin' | 'cos' | 'tan'
  | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'tanh' | 'sigmoid' | 'reciprocal' | 'relu' | 'neg' | 'abs'
  | 'sign' | 'floor' | 'ceil' | 'trunc' | 'frac' | 'isnan' | 'isinf' | 'isfinite' | 'logicalNot'
  | 'bitwiseNot' | 'asinh' | 'acosh' | 'atanh' | 'erf' | 'sgn' | 'signbit' | 'isposinf' | 'isneginf';

declare module '../tensor/tensor.js' {
  interface Tensor {
    exp(): Tensor; exp2(): Tensor; expm1(): Tensor; log(): Tensor; log2(): Tensor; log10(): Tensor;
    log1p(): Tensor; sqrt(): Tensor; rsqrt(): Tensor; sin(): Tensor; cos(): Tensor; tan(): Tensor;
    asin(): Tensor; acos(): Tensor; atan(): Tensor; sinh(): Tensor; cosh(): Tensor; tanh(): Tensor;
    asinh(): Tensor; acosh(): Tensor; atanh(): Tensor; erf(): Tensor;
    sigmoid(): Tensor; reciprocal(): Tensor; relu(): Tensor; neg(): Tensor; negative(): Tensor; abs(): Tensor;
    sign(): Tensor; sgn(): Tensor; signbit(): Tensor; floor(): Tensor; ceil(): Tensor; trunc(): Tensor; fix(): Tensor; frac(): Tensor;
    square(): Tensor; isnan(): Tensor; isinf(): Tensor; isposinf(): Tensor; isneginf(): Tensor; isfinite(): Tensor;
    logicalNot(): Tensor; bitwiseNot(): Tensor;
    /** Rounds half to even; with `decimals`, rounds to that many decimal places. */
    round(options?: { decimals?: number }): Tensor;
    nanToNum(nan?: number, posinf?: number | null, neginf?: number | null): Tensor;
  }
}

/** Which dtype a unary op's result has. */
type ResultRule =
  | 'float' // floating ops: integral inputs give the default float dtype
  | 'same' // result has the input's dtype
  | 'bool'; // predicates

interface UnaryDef {
  readonly gradFn?: string;
  readonly rule: ResultRule;
  readonly kernel: Kernel1;
  /** The kernel for float32, where ATen's float arithmetic rounds between steps and `kernel` would not. */
  readonly float32Kernel?: Kernel1;
  /** The kernel for bool inputs, where it differs (the kernels see bools as 0 and 1). */
  readonly boolKernel?: Kernel1;
  /** dtypes the op rejects, with PyTorch's message. */
  readonly reject?: (dtype: DType) => string | undefined;
  /** Backward from the gradient, the input and the result; absent for non-differentiable ops. */
  readonly backward?: (g: Tensor, self: Tensor, result: Tensor) => Tensor;
  readonly saves?: readonly ('self' | 'result')[];
}

const LN2 = Math.LN2;
const LN10 = Math.LN10;

/** C's nearbyint: ties to even (Math.round takes ties up; it keeps -0 and the sign of small negatives). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** ATen's (0 < x) - (x < 0): 0 for zeros of either sign and for nan. */
function signOf(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** Ops whose kernel has no bool version; `kernel` is the name in PyTorch's "not implemented" message. */
const noBool = (kernel: string) => (d: DType) => (d === bool ? `"${kernel}" not implemented for 'Bool'` : undefined);

/**
 * relu's gradient, `grad` where the result is positive (or nan) and 0 elsewhere: ATen's
 * threshold_backward, differentiable itself (in grad; its derivative in the result is 0).
 */
function thresholdBackward(grad: Tensor, result: Tensor): Tensor {
  // Written over the incoming gradient when the engine says nothing else reads it (each ReLU's
  // backward then needs no memory of its own), else into a new tensor.
  if (mayOverwriteGradient(grad) && binaryInto('reluBackward', grad, result)) return grad;
  const out = binaryKernel(grad, result, { num: reluBackward, name: 'reluBackward' }, grad.dtype, grad.dtype);
  record({
    name: 'ThresholdBackwardBackward0',
    inputs: [grad, result],
    outputs: [out],
    save: [result],
    backward: ([gg], [r], needs) => [needs[0] ? thresholdBackward(gg as Tensor, r) : null, needs[1] ? zerosLike(gg as Tensor) : null],
  });
  return out;
}

/**
 * g * factor for a formula that reads its incoming gradient g once: written over g when the engine
 * says nothing else reads it and the factor is in memory; a deferred factor (src/ops/fusion.ts) is
 * left to the fused product, which writes once without computing the factor into memory first.
 */
function gradientTimes(g: Tensor, factor: Tensor): Tensor {
  if (factor.storage_.pending === null && mayOverwriteGradient(g) && binaryInto('mul', g, factor)) return g;
  return g.mul(factor);
}

/** Zero gradient for piecewise-constant ops. */
const zeroGrad = (g: Tensor) => zerosLike(g);

const bigAbs = (x: bigint) => (x < 0n ? -x : x);
const bigSign = (x: bigint) => (x > 0n ? 1n : x < 0n ? -1n : 0n);

const UNARY: Record<UnaryName, UnaryDef> = {
  exp: { gradFn: 'ExpBackward0', rule: 'float', kernel: { num: Math.exp, name: 'exp' }, saves: ['result'], backward: (g, _x, r) => gradientTimes(g, r) },
  exp2: { gradFn: 'Exp2Backward0', rule: 'float', kernel: { num: (x) => Math.pow(2, x) }, saves: ['result'], backward: (g, _x, r) => g.mul(r).mul(LN2) },
  expm1: { gradFn: 'Expm1Backward0', rule: 'float', kernel: { num: Math.expm1 }, saves: ['result'], backward: (g, _x, r) => g.mul(r.add(1)) },
  log: { gradFn: 'LogBackward0', rule: 'float', kernel: { num: Math.log, name: 'log' }, saves: ['self'], backward: (g, x) => g.div(x) },
  log2: { gradFn: 'Log2Backward0', rule: 'float', kernel: { num: Math.log2 }, saves: ['self'], backward: (g, x) => g.div(x.mul(LN2)) },
  log10: { gradFn: 'Log10Backward0', rule: 'float', kernel: { num: Math.log10 }, saves: ['self'], backward: (g, x) => g.div(x.mul(LN10)) },
  log1p: { gradFn: 'Log1PBackward0', rule: 'float', kernel: { num: Math.log1p }, saves: ['self'], backward: (g, x) => g.div(x.add(1)) },
  sqrt: { gradFn: 'SqrtBackward0', rule: 'float', kernel: { num: Math.sqrt, name: 'sqrt' }, saves: ['result'], backward: (g, _x, r) => g.div(r.mul(2)) },
  rsqrt: {
    gradFn: 'RsqrtBackward0', rule: 'float', kernel: { num: (x) => 1 / Math.sqrt(x) },
    // ATen's float rsqrt divides 1 by the float square root: two roundings.
    float32Kernel: { num: (x) => 1 / Math.fround(Math.sqrt(x)) },
    saves: ['result'], backward: (g, _x, r) => r.pow(3).mul(g).mul(-0.5),
  },
  sin: { gradFn: 'SinBackward0', rule: 'float', kernel: { num: Math.sin }, saves: ['self'], backward: (g, x) => g.mul(x.cos()) },
  cos: { gradFn: 'CosBackward0', rule: 'float', kernel: { num: Math.cos }, saves: ['self'], backward: (g, x) => g.mul(x.sin().neg()) },
  tan: { gradFn: 'TanBackward0', rule: 'float', kernel: { num: Math.tan }, saves: ['result'], backward: (g, _x, r) => g.mul(r.pow(2).add(1)) },
  asin: { gradFn: 'AsinBackward0', rule: 'float', kernel: { num: Math.asin }, saves: ['self'], backward: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()) },
  acos: { gradFn: 'AcosBackward0', rule: 'float', kernel: { num: Math.acos }, saves: ['self'], backward: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()).neg() },
  atan: { gradFn: 'AtanBackward0', rule: 'float', kernel: { num: Math.atan }, saves: ['self'], backward: (g, x) => g.div(x.mul(x).add(1)) },
  sinh: { gradFn: 'SinhBackward0', rule: 'float', kernel: { num: Math.sinh }, saves: ['self'], backward: (g, x) => g.mul(x.cosh()) },
  cosh: { gradFn: 'CoshBackward0', rule: 'float', kernel: { num: Math.cosh }, saves: ['self'], backward: (g, x) => g.mul(x.sinh()) },
  tanh: { gradFn: 'TanhBackward0', rule: 'float', kernel: { num: Math.tanh, name: 'tanh' }, saves: ['result'], backward: (g, _x, r) => gradientTimes(g, r.mul(r).neg().add(1)) },
  asinh: { gradFn: 'AsinhBackward0', rule: 'float', kernel: { num: Math.asinh }, saves: ['self'], backward: (g, x) => g.mul(x.mul(x).add(1).rsqrt()) },
  acosh: { gradFn: 'AcoshBackward0', rule: 'float', kernel: { num: Math.acosh }, saves: ['self'], backward: (g, x) => g.mul(x.mul(x).sub(1).rsqrt()) },
  atanh: { gradFn: 'AtanhBackward0', rule: 'float', kernel: { num: Math.atanh }, saves: ['self'], backward: (g, x) => g.mul(x.mul(x).neg().add(1).reciprocal()) },
  erf: { gradFn: 'ErfBackward0', rule: 'float', kernel: { num: erfOf, name: 'erf' }, saves: ['self'], backward: (g, x) => g.mul(x.mul(x).neg().exp()).mul(2 / Math.sqrt(Math.PI)) },
  sigmoid: { gradFn: 'SigmoidBackward0', rule: 'float', kernel: { num: sigmoidOf, name: 'sigmoid' }, saves: ['result'], backward: (g, _x, r) => gradientTimes(g, r.mul(r.neg().add(1))) },
  reciprocal: { gradFn: 'ReciprocalBackward0', rule: 'float', kernel: { num: (x) => 1 / x }, saves: ['result'], backward: (g, _x, r) => g.mul(r.mul(r)).neg() },
  relu: {
    gradFn: 'ReluBackward0', rule: 'same', kernel: { num: reluOf, big: (x) => (x < 0n ? 0n : x), name: 'relu' },
    reject: (d) => (d === bool ? 'Boolean inputs not supported for relu' : undefined),
    saves: ['result'], backward: thresholdBackward,
  },
  neg: {
    gradFn: 'NegBackward0', rule: 'same', kernel: { num: (x) => -x, big: (x) => -x, name: 'neg' },
    reject: (d) => (d === bool ? 'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.' : undefined),
    backward: (g) => g.neg(),
  },
  abs: {
    gradFn: 'AbsBackward0', rule: 'same', kernel: { num: Math.abs, big: bigAbs, name: 'abs' }, reject: noBool('abs_cpu'),
    saves: ['self'], backward: (g, x) => g.mul(x.sgn()),
  },
  sign: {
    gradFn: 'SignBackward0', rule: 'same', kernel: { num: signOf, big: bigSign }, backward: zeroGrad,
  },
  sgn: { gradFn: 'SgnBackward0', rule: 'same', kernel: { num: signOf, big: bigSign }, backward: zeroGrad },
  signbit: { rule: 'bool', kernel: { num: (x) => (x < 0 || Object.is(x, -0) ? 1 : 0), big: (x) => (x < 0n ? 1 : 0) } },
  floor: { gradFn: 'FloorBackward0', rule: 'same', kernel: { num: Math.floor, big: (x) => x }, reject: noBool('floor_vml_cpu'), backward: zeroGrad },
  ceil: { gradFn: 'CeilBackward0', rule: 'same', kernel: { num: Math.ceil, big: (x) => x }, reject: noBool('ceil_vml_cpu'), backward: zeroGrad },
  trunc: { gradFn: 'TruncBackward0', rule: 'same', kernel: { num: Math.trunc, big: (x) => x }, reject: noBool('trunc_vml_cpu'), backward: zeroGrad },
  frac: {
    gradFn: 'FracBackward0', rule: 'same', kernel: { num: (x) => x - Math.trunc(x) },
    reject: (d) => (d.isFloatingPoint ? undefined : `"frac_cpu" not implemented for '${legacyScalarName(d)}'`),
    backward: (g) => g,
  },
  isnan: { rule: 'bool', kernel: { num: (x) => (Number.isNaN(x) ? 1 : 0), big: () => 0 } },
  isinf: { rule: 'bool', kernel: { num: (x) => (x === Infinity || x === -Infinity ? 1 : 0), big: () => 0 } },
  isposinf: { rule: 'bool', kernel: { num: (x) => (x === Infinity ? 1 : 0), big: () => 0 } },
  isneginf: { rule: 'bool', kernel: { num: (x) => (x === -Infinity ? 1 : 0), big: () => 0 } },
  isfinite: { rule: 'bool', kernel: { num: (x) => (Number.isFinite(x) ? 1 : 0), big: () => 1 } },
  logicalNot: { rule: 'bool', kernel: { num: (x) => (x === 0 ? 1 : 0), big: (x) => (x === 0n ? 1 : 0) } },
  bitwiseNot: {
    // On bool, ~ is logical not (the kernel sees 0 and 1).
    rule: 'same', kernel: { num: (x) => ~x, big: (x) => ~x }, boolKernel: { num: (x) => (x ? 0 : 1) },
    reject: (d) => (d.isFloatingPoint ? `"bitwise_not_cpu" not implemented for '${legacyScalarName(d)}'` : undefined),
  },
};

/** PyTorch's C++ scalar type names used in "not implemented for" messages. */
export function legacyScalarName(d: DType): string {
  const names: Record<string, string> = {
    bool: 'Bool', uint8: 'Byte', int8: 'Char', int16: 'Short', int32: 'Int', int64: 'Long', float32: 'Float', float64: 'Double',
  };
  return names[d.name];
}

function resultDtype(def: UnaryDef, input: DType): DType {
  if (def.rule === 'bool') return bool;
  if (def.rule === 'float') return toFloatingDtype(input);
  return input;
}

/** PyTorch's name of an op (`logicalNot` is `logical_not`), for messages. */
function pyName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function applyUnary(name: UnaryName, x: Tensor): Tensor {
  // The Python name only for the error: a regular expression per call was a visible share of relu.
  if (!(x instanceof Tensor)) checkTensor(x, pyName(name));
  const def = UNARY[name];
  const rejected = def.reject?.(x.dtype);
  if (rejected) throw new Error(rejected);
  const outDtype = resultDtype(def, x.dtype);
  // Predicates and same-dtype ops compute in the input's dtype; float ops in the result's.
  const computeDtype = def.rule === 'float' ? outDtype : x.dtype === bool && def.rule === 'same' ? bool : x.dtype;
  const kernel = (x.dtype === bool && def.boolKernel) || (computeDtype === float32 && def.float32Kernel) || def.kernel;
  const out = unaryKernel(x, kernel, computeDtype, outDtype);
  if (def.backward && def.gradFn) {
    const backward = def.backward;
    const saves = def.saves ?? [];
    record({
      name: def.gradFn,
      inputs: [x],
      outputs: [out],
      save: saves.map((s) => (s === 'self' ? x : out)),
      backward: ([g], saved) => {
        const self = saves.includes('self') ? saved[saves.indexOf('self')] : x;
        const result = saves.includes('result') ? saved[saves.indexOf('result')] : out;
        return [backward(g as Tensor, self, result)];
      },
    });
  }
  return out;
}

for (const name of Object.keys(UNARY) as UnaryName[]) {
  (Tensor.prototype as unknown as Record<string, () => Tensor>)[name] = function (this: Tensor): Tensor {
    return applyUnary(name, this);
  };
}
Tensor.prototype.negative = Tensor.prototype.neg;
Tensor.prototype.fix = Tensor.prototype.trunc;

Tensor.prototype.square = function (this: Tensor): Tensor {
  // PyTorch's square is pow(x, 2): bool gives int64, the grad_fn is PowBackward0.
  return this.pow(2);
};

Tensor.prototype.round = function (this: Tensor, options?: { decimals?: number }): Tensor {
  const decimals = optionsArg(options, 'round').decimals;
  if (decimals !== undefined && !Number.isInteger(decimals)) {
    throw new TypeError(`round(): argument 'decimals' must be int, not ${pyTypeName(decimals)}`);
  }
  const dtype = this.dtype;
  if (!dtype.isFloatingPoint) {
    // round() returns integers as they are; round(decimals=...) has no integral kernel, nor has bool.
    if (decimals === undefined && dtype !== bool) return this.clone();
    throw new Error(`"${decimals ? 'round_cpu' : 'round_vml_cpu'}" not implemented for '${legacyScalarName(dtype)}'`);
  }
  // ATen scales by 10**decimals (or divides by 10**-decimals) in the tensor's dtype, rounds half to even, scales back.
  const r = precisionOf(dtype);
  const scale = r(Math.pow(10, Math.abs(decimals ?? 0)));
  const kernel: Kernel1 =
    !decimals
      ? { num: roundHalfEven }
      : decimals > 0
        ? { num: (x) => r(roundHalfEven(r(x * scale)) / scale) }
        : { num: (x) => r(roundHalfEven(r(x / scale)) * scale) };
  const out = unaryKernel(this, kernel, dtype, dtype);
  record({
    name: decimals === undefined ? 'RoundBackward0' : 'RoundBackward1',
    inputs: [this],
    outputs: [out],
    backward: ([g]) => [zerosLike(g as Tensor)],
  });
  return out;
};

/** The largest finite float32 (nan_to_num's default for +inf in float32). */
const FLOAT32_MAX = 3.4028234663852886e38;

Tensor.prototype.nanToNum = function (this: Tensor, nan = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
  for (const [arg, value] of [['nan', nan], ['posinf', posinf], ['neginf', neginf]] as const) {
    if (value !== null && typeof value !== 'number') throw new TypeError(`nan_to_num(): argument '${arg}' must be float, not ${pyTypeName(value)}`);
  }
  if (!this.dtype.isFloatingPoint) return this.clone();
  const max = this.dtype === float32 ? FLOAT32_MAX : Number.MAX_VALUE;
  const pos = posinf ?? max;
  const neg = neginf ?? -max;
  const out = unaryKernel(this, { num: (x) => (Number.isNaN(x) ? nan : x === Infinity ? pos : x === -Infinity ? neg : x) }, this.dtype, this.dtype);
  record({ name: 'NanToNumBackward0', inputs: [this], outputs: [out], save: [this], backward: ([g], [x]) => [(g as Tensor).mul(x.isfinite())] });
  return out;
};

/** `torch.<name>(input)` for each unary op. */
function fn(name: UnaryName): (input: Tensor) => Tensor {
  return (input) => applyUnary(name, input);
}

export const exp = fn('exp');
export const exp2 = fn('exp2');
export const expm1 = fn('expm1');
export const log = fn('log');
export const log2 = fn('log2');
export const log10 = fn('log10');
export const log1p = fn('log1p');
export const sqrt = fn('sqrt');
export const rsqrt = fn('rsqrt');
export const sin = fn('sin');
export const cos = fn('cos');
export const tan = fn('tan');
export const asin = fn('asin');
export const acos = fn('acos');
export const atan = fn('atan');
export const sinh = fn('sinh');
export const cosh = fn('cosh');
export const tanh = fn('tanh');
export const asinh = fn('asinh');
export const acosh = fn('acosh');
export const atanh = fn('atanh');
export const erf = fn('erf');
export const sigmoid = fn('sigmoid');
export const reciprocal = fn('reciprocal');
export const relu = fn('relu');
export const neg = fn('neg');
export const negative = neg;
export const abs = fn('abs');
export const sign = fn('sign');
export const sgn = fn('sgn');
export const signbit = fn('signbit');
export const floor = fn('floor');
export const ceil = fn('ceil');
export const trunc = fn('trunc');
export const fix = trunc;
export const frac = fn('frac');
export function square(input: Tensor): Tensor {
  checkTensor(input, 'square');
  return input.square();
}
export const isnan = fn('isnan');
export const isinf = fn('isinf');
export const isposinf = fn('isposinf');
export const isneginf = fn('isneginf');
export const isfinite = fn('isfinite');
export const logicalNot = fn('logicalNot');
export const bitwiseNot = fn('bitwiseNot');

export function round(input: Tensor, options?: { decimals?: number }): Tensor {
  checkTensor(input, 'round');
  return input.round(options);
}

export function nanToNum(input: Tensor, nan?: number, posinf?: number | null, neginf?: number | null): Tensor {
  checkTensor(input, 'nan_to_num');
  return input.nanToNum(nan, posinf, neginf);
}
