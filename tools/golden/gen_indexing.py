"""Fixtures for indexing: reading t[items], writing t[items] = value, and index_put.

Writes test/golden/indexing.json, replayed by test/ops/indexing.test.ts through test/ops/harness.ts.

A call takes (xs, e), as in gen_shape.py (e['pre'] and e['post'] are its layout and squaring codes).
The index items are in e['items'], encoded with numbers and lists only (the harness decodes strings as
numbers): an int, None, a bool, a list of ints or bools, a tensor, {'ellipsis': 1}, or
{'slice': [start, stop, step], 'obj': k}: the TypeScript test passes slices as Python-syntax strings
('1:3', '::2') when k is 0 and as torch.slice(...) objects when k is 1. Cases also record the result's
strides, storage offset, storage sharing with the input, version counter and output_nr (`layouts`).

PyTorch 2.x differences from the installed 1.13, recorded as 2.x:
  - int32 index tensors are accepted (1.13 rejects them), and the message for other dtypes names them:
    "tensors used as indices must be long, int, byte or bool tensors".
"""
import torch

from common import write_fixture
from gen_shape import PRE, R, collect, make_call

OLD_DTYPE_MESSAGE = 'tensors used as indices must be long, byte or bool tensors'
NEW_DTYPE_MESSAGE = 'tensors used as indices must be long, int, byte or bool tensors'


def py_item(it):
    if isinstance(it, dict):
        if 'ellipsis' in it:
            return Ellipsis
        return slice(*it['slice'])
    if isinstance(it, torch.Tensor) and it.dtype == torch.int32:
        return it.long()  # 2.x: int32 index tensors index like int64 ones
    if isinstance(it, list):
        return it
    return it


def py_items(items):
    """The subscript: a lone item as itself (t[0] and t[(0,)] take different paths in PyTorch), else a tuple."""
    converted = tuple(py_item(it) for it in items)
    return converted[0] if len(converted) == 1 else converted


def py_indices(indices):
    return tuple(None if t is None else py_item(t) for t in indices)


def setitem(base, e, value):
    base[py_items(e['items'])] = value
    return base


INDEX_OPS = {
    'index': lambda x, e: x[py_items(e['items'])],
    'setitem': lambda x, v, e: setitem(x * 1, e, v),
    'setitem_scalar': lambda x, e: setitem(x * 1, e, e['value']),
    'setitem_clone': lambda x, v, e: setitem(x.detach().clone(), e, v),
    'setitem_leaf': lambda x, e: setitem(x, e, e['value']),
    'view_after_setitem': lambda x, e: view_after_setitem(x, e),
    'index_put': lambda x, v, e: x.index_put(py_indices(e['indices']), v, accumulate=bool(e.get('accumulate', 0))),
    'index_put_': lambda x, v, e: (x * 1).index_put_(py_indices(e['indices']), v, accumulate=bool(e.get('accumulate', 0))),
    'torch_index_put': lambda x, v, e: torch.index_put(x, py_indices(e['indices']), v, accumulate=bool(e.get('accumulate', 0))),
}


def view_after_setitem(x, e):
    """A view of a non-leaf, taken before its base is written through an index: its history is regenerated."""
    base = x * 1
    view = base[1:]
    base[py_items(e['items'])] = e['value']
    return view


def S(start=None, stop=None, step=None, obj=0):
    return {'slice': [start, stop, step], 'obj': obj}


E = {'ellipsis': 1}
L = lambda values, dtype=torch.int64: torch.tensor(values, dtype=dtype)
B = lambda values: torch.tensor(values, dtype=torch.bool)


def index_cases():
    cases, case = collect(INDEX_OPS, layouts=True)

    def fix_messages(c):
        if c.get('error') == OLD_DTYPE_MESSAGE:
            c['error'] = NEW_DTYPE_MESSAGE

    def finish(c, pre):
        fix_messages(c)
        # Copies of non-contiguous inputs get TensorIterator's stride order, which tstorch does not follow.
        if pre != 0 and c.get('layouts') and not c['layouts'][0]['shares']:
            del c['layouts']

    def index(x, items, **e):
        case('index', [x], {'items': items, **e})
        finish(cases[-1], e.get('pre', 0))

    # basic indexing: views
    x = lambda: R(2, 3, 4)
    for items in [[1], [-1], [0, 1], [0, -1, 2], [S(1)], [S(None, None, 2)], [S(None, None, 2, 1)], [S(-2), S(None, -1)],
                  [S(1, 3, 1, 1), 2], [E, 1], [E, S(1, 3)], [1, E], [None], [E, None], [0, None, S(1, 3)], [None, 0, E, None],
                  [S(5, 9)], [S(2, 1)], [S(0, 2), 1], [S(0, 2), E], [S(0, 5), 1], [S(1, None, 3), S(None, None, 2, 1), S(1, 4, 2)],
                  [E], [S()], [S(), S()], [L(1)], [L(-1), L(2, torch.int32)], [], [S(None, None, 5)]]:
        index(x(), items)
    for pre in [1, 2, 3, 5, 6]:
        index(R(3, 4) if pre != 3 else x(), [S(1), 0], pre=pre)
        index(R(3, 4) if pre != 3 else x(), [E, S(None, None, 2)], pre=pre)
    index(R(), [E])
    index(R(), [None])
    index(R(2, 3, dtype=torch.float64), [S(1), S(0, 2)], post=1)
    index(R(2, 3, dtype=torch.int64, low=-9, high=9), [1, S(1)])
    index(R(2, 3, dtype=torch.bool), [E, 0])

    # advanced indexing: copies
    for items in [[[0, 1]], [[1, 1, 0]], [L([[0, 1], [1, 0]])], [S(), [0, 2]], [S(), [2, 0], S(1, 3)], [[0, 1], S(), [1, 3]],
                  [[0, 1], [1, 2]], [[0, 1], [1, 2], [3, 0]], [B([[True, False, True]] * 2), [1, 3, 3]], [L([[0], [1]]), S(), [1, 2, 3]], [0, S(), [1, 3]], [[0, 1], 0],
                  [[1, 0], S(), 0], [B([True, False])], [B([[True, False, True], [False, False, True]])], [S(), B([True, False, True])],
                  [E, B([True, False, False, True])], [E, [True, False, True, True]], [B([False, False])], [1, B([False, True, True])], [None, [0, 1]], [E, [0, -1]], [L([0, 1], torch.int32), S(1)],
                  [L([1, 0], torch.uint8)], [L([-1, -2])], [True], [False], [True, 0], [B(True)], [B(False), E], [1, [0, 0, 2]],
                  [[]], [L([], torch.int64), S()], [[0, 1], None, [1, 2]], [S(1), [0, 2], None],
                  [0, L([[0, 1], [2, 2]]), S(None, None, 3)]]:
        index(x(), items)
    for pre in [1, 2, 3, 5, 6]:
        index(R(3, 4) if pre != 3 else x(), [[0, 1], [1, 0]], pre=pre)
        index(R(3, 4) if pre != 3 else x(), [E, [1, 1]], pre=pre)
    index(R(5, dtype=torch.float64), [[0, 0, 2, 4, 4]], post=1)
    index(R(3, 4, dtype=torch.float64), [S(), [1, 1, 3]], post=1)
    index(R(3, 4, dtype=torch.float64), [R(3, 4, dtype=torch.bool)], post=1)
    index(R(3, 4, dtype=torch.int64, low=-9, high=9), [[2, 0], [3, 3]])
    index(R(3, 4, dtype=torch.bool), [[2, 0]])
    index(R(), [True])
    index(R(), [B(True)])

    # errors
    for items in [[5], [-4], [0, 5], [None, 5], [E, 5], [0, 0, 0, 0], [[5]], [S(), [7]], [[0, 1], S(), [1, 4]], [L([0.0, 1.0], torch.float32)],
                  [B([True, False, True])], [S(), B([True, False])], [B([[True, False, True]])], [[0, 1], [0, 1, 2]], [[True, False, True]],
                  [B([[True, False, True, True]] * 3), 0], [B([[True, False, True]] * 2), S(1)],
                  [S(None, None, 0)], [S(None, None, -1)], [L([0, 1], torch.int16)]]:
        index(x(), items)
    index(R(), [0])
    index(R(), [1])
    index(R(), [0, 0])
    index(R(0, 3), [[0]])

    # writing: t[items] = value, on a non-leaf (CopySlices when through a view)
    def setitem_case(x, items, v=None, value=None, key=None, **e):
        if v is not None:
            case(key or 'setitem', [x, v], {'items': items, **e})
        else:
            case(key or 'setitem_scalar', [x], {'items': items, 'value': value, **e})
        finish(cases[-1], e.get('pre', 0))

    setitem_case(R(3, 4), [0], value=5.5)
    setitem_case(R(3, 4), [0], v=R())
    setitem_case(R(3, 4), [0], v=R(4))
    setitem_case(R(3, 4), [0], v=R(1, 4))
    setitem_case(R(3, 4), [S(), S(1, 3)], v=R(3, 2))
    setitem_case(R(3, 4), [S(), S(1, 3)], v=R(2))
    setitem_case(R(3, 4), [S(None, None, 2)], v=R(2, 1))
    setitem_case(R(3, 4), [E, 1], value=-1.5)
    setitem_case(R(3, 4), [E], value=2.5)
    setitem_case(R(3, 4), [S()], v=R(4))
    setitem_case(R(3, 4), [None, 1], v=R(4))
    setitem_case(R(3, 4), [S(0, 3)], v=R(3, 4))
    setitem_case(R(3, 4), [R(3, 4, dtype=torch.bool)], value=0.5)
    setitem_case(R(3, 4), [R(3, 4, dtype=torch.bool)], v=R())
    setitem_case(R(3, 4), [B([True, False, True])], v=R(4))
    setitem_case(R(3, 4), [[0, 2]], v=R(2, 4))
    setitem_case(R(3, 4), [[0, 2]], v=R(1, 1, 4))
    setitem_case(R(3, 4), [[2, 0, 2]], value=1.5)
    setitem_case(R(3, 4), [S(), [1, 3]], v=R(3, 1))
    setitem_case(R(3, 4), [0, [1, 3]], v=R(2))
    setitem_case(R(3, 4), [[0, 1], [1, 3]], v=R(2))
    setitem_case(R(2, 3, 4), [[0, 1], S(), [1, 3]], v=R(3))
    setitem_case(R(3, 4), [L([0, 1], torch.int32)], value=1.5)
    setitem_case(R(3, 4), [True], v=R(4))
    setitem_case(R(3, 4), [False], v=R(4))
    setitem_case(R(4, 3), [S(1)], v=R(2, 4), pre=1)
    setitem_case(R(3, 4, dtype=torch.float64), [S(), [0, 2]], v=R(2, dtype=torch.float64), post=1)
    setitem_case(R(3, 4, dtype=torch.int64, low=-9, high=9), [[0, 2]], value=7)
    setitem_case(R(3, 4, dtype=torch.int64, low=-9, high=9), [0], v=R(4))
    setitem_case(R(3, 4), [0], v=R(3))
    setitem_case(R(3, 4), [0], v=R(2, 4))
    setitem_case(R(3, 4), [[0, 1]], v=R(3))
    setitem_case(R(3, 4), [[0, 1]], v=R(4, dtype=torch.float64))
    setitem_case(R(3, 4), [[0, 4]], value=1.5)
    setitem_case(R(3, 4), [0, 0, 0], value=1.5)
    setitem_case(R(3, 4), [0], value=1.5, key='setitem_leaf')
    setitem_case(R(3, 4), [R(3, 4, dtype=torch.bool)], value=1.5, key='setitem_leaf')
    case('setitem_clone', [R(3, 4), R(4)], {'items': [1]}, requires_grad=[False, True])
    for items in [[0], [S(), 1], [[0, 2]]]:
        case('view_after_setitem', [R(3, 4)], {'items': items, 'value': 2.5})

    # index_put
    def put_case(key, x, v, indices, **e):
        case(key, [x, v], {'indices': indices, **e})
        finish(cases[-1], e.get('pre', 0))

    for acc in [0, 1]:
        put_case('index_put', R(3, 4), R(3, 4), [L([0, 2, 0])], accumulate=acc)
        put_case('index_put', R(3, 4), R(4), [L([1, 1])], accumulate=acc)
        put_case('index_put', R(3, 4), R(), [L([0, 2]), L([3, 3])], accumulate=acc)
        put_case('index_put_', R(3, 4), R(2, 4), [L([0, 0])], accumulate=acc)
        put_case('torch_index_put', R(3, 4), R(3), [L([2, 1, 2]), L([0, 1, 0])], accumulate=acc)
    put_case('index_put', R(3, 4), R(), [R(3, 4, dtype=torch.bool)])
    put_case('index_put', R(2, 3, 4), R(2, 4), [L([0, 1]), L([1, 1])])
    put_case('index_put', R(2, 3, 4), R(1), [B([[True, False, True], [False, False, True]])], accumulate=1)
    put_case('index_put', R(3, 4, dtype=torch.float64), R(2, 4, dtype=torch.float64), [L([0, 2])], post=1)
    put_case('index_put', R(3, 4, dtype=torch.int64, low=-9, high=9), R(2, dtype=torch.int64, low=-9, high=9), [L([0, 2]), L([1, 1])], accumulate=1)
    put_case('index_put', R(3, 4), R(3), [L([0, 2])])
    put_case('index_put', R(3, 4), R(dtype=torch.float64), [L([0, 2])])
    put_case('index_put', R(3, 4), R(), [L([0]), L([0]), L([0])])
    put_case('index_put', R(3, 4), R(), [L([0, 3])])
    put_case('index_put', R(3, 4), R(), [L([0.0], torch.float32)])
    return cases


if __name__ == '__main__':
    write_fixture('indexing', index_cases())
