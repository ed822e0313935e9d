// torch.utils.data against PyTorch (test/golden/data.json, tools/golden/gen_data.py): sampler and
// DataLoader orders for the same seeds, the random numbers left after them, randomSplit, ConcatDataset,
// default collation and error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, assertThrowsMessage, decodeTensor, loadFixture, type EncodedTensor } from '../helpers.js';

const { data } = torch.utils;

interface SamplerCase {
  kind: 'random' | 'subset' | 'weighted' | 'batch';
  seed: number;
  n: number;
  generator?: boolean;
  defaultSeed?: number;
  replacement?: boolean;
  numSamples?: number;
  indices?: number[];
  weights?: number[];
  batchSize?: number;
  dropLast?: boolean;
  length?: number;
  passes: (number | number[])[][];
  after?: number[];
}

interface LoaderCase {
  seed: number;
  n: number;
  batchSize: number;
  dropLast: boolean;
  generator: boolean;
  defaultSeed?: number;
  shuffle?: boolean;
  length: number;
  passes: number[][][];
  after: number[];
}

interface SplitCase {
  seed: number;
  n: number;
  lengths: number[];
  generator: boolean;
  indices: number[][];
  after?: number[];
}

interface Fixture {
  samplers: SamplerCase[];
  loaders: LoaderCase[];
  splits: SplitCase[];
  collate: { name: string; batch: unknown; result: unknown }[];
  concat: number[];
  errors: { name: string; error: string }[];
}

const fixture = (loadFixture<unknown>('data') as unknown as { cases: Fixture }).cases;

/** What the default generator gives next (the generator's after_rng). */
function afterRng(): number[] {
  return torch.randint(0, 2 ** 31, [2]).tolist() as number[];
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** A dataset of n items, like Python's range(n). */
const rangeDataset = (n: number, start = 0): torch.utils.data.MapDataset<number> => ({ length: n, getItem: (i) => start + i });

function makeSampler(c: SamplerCase): Iterable<number | number[]> {
  switch (c.kind) {
    case 'random':
      return new data.RandomSampler(rangeDataset(c.n), {
        replacement: c.replacement,
        numSamples: c.numSamples,
        generator: c.generator ? new torch.Generator(c.seed) : null,
      });
    case 'subset':
      return new data.SubsetRandomSampler(c.indices as number[]);
    case 'weighted':
      return new data.WeightedRandomSampler(c.weights as number[], c.numSamples as number, c.replacement);
    case 'batch':
      return new data.BatchSampler(new data.SequentialSampler(rangeDataset(c.n)), c.batchSize as number, c.dropLast as boolean);
  }
}

for (const c of fixture.samplers) {
  const label = `${c.kind} sampler${c.seed !== undefined ? ` seed ${c.seed}` : ''}${c.n !== undefined ? ` n ${c.n}` : ''}${c.generator ? ' with generator' : ''}${c.replacement ? ' replacement' : ''}${c.numSamples ? ` numSamples ${c.numSamples}` : ''}${c.batchSize ? ` batch ${c.batchSize}${c.dropLast ? ' dropLast' : ''}` : ''}`;
  test(`${label}: PyTorch's order`, () => {
    torch.manualSeed(c.defaultSeed ?? c.seed ?? 0);
    const sampler = makeSampler(c);
    c.passes.forEach((expected, i) => assert.deepEqual([...sampler], expected, `pass ${i + 1}`));
    if (c.after) assert.deepEqual(afterRng(), c.after, 'the default generator afterwards');
    if (c.length !== undefined) assert.equal((sampler as unknown as { length: number }).length, c.length);
  });
}

for (const c of fixture.loaders) {
  const label = `DataLoader seed ${c.seed} batch ${c.batchSize}${c.dropLast ? ' dropLast' : ''}${c.generator ? ' with generator' : ''}${c.shuffle === false ? ' sequential' : ''}`;
  test(`${label}: PyTorch's batches over two passes, and the random numbers left`, () => {
    torch.manualSeed(c.defaultSeed ?? c.seed);
    const x = torch.arange(2 * c.n, { dtype: torch.float32 }).reshape(c.n, 2);
    const y = torch.arange(c.n);
    const loader = new data.DataLoader(new data.TensorDataset(x, y), {
      batchSize: c.batchSize,
      shuffle: c.shuffle ?? true,
      dropLast: c.dropLast,
      generator: c.generator ? new torch.Generator(c.seed) : null,
    });
    assert.equal(loader.length, c.length);
    c.passes.forEach((expected, pass) => {
      const labels: number[][] = [];
      for (const [xb, yb] of loader) {
        assert.equal(yb.dtype, torch.int64);
        assert.deepEqual(xb.shape, [yb.shape[0], 2]);
        assert.deepEqual(xb.select(1, 0).tolist(), (yb.tolist() as number[]).map((v) => 2 * v), 'x rows follow y');
        labels.push(yb.tolist() as number[]);
      }
      assert.deepEqual(labels, expected, `pass ${pass + 1}`);
    });
    assert.deepEqual(afterRng(), c.after, 'the default generator afterwards');
  });
}

test('DataLoader is async-iterable, and awaits datasets that load lazily', async () => {
  const c = fixture.loaders.find((l) => l.batchSize === 4 && !l.generator) as LoaderCase;
  torch.manualSeed(c.seed);
  const lazy: torch.utils.data.MapDataset<Promise<[Tensor, number]>> = {
    length: c.n,
    getItem: async (i) => [torch.tensor([2 * i, 2 * i + 1]), i],
  };
  const loader = new data.DataLoader(lazy, { batchSize: c.batchSize, shuffle: true, dropLast: c.dropLast });
  for (const expected of c.passes) {
    const labels: number[][] = [];
    for await (const [xb, yb] of loader) {
      assert.deepEqual(xb.shape, [yb.shape[0], 2]);
      labels.push(yb.tolist() as number[]);
    }
    assert.deepEqual(labels, expected);
  }
  assert.deepEqual(afterRng(), c.after);
  assert.throws(() => [...loader], /the dataset returned a Promise; iterate with `for await/);
});

test('DataLoader: custom collate, batchSampler, sampler, no batching', () => {
  const ds = rangeDataset(10, 100);
  const sums = new data.DataLoader(ds, { batchSize: 4, collateFn: (batch: number[]) => batch.reduce((a, b) => a + b, 0) });
  assert.deepEqual([...sums], [406, 422, 217]);
  const custom = new data.DataLoader(ds, { batchSampler: [[9, 0], [5]] });
  assert.deepEqual([...custom].map((t) => t.tolist()), [[109, 100], [105]]);
  const ordered = new data.DataLoader(ds, { sampler: [3, 1, 2], batchSize: 2 });
  assert.deepEqual([...ordered].map((t) => t.tolist()), [[103, 101], [102]]);
  const single = new data.DataLoader(ds, { batchSize: null, sampler: [7, 8] });
  assert.deepEqual([...single], [107, 108]);
  assert.equal(single.length, 2);
});

for (const c of fixture.splits) {
  test(`randomSplit(${c.n}, [${c.lengths.join(', ')}]) seed ${c.seed}${c.generator ? ' with generator' : ''}: PyTorch's subsets`, () => {
    torch.manualSeed(c.seed);
    const restore = torch.catchWarnings(() => undefined);
    try {
      const parts = c.generator ? data.randomSplit(rangeDataset(c.n), c.lengths, new torch.Generator(c.seed)) : data.randomSplit(rangeDataset(c.n), c.lengths);
      assert.deepEqual(parts.map((p) => [...p.indices]), c.indices);
      assert.deepEqual(parts.map((p) => range(p.length).map((i) => p.getItem(i))), c.indices);
    } finally {
      restore();
    }
    if (c.after) assert.deepEqual(afterRng(), c.after);
  });
}

test('ConcatDataset: items across datasets, negative indices', () => {
  const ds = new data.ConcatDataset([rangeDataset(3), rangeDataset(5, 10), rangeDataset(2, 20)]);
  assert.equal(ds.length, 10);
  assert.deepEqual(range(20).map((i) => ds.getItem(i - 10)), fixture.concat);
  assert.deepEqual(ds.cumulativeSizes, [3, 8, 10]);
});

test('TensorDataset and Subset', () => {
  const x = torch.arange(6).reshape(3, 2);
  const ds = new data.TensorDataset(x, torch.tensor([7, 8, 9]));
  assert.equal(ds.length, 3);
  assert.deepEqual(ds.getItem(1).map((t) => t.tolist()), [[2, 3], 8]);
  assert.deepEqual(ds.getItem(-1).map((t) => t.tolist()), [[4, 5], 9]);
  // PyTorch's IndexError from tensor[3] (TensorDataset indexes its tensors).
  assert.throws(() => ds.getItem(3), { message: 'index 3 is out of bounds for dimension 0 with size 3' });
  const sub = new data.Subset(ds, [2, 0]);
  assert.deepEqual(sub.getItem(0)[1].tolist(), 9);
  assert.equal(sub.length, 2);
});

/** The generator's encode(): {tensor} wrappers, lists and dicts; strings stay strings. */
function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('tensor' in o) return decodeTensor(o.tensor as EncodedTensor);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

function assertCollated(actual: unknown, expected: unknown, path: string): void {
  if (expected !== null && typeof expected === 'object' && 'tensor' in (expected as object)) {
    assert.ok(actual instanceof torch.Tensor, `${path}: expected a tensor`);
    assertTensorClose(actual, (expected as { tensor: EncodedTensor }).tensor, { message: path });
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected a list`);
    assert.equal(actual.length, expected.length, path);
    expected.forEach((e, i) => assertCollated(actual[i], e, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual as object), Object.keys(expected), path);
    for (const [k, e] of Object.entries(expected)) assertCollated((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

for (const c of fixture.collate) {
  test(`defaultCollate: ${c.name} as PyTorch's default_collate`, () => {
    assertCollated(data.defaultCollate(decode(c.batch) as unknown[]), c.result, c.name);
  });
}

test('error messages: PyTorch\'s', () => {
  const ds = new data.TensorDataset(torch.zeros(4, 2), torch.zeros(4));
  const calls: Record<string, () => unknown> = {
    'batch size 0': () => new data.BatchSampler(new data.SequentialSampler(rangeDataset(3)), 0, false),
    'num samples 0': () => new data.RandomSampler(rangeDataset(3), { numSamples: 0 }),
    'weighted 2d': () => new data.WeightedRandomSampler(torch.tensor([[0.1, 0.2]]), 2),
    'sampler and shuffle': () => new data.DataLoader(ds, { sampler: new data.SequentialSampler(ds), shuffle: true }),
    'batch sampler and batch size': () => new data.DataLoader(ds, { batchSampler: [[0, 1]], batchSize: 2 }),
    'no batching and drop last': () => new data.DataLoader(ds, { batchSize: null, dropLast: true }),
    'split sum': () => data.randomSplit(rangeDataset(10), [3, 8]),
    'split fraction': () => data.randomSplit(rangeDataset(10), [1.5, -0.5]),
    'concat index': () => new data.ConcatDataset([rangeDataset(2), rangeDataset(3)]).getItem(-6),
    'tensor dataset sizes': () => new data.TensorDataset(torch.zeros(3), torch.zeros(4)),
    'collate list sizes': () => data.defaultCollate([[1, 2], [3]]),
    'collate stack sizes': () => data.defaultCollate([torch.zeros(2), torch.zeros(3)]),
  };
  for (const e of fixture.errors) assertThrowsMessage(calls[e.name], e.error);
});
