// Learning-rate schedulers against PyTorch (test/golden/lr_scheduler.json, tools/golden/gen_optim.py):
// the learning rates (and cycled momentum) after construction and after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { assertThrowsMessage, loadFixture } from '../helpers.js';

const { optim } = torch;
const { lrScheduler } = optim;
type Args = Record<string, unknown>;
type AnyOptimizer = torch.optim.Optimizer<{ lr: number }>;

interface SchedCase {
  name: string;
  scheduler: string;
  args: Args;
  optimizer: string;
  lrs: number[];
  steps: number;
  lr: number[][];
  momentum: (number | null)[][];
  metrics?: number[];
}

interface SchedError {
  scheduler: string;
  args: Args;
  optimizer: string;
  lrs: number[];
  steps: number;
  error: string;
}

const fixture = (loadFixture<unknown>('lr_scheduler') as unknown as { cases: { schedulers: SchedCase[]; errors: SchedError[] } }).cases;

/** The generator's named lambdas (tools/golden/gen_optim.py LAMBDAS). */
const LAMBDAS: Record<string, (e: number) => number> = {
  pow095: (e) => 0.95 ** e,
  step30: (e) => 1 / (1 + Math.floor(e / 30)),
  linear: (e) => 1 - e / 200,
};

function makeOptimizer(kind: string, lrs: number[]): AnyOptimizer {
  const groups = lrs.map((lr) => ({ params: [torch.zeros(1, { requiresGrad: true })], lr }));
  if (kind === 'SGD') return new optim.SGD(groups, { momentum: 0.9 });
  if (kind === 'Adam') return new optim.Adam(groups);
  return new optim.Adagrad(groups);
}

function makeScheduler(opt: AnyOptimizer, kind: string, args: Args): torch.optim.lrScheduler.LRScheduler {
  // The positional arguments, then the options object, as each constructor takes them.
  const { stepSize, milestones, tMax, maxLr, lrLambda, ...rest } = args as Record<string, never>;
  switch (kind) {
    case 'StepLR':
      return new lrScheduler.StepLR(opt, stepSize, rest);
    case 'MultiStepLR':
      return new lrScheduler.MultiStepLR(opt, milestones, rest);
    case 'ExponentialLR':
      return new lrScheduler.ExponentialLR(opt, rest.gamma);
    case 'CosineAnnealingLR':
      return new lrScheduler.CosineAnnealingLR(opt, tMax, rest);
    case 'LinearLR':
      return new lrScheduler.LinearLR(opt, rest);
    case 'OneCycleLR':
      return new lrScheduler.OneCycleLR(opt, maxLr, rest);
    case 'LambdaLR': {
      const fns = lrLambda as string | string[];
      return new lrScheduler.LambdaLR(opt, Array.isArray(fns) ? fns.map((f) => LAMBDAS[f]) : LAMBDAS[fns]);
    }
    case 'ReduceLROnPlateau':
      return new lrScheduler.ReduceLROnPlateau(opt, rest);
  }
  throw new Error(`unknown scheduler ${kind}`);
}

function momentumOf(opt: AnyOptimizer): (number | null)[] {
  return opt.paramGroups.map((g) => (g.betas ? (g.betas as number[])[0] : ((g.momentum as number | undefined) ?? null)));
}

// Cosines come from the glibc port that Python's math.cos is, and the rest is IEEE double arithmetic
// in both languages; only powers (`gamma ** k`, and the lambdas' own `0.95 ** e`) go through V8's pow,
// which can differ from glibc's by an ulp. So rates agree to a few ulps, nearly always exactly.
function assertRates(actual: (number | null)[], expected: (number | null)[], message: string): void {
  assert.equal(actual.length, expected.length, message);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (a === null || e === null) assert.equal(a, e, message);
    else assert.ok(Math.abs(a - e) <= 4 * Number.EPSILON * Math.abs(e), `${message}: ${a} != ${e}`);
  });
}

for (const c of fixture.schedulers) {
  test(`${c.scheduler} ${c.name}: ${c.steps} steps of learning rates equal PyTorch's`, () => {
    const opt = makeOptimizer(c.optimizer, c.lrs);
    const sched = makeScheduler(opt, c.scheduler, c.args);
    assertRates(sched.getLastLr(), c.lr[0], 'after construction');
    assertRates(momentumOf(opt), c.momentum[0], 'momentum after construction');
    for (let i = 0; i < c.steps; i++) {
      opt.step();
      if (c.metrics) sched.step(c.metrics[i]);
      else sched.step();
      assertRates(sched.getLastLr(), c.lr[i + 1], `lr after step ${i + 1}`);
      assertRates(opt.paramGroups.map((g) => g.lr), c.lr[i + 1], `group lr after step ${i + 1}`);
      assertRates(momentumOf(opt), c.momentum[i + 1], `momentum after step ${i + 1}`);
    }
  });

  test(`${c.scheduler} ${c.name}: stateDict saved halfway resumes the same schedule`, () => {
    const half = Math.floor(c.steps / 2);
    const opt = makeOptimizer(c.optimizer, c.lrs);
    const sched = makeScheduler(opt, c.scheduler, c.args);
    for (let i = 0; i < half; i++) {
      opt.step();
      if (c.metrics) sched.step(c.metrics[i]);
      else sched.step();
    }
    const optState = opt.stateDict();
    const schedState = sched.stateDict();
    const opt2 = makeOptimizer(c.optimizer, c.lrs);
    const sched2 = makeScheduler(opt2, c.scheduler, c.args);
    opt2.loadStateDict(optState);
    sched2.loadStateDict(schedState);
    for (let i = half; i < c.steps; i++) {
      opt2.step();
      if (c.metrics) sched2.step(c.metrics[i]);
      else sched2.step();
      assertRates(sched2.getLastLr(), c.lr[i + 1], `lr after step ${i + 1}`);
    }
  });
}

test('invalid scheduler arguments: PyTorch messages', () => {
  for (const e of fixture.errors) {
    assertThrowsMessage(() => {
      const opt = makeOptimizer(e.optimizer, e.lrs);
      const sched = makeScheduler(opt, e.scheduler, e.args);
      for (let i = 0; i < e.steps; i++) {
        opt.step();
        sched.step();
      }
    }, e.error);
  }
});

test('warnings: scheduler stepped before the optimizer, getLr outside step, an explicit epoch', () => {
  const seen: string[] = [];
  const restore = torch.catchWarnings((_category, message) => seen.push(message));
  try {
    const opt = makeOptimizer('SGD', [0.1]);
    const sched = new lrScheduler.StepLR(opt, 2);
    sched.step();
    sched.getLr();
    sched.step(5);
  } finally {
    restore();
  }
  assert.equal(seen.length, 3);
  assert.ok(seen[0].startsWith('Detected call of `lr_scheduler.step()` before `optimizer.step()`.'));
  assert.equal(seen[1], 'To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
  assert.ok(seen[2].startsWith('The epoch parameter in `scheduler.step()` was not necessary'));
});

test('closed forms: step(epoch) jumps to the epoch (deprecated in PyTorch, still supported)', () => {
  const restore = torch.catchWarnings(() => undefined);
  try {
    const cases = fixture.schedulers.filter((c) => ['StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'LinearLR'].includes(c.scheduler));
    for (const c of cases) {
      const opt = makeOptimizer(c.optimizer, c.lrs);
      const sched = makeScheduler(opt, c.scheduler, c.args);
      const epoch = Math.min(c.steps, 9);
      sched.step(epoch);
      // Closed and chainable forms agree up to rounding (and exactly where no product accumulates).
      sched.getLastLr().forEach((lr, i) => assert.ok(Math.abs(lr - c.lr[epoch][i]) <= 1e-12 * Math.abs(c.lr[epoch][i]) + 1e-15, `${c.name}`));
    }
  } finally {
    restore();
  }
});
