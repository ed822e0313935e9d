// Optimizers against PyTorch 2.x's single-tensor updates (test/golden/optim.json, tools/golden/gen_optim.py):
// parameters after each of six steps, state dicts, loading PyTorch's state dict, and error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, assertThrowsMessage, decodeTensor, loadFixture, type EncodedTensor } from '../helpers.js';

const { optim } = torch;
type Options = Record<string, unknown>;
type AnyOptimizer = torch.optim.Optimizer<{ lr: number }>;

interface PyStateDict {
  state: Record<string, Record<string, EncodedTensor>>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

interface OptimCase {
  name: string;
  optimizer: string;
  options: Options;
  groups: { params: number[]; options: Options }[] | null;
  params: EncodedTensor[];
  grads: (EncodedTensor | null)[][];
  after: EncodedTensor[][];
  stateDictAfter3: PyStateDict;
  stateDict: PyStateDict;
}

interface Fixture {
  optimizers: OptimCase[];
  errors: { optimizer: string; options: Options; error: string }[];
  general_errors: { name: string; error: string; type: string }[];
  training: {
    x: EncodedTensor;
    y: EncodedTensor;
    w0: EncodedTensor;
    runs: { optimizer: string; options: Options; losses: number[]; w: EncodedTensor; b: EncodedTensor }[];
  };
}

const CLASSES: Record<string, new (params: torch.optim.Params, options?: Options) => AnyOptimizer> = {
  SGD: optim.SGD as never,
  Adam: optim.Adam as never,
  AdamW: optim.AdamW as never,
  RMSprop: optim.RMSprop as never,
  Adagrad: optim.Adagrad as never,
};

const fixture = (loadFixture<unknown>('optim') as unknown as { cases: Fixture }).cases;

function build(c: OptimCase, params: Tensor[]): AnyOptimizer {
  const groups = c.groups?.map((g) => ({ params: g.params.map((i) => params[i]), ...g.options }));
  return new CLASSES[c.optimizer](groups ?? params, c.options);
}

function leaves(c: OptimCase, values: EncodedTensor[] = c.params): Tensor[] {
  return values.map((p) => decodeTensor(p, { requiresGrad: true }));
}

function runSteps(c: OptimCase, opt: AnyOptimizer, params: Tensor[], from: number, to: number): void {
  for (let step = from; step < to; step++) {
    params.forEach((p, i) => {
      const g = c.grads[step][i];
      p.grad = g === null ? null : decodeTensor(g);
    });
    opt.step();
    params.forEach((p, i) => assertTensorClose(p, c.after[step][i], { message: `${c.name}: step ${step + 1}, param ${i}` }));
  }
}

/** A PyTorch state dict in tstorch's names (the mechanical snake_case -> camelCase mapping). */
function fromPyTorch(sd: PyStateDict): torch.optim.OptimizerStateDict {
  const camel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const state: Record<number, Record<string, Tensor>> = {};
  for (const [i, entry] of Object.entries(sd.state)) {
    state[Number(i)] = Object.fromEntries(Object.entries(entry).map(([k, v]) => [camel(k), decodeTensor(v)]));
  }
  const paramGroups = sd.param_groups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [camel(k), v]))) as torch.optim.OptimizerStateDict['paramGroups'];
  return { state, paramGroups };
}

function assertStateDictMatches(actual: torch.optim.OptimizerStateDict, expected: PyStateDict, name: string): void {
  assert.deepEqual(Object.keys(actual.state), Object.keys(expected.state), `${name}: state keys`);
  for (const [i, entry] of Object.entries(expected.state)) {
    const got = actual.state[Number(i)];
    assert.deepEqual(Object.keys(got).map(optim.pytorchName), Object.keys(entry), `${name}: state[${i}] keys`);
    for (const [k, v] of Object.entries(got)) assertTensorClose(v, entry[optim.pytorchName(k)], { message: `${name}: state[${i}].${k}` });
  }
  assert.equal(actual.paramGroups.length, expected.param_groups.length);
  actual.paramGroups.forEach((g, i) => {
    const named = Object.fromEntries(Object.entries(g).map(([k, v]) => [optim.pytorchName(k), v]));
    assert.deepEqual(named, expected.param_groups[i], `${name}: param_groups[${i}]`);
  });
}

for (const c of fixture.optimizers) {
  test(`${c.name}: parameters after each step equal PyTorch's`, () => {
    const params = leaves(c);
    const opt = build(c, params);
    runSteps(c, opt, params, 0, c.after.length);
    assertStateDictMatches(opt.stateDict(), c.stateDict, c.name);
  });

  test(`${c.name}: a state dict saved after 3 steps resumes in a new optimizer`, () => {
    const params = leaves(c);
    const opt = build(c, params);
    runSteps(c, opt, params, 0, 3);
    const saved = opt.stateDict();
    const resumedParams = params.map((p) => p.detach().clone().requiresGrad_(true));
    const resumed = build(c, resumedParams);
    resumed.loadStateDict(saved);
    runSteps(c, resumed, resumedParams, 3, c.after.length);
  });

  test(`${c.name}: PyTorch's state dict after 3 steps loads and continues`, () => {
    const params = leaves(c, c.after[2]);
    const opt = build(c, params);
    opt.loadStateDict(fromPyTorch(c.stateDictAfter3));
    runSteps(c, opt, params, 3, c.after.length);
  });
}

for (const run of fixture.training.runs) {
  test(`${run.optimizer}: 30 training steps with autograd gradients give PyTorch's losses and weights`, () => {
    const { x, y, w0 } = fixture.training;
    const [xs, ys] = [decodeTensor(x), decodeTensor(y)];
    const w = decodeTensor(w0, { requiresGrad: true });
    const b = torch.zeros(2, { requiresGrad: true });
    const opt = new CLASSES[run.optimizer]([w, b], run.options);
    run.losses.forEach((expected, step) => {
      opt.zeroGrad();
      const loss = xs.matmul(w).add(b).sub(ys).pow(2).mean();
      loss.backward();
      opt.step();
      const got = loss.item();
      assert.ok(Math.abs(got - expected) <= 1e-5 * Math.abs(expected), `step ${step + 1}: loss ${got}, PyTorch ${expected}`);
    });
    assertTensorClose(w, run.w, { message: 'final weight' });
    assertTensorClose(b, run.b, { message: 'final bias' });
  });
}

test('invalid options: PyTorch messages', () => {
  for (const e of fixture.errors) {
    assertThrowsMessage(() => new CLASSES[e.optimizer]([torch.zeros(2, { requiresGrad: true })], e.options), e.error);
  }
});

test('invalid parameters and state dicts: PyTorch messages', () => {
  const a = torch.zeros(2, { requiresGrad: true });
  const b = torch.zeros(3, { requiresGrad: true });
  const opt = new optim.SGD([a, b], { lr: 0.1 });
  const calls: Record<string, () => unknown> = {
    'tensor as params': () => new optim.SGD(a as never, { lr: 0.1 }),
    empty: () => new optim.SGD([], { lr: 0.1 }),
    'non-leaf': () => new optim.SGD([a.mul(2)], { lr: 0.1 }),
    'overlapping groups': () => new optim.SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 }),
    'not a tensor': () => new optim.SGD([a, 3] as never, { lr: 0.1 }),
    'load groups': () => opt.loadStateDict({ state: {}, paramGroups: [{ params: [0] }, { params: [1] }] }),
    'load group size': () => opt.loadStateDict({ state: {}, paramGroups: [{ params: [0] }] }),
  };
  for (const e of fixture.general_errors) {
    const fn = calls[e.name];
    assertThrowsMessage(fn, e.error);
    assert.throws(fn, e.type === 'TypeError' ? TypeError : Error, e.name);
  }
});

test('zeroGrad: to null by default (PyTorch 2.x), or to detached zeros', () => {
  const a = torch.ones(3, { requiresGrad: true });
  const opt = new optim.SGD([a], { lr: 0.1 });
  a.mul(2).sum().backward();
  // Read through a function: TypeScript would otherwise keep a.grad narrowed to null after the check.
  const gradOf = (t: Tensor): Tensor | null => t.grad;
  opt.zeroGrad();
  assert.equal(gradOf(a), null);
  a.mul(a).sum().backward({ createGraph: true });
  const grad = gradOf(a) as Tensor;
  assert.ok(grad.requiresGrad);
  opt.zeroGrad({ setToNone: false });
  assert.equal(a.grad, grad, 'the same tensor, zeroed in place');
  assert.deepEqual([grad.tolist(), grad.requiresGrad, grad.gradFn === null], [[0, 0, 0], false, true]);
});

test('step(closure) evaluates the closure with grad enabled and returns its loss', () => {
  const a = torch.tensor([1, 2], { requiresGrad: true });
  const opt = new optim.SGD([a], { lr: 0.5 });
  const loss = torch.noGrad(() =>
    opt.step(() => {
      opt.zeroGrad();
      const l = a.mul(a).sum();
      l.backward();
      return l;
    }),
  );
  assert.equal((loss as Tensor).item(), 5);
  assert.deepEqual(a.tolist(), [0, 0]);
  assert.equal(a.requiresGrad, true);
});

test('addParamGroup fills the defaults; String(optimizer) lists each group', () => {
  const a = torch.zeros(2, { requiresGrad: true });
  const b = torch.zeros(2, { requiresGrad: true });
  const opt = new optim.Adam([a], { lr: 0.01 });
  opt.addParamGroup({ params: b, amsgrad: true });
  assert.deepEqual(opt.paramGroups[1], { params: [b], amsgrad: true, lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false });
  assert.equal(
    String(opt).split('\n').slice(0, 9).join('\n'),
    'Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    eps: 1e-08\n    lr: 0.01\n    maximize: False\n    weightDecay: 0\nParameter Group 1',
  );
});
