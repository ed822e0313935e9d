import * as torch from 'tstorch';
import { trainingStep, type Prepared } from './prepared.js';

const { nn, optim } = torch;
const F = nn.functional;

/** The CIFAR-10 network of PyTorch's 60-minute blitz, line for line. */
class Net extends nn.Module {
  declare conv1: torch.nn.Conv2d;
  declare pool: torch.nn.MaxPool2d;
  declare conv2: torch.nn.Conv2d;
  declare fc1: torch.nn.Linear;
  declare fc2: torch.nn.Linear;
  declare fc3: torch.nn.Linear;

  constructor() {
    super();
    this.conv1 = new nn.Conv2d(3, 6, 5);
    this.pool = new nn.MaxPool2d(2, { stride: 2 });
    this.conv2 = new nn.Conv2d(6, 16, 5);
    this.fc1 = new nn.Linear(16 * 5 * 5, 120);
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, 10);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.pool.call(F.relu(this.conv1.call(x)));
    x = this.pool.call(F.relu(this.conv2.call(x)));
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}

/** W5: the blitz training step (cross-entropy, SGD momentum 0.9, lr 0.001) on a batch of 3x32x32 images. */
export function cnn(batch: number): Prepared {
  torch.manualSeed(0);
  const model = new Net();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.001, momentum: 0.9 });
  const input = torch.randn(batch, 3, 32, 32);
  const target = torch.randint(0, 10, [batch]);
  return trainingStep(model, optimizer, input, target);
}
