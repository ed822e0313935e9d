// Bad arguments to torch.nn.functional raise PyTorch's messages. Those marked `pytorch` were recorded
// with PyTorch (F.* called the same way from /usr/bin/python3); where PyTorch has no message of its own
// (a JavaScript options object that is not an object, a bigint where an int goes, an AttributeError or
// ZeroDivisionError from inside PyTorch's Python code) the message names the function, the argument
// and what was expected. api-validation.test.ts walks every function with bad arguments; this file
// pins the wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { testMessages, type Case } from './message-cases.js';

const F = torch.nn.functional;

/** A value of the wrong type, passed where the types would not allow it. */
const bad = (v: unknown): never => v as never;

function x(): torch.Tensor {
  return torch.tensor([[-1, 0, 2], [3, -4, 5]]);
}
const w = (): torch.Tensor => torch.ones(4, 3);
const target = (): torch.Tensor => torch.tensor([0n, 1n]);
const stats = (): [torch.Tensor, torch.Tensor] => [torch.zeros(3), torch.ones(3)];

/** Messages recorded from PyTorch. */
const PYTORCH: Record<string, Case> = {
  'linear input': [() => F.linear(bad('a'), w()), "linear(): argument 'input' (position 1) must be Tensor, not str"],
  'linear input None': [() => F.linear(bad(null), w()), "linear(): argument 'input' (position 1) must be Tensor, not NoneType"],
  'linear weight': [() => F.linear(x(), bad('a')), "linear(): argument 'weight' (position 2) must be Tensor, not str"],
  'linear bias': [() => F.linear(x(), w(), bad('a')), "linear(): argument 'bias' (position 3) must be Tensor, not str"],
  'bilinear input1': [() => F.bilinear(bad('a'), x(), torch.ones(2, 3, 3)), "bilinear(): argument 'input1' (position 1) must be Tensor, not str"],
  'bilinear weight': [() => F.bilinear(x(), x(), bad('a')), "bilinear(): argument 'weight' (position 3) must be Tensor, not str"],
  'bilinear bias': [() => F.bilinear(x(), x(), torch.ones(2, 3, 3), bad('a')), "bilinear(): argument 'bias' (position 4) must be Tensor, not str"],
  'embedding indices': [() => F.embedding(bad('a'), w()), "embedding(): argument 'indices' (position 2) must be Tensor, not str"],
  'embedding weight': [() => F.embedding(target(), bad('a')), "embedding(): argument 'weight' (position 1) must be Tensor, not str"],
  'embedding padding_idx': [() => F.embedding(target(), w(), { paddingIdx: 1.5 }), "embedding(): argument 'padding_idx' (position 3) must be int, not float"],
  'embedding max_norm': [() => F.embedding(target(), w(), { maxNorm: bad('a') }), "embedding_renorm_(): argument 'max_norm' (position 3) must be float, not str"],
  'embedding norm_type': [() => F.embedding(target(), w(), { maxNorm: 1, normType: bad('a') }), "embedding_renorm_(): argument 'norm_type' (position 4) must be float, not str"],
  'embedding scale_grad_by_freq': [() => F.embedding(target(), w(), { scaleGradByFreq: bad('a') }), "embedding(): argument 'scale_grad_by_freq' (position 4) must be bool, not str"],
  'dropout input': [() => F.dropout(bad('a')), "dropout(): argument 'input' (position 1) must be Tensor, not str"],
  'dropout p nan': [() => F.dropout(x(), NaN), 'dropout probability has to be between 0 and 1, but got nan'],
  'dropout training': [() => F.dropout(x(), 0.5, { training: bad('a') }), "dropout(): argument 'train' (position 3) must be bool, not str"],
  'leaky_relu input': [() => F.leakyRelu(bad('a')), "leaky_relu(): argument 'input' (position 1) must be Tensor, not str"],
  'leaky_relu negative_slope': [() => F.leakyRelu(x(), bad('a')), "leaky_relu(): argument 'negative_slope' (position 2) must be Number, not str"],
  'elu alpha': [() => F.elu(x(), bad('a')), "elu(): argument 'alpha' (position 2) must be Number, not str"],
  'celu alpha': [() => F.celu(x(), bad('a')), "celu(): argument 'alpha' (position 2) must be Number, not str"],
  'selu input': [() => F.selu(bad('a')), "selu(): argument 'input' (position 1) must be Tensor, not str"],
  'softplus beta': [() => F.softplus(x(), bad('a')), "softplus(): argument 'beta' (position 2) must be Number, not str"],
  'softplus threshold': [() => F.softplus(x(), 1, bad('a')), "softplus(): argument 'threshold' (position 3) must be Number, not str"],
  'hardtanh min_val': [() => F.hardtanh(x(), bad('a')), "hardtanh(): argument 'min_val' (position 2) must be Number, not str"],
  'hardtanh max_val': [() => F.hardtanh(x(), -1, bad('a')), "hardtanh(): argument 'max_val' (position 3) must be Number, not str"],
  'gelu approximate': [() => F.gelu(x(), { approximate: bad(5) }), "gelu(): argument 'approximate' must be str, not int"],
  'mse_loss reduction': [() => F.mseLoss(x(), x(), { reduction: bad('bogus') }), 'bogus is not a valid value for reduction'],
  'mse_loss reduction 5': [() => F.mseLoss(x(), x(), { reduction: bad(5) }), '5 is not a valid value for reduction'],
  'smooth_l1_loss beta': [() => F.smoothL1Loss(x(), x(), { beta: bad('a') }), "smooth_l1_loss(): argument 'beta' (position 4) must be float, not str"],
  'huber_loss delta': [() => F.huberLoss(x(), x(), { delta: bad('a') }), "huber_loss(): argument 'delta' (position 4) must be float, not str"],
  'bce_with_logits weight': [() => F.binaryCrossEntropyWithLogits(x(), x(), { weight: bad('a') }), "binary_cross_entropy_with_logits(): argument 'weight' (position 3) must be Tensor, not str"],
  'bce_with_logits pos_weight': [() => F.binaryCrossEntropyWithLogits(x(), x(), { posWeight: bad('a') }), "binary_cross_entropy_with_logits(): argument 'pos_weight' (position 4) must be Tensor, not str"],
  'nll_loss weight': [() => F.nllLoss(x(), target(), { weight: bad('a') }), "nll_loss_nd(): argument 'weight' (position 3) must be Tensor, not str"],
  'nll_loss ignore_index': [() => F.nllLoss(x(), target(), { ignoreIndex: bad('a') }), "nll_loss_nd(): argument 'ignore_index' (position 5) must be int, not str"],
  'nll_loss ignore_index float': [() => F.nllLoss(x(), target(), { ignoreIndex: 1.5 }), "nll_loss_nd(): argument 'ignore_index' (position 5) must be int, not float"],
  'cross_entropy weight': [() => F.crossEntropy(x(), target(), { weight: bad('a') }), "cross_entropy_loss(): argument 'weight' (position 3) must be Tensor, not str"],
  'cross_entropy ignore_index': [() => F.crossEntropy(x(), target(), { ignoreIndex: bad('a') }), "cross_entropy_loss(): argument 'ignore_index' (position 5) must be int, not str"],
  'cross_entropy label_smoothing': [() => F.crossEntropy(x(), target(), { labelSmoothing: bad('a') }), "cross_entropy_loss(): argument 'label_smoothing' (position 6) must be float, not str"],
  'kl_div log_target': [() => F.klDiv(x(), x(), { logTarget: bad('a'), reduction: 'sum' }), "kl_div(): argument 'log_target' must be bool, not str"],
  'kl_div reduction': [() => F.klDiv(x(), x(), { reduction: bad('bogus') }), 'bogus is not a valid value for reduction'],
  'cosine_embedding_loss margin': [() => F.cosineEmbeddingLoss(x(), x(), torch.ones(2), { margin: bad('a') }), "cosine_embedding_loss(): argument 'margin' (position 4) must be float, not str"],
  'batch_norm input': [() => F.batchNorm(bad('a'), ...stats()), "batch_norm(): argument 'input' (position 1) must be Tensor, not str"],
  'batch_norm running_mean': [() => F.batchNorm(x(), bad('a'), torch.ones(3)), "batch_norm(): argument 'running_mean' (position 4) must be Tensor, not str"],
  'batch_norm running_var': [() => F.batchNorm(x(), torch.zeros(3), bad('a')), "batch_norm(): argument 'running_var' (position 5) must be Tensor, not str"],
  'batch_norm weight': [() => F.batchNorm(x(), ...stats(), { weight: bad('a') }), "batch_norm(): argument 'weight' (position 2) must be Tensor, not str"],
  'batch_norm bias': [() => F.batchNorm(x(), ...stats(), { bias: bad('a') }), "batch_norm(): argument 'bias' (position 3) must be Tensor, not str"],
  'batch_norm training': [() => F.batchNorm(x(), ...stats(), { training: bad('a') }), "batch_norm(): argument 'training' (position 6) must be bool, not str"],
  'batch_norm momentum': [() => F.batchNorm(x(), ...stats(), { momentum: bad('a') }), "batch_norm(): argument 'momentum' (position 7) must be float, not str"],
  'batch_norm eps': [() => F.batchNorm(x(), ...stats(), { eps: bad('a') }), "batch_norm(): argument 'eps' (position 8) must be float, not str"],
  'batch_norm no running_mean': [() => F.batchNorm(x(), null, torch.ones(3)), 'running_mean must be defined in evaluation mode'],
  'layer_norm input': [() => F.layerNorm(bad('a'), [3]), "layer_norm(): argument 'input' (position 1) must be Tensor, not str"],
  'layer_norm normalized_shape': [() => F.layerNorm(x(), bad('a')), "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not str"],
  'layer_norm normalized_shape None': [() => F.layerNorm(x(), bad(null)), "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not NoneType"],
  'layer_norm normalized_shape mismatch': [() => F.layerNorm(x(), [4]), 'Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]'],
  'layer_norm negative size': [() => F.layerNorm(x(), [-2]), 'Given normalized_shape=[-2], expected input with shape [*, -2], but got input of size[2, 3]'],
  'layer_norm weight': [() => F.layerNorm(x(), [3], { weight: bad('a') }), "layer_norm(): argument 'weight' (position 3) must be Tensor, not str"],
  'layer_norm eps': [() => F.layerNorm(x(), [3], { eps: bad('a') }), "layer_norm(): argument 'eps' (position 5) must be float, not str"],
  'group_norm num_groups float': [() => F.groupNorm(x(), 1.5), "group_norm(): argument 'num_groups' (position 2) must be int, not float"],
  'group_norm num_groups -1': [() => F.groupNorm(x(), -1), 'Expected num groups to be greater than 0, got -1'],
  'group_norm num_groups 2': [() => F.groupNorm(x(), 2), 'Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 3] and num_groups=2'],
  'group_norm weight': [() => F.groupNorm(x(), 1, { weight: bad('a') }), "group_norm(): argument 'weight' (position 3) must be Tensor, not str"],
  'group_norm eps': [() => F.groupNorm(x(), 1, { eps: bad('a') }), "group_norm(): argument 'eps' (position 5) must be float, not str"],
};

/** Where PyTorch has no message of its own. */
const OURS: Record<string, Case> = {
  'loss options string': [() => F.mseLoss(x(), x(), bad('sum')), 'mse_loss(): expected an options object for the keyword arguments, but got str'],
  'loss options array': [() => F.crossEntropy(x(), target(), bad([])), 'cross_entropy(): expected an options object for the keyword arguments, but got list'],
  'layer_norm options string': [() => F.layerNorm(x(), [3], bad('a')), 'layer_norm(): expected an options object for the keyword arguments, but got str'],
  'group_norm num_groups bigint': [() => F.groupNorm(x(), bad(3n)), "group_norm(): argument 'num_groups' (position 2) must be int, not bigint"],
  'group_norm num_groups str': [() => F.groupNorm(x(), bad('a')), "group_norm(): argument 'num_groups' (position 2) must be int, not str"],
  'group_norm num_groups 0': [() => F.groupNorm(x(), 0), 'Expected num groups to be greater than 0, got 0'],
  'mse_loss input': [() => F.mseLoss(bad('a'), x()), "mse_loss(): argument 'input' (position 1) must be Tensor, not str"],
  'silu inplace': [() => F.silu(x(), bad('a')), "silu(): argument 'inplace' (position 2) must be bool, not str"],
  'relu6 inplace': [() => F.relu6(x(), bad('a')), "relu6(): argument 'inplace' (position 2) must be bool, not str"],
  'elu inplace': [() => F.elu(x(), 1, bad('a')), "elu(): argument 'inplace' (position 3) must be bool, not str"],
  'dropout p': [() => F.dropout(x(), bad('a')), "dropout(): argument 'p' (position 2) must be float, not str"],
  'dropout2d input': [() => F.dropout2d(bad('a')), "dropout2d(): argument 'input' (position 1) must be Tensor, not str"],
  'dropout options string': [() => F.dropout(x(), 0.5, bad('a')), 'dropout(): expected an options object for the keyword arguments, but got str'],
  // PyTorch 2.x's wording for its C++ function (PyTorch 1.13 has no scaled_dot_product_attention).
  'scaled_dot_product_attention query': [() => F.scaledDotProductAttention(bad('a'), x(), x()), "scaled_dot_product_attention(): argument 'query' (position 1) must be Tensor, not str"],
  'scaled_dot_product_attention options': [() => F.scaledDotProductAttention(x(), x(), x(), bad('a')), 'scaled_dot_product_attention(): expected an options object for the keyword arguments, but got str'],
  'scaled_dot_product_attention dropout_p': [() => F.scaledDotProductAttention(x(), x(), x(), { dropoutP: bad('a') }), "scaled_dot_product_attention(): argument 'dropout_p' (position 5) must be float, not str"],
  'multi_head_attention_forward key': [
    () => F.multiHeadAttentionForward(x(), bad(undefined), x(), 3, 1, null, null, null, null, false, 0, w(), null),
    "multi_head_attention_forward(): argument 'key' (position 2) must be Tensor, not NoneType",
  ],
  'multi_head_attention_forward num_heads': [
    () => F.multiHeadAttentionForward(x(), x(), x(), 3, bad('1'), null, null, null, null, false, 0, w(), null),
    "multi_head_attention_forward(): argument 'num_heads' (position 5) must be int, not str",
  ],
  'MultiheadAttention embed_dim': [() => new torch.nn.MultiheadAttention(bad('6'), 2), "MultiheadAttention(): argument 'embed_dim' (position 1) must be int, not str"],
  'MultiheadAttention options': [() => new torch.nn.MultiheadAttention(6, 2, bad('a')), 'MultiheadAttention(): expected an options object for the keyword arguments, but got str'],
  'MultiheadAttention batch_first': [() => new torch.nn.MultiheadAttention(6, 2, { batchFirst: bad(1) }), "MultiheadAttention(): argument 'batch_first' must be bool, not int"],
  'MultiheadAttention query': [() => new torch.nn.MultiheadAttention(3, 1).forward(bad('a'), x(), x()), "MultiheadAttention.forward(): argument 'query' (position 1) must be Tensor, not str"],
};

testMessages("nn.functional's argument errors", { PyTorch: PYTORCH, tstorch: OURS });

test('null options are Python None: the defaults', () => {
  const input = torch.tensor([[0.5, -1], [2, 0.25]]);
  const other = torch.tensor([[1, 0], [0.5, 0.5]]);
  assert.deepEqual(F.mseLoss(input, other, bad(null)).tolist(), F.mseLoss(input, other).tolist());
  assert.deepEqual(F.layerNorm(input, 2, bad(null)).tolist(), F.layerNorm(input, [2]).tolist());
  assert.deepEqual(F.gelu(input, bad(null)).tolist(), F.gelu(input).tolist());
  assert.deepEqual(F.dropout(input, 0.5, { training: false }).tolist(), input.tolist());
});
