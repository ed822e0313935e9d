// torch.utils.data datasets: the map-style protocol, TensorDataset, Subset, ConcatDataset, randomSplit.
//
// The protocol (PyTorch's __getitem__/__len__): `getItem(index)` returns sample `index`, and a `length`
// getter gives the number of samples. Any object with both is a dataset; extending `Dataset` is optional.
// A dataset that loads lazily may return a Promise from getItem: iterate its DataLoader with `for await`.
import { Tensor, pyTypeName } from '../../tensor/tensor.js';
import { Generator, defaultGenerator } from '../../tensor/random.js';
import { warn } from '../../tensor/warnings.js';
import { randperm } from '../../ops/random.js';
import { generatorOption, intListArg } from '../../tensor/args.js';
import { pyValue } from './sampler.js';

/** A map-style dataset: samples by index, and their count. */
export interface MapDataset<T> {
  getItem(index: number): T;
  readonly length: number;
}

/** `fn`'s dataset argument: any object with a `getItem` method and a numeric `length`. */
export function datasetArg<T>(value: unknown, fn: string, name = 'dataset', position?: number): MapDataset<T> {
  const d = value as Partial<MapDataset<T>> | null;
  if (typeof d !== 'object' || d === null || typeof d.getItem !== 'function' || typeof d.length !== 'number') {
    const at = position === undefined ? '' : ` (position ${position})`;
    throw new TypeError(`${fn}(): argument '${name}'${at} must be a dataset (an object with getItem() and a length), not ${pyTypeName(value)}`);
  }
  return d as MapDataset<T>;
}

/** Base class for map-style datasets (PyTorch's `Dataset`). */
export abstract class Dataset<T> implements MapDataset<T> {
  abstract getItem(index: number): T;
  abstract get length(): number;
}

/** Samples are the `index`-th rows of each tensor: `[x[i], y[i], ...]`. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new Error('TensorDataset: at least one tensor is required');
    for (const t of tensors) {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: expected tensors, got ${pyTypeName(t)}`);
      if (t.dim() === 0 || t.shape[0] !== tensors[0].shape[0]) throw new Error('Size mismatch between tensors');
    }
    this.tensors = tensors;
  }

  getItem(index: number): Tensor[] {
    // PyTorch indexes each tensor (`tensor[index]`): its bounds error, negative indices from the end.
    return this.tensors.map((t) => t.index(index));
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }
}

/** The samples of `dataset` at `indices`, in that order. */
export class Subset<T> extends Dataset<T> {
  readonly dataset: MapDataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: MapDataset<T>, indices: readonly number[]) {
    super();
    this.dataset = datasetArg(dataset, 'Subset', 'dataset', 1);
    this.indices = intListArg(indices, 'Subset', 'indices', 2);
  }

  getItem(index: number): T {
    // Python's list message (Array.prototype.at would read a string as index 0).
    if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`list indices must be integers or slices, not ${pyTypeName(index)}`);
    const i = this.indices.at(index);
    if (i === undefined) throw new RangeError(`list index out of range`);
    return this.dataset.getItem(i);
  }

  get length(): number {
    return this.indices.length;
  }
}

/** Several datasets, one after the other. */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: MapDataset<T>[];
  /** Running totals of the datasets' lengths (PyTorch's `cumulative_sizes`). */
  readonly cumulativeSizes: number[];

  constructor(datasets: Iterable<MapDataset<T>>) {
    super();
    const iterable = typeof datasets === 'object' && datasets !== null && Symbol.iterator in datasets;
    if (!iterable) throw new TypeError(`ConcatDataset(): argument 'datasets' (position 1) must be an iterable of datasets, not ${pyTypeName(datasets)}`);
    this.datasets = [...datasets].map((d, i) => datasetArg<T>(d, 'ConcatDataset', `datasets[${i}]`));
    if (this.datasets.length === 0) throw new Error('datasets should not be an empty iterable');
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += d.length));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  getItem(index: number): T {
    let idx = index;
    if (idx < 0) {
      if (-idx > this.length) throw new Error('absolute value of index should not exceed dataset length');
      idx = this.length + idx;
    }
    // bisect_right: the first dataset whose running total exceeds idx.
    let d = 0;
    while (d < this.cumulativeSizes.length && this.cumulativeSizes[d] <= idx) d++;
    if (d === this.datasets.length) throw new RangeError('list index out of range');
    const sampleIdx = d === 0 ? idx : idx - this.cumulativeSizes[d - 1];
    return this.datasets[d].getItem(sampleIdx);
  }
}

/** Python's math.isclose with its default tolerances. */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Splits a dataset into non-overlapping subsets of the given lengths, or of fractions of its length
 * (remainders go one by one to the first subsets), with the same permutation as PyTorch for the same
 * generator (the default generator when none is given).
 */
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const fn = 'random_split';
  datasetArg(dataset, fn, 'dataset', 1);
  if (!Array.isArray(lengths)) throw new TypeError(`${fn}(): argument 'lengths' (position 2) must be a list of ints or fractions, not ${pyTypeName(lengths)}`);
  lengths.forEach((v: unknown, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const found = typeof v === 'number' ? pyValue(v) : `element of type ${pyTypeName(v)}`;
      throw new TypeError(`${fn}(): argument 'lengths' must be a list of ints or fractions, but found ${found} at pos ${i + 1}`);
    }
  });
  const g = generatorOption(generator, fn, 3) ?? defaultGenerator;
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (isClose(total, 1) && total <= 1) {
    sizes = lengths.map((frac, i) => {
      if (frac < 0 || frac > 1) throw new Error(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(dataset.length * frac);
    });
    const remainder = dataset.length - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
    sizes.forEach((n, i) => {
      if (n === 0) warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  const n = sizes.reduce((a, b) => a + b, 0);
  if (n !== dataset.length) throw new Error('Sum of input lengths does not equal the length of the input dataset!');
  const bad = sizes.findIndex((v) => !Number.isInteger(v) || v < 0);
  if (bad >= 0) throw new Error(`${fn}(): lengths must be non-negative ints (or fractions summing to 1), but found ${pyValue(sizes[bad])} at pos ${bad + 1}`);
  const indices = randperm(n, { generator: g }).tolist() as number[];
  let offset = 0;
  return sizes.map((size) => new Subset(dataset, indices.slice(offset, (offset += size))));
}
