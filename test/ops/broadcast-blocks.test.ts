// Binary ops whose operands broadcast along some dims (a bias per feature, a mean per row) or are rows
// of a larger tensor run block by block over the innermost dims (elementwise.ts blockwiseBinary): all
// blocks in one call where the active backend has binaryBlocks (the native addon), otherwise short
// blocks in the JS loops, written in place, and long ones one primitive call each. Each result is
// checked element by element against the same arithmetic done here in doubles and rounded to the
// dtype, with blocks long enough to take that path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { DType, Tensor } from 'tstorch';

/** Distinct values, none 0 (so division stays finite), in `dtype`, of `shape`. */
function values(shape: number[], dtype: DType, phase: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, { dtype }).mul(0.37).add(phase).sin().add(1.5).reshape(shape);
}

/** The tensor's elements in logical (row-major) order. */
function elements(t: Tensor): number[] {
  return Array.from(t.contiguous().contiguousData() as Float32Array | Float64Array);
}

/** `x op y` broadcast to `shape`, element by element from the operands' logical elements. */
function expected(x: Tensor | number, y: Tensor | number, shape: number[], dtype: DType, op: (a: number, b: number) => number): number[] {
  const round = dtype === torch.float32 ? Math.fround : (v: number) => v;
  const read = (t: Tensor | number): ((index: number[]) => number) => {
    if (typeof t === 'number') return () => round(t);
    const data = elements(t);
    const own = t.shape;
    const offset = shape.length - own.length;
    return (index) => {
      let flat = 0;
      for (let d = 0; d < own.length; d++) flat = flat * own[d] + (own[d] === 1 ? 0 : index[d + offset]);
      return data[flat];
    };
  };
  const [a, b] = [read(x), read(y)];
  const n = shape.reduce((p, q) => p * q, 1);
  const out: number[] = [];
  const index = shape.map(() => 0);
  for (let i = 0; i < n; i++) {
    out.push(round(op(a(index), b(index))));
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
  return out;
}

const OPS: Array<[string, (x: Tensor | number, y: Tensor | number) => Tensor, (a: number, b: number) => number]> = [
  ['add', (x, y) => torch.add(x as Tensor, y), (a, b) => a + b],
  ['sub', (x, y) => torch.sub(x as Tensor, y), (a, b) => a - b],
  ['mul', (x, y) => torch.mul(x as Tensor, y), (a, b) => a * b],
  ['div', (x, y) => torch.div(x as Tensor, y), (a, b) => a / b],
  ['maximum', (x, y) => torch.maximum(x as Tensor, y as Tensor), (a, b) => Math.max(a, b)],
];

for (const dtype of [torch.float32, torch.float64]) {
  const cases: Array<[string, () => [Tensor, Tensor | number, number[]]]> = [
    ['a row of features over a batch [8, 40] and [40]', () => [values([8, 40], dtype, 0), values([40], dtype, 1), [8, 40]]],
    ['a value per row [8, 40] and [8, 1]', () => [values([8, 40], dtype, 0), values([8, 1], dtype, 2), [8, 40]]],
    ['middle dim broadcast [2, 3, 20] and [2, 1, 20]', () => [values([2, 3, 20], dtype, 0), values([2, 1, 20], dtype, 3), [2, 3, 20]]],
    ['both broadcast [5, 1, 24] and [1, 3, 24]', () => [values([5, 1, 24], dtype, 0), values([1, 3, 24], dtype, 4), [5, 3, 24]]],
    ['the first operand broadcast [32] and [6, 32]', () => [values([32], dtype, 0), values([6, 32], dtype, 5), [6, 32]]],
    ['rows of a wider tensor [4, 20] of [4, 32], with a number', () => [values([4, 32], dtype, 0).narrow(1, 6, 20), 2.5, [4, 20]]],
    ['rows of a wider tensor and a column [4, 20] and [4, 1]', () => [values([4, 32], dtype, 0).narrow(1, 3, 20), values([4, 1], dtype, 6), [4, 20]]],
    // Blocks of 128 elements and more go to the active backend (through a view of the output block).
    ['long rows [3, 200] and [200]', () => [values([3, 200], dtype, 0), values([200], dtype, 7), [3, 200]]],
    ['long rows, middle dim broadcast [2, 3, 150] and [2, 1, 150]', () => [values([2, 3, 150], dtype, 0), values([2, 1, 150], dtype, 8), [2, 3, 150]]],
    // Two outer dims walked for the blocks, as a per-channel bias over images.
    ['a value per channel [2, 3, 4, 20] and [3, 1, 1]', () => [values([2, 3, 4, 20], dtype, 0), values([3, 1, 1], dtype, 9), [2, 3, 4, 20]]],
  ];
  for (const [what, make] of cases) {
    // maximum takes tensors only.
    const ops = what.includes('a number') ? OPS.filter(([name]) => name !== 'maximum') : OPS;
    for (const [name, run, op] of ops) {
      test(`${name} ${dtype.name}: ${what}`, () => {
        const [x, y, shape] = make();
        const out = run(x, y);
        assert.deepEqual(out.shape, shape);
        assert.equal(out.dtype, dtype);
        assert.deepEqual(elements(out), expected(x, y, shape, dtype, op));
      });
    }
  }
}

test('a broadcast product keeps its gradients: d(x * w)/dw sums over the batch', () => {
  const x = values([6, 40], torch.float64, 0);
  const w = values([40], torch.float64, 1).requiresGrad_();
  x.mul(w).sum().backward();
  const sums = elements(x.sum(0));
  assert.deepEqual(elements(w.grad as Tensor), sums);
});
