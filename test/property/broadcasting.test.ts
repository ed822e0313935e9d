// Binary ops on random broadcastable shapes (dims of size 0 and 1 included, operands of lower rank,
// contiguous, transposed and strided inputs) against the reference's explicit broadcasting; shapes
// that do not broadcast raise PyTorch's message naming the last mismatching dim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { arrArb, binaryRef, broadcastAt, broadcastShape, build, fcOptions, layoutArb, operandShapeArb, sameValues, shapeArb, tensorOf, toArr, type Arr } from './reference.js';

interface BinaryCase {
  name: string;
  op: (a: Tensor, b: Tensor) => Tensor;
  ref: (x: number, y: number) => number;
  /** Result dtype: the inputs' (float), or bool for comparisons. */
  result: 'same' | 'bool';
}

const f32 = Math.fround;
const CASES: BinaryCase[] = [
  { name: 'add', op: (a, b) => a.add(b), ref: (x, y) => x + y, result: 'same' },
  { name: 'sub', op: (a, b) => a.sub(b), ref: (x, y) => x - y, result: 'same' },
  { name: 'mul', op: (a, b) => a.mul(b), ref: (x, y) => x * y, result: 'same' },
  { name: 'div', op: (a, b) => a.div(b), ref: (x, y) => x / y, result: 'same' },
  { name: 'maximum', op: (a, b) => torch.maximum(a, b), ref: Math.max, result: 'same' },
  { name: 'minimum', op: (a, b) => torch.minimum(a, b), ref: Math.min, result: 'same' },
  { name: 'atan2', op: (a, b) => torch.atan2(a, b), ref: Math.atan2, result: 'same' },
  { name: 'fmod', op: (a, b) => torch.fmod(a, b), ref: (x, y) => x % y, result: 'same' },
  { name: 'eq', op: (a, b) => a.eq(b), ref: (x, y) => Number(x === y), result: 'bool' },
  { name: 'lt', op: (a, b) => a.lt(b), ref: (x, y) => Number(x < y), result: 'bool' },
  { name: 'ge', op: (a, b) => a.ge(b), ref: (x, y) => Number(x >= y), result: 'bool' },
];

const DTYPES = [torch.float32, torch.float64];

const broadcastPair = shapeArb(4)
  .chain((out) => fc.tuple(operandShapeArb(out), operandShapeArb(out)))
  .chain(([sa, sb]) => fc.tuple(arrArb(sa), arrArb(sb), layoutArb, layoutArb, fc.constantFrom(...DTYPES), fc.boolean()));

function expected(c: BinaryCase, a: Arr, b: Arr, dtype: torch.DType): Arr {
  const round = dtype === torch.float32 && c.result === 'same' ? f32 : (x: number) => x;
  return binaryRef(a, b, (x, y) => round(c.ref(x, y)));
}

for (const c of CASES) {
  test(`broadcasting: ${c.name} on random shapes and layouts`, () => {
    fc.assert(
      fc.property(broadcastPair, ([a, b, la, lb, dtype, swap]) => {
        const [x, y] = swap ? [b, a] : [a, b];
        const out = c.op(tensorOf(x, dtype, la), tensorOf(y, dtype, lb));
        assert.equal(out.dtype, c.result === 'bool' ? torch.bool : dtype);
        const why = sameValues(toArr(out), expected(c, x, y, dtype));
        assert.equal(why, null, why ?? '');
      }),
      fcOptions(100),
    );
  });
}

test('broadcasting: a JavaScript number as either operand does not promote and broadcasts to any shape', () => {
  fc.assert(
    fc.property(shapeArb(4).chain((s) => fc.tuple(arrArb(s), layoutArb, fc.integer({ min: -8, max: 8 }))), ([a, layout, k]) => {
      const t = tensorOf(a, torch.float32, layout);
      const scalar: Arr = { shape: [], data: [k] };
      for (const [got, want] of [
        [t.mul(k), binaryRef(a, scalar, (x, y) => f32(x * y))],
        [t.rsub(k), binaryRef(a, scalar, (x, y) => f32(y - x))],
        [torch.maximum(t, torch.tensor(k)), binaryRef(a, scalar, Math.max)],
      ] as const) {
        assert.equal(got.dtype, torch.float32);
        const why = sameValues(toArr(got), want);
        assert.equal(why, null, why ?? '');
      }
    }),
    fcOptions(100),
  );
});

test('broadcasting: where(cond, a, b) broadcasts all three', () => {
  const triple = shapeArb(3)
    .chain((out) => fc.tuple(operandShapeArb(out), operandShapeArb(out), operandShapeArb(out)))
    .chain(([sc, sa, sb]) => fc.tuple(arrArb(sc, 0, 1), arrArb(sa), arrArb(sb), layoutArb));
  fc.assert(
    fc.property(triple, ([c, a, b, layout]) => {
      const mask: Arr = { shape: c.shape, data: c.data.map((v) => (v > 0.5 ? 1 : 0)) };
      const out = torch.where(tensorOf(mask, torch.bool, layout), tensorOf(a, torch.float64, layout), tensorOf(b, torch.float64));
      const shape = broadcastShape(broadcastShape(mask.shape, a.shape) ?? [], b.shape) ?? [];
      const want = build(shape, (idx) => (broadcastAt(mask, idx) ? broadcastAt(a, idx) : broadcastAt(b, idx)));
      const why = sameValues(toArr(out), want);
      assert.equal(why, null, why ?? '');
    }),
    fcOptions(100),
  );
});

test('broadcasting: shapes that do not broadcast raise PyTorch\'s message for the last mismatching dim', () => {
  const mismatched = fc
    .tuple(shapeArb(4, 2, 5), shapeArb(4, 2, 5))
    .filter(([a, b]) => {
      const n = Math.min(a.length, b.length);
      return a.slice(a.length - n).some((s, i) => s !== b[b.length - n + i]);
    });
  fc.assert(
    fc.property(mismatched, ([sa, sb]) => {
      const n = Math.max(sa.length, sb.length);
      let dim = -1;
      for (let d = n - 1; d >= 0 && dim < 0; d--) {
        const x = sa[sa.length - n + d] ?? 1;
        const y = sb[sb.length - n + d] ?? 1;
        if (x !== y && x !== 1 && y !== 1) dim = d;
      }
      const x = sa[sa.length - n + dim];
      const y = sb[sb.length - n + dim];
      const message = `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${dim}`;
      assert.throws(() => torch.zeros(sa).add(torch.zeros(sb)), { message });
      assert.throws(() => torch.zeros(sa).mul(torch.ones(sb)), { message });
    }),
    fcOptions(100),
  );
});
