// torch.autograd
import type { Tensor } from '../tensor/tensor.js';
import { runBackward, type BackwardOptions } from './engine.js';

export { grad, type BackwardOptions, type GradOptions } from './engine.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled, isAnomalyCheckNanEnabled } from './anomaly.js';
export { Node, AccumulateGrad, RemovableHandle } from './node.js';
export { Function, FunctionCtx, type FunctionClass } from './function.js';
export * as function from './function.js';
export * as functional from './functional.js';
export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions, type GradgradcheckOptions } from './gradcheck.js';

/** `torch.autograd.backward(tensors, gradTensors?, options?)`. */
export function backward(
  tensors: Tensor | Tensor[],
  gradTensors: Tensor | (Tensor | null)[] | null = null,
  options: BackwardOptions = {},
): void {
  const list = Array.isArray(tensors) ? tensors : [tensors];
  const grads = gradTensors === null ? list.map(() => null) : Array.isArray(gradTensors) ? gradTensors : [gradTensors];
  runBackward(list, grads, options);
}
