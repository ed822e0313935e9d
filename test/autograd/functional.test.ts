// Spec 11.2: torch.autograd.functional, against results and errors recorded with PyTorch
// (test/golden/autograd_functional.json, tools/golden/gen_autograd.py) and the spec's examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, assertThrowsMessage, decodeTensor, loadFixture, type EncodedTensor } from '../helpers.js';
import { values } from './util.js';

const F = torch.autograd.functional;
type Encoded = EncodedTensor | Encoded[];
type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

interface FunctionalCase {
  api: 'jacobian' | 'hessian' | 'vjp' | 'jvp' | 'hvp' | 'vhp';
  fn: string;
  inputs: Encoded;
  v: Encoded | null;
  options: { create_graph?: boolean; strict?: boolean; vectorize?: boolean };
  result?: Encoded;
  error?: string;
}

/** The functions of tools/golden/gen_autograd.py, written the same way. */
const FUNCTIONS: Record<string, Fn> = {
  square: (x) => x.pow(2),
  mul_sin: (a, b) => a.mul(b).sin(),
  pair: (a, b) => [a.mul(b), a.exp().sum()],
  cube_sum: (x) => x.pow(3).sum(),
  sq_mul_sum: (a, b) => a.pow(2).mul(b).sum(),
  constant: (x) => torch.ones(2, { dtype: x.dtype }),
  linear: (x) => x.mul(2),
  linear_sum: (x) => x.mul(2).sum(),
};

function decode(e: Encoded): Tensor | Tensor[] {
  return Array.isArray(e) ? e.map((x) => decode(x) as Tensor) : decodeTensor(e);
}

function run(c: FunctionalCase): unknown {
  const fn = FUNCTIONS[c.fn];
  const inputs = decode(c.inputs);
  const v = c.v === null ? null : decode(c.v);
  const options = { createGraph: c.options.create_graph, strict: c.options.strict, vectorize: c.options.vectorize };
  switch (c.api) {
    case 'jacobian':
      return F.jacobian(fn, inputs, options);
    case 'hessian':
      return F.hessian(fn as (...xs: Tensor[]) => Tensor, inputs, options);
    case 'vjp':
      return F.vjp(fn, inputs, v, options);
    case 'jvp':
      return F.jvp(fn, inputs, v, options);
    case 'hvp':
      return F.hvp(fn as (...xs: Tensor[]) => Tensor, inputs, v, options);
    case 'vhp':
      return F.vhp(fn as (...xs: Tensor[]) => Tensor, inputs, v, options);
  }
}

function compare(actual: unknown, expected: Encoded, where: string, createGraph: boolean): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => compare(actual[i], e, `${where}[${i}]`, createGraph));
    return;
  }
  assert.ok(actual instanceof torch.Tensor, `${where}: expected a tensor`);
  assertTensorClose(actual, expected, { message: where });
  if (!createGraph) assert.equal(actual.requiresGrad, false, `${where}: requires grad`);
}

const fixture = loadFixture<FunctionalCase>('autograd_functional');
fixture.cases.forEach((c, i) => {
  test(`11.2 recorded #${i}: ${c.api}(${c.fn}) ${JSON.stringify(c.options)}`, () => {
    if (c.error !== undefined) {
      assertThrowsMessage(() => run(c), c.error);
      return;
    }
    compare(run(c), c.result as Encoded, c.api, c.options.create_graph ?? false);
  });
});

test('11.2 the spec examples', () => {
  const t = (data: number[]): Tensor => torch.tensor(data);
  assert.equal(String(F.jacobian((x) => x.pow(2), t([1, 2, 3]))), 'tensor([[2., 0., 0.],\n        [0., 4., 0.],\n        [0., 0., 6.]])');
  assert.deepEqual(values(F.jacobian((x) => x.pow(2).sum(), t([1, 2]))), [2, 4]);
  assert.deepEqual(F.jacobian((a, b) => a.mul(b), [t([1, 2]), t([3, 4])]).map(values), [[[3, 0], [0, 4]], [[1, 0], [0, 2]]]);
  assert.deepEqual(values(F.hessian((x) => x.pow(3).sum(), t([1, 2]))), [[6, 0], [0, 12]]);
  assert.deepEqual(F.vjp((x) => x.pow(2), t([1, 2]), t([1, 1])).map(values), [[1, 4], [2, 4]]);
  assert.deepEqual(F.vjp((x) => x.pow(2).sum(), t([1, 2])).map(values), [5, [2, 4]]);
  assert.deepEqual(F.jvp((x) => x.pow(2), t([1, 2]), t([1, 0])).map(values), [[1, 4], [2, 0]]);
  assert.deepEqual(F.jvp((x) => x.pow(2), t([3])).map(values), [[9], [6]]);
  assert.deepEqual(F.hvp((x) => x.pow(3).sum(), t([1, 2]), t([1, 0])).map(values), [9, [6, 0]]);
  assert.deepEqual(F.vhp((x) => x.pow(3).sum(), t([1, 2]), t([1, 0])).map(values), [9, [6, 0]]);
});

test('11.2 createGraph keeps the results differentiable; inputs that require grad are accepted', () => {
  const j = F.jacobian((x) => x.pow(2), torch.tensor([1, 2]), { createGraph: true });
  assert.equal(String(j), 'tensor([[2., 0.],\n        [0., 4.]], grad_fn=<ViewBackward0>)');
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const jx = F.jacobian((y) => y.pow(2), x);
  assert.deepEqual([values(jx), jx.requiresGrad], [[[2, 0], [0, 4]], false]);
  // With createGraph the Jacobian depends on x: d/dx sum(diag(2x)) = 2.
  const jg = F.jacobian((y) => y.pow(2), x, { createGraph: true });
  jg.sum().backward();
  assert.deepEqual(values(x.grad), [2, 2]);
});

test('11.2 type errors for non-tensor outputs and inputs', () => {
  assert.throws(
    () => F.jacobian(() => 3 as unknown as Tensor, torch.tensor([1, 2])),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message ===
        "The outputs of the user-provided function given to jacobian must be either a Tensor or a tuple of Tensors but the given outputs of the user-provided function has type <class 'int'>.",
  );
  assert.throws(
    () => F.jacobian((x) => x, [1, 2] as unknown as Tensor[]),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message === "The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the value at index 0 has type <class 'int'>.",
  );
  assert.throws(
    () => F.vjp((x) => x, 1.5 as unknown as Tensor),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message === "The inputs given to vjp must be either a Tensor or a tuple of Tensors but the given inputs has type <class 'float'>.",
  );
  assertThrowsMessage(
    () => F.vjp((x) => x.pow(2), torch.tensor([1, 2]), torch.tensor([1, 1, 1])),
    'v has invalid size: should be torch.Size([2]) but got torch.Size([3]).',
  );
});

test('11.2 strategy: only reverse mode', () => {
  assertThrowsMessage(
    () => F.jacobian((x) => x, torch.tensor([1]), { strategy: 'forward-mode' }),
    "jacobian(): strategy 'forward-mode' needs forward-mode AD, which tstorch does not implement; use 'reverse-mode'",
  );
});
