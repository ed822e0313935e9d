// The named elementwise primitives, offered to a backend: the output arrays they write and the calls
// that run them on the active backend (or a given one) or, where it declines, on the JS backend's loops.
import { DType, float32, type TypedArray } from '../tensor/dtype.js';
import { allocate } from '../tensor/storage.js';
import { jsBackend, type Backend, type BinaryOpName, type FloatArray, type RunOperand, type UnaryOpName } from '../backends/backend.js';
import { binaryRun, sumRun, unaryRun } from '../backends/js/elementwise.js';
import { gather, scatter, type StridedOperand } from '../backends/js/strided.js';
import { contiguousStrides } from '../tensor/layout.js';
import { activeBackend } from '../backends/registry.js';

/**
 * The elements of a float output of `dtype` that its caller writes whole: uninitialised where the
 * active backend gives such memory (uninitialisedFloats), zeroed otherwise.
 */
export function outputFloats(dtype: DType, length: number): FloatArray {
  const fresh = activeBackend().uninitialisedFloats?.(dtype === float32 ? Float32Array : Float64Array, length) ?? null;
  return fresh ?? (allocate(dtype, length) as FloatArray);
}

/** Runs a named binary primitive on `active` or, where it declines, on the JS backend's loops. */
export function offerBinary(name: BinaryOpName, a: RunOperand, b: RunOperand, out: FloatArray, active: Backend = activeBackend()): boolean {
  const n = out.length;
  return active.binary?.(name, a, b, out, n) === true || (active !== jsBackend && binaryRun(name, a, b, out, n));
}

/** Runs a named unary primitive on `active` or, where it declines, on the JS backend's loops. */
export function offerUnary(name: UnaryOpName, a: RunOperand, out: FloatArray, active: Backend = activeBackend()): boolean {
  const n = out.length;
  return active.unary?.(name, a, out, n) === true || (active !== jsBackend && unaryRun(name, a, out, n));
}

/** The sum of n elements of a run on `active` or, where it declines, by the JS backend's loop. */
export function offerSum(a: RunOperand, n: number, active: Backend = activeBackend()): number | null {
  return active.sum?.(a, n) ?? (active !== jsBackend ? sumRun(a, n) : null);
}

/** Copies `src`'s elements over `shape` into the contiguous `out`, on the active backend or with the JS loops. */
export function gatherElements(src: StridedOperand, shape: readonly number[], out: TypedArray): void {
  if (activeBackend().copy?.(src, { data: out, strides: contiguousStrides(shape), offset: 0 }, shape) !== true) gather(src, shape, out);
}

/** Writes the contiguous `src` into `dst` over `shape`, on the active backend or with the JS loops. */
export function scatterElements(src: TypedArray, dst: StridedOperand, shape: readonly number[]): void {
  if (activeBackend().copy?.({ data: src, strides: contiguousStrides(shape), offset: 0 }, dst, shape) !== true) scatter(src, dst, shape);
}
