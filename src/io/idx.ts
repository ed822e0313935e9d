// The IDX format of (Fashion-)MNIST: a magic number naming the element type and the number of
// dimensions, the sizes as big-endian uint32, then the elements, big-endian. Files may be gzipped;
// they are inflated with the platform's DecompressionStream (Node 18+, browsers).
import { Tensor } from '../tensor/tensor.js';
import { fromTypedArray } from '../tensor/factory.js';

type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

const IDX_TYPES: Record<number, { size: number; make: (n: number) => IdxArray; read: (v: DataView, at: number) => number }> = {
  0x08: { size: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  0x09: { size: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) },
  0x0b: { size: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at) },
  0x0c: { size: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at) },
  0x0d: { size: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at) },
  0x0e: { size: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at) },
};

/** The largest IDX data read: the most bytes one typed array may hold. */
const MAX_IDX_BYTES = 2 ** 32 - 1;

export interface IdxHeader {
  readonly type: (typeof IDX_TYPES)[number];
  readonly shape: number[];
  readonly headerSize: number;
  /** The length of the whole file, header and elements. */
  readonly fileSize: number;
}

/**
 * The header at the start of `bytes`, or undefined while `bytes` is too short to hold it (so that a
 * stream can be read until its header is complete). Throws for what is not an IDX header.
 */
export function readIdxHeader(bytes: Uint8Array): IdxHeader | undefined {
  if (bytes.subarray(0, 2).some((b) => b !== 0)) throw new Error('parseIdx: not an IDX file (bad magic number)');
  if (bytes.length < 4) return undefined;
  const type = IDX_TYPES[bytes[2]];
  if (type === undefined) throw new Error(`parseIdx: unknown IDX element type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const headerSize = 4 + 4 * bytes[3];
  if (bytes.length < headerSize) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: bytes[3] }, (_, i) => view.getUint32(4 + 4 * i));
  // Exact while it matters: a product beyond 2**53 is far past MAX_IDX_BYTES anyway. A size of 0 does
  // not excuse the others: the strides of an empty [0, 2**32-1, 2**32-1] would still pass 2**53.
  const fileSize = headerSize + shape.reduce((a, b) => a * b, 1) * type.size;
  const extent = shape.reduce((a, b) => a * Math.max(b, 1), 1) * type.size;
  if (fileSize > MAX_IDX_BYTES || extent > MAX_IDX_BYTES) {
    throw new Error(`parseIdx: shape [${shape.join(', ')}] is too large: an IDX file read into memory holds at most ${MAX_IDX_BYTES} bytes`);
  }
  return { type, shape, headerSize, fileSize };
}

/** A tensor from the bytes of an (uncompressed) IDX file: uint8 for images and labels. */
export function parseIdx(bytes: Uint8Array): Tensor {
  if (bytes.length < 4) throw new Error('parseIdx: not an IDX file (bad magic number)');
  const header = readIdxHeader(bytes);
  if (header === undefined) throw new Error('parseIdx: truncated IDX header');
  const { type, shape, headerSize, fileSize } = header;
  if (bytes.length !== fileSize) throw new Error(`parseIdx: expected ${fileSize} bytes for shape [${shape.join(', ')}], got ${bytes.length}`);
  const numel = (fileSize - headerSize) / type.size;
  const data = type.make(numel);
  if (type.size === 1) data.set(bytes.subarray(headerSize));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < numel; i++) data[i] = type.read(view, headerSize + i * type.size);
  }
  return fromTypedArray(data, shape);
}

/** True for gzip data (magic bytes 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates gzip data with the platform's DecompressionStream, chunk by chunk. `limitOf` is shown the
 * output so far until it returns the most bytes the output may have; inflating stops with an error as
 * soon as the output passes that, so that a small file cannot inflate to more than its own header
 * justifies (a gzip bomb).
 */
export async function gunzip(bytes: Uint8Array, limitOf: (head: Uint8Array) => number | undefined = () => undefined): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') throw new Error('gunzip: this platform has no DecompressionStream');
  // Blob copies any view at run time; the DOM typings only want ArrayBuffer-backed ones.
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let limit: number | undefined;
  let finished = false;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        finished = true; // a failed stream is closed already
        // Node 20 passes on zlib's words ('unexpected end of file'); Node 22 leaves the message empty
        // and keeps zlib's code (Z_BUF_ERROR).
        const detail = e instanceof Error ? e.message || String((e as { code?: unknown }).code ?? '') : String(e);
        throw new Error(`gunzip: corrupt gzip data${detail === '' ? '' : ` (${detail})`}`);
      }
      if (next.done) break;
      chunks.push(next.value);
      length += next.value.length;
      if (limit === undefined) limit = limitOf(concat(chunks, length));
      if (limit !== undefined && length > limit) throw new Error(`gunzip: the gzip data inflates to more than the ${limit} bytes its contents declare`);
    }
    finished = true;
  } finally {
    // Stop inflating what is left when giving up early (a refused header, a bomb).
    if (!finished) await reader.cancel();
  }
  return concat(chunks, length);
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A tensor from IDX bytes, gzipped or not. */
export async function decodeIdx(bytes: Uint8Array): Promise<Tensor> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, (head) => readIdxHeader(head)?.fileSize) : bytes);
}

/**
 * The bytes at `location`: fetched when it is a URL (or when there is no file system, in browsers),
 * read from disk on Node. Returns null when there is no such file.
 */
export async function readBytes(location: string): Promise<Uint8Array | null> {
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) || !isNode) {
    const response = await fetch(location);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`readBytes: ${location}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const fs = await import('node:fs/promises');
  try {
    return new Uint8Array(await fs.readFile(location));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
}

/** Reads an IDX file, gzipped or not; null when it does not exist. */
export async function readIdx(location: string): Promise<Tensor | null> {
  const bytes = await readBytes(location);
  return bytes === null ? null : decodeIdx(bytes);
}
