"""Fixtures for tensor printing: test/golden/print.json.

Two kinds of case:
  {"kind": "repr", "name", "tensor", "options", "defaultDtype", "gradFn", "requiresGrad", "repr"[, "repr113", "note"]}
      repr(t) with print options `options` (camelCase keys as tstorch's setPrintoptions takes them, applied
      after resetting to the default profile; null for none) and torch.get_default_dtype() == defaultDtype.
  {"kind": "format", "x", "precision", "fixed", "exp"}
      Python's f"{x:.{precision}f}" and f"{x:.{precision}e}".

Expected strings are those of the latest PyTorch 2.x. Debian ships 1.13, so the 2.x versions of the pieces
of torch/_tensor_str.py that changed since are patched in while recording (see `pytorch_2x` below):
  * _Formatter.__init__: 2.x settles sci_mode (forced by the option, or automatic) before computing the
    width, so the width comes from the final mode; 1.13 computed it in the automatic mode.
  * edgeitems=0: 2.x prints a summarized vector as "[...]" (1.13: " ..." followed by every element, since
    t[-0:] is the whole vector), get_summarized_data gives an empty tensor for dim >= 2, and a non-empty
    tensor gets a "size=(...)" suffix.
Where the 1.13 output differs, the case keeps it as "repr113" with a "note".

Run with Debian's python: /usr/bin/python3 tools/golden/gen_print.py
"""
import contextlib
import math
import random

import torch
import torch._tensor_str as ts

from common import DTYPES, encode_number, encode_tensor, write_fixture

torch.set_grad_enabled(True)

# ------------------------------------------------------------------------------------------------
# The latest 2.x behaviour, patched into 1.13's torch._tensor_str
# ------------------------------------------------------------------------------------------------

ORIGINAL = {
    'init': ts._Formatter.__init__,
    '_vector_str': ts._vector_str,
    'get_summarized_data': ts.get_summarized_data,
    '_add_suffixes': ts._add_suffixes,
    '_str_intern': ts._str_intern,
}
_current = []  # the tensor whose repr is being computed (for the edgeitems=0 size suffix)


def _formatter_init_2x(self, tensor):
    """_Formatter.__init__ of PyTorch 2.x (main): the width is computed in the final mode."""
    self.floating_dtype = tensor.dtype.is_floating_point
    self.int_mode = True
    self.sci_mode = False
    self.max_width = 1
    P = ts.PRINT_OPTS.precision
    with torch.no_grad():
        tensor_view = tensor.reshape(-1)
    if not self.floating_dtype:
        for value in tensor_view:
            self.max_width = max(self.max_width, len(f"{value}"))
        return
    nonzero_finite_vals = torch.masked_select(tensor_view, torch.isfinite(tensor_view) & tensor_view.ne(0))
    if nonzero_finite_vals.numel() == 0:
        return
    nonzero_finite_abs = ts.tensor_totype(nonzero_finite_vals.abs())
    nonzero_finite_min = ts.tensor_totype(nonzero_finite_abs.min())
    nonzero_finite_max = ts.tensor_totype(nonzero_finite_abs.max())
    for value in nonzero_finite_vals:
        if value != torch.ceil(value):
            self.int_mode = False
            break
    self.sci_mode = (
        nonzero_finite_max / nonzero_finite_min > 1000.0
        or nonzero_finite_max > 1.0e8
        or nonzero_finite_min < 1.0e-4
        if ts.PRINT_OPTS.sci_mode is None
        else ts.PRINT_OPTS.sci_mode
    )
    for value in nonzero_finite_vals:
        if self.sci_mode:
            width = len(f"{{:.{P}e}}".format(value))
        elif self.int_mode:
            width = len(f"{value:.0f}") + 1
        else:
            width = len(f"{{:.{P}f}}".format(value))
        self.max_width = max(self.max_width, width)


def _vector_str_2x(self, indent, summarize, formatter1, formatter2=None):
    if summarize and not ts.PRINT_OPTS.edgeitems:
        return '[...]'  # 2.x: data = ["..."], one element on one line
    return ORIGINAL['_vector_str'](self, indent, summarize, formatter1, formatter2)


def _get_summarized_data_2x(self):
    if self.dim() >= 2 and not ts.PRINT_OPTS.edgeitems:
        return self.new_empty([0] * self.dim())
    return ORIGINAL['get_summarized_data'](self)


def _add_suffixes_2x(tensor_str, suffixes, indent, force_newline):
    t = _current[-1]
    if not ts.PRINT_OPTS.edgeitems and t.numel() > 0:
        # 2.x _str_intern: `if not PRINT_OPTS.edgeitems: suffixes.append("size=" + ...)`, first suffix
        suffixes = ['size=' + str(tuple(t.shape))] + list(suffixes)
    return ORIGINAL['_add_suffixes'](tensor_str, suffixes, indent, force_newline)


def _str_intern_2x(inp, **kwargs):
    _current.append(inp)
    try:
        return ORIGINAL['_str_intern'](inp, **kwargs)
    finally:
        _current.pop()


@contextlib.contextmanager
def pytorch_2x():
    ts._Formatter.__init__ = _formatter_init_2x
    ts._vector_str = _vector_str_2x
    ts.get_summarized_data = _get_summarized_data_2x
    ts._add_suffixes = _add_suffixes_2x
    ts._str_intern = _str_intern_2x
    try:
        yield
    finally:
        ts._Formatter.__init__ = ORIGINAL['init']
        ts._vector_str = ORIGINAL['_vector_str']
        ts.get_summarized_data = ORIGINAL['get_summarized_data']
        ts._add_suffixes = ORIGINAL['_add_suffixes']
        ts._str_intern = ORIGINAL['_str_intern']


# ------------------------------------------------------------------------------------------------
# Recording
# ------------------------------------------------------------------------------------------------

CASES = []
DEFAULT_OPTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
PY_NAMES = {'sciMode': 'sci_mode'}


def current_opts():
    p = ts.PRINT_OPTS
    return dict(precision=p.precision, threshold=p.threshold, edgeitems=p.edgeitems,
                linewidth=p.linewidth, sci_mode=p.sci_mode)


def repr_with(t, options, default_dtype):
    torch.set_default_dtype(DTYPES[default_dtype])
    try:
        if options:
            torch.set_printoptions(**{PY_NAMES.get(k, k): v for k, v in options.items()})
        with pytorch_2x():
            latest = repr(t)
        try:
            old = repr(t)
        except RuntimeError as e:  # 1.13 fails on edgeitems=0 with dim >= 2
            old = f'RuntimeError: {e}'
    finally:
        torch.set_printoptions(profile='default')
        torch.set_default_dtype(torch.float32)
    assert current_opts() == DEFAULT_OPTS
    return latest, old


def add(name, t, options=None, default_dtype='float32'):
    """Record repr(t). `options` uses tstorch's names (sciMode); the tensor is built by the caller."""
    latest, old = repr_with(t, options, default_dtype)
    case = {
        'kind': 'repr',
        'name': name,
        'tensor': encode_tensor(t),
        'options': None if options is None else {k: v if isinstance(v, str) else encode_number(v)
                                            for k, v in options.items()},
        'defaultDtype': default_dtype,
        'gradFn': type(t.grad_fn).__name__ if t.grad_fn is not None else None,
        'requiresGrad': t.requires_grad,
        'repr': latest,
    }
    if latest != old:
        case['repr113'] = old
        case['note'] = 'PyTorch 1.13 differs; expected string is the latest 2.x (patched _tensor_str)'
    CASES.append(case)


def T(data, dtype=torch.float32, **kw):
    return torch.tensor(data, dtype=dtype, **kw)


F32, F64 = torch.float32, torch.float64
INT_DTYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
ALL = [torch.bool] + INT_DTYPES + [F32, F64]
nan, inf = math.nan, math.inf


# ------------------------------------------------------------------------------------------------
# Spec section 13 worked examples
# ------------------------------------------------------------------------------------------------

def spec_examples():
    # 13.3 suffix wrapping
    for n in (11, 12):
        add(f'13.3 ones({n})*1', torch.ones(n, requires_grad=True) * 1)
    for n in (12, 13):
        add(f'13.3 ones({n}) leaf', torch.ones(n, requires_grad=True))
    add('13.3 arange(12.)*1', torch.arange(12., requires_grad=True) * 1)
    add('13.3 arange(12.) f64 *1', torch.arange(12., dtype=F64, requires_grad=True) * 1)
    add('13.3 arange(26.).reshape(2,13)*1', torch.arange(26., requires_grad=True).reshape(2, 13) * 1)
    # 13.5 forced sci_mode widths (1.13 vs 2.x)
    add('13.5 sci False [1e-5,1]', T([1e-5, 1.]), {'sciMode': False})
    add('13.5 sci False [1e10,1]', T([1e10, 1.]), {'sciMode': False})
    add('13.5 sci False [1e10,1.5]', T([1e10, 1.5]), {'sciMode': False})
    add('13.5 sci True [1.5,2]', T([1.5, 2.]), {'sciMode': True})
    add('13.5 sci True [0,0]', T([0., 0.]), {'sciMode': True})
    add('13.5 sci True [nan,inf]', T([nan, inf]), {'sciMode': True})
    add('13.5 sci True ints', T([1., 2., 300.]), {'sciMode': True})
    add('13.5 sci False [1e-5, 1e5]', T([1e-5, 1e5]), {'sciMode': False})
    add('13.5 sci True [1e-5, nan]', T([1e-5, nan, -inf]), {'sciMode': True})
    # 13.6 precision 0
    add('13.6 precision 0', T([0.5, 1.5, 2.5, 3.25]), {'precision': 0})
    # 13.9 scalars
    for name, t in [
        ('3.14159', T(3.14159)), ('3.', T(3.)), ('3', torch.tensor(3)), ('True', torch.tensor(True)),
        ('-7', torch.tensor(-7)), ('5 int32', torch.tensor(5, dtype=torch.int32)),
        ('255 uint8', torch.tensor(255, dtype=torch.uint8)), ('nan', T(nan)), ('-inf', T(-inf)),
        ('-0.', T(-0.)), ('0.', T(0.)), ('0.5', T(0.5)), ('-2.5', T(-2.5)), ('1e-5', T(1e-5)),
        ('123456789.', T(123456789.)), ('1e8', T(1e8)), ('False', torch.tensor(False)),
        ('inf', T(inf)), ('1e-4 f64', T(1e-4, F64)), ('1e-4 f32', T(1e-4)),
    ]:
        add('13.9 scalar ' + name, t)
    add('13.9 scalar requires_grad', T(2., requires_grad=True))
    add('13.9 scalar SumBackward0', T([1., 2., 3.], requires_grad=True).sum())
    # 13.9 vectors
    vectors = [
        [1.5, 2.25, -3.125], [1., 2., 3.], [1., -2., 30.], [0., 0., 0.], [0.123456, 1.0], [1e-5, 1.],
        [5e-5], [1e-4, 0.5], [0.5, 600.], [0.5, 500.], [1., 1001.], [1., 1000.], [1e8, 1.], [12345678.],
        [1.5, 123456.7], [10000.5], [-1000.5, 1.], [nan, inf, -inf, 1.5], [nan, inf, -inf, 1.], [nan],
        [inf, -inf], [nan, 0.], [nan, 100.5, 1.25], [inf, 1000.], [-0.], [-0., 1.], [-0., 1.5], [0., 1e-10],
        [-0., 1e-6], [-1e-5, 2e5], [2., 0.5], [1.00001], [0.03125, 1.], [1.23456e-5],
    ]
    for v in vectors:
        add(f'13.9 vector {v}', T(v))
    add('13.9 vector int64 [1,2,3]', torch.tensor([1, 2, 3]))
    add('13.9 vector int64 [1,-2,300]', torch.tensor([1, -2, 300]))
    add('13.9 vector bool', torch.tensor([True, False, True]))
    add('13.9 1e-100 f64', T([1e-100, 1e100], F64))
    # 13.9 dtype suffixes
    add('13.9 dtype f64', T([1.5], F64))
    add('13.9 dtype int32', torch.tensor([1, 2], dtype=torch.int32))
    add('13.9 dtype int8', torch.tensor([-128, 127], dtype=torch.int8))
    add('13.9 int64 huge', torch.tensor([4611686018427387904, -1]))
    add('13.9 default f64: f64', T([1.5], F64), default_dtype='float64')
    add('13.9 default f64: f32', T([1.5], F32), default_dtype='float64')
    # 13.9 empty
    add('13.9 empty f32', torch.tensor([]))
    add('13.9 empty int64', torch.tensor([], dtype=torch.int64))
    add('13.9 empty (0,3)', torch.zeros(0, 3))
    add('13.9 empty (2,0) int32', torch.zeros(2, 0, dtype=torch.int32))
    add('13.9 empty (2,0,3)', torch.zeros(2, 0, 3))
    add('13.9 empty f64', torch.tensor([], dtype=F64))
    add('13.9 empty requires_grad', torch.tensor([], requires_grad=True))
    add('13.9 empty bool', torch.tensor([], dtype=torch.bool))
    add('13.9 empty f64 under default f64', torch.zeros(0, 2, dtype=F64), default_dtype='float64')
    add('13.9 empty f32 under default f64', torch.zeros(0, dtype=F32), default_dtype='float64')
    # 13.9 multi-dim
    add('13.9 ones(2,3)', torch.ones(2, 3))
    add('13.9 arange(8.).reshape(2,2,2)', torch.arange(8.).reshape(2, 2, 2))
    add('13.9 arange(16).reshape(2,2,2,2)', torch.arange(16).reshape(2, 2, 2, 2))
    add('13.9 one formatter', T([[1.5, -2.], [100., 0.25]]))
    add('13.9 int mode 2d', T([[-1., 20.], [300., 4.]]))
    add('13.9 column', T([[1.], [2.], [3.]]))
    add('13.9 [[[0.]]]', torch.zeros(1, 1, 1))
    add('13.9 transposed', torch.arange(6.).reshape(2, 3).t().contiguous())
    torch.manual_seed(0)
    add('13.9 randn(3,3)', torch.randn(3, 3))
    add('13.9 ones(2,3) requires_grad', torch.ones(2, 3, requires_grad=True))
    # 13.9 line wrapping
    add('13.9 arange(30.)', torch.arange(30.))
    add('13.9 arange(40)', torch.arange(40))
    add('13.9 linspace(-1,1,20)', torch.linspace(-1, 1, 20))
    add('13.9 arange(30.).reshape(2,15)/7', torch.arange(30.).reshape(2, 15) / 7)
    # 13.9 summarization
    add('13.9 arange(1001.)', torch.arange(1001.))
    add('13.9 arange(-5..)', torch.cat([torch.tensor([-5]), torch.arange(2000)]))
    add('13.9 ones(1001, bool)', torch.ones(1001, dtype=torch.bool))
    add('13.9 linspace(0,1,2001)', torch.linspace(0, 1, 2001))
    add('13.9 arange(1001)*1.5', torch.arange(1001) * 1.5)
    add('13.9 arange(2000.).reshape(40,50)', torch.arange(2000.).reshape(40, 50))
    add('13.9 arange(1100).reshape(100,11)', torch.arange(1100).reshape(100, 11))
    add('13.9 arange(1200).reshape(10,10,12)', torch.arange(1200).reshape(10, 10, 12))
    # 13.9 print options
    add('13.9 precision 2', T([1.12345, 2.5]), {'precision': 2})
    add('13.9 precision 2 sci', T([1.12345e-6, 2.5]), {'precision': 2})
    add('13.9 precision 2 ties', T([0.125, 0.375, 1.]), {'precision': 2})
    add('13.9 precision 0', T([1.6, 2.5]), {'precision': 0})
    add('13.9 threshold 5 arange(10)', torch.arange(10), {'threshold': 5})
    add('13.9 threshold 5 arange(6)', torch.arange(6), {'threshold': 5})
    add('13.9 threshold 5 arange(12).reshape(2,6)', torch.arange(12).reshape(2, 6), {'threshold': 5})
    for n in (5, 3, 2):
        add(f'13.9 edgeitems 1 arange({n})', torch.arange(n), {'edgeitems': 1, 'threshold': 0})
    add('13.9 edgeitems 1 3x3', torch.arange(9).reshape(3, 3), {'edgeitems': 1, 'threshold': 0})
    add('13.9 linewidth 40', torch.arange(20.), {'linewidth': 40})
    add('13.9 linewidth 40 grad', torch.arange(8., requires_grad=True) * 1, {'linewidth': 40})
    add('13.9 profile short', T([1.12345, 2.5]), {'profile': 'short'})
    add('13.9 profile short arange(1001.)', torch.arange(1001.), {'profile': 'short'})
    add('13.9 profile full arange(1001.)', torch.arange(1001.), {'profile': 'full'})
    add('13.9 profile full 40x30', torch.arange(1200).reshape(40, 30), {'profile': 'full'})
    add('13.9 profile default', torch.arange(1001.), {'profile': 'default'})
    add('13.9 profile short + precision 6', T([1.12345678, 2.5]), {'profile': 'short', 'precision': 6})
    add('13.9 sci True', T([1.5, 2.5]), {'sciMode': True})
    add('13.9 sci False', T([1e-8, 2.5]), {'sciMode': False})
    add('13.9 sci False big', T([1e12, 2.5]), {'sciMode': False})
    add('13.9 sci False int', T([1e12, 2.]), {'sciMode': False})
    add('13.9 sci False f64 1e25', T([1e25, 1.], F64), {'sciMode': False})
    add('13.9 sci False f64 1e22 1e-3', T([1e22, 1e-3], F64), {'sciMode': False})


# ------------------------------------------------------------------------------------------------
# More options: linewidth, precision, threshold/edgeitems (incl. 0), profiles, sci_mode
# ------------------------------------------------------------------------------------------------

def option_cases(g):
    x = torch.randn(4, 7, generator=g)
    v = torch.randn(50, generator=g)
    big = torch.randn(30, 40, generator=g)
    for lw in (0, 1, 10, 20, 39, 60, 100, 200):
        add(f'linewidth {lw} vector', v, {'linewidth': lw})
        add(f'linewidth {lw} 4x7', x, {'linewidth': lw})
    for p in (0, 1, 2, 3, 6, 8, 10, 12, 17):
        add(f'precision {p}', x, {'precision': p})
        add(f'precision {p} sci', v * 1e-6, {'precision': p})
    add('precision 20 f64', torch.randn(3, dtype=F64, generator=g), {'precision': 20})
    add('precision 30 f64 sci', torch.randn(3, dtype=F64, generator=g) * 1e-20, {'precision': 30})
    for e in (0, 1, 2, 4, 5):
        add(f'edgeitems {e} threshold 10 big', big, {'edgeitems': e, 'threshold': 10})
        add(f'edgeitems {e} threshold 10 vector', v, {'edgeitems': e, 'threshold': 10})
    add('edgeitems 0 not summarized', torch.arange(6.), {'edgeitems': 0})
    add('edgeitems 0 threshold 0 scalar', T(3.14159), {'edgeitems': 0, 'threshold': 0})
    add('edgeitems 0 threshold 0 3d', torch.arange(24).reshape(2, 3, 4), {'edgeitems': 0, 'threshold': 0})
    add('edgeitems 0 empty', torch.zeros(0, 3), {'edgeitems': 0, 'threshold': 0})
    add('edgeitems 0 f64 grad', torch.arange(5., dtype=F64, requires_grad=True) * 2,
        {'edgeitems': 0, 'threshold': 0})
    add('edgeitems 10 threshold 0', torch.arange(30), {'edgeitems': 10, 'threshold': 0})
    add('threshold 0 scalar', T(2.5), {'threshold': 0})
    add('threshold 1 vector', torch.arange(2.), {'threshold': 1})
    add('threshold 1.5 float', torch.arange(10.), {'threshold': 1.5, 'edgeitems': 2})
    add('threshold 100 3d', torch.arange(210.).reshape(5, 6, 7) / 3, {'threshold': 100, 'edgeitems': 2})
    add('threshold inf', torch.arange(2000).reshape(2, 1000) % 7, {'threshold': inf})
    add('summarized formatter sees edges only', torch.cat([T([1.]), torch.full((1000,), 1e-9), T([2.])]))
    add('summarized 4d', torch.arange(7 * 7 * 3 * 8.).reshape(7, 7, 3, 8), {'edgeitems': 2})
    for profile in ('default', 'short', 'full'):
        add(f'profile {profile} 4x7', x, {'profile': profile})
        add(f'profile {profile} 30x40', big, {'profile': profile, 'linewidth': 120} if profile == 'full'
            else {'profile': profile})
    add('profile short overridden', big, {'profile': 'short', 'edgeitems': 1, 'precision': 5})
    for sci in (True, False):
        add(f'sci {sci} 4x7', x, {'sciMode': sci})
        add(f'sci {sci} ints', T([1., -20., 3000.]), {'sciMode': sci})
        add(f'sci {sci} mixed', T([1e-12, 1., nan, -0.]), {'sciMode': sci})
        add(f'sci {sci} precision 2', T([123.456, 0.001]), {'sciMode': sci, 'precision': 2})
        add(f'sci {sci} int dtype', torch.tensor([1, 2000000]), {'sciMode': sci})
        add(f'sci {sci} precision 0', T([0.5, 1.5, 25.]), {'sciMode': sci, 'precision': 0})


# ------------------------------------------------------------------------------------------------
# Random tensors: every dtype, many shapes and scales, special values
# ------------------------------------------------------------------------------------------------

SHAPES = [[], [1], [2], [5], [13], [1, 1], [2, 3], [3, 1], [1, 4], [4, 5], [2, 2, 2], [2, 3, 4],
          [1, 2, 1, 3], [2, 2, 2, 2], [3, 1, 2, 2], [27], [3, 17], [2, 2, 19]]
EMPTY_SHAPES = [[0], [0, 3], [3, 0], [2, 0, 3], [0, 0], [1, 0], [0, 2, 2, 1]]
INT_RANGES = {
    torch.uint8: (0, 256), torch.int8: (-128, 128), torch.int16: (-32768, 32768),
    torch.int32: (-2 ** 31, 2 ** 31), torch.int64: (-2 ** 63, 2 ** 63),
}


def random_values(g, shape, dtype, rng):
    if dtype == torch.bool:
        return torch.rand(shape, generator=g) > 0.5
    if dtype in INT_RANGES:
        lo, hi = INT_RANGES[dtype]
        style = rng.choice(['small', 'full', 'mid'])
        if style == 'small':
            lo, hi = max(lo, -10), min(hi, 11)
        elif style == 'mid':
            lo, hi = max(lo, -1000), min(hi, 1000)
        if dtype == torch.int64 and style == 'full':
            vals = [rng.randrange(lo, hi) for _ in range(math.prod(shape))]
            return torch.tensor(vals, dtype=dtype).reshape(shape)
        return torch.randint(lo, hi, shape, generator=g, dtype=dtype)
    return torch.randn(shape, generator=g, dtype=dtype)


def random_cases(g, rng):
    for dtype in ALL:
        for shape in SHAPES:
            add(f'random {dtype} {shape}', random_values(g, shape, dtype, rng))
        for shape in EMPTY_SHAPES:
            add(f'empty {dtype} {shape}', torch.zeros(shape, dtype=dtype))
    # integer extremes
    for dtype, (lo, hi) in INT_RANGES.items():
        add(f'extremes {dtype}', torch.tensor([lo, hi - 1, 0, 1, -1 if lo < 0 else 2], dtype=dtype))
        add(f'extremes {dtype} 2d', torch.tensor([[lo, 7], [hi - 1, 0]], dtype=dtype))
    add('int64 huge mixed', torch.tensor([2 ** 62, -(2 ** 53) - 1, 2 ** 53 + 1, 9007199254740993, -5]))
    add('int64 huge long', torch.tensor([rng.randrange(-2 ** 63, 2 ** 63) for _ in range(30)]))
    # float scales
    scales = [1e-12, 1e-9, 1e-6, 1e-5, 1e-4, 3e-4, 1e-3, 0.01, 0.1, 1., 10., 100., 1e3, 1e4, 1e5, 1e6,
              1e7, 1e8, 1e9, 1e10, 1e12]
    for dtype in (F32, F64):
        for s in scales:
            add(f'scale {s} {dtype}', torch.randn(2, 4, generator=g, dtype=dtype) * s)
            add(f'uniform scale {s} {dtype}', torch.rand(6, generator=g, dtype=dtype) * s)
        for k in (1, 3, 6, 10):
            add(f'lognormal {k} {dtype}', torch.exp(torch.randn(8, generator=g, dtype=dtype) * k))
    # integer-valued floats
    for dtype in (F32, F64):
        for hi in (10, 1000, 10 ** 5, 10 ** 8, 10 ** 9, 2 ** 40):
            vals = torch.randint(-hi, hi, (3, 4), generator=g).to(dtype)
            add(f'int-valued {hi} {dtype}', vals)
        add(f'int-valued ratio 1000 {dtype}', T([1., 1000., -1000., 7.], dtype))
        add(f'int-valued 1e8 {dtype}', T([1e8, 99999999., 1.], dtype))
        add(f'int-valued 2^24 {dtype}', T([16777216., 16777217., 3.], dtype))
    # special values mixed in
    for dtype in (F32, F64):
        for i in range(12):
            scale = rng.choice([1e-6, 1e-3, 1., 50., 1e5, 1e9])
            t = torch.randn(3, 5, generator=g, dtype=dtype) * scale
            if i % 3 == 0:
                t = t.round()
            flat = t.view(-1)
            for j in rng.sample(range(15), rng.randint(1, 6)):
                flat[j] = rng.choice([nan, inf, -inf, -0., 0.])
            add(f'special {i} {dtype}', t)
        add(f'all nonfinite {dtype}', T([[nan, inf], [-inf, nan]], dtype))
        add(f'all zero signs {dtype}', T([[0., -0.], [-0., 0.]], dtype))
        add(f'zeros and nan {dtype}', T([0., nan, -0.], dtype))
    # float32 boundary values
    add('f32 0.99995', T([0.99995, 1.]))
    add('f32 0.1', T([0.1, 0.2, 0.3]))
    add('f32 ties', T([0.125, 0.375, 0.03125, 0.00005, 2.5]))
    add('f32 1e-4 boundary', T([1e-4, 1.]))
    add('f64 1e-4 boundary', T([1e-4, 1.], F64))
    add('f64 ratio exactly 1000', T([0.001, 1.], F64))
    add('f32 max', T([3.4028234663852886e38, 1.]))
    add('f32 tiny', T([1.401298464324817e-45, 1.1754943508222875e-38]))
    add('f64 extremes', T([1.7976931348623157e308, 5e-324, -2.2250738585072014e-308], F64))
    add('f64 rounding carry', T([9.99995, 0.99999, 99.99995], F64))
    add('f64 rounding carry sci', T([9.99995e-5, 9.999949999e10], F64))
    # long vectors that wrap, various widths
    for n, scale in [(33, 1.), (47, 1e3), (75, 1e-6), (101, 100.), (250, 1.)]:
        add(f'long vector {n} x{scale}', torch.randn(n, generator=g) * scale)
    add('long int vector', torch.randint(-10 ** 6, 10 ** 6, (61,), generator=g))
    add('long bool vector', torch.rand(90, generator=g) > 0.3)
    add('long uint8 vector', torch.randint(0, 256, (100,), generator=g, dtype=torch.uint8))
    add('wide 2d', torch.randn(3, 30, generator=g))
    add('wide 3d', torch.randn(2, 2, 25, generator=g, dtype=F64))
    # summarized random tensors of every dtype
    for dtype in ALL:
        add(f'summarized {dtype} 1d', random_values(g, [1500], dtype, rng))
        add(f'summarized {dtype} 3d', random_values(g, [4, 8, 40], dtype, rng))


# ------------------------------------------------------------------------------------------------
# Default dtype float64, and grad_fn / requires_grad suffixes
# ------------------------------------------------------------------------------------------------

def default_dtype_cases(g):
    for dtype in ALL:
        t = random_values(g, [2, 3], dtype, random.Random(7))
        add(f'default f64: {dtype}', t, default_dtype='float64')
    for dtype in (F32, F64):
        add(f'default f64: empty {dtype}', torch.zeros(0, dtype=dtype), default_dtype='float64')
        add(f'default f64: scalar {dtype}', T(1.5, dtype), default_dtype='float64')
        add(f'default f64: grad {dtype}', T([1., 2.], dtype, requires_grad=True) * 1, default_dtype='float64')
        add(f'default f64: long {dtype}', torch.arange(20., dtype=dtype) / 3, default_dtype='float64')
        add(f'default f64: summarized {dtype}', torch.arange(1500., dtype=dtype), default_dtype='float64')
    add('default f64: empty int64', torch.zeros(0, dtype=torch.int64), default_dtype='float64')
    add('default f64: empty bool', torch.zeros(2, 0, dtype=torch.bool), default_dtype='float64')


def grad_cases(g):
    base = torch.randn(2, 3, generator=g)
    ops = [
        ('mul', lambda x: x * 1), ('add', lambda x: x + 0), ('sub', lambda x: x - 1), ('div', lambda x: x / 2),
        ('sum', lambda x: x.sum()), ('mean', lambda x: x.mean()), ('exp', lambda x: x.exp()),
        ('neg', lambda x: -x), ('pow', lambda x: x ** 2), ('clone', lambda x: x.clone()),
        ('view', lambda x: x.view(3, 2)), ('t', lambda x: x.t()), ('unsqueeze', lambda x: x.unsqueeze(0)),
        ('tanh', lambda x: x.tanh()), ('relu', lambda x: x.relu()), ('sigmoid', lambda x: x.sigmoid()),
        ('matmul', lambda x: x @ x.t()), ('select', lambda x: x[0]), ('slice', lambda x: x[:, 1:]),
    ]
    for name, op in ops:
        add(f'grad {name}', op(base.clone().requires_grad_()))
    add('leaf requires_grad', base.clone().requires_grad_())
    add('leaf requires_grad f64', torch.randn(4, generator=g, dtype=F64).requires_grad_())
    add('leaf requires_grad scalar', T(0.5, requires_grad=True))
    add('grad f64 long wraps', torch.arange(14., dtype=F64, requires_grad=True) * 1)
    add('grad 3d', torch.arange(24., requires_grad=True).reshape(2, 3, 4) * 1)
    add('grad summarized', torch.arange(3000., requires_grad=True) * 1)
    add('grad linewidth 60', torch.arange(10., requires_grad=True) * 1, {'linewidth': 60})
    add('grad linewidth 200', torch.arange(40., requires_grad=True) * 1, {'linewidth': 200})
    add('detached', (base.clone().requires_grad_() * 2).detach())
    for n in range(8, 16):
        add(f'grad wrap boundary f64 {n}', torch.ones(n, dtype=F64, requires_grad=True) * 1)


# ------------------------------------------------------------------------------------------------
# Python float formatting
# ------------------------------------------------------------------------------------------------

def format_cases(rng):
    values = [
        0.125, 0.375, 0.625, 2.5, 0.5, 1.5, 3.5, -2.5, -0.5, 0.03125, 0.0625, 1.25, 1.35, 0.05, 0.15,
        -0.0, 0.0, 1e21, -1e21, 1e22, 1e23, 9.999999999999999e22, 1e-100, 1e100, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 9.99995, 0.99995, 0.9999499917030334, 99.5, 1e-5, 1.23456e-5, 123456789.0,
        25.0, 35.0, 45.0, 15.0, 250.0, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, math.pi, math.e, 1e16, 2.0 ** 53 + 2,
        1e15 + 0.5, 4.35, 0.045, 5e-5, 1.0, -1.0, 100.0, 1e8, 1e-4, 9.5, 10.5, -0.00001, -1e-300, 1e300,
        nan, inf, -inf, 1.401298464324817e-45, 3.4028234663852886e38,
    ]
    values += [rng.randrange(-10 ** 6, 10 ** 6) / 2 ** rng.randrange(1, 12) for _ in range(60)]  # many ties
    values += [rng.uniform(-1, 1) * 10 ** rng.uniform(-30, 30) for _ in range(60)]
    values += [rng.randrange(1, 10 ** 6) * 5 * 10 ** rng.randrange(0, 5) for _ in range(15)]  # exp ties
    precisions = [0, 1, 2, 4, 6]
    cases = []
    for i, x in enumerate(values):
        ps = precisions if i < 70 else [rng.choice(precisions + [3, 5, 8])]
        for p in ps:
            cases.append({'kind': 'format', 'x': encode_number(float(x)), 'precision': p,
                          'fixed': f'{x:.{p}f}', 'exp': f'{x:.{p}e}'})
    for x in (0.1, 1e-300, 5e-324, 2.5, 1e22, -0.0):
        for p in (17, 30, 100, 120):
            cases.append({'kind': 'format', 'x': encode_number(x), 'precision': p,
                          'fixed': f'{x:.{p}f}', 'exp': f'{x:.{p}e}'})
    return cases


def main():
    g = torch.Generator().manual_seed(1234)
    rng = random.Random(1234)
    torch.set_printoptions(profile='default')
    spec_examples()
    option_cases(g)
    random_cases(g, rng)
    default_dtype_cases(g)
    grad_cases(g)
    differs = [c for c in CASES if 'repr113' in c]
    print(f'{len(CASES)} repr cases, {len(differs)} with a 1.13 difference:')
    for c in differs:
        print('  ', c['name'])
    write_fixture('print', CASES + format_cases(rng))


if __name__ == '__main__':
    main()
