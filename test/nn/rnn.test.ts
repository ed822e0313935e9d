// RNN, LSTM, GRU and their cells against PyTorch (test/golden/rnn.json, tools/golden/gen_rnn_attention.py):
// built after the same manual_seed they hold PyTorch's exact initial weights; outputs, final states and
// the gradients w.r.t. the input, the initial states and every parameter match (and, in float64, the
// second derivatives); reprs, errors and warnings are PyTorch's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage, assertTensorClose, decodeTensor, loadFixture, type EncodedTensor } from '../helpers.js';

const nn = torch.nn;

interface ModuleCase {
  layer: string;
  args: [number, number];
  kwargs: Record<string, unknown>;
  seed: number;
  train: boolean;
  dropout_seed: number | null;
  repr: string;
  state: [string, EncodedTensor][];
  input: EncodedTensor;
  hx: EncodedTensor[] | null;
  outputs: EncodedTensor[];
  upstream: EncodedTensor[];
  input_grad: EncodedTensor;
  hx_grads: EncodedTensor[] | null;
  param_grads: [string, EncodedTensor][];
  gg_v?: EncodedTensor[];
  gradgrads?: (EncodedTensor | null)[];
}

interface ErrorCase {
  layer: string;
  args: [number, number];
  kwargs: Record<string, unknown>;
  input: number[] | [number[], string] | null;
  hx: number[][] | null;
  error: string;
}

interface Cases {
  modules: ModuleCase[];
  errors: ErrorCase[];
  warnings: { layer: string; args: [number, number]; kwargs: Record<string, unknown>; warnings: string[] }[];
  reprs: Record<string, string>;
}

const cases = loadFixture<never>('rnn').cases as unknown as Cases;

type Recurrent = torch.nn.RNN | torch.nn.LSTM | torch.nn.GRU | torch.nn.RNNCell | torch.nn.LSTMCell | torch.nn.GRUCell;

/** The generator's constructors, with PyTorch's keyword arguments as camelCase options. */
function build(layer: string, [inputSize, hiddenSize]: [number, number], kwargs: Record<string, unknown>): Recurrent {
  const k = kwargs as Record<string, never>;
  const dtype = k.dtype === undefined ? undefined : k.dtype === 'float64' ? torch.float64 : torch.float32;
  const options = {
    numLayers: k.num_layers, bias: k.bias, batchFirst: k.batch_first, dropout: k.dropout,
    bidirectional: k.bidirectional, projSize: k.proj_size, nonlinearity: k.nonlinearity, dtype,
  };
  switch (layer) {
    case 'RNN': return new nn.RNN(inputSize, hiddenSize, options);
    case 'LSTM': return new nn.LSTM(inputSize, hiddenSize, options);
    case 'GRU': return new nn.GRU(inputSize, hiddenSize, options);
    case 'RNNCell': return new nn.RNNCell(inputSize, hiddenSize, { bias: k.bias, nonlinearity: k.nonlinearity, dtype });
    case 'LSTMCell': return new nn.LSTMCell(inputSize, hiddenSize, { bias: k.bias, dtype });
    case 'GRUCell': return new nn.GRUCell(inputSize, hiddenSize, { bias: k.bias, dtype });
    default: throw new Error(`no layer ${layer}`);
  }
}

/** Runs a layer on an input and its optional states; returns every output tensor (output, h_n[, c_n] or the cell's states). */
function run(module: Recurrent, input: Tensor, hx: Tensor[] | null): Tensor[] {
  if (module instanceof nn.LSTM) {
    const [out, [h, c]] = module.call(input, hx === null ? null : [hx[0], hx[1]]);
    return [out, h, c];
  }
  if (module instanceof nn.RNN || module instanceof nn.GRU) {
    const [out, h] = module.call(input, hx?.[0]);
    return [out, h];
  }
  if (module instanceof nn.LSTMCell) return module.call(input, hx === null ? null : [hx[0], hx[1]]);
  return [module.call(input, hx?.[0])];
}

for (const [i, c] of cases.modules.entries()) {
  const label = `${c.layer} #${i} ${JSON.stringify(c.kwargs)} input [${c.input.shape.join(', ')}]${c.hx ? ' with hx' : ''}${c.train ? ' train' : ''}`;
  test(label, () => {
    torch.manualSeed(c.seed);
    const module = build(c.layer, c.args, c.kwargs).train(c.train);
    const state = module.stateDict();
    assert.deepEqual([...state.keys()], c.state.map(([k]) => k), 'state_dict keys');
    for (const [k, enc] of c.state) assertTensorClose(state.get(k) as Tensor, enc, { rtol: 0, atol: 0, message: k });
    assert.equal(String(module), c.repr);
    const input = decodeTensor(c.input, { requiresGrad: true });
    const hx = c.hx === null ? null : c.hx.map((h) => decodeTensor(h, { requiresGrad: true }));
    if (c.dropout_seed !== null) torch.manualSeed(c.dropout_seed);
    const outs = run(module, input, hx);
    assert.equal(outs.length, c.outputs.length, 'number of outputs');
    outs.forEach((o, k) => assertTensorClose(o, c.outputs[k], { message: `output ${k}` }));
    const params = module.namedParameters();
    assert.deepEqual(params.map(([n]) => n), c.param_grads.map(([n]) => n));
    const wrt = [input, ...(hx ?? []), ...params.map(([, p]) => p)];
    const upstream = c.upstream.map((u) => decodeTensor(u));
    const second = c.gradgrads !== undefined;
    const grads = torch.autograd.grad(outs, wrt, { gradOutputs: upstream, createGraph: second }) as Tensor[];
    assertTensorClose(grads[0], c.input_grad, { message: 'input grad' });
    c.hx_grads?.forEach((g, k) => assertTensorClose(grads[1 + k], g, { message: `hx[${k}] grad` }));
    const offset = 1 + (hx?.length ?? 0);
    c.param_grads.forEach(([n, g], k) => assertTensorClose(grads[offset + k], g, { message: `${n}.grad` }));
    if (second) {
      const vs = (c.gg_v ?? []).map((v) => decodeTensor(v));
      const gg = torch.autograd.grad(grads, wrt, { gradOutputs: vs, allowUnused: true });
      c.gradgrads?.forEach((want, k) => {
        if (want === null) assert.equal(gg[k], null, `second derivative ${k} should be unused`);
        else assertTensorClose(gg[k] as Tensor, want, { message: `second derivative ${k}` });
      });
    }
  });
}

test('errors are PyTorch\'s', () => {
  for (const c of cases.errors) {
    assertThrowsMessage(() => {
      const module = build(c.layer, c.args, c.kwargs);
      if (c.input === null) return;
      const [shape, dtype] = typeof c.input[1] === 'string' ? (c.input as [number[], string]) : [c.input as number[], 'float32'];
      const input = torch.zeros(shape, { dtype: dtype === 'float64' ? torch.float64 : torch.float32 });
      run(module, input, c.hx === null ? null : c.hx.map((s) => torch.zeros(s)));
    }, c.error);
  }
});

test('dropout with one layer warns as PyTorch', () => {
  for (const c of cases.warnings) {
    const seen: string[] = [];
    const restore = torch.catchWarnings((_category, message) => seen.push(message));
    try {
      build(c.layer, c.args, c.kwargs);
    } finally {
      restore();
    }
    assert.deepEqual(seen, c.warnings);
  }
});

const REPR_MODELS: Record<string, () => torch.nn.Module> = {
  lstm: () => new nn.LSTM(10, 20, 2, { batchFirst: true }),
  lstm_all: () => new nn.LSTM(10, 20, { numLayers: 3, bias: false, batchFirst: true, dropout: 0.5, bidirectional: true, projSize: 5 }),
  rnn: () => new nn.RNN(3, 4),
  rnn_relu: () => new nn.RNN(3, 4, 2, { nonlinearity: 'relu' }),
  gru: () => new nn.GRU(3, 4, { bidirectional: true, dropout: 1, numLayers: 2 }),
  rnn_cell: () => new nn.RNNCell(3, 4),
  rnn_cell_relu: () => new nn.RNNCell(3, 4, false, 'relu'),
  lstm_cell: () => new nn.LSTMCell(3, 4, false),
  gru_cell: () => new nn.GRUCell(3, 4),
};

test('String(module) is PyTorch\'s repr', () => {
  assert.deepEqual(Object.keys(REPR_MODELS), Object.keys(cases.reprs));
  for (const [name, expected] of Object.entries(cases.reprs)) assert.equal(String(REPR_MODELS[name]()), expected, name);
});

test('parameters are registered under PyTorch\'s names, per layer and direction', () => {
  const lstm = new nn.LSTM(3, 4, 2, { bidirectional: true, projSize: 2 });
  assert.deepEqual(lstm.allWeightNames[1], ['weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_hr_l0_reverse']);
  assert.deepEqual(lstm.allWeights[2][0].shape, [16, 4]);
  assert.equal(lstm.getParameter('weight_hr_l1'), lstm.allWeights[2][4]);
});
