// The benchmark cases: W1-W5 of ../shared/bench/WORKLOADS.md, one entry per reported shape, and T, the
// training example's time per epoch.
// The shapes live here only: run.ts hands each case's `params` (JSON) to both the tstorch worker and
// the PyTorch twin, so the two sides cannot drift apart.

export type CaseParams =
  | { workload: 'W1' }
  | { workload: 'W2'; numel: number }
  | { workload: 'W3'; n: number; backward: boolean }
  | { workload: 'W4'; batch: number }
  | { workload: 'W5'; batch: number }
  | { workload: 'T'; batch: number; root: string };

/** How long a case is warmed up and sampled; both sides follow the same policy (see sampling.ts). */
export interface SamplingPolicy {
  warmupSec: number;
  minWarmupIters: number;
  /** Each sample repeats the step until it lasts about this long, so that fast steps are timed in bulk. */
  sampleSec: number;
  minSamples: number;
  maxSamples: number;
  /** Time to spend sampling; the sample count is clamped to [minSamples, maxSamples] around it. */
  budgetSec: number;
}

export interface Metric {
  unit: string;
  fromSeconds(secondsPerIter: number): number;
  higherIsBetter: boolean;
}

export interface BenchCase {
  id: string;
  params: CaseParams;
  metrics: Metric[];
  /** The target for the throughput ratio tstorch/PyTorch, where it sets one. */
  targetRatio?: number;
  /** The target for tstorch's WebAssembly backend over TensorFlow.js's (one thread). */
  tfjsTargetRatio?: number;
  /** Overrides of the default policy for steps that take seconds in the JS reference backend. */
  policy?: Partial<SamplingPolicy>;
  /** Left out by --quick. */
  heavy?: boolean;
}

const usPerIter: Metric = { unit: 'µs/iter', fromSeconds: (s) => s * 1e6, higherIsBetter: false };
const msPerIter: Metric = { unit: 'ms/iter', fromSeconds: (s) => s * 1e3, higherIsBetter: false };
const stepsPerSec: Metric = { unit: 'steps/s', fromSeconds: (s) => 1 / s, higherIsBetter: true };
const gigaPerSec = (unit: string, perIter: number): Metric => ({ unit, fromSeconds: (s) => perIter / s / 1e9, higherIsBetter: true });

const W2_NUMEL = 1_048_576;
// The training example: 60000 images in batches of 64 (the last one short) make 938 steps per epoch.
const EXAMPLE_BATCH = 64;
const EXAMPLE_STEPS_PER_EPOCH = Math.ceil(60_000 / EXAMPLE_BATCH);
const secondsPerEpoch: Metric = { unit: 's/epoch', fromSeconds: (s) => s * EXAMPLE_STEPS_PER_EPOCH, higherIsBetter: false };
// W2 moves 16 B per element: a and b read, their two gradients written.
const W2_BYTES = 16 * W2_NUMEL;

function gemm(n: number, backward: boolean, extra: Partial<BenchCase> = {}): BenchCase {
  return {
    id: `W3 matmul n=${n} ${backward ? 'fwd+bwd' : 'fwd'}`,
    params: { workload: 'W3', n, backward },
    // The forward product is 2n³ FLOPs; the backward adds the two products of the same size.
    metrics: [gigaPerSec('GFLOPS', (backward ? 6 : 2) * n ** 3)],
    ...extra,
  };
}

// A step that takes seconds in plain JS is warm after one run (its loops are compiled during it); with
// the budget smaller than one step it then gets minSamples samples.
const slow: Partial<SamplingPolicy> = { minWarmupIters: 1 };

// A training step runs 20-30% slower in a fresh tstorch process for its first several hundred steps
// (about 300 at 1 thread, 700 at 2, timed per 100 steps), while V8 compiles the code each step calls
// only a few times; a second model built after them runs at the warm speed from its first step, so it
// is the process, not the data. PyTorch's steps take the same time from the start. Steps per second
// of training are the warm speed, so these cases (W4, W5 and T, the example's epoch) warm up for 4 s
// (about 1,000 steps of W4), both sides.
const training: Partial<SamplingPolicy> = { warmupSec: 4 };

export const CASES: BenchCase[] = [
  { id: 'W1 autograd tutorial', params: { workload: 'W1' }, metrics: [usPerIter], targetRatio: 15 },
  {
    id: 'W2 elementwise fwd+bwd',
    params: { workload: 'W2', numel: W2_NUMEL },
    metrics: [msPerIter, gigaPerSec('GB/s', W2_BYTES)],
    targetRatio: 1.5,
  },
  gemm(128, false),
  gemm(256, false),
  gemm(512, false, { tfjsTargetRatio: 1.5 }),
  gemm(1024, false, { targetRatio: 0.95, policy: slow }),
  gemm(2048, false, { policy: slow, heavy: true }),
  gemm(512, true),
  gemm(1024, true, { targetRatio: 0.95, policy: slow }),
  { id: 'W4 MLP train step b=128', params: { workload: 'W4', batch: 128 }, metrics: [stepsPerSec], targetRatio: 1.2, tfjsTargetRatio: 5, policy: training },
  { id: 'W5 CNN train step b=32', params: { workload: 'W5', batch: 32 }, metrics: [stepsPerSec], targetRatio: 1.0, policy: training },
  { id: 'W5 CNN train step b=256', params: { workload: 'W5', batch: 256 }, metrics: [stepsPerSec], targetRatio: 1.0, policy: training },
  {
    // Needs the dataset the README's set-up installs (Debian's dataset-fashion-mnist).
    id: `T Fashion-MNIST example b=${EXAMPLE_BATCH}`,
    params: { workload: 'T', batch: EXAMPLE_BATCH, root: '/usr/share/datasets/fashion-mnist' },
    metrics: [secondsPerEpoch, stepsPerSec],
    policy: training,
  },
];

/**
 * Whether TensorFlow.js's wasm backend runs this case too (workloads/tfjs-wasm.ts): W3's forward
 * products and W4, where the issue sets the WebAssembly backend's targets against it.
 */
export const tfjsRuns = (params: CaseParams): boolean =>
  (params.workload === 'W3' && !params.backward) || params.workload === 'W4';

export const DEFAULT_POLICY: SamplingPolicy = {
  warmupSec: 1, minWarmupIters: 2, sampleSec: 0.1, minSamples: 3, maxSamples: 15, budgetSec: 3,
};

/** Rounds per case: each side runs this many times, alternating with the other (see run.ts). */
export const DEFAULT_ROUNDS = 3;

/**
 * The policy of one of `rounds` rounds: the sampling budget and sample counts shared out among them
 * (each round warms up in full, in its own process).
 */
export function perRound(policy: SamplingPolicy, rounds: number): SamplingPolicy {
  return {
    ...policy,
    budgetSec: policy.budgetSec / rounds,
    minSamples: Math.ceil(policy.minSamples / rounds),
    maxSamples: Math.ceil(policy.maxSamples / rounds),
  };
}

/** --quick: a smoke run of every case but the heaviest, in about a minute. */
export const QUICK_POLICY: SamplingPolicy = {
  warmupSec: 0.1, minWarmupIters: 1, sampleSec: 0.02, minSamples: 2, maxSamples: 5, budgetSec: 0.5,
};
