// nn.init against PyTorch (test/golden/nn_core.json, tools/golden/gen_nn_core.py): after the same
// manual_seed, each initialiser gives PyTorch's values (exactly where PyTorch's arithmetic is
// reproduced, within float tolerance for trunc_normal_'s erfinv and orthogonal_'s QR) and leaves the
// generator where PyTorch leaves it; errors have PyTorch's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, DTYPES, loadFixture, type EncodedTensor } from '../helpers.js';

const init = torch.nn.init;

interface InitCase {
  fn: string;
  shape: number[];
  dtype: string;
  args: (number | string)[];
  kwargs: Record<string, number | string>;
  transposed: boolean;
  seed: number;
  out?: EncodedTensor;
  next?: number;
  error?: string;
}

interface GainCase {
  nonlinearity: string;
  param: number | string | null;
  gain?: number;
  error?: string;
}

interface Cases {
  init: InitCase[];
  gain: GainCase[];
}

const cases = loadFixture<never>('nn_core').cases as unknown as Cases;

type InitFn = (t: Tensor, ...args: unknown[]) => Tensor;
const FNS: Record<string, InitFn> = {
  uniform_: init.uniform_ as InitFn,
  normal_: init.normal_ as InitFn,
  trunc_normal_: init.truncNormal_ as InitFn,
  constant_: init.constant_ as InitFn,
  ones_: init.ones_ as InitFn,
  zeros_: init.zeros_ as InitFn,
  eye_: init.eye_ as InitFn,
  dirac_: init.dirac_ as InitFn,
  xavier_uniform_: init.xavierUniform_ as InitFn,
  xavier_normal_: init.xavierNormal_ as InitFn,
  kaiming_uniform_: init.kaimingUniform_ as InitFn,
  kaiming_normal_: init.kaimingNormal_ as InitFn,
  orthogonal_: init.orthogonal_ as InitFn,
  sparse_: init.sparse_ as InitFn,
};

/** Values computed through float64 (erfinv, QR) where PyTorch computes in float32: a few ulps apart. */
const APPROXIMATE = new Set(['trunc_normal_', 'orthogonal_']);

for (const [i, c] of cases.init.entries()) {
  const label = `${c.fn} #${i} ${c.dtype}[${c.shape.join(',')}] ${JSON.stringify(c.args)} ${JSON.stringify(c.kwargs)}${c.transposed ? ' transposed' : ''}`;
  test(label, () => {
    const dtype = DTYPES[c.dtype];
    const t = c.transposed ? torch.empty([...c.shape].reverse(), { dtype }).t() : torch.empty(c.shape, { dtype });
    torch.manualSeed(c.seed);
    const args = Object.keys(c.kwargs).length > 0 ? [...c.args, c.kwargs] : c.args;
    const run = (): Tensor => FNS[c.fn](t, ...args);
    if (c.error !== undefined) {
      assert.throws(run, (e: Error) => e.message === c.error);
      return;
    }
    assert.equal(run(), t);
    const exact = !APPROXIMATE.has(c.fn);
    assertTensorClose(t.contiguous(), c.out as EncodedTensor, exact ? { rtol: 0, atol: 0, message: label } : { message: label });
    assert.equal(torch.rand([]).item(), c.next, 'the generator state after the call');
  });
}

test('calculateGain', () => {
  for (const c of cases.gain) {
    const call = (): number => init.calculateGain(c.nonlinearity as Parameters<typeof init.calculateGain>[0], c.param as number);
    if (c.error !== undefined) assert.throws(call, (e: Error) => e.message === c.error, c.nonlinearity);
    else assert.equal(call(), c.gain, `${c.nonlinearity} ${String(c.param)}`);
  }
});

test('an init function takes its arguments positionally, in an options object, or both', () => {
  const a = torch.empty(3, 4);
  const b = torch.empty(3, 4);
  torch.manualSeed(1);
  init.kaimingNormal_(a, 0.1, 'fan_out', 'relu');
  torch.manualSeed(1);
  init.kaimingNormal_(b, 0.1, { nonlinearity: 'relu', mode: 'fan_out' });
  assert.deepEqual(a.tolist(), b.tolist());
});

test('an explicit generator is used instead of the default one', () => {
  const g = new torch.Generator().manualSeed(5);
  const a = init.uniform_(torch.empty(4), -1, 1, { generator: g });
  torch.manualSeed(5);
  const b = init.uniform_(torch.empty(4), { a: -1, b: 1 });
  assert.deepEqual(a.tolist(), b.tolist());
});

test('init functions do not record gradients, even on parameters', () => {
  const p = new torch.nn.Parameter(torch.empty(3, 3));
  init.xavierUniform_(p);
  init.orthogonal_(p);
  assert.equal(p.gradFn, null);
  assert.equal(p.isLeaf, true);
});

test('kaiming on a zero-element tensor is a no-op with PyTorch warning', () => {
  const seen: string[] = [];
  const restore = torch.catchWarnings((_c, m) => seen.push(m));
  try {
    const t = torch.empty(0, 3);
    assert.equal(init.kaimingUniform_(t), t);
  } finally {
    restore();
  }
  assert.deepEqual(seen, ['Initializing zero-element tensors is a no-op']);
});
