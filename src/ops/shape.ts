// Rearranging ops: nonzero, flip, roll, repeat/tile, tril/triu, and pad (exported for
// torch.nn.functional.pad). Index-driven reads and writes are in scatter.ts (gather, scatter, take, put),
// index-slices.ts (index_select, index_add, ...) and masked.ts (masked_fill, ...).
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { checkSizes, contiguousStrides, normalizeDim, shapeStr } from '../tensor/layout.js';
import { castElement, type Element } from '../tensor/storage.js';
import { emptyTensor, zeros, zerosLike, type Scalar } from '../tensor/factory.js';
import { int64 } from '../tensor/dtype.js';
import { checkTensor } from './elementwise.js';
import { applyInplace } from './inplace.js';
import { nonzeroCoordinates, rawCopy } from './indexing.js';
import { reductionDims } from './reduce.js';
import { record } from '../autograd/record.js';
import { boolOption, intListArg, optionsArg, varargsIntList } from '../tensor/args.js';

export type PadMode = 'constant' | 'reflect' | 'replicate';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Indices of the nonzero elements: an int64 [n, ndim] tensor, or one 1-D tensor per dim with `asTuple`. */
    nonzero(options?: { asTuple?: false }): Tensor;
    nonzero(options: { asTuple: true }): Tensor[];
    argwhere(): Tensor;
    flip(...dims: number[] | [readonly number[]]): Tensor;
    fliplr(): Tensor;
    flipud(): Tensor;
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    repeat(...repeats: number[] | [readonly number[]]): Tensor;
    tile(...dims: number[] | [readonly number[]]): Tensor;
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    tril_(diagonal?: number): this;
    triu_(diagonal?: number): this;
  }
}


// ---- nonzero ----

function nonzeroImpl(self: Tensor, asTuple: boolean): Tensor | Tensor[] {
  // A 0-dim tensor is treated as 1-D for the tuple form, as NumPy does.
  const source = asTuple && self.dim() === 0 ? self.aliasWithLayout([1], [1], self.offset_) : self;
  const { count, coords } = nonzeroCoordinates(source);
  const nd = source.dim();
  const columns = Array.from({ length: nd }, (_, j) => {
    const col = emptyTensor([count], int64);
    const data = col.storage_.data as BigInt64Array;
    for (let r = 0; r < count; r++) data[r] = BigInt(coords[r * nd + j]);
    return col;
  });
  if (asTuple) return columns;
  // PyTorch returns the [count, ndim] result column-major (strides [1, count]).
  const out = emptyTensor([nd, count], int64);
  columns.forEach((c, j) => (out.storage_.data as BigInt64Array).set(c.storage_.data as BigInt64Array, j * count));
  return out.aliasWithLayout([count, nd], [1, count], 0);
}

function asTupleOption(options: { asTuple?: boolean } | undefined): boolean {
  return boolOption(optionsArg(options, 'nonzero').asTuple, 'nonzero', 'as_tuple') ?? false;
}

function nonzeroMethod(this: Tensor, options?: { asTuple?: boolean }): Tensor | Tensor[] {
  return nonzeroImpl(this, asTupleOption(options));
}
Tensor.prototype.nonzero = nonzeroMethod as Tensor['nonzero'];

Tensor.prototype.argwhere = function (this: Tensor): Tensor {
  return nonzeroImpl(this, false) as Tensor;
};

// ---- rearranging by per-dim source tables: flip, roll, repeat, pad ----

/**
 * For each output dim, the input coordinate each output coordinate reads (-1: no input element, the
 * output takes the fill value). Every op here maps dims independently, so one table per dim says it all.
 */
type DimTables = readonly ArrayLike<number>[];

/** Storage offsets (from `offset`) read for every output element, or -1 where a table says "fill". */
function tableOffsets(tables: DimTables, strides: readonly number[], offset: number): Float64Array {
  let acc = new Float64Array([offset]);
  tables.forEach((table, d) => {
    const next = new Float64Array(acc.length * table.length);
    let k = 0;
    for (const base of acc) {
      for (let i = 0; i < table.length; i++) next[k++] = base < 0 || table[i] < 0 ? -1 : base + table[i] * strides[d];
    }
    acc = next;
  });
  return acc;
}

/** out[i] = x[tables(i)] (or `fill`), without autograd. */
function mapByTables(x: Tensor, tables: DimTables, fill: Scalar = 0, out = emptyTensor(tables.map((t) => t.length), x.dtype)): Tensor {
  const src = x.storage_.data as ArrayLike<Element>;
  const dst = out.storage_.data as unknown as Element[];
  const value = castElement(fill, x.dtype);
  tableOffsets(tables, x.strides_, x.offset_).forEach((o, i) => (dst[i] = o < 0 ? value : src[o]));
  return out;
}

/** The adjoint of mapByTables: each element of `g` is added to the input position it was read from. */
function addByTables(g: Tensor, inputShape: readonly number[], tables: DimTables): Tensor {
  const out = emptyTensor(inputShape, g.dtype);
  const dst = out.storage_.data as unknown as number[];
  const src = g.contiguousData() as ArrayLike<number>;
  tableOffsets(tables, contiguousStrides(inputShape), 0).forEach((o, i) => {
    if (o >= 0) dst[o] += src[i];
  });
  return out;
}

const range = (n: number, f: (i: number) => number): Int32Array => Int32Array.from({ length: n }, (_, i) => f(i));
const identityTables = (shape: readonly number[]): Int32Array[] => shape.map((n) => range(n, (i) => i));

Tensor.prototype.flip = function (this: Tensor, ...args: number[] | [readonly number[]]): Tensor {
  const dims = varargsIntList(args, 'flip', 'dims');
  const flipped = dims.length === 0 ? [] : reductionDims(dims, this.dim(), 'flip');
  const tables = identityTables(this.shape_).map((t, d) => (flipped.includes(d) ? range(t.length, (i) => t.length - 1 - i) : t));
  const out = mapByTables(this, tables);
  record({ name: 'FlipBackward0', inputs: [this], outputs: [out], backward: ([g]) => [(g as Tensor).flip(dims)] });
  return out;
};

Tensor.prototype.fliplr = function (this: Tensor): Tensor {
  if (this.dim() < 2) throw new Error('Input must be >= 2-d.');
  return this.flip(1);
};

Tensor.prototype.flipud = function (this: Tensor): Tensor {
  if (this.dim() < 1) throw new Error('Input must be >= 1-d.');
  return this.flip(0);
};

Tensor.prototype.roll = function (this: Tensor, shifts: number | readonly number[], dims: number | readonly number[] = []): Tensor {
  const s = intListArg(shifts, 'roll', 'shifts', 1, true);
  const d = intListArg(dims, 'roll', 'dims', 2, true);
  if (s.length === 0) throw new Error('`shifts` required');
  if (d.length === 0 && s.length === 1) {
    // Without dims the tensor rolls as if flattened.
    const n = this.numel();
    const flat = rawCopy(this).aliasWithLayout([n], [1], 0);
    const rolled = mapByTables(flat, [range(n, (i) => mod(i - s[0], n))]);
    return recordRoll(this, rolled.aliasWithLayout(this.shape, contiguousStrides(this.shape_), 0), s, d);
  }
  if (s.length !== d.length) throw new Error(`shifts and dimensions must align. shifts: ${s.length}, dims:${d.length}`);
  const nd = this.dim();
  const shiftOf = new Array<number>(Math.max(nd, 1)).fill(0);
  d.forEach((dim, k) => (shiftOf[normalizeDim(dim, nd)] += s[k]));
  const tables = identityTables(this.shape_).map((t, k) => range(t.length, (i) => mod(i - shiftOf[k], t.length)));
  return recordRoll(this, mapByTables(this, tables), s, d);
};

function mod(a: number, n: number): number {
  return n === 0 ? 0 : ((a % n) + n) % n;
}

function recordRoll(self: Tensor, out: Tensor, shifts: number[], dims: number[]): Tensor {
  record({ name: 'RollBackward0', inputs: [self], outputs: [out], backward: ([g]) => [(g as Tensor).roll(shifts.map((x) => -x), dims)] });
  return out;
}

Tensor.prototype.repeat = function (this: Tensor, ...args: number[] | [readonly number[]]): Tensor {
  const repeats = varargsIntList(args, 'repeat', 'repeats');
  if (repeats.length < this.dim()) throw new Error('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  const lead = repeats.length - this.dim();
  const inShape = [...new Array<number>(lead).fill(1), ...this.shape_];
  const outShape = inShape.map((n, i) => n * repeats[i]);
  checkSizes(outShape);
  const padded = this.aliasWithLayout(inShape, [...new Array<number>(lead).fill(0), ...this.strides_], this.offset_);
  // Allocated before the index tables (as long as its dims): an empty result needs none, and a result
  // too large for memory fails with the allocator's error.
  const out = emptyTensor(outShape, this.dtype);
  if (out.numel() > 0) mapByTables(padded, outShape.map((n, d) => range(n, (i) => i % inShape[d])), 0, out);
  const inputShape = this.shape;
  record({ name: 'RepeatBackward0', inputs: [this], outputs: [out], backward: ([g]) => [repeatBackward(g as Tensor, repeats, inputShape)] });
  return out;
};

/** PyTorch's repeat_backward: view each repeated dim as (repeat, size) and sum the repeats. */
function repeatBackward(grad: Tensor, repeats: readonly number[], inputShape: readonly number[]): Tensor {
  if (repeats.includes(0)) return zeros(inputShape, { dtype: grad.dtype });
  let g = grad;
  const lead = repeats.length - inputShape.length;
  for (let i = 0; i < lead; i++) g = g.sum(0);
  const gradSize: number[] = [];
  const sumDims: number[] = [];
  inputShape.forEach((size, d) => {
    const r = repeats[d + lead];
    if (r !== 1) {
      gradSize.push(r);
      sumDims.push(gradSize.length - 1);
    }
    gradSize.push(size);
  });
  return sumDims.length === 0 ? g : g.reshape(gradSize).sum(sumDims);
}

Tensor.prototype.tile = function (this: Tensor, ...args: number[] | [readonly number[]]): Tensor {
  const reps = varargsIntList(args, 'tile', 'dims');
  // Fewer reps than dims are padded with leading ones, as numpy.tile.
  const missing = Math.max(this.dim() - reps.length, 0);
  return this.repeat([...new Array<number>(missing).fill(1), ...reps]);
};

function triangle(self: Tensor, diagonal: number, lower: boolean): Tensor {
  const name = lower ? 'tril' : 'triu';
  if (!Number.isInteger(diagonal)) throw new TypeError(`${name}(): argument 'diagonal' (position 1) must be int, not ${pyTypeName(diagonal)}`);
  if (self.dim() < 2) throw new Error(`${name}: input tensor must have at least 2 dimensions`);
  const out = rawCopy(self);
  const dst = out.storage_.data as unknown as Element[];
  const rows = self.shape_[self.dim() - 2];
  const cols = self.shape_[self.dim() - 1];
  const zero = castElement(0, self.dtype);
  for (let k = 0; k < dst.length; k++) {
    const j = k % cols;
    const i = Math.floor(k / cols) % rows;
    if (lower ? j - i > diagonal : j - i < diagonal) dst[k] = zero;
  }
  record({
    name: lower ? 'TrilBackward0' : 'TriuBackward0',
    inputs: [self],
    outputs: [out],
    backward: ([g]) => [lower ? (g as Tensor).tril(diagonal) : (g as Tensor).triu(diagonal)],
  });
  return out;
}

Tensor.prototype.tril = function (this: Tensor, diagonal = 0): Tensor {
  return triangle(this, diagonal, true);
};
Tensor.prototype.triu = function (this: Tensor, diagonal = 0): Tensor {
  return triangle(this, diagonal, false);
};
Tensor.prototype.tril_ = function (this: Tensor, diagonal = 0) {
  return applyInplace(this, (current) => triangle(current, diagonal, true));
};
Tensor.prototype.triu_ = function (this: Tensor, diagonal = 0) {
  return applyInplace(this, (current) => triangle(current, diagonal, false));
};

// ---- pad ----

/** The pads of `pad` (last dim first, as F.pad) as [before, after] per trailing dim of an `nd`-dim input. */
function padPairs(pad: readonly number[], nd: number): Map<number, [number, number]> {
  const pairs = new Map<number, [number, number]>();
  for (let k = 0; k < pad.length / 2; k++) pairs.set(nd - 1 - k, [pad[2 * k], pad[2 * k + 1]]);
  return pairs;
}

/** ATen's constant_pad_nd: negative pads crop (with narrow's checks), positive ones add `value`. */
function constantPad(input: Tensor, pad: readonly number[], value: Scalar): Tensor {
  const pairs = padPairs(pad, input.dim());
  let cropped = input;
  for (const [d, [before, after]] of pairs) {
    if (before < 0) cropped = cropped.narrow(d, -before, cropped.shape_[d] + before);
    if (after < 0) cropped = cropped.narrow(d, 0, cropped.shape_[d] + after);
  }
  const tables = cropped.shape_.map((n, d) => {
    const [before, after] = pairs.get(d) ?? [0, 0];
    const lo = Math.max(before, 0);
    return range(n + lo + Math.max(after, 0), (i) => (i < lo || i >= lo + n ? -1 : i - lo));
  });
  const out = mapByTables(cropped, tables, value);
  record({
    name: 'ConstantPadNdBackward0',
    inputs: [input],
    outputs: [out],
    backward: ([g]) => [constantPad(g as Tensor, pad.map((p) => -p), 0)],
  });
  return out;
}

/** Where output position `i` of a padded dim reads, for reflect and replicate (ATen's kernels). */
function sourceIndex(mode: 'reflect' | 'replicate', i: number, size: number, before: number): number {
  const iStart = Math.max(0, -before);
  const oStart = Math.max(0, before);
  let j: number;
  if (i < before) j = mode === 'reflect' ? 2 * before - i : before;
  else if (i < size + before) j = i;
  else j = mode === 'reflect' ? 2 * (size + before - 1) - i : size + before - 1;
  return j - oStart + iStart;
}

/**
 * reflect / replicate padding as a gather whose adjoint adds back. Like PyTorch's pad backward kernels,
 * the adjoint takes the padded input as an input too (its derivative for it is zero), so first
 * derivatives of these pads require grad when the input does.
 */
function padByTables(x: Tensor, tables: DimTables, name: string): Tensor {
  const out = mapByTables(x, tables);
  record({ name, inputs: [x], outputs: [out], save: [x], backward: ([g], [input]) => [unpadByTables(g as Tensor, input, tables, name)] });
  return out;
}

function unpadByTables(g: Tensor, input: Tensor, tables: DimTables, name: string): Tensor {
  const out = addByTables(g, input.shape_, tables);
  record({
    name: name.replace(/Backward0$/, 'BackwardBackward0'),
    inputs: [g, input],
    outputs: [out],
    backward: ([gg], _saved, needs) => [padByTables(gg as Tensor, tables, name), needs[1] ? zerosLike(input) : null],
  });
  return out;
}

const ARGUMENT_NUMBER = ['#4', '#6', '#8'];
const AXIS_LETTER = ['W', 'H', 'D'];

function edgePad(input: Tensor, pad: readonly number[], mode: 'reflect' | 'replicate'): Tensor {
  const nd = input.dim();
  const k = pad.length / 2;
  if (!(nd === k + 1 || nd === k + 2)) throw new Error('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  const pairs = padPairs(pad, nd);
  const tables = input.shape_.map((n, d) => {
    const pair = pairs.get(d);
    if (pair === undefined) return range(n, (i) => i);
    const [before, after] = pair;
    const axis = nd - 1 - d;
    if (mode === 'reflect' && !(before < n && after < n)) {
      throw new Error(
        `Argument ${ARGUMENT_NUMBER[axis]}: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${d} of input ${shapeStr(input.shape_)}`,
      );
    }
    const size = n + before + after;
    if (size < 1) throw new Error(`input (${AXIS_LETTER[axis]}: ${n}) is too small. Calculated output ${AXIS_LETTER[axis]}: ${size}`);
    return range(size, (i) => sourceIndex(mode, i, n, before));
  });
  const kind = mode === 'reflect' ? 'Reflection' : 'Replication';
  return padByTables(input, tables, `${kind}Pad${k}DBackward0`);
}

/**
 * `torch.nn.functional.pad(input, pad, mode, value)`: `pad` lists (before, after) pairs starting from
 * the last dim. Modes: 'constant' (any number of dims), 'reflect' and 'replicate' (the last 1, 2 or 3
 * dims of a batched or unbatched input).
 */
export function pad(input: Tensor, pad: readonly number[], mode: PadMode = 'constant', value?: number | null): Tensor {
  checkTensor(input, 'pad');
  if (!Array.isArray(pad) || pad.some((p) => !Number.isInteger(p))) {
    throw new TypeError(`pad(): argument 'pad' (position 2) must be tuple of ints, not ${pyTypeName(pad)}`);
  }
  if (pad.length % 2 !== 0) throw new Error('Padding length must be divisible by 2');
  if (pad.length > input.dim() * 2) {
    throw new Error(
      `Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${input.dim()}`,
    );
  }
  if (mode === 'constant') return constantPad(input, pad, value ?? 0);
  if (mode !== 'reflect' && mode !== 'replicate') throw new Error(`pad(): mode must be 'constant', 'reflect' or 'replicate', not '${String(mode)}'`);
  if (value !== undefined && value !== null && value !== 0) throw new Error(`Padding mode "${mode}" doesn't take in value argument`);
  if (pad.length === 0 || pad.length > 6) throw new Error('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
  return edgePad(input, pad, mode);
}

// ---- torch.* functions ----

export function nonzero(input: Tensor, options?: { asTuple?: false }): Tensor;

export function nonzero(input: Tensor, options: { asTuple: true }): Tensor[];

export function nonzero(input: Tensor, options?: { asTuple?: boolean }): Tensor | Tensor[] {
  checkTensor(input, 'nonzero');
  return nonzeroImpl(input, asTupleOption(options));
}

export function argwhere(input: Tensor): Tensor {
  checkTensor(input, 'argwhere');
  return input.argwhere();
}

export function flip(input: Tensor, dims: readonly number[]): Tensor {
  checkTensor(input, 'flip');
  return input.flip(dims);
}

export function fliplr(input: Tensor): Tensor {
  checkTensor(input, 'fliplr');
  return input.fliplr();
}

export function flipud(input: Tensor): Tensor {
  checkTensor(input, 'flipud');
  return input.flipud();
}

export function roll(input: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  checkTensor(input, 'roll');
  return input.roll(shifts, dims);
}

export function tile(input: Tensor, dims: readonly number[]): Tensor {
  checkTensor(input, 'tile');
  return input.tile(dims);
}

export function tril(input: Tensor, diagonal?: number): Tensor {
  checkTensor(input, 'tril');
  return input.tril(diagonal);
}

export function triu(input: Tensor, diagonal?: number): Tensor {
  checkTensor(input, 'triu');
  return input.triu(diagonal);
}
