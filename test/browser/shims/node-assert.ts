// node:assert/strict for the browser conformance run: the assertions the golden test files use, with
// node:assert's strict semantics (Object.is equality, deep equality that respects prototypes and types;
// test/browser/shims.test.ts compares them with node:assert's own). Any other assertion is missing, so a
// test that starts to use one fails in the browser instead of passing unchecked.

export class AssertionError extends Error {
  override name = 'AssertionError';
  readonly code = 'ERR_ASSERTION';
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null) return typeof value === 'string' ? JSON.stringify(value) : String(value);
  try {
    return JSON.stringify(value, (_, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Map) return { Map: [...v] };
      if (v instanceof Set) return { Set: [...v] };
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { [v.constructor.name]: Array.from(v as unknown as ArrayLike<number>, String) };
      return v;
    });
  } catch {
    return String(value);
  }
}

function fail(message: string | undefined, fallback: string): never {
  throw new AssertionError(message ?? fallback);
}

function ownKeys(o: object): PropertyKey[] {
  return [...Object.keys(o), ...Object.getOwnPropertySymbols(o).filter((s) => Object.prototype.propertyIsEnumerable.call(o, s))];
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function containsEntry(map: Map<unknown, unknown>, key: unknown, value: unknown): boolean {
  for (const [k, v] of map) if (isDeepStrictEqual(k, key) && isDeepStrictEqual(v, value)) return true;
  return false;
}

function containsValue(set: Set<unknown>, value: unknown): boolean {
  for (const v of set) if (isDeepStrictEqual(v, value)) return true;
  return false;
}

/** util.isDeepStrictEqual's rules for the values tests compare. */
export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof RegExp) return String(a) === String(b) && a.lastIndex === (b as RegExp).lastIndex;
  if (a instanceof Error && (a.message !== (b as Error).message || a.name !== (b as Error).name)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = bytesOf(a);
    const y = bytesOf(b as ArrayBufferView);
    if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) {
      if (m.has(k) ? !isDeepStrictEqual(v, m.get(k)) : typeof k !== 'object' || !containsEntry(m, k, v)) return false;
    }
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) if (!s.has(v) && (typeof v !== 'object' || !containsValue(s, v))) return false;
  }
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  const ka = ownKeys(a);
  if (ka.length !== ownKeys(b).length) return false;
  const ra = a as Record<PropertyKey, unknown>;
  const rb = b as Record<PropertyKey, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(ra[k], rb[k]));
}

function ok(value: unknown, message?: string): void {
  if (!value) fail(message, `The expression evaluated to a falsy value:\n\n  assert.ok(${show(value)})\n`);
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) fail(message, `Expected values to be strictly equal:\n\n${show(actual)} !== ${show(expected)}\n`);
}

function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) fail(message, `Expected values to be strictly deep-equal:\n+ actual - expected\n\n+ ${show(actual)}\n- ${show(expected)}\n`);
}

type ErrorClass = abstract new (...args: never[]) => unknown;
type Validator = ((error: unknown) => unknown) | ErrorClass | RegExp | Record<string, unknown>;

/** Whether a thrown value matches what assert.throws expects: a RegExp, a class, a validation function or an object of properties. */
function checkThrown(e: unknown, expected: Validator, message: string | undefined): void {
  if (expected instanceof RegExp) {
    if (!expected.test(String(e))) fail(message, `The input did not match the regular expression ${String(expected)}. Input:\n\n${show(String(e))}\n`);
    return;
  }
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && e instanceof expected) return;
    // An Error class the value is not an instance of: node:assert rethrows the value itself.
    if (Object.prototype.isPrototypeOf.call(Error, expected)) throw e;
    const verdict = (expected as (error: unknown) => unknown)(e);
    if (verdict !== true) fail(message, `The ${expected.name ? `"${expected.name}" ` : ''}validation function is expected to return "true". Received ${show(verdict)}`);
    return;
  }
  for (const [key, want] of Object.entries(expected)) {
    const got = (e as Record<string, unknown> | null)?.[key];
    const matches = want instanceof RegExp && typeof got === 'string' ? want.test(got) : isDeepStrictEqual(got, want);
    if (!matches) fail(message, `Expected values to be strictly deep-equal at ${key}:\n+ actual - expected\n\n+ ${show(got)}\n- ${show(want)}\n`);
  }
}

function throws(fn: () => unknown, expected?: Validator | string, message?: string): void {
  if (typeof expected === 'string') return throws(fn, undefined, expected);
  try {
    fn();
  } catch (e) {
    if (expected !== undefined) checkThrown(e, expected, message);
    return;
  }
  fail(message, 'Missing expected exception.');
}

/** `assert(value)` is `assert.ok(value)`, as node:assert's default export. */
const assert = Object.assign((value: unknown, message?: string) => ok(value, message), { ok, equal, deepEqual, throws, AssertionError });
export default assert;
