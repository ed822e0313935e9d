// The fuzzed formats: their seed files, their structure-aware mutators and how each is loaded. IDX and
// safetensors here; the zip-based ones (zip, .pt, pickle) in fuzz-archives.ts.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { decodeIdx, isGzip, readIdxHeader } from '../../src/io/idx.js';
import { loadSafetensors, SafetensorsFile, bytesSource } from '../../src/io/safetensors.js';
import {
  type FuzzFormat, type Mutant, type Mutator, type SeedFile, type Field, Rng, defineFormat, mutateField, mutateIgnored, truncateAt, withUint,
} from './fuzz-engine.js';
import { ARCHIVE_FORMATS } from './fuzz-archives.js';

const ROOT = new URL('../../../', import.meta.url);

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, ROOT)));
}

// ---- IDX (Fashion-MNIST), raw and gzipped ----

interface IdxSeed extends SeedFile {
  /** The uncompressed file. */
  readonly raw: Uint8Array;
  readonly gzipped: boolean;
}

const IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

function idxSeeds(): IdxSeed[] {
  return IDX_FILES.flatMap((name) => {
    const gz = fixture(`test/data/fashion-mnist/${name}.gz`);
    const raw = new Uint8Array(gunzipSync(gz));
    return [{ name: `${name}.gz`, bytes: gz, raw, gzipped: true }, { name, bytes: raw, raw, gzipped: false }];
  });
}

function idxFields(raw: Uint8Array): Field[] {
  const ndim = raw[3];
  return [
    { name: 'magic byte 0', offset: 0, width: 1, littleEndian: false },
    { name: 'element type', offset: 2, width: 1, littleEndian: false },
    { name: 'ndim', offset: 3, width: 1, littleEndian: false },
    ...Array.from({ length: ndim }, (_, i): Field => ({ name: `dim ${i}`, offset: 4 + 4 * i, width: 4, littleEndian: false })),
  ];
}

/** A change to the uncompressed file, gzipped again for gzipped seeds (so it reaches the IDX parser). */
function idxRaw(change: (rng: Rng, raw: Uint8Array) => Mutant | null): Mutator<IdxSeed> {
  return (rng, seed) => {
    const m = change(rng, seed.raw);
    if (m === null || !seed.gzipped) return m;
    return { bytes: new Uint8Array(gzipSync(m.bytes)), recipe: [...m.recipe, 'gzip'], unchanged: m.unchanged };
  };
}

const gzipOnly = (change: Mutator<IdxSeed>): Mutator<IdxSeed> => (rng, seed, all) => (seed.gzipped ? change(rng, seed, all) : null);

/** Gzip data that inflates to `total` bytes starting with `header` (zeros after it), made once. */
const bombs = new Map<string, Uint8Array>();
function bomb(header: number[], total: number): Uint8Array {
  const key = `${header}:${total}`;
  let made = bombs.get(key);
  if (made === undefined) {
    const raw = new Uint8Array(total);
    raw.set(header);
    made = new Uint8Array(gzipSync(raw, { level: 9 }));
    bombs.set(key, made);
  }
  return made;
}

const MB = 2 ** 20;

const IDX_MUTATORS: readonly (readonly [Mutator<IdxSeed>, number])[] = [
  [idxRaw((rng, raw) => mutateField(rng, raw, idxFields(raw))), 6],
  // Dims whose product overflows 2**32, 2**53 or the bytes there are.
  [idxRaw((rng, raw) => {
    let out = raw;
    const dims: number[] = [];
    for (let i = 0; i < raw[3]; i++) {
      const d = rng.pick([0xffffffff, 0x80000000, 0x10000, 0x10001, 65536 * 3, 2 ** 21 + 1]);
      dims.push(d);
      out = withUint(out, 4 + 4 * i, 4, BigInt(d), false);
    }
    return { bytes: out, recipe: [`set dims to [${dims}]`] };
  }), 2],
  // More or fewer dims than the sizes written: the elements are read as sizes or the sizes as elements.
  [idxRaw((rng, raw) => {
    const ndim = rng.pick([0, 1, raw[3] - 1, raw[3] + 1, 64, 255]) & 0xff;
    const out = raw.slice();
    out[3] = ndim;
    return { bytes: out, recipe: [`set ndim to ${ndim}`] };
  }), 2],
  [idxRaw((rng, raw) => truncateAt(rng, raw, [0, 2, 4, 4 + 4 * raw[3], raw.length >> 1, raw.length - 1])), 2],
  // The gzip header's MTIME, XFL and OS bytes: ignored by every inflater.
  [gzipOnly((rng, seed) => mutateIgnored(rng, seed.bytes, [[4, 8, 'gzip MTIME'], [8, 10, 'gzip XFL and OS']])), 1],
  [gzipOnly((rng, seed) => mutateField(rng, seed.bytes, [
    { name: 'gzip method', offset: 2, width: 1, littleEndian: true },
    { name: 'gzip flags', offset: 3, width: 1, littleEndian: true },
    { name: 'gzip CRC-32', offset: seed.bytes.length - 8, width: 4, littleEndian: true },
    { name: 'gzip ISIZE', offset: seed.bytes.length - 4, width: 4, littleEndian: true },
  ])), 2],
  // Bombs: a few kilobytes that inflate to 16 MiB after a header declaring far less, or nothing; and a
  // file that declares what it holds (1 MiB of zeros), which must load.
  [(rng) => {
    const header = rng.pick([[0, 0, 8, 1, 0, 0, 0, 100], [0, 0, 8, 0], [0, 0, 8, 3, 0, 0, 0, 64, 0, 0, 0, 28, 0, 0, 0, 28], [0, 0]]);
    return { bytes: bomb(header, 16 * MB), recipe: [`gzip bomb: header [${header}] then zeros, 16 MiB in all`] };
  }, 1],
  [() => ({ bytes: bomb([0, 0, 8, 1, 0, 0x10, 0, 0], MB + 8), recipe: ['1 MiB of zeros, as its header declares'] }), 1],
  // Concatenated gzip members, and junk after the member.
  [gzipOnly((rng, seed, all) => {
    const other = rng.pick(all.filter((s) => s.gzipped));
    const tail = rng.chance(0.5) ? other.bytes : rng.bytes(1 + rng.below(32));
    const out = new Uint8Array(seed.bytes.length + tail.length);
    out.set(seed.bytes);
    out.set(tail, seed.bytes.length);
    return { bytes: out, recipe: [`append ${tail === other.bytes ? `${other.name} as a second gzip member` : `${tail.length} random bytes`}`] };
  }), 1],
];

/** Deflate inflates at most 1032 bytes from one. */
const DEFLATE_RATIO = 1032;

/** What an IDX file's header declares (a gzipped one's, read from the start of its inflated data). */
function idxJustified(bytes: Uint8Array): number {
  const limit = isGzip(bytes) ? DEFLATE_RATIO * bytes.length : bytes.length;
  // The header of a gzipped file from the shortest prefix that inflates to it: corruption further on
  // (which the parser meets only after inflating what came before) does not hide it.
  for (const n of isGzip(bytes) ? [32, 128, 1024, 8192] : [bytes.length]) {
    try {
      const raw = isGzip(bytes) ? new Uint8Array(gunzipSync(bytes.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH })) : bytes;
      const header = readIdxHeader(raw);
      if (header !== undefined) return Math.min(header.fileSize, limit);
    } catch {
      // Not inflatable this far, or no valid header: try a longer prefix.
    }
  }
  return 0;
}

export const IDX_FORMAT = defineFormat<IdxSeed>({
  name: 'idx',
  seeds: idxSeeds(),
  mutators: IDX_MUTATORS,
  parse: (bytes) => decodeIdx(bytes),
  errorPattern: /idx|gzip/i,
  justified: idxJustified,
});

// ---- safetensors ----

interface SafetensorsSeed extends SeedFile {
  readonly header: Record<string, unknown>;
  /** The bytes after the header. */
  readonly data: Uint8Array;
  readonly headerLength: number;
}

function safetensorsSeed(name: string): SafetensorsSeed {
  const bytes = fixture(`test/golden/io/${name}`);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  return { name, bytes, header, data: bytes.subarray(8 + headerLength), headerLength };
}

/** A safetensors file of `json` (padded to 8 bytes as the reference pads) over `data`. */
function safetensorsFile(json: string, data: Uint8Array, pad = ' '): Uint8Array {
  const text = new TextEncoder().encode(json);
  const length = Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length), true);
  out.set(text, 8);
  out.fill(pad.charCodeAt(0), 8 + text.length, 8 + length);
  out.set(data, 8 + length);
  return out;
}

const WEIRD_NUMBERS: readonly unknown[] = [0, 1, -1, 2 ** 31 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e308, 1.5, -0, '12', null, true, [], {}];
const DTYPE_NAMES: readonly unknown[] = [
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32',
  'C64', 'F64', 'I64', 'U64', 'f32', 'F33', '', 32, null, ['F32'],
];

type TensorEntry = { dtype?: unknown; shape?: unknown; data_offsets?: unknown; [key: string]: unknown };

/** Edits of one tensor's entry in the header, each named for the recipe. */
const ENTRY_EDITS: readonly ((rng: Rng, e: TensorEntry, others: TensorEntry[]) => string)[] = [
  (rng, e) => {
    const i = rng.below(2);
    const v = rng.pick(WEIRD_NUMBERS);
    (e.data_offsets as unknown[])[i] = v;
    return `data_offsets[${i}] = ${JSON.stringify(v)}`;
  },
  (_, e) => {
    (e.data_offsets as unknown[]).reverse();
    return 'swap data_offsets';
  },
  (rng, e, others) => {
    const o = rng.pick(others);
    e.data_offsets = [...(o.data_offsets as unknown[])];
    return 'data_offsets of another tensor (overlap)';
  },
  (rng, e) => {
    const d = rng.pick([-8, -1, 1, 4, 8, 4096]);
    e.data_offsets = (e.data_offsets as number[]).map((x) => x + d);
    return `shift data_offsets by ${d}`;
  },
  (rng, e) => {
    const shape = e.shape as unknown[];
    const v = rng.pick(WEIRD_NUMBERS);
    if (shape.length === 0 || rng.chance(0.3)) shape.push(v);
    else shape[rng.below(shape.length)] = v;
    return `shape = ${JSON.stringify(shape)}`;
  },
  (rng, e) => {
    e.shape = rng.pick<unknown>([[2 ** 32, 2 ** 32], [2 ** 26, 2 ** 26, 2 ** 26], [0, 2 ** 53], [2 ** 53, 0], Array(10000).fill(1), [[1]], 'shape', null]);
    return `shape = ${JSON.stringify(e.shape).slice(0, 40)}`;
  },
  (rng, e) => {
    e.dtype = rng.pick(DTYPE_NAMES);
    return `dtype = ${JSON.stringify(e.dtype)}`;
  },
  (rng, e) => {
    const key = rng.pick(['dtype', 'shape', 'data_offsets']);
    delete e[key];
    return `delete ${key}`;
  },
  (_, e) => {
    e.extra = 'field';
    return 'add an unknown field';
  },
];

/** Edits of the whole header. */
const HEADER_EDITS: readonly ((rng: Rng, h: Record<string, unknown>) => string)[] = [
  (rng, h) => {
    const name = rng.pick(Object.keys(h).filter((k) => k !== '__metadata__'));
    const v = rng.pick<unknown>([null, 3, 'x', [], [1, 2, 3], { dtype: 'F32' }]);
    h[name] = v;
    return `entry ${name} = ${JSON.stringify(v)}`;
  },
  (rng, h) => {
    const name = rng.pick(['__proto__', '', 'constructor', 'toString', 'é'.repeat(100), 'x'.repeat(100000)]);
    Object.defineProperty(h, name, { value: { dtype: 'U8', shape: [0], data_offsets: [0, 0] }, enumerable: true, configurable: true, writable: true });
    return `add tensor named ${JSON.stringify(name.slice(0, 20))}`;
  },
  (rng, h) => {
    const v = rng.pick<unknown>([{ a: 1 }, { a: { b: 'c' } }, 'meta', [], null, { a: 'x'.repeat(100000) }, { ['__proto__']: 'p' }]);
    h.__metadata__ = v;
    return `__metadata__ = ${JSON.stringify(v).slice(0, 40)}`;
  },
  (rng, h) => {
    const end = 1 << rng.below(40);
    h.extra = { dtype: 'F32', shape: [end / 4], data_offsets: [0, end] };
    return `add a tensor of ${end} bytes`;
  },
];

const SAFETENSORS_MUTATORS: readonly (readonly [Mutator<SafetensorsSeed>, number])[] = [
  [(rng, seed) => mutateField(rng, seed.bytes, [{ name: 'header length', offset: 0, width: 8, littleEndian: true }]), 2],
  [(rng, seed) => {
    const header = structuredClone(seed.header);
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    let step: string;
    if (rng.chance(0.7) && names.length > 0) {
      const name = rng.pick(names);
      const entries = names.map((n) => header[n] as TensorEntry);
      step = `tensor ${name}: ${rng.pick(ENTRY_EDITS)(rng, header[name] as TensorEntry, entries)}`;
    } else step = rng.pick(HEADER_EDITS)(rng, header);
    let data = seed.data;
    if (rng.chance(0.2)) {
      const n = Math.max(0, data.length + rng.pick([-8, -1, 1, 8, 64]));
      data = new Uint8Array(n);
      data.set(seed.data.subarray(0, n));
      step += `; data resized to ${n} bytes`;
    }
    return { bytes: safetensorsFile(JSON.stringify(header), data), recipe: [step] };
  }, 8],
  // Whitespace the JSON parser skips: the file must load as before.
  [(rng, seed) => {
    const pad = rng.pick([' ', '\t', '\n', '\r']);
    return { bytes: safetensorsFile(JSON.stringify(seed.header, null, rng.pick([1, 2, '\t'])), seed.data, pad), recipe: [`header re-indented, padded with ${JSON.stringify(pad)}`], unchanged: true };
  }, 1],
  // A header nested deeper than any parser's stack, or that is not an object.
  [(rng, seed) => {
    const depth = rng.pick([1000, 100000]);
    const json = rng.pick([`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`, `${'['.repeat(depth)}${']'.repeat(depth)}`, '[]', '"x"', '1', 'null', '{"a":1}{}']);
    return { bytes: safetensorsFile(json, seed.data), recipe: [`header = ${json.slice(0, 24)}… (${json.length} chars)`] };
  }, 1],
  [(rng, seed) => {
    const starts = Object.values(seed.header).flatMap((e) => ((e as TensorEntry)?.data_offsets as number[] | undefined) ?? []);
    return truncateAt(rng, seed.bytes, [0, 7, 8, 8 + seed.headerLength, ...starts.map((s) => 8 + seed.headerLength + s)]);
  }, 2],
];

export const SAFETENSORS_FORMAT = defineFormat<SafetensorsSeed>({
  name: 'safetensors',
  seeds: ['mlp.safetensors', 'dtypes.safetensors'].map(safetensorsSeed),
  mutators: SAFETENSORS_MUTATORS,
  // Both ways of reading: everything at once, and one tensor at a time as safe_open does.
  async parse(bytes) {
    const all = loadSafetensors(bytes);
    const file = await SafetensorsFile.open(bytesSource(bytes));
    const one = new Map();
    for (const key of file.keys()) one.set(key, await file.getTensor(key));
    return [all, one, file.metadata()];
  },
  errorPattern: /safetensor/i,
  // 8-bit floats load as float32 (4 times their bytes), read both ways.
  justified: (bytes) => 8 * bytes.length,
});

export const FORMATS: readonly FuzzFormat[] = [IDX_FORMAT, SAFETENSORS_FORMAT, ...ARCHIVE_FORMATS];

export function formatNamed(name: string): FuzzFormat {
  const format = FORMATS.find((f) => f.name === name);
  if (format === undefined) throw new Error(`fuzz: unknown format ${name} (expected ${FORMATS.map((f) => f.name).join(', ')})`);
  return format;
}
