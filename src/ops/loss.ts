// Loss functions of torch.nn.functional. Ops with a node of their own in PyTorch (mse, smooth L1,
// Huber, binary cross entropy with and without logits, nll) compute their values with kernels and
// record that node, with a backward formula in differentiable ops; the rest are composites of other
// ops, as in ATen, so their grad_fn is that of the last op (l1_loss: MeanBackward0).
import { Tensor } from '../tensor/tensor.js';
import { boolOption, floatArg, intArg, optionalTensorArg, optionsArg } from '../tensor/args.js';
import type { NumberArray } from '../tensor/dtype.js';
import { broadcastShapes, numelOf, shapeStr, torchSizeStr } from '../tensor/layout.js';
import { emptyTensor, zerosLike } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { binaryKernel, checkTensor, resultTypeOf, unaryKernel } from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { where } from './ternary.js';
import { logSoftmax } from './softmax.js';
import { logsigmoid, requireFloating } from './activation.js';

export type Reduction = 'none' | 'mean' | 'sum';

export interface LossOptions {
  reduction?: Reduction;
}

/** PyTorch's `_Reduction.get_enum`: the reduction names it accepts. */
function checkReduction(reduction: unknown = 'mean'): Reduction {
  if (reduction === 'none' || reduction === 'mean' || reduction === 'sum') return reduction;
  throw new Error(`${reduction === null ? 'None' : String(reduction)} is not a valid value for reduction`);
}

/** ATen's apply_loss_reduction. */
function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

/**
 * C++ composites divide by a count with Tensor::div(Scalar), whose node is DivBackward1 (Python's
 * `t / n` wraps the number into a tensor and gives DivBackward0).
 */
function divByCount(t: Tensor, n: number): Tensor {
  const out = noGrad(() => t.div(n));
  record({ name: 'DivBackward1', inputs: [t], outputs: [out], backward: ([g]) => [(g as Tensor).div(n)] });
  return out;
}

// ---- regression losses: one node over the broadcast input and target ----

/** F.mse_loss & co.: warn when the shapes differ, then broadcast both (torch.broadcast_tensors). */
function broadcastPair(input: unknown, target: unknown, fn: string): [Tensor, Tensor] {
  checkTensor(input, fn, 'input', 1);
  checkTensor(target, fn, 'target', 2);
  if (shapeStr(input.shape) !== shapeStr(target.shape)) {
    warn(
      `Using a target size (${torchSizeStr(target.shape)}) that is different to the input size (${torchSizeStr(input.shape)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
    );
  }
  const shape = broadcastShapes(input.shape, target.shape);
  const dtype = resultTypeOf(input, target);
  const expand = (t: Tensor): Tensor => {
    const cast = t.dtype === dtype ? t : t.to(dtype);
    return shapeStr(cast.shape) === shapeStr(shape) ? cast : cast.expand(shape);
  };
  return [expand(input), expand(target)];
}

interface ElementwiseLoss {
  readonly kernel: string;
  readonly gradFn: string;
  /** The loss of one element from input x and target t. */
  readonly value: (x: number, t: number) => number;
  /** d loss / d input, from input and target, in differentiable ops (the target's is its negation). */
  readonly derivative: (x: Tensor, t: Tensor) => Tensor;
}

function elementwiseLoss(x: Tensor, t: Tensor, reduction: Reduction, def: ElementwiseLoss): Tensor {
  requireFloating(x, def.kernel);
  const out = noGrad(() => reduce(binaryKernel(x, t, { num: def.value }, x.dtype, x.dtype), reduction));
  const count = x.numel();
  record({
    name: def.gradFn,
    inputs: [x, t],
    outputs: [out],
    save: [x, t],
    backward: ([g], [xs, ts], needs) => {
      const scaled = reduction === 'mean' ? (g as Tensor).div(count) : (g as Tensor);
      const d = def.derivative(xs, ts).mul(scaled);
      return [needs[0] ? d : null, needs[1] ? d.neg() : null];
    },
  });
  return out;
}

export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction(optionsArg(options, 'mse_loss').reduction);
  const [x, t] = broadcastPair(input, target, 'mse_loss');
  return elementwiseLoss(x, t, reduction, {
    kernel: 'mse_cpu',
    gradFn: 'MseLossBackward0',
    value: (a, b) => (a - b) * (a - b),
    derivative: (xs, ts) => xs.sub(ts).mul(2),
  });
}

/** `|input - target|`, reduced: a composite in ATen too (grad_fn AbsBackward0, MeanBackward0, SumBackward0). */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction(optionsArg(options, 'l1_loss').reduction);
  const [x, t] = broadcastPair(input, target, 'l1_loss');
  return reduce(x.sub(t).abs(), reduction);
}

export function smoothL1Loss(input: Tensor, target: Tensor, options: LossOptions & { beta?: number } = {}): Tensor {
  const o = optionsArg(options, 'smooth_l1_loss');
  const reduction = checkReduction(o.reduction);
  const beta = floatArg(o.beta ?? 1.0, 'smooth_l1_loss', 'beta', 4);
  const [x, t] = broadcastPair(input, target, 'smooth_l1_loss');
  if (beta < 0) throw new Error('smooth_l1_loss does not support negative values for beta.');
  // PyTorch 2.x's F.smooth_l1_loss calls l1_loss when beta is 0 (the quadratic zone is empty).
  if (beta === 0) return reduce(x.sub(t).abs(), reduction);
  return elementwiseLoss(x, t, reduction, {
    kernel: 'smooth_l1_cpu',
    gradFn: 'SmoothL1LossBackward0',
    value: (a, b) => {
      const z = Math.abs(a - b);
      return z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
    },
    derivative: (xs, ts) => {
      const d = xs.sub(ts);
      return where(d.abs().lt(beta), d.div(beta), d.sgn());
    },
  });
}

export function huberLoss(input: Tensor, target: Tensor, options: LossOptions & { delta?: number } = {}): Tensor {
  const o = optionsArg(options, 'huber_loss');
  const reduction = checkReduction(o.reduction);
  const delta = floatArg(o.delta ?? 1.0, 'huber_loss', 'delta', 4);
  const [x, t] = broadcastPair(input, target, 'huber_loss');
  if (!(delta > 0)) throw new Error('huber_loss does not support non-positive values for delta.');
  return elementwiseLoss(x, t, reduction, {
    kernel: 'huber_cpu',
    gradFn: 'HuberLossBackward0',
    value: (a, b) => {
      const z = Math.abs(a - b);
      return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
    },
    derivative: (xs, ts) => {
      const d = xs.sub(ts);
      return where(d.abs().le(delta), d, d.sgn().mul(delta));
    },
  });
}

// ---- binary cross entropy ----

export interface BceOptions extends LossOptions {
  /** Rescales each element's loss (broadcast to the target's shape). */
  weight?: Tensor | null;
}

/** Element losses times `weight` (when given), reduced; the weight takes no gradient (as in PyTorch). */
function weightedBinaryLoss(
  name: string,
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: Reduction,
  values: () => Tensor,
  derivatives: (x: Tensor, t: Tensor) => [Tensor, Tensor],
): Tensor {
  const out = noGrad(() => {
    const loss = values();
    return reduce(weight ? loss.mul(weight) : loss, reduction);
  });
  const count = input.numel();
  record({
    name,
    inputs: [input, target],
    outputs: [out],
    save: [input, target],
    backward: ([g], [x, t], needs) => {
      let scale = g as Tensor;
      if (weight) scale = scale.mul(weight);
      if (reduction === 'mean') scale = scale.div(count);
      const [dx, dt] = derivatives(x, t);
      return [needs[0] ? dx.mul(scale) : null, needs[1] ? dt.mul(scale) : null];
    },
  });
  return out;
}

/** Below this, (1 - x) x is replaced in the input gradient's denominator (ATen's EPSILON). */
const BCE_EPSILON = 1e-12;

export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  checkTensor(input, 'binary_cross_entropy', 'input', 1);
  checkTensor(target, 'binary_cross_entropy', 'target', 2);
  const o = optionsArg(options, 'binary_cross_entropy');
  const reduction = checkReduction(o.reduction);
  const weightArg = optionalTensorArg(o.weight, 'binary_cross_entropy', 'weight', 3);
  if (shapeStr(target.shape) !== shapeStr(input.shape)) {
    throw new Error(
      `Using a target size (${torchSizeStr(target.shape)}) that is different to the input size (${torchSizeStr(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  const weight = weightArg ? weightArg.expand(broadcastShapes(target.shape, weightArg.shape)) : null;
  requireFloating(input, 'binary_cross_entropy');
  const values = (): Tensor =>
    binaryKernel(
      input,
      target,
      {
        num: (x, y) => {
          if (!(x >= 0 && x <= 1)) throw new Error('all elements of input should be between 0 and 1');
          // PyTorch 2.x checks the target too.
          if (!(y >= 0 && y <= 1)) throw new Error('all elements of target should be between 0 and 1');
          // Logs are clamped at -100 so that probabilities of 0 and 1 give finite losses.
          return (y - 1) * Math.max(Math.log1p(-x), -100) - y * Math.max(Math.log(x), -100);
        },
      },
      input.dtype,
      input.dtype,
    );
  return weightedBinaryLoss('BinaryCrossEntropyBackward0', input, target, weight, reduction, values, (x, t) => [
    x.sub(t).div(x.rsub(1).mul(x).clampMin(BCE_EPSILON)),
    // PyTorch 2.x's binary_cross_entropy_target_backward: -logit(x), unclamped.
    x.rsub(1).log().sub(x.log()),
  ]);
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of positive examples, broadcast along the last (class) dim. */
  posWeight?: Tensor | null;
}

/**
 * `(1 - t) x - log_sigmoid(x) (1 + (posWeight - 1) t)`, PyTorch 2.x's formula: log_sigmoid keeps it
 * finite for logits of any size.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  checkTensor(input, 'binary_cross_entropy_with_logits', 'input', 1);
  checkTensor(target, 'binary_cross_entropy_with_logits', 'target', 2);
  const o = optionsArg(options, 'binary_cross_entropy_with_logits');
  const reduction = checkReduction(o.reduction);
  const weight = optionalTensorArg(o.weight, 'binary_cross_entropy_with_logits', 'weight', 3);
  const posWeight = optionalTensorArg(o.posWeight, 'binary_cross_entropy_with_logits', 'pos_weight', 4);
  if (shapeStr(target.shape) !== shapeStr(input.shape)) {
    throw new Error(`Target size (${torchSizeStr(target.shape)}) must be the same as input size (${torchSizeStr(input.shape)})`);
  }
  const values = (): Tensor => {
    let logSig = logsigmoid(input);
    if (posWeight) logSig = logSig.mul(posWeight.sub(1).mul(target).add(1));
    return target.rsub(1).mul(input).sub(logSig);
  };
  return weightedBinaryLoss('BinaryCrossEntropyWithLogitsBackward0', input, target, weight, reduction, values, (x, t) => {
    if (!posWeight) return [x.sigmoid().sub(t), x.neg()];
    const pt = posWeight.mul(t);
    return [pt.add(1).sub(t).mul(x.sigmoid()).sub(pt), logsigmoid(x.neg()).sub(logsigmoid(x).mul(posWeight))];
  });
}

// ---- negative log likelihood and cross entropy ----

export interface NllOptions extends LossOptions {
  /** A weight per class. */
  weight?: Tensor | null;
  /** Targets equal to it contribute nothing (and do not count in the mean). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}

/** Everything nll's kernels need besides the input and the upstream gradient. */
interface NllArgs {
  readonly target: Tensor;
  readonly weight: Tensor | null;
  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  readonly gradFn: string;
}

/** Input read as (batch, classes, positions): class dim 0 for 1-D input, 1 otherwise. */
function nllGeometry(shape: readonly number[]): { batch: number; classes: number; positions: number } {
  if (shape.length === 1) return { batch: 1, classes: shape[0], positions: 1 };
  return { batch: shape[0], classes: shape[1], positions: numelOf(shape.slice(2)) };
}

/** The class of each target element, checked against the class count (ignored ones are -1). */
function targetClasses(args: NllArgs, classes: number): Int32Array {
  const { target, ignoreIndex } = args;
  if (target.dtype.name !== 'int64' && target.dtype.name !== 'uint8') {
    throw new Error(`expected scalar type Long but found ${legacyScalarName(target.dtype)}`);
  }
  const raw = target.contiguousData();
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const t = Number(raw[i]);
    if (t === ignoreIndex) {
      out[i] = -1;
      continue;
    }
    if (t < 0 || t >= classes) throw new RangeError(`Target ${t} is out of bounds.`);
    out[i] = t;
  }
  return out;
}

function weightValues(weight: Tensor | null, classes: number): Float64Array {
  return weight ? weight.toFloat64Array() : new Float64Array(classes).fill(1);
}

/**
 * The nll_loss kernel: -weight[t] * input[n, t, s] per target element, reduced; the mean divides by
 * the total weight of the targets not ignored. Returns the loss and that total weight.
 */
function nllForward(input: Tensor, args: NllArgs): { out: Tensor; totalWeight: number } {
  const { batch, classes, positions } = nllGeometry(input.shape);
  const cls = targetClasses(args, classes);
  const w = weightValues(args.weight, classes);
  const x = input.toFloat64Array();
  const losses = new Float64Array(cls.length);
  let total = 0;
  let totalWeight = 0;
  for (let n = 0; n < batch; n++) {
    for (let s = 0; s < positions; s++) {
      const i = n * positions + s;
      const t = cls[i];
      if (t < 0) continue;
      losses[i] = -w[t] * x[(n * classes + t) * positions + s];
      total += losses[i];
      totalWeight += w[t];
    }
  }
  let out: Tensor;
  if (args.reduction === 'none') {
    out = emptyTensor(args.target.shape, input.dtype);
    (out.storage_.data as NumberArray).set(losses);
  } else {
    const value = args.reduction === 'sum' ? total : total / totalWeight;
    out = emptyTensor([], input.dtype);
    out.storage_.data[0] = value;
  }
  return { out, totalWeight };
}

function nllCore(input: Tensor, args: NllArgs): Tensor {
  const { out, totalWeight } = nllForward(input, args);
  record({
    name: args.gradFn,
    inputs: [input],
    outputs: [out],
    save: [input],
    backward: ([g], [x]) => [nllBackward(g as Tensor, x, args, totalWeight)],
  });
  return out;
}

/**
 * nll_loss_backward: -weight[t] * grad (over the total weight for the mean) at each target's class,
 * zero elsewhere. Linear in grad, where its derivative is nll_loss itself; its derivative in the
 * input is zero, but the input stays an input, as in PyTorch.
 */
function nllBackward(grad: Tensor, self: Tensor, args: NllArgs, totalWeight: number): Tensor {
  const { batch, classes, positions } = nllGeometry(self.shape);
  const cls = targetClasses(args, classes);
  const w = weightValues(args.weight, classes);
  const g = grad.toFloat64Array();
  const out = zerosLike(self);
  const data = out.storage_.data as NumberArray;
  const perElement = args.reduction === 'none';
  const scale = args.reduction === 'mean' ? 1 / totalWeight : 1;
  for (let n = 0; n < batch; n++) {
    for (let s = 0; s < positions; s++) {
      const i = n * positions + s;
      const t = cls[i];
      if (t < 0) continue;
      data[(n * classes + t) * positions + s] = -w[t] * (perElement ? g[i] : g[0]) * scale;
    }
  }
  record({
    name: `${args.gradFn.replace(/Backward0$/, '')}BackwardBackward0`,
    inputs: [grad, self],
    outputs: [out],
    save: [self],
    backward: ([gg], [x], needs) => [needs[0] ? nllForward(gg as Tensor, args).out : null, needs[1] ? zerosLike(x) : null],
  });
  return out;
}

/** ATen's nll_loss_nd: shape checks, then nll_loss (1-D, 2-D), nll_loss2d (4-D) or nll_loss2d on a 4-D view. */
function nllLossNd(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignoreIndex: number): Tensor {
  const nd = input.dim();
  if (nd < 1) throw new Error(`Expected 1 or more dimensions (got ${nd})`);
  if (nd !== 1 && input.shape[0] !== target.shape[0]) {
    throw new Error(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`);
  }
  const classes = input.shape[nd === 1 ? 0 : 1];
  const checkWeight = (): void => {
    if (weight && (weight.dim() !== 1 || weight.numel() !== classes)) {
      throw new Error(`weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${shapeStr(weight.shape)}`);
    }
  };
  const args = (t: Tensor, gradFn: string): NllArgs => ({ target: t, weight, reduction, ignoreIndex, gradFn });
  if (nd <= 2) {
    if (target.dim() > 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
    if (!(nd === 1 && target.dim() === 0) && input.shape[0] !== target.shape[0]) {
      throw new Error(`size mismatch (got input: ${shapeStr(input.shape)}, target: ${shapeStr(target.shape)})`);
    }
    checkWeight();
    requireFloating(input, 'nll_loss_out_frame');
    return nllCore(input, args(target, 'NllLossBackward0'));
  }
  if (nd === 4) {
    if (target.dim() !== 3) throw new Error(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.dim()}`);
    const [n, , h, w] = input.shape;
    const [tn, th, tw] = target.shape;
    if (n !== tn || h !== th || w !== tw) {
      // PyTorch's message has this spacing.
      throw new Error(`size mismatch (got input: ${shapeStr(input.shape)} , target: ${shapeStr(target.shape)}`);
    }
    checkWeight();
    requireFloating(input, 'nll_loss2d_forward_out_frame');
    return nllCore(input, args(target, 'NllLoss2DBackward0'));
  }
  const outSize = [input.shape[0], ...input.shape.slice(2)];
  if (shapeStr(target.shape.slice(1)) !== shapeStr(input.shape.slice(2))) {
    throw new Error(`Expected target size ${shapeStr(outSize)}, got ${shapeStr(target.shape)}`);
  }
  const n = input.shape[0];
  const empty = input.numel() === 0;
  const input4 = empty ? input.reshape([n, classes, 0, 0]) : input.contiguous().view([n, classes, 1, -1]);
  const target3 = target.numel() === 0 ? target.reshape([n, 0, 0]) : target.contiguous().view([n, 1, -1]);
  const out = nllLossNd(input4, target3, weight, reduction, ignoreIndex);
  return reduction === 'none' ? out.view(outSize) : out;
}

/** The options nll_loss and cross_entropy share, checked as ATen's `fn` (nll_loss_nd, cross_entropy_loss) takes them. */
function classLossOptions(o: NllOptions, fn: string): { reduction: Reduction; weight: Tensor | null; ignoreIndex: number } {
  const reduction = checkReduction(o.reduction);
  const weight = optionalTensorArg(o.weight, fn, 'weight', 3);
  const ignoreIndex = o.ignoreIndex ?? -100;
  intArg(ignoreIndex, fn, 'ignore_index', 5);
  return { reduction, weight, ignoreIndex };
}

export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  checkTensor(input, 'nll_loss', 'input', 1);
  checkTensor(target, 'nll_loss', 'target', 2);
  const { reduction, weight, ignoreIndex } = classLossOptions(optionsArg(options, 'nll_loss'), 'nll_loss_nd');
  return nllLossNd(input, target, weight, reduction, ignoreIndex);
}

/** `weight` shaped to broadcast along the class dim of an input with `ndim` dims. */
function classWeight(weight: Tensor, ndim: number, classDim: number): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[classDim] = weight.numel();
  return weight.view(shape);
}

export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkTensor(input, 'cross_entropy', 'input', 1);
  checkTensor(target, 'cross_entropy', 'target', 2);
  const o = optionsArg(options, 'cross_entropy');
  const { reduction, weight, ignoreIndex } = classLossOptions(o, 'cross_entropy_loss');
  const labelSmoothing = floatArg(o.labelSmoothing ?? 0.0, 'cross_entropy_loss', 'label_smoothing', 6);
  const classDim = input.dim() === 1 ? 0 : 1;
  if (shapeStr(input.shape) === shapeStr(target.shape)) {
    // Same shapes: the targets are class probabilities.
    if (!target.dtype.isFloatingPoint) {
      throw new Error(`Expected floating point type for target with class probabilities, got ${legacyScalarName(target.dtype)}`);
    }
    if (ignoreIndex >= 0) throw new Error('ignore_index is not supported for floating point target');
    return crossEntropyProbabilities(input, target, weight, reduction, labelSmoothing, classDim);
  }
  if (labelSmoothing > 0) {
    if (labelSmoothing > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
    return crossEntropySmoothed(input, target, weight, reduction, ignoreIndex, labelSmoothing, classDim);
  }
  return nllLossNd(logSoftmax(input, classDim), target, weight, reduction, ignoreIndex);
}

/** ATen's cross_entropy_loss_prob_target. */
function crossEntropyProbabilities(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, labelSmoothing: number, classDim: number): Tensor {
  const classes = input.shape[classDim];
  if (weight && (weight.dim() !== 1 || weight.numel() !== classes)) {
    throw new Error(`cross_entropy: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${shapeStr(weight.shape)}`);
  }
  const logProbs = logSoftmax(input, classDim);
  let smoothed = target;
  if (labelSmoothing > 0) {
    if (labelSmoothing > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
    smoothed = target.mul(1 - labelSmoothing).add(labelSmoothing / classes);
  }
  let terms = logProbs.mul(smoothed);
  if (weight) terms = terms.mul(classWeight(weight, input.dim(), classDim));
  if (reduction === 'none') return terms.sum(classDim).neg();
  const total = terms.sum().neg();
  return reduction === 'sum' ? total : divByCount(total, input.numel() / classes);
}

/** ATen's cross_entropy_loss_label_smoothing: nll of the targets mixed with the mean over all classes. */
function crossEntropySmoothed(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: Reduction,
  ignoreIndex: number,
  labelSmoothing: number,
  classDim: number,
): Tensor {
  const logProbs = logSoftmax(input, classDim);
  const nll = nllLossNd(logProbs, target, weight, reduction, ignoreIndex);
  const ignored = target.eq(ignoreIndex);
  const weighted = weight ? logProbs.mul(classWeight(weight, input.dim(), classDim)) : logProbs;
  const smooth = weighted.sum(classDim).neg().maskedFill(ignored, 0);
  let ret: Tensor;
  if (reduction === 'mean') {
    // Normalised like nll's mean: by the weight (or number) of the targets not ignored.
    const kept = ignored.logicalNot();
    ret = smooth.sum().div(weight ? weight.gather(0, target.maskedSelect(kept).flatten()).sum() : kept.sum());
  } else {
    ret = reduction === 'sum' ? smooth.sum() : smooth;
  }
  return nll.mul(1 - labelSmoothing).add(ret.mul(labelSmoothing / input.shape[classDim]));
}

// ---- Kullback-Leibler divergence, cosine embedding ----

export type KlReduction = Reduction | 'batchmean';

/** `t log t`, 0 where t is 0 (ATen's xlogy(t, t)), with xlogy's gradient for both of its arguments. */
function selfEntropyTerm(t: Tensor): Tensor {
  const out = unaryKernel(t, { num: (a) => (a === 0 ? 0 : a * Math.log(a)) }, t.dtype, t.dtype);
  record({
    name: 'XlogyBackward0',
    inputs: [t],
    outputs: [out],
    save: [t],
    backward: ([g], [x]) => [(g as Tensor).mul(where(x.ne(0), x.log(), 0)).add((g as Tensor).mul(x).div(x))],
  });
  return out;
}

export function klDiv(input: Tensor, target: Tensor, options: { reduction?: KlReduction; logTarget?: boolean } = {}): Tensor {
  checkTensor(input, 'kl_div', 'input', 1);
  checkTensor(target, 'kl_div', 'target', 2);
  const o = optionsArg(options, 'kl_div');
  const reduction = o.reduction ?? 'mean';
  const logTarget = boolOption(o.logTarget, 'kl_div', 'log_target') ?? false;
  if (reduction === 'mean') {
    warn(
      "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
    );
  }
  const base = checkReduction(reduction === 'batchmean' ? 'sum' : reduction);
  if (!input.dtype.isFloatingPoint || !target.dtype.isFloatingPoint) throw new Error('kl_div: Integral inputs not supported.');
  const pointwise = logTarget ? target.exp().mul(target.sub(input)) : selfEntropyTerm(target).sub(target.mul(input));
  const reduced = reduce(pointwise, base);
  return reduction === 'batchmean' && input.dim() !== 0 ? reduced.div(input.shape[0]) : reduced;
}

/** Added to the squared norms, so that zero vectors give cosines of 0 (ATen's EPSILON). */
const COSINE_EPSILON = 1e-12;

/** ATen's cosine_embedding_loss: `1 - cos` where the target is 1, `max(0, cos - margin)` where it is -1. */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: LossOptions & { margin?: number } = {}): Tensor {
  checkTensor(input1, 'cosine_embedding_loss', 'input1', 1);
  checkTensor(input2, 'cosine_embedding_loss', 'input2', 2);
  checkTensor(target, 'cosine_embedding_loss', 'target', 3);
  const o = optionsArg(options, 'cosine_embedding_loss');
  const reduction = checkReduction(o.reduction);
  const margin = floatArg(o.margin ?? 0, 'cosine_embedding_loss', 'margin', 4);
  const dim = target.dim();
  if (dim > 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
  const expected = dim === 1 ? 2 : 1;
  if (input1.dim() !== expected || input2.dim() !== expected) {
    throw new Error(
      `${dim}D target tensor expects ${expected}D input tensors, but found inputs with sizes ${shapeStr(input1.shape)} and ${shapeStr(input2.shape)}.`,
    );
  }
  const prodSum = input1.mul(input2).sum(dim);
  const mag1 = input1.mul(input1).sum(dim).add(COSINE_EPSILON);
  const mag2 = input2.mul(input2).sum(dim).add(COSINE_EPSILON);
  const cos = prodSum.div(mag1.mul(mag2).sqrt());
  const none = zerosLike(cos);
  const positive = where(target.eq(1), cos.rsub(1), none);
  const negative = where(target.eq(-1), cos.sub(margin).clampMin(0), none);
  return reduce(positive.add(negative), reduction);
}

