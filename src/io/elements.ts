// Element formats of checkpoint files and their conversion to and from tstorch's typed arrays.
//
// A format whose bytes are exactly one of tstorch's dtypes ("native") loads without conversion, as a
// view of the file's bytes when the host's byte order and the alignment allow it (zero-copy). Formats
// tstorch has no dtype for (float16, bfloat16, the float8s, the wider unsigned integers) are decoded
// into the closest dtype that holds every value exactly; they are encoded back with PyTorch's (c10's)
// rounding so that a saved file holds the bytes PyTorch's own `.to(dtype)` would have produced.
import { DType, bool, uint8, int8, int16, int32, int64, float32, float64, type TypedArray } from '../tensor/dtype.js';
import { castArray } from '../tensor/storage.js';
import { pyTypeName } from '../tensor/tensor.js';
import { optionsArg, dtypeOption } from '../tensor/args.js';

/** A checkpoint reader's options object, checked: null is none; `dtype` must be a dtype. */
export function loaderOptions<T extends { dtype?: DType }>(options: T | null | undefined, fn: string): T {
  const checked = optionsArg(options, fn);
  dtypeOption(checked.dtype, fn);
  return checked;
}

/** The bytes given to a checkpoint reader, checked (paths, URLs and ArrayBuffers go to torch.load). */
export function bytesArg(value: unknown, fn: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${fn}(): argument 'bytes' must be Uint8Array, not ${pyTypeName(value)}`);
  return value;
}

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface ElementFormat {
  /** PyTorch's dtype name (`float16`, `bfloat16`, `float8_e4m3fn`, ...). */
  readonly name: string;
  readonly itemSize: number;
  /** The tstorch dtype whose memory is exactly these bytes, or null when elements need converting. */
  readonly native: DType | null;
  /** The dtype the elements load as unless another is asked for. */
  readonly loadsAs: DType;
  /** Little-endian bytes to an array of `loadsAs` (only for non-native formats). */
  readonly decode?: (bytes: Uint8Array) => TypedArray;
  /** An array of `loadsAs` to little-endian bytes (only for non-native formats). */
  readonly encode?: (values: TypedArray) => Uint8Array;
}

function nativeFormat(dtype: DType): ElementFormat {
  return { name: dtype.name, itemSize: dtype.itemSize, native: dtype, loadsAs: dtype };
}

export const NATIVE_FORMATS: ReadonlyMap<DType, ElementFormat> = new Map(
  [bool, uint8, int8, int16, int32, int64, float32, float64].map((d) => [d, nativeFormat(d)]),
);

export function nativeFormatOf(dtype: DType): ElementFormat {
  return NATIVE_FORMATS.get(dtype) as ElementFormat;
}

// ---- bit-level conversions (as c10/util/Half.h, BFloat16.h, Float8_*.h) ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function floatBits(x: number): number {
  f32[0] = x;
  return u32[0];
}

function bitsFloat(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0];
}

function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  let exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp === 0) {
    if (mant === 0) return sign >>> 0;
    exp = 1;
    while ((mant & 0x400) === 0) {
      mant <<= 1;
      exp--;
    }
    mant &= 0x3ff;
  }
  return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
}

/** Round to nearest even of the bits `value >> shift` (the bits shifted out decide). */
function roundShift(value: number, shift: number): number {
  const kept = Math.floor(value / 2 ** shift);
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** float32 bits to half bits, rounding to nearest even; NaN becomes c10's 0x7e00. */
function floatBitsToHalf(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127;
  const mant = bits & 0x7fffff;
  if (exp === 128) return sign | (mant !== 0 ? 0x7e00 : 0x7c00);
  if (exp > 15) return sign | 0x7c00;
  if (exp >= -14) return sign | Math.min(roundShift(((exp + 15) << 10) * 8192 + mant, 13), 0x7c00);
  if (exp < -25) return sign;
  return sign | roundShift(mant | 0x800000, -(exp + 1));
}

/** Round to nearest even; NaN becomes 0xffff, as ATen's vectorized CPU cast gives (c10's scalar one 0x7fc0). */
function bfloat16FromFloatBits(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return 0xffff;
  return ((bits + ((bits >>> 16) & 1) + 0x7fff) >>> 16) & 0xffff;
}

function float8e4m3fnToFloat(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exp = (b >> 3) & 0xf;
  const mant = b & 7;
  if (exp === 15 && mant === 7) return NaN;
  return sign * (exp === 0 ? mant * 2 ** -9 : (1 + mant / 8) * 2 ** (exp - 7));
}

/** c10's fp8e4m3fn_from_fp32_value: round to nearest even, NaN for values beyond the format. */
function float8e4m3fnFromFloat(x: number): number {
  let bits = floatBits(x);
  const sign = (bits >>> 24) & 0x80;
  bits = (bits & 0x7fffffff) >>> 0;
  let result: number;
  if (bits >= 1087 << 20) {
    result = 0x7f;
  } else if (bits < 121 << 23) {
    const denorm = 141 << 23;
    result = (floatBits(Math.fround(bitsFloat(bits) + bitsFloat(denorm))) - denorm) & 0xff;
  } else {
    const mantOdd = (bits >>> 20) & 1;
    result = (((bits + ((7 - 127) << 23) + 0x7ffff + mantOdd) >>> 0) >>> 20) & 0xff;
  }
  return result | sign;
}

function float8e5m2ToFloat(b: number): number {
  return bitsFloat(halfToFloatBits(b << 8));
}

/** c10's fp8e5m2_from_fp32_value: round to nearest even, infinity beyond the format. */
function float8e5m2FromFloat(x: number): number {
  let bits = floatBits(x);
  const sign = (bits >>> 24) & 0x80;
  bits = (bits & 0x7fffffff) >>> 0;
  let result: number;
  if (bits >= 143 << 23) {
    result = bits > 0x7f800000 ? 0x7f : 0x7c;
  } else if (bits < 113 << 23) {
    const denorm = 134 << 23;
    result = (floatBits(Math.fround(bitsFloat(bits) + bitsFloat(denorm))) - denorm) & 0xff;
  } else {
    const mantOdd = (bits >>> 21) & 1;
    result = (((bits + ((15 - 127) << 23) + 0xfffff + mantOdd) >>> 0) >>> 21) & 0xff;
  }
  return result | sign;
}

function float8e8m0ToFloat(b: number): number {
  return b === 0xff ? NaN : 2 ** (b - 127);
}

/** c10's fp8e8m0fnu_from_fp32_value: the exponent, rounded to nearest even on the mantissa. */
function float8e8m0FromFloat(x: number): number {
  const bits = floatBits(x);
  let exp = (bits >>> 23) & 0xff;
  if (exp === 0xff) return 0xff;
  const guard = (bits & 0x400000) !== 0;
  const sticky = (bits & 0x3fffff) !== 0;
  const lsb = exp > 0;
  if (guard && (sticky || lsb) && exp < 0xfe) exp += 1;
  return exp;
}

// ---- formats without a tstorch dtype ----

function bytesOf(values: TypedArray): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A 16-bit float format, decoded through float32 bits. */
function float16Like(name: string, toBits: (h: number) => number, fromBits: (bits: number) => number): ElementFormat {
  return {
    name, itemSize: 2, native: null, loadsAs: float32,
    decode(bytes) {
      const n = bytes.length >> 1;
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = toBits(bytes[2 * i] | (bytes[2 * i + 1] << 8));
      return new Float32Array(out.buffer);
    },
    encode(values) {
      const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
      const out = new Uint8Array(values.length * 2);
      for (let i = 0; i < bits.length; i++) {
        const h = fromBits(bits[i]);
        out[2 * i] = h & 0xff;
        out[2 * i + 1] = h >> 8;
      }
      return out;
    },
  };
}

function float8(name: string, toFloat: (b: number) => number, fromFloat: (x: number) => number): ElementFormat {
  const table = Float32Array.from({ length: 256 }, (_, b) => toFloat(b));
  return {
    name, itemSize: 1, native: null, loadsAs: float32,
    decode: (bytes) => Float32Array.from(bytes, (b) => table[b]),
    encode: (values) => Uint8Array.from(values as Float32Array, fromFloat),
  };
}

/** An element the target dtype cannot hold; the file format's reader says which tensor it is in. */
export class ElementRangeError extends Error {
  override name = 'ElementRangeError';
}

function unsignedWide(name: string, itemSize: 2 | 4 | 8): ElementFormat {
  const loadsAs = itemSize === 2 ? int32 : int64;
  return {
    name, itemSize, native: null, loadsAs,
    decode(bytes) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const n = bytes.length / itemSize;
      if (itemSize === 2) return Int32Array.from({ length: n }, (_, i) => view.getUint16(2 * i, true));
      if (itemSize === 4) return BigInt64Array.from({ length: n }, (_, i) => BigInt(view.getUint32(4 * i, true)));
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigUint64(8 * i, true);
        if (v >= 2n ** 63n) throw new ElementRangeError(`uint64 value ${v} does not fit tstorch's int64`);
        out[i] = v;
      }
      return out;
    },
    encode(values) {
      const out = new Uint8Array(values.length * itemSize);
      const view = new DataView(out.buffer);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (itemSize === 2) view.setUint16(2 * i, Number(v) & 0xffff, true);
        else if (itemSize === 4) view.setUint32(4 * i, Number(BigInt.asUintN(32, BigInt(v))), true);
        else view.setBigUint64(8 * i, BigInt.asUintN(64, BigInt(v)), true);
      }
      return out;
    },
  };
}

export const FLOAT16 = float16Like('float16', halfToFloatBits, floatBitsToHalf);
export const BFLOAT16 = float16Like('bfloat16', (h) => (h << 16) >>> 0, bfloat16FromFloatBits);
export const FLOAT8_E4M3FN = float8('float8_e4m3fn', float8e4m3fnToFloat, float8e4m3fnFromFloat);
export const FLOAT8_E5M2 = float8('float8_e5m2', float8e5m2ToFloat, float8e5m2FromFloat);
export const FLOAT8_E8M0FNU = float8('float8_e8m0fnu', float8e8m0ToFloat, float8e8m0FromFloat);
export const UINT16 = unsignedWide('uint16', 2);
export const UINT32 = unsignedWide('uint32', 4);
export const UINT64 = unsignedWide('uint64', 8);

// ---- whole arrays ----

function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let i = 0; i < bytes.length; i += itemSize) {
    for (let a = i, b = i + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * The elements stored in `bytes` (a whole number of elements of `format`), as an array of `dtype`
 * (default: the format's own). Native elements in the host's byte order at an aligned offset come back
 * as a view of `bytes` itself, sharing its memory.
 */
export function decodeElements(bytes: Uint8Array, format: ElementFormat, littleEndian = true, dtype?: DType): TypedArray {
  const size = format.itemSize;
  let data: TypedArray;
  if (format.native !== null) {
    const native = format.native;
    if (littleEndian === HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % size === 0) {
      data = new native.arrayType(bytes.buffer, bytes.byteOffset, bytes.length / size);
    } else {
      const copy = bytes.slice();
      if (littleEndian !== HOST_IS_LITTLE_ENDIAN) swapBytes(copy, size);
      data = new native.arrayType(copy.buffer, 0, copy.length / size);
    }
  } else {
    let source = bytes;
    if (!littleEndian) {
      source = bytes.slice();
      swapBytes(source, size);
    }
    data = (format.decode as (b: Uint8Array) => TypedArray)(source);
  }
  const from = format.loadsAs;
  return dtype === undefined || dtype === from ? data : castArray(data, from, dtype);
}

/** Little-endian bytes of contiguous elements of `dtype` stored as `format` (cast as PyTorch casts). */
export function encodeElements(values: TypedArray, dtype: DType, format: ElementFormat): Uint8Array {
  // Non-native float formats convert from float32, as c10 does (double -> float -> half).
  const target = format.native ?? format.loadsAs;
  const cast = target === dtype ? values : castArray(values, dtype, target);
  if (format.native === null) return (format.encode as (v: TypedArray) => Uint8Array)(cast);
  const bytes = bytesOf(cast);
  if (HOST_IS_LITTLE_ENDIAN) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, format.itemSize);
  return copy;
}
