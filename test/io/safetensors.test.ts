// safetensors: files written by the reference serializer's algorithm from PyTorch's tensors
// (test/golden/io/*.safetensors, tools/golden/gen_io.py) load with their values and metadata; every
// dtype of the format tstorch can hold; zero-copy and lazy reads; writing and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, decodeTensor } from '../helpers.js';
import { IO } from './fixture.js';
import { goldenBytes } from './scenarios.js';

const { nn } = torch;

test('an MLP saved as safetensors loads with its values and metadata, and gives PyTorch\'s outputs', async () => {
  const bytes = goldenBytes('mlp.safetensors');
  const sd = (await torch.load(bytes)) as Map<string, Tensor>;
  assert.deepEqual([...sd.keys()], Object.keys(IO.mlp.state_dict).sort());
  for (const [key, want] of Object.entries(IO.mlp.state_dict)) assertTensorClose(sd.get(key) as Tensor, want, { message: key, rtol: 0, atol: 0 });
  assert.deepEqual(torch.io.safetensorsMetadata(bytes), IO.mlp.metadata);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  model.loadStateDict(sd);
  assertTensorClose(model.call(decodeTensor(IO.mlp.input)) as Tensor, IO.mlp.output, { message: 'output' });
});

test('every dtype the format defines that tstorch can hold: halves and float8s as float32, wide unsigned ints widened', () => {
  const bytes = goldenBytes('dtypes.safetensors');
  const all = torch.io.loadSafetensors(bytes);
  assert.deepEqual([...all.keys()], Object.keys(IO.safetensors_dtypes).sort());
  for (const [key, want] of Object.entries(IO.safetensors_dtypes)) assertTensorClose(all.get(key) as Tensor, want, { message: key, rtol: 0, atol: 0 });
  const wide = torch.io.loadSafetensors(bytes, { dtype: torch.float64 });
  for (const key of ['f16', 'bf16', 'f8_e4m3', 'f8_e5m2', 'f8_e8m0']) assert.equal(wide.get(key)?.dtype, torch.float64, key);
  assert.equal(wide.get('f32')?.dtype, torch.float32);
  assert.equal(wide.get('u16')?.dtype, torch.int32);
});

test('float8 encodings invert their decodings for every code (NaNs stay NaNs)', () => {
  const loaded = torch.io.loadSafetensors(goldenBytes('dtypes.safetensors'));
  const formats = { f8_e4m3: 'F8_E4M3', f8_e5m2: 'F8_E5M2', f8_e8m0: 'F8_E8M0' } as const;
  const nan: Record<keyof typeof formats, (b: number) => boolean> = {
    f8_e4m3: (b) => (b & 0x7f) === 0x7f,
    f8_e5m2: (b) => (b & 0x7f) > 0x7c,
    f8_e8m0: (b) => b === 0xff,
  };
  for (const [key, dtype] of Object.entries(formats) as [keyof typeof formats, torch.io.SafetensorsDtype][]) {
    const again = torch.io.saveSafetensors({ x: loaded.get(key) as Tensor }, { dtype: { x: dtype } });
    const codes = again.subarray(again.length - 256);
    codes.forEach((c, b) => assert.ok(nan[key](b) ? nan[key](c) : c === b, `${key} code ${b} came back as ${c}`));
  }
});

test('tensors aligned in the file are views of its bytes (zero-copy)', () => {
  const bytes = torch.io.saveSafetensors({ a: torch.ones(3), b: torch.tensor([1n, 2n]), c: torch.tensor([true]) });
  const loaded = torch.io.loadSafetensors(bytes);
  for (const [key, t] of loaded) assert.equal(t.untypedStorage().data.buffer, bytes.buffer, key);
});

test('lazy loading reads the header, then only the bytes of the tensor asked for', async () => {
  const tensors = { big: torch.zeros(1000, 100), small: torch.arange(4, { dtype: torch.float32 }), other: torch.ones(500, 10) };
  const bytes = torch.io.saveSafetensors(tensors, { metadata: { k: 'v' } });
  const reads: [number, number][] = [];
  const source: torch.io.ByteSource = {
    size: bytes.length,
    read: async (offset, length) => {
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length);
    },
  };
  const file = await torch.io.safeOpen(source);
  const headerBytes = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(reads.reduce((s, [, n]) => s + n, 0), headerBytes);
  assert.deepEqual(file.keys(), ['big', 'other', 'small']);
  assert.deepEqual(file.metadata(), { k: 'v' });
  assert.deepEqual(file.info('small'), { dtype: 'F32', shape: [4], dataOffsets: [420000, 420016] });
  assert.deepEqual((await file.getTensor('small')).tolist(), [0, 1, 2, 3]);
  assert.deepEqual(reads.at(-1), [headerBytes + 420000, 16]);
  await assert.rejects(file.getTensor('nope'), { message: 'tensor `nope` not found' });

  const dir = mkdtempSync(join(tmpdir(), 'tstorch-st-'));
  try {
    const path = join(dir, 'model.safetensors');
    await torch.save(tensors, path);
    const onDisk = await torch.io.safeOpen(path);
    assert.deepEqual((await onDisk.getTensor('small')).tolist(), [0, 1, 2, 3]);
    assert.deepEqual((await onDisk.getTensor('other')).shape, [500, 10]);
    await onDisk.close();
    const whole = await torch.load<Map<string, Tensor>>(path);
    assert.deepEqual([...whole.keys()], ['big', 'other', 'small']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('saving: the reference layout, native dtypes round trip exactly, halves as PyTorch rounds them', () => {
  const x = torch.tensor([[1, 2], [3, 4]], { dtype: torch.int16 }).t();
  const bytes = torch.io.saveSafetensors({ 'b.weight': x, 'a.bias': torch.tensor([0.1], { dtype: torch.float64 }) });
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
  assert.equal(header.trimEnd(), '{"a.bias":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b.weight":{"dtype":"I16","shape":[2,2],"data_offsets":[8,16]}}');
  assert.equal(header.length % 8, 0);
  const back = torch.io.loadSafetensors(bytes);
  assert.deepEqual(back.get('b.weight')?.tolist(), [[1, 3], [2, 4]]);
  const halves = torch.io.loadSafetensors(torch.io.saveSafetensors({ h: torch.tensor([0.1, 4e-8, 7e4]) }, { dtype: 'F16' }));
  assert.deepEqual(halves.get('h')?.tolist(), [0.0999755859375, 5.960464477539063e-8, Infinity]);
});

test('saving errors name what is wrong', () => {
  assert.throws(() => torch.io.saveSafetensors({ a: 1 as unknown as Tensor }), { message: 'saveSafetensors: value of `a` is not a tensor' });
  assert.throws(() => torch.io.saveSafetensors({ a: torch.ones(1) }, { dtype: 'F4' }), { message: 'saveSafetensors: tstorch cannot write dtype F4' });
  assert.throws(() => torch.io.saveSafetensors({}, { metadata: { a: 1 as unknown as string } }), { message: 'saveSafetensors: metadata value of `a` is not a string' });
  assert.throws(() => torch.io.saveBytes([torch.ones(1)], { format: 'safetensors' }), { message: 'torch.save: the safetensors format holds a map of names to tensors' });
  // Empty files as the reference writes them.
  assert.deepEqual([...torch.io.saveSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
});
