// Statistics over samples and the markdown table printed at the end of a run (README shows the same).
import type { BenchCase, Metric, SamplingPolicy } from './workloads/cases.js';
import type { WorkerResult, WorkerSuccess } from './protocol.js';

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function secondsStat(secondsPerIter: readonly number[]): Stat {
  const sorted = [...secondsPerIter].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** A time statistic in a metric's unit: for a throughput the slowest sample gives the minimum. */
export function metricStat(metric: Metric, seconds: Stat): Stat {
  const [low, high] = metric.higherIsBetter ? [seconds.max, seconds.min] : [seconds.min, seconds.max];
  return { median: metric.fromSeconds(seconds.median), min: metric.fromSeconds(low), max: metric.fromSeconds(high) };
}

/** A case's entry in a saved result file (bench/results/*.json); bench/summary.ts reads them back. */
export interface SavedCase {
  id: string;
  params: BenchCase['params'];
  policy: SamplingPolicy;
  threads: number;
  targetRatio: number | null;
  ratio: number | null;
  metrics: Array<{ unit: string; tstorch: Stat | null; pytorch: Stat | null }>;
  backend: string;
  tstorch: WorkerResult;
  pytorch: WorkerResult | null;
}

/** One case at one requested thread count on one tstorch backend: both sides' results. */
export interface Comparison {
  benchCase: BenchCase;
  threads: number;
  backend: string;
  tstorch: WorkerResult;
  pytorch: WorkerResult | null;
}

export const succeeded = (r: WorkerResult | null): r is WorkerSuccess => r !== null && !('error' in r);

/**
 * One side's rounds of a case as one result: their samples pooled, the largest peak RSS, the first
 * round's other fields; the first error if any round failed.
 */
export function pooled(rounds: readonly WorkerResult[]): WorkerResult {
  const failed = rounds.find((r) => !succeeded(r));
  if (failed !== undefined) return failed;
  const ok = rounds as readonly WorkerSuccess[];
  return {
    ...ok[0],
    secondsPerIter: ok.flatMap((r) => r.secondsPerIter),
    warmupIters: ok.reduce((sum, r) => sum + r.warmupIters, 0),
    baseRssKiB: Math.max(...ok.map((r) => r.baseRssKiB)),
    peakRssKiB: Math.max(...ok.map((r) => r.peakRssKiB)),
  };
}

/** tstorch's throughput over PyTorch's (PyTorch's time over tstorch's): above 1, tstorch is faster. */
export function speedRatio(c: Comparison): number | null {
  if (!succeeded(c.tstorch) || !succeeded(c.pytorch)) return null;
  return secondsStat(c.pytorch.secondsPerIter).median / secondsStat(c.tstorch.secondsPerIter).median;
}

/** Three significant digits, never in exponent notation. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x === 0 ? '0' : x.toFixed(Math.min(20, 2 - Math.floor(Math.log10(abs))));
}

function cell(metric: Metric, r: WorkerResult | null): string {
  if (r === null) return '–';
  if (!succeeded(r)) return 'error';
  const s = metricStat(metric, secondsStat(r.secondsPerIter));
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

const mib = (r: WorkerResult | null): string => (succeeded(r) ? (r.peakRssKiB / 1024).toFixed(0) : '–');

function threadsCell(c: Comparison): string {
  const used = [c.tstorch, c.pytorch].filter(succeeded).map((r) => r.threads);
  return used.every((t) => t === c.threads) ? String(c.threads) : used.join(' / ');
}

/** The markdown table: one row per metric; ratio, target and RSS on each case's first row. */
export function table(comparisons: readonly Comparison[]): string {
  const lines = [
    '| case | metric | backend | threads | tstorch median (min–max) | PyTorch median (min–max) | tstorch/PyTorch | target | peak RSS MiB tstorch / PyTorch |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of comparisons) {
    c.benchCase.metrics.forEach((metric, i) => {
      const ratio = speedRatio(c);
      const first = i === 0;
      lines.push(`| ${[
        first ? c.benchCase.id : '',
        metric.unit,
        first ? c.backend : '',
        first ? threadsCell(c) : '',
        cell(metric, c.tstorch),
        cell(metric, c.pytorch),
        first && ratio !== null ? `${fmt(ratio)}×` : '',
        first && c.benchCase.targetRatio !== undefined ? `≥ ${c.benchCase.targetRatio}×` : '',
        first ? `${mib(c.tstorch)} / ${mib(c.pytorch)}` : '',
      ].join(' | ')} |`);
    });
  }
  return lines.join('\n');
}

/** Errors, and initial losses that disagree (the two sides would not be computing the same thing). */
export function problems(comparisons: readonly Comparison[]): string[] {
  const out: string[] = [];
  for (const c of comparisons) {
    for (const [side, r] of [['tstorch', c.tstorch], ['PyTorch', c.pytorch]] as const) {
      if (r !== null && 'error' in r) out.push(`${c.benchCase.id} (${side === 'tstorch' ? `tstorch ${c.backend}` : side}, ${c.threads} thread(s)): ${r.error}`);
    }
    if (succeeded(c.tstorch) && succeeded(c.pytorch) && c.tstorch.initialLoss !== undefined && c.pytorch.initialLoss !== undefined) {
      const [a, b] = [c.tstorch.initialLoss, c.pytorch.initialLoss];
      if (Math.abs(a - b) > 1e-4 * Math.max(1, Math.abs(b))) {
        out.push(`${c.benchCase.id}: initial loss ${a} in tstorch (${c.backend}) but ${b} in PyTorch`);
      }
    }
  }
  return out;
}
