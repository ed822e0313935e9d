"""Fixtures for src/utils/data (data.json) and the Fashion-MNIST slice under test/data/fashion-mnist/.

Sampler and DataLoader cases record the index orders PyTorch produces for given seeds, with the default
generator and with explicit ones, over several passes, and what the default generator yields afterwards
(proving that tstorch consumes the same random numbers). randomSplit, ConcatDataset, default_collate and
error messages are recorded too. PyTorch 1.13 and 2.x agree on all of these (same sampler, split and
base-seed code).

The slice: the first 64 training and 64 test images and labels of Debian's dataset-fashion-mnist
(Zalando's files, MIT licensed), rewritten as IDX files with the count set to 64, gzipped with mtime 0.

Run: /usr/bin/python3 tools/golden/gen_data.py
"""
import gzip
import os
import struct

import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, RandomSampler, SequentialSampler,
                              SubsetRandomSampler, TensorDataset, WeightedRandomSampler, random_split)
from torch.utils.data._utils.collate import default_collate

from common import encode, encode_tensor, write_fixture

FMNIST = '/usr/share/datasets/fashion-mnist'
SLICE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'data', 'fashion-mnist')
SLICE = 64
SEEDS = [0, 1, 42, 2024]


def after_rng():
    """What the default generator gives next: shows how many numbers the case consumed."""
    return torch.randint(0, 2 ** 31, (2,)).tolist()


def sampler_cases():
    cases = []
    for seed in SEEDS:
        for n in (10, 64, 100):
            torch.manual_seed(seed)
            s = RandomSampler(range(n))
            cases.append({'kind': 'random', 'seed': seed, 'n': n, 'generator': False,
                          'passes': [list(s), list(s)], 'after': after_rng()})
            torch.manual_seed(seed + 1000)
            g = torch.Generator().manual_seed(seed)
            s = RandomSampler(range(n), generator=g)
            cases.append({'kind': 'random', 'seed': seed, 'n': n, 'generator': True, 'defaultSeed': seed + 1000,
                          'passes': [list(s), list(s)], 'after': after_rng()})
        torch.manual_seed(seed)
        s = RandomSampler(range(13), replacement=True, num_samples=70)
        cases.append({'kind': 'random', 'seed': seed, 'n': 13, 'generator': False, 'replacement': True,
                      'numSamples': 70, 'passes': [list(s)], 'after': after_rng()})
        torch.manual_seed(seed)
        s = RandomSampler(range(10), num_samples=25)
        cases.append({'kind': 'random', 'seed': seed, 'n': 10, 'generator': False, 'numSamples': 25,
                      'passes': [list(s)], 'after': after_rng()})
        torch.manual_seed(seed)
        indices = [3, 7, 11, 19, 23, 29, 31]
        s = SubsetRandomSampler(indices)
        cases.append({'kind': 'subset', 'seed': seed, 'indices': indices, 'passes': [list(s), list(s)],
                      'after': after_rng()})
        torch.manual_seed(seed)
        weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
        s = WeightedRandomSampler(weights, 12, replacement=True)
        cases.append({'kind': 'weighted', 'seed': seed, 'weights': weights, 'numSamples': 12, 'replacement': True,
                      'passes': [list(s)], 'after': after_rng()})
        torch.manual_seed(seed)
        s = WeightedRandomSampler(weights, 5, replacement=False)
        cases.append({'kind': 'weighted', 'seed': seed, 'weights': weights, 'numSamples': 5, 'replacement': False,
                      'passes': [list(s)], 'after': after_rng()})
    for size, drop in ((3, False), (3, True), (5, False), (10, True), (11, False)):
        s = BatchSampler(SequentialSampler(range(10)), size, drop)
        cases.append({'kind': 'batch', 'n': 10, 'batchSize': size, 'dropLast': drop, 'passes': [list(s)],
                      'length': len(s)})
    return cases


def loader_cases():
    cases = []
    n = 23
    x = torch.arange(2 * n, dtype=torch.float32).reshape(n, 2)
    y = torch.arange(n)
    ds = TensorDataset(x, y)
    for seed in SEEDS:
        for batch_size, drop_last in ((4, False), (7, True), (1, False)):
            torch.manual_seed(seed)
            loader = DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last)
            passes = [[b[1].tolist() for b in loader] for _ in range(2)]
            cases.append({'seed': seed, 'n': n, 'batchSize': batch_size, 'dropLast': drop_last, 'generator': False,
                          'length': len(loader), 'passes': passes, 'after': after_rng()})
        torch.manual_seed(seed + 1000)
        g = torch.Generator().manual_seed(seed)
        loader = DataLoader(ds, batch_size=5, shuffle=True, generator=g)
        passes = [[b[1].tolist() for b in loader] for _ in range(2)]
        cases.append({'seed': seed, 'n': n, 'batchSize': 5, 'dropLast': False, 'generator': True,
                      'defaultSeed': seed + 1000, 'length': len(loader), 'passes': passes, 'after': after_rng()})
        torch.manual_seed(seed)
        loader = DataLoader(ds, batch_size=6, shuffle=False)
        passes = [[b[1].tolist() for b in loader]]
        cases.append({'seed': seed, 'n': n, 'batchSize': 6, 'dropLast': False, 'generator': False, 'shuffle': False,
                      'length': len(loader), 'passes': passes, 'after': after_rng()})
    return cases


def split_cases():
    cases = []
    for seed in SEEDS:
        for n, lengths in ((10, [3, 7]), (30, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]), (7, [0.2, 0.2, 0.2, 0.2, 0.2]),
                           (4, [1, 1, 2])):
            g = torch.Generator().manual_seed(seed)
            parts = random_split(range(n), lengths, generator=g)
            cases.append({'seed': seed, 'n': n, 'lengths': lengths, 'generator': True,
                          'indices': [list(p.indices) for p in parts]})
        torch.manual_seed(seed)
        parts = random_split(range(12), [5, 7])
        cases.append({'seed': seed, 'n': 12, 'lengths': [5, 7], 'generator': False,
                      'indices': [list(p.indices) for p in parts], 'after': after_rng()})
    return cases


def collate_cases():
    g = torch.Generator().manual_seed(7)
    t = [torch.randn(2, 3, generator=g) for _ in range(3)]
    batches = {
        'tensors': t,
        'ints': [3, 1, 4, 1],
        'floats': [0.5, 1.25, -2.0],
        'bools': [True, False, True],
        'strings': ['a', 'bc', 'd'],
        'tuples': [(t[0], 1), (t[1], 2), (t[2], 3)],
        'dicts': [{'x': t[0], 'y': 0.5, 'label': 2}, {'x': t[1], 'y': 1.5, 'label': 0}],
        'nested': [{'pair': [t[0][0], 1], 'name': 'p'}, {'pair': [t[1][0], 2], 'name': 'q'}],
    }
    out = []
    for name, batch in batches.items():
        out.append({'name': name, 'batch': encode(batch), 'result': encode(default_collate(batch))})
    return out


def error_cases():
    out = []

    def record(name, fn):
        try:
            fn()
        except (ValueError, TypeError, RuntimeError, AssertionError) as e:
            out.append({'name': name, 'error': str(e)})
            return
        raise AssertionError(name)

    ds = TensorDataset(torch.zeros(4, 2), torch.zeros(4))
    record('batch size 0', lambda: BatchSampler(SequentialSampler(range(3)), 0, False))
    record('num samples 0', lambda: RandomSampler(range(3), num_samples=0))
    record('weighted 2d', lambda: WeightedRandomSampler([[0.1, 0.2]], 2))
    record('sampler and shuffle', lambda: DataLoader(ds, sampler=SequentialSampler(ds), shuffle=True))
    record('batch sampler and batch size', lambda: DataLoader(ds, batch_sampler=[[0, 1]], batch_size=2))
    record('no batching and drop last', lambda: DataLoader(ds, batch_size=None, drop_last=True))
    record('split sum', lambda: random_split(range(10), [3, 8]))
    record('split fraction', lambda: random_split(range(10), [1.5, -0.5]))
    record('concat index', lambda: ConcatDataset([range(2), range(3)])[-6])
    record('tensor dataset sizes', lambda: TensorDataset(torch.zeros(3), torch.zeros(4)))
    record('collate list sizes', lambda: default_collate([[1, 2], [3]]))
    record('collate stack sizes', lambda: default_collate([torch.zeros(2), torch.zeros(3)]))
    return out


def write_slice():
    if not os.path.isdir(FMNIST):
        raise SystemExit(f'{FMNIST} is missing: apt-get install -y dataset-fashion-mnist')
    os.makedirs(SLICE_DIR, exist_ok=True)
    summary = {}
    for split in ('train', 't10k'):
        with gzip.open(f'{FMNIST}/{split}-images-idx3-ubyte.gz') as f:
            magic, count, rows, cols = struct.unpack('>IIII', f.read(16))
            images = f.read(SLICE * rows * cols)
        with gzip.open(f'{FMNIST}/{split}-labels-idx1-ubyte.gz') as f:
            lmagic, lcount = struct.unpack('>II', f.read(8))
            labels = f.read(SLICE)
        for name, payload in ((f'{split}-images-idx3-ubyte', struct.pack('>IIII', magic, SLICE, rows, cols) + images),
                              (f'{split}-labels-idx1-ubyte', struct.pack('>II', lmagic, SLICE) + labels)):
            with open(os.path.join(SLICE_DIR, name + '.gz'), 'wb') as f:
                with gzip.GzipFile(filename='', mode='wb', fileobj=f, mtime=0) as gz:
                    gz.write(payload)
        img = torch.tensor(list(images), dtype=torch.uint8).reshape(SLICE, rows, cols)
        summary[split] = {
            'count': count, 'shape': [rows, cols], 'labels': list(labels),
            'first': encode_tensor(img[0]), 'pixelSums': img.reshape(SLICE, -1).sum(1).tolist(),
            # torchvision's ToTensor: float32 in [0, 1], shape [1, 28, 28].
            'lastAsFloat': encode_tensor(img[-1].to(torch.float32).div(255).unsqueeze(0)),
        }
    return summary


if __name__ == '__main__':
    write_fixture('data', {
        'samplers': sampler_cases(), 'loaders': loader_cases(), 'splits': split_cases(), 'collate': collate_cases(),
        'concat': [ConcatDataset([range(3), range(10, 15), range(20, 22)])[i] for i in range(-10, 10)],
        'errors': error_cases(), 'fashionMnist': write_slice(),
    })
