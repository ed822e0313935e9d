// Reference semantics for the property tests, written over plain row-major arrays of numbers with no
// tstorch in them: broadcasting, reductions, the index maps of view ops, and NumPy-style indexing.
import fc from 'fast-check';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

/** An n-d array: its shape and its elements in row-major order. */
export interface Arr {
  shape: number[];
  data: number[];
}

/** fast-check settings: a fixed seed (FC_SEED overrides it) and a run count scaled by FC_RUNS. */
export function fcOptions(runs: number): fc.Parameters<unknown> {
  const scale = Number(process.env.FC_RUNS_SCALE ?? 1);
  const seed = process.env.FC_SEED === undefined ? 20240611 : Number(process.env.FC_SEED);
  return { numRuns: Math.max(1, Math.round(runs * scale)), seed, includeErrorInReport: true };
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function rowMajorStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** The multi-index of row-major position `flat`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = shape[i] === 0 ? 0 : flat % shape[i];
    flat = shape[i] === 0 ? 0 : Math.floor(flat / shape[i]);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i] + idx[i];
  return flat;
}

/** The array for every multi-index of `shape`, valued by `f`. */
export function build(shape: readonly number[], f: (idx: number[]) => number): Arr {
  const n = numel(shape);
  const data = new Array<number>(n);
  for (let k = 0; k < n; k++) data[k] = f(unravel(k, shape));
  return { shape: [...shape], data };
}

export function at(a: Arr, idx: readonly number[]): number {
  return a.data[ravel(idx, a.shape)];
}

/** Elements of a tensor as doubles, row-major (bool as 0/1, int64 through Number). */
export function toArr(t: Tensor): Arr {
  const flat = t.detach().reshape(-1).tolist() as (number | boolean)[];
  return { shape: t.shape, data: flat.map(Number) };
}

// ---- broadcasting ----

/** NumPy's broadcast of two shapes, or null when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The element of `a` that position `idx` of the broadcast shape reads. */
export function broadcastAt(a: Arr, idx: readonly number[]): number {
  const lead = idx.length - a.shape.length;
  return at(a, a.shape.map((s, i) => (s === 1 ? 0 : idx[lead + i])));
}

export function binaryRef(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  const shape = broadcastShape(a.shape, b.shape);
  if (shape === null) throw new Error('reference: shapes do not broadcast');
  return build(shape, (idx) => f(broadcastAt(a, idx), broadcastAt(b, idx)));
}

// ---- reductions ----

/** Reduces `dims` of `a` with `f` over each group of values (in row-major order of the reduced dims). */
export function reduceRef(a: Arr, dims: readonly number[], keepdim: boolean, f: (values: number[]) => number): Arr {
  const kept = a.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const outShape = keepdim ? a.shape.map((s, i) => (dims.includes(i) ? 1 : s)) : kept.map((i) => a.shape[i]);
  const groupShape = dims.map((d) => a.shape[d]);
  return build(outShape, (outIdx) => {
    const keptIdx = keepdim ? kept.map((i) => outIdx[i]) : outIdx;
    const values: number[] = [];
    for (let g = 0; g < numel(groupShape); g++) {
      const gi = unravel(g, groupShape);
      const full = new Array<number>(a.shape.length);
      kept.forEach((d, k) => (full[d] = keptIdx[k]));
      dims.forEach((d, k) => (full[d] = gi[k]));
      values.push(at(a, full));
    }
    return f(values);
  });
}

// ---- view index maps ----

/**
 * A view in the reference: its shape and, per element (row-major), the base element it reads. A
 * view op maps the positions of its output to positions of its input.
 */
export interface IndexMap {
  shape: number[];
  source: number[];
}

export function mapView(m: IndexMap, shape: readonly number[], inputIndexOf: (outIdx: number[]) => number[]): IndexMap {
  const src = { shape: m.shape, data: m.source };
  return { shape: [...shape], source: build(shape, (idx) => at(src, inputIndexOf(idx))).data };
}

/** Whether the map reads base elements start, start+1, ... in order (a contiguous view). */
export function isContiguousMap(m: IndexMap): boolean {
  return m.source.every((s, k) => s === m.source[0] + k);
}

// ---- tensors from arrays ----

export type Layout = 'contiguous' | 'transposed' | 'strided';

export const layoutArb: fc.Arbitrary<Layout> = fc.constantFrom<Layout>('contiguous', 'transposed', 'strided');

/** A tensor holding `a` in the asked memory layout (same logical values whatever the layout). */
export function tensorOf(a: Arr, dtype: torch.DType, layout: Layout = 'contiguous'): Tensor {
  const values = dtype === torch.int64 ? a.data.map((v) => BigInt(v)) : dtype === torch.bool ? a.data.map((v) => v !== 0) : a.data;
  const contiguous = torch.tensor(values as number[], { dtype }).reshape(a.shape);
  const nd = a.shape.length;
  if (layout === 'transposed' && nd >= 2) {
    // Reversed dims in memory: the contiguous tensor of the reversed shape, permuted back.
    const reverse = a.shape.map((_, i) => nd - 1 - i);
    return contiguous.permute(reverse).contiguous().permute(reverse);
  }
  if (layout === 'strided' && nd >= 1) {
    // Every other element of a buffer twice as long in the last dim.
    const wide = torch.zeros([...a.shape.slice(0, -1), a.shape[nd - 1] * 2], { dtype });
    const view = wide.slice(-1, 0, null, 2);
    view.copy_(contiguous);
    return view;
  }
  return contiguous;
}

// ---- arbitraries ----

export function shapeArb(maxRank = 4, minSize = 0, maxSize = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minSize, max: maxSize }), { minLength: 0, maxLength: maxRank });
}

/** An operand shape that broadcasts to `out`: a suffix of it with some dims set to 1. */
export function operandShapeArb(out: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((s, i) => (ones[i + drop] ? 1 : s)));
}

/** Values that float32 holds exactly and whose sums, differences and products it holds too. */
export function valuesArb(n: number, min = -8, max = 8): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: min * 4, max: max * 4 }).map((v) => v / 4), { minLength: n, maxLength: n });
}

export function arrArb(shape: readonly number[], min = -8, max = 8): fc.Arbitrary<Arr> {
  return valuesArb(numel(shape), min, max).map((data) => ({ shape: [...shape], data }));
}

/** Equal element by element: the same nan, the same infinities, doubles within `tol` (relative). */
export function sameValues(actual: Arr, expected: Arr, tol = 0): string | null {
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}] != [${expected.shape}]`;
  for (let k = 0; k < expected.data.length; k++) {
    const a = actual.data[k];
    const e = expected.data[k];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e))) continue;
    return `element ${k} (${unravel(k, expected.shape)}): got ${a}, expected ${e}`;
  }
  return null;
}
