// Matrix products: dot, vdot, mv, mm, bmm, their add- forms (addmv, addmm, baddbmm), outer and
// torch.linalg.vecdot. The products run in the GEMM kernel (src/backends/js/gemm.ts); the composites
// built on them, matmul and einsum, are in matmul.ts and einsum.ts. Checks follow the 2.x sources in
// their order.
import { DType, bool, float32 } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { normalizeDim, shapeStr } from '../tensor/layout.js';
import { emptyTensor } from '../tensor/factory.js';
import { gemm, type MatrixOperand } from '../backends/js/gemm.js';
import { activeBackend } from '../backends/registry.js';
import { gather } from '../backends/js/strided.js';
import { binaryKernel, unaryKernel, type Kernel2 } from './elementwise.js';
import { outputFloats } from './primitives.js';
import { legacyScalarName } from './pointwise.js';
import { optionsArg } from '../tensor/args.js';
import { applyInplace } from './inplace.js';
import { crossSaved, record } from '../autograd/record.js';
import { noGrad } from '../autograd/grad-mode.js';

/** `beta` scales the added input, `alpha` the product (PyTorch's keyword arguments). */
export interface ScaleOptions {
  beta?: number;
  alpha?: number;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    mm(mat2: Tensor): Tensor;
    bmm(mat2: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    dot(tensor: Tensor): Tensor;
    vdot(other: Tensor): Tensor;
    outer(vec2: Tensor): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, options?: ScaleOptions): Tensor;
    addmv(mat: Tensor, vec: Tensor, options?: ScaleOptions): Tensor;
    baddbmm(batch1: Tensor, batch2: Tensor, options?: ScaleOptions): Tensor;
    addmm_(mat1: Tensor, mat2: Tensor, options?: ScaleOptions): this;
    addmv_(mat: Tensor, vec: Tensor, options?: ScaleOptions): this;
    baddbmm_(batch1: Tensor, batch2: Tensor, options?: ScaleOptions): this;
  }
}

// ---- argument checks ----

export function requireTensor(value: unknown, fn: string, arg: string, position: number): asserts value is Tensor {
  if (!(value instanceof Tensor)) {
    throw new TypeError(`${fn}(): argument '${arg}' (position ${position}) must be Tensor, not ${pyTypeName(value)}`);
  }
}

/** C++'s `t.size(d)`, which (unlike `Tensor.size`) has no dim 0 for a 0-dim tensor. */
function sizeAt(t: Tensor, d: number): number {
  if (t.dim() === 0) throw new Error(`Dimension specified as ${d} but tensor has no dimensions`);
  return t.shape_[normalizeDim(d, t.dim())];
}

function rejectBool(dtype: DType, kernel: string): void {
  if (dtype === bool) throw new Error(`"${kernel}" not implemented for 'Bool'`);
}

function checkMultipliable(mat1: Tensor, mat2: Tensor): void {
  const [a0, a1] = mat1.shape_;
  const [b0, b1] = mat2.shape_;
  if (a1 !== b0) throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a0}x${a1} and ${b0}x${b1})`);
}

/** A beta or alpha argument as given (a Python scalar: a number or a boolean). */
interface Scale {
  readonly raw: number | boolean;
  /** A zero beta makes the kernels ignore the added input, even its nan and inf. */
  readonly isZero: boolean;
}

function scaleArg(value: unknown, fn: string, name: string): Scale {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`${fn}(): argument '${name}' must be Number, not ${pyTypeName(value)}`);
  }
  return { raw: value, isZero: Number(value) === 0 };
}

function scalesOf(value: ScaleOptions | null | undefined, fn: string): { beta: Scale; alpha: Scale } {
  const options = optionsArg(value, fn);
  return { beta: scaleArg(options.beta ?? 1, fn, 'beta'), alpha: scaleArg(options.alpha ?? 1, fn, 'alpha') };
}

/** Ranges of `c10::checked_convert` from double, with the C++ type names its message uses. */
const KERNEL_SCALAR_RANGE: Record<string, [number, number, string]> = {
  uint8: [0, 255, 'uint8_t'], int8: [-128, 127, 'int8_t'], int16: [-32768, 32767, 'int16_t'],
  int32: [-(2 ** 31), 2 ** 31 - 1, 'int'], int64: [-(2 ** 63), 2 ** 63, 'int64_t'],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38, 'float'],
};

/** `Scalar::to<T>()`: a scale in the kernel's type, rejecting values the type cannot hold. */
function kernelScalar(s: Scale, dtype: DType): number {
  const v = Number(s.raw);
  const range = KERNEL_SCALAR_RANGE[dtype.name];
  const infinityAllowed = dtype.isFloatingPoint && !Number.isFinite(v);
  if (range && !infinityAllowed && !(v >= range[0] && v <= range[1])) {
    throw new Error(`value cannot be converted to type ${range[2]} without overflow`);
  }
  return castScalar(v, dtype);
}

/** A scale converted to `dtype` by a plain cast (no range check). */
function castScalar(v: number, dtype: DType): number {
  if (dtype === float32) return Math.fround(v);
  if (dtype.isFloatingPoint) return v;
  return dtype === bool ? Number(v !== 0) : Math.trunc(v);
}

/** `t * s` in a backward formula, skipped for 1 as PyTorch's maybe_multiply. */
function maybeMultiply(t: Tensor, s: Scale): Tensor {
  return Number(s.raw) === 1 ? t : t.mul(s.raw);
}

/** The error of a structured in-place op (`addmm_`, ...) whose result would not have its input's shape. */
function checkInplaceShape(self: Tensor | null, shape: readonly number[]): void {
  if (self !== null && shapeStr(self.shape_) !== shapeStr(shape)) {
    throw new Error(`Bad in-place call: input tensor size ${shapeStr(self.shape_)} and output tensor size ${shapeStr(shape)} should match`);
  }
}

/** PyTorch's expand_size: `t` expanded to `shape` with expand's errors, outside the graph. */
function expandedInput(t: Tensor, shape: readonly number[]): Tensor {
  return t.detach().expand(shape);
}

// ---- kernels ----

function matrixOf(t: Tensor, batchStride: number, rowStride: number, colStride: number): MatrixOperand {
  return { data: t.storage_.readData(), offset: t.offset_, batchStride, rowStride, colStride };
}

function runGemm(shape: readonly number[], dtype: DType, dims: [number, number, number, number], a: MatrixOperand, b: MatrixOperand): Tensor {
  const [batch, m, n, k] = dims;
  const backend = activeBackend();
  if (!dtype.isFloatingPoint || backend.gemm === undefined) {
    const out = emptyTensor(shape, dtype);
    gemm(batch, m, n, k, a, b, out.storage_.data);
    return out;
  }
  // The backend's primitive writes every element, so the output is not zeroed first.
  const dst = outputFloats(dtype, batch * m * n);
  if (!backend.gemm(batch, m, n, k, a, b, dst)) {
    // Declined: the JS loop adds to its output.
    dst.fill(0);
    gemm(batch, m, n, k, a, b, dst);
  }
  return Tensor.fromData(dst, shape, dtype);
}

/**
 * addmm's input + mat1 @ mat2 (beta and alpha 1) by a backend GEMM that adds to its output, the
 * output first filled with the broadcast input: one pass fewer over the result than the product and
 * then an addition (linear's bias). Null where no backend takes it.
 */
function productAddedTo(self: Tensor, mat1: Tensor, mat2: Tensor, beta: Scale, alpha: Scale): Tensor | null {
  const [m, k] = mat1.shape_;
  const n = mat2.shape_[1];
  const backend = activeBackend();
  if (beta.raw !== 1 || alpha.raw !== 1 || m * n * k === 0 || backend.gemmAdd === undefined) return null;
  const dtype = self.dtype;
  if (!dtype.isFloatingPoint) return null;
  // The input's broadcast fills every element, so the output needs no zeroing.
  const dst = outputFloats(dtype, m * n);
  gather({ data: self.storage_.readData(), strides: self.strides_, offset: self.offset_ }, self.shape_, dst);
  const a = matrixOf(mat1, 0, mat1.strides_[0], mat1.strides_[1]);
  const b = matrixOf(mat2, 0, mat2.strides_[0], mat2.strides_[1]);
  return backend.gemmAdd(1, m, n, k, a, b, dst) ? Tensor.fromData(dst, [m, n], dtype) : null;
}

/** [m, k] @ [k, n] of checked operands of one dtype (addmm_impl_cpu_). */
function matrixProduct(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape_;
  const n = b.shape_[1];
  // PyTorch returns before dispatching on the dtype when there is nothing to compute.
  if (m * n > 0 && k > 0) rejectBool(a.dtype, 'addmm_impl_cpu_');
  return runGemm([m, n], a.dtype, [1, m, n, k], matrixOf(a, 0, a.strides_[0], a.strides_[1]), matrixOf(b, 0, b.strides_[0], b.strides_[1]));
}

/**
 * bmm's checks and product; the result takes batch2's dtype, as PyTorch allocates it. `inplaceOf` is
 * baddbmm_'s input, whose shape the result must have.
 */
function batchProduct(batch1: Tensor, batch2: Tensor, kernel: 'bmm' | 'baddbmm', inplaceOf: Tensor | null = null): Tensor {
  if (batch1.dim() !== 3) throw new Error('batch1 must be a 3D tensor');
  if (batch2.dim() !== 3) throw new Error('batch2 must be a 3D tensor');
  const [bs, m, k] = batch1.shape_;
  const [bs2, k2, n] = batch2.shape_;
  if (bs2 !== bs || k2 !== k) {
    throw new Error(`Expected size for first two dimensions of batch2 tensor to be: [${bs}, ${k}] but got: [${bs2}, ${k2}].`);
  }
  checkInplaceShape(inplaceOf, [bs, m, n]);
  if (bs * m * n > 0 && k > 0) {
    rejectBool(batch1.dtype, kernel);
    if (batch2.dtype !== batch1.dtype) {
      throw new Error(`expected scalar type ${legacyScalarName(batch1.dtype)} but found ${legacyScalarName(batch2.dtype)}`);
    }
  }
  const [s0, s1, s2] = batch1.strides_;
  const [t0, t1, t2] = batch2.strides_;
  return runGemm([bs, m, n], batch2.dtype, [bs, m, n, k], matrixOf(batch1, s0, s1, s2), matrixOf(batch2, t0, t1, t2));
}

/** beta * input + alpha * product for scales in the tensor's type; `input` has the product's shape. */
function scaleAndAdd(input: Tensor, product: Tensor, b: number, a: number, betaIsZero: boolean): Tensor {
  const dtype = product.dtype;
  if (betaIsZero) {
    return a === 1 ? product : unaryKernel(product, { num: (p) => a * p, big: (p) => BigInt(a) * p }, dtype, dtype);
  }
  const kernel: Kernel2 =
    dtype === bool
      ? { num: (s, p) => ((b !== 0 && s !== 0) || (a !== 0 && p !== 0) ? 1 : 0) }
      : { num: (s, p) => b * s + a * p, big: (s, p) => BigInt(b) * s + BigInt(a) * p };
  return binaryKernel(input, product, kernel, dtype, dtype);
}

/**
 * The result of an add- op as its kernel computes it: nothing for an empty result; for k = 0 only the
 * input scaled by beta (`scaleInput`, which each op words differently); otherwise the scales converted
 * to the tensor's type (with PyTorch's overflow check) and combined.
 */
function addScaled(input: Tensor, product: Tensor, k: number, beta: Scale, alpha: Scale, scaleInput: () => Tensor): Tensor {
  if (product.numel() === 0) return product;
  if (k === 0) return beta.isZero ? product : scaleInput();
  const dtype = product.dtype;
  return scaleAndAdd(input, product, kernelScalar(beta, dtype), kernelScalar(alpha, dtype), beta.isZero);
}

/** addmm's and baddbmm's k = 0 shortcut: `result.copy_(input); result.mul_(beta)` (so beta must fit the dtype's kind). */
function inputTimesBetaInPlace(input: Tensor, beta: Scale): () => Tensor {
  return () => noGrad(() => input.clone().mul_(beta.raw));
}

// ---- dot, vdot, linalg.vecdot ----

export function dot(input: Tensor, tensor: Tensor): Tensor {
  requireTensor(input, 'dot', 'input', 1);
  requireTensor(tensor, 'dot', 'tensor', 2);
  return dotImpl(input, tensor);
}

/** dot's checks and product, for dot, vdot (`node` names the grad_fn) and matmul's 1-D @ 1-D path. */
export function dotImpl(input: Tensor, tensor: Tensor, node = 'DotBackward0'): Tensor {
  if (input.dim() !== 1 || tensor.dim() !== 1) {
    throw new Error(`1D tensors expected, but got ${input.dim()}D and ${tensor.dim()}D tensors`);
  }
  if (input.dtype !== tensor.dtype) {
    throw new Error(`dot : expected both vectors to have same dtype, but found ${legacyScalarName(input.dtype)} and ${legacyScalarName(tensor.dtype)}`);
  }
  const n = input.numel();
  const n2 = tensor.numel();
  if (n !== n2) {
    throw new Error(`inconsistent tensor size, expected tensor [${n}] and src [${n2}] to have the same number of elements, but got ${n} and ${n2} elements respectively`);
  }
  rejectBool(input.dtype, 'dot');
  // A 1 x n row times an n x 1 column.
  const out = runGemm([], input.dtype, [1, 1, 1, n], matrixOf(input, 0, 0, input.strides_[0]), matrixOf(tensor, 0, tensor.strides_[0], 0));
  record({
    name: node,
    inputs: [input, tensor],
    outputs: [out],
    save: crossSaved(),
    backward: ([g], [x, y], needs) => [needs[0] ? (g as Tensor).mul(y) : null, needs[1] ? (g as Tensor).mul(x) : null],
  });
  return out;
}

/**
 * `vdot` conjugates its first argument, which for real dtypes makes it `dot` (PyTorch dispatches to
 * dot's kernel, but vdot has its own derivatives entry and so its own node).
 */
export function vdot(input: Tensor, other: Tensor): Tensor {
  requireTensor(input, 'vdot', 'input', 1);
  requireTensor(other, 'vdot', 'other', 2);
  return dotImpl(input, other, 'VdotBackward0');
}

/** torch.linalg.vecdot: `(x * y).sum(dim)` for real floating dtypes, with broadcasting. */
export function vecdot(x: Tensor, y: Tensor, opts?: { dim?: number }): Tensor {
  const options = optionsArg(opts, 'linalg_vecdot');
  requireTensor(x, 'linalg_vecdot', 'x', 1);
  requireTensor(y, 'linalg_vecdot', 'y', 2);
  if (!x.dtype.isFloatingPoint) {
    throw new Error(`linalg.vecdot: Expected a floating point or complex tensor as input. Got ${legacyScalarName(x.dtype)}`);
  }
  if (x.dtype !== y.dtype) {
    throw new Error(
      `linalg.vecdot: Expected x and y to have the same dtype, but found x of type ${legacyScalarName(x.dtype)} and y of type ${legacyScalarName(y.dtype)} instead`,
    );
  }
  return x.mul(y).sum(options.dim ?? -1);
}

// ---- mv, addmv ----

/**
 * addmv's checks and the product mat @ vec; `input` null is mv, whose result PyTorch allocates from
 * mat.size(0) in vec's dtype and passes as addmv's input.
 */
function matrixVectorProduct(input: Tensor | null, mat: Tensor, vec: Tensor): Tensor {
  const inputDim = input ? input.dim() : 1;
  if (!(mat.dim() === 2 && vec.dim() === 1 && inputDim <= 1)) {
    throw new Error(`vector + matrix @ vector expected, got ${inputDim}, ${mat.dim()}, ${vec.dim()}`);
  }
  const [m, k] = mat.shape_;
  const inputNumel = input ? input.numel() : m;
  if (!(k === vec.shape_[0] && (m === inputNumel || inputNumel === 1))) {
    const inputSize = input ? sizeAt(input, 0) : m;
    throw new Error(`size mismatch, got input (${inputSize}), mat (${m}x${k}), vec (${vec.shape_[0]})`);
  }
  const inputDtype = input ? input.dtype : vec.dtype;
  if (inputDtype !== mat.dtype || mat.dtype !== vec.dtype) {
    throw new Error(
      `addmv input tensors must have the same dtype, but got ${legacyScalarName(inputDtype)}, ${legacyScalarName(mat.dtype)}, and ${legacyScalarName(vec.dtype)}`,
    );
  }
  if (m > 0 && k > 0) rejectBool(mat.dtype, 'addmv_impl_cpu');
  return runGemm([m], vec.dtype, [1, m, 1, k], matrixOf(mat, 0, mat.strides_[0], mat.strides_[1]), matrixOf(vec, 0, vec.strides_[0], 0));
}

export function mv(input: Tensor, vec: Tensor): Tensor {
  requireTensor(input, 'mv', 'input', 1);
  requireTensor(vec, 'mv', 'vec', 2);
  // PyTorch allocates the result from input.size(0) before any check.
  sizeAt(input, 0);
  const out = matrixVectorProduct(null, input, vec);
  record({
    name: 'MvBackward0',
    inputs: [input, vec],
    outputs: [out],
    save: crossSaved(),
    backward: ([g], [mat, v], needs) => [
      needs[0] ? outer(g as Tensor, v) : null,
      needs[1] ? mat.t().mv(g as Tensor) : null,
    ],
  });
  return out;
}

export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options: ScaleOptions = {}): Tensor {
  requireTensor(input, 'addmv', 'input', 1);
  requireTensor(mat, 'addmv', 'mat', 2);
  requireTensor(vec, 'addmv', 'vec', 3);
  return addmvImpl(input, mat, vec, options, false);
}

function addmvImpl(input: Tensor, mat: Tensor, vec: Tensor, options: ScaleOptions, inplace: boolean): Tensor {
  const { beta, alpha } = scalesOf(options, 'addmv');
  const product = matrixVectorProduct(input, mat, vec);
  checkInplaceShape(inplace ? input : null, product.shape_);
  const self = expandedInput(input, product.shape_);
  // addmv's k = 0 shortcut multiplies by beta cast to the input's dtype.
  const scaleInput = (): Tensor => scaleAndAdd(self, product, castScalar(Number(beta.raw), product.dtype), 0, false);
  const out = addScaled(self, product, mat.shape_[1], beta, alpha, scaleInput);
  record({
    name: 'AddmvBackward0',
    inputs: [input, mat, vec],
    outputs: [out],
    save: crossSaved(1),
    backward: ([g], [m, v], needs) => [
      needs[0] ? maybeMultiply(g as Tensor, beta) : null,
      needs[1] ? maybeMultiply(outer(g as Tensor, v), alpha) : null,
      needs[2] ? maybeMultiply(m.t().mv(g as Tensor), alpha) : null,
    ],
  });
  return out;
}

// ---- mm, addmm, bmm, baddbmm ----

/** Whether a matrix is laid out column-major (a transposed contiguous matrix, as `weight.t()` in linear). */
function isColumnMajor(t: Tensor): boolean {
  return t.strides_[0] === 1 && t.strides_[1] === t.shape_[0];
}

/**
 * PyTorch's mm_mat1_backward: grad @ mat2ᵀ, computed as (mat2 @ gradᵀ)ᵀ when mat1 was column-major, so
 * that the gradient has mat1's layout and accumulating it into a leaf needs no transposing copy. The
 * sums are the same, in the same order.
 */
function mat1Grad(grad: Tensor, mat2: Tensor, columnMajor: boolean): Tensor {
  return columnMajor ? mat2.mm(grad.t()).t() : grad.mm(mat2.t());
}

/** PyTorch's mm_mat2_backward: mat1ᵀ @ grad, as (gradᵀ @ mat1)ᵀ when mat2 was column-major (see mat1Grad). */
function mat2Grad(grad: Tensor, mat1: Tensor, columnMajor: boolean): Tensor {
  return columnMajor ? grad.t().mm(mat1).t() : mat1.t().mm(grad);
}

export function mm(input: Tensor, mat2: Tensor): Tensor {
  requireTensor(input, 'mm', 'input', 1);
  requireTensor(mat2, 'mm', 'mat2', 2);
  if (input.dim() !== 2) throw new Error('self must be a matrix');
  if (mat2.dim() !== 2) throw new Error('mat2 must be a matrix');
  checkMultipliable(input, mat2);
  if (input.dtype !== mat2.dtype) {
    throw new Error(`expected m1 and m2 to have the same dtype, but got: ${input.dtype.cppName} != ${mat2.dtype.cppName}`);
  }
  const out = matrixProduct(input, mat2);
  const layouts = [isColumnMajor(input), isColumnMajor(mat2)];
  record({
    name: 'MmBackward0',
    inputs: [input, mat2],
    outputs: [out],
    save: crossSaved(),
    backward: ([g], [a, b], needs) => [
      needs[0] ? mat1Grad(g as Tensor, b, layouts[0]) : null,
      needs[1] ? mat2Grad(g as Tensor, a, layouts[1]) : null,
    ],
  });
  return out;
}

export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: ScaleOptions = {}): Tensor {
  requireTensor(input, 'addmm', 'input', 1);
  requireTensor(mat1, 'addmm', 'mat1', 2);
  requireTensor(mat2, 'addmm', 'mat2', 3);
  return addmmImpl(input, mat1, mat2, options, false);
}

function addmmImpl(input: Tensor, mat1: Tensor, mat2: Tensor, options: ScaleOptions, inplace: boolean): Tensor {
  const { beta, alpha } = scalesOf(options, 'addmm');
  if (input.dtype !== mat2.dtype) {
    throw new Error(`self and mat2 must have the same dtype, but got ${legacyScalarName(input.dtype)} and ${legacyScalarName(mat2.dtype)}`);
  }
  if (mat1.dtype !== mat2.dtype) {
    throw new Error(`mat1 and mat2 must have the same dtype, but got ${legacyScalarName(mat1.dtype)} and ${legacyScalarName(mat2.dtype)}`);
  }
  if (mat1.dim() !== 2) throw new Error(`mat1 must be a matrix, got ${mat1.dim()}-D tensor`);
  if (mat2.dim() !== 2) throw new Error(`mat2 must be a matrix, got ${mat2.dim()}-D tensor`);
  checkMultipliable(mat1, mat2);
  const shape = [mat1.shape_[0], mat2.shape_[1]];
  checkInplaceShape(inplace ? input : null, shape);
  const self = expandedInput(input, shape);
  const out = productAddedTo(self, mat1, mat2, beta, alpha) ??
    addScaled(self, matrixProduct(mat1, mat2), mat1.shape_[1], beta, alpha, inputTimesBetaInPlace(self, beta));
  const layouts = [isColumnMajor(mat1), isColumnMajor(mat2)];
  record({
    name: 'AddmmBackward0',
    inputs: [input, mat1, mat2],
    outputs: [out],
    save: crossSaved(1),
    backward: ([g], [a, b], needs) => [
      needs[0] ? maybeMultiply(g as Tensor, beta) : null,
      needs[1] ? maybeMultiply(mat1Grad(g as Tensor, b, layouts[0]), alpha) : null,
      needs[2] ? maybeMultiply(mat2Grad(g as Tensor, a, layouts[1]), alpha) : null,
    ],
  });
  return out;
}

export function bmm(input: Tensor, mat2: Tensor): Tensor {
  requireTensor(input, 'bmm', 'input', 1);
  requireTensor(mat2, 'bmm', 'mat2', 2);
  const out = batchProduct(input, mat2, 'bmm');
  record({
    name: 'BmmBackward0',
    inputs: [input, mat2],
    outputs: [out],
    save: crossSaved(),
    backward: ([g], [a, b], needs) => [
      needs[0] ? (g as Tensor).bmm(b.transpose(1, 2)) : null,
      needs[1] ? a.transpose(1, 2).bmm(g as Tensor) : null,
    ],
  });
  return out;
}

export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: ScaleOptions = {}): Tensor {
  requireTensor(input, 'baddbmm', 'input', 1);
  requireTensor(batch1, 'baddbmm', 'batch1', 2);
  requireTensor(batch2, 'baddbmm', 'batch2', 3);
  return baddbmmImpl(input, batch1, batch2, options, false);
}

function baddbmmImpl(input: Tensor, batch1: Tensor, batch2: Tensor, options: ScaleOptions, inplace: boolean): Tensor {
  const { beta, alpha } = scalesOf(options, 'baddbmm');
  // PyTorch expands the input before any other check, reading the sizes with C++'s size().
  const self = expandedInput(input, [sizeAt(batch1, 0), sizeAt(batch1, 1), sizeAt(batch2, 2)]);
  if (input.dtype !== batch1.dtype) {
    throw new Error(
      `Input dtypes must be the same, got: input ${input.dtype.cppName}, batch1: ${batch1.dtype.cppName}, batch2: ${batch2.dtype.cppName}`,
    );
  }
  const product = batchProduct(batch1, batch2, 'baddbmm', inplace ? input : null);
  const out = addScaled(self, product, batch1.shape_[2], beta, alpha, inputTimesBetaInPlace(self, beta));
  record({
    name: 'BaddbmmBackward0',
    inputs: [input, batch1, batch2],
    outputs: [out],
    save: crossSaved(1),
    backward: ([g], [a, b], needs) => [
      needs[0] ? maybeMultiply(g as Tensor, beta) : null,
      needs[1] ? maybeMultiply((g as Tensor).bmm(b.transpose(1, 2)), alpha) : null,
      needs[2] ? maybeMultiply(a.transpose(1, 2).bmm(g as Tensor), alpha) : null,
    ],
  });
  return out;
}

// ---- outer ----

/** `input.reshape(n, 1) * vec2`, as PyTorch composes it (so its grad_fn is MulBackward0). */
export function outer(input: Tensor, vec2: Tensor): Tensor {
  requireTensor(input, 'outer', 'input', 1);
  requireTensor(vec2, 'outer', 'vec2', 2);
  if (input.dim() !== 1) throw new Error(`outer: Expected 1-D argument self, but got ${input.dim()}-D`);
  if (vec2.dim() !== 1) throw new Error(`outer: Expected 1-D argument vec2, but got ${vec2.dim()}-D`);
  return input.reshape([input.shape_[0], 1]).mul(vec2);
}

// ---- methods ----

const proto = Tensor.prototype;
proto.mm = function (this: Tensor, mat2: Tensor) {
  requireTensor(mat2, 'mm', 'mat2', 1);
  return mm(this, mat2);
};
proto.bmm = function (this: Tensor, mat2: Tensor) {
  requireTensor(mat2, 'bmm', 'mat2', 1);
  return bmm(this, mat2);
};
proto.mv = function (this: Tensor, vec: Tensor) {
  requireTensor(vec, 'mv', 'vec', 1);
  return mv(this, vec);
};
proto.dot = function (this: Tensor, tensor: Tensor) {
  requireTensor(tensor, 'dot', 'tensor', 1);
  return dotImpl(this, tensor);
};
proto.vdot = function (this: Tensor, other: Tensor) {
  requireTensor(other, 'vdot', 'other', 1);
  return dotImpl(this, other, 'VdotBackward0');
};
proto.outer = function (this: Tensor, vec2: Tensor) {
  requireTensor(vec2, 'outer', 'vec2', 1);
  return outer(this, vec2);
};
proto.addmm = function (this: Tensor, mat1: Tensor, mat2: Tensor, options?: ScaleOptions) {
  return addmm(this, mat1, mat2, options);
};
proto.addmv = function (this: Tensor, mat: Tensor, vec: Tensor, options?: ScaleOptions) {
  return addmv(this, mat, vec, options);
};
proto.baddbmm = function (this: Tensor, batch1: Tensor, batch2: Tensor, options?: ScaleOptions) {
  return baddbmm(this, batch1, batch2, options);
};
proto.addmm_ = function (this: Tensor, mat1: Tensor, mat2: Tensor, options?: ScaleOptions) {
  requireTensor(mat1, 'addmm_', 'mat1', 1);
  requireTensor(mat2, 'addmm_', 'mat2', 2);
  return applyInplace(this, (current) => addmmImpl(current, mat1, mat2, options ?? {}, true));
};
proto.addmv_ = function (this: Tensor, mat: Tensor, vec: Tensor, options?: ScaleOptions) {
  requireTensor(mat, 'addmv_', 'mat', 1);
  requireTensor(vec, 'addmv_', 'vec', 2);
  return applyInplace(this, (current) => addmvImpl(current, mat, vec, options ?? {}, true));
};
proto.baddbmm_ = function (this: Tensor, batch1: Tensor, batch2: Tensor, options?: ScaleOptions) {
  requireTensor(batch1, 'baddbmm_', 'batch1', 1);
  requireTensor(batch2, 'baddbmm_', 'batch2', 2);
  return applyInplace(this, (current) => baddbmmImpl(current, batch1, batch2, options ?? {}, true));
};
