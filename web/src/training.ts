// The training the worker runs, kept free of worker plumbing: the Fashion-MNIST example's network,
// transform, loss and optimizer, one batch per `step()`.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { Net, normalizedImage } from '../../examples/lib/net.js';

const { nn, optim } = torch;
const { DataLoader } = torch.utils.data;

const BATCH_SIZE = 64;
/** The example's learning rate and momentum, held constant: the page trains for as long as one likes. */
const LEARNING_RATE = 0.05;
const MOMENTUM = 0.9;
const EVAL_BATCH_SIZE = 500;

type Loader = torch.utils.data.DataLoader<[Tensor, number]>;
type FashionMNIST = torch.utils.data.datasets.FashionMNIST;

/** What training changes: the network and its optimizer, where the data pass is, the counts. */
interface Run {
  readonly net: Net;
  readonly optimizer: torch.optim.SGD;
  batches: Iterator<[Tensor, Tensor]>;
  /** Optimizer steps taken, and full passes over the training images. */
  steps: number;
  epochs: number;
}

export class Trainer {
  private readonly criterion = new nn.CrossEntropyLoss();
  private readonly trainLoader: Loader;
  private readonly testLoader: Loader;
  private run: Run;

  private constructor(
    readonly train: FashionMNIST,
    readonly test: FashionMNIST,
  ) {
    this.trainLoader = new DataLoader(train, { batchSize: BATCH_SIZE, shuffle: true });
    this.testLoader = new DataLoader(test, { batchSize: EVAL_BATCH_SIZE });
    this.run = this.freshRun();
  }

  /** A network initialised from seed 0, as the first one was, and a first shuffled pass. */
  private freshRun(): Run {
    torch.manualSeed(0);
    const net = new Net();
    const optimizer = new optim.SGD(net.parameters(), { lr: LEARNING_RATE, momentum: MOMENTUM });
    return { net, optimizer, batches: this.trainLoader[Symbol.iterator](), steps: 0, epochs: 0 };
  }

  /** Starts over with a new network (the same initial weights and data order as the first). */
  reset(): void {
    this.run = this.freshRun();
  }

  get net(): Net {
    return this.run.net;
  }

  get steps(): number {
    return this.run.steps;
  }

  get epochs(): number {
    return this.run.epochs;
  }

  /** Reads the training and test images from the folder (or URL) `root`. */
  static async load(root: string): Promise<Trainer> {
    const train = await torch.utils.data.datasets.FashionMNIST.load({ root, train: true, transform: normalizedImage });
    const test = await torch.utils.data.datasets.FashionMNIST.load({ root, train: false, transform: normalizedImage });
    return new Trainer(train, test);
  }

  /** One optimizer step on the next batch (a new shuffled pass when one ends); returns the batch's loss. */
  step(): number {
    const run = this.run;
    let next = run.batches.next();
    if (next.done === true) {
      run.epochs++;
      run.batches = this.trainLoader[Symbol.iterator]();
      next = run.batches.next();
    }
    const [images, labels] = next.value;
    run.net.train();
    run.optimizer.zeroGrad();
    const loss = this.criterion.call(run.net.call(images), labels);
    loss.backward();
    run.optimizer.step();
    run.steps++;
    return loss.item();
  }

  /** The fraction of test images classified correctly. */
  testAccuracy(): number {
    this.net.eval();
    let correct = 0;
    torch.noGrad(() => {
      for (const [images, labels] of this.testLoader) correct += this.net.call(images).argmax(1).eq(labels).sum().item();
    });
    return correct / this.test.length;
  }

  /** Class probabilities of one uint8 [28, 28] image, through the same transform as the training images. */
  classify(image: Tensor): number[] {
    this.net.eval();
    return torch.noGrad(() => torch.softmax(this.net.call(normalizedImage(image).unsqueeze(0)), 1).squeeze(0).tolist() as number[]);
  }
}
