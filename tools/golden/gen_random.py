"""Fixtures for src/tensor/random.ts: PyTorch's CPU generator, stream by stream.

Each case seeds the default generator, runs a list of ops in order and records every output, so the
tests check both the values and the order in which PyTorch consumes the mt19937 stream. Outputs of
100 elements or more are stored compactly as base64 of their little-endian bytes ('b64'); smaller ones
use common.encode_tensor's plain lists.

Run: /usr/bin/python3 tools/golden/gen_random.py
"""
import base64
import ctypes
import math
import random
import struct
import warnings

import numpy as np
import torch

from common import DTYPES, encode_number, encode_tensor, write_fixture

SEEDS = [0, 1, 42, 12345, 2 ** 40 + 7]
SIZES = [1, 2, 7, 15, 16, 17, 31, 100, 1000]
FLOATS = ['float32', 'float64']


def encode_output(t):
    t = t.detach().contiguous()
    if t.numel() >= 100:
        return {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape),
                'b64': base64.b64encode(t.numpy().tobytes()).decode('ascii')}
    return encode_tensor(t)


def fixed_probs(n, seed, dtype, zeros=()):
    """Probabilities from a private generator, so they do not touch the default stream."""
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(n, generator=g, dtype=torch.float64)
    for i in zeros:
        p[i] = 0.0
    return p.to(DTYPES[dtype])


def run_op(op):
    kind = op['op']
    dt = DTYPES[op.get('dtype', 'float32')]
    n = op.get('n', 0)
    if kind == 'rand':
        return torch.rand(n, dtype=dt)
    if kind == 'uniform':
        return torch.empty(n, dtype=dt).uniform_(op['from'], op['to'])
    if kind == 'randn':
        return torch.randn(n, dtype=dt)
    if kind == 'normal':
        if op.get('noncontiguous'):
            t = torch.empty(2 * n, dtype=dt)[::2]
            assert not t.is_contiguous()
        else:
            t = torch.empty(n, dtype=dt)
        return t.normal_(op['mean'], op['std'])
    if kind == 'randint':
        return torch.randint(op['low'], op['high'], (n,), dtype=dt)
    if kind == 'randperm':
        return torch.randperm(n, dtype=dt)
    if kind == 'bernoulli_scalar':
        return torch.empty(n, dtype=dt).bernoulli_(op['p'])
    if kind == 'bernoulli_tensor':
        return torch.bernoulli(torch.tensor(op['probs'], dtype=dt))
    if kind == 'exponential':
        return torch.empty(n, dtype=dt).exponential_(op['lambd'])
    if kind == 'multinomial':
        return torch.multinomial(torch.tensor(op['probs'], dtype=dt), op['num_samples'], op['replacement'])
    if kind == 'state':
        return [int(b) for b in torch.get_rng_state().tolist()]
    if kind == 'set_state':
        torch.set_rng_state(torch.tensor(op['bytes'], dtype=torch.uint8))
        return [int(b) for b in torch.get_rng_state().tolist()]
    raise ValueError(kind)


def case(name, seed, ops):
    torch.manual_seed(seed)
    outputs = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        for op in ops:
            out = run_op(op)
            outputs.append(out if isinstance(out, list) else encode_output(out))
    result = {'name': name, 'seed': encode_number(seed), 'ops': [encode_args(op) for op in ops], 'outputs': outputs}
    messages = [str(w.message).split(' (Triggered internally')[0] for w in caught]
    if messages:
        result['warnings'] = messages
    return result


def encode_args(args):
    """Op arguments as JSON: big integers as decimal strings, non-finite floats as strings."""
    def enc(v):
        if isinstance(v, list):
            return [enc(x) for x in v]
        if isinstance(v, (bool, str)):
            return v
        return encode_number(v)
    return {k: enc(v) for k, v in args.items()}


def build_cases():
    cases = []
    # rand / randn for every seed, size and dtype: each size from a fresh seed.
    for seed in SEEDS:
        for dtype in FLOATS:
            for kind in ['rand', 'randn']:
                for n in SIZES:
                    cases.append(case(f'{kind} {dtype} n={n} seed={seed}', seed, [{'op': kind, 'dtype': dtype, 'n': n}]))
    # Long streams for a few configurations.
    for dtype in FLOATS:
        cases.append(case(f'randn {dtype} n=10000 seed=0', 0, [{'op': 'randn', 'dtype': dtype, 'n': 10000}]))
        cases.append(case(f'rand {dtype} n=10000 seed=42', 42, [{'op': 'rand', 'dtype': dtype, 'n': 10000}]))
    cases.append(case('randn float32 n=9999 seed=12345', 12345, [{'op': 'randn', 'dtype': 'float32', 'n': 9999}]))
    # normal_ / uniform_ with non-trivial parameters (fused multiply-adds), every path.
    for dtype in FLOATS:
        for n in [5, 16, 33, 1000]:
            cases.append(case(f'normal_(0.7, 2.3) {dtype} n={n}', 7, [
                {'op': 'normal', 'dtype': dtype, 'n': n, 'mean': 0.7, 'std': 2.3}]))
            cases.append(case(f'normal_(-1e3, 1e-3) {dtype} n={n}', 8, [
                {'op': 'normal', 'dtype': dtype, 'n': n, 'mean': -1000.0, 'std': 0.001}]))
            cases.append(case(f'uniform_(-3.7, 11.3) {dtype} n={n}', 9, [
                {'op': 'uniform', 'dtype': dtype, 'n': n, 'from': -3.7, 'to': 11.3}]))
        cases.append(case(f'uniform_(1e-3, 1e-3 + 1e-9) {dtype}', 10, [
            {'op': 'uniform', 'dtype': dtype, 'n': 50, 'from': 1e-3, 'to': 1e-3 + 1e-9}]))
        cases.append(case(f'normal_ non-contiguous {dtype} n=40', 11, [
            {'op': 'normal', 'dtype': dtype, 'n': 40, 'mean': 0.5, 'std': 3.0, 'noncontiguous': True}]))
        cases.append(case(f'normal_(0, 0) {dtype}', 12, [
            {'op': 'normal', 'dtype': dtype, 'n': 20, 'mean': 0.0, 'std': 0.0}]))
    # randint: small ranges, ranges needing 64 bits, negative bounds, several dtypes.
    for seed in [0, 42, 2 ** 40 + 7]:
        for n in [1, 7, 100]:
            cases.append(case(f'randint(0, 10) int64 n={n} seed={seed}', seed, [
                {'op': 'randint', 'dtype': 'int64', 'n': n, 'low': 0, 'high': 10}]))
            cases.append(case(f'randint(-5, 2**33) int64 n={n} seed={seed}', seed, [
                {'op': 'randint', 'dtype': 'int64', 'n': n, 'low': -5, 'high': 2 ** 33}]))
    for dtype, low, high in [
        ('int64', -2 ** 62, 2 ** 62), ('int64', -2 ** 63, 2 ** 63 - 1), ('int64', 2 ** 40, 2 ** 40 + 3),
        ('int64', -100, 2 ** 32 - 1), ('int64', 0, 2 ** 32), ('int32', -2 ** 31, 2 ** 31 - 1),
        ('int32', -7, 7), ('int16', -300, 300), ('int8', -128, 128), ('uint8', 0, 256),
        ('float32', -1000, 1000), ('float32', 0, 2 ** 24), ('float32', 0, 2 ** 33), ('float64', 0, 2 ** 40),
        ('float64', -3, 3), ('bool', 0, 2),
    ]:
        cases.append(case(f'randint({low}, {high}) {dtype}', 5, [
            {'op': 'randint', 'dtype': dtype, 'n': 50, 'low': low, 'high': high}]))
    # randperm.
    for n in [0, 1, 2, 3, 10, 100, 1000, 10000]:
        cases.append(case(f'randperm({n})', n + 1, [{'op': 'randperm', 'dtype': 'int64', 'n': n}]))
    for dtype in ['int32', 'float32', 'float64', 'int16']:
        cases.append(case(f'randperm(50) {dtype}', 3, [{'op': 'randperm', 'dtype': dtype, 'n': 50}]))
    # Bernoulli: scalar p (53-bit uniforms) and per-element probabilities (24 or 53 bits by dtype).
    for dtype in FLOATS + ['int64', 'uint8']:
        for p in [0.0, 0.3, 0.5, 1.0]:
            cases.append(case(f'bernoulli_({p}) {dtype}', 13, [
                {'op': 'bernoulli_scalar', 'dtype': dtype, 'n': 64, 'p': p}]))
    for dtype in FLOATS:
        probs = fixed_probs(200, 99, dtype)
        probs[:4] = torch.tensor([0.0, 1.0, 0.5, 0.25], dtype=DTYPES[dtype])
        cases.append(case(f'bernoulli(probs) {dtype}', 14, [
            {'op': 'bernoulli_tensor', 'dtype': dtype, 'probs': probs.tolist()}]))
    # Exponential.
    for dtype in FLOATS:
        for lambd in [1.0, 0.5, 3.7]:
            cases.append(case(f'exponential_({lambd}) {dtype}', 15, [
                {'op': 'exponential', 'dtype': dtype, 'n': 100, 'lambd': lambd}]))
        cases.append(case(f'exponential_(0) {dtype}', 15, [{'op': 'exponential', 'dtype': dtype, 'n': 5, 'lambd': 0.0}]))
    # Multinomial: 1-D and 2-D, with and without replacement, one and many samples, zero probabilities
    # (ties, broken as libstdc++'s nth_element/sort/partial_sort leave them), both topk algorithms.
    for dtype in FLOATS:
        p1 = fixed_probs(10, 1, dtype).tolist()
        p2 = fixed_probs(12, 2, dtype).reshape(3, 4).tolist()
        zeros = [0.1, 0.0, 0.5, 0.0, 0.2, 0.0, 0.0, 0.0]
        big = fixed_probs(300, 3, dtype).tolist()
        sparse = [0.0] * 200
        sparse[17] = 0.3
        sparse[150] = 0.7
        for probs, label in [(p1, '1-D'), (p2, '2-D'), (zeros, 'zeros'), (big, '300 categories'),
                             (sparse, '200 categories, 2 nonzero')]:
            for num, repl in [(1, False), (1, True), (3, False), (3, True), (8, False), (40, True)]:
                cols = len(probs[0]) if isinstance(probs[0], list) else len(probs)
                if not repl and num > cols:
                    continue
                cases.append(case(f'multinomial {label} {dtype} n={num} replacement={repl}', 16, [
                    {'op': 'multinomial', 'dtype': dtype, 'probs': probs, 'num_samples': num,
                     'replacement': repl}]))
        many_zeros = fixed_probs(100, 4, dtype, zeros=range(10, 100)).tolist()
        for probs, num, label in [(big, 100, '300 categories'), (many_zeros, 60, '100 categories, 10 nonzero'),
                                  (many_zeros, 99, '100 categories, 10 nonzero')]:
            cases.append(case(f'multinomial {label} {dtype} n={num} replacement=False', 18, [
                {'op': 'multinomial', 'dtype': dtype, 'probs': probs, 'num_samples': num, 'replacement': False}]))
        cases.append(case(f'multinomial unnormalised {dtype}', 17, [
            {'op': 'multinomial', 'dtype': dtype, 'probs': [3.0, 1.0, 0.0, 6.0], 'num_samples': 20,
             'replacement': True}]))
    # Mixed calls from one seed: stream consumption order, the scalar normal path's cached value.
    mixed = [
        {'op': 'randn', 'dtype': 'float32', 'n': 3},
        {'op': 'rand', 'dtype': 'float32', 'n': 20},
        {'op': 'randn', 'dtype': 'float32', 'n': 20},
        {'op': 'randn', 'dtype': 'float32', 'n': 3},
        {'op': 'randn', 'dtype': 'float64', 'n': 1},
        {'op': 'state'},
        {'op': 'randint', 'dtype': 'int64', 'n': 5, 'low': 0, 'high': 100},
        {'op': 'randn', 'dtype': 'float64', 'n': 17},
        {'op': 'randperm', 'dtype': 'int64', 'n': 8},
        {'op': 'rand', 'dtype': 'float64', 'n': 4},
        {'op': 'bernoulli_scalar', 'dtype': 'float32', 'n': 6, 'p': 0.5},
        {'op': 'exponential', 'dtype': 'float32', 'n': 6, 'lambd': 2.0},
        {'op': 'randn', 'dtype': 'float64', 'n': 5},
        {'op': 'state'},
    ]
    for seed in [0, 2 ** 40 + 7]:
        cases.append(case(f'mixed sequence seed={seed}', seed, mixed))
    # get_rng_state across the 624-word refill and with a cached normal.
    cases.append(case('state after 700 draws', 3, [
        {'op': 'rand', 'dtype': 'float32', 'n': 700}, {'op': 'state'}, {'op': 'rand', 'dtype': 'float32', 'n': 5}]))
    cases.append(case('state with cached normal', 4, [
        {'op': 'randn', 'dtype': 'float64', 'n': 1}, {'op': 'state'}, {'op': 'randn', 'dtype': 'float64', 'n': 2}]))
    cases.append(case('state right after seeding', 2 ** 64 - 1, [{'op': 'state'}]))
    # set_rng_state with the legacy 5048-byte layout (its cached normal is rho * sin(2*pi*x)) and with a
    # cached float normal in the current layout.
    torch.manual_seed(21)
    torch.rand(3)
    state = bytearray(torch.get_rng_state().numpy().tobytes())
    legacy = bytearray(state[:5048])
    struct.pack_into('<d', legacy, 5016, 0.3)  # normal_x
    struct.pack_into('<d', legacy, 5032, 1.7)  # normal_rho
    struct.pack_into('<i', legacy, 5040, 1)  # normal_is_valid
    current = bytearray(state)
    struct.pack_into('<f', current, 5048, 0.625)
    current[5052] = 1
    cases.append(case('set_rng_state legacy layout', 0, [
        {'op': 'set_state', 'bytes': list(legacy)}, {'op': 'randn', 'dtype': 'float64', 'n': 3},
        {'op': 'set_state', 'bytes': list(current)}, {'op': 'rand', 'dtype': 'float32', 'n': 3}, {'op': 'state'}]))
    return cases


def error_cases():
    """Messages PyTorch gives for bad arguments."""
    calls = [
        ('randint', {'low': 5, 'high': 3, 'dtype': 'int64'}, lambda: torch.randint(5, 3, (3,))),
        ('randint', {'low': 3, 'high': 3, 'dtype': 'int64'}, lambda: torch.randint(3, 3, (3,))),
        ('randint', {'low': 0, 'high': 2 ** 40, 'dtype': 'int32'}, lambda: torch.randint(0, 2 ** 40, (3,), dtype=torch.int32)),
        ('randint', {'low': -2 ** 40, 'high': 0, 'dtype': 'int32'}, lambda: torch.randint(-2 ** 40, 0, (3,), dtype=torch.int32)),
        ('randint', {'low': 0, 'high': 300, 'dtype': 'uint8'}, lambda: torch.randint(0, 300, (3,), dtype=torch.uint8)),
        ('randint', {'low': -1, 'high': 3, 'dtype': 'uint8'}, lambda: torch.randint(-1, 3, (3,), dtype=torch.uint8)),
        ('randint', {'low': 0, 'high': 3, 'dtype': 'bool'}, lambda: torch.randint(0, 3, (3,), dtype=torch.bool)),
        ('randint', {'low': 0, 'high': 200, 'dtype': 'int8'}, lambda: torch.randint(0, 200, (3,), dtype=torch.int8)),
        ('randint', {'low': 0, 'high': 40000, 'dtype': 'int16'}, lambda: torch.randint(0, 40000, (3,), dtype=torch.int16)),
        ('uniform', {'from': 2.0, 'to': 1.0, 'dtype': 'float32'}, lambda: torch.empty(3).uniform_(2, 1)),
        ('uniform', {'from': 0.0, 'to': 1e39, 'dtype': 'float32'}, lambda: torch.empty(3).uniform_(0, 1e39)),
        ('uniform', {'from': -1e39, 'to': 0.0, 'dtype': 'float32'}, lambda: torch.empty(3).uniform_(-1e39, 0)),
        ('uniform', {'from': -1e308, 'to': 1e308, 'dtype': 'float64'},
         lambda: torch.empty(3, dtype=torch.float64).uniform_(-1e308, 1e308)),
        ('uniform', {'from': -3e38, 'to': 3e38, 'dtype': 'float32'}, lambda: torch.empty(3).uniform_(-3e38, 3e38)),
        ('normal', {'mean': 0.0, 'std': -1.0, 'dtype': 'float32'}, lambda: torch.empty(3).normal_(0, -1)),
        ('normal', {'mean': 0.0, 'std': -0.25, 'dtype': 'float64'}, lambda: torch.empty(3, dtype=torch.float64).normal_(0, -0.25)),
        ('exponential', {'lambd': -1.0, 'dtype': 'float32'}, lambda: torch.empty(3).exponential_(-1)),
        ('exponential', {'lambd': -2.5, 'dtype': 'float64'}, lambda: torch.empty(3, dtype=torch.float64).exponential_(-2.5)),
        ('bernoulli_scalar', {'p': 1.5, 'dtype': 'float32'}, lambda: torch.empty(3).bernoulli_(1.5)),
        ('bernoulli_scalar', {'p': -0.1, 'dtype': 'float32'}, lambda: torch.empty(3).bernoulli_(-0.1)),
        ('bernoulli_tensor', {'probs': [0.5, 1.5], 'dtype': 'float32'}, lambda: torch.bernoulli(torch.tensor([0.5, 1.5]))),
        ('bernoulli_tensor', {'probs': [0.5, -0.5], 'dtype': 'float64'},
         lambda: torch.bernoulli(torch.tensor([0.5, -0.5], dtype=torch.float64))),
        ('randperm', {'n': -1, 'dtype': 'int64'}, lambda: torch.randperm(-1)),
        ('randperm', {'n': 2 ** 24 + 2, 'dtype': 'float32'}, lambda: torch.randperm(2 ** 24 + 2, dtype=torch.float32)),
        ('randperm', {'n': 300, 'dtype': 'uint8'}, lambda: torch.randperm(300, dtype=torch.uint8)),
        ('randperm', {'n': 200, 'dtype': 'int8'}, lambda: torch.randperm(200, dtype=torch.int8)),
        ('multinomial', {'probs': [0.5, -0.1], 'num_samples': 1, 'replacement': False},
         lambda: torch.multinomial(torch.tensor([0.5, -0.1]), 1)),
        ('multinomial', {'probs': [0.5, -0.1], 'num_samples': 2, 'replacement': True},
         lambda: torch.multinomial(torch.tensor([0.5, -0.1]), 2, True)),
        ('multinomial', {'probs': [0.0, 0.0], 'num_samples': 1, 'replacement': False},
         lambda: torch.multinomial(torch.tensor([0.0, 0.0]), 1)),
        ('multinomial', {'probs': [0.0, 0.0], 'num_samples': 2, 'replacement': True},
         lambda: torch.multinomial(torch.tensor([0.0, 0.0]), 2, True)),
        ('multinomial', {'probs': [[0.2, 0.3], [0.0, 0.0]], 'num_samples': 1, 'replacement': False},
         lambda: torch.multinomial(torch.tensor([[0.2, 0.3], [0.0, 0.0]]), 1)),
        ('multinomial', {'probs': [0.2, 0.3], 'num_samples': 3, 'replacement': False},
         lambda: torch.multinomial(torch.tensor([0.2, 0.3]), 3)),
        ('multinomial', {'probs': [0.2, float('inf')], 'num_samples': 1, 'replacement': False},
         lambda: torch.multinomial(torch.tensor([0.2, float('inf')]), 1)),
        ('multinomial', {'probs': [0.2, float('inf')], 'num_samples': 3, 'replacement': True},
         lambda: torch.multinomial(torch.tensor([0.2, float('inf')]), 3, True)),
        ('multinomial', {'probs': [0.2, float('nan')], 'num_samples': 3, 'replacement': True},
         lambda: torch.multinomial(torch.tensor([0.2, float('nan')]), 3, True)),
        ('multinomial', {'probs': [0.2, 0.3], 'num_samples': 0, 'replacement': False},
         lambda: torch.multinomial(torch.tensor([0.2, 0.3]), 0)),
        ('manual_seed', {'seed': 2 ** 64}, lambda: torch.manual_seed(2 ** 64)),
        ('manual_seed', {'seed': -2 ** 63 - 1}, lambda: torch.manual_seed(-2 ** 63 - 1)),
        ('set_state', {'size': 100}, lambda: torch.set_rng_state(torch.zeros(100, dtype=torch.uint8))),
        ('set_state', {'size': 5056}, lambda: torch.set_rng_state(torch.zeros(5056, dtype=torch.uint8))),
    ]
    out = []
    for kind, args, fn in calls:
        try:
            fn()
        except RuntimeError as e:
            out.append({'kind': kind, 'args': encode_args(args), 'message': str(e).split('\n')[0]})
        else:
            raise AssertionError(f'{kind} {args} did not raise')
    return out


def seed_cases():
    """initial_seed() after manual_seed(s), including negative seeds (taken modulo 2^64)."""
    out = []
    for s in [0, 1, -1, -2 ** 63, 2 ** 64 - 1, 2 ** 32 + 5, 67280421310721]:
        torch.manual_seed(s)
        out.append({'seed': str(s), 'initial_seed': str(torch.initial_seed())})
    return out


def b64_doubles(values):
    return base64.b64encode(np.asarray(values, dtype='<f8').tobytes()).decode('ascii')


def libm_values():
    """glibc's log, sin, cos and sincos (what PyTorch's kernels call) on inputs covering their branches."""
    libm = ctypes.CDLL('libm.so.6')
    sincos = libm.sincos
    sincos.argtypes = [ctypes.c_double, ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double)]
    s, c = ctypes.c_double(), ctypes.c_double()
    rng = random.Random(5)
    xs = [1.0, 0.5, 2.0, 1 - 2 ** -53, 1 + 2 ** -52, 5e-324, 1e-310, 1e300, math.pi, -math.pi, 0.0, -0.0, 1e-9,
          0.855469, 2.426265, -2.426265, 0.126, -0.126, 1e8]
    for i in range(2400):
        k = i % 6
        if k == 0:
            xs.append(1 - rng.getrandbits(53) / 2 ** 53)
        elif k == 1:
            xs.append(rng.uniform(1 - 2 ** -4, 1 + 0x109 / 2 ** 12))
        elif k == 2:
            xs.append(2 * math.pi * rng.getrandbits(53) / 2 ** 53)
        elif k == 3:
            xs.append(rng.uniform(-3, 3))
        elif k == 4:
            xs.append(rng.uniform(-1, 1) * 10 ** rng.uniform(-9, 8))
        else:
            xs.append(rng.uniform(0, 0.2))
    logs, sins, coss, ss, cs = [], [], [], [], []
    for x in xs:
        logs.append(math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan))
        sins.append(math.sin(x))
        coss.append(math.cos(x))
        sincos(x, ctypes.byref(s), ctypes.byref(c))
        ss.append(s.value)
        cs.append(c.value)
    return {'x': b64_doubles(xs), 'log': b64_doubles(logs), 'sin': b64_doubles(sins), 'cos': b64_doubles(coss),
            'sincos_sin': b64_doubles(ss), 'sincos_cos': b64_doubles(cs)}


def main():
    write_fixture('random', {'streams': build_cases(), 'errors': error_cases(), 'seeds': seed_cases(),
                             'libm': libm_values()})


if __name__ == '__main__':
    main()
