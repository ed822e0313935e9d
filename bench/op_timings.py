"""The PyTorch twin of bench/op-timings.ts: the same ops on the same shapes, timed the same way (the
median of 5 batches of 300 calls after 300 warm-up calls lasting at least a second), on one thread;
prints {name: µs} as JSON.
The thread counts come from the environment op-timings.ts sets (OpenBLAS reads them when loaded)."""
import json
import time

import torch

F = torch.nn.functional
torch.set_num_threads(1)
torch.manual_seed(0)
x = torch.randn(64, 256)
y = torch.randn(64, 256)
positive = x.abs() + 0.1
w = torch.randn(256)
image = torch.randn(32, 16, 14, 14)
kernel = torch.randn(32, 16, 3, 3)
layer_norm = torch.nn.LayerNorm(256)
batch_norm = torch.nn.BatchNorm2d(16)
embedding = torch.nn.Embedding(1000, 64)
indices = torch.randint(0, 1000, (64, 16))
rows = torch.arange(0, 64, 2)
leaf = torch.randn(64, 256, requires_grad=True)
image_leaf = torch.randn(32, 16, 14, 14, requires_grad=True)


def backward_of_tanh_mean():
    leaf.grad = None
    leaf.tanh().mean().backward()


def forward_backward(module, x, upstream):
    """The module's forward and backward from an upstream gradient, the gradients reset first."""
    def run():
        x.grad = None
        module.weight.grad = None
        module.bias.grad = None
        module(x).backward(upstream)
    return run


CASES = [
    ('add', lambda: x.add(y)),
    ('mul', lambda: x.mul(y)),
    ('add a number', lambda: x.add(1)),
    ('mul a row [256]', lambda: x.mul(w)),
    ('relu', lambda: x.relu()),
    ('exp', lambda: x.exp()),
    ('log', lambda: positive.log()),
    ('tanh', lambda: x.tanh()),
    ('sigmoid', lambda: x.sigmoid()),
    ('gelu', lambda: F.gelu(x)),
    ('clamp(-0.5, 0.5)', lambda: x.clamp(-0.5, 0.5)),
    ('pow(2)', lambda: x.pow(2)),
    ('where(x > 0, x, y)', lambda: torch.where(x > 0, x, y)),
    ('sum()', lambda: x.sum()),
    ('sum(1)', lambda: x.sum(1)),
    ('mean(1)', lambda: x.mean(1)),
    ('max(1)', lambda: x.max(1)),
    ('var(1)', lambda: x.var(1)),
    ('softmax(1)', lambda: x.softmax(1)),
    ('log_softmax(1)', lambda: x.log_softmax(1)),
    ('layer_norm', lambda: layer_norm(x)),
    ('batch_norm (training)', lambda: batch_norm(image)),
    ('conv2d 16->32 3x3', lambda: F.conv2d(image, kernel, None, padding=1)),
    ('max_pool2d', lambda: F.max_pool2d(image, 2)),
    ('embedding', lambda: embedding(indices)),
    ('index_select 32 rows', lambda: x.index_select(0, rows)),
    ('cat along dim 1', lambda: torch.cat([x, y], 1)),
    ('t().contiguous()', lambda: x.t().contiguous()),
    ('matmul [64,256] [256,64]', lambda: x.matmul(y.t())),
    ('tanh().mean().backward()', backward_of_tanh_mean),
    ('layer_norm forward and backward', forward_backward(layer_norm, leaf, y)),
    ('batch_norm (training) forward and backward', forward_backward(batch_norm, image_leaf, image)),
]


def timed(fn):
    # As op-timings.ts: 300 calls and at least a second of warm-up.
    warm_until = time.perf_counter() + 1.0
    calls = 0
    while calls < 300 or time.perf_counter() < warm_until:
        fn()
        calls += 1
    batches = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(300):
            fn()
        batches.append((time.perf_counter() - t0) / 300 * 1e6)
    return sorted(batches)[2]


print(json.dumps({name: timed(fn) for name, fn in CASES}))
