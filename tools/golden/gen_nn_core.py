"""Fixtures for torch.nn's core: Module, Parameter, nn.init, containers, Linear/Bilinear/Identity/
Flatten/Unflatten, Embedding, the dropouts and nn.utils' gradient clipping.

Writes two files:
- test/golden/nn_core_ops.json: op cases of F.linear, F.bilinear, F.embedding and the dropouts, replayed
  by test/nn/functional-core.test.ts through test/ops/harness.ts. Extra arguments are numbers and bools
  only (the harness decodes strings as integers).
- test/golden/nn_core.json: named groups of cases replayed by test/nn/*.test.ts:
  init       one nn.init call on a fresh tensor after manual_seed: the values, or the error
  gain       calculate_gain results
  layers     a layer built after manual_seed: its state_dict (exact), and for an input, the output and
             the gradients of (out * upstream).sum() w.r.t. the input and the parameters
  reprs      repr(module) for models the TypeScript test builds the same way (by name)
  modules    behaviours of Module (names, state_dict keys, load_state_dict errors, hooks, ...)
  clip       clip_grad_norm_ / clip_grad_value_ results

PyTorch 2.x behaviour (the installed PyTorch is 1.13; these cases hold 2.x's):
- ModuleList's repr folds runs of equal modules (`(0-2): 3 x Linear(...)`), added in 2.1:
  module_list_repr_2x is a port of 2.x's ModuleList.__repr__.
- F.linear on a contiguous input of 3+ dimensions with a 1-D bias flattens it into one addmm and views
  the result back (2.x's _flatten_nd_linear): the grad_fn is ViewBackward0 where 1.13's matmul + add_
  gives AddBackward0. A 0-D input is rejected by linear's own check, before matmul's. F.linear of a 1-D
  input ends with matmul's squeeze_(0), whose grad_fn 1.13 calls SqueezeBackward3 and 2.x
  SqueezeBackward4.
- Module.zero_grad sets gradients to None by default (set_to_none=True since 2.0).
- reshape of a contiguous tensor is a view in 2.x: ViewBackward0, not 1.13's ReshapeAliasBackward0.
- named_parameters(remove_duplicate=False) (2.0): named_parameters_all_2x ports it.
- Hooks registered with prepend=True (2.0) are moved to the front of the hook dict, as 2.x does.
"""
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import encode, encode_tensor, write_fixture
from opcases import make_case, rand

GEN = torch.Generator().manual_seed(4242)


def r(*shape, dtype=torch.float32, low=-2.0, high=2.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


def error_of(fn):
    try:
        fn()
    except Exception as e:  # the message is the fixture
        return str(e.args[0]) if e.args else str(e)
    raise AssertionError('expected an error')


# ---------------------------------------------------------------------------------------------------
# Op cases (harness)
# ---------------------------------------------------------------------------------------------------

def linear_2x(x, w, b=None):
    if x.dim() == 0 or w.dim() == 0:
        raise RuntimeError(f'both arguments to linear need to be at least 1D, but they are {x.dim()}D and {w.dim()}D')
    if b is not None and x.dim() >= 3 and x.is_contiguous() and b.dim() == 1:
        out = torch.addmm(b, x.view(-1, x.shape[-1]), w.t())
        return out.view(*x.shape[:-1], out.shape[1])
    return F.linear(x, w, b)


def op_cases():
    cases = []
    for dtype in (torch.float32, torch.float64):
        for xshape in [(4, 3), (3,), (2, 4, 3), (2, 2, 1, 3), (0, 3)]:
            w, b = r(5, 3, dtype=dtype), r(5, dtype=dtype)
            x = r(*xshape, dtype=dtype)
            cases.append(make_case('linear', lambda x, w, b: linear_2x(x, w, b), [x, w, b]))
            cases.append(make_case('linear_nobias', lambda x, w: linear_2x(x, w), [x, w]))
        # A non-contiguous 3-D input takes the matmul + add path.
        x = r(4, 2, 3, dtype=dtype)
        cases.append(make_case('linear_t01', lambda x, w, b: linear_2x(x.transpose(0, 1), w, b), [x, r(5, 3, dtype=dtype), r(5, dtype=dtype)]))
        for s1, s2 in [((4, 3), (4, 2)), ((2, 3, 3), (2, 3, 2)), ((3,), (2,))]:
            x1, x2 = r(*s1, dtype=dtype), r(*s2, dtype=dtype)
            w, b = r(5, s1[-1], s2[-1], dtype=dtype), r(5, dtype=dtype)
            cases.append(make_case('bilinear', lambda x1, x2, w, b: F.bilinear(x1, x2, w, b), [x1, x2, w, b]))
            cases.append(make_case('bilinear_nobias', lambda x1, x2, w: F.bilinear(x1, x2, w), [x1, x2, w]))
        idx = torch.tensor([[0, 2, 1], [2, 2, 3]])
        wt = r(4, 3, dtype=dtype)
        for extra in [{}, {'padding_idx': 2}, {'padding_idx': -1}, {'scale_grad_by_freq': True},
                      {'padding_idx': 0, 'scale_grad_by_freq': True}]:
            cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [idx, wt], extra, requires_grad=[False, True]))
        cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [torch.tensor([3, 0]), wt], {}, requires_grad=[False, True]))
        cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [torch.tensor(1), wt], {}, requires_grad=[False, True]))
        # max_norm renormalises the selected rows in place before the lookup.
        big = r(4, 3, dtype=dtype, low=-3, high=3)
        cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [idx, big], {'max_norm': 1.5}, requires_grad=[False, True]))
        cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [idx, big], {'max_norm': 2.5, 'norm_type': 1.0}, requires_grad=[False, True]))
        x = r(3, 4, 2, 2, dtype=dtype)
        for p in [0.0, 0.25, 0.5, 0.9, 1.0]:
            for key, fn in [('dropout', F.dropout), ('dropout2d', F.dropout2d)]:
                def call(x, e, fn=fn):
                    torch.manual_seed(e['seed'])
                    return fn(x, e['p'], e['training'])
                cases.append(make_case(key, call, [x], {'p': p, 'training': True, 'seed': 7}))
        for key, fn, shape in [('dropout1d', F.dropout1d, (3, 4, 5)), ('dropout1d', F.dropout1d, (4, 5)),
                               ('dropout3d', F.dropout3d, (2, 3, 2, 2, 2)), ('dropout3d', F.dropout3d, (3, 2, 2, 2))]:
            def call(x, e, fn=fn):
                torch.manual_seed(e['seed'])
                return fn(x, e['p'], e['training'])
            cases.append(make_case(key, call, [r(*shape, dtype=dtype)], {'p': 0.5, 'training': True, 'seed': 3}))
        cases.append(make_case('dropout', lambda x, e: F.dropout(x, e['p'], e['training']), [r(3, 4, dtype=dtype)], {'p': 0.5, 'training': False, 'seed': 0}))
    # Errors.
    f = torch.float32
    cases.append(make_case('linear', lambda x, w, b: linear_2x(x, w, b), [r(4, 2), r(5, 3), r(5)]))
    cases.append(make_case('linear_nobias', lambda x, w: linear_2x(x, w), [torch.tensor(1.0), r(5, 3)]))
    cases.append(make_case('bilinear', lambda x1, x2, w, b: F.bilinear(x1, x2, w, b), [r(4, 3), r(3, 2), r(5, 3, 2), r(5)]))
    cases.append(make_case('bilinear', lambda x1, x2, w, b: F.bilinear(x1, x2, w, b), [r(4, 3), r(4, 3, 2), r(5, 3, 2), r(5)]))
    cases.append(make_case('bilinear', lambda x1, x2, w, b: F.bilinear(x1, x2, w, b), [r(4, 2), r(4, 2), r(5, 3, 2), r(5)]))
    cases.append(make_case('bilinear', lambda x1, x2, w, b: F.bilinear(x1, x2, w, b), [r(4, 3), r(4, 3), r(5, 3, 2), r(5)]))
    cases.append(make_case('bilinear', lambda x1, x2, w, b: F.bilinear(x1, x2, w, b), [r(4, 3), r(4, 2), r(5, 3, 2), r(4)]))
    cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [torch.tensor([0, 4]), r(4, 3)], {}, requires_grad=[False, True]))
    cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [torch.tensor([0.0, 1.0]), r(4, 3)], {}, requires_grad=[False, True]))
    cases.append(make_case('embedding', lambda i, w, e: F.embedding(i, w, **e), [torch.tensor([0, 1]), r(4, 3)], {'padding_idx': 4}, requires_grad=[False, True]))
    cases.append(make_case('dropout', lambda x, e: F.dropout(x, e['p'], e['training']), [r(3, dtype=f)], {'p': 1.5, 'training': True, 'seed': 0}))
    cases.append(make_case('dropout1d', lambda x, e: F.dropout1d(x, e['p'], e['training']), [r(3, dtype=f)], {'p': 0.5, 'training': True, 'seed': 0}))
    for c in cases:
        # matmul's 1-D @ 2-D path ends with squeeze_(0): SqueezeBackward4 in 2.x's numbering.
        if c.get('grad_fn') == 'SqueezeBackward3':
            c['grad_fn'] = 'SqueezeBackward4'
    return cases


# ---------------------------------------------------------------------------------------------------
# nn.init
# ---------------------------------------------------------------------------------------------------

INIT_FNS = {
    'uniform_': nn.init.uniform_, 'normal_': nn.init.normal_, 'trunc_normal_': nn.init.trunc_normal_,
    'constant_': nn.init.constant_, 'ones_': nn.init.ones_, 'zeros_': nn.init.zeros_, 'eye_': nn.init.eye_,
    'dirac_': nn.init.dirac_, 'xavier_uniform_': nn.init.xavier_uniform_, 'xavier_normal_': nn.init.xavier_normal_,
    'kaiming_uniform_': nn.init.kaiming_uniform_, 'kaiming_normal_': nn.init.kaiming_normal_,
    'orthogonal_': nn.init.orthogonal_, 'sparse_': nn.init.sparse_,
}


def init_case(fn, shape, args=(), kwargs=None, dtype=torch.float32, transposed=False, seed=0):
    kwargs = kwargs or {}
    case = {'fn': fn, 'shape': list(shape), 'dtype': str(dtype).replace('torch.', ''), 'args': list(args),
            'kwargs': kwargs, 'transposed': transposed, 'seed': seed}
    t = torch.empty(*reversed(shape), dtype=dtype).t() if transposed else torch.empty(*shape, dtype=dtype)
    torch.manual_seed(seed)
    try:
        out = INIT_FNS[fn](t, *args, **kwargs)
        assert out is t
        case['out'] = encode_tensor(t.contiguous())
        # What the generator draws next shows that the init consumed exactly PyTorch's draws.
        case['next'] = torch.rand(()).item()
    except Exception as e:
        case['error'] = str(e)
    return case


def init_cases():
    cases = []
    for dtype in (torch.float32, torch.float64):
        cases += [
            init_case('uniform_', (3, 5), dtype=dtype),
            init_case('uniform_', (4, 6), (-2.0, 0.5), dtype=dtype, seed=1),
            init_case('normal_', (3, 5), dtype=dtype),
            init_case('normal_', (5, 7), (), {'mean': 1.5, 'std': 0.25}, dtype=dtype, seed=2),
            init_case('normal_', (20,), (0.5, 2.0), dtype=dtype, seed=3),
            init_case('trunc_normal_', (6, 7), dtype=dtype),
            init_case('trunc_normal_', (40,), (0.5, 1.5, -1.0, 2.5), dtype=dtype, seed=5),
            init_case('constant_', (2, 3), (0.3,), dtype=dtype),
            init_case('ones_', (2, 3), dtype=dtype),
            init_case('zeros_', (2, 3), dtype=dtype),
            init_case('eye_', (3, 5), dtype=dtype),
            init_case('eye_', (4, 2), dtype=dtype),
            init_case('dirac_', (4, 3, 5), dtype=dtype),
            init_case('dirac_', (6, 2, 3, 3), (2,), dtype=dtype),
            init_case('dirac_', (2, 3, 3, 2, 4), dtype=dtype),
            init_case('xavier_uniform_', (4, 6), dtype=dtype),
            init_case('xavier_uniform_', (8, 3, 3, 3), (), {'gain': nn.init.calculate_gain('relu')}, dtype=dtype, seed=4),
            init_case('xavier_normal_', (4, 6), (0.5,), dtype=dtype),
            init_case('kaiming_uniform_', (5, 4), dtype=dtype),
            init_case('kaiming_uniform_', (5, 4), (math.sqrt(5),), dtype=dtype, seed=9),
            init_case('kaiming_uniform_', (6, 3, 2, 2), (), {'mode': 'fan_out', 'nonlinearity': 'relu'}, dtype=dtype, seed=6),
            init_case('kaiming_normal_', (5, 4), dtype=dtype),
            init_case('kaiming_normal_', (6, 3, 3), (0.2, 'fan_in', 'leaky_relu'), dtype=dtype, seed=8),
            init_case('orthogonal_', (4, 6), dtype=dtype),
            init_case('orthogonal_', (6, 4), dtype=dtype, seed=1),
            init_case('orthogonal_', (3, 2, 2, 2), (), {'gain': 2.0}, dtype=dtype, seed=2),
            init_case('sparse_', (6, 4), (0.5,), dtype=dtype),
            init_case('sparse_', (5, 3), (0.3,), {'std': 0.5}, dtype=dtype, seed=3),
        ]
    # Values are drawn in memory order: a transposed tensor gets PyTorch's values at the same addresses.
    cases += [
        init_case('uniform_', (3, 4), transposed=True),
        init_case('kaiming_uniform_', (3, 4), (math.sqrt(5),), transposed=True),
        init_case('normal_', (5, 4), transposed=True),
    ]
    # Errors.
    cases += [
        init_case('eye_', (2, 2, 2)),
        init_case('dirac_', (2, 2)),
        init_case('dirac_', (3, 2, 2), (2,)),
        init_case('xavier_uniform_', (4,)),
        init_case('kaiming_uniform_', (4, 3), (), {'mode': 'fan_avg'}),
        init_case('kaiming_normal_', (4, 3), (), {'nonlinearity': 'softmax'}),
        init_case('orthogonal_', (4,)),
        init_case('sparse_', (2, 2, 2), (0.1,)),
    ]
    return cases


def gain_cases():
    out = []
    for name, param in [('linear', None), ('conv2d', None), ('sigmoid', None), ('tanh', None), ('relu', None),
                        ('leaky_relu', None), ('leaky_relu', 0.2), ('leaky_relu', 0), ('selu', None), ('conv_transpose3d', None)]:
        out.append({'nonlinearity': name, 'param': param, 'gain': nn.init.calculate_gain(name, param)})
    for name, param in [('softmax', None), ('leaky_relu', 'x')]:
        out.append({'nonlinearity': name, 'param': param, 'error': error_of(lambda: nn.init.calculate_gain(name, param))})
    return out


# ---------------------------------------------------------------------------------------------------
# Layers: initial state after manual_seed, forward and gradients
# ---------------------------------------------------------------------------------------------------

def make_layer(name, args, kwargs):
    return getattr(nn, name)(*args, **kwargs)


def layer_case(name, args, kwargs, inputs, seed=0, grad_inputs=True, train=True):
    torch.manual_seed(seed)
    layer = make_layer(name, args, kwargs)
    layer.train(train)
    case = {'layer': name, 'args': encode(list(args)), 'kwargs': encode(kwargs), 'seed': seed, 'train': train,
            'state': [[k, encode_tensor(v)] for k, v in layer.state_dict().items()],
            'inputs': [encode_tensor(x) for x in inputs], 'repr': repr(layer)}
    ins = [x.detach().clone().requires_grad_(grad_inputs and x.dtype.is_floating_point) for x in inputs]
    out = layer(*ins)
    case['out'] = encode_tensor(out)
    case['grad_fn'] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    if case['grad_fn'] == 'ReshapeAliasBackward0':
        case['grad_fn'] = 'ViewBackward0'  # 2.x: reshape of a contiguous tensor is a view
    upstream = torch.randn(out.shape, generator=torch.Generator().manual_seed(1), dtype=out.dtype)
    (out * upstream).sum().backward()
    case['upstream'] = encode_tensor(upstream)
    case['input_grads'] = [encode_tensor(x.grad) if x.grad is not None else None for x in ins]
    case['param_grads'] = [[n, encode_tensor(p.grad) if p.grad is not None else None] for n, p in layer.named_parameters()]
    return case


def layer_cases():
    f64 = {'dtype': torch.float64}
    cases = [
        layer_case('Linear', (3, 2), {}, [r(4, 3)]),
        layer_case('Linear', (5, 4), {'bias': False}, [r(2, 3, 5)], seed=1),
        layer_case('Linear', (6, 3), {}, [r(2, 2, 6)], seed=2),
        layer_case('Linear', (7, 5), {}, [r(7)], seed=3),
        layer_case('Linear', (4, 3), f64, [r(2, 4, dtype=torch.float64)], seed=4),
        layer_case('Bilinear', (3, 2, 4), {}, [r(5, 3), r(5, 2)]),
        layer_case('Bilinear', (2, 3, 2), {'bias': False}, [r(2, 3, 2), r(2, 3, 3)], seed=5),
        layer_case('Embedding', (6, 3), {}, [torch.tensor([[1, 5, 1], [0, 2, 4]])]),
        layer_case('Embedding', (5, 4), {'padding_idx': 2}, [torch.tensor([2, 0, 2, 4])], seed=6),
        layer_case('Embedding', (5, 2), {'padding_idx': -1, 'scale_grad_by_freq': True}, [torch.tensor([4, 1, 1, 3])], seed=7),
        layer_case('Identity', (3,), {'unused': True}, [r(2, 3)]),
        layer_case('Flatten', (), {}, [r(2, 3, 2, 2)]),
        layer_case('Flatten', (0, 1), {}, [r(2, 3, 2)]),
        layer_case('Unflatten', (1, (2, 3)), {}, [r(4, 6)]),
        layer_case('Dropout', (0.3,), {}, [r(4, 5)], seed=11),
        layer_case('Dropout', (0.3,), {}, [r(4, 5)], seed=11, train=False),
        layer_case('Dropout2d', (0.5,), {}, [r(2, 4, 2, 3)], seed=12),
        layer_case('Dropout1d', (0.5,), {}, [r(2, 4, 3)], seed=13),
    ]
    return cases


def sequential_model():
    return nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.25), nn.Linear(8, 3), nn.Flatten(0))


def model_case():
    """A Sequential built after manual_seed: its weights are drawn layer after layer."""
    torch.manual_seed(123)
    model = sequential_model()
    x = r(5, 4)
    model.train()
    torch.manual_seed(5)
    out = model(x)
    upstream = torch.randn(out.shape, generator=torch.Generator().manual_seed(2))
    (out * upstream).sum().backward()
    return {'state': [[k, encode_tensor(v)] for k, v in model.state_dict().items()], 'input': encode_tensor(x),
            'out': encode_tensor(out), 'upstream': encode_tensor(upstream),
            'param_grads': [[n, encode_tensor(p.grad)] for n, p in model.named_parameters()]}


# ---------------------------------------------------------------------------------------------------
# Reprs
# ---------------------------------------------------------------------------------------------------

def add_indent(s, n):
    lines = s.split('\n')
    if len(lines) == 1:
        return s
    return lines[0] + '\n' + '\n'.join(' ' * n + line for line in lines[1:])


def repr_2x(module):
    """repr(module) with 2.x's ModuleList.__repr__ at every level."""
    if isinstance(module, nn.ModuleList):
        return module_list_repr_2x(module)
    extra = module.extra_repr()
    extra_lines = extra.split('\n') if extra else []
    child_lines = ['(' + k + '): ' + add_indent(repr_2x(m) if m is not None else 'None', 2) for k, m in module._modules.items()]
    lines = extra_lines + child_lines
    main = module._get_name() + '('
    if lines:
        if len(extra_lines) == 1 and not child_lines:
            main += extra_lines[0]
        else:
            main += '\n  ' + '\n  '.join(lines) + '\n'
    return main + ')'


def module_list_repr_2x(self):
    """PyTorch 2.x's ModuleList.__repr__ (torch/nn/modules/container.py)."""
    list_of_reprs = [repr_2x(item) for item in self]
    if len(list_of_reprs) == 0:
        return self._get_name() + '()'
    start_end_indices = [[0, 0]]
    repeated_blocks = [list_of_reprs[0]]
    for i, rep in enumerate(list_of_reprs[1:], 1):
        if rep == repeated_blocks[-1]:
            start_end_indices[-1][1] += 1
            continue
        start_end_indices.append([i, i])
        repeated_blocks.append(rep)
    lines = []
    main_str = self._get_name() + '('
    for (start_id, end_id), b in zip(start_end_indices, repeated_blocks):
        local_repr = f'({start_id}): {b}'
        if start_id != end_id:
            n = end_id - start_id + 1
            local_repr = f'({start_id}-{end_id}): {n} x {b}'
        lines.append(add_indent(local_repr, 2))
    main_str += '\n  ' + '\n  '.join(lines) + '\n'
    return main_str + ')'


class Net(nn.Module):
    """The blitz's network shape, with core layers only."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(16, 12)
        self.drop = nn.Dropout(p=0.1)
        self.fc2 = nn.Linear(12, 4, bias=False)
        self.register_buffer('steps', torch.zeros(()))
        self.register_buffer('scratch', torch.zeros(2), persistent=False)
        self.heads = nn.ModuleDict({'a': nn.Linear(4, 2), 'b': nn.Identity()})

    def forward(self, x):
        return self.fc2(self.drop(self.fc1(self.flatten(x))))


class Wide(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 3, padding_idx=0)
        self.blocks = nn.ModuleList([nn.Linear(3, 3) for _ in range(3)] + [nn.Dropout(0.5), nn.Linear(3, 3), nn.Linear(3, 3)])
        self.seq = nn.Sequential(OrderedDict([('proj', nn.Bilinear(3, 3, 2)), ('out', nn.Unflatten(1, (2, 1)))]))

    def extra_repr(self):
        return 'first line\nsecond line'


class ParamHolder(nn.Module):
    def __init__(self):
        super().__init__()
        self.plist = nn.ParameterList([torch.ones(1), torch.ones(2, 2)])
        self.pdict = nn.ParameterDict(OrderedDict([('z', torch.ones(1)), ('y', torch.ones(3))]))
        self.lin = nn.Linear(1, 1)


def repr_models():
    return {
        'linear': nn.Linear(3, 2),
        'linear_nobias': nn.Linear(3, 2, bias=False),
        'bilinear': nn.Bilinear(2, 3, 4),
        'embedding': nn.Embedding(10, 3),
        'embedding_options': nn.Embedding(10, 3, padding_idx=-2, max_norm=1.5, norm_type=1.0, scale_grad_by_freq=True),
        'dropout': nn.Dropout(),
        'dropout2d': nn.Dropout2d(0.3, inplace=True),
        'flatten': nn.Flatten(),
        'unflatten': nn.Unflatten(1, (2, 5)),
        'unflatten1': nn.Unflatten(-1, (6,)),
        'identity': nn.Identity(),
        'sequential': sequential_model(),
        'sequential_nested': nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Identity()))),
        'sequential_empty': nn.Sequential(),
        'module_list': nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 3), nn.Linear(2, 2)]),
        'module_list_empty': nn.ModuleList(),
        'module_dict': nn.ModuleDict({'x': nn.Linear(1, 1), 'y': nn.Sequential(nn.Identity())}),
        'net': Net(),
        'wide': Wide(),
        'parameter_list': nn.ParameterList([nn.Parameter(torch.ones(2, 3)), torch.zeros(4, dtype=torch.float64)]),
        'parameter_list_one': nn.ParameterList([nn.Parameter(torch.ones(()))]),
        'parameter_dict': nn.ParameterDict({'b': nn.Parameter(torch.ones(2)), 'a': torch.zeros((), dtype=torch.float64)}),
        'parameter_holder': ParamHolder(),
    }


# ---------------------------------------------------------------------------------------------------
# Module behaviour
# ---------------------------------------------------------------------------------------------------

class Shared(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
        self.b = self.a
        self.c = nn.Sequential(self.a, nn.Linear(2, 1))
        self.w = nn.Parameter(torch.ones(1))
        self.w2 = self.w


def names(pairs):
    return [n for n, _ in pairs]


def named_parameters_all_2x(module):
    """2.x's named_parameters(remove_duplicate=False) (1.13 lacks the argument): every module path,
    every parameter slot, duplicates included."""
    out = []
    for prefix, m in module.named_modules(remove_duplicate=False):
        out += [prefix + ('.' if prefix else '') + k for k, v in m._parameters.items() if v is not None]
    return out


def module_cases():
    out = {}
    torch.manual_seed(0)
    net = Net()
    out['net_state_keys'] = list(net.state_dict().keys())
    out['net_named_parameters'] = names(net.named_parameters())
    out['net_named_buffers'] = names(net.named_buffers())
    out['net_named_modules'] = names(net.named_modules())
    out['net_named_children'] = names(net.named_children())
    out['net_named_parameters_prefix'] = names(net.named_parameters(prefix='model'))
    out['net_named_parameters_norecurse'] = names(net.named_parameters(recurse=False))
    out['net_named_buffers_norecurse'] = names(net.named_buffers(recurse=False))
    shared = Shared()
    out['shared_named_parameters'] = names(shared.named_parameters())
    out['shared_named_parameters_all'] = named_parameters_all_2x(shared)
    out['shared_named_modules'] = names(shared.named_modules())
    out['shared_named_modules_all'] = names(shared.named_modules(remove_duplicate=False))
    out['shared_named_children'] = names(shared.named_children())
    out['shared_state_keys'] = list(shared.state_dict().keys())

    # load_state_dict
    def lin():
        return nn.Linear(3, 2)
    sd = lin().state_dict()
    out['load_missing'] = error_of(lambda: lin().load_state_dict({'weight': sd['weight']}))
    out['load_unexpected'] = error_of(lambda: lin().load_state_dict({**sd, 'extra': torch.ones(1), 'sub.x': torch.ones(1)}))
    out['load_size'] = error_of(lambda: lin().load_state_dict({'weight': torch.ones(3, 3), 'bias': torch.ones(2)}))
    out['load_all'] = error_of(lambda: lin().load_state_dict({'weight': torch.ones(2, 2), 'foo': torch.ones(1)}))
    out['load_nested'] = error_of(lambda: Net().load_state_dict({'fc1.weight': torch.ones(12, 16), 'heads.c.weight': torch.ones(1)}))
    res = lin().load_state_dict({'weight': torch.ones(2, 3), 'foo': torch.ones(1)}, strict=False)
    out['load_nonstrict'] = {'missing': res.missing_keys, 'unexpected': res.unexpected_keys, 'repr': repr(res)}
    out['load_ok_repr'] = repr(lin().load_state_dict(sd))
    m = lin()
    m.load_state_dict({'weight': torch.arange(6.0).reshape(2, 3).double(), 'bias': torch.tensor([1.5, -1.0])})
    out['load_values'] = {'weight': encode_tensor(m.weight), 'bias': encode_tensor(m.bias), 'requires_grad': m.weight.requires_grad}
    out['load_not_dict'] = error_of(lambda: lin().load_state_dict([1, 2]))

    # __setattr__ and registration errors
    m = lin()
    out['set_param_tensor'] = error_of(lambda: setattr(m, 'weight', torch.ones(2, 3)))
    seq = nn.Sequential(nn.Linear(1, 1))
    out['set_module_int'] = error_of(lambda: setattr(seq, '0', 3))
    m.register_buffer('buf', torch.zeros(1))
    out['set_buffer_int'] = error_of(lambda: setattr(m, 'buf', 3))
    out['register_buffer_dot'] = error_of(lambda: m.register_buffer('a.b', torch.zeros(1)))
    out['register_buffer_empty'] = error_of(lambda: m.register_buffer('', torch.zeros(1)))
    out['register_buffer_exists'] = error_of(lambda: m.register_buffer('weight', torch.zeros(1)))
    out['register_buffer_type'] = error_of(lambda: m.register_buffer('x', 3))
    out['register_parameter_dot'] = error_of(lambda: m.register_parameter('a.b', None))
    out['register_parameter_empty'] = error_of(lambda: m.register_parameter('', None))
    out['register_parameter_exists'] = error_of(lambda: m.register_parameter('buf', None))
    out['register_parameter_type'] = error_of(lambda: m.register_parameter('x', torch.ones(1)))
    out['register_parameter_nonleaf'] = error_of(lambda: m.register_parameter('x', nn.Parameter(torch.ones(1)) * 2))
    out['register_module_dot'] = error_of(lambda: m.add_module('a.b', None))
    out['register_module_empty'] = error_of(lambda: m.add_module('', None))
    out['register_module_exists'] = error_of(lambda: m.add_module('bias', None))
    out['register_module_type'] = error_of(lambda: m.add_module('x', 3))
    out['forward_missing'] = error_of(lambda: nn.Module()(1))
    out['train_not_bool'] = error_of(lambda: lin().train(1))
    out['to_int'] = error_of(lambda: lin().to(torch.int64))

    # Assigning: a parameter replaces a plain attribute; None keeps the slot; a module moves slots.
    m = lin()
    m.bias = None
    out['set_none_state_keys'] = list(m.state_dict().keys())
    out['set_none_named_parameters'] = names(m.named_parameters())
    m.bias = nn.Parameter(torch.zeros(2))
    m.extra = nn.Parameter(torch.zeros(1))
    m.sub = nn.Linear(1, 1)
    out['set_order_state_keys'] = list(m.state_dict().keys())
    del m.weight
    out['del_state_keys'] = list(m.state_dict().keys())
    # A Parameter assigned where a buffer or a submodule was takes over the name.
    m.register_buffer('buf', torch.zeros(1))
    m.buf = nn.Parameter(torch.ones(1))
    m.sub = nn.Parameter(torch.ones(1))
    out['moved_state_keys'] = list(m.state_dict().keys())
    out['moved_named_buffers'] = names(m.named_buffers())
    out['moved_named_children'] = names(m.named_children())

    # Hooks: order, prepend, argument and output replacement, removal.
    events = []
    m = nn.Linear(2, 2)
    h1 = m.register_forward_pre_hook(lambda mod, args: events.append('pre1'))
    m.register_forward_pre_hook(lambda mod, args: (events.append('pre2'), (args[0] * 0,))[1])
    # prepend=True (2.0) is what 2.x does: move_to_end(handle.id, last=False).
    h = m.register_forward_pre_hook(lambda mod, args: events.append('pre0'))
    m._forward_pre_hooks.move_to_end(h.id, last=False)
    m.register_forward_hook(lambda mod, args, o: events.append('post1'))
    m.register_forward_hook(lambda mod, args, o: (events.append('post2'), o + 1)[1])
    h = m.register_forward_hook(lambda mod, args, o: events.append('post0'))
    m._forward_hooks.move_to_end(h.id, last=False)
    y1 = m(torch.ones(1, 2))
    h1.remove()
    events.append('removed')
    m(torch.ones(1, 2))
    out['hooks'] = {'events': events, 'out': encode_tensor(y1 - m.bias)}

    # train / eval
    net = Net()
    net.eval()
    out['eval_training'] = [mod.training for mod in net.modules()]
    net.train()
    out['train_training'] = [mod.training for mod in net.modules()]

    # zero_grad
    m = lin()
    m(torch.ones(1, 3)).sum().backward()
    m.zero_grad(set_to_none=False)
    out['zero_grad_false'] = [encode_tensor(p.grad) for p in m.parameters()]
    m.zero_grad(set_to_none=True)  # 2.x's default
    out['zero_grad_default_none'] = [p.grad is None for p in m.parameters()]

    # requires_grad_, to(double), float()
    m = Net()
    m.requires_grad_(False)
    out['requires_grad_false'] = [p.requires_grad for p in m.parameters()]
    m = Net().double()
    out['double_dtypes'] = [[n, str(t.dtype).replace('torch.', '')] for n, t in m.state_dict().items()]
    m = Net()
    m.register_buffer('count', torch.zeros(1, dtype=torch.int64))
    m = m.to(torch.float64)
    out['to_dtypes'] = [[n, str(t.dtype).replace('torch.', '')] for n, t in m.state_dict().items()]

    # apply: children first.
    visited = []
    Net().apply(lambda mod: visited.append(type(mod).__name__))
    out['apply_order'] = visited

    # Parameter
    torch.manual_seed(0)
    p = nn.Parameter(torch.randn(2, 2))
    out['parameter_repr'] = repr(p)
    with torch.no_grad():
        out['parameter_no_grad_requires_grad'] = nn.Parameter(torch.ones(1)).requires_grad
    out['parameter_frozen_repr'] = repr(nn.Parameter(torch.ones(2), requires_grad=False))

    # Containers
    seq = sequential_model()
    out['sequential_slice_repr'] = repr(seq[1:3])
    out['sequential_neg_repr'] = repr(seq[-1])
    out['sequential_index_error'] = error_of(lambda: seq[4])
    del seq[1]
    out['sequential_del_keys'] = list(seq._modules.keys())
    out['sequential_del_repr'] = repr(seq)
    seq.append(nn.Identity())
    seq.insert(1, nn.Flatten())
    out['sequential_insert_repr'] = repr(seq)
    named = nn.Sequential(OrderedDict([('a', nn.Identity()), ('b', nn.Flatten()), ('c', nn.Identity())]))
    del named[1]
    out['sequential_named_del_keys'] = list(named._modules.keys())
    ml = nn.ModuleList([nn.Linear(1, 1), nn.Identity(), nn.Flatten()])
    out['module_list_slice_repr'] = repr_2x(ml[1:])
    ml.insert(1, nn.Linear(2, 2))
    ml.append(nn.Linear(1, 1))
    del ml[0]
    out['module_list_ops_repr'] = repr_2x(ml)
    out['module_list_index_error'] = error_of(lambda: ml[7])
    out['module_list_extend_error'] = error_of(lambda: nn.ModuleList().extend(3))
    md = nn.ModuleDict({'b': nn.Identity(), 'a': nn.Flatten()})
    md['c'] = nn.Linear(1, 1)
    md.pop('b')
    md.update([('d', nn.Identity())])
    out['module_dict_keys'] = list(md.keys())
    out['module_dict_repr'] = repr(md)
    out['module_dict_keys_error'] = error_of(lambda: md.__setitem__('keys', nn.Identity()))
    holder = ParamHolder()
    out['parameter_holder_state_keys'] = list(holder.state_dict().keys())
    out['parameter_holder_named_parameters'] = names(holder.named_parameters())
    pd = nn.ParameterDict()
    out['parameter_dict_key_error'] = error_of(lambda: pd.__setitem__(3, nn.Parameter(torch.ones(1))))
    out['parameter_dict_dot_error'] = error_of(lambda: pd.__setitem__('x.y', nn.Parameter(torch.ones(1))))
    out['parameter_list_index_error'] = error_of(lambda: nn.ParameterList([torch.ones(1)])[3])
    return out


# ---------------------------------------------------------------------------------------------------
# Gradient clipping
# ---------------------------------------------------------------------------------------------------

def clip_cases():
    cases = []
    for max_norm, norm_type in [(1.0, 2.0), (0.5, 1.0), (100.0, 2.0), (0.3, math.inf), (2.0, 3.0), (0.1, 0.5)]:
        for dtype in (torch.float32, torch.float64):
            grads = [r(3, 4, dtype=dtype), r(5, dtype=dtype), r(2, 2, 2, dtype=dtype)]
            params = [torch.zeros(g.shape, dtype=dtype, requires_grad=True) for g in grads]
            for p, g in zip(params, grads):
                p.grad = g.clone()
            params.append(torch.zeros(2, dtype=dtype, requires_grad=True))  # no grad: skipped
            total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
            cases.append({'kind': 'norm', 'max_norm': max_norm, 'norm_type': encode(norm_type), 'grads': [encode_tensor(g) for g in grads],
                          'total': encode_tensor(total), 'clipped': [encode_tensor(p.grad) for p in params[:3]]})
    grads = [r(3, 4), r(5)]
    params = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_value_(params, 0.7)
    cases.append({'kind': 'value', 'clip_value': 0.7, 'grads': [encode_tensor(g) for g in grads], 'clipped': [encode_tensor(p.grad) for p in params]})
    p = torch.zeros(3, requires_grad=True)
    p.grad = torch.tensor([1.0, math.inf, 0.0])
    cases.append({'kind': 'nonfinite', 'max_norm': 1.0, 'norm_type': 2.0, 'grads': [encode_tensor(p.grad)],
                  'error': error_of(lambda: torch.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True))})
    cases.append({'kind': 'empty', 'total': encode_tensor(torch.nn.utils.clip_grad_norm_([torch.zeros(2, requires_grad=True)], 1.0))})
    params = [torch.arange(6.0).reshape(2, 3), torch.tensor([7.0, 8.0])]
    cases.append({'kind': 'to_vector', 'params': [encode_tensor(t) for t in params],
                  'vector': encode_tensor(torch.nn.utils.parameters_to_vector(params))})
    return cases


def main():
    write_fixture('nn_core_ops', op_cases())
    torch.manual_seed(0)
    reprs = {k: repr_2x(v) for k, v in repr_models().items()}
    write_fixture('nn_core', {
        'init': init_cases(),
        'gain': gain_cases(),
        'layers': layer_cases(),
        'model': model_case(),
        'reprs': reprs,
        'modules': module_cases(),
        'clip': clip_cases(),
    })


if __name__ == '__main__':
    main()
