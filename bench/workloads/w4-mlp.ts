import * as torch from 'tstorch';
import { trainingStep, type Prepared } from './prepared.js';

const { nn, optim } = torch;

/** W4's network and data, drawn from manualSeed(0) as PyTorch's twin draws them. */
export function mlpSetup(batch: number): { model: torch.nn.Sequential; input: torch.Tensor; target: torch.Tensor } {
  torch.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(784, 512), new nn.ReLU(),
    new nn.Linear(512, 256), new nn.ReLU(),
    new nn.Linear(256, 10),
  );
  return { model, input: torch.randn(batch, 784), target: torch.randint(0, 10, [batch]) };
}

/** W4: MLP 784-512-256-10 with ReLU, cross-entropy, SGD momentum 0.9, lr 0.01. */
export function mlp(batch: number): Prepared {
  const { model, input, target } = mlpSetup(batch);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return trainingStep(model, optimizer, input, target);
}
