// t.index(...items) and t.setIndex(items, value) with random subscripts (integers, slices with
// out-of-range bounds and steps, null, '...', one integer list or tensor, one boolean mask) against
// the reference's PyTorch indexing: integers select first, then the one advanced index keeps its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { at, build, fcOptions, layoutArb, numel, shapeArb, tensorOf, toArr, unravel, type Arr } from './reference.js';

type Item =
  | { kind: 'int'; i: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null; asObject: boolean }
  | { kind: 'none' }
  | { kind: 'ellipsis' }
  | { kind: 'list'; values: number[]; asTensor: boolean }
  | { kind: 'mask'; mask: Arr; asTensor: boolean };

function toIndexItem(item: Item): torch.IndexItem {
  switch (item.kind) {
    case 'int':
      return item.i;
    case 'slice': {
      if (item.asObject) return torch.slice(item.start, item.stop, item.step);
      const part = (v: number | null): string => (v === null ? '' : String(v));
      return `${part(item.start)}:${part(item.stop)}${item.step === null ? '' : `:${part(item.step)}`}`;
    }
    case 'none':
      return null;
    case 'ellipsis':
      return '...';
    case 'list':
      return item.asTensor ? torch.tensor(item.values.map(BigInt)) : item.values;
    case 'mask':
      return item.asTensor ? tensorOf(item.mask, torch.bool) : (torch.tensor(item.mask.data.map((v) => v !== 0)).reshape(item.mask.shape).tolist() as boolean[]);
  }
}

function describe(items: readonly Item[]): string {
  return items
    .map((it) => {
      if (it.kind === 'list') return `[${it.values}]`;
      if (it.kind === 'mask') return `mask[${it.mask.shape}]`;
      const v = toIndexItem(it);
      return v === null ? 'None' : typeof v === 'string' ? v : String(v);
    })
    .join(', ');
}

/** Output dims of an indexing expression, each mapping output positions to input positions. */
type OutDim =
  | { kind: 'range'; dim: number; start: number; step: number; size: number }
  | { kind: 'new' }
  | { kind: 'list'; dim: number; values: number[] }
  | { kind: 'mask'; dims: number[]; positions: number[][] };

/** The reference: the input position each output element reads, and the output shape. */
function referenceIndex(shape: readonly number[], items: readonly Item[]): { shape: number[]; source: number[] } {
  const consumes = (it: Item): number => (it.kind === 'none' || it.kind === 'ellipsis' ? 0 : it.kind === 'mask' ? it.mask.shape.length : 1);
  const used = items.reduce((n, it) => n + consumes(it), 0);
  const expanded: Item[] = [];
  let sawEllipsis = false;
  for (const it of items) {
    if (it.kind === 'ellipsis') {
      sawEllipsis = true;
      for (let k = 0; k < shape.length - used; k++) expanded.push({ kind: 'slice', start: null, stop: null, step: null, asObject: false });
    } else expanded.push(it);
  }
  if (!sawEllipsis) for (let k = used; k < shape.length; k++) expanded.push({ kind: 'slice', start: null, stop: null, step: null, asObject: false });
  const fixed = new Map<number, number>();
  const outDims: OutDim[] = [];
  let d = 0;
  for (const it of expanded) {
    if (it.kind === 'int') fixed.set(d, it.i < 0 ? it.i + shape[d] : it.i);
    else if (it.kind === 'slice') {
      const size = shape[d];
      const step = it.step ?? 1;
      const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
      const s = it.start === null ? 0 : clamp(it.start);
      const e = Math.max(it.stop === null ? size : clamp(it.stop), s);
      outDims.push({ kind: 'range', dim: d, start: s, step, size: Math.ceil((e - s) / step) });
    } else if (it.kind === 'none') outDims.push({ kind: 'new' });
    else if (it.kind === 'list') outDims.push({ kind: 'list', dim: d, values: it.values.map((v) => (v < 0 ? v + shape[d] : v)) });
    else if (it.kind === 'mask') {
      const dims = it.mask.shape.map((_, k) => d + k);
      const positions = it.mask.data.flatMap((v, k) => (v !== 0 ? [unravel(k, it.mask.shape)] : []));
      outDims.push({ kind: 'mask', dims, positions });
    }
    d += consumes(it);
  }
  const outShape = outDims.map((o) => (o.kind === 'range' ? o.size : o.kind === 'new' ? 1 : o.kind === 'list' ? o.values.length : o.positions.length));
  const input = { shape: [...shape], data: [...Array(numel(shape)).keys()] };
  const out = build(outShape, (idx) => {
    const full = new Array<number>(shape.length);
    fixed.forEach((v, k) => (full[k] = v));
    outDims.forEach((o, k) => {
      if (o.kind === 'range') full[o.dim] = o.start + idx[k] * o.step;
      else if (o.kind === 'list') full[o.dim] = o.values[idx[k]];
      else if (o.kind === 'mask') o.dims.forEach((dim, j) => (full[dim] = o.positions[idx[k]][j]));
    });
    return at(input, full);
  });
  return { shape: out.shape, source: out.data };
}

/** Dice for one input dim: what indexes it, and its parameters. */
const dimDiceArb = fc.tuple(fc.nat(9), fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.boolean());

const itemsArb = shapeArb(4, 0, 4)
  .filter((s) => s.length > 0)
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.array(dimDiceArb, { minLength: shape.length, maxLength: shape.length }),
      fc.nat(shape.length),
      fc.nat(shape.length + 1),
      fc.nat(),
      fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      layoutArb,
      fc.boolean(),
    ),
  )
  .map(([shape, dice, ellipsisAt, noneAt, advancedRoll, picks, layout, distinct]) => {
    const items: Item[] = [];
    const advancedDim = advancedRoll % (shape.length + 2);
    let k = 0;
    while (k < shape.length) {
      const [kind, a, b, step, flag] = dice[k];
      const size = shape[k];
      if (k === advancedDim && kind % 2 === 0 && size > 0) {
        const len = 1 + (picks[0] % 4);
        const values = Array.from({ length: distinct ? Math.min(len, size) : len }, (_, j) => (distinct ? (picks[1] + j) % size : (picks[1] * (j + 1)) % size));
        items.push({ kind: 'list', values: values.map((v, j) => (j % 2 === 1 ? v - size : v)), asTensor: flag });
        k++;
      } else if (k === advancedDim && kind % 2 === 1) {
        // A mask over one dim. (Over several dims, PyTorch applies the items after the mask one dim
        // off from NumPy; tstorch does the same; the full-shape mask is tested below.)
        const span = 1;
        const mshape = shape.slice(k, k + span);
        const mask = build(mshape, (idx) => (idx.reduce((s, v) => s * 7 + v, picks[3]) % 3 === 0 ? 0 : 1));
        items.push({ kind: 'mask', mask, asTensor: flag });
        k += span;
      } else if (kind < 3 && size > 0) {
        items.push({ kind: 'int', i: ((a % size) + size) % size - (flag ? size : 0) });
        k++;
      } else {
        items.push({ kind: 'slice', start: kind % 4 === 0 ? null : a, stop: kind % 3 === 0 ? null : b, step: kind === 9 ? null : step, asObject: flag });
        k++;
      }
    }
    // '...' stands for a run of (up to two) plain ':' at a random place, possibly an empty run; a None goes in too.
    const plain = (it: Item): boolean => it.kind === 'slice' && it.start === null && it.stop === null && it.step === null;
    let withEllipsis = items;
    if (ellipsisAt > 0) {
      const p = ellipsisAt % (items.length + 1);
      let q = p;
      while (q < items.length && q - p < 2 && plain(items[q])) q++;
      withEllipsis = [...items.slice(0, p), { kind: 'ellipsis' }, ...items.slice(q)];
    }
    const at = noneAt % (withEllipsis.length + 1);
    const final = noneAt > shape.length ? withEllipsis : [...withEllipsis.slice(0, at), { kind: 'none' } as Item, ...withEllipsis.slice(at)];
    return { shape, items: final, layout, distinct };
  });

test('indexing: t.index(...items) reads what the reference says', () => {
  fc.assert(
    fc.property(itemsArb, ({ shape, items, layout }) => {
      const n = numel(shape);
      const base: Arr = { shape, data: [...Array(n).keys()] };
      const t = tensorOf(base, torch.float64, layout);
      const want = referenceIndex(shape, items);
      const where = `[${shape}][${describe(items)}]`;
      const got = t.index(...items.map(toIndexItem));
      assert.deepEqual(got.shape, want.shape, `${where}: shape`);
      assert.deepEqual(toArr(got).data, want.source, `${where}: values`);
      const basic = items.every((it) => it.kind !== 'list' && it.kind !== 'mask');
      if (basic) assert.ok(got.sharesStorageWith(t), `${where}: basic indexing gives a view`);
    }),
    fcOptions(300),
  );
});

test('indexing: t.setIndex(items, value) writes what the reference says', () => {
  fc.assert(
    fc.property(itemsArb, fc.nat(2), ({ shape, items, layout, distinct }, valueKind) => {
      // Repeated positions in an integer list are written in an unspecified order, as in PyTorch.
      fc.pre(distinct || items.every((it) => it.kind !== 'list'));
      const n = numel(shape);
      const t = tensorOf({ shape, data: [...Array(n).keys()] }, torch.float64, layout);
      const { shape: outShape, source } = referenceIndex(shape, items);
      const where = `[${shape}][${describe(items)}] = ${['scalar', 'tensor', 'broadcast row'][valueKind]}`;
      const fresh = (k: number): number => 1000 + k;
      let value: number | Tensor;
      let valueAt: (k: number) => number;
      if (valueKind === 0 || outShape.length === 0) {
        value = -1;
        valueAt = () => -1;
      } else if (valueKind === 1) {
        value = torch.tensor(source.map((_, k) => fresh(k)), { dtype: torch.float64 }).reshape(outShape);
        valueAt = fresh;
      } else {
        const last = outShape[outShape.length - 1];
        value = torch.tensor([...Array(last).keys()].map(fresh), { dtype: torch.float64 });
        valueAt = (k) => fresh(last === 0 ? 0 : k % last);
      }
      t.setIndex(items.map(toIndexItem), value);
      const want = [...Array(n).keys()];
      source.forEach((s, k) => (want[s] = valueAt(k)));
      assert.deepEqual(toArr(t).data, want, where);
    }),
    fcOptions(300),
  );
});

test('indexing: a mask of the full shape selects the true elements in row-major order', () => {
  const arb = shapeArb(4, 0, 4).chain((shape) => fc.tuple(fc.constant(shape), fc.array(fc.boolean(), { minLength: numel(shape), maxLength: numel(shape) }), layoutArb));
  fc.assert(
    fc.property(arb, ([shape, bits, layout]) => {
      const n = numel(shape);
      const t = tensorOf({ shape, data: [...Array(n).keys()] }, torch.float64, layout);
      const mask = tensorOf({ shape, data: bits.map(Number) }, torch.bool, layout);
      const want = bits.flatMap((b, k) => (b ? [k] : []));
      assert.deepEqual(toArr(t.index(mask)).data, want);
      t.setIndex(mask, -1);
      assert.deepEqual(toArr(t).data, [...Array(n).keys()].map((k) => (bits[k] ? -1 : k)));
    }),
    fcOptions(100),
  );
});

test('indexing: integers out of range and too many indices raise PyTorch\'s messages', () => {
  fc.assert(
    fc.property(shapeArb(3, 1, 4).filter((s) => s.length > 0), fc.nat(), fc.boolean(), (shape, r, negative) => {
      const t = torch.zeros(shape);
      const d = r % shape.length;
      const bad = negative ? -shape[d] - 1 - (r % 3) : shape[d] + (r % 3);
      const items = [...Array<string>(d).fill(':'), bad];
      assert.throws(() => t.index(...items), { message: `index ${bad} is out of bounds for dimension ${d} with size ${shape[d]}` });
      assert.throws(() => t.index(...Array<number>(shape.length + 1).fill(0)), { message: `too many indices for tensor of dimension ${shape.length}` });
    }),
    fcOptions(60),
  );
});
