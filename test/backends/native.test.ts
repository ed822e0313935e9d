// The native addon's primitives against the JS reference kernels (src/backends/js) on random shapes:
// strided, transposed and broadcast GEMM operands, batches, convolutions with groups, padding,
// stride and dilation, pooling windows with nan and -inf, the elementwise ops and sums. Every GEMM
// case runs through the BLAS (when the addon has one) and the addon's own GEMM, with the AVX2 and
// the portable kernels, and results must not depend on the thread count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'tstorch';
import { loadNativeBackend, openBlasCoreFor, type NativeBackend } from '../../src/backends/native/loader.js';
import { jsBackend, type BinaryOpName, type FloatArray, type FusedStep, type MatrixOperand, type NormGroups, type RunOperand, type UnaryOpName } from '../../src/backends/backend.js';
import { gemm as jsGemm } from '../../src/backends/js/gemm.js';
import { compareRun, selectRun } from '../../src/backends/js/elementwise.js';
import { gather as jsGather, type StridedOperand } from '../../src/backends/js/strided.js';
import { contiguousStrides } from '../../src/tensor/layout.js';
import { assertTranscendentalsWithinOneUlp } from './transcendentals.js';
import {
  convolutionForward as jsConvolutionForward,
  convolutionTransposeForward as jsConvolutionTransposeForward,
  convolutionWeightGrad as jsConvolutionWeightGrad,
  type ConvGeometry,
} from '../../src/backends/js/conv.js';
import { maxPool2d as jsMaxPool2d, maxPoolBackward as jsMaxPoolBackward, type PoolGeometry } from '../../src/backends/js/pooling.js';

const native = loadNativeBackend();
/** The repository root (this file runs from dist/test/backends). */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const skip = native === null ? 'native addon not built (npm install builds it; or run node tools/build-native.mjs)' : false;

/** mulberry32: a small seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
const FLOATS: Array<[string, FloatCtor]> = [['float32', Float32Array], ['float64', Float64Array]];

function randomArray(Ctor: FloatCtor, n: number, rand: () => number): FloatArray {
  const a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

/** |actual - expected| <= atol + rtol * |expected| elementwise, nan matching nan. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e || (Number.isNaN(e) && Number.isNaN(a))) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
  }
}

/** Float32 results carry float32 rounding of sums of `terms` products of numbers in [-1, 1]. */
function tolerances(Ctor: FloatCtor, terms: number): [number, number] {
  return Ctor === Float32Array ? [1e-5, 2e-6 * Math.max(1, terms)] : [1e-12, 1e-13 * Math.max(1, terms)];
}

/**
 * Each configuration of the addon's GEMM paths, restored to the default afterwards. `exact` says
 * whether results must be the same bits for any thread count: true of the addon's own GEMM, not of
 * OpenBLAS, whose threaded GEMM blocks the sums differently.
 */
function eachPath(backend: NativeBackend, body: (path: string, exact: boolean) => void): void {
  const paths: Array<[string, boolean, boolean]> = [
    ['own GEMM, AVX2 kernels where the CPU has them', false, false],
    ['own GEMM, portable kernels', false, true],
  ];
  if (backend.blas !== null) paths.unshift([backend.blas, true, false]);
  try {
    for (const [name, blas, genericKernels] of paths) {
      backend.configure({ blas, genericKernels });
      body(name, !blas);
    }
  } finally {
    backend.configure({ blas: true, genericKernels: false });
  }
}

/**
 * Runs `body` with 1 and with 2 threads and checks that both give the same bits, or, given
 * tolerances, the same numbers within them.
 */
function sameWithThreads(backend: NativeBackend, body: () => FloatArray, what: string, tolerance: [number, number] | null = null): FloatArray {
  const before = backend.getNumThreads?.() ?? 1;
  try {
    backend.setNumThreads?.(1);
    const one = body();
    backend.setNumThreads?.(2);
    const two = body();
    if (tolerance === null) assert.deepEqual(two, one, `${what}: 1 and 2 threads differ`);
    else assertClose(two, one, tolerance[0], tolerance[1], `${what}: 1 and 2 threads`);
    return two;
  } finally {
    backend.setNumThreads?.(before);
  }
}

// ---- GEMM ----

type Layout = 'rowMajor' | 'transposed' | 'strided' | 'broadcastBatch' | 'offsetRow';

/** A batch of rows x cols matrices in one of the layouts the op layer hands to gemm. */
function matrix(Ctor: FloatCtor, batch: number, rows: number, cols: number, layout: Layout, rand: () => number): MatrixOperand {
  switch (layout) {
    case 'rowMajor':
      return { data: randomArray(Ctor, batch * rows * cols, rand), offset: 0, batchStride: rows * cols, rowStride: cols, colStride: 1 };
    case 'transposed':
      return { data: randomArray(Ctor, batch * rows * cols, rand), offset: 0, batchStride: rows * cols, rowStride: 1, colStride: rows };
    case 'strided': {
      // Every second column of rows padded by 3: neither rows nor columns are contiguous.
      const rowStride = 2 * cols + 3;
      return { data: randomArray(Ctor, 5 + batch * rows * rowStride, rand), offset: 5, batchStride: rows * rowStride, rowStride, colStride: 2 };
    }
    case 'broadcastBatch':
      return { data: randomArray(Ctor, rows * cols, rand), offset: 0, batchStride: 0, rowStride: cols, colStride: 1 };
    case 'offsetRow':
      // One row repeated (an expanded vector): row stride 0.
      return { data: randomArray(Ctor, cols + 7, rand), offset: 7, batchStride: 0, rowStride: 0, colStride: 1 };
  }
}

const GEMM_SHAPES: Array<[number, number, number, number]> = [
  [1, 1, 1, 600], [1, 7, 5, 30], [3, 6, 16, 8], [2, 13, 17, 19], [1, 130, 70, 300], [4, 33, 9, 65], [1, 5, 3100, 4], [2, 1, 40, 50], [1, 64, 1, 40],
];
const LAYOUTS: Array<[Layout, Layout]> = [
  ['rowMajor', 'rowMajor'], ['transposed', 'rowMajor'], ['rowMajor', 'transposed'], ['transposed', 'transposed'],
  ['strided', 'rowMajor'], ['rowMajor', 'strided'], ['broadcastBatch', 'transposed'], ['offsetRow', 'broadcastBatch'],
];

// gemm overwrites its output, which the op layer allocates uninitialised: the tests' outputs start
// as NaN, so an element left unwritten (or added to) shows.
test('gemm: strided, transposed and broadcast operands, batches, every GEMM path, 1 and 2 threads', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(1);
  for (const [dtype, Ctor] of FLOATS) {
    for (const [batch, m, n, k] of GEMM_SHAPES) {
      for (const [la, lb] of LAYOUTS) {
        const a = matrix(Ctor, batch, m, k, la, rand);
        const b = matrix(Ctor, batch, k, n, lb, rand);
        const expected = new Ctor(batch * m * n);
        jsGemm(batch, m, n, k, a, b, expected);
        const [rtol, atol] = tolerances(Ctor, k);
        eachPath(backend, (path, exact) => {
          const what = `${dtype} gemm ${batch}x${m}x${n}x${k} ${la}/${lb} (${path})`;
          const actual = sameWithThreads(backend, () => {
            const out = new Ctor(batch * m * n).fill(NaN);
            assert.equal(backend.gemm?.(batch, m, n, k, a, b, out), true, what);
            return out;
          }, what, exact ? null : [rtol, atol]);
          assertClose(actual, expected, rtol, atol, what);
        });
      }
    }
  }
});

test('gemm: a product big enough for several cache blocks and both threads, against float64', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(2);
  const [m, n, k] = [301, 260, 530];
  const a = matrix(Float32Array, 1, m, k, 'rowMajor', rand);
  const b = matrix(Float32Array, 1, k, n, 'transposed', rand);
  const expected = new Float64Array(m * n);
  jsGemm(1, m, n, k, { ...a, data: Float64Array.from(a.data as Float32Array) }, { ...b, data: Float64Array.from(b.data as Float32Array) }, expected);
  eachPath(backend, (path, exact) => {
    const actual = sameWithThreads(backend, () => {
      const out = new Float32Array(m * n).fill(NaN);
      assert.equal(backend.gemm?.(1, m, n, k, a, b, out), true);
      return out;
    }, path, exact ? null : [1e-5, 2e-6 * k]);
    assertClose(actual, expected, 1e-5, 2e-6 * k, `float32 ${m}x${n}x${k} (${path})`);
  });
});

test('gemmAdd: adds the product to what out holds, on every GEMM path', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(3);
  const [m, n, k] = [37, 150, 300];
  for (const [, Ctor] of FLOATS) {
    const a = matrix(Ctor, 1, m, k, 'rowMajor', rand);
    const b = matrix(Ctor, 1, k, n, 'transposed', rand);
    const start = randomArray(Ctor, m * n, rand);
    const expected = new Ctor(m * n);
    jsGemm(1, m, n, k, a, b, expected);
    for (let i = 0; i < expected.length; i++) expected[i] += start[i];
    eachPath(backend, (path) => {
      const out = Ctor.from(start);
      assert.equal(backend.gemmAdd?.(1, m, n, k, a, b, out), true);
      assertClose(out, expected, ...tolerances(Ctor, k), `${Ctor.name} (${path})`);
    });
  }
});

test('gemm: declines tiny products, other dtypes, mixed dtypes and operands reaching outside their arrays', { skip }, () => {
  const backend = native as NativeBackend;
  const f32 = (n: number) => new Float32Array(n);
  const op = (data: MatrixOperand['data'], rowStride: number): MatrixOperand => ({ data, offset: 0, batchStride: 0, rowStride, colStride: 1 });
  assert.equal(backend.gemm?.(1, 2, 2, 2, op(f32(4), 2), op(f32(4), 2), f32(4)), false);
  const s = 16;
  assert.equal(backend.gemm?.(1, s, s, s, op(f32(s * s), s), op(f32(s * s), s), f32(s * s)), true);
  assert.equal(backend.gemm?.(1, s, s, s, op(new Int32Array(s * s), s), op(new Int32Array(s * s), s), f32(s * s)), false);
  assert.equal(backend.gemm?.(1, s, s, s, op(new Float64Array(s * s), s), op(f32(s * s), s), f32(s * s)), false);
  assert.equal(backend.gemm?.(1, s, s, s, op(f32(s * s - 1), s), op(f32(s * s), s), f32(s * s)), false);
  assert.equal(backend.gemm?.(1, s, s, s, op(f32(s * s), s), op(f32(s * s), s), f32(s * s - 1)), false);
  assert.equal(backend.gemm?.(1, s, s, s, { ...op(f32(s * s), s), offset: -1 }, op(f32(s * s), s), f32(s * s)), false);
});

// ---- convolution ----

interface ConvCase {
  batch: number; groups: number; inC: number; outC: number; inH: number; inW: number;
  kH: number; kW: number; stride: [number, number]; pad: [number, number]; dilation: [number, number];
  /** The input as a contiguous (N, C, H, W) array rather than a channels-last view. */
  contiguous?: boolean;
}

const CONV_CASES: ConvCase[] = [
  { batch: 1, groups: 1, inC: 1, outC: 1, inH: 5, inW: 5, kH: 3, kW: 3, stride: [1, 1], pad: [0, 0], dilation: [1, 1] },
  { batch: 3, groups: 1, inC: 3, outC: 6, inH: 12, inW: 11, kH: 5, kW: 5, stride: [1, 1], pad: [0, 0], dilation: [1, 1] },
  { batch: 5, groups: 2, inC: 4, outC: 6, inH: 9, inW: 7, kH: 3, kW: 2, stride: [2, 1], pad: [1, 1], dilation: [1, 2] },
  { batch: 2, groups: 3, inC: 3, outC: 3, inH: 8, inW: 10, kH: 3, kW: 3, stride: [1, 3], pad: [2, 0], dilation: [2, 1] },
  { batch: 9, groups: 1, inC: 2, outC: 4, inH: 1, inW: 17, kH: 1, kW: 4, stride: [1, 2], pad: [0, 3], dilation: [1, 1] },
  { batch: 2, groups: 1, inC: 16, outC: 8, inH: 14, inW: 14, kH: 3, kW: 3, stride: [1, 1], pad: [1, 1], dilation: [1, 1] },
  { batch: 0, groups: 1, inC: 2, outC: 3, inH: 5, inW: 5, kH: 3, kW: 3, stride: [1, 1], pad: [0, 0], dilation: [1, 1] },
  { batch: 13, groups: 2, inC: 2, outC: 4, inH: 10, inW: 10, kH: 3, kW: 3, stride: [1, 1], pad: [1, 1], dilation: [1, 1] },
  // The direct kernel's forward (stride 1, at most 8 output channels a group, rows at least one
  // vector wide): read in place, with a last vector overlapping the one before (13 of 16, and 9 of
  // 16 below), a channel block repeating its last channel (7 = 4 + 3), groups with padding (and 10
  // of 16 in the case above with 13 images).
  { batch: 4, groups: 1, inC: 3, outC: 6, inH: 13, inW: 20, kH: 5, kW: 5, stride: [1, 1], pad: [0, 0], dilation: [1, 1], contiguous: true },
  { batch: 3, groups: 2, inC: 4, outC: 6, inH: 9, inW: 13, kH: 3, kW: 5, stride: [1, 1], pad: [1, 2], dilation: [1, 1] },
  { batch: 2, groups: 1, inC: 2, outC: 7, inH: 8, inW: 10, kH: 3, kW: 3, stride: [1, 1], pad: [0, 0], dilation: [1, 1], contiguous: true },
  { batch: 2, groups: 1, inC: 1, outC: 1, inH: 6, inW: 29, kH: 2, kW: 2, stride: [1, 1], pad: [0, 0], dilation: [1, 1], contiguous: true },
  { batch: 3, groups: 1, inC: 3, outC: 5, inH: 7, inW: 11, kH: 3, kW: 3, stride: [1, 1], pad: [0, 0], dilation: [1, 1], contiguous: true },
  // Up to 16 output channels with at least 128 taps: the Fashion-MNIST example's second layer, the
  // blitz network's (10-wide rows), and 12 channels with padding.
  { batch: 2, groups: 1, inC: 6, outC: 16, inH: 12, inW: 12, kH: 5, kW: 5, stride: [1, 1], pad: [0, 0], dilation: [1, 1], contiguous: true },
  { batch: 2, groups: 1, inC: 6, outC: 16, inH: 14, inW: 14, kH: 5, kW: 5, stride: [1, 1], pad: [0, 0], dilation: [1, 1], contiguous: true },
  { batch: 3, groups: 1, inC: 8, outC: 12, inH: 10, inW: 13, kH: 4, kW: 4, stride: [1, 1], pad: [1, 1], dilation: [1, 1] },
];

function outSize(size: number, k: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

function convGeometry(c: ConvCase): ConvGeometry {
  return {
    batch: c.batch, groups: c.groups, inChannels: c.inC, inH: c.inH, inW: c.inW, outChannels: c.outC,
    outH: outSize(c.inH, c.kH, c.stride[0], c.pad[0], c.dilation[0]), outW: outSize(c.inW, c.kW, c.stride[1], c.pad[1], c.dilation[1]),
    kH: c.kH, kW: c.kW, strideH: c.stride[0], strideW: c.stride[1], padH: c.pad[0], padW: c.pad[1], dilationH: c.dilation[0], dilationW: c.dilation[1],
  };
}

/** The transposed convolution whose adjoint is `g`: its input is g's output grid, its output g's image. */
function transposedGeometry(g: ConvGeometry): ConvGeometry {
  return { ...g, inChannels: g.outChannels, outChannels: g.inChannels, inH: g.outH, inW: g.outW, outH: g.inH, outW: g.inW };
}

test('convolution forward, transposed forward and weight gradient: groups, padding, stride, dilation, strided input', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(3);
  for (const [dtype, Ctor] of FLOATS) {
    for (const c of CONV_CASES) {
      const g = convGeometry(c);
      const inG = g.inChannels / g.groups;
      const taps = inG * g.kH * g.kW;
      const [rtol, atol] = tolerances(Ctor, taps);
      const what = `${dtype} conv ${JSON.stringify(c)}`;
      // The input as a channels-last view (N, C, H, W) with strides (H*W*C, 1, W*C, C) at an offset,
      // or contiguous.
      const image = randomArray(Ctor, 3 + g.batch * g.inChannels * g.inH * g.inW, rand);
      const strides: [number, number, number, number] = c.contiguous
        ? [g.inChannels * g.inH * g.inW, g.inH * g.inW, g.inW, 1]
        : [g.inChannels * g.inH * g.inW, 1, g.inW * g.inChannels, g.inChannels];
      const input = { data: image, offset: 3, strides };
      const weight = randomArray(Ctor, g.outChannels * taps, rand);
      const bias = randomArray(Ctor, g.outChannels, rand);
      const outSizeAll = g.batch * g.outChannels * g.outH * g.outW;

      const forward = new Float64Array(outSizeAll);
      jsConvolutionForward(g, input, weight, bias, forward);
      const unbiased = new Float64Array(outSizeAll);
      jsConvolutionForward(g, input, weight, null, unbiased);
      const gradOutput = randomArray(Ctor, outSizeAll, rand);
      const weightGrad = new Float64Array(weight.length);
      jsConvolutionWeightGrad(g, input, gradOutput, weightGrad);
      const tg = transposedGeometry(g);
      const transposedBias = randomArray(Ctor, tg.outChannels, rand);
      const transposed = new Float64Array(g.batch * g.inChannels * g.inH * g.inW);
      jsConvolutionTransposeForward(tg, gradOutput, weight, transposedBias, transposed);

      const [wr, wa] = tolerances(Ctor, g.batch * g.outH * g.outW);
      // Outputs start as NaN: the op layer gives these primitives uninitialised memory.
      eachPath(backend, (path, exact) => {
        for (const [b, expected, kind] of [[bias, forward, 'forward'], [null, unbiased, 'forward without bias']] as const) {
          const f = sameWithThreads(backend, () => {
            const out = new Ctor(outSizeAll).fill(NaN);
            assert.equal(backend.convolutionForward?.(g, input, weight, b, out), true, what);
            return out;
          }, `${what} ${kind}`, exact ? null : [rtol, atol]);
          assertClose(f, expected, rtol, atol, `${what} ${kind} (${path})`);
        }
        const w = sameWithThreads(backend, () => {
          const out = new Ctor(weight.length).fill(NaN);
          assert.equal(backend.convolutionWeightGrad?.(g, input, gradOutput, out), true, what);
          return out;
        }, `${what} weight grad`, exact ? null : [wr, wa]);
        assertClose(w, weightGrad, wr, wa, `${what} weight grad (${path})`);
        const t = sameWithThreads(backend, () => {
          const out = new Ctor(transposed.length).fill(NaN);
          assert.equal(backend.convolutionTransposeForward?.(tg, gradOutput, weight, transposedBias, out), true, what);
          return out;
        }, `${what} transposed`, exact ? null : [rtol, atol * g.outChannels]);
        assertClose(t, transposed, rtol, atol * g.outChannels, `${what} transposed (${path})`);
      });
    }
  }
});

test('convolution declines operands shorter than the geometry needs', { skip }, () => {
  const backend = native as NativeBackend;
  const g = convGeometry(CONV_CASES[1]);
  const input = { data: new Float32Array(10), offset: 0, strides: [g.inChannels * g.inH * g.inW, g.inH * g.inW, g.inW, 1] as [number, number, number, number] };
  const weight = new Float32Array(g.outChannels * g.inChannels * g.kH * g.kW);
  assert.equal(backend.convolutionForward?.(g, input, weight, null, new Float32Array(g.batch * g.outChannels * g.outH * g.outW)), false);
});

test('convolution: a geometry with more outputs than windows inside the image is clipped as the JS kernel clips it', { skip }, () => {
  // Stride 1 and few channels, as the direct kernel takes them, but the output two rows and four
  // columns larger than the image allows: the direct kernel would read past the image, so the
  // clipping im2col path computes it.
  const backend = native as NativeBackend;
  const rand = random(6);
  const c = CONV_CASES.find((k) => k.contiguous === true && k.outC === 6);
  assert.ok(c !== undefined);
  const base = convGeometry(c);
  const g = { ...base, outH: base.outH + 2, outW: base.outW + 4 };
  const input = { data: randomArray(Float32Array, g.batch * g.inChannels * g.inH * g.inW, rand), offset: 0, strides: [g.inChannels * g.inH * g.inW, g.inH * g.inW, g.inW, 1] as [number, number, number, number] };
  const weight = randomArray(Float32Array, g.outChannels * g.inChannels * g.kH * g.kW, rand);
  const expected = new Float64Array(g.batch * g.outChannels * g.outH * g.outW);
  jsConvolutionForward(g, input, weight, null, expected);
  const out = new Float32Array(expected.length).fill(NaN);
  assert.equal(backend.convolutionForward?.(g, input, weight, null, out), true);
  assertClose(out, expected, ...tolerances(Float32Array, g.inChannels * g.kH * g.kW), 'clipped geometry');
});

// ---- pooling ----

// ---- strided copies ----

/** Views of an [8, 6, 8, 10] array: permuted, sliced, with dims of size 1 and an offset. */
const COPY_VIEWS: Array<{ what: string; shape: number[]; strides: number[]; offset: number }> = [
  { what: 'contiguous', shape: [8, 6, 8, 10], strides: [480, 80, 10, 1], offset: 0 },
  { what: 'transposed last two dims', shape: [8, 6, 10, 8], strides: [480, 80, 1, 10], offset: 0 },
  { what: 'matrix transposed', shape: [80, 48], strides: [1, 80], offset: 0 },
  { what: 'fully reversed dims', shape: [10, 8, 6, 8], strides: [1, 10, 80, 480], offset: 0 },
  { what: 'every other row, offset', shape: [8, 3, 8, 10], strides: [480, 160, 10, 1], offset: 80 },
  { what: 'strided last dim', shape: [8, 6, 8, 5], strides: [480, 80, 10, 2], offset: 1 },
  { what: 'five dims with ones', shape: [2, 1, 2, 6, 1, 80], strides: [960, 7, 480, 80, 3, 1], offset: 0 },
  { what: 'five dims, none mergeable', shape: [2, 2, 3, 4, 40], strides: [1, 1920, 2, 480, 11], offset: 0 },
];

test('copy: strided views into contiguous arrays and contiguous arrays into strided views, as the JS loops, every element size', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(7);
  const kinds = [Float32Array, Float64Array, Int32Array, Uint8Array, Int16Array] as const;
  for (const Kind of kinds) {
    const source = new Kind(3840);
    for (let i = 0; i < source.length; i++) source[i] = Math.floor(rand() * 200);
    for (const view of COPY_VIEWS) {
      const src: StridedOperand = { data: source, strides: view.strides, offset: view.offset };
      const n = view.shape.reduce((a, b) => a * b, 1);
      const expected = new Kind(n);
      jsGather(src, view.shape, expected);
      const out = new Kind(n);
      const offered = backend.copy?.(src, { data: out, strides: contiguousStrides(view.shape), offset: 0 }, view.shape);
      const what = `${Kind.name} ${view.what}`;
      if (view.what === 'five dims, none mergeable') {
        assert.equal(offered, false, `${what}: declined (more than four dims)`);
        continue;
      }
      assert.equal(offered, true, what);
      assert.deepEqual(out, expected, what);
      // The other way: the contiguous elements written back through the view give the source's elements.
      const back = new Kind(source.length);
      assert.equal(backend.copy?.({ data: expected, strides: contiguousStrides(view.shape), offset: 0 }, { data: back, strides: view.strides, offset: view.offset }, view.shape), true, what);
      const check = new Kind(n);
      jsGather({ data: back, strides: view.strides, offset: view.offset }, view.shape, check);
      assert.deepEqual(check, expected, `${what} (scattered)`);
    }
  }
  const big = new BigInt64Array(2048).map((_, i) => BigInt(i) * 3n);
  const outBig = new BigInt64Array(2048);
  assert.equal(backend.copy?.({ data: big, strides: [1, 64], offset: 0 }, { data: outBig, strides: [32, 1], offset: 0 }, [64, 32]), true);
  assert.equal(outBig[1], big[64]);
  assert.equal(outBig[32], big[1]);
});

test('copy: declines small copies, mixed array types and views reaching outside their arrays', { skip }, () => {
  const backend = native as NativeBackend;
  const shape = [32, 64];
  const dense = (data: StridedOperand['data'], offset = 0): StridedOperand => ({ data, strides: contiguousStrides(shape), offset });
  assert.equal(backend.copy?.(dense(new Float32Array(2048)), dense(new Float32Array(2048)), shape), true);
  assert.equal(backend.copy?.(dense(new Float32Array(8)), dense(new Float32Array(8)), [2, 4]), false);
  assert.equal(backend.copy?.(dense(new Float32Array(2048)), dense(new Int32Array(2048)), shape), false);
  assert.equal(backend.copy?.(dense(new Float32Array(2047)), dense(new Float32Array(2048)), shape), false);
  assert.equal(backend.copy?.(dense(new Float32Array(2048), 1), dense(new Float32Array(2048)), shape), false);
  assert.equal(backend.copy?.(dense(new Float32Array(2048)), dense(new Float32Array(2048), -1), shape), false);
  assert.equal(backend.copy?.({ data: new Float32Array(4096), strides: [-64, 1], offset: 0 }, dense(new Float32Array(2048)), shape), false);
});

test('gatherRows: rows of any element size from their starts, in order (repeats too); declines rows outside src, short outputs, mixed types', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(8);
  for (const Kind of [Float32Array, Float64Array, Int32Array, Uint8Array, Int16Array] as const) {
    const src = new Kind(100 * 64);
    for (let i = 0; i < src.length; i++) src[i] = Math.floor(rand() * 100);
    const starts = Float64Array.from({ length: 40 }, (_, i) => (i === 5 ? 0 : i === 6 ? 0 : Math.floor(rand() * 99) * 64 + (i % 3)));
    const dst = new Kind(40 * 64);
    assert.equal(backend.gatherRows?.(src, starts, 64, dst), true, Kind.name);
    for (let i = 0; i < 40; i++) {
      assert.deepEqual(dst.subarray(i * 64, (i + 1) * 64), src.subarray(starts[i], starts[i] + 64), `${Kind.name} row ${i}`);
    }
  }
  const src = new Float32Array(64 * 64);
  const ok = Float64Array.from({ length: 32 }, (_, i) => i * 64);
  assert.equal(backend.gatherRows?.(src, ok, 64, new Float32Array(32 * 64)), true);
  assert.equal(backend.gatherRows?.(src, Float64Array.from(ok, (v, i) => (i === 3 ? 63 * 64 + 1 : v)), 64, new Float32Array(32 * 64)), false);
  assert.equal(backend.gatherRows?.(src, Float64Array.from(ok, (v, i) => (i === 3 ? -1 : v)), 64, new Float32Array(32 * 64)), false);
  assert.equal(backend.gatherRows?.(src, Float64Array.from(ok, (v, i) => (i === 3 ? 0.5 : v)), 64, new Float32Array(32 * 64)), false);
  assert.equal(backend.gatherRows?.(src, Float64Array.from(ok, (v, i) => (i === 3 ? NaN : v)), 64, new Float32Array(32 * 64)), false);
  assert.equal(backend.gatherRows?.(src, ok, 64, new Float32Array(32 * 64 - 1)), false);
  assert.equal(backend.gatherRows?.(src, ok, 64, new Float64Array(32 * 64)), false);
  assert.equal(backend.gatherRows?.(src, ok.subarray(0, 4), 64, new Float32Array(4 * 64)), false, 'under 1024 elements: the JS loops');
});

test('compare and select: the JS loops\' flags and choices (nan, zeros of both signs, repeated operands, float32 and float64); the ops on them; declines runs outside their arrays, short outputs, mixed types', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(23);
  const n = 1000;
  for (const [, Ctor] of FLOATS) {
    // Few distinct values, so that equal pairs are common, with nans and zeros of both signs.
    const values = (): FloatArray => {
      const v = new Ctor(n + 3);
      for (let k = 0; k < v.length; k++) v[k] = k % 97 === 5 ? NaN : k % 89 === 7 ? -0 : Math.floor(rand() * 5) - 2;
      return v;
    };
    const x = values(), y = values();
    [x[6], y[8]] = [1, -1]; // repeated values that differ, so that swapping them shows
    const runs: Array<[RunOperand, RunOperand]> = [
      [{ data: x, offset: 3, step: 1 }, { data: y, offset: 1, step: 1 }],
      [{ data: x, offset: 0, step: 1 }, { data: y, offset: 8, step: 0 }],
      [{ data: x, offset: 6, step: 0 }, { data: y, offset: 0, step: 1 }],
      [{ data: x, offset: 6, step: 0 }, { data: y, offset: 8, step: 0 }],
      [{ data: x, offset: 5, step: 0 }, { data: y, offset: 2, step: 1 }], // a repeated nan
    ];
    for (const [a, b] of runs) {
      for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
        const expected = new Uint8Array(n);
        compareRun(op, a, b, expected, n);
        const out = new Uint8Array(n + 1).fill(7);
        assert.equal(backend.compare?.(op, a, b, out, n), true);
        assert.deepEqual(out.subarray(0, n), expected, `${Ctor.name} ${op}, steps ${a.step} ${b.step}`);
        assert.equal(out[n], 7, 'nothing past n');
      }
      const condition = Uint8Array.from({ length: n + 2 }, () => (rand() < 0.5 ? 0 : rand() < 0.5 ? 1 : 255));
      const expected = new Ctor(n);
      selectRun(condition, 2, a, b, expected, n);
      const out = new Ctor(n);
      assert.equal(backend.select?.(condition, 2, a, b, out, n), true);
      const first = out.findIndex((v, k) => !Object.is(v, expected[k]));
      assert.equal(first, -1, `${Ctor.name} select, steps ${a.step} ${b.step}: element ${first}`);
    }
    const a: RunOperand = { data: x, offset: 4, step: 1 }, b: RunOperand = { data: y, offset: 0, step: 1 };
    assert.equal(backend.compare?.('gt', a, b, new Uint8Array(n), n), false, 'a run past the end of its array');
    assert.equal(backend.compare?.('gt', b, a, new Uint8Array(n), n), false, 'the other operand past its end');
    assert.equal(backend.compare?.('gt', b, b, new Uint8Array(n - 1), n), false, 'out too short');
    assert.equal(backend.compare?.('gt', b, b, new Uint8Array(8), 8), false, 'under 128 elements: the JS loop');
    assert.equal(backend.select?.(new Uint8Array(n), 1, b, b, new Ctor(n), n), false, 'condition too short');
    assert.equal(backend.select?.(new Uint8Array(n), 0, a, b, new Ctor(n), n), false, 'a value run past its end');
    assert.equal(backend.select?.(new Uint8Array(n), 0, b, b, new Ctor(n - 1), n), false, 'out too short');
  }
  const a32: RunOperand = { data: new Float32Array(200), offset: 0, step: 1 }, b64: RunOperand = { data: new Float64Array(200), offset: 0, step: 1 };
  assert.equal(backend.compare?.('lt', a32, b64, new Uint8Array(200), 200), false, 'mixed types');
  assert.equal(backend.select?.(new Uint8Array(200), 0, a32, a32, new Float64Array(200), 200), false, 'mixed types');
  // Through the ops: comparisons and where equal the JS backend's.
  const t = torch.randn([40, 30]), u = torch.randn([40, 30]).round();
  const before = torch.backends.current();
  try {
    const run = (): unknown[] => [t.gt(0), t.le(u), t.eq(u.mul(0)), t.ne(t), torch.where(t.gt(u), t, u), torch.where(u.eq(0), t, torch.tensor(2))].map((r) => r.tolist());
    torch.backends.use('native');
    const native = run();
    torch.backends.use('js');
    assert.deepEqual(native, run());
  } finally {
    torch.backends.use(before);
  }
});

test('extremeRows: max and min along a dim, the first position of the extreme (the first nan, the earlier of equal values and of -0 and +0) as ops/selection.ts\'s loop; the ops on it; declines short outputs, mixed types and sizes of 0', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(21);
  /** ops/selection.ts's loop, written out again. */
  const reference = (x: FloatArray, outer: number, size: number, inner: number, min: boolean): [number[], bigint[]] => {
    const values: number[] = [], indices: bigint[] = [];
    const sign = min ? -1 : 1;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at0 = o * size * inner + i;
        let best = sign * x[at0];
        let at = 0;
        for (let j = 1; j < size && best === best; j++) {
          const v = sign * x[at0 + j * inner];
          if (v > best) [best, at] = [v, j];
          else if (v !== v) [best, at] = [v, j];
        }
        values.push(x[at0 + at * inner]);
        indices.push(BigInt(at));
      }
    }
    return [values, indices];
  };
  for (const [, Ctor] of FLOATS) {
    // [outer, size, inner]: rows along the last dim (vectors of eight and a tail; short rows, which
    // the kernel scans as the JS loop does), along a middle dim.
    for (const [outer, size, inner] of [[40, 37, 1], [9, 300, 1], [64, 10, 1], [6, 5, 29], [3, 64, 8]]) {
      const x = new Ctor(outer * size * inner);
      // Few distinct values, so that ties are common; then rows with nans, zeros of both signs, -inf.
      for (let k = 0; k < x.length; k++) x[k] = Math.floor(rand() * 9) - 4;
      const row = (o: number, j: number, i = 0): number => (o * size + j) * inner + i;
      x[row(1, 3)] = NaN;
      x[row(1, size - 1)] = NaN;
      x[row(2, size - 1)] = NaN; // a nan in the last lane
      for (let j = 0; j < size; j++) x[row(3, j)] = -Infinity;
      for (let j = 0; j < size; j++) x[row(4, j)] = j % 3 === 0 ? -0 : j % 3 === 1 ? 0 : -5;
      for (let j = 0; j < size; j++) x[row(5, j)] = j % 2 === 0 ? 0 : -0;
      for (const min of [false, true]) {
        const values = new Ctor(outer * inner);
        const indices = new BigInt64Array(outer * inner);
        assert.equal(backend.extremeRows?.(x, outer, size, inner, min, values, indices), true);
        const [expectedValues, expectedIndices] = reference(x, outer, size, inner, min);
        const first = expectedValues.findIndex((v, k) => !Object.is(v, values[k]) || expectedIndices[k] !== indices[k]);
        assert.equal(first, -1, `${Ctor.name} ${min ? 'min' : 'max'} [${outer}, ${size}, ${inner}] row ${first}: ${values[first]} at ${indices[first]} against ${expectedValues[first]} at ${expectedIndices[first]}`);
      }
    }
    const x = new Ctor(4096);
    assert.equal(backend.extremeRows?.(x, 64, 64, 1, false, new Ctor(63), new BigInt64Array(64)), false, 'values too short');
    assert.equal(backend.extremeRows?.(x, 64, 64, 1, false, new Ctor(64), new BigInt64Array(63)), false, 'indices too short');
    assert.equal(backend.extremeRows?.(x, 65, 64, 1, false, new Ctor(65), new BigInt64Array(65)), false, 'rows past the end of x');
    assert.equal(backend.extremeRows?.(x, 64, 0, 1, false, new Ctor(64), new BigInt64Array(64)), false, 'rows of no elements');
    assert.equal(backend.extremeRows?.(x, 2, 8, 1, false, new Ctor(2), new BigInt64Array(2)), false, 'under 128 elements: the JS loop');
  }
  assert.equal(backend.extremeRows?.(new Float32Array(4096), 64, 64, 1, false, new Float64Array(64), new BigInt64Array(64)), false, 'mixed types');
  // Through the ops: max/min/argmax along a dim equal the JS backend's.
  const t = torch.randn([64, 33, 5]);
  const before = torch.backends.current();
  try {
    for (const dim of [0, 1, 2]) {
      torch.backends.use('native');
      const [nv, ni] = t.max(dim);
      const [mv, mi] = t.min(dim);
      const na = t.argmax(dim);
      torch.backends.use('js');
      const [jv, ji] = t.max(dim);
      const [kv, ki] = t.min(dim);
      assert.deepEqual([nv.tolist(), ni.tolist(), mv.tolist(), mi.tolist(), na.tolist()], [jv.tolist(), ji.tolist(), kv.tolist(), ki.tolist(), t.argmax(dim).tolist()], `dim ${dim}`);
    }
  } finally {
    torch.backends.use(before);
  }
});

test('softmaxRows: ops/softmax.ts\'s float32 arithmetic with the backend\'s exp, nan and infinite rows included; declines short outputs and rows outside x', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(9);
  // 43 rows: five whole tiles of eight side by side, and three; 37 elements: vectors of eight and five.
  const [rows, size] = [43, 37];
  const x = new Float32Array(3 + rows * size);
  for (let i = 0; i < x.length; i++) x[i] = (rand() - 0.5) * 40;
  x[3 + 5 * size + 2] = NaN;
  x[3 + 6 * size + 1] = Infinity;
  for (let j = 0; j < size; j++) x[3 + 7 * size + j] = -Infinity;
  x[3 + 8 * size] = -0;
  x[3 + 8 * size + 1] = 0;
  // A maximum of -0 alone: log_softmax's x - max is +0 there (not -0 - 0), and log(sum) is 0.
  for (let j = 0; j < size; j++) x[3 + 9 * size + j] = j === 30 ? -0 : -200;
  x[3 + 11 * size - 1] = 25; // a maximum in the last lane past the whole vectors
  for (const log of [false, true]) {
    const shifted = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) {
      let m = -Infinity;
      for (let j = 0; j < size; j++) m = Math.max(m, x[3 + r * size + j]);
      for (let j = 0; j < size; j++) shifted[r * size + j] = x[3 + r * size + j] - m;
    }
    const exps = new Float32Array(rows * size);
    assert.equal(backend.unary?.('exp', { data: shifted, offset: 0, step: 1 }, exps, rows * size), true);
    const expected = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (let j = 0; j < size; j++) total += exps[r * size + j];
      for (let j = 0; j < size; j++) expected[r * size + j] = log ? shifted[r * size + j] - Math.log(total) : exps[r * size + j] / total;
    }
    const out = new Float32Array(rows * size);
    assert.equal(backend.softmaxRows?.(x, 3, rows, size, log, out), true);
    // Element by element with Object.is: deepEqual compares float arrays with ===, which nan fails.
    const first = out.findIndex((v, i) => !Object.is(v, expected[i]));
    assert.equal(first, -1, `${log ? 'log_softmax' : 'softmax'} element ${first}: ${out[first]} against ${expected[first]}`);
    assert.ok(Number.isNaN(out[5 * size]) && out[6 * size + 1] !== out[6 * size + 1] && Number.isNaN(out[7 * size]), 'nan rows stay nan');
    assert.ok(Object.is(out[9 * size + 30], log ? 0 : 1), 'the -0 maximum');
  }
  assert.equal(backend.softmaxRows?.(x, 3, rows, size, false, new Float32Array(rows * size - 1)), false);
  assert.equal(backend.softmaxRows?.(x, 4, rows, size, false, new Float32Array(rows * size)), false);
  assert.equal(backend.softmaxRows?.(x, 0, 2, 8, false, new Float32Array(16)), false, 'under 128 elements: the JS loops');
});

test('softmaxBackwardRows: ops/softmax.ts\'s backward arithmetic (float32 steps, row sums in double in order, the backend\'s exp), nan included; declines short arrays', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(12);
  const [rows, size] = [43, 37];
  const n = rows * size;
  const g = Float32Array.from({ length: n }, () => (rand() - 0.5) * 4 * spread(rand));
  const y = Float32Array.from({ length: n }, () => rand() - 1.2);
  g[3 * size + 4] = NaN;
  for (const log of [false, true]) {
    const exps = new Float32Array(n);
    assert.equal(backend.unary?.('exp', { data: y, offset: 0, step: 1 }, exps, n), true);
    const expected = new Float32Array(n);
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (let j = 0; j < size; j++) total += log ? g[r * size + j] : Math.fround(g[r * size + j] * y[r * size + j]);
      const sum = Math.fround(total);
      for (let j = 0; j < size; j++) {
        const p = r * size + j;
        expected[p] = log ? g[p] - Math.fround(exps[p] * sum) : y[p] * Math.fround(g[p] - sum);
      }
    }
    const out = new Float32Array(n);
    assert.equal(backend.softmaxBackwardRows?.(g, y, rows, size, log, out), true);
    const first = out.findIndex((v, i) => !Object.is(v, expected[i]));
    assert.equal(first, -1, `${log ? 'log_softmax' : 'softmax'} element ${first}: ${out[first]} against ${expected[first]}`);
    assert.ok(Number.isNaN(out[3 * size]) && !Number.isNaN(out[4 * size]), 'a nan gradient spoils its own row only');
  }
  assert.equal(backend.softmaxBackwardRows?.(g, y, rows, size, false, new Float32Array(n - 1)), false);
  assert.equal(backend.softmaxBackwardRows?.(g.subarray(1), y, rows, size, false, new Float32Array(n)), false);
  assert.equal(backend.softmaxBackwardRows?.(g, y, 2, 8, false, new Float32Array(16)), false, 'under 128 elements: the JS loop');
});

interface LayerNormCase {
  shape: number[];
  normalized: number[];
  /** The input, with a nan and an infinite row where there are more than 3 rows. */
  x: torch.Tensor;
  /** An upstream gradient of the input's shape, with a nan in one more row. */
  g: torch.Tensor;
  /** No affine, weight and bias, weight alone, bias alone with another eps. */
  affines: Array<{ weight?: torch.Tensor; bias?: torch.Tensor; eps?: number }>;
}

/** layer_norm's test cases: one to three batch dims, rows of 1 element, no batch dim. */
/**
 * A factor from 2^-12 to 2^12: values scaled by it make the kernels' sums in double round, as real
 * data's do (sums of unscaled values are exact, whatever their order); an order other than the JS
 * loops' then shows where a sum is kept in double (moments), and after rounding to float32 rarely.
 */
function spread(rand: () => number): number {
  return 2 ** Math.floor(rand() * 25 - 12);
}

function layerNormCases(seed: number): LayerNormCase[] {
  const rand = random(seed);
  const shapes: Array<[number[], number[]]> = [[[40, 37], [37]], [[3, 5, 64], [64]], [[6, 4, 8], [4, 8]], [[200, 1], [1]], [[300], [300]]];
  return shapes.map(([shape, normalized]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const size = normalized.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, () => ((rand() - 0.5) * 40 + 3) * spread(rand));
    const upstream = Float32Array.from({ length: n }, () => (rand() - 0.5) * 4 * spread(rand));
    if (n / size > 3) {
      values[size] = NaN;
      values[2 * size + 1] = Infinity;
      upstream[3 * size + 2] = NaN;
    }
    const weight = torch.tensor(Array.from({ length: size }, () => rand() * 2 - 0.5)).reshape(normalized);
    const bias = torch.tensor(Array.from({ length: size }, () => rand() - 0.5)).reshape(normalized);
    return {
      shape, normalized,
      x: torch.tensor(Array.from(values)).reshape(shape),
      g: torch.tensor(Array.from(upstream)).reshape(shape),
      affines: [{}, { weight, bias }, { weight }, { bias, eps: 0.1 }],
    };
  });
}

test('layerNormRows: F.layerNorm on the native backend equals the composed ops on the JS backend, element for element (nan and infinite rows, with and without affine, two batch dims, no batch dim); declines short arrays', { skip }, () => {
  const backend = native as NativeBackend;
  const before = torch.backends.current();
  const F = torch.nn.functional;
  try {
    for (const { shape, normalized, x, affines } of layerNormCases(10)) {
      for (const affine of affines) {
        const results = (['native', 'js'] as const).map((name) => {
          torch.backends.use(name);
          return F.layerNorm(x, normalized, affine).contiguousData() as Float32Array;
        });
        const first = results[0].findIndex((v, i) => !Object.is(v, results[1][i]));
        assert.equal(first, -1, `${shape} ${Object.keys(affine)} element ${first}: ${results[0][first]} against ${results[1][first]}`);
      }
    }
  } finally {
    torch.backends.use(before);
  }
  const x = new Float32Array(8 * 32);
  assert.equal(backend.layerNormRows?.(x, 0, 8, 32, 1e-5, null, null, new Float32Array(8 * 32)), true);
  assert.equal(backend.layerNormRows?.(x, 1, 8, 32, 1e-5, null, null, new Float32Array(8 * 32)), false);
  assert.equal(backend.layerNormRows?.(x, 0, 8, 32, 1e-5, null, null, new Float32Array(8 * 32 - 1)), false);
  assert.equal(backend.layerNormRows?.(x, 0, 8, 32, 1e-5, new Float32Array(31), null, new Float32Array(8 * 32)), false);
  assert.equal(backend.layerNormRows?.(x, 0, 8, 32, 1e-5, null, new Float32Array(31), new Float32Array(8 * 32)), false);
  assert.equal(backend.layerNormRows?.(x, 0, 2, 32, 1e-5, null, null, new Float32Array(64)), false, 'under 128 elements: the composed ops');
});

/** The first index where two float arrays differ (Object.is), -1 where they do not; 0 for other lengths. */
const firstDifference = (a: Float32Array, b: Float32Array): number => (a.length !== b.length ? 0 : a.findIndex((v, i) => !Object.is(v, b[i])));
const floats = (t: torch.Tensor): Float32Array => t.contiguousData() as Float32Array;

/**
 * The gradients of input, weight and bias of `normalise` (affine leaves given) backward from `g`, on
 * the native and on the JS backend, asserted equal element for element; returns the JS ones.
 */
function sameNormGradients(label: string, x: torch.Tensor, g: torch.Tensor, affine: { weight?: torch.Tensor; bias?: torch.Tensor }, normalise: (x: torch.Tensor, weight?: torch.Tensor, bias?: torch.Tensor) => torch.Tensor): Array<torch.Tensor | null> {
  const grads = (['native', 'js'] as const).map((name) => {
    torch.backends.use(name);
    const leaves = { x: x.clone().requiresGrad_(), weight: affine.weight?.clone().requiresGrad_(), bias: affine.bias?.clone().requiresGrad_() };
    normalise(leaves.x, leaves.weight, leaves.bias).backward(g);
    return [leaves.x.grad, leaves.weight?.grad ?? null, leaves.bias?.grad ?? null];
  });
  grads[0].forEach((grad, i) => {
    const which = `${label} ${['input', 'weight', 'bias'][i]}'s gradient`;
    const other = grads[1][i];
    assert.equal(grad === null, other === null, which);
    if (grad === null || other === null) return;
    const first = firstDifference(floats(grad), floats(other));
    assert.equal(first, -1, `${which}, element ${first}: ${floats(grad)[first]} against ${floats(other)[first]}`);
  });
  return grads[1];
}

test('normBackward: layer_norm\'s, batch_norm\'s and group_norm\'s gradients on the native backend equal the composed ops on the JS backend, element for element (input, weight and bias; nan and infinite groups; with and without affine; layer_norm without a batch dim: composed); the primitive alone gives the same dx; declines short arrays and weights', { skip }, () => {
  const backend = native as NativeBackend;
  const before = torch.backends.current();
  const F = torch.nn.functional;
  /** normBackward called directly on x seen as `groups`, against the composed dx. */
  const samePrimitive = (label: string, x: torch.Tensor, g: torch.Tensor, groups: NormGroups, eps: number, weight: torch.Tensor | undefined, expected: torch.Tensor | null): void => {
    const dx = new Float32Array(x.numel());
    assert.equal(backend.normBackward?.(floats(x), floats(g), groups, eps, weight === undefined ? null : floats(weight), dx, null), true, label);
    const first = firstDifference(dx, floats(expected as torch.Tensor));
    assert.equal(first, -1, `${label} normBackward, element ${first}: ${dx[first]} against ${floats(expected as torch.Tensor)[first]}`);
  };
  try {
    for (const { shape, normalized, x, g, affines } of layerNormCases(11)) {
      const size = normalized.reduce((a, b) => a * b, 1);
      for (const affine of affines) {
        const label = `layer_norm ${shape} ${Object.keys(affine)}`;
        const [dx] = sameNormGradients(label, x, g, affine, (t, weight, bias) => F.layerNorm(t, normalized, { ...affine, weight, bias }));
        const rows: NormGroups = { outer: 1, width: x.numel() / size, inner: size, weightPeriod: 1, weightStride: 0, weightRun: 1 };
        if (shape.length > normalized.length) samePrimitive(label, x, g, rows, affine.eps ?? 1e-5, affine.weight, dx);
      }
    }
    const rand = random(13);
    // [shape, groups of group_norm]
    const images: Array<[number[], number]> = [[[8, 6, 5, 7], 3], [[40, 5], 5], [[5, 4, 10], 2], [[16, 9, 12, 12], 3]];
    for (const [shape, numGroups] of images) {
      const n = shape.reduce((a, b) => a * b, 1);
      const [batch, channels] = shape;
      const positions = n / (batch * channels);
      const values = Float32Array.from({ length: n }, () => ((rand() - 0.5) * 40 + 3) * spread(rand));
      values[positions + 1] = NaN; // sample 0, channel 1
      const x = torch.tensor(Array.from(values)).reshape(shape);
      const g = torch.tensor(Array.from({ length: n }, () => (rand() - 0.5) * 4 * spread(rand))).reshape(shape);
      const weight = torch.tensor(Array.from({ length: channels }, () => rand() * 2 - 0.5));
      const bias = torch.tensor(Array.from({ length: channels }, () => rand() - 0.5));
      const perChannel: NormGroups = { outer: batch, width: channels, inner: positions, weightPeriod: channels, weightStride: 1, weightRun: positions };
      const perGroup: NormGroups = {
        outer: 1, width: batch * numGroups, inner: (channels / numGroups) * positions,
        weightPeriod: numGroups, weightStride: channels / numGroups, weightRun: positions,
      };
      for (const affine of [{}, { weight, bias }, { weight }, { bias, eps: 0.1 }]) {
        const eps = affine.eps ?? 1e-5;
        let label = `batch_norm ${shape} ${Object.keys(affine)}`;
        const [dx] = sameNormGradients(label, x, g, affine, (t, w, b) => F.batchNorm(t, null, null, { ...affine, weight: w, bias: b, training: true }));
        samePrimitive(label, x, g, perChannel, eps, affine.weight, dx);
        label = `group_norm ${shape} in ${numGroups} ${Object.keys(affine)}`;
        const [gdx] = sameNormGradients(label, x, g, affine, (t, w, b) => F.groupNorm(t, numGroups, { ...affine, weight: w, bias: b }));
        samePrimitive(label, x, g, perGroup, eps, affine.weight, gdx);
      }
    }
  } finally {
    torch.backends.use(before);
  }
  const x = new Float32Array(8 * 32);
  const out = (): Float32Array => new Float32Array(8 * 32);
  const rows: NormGroups = { outer: 1, width: 8, inner: 32, weightPeriod: 1, weightStride: 0, weightRun: 1 };
  const channels: NormGroups = { outer: 2, width: 4, inner: 32, weightPeriod: 4, weightStride: 1, weightRun: 32 };
  assert.equal(backend.normBackward?.(x, x, channels, 1e-5, new Float32Array(4), out(), out()), true);
  assert.equal(backend.normBackward?.(x, x, channels, 1e-5, new Float32Array(3), out(), null), false, 'four channels need four weights');
  assert.equal(backend.normBackward?.(x, x, { ...channels, weightRun: 1 }, 1e-5, new Float32Array(4), out(), null), false, 'a weight per element needs 35');
  assert.equal(backend.normBackward?.(x, x, { ...channels, weightRun: 0 }, 1e-5, null, out(), null), false, 'runs of 0');
  assert.equal(backend.normBackward?.(x.subarray(1), x, rows, 1e-5, null, out(), null), false);
  assert.equal(backend.normBackward?.(x, x, rows, 1e-5, null, new Float32Array(8 * 32 - 1), null), false);
  assert.equal(backend.normBackward?.(x, x, rows, 1e-5, null, out(), new Float32Array(8 * 32 - 1)), false);
  assert.equal(backend.normBackward?.(x, x, rows, 1e-5, new Float32Array(31), out(), null), false);
  assert.equal(backend.normBackward?.(x, x, { ...rows, width: 2 }, 1e-5, null, new Float32Array(64), null), false, 'under 128 elements: the composed ops');
});

test('maxPool2d: values and indices equal the JS kernel, nan and -inf windows included', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(4);
  const cases: Array<[number, number, number, number, number, number, number, number]> = [
    // inH, inW, k, stride, pad, dilation, planes, offset
    [6, 6, 2, 2, 0, 1, 3, 0], [7, 9, 3, 2, 1, 1, 4, 5], [10, 8, 3, 1, 1, 2, 2, 1], [5, 5, 5, 1, 2, 1, 1, 0], [32, 32, 2, 2, 0, 1, 70, 0],
    // 2x2 at stride 2 a vector of outputs at a time (kernels.inc max_pool_2x2): rows of 14 and 10
    // outputs end in a vector overlapping the one before; an odd width leaves its last column out.
    [28, 28, 2, 2, 0, 1, 6, 3], [9, 21, 2, 2, 0, 1, 3, 1],
  ];
  for (const [dtype, Ctor] of FLOATS) {
    for (const [inH, inW, k, stride, pad, dilation, planes, offset] of cases) {
      const g: PoolGeometry = {
        planes, inH, inW, outH: outSize(inH, k, stride, pad, dilation), outW: outSize(inW, k, stride, pad, dilation),
        kH: k, kW: k, strideH: stride, strideW: stride, padH: pad, padW: pad, dilationH: dilation, dilationW: dilation,
      };
      const data = randomArray(Ctor, offset + planes * inH * inW, rand);
      for (let i = 0; i < data.length; i += 7) data[i] = NaN;
      for (let i = 3; i < data.length; i += 5) data[i] = -Infinity;
      const n = planes * g.outH * g.outW;
      const expected = new Ctor(n);
      const expectedIndices = new BigInt64Array(n);
      jsMaxPool2d(g, { data, offset }, expected, expectedIndices);
      eachPath(backend, (path) => {
        const actualIndices = new BigInt64Array(n);
        const actual = sameWithThreads(backend, () => {
          const out = new Ctor(n).fill(NaN);
          assert.equal(backend.maxPool2d?.(g, { data, offset }, out, actualIndices), true);
          return out;
        }, 'maxPool2d');
        const what = `${dtype} maxPool2d ${JSON.stringify(g)} (${path})`;
        assert.deepEqual(actual, expected, what);
        assert.deepEqual(actualIndices, expectedIndices, what);
      });
    }
  }
});

test('maxPoolBackward: the same sums as the JS kernel (repeated indices too); an index outside its plane declined', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(5);
  const [planes, inPlane, outPlane, offset] = [70, 36, 16, 3];
  const indices = new BigInt64Array(offset + planes * outPlane);
  // Windows overlap (stride below the kernel size), so an input element gets several gradients.
  for (let i = offset; i < indices.length; i++) indices[i] = BigInt(Math.floor(rand() * 12));
  for (const [dtype, Ctor] of FLOATS) {
    const grad = { data: randomArray(Ctor, offset + planes * outPlane, rand), offset };
    const expected = new Ctor(planes * inPlane);
    jsMaxPoolBackward(planes, inPlane, outPlane, grad, { data: indices, offset }, expected);
    const actual = sameWithThreads(backend, () => {
      // Uninitialised memory, as the op layer gives it: every element is written (zero where no index points).
      const out = new Ctor(planes * inPlane).fill(NaN);
      assert.equal(backend.maxPoolBackward?.(planes, inPlane, outPlane, grad, { data: indices, offset }, out), true);
      return out;
    }, 'maxPoolBackward');
    assert.deepEqual(actual, expected, dtype);
    const bad = indices.slice();
    bad[bad.length - 1] = BigInt(inPlane);
    const out = new Ctor(planes * inPlane).fill(NaN);
    assert.equal(backend.maxPoolBackward?.(planes, inPlane, outPlane, grad, { data: bad, offset }, out), false);
    assert.ok(out.every((v) => v === 0), `${dtype}: zero-filled again after declining`);
  }
});

// ---- elementwise and sums ----

const UNARY: UnaryOpName[] = ['neg', 'abs', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'erf'];
const BINARY: BinaryOpName[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'reluBackward'];
/** Ops computed with a libm function, which may round differently from V8's in the last place. */
const TRANSCENDENTAL = new Set<string>(['exp', 'log', 'tanh', 'sigmoid', 'erf']);

/** Values with the edge cases of every op: signed zeros, nan, infinities, ties, large and tiny. */
function edgyArray(Ctor: FloatCtor, n: number, rand: () => number): FloatArray {
  const specials = [0, -0, NaN, Infinity, -Infinity, 1, -1, 1e-30, 80, -80, 700, -700];
  const a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = i < specials.length ? specials[i] : (rand() * 2 - 1) * 10;
  return a;
}

// Outputs start as NaN: the op layer gives these primitives uninitialised memory (uninitialisedFloats),
// so both the addon and the JS loops it falls back to must write every element.
test('unary and binary ops equal the JS loops (runs and repeated values, large runs on both threads)', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(5);
  for (const [dtype, Ctor] of FLOATS) {
    const rtol = Ctor === Float32Array ? 4e-7 : 4e-16;
    for (const n of [200, 1001, 100003]) {
      const a = edgyArray(Ctor, n + 2, rand);
      const b = edgyArray(Ctor, n + 2, rand).reverse();
      for (const [aStep, bStep] of [[1, 1], [0, 1], [1, 0], [0, 0]] as Array<[0 | 1, 0 | 1]>) {
        const ra = { data: a, offset: 2, step: aStep };
        const rb = { data: b, offset: 1, step: bStep };
        for (const op of UNARY) {
          if (bStep === 0 && aStep === 1 || aStep !== bStep) continue;
          const expected = new Ctor(n).fill(NaN);
          jsBackend.unary?.(op, ra, expected, n);
          const actual = sameWithThreads(backend, () => {
            const out = new Ctor(n).fill(NaN);
            assert.equal(backend.unary?.(op, ra, out, n), true);
            return out;
          }, op);
          const what = `${dtype} ${op} n=${n} step ${aStep}`;
          // float64 erf takes glibc's exp where the JS function takes V8's; near |x| = 0.5, where 1 - erfc
          // keeps about the size of erfc, their last-bit difference shows as up to 2 ulps (4.3e-16 relative).
          if (TRANSCENDENTAL.has(op)) assertClose(actual, expected, op === 'erf' && Ctor === Float64Array ? 1e-15 : rtol, 0, what);
          else assert.deepEqual(actual, expected, what);
        }
        for (const op of BINARY) {
          const expected = new Ctor(n).fill(NaN);
          jsBackend.binary?.(op, ra, rb, expected, n);
          const actual = sameWithThreads(backend, () => {
            const out = new Ctor(n).fill(NaN);
            assert.equal(backend.binary?.(op, ra, rb, out, n), true);
            return out;
          }, op);
          assert.deepEqual(actual, expected, `${dtype} ${op} n=${n} steps ${aStep}/${bStep}`);
        }
      }
    }
    // Short runs are left to the JS loops, which are faster than a call into the addon.
    const short = { data: new Ctor(13), offset: 0, step: 1 as const };
    assert.equal(backend.unary?.('exp', short, new Ctor(13), 13), false);
    assert.equal(backend.binary?.('add', short, short, new Ctor(13), 13), false);
    assert.equal(backend.sum?.(short, 13), null);
  }
});

test('binaryBlocks: every block as binary gives it (steps 0 and 1, repeated and overlapping starts, both threads); declines starts outside an array or not whole, short outputs, mixed types', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(9);
  for (const [dtype, Ctor] of FLOATS) {
    const a = edgyArray(Ctor, 5000, rand);
    const b = edgyArray(Ctor, 3000, rand);
    for (const [length, blocks] of [[40, 9], [300, 1200]]) {
      for (const [aStep, bStep] of [[1, 1], [1, 0], [0, 1], [0, 0]] as Array<[0 | 1, 0 | 1]>) {
        const starts = Float64Array.from({ length: 2 * blocks }, (_, i) => (i < 4 ? 7 : Math.floor(rand() * ((i % 2 === 0 ? a.length : b.length) - length))));
        for (const op of BINARY) {
          const expected = new Ctor(blocks * length).fill(NaN);
          for (let j = 0; j < blocks; j++) {
            const ra = { data: a, offset: starts[2 * j], step: aStep };
            const rb = { data: b, offset: starts[2 * j + 1], step: bStep };
            jsBackend.binary?.(op, ra, rb, expected.subarray(j * length, (j + 1) * length), length);
          }
          const actual = sameWithThreads(backend, () => {
            const out = new Ctor(blocks * length).fill(NaN);
            assert.equal(backend.binaryBlocks?.(op, a, aStep, b, bStep, starts, length, out), true);
            return out;
          }, op);
          assert.deepEqual(actual, expected, `${dtype} ${op} ${blocks} blocks of ${length}, steps ${aStep}/${bStep}`);
        }
      }
    }
  }
  const x = new Float32Array(1000);
  const ok = Float64Array.from({ length: 8 }, (_, i) => i * 100);
  const run = (starts: Float64Array, out = new Float32Array(4 * 200), aStep: 0 | 1 = 1): boolean | undefined =>
    backend.binaryBlocks?.('add', x, aStep, x, 1, starts, 200, out);
  assert.equal(run(ok), true);
  assert.equal(run(Float64Array.from(ok, (v, i) => (i === 5 ? 801 : v))), false, 'a run past the end');
  assert.equal(run(Float64Array.from(ok, (v, i) => (i === 4 ? 999 : v)), undefined, 0), true, 'a repeated last element');
  assert.equal(run(Float64Array.from(ok, (v, i) => (i === 3 ? -1 : v))), false);
  assert.equal(run(Float64Array.from(ok, (v, i) => (i === 3 ? 0.5 : v))), false);
  assert.equal(run(Float64Array.from(ok, (v, i) => (i === 3 ? NaN : v))), false);
  assert.equal(run(ok.subarray(0, 7)), false, 'an odd count of starts');
  assert.equal(run(ok, new Float32Array(4 * 200 - 1)), false);
  assert.equal(backend.binaryBlocks?.('add', x, 1, x, 1, ok, 200, new Float64Array(4 * 200)), false);
  assert.equal(backend.binaryBlocks?.('add', x, 1, x, 1, ok.subarray(0, 2), 20, new Float32Array(20)), false, 'under 128 elements: the JS loops');
});

test('float32 exp, log, tanh, sigmoid and erf (double-precision lanes) within one ulp of the JS kernels, AVX2 and portable', { skip }, () => {
  const backend = native as NativeBackend;
  try {
    for (const genericKernels of [false, true]) {
      backend.configure({ blas: true, genericKernels });
      assertTranscendentalsWithinOneUlp((op, a, out, n) => backend.unary?.(op, a, out, n), random(9), ['exp', 'log', 'tanh', 'sigmoid', 'erf']);
    }
  } finally {
    backend.configure({ blas: true, genericKernels: false });
  }
});

test('sum of a run: as precise as the JS sum, the same for any thread count; repeated values declined', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(6);
  for (const [dtype, Ctor] of FLOATS) {
    for (const n of [128, 1000, 300001]) {
      const a = randomArray(Ctor, n + 3, rand);
      const run = { data: a, offset: 3, step: 1 as const };
      let exact = 0;
      let magnitude = 0;
      for (let i = 3; i < a.length; i++) {
        exact += a[i];
        magnitude += Math.abs(a[i]);
      }
      const before = backend.getNumThreads?.() ?? 1;
      backend.setNumThreads?.(1);
      const one = backend.sum?.(run, n);
      backend.setNumThreads?.(2);
      const two = backend.sum?.(run, n);
      backend.setNumThreads?.(before);
      assert.equal(one, two, `${dtype} sum n=${n}: threads`);
      assert.ok(Math.abs((one as number) - exact) <= 1e-14 * magnitude, `${dtype} sum n=${n}: ${one} vs ${exact}`);
    }
    assert.equal(backend.sum?.({ data: new Ctor(4), offset: 0, step: 0 }, 4), null);
  }
});

test('fused and fusedSum: every instruction as unary and binary give it, without writing the sum; bad programs declined', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(8);
  for (const [dtype, Ctor] of FLOATS) {
    for (const n of [128, 5000, 300001]) {
      const x = edgyArray(Ctor, n + 1, rand);
      const y = edgyArray(Ctor, n, rand).reverse();
      const scale = new Ctor([0.75]);
      const runs = [{ data: x, offset: 1, step: 1 as const }, { data: y, offset: 0, step: 1 as const }, { data: scale, offset: 0, step: 0 as const }];
      // sigmoid(x * y) - tanh(x * y) / 0.75, relu'd, at most y: the product is read by two instructions.
      const steps: FusedStep[] = [
        { kind: 'binary', op: 'mul', a: 0, b: 1 },
        { kind: 'unary', op: 'sigmoid', a: 3 },
        { kind: 'unary', op: 'tanh', a: 3 },
        { kind: 'binary', op: 'div', a: 5, b: 2 },
        { kind: 'binary', op: 'sub', a: 4, b: 6 },
        { kind: 'unary', op: 'relu', a: 7 },
        { kind: 'binary', op: 'minimum', a: 8, b: 1 },
      ];
      const results: FloatArray[] = [];
      const operand = (i: number): RunOperand => (i < runs.length ? runs[i] : { data: results[i - runs.length], offset: 0, step: 1 });
      for (const step of steps) {
        const out = new Ctor(n);
        if (step.kind === 'unary') assert.equal(backend.unary?.(step.op, operand(step.a), out, n), true);
        else assert.equal(backend.binary?.(step.op, operand(step.a), operand(step.b), out, n), true);
        results.push(out);
      }
      const expected = results[results.length - 1];
      const actual = sameWithThreads(backend, () => {
        const out = new Ctor(n).fill(NaN);
        assert.equal(backend.fused?.({ runs, steps }, out, n), true);
        return out;
      }, `${dtype} fused n=${n}`);
      assert.deepEqual(actual, expected, `${dtype} fused n=${n}`);
      assert.equal(backend.fusedSum?.({ runs, steps }, n), backend.sum?.({ data: expected, offset: 0, step: 1 }, n), `${dtype} fusedSum n=${n}`);
    }
    const x = new Ctor(1000);
    const run = { data: x, offset: 0, step: 1 as const };
    const out = new Ctor(1000);
    const add: FusedStep = { kind: 'binary', op: 'add', a: 0, b: 0 };
    assert.equal(backend.fused?.({ runs: [run], steps: [add] }, out, 1000), true);
    // An operand that is not yet computed, a run reaching past its array, a short run, too many instructions.
    assert.equal(backend.fused?.({ runs: [run], steps: [{ kind: 'binary', op: 'add', a: 0, b: 1 }] }, out, 1000), false);
    assert.equal(backend.fused?.({ runs: [{ data: x, offset: 1, step: 1 }], steps: [add] }, out, 1000), false);
    assert.equal(backend.fused?.({ runs: [run], steps: [add] }, out, 100), false);
    assert.equal(backend.fusedSum?.({ runs: [run], steps: [add] }, 100), null);
    const long = Array.from({ length: 17 }, (_, k): FusedStep => ({ kind: 'unary', op: 'neg', a: k }));
    assert.equal(backend.fused?.({ runs: [run], steps: long }, out, 1000), false);
    assert.equal(backend.fusedSum?.({ runs: [{ data: x, offset: 0, step: 1 }], steps: [add] }, 1001), null);
  }
});

test('sumBlocks: the sums around a block of kept dims, bit-identical to double accumulation in memory order', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(7);
  for (const [dtype, Ctor] of FLOATS) {
    // Widths past the kernel's 256-column tile, inner 1 (a bias gradient) and inner > 1 (a conv's).
    for (const [outer, width, inner] of [[128, 512, 1], [3, 700, 1], [32, 6, 784], [5, 300, 7], [1, 2000, 1], [64, 16, 64]]) {
      const offset = 5;
      const a = randomArray(Ctor, offset + outer * width * inner, rand);
      // Magnitudes 2^-30 to 2^30, so that the double sums round and their order shows.
      for (let i = 0; i < a.length; i++) a[i] *= 2 ** Math.floor(rand() * 61 - 30);
      const acc = new Float64Array(width);
      for (let o = 0, p = offset; o < outer; o++) {
        for (let k = 0; k < width; k++) for (let i = 0; i < inner; i++) acc[k] += a[p++];
      }
      const expected = Ctor.from(acc);
      const before = backend.getNumThreads?.() ?? 1;
      eachPath(backend, (path) => {
        for (const threads of [1, 2]) {
          backend.setNumThreads?.(threads);
          const out = new Ctor(width);
          assert.equal(backend.sumBlocks?.(a, offset, outer, width, inner, out), true);
          assert.deepEqual(out, expected, `${dtype} sumBlocks ${outer}x${width}x${inner}, ${threads} threads, ${path}`);
        }
      });
      backend.setNumThreads?.(before);
    }
    const a = new Ctor(4096);
    assert.equal(backend.sumBlocks?.(a, 1, 64, 64, 1, new Ctor(64)), false, 'reaching past the end of a');
    assert.equal(backend.sumBlocks?.(a, 0, 64, 64, 1, new Ctor(63)), false, 'out too short');
    assert.equal(backend.sumBlocks?.(a, 0, 2, 4, 1, new Ctor(4)), false, 'too small to pay for the call');
  }
  assert.equal(backend.sumBlocks?.(new Float32Array(4096), 0, 64, 64, 1, new Float64Array(64)), false, 'mixed dtypes');
});

test('moments: each column\'s mean and squared deviations summed in double in memory order (as the JS loops), any thread count; declines operands outside their arrays', { skip }, () => {
  const backend = native as NativeBackend;
  const rand = random(11);
  for (const [, Ctor] of FLOATS) {
    for (const [outer, width, inner] of [[64, 256, 1], [32, 16, 196], [1, 64, 256], [3, 70, 5], [512, 600, 1]]) {
      const a = new Ctor(2 + outer * width * inner);
      for (let i = 0; i < a.length; i++) a[i] = (rand() - 0.3) * 50;
      const expectedMean = new Float64Array(width);
      const expectedSquares = new Float64Array(width);
      for (let k = 0; k < width; k++) {
        const column: number[] = [];
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) column.push(a[2 + (o * width + k) * inner + i]);
        let total = 0;
        for (const v of column) total += v;
        const avg = total / column.length;
        let squares = 0;
        for (const v of column) squares += (v - avg) * (v - avg);
        expectedMean[k] = avg;
        expectedSquares[k] = squares;
      }
      const what = `${Ctor.name} [${outer}, ${width}, ${inner}]`;
      const both = sameWithThreads(backend, () => {
        const mean = new Float64Array(width).fill(NaN);
        const squares = new Float64Array(width).fill(NaN);
        assert.equal(backend.moments?.(a, 2, outer, width, inner, mean, squares), true);
        return Float64Array.from([...mean, ...squares]);
      }, what);
      assert.deepEqual(both, Float64Array.from([...expectedMean, ...expectedSquares]), what);
    }
  }
  const a = new Float32Array(64 * 32);
  const out = (): Float64Array => new Float64Array(32);
  assert.equal(backend.moments?.(a, 0, 64, 32, 1, out(), out()), true);
  assert.equal(backend.moments?.(a, 1, 64, 32, 1, out(), out()), false);
  assert.equal(backend.moments?.(a, 0, 64, 32, 1, new Float64Array(31), out()), false);
  assert.equal(backend.moments?.(a, 0, 64, 32, 1, out(), new Float32Array(32) as unknown as Float64Array), false);
  assert.equal(backend.moments?.(a, 0, 2, 32, 1, out(), out()), false, 'under 128 elements: the JS loops');
});

test('uninitialisedFloats: whole arrays of the asked type and length from 32 KiB on, declined below (at every size, NaN-filled, for the test runner)', { skip }, () => {
  const backend = native as NativeBackend;
  for (const [Ctor, length] of [[Float32Array, 8192], [Float64Array, 4096], [Float32Array, 1_000_003]] as const) {
    const a = backend.uninitialisedFloats?.(Ctor, length);
    assert.ok(a instanceof Ctor, `${Ctor.name} of ${length}`);
    assert.equal(a.length, length);
    assert.equal(a.byteOffset, 0);
    assert.equal(a.buffer.byteLength, length * Ctor.BYTES_PER_ELEMENT);
  }
  if (process.env.TSTORCH_POISON_UNINITIALISED === '1') {
    // The test runner's setting: every size, filled with NaN.
    const a = backend.uninitialisedFloats?.(Float32Array, 3);
    assert.deepEqual(a, new Float32Array([NaN, NaN, NaN]));
    return;
  }
  assert.equal(backend.uninitialisedFloats?.(Float32Array, 8191), null);
  assert.equal(backend.uninitialisedFloats?.(Float64Array, 4095), null);
});

test('torch.backends lists the native backend and describes it', { skip }, () => {
  assert.ok(torch.backends.available().includes('native'));
  const described = (native as NativeBackend).describe();
  assert.match(described, /^native addon: .*(sgemm\/dgemm( \(\w+ kernels\))?|own packed GEMM), .* kernels, \d+ threads?$/);
});

test('openBlasCoreFor: SkylakeX kernels with the five AVX-512 subsets they use, Haswell with AVX2 and FMA, else OpenBLAS decides', () => {
  const avx2 = ['sse4_2', 'avx', 'avx2', 'fma'];
  const avx512 = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'];
  assert.equal(openBlasCoreFor([...avx2, ...avx512, 'avx512_bf16']), 'SkylakeX');
  assert.equal(openBlasCoreFor([...avx2, 'avx512f', 'avx512cd']), 'Haswell');
  assert.equal(openBlasCoreFor(avx2), 'Haswell');
  assert.equal(openBlasCoreFor(['sse4_2', 'avx', 'avx2']), null);
  assert.equal(openBlasCoreFor([]), null);
});

test('the addon asks OpenBLAS for the kernels of the CPU\'s features unless OPENBLAS_CORETYPE is set, and leaves the environment as it was', {
  skip: native?.blas?.startsWith('OpenBLAS') === true ? false : 'the addon is not built with OpenBLAS',
}, () => {
  const script = "import('./dist/src/backends/native/loader.js').then((m) => " +
    'console.log(JSON.stringify([m.loadNativeBackend().blasCore, process.env.OPENBLAS_CORETYPE ?? null])))';
  const load = (env: Record<string, string>): [string | null, string | null] => {
    const { OPENBLAS_CORETYPE: _, ...rest } = process.env;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { ...rest, ...env }, encoding: 'utf8' }));
  };
  const flags = existsSync('/proc/cpuinfo') ? /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim().split(/\s+/) ?? [] : [];
  const [core, left] = load({});
  assert.equal(left, null);
  if (openBlasCoreFor(flags) !== null) assert.equal(core, openBlasCoreFor(flags));
  else assert.ok(core !== null && core.length > 0, `OpenBLAS's own choice, got ${core}`);
  assert.deepEqual(load({ OPENBLAS_CORETYPE: 'Prescott' }), ['Prescott', 'Prescott']);
});

test('choosing the native backend keeps freed buffers in the heap (glibc), unless glibc\'s own settings are given', { skip }, () => {
  const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime !== undefined;
  const script = "import('tstorch').then((torch) => { torch.backends.use('native'); torch.ones(1); " +
    "return import('./dist/src/backends/native/loader.js').then((m) => console.log(m.loadNativeBackend().keepsFreedBuffers())); })";
  const keeps = (env: Record<string, string>): string =>
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
  assert.equal(keeps({}), String(glibc));
  assert.equal(keeps({ MALLOC_TRIM_THRESHOLD_: '131072' }), 'false');
});

test('sgdStep: declined for mismatched lengths', { skip }, () => {
  const backend = native as NativeBackend;
  const options = { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
  const n = 1000;
  const a = randomArray(Float32Array, n, random(41)) as Float32Array;
  assert.equal(backend.sgdStep?.(a, new Float32Array(n), null, options), true);
  assert.equal(backend.sgdStep?.(a, new Float32Array(n - 1), null, options), false);
  assert.equal(backend.sgdStep?.(a, new Float32Array(n), new Float32Array(n + 1), options), false);
});


test('the optimizer primitives decline arrays of different lengths', { skip }, () => {
  const backend = native as NativeBackend;
  const n = 1000;
  const [a, b, c] = [0, 1, 2].map(() => new Float32Array(n));
  const short = new Float32Array(n - 1);
  const adam = { decoupled: false, decayGrad: false, shrink: 1, decay: 0, w1: 0.1, beta2: 0.999, w2: 0.001, root: 1, eps: 1e-8, scale: -1e-3, sign: 1 };
  assert.equal(backend.adamStep?.(a, b, c, new Float32Array(n), adam), true);
  assert.equal(backend.adamStep?.(a, b, c, short, adam), false);
  const rmsprop = { decayGrad: false, decay: 0, alpha: 0.99, w: 0.01, eps: 1e-8, momentum: 0, step: -0.01, sign: 1 };
  assert.equal(backend.rmspropStep?.(a, b, c, null, null, rmsprop), true);
  assert.equal(backend.rmspropStep?.(a, b, c, short, null, rmsprop), false);
  assert.equal(backend.rmspropStep?.(a, b, c, null, short, rmsprop), false);
  const adagrad = { decayGrad: false, decay: 0, eps: 1e-10, step: -0.01, sign: 1 };
  assert.equal(backend.adagradStep?.(a, b, c, adagrad), true);
  assert.equal(backend.adagradStep?.(a, short, c, adagrad), false);
});
