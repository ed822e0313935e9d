// What the binary op modules (arithmetic, division, comparison, ternary) share: the argument rules of Python's
// overloads, the error for a dtype without a kernel, and the graph's view of an operand.
import { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOperand, checkTensor, invalidArguments, isScalar, type TensorOrScalar } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';

/** A tensor operand or null for scalars: what the graph sees as an input. */
export function graphInput(x: TensorOrScalar): Tensor | null {
  return x instanceof Tensor ? x : null;
}

export function notImplemented(kernel: string, dtype: DType): Error {
  return new Error(`"${kernel}" not implemented for '${legacyScalarName(dtype)}'`);
}

// ---- argument rules (Python's overloads) ----

/** add, sub, mul, div, true_divide, floor_divide: Python wraps numbers given for either argument. */
export function checkNumbersAsTensors(fn: string, input: unknown, other: unknown): asserts input is TensorOrScalar {
  checkOperand(input, fn, 'input', 1);
  checkOperand(other, fn, 'other', 2);
}

const TENSOR_INPUT_SIGNATURES = ['(Tensor input, Tensor other, *, Tensor out)', '(Tensor input, Number other, *, Tensor out)'];
export const SCALAR_SELF_SIGNATURES = [
  '(Tensor input, Tensor other, *, Tensor out)',
  '(Number self, Tensor other)',
  '(Tensor input, Number other, *, Tensor out)',
];

/** Comparisons and fmod: a tensor, then a tensor or a number. */
export function checkTensorThenOperand(fn: string, input: unknown, other: unknown): asserts input is Tensor {
  if (!(input instanceof Tensor) || !(other instanceof Tensor || isScalar(other))) {
    throw invalidArguments(fn, [input, other], TENSOR_INPUT_SIGNATURES);
  }
}

/** remainder, pow, bitwise ops: either argument may be a number, not both. */
export function checkOneTensor(fn: string, input: unknown, other: unknown, signatures: readonly string[]): void {
  const ok = input instanceof Tensor ? other instanceof Tensor || isScalar(other) : isScalar(input) && other instanceof Tensor;
  if (!ok) throw invalidArguments(fn, [input, other], signatures);
}

export function checkTensors(fn: string, input: unknown, other: unknown): asserts input is Tensor {
  checkTensor(input, fn, 'input', 1);
  checkTensor(other, fn, 'other', 2);
}
