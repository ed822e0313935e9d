// torch.nn.functional: the functional forms that exist so far (the nn issue adds layers, losses and
// the rest). Each is the op defined in src/ops, exported under PyTorch's F.* name.
export { pad, type PadMode } from '../ops/shape.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { relu, sigmoid, tanh } from '../ops/pointwise.js';
export { linear, bilinear, embedding, dropout, dropout1d, dropout2d, dropout3d, type EmbeddingOptions, type DropoutOptions } from './functional-core.js';
export { leakyRelu, elu, selu, celu, gelu, silu, mish, softplus, logsigmoid, hardtanh, relu6, type GeluApproximate } from '../ops/activation.js';
export { mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, nllLoss, crossEntropy, klDiv, cosineEmbeddingLoss, type Reduction, type KlReduction, type LossOptions, type BceOptions, type BceWithLogitsOptions, type NllOptions, type CrossEntropyOptions } from '../ops/loss.js';
export { batchNorm, layerNorm, groupNorm, type BatchNormOptions, type AffineOptions } from '../ops/normalization.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvOptions, type ConvTransposeOptions } from '../ops/conv.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, type MaxPoolOptions, type AvgPool1dOptions, type AvgPool2dOptions, type AdaptiveSize } from '../ops/pooling.js';
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from '../ops/attention.js';
export { multiHeadAttentionForward, type MultiheadAttentionForwardOptions } from './modules/attention.js';
