// Spec 1 (leaf / non-leaf, requires_grad, .grad, retain_grad) and 5 (detach, detach_, .data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { ADDRESS, values, warningsOf } from './util.js';

const NON_LEAF_GRAD_WARNING =
  "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.";

const leaf = (data: number[] = [1, 2, 3]): Tensor => torch.tensor(data, { requiresGrad: true });

test('1.1 leaf and non-leaf state', () => {
  const a = leaf();
  assert.equal(a.requiresGrad, true);
  assert.equal(a.gradFn, null);
  assert.equal(a.isLeaf, true);
  assert.equal(a.outputNr, 0);
  assert.equal(a.version, 0);
  assert.equal(a.retainsGrad, false);
  const b = a.mul(2);
  assert.equal(b.isLeaf, false);
  assert.equal(b.requiresGrad, true);
  assert.equal(b.gradFn?.name(), 'MulBackward0');
  assert.equal(String(b), 'tensor([2., 4., 6.], grad_fn=<MulBackward0>)');
  assert.equal(torch.tensor([1]).isLeaf, true);
});

test('1.1 results under noGrad are leaves that do not require grad', () => {
  const a = leaf();
  const y = torch.noGrad(() => a.mul(2));
  assert.deepEqual([y.isLeaf, y.requiresGrad, y.gradFn], [true, false, null]);
});

test('1.1 quirk: a view made under noGrad of a base requiring grad requires grad and is a leaf', () => {
  const x = leaf();
  const y = torch.noGrad(() => x.view(3));
  assert.deepEqual([y.requiresGrad, y.isLeaf, y.base === x, y.isView(), x.isView(), x.base], [true, true, true, true, false, null]);
  assert.equal(y.gradFn, null);
});

test('1.2 integer and boolean results never require grad; piecewise-constant ops get a node', () => {
  const x = leaf([1.5, 2.5]);
  assert.equal(x.gt(1).requiresGrad, false);
  assert.equal(x.long().requiresGrad, false);
  assert.equal(x.long().gradFn, null);
  assert.equal(x.floor().gradFn?.name(), 'FloorBackward0');
  assert.equal(x.round().gradFn?.name(), 'RoundBackward0');
  assert.equal(x.sign().gradFn?.name(), 'SignBackward0');
});

test('1.2 next_functions: (None, 0) for scalars and tensors without grad', () => {
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const c = torch.tensor([5, 6]);
  const [e0, e1] = a.mul(2).gradFn?.nextFunctions ?? [];
  assert.equal(e0[0]?.name(), 'torch::autograd::AccumulateGrad');
  assert.equal(e0[1], 0);
  assert.deepEqual(e1, [null, 0]);
  const [f0, f1] = c.mul(a).gradFn?.nextFunctions ?? [];
  assert.deepEqual(f0, [null, 0]);
  assert.equal(f1[0], e0[0]);
});

test('1.2 factories with requiresGrad are not affected by noGrad', () => {
  const w = torch.noGrad(() => torch.ones(2, { requiresGrad: true }));
  assert.equal(w.requiresGrad, true);
  assert.equal(torch.noGrad(() => torch.isGradEnabled()), false);
});

test('1.2 to() with the same dtype, float() and contiguous() return self; a conversion is ToCopyBackward0', () => {
  const a = leaf();
  assert.equal(a.to(torch.float32), a);
  assert.equal(a.float(), a);
  assert.equal(a.contiguous(), a);
  const d = a.double();
  assert.equal(d.isLeaf, false);
  assert.equal(d.gradFn?.name(), 'ToCopyBackward0');
});

test('1.3 differentiable dtypes: each path has its own message', () => {
  assertThrowsMessage(
    () => torch.tensor([1, 2], { dtype: torch.int64, requiresGrad: true }),
    'Only Tensors of floating point and complex dtype can require gradients',
  );
  assertThrowsMessage(
    () => torch.zeros(2, { dtype: torch.int64, requiresGrad: true }),
    'Only Tensors of floating point and complex dtype can require gradients',
  );
  assertThrowsMessage(() => torch.tensor([1, 2], { dtype: torch.int64 }).requiresGrad_(), 'only Tensors of floating point dtype can require gradients');
  assertThrowsMessage(() => torch.tensor([true]).requiresGrad_(), 'only Tensors of floating point dtype can require gradients');
  assertThrowsMessage(() => {
    torch.tensor([1, 2], { dtype: torch.int64 }).requiresGrad = true;
  }, 'only Tensors of floating point and complex dtype can require gradients');
  const x = leaf();
  assertThrowsMessage(() => {
    x.data = torch.tensor([1, 2], { dtype: torch.int64 });
  }, 'data set to a tensor that requires gradients must be floating point or complex dtype');
  assert.equal(String(torch.tensor([1], { dtype: torch.float64 }).requiresGrad_()), 'tensor([1.], dtype=torch.float64, requires_grad=True)');
});

test('1.3 requires_grad type checks', () => {
  const t = torch.tensor([1]);
  assertThrowsMessage(() => {
    (t as unknown as { requiresGrad: unknown }).requiresGrad = 1;
  }, 'requires_grad must be a bool');
  assertThrowsMessage(() => {
    (t as unknown as { requiresGrad: unknown }).requiresGrad = null;
  }, 'requires_grad must be a bool');
  assert.throws(
    () => t.requiresGrad_(1 as unknown as boolean),
    (e: unknown) => e instanceof TypeError && e.message === "requires_grad_(): argument 'requires_grad' (position 1) must be bool, not int",
  );
});

test('1.4 requiresGrad_ and the setter on leaves and non-leaves', () => {
  const a = torch.tensor([1, 2, 3]);
  assert.equal(a.requiresGrad_(), a);
  assert.equal(a.requiresGrad, true);
  a.requiresGrad_(false);
  assert.deepEqual([a.requiresGrad, a.isLeaf], [false, true]);
  const b = leaf().mul(2);
  assert.equal(b.requiresGrad_(true), b);
  const long =
    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().";
  assertThrowsMessage(() => b.requiresGrad_(false), long);
  assertThrowsMessage(() => {
    b.requiresGrad = false;
  }, long);
  assertThrowsMessage(() => {
    b.requiresGrad = true;
  }, 'you can only change requires_grad flags of leaf variables.');
});

test('1.4 requires_grad on an inference tensor outside inference mode', () => {
  const t = torch.inferenceMode(() => torch.ones(2));
  assertThrowsMessage(() => t.requiresGrad_(), 'Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
});

test('1.5 reading .grad of a non-leaf warns and gives null; leaves and retaining non-leaves do not warn', () => {
  const a = leaf();
  const b = a.mul(2);
  let g: Tensor | null = a;
  assert.deepEqual(warningsOf(() => (g = b.grad)), [NON_LEAF_GRAD_WARNING]);
  assert.equal(g, null);
  assert.deepEqual(warningsOf(() => a.grad), []);
  b.retainGrad();
  assert.deepEqual(warningsOf(() => b.grad), []);
});

test('1.5 a grad made by backward is a leaf without grad', () => {
  const a = leaf();
  a.mul(a).sum().backward();
  const g = a.grad as Tensor;
  assert.deepEqual([g.requiresGrad, g.isLeaf, g.gradFn], [false, true, null]);
  assert.deepEqual(values(g), [2, 4, 6]);
});

test('1.5 the .grad setter (PyTorch 2.x messages)', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  x.grad = torch.tensor([1, 1]);
  x.grad = null;
  assert.equal(x.grad, null);
  assert.throws(
    () => {
      (x as unknown as { grad: unknown }).grad = [1, 2];
    },
    (e: unknown) => e instanceof TypeError && e.message === 'assigned grad expected to be a Tensor or None but got grad of type list',
  );
  assertThrowsMessage(() => {
    x.grad = x;
  }, "can't assign Variable as its own grad");
  assertThrowsMessage(
    () => {
      x.grad = torch.tensor([1, 1], { dtype: torch.float64 });
    },
    "attempting to assign a gradient with dtype 'double' to a tensor with dtype 'float'. Please ensure that the gradient and the tensor have the same dtype",
  );
  assertThrowsMessage(
    () => {
      x.grad = torch.tensor([1]);
    },
    "attempting to assign a gradient of size '[1]' to a tensor of size '[2]'. Please ensure that the gradient and the tensor are the same size",
  );
  const plain = torch.tensor([1, 2]);
  plain.grad = torch.tensor([3, 4]);
  assert.deepEqual(values(plain.grad), [3, 4]);
  x.grad = torch.tensor([5, 6], { requiresGrad: true });
  assert.equal(x.grad?.requiresGrad, true);
});

test('1.6 retainGrad: non-leaf grads, accumulation, leaves, and tensors without grad', () => {
  const a = leaf();
  const b = a.mul(a);
  b.retainGrad();
  const c = b.sum();
  c.backward({ retainGraph: true });
  assert.deepEqual(values(b.grad), [1, 1, 1]);
  assert.deepEqual(values(a.grad), [2, 4, 6]);
  assert.deepEqual([b.retainsGrad, a.retainsGrad, c.retainsGrad], [true, false, false]);
  c.backward();
  assert.deepEqual(values(b.grad), [2, 2, 2]);
  assert.equal(a.retainGrad(), undefined);
  assert.equal(a.retainsGrad, false);
  assertThrowsMessage(() => torch.tensor([1]).retainGrad(), "can't retain_grad on Tensor that has requires_grad=False");
});

test('5 detach shares storage and version counter, and does not require grad', () => {
  const x = leaf();
  const y = x.clone();
  const d = y.detach();
  assert.deepEqual([d.requiresGrad, d.isLeaf, d.gradFn], [false, true, null]);
  assert.ok(d.sharesStorageWith(y));
  d.zero_();
  assert.equal(String(y), 'tensor([0., 0., 0.], grad_fn=<CloneBackward0>)');
  assert.deepEqual([y.version, d.version], [1, 1]);
});

test('5 detach_ makes a leaf in place; on a view it raises', () => {
  const x = leaf();
  const y = x.mul(2);
  assert.equal(y.detach_(), y);
  assert.deepEqual([y.isLeaf, y.requiresGrad, y.gradFn], [true, false, null]);
  const v = x.mul(1).view(3);
  assertThrowsMessage(
    () => v.detach_(),
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.",
  );
});

test('5 .data has a fresh version counter: changes through it are not seen by autograd', () => {
  const a = leaf();
  const dat = a.data;
  assert.deepEqual([dat.requiresGrad, dat.isLeaf, dat.version], [false, true, 0]);
  assert.ok(dat.sharesStorageWith(a));
  const b = a.sigmoid();
  b.data.mul_(2);
  assert.equal(b.version, 0);
  b.sum().backward();
  // PyTorch: silently the wrong gradient, computed from the modified output.
  const expected = [-0.6757, -1.3416, -1.7244];
  (values(a.grad) as number[]).forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-4, `${g}`));
});

test('5 the same change through detach() is caught at backward', () => {
  const b = leaf().sigmoid();
  b.detach().mul_(2);
  assertThrowsMessage(
    () => b.sum().backward(),
    'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of SigmoidBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
  );
});

test('5 setting .data replaces the tensor and keeps the flags', () => {
  const x = leaf();
  x.data = torch.tensor([5, 6, 7]);
  assert.equal(String(x), 'tensor([5., 6., 7.], requires_grad=True)');
  assert.equal(x.isLeaf, true);
  const m = torch.tensor([1, 2], { requiresGrad: true }).mul(2);
  m.data = torch.tensor([9, 9]);
  assert.equal(String(m), 'tensor([9., 9.], grad_fn=<MulBackward0>)');
});

test('5 torch.tensor(tensor) copies and warns', () => {
  const src = leaf();
  let copy: Tensor = src;
  assert.deepEqual(
    warningsOf(() => (copy = torch.tensor(src))),
    [
      'UserWarning: To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).',
    ],
  );
  assert.equal(String(copy), 'tensor([1., 2., 3.])');
  assert.equal(copy.sharesStorageWith(src), false);
});

test('5 item() and tolist() work on tensors that require grad', () => {
  const x = torch.tensor([2.5], { requiresGrad: true });
  assert.equal(x.item(), 2.5);
  assert.deepEqual(x.tolist(), [2.5]);
});

test('7.3 String(node) and node names', () => {
  const b = leaf().mul(2);
  assert.match(String(b.gradFn), new RegExp(`^<MulBackward0 object at ${ADDRESS}>$`));
  const acc = b.gradFn?.nextFunctions[0][0];
  assert.match(String(acc), new RegExp(`^<AccumulateGrad object at ${ADDRESS}>$`));
});
