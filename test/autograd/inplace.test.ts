// Spec 6: version counter, saved-tensor checks, in-place on leaves, non-leaves and views (CopySlices),
// and in-place broadcasting (10.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { maybeMethod, values } from './util.js';

const HINT =
  'Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).';
const MODIFIED = 'one of the variables needed for gradient computation has been modified by an inplace operation: ';
const LEAF_INPLACE = 'a leaf Variable that requires grad is being used in an in-place operation.';
const VIEW_OF_LEAF = 'a view of a leaf Variable that requires grad is being used in an in-place operation.';

const leaf = (data: number[] = [1, 2, 3]): Tensor => torch.tensor(data, { requiresGrad: true });

test('6.1 every in-place change adds one to the shared version counter; .data has its own', () => {
  const a = torch.tensor([1, 2, 3]);
  const seen: unknown[] = [a.version];
  a.add_(1);
  seen.push(a.version);
  a.select(0, 0).fill_(1); // a[0] = 1
  seen.push(a.version);
  a.zero_();
  seen.push(a.version);
  const v = a.view(3);
  v.add_(1);
  seen.push([a.version, v.version]);
  a.data.add_(1);
  seen.push(a.version);
  torch.noGrad(() => a.add_(1));
  seen.push(a.version);
  assert.deepEqual(seen, [0, 1, 2, 3, [4, 4], 4, 5]);
});

test('6.2 a saved output modified in place: the message names its grad_fn', () => {
  const b = leaf().exp();
  b.add_(1);
  assertThrowsMessage(
    () => b.sum().backward(),
    `${MODIFIED}[torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. ${HINT}`,
  );
});

test("6.2 a saved input modified in place: the message names the tensor's current grad_fn", () => {
  const c = leaf().mul(1);
  const b = c.mul(c);
  c.add_(1);
  assertThrowsMessage(
    () => b.sum().backward(),
    `${MODIFIED}[torch.FloatTensor [3]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead. ${HINT}`,
  );
});

test('6.2 a saved leaf modified under noGrad: no "which is output" clause', () => {
  const a = leaf();
  const b = a.mul(a);
  torch.noGrad(() => a.add_(1));
  assertThrowsMessage(() => b.sum().backward(), `${MODIFIED}[torch.FloatTensor [3]] is at version 1; expected version 0 instead. ${HINT}`);
  const d = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
  const e = d.mul(d);
  torch.noGrad(() => d.mul_(2));
  assertThrowsMessage(() => e.sum().backward(), `${MODIFIED}[torch.DoubleTensor [2]] is at version 1; expected version 0 instead. ${HINT}`);
});

test('6.2 ops that save nothing never trigger the check', () => {
  const a = leaf();
  const b = a.add(1);
  torch.noGrad(() => a.add_(1));
  b.sum().backward();
  assert.deepEqual(values(a.grad), [1, 1, 1]);
});

test('6.3 in-place on a leaf that requires grad, or on its views', () => {
  const a = leaf();
  assertThrowsMessage(() => a.add_(1), LEAF_INPLACE);
  assertThrowsMessage(() => a.select(0, 0).fill_(5), VIEW_OF_LEAF);
  assertThrowsMessage(() => a.slice(0, 0, 2).mul_(2), VIEW_OF_LEAF);
  torch.noGrad(() => a.select(0, 0).fill_(5));
  assert.deepEqual(values(a), [5, 2, 3]);
});

test('6.3 in-place on a tensor without grad with an operand that requires grad', () => {
  const a = leaf();
  const b = torch.tensor([1, 2, 3]);
  b.mul_(a);
  assert.equal(String(b), 'tensor([1., 4., 9.], grad_fn=<MulBackward0>)');
  assert.deepEqual([b.requiresGrad, b.isLeaf], [true, false]);
  b.sum().backward();
  assert.deepEqual(values(a.grad), [1, 2, 3]);
});

test('6.4 in-place on non-leaves: the node takes the out-of-place name', () => {
  const a = leaf();
  const names = [
    (t: Tensor) => t.add_(1),
    (t: Tensor) => t.mul_(2),
    (t: Tensor) => t.sigmoid_(),
    (t: Tensor) => t.zero_(),
    (t: Tensor) => t.fill_(2),
    (t: Tensor) => t.copy_(torch.ones(3)),
  ].map((f) => {
    const t = a.mul(1);
    f(t);
    assert.deepEqual([t.isLeaf, t.version], [false, 1]);
    return t.gradFn?.name();
  });
  assert.deepEqual(names, ['AddBackward0', 'MulBackward0', 'SigmoidBackward0', 'ZeroBackward0', 'FillBackward2', 'torch::autograd::CopyBackwards']);
  const b = a.mul(2);
  b.mul_(1);
  assert.equal(String(b), 'tensor([2., 4., 6.], grad_fn=<MulBackward0>)');
});

test('6.5 in-place on a view of a non-leaf: the base gets CopySlices, the view AsStridedBackward0', () => {
  const a = leaf();
  const b = a.mul(1);
  const v = b.slice(0, 0, 2);
  v.mul_(2);
  assert.equal(String(b), 'tensor([2., 4., 3.], grad_fn=<CopySlices>)');
  assert.equal(String(v), 'tensor([2., 4.], grad_fn=<AsStridedBackward0>)');
  assert.deepEqual([b.version, v.version], [1, 1]);
  assert.equal(b.gradFn?.name(), 'torch::autograd::CopySlices');
  const [vEdge] = v.gradFn?.nextFunctions ?? [];
  assert.deepEqual([vEdge[0], vEdge[1]], [b.gradFn, 0]);
  const [b0, b1] = b.gradFn?.nextFunctions ?? [];
  assert.deepEqual([b0[0]?.name(), b0[1], b1], ['MulBackward0', 0, [null, 0]]);
  b.sum().backward();
  assert.deepEqual(values(a.grad), [2, 2, 1]);
});

test('6.5 setting an element of a non-leaf (a[0] = 5) gives CopySlices', () => {
  const a = leaf();
  const b = a.mul(2);
  b.select(0, 0).fill_(5);
  assert.equal(String(b), 'tensor([5., 4., 6.], grad_fn=<CopySlices>)');
  b.sum().backward();
  assert.deepEqual(values(a.grad), [0, 2, 2]);
});

test('6.5 forbidden: in-place on a view created under noGrad, with grad enabled', () => {
  const a = leaf();
  const v = torch.noGrad(() => a.view(3));
  assertThrowsMessage(
    () => v.mul_(2),
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).",
  );
});

test('6.5 forbidden: in-place on an output of a multi-output view op', (t) => {
  const a = leaf();
  const unbind = maybeMethod(a, 'unbind');
  if (!unbind) return t.skip('unbind is not implemented yet');
  const [first] = unbind() as Tensor[];
  const message =
    'Output 0 of UnbindBackward0 is a view and is being modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.';
  assertThrowsMessage(() => first.mul_(2), message);
  const [nonLeafFirst] = (maybeMethod(a.mul(1), 'unbind') as () => Tensor[])();
  assertThrowsMessage(() => nonLeafFirst.mul_(2), message);
});

test('10.1 in-place broadcasting reduces the operand gradient; the output cannot grow', () => {
  const x = torch.ones(2, 3).mul(torch.tensor(1, { requiresGrad: true }));
  const b = torch.ones(2, 1, { requiresGrad: true });
  x.add_(b);
  x.sum().backward();
  assert.deepEqual(values(b.grad), [[3], [3]]);
  assertThrowsMessage(() => torch.ones(3).add_(torch.ones(2, 3)), "output with shape [3] doesn't match the broadcast shape [2, 3]");
});

test('reading grad_fn of a multi-output or no_grad view after its base changed in place raises (spec 6.5)', () => {
  const a = torch.tensor([1, 2, 3, 4], { requiresGrad: true });
  const b = a.mul(1);
  const parts = b.split(2);
  b.add_(1);
  assertThrowsMessage(
    () => parts[0].gradFn,
    'Output 0 of SplitBackward0 is a view and its base or another view of its base has been modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.',
  );
  const v = torch.noGrad(() => b.view(4));
  b.add_(1);
  assertThrowsMessage(
    () => v.gradFn,
    "A view was created in no_grad mode and its base or another view of its base has been modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).",
  );
  // A base that does not require grad has no history to rebase.
  const plain = torch.noGrad(() => a.mul(1));
  const pv = torch.noGrad(() => plain.view(4));
  torch.noGrad(() => plain.add_(1));
  assert.equal(pv.gradFn, null);
});

test('ops save only the operands the needed gradients use (PyTorch saves per needed input)', () => {
  // PyTorch 1.13 runs all three without error: the modified tensor is not saved.
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const w = torch.tensor([4, 5, 6]);
  const y = x.mul(w);
  torch.noGrad(() => x.add_(1));
  y.sum().backward();
  assert.deepEqual(values(x.grad), [4, 5, 6]);
  const x2 = torch.tensor([1, 2, 3], { requiresGrad: true });
  const s = x2.sin();
  const z = s.mul(3);
  s.add_(1);
  z.sum().backward();
  assert.ok(x2.grad!.allclose(torch.tensor([1.6209, -1.2484, -2.97]), { atol: 1e-4 }));
});

test('a retained gradient follows its tensor through an in-place change', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2);
  y.retainGrad();
  y.mul_(3);
  y.sum().backward();
  assert.deepEqual(values(y.grad), [1, 1]);
  assert.deepEqual(values(x.grad), [6, 6]);
});

test('in-place writes through overlapping memory raise', () => {
  assertThrowsMessage(
    () => torch.ones(1).expand(3).add_(1),
    'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
  );
});
