// The zip archives of torch.save: read any archive whose entries are stored (uncompressed), and write
// archives byte for byte as PyTorch's PyTorchStreamWriter (miniz) does: every record stored, its data
// aligned to 64 bytes by an "FB" extra field of 'Z's, a data descriptor after it, zeroed times, and
// zip64 end records.
export interface ZipEntry {
  readonly name: string;
  /** Offset of the entry's data in the archive. */
  readonly offset: number;
  readonly size: number;
  readonly crc32: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const DATA_DESCRIPTOR = 0x08074b50;

/**
 * A name read from a file, for an error message: control characters escaped and the length capped (a
 * corrupt length field can make a name out of any bytes).
 */
export function printable(text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  return shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function fail(message: string): never {
  throw new Error(`PytorchStreamReader failed reading zip archive: ${message}`);
}

/** Little-endian reads that fail cleanly past the end of the archive. */
class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  check(offset: number, length: number, what: string): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.bytes.length)) fail(`${what} lies beyond the end of the file (truncated?)`);
  }

  u16(at: number): number {
    this.check(at, 2, 'a record');
    return this.view.getUint16(at, true);
  }

  u32(at: number): number {
    this.check(at, 4, 'a record');
    return this.view.getUint32(at, true);
  }

  u64(at: number): number {
    this.check(at, 8, 'a record');
    const v = this.view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('a zip64 size or offset is out of range');
    return Number(v);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function findEndOfCentralDirectory(r: Reader): number {
  const n = r.bytes.length;
  const stop = Math.max(0, n - 22 - 0xffff);
  for (let at = n - 22; at >= stop; at--) {
    if (r.view.getUint32(at, true) === END_OF_CENTRAL_DIR) return at;
  }
  fail('failed finding central directory');
}

/** The entries of a zip archive, with every offset and size checked against the archive's length. */
export function readZipEntries(bytes: Uint8Array): ZipEntry[] {
  const r = new Reader(bytes);
  if (bytes.length < 22) fail('file is too small to be a zip archive');
  const eocd = findEndOfCentralDirectory(r);
  let count = r.u16(eocd + 10);
  let dirSize = r.u32(eocd + 12);
  let dirOffset = r.u32(eocd + 16);
  if ((count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) && eocd >= 20 && r.u32(eocd - 20) === ZIP64_LOCATOR) {
    const end64 = r.u64(eocd - 20 + 8);
    if (r.u32(end64) !== ZIP64_END) fail('invalid zip64 end of central directory');
    count = r.u64(end64 + 32);
    dirSize = r.u64(end64 + 40);
    dirOffset = r.u64(end64 + 48);
  }
  r.check(dirOffset, dirSize, 'the central directory');
  if (count * 46 > dirSize) fail(`the central directory is too small for ${count} entries`);
  const entries: ZipEntry[] = [];
  const spans: { name: string; start: number; end: number }[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (r.u32(at) !== CENTRAL_HEADER) fail('invalid central directory header');
    const flags = r.u16(at + 8);
    const method = r.u16(at + 10);
    const crc = r.u32(at + 16);
    let compressed = r.u32(at + 20);
    let size = r.u32(at + 24);
    const nameLength = r.u16(at + 28);
    const extraLength = r.u16(at + 30);
    const commentLength = r.u16(at + 32);
    let localOffset = r.u32(at + 42);
    r.check(at + 46, nameLength + extraLength + commentLength, 'a central directory entry');
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64 sizes and offset replace the 32-bit fields that are saturated, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = r.u16(e);
      const length = r.u16(e + 2);
      if (id === 0x0001) {
        let p = e + 4;
        if (size === 0xffffffff) (size = r.u64(p)), (p += 8);
        if (compressed === 0xffffffff) (compressed = r.u64(p)), (p += 8);
        if (localOffset === 0xffffffff) localOffset = r.u64(p);
      }
      e += 4 + length;
    }
    if (flags & 1) fail(`entry ${printable(name)} is encrypted`);
    if (method !== 0) fail(`entry ${printable(name)} is compressed (method ${method}); torch.save stores entries uncompressed and tstorch reads only those`);
    if (compressed !== size) fail(`entry ${printable(name)} has inconsistent sizes`);
    if (r.u32(localOffset) !== LOCAL_HEADER) fail(`invalid local header of entry ${printable(name)}`);
    const offset = localOffset + 30 + r.u16(localOffset + 26) + r.u16(localOffset + 28);
    r.check(offset, size, `the data of entry ${printable(name)}`);
    entries.push({ name, offset, size, crc32: crc });
    spans.push({ name, start: localOffset, end: offset + size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  // Entries that share bytes would let a small archive stand for many times its size (a zip bomb
  // without compression: every storage record naming the same data); no zip writer makes them.
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].end) fail(`entries ${printable(spans[i - 1].name)} and ${printable(spans[i].name)} overlap`);
  }
  return entries;
}

/** The data of an entry, a view of the archive's bytes, checked against its CRC-32. */
export function zipEntryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const data = bytes.subarray(entry.offset, entry.offset + entry.size);
  if (crc32(data) !== entry.crc32) fail(`invalid crc-32 of entry ${printable(entry.name)} (corrupt file?)`);
  return data;
}

// ---- writing ----

const ALIGNMENT = 64;

export interface ZipRecord {
  readonly name: string;
  readonly data: Uint8Array;
}

/** miniz writes no data descriptor (and clears the flag announcing one) for empty records. */
function descriptorSize(record: ZipRecord): number {
  return record.data.length === 0 ? 0 : 16;
}

function flagsOf(record: ZipRecord): number {
  return record.data.length === 0 ? 0x0800 : 0x0808; // UTF-8 names; sizes in a data descriptor
}

/** An archive of stored records laid out exactly as PyTorch's writer lays them out. */
export function writeZip(records: readonly ZipRecord[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = records.map((r) => encoder.encode(r.name));
  const crcs = records.map((r) => crc32(r.data));
  const offsets: number[] = [];
  const paddings: number[] = [];
  let cursor = 0;
  records.forEach((record, i) => {
    if (record.data.length >= 0xffffffff || cursor >= 0xffffffff) throw new Error('torch.save: tstorch writes zip records and archives below 4 GiB');
    const start = cursor + 30 + names[i].length + 4;
    paddings.push((ALIGNMENT - (start % ALIGNMENT)) % ALIGNMENT);
    offsets.push(cursor);
    cursor = start + paddings[i] + record.data.length + descriptorSize(record);
  });
  const dirOffset = cursor;
  const dirSize = names.reduce((s, n) => s + 46 + n.length, 0);
  const total = dirOffset + dirSize + 56 + 20 + 22;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const u16 = (at: number, v: number): void => view.setUint16(at, v, true);
  const u32 = (at: number, v: number): void => view.setUint32(at, v, true);
  const u64 = (at: number, v: number): void => view.setBigUint64(at, BigInt(v), true);
  records.forEach((record, i) => {
    let at = offsets[i];
    u32(at, LOCAL_HEADER);
    u16(at + 6, flagsOf(record));
    u16(at + 26, names[i].length);
    u16(at + 28, paddings[i] + 4);
    out.set(names[i], at + 30);
    at += 30 + names[i].length;
    out[at] = 0x46; // 'F'
    out[at + 1] = 0x42; // 'B'
    u16(at + 2, paddings[i]);
    out.fill(0x5a, at + 4, at + 4 + paddings[i]); // 'Z'
    at += 4 + paddings[i];
    out.set(record.data, at);
    at += record.data.length;
    if (descriptorSize(record) === 0) return;
    u32(at, DATA_DESCRIPTOR);
    u32(at + 4, crcs[i]);
    u32(at + 8, record.data.length);
    u32(at + 12, record.data.length);
  });
  let at = dirOffset;
  records.forEach((record, i) => {
    u32(at, CENTRAL_HEADER);
    u16(at + 8, flagsOf(record));
    u32(at + 16, crcs[i]);
    u32(at + 20, record.data.length);
    u32(at + 24, record.data.length);
    u16(at + 28, names[i].length);
    u32(at + 42, offsets[i]);
    out.set(names[i], at + 46);
    at += 46 + names[i].length;
  });
  const end64 = at;
  u32(at, ZIP64_END);
  u64(at + 4, 44);
  u16(at + 12, 0x031e);
  u16(at + 14, 0x002d);
  u64(at + 24, records.length);
  u64(at + 32, records.length);
  u64(at + 40, dirSize);
  u64(at + 48, dirOffset);
  at += 56;
  u32(at, ZIP64_LOCATOR);
  u64(at + 8, end64);
  u32(at + 16, 1);
  at += 20;
  u32(at, END_OF_CENTRAL_DIR);
  u16(at + 8, Math.min(records.length, 0xffff));
  u16(at + 10, Math.min(records.length, 0xffff));
  u32(at + 12, dirSize);
  u32(at + 16, dirOffset);
  return out;
}
