"""Fixtures for the recurrent layers (RNN, LSTM, GRU and their cells), MultiheadAttention and
F.scaled_dot_product_attention.

Writes three files:
- test/golden/rnn.json, replayed by test/nn/rnn.test.ts:
  modules   a layer built after manual_seed: its state_dict (exact), repr, and for an input (and optional
            initial state) the output, final state(s), and the gradients of
            sum(output * u0) + sum(h_n * u1) [+ sum(c_n * u2)] w.r.t. the input, the initial state and every
            parameter; float64 cases also hold second derivatives (the gradient of <grads, v>).
            Train-mode cases with dropout between layers reseed before the forward: PyTorch's CPU RNN draws
            one dropout mask per layer output, in layer order, as F.dropout does.
  errors    PyTorch's message for a bad construction or call
  warnings  the warning a construction emits
- test/golden/attention.json, replayed by test/nn/attention.test.ts: MultiheadAttention cases (state,
  repr, output, attention weights, gradients of the output and weights w.r.t. the inputs and parameters),
  F.multi_head_attention_forward called directly (static keys and values, separate projections), and
  errors.
- test/golden/attention_ops.json: op cases of F.scaled_dot_product_attention for test/ops/harness.ts.

PyTorch 2.x behaviour (the installed PyTorch is 1.13; these fixtures hold 2.x's):
- F.scaled_dot_product_attention does not exist in 1.13: sdpa_2x ports 2.x's math backend
  (_scaled_dot_product_attention_math: q and k each scaled by sqrt(scale), a bool mask turned into an
  additive -inf mask, a causal mask from ones(L, S).tril(), _safe_softmax giving zeros for fully masked
  rows, at::dropout) and validate_sdpa_input's messages. On CPU 2.x may run a fused kernel instead, with
  the same values; the grad_fn recorded is the math backend's (its last matmul).
- MultiheadAttention: 2.x canonicalises bool masks to additive float masks (_canonical_mask), merges the
  key padding mask by addition, scales q by sqrt(1 / head_dim), averages weights with mean(dim=1), and
  with need_weights=False calls scaled_dot_product_attention (the is_causal hint). mha_forward_2x and
  mha_module_forward_2x port F.multi_head_attention_forward and MultiheadAttention.forward; for the cases
  1.13 can run, its own module's results are checked against the port here.
- RNN/LSTM/GRU and the cells check dims (and the RNNs the input dtype) before 1.13's checks, with 2.x's
  messages (checks_2x); 2.x rejects hidden_size <= 0 and num_layers <= 0 and names the choices of an
  unknown nonlinearity; MultiheadAttention rejects embed_dim <= 0 or num_heads <= 0.
"""
import math
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import encode, encode_tensor, write_fixture
from opcases import make_case, rand

GEN = torch.Generator().manual_seed(2024)


def r(*shape, dtype=torch.float32, low=-1.0, high=1.0):
    return rand(*shape, dtype=dtype, low=low, high=high, gen=GEN)


def randn_like_gen(t):
    return torch.randn(t.shape, generator=GEN, dtype=t.dtype)


def error_of(fn):
    try:
        fn()
    except Exception as e:  # the message is the fixture
        return str(e.args[0]) if e.args else str(e)
    raise AssertionError('expected an error')


def cpp_name(dtype):
    return {torch.float32: 'float', torch.float64: 'double', torch.int64: 'long int', torch.bool: 'bool',
            torch.int32: 'int', torch.uint8: 'unsigned char'}[dtype]


# ---------------------------------------------------------------------------------------------------
# Recurrent layers
# ---------------------------------------------------------------------------------------------------

RNN_CLASSES = {'RNN': nn.RNN, 'LSTM': nn.LSTM, 'GRU': nn.GRU,
               'RNNCell': nn.RNNCell, 'LSTMCell': nn.LSTMCell, 'GRUCell': nn.GRUCell}


def make_rnn(name, args, kwargs):
    kw = dict(kwargs)
    if 'dtype' in kw:
        kw['dtype'] = getattr(torch, kw['dtype'])
    if name == 'RNN' and kw.get('nonlinearity', 'tanh') not in ('tanh', 'relu'):
        # 2.x names the choices.
        raise ValueError(f"Unknown nonlinearity '{kw['nonlinearity']}'. Select from 'tanh' or 'relu'.")
    if name in ('RNN', 'LSTM', 'GRU'):
        hidden = args[1]
        if hidden <= 0:
            raise ValueError('hidden_size must be greater than zero')
        if kw.get('num_layers', 1) <= 0:
            raise ValueError('num_layers must be greater than zero')
    return RNN_CLASSES[name](*args, **kw)


def checks_2x(module, input, hx):
    """The checks 2.x's forward makes before 1.13's (which it shares)."""
    name = type(module).__name__
    if name.endswith('Cell'):
        if input.dim() not in (1, 2):
            raise ValueError(f'{name}: Expected input to be 1D or 2D, got {input.dim()}D instead')
        if name == 'LSTMCell':
            for idx, value in enumerate(hx or ()):
                if value.dim() not in (1, 2):
                    raise ValueError(f'LSTMCell: Expected hx[{idx}] to be 1D or 2D, got {value.dim()}D instead')
        elif hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f'{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead')
        return
    if input.dim() not in (2, 3):
        suffix = ' tensor' if name == 'RNN' else ''
        raise ValueError(f'{name}: Expected input to be 2D or 3D, got {input.dim()}D{suffix} instead')
    if input.dtype != module._flat_weights[0].dtype:
        raise ValueError(f'input must have the type {module._flat_weights[0].dtype}, got type {input.dtype}')


def call_rnn(module, x, hx):
    checks_2x(module, x, hx)
    return module(x) if hx is None else module(x, hx)


def flatten_state(state):
    return list(state) if isinstance(state, tuple) else [state]


def rnn_case(name, args, kwargs, x_shape, hx_shapes=None, seed=0, train=False, dropout_seed=None,
             dtype=torch.float32, second_order=False):
    torch.manual_seed(seed)
    m = make_rnn(name, args, kwargs).train(train)
    case = {'layer': name, 'args': list(args), 'kwargs': kwargs, 'seed': seed, 'train': train,
            'dropout_seed': dropout_seed, 'repr': repr(m),
            'state': [[k, encode_tensor(v)] for k, v in m.state_dict().items()]}
    x = r(*x_shape, dtype=dtype).requires_grad_()
    hx = None
    if hx_shapes is not None:
        hs = [r(*s, dtype=dtype).requires_grad_() for s in hx_shapes]
        hx = tuple(hs) if name in ('LSTM', 'LSTMCell') else hs[0]
    case['input'] = encode_tensor(x)
    case['hx'] = None if hx is None else [encode_tensor(h) for h in flatten_state(hx)]
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
    result = call_rnn(m, x, hx)
    if name.endswith('Cell'):
        outs = flatten_state(result)
    else:
        outs = [result[0]] + flatten_state(result[1])
    case['outputs'] = [encode_tensor(o) for o in outs]
    upstream = [randn_like_gen(o) for o in outs]
    case['upstream'] = [encode_tensor(u) for u in upstream]
    names = [n for n, _ in m.named_parameters()]
    params = [p for _, p in m.named_parameters()]
    wrt = [x] + ([] if hx is None else flatten_state(hx)) + params
    loss = sum((o * u).sum() for o, u in zip(outs, upstream))
    grads = torch.autograd.grad(loss, wrt, create_graph=second_order)
    n_state = 0 if hx is None else len(flatten_state(hx))
    case['input_grad'] = encode_tensor(grads[0])
    case['hx_grads'] = None if hx is None else [encode_tensor(g) for g in grads[1:1 + n_state]]
    case['param_grads'] = [[n, encode_tensor(g)] for n, g in zip(names, grads[1 + n_state:])]
    if second_order:
        vs = [randn_like_gen(g) for g in grads]
        gg = torch.autograd.grad(sum((g * v).sum() for g, v in zip(grads, vs)), wrt, allow_unused=True)
        case['gg_v'] = [encode_tensor(v) for v in vs]
        case['gradgrads'] = [None if g is None else encode_tensor(g) for g in gg]
    return case


def rnn_module_cases():
    cases = []
    add = cases.append
    T, B, I, H = 4, 2, 3, 4
    seed = iter(range(100, 1000))
    for name in ('RNN', 'LSTM', 'GRU'):
        n_states = 2 if name == 'LSTM' else 1

        def hx(layers_dirs, batch=B, hidden=H, proj=None):
            shapes = [(layers_dirs, batch, proj or hidden)]
            if n_states == 2:
                shapes.append((layers_dirs, batch, hidden))
            return shapes

        add(rnn_case(name, (I, H), {}, (T, B, I), seed=next(seed)))
        add(rnn_case(name, (I, H), {}, (T, B, I), hx(1), seed=next(seed)))
        add(rnn_case(name, (I, H), {'num_layers': 2}, (T, B, I), hx(2), seed=next(seed)))
        add(rnn_case(name, (I, H), {'batch_first': True}, (B, T, I), seed=next(seed)))
        add(rnn_case(name, (I, H), {'batch_first': True}, (B, T, I), hx(1), seed=next(seed)))
        add(rnn_case(name, (I, H), {'bidirectional': True}, (T, B, I), seed=next(seed)))
        add(rnn_case(name, (I, H), {'num_layers': 2, 'bidirectional': True, 'batch_first': True}, (B, T, I), hx(4), seed=next(seed)))
        add(rnn_case(name, (I, H), {'num_layers': 3, 'bias': False}, (T, B, I), seed=next(seed)))
        # Unbatched: (T, I) with a (L * D, H) state; batch_first does not apply.
        add(rnn_case(name, (I, H), {}, (T, I), seed=next(seed)))
        add(rnn_case(name, (I, H), {'num_layers': 2, 'bidirectional': True, 'batch_first': True}, (T, I),
                     [s[:1] + s[2:] for s in hx(4)], seed=next(seed)))
        # Dropout between layers: eval mode applies none; train mode draws one mask per layer output.
        add(rnn_case(name, (I, H), {'num_layers': 2, 'dropout': 0.5}, (T, B, I), seed=next(seed), train=False))
        add(rnn_case(name, (I, H), {'num_layers': 3, 'dropout': 0.4}, (T, B, I), seed=next(seed), train=True, dropout_seed=7))
        add(rnn_case(name, (I, H), {'num_layers': 2, 'dropout': 0.3, 'bidirectional': True}, (T, B, I), hx(4),
                     seed=next(seed), train=True, dropout_seed=11))
        # float64, with second derivatives.
        add(rnn_case(name, (I, H), {'num_layers': 2, 'bidirectional': True, 'dtype': 'float64'}, (3, B, I), hx(4),
                     seed=next(seed), dtype=torch.float64, second_order=True))
    add(rnn_case('RNN', (I, H), {'nonlinearity': 'relu'}, (T, B, I), [(1, B, H)], seed=next(seed)))
    add(rnn_case('RNN', (I, H), {'nonlinearity': 'relu', 'num_layers': 2, 'bidirectional': True}, (T, B, I), seed=next(seed)))
    # Projections (LSTM only): h has proj_size features.
    P = 2
    add(rnn_case('LSTM', (I, H), {'proj_size': P}, (T, B, I), seed=next(seed)))
    add(rnn_case('LSTM', (I, H), {'proj_size': P, 'num_layers': 2, 'bidirectional': True}, (T, B, I),
                 [(4, B, P), (4, B, H)], seed=next(seed)))
    add(rnn_case('LSTM', (I, H), {'proj_size': P, 'bias': False, 'batch_first': True, 'dtype': 'float64'}, (B, 3, I),
                 [(1, B, P), (1, B, H)], seed=next(seed), dtype=torch.float64, second_order=True))
    # A longer sequence and a bigger layer.
    add(rnn_case('LSTM', (10, 20), {'num_layers': 2, 'batch_first': True}, (3, 12, 10), seed=next(seed)))
    return cases


def rnn_cell_cases():
    cases = []
    add = cases.append
    B, I, H = 3, 3, 4
    seed = iter(range(2000, 3000))
    for name in ('RNNCell', 'LSTMCell', 'GRUCell'):
        n = 2 if name == 'LSTMCell' else 1
        add(rnn_case(name, (I, H), {}, (B, I), seed=next(seed)))
        add(rnn_case(name, (I, H), {}, (B, I), [(B, H)] * n, seed=next(seed)))
        add(rnn_case(name, (I, H), {'bias': False}, (B, I), [(B, H)] * n, seed=next(seed)))
        add(rnn_case(name, (I, H), {}, (I,), [(H,)] * n, seed=next(seed)))
        add(rnn_case(name, (I, H), {}, (I,), seed=next(seed)))
        add(rnn_case(name, (I, H), {'dtype': 'float64'}, (B, I), [(B, H)] * n, seed=next(seed),
                     dtype=torch.float64, second_order=True))
    add(rnn_case('RNNCell', (I, H), {'nonlinearity': 'relu'}, (B, I), [(B, H)], seed=next(seed)))
    return cases


def rnn_error(name, args, kwargs, x=None, hx=None):
    """The message of building the layer, or of calling it on tensors of the given shapes (and dtype)."""
    def run():
        m = make_rnn(name, args, kwargs)
        if x is not None:
            xs = torch.zeros(x[0], dtype=getattr(torch, x[1])) if isinstance(x, tuple) else torch.zeros(x)
            h = None
            if hx is not None:
                hs = [torch.zeros(s) for s in hx]
                h = tuple(hs) if name in ('LSTM', 'LSTMCell') else hs[0]
            call_rnn(m, xs, h)
    return {'layer': name, 'args': list(args), 'kwargs': kwargs, 'input': x, 'hx': hx, 'error': error_of(run)}


def rnn_errors():
    return [
        rnn_error('LSTM', (10, 20), {}, [5, 3, 5]),
        rnn_error('GRU', (10, 20), {'batch_first': True}, [3, 5, 7]),
        rnn_error('RNN', (10, 20), {}, [5, 7]),
        rnn_error('LSTM', (10, 20), {}, [2, 3, 4, 10]),
        rnn_error('GRU', (10, 20), {}, [10]),
        rnn_error('RNN', (10, 20), {}, [2, 3, 4, 10]),
        rnn_error('RNN', (10, 20), {}, ([5, 3, 10], 'float64')),
        rnn_error('LSTM', (10, 20), {}, ([5, 3, 10], 'float64')),
        rnn_error('RNN', (10, 20), {'num_layers': 2}, [5, 3, 10], [[1, 3, 20]]),
        rnn_error('GRU', (10, 20), {'bidirectional': True}, [5, 3, 10], [[2, 4, 20]]),
        rnn_error('GRU', (10, 20), {'batch_first': True}, [3, 5, 10], [[1, 5, 20]]),
        rnn_error('RNN', (10, 20), {}, [5, 3, 10], [[3, 20]]),
        rnn_error('RNN', (10, 20), {}, [5, 10], [[1, 1, 20]]),
        rnn_error('LSTM', (10, 20), {}, [5, 3, 10], [[1, 3, 20], [1, 3, 19]]),
        rnn_error('LSTM', (10, 20), {}, [5, 3, 10], [[1, 3, 19], [1, 3, 20]]),
        rnn_error('LSTM', (10, 20), {'proj_size': 5}, [5, 3, 10], [[1, 3, 20], [1, 3, 20]]),
        rnn_error('LSTM', (10, 20), {}, [5, 3, 10], [[3, 20], [1, 3, 20]]),
        rnn_error('LSTM', (10, 20), {}, [5, 10], [[1, 3, 20], [1, 20]]),
        rnn_error('RNN', (10, 20), {'nonlinearity': 'sigmoid'}),
        rnn_error('LSTM', (10, 20), {'proj_size': 20}),
        rnn_error('LSTM', (10, 20), {'proj_size': -1}),
        rnn_error('GRU', (10, 0), {}),
        rnn_error('GRU', (10, 20), {'num_layers': 0}),
        rnn_error('LSTM', (10, 20), {'dropout': 1.5}),
        rnn_error('RNNCell', (10, 20), {}, [3, 5]),
        rnn_error('LSTMCell', (10, 20), {}, [3, 5]),
        rnn_error('GRUCell', (10, 20), {}, [2, 3, 10]),
        rnn_error('RNNCell', (10, 20), {}, [3, 10], [[2, 20]]),
        rnn_error('RNNCell', (10, 20), {}, [3, 10], [[3, 19]]),
        rnn_error('GRUCell', (10, 20), {}, [3, 10], [[1, 3, 20]]),
        rnn_error('LSTMCell', (10, 20), {}, [3, 10], [[3, 20], [4, 20]]),
        rnn_error('LSTMCell', (10, 20), {}, [3, 10], [[3, 21], [3, 20]]),
        rnn_error('LSTMCell', (10, 20), {}, [3, 10], [[3, 20], [1, 3, 20]]),
    ]


def rnn_warnings():
    out = []
    for name, args, kwargs in [('LSTM', (10, 20), {'dropout': 0.5}), ('GRU', (4, 4), {'dropout': 0.25, 'num_layers': 1})]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            make_rnn(name, args, kwargs)
        out.append({'layer': name, 'args': list(args), 'kwargs': kwargs, 'warnings': [str(w.message) for w in caught]})
    return out


RNN_REPRS = {
    'lstm': ('LSTM', (10, 20), {'num_layers': 2, 'batch_first': True}),
    'lstm_all': ('LSTM', (10, 20), {'num_layers': 3, 'bias': False, 'batch_first': True, 'dropout': 0.5,
                                    'bidirectional': True, 'proj_size': 5}),
    'rnn': ('RNN', (3, 4), {}),
    'rnn_relu': ('RNN', (3, 4), {'nonlinearity': 'relu', 'num_layers': 2}),
    'gru': ('GRU', (3, 4), {'bidirectional': True, 'dropout': 1.0, 'num_layers': 2}),
    'rnn_cell': ('RNNCell', (3, 4), {}),
    'rnn_cell_relu': ('RNNCell', (3, 4), {'bias': False, 'nonlinearity': 'relu'}),
    'lstm_cell': ('LSTMCell', (3, 4), {'bias': False}),
    'gru_cell': ('GRUCell', (3, 4), {}),
}


def rnn_reprs():
    return {k: repr(make_rnn(*v)) for k, v in RNN_REPRS.items()}


# ---------------------------------------------------------------------------------------------------
# Scaled dot-product attention (2.x's math backend)
# ---------------------------------------------------------------------------------------------------

def bool_to_additive(mask, dtype):
    """convert_boolean_attn_mask: True takes part (0), False is masked out (-inf)."""
    return torch.zeros(mask.shape, dtype=dtype).masked_fill_(mask.logical_not(), float('-inf'))


def safe_softmax(x, dim):
    out = torch.softmax(x, dim)
    masked_rows = (x == float('-inf')).all(dim, keepdim=True)
    return torch.where(masked_rows, torch.zeros((), dtype=out.dtype), out)


def sdpa_2x(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    if not (q.dtype == k.dtype == v.dtype):
        raise RuntimeError('Expected query, key, and value to have the same dtype, but got query.dtype: '
                           f'{cpp_name(q.dtype)} key.dtype: {cpp_name(k.dtype)} and value.dtype: {cpp_name(v.dtype)} instead.')
    if q.dim() < 2 or k.dim() < 2 or v.dim() < 2:
        raise RuntimeError('Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: '
                           f'{q.dim()} key.dim: {k.dim()} and value.dim: {v.dim()} instead.')
    if attn_mask is not None and attn_mask.dtype not in (torch.bool, torch.float32, q.dtype):
        raise RuntimeError('Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: '
                           f'{cpp_name(attn_mask.dtype)} and  query.dtype: {cpp_name(q.dtype)} instead.')
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        attn_mask = bool_to_additive(attn_mask, q.dtype)
    negative = scale is not None and scale < 0
    factor = math.sqrt(abs(scale) if scale is not None else 1.0 / math.sqrt(q.size(-1)))
    query = q * (-factor if negative else factor)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True')
        attn_mask = bool_to_additive(torch.ones(q.size(-2), k.size(-2), dtype=torch.bool).tril(), q.dtype)
    attn = torch.matmul(query, k.transpose(-2, -1) * factor)
    if attn_mask is not None:
        attn = attn + attn_mask
    attn = safe_softmax(attn, -1)
    if dropout_p > 0.0:
        attn = torch.dropout(attn, dropout_p, True)
    return torch.matmul(attn, v)


def sdpa_call(q, k, v, e):
    torch.manual_seed(e['seed'])
    return sdpa_2x(q, k, v, None, e['dropout_p'], e['is_causal'], e['scale'])


def sdpa_mask_call(q, k, v, m, e):
    torch.manual_seed(e['seed'])
    return sdpa_2x(q, k, v, m, e['dropout_p'], e['is_causal'], e['scale'])


def sdpa_cases():
    cases = []

    def extra(dropout_p=0.0, is_causal=False, scale=None, seed=0):
        return {'dropout_p': dropout_p, 'is_causal': is_causal, 'scale': scale, 'seed': seed}

    # float64 cases are also gradchecked (first and second order) by the harness: smaller shapes.
    for dtype, (N, H, L, S, E, Ev) in ((torch.float32, (2, 3, 4, 6, 5, 7)), (torch.float64, (1, 2, 3, 4, 3, 2))):
        q, k, v = r(N, H, L, E, dtype=dtype), r(N, H, S, E, dtype=dtype), r(N, H, S, Ev, dtype=dtype)
        cases.append(make_case('sdpa', sdpa_call, [q, k, v], extra()))
        cases.append(make_case('sdpa', sdpa_call, [q, k, v], extra(scale=0.3)))
        cases.append(make_case('sdpa', sdpa_call, [q, k, v], extra(scale=-0.5)))
        cases.append(make_case('sdpa', sdpa_call, [q, k, v], extra(is_causal=True)))
        # Causal with more queries than keys, and without head dimensions.
        cases.append(make_case('sdpa', sdpa_call, [r(3, S + 1, E, dtype=dtype), r(3, S, E, dtype=dtype), r(3, S, 2, dtype=dtype)], extra(is_causal=True)))
        cases.append(make_case('sdpa', sdpa_call, [r(L, 3, dtype=dtype), r(S, 3, dtype=dtype), r(S, 2, dtype=dtype)], extra()))
        # Broadcast batch dimensions.
        cases.append(make_case('sdpa', sdpa_call, [r(2, 1, L, 4, dtype=dtype), r(1, 2, S, 4, dtype=dtype), r(1, 2, S, 3, dtype=dtype)], extra()))
        # Masks: bool (True takes part) broadcast over batch and heads, float added to the scores.
        bool_mask = torch.rand(L, S, generator=GEN) > 0.4
        bool_mask[:, 0] = True
        cases.append(make_case('sdpa_mask', sdpa_mask_call, [q, k, v, bool_mask], extra()))
        cases.append(make_case('sdpa_mask', sdpa_mask_call, [q, k, v, r(N, 1, L, S, dtype=dtype)], extra(scale=0.7)))
        cases.append(make_case('sdpa_mask', sdpa_mask_call, [q, k, v, r(L, S, dtype=torch.float32)], extra()))
        # Dropout, with PyTorch's draws after manual_seed(seed).
        cases.append(make_case('sdpa', sdpa_call, [q, k, v], extra(dropout_p=0.4, seed=3)))
        cases.append(make_case('sdpa_mask', sdpa_mask_call, [q, k, v, bool_mask], extra(dropout_p=0.25, seed=5)))
        # A fully masked row gives zeros (_safe_softmax); its gradient is NaN in the math backend, so the
        # case records values only.
        full = bool_mask.clone()
        full[1] = False
        cases.append(make_case('sdpa_mask', sdpa_mask_call, [q, k, v, full], extra(), requires_grad=[False] * 4))
    # Errors.
    q, k, v = r(2, 4, 5), r(2, 6, 5), r(2, 6, 3)
    cases.append(make_case('sdpa', sdpa_call, [q, k.double(), v], extra()))
    cases.append(make_case('sdpa', sdpa_call, [r(5), k, v], extra()))
    cases.append(make_case('sdpa_mask', sdpa_mask_call, [q, k, v, torch.zeros(4, 6, dtype=torch.int64)], extra()))
    cases.append(make_case('sdpa_mask', sdpa_mask_call, [q, k, v, torch.ones(4, 6, dtype=torch.bool)], extra(is_causal=True)))
    return cases


# ---------------------------------------------------------------------------------------------------
# Multi-head attention (ports of 2.x's F.multi_head_attention_forward and MultiheadAttention.forward)
# ---------------------------------------------------------------------------------------------------

def canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    if mask is None:
        return None
    if mask.dtype != torch.bool and not torch.is_floating_point(mask):
        raise AssertionError(f'only bool and floating types of {mask_name} are supported')
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f'Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both instead.')
    if not torch.is_floating_point(mask):
        mask = torch.zeros_like(mask, dtype=target_type).masked_fill_(mask, float('-inf'))
    return mask


def none_or_dtype(t):
    return None if t is None else t.dtype


def mha_forward_2x(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k, bias_v,
                   add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=True, key_padding_mask=None,
                   need_weights=True, attn_mask=None, use_separate_proj_weight=False, q_proj_weight=None,
                   k_proj_weight=None, v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                   is_causal=False):
    is_batched = F._mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len, _, _ = key.shape
    key_padding_mask = canonical_mask(key_padding_mask, 'key_padding_mask', none_or_dtype(attn_mask), 'attn_mask', query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError('Need attn_mask if specifying the is_causal hint. You may use the Transformer module '
                           'method `generate_square_subsequent_mask` to create this mask.')
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None
    else:
        attn_mask = canonical_mask(attn_mask, 'attn_mask', None, '', query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    assert embed_dim == embed_dim_to_check, f'was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}'
    head_dim = embed_dim // num_heads
    assert head_dim * num_heads == embed_dim, f'embed_dim {embed_dim} not divisible by num_heads {num_heads}'
    if use_separate_proj_weight:
        assert key.shape[:2] == value.shape[:2], f"key's sequence and batch dims {key.shape[:2]} do not match value's {value.shape[:2]}"
    else:
        assert key.shape == value.shape, f'key shape {key.shape} does not match value shape {value.shape}'
    if not use_separate_proj_weight:
        q, k, v = F._in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = in_proj_bias.chunk(3)
        q, k, v = F._in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, b_q, b_k, b_v)
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if attn_mask.shape != (tgt_len, src_len):
                raise RuntimeError(f'The shape of the 2D attn_mask is {attn_mask.shape}, but should be {(tgt_len, src_len)}.')
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if attn_mask.shape != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f'The shape of the 3D attn_mask is {attn_mask.shape}, but should be {(bsz * num_heads, tgt_len, src_len)}.')
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        assert static_k is None, 'bias cannot be added to static key.'
        assert static_v is None, 'bias cannot be added to static value.'
        k = torch.cat([k, bias_k.repeat(1, bsz, 1)])
        v = torch.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    q = q.contiguous().view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.contiguous().view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        assert static_k.size(0) == bsz * num_heads, f'expecting static_k.size(0) of {bsz * num_heads}, but got {static_k.size(0)}'
        assert static_k.size(2) == head_dim, f'expecting static_k.size(2) of {head_dim}, but got {static_k.size(2)}'
        k = static_k
    if static_v is None:
        v = v.contiguous().view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        assert static_v.size(0) == bsz * num_heads, f'expecting static_v.size(0) of {bsz * num_heads}, but got {static_v.size(0)}'
        assert static_v.size(2) == head_dim, f'expecting static_v.size(2) of {head_dim}, but got {static_v.size(2)}'
        v = static_v
    if add_zero_attn:
        zero_attn_shape = (bsz * num_heads, 1, head_dim)
        k = torch.cat([k, torch.zeros(zero_attn_shape, dtype=k.dtype)], dim=1)
        v = torch.cat([v, torch.zeros(zero_attn_shape, dtype=v.dtype)], dim=1)
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    src_len = k.size(1)
    if key_padding_mask is not None:
        assert key_padding_mask.shape == (bsz, src_len), \
            f'expecting key_padding_mask shape of {(bsz, src_len)}, but got {key_padding_mask.shape}'
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    if need_weights:
        _, _, E = q.shape
        q_scaled = q * math.sqrt(1.0 / float(E))
        if attn_mask is not None:
            w = torch.baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
        else:
            w = torch.bmm(q_scaled, k.transpose(-2, -1))
        w = F.softmax(w, dim=-1)
        if dropout_p > 0.0:
            w = F.dropout(w, p=dropout_p)
        out = torch.bmm(w, v)
        out = out.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim)
        out = F.linear(out, out_proj_weight, out_proj_bias)
        out = out.view(tgt_len, bsz, out.size(1))
        w = w.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            w = w.mean(dim=1)
        if not is_batched:
            out, w = out.squeeze(1), w.squeeze(0)
        return out, w
    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    out = sdpa_2x(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).contiguous().view(bsz * tgt_len, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if not is_batched:
        out = out.squeeze(1)
    return out, None


def mha_module_forward_2x(m, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                          average_attn_weights=True, is_causal=False):
    is_batched = query.dim() == 3
    key_padding_mask = canonical_mask(key_padding_mask, 'key_padding_mask', none_or_dtype(attn_mask), 'attn_mask', query.dtype)
    attn_mask = canonical_mask(attn_mask, 'attn_mask', None, '', query.dtype, check_other=False)
    if m.batch_first and is_batched:
        if key is value:
            if query is key:
                query = key = value = query.transpose(1, 0)
            else:
                query, key = (x.transpose(1, 0) for x in (query, key))
                value = key
        else:
            query, key, value = (x.transpose(1, 0) for x in (query, key, value))
    common = dict(training=m.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
                  attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal)
    if not m._qkv_same_embed_dim:
        out, w = mha_forward_2x(query, key, value, m.embed_dim, m.num_heads, m.in_proj_weight, m.in_proj_bias,
                                m.bias_k, m.bias_v, m.add_zero_attn, m.dropout, m.out_proj.weight, m.out_proj.bias,
                                use_separate_proj_weight=True, q_proj_weight=m.q_proj_weight,
                                k_proj_weight=m.k_proj_weight, v_proj_weight=m.v_proj_weight, **common)
    else:
        out, w = mha_forward_2x(query, key, value, m.embed_dim, m.num_heads, m.in_proj_weight, m.in_proj_bias,
                                m.bias_k, m.bias_v, m.add_zero_attn, m.dropout, m.out_proj.weight, m.out_proj.bias,
                                **common)
    if m.batch_first and is_batched:
        return out.transpose(1, 0), w
    return out, w


def make_mha(args, kwargs):
    kw = dict(kwargs)
    if 'dtype' in kw:
        kw['dtype'] = getattr(torch, kw['dtype'])
    embed_dim, num_heads = args[0], args[1]
    if embed_dim <= 0 or num_heads <= 0:
        raise ValueError(f'embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and num_heads={num_heads} instead')
    return nn.MultiheadAttention(*args, **kw)


def mha_case(args, kwargs, q_shape, kv_shapes=None, shared='qkv', call=None, seed=0, train=False, dropout_seed=None,
             dtype=torch.float32):
    """shared: 'qkv' (self-attention: one tensor), 'kv' (key is value), 'none' (three tensors)."""
    call = dict(call or {})
    # 1.13 cannot merge a float key padding mask into an attention mask (2.x adds them).
    kpm = call.get('key_padding_mask')
    check_113 = kpm is None or kpm.dtype == torch.bool
    torch.manual_seed(seed)
    m = make_mha(args, kwargs).train(train)
    case = {'layer': 'MultiheadAttention', 'args': list(args), 'kwargs': kwargs, 'seed': seed, 'train': train,
            'dropout_seed': dropout_seed, 'repr': repr(m), 'shared': shared,
            'state': [[k, encode_tensor(v)] for k, v in m.state_dict().items()]}
    query = r(*q_shape, dtype=dtype).requires_grad_()
    if shared == 'qkv':
        key = value = query
    elif shared == 'kv':
        key = value = r(*kv_shapes[0], dtype=dtype).requires_grad_()
    else:
        key, value = r(*kv_shapes[0], dtype=dtype).requires_grad_(), r(*kv_shapes[1], dtype=dtype).requires_grad_()
    inputs = {'query': query} if shared == 'qkv' else {'query': query, 'key': key} if shared == 'kv' else {'query': query, 'key': key, 'value': value}
    case['inputs'] = {n: encode_tensor(t) for n, t in inputs.items()}
    case['call'] = {n: encode(v) for n, v in call.items()}
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
    out, w = mha_module_forward_2x(m, query, key, value, **call)
    if check_113:
        if dropout_seed is not None:
            torch.manual_seed(dropout_seed)
        kw113 = {k: v for k, v in call.items() if k != 'is_causal'}
        out113, w113 = m(query, key, value, **kw113)
        torch.testing.assert_close(out113, out)
        if w is not None:
            torch.testing.assert_close(w113, w)
    case['output'] = encode_tensor(out)
    case['weights'] = None if w is None else encode_tensor(w)
    outs = [out] if w is None else [out, w]
    upstream = [randn_like_gen(o) for o in outs]
    case['upstream'] = [encode_tensor(u) for u in upstream]
    names = [n for n, _ in m.named_parameters()]
    params = [p for _, p in m.named_parameters()]
    loss = sum((o * u).sum() for o, u in zip(outs, upstream))
    grads = torch.autograd.grad(loss, list(inputs.values()) + params)
    case['input_grads'] = {n: encode_tensor(g) for n, g in zip(inputs, grads)}
    case['param_grads'] = [[n, encode_tensor(g)] for n, g in zip(names, grads[len(inputs):])]
    return case


def mha_cases():
    cases = []
    add = cases.append
    E, H, L, S, N = 8, 2, 3, 5, 2
    seed = iter(range(5000, 6000))
    kpm = torch.tensor([[False, False, True, False, True], [False, True, False, False, False]])
    kpm_self = kpm[:, :L]
    bool_2d = torch.tensor([[False, True, False, False, False], [False, False, True, True, False], [True, False, False, False, False]])
    causal = torch.triu(torch.ones(L, L, dtype=torch.bool), 1)
    add(mha_case((E, H), {}, (L, N, E), seed=next(seed)))
    add(mha_case((E, H), {}, (L, N, E), call={'average_attn_weights': False}, seed=next(seed)))
    add(mha_case((E, H), {}, (L, N, E), call={'need_weights': False}, seed=next(seed)))
    add(mha_case((E, H), {}, (L, N, E), [(S, N, E)], shared='kv', seed=next(seed)))
    add(mha_case((E, H), {}, (L, N, E), [(S, N, E), (S, N, E)], shared='none', call={'need_weights': False}, seed=next(seed)))
    add(mha_case((E, 4), {'batch_first': True}, (N, L, E), seed=next(seed)))
    add(mha_case((E, H), {'batch_first': True}, (N, L, E), [(N, S, E)], shared='kv', call={'need_weights': False}, seed=next(seed)))
    add(mha_case((E, H), {'batch_first': True}, (N, L, E), [(N, S, E), (N, S, E)], shared='none',
                 call={'average_attn_weights': False}, seed=next(seed)))
    add(mha_case((E, H), {'bias': False}, (L, N, E), seed=next(seed)))
    add(mha_case((E, H), {'add_bias_kv': True, 'add_zero_attn': True}, (L, N, E), [(S, N, E)], shared='kv', seed=next(seed)))
    add(mha_case((E, H), {'add_bias_kv': True}, (L, N, E), call={'need_weights': False, 'key_padding_mask': kpm_self}, seed=next(seed)))
    add(mha_case((E, H), {'kdim': 5, 'vdim': 6}, (L, N, E), [(S, N, 5), (S, N, 6)], shared='none', seed=next(seed)))
    add(mha_case((E, 4), {'kdim': 5, 'vdim': 6, 'batch_first': True}, (N, L, E), [(N, S, 5), (N, S, 6)], shared='none',
                 call={'need_weights': False, 'attn_mask': bool_2d}, seed=next(seed)))
    # Masks: key padding (bool, float), attention (bool 2-D, float 3-D), both.
    for need in (True, False):
        add(mha_case((E, H), {}, (L, N, E), [(S, N, E)], shared='kv', call={'key_padding_mask': kpm, 'need_weights': need}, seed=next(seed)))
        add(mha_case((E, H), {}, (L, N, E), [(S, N, E)], shared='kv', call={'attn_mask': bool_2d, 'need_weights': need}, seed=next(seed)))
        add(mha_case((E, H), {}, (L, N, E), [(S, N, E)], shared='kv',
                     call={'attn_mask': bool_2d, 'key_padding_mask': kpm, 'need_weights': need}, seed=next(seed)))
        add(mha_case((E, H), {}, (L, N, E), [(S, N, E)], shared='kv',
                     call={'attn_mask': r(N * H, L, S), 'key_padding_mask': r(N, S), 'need_weights': need}, seed=next(seed)))
    # is_causal is a hint that attn_mask is the causal mask; without a key padding mask and weights it
    # reaches scaled_dot_product_attention as is_causal.
    add(mha_case((E, H), {}, (L, N, E), call={'attn_mask': causal, 'is_causal': True, 'need_weights': False}, seed=next(seed)))
    add(mha_case((E, H), {}, (L, N, E), call={'attn_mask': causal, 'is_causal': True}, seed=next(seed)))
    # Unbatched.
    add(mha_case((E, H), {}, (L, E), seed=next(seed)))
    add(mha_case((E, H), {'batch_first': True}, (L, E), [(S, E), (S, E)], shared='none',
                 call={'key_padding_mask': kpm[0], 'need_weights': False}, seed=next(seed)))
    add(mha_case((E, H), {}, (L, E), [(S, E)], shared='kv', call={'attn_mask': r(H, L, S), 'average_attn_weights': False}, seed=next(seed)))
    # Dropout on the attention weights (train mode), drawn after manual_seed.
    add(mha_case((E, H), {'dropout': 0.3}, (L, N, E), seed=next(seed), train=True, dropout_seed=3))
    add(mha_case((E, H), {'dropout': 0.3}, (L, N, E), [(S, N, E)], shared='kv', call={'need_weights': False},
                 seed=next(seed), train=True, dropout_seed=4))
    add(mha_case((E, H), {'dropout': 0.3}, (L, N, E), seed=next(seed), train=False))
    # float64.
    add(mha_case((E, H), {'dtype': 'float64'}, (L, N, E), [(S, N, E)], shared='kv', call={'key_padding_mask': kpm},
                 seed=next(seed), dtype=torch.float64))
    return cases


def mha_functional_case(need_weights, static=False, separate=False, add_zero_attn=False, bias_kv=False, unbatched=False):
    """F.multi_head_attention_forward called directly: static keys and values, separate projections."""
    E, H, L, S, N = 6, 3, 2, 4, 2
    batch = () if unbatched else (N,)
    t = {'query': r(L, *batch, E), 'key': r(S, *batch, 5 if separate else E), 'value': r(S, *batch, 4 if separate else E)}
    if separate:
        t.update(q_proj_weight=r(E, E), k_proj_weight=r(E, 5), v_proj_weight=r(E, 4))
    else:
        t['in_proj_weight'] = r(3 * E, E)
    t.update(in_proj_bias=r(3 * E), out_proj_weight=r(E, E), out_proj_bias=r(E))
    if bias_kv:
        t.update(bias_k=r(1, 1, E), bias_v=r(1, 1, E))
    if static:
        t.update(static_k=r((N if not unbatched else 1) * H, S, E // H), static_v=r((N if not unbatched else 1) * H, S, E // H))
    for x in t.values():
        x.requires_grad_()
    options = {'need_weights': need_weights, 'add_zero_attn': add_zero_attn, 'use_separate_proj_weight': separate}
    out, w = mha_forward_2x(t['query'], t['key'], t['value'], E, H, t.get('in_proj_weight'), t['in_proj_bias'],
                            t.get('bias_k'), t.get('bias_v'), add_zero_attn, 0.0, t['out_proj_weight'], t['out_proj_bias'],
                            need_weights=need_weights, use_separate_proj_weight=separate,
                            q_proj_weight=t.get('q_proj_weight'), k_proj_weight=t.get('k_proj_weight'),
                            v_proj_weight=t.get('v_proj_weight'), static_k=t.get('static_k'), static_v=t.get('static_v'))
    if need_weights:
        out113, w113 = F.multi_head_attention_forward(
            t['query'], t['key'], t['value'], E, H, t.get('in_proj_weight'), t['in_proj_bias'], t.get('bias_k'),
            t.get('bias_v'), add_zero_attn, 0.0, t['out_proj_weight'], t['out_proj_bias'], use_separate_proj_weight=separate,
            q_proj_weight=t.get('q_proj_weight'), k_proj_weight=t.get('k_proj_weight'), v_proj_weight=t.get('v_proj_weight'),
            static_k=t.get('static_k'), static_v=t.get('static_v'))
        torch.testing.assert_close(out113, out)
        torch.testing.assert_close(w113, w)
    outs = [out] if w is None else [out, w]
    upstream = [randn_like_gen(o) for o in outs]
    grads = torch.autograd.grad(outs, list(t.values()), upstream, allow_unused=True)
    return {'tensors': {n: encode_tensor(x) for n, x in t.items()}, 'options': options,
            'output': encode_tensor(out), 'weights': None if w is None else encode_tensor(w),
            'upstream': [encode_tensor(u) for u in upstream],
            'grads': {n: None if g is None else encode_tensor(g) for n, g in zip(t, grads)}}


def mha_functional_cases():
    return [
        mha_functional_case(True),
        mha_functional_case(False, separate=True),
        mha_functional_case(True, static=True, add_zero_attn=True),
        mha_functional_case(False, static=True),
        mha_functional_case(True, bias_kv=True, add_zero_attn=True, unbatched=True),
        mha_functional_case(False, separate=True, bias_kv=True),
    ]


def mha_error(args, kwargs, q=None, k=None, v=None, call=None):
    def run():
        m = make_mha(args, kwargs)
        if q is not None:
            def t(spec):
                return torch.zeros(spec[0], dtype=getattr(torch, spec[1])) if isinstance(spec, tuple) else torch.zeros(spec)
            kw = {n: (t(s) if isinstance(s, (list, tuple)) else s) for n, s in (call or {}).items()}
            mha_module_forward_2x(m, t(q), t(k), t(v), **kw)
    return {'args': list(args), 'kwargs': kwargs, 'query': q, 'key': k, 'value': v, 'call': call or {}, 'error': error_of(run)}


def mha_errors():
    return [
        mha_error((8, 3), {}),
        mha_error((0, 2), {}),
        mha_error((8, 0), {}),
        mha_error((8, 2), {}, [3, 2, 6], [5, 2, 6], [5, 2, 6]),
        mha_error((8, 2), {}, [3, 2, 8], [5, 2, 8], [4, 2, 8]),
        mha_error((8, 2), {}, [3, 2, 8], [5, 8], [5, 8]),
        mha_error((8, 2), {}, [3, 8], [5, 2, 8], [5, 2, 8]),
        mha_error((8, 2), {}, [2, 3, 2, 8], [5, 2, 8], [5, 2, 8]),
        mha_error((8, 2), {}, [3, 2, 8], [5, 2, 8], [5, 2, 8], {'attn_mask': ([3, 4], 'bool')}),
        mha_error((8, 2), {}, [3, 2, 8], [5, 2, 8], [5, 2, 8], {'attn_mask': [3, 3, 5]}),
        mha_error((8, 2), {}, [3, 2, 8], [5, 2, 8], [5, 2, 8], {'attn_mask': [1, 1, 3, 5]}),
        mha_error((8, 2), {}, [3, 2, 8], [5, 2, 8], [5, 2, 8], {'key_padding_mask': ([2, 5], 'int64')}),
        mha_error((8, 2), {}, [3, 2, 8], [5, 2, 8], [5, 2, 8], {'key_padding_mask': ([5], 'bool')}),
        mha_error((8, 2), {}, [3, 8], [5, 8], [5, 8], {'attn_mask': [4, 3, 5]}),
        mha_error((8, 2), {}, [3, 2, 8], [5, 2, 8], [5, 2, 8], {'is_causal': True}),
        mha_error((8, 2), {'kdim': 5}, [3, 2, 8], [5, 2, 5], [4, 2, 8]),
    ]


def mha_reprs():
    return {
        'mha': repr(make_mha((8, 2), {})),
        'mha_options': repr(make_mha((6, 3), {'bias': False, 'kdim': 4, 'vdim': 5, 'batch_first': True, 'dropout': 0.1})),
    }


def mha_warnings():
    m = make_mha((8, 2), {})
    q = torch.zeros(3, 2, 8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        mha_module_forward_2x(m, q, q, q, key_padding_mask=torch.zeros(2, 3, dtype=torch.bool), attn_mask=torch.zeros(3, 3))
    return [str(w.message) for w in caught]


def main():
    write_fixture('rnn', {'modules': rnn_module_cases() + rnn_cell_cases(), 'errors': rnn_errors(),
                          'warnings': rnn_warnings(), 'reprs': rnn_reprs()})
    write_fixture('attention', {'modules': mha_cases(), 'functional': mha_functional_cases(), 'errors': mha_errors(),
                                'reprs': mha_reprs(), 'warnings': mha_warnings()})
    write_fixture('attention_ops', sdpa_cases())


if __name__ == '__main__':
    main()
