// torch.save / torch.load: the format follows the file (a ".safetensors" name when saving; the magic
// bytes when loading). The in-memory forms work everywhere: `saveBytes`/`saveBlob` write, `loadBytes`
// reads, and `load` and `safeOpen` also read Blobs, fetch Responses and URLs (see sources.ts). Paths are
// files on Node; writing one elsewhere is an error that names the in-memory form to use.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { optionsArg } from '../tensor/args.js';
import type { DType } from '../tensor/dtype.js';
import { isNode, writeFile } from './node-files.js';
import type { PickleValue } from './pickle.js';
import { loadPt, savePt, isZip, isLegacyPt, archiveNameOf } from './pt.js';
import {
  loadSafetensors, saveSafetensors, isSafetensors, SafetensorsFile, type ByteSource, type SafetensorsSaveOptions,
} from './safetensors.js';
import { byteSource, sourceBytes, type LoadSource } from './sources.js';

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

function tensorMap(obj: unknown): ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>> {
  if (obj instanceof Map) return obj as ReadonlyMap<string, Tensor>;
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && !(obj instanceof Tensor)) return obj as Record<string, Tensor>;
  throw new TypeError('torch.save: the safetensors format holds a map of names to tensors');
}

/** The bytes of a checkpoint of `obj` (the .pt format unless `format: 'safetensors'`). */
export function saveBytes(obj: unknown, optionsArgument: SaveOptions | null = {}): Uint8Array {
  const options = optionsArg(optionsArgument, 'torch.save');
  const format = options.format ?? 'pt';
  if (format === 'safetensors') return saveSafetensors(tensorMap(obj), options);
  if (format !== 'pt') throw new TypeError(`torch.save: unknown format '${String(format)}' (expected 'pt' or 'safetensors')`);
  return savePt(obj, { archiveName: options.archiveName });
}

/** A checkpoint of `obj` as a Blob, e.g. for a download link in a browser (`URL.createObjectURL`). */
export function saveBlob(obj: unknown, options: SaveOptions | null = {}): Blob {
  // saveBytes allocates a fresh ArrayBuffer; the DOM typings only accept ArrayBuffer-backed views.
  return new Blob([saveBytes(obj, options) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
}

/**
 * The object in a checkpoint's bytes: a PyTorch .pt file (zip or legacy), or a safetensors file (a Map of
 * names to tensors). Tensors share the given bytes' memory where their alignment allows.
 */
export function loadBytes<T = PickleValue>(data: Uint8Array | ArrayBuffer, optionsArgument: LoadOptions | null = {}): T {
  const options = optionsArg(optionsArgument, 'torch.load');
  if (!(data instanceof Uint8Array) && !(data instanceof ArrayBuffer)) {
    throw new TypeError(`torch.io.loadBytes(): argument 'data' (position 1) must be Uint8Array or ArrayBuffer, not ${pyTypeName(data)}`);
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (isSafetensors(bytes)) return loadSafetensors(bytes, options) as T;
  if (isZip(bytes) || isLegacyPt(bytes)) return loadPt(bytes, options) as T;
  throw new Error('torch.load: unrecognized file format (neither a PyTorch checkpoint nor a safetensors file)');
}

/** `torch.save(obj, path)`: writes a .pt checkpoint, or a safetensors file for a ".safetensors" path (Node). */
export async function save(obj: unknown, path: string, options: SaveOptions = {}): Promise<void> {
  if (typeof path !== 'string') throw new TypeError('torch.save: the path must be a string (use torch.io.saveBytes for bytes)');
  if (!isNode()) throw new Error('torch.save: writing to a path needs Node.js; in browsers use torch.io.saveBytes or torch.io.saveBlob');
  const format = options.format ?? (path.endsWith('.safetensors') ? 'safetensors' : 'pt');
  await writeFile(path, saveBytes(obj, { ...options, format, archiveName: options.archiveName ?? archiveNameOf(path) }));
}

/**
 * `torch.load(f)`: a checkpoint from its bytes, a Blob, a fetch Response, a URL (fetched), or a path (Node).
 * Like loadBytes, but asynchronous because Blobs, Responses and files are read asynchronously.
 */
export async function load<T = PickleValue>(source: LoadSource, options: LoadOptions = {}): Promise<T> {
  return loadBytes<T>(await sourceBytes(source, 'torch.load'), options);
}

/**
 * Opens a safetensors file to read tensors one at a time. A path (Node) or a Blob is read piece by piece:
 * the header when opening, then only the bytes of each tensor asked for. Close it when done.
 */
export async function safeOpen(source: LoadSource | ByteSource): Promise<SafetensorsFile> {
  const bytes = await byteSource(source, 'safeOpen');
  try {
    return await SafetensorsFile.open(bytes);
  } catch (e) {
    await bytes.close?.();
    throw e;
  }
}
