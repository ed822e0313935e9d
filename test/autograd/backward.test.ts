// Spec 2: Tensor.backward / torch.autograd.backward — argument normalisation, roots, accumulation,
// retainGraph, createGraph, inputs=.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { maybeMethod, values, warningsOf } from './util.js';

const BACKWARD_TWICE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';
const CREATE_GRAPH_WARNING =
  'UserWarning: Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters to None after use to break the cycle and avoid the leak.';
const NOT_REQUIRING = 'element 0 of tensors does not require grad and does not have a grad_fn';

const leaf = (data: number[] = [1, 2, 3]): Tensor => torch.tensor(data, { requiresGrad: true });

test('2.1 a gradient must have the output shape exactly (no broadcasting)', () => {
  const y = leaf().mul(2);
  assertThrowsMessage(
    () => y.backward(torch.ones(2)),
    'Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3]).',
  );
  assertThrowsMessage(
    () => y.backward(torch.ones(1)),
    'Mismatch in shape: grad_output[0] has a shape of torch.Size([1]) and output[0] has a shape of torch.Size([3]).',
  );
  assertThrowsMessage(
    () => y.backward(torch.ones(3, 1)),
    'Mismatch in shape: grad_output[0] has a shape of torch.Size([3, 1]) and output[0] has a shape of torch.Size([3]).',
  );
});

test('2.1 a gradient of another real dtype is accepted and cast back to the leaf dtype', () => {
  const x = leaf();
  x.mul(2).backward(torch.ones(3, { dtype: torch.float64 }));
  assert.equal(x.grad?.dtype, torch.float32);
  assert.deepEqual(values(x.grad), [2, 2, 2]);
});

test('2.1 implicit gradients only for single-element outputs', () => {
  assertThrowsMessage(() => leaf().mul(2).backward(), 'grad can be implicitly created only for scalar outputs');
  const x = torch.tensor([3], { requiresGrad: true });
  x.mul(1).backward();
  assert.deepEqual(values(x.grad), [1]);
  const m = torch.tensor([[2]], { requiresGrad: true });
  m.mul(3).backward();
  assert.deepEqual(values(m.grad), [[3]]);
});

test('2.1 non-tensor gradients: an array is a sequence of gradients', () => {
  const y = leaf().mul(2);
  assert.throws(
    () => y.backward([1, 2, 3] as never),
    (e: unknown) => e instanceof TypeError && e.message === 'gradients can be either Tensors or None, but got int',
  );
});

test('2.1 autograd.backward pairs tensors and gradients like zip', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  torch.autograd.backward([x.mul(3).sum()], [null, null]);
  assert.deepEqual(values(x.grad), [3, 3]);
});

test('2.1 autograd.backward: several roots, a tensor gradient, mismatched lengths', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  torch.autograd.backward([x.mul(2).sum(), x.mul(4).sum()]);
  assert.deepEqual(values(x.grad), [6, 6]);
  const z = torch.tensor([1, 2], { requiresGrad: true });
  torch.autograd.backward(z.mul(3), torch.ones(2));
  assert.deepEqual(values(z.grad), [3, 3]);
  const w = torch.tensor([1, 2], { requiresGrad: true });
  torch.autograd.backward([w.mul(3)], [torch.ones(2), torch.ones(5)]);
  assert.deepEqual(values(w.grad), [3, 3]);
});

test('2.1 inputs must not be empty (2.x message)', () => {
  assertThrowsMessage(() => leaf().sum().backward({ inputs: [] }), '`inputs` argument to `backward()` cannot be empty.');
});

test('2.2 roots that neither require grad nor have a grad_fn', () => {
  assertThrowsMessage(() => torch.tensor(1).backward(), NOT_REQUIRING);
  const x = leaf();
  assertThrowsMessage(() => torch.noGrad(() => x.mul(2).sum()).backward(), NOT_REQUIRING);
  assertThrowsMessage(() => x.mul(2).sum().detach().backward(), NOT_REQUIRING);
  assertThrowsMessage(
    () => torch.autograd.backward([x.sum(), torch.tensor(1)]),
    'element 1 of tensors does not require grad and does not have a grad_fn',
  );
});

test('2.2 a leaf can be a root; backward works inside noGrad', () => {
  const v = torch.tensor([0, 0, 0], { requiresGrad: true });
  v.backward(torch.tensor([1, 2, 3]));
  assert.deepEqual(values(v.grad), [1, 2, 3]);
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2).sum();
  torch.noGrad(() => y.backward());
  assert.deepEqual(values(x.grad), [2, 2]);
});

test('2.3 vector-Jacobian products; repeated uses are summed', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  x.mul(3).backward(torch.tensor([1, 10]));
  assert.deepEqual(values(x.grad), [3, 30]);
  const a = torch.tensor([1, 2], { requiresGrad: true });
  a.add(a).sum().backward();
  assert.deepEqual(values(a.grad), [2, 2]);
  const b = torch.tensor([1, 2], { requiresGrad: true });
  b.mul(b).sum().backward();
  assert.deepEqual(values(b.grad), [2, 4]);
});

test('2.3 indexing with duplicate indices accumulates', (t) => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const indexSelect = maybeMethod(x, 'indexSelect');
  if (!indexSelect) return t.skip('indexSelect is not implemented yet');
  (indexSelect(0, torch.tensor([0, 0, 2], { dtype: torch.int64 })) as Tensor).sum().backward();
  assert.deepEqual(values(x.grad), [2, 0, 1]);
});

test('2.4 later backwards accumulate in place into the same .grad object', () => {
  const a = torch.tensor([1, 2, 3], { requiresGrad: true });
  a.mul(2).sum().backward();
  const g = a.grad;
  a.mul(2).sum().backward();
  a.mul(2).sum().backward();
  assert.equal(a.grad, g);
  assert.deepEqual(values(a.grad), [6, 6, 6]);
  a.grad?.zero_();
  a.mul(3).sum().backward();
  assert.deepEqual(values(a.grad), [3, 3, 3]);
  a.grad = null;
  a.mul(1).sum().backward();
  assert.deepEqual(values(a.grad), [1, 1, 1]);
});

test('2.4 the first .grad has the leaf layout (strides)', () => {
  const w = torch.zeros(3, 2).t().detach().requiresGrad_();
  w.mul(1).sum().backward();
  assert.deepEqual(w.grad?.stride(), w.stride());
});

test('2.4 with createGraph, the first .grad is a CopyBackwards copy, then accumulation is out of place', () => {
  const a = torch.tensor([1, 2, 3], { requiresGrad: true });
  const warnings = warningsOf(() => a.pow(3).sum().backward({ createGraph: true }));
  assert.deepEqual(warnings, [CREATE_GRAPH_WARNING]);
  const g = a.grad as Tensor;
  assert.equal(String(g), 'tensor([ 3., 12., 27.], grad_fn=<CopyBackwards>)');
  assert.equal(g.requiresGrad, true);
  const x = torch.tensor([1, 2], { requiresGrad: true });
  x.mul(2).backward(torch.ones(2));
  const before = x.grad;
  warningsOf(() => x.mul(2).backward(torch.ones(2), { createGraph: true }));
  assert.notEqual(x.grad, before);
  assert.deepEqual([values(x.grad), x.grad?.requiresGrad, x.grad?.gradFn], [[4, 4], false, null]);
});

test('2.5 backward frees saved tensors: a second backward raises', () => {
  const x = leaf();
  const y = x.mul(x).sum();
  y.backward();
  assertThrowsMessage(() => y.backward(), BACKWARD_TWICE);
  const e = x.exp().sum();
  e.backward();
  assertThrowsMessage(() => e.backward(), BACKWARD_TWICE);
});

test('2.5 graphs that save nothing can be run twice', () => {
  const a = leaf();
  const y = a.add(1).sum();
  y.backward();
  y.backward();
  assert.deepEqual(values(a.grad), [2, 2, 2]);
});

test('2.5 x*3 saves the wrapped scalar, so a second backward fails', () => {
  const x = leaf();
  const y = x.mul(3).sum();
  y.backward();
  assertThrowsMessage(() => y.backward(), BACKWARD_TWICE);
});

test('2.5 retainGraph keeps the buffers for one more pass only', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(x).sum();
  y.backward({ retainGraph: true });
  y.backward();
  assert.deepEqual(values(x.grad), [4, 8]);
  assertThrowsMessage(() => y.backward(), BACKWARD_TWICE);
});

test('2.5 a freed graph cannot be reused by a new root either', () => {
  const x = leaf();
  const p = x.pow(2);
  p.sum().backward();
  assertThrowsMessage(() => p.mul(2).sum().backward(), BACKWARD_TWICE);
});

test('2.6 createGraph: higher-order gradients', () => {
  const a = leaf();
  const [g] = torch.autograd.grad(a.pow(3).sum(), a, { createGraph: true });
  assert.equal(String(g), 'tensor([ 3., 12., 27.], grad_fn=<MulBackward0>)');
  const [g2] = torch.autograd.grad((g as Tensor).sum(), a);
  assert.deepEqual(values(g2), [6, 12, 18]);
});

test('2.6 a constant first derivative does not require grad even with createGraph', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const [g] = torch.autograd.grad(x.mul(2).sum(), x, { createGraph: true });
  assert.deepEqual([values(g), g?.requiresGrad, g?.gradFn], [[2, 2], false, null]);
  assertThrowsMessage(() => torch.autograd.grad((g as Tensor).sum(), x), NOT_REQUIRING);
  assertThrowsMessage(() => torch.autograd.grad((g as Tensor).sum(), x, { allowUnused: true }), NOT_REQUIRING);
  const [h] = torch.autograd.grad(x.mul(2).sum(), x);
  assertThrowsMessage(() => torch.autograd.grad((h as Tensor).sum(), x), NOT_REQUIRING);
});

test('2.6 torch.autograd.backward with createGraph warns too', () => {
  const a = leaf();
  assert.deepEqual(
    warningsOf(() => torch.autograd.backward(a.pow(2).sum(), null, { createGraph: true })),
    [CREATE_GRAPH_WARNING],
  );
});

test('2.7 inputs= accumulates only into the listed tensors, leaves or not', () => {
  const x = torch.tensor(2, { requiresGrad: true });
  const w = torch.tensor(3, { requiresGrad: true });
  x.mul(w).backward({ inputs: [x] });
  assert.deepEqual([values(x.grad), w.grad], [3, null]);
  const x2 = torch.tensor(2, { requiresGrad: true });
  const m = x2.mul(3);
  m.mul(m).backward({ inputs: [m] });
  assert.deepEqual([values(m.grad), x2.grad], [12, null]);
  const single = torch.tensor(2, { requiresGrad: true });
  single.mul(w).backward({ inputs: single });
  assert.deepEqual(values(single.grad), 3);
});

test('2.7 inputs that do not require grad fail in retain_grad; unreachable ones get nothing', () => {
  const x = torch.tensor(2, { requiresGrad: true });
  assertThrowsMessage(() => x.mul(2).backward({ inputs: [torch.tensor(1)] }), "can't retain_grad on Tensor that has requires_grad=False");
  const u = torch.tensor(1, { requiresGrad: true });
  x.mul(2).backward({ inputs: [u] });
  assert.equal(u.grad, null);
});

test('2.8 engine order: later-created nodes run first once their gradients are complete', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const order: string[] = [];
  const a = x.mul(2);
  const b = x.mul(3);
  const c = a.add(b);
  for (const t of [a, b, c]) {
    const name = t === a ? 'a' : t === b ? 'b' : 'c';
    t.gradFn?.registerPrehook(() => {
      order.push(name);
    });
  }
  c.sum().backward();
  assert.deepEqual(order, ['c', 'b', 'a']);
});
