// Storage: the flat typed array behind one or more tensors, and conversions between dtypes.
import { DType, int64, bool, float32, type TypedArray } from './dtype.js';

/** A value read from a tensor element: a number, or a bigint for int64. */
export type Element = number | bigint;

let storagesCreated = 0;

/** How many storages exist so far; a storage whose `serial` is at least this value is newer. */
export function storageCount(): number {
  return storagesCreated;
}

export class Storage {
  /**
   * Creation order. The autograd engine gives a leaf the gradient buffer it receives instead of a copy
   * only when that buffer's storage was made during the same backward, so no tensor of the user's
   * shares it.
   */
  declare readonly serial: number;
  /** The elements. Views of one storage share this array. */
  declare readonly data: TypedArray;

  /**
   * @internal The backward run (its steal policy) that handed this storage to several consumers or let
   * a leaf take it as `.grad`: a mark here costs less than the Set per run that most backwards needed.
   */
  declare claimedBy: object | null;

  // Fields set here rather than by class-field definitions: every new tensor makes a storage.
  constructor(data: TypedArray) {
    this.serial = storagesCreated++;
    this.data = data;
    this.claimedBy = null;
  }

  get length(): number {
    return this.data.length;
  }
}

/**
 * Sets every element of `data` to `value` (already of its representation). The fill builtin is a call
 * into the runtime that costs more than a few stores, and most filled arrays are a small tensor's.
 */
export function fillElements(data: TypedArray, value: Element): void {
  const n = data.length;
  if (n > 16) {
    (data as unknown as { fill(v: Element): void }).fill(value);
    return;
  }
  for (let i = 0; i < n; i++) (data as unknown as Element[])[i] = value;
}

/** A zeroed array of `length` elements; running out of memory is PyTorch's allocator error, not a RangeError. */
export function allocate(dtype: DType, length: number): TypedArray {
  try {
    // A constructor call that sees every array type is slow in V8; float32 (most tensors) gets its own.
    return dtype === float32 ? new Float32Array(length) : new dtype.arrayType(length);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new Error(
      `[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate ${BigInt(length) * BigInt(dtype.itemSize)} bytes. Error code 12 (Cannot allocate memory)`,
    );
  }
}

/** int64 value PyTorch's CPU cast gives for NaN and out-of-range floats (x86's cvttsd2si). */
const INT64_INDEFINITE = -(2n ** 63n);

/** Converts one element to the representation `dtype` stores (number, or bigint for int64). */
export function castElement(value: Element | boolean, dtype: DType): Element {
  if (dtype === int64) {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'boolean') return value ? 1n : 0n;
    if (!Number.isFinite(value) || Math.abs(value) >= 2 ** 63) return INT64_INDEFINITE;
    return BigInt(Math.trunc(value));
  }
  if (dtype === bool) {
    if (typeof value === 'bigint') return value !== 0n ? 1 : 0;
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value !== 0 ? 1 : 0; // NaN is true, as in C++
  }
  if (typeof value === 'bigint') return Number(BigInt.asIntN(64, value));
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (dtype.kind === 'int' && !(Math.abs(value) < 2 ** 31)) return int32Indefinite(dtype);
  return value; // the typed array rounds (float32) or truncates and wraps (integers) on store
}

/**
 * What x86 PyTorch builds give for float values outside int32's range (and nan/inf) cast to a narrower
 * integer: the conversion instruction's "indefinite" INT_MIN, narrowed (0 for 8- and 16-bit types).
 */
function int32Indefinite(dtype: DType): number {
  return dtype.itemSize === 4 ? -2147483648 : 0;
}

/** Copies a whole array into a new array of another dtype with PyTorch's cast semantics. */
export function castArray(src: TypedArray, srcDtype: DType, dstDtype: DType): TypedArray {
  const n = src.length;
  const out = allocate(dstDtype, n);
  if (srcDtype === dstDtype) {
    out.set(src as never);
    return out;
  }
  const bigOut = dstDtype === int64;
  const simple = !bigOut && srcDtype !== int64 && dstDtype !== bool && (dstDtype.kind === 'float' || srcDtype.kind !== 'float');
  if (simple) {
    // number -> number where the typed array's own conversion is PyTorch's cast.
    (out as Float64Array).set(src as Float64Array);
    return out;
  }
  const target = out as unknown as Element[];
  for (let i = 0; i < n; i++) target[i] = castElement(src[i], dstDtype);
  return out;
}
