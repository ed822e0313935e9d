// Activation, loss and normalisation layers against PyTorch (test/golden/nn_norm_act_loss.json,
// tools/golden/gen_nn_functional.py). Each script builds a layer (the generator's label, mapped here to
// its tstorch constructor), loads the recorded parameters and runs the recorded steps: outputs and
// grad_fn, the gradients of (out * upstream).sum() for the parameters and the first input, and the
// buffers after each step (BatchNorm's running statistics over several training steps, then eval mode).
// Also String(layer) and the state dict's keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage, assertTensorClose, decodeTensor, DTYPES, loadFixture, type EncodedTensor } from '../helpers.js';

const nn = torch.nn;

interface Step {
  train: boolean;
  inputs: EncodedTensor[];
  out: EncodedTensor;
  grad_fn: string | null;
  upstream: EncodedTensor;
  input_grad: EncodedTensor | null;
  param_grads: [string, EncodedTensor | null][];
  buffers: [string, EncodedTensor][];
}

interface Script {
  label: string;
  dtype: string;
  repr: string;
  state_keys: string[];
  params: [string, EncodedTensor][];
  steps: Step[];
}

interface ErrorCase {
  label: string;
  inputs: EncodedTensor[] | null;
  error: string;
}

const { cases } = loadFixture<unknown>('nn_norm_act_loss') as unknown as { cases: { modules: Script[]; errors: ErrorCase[] } };

const weights = (from: number, to: number, n: number): Tensor => torch.linspace(from, to, n);

/** The generator's labels (Python expressions) as tstorch constructors. */
const LAYERS: Record<string, () => torch.nn.Module> = {
  'nn.ReLU()': () => new nn.ReLU(),
  'nn.ReLU(True)': () => new nn.ReLU(true),
  'nn.LeakyReLU()': () => new nn.LeakyReLU(),
  'nn.LeakyReLU(0.2, True)': () => new nn.LeakyReLU(0.2, true),
  'nn.ELU()': () => new nn.ELU(),
  'nn.ELU(0.5, True)': () => new nn.ELU(0.5, true),
  'nn.CELU(1.5)': () => new nn.CELU(1.5),
  'nn.SELU()': () => new nn.SELU(),
  'nn.GELU()': () => new nn.GELU(),
  "nn.GELU('tanh')": () => new nn.GELU('tanh'),
  'nn.SiLU()': () => new nn.SiLU(),
  'nn.Mish()': () => new nn.Mish(),
  'nn.Softplus()': () => new nn.Softplus(),
  'nn.Softplus(2.0, 3.0)': () => new nn.Softplus(2, 3),
  'nn.Hardtanh()': () => new nn.Hardtanh(),
  'nn.Hardtanh(-2.0, 1.5)': () => new nn.Hardtanh(-2, 1.5),
  'nn.ReLU6()': () => new nn.ReLU6(),
  'nn.Tanh()': () => new nn.Tanh(),
  'nn.Sigmoid()': () => new nn.Sigmoid(),
  'nn.LogSigmoid()': () => new nn.LogSigmoid(),
  'nn.Softmax(1)': () => new nn.Softmax(1),
  'nn.Softmax(dim=-1)': () => new nn.Softmax(-1),
  'nn.LogSoftmax(1)': () => new nn.LogSoftmax(1),
  'nn.Softmax()': () => new nn.Softmax(),
  'nn.LogSoftmax()': () => new nn.LogSoftmax(),
  'nn.MSELoss()': () => new nn.MSELoss(),
  "nn.MSELoss(reduction='sum')": () => new nn.MSELoss({ reduction: 'sum' }),
  'nn.L1Loss()': () => new nn.L1Loss(),
  "nn.SmoothL1Loss(beta=0.5, reduction='none')": () => new nn.SmoothL1Loss({ beta: 0.5, reduction: 'none' }),
  'nn.HuberLoss(delta=0.7)': () => new nn.HuberLoss({ delta: 0.7 }),
  'nn.NLLLoss()': () => new nn.NLLLoss(),
  "nn.NLLLoss(weight=torch.linspace(0.5, 2.0, 5), ignore_index=2, reduction='sum')": () =>
    new nn.NLLLoss({ weight: weights(0.5, 2, 5), ignoreIndex: 2, reduction: 'sum' }),
  'nn.CrossEntropyLoss()': () => new nn.CrossEntropyLoss(),
  'nn.CrossEntropyLoss(weight=torch.linspace(0.5, 2.0, 5), ignore_index=1, label_smoothing=0.1)': () =>
    new nn.CrossEntropyLoss({ weight: weights(0.5, 2, 5), ignoreIndex: 1, labelSmoothing: 0.1 }),
  'nn.CrossEntropyLoss(label_smoothing=0.2)': () => new nn.CrossEntropyLoss({ labelSmoothing: 0.2 }),
  'nn.BCELoss()': () => new nn.BCELoss(),
  'nn.BCELoss(weight=torch.linspace(0.5, 2.0, 4))': () => new nn.BCELoss({ weight: weights(0.5, 2, 4) }),
  'nn.BCEWithLogitsLoss()': () => new nn.BCEWithLogitsLoss(),
  "nn.BCEWithLogitsLoss(pos_weight=torch.linspace(0.5, 3.0, 4), reduction='none')": () =>
    new nn.BCEWithLogitsLoss({ posWeight: weights(0.5, 3, 4), reduction: 'none' }),
  "nn.KLDivLoss(reduction='batchmean')": () => new nn.KLDivLoss({ reduction: 'batchmean' }),
  "nn.KLDivLoss(reduction='sum', log_target=True)": () => new nn.KLDivLoss({ reduction: 'sum', logTarget: true }),
  'nn.CosineEmbeddingLoss(margin=0.1)': () => new nn.CosineEmbeddingLoss({ margin: 0.1 }),
  'nn.BatchNorm2d(3)': () => new nn.BatchNorm2d(3),
  'nn.BatchNorm1d(4)': () => new nn.BatchNorm1d(4),
  'nn.BatchNorm1d(3)': () => new nn.BatchNorm1d(3),
  'nn.BatchNorm1d(2, momentum=None)': () => new nn.BatchNorm1d(2, { momentum: null }),
  'nn.BatchNorm2d(3, eps=0.001, momentum=0.3, affine=False)': () => new nn.BatchNorm2d(3, { eps: 0.001, momentum: 0.3, affine: false }),
  'nn.BatchNorm2d(2, track_running_stats=False)': () => new nn.BatchNorm2d(2, { trackRunningStats: false }),
  'nn.BatchNorm1d(3, affine=False, track_running_stats=False)': () => new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false }),
  'nn.LayerNorm(4)': () => new nn.LayerNorm(4),
  'nn.GroupNorm(2, 4)': () => new nn.GroupNorm(2, 4),
  'nn.GroupNorm(3, 4)': () => new nn.GroupNorm(3, 4),
  'nn.LayerNorm([2, 3], eps=0.001, elementwise_affine=False)': () => new nn.LayerNorm([2, 3], { eps: 0.001, elementwiseAffine: false }),
  'nn.GroupNorm(3, 6, eps=0.01, affine=False)': () => new nn.GroupNorm(3, 6, { eps: 0.01, affine: false }),
  'nn.GroupNorm(1, 3)': () => new nn.GroupNorm(1, 3),
  'nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2), nn.LogSoftmax(1))': () =>
    new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2), new nn.LogSoftmax(1)),
};

function build(label: string): torch.nn.Module {
  const make = LAYERS[label];
  assert.ok(make, `no constructor for ${label}`);
  return make();
}

/** Runs one recorded step; returns nothing, asserting as it goes. */
function runStep(m: torch.nn.Module, step: Step, where: string): void {
  m.train(step.train);
  m.zeroGrad();
  const inputs = step.inputs.map((enc, i) => decodeTensor(enc, { requiresGrad: i === 0 && enc.dtype.startsWith('float') }));
  const inplace = (m as { inplace?: boolean }).inplace === true;
  const args = inplace ? [inputs[0].mul(1), ...inputs.slice(1)] : inputs;
  const out = (m.call as (...a: Tensor[]) => Tensor)(...args);
  assertTensorClose(out, step.out, { message: `${where}: output` });
  assert.equal(out.gradFn?.name() ?? null, step.grad_fn, `${where}: grad_fn`);
  out.mul(decodeTensor(step.upstream)).sum().backward();
  if (step.input_grad) assertTensorClose(inputs[0].grad as Tensor, step.input_grad, { message: `${where}: input grad` });
  const params = new Map(m.namedParameters());
  for (const [name, grad] of step.param_grads) {
    const g = params.get(name)?.grad ?? null;
    if (grad === null) assert.equal(g, null, `${where}: ${name}.grad`);
    else assertTensorClose(g as Tensor, grad, { message: `${where}: ${name}.grad` });
  }
  const buffers = new Map(m.namedBuffers());
  assert.deepEqual([...buffers.keys()], step.buffers.map(([name]) => name), `${where}: buffer names`);
  for (const [name, value] of step.buffers) assertTensorClose(buffers.get(name) as Tensor, value, { message: `${where}: ${name}` });
}

// The implicit-dim softmax layers warn (PyTorch's deprecation); the warning has its own test below.
const restoreWarnings = torch.catchWarnings(() => undefined);
for (const [k, s] of cases.modules.entries()) {
  test(`${s.label} #${k} (${s.dtype})`, () => {
    const m = build(s.label);
    if (s.dtype === 'float64') m.double();
    assert.equal(String(m), s.repr, 'repr');
    assert.deepEqual([...m.stateDict().keys()], s.state_keys, 'state dict keys');
    const params = new Map(m.namedParameters());
    assert.deepEqual([...params.keys()], s.params.map(([name]) => name), 'parameter names');
    torch.noGrad(() => {
      for (const [name, value] of s.params) params.get(name)?.copy_(decodeTensor(value));
    });
    const restore = torch.catchWarnings(() => undefined);
    try {
      s.steps.forEach((step, i) => runStep(m, step, `step ${i}`));
    } finally {
      restore();
    }
  });
}
restoreWarnings();

for (const e of cases.errors) {
  test(`${e.label} error: ${e.error}`, () => {
    assertThrowsMessage(() => {
      const m = build(e.label);
      if (e.inputs) (m.call as (...a: Tensor[]) => Tensor)(...e.inputs.map((t) => decodeTensor(t)));
    }, e.error);
  });
}

test('BatchNorm buffers: camelCase accessors, reset, state dicts without num_batches_tracked', () => {
  const bn = new nn.BatchNorm1d(2);
  bn.forward(torch.tensor([[1, 2], [3, 5]]));
  assert.equal(bn.runningMean, bn.getBuffer('running_mean'));
  assert.equal(bn.runningVar, bn.getBuffer('running_var'));
  assert.equal(bn.numBatchesTracked, bn.getBuffer('num_batches_tracked'));
  assert.equal(bn.numBatchesTracked?.item(), 1);
  assert.equal(bn.numBatchesTracked?.dtype, DTYPES.int64);
  const state = bn.stateDict();
  state.delete('num_batches_tracked');
  const fresh = new nn.BatchNorm1d(2);
  assert.equal(String(fresh.loadStateDict(state)), '<All keys matched successfully>');
  assert.deepEqual(fresh.runningMean?.tolist(), bn.runningMean?.tolist());
  assert.equal(fresh.numBatchesTracked?.item(), 0);
  bn.resetRunningStats();
  assert.deepEqual(bn.runningMean?.tolist(), [0, 0]);
  assert.deepEqual(bn.runningVar?.tolist(), [1, 1]);
  assert.equal(bn.numBatchesTracked?.item(), 0);
  bn.double();
  assert.equal(bn.runningMean?.dtype, DTYPES.float64);
  assert.equal(bn.numBatchesTracked?.dtype, DTYPES.int64);
});

test('Softmax without dim warns as PyTorch', () => {
  const seen: string[] = [];
  const restore = torch.catchWarnings((_c, message) => seen.push(message));
  try {
    new nn.Softmax().forward(torch.zeros(2, 3));
    new nn.LogSoftmax().forward(torch.zeros(2, 3));
  } finally {
    restore();
  }
  assert.deepEqual(seen, [
    'Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as an argument.',
    'Implicit dimension choice for log_softmax has been deprecated. Change the call to include dim=X as an argument.',
  ]);
});
