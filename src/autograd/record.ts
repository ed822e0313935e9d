// Recording an op in the graph: the one place where a forward op becomes a node with edges, saved
// tensors and a backward formula. Ops call `record` after computing their outputs.
import { Tensor } from '../tensor/tensor.js';
import { OpNode, type BackwardFormula, type Edge, type InputMetadata } from './node.js';
import { isGradEnabled } from './grad-mode.js';

export interface OpRecord<A = undefined> {
  /** The grad_fn name, PyTorch 2.x's (`MulBackward0`). */
  readonly name: string;
  /** The forward's tensor inputs in argument order; null for non-tensor or non-differentiable ones. */
  readonly inputs: readonly (Tensor | null | undefined)[];
  readonly outputs: readonly Tensor[];
  /**
   * Tensors the formula needs, passed to it in this order (version-checked, freed after backward). As a
   * function of which inputs need gradients (and of the inputs) it may return null for a tensor no
   * needed gradient uses; PyTorch saves only those, so later in-place changes of an unneeded operand
   * are no error.
   */
  readonly save?: readonly Tensor[] | SaveRule;
  readonly backward: BackwardFormula<A>;
  /** The non-tensor values the formula receives as its `args`. */
  readonly args?: A;
}

/** Which tensors to save, given which inputs need gradients and the inputs themselves. */
export type SaveRule = (needsInputGrad: readonly boolean[], inputs: readonly (Tensor | null | undefined)[]) => readonly (Tensor | null)[];

/** The edge of an input that needs no gradient; shared, since edges are never mutated. */
const NO_EDGE: Edge = [null, 0];

/**
 * Which inputs need a gradient, for ops of one or two inputs (most), indexed by 2 ** n - 2 plus the
 * bits of the inputs that need one: shared, as formulas only read them, instead of an array per node.
 */
const SHARED_NEEDS: readonly (readonly boolean[])[] = [[false], [true], [false, false], [true, false], [false, true], [true, true]];

/** The `save` of ops that save nothing (most): one array for all rather than one per node. */
const NOTHING_TO_SAVE: readonly Tensor[] = [];

/** Which of these edges lead to a node: the inputs whose gradients are needed. */
function needsOf(edges: readonly Edge[]): readonly boolean[] {
  const n = edges.length;
  if (n === 1) return SHARED_NEEDS[edges[0][0] !== null ? 1 : 0];
  if (n === 2) return SHARED_NEEDS[2 + (edges[0][0] !== null ? 1 : 0) + (edges[1][0] !== null ? 2 : 0)];
  const needs = new Array<boolean>(n);
  for (let i = 0; i < n; i++) needs[i] = edges[i][0] !== null;
  return needs;
}

/** Whether an op with these inputs and outputs builds a graph node. */
function needsRecording(inputs: readonly (Tensor | null | undefined)[], outputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  let anyRequiresGrad = false;
  for (const t of inputs) {
    if (t && t.requiresGrad) {
      anyRequiresGrad = true;
      break;
    }
  }
  if (!anyRequiresGrad) return false;
  for (const o of outputs) if (o.dtype_.isDifferentiable) return true;
  return false;
}

/**
 * Whether an op with these two operands may be recorded: grad mode is on and one of them is a tensor
 * that requires grad. The hottest ops test it before building their record, whose object, arrays and
 * closures were a visible share of the calls that record nothing (every op of a plain backward).
 */
export function mayRecord(x: unknown, y: unknown): boolean {
  return isGradEnabled() && ((x instanceof Tensor && x.requiresGrad) || (y instanceof Tensor && y.requiresGrad));
}

/** Adds a node for an op whose outputs were just computed; a no-op when nothing requires grad. */
export function record<A = undefined>(op: OpRecord<A>): OpNode | null {
  const { inputs, outputs } = op;
  if (!needsRecording(inputs, outputs)) return null;
  // Preallocated rather than grown by push: growing an empty array allocates room for many more.
  const n = inputs.length;
  const edges = new Array<Edge>(n);
  const metadata = new Array<InputMetadata | null>(n);
  for (let i = 0; i < n; i++) {
    const t = inputs[i];
    edges[i] = t && t.requiresGrad ? t.gradientEdge() : NO_EDGE;
    // Shapes are never changed in place (a new layout is a new array), so the input's own is kept.
    metadata[i] = t ? { shape: t.shape_, dtype: t.dtype_ } : null;
  }
  const needs = needsOf(edges);
  const toSave = typeof op.save === 'function' ? op.save(needs, inputs) : (op.save ?? NOTHING_TO_SAVE);
  const node = new OpNode(op.name, edges, metadata, outputs.length, op.backward, toSave, outputs, needs, op.args);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    if (o.dtype_.isDifferentiable) o.setHistory(node, i);
  }
  return node;
}

/** The rule crossSaved gives for operands at `first` and `first + 1`. */
function crossRule(first: number): SaveRule {
  return (needs, inputs) => [needs[first + 1] ? (inputs[first] as Tensor) : null, needs[first] ? (inputs[first + 1] as Tensor) : null];
}

// Made once: the rule was a closure per recorded product.
const CROSS_RULES = [crossRule(0), crossRule(1)] as const;

/**
 * The `save` of a product of two tensor inputs (at input positions `first` and `first + 1`): each
 * operand is needed only for the other's gradient, so it is saved only when that gradient is needed.
 */
export function crossSaved(first: 0 | 1 = 0): SaveRule {
  return CROSS_RULES[first];
}
