// MultiheadAttention and F.scaledDotProductAttention against PyTorch 2.x's computation
// (test/golden/attention.json and attention_ops.json, tools/golden/gen_rnn_attention.py): initial
// weights after manual_seed, outputs, attention weights, gradients w.r.t. inputs and parameters, reprs,
// errors; the functional form through the op harness (values, gradients, second derivatives, gradcheck).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage, assertTensorClose, decodeTensor, decodeValue, loadFixture, type EncodedTensor } from '../helpers.js';
import { runOpFixture } from '../ops/harness.js';

const nn = torch.nn;
const F = torch.nn.functional;

interface SdpaExtra {
  dropout_p: number;
  is_causal: boolean;
  scale: number | null;
  seed: number;
}

function sdpa(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, e: SdpaExtra): Tensor {
  torch.manualSeed(e.seed);
  return F.scaledDotProductAttention(q, k, v, { attnMask: mask, dropoutP: e.dropout_p, isCausal: e.is_causal, scale: e.scale });
}

runOpFixture('attention_ops', {
  sdpa: ([q, k, v], e: SdpaExtra) => sdpa(q, k, v, null, e),
  sdpa_mask: ([q, k, v, m], e: SdpaExtra) => sdpa(q, k, v, m, e),
});

interface CallSpec {
  key_padding_mask?: { tensor: EncodedTensor };
  attn_mask?: { tensor: EncodedTensor };
  need_weights?: boolean;
  average_attn_weights?: boolean;
  is_causal?: boolean;
}

interface ModuleCase {
  args: [number, number];
  kwargs: Record<string, unknown>;
  seed: number;
  train: boolean;
  dropout_seed: number | null;
  repr: string;
  shared: 'qkv' | 'kv' | 'none';
  state: [string, EncodedTensor][];
  inputs: Record<string, EncodedTensor>;
  call: CallSpec;
  output: EncodedTensor;
  weights: EncodedTensor | null;
  upstream: EncodedTensor[];
  input_grads: Record<string, EncodedTensor>;
  param_grads: [string, EncodedTensor][];
}

type ShapeSpec = number[] | [number[], string];

interface ErrorCase {
  args: [number, number];
  kwargs: Record<string, unknown>;
  query: ShapeSpec | null;
  key: ShapeSpec | null;
  value: ShapeSpec | null;
  call: Record<string, ShapeSpec | boolean>;
  error: string;
}

interface FunctionalCase {
  tensors: Record<string, EncodedTensor>;
  options: { need_weights: boolean; add_zero_attn: boolean; use_separate_proj_weight: boolean };
  output: EncodedTensor;
  weights: EncodedTensor | null;
  upstream: EncodedTensor[];
  grads: Record<string, EncodedTensor | null>;
}

interface Cases {
  modules: ModuleCase[];
  functional: FunctionalCase[];
  errors: ErrorCase[];
  reprs: Record<string, string>;
  warnings: string[];
}

const cases = loadFixture<never>('attention').cases as unknown as Cases;

function build(args: [number, number], kwargs: Record<string, unknown>): torch.nn.MultiheadAttention {
  const k = kwargs as Record<string, never>;
  return new nn.MultiheadAttention(args[0], args[1], {
    dropout: k.dropout, bias: k.bias, addBiasKv: k.add_bias_kv, addZeroAttn: k.add_zero_attn, kdim: k.kdim, vdim: k.vdim,
    batchFirst: k.batch_first, dtype: k.dtype === 'float64' ? torch.float64 : undefined,
  });
}

function callOptions(call: CallSpec): torch.nn.MultiheadAttentionCallOptions {
  const d = decodeValue(call) as Record<string, never>;
  return { keyPaddingMask: d.key_padding_mask, attnMask: d.attn_mask, needWeights: d.need_weights, averageAttnWeights: d.average_attn_weights, isCausal: d.is_causal };
}

for (const [i, c] of cases.modules.entries()) {
  const label = `MultiheadAttention #${i} ${JSON.stringify(c.args)} ${JSON.stringify(c.kwargs)} ${c.shared} ${Object.keys(c.call).join(',')}${c.train ? ' train' : ''}`;
  test(label, () => {
    torch.manualSeed(c.seed);
    const mha = build(c.args, c.kwargs).train(c.train);
    const state = mha.stateDict();
    assert.deepEqual([...state.keys()], c.state.map(([k]) => k), 'state_dict keys');
    for (const [k, enc] of c.state) assertTensorClose(state.get(k) as Tensor, enc, { rtol: 0, atol: 0, message: k });
    assert.equal(String(mha), c.repr);
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([n, enc]) => [n, decodeTensor(enc, { requiresGrad: true })]));
    const query = inputs.query;
    const key = inputs.key ?? query;
    const value = inputs.value ?? key;
    if (c.dropout_seed !== null) torch.manualSeed(c.dropout_seed);
    const [output, weights] = mha.call(query, key, value, callOptions(c.call));
    assertTensorClose(output, c.output, { message: 'output' });
    if (c.weights === null) assert.equal(weights, null);
    else assertTensorClose(weights as Tensor, c.weights, { message: 'weights' });
    const outs = weights === null ? [output] : [output, weights];
    const params = mha.namedParameters();
    assert.deepEqual(params.map(([n]) => n), c.param_grads.map(([n]) => n));
    const names = Object.keys(c.inputs);
    const grads = torch.autograd.grad(outs, [...names.map((n) => inputs[n]), ...params.map(([, p]) => p)], { gradOutputs: c.upstream.map((u) => decodeTensor(u)) }) as Tensor[];
    names.forEach((n, k) => assertTensorClose(grads[k], c.input_grads[n], { message: `${n} grad` }));
    c.param_grads.forEach(([n, g], k) => assertTensorClose(grads[names.length + k], g, { message: `${n}.grad` }));
  });
}

for (const [i, c] of cases.functional.entries()) {
  test(`F.multiHeadAttentionForward #${i} ${Object.keys(c.tensors).join(',')} ${JSON.stringify(c.options)}`, () => {
    const t = Object.fromEntries(Object.entries(c.tensors).map(([n, enc]) => [n, decodeTensor(enc, { requiresGrad: true })]));
    const [embedDim, numHeads] = [t.out_proj_weight.shape[0], 3];
    const [output, weights] = F.multiHeadAttentionForward(
      t.query, t.key, t.value, embedDim, numHeads, t.in_proj_weight ?? null, t.in_proj_bias, t.bias_k ?? null, t.bias_v ?? null,
      c.options.add_zero_attn, 0, t.out_proj_weight, t.out_proj_bias,
      {
        needWeights: c.options.need_weights, useSeparateProjWeight: c.options.use_separate_proj_weight,
        qProjWeight: t.q_proj_weight, kProjWeight: t.k_proj_weight, vProjWeight: t.v_proj_weight, staticK: t.static_k, staticV: t.static_v,
      },
    );
    assertTensorClose(output, c.output, { message: 'output' });
    if (c.weights === null) assert.equal(weights, null);
    else assertTensorClose(weights as Tensor, c.weights, { message: 'weights' });
    const names = Object.keys(c.tensors);
    const outs = weights === null ? [output] : [output, weights];
    const grads = torch.autograd.grad(outs, names.map((n) => t[n]), { gradOutputs: c.upstream.map((u) => decodeTensor(u)), allowUnused: true });
    names.forEach((n, k) => {
      const want = c.grads[n];
      if (want === null) assert.equal(grads[k], null, `${n} should be unused`);
      else assertTensorClose(grads[k] as Tensor, want, { message: `${n} grad` });
    });
  });
}

function zerosOf(spec: ShapeSpec): Tensor {
  if (typeof spec[1] === 'string') return torch.zeros(spec[0] as number[], { dtype: spec[1] === 'bool' ? torch.bool : torch.int64 });
  return torch.zeros(spec as number[]);
}

test('errors are PyTorch\'s', () => {
  for (const c of cases.errors) {
    assertThrowsMessage(() => {
      const mha = build(c.args, c.kwargs);
      if (c.query === null) return;
      const options = Object.fromEntries(Object.entries(c.call).map(([n, s]) => [n, typeof s === 'boolean' ? s : zerosOf(s)])) as Record<string, never>;
      mha.call(zerosOf(c.query), zerosOf(c.key as ShapeSpec), zerosOf(c.value as ShapeSpec), {
        attnMask: options.attn_mask, keyPaddingMask: options.key_padding_mask, isCausal: options.is_causal,
      });
    }, c.error);
  }
});

test('a bool key padding mask with a float attention mask warns as PyTorch', () => {
  const seen: string[] = [];
  const restore = torch.catchWarnings((_category, message) => seen.push(message));
  try {
    const q = torch.zeros(3, 2, 8);
    new nn.MultiheadAttention(8, 2).call(q, q, q, { keyPaddingMask: torch.zeros([2, 3], { dtype: torch.bool }), attnMask: torch.zeros(3, 3) });
  } finally {
    restore();
  }
  assert.deepEqual(seen, cases.warnings);
});

test('String(module) is PyTorch\'s repr', () => {
  assert.equal(String(new nn.MultiheadAttention(8, 2)), cases.reprs.mha);
  assert.equal(String(new nn.MultiheadAttention(6, 3, { bias: false, kdim: 4, vdim: 5, batchFirst: true, dropout: 0.1 })), cases.reprs.mha_options);
});
