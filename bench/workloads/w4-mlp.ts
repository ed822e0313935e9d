import * as torch from 'tstorch';
import { trainingStep, type Prepared } from './prepared.js';

const { nn, optim } = torch;

/** W4: MLP 784-512-256-10 with ReLU, cross-entropy, SGD momentum 0.9, lr 0.01. */
export function mlp(batch: number): Prepared {
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(784, 512), new nn.ReLU(),
    new nn.Linear(512, 256), new nn.ReLU(),
    new nn.Linear(256, 10),
  );
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const input = torch.randn(batch, 784);
  const target = torch.randint(0, 10, [batch]);
  return trainingStep(model, optimizer, input, target);
}
