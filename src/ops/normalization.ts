// batch_norm, layer_norm and group_norm: normalise by a mean and variance over some dims, then scale and
// shift per channel (or per normalised element). Statistics are computed in float64 (PyTorch accumulates
// in double too) and the node is PyTorch's (NativeBatchNormBackward0, ...), with a backward formula in
// differentiable ops that recomputes the statistics from the saved input, so double backward works.
import { Tensor } from '../tensor/tensor.js';
import { boolOption, floatArg, intArg, intListArg, optionalTensorArg, optionsArg } from '../tensor/args.js';
import { float32, float64 } from '../tensor/dtype.js';
import { numelOf, shapeStr, torchSizeStr } from '../tensor/layout.js';
import { zerosLike } from '../tensor/factory.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import type { MaybeTensor } from '../autograd/node.js';
import { checkTensor } from './elementwise.js';
import { blockMoments } from './statistics.js';
import { keptBlock } from './reduce.js';
import type { FloatArray, NormGroups } from '../backends/backend.js';
import { outputFloats } from './primitives.js';
import { activeBackend } from '../backends/registry.js';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones); otherwise use the running ones. */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

export interface AffineOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Where the statistics are taken: `toStats` reshapes a tensor of the input's shape so that the
 * statistics reduce `dims` (keeping them), `fromStats` reshapes back; `affine` views weight and bias
 * to broadcast against the input, and `affineDims` are the dims their gradients sum over.
 */
interface NormLayout {
  readonly toStats: (t: Tensor) => Tensor;
  readonly fromStats: (t: Tensor) => Tensor;
  readonly dims: number[];
  readonly affine: (t: Tensor) => Tensor;
  readonly affineDims: number[];
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** The layout of per-channel weights (dim 1) whose statistics `toStats` defines. */
function channelLayout(input: Tensor, toStats: (t: Tensor) => Tensor, dims: number[]): NormLayout {
  const shape = input.shape;
  const channelShape = shape.map((s, i) => (i === 1 ? s : 1));
  return {
    toStats,
    fromStats: (t) => (shapeStr(t.shape) === shapeStr(shape) ? t : t.reshape(shape)),
    dims,
    affine: (t) => t.view(channelShape),
    affineDims: [0, ...range(2, shape.length)],
  };
}

/** Sum over `dims`; no dims means nothing to sum (an empty dim list would mean all dims to `sum`). */
function sumOver(t: Tensor, dims: number[]): Tensor {
  return dims.length === 0 ? t : t.sum(dims);
}

/**
 * Mean and 1/sqrt(var + eps) over the layout's dims, in float64, keeping the reduced dims: every
 * layout reduces the dims around one block of kept dims (or all dims), which blockMoments reads in
 * place, each group's values summed in double in memory order.
 */
function statistics(x: Tensor, layout: NormLayout, eps: number): { mean: Tensor; rstd: Tensor; variance: Tensor } {
  const stats = layout.toStats(x);
  const xs = (stats.dtype.isFloatingPoint ? stats : stats.to(float64)).contiguous();
  const keptShape = xs.shape.map((s, d) => (layout.dims.includes(d) ? 1 : s));
  const block = layout.dims.length === xs.dim() ? { outer: 1, width: 1, inner: xs.numel() } : keptBlock(xs, layout.dims);
  if (block === null) throw new Error(`internal error: normalisation statistics over dims ${shapeStr(layout.dims)} that surround no block of kept dims`);
  const { outer, width, inner } = block;
  const moments = blockMoments(xs.contiguousElements() as FloatArray, 0, outer, width, inner);
  const count = outer * inner;
  const mean = Tensor.fromData(moments.mean, keptShape, float64);
  const variance = Tensor.fromData(moments.squares.map((s) => s / count), keptShape, float64);
  return { mean, rstd: variance.add(eps).rsqrt(), variance };
}

/** `(x - mean) * rstd * weight + bias` in the input's dtype. */
function normalize(x: Tensor, mean: Tensor, rstd: Tensor, layout: NormLayout, weight: Tensor | null, bias: Tensor | null): Tensor {
  const xs = layout.toStats(x);
  let y = layout.fromStats(xs.sub(mean.to(x.dtype)).mul(rstd.to(x.dtype)));
  if (weight) y = y.mul(layout.affine(weight));
  if (bias) y = y.add(layout.affine(bias));
  return y;
}

/**
 * batch_norm's `x alpha + beta`, alpha = rstd weight and beta = bias - mean alpha per channel, in the
 * input's dtype: PyTorch's CPU kernel, whose rounding this follows (it matters for inputs far from 0).
 */
function channelAffine(x: Tensor, mean: Tensor, rstd: Tensor, layout: NormLayout, weight: Tensor | null, bias: Tensor | null): Tensor {
  let alpha = rstd.to(x.dtype);
  if (weight) alpha = alpha.mul(layout.affine(weight));
  const shift = mean.to(x.dtype).mul(alpha);
  return x.mul(alpha).add(bias ? layout.affine(bias).sub(shift) : shift.neg());
}

/**
 * Input and weight gradients of the normalisation with statistics taken from x itself: with
 * xhat = (x - mean) rstd and gh = grad * weight, dx = rstd (gh - mean(gh) - xhat mean(gh xhat)) over the
 * statistics' dims.
 */
function batchStatisticsBackward(g: Tensor, x: Tensor, weight: Tensor | null, layout: NormLayout, eps: number, needs: readonly boolean[]): MaybeTensor[] {
  const { toStats, fromStats, dims } = layout;
  const xs = toStats(x);
  const centred = xs.sub(xs.mean(dims, { keepdim: true }));
  const rstd = centred.mul(centred).mean(dims, { keepdim: true }).add(eps).rsqrt();
  const xhat = centred.mul(rstd);
  let dx: Tensor | null = null;
  if (needs[0]) {
    const gh = toStats(weight ? g.mul(layout.affine(weight)) : g);
    const projection = gh.sub(gh.mean(dims, { keepdim: true })).sub(xhat.mul(gh.mul(xhat).mean(dims, { keepdim: true })));
    dx = fromStats(rstd.mul(projection));
  }
  return [dx, needs[1] && weight ? sumOver(g.mul(fromStats(xhat)), layout.affineDims).reshape(weight.shape) : null];
}

/**
 * `t` as the output of a node that also takes `others`, with zero derivative in them. PyTorch computes the
 * bias gradient in the same node as the input's, so it requires grad whenever the input or weight does.
 */
function joinedGradient(name: string, t: Tensor, others: readonly Tensor[]): Tensor {
  const out = noGrad(() => t.clone());
  record({
    name,
    inputs: [t, ...others],
    outputs: [out],
    backward: ([g], _saved, needs) => [g, ...others.map((o, i) => (needs[i + 1] ? zerosLike(o) : null))],
  });
  return out;
}

/** The bias gradient, `grad` summed over `dims` into `shape`, joined to the input's gradient node. */
function biasGradient(name: string, g: Tensor, dims: number[], shape: readonly number[], x: Tensor, w: Tensor | null): Tensor {
  return joinedGradient(name.replace(/Backward0$/, 'BackwardBackward0'), sumOver(g, dims).reshape(shape), w ? [x, w] : [x]);
}

/** Input and weight gradients computed at once by a backend, or null where it declines. */
type FusedNormBackward = (g: Tensor, x: Tensor, weight: Tensor | null, needs: readonly boolean[]) => [Tensor, Tensor | null] | null;

/**
 * Records the node of a normalisation with batch statistics. Group norm's double backward in PyTorch is
 * a composite of ops, whose bias gradient is plain `grad.sum()`; batch and layer norm's is one node
 * (`joinBias`). `fused`, where given, is tried before the composed ops.
 */
function recordNorm(name: string, input: Tensor, weight: Tensor | null, bias: Tensor | null, out: Tensor, layout: NormLayout, eps: number, joinBias: boolean, fused?: FusedNormBackward): void {
  record({
    name,
    inputs: [input, weight, bias],
    outputs: [out],
    save: weight ? [input, weight] : [input],
    backward: ([grad], [x, w], needs) => {
      const g = grad as Tensor;
      const [dx, dw] = fused?.(g, x, w ?? null, needs) ?? batchStatisticsBackward(g, x, w ?? null, layout, eps, needs);
      let db: Tensor | null = null;
      if (needs[2] && bias) db = joinBias ? biasGradient(name, g, layout.affineDims, bias.shape, x, w ?? null) : sumOver(g, layout.affineDims).reshape(bias.shape);
      return [dx, dw, db];
    },
  });
}

/** Weight, bias and eps, checked as `fn` takes them (weight at `weightPosition`, bias next). */
function affineOptions(o: AffineOptions, fn: string, weightPosition: number, epsPosition: number): { weight: Tensor | null; bias: Tensor | null; eps: number } {
  return {
    weight: optionalTensorArg(o.weight, fn, 'weight', weightPosition),
    bias: optionalTensorArg(o.bias, fn, 'bias', weightPosition + 1),
    eps: floatArg(o.eps ?? 1e-5, fn, 'eps', epsPosition),
  };
}

/** PyTorch's check_dims_match_num_input_features. */
function checkFeatures(name: string, t: Tensor | null, features: number): void {
  if (t && t.numel() !== features) throw new Error(`${name} should contain ${features} elements not ${t.numel()}`);
}

/**
 * F.batch_norm: statistics per channel (dim 1) over the batch and spatial dims. In training the running
 * statistics (when given) are updated in place: `running = (1 - momentum) running + momentum batch`,
 * with the unbiased batch variance.
 */
export function batchNorm(input: Tensor, runningMeanArg: Tensor | null, runningVarArg: Tensor | null, options: BatchNormOptions = {}): Tensor {
  checkTensor(input, 'batch_norm');
  const runningMean = optionalTensorArg(runningMeanArg, 'batch_norm', 'running_mean', 4);
  const runningVar = optionalTensorArg(runningVarArg, 'batch_norm', 'running_var', 5);
  const o = optionsArg(options, 'batch_norm');
  const { weight, bias, eps } = affineOptions(o, 'batch_norm', 2, 8);
  const training = boolOption(o.training, 'batch_norm', 'training', 6) ?? false;
  const momentum = floatArg(o.momentum ?? 0.1, 'batch_norm', 'momentum', 7);
  if (training) {
    const shape = input.shape;
    const perChannel = shape.reduce((acc, s, i) => (i === 1 ? acc : acc * s), 1);
    if (perChannel === 1) throw new Error(`Expected more than 1 value per channel when training, got input size ${torchSizeStr(shape)}`);
  }
  const channels = input.size(1);
  checkFeatures('running_mean', runningMean, channels);
  if (!runningMean && !training) throw new Error('running_mean must be defined in evaluation mode');
  checkFeatures('running_var', runningVar, channels);
  if (!runningVar && !training) throw new Error('running_var must be defined in evaluation mode');
  checkFeatures('weight', weight, channels);
  checkFeatures('bias', bias, channels);

  const layout = channelLayout(input, (t) => t, [0, ...range(2, input.dim())]);
  if (!training) return batchNormEval(input, runningMean as Tensor, runningVar as Tensor, weight, bias, layout, eps);
  const out = noGrad(() => {
    const { mean, rstd, variance } = statistics(input, layout, eps);
    const count = input.numel() / channels;
    if (runningMean) runningMean.copy_(runningMean.to(float64).mul(1 - momentum).add(mean.view([channels]).mul(momentum)));
    if (runningVar) {
      const unbiased = variance.view([channels]).mul(count / (count - 1));
      runningVar.copy_(runningVar.to(float64).mul(1 - momentum).add(unbiased.mul(momentum)));
    }
    return channelAffine(input, mean, rstd, layout, weight, bias);
  });
  // Each channel a group, its elements over the batch and positions.
  const positions = numelOf(input.shape_.slice(2));
  const channelGroups: NormGroups = { outer: input.shape_[0], width: channels, inner: positions, weightPeriod: channels, weightStride: 1, weightRun: Math.max(1, positions) };
  recordNorm('NativeBatchNormBackward0', input, weight, bias, out, layout, eps, true,
    (g, x, w, needs) => normBackwardByGroups(g, x, w, channelGroups, layout.affineDims, eps, needs));
  return out;
}

/** Normalisation by the running statistics: an affine map of the input, with constant coefficients. */
function batchNormEval(input: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor | null, bias: Tensor | null, layout: NormLayout, eps: number): Tensor {
  // Copies taken now: later training steps update the buffers in place.
  const { mean, rstd } = noGrad(() => ({
    mean: layout.affine(runningMean.to(float64)).clone(),
    rstd: layout.affine(runningVar.to(float64)).add(eps).rsqrt(),
  }));
  const out = noGrad(() => channelAffine(input, mean, rstd, layout, weight, bias));
  const scale = rstd.to(input.dtype);
  const shift = mean.to(input.dtype);
  record({
    name: 'NativeBatchNormBackward0',
    inputs: [input, weight, bias],
    outputs: [out],
    save: weight ? [input, weight] : [input],
    backward: ([grad], [x, w], needs) => {
      const g = grad as Tensor;
      return [
        // The input's gradient does not depend on the input, but comes from a node that takes it.
        needs[0] ? joinedGradient('NativeBatchNormBackwardBackward0', w ? g.mul(layout.affine(w).mul(scale)) : g.mul(scale), [x]) : null,
        needs[1] ? g.mul(x.sub(shift).mul(scale)).sum(layout.affineDims) : null,
        needs[2] && bias ? biasGradient('NativeBatchNormBackward0', g, layout.affineDims, bias.shape, x, w ?? null) : null,
      ];
    },
  });
  return out;
}

/** F.layer_norm: statistics over the last dims (those of `normalizedShape`), per element of the rest. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: AffineOptions = {}): Tensor {
  checkTensor(input, 'layer_norm');
  const normalized = intListArg(normalizedShape, 'layer_norm', 'normalized_shape', 2, true);
  const { weight, bias, eps } = affineOptions(optionsArg(options, 'layer_norm'), 'layer_norm', 3, 5);
  const given = shapeStr(normalized);
  if (normalized.length < 1) {
    throw new Error(`Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = ${given}`);
  }
  if (weight && shapeStr(weight.shape) !== given) {
    throw new Error(`Expected weight to be of same shape as normalized_shape, but got weight of shape ${shapeStr(weight.shape)} and normalized_shape = ${given}`);
  }
  if (bias && shapeStr(bias.shape) !== given) {
    throw new Error(`Expected bias to be of same shape as normalized_shape, but got bias of shape ${shapeStr(bias.shape)} and normalized_shape = ${given}`);
  }
  const nd = input.dim();
  const lead = nd - normalized.length;
  if (lead < 0 || shapeStr(input.shape.slice(lead)) !== given) {
    throw new Error(`Given normalized_shape=${given}, expected input with shape [*${normalized.map((s) => `, ${s}`).join('')}], but got input of size${shapeStr(input.shape)}`);
  }
  const layout: NormLayout = {
    toStats: (t) => t,
    fromStats: (t) => t,
    dims: range(lead, nd),
    affine: (t) => t,
    affineDims: range(0, lead),
  };
  const out = layerNormByRows(input, lead, eps, weight, bias) ?? noGrad(() => {
    const { mean, rstd } = statistics(input, layout, eps);
    return normalize(input, mean, rstd, layout, weight, bias);
  });
  // Each row a group; over all dims (no batch dim) the composed means take whole sums, in another order.
  const size = numelOf(input.shape_.slice(lead));
  const rows: NormGroups = { outer: 1, width: size === 0 ? 0 : input.numel() / size, inner: size, weightPeriod: 1, weightStride: 0, weightRun: 1 };
  recordNorm('NativeLayerNormBackward0', input, weight, bias, out, layout, eps, true,
    lead === 0 ? undefined : (g, x, w, needs) => normBackwardByGroups(g, x, w, rows, layout.affineDims, eps, needs));
  return out;
}

/**
 * layer_norm's values by the active backend's layerNormRows, which computes what statistics() and
 * normalize() compose, for float32 tensors. Null where the backend declines.
 */
function layerNormByRows(input: Tensor, lead: number, eps: number, weight: Tensor | null, bias: Tensor | null): Tensor | null {
  const floats = (t: Tensor | null): boolean => t === null || t.dtype_ === float32;
  if (!floats(input) || !floats(weight) || !floats(bias) || activeBackend().layerNormRows === undefined) return null;
  const n = input.numel();
  const size = numelOf(input.shape_.slice(lead));
  const out = outputFloats(float32, n) as Float32Array;
  const elements = (t: Tensor | null): Float32Array | null => (t === null ? null : (t.contiguousElements() as Float32Array));
  const done = activeBackend().layerNormRows?.(elements(input) as Float32Array, 0, size === 0 ? 0 : n / size, size, eps, elements(weight), elements(bias), out);
  return done === true ? Tensor.fromData(out, input.shape_, float32) : null;
}

/**
 * The input and weight gradients of a normalisation by batch statistics, by the active backend's
 * normBackward, which computes what batchStatisticsBackward composes, for float32 tensors: x seen as
 * `groups` says, the weight's gradient g * xhat summed over `weightDims`. Null where the backend
 * declines, or where a graph of the backward is being recorded (double backward differentiates the
 * composed ops).
 */
function normBackwardByGroups(g: Tensor, x: Tensor, weight: Tensor | null, groups: NormGroups, weightDims: number[], eps: number, needs: readonly boolean[]): [Tensor, Tensor | null] | null {
  const backend = activeBackend();
  if (backend.normBackward === undefined || isGradEnabled() || !needs[0]) return null;
  if (x.dtype_ !== float32 || g.dtype_ !== float32 || (weight !== null && weight.dtype_ !== float32)) return null;
  const n = x.numel();
  const dx = outputFloats(float32, n) as Float32Array;
  const gx = needs[1] && weight !== null ? (outputFloats(float32, n) as Float32Array) : null;
  const weights = weight === null ? null : (weight.contiguousElements() as Float32Array);
  if (!backend.normBackward(x.contiguousElements() as Float32Array, g.contiguousElements() as Float32Array, groups, eps, weights, dx, gx)) return null;
  // The weight's gradient as the composed ops sum g * xhat.
  const dw = gx === null || weight === null ? null : sumOver(Tensor.fromData(gx, x.shape_, float32), weightDims).reshape(weight.shape);
  return [Tensor.fromData(dx, x.shape_, float32), dw];
}

/** F.group_norm: statistics per sample over each group of `numGroups` consecutive channels (and all positions). */
export function groupNorm(input: Tensor, numGroups: number, options: AffineOptions = {}): Tensor {
  checkTensor(input, 'group_norm');
  intArg(numGroups, 'group_norm', 'num_groups', 2);
  const { weight, bias, eps } = affineOptions(optionsArg(options, 'group_norm'), 'group_norm', 3, 5);
  const shape = input.shape;
  if (shape.length < 2) throw new Error(`Expected at least 2 dimensions for input tensor but received ${shape.length}`);
  // ATen's check (PyTorch's Python code divides by num_groups first, and raises ZeroDivisionError for 0).
  if (numGroups <= 0) throw new Error(`Expected num groups to be greater than 0, got ${numGroups}`);
  const [n, channels] = shape;
  const perGroup = Math.floor((n * channels) / numGroups) * shape.slice(2).reduce((a, b) => a * b, 1);
  if (perGroup === 1) {
    const size = [Math.floor((n * channels) / numGroups), numGroups, ...shape.slice(2)];
    throw new Error(`Expected more than 1 value per channel when training, got input size [${size.join(', ')}]`);
  }
  if (channels % numGroups !== 0) {
    throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeStr(shape)} and num_groups=${numGroups}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.dim() !== 1 || t.numel() !== channels)) {
      throw new Error(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${shapeStr(t.shape)} and input of shape ${shapeStr(shape)}`);
    }
  }
  const layout = channelLayout(input, (t) => t.reshape([n, numGroups, -1]), [2]);
  const out = noGrad(() => {
    const { mean, rstd } = statistics(input, layout, eps);
    return normalize(input, mean, rstd, layout, weight, bias);
  });
  // Each (sample, group) a group of channels / numGroups channels' positions, the weight per channel.
  const perChannel = numelOf(shape.slice(2));
  const groups: NormGroups = {
    outer: 1, width: n * numGroups, inner: (channels / numGroups) * perChannel,
    weightPeriod: numGroups, weightStride: channels / numGroups, weightRun: Math.max(1, perChannel),
  };
  recordNorm('NativeGroupNormBackward0', input, weight, bias, out, layout, eps, false,
    (g, x, w, needs) => normBackwardByGroups(g, x, w, groups, layout.affineDims, eps, needs));
  return out;
}
