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
