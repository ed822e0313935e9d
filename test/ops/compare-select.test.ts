// Comparisons and where() over float runs take direct loops (elementwise.ts compareKernel and
// selectKernel, js/elementwise.ts compareRun and selectRun) instead of the generic per-element kernel.
// Each result is checked element by element against the comparison or selection done here, with nan,
// signed zeros and infinities among the values, numbers and 0-dim tensors as operands, and a uint8
// condition holding values above 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { DType, Tensor } from 'tstorch';

const SPECIAL = [NaN, -0, 0, Infinity, -Infinity, 1.5, -1.5];

/** `n` values in `dtype`: the special ones first, then a spread around zero with repeats. */
function values(n: number, dtype: DType, phase: number): Tensor {
  const data = Array.from({ length: n }, (_, i) => (i < SPECIAL.length ? SPECIAL[(i + phase) % SPECIAL.length] : Math.round(Math.sin(i * 0.7 + phase) * 8) / 4));
  return torch.tensor(data, { dtype });
}

function elements(t: Tensor): number[] {
  return Array.from(t.contiguous().contiguousData() as ArrayLike<number>);
}

const COMPARISONS: Array<[string, (x: Tensor, y: Tensor | number) => Tensor, (a: number, b: number) => boolean]> = [
  ['eq', (x, y) => x.eq(y), (a, b) => a === b],
  ['ne', (x, y) => x.ne(y), (a, b) => a !== b],
  ['lt', (x, y) => x.lt(y), (a, b) => a < b],
  ['le', (x, y) => x.le(y), (a, b) => a <= b],
  ['gt', (x, y) => x.gt(y), (a, b) => a > b],
  ['ge', (x, y) => x.ge(y), (a, b) => a >= b],
];

for (const dtype of [torch.float32, torch.float64]) {
  const round = dtype === torch.float32 ? Math.fround : (v: number) => v;
  for (const [name, run, holds] of COMPARISONS) {
    test(`${name} ${dtype.name}: tensors, a number and a 0-dim tensor, nan and signed zeros`, () => {
      const x = values(300, dtype, 0);
      const y = values(300, dtype, 3);
      const xs = elements(x);
      const ys = elements(y);
      const check = (out: Tensor, other: (i: number) => number): void => {
        assert.equal(out.dtype, torch.bool);
        assert.deepEqual(out.shape, [300]);
        assert.deepEqual(elements(out), xs.map((v, i) => (holds(v, other(i)) ? 1 : 0)));
      };
      check(run(x, y), (i) => ys[i]);
      check(run(x, 0.1), () => round(0.1));
      check(run(x, -0), () => 0);
      check(run(x, torch.tensor(NaN, { dtype })), () => NaN);
    });
  }

  test(`where ${dtype.name}: tensors, numbers and 0-dim tensors as values, a uint8 condition above 1`, () => {
    const x = values(300, dtype, 0);
    const y = values(300, dtype, 3);
    const xs = elements(x);
    const ys = elements(y);
    const condition = x.gt(y);
    const mask = elements(condition);
    const pick = (a: (i: number) => number, b: (i: number) => number): number[] => mask.map((c, i) => (c !== 0 ? a(i) : b(i)));
    assert.deepEqual(elements(torch.where(condition, x, y)), pick((i) => xs[i], (i) => ys[i]));
    assert.deepEqual(elements(torch.where(condition, x, 0)), pick((i) => xs[i], () => 0));
    assert.deepEqual(elements(torch.where(condition, -2.5, y)), pick(() => -2.5, (i) => ys[i]));
    assert.deepEqual(elements(torch.where(condition, x, torch.tensor(NaN, { dtype }))), pick((i) => xs[i], () => NaN));
    const bytes = torch.tensor(mask.map((c, i) => c * (1 + (i % 3))), { dtype: torch.uint8 });
    assert.deepEqual(elements(torch.where(bytes, x, y)), pick((i) => xs[i], (i) => ys[i]));
  });
}
