// torch.optim.Optimizer: parameter groups, per-parameter state, zeroGrad, stateDict/loadStateDict.
//
// Names follow the project's rule: PyTorch's snake_case becomes camelCase, everywhere, including the
// keys of state dicts. The mapping back is mechanical (`pytorchName`): `param_groups` <-> `paramGroups`,
// `weight_decay` <-> `weightDecay`, `exp_avg_sq` <-> `expAvgSq`, `initial_lr` <-> `initialLr`, ...
// PyTorch's device/implementation switches (foreach, fused, capturable, differentiable) have no
// counterpart: tstorch always runs the single-tensor ("for-loop") algorithms of PyTorch 2.x.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { boolOption, isOptionsObject, optionsArg } from '../tensor/args.js';
import { warn } from '../tensor/warnings.js';
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { pyNumberStr } from '../tensor/print.js';

/** One parameter group as given to an optimizer: its tensors, and options overriding the defaults. */
export interface ParamGroupSpec {
  params: Tensor | Iterable<Tensor>;
  [option: string]: unknown;
}

/** Parameters for an optimizer: tensors (one group), or groups with their own options. */
export type Params = Iterable<Tensor> | Iterable<ParamGroupSpec>;

/** A parameter group after construction: every default filled in. Schedulers add keys (`initialLr`, ...). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
}

/** Per-parameter state (`momentumBuffer`, `expAvg`, `step`, ...). */
export type ParamState = Record<string, Tensor>;

/** `optimizer.stateDict()`: PyTorch's structure, with state keyed by the parameter's index across groups. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** A closure that re-evaluates the model and returns the loss (run with grad enabled). */
export type Closure = () => Tensor | number;

/** PyTorch's name for a tstorch key: `weightDecay` -> `weight_decay`, `paramGroups` -> `param_groups`. */
export function pytorchName(key: string): string {
  if (typeof key !== 'string') throw new TypeError(`pytorchName(): argument 'key' (position 1) must be str, not ${pyTypeName(key)}`);
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `torch.typename`: 'torch.FloatTensor' for tensors, the Python type name otherwise. */
function typename(value: unknown): string {
  return value instanceof Tensor ? value.dtype.legacyName : pyTypeName(value);
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.iterator in value;
}

/** Throws PyTorch's ValueError for an option outside its range: `Invalid learning rate: -1`. */
export function checkOption(ok: boolean, what: string, value: number): void {
  if (!ok) throw new Error(`Invalid ${what}: ${pyNumberStr(value)}`);
}

/**
 * The shape of a state dict given to loadStateDict; PyTorch has no check of its own (it fails with
 * KeyError 'param_groups' or "'int' object is not subscriptable").
 */
function checkStateDict(stateDict: unknown): asserts stateDict is OptimizerStateDict {
  const fail = (what: string, value: unknown): never => {
    throw new TypeError(`load_state_dict(): ${what}, not ${pyTypeName(value)}`);
  };
  if (!isOptionsObject(stateDict)) fail("argument 'state_dict' (position 1) must be a dict with 'state' and 'paramGroups'", stateDict);
  const { state, paramGroups } = stateDict as { state?: unknown; paramGroups?: unknown };
  if (!Array.isArray(paramGroups)) fail("state_dict.paramGroups must be a list of param groups", paramGroups);
  for (const group of paramGroups as unknown[]) {
    if (!isOptionsObject(group)) fail('each param group must be a dict', group);
    const ids = (group as { params?: unknown }).params;
    if (!Array.isArray(ids) || !ids.every(Number.isInteger)) fail("each param group's params must be a list of ints", ids);
  }
  if (!isOptionsObject(state)) fail('state_dict.state must be a dict', state);
  for (const entry of Object.values(state as object) as unknown[]) {
    if (!isOptionsObject(entry)) fail("each entry of state_dict.state must be a dict", entry);
    for (const value of Object.values(entry as object) as unknown[]) {
      if (!(value instanceof Tensor)) fail('the values of a parameter state must be Tensors', value);
    }
  }
}

/**
 * Base class of the optimizers. Subclasses give their defaults and `updateGroup`, which runs under
 * noGrad for each group in turn (PyTorch's `step` body).
 */
export abstract class Optimizer<O extends { lr: number } = { lr: number }> {
  readonly defaults: O;
  /** Per-parameter state, in the order parameters first received state (PyTorch's dict order). */
  state = new Map<Tensor, ParamState>();
  paramGroups: (ParamGroup & O)[] = [];
  /** Set by step(); lets a scheduler warn when it is stepped before the optimizer. */
  stepCalled = false;

  constructor(params: Params, defaults: O) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typename(params)}`);
    }
    if (!isIterable(params)) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typename(params)}`);
    }
    const groups = [...(params as Iterable<unknown>)];
    if (groups.length === 0) throw new Error('optimizer got an empty parameter list');
    const specs = groups[0] instanceof Tensor || !isPlainObject(groups[0]) ? [{ params: groups as Tensor[] }] : (groups as ParamGroupSpec[]);
    for (const spec of specs) this.addParamGroup(spec);
  }

  /** Adds a group (e.g. layers unfrozen while training), filling unspecified options from the defaults. */
  addParamGroup(paramGroup: ParamGroupSpec): void {
    if (!isPlainObject(paramGroup)) throw new TypeError(`param_group must be a dict, but got ${pyTypeName(paramGroup)}`);
    // Python's KeyError, whose message is the key's repr.
    if (!Object.hasOwn(paramGroup, 'params')) throw new Error("'params'");
    const given = paramGroup.params;
    if (given instanceof Set) {
      throw new TypeError(
        'optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.',
      );
    }
    const params = given instanceof Tensor ? [given] : isIterable(given) ? [...given] : [given as unknown as Tensor];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typename(p)}`);
      if (!(p.isLeaf || p.retainsGrad)) throw new Error("can't optimize a non-leaf Tensor");
    }
    const group = { ...paramGroup, params } as Record<string, unknown>;
    for (const [name, value] of Object.entries(this.defaults)) {
      if (!(name in group) || group[name] === undefined) group[name] = Array.isArray(value) ? [...value] : value;
      else if ((typeof value === 'number' || typeof value === 'boolean') && typeof group[name] !== typeof value) {
        // PyTorch stores any value and fails at step ("bad operand type for unary -: 'str'"); a string
        // here would make the step compute NaN silently.
        throw new TypeError(`add_param_group(): argument '${pytorchName(name)}' must be ${typeof value === 'number' ? 'float' : 'bool'}, not ${pyTypeName(group[name])}`);
      }
    }
    if (new Set(params).size !== params.length) {
      warn(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
      );
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => existing.has(p))) throw new Error('some parameters appear in more than one parameter group');
    this.paramGroups.push(group as ParamGroup & O);
  }

  /** Resets the gradients: to null (`setToNone`, the default as in PyTorch 2.x) or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = boolOption(optionsArg(options, 'zero_grad').setToNone, 'zero_grad', 'set_to_none') ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          if (grad.gradFn !== null) grad.detach_();
          else grad.requiresGrad_(false);
          grad.zero_();
        }
      }
    }
  }

  /** One optimization step over every group; runs `closure` first (with grad enabled) and returns its loss. */
  step(closure?: Closure): Tensor | number | undefined {
    // PyTorch's message when it calls a closure that is not callable.
    if (closure !== undefined && closure !== null && typeof closure !== 'function') throw new TypeError(`'${pyTypeName(closure)}' object is not callable`);
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        const params = group.params.filter((p) => p.grad !== null);
        this.updateGroup(group, params);
      }
    });
    this.stepCalled = true;
    return loss;
  }

  /** Updates the parameters of one group that have a gradient (called under noGrad). */
  protected abstract updateGroup(group: ParamGroup & O, params: Tensor[]): void;

  /** The state of `p`, created empty on first access (PyTorch's defaultdict). */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The optimizer's state: `state` keyed by each parameter's index in the concatenated groups, and
   * `paramGroups` with index lists for `params`. Tensors are shared with the optimizer, not copied.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      const ids = params.map((p) => {
        if (!index.has(p)) index.set(p, next++);
        return index.get(p) as number;
      });
      return { ...options, params: ids };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state from `stateDict()`: tensors are copied, floating ones cast to their parameter's dtype
   * (except `step`, as PyTorch); group options are replaced by the saved ones.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    checkStateDict(stateDict);
    const groups = this.paramGroups;
    const saved = stateDict.paramGroups;
    if (groups.length !== saved.length) throw new Error('loaded state dict has a different number of parameter groups');
    if (groups.some((g, i) => g.params.length !== saved[i].params.length)) {
      throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const byId = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => byId.set(id, groups[i].params[j])));
    const state = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(stateDict.state)) {
      const param = byId.get(Number(key));
      if (param === undefined) continue;
      const copy: ParamState = {};
      for (const [name, value] of Object.entries(entry)) {
        const cast = name !== 'step' && param.isFloatingPoint() ? value.to(param.dtype) : value;
        copy[name] = noGrad(() => (cast === value ? value.clone() : cast)).detach();
      }
      state.set(param, copy);
    }
    this.state = state;
    this.paramGroups = saved.map((g, i) => {
      const options = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
      return { ...options, params: groups[i].params } as ParamGroup & O;
    });
  }

  /** PyTorch's repr: each group's options, sorted by name (tstorch's names). */
  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((group, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const key of Object.keys(group).sort()) {
        if (key !== 'params') lines.push(`    ${key}: ${pyValueStr(group[key])}`);
      }
    });
    return `${lines.join('\n')}\n)`;
  }

  /** `console.log(optimizer)` in Node prints the repr, as `print(optimizer)` does. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !(value instanceof Tensor) && !isIterable(value);
}

function pyValueStr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumberStr(value);
  if (Array.isArray(value)) return `(${value.map(pyValueStr).join(', ')})`;
  if (value === null || value === undefined) return 'None';
  return String(value);
}

/** `self.addcmul_(t1, t2, { value })` with ATen's CPU rounding: self + ((value * t1) * t2). */
export function addcmul_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return self.add_(t1.mul(value).mul(t2));
}

/** `self.addcdiv_(t1, t2, { value })` with ATen's CPU rounding: self + ((value * t1) / t2). */
export function addcdiv_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  return self.add_(t1.mul(value).div(t2));
}
