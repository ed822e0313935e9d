// Shared by the native and WebAssembly backend tests: both compute float32 exp, log, tanh and sigmoid
// (the native one erf too) with their own double-precision polynomials, which must stay within one ulp
// of the JS kernels.
import assert from 'node:assert/strict';
import { unaryRun } from '../../src/backends/js/elementwise.js';
import type { RunOperand, UnaryOpName } from '../../src/backends/backend.js';

/** The distance in units in the last place between two float32 values (0 for two nans). */
function ulps(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
  const bits = new Int32Array(new Float32Array([x, y]).buffer);
  // Bit patterns of floats are ordered like the values within each sign; across signs, count through 0.
  const ordered = bits.map((b) => (b < 0 ? -(b & 0x7fffffff) : b));
  return Math.abs(ordered[0] - ordered[1]);
}

/**
 * Runs `unary` (a backend's primitive) on 2^14 + 3 float32 values, a quarter of them arbitrary bit
 * patterns (every exponent, subnormals, nans) and the rest moderate, with the edge cases first, and
 * checks each result against the JS kernel's: at most one ulp apart. The odd length leaves a tail
 * shorter than a vector.
 */
export function assertTranscendentalsWithinOneUlp(
  unary: (op: UnaryOpName, a: RunOperand, out: Float32Array, n: number) => boolean | undefined,
  random: () => number,
  ops: readonly UnaryOpName[] = ['exp', 'log', 'tanh', 'sigmoid'],
): void {
  const n = (1 << 14) + 3;
  const a = new Float32Array(n);
  const bits = new Uint32Array(a.buffer);
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) bits[i] = Math.floor(random() * 2 ** 32);
    else a[i] = (random() - 0.5) * [200, 2, 1e-3][i % 4 - 1];
  }
  a.set([0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 88.72, 88.73, -103.9, 3.4e38, 0.125, -0.125, 20, -20]);
  for (const op of ops) {
    const out = new Float32Array(n);
    const expected = new Float32Array(n);
    assert.ok(unary(op, { data: a, offset: 0, step: 1 }, out, n), op);
    unaryRun(op, { data: a, offset: 0, step: 1 }, expected, n);
    for (let i = 0; i < n; i++) {
      if (ulps(out[i], expected[i]) > 1) assert.fail(`${op}(${a[i]}) is ${out[i]}, expected ${expected[i]}`);
    }
  }
}
