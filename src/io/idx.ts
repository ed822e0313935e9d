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

/** A tensor from the bytes of an (uncompressed) IDX file: uint8 for images and labels. */
export function parseIdx(bytes: Uint8Array): Tensor {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error('parseIdx: not an IDX file (bad magic number)');
  const type = IDX_TYPES[bytes[2]];
  if (type === undefined) throw new Error(`parseIdx: unknown IDX element type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const ndim = bytes[3];
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) throw new Error('parseIdx: truncated IDX header');
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const numel = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerSize + numel * type.size) {
    throw new Error(`parseIdx: expected ${headerSize + numel * type.size} bytes for shape [${shape.join(', ')}], got ${bytes.length}`);
  }
  let data: IdxArray;
  if (type.size === 1) {
    data = type.make(numel);
    data.set(bytes.subarray(headerSize));
  } else {
    data = type.make(numel);
    for (let i = 0; i < numel; i++) data[i] = type.read(view, headerSize + i * type.size);
  }
  return fromTypedArray(data, shape);
}

/** True for gzip data (magic bytes 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip data with the platform's DecompressionStream. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') throw new Error('gunzip: this platform has no DecompressionStream');
  // Blob copies any view at run time; the DOM typings only want ArrayBuffer-backed ones.
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A tensor from IDX bytes, gzipped or not. */
export async function decodeIdx(bytes: Uint8Array): Promise<Tensor> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes) : bytes);
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
