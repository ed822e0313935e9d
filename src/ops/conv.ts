// Convolutions: conv1d, conv2d, convTranspose1d, convTranspose2d (torch.nn.functional's conv*).
//
// Every form ends in one op, `convolution` (ATen's at::convolution), whose node is
// ConvolutionBackward0. It runs the im2col kernels of src/backends/js/conv.ts; one-dimensional
// convolutions run there as two-dimensional ones of height 1. Its backward is, as in PyTorch, one
// node (ConvolutionBackwardBackward0) computing the gradients asked for:
// - input gradient: the transposed convolution of the output gradient with the same weight (for a
//   transposed convolution: the plain convolution, narrowed to the input's size);
// - weight gradient: the weight-gradient kernel (input unfolded, times the output gradient);
// - bias gradient: the output gradient summed over the batch and spatial dims.
// That node's backward (_convolution_double_backward) is written with `convolution` itself, the
// weight gradient there as a convolution of the input (batch and channels swapped, split by group)
// with the output gradient as weight, stride and dilation swapped, so that every order of derivative
// works.
//
// The checks follow PyTorch 1.13's (the installed oracle) in their order: batchify, _convolution's
// parameter expansion and check_shape_forward, then those of the backend PyTorch's CPU build would run
// (oneDNN for float32 convolutions, the slow kernels for the rest), whose messages differ.
import { DType, bool, float32, int64, type TypedArray } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { numelOf, shapeStr } from '../tensor/layout.js';
import { allocate } from '../tensor/storage.js';
import { zerosLike } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { convolutionForward, convolutionTransposeForward, convolutionWeightGrad, type ConvGeometry, type ImageOperand } from '../backends/js/conv.js';
import type { Backend, FloatArray } from '../backends/backend.js';
import { activeBackend } from '../backends/registry.js';
import { checkTensor } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { pad } from './shape.js';
import { record } from '../autograd/record.js';
import { outputFloats } from './primitives.js';
import { noGrad } from '../autograd/grad-mode.js';

/** An int, or one int per spatial dim (a one-element list is repeated). */
export type IntOrList = number | readonly number[];

export interface ConvOptions {
  stride?: IntOrList;
  /** Zero padding per side, or 'valid' (none) or 'same' (the output keeps the input's size; stride 1 only). */
  padding?: IntOrList | 'same' | 'valid';
  dilation?: IntOrList;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: IntOrList;
  padding?: IntOrList;
  /** Extra size added to one side of the output (smaller than the stride or the dilation). */
  outputPadding?: IntOrList;
  groups?: number;
  dilation?: IntOrList;
}

/** at::convolution's parameters, one entry per spatial dim. */
export interface ConvParams {
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
}

// ---- argument parsing ----

/**
 * An int-list argument as PyTorch's argument parser reads it for a function with `spatial` dims: a
 * single int fills every dim; a list is kept as given (its length is checked later, with the
 * convolution's message).
 */
export function intList(value: IntOrList, spatial: number, fn: string, arg: string): number[] {
  const list = typeof value === 'number' ? new Array<number>(spatial).fill(value) : value;
  if (!Array.isArray(list)) throw new TypeError(`${fn}(): argument '${arg}' must be tuple of ints, not ${pyTypeName(value)}`);
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new TypeError(`${fn}(): argument '${arg}' must be tuple of ints, but found element of type ${pyTypeName(v)} at pos ${i + 1}`);
    }
  });
  return [...list];
}

function intArg(value: unknown, fn: string, arg: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${fn}(): argument '${arg}' must be int, not ${pyTypeName(value)}`);
  return value;
}

function optionalBias(bias: unknown, fn: string): Tensor | null {
  if (bias === null || bias === undefined) return null;
  checkTensor(bias, fn, 'bias', 3);
  return bias;
}

/** expand_param_if_needed: one value for every dim, or exactly one per dim. */
function expandParam(list: readonly number[], name: string, dims: number): number[] {
  if (list.length === 1) return new Array<number>(dims).fill(list[0]);
  if (list.length !== dims) {
    throw new Error(
      `expected ${name} to be a single integer value or a list of ${dims} values to match the convolution dimensions, but got ${name}=${shapeStr(list)}`,
    );
  }
  return [...list];
}

/** batchify: the input with a batch dim, and whether it had one. */
function batchify(input: Tensor, spatial: number, fn: string): [Tensor, boolean] {
  const unbatched = spatial + 1;
  const batched = input.dim() === unbatched + 1;
  if (input.dim() !== unbatched && !batched) {
    throw new Error(`Expected ${unbatched}D (unbatched) or ${unbatched + 1}D (batched) input to ${fn}, but got input of size: ${shapeStr(input.shape_)}`);
  }
  return [batched ? input : input.unsqueeze(0), batched];
}

// ---- checks ----

/** check_shape_forward (Convolution.cpp). */
function checkShapeForward(input: Tensor, weight: Tensor, bias: Tensor | null, p: ConvParams): void {
  if (p.padding.some((v) => v < 0)) throw new Error('negative padding is not supported');
  if (p.outputPadding.some((v) => v < 0)) throw new Error('negative output_padding is not supported');
  if (p.stride.some((v) => v <= 0)) throw new Error('non-positive stride is not supported');
  const w = weight.shape_;
  const k = input.dim();
  if (w.length !== k) {
    throw new Error(`Expected ${w.length}-dimensional input for ${w.length}-dimensional weight ${shapeStr(w)}, but got ${k}-dimensional input of size ${shapeStr(input.shape_)} instead`);
  }
  const g = p.groups;
  if (w[0] < g) throw new Error(`Given groups=${g}, expected weight to be at least ${g} at dimension 0, but got weight of size ${shapeStr(w)} instead`);
  if (w[0] % g !== 0) throw new Error(`Given groups=${g}, expected weight to be divisible by ${g} at dimension 0, but got weight of size [${shapeStr(w)}] instead`);
  const channels = input.shape_[1];
  const biasOk = (n: number): boolean => bias === null || (bias.dim() === 1 && bias.shape_[0] === n);
  if (p.transposed) {
    if (channels !== w[0]) {
      throw new Error(`Given transposed=1, weight of size ${shapeStr(w)}, expected input${shapeStr(input.shape_)} to have ${w[0]} channels, but got ${channels} channels instead`);
    }
    if (!biasOk(w[1] * g)) {
      throw new Error(`Given transposed=1, weight of size ${shapeStr(w)}, expected bias to be 1-dimensional with ${w[1] * g} elements, but got bias of size ${shapeStr((bias as Tensor).shape_)} instead`);
    }
    return;
  }
  if (channels !== w[1] * g) {
    throw new Error(`Given groups=${g}, weight of size ${shapeStr(w)}, expected input${shapeStr(input.shape_)} to have ${w[1] * g} channels, but got ${channels} channels instead`);
  }
  if (!biasOk(w[0])) {
    throw new Error(`Given weight of size ${shapeStr(w)}, expected bias to be 1-dimensional with ${w[0]} elements, but got bias of size ${shapeStr((bias as Tensor).shape_)} instead`);
  }
  const padded = input.shape_.slice(2).map((n, i) => n + 2 * p.padding[i]);
  const kernel = w.slice(2).map((n, i) => p.dilation[i] * (n - 1) + 1);
  if (padded.some((n, i) => n < kernel[i])) {
    throw new Error(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${kernel.join(' x ')}). Kernel size can't be greater than actual input size`);
  }
}

/** Parameters of a 1-d convolution as the 2-d kernels see them (ATen's view1d_as_2d). */
function as2d(p: ConvParams): ConvParams {
  if (p.stride.length === 2) return p;
  return {
    ...p,
    stride: [1, ...p.stride], padding: [0, ...p.padding], dilation: [1, ...p.dilation], outputPadding: [0, ...p.outputPadding],
  };
}

/** The checks of the CPU backend PyTorch picks: dtypes, then the kernel's own parameter checks. */
function checkBackend(input: Tensor, weight: Tensor, bias: Tensor | null, p: ConvParams): void {
  const dtype = input.dtype;
  const oneDnn = dtype === float32 && !p.transposed;
  for (const [t, name] of [[weight, 'weight'], [bias, 'bias']] as const) {
    if (t === null || t.dtype === dtype) continue;
    if (oneDnn) {
      throw new Error(`Input type (${dtype.legacyName}) and ${name} type (${t.dtype.legacyName}) should be the same or input should be a MKLDNN tensor and ${name} is a dense tensor`);
    }
    throw new Error(`expected scalar type ${legacyScalarName(dtype)} but found ${legacyScalarName(t.dtype)}`);
  }
  const q = as2d(p);
  const dilated = q.dilation.some((d) => d !== 1);
  if (p.transposed) {
    const [dh, dw] = q.dilation;
    if (dh <= 0 || dw <= 0) throw new Error(`dilation should be greater than zero, but got dilation_height: ${dh}, dilation_width: ${dw}`);
    const [oh, ow] = q.outputPadding;
    const [sh, sw] = q.stride;
    if (!((ow < sw || ow < dw) && (oh < sh || oh < dh))) {
      throw new Error(
        `output padding must be smaller than either stride or dilation, but got output_padding_height: ${oh} output_padding_width: ${ow} stride_height: ${sh} stride_width: ${sw} dilation_height: ${dh} dilation_width: ${dw}`,
      );
    }
  } else if (q.dilation.some((d) => d <= 0)) {
    throw new Error(oneDnn ? 'non-positive dilation is not supported' : `dilation should be greater than zero, but got ${shapeStr(q.dilation)}`);
  }
  if (!dtype.isFloatingPoint) {
    const kernel = p.transposed ? 'slow_conv_transpose2d_out_cpu' : dilated ? 'slow_conv_dilated<>' : 'slow_conv2d_cpu';
    const supported = dtype === int64 || (dtype !== bool && !p.transposed && !dilated);
    if (!supported) throw new Error(`"${kernel}" not implemented for '${legacyScalarName(dtype)}'`);
  }
}

/** The output's spatial sizes. */
function outputSizes(input: Tensor, weight: Tensor, p: ConvParams): number[] {
  return input.shape_.slice(2).map((n, i) => {
    const span = p.dilation[i] * (weight.shape_[i + 2] - 1);
    if (p.transposed) return (n - 1) * p.stride[i] - 2 * p.padding[i] + span + p.outputPadding[i] + 1;
    return Math.floor((n + 2 * p.padding[i] - span - 1) / p.stride[i]) + 1;
  });
}

/**
 * at::convolution with PyTorch's checks: `input` has its batch dim, the parameters are as the caller
 * passed them (a one-element list is repeated).
 */
export function convolution(
  input: Tensor, weight: Tensor, bias: Tensor | null,
  stride: readonly number[], padding: readonly number[], dilation: readonly number[],
  transposed: boolean, outputPadding: readonly number[], groups: number,
): Tensor {
  const dims = weight.dim() - 2;
  if (dims <= 0) throw new Error('weight should have at least three dimensions');
  if (groups <= 0) throw new Error('non-positive groups is not supported');
  const p: ConvParams = {
    stride: expandParam(stride, 'stride', dims),
    padding: expandParam(padding, 'padding', dims),
    dilation: expandParam(dilation, 'dilation', dims),
    transposed,
    outputPadding: expandParam(outputPadding, 'output_padding', dims),
    groups,
  };
  checkShapeForward(input, weight, bias, p);
  checkBackend(input, weight, bias, p);
  if (p.transposed) {
    const out = outputSizes(input, weight, p);
    if (out.some((n) => n < 1)) {
      const sizes = (xs: readonly number[]): string => (xs.length === 1 ? [1, ...xs] : xs).join(' x ');
      throw new Error(`Given input size per channel: (${sizes(input.shape_.slice(2))}). Calculated output size per channel: (${sizes(out)}). Output size is too small`);
    }
  }
  return convolutionOp(input, weight, bias, p);
}

// ---- the op ----

/**
 * The kernels accumulate floating-point results in float64 (see src/backends/js/conv.ts) and integer
 * ones in their own dtype.
 */
function accumulator(dtype: DType, length: number): TypedArray {
  return dtype.isFloatingPoint ? new Float64Array(length) : allocate(dtype, length);
}

/** A JS kernel's result: run into an accumulator, then rounded to `dtype`. */
function computeInAccumulator(shape: readonly number[], dtype: DType, kernel: (acc: TypedArray) => void): Tensor {
  const acc = accumulator(dtype, numelOf(shape));
  kernel(acc);
  return Tensor.fromData(dtype === float32 ? new Float32Array(acc as Float64Array) : acc, shape, dtype);
}

/**
 * The result of the active backend's convolution primitive, which writes a float `dtype` directly (no
 * float64 accumulator); null where the backend has no such primitive or declines. `output` allocates the
 * result, so a backend without the primitive costs no allocation (optional calls skip their arguments);
 * the primitives write every element, so it need not be zeroed.
 */
function viaBackend(shape: readonly number[], dtype: DType, attempt: (backend: Backend, output: () => FloatArray) => boolean | undefined): Tensor | null {
  if (!dtype.isFloatingPoint) return null;
  let out: Tensor | null = null;
  const output = (): FloatArray => {
    const data = outputFloats(dtype, numelOf(shape));
    out = Tensor.fromData(data, shape, dtype);
    return data;
  };
  return attempt(activeBackend(), output) === true ? out : null;
}

/** Two spatial sizes, a 1-d size as height 1. */
function hw(sizes: readonly number[]): [number, number] {
  return sizes.length === 1 ? [1, sizes[0]] : [sizes[0], sizes[1]];
}

/**
 * The kernels' geometry of a convolution from `input` (batch, channels, spatial sizes) to `outChannels`
 * x `outSpatial` (for a transposed one too: its own input and output).
 */
function geometryOf(input: Tensor, outChannels: number, outSpatial: readonly number[], kernel: readonly number[], p: ConvParams): ConvGeometry {
  const q = as2d(p);
  const [inH, inW] = hw(input.shape_.slice(2));
  const [outH, outW] = hw(outSpatial);
  const [kH, kW] = hw(kernel);
  return {
    batch: input.shape_[0], groups: p.groups, inChannels: input.shape_[1], inH, inW, outChannels, outH, outW, kH, kW,
    strideH: q.stride[0], strideW: q.stride[1], padH: q.padding[0], padW: q.padding[1], dilationH: q.dilation[0], dilationW: q.dilation[1],
  };
}

/** `t` (N, C, L) or (N, C, H, W) read through its strides as (N, C, H, W). */
function imageOf(t: Tensor): ImageOperand {
  const s = t.strides_;
  return { data: t.storage_.readData(), offset: t.offset_, strides: s.length === 3 ? [s[0], s[1], 0, s[2]] : [s[0], s[1], s[2], s[3]] };
}

/** The convolution of checked operands, recorded as ConvolutionBackward0. */
export function convolutionOp(input: Tensor, weight: Tensor, bias: Tensor | null, p: ConvParams): Tensor {
  const outSpatial = outputSizes(input, weight, p);
  const outChannels = p.transposed ? weight.shape_[1] * p.groups : weight.shape_[0];
  const shape = [input.shape_[0], outChannels, ...outSpatial];
  const dtype = input.dtype;
  const biasData = bias === null ? null : bias.contiguousElements();
  const g = geometryOf(input, outChannels, outSpatial, weight.shape_.slice(2), p);
  const out = viaBackend(shape, dtype, (backend, output) => {
    // Operands share the input's float dtype (checked with the arguments).
    const w = weight.contiguousElements() as FloatArray;
    const b = biasData as FloatArray | null;
    if (p.transposed) return backend.convolutionTransposeForward?.(g, input.contiguousElements() as FloatArray, w, b, output());
    return backend.convolutionForward?.(g, imageOf(input), w, b, output());
  }) ?? computeInAccumulator(shape, dtype, (acc) => {
    if (p.transposed) convolutionTransposeForward(g, input.contiguousElements(), weight.contiguousElements(), biasData, acc);
    else convolutionForward(g, imageOf(input), weight.contiguousElements(), biasData, acc);
  });
  record({
    name: 'ConvolutionBackward0',
    inputs: [input, weight, bias],
    outputs: [out],
    save: [input, weight],
    backward: ([g], [x, w], needs) => convolutionBackward(g as Tensor, x, w, p, needs),
  });
  return out;
}

/**
 * The weight gradient by its kernel, without a graph (the first-order gradient; `weightGrad` is the
 * differentiable form used by double backward). `input` and `gradOutput` as in weightGrad.
 */
function weightGradKernel(input: Tensor, gradOutput: Tensor, weightShape: readonly number[], p: ConvParams): Tensor {
  const g = geometryOf(input, gradOutput.shape_[1], gradOutput.shape_.slice(2), weightShape.slice(2), p);
  return (
    viaBackend(weightShape, input.dtype, (backend, output) => backend.convolutionWeightGrad?.(g, imageOf(input), gradOutput.contiguousElements() as FloatArray, output())) ??
    computeInAccumulator(weightShape, input.dtype, (acc) => convolutionWeightGrad(g, imageOf(input), gradOutput.contiguousElements(), acc))
  );
}

/** A result computed under noGrad that is about to get a grad_fn: not a view of a temporary. */
function owned(t: Tensor): Tensor {
  return t.isView() ? t.clone() : t;
}

/**
 * convolution_backward: the gradients of input, weight and bias that `needs` asks for. As in PyTorch
 * they are the outputs of one node (ConvolutionBackwardBackward0) of the output gradient, input and
 * weight, so that each requires grad when any of those does.
 */
function convolutionBackward(gO: Tensor, x: Tensor, w: Tensor, p: ConvParams, needs: readonly boolean[]): (Tensor | null)[] {
  const grads = noGrad(() => [
    needs[0] ? owned(inputGrad(gO, x, w, p)) : null,
    needs[1] ? (p.transposed ? weightGradKernel(gO, x, w.shape_, p) : weightGradKernel(x, gO, w.shape_, p)) : null,
    needs[2] ? gO.sum([0, ...gO.shape_.slice(2).map((_, i) => i + 2)]) : null,
  ]);
  record({
    name: 'ConvolutionBackwardBackward0',
    inputs: [gO, x, w],
    outputs: grads.filter((t): t is Tensor => t !== null),
    save: [gO, x, w],
    backward: (gg, [go, xs, ws], needs2) => {
      let k = 0;
      const [ggI, ggW, ggB] = grads.map((t) => (t === null ? null : gg[k++]));
      return convolutionDoubleBackward(ggI, ggW, ggB, go, xs, ws, p, needs2);
    },
  });
  return grads;
}

/**
 * The gradients of convolution_backward's inputs (output gradient, input, weight) from those of its
 * outputs (_convolution_double_backward): the output gradient's is the forward convolution applied
 * to each; the input's comes from the weight's, the weight's from the input's. Asked-for gradients
 * with no contribution are zeros, as in PyTorch.
 */
function convolutionDoubleBackward(
  ggI: Tensor | null, ggW: Tensor | null, ggB: Tensor | null, gO: Tensor, x: Tensor, w: Tensor, p: ConvParams, needs: readonly boolean[],
): (Tensor | null)[] {
  let ggO: Tensor | null = null;
  if (needs[0]) {
    const terms: Tensor[] = [];
    if (ggI !== null) terms.push(convolutionOp(ggI, w, null, p));
    if (ggW !== null) terms.push(convolutionOp(x, ggW, null, p));
    if (ggB !== null) terms.push(ggB.reshape([1, -1, ...gO.shape_.slice(2).map(() => 1)]).expand(gO.shape_));
    ggO = terms.length === 0 ? zerosLike(gO) : terms.reduce((a, b) => a.add(b));
  }
  let gX: Tensor | null = null;
  if (needs[1]) gX = ggW === null ? zerosLike(x) : inputGrad(gO, x, ggW, p);
  let gW: Tensor | null = null;
  if (needs[2]) gW = ggI === null ? zerosLike(w) : p.transposed ? weightGrad(gO, ggI, w.shape_, p) : weightGrad(ggI, gO, w.shape_, p);
  return [ggO, gX, gW];
}

/** `t` narrowed to at most `sizes` in its spatial dims. */
function narrowSpatial(t: Tensor, sizes: readonly number[]): Tensor {
  return sizes.reduce((acc, n, i) => (acc.shape_[i + 2] > n ? acc.narrow(i + 2, 0, n) : acc), t);
}

function inputGrad(gO: Tensor, x: Tensor, w: Tensor, p: ConvParams): Tensor {
  const spatial = x.shape_.slice(2);
  const zeros = spatial.map(() => 0);
  if (p.transposed) return narrowSpatial(convolutionOp(gO, w, null, { ...p, transposed: false, outputPadding: zeros }), spatial);
  // The output padding that gives back the input's size (rows the forward's stride skipped at the end).
  const outputPadding = spatial.map((n, i) => n + 2 * p.padding[i] - p.dilation[i] * (w.shape_[i + 2] - 1) - 1 - (gO.shape_[i + 2] - 1) * p.stride[i]);
  return convolutionOp(gO, w, null, { ...p, transposed: true, outputPadding });
}

/**
 * The gradient of a convolution's weight (outC, inC/groups, k...) from its input and output gradient
 * (for a transposed convolution: from its output gradient as input and its input as output gradient).
 */
function weightGrad(input: Tensor, gradOutput: Tensor, weightShape: readonly number[], p: ConvParams): Tensor {
  const [n, c, ...spatial] = input.shape_;
  const g = p.groups;
  const dims = spatial.map((_, i) => i + 3);
  // Batch = input channels of a group, channels = (group, image): group k of the convolution below
  // sees exactly the images' channels of group k.
  const lhs = g === 1 ? input.transpose(0, 1) : input.reshape([n, g, c / g, ...spatial]).permute([2, 1, 0, ...dims]).reshape([c / g, g * n, ...spatial]);
  const zeros = spatial.map(() => 0);
  const swapped: ConvParams = { stride: p.dilation, padding: p.padding, dilation: p.stride, transposed: false, outputPadding: zeros, groups: g };
  const out = convolutionOp(lhs, gradOutput.transpose(0, 1), null, swapped);
  return narrowSpatial(out, weightShape.slice(2)).transpose(0, 1);
}

// ---- the functional forms ----

/** The conv1d / conv2d call shared by both: PyTorch's conv{1,2}d and their padding-string overloads. */
function convNd(fn: 'conv1d' | 'conv2d', spatial: number, input: Tensor, weight: Tensor, biasArg: Tensor | null | undefined, optionsArg: ConvOptions | null): Tensor {
  const options = optionsArg ?? {};
  checkTensor(input, fn, 'input', 1);
  checkTensor(weight, fn, 'weight', 2);
  const bias = optionalBias(biasArg, fn);
  // 1.13 checks the bias dtype up front in conv2d only (conv1d leaves it to the backend).
  if (fn === 'conv2d' && bias !== null && bias.dtype !== input.dtype) {
    throw new Error(`Input type (${input.dtype.cppName}) and bias type (${bias.dtype.cppName}) should be the same`);
  }
  const stride = intList(options.stride ?? 1, spatial, fn, 'stride');
  const dilation = intList(options.dilation ?? 1, spatial, fn, 'dilation');
  const groups = intArg(options.groups ?? 1, fn, 'groups');
  const [x, batched] = batchify(input, spatial, fn);
  const padding = options.padding ?? 0;
  let out: Tensor;
  if (padding === 'same') out = convolutionSame(x, weight, bias, stride, dilation, groups);
  else if (padding === 'valid') out = convolution(x, weight, bias, stride, [0], dilation, false, [0], groups);
  else if (typeof padding === 'string') throw new Error(`Invalid padding string: '${String(padding)}'`);
  else out = convolution(x, weight, bias, stride, intList(padding, spatial, fn, 'padding'), dilation, false, [0], groups);
  return batched ? out : out.squeeze(0);
}

/**
 * padding='same': the total padding d*(k-1) per dim, split evenly; an odd total puts the extra row
 * or column after the input (an explicit zero pad, with PyTorch's warning).
 */
function convolutionSame(input: Tensor, weight: Tensor, bias: Tensor | null, stride: number[], dilation: number[], groups: number): Tensor {
  const k = weight.dim();
  if (k <= 2) throw new Error('weight should have at least three dimensions');
  if (groups <= 0) throw new Error('non-positive groups is not supported');
  const dims = k - 2;
  if (input.dim() !== k) {
    throw new Error(`Expected ${k}-dimensional input for ${k}-dimensional weight${shapeStr(weight.shape_)}, but got ${input.dim()}-dimensional input of size ${shapeStr(input.shape_)} instead`);
  }
  if (stride.length !== dims && stride.length !== 1) throw new Error(`stride cannot broadcast to ${dims} dimensions`);
  if (dilation.length !== dims && dilation.length !== 1) throw new Error(`dilation cannot broadcast to ${dims} dimensions`);
  if (stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
  const total = weight.shape_.slice(2).map((n, i) => (dilation.length === 1 ? dilation[0] : dilation[i]) * (n - 1));
  const left = total.map((t) => Math.floor(t / 2));
  const zeros = total.map(() => 0);
  if (total.every((t) => t % 2 === 0)) return convolution(input, weight, bias, stride, left, dilation, false, zeros, groups);
  warn('Using padding=\'same\' with even kernel lengths and odd dilation may require a zero-padded copy of the input be created');
  // The odd row or column goes after the input; F.pad lists the last dim first.
  const extra = new Array<number>(2 * dims).fill(0);
  total.forEach((t, i) => (extra[2 * (dims - 1 - i) + 1] = t % 2));
  const padded = pad(input, extra);
  return convolution(padded, weight, bias, stride, left, dilation, false, zeros, groups);
}

function convTransposeNd(fn: 'conv_transpose1d' | 'conv_transpose2d', spatial: number, input: Tensor, weight: Tensor, biasArg: Tensor | null | undefined, optionsArg: ConvTransposeOptions | null): Tensor {
  const options = optionsArg ?? {};
  checkTensor(input, fn, 'input', 1);
  checkTensor(weight, fn, 'weight', 2);
  const bias = optionalBias(biasArg, fn);
  const stride = intList(options.stride ?? 1, spatial, fn, 'stride');
  const padding = intList(options.padding ?? 0, spatial, fn, 'padding');
  const outputPadding = intList(options.outputPadding ?? 0, spatial, fn, 'output_padding');
  const dilation = intList(options.dilation ?? 1, spatial, fn, 'dilation');
  const groups = intArg(options.groups ?? 1, fn, 'groups');
  const [x, batched] = batchify(input, spatial, fn);
  const out = convolution(x, weight, bias, stride, padding, dilation, true, outputPadding, groups);
  return batched ? out : out.squeeze(0);
}

/** F.conv1d: input (N, C, L) or (C, L), weight (outC, C/groups, k). */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions | null = {}): Tensor {
  return convNd('conv1d', 1, input, weight, bias, options);
}

/** F.conv2d: input (N, C, H, W) or (C, H, W), weight (outC, C/groups, kH, kW). */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions | null = {}): Tensor {
  return convNd('conv2d', 2, input, weight, bias, options);
}

/** F.conv_transpose1d: input (N, C, L) or (C, L), weight (C, outC/groups, k). */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions | null = {}): Tensor {
  return convTransposeNd('conv_transpose1d', 1, input, weight, bias, options);
}

/** F.conv_transpose2d: input (N, C, H, W) or (C, H, W), weight (C, outC/groups, kH, kW). */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions | null = {}): Tensor {
  return convTransposeNd('conv_transpose2d', 2, input, weight, bias, options);
}
