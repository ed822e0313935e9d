// The JavaScript reference kernels' strided iteration: simple, general, always correct.
import type { TypedArray } from '../../tensor/dtype.js';
import { fillElements, type Element } from '../../tensor/storage.js';

/** One operand of a kernel: storage plus strides already broadcast to the iteration shape. */
export interface StridedOperand {
  readonly data: TypedArray;
  readonly strides: readonly number[];
  readonly offset: number;
}

function isDense(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/**
 * How an operand is read in logical order when no offsets are needed: step 1 through its storage
 * (dense), step 0 (one element repeated: a scalar or a broadcast single value), or null (strided).
 */
export function runStep(shape: readonly number[], strides: readonly number[]): 0 | 1 | null {
  if (isDense(shape, strides)) return 1;
  for (let i = 0; i < shape.length; i++) if (shape[i] !== 1 && strides[i] !== 0) return null;
  return 0;
}

/**
 * Calls `row(pos, k)` for each innermost row of a non-empty layout of at least one dim, in row-major
 * order: the row's shape[last] elements are strides[last] apart from storage offset `pos`, and the
 * first of them is element `k` in logical order. One call per row, not per element.
 */
function forEachRow(shape: readonly number[], strides: readonly number[], offset: number, row: (pos: number, k: number) => void): void {
  const last = shape.length - 1;
  const rowSize = shape[last];
  const index = new Array<number>(last).fill(0);
  let pos = offset;
  for (let k = 0; ; k += rowSize) {
    row(pos, k);
    // Advance the outer dims like an odometer.
    let d = last - 1;
    for (; d >= 0; d--) {
      index[d]++;
      pos += strides[d];
      if (index[d] < shape[d]) break;
      pos -= strides[d] * shape[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * Storage offsets of every element of (shape, strides, offset) in row-major logical order, or null
 * when the layout is dense (element i is at offset + i).
 */
export function elementOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array | null {
  if (isDense(shape, strides)) return null;
  let n = 1;
  for (const s of shape) n *= s;
  const out = new Int32Array(n);
  if (n === 0) return out;
  const size = shape[shape.length - 1];
  const step = strides[shape.length - 1];
  forEachRow(shape, strides, offset, (pos, k) => {
    for (let j = 0; j < size; j++) out[k + j] = pos + j * step;
  });
  return out;
}

type Reader = (i: number) => Element;

function reader(op: StridedOperand, shape: readonly number[]): Reader {
  const data = op.data as ArrayLike<Element>;
  const base = op.offset;
  const step = runStep(shape, op.strides);
  if (step === 1) return (i) => data[base + i];
  if (step === 0) {
    const value = data[base];
    return () => value;
  }
  const offsets = elementOffsets(shape, op.strides, op.offset) as Int32Array;
  return (i) => data[offsets[i]];
}

/** Row length from which copying a contiguous row with TypedArray.set beats an element loop. */
const MIN_ROW_COPY = 32;

/** Reads all elements of a strided operand into `out` (contiguous, same dtype) in logical order. */
export function gather(op: StridedOperand, shape: readonly number[], out: TypedArray): void {
  if (out.length === 0) return;
  const step = runStep(shape, op.strides);
  const src = op.data as ArrayLike<Element>;
  if (step === 1) {
    // A short copy by hand: a subarray of a small array makes V8 move its elements off the heap.
    if (out.length < MIN_ROW_COPY) for (let i = 0, p = op.offset; i < out.length; i++, p++) (out as unknown as Element[])[i] = src[p];
    else out.set(op.data.subarray(op.offset, op.offset + out.length) as never);
    return;
  }
  if (step === 0) {
    // An expanded single value (a broadcast gradient, say): no offsets needed.
    fillElements(out, src[op.offset]);
    return;
  }
  const dst = out as unknown as Element[];
  const size = shape[shape.length - 1];
  const stride = op.strides[shape.length - 1];
  if (stride === 1 && size >= MIN_ROW_COPY) {
    // Contiguous rows (a bias broadcast over a batch, say): one memcpy each.
    const whole = op.data;
    forEachRow(shape, op.strides, op.offset, (pos, k) => out.set(whole.subarray(pos, pos + size) as never, k));
    return;
  }
  forEachRow(shape, op.strides, op.offset, (pos, k) => {
    for (let j = 0, p = pos; j < size; j++, p += stride) dst[k + j] = src[p];
  });
}


/** Writes contiguous `src` (same dtype as dst) into the strided destination. */
export function scatter(src: TypedArray, dst: StridedOperand, shape: readonly number[]): void {
  if (src.length === 0) return;
  if (isDense(shape, dst.strides)) {
    dst.data.set(src as never, dst.offset);
    return;
  }
  const out = dst.data as unknown as Element[];
  const from = src as ArrayLike<Element>;
  const size = shape[shape.length - 1];
  const stride = dst.strides[shape.length - 1];
  if (stride === 1 && size >= MIN_ROW_COPY) {
    // Contiguous rows (a part of a concatenation, say): one memcpy each.
    const whole = dst.data;
    forEachRow(shape, dst.strides, dst.offset, (pos, k) => whole.set(src.subarray(k, k + size) as never, pos));
    return;
  }
  forEachRow(shape, dst.strides, dst.offset, (pos, k) => {
    for (let j = 0, p = pos; j < size; j++, p += stride) out[p] = from[k + j];
  });
}

/** out[i] = fn(a[i]) over a contiguous output. */
export function map1(out: TypedArray, shape: readonly number[], a: StridedOperand, fn: (x: Element) => Element): void {
  const n = out.length;
  const dst = out as unknown as Element[];
  const src = a.data as ArrayLike<Element>;
  const step = runStep(shape, a.strides);
  if (step !== null) {
    for (let i = 0, p = a.offset; i < n; i++, p += step) dst[i] = fn(src[p]);
    return;
  }
  const offsets = elementOffsets(shape, a.strides, a.offset) as Int32Array;
  for (let i = 0; i < n; i++) dst[i] = fn(src[offsets[i]]);
}

/** out[i] = fn(a[i], b[i]) over a contiguous output; operands broadcast by their strides. */
export function map2(
  out: TypedArray,
  shape: readonly number[],
  a: StridedOperand,
  b: StridedOperand,
  fn: (x: Element, y: Element) => Element,
): void {
  const n = out.length;
  const dst = out as unknown as Element[];
  const sa = runStep(shape, a.strides);
  const sb = runStep(shape, b.strides);
  const da = a.data as ArrayLike<Element>;
  const db = b.data as ArrayLike<Element>;
  if (sa !== null && sb !== null) {
    for (let i = 0, p = a.offset, q = b.offset; i < n; i++, p += sa, q += sb) dst[i] = fn(da[p], db[q]);
    return;
  }
  // Offsets only for the strided operands; a run is still read by its step.
  if (sa !== null) {
    const ob = elementOffsets(shape, b.strides, b.offset) as Int32Array;
    for (let i = 0, p = a.offset; i < n; i++, p += sa) dst[i] = fn(da[p], db[ob[i]]);
    return;
  }
  const oa = elementOffsets(shape, a.strides, a.offset) as Int32Array;
  if (sb !== null) {
    for (let i = 0, q = b.offset; i < n; i++, q += sb) dst[i] = fn(da[oa[i]], db[q]);
    return;
  }
  const ob = elementOffsets(shape, b.strides, b.offset) as Int32Array;
  for (let i = 0; i < n; i++) dst[i] = fn(da[oa[i]], db[ob[i]]);
}

/** out[i] = fn(a[i], b[i], c[i]) over a contiguous output. */
export function map3(
  out: TypedArray,
  shape: readonly number[],
  a: StridedOperand,
  b: StridedOperand,
  c: StridedOperand,
  fn: (x: Element, y: Element, z: Element) => Element,
): void {
  const dst = out as unknown as Element[];
  const sa = runStep(shape, a.strides);
  const sb = runStep(shape, b.strides);
  const sc = runStep(shape, c.strides);
  if (sa !== null && sb !== null && sc !== null) {
    // Runs (where's condition and values, dense or one repeated value) read by step, as map2's.
    const [da, db, dc] = [a.data as ArrayLike<Element>, b.data as ArrayLike<Element>, c.data as ArrayLike<Element>];
    for (let i = 0, p = a.offset, q = b.offset, r = c.offset; i < out.length; i++, p += sa, q += sb, r += sc) dst[i] = fn(da[p], db[q], dc[r]);
    return;
  }
  const ga = reader(a, shape);
  const gb = reader(b, shape);
  const gc = reader(c, shape);
  for (let i = 0; i < out.length; i++) dst[i] = fn(ga(i), gb(i), gc(i));
}
