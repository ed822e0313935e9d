// The network and input transform of the Fashion-MNIST example, shared with its parity test
// (test/examples/training-parity.test.ts), whose PyTorch twin is tools/golden/gen_training.py.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';

const { nn } = torch;
const F = nn.functional;

/**
 * The blitz's convolutional network. The blitz builds it for 3x32x32 CIFAR images; the example adapts
 * it to 1x28x28 images (the defaults): 28 -> conv 5x5 -> 24 -> pool -> 12 -> conv 5x5 -> 8 -> pool -> 4,
 * so the first linear layer takes 16*4*4 features (16*5*5 for 32x32). The layers are assigned in the
 * blitz's order, which is the order their initialisation draws from the generator.
 */
export class Net extends nn.Module {
  declare conv1: torch.nn.Conv2d;
  declare pool: torch.nn.MaxPool2d;
  declare conv2: torch.nn.Conv2d;
  declare fc1: torch.nn.Linear;
  declare fc2: torch.nn.Linear;
  declare fc3: torch.nn.Linear;

  constructor(inChannels = 1, imageSize = 28) {
    super();
    const features = ((imageSize - 4) / 2 - 4) / 2;
    this.conv1 = new nn.Conv2d(inChannels, 6, 5);
    this.pool = new nn.MaxPool2d(2, { stride: 2 });
    this.conv2 = new nn.Conv2d(6, 16, 5);
    this.fc1 = new nn.Linear(16 * features * features, 120);
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, 10);
  }

  override forward(x: Tensor): Tensor {
    x = this.pool.call(F.relu(this.conv1.call(x)));
    x = this.pool.call(F.relu(this.conv2.call(x)));
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}

/** torchvision's `Compose([ToTensor(), Normalize((0.5,), (0.5,))])`: uint8 [28, 28] -> float32 [1, 28, 28] in [-1, 1]. */
export function normalizedImage(image: Tensor): Tensor {
  return torch.utils.data.datasets.toTensor(image).sub(0.5).div(0.5);
}
