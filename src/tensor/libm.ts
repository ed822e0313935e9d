// Exact floating-point arithmetic for reproducing PyTorch's CPU random numbers bit for bit: bit views
// of doubles and floats, fused multiply-adds emulated exactly, and ports of glibc 2.36's double-precision
// log, sin, cos and sincos (the x86-64 FMA variants PyTorch's kernels call on AVX2 machines).
// Pure TypeScript on typed arrays: no Node-only API.
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

export function signBit(x: number): boolean {
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
export function floatFromBits(bits: number): number {
  u32f[0] = bits;
  return f32[0];
}

/** The bits of the float32 `x` (which must already be a float32 value). */
export function floatBits(x: number): number {
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

// glibcSinCos writes its results here (live ES module bindings) to avoid allocating a pair per call.
export let sincosSin = 0;
export let sincosCos = 0;

/**
 * glibc's sincos(x): what GCC calls when code computes both sin(x) and cos(x), as PyTorch's normal
 * kernels do. It differs from sin(x) for 0.855469 <= |x| < 2.426265. Results land in sincosSin/Cos.
 */
export function glibcSinCos(x: number): void {
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

