// torch.nn
export * as functional from './functional.js';
