// One benchmark case in tstorch, in a process of its own so that its peak RSS is its own; with
// `peer: 'tfjs-wasm'` in the request, the same case in TensorFlow.js's wasm backend instead.
// Usage (run.ts does this): TSTORCH_BACKEND=<name> node dist/bench/worker.js '<WorkerRequest JSON>'
import { readFileSync } from 'node:fs';
import * as torch from 'tstorch';
import type { CaseParams } from './workloads/cases.js';
import type { Prepared } from './workloads/prepared.js';
import type { WorkerRequest, WorkerResult } from './protocol.js';
import { sample } from './sampling.js';
import { tutorial } from './workloads/w1-tutorial.js';
import { elementwise } from './workloads/w2-elementwise.js';
import { matmul } from './workloads/w3-matmul.js';
import { mlp } from './workloads/w4-mlp.js';
import { cnn } from './workloads/w5-cnn.js';
import { exampleEpoch } from './workloads/t-example.js';

function prepare(params: CaseParams): Prepared | Promise<Prepared> {
  switch (params.workload) {
    case 'W1': return tutorial();
    case 'W2': return elementwise(params.numel);
    case 'W3': return matmul(params.n, params.backward);
    case 'W4': return mlp(params.batch);
    case 'W5': return cnn(params.batch);
    case 'T': return exampleEpoch(params.batch, params.root);
  }
}

const maxRssKiB = (): number => process.resourceUsage().maxRSS;

/** The library that runs the case: tstorch on the backend TSTORCH_BACKEND chose, or the peer. */
async function library(request: WorkerRequest): Promise<{
  prepare(): Promise<Prepared>; version: string; backend: string; description(): Promise<string>; threads(): number;
}> {
  if (request.peer === 'tfjs-wasm') {
    // Imported only here, so that tstorch's workers neither load it nor count it in their memory.
    const tfjs = await import('./workloads/tfjs-wasm.js');
    return {
      prepare: () => tfjs.tfjsPrepare(request.params), version: tfjs.tfjsVersion(), backend: 'tfjs-wasm',
      description: tfjs.tfjsDescription, threads: () => 1,
    };
  }
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  torch.setNumThreads(request.threads);
  return {
    prepare: async () => prepare(request.params), version: pkg.version, backend: torch.backends.current(),
    description: async () => torch.backends.describe(),
    // Only the native backend has a thread pool; JS and WebAssembly run on the calling thread.
    threads: () => (torch.backends.current() === 'native' ? torch.getNumThreads() : 1),
  };
}

async function run(request: WorkerRequest): Promise<WorkerResult> {
  const lib = await library(request);
  const baseRssKiB = maxRssKiB();
  const prepared = await lib.prepare();
  const samples = sample(prepared.step, request.policy);
  return {
    ...samples,
    version: lib.version,
    backend: lib.backend,
    backendDescription: await lib.description(),
    threads: lib.threads(),
    baseRssKiB,
    peakRssKiB: maxRssKiB(),
    initialLoss: prepared.initialLoss,
  };
}

let result: WorkerResult;
try {
  result = await run(JSON.parse(process.argv[2] ?? '') as WorkerRequest);
} catch (error) {
  result = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
console.log(JSON.stringify(result));
