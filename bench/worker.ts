// One benchmark case in tstorch, in a process of its own so that its peak RSS is its own.
// Usage (run.ts does this): node dist/bench/worker.js '<WorkerRequest JSON>'
import { readFileSync } from 'node:fs';
import type { CaseParams } from './workloads/cases.js';
import type { Prepared } from './workloads/prepared.js';
import type { WorkerRequest, WorkerResult } from './protocol.js';
import { sample } from './sampling.js';
import { tutorial } from './workloads/w1-tutorial.js';
import { elementwise } from './workloads/w2-elementwise.js';
import { matmul } from './workloads/w3-matmul.js';
import { mlp } from './workloads/w4-mlp.js';
import { cnn } from './workloads/w5-cnn.js';

function prepare(params: CaseParams): Prepared {
  switch (params.workload) {
    case 'W1': return tutorial();
    case 'W2': return elementwise(params.numel);
    case 'W3': return matmul(params.n, params.backward);
    case 'W4': return mlp(params.batch);
    case 'W5': return cnn(params.batch);
  }
}

const maxRssKiB = (): number => process.resourceUsage().maxRSS;

function run(request: WorkerRequest): WorkerResult {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const baseRssKiB = maxRssKiB();
  const prepared = prepare(request.params);
  const samples = sample(prepared.step, request.policy);
  return {
    ...samples,
    version: pkg.version,
    // The JS reference backend is single-threaded: request.threads cannot be honoured yet.
    threads: 1,
    baseRssKiB,
    peakRssKiB: maxRssKiB(),
    initialLoss: prepared.initialLoss,
  };
}

let result: WorkerResult;
try {
  result = run(JSON.parse(process.argv[2] ?? '') as WorkerRequest);
} catch (error) {
  result = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
console.log(JSON.stringify(result));
