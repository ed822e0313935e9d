// The core layers against PyTorch (test/golden/nn_core.json, tools/golden/gen_nn_core.py): built after
// the same manual_seed they hold PyTorch's exact initial weights; their outputs and the gradients of
// (out * upstream).sum() match; and String(module) is PyTorch's repr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, decodeTensor, decodeValue, loadFixture, type EncodedTensor } from '../helpers.js';
import { Net, ParamHolder, Wide, sequentialModel } from './models.js';

const nn = torch.nn;

interface LayerCase {
  layer: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  seed: number;
  train: boolean;
  state: [string, EncodedTensor][];
  inputs: EncodedTensor[];
  repr: string;
  out: EncodedTensor;
  grad_fn: string | null;
  upstream: EncodedTensor;
  input_grads: (EncodedTensor | null)[];
  param_grads: [string, EncodedTensor | null][];
}

interface ModelCase {
  state: [string, EncodedTensor][];
  input: EncodedTensor;
  out: EncodedTensor;
  upstream: EncodedTensor;
  param_grads: [string, EncodedTensor][];
}

interface Cases {
  layers: LayerCase[];
  model: ModelCase;
  reprs: Record<string, string>;
}

const cases = loadFixture<never>('nn_core').cases as unknown as Cases;

/** The generator's layer constructors, with PyTorch's keyword arguments in camelCase options. */
function buildLayer(name: string, args: unknown[], kwargs: Record<string, unknown>): torch.nn.Module {
  const k = decodeValue(kwargs) as Record<string, never>;
  const a = args as never[];
  switch (name) {
    case 'Linear':
      return new nn.Linear(a[0], a[1], { bias: k.bias, dtype: k.dtype });
    case 'Bilinear':
      return new nn.Bilinear(a[0], a[1], a[2], { bias: k.bias, dtype: k.dtype });
    case 'Embedding':
      return new nn.Embedding(a[0], a[1], { paddingIdx: k.padding_idx, scaleGradByFreq: k.scale_grad_by_freq });
    case 'Identity':
      return new nn.Identity(...a);
    case 'Flatten':
      return new nn.Flatten(...a);
    case 'Unflatten':
      return new nn.Unflatten(a[0], a[1]);
    case 'Dropout':
      return new nn.Dropout(...a);
    case 'Dropout1d':
      return new nn.Dropout1d(...a);
    case 'Dropout2d':
      return new nn.Dropout2d(...a);
    default:
      throw new Error(`no layer ${name}`);
  }
}

function assertState(module: torch.nn.Module, state: [string, EncodedTensor][], label: string): void {
  const actual = module.stateDict();
  assert.deepEqual([...actual.keys()], state.map(([k]) => k), `${label}: state_dict keys`);
  for (const [k, enc] of state) assertTensorClose(actual.get(k) as Tensor, enc, { rtol: 0, atol: 0, message: `${label}: ${k}` });
}

for (const [i, c] of cases.layers.entries()) {
  const label = `${c.layer} #${i} ${JSON.stringify(c.args)} ${JSON.stringify(c.kwargs)}${c.train ? '' : ' eval'}`;
  test(label, () => {
    torch.manualSeed(c.seed);
    const layer = buildLayer(c.layer, c.args, c.kwargs).train(c.train);
    assertState(layer, c.state, label);
    assert.equal(String(layer), c.repr);
    const inputs = c.inputs.map((enc) => decodeTensor(enc, { requiresGrad: enc.dtype.startsWith('float') }));
    const out = layer.call(...inputs) as Tensor;
    assertTensorClose(out, c.out, { message: `${label}: out` });
    assert.equal(out.gradFn?.name() ?? null, c.grad_fn, `${label}: grad_fn`);
    out.mul(decodeTensor(c.upstream)).sum().backward();
    c.input_grads.forEach((g, j) => {
      if (g === null) assert.equal(inputs[j].grad, null);
      else assertTensorClose(inputs[j].grad as Tensor, g, { message: `${label}: input ${j} grad` });
    });
    const params = new Map(layer.namedParameters());
    assert.deepEqual([...params.keys()], c.param_grads.map(([n]) => n));
    for (const [n, g] of c.param_grads) {
      if (g === null) assert.equal(params.get(n)?.grad, null);
      else assertTensorClose(params.get(n)?.grad as Tensor, g, { message: `${label}: ${n}.grad` });
    }
  });
}

test('a Sequential built after manualSeed draws its layers in order, and trains as in PyTorch', () => {
  const c = cases.model;
  torch.manualSeed(123);
  const model = sequentialModel();
  assertState(model, c.state, 'model');
  model.train();
  torch.manualSeed(5);
  const out = model.call(decodeTensor(c.input)) as Tensor;
  assertTensorClose(out, c.out, { message: 'out' });
  out.mul(decodeTensor(c.upstream)).sum().backward();
  const params = new Map(model.namedParameters());
  for (const [n, g] of c.param_grads) assertTensorClose(params.get(n)?.grad as Tensor, g, { message: n });
});

const REPR_MODELS: Record<string, () => torch.nn.Module> = {
  linear: () => new nn.Linear(3, 2),
  linear_nobias: () => new nn.Linear(3, 2, false),
  bilinear: () => new nn.Bilinear(2, 3, 4),
  embedding: () => new nn.Embedding(10, 3),
  embedding_options: () => new nn.Embedding(10, 3, { paddingIdx: -2, maxNorm: 1.5, normType: 1.0, scaleGradByFreq: true }),
  dropout: () => new nn.Dropout(),
  dropout2d: () => new nn.Dropout2d(0.3, true),
  flatten: () => new nn.Flatten(),
  unflatten: () => new nn.Unflatten(1, [2, 5]),
  unflatten1: () => new nn.Unflatten(-1, [6]),
  identity: () => new nn.Identity(),
  sequential: sequentialModel,
  sequential_nested: () => new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Identity()))),
  sequential_empty: () => new nn.Sequential(),
  module_list: () => new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2), new nn.Linear(2, 3), new nn.Linear(2, 2)]),
  module_list_empty: () => new nn.ModuleList(),
  module_dict: () => new nn.ModuleDict({ x: new nn.Linear(1, 1), y: new nn.Sequential(new nn.Identity()) }),
  net: () => new Net(),
  wide: () => new Wide(),
  parameter_list: () => new nn.ParameterList([new nn.Parameter(torch.ones(2, 3)), torch.zeros(4, { dtype: torch.float64 })]),
  parameter_list_one: () => new nn.ParameterList([new nn.Parameter(torch.ones([]))]),
  parameter_dict: () => new nn.ParameterDict({ b: new nn.Parameter(torch.ones(2)), a: torch.zeros([], { dtype: torch.float64 }) }),
  parameter_holder: () => new ParamHolder(),
};

test('String(module) is PyTorch 2.x repr', () => {
  assert.deepEqual(Object.keys(REPR_MODELS), Object.keys(cases.reprs));
  for (const [name, expected] of Object.entries(cases.reprs)) assert.equal(String(REPR_MODELS[name]()), expected, name);
});
