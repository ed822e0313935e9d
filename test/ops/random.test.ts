// Tensor-level random ops equal PyTorch's after the same seed (test/golden/random_ops.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, loadFixture, type EncodedTensor } from '../helpers.js';

interface RandomCase {
  key: string;
  seed: number;
  out: EncodedTensor[];
}

const CALLS: Record<string, () => Tensor[]> = {
  rand_randn: () => [torch.rand(5), torch.randn(4, 3), torch.randn(20, { dtype: torch.float64 }), torch.rand(2, 3, { dtype: torch.float64 })],
  randint_randperm: () => [torch.randint(10, [6]), torch.randint(-5, 5, [2, 3], { dtype: torch.int32 }), torch.randperm(12)],
  normal: () => [torch.normal(2.0, 3.0, [7]), torch.normal(torch.arange(4, { dtype: torch.float32 }), torch.ones(4).mul(0.5))],
  inplace_transposed: () => [
    torch.zeros(3, 4).t().uniform_(-1, 1),
    torch.zeros(4, 5).t().normal_(),
    torch.zeros(2, 40).slice(1, null, null, 2).normal_(1, 2),
  ],
  bernoulli_multinomial: () => [
    torch.bernoulli(torch.full([2, 5], 0.3)),
    torch.zeros(6).bernoulli_(0.5),
    torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 2),
    torch.multinomial(torch.tensor([[1.0, 2.0, 3.0], [3.0, 0.0, 1.0]]), 4, { replacement: true }),
  ],
  random_default_range: () =>
    [torch.int64, torch.int32, torch.float32, torch.float64, torch.bool, torch.uint8, torch.int8].map((dtype) => torch.empty(4, { dtype }).random_()),
  exponential_random: () => [torch.zeros(5).exponential_(2.0), torch.zeros(6, { dtype: torch.int64 }).random_(0, 100)],
};

for (const c of loadFixture<RandomCase>('random_ops').cases) {
  test(`${c.key} seed ${c.seed}`, () => {
    torch.manualSeed(c.seed);
    const outs = CALLS[c.key]();
    assert.equal(outs.length, c.out.length);
    // Random streams must be bit-identical, not merely close.
    outs.forEach((t, i) => assertTensorClose(t, c.out[i], { rtol: 0, atol: 0, message: `${c.key}[${i}]` }));
  });
}

test('a Generator object gives its own stream and restores from its state', () => {
  const g = new torch.Generator().manualSeed(3);
  const state = g.getState();
  const first = torch.rand(4, { generator: g });
  g.setState(state);
  assert.deepEqual(torch.rand(4, { generator: g }).tolist(), first.tolist());
  assert.equal(g.initialSeed(), 3n);
});

test('random ops reject bad arguments', () => {
  assert.throws(() => torch.rand(2, { dtype: torch.int64 }), /"check_uniform_bounds" not implemented for 'Long'/);
  assert.throws(() => torch.randperm(-1), /Trying to create tensor with negative dimension -1: \[-1\]/);
  assert.throws(() => torch.zeros(3).uniform_(2, 1), /uniform_ expects to return a \[from, to\) range, but found from=2 > to=1/);
  assert.throws(() => torch.zeros(3).normal_(0, -1), /normal expects std >= 0.0/);
  assert.throws(() => torch.randint(5, 3, [2]), /random_ expects 'from' to be less than 'to', but got from=5 >= to=3/);
});
