// The API walk's groups, run in worker threads (this module is each worker's entry point, and the
// tests' helper that starts them): a call that never returns is then reported by name. See
// api-validation.test.ts for what the walk checks.
import assert from 'node:assert/strict';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as torch from 'tstorch';
import { argumentLists, walk, walkLayouts, type Callable, type ArgList, type WalkReport, type Samples } from './api-walker.js';
import { changed, restore, snapshot } from './global-state.js';

/** What is not walked, and why. */
const NOT_WALKED: Record<string, string> = {
  // Classes: constructed with `new`, and their methods are walked through their instances elsewhere.
  Tensor: 'a class (its methods are walked on sample tensors)',
  DType: 'a class with a private constructor role (the dtypes are constants)',
  Generator: 'a class',
  Slice: 'a class (index values, checked by t.index)',
  ValuesIndices: 'a class (a result type)',
  IncompatibleKeys: "a class (loadStateDict's result type)",
  SafetensorsFile: 'a private constructor: instances come from SafetensorsFile.open and torch.io.safeOpen',
  // Tensor internals, marked @internal: not part of the API and allowed to trust their callers.
  aliasWithLayout: '@internal',
  contiguousData: '@internal',
  toFloat64Array: '@internal',
  checkInferenceRequiresGrad: '@internal (private)',
  checkIndirectRebase: '@internal (private)',
  gradientEdge: '@internal',
  setHistory: '@internal',
  // Files: these read and write paths in the working directory; src/io has its own fuzzing tests.
  save: 'writes files',
  load: 'reads files',
  FashionMNIST: 'reads files',
  safeOpen: 'reads files (its errors are rejections of the promise it returns)',
  // Autograd's graph objects: made by the engine (a user gets them from gradFn and registerHook).
  Node: 'made by the engine',
  AccumulateGrad: 'made by the engine',
  FunctionCtx: 'made by the engine',
  RemovableHandle: 'made by the engine',
  // nn.functional ops that draw random numbers run through the same checks as the ones walked.
};

/** A namespace of the API and the prefix its members are named with in reports. */
export type Namespace = readonly [object, string];

/** The namespaces whose functions each function group walks. */
export const FUNCTION_GROUPS = {
  torch: [[torch, 'torch.']],
  linalg: [[torch.linalg, 'torch.linalg.']],
  autograd: [[torch.autograd, 'torch.autograd.']],
  functional: [[torch.autograd.functional, 'torch.autograd.functional.']],
  nnFunctional: [[torch.nn.functional, 'F.']],
  backends: [[torch.backends, 'torch.backends.']],
  io: [[torch.io, 'torch.io.']],
  nnInit: [[torch.nn.init, 'nn.init.']],
  nnUtils: [[torch.nn.utils, 'nn.utils.']],
  data: [[torch.utils.data, 'utils.data.'], [torch.utils.data.datasets, 'utils.data.datasets.']],
  misc: [[torch.autograd.function, 'torch.autograd.function.'], [torch.optim, 'optim.']],
} as const satisfies Record<string, readonly Namespace[]>;

/**
 * The namespaces whose classes are called with `new`: by the `constructors` group, and torch.io's by the
 * io group (with its functions, owned and fixed together).
 */
export const CLASS_GROUPS = {
  constructors: [
    [torch, 'torch.'], [torch.nn, 'nn.'], [torch.optim, 'optim.'], [torch.optim.lrScheduler, 'optim.lrScheduler.'],
    [torch.utils.data, 'utils.data.'], [torch.utils.data.datasets, 'utils.data.datasets.'], [torch.autograd, 'torch.autograd.'],
    [torch.autograd.function, 'torch.autograd.function.'],
  ],
  io: [[torch.io, 'torch.io.']],
} as const satisfies Partial<Record<Group, readonly Namespace[]>>;

/** Every namespace whose classes are walked. */
export const CLASS_NAMESPACES: readonly Namespace[] = Object.values(CLASS_GROUPS).flat();

type FunctionGroup = keyof typeof FUNCTION_GROUPS;
type InstanceGroup = 'modules' | 'layers' | 'optimizers' | 'schedulers' | 'dataObjects';
export type Group = FunctionGroup | InstanceGroup | 'constructors' | 'tensorFull' | 'tensorReceivers' | 'layoutsT' | 'layoutsO';

/** The groups of callables walked with bad arguments (the layout groups compare layouts instead). */
export const BAD_ARGUMENT_GROUPS: readonly Group[] = [
  ...(Object.keys(FUNCTION_GROUPS) as FunctionGroup[]), 'constructors', 'tensorFull', 'tensorReceivers', 'modules', 'layers', 'optimizers', 'schedulers', 'dataObjects',
];

/** A parameter with a gradient, so that an optimizer's step has work to do. */
function paramWithGrad(): torch.Tensor {
  const p = torch.ones(2, 3, { requiresGrad: true });
  p.grad = torch.full([2, 3], 0.5);
  return p;
}

/**
 * Representative instances whose methods are walked: a fresh one for every call (methods change their
 * receiver). Modules: a layer with and without buffers, containers by index and by key.
 */
export const MODULE_INSTANCES: Record<string, () => object> = {
  Linear: () => new torch.nn.Linear(3, 2),
  Conv2d: () => new torch.nn.Conv2d(1, 2, 2),
  BatchNorm2d: () => new torch.nn.BatchNorm2d(2),
  Sequential: () => new torch.nn.Sequential(new torch.nn.Linear(3, 2), new torch.nn.ReLU()),
  ModuleDict: () => new torch.nn.ModuleDict({ a: new torch.nn.Linear(3, 2) }),
};

/**
 * More modules, whose own methods (and `call`, which runs their forward) are walked: the methods they
 * inherit from Module are MODULE_INSTANCES' (the same code), which keeps the walk short.
 */
export const LAYER_INSTANCES: Record<string, () => object> = {
  CrossEntropyLoss: () => new torch.nn.CrossEntropyLoss(),
  MSELoss: () => new torch.nn.MSELoss(),
  L1Loss: () => new torch.nn.L1Loss(),
  SmoothL1Loss: () => new torch.nn.SmoothL1Loss(),
  HuberLoss: () => new torch.nn.HuberLoss(),
  NLLLoss: () => new torch.nn.NLLLoss(),
  BCELoss: () => new torch.nn.BCELoss(),
  BCEWithLogitsLoss: () => new torch.nn.BCEWithLogitsLoss(),
  KLDivLoss: () => new torch.nn.KLDivLoss(),
  CosineEmbeddingLoss: () => new torch.nn.CosineEmbeddingLoss(),
  RNN: () => new torch.nn.RNN(3, 2),
  LSTM: () => new torch.nn.LSTM(3, 2),
  GRU: () => new torch.nn.GRU(3, 2),
  RNNCell: () => new torch.nn.RNNCell(3, 2),
  LSTMCell: () => new torch.nn.LSTMCell(3, 2),
  GRUCell: () => new torch.nn.GRUCell(3, 2),
  MultiheadAttention: () => new torch.nn.MultiheadAttention(3, 1),
  Embedding: () => new torch.nn.Embedding(10, 3),
  Dropout: () => new torch.nn.Dropout(0.5),
  Dropout2d: () => new torch.nn.Dropout2d(0.5),
  LayerNorm: () => new torch.nn.LayerNorm(3),
  GroupNorm: () => new torch.nn.GroupNorm(1, 2),
  BatchNorm1d: () => new torch.nn.BatchNorm1d(3),
  MaxPool2d: () => new torch.nn.MaxPool2d(2),
  AvgPool2d: () => new torch.nn.AvgPool2d(2),
  AdaptiveAvgPool2d: () => new torch.nn.AdaptiveAvgPool2d(1),
  Flatten: () => new torch.nn.Flatten(),
  Unflatten: () => new torch.nn.Unflatten(1, [3, 1]),
  Softmax: () => new torch.nn.Softmax(1),
  ModuleList: () => new torch.nn.ModuleList([new torch.nn.Linear(3, 2)]),
  ParameterList: () => new torch.nn.ParameterList([new torch.nn.Parameter(torch.ones(2))]),
  ParameterDict: () => new torch.nn.ParameterDict({ a: new torch.nn.Parameter(torch.ones(2)) }),
};

export const OPTIMIZER_INSTANCES: Record<string, () => object> = {
  SGD: () => new torch.optim.SGD([paramWithGrad()], { lr: 0.1, momentum: 0.9 }),
  Adam: () => new torch.optim.Adam([paramWithGrad()]),
  AdamW: () => new torch.optim.AdamW([paramWithGrad()]),
  RMSprop: () => new torch.optim.RMSprop([paramWithGrad()]),
  Adagrad: () => new torch.optim.Adagrad([paramWithGrad()]),
};

/** An optimizer with momentum (which OneCycleLR cycles) for a scheduler to drive. */
function schedulable(): torch.optim.SGD {
  return new torch.optim.SGD([paramWithGrad()], { lr: 0.1, momentum: 0.9 });
}

export const SCHEDULER_INSTANCES: Record<string, () => object> = {
  LambdaLR: () => new torch.optim.lrScheduler.LambdaLR(schedulable(), (epoch) => 0.95 ** epoch),
  StepLR: () => new torch.optim.lrScheduler.StepLR(schedulable(), 2),
  MultiStepLR: () => new torch.optim.lrScheduler.MultiStepLR(schedulable(), [1, 3]),
  LinearLR: () => new torch.optim.lrScheduler.LinearLR(schedulable()),
  ExponentialLR: () => new torch.optim.lrScheduler.ExponentialLR(schedulable(), 0.9),
  CosineAnnealingLR: () => new torch.optim.lrScheduler.CosineAnnealingLR(schedulable(), 10),
  OneCycleLR: () => new torch.optim.lrScheduler.OneCycleLR(schedulable(), 1, { totalSteps: 10 }),
  ReduceLROnPlateau: () => new torch.optim.lrScheduler.ReduceLROnPlateau(schedulable()),
};

/**
 * The schedulers' constructors with a valid optimizer first: the constructors group passes the bad
 * values first, so that the optimizer check answers before the schedule's own arguments are read.
 */
function schedulerConstructors(): Callable[] {
  return Object.entries(torch.optim.lrScheduler)
    .filter(([, c]) => isClass(c) && c !== torch.optim.lrScheduler.LRScheduler)
    .map(([name, c]) => {
      const cls = c as unknown as new (...args: unknown[]) => unknown;
      // The optimizer is the signature's first parameter: the walk's arguments are the rest.
      return { name: `new optim.lrScheduler.${name}(optimizer, ...)`, fn: (...args: unknown[]) => new cls(schedulable(), ...args) };
    });
}

const dataset = (): torch.utils.data.TensorDataset => new torch.utils.data.TensorDataset(torch.arange(6).reshape(3, 2), torch.arange(3));

/**
 * Datasets, whose getItem takes an index. Samplers and DataLoader have no method that takes an argument
 * (only their iterators): the constructors group walks what they are made with.
 */
export const DATA_INSTANCES: Record<string, () => object> = {
  TensorDataset: dataset,
  Subset: () => new torch.utils.data.Subset(dataset(), [0, 2]),
  ConcatDataset: () => new torch.utils.data.ConcatDataset([dataset(), dataset()]),
};

/**
 * Classes that may check their arguments only when iterated (a sampler draws its indices, a DataLoader
 * loads and collates its batches): made with the walk's arguments and iterated to the end.
 */
const ITERATED: Record<string, new (...args: never[]) => Iterable<unknown>> = {
  DataLoader: torch.utils.data.DataLoader,
  SequentialSampler: torch.utils.data.SequentialSampler,
  RandomSampler: torch.utils.data.RandomSampler,
  SubsetRandomSampler: torch.utils.data.SubsetRandomSampler,
  WeightedRandomSampler: torch.utils.data.WeightedRandomSampler,
  BatchSampler: torch.utils.data.BatchSampler,
};

function iteratedCallables(): Callable[] {
  return Object.entries(ITERATED).map(([name, cls]) => {
    const make = cls as unknown as new (...args: unknown[]) => Iterable<unknown>;
    return { name: `[...new ${name}]`, fn: (...args: unknown[]) => [...new make(...args)], signature: cls as unknown as Callable['fn'], listsHoldData: LISTS_HOLD_DATA[name] !== undefined };
  });
}

/** Static methods: made instances of their class. */
const STATIC_METHODS: Callable[] = [{ name: 'nn.Embedding.fromPretrained', fn: torch.nn.Embedding.fromPretrained as Callable['fn'] }];

/** Methods whose first argument is a name or a key: any string is a valid one. */
const NAME_FIRST = new Set(['registerParameter', 'registerBuffer', 'registerModule', 'addModule', 'getSubmodule', 'getParameter', 'getBuffer', 'hasAttribute', 'get', 'set', 'has', 'delete', 'pop']);

/** Methods TypeScript keeps private or protected: called by the class itself, with arguments it made. */
const NOT_PUBLIC = new Set([
  'updateGroup', 'stateOf', 'initState', 'namedMembers', 'loadFromStateDict', 'applyToTensors', 'checkInputDim', 'members',
  'cellWeights', 'checkInput', 'expectedStateSize', 'zeroStates', 'forwardSingleState', 'paddingPads', 'padded',
  'checkStates', 'runLayers', 'runCell', 'startPass', 'load',
  // The schedulers' (LRScheduler.start is PyTorch's __init__ tail).
  'start', 'warnIfOutsideStep', 'currentLrs', 'closedFormLr', 'setMomentum', 'anneal', 'reset', 'isBetter', 'initIsBetter', 'reduceLr',
]);

/**
 * The methods of an instance (its class's and every base class's below `stop`, by their most derived
 * definition; `call` always).
 */
function instanceMethods(instance: object, stop: object): [string, (...args: unknown[]) => unknown][] {
  const found = new Map<string, (...args: unknown[]) => unknown>();
  for (let p: object | null = Object.getPrototypeOf(instance) as object | null; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (p === stop && name !== 'call') continue;
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (name !== 'constructor' && !NOT_PUBLIC.has(name) && !found.has(name) && typeof d?.value === 'function') found.set(name, d.value as (...args: unknown[]) => unknown);
    }
  }
  return [...found];
}

/**
 * Every method of every instance (below `stop`, see instanceMethods), each call on a fresh instance.
 * `keysAreData`: methods whose object argument is a dict of data whose unknown keys are stored as
 * given (a scheduler's loadStateDict, as PyTorch's `__dict__.update`), not an options object.
 */
function instanceCallables(instances: Record<string, () => object>, stop: object = Object.prototype, keysAreData: readonly string[] = []): Callable[] {
  return Object.entries(instances).flatMap(([cls, make]) => {
    const methods = instanceMethods(make(), stop);
    const forward = methods.find(([name]) => name === 'forward')?.[1];
    return methods.map(([name, method]) => ({
      name: `${cls}.${name}`,
      fn: (...args: unknown[]) => method.apply(make(), args),
      // `call` passes its arguments on to forward: arguments past forward's are ignored, as JavaScript ignores them.
      signature: name === 'call' ? forward : method,
      namesAt: NAME_FIRST.has(name) ? [0] : undefined,
      keysAreData: keysAreData.includes(name),
    }));
  });
}

/** Results that depend on the memory layout by definition (or only work on some layouts, as in PyTorch). */
const LAYOUT_DEPENDENT: Record<string, string> = {
  stride: 'the layout itself',
  storageOffset: 'the layout itself',
  isContiguous: 'the layout itself',
  untypedStorage: 'the storage, larger for the strided view',
  sharesStorageWith: 'storage identity',
  isView: 'the strided sample is a view, its contiguous copy is not',
  base: 'the view relation',
  asStrided: 'reads the storage directly',
  view: 'only viewable layouts can be viewed (PyTorch raises the same)',
  viewAs: 'only viewable layouts can be viewed (PyTorch raises the same)',
  unflatten: 'a view: only viewable layouts (PyTorch raises the same)',
  detach_: 'a view cannot be detached in place (PyTorch raises the same)',
  requiresGrad_: 'a non-leaf view cannot change requires_grad (PyTorch raises the same)',
  seed: 'draws a nondeterministic seed',
  // In-place samplers fill in memory order, as PyTorch's kernels do, so a transposed view gets the
  // same numbers at the same addresses as in PyTorch, not in the same logical places.
  uniform_: 'fills in memory order',
  normal_: 'fills in memory order',
  exponential_: 'fills in memory order',
  random_: 'fills in memory order',
  bernoulli_: 'fills in memory order',
};

export function isClass(f: unknown): boolean {
  return typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));
}

/** Functions that take any value (or any string) by design: an accepted string is not a failure. */
const ACCEPTS_ANYTHING: Record<string, string> = {
  pytorchName: 'maps any string key to its snake_case form',
  isTensor: 'a predicate over any value',
  GradcheckError: 'an error class: takes its message',
  Identity: "PyTorch's Identity ignores its arguments",
  // PyTorch's GELU stores any string; F.gelu rejects an unknown one (PyTorch's message) at the first forward.
  GELU: 'takes any approximation string, checked at forward as in PyTorch',
  // torch.save's byte forms pickle any value (a string too).
  saveBytes: 'pickles any value',
  saveBlob: 'pickles any value',
  savePt: 'pickles any value',
  UnpicklingError: 'an error class: takes its message',
};

/** Functions whose list arguments are samples, which may be strings (PyTorch collates a batch of strings into a list). */
const LISTS_HOLD_DATA: Record<string, string> = {
  defaultCollate: 'a batch of strings stays a list of strings',
  SequentialSampler: 'its data source may be a list of anything',
  RandomSampler: 'its data source may be a list of anything',
};

/** Undoing what a successful call installed that is not global state the walk can snapshot. */
const CLEANUP: Record<string, (result: unknown) => void> = {
  // The result restores the previous warnings handler.
  catchWarnings: (restoreHandler) => (restoreHandler as () => void)(),
};

export function functionsOf(namespace: object, prefix: string): Callable[] {
  return Object.entries(namespace)
    .filter(([name, f]) => typeof f === 'function' && !isClass(f) && NOT_WALKED[name] === undefined)
    .map(([name, f]) => ({ name: `${prefix}${name}`, fn: f as (...args: unknown[]) => unknown,
      cleanup: CLEANUP[name],
      acceptsAnything: ACCEPTS_ANYTHING[name] !== undefined,
      listsHoldData: LISTS_HOLD_DATA[name] !== undefined,
    }));
}

/** The classes of a namespace, called with `new`. */
function constructorsOf(namespace: object, prefix: string): Callable[] {
  return Object.entries(namespace)
    .filter(([name, c]) => isClass(c) && NOT_WALKED[name] === undefined)
    .map(([name, c]) => {
      const cls = c as new (...args: unknown[]) => unknown;
      return { name: `new ${prefix}${name}`, fn: (...args: unknown[]) => new cls(...args), signature: c as Callable['fn'],
        acceptsAnything: ACCEPTS_ANYTHING[name] !== undefined, listsHoldData: LISTS_HOLD_DATA[name] !== undefined };
    });
}

export function tensorMethods(): string[] {
  const proto = torch.Tensor.prototype;
  return Object.getOwnPropertyNames(proto).filter((name) => {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    return name !== 'constructor' && typeof d?.value === 'function' && NOT_WALKED[name] === undefined;
  });
}

/** A few argument lists for methods on every kind of sample tensor (dtype, 0-dim, empty, views). */
function receiverLists(): ArgList[] {
  return [
    { label: '()', make: () => [] },
    { label: '(0)', make: () => [0] },
    { label: '(-1)', make: () => [-1] },
    { label: '(5)', make: () => [5] },
    { label: '(f)', make: (s: Samples) => [s.f] },
    { label: '(i)', make: (s: Samples) => [s.i] },
    { label: '(b)', make: (s: Samples) => [s.b] },
    { label: '(e)', make: (s: Samples) => [s.e] },
  ];
}

const proto = torch.Tensor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;

/** In-place methods (`add_`) forward their arguments to their op (`add`), whose parameters count. */
function methodCallable(name: string, receiver: string): Callable {
  const op = name.endsWith('_') ? Object.getOwnPropertyDescriptor(proto, name.slice(0, -1))?.value : undefined;
  return { name, receiver, fn: proto[name], signature: typeof op === 'function' ? (op as Callable['fn']) : undefined };
}

/** Everything walked, for the layout comparison: torch functions and Tensor methods. */
function layoutCallables(): Callable[] {
  const fns = functionsOf(torch, 'torch.').filter((c) => LAYOUT_DEPENDENT[c.name.slice('torch.'.length)] === undefined);
  const methods = tensorMethods().filter((name) => LAYOUT_DEPENDENT[name] === undefined).map((name) => methodCallable(name, 't'));
  return [...fns, ...methods];
}

function callablesOf(group: Exclude<Group, 'layoutsT' | 'layoutsO'>): { callables: Callable[]; lists: ArgList[] } {
  switch (group) {
    case 'constructors':
      return { callables: CLASS_GROUPS.constructors.flatMap(([ns, prefix]) => constructorsOf(ns, prefix)), lists: argumentLists() };
    case 'io': {
      const callables = [...FUNCTION_GROUPS.io.flatMap(([ns, prefix]) => functionsOf(ns, prefix)), ...CLASS_GROUPS.io.flatMap(([ns, prefix]) => constructorsOf(ns, prefix))];
      return { callables, lists: argumentLists() };
    }
    case 'modules':
      return { callables: instanceCallables(MODULE_INSTANCES), lists: argumentLists() };
    case 'layers':
      return { callables: [...instanceCallables(LAYER_INSTANCES, torch.nn.Module.prototype), ...STATIC_METHODS], lists: argumentLists() };
    case 'optimizers':
      return { callables: instanceCallables(OPTIMIZER_INSTANCES), lists: argumentLists() };
    case 'schedulers':
      return { callables: [...instanceCallables(SCHEDULER_INSTANCES, Object.prototype, ['loadStateDict']), ...schedulerConstructors()], lists: argumentLists() };
    case 'dataObjects':
      return { callables: [...instanceCallables(DATA_INSTANCES), ...iteratedCallables()], lists: argumentLists() };
    case 'tensorFull':
      return { callables: tensorMethods().map((name) => methodCallable(name, 'f')), lists: argumentLists() };
    case 'tensorReceivers': {
      const receivers = ['d', 'i', 'u', 'b', 's', 'e', 'v', 'g', 'w', 't'];
      const callables = tensorMethods().flatMap((name) => receivers.map((r) => methodCallable(name, r)));
      return { callables, lists: receiverLists() };
    }
    default:
      return { callables: FUNCTION_GROUPS[group].flatMap(([ns, prefix]) => functionsOf(ns, prefix)), lists: argumentLists() };
  }
}

interface Progress {
  type: 'call';
  label: string;
}
interface Done {
  type: 'done';
  report: WalkReport;
}

if (!isMainThread && parentPort !== null && typeof workerData === 'string') {
  const port = parentPort;
  const group = workerData as Group;
  const state = snapshot();
  const hooks = {
    before: () => restore(state),
    after: (threw: boolean) => {
      const diff = changed(state, snapshot());
      // PyTorch's own generator may advance before an argument check fails (bernoulli's p, dropout
      // of integers), so the RNG is not required to be untouched by a call that throws.
      return threw ? diff.filter((k) => k !== 'rng') : diff.filter((k) => k === 'inference');
    },
  };
  const onCall = (label: string): void => port.postMessage({ type: 'call', label } satisfies Progress);
  let report: WalkReport;
  if (group === 'layoutsT' || group === 'layoutsO') {
    report = walkLayouts(layoutCallables(), group === 'layoutsT' ? 't' : 'o', onCall, hooks);
  } else {
    const { callables, lists } = callablesOf(group);
    report = walk(callables, lists, onCall, hooks);
  }
  port.postMessage({ type: 'done', report } satisfies Done);
}

const TIME_LIMIT_MS = 60_000;

export function runGroup(group: Group): Promise<WalkReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: group });
    let last = '(none yet)';
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${group}: no answer within ${TIME_LIMIT_MS} ms; the last call started was ${last}`));
    }, TIME_LIMIT_MS);
    worker.on('message', (m: Progress | Done) => {
      if (m.type === 'call') last = m.label;
      else {
        clearTimeout(timer);
        resolve(m.report);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${group}: the worker died during ${last}: ${e.message}`));
    });
  });
}

/** Runs a group and fails the test on any failure. */
export async function checkGroup(group: Group): Promise<void> {
  const report = await runGroup(group);
  assert.ok(report.calls > 0 && report.threw > 0, `${group}: ${JSON.stringify({ ...report, failures: report.failures.length })}`);
  const shown = report.failures.slice(0, 60).map((f) => `  ${f.call}: ${f.problem}`).join('\n');
  assert.equal(report.failures.length, 0, `${report.failures.length} of ${report.calls} calls failed:\n${shown}`);
}
