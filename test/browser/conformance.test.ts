// The golden conformance suite in a real browser: the test files of test/ops and test/nn, bundled by
// esbuild with shims for node:test, node:assert and node:fs (test/browser/shims), run in headless Chromium
// (Debian's chromium, driven by playwright-core) on every backend the browser has. Every test must pass
// (or skip where the harness skips it in Node too) and the tests run must be the ones Node has in the same
// files, which Node lists without running them. The shipped bundle, dist/browser/tstorch.js, is checked
// in the same browser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import type * as Bundle from '../../tools/bundle.mjs';
import type { ListedTest } from './list-reporter.js';
import type { ConformanceOptions, ConformanceRun } from './page.js';
import { serve, type StaticServer } from './server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The bundles' URL path: two levels deep like dist/test, so test/helpers.ts finds the fixtures at ../../test/golden.
const OUT = 'dist/browser-test';
const SUITES = ['test/ops', 'test/nn'];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHIMS = Object.fromEntries(Object.entries({
  'node:test': 'dist/test/browser/shims/node-test.js',
  'node:assert/strict': 'dist/test/browser/shims/node-assert.js',
  'node:fs': 'dist/test/browser/shims/node-fs.js',
}).map(([name, file]) => [name, join(ROOT, file)]));

// tools/bundle.mjs is not compiled into dist, so it is imported from the source tree.
const { browserOptions } = (await import(pathToFileURL(join(ROOT, 'tools/bundle.mjs')).href)) as typeof Bundle;

/** The golden test files, as paths from the repository's root ('test/ops/view.test.ts'). */
const testFiles = SUITES.flatMap((dir) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `${dir}/${f}`));

/** Where tsc put `file` (a path from the repository's root) under dist. */
function compiled(file: string): string {
  return join(ROOT, 'dist', file.replace(/\.ts$/, '.js'));
}

/**
 * Bundles the page and the test files, one module each, sharing the library and the shims as chunks;
 * returns the files by URL path (under /dist/browser-test/, which is never written). It bundles what tsc
 * compiled, as Node runs it, not the sources, which may have changed since.
 */
async function bundleSuite(): Promise<Map<string, Uint8Array>> {
  const { outputFiles } = await build({
    ...browserOptions(SHIMS),
    write: false,
    absWorkingDir: ROOT,
    entryPoints: [compiled('test/browser/page.ts'), ...testFiles.map(compiled)],
    alias: { tstorch: join(ROOT, 'dist/src/index.js') },
    outdir: OUT,
    outbase: 'dist',
    splitting: true,
  });
  return new Map(outputFiles.map((f) => [`/${relative(ROOT, f.path).split(sep).join('/')}`, f.contents]));
}

/** The tests Node has in the same files: Node reports them with their bodies emptied (list-tests.ts). */
async function listNodeTests(): Promise<ListedTest[]> {
  // node --test marks the processes it runs with this variable; a runner that sees it reports in the
  // parent's protocol instead of through the given reporter.
  const env = { ...process.env, NODE_TEST_CONTEXT: undefined };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--import=${pathToFileURL(join(ROOT, 'dist/test/browser/list-tests.js')).href}`, '--test', `--test-reporter=${join(ROOT, 'dist/test/browser/list-reporter.js')}`, ...testFiles.map(compiled)],
    { env, maxBuffer: 1 << 26 },
  );
  const listed = stdout.trim().split('\n').map((line) => JSON.parse(line) as ListedTest);
  assert.ok(listed.length > 0, 'node --test listed no tests');
  return listed;
}

let server: StaticServer;
let browser: Browser;
let nodeTests: Promise<ListedTest[]>;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}; the browser tests need it: on Debian, apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH to a Chromium or Chrome executable`);
  }
  nodeTests = listNodeTests();
  nodeTests.catch(() => undefined); // awaited by the suite's test, which reports the failure
  server = await serve(ROOT, await bundleSuite());
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page on the test server; errors the page does not catch fail the test that opened it. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  await page.goto(`${server.origin}/`);
  return { page, errors };
}

function moduleUrl(file: string): string {
  return `/${OUT}/${file.replace(/\.ts$/, '.js')}`;
}

function counts(names: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

/** Names in `a` more often than in `b`, with how many more. */
function excess(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...a].filter(([n, k]) => k > (b.get(n) ?? 0)).map(([n, k]) => `${n}${k - (b.get(n) ?? 0) > 1 ? ` (x${k - (b.get(n) ?? 0)})` : ''}`);
}

function checkRun(run: ConformanceRun, listed: ListedTest[]): void {
  const failures = run.results.filter((r) => r.status === 'fail');
  assert.equal(failures.length, 0, `${failures.length} of ${run.results.length} tests failed in Chromium on ${run.backend}:\n\n${failures
    .slice(0, 10).map((f) => `${f.file}: ${f.name}\n  ${(f.detail ?? '').split('\n').slice(0, 8).join('\n  ')}`).join('\n\n')}`);
  const ran = counts(run.results.map((r) => r.name));
  const inNode = counts(listed.map((t) => t.name));
  const missing = excess(inNode, ran);
  const extra = excess(ran, inNode);
  assert.deepEqual({ missing: missing.slice(0, 20), extra: extra.slice(0, 20) }, { missing: [], extra: [] }, 'the tests run in Chromium are not the tests Node has');
  assert.equal(run.results.length, listed.length);
}

// The backends run side by side, each in its own page (and renderer process).
test('the golden op and nn suites pass in Chromium, on every backend it has', { timeout: 600_000, concurrency: true }, async (t) => {
  const probe = await openPage();
  const backends = await probe.page.evaluate(async (module) => {
    const page = (await import(module)) as typeof import('./page.js');
    return page.availableBackends();
  }, moduleUrl('test/browser/page.ts'));
  await probe.page.context().close();
  assert.ok(backends.includes('js'), `the page lists backends ${backends.join(', ')}`);
  await Promise.all(backends.map((backend) =>
    t.test(backend, async (st) => {
      const { page, errors } = await openPage();
      const options: ConformanceOptions = {
        backend,
        files: testFiles.map(moduleUrl),
        fixtures: readdirSync(join(ROOT, 'test/golden')).filter((f) => f.endsWith('.json')).map((f) => `/test/golden/${f}`),
      };
      const started = Date.now();
      const run = await page.evaluate(async ({ module, options }) => {
        const conformance = (await import(module)) as typeof import('./page.js');
        return conformance.runConformance(options);
      }, { module: moduleUrl('test/browser/page.ts'), options });
      await page.context().close();
      assert.deepEqual(errors, [], 'uncaught errors in the page');
      assert.equal(run.backend, backend);
      // Chromium has relaxed SIMD (since 114): its wasm run covers that build of the module, which Node 20 runs only under a flag.
      if (backend === 'wasm') assert.match(run.description, /with relaxed SIMD/);
      checkRun(run, await nodeTests);
      const skipped = run.results.filter((r) => r.status === 'skip').length;
      st.diagnostic(`${backend}: ${run.results.length} tests (${skipped} skipped by the harness, as in Node) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    })));
});

test('dist/browser/tstorch.js runs in Chromium: autograd, and io from a fetch Response and a Blob', async () => {
  assert.ok(existsSync(join(ROOT, 'dist/browser/tstorch.js')), 'dist/browser/tstorch.js is missing: npm run build makes it');
  const { page, errors } = await openPage();
  const got = await page.evaluate(async (module) => {
    const torch = (await import(module)) as typeof import('tstorch');
    const x = torch.ones(2, 2, { requiresGrad: true });
    const y = x.add(2);
    y.mul(y).mul(3).mean().backward();
    const sd = await torch.load<Map<string, Tensor>>(await fetch('/test/golden/io/mlp.safetensors'));
    const again = await torch.load<Map<string, Tensor>>(torch.io.saveBlob(sd));
    const saveError = await torch.save(sd, 'mlp.pt').then(() => 'saved', (e: Error) => e.message);
    return {
      grad: String(x.grad),
      gradFn: y.gradFn?.name(),
      state: [...sd].map(([k, v]) => [k, v.tolist()]),
      again: [...again].map(([k, v]) => [k, v.tolist()]),
      saveError,
    };
  }, '/dist/browser/tstorch.js');
  await page.context().close();
  assert.deepEqual(errors, []);
  assert.equal(got.grad, 'tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])');
  assert.equal(got.gradFn, 'AddBackward0');
  const sd = await torch.load<Map<string, Tensor>>(join(ROOT, 'test/golden/io/mlp.safetensors'));
  const expected = [...sd].map(([k, v]) => [k, v.tolist()]);
  assert.deepEqual(got.state, expected);
  assert.deepEqual(got.again, expected);
  assert.equal(got.saveError, 'torch.save: writing to a path needs Node.js; in browsers use torch.io.saveBytes or torch.io.saveBlob');
});
