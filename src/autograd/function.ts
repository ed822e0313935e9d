// Custom autograd functions (torch.autograd.Function): a user-written forward and backward that enter
// the graph as one node. As in PyTorch, the node of a call is also the `ctx` its forward and backward
// receive, so what forward stores on ctx is readable from `output.gradFn` (spec 8).
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { zeros } from '../tensor/factory.js';
import type { DType } from '../tensor/dtype.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { ErrorNode, Node, SavedTensor, type Edge, type InputMetadata, type MaybeTensor } from './node.js';
import { rebaseHistory } from '../ops/inplace.js';

const NO_BACKWARD =
  'You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.';

/** Shape and dtype of a forward output: the zeros a missing gradient is materialised as. */
interface OutputInfo {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * The `ctx` of a custom Function call and its backward node (`<MyFnBackward>`). Forward may set any
 * attribute on it (`ctx.k = 3`), read back in backward and from the output's gradFn.
 */
export class FunctionCtx extends Node {
  [attribute: string]: unknown;

  /** One flag per forward argument: a tensor that requires grad (false for non-tensors). */
  readonly needsInputGrad: readonly boolean[];
  private toSave: readonly (Tensor | null)[] | null = null;
  private saved: (SavedTensor | null)[] = [];
  private dirty = new Set<Tensor>();
  private nonDifferentiable = new Set<Tensor>();
  private materializeGrads = true;
  private outputInfo: (OutputInfo | null)[] = [];

  /** @internal Made by `Function.apply`. */
  constructor(
    private readonly forwardCls: FunctionClass,
    edges: Edge[],
    metadata: (InputMetadata | null)[],
    needsInputGrad: boolean[],
    /** Which forward arguments are tensors (backward returns one value per argument). */
    private readonly isTensorInput: readonly boolean[],
  ) {
    super(edges, metadata, 0);
    this.needsInputGrad = needsInputGrad;
  }

  name(): string {
    return `${this.forwardCls.name}Backward`;
  }

  protected override get reprPrefix(): string {
    return 'torch.autograd.function.';
  }

  /** Saves tensors (or null) for backward; they are version-checked and freed after backward. */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && !(t instanceof Tensor)) {
        throw new TypeError(`save_for_backward can only save variables, but argument ${i} is of type ${pyTypeName(t)}`);
      }
    });
    this.toSave = tensors;
  }

  /** The tensors given to saveForBackward, checked against in-place changes since. */
  get savedTensors(): (Tensor | null)[] {
    return this.saved.map((s) => (s === null ? null : s.unpack()));
  }

  /** Declares inputs that forward modified in place; they are returned as the outputs themselves. */
  markDirty(...tensors: Tensor[]): void {
    this.dirty = new Set(tensors);
  }

  /** Declares outputs that are not differentiable: they do not require grad. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    this.nonDifferentiable = new Set(tensors);
  }

  /** With false, gradients of outputs that received none reach backward as null instead of zeros. */
  setMaterializeGrads(value: boolean): void {
    this.materializeGrads = value;
  }

  /** @internal */
  finishForward(outputs: readonly unknown[], inputs: readonly unknown[], executable: boolean): unknown[] {
    for (const t of this.dirty) {
      if (!outputs.includes(t)) {
        throw new Error(
          'Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.',
        );
      }
      // PyTorch bumps the version of each dirty tensor once more (on top of the in-place op's own bump).
      if (!t.isInference()) t.versionCounter.value++;
    }
    const wrapped = outputs.map((o, i) => (o instanceof Tensor ? this.wrapOutput(o, i, outputs.length, inputs.includes(o), executable) : o));
    this.numOutputs = outputs.length;
    this.outputInfo = outputs.map((o) => (o instanceof Tensor ? { shape: o.shape, dtype: o.dtype } : null));
    if (executable && this.toSave !== null) {
      this.saved = this.toSave.map((t) => (t === null ? null : new SavedTensor(t, t.gradFn === this ? this : null)));
    }
    this.toSave = null;
    return wrapped;
  }

  /** PyTorch's _process_backward_mode_ad: gives output `i` its history. */
  private wrapOutput(out: Tensor, i: number, numOutputs: number, isInput: boolean, executable: boolean): Tensor {
    const isModified = this.dirty.has(out);
    const differentiable = executable && !this.nonDifferentiable.has(out) && out.dtype.isDifferentiable;
    if (!differentiable) {
      // Inputs come back as aliases; other outputs made under noGrad are already plain tensors
      // (or views of inputs, which keep requiring grad as views made under noGrad do).
      return isInput && !isModified ? out.detach() : out;
    }
    if (isModified) {
      if (out.isLeaf && out.requiresGrad) {
        throw new Error('a leaf Variable that requires grad has been used in an in-place operation.');
      }
      if (out.isView() && numOutputs > 1) {
        throw new Error(
          'If your Function modifies inplace an input that is a view of another Tensor, your Function cannot return more than one Tensor. This is not supported by the current autograd engine. You should either make sure the input is not a view (using .clone() for example) or make your Function only return one Tensor (potentially splitting it into two Functions: one doing the inplace that returns a single Tensor and a second one that does the other operations). You can ask on the forum https://discuss.pytorch.org/ if you need help to do this change.',
        );
      }
      rebaseHistory(out, this, i);
      return out;
    }
    const result = isInput ? out.detach() : out;
    result.setHistory(this, i);
    return result;
  }

  /** Runs the user's backward on the gradients of the outputs; one gradient per tensor input. */
  apply(gradOutputs: MaybeTensor[]): MaybeTensor[] {
    const grads = gradOutputs.map((g, i) => {
      const info = this.outputInfo[i];
      return g === null && this.materializeGrads && info ? zeros(info.shape, { dtype: info.dtype }) : g;
    });
    const result = this.forwardCls.backward(this, ...(grads as never[]));
    const values = Array.isArray(result) ? [...(result as unknown[])] : [result];
    const expected = this.isTensorInput.length;
    // Extra values are allowed when they are all null (PyTorch trims them).
    if (values.length > expected && values.slice(expected).every((v) => v === null || v === undefined)) {
      values.length = expected;
    }
    if (values.length !== expected) {
      throw new Error(
        `function ${this.name()} returned an incorrect number of gradients (expected ${expected}, got ${values.length})`,
      );
    }
    const tensorGrads: MaybeTensor[] = [];
    values.forEach((v, i) => {
      const value = v ?? null;
      if (!this.isTensorInput[i]) {
        if (value !== null) {
          throw new Error(
            `function ${this.name()} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`,
          );
        }
        return;
      }
      if (value !== null && !(value instanceof Tensor)) throw new Error(`expected Variable or None (got ${pyTypeName(value)})`);
      tensorGrads.push(value);
    });
    return tensorGrads;
  }

  override releaseVariables(): void {
    for (const s of this.saved) s?.release();
  }
}

/**
 * What `Function.apply` needs of a subclass: its static forward and backward, and in PyTorch 2.x's
 * separate-context style a `setupContext(ctx, inputs, output)` (then forward takes no ctx).
 */
export interface FunctionClass {
  readonly name: string;
  forward(...args: never[]): unknown;
  backward(ctx: FunctionCtx, ...grads: never[]): unknown;
  setupContext?(ctx: FunctionCtx, inputs: never, output: never): void;
}

interface WithSetupContext {
  setupContext(ctx: FunctionCtx, inputs: never, output: never): void;
}

type ForwardArgs<C> = C extends WithSetupContext
  ? C extends { forward(...args: infer A): unknown }
    ? A
    : never
  : C extends { forward(ctx: FunctionCtx, ...args: infer A): unknown }
    ? A
    : never;
type ForwardResult<C> = C extends { forward(...args: never[]): infer R } ? R : never;

/**
 * Base class of custom autograd functions. Subclasses define `static forward(ctx, ...args)` and
 * `static backward(ctx, ...grads)` (or PyTorch 2.x's `static forward(...args)` with
 * `static setupContext(ctx, inputs, output)`) and are called with `MyFn.apply(...args)`:
 *
 *     class MyExp extends torch.autograd.Function {
 *       static forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *       static backward(ctx: FunctionCtx, g: Tensor) { const [y] = ctx.savedTensors; return g.mul(y as Tensor); }
 *     }
 */
export class Function {
  /** Computes the outputs from `(ctx, ...args)` (or from `(...args)` with setupContext); runs with grad mode off. */
  static forward(..._args: never[]): unknown {
    throw new Error('You must implement the forward function for custom autograd.Function.');
  }

  /** Returns one gradient (or null) per forward argument, given one gradient per output. */
  static backward(_ctx: FunctionCtx, ..._grads: never[]): unknown {
    const e = new Error(NO_BACKWARD);
    e.name = 'NotImplementedError';
    throw e;
  }

  /** Runs forward and records one `<NameBackward>` node for the call. */
  static apply<C extends FunctionClass>(this: C, ...args: ForwardArgs<C>): ForwardResult<C> {
    const inputs: readonly unknown[] = args;
    const isTensorInput = inputs.map((a) => a instanceof Tensor);
    const tensors = inputs.filter((a): a is Tensor => a instanceof Tensor);
    const executable = isGradEnabled() && tensors.some((t) => t.requiresGrad);
    const edges: Edge[] = executable ? tensors.map((t) => t.gradientEdge()) : [];
    const metadata = executable ? tensors.map((t) => ({ shape: t.shape, dtype: t.dtype })) : [];
    const needsInputGrad = inputs.map((a) => a instanceof Tensor && a.requiresGrad);
    const ctx = new FunctionCtx(this, edges, metadata, needsInputGrad, isTensorInput);
    const setup = this.setupContext;
    const raw = noGrad(() => {
      if (setup === undefined) return this.forward(...([ctx, ...inputs] as never[]));
      const output = this.forward(...(args as never[]));
      setup.call(this, ctx, [...inputs] as never, output as never);
      return output;
    });
    const isTuple = Array.isArray(raw);
    const outputs = ctx.finishForward(isTuple ? (raw as unknown[]) : [raw], inputs, executable);
    return (isTuple ? outputs : outputs[0]) as ForwardResult<C>;
  }
}

/**
 * `torch.autograd.function.once_differentiable`: wraps a backward that cannot itself be
 * differentiated. It runs without recording; if a double backward is attempted through it, its
 * results carry an Error node that raises when reached.
 */
export function onceDifferentiable<A extends unknown[], R>(
  backward: (ctx: FunctionCtx, ...grads: A) => R,
): (ctx: FunctionCtx, ...grads: A) => R {
  if (typeof backward !== 'function') throw new TypeError(`onceDifferentiable(): expected a backward function, got ${pyTypeName(backward)}`);
  return (ctx, ...grads) => {
    const outputs = noGrad(() => backward(ctx, ...grads));
    if (!isGradEnabled()) return outputs;
    if (!grads.some((g) => g instanceof Tensor && g.requiresGrad)) return outputs;
    const isTuple = Array.isArray(outputs);
    const list = (isTuple ? outputs : [outputs]) as unknown[];
    // Aliases that require grad, so that the Error node's outputs get a gradFn.
    const aliases = list.map((o) => (o instanceof Tensor ? o.detach().requiresGrad_(true) : null));
    const err = new ErrorNode(
      'trying to differentiate twice a function that was marked with @once_differentiable',
      aliases.map((a) => (a === null ? ([null, 0] as const) : a.gradientEdge())),
      list.length,
    );
    const wrapped = list.map((o, i) => {
      if (!(o instanceof Tensor)) return o;
      const out = o.detach();
      out.setHistory(err, i);
      return out;
    });
    return (isTuple ? wrapped : wrapped[0]) as R;
  };
}
