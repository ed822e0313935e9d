// The WebAssembly SIMD backend: the kernels of c/kernels.c (built by tools/build-wasm.sh into
// module.ts), for float32 and float64 operands, on the calling thread.
//
// The module is compiled synchronously from bytes held in module.ts, so it loads in Node and in
// browsers without fs or fetch. module.ts holds two builds of the same sources: one for SIMD128, and
// one that also uses relaxed SIMD's fused multiply-add in the GEMM micro-kernel (faster products
// where the CPU has FMA: docs/wasm-backend.md), which engines since Chrome 114 and Node 22 accept;
// the loader takes the first that the engine validates. Each call copies its operands into the
// module's one linear memory, runs, and copies the result out: the copies are O(n) beside GEMM's and
// convolution's O(n^3) work, and the elementwise primitives take only the sizes at which copying in
// and out still beats the JS loops (measured: see ELEMENTWISE_MIN and docs/wasm-backend.md).
//
// Memory: every call lays out its regions from the start of the heap again (an arena reset per call),
// so the memory grows to the largest single call's needs and stays there (WebAssembly memory cannot
// shrink): the high-water mark of one call, never a sum over calls. Calls that would need more than
// MAX_BYTES are declined and run in JS.
import type {
  AdagradConstants, AdamConstants, Backend, BinaryOpName, ConvGeometry, FloatArray, ImageOperand, MatrixOperand, PlaneOperand, PoolGeometry, RmspropConstants,
  RunOperand, UnaryOpName,
} from '../backend.js';
import { registerBackendLoader } from '../registry.js';
import { elementOffsets } from '../js/strided.js';
import { WASM_MODULE_BASE64, WASM_RELAXED_MODULE_BASE64 } from './module.js';

/** The most linear memory one call may use. */
const MAX_BYTES = 1 << 30;

/**
 * Below this many multiply-adds a product runs as fast in JS as through the copies and the call
 * (measured: even at 8 x 8 x 8 the module is 5 times faster, at 4 x 4 x 4 they tie).
 */
const GEMM_MIN_WORK = 128;

/**
 * The runs at which the elementwise primitives pay for their copies in and out, against the JS loops
 * of js/elementwise.ts (measured on V8: from 512 elements up the module is 2-8 times faster; float64
 * runs past 2^19 elements are bound by memory bandwidth, and the copies make the module no faster, then
 * slower).
 */
const ELEMENTWISE_MIN = 512;
const ELEMENTWISE_MAX_F64 = 1 << 19;

/**
 * The ops of c/kernels.c's unary and binary kernels, by their codes there (the position here). The
 * unary ops from TRANSCENDENTAL on run in transcendental_f32, for float32 only.
 */
const UNARY_OPS: readonly UnaryOpName[] = ['neg', 'abs', 'sqrt', 'relu', 'exp', 'log', 'tanh', 'sigmoid'];
const TRANSCENDENTAL = UNARY_OPS.indexOf('exp');
const BINARY_OPS: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'reluBackward'];

/** The order of the fields of c/kernels.c's ConvGeometry and PoolGeometry structs (int32 each). */
const CONV_FIELDS = [
  'batch', 'groups', 'inChannels', 'inH', 'inW', 'outChannels', 'outH', 'outW',
  'kH', 'kW', 'strideH', 'strideW', 'padH', 'padW', 'dilationH', 'dilationW',
] as const satisfies readonly (keyof ConvGeometry)[];
const POOL_FIELDS = [
  'planes', 'inH', 'inW', 'outH', 'outW', 'kH', 'kW', 'strideH', 'strideW', 'padH', 'padW', 'dilationH', 'dilationW',
] as const satisfies readonly (keyof PoolGeometry)[];

/** Addresses in the module's memory. */
type Ptr = number;

/** The kernels of one element type: c/typed.h's exports without their _f32/_f64 suffix. */
interface TypedKernels {
  gemm_scratch(m: number, n: number, k: number): number;
  gemm_batched(
    batch: number, m: number, n: number, k: number,
    a: Ptr, aBatch: number, aRow: number, aCol: number, b: Ptr, bBatch: number, bRow: number, bCol: number, out: Ptr, pack: Ptr,
  ): void;
  conv_scratch(geometry: Ptr, transposed: number): number;
  conv_forward(geometry: Ptr, input: Ptr, nS: number, cS: number, hS: number, wS: number, weight: Ptr, bias: Ptr, out: Ptr, scratch: Ptr): void;
  conv_transpose_forward(geometry: Ptr, input: Ptr, weight: Ptr, bias: Ptr, out: Ptr, scratch: Ptr): void;
  conv_weight_grad(geometry: Ptr, input: Ptr, nS: number, cS: number, hS: number, wS: number, gradOutput: Ptr, out: Ptr, scratch: Ptr): void;
  max_pool2d(geometry: Ptr, input: Ptr, out: Ptr, indices: Ptr): void;
  unary(op: number, a: Ptr, out: Ptr, n: number): void;
  binary(op: number, a: Ptr, aStep: number, b: Ptr, bStep: number, out: Ptr, n: number): void;
  sum(a: Ptr, n: number): number;
}

/** c/kernels.c's float32 exp, log, tanh and sigmoid. */
type Transcendental = (op: number, a: Ptr, out: Ptr, n: number) => void;

/** c/kernels.c's optimizer updates (float32, in place; flags as 0 or 1, a null array as address 0). */
interface OptimizerKernels {
  adam_step_f32(
    p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, decoupled: number, decayGrad: number,
    shrink: number, decay: number, w1: number, beta2: number, w2: number, root: number, eps: number, scale: number, sign: number,
  ): void;
  rmsprop_step_f32(
    p: Ptr, g: Ptr, sq: Ptr, buf: Ptr, ga: Ptr, n: number, decayGrad: number,
    decay: number, alpha: number, w: number, eps: number, momentum: number, step: number, sign: number,
  ): void;
  adagrad_step_f32(p: Ptr, g: Ptr, sum: Ptr, n: number, decayGrad: number, decay: number, eps: number, step: number, sign: number): void;
}
const OPTIMIZER_NAMES: readonly (keyof OptimizerKernels)[] = ['adam_step_f32', 'rmsprop_step_f32', 'adagrad_step_f32'];

const KERNEL_NAMES: readonly (keyof TypedKernels)[] = [
  'gemm_scratch', 'gemm_batched', 'conv_scratch', 'conv_forward', 'conv_transpose_forward', 'conv_weight_grad',
  'max_pool2d', 'unary', 'binary', 'sum',
];

/** An element type: its kernels and typed views of the memory. */
interface ElementType {
  readonly kernels: TypedKernels;
  readonly bytes: number;
  /** The longest run the elementwise primitives take. */
  readonly maxRun: number;
  view(buffer: ArrayBuffer, ptr: Ptr, length: number): FloatArray;
}

/**
 * Regions of the memory for one call, laid out from the heap's start: `reserve` hands out addresses,
 * `commit` grows the memory to cover them. Views of the memory are taken after the last commit, since
 * growing detaches the old buffer.
 */
class Arena {
  private top: number;

  constructor(readonly memory: WebAssembly.Memory, private readonly base: number) {
    this.top = base;
  }

  /** Frees every region of the previous call. */
  reset(): void {
    this.top = this.base;
  }

  /** A 16-byte aligned region of `bytes` (SIMD loads and int64 indices want the alignment). */
  reserve(bytes: number): Ptr {
    const ptr = Math.ceil(this.top / 16) * 16;
    this.top = ptr + bytes;
    return ptr;
  }

  /** Grows the memory to cover every region; false when the call needs more than MAX_BYTES. */
  commit(): boolean {
    if (this.top > MAX_BYTES) return false;
    const have = this.memory.buffer.byteLength;
    if (this.top <= have) return true;
    try {
      this.memory.grow(Math.ceil((this.top - have) / 65536));
      return true;
    } catch {
      // The engine could not find the memory (RangeError): the JS kernels need less.
      return false;
    }
  }

  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }
}

/** An operand reserved in the arena, filled by `copy` after the commit; read there through `strides`. */
interface Placed {
  readonly ptr: Ptr;
  readonly strides: number[];
  copy(): void;
}

/** The builds of the module in module.ts: SIMD128 with relaxed SIMD, and SIMD128 alone. */
export type WasmBuild = 'relaxed' | 'simd128';

const MODULES: Record<WasmBuild, string> = { relaxed: WASM_RELAXED_MODULE_BASE64, simd128: WASM_MODULE_BASE64 };

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  private readonly f32: ElementType;
  private readonly f64: ElementType;
  private readonly transcendental: Transcendental;
  private readonly optimizers: OptimizerKernels;

  constructor(private readonly arena: Arena, exports: WebAssembly.Exports, readonly build: WasmBuild) {
    const functions = <T>(names: readonly string[], exportName: (name: string) => string): T => {
      const entries = names.map((name) => {
        const fn = exports[exportName(name)];
        if (typeof fn !== 'function') throw new Error(`the WebAssembly module lacks ${exportName(name)}`);
        return [name, fn];
      });
      return Object.fromEntries(entries) as T;
    };
    const kernels = (suffix: string): TypedKernels => functions(KERNEL_NAMES, (name) => `${name}_${suffix}`);
    this.optimizers = functions(OPTIMIZER_NAMES, (name) => name);
    this.f32 = { kernels: kernels('f32'), bytes: 4, maxRun: Infinity, view: (buffer, ptr, length) => new Float32Array(buffer, ptr, length) };
    this.transcendental = exports.transcendental_f32 as Transcendental;
    this.f64 = { kernels: kernels('f64'), bytes: 8, maxRun: ELEMENTWISE_MAX_F64, view: (buffer, ptr, length) => new Float64Array(buffer, ptr, length) };
  }

  describe(): string {
    return this.build === 'relaxed' ? 'WebAssembly SIMD128 kernels with relaxed SIMD (single-threaded)' : 'WebAssembly SIMD128 kernels (single-threaded)';
  }

  /** The size of the module's memory now: the high-water mark of the calls so far (it never shrinks). */
  get memoryBytes(): number {
    return this.arena.buffer.byteLength;
  }

  /** The element type of `out` when every operand has its type, else null (a mixed call is declined). */
  private typeOf(out: FloatArray, ...operands: FloatArray[]): ElementType | null {
    const type = out instanceof Float32Array ? this.f32 : this.f64;
    return operands.every((a) => a.constructor === out.constructor) ? type : null;
  }

  /**
   * Reserves room for a strided operand. When its elements lie close together (a transposed or
   * broadcast matrix, a padded view) the span from its first to its last element is copied as it is
   * and read through the same strides; a sparse view is gathered into a dense copy instead, so that
   * the copy stays O(elements). Null for negative strides.
   */
  private place(type: ElementType, data: FloatArray, offset: number, sizes: readonly number[], strides: readonly number[]): Placed | null {
    if (strides.some((s) => s < 0)) return null;
    // A dim of stride 0 (broadcast) holds one distinct element, a dim of size 1 any stride.
    const distinct = sizes.map((size, d) => (strides[d] === 0 ? 1 : size));
    const count = distinct.reduce((p, s) => p * s, 1);
    const span = count === 0 ? 0 : 1 + distinct.reduce((p, size, d) => p + (size - 1) * strides[d], 0);
    if (span <= 2 * count) {
      const ptr = this.arena.reserve(span * type.bytes);
      const copy = (): void => type.view(this.arena.buffer, ptr, span).set(data.subarray(offset, offset + span));
      return { ptr, strides: [...strides], copy };
    }
    const ptr = this.arena.reserve(count * type.bytes);
    const dense = new Array<number>(sizes.length);
    for (let d = sizes.length - 1, step = 1; d >= 0; step *= distinct[d], d--) dense[d] = strides[d] === 0 ? 0 : step;
    const copy = (): void => {
      const to = type.view(this.arena.buffer, ptr, count);
      const from = elementOffsets(distinct, strides, offset) as Int32Array;
      for (let i = 0; i < count; i++) to[i] = data[from[i]];
    };
    return { ptr, strides: dense, copy };
  }

  /** Reserves and (after the commit) fills a contiguous operand. */
  private placeDense(type: ElementType, data: FloatArray, offset: number, length: number): Placed {
    return this.place(type, data, offset, [length], [1]) as Placed;
  }

  /** Reserves a geometry struct of int32 fields and writes it at once (kernels read it before the final commit). */
  private placeInts(values: readonly number[]): Ptr | null {
    const ptr = this.arena.reserve(4 * values.length);
    if (!this.arena.commit()) return null;
    new Int32Array(this.arena.buffer, ptr, values.length).set(values);
    return ptr;
  }

  private copyOut(type: ElementType, ptr: Ptr, out: FloatArray): void {
    out.set(type.view(this.arena.buffer, ptr, out.length));
  }

  gemm(batch: number, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: FloatArray): boolean {
    const type = this.typeOf(out, a.data as FloatArray, b.data as FloatArray);
    if (type === null || batch * m * n * k < GEMM_MIN_WORK) return false;
    this.arena.reset();
    const pa = this.place(type, a.data as FloatArray, a.offset, [batch, m, k], [a.batchStride, a.rowStride, a.colStride]);
    const pb = this.place(type, b.data as FloatArray, b.offset, [batch, k, n], [b.batchStride, b.rowStride, b.colStride]);
    const result = this.arena.reserve(out.length * type.bytes);
    const pack = this.arena.reserve(type.kernels.gemm_scratch(m, n, k) * type.bytes);
    if (pa === null || pb === null || !this.arena.commit()) return false;
    pa.copy();
    pb.copy();
    type.kernels.gemm_batched(batch, m, n, k, pa.ptr, ...(pa.strides as Triple), pb.ptr, ...(pb.strides as Triple), result, pack);
    this.copyOut(type, result, out);
    return true;
  }

  convolutionForward(g: ConvGeometry, input: ImageOperand, weight: FloatArray, bias: FloatArray | null, out: FloatArray): boolean {
    const type = this.typeOf(out, input.data as FloatArray, weight, ...(bias ? [bias] : []));
    return type !== null && this.convolution(
      g, type, out, false,
      () => [this.placeImage(type, g, input), this.placeDense(type, weight, 0, weight.length), ...(bias ? [this.placeDense(type, bias, 0, bias.length)] : [])],
      (geometry, [x, w, b], result, scratch) => type.kernels.conv_forward(geometry, x.ptr, ...(x.strides as Quad), w.ptr, b?.ptr ?? 0, result, scratch),
    );
  }

  convolutionTransposeForward(g: ConvGeometry, input: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray): boolean {
    const type = this.typeOf(out, input, weight, ...(bias ? [bias] : []));
    return type !== null && this.convolution(
      g, type, out, true,
      () => [this.placeDense(type, input, 0, input.length), this.placeDense(type, weight, 0, weight.length), ...(bias ? [this.placeDense(type, bias, 0, bias.length)] : [])],
      (geometry, [x, w, b], result, scratch) => type.kernels.conv_transpose_forward(geometry, x.ptr, w.ptr, b?.ptr ?? 0, result, scratch),
    );
  }

  convolutionWeightGrad(g: ConvGeometry, input: ImageOperand, gradOutput: FloatArray, out: FloatArray): boolean {
    const type = this.typeOf(out, input.data as FloatArray, gradOutput);
    return type !== null && this.convolution(
      g, type, out, false,
      () => [this.placeImage(type, g, input), this.placeDense(type, gradOutput, 0, gradOutput.length)],
      (geometry, [x, dy], result, scratch) => type.kernels.conv_weight_grad(geometry, x.ptr, ...(x.strides as Quad), dy.ptr, result, scratch),
    );
  }

  /**
   * The frame of the three convolutions: the geometry, the operands `place` reserves (a null one is
   * declined), the result and the kernel's scratch; the result starts at zero, since the kernels add
   * into it.
   */
  private convolution(
    g: ConvGeometry, type: ElementType, out: FloatArray, transposed: boolean,
    place: () => (Placed | null)[], kernel: (geometry: Ptr, operands: Placed[], result: Ptr, scratch: Ptr) => void,
  ): boolean {
    this.arena.reset();
    const geometry = this.placeInts(CONV_FIELDS.map((f) => g[f]));
    if (geometry === null) return false;
    const operands = place();
    const result = this.arena.reserve(out.length * type.bytes);
    const scratch = this.arena.reserve(type.kernels.conv_scratch(geometry, transposed ? 1 : 0) * type.bytes);
    if (!operands.every((p): p is Placed => p !== null) || !this.arena.commit()) return false;
    for (const operand of operands) operand.copy();
    type.view(this.arena.buffer, result, out.length).fill(0);
    kernel(geometry, operands, result, scratch);
    this.copyOut(type, result, out);
    return true;
  }

  private placeImage(type: ElementType, g: ConvGeometry, image: ImageOperand): Placed | null {
    return this.place(type, image.data as FloatArray, image.offset, [g.batch, g.inChannels, g.inH, g.inW], image.strides);
  }

  maxPool2d(g: PoolGeometry, input: PlaneOperand<FloatArray>, out: FloatArray, indices: BigInt64Array): boolean {
    const type = this.typeOf(out, input.data);
    if (type === null) return false;
    this.arena.reset();
    const geometry = this.placeInts(POOL_FIELDS.map((f) => g[f]));
    if (geometry === null) return false;
    const x = this.placeDense(type, input.data, input.offset, g.planes * g.inH * g.inW);
    const result = this.arena.reserve(out.length * type.bytes);
    const chosen = this.arena.reserve(indices.length * 8);
    if (!this.arena.commit()) return false;
    x.copy();
    type.kernels.max_pool2d(geometry, x.ptr, result, chosen);
    this.copyOut(type, result, out);
    // The module writes little-endian int64, the byte order of every platform JS engines run on.
    indices.set(new BigInt64Array(this.arena.buffer, chosen, indices.length));
    return true;
  }

  unary(op: UnaryOpName, a: RunOperand, out: FloatArray, n: number): boolean {
    if (n < ELEMENTWISE_MIN) return false; // the usual case on small tensors: decline before any lookup
    const code = UNARY_OPS.indexOf(op);
    const type = this.typeOf(out, a.data);
    const transcendental = code >= TRANSCENDENTAL;
    // A repeated single value is a fill, which the JS loop does as fast.
    if (code < 0 || type === null || a.step === 0 || !pays(type, n) || (transcendental && type !== this.f32)) return false;
    this.arena.reset();
    const x = this.placeDense(type, a.data, a.offset, n);
    const result = this.arena.reserve(n * type.bytes);
    if (!this.arena.commit()) return false;
    x.copy();
    if (transcendental) this.transcendental(code, x.ptr, result, n);
    else type.kernels.unary(code, x.ptr, result, n);
    this.copyOut(type, result, out.subarray(0, n));
    return true;
  }

  binary(op: BinaryOpName, a: RunOperand, b: RunOperand, out: FloatArray, n: number): boolean {
    if (n < ELEMENTWISE_MIN) return false;
    const code = BINARY_OPS.indexOf(op);
    const type = this.typeOf(out, a.data, b.data);
    if (code < 0 || type === null || !pays(type, n)) return false;
    this.arena.reset();
    const x = this.placeDense(type, a.data, a.offset, a.step === 1 ? n : 1);
    const y = this.placeDense(type, b.data, b.offset, b.step === 1 ? n : 1);
    const result = this.arena.reserve(n * type.bytes);
    if (!this.arena.commit()) return false;
    x.copy();
    y.copy();
    type.kernels.binary(code, x.ptr, a.step, y.ptr, b.step, result, n);
    this.copyOut(type, result, out.subarray(0, n));
    return true;
  }

  adamStep(param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, c: AdamConstants): boolean {
    return this.updateInPlace([param, grad, expAvg, expAvgSq], [0, 2, 3], ([p, g, m, v], n) => this.optimizers.adam_step_f32(
      p, g, m, v, n, Number(c.decoupled), Number(c.decayGrad), c.shrink, c.decay, c.w1, c.beta2, c.w2, c.root, c.eps, c.scale, c.sign,
    ));
  }

  rmspropStep(
    param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuffer: Float32Array | null, gradAvg: Float32Array | null,
    c: RmspropConstants,
  ): boolean {
    return this.updateInPlace([param, grad, squareAvg, momentumBuffer, gradAvg], [0, 2, 3, 4], ([p, g, sq, buf, ga], n) => this.optimizers.rmsprop_step_f32(
      p, g, sq, buf, ga, n, Number(c.decayGrad), c.decay, c.alpha, c.w, c.eps, c.momentum, c.step, c.sign,
    ));
  }

  adagradStep(param: Float32Array, grad: Float32Array, sum: Float32Array, c: AdagradConstants): boolean {
    return this.updateInPlace([param, grad, sum], [0, 2], ([p, g, s], n) => this.optimizers.adagrad_step_f32(
      p, g, s, n, Number(c.decayGrad), c.decay, c.eps, c.step, c.sign,
    ));
  }

  /**
   * An optimizer update in place over float32 arrays of one length (a null one is absent: address 0):
   * copies them in, runs `kernel`, and copies back the arrays at the positions `written`. Declined
   * below ELEMENTWISE_MIN elements, where the JS loop is as fast as the copies.
   */
  private updateInPlace(arrays: readonly (Float32Array | null)[], written: readonly number[], kernel: (ptrs: Ptr[], n: number) => void): boolean {
    const n = (arrays[0] as Float32Array).length;
    if (n < ELEMENTWISE_MIN || arrays.some((a) => a !== null && a.length !== n)) return false;
    this.arena.reset();
    const placed = arrays.map((a) => (a === null ? null : this.placeDense(this.f32, a, 0, n)));
    if (!this.arena.commit()) return false;
    for (const p of placed) p?.copy();
    kernel(placed.map((p) => p?.ptr ?? 0), n);
    for (const i of written) {
      const a = arrays[i];
      if (a !== null) this.copyOut(this.f32, (placed[i] as Placed).ptr, a);
    }
    return true;
  }

  sum(a: RunOperand, n: number): number | null {
    if (n < ELEMENTWISE_MIN) return null;
    const type = a.data instanceof Float32Array ? this.f32 : this.f64;
    if (a.step === 0 || !pays(type, n)) return null;
    this.arena.reset();
    const x = this.placeDense(type, a.data, a.offset, n);
    if (!this.arena.commit()) return null;
    x.copy();
    return type.kernels.sum(x.ptr, n);
  }
}

/**
 * Whether an elementwise run of n elements (at least ELEMENTWISE_MIN, which the callers check first)
 * is faster here than in the JS loops.
 */
function pays(type: ElementType, n: number): boolean {
  return n <= type.maxRun;
}

type Triple = [number, number, number];
type Quad = [number, number, number, number];

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The backend on `build` of the module, by default the first build the engine validates (relaxed SIMD,
 * then SIMD128); null where WebAssembly is missing or the engine rejects the build's instructions (no
 * relaxed SIMD, no SIMD128 or no bulk memory).
 */
export function loadWasmBackend(build?: WasmBuild): WasmBackend | null {
  if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return null;
  for (const candidate of build === undefined ? (['relaxed', 'simd128'] as const) : [build]) {
    const bytes = decodeBase64(MODULES[candidate]);
    if (!WebAssembly.validate(bytes)) continue;
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const memory = exports.memory as WebAssembly.Memory;
    const heapBase = (exports.__heap_base as WebAssembly.Global).value as number;
    return new WasmBackend(new Arena(memory, heapBase), exports, candidate);
  }
  return null;
}

registerBackendLoader('wasm', () => loadWasmBackend());
