// No global state leaks: grad mode, inference mode, anomaly mode, print options, the default dtype and
// the default generator come back as they were when a callback throws, when a `using` guard's scope
// throws, when a hook or a custom Function fails inside backward, and when a setter or a random
// function rejects its arguments (which must be checked before anything changes or is drawn).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { changed, restore, snapshot } from './global-state.js';

const initial = snapshot();

// Each test starts from the state the file started with and must leave the modes, print options and
// default dtype as it found them; the generator, which tests that draw numbers advance, is put back.
afterEach(() => {
  const leaked = changed(initial, snapshot()).filter((k) => k !== 'rng');
  restore(initial);
  assert.deepEqual(leaked, [], `state left changed by the test: ${leaked.join(', ')}`);
});

function boom(): never {
  throw new Error('boom');
}

/** Runs `fn`, which must throw 'boom', and asserts the global state is as before. */
function unchangedAfterThrow(label: string, fn: () => unknown): void {
  const before = snapshot();
  assert.throws(fn, /boom/, label);
  assert.deepEqual(changed(before, snapshot()), [], label);
}

test('grad mode callbacks restore the mode when the callback throws', () => {
  unchangedAfterThrow('noGrad', () => torch.noGrad(boom));
  unchangedAfterThrow('enableGrad inside noGrad', () => torch.noGrad(() => torch.enableGrad(boom)));
  unchangedAfterThrow('setGradEnabled(false, fn)', () => torch.setGradEnabled(false, boom));
  unchangedAfterThrow('setGradEnabled(true, fn) inside noGrad', () => torch.noGrad(() => torch.setGradEnabled(true, boom)));
  unchangedAfterThrow('inferenceMode(fn)', () => torch.inferenceMode(boom));
  unchangedAfterThrow('inferenceMode(true, fn)', () => torch.inferenceMode(true, boom));
  unchangedAfterThrow('inferenceMode(false, fn) inside inferenceMode', () => torch.inferenceMode(() => torch.inferenceMode(false, boom)));
  unchangedAfterThrow('nested: noGrad(inferenceMode(enableGrad))', () => torch.noGrad(() => torch.inferenceMode(() => torch.enableGrad(boom))));
});

test('`using` guards restore the mode when their scope throws', () => {
  unchangedAfterThrow('using noGrad()', () => {
    using _guard = torch.noGrad();
    assert.equal(torch.isGradEnabled(), false);
    boom();
  });
  unchangedAfterThrow('using inferenceMode()', () => {
    using _guard = torch.inferenceMode();
    assert.equal(torch.isInferenceModeEnabled(), true);
    boom();
  });
  unchangedAfterThrow('using detectAnomaly()', () => {
    using _guard = torch.autograd.detectAnomaly();
    assert.equal(torch.isAnomalyEnabled(), true);
    boom();
  });
  unchangedAfterThrow('using setDetectAnomaly(true, { checkNan: false })', () => {
    using _guard = torch.autograd.setDetectAnomaly(true, { checkNan: false });
    boom();
  });
});

test('anomaly mode callbacks restore the mode when the callback throws', () => {
  unchangedAfterThrow('detectAnomaly(fn)', () => torch.autograd.detectAnomaly(boom));
  unchangedAfterThrow('detectAnomaly(fn, { checkNan: false })', () => torch.autograd.detectAnomaly(boom, { checkNan: false }));
  unchangedAfterThrow('setDetectAnomaly(true, fn)', () => torch.autograd.setDetectAnomaly(true, boom));
  unchangedAfterThrow('setDetectAnomaly(false, fn) inside detectAnomaly', () => torch.autograd.detectAnomaly(() => torch.autograd.setDetectAnomaly(false, boom)));
});

test('a failing backward (a throwing hook, a throwing custom Function) leaves grad mode as it was', () => {
  for (const createGraph of [false, true]) {
    const x = torch.ones(3, { requiresGrad: true });
    const y = x.mul(2);
    y.registerHook(boom);
    unchangedAfterThrow(`tensor hook, createGraph ${createGraph}`, () => y.sum().backward({ createGraph }));
    const total = y.sum();
    unchangedAfterThrow(`tensor hook via autograd.grad under noGrad, createGraph ${createGraph}`, () =>
      torch.noGrad(() => torch.autograd.grad(total, x, { createGraph })),
    );
  }
  class Failing extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
      return x.clone();
    }
    static override backward(): Tensor {
      return boom();
    }
  }
  class FailingForward extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, _x: Tensor): Tensor {
      return boom();
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
      return g;
    }
  }
  const x = torch.ones(2, { requiresGrad: true });
  unchangedAfterThrow('custom Function backward', () => (Failing.apply(x) as Tensor).sum().backward());
  unchangedAfterThrow('custom Function backward in anomaly mode', () =>
    torch.autograd.detectAnomaly(() => (Failing.apply(x) as Tensor).sum().backward()),
  );
  unchangedAfterThrow('custom Function forward', () => FailingForward.apply(x));
  unchangedAfterThrow('a hook on a leaf', () => {
    const leaf = torch.ones(2, { requiresGrad: true });
    leaf.registerHook(boom);
    leaf.mul(3).sum().backward();
  });
});

test('setters that reject their argument change nothing', () => {
  const before = snapshot();
  assert.throws(() => torch.setDefaultDtype(torch.int64), /only floating-point types are supported as the default type/);
  assert.throws(() => torch.setDefaultDtype('float64' as never), TypeError);
  assert.throws(() => torch.setPrintoptions({ precision: 2, linewidth: -1 }));
  assert.throws(() => torch.setPrintoptions({ precision: 2, profile: 'nope' as never }));
  assert.throws(() => torch.setPrintoptions({ precision: 2, bogus: 1 } as never));
  assert.throws(() => torch.setGradEnabled('yes' as never));
  assert.throws(() => torch.inferenceMode('yes' as never));
  assert.throws(() => torch.autograd.setDetectAnomaly('yes' as never));
  assert.throws(() => torch.setRngState(new Uint8Array(7)));
  assert.throws(() => torch.manualSeed('seed' as never));
  assert.throws(() => torch.catchWarnings('handler' as never));
  // Past the native pool's largest size, a count would be recorded but not in effect.
  assert.throws(() => torch.setNumThreads(1025), { message: 'set_num_threads expects a positive integer no larger than 1024 (the most threads tstorch runs), but got 1025' });
  assert.deepEqual(changed(before, snapshot()), []);
});

test('getNumThreads reports the count set last, within the range every backend takes', () => {
  const before = torch.getNumThreads();
  torch.setNumThreads(3);
  assert.equal(torch.getNumThreads(), 3);
  assert.throws(() => torch.setNumThreads(2048));
  assert.equal(torch.getNumThreads(), 3);
  torch.setNumThreads(before);
});

test('random functions check their arguments before drawing', () => {
  torch.manualSeed(1234);
  const before = snapshot();
  const x = torch.zeros(4);
  const calls: [string, () => unknown][] = [
    ['randn negative size', () => torch.randn(-1)],
    ['rand integer dtype', () => torch.rand(3, { dtype: torch.int64 })],
    ['randint low >= high', () => torch.randint(5, 5, [3])],
    ['randint string bound', () => torch.randint(0, 'a' as never, [3])],
    ['randperm negative', () => torch.randperm(-2)],
    ['normal_ negative std', () => x.normal_(0, -1)],
    ['normal_ string mean', () => x.normal_('a' as never)],
    ['uniform_ from > to', () => x.uniform_(2, 1)],
    ['exponential_ negative rate', () => x.exponential_(-1)],
    ['bernoulli_ p > 1', () => x.bernoulli_(1.5)],
    ['multinomial integer input', () => torch.multinomial(torch.tensor([1n, 2n]), 1)],
    ['multinomial too many samples', () => torch.multinomial(torch.tensor([0.5, 0.5]), 3)],
    ['normal tensor and size', () => torch.normal(x, 1, [3] as never)],
    ['rand_like of a non-tensor', () => torch.randLike([1, 2] as never)],
    ['dropout p > 1', () => torch.nn.functional.dropout(x, 1.5)],
  ];
  for (const [label, call] of calls) {
    assert.throws(call, Error, label);
    assert.deepEqual(changed(before, snapshot()), [], `${label}: the generator moved`);
  }
});

test('print options set inside a test are put back by the caller, and toString never changes them', () => {
  const before = snapshot();
  String(torch.arange(2500, { dtype: torch.float32 }).reshape(50, 50).div(7));
  String(torch.tensor([Number.NaN, Infinity, 1e-20, 1e20]));
  assert.deepEqual(changed(before, snapshot()), []);
});
