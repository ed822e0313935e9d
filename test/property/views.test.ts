// Chains of random view ops against the reference's index maps: the values a view reads (the base
// holds 1..n, so a value names the base element it came from), that the view shares the base's
// storage and has it as `base`, and that a write through the view lands in exactly those elements of
// the base (or raises PyTorch's error where several view elements share one address).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { fcOptions, isContiguousMap, mapView, numel, shapeArb, toArr, type IndexMap } from './reference.js';

/** One view op: applicable to a shape, applied to a tensor and to the reference map. */
interface ViewStep {
  label: string;
  apply: (t: Tensor) => Tensor;
  ref: (m: IndexMap) => IndexMap;
}

/** Random numbers that a step interprets against the current shape (shrinkable, shape-independent). */
type Dice = [number, number, number, number, number];
const diceArb: fc.Arbitrary<Dice> = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.nat());

const pick = (r: number, n: number): number => r % n;
/** A dim of an `nd`-dim shape, given as negative half the time (as PyTorch accepts). */
const dimOf = (r: number, nd: number): number => {
  const d = r % nd;
  return (r >> 4) % 2 === 0 ? d : d - nd;
};
const wrap = (d: number, nd: number): number => (d < 0 ? d + nd : d);
const insertAt = <T>(xs: readonly T[], i: number, v: T): T[] => [...xs.slice(0, i), v, ...xs.slice(i)];
const removeAt = <T>(xs: readonly T[], i: number): T[] => xs.filter((_, k) => k !== i);

function permutation(n: number, r: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = (r = (r * 1103515245 + 12345) >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Python's slice bounds for a dim of `size`: negative counts from the end, then clamped. */
function sliceBounds(size: number, start: number, end: number): [number, number] {
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = clamp(start);
  return [s, Math.max(clamp(end), s)];
}

/** The candidate steps for the current shape (`contiguous`: the map reads the base in order). */
function stepsFor(shape: readonly number[], contiguous: boolean, [a, b, c, d]: Dice): ViewStep[] {
  const nd = shape.length;
  const steps: ViewStep[] = [];
  const n = numel(shape);
  steps.push({
    label: `unsqueeze(${dimOf(a, nd + 1)})`,
    apply: (t) => t.unsqueeze(dimOf(a, nd + 1)),
    ref: (m) => {
      const u = wrap(dimOf(a, nd + 1), nd + 1);
      return mapView(m, insertAt(shape, u, 1), (o) => removeAt(o, u));
    },
  });
  if (nd === 0) return steps;
  const dim = dimOf(b, nd);
  const w = wrap(dim, nd);
  const size = shape[w];
  const perm = permutation(nd, c);
  steps.push({
    label: `permute(${perm})`,
    apply: (t) => t.permute(perm),
    ref: (m) =>
      mapView(m, perm.map((p) => shape[p]), (o) => {
        const i = new Array<number>(nd);
        perm.forEach((p, k) => (i[p] = o[k]));
        return i;
      }),
  });
  const other = dimOf(c, nd);
  steps.push({
    label: `transpose(${dim}, ${other})`,
    apply: (t) => t.transpose(dim, other),
    ref: (m) => {
      const x = wrap(other, nd);
      const s = [...shape];
      [s[w], s[x]] = [s[x], s[w]];
      return mapView(m, s, (o) => {
        const i = [...o];
        [i[w], i[x]] = [i[x], i[w]];
        return i;
      });
    },
  });
  steps.push({
    label: `movedim(${dim}, ${other})`,
    apply: (t) => t.movedim(dim, other),
    ref: (m) => {
      const x = wrap(other, nd);
      const order = insertAt(removeAt([...Array(nd).keys()], w), x, w);
      return mapView(m, order.map((k) => shape[k]), (o) => {
        const i = new Array<number>(nd);
        order.forEach((k, j) => (i[k] = o[j]));
        return i;
      });
    },
  });
  const start = size === 0 ? 0 : pick(c, size);
  const length = pick(d, size - start + 1);
  steps.push({
    label: `narrow(${dim}, ${start}, ${length})`,
    apply: (t) => t.narrow(dim, start, length),
    ref: (m) => mapView(m, shape.map((s, k) => (k === w ? length : s)), (o) => o.map((v, k) => (k === w ? v + start : v))),
  });
  const [from, to] = [pick(c, 2 * size + 3) - size - 1, pick(d, 2 * size + 3) - size - 1];
  const step = 1 + pick(a, 3);
  steps.push({
    label: `slice(${dim}, ${from}, ${to}, ${step})`,
    apply: (t) => t.slice(dim, from, to, step),
    ref: (m) => {
      const [s, e] = sliceBounds(size, from, to);
      return mapView(m, shape.map((x, k) => (k === w ? Math.ceil((e - s) / step) : x)), (o) => o.map((v, k) => (k === w ? s + v * step : v)));
    },
  });
  steps.push({
    label: `index(slice ${from}:${to}:${step} at ${w})`,
    apply: (t) => t.index(...Array<string>(w).fill(':'), `${from}:${to}:${step}`),
    ref: (m) => {
      const [s, e] = sliceBounds(size, from, to);
      return mapView(m, shape.map((x, k) => (k === w ? Math.ceil((e - s) / step) : x)), (o) => o.map((v, k) => (k === w ? s + v * step : v)));
    },
  });
  if (size > 0) {
    const i = pick(c, size);
    const signed = (d & 1) === 0 ? i : i - size;
    const select = (m: IndexMap): IndexMap => mapView(m, removeAt(shape, w), (o) => insertAt(o, w, i));
    steps.push({ label: `select(${dim}, ${signed})`, apply: (t) => t.select(dim, signed), ref: select });
    steps.push({ label: `unbind(${dim})[${i}]`, apply: (t) => t.unbind(dim)[i], ref: select });
    steps.push({ label: `index(${signed} at ${w}, ...)`, apply: (t) => t.index(...Array<string>(w).fill(':'), signed, '...'), ref: select });
    const piece = 1 + pick(a, size);
    const which = pick(d, Math.ceil(size / piece));
    steps.push({
      label: `split(${piece}, ${dim})[${which}]`,
      apply: (t) => t.split(piece, dim)[which],
      ref: (m) => {
        const len = Math.min(piece, size - which * piece);
        return mapView(m, shape.map((x, k) => (k === w ? len : x)), (o) => o.map((v, k) => (k === w ? v + which * piece : v)));
      },
    });
  }
  if (size === 1) {
    steps.push({ label: `squeeze(${dim})`, apply: (t) => t.squeeze(dim), ref: (m) => mapView(m, removeAt(shape, w), (o) => insertAt(o, w, 0)) });
  }
  if (shape.includes(1) || nd < 4) {
    // Size-1 dims grow to 1..3 and at most one leading dim is added.
    const lead = nd < 4 ? pick(a, 2) : 0;
    const target = [...Array<number>(lead).fill(1 + pick(b, 3)), ...shape.map((s, k) => (s === 1 ? 1 + pick(c >> k, 3) : s))];
    steps.push({
      label: `expand(${target})`,
      apply: (t) => t.expand(target),
      ref: (m) => mapView(m, target, (o) => shape.map((s, k) => (s === 1 ? 0 : o[lead + k]))),
    });
  }
  const win = pick(c, size + 1);
  const hop = 1 + pick(d, 3);
  steps.push({
    label: `unfold(${dim}, ${win}, ${hop})`,
    apply: (t) => t.unfold(dim, win, hop),
    ref: (m) => {
      const count = Math.floor((size - win) / hop) + 1;
      return mapView(m, [...shape.map((x, k) => (k === w ? count : x)), win], (o) =>
        o.slice(0, nd).map((v, k) => (k === w ? v * hop + o[nd] : v)),
      );
    },
  });
  if (nd >= 2) {
    const d2 = dimOf(c, nd);
    if (wrap(d2, nd) !== w) {
      const x = wrap(d2, nd);
      const offset = pick(d, 5) - 2;
      steps.push({
        label: `diagonal(${offset}, ${dim}, ${d2})`,
        apply: (t) => t.diagonal(offset, dim, d2),
        ref: (m) => {
          const len = Math.max(0, offset >= 0 ? Math.min(shape[w], shape[x] - offset) : Math.min(shape[w] + offset, shape[x]));
          const rest = shape.map((_, k) => k).filter((k) => k !== w && k !== x);
          return mapView(m, [...rest.map((k) => shape[k]), len], (o) => {
            const i = new Array<number>(nd);
            rest.forEach((k, j) => (i[k] = o[j]));
            i[w] = o[o.length - 1] + Math.max(-offset, 0);
            i[x] = o[o.length - 1] + Math.max(offset, 0);
            return i;
          });
        },
      });
    }
  }
  if (nd <= 2) {
    steps.push({
      label: 't()',
      apply: (t) => t.t(),
      ref: (m) => mapView(m, [...shape].reverse(), (o) => [...o].reverse()),
    });
  }
  if (contiguous && n > 0) {
    // Viewable whatever the new shape: a flat run of the base.
    const divisors = [...Array(n).keys()].map((k) => k + 1).filter((k) => n % k === 0);
    const rows = divisors[pick(d, divisors.length)];
    steps.push({ label: `view(${rows}, -1)`, apply: (t) => t.view(rows, -1), ref: (m) => ({ shape: [rows, n / rows], source: m.source }) });
    const s0 = pick(a, nd);
    const s1 = s0 + pick(b, nd - s0);
    steps.push({
      label: `flatten(${s0}, ${s1})`,
      apply: (t) => t.flatten(s0, s1),
      ref: (m) => ({ shape: [...shape.slice(0, s0), numel(shape.slice(s0, s1 + 1)), ...shape.slice(s1 + 1)], source: m.source }),
    });
  }
  return steps;
}

const chainArb = fc.tuple(shapeArb(4, 0, 4), fc.array(diceArb, { minLength: 1, maxLength: 4 }));

test('views: random chains of view ops read the base elements the reference says', () => {
  fc.assert(
    fc.property(chainArb, ([shape, dice]) => {
      const n = numel(shape);
      const base = torch.arange(1, n + 1, { dtype: torch.float64 }).reshape(shape).clone();
      let view = base;
      let map: IndexMap = { shape: [...shape], source: [...Array(n).keys()] };
      const labels: string[] = [];
      for (const roll of dice) {
        const candidates = stepsFor(map.shape, isContiguousMap(map), roll);
        const step = candidates[roll[4] % candidates.length];
        labels.push(step.label);
        view = step.apply(view);
        map = step.ref(map);
      }
      const where = `[${shape}] ${labels.join(' . ')}`;
      assert.deepEqual(view.shape, map.shape, `${where}: shape`);
      assert.deepEqual(toArr(view).data, map.source.map((s) => s + 1), `${where}: values`);
      assert.ok(view.sharesStorageWith(base), `${where}: shares storage`);
      assert.ok(view === base || view.base === base, `${where}: base`);

      // A write through the view lands in the base elements it reads, and nowhere else.
      const distinct = new Set(map.source).size === map.source.length;
      const expanded = view.shape.some((s, i) => s > 1 && view.stride(i) === 0);
      if (expanded) {
        assert.throws(() => view.neg_(), /more than one element of the written-to tensor refers to a single memory location/, where);
      } else if (distinct) {
        view.neg_();
        const written = new Set(map.source);
        const want = [...Array(n).keys()].map((k) => (written.has(k) ? -(k + 1) : k + 1));
        assert.deepEqual(toArr(base).data, want, `${where}: base after writing through the view`);
      }
    }),
    fcOptions(400),
  );
});

test('views: gradients flow back through random view chains into the right base elements', () => {
  fc.assert(
    fc.property(chainArb, ([shape, dice]) => {
      const n = numel(shape);
      const base = torch.arange(1, n + 1, { dtype: torch.float64 }).reshape(shape).clone().requiresGrad_(true);
      let view = base;
      let map: IndexMap = { shape: [...shape], source: [...Array(n).keys()] };
      for (const roll of dice) {
        const candidates = stepsFor(map.shape, isContiguousMap(map), roll);
        const step = candidates[roll[4] % candidates.length];
        view = step.apply(view);
        map = step.ref(map);
      }
      // d(sum(view * w))/d(base) adds each view element's weight into the element it reads.
      const weights = map.source.map((_, k) => k + 1);
      view.mul(torch.tensor(weights, { dtype: torch.float64 }).reshape(map.shape)).sum().backward();
      const want = new Array<number>(n).fill(0);
      map.source.forEach((s, k) => (want[s] += weights[k]));
      assert.deepEqual(toArr(base.grad as Tensor).data, want);
    }),
    fcOptions(150),
  );
});
