// Tensor creation: torch.tensor, zeros, ones, full, empty, arange, linspace, logspace, eye and the *Like forms.
import { DType, bool, int64, float32, float64, int32, int16, int8, uint8, getDefaultDtype, type TypedArray } from './dtype.js';
import { Storage, allocate, castElement, fillElements, type Element } from './storage.js';
import { checkSizes, contiguousStrides, numelOf, shapeStr } from './layout.js';
import { Tensor, pyTypeName } from './tensor.js';
import { warn } from './warnings.js';
import { boolOption, dtypeOption, optionsArg } from './args.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  device?: 'cpu' | 'cpu:0';
}

export type Scalar = number | boolean | bigint;
export type NestedData = Scalar | readonly NestedData[];

/** Sizes as varargs (`zeros(2, 3)`) or one array (`zeros([2, 3])`), optionally followed by options. */
export type SizeArgs = [...sizes: number[]] | [...sizes: number[], options: TensorOptions] | [sizes: readonly number[], options?: TensorOptions];

export function parseSizeArgs(args: readonly unknown[], fn: string): { shape: number[]; options: TensorOptions } {
  let count = args.length;
  let options: TensorOptions = {};
  const last = args[count - 1];
  if (last !== undefined && last !== null && typeof last === 'object' && !Array.isArray(last)) {
    options = last as TensorOptions;
    count--;
  }
  const list = count === 1 && Array.isArray(args[0]) ? (args[0] as readonly unknown[]) : args;
  const length = list === args ? count : list.length;
  for (let i = 0; i < length; i++) {
    const s = list[i];
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new TypeError(`${fn}(): argument 'size' must be tuple of SymInts, but found element of type ${pyTypeName(s)} at pos ${i + 1}`);
    }
  }
  // A copy at its length (an array grown from [] by push allocates room for many more elements), by
  // hand: slice is a builtin call that costs more than copying a shape's few numbers.
  const shape = new Array<number>(length);
  for (let i = 0; i < length; i++) shape[i] = list[i] as number;
  checkSizes(shape);
  return { shape, options: checkOptions(options, fn) };
}

/**
 * tstorch tensors live on the CPU: 'cpu' (and 'cpu:0') is accepted; 'cuda' gets the error of a PyTorch
 * built without CUDA; other strings PyTorch's parse error, listing the one device type there is.
 */
function checkDevice(device: unknown): void {
  if (device === undefined || device === null || device === 'cpu' || device === 'cpu:0') return;
  if (typeof device === 'string' && /^cuda(:\d+)?$/.test(device)) throw new Error('Torch not compiled with CUDA enabled');
  throw new Error(`Expected one of cpu device type at start of device string: ${String(device)}`);
}

/** Checks factory options (null is no options) and returns them. */
export function checkOptions<T extends TensorOptions>(value: T | null | undefined, fn: string): T {
  const options = optionsArg(value, fn);
  dtypeOption(options.dtype, fn);
  boolOption(options.requiresGrad, fn, 'requires_grad');
  checkDevice(options.device);
  return options;
}

/** Applies `requiresGrad` from factory options (factories are not affected by noGrad). */
export function finishFactory(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) {
    if (!t.dtype.isDifferentiable) throw new Error('Only Tensors of floating point and complex dtype can require gradients');
    t.ownRequiresGrad = true;
  }
  return t;
}

/** The zeroed elements of a new contiguous tensor of `shape`. */
function allocateFor(shape: readonly number[], dtype: DType): TypedArray {
  const numel = numelOf(shape);
  if (numel * dtype.itemSize >= 2 ** 63) throw new Error(`Storage size calculation overflowed with sizes=${shapeStr(shape)}`);
  return allocate(dtype, numel);
}

/** @internal A new contiguous tensor of `shape` whose elements are uninitialised (zero). */
export function emptyTensor(shape: readonly number[], dtype: DType): Tensor {
  return Tensor.fromData(allocateFor(shape, dtype), shape, dtype);
}

/**
 * @internal emptyTensor keeping `shape` itself as the result's, uncopied: only for a shape a tensor
 * already holds (no tensor's shape array is changed in place) or one made for this result. Small ops
 * make results of an operand's shape, and copying it was a visible share of their cost.
 */
export function emptyTensorOfShape(shape: readonly number[], dtype: DType): Tensor {
  return tensorOfShape(allocateFor(shape, dtype), shape, dtype);
}

/** @internal A contiguous tensor of `shape` over `data` (of its numel), keeping `shape` as emptyTensorOfShape does. */
export function tensorOfShape(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(data), shape as number[], stridesOfShape(shape), 0, dtype);
}

// The latest shape array given to emptyTensorOfShape and its contiguous strides. Results of small ops
// mostly share one shape array (an operand's), so they share its strides array too, as they share the
// shape: no tensor's strides array is changed in place.
let latestShape: readonly number[] | null = null;
let latestStrides: number[] = [];

function stridesOfShape(shape: readonly number[]): number[] {
  if (shape !== latestShape) {
    latestStrides = contiguousStrides(shape);
    latestShape = shape;
  }
  return latestStrides;
}

export function empty(...args: SizeArgs): Tensor {
  // parseSizeArgs makes the shape array for this tensor.
  const { shape, options } = parseSizeArgs(args, 'empty');
  return finishFactory(emptyTensorOfShape(shape, options.dtype ?? getDefaultDtype()), options);
}

export function zeros(...args: SizeArgs): Tensor {
  const { shape, options } = parseSizeArgs(args, 'zeros');
  return finishFactory(emptyTensorOfShape(shape, options.dtype ?? getDefaultDtype()), options);
}

export function ones(...args: SizeArgs): Tensor {
  const { shape, options } = parseSizeArgs(args, 'ones');
  return finishFactory(fillWith(emptyTensorOfShape(shape, options.dtype ?? getDefaultDtype()), 1), options);
}

function filled(shape: readonly number[], dtype: DType, value: Scalar): Tensor {
  return fillWith(emptyTensor(shape, dtype), value);
}

/** Fills a new tensor with `value` and returns it. */
function fillWith(t: Tensor, value: Scalar): Tensor {
  fillElements(t.storage_.data, castElement(value, t.dtype_));
  return t;
}

/** The dtype a fill value gives when none is asked for: bool for booleans, int64 for bigints, else the default. */
function inferScalarDtype(value: Scalar): DType {
  if (typeof value === 'boolean') return bool;
  if (typeof value === 'bigint') return int64;
  return getDefaultDtype();
}

function checkScalar(value: unknown, fn: string, arg: string): asserts value is Scalar {
  if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') {
    throw new TypeError(`${fn}(): argument '${arg}' must be Number, not ${pyTypeName(value)}`);
  }
}

export function full(size: readonly number[], fillValue: Scalar, options: TensorOptions = {}): Tensor {
  if (!Array.isArray(size)) throw new TypeError(`full(): argument 'size' must be tuple of ints, not ${pyTypeName(size)}`);
  checkSizes(size);
  checkScalar(fillValue, 'full', 'fill_value');
  options = checkOptions(options, 'full');
  return finishFactory(filled(size, options.dtype ?? inferScalarDtype(fillValue), fillValue), options);
}

function likeOptions(t: Tensor, value: TensorOptions, fn: string): { shape: number[]; dtype: DType; options: TensorOptions } {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}(): argument 'input' must be Tensor, not ${pyTypeName(t)}`);
  const options = checkOptions(value, fn);
  return { shape: t.shape, dtype: options.dtype ?? t.dtype, options };
}

export function emptyLike(t: Tensor, options: TensorOptions = {}): Tensor {
  const { shape, dtype, options: opts } = likeOptions(t, options, 'empty_like');
  return finishFactory(emptyTensor(shape, dtype), opts);
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  const { shape, dtype, options: opts } = likeOptions(t, options, 'zeros_like');
  return finishFactory(emptyTensor(shape, dtype), opts);
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  const { shape, dtype, options: opts } = likeOptions(t, options, 'ones_like');
  return finishFactory(filled(shape, dtype, 1), opts);
}

/** @internal `onesLike(t)` without options to check: the implicit gradient of every scalar backward. */
export function onesOf(t: Tensor): Tensor {
  return fillWith(emptyTensorOfShape(t.shape_, t.dtype_), 1);
}

export function fullLike(t: Tensor, fillValue: Scalar, options: TensorOptions = {}): Tensor {
  const { shape, dtype, options: opts } = likeOptions(t, options, 'full_like');
  checkScalar(fillValue, 'full_like', 'fill_value');
  return finishFactory(filled(shape, dtype, fillValue), opts);
}

const TYPED_ARRAY_DTYPES: [new (...a: never[]) => TypedArray, DType][] = [
  [Float32Array, float32],
  [Float64Array, float64],
  [Int32Array, int32],
  [Int16Array, int16],
  [Int8Array, int8],
  [Uint8Array, uint8],
  [BigInt64Array, int64],
];

function typedArrayDtype(data: unknown): DType | undefined {
  for (const [ctor, dtype] of TYPED_ARRAY_DTYPES) if (data instanceof ctor) return dtype;
  return undefined;
}

/** Shape and flat values of nested arrays, with PyTorch's error for ragged input. */
function flattenNested(data: NestedData): { shape: number[]; values: Scalar[] } {
  const shape: number[] = [];
  let probe: NestedData = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0] as NestedData;
  }
  const values: Scalar[] = [];
  const walk = (node: NestedData, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(node)) throw new Error(`expected a number at dim ${dim}, but got a sequence`);
      if (typeof node !== 'number' && typeof node !== 'boolean' && typeof node !== 'bigint') {
        throw new TypeError(`Could not infer dtype of ${pyTypeName(node)}`);
      }
      values.push(node as Scalar);
      return;
    }
    if (!Array.isArray(node)) throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got a number)`);
    if (node.length !== shape[dim]) {
      throw new Error(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${node.length})`);
    }
    for (const child of node) walk(child as NestedData, dim + 1);
  };
  walk(data, 0);
  return { shape, values };
}

const INT_RANGES: Record<string, readonly [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [-(2 ** 63), 2 ** 63],
};

/** Python scalars converted to an integer dtype must fit it, as PyTorch checks (`checked_convert`). */
function checkedScalar(value: Scalar, dtype: DType): Scalar {
  const range = INT_RANGES[dtype.name];
  if (range === undefined || typeof value !== 'number') return value;
  if (!(value >= range[0] && value <= range[1]) || (dtype === int64 && value === range[1])) {
    throw new Error(`value cannot be converted to type ${dtype.name} without overflow`);
  }
  return value;
}

function inferDtype(values: readonly Scalar[]): DType {
  let sawBigint = false;
  let sawNumber = false;
  for (const v of values) {
    if (typeof v === 'number') sawNumber = true;
    else if (typeof v === 'bigint') sawBigint = true;
  }
  if (sawNumber) return getDefaultDtype();
  if (sawBigint) return int64;
  return values.length === 0 ? getDefaultDtype() : bool;
}

/**
 * `torch.tensor(data, { dtype, requiresGrad })`: always copies. JS numbers give the default float
 * dtype, booleans bool, bigints int64, a typed array its own dtype.
 */
export function tensor(data: NestedData | TypedArray | Tensor, value: TensorOptions = {}): Tensor {
  const options = checkOptions(value, 'tensor');
  if (data instanceof Tensor) {
    warn(
      'To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).',
    );
    const copy = data.detach().clone();
    return finishFactory(options.dtype ? copy.to(options.dtype) : copy, options);
  }
  const arrayDtype = typedArrayDtype(data);
  if (arrayDtype !== undefined) {
    const src = data as TypedArray;
    const dtype = options.dtype ?? arrayDtype;
    const t = emptyTensor([src.length], dtype);
    const out = t.storage_.data as unknown as Element[];
    for (let i = 0; i < src.length; i++) out[i] = castElement(src[i], dtype);
    return finishFactory(t, options);
  }
  if (data === null || data === undefined || (typeof data === 'object' && !Array.isArray(data))) {
    throw new TypeError(`Could not infer dtype of ${pyTypeName(data)}`);
  }
  const { shape, values } = flattenNested(data as NestedData);
  const dtype = options.dtype ?? inferDtype(values);
  const t = emptyTensor(shape, dtype);
  const out = t.storage_.data as unknown as Element[];
  for (let i = 0; i < values.length; i++) out[i] = castElement(checkedScalar(values[i], dtype), dtype);
  return finishFactory(t, options);
}

/** `torch.as_tensor`: returns `data` itself when it is a tensor of the asked dtype, else a new tensor. */
export function asTensor(data: NestedData | TypedArray | Tensor, value: { dtype?: DType } = {}): Tensor {
  const options = checkOptions(value, 'as_tensor');
  if (data instanceof Tensor) return options.dtype && options.dtype !== data.dtype ? data.to(options.dtype) : data;
  return tensor(data, options);
}

/** Wraps a typed array without copying (like `torch.from_numpy`): the tensor and the array share memory. */
export function fromTypedArray(data: TypedArray, shape?: readonly number[]): Tensor {
  const dtype = typedArrayDtype(data);
  if (dtype === undefined) throw new TypeError(`fromTypedArray(): expected a typed array, but got ${pyTypeName(data)}`);
  const s = shape ?? [data.length];
  checkSizes(s);
  if (numelOf(s) !== data.length) {
    throw new Error(`fromTypedArray(): shape [${s.join(', ')}] does not match the array's ${data.length} elements`);
  }
  const t = Tensor.fromData(data, s, dtype);
  t.storage_.external = true;
  return t;
}

function checkNumber(value: unknown, fn: string, arg: string, position: number): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${fn}(): argument '${arg}' (position ${position}) must be Number, not ${pyTypeName(value)}`);
  }
}

/** `arange(end)`, `arange(start, end, step?)`; integral arguments and no dtype give int64. */
export function arange(end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, step: number, options?: TensorOptions): Tensor;
export function arange(...args: (number | TensorOptions | undefined)[]): Tensor {
  const last = args[args.length - 1];
  const options = checkOptions(typeof last === 'object' ? (args.pop() as TensorOptions | null) : {}, 'arange');
  const nums = args.filter((a) => a !== undefined) as number[];
  if (nums.length < 1 || nums.length > 3) throw new TypeError('arange() takes 1 to 3 numbers: (end), (start, end) or (start, end, step)');
  nums.forEach((n, i) => checkNumber(n, 'arange', ['start', 'end', 'step'][nums.length === 1 ? 1 : i], i + 1));
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new Error('step must be nonzero');
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`unsupported range: ${start} -> ${end}`);
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new Error('upper bound and larger bound inconsistent with step sign');
  }
  const dtype = options.dtype ?? (nums.every(Number.isInteger) ? int64 : getDefaultDtype());
  const n = Math.ceil((end - start) / step);
  const t = emptyTensor([n], dtype);
  const out = t.storage_.data as unknown as Element[];
  for (let i = 0; i < n; i++) out[i] = castElement(start + i * step, dtype);
  return finishFactory(t, options);
}

/** `linspace(start, end, steps)`: PyTorch fills the first half forward from start, the rest back from end. */
export function linspace(start: number, end: number, steps: number, value: TensorOptions = {}): Tensor {
  checkNumber(start, 'linspace', 'start', 1);
  checkNumber(end, 'linspace', 'end', 2);
  if (!Number.isInteger(steps)) throw new TypeError(`linspace(): argument 'steps' (position 3) must be int, not ${pyTypeName(steps)}`);
  if (steps < 0) throw new Error('number of steps must be non-negative');
  const options = checkOptions(value, 'linspace');
  const dtype = options.dtype ?? getDefaultDtype();
  const t = emptyTensor([steps], dtype);
  const out = t.storage_.data as unknown as Element[];
  const values = linspaceValues(start, end, steps, dtype === float32);
  for (let i = 0; i < steps; i++) out[i] = castElement(values[i], dtype);
  return finishFactory(t, options);
}

function linspaceValues(start: number, end: number, steps: number, single: boolean): number[] {
  const r = single ? Math.fround : (x: number) => x;
  if (steps === 1) return [start];
  const s = r(start);
  const e = r(end);
  const step = r(r(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const values: number[] = [];
  for (let i = 0; i < steps; i++) values.push(i < half ? r(s + r(step * i)) : r(e - r(step * (steps - i - 1))));
  return values;
}

export function logspace(start: number, end: number, steps: number, value: TensorOptions & { base?: number } = {}): Tensor {
  const options = optionsArg(value, 'logspace');
  const base = options.base ?? 10;
  checkNumber(base, 'logspace', 'base', 4);
  const { base: _ignored, ...rest } = options;
  void _ignored;
  checkOptions(rest, 'logspace');
  const exponents = linspace(start, end, steps, { dtype: float64 });
  const dtype = rest.dtype ?? getDefaultDtype();
  const data = exponents.storage_.data as Float64Array;
  const t = emptyTensor([steps], dtype);
  const out = t.storage_.data as unknown as Element[];
  for (let i = 0; i < steps; i++) out[i] = castElement(Math.pow(base, data[i]), dtype);
  return finishFactory(t, rest);
}

/** `eye(n)` or `eye(n, m)`. */
export function eye(n: number, m?: number | TensorOptions, options: TensorOptions = {}): Tensor {
  if (m !== undefined && m !== null && typeof m !== 'number' && typeof m !== 'object') {
    throw new TypeError(`eye(): argument 'm' (position 2) must be int, not ${pyTypeName(m)}`);
  }
  const opts = checkOptions(typeof m === 'object' ? m : options, 'eye');
  const cols = typeof m === 'number' ? m : n;
  [n, cols].forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new TypeError(`eye(): argument '${['n', 'm'][i]}' (position ${i + 1}) must be int, not ${pyTypeName(v)}`);
    }
  });
  [n, cols].forEach((v, i) => {
    if (v < 0) throw new Error(`${['n', 'm'][i]} must be greater or equal to 0, got ${v}`);
  });
  const dtype = opts.dtype ?? getDefaultDtype();
  const t = emptyTensor([n, cols], dtype);
  const out = t.storage_.data as unknown as Element[];
  const one = castElement(1, dtype);
  for (let i = 0; i < Math.min(n, cols); i++) out[i * cols + i] = one;
  return finishFactory(t, opts);
}

/** @internal A 0-dim tensor holding a JavaScript scalar (a "wrapped number"). */
export function scalarTensor(value: Scalar, dtype: DType): Tensor {
  return Tensor.fromData(scalarData(value, dtype), [], dtype);
}

/** A one-element array holding `value` cast to `dtype`: a wrapped scalar's storage. */
export function scalarData(value: Scalar, dtype: DType): TypedArray {
  const data = allocate(dtype, 1);
  (data as unknown as Element[])[0] = castElement(value, dtype);
  return data;
}
