"""Fixtures for views, joining/splitting and the shape ops.

Writes test/golden/view.json (view ops, split/chunk/unbind) replayed by test/ops/view.test.ts, and
test/golden/shape.json (cat/stack, gather/scatter, index_* ops, masked ops, take/put, nonzero, flip,
roll, repeat/tile, tril/triu, pad) replayed by test/ops/shape.test.ts, through test/ops/harness.ts.

Every case names a call by its key; the TypeScript tests have a call under the same key doing the same
thing in tstorch. A call takes (xs, e): xs are the case's tensors, e the extra arguments, numbers and
lists only (the harness decodes every string in `extra` as a number):
  e['pre']   a layout code applied to the first input before the op (PRE below), so that ops see
             non-contiguous inputs and offsets while the recorded tensors stay contiguous
  e['post']  1: the op's output is squared, so that gradients depend on the input and second
             derivatives exercise the backward formulas' own backward
Cases of view ops also record each output's strides, storage offset, whether it shares storage with
the input, its version counter and output_nr (`layouts`), checked by test/ops/layouts.ts.

Where PyTorch 2.x differs from the installed 1.13, the 2.x behaviour is recorded (marked "2.x").
"""
import torch
import torch.nn.functional as F

from common import write_fixture
from opcases import make_case, rand

GEN = torch.Generator().manual_seed(20240612)


def R(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


def I(high, *shape):
    """Random int64 indices in [0, high)."""
    return torch.randint(0, high, shape, generator=GEN, dtype=torch.int64)


def L(values, dtype=torch.int64):
    return torch.tensor(values, dtype=dtype)


PRE = {
    0: lambda x: x,
    1: lambda x: x.transpose(0, 1),
    2: lambda x: x[..., ::2],
    3: lambda x: x.permute(*reversed(range(x.dim()))),
    4: lambda x: x[1],
    5: lambda x: x[1:],
    6: lambda x: x.expand(2, *x.shape),
}


def raise_2x(message, exc=RuntimeError):
    raise exc(message)


def layouts_of(result, first):
    outs = [result] if isinstance(result, torch.Tensor) else list(result)
    return [{'strides': list(o.stride()), 'offset': o.storage_offset(),
             'shares': o.storage().data_ptr() == first.storage().data_ptr(),
             'version': o._version, 'output_nr': o.output_nr} for o in outs]


def make_call(op):
    def call(*args):
        *xs, e = args
        out = op(PRE[e.get('pre', 0)](xs[0]), *xs[1:], e)
        if e.get('post') == 1:
            out = out * out if isinstance(out, torch.Tensor) else [o * o for o in out]
        return out
    return call


def collect(ops, layouts):
    cases = []

    def case(key, inputs, e=None, grad_fn=None, requires_grad=None):
        e = dict(e or {})
        call = make_call(ops[key])
        c = make_case(key, call, inputs, e, requires_grad=requires_grad)
        if 'error' not in c:
            if c['grad_fn'] == 'ViewBackward0' and e.get('post') is None:
                # 2.x: reshape views a contiguous input; a non-contiguous viewable one goes through
                # _reshape_alias (opcases decides by the leaf, which here may differ from the op's input).
                ins = [t.detach().clone().requires_grad_(t.dtype.is_floating_point) for t in inputs]
                x = PRE[e.get('pre', 0)](ins[0])
                if type(call(*ins, e).grad_fn).__name__ == 'ReshapeAliasBackward0' and not x.is_contiguous():
                    c['grad_fn'] = 'ReshapeAliasBackward0'
            if grad_fn is not None:
                c['grad_fn'] = grad_fn
            if layouts and e.get('post') is None:
                ins = [t.detach().clone().requires_grad_(rg) for t, rg in zip(inputs, c['requires_grad'])]
                c['layouts'] = layouts_of(call(*ins, e), ins[0])
        cases.append(c)
    return cases, case


# ---------------------------------------------------------------------------------------------- views

def narrow_2x(x, dim, start, length):
    # 2.x: narrow checks the length first and range-checks start without wrapping it like a dim.
    if x.dim() == 0:
        raise_2x('narrow() cannot be applied to a 0-dim tensor.')
    if length < 0:
        raise_2x('narrow(): length must be non-negative.')
    size = x.size(dim)
    if not -size <= start <= size:
        raise_2x(f'start out of range (expected to be in range of [{-size}, {size}], but got {start})', IndexError)
    return x.narrow(dim, start + size if start < 0 else start, length)


def squeeze_dims_2x(x, dims):
    # 2.x squeeze(dims) (absent from 1.13): the size-1 dims among `dims`, one SqueezeBackward2 node.
    wrapped = [d % x.dim() if x.dim() else 0 for d in dims]
    for d in dims:
        if not -max(x.dim(), 1) <= d < max(x.dim(), 1):
            x.size(d)  # the dim-out-of-range error
    seen = set()
    for d in wrapped:
        if d in seen:
            raise_2x(f'dim {d} appears multiple times in the list of dims')
        seen.add(d)
    for d in sorted(set(wrapped), reverse=True):
        x = x.squeeze(d)
    return x


def T_2x(x):
    # 2.x: x.T of a 0-dim tensor is an alias.
    return x.T


def inplace_on(view_of):
    def op(x, e):
        base = x * 1
        view_of(base).mul_(2)
        return base
    return op


VIEW_OPS = {
    'view': lambda x, e: x.view(e['shape']),
    'view_as': lambda x, y, e: x.view_as(y),
    'reshape': lambda x, e: x.reshape(e['shape']),
    'reshape_as': lambda x, y, e: x.reshape_as(y),
    'flatten': lambda x, e: x.flatten(e.get('start', 0), e.get('end', -1)),
    'unflatten': lambda x, e: x.unflatten(e['dim'], e['sizes']),
    'permute': lambda x, e: x.permute(e['dims']),
    'transpose': lambda x, e: x.transpose(e['d0'], e['d1']),
    'swapaxes': lambda x, e: torch.swapaxes(x, e['d0'], e['d1']),
    't': lambda x, e: x.t(),
    'mT': lambda x, e: x.mT,
    'T': lambda x, e: T_2x(x),
    'movedim': lambda x, e: x.movedim(e['src'], e['dst']),
    'expand': lambda x, e: x.expand(e['sizes']),
    'expand_as': lambda x, y, e: x.expand_as(y),
    'broadcast_to': lambda x, e: torch.broadcast_to(x, e['shape']),
    'squeeze_all': lambda x, e: x.squeeze(),
    'squeeze': lambda x, e: x.squeeze(e['dim']),
    'squeeze_dims': lambda x, e: squeeze_dims_2x(x, e['dims']),
    'unsqueeze': lambda x, e: x.unsqueeze(e['dim']),
    'select': lambda x, e: x.select(e['dim'], e['index']),
    'narrow': lambda x, e: narrow_2x(x, e['dim'], e['start'], e['length']),
    'unfold': lambda x, e: x.unfold(e['dim'], e['size'], e['step']),
    'diagonal': lambda x, e: x.diagonal(e.get('offset', 0), e.get('d1', 0), e.get('d2', 1)),
    'as_strided': lambda x, e: x.as_strided(e['size'], e['stride'], e.get('offset')),
    'contiguous': lambda x, e: x.contiguous(),
    'clone': lambda x, e: x.clone(),
    'double': lambda x, e: x.double(),
    'float': lambda x, e: x.float(),
    'long': lambda x, e: x.long(),
    'split': lambda x, e: x.split(e['size'], e.get('dim', 0)),
    'chunk': lambda x, e: x.chunk(e['chunks'], e.get('dim', 0)),
    'unbind': lambda x, e: x.unbind(e.get('dim', 0)),
    'torch_split': lambda x, e: torch.split(x, e['size'], e.get('dim', 0)),
    'inplace_split': inplace_on(lambda b: b.split(2)[0]),
    'inplace_chunk': inplace_on(lambda b: b.chunk(2)[1]),
    'inplace_unbind': inplace_on(lambda b: b.unbind()[0]),
    'inplace_select': inplace_on(lambda b: b.select(0, 1)),
    'inplace_view_of_split': inplace_on(lambda b: b.split(2)[0][0]),
    'inplace_transpose': inplace_on(lambda b: b.t()),
}


def view_cases():
    cases, case = collect(VIEW_OPS, layouts=True)
    f32, f64 = torch.float32, torch.float64
    x34 = lambda dtype=f32: R(3, 4, dtype=dtype)
    x234 = lambda dtype=f32: R(2, 3, 4, dtype=dtype)

    # view / reshape / flatten / unflatten
    for pre, shape, view_shape in [(0, (3, 4), [2, 6]), (0, (3, 4), [-1]), (0, (2, 3, 4), [4, -1]), (0, (2, 3, 4), [2, 3, 2, 2]),
                                   (0, (3, 4), [3, 1, 4, 1]), (5, (3, 4), [8]), (4, (2, 3, 4), [12]), (6, (3, 4), [2, 3, 2, 2]),
                                   (2, (3, 4), [6]), (1, (3, 4), [12]), (0, (), [1, 1]), (0, (1,), []), (0, (0, 3), [3, 0]),
                                   (0, (3, 4), [4, 2]), (0, (3, 4), [-1, -1]), (0, (3, 4), [0, -1]), (0, (3, 4), [5, -1]),
                                   (0, (3, 4), [-2, 6])]:
        case('view', [R(*shape)], {'shape': view_shape, 'pre': pre})
    case('view', [x34(f64)], {'shape': [6, 2], 'post': 1})
    case('view', [R(3, 4, dtype=torch.int64, low=-5, high=5)], {'shape': [12]})
    case('view_as', [x34(), R(2, 6)])
    for pre, shape, new in [(0, (3, 4), [12]), (0, (3, 4), [2, -1]), (1, (3, 4), [12]), (1, (3, 4), [2, 6]), (2, (3, 4), [6]),
                            (2, (3, 4), [3, 2, 1]), (5, (3, 4), [4, 2]), (3, (2, 3, 4), [4, 6]), (3, (2, 3, 4), [4, 3, 2]),
                            (4, (2, 3, 4), [2, 2, 3]), (6, (3, 4), [6, 4]), (6, (3, 4), [2, 12]), (0, (), [1]), (0, (3, 4), [7])]:
        case('reshape', [R(*shape)], {'shape': new, 'pre': pre})
    case('reshape', [R(3, 4)], {'shape': [3, 2, 1], 'pre': 2})
    case('reshape', [x34(f64)], {'shape': [2, 6], 'pre': 1, 'post': 1})
    case('reshape', [x34(f64)], {'shape': [2, 6], 'post': 1})
    case('reshape_as', [x34(), R(6, 2)])
    for pre, shape, e in [(0, (2, 3, 4), {}), (0, (2, 3, 4), {'start': 1}), (0, (2, 3, 4), {'start': 0, 'end': 1}),
                          (0, (2, 3, 4), {'start': 1, 'end': 1}), (0, (), {}), (0, (5,), {}), (1, (3, 4), {}),
                          (3, (2, 3, 4), {'start': 1}), (0, (2, 3, 4), {'start': 2, 'end': 1}), (0, (2, 3, 4), {'start': 3})]:
        case('flatten', [R(*shape)], {**e, 'pre': pre})
    for pre, shape, e in [(0, (2, 12), {'dim': 1, 'sizes': [3, 4]}), (0, (2, 12), {'dim': -1, 'sizes': [2, -1]}),
                          (1, (3, 4), {'dim': 0, 'sizes': [2, 2]}), (0, (2, 12), {'dim': 1, 'sizes': [5, 2]}),
                          (0, (2, 12), {'dim': 2, 'sizes': [3, 4]})]:
        case('unflatten', [R(*shape)], {**e, 'pre': pre})

    # permutations
    for pre, shape, dims in [(0, (2, 3, 4), [2, 0, 1]), (0, (2, 3, 4), [-1, 0, 1]), (1, (3, 4), [1, 0]), (2, (2, 3, 4), [1, 2, 0]),
                             (0, (), []), (0, (3, 4), [0]), (0, (3, 4), [0, 0]), (0, (3, 4), [0, 2])]:
        case('permute', [R(*shape)], {'dims': dims, 'pre': pre})
    case('permute', [R(2, 3, 4, dtype=f64)], {'dims': [1, 2, 0], 'post': 1})
    for pre, shape, d0, d1 in [(0, (2, 3, 4), 0, 2), (0, (2, 3, 4), -1, 1), (0, (3, 4), 1, 1), (5, (3, 4), 0, 1), (0, (5,), 0, 0),
                               (0, (), 0, -1), (0, (3, 4), 0, 2)]:
        case('transpose', [R(*shape)], {'d0': d0, 'd1': d1, 'pre': pre})
    case('swapaxes', [x234()], {'d0': 0, 'd1': 1})
    for pre, shape in [(0, (3, 4)), (0, (4,)), (0, ()), (2, (3, 4)), (0, (2, 3, 4))]:
        case('t', [R(*shape)], {'pre': pre})
    for shape in [(3, 4), (2, 3, 4), (4,)]:
        case('mT', [R(*shape)])
    for shape in [(3, 4), (2, 3, 4), (4,)]:
        case('T', [R(*shape)])
    case('T', [R()], grad_fn='AliasBackward0')  # 2.x: an alias
    for src, dst in [(0, 2), (-1, 0), ([0, 1], [2, 0]), ([0, 1], [2]), ([0, 0], [1, 2]), ([0, 1], [2, 2]), (3, 0)]:
        case('movedim', [x234()], {'src': src, 'dst': dst})

    # expand / broadcast_to / squeeze / unsqueeze
    for pre, shape, sizes in [(0, (3, 1), [3, 4]), (0, (3, 1), [2, 3, 4]), (0, (3, 1), [-1, 5]), (0, (4,), [1, 4]), (0, (4,), [2, 1, 4]),
                              (0, (), [2, 3]), (1, (1, 3), [3, 2]), (2, (2, 1, 4), [3, 2, 5, 2]), (0, (3, 4), [3, 5]),
                              (0, (3, 4), [4]), (0, (3, 4), [-1, 2, 4]), (0, (3, 1), [-1, 3, 1]), (0, (3, 4), [2, 6, 4])]:
        case('expand', [R(*shape)], {'sizes': sizes, 'pre': pre})
    case('expand', [R(3, 1, dtype=f64)], {'sizes': [2, 3, 4], 'post': 1})
    case('expand_as', [R(3, 1), R(2, 3, 4)])
    case('broadcast_to', [R(4)], {'shape': [3, 4]})
    for pre, shape in [(0, (1, 3, 1, 4)), (0, (1,)), (0, ()), (0, (3, 4)), (1, (1, 3)), (6, (1, 4))]:
        case('squeeze_all', [R(*shape)], {'pre': pre})
    for shape, dim in [((1, 3, 1, 4), 0), ((1, 3, 1, 4), -2), ((1, 3, 1, 4), 1), ((), 0), ((), -1), ((3, 4), 2)]:
        case('squeeze', [R(*shape)], {'dim': dim})
    for shape, dims in [((1, 3, 1, 4), [0, 2]), ((1, 3, 1, 4), [1, -2]), ((1, 3, 1, 4), [3]), ((1, 3, 1, 4), [0, -4]),
                        ((1, 3, 1, 4), [0, 4])]:
        case('squeeze_dims', [R(*shape)], {'dims': dims}, grad_fn='SqueezeBackward2')
    for pre, shape, dim in [(0, (3, 4), 0), (0, (3, 4), 2), (0, (3, 4), -1), (0, (3, 4), 1), (2, (3, 4), 2), (2, (3, 4), 1),
                            (0, (), 0), (0, (), -1), (0, (3, 4), 3), (0, (3, 4), -4)]:
        case('unsqueeze', [R(*shape)], {'dim': dim, 'pre': pre})

    # select / narrow / unfold / diagonal / as_strided
    for pre, shape, dim, index in [(0, (3, 4), 0, 1), (0, (3, 4), 1, -1), (0, (2, 3, 4), -2, 2), (1, (3, 4), 0, 3), (2, (3, 4), 1, 1),
                                   (5, (3, 4), 0, 0), (0, (3, 4), 1, 4), (0, (3, 4), 0, -4), (0, (3, 4), -1, 5), (0, (), 0, 0),
                                   (0, (3, 4), 2, 0)]:
        case('select', [R(*shape)], {'dim': dim, 'index': index, 'pre': pre})
    case('select', [R(3, 4, dtype=f64)], {'dim': 1, 'index': 2, 'post': 1})
    for pre, shape, dim, start, length in [(0, (3, 4), 1, 1, 2), (0, (3, 4), 0, -2, 2), (0, (3, 4), 1, 4, 0), (1, (3, 4), 0, 1, 3),
                                           (2, (3, 4), 1, 0, 1), (0, (3, 4), 1, 3, 2), (0, (3, 4), 1, -5, 2), (0, (3, 4), 1, 5, 0),
                                           (0, (3, 4), 1, 1, -1), (0, (), 0, 0, 1), (0, (3, 4), 2, 0, 1)]:
        case('narrow', [R(*shape)], {'dim': dim, 'start': start, 'length': length, 'pre': pre})
    case('narrow', [R(5, dtype=f64)], {'dim': 0, 'start': 1, 'length': 3, 'post': 1})
    for pre, shape, dim, size, step in [(0, (7,), 0, 3, 2), (0, (3, 5), 1, 2, 1), (0, (3, 5), 0, 2, 2), (0, (3, 5), -1, 5, 3),
                                        (1, (3, 5), 1, 2, 1), (0, (), 0, 1, 1), (0, (3, 5), 1, 6, 1), (0, (3, 5), 1, 2, 0)]:
        case('unfold', [R(*shape)], {'dim': dim, 'size': size, 'step': step, 'pre': pre})
    case('unfold', [R(6, dtype=f64)], {'dim': 0, 'size': 3, 'step': 1, 'post': 1})
    for pre, shape, e in [(0, (3, 4), {}), (0, (3, 4), {'offset': 1}), (0, (3, 4), {'offset': -2}), (0, (3, 4), {'offset': 5}),
                          (0, (2, 3, 4), {'d1': 1, 'd2': 2}), (0, (2, 3, 4), {'offset': 1, 'd1': 2, 'd2': 0}), (1, (3, 4), {'offset': 1}),
                          (0, (3, 4), {'d1': 1, 'd2': 1}), (0, (4,), {})]:
        case('diagonal', [R(*shape)], {**e, 'pre': pre})
    case('diagonal', [R(3, 3, dtype=f64)], {'offset': 0, 'post': 1})
    for pre, shape, e in [(0, (3, 4), {'size': [2, 2], 'stride': [1, 2]}), (0, (3, 4), {'size': [2, 2], 'stride': [1, 2], 'offset': 1}),
                          (0, (3, 4), {'size': [3, 3], 'stride': [1, 1]}), (5, (3, 4), {'size': [4], 'stride': [2]}),
                          (0, (3, 4), {'size': [2], 'stride': [-1]}), (0, (3, 4), {'size': [4], 'stride': [10], 'offset': 1}),
                          (0, (3, 4), {'size': [2, 2], 'stride': [1]})]:
        case('as_strided', [R(*shape)], {**e, 'pre': pre})
    case('as_strided', [R(3, 4, dtype=f64)], {'size': [3, 3], 'stride': [1, 1], 'post': 1})

    # copies
    for pre in [0, 1, 2, 3, 6]:
        case('contiguous', [x234() if pre == 3 else x34()], {'pre': pre})
        case('clone', [x234() if pre == 3 else x34()], {'pre': pre})
    for pre in [0, 1]:
        case('double', [x34()], {'pre': pre})
        case('float', [x34(f64)], {'pre': pre})
        case('float', [x34()], {'pre': pre})
        case('long', [x34()], {'pre': pre})

    # split / chunk / unbind (multi-output views)
    for pre, shape, e in [(0, (5, 3), {'size': 2}), (0, (5, 3), {'size': 5}), (0, (5, 3), {'size': 7}), (0, (3, 4), {'size': 3, 'dim': 1}),
                          (0, (5, 3), {'size': [1, 4]}), (0, (5, 3), {'size': [2, 0, 3]}), (0, (3, 4), {'size': [1, 3], 'dim': -1}),
                          (1, (3, 4), {'size': 3}), (2, (3, 4), {'size': 1, 'dim': 1}), (0, (0, 2), {'size': 0}),
                          (0, (5, 3), {'size': -1}), (0, (5, 3), {'size': 0}), (0, (5, 3), {'size': [1, 1]}),
                          (0, (5, 3), {'size': [-1, 6]}), (0, (3, 4), {'size': [1, 1], 'dim': -1}), (0, (), {'size': 1})]:
        case('split', [R(*shape)], {**e, 'pre': pre})
    case('split', [R(5, 3, dtype=f64)], {'size': 2, 'post': 1})
    case('torch_split', [R(5, 3)], {'size': [3, 2]})
    for pre, shape, e in [(0, (5, 3), {'chunks': 2}), (0, (4, 3), {'chunks': 3, 'dim': 0}), (0, (6,), {'chunks': 4}),
                          (0, (3, 4), {'chunks': 5, 'dim': 1}), (0, (0, 2), {'chunks': 3}), (1, (3, 4), {'chunks': 2}),
                          (0, (3, 4), {'chunks': 0}), (0, (), {'chunks': 1})]:
        case('chunk', [R(*shape)], {**e, 'pre': pre})
    for pre, shape, e in [(0, (3, 4), {}), (0, (3, 4), {'dim': 1}), (0, (2, 3, 4), {'dim': -1}), (1, (3, 4), {}), (0, (), {}),
                          (0, (3, 4), {'dim': 2})]:
        case('unbind', [R(*shape)], {**e, 'pre': pre})
    case('unbind', [R(2, 3, dtype=f64)], {'dim': 1, 'post': 1})

    # in-place changes of views of non-leaves: allowed (CopySlices) except on multi-output views
    for key in ['inplace_split', 'inplace_chunk', 'inplace_unbind', 'inplace_select', 'inplace_view_of_split', 'inplace_transpose']:
        case(key, [R(4, 3)])
    return cases


# ------------------------------------------------------------------------------------- shape ops

def masked_fill_2x(x, mask, value):
    # 2.x: masked_fill takes only bool masks (1.13 also took uint8, float, ...).
    if mask.dtype != torch.bool:
        torch.broadcast_tensors(mask, x)
        if isinstance(value, torch.Tensor) and value.dim() != 0:
            return x.masked_fill(mask.bool(), value)  # the value's check comes first
        raise_2x(f'masked_fill_ only supports boolean masks, but got mask with dtype {CPP_NAMES[mask.dtype]}')
    return x.masked_fill(mask, value)


def masked_select_2x(x, mask):
    # 2.x: masked_select takes only bool masks.
    if mask.dtype != torch.bool:
        raise_2x('masked_select: expected BoolTensor for mask')
    # 1.13's backward (masked_scatter_ into a zero tensor laid out like x) fills a non-contiguous x in
    # memory order; 2.x fills it in logical order (pytorch#100232), as a contiguous x gets here.
    return x.contiguous().masked_select(mask)


def tri_2x(name):
    def op(x, e):
        # 2.x: tril/triu check the number of dims first.
        if x.dim() < 2:
            raise_2x(f'{name}: input tensor must have at least 2 dimensions')
        return getattr(x, name)(e.get('diagonal', 0))
    return op


PAD_MODES = {0: 'constant', 1: 'reflect', 2: 'replicate'}


def pad_2x(x, e):
    # 2.x: F.pad is torch._C._nn.pad; its argument checks and messages replace 1.13's Python ones.
    pad, mode = e['pad'], PAD_MODES[e.get('mode', 0)]
    if len(pad) % 2:
        raise_2x('Padding length must be divisible by 2')
    if len(pad) > 2 * x.dim():
        raise_2x(f'Padding length should be less than or equal to two times the input dimension but got padding length {len(pad)} and input of dimension {x.dim()}')
    if mode == 'constant':
        # Negative pads crop with narrow, whose 2.x form checks the length's sign first.
        size = list(x.shape)
        for k in range(len(pad) // 2):
            d = x.dim() - 1 - k
            for p in pad[2 * k:2 * k + 2]:
                if p < 0:
                    if size[d] + p < 0:
                        raise_2x('narrow(): length must be non-negative.')
                    size[d] += p
        return F.pad(x, pad, value=e.get('value', 0))
    if e.get('value') is not None:
        raise_2x(f'Padding mode "{mode}" doesn\'t take in value argument')
    return F.pad(x, pad, mode=mode)


CPP_NAMES = {torch.uint8: 'unsigned char', torch.float32: 'float', torch.int64: 'long int'}
REDUCE = {0: 'add', 1: 'multiply', 2: 'max'}

SHAPE_OPS = {
    'cat': lambda x, *rest: torch.cat([x, *rest[:-1]], rest[-1].get('dim', 0)),
    'stack': lambda x, *rest: torch.stack([x, *rest[:-1]], rest[-1].get('dim', 0)),
    'hstack': lambda x, *rest: torch.hstack([x, *rest[:-1]]),
    'vstack': lambda x, *rest: torch.vstack([x, *rest[:-1]]),
    'dstack': lambda x, *rest: torch.dstack([x, *rest[:-1]]),
    'gather': lambda x, idx, e: x.gather(e['dim'], idx),
    'scatter': lambda x, idx, src, e: x.scatter(e['dim'], idx, src),
    'scatter_value': lambda x, idx, e: x.scatter(e['dim'], idx, e['value']),
    'scatter_reduce': lambda x, idx, src, e: x.scatter(e['dim'], idx, src, reduce=REDUCE[e['reduce']]),
    'scatter_reduce_backward': lambda x, idx, src, e: torch.autograd.grad(x.scatter(e['dim'], idx, src, reduce=REDUCE[e['reduce']]).sum(), x),
    'scatter_': lambda x, idx, src, e: x.clone().scatter_(e['dim'], idx, src),
    'scatter_add': lambda x, idx, src, e: x.scatter_add(e['dim'], idx, src),
    'scatter_add_': lambda x, idx, src, e: x.clone().scatter_add_(e['dim'], idx, src),
    'index_select': lambda x, idx, e: x.index_select(e['dim'], idx),
    'index_add': lambda x, idx, src, e: x.index_add(e['dim'], idx, src, alpha=e.get('alpha', 1)),
    'index_add_': lambda x, idx, src, e: x.clone().index_add_(e['dim'], idx, src),
    'index_copy': lambda x, idx, src, e: x.index_copy(e['dim'], idx, src),
    'index_copy_': lambda x, idx, src, e: x.clone().index_copy_(e['dim'], idx, src),
    'index_fill': lambda x, idx, e: x.index_fill(e['dim'], idx, e['value']),
    'index_fill_tensor': lambda x, idx, v, e: x.index_fill(e['dim'], idx, v),
    'index_fill_': lambda x, idx, e: x.clone().index_fill_(e['dim'], idx, e['value']),
    'masked_fill': lambda x, mask, e: masked_fill_2x(x, mask, e['value']),
    'masked_fill_tensor': lambda x, mask, v, e: masked_fill_2x(x, mask, v),
    'masked_fill_': lambda x, mask, e: x.clone().masked_fill_(mask, e['value']),
    'masked_select': lambda x, mask, e: masked_select_2x(x, mask),
    'masked_scatter': lambda x, mask, src, e: x.masked_scatter(mask, src),
    'masked_scatter_': lambda x, mask, src, e: x.clone().masked_scatter_(mask, src),
    'take': lambda x, idx, e: x.take(idx),
    'put': lambda x, idx, src, e: x.put(idx, src, accumulate=bool(e.get('accumulate', 0))),
    'put_': lambda x, idx, src, e: x.clone().put_(idx, src, accumulate=bool(e.get('accumulate', 0))),
    'nonzero': lambda x, e: x.nonzero(),
    'nonzero_tuple': lambda x, e: x.nonzero(as_tuple=True),
    'argwhere': lambda x, e: torch.argwhere(x),
    'flip': lambda x, e: x.flip(e['dims']),
    'fliplr': lambda x, e: torch.fliplr(x),
    'flipud': lambda x, e: torch.flipud(x),
    'roll': lambda x, e: x.roll(e['shifts'], e['dims']) if 'dims' in e else x.roll(e['shifts']),
    'repeat': lambda x, e: x.repeat(e['repeats']),
    'tile': lambda x, e: x.tile(e['dims']),
    'tril': tri_2x('tril'),
    'triu': tri_2x('triu'),
    'tril_': lambda x, e: x.clone().tril_(e.get('diagonal', 0)),
    'triu_': lambda x, e: x.clone().triu_(e.get('diagonal', 0)),
    'pad': pad_2x,
}


def shape_cases():
    cases, case = collect(SHAPE_OPS, layouts=False)
    f32, f64, i64 = torch.float32, torch.float64, torch.int64

    # cat / stack / hstack / vstack / dstack
    case('cat', [R(2, 3), R(4, 3)], {'dim': 0})
    case('cat', [R(2, 3), R(2, 1), R(2, 2)], {'dim': -1})
    case('cat', [R(2, 3, dtype=f64), R(2, 3)], {'dim': 0})
    case('cat', [R(2, 3), R(2, 3, dtype=i64, low=-5, high=5)], {'dim': 1})
    case('cat', [R(2, 3), R(0)], {'dim': 0})
    case('cat', [R(3, 2), R(3, 2)], {'dim': 0, 'pre': 1})
    case('cat', [R(2, 3), R(2, 4)], {'dim': 0})
    case('cat', [R(2, 3), R(3)], {'dim': 0})
    case('cat', [R(), R()], {'dim': 0})
    case('cat', [R(2, 3), R(2, 3)], {'dim': 2})
    case('cat', [R(2, 3, dtype=f64), R(1, 3, dtype=f64)], {'dim': 0, 'post': 1})
    case('stack', [R(2, 3), R(2, 3)], {'dim': 0})
    case('stack', [R(2, 3), R(2, 3), R(2, 3)], {'dim': 2})
    case('stack', [R(2, 3), R(2, 3)], {'dim': -1})
    case('stack', [R(), R()], {'dim': 0})
    case('stack', [R(2, 3), R(3, 2)], {'dim': 0})
    case('stack', [R(2, 3), R(2, 3)], {'dim': 3})
    case('stack', [R(3, 2), R(2, 3)], {'dim': 1, 'pre': 1})
    case('hstack', [R(2, 3), R(2, 1)], {})
    case('hstack', [R(3), R(2)], {})
    case('hstack', [R(), R(2)], {})
    case('vstack', [R(3), R(3)], {})
    case('vstack', [R(2, 3), R(3)], {})
    case('dstack', [R(2, 3), R(2, 3)], {})
    case('dstack', [R(3), R(3)], {})

    # gather / scatter / scatter_add
    for dtype in [f32, f64]:
        case('gather', [R(3, 4, dtype=dtype), I(4, 3, 2)], {'dim': 1})
        case('gather', [R(3, 4, dtype=dtype), I(3, 2, 4)], {'dim': 0})
    case('gather', [R(2, 3, 4), I(3, 2, 2, 2)], {'dim': 1})
    case('gather', [R(2, 3, 4), I(4, 1, 1, 5)], {'dim': -1})
    case('gather', [R(3, 4), L([[0, 0, 0], [3, 3, 3]])], {'dim': 1})
    case('gather', [R(4, 3), I(4, 2, 3)], {'dim': 0, 'pre': 1})
    case('gather', [R(3, 4, dtype=i64, low=-9, high=9), I(4, 3, 2)], {'dim': 1})
    case('gather', [R(), L(0)], {'dim': 0})
    case('gather', [R(3, 4), L([[0, 4]])], {'dim': 1})
    case('gather', [R(3, 4), L([[0, -1]])], {'dim': 1})
    case('gather', [R(3, 4), L([[0, 1]], torch.int32)], {'dim': 1})
    case('gather', [R(3, 4), L([0, 1])], {'dim': 1})
    case('gather', [R(3, 4), I(3, 4, 2)], {'dim': 1})
    case('gather', [R(3, 4), torch.zeros(0, 2)], {'dim': 1}, requires_grad=[True, False])
    case('gather', [R(3, 4), I(3, 3, 2)], {'dim': 2})
    case('gather', [R(3, 4, dtype=f64), I(4, 3, 5)], {'dim': 1, 'post': 1})
    for dtype in [f32, f64]:
        case('scatter', [R(3, 5, dtype=dtype), L([[0, 2], [1, 4], [3, 3]]), R(3, 2, dtype=dtype)], {'dim': 1})
    case('scatter', [R(3, 4), L([[0, 1, 2, 0]]), R(1, 4)], {'dim': 0})
    case('scatter', [R(2, 3, 4), L([[[1], [0]]]), R(1, 2, 1)], {'dim': 2})
    case('scatter', [R(3, 4), L([[0, 1]]), R(3, 4)], {'dim': 1, 'pre': 0}, requires_grad=[True, False, False])
    case('scatter', [R(4, 3), L([[0, 1]]), R(1, 2)], {'dim': 0, 'pre': 1})
    case('scatter', [R(3, 4), L([[0, 4]]), R(1, 2)], {'dim': 1})
    case('scatter', [R(3, 4), L([[0, 1]]), R(1, 2, dtype=f64)], {'dim': 1})
    case('scatter', [R(3, 4), L([[0, 1]], torch.int32), R(1, 2)], {'dim': 1})
    case('scatter', [R(3, 4), L([0, 1]), R(2)], {'dim': 1})
    case('scatter', [R(3, 4), L([[0, 1, 2, 3, 0]]), R(1, 5)], {'dim': 1})
    case('scatter', [R(3, 4), L([[0, 1, 2]]), R(1, 2)], {'dim': 1})
    case('scatter', [R(3, 4, dtype=i64, low=-9, high=9), L([[0, 1]]), R(1, 2, dtype=i64, low=-9, high=9)], {'dim': 1})
    case('scatter', [R(3, 4, dtype=f64), L([[0, 2], [1, 1]]), R(2, 2, dtype=f64)], {'dim': 1, 'post': 1})
    case('scatter_value', [R(3, 4), L([[0, 2], [1, 1]])], {'dim': 1, 'value': 1.5})
    case('scatter_value', [R(3, 4, dtype=i64, low=-9, high=9), L([[0, 2]])], {'dim': 0, 'value': 7})
    case('scatter_value', [R(3, 4), L([[0, 5]])], {'dim': 1, 'value': 1.5})
    for r in [0, 1]:
        case('scatter_reduce', [R(3, 4), L([[0, 0], [1, 3]]), R(2, 2)], {'dim': 1, 'reduce': r}, requires_grad=[False, False, False])
        case('scatter_reduce', [R(3, 4, dtype=i64, low=-9, high=9), L([[0, 0], [1, 3]]), R(2, 2, dtype=i64, low=-9, high=9)], {'dim': 1, 'reduce': r})
    case('scatter_reduce', [R(3, 4), L([[0, 0]]), R(1, 2)], {'dim': 1, 'reduce': 2})
    case('scatter_reduce_backward', [R(3, 4), L([[0, 0], [1, 3]]), R(2, 2)], {'dim': 1, 'reduce': 0})
    case('scatter_', [R(3, 4), L([[0, 2], [3, 1]]), R(2, 2)], {'dim': 1})
    for dtype in [f32, f64]:
        case('scatter_add', [R(3, 4, dtype=dtype), L([[0, 0, 2], [1, 1, 1]]), R(2, 3, dtype=dtype)], {'dim': 1})
    case('scatter_add', [R(4, 3), L([[0, 0, 0], [3, 0, 3]]), R(2, 3)], {'dim': 0})
    case('scatter_add', [R(3, 4), L([[0, 0]]), R(1, 3)], {'dim': 1}, requires_grad=[True, False, False])
    case('scatter_add', [R(3, 4), L([[0, 1]]), R(1, 1)], {'dim': 1})
    case('scatter_add', [R(3, 4), L([[0, 1]]), R(1, 2, dtype=f64)], {'dim': 1})
    case('scatter_add', [R(3, 4), L([0, 1]), R(3, 4)], {'dim': 1})
    case('scatter_add', [R(3, 4, dtype=i64, low=-9, high=9), L([[0, 0]]), R(1, 2, dtype=i64, low=-9, high=9)], {'dim': 1})
    case('scatter_add', [R(3, 4, dtype=f64), L([[0, 0], [2, 1]]), R(2, 2, dtype=f64)], {'dim': 0, 'post': 1})
    case('scatter_add_', [R(3, 4), L([[0, 0], [3, 1]]), R(2, 2)], {'dim': 1})

    # index_select / index_add / index_copy / index_fill
    for dtype in [f32, f64]:
        case('index_select', [R(3, 4, dtype=dtype), L([0, 3, 3])], {'dim': 1})
        case('index_select', [R(3, 4, dtype=dtype), L([2, 0])], {'dim': 0})
    case('index_select', [R(2, 3, 4), L([1, 1, 0, 2])], {'dim': -2})
    case('index_select', [R(5), L([4, 0, 4])], {'dim': 0})
    case('index_select', [R(3, 4), L([0, 2], torch.int32)], {'dim': 1})
    case('index_select', [R(3, 4), L(2)], {'dim': 1})
    case('index_select', [R(), L([0])], {'dim': 0})
    case('index_select', [R(3, 4), L([], i64)], {'dim': 0})
    case('index_select', [R(4, 3), L([1, 2])], {'dim': 1, 'pre': 1})
    case('index_select', [R(3, 4, dtype=torch.bool), L([0, 3])], {'dim': 1})
    case('index_select', [R(3, 4), L([0, 4])], {'dim': 1})
    case('index_select', [R(3, 4), L([0, -1])], {'dim': 1})
    case('index_select', [R(3, 4), L([0, 3])], {'dim': 0})
    case('index_select', [R(3, 4), L([-1])], {'dim': 0})
    case('index_select', [R(5), L([5])], {'dim': 0})
    case('index_select', [R(3, 4), L([[0, 1]])], {'dim': 1})
    case('index_select', [R(3, 4), L([0., 1.], f32)], {'dim': 1})
    case('index_select', [R(3, 4, dtype=f64), L([0, 0, 2])], {'dim': 1, 'post': 1})
    for dtype in [f32, f64]:
        case('index_add', [R(3, 4, dtype=dtype), L([0, 0, 3]), R(3, 3, dtype=dtype)], {'dim': 1})
    case('index_add', [R(3, 4), L([2, 0]), R(2, 4)], {'dim': 0, 'alpha': 2.5})
    case('index_add', [R(3, 4), L([1, 1], torch.int32), R(3, 2)], {'dim': 1})
    case('index_add', [R(5), L([4, 0, 4]), R(3)], {'dim': 0})
    case('index_add', [R(3, 4), L([0, 1]), R(1, 2)], {'dim': 1}, requires_grad=[True, False, False])
    case('index_add', [R(3, 4, dtype=i64, low=-9, high=9), L([0, 1]), R(3, 2, dtype=i64, low=-9, high=9)], {'dim': 1, 'alpha': 3})
    case('index_add', [R(3, 4), L([0, 1]), R(2, 2)], {'dim': 1})
    case('index_add', [R(3, 4), L([[0, 1]]), R(3, 2)], {'dim': 1})
    case('index_add', [R(3, 4), L([0., 1.], f32), R(3, 2)], {'dim': 1})
    case('index_add', [R(3, 4), L([0, 1]), R(3, 2, dtype=f64)], {'dim': 1})
    case('index_add', [R(3, 4), L([0]), R(3)], {'dim': 1})
    case('index_add', [R(3, 4), L([0, 1]), R(3, 3)], {'dim': 1})
    case('index_add', [R(3, 4), L([0, 4]), R(3, 2)], {'dim': 1})
    case('index_add', [R(3, 4), L([0, -1]), R(3, 2)], {'dim': 1})
    case('index_add', [R(3, 4, dtype=f64), L([1, 1]), R(3, 2, dtype=f64)], {'dim': 1, 'post': 1})
    case('index_add_', [R(3, 4), L([3, 0]), R(3, 2)], {'dim': 1})
    for dtype in [f32, f64]:
        case('index_copy', [R(3, 4, dtype=dtype), L([3, 0]), R(3, 2, dtype=dtype)], {'dim': 1})
    case('index_copy', [R(4, 3), L([1]), R(1, 3)], {'dim': 0})
    case('index_copy', [R(5), L(2), R()], {'dim': 0})
    case('index_copy', [R(3, 4), L([0, 1]), R(2, 2)], {'dim': 1})
    case('index_copy', [R(2, 3, 4), L([0, 1]), R(2, 2, 2)], {'dim': 1})
    case('index_copy', [R(3, 4), L([0, 1], torch.int32), R(3, 2)], {'dim': 1})
    case('index_copy', [R(3, 4), L([0, 1]), R(3, 2, dtype=f64)], {'dim': 1})
    case('index_copy', [R(3, 4), L([0, 1]), R()], {'dim': 1})
    case('index_copy', [R(3, 4), L([0, 1]), R(2)], {'dim': 1})
    case('index_copy', [R(3, 4), L([[0, 1]]), R(3, 2)], {'dim': 1})
    case('index_copy', [R(3, 4), L([0, 1]), R(3, 3)], {'dim': 1})
    case('index_copy', [R(3, 4), L([0, 4]), R(3, 2)], {'dim': 1})
    case('index_copy', [R(3, 4), L([0, -1]), R(3, 2)], {'dim': 1})
    case('index_copy_', [R(3, 4), L([2, 1]), R(3, 2)], {'dim': 1})
    case('index_fill', [R(3, 4), L([0, 2])], {'dim': 1, 'value': -1.5})
    case('index_fill', [R(3, 4), L([-1])], {'dim': 0, 'value': 2.5})
    case('index_fill', [R(3, 4, dtype=i64, low=-9, high=9), L([1])], {'dim': 1, 'value': 7})
    case('index_fill', [R(), L([0])], {'dim': 0, 'value': 1.5})
    case('index_fill', [R(3, 4), L([0, 4])], {'dim': 1, 'value': 1.5})
    case('index_fill', [R(3, 4), L([0], torch.int32)], {'dim': 1, 'value': 1.5})
    case('index_fill', [R(3, 4), L([[0]])], {'dim': 1, 'value': 1.5})
    case('index_fill_tensor', [R(3, 4), L([0, 2]), R()], {'dim': 1})
    case('index_fill_tensor', [R(3, 4, dtype=f64), L([1, 2]), R(dtype=f64)], {'dim': 0})
    case('index_fill_tensor', [R(3, 4), L([0, 2]), R(2)], {'dim': 1})
    case('index_fill_', [R(3, 4), L([1, 3])], {'dim': 1, 'value': 0.5})

    # masked_fill / masked_select / masked_scatter
    mask34 = lambda: R(3, 4, dtype=torch.bool)
    for dtype in [f32, f64]:
        case('masked_fill', [R(3, 4, dtype=dtype), mask34()], {'value': -1.5})
    case('masked_fill', [R(3, 4), R(4, dtype=torch.bool)], {'value': 2.5})
    case('masked_fill', [R(4), R(3, 4, dtype=torch.bool)], {'value': 2.5})
    case('masked_fill', [R(3, 4, dtype=i64, low=-9, high=9), mask34()], {'value': 5})
    case('masked_fill', [R(3, 4, dtype=torch.bool), mask34()], {'value': True})
    case('masked_fill', [R(4, 3), mask34()], {'value': 0.5, 'pre': 1})
    case('masked_fill', [R(3, 4), R(3, dtype=torch.bool)], {'value': 2.5})
    case('masked_fill', [R(3, 4), R(3, 4, dtype=torch.uint8, low=0, high=2)], {'value': 2.5})
    case('masked_fill', [R(3, 4), R(3, 4, low=0, high=2).round()], {'value': 2.5})
    case('masked_fill_tensor', [R(3, 4), mask34(), R()], {})
    case('masked_fill_tensor', [R(3, 4), mask34(), R(dtype=f64)], {})
    case('masked_fill_tensor', [R(3, 4), mask34(), R(2)], {})
    case('masked_fill_tensor', [R(3, 4, dtype=f64), mask34(), R(dtype=f64)], {'post': 1})
    case('masked_fill_', [R(3, 4), mask34()], {'value': 1.5})
    case('masked_fill_', [R(4), mask34()], {'value': 1.5})
    for dtype in [f32, f64]:
        case('masked_select', [R(3, 4, dtype=dtype), mask34()], {})
    case('masked_select', [R(3, 4), R(4, dtype=torch.bool)], {})
    case('masked_select', [R(4), mask34()], {})
    case('masked_select', [R(3, 4), torch.zeros(3, 4, dtype=torch.bool)], {})
    case('masked_select', [R(4, 3), mask34()], {'pre': 1})
    case('masked_select', [R(3, 4, dtype=i64, low=-9, high=9), mask34()], {})
    case('masked_select', [R(3, 4), R(3, dtype=torch.bool)], {})
    case('masked_select', [R(3, 4), R(3, 4, dtype=torch.uint8, low=0, high=2)], {})
    case('masked_select', [R(3, 4, dtype=f64), mask34()], {'post': 1})
    case('masked_scatter', [R(3, 4), mask34(), R(12)], {})
    case('masked_scatter', [R(3, 4, dtype=f64), mask34(), R(4, 4, dtype=f64)], {})
    case('masked_scatter', [R(4), mask34(), R(15)], {})
    case('masked_scatter', [R(3, 4), torch.ones(3, 4, dtype=torch.bool), R(5)], {})
    case('masked_scatter', [R(3, 4), mask34(), R(12, dtype=f64)], {})
    case('masked_scatter_', [R(3, 4), mask34(), R(13)], {})

    # take / put
    for dtype in [f32, f64]:
        case('take', [R(3, 4, dtype=dtype), L([[0, 11], [5, 5]])], {})
    case('take', [R(3, 4), L([-1, -12, 3])], {})
    case('take', [R(4, 3), L([1, 2, 3])], {'pre': 1})
    case('take', [R(), L([0, 0])], {})
    case('take', [R(3, 4), L([12])], {})
    case('take', [R(3, 4), L([-13])], {})
    case('take', [R(3, 4), L([1], torch.int32)], {})
    case('take', [R(0), L([0])], {})
    case('take', [R(3, 4, dtype=f64), L([1, 1, 7])], {'post': 1})
    for acc in [0, 1]:
        case('put', [R(3, 4), L([0, 5, 5]), R(3)], {'accumulate': acc})
        case('put_', [R(3, 4), L([[1, -1]]), R(1, 2)], {'accumulate': acc})
    case('put', [R(3, 4), L([0, 1]), R(3)], {})
    case('put', [R(3, 4), L([0, 12]), R(2)], {})
    case('put', [R(3, 4), L([0, 1]), R(2, dtype=f64)], {})
    case('put', [R(3, 4), L([0, 1], torch.int32), R(2)], {})
    case('put', [R(0), L([0]), R(1)], {})

    # nonzero / argwhere
    for x in [R(3, 4, low=-1, high=1).round(), R(3, 4, dtype=torch.bool), R(5, dtype=i64, low=-1, high=2), R(2, 2, 3, dtype=i64, low=0, high=2),
              torch.zeros(2, 3), torch.tensor(3.), torch.tensor(0.), torch.zeros(0, 3)]:
        case('nonzero', [x], {})
        case('nonzero_tuple', [x], {})
    case('argwhere', [R(3, 4, dtype=torch.bool)], {})

    # flip / roll / repeat / tile / tril / triu
    for pre, shape, dims in [(0, (3, 4), [0]), (0, (3, 4), [1, 0]), (0, (2, 3, 4), [-1, 0]), (0, (3, 4), []), (1, (3, 4), [0]), (0, (), [0]),
                             (0, (3, 4), [0, 0]), (0, (3, 4), [2])]:
        case('flip', [R(*shape)], {'dims': dims, 'pre': pre})
    case('flip', [R(3, 4, dtype=i64, low=-9, high=9)], {'dims': [1]})
    case('flip', [R(3, 4, dtype=f64)], {'dims': [0], 'post': 1})
    case('fliplr', [R(3, 4)], {})
    case('flipud', [R(3, 4)], {})
    case('fliplr', [R(3)], {})
    for pre, shape, e in [(0, (3, 4), {'shifts': 1}), (0, (3, 4), {'shifts': -5}), (0, (3, 4), {'shifts': 1, 'dims': 1}),
                          (0, (3, 4), {'shifts': [1, -1], 'dims': [0, 1]}), (0, (3, 4), {'shifts': [1, 2, 3], 'dims': [0, 1, 1]}),
                          (0, (2, 3, 4), {'shifts': 7, 'dims': -1}), (1, (3, 4), {'shifts': 2, 'dims': 0}), (2, (3, 4), {'shifts': 1}),
                          (0, (), {'shifts': 1}), (0, (3, 4), {'shifts': [1, 2], 'dims': [0]}), (0, (3, 4), {'shifts': []}),
                          (0, (3, 4), {'shifts': 1, 'dims': 2})]:
        case('roll', [R(*shape)], {**e, 'pre': pre})
    case('roll', [R(3, 4, dtype=f64)], {'shifts': 1, 'dims': 1, 'post': 1})
    for pre, shape, reps in [(0, (3, 4), [2, 1]), (0, (3, 4), [2, 1, 3]), (0, (2,), [3]), (0, (), [2, 2]), (1, (3, 4), [1, 2]),
                             (0, (3, 4), [0, 1, 1]), (0, (3, 4), [2]), (0, (3, 4), [-1, 2])]:
        case('repeat', [R(*shape)], {'repeats': reps, 'pre': pre})
    case('repeat', [R(2, 3, dtype=f64)], {'repeats': [2, 1, 2], 'post': 1})
    for shape, dims in [((3, 4), [2]), ((3, 4), [2, 1, 1]), ((2,), [2, 2]), ((3, 4), [-1])]:
        case('tile', [R(*shape)], {'dims': dims})
    for name in ['tril', 'triu']:
        for pre, shape, diag in [(0, (4, 4), 0), (0, (3, 5), 1), (0, (3, 5), -1), (0, (2, 3, 4), 0), (0, (3, 4), 10), (0, (3, 4), -10),
                                 (1, (3, 4), 0), (0, (4,), 0)]:
            case(name, [R(*shape)], {'diagonal': diag, 'pre': pre})
        case(name, [R(3, 3, dtype=i64, low=-9, high=9)], {'diagonal': 0})
        case(name, [R(3, 3, dtype=f64)], {'diagonal': 0, 'post': 1})
        case(name + '_', [R(3, 4)], {'diagonal': 1})

    # pad
    for pre, shape, e in [(0, (3, 4), {'pad': [1, 2]}), (0, (3, 4), {'pad': [1, 0, 0, 2]}), (0, (3, 4), {'pad': [-1, 2, 1, 0]}),
                          (0, (3, 4), {'pad': [0, 0]}), (0, (3, 4), {'pad': [-1, 0]}), (0, (3, 4), {'pad': [-2, -2]}),
                          (0, (3, 4), {'pad': [1, 1], 'value': 2.5}), (0, (2, 3, 4), {'pad': [1, 1, 1, 1, 1, 1]}),
                          (1, (3, 4), {'pad': [1, 1]}), (0, (4,), {'pad': [2, 1]}), (0, (3, 4), {'pad': [1]}),
                          (0, (3, 4), {'pad': [1, 1, 1, 1, 1, 1]}), (0, (3, 4), {'pad': [-5, 1]}), (0, (3, 4), {'pad': [-3, -2]})]:
        case('pad', [R(*shape)], {**e, 'pre': pre})
    case('pad', [R(5, dtype=i64, low=-9, high=9)], {'pad': [1, 2], 'value': 3})
    case('pad', [R(3, 4, dtype=f64)], {'pad': [1, 1, 1, 1], 'post': 1})
    for mode in [1, 2]:
        for pre, shape, p in [(0, (2, 5), [2, 1]), (0, (1, 2, 5), [1, 3]), (0, (2, 3, 4), [1, 2, 2, 1]), (0, (1, 2, 3, 4), [1, 1, 2, 0]),
                              (0, (2, 2, 3, 3), [1, 1, 2, 2, 1, 0]), (0, (1, 2, 2, 3, 3), [0, 1, 1, 0, 1, 1]), (0, (1, 3, 5), [-1, 2]),
                              (1, (5, 2), [1, 1])]:
            case('pad', [R(*shape)], {'pad': p, 'mode': mode, 'pre': pre})
        case('pad', [R(2, 4, dtype=f64)], {'pad': [2, 1], 'mode': mode, 'post': 1})
        case('pad', [R(4)], {'pad': [1, 1], 'mode': mode})
        case('pad', [R(2, 4)], {'pad': [1, 1], 'mode': mode, 'value': 1.5})
    case('pad', [R(1, 3, 4)], {'pad': [4, 2], 'mode': 1})
    case('pad', [R(1, 3, 4)], {'pad': [1, 4], 'mode': 1})
    return cases


if __name__ == '__main__':
    write_fixture('view', view_cases())
    write_fixture('shape', shape_cases())
