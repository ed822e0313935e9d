"""Fixtures for the matrix products: dot, vdot, mv, mm, bmm, addmv, addmm, baddbmm (and their in-place
forms), outer, matmul, linalg.matmul, linalg.vecdot and einsum.

Writes test/golden/linalg.json, replayed by test/ops/linalg.test.ts through test/ops/harness.ts. Every
case names a call in CALLS; the TypeScript test has a call under the same key doing the same thing in
tstorch. A call takes (xs, e): xs are the case's input tensors after the layout transforms e['layout']
(one code per input, see LAYOUTS: they make operands non-contiguous while the recorded tensors stay
contiguous), e the extra arguments:
  e['beta'], e['alpha']   addmm/addmv/baddbmm scales (never integral floats: JavaScript cannot tell 2
                          from 2.0, and the integral ones give the same result either way)
  e['eq']                 an einsum equation as character codes (the harness decodes strings in
                          `extra` as numbers)
  e['dim']                linalg.vecdot's dim

PyTorch 2.x behaviour (the installed PyTorch is 1.13; the fixture holds 2.x's, from the 2.x sources):
- matmul: 2.x's _matmul_impl (aten/src/ATen/native/LinearAlgebra.cpp) decides differently from 1.13
  when to fold an N-D operand into a matrix (should_fold looks at strides and at which operand requires
  grad) and squeezes 3-D batches of one. That changes the grad_fn (1-D @ N-D: UnsafeViewBackward0, not
  ReshapeAliasBackward0; 2-D @ N-D without grad on the matrix: UnsafeViewBackward0, not CloneBackward0)
  and which component op reports a shape error. matmul_2x below is a line-by-line port of it, run with
  PyTorch's own ops; every value it gives is checked against 1.13's torch.matmul.
- squeeze_(0), used by matmul's 1-D @ 2-D path: 1.13's SqueezeBackward3 is SqueezeBackward4 in 2.x
  (derivatives.yaml gained squeeze.dims before the in-place entries).
- The checks of mm, mv/addmv, addmm and baddbmm (their meta functions and addmm_impl_cpu_) word their
  dtype and size errors differently in 2.x; *_2x below apply 2.x's checks, in 2.x's order, before calling
  the 1.13 op. baddbmm also rejects an input whose dtype differs from batch1's, which 1.13 accepted.
- einsum's C++ implementation (aten/src/ATen/native/Linear.cpp) is the same in 2.x; operands are
  contracted left to right, as 2.x does without opt_einsum (and always for two operands).
"""
import math

import torch

from common import write_fixture
from opcases import make_case, rand

GEN = torch.Generator().manual_seed(20240923)
FLOATS = [torch.float32, torch.float64]
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
NAN = math.nan

# Layout codes applied to an input inside a call; the recorded tensor has the pre-transform shape.
CONTIG, MT, STEP, SWAP01, EXPAND0 = 0, 1, 2, 3, 4


def lay(t, code):
    if code == MT:
        return t.transpose(-2, -1)
    if code == STEP:
        return t[..., ::2]
    if code == SWAP01:
        return t.transpose(0, 1)
    if code == EXPAND0:
        return t.expand(3, *t.shape[1:])
    return t


def recorded_shape(shape, code):
    """The shape to record so that lay(recorded, code) has `shape`."""
    s = list(shape)
    if code == MT:
        s[-2], s[-1] = s[-1], s[-2]
    elif code == STEP:
        s[-1] = 2 * s[-1]
    elif code == SWAP01:
        s[0], s[1] = s[1], s[0]
    elif code == EXPAND0:
        assert s[0] == 3
        s[0] = 1
    return s


def R(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


SCALAR_NAMES = {torch.bool: 'Bool', torch.uint8: 'Byte', torch.int8: 'Char', torch.int16: 'Short',
                torch.int32: 'Int', torch.int64: 'Long', torch.float32: 'Float', torch.float64: 'Double'}
# caffe2::TypeMeta names (GCC's spelling of the C++ types), printed by some 2.x messages.
CPP_NAMES = {torch.bool: 'bool', torch.uint8: 'unsigned char', torch.int8: 'signed char', torch.int16: 'short int',
             torch.int32: 'int', torch.int64: 'long int', torch.float32: 'float', torch.float64: 'double'}


# ---- 2.x checks in front of the 1.13 ops ----

def c_size(t, d):
    """C++'s t.size(d) (Python's raises the same IndexErrors)."""
    return t.size(d)


def mm_2x(a, b):
    """mm's meta checks, then addmm_impl_cpu_'s dtype check (2.x)."""
    if a.dim() != 2:
        raise RuntimeError('self must be a matrix')
    if b.dim() != 2:
        raise RuntimeError('mat2 must be a matrix')
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f'mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})')
    if a.dtype != b.dtype:
        raise RuntimeError(f'expected m1 and m2 to have the same dtype, but got: {CPP_NAMES[a.dtype]} != {CPP_NAMES[b.dtype]}')
    return torch.mm(a, b)


def addmv_checks_2x(inp, mat, vec, inp_dim, inp_numel, inp_dtype):
    """addmv's meta checks (2.x); mv passes its freshly allocated result as the input."""
    if not (mat.dim() == 2 and vec.dim() == 1 and inp_dim <= 1):
        raise RuntimeError(f'vector + matrix @ vector expected, got {inp_dim}, {mat.dim()}, {vec.dim()}')
    if not (mat.shape[1] == vec.shape[0] and (mat.shape[0] == inp_numel or inp_numel == 1)):
        inp_size = c_size(inp, 0) if inp is not None else mat.shape[0]
        raise RuntimeError(f'size mismatch, got input ({inp_size}), mat ({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})')
    if not (inp_dtype == mat.dtype and mat.dtype == vec.dtype):
        raise RuntimeError('addmv input tensors must have the same dtype, but got '
                           f'{SCALAR_NAMES[inp_dtype]}, {SCALAR_NAMES[mat.dtype]}, and {SCALAR_NAMES[vec.dtype]}')


def mv_2x(mat, vec):
    m = c_size(mat, 0)  # the result is allocated from mat.size(0) first
    addmv_checks_2x(None, mat, vec, 1, m, vec.dtype)
    return torch.mv(mat, vec)


def addmv_2x(inp, mat, vec, e):
    addmv_checks_2x(inp, mat, vec, inp.dim(), inp.numel(), inp.dtype)
    return torch.addmv(inp, mat, vec, beta=e.get('beta', 1), alpha=e.get('alpha', 1))


def addmm_2x(inp, m1, m2, e):
    """ADDMM_META (2.x), then 1.13's addmm (expand_size and the kernel are unchanged)."""
    if inp.dtype != m2.dtype:
        raise RuntimeError(f'self and mat2 must have the same dtype, but got {SCALAR_NAMES[inp.dtype]} and {SCALAR_NAMES[m2.dtype]}')
    if m1.dtype != m2.dtype:
        raise RuntimeError(f'mat1 and mat2 must have the same dtype, but got {SCALAR_NAMES[m1.dtype]} and {SCALAR_NAMES[m2.dtype]}')
    if m1.dim() != 2:
        raise RuntimeError(f'mat1 must be a matrix, got {m1.dim()}-D tensor')
    if m2.dim() != 2:
        raise RuntimeError(f'mat2 must be a matrix, got {m2.dim()}-D tensor')
    if m1.shape[1] != m2.shape[0]:
        raise RuntimeError(f'mat1 and mat2 shapes cannot be multiplied ({m1.shape[0]}x{m1.shape[1]} and {m2.shape[0]}x{m2.shape[1]})')
    return torch.addmm(inp, m1, m2, beta=e.get('beta', 1), alpha=e.get('alpha', 1))


def baddbmm_2x(inp, b1, b2, e):
    """baddbmm's meta (2.x): expand the input (sizes read with C++ size()), then the dtype check."""
    inp.expand(c_size(b1, 0), c_size(b1, 1), c_size(b2, 2))
    if inp.dtype != b1.dtype:
        raise RuntimeError(f'Input dtypes must be the same, got: input {CPP_NAMES[inp.dtype]}, '
                           f'batch1: {CPP_NAMES[b1.dtype]}, batch2: {CPP_NAMES[b2.dtype]}')
    return torch.baddbmm(inp, b1, b2, beta=e.get('beta', 1), alpha=e.get('alpha', 1))


# ---- matmul, ported from 2.x's _matmul_impl ----

def _mt(t):
    return t.transpose(-2, -1)


def should_fold_2x(t1, t2):
    t1_larger = t1.dim() >= t2.dim()
    big = t1 if t1_larger else _mt(t2)
    dim_big = big.dim()
    dim_small = t2.dim() if t1_larger else t1.dim()
    if not (dim_big >= 3 and dim_small <= 2):
        return False
    if (t2 if t1_larger else t1).requires_grad:
        return True
    if t1.dim() == 2:
        return False
    if big.numel() == 0:
        return True
    return all(big.stride(i) == big.stride(i + 1) * big.size(i + 1) for i in range(dim_big - 2))


def matmul_2x(t1, t2):
    d1, d2 = t1.dim(), t2.dim()
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f'both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D')
    if d1 == 1 and d2 == 1:
        return torch.dot(t1, t2)
    if d1 == 2 and d2 == 1:
        return mv_2x(t1, t2)
    if d1 == 1 and d2 == 2:
        return mm_2x(t1.unsqueeze(0), t2).squeeze_(0)
    if d1 == 2 and d2 == 2:
        return mm_2x(t1, t2)
    unsafe_view = torch.ops.aten._unsafe_view
    if should_fold_2x(t1, t2):
        transpose = d2 > d1
        a = _mt(t2) if transpose else t1
        b = t2 if not transpose else (t1.t() if d1 == 2 else t1)
        sizes = list(a.shape)
        out_shape = sizes[:-1]
        folded = a.reshape(math.prod(out_shape), sizes[-1])
        if b.dim() == 2:
            out_shape.append(b.shape[1])
            output = unsafe_view(mm_2x(folded, b), out_shape)
            return _mt(output).contiguous() if transpose else output
        return unsafe_view(mv_2x(folded, b), out_shape)
    n = t1.shape[-2] if d1 > 1 else 1
    m1 = t1.shape[-1]
    batch1 = list(t1.shape[:max(d1 - 2, 0)])
    m2 = t2.shape[-2] if d2 > 1 else t2.shape[0]
    p = t2.shape[-1] if d2 > 1 else 1
    batch2 = list(t2.shape[:max(d2 - 2, 0)])
    if d1 == 3 and d2 == 3 and batch1[0] != batch2[0]:
        if batch1[0] == 1 and t1.requires_grad:
            return matmul_2x(t1.squeeze(0), t2)
        if batch2[0] == 1 and t2.requires_grad:
            return matmul_2x(t1, t2.squeeze(0))
    out_shape = list(torch._C._infer_size(torch.Size(batch1), torch.Size(batch2)))
    bp = math.prod(out_shape)
    a = t1.expand(*out_shape, n, m1).reshape(bp, n, m1)
    vector_rhs = d2 == 1
    b = t2.expand(*out_shape, m2) if vector_rhs else t2.expand(*out_shape, m2, p)
    b = b.reshape(bp, m2).unsqueeze(2) if vector_rhs else b.reshape(bp, m2, p)
    if d1 > 1:
        out_shape.append(n)
    if d2 > 1:
        out_shape.append(p)
    prod = torch.bmm(a, b)
    return unsafe_view(prod.squeeze(-1) if vector_rhs else prod, out_shape)


def eq_codes(eq):
    return [ord(c) for c in eq]


def eq_of(e):
    return ''.join(chr(c) for c in e['eq'])


def laid(xs, e):
    codes = e.get('layout', [])
    return [lay(x, codes[i]) if i < len(codes) else x for i, x in enumerate(xs)]


# Each call takes (xs, e) with xs already laid out. The TypeScript table mirrors these keys.
CALLS = {
    'matmul': lambda xs, e: matmul_2x(*xs),
    'matmul_method': lambda xs, e: matmul_2x(*xs),
    'linalg_matmul': lambda xs, e: matmul_2x(*xs),
    'dot': lambda xs, e: torch.dot(*xs),
    'vdot': lambda xs, e: torch.vdot(*xs),
    'mv': lambda xs, e: mv_2x(*xs),
    'mm': lambda xs, e: mm_2x(*xs),
    'mm_method': lambda xs, e: mm_2x(*xs),
    'bmm': lambda xs, e: torch.bmm(*xs),
    'outer': lambda xs, e: torch.outer(*xs),
    'addmm': lambda xs, e: addmm_2x(*xs, e),
    'addmv': lambda xs, e: addmv_2x(*xs, e),
    'baddbmm': lambda xs, e: baddbmm_2x(*xs, e),
    'addmm_': lambda xs, e: xs[0].clone().addmm_(*xs[1:], beta=e.get('beta', 1), alpha=e.get('alpha', 1)),
    'addmv_': lambda xs, e: xs[0].clone().addmv_(*xs[1:], beta=e.get('beta', 1), alpha=e.get('alpha', 1)),
    'baddbmm_': lambda xs, e: xs[0].clone().baddbmm_(*xs[1:], beta=e.get('beta', 1), alpha=e.get('alpha', 1)),
    'vecdot': lambda xs, e: torch.linalg.vecdot(*xs, dim=e.get('dim', -1)),
    'einsum': lambda xs, e: torch.einsum(eq_of(e), *xs),
    'einsum_list': lambda xs, e: torch.einsum(eq_of(e), list(xs)),
    'einsum_no_operands': lambda xs, e: torch.einsum(eq_of(e)),
    # Non-tensor arguments (the int 3): Python's argument errors.
    'mm_int_arg': lambda xs, e: torch.mm(xs[0], 3),
    'mm_method_int_arg': lambda xs, e: xs[0].mm(3),
    'bmm_int_arg': lambda xs, e: torch.bmm(xs[0], 3),
    'mv_int_arg': lambda xs, e: torch.mv(xs[0], 3),
    'dot_int_arg': lambda xs, e: torch.dot(xs[0], 3),
    'vdot_int_arg': lambda xs, e: torch.vdot(xs[0], 3),
    'matmul_int_arg': lambda xs, e: torch.matmul(xs[0], 3),
    'matmul_int_first': lambda xs, e: torch.matmul(3, xs[0]),
    'linalg_matmul_int_arg': lambda xs, e: torch.linalg.matmul(xs[0], 3),
    'outer_int_arg': lambda xs, e: torch.outer(xs[0], 3),
    'addmm_int_arg': lambda xs, e: torch.addmm(xs[0], xs[1], 3),
    'baddbmm_int_arg': lambda xs, e: torch.baddbmm(xs[0], xs[1], 3),
    'vecdot_int_arg': lambda xs, e: torch.linalg.vecdot(xs[0], 3),
    'addmm_alpha_str': lambda xs, e: torch.addmm(*xs, alpha='x'),
    'einsum_int_equation': lambda xs, e: torch.einsum(3, *xs),
    'einsum_int_operand': lambda xs, e: torch.einsum(eq_of(e), [xs[0], 3]),
}

# The 1.13 op each 2.x port stands for, to check the values agree.
REFERENCE_113 = {
    'matmul': torch.matmul, 'matmul_method': torch.matmul, 'linalg_matmul': torch.matmul,
    'mv': torch.mv, 'mm': torch.mm,
    'addmm': lambda i, a, b, e: torch.addmm(i, a, b, beta=e.get('beta', 1), alpha=e.get('alpha', 1)),
    'addmv': lambda i, a, b, e: torch.addmv(i, a, b, beta=e.get('beta', 1), alpha=e.get('alpha', 1)),
    'baddbmm': lambda i, a, b, e: torch.baddbmm(i, a, b, beta=e.get('beta', 1), alpha=e.get('alpha', 1)),
}
SCALED = ('addmm', 'addmv', 'baddbmm')


def check_port(key, xs, e):
    """The value of a 2.x port equals 1.13's op wherever 2.x gives one."""
    ref = REFERENCE_113.get(key)
    if ref is None:
        return
    xs = [x.detach() for x in laid(xs, e)]
    try:
        got = CALLS[key](xs, e)
    except (RuntimeError, IndexError):
        return
    want = ref(*xs, e) if key in SCALED else ref(*xs)
    assert got.dtype == want.dtype and got.shape == want.shape, (key, got.shape, want.shape)
    assert torch.allclose(got, want, equal_nan=True), key


CASES = []


def case(key, inputs, e=None, requires_grad=None, second_order=True):
    e = dict(e or {})
    check_port(key, inputs, e)
    c = make_case(key, lambda *xs: CALLS[key](laid(list(xs[:-1]), xs[-1]), xs[-1]), inputs, e,
                  requires_grad=requires_grad, second_order=second_order)
    if c.get('grad_fn') == 'SqueezeBackward3':
        c['grad_fn'] = 'SqueezeBackward4'  # 2.x numbering of squeeze_.dim (see the module docstring)
    CASES.append(c)


def operands(shapes, dtype, layouts=None):
    """Random inputs of `shapes` after layouts: the recorded tensors have the pre-layout shapes."""
    layouts = layouts or [CONTIG] * len(shapes)
    return [R(*recorded_shape(s, code), dtype=dtype) for s, code in zip(shapes, layouts)]


def ints(shape, dtype):
    """Integers over the dtype's whole range, so that products and sums wrap around. int64 results are
    kept below 2**53 (the harness reads tensors through tolist(), which rounds int64 beyond that); its
    wrap-around has crafted cases whose wrapped results are small."""
    if dtype == torch.int64:
        return torch.randint(-2 ** 20, 2 ** 20, shape, generator=GEN, dtype=torch.int64)
    info = torch.iinfo(dtype)
    return torch.randint(info.min, info.max + 1, shape, generator=GEN, dtype=torch.int64).to(dtype)


# ---- matmul ----

MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((4, 2, 3), (3,)), ((4, 2, 3), (3, 5)), ((2, 4, 2, 3), (3, 5)), ((2, 4, 2, 3), (3,)),
    ((3,), (4, 3, 5)), ((2, 3), (4, 3, 5)), ((2, 3), (2, 4, 3, 5)), ((3,), (2, 2, 3, 5)),
    ((4, 2, 3), (4, 3, 5)), ((1, 2, 3), (4, 3, 5)), ((4, 2, 3), (1, 3, 5)),
    ((2, 1, 2, 3), (3, 3, 5)), ((2, 1, 2, 3), (1, 4, 3, 5)), ((3, 1, 2, 3), (3,)), ((3,), (2, 1, 3, 4)),
    ((1, 3), (3, 1)), ((1, 3), (4, 3, 1)), ((2, 3), (4, 3, 1)), ((1, 3), (4, 3, 2)), ((1, 2, 3), (1, 3, 4)),
    ((5, 2, 3), (5, 3)),
]
EMPTY_SHAPES = [
    ((0,), (0,)), ((0, 3), (3,)), ((2, 0), (0,)), ((2, 0), (0, 3)), ((2, 3), (3, 0)), ((0, 3), (3, 4)),
    ((4, 2, 0), (0, 5)), ((3, 5, 0), (0, 0)), ((0, 2, 3), (3, 4)), ((2, 0, 3), (2, 3, 4)), ((2, 3), (0, 3, 4)),
    ((0,), (4, 0, 2)), ((2, 2, 0), (2, 0, 3)),
]
for dtype in FLOATS:
    for sa, sb in MATMUL_SHAPES + EMPTY_SHAPES:
        case('matmul', operands([sa, sb], dtype))
# Which operand requires grad steers should_fold and the 3-D batch-of-one squeeze.
GRAD_PATTERNS = [[True, False], [False, True], [False, False]]
for sa, sb in [((4, 2, 3), (3, 5)), ((4, 2, 3), (3,)), ((2, 3), (4, 3, 5)), ((3,), (4, 3, 5)), ((1, 3), (4, 3, 2)),
               ((1, 2, 3), (4, 3, 5)), ((4, 2, 3), (1, 3, 5)), ((2, 4, 2, 3), (3, 5)), ((2, 3), (4, 3, 1)),
               ((0, 2, 3), (3, 4)), ((2, 3), (3, 4)), ((3,), (3, 4))]:
    for rg in GRAD_PATTERNS:
        case('matmul', operands([sa, sb], torch.float64), requires_grad=rg)
# Non-contiguous operands: transposed matrices, strided rows, permuted batches, broadcast (stride 0).
LAYOUT_CASES = [
    ((2, 3), (3, 4), [MT, CONTIG]), ((2, 3), (3, 4), [CONTIG, MT]), ((2, 3), (3, 4), [MT, MT]),
    ((2, 3), (3, 4), [STEP, STEP]), ((3,), (3,), [STEP, STEP]), ((2, 3), (3,), [MT, STEP]), ((3,), (3, 4), [STEP, MT]),
    ((4, 2, 3), (3, 5), [SWAP01, CONTIG]), ((4, 2, 3), (3, 5), [MT, MT]), ((4, 2, 3), (3,), [SWAP01, STEP]),
    ((4, 2, 3), (4, 3, 5), [MT, MT]), ((4, 2, 3), (4, 3, 5), [SWAP01, SWAP01]), ((3, 2, 3), (3, 5), [EXPAND0, CONTIG]),
    ((3, 2, 3), (3, 3, 5), [EXPAND0, EXPAND0]), ((2, 3), (3, 3, 5), [MT, EXPAND0]), ((3,), (3, 3, 4), [CONTIG, SWAP01]),
    ((2, 4, 2, 3), (3, 5), [SWAP01, MT]), ((2, 3), (4, 3, 5), [CONTIG, SWAP01]),
]
for sa, sb, layout in LAYOUT_CASES:
    for rg in [[True, True], [False, True], [False, False]]:
        case('matmul', operands([sa, sb], torch.float64, layout), {'layout': layout}, requires_grad=rg)
    case('matmul', operands([sa, sb], torch.float32, layout), {'layout': layout})
for sa, sb in [((2, 3), (3, 4)), ((4, 2, 3), (3,)), ((3,), (3, 4)), ((3,), (3,))]:
    case('matmul_method', operands([sa, sb], torch.float32))
    case('linalg_matmul', operands([sa, sb], torch.float32))
# Integer products wrap around like C++ integer arithmetic.
for dtype in INTS:
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 2)),
                   ((2, 3), (2, 3, 2)), ((2, 2, 3), (2, 3, 2))]:
        case('matmul', [ints(sa, dtype), ints(sb, dtype)])
    case('matmul', [ints((3, 2), dtype), ints((4, 3), dtype)], {'layout': [MT, MT]})
for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((2, 2, 3), (2, 3, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 2))]:
    case('matmul', [R(*sa) > 0, R(*sb) > 0])
# Errors: 0-d operands, shapes that do not multiply along each path, mixed dtypes.
for sa, sb in [((), (3,)), ((2, 3), ()), ((), ()), ((3,), (4,)), ((2, 3), (4,)), ((3,), (4, 5)), ((2, 3), (4, 5)),
               ((2, 2, 3), (4, 5)), ((2, 2, 3), (4,)), ((2, 3), (2, 4, 5)), ((3,), (2, 4, 5)), ((2, 2, 3), (3, 3, 4)),
               ((2, 2, 3), (2, 4, 5)), ((1, 2, 3), (2, 4, 5)), ((2, 1, 2, 3), (3, 4, 5))]:
    for rg in [[True, True], [False, False]]:
        case('matmul', operands([sa, sb], torch.float32), requires_grad=rg)
for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)), ((2, 2, 3), (3,)),
               ((2, 3), (2, 3, 4)), ((2, 2, 3), (2, 3, 4))]:
    case('matmul', [R(*sa), R(*sb, dtype=torch.float64)], requires_grad=[False, False])
    case('matmul', [R(*sa, dtype=torch.float64), R(*sb)])
case('matmul', [R(2, 3).to(torch.int32), R(3, 4).to(torch.int64)])
case('matmul', [R(2, 3), R(3, 4).to(torch.int64)])

# ---- dot, vdot, mv, mm, bmm, outer ----

for dtype in FLOATS:
    for n in [1, 4, 0]:
        case('dot', operands([(n,), (n,)], dtype))
        case('vdot', operands([(n,), (n,)], dtype))
    case('dot', operands([(4,), (4,)], dtype, [STEP, STEP]), {'layout': [STEP, STEP]})
    for sa in [(2, 3), (1, 4), (3, 1), (0, 3), (3, 0)]:
        case('mv', operands([sa, sa[1:]], dtype))
    case('mv', operands([(2, 3), (3,)], dtype, [MT, STEP]), {'layout': [MT, STEP]})
    for sa, sb in [((2, 3), (3, 4)), ((1, 1), (1, 1)), ((4, 1), (1, 3)), ((0, 2), (2, 3)), ((2, 0), (0, 3)), ((2, 3), (3, 0))]:
        case('mm', operands([sa, sb], dtype))
    for layout in [[MT, CONTIG], [CONTIG, MT], [MT, MT], [STEP, MT]]:
        case('mm', operands([(3, 4), (4, 2)], dtype, layout), {'layout': layout})
    case('mm_method', operands([(2, 3), (3, 4)], dtype))
    for sa, sb in [((2, 2, 3), (2, 3, 4)), ((1, 3, 2), (1, 2, 1)), ((0, 2, 3), (0, 3, 4)), ((2, 2, 0), (2, 0, 3)),
                   ((2, 0, 3), (2, 3, 4))]:
        case('bmm', operands([sa, sb], dtype))
    for layout in [[MT, MT], [SWAP01, MT], [EXPAND0, EXPAND0], [STEP, SWAP01]]:
        case('bmm', operands([(3, 2, 3), (3, 3, 2)], dtype, layout), {'layout': layout})
    for sa, sb in [((3,), (4,)), ((1,), (2,)), ((0,), (3,))]:
        case('outer', operands([sa, sb], dtype))
    case('outer', operands([(3,), (2,)], dtype, [STEP, STEP]), {'layout': [STEP, STEP]})
case('outer', [R(3), R(2, dtype=torch.float64)])
case('outer', [R(3).to(torch.int64), R(2)])
for dtype in INTS:
    case('dot', [ints((5,), dtype), ints((5,), dtype)])
    case('mv', [ints((3, 4), dtype), ints((4,), dtype)])
    case('mm', [ints((3, 4), dtype), ints((4, 2), dtype)])
    case('mm', [ints((4, 3), dtype), ints((2, 4), dtype)], {'layout': [MT, MT]})
    case('bmm', [ints((2, 3, 4), dtype), ints((2, 4, 2), dtype)])
    case('outer', [ints((3,), dtype), ints((2,), dtype)])
# int64 products that wrap around modulo 2**64 to small values.
BIG = [[2 ** 62, 3], [-2 ** 62, 2]]
case('mm', [torch.tensor(BIG), torch.tensor([[4, 8], [5, -2]])])
case('dot', [torch.tensor([2 ** 62, 2 ** 63 - 1, 7]), torch.tensor([8, 2, 1])])
case('bmm', [torch.tensor([BIG]), torch.tensor([[[4, 8], [5, -2]]])])
case('addmm', [torch.tensor([[2 ** 62, 1], [1, 1]]), torch.tensor(BIG), torch.tensor([[4, 8], [5, -2]])], {'beta': 4.5})
BOOL2 = [R(2, 3) > 0, R(3, 2) > 0]
case('dot', [R(3) > 0, R(3) > 0])
case('dot', [R(0) > 0, R(0) > 0])
case('mv', [R(2, 3) > 0, R(3) > 0])
case('mv', [R(0, 3) > 0, R(3) > 0])
case('mm', BOOL2)
case('mm', [R(0, 3) > 0, R(3, 2) > 0])
case('mm', [R(2, 0) > 0, R(0, 2) > 0])
case('bmm', [R(2, 2, 3) > 0, R(2, 3, 2) > 0])
case('bmm', [R(2, 2, 0) > 0, R(2, 0, 2) > 0])
# Errors.
for key, shapes in [('dot', [(2, 3), (4,)]), ('dot', [(3,), (4,)]), ('dot', [(), (1,)]),
                    ('mv', [(3,), (3,)]), ('mv', [(2, 3), (3, 1)]), ('mv', [(2, 3), (4,)]), ('mv', [(), (3,)]),
                    ('mv', [(2, 2, 3), (3,)]),
                    ('mm', [(3,), (3, 3)]), ('mm', [(3, 3), (3,)]), ('mm', [(2, 3, 3), (3, 3)]), ('mm', [(2, 3), (4, 5)]),
                    ('bmm', [(3, 3), (3, 3, 3)]), ('bmm', [(3, 3, 3), (3, 3)]), ('bmm', [(3, 2, 3), (2, 3, 3)]),
                    ('bmm', [(3, 2, 3), (3, 4, 3)]), ('outer', [(2, 2), (3,)]), ('outer', [(2,), (3, 1)]),
                    ('vdot', [(2,), (3,)])]:
    case(key, operands(shapes, torch.float32))
for key, shapes in [('dot', [(3,), (3,)]), ('vdot', [(3,), (3,)]), ('mv', [(2, 3), (3,)]), ('mm', [(2, 3), (3, 4)]),
                    ('bmm', [(2, 2, 3), (2, 3, 4)]), ('bmm', [(2, 2, 0), (2, 0, 4)]), ('bmm', [(0, 2, 3), (0, 3, 4)])]:
    case(key, [R(*shapes[0]), R(*shapes[1], dtype=torch.float64)], requires_grad=[False, False])
    case(key, [R(*shapes[0], dtype=torch.float64), R(*shapes[1])], requires_grad=[False, False])
case('bmm', [R(2, 2, 3) > 0, R(2, 3, 4)])
case('bmm', [R(2, 2, 3), R(2, 3, 4) > 0])
case('mv', [R(2, 3).to(torch.int64), R(3).to(torch.int32)])

# ---- addmm, addmv, baddbmm (and in-place) ----

SCALES = [{}, {'beta': 0.5, 'alpha': -1.5}, {'beta': 0, 'alpha': 2.5}, {'beta': -0.25, 'alpha': 0}]
for dtype in FLOATS:
    for inp in [(2, 4), (4,), (1, 4), (2, 1), ()]:
        for sc in SCALES:
            case('addmm', operands([inp, (2, 3), (3, 4)], dtype), sc)
    for inp in [(3,), (1,), ()]:
        for sc in SCALES:
            case('addmv', operands([inp, (3, 2), (2,)], dtype), sc)
    for inp in [(2, 2, 4), (4,), (2, 1, 4), (1, 2, 1), ()]:
        for sc in SCALES:
            case('baddbmm', operands([inp, (2, 2, 3), (2, 3, 4)], dtype), sc)
    # k = 0 and empty results.
    for sc in SCALES[:2]:
        case('addmm', operands([(2, 4), (2, 0), (0, 4)], dtype), sc)
        case('addmv', operands([(3,), (3, 0), (0,)], dtype), sc)
        case('baddbmm', operands([(2, 2, 4), (2, 2, 0), (2, 0, 4)], dtype), sc)
    case('addmm', operands([(0, 4), (0, 3), (3, 4)], dtype))
    case('baddbmm', operands([(0, 2, 4), (0, 2, 3), (0, 3, 4)], dtype))
    case('addmm', operands([(2, 4), (2, 3), (3, 4)], dtype, [MT, MT, MT]), {'layout': [MT, MT, MT], 'beta': 0.5})
    case('baddbmm', operands([(2, 2, 4), (2, 2, 3), (2, 3, 4)], dtype, [SWAP01, MT, MT]), {'layout': [SWAP01, MT, MT]})
    case('addmv', operands([(2,), (2, 3), (3,)], dtype, [STEP, MT, STEP]), {'layout': [STEP, MT, STEP]})
    case('addmm_', operands([(2, 4), (2, 3), (3, 4)], dtype), {'beta': 0.5, 'alpha': 1.5})
    case('addmv_', operands([(3,), (3, 2), (2,)], dtype), {'beta': -1.5})
    case('baddbmm_', operands([(2, 2, 4), (2, 2, 3), (2, 3, 4)], dtype), {'alpha': 0.5})
# beta = 0 ignores nan and inf in the input.
case('addmm', [torch.full((2, 2), NAN), R(2, 3), R(3, 2)], {'beta': 0})
case('addmv', [torch.full((2,), NAN), R(2, 3), R(3)], {'beta': 0})
case('baddbmm', [torch.full((1, 2, 2), NAN), R(1, 2, 3), R(1, 3, 2)], {'beta': 0})
case('addmm_', [R(2, 2), R(2, 3), R(3, 2)], {'beta': 0, 'alpha': 0.5})
for dtype in INTS:
    case('addmm', [ints((2, 2), dtype), ints((2, 3), dtype), ints((3, 2), dtype)])
    case('addmm', [ints((2,), dtype), ints((2, 3), dtype), ints((3, 2), dtype)], {'beta': 2.5, 'alpha': -1.5})
    case('addmv', [ints((2,), dtype), ints((2, 3), dtype), ints((3,), dtype)], {'beta': 0.5, 'alpha': 1.5})
    case('baddbmm', [ints((2, 2, 2), dtype), ints((2, 2, 3), dtype), ints((2, 3, 2), dtype)], {'alpha': 3.5})
case('addmm', [R(2, 2) > 0, R(2, 3) > 0, R(3, 2) > 0])
case('addmm', [R(2, 2) > 0, R(2, 0) > 0, R(0, 2) > 0], {'beta': 0.5})
case('addmv', [R(2) > 0, R(2, 3) > 0, R(3) > 0])
case('baddbmm', [R(1, 2, 2) > 0, R(1, 2, 3) > 0, R(1, 3, 2) > 0])
# Errors.
for key, shapes in [('addmm', [(3, 3), (2, 3), (3, 4)]), ('addmm', [(2, 4, 1), (2, 3), (3, 4)]),
                    ('addmm', [(4,), (3,), (3, 4)]), ('addmm', [(4,), (2, 3), (3,)]), ('addmm', [(4,), (2, 3), (4, 4)]),
                    ('addmv', [(3,), (2, 3), (3,)]), ('addmv', [(2, 2), (2, 3), (3,)]), ('addmv', [(2,), (2, 3), (4,)]),
                    ('addmv', [(), (2, 3), (4,)]), ('addmv', [(2,), (3,), (3,)]),
                    ('baddbmm', [(4,), (2, 2, 3), (2, 3)]), ('baddbmm', [(4,), (2,), (2, 3, 4)]), ('baddbmm', [(4,), (), (2, 3, 4)]),
                    ('baddbmm', [(3, 4), (2, 2, 3), (2, 3, 4)]), ('baddbmm', [(2, 2, 4), (2, 2, 3), (2, 4, 4)]),
                    ('baddbmm', [(2, 2, 4), (2, 2, 3), (3, 3, 4)]), ('baddbmm', [(1, 2, 2, 4), (1, 2, 2, 3), (2, 3, 4)]),
                    ('addmm_', [(4,), (2, 3), (3, 4)])]:
    case(key, operands(shapes, torch.float32), requires_grad=[False] * 3)
for key, shapes in [('addmm', [(2, 4), (2, 3), (3, 4)]), ('addmv', [(2,), (2, 3), (3,)]), ('baddbmm', [(2, 2, 4), (2, 2, 3), (2, 3, 4)])]:
    for k in range(3):
        xs = [R(*s, dtype=torch.float64 if i == k else torch.float32) for i, s in enumerate(shapes)]
        case(key, xs, requires_grad=[False] * 3)
case('baddbmm', [R(2, 2, 0), R(2, 2, 0), R(2, 0, 0, dtype=torch.float64)], requires_grad=[False] * 3)
case('baddbmm', [R(2, 2, 2) > 0, R(2, 2, 3) > 0, R(2, 3, 2) > 0], {'beta': 0})

# ---- linalg.vecdot ----

for dtype in FLOATS:
    case('vecdot', operands([(2, 3), (2, 3)], dtype))
    case('vecdot', operands([(2, 3), (3,)], dtype))
    case('vecdot', operands([(2, 3), (2, 3)], dtype), {'dim': 0})
    case('vecdot', operands([(2, 1, 3), (4, 3)], dtype), {'dim': -1})
case('vecdot', [R(2, 3).to(torch.int64), R(2, 3).to(torch.int64)])
case('vecdot', [R(2, 3), R(2, 3, dtype=torch.float64)])
case('vecdot', [R(2, 3), R(3, 3)])

# ---- einsum ----

EINSUMS = [
    ('ij,jk->ik', [(2, 3), (3, 4)]), ('ij,jk', [(2, 3), (3, 4)]), ('ij->ji', [(2, 3)]), ('ba', [(2, 3)]),
    ('ij', [(2, 3)]), ('ii->i', [(3, 3)]), ('ii', [(3, 3)]), ('ii->', [(3, 3)]), ('ij->', [(2, 3)]), ('ij->j', [(2, 3)]),
    ('i,i->', [(3,), (3,)]), ('i,i', [(3,), (3,)]), ('i,i->i', [(3,), (3,)]), ('i,j->ij', [(3,), (2,)]), ('i,j', [(3,), (2,)]),
    ('bij,bjk->bik', [(2, 2, 3), (2, 3, 4)]), ('bij,bkj->bik', [(2, 2, 3), (2, 4, 3)]), ('bij,bjk->', [(2, 2, 3), (2, 3, 4)]),
    ('...ij,...jk->...ik', [(2, 1, 2, 3), (4, 3, 2)]), ('...ij->...ji', [(2, 2, 3)]), ('i...->...', [(2, 3, 4)]),
    ('...->...', [(2, 3)]), ('...', [(2, 3)]), ('i...j,j...->i...', [(2, 3, 4), (4, 3)]), ('...ii->...i', [(2, 3, 3)]),
    ('ijk,ikl,ilm->ijm', [(2, 2, 3), (2, 3, 2), (2, 2, 2)]), ('ab,bc,cd,de->ae', [(2, 3), (3, 2), (2, 4), (4, 2)]),
    ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]), ('iij->j', [(3, 3, 2)]), ('iji->j', [(3, 2, 3)]), ('jii->ij', [(2, 3, 3)]),
    ('ijj,jk->ik', [(2, 3, 3), (3, 4)]), ('i,i,i->i', [(3,), (3,), (3,)]), ('i,i,i->', [(3,), (3,), (3,)]),
    ('ij,ij->ij', [(2, 3), (2, 3)]), ('ij,ij->', [(2, 3), (2, 3)]), ('ij,ij->i', [(2, 3), (2, 3)]),
    ('b i d, b j d -> b i j', [(2, 3, 4), (2, 2, 4)]), ('Ab,bC->AC', [(2, 3), (3, 4)]), ('Ab,bC', [(2, 3), (3, 4)]),
    ('ij,j', [(2, 3), (3,)]), (',->', [(), ()]), (',', [(), ()]), ('i,->i', [(3,), ()]), ('->', [()]),
    ('ij,kl->ijkl', [(2, 2), (2, 3)]), ('ij,kl->', [(2, 2), (2, 3)]), ('bn,anm,bm->ba', [(2, 3), (4, 3, 2), (2, 2)]),
    ('ij,jk->ik', [(2, 1), (3, 4)]), ('ij,jk->ik', [(2, 3), (1, 4)]), ('ij,jk->ik', [(2, 0), (0, 4)]),
    ('ij,jk->ik', [(0, 3), (3, 4)]), ('ijk,jk->i', [(2, 3, 4), (3, 4)]), ('i,j,k->ijk', [(2,), (3,), (2,)]),
    ('ki,kj->ij', [(4, 2), (4, 3)]), ('bhqd,bhkd->bhqk', [(1, 2, 3, 4), (1, 2, 2, 4)]), ('i->', [(4,)]),
    ('ij,jk,ki->', [(2, 3), (3, 4), (4, 2)]), ('...i,...i->...', [(2, 3), (3,)]), ('a...,...b->...ab', [(2, 3), (3, 4)]),
]
for dtype in FLOATS:
    for eq, shapes in EINSUMS:
        case('einsum', operands(shapes, dtype), {'eq': eq_codes(eq)})
for eq, shapes, layout in [('ij,jk->ik', [(2, 3), (3, 4)], [MT, MT]), ('ii->i', [(3, 3)], [MT]),
                           ('bij,bjk->bik', [(3, 2, 3), (3, 3, 4)], [SWAP01, EXPAND0]), ('i,i->', [(3,), (3,)], [STEP, STEP])]:
    case('einsum', operands(shapes, torch.float64, layout), {'eq': eq_codes(eq), 'layout': layout})
for eq, shapes in [('ij,jk->ik', [(2, 3), (3, 4)]), ('i,i->', [(3,), (3,)]), ('ij,jk', [(2, 3), (3, 4)])]:
    case('einsum_list', operands(shapes, torch.float32), {'eq': eq_codes(eq)})
for dtype in [torch.int64, torch.int32]:
    for eq, shapes in [('ij,jk->ik', [(2, 3), (3, 4)]), ('ii->i', [(3, 3)]), ('ij->', [(2, 3)]), ('i,j->ij', [(3,), (2,)])]:
        case('einsum', [ints(s, dtype) for s in shapes], {'eq': eq_codes(eq)})
EINSUM_ERRORS = [
    ('ij,jk', [(3, 3)]), ('ij', [(3, 3), (3, 4)]), ('i.j', [(3, 3)]), ('...i...', [(3, 3)]), ('i$', [(3,)]),
    ('ij->i$', [(3, 3)]), ('i->i...', [(3,)]), ('i->...i...', [(3,)]), ('i->j', [(3,)]), ('i->ii', [(3,)]),
    ('ijk', [(3, 3)]), ('i', [(3, 3)]), ('...ijk', [(3, 3)]), ('ij,jk', [(3, 3), (4, 4)]), ('ii', [(3, 4)]),
    ('...i,...i', [(2, 3), (3, 3)]), ('i,i', [(3,), (4,)]), ('bij,bjk->bik', [(2, 3, 4), (3, 4, 5)]),
    ('i..', [(3,)]), ('i->.', [(3,)]), ('ij->i..', [(3, 3)]),
]
for eq, shapes in EINSUM_ERRORS:
    case('einsum', operands(shapes, torch.float32), {'eq': eq_codes(eq)})
case('einsum', [R(2, 3), R(3, 4, dtype=torch.float64)], {'eq': eq_codes('ij,jk->ik')})
case('einsum', [R(3), R(3, dtype=torch.float64)], {'eq': eq_codes('i,i->i')})
case('einsum', [R(2, 3) > 0, R(3, 4) > 0], {'eq': eq_codes('ij,jk->ik')})
case('einsum_list', [], {'eq': eq_codes('i')})
case('einsum_no_operands', [], {'eq': eq_codes('i')})
case('einsum_int_operand', [R(3)], {'eq': eq_codes('i,i')})
case('einsum_int_equation', [R(3)])

# ---- argument errors ----

for key, shapes in [('mm_int_arg', [(2, 3)]), ('mm_method_int_arg', [(2, 3)]), ('bmm_int_arg', [(2, 2, 3)]),
                    ('mv_int_arg', [(2, 3)]), ('dot_int_arg', [(3,)]), ('vdot_int_arg', [(3,)]),
                    ('matmul_int_arg', [(2, 3)]), ('matmul_int_first', [(2, 3)]), ('linalg_matmul_int_arg', [(2, 3)]),
                    ('outer_int_arg', [(3,)]), ('addmm_int_arg', [(2, 2), (2, 3)]), ('baddbmm_int_arg', [(2, 2, 2), (2, 2, 3)]),
                    ('vecdot_int_arg', [(3,)]), ('addmm_alpha_str', [(2, 2), (2, 3), (3, 2)])]:
    case(key, operands(shapes, torch.float32))

write_fixture('linalg', CASES)
