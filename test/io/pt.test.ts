// torch.load of .pt files written by PyTorch 1.13 (test/golden/io/*.pt, tools/golden/gen_io.py): the
// blitz CNN, an MLP and an LSTM state_dict (values and the models' outputs), every dtype, a tensor and
// its views, nested containers, the legacy format, optimizer state dicts, and the globals PyTorch's
// weights-only loader refuses. Plus torch.save/torch.load through files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, decodeTensor } from '../helpers.js';
import { IO, tensorSha256 } from './fixture.js';
import { BlitzNet, goldenBytes, GOLDEN_IO } from './scenarios.js';

const { nn } = torch;
const F = nn.functional;
const golden = (name: string): string => new URL(name, GOLDEN_IO).pathname;

test('the blitz CNN state_dict loads with identical values, and the model gives PyTorch\'s outputs', async () => {
  const sd = await torch.load<Map<string, Tensor>>(golden('cnn.pt'));
  assert.ok(sd instanceof Map);
  assert.deepEqual([...sd.keys()], IO.cnn.keys);
  for (const [key, want] of Object.entries(IO.cnn.tensors)) {
    const t = sd.get(key) as Tensor;
    assert.deepEqual(t.shape, want.shape, key);
    assert.equal(t.dtype, torch.float32);
    assert.equal(tensorSha256(t), want.sha256, `${key}: raw bytes`);
  }
  const net = new BlitzNet();
  assert.equal(String(net.loadStateDict(sd)), '<All keys matched successfully>');
  net.eval();
  assertTensorClose(torch.noGrad(() => net.call(decodeTensor(IO.cnn.input)) as Tensor), IO.cnn.output, { message: 'cnn output' });
});

test('an MLP state_dict loads into nn.Sequential and gives PyTorch\'s outputs', async () => {
  const sd = await torch.load<Map<string, Tensor>>(readFileSync(golden('mlp.pt')));
  for (const [key, want] of Object.entries(IO.mlp.state_dict)) assertTensorClose(sd.get(key) as Tensor, want, { message: key, rtol: 0, atol: 0 });
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  model.loadStateDict(sd);
  assertTensorClose(model.call(decodeTensor(IO.mlp.input)) as Tensor, IO.mlp.output, { message: 'mlp output' });
});

test("an LSTM state_dict loads; the LSTM equations over its tensors give PyTorch's outputs", () => {
  const sd = torch.io.loadBytes<Map<string, Tensor>>(goldenBytes('lstm.pt'));
  assert.deepEqual([...sd.keys()], Object.keys(IO.lstm.state_dict));
  for (const [key, want] of Object.entries(IO.lstm.state_dict)) assertTensorClose(sd.get(key) as Tensor, want, { message: key, rtol: 0, atol: 0 });
  const [wIh, wHh, bIh, bHh] = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map((k) => sd.get(k) as Tensor);
  const x = decodeTensor(IO.lstm.input);
  let h = torch.zeros(1, 4);
  let c = torch.zeros(1, 4);
  const outputs: Tensor[] = [];
  for (let step = 0; step < x.size(0); step++) {
    const gates = F.linear(x.select(0, step), wIh, bIh).add(F.linear(h, wHh, bHh));
    const [i, f, g, o] = gates.chunk(4, 1);
    c = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
    h = o.sigmoid().mul(c.tanh());
    outputs.push(h);
  }
  assertTensorClose(torch.stack(outputs), IO.lstm.output, { message: 'output' });
  assertTensorClose(h.unsqueeze(0), IO.lstm.h, { message: 'h' });
  assertTensorClose(c.unsqueeze(0), IO.lstm.c, { message: 'c' });
});

test('every dtype loads with its values (float16 and bfloat16 as float32, or as the dtype asked for)', () => {
  const bytes = goldenBytes('dtypes.pt');
  const sd = torch.io.loadBytes<Map<string, Tensor>>(bytes);
  assert.deepEqual([...sd.keys()], Object.keys(IO.dtypes));
  for (const [key, want] of Object.entries(IO.dtypes)) assertTensorClose(sd.get(key) as Tensor, want, { message: key, rtol: 0, atol: 0 });
  const wide = torch.io.loadBytes<Map<string, Tensor>>(bytes, { dtype: torch.float64 });
  assert.equal(wide.get('float16')?.dtype, torch.float64);
  assert.equal(wide.get('bfloat16')?.dtype, torch.float64);
  assert.equal(wide.get('float32')?.dtype, torch.float32);
  assert.deepEqual(wide.get('float16')?.tolist(), sd.get('float16')?.tolist());
});

function checkViews(sd: Map<string, Tensor>, what: string): void {
  const base = sd.get('base') as Tensor;
  for (const [key, want] of Object.entries(IO.views)) {
    const t = sd.get(key) as Tensor;
    const where = `${what} ${key}`;
    assert.deepEqual([t.shape, t.stride(), t.storageOffset()], [want.shape, want.stride, want.offset], `${where}: layout`);
    assertTensorClose(t, want.value, { message: where, rtol: 0, atol: 0 });
    assert.equal(t.sharesStorageWith(base), want.shares_base, `${where}: shares the base's storage`);
    assert.equal(t instanceof nn.Parameter, want.parameter, `${where}: Parameter`);
    assert.equal(t.requiresGrad, want.requires_grad, `${where}: requires_grad`);
  }
  // One storage: writing through a view shows in the base, as in PyTorch.
  (sd.get('row') as Tensor).fill_(-1);
  assert.deepEqual((base.select(0, 1).tolist() as number[]).slice(0, 2), [-1, -1]);
}

test('a tensor and its views keep their layouts and share one storage; Parameters stay Parameters', () => {
  checkViews(torch.io.loadBytes<Map<string, Tensor>>(goldenBytes('views.pt')), 'zip');
});

test('the legacy (non-zip) format loads the same objects', () => {
  checkViews(torch.io.loadBytes<Map<string, Tensor>>(goldenBytes('legacy.pt')), 'legacy');
});

test('nested containers: dicts, OrderedDicts, lists, tuples, ints, floats, strings, bytes, None, dtypes', () => {
  const v = torch.io.loadBytes<Record<string, torch.io.PickleValue>>(goldenBytes('nested.pt'));
  const list = v.list as torch.io.PickleValue[];
  assertTensorClose(list[0] as Tensor, IO.nested.shared);
  assert.deepEqual(list.slice(1), [1, -2, 2.5, 'text', null, true, false]);
  assert.ok(!Object.isFrozen(list));
  const tuple = v.tuple as readonly torch.io.PickleValue[];
  assert.ok(Object.isFrozen(tuple) && Object.isFrozen(tuple[2]));
  assert.equal(tuple[0], list[0], 'one tensor object for one pickled tensor');
  assert.deepEqual(tuple.slice(1), [3, [4, [5]]]);
  const inner = (v.dict as Record<string, Record<string, torch.io.PickleValue>>).inner;
  assertTensorClose(inner.t as Tensor, IO.nested.int32);
  assert.deepEqual(inner.deep, [[[]]]);
  assert.deepEqual(v.od, new Map([['b', 1], ['a', 2]]));
  assert.deepEqual(v.int_keys, new Map([[0, 'zero'], [7, 'seven']]));
  assert.equal(v.big, 2n ** 62n, 'ints beyond 2**53 are bigints');
  assert.equal(v.huge, -(2n ** 100n));
  assert.equal(v.small, -1);
  assert.ok(Number.isNaN(v.nan));
  assert.equal(v.inf, -Infinity);
  assert.equal(v.text, 'héllo ✓');
  assert.deepEqual(v.bytes, new Uint8Array([0, 255, 97, 98]));
  assert.deepEqual(v.empty, {});
  assert.equal(v.none, null);
  assert.equal(v.dtype, torch.float64);
  assert.deepEqual(v.size, [2, 3]);
});

test('PyTorch optimizer state dicts load into tstorch optimizers, which then step as PyTorch did', () => {
  type Case = { params: Tensor[]; state: torch.io.PickleValue; grads: Tensor[] };
  const saved = torch.io.loadBytes<Record<'sgd' | 'adam', Case>>(goldenBytes('optimizer.pt'));
  for (const name of ['sgd', 'adam'] as const) {
    const params = saved[name].params.map((p) => new nn.Parameter(p.clone()));
    const opt = name === 'sgd' ? new torch.optim.SGD(params) : new torch.optim.Adam(params);
    opt.loadStateDict(torch.io.optimizerStateDictFromPyTorch(saved[name].state));
    params.forEach((p, i) => (p.grad = saved[name].grads[i].clone()));
    opt.step();
    params.forEach((p, i) => assertTensorClose(p, IO.optimizer[name].after[i], { message: `${name} param ${i}` }));
  }
});

test('globals outside the weights-only allowlist are refused by name, and nothing is executed', () => {
  const refused = (file: string, global: string): void =>
    assert.throws(() => torch.io.loadBytes(goldenBytes(file)), (e: Error) => {
      assert.equal(e.name, 'UnpicklingError');
      assert.ok(e.message.startsWith(`Weights only load failed. WeightsUnpickler error: Unsupported global: GLOBAL ${global} was not an allowed global by default.`), e.message);
      return true;
    });
  refused('module.pt', 'torch.nn.modules.linear.Linear');
  refused('evil.pt', 'posix.system');
  refused('set.pt', '__builtin__.set');
});

test('torch.save and torch.load through files; the archive is named after the file, as PyTorch names it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tstorch-io-'));
  try {
    const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU());
    const file = join(dir, 'model.ckpt.pt');
    await torch.save(model.stateDict(), file);
    const names = new TextDecoder('latin1').decode(readFileSync(file));
    assert.ok(names.includes('model.ckpt/data.pkl') && names.includes('model.ckpt/version'));
    const copy = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU());
    copy.loadStateDict(await torch.load(file));
    for (const [k, t] of model.stateDict()) assert.ok(torch.equal(t, copy.stateDict().get(k) as Tensor), k);
    await assert.rejects(torch.load(join(dir, 'missing.pt')), { message: `[Errno 2] No such file or directory: '${join(dir, 'missing.pt')}'` });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('round trips keep types, sharing, Parameters and requiresGrad; zip tensors are views of the bytes', () => {
  const a = torch.arange(12, { dtype: torch.float64 }).reshape(3, 4);
  const p = new nn.Parameter(torch.ones(2));
  const obj = { a, t: a.t(), slice: a.select(1, 2), p, same: [p, p], map: new Map<string, unknown>([['x', 1.5]]) };
  const bytes = torch.io.saveBytes(obj);
  const back = torch.io.loadBytes<Record<string, torch.io.PickleValue>>(bytes);
  const [ba, bt, bs, bp] = [back.a, back.t, back.slice, back.p] as Tensor[];
  assert.ok(bt.sharesStorageWith(ba) && bs.sharesStorageWith(ba));
  assert.deepEqual([bt.stride(), bs.stride(), bs.storageOffset()], [[1, 4], [4], 2]);
  assert.ok(bp instanceof nn.Parameter && bp.requiresGrad);
  assert.equal((back.same as Tensor[])[0], (back.same as Tensor[])[1]);
  assert.deepEqual(back.map, new Map([['x', 1.5]]));
  assert.equal(ba.untypedStorage().data.buffer, bytes.buffer, 'zero-copy: the storage views the file bytes');
  assert.deepEqual(ba.tolist(), a.tolist());
});
