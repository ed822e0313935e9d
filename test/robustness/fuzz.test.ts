// A bounded fuzz campaign over every file parser (IDX, safetensors, zip, .pt, pickle), with fixed
// seeds: each mutated input loads correctly or raises a clear error naming its format, in bounded
// time and memory (test/robustness/fuzz-engine.ts states the property). The long campaign is
// `npm run fuzz` (tools/fuzz.ts); docs/robustness.md describes both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { FORMATS, formatNamed } from './fuzz-formats.js';
import { runCampaign, runInput, describeFailure, type FuzzFormat } from './fuzz-engine.js';
import { writeZip } from '../../src/io/zip.js';
import { main as fuzzMain } from '../../tools/fuzz.js';

/** Inputs per format: 20,500 in all, about 13 s on an idle two-core machine (twice that when it is shared). */
const INPUTS: Readonly<Record<string, number>> = { idx: 1500, safetensors: 5000, zip: 6000, pt: 5000, pickle: 3000 };
const SEED = 20261127;

for (const format of FORMATS) {
  test(`fuzz ${format.name}: ${INPUTS[format.name]} mutated inputs load or fail cleanly`, { timeout: 120_000 }, async () => {
    const report = await runCampaign(format, { seed: SEED, inputs: INPUTS[format.name], maxFailures: 5 });
    assert.equal(report.failures.length, 0, report.failures.map(describeFailure).join('\n\n'));
    // The campaign reaches both outcomes and many distinct checks: a mutator that always breaks the
    // file the same way (or never) would test nothing.
    assert.ok(report.loaded > 0, 'some inputs load');
    assert.ok(report.errors.size >= 15, `only ${report.errors.size} distinct errors`);
  });
}

/** The outcome of one handmade input through a format's property check. */
async function check(format: FuzzFormat, bytes: Uint8Array, unchanged = false): Promise<string> {
  const outcome = await runInput(format, { bytes, recipe: ['handmade'], unchanged });
  assert.equal(outcome.failure, undefined);
  return outcome.kind;
}

test('a gzip bomb is refused after inflating what its IDX header declares', async () => {
  const raw = new Uint8Array(64 * 2 ** 20);
  raw.set([0, 0, 8, 1, 0, 0, 0, 100]);
  const kind = await check(formatNamed('idx'), new Uint8Array(gzipSync(raw, { level: 9 })));
  assert.equal(kind, 'Error: gunzip: the gzip data inflates to more than the N bytes its contents declare');
});

test('empty tensors whose other sizes would give strides beyond 2**53 are refused', async () => {
  const idx = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.match(await check(formatNamed('idx'), idx), /^Error: parseIdx: shape \[N, N, N\] is too large/);
  const json = new TextEncoder().encode('{"a":{"dtype":"F32","shape":[0,4503599627370496],"data_offsets":[0,0]}}');
  const st = new Uint8Array(8 + json.length);
  new DataView(st.buffer).setBigUint64(0, BigInt(json.length), true);
  st.set(json, 8);
  assert.match(await check(formatNamed('safetensors'), st), /overflow computing buffer size/);
});

test('corrupt gzip data raises an error naming gzip', async () => {
  const gz = new Uint8Array(gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3])));
  // Node 20's DecompressionStream words zlib's errors, Node 22's gives only their codes.
  assert.match(await check(formatNamed('idx'), gz.subarray(0, gz.length - 3)), /^Error: gunzip: corrupt gzip data \((unexpected end of file|Z_BUF_ERROR)\)$/);
  gz[gz.length - 8] ^= 1;
  assert.match(await check(formatNamed('idx'), gz), /^Error: gunzip: corrupt gzip data \((incorrect data check|Z_DATA_ERROR)\)$/);
});

/** A checkpoint whose data.pkl is `pickle`, with a storage record data/0 of `storage` bytes. */
function checkpoint(pickle: number[], storage = 0): Uint8Array {
  return writeZip([
    { name: 'archive/data.pkl', data: Uint8Array.from(pickle) },
    { name: 'archive/data/0', data: new Uint8Array(storage) },
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}

const text = (s: string): number[] => [...new TextEncoder().encode(s)];
const global = (m: string, n: string): number[] => [0x63, ...text(`${m}\n${n}\n`)];

test('a pickle integer of 300,000 bytes is decoded in linear time', async () => {
  const n = 300_000;
  const bytes = checkpoint([0x80, 2, 0x8b, n & 0xff, (n >> 8) & 0xff, n >> 16, 0, ...new Uint8Array(n).fill(0x11), 0x2e]);
  const outcome = await runInput(formatNamed('pickle'), { bytes, recipe: ['handmade'] });
  assert.deepEqual([outcome.kind, outcome.failure], ['ok', undefined]);
  // Decoding byte by byte took minutes; at once, milliseconds.
  assert.ok(outcome.ms < 1000, `${outcome.ms} ms of processor time`);
});

test('arguments of _rebuild_from_type_v2 nested 20,000 deep raise an error, not a stack overflow', async () => {
  const depth = 20000;
  const pickle = [0x80, 2, ...global('torch._tensor', '_rebuild_from_type_v2'), 0x71, 0, ...global('torch', 'Tensor'), 0x71, 1, 0x30];
  for (let i = 0; i < depth; i++) pickle.push(0x28, 0x68, 0, 0x68, 1);
  pickle.push(0x29);
  for (let i = 0; i < depth; i++) pickle.push(0x7d, 0x74);
  pickle.push(0x52, 0x2e);
  assert.match(await check(formatNamed('pickle'), checkpoint(pickle)), /cannot rebuild through another _rebuild_from_type_v/);
});

/** The pickle of `_rebuild_tensor_v2(storage data/0 of one element of `type`, 0, size, stride, requiresGrad)`. */
function tensorPickle(type: string, size: [number, number], stride: [number, number], requiresGrad: boolean): number[] {
  const str = (v: string): number[] => [0x8c, v.length, ...text(v)];
  const int = (v: number): number[] => [0x4a, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
  const storage = [0x28, ...str('storage'), ...global('torch', type), ...str('0'), ...str('cpu'), ...int(1), 0x74, 0x51];
  const pair = ([a, b]: [number, number]): number[] => [...int(a), ...int(b), 0x86];
  return [0x80, 2, ...global('torch._utils', '_rebuild_tensor_v2'), 0x28, ...storage, ...int(0), ...pair(size), ...pair(stride), requiresGrad ? 0x88 : 0x89, 0x7d, 0x74, 0x52, 0x2e];
}

test('a view repeating one element 2**40 times loads without allocating them (as in PyTorch)', async () => {
  assert.equal(await check(formatNamed('pickle'), checkpoint(tensorPickle('FloatStorage', [2 ** 20, 2 ** 20], [0, 0], false), 4)), 'ok');
});

test('an integer tensor or parameter marked requires_grad fails naming torch.load', async () => {
  const pickle = formatNamed('pickle');
  const message = /^Error: torch\.load: a tensor of dtype intN is marked requires_grad/;
  assert.match(await check(pickle, checkpoint(tensorPickle('LongStorage', [1, 1], [1, 1], true), 8)), message);
  const tensor = tensorPickle('LongStorage', [1, 1], [1, 1], false).slice(2, -1);
  const parameter = [0x80, 2, ...global('torch._utils', '_rebuild_parameter'), 0x28, ...tensor, 0x88, 0x7d, 0x74, 0x52, 0x2e];
  assert.match(await check(pickle, checkpoint(parameter, 8)), message);
});

test('persistent ids that are short or nested 50,000 deep fail with a message, not an engine error', async () => {
  const pickle = formatNamed('pickle');
  const storageId = (items: number[]): number[] => [0x80, 2, 0x28, ...items, 0x74, 0x51, 0x2e];
  const short = storageId([0x8c, 7, ...text('storage'), ...global('torch', 'FloatStorage')]);
  assert.match(await check(pickle, checkpoint(short)), /persistent id has N items/);
  const deep = storageId([...Array<number>(50000).fill(0x5d), ...Array<number>(49999).fill(0x61)]);
  assert.match(await check(pickle, checkpoint(deep)), /Only persistent_load of storage is allowed, but got <class 'list'>$/);
});

test('a safetensors uint64 beyond int64 names the format and the tensor', async () => {
  const json = new TextEncoder().encode('{"big":{"dtype":"U64","shape":[1],"data_offsets":[0,8]}}');
  const st = new Uint8Array(8 + json.length + 8);
  new DataView(st.buffer).setBigUint64(0, BigInt(json.length), true);
  st.set(json, 8);
  st[st.length - 1] = 0x80;
  assert.equal(await check(formatNamed('safetensors'), st), "SafetensorError: tensor `…`: uintN value N does not fit tstorch's intN");
});

test('zip entries that share their bytes are refused', async () => {
  const zip = formatNamed('zip');
  const bytes = writeZip([{ name: 'a/x', data: new Uint8Array(8) }, { name: 'a/y', data: new Uint8Array(8) }]);
  const view = new DataView(bytes.buffer);
  // Point the second central entry (after the first's 46 bytes and name) at the first local header.
  const directory = view.getUint32(bytes.length - 22 + 16, true);
  view.setUint32(directory + 46 + 3 + 42, 0, true);
  assert.throws(() => zip.parse(bytes), /^Error: PytorchStreamReader failed reading zip archive: entries a\/x and a\/y overlap$/);
  assert.match(await check(zip, bytes), /overlap$/);
});

test('the fuzz script runs a short campaign and reports', async () => {
  const lines: string[] = [];
  const failures = await fuzzMain(['--seconds', '1', '--format', 'zip', '--seed', '7', '--in-process'], (line) => lines.push(line));
  assert.equal(failures, 0, lines.join('\n'));
  assert.match(lines.join('\n'), /zip: \d+ inputs in [\d.]+ s \(\d+ inputs\/s\)/);
});
