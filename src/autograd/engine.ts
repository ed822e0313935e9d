// The backward engine, as PyTorch's (torch/csrc/autograd/engine.cpp): dependency counting from the
// roots, ready nodes run latest-created first, gradients summed per (node, input) buffer, leaves
// finished by AccumulateGrad, saved tensors freed unless retainGraph.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { isExpandableTo, shapeStr, torchSizeStr } from '../tensor/layout.js';
import { warn } from '../tensor/warnings.js';
import { setGradEnabled, noGrad } from './grad-mode.js';
import { isAnomalyCheckNanEnabled, isAnomalyEnabled } from './anomaly.js';
import { AccumulateGrad, Node, type MaybeTensor, type Edge } from './node.js';
import { sumTo } from '../ops/reduce.js';
import { stack } from '../ops/join.js';
import { onesLike, zerosLike } from '../tensor/factory.js';
import { lateBound } from '../tensor/late-bound.js';
import { optionsArg } from '../tensor/args.js';

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Accumulate only into these tensors' `.grad`. */
  inputs?: Tensor | Tensor[];
}

export interface GradOptions {
  gradOutputs?: Tensor | MaybeTensor[] | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
  materializeGrads?: boolean;
  /** The first dimension of each gradOutput is a batch of vector-Jacobian products. */
  isGradsBatched?: boolean;
}

const CREATE_GRAPH_WARNING =
  'Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters to None after use to break the cycle and avoid the leak.';

function asTensorList(value: Tensor | readonly unknown[], what: string): Tensor[] {
  if (!(value instanceof Tensor) && !Array.isArray(value)) throw new TypeError(`${what} must be a Tensor or a list of Tensors, but got ${pyTypeName(value)}`);
  const list = value instanceof Tensor ? [value] : [...value];
  for (const t of list) {
    if (!(t instanceof Tensor)) throw new TypeError(`${what} must be Tensors, but got ${pyTypeName(t)}`);
  }
  return list as Tensor[];
}

/** PyTorch's `_make_grads`: checks given gradients and creates the implicit ones. */
function makeGrads(outputs: Tensor[], grads: readonly unknown[], batched: boolean): MaybeTensor[] {
  return outputs.map((out, i) => {
    const grad = grads[i] ?? null;
    if (grad instanceof Tensor) {
      const gshape = batched ? grad.shape.slice(1) : grad.shape;
      if (shapeStr(gshape) !== shapeStr(out.shape)) {
        const gi = grads.indexOf(grad);
        if (batched) {
          throw new Error(
            `If \`is_grads_batched=True\`, we interpret the first dimension of each grad_output as the batch dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding output, but a mismatch was detected: grad_output[${gi}] has a shape of ${torchSizeStr(grad.shape)} and output[${i}] has a shape of ${torchSizeStr(out.shape)}. If you only want some tensors in \`grad_output\` to be considered batched, consider using vmap.`,
          );
        }
        throw new Error(
          `Mismatch in shape: grad_output[${gi}] has a shape of ${torchSizeStr(grad.shape)} and output[${outputs.indexOf(out)}] has a shape of ${torchSizeStr(out.shape)}.`,
        );
      }
      return grad;
    }
    if (grad === null) {
      if (!out.requiresGrad) return null;
      if (out.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
      return onesLike(out);
    }
    throw new TypeError(`gradients can be either Tensors or None, but got ${pyTypeName(grad)}`);
  });
}

function rootEdges(outputs: Tensor[]): Edge[] {
  return outputs.map((t, i) => {
    const edge = t.gradientEdge();
    if (edge[0] === null) throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    return edge;
  });
}

/** `t.backward(...)` and `torch.autograd.backward(...)`. */
export function runBackward(roots: Tensor[], grads: readonly unknown[], opts: BackwardOptions): void {
  const tensors = asTensorList(roots, 'tensors');
  const options = optionsArg(opts, 'backward');
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  let inputs: Tensor[] | undefined;
  if (options.inputs !== undefined) {
    inputs = asTensorList(options.inputs, 'inputs');
    if (inputs.length === 0) throw new Error('`inputs` argument to `backward()` cannot be empty.');
  }
  const gradTensors = makeGrads(tensors, grads, false);
  // The engine warns whenever it accumulates into .grad while creating the graph.
  if (createGraph) warn(CREATE_GRAPH_WARNING);
  if (inputs) for (const input of inputs) input.retainGrad();
  const edges = rootEdges(tensors);
  const targets = inputs?.map((t) => t.gradientEdge());
  runEngine(edges, gradTensors, { keepGraph: retainGraph, createGraph, targets, capture: false });
}

/** `torch.autograd.grad(outputs, inputs, options)`: gradients of outputs w.r.t. inputs, as an array. */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts?: GradOptions): MaybeTensor[] {
  const options = optionsArg(opts, 'grad');
  const materialize = options.materializeGrads ?? false;
  if (materialize && options.allowUnused === false) {
    throw new Error(
      'Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.',
    );
  }
  const allowUnused = options.allowUnused ?? materialize;
  const outs = asTensorList(outputs, 'outputs');
  if (!(inputs instanceof Tensor) && !Array.isArray(inputs)) throw new TypeError(`grad(): argument 'inputs' must be a Tensor or a list of Tensors, but got ${pyTypeName(inputs)}`);
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  if (ins.length === 0) throw new Error('grad requires non-empty inputs.');
  for (const t of ins) {
    if (!(t instanceof Tensor)) {
      throw new Error(`all inputs have to be Tensors or GradientEdges, but got ${pyTypeName(t)}`);
    }
  }
  const gradOutputsRaw = options.gradOutputs ?? null;
  const gradOutputs =
    gradOutputsRaw === null ? outs.map(() => null) : gradOutputsRaw instanceof Tensor ? [gradOutputsRaw] : gradOutputsRaw;
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  for (const t of ins) if (!t.requiresGrad) throw new Error('One of the differentiated Tensors does not require grad');
  const batched = options.isGradsBatched ?? false;
  const grads = makeGrads(outs, gradOutputs, batched);
  const edges = rootEdges(outs);
  const targets = ins.map((t) => t.gradientEdge());
  const run = (seeds: MaybeTensor[]): MaybeTensor[] =>
    runEngine(edges, seeds, { keepGraph: retainGraph || batched, createGraph, targets, capture: true });
  let results: MaybeTensor[];
  if (batched) {
    results = batchedVjp(grads, run);
  } else {
    results = run(grads);
  }
  return results.map((g, i) => {
    if (g !== null) return g;
    if (!allowUnused) {
      throw new Error(
        'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
      );
    }
    return materialize ? zerosLike(ins[i], { requiresGrad: createGraph }) : null;
  });
}

/** Runs one VJP per row of the batched grad outputs and stacks the results. */
function batchedVjp(grads: MaybeTensor[], run: (seeds: MaybeTensor[]) => MaybeTensor[]): MaybeTensor[] {
  const batch = grads.find((g) => g !== null)?.shape[0] ?? 0;
  const rows: MaybeTensor[][] = [];
  for (let b = 0; b < batch; b++) rows.push(run(grads.map((g) => (g === null ? null : g.select(0, b)))));
  return rows[0].map((_, i) => {
    const column = rows.map((r) => r[i]);
    if (column.some((g) => g === null)) return null;
    return stack(column as Tensor[]);
  });
}

interface EngineOptions {
  keepGraph: boolean;
  createGraph: boolean;
  /** Edges whose gradients are wanted; execution is pruned to what they need. */
  targets?: Edge[];
  /** Return the gradients arriving at the targets instead of accumulating into leaves. */
  capture: boolean;
}

/** Max-heap of nodes by sequence number (AccumulateGrad first). */
class ReadyQueue {
  private readonly heap: Node[] = [];
  private static priority(n: Node): number {
    return n instanceof AccumulateGrad ? Infinity : n.sequenceNr;
  }
  get size(): number {
    return this.heap.length;
  }
  push(node: Node): void {
    const h = this.heap;
    h.push(node);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ReadyQueue.priority(h[parent]) >= ReadyQueue.priority(h[i])) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }
  pop(): Node {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Node;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && ReadyQueue.priority(h[l]) > ReadyQueue.priority(h[m])) m = l;
        if (r < h.length && ReadyQueue.priority(h[r]) > ReadyQueue.priority(h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function accumulateInto(buffer: MaybeTensor[], index: number, grad: MaybeTensor): void {
  if (grad === null) return;
  const existing = buffer[index];
  buffer[index] = existing === null || existing === undefined ? grad : existing.add(grad);
}

function runEngine(roots: Edge[], rootGrads: MaybeTensor[], options: EngineOptions): MaybeTensor[] {
  using _mode = setGradEnabled(options.createGraph);
  const buffers = new Map<Node, MaybeTensor[]>();
  const bufferOf = (node: Node): MaybeTensor[] => {
    let b = buffers.get(node);
    if (b === undefined) {
      b = new Array<MaybeTensor>(node.numOutputs).fill(null);
      buffers.set(node, b);
    }
    return b;
  };
  roots.forEach(([node, nr], i) => accumulateInto(bufferOf(node as Node), nr, rootGrads[i]));

  // Dependencies: how many edges from reachable nodes point at each node.
  const dependencies = new Map<Node, number>();
  const reachable: Node[] = [];
  const seen = new Set<Node>();
  const stack = roots.map(([n]) => n as Node);
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (seen.has(node)) continue;
    seen.add(node);
    reachable.push(node);
    for (const [child] of node.nextEdges) {
      if (child === null) continue;
      dependencies.set(child, (dependencies.get(child) ?? 0) + 1);
      if (!seen.has(child)) stack.push(child);
    }
  }

  // With targets, only nodes on a path to a target run; target nodes are captured or run.
  const targetNodes = new Set(options.targets?.map(([n]) => n as Node));
  const needed = computeNeeded(reachable, targetNodes, options);
  const captured = new Map<string, MaybeTensor>();

  const queue = new ReadyQueue();
  const queued = new Set<Node>();
  for (const [node] of roots) {
    const n = node as Node;
    if (!queued.has(n) && (dependencies.get(n) ?? 0) === 0) {
      queued.add(n);
      queue.push(n);
    }
  }

  while (queue.size > 0) {
    const node = queue.pop();
    const inputs = buffers.get(node) ?? new Array<MaybeTensor>(node.numOutputs).fill(null);
    buffers.delete(node);
    callTensorPreHooks(node, inputs);
    if (options.capture && targetNodes.has(node)) {
      for (const [n, nr] of options.targets as Edge[]) if (n === node) captured.set(`${node.sequenceNr}:${nr}`, inputs[nr] ?? null);
    }
    if (!needed.has(node)) continue;
    const outputs = evaluate(node, inputs, options);
    node.nextEdges.forEach(([child, nr], i) => {
      if (child === null) return;
      const left = (dependencies.get(child) as number) - 1;
      dependencies.set(child, left);
      if (!needed.has(child) && !(options.capture && targetNodes.has(child))) return;
      accumulateInto(bufferOf(child), nr, outputs[i] ?? null);
      if (left === 0 && !queued.has(child)) {
        queued.add(child);
        queue.push(child);
      }
    });
  }

  if (!options.capture) return [];
  return (options.targets as Edge[]).map(([n, nr]) => captured.get(`${(n as Node).sequenceNr}:${nr}`) ?? null);
}

function computeNeeded(reachable: Node[], targets: Set<Node>, options: EngineOptions): Set<Node> {
  if (options.targets === undefined) {
    // Plain backward: everything reachable runs.
    return new Set(reachable);
  }
  const needed = new Set<Node>();
  if (!options.capture) for (const t of targets) needed.add(t);
  // Reverse topological fixpoint: a node is needed if any child is needed or is a target.
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of reachable) {
      if (needed.has(node)) continue;
      if (node.nextEdges.some(([c]) => c !== null && (needed.has(c) || targets.has(c)))) {
        needed.add(node);
        changed = true;
      }
    }
  }
  return needed;
}

function validateHookResult(result: unknown, original: Tensor, hookName: string): Tensor | null {
  if (result === undefined || result === null) return null;
  if (!(result instanceof Tensor)) throw new TypeError(`expected Variable, but hook returned '${pyTypeName(result)}'`);
  if (shapeStr(result.shape) !== shapeStr(original.shape)) throw new Error(`hook '${hookName}' has changed the size of value`);
  if (result.dtype !== original.dtype) {
    throw new Error(
      `hook '${hookName}' has changed the type of value (was ${original.dtype.legacyName} got ${result.dtype.legacyName})`,
    );
  }
  return result;
}

function hookName(fn: { name: string }): string {
  return fn.name === '' ? '<lambda>' : fn.name;
}

/** Tensor hooks, then retain_grad, in PyTorch 2.x's order. */
function callTensorPreHooks(node: Node, inputs: MaybeTensor[]): void {
  const leafHooks = node instanceof AccumulateGrad ? [...node.variable.leafHooks.values()].map((fn) => ({ outputNr: 0, fn })) : [];
  for (const { outputNr, fn } of [...node.tensorPreHooks.values(), ...leafHooks]) {
    const g = inputs[outputNr];
    if (g === null || g === undefined) continue;
    const replaced = validateHookResult(fn(g), g, hookName(fn));
    if (replaced !== null) inputs[outputNr] = replaced;
  }
  for (const [nr, tensor] of node.retainGradTargets) {
    const g = inputs[nr];
    if (g === null || g === undefined) continue;
    tensor.grad_ = tensor.grad_ === null ? g.clone() : tensor.grad_.add(g);
  }
}

function evaluate(node: Node, inputsIn: MaybeTensor[], options: EngineOptions): MaybeTensor[] {
  let inputs = inputsIn;
  for (const hook of node.preHooks.values()) {
    const r = hook(inputs);
    if (r === undefined || r === null) continue;
    if (!Array.isArray(r)) throw new TypeError(`expected tuple, but hook returned '${pyTypeName(r)}'`);
    if (r.length !== inputs.length) {
      throw new Error(`hook '${hookName(hook)}' has returned an incorrect number of values (got ${r.length}, but expected ${inputs.length})`);
    }
    inputs = r;
  }
  if (node instanceof AccumulateGrad) {
    accumulateGrad(node, inputs[0] ?? null, options.createGraph);
    for (const hook of node.postHooks.values()) hook([], inputs);
    return [];
  }
  let outputs: MaybeTensor[];
  try {
    outputs = node.apply(inputs);
  } catch (e) {
    if (isAnomalyEnabled()) reportAnomaly(node);
    throw e;
  }
  outputs = validateOutputs(node, outputs);
  for (const hook of node.postHooks.values()) {
    const r = hook(outputs, inputs);
    if (r === undefined || r === null) continue;
    if (!Array.isArray(r)) throw new TypeError(`expected tuple, but hook returned '${pyTypeName(r)}'`);
    if (r.length !== outputs.length) {
      throw new Error(`hook '${hookName(hook)}' has returned an incorrect number of values (got ${r.length}, but expected ${outputs.length})`);
    }
    outputs = r;
  }
  if (isAnomalyEnabled() && isAnomalyCheckNanEnabled()) {
    outputs.forEach((g, i) => {
      if (g !== null && g.isnan().any().item() !== 0) {
        reportAnomaly(node);
        throw new Error(`Function '${node.name()}' returned nan values in its ${i}th output.`);
      }
    });
  }
  if (!options.keepGraph) node.releaseVariables();
  return outputs;
}

function reportAnomaly(node: Node): void {
  warn(`Error detected in ${node.name()}. Traceback of forward call that caused the error:\n${node.forwardStack ?? ''}`);
}

/** Reduces each gradient to its input's shape (sum over broadcast dims) and casts it to its dtype. */
function validateOutputs(node: Node, outputs: MaybeTensor[]): MaybeTensor[] {
  if (outputs.length !== node.nextEdges.length) {
    throw new Error(`invalid number of gradients - expected ${node.nextEdges.length}, but got ${outputs.length}`);
  }
  return outputs.map((g, i) => {
    const meta = node.inputMetadata[i];
    if (g === null || g === undefined || meta === null || node.nextEdges[i][0] === null) return g ?? null;
    let grad = g;
    if (shapeStr(grad.shape) !== shapeStr(meta.shape)) {
      if (!isExpandableTo(meta.shape, grad.shape)) {
        throw new Error(
          `Function ${node.name()} returned an invalid gradient at index ${i} - got ${shapeStr(grad.shape)} but expected shape compatible with ${shapeStr(meta.shape)}`,
        );
      }
      grad = sumTo(grad, meta.shape);
    }
    if (grad.dtype !== meta.dtype) grad = grad.to(meta.dtype);
    return grad;
  });
}

function accumulateGrad(node: AccumulateGrad, incoming: MaybeTensor, createGraph: boolean): void {
  if (incoming === null) return;
  const variable = node.variable;
  const grad = incoming.dtype === variable.dtype ? incoming : noGrad(() => incoming.to(variable.dtype));
  if (variable.grad_ === null) {
    // PyTorch's clone_obey_contract: a copy laid out like the leaf (a copy_ that is recorded, as
    // CopyBackwards, when the graph is being created).
    variable.grad_ = noGrad(() => variable.detach().clone()).copy_(grad);
  } else if (createGraph) {
    variable.grad_ = variable.grad_.add(grad);
  } else {
    const target = variable.grad_;
    noGrad(() => target.add_(grad));
  }
  const runHooks = (): void => {
    for (const hook of variable.postAccumulateHooks.values()) hook(variable);
  };
  if (createGraph) runHooks();
  else noGrad(runHooks);
}

lateBound.runBackward = runBackward;
