// Small helpers shared by the autograd tests. Expected values in these tests are PyTorch's, as recorded
// in spec/pytorch-autograd-spec.md ([V] entries) or in test/golden/autograd.json.
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

/** Runs fn and returns the warnings it emitted, as "Category: message". */
export function warningsOf(fn: () => unknown): string[] {
  const seen: string[] = [];
  const restore = torch.catchWarnings((category, message) => seen.push(`${category}: ${message}`));
  try {
    fn();
  } finally {
    restore();
  }
  return seen;
}

/** The values of a tensor as nested arrays (for exact comparisons of small integral results). */
export function values(t: Tensor | null): unknown {
  assert.ok(t !== null, 'expected a tensor, got null');
  return t.tolist();
}

/** An address as PyTorch prints it: matched with a regex since it is not deterministic. */
export const ADDRESS = '0x[0-9a-f]+';

/** A method that another engineer's op family adds, or undefined while it does not exist yet. */
export function maybeMethod(t: Tensor, name: string): ((...args: unknown[]) => unknown) | undefined {
  const m = (t as unknown as Record<string, unknown>)[name];
  return typeof m === 'function' ? (m as (...args: unknown[]) => unknown).bind(t) : undefined;
}
