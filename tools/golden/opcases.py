"""Records op test cases with real PyTorch: forward values, grad_fn name, gradients for a random
upstream gradient, and second derivatives (grad of grad) for a random vector.

A case is a dict the TypeScript harness (test/ops/harness.ts) replays through its own table of
calls under the same key:
  key       which call (the same key names a lambda here and a function in the TS table)
  inputs    encoded tensors; requires_grad marks the ones differentiated
  extra     JSON-able arguments the call takes besides tensors
  out       encoded output tensor, or a list of them for tuple outputs
  grad_fn   name of out's (first output's) grad_fn, or null
  upstream  the gradient fed to backward (one per differentiable output)
  grads     d(out . upstream)/d(input) per differentiated input (null where unused)
  gg_v      the vector for the second derivative (one per non-null grad)
  gradgrads d(grads . gg_v)/d(input) per differentiated input (null where unused)
  error     instead of the above: PyTorch's error message for this call
"""
import torch

from common import encode_tensor, encode

# PyTorch 2.x names where 1.13 differs (spec 7.2); reshape is decided per case in _grad_fn_name.
GRAD_FN_OVERRIDES = {
    'NormBackward1': 'LinalgVectorNormBackward0',
}


def _grad_fn_name(t, inputs):
    fn = t.grad_fn
    if fn is None:
        return None
    name = type(fn).__name__
    if name == 'ReshapeAliasBackward0':
        # 2.x: reshape of a contiguous tensor is a view.
        base = None
        for x in inputs:
            if isinstance(x, torch.Tensor) and x.requires_grad:
                base = x
        if base is not None and base.is_contiguous():
            return 'ViewBackward0'
    return GRAD_FN_OVERRIDES.get(name, name)


def _outputs(result):
    if isinstance(result, torch.Tensor):
        return [result], False
    return [r for r in result], True


def make_case(key, fn, inputs, extra=None, requires_grad=None, seed=0, second_order=True):
    """Runs fn(*inputs, extra) in PyTorch and returns the case dict."""
    if requires_grad is None:
        requires_grad = [isinstance(t, torch.Tensor) and t.dtype.is_floating_point for t in inputs]
    ins = []
    for t, rg in zip(inputs, requires_grad):
        if isinstance(t, torch.Tensor):
            t = t.detach().clone()
            if rg:
                t.requires_grad_(True)
        ins.append(t)
    case = {'key': key, 'inputs': [encode_tensor(t) for t in ins], 'requires_grad': list(requires_grad),
            'extra': encode(extra)}
    try:
        result = fn(*ins, extra) if extra is not None else fn(*ins)
    except Exception as e:  # the message is the fixture
        case['error'] = str(e).split('\n')[0]
        return case
    outs, is_tuple = _outputs(result)
    case['out'] = [encode_tensor(o) for o in outs] if is_tuple else encode_tensor(outs[0])
    case['grad_fn'] = _grad_fn_name(outs[0], ins)
    diff_outs = [o for o in outs if isinstance(o, torch.Tensor) and o.requires_grad]
    diff_ins = [t for t in ins if isinstance(t, torch.Tensor) and t.requires_grad]
    if not diff_outs or not diff_ins:
        return case
    g = torch.Generator().manual_seed(seed)
    upstream = [torch.randn(o.shape, generator=g, dtype=o.dtype) for o in diff_outs]
    grads = torch.autograd.grad(diff_outs, diff_ins, upstream, create_graph=True, allow_unused=True)
    case['upstream'] = [encode_tensor(u) for u in upstream]
    case['grads'] = [None if x is None else encode_tensor(x) for x in grads]
    if second_order:
        live = [x for x in grads if x is not None and x.requires_grad]
        if live:
            vs = [torch.randn(x.shape, generator=g, dtype=x.dtype) for x in live]
            gg = torch.autograd.grad(live, diff_ins, vs, allow_unused=True)
            case['gg_v'] = [encode_tensor(v) for v in vs]
            case['gradgrads'] = [None if x is None else encode_tensor(x) for x in gg]
    return case


def rand(*shape, dtype=torch.float32, low=-2.0, high=2.0, seed=None, gen=None):
    """Uniform values in [low, high) for float dtypes, integers in [low, high) otherwise."""
    g = gen or torch.Generator().manual_seed(seed if seed is not None else hash(shape) % 10000)
    if dtype.is_floating_point:
        return (torch.rand(shape, generator=g, dtype=torch.float64) * (high - low) + low).to(dtype)
    if dtype == torch.bool:
        return torch.rand(shape, generator=g) > 0.5
    return torch.randint(int(low), int(high), shape, generator=g, dtype=dtype)
