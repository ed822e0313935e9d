// The backward engine, as PyTorch's (torch/csrc/autograd/engine.cpp): dependency counting from the
// roots, ready nodes run latest-created first, gradients summed per (node, input) buffer, leaves
// finished by AccumulateGrad, saved tensors freed unless retainGraph.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { isExpandableTo, sameShape, shapeStr, torchSizeStr } from '../tensor/layout.js';
import { Storage } from '../tensor/storage.js';
import { warn } from '../tensor/warnings.js';
import { swapGradEnabled, noGrad } from './grad-mode.js';
import { isAnomalyCheckNanEnabled, isAnomalyEnabled } from './anomaly.js';
import { AccumulateGrad, Node, OpNode, type MaybeTensor, type Edge } from './node.js';
import { StealPolicy, swapFormulaRun } from './steal-policy.js';
import { sumTo } from '../ops/reduce.js';
import { stack } from '../ops/join.js';
import { onesOf, zerosLike } from '../tensor/factory.js';
import { binaryInto } from '../ops/elementwise.js';
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

/** A tensor, or a list of tensors (read during the call only, so not copied), as a list. */
function asTensorList(value: Tensor | readonly unknown[], what: string): readonly Tensor[] {
  if (value instanceof Tensor) return [value];
  if (!Array.isArray(value)) throw new TypeError(`${what} must be a Tensor or a list of Tensors, but got ${pyTypeName(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (!(value[i] instanceof Tensor)) throw new TypeError(`${what} must be Tensors, but got ${pyTypeName(value[i])}`);
  }
  return value as readonly Tensor[];
}

/** PyTorch's `_make_grads`: checks given gradients and creates the implicit ones. */
function makeGrads(outputs: readonly Tensor[], grads: readonly unknown[], batched: boolean): MaybeTensor[] {
  const made = new Array<MaybeTensor>(outputs.length);
  for (let i = 0; i < outputs.length; i++) made[i] = makeGrad(outputs, i, grads, batched);
  return made;
}

function makeGrad(outputs: readonly Tensor[], i: number, grads: readonly unknown[], batched: boolean): MaybeTensor {
  const out = outputs[i];
  const grad = grads[i] ?? null;
  if (grad instanceof Tensor) {
    const gshape = batched ? grad.shape.slice(1) : grad.shape;
    if (!sameShape(gshape, out.shape_)) {
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
    return onesOf(out);
  }
  throw new TypeError(`gradients can be either Tensors or None, but got ${pyTypeName(grad)}`);
}

function rootEdges(outputs: readonly Tensor[]): Edge[] {
  const edges = new Array<Edge>(outputs.length);
  for (let i = 0; i < outputs.length; i++) {
    const edge = outputs[i].gradientEdge();
    if (edge[0] === null) throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    edges[i] = edge;
  }
  return edges;
}

/** `t.backward(...)` and `torch.autograd.backward(...)`. */
export function runBackward(roots: Tensor[], grads: readonly unknown[], opts: BackwardOptions | undefined): void {
  const tensors = asTensorList(roots, 'tensors');
  const options = optionsArg(opts, 'backward');
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  let inputs: readonly Tensor[] | undefined;
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

/**
 * What one run of the engine knows about one reachable node (one record instead of a Map or Set per
 * fact). It hangs on the node while the run lasts (`Node.task`), so finding it is a field read.
 */
export interface Task {
  readonly node: Node;
  /** The run it belongs to: a node keeps the task of the latest run that reached it. */
  readonly run: object;
  /** The ready queue's key: AccumulateGrad first, then latest-created first. */
  readonly priority: number;
  /** Edges from reachable nodes not yet run that point at this node. */
  dependencies: number;
  /** The summed gradients of the node's outputs, until it runs. */
  buffer: MaybeTensor[] | null;
  needed: boolean;
  isTarget: boolean;
  queued: boolean;
  /** In capture mode: the node's gradients when it was reached (target nodes only). */
  captured: MaybeTensor[] | null;
  /** The task the node had before this run reached it (a run nested in a hook's), put back after. */
  readonly previous: Task | null;
}

/** Max-heap of tasks by priority. */
class ReadyQueue {
  private declare readonly heap: Task[];
  constructor() {
    this.heap = [];
  }
  get size(): number {
    return this.heap.length;
  }
  push(task: Task): void {
    const h = this.heap;
    h.push(task);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].priority >= h[i].priority) break;
      const t = h[parent];
      h[parent] = h[i];
      h[i] = t;
      i = parent;
    }
  }
  pop(): Task {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Task;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].priority > h[m].priority) m = l;
        if (r < h.length && h[r].priority > h[m].priority) m = r;
        if (m === i) break;
        const t = h[m];
        h[m] = h[i];
        h[i] = t;
        i = m;
      }
    }
    return top;
  }
}

/**
 * Adds `grad` to slot `index` of the task's buffer (created on first use). Outside createGraph the sum
 * is written into one of the two when the run owns it (`inPlace`): a fresh output is a pass over cold
 * memory, the addends' were just written.
 */
function accumulateInto(task: Task, index: number, grad: MaybeTensor, inPlace: StealPolicy | null): void {
  if (grad === null) return;
  let buffer = task.buffer;
  if (buffer === null) {
    const n = task.node.numOutputs;
    if (n === 1) {
      // Most nodes have one output: a literal is the cheapest array.
      task.buffer = [grad];
      return;
    }
    // Preallocated rather than grown by push: growing an empty array allocates room for many more.
    buffer = new Array<MaybeTensor>(n);
    for (let i = 0; i < n; i++) buffer[i] = null;
    task.buffer = buffer;
  }
  const existing = buffer[index];
  if (existing === null || existing === undefined) buffer[index] = grad;
  else if (inPlace !== null && inPlace.mayAddInto(existing) && binaryInto('add', existing, grad)) return;
  // a + b and b + a are the same floats, so which one holds the sum does not change it.
  else if (inPlace !== null && inPlace.mayAddInto(grad) && binaryInto('add', grad, existing)) buffer[index] = grad;
  else buffer[index] = existing.add(grad);
}

/** The task of a node this run has reached. */
function taskOf(node: Node): Task {
  return node.task as Task;
}

function runEngine(roots: Edge[], rootGrads: MaybeTensor[], options: EngineOptions): MaybeTensor[] {
  const previousMode = swapGradEnabled(options.createGraph);
  // The run's steal policy is made for it alone, so it also stands for the run in its tasks.
  const steal = new StealPolicy();
  const discovered: Task[] = [];
  try {
    return execute(roots, rootGrads, options, steal, discovered);
  } finally {
    // Runs nest (a hook may call backward): each node gets back the task of the run it belonged to.
    for (let k = discovered.length - 1; k >= 0; k--) discovered[k].node.task = discovered[k].previous;
    swapGradEnabled(previousMode);
  }
}

/** The task of `node` in this run, made (and the node's previous one kept) when the run first reaches it. */
function reach(node: Node, run: object, runsAll: boolean, discovered: Task[]): Task {
  const current = node.task;
  if (current !== null && current.run === run) return current;
  const task: Task = {
    node,
    run,
    priority: node instanceof AccumulateGrad ? Infinity : node.sequenceNr,
    dependencies: 0,
    buffer: null,
    needed: runsAll,
    isTarget: false,
    queued: false,
    captured: null,
    previous: current,
  };
  node.task = task;
  discovered.push(task);
  return task;
}

function execute(roots: Edge[], rootGrads: MaybeTensor[], options: EngineOptions, steal: StealPolicy, discovered: Task[]): MaybeTensor[] {
  const run = steal;
  // Plain backward runs everything reachable; with targets, `needed` is worked out below.
  const runsAll = options.targets === undefined;
  const inPlace = options.createGraph ? null : steal;
  for (let i = 0; i < roots.length; i++) accumulateInto(reach(roots[i][0] as Node, run, runsAll, discovered), roots[i][1], rootGrads[i], inPlace);

  // Dependencies: how many edges from reachable nodes point at each node. Each node is expanded once.
  for (let k = 0; k < discovered.length; k++) {
    const edges = discovered[k].node.nextEdges;
    for (let i = 0; i < edges.length; i++) {
      const child = edges[i][0];
      if (child !== null) reach(child, run, runsAll, discovered).dependencies++;
    }
  }

  if (options.targets !== undefined) {
    for (const [n] of options.targets) {
      const task = (n as Node).task;
      if (task !== null && task.run === run) task.isTarget = true;
    }
    markNeeded(discovered, options.capture);
  }

  const queue = new ReadyQueue();
  for (let i = 0; i < roots.length; i++) {
    const task = taskOf(roots[i][0] as Node);
    if (!task.queued && task.dependencies === 0) {
      task.queued = true;
      queue.push(task);
    }
  }

  while (queue.size > 0) {
    const task = queue.pop();
    const node = task.node;
    const inputs = task.buffer ?? new Array<MaybeTensor>(node.numOutputs).fill(null);
    task.buffer = null;
    callTensorPreHooks(node, inputs, steal);
    if (options.capture && task.isTarget) {
      task.captured = inputs.slice();
      steal.noteHandedOut(inputs);
    }
    if (!task.needed) continue;
    const outputs = evaluate(node, inputs, options, steal);
    const edges = node.nextEdges;
    for (let i = 0; i < edges.length; i++) {
      const child = edges[i][0];
      if (child === null) continue;
      const childTask = taskOf(child);
      childTask.dependencies--;
      if (!childTask.needed && !(options.capture && childTask.isTarget)) continue;
      accumulateInto(childTask, edges[i][1], outputs[i] ?? null, inPlace);
      if (childTask.dependencies === 0 && !childTask.queued) {
        childTask.queued = true;
        queue.push(childTask);
      }
    }
  }

  if (!options.capture) return [];
  return (options.targets as Edge[]).map(([n, nr]) => {
    const task = (n as Node).task;
    return task !== null && task.run === run ? (task.captured?.[nr] ?? null) : null;
  });
}

/** With targets, only nodes on a path to a target run; outside capture mode the targets run too. */
function markNeeded(discovered: Task[], capture: boolean): void {
  if (!capture) for (const task of discovered) if (task.isTarget) task.needed = true;
  // Reverse topological fixpoint: a node is needed if any child is needed or is a target.
  let changed = true;
  while (changed) {
    changed = false;
    for (const task of discovered) {
      if (task.needed) continue;
      if (task.node.nextEdges.some(([c]) => c !== null && (taskOf(c).needed || taskOf(c).isTarget))) {
        task.needed = true;
        changed = true;
      }
    }
  }
}

function validateHookResult(result: unknown, original: Tensor, hookName: string): Tensor | null {
  if (result === undefined || result === null) return null;
  if (!(result instanceof Tensor)) throw new TypeError(`expected Variable, but hook returned '${pyTypeName(result)}'`);
  if (!sameShape(result.shape_, original.shape_)) throw new Error(`hook '${hookName}' has changed the size of value`);
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
function callTensorPreHooks(node: Node, inputs: MaybeTensor[], steal: StealPolicy): void {
  const leafHooks = node instanceof AccumulateGrad ? node.variable.leafHooks : null;
  if ((node.tensorPreHooks !== null && node.tensorPreHooks.size > 0) || (leafHooks !== null && leafHooks.size > 0)) {
    steal.noteUserCode();
    const fromLeaf = leafHooks === null ? [] : [...leafHooks.values()].map((fn) => ({ outputNr: 0, fn }));
    for (const { outputNr, fn } of [...(node.tensorPreHooks?.values() ?? []), ...fromLeaf]) {
      const g = inputs[outputNr];
      if (g === null || g === undefined) continue;
      const replaced = validateHookResult(fn(g), g, hookName(fn));
      if (replaced !== null) inputs[outputNr] = replaced;
    }
  }
  if (node.retainGradTargets === null) return;
  for (const [nr, tensor] of node.retainGradTargets) {
    const g = inputs[nr];
    if (g === null || g === undefined) continue;
    tensor.grad_ = tensor.grad_ === null ? g.clone() : tensor.grad_.add(g);
  }
}

function evaluate(node: Node, inputsIn: MaybeTensor[], options: EngineOptions, steal: StealPolicy): MaybeTensor[] {
  let inputs = inputsIn;
  if (node.preHooks !== null && node.preHooks.size > 0) {
    steal.noteUserCode();
    for (const hook of node.preHooks.values()) {
      const r = hook(inputs);
      if (r === undefined || r === null) continue;
      if (!Array.isArray(r)) throw new TypeError(`expected tuple, but hook returned '${pyTypeName(r)}'`);
      if (r.length !== inputs.length) {
        throw new Error(`hook '${hookName(hook)}' has returned an incorrect number of values (got ${r.length}, but expected ${inputs.length})`);
      }
      inputs = r;
    }
  }
  const postHooks = node.postHooks !== null && node.postHooks.size > 0 ? node.postHooks : null;
  if (node instanceof AccumulateGrad) {
    accumulateGrad(node, inputs[0] ?? null, options.createGraph, steal);
    if (postHooks !== null) {
      steal.noteUserCode();
      for (const hook of postHooks.values()) hook([], inputs);
    }
    return [];
  }
  // Built-in nodes run library code only; any other node (custom Functions) runs the user's.
  if (!(node instanceof OpNode)) steal.noteUserCode();
  let outputs: MaybeTensor[];
  // A built-in formula may write into the gradients it receives when nothing reads them after it: no
  // graph of the backward is recorded and no post-hook gets them.
  const previousRun = swapFormulaRun(!options.createGraph && postHooks === null && node instanceof OpNode ? steal : null);
  try {
    outputs = node.apply(inputs);
  } catch (e) {
    if (isAnomalyEnabled()) reportAnomaly(node);
    throw e;
  } finally {
    swapFormulaRun(previousRun);
  }
  outputs = validateOutputs(node, outputs);
  if (postHooks !== null) {
    steal.noteUserCode();
    for (const hook of postHooks.values()) {
      const r = hook(outputs, inputs);
      if (r === undefined || r === null) continue;
      if (!Array.isArray(r)) throw new TypeError(`expected tuple, but hook returned '${pyTypeName(r)}'`);
      if (r.length !== outputs.length) {
        throw new Error(`hook '${hookName(hook)}' has returned an incorrect number of values (got ${r.length}, but expected ${outputs.length})`);
      }
      outputs = r;
    }
  }
  steal.noteOutputs(outputs);
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

/**
 * Reduces each gradient to its input's shape (sum over broadcast dims) and casts it to its dtype. The
 * array a node's apply returned is its own, fresh per call: it is returned as it is when every gradient
 * already fits (most calls), and copied on the first that does not.
 */
function validateOutputs(node: Node, outputs: MaybeTensor[]): MaybeTensor[] {
  if (outputs.length !== node.nextEdges.length) {
    throw new Error(`invalid number of gradients - expected ${node.nextEdges.length}, but got ${outputs.length}`);
  }
  let checked: MaybeTensor[] | null = null;
  for (let i = 0; i < outputs.length; i++) {
    const g = outputs[i];
    const meta = node.inputMetadata[i];
    let grad: MaybeTensor = g ?? null;
    if (grad !== null && meta !== null && node.nextEdges[i][0] !== null) {
      if (!sameShape(grad.shape_, meta.shape)) {
        if (!isExpandableTo(meta.shape, grad.shape_)) {
          throw new Error(
            `Function ${node.name()} returned an invalid gradient at index ${i} - got ${shapeStr(grad.shape_)} but expected shape compatible with ${shapeStr(meta.shape)}`,
          );
        }
        grad = sumTo(grad, meta.shape);
      }
      if (grad.dtype !== meta.dtype) grad = grad.to(meta.dtype);
    }
    if (checked === null && grad !== g) checked = outputs.slice(0, i);
    if (checked !== null) checked.push(grad);
  }
  return checked ?? outputs;
}

/**
 * PyTorch's clone_obey_contract for a contiguous leaf: a new tensor with the leaf's layout holding the
 * gradient's values. Filling it counts as an in-place change (PyTorch copies into an empty tensor).
 */
function contiguousCopyFor(variable: Tensor, grad: Tensor): Tensor {
  const copy = new Tensor(new Storage(grad.contiguousData()), [...variable.shape_], [...variable.strides_], 0, variable.dtype_);
  copy.versionCounter.value++;
  return copy;
}

function accumulateGrad(node: AccumulateGrad, incoming: MaybeTensor, createGraph: boolean, steal: StealPolicy): void {
  if (incoming === null) return;
  const variable = node.variable;
  // Without createGraph the engine already runs with grad mode off, so no noGrad scopes are needed.
  const grad = incoming.dtype === variable.dtype ? incoming : noGrad(() => incoming.to(variable.dtype));
  const hooks = variable.postAccumulateHooks !== null && variable.postAccumulateHooks.size > 0 ? variable.postAccumulateHooks : null;
  if (variable.grad_ === null) {
    if (createGraph) {
      // A copy_ that is recorded (as CopyBackwards), laid out like the leaf.
      variable.grad_ = noGrad(() => variable.detach().clone()).copy_(grad);
    } else if (hooks === null && steal.take(grad, variable)) {
      // PyTorch stores `new_grad.detach()`: `.grad` is no view (the gradient often is one, a transpose
      // of a product) and has no history.
      variable.grad_ = grad.viewInfo === null && grad.gradFn_ === null && !grad.ownRequiresGrad ? grad : grad.detach();
    } else if (variable.isContiguous()) {
      variable.grad_ = contiguousCopyFor(variable, grad);
    } else {
      variable.grad_ = variable.detach().clone().copy_(grad);
    }
  } else if (createGraph) {
    variable.grad_ = variable.grad_.add(grad);
  } else {
    variable.grad_.add_(grad);
  }
  // A leaf's gradient is state that outlives the run: it is computed now, not kept as an expression
  // that holds on to the arrays it reads.
  variable.grad_.storage_.materialize();
  if (hooks === null) return;
  steal.noteUserCode();
  const runHooks = (): void => {
    for (const hook of hooks.values()) hook(variable);
  };
  if (createGraph) runHooks();
  else noGrad(runHooks);
}

lateBound.runBackward = runBackward;
