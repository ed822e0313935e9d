// Pooling: maxPool1d/2d, avgPool1d/2d, adaptiveAvgPool2d, adaptiveMaxPool2d (torch.nn.functional's).
//
// The two-dimensional poolings are ops of their own (MaxPool2DWithIndicesBackward0, AvgPool2DBackward0,
// AdaptiveAvgPool2DBackward0, AdaptiveMaxPool2DBackward0); the one-dimensional ones are PyTorch's
// composites (unsqueeze, the 2-d op, squeeze), and an adaptive average to 1x1 is a mean, as in ATen.
// Backward formulas are ops too, so that second derivatives work: the average poolings' backward is
// their adjoint (whose own backward is the pooling again), the max poolings' backward adds each
// gradient at its recorded index (whose backward gathers at the indices).
//
// Checks follow PyTorch 1.13 (the installed oracle) in their order, except pooling_output_shape's
// padding limit, which is 2.x's (the effective, dilated kernel size and its message).
import { DType, int64, type NumberArray, type TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkSizes, numelOf, shapeStr } from '../tensor/layout.js';
import { emptyTensor, zerosLike } from '../tensor/factory.js';
import {
  adaptiveAvgPool2d as adaptiveAvgKernel, adaptiveAvgPool2dBackward, adaptiveMaxPool2d as adaptiveMaxKernel, avgPool2d as avgKernel,
  avgPool2dBackward, maxPool2d as maxKernel, maxPoolBackward, type PlaneOperand, type PlaneSizes, type PoolGeometry,
} from '../backends/js/pooling.js';
import { isFloatArray } from '../backends/backend.js';
import { activeBackend } from '../backends/registry.js';
import { checkTensor } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { intList, type IntOrList } from './conv.js';
import { record } from '../autograd/record.js';
import { outputFloats } from './primitives.js';

export interface MaxPoolOptions {
  /** Defaults to the kernel size. */
  stride?: IntOrList | null;
  padding?: IntOrList;
  dilation?: IntOrList;
  ceilMode?: boolean;
  /** Also return the flat index (h * W + w) of each maximum in its plane. */
  returnIndices?: boolean;
}

export interface AvgPool1dOptions {
  /** Defaults to the kernel size. */
  stride?: IntOrList | null;
  padding?: IntOrList;
  ceilMode?: boolean;
  /** Whether the zero padding counts in the divisor (default true). */
  countIncludePad?: boolean;
}

export interface AvgPool2dOptions extends AvgPool1dOptions {
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/** An output size: one int for both dims, or one per dim where null keeps the input's size. */
export type AdaptiveSize = number | readonly (number | null)[];

type WithIndices = { returnIndices: true };

// ---- shared shape logic ----

/** pooling_output_shape (Pool.h): the output size of one dim, with its parameter checks. */
function poolingOutputShape(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  if (stride === 0) throw new Error('stride should not be zero');
  if (pad < 0) throw new Error(`pad must be non-negative, but got pad: ${pad}`);
  if (pad > Math.trunc(((kernel - 1) * dilation + 1) / 2)) {
    throw new Error(`pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernel} and dilation=${dilation}`);
  }
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  // The last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** pool2d_shape_check (Pool.h) of a (C, H, W) or (N, C, H, W) input. */
function pool2dShapeCheck(input: Tensor, g: PoolGeometry): void {
  if (!(g.kW > 0 && g.kH > 0)) throw new Error(`kernel size should be greater than zero, but got kH: ${g.kH} kW: ${g.kW}`);
  if (!(g.strideW > 0 && g.strideH > 0)) throw new Error(`stride should be greater than zero, but got dH: ${g.strideH} dW: ${g.strideW}`);
  if (!(g.dilationH > 0 && g.dilationW > 0)) {
    throw new Error(`dilation should be greater than zero, but got dilationH: ${g.dilationH} dilationW: ${g.dilationW}`);
  }
  const s = input.shape_;
  const validDims = s[1] !== 0 && s[2] !== 0;
  if (!((s.length === 3 && s[0] !== 0 && validDims) || (s.length === 4 && validDims && s[3] !== 0))) {
    throw new Error(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${shapeStr(s)}`);
  }
  if (g.outW < 1 || g.outH < 1) {
    const planes = s[s.length - 3];
    throw new Error(`Given input size: (${planes}x${g.inH}x${g.inW}). Calculated output size: (${planes}x${g.outH}x${g.outW}). Output size is too small`);
  }
}

/** The (kH, kW) pair of a 1- or 2-element list, or null when it has another length. */
function pair(list: readonly number[]): [number, number] | null {
  if (list.length === 1) return [list[0], list[0]];
  return list.length === 2 ? [list[0], list[1]] : null;
}

/** The window geometry of a 2-d pooling of `input` (last two dims), with its checks. */
function poolGeometry(input: Tensor, k: [number, number], s: [number, number], p: [number, number], d: [number, number], ceilMode: boolean): PoolGeometry {
  const inH = input.size(-2);
  const inW = input.size(-1);
  const outH = poolingOutputShape(inH, k[0], p[0], s[0], d[0], ceilMode);
  const outW = poolingOutputShape(inW, k[1], p[1], s[1], d[1], ceilMode);
  const g: PoolGeometry = {
    planes: numelOf(input.shape_.slice(0, -2)), inH, inW, outH, outW, kH: k[0], kW: k[1],
    strideH: s[0], strideW: s[1], padH: p[0], padW: p[1], dilationH: d[0], dilationW: d[1],
  };
  pool2dShapeCheck(input, g);
  return g;
}

function rejectDtype(dtype: DType, kernel: string, supported: boolean): void {
  if (!supported) throw new Error(`"${kernel}" not implemented for '${legacyScalarName(dtype)}'`);
}

/** `t`'s elements plane by plane: the storage itself when contiguous, else a contiguous copy. */
function planesOf<A extends TypedArray = NumberArray>(t: Tensor): PlaneOperand<A> {
  if (t.isContiguous()) return { data: t.storage_.readData() as A, offset: t.offset_ };
  return { data: t.contiguousData() as A, offset: 0 };
}

function outShapeOf(input: Tensor, outH: number, outW: number): number[] {
  return [...input.shape_.slice(0, -2), outH, outW];
}

// ---- max pooling ----

/**
 * A max pooling's output and indices, recorded as `name`. Its backward adds the gradient at the
 * indices; that op's own backward gathers at them.
 */
function maxPoolOp(input: Tensor, outShape: number[], name: string, kernel: (x: PlaneOperand, out: NumberArray, indices: BigInt64Array) => void): [Tensor, Tensor] {
  // Every kernel writes each output element (a float: max pooling takes float inputs only); the
  // indices stay zeroed, as the JS kernels write their low words only.
  const out = Tensor.fromData(outputFloats(input.dtype, numelOf(outShape)), outShape, input.dtype);
  const indices = emptyTensor(outShape, int64);
  kernel(planesOf(input), out.storage_.data as NumberArray, indices.storage_.data as BigInt64Array);
  record({
    name,
    inputs: [input],
    outputs: [out, indices],
    save: [input, indices],
    backward: ([g], [x, idx]) => [maxPoolBackwardOp(g as Tensor, x, idx, name.replace(/Backward0$/, 'BackwardBackward0'))],
  });
  return [out, indices];
}

/**
 * Zeros for the input of a pooling's backward op: like PyTorch's, those ops take the pooled input as
 * an input (so their results require grad when it does), and their derivative for it is zero.
 */
function zeroInputGrad(input: Tensor, needs: readonly boolean[]): Tensor | null {
  return needs[1] ? zerosLike(input) : null;
}

function maxPoolBackwardOp(grad: Tensor, input: Tensor, indices: Tensor, name: string): Tensor {
  // The backend's kernel zeroes the result's planes itself, each where it then adds into it.
  const dst = outputFloats(grad.dtype, input.numel());
  const out = Tensor.fromData(dst, input.shape_, grad.dtype);
  const outPlane = indices.size(-2) * indices.size(-1);
  const planes = numelOf(input.shape_.slice(0, -2));
  const inPlane = input.size(-2) * input.size(-1);
  const g = planesOf(grad);
  const idx = planesOf<BigInt64Array>(indices);
  const offered = isFloatArray(g.data) && activeBackend().maxPoolBackward?.(planes, inPlane, outPlane, { data: g.data, offset: g.offset }, idx, dst) === true;
  if (!offered) {
    dst.fill(0);
    maxPoolBackward(planes, inPlane, outPlane, g, idx, dst);
  }
  record({
    name,
    inputs: [grad, input],
    outputs: [out],
    save: [input, indices],
    backward: ([gg], [x, idx], needs) => [(gg as Tensor).flatten(-2).gather(-1, idx.flatten(-2)).reshape(idx.shape), zeroInputGrad(x, needs)],
  });
  return out;
}

/** max_pool2d_with_indices with its checks; lists as PyTorch's argument parser passes them. */
function maxPool2dWithIndices(input: Tensor, kernel: number[], stride: number[], padding: number[], dilation: number[], ceilMode: boolean): [Tensor, Tensor] {
  const k = pair(kernel);
  if (k === null) throw new Error('max_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const s = stride.length === 0 ? k : pair(stride);
  if (s === null) throw new Error('max_pool2d: stride must either be omitted, a single int, or a tuple of two ints');
  const p = pair(padding);
  if (p === null) throw new Error('max_pool2d: padding must be either be a single int, or a tuple of two ints');
  const d = pair(dilation);
  if (d === null) throw new Error('max_pool2d: dilation must be either a single int, or a tuple of two ints');
  if (input.dim() !== 3 && input.dim() !== 4) throw new Error('non-empty 3D or 4D (batch mode) tensor expected for input');
  const g = poolGeometry(input, k, s, p, d, ceilMode);
  rejectDtype(input.dtype, 'max_pool2d', input.dtype.isFloatingPoint);
  return maxPoolOp(input, outShapeOf(input, g.outH, g.outW), 'MaxPool2DWithIndicesBackward0', (x, out, idx) => {
    const data = x.data;
    const offered = isFloatArray(data) && isFloatArray(out) && activeBackend().maxPool2d?.(g, { data, offset: x.offset }, out, idx) === true;
    if (!offered) maxKernel(g, x, out, idx);
  });
}

/** ATen's check1d: a 1-d pooling parameter must hold one int. */
function check1d(fn: string, arg: string, list: readonly number[]): void {
  if (list.length !== 1) throw new Error(`${fn}() argument '${arg}' should contain one int (got ${list.length})`);
}

/** ATen's checkDimRange for a 2-d or 3-d input. */
function checkDims2or3(input: Tensor, fn: string): void {
  if (input.dim() < 2 || input.dim() >= 4) {
    throw new Error(`Expected 2 to 3 dimensions, but got ${input.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for ${fn})`);
  }
}

/** max_pool1d_with_indices: the 2-d op over a height of one. */
function maxPool1dWithIndices(input: Tensor, kernel: number[], strideArg: number[], padding: number[], dilation: number[], ceilMode: boolean): [Tensor, Tensor] {
  const stride = strideArg.length === 0 ? kernel : strideArg;
  checkDims2or3(input, 'max_pool1d');
  check1d('max_pool1d', 'kernel_size', kernel);
  check1d('max_pool1d', 'stride', stride);
  check1d('max_pool1d', 'padding', padding);
  check1d('max_pool1d', 'dilation', dilation);
  const [out, indices] = maxPool2dWithIndices(input.unsqueeze(-2), [1, kernel[0]], [1, stride[0]], [0, padding[0]], [1, dilation[0]], ceilMode);
  return [out.squeeze(-2), indices.squeeze(-2)];
}

/**
 * max_pool1d without gradients (max_pool1d_impl): its own checks and output size, which may be 0
 * where the indexed form fails.
 */
function maxPool1dImpl(input: Tensor, kernel: number[], stride: number[], padding: number[], dilation: number[], ceilMode: boolean): Tensor {
  const fn = 'max_pool1d()';
  if (kernel.length !== 1) throw new Error(`${fn} kernel_size must be an int, list of ints or tuple of ints of size 1 but got size ${kernel.length}`);
  if (stride.length > 1) throw new Error(`${fn} stride must be None, an int, list of ints, or tuple of ints of size 1 but got size ${stride.length}`);
  if (padding.length !== 1) throw new Error(`${fn} padding must be an int, list of ints, or tuple of ints of size 1 but got size ${padding.length}`);
  if (dilation.length !== 1) throw new Error(`${fn} dilation must be an int, list of ints or tuple of ints of size 1 but got size ${dilation.length}`);
  const [k, s, p, d] = [kernel[0], stride.length === 0 ? kernel[0] : stride[0], padding[0], dilation[0]];
  if (k <= 0) throw new Error(`${fn} kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new Error(`${fn} stride must be greater than zero, but got ${s}`);
  if (p < 0) throw new Error(`${fn} padding must be non-negative, but got ${p}`);
  if (p > Math.trunc(k / 2)) throw new Error(`${fn} padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw new Error(`${fn} dilation must be greater than zero, but got ${d}`);
  const length = input.size(-1);
  const outW = poolingOutputShape(length, k, p, s, d, ceilMode);
  if (outW < 0) throw new Error(`${fn} Invalid computed output size: ${outW}`);
  rejectDtype(input.dtype, 'max_pool1d_impl', input.dtype.isFloatingPoint);
  const g: PoolGeometry = {
    planes: numelOf(input.shape_.slice(0, -1)), inH: 1, inW: length, outH: 1, outW, kH: 1, kW: k,
    strideH: 1, strideW: s, padH: 0, padW: p, dilationH: 1, dilationW: d,
  };
  const out = emptyTensor([...input.shape_.slice(0, -1), outW], input.dtype);
  maxKernel(g, planesOf(input), out.storage_.data as NumberArray, new BigInt64Array(out.numel()));
  return out;
}

/** F.max_pool2d: input (N, C, H, W) or (C, H, W). */
export function maxPool2d(input: Tensor, kernelSize: IntOrList, options: MaxPoolOptions & WithIndices): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrList, options?: MaxPoolOptions | null): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrList, optionsArg: MaxPoolOptions | null = {}): Tensor | [Tensor, Tensor] {
  const options = optionsArg ?? {};
  const fn = 'max_pool2d';
  checkTensor(input, fn, 'input', 1);
  const result = maxPool2dWithIndices(
    input, intList(kernelSize, 2, fn, 'kernel_size'), options.stride == null ? [] : intList(options.stride, 2, fn, 'stride'),
    intList(options.padding ?? 0, 2, fn, 'padding'), intList(options.dilation ?? 1, 2, fn, 'dilation'), options.ceilMode ?? false,
  );
  return options.returnIndices ? result : result[0];
}

/** F.max_pool1d: input (N, C, L) or (C, L). */
export function maxPool1d(input: Tensor, kernelSize: IntOrList, options: MaxPoolOptions & WithIndices): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrList, options?: MaxPoolOptions | null): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrList, optionsArg: MaxPoolOptions | null = {}): Tensor | [Tensor, Tensor] {
  const options = optionsArg ?? {};
  const fn = 'max_pool1d';
  checkTensor(input, fn, 'input', 1);
  const args = [
    intList(kernelSize, 1, fn, 'kernel_size'), options.stride == null ? [] : intList(options.stride, 1, fn, 'stride'),
    intList(options.padding ?? 0, 1, fn, 'padding'), intList(options.dilation ?? 1, 1, fn, 'dilation'),
  ] as const;
  const ceilMode = options.ceilMode ?? false;
  if (options.returnIndices) return maxPool1dWithIndices(input, ...args, ceilMode);
  const s = input.shape_;
  if (!((s.length === 2 && s[0] !== 0 && s[1] !== 0) || (s.length === 3 && s[1] !== 0 && s[2] !== 0))) {
    throw new Error(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${shapeStr(s)}`);
  }
  if (input.requiresGrad) return maxPool1dWithIndices(input, ...args, ceilMode)[0];
  return maxPool1dImpl(input, ...args, ceilMode);
}

// ---- average pooling ----

interface AvgParams {
  readonly g: PoolGeometry;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
}

function avgPoolOp(input: Tensor, a: AvgParams): Tensor {
  const out = emptyTensor(outShapeOf(input, a.g.outH, a.g.outW), input.dtype);
  avgKernel(a.g, a.countIncludePad, a.divisorOverride, planesOf<TypedArray>(input), out.storage_.data);
  record({ name: 'AvgPool2DBackward0', inputs: [input], outputs: [out], save: [input], backward: ([g], [x]) => [avgPoolBackwardOp(g as Tensor, x, a)] });
  return out;
}

function avgPoolBackwardOp(grad: Tensor, input: Tensor, a: AvgParams): Tensor {
  const out = emptyTensor(input.shape_, grad.dtype);
  avgPool2dBackward(a.g, a.countIncludePad, a.divisorOverride, planesOf(grad), out.storage_.data as NumberArray);
  record({
    name: 'AvgPool2DBackwardBackward0',
    inputs: [grad, input],
    outputs: [out],
    save: [input],
    backward: ([gg], [x], needs) => [avgPoolOp(gg as Tensor, a), zeroInputGrad(x, needs)],
  });
  return out;
}

/** avg_pool2d with its checks; lists as PyTorch's argument parser passes them. */
function avgPool2dChecked(input: Tensor, kernel: number[], stride: number[], padding: number[], ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null): Tensor {
  const k = pair(kernel);
  if (k === null) throw new Error('avg_pool2d: kernel_size must either be a single int, or a tuple of two ints');
  const s = stride.length === 0 ? k : pair(stride);
  if (s === null) throw new Error('avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints');
  const p = pair(padding);
  if (p === null) throw new Error('avg_pool2d: padding must either be a single int, or a tuple of two ints');
  if (divisorOverride === 0) throw new Error('divisor must be not zero');
  // PyTorch reads the plane count first: an input of fewer than three dims fails with size()'s IndexError.
  input.size(-3);
  const g = poolGeometry(input, k, s, p, [1, 1], ceilMode);
  rejectDtype(input.dtype, 'avg_pool2d', input.dtype.isFloatingPoint || input.dtype === int64);
  return avgPoolOp(input, { g, countIncludePad, divisorOverride });
}

/** F.avg_pool2d: input (N, C, H, W) or (C, H, W). */
export function avgPool2d(input: Tensor, kernelSize: IntOrList, optionsArg: AvgPool2dOptions | null = {}): Tensor {
  const options = optionsArg ?? {};
  const fn = 'avg_pool2d';
  checkTensor(input, fn, 'input', 1);
  const divisor = options.divisorOverride ?? null;
  if (divisor !== null && !Number.isInteger(divisor)) throw new TypeError(`${fn}(): argument 'divisor_override' must be int, not float`);
  return avgPool2dChecked(
    input, intList(kernelSize, 2, fn, 'kernel_size'), options.stride == null ? [] : intList(options.stride, 2, fn, 'stride'),
    intList(options.padding ?? 0, 2, fn, 'padding'), options.ceilMode ?? false, options.countIncludePad ?? true, divisor,
  );
}

/** F.avg_pool1d: input (N, C, L) or (C, L); the 2-d op over a height of one. */
export function avgPool1d(input: Tensor, kernelSize: IntOrList, optionsArg: AvgPool1dOptions | null = {}): Tensor {
  const options = optionsArg ?? {};
  const fn = 'avg_pool1d';
  checkTensor(input, fn, 'input', 1);
  const kernel = intList(kernelSize, 1, fn, 'kernel_size');
  const stride = options.stride == null ? kernel : intList(options.stride, 1, fn, 'stride');
  const padding = intList(options.padding ?? 0, 1, fn, 'padding');
  checkDims2or3(input, fn);
  check1d(fn, 'kernel_size', kernel);
  check1d(fn, 'stride', stride);
  check1d(fn, 'padding', padding);
  const out = avgPool2dChecked(input.unsqueeze(-2), [1, kernel[0]], [1, stride[0]], [0, padding[0]], options.ceilMode ?? false, options.countIncludePad ?? true, null);
  return out.squeeze(-2);
}

// ---- adaptive pooling ----

/** F._list_with_default: null entries take the input's trailing sizes. */
function listWithDefault(size: AdaptiveSize, input: Tensor, fn: string): number[] {
  if (!Array.isArray(size)) return intList(size as number, 2, fn, 'output_size');
  const dims = input.shape_;
  if (dims.length <= size.length) throw new Error(`Input dimension should be at least ${size.length + 1}`);
  return intList(size.map((v, i) => v ?? dims[dims.length - size.length + i]), 2, fn, 'output_size');
}

function adaptiveGeometry(input: Tensor, outH: number, outW: number): PlaneSizes {
  return { planes: numelOf(input.shape_.slice(0, -2)), inH: input.size(-2), inW: input.size(-1), outH, outW };
}

function adaptiveAvgOp(input: Tensor, outH: number, outW: number): Tensor {
  const g = adaptiveGeometry(input, outH, outW);
  const out = emptyTensor(outShapeOf(input, outH, outW), input.dtype);
  adaptiveAvgKernel(g, planesOf(input), out.storage_.data as NumberArray);
  record({ name: 'AdaptiveAvgPool2DBackward0', inputs: [input], outputs: [out], save: [input], backward: ([gr], [x]) => [adaptiveAvgBackwardOp(gr as Tensor, x, g)] });
  return out;
}

function adaptiveAvgBackwardOp(grad: Tensor, input: Tensor, g: PlaneSizes): Tensor {
  const out = emptyTensor(input.shape_, grad.dtype);
  adaptiveAvgPool2dBackward(g, planesOf(grad), out.storage_.data as NumberArray);
  record({
    name: 'AdaptiveAvgPool2DBackwardBackward0',
    inputs: [grad, input],
    outputs: [out],
    save: [input],
    backward: ([gg], [x], needs) => [adaptiveAvgOp(gg as Tensor, g.outH, g.outW), zeroInputGrad(x, needs)],
  });
  return out;
}

/** F.adaptive_avg_pool2d: input (N, C, H, W) or (C, H, W). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const fn = 'adaptive_avg_pool2d';
  checkTensor(input, fn, 'input', 1);
  const size = listWithDefault(outputSize, input, fn);
  if (size.length !== 2) throw new Error('adaptive_avg_pool2d: output_size must be 2');
  const [outH, outW] = size;
  if (outH < 0 || outW < 0) throw new Error(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${outH}, ${outW}}`);
  if (outH === 1 && outW === 1) return input.mean([-1, -2], { keepdim: true });
  const nd = input.dim();
  if (nd !== 3 && nd !== 4) throw new Error(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${shapeStr(input.shape_)}`);
  for (const d of [nd - 2, nd - 1]) {
    if (input.shape_[d] === 0) {
      throw new Error(`adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${shapeStr(input.shape_)} with dimension ${d} being empty`);
    }
  }
  rejectDtype(input.dtype, 'adaptive_avg_pool2d', input.dtype.isFloatingPoint);
  return adaptiveAvgOp(input, outH, outW);
}

/** F.adaptive_max_pool2d: input (N, C, H, W) or (C, H, W). */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options: WithIndices): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: boolean } | null): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, optionsArg: { returnIndices?: boolean } | null = {}): Tensor | [Tensor, Tensor] {
  const options = optionsArg ?? {};
  const fn = 'adaptive_max_pool2d';
  checkTensor(input, fn, 'input', 1);
  const size = listWithDefault(outputSize, input, fn);
  const nd = input.dim();
  if (nd !== 3 && nd !== 4) throw new Error(`adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${shapeStr(input.shape_)}`);
  for (let d = 1; d < nd; d++) {
    if (input.shape_[d] === 0) {
      throw new Error(`adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${shapeStr(input.shape_)} with dimension ${d} being empty`);
    }
  }
  if (size.length !== 2) throw new Error('adaptive_max_pool2d(): internal error: output_size.size() must be 2');
  const outShape = outShapeOf(input, size[0], size[1]);
  checkSizes(outShape);
  rejectDtype(input.dtype, 'adaptive_max_pool2d', input.dtype.isFloatingPoint);
  const g = adaptiveGeometry(input, size[0], size[1]);
  const result = maxPoolOp(input, outShape, 'AdaptiveMaxPool2DBackward0', (x, out, idx) => adaptiveMaxKernel(g, x, out, idx));
  return options.returnIndices ? result : result[0];
}
