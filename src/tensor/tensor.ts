// The Tensor: a strided view of a storage, plus its autograd state. Ops add their methods to this
// class from src/ops (each family in its own file, by declaration merging), so this file holds only
// what every tensor is: layout, element access, printing and autograd bookkeeping.
import { DType, int64, bool, type TypedArray } from './dtype.js';
import { Storage, allocate, castArray, type Element } from './storage.js';
import { contiguousStrides, isContiguousLayout, normalizeDim, numelOf, shapeStr } from './layout.js';
import { gather } from '../backends/js/strided.js';
import { formatTensor } from './print.js';
import { warn } from './warnings.js';
import { isInferenceModeEnabled } from '../autograd/grad-mode.js';
import { AccumulateGrad, Node, addHook, type RemovableHandle, type TensorHook } from '../autograd/node.js';
import type { BackwardOptions } from '../autograd/engine.js';
import { lateBound } from './late-bound.js';

/** Shared by a tensor, its views and `detach()` results; bumped by every in-place change. */
export class VersionCounter {
  declare value: number;
  constructor() {
    this.value = 0;
  }
}

/** How a view was created; some in-place changes of views are forbidden depending on it. */
export type ViewCreation = 'default' | 'noGrad' | 'multiOutput' | 'inference';

export interface ViewInfo {
  /** The tensor that owns the storage (never itself a view). */
  readonly base: Tensor;
  readonly creation: ViewCreation;
  /** Name of the op that made it, for error messages of multi-output views. */
  readonly creatorName: string;
  /** The version at which gradFn was last set; a newer version means the base changed in place. */
  gradFnVersion: number;
}

export type NestedList = number | boolean | NestedList[];

const NON_LEAF_GRAD_WARNING =
  "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.";

export class Tensor {
  // Fields are declared here and all set in the constructor, in one order: every tensor then starts
  // with the same hidden class, without the per-field definitions of class field initialisers (a
  // visible share of the cost of the tensors small ops make).
  /** @internal */ declare storage_: Storage;
  /** @internal */ declare shape_: number[];
  /** @internal */ declare strides_: number[];
  /** @internal */ declare offset_: number;
  /** @internal */ declare dtype_: DType;
  /** The version counter, made on first use: most results of small ops are never saved, viewed or changed. */
  private declare version_: VersionCounter | null;
  /** @internal */ declare viewInfo: ViewInfo | null;
  /** @internal */ declare inference: boolean;

  /** @internal */ declare ownRequiresGrad: boolean;
  /** @internal */ declare gradFn_: Node | null;
  /** @internal */ declare outputNr_: number;
  /** @internal */ declare grad_: Tensor | null;
  /** @internal */ declare retainsGrad_: boolean;
  /** @internal */ declare gradAccumulator: AccumulateGrad | null;
  // Hook tables are created on first registration: most tensors never get one, and two Maps per
  // tensor were a large share of the cost of small ops.
  /** Hooks of a leaf (run before its AccumulateGrad); a non-leaf's hooks live on its gradFn. */
  /** @internal */ declare leafHooks: Map<number, TensorHook> | null;
  /** @internal */ declare postAccumulateHooks: Map<number, (t: Tensor) => void> | null;

  /** @internal Use the factories (torch.tensor, torch.zeros, ...) to make tensors. */
  constructor(storage: Storage, shape: number[], strides: number[], offset: number, dtype: DType, version?: VersionCounter) {
    this.storage_ = storage;
    this.shape_ = shape;
    this.strides_ = strides;
    this.offset_ = offset;
    this.dtype_ = dtype;
    this.version_ = version ?? null;
    this.viewInfo = null;
    this.inference = isInferenceModeEnabled();
    this.ownRequiresGrad = false;
    this.gradFn_ = null;
    this.outputNr_ = 0;
    this.grad_ = null;
    this.retainsGrad_ = false;
    this.gradAccumulator = null;
    this.leafHooks = null;
    this.postAccumulateHooks = null;
  }

  /** @internal Shared by this tensor, its views and `detach()` results. */
  /** @internal The version counter's value, 0 while no counter was needed (without making one). */
  get versionValue(): number {
    return this.version_ === null ? 0 : this.version_.value;
  }

  get versionCounter(): VersionCounter {
    return (this.version_ ??= new VersionCounter());
  }

  /** @internal A new contiguous tensor owning `data`. */
  static fromData(data: ArrayLike<Element> & object, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(data as never), shape.slice(), contiguousStrides(shape), 0, dtype);
  }

  /** @internal A view of this tensor's storage with another geometry (no autograd). */
  aliasWithLayout(shape: number[], strides: number[], offset: number): Tensor {
    const t = new Tensor(this.storage_, shape, strides, offset, this.dtype_, this.versionCounter);
    t.inference = this.inference;
    return t;
  }

  // ---- layout ----

  get dtype(): DType {
    return this.dtype_;
  }

  get device(): string {
    return 'cpu';
  }

  get shape(): number[] {
    return [...this.shape_];
  }

  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape_];
    return this.shape_[normalizeDim(dim, this.shape_.length, false)];
  }

  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this.strides_];
    return this.strides_[normalizeDim(dim, this.shape_.length, false)];
  }

  storageOffset(): number {
    return this.offset_;
  }

  dim(): number {
    return this.shape_.length;
  }

  get ndim(): number {
    return this.shape_.length;
  }

  numel(): number {
    return numelOf(this.shape_);
  }

  elementSize(): number {
    return this.dtype_.itemSize;
  }

  isContiguous(): boolean {
    return isContiguousLayout(this.shape_, this.strides_);
  }

  isFloatingPoint(): boolean {
    return this.dtype_.isFloatingPoint;
  }

  /**
   * The storage object; two tensors share memory exactly when their storages are the same object. Its
   * `data` array is then the caller's to keep and write at any time, so the storage is marked external:
   * deferred results read it at once from now on (src/ops/fusion.ts), and never copy it aside.
   */
  untypedStorage(): Storage {
    this.storage_.expose();
    return this.storage_;
  }

  /** Whether this tensor and `other` are views of the same storage. */
  sharesStorageWith(other: Tensor): boolean {
    if (!(other instanceof Tensor)) throw new TypeError(`sharesStorageWith(): argument 'other' must be Tensor, not ${pyTypeName(other)}`);
    return this.storage_ === other.storage_;
  }

  /**
   * @internal The elements in logical row-major order, to read only: a view of the storage when the
   * tensor is contiguous (no copy), else contiguousData's fresh copy.
   */
  contiguousElements(): TypedArray {
    if (!this.isContiguous()) return this.contiguousData();
    const data = this.storage_.readData();
    const n = this.numel();
    return this.offset_ === 0 && data.length === n ? data : data.subarray(this.offset_, this.offset_ + n);
  }

  /** @internal The elements in logical row-major order as a fresh contiguous array of this dtype. */
  contiguousData(): TypedArray {
    const out = allocate(this.dtype_, this.numel());
    gather({ data: this.storage_.readData(), strides: this.strides_, offset: this.offset_ }, this.shape_, out);
    return out;
  }

  /** @internal Contiguous elements converted to float64 numbers (for kernels that compute in doubles). */
  toFloat64Array(): Float64Array {
    const data = this.contiguousData();
    return this.dtype_ === int64 ? (castArray(data as never, int64, DType.float64) as Float64Array) : Float64Array.from(data as ArrayLike<number>);
  }

  // ---- reading values ----

  /** The single value of a one-element tensor (bool gives 1 or 0; int64 beyond 2**53 is rounded). */
  item(): number {
    const n = this.numel();
    if (n !== 1) throw new Error(`a Tensor with ${n} elements cannot be converted to Scalar`);
    const v = this.storage_.readData()[this.offset_];
    return typeof v === 'bigint' ? Number(v) : v;
  }

  /** Nested arrays of numbers (booleans for bool tensors), as `tensor.tolist()`. */
  tolist(): NestedList {
    const data = this.contiguousData();
    const isBool = this.dtype_ === bool;
    const value = (i: number): number | boolean => {
      const v = data[i];
      if (isBool) return v !== 0;
      return typeof v === 'bigint' ? Number(v) : v;
    };
    const build = (dim: number, start: number): NestedList => {
      if (dim === this.shape_.length) return value(start);
      const size = this.shape_[dim];
      const step = numelOf(this.shape_.slice(dim + 1));
      const out: NestedList[] = [];
      for (let i = 0; i < size; i++) out.push(build(dim + 1, start + i * step));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    let gradFnName: string | undefined;
    const gradFn = this.gradFn;
    if (gradFn) gradFnName = gradFn.className;
    return formatTensor(
      { shape: this.shape_, dtype: this.dtype_, values: this.contiguousData() },
      { gradFn: gradFnName, requiresGrad: this.requiresGrad },
    );
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- autograd state ----

  /** True when this tensor's gradient is tracked (PyTorch's `requires_grad`). */
  get requiresGrad(): boolean {
    // From the recorded node, without regenerating a view's history (which may raise).
    if (this.ownRequiresGrad || this.gradFn_ !== null) return true;
    const view = this.viewInfo;
    return view !== null && this.dtype_.isDifferentiable && view.base.requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (typeof value !== 'boolean') throw new Error('requires_grad must be a bool');
    if (!this.isLeaf) {
      throw new Error(
        value
          ? 'you can only change requires_grad flags of leaf variables.'
          : "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    if (value && !this.dtype_.isDifferentiable) {
      throw new Error('only Tensors of floating point and complex dtype can require gradients');
    }
    this.checkInferenceRequiresGrad(value);
    this.ownRequiresGrad = value;
  }

  requiresGrad_(requiresGrad = true): this {
    if (typeof requiresGrad !== 'boolean') {
      throw new TypeError(
        `requires_grad_(): argument 'requires_grad' (position 1) must be bool, not ${pyTypeName(requiresGrad)}`,
      );
    }
    if (!this.isLeaf) {
      if (requiresGrad) return this;
      throw new Error(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    if (requiresGrad && !this.dtype_.isDifferentiable) {
      throw new Error('only Tensors of floating point dtype can require gradients');
    }
    this.checkInferenceRequiresGrad(requiresGrad);
    this.ownRequiresGrad = requiresGrad;
    return this;
  }

  private checkInferenceRequiresGrad(value: boolean): void {
    if (value && this.inference && !isInferenceModeEnabled()) {
      throw new Error('Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
    }
  }

  /** The node that produced this tensor, or null for leaves. */
  get gradFn(): Node | null {
    const view = this.viewInfo;
    if (view !== null && view.gradFnVersion !== this.versionCounter.value) {
      // The base (or another view of it) changed in place since this view's history was recorded.
      if (view.base.requiresGrad && this.dtype_.isDifferentiable) {
        this.checkIndirectRebase(view);
        this.setHistory(lateBound.regenerateViewGradFn(this, view.base), 0);
      }
      view.gradFnVersion = this.versionCounter.value;
    }
    return this.gradFn_;
  }

  /** PyTorch forbids rebasing the history of views whose creation autograd could not record. */
  private checkIndirectRebase(view: ViewInfo): void {
    if (view.creation === 'multiOutput') {
      throw new Error(
        `Output ${this.outputNr_} of ${view.creatorName} is a view and its base or another view of its base has been modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.`,
      );
    }
    if (view.creation === 'noGrad') {
      throw new Error(
        "A view was created in no_grad mode and its base or another view of its base has been modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).",
      );
    }
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get outputNr(): number {
    return this.outputNr_;
  }

  get retainsGrad(): boolean {
    return this.retainsGrad_ && !this.isLeaf;
  }

  get grad(): Tensor | null {
    if (!this.isLeaf && !this.retainsGrad_) warn(NON_LEAF_GRAD_WARNING);
    return this.grad_;
  }

  set grad(value: Tensor | null) {
    if (value === null || value === undefined) {
      this.grad_ = null;
      return;
    }
    if (!(value instanceof Tensor)) {
      throw new TypeError(`assigned grad expected to be a Tensor or None but got grad of type ${pyTypeName(value)}`);
    }
    if (value === this) throw new Error("can't assign Variable as its own grad");
    if (value.dtype_ !== this.dtype_) {
      throw new Error(
        `attempting to assign a gradient with dtype '${value.dtype_.cppName}' to a tensor with dtype '${this.dtype_.cppName}'. Please ensure that the gradient and the tensor have the same dtype`,
      );
    }
    if (shapeStr(value.shape_) !== shapeStr(this.shape_)) {
      throw new Error(
        `attempting to assign a gradient of size '${shapeStr(value.shape_)}' to a tensor of size '${shapeStr(this.shape_)}'. Please ensure that the gradient and the tensor are the same size`,
      );
    }
    this.grad_ = value;
  }

  retainGrad(): void {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf) return;
    if (this.retainsGrad_) return;
    this.retainsGrad_ = true;
    const node = this.gradFn as Node;
    (node.retainGradTargets ??= new Map()).set(this.outputNr_, this);
  }

  /** The version counter's value (`_version`): how many in-place changes this storage has seen. */
  get version(): number {
    if (this.inference) throw new Error('Inference tensors do not track version counter.');
    return this.versionCounter.value;
  }

  isInference(): boolean {
    return this.inference;
  }

  /** The base tensor of a view (`_base`), or null. */
  get base(): Tensor | null {
    return this.viewInfo?.base ?? null;
  }

  isView(): boolean {
    return this.viewInfo !== null;
  }

  /** A new leaf sharing storage and version counter, that does not require grad. */
  detach(): Tensor {
    // The layout arrays are shared, as between the results of small ops: no tensor's shape or strides
    // array is changed in place (a new layout is a new array).
    return this.aliasWithLayout(this.shape_, this.strides_, this.offset_);
  }

  detach_(): this {
    if (this.viewInfo !== null) {
      throw new Error(
        "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.",
      );
    }
    this.gradFn_ = null;
    this.outputNr_ = 0;
    this.ownRequiresGrad = false;
    return this;
  }

  /** The same storage without autograd tracking, with a fresh version counter (`.data`). */
  get data(): Tensor {
    return new Tensor(this.storage_, [...this.shape_], [...this.strides_], this.offset_, this.dtype_);
  }

  set data(other: Tensor) {
    if (!(other instanceof Tensor)) throw new TypeError(`data must be a Tensor, not ${pyTypeName(other)}`);
    if (this.requiresGrad && !other.dtype_.isDifferentiable) {
      throw new Error('data set to a tensor that requires gradients must be floating point or complex dtype');
    }
    this.storage_ = other.storage_;
    this.shape_ = [...other.shape_];
    this.strides_ = [...other.strides_];
    this.offset_ = other.offset_;
    this.dtype_ = other.dtype_;
  }

  registerHook(hook: TensorHook): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`hook must be a function, but got ${typeof hook}`);
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    const node = this.gradFn;
    if (node === null) return addHook((this.leafHooks ??= new Map()), hook);
    return addHook((node.tensorPreHooks ??= new Map()), { outputNr: this.outputNr_, fn: hook });
  }

  registerPostAccumulateGradHook(hook: (t: Tensor) => void): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`hook must be a function, but got ${typeof hook}`);
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    if (!this.isLeaf) throw new Error('post accumulate grad hooks cannot be registered on non-leaf tensors');
    return addHook((this.postAccumulateHooks ??= new Map()), hook);
  }

  /**
   * Computes gradients of this tensor w.r.t. graph leaves. `t.backward()`, `t.backward(grad)`,
   * `t.backward(grad, { retainGraph })` or `t.backward({ retainGraph })`.
   */
  backward(gradient?: Tensor | null | BackwardOptions, options?: BackwardOptions): void {
    const isOptions =
      typeof gradient === 'object' && gradient !== null && !(gradient instanceof Tensor) && !Array.isArray(gradient);
    if (isOptions && options === undefined) {
      lateBound.runBackward([this], [null], gradient as BackwardOptions);
      return;
    }
    // As in PyTorch, a sequence is taken as one gradient per root (and then type-checked).
    const grads: readonly unknown[] = Array.isArray(gradient) ? gradient : [gradient ?? null];
    lateBound.runBackward([this], grads, options);
  }

  /** @internal The gradient edge of this tensor: its gradFn, or its leaf accumulator. */
  gradientEdge(): readonly [Node | null, number] {
    const fn = this.gradFn;
    if (fn !== null) return fn.edgeTo(this.outputNr_);
    if (!this.requiresGrad) return [null, 0];
    if (this.gradAccumulator === null) this.gradAccumulator = new AccumulateGrad(this);
    return this.gradAccumulator.edgeTo(0);
  }

  /** @internal Records that `node` produced this tensor as output `outputNr`. */
  setHistory(node: Node, outputNr: number): void {
    // A retained gradient follows the tensor to its new node (after in-place changes).
    const old = this.gradFn_;
    if (this.retainsGrad_ && old !== null && old.retainGradTargets?.get(this.outputNr_) === this) {
      old.retainGradTargets.delete(this.outputNr_);
      (node.retainGradTargets ??= new Map()).set(outputNr, this);
    }
    this.gradFn_ = node;
    this.outputNr_ = outputNr;
    if (this.viewInfo !== null) this.viewInfo.gradFnVersion = this.versionCounter.value;
  }
}

/** The Python type name of a JavaScript value, for messages that PyTorch words with Python types. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'bigint') return 'int';
  if (value instanceof Tensor) return 'Tensor';
  if (typeof value === 'function') return 'function';
  return (value as object).constructor?.name ?? 'object';
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
