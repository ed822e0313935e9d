// torch.backends: which kernel backends this process has and which one runs.
export { available, current, describe, use } from './registry.js';
export type { BackendName } from './backend.js';
