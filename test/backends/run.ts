// `npm test`: every test file on the default backend, then the suites that replay PyTorch's recorded
// values and run gradcheck once more on each other backend this machine has (TSTORCH_BACKEND=<name>),
// so that every backend passes them, and once on the default backend with every elementwise result
// deferred. A backend that is not available here is skipped, saying so.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'tstorch';
import { BACKEND_NAMES } from '../../src/backends/registry.js';

const testRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** The folders (under dist/test) and files whose tests compare with PyTorch, run per backend. */
const PER_BACKEND = ['ops', 'nn', 'autograd', 'optim', 'robustness', 'property', 'examples/training-parity.test.js'];
/** Files under those that no backend runs a kernel for: the file-parser fuzz campaign (bytes only). */
const BACKEND_INDEPENDENT = new Set(['robustness/fuzz.test.js']);

/** Every `*.test.js` file under `path` (or `path` itself), sorted. */
function testFiles(path: string): string[] {
  if (path.endsWith('.test.js')) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join(path, f))
    .sort();
}

/**
 * Runs `files` under node:test with `backend` chosen (undefined: the environment's choice) and any
 * `extra` environment variables; whether all passed.
 */
function run(files: readonly string[], backend?: string, extra: Record<string, string> = {}): boolean {
  // The native backend gives NaN-filled memory for every output a primitive is to write whole
  // (uninitialisedFloats), so that one left unwritten shows in the results.
  const env = { ...process.env, TSTORCH_POISON_UNINITIALISED: '1', ...(backend === undefined ? {} : { TSTORCH_BACKEND: backend }), ...extra };
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=dot', ...files], { stdio: 'inherit', env });
  return result.status === 0;
}

const all = testFiles(testRoot);
const defaultBackend = torch.backends.current();
console.log(`# all ${all.length} test files on the default backend '${defaultBackend}' (${torch.backends.describe()})`);
let passed = run(all);

const available = torch.backends.available();
const perBackend = PER_BACKEND.flatMap((p) => testFiles(join(testRoot, p))).filter((f) => !BACKEND_INDEPENDENT.has(relative(testRoot, f)));
const suites = PER_BACKEND.join(', ');
for (const name of BACKEND_NAMES) {
  if (name === defaultBackend) continue;
  if (!available.includes(name)) {
    console.log(`# skipping the '${name}' backend: not available here`);
    continue;
  }
  console.log(`# ${suites} (${perBackend.length} files) on the '${name}' backend (TSTORCH_BACKEND=${name})`);
  passed = run(perBackend, name) && passed;
}
// Deferred results (src/ops/fusion.ts) start at 2^15 elements, above most test tensors: the same suites
// once more with every float result of a named primitive deferred.
console.log(`# ${suites} (${perBackend.length} files) on '${defaultBackend}' with every elementwise result deferred (TSTORCH_FUSION_MIN_ELEMENTS=1)`);
passed = run(perBackend, undefined, { TSTORCH_FUSION_MIN_ELEMENTS: '1' }) && passed;
if (!passed) {
  console.log(`# failed: see the runs above (test files under ${relative(process.cwd(), testRoot)})`);
  process.exitCode = 1;
}
