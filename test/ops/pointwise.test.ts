// Pointwise ops against PyTorch: every case of test/golden/pointwise.json (tools/golden/gen_pointwise.py),
// replayed by the op harness (forward values, dtype and shape, grad_fn, gradients, second derivatives,
// error messages). Each key below does what the generator's call of the same key does in PyTorch.
import * as torch from 'tstorch';
import type { Tensor, Scalar } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

type Operand = Tensor | Scalar;
/** A layout code of the generator: 1 transpose(-1, -2), 2 every other element of the last dim, [3, shape] expand. */
type Layout = null | 1 | 2 | [3, number[]];

interface Extra {
  layout?: Layout[];
  /** A scalar operand (null or a list in the wrong-type cases) and its position among the tensors. */
  s?: Scalar | null | Scalar[];
  pos?: number;
  /** Python keyword arguments. */
  kw?: { alpha?: number; min?: Scalar; max?: Scalar; nan?: number; posinf?: number; neginf?: number; rtol?: number; atol?: number; equal_nan?: boolean };
  self?: Layout;
  decimals?: number;
  a?: Scalar;
  b?: Scalar;
}

const TRANSPOSE = 1;
const STEP = 2;

function layout(x: Tensor, spec: Layout | undefined): Tensor {
  if (spec === null || spec === undefined) return x;
  if (spec === TRANSPOSE) return x.transpose(-1, -2);
  if (spec === STEP) return x.slice(-1, 0, null, 2);
  return x.expand(spec[1]);
}

/** The tensors with the case's scalar operand spliced in, as the generator's `operands`. */
function operands(xs: Tensor[], e: Extra): Operand[] {
  const args: Operand[] = [...xs];
  // Wrong-type operands go through as they are: the ops' own checks reject them.
  if (e.s !== undefined) args.splice(e.pos ?? 1, 0, e.s as Scalar);
  return args;
}

type Fn1 = (x: Tensor) => Tensor;
type Fn2 = (a: Operand, b: Operand, options: { alpha?: number }) => Tensor;

const UNARY: Record<string, Fn1> = {
  exp: torch.exp, exp2: torch.exp2, expm1: torch.expm1, log: torch.log, log2: torch.log2, log10: torch.log10,
  log1p: torch.log1p, sqrt: torch.sqrt, rsqrt: torch.rsqrt, sin: torch.sin, cos: torch.cos, tan: torch.tan,
  asin: torch.asin, acos: torch.acos, atan: torch.atan, sinh: torch.sinh, cosh: torch.cosh, tanh: torch.tanh,
  asinh: torch.asinh, acosh: torch.acosh, atanh: torch.atanh, erf: torch.erf, sigmoid: torch.sigmoid,
  reciprocal: torch.reciprocal, relu: torch.relu, neg: torch.neg, abs: torch.abs, sign: torch.sign, sgn: torch.sgn,
  floor: torch.floor, ceil: torch.ceil, trunc: torch.trunc, frac: torch.frac, square: torch.square,
  round: (x) => torch.round(x), isnan: torch.isnan, isinf: torch.isinf, isfinite: torch.isfinite,
  isposinf: torch.isposinf, isneginf: torch.isneginf, signbit: torch.signbit, logical_not: torch.logicalNot,
  bitwise_not: torch.bitwiseNot,
};

// Some take only tensors as input in their types; the generator also records what they do otherwise.
const BINARY: Record<string, Fn2> = {
  add: (a, b, o) => torch.add(a, b, o),
  sub: (a, b, o) => torch.sub(a, b, o),
  mul: (a, b) => torch.mul(a, b),
  div: (a, b) => torch.div(a, b),
  true_divide: (a, b) => torch.trueDivide(a, b),
  floor_divide: (a, b) => torch.floorDivide(a, b),
  remainder: (a, b) => torch.remainder(a, b),
  fmod: (a, b) => torch.fmod(a as Tensor, b),
  pow: (a, b) => torch.pow(a, b),
  atan2: (a, b) => torch.atan2(a as Tensor, b as Tensor),
  maximum: (a, b) => torch.maximum(a as Tensor, b as Tensor),
  minimum: (a, b) => torch.minimum(a as Tensor, b as Tensor),
  fmax: (a, b) => torch.fmax(a as Tensor, b as Tensor),
  fmin: (a, b) => torch.fmin(a as Tensor, b as Tensor),
  eq: (a, b) => torch.eq(a as Tensor, b),
  ne: (a, b) => torch.ne(a as Tensor, b),
  lt: (a, b) => torch.lt(a as Tensor, b),
  le: (a, b) => torch.le(a as Tensor, b),
  gt: (a, b) => torch.gt(a as Tensor, b),
  ge: (a, b) => torch.ge(a as Tensor, b),
  logical_and: (a, b) => torch.logicalAnd(a as Tensor, b as Tensor),
  logical_or: (a, b) => torch.logicalOr(a as Tensor, b as Tensor),
  logical_xor: (a, b) => torch.logicalXor(a as Tensor, b as Tensor),
  bitwise_and: (a, b) => torch.bitwiseAnd(a, b),
  bitwise_or: (a, b) => torch.bitwiseOr(a, b),
  bitwise_xor: (a, b) => torch.bitwiseXor(a, b),
};

const alphaOf = (e: Extra): { alpha?: number } => (e.kw?.alpha === undefined ? {} : { alpha: e.kw.alpha });
const closeOptions = (e: Extra): { rtol?: number; atol?: number; equalNan?: boolean } => ({
  rtol: e.kw?.rtol, atol: e.kw?.atol, equalNan: e.kw?.equal_nan,
});

/** Calls a binary function with the case's operands and its alpha, if any. */
function binary(fn: Fn2, xs: Tensor[], e: Extra): Tensor {
  const [a, b] = operands(xs, e);
  return fn(a, b, alphaOf(e));
}

/** The in-place form on a copy of xs[0] (laid out as e.self): the result and the copy's version counter. */
function inplace(xs: Tensor[], e: Extra, apply: (self: Tensor, args: Operand[]) => Tensor): Tensor[] {
  const self = layout(xs[0].clone(), e.self);
  const result = apply(self, operands(xs, e).slice(1));
  return [result, torch.tensor(BigInt(self.version))];
}

type Call = (xs: Tensor[], e: Extra) => Tensor | Tensor[];

const calls: Record<string, Call> = {
  nan_to_num: ([x], e) => torch.nanToNum(x, e.kw?.nan, e.kw?.posinf, e.kw?.neginf),
  'round.decimals': ([x], e) => torch.round(x, { decimals: e.decimals }),
  'div.trunc': (xs, e) => { const [a, b] = operands(xs, e); return torch.div(a, b, { roundingMode: 'trunc' }); },
  'div.floor': (xs, e) => { const [a, b] = operands(xs, e); return torch.div(a, b, { roundingMode: 'floor' }); },
  // An invalid mode, as a user without type checking could pass it.
  'div.round': ([a, b]) => torch.div(a, b, { roundingMode: 'round' as torch.RoundingMode }),
  'backward.floor_divide': (xs, e) => { const [a, b] = operands(xs, e); return torch.autograd.grad(torch.floorDivide(a, b).sum(), xs) as Tensor[]; },
  'backward.remainder': (xs, e) => { const [a, b] = operands(xs, e); return torch.autograd.grad(torch.remainder(a, b).sum(), xs) as Tensor[]; },
  'sqrt.of_product': ([x], e) => torch.sqrt(x.mul(e.s as Scalar)),
  // Method forms and aliases.
  'method.add': ([x, y], e) => x.add(y, alphaOf(e)),
  'method.sub': ([x, y], e) => x.sub(y, alphaOf(e)),
  'method.subtract': ([x, y]) => x.subtract(y),
  'method.mul': ([x, y]) => x.mul(y),
  'method.multiply': ([x, y]) => x.multiply(y),
  'method.div.floor': ([x, y]) => x.div(y, { roundingMode: 'floor' }),
  'method.divide': ([x, y]) => x.divide(y),
  'method.pow': (xs, e) => xs[0].pow(operands(xs, e)[1]),
  'method.arctan2': ([x, y]) => x.arctan2(y),
  'method.exp': ([x]) => x.exp(),
  'method.negative': ([x]) => x.negative(),
  'method.fix': ([x]) => x.fix(),
  'method.clip': (xs, e) => xs[0].clip(operands(xs, e)[1], e.kw?.max),
  'method.where': ([c, x, y]) => x.where(c, y),
  rsub: (xs, e) => { const [a, b] = operands(xs, e); return torch.rsub(a as Tensor, b, alphaOf(e)); },
  where: (xs, e) => { const [c, a, b] = operands(xs, e); return torch.where(c as Tensor, a, b); },
  'where.scalars': ([c], e) => torch.where(c, e.a as Scalar, e.b as Scalar),
  lerp: (xs, e) => { const [a, b, w] = operands(xs, e); return torch.lerp(a as Tensor, b as Tensor, w); },
  clamp: ([x], e) => torch.clamp(x, e.kw?.min, e.kw?.max),
  'clamp.tmin': ([x, lo], e) => torch.clamp(x, lo, e.kw?.max),
  'clamp.tmax': ([x, hi], e) => torch.clamp(x, e.kw?.min, hi),
  'clamp.tboth': ([x, lo, hi]) => torch.clamp(x, lo, hi),
  clamp_min: (xs, e) => torch.clampMin(xs[0], operands(xs, e)[1]),
  clamp_max: (xs, e) => torch.clampMax(xs[0], operands(xs, e)[1]),
  isclose: ([x, y], e) => torch.isclose(x, y, closeOptions(e)),
  allclose: ([x, y], e) => torch.tensor(torch.allclose(x, y, closeOptions(e))),
  equal: ([x, y]) => torch.tensor(torch.equal(x, y)),
  // In-place forms.
  add_: (xs, e) => inplace(xs, e, (t, [o]) => t.add_(o, alphaOf(e))),
  sub_: (xs, e) => inplace(xs, e, (t, [o]) => t.sub_(o, alphaOf(e))),
  mul_: (xs, e) => inplace(xs, e, (t, [o]) => t.mul_(o)),
  div_: (xs, e) => inplace(xs, e, (t, [o]) => t.div_(o)),
  'div_.floor': (xs, e) => inplace(xs, e, (t, [o]) => t.div_(o, { roundingMode: 'floor' })),
  pow_: (xs, e) => inplace(xs, e, (t, [o]) => t.pow_(o)),
  remainder_: (xs, e) => inplace(xs, e, (t, [o]) => t.remainder_(o)),
  fmod_: (xs, e) => inplace(xs, e, (t, [o]) => t.fmod_(o)),
  atan2_: (xs, e) => inplace(xs, e, (t, [o]) => t.atan2_(o as Tensor)),
  clamp_: (xs, e) => inplace(xs, e, (t) => t.clamp_(e.kw?.min, e.kw?.max)),
  'inplace.version_chain': ([x, y]) => {
    const c = x.clone();
    return [c.add_(1).mul_(y).sub_(y, { alpha: 2 }), torch.tensor(BigInt(c.version))];
  },
  'inplace.view': ([x, y]) => {
    const c = x.clone();
    const v = c.slice(1, 0, null, 2).mul_(y);
    return [v, c, torch.tensor(BigInt(c.version))];
  },
};

/** The sign bits, which show -0; nan's is left out (x86 makes the nans of invalid operations negative). */
const signbit = (t: Tensor): Tensor => torch.signbit(torch.nanToNum(t));

for (const [name, fn] of Object.entries(UNARY)) {
  calls[name] = ([x]) => fn(x);
  calls[`signbit.${name}`] = ([x]) => signbit(fn(x));
}
for (const [name, fn] of Object.entries(BINARY)) {
  calls[name] = (xs, e) => binary(fn, xs, e);
  calls[`signbit.${name}`] = (xs, e) => signbit(binary(fn, xs, e));
  calls[`scalars.${name}`] = (_xs, e) => fn(e.a as Scalar, e.b as Scalar, {});
}

// `op@kink` cases call op at points where it is not differentiable: PyTorch's conventions there are
// checked against its recorded gradients, but finite differences cannot check them.
const KINKS: Record<string, string> = {
  relu: 'relu at 0', abs: 'abs at 0', sqrt: 'sqrt at 0 and below', sign: 'sign at 0',
  'div.trunc': 'rounding division is piecewise constant, with jumps at the sampled points',
  'div.floor': 'rounding division is piecewise constant, with jumps at the sampled points',
  remainder: 'jumps where the quotient is an integer', fmod: 'jumps where the quotient is an integer',
  pow: 'x ** y at x <= 0', atan2: 'atan2 at the origin',
};
for (const key of Object.keys(KINKS)) calls[`${key}@kink`] = calls[key];

/** Applies the case's layouts to its inputs before the call. */
function withLayouts(call: Call): OpCall {
  return (xs, extra) => {
    const e = extra as Extra;
    return call(xs.map((x, i) => layout(x, e.layout?.[i])), e);
  };
}

runOpFixture('pointwise', Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, withLayouts(c)])), {
  skipGradcheck: Object.fromEntries(Object.keys(KINKS).map((k) => [`${k}@kink`, KINKS[k]])),
});
