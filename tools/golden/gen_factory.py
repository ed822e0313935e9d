"""Fixtures for tensor creation: torch.tensor dtype inference, zeros/ones/full/empty/arange/linspace/
logspace/eye and the *_like forms, with their errors."""
import torch

from common import encode_tensor, write_fixture

cases = []


def case(key, fn, args):
    """args are JSON-able and replayed by the TS table under `key`."""
    entry = {'key': key, 'args': args}
    try:
        entry['out'] = encode_tensor(fn())
    except Exception as e:
        entry['error'] = str(e).split('\n')[0]
    cases.append(entry)


D = {'float32': torch.float32, 'float64': torch.float64, 'int64': torch.int64, 'int32': torch.int32,
     'int16': torch.int16, 'int8': torch.int8, 'uint8': torch.uint8, 'bool': torch.bool, None: None}

for data in [[1.5, 2.0], [[1.0, 2.0], [3.0, 4.0]], 3.25, [], [[]], [True, False], True, [[[1.0]], [[2.0]]]]:
    case('tensor', lambda: torch.tensor(data), {'data': data})
for dtype in ['float64', 'int64', 'int32', 'int8', 'uint8', 'bool', 'int16']:
    case('tensor', lambda: torch.tensor([0.0, 1.7, -2.5, 300.0], dtype=D[dtype]), {'data': [0.0, 1.7, -2.5, 300.0], 'dtype': dtype})
case('tensor', lambda: torch.tensor([[1.0, 2.0], [3.0]]), {'data': [[1.0, 2.0], [3.0]]})
case('tensor', lambda: torch.tensor([1, 2], dtype=torch.int64, requires_grad=True), {'data': [1, 2], 'dtype': 'int64', 'requiresGrad': True})

for shape in [[], [0], [2, 3], [1, 0, 2], [4]]:
    for dtype in [None, 'float64', 'int64', 'bool', 'uint8']:
        case('zeros', lambda: torch.zeros(shape, dtype=D[dtype]), {'shape': shape, 'dtype': dtype})
        case('ones', lambda: torch.ones(shape, dtype=D[dtype]), {'shape': shape, 'dtype': dtype})
case('zeros', lambda: torch.zeros([2, -1]), {'shape': [2, -1], 'dtype': None})
for value, dtype in [(2.5, None), (True, None), (7, 'int32'), (-1, 'uint8'), (3.7, 'int64'), (0.1, 'float64')]:
    case('full', lambda: torch.full([2, 2], value, dtype=D[dtype]), {'shape': [2, 2], 'value': value, 'dtype': dtype})

for args in [[5], [0], [1, 4], [0, 10, 3], [10, 0, -2], [0.0, 1.0, 0.25], [-1.5, 2.5], [0, 1, 0.1], [1, 2.5, 0.5], [5, 1]]:
    if all(isinstance(a, int) for a in args):
        fn = (lambda a=args: torch.arange(*a))
    else:
        fn = (lambda a=args: torch.arange(*a))
    case('arange', fn, {'args': args})
case('arange', lambda: torch.arange(0, 5, 0), {'args': [0, 5, 0]})
case('arange', lambda: torch.arange(0, 5, dtype=torch.float64), {'args': [0, 5], 'dtype': 'float64'})
for start, end, steps, dtype in [(-1, 1, 20, None), (0, 1, 5, None), (0, 1, 1, None), (0, 1, 0, None), (2, -3, 7, 'float64'),
                                 (0, 10, 11, 'int64'), (0.1, 0.9, 9, None), (-10, 10, 101, 'float64')]:
    case('linspace', lambda: torch.linspace(start, end, steps, dtype=D[dtype]), {'args': [start, end, steps], 'dtype': dtype})
case('linspace', lambda: torch.linspace(0, 1, -1), {'args': [0, 1, -1], 'dtype': None})
for start, end, steps, base in [(0, 3, 4, 10.0), (-2, 2, 5, 2.0), (0, 1, 3, 10.0)]:
    case('logspace', lambda: torch.logspace(start, end, steps, base=base), {'args': [start, end, steps], 'base': base})
for n, m, dtype in [(3, None, None), (2, 4, None), (4, 2, 'int64'), (0, None, None), (1, 1, 'bool')]:
    case('eye', lambda: torch.eye(n, m, dtype=D[dtype]) if m is not None else torch.eye(n, dtype=D[dtype]), {'n': n, 'm': m, 'dtype': dtype})

src = torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.int32)
for key, fn in [('zeros_like', torch.zeros_like), ('ones_like', torch.ones_like)]:
    case(key, lambda: fn(src), {'dtype': None})
    case(key, lambda: fn(src, dtype=torch.float64), {'dtype': 'float64'})
case('full_like', lambda: torch.full_like(src, 7), {'value': 7, 'dtype': None})
case('full_like', lambda: torch.full_like(src, 2.5, dtype=torch.float32), {'value': 2.5, 'dtype': 'float32'})

write_fixture('factory', cases)
