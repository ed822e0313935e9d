// Spec 12: anomaly detection (detectAnomaly / setDetectAnomaly, NaN checks, the forward stack).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { warningsOf } from './util.js';

const ENABLED =
  'UserWarning: Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.';

/** x = [0] requiring grad; (sqrt(x) * 0) is fine forward, but inf * 0 = nan in SqrtBackward0. */
function sqrtTimesZero(): { x: Tensor; y: Tensor } {
  const x = torch.tensor([0], { requiresGrad: true });
  return { x, y: x.sqrt().mul(0) };
}

test('12 detectAnomaly warns; setDetectAnomaly does not; both restore the mode', () => {
  assert.equal(torch.isAnomalyEnabled(), false);
  const warnings = warningsOf(() => {
    using _a = torch.autograd.detectAnomaly();
    assert.deepEqual([torch.isAnomalyEnabled(), torch.isAnomalyCheckNanEnabled()], [true, true]);
  });
  assert.deepEqual(warnings, [ENABLED]);
  assert.equal(torch.isAnomalyEnabled(), false);
  assert.deepEqual(
    warningsOf(() => assert.equal(torch.autograd.detectAnomaly(() => torch.isAnomalyEnabled(), { checkNan: false }), true)),
    [ENABLED],
  );
  assert.deepEqual(
    warningsOf(() => {
      const guard = torch.autograd.setDetectAnomaly(true);
      assert.equal(torch.isAnomalyEnabled(), true);
      guard[Symbol.dispose]();
    }),
    [],
  );
  assert.equal(torch.isAnomalyEnabled(), false);
  assert.equal(torch.autograd.setDetectAnomaly(true, { checkNan: false }, () => torch.isAnomalyCheckNanEnabled()), false);
  assert.equal(torch.autograd.setDetectAnomaly(true, () => torch.isAnomalyEnabled()), true);
  assert.deepEqual([torch.isAnomalyEnabled(), torch.isAnomalyCheckNanEnabled()], [false, true]);
});

test('12 a backward node returning nan raises, after the forward-stack warning', () => {
  const warnings = warningsOf(() => {
    using _a = torch.autograd.detectAnomaly();
    const { y } = sqrtTimesZero();
    assertThrowsMessage(() => y.backward(), "Function 'SqrtBackward0' returned nan values in its 0th output.");
  });
  assert.equal(warnings[0], ENABLED);
  assert.ok(
    warnings[1].startsWith('UserWarning: Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n'),
    warnings[1],
  );
  assert.match(warnings[1], /sqrtTimesZero/, 'the stack shows the user code that ran forward');
  assert.equal(warnings.length, 2);
});

test('12 checkNan false: nan gradients pass silently, as they do without anomaly mode', () => {
  const quiet = warningsOf(() => {
    using _a = torch.autograd.detectAnomaly({ checkNan: false });
    const { x, y } = sqrtTimesZero();
    y.backward();
    assert.ok(Number.isNaN(x.grad?.item()));
  });
  assert.deepEqual(quiet, [ENABLED]);
  const { x, y } = sqrtTimesZero();
  y.backward();
  assert.ok(Number.isNaN(x.grad?.item()));
});

test('12 a failing backward node reports the forward stack; saved-tensor errors get the anomaly hint', () => {
  const warnings = warningsOf(() => {
    using _a = torch.autograd.setDetectAnomaly(true);
    const b = torch.tensor([1, 2, 3], { requiresGrad: true }).exp();
    b.add_(1);
    assertThrowsMessage(
      () => b.sum().backward(),
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead. Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!',
    );
  });
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0].startsWith('UserWarning: Error detected in ExpBackward0. Traceback of forward call that caused the error:\n'));
});

test('12 without anomaly mode no stack is recorded and nothing is reported', () => {
  const b = torch.tensor([1, 2, 3], { requiresGrad: true }).exp();
  assert.equal(b.gradFn?.forwardStack, undefined);
  b.add_(1);
  assert.deepEqual(
    warningsOf(() => assert.throws(() => b.sum().backward())),
    [],
  );
});
