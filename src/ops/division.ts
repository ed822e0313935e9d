// Division ops: div (true, trunc, floor), true_divide, floor_divide, remainder and fmod.
// Backward formulas follow PyTorch 2.x's derivatives.yaml, as in arithmetic.ts.
import { DType, bool, getDefaultDtype } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/factory.js';
import { optionsArg } from '../tensor/args.js';
import { mayRecord, record } from '../autograd/record.js';
import type { BackwardFormula } from '../autograd/node.js';
import { asOperand, binaryKernel, binaryResultType, precisionOf, type Kernel2, type TensorOrScalar } from './elementwise.js';
import { SCALAR_SELF_SIGNATURES, checkNumbersAsTensors, checkOneTensor, checkTensorThenOperand, graphInput, notImplemented } from './binary-args.js';

export type RoundingMode = 'trunc' | 'floor' | null;

declare module '../tensor/tensor.js' {
  interface Tensor {
    div(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor;
    divide(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): Tensor;
    trueDivide(other: TensorOrScalar): Tensor;
    floorDivide(other: TensorOrScalar): Tensor;
    remainder(other: TensorOrScalar): Tensor;
    fmod(other: TensorOrScalar): Tensor;
  }
}

// PyTorch raises RuntimeError("ZeroDivisionError") for integral division by zero.
const ZERO_DIVISION = 'ZeroDivisionError';

const TRUE_DIVIDE: Kernel2 = { num: (x, y) => x / y, name: 'div' };

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

// ---- methods ----

const proto = Tensor.prototype;
proto.div = function (this: Tensor, other, options) { return div(this, other, options); };
proto.divide = proto.div;
proto.trueDivide = function (this: Tensor, other) { return trueDivide(this, other); };
proto.floorDivide = function (this: Tensor, other) { return floorDivide(this, other); };
proto.remainder = function (this: Tensor, other) { return remainder(this, other); };
proto.fmod = function (this: Tensor, other) { return fmod(this, other); };
