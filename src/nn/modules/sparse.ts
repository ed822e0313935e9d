// Embedding: a lookup table of vectors.
import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { empty } from '../../tensor/factory.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Module, pyFloatRepr } from '../module.js';
import { Parameter } from '../parameter.js';
import { boolOption, dtypeOption, floatArg, intArg, optionalTensorArg, optionsArg } from '../../tensor/args.js';
import { normal_ } from '../init.js';
import { checkTensor } from '../../ops/elementwise.js';
import { embedding, resolvePaddingIdx, type EmbeddingOptions } from '../functional-core.js';

export interface EmbeddingModuleOptions extends EmbeddingOptions {
  dtype?: DType;
  /** An initial weight (num, dim), used as is (PyTorch's `_weight`). */
  weight?: Tensor;
  /** Whether a given weight is frozen (PyTorch's `_freeze`). */
  freeze?: boolean;
}

/** Rows of a (num, dim) weight ~ N(0, 1), with the padding row zeroed, as PyTorch. */
export class Embedding extends Module {
  declare weight: Parameter;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;

  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingModuleOptions | null) {
    super();
    const fn = 'Embedding';
    intArg(numEmbeddings, fn, 'num_embeddings', 1);
    intArg(embeddingDim, fn, 'embedding_dim', 2);
    const o = optionsArg(options, fn);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = resolvePaddingIdx(o.paddingIdx, numEmbeddings);
    this.maxNorm = o.maxNorm === undefined || o.maxNorm === null ? null : floatArg(o.maxNorm, fn, 'max_norm');
    this.normType = floatArg(o.normType ?? 2, fn, 'norm_type');
    this.scaleGradByFreq = boolOption(o.scaleGradByFreq, fn, 'scale_grad_by_freq') ?? false;
    this.sparse = boolOption(o.sparse, fn, 'sparse') ?? false;
    const requiresGrad = !(boolOption(o.freeze, fn, 'freeze') ?? false);
    const weight = optionalTensorArg(o.weight, fn, 'weight');
    if (weight === null) {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: dtypeOption(o.dtype, fn) }), requiresGrad);
      this.resetParameters();
    } else {
      const shape = weight.shape;
      if (shape.length !== 2 || shape[0] !== numEmbeddings || shape[1] !== embeddingDim) {
        throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
      }
      this.weight = new Parameter(weight, requiresGrad);
    }
  }

  /** `Embedding.from_pretrained`: wraps `embeddings` (frozen unless freeze is false). */
  static fromPretrained(embeddings: Tensor, options: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    // PyTorch: "'str' object has no attribute 'dim'".
    checkTensor(embeddings, 'from_pretrained', 'embeddings', 1);
    const o = optionsArg(options, 'from_pretrained');
    if (embeddings.dim() !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape;
    // Only from_pretrained's own options (a spread would read any key, an option it does not take too).
    const { paddingIdx, maxNorm, normType, scaleGradByFreq, sparse } = o;
    const freeze = boolOption(o.freeze, 'from_pretrained', 'freeze') ?? true;
    return new Embedding(rows, cols, { paddingIdx, maxNorm, normType, scaleGradByFreq, sparse, weight: embeddings, freeze });
  }

  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.paddingIdx;
      noGrad(() => this.weight.select(0, row).fill_(0));
    }
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      sparse: this.sparse,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloatRepr(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloatRepr(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}
