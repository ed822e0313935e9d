// torch.utils.data
export { Dataset, TensorDataset, Subset, ConcatDataset, randomSplit, type MapDataset } from './dataset.js';
export { SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, type Sampler, type Sized } from './sampler.js';
export { DataLoader, defaultCollate, type DataLoaderOptions, type Collated } from './dataloader.js';
export * as datasets from './datasets/index.js';
