// Deferred elementwise results. A named unary or binary primitive over a large float tensor returns a
// tensor whose storage is pending: it holds the expression (this op, and the pending expressions of its
// operands, inlined) and computes it when something first reads the storage. `(a * b + a).sum()` then
// reads a and b once and writes nothing (the native backend's fusedSum), instead of writing `a * b`
// and `a * b + a` to memory and reading them back; a product nobody reads is never written at all.
//
// Evaluation runs the same primitives on the same backend as the ops would have (an expression made on
// one backend is never inlined into one made on another), so every element is what the op-by-op
// computation gives, bit for bit. What could make a deferred result wrong is a change of the elements
// it reads before it is evaluated. It captures the arrays it reads (Storage.capture), and a storage
// whose array is captured gives a copy to whoever asks for its `data` (which every write does), so
// captured arrays never change. Arrays that code outside tstorch can write (a wrapped typed array, a
// view into another storage's memory, a storage handed out by untypedStorage) are never captured.
import { DType, float32, type TypedArray } from '../tensor/dtype.js';
import { Storage, type PendingElements } from '../tensor/storage.js';
import { contiguousStrides, expandedStrides, numelOf, sameShape } from '../tensor/layout.js';
import { Tensor } from '../tensor/tensor.js';
import { runStep } from '../backends/js/strided.js';
import {
  isFloatArray, type Backend, type BinaryOpName, type FloatArray, type FusedProgram, type FusedStep, type RunOperand, type UnaryOpName,
} from '../backends/backend.js';
import { activeBackend } from '../backends/registry.js';
import { offerBinary, offerUnary, outputFloats } from './primitives.js';
import type { NumberFn1, NumberFn2 } from './elementwise.js';

/** An array the expression reads: a dense run, or one repeated value (step 0). */
interface RunNode extends RunOperand {
  readonly op: null;
}
interface UnaryNode {
  readonly op: UnaryOpName;
  /** The op's kernel: what its primitive computes, run element by element where no backend takes it. */
  readonly fn: NumberFn1;
  readonly a: FusedNode;
  readonly b: null;
}
interface BinaryNode {
  readonly op: BinaryOpName;
  readonly fn: NumberFn2;
  readonly a: FusedNode;
  readonly b: FusedNode;
}
type OpNode = UnaryNode | BinaryNode;
type FusedNode = RunNode | OpNode;

/**
 * Elements an output needs before a deferred result pays: below this, the objects of a pending storage
 * cost more than the pass over memory it saves. TSTORCH_FUSION_MIN_ELEMENTS (Node) overrides it; the
 * test runner sets 1, so that the whole suite runs through deferred results too.
 */
const DEFAULT_MIN_ELEMENTS = 1 << 15;
/** Ops one expression may hold; an operand that would make it longer is evaluated on its own instead. */
const MAX_OPS = 8;
/**
 * Arrays one expression may read. Each stays alive until the expression is evaluated, where the op
 * one by one would have let most go: an operand that would bring more is evaluated on its own instead.
 */
const MAX_SOURCES = 4;

function minElementsFromEnvironment(): number {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TSTORCH_FUSION_MIN_ELEMENTS;
  if (value === undefined || value === '') return DEFAULT_MIN_ELEMENTS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TSTORCH_FUSION_MIN_ELEMENTS: expected a positive integer, got '${value}'`);
  return n;
}

/** The fewest elements of a deferred result; the op layer checks it before it calls deferUnary or deferBinary. */
export const fusionMinElements = minElementsFromEnvironment();

/** An array an expression reads, and the storage it was captured from. */
interface Source {
  readonly storage: Storage;
  readonly array: TypedArray;
}

/** A pending storage's expression: the backend that runs it is the one active when the op was called. */
class Fusion implements PendingElements {
  /** Whether an op has inlined this expression: a second one reads the evaluated elements instead. */
  declare consumed: boolean;
  constructor(
    readonly root: OpNode,
    readonly ops: number,
    /** The arrays the expression reads: each counts this expression among its storage's readers. */
    readonly sources: readonly Source[],
    readonly dtype: DType,
    readonly length: number,
    readonly backend: Backend,
  ) {
    this.consumed = false;
  }

  evaluate(): FloatArray {
    const out = outputFloats(this.dtype, this.length);
    this.writeTo(compile(this.root), out);
    return out;
  }

  /** Writes the elements into `out` (which may be an array the expression reads, element i for element i). */
  writeTo(compiled: Compiled, out: FloatArray): void {
    if (this.backend.fused?.(compiled.program, out, this.length) !== true) evaluateStepwise(compiled, out, this.backend);
    this.release();
  }

  /**
   * What the backend's sum gives for the elements, computed without writing them; null where it
   * declines. The storage stays pending (a later read evaluates it) and keeps its captures.
   */
  sum(): number | null {
    return this.backend.fusedSum?.(compile(this.root).program, this.length) ?? null;
  }

  private release(): void {
    for (const { storage, array } of this.sources) storage.release(array);
  }
}

/** An expression as a backend program, with each instruction's kernel for the ops no backend takes. */
interface Compiled {
  readonly program: FusedProgram;
  readonly kernels: readonly NumberFn2[];
}

/** The program of the expression under `root`: each node once, every instruction after those it reads. */
function compile(root: OpNode): Compiled {
  const runs: RunNode[] = [];
  const order: OpNode[] = [];
  const steps: FusedStep[] = [];
  const kernels: NumberFn2[] = [];
  const visit = (node: FusedNode): void => {
    if (node.op === null) {
      if (!runs.includes(node)) runs.push(node);
      return;
    }
    if (order.includes(node)) return;
    visit(node.a);
    if (node.b !== null) visit(node.b);
    order.push(node);
  };
  visit(root);
  // Operands are numbered runs first, then results: known once every node was visited.
  const index = (node: FusedNode): number => (node.op === null ? runs.indexOf(node) : runs.length + order.indexOf(node));
  for (const node of order) {
    const a = index(node.a);
    if (node.b === null) {
      const fn = node.fn;
      steps.push({ kind: 'unary', op: node.op, a });
      kernels.push((x) => fn(x));
    } else {
      steps.push({ kind: 'binary', op: node.op, a, b: index(node.b) });
      kernels.push(node.fn);
    }
  }
  return { program: { runs, steps }, kernels };
}

/**
 * Writes the program's result into `out` instruction by instruction, each over all n elements, with
 * the backend's unary and binary primitives (the JS loops, or the op's kernel, where it declines): the
 * very calls the ops would have made, so a backend that takes or declines runs by their length (wasm
 * leaves long float64 runs to the JS loops) does the same here.
 */
function evaluateStepwise({ program, kernels }: Compiled, out: FloatArray, backend: Backend): void {
  const n = out.length;
  const { runs, steps } = program;
  const last = steps.length - 1;
  const type = out instanceof Float32Array ? Float32Array : Float64Array;
  const results = steps.map((_, k) => (k === last ? out : new type(n)));
  const operand = (i: number): RunOperand => (i < runs.length ? runs[i] : { data: results[i - runs.length], offset: 0, step: 1 });
  steps.forEach((step, k) => {
    const a = operand(step.a);
    if (step.kind === 'unary') {
      if (!offerUnary(step.op, a, results[k], backend)) mapRuns(results[k], a, a, kernels[k]);
    } else {
      const b = operand(step.b);
      if (!offerBinary(step.op, a, b, results[k], backend)) mapRuns(results[k], a, b, kernels[k]);
    }
  });
}

/** out[i] = fn(a[i], b[i]) over runs, as the ops' generic kernels compute where every backend declines. */
function mapRuns(out: FloatArray, a: RunOperand, b: RunOperand, fn: NumberFn2): void {
  for (let i = 0; i < out.length; i++) out[i] = fn(a.data[a.offset + i * a.step], b.data[b.offset + i * b.step]);
}

/** What an operand brings to an expression: its node, and the expression it inlines or the array it reads. */
interface Operand {
  readonly node: FusedNode;
  readonly inlined: Fusion | null;
  readonly reads: Source | null;
}

/** A one-element array holding `value` in `dtype` (rounded, as the op's own scalar operand is). */
function scalarRun(value: number, dtype: DType): RunNode {
  const data = dtype === float32 ? new Float32Array(1) : new Float64Array(1);
  data[0] = value;
  return { op: null, data, offset: 0, step: 0 };
}

/** Whether the elements of `storage` (not pending) are tstorch's alone, so a pending expression may capture them. */
function isPrivate(storage: Storage): boolean {
  if (storage.external) return false;
  const data = storage.readData();
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}

/**
 * `x` as an operand of an expression over `shape` of `dtype`: a pending tensor that covers its whole
 * storage has its expression inlined (by the first op only, and only one within `budget`), any other
 * tensor is read as a run. Null
 * when it cannot take part (another dtype, a strided or partly broadcast layout, memory that is not
 * tstorch's alone).
 */
function operandOf(x: Tensor | number | boolean | bigint, dtype: DType, shape: readonly number[], budget: Budget): Operand | null {
  if (typeof x === 'number') return dtype.kind === 'float' ? { node: scalarRun(x, dtype), inlined: null, reads: null } : null;
  if (!(x instanceof Tensor) || x.dtype_ !== dtype) return null;
  const storage = x.storage_;
  const pending = storage.pending;
  if (
    pending instanceof Fusion && !pending.consumed && pending.ops <= budget.ops && pending.sources.length <= budget.sources &&
    pending.backend === activeBackend() && x.offset_ === 0 && sameShape(x.shape_, shape) && storage.length === numelOf(shape) && x.isContiguous()
  ) {
    return { node: pending.root, inlined: pending, reads: null };
  }
  // Any other pending tensor (one whose expression would make this one too long, one read through a
  // view, one already inlined, one made on another backend, whose kernels may round otherwise) is
  // evaluated here (readData), and read as a run like the rest.
  if (!isFloatArray(storage.readData()) || !isPrivate(storage)) return null;
  const step = x.shape_.length === 0 ? 0 : runStep(shape, sameShape(shape, x.shape_) ? x.strides_ : expandedStrides(x.shape_, x.strides_, shape));
  if (step === null) return null;
  const array = storage.readData() as FloatArray;
  return { node: { op: null, data: array, offset: x.offset_, step }, inlined: null, reads: { storage, array } };
}

/** The most ops and arrays an operand's inlined expression may bring. */
interface Budget {
  readonly ops: number;
  readonly sources: number;
}

/** Arrays an operand brings to an expression. */
function sourcesOf(operand: Operand): number {
  return operand.inlined !== null ? operand.inlined.sources.length : operand.reads !== null ? 1 : 0;
}

/** A tensor of `shape` whose storage is the pending expression `root` over `operands`; the arrays it reads are captured. */
function pendingTensor(root: OpNode, operands: readonly Operand[], shape: readonly number[], dtype: DType): Tensor {
  let ops = 1;
  const sources: Source[] = [];
  const add = (source: Source): void => {
    if (!sources.some((s) => s.array === source.array)) sources.push(source);
  };
  for (const { inlined, reads } of operands) {
    if (inlined !== null) {
      ops += inlined.ops;
      inlined.sources.forEach(add);
    }
    if (reads !== null) add(reads);
  }
  for (const { inlined } of operands) if (inlined !== null) inlined.consumed = true;
  // An inlined expression's arrays are captured again: this one releases them when it is evaluated.
  for (const { storage } of sources) storage.capture();
  const storage = Storage.deferred(new Fusion(root, ops, sources, dtype, numelOf(shape), activeBackend()));
  return new Tensor(storage, shape as number[], contiguousStrides(shape), 0, dtype);
}

/**
 * Writes a pending `value` straight into `target`'s elements, an in-place op's result into the tensor it
 * changes: one pass, and no array of its own. The value's storage then shares those elements (after
 * the op it stands for the same tensor). False, with nothing written, unless `target` is contiguous
 * and not pending, of `value`'s dtype and size, and its array is read by no other pending expression
 * and by this one only element i for element i.
 */
export function writePendingInto(target: Tensor, value: Tensor): boolean {
  const pending = value.storage_.pending;
  const storage = target.storage_;
  if (!(pending instanceof Fusion) || !coversStorage(value, pending) || value.dtype_ !== target.dtype_) return false;
  if (storage.pending !== null || storage.external || !target.isContiguous() || target.numel() !== pending.length) return false;
  const array = storage.readData();
  if (!isFloatArray(array) || storage.readers !== (pending.sources.some((s) => s.array === array) ? 1 : 0)) return false;
  const compiled = compile(pending.root);
  if (compiled.program.runs.some((r) => r.data === array && (r.step !== 1 || r.offset !== target.offset_))) return false;
  const out = target.offset_ === 0 && array.length === pending.length ? array : array.subarray(target.offset_, target.offset_ + pending.length);
  pending.writeTo(compiled, out);
  value.storage_.resolve(out);
  return true;
}

/** Whether `x` is all of its pending storage's elements, in order. */
function coversStorage(x: Tensor, pending: Fusion): boolean {
  return x.offset_ === 0 && x.numel() === pending.length && x.isContiguous();
}

/**
 * The sum of all elements of a pending tensor that covers its whole storage, as the active backend's
 * sum primitive would give it once they were written, but without writing them. Null otherwise.
 */
export function pendingSum(x: Tensor): number | null {
  const pending = x.storage_.pending;
  if (!(pending instanceof Fusion) || pending.backend !== activeBackend() || !coversStorage(x, pending)) return null;
  return pending.sum();
}

/** The named unary primitive `op` of `x` (already of `dtype`) as a pending tensor, or null where it is not deferred (`x` of at least fusionMinElements elements). */
export function deferUnary(op: UnaryOpName, fn: NumberFn1, x: Tensor, dtype: DType): Tensor | null {
  if (dtype.kind !== 'float') return null;
  const a = operandOf(x, dtype, x.shape_, { ops: MAX_OPS - 1, sources: MAX_SOURCES });
  return a === null ? null : pendingTensor({ op, fn, a: a.node, b: null }, [a], x.shape_, dtype);
}

/** The named binary primitive `op` of `x` and `y` broadcast to `shape` (at least fusionMinElements elements), as a pending tensor, or null where it is not deferred. */
export function deferBinary(
  op: BinaryOpName,
  fn: NumberFn2,
  x: Tensor | number | boolean | bigint,
  y: Tensor | number | boolean | bigint,
  dtype: DType,
  shape: readonly number[],
): Tensor | null {
  if (dtype.kind !== 'float') return null;
  // Room is left for a second operand read as a run.
  const a = operandOf(x, dtype, shape, { ops: MAX_OPS - 1, sources: MAX_SOURCES - 1 });
  if (a === null) return null;
  // y * y reads one operand: its node serves both sides.
  const rest = { ops: MAX_OPS - 1 - (a.inlined?.ops ?? 0), sources: MAX_SOURCES - sourcesOf(a) };
  const b = y === x ? { node: a.node, inlined: null, reads: null } : operandOf(y, dtype, shape, rest);
  return b === null ? null : pendingTensor({ op, fn, a: a.node, b: b.node }, [a, b], shape, dtype);
}
