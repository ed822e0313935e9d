// Integer samplers: random_(from, to) / torch.randint and torch.randperm, with PyTorch's bounds checks
// and messages per dtype (PyTorch's CPU kernels, bit for bit; see sampling.ts).

import { Generator } from './random.js';
import type { AnyTypedArray } from './sampling.js';

/** Element types for `fillRandint` (a Uint8Array is uint8 unless 'bool' is given). */
export type RandomDTypeName = 'bool' | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';

const UINT64_MASK = (1n << 64n) - 1n;

const CPP_NAMES: Record<RandomDTypeName, string> = {
  bool: 'bool',
  uint8: 'unsigned char',
  int8: 'signed char',
  int16: 'short int',
  int32: 'int',
  int64: 'long int',
  float32: 'float',
  float64: 'double',
};

function arrayDTypeName(out: AnyTypedArray): RandomDTypeName {
  if (out instanceof Float32Array) return 'float32';
  if (out instanceof Float64Array) return 'float64';
  if (out instanceof Int32Array) return 'int32';
  if (out instanceof Int16Array) return 'int16';
  if (out instanceof Int8Array) return 'int8';
  if (out instanceof Uint8Array) return 'uint8';
  return 'int64';
}

/** int64 -> float32 with one rounding (C++'s static_cast<float>(int64_t)). */
function int64ToFloat32(v: bigint): number {
  const a = v < 0n ? -v : v;
  if (a <= 9007199254740992n) return Math.fround(Number(v));
  // Keep 24 significant bits, rounding half to even, using the exact integer.
  let bits = 0;
  for (let t = a; t > 0n; t >>= 1n) bits++;
  const shift = BigInt(bits - 24);
  let m = a >> shift;
  const rem = a - (m << shift);
  const halfway = 1n << (shift - 1n);
  if (rem > halfway || (rem === halfway && (m & 1n) === 1n)) m += 1n;
  const r = Number(m << shift);
  return v < 0n ? -r : r;
}

function toInt64(value: number | bigint, name: string): bigint {
  if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) {
    throw new TypeError(`${name} must be an integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  const v = BigInt(value);
  if (v < -(1n << 63n) || v >= 1n << 63n) throw new Error('Overflow when unpacking long');
  return v;
}

/** PyTorch's update_from: the smallest integer >= from that the float type holds exactly. */
function updateFrom(from: bigint, isFloat: boolean): bigint {
  const conv = (v: bigint): bigint => BigInt(isFloat ? int64ToFloat32(v) : Number(v));
  const digits = isFloat ? 24 : 53;
  const fromPlus1 = conv(from + 1n);
  if (fromPlus1 < from) {
    let f = from + 1n < 0n ? -(from + 1n) : from + 1n;
    let n = 0;
    while ((f >>= 1n) > 0n) n++;
    return fromPlus1 + (1n << BigInt(n - digits + 1));
  }
  return from;
}

/** PyTorch's update_to: the largest integer <= to that the float type holds exactly. */
function updateTo(to: bigint, isFloat: boolean): bigint {
  const conv = (v: bigint): bigint => BigInt(isFloat ? int64ToFloat32(v) : Number(v));
  const digits = isFloat ? 24 : 53;
  const toMinus1 = conv(to - 1n);
  if (toMinus1 >= to) {
    let t = to - 1n < 0n ? -(to - 1n) : to - 1n;
    let n = 0;
    while ((t >>= 1n) > 0n) n++;
    return toMinus1 - (1n << BigInt(n - digits + 1));
  }
  return to;
}

const INT_BOUNDS: Record<RandomDTypeName, [bigint, bigint]> = {
  bool: [0n, 1n],
  uint8: [0n, 255n],
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  float32: [0n, 0n],
  float64: [0n, 0n],
};

/** Options for fillRandint. */
export interface RandintOptions {
  /** The element type when the array alone does not say (a Uint8Array holding bools: 'bool'). */
  dtype?: RandomDTypeName;
  /** Receives PyTorch's UserWarning text for float ranges beyond exact integers (otherwise ignored). */
  warn?: (message: string) => void;
}

/**
 * Fills `out` like `random_(low, high)` / `torch.randint(low, high)`: (r % range) + low with r = random()
 * (32 bits), or random64() when range >= 2^32 and the dtype is int64, float32 or float64.
 */
export function fillRandint(
  gen: Generator,
  out: AnyTypedArray,
  low: number | bigint,
  high: number | bigint,
  options: RandintOptions = {},
): void {
  const dtype = options.dtype ?? arrayDTypeName(out);
  let from = toInt64(low, 'low');
  let to = toInt64(high, 'high');
  if (!(from < to)) throw new Error(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
  const isFloatType = dtype === 'float32' || dtype === 'float64';
  const cpp = CPP_NAMES[dtype];
  if (isFloatType) {
    const isF32 = dtype === 'float32';
    from = updateFrom(from, isF32);
    to = updateTo(to, isF32);
    if (!(from < to)) {
      throw new Error(
        `random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${from} >= to=${to}`,
      );
    }
    const digits = isF32 ? 24 : 53;
    const limit = 1n << BigInt(digits);
    const toInc = to - 1n;
    for (const [v, name] of [
      [from, 'from'],
      [toInc, 'to - 1'],
    ] as const) {
      if (v < -limit || v > limit) {
        options.warn?.(
          `${name} is out of bounds [-(2^${digits}), 2^${digits}]. Due to precision limitations ${cpp} can support discrete uniform distribution only within this range. This warning will become an error in version 1.7 release, please fix the code in advance`,
        );
      }
    }
  } else {
    const [min, max] = INT_BOUNDS[dtype];
    if (from < min || from > max) throw new Error(`from is out of bounds for ${cpp}`);
    if (to - 1n < min || to - 1n > max) throw new Error(`to - 1 is out of bounds for ${cpp}`);
  }
  const range = (to - from) & UINT64_MASK;
  const n = out.length;
  const wide = range >= 1n << 32n && (dtype === 'int64' || isFloatType);
  if (wide) {
    for (let i = 0; i < n; i++) {
      const v = BigInt.asIntN(64, (gen.random64() % range) + from);
      if (out instanceof BigInt64Array) out[i] = v;
      else out[i] = dtype === 'float32' ? int64ToFloat32(v) : Number(v);
    }
    return;
  }
  const r = Number(range);
  if (out instanceof BigInt64Array) {
    if (from >= -(1n << 52n) && from <= 1n << 52n) {
      const base = Number(from);
      for (let i = 0; i < n; i++) out[i] = BigInt((gen.random() % r) + base);
    } else {
      for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, BigInt(gen.random() % r) + from);
    }
    return;
  }
  // Here from and to - 1 fit the dtype, or the dtype is float: values are exact in a double, except
  // float ranges beyond 2^53, which PyTorch only warns about.
  if (from >= -(1n << 52n) && from <= 1n << 52n) {
    const base = Number(from);
    for (let i = 0; i < n; i++) out[i] = (gen.random() % r) + base;
  } else {
    for (let i = 0; i < n; i++) {
      const v = BigInt(gen.random() % r) + from;
      out[i] = dtype === 'float32' ? int64ToFloat32(v) : Number(v);
    }
  }
}

const RANDPERM_LIMITS: Partial<Record<RandomDTypeName, [number, string]>> = {
  uint8: [256, 'value cannot be converted to type uint8_t without overflow'],
  int8: [128, 'value cannot be converted to type int8_t without overflow'],
  int16: [32768, 'value cannot be converted to type int16_t without overflow'],
  int32: [2147483648, 'value cannot be converted to type int32_t without overflow'],
  float32: [16777217, 'n cannot be greater than 2^24+1 for Float type.'],
};

/**
 * Fills `out` (length n) with a permutation of 0..n-1 like `torch.randperm(n)`: the identity, then for
 * i = 0..n-2 a swap of elements i and i + random() % (n - i).
 */
export function fillRandperm(gen: Generator, out: AnyTypedArray, dtype?: RandomDTypeName): void {
  const perm = randperm(gen, out.length, dtype ?? arrayDTypeName(out));
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < perm.length; i++) out[i] = BigInt(perm[i]);
  } else {
    out.set(perm);
  }
}

/** `torch.randperm(n, dtype=dtype)` as numbers (checks that n fits the dtype like PyTorch). */
export function randperm(gen: Generator, n: number, dtype: RandomDTypeName = 'int64'): Float64Array {
  if (!Number.isInteger(n)) throw new TypeError(`randperm(): n must be an integer, got ${n}`);
  if (n < 0) throw new Error(`Trying to create tensor with negative dimension ${n}: [${n}]`);
  const limit = RANDPERM_LIMITS[dtype];
  if (limit && n > limit[0]) throw new Error(limit[1]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const sav = r[i];
    r[i] = r[z + i];
    r[z + i] = sav;
  }
  return r;
}
