// Data types and PyTorch's type-promotion rules (c10/core/ScalarType.h, ATen's result_type).

export type DTypeName = 'bool' | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';

/** The kind of values a dtype holds; promotion works by kind first ("category" in PyTorch). */
export type DTypeKind = 'bool' | 'int' | 'float';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | BigInt64Array;

/** Typed arrays whose elements are JavaScript numbers (every dtype but int64). */
export type NumberArray = Exclude<TypedArray, BigInt64Array>;

type ArrayConstructorOf = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

export class DType {
  private constructor(
    readonly name: DTypeName,
    readonly kind: DTypeKind,
    /** Width in bytes of one element. */
    readonly itemSize: number,
    readonly isSigned: boolean,
    readonly arrayType: ArrayConstructorOf,
    /** PyTorch's legacy type name, used in some error messages (`torch.FloatTensor`). */
    readonly legacyName: string,
    /** The C++ type name PyTorch prints in some messages (`float`, `double`, `long int`). */
    readonly cppName: string,
  ) {}

  get isFloatingPoint(): boolean {
    return this.kind === 'float';
  }

  /** Whether tensors of this dtype may require gradients (floating point; tstorch has no complex). */
  get isDifferentiable(): boolean {
    return this.kind === 'float';
  }

  toString(): string {
    return `torch.${this.name}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  static readonly bool = new DType('bool', 'bool', 1, false, Uint8Array, 'torch.BoolTensor', 'bool');
  static readonly uint8 = new DType('uint8', 'int', 1, false, Uint8Array, 'torch.ByteTensor', 'unsigned char');
  static readonly int8 = new DType('int8', 'int', 1, true, Int8Array, 'torch.CharTensor', 'signed char');
  static readonly int16 = new DType('int16', 'int', 2, true, Int16Array, 'torch.ShortTensor', 'short int');
  static readonly int32 = new DType('int32', 'int', 4, true, Int32Array, 'torch.IntTensor', 'int');
  static readonly int64 = new DType('int64', 'int', 8, true, BigInt64Array, 'torch.LongTensor', 'long int');
  static readonly float32 = new DType('float32', 'float', 4, true, Float32Array, 'torch.FloatTensor', 'float');
  static readonly float64 = new DType('float64', 'float', 8, true, Float64Array, 'torch.DoubleTensor', 'double');
}

export const bool = DType.bool;
export const uint8 = DType.uint8;
export const int8 = DType.int8;
export const int16 = DType.int16;
export const int32 = DType.int32;
export const int64 = DType.int64;
export const float32 = DType.float32;
export const float64 = DType.float64;
// PyTorch's aliases.
export const float = float32;
export const double = float64;
export const long = int64;
export const int = int32;
export const short = int16;

export const ALL_DTYPES: readonly DType[] = [bool, uint8, int8, int16, int32, int64, float32, float64];

export function isDType(value: unknown): value is DType {
  return value instanceof DType;
}

/** Python's type name of a value for messages here (tensor.ts's pyTypeName cannot be imported below it). */
function typeNameOf(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return (value as object).constructor?.name ?? typeof value;
}

let defaultDtype: DType = float32;

export function getDefaultDtype(): DType {
  return defaultDtype;
}

export function setDefaultDtype(dtype: DType): void {
  if (!isDType(dtype)) throw new TypeError('set_default_dtype(): argument \'d\' must be torch.dtype');
  if (!dtype.isFloatingPoint) {
    throw new TypeError('only floating-point types are supported as the default type');
  }
  defaultDtype = dtype;
}

const KIND_RANK: Record<DTypeKind, number> = { bool: 0, int: 1, float: 2 };

const INT_ORDER: readonly DType[] = [int8, int16, int32, int64];

/** PyTorch's `promote_types` over the dtypes tstorch has. */
export function promoteTypes(a: DType, b: DType): DType {
  checkPromoteArg(a, 1);
  checkPromoteArg(b, 2);
  if (a === b) return a;
  if (a.kind !== b.kind) return KIND_RANK[a.kind] > KIND_RANK[b.kind] ? a : b;
  if (a.kind === 'float') return a.itemSize >= b.itemSize ? a : b;
  // Both integral and distinct. uint8 against a signed type needs a signed type that holds 0..255.
  if (a === uint8 || b === uint8) {
    const signed = a === uint8 ? b : a;
    return signed === int8 ? int16 : signed;
  }
  return INT_ORDER.indexOf(a) > INT_ORDER.indexOf(b) ? a : b;
}

function checkPromoteArg(t: unknown, position: number): void {
  if (!isDType(t)) throw new TypeError(`promote_types(): argument 'type${position}' (position ${position}) must be torch.dtype, not ${typeNameOf(t)}`);
}

/** One operand of `resultType`: a tensor (read for its dtype and rank) or a JavaScript scalar. */
export type PromotionOperand =
  | { readonly dtype: DType; dim(): number }
  | number
  | boolean
  | bigint;

/** The dtype a JavaScript scalar has when it takes part in type promotion (a "wrapped number"). */
export function scalarDtype(value: number | boolean | bigint): DType {
  if (typeof value === 'boolean') return bool;
  if (typeof value === 'bigint') return int64;
  return getDefaultDtype();
}

function combineKinds(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (higher.kind === 'float') return higher;
  if (higher === bool || lower.kind === 'float') return promoteTypes(higher, lower);
  return higher;
}

function promoteSkipUndefined(a: DType | undefined, b: DType): DType {
  return a === undefined ? b : promoteTypes(a, b);
}

/**
 * PyTorch's `torch.result_type` over any number of operands. Dimensioned tensors take priority over
 * zero-dim tensors, which take priority over scalars, unless a lower-priority operand is of a higher
 * kind (bool < int < float). JavaScript numbers act as Python scalars: a number is "float" in kind unless
 * it is an integer-valued number, in which case it acts as a Python int.
 */
export function resultType(...operands: PromotionOperand[]): DType {
  // A floating tensor with dims beside scalars and tensors of its own dtype (most elementwise calls)
  // keeps its dtype: nothing of lower priority can be of a higher kind.
  const first = operands[0];
  if (typeof first === 'object' && first.dtype.kind === 'float' && first.dim() > 0) {
    let same = true;
    for (let i = 1; i < operands.length && same; i++) {
      const op = operands[i];
      same = typeof op !== 'object' || op.dtype === first.dtype;
    }
    if (same) return first.dtype;
  }
  let dimResult: DType | undefined;
  let zeroDimResult: DType | undefined;
  let scalarResult: DType | undefined;
  for (const op of operands) {
    if (typeof op === 'object') {
      if (op.dim() > 0) dimResult = promoteSkipUndefined(dimResult, op.dtype);
      else zeroDimResult = promoteSkipUndefined(zeroDimResult, op.dtype);
    } else {
      scalarResult = promoteSkipUndefined(scalarResult, scalarKindDtype(op));
    }
  }
  const result = combineKinds(dimResult, combineKinds(zeroDimResult, scalarResult));
  if (result === undefined) throw new Error('result_type: no operands');
  return result;
}

/**
 * The dtype a scalar contributes to promotion. PyTorch distinguishes `2` from `2.0`; JavaScript cannot,
 * so an integral number acts as a Python int and any other number as a Python float. Booleans are bools
 * and bigints are ints.
 */
export function scalarKindDtype(value: number | boolean | bigint): DType {
  if (typeof value === 'number') return Number.isInteger(value) ? int64 : getDefaultDtype();
  return scalarDtype(value);
}

/** The floating dtype an integral input is computed in by ops that always give floats (exp, sqrt, div). */
export function toFloatingDtype(dtype: DType): DType {
  return dtype.isFloatingPoint ? dtype : getDefaultDtype();
}
