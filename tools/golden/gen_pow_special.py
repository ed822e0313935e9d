"""Writes test/golden/pow_special.json, read by test/ops/pow-special.test.ts.

PyTorch computes pow with the scalar exponents 0.5, -0.5, -1, 2, 3 and -2 of a float tensor as other
ops: sqrt, rsqrt, reciprocal, x * x, x * x * x and 1 / (x * x), each rounded in the tensor's dtype
(ATen's pow_tensor_scalar_kernel), so its results differ in the last bit from a correctly rounded
power, and sqrt's -0 and nan for -inf are kept. Its float32 rsqrt divides 1 by a float32 square root
(two roundings). Each case holds inputs chosen where those roundings differ from a single one, and
special values, with PyTorch's results bit for bit.
"""
import numpy as np
import torch

from common import encode_tensor, write_fixture

EXPONENTS = (0.5, -0.5, -1, 2, 3, -2)
SPECIAL = [-0.0, 0.0, float('-inf'), float('inf'), float('nan'), -2.5, 1e-30]


def differing(x, ours, theirs, count):
    """The first `count` elements of x where the two computations disagree."""
    return [float(v) for v in x[(ours != theirs).nonzero().flatten()[:count]]]


def inputs(dtype):
    torch.manual_seed(0)
    x = torch.rand(200000, dtype=dtype) * 100 + 1e-3
    exact = x.double().numpy()
    as_dtype = lambda values: torch.from_numpy(values).to(dtype)
    chosen = differing(x, x.rsqrt(), as_dtype(1 / np.sqrt(exact)), 6)
    chosen += differing(x, x.pow(3), as_dtype(np.power(exact, 3.0)), 6)
    chosen += differing(x, x.pow(-2), as_dtype(np.power(exact, -2.0)), 4)
    return torch.tensor(chosen + SPECIAL, dtype=dtype)


def main():
    cases = []
    for dtype in (torch.float32, torch.float64):
        x = inputs(dtype)
        cases.append({
            'x': encode_tensor(x),
            'rsqrt': encode_tensor(x.rsqrt()),
            'pow': [{'exponent': e, 'result': encode_tensor(x.pow(e))} for e in EXPONENTS],
        })
    write_fixture('pow_special', cases)


if __name__ == '__main__':
    main()
