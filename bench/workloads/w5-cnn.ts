import * as torch from 'tstorch';
import { Net } from '../../examples/lib/net.js';
import { trainingStep, type Prepared } from './prepared.js';

const { optim } = torch;

/** W5: the blitz training step (cross-entropy, SGD momentum 0.9, lr 0.001) on a batch of 3x32x32 images. */
export function cnn(batch: number): Prepared {
  torch.manualSeed(0);
  const model = new Net(3, 32); // the blitz's CIFAR-10 network, line for line
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.001, momentum: 0.9 });
  const input = torch.randn(batch, 3, 32, 32);
  const target = torch.randint(0, 10, [batch]);
  return trainingStep(model, optimizer, input, target);
}
