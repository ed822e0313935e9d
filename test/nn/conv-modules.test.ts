// Convolution and pooling modules against PyTorch (test/golden/conv_modules.json, written by
// tools/golden/gen_conv.py): the weights a layer holds after torch.manualSeed equal PyTorch's exactly;
// reprs; forward passes on batched and unbatched inputs (padding modes included); ConvTranspose's
// output_size; constructor errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, decodeTensor, loadFixture, type EncodedTensor } from '../helpers.js';

const nn = torch.nn;

type PyValue = number | (number | null)[];
type Kwargs = Record<string, PyValue | boolean | string | { dtype: string }>;

interface ModuleCase {
  module: string;
  args: PyValue[];
  kwargs: Kwargs;
  seed: number;
  repr: string;
  params: Record<string, EncodedTensor>;
  input: EncodedTensor;
  output: EncodedTensor;
  output_unbatched?: EncodedTensor;
}

interface PoolCase {
  module: string;
  args: PyValue[];
  kwargs: Kwargs;
  repr: string;
  input: EncodedTensor;
  output: EncodedTensor[];
}

interface Fixture {
  modules: ModuleCase[];
  transposed_output_size: {
    args: number[];
    kwargs: Kwargs;
    seed: number;
    input: EncodedTensor;
    output_size: number[];
    output: EncodedTensor;
    errors: { output_size: number[]; error: string }[];
  };
  errors: { module: string; args: number[]; kwargs: Kwargs; error: string }[];
  pools: PoolCase[];
}

const fixture = loadFixture<never>('conv_modules') as unknown as Fixture;

/** PyTorch's keyword arguments as tstorch's options (snake_case to camelCase, dtypes decoded). */
function options(kwargs: Kwargs): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(kwargs).map(([k, v]) => [
      k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      typeof v === 'object' && v !== null && !Array.isArray(v) ? torch.float64 : v,
    ]),
  );
}

type Ctor = new (...args: never[]) => torch.nn.Module;
const MODULES: Record<string, Ctor> = {
  Conv1d: nn.Conv1d, Conv2d: nn.Conv2d, ConvTranspose1d: nn.ConvTranspose1d, ConvTranspose2d: nn.ConvTranspose2d,
  MaxPool1d: nn.MaxPool1d, MaxPool2d: nn.MaxPool2d, AvgPool1d: nn.AvgPool1d, AvgPool2d: nn.AvgPool2d,
  AdaptiveAvgPool2d: nn.AdaptiveAvgPool2d, AdaptiveMaxPool2d: nn.AdaptiveMaxPool2d,
};

function build(name: string, args: readonly unknown[], kwargs: Kwargs): torch.nn.Module {
  const C = MODULES[name] as unknown as new (...a: unknown[]) => torch.nn.Module;
  return new C(...args, options(kwargs));
}

const asList = (out: unknown): Tensor[] => (Array.isArray(out) ? (out as Tensor[]) : [out as Tensor]);

for (const c of fixture.modules) {
  test(`${c.repr}: weights after manualSeed(${c.seed}), repr, forward`, () => {
    torch.manualSeed(c.seed);
    const m = build(c.module, c.args, c.kwargs);
    assert.equal(String(m), c.repr);
    const params = new Map(m.namedParameters());
    assert.deepEqual([...params.keys()], Object.keys(c.params));
    for (const [name, want] of Object.entries(c.params)) {
      assertTensorClose(params.get(name) as Tensor, want, { rtol: 0, atol: 0, message: name });
    }
    const x = decodeTensor(c.input);
    assertTensorClose(m.call(x) as Tensor, c.output, { message: 'batched output' });
    if (c.output_unbatched) assertTensorClose(m.call(x.select(0, 0)) as Tensor, c.output_unbatched, { message: 'unbatched output' });
  });
}

test('ConvTranspose2d: output_size picks the output padding; sizes out of range are errors', () => {
  const t = fixture.transposed_output_size;
  torch.manualSeed(t.seed);
  const m = build('ConvTranspose2d', t.args, t.kwargs) as torch.nn.ConvTranspose2d;
  const x = decodeTensor(t.input);
  assertTensorClose(m.forward(x, t.output_size), t.output);
  for (const e of t.errors) assert.throws(() => m.forward(x, e.output_size), { message: e.error });
});

for (const e of fixture.errors) {
  test(`${e.module}(${e.args.join(', ')}, ${JSON.stringify(e.kwargs)}) fails as in PyTorch`, () => {
    assert.throws(() => build(e.module, e.args, e.kwargs), { message: e.error });
  });
}

for (const p of fixture.pools) {
  test(`${p.repr}: repr and forward`, () => {
    const m = build(p.module, p.args, p.kwargs);
    assert.equal(String(m), p.repr);
    const outs = asList(m.call(decodeTensor(p.input)));
    assert.equal(outs.length, p.output.length);
    outs.forEach((o, i) => assertTensorClose(o, p.output[i], { message: `output ${i}` }));
  });
}

test("pooling layers take the stride as PyTorch's second positional argument", () => {
  const { nn } = torch;
  // PyTorch 1.13: repr(nn.MaxPool2d(2, 2)), repr(nn.AvgPool2d(3, (1, 2)))
  assert.equal(String(new nn.MaxPool2d(2, 2)), 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
  assert.equal(String(new nn.AvgPool2d(3, [1, 2])), 'AvgPool2d(kernel_size=3, stride=(1, 2), padding=0)');
});
