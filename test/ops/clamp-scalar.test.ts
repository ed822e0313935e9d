// clamp, clamp_min and clamp_max of float tensors by numbers run as the named maximum/minimum
// primitives against a repeated bound (ternary.ts clampByPrimitives). The expected values are PyTorch
// 1.13's for the same calls: signed zeros, values beside a bound that float32 rounds, nan elements and
// nan bounds. Each row is repeated to 300 elements, so that the native backend runs it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

const INPUT = [-0, 0, 0.1, 0.09999999, 0.10000001, NaN, -3, 3, 1e-45];
const COPIES = Math.ceil(300 / INPUT.length);

/** The first INPUT.length elements, after checking that every copy of the row agrees. */
function row(t: Tensor): number[] {
  const all = Array.from(t.contiguousData() as Float32Array | Float64Array);
  for (let c = 1; c < COPIES; c++) assert.deepEqual(all.slice(c * INPUT.length, (c + 1) * INPUT.length), all.slice(0, INPUT.length));
  return all.slice(0, INPUT.length);
}

// PyTorch: torch.clamp(x, ...) on INPUT as float32.
const F32 = {
  min0: [-0, 0, 0.10000000149011612, 0.09999998658895493, 0.10000000894069672, NaN, 0, 3, 1.401298464324817e-45],
  both01: new Array<number>(9).fill(0.10000000149011612).map((v, i) => (i === 5 ? NaN : v)),
  maxNeg0: [-0, 0, -0, -0, -0, NaN, -3, -0, -0],
  minNan: [-0, 0, 0.10000000149011612, 0.09999998658895493, 0.10000000894069672, NaN, -3, 3, 1.401298464324817e-45],
};

for (const dtype of [torch.float32, torch.float64]) {
  const x = torch.tensor(new Array<number[]>(COPIES).fill(INPUT).flat(), { dtype });
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
