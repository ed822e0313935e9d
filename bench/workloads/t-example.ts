import * as torch from 'tstorch';
import { Net, normalizedImage } from '../../examples/lib/net.js';
import type { Prepared } from './prepared.js';

const { nn, optim } = torch;
const { DataLoader, datasets } = torch.utils.data;

/**
 * T: the Fashion-MNIST example's training loop (examples/train-fashion-mnist.ts) one step at a time,
 * batches drawn from a shuffling DataLoader over the per-image transform, as the example draws them.
 */
export async function exampleEpoch(batch: number, root: string): Promise<Prepared> {
  torch.manualSeed(0);
  const model = new Net();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const criterion = new nn.CrossEntropyLoss();
  const trainset = await datasets.FashionMNIST.load({ root, train: true, transform: normalizedImage });
  const loader = new DataLoader(trainset, { batchSize: batch, shuffle: true });
  let batches = loader[Symbol.iterator]();
  return {
    step() {
      let next = batches.next();
      if (next.done === true) {
        batches = loader[Symbol.iterator]();
        next = batches.next();
      }
      const [images, labels] = next.value as [torch.Tensor, torch.Tensor];
      optimizer.zeroGrad();
      criterion.call(model.call(images), labels).backward();
      optimizer.step();
    },
  };
}
