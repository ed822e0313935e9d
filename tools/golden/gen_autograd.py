"""Records torch.autograd.functional results (jacobian, hessian, vjp, jvp, hvp, vhp) and their errors
with real PyTorch, for test/autograd/functional.test.ts.

A case: {api, fn, inputs, v, options, result} or {..., error}. `fn` names a function that the TS test
defines the same way (FUNCTIONS below); `inputs` and `v` are encoded tensors, or lists of them for
tuples; `result` mirrors PyTorch's nested tuples as nested lists. Error messages are the same in 2.x.
"""
import torch
from torch.autograd.functional import jacobian, hessian, vjp, jvp, hvp, vhp

from common import encode_tensor, write_fixture

FUNCTIONS = {
    'square': lambda x: x ** 2,
    'mul_sin': lambda a, b: (a * b).sin(),
    'pair': lambda a, b: (a * b, a.exp().sum()),
    'cube_sum': lambda x: (x ** 3).sum(),
    'sq_mul_sum': lambda a, b: (a ** 2 * b).sum(),
    'constant': lambda x: torch.ones(2, dtype=x.dtype),
    'linear': lambda x: x * 2,
    'linear_sum': lambda x: (x * 2).sum(),
}

APIS = {'jacobian': jacobian, 'hessian': hessian, 'vjp': vjp, 'jvp': jvp, 'hvp': hvp, 'vhp': vhp}

GEN = torch.Generator().manual_seed(0)


def rnd(*shape, dtype=torch.float64):
    return (torch.rand(shape, generator=GEN, dtype=torch.float64) * 2 - 1).to(dtype)


def enc(value):
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        return encode_tensor(value)
    return [enc(v) for v in value]


def case(api, fn, inputs, v=None, **options):
    c = {'api': api, 'fn': fn, 'inputs': enc(inputs), 'v': enc(v), 'options': options}
    args = (FUNCTIONS[fn], inputs) if api in ('jacobian', 'hessian') else (FUNCTIONS[fn], inputs, v)
    try:
        result = APIS[api](*args, **options)
    except Exception as e:  # the message is the fixture
        c['error'] = str(e)
        return c
    c['result'] = enc(result)
    return c


def cases():
    x3, a23, b23, x22 = rnd(3), rnd(2, 3), rnd(2, 3), rnd(2, 2)
    a2, b2 = rnd(2), rnd(2)
    return [
        case('jacobian', 'square', x3),
        case('jacobian', 'square', rnd(3, dtype=torch.float32)),
        case('jacobian', 'mul_sin', (a23, b23)),
        case('jacobian', 'pair', (a2, b2)),
        case('jacobian', 'pair', (a2, b2), vectorize=True),
        case('jacobian', 'constant', x3),
        case('jacobian', 'constant', x3, strict=True),
        case('jacobian', 'linear', x3, strict=True, create_graph=True),
        case('jacobian', 'pair', (a2, b2), strict=True, vectorize=True),
        case('hessian', 'cube_sum', x22),
        case('hessian', 'sq_mul_sum', (a2, b2)),
        case('hessian', 'linear_sum', x3, strict=True),
        case('hessian', 'square', x3),
        case('vjp', 'square', x3, rnd(3)),
        case('vjp', 'pair', (a2, b2), (rnd(2), rnd(1).reshape(()))),
        case('vjp', 'cube_sum', x22),
        case('vjp', 'square', x3),
        case('vjp', 'pair', (a2, b2), (rnd(2),)),
        case('vjp', 'pair', (a2, b2), (rnd(2), rnd(2))),
        case('vjp', 'constant', x3, rnd(2), strict=True),
        case('vjp', 'linear', x3, rnd(3), strict=True, create_graph=True),
        case('jvp', 'square', x3, rnd(3)),
        case('jvp', 'mul_sin', (a23, b23), (rnd(2, 3), rnd(2, 3))),
        case('jvp', 'pair', (a2, b2), (rnd(2), rnd(2))),
        case('jvp', 'square', x3),
        case('jvp', 'square', x3, (rnd(3), rnd(3))),
        case('jvp', 'constant', x3, rnd(3), strict=True),
        case('hvp', 'cube_sum', x22, rnd(2, 2)),
        case('hvp', 'sq_mul_sum', (a2, b2), (rnd(2), rnd(2))),
        case('hvp', 'linear_sum', x3, rnd(3)),
        case('hvp', 'linear_sum', x3, rnd(3), strict=True),
        case('vhp', 'cube_sum', x22, rnd(2, 2)),
        case('vhp', 'sq_mul_sum', (a2, b2), (rnd(2), rnd(2))),
        case('vhp', 'square', x3, rnd(3)),
        case('vhp', 'cube_sum', x22),
    ]


if __name__ == '__main__':
    write_fixture('autograd_functional', cases())
