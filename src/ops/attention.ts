// F.scaled_dot_product_attention: PyTorch 2.x's math backend (_scaled_dot_product_attention_math),
// composed of differentiable ops so that gradients and double backward follow. PyTorch may run a fused
// kernel on CPU instead; the values are the same, the grad_fn of the output is the math backend's.
import { Tensor } from '../tensor/tensor.js';
import { boolOption, floatArg, optionalTensorArg, optionsArg } from '../tensor/args.js';
import { bool, float32 } from '../tensor/dtype.js';
import { emptyTensor, ones, scalarTensor } from '../tensor/factory.js';
import { where } from './ternary.js';
import { checkTensor } from './elementwise.js';
import { softmax } from './softmax.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to (..., L, S): a bool mask (true takes part in attention) or a float mask added to
   * the scores (of query's dtype or float32).
   */
  attnMask?: Tensor | null;
  /** Probability of zeroing an attention weight (always applied when > 0, as PyTorch's function does). */
  dropoutP?: number;
  /** Each query position attends to the key positions up to its own (lower-triangular mask). */
  isCausal?: boolean;
  /** The factor of the scores; 1/√E by default. */
  scale?: number | null;
}

function validateInputs(query: Tensor, key: Tensor, value: Tensor, attnMask: Tensor | null): void {
  if (query.dtype !== key.dtype || query.dtype !== value.dtype) {
    throw new Error(
      `Expected query, key, and value to have the same dtype, but got query.dtype: ${query.dtype.cppName} key.dtype: ${key.dtype.cppName} and value.dtype: ${value.dtype.cppName} instead.`,
    );
  }
  if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2) {
    throw new Error(
      `Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: ${query.dim()} key.dim: ${key.dim()} and value.dim: ${value.dim()} instead.`,
    );
  }
  if (attnMask !== null && attnMask.dtype !== bool && attnMask.dtype !== float32 && attnMask.dtype !== query.dtype) {
    throw new Error(
      `Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${attnMask.dtype.cppName} and  query.dtype: ${query.dtype.cppName} instead.`,
    );
  }
}

/** A bool mask (true takes part) as the additive mask PyTorch builds: 0 where true, -inf where false. */
function additiveMask(mask: Tensor, like: Tensor): Tensor {
  return where(mask.logicalNot(), -Infinity, scalarTensor(0, like.dtype));
}

/** PyTorch's _safe_softmax: rows whose scores are all -inf (fully masked) give zeros instead of NaN. */
function safeSoftmax(scores: Tensor, dim: number): Tensor {
  const out = softmax(scores, dim);
  const maskedRows = scores.eq(-Infinity).all(dim, { keepdim: true });
  return where(maskedRows, 0, out);
}

/**
 * at::dropout(x, p, train=true) as F.dropout draws it: one Bernoulli(1 - p) sample per element, scaled
 * by 1/(1 - p), then multiplied in. (nn's dropout lives above this layer, so it cannot be imported here.)
 */
function attentionDropout(x: Tensor, p: number): Tensor {
  if (p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 1) return x.mul(scalarTensor(0, x.dtype));
  const noise = emptyTensor(x.shape, x.dtype).bernoulli_(1 - p);
  noise.div_(1 - p);
  return x.mul(noise);
}

/**
 * `softmax(Q Kᵀ · scale + mask) V` over the last two dimensions, leading dimensions broadcast:
 * `F.scaledDotProductAttention(q, k, v)`, `(q, k, v, mask)`, `(q, k, v, { attnMask, dropoutP, isCausal, scale })`.
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  attnMask?: Tensor | null | ScaledDotProductAttentionOptions,
  options: ScaledDotProductAttentionOptions = {},
): Tensor {
  const fn = 'scaled_dot_product_attention';
  checkTensor(query, fn, 'query', 1);
  checkTensor(key, fn, 'key', 2);
  checkTensor(value, fn, 'value', 3);
  const positionalMask = attnMask instanceof Tensor || attnMask === null || attnMask === undefined;
  const trailing = optionsArg(options, fn);
  const o = positionalMask ? { ...trailing, attnMask: attnMask ?? trailing.attnMask } : optionsArg(attnMask, fn);
  let mask = optionalTensorArg(o.attnMask, fn, 'attn_mask', 4);
  const dropoutP = floatArg(o.dropoutP ?? 0, fn, 'dropout_p', 5);
  const isCausal = boolOption(o.isCausal, fn, 'is_causal', 6) ?? false;
  const scale = o.scale === undefined || o.scale === null ? null : floatArg(o.scale, fn, 'scale');
  validateInputs(query, key, value, mask);
  if (mask !== null && mask.dtype === bool) mask = additiveMask(mask, query);
  const negative = scale !== null && scale < 0;
  // PyTorch scales q and k by √scale each, for stability.
  const factor = Math.sqrt(scale === null ? 1 / Math.sqrt(query.shape[query.dim() - 1]) : Math.abs(scale));
  const q = query.mul(negative ? 0 - factor : factor);
  if (isCausal) {
    if (mask !== null) throw new Error('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True');
    mask = additiveMask(ones([q.shape[q.dim() - 2], key.shape[key.dim() - 2]], { dtype: bool }).tril(), query);
  }
  let attn = q.matmul(key.transpose(-2, -1).mul(factor));
  // Without a mask no row can be fully masked, so plain softmax gives _safe_softmax's values.
  attn = mask === null ? softmax(attn, -1) : safeSoftmax(attn.add(mask), -1);
  if (dropoutP > 0) attn = attentionDropout(attn, dropoutP);
  return attn.matmul(value);
}
