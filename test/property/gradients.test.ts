// Gradients of a sample of differentiable ops on random shapes (broadcast operands, random dims,
// keepdim) checked against central finite differences with torch.autograd.gradcheck, in float64.
// Values are distinct and kept away from 0 so that no case sits on a kink or a tie (abs, relu,
// maximum and amax are not differentiable there, in PyTorch either).
import { test } from 'node:test';
import fc from 'fast-check';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { fcOptions, numel, operandShapeArb, shapeArb } from './reference.js';

/** `n` (at most 64) distinct values of magnitude in [0.13, 3.3], never 0, apart by 0.05 at least. */
function distinctValues(n: number, positive: boolean): fc.Arbitrary<number[]> {
  return fc.shuffledSubarray([...Array(64).keys()], { minLength: n, maxLength: n }).map((ks) =>
    ks.map((k) => {
      const v = 0.13 + 0.05 * k;
      return positive || k % 2 === 0 ? v : -v;
    }),
  );
}

function input(shape: readonly number[], values: number[]): Tensor {
  return torch.tensor(values, { dtype: torch.float64 }).reshape([...shape]).requiresGrad_(true);
}

const smallShape = shapeArb(3, 1, 3);
const nonScalarShape = smallShape.filter((s) => s.length > 0);

function unary(name: string, f: (x: Tensor) => Tensor, positive = false, second = true, shapes = smallShape): void {
  test(`gradients: ${name} on random shapes`, () => {
    fc.assert(
      fc.property(shapes.chain((s) => fc.tuple(fc.constant(s), distinctValues(numel(s), positive))), ([shape, values]) => {
        const x = input(shape, values);
        torch.autograd.gradcheck(f, [x]);
        if (second) torch.autograd.gradgradcheck(f, [x]);
      }),
      fcOptions(second ? 8 : 15),
    );
  });
}

function binary(name: string, f: (a: Tensor, b: Tensor) => Tensor, positive = false): void {
  test(`gradients: ${name} with broadcasting`, () => {
    const arb = shapeArb(3, 1, 3)
      .chain((out) => fc.tuple(operandShapeArb(out), operandShapeArb(out)))
      .chain(([sa, sb]) => fc.tuple(fc.constant(sa), fc.constant(sb), distinctValues(numel(sa) + numel(sb), positive)));
    fc.assert(
      fc.property(arb, ([sa, sb, values]) => {
        const a = input(sa, values.slice(0, numel(sa)));
        const b = input(sb, values.slice(numel(sa)));
        torch.autograd.gradcheck(f, [a, b]);
      }),
      fcOptions(15),
    );
  });
}

/**
 * Reductions over a random subset of dims (negative half the time), keepdim or not. `minGroup`: the
 * fewest elements a reduced group needs (var divides by n - 1).
 */
function reduction(name: string, f: (x: Tensor, dims: number[], keepdim: boolean) => Tensor, single = false, minGroup = 1): void {
  test(`gradients: ${name} over random dims`, () => {
    const arb = nonScalarShape.chain((s) =>
      fc.tuple(
        fc.constant(s),
        distinctValues(numel(s), false),
        single ? fc.nat(s.length - 1).map((d) => [d]) : fc.subarray([...s.keys()], { minLength: 1 }),
        fc.boolean(),
        fc.boolean(),
      ),
    );
    fc.assert(
      fc.property(arb, ([shape, values, dims, keepdim, negative]) => {
        fc.pre(dims.reduce((n, d) => n * shape[d], 1) >= minGroup);
        const given = dims.map((d) => (negative ? d - shape.length : d));
        torch.autograd.gradcheck((x: Tensor) => f(x, given, keepdim), [input(shape, values)]);
      }),
      fcOptions(15),
    );
  });
}

unary('exp', (x) => x.exp());
unary('tanh', (x) => x.tanh());
unary('sigmoid', (x) => x.sigmoid());
unary('log', (x) => x.log(), true);
unary('sqrt', (x) => x.sqrt(), true);
unary('pow 3', (x) => x.pow(3));
unary('abs', (x) => x.abs(), false, false);
unary('relu', (x) => x.relu(), false, false);
unary('reciprocal', (x) => x.reciprocal());
unary('softmax over the last dim', (x) => x.softmax(-1), false, true, nonScalarShape);
unary('logSoftmax over the first dim', (x) => x.logSoftmax(0));
unary('permute + reshape', (x) => x.permute([...Array(x.dim()).keys()].reverse()).reshape(-1));
unary('cumprod', (x) => x.cumprod(0), false, true, nonScalarShape);
unary('index with a list and a slice', (x) => x.index([0, -1, 0], ...(x.dim() > 1 ? ['::2'] : [])), false, true, nonScalarShape);

binary('add', (a, b) => a.add(b));
binary('mul', (a, b) => a.mul(b));
binary('div', (a, b) => a.div(b));
binary('pow', (a, b) => a.pow(b), true);
binary('atan2', (a, b) => torch.atan2(a, b));
binary('maximum', (a, b) => torch.maximum(a, b));
binary('where(a > b)', (a, b) => torch.where(a.gt(b), a.mul(b), a.sub(b)));

reduction('sum', (x, d, k) => x.sum(d, { keepdim: k }));
reduction('mean', (x, d, k) => x.mean(d, { keepdim: k }));
reduction('var', (x, d, k) => x.var(d, { keepdim: k }), false, 2);
reduction('std', (x, d, k) => x.std(d, { keepdim: k, correction: 0 }));
reduction('logsumexp', (x, d, k) => x.logsumexp(d, { keepdim: k }));
reduction('norm', (x, d, k) => x.norm(2, d, { keepdim: k }));
reduction('amax', (x, d, k) => x.amax(d, { keepdim: k }));
reduction('prod', (x, d, k) => x.prod(d[0], { keepdim: k }), true);
reduction('max values', (x, d, k) => x.max(d[0], { keepdim: k }).values, true);
reduction('cumsum', (x, d) => x.cumsum(d[0]), true);

test('gradients: matmul on random compatible shapes (vectors, matrices, batches)', () => {
  const arb = fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean())
    .chain(([batch, m, k, n, vecA, vecB]) => {
      const sa = vecA ? [k] : [...(batch ? [batch] : []), m, k];
      const sb = vecB ? [k] : [k, n];
      return fc.tuple(fc.constant(sa), fc.constant(sb), distinctValues(numel(sa) + numel(sb), false));
    });
  fc.assert(
    fc.property(arb, ([sa, sb, values]) => {
      const a = input(sa, values.slice(0, numel(sa)));
      const b = input(sb, values.slice(numel(sa)));
      torch.autograd.gradcheck((x: Tensor, y: Tensor) => torch.matmul(x, y), [a, b]);
    }),
    fcOptions(15),
  );
});

test('gradients: cat and stack along a random dim', () => {
  const arb = nonScalarShape.chain((s) =>
    fc.tuple(fc.constant(s), distinctValues(2 * numel(s), false), fc.integer({ min: -s.length, max: s.length - 1 })),
  );
  fc.assert(
    fc.property(arb, ([shape, values, dim]) => {
      const a = input(shape, values.slice(0, numel(shape)));
      const b = input(shape, values.slice(numel(shape)));
      torch.autograd.gradcheck((x: Tensor, y: Tensor) => torch.cat([x, y.mul(2)], dim), [a, b]);
      torch.autograd.gradcheck((x: Tensor, y: Tensor) => torch.stack([x, y], dim), [a, b]);
    }),
    fcOptions(15),
  );
});
