// Malformed, truncated and hostile files of every format raise clear errors: never a crash, a hang, or
// an allocation larger than the file can justify (sizes are checked before anything is allocated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { pickle, unpickle, GlobalRef, type UnpicklerHooks } from '../../src/io/pickle.js';
import { writeZip } from '../../src/io/zip.js';
import { goldenBytes } from './scenarios.js';

const FILES = ['views.pt', 'legacy.pt', 'nested.pt', 'dtypes.pt', 'optimizer.pt', 'mlp.safetensors', 'dtypes.safetensors'];

/** Loads, and returns the error, if any; anything thrown must be an Error other than a RangeError. */
function tryLoad(bytes: Uint8Array): Error | null {
  try {
    torch.io.loadBytes(bytes);
    return null;
  } catch (e) {
    assert.ok(e instanceof Error, `threw ${String(e)}`);
    assert.ok(!(e instanceof RangeError), `RangeError (an allocation or recursion limit): ${e.message}`);
    return e;
  }
}

test('every truncation of every fixture raises an error', () => {
  for (const name of [...FILES, 'cnn.pt']) {
    const bytes = goldenBytes(name);
    const step = Math.max(1, Math.floor(bytes.length / 400));
    for (let n = 0; n < bytes.length; n += step) {
      assert.ok(tryLoad(bytes.slice(0, n)) !== null, `${name} cut to ${n} bytes loaded`);
    }
  }
});

test('every single corrupted byte either loads or raises an Error', () => {
  for (const name of FILES) {
    const bytes = goldenBytes(name);
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] ^= 0xff;
      tryLoad(copy);
    }
  }
});

test('corrupted data in a .pt archive is caught by its CRC', () => {
  const bytes = torch.io.saveBytes({ t: torch.ones(3) });
  const at = bytes.findIndex((b, i) => b === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 0x80 && bytes[i + 3] === 0x3f); // 1.0f
  bytes[at + 3] ^= 1;
  assert.equal(tryLoad(bytes)?.message, 'PytorchStreamReader failed reading zip archive: invalid crc-32 of entry archive/data/0 (corrupt file?)');
});

test('files that are no checkpoint say so', () => {
  assert.equal(tryLoad(new Uint8Array(0))?.message, 'torch.load: unrecognized file format (neither a PyTorch checkpoint nor a safetensors file)');
  assert.equal(tryLoad(new TextEncoder().encode('PK\u0003\u0004 this is not really a zip archive'))?.message, 'PytorchStreamReader failed reading zip archive: failed finding central directory');
  const torchScript = writeZip([{ name: 'm/constants.pkl', data: new Uint8Array(1) }, { name: 'm/data.pkl', data: new Uint8Array(1) }]);
  assert.match(tryLoad(torchScript)?.message ?? '', /TorchScript archive/);
});

function safetensors(header: string, data = new Uint8Array(0), claimed?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, claimed ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('safetensors headers are validated before anything is allocated', () => {
  const load = (b: Uint8Array): string => (() => {
    try {
      torch.io.loadSafetensors(b);
      return 'loaded';
    } catch (e) {
      return (e as Error).message;
    }
  })();
  const pre = 'Error while deserializing header: ';
  assert.equal(load(new Uint8Array(5)), `${pre}header too small`);
  assert.equal(load(safetensors('{}', new Uint8Array(0), 2n ** 62n)), `${pre}header too large`);
  assert.equal(load(safetensors('{}', new Uint8Array(0), 50_000_000n)), `${pre}invalid header length`);
  assert.equal(load(safetensors('{"a": ')), `${pre}invalid JSON in header: ${(() => { try { JSON.parse('{"a": '); } catch (e) { return (e as Error).message; } return ''; })()}`);
  const huge = '{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,16]}}';
  assert.equal(load(safetensors(huge, new Uint8Array(16))), `${pre}overflow computing buffer size from shape and/or element type`);
  const mismatch = '{"a":{"dtype":"F32","shape":[5],"data_offsets":[0,16]}}';
  assert.equal(load(safetensors(mismatch, new Uint8Array(16))), `${pre}invalid shape, data type, or offset for tensor \`a\``);
  const gap = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
  assert.equal(load(safetensors(gap, new Uint8Array(8))), `${pre}invalid offset for tensor \`a\``);
  const short = '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}';
  assert.equal(load(safetensors(short, new Uint8Array(8))), `${pre}incomplete metadata, file not fully covered`);
  assert.equal(load(safetensors('{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4))), `${pre}invalid JSON in header: tensor \`a\` needs a known dtype, a shape of sizes and two data_offsets`);
  assert.equal(load(safetensors('{"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}', new Uint8Array(1))), 'tensor `a` has dtype F4, which tstorch cannot represent');
  assert.equal(load(safetensors('{"__metadata__":{"a":1}}')), `${pre}invalid JSON in header: __metadata__ must map strings to strings`);
});

const NO_GLOBALS: UnpicklerHooks = {
  findGlobal: (m, n) => {
    throw new Error(`global ${m}.${n}`);
  },
  call: () => null,
  build: () => false,
  persistentLoad: () => null,
};

function runPickle(bytes: number[]): string {
  try {
    return JSON.stringify(unpickle(new Uint8Array(bytes), NO_GLOBALS).value);
  } catch (e) {
    assert.ok(!(e instanceof RangeError), (e as Error).message);
    return (e as Error).message;
  }
}

test('pickles that claim more data than they hold, or misuse the stack or memo, fail cleanly', () => {
  assert.equal(runPickle([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0xff, 0x61]), 'pickle data was truncated');
  assert.equal(runPickle([0x80, 2, 0x8b, 0xff, 0xff, 0xff, 0x7f]), 'pickle data was truncated');
  assert.equal(runPickle([0x80, 2, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x40]), 'pickle data was truncated');
  assert.equal(runPickle([0x80, 2, 0x4e, 0x72, 0xff, 0xff, 0xff, 0xff, 0x2e]), 'null');
  assert.equal(runPickle([0x80, 2, 0x6a, 0xff, 0xff, 0xff, 0xff, 0x2e]), 'Memo value not found at index 4294967295');
  assert.equal(runPickle([0x80, 2, 0x61]), 'unpickling stack underflow');
  assert.equal(runPickle([0x80, 2, 0x74]), 'could not find MARK');
  assert.equal(runPickle([0x80, 2, 0x69]), 'Weights only load failed. WeightsUnpickler error: Unsupported operand 105');
  assert.equal(runPickle([0x80, 2, 0x4e]), 'pickle data was truncated');
  assert.equal(runPickle([0x80, 2, 0x63, 0x6f, 0x73, 0x0a, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x0a]), 'global os.system');
  const deep = [0x80, 2, ...Array<number>(5000).fill(0x5d), ...Array<number>(4999).fill(0x61), 0x2e];
  assert.equal(runPickle(deep), 'torch.load: objects nested more than 1000 levels deep');
  // A list that contains itself loads as one (cyclic) array.
  const cyclic = unpickle(new Uint8Array([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]), NO_GLOBALS).value as unknown[];
  assert.equal(cyclic[0], cyclic);
});

/** A .pt archive whose pickle (written by our pickler) holds a tensor over `numel` claimed elements. */
function archive(numel: number, size: number[], dataBytes: number): Uint8Array {
  const storageType = new GlobalRef('torch', 'FloatStorage');
  const marker = {};
  const data = pickle(marker, {
    persistentId: (v) => (v === storageType ? undefined : v === STORAGE ? Object.freeze(['storage', storageType, '0', 'cpu', numel]) : undefined),
    reduce: (v) => (v === marker ? { func: new GlobalRef('torch._utils', '_rebuild_tensor_v2'), args: Object.freeze([STORAGE, 0, Object.freeze(size), Object.freeze(size.map(() => 1)), false, new Map()]) } : undefined),
  });
  return writeZip([
    { name: 'archive/data.pkl', data },
    { name: 'archive/data/0', data: new Uint8Array(dataBytes) },
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}
const STORAGE = {};

test('.pt storages and tensors are checked against the bytes the archive holds', () => {
  assert.equal(tryLoad(archive(2 ** 40, [4], 16))?.message, 'torch.load: storage data/0 holds 16 bytes, fewer than its 1099511627776 elements of FloatStorage need');
  assert.equal(
    tryLoad(archive(4, [2 ** 40], 16))?.message,
    'setStorage: sizes [1099511627776], strides [1], storage offset 0, and itemsize 4 requiring a storage size of 4398046511104 are out of bounds for storage of size 16',
  );
  assert.equal(tryLoad(archive(4, [4], 16)) === null, true);
});

test('legacy files whose storages claim more than the file holds fail before allocating', () => {
  const bytes = goldenBytes('legacy.pt');
  // The base storage's numel (24) is pickled as BININT1 24 right before NONE (its view metadata).
  const at = bytes.findIndex((b, i) => b === 0x4b && bytes[i + 1] === 24 && bytes[i + 2] === 0x4e);
  const patched = new Uint8Array([...bytes.subarray(0, at), 0x4a, 0xff, 0xff, 0xff, 0x7f, ...bytes.subarray(at + 2)]);
  assert.match(tryLoad(patched)?.message ?? '', /claims more data than the file holds/);
});
