// Walks the exported API with bad arguments and classifies what each call does. Used by
// api-validation.test.ts, which runs it in a worker thread so that a hang is caught and named.
//
// A call passes when it either returns a well-formed result or throws an Error of the library's
// own making. It fails when it throws something that is not an Error, throws an error raised by the
// JavaScript engine inside the library (a TypeError like "Cannot read properties of undefined", a
// RangeError like "Invalid typed array length": the library did not check its arguments), returns a
// malformed tensor, silently accepts a string where PyTorch rejects one, or takes too long.
import { isDeepStrictEqual } from 'node:util';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

/** Messages of errors the JavaScript engine raises by itself (V8's wording). */
const ENGINE_MESSAGES: readonly RegExp[] = [
  /^Cannot read propert(y|ies) of/,
  /^Cannot set propert(y|ies) of/,
  /is not a function/,
  /is not iterable/,
  /is not a constructor/,
  /^Cannot destructure/,
  /^Cannot convert .* to a BigInt/,
  /^Cannot convert a BigInt value to a number/,
  /^Cannot mix BigInt and other types/,
  /cannot be converted to a BigInt/,
  /^Invalid typed array length/,
  /^Invalid array length/,
  /^Array buffer allocation failed/,
  /offset is out of bounds/,
  /^Maximum call stack size exceeded/,
  /^Reduce of empty array with no initial value/,
  /^Cannot create property/,
  /^Invalid string length/,
  /^Spread syntax requires/,
  /is not defined$/,
  /^Cannot access '.*' before initialization/,
  /^Class constructor .* cannot be invoked without 'new'/,
  /^Do not know how to serialize a BigInt/,
  /^toFixed\(\) digits argument/,
  /^Invalid time value/,
  /^BigInt division by zero/,
  /^Division by zero/,
  /^Cannot use 'in' operator/,
  /^Object prototype may only be an Object or null/,
  /^Right-hand side of 'instanceof' is not/,
  /^Converting circular structure to JSON/,
  /^Invalid count value/,
];

export interface WalkFailure {
  call: string;
  problem: string;
}

/** What a walk reports: the failures, and how many calls of each outcome. */
export interface WalkReport {
  calls: number;
  succeeded: number;
  threw: number;
  failures: WalkFailure[];
}

export function isEngineError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (!(e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError)) return false;
  return ENGINE_MESSAGES.some((re) => re.test(e.message));
}

/** Why `value` (a call's result) is malformed, or null. Tensors must describe memory they own. */
export function malformed(value: unknown, depth = 0): string | null {
  if (depth > 4) return null;
  if (value instanceof torch.Tensor) return malformedTensor(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const why = malformed(v, depth + 1);
      if (why) return why;
    }
    return null;
  }
  if (value instanceof torch.ValuesIndices) return malformed([value.values, value.indices], depth + 1);
  if (typeof value === 'number' && Number.isNaN(value)) return null;
  return null;
}

function malformedTensor(t: Tensor): string | null {
  const shape = t.shape;
  const strides = t.stride();
  const offset = t.storageOffset();
  if (!(t.dtype instanceof torch.DType)) return `dtype is ${String(t.dtype)}`;
  if (!shape.every((s) => Number.isInteger(s) && s >= 0)) return `shape [${shape.join(', ')}]`;
  if (strides.length !== shape.length || !strides.every(Number.isInteger)) return `strides [${strides.join(', ')}] for shape [${shape.join(', ')}]`;
  if (!Number.isInteger(offset) || offset < 0) return `storage offset ${offset}`;
  if (t.numel() === 0) return null;
  let lo = offset;
  let hi = offset;
  shape.forEach((s, i) => {
    const reach = (s - 1) * strides[i];
    if (reach < 0) lo += reach;
    else hi += reach;
  });
  const length = t.untypedStorage().length;
  if (lo < 0 || hi >= length) return `elements [${lo}, ${hi}] outside a storage of ${length}`;
  return null;
}

// Made with torch.tensor (one op each): the walk makes samples for every call.
const SAMPLE_MAKERS: Record<string, () => Tensor> = {
  f: () => torch.tensor([[-2.5, -1.5, -0.5], [0.5, 1.5, 2.5]]),
  d: () => torch.tensor([[0.5, -1.25, 2], [3, 0, -4]], { dtype: torch.float64 }),
  i: () => torch.tensor([[1n, -2n, 3n], [0n, 5n, 2n]]),
  u: () => torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.uint8 }),
  b: () => torch.tensor([[true, false, true], [false, false, true]]),
  s: () => torch.tensor(1.5),
  e: () => torch.zeros(0, 3),
  v: () => torch.tensor([0, 1, 2, 3]),
  g: () => torch.tensor([[1, 1, 1], [1, 1, 1]], { requiresGrad: true }),
  w: () => torch.tensor([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]),
  t: () => torch.tensor([[0, 1], [2, 3], [4, 5]]).t(),
  // 2x3 from a 4x5 with steps: storage offset 5, strides (10, 2).
  o: () => torch.tensor([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]).index('1::2', '::2'),
};

export const SAMPLE_NAMES: readonly string[] = Object.keys(SAMPLE_MAKERS);

/** Sample tensors made on first use (getters on the prototype: the walk makes a set per call). */
class LazySamples {
  readonly made: Record<string, Tensor> = {};
}
for (const name of SAMPLE_NAMES) {
  Object.defineProperty(LazySamples.prototype, name, {
    get(this: LazySamples): Tensor {
      return (this.made[name] ??= SAMPLE_MAKERS[name]());
    },
  });
}

/**
 * A fresh set of sample tensors (ops may modify their inputs in place): float32, float64, int64,
 * uint8 and bool 2x3 matrices, a 0-dim, an empty, a vector, one that requires grad, a 4x5 that does
 * not broadcast with 2x3, and a non-contiguous view.
 */
export function samples(): Samples {
  return new LazySamples() as unknown as Samples;
}

const BAD_STRING = '__not_valid__';
/** Values that do not belong where a tensor, a number, a dim or a size goes. */
export function badValues(): [string, unknown][] {
  return [
    ['str', BAD_STRING],
    ['undefined', undefined],
    ['null', null],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['1.5', 1.5],
    ['99', 99],
    ['-99', -99],
    ['-1', -1],
    ['2**40', 2 ** 40],
    ['2**53+2', 2 ** 53 + 2],
    ['{}', {}],
    ['[NaN]', [NaN]],
    ['[-2]', [-2]],
    ['[1.5]', [1.5]],
    ['[str]', [BAD_STRING]],
    ['[undefined]', [undefined]],
    ['[[1]]', [[1]]],
    ['true', true],
    ['bigint', 10n ** 30n],
    ['function', () => 0],
    ['symbol', Symbol('bad')],
    ['dtype', torch.int64],
    ['{dtype: str}', { dtype: BAD_STRING }],
    ['{dim: 1.5}', { dim: 1.5 }],
    ['{keepdim: str}', { keepdim: BAD_STRING }],
    ['{dim: 9}', { dim: 9 }],
  ];
}

export type Samples = Record<string, Tensor>;

/** An argument list, built on fresh samples for every call. */
export interface ArgList {
  label: string;
  make: (s: Samples) => unknown[];
}

/**
 * The argument lists tried for every callable: each bad value alone, beside a tensor, after a dim,
 * inside a list; and every sample tensor in the same positions (dtypes an op may not accept, shapes
 * that do not broadcast, 0-dim and empty tensors, views).
 */
export function argumentLists(): ArgList[] {
  const lists: ArgList[] = [{ label: '()', make: () => [] }];
  for (const [name, bad] of badValues()) {
    lists.push(
      { label: `(${name})`, make: () => [bad] },
      { label: `(f, ${name})`, make: (s) => [s.f, bad] },
      { label: `(f, 0, ${name})`, make: (s) => [s.f, 0, bad] },
      { label: `(0, ${name})`, make: () => [0, bad] },
      { label: `(1, 0, ${name})`, make: () => [1, 0, bad] },
      { label: `(f, f, ${name})`, make: (s) => [s.f, s.f, bad] },
      { label: `(${name}, f)`, make: (s) => [bad, s.f] },
      { label: `(f, ${name}, f)`, make: (s) => [s.f, bad, s.f] },
      { label: `([f, ${name}])`, make: (s) => [[s.f, bad]] },
    );
  }
  for (const name of SAMPLE_NAMES) {
    lists.push(
      { label: `(${name})`, make: (s) => [s[name]] },
      { label: `(${name}, 0)`, make: (s) => [s[name], 0] },
      { label: `(${name}, -1)`, make: (s) => [s[name], -1] },
      { label: `(${name}, 1)`, make: (s) => [s[name], 1] },
      { label: `(${name}, ${name})`, make: (s) => [s[name], s[name]] },
      { label: `(f, ${name})`, make: (s) => [s.f, s[name]] },
      { label: `(${name}, f)`, make: (s) => [s[name], s.f] },
      { label: `(f, ${name}, ${name})`, make: (s) => [s.f, s[name], s[name]] },
      { label: `([f, ${name}])`, make: (s) => [[s.f, s[name]]] },
    );
  }
  return lists;
}

/**
 * How many parameters a function declares, from its source (`Function.length` stops at the first
 * default value); Infinity with a rest parameter. A class declares its constructor's (or the nearest
 * base class constructor's) parameters.
 */
export function declaredParams(fn: (...args: never[]) => unknown): number {
  for (let c: unknown = fn; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const src = Function.prototype.toString.call(c);
    if (!/^class[\s{]/.test(src)) return paramsInSource(src);
    const ctor = src.indexOf('constructor(');
    if (ctor >= 0) return paramsInSource(src.slice(ctor));
  }
  return 0;
}

/** The parameters of the first parameter list in `src`. */
function paramsInSource(src: string): number {
  const open = src.indexOf('(');
  let depth = 0;
  let count = 0;
  let sawToken = false;
  for (let i = open + 1; i < src.length; i++) {
    const ch = src[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && ch === ',') {
      count++;
      sawToken = false;
      continue;
    }
    if (depth === 0 && src.startsWith('...', i)) return Infinity;
    if (!/\s/.test(ch)) sawToken = true;
  }
  return sawToken ? count + 1 : count;
}

/**
 * Options objects are passed as proxies that remember which keys the callee read: a bad value under a
 * key that was read and then accepted is a silently coerced option.
 */
function watchOptions(args: unknown[]): { args: unknown[]; readBad: () => string[] } {
  const read = new Set<string>();
  const wrap = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof torch.Tensor || v instanceof torch.DType) return v;
    const target = v as Record<string, unknown>;
    return new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === 'string' && isBad(t[key])) read.add(key);
        return Reflect.get(t, key, receiver) as unknown;
      },
    });
  };
  return { args: args.map((a) => (Array.isArray(a) ? a.map(wrap) : wrap(a))), readBad: () => [...read] };
}

function isBad(v: unknown): boolean {
  return v === BAD_STRING || (typeof v === 'number' && !Number.isInteger(v)) || v === 9;
}

/** The positions (below `declared`) where a bad string was passed, alone or (unless lists hold data) inside a list. */
function stringPositions(args: readonly unknown[], declared: number, listsHoldData: boolean): number[] {
  const inList = (a: unknown): boolean => !listsHoldData && Array.isArray(a) && a.includes(BAD_STRING);
  return args.flatMap((a, i) => (i < declared && (a === BAD_STRING || inList(a)) ? [i] : []));
}

export interface Callable {
  name: string;
  /** The receiver of a method (a key of the samples), or undefined for a function. */
  receiver?: string;
  fn: (...args: unknown[]) => unknown;
  /** The function whose parameter list `fn` forwards to (in-place methods forward to their op). */
  signature?: (...args: unknown[]) => unknown;
  /** Takes any value by design (a predicate like isTensor): accepting a string is right. */
  acceptsAnything?: boolean;
  /** Its list arguments hold samples (a batch, a data source), which may be strings. */
  listsHoldData?: boolean;
  /** Positions (0-based) that take a name or key, where any string is a valid argument. */
  namesAt?: readonly number[];
  /** Its object arguments are dicts of data (a state dict), whose keys are not options. */
  keysAreData?: boolean;
  /** Undoes what a successful call set up (beyond the global state the hooks restore). */
  cleanup?: (result: unknown) => void;
}

/** Milliseconds a single call may take before it counts as a (near) hang. */
const SLOW_MS = 2000;

export interface WalkHooks {
  /** Runs before each call (puts the global state back). */
  before: () => void;
  /** Runs after each call; returns the parts of the global state the call left changed wrongly. */
  after: (threw: boolean) => string[];
}

/**
 * Runs every argument list against every callable and classifies the outcomes.
 * `onCall` is told each call's label before it runs (the worker forwards it, to name a hang).
 * A result that is disposable (a mode guard) is disposed before `hooks.after` looks at the state.
 */
export function walk(callables: readonly Callable[], lists: readonly ArgList[], onCall: (label: string) => void, hooks: WalkHooks): WalkReport {
  const report: WalkReport = { calls: 0, succeeded: 0, threw: 0, failures: [] };
  for (const c of callables) {
    const declared = declaredParams(c.signature ?? c.fn);
    for (const list of lists) {
      const label = `${c.receiver === undefined ? '' : `${c.receiver}.`}${c.name}${list.label}`;
      onCall(label);
      report.calls++;
      hooks.before();
      let result: unknown;
      let error: unknown;
      let threw = false;
      const s = samples();
      const watched = watchOptions(list.make(s));
      const args = watched.args;
      const start = performance.now();
      try {
        result = c.fn.apply(c.receiver === undefined ? undefined : s[c.receiver], args);
      } catch (e) {
        threw = true;
        error = e;
      }
      const ms = performance.now() - start;
      const fail = (problem: string): void => void report.failures.push({ call: label, problem });
      if (ms > SLOW_MS) fail(`took ${ms.toFixed(0)} ms`);
      if (!threw) {
        disposeIfGuard(result);
        c.cleanup?.(result);
      }
      const leaked = hooks.after(threw);
      if (leaked.length > 0) fail(`${threw ? 'threw and ' : ''}left global state changed: ${leaked.join(', ')}`);
      if (threw) {
        report.threw++;
        if (!(error instanceof Error)) fail(`threw a non-Error: ${String(error)}`);
        else if (isEngineError(error)) fail(`engine ${error.name}: ${error.message} at ${stackTop(error)}`);
        else if (error.message.trim() === '') fail(`${error.name} with an empty message`);
        continue;
      }
      report.succeeded++;
      const positions = c.acceptsAnything ? [] : stringPositions(args, declared, c.listsHoldData ?? false).filter((p) => !(c.namesAt ?? []).includes(p));
      if (positions.length > 0) fail(`accepted the string '${BAD_STRING}' as argument ${positions.map((p) => p + 1).join(', ')}`);
      // A function that takes any value (torch.save's byte forms pickle any object) reads the keys of an
      // object argument as data, not as options.
      const coerced = c.acceptsAnything || c.keysAreData ? [] : watched.readBad();
      if (coerced.length > 0) fail(`accepted a bad value for option ${coerced.join(', ')}`);
      const why = malformed(result);
      if (why) fail(`returned a malformed tensor: ${why}`);
    }
  }
  return report;
}

function disposeIfGuard(value: unknown): void {
  if (typeof value !== 'object' || value === null || value instanceof torch.Tensor) return;
  const dispose = (value as Partial<Disposable>)[Symbol.dispose];
  if (typeof dispose === 'function') dispose.call(value);
}

function stackTop(e: Error): string {
  const line = (e.stack ?? '').split('\n').find((l) => l.trim().startsWith('at '));
  return line?.trim().replace(/^at /, '').replace(/file:\/\/\S*\/dist\//, '') ?? '?';
}

// ---- the same call on a strided view and on a contiguous copy ----

/** What a call gave: a description of its result, or its error message. */
function outcome(value: unknown, depth = 0): unknown {
  if (value instanceof torch.Tensor) {
    const data = value.dtype === torch.int64 ? [...(value.detach().contiguous().contiguousData() as BigInt64Array)].map(String) : toArr(value).data.map((v) => (Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0' : v));
    return { dtype: value.dtype.name, shape: value.shape, data };
  }
  if (depth > 3) return null;
  if (Array.isArray(value)) return value.map((v) => outcome(v, depth + 1));
  if (value instanceof torch.ValuesIndices) return [outcome(value.values), outcome(value.indices)];
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || typeof value === 'string') return String(value);
  return null;
}

function toArr(t: Tensor): { data: number[] } {
  return { data: (t.detach().reshape(-1).tolist() as (number | boolean)[]).map(Number) };
}

/** Argument lists over one tensor T (as receiver or argument), each tried with T strided and contiguous. */
export const LAYOUT_LISTS: readonly { label: string; make: (t: Tensor, s: Samples) => unknown[] }[] = [
  { label: '()', make: () => [] },
  { label: '(0)', make: () => [0] },
  { label: '(1)', make: () => [1] },
  { label: '(-1)', make: () => [-1] },
  { label: '(1, 0)', make: () => [1, 0] },
  { label: '(T)', make: (t) => [t] },
  { label: '(T, 1)', make: (t) => [t, 1] },
  { label: '(T, T)', make: (t) => [t, t] },
  { label: '(f)', make: (_t, s) => [s.f] },
  { label: '(T, f)', make: (t, s) => [t, s.f] },
  { label: '(f, T)', make: (t, s) => [s.f, t] },
  { label: '([T, f])', make: (t, s) => [[t, s.f]] },
  { label: '(T, 0, T)', make: (t) => [t, 0, t] },
];

/**
 * Calls each callable on a strided tensor T (the sample `strided`: a transposed view, or a view with
 * an offset and steps) and on a contiguous copy of it: both must give the same result (or the same
 * error), and leave T with the same values. Random functions draw from the same generator state.
 */
export function walkLayouts(callables: readonly Callable[], strided: 't' | 'o', onCall: (label: string) => void, hooks: WalkHooks): WalkReport {
  const report: WalkReport = { calls: 0, succeeded: 0, threw: 0, failures: [] };
  for (const c of callables) {
    for (const list of LAYOUT_LISTS) {
      const label = `${c.receiver === undefined ? '' : 'T.'}${c.name}${list.label} [T = ${strided}]`;
      onCall(label);
      report.calls++;
      const run = (contiguous: boolean): { result: unknown; after: unknown } => {
        hooks.before();
        const s = samples();
        const t = contiguous ? s[strided].contiguous() : s[strided];
        const args = list.make(t, s);
        let result: unknown;
        try {
          const value = c.fn.apply(c.receiver === undefined ? undefined : t, args);
          result = outcome(value);
          disposeIfGuard(value);
          c.cleanup?.(value);
        } catch (e) {
          result = { error: e instanceof Error ? e.message : String(e) };
        }
        hooks.after(false);
        return { result, after: outcome(t) };
      };
      const a = run(false);
      const b = run(true);
      const threw = (r: unknown): boolean => typeof r === 'object' && r !== null && 'error' in r;
      if (threw(a.result)) report.threw++;
      else report.succeeded++;
      if (!isDeepStrictEqual(a.result, b.result)) {
        report.failures.push({ call: label, problem: `strided: ${JSON.stringify(a.result).slice(0, 300)}; contiguous: ${JSON.stringify(b.result).slice(0, 300)}` });
      } else if (!isDeepStrictEqual(a.after, b.after)) {
        report.failures.push({ call: label, problem: `T afterwards: strided ${JSON.stringify(a.after)}; contiguous ${JSON.stringify(b.after)}` });
      }
    }
  }
  return report;
}
