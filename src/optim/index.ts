// torch.optim
export { Optimizer, pytorchName, type Params, type ParamGroup, type ParamGroupSpec, type ParamState, type OptimizerStateDict, type Closure } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export * as lrScheduler from './lr-scheduler.js';
