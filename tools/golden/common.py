"""Shared helpers for the fixture generators: encode tensors and values as JSON the tests can read.

Encoding of a tensor: {"dtype": "float32", "shape": [2, 3], "data": [...]} where data holds the
elements in logical row-major order. Non-finite floats are the strings "nan", "inf", "-inf"; integers
beyond 2**53 are decimal strings; bools are JSON booleans. -0.0 stays -0.0 (JSON.parse keeps the sign).
"""
import json
import math
import os
import sys

import torch

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'golden')

DTYPE_NAMES = {
    torch.bool: 'bool', torch.uint8: 'uint8', torch.int8: 'int8', torch.int16: 'int16',
    torch.int32: 'int32', torch.int64: 'int64', torch.float32: 'float32', torch.float64: 'float64',
}
DTYPES = {name: dtype for dtype, name in DTYPE_NAMES.items()}


def encode_number(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2 ** 53 else str(v)
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return v


def encode_tensor(t):
    t = t.detach()
    if t._is_zerotensor():  # ATen's lazy zero tensors (e.g. from relu's double backward) have no data
        t = torch.zeros(t.shape, dtype=t.dtype)
    return {
        'dtype': DTYPE_NAMES[t.dtype],
        'shape': list(t.shape),
        'data': [encode_number(v) for v in t.reshape(-1).tolist()],
    }


def encode(value):
    """Encode tensors, numbers, lists/tuples and dicts recursively."""
    if isinstance(value, torch.Tensor):
        return {'tensor': encode_tensor(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, torch.dtype):
        return {'dtype': DTYPE_NAMES[value]}
    if isinstance(value, (int, float, bool)):
        return encode_number(value)
    return value


def write_fixture(name, payload):
    """Write test/golden/<name>.json deterministically (sorted keys off: order is meaningful)."""
    os.makedirs(GOLDEN_DIR, exist_ok=True)
    path = os.path.join(GOLDEN_DIR, name + '.json')
    with open(path, 'w') as f:
        json.dump({'generator': os.path.basename(sys.argv[0]), 'torch': torch.__version__, 'cases': payload},
                  f, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    print(f'wrote {path} ({len(payload)} cases)')
