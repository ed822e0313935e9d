// What torch.load and safeOpen read, in any JavaScript runtime: bytes in memory (Uint8Array, ArrayBuffer),
// a Blob (in browsers a File from <input type="file"> or a drop), a fetch Response, or a string: a URL,
// fetched (in browsers relative URLs too), or on Node a file path.
import { readBytes } from './idx.js';
import { fileSource, isNode } from './node-files.js';
import { bytesSource, type ByteSource } from './safetensors.js';

export type LoadSource = string | Uint8Array | ArrayBuffer | Blob | Response;

// Blob and Response are globals of browsers and of Node 18+, but not of every JavaScript runtime.
function isBlob(x: unknown): x is Blob {
  return typeof Blob !== 'undefined' && x instanceof Blob;
}

function isResponse(x: unknown): x is Response {
  return typeof Response !== 'undefined' && x instanceof Response;
}

function isByteSource(x: unknown): x is ByteSource {
  return x !== null && typeof x === 'object' && typeof (x as ByteSource).size === 'number' && typeof (x as ByteSource).read === 'function';
}

function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

function kindOf(x: unknown): string {
  if (x === null) return 'null';
  return typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}

async function responseBytes(response: Response, fn: string): Promise<Uint8Array> {
  if (!response.ok) throw new Error(`${fn}: ${response.url || 'the response'}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return new Uint8Array(await response.arrayBuffer());
}

/** All the bytes of `source`; strings name a file (Node) or a URL, and a missing one is Python's ENOENT error. */
export async function sourceBytes(source: LoadSource, fn: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (isBlob(source)) return new Uint8Array(await source.arrayBuffer());
  if (isResponse(source)) return responseBytes(source, fn);
  if (typeof source !== 'string') {
    throw new TypeError(`${fn}: expected a path, a URL, a Uint8Array, an ArrayBuffer, a Blob or a Response, got ${kindOf(source)}`);
  }
  const bytes = await readBytes(source);
  if (bytes === null) throw new Error(`[Errno 2] No such file or directory: '${source}'`);
  return bytes;
}

/** Reads only the slices asked for, so a large File is never held in memory whole. */
function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) };
}

/** Random access to `source`: Blobs and (on Node) file paths are read piece by piece, the rest in memory. */
export async function byteSource(source: LoadSource | ByteSource, fn: string): Promise<ByteSource> {
  if (isBlob(source)) return blobSource(source);
  if (typeof source === 'string' && isNode() && !isUrl(source)) return fileSource(source);
  if (isByteSource(source)) return source;
  return bytesSource(await sourceBytes(source, fn));
}
