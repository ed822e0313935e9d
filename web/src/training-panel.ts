// Section 2 of the page: drives the training worker, shows its progress, the chart and predictions.
import { TrainingChart } from './chart.js';
import { byId } from './dom.js';
import type { TrainingReply, TrainingRequest } from './protocol.js';
import { Sketch } from './sketch.js';

/** The loss and speed shown are exponential moving averages over reports: single slices are noisy. */
const SMOOTHING = 0.9;

function smooth(average: number | null, value: number): number {
  return average === null ? value : SMOOTHING * average + (1 - SMOOTHING) * value;
}

/** Shows the ten probabilities as bars, the most likely class highlighted; returns that class. */
function showPrediction(list: HTMLElement, classes: readonly string[], probabilities: readonly number[]): string {
  const best = probabilities.indexOf(Math.max(...probabilities));
  list.replaceChildren(
    ...probabilities.map((p, i) => {
      const item = document.createElement('li');
      if (i === best) item.className = 'top';
      item.dataset.class = classes[i];
      const name = document.createElement('span');
      name.textContent = classes[i];
      const bar = document.createElement('span');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.style.width = `${(p * 100).toFixed(1)}%`;
      bar.append(fill);
      const value = document.createElement('span');
      value.className = 'p';
      value.textContent = `${(p * 100).toFixed(1)}%`;
      item.append(name, bar, value);
      return item;
    }),
  );
  list.dataset.predicted = classes[best];
  return classes[best];
}

export function setUpTrainingPanel(): void {
  const trainButton = byId<HTMLButtonElement>('train');
  const pickButton = byId<HTMLButtonElement>('pick');
  const status = byId<HTMLElement>('train-status');
  const stats = { backend: byId('backend'), step: byId('step'), epoch: byId('epoch'), loss: byId('loss'), accuracy: byId('accuracy'), speed: byId('speed') };
  const prediction = byId<HTMLOListElement>('prediction');
  const truth = byId<HTMLElement>('truth');
  const chart = new TrainingChart(byId<HTMLCanvasElement>('chart'));

  const worker = new Worker(new URL('./training-worker.js', import.meta.url), { type: 'module' });
  const send = (request: TrainingRequest, transfer: Transferable[] = []): void => worker.postMessage(request, transfer);
  const predict = (pixels: Float32Array): void => send({ type: 'predict', pixels: pixels.slice() });
  /** The test image on the canvas, while it is one (drawing on it makes it the user's). */
  let picked: { index: number; label: string } | null = null;
  const sketch = new Sketch(byId<HTMLCanvasElement>('sketch'), (pixels) => {
    picked = null;
    delete truth.dataset.label;
    truth.textContent = 'Your drawing';
    predict(pixels);
  });

  /** The class names, from the worker (the page's own thread does not load the library). */
  let classes: string[] = [];
  let running = false;
  let smoothedLoss: number | null = null;
  let smoothedSpeed: number | null = null;
  const setRunning = (value: boolean): void => {
    running = value;
    trainButton.textContent = running ? 'Pause' : 'Start training';
    status.textContent = running ? 'training…' : 'paused';
  };

  trainButton.addEventListener('click', () => {
    send({ type: running ? 'pause' : 'start' });
    setRunning(!running);
  });
  pickButton.addEventListener('click', () => send({ type: 'pick' }));
  const saveButton = byId<HTMLButtonElement>('save');
  saveButton.addEventListener('click', () => send({ type: 'save' }));
  const resetButton = byId<HTMLButtonElement>('reset');
  resetButton.addEventListener('click', () => send({ type: 'reset' }));
  byId<HTMLButtonElement>('clear').addEventListener('click', () => {
    sketch.clear();
    picked = null;
    delete truth.dataset.label;
    prediction.replaceChildren();
    delete prediction.dataset.predicted;
    truth.textContent = 'Draw a piece of clothing (white on black), or pick a test image.';
  });

  worker.addEventListener('message', (event: MessageEvent<TrainingReply>) => {
    const reply = event.data;
    switch (reply.type) {
      case 'ready':
        classes = reply.classes;
        stats.backend.textContent = reply.backend;
        stats.backend.title = `${reply.backendDescription} (available here: ${reply.available.join(', ')})`;
        status.textContent = `${reply.trainSize} training and ${reply.testSize} test images loaded`;
        trainButton.disabled = false;
        pickButton.disabled = false;
        saveButton.disabled = false;
        resetButton.disabled = false;
        break;
      case 'progress': {
        smoothedLoss = smooth(smoothedLoss, reply.loss);
        smoothedSpeed = smooth(smoothedSpeed, reply.stepsPerSecond);
        stats.step.textContent = String(reply.step);
        // The pass under way, counted from 1 as progress bars do (the worker counts passes completed).
        stats.epoch.textContent = String(reply.epoch + 1);
        stats.loss.textContent = smoothedLoss.toFixed(4);
        stats.speed.textContent = `${smoothedSpeed.toFixed(1)} steps/s`;
        chart.addLoss(reply.step, smoothedLoss);
        break;
      }
      case 'evaluated':
        stats.accuracy.textContent = `${(reply.testAccuracy * 100).toFixed(1)}%`;
        stats.accuracy.dataset.step = String(reply.step);
        chart.addAccuracy(reply.step, reply.testAccuracy);
        break;
      case 'paused':
        status.textContent = `paused at step ${reply.step}`;
        break;
      case 'prediction': {
        const predicted = showPrediction(prediction, classes, reply.probabilities);
        if (picked !== null) {
          const verdict = predicted === picked.label ? 'the network says so too ✓' : `the network says ${predicted} ✗`;
          truth.textContent = `Test image #${picked.index}: a ${picked.label}; ${verdict}`;
        }
        break;
      }
      case 'picked': {
        picked = { index: reply.index, label: classes[reply.label] };
        truth.dataset.label = picked.label;
        sketch.show(reply.pixels);
        predict(sketch.pixels);
        break;
      }
      case 'saved': {
        const link = document.createElement('a');
        link.href = URL.createObjectURL(reply.checkpoint);
        link.download = `fashion-mnist-net-step${reply.step}.pt`;
        link.click();
        // Revoked later, not at once: the download reads the URL after this task ends.
        setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
        break;
      }
      case 'reset':
        smoothedLoss = null;
        smoothedSpeed = null;
        stats.step.textContent = '0';
        for (const dd of [stats.epoch, stats.loss, stats.accuracy, stats.speed]) dd.textContent = '–';
        delete stats.accuracy.dataset.step;
        chart.clear();
        if (!running) status.textContent = 'a new network: start training';
        break;
      case 'error':
        setRunning(false);
        status.textContent = `error: ${reply.message}`;
        break;
    }
  });
}
