// Spec 3: torch.autograd.grad.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { values } from './util.js';

const UNUSED =
  'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.';

function setup(): { x: Tensor; w: Tensor; u: Tensor } {
  return {
    x: torch.tensor([1, 2], { requiresGrad: true }),
    w: torch.tensor([3, 4], { requiresGrad: true }),
    u: torch.tensor([5, 6], { requiresGrad: true }),
  };
}

test('3 grad returns one entry per input and does not touch .grad', () => {
  const { x, w } = setup();
  assert.deepEqual(torch.autograd.grad(x.mul(w).sum(), x).map(values), [[3, 4]]);
  assert.deepEqual(torch.autograd.grad(x.mul(w).sum(), [x, w]).map(values), [[3, 4], [1, 2]]);
  assert.equal(x.grad, null);
  assert.equal(w.grad, null);
});

test('3 unused inputs: an error, or null with allowUnused', () => {
  const { x, w, u } = setup();
  assertThrowsMessage(() => torch.autograd.grad(x.mul(w).sum(), [x, u]), UNUSED);
  const r = torch.autograd.grad(x.mul(w).sum(), [x, u], { allowUnused: true });
  assert.deepEqual([values(r[0]), r[1]], [[3, 4], null]);
});

test('3 materializeGrads (2.x): zeros for unused inputs, requiring grad under createGraph', () => {
  const { x, w, u } = setup();
  const r = torch.autograd.grad(x.mul(w).sum(), [x, u], { materializeGrads: true });
  assert.deepEqual(r.map(values), [[3, 4], [0, 0]]);
  assert.equal(r[1]?.requiresGrad, false);
  const c = torch.autograd.grad(x.mul(w).sum(), [x, u], { materializeGrads: true, createGraph: true });
  assert.equal(c[1]?.requiresGrad, true);
  assertThrowsMessage(
    () => torch.autograd.grad(x.mul(w).sum(), [x, u], { materializeGrads: true, allowUnused: false }),
    'Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.',
  );
});

test('3 implicit and explicit grad outputs', () => {
  const { x, w } = setup();
  assertThrowsMessage(() => torch.autograd.grad(x.mul(w), [x]), 'grad can be implicitly created only for scalar outputs');
  assert.deepEqual(torch.autograd.grad(x.mul(w), [x], { gradOutputs: torch.tensor([1, 0]) }).map(values), [[3, 0]]);
  assertThrowsMessage(() => torch.autograd.grad([x.mul(w)], [x], { gradOutputs: [null] }), 'grad can be implicitly created only for scalar outputs');
  assertThrowsMessage(
    () => torch.autograd.grad(x.mul(w).sum(), x, { gradOutputs: torch.ones(2) }),
    'Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([]).',
  );
});

test('3 errors for inputs and outputs', () => {
  const { x, w } = setup();
  assertThrowsMessage(() => torch.autograd.grad(x.mul(w).sum(), [torch.tensor(1)]), 'One of the differentiated Tensors does not require grad');
  assertThrowsMessage(() => torch.autograd.grad(torch.tensor(1), [x]), 'element 0 of tensors does not require grad and does not have a grad_fn');
  assertThrowsMessage(() => torch.autograd.grad(x.sum().detach(), [x]), 'element 0 of tensors does not require grad and does not have a grad_fn');
  assertThrowsMessage(() => torch.autograd.grad(x.mul(w).sum(), []), 'grad requires non-empty inputs.');
  assertThrowsMessage(() => torch.autograd.grad([], x), UNUSED);
  assertThrowsMessage(
    () => torch.autograd.grad(x.mul(w).sum(), [1 as unknown as Tensor]),
    'all inputs have to be Tensors or GradientEdges, but got int',
  );
});

test('3 the gradient of a leaf w.r.t. itself is the grad output', () => {
  const { x } = setup();
  const go = torch.ones(2);
  const [g] = torch.autograd.grad(x, [x], { gradOutputs: go });
  assert.equal(g, go);
});

test('3 retainGraph defaults to createGraph; a second grad through a freed graph raises', () => {
  const { x } = setup();
  const y = x.mul(x).sum();
  torch.autograd.grad(y, x);
  assertThrowsMessage(
    () => torch.autograd.grad(y, x),
    'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
  );
  const z = x.mul(x).sum();
  assert.deepEqual(values(torch.autograd.grad(z, x, { retainGraph: true })[0]), [2, 4]);
  assert.deepEqual(values(torch.autograd.grad(z, x)[0]), [2, 4]);
  const [g] = torch.autograd.grad(x.pow(2).sum(), x, { createGraph: true });
  assert.deepEqual([values(g), g?.requiresGrad], [[2, 4], true]);
});

test('3 several outputs are summed; null grad outputs for scalars', () => {
  const { x, w } = setup();
  assert.deepEqual(torch.autograd.grad([x.mul(w).sum(), x.mul(x).sum()], [x]).map(values), [[5, 8]]);
  const r = torch.autograd.grad([x.mul(w), x.mul(x).sum()], [x], { gradOutputs: [torch.ones(2), null] });
  assert.deepEqual(r.map(values), [[5, 8]]);
});

test('3 gradients w.r.t. non-leaves', () => {
  const { x } = setup();
  const m = x.mul(3);
  const r = torch.autograd.grad(m.mul(m).sum(), [m, x]);
  assert.deepEqual(r.map(values), [[6, 12], [18, 36]]);
});

test('3 grad outputs that require grad make the result differentiable w.r.t. them', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const gy = torch.tensor([1, 1], { requiresGrad: true });
  const [g] = torch.autograd.grad(x.mul(x), x, { gradOutputs: gy, createGraph: true });
  const [dgy] = torch.autograd.grad((g as Tensor).sum(), gy);
  assert.deepEqual(values(dgy), [2, 4]);
});

test('3 isGradsBatched: the first dimension of the grad outputs is a batch of VJPs', () => {
  const { x, w } = setup();
  const [g] = torch.autograd.grad(x.mul(w), x, { gradOutputs: torch.eye(2), isGradsBatched: true });
  assert.equal(String(g), 'tensor([[3., 0.],\n        [0., 4.]])');
  const [h] = torch.autograd.grad(x.mul(w), x, { gradOutputs: torch.ones(2), isGradsBatched: false });
  assert.deepEqual(values(h), [3, 4]);
  assertThrowsMessage(
    () => torch.autograd.grad(x.mul(w), x, { gradOutputs: torch.ones(2, 3), isGradsBatched: true }),
    'If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding output, but a mismatch was detected: grad_output[0] has a shape of torch.Size([2, 3]) and output[0] has a shape of torch.Size([2]). If you only want some tensors in `grad_output` to be considered batched, consider using vmap.',
  );
});
