// Trains the blitz's convolutional network (adapted to 1x28x28 images) on Fashion-MNIST: the chapter
// "Training a classifier" of PyTorch's 60-minute blitz, translated to tstorch. Shows a progress bar
// on stderr, prints the test accuracy after each epoch, saves the weights as a PyTorch checkpoint
// (`torch.load('model.pt')` in Python gives the state_dict) and as safetensors, and draws the loss and
// accuracy curves.
//
//   node dist/examples/train-fashion-mnist.js --epochs 5 --batch-size 64 --lr 0.05 --seed 0
//
// From the same seed, the run is PyTorch's run step for step (test/examples/training-parity.test.ts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from 'tstorch';
import { Net, normalizedImage } from './lib/net.js';
import { parseOptions } from './lib/args.js';
import { ProgressBar } from './lib/progress.js';
import { svgChart } from './lib/svg-chart.js';

const { nn, optim } = torch;
const { DataLoader } = torch.utils.data;
const { FashionMNIST } = torch.utils.data.datasets;

const DEBIAN_DATA = '/usr/share/datasets/fashion-mnist';
const positive = { test: (v: number) => v > 0, adjective: 'positive' };
const options = parseOptions(
  'train-fashion-mnist',
  'Trains a small CNN on Fashion-MNIST with SGD (momentum 0.9, learning rate annealed to 0 by a cosine schedule).',
  {
    epochs: { kind: 'int', default: 5, help: 'passes over the 60000 training images', domain: positive },
    'batch-size': { kind: 'int', default: 64, help: 'images per step', domain: positive },
    lr: { kind: 'number', default: 0.05, help: 'initial learning rate', domain: positive },
    seed: { kind: 'int', default: 0, help: 'seed of the initialisation and the shuffling', domain: { test: (v) => v >= 0, adjective: 'non-negative' } },
    data: { kind: 'string', default: DEBIAN_DATA, help: 'folder with the four Fashion-MNIST IDX files (.gz or not)' },
    out: { kind: 'string', default: 'out/fashion-mnist', help: 'folder for model.pt, model.safetensors, training.svg and metrics.json' },
  },
);

if (!existsSync(join(options.data, 'train-images-idx3-ubyte.gz')) && !existsSync(join(options.data, 'train-images-idx3-ubyte'))) {
  console.error(
    [
      `Fashion-MNIST was not found in ${options.data}.`,
      'On Debian or Ubuntu, install it with (as root):',
      '    apt-get install -y dataset-fashion-mnist',
      `which puts the files in ${DEBIAN_DATA}. Elsewhere, download train-images-idx3-ubyte.gz,`,
      'train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz',
      '(https://github.com/zalandoresearch/fashion-mnist) into a folder and pass --data <folder>.',
    ].join('\n'),
  );
  process.exit(1);
}

torch.manualSeed(options.seed);
const net = new Net();
const trainset = await FashionMNIST.load({ root: options.data, train: true, transform: normalizedImage });
const testset = await FashionMNIST.load({ root: options.data, train: false, transform: normalizedImage });
const trainloader = new DataLoader(trainset, { batchSize: options['batch-size'], shuffle: true });
const testloader = new DataLoader(testset, { batchSize: 1000 });
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(net.parameters(), { lr: options.lr, momentum: 0.9 });
const scheduler = new optim.lrScheduler.CosineAnnealingLR(optimizer, options.epochs);

/** The fraction of the test images whose class the network predicts. */
function testAccuracy(): number {
  net.eval();
  let correct = 0;
  torch.noGrad(() => {
    for (const [images, labels] of testloader) correct += net.call(images).argmax(1).eq(labels).sum().item();
  });
  net.train();
  return correct / testset.length;
}

console.log(String(net));
console.log(`${trainset.length} training and ${testset.length} test images; ${trainloader.length} steps of ${options['batch-size']} per epoch`);
console.log(`kernels: ${torch.backends.describe()} (TSTORCH_BACKEND=js|wasm|native picks another)`);

interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  testAccuracy: number;
  seconds: number;
}
const stepLosses: number[] = [];
const epochs: EpochRecord[] = [];
for (let epoch = 1; epoch <= options.epochs; epoch++) {
  const lr = optimizer.paramGroups[0].lr;
  const bar = new ProgressBar(`epoch ${epoch}/${options.epochs}`, trainloader.length);
  let sum = 0;
  let steps = 0;
  for (const [images, labels] of trainloader) {
    optimizer.zeroGrad();
    const loss = criterion.call(net.call(images), labels);
    loss.backward();
    optimizer.step();
    const value = loss.item();
    stepLosses.push(value);
    sum += value;
    steps++;
    bar.update(steps, { loss: (sum / steps).toFixed(4) });
  }
  bar.finish({ loss: (sum / steps).toFixed(4) });
  const seconds = bar.elapsed;
  const accuracy = testAccuracy();
  scheduler.step();
  epochs.push({ epoch, lr, trainLoss: sum / steps, testAccuracy: accuracy, seconds });
  console.log(
    `epoch ${epoch}: lr ${lr.toPrecision(3)}, train loss ${(sum / steps).toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}%, ` +
      `${seconds.toFixed(1)} s (${(steps / seconds).toFixed(1)} steps/s)`,
  );
}

mkdirSync(options.out, { recursive: true });
const modelPath = join(options.out, 'model.pt');
await torch.save(net.stateDict(), modelPath);
const safetensorsPath = join(options.out, 'model.safetensors');
await torch.save(net.stateDict(), safetensorsPath);

// The loss per step is noisy: the chart shows its mean over windows of a twentieth of an epoch.
const window = Math.max(1, Math.round(trainloader.length / 20));
const smoothed: [number, number][] = [];
for (let i = 0; i + window <= stepLosses.length; i += window) {
  const mean = stepLosses.slice(i, i + window).reduce((a, b) => a + b, 0) / window;
  smoothed.push([(i + window / 2) / trainloader.length, mean]);
}
const chartPath = join(options.out, 'training.svg');
writeFileSync(
  chartPath,
  svgChart([
    {
      title: 'Training loss',
      xLabel: 'epoch',
      yLabel: 'cross-entropy',
      xRange: [0, options.epochs],
      series: [
        { name: window === 1 ? 'per step' : `mean of ${window} steps`, points: smoothed, color: '#4878d0' },
        { name: 'epoch mean', points: epochs.map((e) => [e.epoch - 0.5, e.trainLoss]), color: '#d65f5f', markers: true },
      ],
    },
    {
      title: 'Test accuracy',
      xLabel: 'epoch',
      yLabel: 'accuracy (%)',
      xRange: [0.5, options.epochs + 0.5],
      series: [{ name: `${testset.length} test images`, points: epochs.map((e) => [e.epoch, 100 * e.testAccuracy]), color: '#2a9d5c', markers: true }],
    },
  ]),
);
const metricsPath = join(options.out, 'metrics.json');
writeFileSync(metricsPath, `${JSON.stringify({ options, epochs }, null, 2)}\n`);

const last = epochs[epochs.length - 1];
const perEpoch = epochs.reduce((a, e) => a + e.seconds, 0) / epochs.length;
console.log(`test accuracy ${(100 * last.testAccuracy).toFixed(2)}% after ${options.epochs} epoch${options.epochs === 1 ? '' : 's'} (${perEpoch.toFixed(1)} s per epoch)`);
console.log(`saved ${modelPath}, ${safetensorsPath}, ${chartPath} and ${metricsPath}`);
