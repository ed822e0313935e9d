// Deferred elementwise results (src/ops/fusion.ts): large results of named primitives are computed
// when first read, several ops in one pass, with the values the ops give one by one; changes of their
// operands after the op (in-place ops, optimizer steps, views, arrays the user wrapped) do not reach them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor, DType } from 'tstorch';

/** Above the default threshold (2^15 elements), so these results are deferred without any setting. */
const N = 40_000;

function isPending(t: Tensor): boolean {
  return t.storage_.pending !== null;
}

/** The elements as a plain array of numbers (reading them evaluates a pending result). */
function values(t: Tensor): number[] {
  return Array.from(t.contiguousData() as Float32Array | Float64Array);
}

/** Values spread over [-3, 3] (none exactly 0, so log and div stay finite), in `dtype`. */
function spread(dtype: DType, phase: number): Tensor {
  return torch.linspace(-3 + phase, 3 - phase, N, { dtype }).add(1e-3);
}

/** Applies `chain` op by op, evaluating each result before the next op reads it. */
function stepwise(x: Tensor, y: Tensor, chain: readonly ((x: Tensor, y: Tensor) => Tensor)[]): Tensor {
  let t = x;
  for (const op of chain) {
    t = op(t, y);
    t.storage_.materialize();
  }
  return t;
}

const CHAIN: readonly ((t: Tensor, y: Tensor) => Tensor)[] = [
  (t, y) => t.mul(y),
  (t) => t.tanh(),
  (t, y) => t.add(y),
  (t) => t.exp(),
  (t, y) => t.div(y),
  (t) => t.abs().add(1).log(),
  (t) => t.sigmoid(),
  (t, y) => torch.maximum(t, y),
  (t) => t.neg().sub(0.25),
  (t) => t.relu(),
  (t) => t.sqrt(),
  (t, y) => torch.minimum(t.mul(2), y),
];

for (const dtype of [torch.float32, torch.float64]) {
  test(`a chain of deferred ${dtype.name} ops gives the op-by-op values bit for bit`, () => {
    const x = spread(dtype, 0);
    const y = spread(dtype, 0.5);
    let fused = x;
    for (const op of CHAIN) fused = op(fused, y);
    assert.ok(isPending(fused), 'the result is pending until read');
    const expected = values(stepwise(x, y, CHAIN));
    assert.deepEqual(values(fused), expected);
    assert.ok(!isPending(fused));
  });

  test(`the sum of a pending ${dtype.name} result is the sum of its elements once written`, () => {
    const x = spread(dtype, 0);
    const y = spread(dtype, 0.25);
    const pending = x.mul(y).add(x).exp().mul(0.01);
    const total = pending.sum().item();
    // Only a backend with a fused sum reads the expression without writing it.
    assert.equal(isPending(pending), torch.backends.current() === 'native');
    pending.storage_.materialize();
    assert.equal(pending.sum().item(), total);
  });
}

test('an operand changed in place after the op leaves the pending result as it was', () => {
  const x = torch.arange(N, { dtype: torch.float32 });
  const doubled = x.mul(2);
  const shifted = x.add(1).mul(3);
  assert.ok(isPending(doubled) && isPending(shifted));
  x.add_(100);
  x.narrow(0, 0, 10).fill_(-5);
  assert.equal(doubled.index(7).item(), 14);
  assert.equal(shifted.index(N - 1).item(), N * 3);
  assert.equal(x.index(7).item(), -5);
  assert.equal(x.index(N - 1).item(), N - 1 + 100);
});

test('an in-place op on a pending result itself', () => {
  const x = torch.full([N], 2);
  const y = x.mul(3);
  y.mul_(y);
  assert.deepEqual([y.index(0).item(), y.index(N - 1).item()], [36, 36]);
  assert.equal(x.index(0).item(), 2);
});

test('an in-place op writes its deferred result into the tensor\'s own elements, which its views see', () => {
  const x = torch.linspace(-1, 1, N);
  const y = torch.linspace(2, 3, N);
  const view = x.narrow(0, N - 5, 5);
  const expected = values(x.mul(3).add(y).exp());
  x.mul_(3).add_(y).exp_();
  assert.deepEqual(values(x), expected);
  assert.deepEqual(values(view), expected.slice(N - 5));
});

test('an in-place op whose operand overlaps the written elements reads them as they were', () => {
  const x = torch.arange(N + 1, { dtype: torch.float32 });
  x.narrow(0, 1, N).add_(x.narrow(0, 0, N));
  // Element i + 1 becomes (i + 1) + i, from the values before the op.
  assert.deepEqual([x.index(0).item(), x.index(1).item(), x.index(N).item()], [0, 1, 2 * N - 1]);
  const z = torch.full([N], 2);
  z.add_(z.index(0));
  assert.deepEqual(new Set(values(z)), new Set([4]));
});

test('an in-place op with an operand that requires grad records the value it changed', () => {
  const x = torch.full([N], 3);
  const w = torch.full([N], 2, { requiresGrad: true });
  x.mul_(w);
  x.sum().backward();
  assert.deepEqual(new Set(values(w.grad as Tensor)), new Set([3]));
  assert.deepEqual(new Set(values(x.detach())), new Set([6]));
});

test('an optimizer step does not reach results computed from the parameters before it', () => {
  const p = torch.full([N], 1, { requiresGrad: true });
  const opt = new torch.optim.SGD([p], { lr: 0.5 });
  const before = p.detach().mul(4);
  p.mul(2).sum().backward();
  opt.step();
  assert.equal(p.index(0).item(), 0);
  assert.equal(before.index(0).item(), 4);
});

test('a tensor wrapping a typed array is read when the op runs, as in PyTorch', () => {
  const array = new Float32Array(N).fill(1);
  const wrapped = torch.fromTypedArray(array);
  const doubled = wrapped.mul(2);
  array[0] = 7;
  assert.equal(doubled.index(0).item(), 2);
  assert.equal(wrapped.index(0).item(), 7);
});

test('a pending result read by several ops, and by one op twice', () => {
  const x = torch.linspace(-1, 1, N);
  const e = x.exp();
  const square = e.mul(e);
  const plus = e.add(1);
  const times = e.mul(2);
  const expected = values(x).map((v) => Math.fround(Math.exp(v)));
  assert.deepEqual(values(square), expected.map((v) => Math.fround(v * v)));
  assert.deepEqual(values(plus), expected.map((v) => Math.fround(v + 1)));
  assert.deepEqual(values(times), expected.map((v) => Math.fround(v * 2)));
  assert.deepEqual(values(e), expected);
});

test('an expression longer than one program, and one broadcast from a single value', () => {
  let t = torch.ones(N);
  for (let i = 0; i < 40; i++) t = t.add(torch.tensor(0.5));
  assert.ok(isPending(t));
  assert.deepEqual(new Set(values(t)), new Set([21]));
});

test('gradients through pending results', () => {
  const a = torch.linspace(-2, 2, N).requiresGrad_();
  const b = torch.linspace(1, 3, N).requiresGrad_();
  a.mul(b).add(a).sum().backward();
  assert.deepEqual(values(a.grad as Tensor), values(b.detach().add(1)));
  assert.deepEqual(values(b.grad as Tensor), values(a.detach()));
  assert.ok(!isPending(a.grad as Tensor), 'a leaf gradient is written when it is accumulated');
});

test('the array of an untypedStorage() stays the tensor\'s memory, both ways', () => {
  const x = torch.full([N], 1);
  const array = x.untypedStorage().data;
  const y = x.add(1);
  x.add_(1);
  assert.equal(array[0], 2, 'an in-place op writes the array the caller holds');
  array[1] = 100;
  assert.equal(x.index(1).item(), 100);
  assert.equal(y.index(1).item(), 2, 'y was computed from the elements before the write');
  const z = x.mul(3);
  array[2] = 10;
  assert.equal(z.index(2).item(), 6, 'an op reads the exposed array when it runs, as in PyTorch');
});

test('a pending result made on one backend reads the same on another', (t) => {
  const others = torch.backends.available().filter((name) => name !== torch.backends.current());
  if (others.length === 0) {
    t.skip('only one backend here');
    return;
  }
  const start = torch.backends.current();
  const x = torch.linspace(-3, 3, N);
  try {
    for (const dtype of [torch.float32, torch.float64]) {
      const xd = x.to(dtype);
      const pending = xd.exp().mul(xd).tanh();
      const inlined = xd.exp();
      const expected = values(xd.exp().mul(xd).tanh());
      const expectedExp = values(xd.exp());
      torch.backends.use(others[0]);
      // Ops on the other backend read the pending results' elements as the first one computes them.
      const times = inlined.mul(1);
      assert.deepEqual(values(pending), expected);
      assert.deepEqual(values(times), expectedExp);
      torch.backends.use(start);
    }
  } finally {
    torch.backends.use(start);
  }
});
