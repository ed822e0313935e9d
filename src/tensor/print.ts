// Tensor printing: a port of torch/_tensor_str.py (latest PyTorch 2.x), byte for byte.
//
// The structure follows the Python source: print options, `_Formatter` (width and int/sci mode),
// `_vector_str`, `_tensor_str_with_formatter`, `get_summarized_data`, `_add_suffixes` and `_str_intern`.
// Python's float formatting (`f"{x:.{p}f}"`, `f"{x:.{p}e}"`) is reproduced exactly: see formatFloatFixed.

import { getDefaultDtype, type DType } from './dtype.js';

// ---------------------------------------------------------------------------------------------------
// Print options (torch.set_printoptions)
// ---------------------------------------------------------------------------------------------------

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

export type PrintProfile = 'default' | 'short' | 'full';

export interface SetPrintOptions {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  profile?: PrintProfile;
  sciMode?: boolean | null;
}

type ProfileOptions = Omit<PrintOptions, 'sciMode'>;

const PROFILES: Readonly<Record<PrintProfile, ProfileOptions>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const OPTION_NAMES: readonly string[] = ['precision', 'threshold', 'edgeitems', 'linewidth', 'profile', 'sciMode'];

let PRINT_OPTS: PrintOptions = { ...PROFILES.default, sciMode: null };

export function getPrintoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

/**
 * PyTorch's `torch.set_printoptions`: the profile is applied first, then every given option. `sciMode`
 * is assigned on every call, so omitting it resets it to `null` (automatic), as in PyTorch.
 * Options are validated before any is applied.
 */
export function setPrintoptions(opts: SetPrintOptions): void {
  if (typeof opts !== 'object' || opts === null) {
    throw new TypeError(`set_printoptions(): expected an options object, but got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new TypeError(`set_printoptions() got an unexpected keyword argument '${key}'`);
    }
  }
  const next: PrintOptions = { ...PRINT_OPTS };
  const profile = checkProfile(opts.profile);
  if (profile !== undefined) Object.assign(next, PROFILES[profile]);
  const precision = checkCount('precision', opts.precision);
  const threshold = checkThreshold(opts.threshold);
  const edgeitems = checkCount('edgeitems', opts.edgeitems);
  const linewidth = checkCount('linewidth', opts.linewidth);
  if (precision !== undefined) next.precision = precision;
  if (threshold !== undefined) next.threshold = threshold;
  if (edgeitems !== undefined) next.edgeitems = edgeitems;
  if (linewidth !== undefined) next.linewidth = linewidth;
  next.sciMode = checkSciMode(opts.sciMode);
  PRINT_OPTS = next;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value;
}

function checkProfile(value: unknown): PrintProfile | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'default' || value === 'short' || value === 'full') return value;
  throw new TypeError(
    `set_printoptions(): argument 'profile' must be 'default', 'short' or 'full', but got ${describe(value)}`,
  );
}

/** precision, edgeitems, linewidth: non-negative integers. */
function checkCount(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') {
    throw new TypeError(`set_printoptions(): argument '${name}' must be a number, but got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`set_printoptions(): argument '${name}' must be a non-negative integer, but got ${value}`);
  }
  return value;
}

/** threshold: any non-negative number, Infinity included (the "full" profile). */
function checkThreshold(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') {
    throw new TypeError(`set_printoptions(): argument 'threshold' must be a number, but got ${describe(value)}`);
  }
  if (Number.isNaN(value) || value < 0) {
    throw new RangeError(`set_printoptions(): argument 'threshold' must be a non-negative number, but got ${value}`);
  }
  return value;
}

function checkSciMode(value: unknown): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  throw new TypeError(
    `set_printoptions(): argument 'sciMode' must be a boolean or null, but got ${describe(value)}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Python's float formatting, exactly
// ---------------------------------------------------------------------------------------------------
//
// Python formats the exact binary value of a double and rounds half to even on exact ties. Every
// finite double is num/den with den a power of two, so we work with BigInt fractions: scale by a power
// of ten, divide, round half to even. Results are exact by construction.

const POW10_CACHE: bigint[] = [1n];

function pow10(k: number): bigint {
  for (let i = POW10_CACHE.length; i <= k; i++) POW10_CACHE.push(POW10_CACHE[i - 1]! * 10n);
  return POW10_CACHE[k]!;
}

const F64_VIEW = new DataView(new ArrayBuffer(8));

/** The exact value of a finite non-negative double as [num, den] with den a power of two. */
function exactFraction(a: number): [bigint, bigint] {
  F64_VIEW.setFloat64(0, a);
  const hi = F64_VIEW.getUint32(0);
  const lo = F64_VIEW.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // Subnormals: fraction * 2^-1074. Normals: (2^52 + fraction) * 2^(biased - 1075).
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = biased === 0 ? -1074 : biased - 1075;
  return exp2 >= 0 ? [mantissa << BigInt(exp2), 1n] : [mantissa, 1n << BigInt(-exp2)];
}

/** round(num / den), ties to even (num, den > 0). */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twiceRem = 2n * (num - q * den);
  if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** round(a * 10^k), ties to even, for a finite a >= 0 and any integer k. */
function roundScaled(a: number, k: number): bigint {
  const [num, den] = exactFraction(a);
  return k >= 0 ? roundHalfEven(num * pow10(k), den) : roundHalfEven(num, den * pow10(-k));
}

/** floor(log10(a)) exactly, for a finite a > 0. */
function decimalExponent(a: number): number {
  const [num, den] = exactFraction(a);
  const atLeastPow10 = (e: number): boolean => (e >= 0 ? num >= den * pow10(e) : num * pow10(-e) >= den);
  let e = Math.floor(Math.log10(a)); // off by at most one; corrected exactly below
  while (!atLeastPow10(e)) e--;
  while (atLeastPow10(e + 1)) e++;
  return e;
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `f"{x:.{precision}f}"`: exact, ties to even, keeps the sign of -0, never switches to exponents. */
export function formatFloatFixed(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const digits = roundScaled(Math.abs(x), precision).toString().padStart(precision + 1, '0');
  const intLength = digits.length - precision;
  const body = precision > 0 ? `${digits.slice(0, intLength)}.${digits.slice(intLength)}` : digits;
  return signOf(x) + body;
}

/** Python's `f"{x:.{precision}e}"`: exact, ties to even, exponent with a sign and at least two digits. */
export function formatFloatExp(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const a = Math.abs(x);
  let exponent = 0;
  let digits = 0n;
  if (a !== 0) {
    exponent = decimalExponent(a);
    digits = roundScaled(a, precision - exponent);
    if (digits === pow10(precision + 1)) {
      // Rounding carried into a new digit (9.99995 -> 10.0000): renormalise.
      digits = pow10(precision);
      exponent += 1;
    }
  }
  const s = digits.toString().padStart(precision + 1, '0');
  const mantissa = precision > 0 ? `${s[0]}.${s.slice(1)}` : s;
  const expSign = exponent < 0 ? '-' : '+';
  return `${signOf(x)}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------
// The tensor being printed
// ---------------------------------------------------------------------------------------------------

export interface PrintSource {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** All elements in logical row-major order (a contiguous copy); BigInt64Array for int64, Uint8Array 0/1 for bool. */
  readonly values: ArrayLike<number> | ArrayLike<bigint>;
}

export interface PrintSuffixes {
  /** The grad_fn's name, e.g. 'AddBackward0'. */
  gradFn?: string;
  requiresGrad?: boolean;
}

type Scalar = number | bigint;

/** Python's `str(v)` for one element of an integer or bool tensor. */
function intString(v: Scalar, dtype: DType): string {
  if (dtype.kind === 'bool') return Number(v) !== 0 ? 'True' : 'False';
  return typeof v === 'bigint' ? v.toString() : String(Math.trunc(v) + 0); // + 0 turns -0 into 0
}

// ---------------------------------------------------------------------------------------------------
// _Formatter: width and int/sci mode, from the elements that will be shown
// ---------------------------------------------------------------------------------------------------

class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    private readonly dtype: DType,
    values: readonly Scalar[],
    private readonly opts: PrintOptions,
  ) {
    this.floating = dtype.kind === 'float';
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, intString(v, dtype).length);
      return;
    }
    const nonzeroFinite = values.map(Number).filter((v) => Number.isFinite(v) && v !== 0);
    if (nonzeroFinite.length === 0) return; // int mode, width 1; the sciMode option is ignored
    let min = Infinity;
    let max = 0;
    for (const v of nonzeroFinite) {
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
    }
    this.intMode = nonzeroFinite.every((v) => v === Math.ceil(v));
    // 2.x: the mode is settled first (forced or automatic) and the width is computed in that mode.
    this.sciMode = opts.sciMode ?? (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4);
    for (const v of nonzeroFinite) this.maxWidth = Math.max(this.maxWidth, this.widthOf(v));
  }

  private widthOf(v: number): number {
    if (this.sciMode) return formatFloatExp(v, this.opts.precision).length;
    if (this.intMode) return formatFloatFixed(v, 0).length + 1; // + 1 for the trailing "."
    return formatFloatFixed(v, this.opts.precision).length;
  }

  width(): number {
    return this.maxWidth;
  }

  format(value: Scalar): string {
    let ret: string;
    if (!this.floating) {
      ret = intString(value, this.dtype);
    } else {
      const v = Number(value);
      if (this.sciMode) {
        ret = formatFloatExp(v, this.opts.precision); // f"{v:{W}.{P}e}": right-aligned by the padding below
      } else if (this.intMode) {
        ret = formatFloatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
      } else {
        ret = formatFloatFixed(v, this.opts.precision);
      }
    }
    return ret.padStart(this.maxWidth);
  }
}

// ---------------------------------------------------------------------------------------------------
// Layout: _tensor_str_with_formatter, _vector_str, get_summarized_data
// ---------------------------------------------------------------------------------------------------

/** What one call to formatTensor prints: the tensor, its row-major strides and the options in force. */
interface Ctx {
  readonly src: PrintSource;
  readonly strides: readonly number[];
  readonly summarize: boolean;
  readonly opts: PrintOptions;
}

/** The indices shown along a dimension of the given size; null stands for the "..." placeholder. */
function shownIndices(ctx: Ctx, size: number): (number | null)[] {
  const e = ctx.opts.edgeitems;
  if (!ctx.summarize || size <= 2 * e) return range(0, size);
  return [...range(0, e), null, ...range(size - e, size)];
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

function element(ctx: Ctx, offset: number): Scalar {
  return ctx.src.values[offset]!;
}

/** get_summarized_data: the elements the printed text will show, in order (all of them unless summarizing). */
function summarizedData(ctx: Ctx, offset = 0, dim = 0, out: Scalar[] = []): Scalar[] {
  if (dim === ctx.src.shape.length) {
    out.push(element(ctx, offset));
    return out;
  }
  for (const i of shownIndices(ctx, ctx.src.shape[dim]!)) {
    if (i !== null) summarizedData(ctx, offset + i * ctx.strides[dim]!, dim + 1, out);
  }
  return out;
}

function vectorStr(ctx: Ctx, offset: number, indent: number, formatter: Formatter): string {
  const elementLength = formatter.width() + 2; // ", " between elements
  const elementsPerLine = Math.max(1, Math.floor((ctx.opts.linewidth - indent) / elementLength));
  const size = ctx.src.shape[ctx.src.shape.length - 1]!;
  const stride = ctx.strides[ctx.strides.length - 1]!;
  const data =
    ctx.summarize && ctx.opts.edgeitems === 0
      ? ['...']
      : shownIndices(ctx, size).map((i) => (i === null ? ' ...' : formatter.format(element(ctx, offset + i * stride))));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStrWithFormatter(ctx: Ctx, offset: number, dim: number, indent: number, formatter: Formatter): string {
  const rank = ctx.src.shape.length - dim;
  if (rank === 0) return formatter.format(element(ctx, offset));
  if (rank === 1) return vectorStr(ctx, offset, indent, formatter);
  const slices = shownIndices(ctx, ctx.src.shape[dim]!).map((i) =>
    i === null ? '...' : tensorStrWithFormatter(ctx, offset + i * ctx.strides[dim]!, dim + 1, indent + 1, formatter),
  );
  return '[' + slices.join(',' + '\n'.repeat(rank - 1) + ' '.repeat(indent + 1)) + ']';
}

function tensorStr(src: PrintSource, indent: number, opts: PrintOptions): string {
  const numel = numelOf(src.shape);
  if (numel === 0) return '[]';
  const ctx: Ctx = { src, strides: contiguousStrides(src.shape), summarize: numel > opts.threshold, opts };
  const formatter = new Formatter(src.dtype, summarizedData(ctx), opts);
  return tensorStrWithFormatter(ctx, 0, 0, indent, formatter);
}

// ---------------------------------------------------------------------------------------------------
// _add_suffixes and _str_intern
// ---------------------------------------------------------------------------------------------------

function addSuffixes(tensorString: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [tensorString];
  // Python's `len(s) - s.rfind('\n') + 1`: two more than the real length of the last line.
  let lastLineLen = tensorString.length - tensorString.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Python's `str(tuple(shape))`: `(2, 3)`, `(5,)`, `()`. */
function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function numelOf(shape: readonly number[]): number {
  return shape.reduce((n, s) => n * s, 1);
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

function checkSource(src: PrintSource): void {
  for (const s of src.shape) {
    if (!Number.isSafeInteger(s) || s < 0) throw new RangeError(`formatTensor: invalid shape [${src.shape.join(', ')}]`);
  }
  const numel = numelOf(src.shape);
  if (src.values.length !== numel) {
    throw new RangeError(`formatTensor: shape [${src.shape.join(', ')}] needs ${numel} values, got ${src.values.length}`);
  }
}

/** PyTorch's `repr(t)` for a dense CPU tensor: `tensor([1., 2.], dtype=torch.float64, requires_grad=True)`. */
export function formatTensor(src: PrintSource, suffixes: PrintSuffixes = {}, prefix = 'tensor('): string {
  checkSource(src);
  const opts = getPrintoptions();
  const indent = prefix.length;
  const defaultDtype = getDefaultDtype();
  const dtypeName = src.dtype.name;
  const hasDefaultDtype = dtypeName === defaultDtype.name || dtypeName === 'int64' || dtypeName === 'bool';
  const list: string[] = [];
  let tensorString: string;
  if (numelOf(src.shape) === 0) {
    // Empty tensors show their shape unless 1-D, and any non-default dtype (int64 and bool included).
    if (src.shape.length !== 1) list.push('size=' + shapeTuple(src.shape));
    if (dtypeName !== defaultDtype.name) list.push('dtype=' + src.dtype.toString());
    tensorString = '[]';
  } else {
    if (opts.edgeitems === 0) list.push('size=' + shapeTuple(src.shape));
    if (!hasDefaultDtype) list.push('dtype=' + src.dtype.toString());
    tensorString = tensorStr(src, indent, opts);
  }
  if (suffixes.gradFn !== undefined) list.push(`grad_fn=<${suffixes.gradFn}>`);
  else if (suffixes.requiresGrad === true) list.push('requires_grad=True');
  return addSuffixes(prefix + tensorString, list, indent, opts.linewidth);
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` for integral values, exponent from 1e16 and below 1e-4. */
export function pyFloatRepr(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return Object.is(x, -0) ? '-0.0' : `${x}.0`;
  return pyNumberStr(x);
}

/**
 * Python's `str` of a number that may be an int or a float: integral values print as ints (JavaScript
 * cannot tell 1 from 1.0), others as Python prints floats.
 */
export function pyNumberStr(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  const [mantissa, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}
