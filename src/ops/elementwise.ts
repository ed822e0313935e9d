// The machinery under every elementwise op: operand checks, type promotion, casting, broadcasting,
// and the unary/binary/ternary kernels of the JS backend. No autograd here.
import { DType, bool, float32, int64, resultType } from '../tensor/dtype.js';
import { castArray, castElement, type Element } from '../tensor/storage.js';
import { broadcastShapes, expandedStrides, numelOf, sameShape } from '../tensor/layout.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { emptyTensor, emptyTensorOfShape, scalarData, scalarTensor, tensorOfShape, type Scalar } from '../tensor/factory.js';
import { map1, map2, map3, runStep, type StridedOperand } from '../backends/js/strided.js';
import { binaryRun, compareRun, selectRun } from '../backends/js/elementwise.js';
import { isFloatArray, type BinaryOpName, type CompareOpName, type FloatArray, type RunOperand, type UnaryOpName } from '../backends/backend.js';
import { offerBinary, offerUnary, outputFloats } from './primitives.js';
import { deferBinary, deferUnary, fusionMinElements } from './fusion.js';
import { activeBackend } from '../backends/registry.js';

export type TensorOrScalar = Tensor | Scalar;

export function isScalar(value: unknown): value is Scalar {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';
}

function isOperand(value: unknown): value is TensorOrScalar {
  return value instanceof Tensor || isScalar(value);
}

/**
 * Checks that an operand is a tensor or a JavaScript scalar. With its position, the message is PyTorch's
 * for arguments that accept numbers as tensors (`add(): argument 'other' (position 2) must be Tensor, not str`).
 */
export function checkOperand(value: unknown, fn: string, arg: string, position?: number): asserts value is TensorOrScalar {
  if (isOperand(value)) return;
  if (position === undefined) throw new TypeError(`${fn}(): argument '${arg}' must be Tensor or Number, not ${pyTypeName(value)}`);
  throw new TypeError(`${fn}(): argument '${arg}' (position ${position}) must be Tensor, not ${pyTypeName(value)}`);
}

export function checkTensor(value: unknown, fn: string, arg = 'input', position = 1): asserts value is Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`${fn}(): argument '${arg}' (position ${position}) must be Tensor, not ${pyTypeName(value)}`);
  }
}

/** PyTorch's TypeError for arguments that match none of a function's signatures (`signatures` as Python lists them). */
export function invalidArguments(fn: string, args: readonly unknown[], signatures: readonly string[]): TypeError {
  const got = args.map(pyTypeName).join(', ');
  const expected = signatures.map((s) => ` * ${s}\n`).join('');
  return new TypeError(`${fn}() received an invalid combination of arguments - got (${got}), but expected one of:\n${expected}`);
}

const RESULT_TYPE_SIGNATURES = [
  '(Tensor tensor, Tensor other)',
  '(Tensor tensor, Number other)',
  '(Number scalar, Tensor tensor)',
  '(Number scalar1, Number scalar2)',
];

/** `torch.result_type` for tensors and scalars. */
export function resultTypeOf(...operands: TensorOrScalar[]): DType {
  if (operands.length === 0 || !operands.every(isOperand)) {
    throw invalidArguments('result_type', operands, RESULT_TYPE_SIGNATURES);
  }
  // Tensors are promotion operands themselves: nothing is copied per call.
  return resultType(...operands);
}

/**
 * `resultTypeOf` for the two operands of an arithmetic op (already checked), without the varargs: a
 * floating tensor with dims beside a scalar or a tensor of its dtype, most calls, keeps its dtype.
 */
export function binaryResultType(x: TensorOrScalar, y: TensorOrScalar): DType {
  if (x instanceof Tensor && x.dtype_.kind === 'float' && x.shape_.length > 0 && (!(y instanceof Tensor) || y.dtype_ === x.dtype_)) return x.dtype_;
  return resultType(x, y);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A scalar operand, checked: a bigint is a Python int, which PyTorch unpacks into an int64. */
function checkedScalar(x: Scalar): Scalar {
  if (typeof x === 'bigint' && (x < INT64_MIN || x > INT64_MAX)) throw new Error('Overflow when unpacking long');
  return x;
}

/** The operand as a tensor of `dtype`: scalars become 0-dim tensors; tensors are cast (copied) if needed. */
export function asOperand(x: TensorOrScalar, dtype: DType): Tensor {
  if (!(x instanceof Tensor)) return scalarTensor(checkedScalar(x), dtype);
  return x.dtype === dtype ? x : castTensor(x, dtype);
}

const SCALAR_SHAPE: readonly number[] = [];

/**
 * A kernel's operand of `dtype` broadcast to `shape`. A scalar is read as one repeated value from a
 * one-element array: wrapping it in a 0-dim tensor would cost more than the kernel on small tensors.
 */
function kernelOperand(x: TensorOrScalar, dtype: DType, shape: readonly number[]): StridedOperand {
  if (x instanceof Tensor) return operand(asOperand(x, dtype), shape);
  return { data: scalarData(checkedScalar(x), dtype), strides: new Array<number>(shape.length).fill(0), offset: 0 };
}

const exact = (x: number): number => x;

/**
 * Rounds a double to `dtype`'s precision. Kernels compute in doubles; where an op takes several steps,
 * float32 results must be rounded after each one to match PyTorch's float arithmetic.
 */
export function precisionOf(dtype: DType): (x: number) => number {
  return dtype === float32 ? Math.fround : exact;
}

/** A contiguous copy of `t` converted to `dtype` (no autograd). */
export function castTensor(t: Tensor, dtype: DType): Tensor {
  const data = castArray(t.contiguousData() as never, t.dtype, dtype);
  return Tensor.fromData(data, t.shape, dtype);
}

export function operand(t: Tensor, shape: readonly number[]): StridedOperand {
  // An operand of the iteration's own shape (most calls) is read through its strides as they are.
  const strides = sameShape(t.shape_, shape) ? t.strides_ : expandedStrides(t.shape_, t.strides_, shape);
  return { data: t.storage_.readData(), strides, offset: t.offset_ };
}

export type NumberFn1 = (x: number) => number;
export type BigFn1 = (x: bigint) => Element;
export type NumberFn2 = (x: number, y: number) => number;
export type BigFn2 = (x: bigint, y: bigint) => Element;

/**
 * A kernel over numbers, with an optional exact bigint form used when computing in int64. A kernel with
 * a backend op `name` (which must compute exactly what `num` does) is offered to the backends first.
 */
export interface Kernel1 {
  num: NumberFn1;
  big?: BigFn1;
  name?: UnaryOpName;
}
export interface Kernel2 {
  num: NumberFn2;
  big?: BigFn2;
  name?: BinaryOpName;
}

/**
 * A float tensor of the compute dtype read over `shape` (its own or one it broadcasts to) as a run, or
 * null (another dtype, or a layout that is neither dense nor one repeated value). Small ops spend a
 * visible share of their time building the generic kernel's operands, so the common case skips them.
 */
export function tensorRun(t: Tensor, dtype: DType, shape: readonly number[]): RunOperand | null {
  const data = t.storage_.readData();
  if (t.dtype_ !== dtype || !isFloatArray(data)) return null;
  // A 0-dim tensor (a wrapped scalar, a full reduction's gradient) is one repeated value.
  if (t.shape_.length === 0) return { data, offset: t.offset_, step: 0 };
  const step = runStep(shape, sameShape(shape, t.shape_) ? t.strides_ : expandedStrides(t.shape_, t.strides_, shape));
  return step === null ? null : { data, offset: t.offset_, step };
}

// One-element arrays that hold a number operand for the duration of one primitive call (backends read
// runs synchronously and keep no reference): a typed array per call was a visible share of small ops.
// Each operand position has its own, so that two number operands never share one.
const NUMBER_F32 = [new Float32Array(1), new Float32Array(1)] as const;
const NUMBER_F64 = [new Float64Array(1), new Float64Array(1)] as const;

/**
 * A binary operand (at `position` 0 or 1) as a float run over `shape`: a tensor as tensorRun, a
 * JavaScript number as one repeated value stored (rounded) in the dtype, as the generic kernel's is.
 */
function binaryRunOperand(x: TensorOrScalar, dtype: DType, shape: readonly number[], position: 0 | 1): RunOperand | null {
  if (x instanceof Tensor) return tensorRun(x, dtype, shape);
  if (typeof x !== 'number' || dtype.kind !== 'float') return null;
  const data = dtype === float32 ? NUMBER_F32[position] : NUMBER_F64[position];
  data[0] = x;
  return { data, offset: 0, step: 0 };
}

/**
 * The output of a named primitive over `shape`: the backend or the JS loops that run it write every
 * element, so it may come from the active backend without zeroing.
 */
function runOutput(shape: readonly number[], dtype: DType, length: number): Tensor {
  return tensorOfShape(outputFloats(dtype, length), shape, dtype);
}

/**
 * Computes the named primitive of `target` and `other` into `target`'s own elements (`add`: adds
 * `other` into it): both float tensors of one dtype and shape, `target` dense over all of its storage
 * and not pending. False, with nothing written, for any other case.
 * Not an op (no checks, no autograd, no version bump): for buffers only their owner sees.
 */
export function binaryInto(name: BinaryOpName, target: Tensor, other: Tensor): boolean {
  // A pending target would be written only to be read once more: its out-of-place result is pending
  // too, and written once, when it is read.
  if (target.storage_.pending !== null) return false;
  const dtype = target.dtype_;
  const out = target.storage_.data;
  if (other.dtype_ !== dtype || !isFloatArray(out) || !sameShape(target.shape_, other.shape_)) return false;
  if (target.offset_ !== 0 || out.length !== target.numel() || !target.isContiguous()) return false;
  const a = tensorRun(target, dtype, target.shape_);
  const b = tensorRun(other, dtype, target.shape_);
  return a !== null && b !== null && offerBinary(name, a, b, out);
}

/** Blocks shorter than this are left to the generic kernel, whose cost per element beats a call per block. */
const MIN_BLOCK = 16;
/**
 * Blocks from this length are offered to the active backend, through a view of the output block (the
 * native addon takes runs from 128 elements); shorter ones run in the JS loops, in place.
 */
const MIN_BACKEND_BLOCK = 128;

/** A float operand of `dtype` read over `shape`: its array, offset and strides (0 along broadcast dims). */
function blockOperand(x: TensorOrScalar, dtype: DType, shape: readonly number[], position: 0 | 1): StridedOperand | null {
  if (x instanceof Tensor) {
    const data = x.storage_.readData();
    if (x.dtype_ !== dtype || !isFloatArray(data)) return null;
    return { data, offset: x.offset_, strides: sameShape(x.shape_, shape) ? x.strides_ : expandedStrides(x.shape_, x.strides_, shape) };
  }
  const run = binaryRunOperand(x, dtype, shape, position);
  return run === null ? null : { data: run.data, offset: 0, strides: new Array<number>(shape.length).fill(0) };
}

/**
 * The innermost dims over which each operand is a run of step 0 or 1 (a broadcast bias is a run of
 * step 1 along a row and of step 0 down a column): the first dim of the block, its length and the steps.
 */
function innerBlock(shape: readonly number[], operands: readonly StridedOperand[]): { first: number; length: number; steps: (0 | 1)[] } {
  const steps: (0 | 1 | null)[] = operands.map(() => null);
  let length = 1;
  let d = shape.length - 1;
  for (; d >= 0; d--) {
    if (shape[d] === 1) continue;
    let continues = true;
    for (let k = 0; k < operands.length; k++) {
      const stride = operands[k].strides[d];
      const step = steps[k];
      if (step === null ? stride !== 0 && stride !== 1 : stride !== step * length) continues = false;
    }
    if (!continues) break;
    for (let k = 0; k < operands.length; k++) steps[k] ??= operands[k].strides[d] === 0 ? 0 : 1;
    length *= shape[d];
  }
  return { first: d + 1, length, steps: steps.map((s) => s ?? 0) };
}

/**
 * A named binary primitive over `shape` as one backend call per block of its innermost dims, for float
 * operands that are no single run over the whole shape but are runs along those dims (a row or column
 * broadcast: a bias per feature, a mean per row). Null where that does not hold.
 */
function blockwiseBinary(name: BinaryOpName, x: TensorOrScalar, y: TensorOrScalar, dtype: DType, shape: readonly number[], n: number): Tensor | null {
  const a = blockOperand(x, dtype, shape, 0);
  const b = a === null ? null : blockOperand(y, dtype, shape, 1);
  if (a === null || b === null || n === 0) return null;
  const { first, length, steps } = innerBlock(shape, [a, b]);
  if (length < MIN_BLOCK) return null;
  const starts = blockStarts(shape, first, a, b, n / length);
  const out = runOutput(shape, dtype, n);
  const dst = out.storage_.data as FloatArray;
  const da = a.data as FloatArray;
  const db = b.data as FloatArray;
  if (activeBackend().binaryBlocks?.(name, da, steps[0], db, steps[1], starts, length, dst) === true) return out;
  for (let j = 0, start = 0; start < n; j++, start += length) {
    const ra: RunOperand = { data: da, offset: starts[2 * j], step: steps[0] };
    const rb: RunOperand = { data: db, offset: starts[2 * j + 1], step: steps[1] };
    const done = length < MIN_BACKEND_BLOCK ? binaryRun(name, ra, rb, dst, length, start) : offerBinary(name, ra, rb, dst.subarray(start, start + length));
    if (!done) return null;
  }
  return out;
}

/** Where each block starts in a and in b (two numbers per block), the outer dims walked like an odometer. */
function blockStarts(shape: readonly number[], first: number, a: StridedOperand, b: StridedOperand, blocks: number): Float64Array {
  const starts = new Float64Array(2 * blocks);
  const index = new Array<number>(first).fill(0);
  let pa = a.offset;
  let pb = b.offset;
  for (let j = 0; j < blocks; j++) {
    starts[2 * j] = pa;
    starts[2 * j + 1] = pb;
    for (let d = first - 1; d >= 0; d--) {
      pa += a.strides[d];
      pb += b.strides[d];
      if (++index[d] < shape[d]) break;
      pa -= a.strides[d] * shape[d];
      pb -= b.strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return starts;
}

/** The shape two operands broadcast to; an operand's own shape array when it is the result's. */
function binaryShape(x: TensorOrScalar, y: TensorOrScalar): readonly number[] {
  const a = x instanceof Tensor ? x.shape_ : SCALAR_SHAPE;
  const b = y instanceof Tensor ? y.shape_ : SCALAR_SHAPE;
  if (b.length === 0 || sameShape(a, b)) return a;
  if (a.length === 0) return b;
  return broadcastShapes(a, b);
}

function numberKernelOnBigints<F extends (...xs: number[]) => number>(fn: F, outDtype: DType): (...xs: Element[]) => Element {
  return (...xs) => {
    const r = fn(...xs.map(Number));
    return outDtype === int64 ? castElement(r, int64) : r;
  };
}

/** Applies a unary kernel, computing in `computeDtype` and writing `outDtype`. */
export function unaryKernel(x: Tensor, kernel: Kernel1, computeDtype: DType, outDtype: DType): Tensor {
  const name = kernel.name;
  if (name !== undefined && computeDtype === outDtype) {
    const n = x.numel();
    const deferred = n >= fusionMinElements ? deferUnary(name, kernel.num, x, computeDtype) : null;
    if (deferred !== null) return deferred;
    const run = tensorRun(x, computeDtype, x.shape_);
    if (run !== null) {
      const out = runOutput(x.shape_, outDtype, n);
      if (offerUnary(name, run, out.storage_.data as FloatArray)) return out;
    }
  }
  const a = asOperand(x, computeDtype);
  const out = emptyTensorOfShape(x.shape_, outDtype);
  const src = operand(a, out.shape_);
  const dst = out.storage_.data;
  const useBig = computeDtype === int64;
  const fn = (useBig ? kernel.big ?? numberKernelOnBigints(kernel.num, outDtype) : kernel.num) as (v: Element) => Element;
  map1(dst, out.shape_, src, fn);
  return out;
}

/** Applies a binary kernel with broadcasting, computing in `computeDtype` and writing `outDtype`. */
export function binaryKernel(x: TensorOrScalar, y: TensorOrScalar, kernel: Kernel2, computeDtype: DType, outDtype: DType): Tensor {
  // An operand's own shape or one made for this result: the result keeps it uncopied.
  const shape = binaryShape(x, y);
  const name = kernel.name;
  if (name !== undefined && computeDtype === outDtype) {
    const n = numelOf(shape);
    const deferred = n >= fusionMinElements ? deferBinary(name, kernel.num, x, y, computeDtype, shape) : null;
    if (deferred !== null) return deferred;
    const ra = binaryRunOperand(x, computeDtype, shape, 0);
    const rb = ra === null ? null : binaryRunOperand(y, computeDtype, shape, 1);
    if (rb !== null) {
      const out = runOutput(shape, outDtype, n);
      if (offerBinary(name, ra as RunOperand, rb, out.storage_.data as FloatArray)) return out;
    } else {
      const out = blockwiseBinary(name, x, y, computeDtype, shape, n);
      if (out !== null) return out;
    }
  }
  const srcA = kernelOperand(x, computeDtype, shape);
  const srcB = kernelOperand(y, computeDtype, shape);
  const out = emptyTensorOfShape(shape, outDtype);
  const useBig = computeDtype === int64;
  const fn = (useBig ? kernel.big ?? numberKernelOnBigints(kernel.num, outDtype) : kernel.num) as (u: Element, v: Element) => Element;
  map2(out.storage_.data, out.shape_, srcA, srcB, fn);
  return out;
}

/**
 * A comparison whose operands are float runs over the result's shape (dense tensors of the compute
 * dtype, numbers), as one direct loop into the bool result; null for other operands (the generic
 * kernel then compares them).
 */
export function compareKernel(name: CompareOpName, x: TensorOrScalar, y: TensorOrScalar, computeDtype: DType): Tensor | null {
  const shape = binaryShape(x, y);
  const a = binaryRunOperand(x, computeDtype, shape, 0);
  const b = a === null ? null : binaryRunOperand(y, computeDtype, shape, 1);
  if (b === null) return null;
  const out = emptyTensorOfShape(shape, bool);
  const flags = out.storage_.data as Uint8Array;
  const n = out.numel();
  if (activeBackend().compare?.(name, a as RunOperand, b, flags, n) !== true) compareRun(name, a as RunOperand, b, flags, n);
  return out;
}

/**
 * where's selection when the condition is a dense bool (or uint8) tensor of the result's shape and
 * both values are float runs over it (dense tensors of `dtype`, 0-dim ones): one direct loop. Null
 * otherwise (the generic ternary kernel then selects).
 */
export function selectKernel(condition: Tensor, x: Tensor, y: Tensor, dtype: DType): Tensor | null {
  const shape = broadcastShapes(condition.shape_, x.shape_, y.shape_);
  const c = condition.storage_.readData();
  if (!(c instanceof Uint8Array) || !sameShape(condition.shape_, shape) || !condition.isContiguous()) return null;
  const a = tensorRun(x, dtype, shape);
  const b = a === null ? null : tensorRun(y, dtype, shape);
  if (b === null) return null;
  const n = numelOf(shape);
  const out = runOutput(shape, dtype, n);
  const values = out.storage_.data as FloatArray;
  if (activeBackend().select?.(c, condition.offset_, a as RunOperand, b, values, n) !== true) selectRun(c, condition.offset_, a as RunOperand, b, values, n);
  return out;
}

/** Applies a ternary kernel over tensors already of their compute dtypes, with broadcasting. */
export function ternaryKernel(a: Tensor, b: Tensor, c: Tensor, outDtype: DType, fn: (x: Element, y: Element, z: Element) => Element): Tensor {
  const shape = broadcastShapes(a.shape_, b.shape_, c.shape_);
  const out = emptyTensor(shape, outDtype);
  map3(out.storage_.data, shape, operand(a, shape), operand(b, shape), operand(c, shape), fn);
  return out;
}
