// Recording an op in the graph: the one place where a forward op becomes a node with edges, saved
// tensors and a backward formula. Ops call `record` after computing their outputs.
import { Tensor } from '../tensor/tensor.js';
import { OpNode, type BackwardFormula, type Edge, type InputMetadata } from './node.js';

export interface OpRecord {
  /** The grad_fn name, PyTorch 2.x's (`MulBackward0`). */
  readonly name: string;
  /** The forward's tensor inputs in argument order; null for non-tensor or non-differentiable ones. */
  readonly inputs: readonly (Tensor | null | undefined)[];
  readonly outputs: readonly Tensor[];
  /**
   * Tensors the formula needs, passed to it in this order (version-checked, freed after backward). As a
   * function of which inputs need gradients it may return null for a tensor no needed gradient uses;
   * PyTorch saves only those, so later in-place changes of an unneeded operand are no error.
   */
  readonly save?: readonly Tensor[] | ((needsInputGrad: readonly boolean[]) => readonly (Tensor | null)[]);
  readonly backward: BackwardFormula;
}

/** Whether an op with these inputs and outputs builds a graph node. */
export function needsRecording(inputs: readonly (Tensor | null | undefined)[], outputs: readonly Tensor[]): boolean {
  return Tensor.shouldRecord(inputs) && outputs.some((o) => o.dtype.isDifferentiable);
}

/** Adds a node for an op whose outputs were just computed; a no-op when nothing requires grad. */
export function record(op: OpRecord): OpNode | null {
  if (!needsRecording(op.inputs, op.outputs)) return null;
  const edges: Edge[] = op.inputs.map((t) => (t && t.requiresGrad ? t.gradientEdge() : ([null, 0] as const)));
  const metadata: (InputMetadata | null)[] = op.inputs.map((t) => (t ? { shape: t.shape, dtype: t.dtype } : null));
  const needs = edges.map(([node]) => node !== null);
  const toSave = typeof op.save === 'function' ? op.save(needs) : (op.save ?? []);
  const saved = toSave.map((t) => (t === null ? null : { tensor: t, isOutput: op.outputs.includes(t) }));
  const node = new OpNode(op.name, edges, metadata, op.outputs.length, op.backward, saved);
  op.outputs.forEach((o, i) => {
    if (o.dtype.isDifferentiable) o.setHistory(node, i);
  });
  return node;
}

/**
 * The `save` of a product of two operands (at input positions `first` and `first + 1`): each operand is
 * needed only for the other's gradient, so it is saved only when that gradient is needed.
 */
export function crossSaved(a: Tensor, b: Tensor, first = 0): (needsInputGrad: readonly boolean[]) => (Tensor | null)[] {
  return (needs) => [needs[first + 1] ? a : null, needs[first] ? b : null];
}
