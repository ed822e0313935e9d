// PyTorch's CPU sampling kernels, reproduced bit for bit: the transforms PyTorch applies to the
// generator's 32- and 64-bit draws for uniform, normal, exponential, Bernoulli, integer, permutation and
// multinomial samples (ATen/core/DistributionsHelper.h, TransformationHelper.h,
// native/cpu/DistributionTemplates.h, native/cpu/DistributionKernels.cpp, the AVX2 normal kernel).
// Operations are evaluated in PyTorch's order with its fused multiply-adds emulated exactly (libm.ts).
// ---------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------

import { fma, fmaf, glibcLog, glibcSinCos, signBit, floatFromBits, floatBits, sincosSin, sincosCos } from './libm.js';
import { Generator } from './random.js';
import type { TypedArray } from './dtype.js';

/** A typed array of floating-point elements (float32 or float64). */
export type FloatArray = Float32Array | Float64Array;

/** Any typed array tstorch stores tensors in. */
export type AnyTypedArray = TypedArray;

/** Element types for `fillRandint` (a Uint8Array is uint8 unless 'bool' is given). */
export type RandomDTypeName = 'bool' | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';

const UINT64_MASK = (1n << 64n) - 1n;

/** A double as C++'s `ostream << double` prints it (printf's %g: 6 significant digits). */
export function formatCppDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return signBit(x) ? '-0' : '0';
  const [mant, expText] = x.toExponential(5).split('e');
  const exp = Number(expText);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return strip(x.toFixed(5 - exp));
}

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

const FLOAT32_MAX = 3.4028234663852886e38;

function floatBounds(out: FloatArray): [number, number] {
  return out instanceof Float32Array ? [-FLOAT32_MAX, FLOAT32_MAX] : [-Number.MAX_VALUE, Number.MAX_VALUE];
}

// ---------------------------------------------------------------------------------------------------
// Uniform
// ---------------------------------------------------------------------------------------------------

/** Fills `out` like `uniform_(from, to)` / `torch.rand` (float32: 24 random bits, float64: 53). */
export function fillUniform(gen: Generator, out: FloatArray, from = 0, to = 1): void {
  const isFloat = out instanceof Float32Array;
  const cpp = isFloat ? 'float' : 'double';
  const [min, max] = floatBounds(out);
  if (!(from >= min && from <= max)) throw new Error(`from is out of bounds for ${cpp}`);
  if (!(to >= min && to <= max)) throw new Error(`to is out of bounds for ${cpp}`);
  if (!(from <= to)) {
    throw new Error(
      `uniform_ expects to return a [from, to) range, but found from=${formatCppDouble(from)} > to=${formatCppDouble(to)}`,
    );
  }
  if (!(to - from <= max)) {
    throw new Error(
      `uniform_ expects to-from <= std::numeric_limits<${isFloat ? 'Float' : 'Double'}>::max(), but found to=${formatCppDouble(to)} and from=${formatCppDouble(from)} which result in to-from to exceed the limit`,
    );
  }
  const n = out.length;
  if (isFloat) {
    const f = Math.fround(from);
    const range = Math.fround(Math.fround(to) - f);
    for (let i = 0; i < n; i++) out[i] = fmaf(gen.nextFloat(), range, f);
  } else {
    const range = to - from;
    for (let i = 0; i < n; i++) out[i] = fma(gen.nextDouble(), range, from);
  }
}

// ---------------------------------------------------------------------------------------------------
// Normal
// ---------------------------------------------------------------------------------------------------

const TWO_PI = 2 * Math.PI;

/** PyTorch's normal_fill_16 for doubles (Box-Muller on 8 pairs of uniforms already in place). */
function normalFill16Double(d: Float64Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const radius = Math.sqrt(glibcLog(1 - d[off + j]) * -2);
    glibcSinCos(TWO_PI * d[off + j + 8]);
    d[off + j] = fma(radius * sincosCos, std, mean);
    d[off + j + 8] = fma(radius * sincosSin, std, mean);
  }
}

// Constants of PyTorch's avx_mathfun.h (Cephes single-precision log and sincos), as float32 values.
const F_TWO_PI = floatFromBits(0x40c90fdb);
const F_MIN_NORM = floatFromBits(0x00800000);
const F_SQRTHF = floatFromBits(0x3f3504f3);
const F_LOG_P = [
  0x3d9021bb, 0xbdebd1b8, 0x3def251a, 0xbdfe5d4f, 0x3e11e9bf, 0xbe2aae50, 0x3e4cceac, 0xbe7ffffc, 0x3eaaaaaa,
].map(floatFromBits);
const F_LOG_Q1 = floatFromBits(0xb95e8083);
const F_LOG_Q2 = floatFromBits(0x3f318000);
const F_FOPI = floatFromBits(0x3fa2f983);
const F_MINUS_DP1 = floatFromBits(0xbf490000);
const F_MINUS_DP2 = floatFromBits(0xb97da000);
const F_MINUS_DP3 = floatFromBits(0xb3222169);
const F_COS_P0 = floatFromBits(0x37ccf5ce);
const F_COS_P1 = floatFromBits(0xbab6061a);
const F_COS_P2 = floatFromBits(0x3d2aaaa5);
const F_SIN_P0 = floatFromBits(0xb94ca1f9);
const F_SIN_P1 = floatFromBits(0x3c08839e);
const F_SIN_P2 = floatFromBits(0xbe2aaaa3);

/** log256_ps of avx_mathfun.h for one lane, as compiled into PyTorch's AVX2 kernel (x > 0). */
function cephesLogF(u: number): number {
  const x0 = u > F_MIN_NORM ? u : F_MIN_NORM;
  const bits = floatBits(x0);
  let e = (bits >>> 23) - 127 + 1;
  const x = floatFromBits(((bits & 0x807fffff) | 0x3f000000) >>> 0);
  const lt = x < F_SQRTHF;
  let xm = Math.fround(x - 1);
  if (lt) e -= 1;
  const eq1 = Math.fround(e * F_LOG_Q1);
  xm = Math.fround((lt ? x : 0) + xm);
  let y = F_LOG_P[0];
  for (let i = 1; i < 9; i++) y = fmaf(xm, y, F_LOG_P[i]);
  const z = Math.fround(xm * xm);
  y = Math.fround(xm * y);
  y = fmaf(y, z, eq1);
  y = fmaf(-z, 0.5, y);
  return fmaf(e, F_LOG_Q2, Math.fround(xm + y));
}

let sinF = 0;
let cosF = 0;

/** sincos256_ps of avx_mathfun.h for one lane, as compiled into PyTorch's AVX2 kernel. */
function cephesSinCosF(theta: number): void {
  const ax = Math.abs(theta);
  const negative = signBit(theta);
  const yq = Math.fround(ax * F_FOPI);
  const j1 = (Math.trunc(yq) + 1) | 0;
  const j2 = j1 & ~1;
  const swapSin = (j1 & 4) !== 0;
  const polyMask = (j1 & 2) === 0;
  const signCos = (~(j2 - 2) & 4) !== 0;
  let x = fmaf(j2, F_MINUS_DP1, ax);
  x = fmaf(j2, F_MINUS_DP2, x);
  x = fmaf(j2, F_MINUS_DP3, x);
  const z = Math.fround(x * x);
  let yc = fmaf(z, F_COS_P0, F_COS_P1);
  yc = fmaf(z, yc, F_COS_P2);
  const half = Math.fround(z * 0.5);
  yc = Math.fround(z * yc);
  yc = fmaf(yc, z, -half);
  let ys = fmaf(F_SIN_P0, z, F_SIN_P1);
  ys = fmaf(z, ys, F_SIN_P2);
  yc = Math.fround(yc + 1);
  ys = Math.fround(z * ys);
  ys = fmaf(ys, x, x);
  const ysin2 = polyMask ? ys : 0;
  const ysin1 = polyMask ? 0 : yc;
  const sinAbs = Math.fround(ysin2 + ysin1);
  const cosAbs = Math.fround(Math.fround(ys - ysin2) + Math.fround(yc - ysin1));
  sinF = negative !== swapSin ? -sinAbs : sinAbs;
  cosF = signCos ? -cosAbs : cosAbs;
}

/** PyTorch's normal_fill_16_AVX2 (float32 Box-Muller with Cephes log/sincos, 8 lanes). */
function normalFill16Float(d: Float32Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const lg = cephesLogF(Math.fround(1 - d[off + j]));
    const radius = Math.fround(Math.sqrt(Math.fround(lg * -2)));
    cephesSinCosF(Math.fround(F_TWO_PI * d[off + j + 8]));
    d[off + j] = fmaf(Math.fround(radius * cosF), std, mean);
    d[off + j + 8] = fmaf(Math.fround(radius * sinF), std, mean);
  }
}

/** One sample of PyTorch's scalar normal_distribution<double>, using and refilling the cache. */
function scalarNormal(gen: Generator, mean: number, std: number): number {
  let ret: number;
  const cached = gen.nextDoubleNormalSample;
  if (cached !== null) {
    ret = cached;
    gen.nextDoubleNormalSample = null;
  } else {
    const u1 = gen.nextDouble();
    const u2 = gen.nextDouble();
    const r = Math.sqrt(glibcLog(1.0 - u2) * -2.0);
    glibcSinCos(u1 * TWO_PI);
    gen.nextDoubleNormalSample = r * sincosSin;
    ret = sincosCos * r;
  }
  return fma(ret, std, mean);
}

/**
 * Fills `out` like `normal_(mean, std)` / `torch.randn`. Contiguous outputs of 16 or more elements take
 * PyTorch's vectorised Box-Muller path (uniforms for all elements first, then blocks of 16, the last
 * block redrawn when the size is not a multiple of 16; float32 uses the AVX2 Cephes kernel). Smaller or
 * non-contiguous outputs take the scalar path, which draws pairs and caches the second value in the
 * generator (the cache persists across calls and is cleared by manualSeed).
 */
export function fillNormal(gen: Generator, out: FloatArray, mean = 0, std = 1, contiguous = true): void {
  if (!(std >= 0.0)) throw new Error(`normal expects std >= 0.0, but found std ${formatCppDouble(std)}`);
  const n = out.length;
  if (n >= 16 && contiguous) {
    if (out instanceof Float32Array) {
      const m = Math.fround(mean);
      const s = Math.fround(std);
      for (let i = 0; i < n; i++) out[i] = gen.nextFloat();
      for (let i = 0; i + 16 <= n; i += 16) normalFill16Float(out, i, m, s);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) out[i] = gen.nextFloat();
        normalFill16Float(out, n - 16, m, s);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = gen.nextDouble();
      for (let i = 0; i + 16 <= n; i += 16) normalFill16Double(out, i, mean, std);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) out[i] = gen.nextDouble();
        normalFill16Double(out, n - 16, mean, std);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) out[i] = scalarNormal(gen, mean, std);
}

// ---------------------------------------------------------------------------------------------------
// Exponential, Bernoulli
// ---------------------------------------------------------------------------------------------------

/** Fills `out` like `exponential_(lambd)`: -1/lambd * log(1 - u) in double, u with 53 bits. */
export function fillExponential(gen: Generator, out: FloatArray, lambd = 1): void {
  if (!(lambd >= 0.0)) {
    throw new Error(`exponential_ expects lambda >= 0.0, but found lambda=${formatCppDouble(lambd)}`);
  }
  const scale = -1.0 / lambd;
  for (let i = 0; i < out.length; i++) out[i] = scale * glibcLog(1.0 - gen.nextDouble());
}

const BERNOULLI_P_MESSAGE =
  'Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)';

function writeValue(out: AnyTypedArray, i: number, v: number): void {
  if (out instanceof BigInt64Array) out[i] = BigInt(v);
  else out[i] = v;
}

/**
 * Fills `out` (any dtype) with 0/1 like `bernoulli_(p)` for a number p (53-bit uniforms compared with
 * p), or like `torch.bernoulli(probs)` / `bernoulli_(probs)` for per-element probabilities (same length
 * as out, already broadcast): float32 probabilities compare 24-bit float uniforms, float64 53-bit ones.
 */
export function fillBernoulli(gen: Generator, out: AnyTypedArray, p: number | FloatArray): void {
  const n = out.length;
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${formatCppDouble(p)}`);
    for (let i = 0; i < n; i++) writeValue(out, i, gen.nextDouble() < p ? 1 : 0);
    return;
  }
  if (p.length !== n) throw new Error(`fillBernoulli: expected ${n} probabilities, got ${p.length}`);
  const isFloat = p instanceof Float32Array;
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    if (!(pi >= 0 && pi <= 1)) throw new Error(BERNOULLI_P_MESSAGE);
    const u = isFloat ? gen.nextFloat() : gen.nextDouble();
    writeValue(out, i, u < pi ? 1 : 0);
  }
}

// ---------------------------------------------------------------------------------------------------
// Integers: randint / random_(from, to), randperm
// ---------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------
// Multinomial
// ---------------------------------------------------------------------------------------------------

// libstdc++'s nth_element / sort / partial_sort (GCC 12), which PyTorch's CPU topk uses, over parallel
// arrays of values and indices with topk's "largest" comparator (NaN first, then greater). Equal values
// (zero probabilities) come out in the order these algorithms leave them, as in PyTorch.
class TopkQueue {
  constructor(
    readonly v: Float64Array,
    readonly ix: Float64Array,
  ) {}

  private less(a: number, b: number): boolean {
    return (a !== a && b === b) || a > b;
  }

  private swap(i: number, j: number): void {
    const v = this.v;
    const ix = this.ix;
    const tv = v[i];
    v[i] = v[j];
    v[j] = tv;
    const ti = ix[i];
    ix[i] = ix[j];
    ix[j] = ti;
  }

  private move(to: number, from: number): void {
    this.v[to] = this.v[from];
    this.ix[to] = this.ix[from];
  }

  private lg(n: number): number {
    return 31 - Math.clz32(n);
  }

  private moveMedianToFirst(result: number, a: number, b: number, c: number): void {
    const v = this.v;
    if (this.less(v[a], v[b])) {
      if (this.less(v[b], v[c])) this.swap(result, b);
      else if (this.less(v[a], v[c])) this.swap(result, c);
      else this.swap(result, a);
    } else if (this.less(v[a], v[c])) this.swap(result, a);
    else if (this.less(v[b], v[c])) this.swap(result, c);
    else this.swap(result, b);
  }

  private unguardedPartition(first: number, last: number, pivot: number): number {
    const v = this.v;
    for (;;) {
      while (this.less(v[first], v[pivot])) first++;
      last--;
      while (this.less(v[pivot], v[last])) last--;
      if (!(first < last)) return first;
      this.swap(first, last);
      first++;
    }
  }

  private unguardedPartitionPivot(first: number, last: number): number {
    const mid = first + Math.trunc((last - first) / 2);
    this.moveMedianToFirst(first, first + 1, mid, last - 1);
    return this.unguardedPartition(first + 1, last, first);
  }

  private unguardedLinearInsert(last: number): void {
    const v = this.v;
    const val = v[last];
    const vi = this.ix[last];
    let next = last - 1;
    while (this.less(val, v[next])) {
      this.move(last, next);
      last = next;
      next--;
    }
    v[last] = val;
    this.ix[last] = vi;
  }

  private insertionSort(first: number, last: number): void {
    if (first === last) return;
    for (let i = first + 1; i !== last; i++) {
      if (this.less(this.v[i], this.v[first])) {
        const val = this.v[i];
        const vi = this.ix[i];
        for (let j = i; j > first; j--) this.move(j, j - 1);
        this.v[first] = val;
        this.ix[first] = vi;
      } else {
        this.unguardedLinearInsert(i);
      }
    }
  }

  private pushHeap(first: number, hole: number, top: number, val: number, vi: number): void {
    let parent = Math.trunc((hole - 1) / 2);
    while (hole > top && this.less(this.v[first + parent], val)) {
      this.move(first + hole, first + parent);
      hole = parent;
      parent = Math.trunc((hole - 1) / 2);
    }
    this.v[first + hole] = val;
    this.ix[first + hole] = vi;
  }

  private adjustHeap(first: number, hole: number, len: number, val: number, vi: number): void {
    const top = hole;
    let child = hole;
    while (child < Math.trunc((len - 1) / 2)) {
      child = 2 * (child + 1);
      if (this.less(this.v[first + child], this.v[first + child - 1])) child--;
      this.move(first + hole, first + child);
      hole = child;
    }
    if ((len & 1) === 0 && child === Math.trunc((len - 2) / 2)) {
      child = 2 * (child + 1);
      this.move(first + hole, first + child - 1);
      hole = child - 1;
    }
    this.pushHeap(first, hole, top, val, vi);
  }

  private makeHeap(first: number, last: number): void {
    const len = last - first;
    if (len < 2) return;
    let parent = Math.trunc((len - 2) / 2);
    for (;;) {
      this.adjustHeap(first, parent, len, this.v[first + parent], this.ix[first + parent]);
      if (parent === 0) return;
      parent--;
    }
  }

  private popHeap(first: number, last: number, result: number): void {
    const val = this.v[result];
    const vi = this.ix[result];
    this.move(result, first);
    this.adjustHeap(first, 0, last - first, val, vi);
  }

  private heapSelect(first: number, middle: number, last: number): void {
    this.makeHeap(first, middle);
    for (let i = middle; i < last; i++) if (this.less(this.v[i], this.v[first])) this.popHeap(first, middle, i);
  }

  private sortHeap(first: number, last: number): void {
    while (last - first > 1) {
      last--;
      this.popHeap(first, last, last);
    }
  }

  partialSort(first: number, middle: number, last: number): void {
    this.heapSelect(first, middle, last);
    this.sortHeap(first, middle);
  }

  private introsortLoop(first: number, last: number, depth: number): void {
    while (last - first > 16) {
      if (depth === 0) {
        this.partialSort(first, last, last);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      this.introsortLoop(cut, last, depth);
      last = cut;
    }
  }

  sort(first: number, last: number): void {
    if (first === last) return;
    this.introsortLoop(first, last, this.lg(last - first) * 2);
    if (last - first > 16) {
      this.insertionSort(first, first + 16);
      for (let i = first + 16; i !== last; i++) this.unguardedLinearInsert(i);
    } else {
      this.insertionSort(first, last);
    }
  }

  nthElement(first: number, nth: number, last: number): void {
    if (first === last || nth === last) return;
    let depth = this.lg(last - first) * 2;
    while (last - first > 3) {
      if (depth === 0) {
        this.heapSelect(first, nth + 1, last);
        this.swap(first, nth);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      if (cut <= nth) first = cut;
      else last = cut;
    }
    this.insertionSort(first, last);
  }

  /** PyTorch's topk_impl_loop (largest, sorted) on the whole queue. */
  topk(k: number): void {
    const n = this.v.length;
    if (k * 64 <= n) {
      this.partialSort(0, k, n);
    } else {
      this.nthElement(0, k - 1, n);
      this.sort(0, k - 1);
    }
  }
}

/**
 * `torch.multinomial(probs, numSamples, replacement)` for `probs` holding one row (1-D) or several rows
 * of `nCategories` probabilities (2-D, row-major); returns the sampled indices, row-major
 * (rows x numSamples). Without replacement PyTorch 1.13 draws q ~ Exp(1) for every probability and
 * takes the top-k of p / q (argmax for one sample); with replacement (even for one sample) it
 * binary-searches 53-bit uniforms in the normalised cumulative sums, computed in the probabilities' own
 * precision.
 */
export function multinomial(
  gen: Generator,
  probs: FloatArray,
  nCategories: number,
  numSamples: number,
  replacement = false,
): Float64Array {
  if (!(numSamples > 0)) throw new Error('cannot sample n_sample <= 0 samples');
  if (!(replacement || numSamples <= nCategories)) {
    throw new Error('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  }
  if (nCategories > 16777216) throw new Error('number of categories cannot exceed 2^24');
  const rows = nCategories === 0 ? 0 : probs.length / nCategories;
  const isFloat = probs instanceof Float32Array;
  const result = new Float64Array(rows * numSamples);
  if (!replacement) {
    let valid = true;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i];
      if (!(p < Infinity && p >= 0)) valid = false;
    }
    if (!valid) throw new Error('probability tensor contains either `inf`, `nan` or element < 0');
    for (let r = 0; r < rows; r++) {
      let zero = true;
      for (let j = 0; j < nCategories; j++) if (probs[r * nCategories + j] !== 0) zero = false;
      if (zero) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
    }
    // q = empty_like(probs).exponential_(1); q = probs / q (in the probabilities' dtype).
    const q = isFloat ? new Float32Array(probs.length) : new Float64Array(probs.length);
    fillExponential(gen, q, 1);
    for (let i = 0; i < q.length; i++) q[i] = probs[i] / q[i];
    for (let r = 0; r < rows; r++) {
      const base = r * nCategories;
      if (numSamples === 1) {
        let best = 0;
        for (let j = 1; j < nCategories; j++) {
          const a = q[base + j];
          const b = q[base + best];
          if (a > b || (a !== a && b === b)) best = j;
        }
        result[r] = best;
      } else {
        const v = new Float64Array(nCategories);
        const ix = new Float64Array(nCategories);
        for (let j = 0; j < nCategories; j++) {
          v[j] = q[base + j];
          ix[j] = j;
        }
        new TopkQueue(v, ix).topk(numSamples);
        for (let j = 0; j < numSamples; j++) result[r * numSamples + j] = ix[j];
      }
    }
    return result;
  }
  const cum = isFloat ? new Float32Array(nCategories) : new Float64Array(nCategories);
  for (let r = 0; r < rows; r++) {
    const base = r * nCategories;
    let sum = 0;
    for (let j = 0; j < nCategories; j++) {
      const val = probs[base + j];
      if (!(val >= 0)) throw new Error('invalid multinomial distribution (encountering probability entry < 0)');
      if (!Number.isFinite(val)) {
        throw new Error('invalid multinomial distribution (encountering probability entry = infinity or NaN)');
      }
      sum = isFloat ? Math.fround(sum + val) : sum + val;
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
    for (let j = 0; j < nCategories; j++) cum[j] = cum[j] / sum;
    for (let s = 0; s < numSamples; s++) {
      const u = gen.nextDouble();
      let left = 0;
      let right = nCategories;
      cum[nCategories - 1] = 1;
      while (right - left > 0) {
        const mid = left + Math.trunc((right - left) / 2);
        if (cum[mid] < u) left = mid + 1;
        else right = mid;
      }
      result[r * numSamples + s] = left;
    }
  }
  return result;
}
