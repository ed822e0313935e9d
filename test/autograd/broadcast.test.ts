// Spec 10.1 (gradients of broadcast operands are summed back to their shape) and 10.2 (gradient dtypes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { values } from './util.js';

test('10.1 broadcast operands: leading dims summed away, size-1 dims summed with keepdim', () => {
  const a = torch.ones(3, 1, { requiresGrad: true });
  const b = torch.ones(1, 4, { requiresGrad: true });
  const c = torch.ones(4, { requiresGrad: true });
  const s = torch.tensor(2, { requiresGrad: true });
  a.mul(b).add(c).mul(s).sum().backward();
  assert.deepEqual(values(a.grad), [[8], [8], [8]]);
  assert.deepEqual(values(b.grad), [[6, 6, 6, 6]]);
  assert.deepEqual(values(c.grad), [6, 6, 6, 6]);
  assert.deepEqual(values(s.grad), 24);
});

test('10.1 weighted seed: y = a(2x3) + b(3)', () => {
  const a = torch.ones(2, 3, { requiresGrad: true });
  const b = torch.ones(3, { requiresGrad: true });
  a.add(b).backward(torch.arange(6).reshape(2, 3).float());
  assert.deepEqual(values(a.grad), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(values(b.grad), [3, 5, 7]);
});

test('10.1 expand backward is a sum', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  x.unsqueeze(0).expand(3, 2).sum().backward();
  assert.deepEqual(values(x.grad), [3, 3]);
});

test('10.2 a float tensor times an integer tensor: the gradient flows to the float one only', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const i = torch.tensor([1, 2], { dtype: torch.int64 });
  const y = x.mul(i);
  assert.equal(String(y), 'tensor([1., 4.], grad_fn=<MulBackward0>)');
  y.sum().backward();
  assert.deepEqual(values(x.grad), [1, 2]);
});

test('10.2 mixed precision: each leaf gets its gradient in its own dtype', () => {
  const a = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
  const b = torch.tensor([1, 2], { requiresGrad: true });
  const y = a.add(b);
  y.sum().backward();
  assert.deepEqual([y.dtype, a.grad?.dtype, b.grad?.dtype], [torch.float64, torch.float64, torch.float32]);
  assert.deepEqual(values(b.grad), [1, 1]);
});
