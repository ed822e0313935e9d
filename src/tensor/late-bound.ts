// Functions the tensor core calls but that live in higher layers (the autograd engine, the view ops).
// Those layers register them when they load; this keeps src/tensor free of import cycles, since the
// op modules add methods to Tensor while they load and so must load after it.
import type { Tensor } from './tensor.js';
import type { Node } from '../autograd/node.js';
import type { BackwardOptions } from '../autograd/engine.js';

export interface LateBound {
  runBackward(tensors: Tensor[], grads: readonly unknown[], options: BackwardOptions | undefined): void;
  /** The AsStridedBackward0 node of a view whose base changed in place. */
  regenerateViewGradFn(view: Tensor, base: Tensor): Node;
}

function notLoaded(): never {
  throw new Error('tstorch was not fully loaded: import it from its package entry point');
}

export const lateBound: LateBound = {
  runBackward: notLoaded,
  regenerateViewGradFn: notLoaded,
};
