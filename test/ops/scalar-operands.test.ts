// Ops of a float tensor and a number that run as named primitives: clamp, clamp_min and clamp_max as
// maximum/minimum against a repeated bound (ternary.ts clampByPrimitives), pow(x, 2) as x * x
// (arithmetic.ts). The expected values are PyTorch 1.13's for the same calls: signed zeros, values
// beside a bound that float32 rounds, nan elements and bounds, overflow and underflow. Each row is
// repeated to 300 elements, so that the native backend runs it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

const INPUT = [-0, 0, 0.1, 0.09999999, 0.10000001, NaN, -3, 3, 1e-45];

/** `values` repeated to at least 300 elements. */
function repeated(values: number[], dtype: torch.DType): Tensor {
  return torch.tensor(new Array<number[]>(Math.ceil(300 / values.length)).fill(values).flat(), { dtype });
}

/** The first row of a repeated tensor, after checking that every copy of the row agrees. */
function row(t: Tensor, length = INPUT.length): number[] {
  const all = Array.from(t.contiguousData() as Float32Array | Float64Array);
  for (let start = length; start < all.length; start += length) assert.deepEqual(all.slice(start, start + length), all.slice(0, length));
  return all.slice(0, length);
}

// PyTorch: torch.clamp(x, ...) on INPUT as float32.
const F32 = {
  min0: [-0, 0, 0.10000000149011612, 0.09999998658895493, 0.10000000894069672, NaN, 0, 3, 1.401298464324817e-45],
  both01: new Array<number>(9).fill(0.10000000149011612).map((v, i) => (i === 5 ? NaN : v)),
  maxNeg0: [-0, 0, -0, -0, -0, NaN, -3, -0, -0],
  minNan: [-0, 0, 0.10000000149011612, 0.09999998658895493, 0.10000000894069672, NaN, -3, 3, 1.401298464324817e-45],
};

for (const dtype of [torch.float32, torch.float64]) {
  const x = repeated(INPUT, dtype);
  const own = row(x);
  const expect = dtype === torch.float32 ? F32 : {
    min0: own.map((v) => (v < 0 ? 0 : v)),
    both01: own.map((v) => (Number.isNaN(v) ? NaN : 0.1)),
    maxNeg0: own.map((v) => (v > 0 ? -0 : v)),
    minNan: own,
  };
  test(`clamp ${dtype.name} by numbers: signed zeros, rounded bounds, nan elements and bounds as PyTorch`, () => {
    assert.deepEqual(row(torch.clamp(x, 0)), expect.min0);
    assert.deepEqual(row(torch.clampMin(x, 0)), expect.min0);
    assert.deepEqual(row(torch.clamp(x, 0.1, 0.1)), expect.both01);
    assert.deepEqual(row(torch.clamp(x, null, -0)), expect.maxNeg0);
    assert.deepEqual(row(torch.clampMax(x, -0)), expect.maxNeg0);
    assert.deepEqual(row(torch.clamp(x, NaN)), expect.minNan);
    assert.ok(row(torch.clamp(x, NaN, 1)).every(Number.isNaN), 'two bounds, one nan: every element nan');
  });
}

test('pow(x, 2) is x * x as in PyTorch: signed zeros, nan, infinities, overflow and underflow to 0 and subnormals', () => {
  const squares = [-0, 0, 0.1, -3.5, NaN, Infinity, -Infinity, 3e38, 1e-45, 1e-20, 65504.5];
  // PyTorch 1.13: torch.tensor(squares).pow(2) in float32.
  const f32 = [0, 0, 0.010000000707805157, 12.25, NaN, Infinity, Infinity, Infinity, 0, 9.99994610111476e-41, 4290839552];
  assert.deepEqual(row(repeated(squares, torch.float32).pow(2), squares.length), f32);
  const f64 = repeated(squares, torch.float64);
  assert.deepEqual(row(f64.pow(2), squares.length), row(f64, squares.length).map((v) => v * v));
  const x = repeated(squares.slice(0, 4), torch.float64).requiresGrad_();
  x.pow(2).sum().backward();
  assert.deepEqual(row(x.grad as Tensor, 4), [-0, 0, 0.2, -7]);
  assert.equal(x.pow(2).gradFn?.name(), 'PowBackward0');
});
