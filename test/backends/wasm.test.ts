// The WebAssembly SIMD backend against the JS reference kernels, primitive by primitive, on random
// shapes and layouts; the committed module against a fresh build of its sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from 'tstorch';
import { loadWasmBackend, type WasmBackend } from '../../src/backends/wasm/loader.js';
import { WASM_COMPILER, WASM_RELAXED_MODULE_BASE64 } from '../../src/backends/wasm/module.js';
import { gemm as jsGemm, type MatrixOperand } from '../../src/backends/js/gemm.js';
import * as jsConv from '../../src/backends/js/conv.js';
import { binaryRun, unaryRun } from '../../src/backends/js/elementwise.js';
import { maxPool2d as jsMaxPool2d, type PoolGeometry } from '../../src/backends/js/pooling.js';
import type { BinaryOpName, ConvGeometry, FloatArray, UnaryOpName } from '../../src/backends/backend.js';
import { assertTranscendentalsWithinOneUlp } from './transcendentals.js';

const wasm = loadWasmBackend() ?? assert.fail('Node 20 has WebAssembly SIMD128');
/**
 * Every build of the module this engine runs: SIMD128, and SIMD128 with relaxed SIMD where the engine
 * has it (Node 22 and later; Node 20 with --experimental-wasm-relaxed-simd, as npm test runs this file
 * once more). The builds differ only in the GEMM micro-kernel, so products and convolutions are checked
 * on each; the other kernels on the default one.
 */
const builds = (['simd128', 'relaxed'] as const).flatMap((build) => loadWasmBackend(build) ?? []);
const relaxedSimd = WebAssembly.validate(Buffer.from(WASM_RELAXED_MODULE_BASE64, 'base64'));

/**
 * A stream of uniform numbers in [0, 1) from torch's seeded generator (a pool drawn once and cycled),
 * so that a failure names a case that reproduces.
 */
function rng(seed: number): () => number {
  torch.manualSeed(seed);
  const pool = torch.rand([1 << 18], { dtype: torch.float64 }).tolist() as number[];
  let i = 0;
  return () => pool[i++ % pool.length];
}
const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
const TYPES: [string, FloatCtor, number][] = [['float32', Float32Array, 1e-5], ['float64', Float64Array, 1e-12]];

function randomArray(Ctor: FloatCtor, n: number, r: () => number): FloatArray {
  const a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

const absolute = (a: FloatArray): Float64Array => Float64Array.from(a, Math.abs);

/**
 * |actual - expected| <= rtol * scale elementwise, where `scale` is the same computation on the
 * absolute values of the operands (the size of the terms, which bounds the rounding error of a sum).
 */
function assertClose(actual: FloatArray, expected: ArrayLike<number>, scale: ArrayLike<number>, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const bound = rtol * scale[i] + 1e-30;
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (within ${bound})`);
    }
  }
}

test('loads, describes itself, and is a torch.backends choice', () => {
  assert.equal(wasm.name, 'wasm');
  assert.equal(wasm.build, relaxedSimd ? 'relaxed' : 'simd128', 'the relaxed-SIMD build wherever the engine validates it');
  assert.equal(wasm.describe(), relaxedSimd ? 'WebAssembly SIMD128 kernels with relaxed SIMD (single-threaded)' : 'WebAssembly SIMD128 kernels (single-threaded)');
  assert.deepEqual(builds.map((b) => b.build), relaxedSimd ? ['simd128', 'relaxed'] : ['simd128']);
  assert.ok(!('setNumThreads' in wasm), 'single-threaded');
  assert.ok(torch.backends.available().includes('wasm'));
});

/** Runs `body` with WebAssembly.validate answering `answer(call number)`. */
function withValidate(answer: (call: number) => boolean, body: () => void): void {
  const validate = WebAssembly.validate;
  let calls = 0;
  WebAssembly.validate = (bytes) => answer(calls++) && validate(bytes);
  try {
    body();
  } finally {
    WebAssembly.validate = validate;
  }
}

test('the SIMD128 build where the engine rejects relaxed SIMD; no backend where it rejects SIMD128', () => {
  withValidate((call) => call > 0, () => {
    const fallback = loadWasmBackend();
    assert.equal(fallback?.build, 'simd128');
    assert.equal(fallback?.describe(), 'WebAssembly SIMD128 kernels (single-threaded)');
  });
  withValidate(() => false, () => assert.equal(loadWasmBackend(), null));
  withValidate(() => false, () => assert.equal(loadWasmBackend('simd128'), null));
});

test('the committed modules are the build of their sources', (t) => {
  // The compiler tools/build-wasm.sh uses.
  const clang = process.env.CLANG ?? 'clang-19';
  let compiler: string;
  try {
    compiler = execFileSync(clang, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    t.skip(`${clang} is not installed`);
    return;
  }
  if (compiler !== WASM_COMPILER) {
    t.skip(`the module was built by ${WASM_COMPILER}, this machine has ${compiler}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-wasm-'));
  try {
    const root = new URL('../../../', import.meta.url);
    const fresh = join(dir, 'module.ts');
    execFileSync('bash', [new URL('tools/build-wasm.sh', root).pathname, fresh], { stdio: 'pipe' });
    const committed = readFileSync(new URL('src/backends/wasm/module.ts', root), 'utf8');
    assert.ok(readFileSync(fresh, 'utf8') === committed, 'src/backends/wasm/module.ts is stale: run npm run build:wasm');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- GEMM ----

/** A batch of matrices in one of the layouts the op layer hands over. */
function matrixOperand(Ctor: FloatCtor, batch: number, rows: number, cols: number, layout: string, r: () => number): MatrixOperand {
  const offset = int(r, 0, 3);
  switch (layout) {
    case 'transposed':
      return { data: randomArray(Ctor, offset + batch * rows * cols, r), offset, batchStride: rows * cols, rowStride: 1, colStride: rows };
    case 'shared': // one matrix broadcast over the batch
      return { data: randomArray(Ctor, offset + rows * cols, r), offset, batchStride: 0, rowStride: cols, colStride: 1 };
    case 'sparse': // every third column of a wider matrix: gathered before the copy
      return { data: randomArray(Ctor, offset + batch * rows * cols * 3, r), offset, batchStride: rows * cols * 3, rowStride: cols * 3, colStride: 3 };
    default:
      return { data: randomArray(Ctor, offset + batch * rows * cols, r), offset, batchStride: rows * cols, rowStride: cols, colStride: 1 };
  }
}

function withData(op: MatrixOperand, data: FloatArray): MatrixOperand {
  return { ...op, data };
}

function checkGemm(backend: WasmBackend, Ctor: FloatCtor, rtol: number, batch: number, m: number, n: number, k: number, la: string, lb: string, r: () => number): void {
  const a = matrixOperand(Ctor, batch, m, k, la, r);
  const b = matrixOperand(Ctor, batch, k, n, lb, r);
  const out = new Ctor(batch * m * n);
  const what = `${backend.build} gemm ${Ctor.name} ${batch}x${m}x${n}x${k} ${la}/${lb}`;
  assert.ok(backend.gemm(batch, m, n, k, a, b, out), `${what}: declined`);
  const expected = new Float64Array(out.length);
  jsGemm(batch, m, n, k, withData(a, Float64Array.from(a.data as FloatArray)), withData(b, Float64Array.from(b.data as FloatArray)), expected);
  const scale = new Float64Array(out.length);
  jsGemm(batch, m, n, k, withData(a, absolute(a.data as FloatArray)), withData(b, absolute(b.data as FloatArray)), scale);
  assertClose(out, expected, scale, rtol, what);
}

test('gemm: random shapes and layouts against js/gemm.ts, on each build', () => {
  const layouts = ['contiguous', 'transposed', 'shared', 'sparse'];
  for (const backend of builds) {
    const r = rng(1);
    for (const [, Ctor, rtol] of TYPES) {
      for (let trial = 0; trial < 40; trial++) {
        const batch = int(r, 1, 3);
        const m = int(r, 1, 40);
        const n = int(r, 1, 40);
        const k = Math.max(int(r, 1, 40), Math.ceil(128 / (batch * m * n)));
        checkGemm(backend, Ctor, rtol, batch, m, n, k, layouts[trial % 4], layouts[(trial >> 2) % 4], r);
      }
    }
  }
});

test('gemm: sizes past the cache blocks (k > 256, m > 128, n > 2048), on each build', () => {
  for (const backend of builds) {
    const r = rng(2);
    for (const [, Ctor, rtol] of TYPES) {
      checkGemm(backend, Ctor, rtol, 1, 131, 37, 300, 'contiguous', 'transposed', r);
      checkGemm(backend, Ctor, rtol, 2, 3, 2061, 5, 'transposed', 'contiguous', r);
    }
  }
});

test('gemm declines mixed types and products too small to pay for the copies', () => {
  const a: MatrixOperand = { data: new Float32Array(4096), offset: 0, batchStride: 0, rowStride: 64, colStride: 1 };
  const b64: MatrixOperand = { ...a, data: new Float64Array(4096) };
  assert.equal(wasm.gemm(1, 64, 64, 64, a, b64, new Float32Array(4096)), false);
  assert.equal(wasm.gemm(1, 2, 2, 2, a, a, new Float32Array(4)), false);
});

// ---- convolution ----

interface ConvCase {
  g: ConvGeometry;
  input: FloatArray;
  inputOffset: number;
  inputStrides: [number, number, number, number];
}

/** A random geometry; `transposed` reads inH/inW as the transposed convolution's input. */
function convCase(Ctor: FloatCtor, r: () => number, transposed: boolean): ConvCase {
  for (;;) {
    const groups = int(r, 1, 3);
    const batch = int(r, 1, 3);
    const inChannels = groups * int(r, 1, 3);
    const outChannels = groups * int(r, 1, 3);
    const kH = int(r, 1, 4), kW = int(r, 1, 4);
    const strideH = int(r, 1, 3), strideW = int(r, 1, 3);
    const dilationH = int(r, 1, 2), dilationW = int(r, 1, 2);
    const padH = int(r, 0, 2), padW = int(r, 0, 2);
    const inH = int(r, 1, 9), inW = int(r, 1, 9);
    const outH = transposed
      ? (inH - 1) * strideH - 2 * padH + dilationH * (kH - 1) + 1 + int(r, 0, strideH - 1)
      : Math.floor((inH + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1;
    const outW = transposed
      ? (inW - 1) * strideW - 2 * padW + dilationW * (kW - 1) + 1 + int(r, 0, strideW - 1)
      : Math.floor((inW + 2 * padW - dilationW * (kW - 1) - 1) / strideW) + 1;
    if (outH < 1 || outW < 1) continue;
    const g = { batch, groups, inChannels, inH, inW, outChannels, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW };
    const inputOffset = int(r, 0, 2);
    const input = randomArray(Ctor, inputOffset + batch * inChannels * inH * inW, r);
    // Half the cases read a channels-last image (strided), the other half a contiguous one.
    const inputStrides: [number, number, number, number] = transposed || r() < 0.5
      ? [inChannels * inH * inW, inH * inW, inW, 1]
      : [inChannels * inH * inW, 1, inW * inChannels, inChannels];
    return { g, input, inputOffset, inputStrides };
  }
}

test('convolution forward, transposed and weight gradient against js/conv.ts, on each build', () => {
  for (const backend of builds) {
    const r = rng(3);
    for (const [, Ctor, rtol] of TYPES) {
      for (let trial = 0; trial < 30; trial++) {
        const what = `${backend.build} ${Ctor.name} case ${trial}`;
        {
          const { g, input, inputOffset, inputStrides } = convCase(Ctor, r, false);
          const image = { data: input, offset: inputOffset, strides: inputStrides };
          const weight = randomArray(Ctor, g.outChannels * (g.inChannels / g.groups) * g.kH * g.kW, r);
          const bias = trial % 2 ? randomArray(Ctor, g.outChannels, r) : null;
          const out = new Ctor(g.batch * g.outChannels * g.outH * g.outW);
          assert.ok(backend.convolutionForward(g, image, weight, bias, out), `forward ${what}: declined`);
          const expected = new Float64Array(out.length);
          jsConv.convolutionForward(g, image, weight, bias, expected);
          const scale = new Float64Array(out.length);
          jsConv.convolutionForward(g, { ...image, data: absolute(input) }, absolute(weight), bias && absolute(bias), scale);
          assertClose(out, expected, scale, rtol, `forward ${what} ${JSON.stringify(g)}`);

          const gradOutput = randomArray(Ctor, out.length, r);
          const wGrad = new Ctor(weight.length);
          assert.ok(backend.convolutionWeightGrad(g, image, gradOutput, wGrad), `weight grad ${what}: declined`);
          const wExpected = new Float64Array(weight.length);
          jsConv.convolutionWeightGrad(g, image, gradOutput, wExpected);
          const wScale = new Float64Array(weight.length);
          jsConv.convolutionWeightGrad(g, { ...image, data: absolute(input) }, absolute(gradOutput), wScale);
          assertClose(wGrad, wExpected, wScale, rtol, `weight grad ${what} ${JSON.stringify(g)}`);
        }
        {
          const { g, input } = convCase(Ctor, r, true);
          const contiguous = input.subarray(input.length - g.batch * g.inChannels * g.inH * g.inW);
          const weight = randomArray(Ctor, g.inChannels * (g.outChannels / g.groups) * g.kH * g.kW, r);
          const bias = trial % 2 ? null : randomArray(Ctor, g.outChannels, r);
          const out = new Ctor(g.batch * g.outChannels * g.outH * g.outW);
          assert.ok(backend.convolutionTransposeForward(g, contiguous, weight, bias, out), `transposed ${what}: declined`);
          const expected = new Float64Array(out.length);
          jsConv.convolutionTransposeForward(g, contiguous, weight, bias, expected);
          const scale = new Float64Array(out.length);
          jsConv.convolutionTransposeForward(g, absolute(contiguous), absolute(weight), bias && absolute(bias), scale);
          assertClose(out, expected, scale, rtol, `transposed ${what} ${JSON.stringify(g)}`);
        }
      }
    }
  }
});

// ---- max pooling ----

test('maxPool2d against js/pooling.ts, with nan, -inf and ties', () => {
  const r = rng(4);
  const specials = [NaN, -Infinity, 0.5, 0.5];
  for (const [, Ctor] of TYPES) {
    for (let trial = 0; trial < 40; trial++) {
      const kH = int(r, 1, 3), kW = int(r, 1, 3);
      const dilationH = int(r, 1, 2), dilationW = int(r, 1, 2);
      const padH = int(r, 0, kH >> 1), padW = int(r, 0, kW >> 1);
      const strideH = int(r, 1, 3), strideW = int(r, 1, 3);
      const inH = int(r, dilationH * (kH - 1) + 1, 9), inW = int(r, dilationW * (kW - 1) + 1, 9);
      const outH = Math.floor((inH + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1;
      const outW = Math.floor((inW + 2 * padW - dilationW * (kW - 1) - 1) / strideW) + 1;
      const g: PoolGeometry = { planes: int(r, 1, 4), inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW };
      const offset = int(r, 0, 3);
      const data = randomArray(Ctor, offset + g.planes * inH * inW, r);
      for (let i = 0; i < data.length; i++) if (r() < 0.1) data[i] = specials[int(r, 0, 3)];
      const out = new Ctor(g.planes * outH * outW);
      const indices = new BigInt64Array(out.length);
      assert.ok(wasm.maxPool2d(g, { data, offset }, out, indices));
      const expected: FloatArray = new Ctor(out.length);
      const expectedIndices = new BigInt64Array(out.length);
      jsMaxPool2d(g, { data, offset }, expected, expectedIndices);
      assert.deepEqual(out, expected, JSON.stringify(g));
      assert.deepEqual(indices, expectedIndices, JSON.stringify(g));
    }
  }
});

// ---- elementwise and sums ----

/** Values with the edge cases of each op: signed zeros, infinities, nan, negatives for sqrt. */
function edgyArray(Ctor: FloatCtor, n: number, r: () => number): FloatArray {
  const specials = [0, -0, Infinity, -Infinity, NaN, 1, -1];
  const a = randomArray(Ctor, n, r);
  for (let i = 0; i < n; i++) if (r() < 0.1) a[i] = specials[int(r, 0, specials.length - 1)];
  return a;
}

function assertSame(actual: FloatArray, expected: FloatArray, what: string): void {
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

test('unary and binary ops equal the JS loops bit for bit (odd lengths, repeated operands)', () => {
  const r = rng(5);
  for (const [, Ctor] of TYPES) {
    const n = 1024 + int(r, 0, 7);
    const a = edgyArray(Ctor, n + 3, r);
    const b = edgyArray(Ctor, n + 5, r);
    for (const op of ['neg', 'abs', 'sqrt', 'relu'] as UnaryOpName[]) {
      const out = new Ctor(n), expected = new Ctor(n);
      assert.ok(wasm.unary(op, { data: a, offset: 3, step: 1 }, out, n), op);
      unaryRun(op, { data: a, offset: 3, step: 1 }, expected, n);
      assertSame(out, expected, `${op} ${Ctor.name}`);
    }
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'reluBackward'] as BinaryOpName[]) {
      for (const [sa, sb] of [[1, 1], [0, 1], [1, 0]] as const) {
        const x = { data: a, offset: 2, step: sa }, y = { data: b, offset: 5, step: sb };
        const out = new Ctor(n), expected = new Ctor(n);
        assert.ok(wasm.binary(op, x, y, out, n), op);
        binaryRun(op, x, y, expected, n);
        assertSame(out, expected, `${op} ${Ctor.name} steps ${sa}/${sb}`);
      }
    }
  }
});

test('float32 exp, log, tanh and sigmoid within one ulp of the JS kernels; float64 ones declined', () => {
  assertTranscendentalsWithinOneUlp((op, a, out, n) => wasm.unary(op, a, out, n), rng(8));
  for (const op of ['exp', 'log', 'tanh', 'sigmoid'] as UnaryOpName[]) {
    const f64 = new Float64Array(16);
    assert.equal(wasm.unary(op, { data: f64, offset: 0, step: 1 }, new Float64Array(16), 16), false);
  }
});

test('sum: within a pairwise sum\'s error of the exact sum; short runs and long float64 runs are declined', () => {
  const r = rng(6);
  for (const [, Ctor] of TYPES) {
    for (const n of [1024, 1031, 100_003]) {
      const a = randomArray(Ctor, n + 1, r);
      const got = wasm.sum({ data: a, offset: 1, step: 1 }, n);
      let exact = 0, scale = 0;
      for (let i = 1; i <= n; i++) {
        exact += a[i];
        scale += Math.abs(a[i]);
      }
      assert.ok(got !== null && Math.abs(got - exact) <= 1e-14 * scale, `${Ctor.name} n=${n}: ${got} vs ${exact}`);
    }
    const a = new Ctor(4096);
    assert.equal(wasm.binary('add', { data: a, offset: 0, step: 1 }, { data: a, offset: 0, step: 1 }, new Ctor(16), 16), false);
    assert.equal(wasm.sum({ data: a, offset: 0, step: 1 }, 16), null);
  }
  // Long float64 runs are bound by memory bandwidth, where the copies cost more than SIMD saves.
  const long = new Float64Array((1 << 19) + 1);
  assert.equal(wasm.sum({ data: long, offset: 0, step: 1 }, long.length), null);
});

test('memory: repeated calls reuse the arena, so it grows to the largest call and no further', () => {
  const r = rng(7);
  const big = 160;
  checkGemm(wasm, Float32Array, 1e-5, 1, big, big, big, 'contiguous', 'contiguous', r);
  const high = wasm.memoryBytes;
  for (let i = 0; i < 5; i++) checkGemm(wasm, Float32Array, 1e-5, 1, big, big, big - i, 'transposed', 'contiguous', r);
  for (let i = 0; i < 5; i++) checkGemm(wasm, Float32Array, 1e-5, 2, 40, 40, 40, 'sparse', 'shared', r);
  assert.equal(wasm.memoryBytes, high);
});

test('the optimizer updates decline arrays of different lengths and runs too short to pay for the copies', () => {
  const n = 1000;
  const [p, g, m] = [0, 1, 2].map(() => new Float32Array(n));
  const adam = { decoupled: false, decayGrad: false, shrink: 1, decay: 0, w1: 0.1, beta2: 0.999, w2: 0.001, root: 1, eps: 1e-8, scale: -1e-3, sign: 1 };
  assert.equal(wasm.adamStep(p, g, m, new Float32Array(n), adam), true);
  assert.equal(wasm.adamStep(p, g, m, new Float32Array(n - 1), adam), false);
  assert.equal(wasm.adamStep(p.subarray(0, 100), g.subarray(0, 100), m.subarray(0, 100), new Float32Array(100), adam), false);
  const rmsprop = { decayGrad: false, decay: 0, alpha: 0.99, w: 0.01, eps: 1e-8, momentum: 0, step: -0.01, sign: 1 };
  assert.equal(wasm.rmspropStep(p, g, m, null, null, rmsprop), true);
  assert.equal(wasm.rmspropStep(p, g, m, null, new Float32Array(n + 1), rmsprop), false);
  const adagrad = { decayGrad: false, decay: 0, eps: 1e-10, step: -0.01, sign: 1 };
  assert.equal(wasm.adagradStep(p, g, m, adagrad), true);
  assert.equal(wasm.adagradStep(p, new Float32Array(n - 1), m, adagrad), false);
});
