// End-to-end tests of the interactive page (web/), in headless Chromium driven by playwright-core: the page
// is built and served by `node tools/web.mjs --port 0` (what `npm run web` runs), then a test clicks,
// types, trains and reads what a person would see. It also measures the bundle size and the time to
// first interaction that docs/web.md states, and takes the screenshots there: they go to dist/e2e, or to
// docs/images when UPDATE_SCREENSHOTS=1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

/** The repository: this file runs as dist/test/e2e/web.test.js. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/images') : join(ROOT, 'dist/e2e');
/** This run's own build of the page, so that test runs side by side never share one. */
const OUTDIR = join(ROOT, `dist/e2e/web-${process.pid}`);
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** What this test uses of tools/web.mjs (plain JavaScript, so typed here). */
interface WebScript {
  bundleSizes(outdir: string): { files: string[]; raw: number; gzip: number };
}

let server: ChildProcess | null = null;
let browser: Browser | null = null;
let page: Page;
let url: string;
const pageErrors: string[] = [];
/** The chart's description of the test accuracy before training, as the training test read it. */
let untrainedAccuracy = '';

/** Starts the page's server and resolves to the URL it prints. */
function startServer(): Promise<string> {
  const child = spawn(process.execPath, ['tools/web.mjs', '--port', '0', '--outdir', OUTDIR], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  return new Promise((resolveUrl, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const found = /tstorch page: (\S+)/.exec(output);
      if (found) resolveUrl(found[1]);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`tools/web.mjs exited with ${code}:\n${output}`)));
  });
}

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the page's end-to-end tests need it. Install it with \`apt-get install chromium\` (Debian, as .ci/run does), or point CHROMIUM_PATH at a Chromium binary.`);
  }
  if (!existsSync(join(ROOT, 'tools/web.mjs'))) {
    throw new Error(`${join(ROOT, 'tools/web.mjs')} not found: this test runs as dist/test/e2e/web.test.js in the repository, which it builds the page from`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(join(ROOT, 'dist/e2e'), { recursive: true });
  // Both are awaited even when one fails, so that a browser that did start is closed by after() and
  // never keeps the test process alive.
  const [served, launched] = await Promise.allSettled([startServer(), chromium.launch({ executablePath: CHROMIUM, headless: true })]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (served.status === 'rejected') throw served.reason;
  if (launched.status === 'rejected') throw launched.reason;
  url = served.value;
  page = await launched.value.newPage({ viewport: { width: 1280, height: 900 } });
  // Waits get twice Playwright's default: the test machines are shared and can be heavily loaded.
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
  });
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(OUTDIR, { recursive: true, force: true });
});

async function text(selector: string): Promise<string> {
  return (await page.locator(selector).textContent()) ?? '';
}

/** Does `action`, which runs a program, and waits until its result is on the page (it runs in a worker). */
async function andResult(action: () => Promise<void>): Promise<void> {
  const shown = Number((await page.locator('#output').getAttribute('data-runs')) ?? 0);
  await action();
  await page.waitForFunction((n) => Number(document.getElementById('output')?.dataset.runs ?? 0) > n, shown);
}

/** Runs `code` in the editor the way a person does: types it over the old code and presses Ctrl+Enter. */
async function runCode(code: string): Promise<void> {
  await page.locator('#code').fill(code);
  await andResult(() => page.locator('#code').press('Control+Enter'));
}

async function runExample(title: string): Promise<void> {
  await andResult(async () => {
    await page.locator('#examples').selectOption({ label: title });
  });
}

test('the page\'s sources type-check (strict, as the library; esbuild only strips types)', () => {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'web/tsconfig.json'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(tsc.status, 0, `tsc -p web/tsconfig.json:\n${tsc.stdout}${tsc.stderr}`);
});

test('the page loads, becomes interactive, and its bundle is measured', async (t) => {
  await page.goto(url);
  await page.locator('body[data-interactive-ms]').waitFor();
  assert.equal(await page.locator('#run').isEnabled(), true);
  const interactiveMs = Number(await page.locator('body').getAttribute('data-interactive-ms'));
  assert.ok(interactiveMs > 0 && interactiveMs < 10_000, `time to first interaction ${interactiveMs} ms`);
  const { bundleSizes } = (await import(pathToFileURL(join(ROOT, 'tools/web.mjs')).href)) as WebScript;
  const { files, raw, gzip } = bundleSizes(OUTDIR);
  assert.deepEqual(files.filter((name) => !name.startsWith('chunk-')).sort(), ['main.js', 'playground-worker.js', 'training-worker.js']);
  assert.ok(raw > 100_000 && gzip < raw / 2, `bundle ${raw} bytes, ${gzip} gzipped`);
  const metrics = { scripts: files, rawBytes: raw, gzipBytes: gzip, timeToFirstInteractionMs: interactiveMs };
  writeFileSync(join(ROOT, 'dist/e2e/metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  t.diagnostic(`bundle: ${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzipped; time to first interaction: ${interactiveMs} ms`);
});

test('the autograd tutorial prints what PyTorch prints and draws the grad_fn graph', async () => {
  await runExample('The autograd tutorial');
  await andResult(() => page.locator('#run').click());
  assert.equal(await text('[data-name="x.grad"] pre'), 'tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])');
  assert.equal(await text('[data-name="x"] pre'), 'tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)');
  assert.equal(await text('[data-name="y"] pre'), 'tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)');
  assert.equal(await text('[data-name="out"] pre'), 'tensor(27., grad_fn=<MeanBackward0>)');
  const nodes = await page.locator('svg#graph g.node').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')));
  assert.deepEqual(nodes.sort(), ['AccumulateGrad', 'AddBackward0', 'MeanBackward0', 'MulBackward0', 'MulBackward0']);
  // Edges: out -> z's Mul -> y*y's Mul -> (twice y) Add -> AccumulateGrad of x, drawn once per pair.
  assert.equal(await page.locator('svg#graph > path').count(), 4);
  assert.match(await text('svg#graph g.node.leaf'), /AccumulateGrad\s*x/);
  await page.locator('#autograd').screenshot({ path: join(SCREENSHOTS, 'web-autograd.png') });
});

test('a typed expression shows its value; an error shows PyTorch\'s message and the page keeps working', async () => {
  await runCode('const a = torch.arange(6).reshape(2, 3)\na.sum(1)');
  assert.equal(await text('[data-name="a"] pre'), 'tensor([[0, 1, 2],\n        [3, 4, 5]])');
  assert.equal(await text('[data-name="a.sum(1)"] pre'), 'tensor([ 3, 12])');
  assert.equal(await page.locator('svg#graph g.node').count(), 0);

  await runCode('const w = torch.ones(2, 3, { requiresGrad: true })\nw.matmul(torch.ones(4, 5))');
  assert.equal(await text('#output .error'), 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)');
  // The example whose loop body is the line before last: y = x * 2^9, the first power over norm 1000.
  await runExample('Vector-Jacobian product');
  assert.equal(await text('[data-name="x.grad"] pre'), 'tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])');
  assert.deepEqual(await page.locator('svg#graph g.node').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name'))), [...Array(9).fill('MulBackward0'), 'AccumulateGrad']);
  // A module prints by its class name (the bundle keeps names); its parameters' gradients and leaves are named.
  await runExample('A linear layer and a loss');
  assert.equal(await text('[data-name="layer"] pre'), 'Linear(in_features=3, out_features=2, bias=True)');
  assert.equal(await page.locator('[data-name="layer.weight.grad"], [data-name="layer.bias.grad"]').count(), 2);
  assert.deepEqual((await page.locator('svg#graph g.node.leaf text.label').allTextContents()).sort(), ['layer.bias', 'layer.weight']);
  await runCode('print(torch.tensor([1, 2]).dtype, 1 + 1)\nconst p = torch.zeros(2, { requiresGrad: true })\np.exp().sum().backward()');
  assert.equal(await text('#output .printed'), 'torch.float32 2');
  assert.equal(await text('[data-name="p.grad"] pre'), 'tensor([1., 1.])');
});

test('a program that never ends can be stopped, and the editor works again', async () => {
  await page.locator('#code').fill('let i = 0;\nwhile (true) i++;');
  await page.locator('#code').press('Control+Enter');
  await page.locator('#stop:visible').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#run').isEnabled(), false);
  await andResult(() => page.locator('#stop').click());
  assert.match(await text('#output .error'), /^Stopped after \d+\.\d s \(does a loop never end\?\)$/);
  await page.locator('#run:enabled').waitFor();
  await runExample('The autograd tutorial');
  assert.equal(await text('[data-name="out"] pre'), 'tensor(27., grad_fn=<MeanBackward0>)');
});

test('training in the worker lowers the loss, beats chance on the test images, and leaves the page responsive', async (t) => {
  await page.locator('#train:enabled').waitFor({ timeout: 60_000 });
  const backend = await text('#backend');
  assert.ok(['wasm', 'js'].includes(backend), `backend ${backend}`);
  await page.locator('#train').click();
  await page.waitForFunction(() => document.getElementById('loss')?.textContent !== '–', null, { timeout: 60_000 });
  const firstLoss = Number(await text('#loss'));

  // The page answers while the worker trains: a real click runs a program and shows its result
  // promptly, and timers keep firing on time.
  await page.locator('#code').fill('const x = torch.ones(2, 2, { requiresGrad: true })\nx.mul(x).sum().backward()');
  const clickedAt = Date.now();
  await andResult(() => page.locator('#run').click());
  const clickMs = Date.now() - clickedAt;
  assert.equal(await text('[data-name="x.grad"] pre'), 'tensor([[2., 2.],\n        [2., 2.]])');
  const longestTimerGap = await page.evaluate(async () => {
    let longest = 0;
    let last = performance.now();
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25));
      longest = Math.max(longest, performance.now() - last - 25);
      last = performance.now();
    }
    return longest;
  });
  assert.ok(clickMs < 2_000, `a click took ${clickMs} ms to show its result during training`);
  assert.ok(longestTimerGap < 500, `a timer fired ${longestTimerGap.toFixed(0)} ms late during training`);

  // The test accuracy is measured at step 0 (chance), then every 100 steps.
  await page.waitForFunction(() => Number(document.getElementById('accuracy')?.dataset.step) >= 100, null, { timeout: 150_000 });
  const accuracy = parseFloat(await text('#accuracy'));
  const [before] = /test accuracy ([\d.]+)% at step 0,/.exec((await page.locator('#chart').getAttribute('aria-label')) ?? '')?.slice(1) ?? [];
  assert.ok(Number(before) > 2 && Number(before) < 25, `test accuracy before training ${before}% (chance is 10%)`);
  untrainedAccuracy = before;
  const lastLoss = Number(await text('#loss'));
  const step = Number(await text('#step'));
  t.diagnostic(`step ${step}: loss ${firstLoss} -> ${lastLoss}, test accuracy ${before}% -> ${accuracy}%, ${await text('#speed')} on ${backend}; a click took ${clickMs} ms, timers at most ${longestTimerGap.toFixed(0)} ms late`);
  assert.ok(step >= 100, `step ${step}`);
  assert.ok(lastLoss < firstLoss * 0.8, `loss ${firstLoss} -> ${lastLoss}`);
  assert.ok(accuracy > 30, `test accuracy ${accuracy}% (chance is 10%)`);
  await page.locator('#training').screenshot({ path: join(SCREENSHOTS, 'web-training.png') });

  await page.locator('#train').click();
  await page.waitForFunction(() => /^paused at step \d+/.test(document.getElementById('train-status')?.textContent ?? ''), null, { timeout: 10_000 });
  assert.equal(await text('#train'), 'Start training');
});

test('the trained weights download as a .pt state_dict that torch.load reads', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()]);
  const step = await text('#step');
  assert.equal(download.suggestedFilename(), `fashion-mnist-net-step${step}.pt`);
  const path = join(ROOT, 'dist/e2e', download.suggestedFilename());
  await download.saveAs(path);
  const stateDict = await torch.load<Map<string, Tensor>>(path);
  assert.deepEqual(
    [...stateDict].map(([name, t]) => `${name} [${t.shape.join(', ')}]`),
    ['conv1.weight [6, 1, 5, 5]', 'conv1.bias [6]', 'conv2.weight [16, 6, 5, 5]', 'conv2.bias [16]', 'fc1.weight [120, 256]', 'fc1.bias [120]', 'fc2.weight [84, 120]', 'fc2.bias [84]', 'fc3.weight [10, 84]', 'fc3.bias [10]'],
  );
  rmSync(path);
});

test('a picked test image and a drawing get a prediction with class probabilities', async () => {
  await page.locator('#pick').click();
  await page.waitForFunction(() => document.getElementById('prediction')?.dataset.predicted !== undefined);
  const predicted = await page.locator('#prediction').getAttribute('data-predicted');
  const label = await page.locator('#truth').getAttribute('data-label');
  assert.ok(CLASSES.includes(predicted ?? ''), `prediction ${predicted}`);
  assert.ok(CLASSES.includes(label ?? ''), `label ${label}`);
  const percentages = (await page.locator('#prediction .p').allTextContents()).map(parseFloat);
  assert.equal(percentages.length, 10);
  assert.ok(Math.abs(percentages.reduce((a, b) => a + b, 0) - 100) < 1, `probabilities ${percentages}`);
  assert.equal(await text('#prediction li.top > span:first-child'), predicted);
  await page.locator('#training').screenshot({ path: join(SCREENSHOTS, 'web-prediction.png') });

  // A drawing: two vertical strokes, trouser legs.
  await page.locator('#clear').click();
  assert.equal(await page.locator('#prediction li').count(), 0);
  const box = await page.locator('#sketch').boundingBox();
  assert.ok(box !== null);
  for (const x of [0.38, 0.62]) {
    await page.mouse.move(box.x + box.width * x, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (x + (x - 0.5) * 0.04 * i), box.y + box.height * (0.15 + 0.07 * i));
    await page.mouse.up();
  }
  await page.waitForFunction(() => document.getElementById('prediction')?.dataset.predicted !== undefined);
  assert.equal(await text('#truth'), 'Your drawing');
  assert.equal(await page.locator('#prediction li').count(), 10);
  await runExample('The autograd tutorial');
  await page.screenshot({ path: join(SCREENSHOTS, 'web-page.png'), fullPage: true });
});

test('Start over gives a new network, initialised as the first was', async () => {
  await page.locator('#reset').click();
  await page.waitForFunction(() => document.getElementById('chart')?.getAttribute('aria-label') === 'Training chart: no training yet');
  assert.deepEqual([await text('#step'), await text('#accuracy')], ['0', '–']);
  await page.locator('#train').click();
  await page.waitForFunction(() => document.getElementById('accuracy')?.dataset.step === '0');
  // The same seed: the same initial weights, so the same accuracy before training as the first time.
  assert.equal(await text('#accuracy'), `${untrainedAccuracy}%`);
  await page.locator('#train').click();
  await page.waitForFunction(() => /^paused at step \d+/.test(document.getElementById('train-status')?.textContent ?? ''));
  assert.deepEqual(pageErrors, []);
});
