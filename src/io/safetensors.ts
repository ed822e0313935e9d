// The safetensors format (huggingface/safetensors): an unsigned 64-bit little-endian header length, a
// JSON header mapping each tensor's name to {dtype, shape, data_offsets} (plus an optional
// "__metadata__" map of strings), then the tensors' little-endian bytes back to back. The header is
// validated as the reference implementation validates it, so malformed files fail before anything is
// allocated; files are written as its serializer writes them (tensors ordered by dtype alignment, then
// name; the header padded with spaces to a multiple of 8 bytes so that every tensor stays aligned).
import { Tensor } from '../tensor/tensor.js';
import { DType, bool, uint8, int8, int16, int32, int64, float32, float64, type TypedArray } from '../tensor/dtype.js';
import { optionsArg } from '../tensor/args.js';
import {
  bytesArg, loaderOptions, decodeElements, encodeElements, nativeFormatOf, FLOAT16, BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E5M2, FLOAT8_E8M0FNU,
  UINT16, UINT32, UINT64, ElementRangeError, type ElementFormat,
} from './elements.js';

/** Every dtype of the format, in the reference's order (increasing alignment). */
const DTYPE_ORDER = [
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16', 'BF16',
  'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64',
] as const;

export type SafetensorsDtype = (typeof DTYPE_ORDER)[number];

const BITS: Record<SafetensorsDtype, number> = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8, I16: 16, U16: 16,
  F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
};

/** The formats tstorch can hold in memory (sub-byte floats and complex numbers it cannot). */
const FORMATS: Partial<Record<SafetensorsDtype, ElementFormat>> = {
  BOOL: nativeFormatOf(bool), U8: nativeFormatOf(uint8), I8: nativeFormatOf(int8), I16: nativeFormatOf(int16),
  I32: nativeFormatOf(int32), I64: nativeFormatOf(int64), F32: nativeFormatOf(float32), F64: nativeFormatOf(float64),
  F16: FLOAT16, BF16: BFLOAT16, F8_E4M3: FLOAT8_E4M3FN, F8_E5M2: FLOAT8_E5M2, F8_E8M0: FLOAT8_E8M0FNU,
  U16: UINT16, U32: UINT32, U64: UINT64,
};

const NAME_OF: ReadonlyMap<DType, SafetensorsDtype> = new Map([
  [bool, 'BOOL'], [uint8, 'U8'], [int8, 'I8'], [int16, 'I16'], [int32, 'I32'], [int64, 'I64'], [float32, 'F32'], [float64, 'F64'],
]);

const MAX_HEADER_SIZE = 100_000_000;

export interface TensorInfo {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Start and end of the tensor's bytes, relative to the end of the header. */
  readonly dataOffsets: readonly [number, number];
}

export interface SafetensorsLoadOptions {
  /** The dtype of floating tensors stored in a format tstorch lacks (F16, BF16, F8_*); float32 by default. */
  dtype?: DType;
}

export interface SafetensorsSaveOptions {
  /** Free-form string metadata, stored under "__metadata__". */
  metadata?: Readonly<Record<string, string>>;
  /**
   * The dtype to store tensors as: one name for every floating-point tensor (e.g. 'F16' or 'BF16'), or
   * one per tensor name. Other tensors keep their own dtype.
   */
  dtype?: SafetensorsDtype | Readonly<Record<string, SafetensorsDtype>>;
}

class SafetensorError extends Error {
  override name = 'SafetensorError';
}

function headerError(message: string): SafetensorError {
  return new SafetensorError(`Error while deserializing header: ${message}`);
}

/** Code point order, which is the byte order of UTF-8 (the reference sorts names as bytes). */
function compareNames(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}

interface Header {
  /** Tensors in the order of their data. */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>> | null;
  /** Offset of the data section in the file. */
  readonly dataStart: number;
}

/** The header's length from the first 8 bytes, checked against the file's size. */
function headerLength(first: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || first.length < 8) throw headerError('header too small');
  const n = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) throw headerError('header too large');
  if (Number(n) + 8 > fileSize) throw headerError('invalid header length');
  return Number(n);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseHeader(json: Uint8Array, fileSize: number): Header {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch (e) {
    throw headerError(`invalid UTF-8 in header: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw headerError(`invalid JSON in header: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw headerError('invalid JSON in header: expected a map');
  let metadata: Record<string, string> | null = null;
  const entries: [string, TensorInfo][] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
        throw headerError('invalid JSON in header: __metadata__ must map strings to strings');
      }
      metadata = value as Record<string, string>;
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const offsets = info?.data_offsets;
    if (
      info === null || typeof info !== 'object' || typeof info.dtype !== 'string' || !(info.dtype in BITS) ||
      !Array.isArray(info.shape) || !info.shape.every(isIndex) ||
      !Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)
    ) {
      throw headerError(`invalid JSON in header: tensor \`${name}\` needs a known dtype, a shape of sizes and two data_offsets`);
    }
    entries.push([name, { dtype: info.dtype as SafetensorsDtype, shape: [...info.shape], dataOffsets: [offsets[0], offsets[1]] }]);
  }
  entries.sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let end = 0;
  for (const [name, info] of entries) {
    const [s, e] = info.dataOffsets;
    if (s !== end || e < s) throw headerError(`invalid offset for tensor \`${name}\``);
    end = e;
    let bits = BITS[info.dtype];
    for (const size of info.shape) bits *= size;
    // A size of 0 empties the tensor but not its strides, which tstorch keeps as exact integers.
    const extent = info.shape.reduce((a, size) => a * Math.max(size, 1), BITS[info.dtype]);
    if (!Number.isSafeInteger(bits) || !Number.isSafeInteger(extent)) throw headerError('overflow computing buffer size from shape and/or element type');
    if (bits % 8 !== 0) throw headerError(`tensor \`${name}\` does not end at a byte boundary`);
    if (e - s !== bits / 8) throw headerError(`invalid shape, data type, or offset for tensor \`${name}\``);
  }
  const dataStart = 8 + json.length;
  if (dataStart + end !== fileSize) throw headerError('incomplete metadata, file not fully covered');
  return { tensors: new Map(entries), metadata, dataStart };
}

function formatOf(name: string, info: TensorInfo): ElementFormat {
  const format = FORMATS[info.dtype];
  if (format === undefined) throw new SafetensorError(`tensor \`${name}\` has dtype ${info.dtype}, which tstorch cannot represent`);
  return format;
}

function tensorFromBytes(name: string, info: TensorInfo, bytes: Uint8Array, options: SafetensorsLoadOptions): Tensor {
  const format = formatOf(name, info);
  const target = format.native === null && format.loadsAs === float32 ? options.dtype : undefined;
  let data: TypedArray;
  try {
    data = decodeElements(bytes, format, true, target);
  } catch (e) {
    if (e instanceof ElementRangeError) throw new SafetensorError(`tensor \`${name}\`: ${e.message}`);
    throw e;
  }
  return Tensor.fromData(data, info.shape, target ?? format.loadsAs);
}

/** Random access to a file's bytes: the whole file in memory, or a file read piece by piece. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** A source over bytes in memory (reads are views, not copies). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  bytesArg(bytes, 'bytesSource');
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

/**
 * A safetensors file opened for reading tensors one at a time (`safe_open` of the reference): only the
 * header is read when opening; each tensor's bytes are read when it is asked for.
 */
export class SafetensorsFile {
  private constructor(private readonly source: ByteSource, private readonly header: Header) {}

  static async open(source: ByteSource): Promise<SafetensorsFile> {
    const first = await source.read(0, Math.min(8, source.size));
    const n = headerLength(first, source.size);
    return new SafetensorsFile(source, parseHeader(await source.read(8, n), source.size));
  }

  /** The tensor names, sorted (as the reference's `keys()`). */
  keys(): string[] {
    return [...this.header.tensors.keys()].sort(compareNames);
  }

  metadata(): Readonly<Record<string, string>> | null {
    return this.header.metadata;
  }

  info(name: string): TensorInfo {
    const info = this.header.tensors.get(name);
    if (info === undefined) throw new SafetensorError(`tensor \`${name}\` not found`);
    return info;
  }

  async getTensor(name: string, options: SafetensorsLoadOptions | null = {}): Promise<Tensor> {
    const checked = loaderOptions(options, 'getTensor');
    const info = this.info(name);
    formatOf(name, info);
    const [s, e] = info.dataOffsets;
    return tensorFromBytes(name, info, await this.source.read(this.header.dataStart + s, e - s), checked);
  }

  async close(): Promise<void> {
    await this.source.close?.();
  }
}

/** True when `bytes` begins like a safetensors file: a header length, then the header's '{'. */
export function isSafetensors(bytes: Uint8Array): boolean {
  return bytes.length >= 9 && bytes[8] === 0x7b;
}

/** Every tensor of a safetensors file in memory, by name (sorted), as views of `bytes` where aligned. */
export function loadSafetensors(bytes: Uint8Array, options: SafetensorsLoadOptions | null = {}): Map<string, Tensor> {
  bytesArg(bytes, 'loadSafetensors');
  const checked = loaderOptions(options, 'loadSafetensors');
  const n = headerLength(bytes, bytes.length);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length);
  const out = new Map<string, Tensor>();
  for (const name of [...header.tensors.keys()].sort(compareNames)) {
    const info = header.tensors.get(name) as TensorInfo;
    const [s, e] = info.dataOffsets;
    out.set(name, tensorFromBytes(name, info, bytes.subarray(header.dataStart + s, header.dataStart + e), checked));
  }
  return out;
}

/** The metadata of a safetensors file in memory (null when it has none). */
export function safetensorsMetadata(bytes: Uint8Array): Readonly<Record<string, string>> | null {
  bytesArg(bytes, 'safetensorsMetadata');
  const n = headerLength(bytes, bytes.length);
  return parseHeader(bytes.subarray(8, 8 + n), bytes.length).metadata;
}

function storedDtype(name: string, t: Tensor, options: SafetensorsSaveOptions): SafetensorsDtype {
  const requested = typeof options.dtype === 'string' ? (t.isFloatingPoint() ? options.dtype : undefined) : options.dtype?.[name];
  const dtype = requested ?? (NAME_OF.get(t.dtype) as SafetensorsDtype);
  if (!(dtype in BITS)) throw new TypeError(`saveSafetensors: unknown safetensors dtype ${String(dtype)}`);
  if (FORMATS[dtype] === undefined) throw new TypeError(`saveSafetensors: tstorch cannot write dtype ${dtype}`);
  return dtype;
}

/** A safetensors file holding `tensors`, byte for byte as the reference serializer writes it. */
export function saveSafetensors(tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>, saveOptions: SafetensorsSaveOptions | null = {}): Uint8Array {
  const options = optionsArg(saveOptions, 'saveSafetensors');
  const items = (tensors instanceof Map ? [...tensors] : Object.entries(tensors)) as [string, unknown][];
  const chosen = items.map(([name, t]) => {
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: value of \`${name}\` is not a tensor`);
    return { name, tensor: t, dtype: storedDtype(name, t, options) };
  });
  const rank = (d: SafetensorsDtype): number => DTYPE_ORDER.indexOf(d);
  chosen.sort((a, b) => rank(b.dtype) - rank(a.dtype) || compareNames(a.name, b.name));
  const parts: string[] = [];
  if (options.metadata !== undefined) {
    const meta = Object.entries(options.metadata).map(([k, v]) => {
      if (typeof v !== 'string') throw new TypeError(`saveSafetensors: metadata value of \`${k}\` is not a string`);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${meta.join(',')}}`);
  }
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor, dtype } of chosen) {
    const bytes = encodeElements(tensor.contiguousData(), tensor.dtype, FORMATS[dtype] as ElementFormat);
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${tensor.shape.join(',')}],"data_offsets":[${offset},${offset + bytes.length}]}`);
    offset += bytes.length;
    blobs.push(bytes);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerSize = Math.ceil(json.length / 8) * 8;
  if (headerSize > MAX_HEADER_SIZE) throw new SafetensorError('header too large');
  const out = new Uint8Array(8 + headerSize + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerSize), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerSize);
  let at = 8 + headerSize;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
