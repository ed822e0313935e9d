// nn.Module: the base class of layers and models.
//
// Registration. PyTorch registers parameters, buffers and submodules from `__setattr__`, so that
// `self.fc = nn.Linear(...)` records `fc` in assignment order. JavaScript has no `__setattr__`, and
// TypeScript class fields are created with define semantics (Object.defineProperty), so the Module
// constructor returns a Proxy of the new object with `set`, `defineProperty` and `deleteProperty` traps:
// assignments and field initialisers of subclasses pass through PyTorch's `__setattr__` rules. There is
// no `get` trap: registered members are also stored as ordinary own properties of the object, so
// `this.fc` needs no lookup in the registries (a read through a proxy costs V8 some 20 ns, which is
// small beside an op's cost).
// A field declared without initialiser (`fc!: Linear`) is created as `undefined`; such a definition
// neither unregisters a member nor counts as an existing attribute (Python has no `undefined`).
//
// Calling. `m.forward(x)` runs the forward computation alone; `m.call(x)` is PyTorch's `m(x)`: forward
// pre-hooks, forward, then forward hooks. Containers call their children with `call`.
//
// Collections. parameters(), namedParameters(), modules(), ... return arrays (PyTorch's generators,
// materialised); stateDict() returns a Map (PyTorch's OrderedDict: ordered whatever the keys look
// like); loadStateDict takes a Map or a plain object.
import { Tensor } from '../tensor/tensor.js';
import { DType, float32, float64 } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/layout.js';
import { noGrad } from '../autograd/grad-mode.js';
import { addHook, type RemovableHandle } from '../autograd/node.js';
import { Parameter, typename } from './parameter.js';
import { boolOption, dtypeOption, isOptionsObject, optionsArg } from '../tensor/args.js';
import { pyTypeName } from '../tensor/tensor.js';

/** The raw object behind a module's proxy (registration writes its own properties there). */
const RAW = Symbol('tstorch.nn.Module.raw');

/** `hook(module, args)`: may return new args (an array is the argument list, anything else one argument). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/** `hook(module, args, output)`: a returned value other than undefined replaces the output. */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

export interface StateDictOptions {
  prefix?: string;
  /** Keep the tensors themselves (attached to autograd) instead of detached aliases. */
  keepVars?: boolean;
  destination?: Map<string, Tensor>;
}

export type StateDict = Map<string, Tensor> | Readonly<Record<string, Tensor>>;

/** What loadStateDict returns (PyTorch's `_IncompatibleKeys`). */
export class IncompatibleKeys {
  constructor(readonly missingKeys: string[], readonly unexpectedKeys: string[]) {}

  toString(): string {
    if (this.missingKeys.length === 0 && this.unexpectedKeys.length === 0) return '<All keys matched successfully>';
    const list = (keys: string[]): string => `[${keys.map((k) => `'${k}'`).join(', ')}]`;
    return `_IncompatibleKeys(missing_keys=${list(this.missingKeys)}, unexpected_keys=${list(this.unexpectedKeys)})`;
  }
}

function isPlainAttribute(target: Module, key: string): boolean {
  return !target._parameters.has(key) && !target._buffers.has(key) && !target._modules.has(key);
}

/** Whether PyTorch's `__setattr__` would route this assignment away from the instance dict. */
function claims(target: Module, key: string, value: unknown): boolean {
  return value instanceof Parameter || value instanceof Module || !isPlainAttribute(target, key);
}

function defineOwn(raw: Module, key: string, value: unknown): void {
  Reflect.defineProperty(raw, key, { value, writable: true, enumerable: true, configurable: true });
}

/** PyTorch's `Module.__setattr__` for assignments it claims (see `claims`). */
function setAttribute(raw: Module, module: Module, key: string, value: unknown): void {
  const v = value === undefined ? null : value;
  if (v instanceof Parameter) {
    // PyTorch drops the name from __dict__, _buffers and _modules before registering the parameter.
    if (!raw._parameters.has(key)) Reflect.deleteProperty(raw, key);
    raw._buffers.delete(key);
    raw._modules.delete(key);
    raw._nonPersistentBuffers.delete(key);
    module.registerParameter(key, v);
  } else if (raw._parameters.has(key)) {
    if (v !== null) throw new TypeError(`cannot assign '${typename(v)}' as parameter '${key}' (torch.nn.Parameter or None expected)`);
    module.registerParameter(key, null);
  } else if (v instanceof Module) {
    raw._parameters.delete(key);
    raw._buffers.delete(key);
    raw._nonPersistentBuffers.delete(key);
    raw._modules.set(key, v);
    defineOwn(raw, key, v);
  } else if (raw._modules.has(key)) {
    if (v !== null) throw new TypeError(`cannot assign '${typename(v)}' as child module '${key}' (torch.nn.Module or None expected)`);
    raw._modules.set(key, null);
    defineOwn(raw, key, null);
  } else {
    if (v !== null && !(v instanceof Tensor)) throw new TypeError(`cannot assign '${typename(v)}' as buffer '${key}' (torch.Tensor or None expected)`);
    raw._buffers.set(key, v);
    defineOwn(raw, key, v);
  }
}

const traps: ProxyHandler<Module> = {
  set(target, key, value, receiver) {
    if (typeof key === 'string' && claims(target, key, value)) {
      setAttribute(target, receiver as Module, key, value);
      return true;
    }
    return Reflect.set(target, key, value, receiver);
  },
  defineProperty(target, key, descriptor) {
    if (typeof key === 'string' && 'value' in descriptor && claims(target, key, descriptor.value)) {
      // `fc!: Linear` in a subclass defines `undefined` after the base constructor registered `fc`.
      if (descriptor.value !== undefined) setAttribute(target, target[RAW_PROXY] as Module, key, descriptor.value);
      return true;
    }
    return Reflect.defineProperty(target, key, descriptor);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string') {
      target._parameters.delete(key);
      target._buffers.delete(key);
      target._nonPersistentBuffers.delete(key);
      target._modules.delete(key);
    }
    return Reflect.deleteProperty(target, key);
  },
};

/** The proxy of a raw module (the defineProperty trap receives no receiver). */
const RAW_PROXY = Symbol('tstorch.nn.Module.proxy');

/**
 * A dotted path argument of get_submodule and its kin; PyTorch has no check of its own (it fails with
 * "'int' object has no attribute 'split'").
 */
function targetArg(target: unknown, fn: string): asserts target is string {
  if (typeof target !== 'string') throw new TypeError(`${fn}(): argument 'target' (position 1) must be str, not ${pyTypeName(target)}`);
}

function checkMemberName(name: unknown, kind: 'parameter' | 'buffer' | 'module', owner: Module, registry: Map<string, unknown>): asserts name is string {
  if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typename(name)}`);
  if (kind === 'module') {
    if (owner.hasAttribute(name) && !registry.has(name)) throw new Error(`attribute '${name}' already exists`);
    if (name.includes('.')) throw new Error(`module name can't contain ".", got: ${name}`);
    if (name === '') throw new Error('module name can\'t be empty string ""');
    return;
  }
  if (name.includes('.')) throw new Error(`${kind} name can't contain "."`);
  if (name === '') throw new Error(`${kind} name can't be empty string ""`);
  if (owner.hasAttribute(name) && !registry.has(name)) throw new Error(`attribute '${name}' already exists`);
}

/** Layers format their reprs with Python's number and bool reprs. */
export { pyFloatRepr } from '../tensor/print.js';

/** Python's repr of a bool. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** PyTorch's `_addindent`: indents every line but the first. */
export function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

export class Module {
  /** Whether the module is in training mode (`train()` / `eval()`). */
  training = true;
  /** @internal */ readonly _parameters = new Map<string, Parameter | null>();
  /** @internal */ readonly _buffers = new Map<string, Tensor | null>();
  /** @internal */ readonly _nonPersistentBuffers = new Set<string>();
  /** @internal */ readonly _modules = new Map<string, Module | null>();
  /** @internal */ readonly _forwardPreHooks = new Map<number, ForwardPreHook<never>>();
  /** @internal */ readonly _forwardHooks = new Map<number, ForwardHook<never>>();
  /** @internal Hooks registered with `alwaysCall` (run even when forward throws). */
  readonly _forwardHooksAlwaysCalled = new Set<number>();
  /** @internal */ declare readonly [RAW]: Module;
  /** @internal */ declare readonly [RAW_PROXY]: Module;

  constructor() {
    const proxy = new Proxy(this, traps);
    Object.defineProperty(this, RAW, { value: this });
    Object.defineProperty(this, RAW_PROXY, { value: proxy });
    return proxy;
  }

  /** The computation; subclasses override it. Call `m.call(...)` to run it with the hooks. */
  forward(..._args: unknown[]): unknown {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /** PyTorch's `module(*args)`: forward pre-hooks, `forward`, then forward hooks. */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    if (this._forwardPreHooks.size === 0 && this._forwardHooks.size === 0) {
      return this.forward(...args) as ReturnType<this['forward']>;
    }
    let input: unknown[] = args;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const result = (hook as ForwardPreHook<this>)(this, input);
      if (result !== undefined && result !== null) input = Array.isArray(result) ? result : [result];
    }
    let output: unknown;
    try {
      output = this.forward(...input);
    } catch (error) {
      for (const [id, hook] of [...this._forwardHooks]) {
        if (this._forwardHooksAlwaysCalled.has(id)) (hook as ForwardHook<this>)(this, input, undefined);
      }
      throw error;
    }
    for (const hook of [...this._forwardHooks.values()]) {
      const result = (hook as ForwardHook<this>)(this, input, output);
      if (result !== undefined && result !== null) output = result;
    }
    return output as ReturnType<this['forward']>;
  }

  registerForwardPreHook(hook: ForwardPreHook<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    const prepend = boolOption(optionsArg(options, 'register_forward_pre_hook').prepend, 'register_forward_pre_hook', 'prepend');
    return registerHook(this._forwardPreHooks as Map<number, ForwardPreHook<this>>, hook, prepend ?? false);
  }

  registerForwardHook(hook: ForwardHook<this>, options: { prepend?: boolean; alwaysCall?: boolean } = {}): RemovableHandle {
    const { prepend, alwaysCall } = optionsArg(options, 'register_forward_hook');
    const handle = registerHook(this._forwardHooks as Map<number, ForwardHook<this>>, hook, boolOption(prepend, 'register_forward_hook', 'prepend') ?? false);
    if (boolOption(alwaysCall, 'register_forward_hook', 'always_call')) this._forwardHooksAlwaysCalled.add(handle.id);
    return handle;
  }

  /** @internal PyTorch's `hasattr(self, name)`, where an `undefined` property counts as absent. */
  hasAttribute(name: string): boolean {
    return name in this && Reflect.get(this, name) !== undefined;
  }

  // ---- registration ----

  registerParameter(name: string, param: Parameter | null): void {
    checkMemberName(name, 'parameter', this, this._parameters);
    if (param !== null && param !== undefined) {
      if (!(param instanceof Parameter)) {
        throw new TypeError(`cannot assign '${typename(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
      }
      if (param.gradFn !== null) {
        throw new Error(
          `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
        );
      }
    }
    const value = param ?? null;
    this._parameters.set(name, value);
    defineOwn(this[RAW], name, value);
  }

  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkMemberName(name, 'buffer', this, this._buffers);
    if (tensor !== null && tensor !== undefined && !(tensor instanceof Tensor)) {
      throw new TypeError(`cannot assign '${typename(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    const value = tensor ?? null;
    this._buffers.set(name, value);
    if (boolOption(optionsArg(options, 'register_buffer').persistent, 'register_buffer', 'persistent') ?? true) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
    defineOwn(this[RAW], name, value);
  }

  registerModule(name: string, module: Module | null): void {
    if (module !== null && module !== undefined && !(module instanceof Module)) {
      throw new TypeError(`${typename(module)} is not a Module subclass`);
    }
    checkMemberName(name, 'module', this, this._modules);
    const value = module ?? null;
    this._modules.set(name, value);
    defineOwn(this[RAW], name, value);
  }

  /** PyTorch's `add_module` (an alias of registerModule). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** The submodule at a dotted path (`'net.0'`); '' is this module. */
  getSubmodule(target: string): Module {
    targetArg(target, 'get_submodule');
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      if (!mod.hasAttribute(item)) throw new Error(`${mod.constructor.name} has no attribute \`${item}\``);
      const next = Reflect.get(mod, item);
      if (!(next instanceof Module)) throw new Error(`\`${item}\` is not an nn.Module`);
      mod = next;
    }
    return mod;
  }

  /** The parameter at a dotted path (`'net.0.weight'`). */
  getParameter(target: string): Parameter {
    targetArg(target, 'get_parameter');
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!mod.hasAttribute(name)) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    const param = Reflect.get(mod, name);
    if (!(param instanceof Parameter)) throw new Error(`\`${name}\` is not an nn.Parameter`);
    return param;
  }

  /** The buffer at a dotted path. */
  getBuffer(target: string): Tensor {
    targetArg(target, 'get_buffer');
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!mod.hasAttribute(name)) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    if (!mod._buffers.has(name)) throw new Error(`\`${name}\` is not a buffer`);
    return Reflect.get(mod, name) as Tensor;
  }

  // ---- traversal ----

  /** Every module of the tree with its dotted name, this one first (each once unless removeDuplicate is false). */
  namedModules(options: { memo?: Set<Module>; prefix?: string; removeDuplicate?: boolean } = {}): [string, Module][] {
    options = optionsArg(options, 'named_modules');
    const out: [string, Module][] = [];
    const memo = options.memo ?? new Set<Module>();
    const removeDuplicate = options.removeDuplicate ?? true;
    const visit = (module: Module, prefix: string): void => {
      if (memo.has(module)) return;
      if (removeDuplicate) memo.add(module);
      out.push([prefix, module]);
      for (const [name, child] of module._modules) {
        if (child !== null) visit(child, prefix + (prefix ? '.' : '') + name);
      }
    };
    visit(this, options.prefix ?? '');
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The direct submodules with their names (each once). */
  namedChildren(): [string, Module][] {
    const memo = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, child] of this._modules) {
      if (child !== null && !memo.has(child)) {
        memo.add(child);
        out.push([name, child]);
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  private namedMembers<T>(
    members: (m: Module) => Iterable<[string, T | null]>,
    options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean },
  ): [string, T][] {
    const prefix = options.prefix ?? '';
    const removeDuplicate = options.removeDuplicate ?? true;
    const modules: [string, Module][] = options.recurse ?? true ? this.namedModules({ prefix, removeDuplicate }) : [[prefix, this]];
    const memo = new Set<T>();
    const out: [string, T][] = [];
    for (const [modulePrefix, module] of modules) {
      for (const [k, v] of members(module)) {
        if (v === null || memo.has(v)) continue;
        if (removeDuplicate) memo.add(v);
        out.push([modulePrefix + (modulePrefix ? '.' : '') + k, v]);
      }
    }
    return out;
  }

  namedParameters(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, optionsArg(options, 'named_parameters'));
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters({ recurse: boolOption(recurse, 'parameters', 'recurse', 1) }).map(([, p]) => p);
  }

  namedBuffers(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, optionsArg(options, 'named_buffers'));
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers({ recurse: boolOption(recurse, 'buffers', 'recurse', 1) }).map(([, b]) => b);
  }

  // ---- state ----

  /** Parameters and persistent buffers by dotted name, in registration order (PyTorch's keys). */
  stateDict(options: StateDictOptions = {}): Map<string, Tensor> {
    options = optionsArg(options, 'state_dict');
    const destination = options.destination ?? new Map<string, Tensor>();
    const prefix = options.prefix ?? '';
    const keep = (t: Tensor): Tensor => (options.keepVars ? t : t.detach());
    for (const [name, param] of this._parameters) {
      if (param !== null) destination.set(prefix + name, keep(param));
    }
    for (const [name, buf] of this._buffers) {
      if (buf !== null && !this._nonPersistentBuffers.has(name)) destination.set(prefix + name, keep(buf));
    }
    for (const [name, child] of this._modules) {
      if (child !== null) child.stateDict({ destination, prefix: `${prefix}${name}.`, keepVars: options.keepVars });
    }
    return destination;
  }

  /**
   * Copies `stateDict`'s tensors into this module's parameters and buffers (`loadStateDict(sd)`,
   * `loadStateDict(sd, false)` or `loadStateDict(sd, { strict: false })`), with PyTorch's errors.
   */
  loadStateDict(stateDict: StateDict, strict: boolean | { strict?: boolean } = true): IncompatibleKeys {
    if (stateDict === null || typeof stateDict !== 'object' || stateDict instanceof Tensor || Array.isArray(stateDict)) {
      throw new TypeError(`Expected state_dict to be dict-like, got <class '${typename(stateDict)}'>.`);
    }
    const isStrict = (isOptionsObject(strict) ? boolOption(strict.strict, 'load_state_dict', 'strict') : boolOption(strict, 'load_state_dict', 'strict', 2)) ?? true;
    const entries = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    // PyTorch fails inside with "'int' object has no attribute 'startswith'".
    for (const key of entries.keys()) {
      if (typeof key !== 'string') throw new TypeError(`load_state_dict(): the keys of state_dict must be str, but found ${pyTypeName(key)}`);
    }
    const missing: string[] = [];
    const unexpected: string[] = [];
    const errors: string[] = [];
    const load = (module: Module, local: Map<string, Tensor>, prefix: string): void => {
      module.loadFromStateDict(local, prefix, missing, unexpected, errors);
      for (const [name, child] of module._modules) {
        if (child === null) continue;
        const childPrefix = `${prefix}${name}.`;
        load(child, new Map([...local].filter(([k]) => k.startsWith(childPrefix))), childPrefix);
      }
    };
    load(this, entries, '');
    if (isStrict) {
      const quoted = (keys: string[]): string => keys.map((k) => `"${k}"`).join(', ');
      if (unexpected.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${quoted(unexpected)}. `);
      if (missing.length > 0) errors.unshift(`Missing key(s) in state_dict: ${quoted(missing)}. `);
    }
    if (errors.length > 0) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    return new IncompatibleKeys(missing, unexpected);
  }

  /**
   * Loads this module's own parameters and persistent buffers from `stateDict` (PyTorch's
   * `_load_from_state_dict`); layers with versioned or extra state override it.
   */
  protected loadFromStateDict(stateDict: Map<string, Tensor>, prefix: string, missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    const local = new Map<string, Tensor>();
    for (const [name, p] of this._parameters) if (p !== null) local.set(name, p);
    for (const [name, b] of this._buffers) if (b !== null && !this._nonPersistentBuffers.has(name)) local.set(name, b);
    for (const [name, param] of local) {
      const key = prefix + name;
      if (!stateDict.has(key)) {
        missingKeys.push(key);
        continue;
      }
      let input = stateDict.get(key) as unknown;
      if (!(input instanceof Tensor)) {
        errorMsgs.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received <class '${typename(input)}'>`);
        continue;
      }
      // Checkpoints of PyTorch 0.3 stored scalars as 1-element vectors.
      if (param.dim() === 0 && input.dim() === 1) input = input.select(0, 0);
      const source = input as Tensor;
      if (shapeStr(source.shape) !== shapeStr(param.shape)) {
        errorMsgs.push(
          `size mismatch for ${key}: copying a param with shape torch.Size([${source.shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${param.shape.join(', ')}]).`,
        );
        continue;
      }
      try {
        noGrad(() => param.copy_(source));
      } catch (error) {
        errorMsgs.push(
          `While copying the parameter named "${key}", whose dimensions in the model are torch.Size([${param.shape.join(', ')}]) and whose dimensions in the checkpoint are torch.Size([${source.shape.join(', ')}]), an exception occurred : ('${(error as Error).message}',).`,
        );
      }
    }
    for (const key of stateDict.keys()) {
      if (!key.startsWith(prefix)) continue;
      const inputName = key.slice(prefix.length).split('.', 1)[0];
      if (!this._modules.has(inputName) && !local.has(inputName)) unexpectedKeys.push(key);
    }
  }

  // ---- modes and parameters ----

  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new Error('training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Resets the gradients of all parameters: to null (the 2.x default), or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = boolOption(optionsArg(options, 'zero_grad').setToNone, 'zero_grad', 'set_to_none') ?? true;
    for (const p of this.parameters()) {
      const grad = p.grad;
      if (grad === null) continue;
      if (setToNone) {
        p.grad = null;
        continue;
      }
      if (grad.gradFn !== null) grad.detach_();
      else grad.requiresGrad_(false);
      grad.zero_();
    }
  }

  /** Calls `fn` on every submodule (children first, depth first) then on this module. */
  apply(fn: (module: Module) => void): this {
    // PyTorch fails only at the call ("'str' object is not callable"), after the children ran it.
    if (typeof fn !== 'function') throw new TypeError(`apply(): argument 'fn' (position 1) must be callable, not ${pyTypeName(fn)}`);
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Applies `fn` to every parameter, gradient and buffer of the tree. Parameters keep their identity
   * (their `.data` is replaced), as in PyTorch, so optimizers built before still hold them.
   */
  protected applyToTensors(fn: (t: Tensor) => Tensor): this {
    for (const module of this.modules()) {
      for (const param of module._parameters.values()) {
        if (param === null) continue;
        noGrad(() => {
          param.data = fn(param);
          const grad = param.grad_;
          if (grad !== null) grad.data = fn(grad);
        });
      }
      for (const [name, buf] of module._buffers) {
        if (buf === null) continue;
        const converted = noGrad(() => fn(buf));
        module._buffers.set(name, converted);
        defineOwn(module[RAW], name, converted);
      }
    }
    return this;
  }

  /**
   * Casts floating-point parameters and buffers: `to(dtype)`, `to('cpu')`, `to('cpu', dtype)` or
   * `to({ dtype })` (tstorch has only the CPU device).
   */
  to(...args: (DType | string | { dtype?: DType; device?: string })[]): this {
    let dtype: DType | undefined;
    for (const arg of args) {
      if (arg instanceof DType) dtype = arg;
      else if (typeof arg === 'string') {
        if (arg !== 'cpu') throw new Error(`Expected one of cpu device type at start of device string: ${arg}`);
      } else if (isOptionsObject(arg)) {
        const options = arg as { dtype?: unknown; device?: unknown };
        if (options.device !== undefined && options.device !== null && options.device !== 'cpu') {
          throw new Error(`Expected one of cpu device type at start of device string: ${String(options.device)}`);
        }
        dtype = dtypeOption(options.dtype, 'to') ?? dtype;
      } else throw new TypeError(`to() received an invalid combination of arguments - got (${typename(arg)})`);
    }
    if (dtype === undefined) return this;
    if (!dtype.isFloatingPoint) {
      throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${dtype}`);
    }
    const target = dtype;
    return this.applyToTensors((t) => (t.isFloatingPoint() ? t.to(target) : t));
  }

  float(): this {
    return this.applyToTensors((t) => (t.isFloatingPoint() ? t.to(float32) : t));
  }

  double(): this {
    return this.applyToTensors((t) => (t.isFloatingPoint() ? t.to(float64) : t));
  }

  /** Casts every parameter and buffer, integral ones included. */
  type(dtype: DType): this {
    return this.applyToTensors((t) => t.to(dtype));
  }

  cpu(): this {
    return this;
  }

  // ---- printing ----

  /** The layer's settings shown inside its repr (`in_features=3, out_features=2, bias=True`). */
  extraRepr(): string {
    return '';
  }

  /** The name shown in the repr (the class name). */
  protected getName(): string {
    return this.constructor.name;
  }

  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this._modules].map(([key, m]) => `(${key}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this.getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function registerHook<F>(hooks: Map<number, F>, hook: F, prepend: boolean): RemovableHandle {
  if (typeof hook !== 'function') throw new TypeError(`hook must be a function, but got ${typeof hook}`);
  const handle = addHook(hooks, hook);
  if (prepend) {
    const rest = [...hooks].filter(([id]) => id !== handle.id);
    hooks.clear();
    hooks.set(handle.id, hook);
    for (const [id, fn] of rest) hooks.set(id, fn);
  }
  return handle;
}
