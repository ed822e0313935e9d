// What run.ts sends to a worker process (one JSON argument) and reads back (one JSON line on stdout).
// The tstorch worker (worker.ts) and the PyTorch twin (pytorch_twin.py) speak the same protocol.
import type { CaseParams, SamplingPolicy } from './workloads/cases.js';
import type { Samples } from './sampling.js';

export interface WorkerRequest {
  params: CaseParams;
  policy: SamplingPolicy;
  threads: number;
  /** Run the case in a peer library instead of tstorch (only TensorFlow.js's wasm backend so far). */
  peer?: 'tfjs-wasm';
}

export interface WorkerSuccess extends Samples {
  /** The library's version: tstorch's package version or torch.__version__. */
  version: string;
  /** tstorch only: the backend that ran the kernels (torch.backends.current()) and what it runs on. */
  backend?: string;
  backendDescription?: string;
  /** The threads the library actually ran with. */
  threads: number;
  /** Peak resident set size (KiB) once the library is imported, before the workload is built. */
  baseRssKiB: number;
  /** Peak resident set size (KiB) of the whole process, workload included. */
  peakRssKiB: number;
  initialLoss?: number;
}

export type WorkerResult = WorkerSuccess | { error: string };
