"""Fixtures for the pointwise ops (unary, binary, ternary, their in-place forms) and type promotion.

Writes test/golden/pointwise.json, replayed by test/ops/pointwise.test.ts through test/ops/harness.ts,
and test/golden/promotion.json, read by test/tensor/dtype.test.ts.

Every case names a call in CALLS; the TypeScript test has a call under the same key doing the same
thing in tstorch. A call takes (xs, e): xs are the case's input tensors after the layout transforms
e['layout'] (one per input: None, TRANSPOSE, STEP or [EXPAND, shape]; they make inputs non-contiguous
while the recorded tensors stay contiguous), e the extra arguments:
  e['s']    a scalar operand, inserted among the tensors at position e['pos'] (default 1)
  e['kw']   keyword arguments (alpha, rounding_mode, min, max, rtol, ...)
JavaScript cannot tell 2 from 2.0: tstorch treats an integral number as a Python int and any other
number as a Python float. So float scalars here are never integral (checked in `case`), and a Python
int written as a decimal string stands for a JavaScript bigint (the harness decodes every string in
`extra` as a number, so strings mean nothing else: layouts are numeric codes and rounding modes are
part of the key).
"""
import math
import warnings

import torch

import opcases
from common import DTYPE_NAMES, write_fixture
from opcases import make_case, rand

# Some double backwards (relu's threshold_backward) return ATen's "efficient zero tensors", which have no
# storage to read; opcases.encode_tensor cannot encode them, so they are materialised first.
_encode_tensor = opcases.encode_tensor
opcases.encode_tensor = lambda t: _encode_tensor(torch.zeros(t.shape, dtype=t.dtype) if t._is_zerotensor() else t)

warnings.filterwarnings('ignore', message='where received a uint8 condition tensor')
GEN = torch.Generator().manual_seed(20240611)
NAN, INF = math.nan, math.inf
FLOATS = [torch.float32, torch.float64]
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
ALL = [torch.bool] + INTS + FLOATS


def R(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


def signed(*shape, dtype=torch.float32, low=0.3, high=3.0):
    """Values with magnitude in [low, high) and alternating signs (divisors, reciprocals)."""
    x = R(*shape, dtype=torch.float64, low=low, high=high)
    flips = torch.tensor([1.0, -1.0], dtype=torch.float64).repeat(x.numel() // 2 + 1)[:x.numel()].reshape(x.shape)
    return (x * flips).to(dtype)


def T(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype)


# Special float values: signed zeros, infinities, nan, rounding ties, tiny and huge.
SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 2.5, 1.0, -1.0, 3.7, -3.7, 1e-30, 1e30]
# Crossed by broadcasting [8, 1] with [1, 8] for binary ops.
SPECIAL_A = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.5, 2.5]
SPECIAL_B = [1.0, 0.0, -0.0, INF, NAN, -INF, 2.0, -3.0]

# Extreme values per integral dtype (bool: a pattern), 7 each.
EDGE = {
    torch.bool: [True, False, True, True, False, False, True],
    torch.uint8: [0, 1, 2, 127, 128, 200, 255],
    torch.int8: [-128, -1, 0, 1, 2, 100, 127],
    torch.int16: [-32768, -300, -1, 0, 7, 300, 32767],
    torch.int32: [-2 ** 31, -70000, -1, 0, 3, 70000, 2 ** 31 - 1],
    # 2**62 rather than 2**63 - 1: see exact_in_doubles.
    torch.int64: [-2 ** 63, -2 ** 40, -1, 0, 5, 2 ** 40, 2 ** 62],
}
# Small values for the dtype-pair matrix: x may be 0; y never is (integral division).
SMALL_X = [0, 1, 2, 3, -1, -2, 5]
SMALL_Y = [1, 2, -3, 4, 1, -1, 3]


def small(values, dtype):
    """Small integers as `dtype` (negatives wrap for uint8; floats get a fractional part)."""
    t = torch.tensor(values, dtype=torch.int64)
    if dtype.is_floating_point:
        return (t.to(torch.float64) + 0.25).to(dtype)
    return t.to(dtype)


def edge(dtype):
    return T(EDGE[dtype], dtype) if dtype in EDGE else T(SPECIAL, dtype)


# ---- the calls ----

def scalar(v):
    return int(v) if isinstance(v, str) else v


TRANSPOSE, STEP, EXPAND = 1, 2, 3


def layout(x, spec):
    if spec is None:
        return x
    if spec == TRANSPOSE:
        return x.transpose(-1, -2)
    if spec == STEP:
        return x[..., ::2]
    if spec[0] == EXPAND:
        return x.expand(*spec[1])
    raise ValueError(spec)


def kwargs(e):
    return {k: scalar(v) for k, v in e.get('kw', {}).items()}


def operands(xs, e):
    args = list(xs)
    if 's' in e:
        args.insert(e.get('pos', 1), scalar(e['s']))
    return args


def signbit(t):
    """The sign bits of t, which show -0. Nan's sign bit is left out: x86 makes the nans of invalid
    operations negative, which JavaScript cannot observe."""
    return torch.signbit(torch.nan_to_num(t))


def version_of(t):
    return torch.tensor(t._version)


def inplace(method, xs, e, **kw):
    """`method` applied to a copy of xs[0] (laid out as e['self']): the result and the copy's version."""
    c = layout(xs[0].clone(), e.get('self'))
    result = getattr(torch.Tensor, method)(*operands([c] + xs[1:], e), **kwargs(e), **kw)
    return result, version_of(c)


UNARY_FLOAT = {  # name: domain of the random inputs
    'exp': (-2, 2), 'exp2': (-2, 2), 'expm1': (-2, 2), 'log': (0.2, 3), 'log2': (0.2, 3), 'log10': (0.2, 3),
    'log1p': (-0.8, 3), 'sqrt': (0.2, 3), 'rsqrt': (0.2, 3), 'sin': (-3, 3), 'cos': (-3, 3), 'tan': (-1.2, 1.2),
    'asin': (-0.9, 0.9), 'acos': (-0.9, 0.9), 'atan': (-3, 3), 'sinh': (-2, 2), 'cosh': (-2, 2), 'tanh': (-2, 2),
    'asinh': (-3, 3), 'acosh': (1.2, 4), 'atanh': (-0.9, 0.9), 'erf': (-2, 2), 'sigmoid': (-4, 4),
    'reciprocal': None,  # signed(), away from 0
}
UNARY_SAME = ['relu', 'neg', 'abs', 'sign', 'sgn', 'floor', 'ceil', 'trunc', 'frac', 'square', 'round']
UNARY_PRED = ['isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'signbit', 'logical_not', 'bitwise_not']
UNARY = list(UNARY_FLOAT) + UNARY_SAME + UNARY_PRED + ['nan_to_num']

ARITH = ['add', 'sub', 'mul', 'div', 'true_divide', 'floor_divide', 'remainder', 'fmod', 'pow', 'atan2',
         'maximum', 'minimum', 'fmax', 'fmin']
COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge']
LOGICAL = ['logical_and', 'logical_or', 'logical_xor']
BITWISE = ['bitwise_and', 'bitwise_or', 'bitwise_xor']
BINARY = ARITH + COMPARE + LOGICAL + BITWISE
# Ops without a derivative for float tensors (floor_divide; remainder with a scalar dividend).
NOT_DIFFERENTIABLE = ['floor_divide', 'remainder']
INPLACE = ['add', 'sub', 'mul', 'div', 'pow', 'remainder', 'fmod', 'atan2', 'clamp']

CALLS = {}
for _name in UNARY:
    CALLS[_name] = (lambda n: lambda xs, e: getattr(torch, n)(xs[0], **kwargs(e)))(_name)
    CALLS['signbit.' + _name] = (lambda n: lambda xs, e: signbit(getattr(torch, n)(xs[0])))(_name)
for _name in BINARY:
    CALLS[_name] = (lambda n: lambda xs, e: getattr(torch, n)(*operands(xs, e), **kwargs(e)))(_name)
    CALLS['signbit.' + _name] = (lambda n: lambda xs, e: signbit(getattr(torch, n)(*operands(xs, e))))(_name)
for _name in NOT_DIFFERENTIABLE:
    # The output gets a NotImplemented node, which fails in backward.
    CALLS['backward.' + _name] = (lambda n: lambda xs, e: torch.autograd.grad(getattr(torch, n)(*operands(xs, e)).sum(), xs))(_name)
for _name in BINARY:
    # Two scalars: add, sub, mul and div take numbers for tensors; the others reject them.
    CALLS['scalars.' + _name] = (lambda n: lambda xs, e: getattr(torch, n)(scalar(e['a']), scalar(e['b'])))(_name)
for _mode in ['trunc', 'floor', 'round']:
    CALLS['div.' + _mode] = (lambda m: lambda xs, e: torch.div(*operands(xs, e), rounding_mode=m))(_mode)
for _name in INPLACE:
    # The in-place form on a fresh non-leaf copy; also returns the copy's version counter.
    CALLS[_name + '_'] = (lambda n: lambda xs, e: inplace(n + '_', xs, e))(_name)
CALLS.update({
    # Method forms (the same kernels; these check the Tensor methods and aliases exist and agree).
    'method.add': lambda xs, e: xs[0].add(xs[1], **kwargs(e)),
    'method.sub': lambda xs, e: xs[0].sub(xs[1], **kwargs(e)),
    'method.subtract': lambda xs, e: xs[0].subtract(xs[1]),
    'method.mul': lambda xs, e: xs[0].mul(xs[1]),
    'method.multiply': lambda xs, e: xs[0].multiply(xs[1]),
    'method.div.floor': lambda xs, e: xs[0].div(xs[1], rounding_mode='floor'),
    'div_.floor': lambda xs, e: inplace('div_', xs, e, rounding_mode='floor'),
    # sqrt at 0 reached through a product: inf * 0 (spec 10.3).
    'sqrt.of_product': lambda xs, e: torch.sqrt(xs[0] * scalar(e['s'])),
    'method.divide': lambda xs, e: xs[0].divide(xs[1]),
    'method.pow': lambda xs, e: xs[0].pow(*operands(xs[1:], {**e, 'pos': 0} if 's' in e else e)),
    'method.arctan2': lambda xs, e: xs[0].arctan2(xs[1]),
    'method.exp': lambda xs, e: xs[0].exp(),
    'method.negative': lambda xs, e: xs[0].negative(),
    'method.fix': lambda xs, e: xs[0].fix(),
    'method.clip': lambda xs, e: xs[0].clip(*operands(xs[1:], {**e, 'pos': 0} if 's' in e else e), **kwargs(e)),
    'rsub': lambda xs, e: torch.rsub(*operands(xs, e), **kwargs(e)),
    'where': lambda xs, e: torch.where(*operands(xs, e)),
    'where.scalars': lambda xs, e: torch.where(xs[0], scalar(e['a']), scalar(e['b'])),
    'method.where': lambda xs, e: xs[1].where(xs[0], xs[2]),
    'lerp': lambda xs, e: torch.lerp(*operands(xs, e)),
    'clamp': lambda xs, e: torch.clamp(xs[0], **kwargs(e)),
    'clamp.tmin': lambda xs, e: torch.clamp(xs[0], min=xs[1], **kwargs(e)),
    'clamp.tmax': lambda xs, e: torch.clamp(xs[0], max=xs[1], **kwargs(e)),
    'clamp.tboth': lambda xs, e: torch.clamp(xs[0], xs[1], xs[2]),
    'clamp_min': lambda xs, e: torch.clamp_min(*operands(xs, e)),
    'clamp_max': lambda xs, e: torch.clamp_max(*operands(xs, e)),
    'isclose': lambda xs, e: torch.isclose(xs[0], xs[1], **kwargs(e)),
    'allclose': lambda xs, e: torch.tensor(torch.allclose(xs[0], xs[1], **kwargs(e))),
    'equal': lambda xs, e: torch.tensor(torch.equal(xs[0], xs[1])),
    'round.decimals': lambda xs, e: torch.round(xs[0], decimals=e['decimals']),
    'inplace.version_chain': lambda xs, e: (lambda c: (c.add_(1).mul_(xs[1]).sub_(xs[1], alpha=2), version_of(c)))(xs[0].clone()),
    'inplace.view': lambda xs, e: (lambda c: (c[:, ::2].mul_(xs[1]), c, version_of(c)))(xs[0].clone()),
})


def call(key):
    # 'op@kink' is op at points where it is not differentiable (the TS test skips gradcheck there).
    fn = CALLS[key.split('@')[0]]

    def run(*args):
        *xs, e = args
        return fn([layout(x, s) for x, s in zip(xs, e.get('layout', [None] * len(xs)))], e)
    return run


CASES = []


def check_scalars(value):
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        raise ValueError(f'integral float {value} reads as an int in JavaScript')
    if isinstance(value, str):
        int(value)  # only bigints may be strings
    if isinstance(value, dict):
        for v in value.values():
            check_scalars(v)
    if isinstance(value, list):
        for v in value:
            check_scalars(v)


def exact_in_doubles(c):
    """Whether every int64 value the case records survives a trip through a JavaScript number. The
    harness reads results with tolist(), which rounds int64 beyond 2**53 (test/helpers.ts), so such
    results cannot be compared yet."""
    outs = c.get('out', [])
    for t in outs if isinstance(outs, list) else [outs]:
        if t['dtype'] == 'int64' and any(isinstance(v, str) and float(int(v)) != int(v) for v in t['data']):
            return False
    return True


DROPPED = []


def case(key, *inputs, rg=None, **extra):
    """Records `key` on `inputs`; float inputs require grad unless `rg` (one flag per input) says otherwise."""
    check_scalars(extra)
    if rg is None and (key == 'floor_divide' or (key == 'remainder' and extra.get('pos') == 0)):
        rg = [False] * len(inputs)  # see the backward.* cases
    c = make_case(key, call(key), list(inputs), extra, requires_grad=rg)
    (CASES if exact_in_doubles(c) else DROPPED).append(c)


# ---- unary ----

def unary_cases():
    for name, domain in UNARY_FLOAT.items():
        def rnd(*shape, dtype=torch.float32):
            if domain is None:
                return signed(*shape, dtype=dtype)
            return R(*shape, dtype=dtype, low=domain[0], high=domain[1])
        case(name, rnd(2, 3))
        case(name, rnd(3, 4, dtype=torch.float64))
        case(name, rnd(dtype=torch.float64))
        case(name, rnd(0, 3))
        case(name, rnd(2, 1, 3, 2, dtype=torch.float64))
        case(name, rnd(4, 3), layout=[TRANSPOSE])
        case(name, rnd(3, 6, dtype=torch.float64), layout=[STEP])
        case(name, rnd(3), layout=[[EXPAND, [2, 3]]])
        for dtype in [torch.bool] + INTS:
            case(name, edge(dtype))
        case(name, T(SPECIAL, torch.float32))
        case(name, T(SPECIAL, torch.float64))
    for name in UNARY_SAME:
        case(name, R(2, 3, low=-3, high=3))
        case(name, R(3, 4, dtype=torch.float64, low=-3, high=3))
        case(name, R(dtype=torch.float64))
        case(name, R(0, 3))
        case(name, R(4, 3), layout=[TRANSPOSE])
        case(name, R(2, 6, 2, dtype=torch.float64), layout=[STEP])
        for dtype in [torch.bool] + INTS:
            case(name, edge(dtype))
        case(name, T(SPECIAL, torch.float32))
        case(name, T(SPECIAL, torch.float64))
    for name in UNARY_PRED:
        for dtype in ALL:
            case(name, edge(dtype))
        case(name, R(0, 2))
        case(name, T(SPECIAL, torch.float32).reshape(4, 4), layout=[TRANSPOSE])
    for dtype in ALL:
        case('nan_to_num', edge(dtype))
    case('nan_to_num', T(SPECIAL, torch.float32), kw={'nan': 0.5, 'posinf': 7.5, 'neginf': -7.5})
    case('nan_to_num', T(SPECIAL, torch.float64), kw={'nan': -1})
    case('nan_to_num', T([NAN, INF, -INF, 1.5], torch.float32).reshape(2, 2), layout=[TRANSPOSE])
    # Signed zeros (compared through signbit, since -0 == 0).
    for name in ['neg', 'abs', 'relu', 'sign', 'sgn', 'floor', 'ceil', 'trunc', 'frac', 'round', 'sqrt', 'sin',
                 'tan', 'tanh', 'expm1', 'log1p', 'asin', 'atan', 'sinh', 'asinh', 'atanh', 'erf', 'square']:
        case('signbit.' + name, T(SPECIAL, torch.float32))
        case('signbit.' + name, T(SPECIAL, torch.float64))
    # round(decimals): scaled in the tensor's own dtype, ties to even.
    ties = [0.125, 0.375, -0.625, 1.15, 2.675, 1234.5678, -0.05, 0.0, NAN, INF, 5e-5, 1e30]
    for decimals in [1, 2, 3, -1, -2, 0]:
        case('round.decimals', T(ties, torch.float32), decimals=decimals)
        case('round.decimals', T(ties, torch.float64), decimals=decimals)
    case('round.decimals', R(2, 3), decimals=2)
    case('round.decimals', edge(torch.int32), decimals=1)
    case('round.decimals', edge(torch.int32), decimals=0)
    case('round.decimals', edge(torch.bool), decimals=0)
    # Conventions at non-differentiable points (spec 10.3).
    case('sqrt.of_product', T([0.0, 1.0, 4.0]), s=0)
    case('sqrt.of_product', T([0.0, 1.0, 4.0], torch.float64), s=0)
    for dtype in FLOATS:
        case('relu@kink', T([-1.0, 0.0, -0.0, 2.0], dtype))
        case('abs@kink', T([-1.0, 0.0, -0.0, 2.0], dtype))
        case('sqrt@kink', T([-1.0, 0.0, 4.0], dtype))
        case('sign@kink', T([-1.0, 0.0, 2.0], dtype))
    for name in ['method.exp', 'method.negative', 'method.fix']:
        case(name, R(2, 3))
    # Bad calls.
    case('neg', edge(torch.bool))
    case('abs', edge(torch.bool))
    case('frac', edge(torch.int32))
    case('bitwise_not', R(3))


# ---- binary ----

def positive(*shape, dtype=torch.float32):
    return R(*shape, dtype=dtype, low=0.3, high=2.5)


# Inputs suited to each differentiable binary op (x, y generators); ties and poles avoided.
def operands_for(name, shape_a, shape_b, dtype):
    if name in ('div', 'true_divide', 'floor_divide', 'remainder', 'fmod'):
        return R(*shape_a, dtype=dtype, low=-3, high=3), signed(*shape_b, dtype=dtype)
    if name == 'pow':
        return positive(*shape_a, dtype=dtype), R(*shape_b, dtype=dtype)
    return R(*shape_a, dtype=dtype), R(*shape_b, dtype=dtype)


BROADCASTS = [
    ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1], [1, 3]), ([], [2, 3]), ([2, 3], []), ([], []),
    ([0, 3], [3]), ([0], []), ([2, 1, 3, 1], [4, 1]), ([2, 3, 4], [3, 1]),
]


def binary_cases():
    for name in ARITH:
        for sa, sb in BROADCASTS:
            case(name, *operands_for(name, sa, sb, torch.float32))
        for sa, sb in [([3, 4], [3, 4]), ([2, 3], [3]), ([], [2, 2])]:
            case(name, *operands_for(name, sa, sb, torch.float64))
        # Non-contiguous operands.
        x, y = operands_for(name, [4, 3], [3, 4], torch.float32)
        case(name, x, y, layout=[TRANSPOSE, None])
        case(name, x, y, layout=[None, TRANSPOSE])
        x, y = operands_for(name, [3, 8], [3, 4], torch.float64)
        case(name, x, y, layout=[STEP, None])
        x, y = operands_for(name, [3], [2, 3], torch.float32)
        case(name, x, y, layout=[[EXPAND, [2, 3]], None])
        x, y = operands_for(name, [2, 1], [2, 6], torch.float32)
        case(name, x, y, layout=[[EXPAND, [2, 3]], STEP])
        # Special values, all pairs.
        for dtype in FLOATS:
            case(name, T(SPECIAL_A, dtype).reshape(8, 1), T(SPECIAL_B, dtype).reshape(1, 8))
        case('signbit.' + name, T(SPECIAL_A).reshape(8, 1), T(SPECIAL_B).reshape(1, 8))
        # Error: shapes that do not broadcast.
        case(name, R(2, 3), R(2, 2))
        case(name, R(3), R(2))
    for name in COMPARE + LOGICAL:
        case(name, R(2, 3), R(3))
        case(name, T(SPECIAL_A).reshape(8, 1), T(SPECIAL_B).reshape(1, 8))
        case(name, T(SPECIAL_A, torch.float64).reshape(8, 1), T(SPECIAL_A, torch.float64).reshape(1, 8))
        case(name, edge(torch.int64).reshape(7, 1), edge(torch.int64))
        case(name, R(4, 3), R(3, 4), layout=[TRANSPOSE, None])
        case(name, R(0, 3), R(1, 3))
        case(name, R(2, 3), R(2, 2))
        for dtype in ALL:
            case(name, edge(dtype), edge(dtype).flip(0))
    for name in BITWISE:
        for dtype in [torch.bool] + INTS:
            case(name, edge(dtype), edge(dtype).flip(0))
        case(name, edge(torch.int32).reshape(7, 1), edge(torch.int16), layout=[None, STEP])
        case(name, R(3), R(3))
        case(name, R(3), edge(torch.int32)[:3])
    # Gradients where intermediate results would overflow or underflow in some formulas.
    case('div', T([1e-300, 1e300, 1e-200], torch.float64), T([1e-200, 1e-10, 1e200], torch.float64))
    case('atan2', T([1e-200, 1e200], torch.float64), T([1e-200, 1e200], torch.float64))
    case('mul', T([1e-200, 1e200], torch.float64), T([1e-200, 1e200], torch.float64))
    # Integral arithmetic: wrap-around, rounding of negative quotients, division by zero.
    for dtype in [torch.bool] + INTS:
        x, y = edge(dtype), edge(dtype).flip(0)
        for name in ['add', 'sub', 'mul', 'maximum', 'minimum', 'fmax', 'fmin']:
            case(name, x, y)
        case('add', x, x)
        case('mul', x, x)
        if dtype != torch.int64:  # -2**63 - 1 wraps to 2**63 - 1: see exact_in_doubles
            case('sub', x, T([1] * 7, dtype))
        for name in ['div', 'floor_divide', 'remainder', 'fmod', 'pow']:
            case(name, x, y)  # divisions by zero where y holds 0
        nz = small([7, -7, 9, -9, 0, 1, -1], dtype)
        d = small([2, 2, -4, -4, 3, -3, 5], dtype)
        for name in ['div', 'floor_divide', 'remainder', 'fmod', 'pow']:
            case(name, nz, d)
        case('div.trunc', nz, d)
        case('div.floor', nz, d)
        case('div.trunc', nz, T([0] * 7, dtype))
        case('pow', small([2, 3, -2, 0, 1, -1, 10], dtype), small([3, 40, 63, 0, -2, -3, 19], dtype))
    for dtype in FLOATS:
        x = T([7.0, -7.0, 7.5, -7.5, 0.0, 1.0, -1.0, 5.0], dtype)
        y = T([2.0, 2.0, -2.0, -2.0, 0.0, 0.0, -0.0, 0.3], dtype)
        case('div.trunc@kink', x, y)
        case('div.floor@kink', x, y)
        case('signbit.div', x, y)
        case('floor_divide', x, y)
        case('remainder@kink', x, y)
        case('fmod@kink', x, y)
    case('backward.floor_divide', R(3), signed(3))
    case('backward.floor_divide', R(3), s=2)
    case('backward.remainder', R(3), s=2.5, pos=0)
    case('div.floor', R(2, 3), signed(2, 3))
    case('div.trunc', R(2, 3), signed(3))
    case('div.round', R(3), R(3))
    case('div.floor', edge(torch.bool), edge(torch.bool))
    case('div.trunc', small(SMALL_X, torch.int8), s=2)
    # Every dtype pair: promotion, casting and the dtype errors.
    for name in ['add', 'sub', 'mul', 'div', 'floor_divide', 'remainder', 'pow', 'maximum', 'eq', 'bitwise_and']:
        for da in ALL:
            for db in ALL:
                case(name, small(SMALL_X, da), small(SMALL_Y, db), rg=[False, False])
    # Zero-dim tensors against dimensioned ones: same kind, lower priority.
    for da, db in [(torch.float32, torch.float64), (torch.int8, torch.int64), (torch.uint8, torch.int8),
                   (torch.int32, torch.float64), (torch.bool, torch.int16), (torch.float64, torch.float32)]:
        case('add', small(SMALL_X, da), small([3], db).reshape(()), rg=[False, False])
        case('mul', small([3], db).reshape(()), small(SMALL_X, da), rg=[False, False])
        case('maximum', small(SMALL_X, da), small([3], db).reshape(()), rg=[False, False])
    # JavaScript scalars: integral numbers (Python int), fractional (Python float), bool, bigint.
    scalars = [3, -2, 2.5, -0.75, True, False, '3', '-5']
    for name in ['add', 'sub', 'mul', 'div', 'pow', 'remainder', 'eq', 'bitwise_and']:
        for dtype in ALL:
            for s in scalars:
                case(name, small(SMALL_X, dtype), s=s, rg=[False])
    for name in ['floor_divide', 'fmod', 'ne', 'lt', 'ge', 'bitwise_or', 'bitwise_xor', 'true_divide']:
        for dtype in [torch.bool, torch.uint8, torch.int32, torch.int64, torch.float32]:
            for s in [3, 2.5, True, '7']:
                case(name, small(SMALL_X, dtype), s=s, rg=[False])
    # Scalars on the left, and both scalars.
    for name in ['add', 'sub', 'mul', 'div', 'remainder', 'pow', 'bitwise_and', 'floor_divide']:
        for dtype in [torch.bool, torch.int32, torch.int64, torch.float32, torch.float64]:
            for s in [3, 2.5, True]:
                case(name, small(SMALL_Y, dtype), s=s, pos=0, rg=[False])
    for name in ['add', 'sub', 'mul', 'div', 'eq', 'fmod', 'maximum', 'atan2', 'logical_and']:
        case(name, R(3), s=2.5, pos=0)
    for a, b in [(2, 3), (2, 2.5), (True, False), ('5', 3), (True, 0.5)]:
        case('scalars.add', a=a, b=b)
        case('scalars.mul', a=a, b=b)
    for name in ['sub', 'div', 'true_divide', 'floor_divide', 'remainder', 'pow', 'bitwise_and', 'eq', 'maximum', 'logical_and']:
        case('scalars.' + name, a=7, b=2)
    case('scalars.sub', a=True, b=2)
    # Arguments of the wrong type (None, a list).
    for name in ['add', 'mul', 'eq', 'fmod', 'remainder', 'pow', 'bitwise_and', 'maximum', 'atan2', 'logical_and']:
        case(name, R(3), s=None)
    case('add', R(3), s=None, pos=0)
    case('mul', R(3), s=[1, 2])
    case('lt', R(3), s=[1.5])
    # Scalars with gradients, scalars out of the tensor dtype's range, nan and inf scalars.
    for name in ['add', 'sub', 'mul', 'div', 'pow', 'remainder', 'fmod']:
        case(name, positive(2, 3), s=1.5)
        case(name, positive(2, 3, dtype=torch.float64), s=-3)
        case(name, positive(2, 3), s=2.5, pos=0)
    for name in ['add', 'mul', 'eq', 'lt', 'bitwise_and']:
        case(name, edge(torch.int8), s=300)
        case(name, edge(torch.uint8), s=-1)
        case(name, edge(torch.int8), s=str(2 ** 40))
    for name in ['add', 'eq', 'bitwise_and']:
        case(name, edge(torch.int8), s=str(2 ** 70))  # beyond int64: Python cannot unpack it
    for name in ['add', 'mul', 'div', 'eq', 'maximum']:
        case(name, edge(torch.int32), T(NAN, torch.float64))
    for s in [NAN, INF, -INF]:
        case('add', edge(torch.int16), s=s)
        case('mul', T(SPECIAL), s=s)
    # alpha.
    case('add', R(2, 3), R(3), kw={'alpha': 2})
    case('add', R(2, 3, dtype=torch.float64), R(2, 3, dtype=torch.float64), kw={'alpha': -1.5})
    case('sub', R(2, 3), R(2, 3), kw={'alpha': 0.5})
    case('sub', R(2, 3), R(1, 3), kw={'alpha': -3})
    case('add', edge(torch.int64), edge(torch.int64), kw={'alpha': 3})
    case('add', edge(torch.int8), edge(torch.int8), kw={'alpha': -2})
    case('sub', edge(torch.int32), edge(torch.int32).flip(0), kw={'alpha': 2})
    case('add', edge(torch.int32), edge(torch.int32), kw={'alpha': 1.5})
    case('add', edge(torch.bool), edge(torch.bool), kw={'alpha': 2})
    case('add', edge(torch.bool), edge(torch.bool), kw={'alpha': False})
    case('add', edge(torch.int32), R(7), kw={'alpha': True})
    case('add', R(3), s=2, kw={'alpha': 2.5})
    case('method.add', R(2, 3), R(2, 3), kw={'alpha': 2})
    case('method.sub', R(2, 3), R(3), kw={'alpha': 2})
    for name in ['method.subtract', 'method.mul', 'method.multiply', 'method.divide', 'method.arctan2']:
        case(name, R(2, 3), signed(2, 3))
    case('method.div.floor', R(2, 3), signed(2, 3))
    case('method.pow', positive(2, 3), R(3))
    case('method.pow', positive(2, 3), s=2)
    # rsub: other - alpha * input.
    case('rsub', R(2, 3), R(3))
    case('rsub', R(2, 3), s=1)
    case('rsub', R(2, 3), s=2.5, kw={'alpha': 2})
    case('rsub', edge(torch.int16), s=5)
    case('rsub', edge(torch.bool), s=1)
    case('rsub', edge(torch.bool), edge(torch.bool))
    # pow conventions (spec 10.3): x ** 0.5 and x ** 0 at 0; integral powers; the scalar-base form.
    for dtype in FLOATS:
        z = T([0.0, 1.0, 4.0, -1.0], dtype)
        case('pow@kink', z, s=0.5)
        case('pow@kink', z, s=0)
        case('pow@kink', z, s=2)
        case('pow@kink', z, s=-1)
        case('pow@kink', z, s=3)
        case('pow@kink', z, T([0.0, 0.5, 2.0, 2.0], dtype))
        case('pow@kink', z, T([0.0, 0.0, -1.0, 3.0], dtype))
        case('pow@kink', T([2.0, -3.0], dtype), s=-0.5)
        case('pow@kink', T([0.0, 1.5, -2.0], dtype), s=2.0 ** 0.5, pos=0)
        case('pow@kink', T([0.0, 1.5, -2.0], dtype), s=0, pos=0)
        case('pow@kink', T([0.0, 1.5, -2.0], dtype), s=-2, pos=0)
    case('pow', edge(torch.int64), s=-1)
    case('pow', edge(torch.int64), s=2)
    case('pow', edge(torch.int32), s=3)
    case('pow', small(SMALL_X, torch.int32), s='-2')
    case('pow', edge(torch.int32), s=0.5)
    # maximum/minimum ties split the gradient (spec 10.3), nan propagation vs fmax/fmin.
    for name in ['maximum', 'minimum', 'fmax', 'fmin']:
        for dtype in FLOATS:
            case(name, T([2.0, 2.0, 1.0, NAN, 3.0], dtype), T([2.0, 1.0, 2.0, 1.0, NAN], dtype))
        case(name, R(3), s=1)
    # atan2 at the origin and axes.
    case('atan2@kink', T([0.0, -0.0, 0.0, -0.0, 1.0, -1.0], torch.float64), T([0.0, 0.0, -0.0, -0.0, 0.0, 0.0], torch.float64))
    case('atan2', R(3), s=2.5)
    for dtype in [torch.bool, torch.int32, torch.int64]:
        case('atan2', small(SMALL_X, dtype), small(SMALL_Y, dtype))
    case('atan2', edge(torch.int32), R(7))


def ternary_cases():
    c = torch.tensor([True, False, True])
    case('where', c, R(3), R(3))
    case('where', c.reshape(3, 1), R(2), R(3, 1))
    case('where', torch.tensor(True), R(2, 3), R(3))
    case('where', torch.tensor([[True, False], [False, True]]), R(2, 2), R(2, 2), layout=[TRANSPOSE, TRANSPOSE, None])
    case('where', c, R(3, dtype=torch.float64), R(3))
    case('where', c, R(0, 3), R(3))
    case('where', c, R(3), R(2))
    for dx, dy in [(torch.int32, torch.int64), (torch.bool, torch.uint8), (torch.int8, torch.float32),
                   (torch.bool, torch.bool), (torch.float64, torch.int16)]:
        case('where', c, small([1, 2, 3], dx), small([-1, -2, -3], dy))
    case('where', c, edge(torch.int64)[:3], s=2.5, pos=2)
    case('where', c, R(3), s=-2, pos=1)
    case('where', c, edge(torch.int16)[:3], s=True, pos=2)
    case('where', c, edge(torch.uint8)[:3], s=-1, pos=2)
    case('where', c, R(3, dtype=torch.float64), s=0.5, pos=2)
    case('where.scalars', c, a=1, b=2)
    case('where.scalars', c, a=1.5, b=2)
    case('where.scalars', c, a=True, b=False)
    case('where', c.to(torch.uint8), R(3), R(3))
    case('where', edge(torch.int32)[:3], R(3), R(3))
    case('where', R(3), R(3), R(3))
    case('where', c, R(3), s=None, pos=2)
    case('lerp', R(3), R(3), s=None, pos=2)
    case('method.where', c, R(3), R(3))
    # lerp: weight < 0.5 uses start + w * (end - start), else end - (end - start) * (1 - w).
    for w in [0.25, 0.75, -0.5, 1.5]:
        case('lerp', R(2, 3), R(3), s=w, pos=2)
    case('lerp', R(2, 3, dtype=torch.float64), R(2, 3, dtype=torch.float64), R(2, 3, dtype=torch.float64))
    case('lerp', R(3), R(2, 3), R(2, 1))
    case('lerp', R(3), R(3), T([0.0, 0.5, 1.0]))
    case('lerp', R(4, 3), R(3, 4), R(3, 4), layout=[TRANSPOSE, None, None])
    case('lerp', T(SPECIAL_A).reshape(8, 1), T(SPECIAL_B).reshape(1, 8), s=0.25, pos=2)
    case('lerp', R(3), R(3), s=2, pos=2)
    case('lerp', R(3), R(3, dtype=torch.float64), s=0.5, pos=2)
    case('lerp', R(3), R(3), R(3, dtype=torch.float64))
    case('lerp', edge(torch.int32), edge(torch.int32), s=0.5, pos=2)
    case('lerp', R(3), R(2), s=0.5, pos=2)
    # clamp with scalar bounds; clamp at the bounds has gradient 1 (spec 10.3).
    b = T([-2.0, -1.0, 0.0, 0.5, 1.0, 2.0, NAN, INF, -INF])
    for kw in [{'min': -1, 'max': 1}, {'min': -0.5}, {'max': 0.5}, {'min': 1, 'max': -1}, {'min': -1.5, 'max': NAN}]:
        case('clamp', b, kw=kw)
        case('clamp', b.double(), kw=kw)
    case('clamp', R(2, 3), kw={'min': -0.5, 'max': 0.5})
    case('clamp', R(4, 3), kw={'min': -0.5}, layout=[TRANSPOSE])
    case('clamp', R(0, 2), kw={'min': 0})
    for dtype in [torch.bool] + INTS:
        case('clamp', edge(dtype), kw={'min': 0, 'max': 100})
        case('clamp', edge(dtype), kw={'min': -1.5, 'max': 2.5})
    case('clamp', edge(torch.bool), kw={'min': True, 'max': False})
    case('clamp', edge(torch.int64), kw={'min': str(-2 ** 50), 'max': str(2 ** 50)})
    case('clamp', R(3))
    case('clamp_min', b, s=0)
    case('clamp_max', b, s=0.5)
    case('clamp_min', edge(torch.int8), s=1.5)
    case('method.clip', R(2, 3), s=-0.5, kw={'max': 0.5})
    # clamp with tensor bounds (broadcast, mixed dtypes, ties at the bounds).
    x = T([-2.0, -1.0, 0.0, 1.0, 2.0, NAN])
    lo = T([-1.0, -1.0, -1.0, 2.0, -3.0, 0.0])
    hi = T([1.0, 1.0, 0.0, 0.0, 3.0, 1.0])
    case('clamp.tboth', x, lo, hi)
    case('clamp.tmin', x, lo)
    case('clamp.tmax', x, hi)
    case('clamp.tboth', x.double(), lo.double(), hi.double())
    case('clamp.tboth', R(2, 3), R(3), R(2, 1))
    case('clamp.tmin', R(3), R(2, 3))
    case('clamp.tmin', edge(torch.int32), edge(torch.int32).flip(0))
    case('clamp.tmax', edge(torch.int32), R(7))
    case('clamp.tmin', edge(torch.bool), edge(torch.bool).flip(0))
    case('clamp.tmin', R(3), R(2))
    # isclose / allclose / equal.
    a = T([1.0, 1.0, NAN, INF, -INF, 0.0, 1e-9, 100.0])
    bb = T([1.0, 1.000001, NAN, INF, INF, 1e-9, 0.0, 100.001])
    for kw in [{}, {'equal_nan': True}, {'rtol': 1e-3, 'atol': 0}, {'rtol': 0, 'atol': 1e-3}]:
        case('isclose', a, bb, kw=kw)
        case('isclose', a.double(), bb.double(), kw=kw)
        case('allclose', a, bb, kw=kw)
    case('isclose', R(2, 3), R(3))
    case('isclose', edge(torch.int32), edge(torch.int32).flip(0))
    case('isclose', edge(torch.int64), edge(torch.int64), kw={'atol': 0.5})
    case('isclose', edge(torch.bool), edge(torch.bool).flip(0))
    case('isclose', R(3), edge(torch.int32)[:3])
    case('isclose', R(3), R(3), kw={'rtol': -1.5})
    case('isclose', R(3), R(3), kw={'atol': -1.5})
    case('allclose', R(3), R(2, 3))
    case('allclose', R(3), edge(torch.int32)[:3])
    for x, y in [(R(3), R(3)), (T([1.0, NAN]), T([1.0, NAN])), (T([1.0, 2.0]), T([[1.0, 2.0]])),
                 (T([1.0, 2.0]), T([1, 2], torch.int64)), (T([]), T([]))]:
        case('equal', x, y)
        case('equal', x, x.clone())


def inplace_cases():
    for name in ['add', 'sub', 'mul', 'div', 'atan2', 'remainder', 'fmod']:
        x, y = operands_for(name, [2, 3], [3], torch.float32)
        case(name + '_', x, y)
    case('add_', R(2, 3), R(3), kw={'alpha': 2})
    case('sub_', R(2, 3, dtype=torch.float64), R(2, 3, dtype=torch.float64), kw={'alpha': 0.5})
    case('pow_', positive(2, 3), s=2)
    case('pow_', positive(2, 3), s=0.5)
    # pow_ with a tensor exponent saves its result, which tstorch's in-place rebinding gets wrong for now
    # (autograd/node.ts SavedTensor.rebind keeps the old version): left out until that is fixed.
    case('mul_', R(3, 2), R(3, 2), self=TRANSPOSE)
    case('add_', R(4, 2), R(2, 2), self=STEP)
    case('clamp_', R(2, 3), kw={'min': -0.5, 'max': 0.5})
    case('add_', R(2, 3), s=1.5)
    case('mul_', R(2, 3), R(2, 3, dtype=torch.float64))
    case('add_', edge(torch.int32), edge(torch.int32))
    case('add_', edge(torch.int32), s=2)
    case('mul_', edge(torch.int8), edge(torch.int8))
    case('add_', edge(torch.float32)[:7], edge(torch.int64))
    case('div_.floor', edge(torch.int64), s=2)
    # The errors: a result dtype that cannot be cast back; a result that would need to grow.
    case('add_', edge(torch.int64), s=1.5)
    case('mul_', edge(torch.int64), R(7))
    case('div_', edge(torch.int64), s=2)
    case('add_', edge(torch.bool), s=1)
    case('add_', R(3), R(2, 3))
    case('mul_', R(1, 3), R(2, 3))
    case('sub_', edge(torch.bool), edge(torch.bool))
    case('inplace.version_chain', R(2, 3), R(3))
    case('inplace.view', R(2, 4), R(2, 2))


# ---- promotion ----

def promotion_fixture():
    """dtype properties, promote_types for every pair, and result_type over tensors of 1 or more dims,
    zero-dim tensors and scalars (operands encoded as {'dtype', 'dim'} or the scalar itself)."""
    def real(o):
        return torch.zeros([1] * o[1], dtype=o[0]) if isinstance(o, tuple) else scalar(o)

    def encode(o):
        return {'dtype': DTYPE_NAMES[o[0]], 'dim': o[1]} if isinstance(o, tuple) else o

    def result_type_case(*ops):
        if len(ops) == 2:
            result = torch.result_type(*[real(o) for o in ops])
        else:  # torch.result_type takes two operands; addcmul promotes over its three
            result = torch.addcmul(*[real(o) for o in ops]).dtype
        return {'operands': [encode(o) for o in ops], 'result': DTYPE_NAMES[result]}

    scalars = [2, 2.5, True, '7']
    cases = []
    for a in ALL:
        for b in ALL:
            for dim_a, dim_b in [(1, 1), (1, 0), (0, 1), (0, 0), (2, 0)]:
                cases.append(result_type_case((a, dim_a), (b, dim_b)))
        for s in scalars:
            for dim in [1, 0]:
                cases.append(result_type_case((a, dim), s))
                cases.append(result_type_case(s, (a, dim)))
    for s1 in scalars:
        for s2 in scalars:
            cases.append(result_type_case(s1, s2))
    for ops in [[(torch.int8, 1), (torch.int64, 0), (torch.float64, 0)], [(torch.float32, 1), (torch.float64, 0), (torch.int64, 2)],
                [(torch.int16, 0), (torch.uint8, 0), (torch.int8, 0)], [(torch.bool, 1), (torch.int32, 0), (torch.bool, 0)],
                [(torch.uint8, 1), (torch.int8, 1), (torch.bool, 0)], [(torch.int32, 0), (torch.float32, 0), (torch.int64, 1)]]:
        cases.append(result_type_case(*ops))
    # Python floats take the default dtype.
    torch.set_default_dtype(torch.float64)
    default_float64 = [result_type_case(*ops) for ops in [
        [(torch.int32, 1), 2.5], [(torch.bool, 0), 2.5], [(torch.float32, 1), 2.5], [2.5, 2], [(torch.int64, 1), (torch.float32, 0)],
    ]]
    torch.set_default_dtype(torch.float32)
    try:
        torch.set_default_dtype(torch.int64)
    except TypeError as e:
        default_error = str(e)
    dtypes = [{'name': DTYPE_NAMES[d], 'str': str(d), 'is_floating_point': d.is_floating_point, 'is_signed': d.is_signed,
               'itemsize': torch.tensor([], dtype=d).element_size(), 'type': torch.tensor([], dtype=d).type()} for d in ALL]
    return {'dtypes': dtypes, 'promote_types': [[DTYPE_NAMES[torch.promote_types(a, b)] for b in ALL] for a in ALL],
            'result_type': cases, 'result_type_default_float64': default_float64, 'set_default_dtype_int64': default_error}


if __name__ == '__main__':
    unary_cases()
    binary_cases()
    ternary_cases()
    inplace_cases()
    write_fixture('pointwise', CASES)
    print(f'left out {len(DROPPED)} cases with int64 results beyond 2**53:', sorted({c["key"] for c in DROPPED}))
    write_fixture('promotion', [promotion_fixture()])
