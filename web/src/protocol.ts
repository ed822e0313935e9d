// The messages between the page and its training worker.

/** Page -> worker. */
export type Request =
  | { type: 'start' }
  | { type: 'pause' }
  /** Classify a 28x28 image: 784 values in [0, 1], row by row, white ink on black as in Fashion-MNIST. */
  | { type: 'predict'; pixels: Float32Array }
  /** Send a random test image (answered by 'picked'). */
  | { type: 'pick' }
  /** Send the network's weights as a PyTorch checkpoint (answered by 'saved'). */
  | { type: 'save' };

/** Worker -> page. */
export type Reply =
  | { type: 'ready'; backend: string; backendDescription: string; available: string[]; trainSize: number; testSize: number }
  | { type: 'progress'; step: number; epoch: number; loss: number; stepsPerSecond: number; testAccuracy: number | null }
  | { type: 'paused'; step: number }
  | { type: 'prediction'; probabilities: number[] }
  | { type: 'picked'; pixels: Uint8Array; label: number; index: number }
  /** The state_dict in PyTorch's .pt format, as trained after `step` steps. */
  | { type: 'saved'; checkpoint: Blob; step: number }
  | { type: 'error'; message: string };
