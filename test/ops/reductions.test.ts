// Reductions, scans, sorting and softmax against PyTorch: every case of test/golden/reductions.json
// (tools/golden/gen_reductions.py), replayed by the op harness (forward values, dtype and shape, grad_fn,
// gradients, second derivatives, error messages). Each key below does what the generator's call of the
// same key does in PyTorch. The tests after the fixture cover what a fixture cannot express.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { DType, Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

/** The generator's `extra`. */
interface Extra {
  /** 1: transposed (dims -1, -2); 2: every other element of the last dim. */
  layout?: 1 | 2;
  dim?: number | number[];
  keepdim?: boolean;
  dtype?: DType;
  correction?: number;
  unbiased?: boolean;
  p?: number;
  fro?: boolean;
  ord?: number;
  descending?: boolean;
  stable?: boolean;
  k?: number;
  largest?: boolean;
  sorted?: boolean;
  q?: number | number[];
  /** Index into MODES. */
  mode?: number;
}

const MODES = ['linear', 'lower', 'higher', 'midpoint', 'nearest'] as const;

function layout(x: Tensor, e: Extra): Tensor {
  if (e.layout === 1) return x.transpose(-1, -2);
  if (e.layout === 2) return x.slice(-1, 0, null, 2);
  return x;
}

/** The case's input laid out, and its keyword options. */
function arg(xs: Tensor[], e: Extra): Tensor {
  return layout(xs[0], e);
}

type Call = (xs: Tensor[], e: Extra) => Tensor | Tensor[] | Iterable<Tensor>;

function varCall(fn: typeof torch.var): Call {
  return (xs, e) => {
    const x = arg(xs, e);
    if (e.unbiased !== undefined) return e.dim === undefined ? fn(x, e.unbiased, { keepdim: e.keepdim }) : fn(x, e.dim, { unbiased: e.unbiased, keepdim: e.keepdim });
    return fn(x, e.dim ?? null, { correction: e.correction, keepdim: e.keepdim });
  };
}

const CALLS: Record<string, Call> = {
  sum: (xs, e) => (e.dim === undefined ? torch.sum(arg(xs, e), { dtype: e.dtype }) : torch.sum(arg(xs, e), e.dim, { keepdim: e.keepdim, dtype: e.dtype })),
  'sum.method': (xs, e) => arg(xs, e).sum({ dtype: e.dtype }),
  mean: (xs, e) => (e.dim === undefined ? torch.mean(arg(xs, e), { dtype: e.dtype }) : torch.mean(arg(xs, e), e.dim, { keepdim: e.keepdim, dtype: e.dtype })),
  prod: (xs, e) => (e.dim === undefined ? torch.prod(arg(xs, e), { dtype: e.dtype }) : torch.prod(arg(xs, e), e.dim as number, { keepdim: e.keepdim, dtype: e.dtype })),
  max: (xs, e) => torch.max(arg(xs, e)),
  min: (xs, e) => arg(xs, e).min(),
  'max.dim': (xs, e) => torch.max(arg(xs, e), e.dim as number, { keepdim: e.keepdim }),
  'min.dim': (xs, e) => arg(xs, e).min(e.dim as number, { keepdim: e.keepdim }),
  'max.other': (xs) => torch.max(xs[0], xs[1]),
  amax: (xs, e) => torch.amax(arg(xs, e), e.dim, { keepdim: e.keepdim }),
  amin: (xs, e) => arg(xs, e).amin(e.dim, { keepdim: e.keepdim }),
  argmax: (xs, e) => torch.argmax(arg(xs, e), e.dim as number | undefined, { keepdim: e.keepdim }),
  argmin: (xs, e) => arg(xs, e).argmin(e.dim as number | undefined, { keepdim: e.keepdim }),
  var: varCall(torch.var),
  std: varCall(torch.std),
  norm: (xs, e) => torch.norm(arg(xs, e), e.fro ? 'fro' : e.p, e.dim, { keepdim: e.keepdim, dtype: e.dtype }),
  vector_norm: (xs, e) => torch.linalg.vectorNorm(arg(xs, e), e.ord, e.dim, { keepdim: e.keepdim, dtype: e.dtype }),
  logsumexp: (xs, e) => torch.logsumexp(arg(xs, e), e.dim as number | number[], { keepdim: e.keepdim }),
  cumsum: (xs, e) => torch.cumsum(arg(xs, e), e.dim as number, { dtype: e.dtype }),
  cumprod: (xs, e) => arg(xs, e).cumprod(e.dim as number, { dtype: e.dtype }),
  sort: (xs, e) => torch.sort(arg(xs, e), e.dim as number | undefined, { descending: e.descending, stable: e.stable }),
  argsort: (xs, e) => arg(xs, e).argsort(e.dim as number | undefined, { descending: e.descending, stable: e.stable }),
  topk: (xs, e) => torch.topk(arg(xs, e), e.k as number, e.dim as number | undefined, { largest: e.largest, sorted: e.sorted }),
  median: (xs, e) => torch.median(arg(xs, e)),
  'median.dim': (xs, e) => arg(xs, e).median(e.dim as number, { keepdim: e.keepdim }),
  quantile: (xs, e) =>
    torch.quantile(arg(xs, e), xs[1] ?? (e.q as number | number[]), e.dim as number | undefined, { keepdim: e.keepdim, interpolation: MODES[e.mode ?? 0] }),
  softmax: (xs, e) => torch.softmax(arg(xs, e), e.dim as number, { dtype: e.dtype }),
  log_softmax: (xs, e) => arg(xs, e).logSoftmax(e.dim as number, { dtype: e.dtype }),
  all: (xs, e) => torch.all(arg(xs, e), e.dim, { keepdim: e.keepdim }),
  any: (xs, e) => arg(xs, e).any(e.dim, { keepdim: e.keepdim }),
};

runOpFixture('reductions', CALLS as unknown as Record<string, OpCall>);

test('max(dim) results destructure, index and print like torch.return_types', () => {
  const x = torch.tensor([[1, 5, 3], [4, 2, 6]]);
  const r = x.max(1);
  const [values, indices] = r;
  assert.equal(values, r.values);
  assert.equal(indices, r[1]);
  assert.deepEqual(indices.tolist(), [1, 2]);
  assert.equal(String(r), 'torch.return_types.max(\nvalues=tensor([5., 6.]),\nindices=tensor([1, 2]))');
  assert.equal(indices.gradFn, null);
});

test('var and std warn when there are no degrees of freedom', () => {
  const seen: string[] = [];
  const restore = torch.catchWarnings((_category, message) => seen.push(message));
  try {
    torch.tensor([1, 2]).var(0, { correction: 2 });
    torch.tensor([1, 2]).std({ correction: 1 });
    torch.tensor([1]).std();
  } finally {
    restore();
  }
  const tail = 'degrees of freedom is <= 0. Correction should be strictly less than the reduction factor (input numel divided by output numel).';
  assert.deepEqual(seen, [`var(): ${tail}`, `std(): ${tail}`]);
});

/** Deterministic float64 values spread over [-2, 2), distinct, away from 0 (a fixed LCG). */
function values(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const v = (s / 2147483648) * 4 - 2;
    out.push(Math.abs(v) < 0.1 ? v + 0.3 : v);
  }
  return torch.tensor(out, { dtype: torch.float64 }).reshape(shape).requiresGrad_();
}

/** gradcheck and gradgradcheck in float64: first and second derivatives against finite differences. */
const GRADCHECKS: Record<string, [(x: Tensor) => Tensor, Tensor]> = {
  'sum dims': [(x) => x.sum([0, 2], { keepdim: true }), values([2, 3, 2], 1)],
  'mean dim': [(x) => x.mean(1), values([3, 4], 2)],
  prod: [(x) => x.prod(), values([5], 3)],
  'prod dim': [(x) => x.prod(1, { keepdim: true }), values([3, 4], 4)],
  'prod with a zero': [(x) => x.prod(0), torch.tensor([[1.5, 0], [0, 2], [-0.5, 1.2]], { dtype: torch.float64, requiresGrad: true })],
  'max dim': [(x) => x.max(1).values, values([3, 4], 5)],
  'min full': [(x) => x.min(), values([3, 4], 6)],
  amax: [(x) => x.amax([0, 2]), values([2, 3, 2], 7)],
  'var dim': [(x) => x.var(1, { correction: 0 }), values([3, 4], 8)],
  std: [(x) => x.std(), values([3, 4], 9)],
  'std dims': [(x) => x.std([0, 1], { keepdim: true }), values([2, 3, 2], 10)],
  'norm 2': [(x) => torch.linalg.vectorNorm(x, 2, 1), values([3, 4], 11)],
  'norm 1': [(x) => x.norm(1), values([3, 4], 12)],
  'norm 3': [(x) => torch.linalg.vectorNorm(x, 3, [0, 1]), values([3, 4], 13)],
  'norm 1.5': [(x) => torch.linalg.vectorNorm(x, 1.5), values([5], 14)],
  'norm 0.5': [(x) => torch.linalg.vectorNorm(x, 0.5, 0), values([4, 2], 15)],
  'norm inf': [(x) => torch.linalg.vectorNorm(x, Infinity, 1), values([3, 4], 16)],
  logsumexp: [(x) => x.logsumexp([0, 1]), values([3, 4], 17)],
  cumsum: [(x) => x.cumsum(1), values([3, 4], 18)],
  cumprod: [(x) => x.cumprod(0), values([4, 3], 19)],
  'cumprod with zeros': [(x) => x.cumprod(1), torch.tensor([[1.5, 0, 2, -1], [0, 0, 1, 2], [2, 1, 0.5, 0]], { dtype: torch.float64, requiresGrad: true })],
  sort: [(x) => x.sort(0, { descending: true }).values, values([4, 3], 20)],
  topk: [(x) => x.topk(2, 1).values, values([3, 4], 21)],
  median: [(x) => x.median(), values([5], 22)],
  'median dim': [(x) => x.median(1).values, values([3, 4], 23)],
  quantile: [(x) => x.quantile([0.3, 0.8], 1), values([3, 5], 24)],
  softmax: [(x) => x.softmax(1), values([3, 4], 25)],
  logSoftmax: [(x) => x.logSoftmax(0), values([3, 4], 26)],
};

for (const [name, [fn, x]] of Object.entries(GRADCHECKS)) {
  test(`gradcheck and gradgradcheck: ${name}`, () => {
    assert.ok(torch.autograd.gradcheck(fn as never, [x]));
    assert.ok(torch.autograd.gradgradcheck(fn as never, [x]));
  });
}
