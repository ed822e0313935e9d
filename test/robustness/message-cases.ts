// Tables of calls and the exact message each must throw: the argument-message tests
// (nn-functional-arguments.test.ts, nn-data-arguments.test.ts) list PyTorch's recorded messages and
// tstorch's own (where PyTorch has none) and check them with one test per table.
import { test } from 'node:test';
import assert from 'node:assert/strict';

/** A call that must throw, and its message. */
export type Case = [call: () => unknown, message: string];

/** One test per table: each call throws an Error with exactly its message. */
export function testMessages(subject: string, tables: { PyTorch: Record<string, Case>; tstorch: Record<string, Case> }): void {
  for (const [source, cases] of Object.entries(tables)) {
    test(`${subject} (${source}'s messages)`, () => {
      for (const [label, [call, message]] of Object.entries(cases)) {
        assert.throws(call, (e: unknown) => {
          assert.ok(e instanceof Error, label);
          assert.equal(e.message, message, label);
          return true;
        });
      }
    });
  }
}
