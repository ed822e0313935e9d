// Tensor creation against PyTorch: dtype inference, values, shapes and errors (test/golden/factory.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor, DType } from 'tstorch';
import { assertTensorClose, loadFixture, DTYPES, type EncodedTensor } from '../helpers.js';

interface FactoryCase {
  key: string;
  args: Record<string, unknown>;
  out?: EncodedTensor;
  error?: string;
}

type Args = Record<string, unknown>;
const dtypeOf = (a: Args): DType | undefined => (a.dtype ? DTYPES[a.dtype as string] : undefined);
const opts = (a: Args) => ({ ...(dtypeOf(a) ? { dtype: dtypeOf(a) } : {}), ...(a.requiresGrad ? { requiresGrad: true } : {}) });
const likeSource = () => torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.int32 });

const CALLS: Record<string, (a: Args) => Tensor> = {
  tensor: (a) => torch.tensor(a.data as number[], opts(a)),
  zeros: (a) => torch.zeros(a.shape as number[], opts(a)),
  ones: (a) => torch.ones(a.shape as number[], opts(a)),
  full: (a) => torch.full(a.shape as number[], a.value as number, opts(a)),
  arange: (a) => {
    const args = a.args as number[];
    if (args.length === 1) return torch.arange(args[0], opts(a));
    if (args.length === 2) return torch.arange(args[0], args[1], opts(a));
    return torch.arange(args[0], args[1], args[2], opts(a));
  },
  linspace: (a) => {
    const [s, e, n] = a.args as number[];
    return torch.linspace(s, e, n, opts(a));
  },
  logspace: (a) => {
    const [s, e, n] = a.args as number[];
    return torch.logspace(s, e, n, { base: a.base as number });
  },
  eye: (a) => (a.m === null ? torch.eye(a.n as number, opts(a)) : torch.eye(a.n as number, a.m as number, opts(a))),
  zeros_like: (a) => torch.zerosLike(likeSource(), opts(a)),
  ones_like: (a) => torch.onesLike(likeSource(), opts(a)),
  full_like: (a) => torch.fullLike(likeSource(), a.value as number, opts(a)),
};

const fixture = loadFixture<FactoryCase>('factory');
fixture.cases.forEach((c, i) => {
  test(`${c.key} #${i} ${JSON.stringify(c.args)}`, () => {
    const call = CALLS[c.key];
    assert.ok(call, `no call for ${c.key}`);
    if (c.error !== undefined) {
      assert.throws(() => call(c.args), (e: unknown) => e instanceof Error && e.message === c.error);
      return;
    }
    assertTensorClose(call(c.args), c.out as EncodedTensor, { message: c.key });
  });
});

test('torch.tensor of bigints is int64, of a typed array its own dtype', () => {
  assert.equal(torch.tensor([1n, 2n]).dtype, torch.int64);
  assert.equal(torch.tensor(new Int32Array([1, 2])).dtype, torch.int32);
  assert.equal(torch.tensor(new Float64Array([1, 2])).dtype, torch.float64);
  assert.equal(torch.tensor(new Uint8Array([1, 2])).dtype, torch.uint8);
});

test('fromTypedArray shares memory with the array', () => {
  const data = new Float32Array([1, 2, 3, 4, 5, 6]);
  const t = torch.fromTypedArray(data, [2, 3]);
  data[4] = 50;
  assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 50, 6]]);
  assert.throws(() => torch.fromTypedArray(data, [4, 2]), /does not match the array's 6 elements/);
});

test('factories reject bad arguments at the call', () => {
  // PyTorch 1.13: zeros(2, 'a') -> "zeros(): argument 'size' must be tuple of SymInts, but found element of type str at pos 2"
  assert.throws(() => torch.zeros(2, 'a' as unknown as number), /^TypeError: zeros\(\): argument 'size' must be tuple of SymInts, but found element of type str at pos 2$/);
  assert.throws(() => torch.ones([2.5]), /ones\(\): argument 'size'/);
  assert.throws(() => torch.zeros(2, { dtype: 'float32' as unknown as DType }), /argument 'dtype' must be torch.dtype/);
  assert.throws(() => torch.tensor({} as unknown as number[]), /Could not infer dtype of Object/);
});

test('the default dtype governs float factories', () => {
  torch.setDefaultDtype(torch.float64);
  try {
    assert.equal(torch.tensor([1.5]).dtype, torch.float64);
    assert.equal(torch.arange(0, 1, 0.5).dtype, torch.float64);
    assert.equal(torch.ones(2).dtype, torch.float64);
    assert.equal(String(torch.tensor([1.5])), 'tensor([1.5000])');
    assert.equal(String(torch.tensor([1.5], { dtype: torch.float32 })), 'tensor([1.5000], dtype=torch.float32)');
  } finally {
    torch.setDefaultDtype(torch.float32);
  }
  assert.throws(() => torch.setDefaultDtype(torch.int64), /only floating-point types are supported as the default type/);
});
