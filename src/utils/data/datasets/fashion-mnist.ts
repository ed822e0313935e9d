// torchvision.datasets.FashionMNIST: 28x28 grayscale images of clothing in 10 classes, read from the
// standard IDX files (gzipped or not), e.g. those of Debian's package dataset-fashion-mnist.
import { Tensor } from '../../../tensor/tensor.js';
import { float32, int64 } from '../../../tensor/dtype.js';
import { readIdx } from '../../../io/idx.js';
import { Dataset } from '../dataset.js';
import { checkTensor } from '../../../ops/elementwise.js';

export interface FashionMNISTOptions {
  /** The folder holding the files, or its parent in torchvision's layout (`<root>/FashionMNIST/raw`). */
  root: string;
  /** The 60000 training images (default), or the 10000 test images. */
  train?: boolean;
  /** Applied to each uint8 [28, 28] image; the default is `toTensor`; null keeps the raw image. */
  transform?: ((image: Tensor) => Tensor) | null;
  /** Applied to each label (a class index, 0..9). */
  targetTransform?: ((target: number) => number) | null;
}

/** torchvision's ToTensor for a grayscale image: uint8 [H, W] -> float32 [1, H, W] in [0, 1]. */
export function toTensor(image: Tensor): Tensor {
  checkTensor(image, 'to_tensor', 'pic');
  return image.to(float32).div(255).unsqueeze(0);
}

/** Where a file may be: the folder itself, then torchvision's layout; gzipped first. */
function candidates(root: string, name: string): string[] {
  const base = root.replace(/\/+$/, '');
  return [`${base}/${name}.gz`, `${base}/${name}`, `${base}/FashionMNIST/raw/${name}.gz`, `${base}/FashionMNIST/raw/${name}`];
}

async function readFirst(root: string, name: string): Promise<Tensor> {
  for (const location of candidates(root, name)) {
    const t = await readIdx(location);
    if (t !== null) return t;
  }
  throw new Error(
    `Dataset not found: no ${name}(.gz) in ${root} or ${root}/FashionMNIST/raw (on Debian, \`apt-get install dataset-fashion-mnist\` installs the files in /usr/share/datasets/fashion-mnist)`,
  );
}

/** Samples are `[image, label]`: by default a float32 [1, 28, 28] image in [0, 1] and a class index. */
export class FashionMNIST extends Dataset<[Tensor, number]> {
  static readonly classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  /** The images, uint8 [N, 28, 28]. */
  readonly data: Tensor;
  /** The labels, int64 [N]. */
  readonly targets: Tensor;
  readonly train: boolean;
  transform: ((image: Tensor) => Tensor) | null;
  targetTransform: ((target: number) => number) | null;
  private readonly labels: number[];

  /** From tensors already loaded (`load` reads them from files). */
  constructor(data: Tensor, targets: Tensor, options: Omit<FashionMNISTOptions, 'root'> = {}) {
    super();
    if (data.dim() !== 3 || targets.dim() !== 1 || data.shape[0] !== targets.shape[0]) {
      throw new Error(`FashionMNIST: expected images [N, H, W] and labels [N], got [${data.shape.join(', ')}] and [${targets.shape.join(', ')}]`);
    }
    this.data = data;
    this.targets = targets;
    this.labels = targets.tolist() as number[];
    this.train = options.train ?? true;
    this.transform = options.transform === undefined ? toTensor : options.transform;
    this.targetTransform = options.targetTransform ?? null;
  }

  /** Reads the training or test split from `root`. */
  static async load(options: FashionMNISTOptions): Promise<FashionMNIST> {
    const prefix = (options.train ?? true) ? 'train' : 't10k';
    // One after the other, so that a missing split always names the images file first.
    const images = await readFirst(options.root, `${prefix}-images-idx3-ubyte`);
    const labels = await readFirst(options.root, `${prefix}-labels-idx1-ubyte`);
    return new FashionMNIST(images, labels.to(int64), options);
  }

  getItem(index: number): [Tensor, number] {
    if (!Number.isInteger(index) || index < -this.length || index >= this.length) {
      throw new RangeError(`index ${index} is out of bounds for dimension 0 with size ${this.length}`);
    }
    const i = index < 0 ? index + this.length : index;
    const image = this.data.select(0, i);
    const label = this.labels[i];
    return [this.transform ? this.transform(image) : image, this.targetTransform ? this.targetTransform(label) : label];
  }

  get length(): number {
    return this.data.shape[0];
  }
}
