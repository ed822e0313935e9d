// torch.nn
export * as functional from './functional.js';
export { Module, IncompatibleKeys, type ForwardHook, type ForwardPreHook, type StateDict, type StateDictOptions } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, Bilinear, Identity, Flatten, Unflatten, type LinearOptions } from './modules/linear.js';
export { Embedding, type EmbeddingModuleOptions } from './modules/sparse.js';
export { Dropout, Dropout1d, Dropout2d, Dropout3d } from './modules/dropout.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './modules/container.js';
export * as init from './init.js';
export * as utils from './utils.js';
export { ReLU, LeakyReLU, ELU, CELU, SELU, GELU, SiLU, Mish, Softplus, Hardtanh, ReLU6, Tanh, Sigmoid, LogSigmoid, Softmax, LogSoftmax } from './modules/activation.js';
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, CosineEmbeddingLoss, type LossModuleOptions, type WeightedLossOptions } from './modules/loss.js';
export { BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, type BatchNormModuleOptions, type LayerNormOptions, type GroupNormOptions } from './modules/normalization.js';
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvModuleOptions, type ConvTransposeModuleOptions, type PaddingMode } from './modules/conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, type MaxPoolModuleOptions, type MaxPoolResult } from './modules/pooling.js';
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, type RNNNonlinearity, type RNNBaseOptions, type RNNOptions, type LSTMOptions, type CellOptions, type RNNCellOptions } from './modules/rnn.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionCallOptions } from './modules/attention.js';
