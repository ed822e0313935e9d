// A tstorch training run and a PyTorch run from the same seed are the same run: the Fashion-MNIST
// example's network (examples/lib/net.ts), initialised after torch.manualSeed, trained for 200 steps on
// the committed 64-image slice, shuffled by a DataLoader from the default generator, with
// CrossEntropyLoss and SGD with momentum, gives PyTorch's initial weights, batches, loss at each step
// (relative difference under 1e-4) and final weights (within 1e-4). The PyTorch run is
// tools/golden/gen_training.py (fixture test/golden/training_parity.json).
//
// The checks go in the order a divergence would show up, so a failure names its first cause: the
// initialisation (layer init or draw order), the shuffle (sampler or generator use), then the losses
// (forward, loss, backward or optimizer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, loadFixture, type EncodedTensor } from '../helpers.js';
import { Net, normalizedImage } from '../../examples/lib/net.js';

interface NamedTensor {
  name: string;
  tensor: EncodedTensor;
}

interface TrainingCase {
  seed: number;
  batchSize: number;
  lr: number;
  momentum: number;
  initial: NamedTensor[];
  steps: { labels: number[]; loss: number }[];
  final: NamedTensor[];
}

const ROOT = fileURLToPath(new URL('../../../test/data/fashion-mnist', import.meta.url));
const LOSS_RTOL = 1e-4;
const WEIGHT_ATOL = 1e-4;

function assertStateDict(net: Net, expected: NamedTensor[], what: string, tolerance: { rtol?: number; atol?: number }): void {
  const state = net.stateDict();
  assert.deepEqual([...state.keys()], expected.map((e) => e.name), `${what}: state_dict keys`);
  for (const { name, tensor } of expected) {
    assertTensorClose(state.get(name) as Tensor, tensor, { ...tolerance, message: `${what}: ${name}` });
  }
}

/** The largest absolute difference between the model's parameters and PyTorch's. */
function maxWeightDifference(net: Net, expected: NamedTensor[]): number {
  const state = net.stateDict();
  let worst = 0;
  for (const { name, tensor } of expected) {
    const got = (state.get(name) as Tensor).reshape(-1).tolist() as number[];
    tensor.data.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i] - (w as number)))));
  }
  return worst;
}

test('200 SGD steps of the Fashion-MNIST example match PyTorch step for step', async (t) => {
  const c = loadFixture<TrainingCase>('training_parity').cases[0];
  torch.manualSeed(c.seed);
  const net = new Net();
  assertStateDict(net, c.initial, 'initial weights', {});

  const trainset = await torch.utils.data.datasets.FashionMNIST.load({ root: ROOT, train: true, transform: normalizedImage });
  const loader = new torch.utils.data.DataLoader(trainset, { batchSize: c.batchSize, shuffle: true });
  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(net.parameters(), { lr: c.lr, momentum: c.momentum });

  let step = 0;
  let worstLoss = 0;
  while (step < c.steps.length) {
    for (const [images, labels] of loader) {
      const expected = c.steps[step];
      assert.deepEqual(labels.tolist(), expected.labels, `step ${step}: the batch's labels (shuffle order)`);
      optimizer.zeroGrad();
      const loss = criterion.call(net.call(images), labels);
      loss.backward();
      optimizer.step();
      const rel = Math.abs(loss.item() - expected.loss) / Math.abs(expected.loss);
      assert.ok(rel < LOSS_RTOL, `step ${step}: loss ${loss.item()}, PyTorch ${expected.loss} (relative difference ${rel})`);
      worstLoss = Math.max(worstLoss, rel);
      if (++step === c.steps.length) break;
    }
  }
  assertStateDict(net, c.final, 'final weights', { rtol: 0, atol: WEIGHT_ATOL });
  t.diagnostic(`largest relative loss difference ${worstLoss.toExponential(2)}; largest weight difference ${maxWeightDifference(net, c.final).toExponential(2)}`);
});
