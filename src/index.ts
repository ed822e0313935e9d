// The torch namespace: `import * as torch from 'tstorch'`.
// The op modules are imported for their side effects too: each adds its methods to Tensor.
export { Tensor, isTensor, type NestedList } from './tensor/tensor.js';
export {
  DType, bool, uint8, int8, int16, int32, int64, float32, float64, float, double, long, int, short,
  getDefaultDtype, setDefaultDtype, promoteTypes,
} from './tensor/dtype.js';
export {
  tensor, asTensor, fromTypedArray, zeros, ones, full, empty, zerosLike, onesLike, fullLike, emptyLike,
  arange, linspace, logspace, eye, type TensorOptions, type Scalar,
} from './tensor/factory.js';
export { setPrintoptions, getPrintoptions, type PrintOptions } from './tensor/print.js';
export { catchWarnings } from './tensor/warnings.js';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode, isInferenceModeEnabled } from './autograd/grad-mode.js';
export * as autograd from './autograd/index.js';

import './ops/view.js';
import './ops/sum-mean-prod.js';
import './ops/statistics.js';
import './ops/all-any.js';
import './ops/inplace.js';
export {
  exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh,
  asinh, acosh, atanh, erf, sigmoid, reciprocal, relu, neg, negative, abs, sign, sgn, signbit, floor, ceil, trunc, fix,
  frac, square, isnan, isinf, isposinf, isneginf, isfinite, logicalNot, bitwiseNot, round, nanToNum,
} from './ops/pointwise.js';
export { add, sub, rsub, mul, pow, atan2, maximum, minimum, fmax, fmin } from './ops/arithmetic.js';
export { div, floorDivide, remainder, fmod, type RoundingMode } from './ops/division.js';
export {
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, bitwiseAnd, bitwiseOr, bitwiseXor, isclose, allclose, equal,
} from './ops/comparison.js';
export { where, lerp, clamp } from './ops/ternary.js';
export { cat, stack } from './ops/join.js';
export { resultTypeOf as resultType } from './ops/elementwise.js';
export { clamp as clip, clampMin, clampMax } from './ops/ternary.js';
export { trueDivide, div as divide } from './ops/division.js';
export { sub as subtract, mul as multiply } from './ops/arithmetic.js';
export {
  rand, randn, randint, randperm, randLike, randnLike, randintLike, normal, bernoulli, multinomial,
  Generator, manualSeed, seed, initialSeed, getRngState, setRngState, type RandomOptions,
} from './ops/random.js';
export { mm, bmm, mv, dot, vdot, outer, addmm, addmv, baddbmm, type ScaleOptions } from './ops/linalg.js';
export { matmul } from './ops/matmul.js';
export { einsum } from './ops/einsum.js';
export * as linalg from './ops/linalg-namespace.js';
export { type Dims, type ReduceOptions } from './ops/reduce.js';
export { sum, mean, prod } from './ops/sum-mean-prod.js';
export { variance as var, std, logsumexp, norm, type VarOptions, type NormOrder } from './ops/statistics.js';
export { all, any } from './ops/all-any.js';
export { max, min, amax, amin, argmax, argmin, median, sort, argsort, topk, quantile, ValuesIndices, type SortOptions, type TopkOptions, type QuantileOptions, type QuantileInterpolation } from './ops/selection.js';
export { cumsum, cumprod } from './ops/scans.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { reshape, flatten, unflatten, squeeze, unsqueeze, broadcastTo, atleast1d, atleast2d, atleast3d } from './ops/view.js';
export { permute, transpose, swapaxes, swapdims, t, movedim, moveaxis } from './ops/permute.js';
export { select, narrow, diagonal, asStrided } from './ops/slicing.js';
export { clone, type MemoryFormat } from './ops/clone.js';
export { split, chunk, unbind, hstack, vstack, dstack, rowStack } from './ops/join.js';
export { slice, indexPut, Slice, type IndexItem, type IndexList } from './ops/indexing.js';
export { gather, scatter, scatterAdd, take, put, type ScatterReduce } from './ops/scatter.js';
export { indexSelect, indexAdd, indexCopy, indexFill } from './ops/index-slices.js';
export { maskedFill, maskedSelect, maskedScatter } from './ops/masked.js';
export { nonzero, argwhere, flip, fliplr, flipud, roll, tile, tril, triu, type PadMode } from './ops/shape.js';
export { isAnomalyEnabled, isAnomalyCheckNanEnabled } from './autograd/anomaly.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d } from './nn/functional.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as utils from './utils/index.js';
export { save, load } from './io/save-load.js';
export * as io from './io/index.js';
export * as backends from './backends/index.js';
export { setNumThreads, getNumThreads } from './backends/registry.js';
import './backends/native/loader.js'; // registers the native addon backend (Node, when built at install)
import './backends/wasm/loader.js'; // registers the WebAssembly SIMD backend (Node and browsers)
