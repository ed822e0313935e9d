// `npm run bench:ops`: common ops outside the workloads (elementwise, broadcasts, reductions,
// normalisation, indexing, activations) on one thread, each timed as the median of 5 batches of 300
// calls after a warm-up (see time), in one process as a model would run them, beside the same calls in
// PyTorch (bench/op_timings.py) when /usr/bin/python3 imports torch. Prints a markdown table of µs
// per call. Not part of `npm run bench`: these are no targets of the speed issue, only a map of gaps.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as torch from 'tstorch';
import { PYTHON, pytorchEnv, tstorchBlasCore } from './machine.js';

const F = torch.nn.functional;

torch.setNumThreads(1);
torch.manualSeed(0);
const x = torch.randn(64, 256);
const y = torch.randn(64, 256);
const positive = x.abs().add(0.1);
const w = torch.randn(256);
const image = torch.randn(32, 16, 14, 14);
const kernel = torch.randn(32, 16, 3, 3);
const layerNorm = new torch.nn.LayerNorm(256);
const batchNorm = new torch.nn.BatchNorm2d(16);
const embedding = new torch.nn.Embedding(1000, 64);
const indices = torch.randint(0, 1000, [64, 16]);
const rows = torch.arange(0, 64, 2);
const leaf = torch.randn(64, 256, { requiresGrad: true });
const imageLeaf = torch.randn([32, 16, 14, 14], { requiresGrad: true });

/** The module's forward and backward from an upstream gradient, the gradients reset first. */
function forwardBackward(module: torch.nn.LayerNorm | torch.nn.BatchNorm2d, input: torch.Tensor, upstream: torch.Tensor): () => void {
  return () => {
    input.grad = null;
    (module.weight as torch.Tensor).grad = null;
    (module.bias as torch.Tensor).grad = null;
    module.call(input).backward(upstream);
  };
}

/** The cases, named as in op_timings.py. */
const CASES: Array<[string, () => unknown]> = [
  ['add', () => x.add(y)],
  ['mul', () => x.mul(y)],
  ['add a number', () => x.add(1)],
  ['mul a row [256]', () => x.mul(w)],
  ['relu', () => x.relu()],
  ['exp', () => x.exp()],
  ['log', () => positive.log()],
  ['tanh', () => x.tanh()],
  ['sigmoid', () => x.sigmoid()],
  ['gelu', () => F.gelu(x)],
  ['clamp(-0.5, 0.5)', () => x.clamp(-0.5, 0.5)],
  ['pow(2)', () => x.pow(2)],
  ['where(x > 0, x, y)', () => torch.where(x.gt(0), x, y)],
  ['sum()', () => x.sum()],
  ['sum(1)', () => x.sum(1)],
  ['mean(1)', () => x.mean(1)],
  ['max(1)', () => x.max(1)],
  ['var(1)', () => x.var(1)],
  ['softmax(1)', () => x.softmax(1)],
  ['log_softmax(1)', () => x.logSoftmax(1)],
  ['layer_norm', () => layerNorm.call(x)],
  ['batch_norm (training)', () => batchNorm.call(image)],
  ['conv2d 16->32 3x3', () => F.conv2d(image, kernel, null, { padding: 1 })],
  ['max_pool2d', () => F.maxPool2d(image, 2)],
  ['embedding', () => embedding.call(indices)],
  ['index_select 32 rows', () => x.indexSelect(0, rows)],
  ['cat along dim 1', () => torch.cat([x, y], 1)],
  ['t().contiguous()', () => x.t().contiguous()],
  ['matmul [64,256] [256,64]', () => x.matmul(y.t())],
  ['tanh().mean().backward()', () => {
    leaf.grad = null;
    leaf.tanh().mean().backward();
  }],
  ['layer_norm forward and backward', forwardBackward(layerNorm, leaf, y)],
  ['batch_norm (training) forward and backward', forwardBackward(batchNorm, imageLeaf, image)],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * The median of 5 batches of 300 calls, after warming up for 300 calls and at least a second: an op's
 * first few thousand calls in a process run several times slower than later ones (V8 compiling it,
 * the allocator faulting in fresh pages for its outputs), and a model runs its ops thousands of times.
 */
function time(fn: () => unknown): number {
  const warmUntil = performance.now() + 1000;
  for (let i = 0; i < 300 || performance.now() < warmUntil; i++) fn();
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) fn();
    batches.push(((performance.now() - t0) / 300) * 1000);
  }
  return median(batches);
}

const ours = CASES.map(([name, fn]): [string, number] => [name, time(fn)]);
const script = fileURLToPath(new URL('../../bench/op_timings.py', import.meta.url));
const twin = spawnSync(PYTHON, [script], { encoding: 'utf8', env: { ...pytorchEnv(tstorchBlasCore()), OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
const theirs: Record<string, number> = twin.status === 0 ? (JSON.parse(twin.stdout) as Record<string, number>) : {};
if (twin.status !== 0) console.log(`PyTorch not run (${PYTHON}: ${twin.stderr?.trim().split('\n').pop() ?? twin.error?.message})\n`);

const fmt = (v: number | undefined): string => (v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
console.log(`tstorch backend: ${torch.backends.describe()}; µs per call, 1 thread\n`);
console.log('| op | tstorch | PyTorch | tstorch / PyTorch time |');
console.log('|---|---:|---:|---:|');
for (const [name, us] of ours) {
  const other = theirs[name];
  console.log(`| ${name} | ${fmt(us)} | ${fmt(other)} | ${other === undefined ? '' : `${(us / other).toFixed(1)}x`} |`);
}
