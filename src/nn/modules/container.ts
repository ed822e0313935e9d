// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict. Their members are
// registered under '0', '1', ... (or by key), so they are also own properties: `seq[0]`, `dict.encoder`.
import { Tensor } from '../../tensor/tensor.js';
import { Module, addIndent } from '../module.js';
import { Parameter, typename } from '../parameter.js';

/** PyTorch's `_get_abs_string_index`: an index in [-n, n) made non-negative. */
function intIndex(idx: unknown): asserts idx is number {
  if (!Number.isInteger(idx)) throw new TypeError(`'${typename(idx)}' object cannot be interpreted as an integer`);
}

function absIndex(idx: number, n: number): number {
  intIndex(idx);
  if (!(-n <= idx && idx < n)) throw new Error(`index ${idx} is out of range`);
  return idx < 0 ? idx + n : idx;
}

/** Python's slice of `n` items: the selected positions (step 1). */
function sliceRange(n: number, start?: number, end?: number): number[] {
  for (const v of [start, end]) {
    if (v !== undefined && v !== null && !Number.isInteger(v)) throw new TypeError('slice indices must be integers or None or have an __index__ method');
  }
  const clamp = (v: number | undefined, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const out: number[] = [];
  for (let i = clamp(start, 0); i < clamp(end, n); i++) out.push(i);
  return out;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

function checkModule(module: unknown): asserts module is Module {
  if (!(module instanceof Module)) throw new TypeError(`${typename(module)} is not a Module subclass`);
}

/** Replaces a container's submodules by `modules` under the keys '0', '1', ... (PyTorch renumbers after deletions). */
function renumber(container: Module, modules: (Module | null)[]): void {
  for (const key of [...container._modules.keys()]) Reflect.deleteProperty(container, key);
  modules.forEach((m, i) => container.registerModule(String(i), m));
}

/** Runs its modules in order, each on the previous one's output. */
export class Sequential extends Module {
  /** The module at a position (also `seq[i]` for i >= 0). */
  readonly [index: number]: Module;

  /** `new Sequential(m1, m2, ...)`, or `new Sequential(new Map([['name', m], ...]))` to name them. */
  constructor(...args: Module[] | [ReadonlyMap<string, Module>] | [Readonly<Record<string, Module>>]) {
    super();
    const first = args[0] as unknown;
    if (args.length === 1 && first instanceof Map) {
      for (const [key, module] of first) this.registerModule(key, module);
    } else if (args.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module)) {
      for (const [key, module] of Object.entries(first as Record<string, Module>)) this.registerModule(key, module);
    } else {
      (args as Module[]).forEach((m, i) => this.registerModule(String(i), m));
    }
  }

  get length(): number {
    return this._modules.size;
  }

  /** `seq[idx]` with Python's negative indices. */
  at(idx: number): Module {
    const keys = [...this._modules.keys()];
    return this._modules.get(keys[absIndex(idx, keys.length)]) as Module;
  }

  /** `seq[start:end]`: a Sequential of those modules, keeping their names. */
  slice(start?: number, end?: number): Sequential {
    const entries = [...this._modules];
    return new Sequential(new Map(sliceRange(entries.length, start, end).map((i) => entries[i] as [string, Module])));
  }

  /** `seq[idx] = module`. */
  setAt(idx: number, module: Module): void {
    const keys = [...this._modules.keys()];
    Reflect.set(this, keys[absIndex(idx, keys.length)], module);
  }

  /** `del seq[idx]`; the remaining modules are renamed '0', '1', ... as in PyTorch 2.x. */
  deleteAt(idx: number): void {
    const keys = [...this._modules.keys()];
    const key = keys[absIndex(idx, keys.length)];
    renumber(this, [...this._modules].filter(([k]) => k !== key).map(([, m]) => m));
  }

  pop(idx: number): Module {
    const module = this.at(idx);
    this.deleteAt(idx);
    return module;
  }

  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  insert(index: number, module: Module): this {
    intIndex(index);
    checkModule(module);
    const n = this._modules.size;
    if (!(-n <= index && index <= n)) throw new Error(`Index out of range: ${index}`);
    const i = index < 0 ? index + n : index;
    const modules = [...this._modules.values()];
    modules.splice(i, 0, module);
    renumber(this, modules);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    // PyTorch's Python raises "'NoneType' object is not iterable"; ModuleList.extend's wording names the method.
    if (!isIterable(modules)) throw new TypeError(`Sequential.extend should be called with an iterable, but got ${typename(modules)}`);
    for (const m of modules) this.append(m);
    return this;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._modules.values()) yield m as Module;
  }

  /** Typed for tensors, the usual case; any value passes through from module to module. */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this._modules.values()) x = (m as Module).call(x);
    return x as Tensor;
  }
}

/** A list of submodules (registered, unlike a plain array); it has no forward of its own. */
export class ModuleList extends Module {
  readonly [index: number]: Module;

  constructor(modules?: Iterable<Module>) {
    super();
    if (modules !== undefined && modules !== null) this.extend(modules);
  }

  get length(): number {
    return this._modules.size;
  }

  /** `list[idx]` with Python's negative indices. */
  at(idx: number): Module {
    return this._modules.get(String(absIndex(idx, this._modules.size))) as Module;
  }

  /** `list[start:end]`: a new ModuleList of those modules (renumbered). */
  slice(start?: number, end?: number): ModuleList {
    const modules = [...this._modules.values()] as Module[];
    return new ModuleList(sliceRange(modules.length, start, end).map((i) => modules[i]));
  }

  setAt(idx: number, module: Module): void {
    Reflect.set(this, String(absIndex(idx, this._modules.size)), module);
  }

  /** `del list[idx]`; later modules move down one place. */
  deleteAt(idx: number): void {
    const key = String(absIndex(idx, this._modules.size));
    renumber(this, [...this._modules].filter(([k]) => k !== key).map(([, m]) => m));
  }

  pop(idx: number): Module {
    const module = this.at(idx);
    this.deleteAt(idx);
    return module;
  }

  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  insert(index: number, module: Module): void {
    intIndex(index);
    checkModule(module);
    const modules = [...this._modules.values()];
    modules.splice(index < 0 ? Math.max(index + modules.length, 0) : index, 0, module);
    renumber(this, modules);
  }

  extend(modules: Iterable<Module>): this {
    if (!isIterable(modules)) {
      throw new TypeError(`ModuleList.extend should be called with an iterable, but got ${typename(modules)}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._modules.values()) yield m as Module;
  }

  /** PyTorch 2.x's repr, which folds runs of equal modules: `(0-2): 3 x Linear(...)`. */
  override toString(): string {
    const reprs = [...this._modules.values()].map((m) => (m === null ? 'None' : m.toString()));
    if (reprs.length === 0) return `${this.getName()}()`;
    const blocks: { start: number; end: number; repr: string }[] = [];
    reprs.forEach((r, i) => {
      const last = blocks[blocks.length - 1];
      if (last !== undefined && last.repr === r) last.end = i;
      else blocks.push({ start: i, end: i, repr: r });
    });
    const lines = blocks.map(({ start, end, repr }) =>
      addIndent(start === end ? `(${start}): ${repr}` : `(${start}-${end}): ${end - start + 1} x ${repr}`, 2),
    );
    return `${this.getName()}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/**
 * The Map-like methods ModuleDict and ParameterDict share, over the registry each keeps its members in
 * (`_modules` or `_parameters`); deleting a key goes through the Module's property deletion, which
 * unregisters the member.
 */
abstract class MemberDict<V> extends Module {
  protected abstract members(): Map<string, unknown>;

  /** The member under `key`; throws, with the subclass's message, when there is none. */
  abstract get(key: string): V;

  get size(): number {
    return this.members().size;
  }

  get length(): number {
    return this.members().size;
  }

  has(key: string): boolean {
    return this.members().has(key);
  }

  delete(key: string): void {
    this.get(key);
    Reflect.deleteProperty(this, key);
  }

  pop(key: string): V {
    const member = this.get(key);
    this.delete(key);
    return member;
  }

  clear(): void {
    for (const key of [...this.members().keys()]) Reflect.deleteProperty(this, key);
  }

  keys(): string[] {
    return [...this.members().keys()];
  }

  values(): V[] {
    return [...this.members().values()] as V[];
  }

  items(): [string, V][] {
    return [...this.members()] as [string, V][];
  }

  /** Iterates over the keys, as a Python dict does. */
  *[Symbol.iterator](): Iterator<string> {
    yield* this.members().keys();
  }
}

/** Submodules by name, in insertion order; a Map-like API (`get`, `set`, `has`, `delete`, `keys`, ...). */
export class ModuleDict extends MemberDict<Module> {
  constructor(modules?: ReadonlyMap<string, Module> | Readonly<Record<string, Module>> | Iterable<readonly [string, Module]>) {
    super();
    if (modules !== undefined && modules !== null) this.update(modules);
  }

  protected members(): Map<string, unknown> {
    return this._modules;
  }

  get(key: string): Module {
    if (!this._modules.has(key)) throw new Error(`'${key}'`);
    return this._modules.get(key) as Module;
  }

  set(key: string, module: Module): this {
    this.registerModule(key, module);
    return this;
  }

  /** Adds or replaces modules from a Map, a plain object or an iterable of [key, module] pairs. */
  update(modules: ReadonlyMap<string, Module> | Readonly<Record<string, Module>> | Iterable<readonly [string, Module]>): void {
    if (modules === null || typeof modules !== 'object') {
      throw new TypeError(`ModuleDict.update should be called with an iterable of key/value pairs, but got ${typename(modules)}`);
    }
    const pairs: Iterable<readonly [string, Module]> =
      Symbol.iterator in modules
        ? (modules as Iterable<readonly [string, Module]>)
        : Object.entries(modules as Record<string, Module>);
    let j = 0;
    for (const pair of pairs) {
      if (!Array.isArray(pair)) {
        throw new TypeError(`ModuleDict update sequence element #${j} should be Iterable; is${typename(pair)}`);
      }
      if (pair.length !== 2) {
        throw new Error(`ModuleDict update sequence element #${j} has length ${pair.length}; 2 is required`);
      }
      this.set(pair[0], pair[1]);
      j++;
    }
  }
}

/** A tensor as a parameter: Parameters as they are, other tensors wrapped (sharing their data). */
function asParameter(value: Tensor): Parameter {
  if (!(value instanceof Tensor)) throw new TypeError(`cannot assign '${typename(value)}' object to parameter (torch.nn.Parameter or None required)`);
  return value instanceof Parameter ? value : new Parameter(value);
}

/** PyTorch's line for one member of ParameterList/ParameterDict reprs. */
function parameterLine(key: string, p: Parameter, typeText: string): string {
  return `  (${key}): Parameter containing: [${typeText} of size ${p.shape.join('x')}]`;
}

/** A list of parameters, registered as '0', '1', ...; tensors are wrapped in Parameters. */
export class ParameterList extends Module {
  readonly [index: number]: Parameter;

  constructor(values?: Iterable<Tensor>) {
    super();
    if (values !== undefined && values !== null) this.extend(values);
  }

  get length(): number {
    return this._parameters.size;
  }

  at(idx: number): Parameter {
    return this._parameters.get(String(absIndex(idx, this._parameters.size))) as Parameter;
  }

  setAt(idx: number, param: Tensor): void {
    this.registerParameter(String(absIndex(idx, this._parameters.size)), asParameter(param));
  }

  append(value: Tensor): this {
    this.registerParameter(String(this._parameters.size), asParameter(value));
    return this;
  }

  extend(values: Iterable<Tensor>): this {
    if (typeof values !== 'object' || values === null || !(Symbol.iterator in values)) {
      throw new TypeError(`ParameterList.extend should be called with an iterable, but got ${typename(values)}`);
    }
    for (const v of values) this.append(v);
    return this;
  }

  *[Symbol.iterator](): Iterator<Parameter> {
    for (const p of this._parameters.values()) yield p as Parameter;
  }

  override extraRepr(): string {
    return [...this._parameters].map(([k, p]) => parameterLine(k, p as Parameter, String((p as Parameter).dtype))).join('\n');
  }
}

/**
 * Parameters by name, in insertion order (a plain object's keys are sorted, as PyTorch sorts a
 * dict's); tensors are wrapped in Parameters.
 */
export class ParameterDict extends MemberDict<Parameter> {
  constructor(parameters?: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>> | Iterable<readonly [string, Tensor]>) {
    super();
    if (parameters !== undefined && parameters !== null) this.update(parameters);
  }

  protected members(): Map<string, unknown> {
    return this._parameters;
  }

  get(key: string): Parameter {
    if (!this._parameters.has(key)) throw new Error(`'ParameterDict' object has no attribute '${key}'`);
    return this._parameters.get(key) as Parameter;
  }

  set(key: string, value: Tensor): this {
    if (typeof key !== 'string') {
      throw new TypeError(
        `Index given to ParameterDict cannot be used as a key as it is not a string (type is '${typename(key)}'). Open an issue on github if you need non-string keys.`,
      );
    }
    this.registerParameter(key, asParameter(value));
    return this;
  }

  update(parameters: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>> | Iterable<readonly [string, Tensor]>): void {
    if (parameters === null || typeof parameters !== 'object') {
      throw new TypeError(`ParametersDict.update should be called with an iterable of key/value pairs, but got ${typename(parameters)}`);
    }
    const pairs: Iterable<readonly [string, Tensor]> =
      Symbol.iterator in parameters
        ? (parameters as Iterable<readonly [string, Tensor]>)
        : Object.entries(parameters as Record<string, Tensor>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let i = 0;
    for (const pair of pairs as Iterable<unknown>) {
      if (typeof pair !== 'object' || pair === null || !(Symbol.iterator in pair)) {
        throw new TypeError(`ParameterDict update sequence element #${i} should be Iterable; is${typename(pair)}`);
      }
      const items = [...(pair as Iterable<unknown>)];
      if (items.length !== 2) throw new Error(`ParameterDict update sequence element #${i} has length ${items.length}; 2 is required`);
      this.set(items[0] as string, items[1] as Tensor);
      i++;
    }
  }

  override extraRepr(): string {
    return [...this._parameters].map(([k, p]) => parameterLine(k, p as Parameter, (p as Parameter).dtype.legacyName)).join('\n');
  }
}
