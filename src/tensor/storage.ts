// Storage: the flat typed array behind one or more tensors, and conversions between dtypes.
import { DType, int64, bool, float32, type TypedArray } from './dtype.js';

/** A value read from a tensor element: a number, or a bigint for int64. */
export type Element = number | bigint;

let storagesCreated = 0;

/** How many storages exist so far; a storage whose `serial` is at least this value is newer. */
export function storageCount(): number {
  return storagesCreated;
}

/**
 * Elements not computed yet: an elementwise expression a storage stands for until something reads it
 * (src/ops/fusion.ts). `evaluate` computes them once, from arrays it captured when it was made.
 */
export interface PendingElements {
  readonly length: number;
  evaluate(): TypedArray;
}

/** What a pending storage holds until it is evaluated. */
const NO_ELEMENTS = new Float32Array(0);

export class Storage {
  /**
   * Creation order. The autograd engine gives a leaf the gradient buffer it receives instead of a copy
   * only when that buffer's storage was made during the same backward, so no tensor of the user's
   * shares it.
   */
  declare readonly serial: number;
  private declare data_: TypedArray;
  /** @internal The expression this storage's elements are, until they are first read; null once they exist. */
  declare pending: PendingElements | null;
  /**
   * @internal How many pending expressions captured the current array (see `capture`). While there are
   * any, the array must not change: `data` gives a copy to write into instead.
   */
  declare readers: number;
  /**
   * @internal Whether code outside tstorch can write these elements without asking for `data` (an
   * array the user wrapped, a view of another storage's memory): a pending expression must not capture them.
   */
  declare external: boolean;

  /**
   * @internal The backward run (its steal policy) that handed this storage to several consumers or let
   * a leaf take it as `.grad`: a mark here costs less than the Set per run that most backwards needed.
   */
  declare claimedBy: object | null;

  // Fields set here rather than by class-field definitions: every new tensor makes a storage.
  constructor(data: TypedArray, pending: PendingElements | null = null) {
    this.serial = storagesCreated++;
    this.data_ = data;
    this.pending = pending;
    this.readers = 0;
    this.external = false;
    this.claimedBy = null;
  }

  /** @internal A storage whose elements `pending` computes when they are first read. */
  static deferred(pending: PendingElements): Storage {
    return new Storage(NO_ELEMENTS, pending);
  }

  /**
   * The elements, to read or to write. Views of one storage share this array. While pending
   * expressions hold the current array, it is first replaced by a copy (copy on write), so they compute
   * what they were made from.
   */
  get data(): TypedArray {
    if (this.pending !== null) this.materialize();
    if (this.readers !== 0) {
      this.data_ = this.data_.slice();
      this.readers = 0;
    }
    return this.data_;
  }

  /** @internal The elements, only to read: no copy is made for pending readers. */
  readData(): TypedArray {
    if (this.pending !== null) this.materialize();
    return this.data_;
  }

  /**
   * @internal The current array of a storage that is not pending, for a pending expression to read
   * later; it stays unchanged until the expression gives it back with `release`.
   */
  capture(): TypedArray {
    if (this.pending !== null) throw new Error('internal error: a pending storage was captured without evaluating it');
    this.readers++;
    return this.data_;
  }

  /** @internal Called by an expression done with `array`, which it captured. */
  release(array: TypedArray): void {
    if (array === this.data_ && this.readers > 0) this.readers--;
  }

  /**
   * @internal Settles a pending storage whose elements were evaluated into `array`, another storage's:
   * the two share memory, so neither is ever captured through this one.
   */
  resolve(array: TypedArray): void {
    this.data_ = array;
    this.pending = null;
    this.external = true;
  }

  /**
   * @internal Hands the array to code outside tstorch, which may keep it and write it: pending
   * expressions that captured the current array keep it (a copy takes its place here, as on a write),
   * and none captures this storage again.
   */
  expose(): void {
    void this.data;
    this.external = true;
  }

  /** @internal Computes pending elements now rather than at their first read. */
  materialize(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.data_ = pending.evaluate();
    this.pending = null;
  }

  get length(): number {
    return this.pending !== null ? this.pending.length : this.data_.length;
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
