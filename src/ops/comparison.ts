// Comparisons (eq, ne, lt, le, gt, ge, isclose, allclose, equal), logical and bitwise binary ops:
// none of them is differentiable.
import { bool, getDefaultDtype } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/layout.js';
import { boolOption, floatArg, optionsArg } from '../tensor/args.js';
import { binaryKernel, binaryResultType, compareKernel, precisionOf, type TensorOrScalar } from './elementwise.js';
import type { CompareOpName } from '../backends/backend.js';
import { legacyScalarName } from './pointwise.js';
import type { Element } from '../tensor/storage.js';
import { SCALAR_SELF_SIGNATURES, checkOneTensor, checkTensorThenOperand, checkTensors, notImplemented } from './binary-args.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
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
    isclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor;
    allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean;
    equal(other: Tensor): boolean;
  }
}

const COMPARE: Record<CompareOpName, (x: Element, y: Element) => boolean> = {
  eq: (x, y) => x === y,
  ne: (x, y) => x !== y,
  lt: (x, y) => x < y,
  le: (x, y) => x <= y,
  gt: (x, y) => x > y,
  ge: (x, y) => x >= y,
};

function compare(name: CompareOpName, input: Tensor, other: TensorOrScalar): Tensor {
  checkTensorThenOperand(name, input, other);
  const dtype = binaryResultType(input, other);
  const direct = compareKernel(name, input, other, dtype);
  if (direct !== null) return direct;
  const test = COMPARE[name];
  const kernel = (x: Element, y: Element): number => (test(x, y) ? 1 : 0);
  return binaryKernel(input, other, { num: kernel, big: kernel }, dtype, bool);
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
proto.isclose = function (this: Tensor, other, options) { return isclose(this, other, options); };
proto.allclose = function (this: Tensor, other, options) { return allclose(this, other, options); };
proto.equal = function (this: Tensor, other) { return equal(this, other); };
