// node:test for listing the golden tests (list-tests.ts): test() and it() register each test with an
// empty body and the hooks do nothing, so every test is reported (passed, or skipped where its options
// say so) and none runs; describe() and mock are node:test's own.
import * as nodeTest from 'node:test';

const empty = (): void => undefined;

/** node:test's test(), with the body (whichever argument is a function) replaced by an empty one. */
export function test(...args: unknown[]): unknown {
  return (nodeTest.test as (...a: unknown[]) => unknown)(...args.map((a) => (typeof a === 'function' ? empty : a)));
}

export const it = test;
export const { describe, suite, mock } = nodeTest;
export const before = empty;
export const after = empty;
export const beforeEach = empty;
export const afterEach = empty;
export default test;
