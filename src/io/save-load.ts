// torch.save / torch.load: the format follows the file (a ".safetensors" name when saving; the magic
// bytes when loading). In-memory forms (`saveBytes`, `loadBytes`, `load(bytes)`) work everywhere; the
// path forms read and write files with Node's file system, imported only when a path is used, so that
// browser bundles never need it (`load(url)` fetches instead).
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { readBytes } from './idx.js';
import type { PickleValue } from './pickle.js';
import { loadPt, savePt, isZip, isLegacyPt, archiveNameOf } from './pt.js';
import {
  loadSafetensors, saveSafetensors, isSafetensors, SafetensorsFile, bytesSource, type ByteSource, type SafetensorsSaveOptions,
} from './safetensors.js';

export type SaveFormat = 'pt' | 'safetensors';

export interface SaveOptions extends SafetensorsSaveOptions {
  /** 'pt' (torch.save's zip format, the default) or 'safetensors' (a flat map of names to tensors). */
  format?: SaveFormat;
  /** The folder inside a .pt archive; PyTorch uses the file's name without extension, or "archive". */
  archiveName?: string;
}

export interface LoadOptions {
  /** The dtype of floating tensors stored in a dtype tstorch lacks (float16, bfloat16, float8); float32 by default. */
  dtype?: DType;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

function tensorMap(obj: unknown): ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>> {
  if (obj instanceof Map) return obj as ReadonlyMap<string, Tensor>;
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && !(obj instanceof Tensor)) return obj as Record<string, Tensor>;
  throw new TypeError('torch.save: the safetensors format holds a map of names to tensors');
}

/** The bytes of a checkpoint of `obj` (the .pt format unless `format: 'safetensors'`). */
export function saveBytes(obj: unknown, options: SaveOptions = {}): Uint8Array {
  const format = options.format ?? 'pt';
  if (format === 'safetensors') return saveSafetensors(tensorMap(obj), options);
  if (format !== 'pt') throw new TypeError(`torch.save: unknown format '${String(format)}' (expected 'pt' or 'safetensors')`);
  return savePt(obj, { archiveName: options.archiveName });
}

/**
 * The object in a checkpoint's bytes: a PyTorch .pt file (zip or legacy), or a safetensors file (a Map of
 * names to tensors). Tensors share the given bytes' memory where their alignment allows.
 */
export function loadBytes<T = PickleValue>(data: Uint8Array | ArrayBuffer, options: LoadOptions = {}): T {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (isSafetensors(bytes)) return loadSafetensors(bytes, options) as T;
  if (isZip(bytes) || isLegacyPt(bytes)) return loadPt(bytes, options) as T;
  throw new Error('torch.load: unrecognized file format (neither a PyTorch checkpoint nor a safetensors file)');
}

/** `torch.save(obj, path)`: writes a .pt checkpoint, or a safetensors file for a ".safetensors" path (Node). */
export async function save(obj: unknown, path: string, options: SaveOptions = {}): Promise<void> {
  if (typeof path !== 'string') throw new TypeError('torch.save: the path must be a string (use torch.io.saveBytes for bytes)');
  const format = options.format ?? (path.endsWith('.safetensors') ? 'safetensors' : 'pt');
  const bytes = saveBytes(obj, { ...options, format, archiveName: options.archiveName ?? archiveNameOf(path) });
  if (!isNode()) throw new Error('torch.save: writing to a path needs Node.js; in browsers use torch.io.saveBytes');
  const fs = await import('node:fs/promises');
  await fs.writeFile(path, bytes);
}

/** `torch.load(f)`: a path (Node), a URL (fetched), or the file's bytes. */
export async function load<T = PickleValue>(source: string | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Promise<T> {
  if (typeof source !== 'string') return loadBytes<T>(source, options);
  const bytes = await readBytes(source);
  if (bytes === null) throw new Error(`[Errno 2] No such file or directory: '${source}'`);
  return loadBytes<T>(bytes, options);
}

async function fileSource(path: string): Promise<ByteSource> {
  const fs = await import('node:fs/promises');
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      async read(offset, length) {
        const buffer = new Uint8Array(length);
        for (let done = 0; done < length; ) {
          const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
          if (bytesRead === 0) throw new Error(`safeOpen: ${path} ended early (was it truncated while open?)`);
          done += bytesRead;
        }
        return buffer;
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Opens a safetensors file to read tensors one at a time. On Node a path is read through a file handle:
 * the header when opening, then only the bytes of each tensor asked for. Close it when done.
 */
export async function safeOpen(source: string | Uint8Array | ByteSource): Promise<SafetensorsFile> {
  let bytes: ByteSource;
  if (source instanceof Uint8Array) bytes = bytesSource(source);
  else if (typeof source !== 'string') bytes = source;
  else if (isNode() && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) bytes = await fileSource(source);
  else {
    const fetched = await readBytes(source);
    if (fetched === null) throw new Error(`[Errno 2] No such file or directory: '${source}'`);
    bytes = bytesSource(fetched);
  }
  try {
    return await SafetensorsFile.open(bytes);
  } catch (e) {
    await bytes.close?.();
    throw e;
  }
}
