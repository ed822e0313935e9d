"""Fixtures for torch.nn.functional's activations, losses and normalisation layers, and for their modules:
test/golden/activation.json, loss.json, normalization.json (op cases replayed by test/ops/activation.test.ts,
loss.test.ts, normalization.test.ts through test/ops/harness.ts) and nn_layers.json (test/nn/layers.test.ts).

Every op case names a call in CALLS; the TypeScript tests have a call under the same key. A call takes
(xs, e): xs are the case's tensors, e the extra arguments. Strings cannot go in `extra` (the harness reads
strings as numbers), so string arguments are codes: e['r'] indexes REDUCTIONS, e['tanh'] selects gelu's tanh
approximation. Optional tensors follow the required ones in the order of OPTIONAL, each present when
e[name] is set (w: weight, b: bias, pw: pos_weight, rm/rv: running mean/var).

PyTorch 2.x behaviour recorded where the installed 1.13 differs:
  * F.smooth_l1_loss with beta=0 is F.l1_loss (grad_fn AbsBackward0/MeanBackward0/SumBackward0).
  * F.binary_cross_entropy checks the target too: `all elements of target should be between 0 and 1`.
  * F.group_norm rejects inputs with fewer than 2 dims before anything else.
  * nn.Softplus's defaults are floats (`Softplus(beta=1.0, threshold=20.0)`).

Run with Debian's python: /usr/bin/python3 tools/golden/gen_nn_functional.py
"""
import math
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

import opcases
from common import encode_tensor, write_fixture
from opcases import make_case, rand

# Some double backwards return ATen's "efficient zero tensors", which have no storage to read.
_encode_tensor = opcases.encode_tensor
opcases.encode_tensor = lambda t: _encode_tensor(torch.zeros(t.shape, dtype=t.dtype) if t._is_zerotensor() else t)

GEN = torch.Generator().manual_seed(20240701)
NAN, INF = math.nan, math.inf
FLOATS = [torch.float32, torch.float64]
REDUCTIONS = ['none', 'mean', 'sum', 'batchmean', 'elementwise']
NONE, MEAN, SUM, BATCHMEAN, INVALID = 0, 1, 2, 3, 4
OPTIONAL = ['rm', 'rv', 'w', 'b', 'pw']


def R(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


def T(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype)


def classes(*shape, n, dtype=torch.int64):
    return torch.randint(0, n, shape, generator=GEN, dtype=dtype)


def kw(e, **names):
    """Keyword arguments from e: {python_name: e_key}."""
    return {py: e[k] for py, k in names.items() if k in e}


def optional(xs, e, first):
    """The optional tensors after xs[:first], by name (None where absent)."""
    out, i = {}, first
    for name in OPTIONAL:
        if e.get(name):
            out[name] = xs[i]
            i += 1
        else:
            out[name] = None
    return out


def red(e):
    return REDUCTIONS[e.get('r', MEAN)]


# ---- PyTorch 2.x wrappers (see the module docstring) ----

def smooth_l1_2x(x, t, reduction, beta):
    if beta == 0.0:
        return F.l1_loss(x, t, reduction=reduction)
    return F.smooth_l1_loss(x, t, reduction=reduction, beta=beta)


def bce_2x(x, t, weight, reduction):
    if x.shape == t.shape:
        for a, b in zip(x.detach().reshape(-1).tolist(), t.detach().reshape(-1).tolist()):
            if not (0 <= a <= 1):
                break
            if not (0 <= b <= 1):
                raise RuntimeError('all elements of target should be between 0 and 1')
    return F.binary_cross_entropy(x, t, weight=weight, reduction=reduction)


def group_norm_2x(x, groups, weight, bias, eps):
    if x.dim() < 2:
        raise RuntimeError(f'Expected at least 2 dimensions for input tensor but received {x.dim()}')
    return F.group_norm(x, groups, weight, bias, eps)


def batch_norm_call(xs, e):
    o = optional(xs, e, 1)
    out = F.batch_norm(xs[0], o['rm'], o['rv'], o['w'], o['b'], **kw(e, training='training', momentum='momentum', eps='eps'))
    stats = [t for t in (o['rm'], o['rv']) if t is not None]
    return tuple([out] + stats) if stats else out


def inplace_arg(xs, e):
    """The input, cloned when the call runs in place (a leaf that requires grad cannot change in place)."""
    return (xs[0].clone(), [True]) if e.get('inplace') else (xs[0], [])


def act_call(fn, *names):
    """fn(x, *[e[n] for n in names], inplace) with the arguments given positionally, as F.* takes them."""
    def call(xs, e):
        x, inplace = inplace_arg(xs, e)
        args = [e[n] for n in names if n in e]
        if inplace and len(args) < len(names):
            raise ValueError('in-place cases give every positional argument')
        return fn(x, *args, *inplace)
    return call


ACTIVATION_CALLS = {
    'leaky_relu': act_call(F.leaky_relu, 'slope'),
    'elu': act_call(F.elu, 'alpha'),
    'selu': act_call(F.selu),
    'celu': act_call(F.celu, 'alpha'),
    'gelu': lambda xs, e: F.gelu(xs[0], approximate='tanh' if e.get('tanh') else 'none'),
    'silu': act_call(F.silu),
    'mish': act_call(F.mish),
    'softplus': lambda xs, e: F.softplus(xs[0], **kw(e, beta='beta', threshold='threshold')),
    'logsigmoid': lambda xs, e: F.logsigmoid(xs[0]),
    'hardtanh': act_call(F.hardtanh, 'min', 'max'),
    'relu6': act_call(F.relu6),
}

LOSS_CALLS = {
    'mse': lambda xs, e: F.mse_loss(xs[0], xs[1], reduction=red(e)),
    'l1': lambda xs, e: F.l1_loss(xs[0], xs[1], reduction=red(e)),
    'smooth_l1': lambda xs, e: smooth_l1_2x(xs[0], xs[1], red(e), e.get('beta', 1.0)),
    'huber': lambda xs, e: F.huber_loss(xs[0], xs[1], reduction=red(e), delta=e.get('delta', 1.0)),
    'bce': lambda xs, e: bce_2x(xs[0], xs[1], optional(xs, e, 2)['w'], red(e)),
    'bce_logits': lambda xs, e: F.binary_cross_entropy_with_logits(
        xs[0], xs[1], weight=optional(xs, e, 2)['w'], pos_weight=optional(xs, e, 2)['pw'], reduction=red(e)),
    'nll': lambda xs, e: F.nll_loss(xs[0], xs[1], weight=optional(xs, e, 2)['w'], reduction=red(e), **kw(e, ignore_index='ignore')),
    'ce': lambda xs, e: F.cross_entropy(xs[0], xs[1], weight=optional(xs, e, 2)['w'], reduction=red(e),
                                        **kw(e, ignore_index='ignore', label_smoothing='smoothing')),
    'kl': lambda xs, e: F.kl_div(xs[0], xs[1], reduction=red(e), log_target=e.get('log', False)),
    'cosine_embedding': lambda xs, e: F.cosine_embedding_loss(xs[0], xs[1], xs[2], reduction=red(e), **kw(e, margin='margin')),
}

NORM_CALLS = {
    'batch_norm': batch_norm_call,
    'layer_norm': lambda xs, e: F.layer_norm(xs[0], e['shape'], optional(xs, e, 1)['w'], optional(xs, e, 1)['b'], **kw(e, eps='eps')),
    'group_norm': lambda xs, e: group_norm_2x(xs[0], e['groups'], optional(xs, e, 1)['w'], optional(xs, e, 1)['b'], e.get('eps', 1e-5)),
}


def collector(calls):
    cases = []

    def case(key, inputs, e=None, requires_grad=None, second_order=True):
        e = dict(e or {})
        fn = lambda *args: calls[key](list(args[:-1]), args[-1])
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            cases.append(make_case(key, fn, inputs, e, requires_grad=requires_grad, second_order=second_order))
    return cases, case


# ======================================================================================= activations
ACT, act = collector(ACTIVATION_CALLS)
SPECIAL = T([0.0, -0.0, 1e-8, -1e-8, 30.0, -30.0, 100.0, -100.0, 1000.0, -1000.0, INF, -INF, NAN])
for dtype in FLOATS:
    x = R(3, 4, dtype=dtype, low=-3, high=3)
    act('leaky_relu', [x])
    act('leaky_relu', [x], {'slope': 0.2})
    act('leaky_relu', [x], {'slope': -1.5})
    act('elu', [x])
    act('elu', [x], {'alpha': 0.5})
    act('selu', [x])
    act('celu', [x], {'alpha': 2.0})
    act('gelu', [x])
    act('gelu', [x], {'tanh': True})
    act('silu', [x])
    act('mish', [x])
    act('softplus', [x])
    act('softplus', [x], {'beta': 2.0, 'threshold': 3.0})
    act('softplus', [x], {'beta': 0.5})
    act('logsigmoid', [x])
    act('hardtanh', [x])
    act('hardtanh', [x], {'min': -0.5, 'max': 2.0})
    act('relu6', [R(3, 4, dtype=dtype, low=-2, high=8)])
    for key in ACTIVATION_CALLS:
        act(key, [SPECIAL.to(dtype)])  # forward at zeros, large logits, infinities and nan
for key in ['leaky_relu', 'elu', 'hardtanh', 'relu6']:
    act(key, [T([-1.0, 0.0, 1.0, -6.0, 6.0, 0.5], torch.float64)])  # kinks: PyTorch's subgradients
for key in ACTIVATION_CALLS:
    act(key, [R(), ])
    act(key, [R(0, 3)])
    act(key, [R(2, 3, 2, dtype=torch.float64)])
    act(key, [T([-2, 0, 3, 7], torch.int64)])
for key, e in [('leaky_relu', {'slope': 0.2}), ('elu', {'alpha': 0.7}), ('selu', {}), ('celu', {'alpha': 1.5}), ('silu', {}),
               ('mish', {}), ('hardtanh', {'min': -0.5, 'max': 1.5}), ('relu6', {})]:
    for dtype in FLOATS:
        act(key, [R(2, 3, dtype=dtype, low=-3, high=3)], dict(e, inplace=True))
act('hardtanh', [T([-3, 0, 2], torch.int32)], {'min': -1.5, 'max': 1.5})
act('hardtanh', [T([True, False], torch.bool)])
act('hardtanh', [T([-3.0, 0.0, 2.0])], {'min': 1.0, 'max': -1.0})

# ============================================================================================ losses
LOSS, loss = collector(LOSS_CALLS)
GEN.manual_seed(20240702)  # each fixture draws from its own seed: adding cases to one leaves the others
for dtype in FLOATS:
    for r in [NONE, MEAN, SUM]:
        x, t = R(3, 4, dtype=dtype), R(3, 4, dtype=dtype)
        loss('mse', [x, t], {'r': r})
        loss('l1', [x, t], {'r': r})
        loss('smooth_l1', [x, t], {'r': r})
        loss('smooth_l1', [x, t], {'r': r, 'beta': 0.5})
        loss('smooth_l1', [x, t], {'r': r, 'beta': 0.0})
        loss('huber', [x, t], {'r': r})
        loss('huber', [x, t], {'r': r, 'delta': 0.7})
        p, y = R(3, 4, dtype=dtype, low=0.05, high=0.95), R(3, 4, dtype=dtype, low=0, high=1)
        loss('bce', [p, y], {'r': r})
        loss('bce', [p, y, R(4, dtype=dtype, low=0.5, high=2)], {'r': r, 'w': 1}, requires_grad=[True, True, False])
        loss('bce_logits', [x, y], {'r': r})
        loss('bce_logits', [x, y, R(3, 1, dtype=dtype, low=0.5, high=2)], {'r': r, 'w': 1}, requires_grad=[True, True, False])
        loss('bce_logits', [x, y, R(4, dtype=dtype, low=0.5, high=3)], {'r': r, 'pw': 1}, requires_grad=[True, True, False])
        loss('bce_logits', [x, y, R(4, dtype=dtype, low=0.5, high=2), R(4, dtype=dtype, low=0.5, high=3)],
             {'r': r, 'w': 1, 'pw': 1}, requires_grad=[True, True, False, False])
        logits, target = R(4, 5, dtype=dtype, low=-3, high=3), classes(4, n=5)
        w = R(5, dtype=dtype, low=0.2, high=2)
        loss('nll', [logits, target], {'r': r})
        loss('nll', [logits, target, w], {'r': r, 'w': 1}, requires_grad=[True, False, False])
        loss('nll', [logits, T([1, 3, 1, 0], torch.int64)], {'r': r, 'ignore': 1})
        loss('nll', [logits, T([1, 3, 1, 0], torch.int64), w], {'r': r, 'ignore': 1, 'w': 1}, requires_grad=[True, False, False])
        loss('nll', [R(5, dtype=dtype), T(2, torch.int64)], {'r': r})
        loss('nll', [R(2, 3, 4, dtype=dtype), classes(2, 4, n=3)], {'r': r})
        loss('nll', [R(2, 3, 2, 2, dtype=dtype), classes(2, 2, 2, n=3)], {'r': r})
        loss('nll', [R(2, 3, 2, 2, dtype=dtype), classes(2, 2, 2, n=3), w[:3]], {'r': r, 'w': 1}, requires_grad=[True, False, False])
        loss('nll', [R(2, 3, 2, 1, 2, dtype=dtype), classes(2, 2, 1, 2, n=3)], {'r': r})
        loss('ce', [logits, target], {'r': r})
        loss('ce', [logits, target, w], {'r': r, 'w': 1}, requires_grad=[True, False, False])
        loss('ce', [logits, T([4, -100, 2, 2], torch.int64)], {'r': r})
        loss('ce', [logits, T([4, 0, 2, 0], torch.int64), w], {'r': r, 'ignore': 0, 'w': 1}, requires_grad=[True, False, False])
        loss('ce', [logits, target], {'r': r, 'smoothing': 0.1})
        loss('ce', [logits, T([4, 0, 2, 0], torch.int64), w], {'r': r, 'smoothing': 0.25, 'ignore': 0, 'w': 1},
             requires_grad=[True, False, False])
        loss('ce', [R(3, 4, 2, dtype=dtype), classes(3, 2, n=4)], {'r': r})
        loss('ce', [R(2, 3, 2, 2, dtype=dtype), classes(2, 2, 2, n=3)], {'r': r, 'smoothing': 0.2})
        loss('ce', [R(5, dtype=dtype), T(3, torch.int64)], {'r': r})
        probs = torch.softmax(R(4, 5, dtype=dtype), 1)
        loss('ce', [logits, probs], {'r': r})
        loss('ce', [logits, probs, w], {'r': r, 'w': 1}, requires_grad=[True, True, False])
        loss('ce', [logits, probs], {'r': r, 'smoothing': 0.3})
        loss('ce', [R(2, 3, 2, dtype=dtype), torch.softmax(R(2, 3, 2, dtype=dtype), 1)], {'r': r})
        q = R(3, 4, dtype=dtype, low=0.1, high=1)
        loss('kl', [torch.log_softmax(x, 1), q], {'r': r})
        loss('kl', [torch.log_softmax(x, 1), q.log()], {'r': r, 'log': True})
        a, b = R(4, 3, dtype=dtype), R(4, 3, dtype=dtype)
        loss('cosine_embedding', [a, b, T([1, -1, -1, 1], torch.int64)], {'r': r})
        loss('cosine_embedding', [a, b, T([1.0, -1.0, 1.0, -1.0], dtype)], {'r': r, 'margin': 0.2}, requires_grad=[True, True, False])
    loss('kl', [torch.log_softmax(R(3, 4, dtype=dtype), 1), R(3, 4, dtype=dtype, low=0.1, high=1)], {'r': BATCHMEAN})
    loss('kl', [R(3, 4, dtype=dtype), R(3, 4, dtype=dtype)], {'r': BATCHMEAN, 'log': True})
    loss('cosine_embedding', [R(3, dtype=dtype), R(3, dtype=dtype), T(-1, torch.int64)], {'margin': -0.5})

# Large logits: no overflow, no nan.
big = T([[1000.0, -1000.0, 0.0], [-500.0, 200.0, 800.0], [88.0, 89.0, 90.0]])
for r in [NONE, MEAN]:
    loss('ce', [big, T([0, 2, 1], torch.int64)], {'r': r})
    loss('ce', [big.double() * 10, T([1, 0, 2], torch.int64)], {'r': r, 'smoothing': 0.1})
    loss('ce', [big, torch.softmax(R(3, 3), 1)], {'r': r})
    loss('bce_logits', [big, R(3, 3, low=0, high=1)], {'r': r})
    loss('bce_logits', [big, R(3, 3, low=0, high=1), R(3, low=0.5, high=3)], {'r': r, 'pw': 1}, requires_grad=[True, True, False])
    loss('bce', [T([0.0, 1.0, 1e-30, 1.0 - 1e-7, 0.5]), T([0.0, 1.0, 1.0, 0.0, 0.5])], {'r': r}, requires_grad=[False, True])
    loss('bce', [T([0.0, 1.0, 0.3]), T([1.0, 0.0, 0.5])], {'r': r}, requires_grad=[False, False])
loss('mse', [R(3, 4), R(4)], {'r': MEAN})  # broadcast (warns)
loss('l1', [R(3, 1), R(3)], {'r': NONE})
loss('huber', [R(2, 1, dtype=torch.float64), R(3, dtype=torch.float64)], {'r': SUM})
loss('mse', [R(3, 4), R(3, 4, dtype=torch.float64)], {'r': MEAN}, requires_grad=[False, False])  # 1.13's backward fails
loss('mse', [R(0, 3), R(0, 3)], {'r': MEAN})
loss('mse', [R(0, 3), R(0, 3)], {'r': SUM})
loss('nll', [R(0, 3), classes(0, n=3)], {'r': MEAN})
loss('nll', [R(0, 3), classes(0, n=3)], {'r': SUM})
loss('nll', [R(3, 4), T([-100, -100, -100], torch.int64)], {'r': MEAN})
loss('ce', [R(3, 4), T([1, 0, 3], torch.uint8)], {'r': MEAN})
# errors
loss('mse', [R(3, 4), R(3, 5)], {'r': MEAN})
loss('mse', [T([1, 2], torch.int64), T([1, 2], torch.int64)], {'r': MEAN})
loss('mse', [R(3), R(3)], {'r': INVALID})
loss('smooth_l1', [R(3), R(3)], {'beta': -1.0})
loss('huber', [R(3), R(3)], {'delta': 0.0})
loss('bce', [R(3, 4, low=0, high=1), R(12, low=0, high=1)], {})
loss('bce', [T([0.5, 1.5]), T([0.0, 1.0])], {})
loss('bce', [T([0.5, 0.5]), T([0.0, 1.5])], {})
loss('bce', [T([1, 0], torch.int64), T([1, 0], torch.int64)], {})
loss('bce_logits', [R(3, 4), R(12)], {})
loss('bce_logits', [R(2, 3), R(2, 3), R(2)], {'pw': 1}, requires_grad=[True, True, False])
for key in ['nll', 'ce']:
    loss(key, [R(3, 4), classes(2, n=4)], {})
    loss(key, [R(3, 4), T([0, 5, 1], torch.int64)], {})
    loss(key, [R(3, 4), T([0, -1, 1], torch.int64)], {})
    loss(key, [R(3, 4), T([0, 1, 2], torch.int32)], {})
    loss(key, [R(3, 4), T([0.0, 1.0, 2.0])], {})
    loss(key, [R(3, 4), classes(3, 2, n=4)], {})
    loss(key, [R(3, 4), classes(3, n=4), R(3)], {'w': 1}, requires_grad=[True, False, False])
    loss(key, [R(2, 3, 4), classes(2, 5, n=3)], {})
    loss(key, [R(2, 3, 4, 5), classes(2, 4, 6, n=3)], {})
    loss(key, [R(2, 3, 4, 5), classes(2, 20, n=3)], {})
    loss(key, [R(3), T([1], torch.int64)], {})
    loss(key, [R(3, 4), classes(3, n=4)], {'r': INVALID})
loss('nll', [R(), T(0, torch.int64)], {})
loss('nll', [T([[1, 2], [3, 4]], torch.int64), T([0, 1], torch.int64)], {})
loss('ce', [R(3, 4), T([[1, 0, 0, 0]] * 3, torch.int64)], {})
loss('ce', [R(3, 4), torch.softmax(R(3, 4), 1)], {'ignore': 1})
loss('ce', [R(3, 4), classes(3, n=4)], {'smoothing': 1.5})
loss('ce', [R(3, 4), torch.softmax(R(3, 4), 1)], {'smoothing': 1.5})
loss('kl', [T([1, 2], torch.int64), T([1, 2], torch.int64)], {})
loss('kl', [R(3), R(3)], {'r': INVALID})
loss('cosine_embedding', [R(2, 3), R(2, 3), T([[1], [1]], torch.int64)], {})
loss('cosine_embedding', [R(2, 3), R(2, 3), T(1, torch.int64)], {})
loss('cosine_embedding', [R(3), R(3), T([1], torch.int64)], {})

# ===================================================================================== normalisation
NORM, norm = collector(NORM_CALLS)
GEN.manual_seed(20240703)


def bn_inputs(shape, dtype, stats=True, affine=True):
    c = shape[1]
    xs, e, rg = [R(*shape, dtype=dtype, low=-2, high=3)], {}, [True]
    if stats:
        xs += [R(c, dtype=dtype, low=-0.5, high=0.5), R(c, dtype=dtype, low=0.5, high=2)]
        e.update(rm=1, rv=1)
        rg += [False, False]
    if affine:
        xs += [R(c, dtype=dtype, low=0.5, high=2), R(c, dtype=dtype)]
        e.update(w=1, b=1)
        rg += [True, True]
    return xs, e, rg


for dtype in FLOATS:
    for shape in [[4, 3], [3, 2, 4], [2, 3, 2, 2]]:
        for training in [True, False]:
            for stats, affine in [(True, True), (True, False), (False, True)]:
                if not stats and not training:
                    continue
                xs, e, rg = bn_inputs(shape, dtype, stats, affine)
                norm('batch_norm', xs, dict(e, training=training), requires_grad=rg)
    xs, e, rg = bn_inputs([5, 2], dtype)
    norm('batch_norm', xs, dict(e, training=True, momentum=0.3, eps=1e-3), requires_grad=rg)
    norm('batch_norm', xs, dict(e, training=False, eps=0.5), requires_grad=rg)
    for shape, nshape in [([3, 4], [4]), ([2, 3, 4], [4]), ([2, 3, 4], [3, 4]), ([5], [5]), ([2, 2, 2, 3], [2, 2, 3])]:
        x = R(*shape, dtype=dtype, low=-2, high=3)
        w, b = R(*nshape, dtype=dtype, low=0.5, high=2), R(*nshape, dtype=dtype)
        norm('layer_norm', [x], {'shape': nshape})
        norm('layer_norm', [x, w, b], {'shape': nshape, 'w': 1, 'b': 1})
        norm('layer_norm', [x, w], {'shape': nshape, 'w': 1, 'eps': 0.1})
    for shape, groups in [([2, 4, 3], 2), ([2, 6, 2, 2], 3), ([3, 4], 2), ([2, 4, 3], 4), ([2, 4, 2], 1)]:
        x = R(*shape, dtype=dtype, low=-2, high=3)
        c = shape[1]
        w, b = R(c, dtype=dtype, low=0.5, high=2), R(c, dtype=dtype)
        # Second derivatives over groups of 3 cancel to float32 rounding noise (PyTorch's and tstorch's
        # differ there by ~1e-5): float64 only.
        so = dtype == torch.float64 or math.prod(shape) // (shape[0] * groups) > 3
        norm('group_norm', [x], {'groups': groups}, second_order=so)
        norm('group_norm', [x, w, b], {'groups': groups, 'w': 1, 'b': 1}, second_order=so)
        norm('group_norm', [x, w], {'groups': groups, 'w': 1, 'eps': 0.01}, second_order=so)
# large offsets: the statistics stay exact (float64: float32 results there depend on PyTorch's float accumulation)
norm('layer_norm', [R(2, 6, dtype=torch.float64) * 0.01 + 1000.0], {'shape': [6]})
norm('layer_norm', [R(2, 6) + 10.0], {'shape': [6]})
for dtype, offset in [(torch.float64, 500.0), (torch.float32, 20.0)]:
    xs, e, rg = bn_inputs([6, 2], dtype)
    xs[0] = xs[0] + offset
    # float32 second derivatives far from 0 are rounding noise at ~1e-5: float64 only.
    norm('batch_norm', xs, dict(e, training=True), requires_grad=rg, second_order=dtype == torch.float64)
# errors
norm('batch_norm', [R(1, 4)], {'training': True})
norm('batch_norm', [R(1, 3, 1, 1)], {'training': True})
norm('batch_norm', [R(3, 4)], {'training': False})
norm('batch_norm', [R(3, 4), R(3), R(4)], {'training': False, 'rm': 1, 'rv': 1}, requires_grad=[True, False, False])
norm('batch_norm', [R(3, 4), R(4), R(4), R(3)], {'training': True, 'rm': 1, 'rv': 1, 'w': 1}, requires_grad=[True, False, False, True])
norm('batch_norm', [R(4)], {'training': True})
norm('layer_norm', [R(3, 4)], {'shape': [3]})
norm('layer_norm', [R(4)], {'shape': [2, 4]})
norm('layer_norm', [R(3, 4), R(3)], {'shape': [4], 'w': 1})
norm('layer_norm', [R(3, 4), R(4), R(2, 2)], {'shape': [4], 'w': 1, 'b': 1})
norm('group_norm', [R(3, 4, 1)], {'groups': 3})
norm('group_norm', [R(4)], {'groups': 2})
norm('group_norm', [R(1, 2)], {'groups': 2})
norm('group_norm', [R(3, 4), R(3)], {'groups': 2, 'w': 1})

write_fixture('activation', ACT)
write_fixture('loss', LOSS)
write_fixture('normalization', NORM)

# =========================================================================================== modules
# Each script builds a module (LABELS: the expression the TypeScript test maps to a constructor), copies
# the recorded parameters into it, and runs steps: train or eval mode, inputs, the output, and after
# backward of (out * upstream).sum() the gradients of the parameters (zeroed before each step) and of
# the first input, and the buffers after the step. Also the repr and the state dict's keys.
GEN.manual_seed(20240704)


def module_script(label, module, steps, dtype=torch.float32, randomize=True):
    module = module.to(dtype)
    if randomize:
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(R(*p.shape, dtype=dtype, low=0.5, high=1.5))
    script = {
        'label': label,
        'dtype': encode_tensor(torch.zeros(0, dtype=dtype))['dtype'],
        'repr': REPR_2X.get(label, repr(module)),
        'state_keys': list(module.state_dict().keys()),
        'params': [[n, encode_tensor(p)] for n, p in module.named_parameters()],
        'steps': [],
    }
    for train, inputs in steps:
        module.train(train)
        module.zero_grad()
        ins = [t.clone().requires_grad_(i == 0 and t.dtype.is_floating_point) for i, t in enumerate(inputs)]
        # In-place layers cannot change a leaf that requires grad: they get `input * 1` (so does the test).
        args = [ins[0] * 1] + ins[1:] if getattr(module, 'inplace', False) else ins
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            out = module(*args)
        up = R(*out.shape, dtype=out.dtype)
        (out * up).sum().backward()
        script['steps'].append({
            'train': train,
            'inputs': [encode_tensor(t) for t in ins],
            'out': encode_tensor(out),
            'grad_fn': opcases._grad_fn_name(out, ins),
            'upstream': encode_tensor(up),
            'input_grad': None if ins[0].grad is None else encode_tensor(ins[0].grad),
            'param_grads': [[n, None if p.grad is None else encode_tensor(p.grad)] for n, p in module.named_parameters()],
            'buffers': [[n, encode_tensor(b)] for n, b in module.named_buffers()],
        })
    return script


# PyTorch 2.x's nn.Softplus defaults are floats (1.13 has the ints 1 and 20).
REPR_2X = {'nn.Softplus()': 'Softplus(beta=1.0, threshold=20.0)'}

MODULES = []


def script(label, steps, dtype=torch.float32, randomize=True):
    MODULES.append(module_script(label, eval(label), steps, dtype, randomize))


def X(*shape, dtype=torch.float32):
    return R(*shape, dtype=dtype, low=-3, high=3)


ACTIVATION_MODULES = [
    'nn.ReLU()', 'nn.ReLU(True)', 'nn.LeakyReLU()', 'nn.LeakyReLU(0.2, True)', 'nn.ELU()', 'nn.ELU(0.5, True)', 'nn.CELU(1.5)',
    'nn.SELU()', 'nn.GELU()', "nn.GELU('tanh')", 'nn.SiLU()', 'nn.Mish()', 'nn.Softplus()', 'nn.Softplus(2.0, 3.0)',
    'nn.Hardtanh()', 'nn.Hardtanh(-2.0, 1.5)', 'nn.ReLU6()', 'nn.Tanh()', 'nn.Sigmoid()', 'nn.LogSigmoid()',
    'nn.Softmax(1)', 'nn.Softmax(dim=-1)', 'nn.LogSoftmax(1)', 'nn.Softmax()', 'nn.LogSoftmax()',
]
for label in ACTIVATION_MODULES:
    x = X(2, 3, 4) if 'Softmax' in label else X(3, 4)
    script(label, [(True, [x])])

y = classes(4, n=5)
LOSS_MODULES = [
    ('nn.MSELoss()', [X(3, 4), X(3, 4)]),
    ("nn.MSELoss(reduction='sum')", [X(3, 4), X(3, 4)]),
    ('nn.L1Loss()', [X(3, 4), X(3, 4)]),
    ("nn.SmoothL1Loss(beta=0.5, reduction='none')", [X(3, 4), X(3, 4)]),
    ('nn.HuberLoss(delta=0.7)', [X(3, 4), X(3, 4)]),
    ('nn.NLLLoss()', [torch.log_softmax(X(4, 5), 1), y]),
    ("nn.NLLLoss(weight=torch.linspace(0.5, 2.0, 5), ignore_index=2, reduction='sum')", [torch.log_softmax(X(4, 5), 1), y]),
    ('nn.CrossEntropyLoss()', [X(4, 5), y]),
    ('nn.CrossEntropyLoss(weight=torch.linspace(0.5, 2.0, 5), ignore_index=1, label_smoothing=0.1)', [X(4, 5), y]),
    ('nn.CrossEntropyLoss(label_smoothing=0.2)', [X(4, 5), torch.softmax(X(4, 5), 1)]),
    ('nn.BCELoss()', [R(3, 4, low=0.05, high=0.95), R(3, 4, low=0, high=1)]),
    ('nn.BCELoss(weight=torch.linspace(0.5, 2.0, 4))', [R(3, 4, low=0.05, high=0.95), R(3, 4, low=0, high=1)]),
    ('nn.BCEWithLogitsLoss()', [X(3, 4), R(3, 4, low=0, high=1)]),
    ("nn.BCEWithLogitsLoss(pos_weight=torch.linspace(0.5, 3.0, 4), reduction='none')", [X(3, 4), R(3, 4, low=0, high=1)]),
    ("nn.KLDivLoss(reduction='batchmean')", [torch.log_softmax(X(3, 4), 1), torch.softmax(X(3, 4), 1)]),
    ("nn.KLDivLoss(reduction='sum', log_target=True)", [torch.log_softmax(X(3, 4), 1), torch.log_softmax(X(3, 4), 1)]),
    ('nn.CosineEmbeddingLoss(margin=0.1)', [X(4, 3), X(4, 3), T([1, -1, 1, -1], torch.int64)]),
]
for label, inputs in LOSS_MODULES:
    script(label, [(True, inputs)])

for dtype in FLOATS:
    # Three training steps update the running statistics; eval mode then uses them.
    script('nn.BatchNorm2d(3)', [(True, [X(2, 3, 2, 2, dtype=dtype)]) for _ in range(3)] + [(False, [X(2, 3, 2, 2, dtype=dtype)])], dtype)
    script('nn.BatchNorm1d(4)', [(True, [X(5, 4, dtype=dtype)]) for _ in range(3)] + [(False, [X(3, 4, dtype=dtype)])], dtype)
script('nn.BatchNorm1d(2, momentum=None)', [(True, [X(3, 2, 4)]) for _ in range(4)] + [(False, [X(2, 2, 3)])])
script('nn.BatchNorm2d(3, eps=0.001, momentum=0.3, affine=False)', [(True, [X(2, 3, 2, 2)]) for _ in range(2)] + [(False, [X(2, 3, 2, 2)])])
script('nn.BatchNorm2d(2, track_running_stats=False)', [(True, [X(2, 2, 2, 2)]), (False, [X(2, 2, 2, 2)])])
script('nn.BatchNorm1d(3, affine=False, track_running_stats=False)', [(False, [X(4, 3)])])
for dtype in FLOATS:
    script('nn.LayerNorm(4)', [(True, [X(2, 3, 4, dtype=dtype)])], dtype)
    script('nn.GroupNorm(2, 4)', [(True, [X(2, 4, 3, dtype=dtype)])], dtype)
script('nn.LayerNorm([2, 3], eps=0.001, elementwise_affine=False)', [(True, [X(4, 2, 3)])])
script('nn.GroupNorm(3, 6, eps=0.01, affine=False)', [(True, [X(2, 6, 2, 2)])])
script('nn.GroupNorm(1, 3)', [(True, [X(2, 3, 4)])])
script('nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2), nn.LogSoftmax(1))', [(True, [X(6, 3)]) for _ in range(2)] + [(False, [X(2, 3)])])

ERRORS = []
for label, inputs in [('nn.BatchNorm2d(3)', [X(2, 3, 4)]), ('nn.BatchNorm1d(3)', [X(2, 3, 4, 5)]), ('nn.BatchNorm1d(3)', [X(1, 3)])]:
    try:
        eval(label)(*inputs)
    except Exception as e:
        ERRORS.append({'label': label, 'inputs': [encode_tensor(t) for t in inputs], 'error': str(e)})
for label in ['nn.GroupNorm(3, 4)']:
    try:
        eval(label)
    except Exception as e:
        ERRORS.append({'label': label, 'inputs': None, 'error': str(e)})

write_fixture('nn_norm_act_loss', {'modules': MODULES, 'errors': ERRORS})
