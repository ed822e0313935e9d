// The native backend: the Node-API addon that `npm install` builds from src/backends/native/*.cc
// (binding.gyp, tools/build-native.mjs). The addon reads and writes the typed arrays' memory in place;
// this module only loads it and spreads each primitive's operands into the flat argument lists the
// addon reads (numbers and typed arrays: cheaper to unpack in C than objects).
//
// The same source is bundled for browsers, so nothing here imports a node: module statically: the
// addon is loaded through process.getBuiltinModule (Node 20.16 and later), and anything missing (a
// browser, no build, an addon built for another Node ABI) means "no native backend" (null).
import type {
  AdagradConstants, AdamConstants, Backend, BinaryOpName, CompareOpName, ConvGeometry, FloatArray, FusedProgram, ImageOperand, MatrixOperand, NormGroups, PlaneOperand, PoolGeometry, RmspropConstants, RunOperand,
  SgdStepOptions, UnaryOpName,
} from '../backend.js';
import { registerBackendLoader } from '../registry.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { StridedOperand } from '../js/strided.js';

/** The addon's exports (src/backends/native/addon.cc); each primitive returns false to decline. */
interface Addon {
  copy(...args: [TypedArray, number, ...CopyDims, TypedArray, number, ...CopyDims, ...CopyDims]): boolean;
  gatherRows(src: TypedArray, starts: Float64Array, rowLength: number, dst: TypedArray): boolean;
  extremeRows(x: FloatArray, outer: number, size: number, inner: number, min: boolean, values: FloatArray, indices: BigInt64Array): boolean;
  compare(op: number, a: FloatArray, aOffset: number, aStep: number, b: FloatArray, bOffset: number, bStep: number, out: Uint8Array, n: number): boolean;
  select(condition: Uint8Array, offset: number, a: FloatArray, aOffset: number, aStep: number, b: FloatArray, bOffset: number, bStep: number, out: FloatArray, n: number): boolean;
  softmaxRows(x: Float32Array, offset: number, rows: number, size: number, log: boolean, out: Float32Array): boolean;
  softmaxBackwardRows(g: Float32Array, y: Float32Array, rows: number, size: number, log: boolean, out: Float32Array): boolean;
  layerNormRows(x: Float32Array, offset: number, rows: number, size: number, eps: number, weight: Float32Array | null, bias: Float32Array | null, out: Float32Array): boolean;
  normBackward(x: Float32Array, g: Float32Array, outer: number, width: number, inner: number, eps: number, weight: Float32Array | null, weightPeriod: number, weightStride: number, weightRun: number, dx: Float32Array, gx: Float32Array | null): boolean;
  gemm(
    batch: number, m: number, n: number, k: number,
    a: TypedArray, aOffset: number, aBatchStride: number, aRowStride: number, aColStride: number,
    b: TypedArray, bOffset: number, bBatchStride: number, bRowStride: number, bColStride: number,
    out: FloatArray, accumulate: boolean,
  ): boolean;
  convolutionForward(...args: [...ConvArgs, TypedArray, number, number, number, number, number, FloatArray, FloatArray | null, FloatArray]): boolean;
  convolutionTransposeForward(...args: [...ConvArgs, FloatArray, FloatArray, FloatArray | null, FloatArray]): boolean;
  convolutionWeightGrad(...args: [...ConvArgs, TypedArray, number, number, number, number, number, FloatArray, FloatArray]): boolean;
  maxPool2d(...args: [...PoolArgs, FloatArray, number, FloatArray, BigInt64Array]): boolean;
  maxPoolBackward(
    planes: number, inPlane: number, outPlane: number, grad: FloatArray, gradOffset: number, indices: BigInt64Array, indicesOffset: number, out: FloatArray,
  ): boolean;
  unary(op: number, a: FloatArray, aOffset: number, aStep: number, out: FloatArray, n: number): boolean;
  binary(op: number, a: FloatArray, aOffset: number, aStep: number, b: FloatArray, bOffset: number, bStep: number, out: FloatArray, n: number): boolean;
  binaryBlocks(op: number, a: FloatArray, aStep: number, b: FloatArray, bStep: number, starts: Float64Array, length: number, out: FloatArray): boolean;
  sum(a: FloatArray, offset: number, n: number): number | null;
  sumBlocks(a: FloatArray, offset: number, outer: number, width: number, inner: number, out: FloatArray): boolean;
  moments(a: FloatArray, offset: number, outer: number, width: number, inner: number, mean: Float64Array, squares: Float64Array): boolean;
  /** code: 4 ints per instruction {0 unary / 1 binary, op code, operand a, operand b}; layout: per run its step, then its offset. */
  fused(code: Int32Array, layout: Float64Array, out: FloatArray, n: number, ...runs: FloatArray[]): boolean;
  fusedSum(code: Int32Array, layout: Float64Array, n: number, ...runs: FloatArray[]): number | null;
  sgdStep(
    param: Float32Array, grad: Float32Array, buf: Float32Array | null,
    lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean,
  ): boolean;
  adamStep(
    param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array,
    decoupled: boolean, decayGrad: boolean, shrink: number, decay: number, w1: number, beta2: number, w2: number, root: number, eps: number,
    scale: number, sign: number,
  ): boolean;
  rmspropStep(
    param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuffer: Float32Array | null, gradAvg: Float32Array | null,
    decayGrad: boolean, decay: number, alpha: number, w: number, eps: number, momentum: number, step: number, sign: number,
  ): boolean;
  adagradStep(param: Float32Array, grad: Float32Array, sum: Float32Array, decayGrad: boolean, decay: number, eps: number, step: number, sign: number): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** Sets glibc to keep freed buffers for reuse (addon.cc's keep_freed_buffers); whether it did. */
  keepFreedBuffers(): boolean;
  /**
   * The BLAS gemm uses and the kernels OpenBLAS chose for this CPU (both null without one, or while
   * switched off), and the addon's own kernels' instruction set.
   */
  info(): { blas: string | null; blasCore: string | null; kernels: string };
  configure(useBlas: boolean, genericKernels: boolean): void;
}

type ConvArgs = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
type PoolArgs = [number, number, number, number, number, number, number, number, number, number, number, number, number];

// The addon's operation codes (the UnaryOp and BinaryOp enums of kernels.h, in the same order).
const UNARY_CODES: Record<UnaryOpName, number> = { neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, tanh: 5, sigmoid: 6, relu: 7, erf: 8 };
const BINARY_CODES: Record<BinaryOpName, number> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluBackward: 6 };
const COMPARE_CODES: Record<CompareOpName, number> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

/** The runs of an expression the addon reads (as many as its argument list holds after the others). */
const MAX_FUSED_RUNS = 24;

/** A fused program as the addon's fused() and fusedSum() read it, or null when it has too many runs. */
function encodeProgram(program: FusedProgram): { code: Int32Array; layout: Float64Array; arrays: FloatArray[] } | null {
  const { runs, steps } = program;
  if (runs.length > MAX_FUSED_RUNS) return null;
  const code = new Int32Array(4 * steps.length);
  steps.forEach((s, k) => {
    code.set(s.kind === 'unary' ? [0, UNARY_CODES[s.op], s.a, 0] : [1, BINARY_CODES[s.op], s.a, s.b], 4 * k);
  });
  const layout = new Float64Array(2 * runs.length);
  runs.forEach((r, k) => layout.set([r.step, r.offset], 2 * k));
  return { code, layout, arrays: runs.map((r) => r.data) };
}

function convArgs(g: ConvGeometry): ConvArgs {
  return [
    g.batch, g.groups, g.inChannels, g.inH, g.inW, g.outChannels, g.outH, g.outW,
    g.kH, g.kW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
  ];
}

/**
 * Below these sizes a call into the addon (about 0.25 µs of Node-API argument unpacking) costs more
 * than the JS loop it replaces, so the primitive declines and the JS kernel runs (measured on V8 12:
 * an add of 64 float32 elements, 0.14 µs in JS, 0.37 µs here; a GEMM of 8 x 8 x 8, even).
 */
const MIN_RUN = 128;
/**
 * From this size on, outputs are allocated without zeroing: below it calloc's zeroing costs no more
 * than the call into Node's allocator (measured: 16 KiB, 1.4 µs either way; 64 KiB, 5.1 against 1.9).
 */
const MIN_UNINITIALISED_BYTES = 32768;
const MIN_GEMM_MULTIPLY_ADDS = 512;

/** The native backend, with the switches its tests use to reach every code path of the addon. */
export interface NativeBackend extends Backend {
  /** The BLAS the addon was built with, e.g. "OpenBLAS 0.3.21", or null. */
  readonly blas: string | null;
  /** The kernels OpenBLAS runs on this CPU, e.g. "SkylakeX" (openBlasCoreFor), or null without OpenBLAS. */
  readonly blasCore: string | null;
  /** `blas: false` runs the addon's own GEMM; `genericKernels: true` the portable (non-AVX2) kernels. */
  configure(options: { blas: boolean; genericKernels: boolean }): void;
  /** Whether glibc keeps freed buffers for reuse, as `activate` asks it to (docs/native-backend.md). */
  keepsFreedBuffers(): boolean;
}

/** Where the addon is, relative to this file: compiled (dist/src/backends/native) or as source. */
const ADDON_PATHS = ['../../../../build/Release/tstorch.node', '../../../build/Release/tstorch.node'];

type Require = (id: string) => unknown;

/** Node's buffer module (the part used here); builtinModule gives undefined outside Node. */
interface NodeBufferModule {
  Buffer: { allocUnsafeSlow(size: number): { buffer: ArrayBuffer } };
}

function builtinModule<T>(id: string): T | undefined {
  const g = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  return g.process?.getBuiltinModule?.(id) as T | undefined;
}

/**
 * The OpenBLAS kernels to ask for on a CPU with these /proc/cpuinfo flags: "SkylakeX" with AVX-512
 * (F, CD, BW, DQ, VL, what those kernels use), "Haswell" with AVX2 and FMA, otherwise null (OpenBLAS's
 * own choice). OpenBLAS picks its kernels by the CPU's model number, and on a model newer than itself
 * falls back to its SSE3 ("Prescott") kernels: Debian's 0.3.21 on a Xeon of family 6 model 207 ran sgemm
 * at 20 GFLOPS there, 116 with SkylakeX. On the CPUs it knows, these are the kernels it picks anyway
 * (or ones with the same sgemm/dgemm: Cooperlake's, Zen's).
 */
export function openBlasCoreFor(flags: readonly string[]): string | null {
  const has = (names: string[]): boolean => names.every((f) => flags.includes(f));
  if (has(['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'])) return 'SkylakeX';
  if (has(['avx2', 'fma'])) return 'Haswell';
  return null;
}

/** The flags of /proc/cpuinfo's first processor; empty where there is none (not Linux). */
function cpuFlags(): string[] {
  const readFileSync = builtinModule<{ readFileSync?: (path: string, encoding: 'utf8') => string }>('node:fs')?.readFileSync;
  try {
    return /^flags\s*:(.*)$/m.exec(readFileSync?.('/proc/cpuinfo', 'utf8') ?? '')?.[1].trim().split(/\s+/) ?? [];
  } catch {
    return [];
  }
}

function loadAddon(): Addon | null {
  const createRequire = builtinModule<{ createRequire?: (url: string) => Require }>('node:module')?.createRequire;
  const env = builtinModule<{ env: Record<string, string | undefined> }>('node:process')?.env;
  if (createRequire === undefined || env === undefined) return null;
  const require = createRequire(import.meta.url);
  // OpenBLAS reads OPENBLAS_CORETYPE once, as the addon loads it. A value the user set is kept; ours
  // is removed again afterwards, so that processes this one starts make their own choice.
  const core = env.OPENBLAS_CORETYPE === undefined ? openBlasCoreFor(cpuFlags()) : null;
  if (core !== null) env.OPENBLAS_CORETYPE = core;
  try {
    for (const path of ADDON_PATHS) {
      try {
        return require(path) as Addon;
      } catch {
        // Not built there (or not loadable): try the next place, then give up.
      }
    }
    return null;
  } finally {
    if (core !== null) delete env.OPENBLAS_CORETYPE;
  }
}

/** copy's four dims (sizes, or one operand's strides), outermost first. */
type CopyDims = [number, number, number, number];

/** Below this many elements a copy's (or a row gather's) call into the addon costs more than the JS loops. */
const MIN_NATIVE_COPY = 1024;

/**
 * A copy's dims for the addon: dims of size 1 dropped, neighbours that both operands step through as
 * one merged, padded in front to four; null when more than four remain (the JS loops take it).
 */
function copyDims(shape: readonly number[], src: readonly number[], dst: readonly number[]): [CopyDims, CopyDims, CopyDims] | null {
  const sizes: number[] = [];
  const srcStrides: number[] = [];
  const dstStrides: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && srcStrides[last] === src[d] * shape[d] && dstStrides[last] === dst[d] * shape[d]) {
      sizes[last] *= shape[d];
      srcStrides[last] = src[d];
      dstStrides[last] = dst[d];
      continue;
    }
    sizes.push(shape[d]);
    srcStrides.push(src[d]);
    dstStrides.push(dst[d]);
  }
  if (sizes.length > 4) return null;
  while (sizes.length < 4) {
    sizes.unshift(1);
    srcStrides.unshift(0);
    dstStrides.unshift(0);
  }
  return [sizes as CopyDims, srcStrides as CopyDims, dstStrides as CopyDims];
}

/** The native backend, or null where the addon is not built or cannot load. */
export function loadNativeBackend(): NativeBackend | null {
  const addon = loadAddon();
  if (addon === null) return null;
  const { blas: builtWith, blasCore } = addon.info();
  const allocUnsafeSlow = builtinModule<NodeBufferModule>('node:buffer')?.Buffer.allocUnsafeSlow;
  // For the tests (test/backends/run.ts sets it): every output that may be uninitialised is, at any
  // size, and filled with NaN, so that a primitive that leaves an element unwritten shows it.
  const poison = builtinModule<{ env: Record<string, string | undefined> }>('node:process')?.env.TSTORCH_POISON_UNINITIALISED === '1';
  const minUninitialisedBytes = poison ? 0 : MIN_UNINITIALISED_BYTES;
  // accumulate false: the products overwrite `out`, which may be uninitialised (gemm's contract);
  // true: they are added to it (gemmAdd's).
  const product = (accumulate: boolean) => (batch: number, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: FloatArray): boolean =>
    batch * m * n * k >= MIN_GEMM_MULTIPLY_ADDS && addon.gemm(
      batch, m, n, k,
      a.data, a.offset, a.batchStride, a.rowStride, a.colStride,
      b.data, b.offset, b.batchStride, b.rowStride, b.colStride,
      out, accumulate,
    );
  return {
    name: 'native',
    blas: builtWith,
    blasCore,
    describe() {
      const { blas, blasCore: core, kernels } = addon.info();
      const threads = addon.getNumThreads();
      const gemmBy = blas === null ? 'own packed GEMM' : `${blas} sgemm/dgemm${core === null ? '' : ` (${core} kernels)`}`;
      return `native addon: ${gemmBy}, ${kernels} kernels, ${threads} thread${threads === 1 ? '' : 's'}`;
    },
    activate() {
      addon.keepFreedBuffers();
    },
    uninitialisedFloats(type: Float32ArrayConstructor | Float64ArrayConstructor, length: number): FloatArray | null {
      const bytes = length * type.BYTES_PER_ELEMENT;
      if (bytes < minUninitialisedBytes || allocUnsafeSlow === undefined) return null;
      // A slow (unpooled) Buffer owns its whole ArrayBuffer, from offset 0, as a typed array's would.
      const array = new type(allocUnsafeSlow(bytes).buffer, 0, length);
      return poison ? array.fill(NaN) : array;
    },
    keepsFreedBuffers() {
      return addon.keepFreedBuffers();
    },
    configure({ blas, genericKernels }) {
      addon.configure(blas, genericKernels);
    },
    copy(src: StridedOperand, dst: StridedOperand, shape: readonly number[]): boolean {
      let n = 1;
      for (const size of shape) n *= size;
      if (n < MIN_NATIVE_COPY) return false;
      const dims = copyDims(shape, src.strides, dst.strides);
      return dims !== null && addon.copy(src.data, src.offset, ...dims[1], dst.data, dst.offset, ...dims[2], ...dims[0]);
    },
    gatherRows(src: TypedArray, starts: Float64Array, rowLength: number, dst: TypedArray): boolean {
      return starts.length * rowLength >= MIN_NATIVE_COPY && addon.gatherRows(src, starts, rowLength, dst);
    },
    compare(op: CompareOpName, a: RunOperand, b: RunOperand, out: Uint8Array, n: number): boolean {
      return n >= MIN_RUN && addon.compare(COMPARE_CODES[op], a.data, a.offset, a.step, b.data, b.offset, b.step, out, n);
    },
    select(condition: Uint8Array, offset: number, a: RunOperand, b: RunOperand, out: FloatArray, n: number): boolean {
      return n >= MIN_RUN && addon.select(condition, offset, a.data, a.offset, a.step, b.data, b.offset, b.step, out, n);
    },
    extremeRows(x: FloatArray, outer: number, size: number, inner: number, min: boolean, values: FloatArray, indices: BigInt64Array): boolean {
      return outer * size * inner >= MIN_RUN && addon.extremeRows(x, outer, size, inner, min, values, indices);
    },
    softmaxRows(x: Float32Array, offset: number, rows: number, size: number, log: boolean, out: Float32Array): boolean {
      return rows * size >= MIN_RUN && addon.softmaxRows(x, offset, rows, size, log, out);
    },
    softmaxBackwardRows(g: Float32Array, y: Float32Array, rows: number, size: number, log: boolean, out: Float32Array): boolean {
      return rows * size >= MIN_RUN && addon.softmaxBackwardRows(g, y, rows, size, log, out);
    },
    layerNormRows(x: Float32Array, offset: number, rows: number, size: number, eps: number, weight: Float32Array | null, bias: Float32Array | null, out: Float32Array): boolean {
      return rows * size >= MIN_RUN && addon.layerNormRows(x, offset, rows, size, eps, weight, bias, out);
    },
    normBackward(x: Float32Array, g: Float32Array, groups: NormGroups, eps: number, weight: Float32Array | null, dx: Float32Array, gx: Float32Array | null): boolean {
      const { outer, width, inner, weightPeriod, weightStride, weightRun } = groups;
      return outer * width * inner >= MIN_RUN && addon.normBackward(x, g, outer, width, inner, eps, weight, weightPeriod, weightStride, weightRun, dx, gx);
    },
    gemm: product(false),
    gemmAdd: product(true),
    convolutionForward(g: ConvGeometry, input: ImageOperand, weight: FloatArray, bias: FloatArray | null, out: FloatArray): boolean {
      return addon.convolutionForward(...convArgs(g), input.data, input.offset, ...input.strides, weight, bias, out);
    },
    convolutionTransposeForward(g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray): boolean {
      return addon.convolutionTransposeForward(...convArgs(g), input, weight, bias, out);
    },
    convolutionWeightGrad(g: ConvGeometry, input: ImageOperand, gradOutput: FloatArray, out: FloatArray): boolean {
      return addon.convolutionWeightGrad(...convArgs(g), input.data, input.offset, ...input.strides, gradOutput, out);
    },
    maxPool2d(g: PoolGeometry, input: PlaneOperand<FloatArray>, out: FloatArray, indices: BigInt64Array): boolean {
      return addon.maxPool2d(
        g.planes, g.inH, g.inW, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
        input.data, input.offset, out, indices,
      );
    },
    maxPoolBackward(planes: number, inPlane: number, outPlane: number, grad: PlaneOperand<FloatArray>, indices: PlaneOperand<BigInt64Array>, out: FloatArray): boolean {
      return planes * outPlane >= MIN_RUN && addon.maxPoolBackward(planes, inPlane, outPlane, grad.data, grad.offset, indices.data, indices.offset, out);
    },
    // Short runs (every op on small tensors) are declined before the op's code is looked up.
    unary(op: UnaryOpName, a: RunOperand, out: FloatArray, n: number): boolean {
      if (n < MIN_RUN) return false;
      const code = UNARY_CODES[op];
      return code !== undefined && addon.unary(code, a.data, a.offset, a.step, out, n);
    },
    binary(op: BinaryOpName, a: RunOperand, b: RunOperand, out: FloatArray, n: number): boolean {
      if (n < MIN_RUN) return false;
      const code = BINARY_CODES[op];
      return code !== undefined && addon.binary(code, a.data, a.offset, a.step, b.data, b.offset, b.step, out, n);
    },
    binaryBlocks(op: BinaryOpName, a: FloatArray, aStep: 0 | 1, b: FloatArray, bStep: 0 | 1, starts: Float64Array, length: number, out: FloatArray): boolean {
      if ((starts.length / 2) * length < MIN_RUN) return false;
      const code = BINARY_CODES[op];
      return code !== undefined && addon.binaryBlocks(code, a, aStep, b, bStep, starts, length, out);
    },
    sum(a: RunOperand, n: number): number | null {
      // A repeated single value is rare (a broadcast scalar) and left to the JS loop.
      return a.step === 1 && n >= MIN_RUN ? addon.sum(a.data, a.offset, n) : null;
    },
    fused(program: FusedProgram, out: FloatArray, n: number): boolean {
      const encoded = n >= MIN_RUN ? encodeProgram(program) : null;
      return encoded !== null && addon.fused(encoded.code, encoded.layout, out, n, ...encoded.arrays);
    },
    fusedSum(program: FusedProgram, n: number): number | null {
      // Under MIN_RUN, sum() leaves the whole sum to the JS loop, so this declines too.
      const encoded = n >= MIN_RUN ? encodeProgram(program) : null;
      return encoded === null ? null : addon.fusedSum(encoded.code, encoded.layout, n, ...encoded.arrays);
    },
    sumBlocks(a: FloatArray, offset: number, outer: number, width: number, inner: number, out: FloatArray): boolean {
      return outer * width * inner >= MIN_RUN && addon.sumBlocks(a, offset, outer, width, inner, out);
    },
    moments(a: FloatArray, offset: number, outer: number, width: number, inner: number, mean: Float64Array, squares: Float64Array): boolean {
      return outer * width * inner >= MIN_RUN && addon.moments(a, offset, outer, width, inner, mean, squares);
    },
    sgdStep(param: Float32Array, grad: Float32Array, buf: Float32Array | null, o: SgdStepOptions): boolean {
      return param.length >= MIN_RUN &&
        addon.sgdStep(param, grad, buf, o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov, o.maximize);
    },
    adamStep(param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, c: AdamConstants): boolean {
      return param.length >= MIN_RUN && addon.adamStep(
        param, grad, expAvg, expAvgSq, c.decoupled, c.decayGrad, c.shrink, c.decay, c.w1, c.beta2, c.w2, c.root, c.eps, c.scale, c.sign,
      );
    },
    rmspropStep(
      param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuffer: Float32Array | null, gradAvg: Float32Array | null,
      c: RmspropConstants,
    ): boolean {
      return param.length >= MIN_RUN && addon.rmspropStep(
        param, grad, squareAvg, momentumBuffer, gradAvg, c.decayGrad, c.decay, c.alpha, c.w, c.eps, c.momentum, c.step, c.sign,
      );
    },
    adagradStep(param: Float32Array, grad: Float32Array, sum: Float32Array, c: AdagradConstants): boolean {
      return param.length >= MIN_RUN && addon.adagradStep(param, grad, sum, c.decayGrad, c.decay, c.eps, c.step, c.sign);
    },
    setNumThreads(n: number): void {
      addon.setNumThreads(n);
    },
    getNumThreads(): number {
      return addon.getNumThreads();
    },
  };
}

registerBackendLoader('native', loadNativeBackend);
