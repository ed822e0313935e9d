// The training worker: loads the shipped Fashion-MNIST slice, trains in slices of time between which it
// answers the page (pause, predict, pick), and reports progress after each slice.
import * as torch from 'tstorch';
import type { TrainingReply, TrainingRequest } from './protocol.js';
import { Trainer } from './training.js';

/** The worker's global scope, typed with only what this file uses (the DOM typings describe a window). */
const scope = self as unknown as {
  postMessage(message: TrainingReply, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TrainingRequest>) => void): void;
};

/** Training runs this long between answers to the page, so a click is answered within about that. */
const SLICE_MS = 100;
const EVAL_EVERY_STEPS = 100;

let running = false;
/** The training loop, while it runs: a 'start' that comes before a 'pause' took effect keeps it going. */
let loop: Promise<void> | null = null;
/** The step of the last evaluation, so a pause and a restart do not measure the same network twice. */
let evaluatedAt = -1;

function post(message: TrainingReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** Yields to the event loop, so messages that arrived during a slice are handled. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Measures the test accuracy every EVAL_EVERY_STEPS steps, from step 0 (chance, before training). */
function evaluateWhenDue(trainer: Trainer): void {
  if (trainer.steps % EVAL_EVERY_STEPS !== 0 || trainer.steps === evaluatedAt) return;
  evaluatedAt = trainer.steps;
  post({ type: 'evaluated', step: trainer.steps, testAccuracy: trainer.testAccuracy() });
}

async function trainWhileRunning(trainer: Trainer): Promise<void> {
  while (running) {
    // Before a slice too: the network is new at step 0, at the start and after a reset.
    evaluateWhenDue(trainer);
    const started = performance.now();
    let lossSum = 0;
    let steps = 0;
    while (performance.now() - started < SLICE_MS && (steps === 0 || trainer.steps % EVAL_EVERY_STEPS !== 0)) {
      lossSum += trainer.step();
      steps++;
    }
    post({ type: 'progress', step: trainer.steps, epoch: trainer.epochs, loss: lossSum / steps, stepsPerSecond: steps / ((performance.now() - started) / 1000) });
    evaluateWhenDue(trainer);
    await yieldToMessages();
  }
  post({ type: 'paused', step: trainer.steps });
}

function handle(trainer: Trainer, request: TrainingRequest): void {
  switch (request.type) {
    case 'start':
      running = true;
      loop ??= trainWhileRunning(trainer)
        .catch((e: unknown) => {
          running = false;
          post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
        })
        .finally(() => (loop = null));
      break;
    case 'pause':
      running = false;
      break;
    case 'predict': {
      const image = torch.tensor(Array.from(request.pixels, (p) => Math.round(p * 255)), { dtype: torch.uint8 }).reshape(28, 28);
      post({ type: 'prediction', probabilities: trainer.classify(image) });
      break;
    }
    case 'pick': {
      const index = Math.floor(Math.random() * trainer.test.length);
      const pixels = new Uint8Array(trainer.test.data.select(0, index).flatten().tolist() as number[]);
      post({ type: 'picked', pixels, label: trainer.test.targets.select(0, index).item(), index }, [pixels.buffer]);
      break;
    }
    case 'save':
      post({ type: 'saved', checkpoint: torch.io.saveBlob(trainer.net.stateDict()), step: trainer.steps });
      break;
    case 'reset':
      trainer.reset();
      evaluatedAt = -1;
      post({ type: 'reset' });
      // A running loop goes on with the new network, measuring it at step 0 first.
      break;
  }
}

async function main(): Promise<void> {
  // Requests that arrive while the data loads wait for it.
  const pending: TrainingRequest[] = [];
  let trainer: Trainer | null = null;
  scope.addEventListener('message', (event) => {
    if (trainer === null) pending.push(event.data);
    else handle(trainer, event.data);
  });
  // available() lists the backends that load here fastest first: wasm once it is built, else js.
  torch.backends.use(torch.backends.available()[0]);
  try {
    trainer = await Trainer.load(new URL('data', self.location.href).href);
  } catch (e) {
    post({ type: 'error', message: `could not load the training data: ${e instanceof Error ? e.message : String(e)}` });
    return;
  }
  post({
    type: 'ready',
    backend: torch.backends.current(),
    backendDescription: torch.backends.describe(),
    available: torch.backends.available(),
    trainSize: trainer.train.length,
    testSize: trainer.test.length,
    classes: [...torch.utils.data.datasets.FashionMNIST.classes],
  });
  for (const request of pending) handle(trainer, request);
}

void main();
