// The tensor core: layout accessors, reading values out, storage sharing and the version counter.
// Expected values and messages are PyTorch's (checked with PyTorch 1.13; item() uses 2.x's message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';

test('size, stride, dim, numel and contiguity of a view', () => {
  const t = torch.arange(24).reshape(2, 3, 4);
  assert.deepEqual(t.shape, [2, 3, 4]);
  assert.deepEqual(t.stride(), [12, 4, 1]);
  assert.equal(t.size(-1), 4);
  assert.equal(t.dim(), 3);
  assert.equal(t.numel(), 24);
  const p = t.permute(2, 0, 1);
  assert.deepEqual(p.stride(), [1, 12, 4]);
  assert.equal(p.isContiguous(), false);
  assert.equal(p.contiguous().isContiguous(), true);
  assert.ok(p.sharesStorageWith(t));
  assert.ok(!p.contiguous().sharesStorageWith(t));
  assertThrowsMessage(() => t.size(3), 'Dimension out of range (expected to be in range of [-3, 2], but got 3)');
  assertThrowsMessage(() => torch.tensor(5).size(0), 'Dimension specified as 0 but tensor has no dimensions');
});

test('item and tolist', () => {
  assert.equal(torch.tensor(2.5).item(), 2.5);
  assert.equal(torch.tensor([7n]).item(), 7);
  assert.equal(torch.tensor(true).item(), 1);
  assertThrowsMessage(() => torch.ones(2).item(), 'a Tensor with 2 elements cannot be converted to Scalar');
  assert.deepEqual(torch.tensor([[true, false]]).tolist(), [[true, false]]);
  assert.equal(torch.tensor(2.5).tolist(), 2.5);
  assert.deepEqual(torch.tensor([]).tolist(), []);
  assert.deepEqual(torch.zeros(2, 0).tolist(), [[], []]);
  assert.deepEqual(torch.arange(6).reshape(2, 3).t().tolist(), [[0, 3], [1, 4], [2, 5]]);
});

test('views share the version counter; .data has its own; detach shares it', () => {
  const a = torch.tensor([1.0, 2.0, 3.0]);
  const v = a.view(3);
  a.add_(1);
  assert.equal(a.version, 1);
  assert.equal(v.version, 1);
  v.add_(1);
  assert.equal(a.version, 2);
  a.data.add_(1);
  assert.equal(a.version, 2);
  const d = a.detach();
  d.zero_();
  assert.equal(a.version, 3);
  assert.deepEqual(a.tolist(), [0, 0, 0]);
});

test('printing goes through PyTorch repr, also for console.log', async () => {
  const { inspect } = await import('node:util');
  const t = torch.tensor([[1, 2], [3, 4]], { dtype: torch.int32 });
  assert.equal(String(t), 'tensor([[1, 2],\n        [3, 4]], dtype=torch.int32)');
  assert.equal(inspect(t), String(t));
  assert.equal(String(torch.float64), 'torch.float64');
});

test('view shape inference errors as PyTorch', () => {
  assertThrowsMessage(() => torch.ones(12).view(0, -1), "shape '[0, -1]' is invalid for input of size 12");
  assertThrowsMessage(
    () => torch.ones(0).view(0, -1),
    'cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified dimension size -1 can be any value and is ambiguous',
  );
  assertThrowsMessage(() => torch.ones(2, 3).add(torch.ones(3, 2)), 'The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1');
});

test('casts follow x86 PyTorch: nan is true, out-of-range floats give the indefinite integer', () => {
  assert.deepEqual(torch.tensor([NaN, 0]).bool().tolist(), [true, false]);
  assert.deepEqual(torch.tensor([3e9, -3e9, NaN, 300.5, -1.5]).to(torch.int32).tolist(), [-2147483648, -2147483648, -2147483648, 300, -1]);
  assert.deepEqual(torch.tensor([3e9, 300.5, -1.5]).to(torch.int8).tolist(), [0, 44, -1]);
  assert.deepEqual(torch.tensor([3e9, 300.5, -1.5]).to(torch.uint8).tolist(), [0, 44, 255]);
});
