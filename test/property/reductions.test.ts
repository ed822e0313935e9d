// Reductions over random dims (one dim, lists of dims in any order and sign, all dims), with and
// without keepdim, on random shapes (empty dims included) and layouts, against the reference's
// reduction of each group of values. Reductions without an identity raise on empty groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { arrArb, fcOptions, layoutArb, reduceRef, sameValues, shapeArb, tensorOf, toArr, type Arr } from './reference.js';

const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
const mean = (v: number[]): number => sum(v) / v.length;
const variance = (correction: number) => (v: number[]): number => {
  const m = mean(v);
  return sum(v.map((x) => (x - m) ** 2)) / Math.max(0, v.length - correction);
};
const firstIndexOf = (better: (x: number, y: number) => boolean) => (v: number[]): number =>
  v.reduce((best, x, i) => (better(x, v[best]) ? i : best), 0);

interface MultiDimCase {
  name: string;
  call: (t: Tensor, dims: number | number[], keepdim: boolean) => Tensor;
  ref: (v: number[]) => number;
  /** Raises on an empty group instead (no identity). */
  needsElements?: boolean;
  dtype?: 'bool' | 'int64';
}

const MULTI_DIM: MultiDimCase[] = [
  { name: 'sum', call: (t, d, keepdim) => t.sum(d, { keepdim }), ref: sum },
  { name: 'mean', call: (t, d, keepdim) => t.mean(d, { keepdim }), ref: mean },
  { name: 'amax', call: (t, d, keepdim) => t.amax(d, { keepdim }), ref: (v) => Math.max(...v), needsElements: true },
  { name: 'amin', call: (t, d, keepdim) => t.amin(d, { keepdim }), ref: (v) => Math.min(...v), needsElements: true },
  { name: 'var', call: (t, d, keepdim) => t.var(d, { keepdim }), ref: variance(1) },
  { name: 'std (correction 0)', call: (t, d, keepdim) => t.std(d, { keepdim, correction: 0 }), ref: (v) => Math.sqrt(variance(0)(v)) },
  { name: 'logsumexp', call: (t, d, keepdim) => t.logsumexp(d, { keepdim }), ref: (v) => Math.log(sum(v.map(Math.exp))) },
  { name: 'norm', call: (t, d, keepdim) => t.norm(2, d, { keepdim }), ref: (v) => Math.sqrt(sum(v.map((x) => x * x))) },
  { name: 'norm 1', call: (t, d, keepdim) => t.norm(1, d, { keepdim }), ref: (v) => sum(v.map(Math.abs)) },
  { name: 'all', call: (t, d, keepdim) => t.all(d, { keepdim }), ref: (v) => Number(v.every((x) => x !== 0)), dtype: 'bool' },
  { name: 'any', call: (t, d, keepdim) => t.any(d, { keepdim }), ref: (v) => Number(v.some((x) => x !== 0)), dtype: 'bool' },
];

interface OneDimCase {
  name: string;
  call: (t: Tensor, dim: number, keepdim: boolean) => Tensor;
  ref: (v: number[]) => number;
  needsElements?: boolean;
}

const ONE_DIM: OneDimCase[] = [
  { name: 'prod', call: (t, d, keepdim) => t.prod(d, { keepdim }), ref: (v) => v.reduce((a, b) => a * b, 1) },
  { name: 'max values', call: (t, d, keepdim) => t.max(d, { keepdim }).values, ref: (v) => Math.max(...v), needsElements: true },
  { name: 'max indices', call: (t, d, keepdim) => t.max(d, { keepdim }).indices, ref: firstIndexOf((x, y) => x > y), needsElements: true },
  { name: 'min indices', call: (t, d, keepdim) => t.min(d, { keepdim }).indices, ref: firstIndexOf((x, y) => x < y), needsElements: true },
  { name: 'argmax', call: (t, d, keepdim) => t.argmax(d, { keepdim }), ref: firstIndexOf((x, y) => x > y), needsElements: true },
  { name: 'argmin', call: (t, d, keepdim) => t.argmin(d, { keepdim }), ref: firstIndexOf((x, y) => x < y), needsElements: true },
  {
    name: 'median values',
    call: (t, d, keepdim) => t.median(d, { keepdim }).values,
    ref: (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)],
    needsElements: true,
  },
];

/** A shape, values with ties (small integers), a layout, dims as given and normalised, keepdim. */
const reductionArb = shapeArb(4, 0, 4).chain((shape) =>
  fc.tuple(
    arrArb(shape, -3, 3),
    layoutArb,
    fc.subarray([...shape.keys()]).chain((dims) => fc.tuple(fc.shuffledSubarray(dims, { minLength: dims.length }), fc.array(fc.boolean(), { minLength: dims.length, maxLength: dims.length }))),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom(torch.float32, torch.float64),
  ),
);

function check(got: Tensor, want: Arr, dtype: torch.DType, where: string): void {
  const tol = dtype === torch.float32 ? 2e-6 : 1e-12;
  const why = sameValues(toArr(got), want, tol);
  assert.equal(why, null, `${where}: ${why}`);
}

for (const c of MULTI_DIM) {
  test(`reductions: ${c.name} over random dims`, () => {
    fc.assert(
      fc.property(reductionArb, ([a, layout, [order, negative], keepdim, asList, dtype]) => {
        const nd = a.shape.length;
        const given = order.map((d, i) => (negative[i] ? d - nd : d));
        // A single dim as a number; a list (possibly empty: all dims) otherwise.
        const dimArg = !asList && given.length === 1 ? given[0] : given;
        const reduced = order.length === 0 ? [...a.shape.keys()] : [...order].sort((x, y) => x - y);
        const t = tensorOf(a, dtype, layout);
        const where = `${c.name}([${a.shape}], dim=${JSON.stringify(dimArg)}, keepdim=${keepdim})`;
        const groupSize = reduced.reduce((n, d) => n * a.shape[d], 1);
        if (c.needsElements && groupSize === 0) {
          assert.throws(() => c.call(t, dimArg, keepdim), Error, where);
          return;
        }
        const got = c.call(t, dimArg, keepdim);
        const want = reduceRef(a, reduced, keepdim, c.ref);
        assert.equal(got.dtype, c.dtype === 'bool' ? torch.bool : dtype, `${where}: dtype`);
        check(got, dtype === torch.float32 && !c.dtype ? { shape: want.shape, data: want.data.map(Math.fround) } : want, dtype, where);
      }),
      fcOptions(150),
    );
  });
}

for (const c of ONE_DIM) {
  test(`reductions: ${c.name} along a random dim`, () => {
    const arb = shapeArb(4, 0, 4)
      .filter((s) => s.length > 0)
      .chain((shape) => fc.tuple(arrArb(shape, -3, 3), layoutArb, fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.boolean()));
    fc.assert(
      fc.property(arb, ([a, layout, dim, keepdim]) => {
        const t = tensorOf(a, torch.float64, layout);
        const d = dim < 0 ? dim + a.shape.length : dim;
        const where = `${c.name}([${a.shape}], dim=${dim}, keepdim=${keepdim})`;
        if (c.needsElements && a.shape[d] === 0) {
          assert.throws(() => c.call(t, dim, keepdim), Error, where);
          return;
        }
        check(c.call(t, dim, keepdim), reduceRef(a, [d], keepdim, c.ref), torch.float64, where);
      }),
      fcOptions(150),
    );
  });
}

test('reductions: repeated dims and dims out of range raise PyTorch\'s messages', () => {
  fc.assert(
    fc.property(shapeArb(4, 1, 3).filter((s) => s.length > 0), fc.nat(), (shape, r) => {
      const nd = shape.length;
      const t = torch.zeros(shape);
      const d = r % nd;
      assert.throws(() => t.sum([d, d - nd]), { message: `dim ${d} appears multiple times in the list of dims` });
      assert.throws(() => t.sum(nd + (r % 3)), { message: `Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${nd + (r % 3)})` });
      assert.throws(() => t.amax(-nd - 1), { message: `Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${-nd - 1})` });
    }),
    fcOptions(40),
  );
});
