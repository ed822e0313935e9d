// Nodes of the backward graph, their edges, hooks and saved tensors.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { captureForwardStack, isAnomalyEnabled } from './anomaly.js';
import { addressOf, nextAddressId } from './address.js';
import type { Task } from './engine.js';

/** `[node, inputNr]`: where a gradient goes; `[null, 0]` for inputs that need no gradient. */
export type Edge = readonly [Node | null, number];

export type MaybeTensor = Tensor | null;

/** Shape and dtype of a forward input, used to reduce and cast the gradient that flows to it. */
export interface InputMetadata {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export const BACKWARD_TWICE_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** Handle returned by every register*Hook; `remove()` unregisters. */
export class RemovableHandle {
  private static nextId = 0;
  readonly id = RemovableHandle.nextId++;
  constructor(private readonly hooks: Map<number, unknown>) {}
  remove(): void {
    this.hooks.delete(this.id);
  }
}

export function addHook<F>(hooks: Map<number, F>, fn: F): RemovableHandle {
  const handle = new RemovableHandle(hooks as Map<number, unknown>);
  hooks.set(handle.id, fn);
  return handle;
}

export type TensorHook = (grad: Tensor) => Tensor | null | undefined | void;
export type NodePreHook = (gradOutputs: MaybeTensor[]) => MaybeTensor[] | null | undefined | void;
export type NodePostHook = (gradInputs: MaybeTensor[], gradOutputs: MaybeTensor[]) => MaybeTensor[] | null | undefined | void;

let sequenceCounter = 0;

export abstract class Node {
  // Declared here and set in the constructor, without class-field definitions: a node is made for
  // every recorded op, so its construction cost is part of every small op's.
  /** Creation order; the engine runs later-created nodes first. */
  declare readonly sequenceNr: number;
  /** The number of the node's address (see address.ts), given when first shown (0 until then). */
  private declare addressId: number;
  /** Stack of the forward call that created the node, recorded in anomaly mode. */
  declare readonly forwardStack: string | undefined;

  // The tables below are created on first use: a node is made for every recorded op and almost none
  // gets hooks, retained gradients or metadata, so eager Maps were most of the cost of a small node.
  private declare metadata_: Record<string, unknown> | null;
  declare preHooks: Map<number, NodePreHook> | null;
  declare postHooks: Map<number, NodePostHook> | null;
  /** Hooks registered on the tensors this node produced (`t.registerHook`), by output number. */
  declare tensorPreHooks: Map<number, { outputNr: number; fn: TensorHook }> | null;
  /** For `retainGrad()`: the tensor whose `.grad` receives this output's gradient. */
  declare retainGradTargets: Map<number, Tensor> | null;
  /** @internal The engine's record of this node during a backward that reached it. */
  declare task: Task | null;
  /** The edge into output 0, made when first asked for: most nodes have one output, used by the next op. */
  private declare edgeTo0: Edge | null;
  declare readonly nextEdges: Edge[];
  declare readonly inputMetadata: (InputMetadata | null)[];
  /**
   * How many forward outputs this node has (the number of gradients it receives). Custom functions
   * learn it only after their forward ran, so it is set then.
   */
  declare numOutputs: number;

  constructor(nextEdges: Edge[], inputMetadata: (InputMetadata | null)[], numOutputs: number) {
    this.sequenceNr = sequenceCounter++;
    this.addressId = 0;
    this.forwardStack = captureForwardStack();
    this.metadata_ = null;
    this.preHooks = null;
    this.postHooks = null;
    this.tensorPreHooks = null;
    this.retainGradTargets = null;
    this.task = null;
    this.edgeTo0 = null;
    this.nextEdges = nextEdges;
    this.inputMetadata = inputMetadata;
    this.numOutputs = numOutputs;
  }

  /** The edge into output `outputNr` (edges are never changed, so one may be shared). */
  edgeTo(outputNr: number): Edge {
    if (outputNr !== 0) return [this, outputNr];
    return (this.edgeTo0 ??= [this, 0]);
  }

  /** A stable unique id shown where PyTorch shows an address. */
  get address(): number {
    if (this.addressId === 0) this.addressId = nextAddressId();
    return addressOf(this.addressId);
  }

  /** Free-form per-node data (`grad_fn.metadata`). */
  get metadata(): Record<string, unknown> {
    return (this.metadata_ ??= {});
  }

  abstract name(): string;

  /** Computes the gradients for the forward inputs from the gradients of the forward outputs. */
  abstract apply(gradOutputs: MaybeTensor[]): MaybeTensor[];

  /** Frees saved tensors after a backward without `retainGraph`. */
  releaseVariables(): void {}

  get nextFunctions(): Edge[] {
    return this.nextEdges.map(([node, nr]) => [node, nr] as const);
  }

  registerHook(fn: NodePostHook): RemovableHandle {
    checkFunction(fn);
    return addHook((this.postHooks ??= new Map()), fn);
  }

  registerPrehook(fn: NodePreHook): RemovableHandle {
    checkFunction(fn);
    return addHook((this.preHooks ??= new Map()), fn);
  }

  /** Calls the node directly, as `grad_fn(grad)` does in PyTorch: one gradient per forward input. */
  call(...gradOutputs: MaybeTensor[]): MaybeTensor[] {
    return this.apply(gradOutputs);
  }

  /** The class name PyTorch shows in reprs (`grad_fn=<MulBackward0>`). */
  get className(): string {
    return this.name().replace(/^.*::/, '');
  }

  protected get reprPrefix(): string {
    return '';
  }

  toString(): string {
    return `<${this.reprPrefix}${this.className} object at 0x${this.address.toString(16)}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function checkFunction(fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`hook must be a function, but got ${typeof fn}`);
}

/** A tensor saved for backward: checked against in-place changes and freed after backward. */
export class SavedTensor {
  // Set in the constructor without class-field definitions: most recorded ops save a tensor or two.
  private declare tensor: Tensor | null;
  private declare version: number;
  /** The node that saved it, when the tensor is one of that node's own outputs. */
  private declare readonly savedByOutputOf: Node | null;

  constructor(tensor: Tensor, savedByOutputOf: Node | null = null) {
    this.savedByOutputOf = savedByOutputOf;
    if (tensor.inference) {
      throw new Error(
        'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.',
      );
    }
    this.tensor = tensor;
    this.version = tensor.versionValue;
  }

  get released(): boolean {
    return this.tensor === null;
  }

  release(): void {
    this.tensor = null;
  }

  /** The saved tensor without the version check (null once released). */
  peek(): Tensor | null {
    return this.tensor;
  }

  /** Points a saved output at another tensor holding the same values (in-place ops save `self`). */
  rebind(tensor: Tensor): void {
    if (this.tensor === null) return;
    this.tensor = tensor;
    this.version = tensor.versionValue;
  }

  unpack(): Tensor {
    const t = this.tensor;
    if (t === null) throw new Error(BACKWARD_TWICE_MESSAGE);
    const current = t.versionValue;
    if (current !== this.version) {
      const producer = this.savedByOutputOf ?? t.gradFn;
      const which = producer ? `, which is output ${t.outputNr} of ${producer.name()},` : '';
      const hint = isAnomalyEnabled()
        ? 'Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!'
        : 'Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).';
      throw new Error(
        `one of the variables needed for gradient computation has been modified by an inplace operation: [${t.dtype.legacyName} [${t.shape.join(', ')}]]${which} is at version ${current}; expected version ${this.version} instead. ${hint}`,
      );
    }
    return t;
  }
}

/**
 * Backward formula of an op: gradients of the inputs from the gradients of the outputs. `args` are the
 * forward's non-tensor values the formula needs (shapes, dims, numbers), recorded with it: a formula
 * made once and given them costs less than a closure made per call, whose first call compiles it.
 */
export type BackwardFormula<A = undefined> = (
  grads: MaybeTensor[],
  saved: Tensor[],
  needsInputGrad: readonly boolean[],
  args: A,
) => MaybeTensor[];

/** What formulas of ops that save nothing receive (they never write to it). */
const NOTHING_SAVED: (Tensor | null)[] = [];
/** The saved tensors of every node that saves none (never written: the loops over it do nothing). */
const NO_SAVED_TENSORS: (SavedTensor | null)[] = [];

/** The node of a built-in op: a name, saved tensors and a backward formula. */
export class OpNode extends Node {
  private declare readonly opName: string;
  // Stored without its args' type (every formula accepts `never`); apply passes the args recorded with it.
  private declare readonly formula: BackwardFormula<never>;
  private declare readonly args: unknown;
  private declare readonly saved: (SavedTensor | null)[];
  /** Which inputs need a gradient (fixed at recording: edges never change). */
  private declare readonly needs: readonly boolean[];

  constructor(
    opName: string,
    nextEdges: Edge[],
    inputMetadata: (InputMetadata | null)[],
    numOutputs: number,
    formula: BackwardFormula<never>,
    /** Tensors the formula receives, in order; null for slots not needed by the gradients asked for. */
    toSave: readonly (Tensor | null)[] = [],
    /** The op's outputs: a saved output is reported as this node's own in version errors. */
    outputs: readonly Tensor[] = [],
    needs: readonly boolean[] = nextEdges.map(([node]) => node !== null),
    args: unknown = undefined,
  ) {
    super(nextEdges, inputMetadata, numOutputs);
    this.opName = opName;
    this.formula = formula;
    this.args = args;
    this.needs = needs;
    // Preallocated rather than grown by push: growing an empty array allocates room for many more.
    // Nodes that save nothing share one empty list.
    const saved = toSave.length === 0 ? NO_SAVED_TENSORS : new Array<SavedTensor | null>(toSave.length);
    for (let i = 0; i < toSave.length; i++) {
      const t = toSave[i];
      let ownOutput = false;
      for (let j = 0; j < outputs.length; j++) if (outputs[j] === t) ownOutput = true;
      saved[i] = t === null ? null : new SavedTensor(t, ownOutput ? this : null);
    }
    this.saved = saved;
  }

  name(): string {
    return this.opName;
  }

  get needsInputGrad(): boolean[] {
    return [...this.needs];
  }

  apply(gradOutputs: MaybeTensor[]): MaybeTensor[] {
    // Slots the op chose not to save are null; formulas read them only for gradients that are needed.
    const saved = this.saved.length === 0 ? NOTHING_SAVED : new Array<Tensor | null>(this.saved.length);
    for (let i = 0; i < saved.length; i++) {
      const s = this.saved[i];
      saved[i] = s === null ? null : s.unpack();
    }
    let anyGrad = false;
    for (let i = 0; i < gradOutputs.length; i++) if (gradOutputs[i] !== null) anyGrad = true;
    if (!anyGrad) return this.nextEdges.map(() => null);
    return this.formula(gradOutputs, saved as Tensor[], this.needs, this.args as never);
  }

  override releaseVariables(): void {
    for (const s of this.saved) s?.release();
  }

  /** After an in-place op, its saved output is the modified tensor itself. */
  rebindSavedOutput(from: Tensor, to: Tensor): void {
    for (const s of this.saved) if (s !== null && !s.released && s.peek() === from) s.rebind(to);
  }
}

// AccumulateGrad nodes have no edges and no inputs: they share these (never changed) arrays.
const NO_EDGES: Edge[] = [];
const NO_METADATA: (InputMetadata | null)[] = [];

/** The sink of a leaf's gradients: accumulates into `.grad`. One per leaf, cached on the tensor. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super(NO_EDGES, NO_METADATA, 1);
  }

  name(): string {
    return 'torch::autograd::AccumulateGrad';
  }

  apply(): MaybeTensor[] {
    throw new Error('AccumulateGrad is run by the engine');
  }
}

/** A node that raises when backward reaches it (the outputs of once-differentiable backwards). */
export class ErrorNode extends Node {
  constructor(
    private readonly message: string,
    nextEdges: Edge[],
    numOutputs: number,
  ) {
    super(nextEdges, nextEdges.map(() => null), numOutputs);
  }
  name(): string {
    return 'torch::autograd::Error';
  }
  apply(): MaybeTensor[] {
    throw new Error(this.message);
  }
}

export function isNode(value: unknown): value is Node {
  return value instanceof Node;
}
