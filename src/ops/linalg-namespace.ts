// The `torch.linalg` namespace: the vector norm (with the reductions) and the linear-algebra ops,
// each file adding its own exports here.
export { vectorNorm } from './statistics.js';
export { linalgMatmul as matmul } from './matmul.js';
export { vecdot } from './linalg.js';
