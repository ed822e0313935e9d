// The long fuzz campaign over the file parsers (the bounded one runs in `npm test`,
// test/robustness/fuzz.test.ts):
//
//   npm run fuzz -- [--seconds 600] [--seed N] [--format idx|safetensors|pt|zip|pickle|all]
//   npm run fuzz -- --format F --replay INPUT_SEED [--out FILE]    (one failing input, and its bytes)
//
// With `all`, the seconds are shared equally between the formats. Each format's campaign runs in a
// worker thread under a watchdog: an input that has not finished after HANG_SECONDS is reported as a
// hang (with its seed and recipe) and the campaign goes on after it; so is an input that kills the
// worker (running out of memory). Prints inputs per second, the distinct errors and every failure.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { FORMATS, formatNamed } from '../test/robustness/fuzz-formats.js';
import {
  runCampaign, runInput, mutantOf, makeInput, inputSeed as inputSeedOf, describeFailure, type CampaignReport, type Failure, type FuzzFormat,
} from '../test/robustness/fuzz-engine.js';

const HANG_SECONDS = 30;
/** The heap a campaign's worker may use; an input that needs more kills the worker and is reported. */
const WORKER_HEAP_MB = 2048;

interface WorkerJob {
  readonly format: string;
  readonly seed: number;
  readonly seconds: number;
  readonly start: number;
  /** [index of the input being run] */
  readonly progress: SharedArrayBuffer;
}

type Print = (line: string) => void;

function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined) throw new Error(`fuzz: --${name} needs a value`);
  return v;
}

function integerOption(argv: readonly string[], name: string, fallback: number): number {
  const text = option(argv, name);
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`fuzz: --${name} expects a non-negative integer, got ${text}`);
  return v;
}

function merge(into: CampaignReport, part: CampaignReport): void {
  into.inputs += part.inputs;
  into.loaded += part.loaded;
  if (part.slowest > into.slowest) {
    into.slowest = part.slowest;
    into.slowestInput = part.slowestInput;
  }
  for (const [k, n] of part.errors) into.errors.set(k, (into.errors.get(k) ?? 0) + n);
  into.failures.push(...part.failures);
}

/** A campaign in worker threads: restarted after the input that hung or killed the previous one. */
async function watchedCampaign(format: FuzzFormat, seed: number, seconds: number, print: Print): Promise<CampaignReport> {
  const total: CampaignReport = { format: format.name, inputs: 0, loaded: 0, seconds: 0, errors: new Map(), failures: [], slowest: 0, slowestInput: 0 };
  const started = performance.now();
  let start = 0;
  for (;;) {
    const left = seconds - (performance.now() - started) / 1000;
    if (left <= 0) break;
    const progress = new SharedArrayBuffer(4);
    const current = new Int32Array(progress);
    current[0] = start;
    const job: WorkerJob = { format: format.name, seed, seconds: left, start, progress };
    const worker = new Worker(new URL(import.meta.url), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const outcome = await new Promise<CampaignReport | string>((resolve) => {
      let last = -1;
      let since = performance.now();
      const watchdog = setInterval(() => {
        const now = Atomics.load(current, 0);
        if (now !== last) {
          last = now;
          since = performance.now();
        } else if (performance.now() - since > 1000 * HANG_SECONDS) {
          clearInterval(watchdog);
          void worker.terminate();
          resolve(`no result after ${HANG_SECONDS} s (a hang)`);
        }
      }, 1000);
      worker.on('message', (report: CampaignReport) => {
        clearInterval(watchdog);
        resolve(report);
      });
      worker.on('error', (e) => {
        clearInterval(watchdog);
        resolve(`the worker died: ${e.message}`);
      });
      worker.on('exit', (code) => {
        clearInterval(watchdog);
        resolve(`the worker exited with code ${code}`);
      });
    });
    if (typeof outcome !== 'string') {
      merge(total, outcome);
      break;
    }
    const index = Atomics.load(current, 0);
    const inputSeed = inputSeedOf(seed, format.name, index);
    let recipe: readonly string[];
    try {
      recipe = makeInput(format, seed, index).mutant.recipe;
    } catch (e) {
      recipe = [`making the input failed (a bug of the fuzzer's): ${e instanceof Error ? e.stack : String(e)}`];
    }
    const failure: Failure = { format: format.name, campaignSeed: seed, index, inputSeed, recipe, problem: outcome };
    print(describeFailure(failure));
    total.failures.push(failure);
    total.inputs += index - start + 1;
    start = index + 1;
  }
  total.seconds = (performance.now() - started) / 1000;
  return total;
}

function printReport(r: CampaignReport, print: Print): void {
  print(`${r.format}: ${r.inputs} inputs in ${r.seconds.toFixed(1)} s (${Math.round(r.inputs / r.seconds)} inputs/s), ${r.loaded} loaded, ` +
    `${r.errors.size} distinct errors, slowest input ${r.slowest.toFixed(0)} ms (--replay ${r.slowestInput}), ${r.failures.length} failures`);
  const errors = [...r.errors].sort((a, b) => b[1] - a[1]);
  for (const [message, n] of errors.slice(0, 25)) print(`  ${String(n).padStart(7)}  ${message}`);
  if (errors.length > 25) print(`  ... and ${errors.length - 25} more`);
  for (const f of r.failures) print(describeFailure(f));
}

/** Runs the command line; returns the number of failures. `--in-process` skips the worker (for tests). */
export async function main(argv: readonly string[], print: Print = console.log): Promise<number> {
  const formatName = option(argv, 'format') ?? 'all';
  const replay = option(argv, 'replay');
  if (replay !== undefined) {
    if (formatName === 'all') throw new Error('fuzz: --replay needs a --format');
    const format = formatNamed(formatName);
    const { mutant } = mutantOf(format, integerOption(argv, 'replay', 0));
    for (const step of mutant.recipe) print(`  - ${step}`);
    const out = option(argv, 'out');
    if (out !== undefined) writeFileSync(out, mutant.bytes);
    const outcome = await runInput(format, mutant);
    print(`${outcome.kind} (${outcome.ms.toFixed(1)} ms)${outcome.failure === undefined ? '' : `\nFAILURE: ${outcome.failure}`}`);
    return outcome.failure === undefined ? 0 : 1;
  }
  const formats = formatName === 'all' ? FORMATS : [formatNamed(formatName)];
  const seconds = integerOption(argv, 'seconds', 600) / formats.length;
  const seed = integerOption(argv, 'seed', 1);
  print(`fuzz: seed ${seed}, ${seconds.toFixed(0)} s per format`);
  let failures = 0;
  for (const format of formats) {
    const report = argv.includes('--in-process') ? await runCampaign(format, { seed, seconds }) : await watchedCampaign(format, seed, seconds, print);
    printReport(report, print);
    failures += report.failures.length;
  }
  return failures;
}

if (!isMainThread && (workerData as WorkerJob | undefined)?.progress instanceof SharedArrayBuffer) {
  const job = workerData as WorkerJob;
  const current = new Int32Array(job.progress);
  const report = await runCampaign(formatNamed(job.format), { seed: job.seed, seconds: job.seconds, start: job.start, onInput: (i) => Atomics.store(current, 0, i) });
  parentPort?.postMessage(report);
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = (await main(process.argv.slice(2))) > 0 ? 1 : 0;
}
