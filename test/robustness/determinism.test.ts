// Determinism: with the same seed, a workload touching every random function and the ops that are
// nondeterministic on some PyTorch backends (scatter_add, index_add, index_put with accumulate,
// embedding and gather backward, conv and pooling backward, sort and topk with ties) gives
// bit-identical results in separate processes, and in one process run twice. Another seed gives
// other results (so the digest does depend on the draws).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

const F = torch.nn.functional;

/** SHA-256 of every tensor's dtype, shape and bytes, in order. */
function digest(tensors: readonly Tensor[]): string {
  const h = createHash('sha256');
  for (const t of tensors) {
    h.update(`${t.dtype.name}[${t.shape.join(',')}]`);
    const data = t.detach().contiguous().reshape(-1).contiguousData();
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return h.digest('hex');
}

/** The workload: returns every tensor it produced, for the digest. */
function workload(seed: number): Tensor[] {
  torch.manualSeed(seed);
  const out: Tensor[] = [];
  const keep = (...ts: Tensor[]): void => void out.push(...ts);

  // Every sampler, from the default generator and from a generator of its own.
  const gen = new torch.Generator().manualSeed(seed + 1);
  keep(torch.rand(5), torch.randn(3, 4), torch.randint(0, 100, [7]), torch.randperm(20), torch.rand(4, { generator: gen }));
  keep(torch.normal(torch.zeros(6), torch.ones(6)), torch.bernoulli(torch.full([8], 0.3)), torch.multinomial(torch.tensor([0.1, 0.5, 0.4]), 5, { replacement: true }));
  keep(torch.empty(4).uniform_(-1, 1), torch.empty(4).normal_(2, 3), torch.empty(4).exponential_(0.5), torch.empty(4, { dtype: torch.int64 }).random_(0, 9));
  keep(F.dropout(torch.ones(10), 0.5), torch.randLike(torch.zeros(2, 2)), torch.randnLike(torch.zeros(3)));

  // Ops whose CUDA kernels accumulate in nondeterministic order in PyTorch.
  const x = torch.randn(6, 4, { requiresGrad: true });
  const index = torch.tensor([0n, 2n, 0n, 1n, 2n, 0n]);
  const summed = torch.zeros(3, 4).indexAdd(0, index, x);
  const scattered = torch.zeros(3, 4).scatterAdd(0, index.unsqueeze(1).expand(6, 4), x);
  const put = torch.zeros(3, 4).indexPut([index], x, { accumulate: true });
  const gathered = x.gather(0, torch.tensor([[5n, 0n, 1n, 5n]]));
  const weight = torch.randn(5, 3, { requiresGrad: true });
  const embedded = F.embedding(torch.tensor([1n, 4n, 1n, 1n, 0n]), weight);
  summed.add(scattered).add(put).sum().add(gathered.sum()).add(embedded.pow(2).sum()).backward();
  keep(summed, scattered, put, gathered, embedded, x.grad as Tensor, weight.grad as Tensor);

  const image = torch.randn(2, 3, 8, 8, { requiresGrad: true });
  const kernel = torch.randn(4, 3, 3, 3, { requiresGrad: true });
  const pooled = F.maxPool2d(F.conv2d(image, kernel, null, { padding: 1 }), 2);
  pooled.sum().backward();
  keep(pooled, image.grad as Tensor, kernel.grad as Tensor);

  const ties = torch.randint(0, 3, [12]).float();
  keep(ties.sort().values, ties.sort().indices, ties.sort({ stable: true }).indices, ties.topk(4).indices, ties.argsort(), ties.median(0).indices);

  // A few training steps with a shuffled DataLoader.
  const model = new torch.nn.Sequential(new torch.nn.Linear(4, 8), new torch.nn.ReLU(), new torch.nn.Dropout(0.2), new torch.nn.Linear(8, 3));
  const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
  const data = new torch.utils.data.TensorDataset(torch.randn(32, 4), torch.randint(0, 3, [32]));
  const loader = new torch.utils.data.DataLoader(data, { batchSize: 8, shuffle: true });
  for (const [inputs, targets] of loader) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(inputs as Tensor) as Tensor, targets as Tensor);
    loss.backward();
    opt.step();
    keep(loss);
  }
  keep(...model.parameters());
  return out;
}

const SEED = 20240611;

if (process.env.TSTORCH_DETERMINISM_CHILD !== undefined) {
  process.stdout.write(digest(workload(Number(process.env.TSTORCH_DETERMINISM_CHILD))));
} else {
  // The children get this process's Node flags: a V8 flag can change the kernels (with
  // --experimental-wasm-relaxed-simd the wasm backend runs its relaxed-SIMD build).
  const runChild = (seed: number): string =>
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, TSTORCH_DETERMINISM_CHILD: String(seed), NODE_TEST_CONTEXT: '' },
      encoding: 'utf8',
    }).trim();

  test('the same seed gives bit-identical results in separate processes', () => {
    const first = runChild(SEED);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(runChild(SEED), first);
    assert.equal(digest(workload(SEED)), first, 'this process agrees with the children');
  });

  test('the same seed gives bit-identical results when run twice in one process', () => {
    assert.equal(digest(workload(SEED)), digest(workload(SEED)));
  });

  test('another seed gives other results', () => {
    assert.notEqual(digest(workload(SEED + 1)), digest(workload(SEED)));
  });
}
