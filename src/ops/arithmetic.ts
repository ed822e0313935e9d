// Arithmetic binary ops: add, sub, rsub, mul, pow, atan2, maximum/minimum and fmax/fmin (division:
// division.ts).
// Backward formulas follow PyTorch 2.x's derivatives.yaml, so gradients (and which of them are
// themselves differentiable) agree at every point, including the conventions of spec 10.3.
import { DType, bool, float32, int32, int64, getDefaultDtype, scalarKindDtype } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { scalarTensor, zerosLike, type Scalar } from '../tensor/factory.js';
import { optionsArg } from '../tensor/args.js';
import { crossSaved, mayRecord, record } from '../autograd/record.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import type { BackwardFormula } from '../autograd/node.js';
import {
  binaryKernel,
  binaryResultType,
  castTensor,
  checkOperand,
  checkTensor,
  precisionOf,
  resultTypeOf,
  type Kernel2,
  type TensorOrScalar,
} from './elementwise.js';
import { checkNumbersAsTensors, checkOneTensor, checkTensors, graphInput, notImplemented } from './binary-args.js';
import { where } from './ternary.js';
import { maximum as maximumOf, minimum as minimumOf } from '../backends/js/elementwise.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    sub(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    subtract(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    /** `other - alpha * this` (PyTorch's `rsub`, used for `1 - x`). */
    rsub(other: TensorOrScalar, options?: { alpha?: Scalar }): Tensor;
    mul(other: TensorOrScalar): Tensor;
    multiply(other: TensorOrScalar): Tensor;
    pow(exponent: TensorOrScalar): Tensor;
    atan2(other: Tensor): Tensor;
    arctan2(other: Tensor): Tensor;
    maximum(other: Tensor): Tensor;
    minimum(other: Tensor): Tensor;
    fmax(other: Tensor): Tensor;
    fmin(other: Tensor): Tensor;
  }
}

// ---- argument rules (Python's overloads) ----

const POW_SIGNATURES = [
  '(Tensor input, Tensor exponent, *, Tensor out)',
  '(Number self, Tensor exponent, *, Tensor out)',
  '(Tensor input, Number exponent, *, Tensor out)',
];

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

/** The number operand of a product and the product's dtype. */
interface NumberFactor {
  readonly value: Scalar;
  readonly dtype: DType;
}

// MulBackward0 of a tensor times a number, and of a number times a tensor.
const mulByNumberBackward0: BackwardFormula<NumberFactor> = ([g], _s, _n, f) => [mulByNumber(g as Tensor, f.value, f.dtype), null];
const mulByNumberBackward1: BackwardFormula<NumberFactor> = ([g], _s, _n, f) => [null, mulByNumber(g as Tensor, f.value, f.dtype)];

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
      backward: mulByNumberBackward0,
      args: { value: other as Scalar, dtype },
    });
  } else {
    record({
      name: 'MulBackward0',
      inputs: [null, graphInput(other)],
      outputs: [out],
      save: [NUMBER_SLOT],
      backward: mulByNumberBackward1,
      args: { value: input, dtype },
    });
  }
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

/**
 * x ** e for the scalar exponents ATen computes as other ops in float dtypes (pow_tensor_scalar_kernel):
 * sqrt, rsqrt, reciprocal, x * x * x and 1 / (x * x), each step rounded in the dtype, so that the
 * results are PyTorch's to the bit (sqrt keeps -0, and gives nan for -inf); null for other exponents
 * (2 is the caller's). Nothing is recorded: the caller records pow's own node.
 */
function powAsOtherOps(x: Tensor, e: number): Tensor | null {
  if (e !== 0.5 && e !== -0.5 && e !== -1 && e !== 3 && e !== -2) return null;
  return noGrad(() => {
    if (e === 0.5) return x.sqrt();
    if (e === -0.5) return x.rsqrt();
    if (e === -1) return x.reciprocal();
    const square = x.mul(x);
    return e === 3 ? square.mul(x) : square.reciprocal();
  });
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
    // A square is the product x * x, as PyTorch computes it: the named primitive gives the backends'
    // loops instead of a call per element, and the same floats (x * x of a float32 is exact in double).
    const floats = dtype.isFloatingPoint && input.dtype_ === dtype;
    const square = e === 2 && floats;
    const out = (square ? binaryKernel(input, input, MUL, dtype, dtype) : floats ? powAsOtherOps(input, e) : null) ??
      binaryKernel(input, exponent, powKernel(dtype), dtype, dtype);
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

// ---- methods ----

const proto = Tensor.prototype;
proto.add = function (this: Tensor, other, options) { return add(this, other, options); };
proto.sub = function (this: Tensor, other, options) { return sub(this, other, options); };
proto.subtract = proto.sub;
proto.rsub = function (this: Tensor, other, options) { return rsub(this, other, options); };
proto.mul = function (this: Tensor, other) { return mul(this, other); };
proto.multiply = proto.mul;
proto.pow = function (this: Tensor, exponent) { return pow(this, exponent); };
proto.atan2 = function (this: Tensor, other) { return atan2(this, other); };
proto.arctan2 = proto.atan2;
proto.maximum = function (this: Tensor, other) { return maximum(this, other); };
proto.minimum = function (this: Tensor, other) { return minimum(this, other); };
proto.fmax = function (this: Tensor, other) { return fmax(this, other); };
proto.fmin = function (this: Tensor, other) { return fmin(this, other); };
