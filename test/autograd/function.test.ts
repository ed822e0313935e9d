// Spec 8: custom torch.autograd.Function (ctx API, outputs, checks on backward's results,
// onceDifferentiable). Expected values are PyTorch's (spec/exp/t8.py, t9.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';
import { ADDRESS, values } from './util.js';

type Ctx = torch.autograd.FunctionCtx;
const { Function } = torch.autograd;

const BACKWARD_TWICE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

class MyExp extends Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: Ctx, gy: Tensor): Tensor {
    const [y] = ctx.savedTensors;
    return gy.mul(y as Tensor);
  }
}

const req = (data: number[] | number): Tensor => torch.tensor(data, { requiresGrad: true });

test('8.1 a custom function: node name, repr, edges, gradients; saved tensors freed after backward', () => {
  const x = req([0, 1]);
  const y = MyExp.apply(x);
  assert.equal(String(y), 'tensor([1.0000, 2.7183], grad_fn=<MyExpBackward>)');
  const fn = y.gradFn as Ctx;
  assert.ok(fn instanceof torch.autograd.FunctionCtx);
  assert.equal(fn.name(), 'MyExpBackward');
  assert.match(String(fn), new RegExp(`^<torch.autograd.function.MyExpBackward object at ${ADDRESS}>$`));
  assert.deepEqual(fn.nextFunctions.map(([n, i]) => [n?.name(), i]), [['torch::autograd::AccumulateGrad', 0]]);
  assert.deepEqual(fn.needsInputGrad, [true]);
  y.sum().backward();
  assert.equal(String(x.grad), 'tensor([1.0000, 2.7183])');
  assertThrowsMessage(() => fn.savedTensors, BACKWARD_TWICE);
});

test('8.1 forward runs with grad disabled; backward with grad mode = createGraph', () => {
  const modes: [string, boolean][] = [];
  class Inner extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      modes.push(['forward', torch.isGradEnabled()]);
      return a.mul(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      modes.push(['backward', torch.isGradEnabled()]);
      return g.mul(2);
    }
  }
  const t = req([1]);
  Inner.apply(t).sum().backward();
  torch.autograd.grad(Inner.apply(t).sum(), t, { createGraph: true });
  assert.deepEqual(modes, [['forward', false], ['backward', false], ['forward', false], ['backward', true]]);
});

test('8.1 outputs get the custom node only when an input requires grad and grad mode is on', () => {
  const plain = MyExp.apply(torch.tensor([1]));
  assert.deepEqual([plain.requiresGrad, plain.gradFn], [false, null]);
  const off = torch.noGrad(() => MyExp.apply(req([1])));
  assert.deepEqual([off.requiresGrad, off.gradFn], [false, null]);
  class Local extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g.mul(2);
    }
  }
  assert.equal(String(Local.apply(req([1]))), 'tensor([2.], grad_fn=<LocalBackward>)');
});

test('8.1 non-tensor arguments, needsInputGrad in forward and backward, ctx attributes', () => {
  const seen: unknown[] = [];
  class NeedsGrad extends Function {
    static override forward(ctx: Ctx, a: Tensor, b: Tensor, k: number): Tensor {
      ctx.k = k;
      seen.push(['forward', ctx.needsInputGrad]);
      return a.mul(b).mul(k);
    }
    static override backward(ctx: Ctx, g: Tensor): (Tensor | null)[] {
      seen.push(['backward', ctx.needsInputGrad, ctx.k]);
      return [g, null, null];
    }
  }
  const a = req(1);
  const r = NeedsGrad.apply(a, torch.tensor(2), 3);
  assert.equal((r.gradFn as Ctx).k, 3);
  assert.equal(r.gradFn?.nextFunctions.length, 2, 'one edge per tensor argument');
  r.backward();
  assert.deepEqual(seen, [['forward', [true, false, false]], ['backward', [true, false, false], 3]]);
  assert.equal(a.grad?.item(), 1);
});

test('8.1 non-tensor and integer outputs', () => {
  class RetNonTensor extends Function {
    static override forward(_ctx: Ctx, a: Tensor): [Tensor, number] {
      return [a.mul(2), 5];
    }
    static override backward(_ctx: Ctx, g: Tensor, g2: null): Tensor {
      assert.equal(g2, null);
      return g;
    }
  }
  const t = req([1.5]);
  const [o, five] = RetNonTensor.apply(t);
  assert.equal(String(o), 'tensor([3.], grad_fn=<RetNonTensorBackward>)');
  assert.equal(five, 5);
  o.sum().backward();
  assert.deepEqual(values(t.grad), [1]);
  class IntOut extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.int();
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g;
    }
  }
  const i = IntOut.apply(req([1.5]));
  assert.deepEqual([String(i), i.requiresGrad], ['tensor([1], dtype=torch.int32)', false]);
});

test('8.1 an input returned without markDirty comes back as a new alias', () => {
  class ReturnInput extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a;
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g;
    }
  }
  const t = req([1]);
  const o = ReturnInput.apply(t);
  assert.notEqual(o, t);
  assert.deepEqual([o.gradFn?.name(), t.gradFn], ['ReturnInputBackward', null]);
  class DirtyNoMark extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul_(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g.mul(2);
    }
  }
  const u = req([1, 2]).clone();
  const v = DirtyNoMark.apply(u);
  assert.notEqual(v, u);
  assert.equal(String(v), 'tensor([2., 4.], grad_fn=<DirtyNoMarkBackward>)');
  assert.equal(u.gradFn?.name(), 'CloneBackward0');
});

test('8.1 no backward defined', () => {
  class NoBackward extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul(2);
    }
  }
  assert.throws(
    () => NoBackward.apply(req(1)).backward(),
    (e: unknown) =>
      e instanceof Error &&
      e.name === 'NotImplementedError' &&
      e.message === 'You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.',
  );
});

test('8.2 saveForBackward: only tensors or null; null round-trips', () => {
  class SaveNonTensor extends Function {
    static override forward(ctx: Ctx, a: Tensor): Tensor {
      ctx.saveForBackward(3 as unknown as Tensor);
      return a;
    }
  }
  assert.throws(
    () => SaveNonTensor.apply(req(1)),
    (e: unknown) => e instanceof TypeError && e.message === 'save_for_backward can only save variables, but argument 0 is of type int',
  );
  let saved: unknown[] = [];
  class SaveNone extends Function {
    static override forward(ctx: Ctx, a: Tensor): Tensor {
      ctx.saveForBackward(null, a);
      return a.mul(1);
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor {
      saved = ctx.savedTensors.map((t) => (t === null ? null : String(t)));
      return g;
    }
  }
  SaveNone.apply(req(1)).backward();
  assert.deepEqual(saved, [null, 'tensor(1., requires_grad=True)']);
});

test('8.2 saved tensors are version-checked (inputs and outputs)', () => {
  class SaveInput extends Function {
    static override forward(ctx: Ctx, a: Tensor): Tensor {
      ctx.saveForBackward(a);
      return a.mul(2);
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor {
      return g.mul(ctx.savedTensors[0] as Tensor);
    }
  }
  const y = req([1, 2]).mul(1);
  const o = SaveInput.apply(y);
  torch.noGrad(() => y.add_(1));
  assertThrowsMessage(
    () => o.sum().backward(),
    'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of MulBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
  );
  class SaveOutput extends Function {
    static override forward(ctx: Ctx, a: Tensor): Tensor {
      const r = a.mul(2);
      ctx.saveForBackward(r);
      return r;
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor {
      return g.mul(ctx.savedTensors[0] as Tensor);
    }
  }
  const p = SaveOutput.apply(req([1, 2]));
  p.add_(1);
  assertThrowsMessage(
    () => p.sum().backward(),
    'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of SaveOutputBackward, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
  );
});

class Dirty extends Function {
  static override forward(ctx: Ctx, a: Tensor): Tensor {
    a.mul_(2);
    ctx.markDirty(a);
    return a;
  }
  static override backward(_ctx: Ctx, g: Tensor): Tensor {
    return g.mul(2);
  }
}

test('8.2 markDirty: the output is the input itself, with the custom node and a bumped version', () => {
  const t = req([1, 2]);
  const u = t.clone();
  const v = Dirty.apply(u);
  assert.equal(v, u);
  assert.equal(String(v), 'tensor([2., 4.], grad_fn=<DirtyBackward>)');
  assert.equal(u.gradFn?.name(), 'DirtyBackward');
  assert.equal(u.version, 2);
  v.sum().backward();
  assert.deepEqual(values(t.grad), [2, 2]);
  assertThrowsMessage(() => Dirty.apply(req([1, 2])), 'a leaf Variable that requires grad has been used in an in-place operation.');
  class DirtyNotReturned extends Function {
    static override forward(ctx: Ctx, a: Tensor): Tensor {
      a.mul_(2);
      ctx.markDirty(a);
      return a.mul(1);
    }
  }
  assertThrowsMessage(
    () => DirtyNotReturned.apply(req([1]).clone()),
    'Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.',
  );
});

test('8.2 markNonDifferentiable: no grad for that output; backward gets zeros of its dtype', () => {
  let gi: unknown;
  class NonDiff extends Function {
    static override forward(ctx: Ctx, a: Tensor): [Tensor, Tensor] {
      const idx = torch.tensor([1, 2, 0], { dtype: torch.int64 });
      ctx.markNonDifferentiable(idx);
      return [a.mul(2), idx];
    }
    static override backward(_ctx: Ctx, g: Tensor, gIdx: Tensor): Tensor {
      gi = String(gIdx);
      return g.mul(2);
    }
  }
  const t = req([3, 1, 2]);
  const [s, i] = NonDiff.apply(t);
  assert.deepEqual([s.gradFn?.name(), i.requiresGrad], ['NonDiffBackward', false]);
  s.sum().backward();
  assert.equal(gi, 'tensor([0, 0, 0])');
  assert.deepEqual(values(t.grad), [2, 2, 2]);
});

test('8.2 setMaterializeGrads: zeros by default, null with false', () => {
  const seen: unknown[] = [];
  const make = (materialize: boolean) =>
    class Mat extends Function {
      static override forward(ctx: Ctx, a: Tensor): [Tensor, Tensor] {
        if (!materialize) ctx.setMaterializeGrads(false);
        return [a.mul(2), a.mul(3)];
      }
      static override backward(_ctx: Ctx, g1: Tensor, g2: Tensor | null): Tensor {
        seen.push(g2 === null ? null : String(g2));
        return g2 === null ? g1.mul(2) : g1.mul(2).add(g2.mul(3));
      }
    };
  for (const materialize of [true, false]) {
    const t = req([1]);
    const [o1] = make(materialize).apply(t);
    o1.sum().backward();
    assert.deepEqual(values(t.grad), [2]);
  }
  assert.deepEqual(seen, ['tensor([0.])', null]);
});

test('8.3 the number of gradients must match the arguments (extra nulls are allowed)', () => {
  class WrongNum extends Function {
    static override forward(_ctx: Ctx, a: Tensor, b: Tensor): Tensor {
      return a.add(b);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g;
    }
  }
  assertThrowsMessage(() => WrongNum.apply(req(1), req(1)).backward(), 'function WrongNumBackward returned an incorrect number of gradients (expected 2, got 1)');
  class TooMany extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor[] {
      return [g, g, g];
    }
  }
  assertThrowsMessage(() => TooMany.apply(req(1)).backward(), 'function TooManyBackward returned an incorrect number of gradients (expected 1, got 3)');
  class TooManyNone extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul(2);
    }
    static override backward(_ctx: Ctx, g: Tensor): (Tensor | null)[] {
      return [g, null];
    }
  }
  const t = req(1);
  TooManyNone.apply(t).backward();
  assert.equal(t.grad?.item(), 1);
});

test('8.3 gradients for non-tensor arguments must be null; gradients must be tensors', () => {
  class N extends Function {
    static override forward(_ctx: Ctx, a: Tensor, k: number, b: Tensor): Tensor {
      return a.mul(k).add(b);
    }
    static override backward(_ctx: Ctx, g: Tensor): unknown[] {
      return [g, 1, g];
    }
  }
  assertThrowsMessage(
    () => N.apply(req(1), 3, torch.tensor(2)).backward(),
    'function NBackward returned a gradient different than None at position 2, but the corresponding forward input was not a Variable',
  );
  class S extends Function {
    static override forward(_ctx: Ctx, a: Tensor): Tensor {
      return a.mul(2);
    }
    static override backward(): number {
      return 5;
    }
  }
  assertThrowsMessage(() => S.apply(req(1)).backward(), 'expected Variable or None (got int)');
});

test('8.3 gradient shapes: expandable gradients are summed, others rejected', () => {
  const returning = (make: () => Tensor) =>
    class extends Function {
      static override forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
      static override backward(): Tensor {
        return make();
      }
    };
  const WrongShape = returning(() => torch.ones(3));
  Object.defineProperty(WrongShape, 'name', { value: 'WrongShape' });
  assertThrowsMessage(
    () => WrongShape.apply(req([1, 2])).sum().backward(),
    'Function WrongShapeBackward returned an invalid gradient at index 0 - got [3] but expected shape compatible with [2]',
  );
  const Broadcastable = returning(() => torch.ones(1));
  Object.defineProperty(Broadcastable, 'name', { value: 'BroadcastableShape' });
  assertThrowsMessage(
    () => Broadcastable.apply(req([1, 2])).sum().backward(),
    'Function BroadcastableShapeBackward returned an invalid gradient at index 0 - got [1] but expected shape compatible with [2]',
  );
  const t = req([1, 2]);
  returning(() => torch.ones(3, 2)).apply(t).sum().backward();
  assert.deepEqual(values(t.grad), [3, 3]);
});

test('8.2 ctx attributes and saved tensors through gradFn', () => {
  class GradFnAttrs extends Function {
    static override forward(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
      ctx.saveForBackward(a, b);
      ctx.foo = 1;
      return a.mul(b);
    }
    static override backward(ctx: Ctx, g: Tensor): Tensor[] {
      const [a, b] = ctx.savedTensors as Tensor[];
      return [g.mul(b), g.mul(a)];
    }
  }
  const t = req([1.5]);
  const u = req([2]);
  const fn = GradFnAttrs.apply(t, u).gradFn as Ctx;
  assert.equal(fn.foo, 1);
  assert.deepEqual(fn.savedTensors.map(String), ['tensor([1.5000], requires_grad=True)', 'tensor([2.], requires_grad=True)']);
  assert.deepEqual(fn.nextFunctions.map(([n]) => (n as torch.autograd.AccumulateGrad).variable), [t, u]);
  assert.deepEqual(fn.needsInputGrad, [true, true]);
});

test('8.4 onceDifferentiable: a double backward through it raises', () => {
  const { onceDifferentiable } = torch.autograd.function;
  class Once extends Function {
    static override forward(ctx: Ctx, a: Tensor): Tensor {
      ctx.saveForBackward(a);
      return a.pow(2);
    }
    static override backward = onceDifferentiable((ctx: Ctx, g: Tensor): Tensor => {
      const [a] = ctx.savedTensors as Tensor[];
      return a.mul(2).mul(g);
    });
  }
  const t = req([3]);
  const [g] = torch.autograd.grad(Once.apply(t).sum(), t, { createGraph: true });
  assert.deepEqual([values(g), g?.gradFn], [[6], null]);
  assertThrowsMessage(() => (g as Tensor).sum().backward(), 'element 0 of tensors does not require grad and does not have a grad_fn');
  const go = torch.ones(1, { requiresGrad: true });
  const [h] = torch.autograd.grad(Once.apply(t), t, { gradOutputs: go, createGraph: true });
  assert.equal(String(h), 'tensor([6.], grad_fn=<Error>)');
  assert.match(String(h?.gradFn), new RegExp(`^<Error object at ${ADDRESS}>$`));
  assertThrowsMessage(() => (h as Tensor).sum().backward(), 'trying to differentiate twice a function that was marked with @once_differentiable');
});

test('hooks on custom function nodes', () => {
  const x = req([0, 1]);
  const y = MyExp.apply(x);
  const seen: string[] = [];
  y.gradFn?.registerPrehook(() => {
    seen.push('pre');
  });
  y.gradFn?.registerHook(() => {
    seen.push('post');
  });
  y.sum().backward();
  assert.deepEqual(seen, ['pre', 'post']);
});

test('8.1 the 2.x separate-context style: forward without ctx, plus setupContext', () => {
  class Sep extends Function {
    static override forward(x: Tensor, k: number): Tensor {
      return x.mul(k);
    }
    static setupContext(ctx: Ctx, inputs: [Tensor, number], output: Tensor): void {
      ctx.k = inputs[1];
      ctx.seenOutput = output.gradFn === null;
      ctx.gradEnabled = torch.isGradEnabled();
    }
    static override backward(ctx: Ctx, g: Tensor): (Tensor | null)[] {
      return [g.mul(ctx.k as number), null];
    }
  }
  const x = req([1, 2]);
  const y = Sep.apply(x, 3);
  assert.equal(String(y), 'tensor([3., 6.], grad_fn=<SepBackward>)');
  const fn = y.gradFn as Ctx;
  assert.deepEqual([fn.k, fn.seenOutput, fn.gradEnabled], [3, true, false]);
  y.sum().backward();
  assert.deepEqual(values(x.grad), [3, 3]);
});
