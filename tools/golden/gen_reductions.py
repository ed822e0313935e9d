"""Fixtures for the reductions, scans, sorting and softmax: test/golden/reductions.json.

Replayed by test/ops/reductions.test.ts through test/ops/harness.ts. Every case names a call in CALLS;
the TypeScript test has a call under the same key doing the same thing in tstorch. A call takes
(xs, e): xs are the case's input tensors, e the extra arguments:
  e['layout']  1: the input transposed (dims -1, -2), 2: every other element of its last dim; the
               recorded tensor stays contiguous, the call makes the non-contiguous view
  e['dim'], e['keepdim'], e['dtype'] and op-specific arguments, passed as keywords when present
Strings cannot go in `extra` (the harness reads every string there as a number), so string-valued
arguments are codes: e['mode'] indexes MODES for quantile's interpolation, e['fro'] passes p='fro'.

PyTorch 2.x behaviour recorded where the installed 1.13 differs (spec: Δ1.x):
  * torch.norm routes strided inputs to torch.linalg.vector_norm (grad_fn LinalgVectorNormBackward0, the
    vector norm's error messages); `norm_2x` below is 2.x's torch/functional.py routing.
  * quantile ends with an in-place squeeze_(-1): 1.13 names it SqueezeBackward3, 2.x SqueezeBackward4
    (squeeze_.dim comes after squeeze.dims in 2.x's derivatives.yaml).
  * var/std: 2.x accepts any Scalar correction; cases use integral ones, which 1.13 takes too.
Cases where the two versions are known to differ in ways not replayed here are left out: var/std over a
single element without dim (1.13's backward raises; 2.x gives nan), median of an empty integral tensor.

Ties: max(dim)/min(dim)/argmax/argmin take the first; sort is recorded with stable=True where rows have
ties (PyTorch's unstable CPU sort orders ties arbitrarily, tstorch always sorts stably); topk cases have
no ties (PyTorch's partial sort orders tied values arbitrarily).

Run with Debian's python: /usr/bin/python3 tools/golden/gen_reductions.py
"""
import math

import torch

import opcases
from common import write_fixture
from opcases import make_case, rand

# Some double backwards return ATen's "efficient zero tensors", which have no storage to read.
_encode_tensor = opcases.encode_tensor
opcases.encode_tensor = lambda t: _encode_tensor(torch.zeros(t.shape, dtype=t.dtype) if t._is_zerotensor() else t)

GEN = torch.Generator().manual_seed(20240612)
NAN, INF = math.nan, math.inf
FLOATS = [torch.float32, torch.float64]
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
ALL = [torch.bool] + INTS + FLOATS
MODES = ['linear', 'lower', 'higher', 'midpoint', 'nearest']
TRANSPOSE, STEP = 1, 2


def R(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


def T(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype)


def layout(x, e):
    spec = e.get('layout')
    if spec == TRANSPOSE:
        return x.transpose(-1, -2)
    if spec == STEP:
        return x[..., ::2]
    return x


def kw(e, *names):
    return {n: e[n] for n in names if n in e}


def dim_kw(e, *names):
    """Keywords for ops whose `dim` is optional: `dim` only when given."""
    return kw(e, 'dim', 'keepdim', *names) if 'dim' in e else kw(e, *names)


def norm_2x(x, p='fro', dim=None, keepdim=False, dtype=None):
    """torch.norm of PyTorch 2.x for strided tensors (torch/functional.py)."""
    _dim = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == 'fro' and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return torch.linalg.vector_norm(x, 2, _dim, keepdim, dtype=dtype)
        raise ValueError('matrix norms are not recorded here')
    return torch.linalg.vector_norm(x, 2.0 if p is None else p, _dim, keepdim, dtype=dtype)


def var_call(fn):
    def call(xs, e):
        x = layout(xs[0], e)
        if 'unbiased' in e:
            args = [e['dim'], e['unbiased']] if 'dim' in e else [e['unbiased']]
            return fn(x, *args, **kw(e, 'keepdim'))
        if 'correction' in e:
            return fn(x, dim=e.get('dim'), correction=e['correction'], **kw(e, 'keepdim'))
        return fn(x, **dim_kw(e))
    return call


def quantile_call(xs, e):
    q = xs[1] if len(xs) > 1 else e['q']
    if isinstance(q, list):
        q = torch.tensor(q, dtype=xs[0].dtype)
    return torch.quantile(layout(xs[0], e), q, dim=e.get('dim'), keepdim=e.get('keepdim', False),
                          interpolation=MODES[e.get('mode', 0)])


CALLS = {
    'sum': lambda xs, e: torch.sum(layout(xs[0], e), **dim_kw(e, 'dtype')),
    'sum.method': lambda xs, e: layout(xs[0], e).sum(**dim_kw(e, 'dtype')),
    'mean': lambda xs, e: torch.mean(layout(xs[0], e), **dim_kw(e, 'dtype')),
    'prod': lambda xs, e: torch.prod(layout(xs[0], e), **dim_kw(e, 'dtype')),
    'max': lambda xs, e: torch.max(layout(xs[0], e)),
    'min': lambda xs, e: torch.min(layout(xs[0], e)),
    'max.dim': lambda xs, e: tuple(torch.max(layout(xs[0], e), e['dim'], **kw(e, 'keepdim'))),
    'min.dim': lambda xs, e: tuple(torch.min(layout(xs[0], e), e['dim'], **kw(e, 'keepdim'))),
    'max.other': lambda xs, e: torch.max(xs[0], xs[1]),
    'amax': lambda xs, e: torch.amax(layout(xs[0], e), **kw(e, 'dim', 'keepdim')),
    'amin': lambda xs, e: torch.amin(layout(xs[0], e), **kw(e, 'dim', 'keepdim')),
    'argmax': lambda xs, e: torch.argmax(layout(xs[0], e), **kw(e, 'dim', 'keepdim')),
    'argmin': lambda xs, e: torch.argmin(layout(xs[0], e), **kw(e, 'dim', 'keepdim')),
    'var': var_call(torch.var),
    'std': var_call(torch.std),
    'norm': lambda xs, e: norm_2x(layout(xs[0], e), 'fro' if e.get('fro') else e.get('p', 'fro'), **kw(e, 'dim', 'keepdim', 'dtype')),
    'vector_norm': lambda xs, e: torch.linalg.vector_norm(layout(xs[0], e), **kw(e, 'ord', 'dim', 'keepdim', 'dtype')),
    'logsumexp': lambda xs, e: torch.logsumexp(layout(xs[0], e), e['dim'], **kw(e, 'keepdim')),
    'cumsum': lambda xs, e: torch.cumsum(layout(xs[0], e), e['dim'], **kw(e, 'dtype')),
    'cumprod': lambda xs, e: torch.cumprod(layout(xs[0], e), e['dim'], **kw(e, 'dtype')),
    'sort': lambda xs, e: tuple(torch.sort(layout(xs[0], e), **kw(e, 'dim', 'descending', 'stable'))),
    'argsort': lambda xs, e: torch.argsort(layout(xs[0], e), **kw(e, 'dim', 'descending', 'stable')),
    'topk': lambda xs, e: tuple(torch.topk(layout(xs[0], e), e['k'], **kw(e, 'dim', 'largest', 'sorted'))),
    'median': lambda xs, e: torch.median(layout(xs[0], e)),
    'median.dim': lambda xs, e: tuple(torch.median(layout(xs[0], e), e['dim'], **kw(e, 'keepdim'))),
    'quantile': quantile_call,
    'softmax': lambda xs, e: torch.softmax(layout(xs[0], e), e['dim'], **kw(e, 'dtype')),
    'log_softmax': lambda xs, e: torch.log_softmax(layout(xs[0], e), e['dim'], **kw(e, 'dtype')),
    'all': lambda xs, e: torch.all(layout(xs[0], e), **kw(e, 'dim', 'keepdim')),
    'any': lambda xs, e: torch.any(layout(xs[0], e), **kw(e, 'dim', 'keepdim')),
}

CASES = []


def case(key, inputs, e=None, requires_grad=None, second_order=True):
    e = dict(e or {})
    if list(e) == ['dtype']:
        # The harness would read {"dtype": ...} as a dtype itself: add the default layout to disambiguate.
        e['layout'] = 0
    fn = lambda *args: CALLS[key](list(args[:-1]), args[-1])
    c = make_case(key, fn, inputs, e, requires_grad=requires_grad, second_order=second_order)
    if key == 'quantile' and c.get('grad_fn') == 'SqueezeBackward3':
        c['grad_fn'] = 'SqueezeBackward4'  # 2.x numbering of squeeze_.dim (see the module docstring)
    CASES.append(c)


def shapes_and_dims():
    """(shape, dim) pairs over 0-d to 4-d, negative dims included."""
    return [([], 0), ([], -1), ([5], 0), ([5], -1), ([3, 4], 0), ([3, 4], 1), ([3, 4], -1), ([2, 3, 4], 1),
            ([2, 3, 4], -3), ([2, 1, 3, 2], 2), ([2, 1, 3, 2], -1)]


EMPTY = [[0], [2, 0], [0, 3]]


def ints(shape, dtype, low=-3, high=4):
    if dtype == torch.bool:
        return R(*shape, dtype=torch.bool)
    if dtype == torch.uint8:
        low = 0
    return R(*shape, dtype=dtype, low=low, high=high)


def distinct(*shape, dtype=torch.float32):
    """Values without ties (a shuffled grid), for ops whose tie order PyTorch leaves unspecified."""
    n = max(1, math.prod(shape))
    perm = torch.randperm(n, generator=GEN).to(torch.float64)
    return ((perm - n / 2) * 0.37).reshape(shape).to(dtype)


# ---- sum, mean ----
for shape, dim in shapes_and_dims():
    for keepdim in [False, True]:
        case('sum', [R(*shape)], {'dim': dim, 'keepdim': keepdim})
        case('mean', [R(*shape, dtype=torch.float64)], {'dim': dim, 'keepdim': keepdim})
for shape in [[], [5], [3, 4], [2, 3, 4]]:
    case('sum', [R(*shape)])
    case('mean', [R(*shape)])
    case('sum.method', [R(*shape, dtype=torch.float64)])
for dims in [[0, 2], [-1, 0], [], [1, 2, 0]]:
    for keepdim in [False, True]:
        case('sum', [R(2, 3, 4)], {'dim': dims, 'keepdim': keepdim})
        case('mean', [R(2, 3, 4)], {'dim': dims, 'keepdim': keepdim})
for lay in [TRANSPOSE, STEP]:
    case('sum', [R(3, 4)], {'layout': lay, 'dim': 1})
    case('mean', [R(2, 3, 4)], {'layout': lay, 'dim': [0, 2], 'keepdim': True})
for dtype in ALL:
    case('sum', [ints([3, 4], dtype)] if not dtype.is_floating_point else [R(3, 4, dtype=dtype)])
    case('sum', [ints([3, 4], dtype)] if not dtype.is_floating_point else [R(3, 4, dtype=dtype)], {'dim': 0})
case('sum', [T([2 ** 62, 2 ** 62, 2 ** 61], torch.int64)])  # wraps around (to a value a double holds exactly)
case('sum', [T([200, 100, 7], torch.uint8)], {'dtype': torch.uint8})
case('sum', [T([100, 100], torch.int8)])
case('sum', [ints([3, 4], torch.int32)], {'dtype': torch.float32})
case('sum', [R(3, 4)], {'dtype': torch.float64})
case('sum', [R(3, 4)], {'dim': 1, 'dtype': torch.float64})
case('sum', [T([1.5, 2.7, -0.5])], {'dtype': torch.int32}, requires_grad=[False])  # 1.13 asserts with grad
case('mean', [R(3, 4)], {'dtype': torch.float64})
case('mean', [ints([3, 4], torch.int64)], {'dtype': torch.float64})
case('mean', [ints([3, 4], torch.int64)])
case('mean', [ints([3, 4], torch.bool)], {'dim': 0})
case('mean', [R(3, 4)], {'dtype': torch.int64})
case('sum', [T([1.0, NAN, 2.0])])
case('mean', [T([[1.0, NAN], [2.0, 3.0]])], {'dim': 1})
for shape in EMPTY:
    case('sum', [R(*shape)])
    case('mean', [R(*shape)])
    case('sum', [R(*shape)], {'dim': -1})
    case('mean', [R(*shape)], {'dim': 0, 'keepdim': True})
case('sum', [R(3, 4)], {'dim': 2})
case('sum', [R(3, 4)], {'dim': -3})
case('mean', [R()], {'dim': 1})
case('sum', [R(3, 4)], {'dim': [0, 0]})
case('sum', [R(3, 4)], {'dim': [1, -1]})

# ---- prod ----
for shape, dim in shapes_and_dims():
    case('prod', [R(*shape)], {'dim': dim, 'keepdim': dim == -1})
for shape in [[], [5], [3, 4], [2, 3, 2]]:
    case('prod', [R(*shape, dtype=torch.float64)])
case('prod', [T([2.0, 0.0, 3.0, -1.5])])
case('prod', [T([2.0, 0.0, 3.0, 0.0])])
case('prod', [T([[2.0, 0.0, 3.0], [1.5, -2.0, 0.5], [0.0, 0.0, 4.0]], torch.float64)], {'dim': 1})
case('prod', [T([[2.0, 0.0, 3.0], [1.5, -2.0, 0.5], [0.0, 0.0, 4.0]])], {'dim': 0, 'keepdim': True})
case('prod', [T([[0.0, 1.5], [2.0, -1.0]], torch.float64)])
case('prod', [R(3, 4)], {'layout': TRANSPOSE, 'dim': 0})
case('prod', [R(3, 4)], {'layout': STEP, 'dim': 1})
for dtype in ALL:
    x = ints([2, 3], dtype, low=-2, high=3) if not dtype.is_floating_point else R(2, 3, dtype=dtype)
    case('prod', [x])
    case('prod', [x], {'dim': 1})
case('prod', [T([2 ** 40, 2 ** 40, 3], torch.int64)])  # wraps around
case('prod', [R(3)], {'dtype': torch.float64})
case('prod', [ints([3], torch.int32)], {'dim': 0, 'dtype': torch.float32})
for shape in EMPTY:
    case('prod', [R(*shape)])
    case('prod', [R(*shape)], {'dim': 0})
case('prod', [R(3, 4)], {'dim': 2})
case('prod', [T([1.0, NAN, 2.0])])

# ---- max, min ----
for key in ['max', 'min']:
    for shape in [[], [5], [3, 4], [2, 3, 4], [2, 1, 3, 2]]:
        case(key, [R(*shape)])
    case(key, [T([1.0, 3.0, 3.0, -1.0, 3.0])])  # ties split the gradient evenly
    case(key, [T([-1.0, -1.0, 2.0, -1.0], torch.float64)])
    case(key, [T([1.0, NAN, 2.0, NAN])])
    case(key, [R(3, 4)], {'layout': TRANSPOSE})
    for dtype in ALL:
        case(key, [ints([3, 4], dtype) if not dtype.is_floating_point else R(3, 4, dtype=dtype)])
    case(key, [R(0)])
    case(key, [R(2, 0)])
    kd = key + '.dim'
    for shape, dim in shapes_and_dims():
        for keepdim in [False, True]:
            case(kd, [R(*shape)], {'dim': dim, 'keepdim': keepdim})
    case(kd, [T([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]])], {'dim': 1})  # ties: the first index gets it all
    case(kd, [T([[-1.0, -1.0, 3.0], [2.0, -1.0, -1.0]], torch.float64)], {'dim': 1, 'keepdim': True})
    case(kd, [T([[1.0, NAN, 2.0, NAN], [3.0, 1.0, 0.0, 2.0]])], {'dim': 1})
    case(kd, [R(3, 4)], {'layout': TRANSPOSE, 'dim': 0})
    case(kd, [R(2, 3, 4)], {'layout': STEP, 'dim': -1})
    for dtype in ALL:
        case(kd, [ints([3, 4], dtype) if not dtype.is_floating_point else R(3, 4, dtype=dtype)], {'dim': 1})
    case(kd, [R(2, 0)], {'dim': 0})
    case(kd, [R(2, 0)], {'dim': 1})
    case(kd, [R(2, 0)], {'dim': -1})
    case(kd, [R(0)], {'dim': 0})
    case(kd, [R(3, 4)], {'dim': 2})
    case(kd, [R()], {'dim': 1})
case('max.other', [R(3, 4), R(4)])

# ---- amax, amin ----
for key in ['amax', 'amin']:
    for shape, dim in shapes_and_dims():
        case(key, [R(*shape)], {'dim': dim, 'keepdim': dim in (1, -1)})
    for shape in [[], [5], [3, 4]]:
        case(key, [R(*shape, dtype=torch.float64)])
    for dims in [[0, 2], [-1, 0], []]:
        for keepdim in [False, True]:
            case(key, [R(2, 3, 4)], {'dim': dims, 'keepdim': keepdim})
    case(key, [T([[1.0, 3.0, 3.0], [-1.0, -1.0, 0.5]])], {'dim': 1})  # ties split evenly
    case(key, [T([[2.0, 2.0], [2.0, -2.0]], torch.float64)], {'dim': [0, 1]})
    case(key, [T([[1.0, NAN, 2.0], [3.0, 1.0, 0.0]])], {'dim': 1})  # nan: the slice's gradient is nan
    case(key, [R(3, 4)], {'layout': TRANSPOSE, 'dim': 0})
    for dtype in ALL:
        case(key, [ints([3, 4], dtype) if not dtype.is_floating_point else R(3, 4, dtype=dtype)], {'dim': -1})
    case(key, [R(2, 0)], {'dim': 0})
    case(key, [R(2, 0)], {'dim': 1})
    case(key, [R(2, 0)], {'dim': [0, -1]})
    case(key, [R(2, 0)])
    case(key, [R(3, 4)], {'dim': [1, -1]})
    case(key, [R(3, 4)], {'dim': -3})

# ---- argmax, argmin ----
for key in ['argmax', 'argmin']:
    for shape, dim in shapes_and_dims():
        case(key, [R(*shape)], {'dim': dim, 'keepdim': dim == 0})
    for shape in [[], [5], [3, 4]]:
        case(key, [R(*shape)])
    case(key, [R(3, 4)], {'keepdim': True})
    case(key, [T([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0], [-1.0, 0.0, -1.0]])], {'dim': 1})
    case(key, [T([[1.0, NAN, 2.0, NAN], [3.0, 1.0, 0.0, 2.0]])], {'dim': 1})
    case(key, [T([1.0, NAN, 2.0, NAN])])
    case(key, [R(3, 4)], {'layout': TRANSPOSE, 'dim': 1})
    for dtype in ALL:
        case(key, [ints([3, 4], dtype) if not dtype.is_floating_point else R(3, 4, dtype=dtype)], {'dim': 0})
    case(key, [R(0)])
    case(key, [R(2, 0)], {'dim': 0})
    case(key, [R(2, 0)], {'dim': -1})
    case(key, [R(3, 4)], {'dim': 2})

# ---- var, std ----
for key in ['var', 'std']:
    for shape, dim in shapes_and_dims():
        if shape in ([], [5]) and dim is not None and math.prod(shape) < 2:
            continue
        case(key, [R(*shape)], {'dim': dim, 'keepdim': dim == -1})
    for shape in [[5], [3, 4], [2, 3, 4]]:
        case(key, [R(*shape, dtype=torch.float64)])
    for dims in [[0, 2], [-1, 0]]:
        case(key, [R(2, 3, 4)], {'dim': dims, 'keepdim': True})
    for correction in [0, 2]:
        case(key, [R(3, 4)], {'dim': 1, 'correction': correction})
        case(key, [R(3, 4, dtype=torch.float64)], {'correction': correction})
    case(key, [R(3, 4)], {'unbiased': False})
    case(key, [R(3, 4)], {'dim': 0, 'unbiased': False, 'keepdim': True})
    case(key, [R(3, 4, dtype=torch.float64)], {'dim': 0, 'unbiased': True})
    case(key, [R(2, 3)], {'dim': 1, 'correction': 3})  # no degrees of freedom: inf
    case(key, [R(3, 1)], {'dim': 1})  # one element per slice: nan
    case(key, [T([[1.0, NAN, 2.0], [3.0, 1.0, 0.0]])], {'dim': 1})
    case(key, [T([2.5, 2.5, 2.5])])
    case(key, [R(3, 4)], {'layout': TRANSPOSE, 'dim': 1})
    case(key, [R(2, 3, 4)], {'layout': STEP, 'dim': [0, 2]})
    case(key, [ints([3, 4], torch.int64)], {'dim': 0})
    case(key, [ints([3, 4], torch.bool)])
    # No degrees of freedom without dim: 2.x's backward is grad * (nan or inf), constant in x, so no
    # second derivative (1.13 differentiates its 2 / (n - correction) * (x - mean) formula).
    case(key, [R(0)], second_order=False)
    case(key, [R(2, 0)], {'dim': 1})
    case(key, [R(3, 4)], {'dim': 2})
    case(key, [R(3, 4)], {'dim': [0, -2]})
case('std', [T([[1.0, 1.0], [2.0, 3.0]])], {'dim': 1})  # zero std: zero gradient

# ---- norm, linalg.vector_norm ----
ORDS = [2, 1, 3, 0.5, 1.5, INF, -INF, 0, -1]
for ord_ in ORDS:
    case('vector_norm', [R(3, 4)], {'ord': ord_})
    case('vector_norm', [R(2, 3, 4, dtype=torch.float64)], {'ord': ord_, 'dim': [0, 2], 'keepdim': ord_ in (1, INF)})
    case('vector_norm', [R(3, 4)], {'ord': ord_, 'dim': -1})
    case('norm', [R(3, 4, dtype=torch.float64)], {'p': ord_, 'dim': 1, 'keepdim': True})
for shape, dim in shapes_and_dims():
    case('norm', [R(*shape)], {'dim': dim})
case('norm', [R(3, 4)])
case('norm', [R(3, 4)], {'fro': True})
case('norm', [R(3, 4)], {'fro': True, 'dim': [0, 1]})
case('norm', [R(3, 4)], {'p': 1})
case('norm', [R(2, 3, 4)], {'p': INF, 'dim': [1, 2]})
case('norm', [R(3, 4)], {'layout': TRANSPOSE, 'dim': 0})
case('vector_norm', [R(3, 4)], {'layout': STEP, 'dim': 1})
case('vector_norm', [R()])
case('vector_norm', [R()], {'ord': 1, 'dim': 0})
# Zero norms (gradient 0), zeros within (p < 1), ties of the largest magnitude (inf), nan.
for ord_ in [2, 1, 3, 1.5, 0.5, INF]:
    case('vector_norm', [T([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]])], {'ord': ord_, 'dim': 1})
case('vector_norm', [T([1.0, 0.0, -2.0])], {'ord': 0.5})
case('vector_norm', [T([1.0, -2.0, 2.0, 0.5])], {'ord': INF})
case('vector_norm', [T([1.0, -2.0, -2.0, 0.5])], {'ord': -INF})
case('vector_norm', [T([1.0, NAN, 2.0])], {'ord': INF})
case('vector_norm', [T([1.0, NAN, 2.0])])
case('vector_norm', [R(3, 4)], {'dtype': torch.float64})
case('vector_norm', [R(3, 4, dtype=torch.float64)], {'dtype': torch.float32})
case('vector_norm', [R(3, 4)], {'dtype': torch.int64})
case('vector_norm', [ints([3, 4], torch.int64)])
case('vector_norm', [ints([3, 4], torch.bool)])
case('norm', [ints([3, 4], torch.int32)])
case('norm', [R(3, 4)], {'dtype': torch.float64, 'dim': 0})
for shape in EMPTY:
    case('vector_norm', [R(*shape)])
    case('vector_norm', [R(*shape)], {'ord': INF})
    case('vector_norm', [R(*shape)], {'ord': -1, 'dim': 0})
    case('vector_norm', [R(*shape)], {'ord': INF, 'dim': -1})
case('vector_norm', [R(2, 0)], {'ord': 0})
case('vector_norm', [R(3, 4)], {'dim': 2})
case('vector_norm', [R(3, 4)], {'dim': [1, -1]})

# ---- logsumexp ----
for shape, dim in shapes_and_dims():
    case('logsumexp', [R(*shape)], {'dim': dim, 'keepdim': dim == 1})
for dims in [[0, 2], [-1, 0], [0, 1, 2]]:
    case('logsumexp', [R(2, 3, 4, dtype=torch.float64)], {'dim': dims, 'keepdim': dims == [0, 2]})
case('logsumexp', [T([[1000.0, 1000.0, 999.0], [-1000.0, -1001.0, -1000.5]])], {'dim': 1})  # stable
case('logsumexp', [T([[INF, 1.0], [-INF, -INF], [NAN, 1.0], [-INF, 2.0]])], {'dim': 1})
case('logsumexp', [R(3, 4)], {'layout': TRANSPOSE, 'dim': 1})
case('logsumexp', [R(2, 3, 4)], {'layout': STEP, 'dim': [0, 2]})
for dtype in [torch.bool, torch.int32, torch.int64, torch.float64]:
    case('logsumexp', [ints([3, 4], dtype) if not dtype.is_floating_point else R(3, 4, dtype=dtype)], {'dim': 1})
case('logsumexp', [R(2, 0)], {'dim': 1})
case('logsumexp', [R(2, 0)], {'dim': 0})
case('logsumexp', [R(3, 4)], {'dim': 2})
case('logsumexp', [R(3, 4)], {'dim': [0, -2]})

# ---- cumsum, cumprod ----
for key in ['cumsum', 'cumprod']:
    for shape, dim in shapes_and_dims():
        case(key, [R(*shape)], {'dim': dim})
    case(key, [R(2, 3, 4, dtype=torch.float64)], {'dim': 2})
    case(key, [R(3, 4)], {'layout': TRANSPOSE, 'dim': 1})
    case(key, [R(2, 3, 4)], {'layout': STEP, 'dim': -1})
    for dtype in ALL:
        case(key, [ints([3, 4], dtype, low=-2, high=3) if not dtype.is_floating_point else R(3, 4, dtype=dtype)], {'dim': 1})
    case(key, [R(3, 4)], {'dim': 0, 'dtype': torch.float64})
    case(key, [ints([3, 4], torch.int32)], {'dim': 1, 'dtype': torch.float32})
    case(key, [T([200, 100, 3], torch.uint8)], {'dim': 0, 'dtype': torch.uint8})
    case(key, [T([1.0, NAN, 2.0, 3.0])], {'dim': 0})
    for shape in EMPTY:
        case(key, [R(*shape)], {'dim': -1})
    case(key, [R(3, 4)], {'dim': 2})
    case(key, [R()], {'dim': 1})
# cumprod with zeros: gradient without dividing by the input, to second order.
case('cumprod', [T([2.0, 0.0, 3.0, 0.0, 5.0])], {'dim': 0})
case('cumprod', [T([0.0, 1.5, -2.0, 0.5])], {'dim': 0})
case('cumprod', [T([[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 1.0, 2.0], [2.0, 1.0, 0.5, 0.0]], torch.float64)], {'dim': 1})
case('cumprod', [T([[1.5, 0.0, 2.0], [0.0, 3.0, 1.0], [2.0, 1.0, 0.0]])], {'dim': 0})
case('cumsum', [T([2 ** 62, 2 ** 62, 2 ** 62], torch.int64)], {'dim': 0})  # wraps around

# ---- sort, argsort, topk ----
for shape, dim in shapes_and_dims():
    for descending in [False, True]:
        case('sort', [distinct(*shape)], {'dim': dim, 'descending': descending})
    case('argsort', [distinct(*shape)], {'dim': dim, 'descending': dim == -1})
case('sort', [distinct(2, 3, 4, dtype=torch.float64)])
case('sort', [distinct(3, 4)], {'layout': TRANSPOSE, 'dim': 1})
case('sort', [distinct(2, 3, 4)], {'layout': STEP, 'dim': 1, 'descending': True})
TIES = T([[3.0, 1.0, 3.0, 1.0, 2.0, 3.0, 1.0], [0.0, 0.0, -1.0, 0.0, 2.0, 2.0, -1.0]])
for descending in [False, True]:
    case('sort', [TIES], {'dim': 1, 'descending': descending, 'stable': True})
    case('argsort', [TIES], {'dim': 1, 'descending': descending, 'stable': True})
    case('sort', [T([1.0, NAN, 3.0, NAN, -1.0, INF, -INF])], {'descending': descending, 'stable': True})
for dtype in ALL:
    x = ints([3, 6], dtype, low=-20, high=20) if not dtype.is_floating_point else distinct(3, 6, dtype=dtype)
    case('sort', [x], {'dim': 1, 'stable': True})
    case('argsort', [x], {'dim': 0, 'descending': True, 'stable': True})
for shape in EMPTY:
    case('sort', [R(*shape)], {'dim': -1})
case('sort', [R(3, 4)], {'dim': 2})
for shape, dim in shapes_and_dims():
    n = 1 if not shape else shape[dim]
    # k = 0 on a 0-d input leaves PyTorch's output uninitialised: not recorded.
    for k in sorted({0, 1, n} if shape else {1}):
        case('topk', [distinct(*shape)], {'k': k, 'dim': dim})
    case('topk', [distinct(*shape)], {'k': 1, 'dim': dim, 'largest': False})
case('topk', [distinct(3, 6)], {'k': 3})
case('topk', [distinct(3, 6, dtype=torch.float64)], {'k': 2, 'dim': 0, 'largest': False})
case('topk', [distinct(2, 3, 4)], {'k': 2, 'dim': 1, 'largest': True, 'sorted': True})
case('topk', [distinct(3, 4)], {'layout': TRANSPOSE, 'k': 2, 'dim': 1})
case('topk', [T([1.0, NAN, 3.0, -1.0])], {'k': 2})
case('topk', [T([1.0, NAN, 3.0, -1.0])], {'k': 2, 'largest': False})
for dtype in INTS:
    case('topk', [T([5, 1, 7, 3, 2, 0], dtype)], {'k': 3})
case('topk', [ints([4], torch.bool)], {'k': 1})
case('topk', [R(3, 4)], {'k': 5})
case('topk', [R(3, 4)], {'k': -1})
case('topk', [R(2, 0)], {'k': 0})
case('topk', [R(3, 4)], {'k': 1, 'dim': 2})

# ---- median ----
for shape in [[], [5], [4], [3, 4], [2, 3, 4]]:
    case('median', [R(*shape)])
case('median', [T([3.0, 1.0, 2.0, 2.0, 5.0, 2.0])])  # ties share the gradient
case('median', [T([3.0, NAN, 2.0, NAN])])
case('median', [R(3, 4)], {'layout': TRANSPOSE})
for dtype in INTS + [torch.float64]:
    case('median', [ints([3, 4], dtype) if not dtype.is_floating_point else R(3, 4, dtype=dtype)])
case('median', [ints([4], torch.bool)])
case('median', [R(0)])
for shape, dim in shapes_and_dims():
    for keepdim in [False, True]:
        case('median.dim', [R(*shape)], {'dim': dim, 'keepdim': keepdim})
case('median.dim', [T([[3.0, 1.0, 3.0, 1.0, 2.0, 3.0, 1.0], [0.0, 0.0, -1.0, 0.0, 2.0, 2.0, -1.0]])], {'dim': 1})
case('median.dim', [T([[3.0, NAN, 2.0, NAN], [1.0, 2.0, 0.0, 4.0]])], {'dim': 1})
case('median.dim', [R(3, 4)], {'layout': TRANSPOSE, 'dim': 0})
case('median.dim', [R(2, 3, 4)], {'layout': STEP, 'dim': 2})
for dtype in INTS:
    case('median.dim', [ints([3, 4], dtype)], {'dim': 1})
case('median.dim', [ints([3, 4], torch.bool)], {'dim': 1})
case('median.dim', [R(2, 0)], {'dim': 1})
case('median.dim', [R(2, 0)], {'dim': 0})
case('median.dim', [R(3, 4)], {'dim': 2})

# ---- quantile ----
for mode in range(len(MODES)):
    case('quantile', [R(3, 4)], {'q': 0.3, 'mode': mode})
    case('quantile', [R(3, 5, dtype=torch.float64)], {'q': [0.0, 0.25, 0.6, 1.0], 'dim': 1, 'mode': mode})
    case('quantile', [R(2, 3, 4)], {'q': 0.5, 'dim': -2, 'keepdim': True, 'mode': mode})
    case('quantile', [T([[1.0, NAN, 2.0], [3.0, 1.0, 0.0]])], {'q': [0.4, 0.75], 'dim': 1, 'mode': mode})
for shape, dim in shapes_and_dims():
    case('quantile', [R(*shape)], {'q': 0.75, 'dim': dim, 'keepdim': dim == 1})
case('quantile', [R(3, 4)], {'q': [0.1, 0.9], 'keepdim': True})
case('quantile', [R(5)], {'q': 0.5})
case('quantile', [R(4)], {'q': 0.5})
case('quantile', [R()], {'q': 0.2})
case('quantile', [R(3, 4)], {'layout': TRANSPOSE, 'q': 0.4, 'dim': 1})
case('quantile', [R(3, 4), T(0.35)], {'dim': 0})
case('quantile', [R(3, 4, dtype=torch.float64), T([0.35, 0.8], torch.float64)], {'dim': 1}, requires_grad=[True, True])
case('quantile', [R(3, 4)], {'q': 1.5})
case('quantile', [R(3, 4)], {'q': [0.2, 1.5]})
case('quantile', [R(3, 4), T([[0.2, 0.5]])])
case('quantile', [R(3, 4), T([0.2, 0.5], torch.float64)])
case('quantile', [ints([3, 4], torch.int64)], {'q': 0.5})
case('quantile', [R(0)], {'q': 0.5})
case('quantile', [R(3, 4)], {'q': 0.5, 'dim': 2})

# ---- softmax, log_softmax ----
for key in ['softmax', 'log_softmax']:
    for shape, dim in shapes_and_dims():
        case(key, [R(*shape, low=-4, high=4)], {'dim': dim})
    case(key, [R(2, 3, 4, dtype=torch.float64)], {'dim': 1})
    case(key, [T([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -1002.0]])], {'dim': 1})  # large logits
    case(key, [T([[INF, 1.0, 0.0], [-INF, 1.0, 0.0], [-INF, -INF, -INF], [NAN, 1.0, 0.0]])], {'dim': 1})
    case(key, [R(3, 4)], {'layout': TRANSPOSE, 'dim': 1})
    case(key, [R(2, 3, 4)], {'layout': STEP, 'dim': 0})
    case(key, [R(3, 4)], {'dim': 1, 'dtype': torch.float64})
    case(key, [ints([3, 4], torch.int64)], {'dim': 1, 'dtype': torch.float32})
    case(key, [ints([3, 4], torch.int64)], {'dim': 1})
    case(key, [ints([3, 4], torch.int32)], {'dim': 0})
    case(key, [ints([3, 4], torch.bool)], {'dim': -1})
    case(key, [R(2, 0)], {'dim': 1})
    case(key, [R(3, 4)], {'dim': 2})

# ---- all, any ----
for key in ['all', 'any']:
    for dtype in ALL:
        x = ints([3, 4], dtype, low=0, high=2) if not dtype.is_floating_point else (R(3, 4, dtype=dtype) > 0).to(dtype)
        case(key, [x])
        case(key, [x], {'dim': 1, 'keepdim': True})
    case(key, [T([[1.0, NAN], [0.0, 0.0]])], {'dim': 1})
    case(key, [R(2, 0)])
    case(key, [R(2, 0)], {'dim': 1})
    case(key, [R(2, 0)], {'dim': 0})
    case(key, [R()], {'dim': 0})
    case(key, [ints([2, 3], torch.bool)], {'layout': TRANSPOSE, 'dim': 1})
    case(key, [R(3, 4)], {'dim': 2})

write_fixture('reductions', CASES)
