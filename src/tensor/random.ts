// PyTorch's CPU random number generator, reproduced bit for bit.
//
// The engine is PyTorch's mt19937 (aten/src/ATen/core/MT19937RNGEngine.h) with PyTorch's transforms on
// top (ATen/core/DistributionsHelper.h, TransformationHelper.h, native/cpu/DistributionTemplates.h).
// The numbers are those of PyTorch 1.13 on x86-64 Linux, whose AVX2 kernels are compiled with fused
// multiply-adds and whose double-precision log/sin/cos come from glibc's FMA variants. To give the same
// bits, this file evaluates those formulas operation by operation in the same order, emulating every
// fused multiply-add exactly (see `fma`), and ports glibc's log and sin/cos (with their tables).
// Everything here is pure TypeScript on typed arrays: no Node-only API, so it runs in browsers too.

/** A typed array of floating-point elements (float32 or float64). */
export type FloatArray = Float32Array | Float64Array;

/** Any typed array tstorch stores tensors in. */
export type AnyTypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | BigInt64Array;

/** Element types for `fillRandint` (a Uint8Array is uint8 unless 'bool' is given). */
export type RandomDTypeName = 'bool' | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';

/** PyTorch's default CPU seed (c10::detail::default_rng_seed_val). */
export const DEFAULT_SEED = 67280421310721n;

/** Size in bytes of PyTorch's CPU generator state (`torch.get_rng_state()`). */
export const STATE_SIZE = 5056;
/** Size of the legacy state layout that PyTorch's `set_rng_state` still accepts. */
export const LEGACY_STATE_SIZE = 5048;

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;
const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;
const UINT64_MASK = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------------------------------
// Bit views and exact floating-point helpers
// ---------------------------------------------------------------------------------------------------

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32f = new Uint32Array(f32.buffer);
f64[0] = 1;
/** Index of the low and high 32-bit words of a double in `u32` (platform endianness). */
const LO = u32[1] === 0x3ff00000 ? 0 : 1;
const HI = 1 - LO;

function highWord(x: number): number {
  f64[0] = x;
  return u32[HI];
}

function lowWord(x: number): number {
  f64[0] = x;
  return u32[LO];
}

function fromWords(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0];
}

function signBit(x: number): boolean {
  f64[0] = x;
  return u32[HI] >>> 31 === 1;
}

/** |v| with the sign of s (C's copysign). */
function copysign(v: number, s: number): number {
  const a = Math.abs(v);
  return signBit(s) ? -a : a;
}

/**
 * a + b rounded to odd: the exact sum when it is representable, else whichever neighbour has an odd
 * last mantissa bit. Rounding to odd first and to nearest later equals one rounding to nearest.
 */
function addRoundOdd(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  const err = a - (s - bb) + (b - bb);
  if (err === 0) return s;
  f64[0] = s;
  const lo = u32[LO];
  if ((lo & 1) !== 0) return s;
  if (err > 0 === s > 0) {
    u32[LO] = lo + 1; // lo is even: no carry
  } else if (lo === 0) {
    u32[LO] = 0xffffffff;
    u32[HI] = u32[HI] - 1;
  } else {
    u32[LO] = lo - 1;
  }
  return f64[0];
}

const SPLITTER = 134217729; // 2^27 + 1

/**
 * Correctly rounded fused multiply-add a*b + c in double precision (C's fma), emulated with exact
 * products (Dekker) and Boldo-Melquiond's round-to-odd sum. Valid away from overflow and underflow,
 * which is all this file needs.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (p === 0 || c === 0 || !Number.isFinite(p) || !Number.isFinite(c)) return p + c;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl; // a*b = p + e exactly
  const s = p + c;
  const bb = s - p;
  const t2 = p - (s - bb) + (c - bb); // p + c = s + t2 exactly
  return s + addRoundOdd(t2, e);
}

/** Correctly rounded single-precision fused multiply-add of float32 values (C's fmaf). */
export function fmaf(a: number, b: number, c: number): number {
  // a*b is exact in double (24 + 24 bits), so s = a*b + c carries a single rounding. Rounding s to float
  // can only differ from rounding the exact sum when s falls exactly on a midpoint between two floats;
  // then the sign of the error of s decides.
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  const d = s - r;
  if (d === 0) return r;
  const other = r + 2 * d;
  if (Math.fround(other) !== other) return r;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return r;
  return err > 0 === other > r ? other : r;
}

/** The float32 whose bits are `bits`. */
function floatFromBits(bits: number): number {
  u32f[0] = bits;
  return f32[0];
}

/** The bits of the float32 `x` (which must already be a float32 value). */
function floatBits(x: number): number {
  f32[0] = x;
  return u32f[0];
}

function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lookup = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let nbits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    bits = (bits << 6) | lookup[clean.charCodeAt(i)];
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out[o++] = (bits >>> nbits) & 0xff;
    }
  }
  return out;
}

/** Little-endian float64 values from base64 text. */
function decodeDoubles(text: string): Float64Array {
  const bytes = decodeBase64(text);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// glibc's double-precision log, sin and cos (glibc 2.36, the x86-64 FMA variants that PyTorch's CPU
// kernels call on AVX2 machines). The polynomial coefficients and tables are glibc's __log_data and
// __sincostab; the order of operations, including which multiply-adds are fused, is that of the
// compiled functions (__ieee754_log_fma, __sin_fma, __cos_fma, __sincos_fma).
// ---------------------------------------------------------------------------------------------------

// __log_data: ln2hi, ln2lo, poly[5], poly1[11], then tab[128] of {invc, logc}.
const LOG_DATA = decodeDoubles(
  'ADj6/kIu5j8wZ8eTV/MuPQEAAAAAAOC/WzBRVVVV1T+QRev////PvxEB8SSzmck/n8gG5XVVxb8AAAAAAADgv3dVVVVVVdU/y/3/' +
  '////z78M3ZWZmZnJP6dFZ1VVVcW/MN5EoyRJwj9lPUKk//+/v8rWKiiEcbw//2iwQ+uZub+F0K/3goG3P81F0XUTUrW/n97gw/A0' +
  '9z8AkOZ5f8zXvx/pLGp4E/c/AAANwu5v17+gtfoIYPL2PwDgURPjE9e/fYwTH6bR9j8AeCg4W7jWv9G0xQtJsfY/AHiAkFVd1r+6' +
  'DC8zR5H2PwAAGHbQAta/I0IiGJ9x9j8AkJCGyqjVv9kepZlPUvY/AFADVkNP1b/EJI+qVjP2PwBAa8M39tS/FNyda7MU9j8AUKj9' +
  'p53Uv0xcxlJk9vU/AKiJOZJF1L9PLJG1Z9j1PwC4sDn07dO/3pBby7y69T8AcI9EzpbTv3ga2fJhnfU/AKC9Fx5A07+HVkYSVoD1' +
  'PwCARu/i6dK/02vnzpdj9T8A4DA4G5TSv5N/p+IlR/U/AIjajMU+0r+DRQZC/yr1PwCQJynh6dG/372y2yIP9T8A+EgrbZXRv9fe' +
  'NEeP8/Q/APi5mmdB0b9AKN7PQ9j0PwCY75TQ7dC/yKN4wD699D8AENsYpZrQv4ol4MN/ovQ/ALhjUuZH0L80hNQkBYj0PwDwhkUi' +
  '68+/Cy0ZG85t9D8AsBd1SkfPv1QYOdPZU/Q/ADAQPUSkzr9ahLREJzr0PwCw6UQNAs6/+/gVQbUg9D8A8HcpomDNv7H0PtqCB/Q/' +
  'AJCVBAHAzL+P/lddj+7zPwAQiVYpIMy/6UwLoNnV8z8AEIGNF4HLvyvBEMBgvfM/ANDTzMniyr+42nUrJKXzPwCQEi5ARcq/AtCf' +
  'zSKN8z8A8B1od6jJvxx6hMVbdfM/ADBIaW0Myb/iNq1Jzl3zPwDARaYgcci/QNRNmHlG8z8AMBS0j9bHvyTL/85cL/M/AHBiPLg8' +
  'x79JDaF1dxjzPwBgN5uao8a/kDk+N8gB8z8AoLdUMQvGv0H4lbtO6/I/ADAkdn1zxb/RqRkCCtXyPwAwwo973MS/Kv23qPm+8j8A' +
  'ANJRLEbEv6sbDHocqfI/AACDvIqww78wtRRgcpPyPwAASWuZG8O/9aFXV/p98j8AQKSQVIfCv787HZuzaPI/AKB5+Lnzwb+99Y+D' +
  'nVPyPwCgLCXIYMG/OwjJqrc+8j8AIPdXf87Av7ZAqSsBKvI/AKD+Sdw8wL8yQcyWeRXyPwCAS7y9V7+/m/zSHSAB8j8AQECWCDe+' +
  'vwtITUn07PE/AED5PpgXvb9pZY9S9djxPwCg2E5n+bu/fH5XESPF8T8AYC8gedy6v+kmy3R8sfE/AIAo58PAub+2GiwMAZ7xPwDA' +
  'crNGpri/vXC2e7CK8T8AAKyzAY23v7a87yWKd/E/AAA4RfF0tr/aMUw1jWTxPwCAh20OXrW/3V8nkLlR8T8A4KHeXEi0v0zSMqQO' +
  'P/E/AKBqTdkzs7/a+RByiyzxPwBgxfh5ILK/MbXsKDAa8T8AIGKYRg6xv680hNr7B/E/AADSamz6r7+za04P7vXwPwBAd0qN2q2/' +
  'zp8qXQbk8D8AAIXk7LyrvyGlLGNE0vA/AMASQImhqb8amOJ8p8DwPwDAAjNYiKe/0TbGgy+v8D8AgNZnXnGlvzkToJjbnfA/AIBl' +
  'SYpco7/f51Kvq4zwPwBAFWTjSaG/+yhOL5978D8AgOuCwHKevxmPNYy1avA/AIBSUvFVmr8s+eyl7lnwPwCAgc9iPZa/kCzRzUlJ' +
  '8D8AAKqM+yiSv6mt8MbGOPA/AAD5IHsxjL+pMnkTZSjwPwAAql01GYS/SHPqJyQY8D8AAOzCAxJ4v5WxFAYECPA/AAAkeQkEYL8a' +
  '+ib3H+DvPwAAkITz728/dOphwhyh7z8AAD01QdyHPy6ZgbAQY+8/AIDCxKPOkz/Nre489iXvPwAAiRTBn5s/5xORA8jp7j8AABHO' +
  '2LChP6uxy3iAru4/AMAB0FuKpT+bDJ2iGnTuPwCA2ECDXKk/tZkKg5E67j8AgFfvaietP1aaYAngAe4/AMCY5Zh1sD+Yu3flAcrt' +
  'PwAgDeP1U7I/A5F8C/KS7T8AADiL3S60P85c+2asXO0/AMBXh1kGtj+d3l6qLCftPwAAajV22rc/zSxrPm7y7D8AYBxOQ6u5PwJ5' +
  'p6Jtvuw/AGANu8d4uz9tCDdtJovsPwAg5zITQ70/BFhdvZRY7D8AYN5xMQq/P4yfuzO1Juw/AECRKxVnwD8/5+zug/XrPwCwkoKF' +
  'R8E/wZbbdf3E6z8AMMrNbibCPyhKhgweles/AFDFptcDwz8sPu/F4mXrPwAQMzzD38M/i4jJZ0g36z8AgHprNrrEP0owHSFLCes/' +
  'APDRKDmTxT9+7/KF6NvqPwDwGCTNasY/oj1gMR2v6j8AkGbs+EDHP6dY0z/mguo/APAa9cAVyD+LcwnvQFfqPwCA9lQp6cg/J0ur' +
  'kCos6j8AQPgCNrvJP9HykxOgAeo/AAAsHO2Lyj8bPNskn9fpPwDQAVxRW8s/kLHHBSWu6T8AwLzMZynMPy/Ol/Iuhek/AGBI1TX2' +
  'zD91S6TuulzpPwDARjS9wc0/OEjnncY06T8A4M+4AYzOP+ZSZy9PDek/AJAXwAlVzz+d1/+OUuboPwC4HxJsDtA/fADMn86/6D8A' +
  '0JMOuHHQPw7DvtrAmeg/AHCGnmvU0D/7FyOqJ3ToPwDQSzOHNtE/CJqzrABP6D8ASCNnDZjRP1U+ZehJKug/AIDM4P/40T9gAvSV' +
  'AQboPwBoY9dfWdI/KaPgYyXi5z8AqBQJMLnSP6213Hezvuc/AGBDEHIY0z/CJZdnqpvnPwAY7G0md9M/VwYX8gd55z8AMK/7T9XT' +
  'PwwT1tvKVuc/AOAv4+4y1D8=',
);
// __sincostab: for x = i/128, {sin(x) high, sin(x) low, cos(x) high, cos(x) low}.
const SINCOS_TAB = decodeDoubles(
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAPA/AAAAAAAAAADv7q6q6v9/P3y3Z+ziRR68UlUVAMD/7z+ubRmgAUqPPNXu7qqq/48/dwef' +
  'mmOrAryfVFUBAP/vP/NeOqAoioI8VTIDAXD/lz82c1JRK/7+O+b3vwbA/e8/vXdp6Nrmijxv6O6uqv6fP+JKIvsG1Dy80ydVFQD8' +
  '7z9bm9iSRLWDvNVFLbGy/qM/ERw9IFTsNDy6pxQ0wPnvP79ZbL70kWk8qfsyEMD9pz96mW70vZlFvJ/5/WsA9+8/X41kYLWzeLys' +
  'bVh4bfyrPzby2wP95Bg8MToQyMDz7z9mDty9bYV0PNtO7e6q+q8/aUtoMm3RQrzT9ElVAfDvP29CmXs4KIM874uAPTT8sT9PvvPm' +
  'Mj1fvJ/vqCLC6+8/d0z1NEmTVzxbddESy/qzP4xGmVKRIVm8b+8pQQPn7z+Xb8k3Q79svDe3EP0R+bU/ApG+Ak8YULzrc8jDxOHv' +
  'PwJKfAXJqTW85FAlAwH3tz8aUAAYLfw6PJtrfr8G3O8/2/g1tQIZgzz50VUtkPS5P8EdrH5taVI8AOBDS8nV7z/5kk/LaOdivB05' +
  'aIW38bs/yEzqHYSRXjyxmQ6ADM/vP6yG0YbXo2485szBFm/uvT9zFrcvjg9FvIi80XjQx+8/hbZ9RNJ1gDw27oburuq/Pzvwxryy' +
  '/Eq801t9UhXA7z+475RQ82iLPNFx3Y0388A/ng9PcmiEbTyVBv4r27fvP7Fa9vStHYI8r86v19PwwT+laZcJle9mvNNLPCYir+8/' +
  'aSc6E84qVbyPuEpeKO7CP1jg3gUPTW688jYcZOql7z98zBftpk1APMtmXSwx68M/kctma2Z9ZDwoxHwKNJzvP2J0OwZrW4w8e/LF' +
  'TernxD/8csAq20lZPAFNN0D/ke8/TJ46TT/QZ7zzJqHPT+TFP7aJPwZD9Ga89uweLkyH7z8WKzPhFGWMvExNWsBd4MY/QMmBi1ws' +
  '07sk3v/+GnzvP7FAdcRb9Xi8tfK6LxDcxz/DlzziUKtFPBzOnt9rcO8/tNw2DMiYhrxEqfouY9fIP1O5y2KiD2K8zSq4/j5k7z+s' +
  'KP7BCrB2PBLDztBS0sk/fROxgD3EWTyXZ/+MlFfvP9WxAz4NOm48ZQd6KdvMyj/rzdZXO4hZvHk6Hr1sSu8/V7uu7fA9gTyZYdxO' +
  '+MbLP6sMe2qlwWk8btGzw8c87z+UNIrSOhpivKOJglimwMw/a3zIm9BoaLzt/1PXpS7vP4PVVl8hxIw80KW1X+G5zT/Cb8zWIC5j' +
  'vJ9khjAHIO8/S5jBFgSUezyj5Yp/pbLOP+ssV68GvmC8O4fFCewQ7z+DEix2cpCNPHcV89Tuqs8/uDKOUIhdYbyh7n2fVAHvP/3K' +
  '5ZkePI08XBVlv1xR0D/Ijv2dwrh5vCYvDTBB8e4/ctPeCBuqgrw2ZPPOAM3QP7XikwwK+3m8HPHA+7Hg7j+xw7uAI/1LvOvdlKph' +
  'SNE/pBW2tYHoa7yh79VEp8/uP9BB9UoKbVW8drjGZH3D0T/1zw3+dmB0PKjvdk8hvu4/PlS6Ep8vgLw2rxoRUj7SPxj/TjOA8HS8' +
  'T6+7YSCs7j+NZZQ+1cFiPJ+0PsTduNI/B9jymThVYTyDzafDpJnuP+g8xRtLJoK8h58ElB4z0z8sMAy0tgx+PO2pKb+uhu4/p1i7' +
  '/Xo5iTzY02mXEq3TP5iDhwRVPQA8QD0ZoD5z7j8TzkY1i0KGvJfmnua3JtQ/n8UFV8cJf7zQ6Ta0VF/uP7zIL9AP64c8ID0Pmwyg' +
  '1D+tjrBruiN4PJxEKkvxSu4/M2iKLqCMhrx6p2jPDhnVP/Pw7lVxNXs8pdaAthQ27j83UgGqk3dyvJf1op+8kdU/y+A/rEvHZzzB' +
  '1qxJvyDuP2xj78euYFa8dYcHKRQK1j8zkagL2B9bPM7bA1rxCu4/5hp3AufoXzz31ziKE4LWP61KRAKSiH28Xoe9Pqv07T/ENmd+' +
  'ii2OvFUCOuO4+dY/DdrpTsErdDzWKPJQ7d3tP7+iK9TIgG68FEJ2VQJx1z/Otksx1+pmvBJZmeu3xu0/Nc1td2SzVDxObcgD7ufX' +
  'P/Jav9q8Y3u8g46Iawuv7T/qXF4rniSKPElpghJ6Xtg/4Kxfmw6keDzcqXEv6JbtP50D0tUb9o88L5l0p6TU2D8mY3bqAkp0PEp7' +
  '4ZdOfu0/lO0rNXC3Y7zFRvXpa0rZP1g/aD7hnHa8QEA+Bz9l7T837EtDNmKHvBAF6ALOv9k/pLAgozmecDzgGcbhuUvtP2GPhXe7' +
  'NI88ygzFHMk02j/NzlA7DjFavAZ8jY2/Me0/3cuJMN1gfjx3kqBjW6naP4EDPLE+KWa88JR9clAX7T+OpMEeK9WAPBcWMgWDHds/' +
  'GfWZy0LieryfrVL6bPzsPw0qj1C1tYg8Q6zbMD6R2z/xP2wvrTh+vOWCmpAV4ew/mhAxuznxgTyjQLEXiwTcP6effnXmn2E8Lpey' +
  'okrF7D+YOqgrFu5kPJ7Rf+xnd9w/Jlg9Gk2xXrwLfcafDKnsP2I0XkiBamS8H6XU49Lp3D+Y4toSivxivIQazvhbjOw/IwFZodGz' +
  'ejxhdgQ0ylvdP5zCX6dEinI8O+WLIDlv7D9C26r720GHvJqcMhVMzd0/mv1x4cbUcDxeF4uLpFHsP4Comju0u2G8aSpYwVY+3j+P' +
  '+JkQgqRQvIHdHbCeM+w/wMWC7vWqjLzwBUt06K7eP30Cmzy0iVe8UH1bBigV7D8o6BITEZKIvHv5xGv/Ht8/XFKn+BJycTw2dR4I' +
  'QfbrP6GpKBbXe4s8l7xq55mO3z+jAC2vUNlZPPWUAjHq1us/nRCMyLwbczx69dIotv3fP2pbkC6ZSm88Mg9j/iO36z85Ci1F0it3' +
  'PFWZxjkpNuA/AXs5eM3YgrwOhFjv7pbrP+Ctj8c8WlQ8W26UhjZt4D8b/zhFrvWDPMIEt4RLdus/mzgbwkhYj7wBEJ4eAqTgP/YU' +
  'OaFD9oa8ThAMQTpV6z8WegJHef9YPC5ntSaL2uA/Cem+8N5YirxIiZyouzPrP6lsHx2lpo48O5y2xNAQ4T+BmYCYiZGNPMakYkHQ' +
  'Ees/wsD7HlbdcTyCf4sf0kbhP6g5J15T+Xs8ddILk3jv6j+Ub3R5YoN/vLDtLl+OfOE/iCQuEFdeYzzlnfYmtczqP8y21o1q+4g8' +
  '3S+wrASy4T//tctwDBlfvBOJMIiGqeo/cFDNB9aDC7xMVzYyNOfhP1od9KQ/KnI8LeBzQ+2F6j+Sx144Br5pPM+UAxscHOI/Maoj' +
  'SzJbXjyvhiXn6WHqPz9F/eIwg4U8u4t4k7tQ4j/OvFck0KN+PM+9UgN9Peo/aZah7LqNhrxnoBfJEYXiP3BrodnxHYC8ReSuKacY' +
  '6j9YA2xzJV45PB5CiOodueI/sGoh23Gjj7yFL5HtaPPpPwYWecUA0oG8gjCaJ9/s4j9+4+fgVzWNPFxe8uPCzek/Yj+ZEpH5gzxP' +
  'vEixVCDjP1sTWglCa488FGVqo7Wn6T+pp5/MzyKHPGcDvrl9U+M/8EDwen4yazwQEy7EQYHpP43wiAT4H408KyhWdFmG4z+oBzup' +
  'rQ9xvP2xDOBnWuk/LYYfov2+gLwKhKIV57jjP3vw0qdTdnm8kp5tkigz6T/aDGADcLeLvDrVbNMl6+M/wA9X4XDlW7z32k14hAvp' +
  'P4c7uQqx/nC8kGe65BQd5D/17IfSj2CEPNGaPTB84+g/+Es9taRjZLxrOM+Bs07kPwVVah5s7YO8AMldWhC76D/BdJQ+4GOIPJ8V' +
  'MeQAgOQ/EO1jdEoZi7wfh12YQZLoP4TtE8TZSIw8YbeqRvyw5D+axYxzBdogPMamd40Qaeg/3em/4v84czwb1U7lpOHkP2rHt4kv' +
  'SYq8oBxw3n0/6D/oxptgz1JBvBw1e/35EeU/MYjEYejAhbxdbZExihXoP94oggu56G28JLfbzfpB5T+R0yCFwjJyPIgUqi426+c/' +
  'n5WlpGUdWjyzWW2WpnHlP5ixD007hFw8T+UJf4LA5z9o7irX1nNsvBI6gZj8oOU/eyLUt+KCjbxDZX/Nb5XnP+Ra1Ol2soq8DY+/' +
  'FvzP5T+KV+tws2yJPB8hVcb+aec/xWiMz9UnaLxXnipVpP7lP7cg7vfOtoA8oftOFzA+5z9frZQ9rtNlvHmsIZn0LOY/GiS2VZjd' +
  'jrx4dqdvBBLnP4GcAqWwJYQ8VedjKexa5j88BXFr+SaBPF71DIB85eY/ptDb3oYChjwvSxNOiojmP+bVRHbTt4a8Xfue+pi45j+y' +
  '9MyGx1pxPBqCt1DOteY/Dy5wjxXVZbxTYuuSWovmP5z4hdkaqYm84b1AfLfi5j9TrX+FKedwvLqM6/3BXeY/d3wzRxt8WbxAjAod' +
  'RQ/nPw13hTjefmk8x5EB8s8v5j/vVleJQ5FtPHil3oB2O+c/ohLcBoMkcrzfY/UmhQHmP9Ay5OClbIQ8JLX39kpn5z+ohKyUP51+' +
  'PHrx8VXi0uU/K4nIBEExgDxSHQTQwZLnP+tUs+4Fv4q8d0CCOeij5T9ivlknqiiEPMKzKF7avec/kwPNfBnRSjzyg46Nl3TlPyMt' +
  'KK8UR488WXkD9ZPo5z9MDGWq++6APKUsWQ/xROU/L6bH5uh6jrykS67p7RLoP9otQN8Kg4e82vN7ffUU5T9ZwnOAEHp0PA==',
);

const LN2HI = LOG_DATA[0];
const LN2LO = LOG_DATA[1];
const A0 = LOG_DATA[2];
const A1 = LOG_DATA[3];
const A2 = LOG_DATA[4];
const A3 = LOG_DATA[5];
const A4 = LOG_DATA[6];
const B0 = LOG_DATA[7];
const B1 = LOG_DATA[8];
const B2 = LOG_DATA[9];
const B3 = LOG_DATA[10];
const B4 = LOG_DATA[11];
const B5 = LOG_DATA[12];
const B6 = LOG_DATA[13];
const B7 = LOG_DATA[14];
const B8 = LOG_DATA[15];
const B9 = LOG_DATA[16];
const B10 = LOG_DATA[17];
const LOG_TAB = 18;
const TWO_POW_27 = 134217728;

/** glibc's log(x) (double), bit for bit. */
export function glibcLog(x: number): number {
  let hi = highWord(x);
  let lo = u32[LO];
  if (hi >= 0x3fee0000 && hi < 0x3ff10900) {
    // Close to 1: x in [1 - 2^-4, 1 + 0x1.09p-4).
    if (x === 1) return 0;
    const r = x - 1.0;
    let a1 = fma(r, B2, B1);
    let a2 = fma(r, B5, B4);
    const r2 = r * r;
    let a3 = fma(r, B8, B7);
    a1 = fma(r2, B3, a1);
    a2 = fma(r2, B6, a2);
    const r3 = r * r2;
    a3 = fma(r2, B9, a3);
    a3 = fma(r3, B10, a3);
    const q2 = fma(a3, r3, a2);
    const q1 = fma(q2, r3, a1);
    const rw = fma(r, TWO_POW_27, r);
    const rhi = fma(-TWO_POW_27, r, rw);
    const rhi2 = rhi * rhi;
    const rlo = r - rhi;
    const h = fma(rhi2, B0, r);
    const t = r - h;
    const rr = r + rhi;
    let l = fma(rhi2, B0, t);
    l = fma(B0 * rlo, rr, l);
    const y = fma(q1, r3, l);
    return h + y;
  }
  const top = hi >>> 16;
  if ((top - 0x0010) >>> 0 >= 0x7ff0 - 0x0010) {
    if (x === 0) return -Infinity;
    if (x === Infinity) return x;
    if ((top & 0x8000) !== 0 || (top & 0x7ff0) === 0x7ff0) return NaN;
    // Subnormal: normalize.
    hi = (highWord(x * 4503599627370496) - (52 << 20)) >>> 0;
    lo = u32[LO];
  }
  const tmpHi = (hi - 0x3fe60000) | 0; // high word of ix - OFF (the low word of OFF is 0)
  const i = (tmpHi >>> 13) & 0x7f;
  const k = tmpHi >> 20;
  const z = fromWords((hi - (tmpHi & 0xfff00000)) >>> 0, lo);
  const invc = LOG_DATA[LOG_TAB + 2 * i];
  const logc = LOG_DATA[LOG_TAB + 2 * i + 1];
  const r = fma(z, invc, -1.0);
  const kd = k;
  const w = fma(kd, LN2HI, logc);
  const h = r + w;
  const r2 = r * r;
  const l = fma(kd, LN2LO, w - h + r);
  const t1 = fma(r, A2, A1);
  const r3 = r * r2;
  const t2 = fma(r, A4, A3);
  const u = fma(r2, A0, l);
  const p = fma(t2, r2, t1);
  return fma(r3, p, u) + h;
}

// Constants of glibc's sin/cos (dbl-64/usncs.h, s_sin.c).
const SN3 = -1.66666666666664880952546298448555e-1;
const SN5 = 8.33333214285722277379541354343671e-3;
const CS2 = 0.5;
const CS4 = -4.16666666666664434524222570944589e-2;
const CS6 = 1.38888874007937613028114285595617e-3;
const S1 = -0.16666666666666666;
const S2 = 0.0083333333333323288;
const S3 = -0.00019841269834414642;
const S4 = 2.755729806860771e-6;
const S5 = -2.5022014848318398e-8;
const BIG = 52776558133248; // 1.5 * 2^45
const HP0 = 1.5707963267948966;
const HP1 = 6.123233995736766e-17;
const HPINV = 0.63661977236758138;
const TOINT = 6755399441055744; // 1.5 * 2^52
const MP1 = 1.5707963407039642;
const MP2 = -1.3909067564377153e-8;
const PP3 = -4.9789962314799099e-17;
const PP4 = -1.9034889620193266e-25;

/** glibc's do_sin(x, dx): sin(x + dx) for |x| < 0.855469. */
function doSin(x: number, dx: number): number {
  if (Math.abs(x) < 0.126) {
    const xx = x * x;
    const poly = fma(fma(fma(fma(S5, xx, S4), xx, S3), xx, S2), xx, S1);
    const t = fma(xx, fma(poly, x, -(0.5 * dx)), dx);
    return x + t;
  }
  if (x <= 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const k = lowWord(u) << 2;
  const xr = ax - (u - BIG);
  const xx = xr * xr;
  const s = xr + fma(xr * xx, fma(xx, SN5, SN3), dx);
  const c = fma(xr, dx, xx * fma(fma(xx, CS6, CS4), xx, CS2));
  const sn = SINCOS_TAB[k];
  const ssn = SINCOS_TAB[k + 1];
  const cs = SINCOS_TAB[k + 2];
  const ccs = SINCOS_TAB[k + 3];
  const cor = fma(s, cs, fma(-c, sn, fma(s, ccs, ssn)));
  return copysign(sn + cor, x);
}

/** glibc's do_cos(x, dx): cos(x + dx) for |x| < 0.855469. */
function doCos(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const k = lowWord(u) << 2;
  const xr = ax - (u - BIG) + dx;
  const xx = xr * xr;
  const s = fma(xr * xx, fma(xx, SN5, SN3), xr);
  const c = xx * fma(fma(xx, CS6, CS4), xx, CS2);
  const sn = SINCOS_TAB[k];
  const ssn = SINCOS_TAB[k + 1];
  const cs = SINCOS_TAB[k + 2];
  const ccs = SINCOS_TAB[k + 3];
  const cor = fma(-s, sn, fma(-c, cs, fma(-s, ssn, ccs)));
  return cs + cor;
}

let reducedA = 0;
let reducedDa = 0;

/** glibc's reduce_sincos: x = n*pi/2 + (a + da) for |x| < 105414350; returns n & 3. */
function reduceSinCos(x: number): number {
  const t = fma(x, HPINV, TOINT);
  const xn = t - TOINT;
  const n = lowWord(t) & 3;
  let y = fma(-xn, MP1, x);
  y = fma(-xn, MP2, y);
  const t2 = fma(-xn, PP3, y);
  const db = fma(-xn, PP3, y - t2);
  const b = fma(-xn, PP4, t2);
  reducedA = b;
  reducedDa = db + fma(-xn, PP4, t2 - b);
  return n;
}

function doSinCos(a: number, da: number, n: number): number {
  const v = (n & 1) !== 0 ? doCos(a, da) : doSin(a, da);
  return (n & 2) !== 0 ? -v : v;
}

/** glibc's sin(x) (double), bit for bit for |x| < 105414350 (Math.sin beyond). */
export function glibcSin(x: number): number {
  const k = highWord(x) & 0x7fffffff;
  if (k < 0x3e500000) return x;
  if (k < 0x3feb6000) return doSin(x, 0);
  if (k < 0x400368fd) return copysign(doCos(HP0 - Math.abs(x), HP1), x);
  if (k < 0x419921fb) {
    const n = reduceSinCos(x);
    return doSinCos(reducedA, reducedDa, n);
  }
  return Math.sin(x);
}

/** glibc's cos(x) (double), bit for bit for |x| < 105414350 (Math.cos beyond). */
export function glibcCos(x: number): number {
  const k = highWord(x) & 0x7fffffff;
  if (k < 0x3e400000) return 1.0;
  if (k < 0x3feb6000) return doCos(x, 0);
  if (k < 0x400368fd) {
    const y = HP0 - Math.abs(x);
    const a = y + HP1;
    return doSin(a, y - a + HP1);
  }
  if (k < 0x419921fb) {
    const n = reduceSinCos(x);
    return doSinCos(reducedA, reducedDa, n + 1);
  }
  return Math.cos(x);
}

let sincosSin = 0;
let sincosCos = 0;

/**
 * glibc's sincos(x): what GCC calls when code computes both sin(x) and cos(x), as PyTorch's normal
 * kernels do. It differs from sin(x) for 0.855469 <= |x| < 2.426265. Results land in sincosSin/Cos.
 */
function glibcSinCos(x: number): void {
  const k = highWord(x) & 0x7fffffff;
  if (k < 0x400368fd) {
    if (k < 0x3e400000) {
      sincosSin = x;
      sincosCos = 1.0;
    } else if (k < 0x3feb6000) {
      sincosSin = doSin(x, 0);
      sincosCos = doCos(x, 0);
    } else {
      const y = HP0 - Math.abs(x);
      const a = y + HP1;
      const da = y - a + HP1;
      sincosSin = copysign(doCos(a, da), x);
      sincosCos = doSin(a, da);
    }
  } else if (k < 0x419921fb) {
    const n = reduceSinCos(x);
    sincosSin = doSinCos(reducedA, reducedDa, n);
    sincosCos = doSinCos(reducedA, reducedDa, n + 1);
  } else {
    sincosSin = Math.sin(x);
    sincosCos = Math.cos(x);
  }
}

/** glibc's sincos(x) as a pair [sin, cos]. */
export function glibcSinCosPair(x: number): [number, number] {
  glibcSinCos(x);
  return [sincosSin, sincosCos];
}

// ---------------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------------

function toUint64Seed(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') {
    s = seed;
  } else {
    if (!Number.isFinite(seed)) {
      throw new Error(`cannot convert float ${Number.isNaN(seed) ? 'NaN' : 'infinity'} to integer`);
    }
    s = BigInt(Math.trunc(seed));
  }
  if (s < -(1n << 63n) || s > UINT64_MASK) throw new Error('Overflow when unpacking long');
  return s & UINT64_MASK;
}

/** A 64-bit seed from the platform's cryptographic random source (Math.random if there is none). */
function nonDeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(words);
  } else {
    words[0] = Math.floor(Math.random() * TWO_POW_32);
    words[1] = Math.floor(Math.random() * TWO_POW_32);
  }
  return (BigInt(words[1]) << 32n) | BigInt(words[0]);
}

/**
 * PyTorch's CPU generator (at::CPUGeneratorImpl): an mt19937 engine seeded like PyTorch's, plus the
 * cached second value of the Box-Muller pair that PyTorch's scalar normal sampler keeps.
 */
export class Generator {
  private readonly mt = new Uint32Array(N);
  private left = 1;
  private next = 0;
  private seed_ = 0n;
  /** The cached normal sample (double) of PyTorch's scalar normal path, or null. */
  nextDoubleNormalSample: number | null = null;
  /** The cached float normal sample (kept for state round trips; PyTorch's CPU kernels do not use it). */
  nextFloatNormalSample: number | null = null;

  /** A generator seeded with `seed` (PyTorch's default seed when omitted). */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Seeds the engine like `torch.Generator.manual_seed` (only the low 32 bits reach mt19937). */
  manualSeed(seed: number | bigint): this {
    const s = toUint64Seed(seed);
    this.nextDoubleNormalSample = null;
    this.nextFloatNormalSample = null;
    this.seed_ = s;
    const mt = this.mt;
    mt[0] = Number(s & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1];
      mt[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
    return this;
  }

  /** Reseeds from a non-deterministic source and returns the seed (`torch.Generator.seed`). */
  seed(): bigint {
    const s = nonDeterministicSeed();
    this.manualSeed(s);
    return s;
  }

  /** The seed the generator was last seeded with (`torch.Generator.initial_seed`). */
  initialSeed(): bigint {
    return this.seed_;
  }

  /** An independent generator in the same state. */
  clone(): Generator {
    const g = new Generator(0);
    g.setState(this.getState());
    return g;
  }

  private nextState(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (mt[kk + 1] & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M - N] ^ (y >>> 1) ^ (mt[kk + 1] & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (mt[0] & 1 ? MATRIX_A : 0);
    this.left = N;
    this.next = 0;
  }

  /** The next 32-bit output of the engine, as an unsigned number (`CPUGeneratorImpl::random`). */
  random(): number {
    if (--this.left === 0) this.nextState();
    let y = this.mt[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Two 32-bit outputs joined, first one high (`CPUGeneratorImpl::random64`). */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A double in [0, 1) from the low 53 bits of random64(), as PyTorch's uniform_real<double>. */
  nextDouble(): number {
    const hi = this.random() & 0x1fffff;
    const lo = this.random();
    return (hi * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /** A float32 value in [0, 1) from the low 24 bits of random(), as PyTorch's uniform_real<float>. */
  nextFloat(): number {
    return (this.random() & 0xffffff) * TWO_POW_M24;
  }

  /** The state in PyTorch's CPU byte layout (5056 bytes, like `torch.get_rng_state()`). */
  getState(): Uint8Array {
    const bytes = new Uint8Array(STATE_SIZE);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, this.seed_, true);
    v.setInt32(8, this.left, true);
    v.setInt32(12, 1, true); // seeded
    v.setBigUint64(16, BigInt(this.next), true);
    for (let i = 0; i < N; i++) v.setUint32(24 + 8 * i, this.mt[i], true); // uint64 slots
    // normal_x (5016) and normal_rho (5032) stay 0.
    if (this.nextDoubleNormalSample !== null) {
      v.setFloat64(5024, this.nextDoubleNormalSample, true);
      v.setInt32(5040, 1, true);
    }
    if (this.nextFloatNormalSample !== null) {
      v.setFloat32(5048, this.nextFloatNormalSample, true);
      bytes[5052] = 1;
    }
    return bytes;
  }

  /** Restores a state from `getState()` or PyTorch (`torch.set_rng_state`); accepts the legacy size. */
  setState(state: Uint8Array): this {
    const size = state.length;
    if (size !== STATE_SIZE && size !== LEGACY_STATE_SIZE) {
      throw new Error(
        `Expected either a CPUGeneratorImplStateLegacy of size ${LEGACY_STATE_SIZE} or a CPUGeneratorImplState of size ${STATE_SIZE} but found the input RNG state size to be ${size}`,
      );
    }
    const v = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const seed = v.getBigUint64(0, true);
    const left = v.getInt32(8, true);
    const seeded = v.getInt32(12, true) !== 0;
    const next = Number(v.getBigUint64(16, true) & 0xffffffffn);
    let doubleNormal: number | null = null;
    let floatNormal: number | null = null;
    const normalValid = v.getInt32(5040, true) !== 0;
    if (size === LEGACY_STATE_SIZE) {
      if (normalValid) {
        const rho = v.getFloat64(5032, true);
        const theta = 2.0 * Math.PI * v.getFloat64(5016, true);
        doubleNormal = rho * glibcSin(theta);
      }
    } else {
      if (state[5052] !== 0) floatNormal = v.getFloat32(5048, true);
      if (normalValid) doubleNormal = v.getFloat64(5024, true);
    }
    if (!(seeded && left > 0 && left <= N && next <= N)) throw new Error('Invalid mt19937 state');
    for (let i = 0; i < N; i++) this.mt[i] = v.getUint32(24 + 8 * i, true);
    this.seed_ = seed;
    this.left = left;
    this.next = next;
    this.nextDoubleNormalSample = doubleNormal;
    this.nextFloatNormalSample = floatNormal;
    return this;
  }
}

/** The default generator, seeded like PyTorch's at startup (67280421310721). */
export const defaultGenerator = new Generator(DEFAULT_SEED);

/** Seeds the default generator (`torch.manual_seed`) and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** Seeds the default generator non-deterministically and returns the seed (`torch.seed`). */
export function seed(): bigint {
  return defaultGenerator.seed();
}

/** The default generator's initial seed (`torch.initial_seed`). */
export function initialSeed(): bigint {
  return defaultGenerator.initialSeed();
}

/** The default generator's state (`torch.get_rng_state`). */
export function getRngState(): Uint8Array {
  return defaultGenerator.getState();
}

/** Sets the default generator's state (`torch.set_rng_state`). */
export function setRngState(state: Uint8Array): void {
  defaultGenerator.setState(state);
}

// ---------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------

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
  if (typeof value === 'number' && !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer, got ${value}`);
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
