// torch.utils.data.DataLoader (single process) and default_collate.
//
// A DataLoader is iterable (`for (const [x, y] of loader)`) and async-iterable (`for await`), the latter
// for datasets whose getItem returns Promises (the samples of a batch load concurrently). Each pass
// draws a base seed from the loader's generator (or the default one) before anything else, as
// PyTorch's iterator does, so the random numbers a training loop draws stay in step with PyTorch's.
import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import { Generator, defaultGenerator } from '../../tensor/random.js';
import { bool, float64, getDefaultDtype, int64 } from '../../tensor/dtype.js';
import { tensor } from '../../tensor/factory.js';
import { stack } from '../../ops/join.js';
import { datasetArg, type MapDataset } from './dataset.js';
import { boolOption, generatorOption, optionsArg } from '../../tensor/args.js';
import { BatchSampler, RandomSampler, SequentialSampler, drawSeed, type Sized } from './sampler.js';

/** What default collation makes of a sample type: tensors and numbers stack, containers recurse. */
export type Collated<T> = T extends Tensor | number | bigint | boolean
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * PyTorch's default_collate: stacks tensors along a new first dimension; numbers become a tensor
 * (int64 when every value is an integer, float64 when the first is not, the default dtype when only a
 * later one is not: JavaScript cannot tell 1 from 1.0, so an integral number counts as a Python int,
 * as class labels are), bigints int64, booleans bool;
 * strings stay a list; arrays and plain objects are collated element by element.
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  if (!Array.isArray(batch)) throw new TypeError(`default_collate(): argument 'batch' (position 1) must be a list of samples, not ${pyTypeName(batch)}`);
  return collate(batch as readonly unknown[]) as Collated<T>;
}

function unsupported(elem: unknown): TypeError {
  return new TypeError(`default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ${pyTypeName(elem)}`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

function collate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new Error('default_collate: the batch is empty');
  const elem = batch[0];
  if (elem instanceof Tensor) return stack(batch as Tensor[], 0);
  if (typeof elem === 'number') {
    // torch.tensor's message for a value it cannot hold (Could not infer dtype, from tensor(), is not PyTorch's here).
    const other = batch.findIndex((v) => typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint');
    if (other >= 0) throw new TypeError(`new(): invalid data type '${pyTypeName(batch[other])}'`);
    const values = batch as number[];
    // PyTorch: a float first element gives float64; an int one torch.tensor(batch), whose dtype is the
    // default float dtype once a later value is not an integer (a bool or a bigint is one).
    if (!Number.isInteger(elem)) return tensor(values, { dtype: float64 });
    const integral = batch.every((v) => typeof v !== 'number' || Number.isInteger(v));
    return tensor(values, { dtype: integral ? int64 : getDefaultDtype() });
  }
  if (typeof elem === 'bigint') return tensor(batch as bigint[], { dtype: int64 });
  if (typeof elem === 'boolean') return tensor(batch as boolean[], { dtype: bool });
  if (typeof elem === 'string') return [...batch];
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === size)) throw new Error('each element in list of batch should be of equal size');
    return elem.map((_, i) => collate(batch.map((b) => (b as unknown[])[i])));
  }
  if (isPlainObject(elem)) {
    const other = batch.find((b) => !isPlainObject(b));
    if (other !== undefined) throw unsupported(other);
    return Object.fromEntries(
      Object.keys(elem).map((k) => {
        // Python's KeyError, whose message is the key's repr.
        if (!batch.every((b) => Object.hasOwn(b as object, k))) throw new Error(`'${k}'`);
        return [k, collate(batch.map((b) => (b as Record<string, unknown>)[k]))];
      }),
    );
  }
  throw unsupported(elem);
}

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null disables batching: samples come one by one, uncollated. */
  batchSize?: number | null;
  /** Reshuffle every pass (a RandomSampler with `generator`). */
  shuffle?: boolean;
  /** The order of indices (exclusive with shuffle). */
  sampler?: Iterable<number> & Partial<Sized>;
  /** Batches of indices (exclusive with batchSize, shuffle, sampler and dropLast). */
  batchSampler?: Iterable<number[]> & Partial<Sized>;
  /** Makes a batch from a list of samples (default: defaultCollate). */
  collateFn?: (batch: Awaited<T>[]) => B;
  /** Drop the last, incomplete batch. */
  dropLast?: boolean;
  /** The generator for shuffling and the per-pass base seed (default: the default generator). */
  generator?: Generator | null;
}

/** Batches of samples from a map-style dataset, in a sampler's order. */
export class DataLoader<T, B = Collated<Awaited<T>>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: MapDataset<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Iterable<number> & Partial<Sized>;
  readonly batchSampler: (Iterable<number[]> & Partial<Sized>) | null;
  readonly collateFn: (batch: Awaited<T>[]) => B;
  readonly generator: Generator | null;

  constructor(dataset: MapDataset<T>, options?: DataLoaderOptions<T, B> | null) {
    const fn = 'DataLoader';
    this.dataset = datasetArg(dataset, fn, 'dataset', 1);
    const o = optionsArg(options, fn);
    let batchSize = o.batchSize === undefined ? 1 : o.batchSize;
    let dropLast = o.dropLast ?? false;
    const shuffle = boolOption(o.shuffle, fn, 'shuffle') ?? false;
    this.generator = generatorOption(o.generator, fn);
    // null is None: not given.
    const sampler = o.sampler ?? undefined;
    const batchSampler = o.batchSampler ?? undefined;
    for (const [name, value] of [['sampler', sampler], ['batch_sampler', batchSampler]] as const) {
      if (value !== undefined && (typeof value !== 'object' || !(Symbol.iterator in value))) {
        throw new TypeError(`${fn}(): argument '${name}' must be an iterable of indices, not ${pyTypeName(value)}`);
      }
    }
    if (o.collateFn !== undefined && o.collateFn !== null && typeof o.collateFn !== 'function') {
      throw new TypeError(`${fn}(): argument 'collate_fn' must be a function, not ${pyTypeName(o.collateFn)}`);
    }
    if (sampler !== undefined && shuffle) throw new Error('sampler option is mutually exclusive with shuffle');
    if (batchSampler !== undefined) {
      if (batchSize !== 1 || shuffle || sampler !== undefined || dropLast) {
        throw new Error('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new Error('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    }
    this.sampler = sampler ?? (shuffle ? new RandomSampler(dataset, { generator: this.generator }) : new SequentialSampler(dataset));
    this.batchSampler = batchSampler ?? (batchSize !== null ? new BatchSampler(this.sampler, batchSize, dropLast) : null);
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    const autoCollation = this.batchSampler !== null;
    this.collateFn = o.collateFn ?? ((autoCollation ? defaultCollate : (batch: unknown) => batch) as (batch: Awaited<T>[]) => B);
  }

  /** Batches per pass (samples, without batching). */
  get length(): number {
    const n = (this.batchSampler ?? this.sampler).length;
    if (n === undefined) throw new TypeError('the sampler has no length');
    return n;
  }

  /**
   * Starts a pass: the index lists (or single indices without batching), after the base-seed draw that
   * PyTorch's iterator makes on creation.
   */
  private startPass(): Iterator<number[] | number> {
    const order = (this.batchSampler ?? this.sampler)[Symbol.iterator]();
    drawSeed(this.generator ?? defaultGenerator);
    return order;
  }

  [Symbol.iterator](): Iterator<B> {
    return this.batches(this.startPass());
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return this.asyncBatches(this.startPass());
  }

  /**
   * A batch sampler's batch of indices, or null without one (its values are single indices): decided by
   * the loader, as PyTorch's fetcher does, not by what the sampler yields.
   */
  private batchOf(value: unknown): number[] | null {
    if (this.batchSampler === null) return null;
    // PyTorch iterates the batch: "'int' object is not iterable".
    if (typeof value !== 'object' || value === null || !(Symbol.iterator in value)) throw new TypeError(`'${pyTypeName(value)}' object is not iterable`);
    return [...(value as Iterable<number>)];
  }

  private *batches(order: Iterator<number[] | number>): IterableIterator<B> {
    for (let next = order.next(); !next.done; next = order.next()) {
      const batch = this.batchOf(next.value);
      if (batch === null) yield this.collateFn(this.load(next.value as number) as never);
      else yield this.collateFn(batch.map((i) => this.load(i)));
    }
  }

  private async *asyncBatches(order: Iterator<number[] | number>): AsyncIterableIterator<B> {
    for (let next = order.next(); !next.done; next = order.next()) {
      const batch = this.batchOf(next.value);
      if (batch === null) yield await this.collateFn((await this.dataset.getItem(next.value as number)) as never);
      else yield await this.collateFn(await Promise.all(batch.map((i) => this.dataset.getItem(i))));
    }
  }

  private load(index: number): Awaited<T> {
    const item = this.dataset.getItem(index);
    if (item instanceof Promise) throw new TypeError('DataLoader: the dataset returned a Promise; iterate with `for await (... of loader)`');
    return item as Awaited<T>;
  }
}
