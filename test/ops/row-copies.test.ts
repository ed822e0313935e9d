// index_select (and so embedding) of a contiguous tensor copies whole blocks, and cat writes each part's
// contiguous rows with one copy each, from 32 elements on (index-slices.ts selectBlocks, strided.ts
// scatter). Results are checked against the same selection done here on plain arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { DType, Tensor } from 'tstorch';

/** 0, 1, 2, ... in `dtype`, of `shape`. */
function counting(shape: number[], dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, { dtype }).reshape(shape);
}

function elements(t: Tensor): number[] {
  return Array.from(t.contiguousData() as ArrayLike<number | bigint>, Number);
}

/** index_select of a row-major [outer, size, inner] array: block idx[i] of each outer block. */
function selected(data: number[], outer: number, size: number, inner: number, idx: number[]): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const v of idx) out.push(...data.slice((o * size + v) * inner, (o * size + v + 1) * inner));
  return out;
}

for (const dtype of [torch.float32, torch.float64, torch.int64]) {
  test(`index_select ${dtype.name}: rows of 40 (dim 0), columns (dim 1), a middle dim of [3, 4, 36]`, () => {
    const m = counting([6, 40], dtype);
    const idx = torch.tensor([5, 0, 5, 2], { dtype: torch.int64 });
    const rows = m.indexSelect(0, idx);
    assert.deepEqual(rows.shape, [4, 40]);
    assert.deepEqual(elements(rows), selected(elements(m), 1, 6, 40, [5, 0, 5, 2]));
    const cols = m.indexSelect(1, torch.tensor([39, 1], { dtype: torch.int32 }));
    assert.deepEqual(elements(cols), selected(elements(m), 6, 40, 1, [39, 1]));
    const cube = counting([3, 4, 36], dtype);
    const mid = cube.indexSelect(1, torch.tensor([3, 3, 0], { dtype: torch.int64 }));
    assert.deepEqual(mid.shape, [3, 3, 36]);
    assert.deepEqual(elements(mid), selected(elements(cube), 3, 4, 36, [3, 3, 0]));
  });
}

test('index_select of a contiguous view (an offset into its storage) and of a transposed tensor', () => {
  const base = counting([8, 40], torch.float32);
  const view = base.narrow(0, 2, 5);
  assert.deepEqual(elements(view.indexSelect(0, torch.tensor([4, 0], { dtype: torch.int64 }))), selected(elements(base), 1, 8, 40, [6, 2]));
  const t = counting([40, 6], torch.float32).t();
  const picked = t.indexSelect(0, torch.tensor([1, 5], { dtype: torch.int64 }));
  assert.deepEqual(elements(picked), selected(elements(t.contiguous()), 1, 6, 40, [1, 5]));
});

test('embedding: one row of 48 per index, and its gradient adds each lookup into its row', () => {
  const weight = counting([10, 48], torch.float32).div(100).requiresGrad_();
  const indices = torch.tensor([[3, 9], [3, 0]], { dtype: torch.int64 });
  const out = torch.nn.functional.embedding(indices, weight);
  assert.deepEqual(out.shape, [2, 2, 48]);
  assert.deepEqual(elements(out), selected(elements(weight.detach()), 1, 10, 48, [3, 9, 3, 0]));
  out.sum().backward();
  const counts = [1, 0, 0, 2, 0, 0, 0, 0, 0, 1];
  assert.deepEqual(elements(weight.grad as Tensor), counts.flatMap((c) => new Array<number>(48).fill(c)));
});

test('cat along the last dim writes rows of 40 and 36 from each part', () => {
  const a = counting([3, 40], torch.float32);
  const b = counting([3, 36], torch.float32).add(1000);
  const joined = torch.cat([a, b], 1);
  assert.deepEqual(joined.shape, [3, 76]);
  const expected: number[] = [];
  for (let r = 0; r < 3; r++) expected.push(...elements(a).slice(r * 40, r * 40 + 40), ...elements(b).slice(r * 36, r * 36 + 36));
  assert.deepEqual(elements(joined), expected);
  const c = counting([2, 3, 33], torch.float64);
  const d = counting([2, 3, 33], torch.float64).neg();
  const stacked = torch.cat([c, d], 2);
  const rows: number[] = [];
  for (let r = 0; r < 6; r++) rows.push(...elements(c).slice(r * 33, r * 33 + 33), ...elements(d).slice(r * 33, r * 33 + 33));
  assert.deepEqual(elements(stacked), rows);
});

// From 1024 elements the native backend takes these copies itself (loader.ts: copy, gatherRows);
// the same checks at such sizes reach its kernels when it is the backend under test.
test('at 1024 elements and more: index_select rows, an embedding and its gradient, cat, contiguous of a transpose', () => {
  for (const dtype of [torch.float32, torch.float64, torch.int64, torch.int32, torch.uint8]) {
    const m = counting([300, 40], dtype);
    const picks = Array.from({ length: 64 }, (_, i) => (i * 37) % 300);
    const rows = m.indexSelect(0, torch.tensor(picks, { dtype: torch.int64 }));
    assert.deepEqual(elements(rows), selected(elements(m), 1, 300, 40, picks), `${dtype.name} index_select`);
    const a = counting([64, 40], dtype);
    const b = counting([64, 36], dtype);
    const joined = torch.cat([a, b], 1);
    const expected: number[] = [];
    for (let r = 0; r < 64; r++) expected.push(...elements(a).slice(r * 40, r * 40 + 40), ...elements(b).slice(r * 36, r * 36 + 36));
    assert.deepEqual(elements(joined), expected, `${dtype.name} cat`);
    const t = counting([48, 64], dtype).t().contiguous();
    const transposed: number[] = [];
    const flat = elements(counting([48, 64], dtype));
    for (let i = 0; i < 64; i++) for (let j = 0; j < 48; j++) transposed.push(flat[j * 64 + i]);
    assert.deepEqual(elements(t), transposed, `${dtype.name} t().contiguous()`);
  }
  const weight = counting([100, 48], torch.float32).div(100).requiresGrad_();
  const lookups = Array.from({ length: 64 }, (_, i) => (i * 7) % 100);
  const out = torch.nn.functional.embedding(torch.tensor(lookups, { dtype: torch.int64 }).reshape([8, 8]), weight);
  assert.deepEqual(elements(out), selected(elements(weight.detach()), 1, 100, 48, lookups));
  out.mul(2).sum().backward();
  const counts = new Array<number>(100).fill(0);
  for (const v of lookups) counts[v] += 2;
  assert.deepEqual(elements(weight.grad as Tensor), counts.flatMap((c) => new Array<number>(48).fill(c)));
});
