// torch.nn
export * as functional from './functional.js';
export { Module, IncompatibleKeys, type ForwardHook, type ForwardPreHook, type StateDict, type StateDictOptions } from './module.js';
export { Parameter } from './parameter.js';
