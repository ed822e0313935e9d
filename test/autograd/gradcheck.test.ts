// Spec 11.1: gradcheck and gradgradcheck. The messages were recorded with PyTorch 1.13 (spec/exp/t11.py,
// t12.py and the same checks on the functions below); the code paths are unchanged in 2.x.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { warningsOf } from './util.js';

type Ctx = torch.autograd.FunctionCtx;
const { Function, gradcheck, gradgradcheck, GradcheckError } = torch.autograd;

const f64 = (data: number[]): Tensor => torch.tensor(data, { dtype: torch.float64, requiresGrad: true });

/** d(a²)/da written wrongly as 3a. */
class Bad extends Function {
  static override forward(ctx: Ctx, a: Tensor): Tensor {
    ctx.saveForBackward(a);
    return a.pow(2);
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor {
    const [a] = ctx.savedTensors as Tensor[];
    return a.mul(3).mul(g);
  }
}

/** The gradient w.r.t. b doubled. */
class BadMul extends Function {
  static override forward(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
    ctx.saveForBackward(a, b);
    return a.mul(b);
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor[] {
    const [a, b] = ctx.savedTensors as Tensor[];
    return [g.mul(b), g.mul(a).mul(2)];
  }
}

const BAD_MESSAGE =
  'Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[2.0000, 0.0000],\n        [0.0000, 4.0000]], dtype=torch.float64)\nanalytical:tensor([[3., 0.],\n        [0., 6.]], dtype=torch.float64)\n';

function throwsGradcheckError(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GradcheckError, `expected a GradcheckError, got ${String(e)}`);
    assert.equal(e.name, 'GradcheckError');
    assert.equal(e.message, message);
    return true;
  });
}

test('11.1 gradcheck and gradgradcheck pass for correct gradients', () => {
  const x = f64([1, 2]);
  assert.equal(gradcheck((t: Tensor) => t.pow(3).sum(), [x]), true);
  assert.equal(gradgradcheck((t: Tensor) => t.pow(3).sum(), [x]), true);
  assert.equal(gradcheck((t: Tensor) => t.mul(2), x), true, 'a single tensor as inputs');
});

test('11.1 non-tensor arguments and several outputs', () => {
  const x = f64([1, 2]);
  const y = f64([3, 4]);
  assert.equal(gradcheck((a: Tensor, k: number, b: Tensor) => [a.mul(k), a.mul(b).sum()], [x, 3, y]), true);
  assert.equal(gradgradcheck((a: Tensor, k: number, b: Tensor) => [a.mul(k).pow(2), a.mul(b).sum()], [x, 3, y]), true);
});

test('11.1 the failure message prints both Jacobians (rows: input elements, columns: output elements)', () => {
  const x = f64([1, 2]);
  throwsGradcheckError(() => gradcheck((t: Tensor) => Bad.apply(t), [x]), BAD_MESSAGE);
  assert.equal(gradcheck((t: Tensor) => Bad.apply(t), [x], { raiseException: false }), false);
  throwsGradcheckError(
    () => gradcheck((a: Tensor, b: Tensor) => BadMul.apply(a, b), [x, f64([3, 4])]),
    'Jacobian mismatch for output 0 with respect to input 1,\nnumerical:tensor([[1.0000, 0.0000],\n        [0.0000, 2.0000]], dtype=torch.float64)\nanalytical:tensor([[2., 0.],\n        [0., 4.]], dtype=torch.float64)\n',
  );
});

test('11.1 fastMode: random projections, then the slow-mode Jacobians in the message', () => {
  const x = f64([1, 2]);
  const slowPart = (numerical: string, analytical: string, diff: string): string =>
    `\nThe above quantities relating the numerical and analytical jacobians are computed \nin fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \nabout fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\nNumerical:\n ${numerical}\nAnalytical:\n${analytical}\n\nThe max per-element difference (slow mode) is: ${diff}.\n`;
  throwsGradcheckError(
    () => gradcheck((t: Tensor) => Bad.apply(t), [x], { fastMode: true }),
    'Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor(3.3148, dtype=torch.float64)\nanalytical:tensor(4.9722, dtype=torch.float64)\n' +
      slowPart(
        'tensor([[2.0000, 0.0000],\n        [0.0000, 4.0000]], dtype=torch.float64)',
        'tensor([[3., 0.],\n        [0., 6.]], dtype=torch.float64)',
        '2.0000000000004405',
      ),
  );
  throwsGradcheckError(
    () => gradcheck((a: Tensor, b: Tensor) => BadMul.apply(a, b), [x, f64([3, 4])], { fastMode: true }),
    'Jacobian mismatch for output 0 with respect to input 1,\nnumerical:tensor(1.3257, dtype=torch.float64)\nanalytical:tensor(2.6513, dtype=torch.float64)\n' +
      slowPart(
        'tensor([[1.0000, 0.0000],\n        [0.0000, 2.0000]], dtype=torch.float64)',
        'tensor([[2., 0.],\n        [0., 4.]], dtype=torch.float64)',
        '1.9999999999997762',
      ),
  );
  assert.equal(gradcheck((t: Tensor) => t.pow(3).sum(), [x], { fastMode: true }), true);
});

test('11.1 float32 inputs warn, and (t**3).sum() already fails', () => {
  const xf = torch.tensor([1, 2], { requiresGrad: true });
  const warnings = warningsOf(() =>
    throwsGradcheckError(
      () => gradcheck((t: Tensor) => t.pow(3).sum(), [xf]),
      'Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[ 2.8610],\n        [11.4441]])\nanalytical:tensor([[ 3.],\n        [12.]])\n',
    ),
  );
  assert.deepEqual(warnings, [
    'UserWarning: Input #0 requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. ',
  ]);
});

test('11.1 input errors', () => {
  assertThrowsMessage(
    () => gradcheck((t: Tensor) => t.mul(2), [torch.tensor([1], { dtype: torch.float64 })]),
    'gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.',
  );
  const z = torch.zeros(1, { dtype: torch.float64 }).expand(3).requiresGrad_();
  assertThrowsMessage(
    () => gradcheck((t: Tensor) => t.mul(2), [z]),
    'The 0th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.',
  );
});

test('11.1 outputs that do not require grad must not depend on the input', () => {
  const x = f64([1, 2]);
  assert.equal(gradcheck(() => torch.ones(2, { dtype: torch.float64 }), [x]), true);
  throwsGradcheckError(() => gradcheck((t: Tensor) => t.mul(2).detach(), [x]), 'Numerical gradient for function expected to be zero');
});

test('11.1 backward must be multiplied by grad_output', () => {
  class SumOnes extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.sum();
    }
    static override backward(): Tensor {
      return torch.ones(2, { dtype: torch.float64 });
    }
  }
  throwsGradcheckError(() => gradcheck((t: Tensor) => SumOnes.apply(t), [f64([1, 2])]), 'backward not multiplied by grad_output');
});

test('11.1 backward must be reentrant (up to nondetTol)', () => {
  let calls = 0;
  class Nondet extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      calls += 1;
      return g.mul(2 + calls * 1e-4);
    }
  }
  const x = f64([1, 2]);
  throwsGradcheckError(
    () => gradcheck((t: Tensor) => Nondet.apply(t), [x], { atol: 1e-2 }),
    'Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.The tolerance for nondeterminism was 0.0.\n\nNOTE: If your op relies on non-deterministic operations i.e., it is listed here:\nhttps://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html\nthis failure might be expected.\n\nIf you are adding a new operator, please file an issue and then use one of the\nworkarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.\nIf the test\n- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck\n  with `nondet_tol=<tol>` as a keyword argument.\n- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test\n  to have `gradcheck_nondet_tol=<tol>`.\n- is a Module test (e.g., in common_nn.py), then modify the corresponding\n  module_test entry to have `gradcheck_nondet_tol=<tol>`\n',
  );
  assert.equal(gradcheck((t: Tensor) => Nondet.apply(t), [x], { atol: 1e-2, nondetTol: 1e-2 }), true);
});

test('11.1 gradgradcheck finds a backward that is not differentiable', () => {
  class Detached extends Function {
    static override forward(ctx: Ctx, a: Tensor): Tensor {
      ctx.saveForBackward(a);
      return a.pow(2);
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor {
      const [a] = ctx.savedTensors as Tensor[];
      return g.mul(2).mul(a.detach());
    }
  }
  const x = f64([1, 2]);
  assert.equal(gradcheck((t: Tensor) => Detached.apply(t), [x]), true);
  throwsGradcheckError(
    () => gradgradcheck((t: Tensor) => Detached.apply(t), [x], [f64([1, -0.5])]),
    'Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[ 2.0000,  0.0000],\n        [ 0.0000, -1.0000]], dtype=torch.float64)\nanalytical:tensor([[0., 0.],\n        [0., 0.]], dtype=torch.float64)\n',
  );
  assert.equal(gradgradcheck((t: Tensor) => Detached.apply(t), [x], null, { raiseException: false }), false);
  assert.equal(gradgradcheck((t: Tensor) => t.pow(3), [x], null, { genNonContigGradOutputs: true }), true);
});
