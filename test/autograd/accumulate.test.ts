// Spec 2.4: the first population of `.grad` may take the engine's gradient buffer instead of a copy
// (PyTorch steals a gradient nobody else references), but `.grad` never aliases a tensor the user can
// reach, nor another leaf's `.grad`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { values } from './util.js';
import { storageCount } from '../../src/tensor/storage.js';

function grad(t: Tensor): Tensor {
  assert.ok(t.grad !== null, 'expected a gradient');
  return t.grad;
}

test('a gradient passed on to two leaves gives each its own .grad', () => {
  const a = torch.ones(3, { requiresGrad: true });
  const b = torch.ones(3, { requiresGrad: true });
  a.add(b).mul(2).sum().backward();
  assert.equal(grad(a).sharesStorageWith(grad(b)), false);
  grad(a).add_(1);
  assert.deepEqual(values(grad(b)), [2, 2, 2]);
});

test('a gradient given by the user is copied, not taken', () => {
  const a = torch.ones(2, { requiresGrad: true });
  const g = torch.tensor([1, 2]);
  a.add(1).backward(g);
  assert.equal(grad(a).sharesStorageWith(g), false);
  g.add_(10);
  assert.deepEqual(values(grad(a)), [1, 2]);
});

test('a gradient a hook has seen is copied, not taken', () => {
  const a = torch.ones(2, { requiresGrad: true });
  const y = a.add(1);
  let seenOnNode: Tensor | null = null;
  y.registerHook((g) => {
    seenOnNode = g;
  });
  y.mul(3).sum().backward();
  assert.ok(seenOnNode !== null);
  assert.equal(grad(a).sharesStorageWith(seenOnNode), false);

  const b = torch.ones(2, { requiresGrad: true });
  let seenOnLeaf: Tensor | null = null;
  b.registerHook((g) => {
    seenOnLeaf = g;
  });
  b.mul(3).sum().backward();
  assert.ok(seenOnLeaf !== null);
  assert.equal(grad(b).sharesStorageWith(seenOnLeaf), false);
});

test('a gradient a custom Function returns from its backward is copied, not taken', () => {
  let returned: Tensor | null = null;
  class PassOn extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
      return x.clone();
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
      returned = g.mul(1);
      return returned;
    }
  }
  const a = torch.ones(2, { requiresGrad: true });
  PassOn.apply(a).sum().backward();
  assert.ok(returned !== null);
  assert.equal(grad(a).sharesStorageWith(returned), false);
});

test('.grad keeps the leaf layout and later backwards accumulate into the same tensor', () => {
  const w = torch.ones(3, 2, { requiresGrad: true });
  const x = torch.ones(4, 3);
  // The weight's gradient arrives transposed (x.t() @ g, then TBackward): the copy is laid out like w.
  x.matmul(w).sum().backward();
  const first = grad(w);
  assert.deepEqual(first.stride(), w.stride());
  assert.equal(first.isView(), false);
  assert.equal(first.gradFn, null);
  assert.deepEqual(values(first), [[4, 4], [4, 4], [4, 4]]);
  x.matmul(w).sum().backward();
  assert.equal(grad(w), first);
  assert.deepEqual(values(first), [[8, 8], [8, 8], [8, 8]]);
});

test('the transposed weight gradient of a linear layer becomes .grad as a plain tensor', () => {
  const layer = new torch.nn.Linear(3, 2);
  layer.call(torch.ones(4, 3)).sum().backward();
  const g = grad(layer.weight);
  assert.equal(g.isView(), false);
  assert.equal(g.base, null);
  assert.deepEqual(g.stride(), layer.weight.stride());
  assert.deepEqual(values(g), [[4, 4, 4], [4, 4, 4]]);
});

test('a post-accumulate hook sees the accumulated gradient', () => {
  const a = torch.ones(2, { requiresGrad: true });
  const seen: unknown[] = [];
  a.registerPostAccumulateGradHook((p) => seen.push(values(grad(p))));
  a.mul(2).sum().backward();
  assert.deepEqual(seen, [[2, 2]]);
});

// The engine adds two gradients of one input into one of them when only the engine holds it (PyTorch's
// InputBuffer accumulates in place): never into one the user can reach. Large enough for every backend's
// primitives to run (the native addon declines runs under 128 elements).
const N = 1000;

test('gradients the engine adds in place are its own: a gradient a hook kept is not changed', () => {
  const x = torch.ones(N, { requiresGrad: true });
  const y = x.add(1);
  let kept: Tensor | null = null;
  y.registerHook((g) => {
    kept = g;
  });
  // y's gradient (2s) passes on to x, which also receives 1s (a view of one element: only the 2s could
  // hold the sum).
  y.mul(2).sum().add(x.sum()).backward();
  assert.ok(kept !== null);
  assert.deepEqual(new Set(values(kept) as number[]), new Set([2]));
  assert.deepEqual(new Set(values(grad(x)) as number[]), new Set([3]));
});

test('gradients the engine adds in place are its own: autograd.grad\'s results are not changed', () => {
  const x = torch.ones(N, { requiresGrad: true });
  const y = x.add(1);
  const [gy, gx] = torch.autograd.grad(y.mul(2).sum().add(x.sum()), [y, x]) as Tensor[];
  assert.deepEqual(new Set(values(gy) as number[]), new Set([2]));
  assert.deepEqual(new Set(values(gx) as number[]), new Set([3]));
});

/** `f(i)` for i < N: expected gradients where every value is an integer, so any order of the sums
 * gives them exactly (as in PyTorch). */
function integers(f: (i: number) => number): number[] {
  return Array.from({ length: N }, (_, i) => f(i));
}

test('three fresh gradients of one input summed in place: 2 + 2x + 3, doubled by a second backward into .grad', () => {
  const x = torch.arange(N, { dtype: torch.float32 }).requiresGrad_();
  x.mul(2).sum().add(x.pow(2).sum()).add(x.mul(3).sum()).backward();
  assert.deepEqual(values(grad(x)), integers((i) => 2 * i + 5));
  // The second backward adds into .grad, which the first one's buffer became.
  x.mul(2).sum().add(x.pow(2).sum()).add(x.mul(3).sum()).backward();
  assert.deepEqual(values(grad(x)), integers((i) => 4 * i + 10));
});

test('the two equal gradients of a square (y * y) sum to 2 y, also after a gradient the engine does not own', () => {
  const x = torch.arange(N, { dtype: torch.float32 }).requiresGrad_();
  const y = x.add(1);
  y.mul(y).sum().backward();
  assert.deepEqual(values(grad(x)), integers((i) => 2 * (i + 1)));
  // y.sum() runs first (made later) and gives y a view of one element; MulBackward then gives the
  // same product twice: adding it into itself would have given 2 y + 2.
  x.grad = null;
  y.mul(y).sum().add(y.sum()).backward();
  assert.deepEqual(values(grad(x)), integers((i) => 2 * (i + 1) + 1));
});

test('a post hook on the MulBackward of a square sees both gradients undoubled', () => {
  const x = torch.ones(N, { requiresGrad: true });
  const y = x.add(1);
  const product = y.mul(y);
  let seen: (Tensor | null)[] = [];
  (product.gradFn as torch.autograd.Node).registerHook((gradInputs) => {
    seen = [...gradInputs];
  });
  product.sum().backward();
  assert.equal(seen.length, 2);
  for (const g of seen) assert.deepEqual(new Set(values(g) as number[]), new Set([2]));
  assert.deepEqual(new Set(values(grad(x)) as number[]), new Set([4]));
});

// ReLU's backward writes its result over the gradient it receives when that gradient is the run's
// own and nothing reads it afterwards (no graph of the backward, no hook); these check that it never
// writes over one that something else still reads. x runs from -N/2, so half of the ReLU is closed.
const centred = (): Tensor => torch.arange(N, { dtype: torch.float32 }).sub(N / 2).requiresGrad_();
const open = (i: number): boolean => i - N / 2 > 0;

test('ReLU backward leaves a gradient it shares with another branch unchanged', () => {
  const x = centred();
  const w = torch.arange(N, { dtype: torch.float32 });
  // AddBackward0 gives one fresh gradient (w) to both branches; ReLU's node, made later, runs before
  // the other branch's MulBackward0 reads it.
  const other = x.mul(3);
  x.mul(2).relu().add(other).mul(w).sum().backward();
  assert.deepEqual(values(grad(x)), integers((i) => (open(i) ? 2 * i : 0) + 3 * i));
});

test('ReLU backward leaves the gradient a post hook of its node receives unchanged', () => {
  const x = centred();
  const y = x.relu();
  let received: (Tensor | null)[] = [];
  (y.gradFn as torch.autograd.Node).registerHook((_gradInputs, gradOutputs) => {
    received = [...gradOutputs];
  });
  y.mul(torch.full([N], 5)).sum().backward();
  assert.deepEqual(new Set(values(received[0]) as number[]), new Set([5]));
  assert.deepEqual(values(grad(x)), integers((i) => (open(i) ? 5 : 0)));
});

test('ReLU backward leaves retain_grad\'s gradient and autograd.grad\'s results unchanged', () => {
  const x = centred();
  const y = x.relu();
  y.retainGrad();
  y.mul(torch.full([N], 5)).sum().backward();
  assert.deepEqual(new Set(values(grad(y)) as number[]), new Set([5]));
  assert.deepEqual(values(grad(x)), integers((i) => (open(i) ? 5 : 0)));

  const h = x.mul(1);
  const r = h.relu();
  const [gr, gh] = torch.autograd.grad(r.mul(torch.full([N], 7)).sum(), [r, h]) as Tensor[];
  assert.deepEqual(new Set(values(gr) as number[]), new Set([7]));
  assert.deepEqual(values(gh), integers((i) => (open(i) ? 7 : 0)));
});

test('ReLU backward needs no new storage for a gradient only it reads', () => {
  const x = centred();
  // A product's gradient is never a deferred result (src/ops/fusion.ts), which ReLU's backward would
  // fuse with instead of overwriting.
  const loss = x.relu().unsqueeze(0).mm(torch.full([N, 1], 5)).sum();
  const before = storageCount();
  loss.backward();
  // The backward makes two: the loss's implicit gradient and MmBackward0's product, which ReLU's
  // backward overwrites and x then takes as its .grad.
  assert.equal(storageCount() - before, 2);
  assert.deepEqual(values(grad(x)), integers((i) => (open(i) ? 5 : 0)));
});

// The in-place path against the out-of-place one (the formula as ops, whose values the golden suites
// compare with PyTorch's): the same primitive on the same operands, so equal element for element.
test('exp, tanh and sigmoid backward write over a private incoming gradient the values of the out-of-place formula', () => {
  const cases: Array<[string, (t: Tensor) => Tensor, (r: Tensor) => Tensor]> = [
    ['exp', (t) => t.exp(), (r) => r],
    ['tanh', (t) => t.tanh(), (r) => r.mul(r).neg().add(1)],
    ['sigmoid', (t) => t.sigmoid(), (r) => r.mul(r.neg().add(1))],
  ];
  for (const [name, op, factor] of cases) {
    const x = centred().div(100).detach().requiresGrad_();
    // MmBackward0's product (0.5 everywhere) reaches the op's node as the run's own buffer.
    const loss = op(x).unsqueeze(0).mm(torch.full([N, 1], 0.5)).sum();
    const before = storageCount();
    loss.backward();
    const made = storageCount() - before;
    const expected = torch.noGrad(() => torch.full([N], 0.5).mul(factor(op(x))));
    assert.deepEqual(values(grad(x)), values(expected), name);
    // exp's factor is its saved result: the implicit gradient and the product are all the backward makes.
    if (name === 'exp') assert.equal(made, 2);
  }
});
