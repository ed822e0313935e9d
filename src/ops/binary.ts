// Binary and ternary pointwise ops: arithmetic, comparisons, logical and bitwise ops, where, lerp, clamp.
// Backward formulas follow PyTorch 2.x's derivatives.yaml, so gradients (and which of them are
// themselves differentiable) agree at every point, including the conventions of spec 10.3.
import { DType, bool, float32, int32, int64, getDefaultDtype, scalarKindDtype } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/layout.js';
import { scalarTensor, zerosLike, type Scalar } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { boolOption, floatArg, optionsArg } from '../tensor/args.js';
import { crossSaved, mayRecord, record } from '../autograd/record.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { BackwardFormula } from '../autograd/node.js';
import {
  asOperand,
  binaryKernel,
  binaryResultType,
  castTensor,
  checkOperand,
  checkTensor,
  invalidArguments,
  isScalar,
  precisionOf,
  resultTypeOf,
  ternaryKernel,
  unaryKernel,
  type Kernel1,
  type Kernel2,
  type TensorOrScalar,
} from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import type { Element } from '../tensor/storage.js';
import { maximum as maximumOf, minimum as minimumOf } from '../backends/js/elementwise.js';

export type RoundingMode = 'trunc' | 'floor' | null;

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    sub(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    subtract(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    /** `other - alpha * this` (PyTorch's `rsub`, used for `1 - x`). */
    rsub(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    mul(other: TensorOrScalar): Tensor;
    multiply(other: TensorOrScalar): Tensor;
    div(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor;
    divide(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor;
    trueDivide(other: TensorOrScalar): Tensor;
    floorDivide(other: TensorOrScalar): Tensor;
    pow(exponent: TensorOrScalar): Tensor;
    atan2(other: Tensor): Tensor;
    arctan2(other: Tensor): Tensor;
    maximum(other: Tensor): Tensor;
    minimum(other: Tensor): Tensor;
    fmax(other: Tensor): Tensor;
    fmin(other: Tensor): Tensor;
    remainder(other: TensorOrScalar): Tensor;
    fmod(other: TensorOrScalar): Tensor;
    eq(other: TensorOrScalar): Tensor;
    ne(other: TensorOrScalar): Tensor;
    lt(other: TensorOrScalar): Tensor;
    le(other: TensorOrScalar): Tensor;
    gt(other: TensorOrScalar): Tensor;
    ge(other: TensorOrScalar): Tensor;
    logicalAnd(other: Tensor): Tensor;
    logicalOr(other: Tensor): Tensor;
    logicalXor(other: Tensor): Tensor;
    bitwiseAnd(other: TensorOrScalar): Tensor;
    bitwiseOr(other: TensorOrScalar): Tensor;
    bitwiseXor(other: TensorOrScalar): Tensor;
    lerp(end: Tensor, weight: TensorOrScalar): Tensor;
    clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    clip(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    clampMin(min: TensorOrScalar): Tensor;
    clampMax(max: TensorOrScalar): Tensor;
    where(condition: Tensor, other: TensorOrScalar): Tensor;
    isclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor;
    allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean;
    equal(other: Tensor): boolean;
  }
}

// PyTorch raises RuntimeError("ZeroDivisionError") for integral division by zero.
const ZERO_DIVISION = 'ZeroDivisionError';

/** A tensor operand or null for scalars: what the graph sees as an input. */
function graphInput(x: TensorOrScalar): Tensor | null {
  return x instanceof Tensor ? x : null;
}

function notImplemented(kernel: string, dtype: DType): Error {
  return new Error(`"${kernel}" not implemented for '${legacyScalarName(dtype)}'`);
}

// ---- argument rules (Python's overloads) ----

const TENSOR_INPUT_SIGNATURES = ['(Tensor input, Tensor other, *, Tensor out)', '(Tensor input, Number other, *, Tensor out)'];
const SCALAR_SELF_SIGNATURES = [
  '(Tensor input, Tensor other, *, Tensor out)',
  '(Number self, Tensor other)',
  '(Tensor input, Number other, *, Tensor out)',
];
const POW_SIGNATURES = [
  '(Tensor input, Tensor exponent, *, Tensor out)',
  '(Number self, Tensor exponent, *, Tensor out)',
  '(Tensor input, Number exponent, *, Tensor out)',
];

/** add, sub, mul, div, true_divide, floor_divide: Python wraps numbers given for either argument. */
function checkNumbersAsTensors(fn: string, input: unknown, other: unknown): asserts input is TensorOrScalar {
  checkOperand(input, fn, 'input', 1);
  checkOperand(other, fn, 'other', 2);
}

/** Comparisons and fmod: a tensor, then a tensor or a number. */
function checkTensorThenOperand(fn: string, input: unknown, other: unknown): asserts input is Tensor {
  if (!(input instanceof Tensor) || !(other instanceof Tensor || isScalar(other))) {
    throw invalidArguments(fn, [input, other], TENSOR_INPUT_SIGNATURES);
  }
}

/** remainder, pow, bitwise ops: either argument may be a number, not both. */
function checkOneTensor(fn: string, input: unknown, other: unknown, signatures: readonly string[]): void {
  const ok = input instanceof Tensor ? other instanceof Tensor || isScalar(other) : isScalar(input) && other instanceof Tensor;
  if (!ok) throw invalidArguments(fn, [input, other], signatures);
}

function checkTensors(fn: string, input: unknown, other: unknown): asserts input is Tensor {
  checkTensor(input, fn, 'input', 1);
  checkTensor(other, fn, 'other', 2);
}

/** The dtype an operand has before promotion (a JavaScript boolean is a bool). */
function operandDtype(x: TensorOrScalar): DType {
  return x instanceof Tensor ? x.dtype : scalarKindDtype(x);
}

/** PyTorch's alpha_check: booleans only for bool results, integral values for integral results. */
function checkAlpha(fn: string, alpha: unknown, dtype: DType): number {
  if (typeof alpha !== 'number' && typeof alpha !== 'boolean' && typeof alpha !== 'bigint') {
    throw new TypeError(`${fn}(): argument 'alpha' must be Number, not ${pyTypeName(alpha)}`);
  }
  if (typeof alpha === 'boolean' && dtype !== bool) throw new Error('Boolean alpha only supported for Boolean results.');
  const a = Number(alpha);
  if (!dtype.isFloatingPoint && !Number.isInteger(a)) {
    throw new Error('For integral input tensors, argument alpha must not be a floating point number.');
  }
  return a;
}

/** PyTorch's sub_check, on the operands' own dtypes (a bool tensor or a bool scalar). */
function checkSubtraction(input: TensorOrScalar, other: TensorOrScalar): void {
  const a = operandDtype(input) === bool;
  const b = operandDtype(other) === bool;
  if (a && b) {
    throw new Error('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  }
  if (a || b) {
    throw new Error(
      'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    );
  }
}

// ---- arithmetic ----

// The kernels of the common arithmetic calls are made once: small ops spend a visible share of
// their time allocating per-call kernel objects.
const ADD: Kernel2 = { num: (x, y) => x + y, big: (x, y) => x + y, name: 'add' };
// x + (-1 * y) is x - y exactly, in doubles and in bigints.
const SUB: Kernel2 = { num: (x, y) => x - y, big: (x, y) => x - y, name: 'sub' };
const MUL: Kernel2 = { num: (x, y) => x * y, big: (x, y) => x * y, name: 'mul' };
const TRUE_DIVIDE: Kernel2 = { num: (x, y) => x / y, name: 'div' };

/** x + alpha * y in `dtype` (alpha already checked against it: integral unless dtype is floating). */
function addKernel(dtype: DType, alpha: number): Kernel2 {
  if (dtype === bool) return { num: (x, y) => (x || (alpha ? y : 0)) };
  if (alpha === 1) return ADD;
  if (alpha === -1) return SUB;
  // The scalar takes the tensor's precision first, as ATen casts alpha to the compute type.
  const a = precisionOf(dtype)(alpha);
  const big = dtype === int64 ? BigInt(alpha) : 0n;
  return { num: (x, y) => x + a * y, big: (x, y) => x + big * y };
}

// AddBackward0 without alpha (most calls): made once rather than a closure per call.
const addBackward: BackwardFormula = ([g], _s, needs) => [g, needs[1] ? g : null];

export function add(input: TensorOrScalar, other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
  checkNumbersAsTensors('add', input, other);
  const dtype = binaryResultType(input, other);
  const alpha = checkAlpha('add', optionsArg(options, 'add').alpha ?? 1, dtype);
  const out = binaryKernel(input, other, addKernel(dtype, alpha), dtype, dtype);
  if (!mayRecord(input, other)) return out;
  record({
    name: 'AddBackward0',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    backward: alpha === 1 ? addBackward : ([g], _s, needs) => [g, needs[1] ? (g as Tensor).mul(alpha) : null],
  });
  return out;
}

export function sub(input: TensorOrScalar, other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
  checkNumbersAsTensors('sub', input, other);
  checkSubtraction(input, other);
  const dtype = binaryResultType(input, other);
  const alpha = checkAlpha('sub', optionsArg(options, 'sub').alpha ?? 1, dtype);
  const out = binaryKernel(input, other, addKernel(dtype, -alpha), dtype, dtype);
  if (!mayRecord(input, other)) return out;
  record({
    name: 'SubBackward0',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    backward: ([g], _s, needs) => [g, needs[1] ? (g as Tensor).mul(-alpha) : null],
  });
  return out;
}

export function rsub(input: Tensor, other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor {
  checkTensor(input, 'rsub');
  checkOperand(other, 'rsub', 'other', 2);
  checkSubtraction(input, other);
  const dtype = binaryResultType(input, other);
  const alpha = checkAlpha('rsub', optionsArg(options, 'rsub').alpha ?? 1, dtype);
  const out = binaryKernel(other, input, addKernel(dtype, -alpha), dtype, dtype);
  record({
    name: other instanceof Tensor ? 'RsubBackward0' : 'RsubBackward1',
    inputs: [input, graphInput(other)],
    outputs: [out],
    backward: ([g], _s, needs) => [needs[0] ? (g as Tensor).mul(-alpha) : null, needs[1] ? g : null],
  });
  return out;
}

function mulKernel(dtype: DType): Kernel2 {
  if (dtype === bool) return { num: (x, y) => x && y };
  // int32 products can pass 2**53, where doubles lose the low bits that the wrap-around keeps.
  if (dtype === int32) return { num: Math.imul };
  return MUL;
}

/**
 * MulBackward0 (made once rather than per recorded call). A square (`y * y`) outside graph recording
 * gives the one product to both inputs: the engine adds the two, as it adds two equal products.
 */
const mulBackward: BackwardFormula = ([g], [s, o], needs) => {
  if (s === o && needs[0] && needs[1] && !isGradEnabled()) {
    const product = (g as Tensor).mul(o);
    return [product, product];
  }
  return [needs[0] ? (g as Tensor).mul(o) : null, needs[1] ? (g as Tensor).mul(s) : null];
};

/**
 * The gradient times a number operand of mul, which PyTorch wraps as a 0-dim tensor of the result's
 * dtype. A gradient of that dtype is multiplied by the number itself: the kernel stores the number in
 * the dtype as the wrapping does, and the product's dtype is the same, without making the tensor.
 */
function mulByNumber(g: Tensor, value: Scalar, dtype: DType): Tensor {
  return typeof value === 'number' && g.dtype_ === dtype ? g.mul(value) : g.mul(scalarTensor(value, dtype));
}

/**
 * Saved in place of a number operand of mul. PyTorch saves the wrapped number, so backward frees it
 * and a second backward through the node raises; the formula reads the number itself, and this one
 * tensor, never changed, stands in for the wrapped ones in the saved slot.
 */
const NUMBER_SLOT = scalarTensor(0, float32);

export function mul(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  checkNumbersAsTensors('mul', input, other);
  const dtype = binaryResultType(input, other);
  // Tensors of another dtype are cast first, so that the backends are offered the product. The kernel
  // reads number operands in `dtype` itself, as it reads the 0-dim tensors they wrap into.
  const a = input instanceof Tensor && input.dtype_ !== dtype ? castTensor(input, dtype) : input;
  const b = other instanceof Tensor && other.dtype_ !== dtype ? castTensor(other, dtype) : other;
  const out = binaryKernel(a, b, mulKernel(dtype), dtype, dtype);
  if (!mayRecord(input, other)) return out;
  if (input instanceof Tensor && other instanceof Tensor) {
    record({
      name: 'MulBackward0',
      inputs: [input, other],
      outputs: [out],
      save: crossSaved(),
      backward: mulBackward,
    });
  } else if (input instanceof Tensor) {
    // A number operand needs no gradient; the tensor's is the gradient times the number.
    record({
      name: 'MulBackward0',
      inputs: [input, null],
      outputs: [out],
      save: [NUMBER_SLOT],
      backward: ([g]) => [mulByNumber(g as Tensor, other as Scalar, dtype), null],
    });
  } else {
    record({
      name: 'MulBackward0',
      inputs: [null, graphInput(other)],
      outputs: [out],
      save: [NUMBER_SLOT],
      backward: ([g]) => [null, mulByNumber(g as Tensor, input, dtype)],
    });
  }
  return out;
}

/** ATen's div_floor_floating, each step rounded to the dtype's precision. */
function floorDivFloat(dtype: DType): (a: number, b: number) => number {
  const r = precisionOf(dtype);
  return (a, b) => {
    if (b === 0) return a / b;
    const mod = a % b;
    let div = r(r(a - mod) / b);
    if (mod !== 0 && b < 0 !== mod < 0) div = r(div - 1);
    if (div === 0) return Math.sign(a / b) * 0; // copysign(0, a / b)
    let floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
    return floordiv;
  };
}

function intDivide(mode: 'trunc' | 'floor'): Kernel2 {
  return {
    num: (x, y) => {
      if (y === 0) throw new Error(ZERO_DIVISION);
      return mode === 'trunc' ? Math.trunc(x / y) : Math.floor(x / y);
    },
    big: (x, y) => {
      if (y === 0n) throw new Error(ZERO_DIVISION);
      const q = x / y;
      return mode === 'floor' && q * y !== x && x < 0n !== y < 0n ? q - 1n : q;
    },
  };
}

/** A graph node for ops PyTorch has no derivative for: recorded like theirs, failing in backward. */
function recordNotImplemented(op: string, inputs: readonly TensorOrScalar[], out: Tensor): void {
  record({
    name: 'NotImplemented',
    inputs: inputs.map(graphInput),
    outputs: [out],
    backward: () => {
      throw new Error(`derivative for aten::${op} is not implemented`);
    },
  });
}

function roundingDivide(input: TensorOrScalar, other: TensorOrScalar, mode: 'trunc' | 'floor'): Tensor {
  const dtype = binaryResultType(input, other);
  if (dtype === bool) throw notImplemented(`div_${mode}_cpu`, dtype);
  let kernel: Kernel2;
  if (!dtype.isFloatingPoint) kernel = intDivide(mode);
  else if (mode === 'floor') kernel = { num: floorDivFloat(dtype) };
  else {
    const r = precisionOf(dtype);
    kernel = { num: (x, y) => Math.trunc(r(x / y)) };
  }
  return binaryKernel(input, other, kernel, dtype, dtype);
}

export function div(input: TensorOrScalar, other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor {
  checkNumbersAsTensors('div', input, other);
  const mode = optionsArg(options, 'div').roundingMode ?? null;
  if (mode !== null && mode !== 'trunc' && mode !== 'floor') {
    throw new Error(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  }
  if (mode === null) return trueDivide(input, other);
  const out = roundingDivide(input, other, mode);
  record({
    name: 'DivBackward2',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    backward: ([g], _s, needs) => [needs[0] ? zerosLike(g as Tensor) : null, needs[1] ? zerosLike(g as Tensor) : null],
  });
  return out;
}

/** `input / other` in floating point: integral operands give the default float dtype. */
const trueDivideBackward: BackwardFormula = ([g], [s, o], needs) => [
  needs[0] ? (g as Tensor).div(o) : null,
  // ATen's -grad * ((self / other) / other): dividing twice does not overflow where other ** 2 would.
  needs[1] ? (g as Tensor).neg().mul(s.div(o).div(o)) : null,
];

export function trueDivide(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  checkNumbersAsTensors('true_divide', input, other);
  const promoted = binaryResultType(input, other);
  const dtype = promoted.isFloatingPoint ? promoted : getDefaultDtype();
  const a = asOperand(input, dtype);
  const b = asOperand(other, dtype);
  const out = binaryKernel(a, b, TRUE_DIVIDE, dtype, dtype);
  if (!mayRecord(input, other)) return out;
  const self = input instanceof Tensor ? input : a;
  const oth = other instanceof Tensor ? other : b;
  record({
    name: 'DivBackward0',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    save: (needs) => [needs[1] ? self : null, oth],
    backward: trueDivideBackward,
  });
  return out;
}

/** `input // other`, rounding toward negative infinity. PyTorch has no derivative for it. */
export function floorDivide(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  checkNumbersAsTensors('floor_divide', input, other);
  const out = roundingDivide(input, other, 'floor');
  recordNotImplemented('floor_divide', [input, other], out);
  return out;
}

/** x ** n for integers with wrap-around at 64 bits (exponentiation by squaring). */
function intPow(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) {
    // Tensor exponents never raise: ATen gives 1 for base 1, +-1 for base -1 and 0 otherwise.
    if (base === 1n) return 1n;
    if (base === -1n) return exponent % 2n === 0n ? 1n : -1n;
    return 0n;
  }
  let result = 1n;
  let b = base;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = BigInt.asIntN(64, result * b);
    b = BigInt.asIntN(64, b * b);
    e >>= 1n;
  }
  return result;
}

/** C's pow, which differs from Math.pow in that 1 ** y and (-1) ** +-inf are 1, even for nan y. */
function floatPow(x: number, y: number): number {
  const r = Math.pow(x, y);
  // Only a nan result can be one of those cases; checking it first keeps the common path short.
  return r === r || !(x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) ? r : 1;
}

function powKernel(dtype: DType): Kernel2 {
  if (dtype.isFloatingPoint) return { num: floatPow };
  // Narrower integers wrap at their own width; reducing the 64-bit result modulo it is the same.
  const bits = BigInt(dtype.itemSize * 8);
  return {
    num: (x, y) => Number(BigInt.asIntN(Number(bits), intPow(BigInt(x), BigInt(y)))),
    big: (x, y) => intPow(x, y),
  };
}

export function pow(input: TensorOrScalar, exponent: TensorOrScalar): Tensor {
  checkOneTensor('pow', input, exponent, POW_SIGNATURES);
  const dtype = resultTypeOf(input, exponent);
  if (dtype === bool) throw notImplemented('pow', dtype);
  if (input instanceof Tensor && !(exponent instanceof Tensor)) {
    const e = Number(exponent);
    if (!input.dtype.isFloatingPoint && typeof exponent !== 'boolean' && Number.isInteger(e) && e < 0) {
      throw new Error('Integers to negative integer powers are not allowed.');
    }
    const out = binaryKernel(input, exponent, powKernel(dtype), dtype, dtype);
    record({
      name: 'PowBackward0',
      inputs: [input],
      outputs: [out],
      save: [input],
      backward: ([g], [x]) => [e === 0 ? zerosLike(x) : (g as Tensor).mul(x.pow(e - 1).mul(e))],
    });
    return out;
  }
  const out = binaryKernel(input, exponent, powKernel(dtype), dtype, dtype);
  const expT = exponent as Tensor;
  if (input instanceof Tensor) {
    record({
      name: 'PowBackward1',
      inputs: [input, expT],
      outputs: [out],
      save: (needs) => [input, expT, needs[1] ? out : null],
      backward: ([g], [x, e, r], needs) => {
        const gt = g as Tensor;
        return [
          needs[0] ? where(e.eq(0), 0, gt.mul(e.mul(x.pow(e.sub(1))))) : null,
          // d/de x^e = x^e log x, taken as 0 where x == 0 and e >= 0.
          needs[1] ? gt.mul(where(x.eq(0).logicalAnd(e.ge(0)), 0, r.mul(x.log()))) : null,
        ];
      },
    });
  } else {
    const logBase = Math.log(Number(input));
    record({
      name: 'PowBackward2',
      inputs: [null, expT],
      outputs: [out],
      save: [out, expT],
      backward: ([g], [r, e]) => {
        const gt = g as Tensor;
        // 0 ** e has derivative 0 in e where e >= 0 (log 0 would make it nan).
        return [null, Number(input) === 0 ? gt.mul(where(e.ge(0), 0, r.mul(logBase))) : gt.mul(r.mul(logBase))];
      },
    });
  }
  return out;
}

function floatBinary(name: string, input: Tensor, other: Tensor, num: (x: number, y: number) => number): Tensor {
  checkTensors(name, input, other);
  const promoted = binaryResultType(input, other);
  const dtype = promoted.isFloatingPoint ? promoted : getDefaultDtype();
  return binaryKernel(input, other, { num }, dtype, dtype);
}

export function atan2(input: Tensor, other: Tensor): Tensor {
  const out = floatBinary('atan2', input, other, Math.atan2);
  record({
    name: 'Atan2Backward0',
    inputs: [input, other],
    outputs: [out],
    save: [input, other],
    backward: ([g], [x, y], needs) => {
      const recip = x.mul(x).add(y.mul(y)).reciprocal();
      return [needs[0] ? (g as Tensor).mul(y).mul(recip) : null, needs[1] ? (g as Tensor).mul(x.neg()).mul(recip) : null];
    },
  });
  return out;
}

type ExtremumName = 'maximum' | 'minimum' | 'fmax' | 'fmin';

function extremum(name: ExtremumName, input: Tensor, other: Tensor): Tensor {
  checkTensors(name, input, other);
  const dtype = binaryResultType(input, other);
  const isMax = name === 'maximum' || name === 'fmax';
  const propagateNan = name === 'maximum' || name === 'minimum';
  const big = (x: bigint, y: bigint): bigint => (isMax ? (x >= y ? x : y) : x <= y ? x : y);
  let kernel: Kernel2;
  if (name === 'maximum') kernel = { num: maximumOf, big, name };
  else if (name === 'minimum') kernel = { num: minimumOf, big, name };
  else {
    // fmax/fmin: a nan operand gives way to the other one.
    const pick = isMax ? maximumOf : minimumOf;
    kernel = { num: (x, y) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : pick(x, y)), big };
  }
  const out = binaryKernel(input, other, kernel, dtype, dtype);
  record({
    name: `${name[0].toUpperCase()}${name.slice(1)}Backward0`,
    inputs: [input, other],
    outputs: [out],
    save: [input, other],
    backward: ([g], [x, y], needs) => {
      const gt = g as Tensor;
      const selfLoses = isMax ? x.lt(y) : x.gt(y);
      const otherLoses = isMax ? x.gt(y) : x.lt(y);
      if (propagateNan) {
        // Ties split the gradient evenly; nan positions pass it to both.
        const split = where(x.eq(y), gt.div(2), gt);
        return [needs[0] ? where(selfLoses, 0, split) : null, needs[1] ? where(otherLoses, 0, split) : null];
      }
      // fmax/fmin: the non-nan operand gets it; ties go to self.
      const selfWins = (isMax ? x.ge(y) : x.le(y)).logicalOr(y.isnan());
      return [needs[0] ? where(selfWins, gt, 0) : null, needs[1] ? where(selfWins, 0, gt) : null];
    },
  });
  return out;
}

export const maximum = (input: Tensor, other: Tensor): Tensor => extremum('maximum', input, other);
export const minimum = (input: Tensor, other: Tensor): Tensor => extremum('minimum', input, other);
export const fmax = (input: Tensor, other: Tensor): Tensor => extremum('fmax', input, other);
export const fmin = (input: Tensor, other: Tensor): Tensor => extremum('fmin', input, other);

/** Python's modulo: the result has the divisor's sign. */
function remainderKernel(dtype: DType): Kernel2 {
  if (dtype.isFloatingPoint) {
    return {
      num: (x, y) => {
        const m = x % y;
        return m !== 0 && y < 0 !== m < 0 ? m + y : m;
      },
    };
  }
  return {
    num: (x, y) => {
      if (y === 0) throw new Error(ZERO_DIVISION);
      const m = x % y;
      return m !== 0 && y < 0 !== m < 0 ? m + y : m;
    },
    big: (x, y) => {
      if (y === 0n) throw new Error(ZERO_DIVISION);
      const m = x % y;
      return m !== 0n && y < 0n !== m < 0n ? m + y : m;
    },
  };
}

/** C's fmod: the result has the dividend's sign. */
function fmodKernel(dtype: DType): Kernel2 {
  if (dtype.isFloatingPoint) return { num: (x, y) => x % y };
  return {
    num: (x, y) => {
      if (y === 0) throw new Error(ZERO_DIVISION);
      return x % y;
    },
    big: (x, y) => {
      if (y === 0n) throw new Error(ZERO_DIVISION);
      return x % y;
    },
  };
}

export function remainder(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  checkOneTensor('remainder', input, other, SCALAR_SELF_SIGNATURES);
  const dtype = binaryResultType(input, other);
  if (dtype === bool) throw notImplemented('remainder_cpu', dtype);
  const out = binaryKernel(input, other, remainderKernel(dtype), dtype, dtype);
  if (input instanceof Tensor) recordModulo(out, input, other, 'Remainder', 'floor');
  else recordNotImplemented('remainder', [input, other], out);
  return out;
}

export function fmod(input: Tensor, other: TensorOrScalar): Tensor {
  checkTensorThenOperand('fmod', input, other);
  const dtype = binaryResultType(input, other);
  if (dtype === bool) throw notImplemented('fmod_cpu', dtype);
  const out = binaryKernel(input, other, fmodKernel(dtype), dtype, dtype);
  recordModulo(out, input, other, 'Fmod', 'trunc');
  return out;
}

/** remainder/fmod: d/dself = 1; d/dother = -(self div other, rounded as the op rounds). */
function recordModulo(out: Tensor, input: Tensor, other: TensorOrScalar, prefix: string, mode: 'floor' | 'trunc'): void {
  if (other instanceof Tensor) {
    record({
      name: `${prefix}Backward1`,
      inputs: [input, other],
      outputs: [out],
      save: [input, other],
      backward: ([g], [x, y], needs) => [needs[0] ? g : null, needs[1] ? (g as Tensor).neg().mul(div(x, y, { roundingMode: mode })) : null],
    });
  } else {
    record({ name: `${prefix}Backward0`, inputs: [input], outputs: [out], backward: ([g]) => [g] });
  }
}

// ---- comparisons, logical, bitwise (not differentiable) ----

type CompareName = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

const COMPARE: Record<CompareName, (x: Element, y: Element) => boolean> = {
  eq: (x, y) => x === y,
  ne: (x, y) => x !== y,
  lt: (x, y) => x < y,
  le: (x, y) => x <= y,
  gt: (x, y) => x > y,
  ge: (x, y) => x >= y,
};

function compare(name: CompareName, input: Tensor, other: TensorOrScalar): Tensor {
  checkTensorThenOperand(name, input, other);
  const test = COMPARE[name];
  const kernel = (x: Element, y: Element): number => (test(x, y) ? 1 : 0);
  return binaryKernel(input, other, { num: kernel, big: kernel }, binaryResultType(input, other), bool);
}

export const eq = (input: Tensor, other: TensorOrScalar): Tensor => compare('eq', input, other);
export const ne = (input: Tensor, other: TensorOrScalar): Tensor => compare('ne', input, other);
export const lt = (input: Tensor, other: TensorOrScalar): Tensor => compare('lt', input, other);
export const le = (input: Tensor, other: TensorOrScalar): Tensor => compare('le', input, other);
export const gt = (input: Tensor, other: TensorOrScalar): Tensor => compare('gt', input, other);
export const ge = (input: Tensor, other: TensorOrScalar): Tensor => compare('ge', input, other);

function logical(name: string, input: Tensor, other: Tensor, fn: (x: boolean, y: boolean) => boolean): Tensor {
  checkTensors(name, input, other);
  // Truthiness as in C++: nan is true.
  const truthy = (v: Element): boolean => v !== 0 && v !== 0n;
  const kernel = (x: Element, y: Element): number => (fn(truthy(x), truthy(y)) ? 1 : 0);
  return binaryKernel(input, other, { num: kernel, big: kernel }, binaryResultType(input, other), bool);
}

export const logicalAnd = (a: Tensor, b: Tensor): Tensor => logical('logical_and', a, b, (x, y) => x && y);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => logical('logical_or', a, b, (x, y) => x || y);
export const logicalXor = (a: Tensor, b: Tensor): Tensor => logical('logical_xor', a, b, (x, y) => x !== y);

function bitwise(name: string, input: TensorOrScalar, other: TensorOrScalar, num: (x: number, y: number) => number, big: (x: bigint, y: bigint) => bigint): Tensor {
  checkOneTensor(name, input, other, SCALAR_SELF_SIGNATURES);
  const dtype = binaryResultType(input, other);
  if (dtype.isFloatingPoint) throw notImplemented(`${name}_cpu`, dtype);
  return binaryKernel(input, other, { num, big }, dtype, dtype);
}

export const bitwiseAnd = (a: TensorOrScalar, b: TensorOrScalar): Tensor => bitwise('bitwise_and', a, b, (x, y) => x & y, (x, y) => x & y);
export const bitwiseOr = (a: TensorOrScalar, b: TensorOrScalar): Tensor => bitwise('bitwise_or', a, b, (x, y) => x | y, (x, y) => x | y);
export const bitwiseXor = (a: TensorOrScalar, b: TensorOrScalar): Tensor => bitwise('bitwise_xor', a, b, (x, y) => x ^ y, (x, y) => x ^ y);

// ---- where, lerp, clamp ----

const WHERE_SIGNATURES = [
  '(Tensor condition)',
  '(Tensor condition, Tensor input, Tensor other, *, Tensor out)',
  '(Tensor condition, Number self, Tensor other)',
  '(Tensor condition, Tensor input, Number other)',
  '(Tensor condition, Number self, Number other)',
];

/** `torch.where(condition, input, other)`: elements of input where condition holds, else other's. */
export function where(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  checkTensor(condition, 'where', 'condition');
  if (!(input instanceof Tensor || isScalar(input)) || !(other instanceof Tensor || isScalar(other))) {
    throw invalidArguments('where', [condition, input, other], WHERE_SIGNATURES);
  }
  if (condition.dtype === DType.uint8) {
    warn('where received a uint8 condition tensor. This behavior is deprecated and will be removed in a future version of PyTorch. Use a boolean condition instead.');
  } else if (condition.dtype !== bool) {
    throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${legacyScalarName(condition.dtype)}`);
  }
  const dtype = binaryResultType(input, other);
  const out = ternaryKernel(condition, asOperand(input, dtype), asOperand(other, dtype), dtype, (c, x, y) => (c ? x : y));
  record({
    name: 'WhereBackward0',
    inputs: [null, graphInput(input), graphInput(other)],
    outputs: [out],
    save: [condition],
    backward: ([g], [c], needs) => [null, needs[1] ? where(c, g as Tensor, 0) : null, needs[2] ? where(c, 0, g as Tensor) : null],
  });
  return out;
}

const LERP_SIGNATURES = ['(Tensor input, Tensor end, Tensor weight, *, Tensor out)', '(Tensor input, Tensor end, Number weight, *, Tensor out)'];

/**
 * `x.lerp(end, weight)` for one element, unrounded: ATen's formula, exact at both ends (the optimizers'
 * fused loops use it too).
 */
export function lerpValue(x: number, end: number, weight: number): number {
  return Math.abs(weight) < 0.5 ? x + weight * (end - x) : end - (end - x) * (1 - weight);
}

export function lerp(input: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  if (!(input instanceof Tensor) || !(end instanceof Tensor) || !(weight instanceof Tensor || isScalar(weight))) {
    throw invalidArguments('lerp', [input, end, weight], LERP_SIGNATURES);
  }
  const dtype = input.dtype;
  if (end.dtype !== dtype) throw new Error(`expected dtype ${dtype.cppName} for \`end\` but got dtype ${end.dtype.cppName}`);
  if (weight instanceof Tensor && weight.dtype !== dtype) {
    throw new Error(`expected dtype ${dtype.cppName} for \`weight\` but got dtype ${weight.dtype.cppName}`);
  }
  if (!dtype.isFloatingPoint) throw notImplemented(`lerp_kernel_${weight instanceof Tensor ? 'tensor' : 'scalar'}`, dtype);
  const out = ternaryKernel(input, end, asOperand(weight, dtype), dtype, (s, e, w) => lerpValue(s as number, e as number, w as number));
  if (weight instanceof Tensor) {
    record({
      name: 'LerpBackward1',
      inputs: [input, end, weight],
      outputs: [out],
      save: (needs) => [needs[2] ? input : null, needs[2] ? end : null, needs[0] || needs[1] ? weight : null],
      backward: ([g], [s, e, wt], needs) => [
        needs[0] ? (g as Tensor).mul(wt.rsub(1)) : null,
        needs[1] ? (g as Tensor).mul(wt) : null,
        needs[2] ? (g as Tensor).mul(e.sub(s)) : null,
      ],
    });
  } else {
    const w = Number(weight);
    record({
      name: 'LerpBackward0',
      inputs: [input, end],
      outputs: [out],
      backward: ([g], _s, needs) => [needs[0] ? (g as Tensor).mul(1 - w) : null, needs[1] ? (g as Tensor).mul(w) : null],
    });
  }
  return out;
}

const CLAMP_SIGNATURES = ['(Tensor input, Tensor min, Tensor max, *, Tensor out)', '(Tensor input, Number min, Number max, *, Tensor out)'];

type Bound = TensorOrScalar | null;

function checkClampArgs(fn: string, input: unknown, lo: unknown, hi: unknown): void {
  const isBound = (v: unknown): boolean => v === null || v instanceof Tensor || isScalar(v);
  if (!(input instanceof Tensor) || !isBound(lo) || !isBound(hi)) {
    throw invalidArguments(fn, [input, ...[lo, hi].filter((v) => v !== null)], CLAMP_SIGNATURES);
  }
}

export function clamp(input: Tensor, min?: Bound, max?: Bound): Tensor {
  const lo = min ?? null;
  const hi = max ?? null;
  checkClampArgs('clamp', input, lo, hi);
  if (lo === null && hi === null) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (lo instanceof Tensor || hi instanceof Tensor) return clampTensor(input, lo, hi);
  const l = lo === null ? null : (lo as Scalar);
  const h = hi === null ? null : (hi as Scalar);
  const dtype = resultTypeOf(input, ...[l, h].filter((v): v is Scalar => v !== null));
  if (dtype === bool) throw notImplemented(l !== null && h !== null ? 'clamp_scalar_cpu' : l !== null ? 'clamp_min_cpu' : 'clamp_max_scalar_cpu', dtype);
  const out = unaryKernel(input, clampScalarKernel(l, h, dtype), dtype, dtype);
  record({
    name: 'ClampBackward1',
    inputs: [input],
    outputs: [out],
    save: [input],
    backward: ([g], [s]) => {
      const loOk = l === null ? null : s.ge(l);
      const hiOk = h === null ? null : s.le(h);
      const inRange = loOk && hiOk ? loOk.logicalAnd(hiOk) : ((loOk ?? hiOk) as Tensor);
      return [where(inRange, g as Tensor, 0)];
    },
  });
  return out;
}

/**
 * ATen's scalar clamp: with both bounds, a nan bound makes every element nan; a single nan bound is
 * ignored (max(x, nan) is x in C++); nan elements stay nan.
 */
function clampScalarKernel(lo: Scalar | null, hi: Scalar | null, dtype: DType): Kernel1 {
  const l = lo === null ? -Infinity : Number(lo);
  const h = hi === null ? Infinity : Number(hi);
  const bothNan = lo !== null && hi !== null && (Number.isNaN(l) || Number.isNaN(h));
  const low = Number.isNaN(l) ? -Infinity : l;
  const high = Number.isNaN(h) ? Infinity : h;
  // int64 bounds are integral (a fractional one would have promoted the result to float).
  const bigLo = dtype === int64 && lo !== null ? BigInt(lo) : null;
  const bigHi = dtype === int64 && hi !== null ? BigInt(hi) : null;
  const big = (x: bigint): bigint => (bigLo !== null && x < bigLo ? bigLo : bigHi !== null && x > bigHi ? bigHi : x);
  if (bothNan) return { num: () => NaN, big };
  // std::min(std::max(x, low), high): comparisons with nan are false, so nan elements pass through.
  return {
    num: (x) => {
      const m = x < low ? low : x;
      return m > high ? high : m;
    },
    big,
  };
}

const maxKernel: Kernel2 = { num: (x, m) => (Number.isNaN(x) || Number.isNaN(m) ? NaN : Math.max(x, m)), big: (x, m) => (x > m ? x : m) };
const minKernel: Kernel2 = { num: (x, m) => (Number.isNaN(x) || Number.isNaN(m) ? NaN : Math.min(x, m)), big: (x, m) => (x < m ? x : m) };

function clampTensor(input: Tensor, lo: Bound, hi: Bound): Tensor {
  const dtype = resultTypeOf(input, ...([lo, hi].filter((v) => v !== null) as TensorOrScalar[]));
  if (dtype === bool && lo !== null && hi !== null) throw notImplemented('clamp_cpu', dtype);
  // One bound is maximum/minimum (nan propagates); both are min(max(x, lo), hi).
  let out = asOperand(input, dtype);
  if (lo !== null) out = binaryKernel(out, lo, maxKernel, dtype, dtype);
  if (hi !== null) out = binaryKernel(out, hi, minKernel, dtype, dtype);
  const loT = lo instanceof Tensor ? lo : null;
  const hiT = hi instanceof Tensor ? hi : null;
  record({
    name: 'ClampBackward0',
    inputs: [input, loT, hiT],
    outputs: [out],
    save: [input, ...(loT ? [loT] : []), ...(hiT ? [hiT] : [])],
    backward: ([g], saved, needs) => {
      const s = saved[0];
      const mn = loT ? saved[1] : lo;
      const mx = hiT ? saved[saved.length - 1] : hi;
      const gt = g as Tensor;
      // ATen's clamp_backward_min_max: a bound that is out of order with the other gets no gradient.
      if (mn !== null && mx !== null) {
        return [
          needs[0] ? where(s.ge(mn).logicalAnd(s.le(mx)), gt, 0) : null,
          needs[1] ? where(s.lt(mn).logicalAnd(lessThan(mn, mx)), gt, 0) : null,
          needs[2] ? where(s.gt(mx).logicalOr(lessThan(mx, mn)), gt, 0) : null,
        ];
      }
      if (mn !== null) return [needs[0] ? where(s.ge(mn), gt, 0) : null, needs[1] ? where(s.lt(mn), gt, 0) : null, null];
      const m = mx as TensorOrScalar;
      return [needs[0] ? where(s.le(m), gt, 0) : null, null, needs[2] ? where(s.gt(m), gt, 0) : null];
    },
  });
  return out;
}

/** a < b for two bounds, at least one of them a tensor. */
function lessThan(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return a instanceof Tensor ? a.lt(b) : (b as Tensor).gt(a);
}

/** `torch.clamp_min`: max(input, min), with its own grad_fn (ClampMinBackward0/1). */
export function clampMin(input: Tensor, min: TensorOrScalar): Tensor {
  return clampOneSide('clamp_min', input, min);
}

/** `torch.clamp_max`: min(input, max), with its own grad_fn (ClampMaxBackward0/1). */
export function clampMax(input: Tensor, max: TensorOrScalar): Tensor {
  return clampOneSide('clamp_max', input, max);
}

function clampOneSide(fn: 'clamp_min' | 'clamp_max', input: Tensor, bound: TensorOrScalar): Tensor {
  checkTensor(input, fn);
  checkOperand(bound, fn, fn === 'clamp_min' ? 'min' : 'max', 2);
  const isMin = fn === 'clamp_min';
  const dtype = resultTypeOf(input, bound);
  let out: Tensor;
  if (bound instanceof Tensor) {
    out = binaryKernel(input, bound, isMin ? maxKernel : minKernel, dtype, dtype);
  } else {
    if (dtype === bool) throw notImplemented(isMin ? 'clamp_min_cpu' : 'clamp_max_scalar_cpu', dtype);
    out = unaryKernel(input, isMin ? clampScalarKernel(bound, null, dtype) : clampScalarKernel(null, bound, dtype), dtype, dtype);
  }
  const kept = (s: Tensor, b: TensorOrScalar): Tensor => (isMin ? s.ge(b) : s.le(b));
  const name = `Clamp${isMin ? 'Min' : 'Max'}Backward`;
  if (bound instanceof Tensor) {
    record({
      name: `${name}1`,
      inputs: [input, bound],
      outputs: [out],
      save: [input, bound],
      backward: ([g], [s, b], needs) => [needs[0] ? where(kept(s, b), g as Tensor, 0) : null, needs[1] ? where(kept(s, b), 0, g as Tensor) : null],
    });
  } else {
    record({ name: `${name}0`, inputs: [input], outputs: [out], save: [input], backward: ([g], [s]) => [where(kept(s, bound), g as Tensor, 0)] });
  }
  return out;
}

/** `torch.isclose`: x == y or |x - y| <= atol + |rtol * y|, each step rounded as ATen's. */
export function isclose(input: Tensor, other: Tensor, opts?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor {
  checkTensors('isclose', input, other);
  const options = optionsArg(opts, 'isclose');
  if (input.dtype !== other.dtype) throw new Error(`${legacyScalarName(input.dtype)} did not match ${legacyScalarName(other.dtype)}`);
  const rtol = floatArg(options.rtol ?? 1e-5, 'isclose', 'rtol');
  const atol = floatArg(options.atol ?? 1e-8, 'isclose', 'atol');
  const equalNan = boolOption(options.equalNan, 'isclose', 'equal_nan') ?? false;
  if (!(rtol >= 0)) throw new Error(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (!(atol >= 0)) throw new Error(`atol must be greater than or equal to zero, but got ${atol}`);
  // Zero tolerances compare in the tensors' own dtype; otherwise ATen computes the errors in floating
  // point, integers and bools in the default float dtype.
  const exact = rtol === 0 && atol === 0;
  const dtype = exact || input.dtype.isFloatingPoint ? input.dtype : getDefaultDtype();
  const r = precisionOf(dtype);
  const rt = r(rtol);
  const at = r(atol);
  const kernel = (x: Element, y: Element): number => {
    if (x === y || (equalNan && Number.isNaN(x) && Number.isNaN(y))) return 1;
    if (exact) return 0;
    const allowed = r(at + Math.abs(r(rt * (y as number))));
    const actual = Math.abs(r((x as number) - (y as number)));
    return Number.isFinite(actual) && actual <= allowed ? 1 : 0;
  };
  return binaryKernel(input, other, { num: kernel, big: kernel }, dtype, bool);
}

export function allclose(input: Tensor, other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean {
  checkTensors('allclose', input, other);
  return isclose(input, other, options).all().item() !== 0;
}

/** True when both tensors have the same shape and elements (`torch.equal`). */
export function equal(input: Tensor, other: Tensor): boolean {
  checkTensors('equal', input, other);
  if (shapeStr(input.shape) !== shapeStr(other.shape)) return false;
  return eq(input, other).all().item() !== 0;
}

// ---- methods ----

const proto = Tensor.prototype;
proto.add = function (this: Tensor, other, options) { return add(this, other, options); };
proto.sub = function (this: Tensor, other, options) { return sub(this, other, options); };
proto.subtract = proto.sub;
proto.rsub = function (this: Tensor, other, options) { return rsub(this, other, options); };
proto.mul = function (this: Tensor, other) { return mul(this, other); };
proto.multiply = proto.mul;
proto.div = function (this: Tensor, other, options) { return div(this, other, options); };
proto.divide = proto.div;
proto.trueDivide = function (this: Tensor, other) { return trueDivide(this, other); };
proto.floorDivide = function (this: Tensor, other) { return floorDivide(this, other); };
proto.pow = function (this: Tensor, exponent) { return pow(this, exponent); };
proto.atan2 = function (this: Tensor, other) { return atan2(this, other); };
proto.arctan2 = proto.atan2;
proto.maximum = function (this: Tensor, other) { return maximum(this, other); };
proto.minimum = function (this: Tensor, other) { return minimum(this, other); };
proto.fmax = function (this: Tensor, other) { return fmax(this, other); };
proto.fmin = function (this: Tensor, other) { return fmin(this, other); };
proto.remainder = function (this: Tensor, other) { return remainder(this, other); };
proto.fmod = function (this: Tensor, other) { return fmod(this, other); };
proto.eq = function (this: Tensor, other) { return eq(this, other); };
proto.ne = function (this: Tensor, other) { return ne(this, other); };
proto.lt = function (this: Tensor, other) { return lt(this, other); };
proto.le = function (this: Tensor, other) { return le(this, other); };
proto.gt = function (this: Tensor, other) { return gt(this, other); };
proto.ge = function (this: Tensor, other) { return ge(this, other); };
proto.logicalAnd = function (this: Tensor, other) { return logicalAnd(this, other); };
proto.logicalOr = function (this: Tensor, other) { return logicalOr(this, other); };
proto.logicalXor = function (this: Tensor, other) { return logicalXor(this, other); };
proto.bitwiseAnd = function (this: Tensor, other) { return bitwiseAnd(this, other); };
proto.bitwiseOr = function (this: Tensor, other) { return bitwiseOr(this, other); };
proto.bitwiseXor = function (this: Tensor, other) { return bitwiseXor(this, other); };
proto.lerp = function (this: Tensor, end, weight) { return lerp(this, end, weight); };
proto.clamp = function (this: Tensor, min, max) { return clamp(this, min, max); };
proto.clip = proto.clamp;
proto.clampMin = function (this: Tensor, min) { return clampMin(this, min); };
proto.clampMax = function (this: Tensor, max) { return clampMax(this, max); };
/** `x.where(condition, other)`: x where condition holds, else other (PyTorch's Tensor.where). */
proto.where = function (this: Tensor, condition, other) { return where(condition, this, other); };
proto.isclose = function (this: Tensor, other, options) { return isclose(this, other, options); };
proto.allclose = function (this: Tensor, other, options) { return allclose(this, other, options); };
proto.equal = function (this: Tensor, other) { return equal(this, other); };
