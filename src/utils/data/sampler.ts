// torch.utils.data samplers: iterables of dataset indices (or of batches of indices), drawing random
// numbers exactly as PyTorch does, so the same seed gives the same order.
import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import { generatorOption, intListArg, optionsArg } from '../../tensor/args.js';
import { Generator, defaultGenerator } from '../../tensor/random.js';
import { float64, int64 } from '../../tensor/dtype.js';
import { empty, tensor } from '../../tensor/factory.js';
import { tupleStr } from '../../tensor/layout.js';
import { multinomial, randint, randperm } from '../../ops/random.js';
import { pyNumberStr } from '../../tensor/print.js';

/** Indices to visit, and how many (PyTorch's `__iter__` and `__len__`). */
export interface Sampler<T = number> extends Iterable<T> {
  readonly length: number;
}

/** Anything with a length (the data source of a sampler). */
export interface Sized {
  readonly length: number;
}

/** A value as Python prints it in the samplers' messages. */
export function pyValue(v: unknown): string {
  if (typeof v === 'number') return pyNumberStr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  return String(v);
}

/** `fn`'s data source: any object with a numeric length (a dataset, an array). */
function sizedArg(value: unknown, fn: string): Sized {
  if (typeof value !== 'object' || value === null || typeof (value as Partial<Sized>).length !== 'number') {
    throw new TypeError(`${fn}(): argument 'data_source' (position 1) must be an object with a length, not ${pyTypeName(value)}`);
  }
  return value as Sized;
}

/** 0, 1, ..., n - 1. */
export class SequentialSampler implements Sampler {
  readonly dataSource: Sized;

  constructor(dataSource: Sized) {
    this.dataSource = sizedArg(dataSource, 'SequentialSampler');
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.dataSource.length; i++) yield i;
  }

  get length(): number {
    return this.dataSource.length;
  }
}

/**
 * A random permutation per pass (or draws with replacement). Without a generator, each pass seeds a
 * fresh generator from the default one (`torch.empty((), dtype=torch.int64).random_()`), as PyTorch.
 */
export class RandomSampler implements Sampler {
  readonly dataSource: Sized;
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly numSamples_: number | null;

  constructor(dataSource: Sized, options?: { replacement?: boolean; numSamples?: number; generator?: Generator | null }) {
    const fn = 'RandomSampler';
    this.dataSource = sizedArg(dataSource, fn);
    const o = optionsArg(options, fn);
    const replacement = o.replacement ?? false;
    if (typeof replacement !== 'boolean') {
      throw new TypeError(`replacement should be a boolean value, but got replacement=${pyValue(replacement)}`);
    }
    this.replacement = replacement;
    this.numSamples_ = o.numSamples ?? null;
    this.generator = generatorOption(o.generator, fn);
    const n = this.numSamples;
    if (!Number.isInteger(n) || n <= 0) throw new Error(`num_samples should be a positive integer value, but got num_samples=${pyValue(n)}`);
  }

  get numSamples(): number {
    return this.numSamples_ ?? this.dataSource.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    const generator = this.generator ?? new Generator(drawSeed(defaultGenerator));
    const total = this.numSamples;
    if (this.replacement) {
      for (let i = 0; i < Math.floor(total / 32); i++) yield* randint(n, [32], { generator }).tolist() as number[];
      yield* randint(n, [total % 32], { generator }).tolist() as number[];
    } else {
      for (let i = 0; i < Math.floor(total / n); i++) yield* randperm(n, { generator }).tolist() as number[];
      yield* (randperm(n, { generator }).tolist() as number[]).slice(0, total % n);
    }
  }

  get length(): number {
    return this.numSamples;
  }
}

/** `torch.empty((), dtype=torch.int64).random_(generator=g).item()`: the seed PyTorch's samplers draw. */
export function drawSeed(generator: Generator): bigint {
  return (empty([], { dtype: int64 }).random_({ generator }).contiguousData() as BigInt64Array)[0];
}

/** The given indices in a random order (a fresh permutation each pass). */
export class SubsetRandomSampler implements Sampler {
  readonly indices: readonly number[];
  readonly generator: Generator | null;

  constructor(indices: readonly number[], generator: Generator | null = null) {
    this.indices = intListArg(indices, 'SubsetRandomSampler', 'indices', 1);
    this.generator = generatorOption(generator, 'SubsetRandomSampler', 2);
  }

  *[Symbol.iterator](): Iterator<number> {
    const perm = randperm(this.indices.length, { generator: this.generator ?? defaultGenerator }).tolist() as number[];
    for (const i of perm) yield this.indices[i];
  }

  get length(): number {
    return this.indices.length;
  }
}

/** Indices 0..weights.length-1 drawn with probabilities proportional to `weights`. */
export class WeightedRandomSampler implements Sampler {
  readonly weights: Tensor;

  constructor(
    weights: readonly number[] | Tensor,
    readonly numSamples: number,
    readonly replacement = true,
    readonly generator: Generator | null = null,
  ) {
    if (!Number.isInteger(numSamples) || typeof numSamples === 'boolean' || numSamples <= 0) {
      throw new Error(`num_samples should be a positive integer value, but got num_samples=${pyValue(numSamples)}`);
    }
    if (typeof replacement !== 'boolean') throw new Error(`replacement should be a boolean value, but got replacement=${pyValue(replacement)}`);
    const w = weights instanceof Tensor ? weights.to(float64) : tensor(weights as number[], { dtype: float64 });
    if (w.dim() !== 1) throw new Error(`weights should be a 1d sequence but given weights have shape ${tupleStr(w.shape)}`);
    this.weights = w;
  }

  *[Symbol.iterator](): Iterator<number> {
    const drawn = multinomial(this.weights, this.numSamples, { replacement: this.replacement, generator: this.generator ?? defaultGenerator });
    yield* drawn.tolist() as number[];
  }

  get length(): number {
    return this.numSamples;
  }
}

/** Groups another sampler's indices into lists of `batchSize` (the last one shorter unless `dropLast`). */
export class BatchSampler implements Sampler<number[]> {
  constructor(
    readonly sampler: Iterable<number> & Partial<Sized>,
    readonly batchSize: number,
    readonly dropLast: boolean,
  ) {
    if (!Number.isInteger(batchSize) || typeof batchSize === 'boolean' || batchSize <= 0) {
      throw new Error(`batch_size should be a positive integer value, but got batch_size=${pyValue(batchSize)}`);
    }
    if (typeof dropLast !== 'boolean') throw new Error(`drop_last should be a boolean value, but got drop_last=${pyValue(dropLast)}`);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }

  get length(): number {
    const n = this.sampler.length;
    if (n === undefined) throw new TypeError(`object of type '${this.sampler.constructor.name}' has no len()`);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
}
