"""Tensor-level random ops after manual_seed: the values PyTorch gives for the same calls, including
in-place samplers on non-contiguous tensors (filled in memory order) and interleaved calls."""
import torch

from common import encode_tensor, write_fixture

cases = []


def case(key, seed, fn, args):
    torch.manual_seed(seed)
    out = fn()
    cases.append({'key': key, 'seed': seed, 'args': args, 'out': [encode_tensor(t) for t in out]})


for seed in [0, 7]:
    case('rand_randn', seed, lambda: [torch.rand(5), torch.randn(4, 3), torch.randn(20, dtype=torch.float64), torch.rand(2, 3, dtype=torch.float64)], {})
    case('randint_randperm', seed, lambda: [torch.randint(10, (6,)), torch.randint(-5, 5, (2, 3), dtype=torch.int32), torch.randperm(12)], {})
    case('normal', seed, lambda: [torch.normal(2.0, 3.0, (7,)), torch.normal(torch.arange(4.0), torch.ones(4) * 0.5)], {})
    case('inplace_transposed', seed, lambda: [torch.zeros(3, 4).t().uniform_(-1, 1), torch.zeros(4, 5).t().normal_(), torch.zeros(2, 40)[:, ::2].normal_(1, 2)], {})
    case('bernoulli_multinomial', seed, lambda: [torch.bernoulli(torch.full((2, 5), 0.3)), torch.zeros(6).bernoulli_(0.5),
                                                  torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 2),
                                                  torch.multinomial(torch.tensor([[1.0, 2.0, 3.0], [3.0, 0.0, 1.0]]), 4, replacement=True)], {})
    case('random_default_range', seed, lambda: [torch.empty(4, dtype=d).random_() for d in
                                                 [torch.int64, torch.int32, torch.float32, torch.float64, torch.bool, torch.uint8, torch.int8]], {})
    case('exponential_random', seed, lambda: [torch.zeros(5).exponential_(2.0), torch.zeros(6, dtype=torch.int64).random_(0, 100)], {})

write_fixture('random_ops', cases)
