"""Fixtures for convolution and pooling: F.conv1d/conv2d/conv_transpose1d/conv_transpose2d,
F.max_pool1d/max_pool2d, F.avg_pool1d/avg_pool2d, F.adaptive_avg_pool2d/adaptive_max_pool2d, and the
nn modules built on them (default initialisation after manual_seed, reprs, constructor errors).

Writes test/golden/conv.json and test/golden/pooling.json (op cases replayed by test/ops/conv.test.ts
and test/ops/pooling.test.ts through test/ops/harness.ts) and test/golden/conv_modules.json (read by
test/nn/conv-modules.test.ts). Every op case names a call in CONV_CALLS or POOL_CALLS; the TypeScript
tests have a call under the same key doing the same thing in tstorch. A call takes the case's tensors
(after the layout transforms e['layout'], one code per input, see lay()) and e, the extra arguments:
  e['stride'], e['padding'], e['dilation'], e['groups'], e['output_padding']   as F.conv*
  e['same'] / e['valid']   padding='same' / 'valid' (strings in `extra` would be read as numbers)
  e['k'], e['ceil'], e['cip'], e['div'], e['ri']   kernel_size, ceil_mode, count_include_pad,
                           divisor_override, return_indices of the pooling calls
  e['out']                 adaptive pooling output size (None entries keep the input's size)

PyTorch 2.x behaviour (the installed PyTorch is 1.13; the fixtures hold 2.x's where it differs):
- pooling_output_shape (aten/src/ATen/native/Pool.h) limits padding by the effective (dilated) kernel
  size and words the message differently: "pad should be at most half of effective kernel size, but got
  pad=2, kernel_size=3 and dilation=1" where 1.13 says "pad should be at most half of kernel size, but
  got pad=2 and kernel_size=3". Cases where only the limit differs (dilation > 1) are not recorded.
- Double backward nodes are ConvolutionBackwardBackward0 etc. in both; only first-order grad_fn names
  are compared.
"""
import math
import re
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import write_fixture, encode_tensor
from opcases import make_case, rand

GEN = torch.Generator().manual_seed(20240930)
FLOATS = [torch.float32, torch.float64]

# Layout codes applied to an input inside a call; the recorded tensor has the pre-transform shape.
CONTIG, MT, STEP = 0, 1, 2


def lay(t, code):
    if t is None:
        return None
    if code == MT:
        return t.transpose(-2, -1)
    if code == STEP:
        return t[..., ::2]
    return t


def recorded(t, code):
    """The tensor to record so that lay(recorded, code) equals t."""
    if code == MT:
        return t.transpose(-2, -1).contiguous()
    if code == STEP:
        return torch.stack([t, torch.zeros_like(t)], dim=-1).reshape(*t.shape[:-1], 2 * t.shape[-1])
    return t


def R(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


def laid(ts, e):
    codes = e.get('layout', [])
    return [lay(t, codes[i] if i < len(codes) else CONTIG) for i, t in enumerate(ts)]


# ---- convolution ----

def conv_kwargs(e, transposed=False):
    kw = {}
    for name in ['stride', 'dilation', 'groups'] + (['output_padding'] if transposed else []):
        if name in e:
            kw[name] = e[name]
    if 'padding' in e:
        kw['padding'] = e['padding']
    if e.get('same'):
        kw['padding'] = 'same'
    if e.get('valid'):
        kw['padding'] = 'valid'
    return kw


def conv_call(fn, transposed=False):
    def call(*args):
        *ts, e = args
        x, w, b = (laid(ts, e) + [None])[:3]
        return fn(x, w, b, **conv_kwargs(e, transposed))
    return call


CONV_CALLS = {
    'conv1d': conv_call(F.conv1d),
    'conv2d': conv_call(F.conv2d),
    'conv_transpose1d': conv_call(F.conv_transpose1d, True),
    'conv_transpose2d': conv_call(F.conv_transpose2d, True),
}


def conv_case(key, shapes, e=None, dtype=torch.float32, requires_grad=None, layouts=None, low=-2.0, high=2.0):
    e = dict(e or {})
    if layouts:
        e['layout'] = layouts
    ts = []
    for i, s in enumerate(shapes):
        code = layouts[i] if layouts and i < len(layouts) else CONTIG
        ts.append(recorded(R(*s, dtype=dtype, low=low, high=high), code))
    return make_case(key, CONV_CALLS[key], ts, e, requires_grad=requires_grad)


def conv_cases():
    cases = []
    for dt in FLOATS:
        # conv2d: bias or not, strides, padding, dilation, groups, unbatched input.
        cases += [
            conv_case('conv2d', [(2, 3, 6, 5), (4, 3, 3, 2), (4,)], dtype=dt),
            conv_case('conv2d', [(2, 3, 6, 5), (4, 3, 3, 2)], dtype=dt),
            conv_case('conv2d', [(1, 2, 7, 6), (3, 2, 3, 3), (3,)], {'stride': 2, 'padding': 1}, dtype=dt),
            conv_case('conv2d', [(1, 2, 7, 6), (3, 2, 2, 3), (3,)], {'stride': [2, 1], 'padding': [1, 2]}, dtype=dt),
            conv_case('conv2d', [(1, 2, 7, 7), (2, 2, 3, 2), (2,)], {'dilation': [2, 3], 'padding': [0, 1]}, dtype=dt),
            conv_case('conv2d', [(2, 4, 5, 5), (6, 2, 3, 3), (6,)], {'groups': 2, 'padding': 1}, dtype=dt),
            conv_case('conv2d', [(1, 3, 5, 4), (3, 1, 2, 2), (3,)], {'groups': 3, 'stride': 2, 'dilation': 2, 'padding': 1}, dtype=dt),
            conv_case('conv2d', [(3, 5, 5), (2, 3, 3, 3), (2,)], {'padding': 1}, dtype=dt),
            conv_case('conv2d', [(1, 2, 5, 5), (2, 2, 3, 3), (2,)], {'same': True}, dtype=dt),
            conv_case('conv2d', [(1, 2, 5, 4), (2, 2, 2, 3)], {'same': True}, dtype=dt),
            conv_case('conv2d', [(1, 2, 6, 5), (2, 2, 2, 2), (2,)], {'same': True, 'dilation': [1, 2]}, dtype=dt),
            conv_case('conv2d', [(1, 2, 6, 5), (2, 2, 3, 2)], {'valid': True}, dtype=dt),
            conv_case('conv2d', [(2, 2, 4, 3), (3, 2, 4, 3), (3,)], dtype=dt),
            conv_case('conv2d', [(2, 3, 4, 4), (2, 3, 1, 1), (2,)], dtype=dt),
        ]
        # conv1d
        cases += [
            conv_case('conv1d', [(2, 3, 7), (4, 3, 3), (4,)], dtype=dt),
            conv_case('conv1d', [(2, 4, 9), (2, 2, 2)], {'stride': 2, 'padding': 1, 'dilation': 2, 'groups': 2}, dtype=dt),
            conv_case('conv1d', [(3, 6), (2, 3, 3), (2,)], {'same': True}, dtype=dt),
            conv_case('conv1d', [(1, 2, 6), (2, 2, 4)], {'same': True}, dtype=dt),
        ]
        # conv_transpose2d: stride, padding, output padding, dilation, groups.
        cases += [
            conv_case('conv_transpose2d', [(2, 3, 3, 4), (3, 2, 3, 2), (2,)], dtype=dt),
            conv_case('conv_transpose2d', [(1, 2, 3, 3), (2, 3, 3, 3), (3,)], {'stride': 2, 'padding': 1, 'output_padding': 1}, dtype=dt),
            conv_case('conv_transpose2d', [(1, 2, 3, 2), (2, 2, 2, 3)], {'stride': [2, 3], 'padding': [0, 1], 'output_padding': [1, 2], 'dilation': [1, 2]}, dtype=dt),
            conv_case('conv_transpose2d', [(1, 4, 3, 3), (4, 1, 2, 2), (2,)], {'groups': 2, 'stride': 2}, dtype=dt),
            conv_case('conv_transpose2d', [(1, 2, 3, 3), (2, 2, 2, 2), (2,)], {'stride': 1, 'dilation': 2, 'output_padding': 1}, dtype=dt),
            conv_case('conv_transpose2d', [(2, 3, 3), (2, 2, 3, 3), (2,)], {'padding': 1}, dtype=dt),
        ]
        cases += [
            conv_case('conv_transpose1d', [(2, 3, 4), (3, 2, 3), (2,)], {'stride': 2, 'output_padding': 1}, dtype=dt),
            conv_case('conv_transpose1d', [(2, 5), (2, 2, 2)], {'padding': 1, 'dilation': 2}, dtype=dt),
        ]
    # Non-contiguous operands (read through their strides).
    cases += [
        conv_case('conv2d', [(2, 3, 5, 6), (4, 3, 2, 3), (4,)], layouts=[MT, MT]),
        conv_case('conv2d', [(1, 2, 5, 4), (3, 2, 3, 2)], {'stride': 2, 'padding': 1}, layouts=[STEP, STEP], dtype=torch.float64),
        conv_case('conv_transpose2d', [(1, 2, 4, 3), (2, 3, 2, 3), (3,)], {'stride': 2}, layouts=[MT, STEP]),
        conv_case('conv1d', [(2, 3, 6), (2, 3, 2)], layouts=[STEP, MT]),
    ]
    # Gradients of some inputs only.
    cases += [
        conv_case('conv2d', [(2, 3, 5, 5), (2, 3, 3, 3), (2,)], {'padding': 1}, requires_grad=[True, False, False]),
        conv_case('conv2d', [(2, 3, 5, 5), (2, 3, 3, 3), (2,)], {'stride': 2}, requires_grad=[False, True, True]),
        conv_case('conv_transpose2d', [(1, 3, 3, 3), (3, 2, 3, 3), (2,)], {'stride': 2}, requires_grad=[False, True, False]),
        conv_case('conv2d', [(2, 2, 4, 4), (2, 1, 3, 3)], {'groups': 2}, requires_grad=[False, True], dtype=torch.float64),
    ]
    # Larger sums (float32 accumulation), like the blitz network's layers.
    cases += [
        conv_case('conv2d', [(2, 6, 12, 12), (4, 6, 5, 5), (4,)], low=-1.0, high=1.0),
    ]
    # Empty batch.
    cases += [conv_case('conv2d', [(0, 3, 5, 5), (2, 3, 3, 3), (2,)])]
    # Integer dtypes: exact results in the dtype (wrapping), no gradients.
    for dt in [torch.int64, torch.int32, torch.int16, torch.uint8]:
        cases.append(conv_case('conv2d', [(1, 2, 4, 4), (2, 2, 3, 3), (2,)], {'padding': 1}, dtype=dt, low=0, high=100))
    cases.append(conv_case('conv2d', [(1, 2, 5, 5), (2, 2, 2, 2)], {'dilation': 2}, dtype=torch.int64, low=-5, high=5))
    cases.append(conv_case('conv_transpose2d', [(1, 2, 3, 3), (2, 2, 2, 2), (2,)], {'stride': 2}, dtype=torch.int64, low=-5, high=5))
    cases.append(conv_case('conv1d', [(1, 2, 5), (2, 2, 2)], dtype=torch.int64, low=-5, high=5))
    for key, e in [('conv2d', {}), ('conv2d', {'dilation': 2}), ('conv_transpose2d', {})]:
        cases.append(conv_case(key, [(1, 2, 5, 5), (2, 2, 2, 2)], e, dtype=torch.bool, low=0, high=2))
    for key, e in [('conv2d', {'dilation': 2}), ('conv_transpose2d', {})]:
        cases.append(conv_case(key, [(1, 2, 5, 5), (2, 2, 2, 2)], e, dtype=torch.int32, low=0, high=2))
    cases += conv_error_cases()
    return cases


def error_case(key, calls, ts, e=None, requires_grad=None):
    case = make_case(key, calls[key], ts, e or {}, requires_grad=requires_grad)
    assert 'error' in case, (key, e, case.get('out'))
    return case


def conv_error_cases():
    c = []
    E = lambda key, ts, e=None: c.append(error_case(key, CONV_CALLS, ts, e))
    x4, w4 = R(2, 3, 6, 6), R(4, 3, 3, 3)
    # dimensions
    E('conv2d', [R(2, 3), w4])
    E('conv2d', [R(1, 2, 3, 4, 5), w4])
    E('conv1d', [R(2, 3, 4, 4), R(6, 3, 5)])
    E('conv1d', [R(3), R(6, 3, 5)])
    E('conv_transpose2d', [R(2, 3), w4])
    E('conv2d', [x4, R(4, 3)])
    E('conv2d', [x4, R(4, 3, 3)])
    E('conv2d', [x4, R(4, 3, 3, 3, 3)])
    E('conv2d', [x4, R(4, 3, 3)], {'same': True})
    E('conv2d', [x4, R(4, 3)], {'same': True})
    # channels, groups, bias
    E('conv2d', [R(1, 4, 8, 8), R(6, 3, 5, 5)])
    E('conv2d', [x4, w4], {'groups': 2})
    E('conv2d', [x4, R(3, 3, 3, 3)], {'groups': 2})
    E('conv2d', [x4, R(4, 1, 3, 3)], {'groups': 4})
    E('conv2d', [x4, w4], {'groups': 0})
    E('conv2d', [x4, R(0, 3, 3, 3)])
    E('conv2d', [x4, w4, R(3)])
    E('conv2d', [x4[0], w4, R(4, 1)])
    E('conv_transpose2d', [x4, w4])
    E('conv_transpose2d', [x4, R(3, 4, 3, 3), R(3)])
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'groups': 2})
    # parameter values and lengths
    E('conv2d', [x4, w4], {'stride': 0})
    E('conv2d', [x4, w4], {'stride': -1})
    E('conv2d', [x4, w4], {'padding': -1})
    E('conv2d', [x4, w4], {'dilation': 0})
    E('conv2d', [x4, w4], {'dilation': -1})
    E('conv2d', [x4, w4], {'stride': [1, 1, 1]})
    E('conv2d', [x4, w4], {'padding': [1, 2, 3]})
    E('conv2d', [x4, w4], {'dilation': []})
    E('conv1d', [R(2, 3, 5), R(4, 3, 3)], {'stride': [1, 1]})
    E('conv2d', [x4, w4], {'same': True, 'stride': 2})
    E('conv2d', [x4, w4], {'same': True, 'stride': [1, 2]})
    E('conv2d', [x4, w4], {'same': True, 'stride': [1, 1, 1]})
    E('conv2d', [x4, w4], {'same': True, 'dilation': [1, 1, 1]})
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'stride': 0})
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'padding': -1})
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'output_padding': -1})
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'dilation': 0})
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'output_padding': 1})
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'output_padding': [0, 2], 'stride': 2})
    E('conv_transpose2d', [x4, R(3, 4, 3, 3)], {'output_padding': [1, 1, 1]})
    # sizes
    E('conv2d', [R(1, 3, 3, 3), R(6, 3, 5, 5)])
    E('conv2d', [R(1, 3, 5, 3), R(6, 3, 2, 2)], {'dilation': [1, 3]})
    E('conv1d', [R(1, 3, 3), R(6, 3, 5)])
    E('conv_transpose2d', [R(1, 3, 1, 1), R(3, 2, 1, 1)], {'padding': 1})
    # dtypes
    E('conv2d', [x4.double(), w4])
    E('conv2d', [x4, w4.double()])
    E('conv2d', [x4.long(), w4])
    E('conv2d', [x4, w4.long()])
    E('conv2d', [x4, w4, R(4).double()])
    E('conv1d', [R(2, 3, 5), R(4, 3, 3), R(4).double()])
    E('conv_transpose2d', [x4.double(), R(3, 4, 3, 3)])
    E('conv_transpose2d', [x4, R(3, 4, 3, 3).double()])
    E('conv_transpose2d', [x4, R(3, 4, 3, 3), R(4).double()])
    return c


# ---- pooling ----

def _opt(e, name, default):
    return e[name] if name in e else default


def max_pool2d_call(x, e):
    return F.max_pool2d(lay(x, _opt(e, 'layout', [0])[0]), e['k'], _opt(e, 'stride', None), _opt(e, 'padding', 0),
                        _opt(e, 'dilation', 1), ceil_mode=_opt(e, 'ceil', False), return_indices=_opt(e, 'ri', False))


def max_pool1d_call(x, e):
    return F.max_pool1d(lay(x, _opt(e, 'layout', [0])[0]), e['k'], _opt(e, 'stride', None), _opt(e, 'padding', 0),
                        _opt(e, 'dilation', 1), ceil_mode=_opt(e, 'ceil', False), return_indices=_opt(e, 'ri', False))


def avg_pool2d_call(x, e):
    return F.avg_pool2d(lay(x, _opt(e, 'layout', [0])[0]), e['k'], _opt(e, 'stride', None), _opt(e, 'padding', 0),
                        ceil_mode=_opt(e, 'ceil', False), count_include_pad=_opt(e, 'cip', True),
                        divisor_override=_opt(e, 'div', None))


def avg_pool1d_call(x, e):
    return F.avg_pool1d(lay(x, _opt(e, 'layout', [0])[0]), e['k'], _opt(e, 'stride', None), _opt(e, 'padding', 0),
                        ceil_mode=_opt(e, 'ceil', False), count_include_pad=_opt(e, 'cip', True))


def adaptive_avg_call(x, e):
    return F.adaptive_avg_pool2d(lay(x, _opt(e, 'layout', [0])[0]), e['out'])


def adaptive_max_call(x, e):
    return F.adaptive_max_pool2d(lay(x, _opt(e, 'layout', [0])[0]), e['out'], return_indices=_opt(e, 'ri', False))


POOL_CALLS = {
    'max_pool2d': max_pool2d_call,
    'max_pool1d': max_pool1d_call,
    'avg_pool2d': avg_pool2d_call,
    'avg_pool1d': avg_pool1d_call,
    'adaptive_avg_pool2d': adaptive_avg_call,
    'adaptive_max_pool2d': adaptive_max_call,
}

PAD_113 = re.compile(r'^pad should be at most half of kernel size, but got pad=(-?\d+) and kernel_size=(-?\d+)$')


def pool_dims(e, spatial):
    """Per spatial dim (kernel, pad, dilation) as pooling_output_shape sees them, height first."""
    def per_dim(v, default):
        v = default if v is None else v
        v = [v] if isinstance(v, int) else list(v)
        return v * spatial if len(v) == 1 else v
    k = per_dim(e['k'], None)
    p = per_dim(_opt(e, 'padding', 0), None)
    d = per_dim(_opt(e, 'dilation', 1), None)
    return list(zip(k, p, d))


def pad_message_2x(case, key):
    """Rewrites 1.13's padding-limit message as 2.x's (see the module docstring)."""
    m = PAD_113.match(case.get('error', ''))
    if not m:
        return case
    e = case['extra']
    dims = [(1, 0, 1)] + pool_dims(e, 1) if key.endswith('1d') else pool_dims(e, 2)
    pad, k = int(m.group(1)), int(m.group(2))
    for (kk, pp, dd) in dims:
        if (kk, pp) == (k, pad) and pp > kk // 2:
            assert pp > ((kk - 1) * dd + 1) // 2, 'the 2.x limit would accept this padding'
            case['error'] = f'pad should be at most half of effective kernel size, but got pad={pad}, kernel_size={k} and dilation={dd}'
            return case
    raise AssertionError(case['error'])


def pool_case(key, shape, e, dtype=torch.float32, requires_grad=None, low=-2.0, high=2.0, x=None):
    code = _opt(e, 'layout', [0])[0]
    t = recorded(x if x is not None else R(*shape, dtype=dtype, low=low, high=high), code)
    return pad_message_2x(make_case(key, POOL_CALLS[key], [t], e, requires_grad=requires_grad), key)


def pool_cases():
    c = []
    P = lambda *a, **k: c.append(pool_case(*a, **k))
    for dt in FLOATS:
        P('max_pool2d', (2, 3, 6, 5), {'k': 2}, dtype=dt)
        P('max_pool2d', (1, 2, 7, 6), {'k': [3, 2], 'stride': [2, 1], 'padding': [1, 0]}, dtype=dt)
        P('max_pool2d', (1, 2, 7, 7), {'k': 3, 'stride': 2, 'dilation': 2, 'padding': 1}, dtype=dt)
        P('max_pool2d', (1, 2, 7, 6), {'k': 3, 'stride': 2, 'ceil': True}, dtype=dt)
        P('max_pool2d', (1, 2, 6, 6), {'k': 2, 'stride': 2, 'padding': 1, 'ceil': True}, dtype=dt)
        P('max_pool2d', (2, 5, 5), {'k': 2, 'stride': 1}, dtype=dt)
        P('max_pool2d', (2, 2, 5, 4), {'k': 2, 'ri': True}, dtype=dt)
        P('max_pool2d', (2, 5, 4), {'k': 3, 'stride': 1, 'padding': 1, 'ri': True}, dtype=dt)
        P('max_pool1d', (2, 3, 7), {'k': 2}, dtype=dt)
        P('max_pool1d', (3, 9), {'k': 3, 'stride': 2, 'padding': 1, 'dilation': 2, 'ceil': True}, dtype=dt)
        P('max_pool1d', (2, 2, 7), {'k': 3, 'stride': 2, 'ri': True}, dtype=dt)
        P('avg_pool2d', (2, 3, 6, 5), {'k': 2}, dtype=dt)
        P('avg_pool2d', (1, 2, 7, 6), {'k': [3, 2], 'stride': [2, 1], 'padding': [1, 1]}, dtype=dt)
        P('avg_pool2d', (1, 2, 7, 6), {'k': 3, 'stride': 2, 'padding': 1, 'cip': False}, dtype=dt)
        P('avg_pool2d', (1, 2, 7, 6), {'k': 3, 'stride': 2, 'padding': 1, 'ceil': True}, dtype=dt)
        P('avg_pool2d', (1, 2, 7, 6), {'k': 3, 'stride': 2, 'padding': 1, 'ceil': True, 'cip': False}, dtype=dt)
        P('avg_pool2d', (2, 5, 5), {'k': 2, 'stride': 1, 'div': 3}, dtype=dt)
        P('avg_pool2d', (1, 2, 5, 5), {'k': 3, 'stride': 2, 'padding': 1, 'ceil': True, 'div': 2}, dtype=dt)
        P('avg_pool1d', (2, 3, 7), {'k': 3, 'stride': 2, 'padding': 1}, dtype=dt)
        P('avg_pool1d', (3, 8), {'k': 3, 'stride': 2, 'padding': 1, 'ceil': True, 'cip': False}, dtype=dt)
        P('adaptive_avg_pool2d', (2, 3, 7, 5), {'out': [3, 2]}, dtype=dt)
        P('adaptive_avg_pool2d', (2, 6, 5), {'out': 4}, dtype=dt)
        P('adaptive_avg_pool2d', (1, 2, 5, 6), {'out': 1}, dtype=dt)
        P('adaptive_avg_pool2d', (1, 2, 3, 4), {'out': [5, None]}, dtype=dt)
        P('adaptive_max_pool2d', (2, 3, 7, 5), {'out': [3, 2]}, dtype=dt)
        P('adaptive_max_pool2d', (2, 6, 5), {'out': [4, 7], 'ri': True}, dtype=dt)
        P('adaptive_max_pool2d', (1, 2, 5, 6), {'out': [None, 1], 'ri': True}, dtype=dt)
    # Non-contiguous inputs.
    P('max_pool2d', (2, 2, 5, 6), {'k': 2, 'layout': [MT]})
    P('avg_pool2d', (1, 2, 5, 4), {'k': 2, 'stride': 1, 'layout': [STEP]}, dtype=torch.float64)
    P('adaptive_avg_pool2d', (1, 2, 5, 6), {'out': [2, 3], 'layout': [MT]})
    P('adaptive_max_pool2d', (1, 2, 5, 4), {'out': 2, 'layout': [STEP]})
    P('max_pool1d', (2, 3, 6), {'k': 2, 'layout': [STEP]})
    # The blitz network's pooling (a 2x2 window over 24x24 maps).
    P('max_pool2d', (2, 6, 24, 24), {'k': 2}, low=0.0, high=1.0)
    # Ties, infinities and NaN: which element is the max (and gets the gradient).
    ties = torch.tensor([[[[1., 1., 0., 2.], [1., 0., 2., 2.], [3., 3., 3., 3.]]]])
    P('max_pool2d', None, {'k': 2, 'stride': 1, 'ri': True}, x=ties)
    P('adaptive_max_pool2d', None, {'out': 2, 'ri': True}, x=ties)
    special = torch.tensor([[[[-math.inf, -math.inf, 1.], [math.nan, 0., math.nan], [2., math.nan, -math.inf]]]])
    P('max_pool2d', None, {'k': 2, 'stride': 1, 'ri': True}, x=special)
    P('max_pool2d', None, {'k': 2, 'stride': 1, 'padding': 1, 'ri': True}, x=special)
    P('adaptive_max_pool2d', None, {'out': [2, 2], 'ri': True}, x=special)
    P('avg_pool2d', None, {'k': 2, 'stride': 1}, x=special)
    # Without requires_grad max_pool1d takes its own kernel and checks (max_pool1d_impl).
    P('max_pool1d', (2, 3, 7), {'k': 3, 'stride': 2, 'padding': 1, 'dilation': 2}, requires_grad=[False])
    P('max_pool1d', (3, 8), {'k': 9}, requires_grad=[False])
    P('max_pool1d', (3, 4), {'k': 4, 'stride': 2, 'ceil': True}, requires_grad=[False])
    P('max_pool1d', (3, 4), {'k': 3, 'ri': True}, requires_grad=[False])
    # Integer dtypes: avg_pool2d accepts int64 (integer division), the others reject them.
    P('avg_pool2d', (1, 2, 5, 5), {'k': 2, 'stride': 1}, dtype=torch.int64, low=-50, high=50)
    P('avg_pool2d', (1, 2, 5, 5), {'k': 3, 'stride': 2, 'padding': 1, 'cip': False}, dtype=torch.int64, low=-50, high=50)
    P('avg_pool1d', (2, 5), {'k': 2}, dtype=torch.int64, low=-50, high=50)
    for dt in [torch.int32, torch.uint8, torch.bool]:
        P('avg_pool2d', (1, 2, 4, 4), {'k': 2}, dtype=dt, low=0, high=2)
    for key, e in [('max_pool2d', {'k': 2}), ('max_pool1d', {'k': 2}), ('adaptive_avg_pool2d', {'out': 2}),
                   ('adaptive_max_pool2d', {'out': 2}), ('adaptive_avg_pool2d', {'out': 1})]:
        P(key, (1, 2, 4, 4) if '2d' in key else (2, 4), e, dtype=torch.int64, low=0, high=5)
    P('max_pool2d', (1, 2, 4, 4), {'k': 2}, dtype=torch.int32, low=0, high=5)
    # The adaptive average over a 1x1 output is a mean over the last two dims, for any dim count.
    P('adaptive_avg_pool2d', (4, 5), {'out': 1})
    # Empty batches.
    P('max_pool2d', (0, 3, 4, 4), {'k': 2})
    P('avg_pool2d', (0, 3, 4, 4), {'k': 2})
    P('adaptive_avg_pool2d', (2, 3, 4, 4), {'out': 0}, requires_grad=[False])
    c += pool_error_cases()
    return c


def pool_error_cases():
    c = []

    def E(key, shape, e, dtype=torch.float32, requires_grad=None):
        case = pool_case(key, shape, e, dtype=dtype, requires_grad=requires_grad)
        assert 'error' in case, (key, e)
        c.append(case)

    for rg in [None, [False]]:
        E('max_pool2d', (2, 3, 8, 8), {'k': 9}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 3, 'padding': 2}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': [3, 1], 'padding': [1, 1]}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 3, 'padding': -1}, requires_grad=rg)
        E('max_pool2d', (8, 8), {'k': 2}, requires_grad=rg)
        E('max_pool2d', (1, 2, 3, 8, 8), {'k': 2}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 0}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 0, 'stride': 1}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': -1, 'stride': 1}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 2, 'stride': -1}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': [2, 2, 2]}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 2, 'stride': [1, 1, 1]}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 2, 'padding': [1, 1, 1]}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 2, 'dilation': [1, 1, 1]}, requires_grad=rg)
        E('max_pool2d', (2, 3, 8, 8), {'k': 2, 'dilation': 0}, requires_grad=rg)
        E('max_pool2d', (2, 0, 4, 4), {'k': 2}, requires_grad=rg)
        E('max_pool2d', (0, 4, 4), {'k': 2}, requires_grad=rg)
        E('max_pool1d', (2, 3, 8, 8), {'k': 2}, requires_grad=rg)
        E('max_pool1d', (8,), {'k': 2}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 3, 'padding': 2}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': [2, 2]}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 2, 'stride': 0}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 0}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 2, 'dilation': 0}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 2, 'padding': -1}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 2, 'stride': [1, 1]}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 2, 'padding': [0, 0]}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 2, 'dilation': [1, 1]}, requires_grad=rg)
        E('max_pool1d', (2, 3, 8, 8), {'k': 2, 'ri': True}, requires_grad=rg)
        E('max_pool1d', (8,), {'k': 2, 'ri': True}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': [2, 2], 'ri': True}, requires_grad=rg)
        E('max_pool1d', (3, 8), {'k': 3, 'padding': 2, 'ri': True}, requires_grad=rg)
        # Too small an output: an error with gradients; without, an empty result or max_pool1d_impl's error.
        c.append(pool_case('max_pool1d', (3, 2), {'k': 4}, requires_grad=rg))
        c.append(pool_case('max_pool1d', (3, 1), {'k': 3, 'stride': 1, 'padding': 1, 'dilation': 2}, requires_grad=rg))
        E('avg_pool2d', (2, 3, 8, 8), {'k': 9}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 3, 'padding': 2}, requires_grad=rg)
        E('avg_pool2d', (8, 8), {'k': 2}, requires_grad=rg)
        E('avg_pool2d', (1, 2, 3, 8, 8), {'k': 2}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 0}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 0, 'stride': 1}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': [2, 2, 2]}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 2, 'stride': [1, 1, 1]}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 2, 'padding': [1, 1, 1]}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 2, 'stride': 0}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 2, 'padding': -1}, requires_grad=rg)
        E('avg_pool2d', (2, 3, 8, 8), {'k': 2, 'div': 0}, requires_grad=rg)
        E('avg_pool2d', (2, 0, 4, 4), {'k': 2}, requires_grad=rg)
        E('avg_pool1d', (2, 3, 8, 8), {'k': 2}, requires_grad=rg)
        E('avg_pool1d', (8,), {'k': 2}, requires_grad=rg)
        E('avg_pool1d', (3, 8), {'k': 9}, requires_grad=rg)
        E('avg_pool1d', (3, 8), {'k': [2, 2]}, requires_grad=rg)
        E('avg_pool1d', (3, 8), {'k': 2, 'stride': [1, 1]}, requires_grad=rg)
        E('avg_pool1d', (3, 8), {'k': 2, 'padding': [1, 1]}, requires_grad=rg)
        E('avg_pool1d', (3, 8), {'k': 3, 'padding': 2}, requires_grad=rg)
        E('avg_pool1d', (3, 8), {'k': 2, 'stride': 0}, requires_grad=rg)
        E('adaptive_avg_pool2d', (2, 3, 8, 8), {'out': [2, 2, 2]}, requires_grad=rg)
        E('adaptive_max_pool2d', (2, 3, 8, 8), {'out': [2, 2, 2]}, requires_grad=rg)
        E('adaptive_avg_pool2d', (8, 8), {'out': 2}, requires_grad=rg)
        E('adaptive_max_pool2d', (8, 8), {'out': 2}, requires_grad=rg)
        E('adaptive_avg_pool2d', (1, 2, 3, 8, 8), {'out': 2}, requires_grad=rg)
        E('adaptive_avg_pool2d', (2, 3, 8, 8), {'out': -1}, requires_grad=rg)
        E('adaptive_avg_pool2d', (2, 3, 8, 8), {'out': [2, -1]}, requires_grad=rg)
        E('adaptive_max_pool2d', (2, 3, 8, 8), {'out': -1}, requires_grad=rg)
        E('adaptive_avg_pool2d', (2, 3, 0, 4), {'out': 2}, requires_grad=rg)
        E('adaptive_max_pool2d', (2, 0, 4, 4), {'out': 2}, requires_grad=rg)
        E('adaptive_avg_pool2d', (4,), {'out': [2, None]}, requires_grad=rg)
    return c


# ---- modules ----

MODULE_SPECS = [
    # (class name, args, kwargs)
    ('Conv2d', [3, 6, 5], {}),
    ('Conv2d', [6, 16, 5], {}),
    ('Conv2d', [1, 6, 5], {}),
    ('Conv2d', [4, 6, [3, 2]], {'stride': 2, 'padding': 1, 'bias': False}),
    ('Conv2d', [4, 6, 3], {'stride': [2, 1], 'padding': [1, 0], 'dilation': 2, 'groups': 2}),
    ('Conv2d', [2, 4, 3], {'padding': 'same'}),
    ('Conv2d', [2, 4, 3], {'padding': 'valid'}),
    ('Conv2d', [2, 4, 3], {'padding': 1, 'padding_mode': 'reflect'}),
    ('Conv2d', [2, 4, 3], {'padding': 1, 'padding_mode': 'replicate'}),
    ('Conv2d', [2, 4, 3], {'padding': [1, 2], 'padding_mode': 'circular'}),
    ('Conv2d', [2, 4, [2, 3]], {'padding': 'same', 'dilation': [1, 2], 'padding_mode': 'replicate'}),
    ('Conv2d', [2, 4, 3], {'dtype': torch.float64}),
    ('Conv1d', [3, 5, 3], {}),
    ('Conv1d', [4, 4, 2], {'stride': 2, 'padding': 1, 'dilation': 2, 'groups': 4, 'bias': False}),
    ('Conv1d', [2, 3, 4], {'padding': 'same'}),
    ('Conv1d', [2, 3, 4], {'padding': 'same', 'padding_mode': 'reflect'}),
    ('ConvTranspose2d', [3, 4, 3], {}),
    ('ConvTranspose2d', [4, 6, [2, 3]], {'stride': 2, 'padding': 1, 'output_padding': 1, 'groups': 2, 'bias': False}),
    ('ConvTranspose2d', [2, 3, 3], {'dilation': 2}),
    ('ConvTranspose1d', [3, 2, 3], {'stride': 2, 'output_padding': 1}),
]

MODULE_ERRORS = [
    ('Conv2d', [3, 6, 5], {'groups': 0}),
    ('Conv2d', [3, 6, 5], {'groups': 2}),
    ('Conv2d', [4, 6, 5], {'groups': 4}),
    ('Conv2d', [3, 6, 5], {'padding': 'foo'}),
    ('Conv2d', [3, 6, 5], {'padding': 'same', 'stride': 2}),
    ('Conv2d', [3, 6, 5], {'padding_mode': 'mirror'}),
    ('ConvTranspose2d', [3, 6, 5], {'padding_mode': 'reflect'}),
    ('ConvTranspose2d', [3, 6, 5], {'groups': 2}),
]

POOL_MODULE_SPECS = [
    ('MaxPool2d', [2], {}),
    ('MaxPool2d', [[3, 2]], {'stride': [2, 1], 'padding': 1, 'dilation': 2, 'ceil_mode': True}),
    ('MaxPool2d', [2], {'return_indices': True}),
    ('MaxPool1d', [3], {'stride': 2}),
    ('AvgPool2d', [2], {}),
    ('AvgPool2d', [3], {'stride': 2, 'padding': 1, 'ceil_mode': True, 'count_include_pad': False, 'divisor_override': 2}),
    ('AvgPool1d', [3], {'stride': 1, 'padding': 1}),
    ('AdaptiveAvgPool2d', [[5, 7]], {}),
    ('AdaptiveAvgPool2d', [1], {}),
    ('AdaptiveAvgPool2d', [[None, 7]], {}),
    ('AdaptiveMaxPool2d', [[2, 3]], {}),
    ('AdaptiveMaxPool2d', [4], {'return_indices': True}),
]


PYTHON_SET = re.compile(r"\{'[a-z]+'(?:, '[a-z]+')*\}")
# Python prints these sets in an order that depends on the hash seed; the fixture holds one order.
CANONICAL_SETS = [['same', 'valid'], ['zeros', 'reflect', 'replicate', 'circular']]


def canonical_sets(message):
    def canonical(m):
        items = set(re.findall(r"'([a-z]+)'", m.group(0)))
        for order in CANONICAL_SETS:
            if items == set(order):
                return '{' + ', '.join(f"'{x}'" for x in order) + '}'
        raise AssertionError(m.group(0))
    return PYTHON_SET.sub(canonical, message)


def py_args(args):
    """Lists stand for tuples in the constructor arguments."""
    return [tuple(a) if isinstance(a, list) else a for a in args]


def py_kwargs(kwargs):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}


def json_kwargs(kwargs):
    return {k: ({'dtype': 'float64'} if v is torch.float64 else v) for k, v in kwargs.items()}


def module_cases():
    cases = []
    for seed, (name, args, kwargs) in enumerate(MODULE_SPECS):
        torch.manual_seed(seed)
        m = getattr(nn, name)(*py_args(args), **py_kwargs(kwargs))
        case = {'module': name, 'args': args, 'kwargs': json_kwargs(kwargs), 'seed': seed, 'repr': repr(m),
                'params': {k: encode_tensor(v) for k, v in m.named_parameters()}}
        # The forward pass on a batched and an unbatched input (padding modes included).
        dims = 1 if name.endswith('1d') else 2
        g = torch.Generator().manual_seed(seed)
        in_ch = args[0]
        dtype = kwargs.get('dtype', torch.float32)
        x = (torch.rand((2, in_ch) + (7,) * dims, generator=g, dtype=torch.float64) * 4 - 2).to(dtype)
        case['input'] = encode_tensor(x)
        case['output'] = encode_tensor(m(x))
        if kwargs.get('padding_mode') != 'circular':  # 1.13's circular F.pad needs a batch dim
            case['output_unbatched'] = encode_tensor(m(x[0]))
        cases.append(case)
    # ConvTranspose2d's forward with an output_size that decides the output padding.
    torch.manual_seed(100)
    m = nn.ConvTranspose2d(2, 3, 3, stride=2)
    x = R(1, 2, 4, 4)
    transposed_output_size = {
        'module': 'ConvTranspose2d', 'args': [2, 3, 3], 'kwargs': {'stride': 2}, 'seed': 100,
        'input': encode_tensor(x), 'output_size': [10, 9], 'output': encode_tensor(m(x, output_size=[10, 9])),
        'errors': [],
    }
    for size in [[12, 9], [10], [1, 2, 10, 9, 1]]:
        try:
            m(x, output_size=size)
        except Exception as err:
            transposed_output_size['errors'].append({'output_size': size, 'error': str(err).split('\n')[0]})
    errors = []
    for name, args, kwargs in MODULE_ERRORS:
        try:
            getattr(nn, name)(*py_args(args), **py_kwargs(kwargs))
            raise AssertionError((name, args, kwargs))
        except ValueError as err:
            errors.append({'module': name, 'args': args, 'kwargs': kwargs, 'error': canonical_sets(str(err))})
    pools = [{'module': name, 'args': args, 'kwargs': kwargs, 'repr': repr(getattr(nn, name)(*py_args(args), **py_kwargs(kwargs)))}
             for name, args, kwargs in POOL_MODULE_SPECS]
    # Pooling modules' forward (return_indices gives a pair).
    for p in pools:
        m = getattr(nn, p['module'])(*py_args(p['args']), **py_kwargs(p['kwargs']))
        x = R(2, 3, 9, 8) if '2d' in p['module'] else R(2, 3, 9)
        out = m(x)
        p['input'] = encode_tensor(x)
        p['output'] = [encode_tensor(o) for o in out] if isinstance(out, tuple) else [encode_tensor(out)]
    return {'modules': cases, 'transposed_output_size': transposed_output_size, 'errors': errors, 'pools': pools}


def same_padding_warning():
    """The warning of padding='same' with an even kernel (PyTorch warns once per process: run first)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        F.conv2d(R(1, 1, 4, 4), R(1, 1, 2, 2), padding='same')
    return [str(w.message).split(' (Triggered internally')[0] for w in caught]


def write_modules_fixture(payload):
    import json
    import os
    import sys
    from common import GOLDEN_DIR
    path = os.path.join(GOLDEN_DIR, 'conv_modules.json')
    with open(path, 'w') as f:
        json.dump({'generator': os.path.basename(sys.argv[0]), 'torch': torch.__version__, **payload},
                  f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    print(f'wrote {path}')


if __name__ == '__main__':
    warning = same_padding_warning()
    write_fixture('conv', conv_cases())
    write_fixture('pooling', pool_cases())
    write_modules_fixture({**module_cases(), 'same_padding_warning': warning})
