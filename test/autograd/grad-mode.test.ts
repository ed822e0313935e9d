// Spec 4: noGrad, enableGrad, setGradEnabled, inferenceMode — callback and `using` forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { ADDRESS, values } from './util.js';

const x = (): Tensor => torch.tensor([1, 2], { requiresGrad: true });

test('Symbol.dispose exists (polyfilled where the runtime lacks it)', () => {
  assert.equal(typeof Symbol.dispose, 'symbol');
});

test('4 noGrad disables recording: callback form', () => {
  const a = x();
  const [y, enabled] = torch.noGrad(() => [a.mul(2), torch.isGradEnabled()] as const);
  assert.equal(enabled, false);
  assert.deepEqual([y.requiresGrad, y.gradFn, y.isLeaf], [false, null, true]);
  assert.equal(torch.isGradEnabled(), true);
});

test('4 noGrad disables recording: `using` form restores the mode at the end of the block', () => {
  const a = x();
  let y: Tensor;
  {
    using _guard = torch.noGrad();
    y = a.mul(2);
    assert.equal(torch.isGradEnabled(), false);
  }
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(y.requiresGrad, false);
});

test('4 the mode is restored when the callback throws', () => {
  assert.throws(() =>
    torch.noGrad(() => {
      throw new Error('boom');
    }),
  );
  assert.equal(torch.isGradEnabled(), true);
});

test('4 enableGrad inside noGrad records again', () => {
  const a = x();
  const z = torch.noGrad(() => torch.enableGrad(() => a.mul(2)));
  assert.equal(z.requiresGrad, true);
  {
    using _off = torch.noGrad();
    {
      using _on = torch.enableGrad();
      assert.equal(a.mul(2).requiresGrad, true);
    }
    assert.equal(torch.isGradEnabled(), false);
  }
});

test('4 setGradEnabled acts when called; the guard restores the previous mode', () => {
  const guard = torch.setGradEnabled(false);
  assert.equal(torch.isGradEnabled(), false);
  assert.equal(String(guard), 'torch.autograd.grad_mode.set_grad_enabled(mode=False)');
  guard[Symbol.dispose]();
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(torch.setGradEnabled(false, () => torch.isGradEnabled()), false);
  assert.equal(torch.isGradEnabled(), true);
  {
    using _g = torch.setGradEnabled(false);
    assert.equal(x().mul(2).requiresGrad, false);
  }
  assert.equal(torch.isGradEnabled(), true);
});

test('4 reprs of the mode objects', () => {
  using g = torch.noGrad();
  assert.match(String(g), new RegExp(`^<torch.autograd.grad_mode.no_grad object at ${ADDRESS}>$`));
});

test('4 in-place on a leaf that requires grad is allowed under noGrad', () => {
  const p = torch.tensor([1, 2], { requiresGrad: true });
  torch.noGrad(() => p.add_(1));
  assert.equal(String(p), 'tensor([2., 3.], requires_grad=True)');
  assert.deepEqual([p.gradFn, p.isLeaf, p.version], [null, true, 1]);
});

test('4 inference mode: results are inference tensors that do not require grad', () => {
  const a = x();
  const [y, t, enabled] = torch.inferenceMode(() => [a.mul(2), torch.ones(2), torch.isInferenceModeEnabled()] as const);
  assert.equal(enabled, true);
  assert.deepEqual([y.requiresGrad, y.isInference(), t.isInference(), a.isInference()], [false, true, true, false]);
  assert.equal(torch.isInferenceModeEnabled(), false);
  {
    using _g = torch.inferenceMode();
    assert.deepEqual([torch.isGradEnabled(), torch.ones(1).isInference()], [false, true]);
  }
  assert.equal(torch.isGradEnabled(), true);
});

test('4 inference tensors: the errors', () => {
  const a = x();
  const t = torch.inferenceMode(() => torch.ones(2));
  const saved = 'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.';
  assertThrowsMessage(() => t.mul(a), saved);
  assertThrowsMessage(() => torch.mul(t, a), saved);
  assertThrowsMessage(
    () => t.add_(1),
    'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.',
  );
  assertThrowsMessage(() => t.version, 'Inference tensors do not track version counter.');
  assertThrowsMessage(() => t.requiresGrad_(), 'Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
});

test('4 inference mode: factories with requiresGrad, in-place on normal tensors, mode false', () => {
  const w = torch.inferenceMode(() => torch.ones(2, { requiresGrad: true }));
  assert.equal(String(w), 'tensor([1., 1.], requires_grad=True)');
  const n = torch.ones(2);
  torch.inferenceMode(() => n.mul_(2));
  assert.deepEqual([values(n), n.isInference()], [[2, 2], false]);
  assert.equal(torch.inferenceMode(false, () => torch.isGradEnabled()), true);
  assert.equal(torch.inferenceMode(false, () => torch.ones(1).isInference()), false);
});
