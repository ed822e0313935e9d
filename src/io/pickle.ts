// Python's pickle format, restricted to data. The unpickler never calls anything a file names: GLOBAL
// resolves through an allowlist (PyTorch's `weights_only=True` is the model) and REDUCE/NEWOBJ/BUILD
// are dispatched to code of ours chosen by that allowlist. The pickler writes protocol 2 as CPython's
// pickler does, opcode for opcode and memo slot for memo slot, so that tstorch's files match the bytes
// torch.save writes for the same objects.
//
// Python values become: None -> null, bool -> boolean, int -> number (bigint beyond 2**53), float ->
// number, str -> string, bytes -> Uint8Array, list -> array, tuple -> frozen array, dict with only str
// keys -> plain object, other dicts and every OrderedDict -> Map, set -> Set. Saving maps them back:
// frozen arrays are tuples, Maps with str keys are OrderedDicts (what state_dict() returns), other Maps
// are dicts, integral numbers are ints.
import { Tensor } from '../tensor/tensor.js';
import { DType } from '../tensor/dtype.js';
import { Storage } from '../tensor/storage.js';

export type PickleValue =
  | null | boolean | number | bigint | string | Uint8Array | Tensor | DType | Storage
  | readonly PickleValue[] | Map<PickleValue, PickleValue> | Set<PickleValue> | PickleObject;

export interface PickleObject {
  [key: string]: PickleValue;
}

export class UnpicklingError extends Error {
  override name = 'UnpicklingError';
}

const WEIGHTS_ONLY = 'Weights only load failed. WeightsUnpickler error: ';

/** An error for a file that asks for something the weights-only policy does not allow. */
export function weightsOnlyError(message: string): UnpicklingError {
  return new UnpicklingError(WEIGHTS_ONLY + message);
}

// Opcodes (CPython's Lib/pickle.py).
export const OP = {
  MARK: 0x28, STOP: 0x2e, POP: 0x30, POP_MARK: 0x31, DUP: 0x32, BINFLOAT: 0x47, BININT: 0x4a, BININT1: 0x4b,
  BININT2: 0x4d, NONE: 0x4e, BINPERSID: 0x51, REDUCE: 0x52, BINSTRING: 0x54, SHORT_BINSTRING: 0x55,
  BINUNICODE: 0x58, APPEND: 0x61, BUILD: 0x62, GLOBAL: 0x63, DICT: 0x64, APPENDS: 0x65, BINGET: 0x68,
  LONG_BINGET: 0x6a, LIST: 0x6c, BINPUT: 0x71, LONG_BINPUT: 0x72, SETITEM: 0x73, TUPLE: 0x74, SETITEMS: 0x75,
  EMPTY_DICT: 0x7d, EMPTY_LIST: 0x5d, EMPTY_TUPLE: 0x29, BINBYTES: 0x42, SHORT_BINBYTES: 0x43,
  PROTO: 0x80, NEWOBJ: 0x81, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, NEWTRUE: 0x88, NEWFALSE: 0x89,
  LONG1: 0x8a, LONG4: 0x8b, SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d, BINBYTES8: 0x8e, EMPTY_SET: 0x8f,
  ADDITEMS: 0x90, FROZENSET: 0x91, STACK_GLOBAL: 0x93, MEMOIZE: 0x94, FRAME: 0x95,
} as const;

/** A Python dict while unpickling (keys may be of any type; the final form is chosen at the end). */
export class PyDict {
  readonly entries = new Map<unknown, unknown>();
  constructor(readonly ordered: boolean) {}
}

/** A global the allowlist resolved to something callable by REDUCE or NEWOBJ. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}

  toString(): string {
    return `${this.module}.${this.name}`;
  }
}

const ORDERED_DICT = new PyGlobal('collections', 'OrderedDict');
const CODECS_ENCODE = new PyGlobal('_codecs', 'encode');

export interface UnpicklerHooks {
  /** What a GLOBAL names (throws for globals that are not allowed). */
  findGlobal(module: string, name: string): unknown;
  /** Calls what findGlobal returned, for REDUCE and NEWOBJ; throws for anything else. */
  call(func: unknown, args: readonly unknown[]): unknown;
  /** Applies BUILD's state to an instance; false when this kind of instance cannot be built. */
  build(instance: unknown, state: unknown): boolean;
  persistentLoad(pid: readonly unknown[]): unknown;
}

/** The Python type name of an unpickled value, for messages. */
export function pyTypeOf(value: unknown): string {
  if (value === null) return "<class 'NoneType'>";
  if (value instanceof PyGlobal) return `<${value}>`;
  if (value instanceof PyDict) return value.ordered ? "<class 'collections.OrderedDict'>" : "<class 'dict'>";
  if (Array.isArray(value)) return Object.isFrozen(value) ? "<class 'tuple'>" : "<class 'list'>";
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (typeof value === 'bigint') return "<class 'int'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (value instanceof Tensor) return "<class 'torch.Tensor'>";
  if (value instanceof Uint8Array) return "<class 'bytes'>";
  if (value instanceof Set) return "<class 'set'>";
  if (typeof value === 'object') return `<class '${value.constructor?.name ?? 'object'}'>`;
  return `<class '${typeof value}'>`; // nothing a pickle makes: a missing item (undefined), read by mistake
}

/**
 * A value for an error message: a scalar as itself, anything else by its type. Never the contents of a
 * container: a file can nest lists deeper than String() can recurse.
 */
export function pyShort(value: unknown): string {
  if (typeof value === 'string') return value.length > 100 ? `${value.slice(0, 100)}...` : value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return value === null ? 'None' : pyTypeOf(value);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  // One hexadecimal string parsed at once: shifting a bigint byte by byte takes time quadratic in the
  // length, and LONG4 may hold megabytes.
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += HEX[bytes[i]];
  let v = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return narrowInt(v);
}

function narrowInt(v: bigint): number | bigint {
  return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Runs one pickle from `start`; returns the (finished) value and the offset after its STOP. */
export function unpickle(bytes: Uint8Array, hooks: UnpicklerHooks, start = 0): { value: PickleValue; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A Set, not a WeakSet: it lives only while unpickling, and adding to a WeakSet is many times slower.
  const tuples = new Set<unknown[]>();
  const memo = new Map<number, unknown>();
  const metastack: unknown[][] = [];
  let stack: unknown[] = [];
  let pos = start;

  const need = (n: number): void => {
    if (!(n >= 0 && pos + n <= bytes.length)) throw new UnpicklingError('pickle data was truncated');
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++];
  };
  const take = (n: number): Uint8Array => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const u32 = (): number => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = (): number => {
    need(8);
    pos += 8;
    const v = view.getBigUint64(pos - 8, true);
    if (v > BigInt(bytes.length)) throw new UnpicklingError('pickle data was truncated');
    return Number(v);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new UnpicklingError('pickle data was truncated');
    const text = decodeText(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw new UnpicklingError('unpickling stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw new UnpicklingError('unpickling stack underflow');
    return stack[stack.length - 1];
  };
  // Callers must call popMark before naming `stack` (it replaces the array `stack` refers to).
  const popMark = (): unknown[] => {
    const items = stack;
    const outer = metastack.pop();
    if (outer === undefined) throw new UnpicklingError('could not find MARK');
    stack = outer;
    return items;
  };
  const tuple = (items: unknown[]): unknown[] => {
    tuples.add(items);
    return items;
  };
  const put = (index: number): void => {
    memo.set(index, top());
  };
  const get = (index: number): void => {
    if (!memo.has(index)) throw new UnpicklingError(`Memo value not found at index ${index}`);
    stack.push(memo.get(index));
  };
  // Python refuses lists, dicts and sets as keys of dicts and sets (they are unhashable).
  const hashable = (key: unknown): unknown => {
    if (key instanceof PyDict || key instanceof Set || (Array.isArray(key) && !tuples.has(key))) throw weightsOnlyError(`unhashable type: ${pyTypeOf(key)}`);
    return key;
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof PyDict)) throw weightsOnlyError(`Can only set items of dicts, but got ${pyTypeOf(target)}`);
    for (let i = 0; i + 1 < items.length; i += 2) target.entries.set(hashable(items[i]), items[i + 1]);
  };
  const appendTo = (target: unknown, items: unknown[]): void => {
    if (!Array.isArray(target) || tuples.has(target)) throw weightsOnlyError(`Can only append to lists, but got ${pyTypeOf(target)}`);
    for (const item of items) target.push(item);
  };
  const addTo = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Set)) throw weightsOnlyError(`Can only add items to sets, but got ${pyTypeOf(target)}`);
    for (const item of items) target.add(hashable(item));
  };
  const resolve = (module: string, name: string): unknown => {
    if (module === 'collections' && name === 'OrderedDict') return ORDERED_DICT;
    if (module === '_codecs' && name === 'encode') return CODECS_ENCODE;
    return hooks.findGlobal(module, name);
  };
  const call = (func: unknown, args: unknown): unknown => {
    if (!Array.isArray(args)) throw weightsOnlyError(`arguments of ${pyTypeOf(func)} must be a tuple, got ${pyTypeOf(args)}`);
    if (func === ORDERED_DICT) return makeOrderedDict(args);
    if (func === CODECS_ENCODE) return encodeLatin1(args);
    return hooks.call(func, args);
  };

  for (;;) {
    const code = u8();
    switch (code) {
      case OP.PROTO: u8(); break;
      case OP.FRAME: u64(); break;
      case OP.STOP: return { value: finish(pop(), tuples), end: pos };
      case OP.MARK: metastack.push(stack); stack = []; break;
      case OP.POP: pop(); break;
      case OP.POP_MARK: popMark(); break;
      case OP.DUP: stack.push(top()); break;
      case OP.NONE: stack.push(null); break;
      case OP.NEWTRUE: stack.push(true); break;
      case OP.NEWFALSE: stack.push(false); break;
      case OP.BININT: need(4); stack.push(view.getInt32(pos, true)); pos += 4; break;
      case OP.BININT1: stack.push(u8()); break;
      case OP.BININT2: need(2); stack.push(view.getUint16(pos, true)); pos += 2; break;
      case OP.LONG1: stack.push(decodeLong(take(u8()))); break;
      case OP.LONG4: {
        need(4);
        const n = view.getInt32(pos, true);
        pos += 4;
        if (n < 0) throw new UnpicklingError('LONG pickle has negative byte count');
        stack.push(decodeLong(take(n)));
        break;
      }
      case OP.BINFLOAT: need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break;
      case OP.SHORT_BINUNICODE: stack.push(decodeText(take(u8()))); break;
      case OP.BINUNICODE: stack.push(decodeText(take(u32()))); break;
      case OP.BINUNICODE8: stack.push(decodeText(take(u64()))); break;
      case OP.SHORT_BINSTRING: stack.push(decodeText(take(u8()))); break;
      case OP.BINSTRING: {
        need(4);
        const n = view.getInt32(pos, true);
        pos += 4;
        if (n < 0) throw new UnpicklingError('BINSTRING pickle has negative byte count');
        stack.push(decodeText(take(n)));
        break;
      }
      case OP.SHORT_BINBYTES: stack.push(take(u8()).slice()); break;
      case OP.BINBYTES: stack.push(take(u32()).slice()); break;
      case OP.BINBYTES8: stack.push(take(u64()).slice()); break;
      case OP.EMPTY_TUPLE: stack.push(tuple([])); break;
      case OP.TUPLE: { const items = popMark(); stack.push(tuple(items)); break; }
      case OP.TUPLE1: stack.push(tuple([pop()])); break;
      case OP.TUPLE2: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; }
      case OP.TUPLE3: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; }
      case OP.EMPTY_LIST: stack.push([]); break;
      case OP.LIST: { const items = popMark(); stack.push(items); break; }
      case OP.APPEND: { const item = pop(); appendTo(top(), [item]); break; }
      case OP.APPENDS: { const items = popMark(); appendTo(top(), items); break; }
      case OP.EMPTY_DICT: stack.push(new PyDict(false)); break;
      case OP.DICT: { const items = popMark(); const d = new PyDict(false); setItems(d, items); stack.push(d); break; }
      case OP.SETITEM: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; }
      case OP.SETITEMS: { const items = popMark(); setItems(top(), items); break; }
      case OP.EMPTY_SET: stack.push(new Set()); break;
      case OP.ADDITEMS: { const items = popMark(); addTo(top(), items); break; }
      case OP.FROZENSET: { const items = popMark(); stack.push(new Set(items.map(hashable))); break; }
      case OP.BINGET: get(u8()); break;
      case OP.LONG_BINGET: get(u32()); break;
      case OP.BINPUT: put(u8()); break;
      case OP.LONG_BINPUT: put(u32()); break;
      case OP.MEMOIZE: put(memo.size); break;
      case OP.GLOBAL: { const module = line(); stack.push(resolve(module, line())); break; }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new UnpicklingError('STACK_GLOBAL requires str');
        stack.push(resolve(module, name));
        break;
      }
      case OP.REDUCE: { const args = pop(); stack.push(call(pop(), args)); break; }
      case OP.NEWOBJ: { const args = pop(); stack.push(call(pop(), args)); break; }
      case OP.BUILD: {
        const state = pop();
        const instance = top();
        // An OrderedDict's attributes (a state_dict's `_metadata` of module versions) have no counterpart.
        if (instance instanceof PyDict && instance.ordered) break;
        if (!hooks.build(instance, state)) throw weightsOnlyError(`Can only build Tensor, Parameter or OrderedDict objects, but got ${pyTypeOf(instance)}`);
        break;
      }
      case OP.BINPERSID: {
        const pid = pop();
        if (!Array.isArray(pid) || !tuples.has(pid)) throw weightsOnlyError(`persistent_load id must be tuple, but got ${pyTypeOf(pid)}`);
        stack.push(hooks.persistentLoad(pid));
        break;
      }
      default:
        throw weightsOnlyError(`Unsupported operand ${code}`);
    }
  }
}

function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new UnpicklingError('pickle string is not valid UTF-8');
  }
}

function makeOrderedDict(args: readonly unknown[]): PyDict {
  const d = new PyDict(true);
  if (args.length === 0) return d;
  const pairs = args[0];
  if (args.length > 1 || !Array.isArray(pairs)) throw weightsOnlyError('OrderedDict expects at most one sequence of pairs');
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) throw weightsOnlyError('OrderedDict expects a sequence of pairs');
    d.entries.set(pair[0], pair[1]);
  }
  return d;
}

/** `_codecs.encode(text, 'latin1')`: how protocol 2 pickles bytes. */
function encodeLatin1(args: readonly unknown[]): Uint8Array {
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
    throw weightsOnlyError('_codecs.encode is allowed only as encode(str, "latin1")');
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw weightsOnlyError('_codecs.encode: character out of latin-1 range');
    out[i] = c;
  }
  return out;
}

const MAX_DEPTH = 1000;

/** Turns the unpickled objects into their final JavaScript forms, visiting each object once. */
function finish(raw: unknown, tuples: ReadonlySet<unknown[]>): PickleValue {
  const done = new Map<object, PickleValue>();
  const visit = (v: unknown, depth: number): PickleValue => {
    if (v === null || typeof v !== 'object') return v as PickleValue;
    if (v instanceof Tensor || v instanceof Uint8Array || v instanceof DType || v instanceof Storage) return v;
    const seen = done.get(v);
    if (seen !== undefined) return seen;
    if (depth > MAX_DEPTH) throw new UnpicklingError(`torch.load: objects nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(v)) {
      done.set(v, v as PickleValue[]);
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i], depth + 1);
      if (tuples.has(v)) Object.freeze(v);
      return v as PickleValue[];
    }
    if (v instanceof PyDict) {
      if (!v.ordered && [...v.entries.keys()].every((k) => typeof k === 'string')) {
        const object: PickleObject = {};
        done.set(v, object);
        for (const [k, x] of v.entries) {
          // defineProperty, so that a key such as "__proto__" is an ordinary key.
          Object.defineProperty(object, k as string, { value: visit(x, depth + 1), enumerable: true, writable: true, configurable: true });
        }
        return object;
      }
      const map = new Map<PickleValue, PickleValue>();
      done.set(v, map);
      for (const [k, x] of v.entries) map.set(visit(k, depth + 1), visit(x, depth + 1));
      return map;
    }
    if (v instanceof Set) {
      const set = new Set<PickleValue>();
      done.set(v, set);
      for (const x of v) set.add(visit(x, depth + 1));
      return set;
    }
    throw weightsOnlyError(`tstorch cannot represent ${pyTypeOf(v)} as a value`);
  };
  return visit(raw, 0);
}

// ---- pickling ----

/** A global to write (GLOBAL module\nname\n); the same object is written once and then recalled. */
export class GlobalRef {
  constructor(readonly module: string, readonly name: string) {}
}

export interface Reduction {
  readonly func: GlobalRef;
  readonly args: readonly unknown[];
}

export interface PicklerHooks {
  /** The persistent id (a tuple) of an object stored outside the pickle, or undefined. */
  persistentId(value: object): readonly unknown[] | undefined;
  /** How to rebuild an object that is not a plain container, or undefined. */
  reduce(value: object): Reduction | undefined;
}

const ORDERED_DICT_REF = new GlobalRef('collections', 'OrderedDict');
const BATCH_SIZE = 1000;

class ByteWriter {
  private buffer = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  byte(...values: number[]): void {
    this.reserve(values.length);
    for (const v of values) this.buffer[this.length++] = v;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  u32(v: number): void {
    this.byte(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

const textEncoder = new TextEncoder();

/** Python's encode_long: minimal little-endian two's complement. */
function encodeLong(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  const bits = (v < 0n ? -v - 1n : v).toString(2).length;
  const n = (bits >> 3) + 1;
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(8 * n, v);
  for (let i = 0; i < n; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (v < 0n && n > 1 && out[n - 1] === 0xff && (out[n - 2] & 0x80) !== 0) return out.subarray(0, n - 1);
  return out;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Pickles `value` with protocol 2, as CPython's pickler does. */
export function pickle(value: unknown, hooks: PicklerHooks): Uint8Array {
  const out = new ByteWriter();
  const memo = new Map<object, number>();
  const strings = new Map<string, number>();
  let memoSize = 0;

  const memoize = (obj: object | null): void => {
    if (obj !== null) memo.set(obj, memoSize);
    const index = memoSize++;
    if (index < 256) out.byte(OP.BINPUT, index);
    else {
      out.byte(OP.LONG_BINPUT);
      out.u32(index);
    }
  };
  const recall = (index: number): void => {
    if (index < 256) out.byte(OP.BINGET, index);
    else {
      out.byte(OP.LONG_BINGET);
      out.u32(index);
    }
  };
  const saveInt = (v: bigint): void => {
    if (v >= 0n && v <= 0xffn) out.byte(OP.BININT1, Number(v));
    else if (v >= 0n && v <= 0xffffn) out.byte(OP.BININT2, Number(v) & 0xff, Number(v) >> 8);
    else if (v >= -0x80000000n && v <= 0x7fffffffn) {
      out.byte(OP.BININT);
      out.u32(Number(BigInt.asUintN(32, v)));
    } else {
      const bytes = encodeLong(v);
      if (bytes.length < 256) out.byte(OP.LONG1, bytes.length);
      else {
        out.byte(OP.LONG4);
        out.u32(bytes.length);
      }
      out.bytes(bytes);
    }
  };
  const saveString = (s: string): void => {
    const bytes = textEncoder.encode(s);
    out.byte(OP.BINUNICODE);
    out.u32(bytes.length);
    out.bytes(bytes);
  };
  const saveGlobal = (module: string, name: string, obj: object): void => {
    out.byte(OP.GLOBAL);
    out.bytes(textEncoder.encode(`${module}\n${name}\n`));
    memoize(obj);
  };
  const saveTuple = (items: readonly unknown[]): void => {
    if (items.length === 0) {
      out.byte(OP.EMPTY_TUPLE);
      return;
    }
    if (items.length > 3) out.byte(OP.MARK);
    for (const item of items) save(item);
    // A tuple reached again while pickling its own items is recalled from the memo (as CPython).
    const again = memo.get(items);
    if (again !== undefined) {
      if (items.length > 3) out.byte(OP.POP_MARK);
      else out.byte(...items.map(() => OP.POP));
      recall(again);
      return;
    }
    out.byte(items.length > 3 ? OP.TUPLE : [0, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][items.length]);
    memoize(items);
  };
  const batched = (items: readonly (readonly unknown[])[], one: number, many: number): void => {
    for (let i = 0; i < items.length; i += BATCH_SIZE) {
      const chunk = items.slice(i, i + BATCH_SIZE);
      if (chunk.length > 1) out.byte(OP.MARK);
      for (const parts of chunk) for (const p of parts) save(p);
      out.byte(chunk.length > 1 ? many : one);
    }
  };
  const save = (v: unknown, allowPersistent = true): void => {
    if (v === null || v === undefined) return out.byte(OP.NONE);
    if (typeof v === 'boolean') return out.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
    if (typeof v === 'bigint') return saveInt(v);
    if (typeof v === 'number') {
      if (Number.isInteger(v) && !Object.is(v, -0)) return saveInt(BigInt(v));
      out.byte(OP.BINFLOAT);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, false);
      return out.bytes(b);
    }
    if (typeof v === 'string') {
      // CPython recalls a str object it has written; equal strs are mostly one object in the objects
      // torch.save sees (interned literals such as 'storage', 'cpu' and optimizer state names).
      const known = strings.get(v);
      if (known !== undefined) return recall(known);
      strings.set(v, memoSize);
      saveString(v);
      return memoize(null);
    }
    if (typeof v !== 'object') throw new TypeError(`torch.save: cannot pickle a value of type ${typeof v}`);
    if (allowPersistent) {
      const pid = hooks.persistentId(v);
      if (pid !== undefined) {
        save(pid, false);
        return out.byte(OP.BINPERSID);
      }
    }
    const seen = memo.get(v);
    if (seen !== undefined) return recall(seen);
    if (v instanceof GlobalRef) return saveGlobal(v.module, v.name, v);
    if (v instanceof DType) return saveGlobal('torch', v.name, v);
    const reduction = hooks.reduce(v);
    if (reduction !== undefined) {
      save(reduction.func);
      saveTuple(reduction.args);
      out.byte(OP.REDUCE);
      return memoize(v);
    }
    if (v instanceof Map) {
      if ([...v.keys()].every((k) => typeof k === 'string')) {
        save(ORDERED_DICT_REF);
        out.byte(OP.EMPTY_TUPLE, OP.REDUCE);
      } else {
        out.byte(OP.EMPTY_DICT);
      }
      memoize(v);
      return batched([...v], OP.SETITEM, OP.SETITEMS);
    }
    if (Array.isArray(v)) {
      if (Object.isFrozen(v)) return saveTuple(v);
      out.byte(OP.EMPTY_LIST);
      memoize(v);
      return batched(v.map((x) => [x]), OP.APPEND, OP.APPENDS);
    }
    if (isPlainObject(v)) {
      out.byte(OP.EMPTY_DICT);
      memoize(v);
      return batched(Object.entries(v), OP.SETITEM, OP.SETITEMS);
    }
    throw new TypeError(`torch.save: cannot pickle an object of type ${v.constructor?.name ?? 'object'}`);
  };

  out.byte(OP.PROTO, 2);
  save(value);
  out.byte(OP.STOP);
  return out.result();
}
