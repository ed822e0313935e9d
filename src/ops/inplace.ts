// In-place ops. Each in-place op is its out-of-place op applied to a private copy of the old value
// (so saved tensors stay valid), then written back into the tensor, which takes over the result's
// history. In-place changes of views rewrite the base's history with a CopySlices node, as PyTorch.
import { DType, int64, type TypedArray } from '../tensor/dtype.js';
import { castElement, fillElements } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape, shapeStr } from '../tensor/layout.js';
import { emptyTensor, onesLike, zerosLike, type Scalar } from '../tensor/factory.js';
import { scatter } from '../backends/js/strided.js';
import { castTensor, checkOperand, isScalar, type TensorOrScalar } from './elementwise.js';
import { writePendingInto } from './fusion.js';
import { embedIntoZeros } from './view.js';
import { legacyScalarName } from './pointwise.js';
import { isGradEnabled, isInferenceModeEnabled, noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { Node, OpNode, type MaybeTensor } from '../autograd/node.js';
import type { RoundingMode } from './division.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    add_(other: TensorOrScalar, options?: { alpha?: number }): this;
    sub_(other: TensorOrScalar, options?: { alpha?: number }): this;
    mul_(other: TensorOrScalar): this;
    div_(other: TensorOrScalar, options?: { roundingMode?: RoundingMode }): this;
    pow_(exponent: TensorOrScalar): this;
    remainder_(other: TensorOrScalar): this;
    fmod_(other: TensorOrScalar): this;
    atan2_(other: Tensor): this;
    lerp_(end: Tensor, weight: TensorOrScalar): this;
    clamp_(min?: TensorOrScalar | null, max?: TensorOrScalar | null): this;
    clip_(min?: TensorOrScalar | null, max?: TensorOrScalar | null): this;
    clampMin_(min: TensorOrScalar): this;
    clampMax_(max: TensorOrScalar): this;
    neg_(): this; abs_(): this; sign_(): this; exp_(): this; expm1_(): this; log_(): this; log2_(): this;
    log10_(): this; log1p_(): this; sqrt_(): this; rsqrt_(): this; sin_(): this; cos_(): this; tan_(): this;
    asin_(): this; acos_(): this; atan_(): this; sinh_(): this; cosh_(): this; tanh_(): this; sigmoid_(): this;
    reciprocal_(): this; relu_(): this; floor_(): this; ceil_(): this; trunc_(): this; frac_(): this;
    square_(): this; exp2_(): this; erf_(): this;
    round_(options?: { decimals?: number }): this;
    nanToNum_(nan?: number, posinf?: number | null, neginf?: number | null): this;
    zero_(): this;
    fill_(value: TensorOrScalar): this;
    /** Copies `src` (broadcast and cast to this tensor's shape and dtype) into this tensor. */
    copy_(src: Tensor): this;
  }
}

const INFERENCE_INPLACE =
  'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.';

/** PyTorch's check_inplace: the errors for in-place changes autograd cannot record. */
function checkInplace(self: Tensor): void {
  if (self.isInference() && !isInferenceModeEnabled()) throw new Error(INFERENCE_INPLACE);
  if (!isGradEnabled() || !self.requiresGrad) return;
  const view = self.viewInfo;
  if (view !== null) {
    if (view.creation === 'multiOutput') {
      throw new Error(
        `Output ${self.outputNr} of ${view.creatorName} is a view and is being modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.`,
      );
    }
    if (view.creation === 'noGrad') {
      throw new Error(
        "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).",
      );
    }
    if (view.base.isLeaf && view.base.requiresGrad) {
      throw new Error('a view of a leaf Variable that requires grad is being used in an in-place operation.');
    }
    return;
  }
  if (self.isLeaf) throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
}

const KIND_ORDER = { bool: 0, int: 1, float: 2 } as const;

/** PyTorch's can_cast: no cast to a lower kind (float to int, int to bool). */
function canCast(from: DType, to: DType): boolean {
  return KIND_ORDER[from.kind] <= KIND_ORDER[to.kind];
}

/** A copy of the tensor's current value that shares its place in the graph, for the op to consume. */
function snapshotWithHistory(self: Tensor): Tensor {
  const copy = noGrad(() => self.clone());
  const fn = self.gradFn;
  if (fn !== null) copy.setHistory(fn, self.outputNr);
  return copy;
}

/** Writing through a layout where several elements share one address (an expanded tensor) is ambiguous. */
function checkNoInternalOverlap(self: Tensor): void {
  if (self.shape_.some((size, i) => size > 1 && self.strides_[i] === 0)) {
    throw new Error(
      'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
    );
  }
}

/** Writes `value` (already of the right shape) into `self`'s elements, casting to its dtype. */
function writeInto(self: Tensor, value: Tensor): void {
  if (writePendingInto(self, value)) return;
  let src: TypedArray;
  if (value.dtype !== self.dtype) src = castTensor(value, self.dtype).storage_.data;
  // A contiguous result on another storage (the usual case: the op's fresh output) is read in place.
  else if (value.storage_ !== self.storage_ && value.isContiguous()) src = value.storage_.data.subarray(value.offset_, value.offset_ + value.numel());
  else src = value.contiguousData();
  scatter(src, { data: self.storage_.data, strides: self.strides_, offset: self.offset_ }, self.shape_);
}

/**
 * Whether an op on `self` with `args` cannot be recorded (neither requires grad, no argument is an
 * object that could hold a tensor): then it needs no snapshot of `self`'s current value.
 */
function unrecorded(self: Tensor, args: readonly unknown[]): boolean {
  return !self.requiresGrad && args.every((a) => (a instanceof Tensor ? !a.requiresGrad : typeof a !== 'object' || a === null));
}

/**
 * Runs `compute` as an in-place update of `self`, with PyTorch's checks and history rewriting. `args`,
 * when given, are all the op's operands besides `self`: an op none of which requires grad computes
 * from `self` itself, without a snapshot of it.
 */
export function applyInplace<T extends Tensor>(self: T, compute: (current: Tensor) => Tensor, args?: readonly unknown[]): T {
  checkInplace(self);
  checkNoInternalOverlap(self);
  const current = isGradEnabled() && (args === undefined || !unrecorded(self, args)) ? snapshotWithHistory(self) : self;
  const result = compute(current);
  if (!sameShape(result.shape_, self.shape_)) {
    throw new Error(`output with shape ${shapeStr(self.shape)} doesn't match the broadcast shape ${shapeStr(result.shape)}`);
  }
  if (!canCast(result.dtype, self.dtype)) {
    throw new Error(
      `result type ${legacyScalarName(result.dtype)} can't be cast to the desired output type ${legacyScalarName(self.dtype)}`,
    );
  }
  writeInto(self, result);
  if (!self.isInference()) self.versionCounter.value++;
  const node = result.gradFn;
  if (node !== null && result !== current) {
    rebaseHistory(self, node, 0);
    if (node instanceof OpNode) node.rebindSavedOutput(result, self);
  }
  return self;
}

/**
 * Makes `node` (whose output `outputNr` is the new value of `self`) the history of a tensor changed in
 * place. A view's change rewrites its base's history with a CopySlices node instead.
 */
export function rebaseHistory(self: Tensor, node: Node, outputNr: number): void {
  const view = self.viewInfo;
  if (view !== null && view.creation === 'default') {
    const base = view.base;
    const copySlices = new CopySlices(base, self, node);
    base.setHistory(copySlices, 0);
    // The view's own gradFn is regenerated from the base on next access (its version moved on).
    return;
  }
  self.setHistory(node, outputNr);
}

interface Geometry {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

function geometryOf(t: Tensor): Geometry {
  return { shape: t.shape, strides: t.stride(), offset: t.storageOffset() };
}

/**
 * The base's node after one of its views was changed in place: the base's gradient, with the view's
 * region replaced by what the in-place op's node gives for it.
 */
export class CopySlices extends Node {
  private readonly baseGeometry: Geometry;
  private readonly viewGeometry: Geometry;
  private readonly storageLength: number;

  constructor(base: Tensor, view: Tensor, private readonly fn: Node) {
    super(
      [base.gradientEdge(), ...fn.nextEdges.slice(1)],
      [{ shape: base.shape, dtype: base.dtype }, ...fn.inputMetadata.slice(1)],
      1,
    );
    this.baseGeometry = geometryOf(base);
    this.viewGeometry = geometryOf(view);
    this.storageLength = base.storage_.length;
  }

  name(): string {
    return 'torch::autograd::CopySlices';
  }

  apply([grad]: MaybeTensor[]): MaybeTensor[] {
    if (grad === null) return this.nextEdges.map(() => null);
    const g = grad;
    const { shape: bs, strides: bst, offset: bo } = this.baseGeometry;
    const { shape: vs, strides: vst, offset: vo } = this.viewGeometry;
    const toStorage = (t: Tensor, geometry: Geometry): Tensor =>
      embedIntoZeros(t, [this.storageLength], (z) => z.asStrided(geometry.shape, geometry.strides, geometry.offset));
    const inStorage = toStorage(g, this.baseGeometry);
    const region = inStorage.asStrided(vs, vst, vo);
    const results = this.fn.apply([region.clone()]);
    const regionMask = noGrad(() => toStorage(onesLike(region), this.viewGeometry).ne(0));
    const replacement = results[0] ?? zerosLike(region);
    const merged = inStorage.where(regionMask.logicalNot(), 0).add(toStorage(replacement, this.viewGeometry));
    return [merged.asStrided(bs, bst, bo), ...results.slice(1)];
  }

  override releaseVariables(): void {
    this.fn.releaseVariables();
  }
}

// ---- zero_, fill_, copy_ ----

function fillOp(current: Tensor, value: TensorOrScalar): Tensor {
  if (value instanceof Tensor) {
    if (value.dim() !== 0) {
      throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
    }
    const out = noGrad(() => value.to(current.dtype).expand(current.shape).clone());
    record({
      name: 'FillBackward3',
      inputs: [current, value],
      outputs: [out],
      backward: ([g], _s, needs) => [needs[0] ? zerosLike(g as Tensor) : null, needs[1] ? (g as Tensor).sum() : null],
    });
    return out;
  }
  const out = emptyTensor(current.shape, current.dtype);
  fillElements(out.storage_.data, castElement(value, current.dtype));
  record({ name: 'FillBackward2', inputs: [current], outputs: [out], backward: ([g]) => [zerosLike(g as Tensor)] });
  return out;
}

Tensor.prototype.fill_ = function (this: Tensor, value: TensorOrScalar) {
  checkOperand(value, 'fill_', 'value');
  if (isScalar(value) && typeof value === 'bigint' && this.dtype !== int64) value = Number(value);
  return applyInplace(this, (current) => fillOp(current, value as Scalar | Tensor));
};

Tensor.prototype.zero_ = function (this: Tensor) {
  return applyInplace(this, (current) => {
    const out = emptyTensor(current.shape, current.dtype);
    record({ name: 'ZeroBackward0', inputs: [current], outputs: [out], backward: ([g]) => [zerosLike(g as Tensor)] });
    return out;
  });
};

Tensor.prototype.copy_ = function (this: Tensor, src: Tensor) {
  if (!(src instanceof Tensor)) throw new TypeError(`copy_(): argument 'other' (position 1) must be Tensor, not ${typeof src}`);
  return applyInplace(this, (current) => {
    const out = noGrad(() => castTensor(src.expand(current.shape), current.dtype));
    record({
      name: 'torch::autograd::CopyBackwards',
      inputs: [current, src],
      outputs: [out],
      backward: ([g], _s, needs) => [needs[0] ? zerosLike(g as Tensor) : null, needs[1] ? g : null],
    });
    return out;
  });
};

// ---- in-place forms of the pointwise ops ----

type MethodName = keyof Tensor & string;
const INPLACE_OF: MethodName[] = [
  'add', 'sub', 'mul', 'div', 'pow', 'remainder', 'fmod', 'atan2', 'lerp', 'clamp', 'clip', 'clampMin', 'clampMax',
  'neg', 'abs', 'sign', 'exp', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'sin', 'cos', 'tan', 'asin',
  'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'reciprocal', 'relu', 'floor', 'ceil', 'trunc', 'frac', 'square',
  'exp2', 'erf', 'round', 'nanToNum',
];

const methods = Tensor.prototype as unknown as Record<string, (...args: unknown[]) => Tensor>;
for (const name of INPLACE_OF) {
  methods[`${name}_`] = function (this: Tensor, ...args: unknown[]): Tensor {
    return applyInplace(this, (current) => methods[name].apply(current, args), args);
  };
}
