"""Fixtures for torch.save / torch.load and safetensors (tstorch's src/io).

Two directions:

1. Files written by real PyTorch, in test/golden/io/ (kept small):
   cnn.pt          the blitz CNN's state_dict (conv 1->6 5x5, pool, conv 6->16 5x5, pool, fc 256->120->84->10)
   mlp.pt          an MLP's state_dict (Sequential of Linear/ReLU/Linear); mlp.safetensors the same tensors
   lstm.pt         an nn.LSTM's state_dict (tstorch has no LSTM: the test runs the cell equations)
   dtypes.pt       one tensor of every dtype torch.save stores (float16 and bfloat16 included)
   views.pt        a tensor and views of it (shared storage), a Parameter, an expanded (stride 0) view
   nested.pt       nested dicts/lists/tuples/OrderedDicts of tensors, numbers, strings, bytes, None
   legacy.pt       views.pt's objects in the legacy (non-zip) format
   optimizer.pt    SGD and Adam state_dicts after some steps, with the next gradient
   dtypes.safetensors  every safetensors dtype tstorch reads (F8/U16/U32/U64 as raw bytes)
   module.pt, evil.pt, set.pt   pickles naming globals the weights-only loader refuses
   The JSON fixture (test/golden/io.json) holds what tstorch must load from them: values, shapes,
   strides, sharing, and the models' outputs for recorded inputs.

2. Files written by tstorch: the generator builds the TypeScript tree, runs the scenarios of
   test/io/scenarios.ts with node, and checks each file with PyTorch: torch.load(weights_only=True)
   where PyTorch 1.13's weights-only loader can read it (it lacks BINFLOAT, which 2.x added; files with
   Python floats are checked by an audit of their opcodes and globals against 2.x's weights-only
   loader, then loaded with torch.load). Where PyTorch writes the same object, the bytes must be
   identical to torch.save's. The sha256 of each verified file is recorded; the TypeScript test checks
   that tstorch still writes exactly those bytes.

PyTorch 1.13 has no safetensors package (nor can one be installed here): `st_serialize` below is a port
of the reference serializer (huggingface/safetensors, tensor.rs `prepare`/`serialize`).
"""
import copy
import hashlib
import io
import json
import math
import os
import pickle
import pickletools
import shutil
import struct
import subprocess
import tempfile
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

from common import encode, encode_tensor, write_fixture
from models import BlitzNet

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
IO_DIR = os.path.join(ROOT, 'test', 'golden', 'io')


def path(name):
    return os.path.join(IO_DIR, name)


def as_loaded(t):
    """What tstorch loads: float16/bfloat16 become float32."""
    t = t.detach()
    return t.float() if t.dtype in (torch.float16, torch.bfloat16) else t


def enc(t):
    return encode_tensor(as_loaded(t))


def layout(t):
    return {'shape': list(t.shape), 'stride': list(t.stride()), 'offset': t.storage_offset()}


def raw_sha(t):
    return hashlib.sha256(t.detach().contiguous().numpy().tobytes()).hexdigest()


# ---- safetensors (port of the reference serializer) ----

ST_ORDER = ['BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16',
            'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64']
ST_NAMES = {torch.bool: 'BOOL', torch.uint8: 'U8', torch.int8: 'I8', torch.int16: 'I16', torch.float16: 'F16',
            torch.bfloat16: 'BF16', torch.int32: 'I32', torch.float32: 'F32', torch.float64: 'F64', torch.int64: 'I64'}


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def st_serialize(items, metadata=None):
    """items: name -> tensor, or name -> (dtype name, shape, raw little-endian bytes)."""
    rows = []
    for name, v in items.items():
        if isinstance(v, torch.Tensor):
            rows.append((name, ST_NAMES[v.dtype], list(v.shape), tensor_bytes(v)))
        else:
            rows.append((name,) + tuple(v))
    rows.sort(key=lambda r: (-ST_ORDER.index(r[1]), r[0].encode()))
    header = {}
    if metadata is not None:
        header['__metadata__'] = metadata
    offset = 0
    for name, dtype, shape, data in rows:
        header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
    js = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode()
    js += b' ' * ((8 - len(js) % 8) % 8)
    return struct.pack('<Q', len(js)) + js + b''.join(r[3] for r in rows)


def st_parse(data):
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    return header, data[8 + n:]


# ---- float8 decodings (PyTorch 1.13 has no float8 dtypes: the formats' definitions) ----

def f8_e4m3fn(b):
    s = -1.0 if b & 0x80 else 1.0
    e, m = (b >> 3) & 15, b & 7
    if e == 15 and m == 7:
        return math.nan
    return s * (m * 2.0 ** -9 if e == 0 else (1 + m / 8) * 2.0 ** (e - 7))


def f8_e5m2(b):
    s = -1.0 if b & 0x80 else 1.0
    e, m = (b >> 2) & 31, b & 3
    if e == 31:
        return math.nan if m else s * math.inf
    return s * (m * 2.0 ** -16 if e == 0 else (1 + m / 4) * 2.0 ** (e - 15))


def f8_e8m0(b):
    return math.nan if b == 255 else 2.0 ** (b - 127)


# ---- models ----

def mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def write(name, obj, **kwargs):
    torch.save(obj, path(name), **kwargs)


def legacy_bytes(obj):
    """The legacy format of obj, its storage keys (memory addresses) renamed k0, k1, ... to be reproducible."""
    b = io.BytesIO()
    torch.save(obj, b, _use_new_zipfile_serialization=False)
    data = b.getvalue()
    f = io.BytesIO(data)
    for _ in range(4):  # magic number, protocol version, system info, the object
        for _op in pickletools.genops(f):
            pass
    keys = pickle.load(f)
    for i, key in enumerate(keys):
        old = key.encode()
        new = f'k{i}'.encode()
        data = data.replace(b'X' + struct.pack('<I', len(old)) + old, b'X' + struct.pack('<I', len(new)) + new)
    return data


class Evil:
    def __reduce__(self):
        return (os.system, ('echo this must never run',))


def pytorch_files():
    out = {}

    torch.manual_seed(0)
    cnn = BlitzNet().eval()
    x = torch.randn(2, 1, 28, 28)
    sd = cnn.state_dict()
    write('cnn.pt', sd)
    out['cnn'] = {
        'keys': list(sd.keys()),
        'tensors': {k: {'shape': list(v.shape), 'sha256': raw_sha(v)} for k, v in sd.items()},
        'input': encode_tensor(x), 'output': encode_tensor(cnn(x)),
    }

    torch.manual_seed(1)
    m = mlp()
    x = torch.randn(5, 4)
    sd = m.state_dict()
    write('mlp.pt', sd)
    with open(path('mlp.safetensors'), 'wb') as f:
        f.write(st_serialize(sd, {'format': 'pt', 'source': 'gen_io.py'}))
    out['mlp'] = {'state_dict': {k: enc(v) for k, v in sd.items()}, 'input': encode_tensor(x), 'output': encode_tensor(m(x)),
                  'metadata': {'format': 'pt', 'source': 'gen_io.py'}}

    torch.manual_seed(2)
    lstm = nn.LSTM(3, 4)
    x = torch.randn(5, 1, 3)
    sd = lstm.state_dict()
    write('lstm.pt', sd)
    y, (h, c) = lstm(x)
    out['lstm'] = {'state_dict': {k: enc(v) for k, v in sd.items()}, 'input': encode_tensor(x),
                   'output': encode_tensor(y), 'h': encode_tensor(h), 'c': encode_tensor(c)}

    dt = OrderedDict([
        ('bool', torch.tensor([True, False, True])),
        ('uint8', torch.tensor([0, 1, 255], dtype=torch.uint8)),
        ('int8', torch.tensor([-128, 0, 127], dtype=torch.int8)),
        ('int16', torch.tensor([-32768, 7, 32767], dtype=torch.int16)),
        ('int32', torch.tensor([-2 ** 31, 5, 2 ** 31 - 1], dtype=torch.int32)),
        ('int64', torch.tensor([-2 ** 63, 2 ** 53 + 1, 2 ** 63 - 1], dtype=torch.int64)),
        ('float16', torch.tensor([1.0, -2.5, 65504.0, 6e-8, math.inf, math.nan, -0.0, 0.1], dtype=torch.float16)),
        ('bfloat16', torch.tensor([1.0, -2.5, 3.0e38, 1e-40, -math.inf, math.nan, 0.1], dtype=torch.bfloat16)),
        ('float32', torch.tensor([1.5, -3.25e-5, math.inf, math.nan, -0.0, 3.4e38], dtype=torch.float32)),
        ('float64', torch.tensor([1 / 3, -1e308, 5e-324, math.nan], dtype=torch.float64)),
        ('matrix', torch.arange(12, dtype=torch.float32).reshape(3, 4)),
        ('scalar', torch.tensor(7.0)),
        ('empty', torch.zeros(0, 3)),
    ])
    write('dtypes.pt', dt)
    out['dtypes'] = {k: enc(v) for k, v in dt.items()}

    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    views = OrderedDict([
        ('base', base),
        ('row', base[1]),
        ('col', base[:, 2]),
        ('block', base[1:3, 2:5]),
        ('transposed', base.t()),
        ('expanded', base[0, :3].unsqueeze(0).expand(3, 3)),
        ('other', torch.arange(3, dtype=torch.int64)),
        ('param', nn.Parameter(torch.tensor([1.0, 2.0]))),
        ('frozen', nn.Parameter(torch.tensor([3.0]), requires_grad=False)),
    ])
    write('views.pt', views)
    with open(path('legacy.pt'), 'wb') as f:
        f.write(legacy_bytes(views))
    out['views'] = {k: dict(layout(v), value=enc(v), shares_base=v.storage().data_ptr() == base.storage().data_ptr(),
                            parameter=isinstance(v, nn.Parameter), requires_grad=v.requires_grad) for k, v in views.items()}

    shared = torch.tensor([1.0, 2.0])
    nested = {
        'list': [shared, 1, -2, 2.5, 'text', None, True, False],
        'tuple': (shared, 3, (4, (5,))),
        'dict': {'inner': {'t': torch.tensor([[1, 2]], dtype=torch.int32), 'deep': [[[]]]}},
        'od': OrderedDict([('b', 1), ('a', 2)]),
        'int_keys': {0: 'zero', 7: 'seven'},
        'big': 2 ** 62, 'huge': -(2 ** 100), 'small': -1, 'nan': math.nan, 'inf': -math.inf,
        'text': 'héllo ✓', 'bytes': b'\x00\xffab', 'empty': {}, 'none': None,
        'dtype': torch.float64, 'size': torch.Size([2, 3]),
    }
    write('nested.pt', nested)
    out['nested'] = {'shared': encode_tensor(shared), 'int32': encode_tensor(nested['dict']['inner']['t'])}

    torch.manual_seed(3)
    optim_cases = {}
    for name, make in [('sgd', lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01)),
                       ('adam', lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.9), weight_decay=0.1))]:
        w = torch.randn(3, 4, requires_grad=True)
        b = torch.randn(3, requires_grad=True)
        opt = make([w, b])
        for _ in range(3):
            opt.zero_grad()
            (w.sin().sum() + (b * b).sum()).backward()
            opt.step()
        grads = [torch.randn(3, 4), torch.randn(3)]
        optim_cases[name] = {'params': [w.detach().clone(), b.detach().clone()], 'state': copy.deepcopy(opt.state_dict()), 'grads': grads}
        w.grad, b.grad = grads[0].clone(), grads[1].clone()
        opt.step()
        out.setdefault('optimizer', {})[name] = {'after': [encode_tensor(w), encode_tensor(b)]}
    write('optimizer.pt', optim_cases)

    torch.manual_seed(4)
    write('module.pt', nn.Linear(2, 1))
    write('evil.pt', {'payload': Evil()})
    write('set.pt', {'s': {1, 2}})

    raw = OrderedDict([
        ('bool', torch.tensor([True, False])),
        ('u8', torch.tensor([0, 200], dtype=torch.uint8)),
        ('i8', torch.tensor([-5, 5], dtype=torch.int8)),
        ('i16', torch.tensor([-300, 300], dtype=torch.int16)),
        ('i32', torch.tensor([-70000, 70000], dtype=torch.int32)),
        ('i64', torch.tensor([-2 ** 40, 2 ** 62], dtype=torch.int64)),
        ('f16', torch.tensor([0.5, -65504.0, math.inf], dtype=torch.float16)),
        ('bf16', torch.tensor([0.5, -1e30], dtype=torch.bfloat16)),
        ('f32', torch.tensor([[1.5, 2.5], [3.5, -4.5]])),
        ('f64', torch.tensor([math.pi], dtype=torch.float64)),
        ('u16', ('U16', [3], np.array([0, 1, 65535], dtype='<u2').tobytes())),
        ('u32', ('U32', [2], np.array([7, 2 ** 32 - 1], dtype='<u4').tobytes())),
        ('u64', ('U64', [2], np.array([9, 2 ** 63 - 1], dtype='<u8').tobytes())),
        ('f8_e4m3', ('F8_E4M3', [16, 16], bytes(range(256)))),
        ('f8_e5m2', ('F8_E5M2', [256], bytes(range(256)))),
        ('f8_e8m0', ('F8_E8M0', [256], bytes(range(256)))),
    ])
    with open(path('dtypes.safetensors'), 'wb') as f:
        f.write(st_serialize(raw))
    expected = {k: enc(v) for k, v in raw.items() if isinstance(v, torch.Tensor)}
    expected['u16'] = encode_tensor(torch.tensor([0, 1, 65535], dtype=torch.int32))
    expected['u32'] = encode_tensor(torch.tensor([7, 2 ** 32 - 1], dtype=torch.int64))
    expected['u64'] = encode_tensor(torch.tensor([9, 2 ** 63 - 1], dtype=torch.int64))
    expected['f8_e4m3'] = encode_tensor(torch.tensor([f8_e4m3fn(b) for b in range(256)]).reshape(16, 16))
    expected['f8_e5m2'] = encode_tensor(torch.tensor([f8_e5m2(b) for b in range(256)]))
    expected['f8_e8m0'] = encode_tensor(torch.tensor([f8_e8m0(b) for b in range(256)]))
    out['safetensors_dtypes'] = expected
    return out


# ---- files written by tstorch ----

# Opcodes and globals PyTorch 2.x's weights-only unpickler accepts (a superset of 1.13's, which lacks
# BINFLOAT); the audit applies to the files 1.13's loader cannot read with weights_only=True.
WEIGHTS_ONLY_OPS = {
    'PROTO', 'STOP', 'MARK', 'GLOBAL', 'REDUCE', 'BUILD', 'NEWOBJ', 'APPEND', 'APPENDS', 'SETITEM', 'SETITEMS',
    'TUPLE', 'TUPLE1', 'TUPLE2', 'TUPLE3', 'EMPTY_TUPLE', 'EMPTY_LIST', 'EMPTY_DICT', 'EMPTY_SET', 'NONE',
    'NEWTRUE', 'NEWFALSE', 'BININT', 'BININT1', 'BININT2', 'LONG1', 'BINUNICODE', 'BINFLOAT', 'BINPERSID',
    'BINGET', 'LONG_BINGET', 'BINPUT', 'LONG_BINPUT',
}
WEIGHTS_ONLY_GLOBALS = {'collections OrderedDict', 'torch._utils _rebuild_tensor_v2', 'torch._utils _rebuild_parameter'} | {
    f'torch {n}' for n in ['FloatStorage', 'DoubleStorage', 'LongStorage', 'IntStorage', 'ShortStorage', 'CharStorage',
                           'ByteStorage', 'BoolStorage', 'float32', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']}


def audit_pickle(data):
    for op, arg, _ in pickletools.genops(data):
        assert op.name in WEIGHTS_ONLY_OPS, f'opcode {op.name} is not accepted by the weights-only loader'
        if op.name == 'GLOBAL':
            assert arg in WEIGHTS_ONLY_GLOBALS, f'global {arg} is not accepted by the weights-only loader'


def pickle_of(data):
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(data))
    return z.read([n for n in z.namelist() if n.endswith('/data.pkl')][0])


def torch_bytes(obj):
    b = io.BytesIO()
    torch.save(obj, b)
    return b.getvalue()


def load_checked(data):
    """PyTorch's view of a tstorch .pt file, and how it was checked."""
    try:
        return torch.load(io.BytesIO(data), weights_only=True), 'torch.load(weights_only=True)'
    except pickle.UnpicklingError as e:
        if 'Unsupported operand 71' not in str(e):  # BINFLOAT, accepted by 2.x's weights-only loader
            raise
    audit_pickle(pickle_of(data))
    return torch.load(io.BytesIO(data)), "2.x weights-only opcode/global audit + torch.load"


def assert_same(a, b, where='value'):
    assert type(a) is type(b) or (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)), f'{where}: {type(a)} != {type(b)}'
    if isinstance(a, torch.Tensor):
        assert type(a) is type(b), f'{where}: {type(a)} != {type(b)}'
        assert a.dtype == b.dtype and a.shape == b.shape and a.stride() == b.stride(), f'{where}: layout'
        assert a.requires_grad == b.requires_grad, f'{where}: requires_grad'
        assert torch.equal(a, b) or (a.is_floating_point() and torch.equal(a.isnan(), b.isnan()) and torch.equal(a.nan_to_num(), b.nan_to_num())), f'{where}: values'
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys()), f'{where}: keys {list(a.keys())} != {list(b.keys())}'
        for k in a:
            assert_same(a[k], b[k], f'{where}[{k!r}]')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f'{where}: length'
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f'{where}[{i}]')
    else:
        assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), f'{where}: {a!r} != {b!r}'


def storages_shared(obj, names):
    ptrs = [obj[n].storage().data_ptr() for n in names]
    return all(p == ptrs[0] for p in ptrs)


def expected_objects():
    """The objects the scenarios of test/io/scenarios.ts build, built the same way in PyTorch."""
    a = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    shared = torch.tensor([1.0, 2.0])
    exp = {
        'dict_views': {'a': a, 'row': a[1], 'col': a[:, 1], 'b': torch.tensor([1, 2], dtype=torch.int64)},
        'all_dtypes': {
            'bool': torch.tensor([True, False]), 'uint8': torch.tensor([0, 255], dtype=torch.uint8),
            'int8': torch.tensor([-128, 127], dtype=torch.int8), 'int16': torch.tensor([-32768, 32767], dtype=torch.int16),
            'int32': torch.tensor([-2 ** 31, 2 ** 31 - 1], dtype=torch.int32),
            'int64': torch.tensor([-2 ** 63, 2 ** 63 - 1], dtype=torch.int64),
            'float32': torch.tensor([0.1, -math.inf, math.nan]), 'float64': torch.tensor([0.1, 1e-310], dtype=torch.float64),
            'scalar': torch.tensor(3, dtype=torch.int64), 'empty': torch.zeros(2, 0),
        },
        'nested': {
            'list': [shared, 1, -2, 2.5, 'text', None, True], 'tuple': (shared, 3, (4, (5,)), 6),
            'dict': {'x': {'y': torch.tensor([[1, 2]], dtype=torch.int32)}, 'empty': []},
            'od': OrderedDict([('b', 1), ('a', torch.tensor([0.5]))]), 'big': 2 ** 62, 'huge': -(2 ** 100),
            'int_keys': {0: 'zero', 7: shared}, 'text': 'héllo ✓', 'dtype': torch.float64,
        },
        'parameters': {'w': nn.Parameter(torch.tensor([[1.0, 2.0]])), 'frozen': nn.Parameter(torch.tensor([3.0]), requires_grad=False)},
    }
    return exp


def tstorch_files(pytorch_out):
    """Runs test/io/scenarios.ts with node, checks every file it writes with PyTorch."""
    subprocess.run(['npx', 'tsc', '-p', 'tsconfig.json'], cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    script = os.path.join(ROOT, 'dist', 'test', 'io', 'scenarios.js')
    assert os.path.exists(script), 'the TypeScript build did not produce dist/test/io/scenarios.js'
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run(['node', script, tmp], cwd=ROOT, check=True)
        files = {n: open(os.path.join(tmp, n), 'rb').read() for n in sorted(os.listdir(tmp))}
    finally:
        shutil.rmtree(tmp)
    expected = expected_objects()
    results = {}
    for name, data in files.items():
        key, ext = os.path.splitext(name)
        entry = {'sha256': hashlib.sha256(data).hexdigest(), 'size': len(data)}
        if ext == '.pt':
            loaded, how = load_checked(data)
            entry['verified_by'] = how
            if key in expected:
                assert_same(expected[key], loaded, key)
                entry['identical_to_torch_save'] = data == torch_bytes(expected[key])
                assert entry['identical_to_torch_save'], f'{name}: bytes differ from torch.save'
            if key == 'dict_views':
                assert storages_shared(loaded, ['a', 'row', 'col'])
            if key == 'nested':
                assert loaded['list'][0] is loaded['tuple'][0] is loaded['int_keys'][7]
            if key == 'cnn_resave':
                net = BlitzNet().eval()
                net.load_state_dict(loaded)
                ref = torch.load(path('cnn.pt'))
                assert_same(OrderedDict(ref.items()), loaded, key)
                entry['identical_to_torch_save'] = data == torch_bytes(OrderedDict(ref.items()))
                assert entry['identical_to_torch_save']
                x = torch.tensor(np.array(pytorch_out['cnn']['input']['data'], dtype=np.float32)).reshape(pytorch_out['cnn']['input']['shape'])
                assert torch.equal(net(x), torch.tensor(np.array(pytorch_out['cnn']['output']['data'], dtype=np.float32)).reshape(2, 10))
            if key == 'optimizer_resave':
                ref = torch.load(path('optimizer.pt'))
                for opt_name, make in [('sgd', torch.optim.SGD), ('adam', torch.optim.Adam)]:
                    params = [p.clone().requires_grad_() for p in ref[opt_name]['params']]
                    opt = make(params, lr=1.0)
                    opt.load_state_dict(loaded[opt_name])
                    for p, g in zip(params, ref[opt_name]['grads']):
                        p.grad = g.clone()
                    opt.step()
                    after = pytorch_out['optimizer'][opt_name]['after']
                    for p, e in zip(params, after):
                        want = torch.tensor(e['data'], dtype=torch.float32).reshape(e['shape'])
                        torch.testing.assert_close(p.detach(), want, rtol=0, atol=0)
        else:
            header, body = st_parse(data)
            entry['verified_by'] = 'reference safetensors serializer (ported)'
            if key == 'mlp':
                sd = torch.load(path('mlp.pt'))
                ref = st_serialize(sd, {'format': 'pt'})
                entry['identical_to_reference'] = data == ref
                assert entry['identical_to_reference'], f'{name}: bytes differ from the reference serializer'
            if key == 'half':
                src = torch.tensor([0.1, -2.5e-5, 65519.0, 70000.0, 1e-8, 3.0e38, -0.0, math.inf, math.nan])
                items = {'f16': src.to(torch.float16), 'bf16': src.to(torch.bfloat16), 'f32': src,
                         'f16_from_f64': src.double().to(torch.float16)}
                ref = st_serialize(items, {'note': 'converted by tstorch'})
                entry['identical_to_reference'] = data == ref
                assert entry['identical_to_reference'], f'{name}: F16/BF16 bytes differ from PyTorch .to(dtype)'
        results[name] = entry
    return results


def main():
    if os.path.isdir(IO_DIR):
        shutil.rmtree(IO_DIR)
    os.makedirs(IO_DIR)
    out = pytorch_files()
    out['written'] = tstorch_files(out)
    write_fixture('io', [out])
    sizes = sum(os.path.getsize(path(n)) for n in os.listdir(IO_DIR))
    print(f'test/golden/io: {len(os.listdir(IO_DIR))} files, {sizes} bytes')


if __name__ == '__main__':
    main()
