// MultiheadAttention and F.multiHeadAttentionForward, as PyTorch 2.x computes them: bool masks become
// additive -inf masks, the key padding mask is added to the attention mask, and without weights the
// attention runs through scaledDotProductAttention (which takes the is_causal hint).
import type { Tensor } from '../../tensor/tensor.js';
import { bool, type DType } from '../../tensor/dtype.js';
import { boolOption, dtypeOption, floatArg, intArg, optionalTensorArg, optionsArg } from '../../tensor/args.js';
import { empty, zeros, zerosLike } from '../../tensor/factory.js';
import { torchSizeStr, tupleStr } from '../../tensor/layout.js';
import { warn } from '../../tensor/warnings.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { cat } from '../../ops/join.js';
import { checkTensor } from '../../ops/elementwise.js';
import { pad } from '../../ops/shape.js';
import { scaledDotProductAttention } from '../../ops/attention.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { constant_, xavierNormal_, xavierUniform_ } from '../init.js';
import { dropout, linear } from '../functional-core.js';
import { Linear } from './linear.js';

/** The output projection's class (PyTorch's name for it, which its repr prints). */
export class NonDynamicallyQuantizableLinear extends Linear {}

export interface MultiheadAttentionForwardOptions {
  training?: boolean;
  /** (N, S) or (S): true (or -inf) marks key positions to ignore; a float mask is added. */
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  /** (L, S) or (N·heads, L, S): true (or -inf) forbids attending; a float mask is added. */
  attnMask?: Tensor | null;
  /** Whether to average the returned weights over the heads. */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask (it must be given). */
  isCausal?: boolean;
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  staticK?: Tensor | null;
  staticV?: Tensor | null;
}

/** Python's `assert condition, message` (PyTorch's AssertionError messages). */
function assert(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Error(message());
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** PyTorch's _mha_shape_check: whether the inputs are batched (3-D) or not (2-D). */
function mhaShapeCheck(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  if (query.dim() === 3) {
    assert(key.dim() === 3 && value.dim() === 3, () => `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    if (keyPaddingMask !== null) {
      assert(keyPaddingMask.dim() === 2, () => `For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${keyPaddingMask.dim()}-D tensor instead`);
    }
    if (attnMask !== null) {
      assert(attnMask.dim() === 2 || attnMask.dim() === 3, () => `For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
    }
    return true;
  }
  if (query.dim() === 2) {
    assert(key.dim() === 2 && value.dim() === 2, () => `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    if (keyPaddingMask !== null) {
      assert(keyPaddingMask.dim() === 1, () => `For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${keyPaddingMask.dim()}-D tensor instead`);
    }
    if (attnMask !== null) {
      assert(attnMask.dim() === 2 || attnMask.dim() === 3, () => `For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.dim()}-D tensor instead`);
      if (attnMask.dim() === 3) {
        const expected = [numHeads, query.shape[0], key.shape[0]];
        assert(sameShape(attnMask.shape, expected), () => `Expected \`attn_mask\` shape to be ${tupleStr(expected)} but got ${torchSizeStr(attnMask.shape)}`);
      }
    }
    return false;
  }
  throw new Error(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
}

/** PyTorch's _canonical_mask: a bool mask as an additive float mask (-inf where true) of `dtype`. */
function canonicalMask(mask: Tensor | null, maskName: string, otherType: DType | null, otherName: string, dtype: DType): Tensor | null {
  if (mask === null) return null;
  if (mask.dtype !== bool && !mask.dtype.isFloatingPoint) throw new Error(`only bool and floating types of ${maskName} are supported`);
  if (otherType !== null && mask.dtype !== otherType) {
    warn(`Support for mismatched ${maskName} and ${otherName} is deprecated. Use same type for both instead.`);
  }
  return mask.dtype === bool ? zerosLike(mask, { dtype }).maskedFill_(mask, -Infinity) : mask;
}

/** The q, k, v projections of one packed (3E, E) weight; self-attention projects once and splits. */
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): Tensor[] {
  const e = q.shape[q.dim() - 1];
  if (k === v) {
    if (q === k) return linear(q, w, b).chunk(3, -1);
    const [wQ, wKv] = w.split([e, e * 2]);
    const [bQ, bKv] = b === null ? [null, null] : b.split([e, e * 2]);
    return [linear(q, wQ, bQ), ...linear(k, wKv, bKv).chunk(2, -1)];
  }
  const [wQ, wK, wV] = w.chunk(3);
  const [bQ, bK, bV] = b === null ? [null, null, null] : b.chunk(3);
  return [linear(q, wQ, bQ), linear(k, wK, bK), linear(v, wV, bV)];
}

const MHA = 'multi_head_attention_forward';

/** The options of multiHeadAttentionForward, checked, with their defaults. */
function mhaOptions(options: MultiheadAttentionForwardOptions | null) {
  const o = optionsArg(options, MHA);
  const tensor = (name: keyof MultiheadAttentionForwardOptions, pyName: string): Tensor | null => optionalTensorArg(o[name], MHA, pyName);
  return {
    training: boolOption(o.training, MHA, 'training') ?? true,
    keyPaddingMask: tensor('keyPaddingMask', 'key_padding_mask'),
    needWeights: boolOption(o.needWeights, MHA, 'need_weights') ?? true,
    attnMask: tensor('attnMask', 'attn_mask'),
    averageAttnWeights: boolOption(o.averageAttnWeights, MHA, 'average_attn_weights') ?? true,
    isCausal: boolOption(o.isCausal, MHA, 'is_causal') ?? false,
    useSeparateProjWeight: boolOption(o.useSeparateProjWeight, MHA, 'use_separate_proj_weight') ?? false,
    qProjWeight: tensor('qProjWeight', 'q_proj_weight'),
    kProjWeight: tensor('kProjWeight', 'k_proj_weight'),
    vProjWeight: tensor('vProjWeight', 'v_proj_weight'),
    staticK: tensor('staticK', 'static_k'),
    staticV: tensor('staticV', 'static_v'),
  };
}

/** Batch-first heads: (len, N, E) as (N·heads, len, headDim). */
function splitHeads(t: Tensor, heads: number, headDim: number): Tensor {
  return t.contiguous().view(t.shape[0], t.shape[1] * heads, headDim).transpose(0, 1);
}

/**
 * PyTorch's F.multi_head_attention_forward for (L, N, E) query and (S, N, E) key and value (or
 * unbatched (L, E), (S, E)). Returns [output, weights] where weights are (N, L, S) averaged over
 * heads, (N, heads, L, S), or null without needWeights.
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  biasK: Tensor | null,
  biasV: Tensor | null,
  addZeroAttn: boolean,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  options: MultiheadAttentionForwardOptions = {},
): [Tensor, Tensor | null] {
  checkTensor(query, MHA, 'query', 1);
  checkTensor(key, MHA, 'key', 2);
  checkTensor(value, MHA, 'value', 3);
  intArg(embedDimToCheck, MHA, 'embed_dim_to_check', 4);
  intArg(numHeads, MHA, 'num_heads', 5);
  inProjWeight = optionalTensorArg(inProjWeight, MHA, 'in_proj_weight', 6);
  inProjBias = optionalTensorArg(inProjBias, MHA, 'in_proj_bias', 7);
  biasK = optionalTensorArg(biasK, MHA, 'bias_k', 8);
  biasV = optionalTensorArg(biasV, MHA, 'bias_v', 9);
  addZeroAttn = boolOption(addZeroAttn, MHA, 'add_zero_attn', 10) ?? false;
  dropoutP = floatArg(dropoutP, MHA, 'dropout_p', 11);
  checkTensor(outProjWeight, MHA, 'out_proj_weight', 12);
  outProjBias = optionalTensorArg(outProjBias, MHA, 'out_proj_bias', 13);
  const o = mhaOptions(options);
  const needWeights = o.needWeights;
  let isCausal = o.isCausal;
  let keyPaddingMask = o.keyPaddingMask;
  let attnMask = o.attnMask;
  const isBatched = mhaShapeCheck(query, key, value, keyPaddingMask, attnMask, numHeads);
  if (!isBatched) {
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = query.shape;
  const srcLen0 = key.shape[0];
  keyPaddingMask = canonicalMask(keyPaddingMask, 'key_padding_mask', attnMask?.dtype ?? null, 'attn_mask', query.dtype);
  if (isCausal && attnMask === null) {
    throw new Error('Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.');
  }
  if (isCausal && keyPaddingMask === null && !needWeights) {
    // scaledDotProductAttention builds the causal mask itself.
    attnMask = null;
  } else {
    attnMask = canonicalMask(attnMask, 'attn_mask', null, '', query.dtype);
    if (keyPaddingMask !== null) isCausal = false;
  }
  assert(embedDim === embedDimToCheck, () => `was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / numHeads);
  assert(headDim * numHeads === embedDim, () => `embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  let q: Tensor;
  let k: Tensor;
  let v: Tensor;
  if (o.useSeparateProjWeight) {
    const [keyDims, valueDims] = [key.shape.slice(0, 2), value.shape.slice(0, 2)];
    assert(sameShape(keyDims, valueDims), () => `key's sequence and batch dims ${torchSizeStr(keyDims)} do not match value's ${torchSizeStr(valueDims)}`);
    const [wQ, wK, wV] = [o.qProjWeight, o.kProjWeight, o.vProjWeight];
    assert(wQ !== null, () => 'use_separate_proj_weight is True but q_proj_weight is None');
    assert(wK !== null, () => 'use_separate_proj_weight is True but k_proj_weight is None');
    assert(wV !== null, () => 'use_separate_proj_weight is True but v_proj_weight is None');
    const [bQ, bK, bV] = inProjBias === null ? [null, null, null] : inProjBias.chunk(3);
    [q, k, v] = [linear(query, wQ, bQ), linear(key, wK, bK), linear(value, wV, bV)];
  } else {
    assert(sameShape(key.shape, value.shape), () => `key shape ${torchSizeStr(key.shape)} does not match value shape ${torchSizeStr(value.shape)}`);
    assert(inProjWeight !== null, () => 'use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = inProjectionPacked(query, key, value, inProjWeight, inProjBias);
  }
  if (attnMask !== null) {
    if (attnMask.dim() === 2) {
      const expected = [tgtLen, srcLen0];
      if (!sameShape(attnMask.shape, expected)) {
        throw new Error(`The shape of the 2D attn_mask is ${torchSizeStr(attnMask.shape)}, but should be ${tupleStr(expected)}.`);
      }
      attnMask = attnMask.unsqueeze(0);
    } else if (attnMask.dim() === 3) {
      const expected = [bsz * numHeads, tgtLen, srcLen0];
      if (!sameShape(attnMask.shape, expected)) {
        throw new Error(`The shape of the 3D attn_mask is ${torchSizeStr(attnMask.shape)}, but should be ${tupleStr(expected)}.`);
      }
    } else {
      throw new Error(`attn_mask's dimension ${attnMask.dim()} is not supported`);
    }
  }
  if (biasK !== null && biasV !== null) {
    assert(o.staticK === null, () => 'bias cannot be added to static key.');
    assert(o.staticV === null, () => 'bias cannot be added to static value.');
    k = cat([k, biasK.repeat(1, bsz, 1)]);
    v = cat([v, biasV.repeat(1, bsz, 1)]);
    if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  } else {
    assert(biasK === null && biasV === null, () => '');
  }
  q = splitHeads(q, numHeads, headDim);
  k = withStatic(o.staticK, 'static_k', bsz * numHeads, headDim) ?? splitHeads(k, numHeads, headDim);
  v = withStatic(o.staticV, 'static_v', bsz * numHeads, headDim) ?? splitHeads(v, numHeads, headDim);
  if (addZeroAttn) {
    const zeroAttn = [bsz * numHeads, 1, headDim];
    k = cat([k, zeros(zeroAttn, { dtype: k.dtype })], 1);
    v = cat([v, zeros(zeroAttn, { dtype: v.dtype })], 1);
    if (attnMask !== null) attnMask = pad(attnMask, [0, 1]);
    if (keyPaddingMask !== null) keyPaddingMask = pad(keyPaddingMask, [0, 1]);
  }
  const srcLen = k.shape[1];
  if (keyPaddingMask !== null) {
    const kpm = keyPaddingMask;
    const expected = [bsz, srcLen];
    assert(sameShape(kpm.shape, expected), () => `expecting key_padding_mask shape of ${tupleStr(expected)}, but got ${torchSizeStr(kpm.shape)}`);
    const merged = kpm.view(bsz, 1, 1, srcLen).expand(-1, numHeads, -1, -1).reshape(bsz * numHeads, 1, srcLen);
    attnMask = attnMask === null ? merged : attnMask.add(merged);
  }
  const p = o.training ? dropoutP : 0;
  if (needWeights) {
    const qScaled = q.mul(Math.sqrt(1 / headDim));
    let weights = attnMask === null ? qScaled.bmm(k.transpose(-2, -1)) : attnMask.baddbmm(qScaled, k.transpose(-2, -1));
    weights = weights.softmax(-1);
    if (p > 0) weights = dropout(weights, p);
    const attn = weights.bmm(v).transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
    const out = linear(attn, outProjWeight, outProjBias).view(tgtLen, bsz, -1);
    let w = weights.view(bsz, numHeads, tgtLen, srcLen);
    if (o.averageAttnWeights) w = w.mean(1);
    return isBatched ? [out, w] : [out.squeeze(1), w.squeeze(0)];
  }
  if (attnMask !== null) {
    attnMask = attnMask.shape[0] === 1 && attnMask.dim() === 3 ? attnMask.unsqueeze(0) : attnMask.view(bsz, numHeads, -1, srcLen);
  }
  const attn = scaledDotProductAttention(
    q.view(bsz, numHeads, tgtLen, headDim),
    k.view(bsz, numHeads, srcLen, headDim),
    v.view(bsz, numHeads, srcLen, headDim),
    { attnMask, dropoutP: p, isCausal },
  );
  const flat = attn.permute(2, 0, 1, 3).contiguous().view(bsz * tgtLen, embedDim);
  const out = linear(flat, outProjWeight, outProjBias).view(tgtLen, bsz, -1);
  return [isBatched ? out : out.squeeze(1), null];
}

/** A static key or value (N·heads, S, headDim) in place of the projected one, with PyTorch's checks. */
function withStatic(t: Tensor | null, name: string, batchHeads: number, headDim: number): Tensor | null {
  if (t === null) return null;
  assert(t.shape[0] === batchHeads, () => `expecting ${name}.size(0) of ${batchHeads}, but got ${t.shape[0]}`);
  assert(t.shape[2] === headDim, () => `expecting ${name}.size(2) of ${headDim}, but got ${t.shape[2]}`);
  return t;
}

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  /** Learn a bias key and value appended to the sequences. */
  addBiasKv?: boolean;
  /** Append a zero key and value to the sequences. */
  addZeroAttn?: boolean;
  /** Features of the keys (default embedDim); a kdim or vdim other than embedDim gives separate projections. */
  kdim?: number | null;
  vdim?: number | null;
  /** Inputs and output are (N, L, E) instead of (L, N, E). */
  batchFirst?: boolean;
  dtype?: DType;
}

export interface MultiheadAttentionCallOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
}

/**
 * Multi-head attention (`new MultiheadAttention(embedDim, numHeads, { batchFirst, kdim, vdim, ... })`).
 * `call(query, key, value, { keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal })`
 * returns [output, weights or null]. Parameters keep PyTorch's names (in_proj_weight, in_proj_bias,
 * q/k/v_proj_weight, bias_k, bias_v, out_proj.weight, out_proj.bias).
 */
export class MultiheadAttention extends Module {
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  private readonly qkvSameEmbedDim: boolean;

  /** `(embedDim, numHeads)`, `(embedDim, numHeads, dropout)` or `(embedDim, numHeads, options)`. */
  constructor(embedDim: number, numHeads: number, options?: number | MultiheadAttentionOptions) {
    super();
    const fn = 'MultiheadAttention';
    const o = optionsArg(typeof options === 'number' ? { dropout: options } : options, fn);
    intArg(embedDim, fn, 'embed_dim', 1);
    intArg(numHeads, fn, 'num_heads', 2);
    if (embedDim <= 0 || numHeads <= 0) {
      throw new Error(`embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    }
    this.embedDim = embedDim;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    intArg(this.kdim, fn, 'kdim');
    intArg(this.vdim, fn, 'vdim');
    this.qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = floatArg(o.dropout ?? 0, fn, 'dropout', 3);
    this.batchFirst = boolOption(o.batchFirst, fn, 'batch_first') ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new Error('embed_dim must be divisible by num_heads');
    const dtype = dtypeOption(o.dtype, fn);
    if (this.qkvSameEmbedDim) {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], { dtype }));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    } else {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], { dtype }));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], { dtype }));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], { dtype }));
      this.registerParameter('in_proj_weight', null);
    }
    const bias = boolOption(o.bias, fn, 'bias') ?? true;
    if (bias) this.in_proj_bias = new Parameter(empty([3 * embedDim], { dtype }));
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, dtype });
    if (boolOption(o.addBiasKv, fn, 'add_bias_kv')) {
      this.bias_k = new Parameter(empty([1, 1, embedDim], { dtype }));
      this.bias_v = new Parameter(empty([1, 1, embedDim], { dtype }));
    } else {
      // Plain attributes, as PyTorch's `self.bias_k = self.bias_v = None`.
      this.bias_k = null;
      this.bias_v = null;
    }
    this.addZeroAttn = boolOption(o.addZeroAttn, fn, 'add_zero_attn') ?? false;
    this.resetParameters();
  }

  /** xavier_uniform_ projections, zero biases, xavier_normal_ bias_k/bias_v (out_proj's weight keeps Linear's init). */
  resetParameters(): void {
    if (this.qkvSameEmbedDim) {
      xavierUniform_(this.in_proj_weight as Parameter);
    } else {
      xavierUniform_(this.q_proj_weight as Parameter);
      xavierUniform_(this.k_proj_weight as Parameter);
      xavierUniform_(this.v_proj_weight as Parameter);
    }
    if (this.in_proj_bias !== null) {
      constant_(this.in_proj_bias, 0);
      noGrad(() => this.out_proj.bias?.zero_());
    }
    if (this.bias_k !== null) xavierNormal_(this.bias_k);
    if (this.bias_v !== null) xavierNormal_(this.bias_v);
  }

  get outProj(): NonDynamicallyQuantizableLinear {
    return this.out_proj;
  }

  /**
   * query (L, N, E), key (S, N, kdim), value (S, N, vdim) ((N, L, E) ... with batchFirst; (L, E) ...
   * unbatched). Returns [output (L, N, E), weights (N, L, S) | (N, heads, L, S) | null].
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionCallOptions = {}): [Tensor, Tensor | null] {
    const fn = 'MultiheadAttention.forward';
    checkTensor(query, fn, 'query', 1);
    checkTensor(key, fn, 'key', 2);
    checkTensor(value, fn, 'value', 3);
    options = optionsArg(options, fn);
    const isBatched = query.dim() === 3;
    const attnMaskIn = options.attnMask ?? null;
    const keyPaddingMask = canonicalMask(options.keyPaddingMask ?? null, 'key_padding_mask', attnMaskIn?.dtype ?? null, 'attn_mask', query.dtype);
    const attnMask = canonicalMask(attnMaskIn, 'attn_mask', null, '', query.dtype);
    if (this.batchFirst && isBatched) {
      // Transposing keeps which inputs are the same tensor (self-attention projects once).
      if (key === value) {
        if (query === key) {
          query = key = value = query.transpose(1, 0);
        } else {
          [query, key] = [query.transpose(1, 0), key.transpose(1, 0)];
          value = key;
        }
      } else {
        [query, key, value] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
      }
    }
    const [output, weights] = multiHeadAttentionForward(
      query, key, value, this.embedDim, this.numHeads, this.in_proj_weight, this.in_proj_bias, this.bias_k, this.bias_v,
      this.addZeroAttn, this.dropout, this.out_proj.weight, this.out_proj.bias,
      {
        training: this.training, keyPaddingMask, needWeights: options.needWeights, attnMask,
        averageAttnWeights: options.averageAttnWeights, isCausal: options.isCausal,
        useSeparateProjWeight: !this.qkvSameEmbedDim,
        qProjWeight: this.q_proj_weight,
        kProjWeight: this.k_proj_weight,
        vProjWeight: this.v_proj_weight,
      },
    );
    return [this.batchFirst && isBatched ? output.transpose(1, 0) : output, weights];
  }
}
