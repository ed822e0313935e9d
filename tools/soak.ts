// Soak test: trains the W4 MLP (784-512-256-10, ReLU, cross-entropy, SGD momentum 0.9, lr 0.01,
// batch 128, random data) for many steps and prints heap and RSS every `--every` steps, so that a
// leak shows as growth over time. A few fixed batches are cycled so that the loss falls and the
// numbers stay finite; the data is not what is being tested.
//
//   npm run soak -- [--steps 20000] [--every 1000] [--json]
//
// The script runs node with --expose-gc: a full collection runs before each sample, so the heap
// numbers measure what is live rather than when the collector last ran.
import { pathToFileURL } from 'node:url';
import * as torch from 'tstorch';

export interface SoakSample {
  step: number;
  seconds: number;
  loss: number;
  heapUsedMB: number;
  rssMB: number;
  externalMB: number;
}

export interface SoakOptions {
  steps: number;
  every: number;
  /** Layer widths, input first (default W4's 784-512-256-10). */
  widths?: readonly number[];
  batchSize?: number;
  seed?: number;
  /** Distinct random batches, cycled. */
  batches?: number;
  /** A full garbage collection, run before each sample when given. */
  gc?: () => void;
  onSample?: (s: SoakSample) => void;
}

const MB = 1024 * 1024;

function sample(step: number, start: number, loss: number, gc: (() => void) | undefined): SoakSample {
  gc?.();
  const m = process.memoryUsage();
  return {
    step,
    seconds: (performance.now() - start) / 1000,
    loss,
    heapUsedMB: m.heapUsed / MB,
    rssMB: m.rss / MB,
    externalMB: (m.external + m.arrayBuffers) / MB,
  };
}

/** Trains the MLP for `steps` steps; returns the samples taken at step 0 and every `every` steps. */
export function soak(options: SoakOptions): SoakSample[] {
  const { nn, optim } = torch;
  torch.manualSeed(options.seed ?? 0);
  const widths = options.widths ?? [784, 512, 256, 10];
  const batchSize = options.batchSize ?? 128;
  const layers: torch.nn.Module[] = [];
  for (let i = 1; i < widths.length; i++) {
    if (i > 1) layers.push(new nn.ReLU());
    layers.push(new nn.Linear(widths[i - 1], widths[i]));
  }
  const model = new nn.Sequential(...layers);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const classes = widths[widths.length - 1];
  const batches = Array.from({ length: options.batches ?? 8 }, () => ({
    x: torch.randn(batchSize, widths[0]),
    y: torch.randint(0, classes, [batchSize]),
  }));
  const samples: SoakSample[] = [];
  const start = performance.now();
  const record = (step: number, loss: number): void => {
    const s = sample(step, start, loss, options.gc);
    samples.push(s);
    options.onSample?.(s);
  };
  record(0, NaN);
  for (let step = 1; step <= options.steps; step++) {
    const { x, y } = batches[step % batches.length];
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(x), y);
    loss.backward();
    opt.step();
    if (step % options.every === 0) record(step, loss.item());
  }
  return samples;
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`soak: --${name} expects a positive integer, got ${process.argv[i + 1]}`);
  return v;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const json = process.argv.includes('--json');
  const fmt = (x: number): string => x.toFixed(1).padStart(8);
  if (!json) console.log('    step    secs     loss  heap MB   RSS MB  ext MB');
  const samples = soak({
    steps: argValue('steps', 20000),
    every: argValue('every', 1000),
    gc: (globalThis as { gc?: () => void }).gc,
    onSample: (s) =>
      console.log(
        json
          ? JSON.stringify(s)
          : `${String(s.step).padStart(8)}${fmt(s.seconds)}${s.loss.toFixed(4).padStart(9)}${fmt(s.heapUsedMB)}${fmt(s.rssMB)}${fmt(s.externalMB)}`,
      ),
  });
  const later = samples.slice(Math.ceil(samples.length / 2));
  const heap = later.map((s) => s.heapUsedMB);
  const rss = later.map((s) => s.rssMB);
  if (!json) {
    console.log(`second half: heap ${Math.min(...heap).toFixed(1)}-${Math.max(...heap).toFixed(1)} MB, RSS ${Math.min(...rss).toFixed(1)}-${Math.max(...rss).toFixed(1)} MB`);
  }
}
