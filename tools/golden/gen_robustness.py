"""Robustness fixtures: PyTorch's answers to bad arguments, and its numerics at the edges.

Every case is a call written once, as data, and replayed the same way by test/robustness/:
  {'fn': 'torch.name' | 'nn.functional.name', 'args': [...], 'kw': {...}}   torch.name(*inputs, *args, **kw)
  {'method': 'name', 'args': [...], 'kw': {...}}                           inputs[0].name(*inputs[1:], *args, **kw)
The TypeScript side turns names and keyword names into camelCase and passes keywords as a trailing
options object. opcases.make_case records the result (values, grad_fn, gradients) or the error message.

bad_arguments.json:  calls PyTorch rejects (wrong types, dims out of range, negative and huge sizes,
                     shapes that do not broadcast, dtypes an op does not take), with its messages.
numerics.json:       large logits through softmax, log_softmax, logsumexp and cross_entropy; nan and
                     inf through pointwise ops and reductions; integer division by zero; integer
                     overflow (wrap-around) and out-of-range float to integer casts.
"""
import math

import torch

from common import write_fixture
from opcases import make_case

NAN = math.nan
INF = math.inf


def resolve(name):
    target = torch
    for part in name.split('.')[1:]:
        target = getattr(target, part)
    return target


def run_fn(*a):
    *inputs, e = a
    return resolve(e['fn'])(*inputs, *e.get('args', []), **e.get('kw', {}))


def run_method(*a):
    *inputs, e = a
    return getattr(inputs[0], e['method'])(*inputs[1:], *e.get('args', []), **e.get('kw', {}))


def requires_grad(inputs, grad):
    """None: floating inputs are differentiated; False: none is; else one flag per input."""
    return [False] * len(inputs) if grad is False else grad


def fn(name, inputs, *args, grad=None, **kw):
    return make_case('fn', run_fn, inputs, {'fn': name, 'args': list(args), 'kw': kw}, requires_grad=requires_grad(inputs, grad))


def method(name, inputs, *args, grad=None, **kw):
    return make_case('method', run_method, inputs, {'method': name, 'args': list(args), 'kw': kw},
                     requires_grad=requires_grad(inputs, grad))


def with_2x_error(case, message):
    """PyTorch 2.x words this error differently from 1.13 (the generator's); the fixture holds 2.x's."""
    assert 'error' in case, case
    case['error'] = message
    return case


def x23(dtype=torch.float32):
    return torch.tensor([[-2.5, -1.5, -0.5], [0.5, 1.5, 2.5]], dtype=dtype)


def ints(*values, dtype=torch.int64):
    return torch.tensor(values, dtype=dtype)


def bad_argument_cases():
    x = x23()
    i = ints(1, 2, 3)
    b = torch.tensor([True, False, True])
    cases = [
        # Types where a tensor, an int, a list of ints, a float or a dtype goes.
        method('diagonal', [x], 'a', grad=False),
        method('diagonal', [x], 1.5, grad=False),
        method('roll', [x], 'a', grad=False),
        method('roll', [x], 1, 'a', grad=False),
        method('unflatten', [x], 0, 'a', grad=False),
        method('split_with_sizes', [x], None, grad=False),
        method('split_with_sizes', [x], 1, grad=False),
        method('permute', [x], 0, 'a', grad=False),
        method('permute', [x], [0, 1.5], grad=False),
        method('movedim', [x], [0, 'a'], [1, 0], grad=False),
        method('exponential_', [x.clone()], 'a', grad=False),
        method('normal_', [x.clone()], 'a', grad=False),
        method('uniform_', [x.clone()], 0, 'a', grad=False),
        method('addmm_', [x.clone(), x.t()], None, grad=False),
        method('add', [x, x], grad=False, alpha='a'),
        method('div', [x, x], grad=False, rounding_mode='a'),
        fn('torch.promote_types', [], torch.float32, 'a'),
        fn('torch.result_type', [x], 'a'),
        fn('torch.add', [x], 'a', grad=False),
        fn('torch.mul', [x], None, grad=False),
        fn('torch.zeros', [], 2, 1.5),
        fn('torch.zeros', [], [2, 'a']),
        fn('torch.eye', [], 'a'),
        fn('torch.randint', [], 0, 'a', [2]),
        fn('torch.randperm', [], 1.5),
        fn('torch.linspace', [], 0, 1, 1.5),
        fn('torch.arange', [], 'a'),
        # Devices: tstorch's tensors live on the CPU, as in a PyTorch built without CUDA.
        fn('torch.zeros', [], 2, device='cuda'),
        fn('torch.ones', [], 2, device='cuda:0'),
        fn('torch.zeros', [], 2, device='cpu:0'),
        # Dims out of range.
        method('sum', [x], 5, grad=False),
        method('sum', [x], [0, -3], grad=False),
        method('mean', [x], -3, grad=False),
        method('softmax', [x], 2, grad=False),
        method('log_softmax', [x], -3, grad=False),
        method('cumsum', [x], 2, grad=False),
        method('argmax', [x], 2, grad=False),
        method('max', [x], 2, grad=False),
        method('sort', [x], 2, grad=False),
        method('transpose', [x], 0, 2, grad=False),
        method('unsqueeze', [x], 3, grad=False),
        method('squeeze', [x], 2, grad=False),
        method('select', [x], 2, 0, grad=False),
        method('select', [x], 0, 5, grad=False),
        method('narrow', [x], 1, 2, 2, grad=False),
        method('flatten', [x], 0, 2, grad=False),
        method('movedim', [x], 0, 2, grad=False),
        method('gather', [x], 2, ints(0, 1).reshape(2, 1), grad=False),
        method('index_select', [x], 2, ints(0), grad=False),
        fn('torch.cat', [], [x, x], 2),
        fn('torch.stack', [], [x, x], 3),
        # Indices out of range.
        method('__getitem__', [x], 5, grad=False),
        method('gather', [x], 1, ints(0, 5).reshape(2, 1), grad=False),
        method('index_select', [x], 1, ints(3), grad=False),
        fn('torch.take', [x, ints(6)], grad=False),
        # Negative and huge sizes.
        fn('torch.zeros', [], -1),
        fn('torch.ones', [], 2, -3),
        fn('torch.empty', [], [-2]),
        fn('torch.full', [], [-1], 1.0),
        fn('torch.randn', [], -1),
        fn('torch.randperm', [], -1),
        fn('torch.eye', [], -1),
        fn('torch.linspace', [], 0, 1, -1),
        fn('torch.arange', [], 0, 10, -1),
        fn('torch.zeros', [], 2 ** 40),
        fn('torch.ones', [], 2 ** 20, 2 ** 20),
        fn('torch.zeros', [], 2 ** 52, 2 ** 12),
        method('repeat', [x], 1, 2 ** 40, grad=False),
        method('repeat', [x], 0, 2 ** 40, grad=False),
        method('expand', [x], 2, 2 ** 40, grad=False),
        method('view', [x], 4, 2, grad=False),
        method('view', [x], -1, -1, grad=False),
        method('reshape', [x], -2, 3, grad=False),
        method('expand', [x], 2, 4, grad=False),
        method('unflatten', [x], 1, [2, 2], grad=False),
        # Shapes that do not broadcast or multiply.
        fn('torch.add', [x, torch.ones(4, 5)], grad=False),
        fn('torch.mul', [x, torch.ones(3, 2)], grad=False),
        fn('torch.where', [torch.ones(2, 3, dtype=torch.bool), x, torch.ones(4, 1)], grad=False),
        fn('torch.maximum', [x, torch.ones(5)], grad=False),
        fn('torch.mm', [x, x], grad=False),
        # 2.x checks addmv's sizes with this message (gen_linalg.py records it the same way).
        with_2x_error(fn('torch.matmul', [x, torch.ones(2)], grad=False), 'size mismatch, got input (2), mat (2x3), vec (2)'),
        fn('torch.bmm', [x, x], grad=False),
        fn('torch.dot', [torch.ones(3), torch.ones(4)], grad=False),
        fn('torch.cat', [], [x, torch.ones(2, 4)], 0),
        method('masked_fill', [x, torch.ones(3, 2, dtype=torch.bool)], 0.0, grad=False),
        method('add_', [torch.ones(3), x], grad=False),
        # Dtypes an op does not take.
        method('softmax', [i], 0),
        method('log_softmax', [i], 0),
        method('mean', [i]),
        method('var', [i]),
        method('argmax', [b]),
        fn('torch.bitwise_and', [x, x], grad=False),
        fn('torch.bitwise_not', [x], grad=False),
        with_2x_error(fn('torch.mm', [x, torch.ones(3, 2, dtype=torch.int64)], grad=False),
                      'expected m1 and m2 to have the same dtype, but got: float != long int'),
        fn('torch.dot', [torch.ones(3), i], grad=False),
        fn('torch.isclose', [x, x.double()], grad=False),
        fn('torch.quantile', [torch.tensor([1, 2, 3], dtype=torch.int32)], 0.5),
        fn('torch.quantile', [x], 1.5, grad=False),
        fn('torch.multinomial', [i], 2),
        fn('torch.rand', [], 2, dtype=torch.int64),
        method('requires_grad_', [i.clone()]),
        fn('torch.nn.functional.cross_entropy', [x, torch.tensor([0.0, 1.0])], grad=False),
        fn('torch.nn.functional.cross_entropy', [x, ints(0, 3)], grad=False),
        fn('torch.nn.functional.cross_entropy', [x, ints(0, 1, 2)], grad=False),
    ]
    return cases


def big(x):
    return torch.tensor(x, dtype=torch.float32)


def numerics_cases():
    logits = [[1000.0, 0.0, -1000.0], [-3.0e38, 3.0e38, 0.0], [88.7, 88.8, -104.0]]
    cases = []
    for dtype in (torch.float32, torch.float64):
        l = torch.tensor(logits, dtype=dtype)
        cases += [
            fn('torch.softmax', [l], 1),
            fn('torch.softmax', [l], 0),
            fn('torch.log_softmax', [l], 1),
            fn('torch.log_softmax', [l], 0),
            fn('torch.logsumexp', [l], 1),
            fn('torch.logsumexp', [l], [0, 1]),
            fn('torch.nn.functional.cross_entropy', [l, ints(0, 1, 2)], grad=[True, False]),
            fn('torch.nn.functional.cross_entropy', [l, ints(2, 0, 1)], grad=[True, False], reduction='none'),
            fn('torch.nn.functional.cross_entropy', [l, torch.tensor([[0.0, 0.5, 0.5]] * 3, dtype=dtype)], grad=[True, False]),
        ]
    # Rows that are all -inf, or that hold inf or nan.
    special = torch.tensor([[-INF, -INF, -INF], [INF, 0.0, 1.0], [NAN, 0.0, 1.0], [INF, INF, 0.0]])
    cases += [
        fn('torch.softmax', [special], 1, grad=False),
        fn('torch.log_softmax', [special], 1, grad=False),
        fn('torch.logsumexp', [special], 1, grad=False),
    ]
    # nan and inf through pointwise ops, comparisons and reductions.
    v = torch.tensor([NAN, INF, -INF, 0.0, -0.0, 1.0, -2.5])
    w = torch.tensor([1.0, INF, INF, 0.0, 0.0, NAN, -INF])
    for name in ('exp', 'log', 'sqrt', 'sigmoid', 'tanh', 'relu', 'sign', 'floor', 'reciprocal', 'abs', 'neg', 'log1p', 'expm1',
                 'isnan', 'isinf', 'isfinite', 'nan_to_num', 'round', 'frac'):
        cases.append(fn('torch.' + name, [v], grad=False))
    for name in ('add', 'sub', 'mul', 'div', 'pow', 'atan2', 'maximum', 'minimum', 'fmax', 'fmin', 'remainder', 'fmod',
                 'floor_divide', 'eq', 'lt', 'ge'):
        cases.append(fn('torch.' + name, [v, w], grad=False))
    cases += [
        fn('torch.clamp', [v], -1.0, 1.0, grad=False),
        fn('torch.clamp', [torch.tensor([0.5, 2.0])], NAN, grad=False),
        fn('torch.isclose', [v, v], grad=False),
        fn('torch.isclose', [v, v], grad=False, equal_nan=True),
        fn('torch.where', [torch.tensor([True, False]), torch.tensor([NAN, 1.0]), torch.tensor([2.0, NAN])], grad=False),
    ]
    for name in ('sum', 'mean', 'prod', 'amax', 'amin', 'argmax', 'argmin', 'max', 'min', 'median', 'var', 'std', 'norm', 'logsumexp',
                 'all', 'any'):
        args = [0] if name == 'logsumexp' else []
        cases.append(fn('torch.' + name, [v], *args, grad=False))
        cases.append(fn('torch.' + name, [v[1:]], *args, grad=False))
    m = torch.tensor([[NAN, 1.0, 2.0], [INF, -INF, 0.0]])
    cases += [
        fn('torch.max', [m], 1, grad=False),
        fn('torch.min', [m], 1, grad=False),
        fn('torch.sort', [m], 1, grad=False),
        fn('torch.sort', [m], 1, grad=False, descending=True),
        fn('torch.topk', [m], 2, grad=False),
        fn('torch.cumsum', [m], 1, grad=False),
        fn('torch.cumprod', [m], 1, grad=False),
        fn('torch.mm', [torch.tensor([[INF, 0.0], [1.0, 2.0]]), torch.tensor([[0.0, 1.0], [NAN, 1.0]])], grad=False),
        fn('torch.pow', [torch.tensor([0.0, -1.0, -8.0, 0.0]), torch.tensor([-1.0, 0.5, 1.0 / 3.0, 0.0])], grad=False),
    ]
    # Gradients through nan and inf.
    cases += [
        fn('torch.sqrt', [torch.tensor([0.0, 4.0, -1.0], dtype=torch.float64)]),
        fn('torch.log', [torch.tensor([0.0, 1.0, -1.0], dtype=torch.float64)]),
        fn('torch.abs', [torch.tensor([0.0, -0.0, NAN], dtype=torch.float64)]),
        fn('torch.relu', [torch.tensor([0.0, NAN, -INF], dtype=torch.float64)]),
        fn('torch.amax', [torch.tensor([NAN, 1.0, NAN], dtype=torch.float64)]),
        fn('torch.max', [torch.tensor([1.0, INF, INF], dtype=torch.float64)]),
    ]
    # Integer division by zero: true division gives inf and nan, the integer forms raise.
    a = ints(5, -7, 0)
    z = ints(0, 0, 0)
    for dtype in (torch.int64, torch.int32, torch.uint8):
        cases += [
            fn('torch.div', [a.to(dtype) if dtype != torch.uint8 else ints(5, 7, 0).to(dtype), z.to(dtype)]),
            fn('torch.floor_divide', [ints(5, 7, 0).to(dtype), z.to(dtype)]),
            fn('torch.remainder', [ints(5, 7, 0).to(dtype), z.to(dtype)]),
            fn('torch.fmod', [ints(5, 7, 0).to(dtype), z.to(dtype)]),
            fn('torch.div', [ints(5, 7, 0).to(dtype), z.to(dtype)], rounding_mode='trunc'),
            fn('torch.div', [ints(5, 7, 0).to(dtype), z.to(dtype)], rounding_mode='floor'),
        ]
    cases += [
        fn('torch.floor_divide', [a], 0),
        fn('torch.remainder', [a], 0),
        fn('torch.div', [a], 0),
        fn('torch.div', [a], 0, rounding_mode='trunc'),
    ]
    # Integer overflow wraps around, as in C; out-of-range float to integer casts give x86's values.
    i32max = ints(2 ** 31 - 1, dtype=torch.int32)
    i64max = ints(2 ** 63 - 1)
    i64min = ints(-2 ** 63)
    cases += [
        fn('torch.add', [i32max], 1),
        fn('torch.add', [i32max, i32max]),
        fn('torch.add', [i64max], 1),
        fn('torch.sub', [i64min], 1),
        fn('torch.mul', [ints(100000, dtype=torch.int32), ints(100000, dtype=torch.int32)]),
        fn('torch.mul', [ints(100, dtype=torch.int8)], 3),
        fn('torch.mul', [ints(2 ** 40)], 2 ** 40),
        fn('torch.sub', [ints(2, dtype=torch.uint8)], 3),
        fn('torch.add', [ints(200, dtype=torch.uint8), ints(100, dtype=torch.uint8)]),
        fn('torch.abs', [i64min]),
        fn('torch.neg', [ints(-2 ** 31, dtype=torch.int32)]),
        fn('torch.pow', [ints(3)], 41),
        fn('torch.sum', [ints(2 ** 62, 2 ** 62)]),
        fn('torch.sum', [ints(2 ** 31 - 1, 1, dtype=torch.int32)]),
        fn('torch.cumsum', [ints(2 ** 62, 2 ** 62)], 0),
        fn('torch.prod', [ints(2 ** 40, 2 ** 40)]),
        method('to', [torch.tensor([3e9, NAN, INF, -INF])], torch.int32, grad=False),
        method('to', [torch.tensor([3e9, NAN, INF, -INF], dtype=torch.float64)], torch.int64, grad=False),
        method('to', [torch.tensor([300.0, -1.0, 255.9])], torch.uint8, grad=False),
        method('to', [torch.tensor([3.0e38, -3.5e38, 1e-46], dtype=torch.float64)], torch.float32, grad=False),
        fn('torch.exp', [big([88.0, 89.0, -104.0])]),
        fn('torch.mul', [big([3.0e38])], 10.0),
    ]
    return cases


if __name__ == '__main__':
    torch.manual_seed(0)
    write_fixture('bad_arguments', bad_argument_cases())
    write_fixture('numerics', numerics_cases())
