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
 * Runs `files` under node:test with `backend` chosen (undefined: the environment's choice), any `extra`
 * environment variables and any `nodeFlags`; whether all passed.
 */
function run(files: readonly string[], backend?: string, extra: Record<string, string> = {}, nodeFlags: readonly string[] = []): boolean {
  // The native backend gives NaN-filled memory for every output a primitive is to write whole
  // (uninitialisedFloats), so that one left unwritten shows in the results.
  const env = { ...process.env, TSTORCH_POISON_UNINITIALISED: '1', ...(backend === undefined ? {} : { TSTORCH_BACKEND: backend }), ...extra };
  const result = spawnSync(process.execPath, [...nodeFlags, '--test', '--test-reporter=dot', ...files], { stdio: 'inherit', env });
  return result.status === 0;
}

/** The build of the wasm module Node loads with `nodeFlags` ('none' where none loads), or null where it rejects a flag. */
function wasmBuild(nodeFlags: readonly string[]): string | null {
  const loader = new URL('../../src/backends/wasm/loader.js', import.meta.url).href;
  const script = `const { loadWasmBackend } = await import(${JSON.stringify(loader)}); process.stdout.write(loadWasmBackend()?.build ?? 'none');`;
  const probe = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout : null;
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
// The wasm backend has two builds (src/backends/wasm/loader.ts): engines with relaxed SIMD run the one
// with fused multiply-adds (Chromium, where test/browser runs the ops and nn suites on it; Node 22 and
// later), the others the SIMD128 one. Where this Node runs SIMD128 but a V8 flag enables relaxed SIMD
// (Node 20), the suites and the wasm kernel tests run once more on the relaxed build.
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';
if (available.includes('wasm')) {
  const relaxedByDefault = wasmBuild([]) === 'relaxed';
  if (!relaxedByDefault && wasmBuild([RELAXED_SIMD_FLAG]) === 'relaxed') {
    console.log(`# ${suites} and backends/wasm.test.js on the 'wasm' backend's relaxed-SIMD build (node ${RELAXED_SIMD_FLAG})`);
    passed = run([...perBackend, join(testRoot, 'backends/wasm.test.js')], 'wasm', {}, [RELAXED_SIMD_FLAG]) && passed;
  } else {
    console.log(`# the 'wasm' backend's relaxed-SIMD build ${relaxedByDefault ? 'is the one the runs above used' : 'does not run in this Node'}`);
  }
}
// Deferred results (src/ops/fusion.ts) start at 2^15 elements, above most test tensors: the same suites
// once more with every float result of a named primitive deferred.
console.log(`# ${suites} (${perBackend.length} files) on '${defaultBackend}' with every elementwise result deferred (TSTORCH_FUSION_MIN_ELEMENTS=1)`);
passed = run(perBackend, undefined, { TSTORCH_FUSION_MIN_ELEMENTS: '1' }) && passed;
if (!passed) {
  console.log(`# failed: see the runs above (test files under ${relative(process.cwd(), testRoot)})`);
  process.exitCode = 1;
}
