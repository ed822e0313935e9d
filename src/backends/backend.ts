// The backend interface: kernel primitives under the op layer.
//
// The op layer computes shapes, dtypes, broadcasting and autograd; a backend only runs loops over
// memory. The JS reference backend (src/backends/js) implements everything for every dtype and is
// always there. A faster backend (the native addon, WebAssembly) implements some primitives for some
// operands: each primitive returns true when it did the work and false when it declines (an operand it
// does not handle, an op it does not know), and the op layer then runs the JS kernel. So a backend never
// changes what an op means, only how fast it runs, and every backend passes the same conformance tests.
//
// Conventions shared by every primitive:
// - Operands are typed arrays read at an element offset (not a byte offset) through element strides.
// - `out` is a fresh contiguous array of the result's dtype, zero-filled unless the primitive's doc
//   says it may arrive uninitialised, that no operand aliases.
// - A primitive never keeps a reference to an array after it returns.
import type { TypedArray } from '../tensor/dtype.js';
import type { MatrixOperand } from './js/gemm.js';
import type { StridedOperand } from './js/strided.js';
import type { ConvGeometry, ImageOperand } from './js/conv.js';
import type { PoolGeometry, PlaneOperand } from './js/pooling.js';
import { binaryRun, sumRun, unaryRun } from './js/elementwise.js';

export type { MatrixOperand, ConvGeometry, ImageOperand, PoolGeometry, PlaneOperand };

export type BackendName = 'js' | 'wasm' | 'native';
export type FloatArray = Float32Array | Float64Array;

/**
 * Elementwise operations a backend may run by name (the JS kernels are closures, which a native or
 * WebAssembly kernel cannot call). Results must equal the JS kernels' up to the rounding of the
 * transcendental functions (`exp`, `log`, `tanh`, `sigmoid`): a backend computing in the operand's own
 * precision is within the conformance tests' tolerances.
 */
export type UnaryOpName = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'sigmoid' | 'relu' | 'erf';
export type CompareOpName = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'reluBackward';

/**
 * A contiguous run of `n` elements starting at `offset`, or, with `step` 0, one element repeated (a
 * scalar or a broadcast single value).
 */
export interface RunOperand {
  readonly data: FloatArray;
  readonly offset: number;
  readonly step: 0 | 1;
}

/**
 * An elementwise expression of named primitives (built by ops/fusion.ts). Instruction k reads its
 * operands by index: below `runs.length` a run, else the result of instruction (index - runs.length),
 * always an earlier one. The last instruction's result is the expression's.
 */
export interface FusedProgram {
  readonly runs: readonly RunOperand[];
  readonly steps: readonly FusedStep[];
}
export type FusedStep =
  | { readonly kind: 'unary'; readonly op: UnaryOpName; readonly a: number }
  | { readonly kind: 'binary'; readonly op: BinaryOpName; readonly a: number; readonly b: number };

/** The hyperparameters of one SGD step (torch.optim.SGD's, by the same names). */
export interface SgdStepOptions {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
}

/**
 * The float32 scalars of optim/adam.ts's fused loop (Adam and AdamW without amsgrad), each already
 * rounded as the loop uses it, so a backend's loop computes the same values bit for bit.
 */
export interface AdamConstants {
  /** AdamW: the parameter is first scaled by `shrink`. */
  readonly decoupled: boolean;
  /** Adam with weight decay: `decay * param` is added to the gradient. */
  readonly decayGrad: boolean;
  readonly shrink: number;
  readonly decay: number;
  /** The first moment's lerp weight (1 - beta1). */
  readonly w1: number;
  readonly beta2: number;
  /** 1 - beta2. */
  readonly w2: number;
  /** The square root of the second moment's bias correction. */
  readonly root: number;
  readonly eps: number;
  /** -lr / (first moment's bias correction). */
  readonly scale: number;
  /** -1 to maximize, else 1. */
  readonly sign: number;
}

/** The float32 scalars of optim/rmsprop.ts's fused loop (see AdamConstants). */
export interface RmspropConstants {
  readonly decayGrad: boolean;
  readonly decay: number;
  readonly alpha: number;
  /** 1 - alpha. */
  readonly w: number;
  readonly eps: number;
  readonly momentum: number;
  /** -lr. */
  readonly step: number;
  readonly sign: number;
}

/** The float32 scalars of optim/adagrad.ts's fused loop (see AdamConstants). */
export interface AdagradConstants {
  readonly decayGrad: boolean;
  readonly decay: number;
  readonly eps: number;
  /** -lr after lr_decay. */
  readonly step: number;
  readonly sign: number;
}

/**
 * The groups a normalisation takes its statistics over: x laid out [outer, width, inner], group k made
 * of the elements (o * width + k) * inner + i; group k's element i takes the weight
 * weight[(k % weightPeriod) * weightStride + floor(i / weightRun)] (layer_norm: per element of a row;
 * batch_norm: per channel; group_norm: per channel of the group).
 */
export interface NormGroups {
  outer: number;
  width: number;
  inner: number;
  weightPeriod: number;
  weightStride: number;
  weightRun: number;
}

export interface Backend {
  readonly name: BackendName;
  /** What it runs on, for people: e.g. "native addon, OpenBLAS 0.3.21, AVX2+FMA, 2 threads". */
  describe(): string;
  /** Called when the backend becomes the active one (set-up that only its use justifies). */
  activate?(): void;
  /**
   * A float array of `length` elements whose contents are unspecified, for the output of a primitive
   * that writes every element; null to decline (the caller then allocates a zeroed one). Zeroing a
   * large fresh array is a pass over memory as long as the kernel's own (a quarter of W2's time).
   */
  uninitialisedFloats?(type: Float32ArrayConstructor | Float64ArrayConstructor, length: number): FloatArray | null;
  /**
   * dst's elements over `shape` = src's (both strided views, into typed arrays of one type, that do
   * not overlap): a tensor's contiguous copy, the parts of a concatenation. False to decline.
   */
  copy?(src: StridedOperand, dst: StridedOperand, shape: readonly number[]): boolean;
  /**
   * Row i of `dst` (rows of `rowLength` elements one after another) = the `rowLength` elements of
   * `src` from `starts[i]`: index_select of a contiguous tensor, an embedding lookup. `src` and `dst`
   * of one array type. False to decline.
   */
  gatherRows?(src: TypedArray, starts: Float64Array, rowLength: number, dst: TypedArray): boolean;
  /**
   * out[i] = 1 where `a[i] op b[i]` holds, else 0, for i < n: a comparison's bool result (nan compares
   * unequal to everything), `a` and `b` runs of one float array type. False to decline.
   */
  compare?(op: CompareOpName, a: RunOperand, b: RunOperand, out: Uint8Array, n: number): boolean;
  /**
   * out[i] = a[i] where condition[offset + i] is non-zero, else b[i], for i < n: `where` with a bool
   * condition, `a`, `b` and `out` of one float array type. False to decline.
   */
  select?(condition: Uint8Array, offset: number, a: RunOperand, b: RunOperand, out: FloatArray, n: number): boolean;
  /**
   * max (`min`: min) along a dim of a contiguous float tensor seen as [outer, size, inner], size >= 1:
   * for each of the outer * inner rows, the first position of its extreme (a nan wins at its first
   * position; equal values, -0 and +0 among them, keep the earlier) into `indices` and that element
   * into `values` (x's array type). False to decline.
   */
  extremeRows?(x: FloatArray, outer: number, size: number, inner: number, min: boolean, values: FloatArray, indices: BigInt64Array): boolean;
  /**
   * softmax (log_softmax when `log`) of float32 rows of `size` contiguous elements from `offset`, with
   * ops/softmax.ts's float32 arithmetic (its exp the backend's `unary` exp). False to decline.
   */
  softmaxRows?(x: Float32Array, offset: number, rows: number, size: number, log: boolean, out: Float32Array): boolean;
  /**
   * The gradient of softmaxRows (log_softmax's with `log`) from the upstream gradient `g` and the
   * result `y`, float32 rows of `size` from offset 0, with ops/softmax.ts's backward arithmetic (its exp
   * the backend's `unary` exp). False to decline.
   */
  softmaxBackwardRows?(g: Float32Array, y: Float32Array, rows: number, size: number, log: boolean, out: Float32Array): boolean;
  /**
   * layer_norm of float32 rows of `size` contiguous elements from `offset`, with ops/normalization.ts's
   * arithmetic: each row's mean and variance summed in double in order, rstd = 1 / sqrt(variance + eps)
   * in double, then ((x - mean) * rstd) * weight + bias in float32 operations (mean and rstd rounded to
   * float32; weight and bias `size` elements, or null). False to decline.
   */
  layerNormRows?(x: Float32Array, offset: number, rows: number, size: number, eps: number, weight: Float32Array | null, bias: Float32Array | null, out: Float32Array): boolean;
  /**
   * The backward of a normalisation by batch statistics (layer_norm, batch_norm in training,
   * group_norm) of a float32 input laid out as `groups` says, from offset 0, with the arithmetic of
   * ops/normalization.ts's composed backward (batchStatisticsBackward): each group's means of x, of
   * the squared centred values, of gh = g * weight and of gh * xhat as float32 means of sums taken in
   * double in memory order, rstd = 1 / sqrt(variance + eps) (float32 rsqrt: a float32 square root,
   * then a float32 division), every step a float32 operation. Writes dx = rstd * ((gh - mean(gh)) -
   * xhat * mean(gh * xhat)) and, when `gx` is not null, g * xhat (whose sums are the weight's
   * gradient). False to decline.
   */
  normBackward?(x: Float32Array, g: Float32Array, groups: NormGroups, eps: number, weight: Float32Array | null, dx: Float32Array, gx: Float32Array | null): boolean;

  /**
   * out[b, i, j] = sum over p of a[b, i, p] * b[b, p, j] (as js/gemm.ts into a zeroed `out`), float32
   * or float64, all three arrays of the same type; `out` is contiguous [batch, m, n] and may arrive
   * uninitialised (uninitialisedFloats): the primitive writes every element.
   */
  gemm?(batch: number, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: FloatArray): boolean;
  /**
   * As gemm, but `out` holds the values the product is added to (addmm's broadcast input, with beta
   * and alpha 1), so one pass over `out` replaces a separate addition. Only a backend whose GEMM can
   * add to its output has it; its results differ from the JS path's (product rounded, then the input
   * added) by the rounding of the partial sums.
   */
  gemmAdd?(batch: number, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: FloatArray): boolean;

  /**
   * As js/conv.ts's convolutionForward, with `out` of the input's float type (not a float64
   * accumulator). Here and in the two below, `out` may arrive uninitialised (uninitialisedFloats):
   * the primitive writes every element.
   */
  convolutionForward?(g: ConvGeometry, input: ImageOperand, weight: FloatArray, bias: FloatArray | null, out: FloatArray): boolean;
  /** As js/conv.ts's convolutionTransposeForward, `out` of the input's float type. */
  convolutionTransposeForward?(g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray): boolean;
  /** As js/conv.ts's convolutionWeightGrad, `out` of the input's float type. */
  convolutionWeightGrad?(g: ConvGeometry, input: ImageOperand, gradOutput: FloatArray, out: FloatArray): boolean;

  /** As js/pooling.ts's maxPool2d (`out` may arrive uninitialised; `indices` zeroed). */
  maxPool2d?(g: PoolGeometry, input: PlaneOperand<FloatArray>, out: FloatArray, indices: BigInt64Array): boolean;
  /**
   * As js/pooling.ts's maxPoolBackward, the gradient of `out`'s float type, but `out` may arrive
   * uninitialised: the primitive writes every element (zero where no index points).
   */
  maxPoolBackward?(planes: number, inPlane: number, outPlane: number, grad: PlaneOperand<FloatArray>, indices: PlaneOperand<BigInt64Array>, out: FloatArray): boolean;

  /** out[i] = op(a[i]) for i < n. */
  unary?(op: UnaryOpName, a: RunOperand, out: FloatArray, n: number): boolean;
  /** out[i] = op(a[i], b[i]) for i < n; `reluBackward(grad, result)` is 0 where result <= 0, else grad (NaN results pass grad, as ATen's threshold_backward). */
  binary?(op: BinaryOpName, a: RunOperand, b: RunOperand, out: FloatArray, n: number): boolean;
  /**
   * binary over blocks of `length` elements (a broadcast's innermost runs): block j reads `a` from
   * starts[2j] and `b` from starts[2j + 1], each with its step, and writes out[j * length, (j + 1) * length).
   */
  binaryBlocks?(op: BinaryOpName, a: FloatArray, aStep: 0 | 1, b: FloatArray, bStep: 0 | 1, starts: Float64Array, length: number, out: FloatArray): boolean;
  /** The sum of a contiguous run, accumulated at least as precisely as a pairwise float sum. */
  sum?(a: RunOperand, n: number): number | null;
  /**
   * out[0..n) = the program's result: every element what unary and binary would give it, instruction
   * by instruction. Declining is always allowed (the op layer then runs the instructions itself).
   */
  fused?(program: FusedProgram, out: FloatArray, n: number): boolean;
  /**
   * What sum would return for the program's result over n elements, computed without writing that
   * result; null to decline.
   */
  fusedSum?(program: FusedProgram, n: number): number | null;
  /**
   * out[k] = the sum over o < outer, i < inner of a[offset + (o * width + k) * inner + i] for k < width,
   * each accumulated in double in that order (ops/sum-mean-prod.ts's keptBlockSum: sums over the dims around
   * a block of kept dims, a bias gradient's), so that it equals the JS loop's result.
   */
  sumBlocks?(a: FloatArray, offset: number, outer: number, width: number, inner: number, out: FloatArray): boolean;
  /**
   * Over the same layout as sumBlocks, for each k < width: mean[k] = that sum (in double, in the same
   * order) over outer * inner, and squares[k] = the sum in double, in the same order, of the squared
   * deviations from mean[k] (ops/statistics.ts's blockMoments: var, std and the normalisations' statistics).
   */
  moments?(a: FloatArray, offset: number, outer: number, width: number, inner: number, mean: Float64Array, squares: Float64Array): boolean;

  /**
   * One torch.optim.SGD step in place over float32 arrays of one length (`buf`, the momentum buffer,
   * null without momentum), bit-identical to src/optim/sgd.ts's fused loop.
   */
  sgdStep?(param: Float32Array, grad: Float32Array, buf: Float32Array | null, options: SgdStepOptions): boolean;
  /** optim/adam.ts's fused loop in place over float32 arrays of one length, bit-identical to it. */
  adamStep?(param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, c: AdamConstants): boolean;
  /** optim/rmsprop.ts's fused loop (`momentumBuffer` null without momentum, `gradAvg` null unless centered). */
  rmspropStep?(
    param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuffer: Float32Array | null, gradAvg: Float32Array | null,
    c: RmspropConstants,
  ): boolean;
  /** optim/adagrad.ts's fused loop. */
  adagradStep?(param: Float32Array, grad: Float32Array, sum: Float32Array, c: AdagradConstants): boolean;

  /** Threads used by large kernels; backends without threads leave these out. */
  setNumThreads?(n: number): void;
  getNumThreads?(): number;
}

/**
 * Every kernel of the JS backend is in src/backends/js. Its Backend object holds the direct loops of
 * the named elementwise ops and of sums (js/elementwise.ts), which the op layer also runs when another
 * active backend declines them; everything else the op layer calls in src/backends/js itself.
 */
export const jsBackend: Backend = {
  name: 'js',
  describe: () => 'JavaScript reference kernels (single-threaded)',
  unary: unaryRun,
  binary: binaryRun,
  sum: sumRun,
};

/** A TypedArray check the op layer uses before offering an array to a float-only primitive. */
export function isFloatArray(a: TypedArray): a is FloatArray {
  return a instanceof Float32Array || a instanceof Float64Array;
}
