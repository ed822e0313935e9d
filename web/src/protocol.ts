// The messages between the page and its two workers: the playground's and the training's.
import type { RunView } from './playground.js';

/** Page -> playground worker: run a program (answered by a 'result' with the same id). */
export type PlaygroundRequest = { type: 'run'; id: number; source: string };

/** Playground worker -> page: 'ready' once the library is loaded. */
export type PlaygroundReply = { type: 'ready' } | { type: 'result'; id: number; view: RunView };

/** Page -> training worker. */
export type TrainingRequest =
  | { type: 'start' }
  | { type: 'pause' }
  /** Classify a 28x28 image: 784 values in [0, 1], row by row, white ink on black as in Fashion-MNIST. */
  | { type: 'predict'; pixels: Float32Array }
  /** Send a random test image (answered by 'picked'). */
  | { type: 'pick' }
  /** Send the network's weights as a PyTorch checkpoint (answered by 'saved'). */
  | { type: 'save' }
  /** Start over with a new network (answered by 'reset'); training goes on if it was running. */
  | { type: 'reset' };

/** Training worker -> page. */
export type TrainingReply =
  | { type: 'ready'; backend: string; backendDescription: string; available: string[]; trainSize: number; testSize: number; classes: string[] }
  /** After each slice of training: the mean loss of its batches and its speed. */
  | { type: 'progress'; step: number; epoch: number; loss: number; stepsPerSecond: number }
  /** The fraction of test images classified correctly by the network after `step` steps. */
  | { type: 'evaluated'; step: number; testAccuracy: number }
  | { type: 'paused'; step: number }
  | { type: 'prediction'; probabilities: number[] }
  | { type: 'picked'; pixels: Uint8Array; label: number; index: number }
  /** The state_dict in PyTorch's .pt format, as trained after `step` steps. */
  | { type: 'saved'; checkpoint: Blob; step: number }
  | { type: 'reset' }
  | { type: 'error'; message: string };
