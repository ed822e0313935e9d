// Warm-up and sampling, the same algorithm as `sample` in pytorch_twin.py: keep the two in step.
import type { SamplingPolicy } from './workloads/cases.js';

export interface Samples {
  /** One entry per sample: the mean time of one step within it. */
  secondsPerIter: number[];
  itersPerSample: number;
  warmupIters: number;
}

const now = (): number => performance.now() / 1e3;

/**
 * Runs `step` until warm (at least minWarmupIters and warmupSec), sizes each sample from the fastest
 * warm-up step so that a sample lasts about sampleSec, then takes as many samples as budgetSec allows,
 * clamped to [minSamples, maxSamples].
 */
export function sample(step: () => void, policy: SamplingPolicy): Samples {
  let warmupIters = 0;
  let fastest = Infinity;
  const warmupStart = now();
  while (warmupIters < policy.minWarmupIters || now() - warmupStart < policy.warmupSec) {
    const t0 = now();
    step();
    fastest = Math.min(fastest, now() - t0);
    warmupIters++;
  }
  const itersPerSample = Math.max(1, Math.round(policy.sampleSec / fastest));
  const affordable = Math.floor(policy.budgetSec / (itersPerSample * fastest));
  const count = Math.min(policy.maxSamples, Math.max(policy.minSamples, affordable));
  const secondsPerIter: number[] = [];
  for (let s = 0; s < count; s++) {
    const t0 = now();
    for (let i = 0; i < itersPerSample; i++) step();
    secondsPerIter.push((now() - t0) / itersPerSample);
  }
  return { secondsPerIter, itersPerSample, warmupIters };
}
