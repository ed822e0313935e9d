// pow with the scalar exponents PyTorch computes as other ops (0.5, -0.5, -1, 2, 3, -2), and float32
// rsqrt, bit for bit against PyTorch: test/golden/pow_special.json (tools/golden/gen_pow_special.py)
// holds inputs where those ops' roundings differ from a correctly rounded power, and special values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { decodeTensor, loadFixture, type EncodedTensor } from '../helpers.js';

interface PowCase {
  x: EncodedTensor;
  rsqrt: EncodedTensor;
  pow: Array<{ exponent: number; result: EncodedTensor }>;
}

const fixture = loadFixture<PowCase>('pow_special');

/** Asserts the two tensors hold the same values bit for bit (nan equal to nan, -0 unlike 0). */
function sameBits(actual: torch.Tensor, expected: torch.Tensor, label: string): void {
  assert.equal(actual.dtype, expected.dtype, label);
  const a = actual.tolist() as number[];
  const e = expected.tolist() as number[];
  const first = a.findIndex((v, i) => !Object.is(v, e[i]));
  assert.equal(first, -1, `${label}: element ${first}, input ${first}: ${a[first]} against PyTorch's ${e[first]}`);
}

for (const c of fixture.cases) {
  const x = decodeTensor(c.x);
  test(`${c.x.dtype} rsqrt rounds as PyTorch's (float32: 1 / a float32 square root)`, () => {
    sameBits(x.rsqrt(), decodeTensor(c.rsqrt), `${c.x.dtype} rsqrt`);
  });
  for (const { exponent, result } of c.pow) {
    test(`${c.x.dtype} pow(x, ${exponent}) as PyTorch computes it, and its grad_fn`, () => {
      sameBits(x.pow(exponent), decodeTensor(result), `${c.x.dtype} pow(x, ${exponent})`);
      sameBits(torch.pow(x, exponent), decodeTensor(result), `${c.x.dtype} torch.pow(x, ${exponent})`);
      const leaf = x.clone().requiresGrad_();
      const y = leaf.pow(exponent);
      assert.equal(y.gradFn?.name(), 'PowBackward0');
      sameBits(y.detach(), decodeTensor(result), `${c.x.dtype} pow(x, ${exponent}) recorded`);
    });
  }
}
