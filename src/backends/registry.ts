// Which backends this process has, which one runs the kernels, and how many threads it uses.
//
// `torch.backends` is this module. The default is the fastest backend that loads: the native addon
// (Node, when it was built at install time), then WebAssembly, then the JS reference kernels. The
// environment variable TSTORCH_BACKEND (Node only) picks one at start-up, as `torch.backends.use` does
// later; naming a backend that is not available is an error, never a silent fallback.
import { jsBackend, type Backend, type BackendName } from './backend.js';
import { pyTypeName } from '../tensor/tensor.js';

/** Loaders of the optional backends, fastest first; each returns null when it cannot load here. */
const loaders: Array<[BackendName, () => Backend | null]> = [];

const loaded = new Map<BackendName, Backend | null>([['js', jsBackend]]);
let active: Backend | null = null;

/** The processors this machine has: the default thread count, as PyTorch's. */
function hardwareThreads(): number {
  const g = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (id: string) => { availableParallelism?: () => number } | undefined };
  };
  const count = g.navigator?.hardwareConcurrency ?? g.process?.getBuiltinModule?.('node:os')?.availableParallelism?.();
  return typeof count === 'number' && count >= 1 ? count : 1;
}

/** The largest thread pool the native addon makes (its SetNumThreads ignores larger counts). */
const MAX_THREADS = 1024;

let numThreads = Math.min(hardwareThreads(), MAX_THREADS);

function load(name: BackendName): Backend | null {
  if (!loaded.has(name)) {
    const loader = loaders.find(([n]) => n === name);
    const backend = loader ? loader[1]() : null;
    backend?.setNumThreads?.(numThreads);
    loaded.set(name, backend);
  }
  return loaded.get(name) ?? null;
}

/** Every backend tstorch has, fastest first (which of them load depends on the machine). */
export const BACKEND_NAMES: readonly BackendName[] = ['native', 'wasm', 'js'];

function checkName(name: unknown, fn: string): asserts name is BackendName {
  if (typeof name !== 'string' || !(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${fn}: expected one of ${BACKEND_NAMES.map((n) => `'${n}'`).join(', ')}, got ${typeof name === 'string' ? `'${name}'` : String(name)}`);
  }
}

function environmentChoice(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.TSTORCH_BACKEND;
  return value === undefined || value === '' ? undefined : value;
}

/** The backend kernels run on now. */
export function activeBackend(): Backend {
  if (active === null) {
    const chosen = environmentChoice();
    if (chosen !== undefined) select(chosen, 'TSTORCH_BACKEND');
    else activate(available().map(load).find((b): b is Backend => b !== null) ?? jsBackend);
  }
  return active as Backend;
}

function activate(backend: Backend): void {
  if (backend !== active) backend.activate?.();
  active = backend;
}

/** The backends that load in this process, fastest first; 'js' is always there. */
export function available(): BackendName[] {
  return BACKEND_NAMES.filter((name) => load(name) !== null);
}

/** The name of the active backend. */
export function current(): BackendName {
  return activeBackend().name;
}

/** What the active backend runs on, for people. */
export function describe(): string {
  return activeBackend().describe();
}

/** Makes `name` the active backend; throws when it is not available here. */
export function use(name: BackendName): void {
  select(name, 'torch.backends.use');
}

/** Makes `name` the active backend, or throws an error that starts with `source` (who asked for it). */
function select(name: unknown, source: string): void {
  checkName(name, source);
  const backend = load(name);
  if (backend === null) {
    throw new Error(`${source}: the '${name}' backend is not available here (available: ${available().join(', ')})`);
  }
  activate(backend);
}

/** Registers the loader of an optional backend (the backend modules call this once, at import). */
export function registerBackendLoader(name: BackendName, loader: () => Backend | null): void {
  loaders.push([name, loader]);
}

/**
 * torch.setNumThreads: the threads large kernels may use, in every backend that has threads (the JS
 * backend runs on the calling thread only).
 */
export function setNumThreads(n: number | bigint): void {
  // PyTorch raises RuntimeError (not TypeError) for both, naming the Python type of a non-int.
  if (typeof n === 'bigint') n = Number(n);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error(`set_num_threads expects an int, but got ${pyTypeName(n)}`);
  // PyTorch truncates the count to a C int (2**40 becomes 0 and fails this check); counts past int32
  // are rejected here rather than wrapped.
  if (n < 1 || n > 2 ** 31 - 1) throw new Error('set_num_threads expects a positive integer');
  // PyTorch starts as many threads as asked (a count in the tens of thousands stalls the process); the
  // native addon's pool stops at MAX_THREADS and would keep its old size, so getNumThreads would report
  // a count not in effect: larger counts are rejected instead.
  if (n > MAX_THREADS) throw new Error(`set_num_threads expects a positive integer no larger than ${MAX_THREADS} (the most threads tstorch runs), but got ${n}`);
  numThreads = n;
  for (const backend of loaded.values()) backend?.setNumThreads?.(n);
}

/** torch.getNumThreads: the count set last, by default the number of processors. */
export function getNumThreads(): number {
  return numThreads;
}
