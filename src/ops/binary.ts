// Binary and ternary pointwise ops: arithmetic, comparisons, logical and bitwise ops, where, lerp, clamp.
import { DType, bool, int64, getDefaultDtype } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/layout.js';
import { zerosLike, type Scalar } from '../tensor/factory.js';
import { record } from '../autograd/record.js';
import {
  asOperand,
  binaryKernel,
  checkOperand,
  checkTensor,
  isScalar,
  resultTypeOf,
  ternaryKernel,
  unaryKernel,
  type Kernel2,
  type TensorOrScalar,
} from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import type { Element } from '../tensor/storage.js';

export type RoundingMode = 'trunc' | 'floor' | null;

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorOrScalar, options?: { alpha?: number }): Tensor;
    sub(other: TensorOrScalar, options?: { alpha?: number }): Tensor;
    subtract(other: TensorOrScalar, options?: { alpha?: number }): Tensor;
    /** `other - alpha * this` (PyTorch's `rsub`, used for `1 - x`). */
    rsub(other: TensorOrScalar, options?: { alpha?: number }): Tensor;
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
    logicalAnd(other: TensorOrScalar): Tensor;
    logicalOr(other: TensorOrScalar): Tensor;
    logicalXor(other: TensorOrScalar): Tensor;
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

const ZERO_DIVISION = 'ZeroDivisionError';

/** A tensor operand or null for scalars: what the graph sees as an input. */
function graphInput(x: TensorOrScalar): Tensor | null {
  return x instanceof Tensor ? x : null;
}

function requireOneTensor(a: TensorOrScalar, b: TensorOrScalar, fn: string): void {
  checkOperand(a, fn, 'input');
  checkOperand(b, fn, 'other');
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(`${fn}(): expected at least one Tensor argument, but got ${pyTypeName(a)} and ${pyTypeName(b)}`);
  }
}

function checkAlpha(alpha: unknown, dtype: DType): number {
  if (typeof alpha !== 'number' && typeof alpha !== 'boolean') {
    throw new TypeError(`add(): argument 'alpha' must be Number, not ${pyTypeName(alpha)}`);
  }
  const a = Number(alpha);
  if (dtype === bool && typeof alpha !== 'boolean' && a !== 1 && a !== 0) {
    throw new Error('Boolean alpha only supported for Boolean results.');
  }
  if (dtype.kind === 'int' && !Number.isInteger(a)) {
    throw new Error('For integral input tensors, argument alpha must not be a floating point number.');
  }
  return a;
}

// ---- arithmetic ----

export function add(input: TensorOrScalar, other: TensorOrScalar, options: { alpha?: number } = {}): Tensor {
  requireOneTensor(input, other, 'add');
  const dtype = resultTypeOf(input, other);
  const alpha = checkAlpha(options.alpha ?? 1, dtype);
  const kernel: Kernel2 =
    dtype === bool
      ? { num: (x, y) => x || (alpha ? y : 0) }
      : alpha === 1
        ? { num: (x, y) => x + y, big: (x, y) => x + y }
        : { num: (x, y) => x + alpha * y, big: (x, y) => x + BigInt(alpha) * y };
  const out = binaryKernel(input, other, kernel, dtype, dtype);
  record({
    name: 'AddBackward0',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    backward: ([g], _s, needs) => [g, needs[1] ? (alpha === 1 ? g : (g as Tensor).mul(alpha)) : null],
  });
  return out;
}

export function sub(input: TensorOrScalar, other: TensorOrScalar, options: { alpha?: number } = {}): Tensor {
  requireOneTensor(input, other, 'sub');
  const dtype = resultTypeOf(input, other);
  if (dtype === bool) {
    throw new Error(
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
    );
  }
  const alpha = checkAlpha(options.alpha ?? 1, dtype);
  const out = binaryKernel(input, other, { num: (x, y) => x - alpha * y, big: (x, y) => x - BigInt(alpha) * y }, dtype, dtype);
  record({
    name: 'SubBackward0',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    backward: ([g], _s, needs) => [g, needs[1] ? (g as Tensor).mul(-alpha) : null],
  });
  return out;
}

export function rsub(input: Tensor, other: TensorOrScalar, options: { alpha?: number } = {}): Tensor {
  checkTensor(input, 'rsub');
  checkOperand(other, 'rsub', 'other');
  const dtype = resultTypeOf(input, other);
  if (dtype === bool) {
    throw new Error(
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
    );
  }
  const alpha = checkAlpha(options.alpha ?? 1, dtype);
  const out = binaryKernel(other, input, { num: (x, y) => x - alpha * y, big: (x, y) => x - BigInt(alpha) * y }, dtype, dtype);
  record({
    name: other instanceof Tensor ? 'RsubBackward0' : 'RsubBackward1',
    inputs: [input, graphInput(other)],
    outputs: [out],
    backward: ([g], _s, needs) => [(g as Tensor).mul(-alpha), needs[1] ? g : null],
  });
  return out;
}

export function mul(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  requireOneTensor(input, other, 'mul');
  const dtype = resultTypeOf(input, other);
  const a = asOperand(input, dtype);
  const b = asOperand(other, dtype);
  const kernel: Kernel2 = dtype === bool ? { num: (x, y) => x && y } : { num: (x, y) => x * y, big: (x, y) => x * y };
  const out = binaryKernel(a, b, kernel, dtype, dtype);
  // Saved operands are the original tensors, or the scalar wrapped as a 0-dim tensor (as PyTorch).
  const self = input instanceof Tensor ? input : a;
  const oth = other instanceof Tensor ? other : b;
  record({
    name: 'MulBackward0',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    save: [self, oth],
    backward: ([g], [s, o], needs) => [needs[0] ? (g as Tensor).mul(o) : null, needs[1] ? (g as Tensor).mul(s) : null],
  });
  return out;
}

function floorDivFloat(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return Math.sign(a / b) * 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

function intDivide(mode: 'trunc' | 'floor'): Kernel2 {
  const check = (y: number | bigint): void => {
    if (y === 0 || y === 0n) throw new Error(ZERO_DIVISION);
  };
  return {
    num: (x, y) => {
      check(y);
      return mode === 'trunc' ? Math.trunc(x / y) : Math.floor(x / y);
    },
    big: (x, y) => {
      check(y);
      const q = x / y;
      return mode === 'floor' && q * y !== x && x < 0n !== y < 0n ? q - 1n : q;
    },
  };
}

export function div(input: TensorOrScalar, other: TensorOrScalar, options: { roundingMode?: RoundingMode } = {}): Tensor {
  requireOneTensor(input, other, 'div');
  const mode = options.roundingMode ?? null;
  if (mode !== null && mode !== 'trunc' && mode !== 'floor') {
    throw new Error(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
  }
  const promoted = resultTypeOf(input, other);
  if (mode === null) {
    const dtype = promoted.isFloatingPoint ? promoted : getDefaultDtype();
    const a = asOperand(input, dtype);
    const b = asOperand(other, dtype);
    const out = binaryKernel(a, b, { num: (x, y) => x / y }, dtype, dtype);
    const self = input instanceof Tensor ? input : a;
    const oth = other instanceof Tensor ? other : b;
    record({
      name: 'DivBackward0',
      inputs: [graphInput(input), graphInput(other)],
      outputs: [out],
      save: [self, oth],
      backward: ([g], [s, o], needs) => [
        needs[0] ? (g as Tensor).div(o) : null,
        needs[1] ? (g as Tensor).neg().mul(s).div(o.mul(o)) : null,
      ],
    });
    return out;
  }
  if (promoted === bool) throw new Error(`"div_${mode}_cpu" not implemented for 'Bool'`);
  const kernel: Kernel2 = promoted.isFloatingPoint
    ? { num: mode === 'trunc' ? (x, y) => Math.trunc(x / y) : floorDivFloat }
    : intDivide(mode);
  const out = binaryKernel(input, other, kernel, promoted, promoted);
  record({
    name: 'DivBackward2',
    inputs: [graphInput(input), graphInput(other)],
    outputs: [out],
    backward: ([g], _s, needs) => [needs[0] ? zerosLike(g as Tensor) : null, needs[1] ? zerosLike(g as Tensor) : null],
  });
  return out;
}

export function floorDivide(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  return div(input, other, { roundingMode: 'floor' });
}

/** x ** n for integers with wrap-around at 64 bits (exponentiation by squaring). */
function intPow(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) {
    if (base === 1n) return 1n;
    if (base === -1n) return exponent % 2n === 0n ? 1n : -1n;
    throw new Error('Integers to negative integer powers are not allowed.');
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

function powKernel(dtype: DType): Kernel2 {
  if (dtype.isFloatingPoint) return { num: Math.pow };
  if (dtype === bool) return { num: (x, y) => (y === 0 ? 1 : x) };
  return {
    num: (x, y) => Number(intPow(BigInt(x), BigInt(y))),
    big: (x, y) => intPow(x, y),
  };
}

export function pow(input: TensorOrScalar, exponent: TensorOrScalar): Tensor {
  requireOneTensor(input, exponent, 'pow');
  const dtype = resultTypeOf(input, exponent);
  if (input instanceof Tensor && isScalar(exponent) && input.dtype.kind !== 'float' && typeof exponent === 'number' && Number.isInteger(exponent) && exponent < 0 && dtype.kind !== 'float') {
    throw new Error('Integers to negative integer powers are not allowed.');
  }
  const out = binaryKernel(input, exponent, powKernel(dtype), dtype, dtype);
  if (input instanceof Tensor && !(exponent instanceof Tensor)) {
    const e = Number(exponent);
    record({
      name: 'PowBackward0',
      inputs: [input],
      outputs: [out],
      save: [input],
      backward: ([g], [x]) => [e === 0 ? zerosLike(g as Tensor) : (g as Tensor).mul(x.pow(e - 1).mul(e))],
    });
  } else if (input instanceof Tensor) {
    const expT = exponent as Tensor;
    record({
      name: 'PowBackward1',
      inputs: [input, expT],
      outputs: [out],
      save: [input, expT, out],
      backward: ([g], [x, e, r], needs) => [
        needs[0] ? (g as Tensor).mul(e.mul(x.pow(e.sub(1)))).where(e.ne(0), 0) : null,
        // d/de x^e = x^e log x, taken as 0 where x == 0 and e >= 0.
        needs[1] ? (g as Tensor).mul(r.mul(x.log())).where(x.eq(0).logicalAnd(e.ge(0)).logicalNot(), 0) : null,
      ],
    });
  } else {
    const base = Number(input);
    record({
      name: 'PowBackward2',
      inputs: [null, exponent as Tensor],
      outputs: [out],
      save: [out, exponent as Tensor],
      backward: ([g], [r, e]) => [
        null,
        base === 0 ? (g as Tensor).mul(r.mul(Math.log(base))).where(e.lt(0), 0) : (g as Tensor).mul(r.mul(Math.log(base))),
      ],
    });
  }
  return out;
}

function floatBinary(name: string, input: Tensor, other: Tensor, num: (x: number, y: number) => number): Tensor {
  checkTensor(input, name);
  checkTensor(other, name, 'other');
  const promoted = resultTypeOf(input, other);
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
      const denom = x.mul(x).add(y.mul(y));
      return [needs[0] ? (g as Tensor).mul(y).div(denom) : null, needs[1] ? (g as Tensor).mul(x.neg()).div(denom) : null];
    },
  });
  return out;
}

function extremum(name: 'maximum' | 'minimum' | 'fmax' | 'fmin', input: Tensor, other: Tensor): Tensor {
  checkTensor(input, name);
  checkTensor(other, name, 'other');
  const dtype = resultTypeOf(input, other);
  const isMax = name === 'maximum' || name === 'fmax';
  const propagateNan = name === 'maximum' || name === 'minimum';
  const pick = (x: number, y: number): number => {
    if (Number.isNaN(x) || Number.isNaN(y)) return propagateNan ? NaN : Number.isNaN(x) ? y : x;
    return isMax ? (x >= y ? x : y) : x <= y ? x : y;
  };
  const out = binaryKernel(input, other, { num: pick, big: (x, y) => (isMax ? (x >= y ? x : y) : x <= y ? x : y) }, dtype, dtype);
  const gradName = `${name[0].toUpperCase()}${name.slice(1)}Backward0`;
  record({
    name: gradName,
    inputs: [input, other],
    outputs: [out],
    save: [input, other],
    backward: ([g], [x, y], needs) => {
      // Ties split the gradient evenly, as PyTorch does.
      const gt = g as Tensor;
      const half = gt.div(2);
      const selfWins = isMax ? x.gt(y) : x.lt(y);
      const otherWins = isMax ? x.lt(y) : x.gt(y);
      const tie = x.eq(y);
      return [
        needs[0] ? gt.where(selfWins, 0).add(half.where(tie, 0)) : null,
        needs[1] ? gt.where(otherWins, 0).add(half.where(tie, 0)) : null,
      ];
    },
  });
  return out;
}

export const maximum = (input: Tensor, other: Tensor): Tensor => extremum('maximum', input, other);
export const minimum = (input: Tensor, other: Tensor): Tensor => extremum('minimum', input, other);
export const fmax = (input: Tensor, other: Tensor): Tensor => extremum('fmax', input, other);
export const fmin = (input: Tensor, other: Tensor): Tensor => extremum('fmin', input, other);

export function remainder(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  requireOneTensor(input, other, 'remainder');
  const dtype = resultTypeOf(input, other);
  const kernel: Kernel2 = dtype.isFloatingPoint
    ? {
        num: (x, y) => {
          const m = x % y;
          return m !== 0 && y < 0 !== m < 0 ? m + y : m;
        },
      }
    : {
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
  const out = binaryKernel(input, other, kernel, dtype, dtype);
  recordModulo(out, input, other, 'Remainder', 'floor');
  return out;
}

export function fmod(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  requireOneTensor(input, other, 'fmod');
  const dtype = resultTypeOf(input, other);
  const kernel: Kernel2 = dtype.isFloatingPoint
    ? { num: (x, y) => x % y }
    : {
        num: (x, y) => {
          if (y === 0) throw new Error(ZERO_DIVISION);
          return x % y;
        },
        big: (x, y) => {
          if (y === 0n) throw new Error(ZERO_DIVISION);
          return x % y;
        },
      };
  const out = binaryKernel(input, other, kernel, dtype, dtype);
  recordModulo(out, input, other, 'Fmod', 'trunc');
  return out;
}

/** remainder/fmod: d/dself = 1; d/dother = -(self div other, rounded as the op rounds). */
function recordModulo(out: Tensor, input: TensorOrScalar, other: TensorOrScalar, prefix: string, mode: 'floor' | 'trunc'): void {
  if (other instanceof Tensor) {
    record({
      name: `${prefix}Backward1`,
      inputs: [graphInput(input), other],
      outputs: [out],
      save: input instanceof Tensor ? [input, other] : [other],
      backward: ([g], saved, needs) => {
        const x = input instanceof Tensor ? saved[0] : (input as number);
        const y = saved[saved.length - 1];
        return [needs[0] ? g : null, needs[1] ? (g as Tensor).mul(div(x, y, { roundingMode: mode })).neg() : null];
      },
    });
  } else {
    record({ name: `${prefix}Backward0`, inputs: [graphInput(input)], outputs: [out], backward: ([g]) => [g] });
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

function compare(name: CompareName, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  requireOneTensor(input, other, name);
  const dtype = resultTypeOf(input, other);
  const test = COMPARE[name];
  const kernel = (x: Element, y: Element): number => (test(x, y) ? 1 : 0);
  return binaryKernel(input, other, { num: kernel, big: kernel }, dtype, bool);
}

export const eq = (input: TensorOrScalar, other: TensorOrScalar): Tensor => compare('eq', input, other);
export const ne = (input: TensorOrScalar, other: TensorOrScalar): Tensor => compare('ne', input, other);
export const lt = (input: TensorOrScalar, other: TensorOrScalar): Tensor => compare('lt', input, other);
export const le = (input: TensorOrScalar, other: TensorOrScalar): Tensor => compare('le', input, other);
export const gt = (input: TensorOrScalar, other: TensorOrScalar): Tensor => compare('gt', input, other);
export const ge = (input: TensorOrScalar, other: TensorOrScalar): Tensor => compare('ge', input, other);

function logical(name: string, input: TensorOrScalar, other: TensorOrScalar, fn: (x: boolean, y: boolean) => boolean): Tensor {
  requireOneTensor(input, other, name);
  const dtype = resultTypeOf(input, other);
  const truthy = (v: Element): boolean => v !== 0 && v !== 0n;
  const kernel = (x: Element, y: Element): number => (fn(truthy(x), truthy(y)) ? 1 : 0);
  return binaryKernel(input, other, { num: kernel, big: kernel }, dtype, bool);
}

export const logicalAnd = (a: TensorOrScalar, b: TensorOrScalar): Tensor => logical('logical_and', a, b, (x, y) => x && y);
export const logicalOr = (a: TensorOrScalar, b: TensorOrScalar): Tensor => logical('logical_or', a, b, (x, y) => x || y);
export const logicalXor = (a: TensorOrScalar, b: TensorOrScalar): Tensor => logical('logical_xor', a, b, (x, y) => x !== y);

function bitwise(name: string, input: TensorOrScalar, other: TensorOrScalar, num: (x: number, y: number) => number, big: (x: bigint, y: bigint) => bigint): Tensor {
  requireOneTensor(input, other, name);
  const dtype = resultTypeOf(input, other);
  if (dtype.isFloatingPoint) throw new Error(`"${name}_cpu" not implemented for '${legacyScalarName(dtype)}'`);
  return binaryKernel(input, other, { num, big }, dtype, dtype);
}

export const bitwiseAnd = (a: TensorOrScalar, b: TensorOrScalar): Tensor => bitwise('bitwise_and', a, b, (x, y) => x & y, (x, y) => x & y);
export const bitwiseOr = (a: TensorOrScalar, b: TensorOrScalar): Tensor => bitwise('bitwise_or', a, b, (x, y) => x | y, (x, y) => x | y);
export const bitwiseXor = (a: TensorOrScalar, b: TensorOrScalar): Tensor => bitwise('bitwise_xor', a, b, (x, y) => x ^ y, (x, y) => x ^ y);

// ---- where, lerp, clamp ----

/** `torch.where(condition, input, other)`: elements of input where condition holds, else other's. */
export function where(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  checkTensor(condition, 'where', 'condition');
  checkOperand(input, 'where', 'input');
  checkOperand(other, 'where', 'other');
  if (condition.dtype !== bool && condition.dtype.name !== 'uint8') {
    throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${legacyScalarName(condition.dtype)}`);
  }
  const dtype = resultTypeOf(input, other);
  const a = asOperand(input, dtype);
  const b = asOperand(other, dtype);
  const out = ternaryKernel(condition, a, b, dtype, (c, x, y) => (c ? x : y));
  record({
    name: 'WhereBackward0',
    inputs: [null, graphInput(input), graphInput(other)],
    outputs: [out],
    save: [condition],
    backward: ([g], [c], needs) => [
      null,
      needs[1] ? (g as Tensor).where(c, 0) : null,
      needs[2] ? where(c, 0, g as Tensor) : null,
    ],
  });
  return out;
}

export function lerp(input: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  checkTensor(input, 'lerp');
  checkTensor(end, 'lerp', 'end');
  checkOperand(weight, 'lerp', 'weight');
  if (input.dtype !== end.dtype) {
    throw new Error(`expected dtype ${input.dtype} for \`end\` but got dtype ${end.dtype}`);
  }
  if (!input.dtype.isFloatingPoint) throw new Error(`"lerp_kernel_scalar" not implemented for '${legacyScalarName(input.dtype)}'`);
  const dtype = input.dtype;
  const w = asOperand(weight, dtype);
  // PyTorch's formula: weight < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w).
  const out = ternaryKernel(input, end, w, dtype, (s, e, ww) => {
    const x = s as number;
    const y = e as number;
    const t = ww as number;
    return Math.abs(t) < 0.5 ? x + t * (y - x) : y - (y - x) * (1 - t);
  });
  if (weight instanceof Tensor) {
    record({
      name: 'LerpBackward1',
      inputs: [input, end, weight],
      outputs: [out],
      save: [input, end, weight],
      backward: ([g], [s, e, wt], needs) => [
        needs[0] ? (g as Tensor).mul(wt.rsub(1)) : null,
        needs[1] ? (g as Tensor).mul(wt) : null,
        needs[2] ? (g as Tensor).mul(e.sub(s)) : null,
      ],
    });
  } else {
    const wn = Number(weight);
    record({
      name: 'LerpBackward0',
      inputs: [input, end],
      outputs: [out],
      backward: ([g], _s, needs) => [needs[0] ? (g as Tensor).mul(1 - wn) : null, needs[1] ? (g as Tensor).mul(wn) : null],
    });
  }
  return out;
}

export function clamp(input: Tensor, min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
  checkTensor(input, 'clamp');
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (lo !== null) checkOperand(lo, 'clamp', 'min');
  if (hi !== null) checkOperand(hi, 'clamp', 'max');
  if (lo instanceof Tensor || hi instanceof Tensor) return clampTensor(input, lo, hi);
  const dtype = resultTypeOf(input, ...([lo, hi].filter((v) => v !== null) as Scalar[]));
  if (dtype === bool) throw new Error('"clamp_scalar_cpu" not implemented for \'Bool\'');
  const l = lo === null ? -Infinity : Number(lo);
  const h = hi === null ? Infinity : Number(hi);
  const out = unaryKernel(input, {
    num: (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, l), h)),
    big: (v) => {
      let r = v;
      if (lo !== null && r < BigInt(l)) r = BigInt(l);
      if (hi !== null && r > BigInt(h)) r = BigInt(h);
      return r;
    },
  }, dtype, dtype);
  record({
    name: 'ClampBackward1',
    inputs: [input],
    outputs: [out],
    save: [input],
    backward: ([g], [s]) => {
      let mask: Tensor | null = null;
      if (lo !== null) mask = s.ge(l);
      if (hi !== null) mask = mask === null ? s.le(h) : mask.logicalAnd(s.le(h));
      return [(g as Tensor).mul(mask as Tensor)];
    },
  });
  return out;
}

function clampTensor(input: Tensor, lo: TensorOrScalar | null, hi: TensorOrScalar | null): Tensor {
  const bounds = [lo, hi].filter((v) => v !== null) as TensorOrScalar[];
  const dtype = resultTypeOf(input, ...bounds);
  let out = asOperand(input, dtype);
  if (lo !== null) out = binaryKernel(out, lo, { num: (x, m) => (Number.isNaN(x) || Number.isNaN(m) ? NaN : Math.max(x, m)), big: (x, m) => (x > m ? x : m) }, dtype, dtype);
  if (hi !== null) out = binaryKernel(out, hi, { num: (x, m) => (Number.isNaN(x) || Number.isNaN(m) ? NaN : Math.min(x, m)), big: (x, m) => (x < m ? x : m) }, dtype, dtype);
  const loT = lo instanceof Tensor ? lo : null;
  const hiT = hi instanceof Tensor ? hi : null;
  record({
    name: 'ClampBackward0',
    inputs: [input, loT, hiT],
    outputs: [out],
    save: [input, ...(loT ? [loT] : []), ...(hiT ? [hiT] : [])],
    backward: ([g], saved, needs) => {
      const s = saved[0];
      const minT = loT ? saved[1] : null;
      const maxT = hiT ? saved[saved.length - 1] : null;
      const gt = g as Tensor;
      let inRange: Tensor | null = null;
      const loOk = lo === null ? null : s.ge(lo instanceof Tensor ? (minT as Tensor) : lo);
      const hiOk = hi === null ? null : s.le(hi instanceof Tensor ? (maxT as Tensor) : hi);
      inRange = loOk && hiOk ? loOk.logicalAnd(hiOk) : (loOk ?? hiOk);
      return [
        needs[0] ? gt.mul(inRange as Tensor) : null,
        needs[1] && minT ? gt.mul(s.lt(minT)) : null,
        needs[2] && maxT ? gt.mul(s.gt(maxT).logicalAnd(loOk ?? s.eq(s))) : null,
      ];
    },
  });
  return out;
}

export function isclose(input: Tensor, other: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
  checkTensor(input, 'isclose');
  checkTensor(other, 'isclose', 'other');
  if (input.dtype !== other.dtype) {
    throw new Error(`${input.dtype} did not match ${other.dtype}`);
  }
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const equalNan = options.equalNan ?? false;
  const dtype = input.dtype;
  const close = (x: number, y: number): number => {
    if (x === y) return 1;
    if (Number.isNaN(x) || Number.isNaN(y)) return equalNan && Number.isNaN(x) && Number.isNaN(y) ? 1 : 0;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return 0;
    return Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0;
  };
  return binaryKernel(input, other, { num: close, big: (x, y) => close(Number(x), Number(y)) }, dtype === bool ? int64 : dtype, bool);
}

export function allclose(input: Tensor, other: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  return isclose(input, other, options).all().item() !== 0;
}

/** True when both tensors have the same shape and elements (`torch.equal`). */
export function equal(input: Tensor, other: Tensor): boolean {
  checkTensor(input, 'equal');
  checkTensor(other, 'equal', 'other');
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
proto.trueDivide = function (this: Tensor, other) { return div(this, other); };
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
proto.clampMin = function (this: Tensor, min) { return clamp(this, min, null); };
proto.clampMax = function (this: Tensor, max) { return clamp(this, null, max); };
/** `x.where(condition, other)`: x where condition holds, else other (PyTorch's Tensor.where). */
proto.where = function (this: Tensor, condition, other) { return where(condition, this, other); };
proto.isclose = function (this: Tensor, other, options) { return isclose(this, other, options); };
proto.allclose = function (this: Tensor, other, options) { return allclose(this, other, options); };
proto.equal = function (this: Tensor, other) { return equal(this, other); };
