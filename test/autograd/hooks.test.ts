// Spec 7.3 (the Node API) and 9 (tensor hooks, node hooks, their order and validation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { ADDRESS, maybeMethod, values, warningsOf } from './util.js';

type Grads = (Tensor | null)[];

test('7.3 name, nextFunctions, String, metadata', () => {
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const m = a.mul(2);
  const node = m.gradFn as torch.autograd.Node;
  assert.ok(node instanceof torch.autograd.Node);
  assert.equal(node.name(), 'MulBackward0');
  assert.match(String(node), new RegExp(`^<MulBackward0 object at ${ADDRESS}>$`));
  assert.deepEqual(node.metadata, {});
  node.metadata.k = 1;
  assert.deepEqual(a.mul(3).gradFn?.metadata, {});
  const acc = node.nextFunctions[0][0] as torch.autograd.AccumulateGrad;
  assert.ok(acc instanceof torch.autograd.AccumulateGrad);
  assert.equal(acc.variable, a);
  assert.deepEqual(acc.nextFunctions, []);
  assert.equal(acc.name(), 'torch::autograd::AccumulateGrad');
  assert.equal(a.mul(3).gradFn?.nextFunctions[0][0], acc, 'one AccumulateGrad per leaf');
});

test('7.3 nextFunctions of a chain and of a tensor list input', () => {
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const b = torch.tensor([3, 4], { requiresGrad: true });
  const c = torch.tensor([5, 6]);
  const s = a.mul(b).sum();
  const [[mul, nr]] = s.gradFn?.nextFunctions ?? [];
  assert.deepEqual([mul?.name(), nr], ['MulBackward0', 0]);
  assert.deepEqual(mul?.nextFunctions.map(([n, i]) => [(n as torch.autograd.AccumulateGrad).variable, i]), [[a, 0], [b, 0]]);
  const cat = torch.cat([a, c, b]);
  const edges = cat.gradFn?.nextFunctions ?? [];
  assert.deepEqual(edges.map(([n, i]) => [n === null ? null : (n as torch.autograd.AccumulateGrad).variable, i]), [[a, 0], [null, 0], [b, 0]]);
});

test('7.3 outputs of a multi-output node have their output numbers', (t) => {
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const split = maybeMethod(a, 'split');
  if (!split) return t.skip('split is not implemented yet');
  const [s0, s1] = split(1) as Tensor[];
  assert.deepEqual([s0.outputNr, s1.outputNr], [0, 1]);
  const edges = s0.mul(s1).gradFn?.nextFunctions ?? [];
  assert.deepEqual(edges.map(([n, i]) => [n?.name(), i]), [['SplitBackward0', 0], ['SplitBackward0', 1]]);
  assert.equal(edges[0][0], edges[1][0]);
});

test('7.3 calling a node directly gives its input gradients', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const [g0, g1] = (x.mul(3).gradFn as torch.autograd.Node).call(torch.ones(2));
  assert.deepEqual([values(g0), g1], [[3, 3], null]);
  const [e] = (x.exp().gradFn as torch.autograd.Node).call(torch.ones(2));
  assert.equal(String(e), 'tensor([2.7183, 7.3891], grad_fn=<MulBackward0>)');
});

test('9.1 tensor hooks replace the gradient; handles remove them', () => {
  const v = torch.tensor([0, 0, 0], { requiresGrad: true });
  const h = v.registerHook((g) => g.mul(2));
  assert.ok(h instanceof torch.autograd.RemovableHandle);
  v.backward(torch.tensor([1, 2, 3]));
  assert.deepEqual(values(v.grad), [2, 4, 6]);
  h.remove();
  v.grad = null;
  v.backward(torch.tensor([1, 2, 3]));
  assert.deepEqual(values(v.grad), [1, 2, 3]);
});

test('9.1 several hooks run in registration order, each seeing the previous result', () => {
  const v = torch.tensor([1, 2], { requiresGrad: true });
  const m = v.mul(3);
  const calls: [string, unknown][] = [];
  m.registerHook((g) => {
    calls.push(['h1', values(g)]);
  });
  m.registerHook((g) => g.mul(10));
  m.registerHook((g) => {
    calls.push(['h3', values(g)]);
  });
  m.sum().backward();
  assert.deepEqual(calls, [['h1', [1, 1]], ['h3', [10, 10]]]);
  assert.deepEqual(values(v.grad), [30, 30]);
  const warnings = warningsOf(() => assert.equal(m.grad, null));
  assert.equal(warnings.length, 1);
});

test('9.1 hook registration and return validation', () => {
  assertThrowsMessage(() => torch.tensor([1]).registerHook((g) => g), "cannot register a hook on a tensor that doesn't require gradient");
  const shape = torch.tensor([1, 2], { requiresGrad: true });
  shape.registerHook(() => torch.ones(3));
  assertThrowsMessage(() => shape.mul(2).sum().backward(), "hook '<lambda>' has changed the size of value");
  const type = torch.tensor([1, 2], { requiresGrad: true });
  type.registerHook((g) => g.double());
  assertThrowsMessage(
    () => type.mul(2).sum().backward(),
    "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)",
  );
  const notTensor = torch.tensor([1, 2], { requiresGrad: true });
  notTensor.registerHook(() => 5 as unknown as Tensor);
  assert.throws(
    () => notTensor.mul(2).sum().backward(),
    (e: unknown) => e instanceof TypeError && e.message === "expected Variable, but hook returned 'int'",
  );
  const named = torch.tensor([1, 2], { requiresGrad: true });
  named.registerHook(function doubler() {
    return torch.ones(3);
  });
  assertThrowsMessage(() => named.mul(2).sum().backward(), "hook 'doubler' has changed the size of value");
});

test('9.1 a hook registered before an in-place change stays bound to the old value', () => {
  const v = torch.tensor([1, 2], { requiresGrad: true });
  const m = v.mul(2);
  const seen: unknown[] = [];
  m.registerHook((g) => {
    seen.push(values(g));
  });
  m.mul_(3);
  m.sum().backward();
  assert.deepEqual(seen, [[3, 3]]);
});

test('9.2 post-accumulate-grad hooks receive the leaf after its .grad is complete', () => {
  const v = torch.tensor([1, 2], { requiresGrad: true });
  const seen: unknown[] = [];
  v.registerPostAccumulateGradHook((p) => {
    seen.push([p === v, values(p.grad), torch.isGradEnabled()]);
  });
  v.mul(2).add(v).sum().backward();
  assert.deepEqual(seen, [[true, [3, 3], false]]);
  assertThrowsMessage(() => torch.tensor([1]).registerPostAccumulateGradHook(() => {}), "cannot register a hook on a tensor that doesn't require gradient");
  assertThrowsMessage(
    () => v.mul(2).registerPostAccumulateGradHook(() => {}),
    'post accumulate grad hooks cannot be registered on non-leaf tensors',
  );
});

test('9.3 node pre-hooks and post-hooks see and may replace the gradients', () => {
  const v = torch.tensor([1, 2], { requiresGrad: true });
  const m = v.mul(2);
  const calls: unknown[] = [];
  m.gradFn?.registerHook((gi: Grads, go: Grads) => {
    calls.push(['post', gi.map((g) => (g ? values(g) : null)), go.map((g) => (g ? values(g) : null))]);
  });
  m.gradFn?.registerPrehook((go: Grads) => {
    calls.push(['pre', go.map((g) => (g ? values(g) : null))]);
  });
  m.sum().backward();
  assert.deepEqual(calls, [['pre', [[1, 1]]], ['post', [[2, 2], null], [[1, 1]]]]);

  const w = torch.tensor([1, 2], { requiresGrad: true });
  const n = w.mul(2);
  n.gradFn?.registerPrehook((go: Grads) => [(go[0] as Tensor).mul(7)]);
  n.sum().backward();
  assert.deepEqual(values(w.grad), [14, 14]);
});

test('9.3 node hook validation', () => {
  const v = torch.tensor([1, 2], { requiresGrad: true });
  const m = v.mul(2);
  m.gradFn?.registerHook((gi: Grads) => [(gi[0] as Tensor).mul(0)]);
  assertThrowsMessage(() => m.sum().backward(), "hook '<lambda>' has returned an incorrect number of values (got 1, but expected 2)");
  const n = v.mul(2);
  n.gradFn?.registerHook(() => 5 as never);
  assert.throws(
    () => n.sum().backward(),
    (e: unknown) => e instanceof TypeError && e.message === "expected tuple, but hook returned 'int'",
  );
  const p = v.mul(2);
  p.gradFn?.registerPrehook(() => 5 as never);
  assert.throws(() => p.sum().backward(), (e: unknown) => e instanceof TypeError && e.message === "expected tuple, but hook returned 'int'");
  assert.throws(() => p.gradFn?.registerHook(5 as never), TypeError);
});

test('9.3 hooks on AccumulateGrad see no grad inputs and the incoming gradient', () => {
  const v = torch.tensor([1, 2], { requiresGrad: true });
  const m = v.mul(2);
  const acc = m.gradFn?.nextFunctions[0][0] as torch.autograd.AccumulateGrad;
  const calls: unknown[] = [];
  acc.registerHook((gi: Grads, go: Grads) => {
    calls.push([gi.length, go.map((g) => (g ? values(g) : null))]);
  });
  m.sum().backward();
  assert.deepEqual(calls, [[0, [[2, 2]]]]);
});

/** The 2.x test vector: 1 = tensor hook (x3), 2 = node pre-hook (x2). */
function hookOrder(useGrad: boolean): { log: number[]; result: unknown } {
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const b = a.clone();
  const log: number[] = [];
  const pre = (go: Grads): Grads => {
    log.push(2);
    return [(go[0] as Tensor).mul(2)];
  };
  const tensorHook = (g: Tensor): Tensor => {
    log.push(1);
    return g.mul(3);
  };
  b.gradFn?.registerPrehook(pre);
  b.registerHook(tensorHook);
  b.gradFn?.registerPrehook(pre);
  a.registerHook(tensorHook);
  (b.gradFn?.nextFunctions[0][0] as torch.autograd.Node).registerPrehook(pre);
  a.registerHook(tensorHook);
  if (useGrad) return { log, result: torch.autograd.grad(b.sum(), [a]).map(values) };
  b.sum().backward();
  return { log, result: values(a.grad) };
}

test('9.4 hook order (2.x): tensor hooks, then node pre-hooks, per node', () => {
  assert.deepEqual(hookOrder(false), { log: [1, 2, 2, 1, 1, 2], result: [216, 216] });
});

test('9.4 hook order under autograd.grad (2.x): leaf tensor hooks run, its node does not', () => {
  assert.deepEqual(hookOrder(true), { log: [1, 2, 2, 1, 1], result: [[108, 108]] });
});

test('9.4 retain_grad sees the result of all tensor hooks (2.x)', () => {
  const x = torch.tensor(1, { requiresGrad: true });
  const b = x.mul(1);
  b.registerHook((g) => g.mul(2));
  b.retainGrad();
  b.registerHook((g) => g.mul(2));
  b.backward();
  assert.equal(b.grad?.item(), 4);
  const c = x.mul(1);
  c.retainGrad();
  c.registerHook((g) => g.mul(2));
  c.backward();
  assert.equal(c.grad?.item(), 2);
});

test('a backward run inside a hook may go through nodes the outer run has yet to run (as PyTorch: 8s)', () => {
  const x = torch.ones(3, { requiresGrad: true });
  const y = x.mul(2);
  const z = y.mul(3);
  // The hook runs before z's node, while y's node still waits in the outer run.
  z.registerHook(() => {
    torch.enableGrad(() => y.sum().backward({ retainGraph: true }));
  });
  z.sum().backward();
  assert.deepEqual(x.grad?.tolist(), [8, 8, 8]);
});
