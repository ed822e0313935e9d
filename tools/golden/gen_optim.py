"""Fixtures for src/optim: optimizer updates (optim.json) and learning-rate schedules (lr_scheduler.json).

Optimizer cases start from recorded parameters, feed recorded gradients for several steps and record
the parameters after every step, then the final state_dict. Options are written with tstorch's names
(camelCase); `py_kwargs` turns them into PyTorch's.

PyTorch 2.x overrides (the oracle is 1.13; tstorch follows 2.x):
- Adam, AdamW: 2.x updates the first moment with `exp_avg.lerp_(grad, 1 - beta1)` (1.13: mul_ + add_);
  RMSprop (centered) likewise `grad_avg.lerp_(grad, 1 - alpha)`. The single-tensor functions below
  are 2.x's, patched into 1.13's modules.
- RMSprop's state['step'] is a float32 tensor in 2.x (1.13: an int): converted when recording.
- SGD keeps state only with momentum != 0 in 2.x (1.13 stores momentum_buffer=None): dropped.
- Error messages of LinearLR and OneCycleLR that 2.x reworded are replaced (LR_ERRORS_2X).

Run: /usr/bin/python3 tools/golden/gen_optim.py
"""
import math
import re
import sys

import torch
from torch.optim import lr_scheduler

from common import encode_tensor, write_fixture

STEPS = 6


# ---- PyTorch 2.x single-tensor algorithms (torch/optim/*.py, non-capturable path) ----

def _adam_2x(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, *, amsgrad, beta1, beta2, lr,
             weight_decay, eps, maximize, capturable, differentiable=False, decoupled=False, **_):
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg = exp_avgs[i]
        exp_avg_sq = exp_avg_sqs[i]
        step_t = state_steps[i]
        step_t += 1
        if decoupled:
            param.mul_(1 - lr * weight_decay)
        elif weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad.conj(), value=1 - beta2)
        step = step_t.item()
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = math.sqrt(bias_correction2)
        if amsgrad:
            torch.maximum(max_exp_avg_sqs[i], exp_avg_sq, out=max_exp_avg_sqs[i])
            denom = (max_exp_avg_sqs[i].sqrt() / bias_correction2_sqrt).add_(eps)
        else:
            denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        param.addcdiv_(exp_avg, denom, value=-step_size)


def _adamw_2x(*args, **kwargs):
    _adam_2x(*args, decoupled=True, **kwargs)


def _rmsprop_2x(params, grads, square_avgs, grad_avgs, momentum_buffer_list, *, lr, alpha, eps, weight_decay,
                momentum, centered, maximize, differentiable):
    for i, param in enumerate(params):
        grad = grads[i]
        grad = grad if not maximize else -grad
        square_avg = square_avgs[i]
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if centered:
            grad_avg = grad_avgs[i]
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(eps)
        if momentum > 0:
            buf = momentum_buffer_list[i]
            buf.mul_(momentum).addcdiv_(grad, avg)
            param.add_(buf, alpha=-lr)
        else:
            param.addcdiv_(grad, avg, value=-lr)


# torch.optim deletes its submodule attributes; the modules themselves are in sys.modules.
sys.modules['torch.optim.adam']._single_tensor_adam = _adam_2x
sys.modules['torch.optim.adamw']._single_tensor_adamw = _adamw_2x
sys.modules['torch.optim.rmsprop']._single_tensor_rmsprop = _rmsprop_2x

OPTIMIZERS = {
    'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop, 'Adagrad': torch.optim.Adagrad,
}


def snake(name):
    return re.sub(r'[A-Z]', lambda m: '_' + m.group(0).lower(), name)


def py_kwargs(options):
    return {snake(k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


def encode_state_value(name, key, v):
    if name == 'RMSprop' and key == 'step' and isinstance(v, int):
        v = torch.tensor(float(v))  # 2.x: a float32 tensor
    return encode_tensor(v)


def encode_state_dict(name, sd):
    state = {}
    for idx, entry in sd['state'].items():
        kept = {k: encode_state_value(name, k, v) for k, v in entry.items() if v is not None}
        if kept:  # 2.x SGD without momentum keeps no state
            state[str(idx)] = kept
    groups = []
    for g in sd['param_groups']:
        groups.append({k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()
                       if k not in ('foreach', 'differentiable', 'capturable', 'fused')})
    return {'state': state, 'param_groups': groups}


def optim_case(label, name, options, dtype=torch.float32, groups=None, missing=(), seed=0):
    """groups: [(param indices, tstorch options)] or None; missing: (step, param) pairs without a grad."""
    g = torch.Generator().manual_seed(seed)
    shapes = [(3, 4), (5,), (2, 2)]
    init = [torch.randn(s, generator=g, dtype=dtype) for s in shapes]
    grads = [[None if (step, i) in missing else torch.randn(s, generator=g, dtype=dtype) for i, s in enumerate(shapes)]
             for step in range(STEPS)]
    params = [p.clone().requires_grad_(True) for p in init]
    if groups is None:
        opt = OPTIMIZERS[name](params, **py_kwargs(options))
    else:
        opt = OPTIMIZERS[name]([dict(params=[params[i] for i in idx], **py_kwargs(o)) for idx, o in groups],
                               **py_kwargs(options))
    after = []
    for step in range(STEPS):
        for p, gr in zip(params, grads[step]):
            p.grad = None if gr is None else gr.clone()
        opt.step()
        after.append([encode_tensor(p) for p in params])
        if step == 2:
            mid = encode_state_dict(name, opt.state_dict())
    return {
        'name': label, 'optimizer': name, 'options': options,
        'groups': None if groups is None else [{'params': idx, 'options': o} for idx, o in groups],
        'params': [encode_tensor(p) for p in init],
        'grads': [[None if gr is None else encode_tensor(gr) for gr in step] for step in grads],
        'after': after, 'stateDictAfter3': mid, 'stateDict': encode_state_dict(name, opt.state_dict()),
    }


def error_case(name, options):
    try:
        OPTIMIZERS[name]([torch.zeros(2, requires_grad=True)], **py_kwargs(options))
    except (ValueError, TypeError) as e:
        return {'optimizer': name, 'options': options, 'error': str(e)}
    raise AssertionError(f'{name}({options}) did not raise')


def optimizer_cases():
    f64 = torch.float64
    cases = [
        optim_case('sgd plain', 'SGD', {'lr': 0.1}),
        optim_case('sgd momentum', 'SGD', {'lr': 0.1, 'momentum': 0.9}),
        optim_case('sgd dampening', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.1}),
        optim_case('sgd nesterov', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}),
        optim_case('sgd weight decay', 'SGD', {'lr': 0.1, 'momentum': 0.5, 'weightDecay': 0.01}),
        optim_case('sgd maximize', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'maximize': True}),
        optim_case('sgd float64', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.1}, f64),
        optim_case('sgd groups', 'SGD', {'lr': 0.1, 'momentum': 0.9},
                   groups=[([0], {}), ([1, 2], {'lr': 0.01, 'momentum': 0.5, 'weightDecay': 0.1})]),
        optim_case('sgd missing grads', 'SGD', {'lr': 0.1, 'momentum': 0.9}, missing={(0, 1), (3, 0), (3, 2)}),
        optim_case('adam', 'Adam', {'lr': 0.01}),
        optim_case('adam amsgrad', 'Adam', {'lr': 0.01, 'amsgrad': True}),
        optim_case('adam weight decay', 'Adam', {'lr': 0.01, 'weightDecay': 0.1}),
        optim_case('adam maximize', 'Adam', {'lr': 0.01, 'maximize': True}),
        optim_case('adam betas eps', 'Adam', {'lr': 0.05, 'betas': [0.8, 0.99], 'eps': 1e-6}),
        optim_case('adam float64', 'Adam', {'lr': 0.01, 'amsgrad': True, 'weightDecay': 0.1}, f64),
        optim_case('adam groups', 'Adam', {'lr': 0.01},
                   groups=[([0, 2], {'amsgrad': True}), ([1], {'lr': 0.1, 'betas': [0.5, 0.9]})]),
        optim_case('adam missing grads', 'Adam', {'lr': 0.01}, missing={(0, 1), (1, 1), (4, 2)}),
        optim_case('adamw', 'AdamW', {'lr': 0.01}),
        optim_case('adamw amsgrad', 'AdamW', {'lr': 0.01, 'weightDecay': 0.1, 'amsgrad': True}),
        optim_case('adamw maximize', 'AdamW', {'lr': 0.01, 'maximize': True}),
        optim_case('adamw float64', 'AdamW', {'lr': 0.02, 'weightDecay': 0.5}, f64),
        optim_case('rmsprop', 'RMSprop', {'lr': 0.01}),
        optim_case('rmsprop momentum', 'RMSprop', {'lr': 0.01, 'momentum': 0.9}),
        optim_case('rmsprop centered', 'RMSprop', {'lr': 0.01, 'centered': True}),
        optim_case('rmsprop centered momentum decay', 'RMSprop',
                   {'lr': 0.01, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.1}),
        optim_case('rmsprop alpha maximize', 'RMSprop', {'lr': 0.01, 'alpha': 0.9, 'maximize': True}),
        optim_case('rmsprop float64', 'RMSprop', {'lr': 0.01, 'centered': True, 'momentum': 0.9}, f64),
        optim_case('adagrad', 'Adagrad', {'lr': 0.1}),
        optim_case('adagrad lr decay', 'Adagrad', {'lr': 0.1, 'lrDecay': 0.01}),
        optim_case('adagrad accumulator decay', 'Adagrad',
                   {'lr': 0.1, 'initialAccumulatorValue': 0.1, 'weightDecay': 0.1}),
        optim_case('adagrad maximize eps', 'Adagrad', {'lr': 0.1, 'maximize': True, 'eps': 1e-6}),
        optim_case('adagrad float64', 'Adagrad', {'lr': 0.1, 'lrDecay': 0.1, 'weightDecay': 0.01}, f64),
        optim_case('adagrad missing grads', 'Adagrad', {'lr': 0.1}, missing={(0, 0), (2, 1)}),
    ]
    errors = [
        error_case('SGD', {'lr': -0.1}),
        error_case('SGD', {'lr': 0.1, 'momentum': -1}),
        error_case('SGD', {'lr': 0.1, 'weightDecay': -0.5}),
        error_case('SGD', {'lr': 0.1, 'nesterov': True}),
        error_case('SGD', {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.1, 'nesterov': True}),
        error_case('Adam', {'lr': -1e-5}),
        error_case('Adam', {'eps': -1e-8}),
        error_case('Adam', {'betas': [1.5, 0.999]}),
        error_case('Adam', {'betas': [0.9, -0.5]}),
        error_case('Adam', {'weightDecay': -1e-2}),
        error_case('AdamW', {'betas': [0.9, 1.5]}),
        error_case('RMSprop', {'alpha': -0.99}),
        error_case('RMSprop', {'momentum': -0.25}),
        error_case('Adagrad', {'lrDecay': -0.1}),
        error_case('Adagrad', {'initialAccumulatorValue': -1}),
        error_case('Adagrad', {'eps': -1e-10}),
    ]
    return {'optimizers': cases, 'errors': errors, 'general_errors': general_errors(), 'training': training_cases()}


def training_cases():
    """Least squares fitted for 30 steps with gradients from autograd: the losses and final weights."""
    g = torch.Generator().manual_seed(3)
    x = torch.randn(32, 5, generator=g)
    y = torch.randn(32, 2, generator=g)
    w0 = torch.randn(5, 2, generator=g) * 0.1
    b0 = torch.zeros(2)
    out = []
    for name, options in (('SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}), ('Adam', {'lr': 0.05}),
                          ('AdamW', {'lr': 0.05, 'amsgrad': True}), ('RMSprop', {'lr': 0.01, 'centered': True}),
                          ('Adagrad', {'lr': 0.2})):
        w = w0.clone().requires_grad_(True)
        b = b0.clone().requires_grad_(True)
        opt = OPTIMIZERS[name]([w, b], **py_kwargs(options))
        losses = []
        for _ in range(30):
            opt.zero_grad(set_to_none=True)  # 2.x's default
            loss = (x.matmul(w).add(b).sub(y)).pow(2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        out.append({'optimizer': name, 'options': options, 'losses': losses, 'w': encode_tensor(w), 'b': encode_tensor(b)})
    return {'x': encode_tensor(x), 'y': encode_tensor(y), 'w0': encode_tensor(w0), 'runs': out}


def general_errors():
    out = []

    def record(label, fn):
        try:
            fn()
        except (ValueError, TypeError) as e:
            out.append({'name': label, 'error': str(e), 'type': type(e).__name__})
            return
        raise AssertionError(label)

    a = torch.zeros(2, requires_grad=True)
    record('tensor as params', lambda: torch.optim.SGD(a, lr=0.1))
    record('empty', lambda: torch.optim.SGD([], lr=0.1))
    record('non-leaf', lambda: torch.optim.SGD([a * 2], lr=0.1))
    record('overlapping groups', lambda: torch.optim.SGD([{'params': [a]}, {'params': [a]}], lr=0.1))
    record('not a tensor', lambda: torch.optim.SGD([a, 3], lr=0.1))
    b = torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([a, b], lr=0.1)
    record('load groups', lambda: opt.load_state_dict({'state': {}, 'param_groups': [{'params': [0]}, {'params': [1]}]}))
    record('load group size', lambda: opt.load_state_dict({'state': {}, 'param_groups': [{'params': [0]}]}))
    return out


# ---- learning-rate schedulers ----

LAMBDAS = {'pow095': lambda e: 0.95 ** e, 'step30': lambda e: 1 / (1 + e // 30), 'linear': lambda e: 1 - e / 200}

# 2.x rewordings (torch/optim/lr_scheduler.py of 2.x): the 1.13 text -> the 2.x text.
LR_ERRORS_2X = {
    'Starting multiplicative factor expected to be between 0 and 1.':
        'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.',
    "anneal_strategy must by one of 'cos' or 'linear', instead got quadratic":
        "anneal_strategy must be one of 'cos' or 'linear', instead got quadratic",
    'optimizer must support momentum with `cycle_momentum` option enabled':
        'optimizer must support momentum or beta1 with `cycle_momentum` option enabled',
}


def make_scheduler(opt, kind, args):
    a = dict(args)
    if kind == 'LambdaLR':
        fns = a['lrLambda']
        return lr_scheduler.LambdaLR(opt, [LAMBDAS[f] for f in fns] if isinstance(fns, list) else LAMBDAS[fns])
    if kind == 'StepLR':
        return lr_scheduler.StepLR(opt, a.pop('stepSize'), **py_kwargs(a))
    if kind == 'MultiStepLR':
        return lr_scheduler.MultiStepLR(opt, a.pop('milestones'), **py_kwargs(a))
    if kind == 'ExponentialLR':
        return lr_scheduler.ExponentialLR(opt, a.pop('gamma'))
    if kind == 'CosineAnnealingLR':
        return lr_scheduler.CosineAnnealingLR(opt, a.pop('tMax'), **py_kwargs(a))
    if kind == 'LinearLR':
        return lr_scheduler.LinearLR(opt, **py_kwargs(a))
    if kind == 'OneCycleLR':
        return lr_scheduler.OneCycleLR(opt, a.pop('maxLr'), **py_kwargs(a))
    if kind == 'ReduceLROnPlateau':
        return lr_scheduler.ReduceLROnPlateau(opt, **py_kwargs(a))
    raise ValueError(kind)


def make_optimizer(optimizer, lrs):
    params = [torch.zeros(1, requires_grad=True) for _ in lrs]
    groups = [{'params': [p], 'lr': lr} for p, lr in zip(params, lrs)]
    return OPTIMIZERS[optimizer](groups, **({'momentum': 0.9} if optimizer == 'SGD' else {}))


def momentum_of(opt):
    return [g['betas'][0] if 'betas' in g else g.get('momentum') for g in opt.param_groups]


def sched_case(label, kind, args, steps, optimizer='SGD', lrs=(0.1,), metrics=None, resume_at=None):
    opt = make_optimizer(optimizer, lrs)
    sched = make_scheduler(opt, kind, args)
    # 2.x's get_last_lr() is the groups' lr after each step (1.13's ReduceLROnPlateau has no _last_lr yet).
    record_lr = [[g['lr'] for g in opt.param_groups]]
    record_momentum = [momentum_of(opt)]
    for i in range(steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        record_lr.append([g['lr'] for g in opt.param_groups])
        record_momentum.append(momentum_of(opt))
    case = {'name': label, 'scheduler': kind, 'args': args, 'optimizer': optimizer, 'lrs': list(lrs), 'steps': steps,
            'lr': record_lr, 'momentum': record_momentum}
    if metrics is not None:
        case['metrics'] = metrics
    return case


def sched_error(kind, args, optimizer='SGD', lrs=(0.1,), steps=0):
    opt = make_optimizer(optimizer, lrs)
    try:
        sched = make_scheduler(opt, kind, args)
        for _ in range(steps):
            opt.step()
            sched.step()
    except (ValueError, TypeError) as e:
        msg = str(e)
        if kind == 'OneCycleLR' and msg.startswith('Tried to step'):
            # 2.x prints the step number itself (1.13: step_num + 1).
            n = int(msg.split()[3])
            msg = msg.replace(f'Tried to step {n} times', f'Tried to step {n - 1} times')
        return {'scheduler': kind, 'args': args, 'optimizer': optimizer, 'lrs': list(lrs), 'steps': steps,
                'error': LR_ERRORS_2X.get(msg, msg)}
    raise AssertionError(f'{kind}({args}) did not raise')


def scheduler_cases():
    plateau_metrics = [1.0, 0.9, 0.95, 0.96, 0.97, 0.91, 0.899, 0.98, 0.99, 1.0, 1.1, 0.5, 0.6, 0.7, 0.8, 0.9,
                       0.95, 0.97, 0.99, 1.0, 0.4, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49]
    rising = [0.1 * i for i in range(30)]
    cases = [
        sched_case('step', 'StepLR', {'stepSize': 7}, 60),
        sched_case('step gamma groups', 'StepLR', {'stepSize': 3, 'gamma': 0.5}, 40, lrs=(0.1, 0.03)),
        sched_case('multistep', 'MultiStepLR', {'milestones': [5, 12, 12, 30]}, 50),
        sched_case('multistep gamma', 'MultiStepLR', {'milestones': [10, 20], 'gamma': 0.3}, 30, lrs=(1.0, 0.2)),
        sched_case('exponential', 'ExponentialLR', {'gamma': 0.93}, 100),
        sched_case('cosine', 'CosineAnnealingLR', {'tMax': 10}, 100),
        sched_case('cosine eta min groups', 'CosineAnnealingLR', {'tMax': 25, 'etaMin': 0.001}, 120, lrs=(0.1, 0.5)),
        sched_case('lambda pow', 'LambdaLR', {'lrLambda': 'pow095'}, 60),
        sched_case('lambda per group', 'LambdaLR', {'lrLambda': ['step30', 'linear']}, 100, lrs=(0.1, 0.05)),
        sched_case('linear', 'LinearLR', {}, 20),
        sched_case('linear factors', 'LinearLR', {'startFactor': 0.1, 'endFactor': 0.7, 'totalIters': 17}, 40,
                   lrs=(0.1, 2.0)),
        sched_case('linear decay', 'LinearLR', {'startFactor': 1.0, 'endFactor': 0.05, 'totalIters': 30}, 40),
        sched_case('one cycle', 'OneCycleLR', {'maxLr': 0.5, 'totalSteps': 100}, 100),
        sched_case('one cycle adam', 'OneCycleLR', {'maxLr': [0.01, 0.02], 'epochs': 4, 'stepsPerEpoch': 25}, 100,
                   optimizer='Adam', lrs=(0.001, 0.001)),
        sched_case('one cycle linear three phase', 'OneCycleLR',
                   {'maxLr': 1.0, 'totalSteps': 50, 'annealStrategy': 'linear', 'threePhase': True,
                    'pctStart': 0.25, 'divFactor': 10.0, 'finalDivFactor': 100.0}, 50),
        sched_case('one cycle no momentum', 'OneCycleLR',
                   {'maxLr': 0.3, 'totalSteps': 60, 'cycleMomentum': False, 'baseMomentum': 0.8, 'maxMomentum': 0.9},
                   60, optimizer='Adagrad'),
        sched_case('plateau', 'ReduceLROnPlateau', {'patience': 2}, 30, metrics=plateau_metrics),
        sched_case('plateau max abs cooldown', 'ReduceLROnPlateau',
                   {'mode': 'max', 'thresholdMode': 'abs', 'threshold': 0.05, 'patience': 1, 'cooldown': 2,
                    'factor': 0.5, 'minLr': [0.01, 0.002]}, 30, lrs=(0.1, 0.05), metrics=plateau_metrics),
        sched_case('plateau min lr eps', 'ReduceLROnPlateau',
                   {'patience': 0, 'factor': 0.5, 'minLr': 0.02, 'eps': 1e-3}, 30, metrics=rising),
    ]
    errors = [
        sched_error('LinearLR', {'startFactor': 1.5}),
        sched_error('LinearLR', {'endFactor': 1.5}),
        sched_error('OneCycleLR', {'maxLr': 0.1}),
        sched_error('OneCycleLR', {'maxLr': 0.1, 'totalSteps': 0}),
        sched_error('OneCycleLR', {'maxLr': 0.1, 'epochs': -2, 'stepsPerEpoch': 10}),
        sched_error('OneCycleLR', {'maxLr': 0.1, 'totalSteps': 10, 'annealStrategy': 'quadratic'}),
        sched_error('OneCycleLR', {'maxLr': 0.1, 'totalSteps': 10}, optimizer='Adagrad'),
        sched_error('OneCycleLR', {'maxLr': 0.1, 'totalSteps': 10}, steps=11),
        sched_error('LambdaLR', {'lrLambda': ['pow095']}, lrs=(0.1, 0.2)),
        sched_error('ReduceLROnPlateau', {'factor': 1.0}),
        sched_error('ReduceLROnPlateau', {'mode': 'avg'}),
        sched_error('ReduceLROnPlateau', {'thresholdMode': 'rms'}),
        sched_error('ReduceLROnPlateau', {'minLr': [0.1, 0.2]}),
    ]
    return {'schedulers': cases, 'errors': errors}


if __name__ == '__main__':
    write_fixture('optim', optimizer_cases())
    write_fixture('lr_scheduler', scheduler_cases())
