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
  /** TensorFlow.js's wasm backend beside it, where it ran (W3's forward products and W4, 1 thread). */
  tfjsTargetRatio?: number | null;
  tfjsRatio?: number | null;
  metrics: Array<{ unit: string; tstorch: Stat | null; pytorch: Stat | null; tfjs?: Stat | null }>;
  backend: string;
  tstorch: WorkerResult;
  pytorch: WorkerResult | null;
  tfjs?: WorkerResult | null;
}

/**
 * One case at one requested thread count on one tstorch backend: both sides' results, and
 * TensorFlow.js's (wasm backend) where it ran the case.
 */
export interface Comparison {
  benchCase: BenchCase;
  threads: number;
  backend: string;
  tstorch: WorkerResult;
  pytorch: WorkerResult | null;
  tfjs: WorkerResult | null;
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

/** tstorch's throughput over the other's (the other's time over tstorch's): above 1, tstorch is faster. */
export function speedRatio(tstorch: WorkerResult, other: WorkerResult | null): number | null {
  if (!succeeded(tstorch) || !succeeded(other)) return null;
  return secondsStat(other.secondsPerIter).median / secondsStat(tstorch.secondsPerIter).median;
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
const ratioCell = (ratio: number | null): string => (ratio === null ? '' : `${fmt(ratio)}×`);

function threadsCell(c: Comparison): string {
  const used = [c.tstorch, c.pytorch].filter(succeeded).map((r) => r.threads);
  return used.every((t) => t === c.threads) ? String(c.threads) : used.join(' / ');
}

/** The targets of a row: against PyTorch, and for the wasm backend against TensorFlow.js's. */
function targetCell(c: Comparison): string {
  const targets: string[] = [];
  if (c.benchCase.targetRatio !== undefined) targets.push(`≥ ${c.benchCase.targetRatio}×`);
  if (c.backend === 'wasm' && c.benchCase.tfjsTargetRatio !== undefined) targets.push(`≥ ${c.benchCase.tfjsTargetRatio}× TF.js`);
  return targets.join(', ');
}

/**
 * The markdown table: one row per metric; ratios, target and RSS on each case's first row. The
 * TensorFlow.js columns are filled where it ran (W3 forward, W4; wasm backend, 1 thread).
 */
export function table(comparisons: readonly Comparison[]): string {
  const lines = [
    '| case | metric | backend | threads | tstorch median (min–max) | PyTorch median (min–max) | tstorch/PyTorch | TF.js wasm median (min–max) | tstorch/TF.js | target | peak RSS MiB tstorch / PyTorch / TF.js |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of comparisons) {
    c.benchCase.metrics.forEach((metric, i) => {
      const first = i === 0;
      lines.push(`| ${[
        first ? c.benchCase.id : '',
        metric.unit,
        first ? c.backend : '',
        first ? threadsCell(c) : '',
        cell(metric, c.tstorch),
        cell(metric, c.pytorch),
        first ? ratioCell(speedRatio(c.tstorch, c.pytorch)) : '',
        cell(metric, c.tfjs),
        first ? ratioCell(speedRatio(c.tstorch, c.tfjs)) : '',
        first ? targetCell(c) : '',
        first ? `${mib(c.tstorch)} / ${mib(c.pytorch)}${c.tfjs === null ? '' : ` / ${mib(c.tfjs)}`}` : '',
      ].join(' | ')} |`);
    });
  }
  return lines.join('\n');
}

/** Errors, and initial losses that disagree (the two sides would not be computing the same thing). */
export function problems(comparisons: readonly Comparison[]): string[] {
  const out: string[] = [];
  for (const c of comparisons) {
    for (const [side, r] of [[`tstorch ${c.backend}`, c.tstorch], ['PyTorch', c.pytorch], ['TensorFlow.js', c.tfjs]] as const) {
      if (r !== null && 'error' in r) out.push(`${c.benchCase.id} (${side}, ${c.threads} thread(s)): ${r.error}`);
      if (side === 'PyTorch' || !succeeded(r) || !succeeded(c.pytorch)) continue;
      const [a, b] = [r.initialLoss, c.pytorch.initialLoss];
      if (a !== undefined && b !== undefined && Math.abs(a - b) > 1e-4 * Math.max(1, Math.abs(b))) {
        out.push(`${c.benchCase.id}: initial loss ${a} in ${side} but ${b} in PyTorch`);
      }
    }
  }
  return out;
}
