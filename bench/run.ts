// `npm run bench [-- --quick] [-- --only W1,W3] [-- --threads 1,2] [-- --backends js,native]`: W1-W5 and
// the training example (T) in tstorch, on each backend, and, when /usr/bin/python3 imports torch, in
// PyTorch, case by case side by side, each case in a fresh process per side (so that each peak RSS is
// the case's own). Prints a table, writes bench/results/<date>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as torch from 'tstorch';
import { CASES, DEFAULT_POLICY, DEFAULT_ROUNDS, QUICK_POLICY, perRound, tfjsRuns, type BenchCase, type SamplingPolicy } from './workloads/cases.js';
import { backendDescription, machineInfo, PYTHON, pytorchEnv, tstorchBlasCore } from './machine.js';
import type { WorkerRequest, WorkerResult } from './protocol.js';
import { fmt, metricStat, pooled, problems, secondsStat, speedRatio, succeeded, table, type Comparison, type SavedCase } from './report.js';

const USAGE = `usage: npm run bench -- [--quick] [--only W1,W2,...] [--threads 1,2] [--backends js,wasm,native] [--rounds 3]
  --quick     short warm-up and few samples, one round; skips W3 n=2048
  --only      run only these workloads (W1 ... W5, T)
  --threads   thread counts to compare at (default 1); both sides are pinned to each (tstorch's JS
              and WebAssembly backends are single-threaded and say so in the threads column)
  --backends  tstorch backends to run (default: every one available here)
  --rounds    rounds per case (default 3): each side runs once per round, the two alternating, and
              the samples of all rounds are pooled`;

interface Options {
  quick: boolean;
  only: Set<string> | null;
  threads: number[];
  backends: torch.backends.BackendName[];
  rounds: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { quick: false, only: null, threads: [1], backends: torch.backends.available(), rounds: DEFAULT_ROUNDS };
  let roundsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--rounds') {
      options.rounds = Number(value());
      roundsGiven = true;
      if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error(`--rounds takes a positive integer\n${USAGE}`);
    }
    else if (arg === '--only') options.only = new Set(value().toUpperCase().split(','));
    else if (arg === '--threads') {
      options.threads = value().split(',').map(Number);
      if (!options.threads.every((t) => Number.isInteger(t) && t > 0)) throw new Error(`--threads takes positive integers\n${USAGE}`);
    } else if (arg === '--backends') {
      const available: string[] = torch.backends.available();
      const chosen = value().split(',');
      const missing = chosen.filter((b) => !available.includes(b));
      if (missing.length > 0) throw new Error(`--backends: ${missing.join(', ')} not available here (available: ${available.join(', ')})\n${USAGE}`);
      options.backends = chosen as torch.backends.BackendName[];
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (options.quick && !roundsGiven) options.rounds = 1;
  return options;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs one worker process and reads the JSON line it prints last. */
function runWorker(command: string, script: string, request: WorkerRequest, env: NodeJS.ProcessEnv = process.env): WorkerResult {
  const child = spawnSync(command, [script, JSON.stringify(request)], {
    cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 30 * 60e3, env,
  });
  const last = child.stdout?.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as WorkerResult;
  } catch {
    // An uncaught error prints source context and a stack: its "SomethingError: message" line says why.
    const stderr = child.stderr?.trim().split('\n') ?? [];
    const why = child.error?.message ?? stderr.find((l) => /^\w*(Error|Exception)\b/.test(l)) ?? (stderr[0] || `exit status ${child.status}`);
    return { error: `${command} ${script} failed: ${why}` };
  }
}

const REFERENCE_BLAS_WARNING = `WARNING: PyTorch calls the reference (netlib) BLAS, not OpenBLAS: its GEMM-bound
rows (W3, W4, W5, T) run 15-30x slower than WORKLOADS.md's numbers and the targets assume. Install
libopenblas-dev, as the README's set-up does.`;

/** The OpenBLAS kernels each side runs, for the header: ", SkylakeX kernels as tstorch's". */
function blasCores(pytorch: string | null, tstorch: string | null): string {
  if (pytorch === null) return '';
  return `, ${pytorch} kernels${pytorch === tstorch ? " as tstorch's" : tstorch === null ? '' : `, tstorch's ${tstorch}`}`;
}

function summary(c: Comparison): string {
  const metric = c.benchCase.metrics[0];
  const side = (r: WorkerResult | null): string =>
    r === null ? '–' : succeeded(r) ? `${fmt(metricStat(metric, secondsStat(r.secondsPerIter)).median)} ${metric.unit}` : 'error';
  const ratio = speedRatio(c.tstorch, c.pytorch);
  const tfjsRatio = speedRatio(c.tstorch, c.tfjs);
  return `tstorch (${c.backend}) ${side(c.tstorch)}, PyTorch ${side(c.pytorch)}${ratio === null ? '' : `, tstorch/PyTorch ${fmt(ratio)}×`}` +
    (c.tfjs === null ? '' : `; TF.js wasm ${side(c.tfjs)}${tfjsRatio === null ? '' : `, tstorch/TF.js ${fmt(tfjsRatio)}×`}`);
}

/** Whether TensorFlow.js's wasm backend (a devDependency, for the WebAssembly targets) is installed. */
function tfjsInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    return true;
  } catch {
    return false;
  }
}

function main(): void {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const started = new Date();
  const loadStart = os.loadavg();
  const blasCore = tstorchBlasCore();
  const machine = machineInfo(repoRoot, blasCore);
  // TensorFlow.js runs beside the wasm backend, at 1 thread: the WebAssembly targets are against it.
  const withTfjs = options.backends.includes('wasm') && tfjsInstalled();
  const cases = CASES.filter((c) => (options.only === null || options.only.has(c.params.workload)) && !(options.quick && c.heavy));
  // A smoke run keeps its short warm-up for every case (the slow cases' one warm-up step is its own).
  const policyOf = (c: BenchCase): SamplingPolicy => (options.quick ? QUICK_POLICY : { ...DEFAULT_POLICY, ...c.policy });

  console.log(`tstorch ${machine.tstorch.version} (${machine.tstorch.commit}), backends ${options.backends.join(', ')}`);
  console.log(machine.torch === null
    ? `PyTorch: ${PYTHON} cannot import torch; tstorch only`
    : `PyTorch ${machine.torch.version} (${PYTHON}, BLAS ${machine.torch.blas}${blasCores(machine.torch.blasCore, blasCore)}), threads pinned per row`);
  if (machine.torch?.referenceBlas) console.log(REFERENCE_BLAS_WARNING);
  if (options.backends.includes('wasm')) {
    // Which build of the module runs here: the relaxed-SIMD one (Node 22+) multiplies 13-26% faster.
    console.log(`wasm backend: ${backendDescription('wasm')}`);
    console.log(withTfjs ? 'TensorFlow.js wasm (1 thread) beside the wasm backend in W3 forward and W4' : 'TensorFlow.js is not installed (npm install): no TF.js columns');
  }
  console.log(`${machine.cpuModel} (${machine.cpuFamilyModel}${machine.avx512f ? ', AVX-512' : machine.avx2 ? ', AVX2' : ''}), ${machine.cores} cores, node ${machine.node}${machine.nodeOptions === '' ? '' : ` (NODE_OPTIONS=${machine.nodeOptions})`}, load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}\n`);

  const comparisons: Comparison[] = [];
  const workerScript = fileURLToPath(new URL('./worker.js', import.meta.url));
  const twinScript = `${repoRoot}bench/pytorch_twin.py`;
  cases.forEach((benchCase, index) => {
    for (const threads of options.threads) {
      const t0 = Date.now();
      const request: WorkerRequest = { params: benchCase.params, policy: perRound(policyOf(benchCase), options.rounds), threads };
      const runPytorch = (): WorkerResult => runWorker(PYTHON, twinScript, request, pytorchEnv(blasCore));
      const runTstorch = (backend: string) => (): WorkerResult =>
        runWorker(process.execPath, workerScript, request, { ...process.env, TSTORCH_BACKEND: backend });
      const runTfjs = (): WorkerResult => runWorker(process.execPath, workerScript, { ...request, peer: 'tfjs-wasm' });
      const tfjsHere = withTfjs && threads === 1 && tfjsRuns(benchCase.params);
      const sides = [...(machine.torch === null ? [] : [runPytorch]), ...options.backends.map(runTstorch), ...(tfjsHere ? [runTfjs] : [])];
      // Each round runs every side once, in the reverse order of the round before (A B, B A, A B ...),
      // so that a machine getting busier or quieter during the case weighs on both sides alike.
      const rounds = sides.map((): WorkerResult[] => []);
      for (let round = 0; round < options.rounds; round++) {
        const order = sides.map((_, i) => (round % 2 === 0 ? i : sides.length - 1 - i));
        for (const i of order) rounds[i].push(sides[i]());
      }
      const pytorch = machine.torch === null ? null : pooled(rounds[0]);
      const tfjs = tfjsHere ? pooled(rounds[sides.length - 1]) : null;
      const seconds = ((Date.now() - t0) / 1e3).toFixed(1);
      options.backends.forEach((backend, b) => {
        const tstorch = pooled(rounds[b + (machine.torch === null ? 0 : 1)]);
        const comparison: Comparison = { benchCase, threads, backend, tstorch, pytorch, tfjs };
        comparisons.push(comparison);
        console.log(`[${index + 1}/${cases.length}] ${benchCase.id}, ${threads} thread(s): ${summary(comparison)} (${seconds} s)`);
      });
    }
  });

  const elapsedSec = (Date.now() - started.getTime()) / 1e3;
  const loadEnd = os.loadavg();
  console.log(`\n${table(comparisons)}\n`);
  console.log('tstorch/PyTorch: PyTorch\'s time over tstorch\'s (above 1, tstorch is faster); target: the speed issue\'s goal;');
  console.log('threads "a / b": tstorch ran with a, PyTorch with b (the JS and WebAssembly backends have one thread).');
  console.log(`Load average at the start ${loadStart.map((l) => l.toFixed(2)).join(' ')}, at the end ${loadEnd.map((l) => l.toFixed(2)).join(' ')}; ${elapsedSec.toFixed(0)} s in all.`);
  const issues = problems(comparisons);
  for (const line of issues) console.log(`PROBLEM: ${line}`);
  if (machine.torch?.referenceBlas) console.log(REFERENCE_BLAS_WARNING);

  const resultsDir = `${repoRoot}bench/results`;
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}/${started.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}${options.quick ? '-quick' : ''}.json`;
  const record = {
    date: started.toISOString(),
    elapsedSec,
    quick: options.quick,
    rounds: options.rounds,
    machine: { ...machine, loadAverageStart: loadStart, loadAverageEnd: loadEnd },
    cases: comparisons.map((c): SavedCase => ({
      id: c.benchCase.id,
      params: c.benchCase.params,
      policy: perRound(policyOf(c.benchCase), options.rounds),
      threads: c.threads,
      targetRatio: c.benchCase.targetRatio ?? null,
      ratio: speedRatio(c.tstorch, c.pytorch),
      tfjsTargetRatio: c.benchCase.tfjsTargetRatio ?? null,
      tfjsRatio: speedRatio(c.tstorch, c.tfjs),
      metrics: c.benchCase.metrics.map((m) => ({
        unit: m.unit,
        tstorch: succeeded(c.tstorch) ? metricStat(m, secondsStat(c.tstorch.secondsPerIter)) : null,
        pytorch: succeeded(c.pytorch) ? metricStat(m, secondsStat(c.pytorch.secondsPerIter)) : null,
        tfjs: succeeded(c.tfjs) ? metricStat(m, secondsStat(c.tfjs.secondsPerIter)) : null,
      })),
      backend: c.backend,
      tstorch: c.tstorch,
      pytorch: c.pytorch,
      tfjs: c.tfjs,
    })),
    problems: issues,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`Results: ${file.slice(repoRoot.length)}`);
  if (issues.length > 0) process.exitCode = 1;
}

main();
