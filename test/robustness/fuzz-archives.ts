// The fuzzed formats built on zip archives: the zip layer alone, PyTorch's .pt checkpoints (zip and
// legacy), and the pickles inside them (mutated opcode by opcode, then packed again with valid CRCs so
// that the mutation reaches the unpickler instead of failing the archive's checksum).
import { readFileSync } from 'node:fs';
import { readZipEntries, zipEntryData, writeZip, type ZipRecord } from '../../src/io/zip.js';
import { loadPt } from '../../src/io/pt.js';
import { OP } from '../../src/io/pickle.js';
import {
  type FuzzFormat, type Mutator, type SeedFile, type Field, type Mutant, Rng, GENERIC_MUTATORS, defineFormat, mutateField, mutateIgnored,
  truncateAt, splice, withUint, readUint,
} from './fuzz-engine.js';

const GOLDEN = new URL('../../../test/golden/io/', import.meta.url);
const PT_FILES = ['cnn.pt', 'dtypes.pt', 'evil.pt', 'legacy.pt', 'lstm.pt', 'mlp.pt', 'module.pt', 'nested.pt', 'optimizer.pt', 'set.pt', 'views.pt'];
// ---- the layout of a valid archive (the seeds are trusted: no checks) ----

interface ZipLayout {
  readonly fields: Field[];
  /** Bytes our reader never looks at: [start, end, what]. */
  readonly ignored: [number, number, string][];
  readonly boundaries: number[];
  readonly records: ZipRecord[];
  /** Offsets of the central entries, in order, and where the directory ends. */
  readonly central: number[];
  readonly centralEnd: number;
  readonly eocd: number;
  readonly end64: number | null;
  readonly locator: number | null;
}

const le = (name: string, offset: number, width: 1 | 2 | 4 | 8): Field => ({ name, offset, width, littleEndian: true });

function zipLayout(bytes: Uint8Array): ZipLayout {
  const u = (at: number, w: 2 | 4 | 8): number => Number(readUint(bytes, at, w, true));
  let eocd = bytes.length - 22;
  while (u(eocd, 4) !== 0x06054b50) eocd--;
  const fields: Field[] = [
    le('eocd entries on disk', eocd + 8, 2), le('eocd entries', eocd + 10, 2), le('eocd directory size', eocd + 12, 4),
    le('eocd directory offset', eocd + 16, 4), le('eocd comment length', eocd + 20, 2),
  ];
  const ignored: [number, number, string][] = [[eocd + 4, eocd + 8, 'eocd disk numbers']];
  let count = u(eocd + 10, 2);
  let dirOffset = u(eocd + 16, 4);
  let end64: number | null = null;
  let locator: number | null = null;
  if (eocd >= 20 && u(eocd - 20, 4) === 0x07064b50) {
    locator = eocd - 20;
    end64 = u(locator + 8, 8);
    count = u(end64 + 32, 8);
    dirOffset = u(end64 + 48, 8);
    fields.push(le('zip64 end offset', locator + 8, 8), le('zip64 entries', end64 + 32, 8), le('zip64 directory size', end64 + 40, 8), le('zip64 directory offset', end64 + 48, 8));
    ignored.push([locator + 4, locator + 8, 'zip64 locator disk'], [locator + 16, locator + 20, 'zip64 disk count'], [end64 + 4, end64 + 32, 'zip64 end record size, versions, disks']);
  }
  const boundaries = [dirOffset, eocd, bytes.length];
  const records: ZipRecord[] = [];
  const central: number[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    central.push(at);
    const nameLength = u(at + 28, 2);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const size = u(at + 24, 4);
    const local = u(at + 42, 4);
    const localName = u(local + 26, 2);
    const localExtra = u(local + 28, 2);
    const data = local + 30 + localName + localExtra;
    records.push({ name, data: bytes.slice(data, data + size) });
    fields.push(
      le(`${name} central flags`, at + 8, 2), le(`${name} central method`, at + 10, 2), le(`${name} central crc`, at + 16, 4),
      le(`${name} central compressed size`, at + 20, 4), le(`${name} central size`, at + 24, 4), le(`${name} central name length`, at + 28, 2),
      le(`${name} central extra length`, at + 30, 2), le(`${name} central comment length`, at + 32, 2), le(`${name} local offset`, at + 42, 4),
      le(`${name} local signature`, local, 4), le(`${name} local name length`, local + 26, 2), le(`${name} local extra length`, local + 28, 2),
    );
    ignored.push(
      [at + 4, at + 8, `${name} central versions`], [at + 12, at + 16, `${name} central time`], [at + 34, at + 42, `${name} central disk and attributes`],
      [local + 4, local + 26, `${name} local version, flags, method, time, crc and sizes`], [local + 30 + localName, data, `${name} local extra field`],
    );
    if (u(at + 8, 2) & 8) ignored.push([data + size, data + size + 16, `${name} data descriptor`]);
    boundaries.push(local, local + 30, data, data + size, at);
    at += 46 + nameLength + u(at + 30, 2) + u(at + 32, 2);
  }
  return { fields, ignored, boundaries, records, central, centralEnd: at, eocd, end64, locator };
}

interface ZipSeed extends SeedFile {
  readonly layout: ZipLayout;
}

const zipSeeds = (): ZipSeed[] =>
  PT_FILES.filter((n) => n !== 'legacy.pt').map((name) => {
    const bytes = new Uint8Array(readFileSync(new URL(name, GOLDEN)));
    return { name, bytes, layout: zipLayout(bytes) };
  });

/** Grows the central directory by `inserted` bytes at `at`, moving the records after it and their pointers. */
function growDirectory(bytes: Uint8Array, layout: ZipLayout, at: number, insert: Uint8Array, entries = 0): Uint8Array {
  let out = splice(bytes, at, 0, insert);
  const shift = (p: number): number => (p >= at ? p + insert.length : p);
  const add = (offset: number, width: 2 | 4 | 8, delta: number): void => {
    out = withUint(out, shift(offset), width, readUint(out, shift(offset), width, true) + BigInt(delta), true);
  };
  add(layout.eocd + 12, 4, insert.length);
  add(layout.eocd + 8, 2, entries);
  add(layout.eocd + 10, 2, entries);
  if (layout.end64 !== null && layout.locator !== null) {
    add(layout.end64 + 40, 8, insert.length);
    add(layout.end64 + 24, 8, entries);
    add(layout.end64 + 32, 8, entries);
    add(layout.locator + 8, 8, insert.length);
  }
  return out;
}

const ZIP_MUTATORS: readonly (readonly [Mutator<ZipSeed>, number])[] = [
  [(rng, s) => mutateField(rng, s.bytes, s.layout.fields), 8],
  [(rng, s) => mutateIgnored(rng, s.bytes, s.layout.ignored), 2],
  [(rng, s) => truncateAt(rng, s.bytes, s.layout.boundaries), 2],
  // Two entries naming the same bytes: the uncompressed zip bomb.
  [(rng, s) => {
    const { central } = s.layout;
    if (central.length < 2) return null;
    const from = rng.pick(central);
    let out = s.bytes;
    const all = rng.chance(0.5);
    for (const at of all ? central : [rng.pick(central)]) out = withUint(out, at + 42, 4, readUint(s.bytes, from + 42, 4, true), true);
    return { bytes: out, recipe: [`point ${all ? 'every entry' : 'an entry'} at the local header of the entry at ${from}`] };
  }, 1],
  // The whole central directory twice (every entry listed twice).
  [(rng, s) => {
    const start = s.layout.central[0];
    const copies = rng.pick([1, 2, 50]);
    const dir = s.bytes.subarray(start, s.layout.centralEnd);
    const insert = new Uint8Array(dir.length * copies);
    for (let i = 0; i < copies; i++) insert.set(dir, i * dir.length);
    return { bytes: growDirectory(s.bytes, s.layout, s.layout.centralEnd, insert, s.layout.central.length * copies), recipe: [`central directory repeated ${copies + 1} times`] };
  }, 1],
  // A zip64 extra field carrying an entry's sizes (and offset): as they are, the archive reads the same.
  [(rng, s) => {
    const at = rng.pick(s.layout.central);
    const size = readUint(s.bytes, at + 24, 4, true);
    const offset = readUint(s.bytes, at + 42, 4, true);
    const withOffset = rng.chance(0.5);
    const consistent = rng.chance(0.5);
    const values = [size, size, ...(withOffset ? [offset] : [])].map((v) => (consistent ? v : rng.pick([0n, 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, v + 1n])));
    const extra = new Uint8Array(4 + 8 * values.length);
    const view = new DataView(extra.buffer);
    view.setUint16(0, 1, true);
    view.setUint16(2, 8 * values.length, true);
    values.forEach((v, i) => view.setBigUint64(4 + 8 * i, v, true));
    const nameEnd = at + 46 + Number(readUint(s.bytes, at + 28, 2, true));
    let out = withUint(s.bytes, at + 30, 2, readUint(s.bytes, at + 30, 2, true) + BigInt(extra.length), true);
    out = withUint(withUint(out, at + 20, 4, 0xffffffffn, true), at + 24, 4, 0xffffffffn, true);
    if (withOffset) out = withUint(out, at + 42, 4, 0xffffffffn, true);
    return { bytes: growDirectory(out, s.layout, nameEnd, extra), recipe: [`zip64 extra field in the entry at ${at}: [${values}]`], unchanged: consistent };
  }, 2],
  // A comment holding an end-of-directory record: a copy of the real one (which reads the same), or junk.
  [(rng, s) => {
    const real = s.bytes.slice(s.layout.eocd, s.layout.eocd + 22);
    const copy = rng.chance(0.5);
    const fake = copy ? real : Uint8Array.from([0x50, 0x4b, 5, 6, ...rng.bytes(18)]);
    const out = withUint(s.bytes, s.layout.eocd + 20, 2, 22n, true);
    return { bytes: splice(out, out.length, 0, fake), recipe: [`end-of-directory record ${copy ? 'copied' : 'forged'} into the comment`], unchanged: copy };
  }, 1],
  [(rng, s) => {
    const junk = rng.bytes(1 + rng.below(100));
    return { bytes: splice(s.bytes, 0, 0, junk), recipe: [`${junk.length} bytes prepended`] };
  }, 1],
];

/** Every entry's name and CRC-checked data. */
function parseZip(bytes: Uint8Array): unknown {
  return readZipEntries(bytes).map((e) => Object.freeze([e.name, zipEntryData(bytes, e)]));
}

export const ZIP_FORMAT = defineFormat<ZipSeed>({
  name: 'zip',
  seeds: zipSeeds(),
  mutators: ZIP_MUTATORS,
  parse: parseZip,
  errorPattern: /PytorchStreamReader failed reading zip archive/,
  // Entries are views of the archive; no tensors.
  justified: () => 0,
});

// ---- .pt checkpoints ----

interface PtSeed extends SeedFile {
  /** The records of a zip checkpoint; null for the legacy format. */
  readonly records: ZipRecord[] | null;
  readonly layout: ZipLayout | null;
}

const ptSeeds = (): PtSeed[] =>
  PT_FILES.map((name) => {
    const bytes = new Uint8Array(readFileSync(new URL(name, GOLDEN)));
    const layout = name === 'legacy.pt' ? null : zipLayout(bytes);
    return { name, bytes, records: layout?.records ?? null, layout };
  });

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Changes to the list of records of an archive (written again with valid CRCs). */
const RECORD_EDITS: readonly ((rng: Rng, records: ZipRecord[], prefix: string) => string)[] = [
  (rng, r) => `drop ${r.splice(rng.below(r.length), 1)[0].name}`,
  (rng, r) => {
    const i = rng.below(r.length);
    r.splice(i, 0, r[i]);
    return `duplicate ${r[i].name}`;
  },
  (rng, r, prefix) => {
    const i = rng.below(r.length);
    const name = rng.pick(['', 'x', `other/${r[i].name.slice(prefix.length)}`, `${prefix}data/999`, `${prefix}../${r[i].name}`, r[i].name.slice(prefix.length)]);
    r[i] = { name, data: r[i].data };
    return `rename record ${i} to ${JSON.stringify(name)}`;
  },
  (rng, r, prefix) => {
    const order = rng.pick(['big', 'little', 'middle', '', 'little\n']);
    r.push({ name: `${prefix}byteorder`, data: text(order) });
    return `byteorder ${JSON.stringify(order)}`;
  },
  (_, r, prefix) => {
    r.push({ name: `${prefix}constants.pkl`, data: new Uint8Array(1) });
    return 'add constants.pkl';
  },
  (rng, r) => {
    const i = rng.below(r.length);
    const j = rng.below(r.length);
    [r[i], r[j]] = [{ name: r[i].name, data: r[j].data }, { name: r[j].name, data: r[i].data }];
    return `swap the data of records ${i} and ${j}`;
  },
  (rng, r) => {
    const i = rng.below(r.length);
    const n = Math.max(0, rng.pick([0, r[i].data.length >> 1, r[i].data.length - 1, r[i].data.length + 8]));
    const data = new Uint8Array(n);
    data.set(r[i].data.subarray(0, n));
    r[i] = { name: r[i].name, data };
    return `resize ${r[i].name} to ${n} bytes`;
  },
];

const PT_MUTATORS: readonly (readonly [Mutator<PtSeed>, number])[] = [
  // Bytes of the archive the reader skips: the checkpoint must load as before.
  [(rng, s) => (s.layout === null ? null : mutateIgnored(rng, s.bytes, s.layout.ignored)), 1],
  // A byte-level change inside one record, behind a valid CRC.
  [(rng, s, all) => {
    if (s.records === null) return null;
    const records = [...s.records];
    const i = rng.below(records.length);
    const [mutate] = rng.pick(GENERIC_MUTATORS);
    const m = mutate(rng, { name: records[i].name, bytes: records[i].data }, all);
    if (m === null) return null;
    records[i] = { name: records[i].name, data: m.bytes };
    return { bytes: writeZip(records), recipe: [`in record ${records[i].name}: ${m.recipe.join(', ')}`, 'zip again'] };
  }, 6],
  [(rng, s) => {
    if (s.records === null) return null;
    const records = [...s.records];
    const prefix = records[0].name.slice(0, records[0].name.indexOf('/') + 1);
    const step = rng.pick(RECORD_EDITS)(rng, records, prefix);
    if (records.length === 0) return null;
    return { bytes: writeZip(records), recipe: [step, 'zip again'] };
  }, 3],
];

/** How checkpoints load, for the .pt and pickle campaigns. */
const CHECKPOINT = {
  parse: (bytes: Uint8Array) => loadPt(bytes),
  // PyTorch's messages for its own checks, or ours naming the format.
  errorPattern: /PytorchStreamReader|Unpickling|Weights only load failed|torch\.load|pickle|setStorage|Invalid protocol version|Unknown endianness/,
  // Half floats load as float32 (twice their bytes).
  justified: (bytes: Uint8Array) => 2 * bytes.length,
};

export const PT_FORMAT = defineFormat<PtSeed>({ name: 'pt', seeds: ptSeeds(), mutators: PT_MUTATORS, ...CHECKPOINT });

// ---- pickles, inside .pt checkpoints ----

type Arg = { fixed: 1 | 2 | 4 | 8 } | { length: 1 | 4 | 8 } | 'lines' | null;

/** The argument of each opcode (CPython's pickletools). */
const ARGS = new Map<number, Arg>([
  [OP.PROTO, { fixed: 1 }], [OP.BININT1, { fixed: 1 }], [OP.BINGET, { fixed: 1 }], [OP.BINPUT, { fixed: 1 }],
  [OP.BININT2, { fixed: 2 }], [OP.BININT, { fixed: 4 }], [OP.LONG_BINGET, { fixed: 4 }], [OP.LONG_BINPUT, { fixed: 4 }],
  [OP.BINFLOAT, { fixed: 8 }], [OP.FRAME, { fixed: 8 }],
  [OP.LONG1, { length: 1 }], [OP.SHORT_BINUNICODE, { length: 1 }], [OP.SHORT_BINSTRING, { length: 1 }], [OP.SHORT_BINBYTES, { length: 1 }],
  [OP.BINUNICODE, { length: 4 }], [OP.BINSTRING, { length: 4 }], [OP.BINBYTES, { length: 4 }], [OP.LONG4, { length: 4 }],
  [OP.BINUNICODE8, { length: 8 }], [OP.BINBYTES8, { length: 8 }], [OP.GLOBAL, 'lines'],
]);

interface Op {
  readonly at: number;
  readonly code: number;
  readonly end: number;
  /** The integer argument or length prefix, when there is one. */
  readonly field: Field | null;
}

/** The opcodes of the (valid) pickle at `start`, up to and including its STOP. */
function disassemble(bytes: Uint8Array, start: number): Op[] {
  const ops: Op[] = [];
  let at = start;
  for (;;) {
    const code = bytes[at];
    const arg = ARGS.get(code) ?? null;
    let end = at + 1;
    let field: Field | null = null;
    if (arg === 'lines') end = bytes.indexOf(0x0a, bytes.indexOf(0x0a, end) + 1) + 1;
    else if (arg !== null && 'fixed' in arg) {
      field = le(`argument of opcode 0x${code.toString(16)} at ${at}`, end, arg.fixed);
      end += arg.fixed;
    } else if (arg !== null) {
      field = le(`length of opcode 0x${code.toString(16)} at ${at}`, end, arg.length);
      end += arg.length + Number(readUint(bytes, end, arg.length, true));
    }
    ops.push({ at, code, end, field });
    if (code === OP.STOP) return ops;
    at = end;
  }
}

interface PickleSeed extends SeedFile {
  readonly pickle: Uint8Array;
  readonly ops: Op[];
  /** The checkpoint holding `pickle` instead of the seed's. */
  wrap(pickle: Uint8Array): Uint8Array;
}

function pickleSeeds(): PickleSeed[] {
  return ptSeeds().map((seed) => {
    if (seed.records !== null) {
      const records = seed.records;
      const i = records.findIndex((r) => r.name.endsWith('/data.pkl'));
      const pickle = records[i].data;
      return { ...seed, pickle, ops: disassemble(pickle, 0), wrap: (p) => writeZip(records.map((r, j) => (j === i ? { name: r.name, data: p } : r))) };
    }
    // Legacy: magic number, protocol, system info, the object, the storage keys, the storages.
    let start = 0;
    for (let k = 0; k < 3; k++) start = disassemble(seed.bytes, start).at(-1)!.end;
    const ops = disassemble(seed.bytes, start).map((o) => ({ ...o, at: o.at - start, end: o.end - start, field: o.field && { ...o.field, offset: o.field.offset - start } }));
    const end = start + ops.at(-1)!.end;
    return { ...seed, pickle: seed.bytes.slice(start, end), ops, wrap: (p) => splice(seed.bytes, start, end - start, p) };
  });
}

const u32le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const str = (s: string): number[] => {
  const b = [...text(s)];
  return b.length < 256 ? [OP.SHORT_BINUNICODE, b.length, ...b] : [OP.BINUNICODE, ...u32le(b.length), ...b];
};
const global = (module: string, name: string): number[] => [OP.GLOBAL, ...text(`${module}\n${name}\n`)];
const long1 = (v: bigint): number[] => {
  const b: number[] = [];
  for (let x = BigInt.asUintN(64, v), i = 0; i < 8; i++, x >>= 8n) b.push(Number(x & 0xffn));
  return [OP.LONG1, 8, ...b];
};
const repeat = (n: number, ...ops: number[]): number[] => Array<number[]>(n).fill(ops).flat();
const int = (v: number | bigint): number[] => (typeof v === 'bigint' ? long1(v) : v >= 0 && v < 256 ? [OP.BININT1, v] : [OP.BININT, ...u32le(v)]);

const HUGE = [0, 1, -1, 2 ** 31 - 1, 2n ** 32n, 2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n)] as const;

/** Sequences of opcodes that attack an unpickler: each pushes something (or breaks the stack). */
const HOSTILE: readonly ((rng: Rng) => [string, number[]])[] = [
  (rng) => {
    const n = rng.pick([2000, 50000]);
    return [`list nested ${n} deep`, [...repeat(n, OP.EMPTY_LIST), ...repeat(n - 1, OP.APPEND)]];
  },
  (rng) => {
    const n = rng.pick([2000, 50000]);
    return [`tuple nested ${n} deep`, [OP.NONE, ...repeat(n, OP.TUPLE1)]];
  },
  (rng) => {
    const n = rng.pick([2000, 50000]);
    return [`dict nested ${n} deep`, [...repeat(n, OP.EMPTY_DICT, OP.BININT1, 0), OP.NONE, ...repeat(n, OP.SETITEM)]];
  },
  (rng) => {
    const n = rng.pick([1000, 100000]);
    return [`${n} MARKs`, repeat(n, OP.MARK)];
  },
  (rng) => {
    const n = rng.pick([1000, 100000]);
    return [`list of ${n} Nones`, [OP.MARK, ...repeat(n, OP.NONE), OP.LIST]];
  },
  (rng) => {
    const n = rng.pick([1000, 100000]);
    return [`${n} DUPs`, [OP.NONE, ...repeat(n, OP.DUP), OP.MARK, ...repeat(n, OP.NONE), OP.TUPLE]];
  },
  // A list of two references to the list before it, 60 times: 2**60 paths to walk without a memo.
  () => ['a DAG of 2**60 paths', [OP.EMPTY_LIST, ...repeat(60, OP.BINPUT, 0, OP.POP, OP.MARK, OP.BINGET, 0, OP.BINGET, 0, OP.LIST)]],
  () => ['a list containing itself', [OP.EMPTY_LIST, OP.BINPUT, 7, OP.BINGET, 7, OP.APPEND]],
  () => ['a dict containing itself', [OP.EMPTY_DICT, OP.BINPUT, 7, OP.BININT1, 1, OP.BINGET, 7, OP.SETITEM]],
  (rng) => {
    const [code, width] = rng.pick([[OP.BINUNICODE, 4], [OP.BINBYTES, 4], [OP.LONG4, 4], [OP.BINSTRING, 4], [OP.BINUNICODE8, 8], [OP.BINBYTES8, 8], [OP.FRAME, 8]] as const);
    const n = rng.pick([0x7fffffff, 0xffffffff, 2 ** 53, 2 ** 63]);
    const bytes = width === 4 ? u32le(n) : [...new Uint8Array(new BigUint64Array([BigInt(n)]).buffer)];
    return [`opcode 0x${code.toString(16)} claiming ${n} bytes`, [code, ...bytes.slice(0, width)]];
  },
  (rng) => {
    const n = rng.pick([10000, 300000]);
    return [`LONG4 of ${n} bytes`, [OP.LONG4, ...u32le(n), ...rng.bytes(n)]];
  },
  (rng) => {
    const i = rng.pick([200, 255, 0xffff, 0xffffffff]);
    return [`memo get ${i}`, i < 256 ? [OP.BINGET, i] : [OP.LONG_BINGET, ...u32le(i)]];
  },
  (rng) => {
    const [m, n] = rng.pick([['os', 'system'], ['builtins', 'eval'], ['__builtin__', 'getattr'], ['torch', 'load'], ['torch.nn.modules.linear', 'Linear'],
      ['torch', 'HalfStorage'], ['torch._utils', '_rebuild_qtensor'], ['collections', 'defaultdict'], ['numpy.core.multiarray', '_reconstruct'], ['', ''], ['torch', '__proto__']]);
    return [`global ${m}.${n} called`, [...global(m, n), OP.EMPTY_TUPLE, OP.REDUCE]];
  },
  (rng) => ['STACK_GLOBAL of non-strings', [rng.pick([OP.NONE, OP.EMPTY_LIST]), ...str('x'), OP.STACK_GLOBAL]],
  // Allowed globals called with arguments of the wrong kind or size.
  (rng) => {
    const args = rng.pick([[], [OP.NONE], [OP.NONE, ...int(0), OP.EMPTY_TUPLE, OP.EMPTY_TUPLE, OP.NEWFALSE, OP.NONE], [...str('x'), ...int(-1)]]);
    const [m, n] = rng.pick([['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_parameter'], ['torch', 'Size'], ['torch', 'device'],
      ['collections', 'OrderedDict'], ['_codecs', 'encode'], ['torch._tensor', '_rebuild_from_type_v2'], ['torch', 'FloatStorage']]);
    return [`${m}.${n} with ${args.length} argument bytes`, [...global(m, n), OP.MARK, ...args, OP.TUPLE, OP.REDUCE]];
  },
  (rng) => {
    const v = rng.pick(HUGE);
    return [`torch.Size of ${v}`, [...global('torch', 'Size'), OP.MARK, ...int(v), ...int(v), OP.TUPLE, OP.TUPLE1, OP.REDUCE]];
  },
  // Storages claiming more elements than their records hold, or records that do not exist.
  (rng) => {
    const numel = rng.pick(HUGE);
    const key = rng.pick(['0', '1', '999', '../0', '']);
    const type = rng.pick(['FloatStorage', 'HalfStorage', 'LongStorage', 'BoolStorage', 'UntypedStorage']);
    const storage = [OP.MARK, ...str('storage'), ...global('torch', type), ...str(key), ...str('cpu'), ...int(numel), OP.TUPLE, OP.BINPERSID];
    const size = rng.pick(HUGE);
    return [`tensor of [${size}] over storage ${key} of ${numel} ${type}`,
      [...global('torch._utils', '_rebuild_tensor_v2'), OP.MARK, ...storage, ...int(0), ...int(size), OP.TUPLE1, ...int(1), OP.TUPLE1, OP.NEWFALSE, OP.EMPTY_DICT, OP.TUPLE, OP.REDUCE]];
  },
  // _rebuild_from_type_v2(_rebuild_from_type_v2, Tensor, (_rebuild_from_type_v2, Tensor, (...), {}), {}).
  (rng) => {
    const n = rng.pick([100, 20000]);
    const head = [...global('torch._tensor', '_rebuild_from_type_v2'), OP.BINPUT, 250, ...global('torch', 'Tensor'), OP.BINPUT, 251, OP.POP];
    return [`_rebuild_from_type_v2 arguments nested ${n} deep`, [...head, ...repeat(n, OP.MARK, OP.BINGET, 250, OP.BINGET, 251), OP.EMPTY_TUPLE, ...repeat(n, OP.EMPTY_DICT, OP.TUPLE), OP.REDUCE]];
  },
  () => ['a list as a dict key', [OP.EMPTY_DICT, OP.EMPTY_LIST, OP.NONE, OP.SETITEM]],
  (rng) => ['BUILD on a value', [rng.pick([OP.NONE, OP.EMPTY_LIST, OP.EMPTY_DICT]), OP.EMPTY_DICT, OP.BUILD]],
  (rng) => {
    const code = rng.u32() & 0xff;
    return [`opcode 0x${code.toString(16)} with random arguments`, [code, ...rng.bytes(rng.below(9))]];
  },
];

/** A pickle mutated at opcode level, wrapped back into its checkpoint. */
function pickleMutant(seed: PickleSeed, pickle: Uint8Array, step: string): Mutant {
  return { bytes: seed.wrap(pickle), recipe: [`in the pickle: ${step}`, 'packed again'] };
}

const PICKLE_MUTATORS: readonly (readonly [Mutator<PickleSeed>, number])[] = [
  [(rng, s) => {
    const m = mutateField(rng, s.pickle, s.ops.flatMap((o) => (o.field === null ? [] : [o.field])));
    return m && pickleMutant(s, m.bytes, m.recipe[0]);
  }, 6],
  // An integer replaced by one of another size or kind (shapes, strides, offsets, storage sizes).
  [(rng, s) => {
    const ints = s.ops.filter((o) => o.code === OP.BININT1 || o.code === OP.BININT2 || o.code === OP.BININT);
    if (ints.length === 0) return null;
    const o = rng.pick(ints);
    const v = rng.pick<number | bigint | 'float' | 'none' | 'str'>([...HUGE, 'float', 'none', 'str']);
    const by = v === 'float' ? [OP.BINFLOAT, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0] : v === 'none' ? [OP.NONE] : v === 'str' ? str('7') : int(v);
    return pickleMutant(s, splice(s.pickle, o.at, o.end - o.at, Uint8Array.from(by)), `integer at ${o.at} replaced by ${String(v)}`);
  }, 4],
  [(rng, s) => {
    const o = rng.pick(s.ops);
    const what = rng.pick(['delete', 'duplicate', 'swap with the next', 'recode']);
    let p: Uint8Array;
    if (what === 'delete') p = splice(s.pickle, o.at, o.end - o.at, new Uint8Array(0));
    else if (what === 'duplicate') p = splice(s.pickle, o.at, 0, s.pickle.slice(o.at, o.end));
    else if (what === 'recode') {
      p = s.pickle.slice();
      p[o.at] = rng.pick([...ARGS.keys(), ...Object.values(OP)]);
    } else {
      const next = s.ops[s.ops.indexOf(o) + 1] ?? o;
      p = splice(s.pickle, o.at, next.end - o.at, Uint8Array.from([...s.pickle.subarray(o.end, next.end), ...s.pickle.subarray(o.at, o.end)]));
    }
    return pickleMutant(s, p, `${what} the opcode 0x${o.code.toString(16)} at ${o.at}`);
  }, 4],
  [(rng, s) => {
    const [what, block] = rng.pick(HOSTILE)(rng);
    const at = rng.chance(0.5) ? s.ops.at(-1)!.at : rng.pick(s.ops).at;
    const pop = rng.chance(0.3) ? [OP.POP] : [];
    return pickleMutant(s, splice(s.pickle, at, 0, Uint8Array.from([...block, ...pop])), `insert ${what}${pop.length > 0 ? ' then POP' : ''} at ${at}`);
  }, 6],
];

export const PICKLE_FORMAT = defineFormat<PickleSeed>({ name: 'pickle', seeds: pickleSeeds(), mutators: PICKLE_MUTATORS, ...CHECKPOINT });

export const ARCHIVE_FORMATS: readonly FuzzFormat[] = [ZIP_FORMAT, PT_FORMAT, PICKLE_FORMAT];
