// The functional forms of the core layers: linear, bilinear, embedding and the dropouts.
import { Tensor } from '../tensor/tensor.js';
import { boolOption, floatArg, intArg, optionalTensorArg, optionsArg } from '../tensor/args.js';
import { float64, int32, int64 } from '../tensor/dtype.js';
import { empty, zeros } from '../tensor/factory.js';
import { contiguousStrides } from '../tensor/layout.js';
import { warn } from '../tensor/warnings.js';
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { addmm } from '../ops/linalg.js';
import { checkTensor } from '../ops/elementwise.js';
import { pyFloatRepr } from '../tensor/print.js';

/**
 * `y = x Wᵀ + b`, taking PyTorch's paths (which decide the grad_fn): addmm for 2-D inputs with a
 * bias, addmm on the flattened input for contiguous inputs of more dimensions, else matmul then add.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(input, 'linear', 'input', 1);
  checkTensor(weight, 'linear', 'weight', 2);
  const b = optionalTensorArg(bias, 'linear', 'bias', 3);
  if (input.dim() === 0 || weight.dim() === 0) {
    throw new Error(`both arguments to linear need to be at least 1D, but they are ${input.dim()}D and ${weight.dim()}D`);
  }
  if (b !== null && input.dim() === 2) return addmm(b, input, weight.t());
  if (b !== null && input.dim() >= 3 && input.isContiguous() && b.dim() === 1) {
    const lead = input.shape.slice(0, -1);
    const out = addmm(b, input.view(-1, input.shape[input.dim() - 1]), weight.t());
    return out.view([...lead, out.shape[1]]);
  }
  const out = input.matmul(weight.t());
  return b === null ? out : out.add(b);
}

/** `y = x1ᵀ A x2 + b` over the last dimension, for any number of leading (batch) dimensions. */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(input1, 'bilinear', 'input1', 1);
  checkTensor(input2, 'bilinear', 'input2', 2);
  checkTensor(weight, 'bilinear', 'weight', 3);
  const b = optionalTensorArg(bias, 'bilinear', 'bias', 4);
  const d1 = input1.dim();
  if (d1 !== input2.dim()) throw new Error(`bilinear(): input dimensions do not match: got ${d1} and ${input2.dim()}`);
  for (let i = 0; i < d1 - 1; i++) {
    if (input1.shape[i] !== input2.shape[i]) {
      throw new Error(`bilinear(): input batch dimensions do not match at dim ${i}: got ${input1.shape[i]} and ${input2.shape[i]}`);
    }
  }
  const [out, in1, in2] = weight.shape;
  if (input1.shape[d1 - 1] !== in1) throw new Error(`bilinear(): input1 size does not match weight size: got ${input1.shape[d1 - 1]} but expected ${in1}`);
  if (input2.shape[d1 - 1] !== in2) throw new Error(`bilinear(): input2 size does not match weight size: got ${input2.shape[d1 - 1]} but expected ${in2}`);
  if (b !== null && b.shape[0] !== out) throw new Error(`bilinear(): bias size does not match weight size: got ${b.shape[0]} but expected ${out}`);
  const x1 = input1.reshape(-1, in1);
  const x2 = input2.reshape(-1, in2);
  const n = x1.shape[0];
  // (x1 · A[o]) for every o at once, then the dot product with x2.
  const left = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out * in2)).view(n, out, in2);
  const y = left.mul(x2.unsqueeze(1)).sum(-1).reshape([...input1.shape.slice(0, -1), out]);
  return b === null ? y : y.add(b);
}

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
}

/** Resolves a negative padding index, with PyTorch's range check. */
export function resolvePaddingIdx(paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  intArg(paddingIdx, 'embedding', 'padding_idx', 3);
  if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) throw new Error('Padding_idx must be within num_embeddings');
  return paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
}

/** Rescales, in place and untracked, the rows of `weight` that `indices` selects to norms of at most maxNorm. */
function embeddingRenorm_(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  noGrad(() => {
    const rows = [...new Set(indices.toFloat64Array())];
    for (const r of rows) {
      const row = weight.select(0, r);
      const norm = row.norm(normType).item();
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}

/** Rows of `weight` selected by integer `input`; `paddingIdx` rows get no gradient. */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  checkTensor(weight, 'embedding', 'weight', 1);
  checkTensor(input, 'embedding', 'indices', 2);
  const o = optionsArg(options, 'embedding');
  if (boolOption(o.sparse, 'embedding', 'sparse', 5)) throw new Error('embedding(): sparse gradients are not supported by tstorch');
  const padding = resolvePaddingIdx(o.paddingIdx, weight.shape[0]) ?? -1;
  if (weight.dim() !== 2) throw new Error("'weight' must be 2-D");
  if (input.dtype !== int64 && input.dtype !== int32) {
    throw new Error(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${input.dtype.legacyName} instead (while checking arguments for embedding)`,
    );
  }
  if (o.maxNorm !== null && o.maxNorm !== undefined) {
    embeddingRenorm_(weight, input, floatArg(o.maxNorm, 'embedding_renorm_', 'max_norm', 3), floatArg(o.normType ?? 2, 'embedding_renorm_', 'norm_type', 4));
  }
  const flat = input.reshape(-1);
  const selected = weight.detach().indexSelect(0, flat);
  const shape = [...input.shape, weight.shape[1]];
  const out = selected.aliasWithLayout(shape, contiguousStrides(shape), 0);
  const numWeights = weight.shape[0];
  const scaleByFreq = boolOption(o.scaleGradByFreq, 'embedding', 'scale_grad_by_freq', 4) ?? false;
  record({
    name: 'EmbeddingBackward0',
    inputs: [weight],
    outputs: [out],
    save: [flat],
    backward: ([g], [idx]) => [embeddingDenseBackward(g as Tensor, idx, numWeights, padding, scaleByFreq)],
  });
  return out;
}

/** PyTorch's embedding_dense_backward, as differentiable ops (so double backward works). */
function embeddingDenseBackward(grad: Tensor, indices: Tensor, numWeights: number, paddingIdx: number, scaleGradByFreq: boolean): Tensor {
  const dim = grad.shape[grad.dim() - 1];
  let rows = grad.reshape(-1, dim);
  const idx = indices.toFloat64Array();
  if (paddingIdx >= 0 || scaleGradByFreq) {
    const counts = new Map<number, number>();
    for (const v of idx) counts.set(v, (counts.get(v) ?? 0) + 1);
    const scale = Array.from(idx, (v) => (v === paddingIdx ? 0 : scaleGradByFreq ? 1 / (counts.get(v) as number) : 1));
    rows = rows.mul(Tensor.fromData(new Float64Array(scale), [idx.length, 1], float64).to(grad.dtype));
  }
  return zeros([numWeights, dim], { dtype: grad.dtype }).indexAdd(0, indices, rows);
}

/**
 * PyTorch's check of a dropout probability (functions and layers); NaN is rejected too. `position` is
 * p's place in the call that names it (2 in the functions, after the input; 1 in a layer's constructor).
 */
export function checkDropoutP(p: unknown, fn = 'dropout', position = 2): number {
  const value = floatArg(p, fn, 'p', position);
  if (!(value >= 0 && value <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${pyFloatRepr(value)}`);
  return value;
}

/**
 * PyTorch's _dropout_impl: multiplies by a Bernoulli(1 - p) mask scaled by 1/(1 - p), drawn for every
 * element, or (feature dropout) per sample and channel.
 */
function dropoutImpl(input: Tensor, p: number, training: boolean, inplace: boolean, feature: boolean): Tensor {
  if (p === 0 || !training || input.numel() === 0) return input;
  if (p === 1) {
    const zero = zeros([], { dtype: input.dtype });
    return inplace ? input.mul_(zero) : input.mul(zero);
  }
  if (feature && input.dim() < 2) throw new Error('Feature dropout requires at least 2 dimensions in the input');
  const noiseShape = feature ? input.shape.map((s, i) => (i < 2 ? s : 1)) : input.shape;
  const noise = empty(noiseShape, { dtype: input.dtype });
  noise.bernoulli_(1 - p);
  noise.div_(1 - p);
  return inplace ? input.mul_(noise) : input.mul(noise);
}

export interface DropoutOptions {
  training?: boolean;
  inplace?: boolean;
}

interface DropoutArgs {
  p: number;
  training: boolean;
  inplace: boolean;
}

/** The arguments of the dropout functions, checked (`training` is `train` in PyTorch's messages, as ATen names it). */
function dropoutArgs(fn: string, input: Tensor, p: unknown, options: DropoutOptions | null): DropoutArgs {
  checkTensor(input, fn);
  const o = optionsArg(options, fn);
  return { p: checkDropoutP(p, fn), training: boolOption(o.training, fn, 'train', 3) ?? true, inplace: boolOption(o.inplace, fn, 'inplace') ?? false };
}

/** Zeroes each element with probability p (when training) and scales the rest by 1/(1 - p). */
export function dropout(input: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  const args = dropoutArgs('dropout', input, p, options);
  return dropoutImpl(input, args.p, args.training, args.inplace, false);
}

/** Channel-wise dropout of (N, C, L) or (C, L) inputs. */
export function dropout1d(input: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  const args = dropoutArgs('dropout1d', input, p, options);
  const dim = input.dim();
  if (dim !== 2 && dim !== 3) {
    throw new Error(
      `dropout1d: Expected 2D or 3D input, but received a ${dim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
    );
  }
  return batchedFeatureDropout(input, args, dim === 3);
}

/**
 * Channel-wise dropout of (N, C, H, W) inputs. As PyTorch, a 3-D input is taken as (N, C, L), with a
 * warning.
 */
export function dropout2d(input: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  const args = dropoutArgs('dropout2d', input, p, options);
  const dim = input.dim();
  if (dim !== 3 && dim !== 4) {
    warn(
      `dropout2d: Received a ${dim}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).`,
    );
  }
  if (dim === 3) {
    warn(
      'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.',
    );
  }
  return dropoutImpl(input, args.p, args.training, args.inplace, true);
}

/** Channel-wise dropout of (N, C, D, H, W) or (C, D, H, W) inputs. */
export function dropout3d(input: Tensor, p = 0.5, options: DropoutOptions = {}): Tensor {
  const args = dropoutArgs('dropout3d', input, p, options);
  const dim = input.dim();
  if (dim !== 4 && dim !== 5) {
    warn(
      `dropout3d: Received a ${dim}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).`,
    );
  }
  return batchedFeatureDropout(input, args, dim === 5);
}

/** Feature dropout of an input whose batch dimension may be missing (added, then removed). */
function batchedFeatureDropout(input: Tensor, { p, training, inplace }: DropoutArgs, isBatched: boolean): Tensor {
  if (isBatched) return dropoutImpl(input, p, training, inplace, true);
  if (inplace) {
    // The mask is drawn per channel of the batched view; writing through the view updates input.
    dropoutImpl(input.unsqueeze(0), p, training, true, true);
    return input;
  }
  return dropoutImpl(input.unsqueeze(0), p, training, false, true).squeeze(0);
}
