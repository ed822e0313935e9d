// node:test for the browser conformance run (test/browser/page.ts): the golden test files register their
// tests with `test`, `before` and `after` while they are imported; the page imports one file at a time and
// runs what it registered as `node --test` runs a file: before hooks, the tests in order, after hooks.
// Only what those files use exists; anything else fails the run loudly rather than passing it.

export type Status = 'pass' | 'skip' | 'fail';

export interface TestResult {
  file: string;
  name: string;
  status: Status;
  /** The skip reason, or the failure's message and stack. */
  detail?: string;
}

type Hook = () => unknown;

/** The part of node:test's TestContext the golden tests use. */
class TestContext {
  skipped: string | undefined;

  constructor(readonly name: string) {}

  /** As node:test's: the test ends as skipped once it returns. */
  skip(message = ''): void {
    this.skipped = message;
  }
}

type Body = (t: TestContext) => unknown;

interface Registered {
  tests: Array<{ name: string; body: Body }>;
  before: Hook[];
  after: Hook[];
}

let registered: Registered = { tests: [], before: [], after: [] };

export function test(name: string, body: Body): void {
  if (typeof name !== 'string' || typeof body !== 'function') throw new TypeError('the browser node:test shim supports test(name, fn) only');
  registered.tests.push({ name, body });
}

export function before(hook: Hook): void {
  registered.before.push(hook);
}

export function after(hook: Hook): void {
  registered.after.push(hook);
}

function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : `thrown: ${String(e)}`;
}

/** Runs the tests registered since the last call, as the tests of `file`. */
export async function runRegistered(file: string): Promise<TestResult[]> {
  const { tests, before: beforeHooks, after: afterHooks } = registered;
  registered = { tests: [], before: [], after: [] };
  const results: TestResult[] = [];
  let hookError: string | undefined;
  try {
    for (const hook of beforeHooks) await hook();
  } catch (e) {
    hookError = `before hook failed: ${describeError(e)}`;
  }
  for (const { name, body } of tests) {
    if (hookError !== undefined) {
      results.push({ file, name, status: 'fail', detail: hookError });
      continue;
    }
    const t = new TestContext(name);
    try {
      await body(t);
      results.push(t.skipped === undefined ? { file, name, status: 'pass' } : { file, name, status: 'skip', detail: t.skipped });
    } catch (e) {
      results.push({ file, name, status: 'fail', detail: describeError(e) });
    }
  }
  try {
    for (const hook of afterHooks) await hook();
  } catch (e) {
    results.push({ file, name: 'after hook', status: 'fail', detail: describeError(e) });
  }
  return results;
}
