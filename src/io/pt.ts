// PyTorch's checkpoint formats. torch.save (1.6 and later) writes a zip archive: `<name>/data.pkl`, a
// protocol-2 pickle whose tensors are `torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
// requires_grad, hooks)` calls and whose storages are persistent ids ('storage', torch.FloatStorage,
// key, location, numel) naming `<name>/data/<key>` records of raw little-endian elements, then
// `<name>/version`. The legacy format (`_use_new_zipfile_serialization=False`, and PyTorch before 1.6)
// is a sequence of pickles (magic number, protocol version, system info, the object, the storage keys)
// followed by each storage's element count and elements.
//
// Loading follows `torch.load(weights_only=True)`: only the globals that loader accepts are resolved, to
// code of ours. Saving writes the archive PyTorch 1.13's torch.save writes for the same objects.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { DType, bool, uint8, int8, int16, int32, int64, float32, float64 } from '../tensor/dtype.js';
import { Storage } from '../tensor/storage.js';
import { Parameter } from '../nn/parameter.js';
import { readZipEntries, zipEntryData, writeZip, printable, type ZipEntry } from './zip.js';
import { unpickle, pickle, PyGlobal, GlobalRef, PyDict, UnpicklingError, weightsOnlyError, pyTypeOf, pyShort, type PickleValue, type UnpicklerHooks, type PicklerHooks } from './pickle.js';
import { decodeElements, encodeElements, nativeFormatOf, bytesArg, loaderOptions, FLOAT16, BFLOAT16, type ElementFormat } from './elements.js';
import { optionsArg } from '../tensor/args.js';

export interface PtLoadOptions {
  /** The dtype of tensors stored in a dtype tstorch lacks (float16, bfloat16); float32 by default. */
  dtype?: DType;
}

export interface PtSaveOptions {
  /** The folder name inside the archive; PyTorch uses the file's name without extension, or "archive". */
  archiveName?: string;
}

const STORAGE_FORMATS: ReadonlyMap<string, ElementFormat> = new Map([
  ['FloatStorage', nativeFormatOf(float32)], ['DoubleStorage', nativeFormatOf(float64)],
  ['HalfStorage', FLOAT16], ['BFloat16Storage', BFLOAT16],
  ['LongStorage', nativeFormatOf(int64)], ['IntStorage', nativeFormatOf(int32)],
  ['ShortStorage', nativeFormatOf(int16)], ['CharStorage', nativeFormatOf(int8)],
  ['ByteStorage', nativeFormatOf(uint8)], ['BoolStorage', nativeFormatOf(bool)],
  ['UntypedStorage', nativeFormatOf(uint8)],
]);

const STORAGE_NAMES: ReadonlyMap<DType, GlobalRef> = new Map(
  [...STORAGE_FORMATS].filter(([name, f]) => f.native !== null && name !== 'UntypedStorage').map(([name, f]) => [f.native as DType, new GlobalRef('torch', name)]),
);

const DTYPES: ReadonlyMap<string, DType> = new Map([bool, uint8, int8, int16, int32, int64, float32, float64].map((d) => [d.name, d]));

/** Globals PyTorch's weights-only loader accepts that tstorch has no counterpart for. */
const UNSUPPORTED = new Set([
  'torch._utils._rebuild_sparse_tensor', 'torch._utils._rebuild_sparse_csr_tensor', 'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_nested_tensor', 'torch._utils._rebuild_wrapper_subclass', 'torch._utils._rebuild_qtensor',
  'torch._utils._rebuild_tensor_v3', 'torch._utils._rebuild_device_tensor_from_numpy', 'torch.serialization._get_layout',
  'torch.float16', 'torch.half', 'torch.bfloat16', 'torch.complex32', 'torch.complex64', 'torch.complex128',
  'torch.ComplexFloatStorage', 'torch.ComplexDoubleStorage', 'torch.QInt8Storage', 'torch.QUInt8Storage', 'torch.QInt32Storage',
  'torch.QUInt4x2Storage', 'torch.QUInt2x4Storage',
]);

class StorageType {
  constructor(readonly name: string, readonly format: ElementFormat) {}
}

const REBUILD_TENSOR_V2 = new PyGlobal('torch._utils', '_rebuild_tensor_v2');
const REBUILD_TENSOR = new PyGlobal('torch._utils', '_rebuild_tensor');
const REBUILD_PARAMETER = new PyGlobal('torch._utils', '_rebuild_parameter');
const REBUILD_PARAMETER_WITH_STATE = new PyGlobal('torch._utils', '_rebuild_parameter_with_state');
const REBUILD_FROM_TYPE_V2 = new PyGlobal('torch._tensor', '_rebuild_from_type_v2');
const PARAMETER_CLASS = new PyGlobal('torch.nn.parameter', 'Parameter');
const TENSOR_CLASS = new PyGlobal('torch', 'Tensor');
const TORCH_SIZE = new PyGlobal('torch', 'Size');
const TORCH_DEVICE = new PyGlobal('torch', 'device');
const CALLABLES = new Map(
  [REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE, REBUILD_FROM_TYPE_V2, PARAMETER_CLASS, TENSOR_CLASS, TORCH_SIZE, TORCH_DEVICE].map((g) => [String(g), g]),
);

/** PyTorch refuses requires_grad on integer tensors; a file asking for it is corrupt. */
function checkRequiresGrad(dtype: DType): void {
  if (!dtype.isDifferentiable) throw new Error(`torch.load: a tensor of dtype ${dtype.name} is marked requires_grad; only Tensors of floating point dtype can require gradients`);
}

function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function isEmptyState(state: unknown): boolean {
  return state === null || (state instanceof PyDict && state.entries.size === 0) || (Array.isArray(state) && state.length === 0);
}

function checkIndex(v: unknown, what: string): number {
  // Python ints past 2**53 unpickle as bigints: valid in PyTorch (int64), but no JavaScript number
  // holds them exactly, so a layout made of them would address the wrong elements.
  if ((typeof v === 'bigint' && v > 0n) || (typeof v === 'number' && v > Number.MAX_SAFE_INTEGER && Number.isInteger(v))) {
    throw weightsOnlyError(`${what} ${pyShort(v)} is past 2**53, the largest tstorch can address exactly`);
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw weightsOnlyError(`${what} must be a non-negative int, got ${pyTypeOf(v)} ${pyShort(v)}`);
  return v;
}

function checkIndices(v: unknown, what: string): number[] {
  if (!isTuple(v)) throw weightsOnlyError(`${what} must be a tuple of ints, got ${pyTypeOf(v)}`);
  return v.map((x) => checkIndex(x, what));
}

/** The tensors and parameters of a pickle, over storages `dtypeOf` knows. */
class TorchHooks implements UnpicklerHooks {
  constructor(
    private readonly dtypeOf: (storage: Storage) => DType,
    readonly persistentLoad: (pid: readonly unknown[]) => unknown,
  ) {}

  findGlobal(module: string, name: string): unknown {
    const path = `${module}.${name}`;
    const shown = printable(path);
    const callable = CALLABLES.get(path);
    if (callable !== undefined) return callable;
    if (module === 'torch') {
      const dtype = DTYPES.get(name);
      if (dtype !== undefined) return dtype;
      const format = STORAGE_FORMATS.get(name);
      if (format !== undefined) return new StorageType(name, format);
    }
    if (UNSUPPORTED.has(path)) throw weightsOnlyError(`${shown} is allowed by PyTorch's weights-only loader, but tstorch has no counterpart for it`);
    throw weightsOnlyError(
      `Unsupported global: GLOBAL ${shown} was not an allowed global by default. tstorch loads only tensors, parameters, dicts, lists, tuples, strings and numbers (save a model's state_dict(), not the model).`,
    );
  }

  call(func: unknown, args: readonly unknown[]): unknown {
    switch (func) {
      case REBUILD_TENSOR_V2:
        if (args.length < 6 || args.length > 7) break;
        return this.rebuildTensor(args[0], args[1], args[2], args[3], args[4]);
      case REBUILD_TENSOR:
        if (args.length !== 4) break;
        return this.rebuildTensor(args[0], args[1], args[2], args[3], false);
      case REBUILD_PARAMETER:
      case PARAMETER_CLASS:
        if (args.length < 1 || args.length > 3) break;
        return this.parameter(args[0], args[1] ?? true);
      case REBUILD_PARAMETER_WITH_STATE:
        if (args.length !== 4) break;
        if (!isEmptyState(args[3])) throw weightsOnlyError('tstorch cannot restore the Python attributes of a Parameter subclass');
        return this.parameter(args[0], args[1]);
      case REBUILD_FROM_TYPE_V2: {
        if (args.length !== 4) break;
        const [inner, type, innerArgs, state] = args;
        if ((type !== TENSOR_CLASS && type !== PARAMETER_CLASS) || !isEmptyState(state) || !isTuple(innerArgs)) {
          throw weightsOnlyError(`tstorch cannot rebuild a tensor of type ${pyTypeOf(type)}`);
        }
        // torch.save never nests these; a file nesting them thousands deep would overflow the stack.
        if (inner === REBUILD_FROM_TYPE_V2) throw weightsOnlyError('_rebuild_from_type_v2 cannot rebuild through another _rebuild_from_type_v2');
        const t = this.call(inner, innerArgs);
        return type === PARAMETER_CLASS && !(t instanceof Parameter) ? this.parameter(t, true) : t;
      }
      case TORCH_SIZE:
        if (args.length !== 1) break;
        checkIndices(args[0], 'torch.Size');
        return args[0];
      case TORCH_DEVICE:
        if (args.length < 1 || args.length > 2 || typeof args[0] !== 'string') break;
        return args.length === 2 ? `${args[0]}:${checkIndex(args[1], 'device index')}` : args[0];
      default:
        throw weightsOnlyError(`Trying to call reduce for unrecognized function ${pyTypeOf(func)}`);
    }
    throw weightsOnlyError(`${func} called with ${args.length} arguments`);
  }

  build(instance: unknown, state: unknown): boolean {
    return instance instanceof Parameter && isEmptyState(state);
  }

  private parameter(data: unknown, requiresGrad: unknown): Parameter {
    if (!(data instanceof Tensor)) throw weightsOnlyError(`Parameter data must be a tensor, got ${pyTypeOf(data)}`);
    if (typeof requiresGrad !== 'boolean') throw weightsOnlyError(`Parameter requires_grad must be a bool, got ${pyTypeOf(requiresGrad)}`);
    if (requiresGrad) checkRequiresGrad(data.dtype);
    return new Parameter(data, requiresGrad);
  }

  private rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown, requiresGrad: unknown): Tensor {
    if (!(storage instanceof Storage)) throw weightsOnlyError(`_rebuild_tensor expects a storage, got ${pyTypeOf(storage)}`);
    const dtype = this.dtypeOf(storage);
    const start = checkIndex(offset, 'storage offset');
    const shape = checkIndices(size, 'size');
    const strides = checkIndices(stride, 'stride');
    if (shape.length !== strides.length) throw weightsOnlyError(`size ${shape.length} and stride ${strides.length} have different lengths`);
    if (typeof requiresGrad !== 'boolean') throw weightsOnlyError(`requires_grad must be a bool, got ${pyTypeOf(requiresGrad)}`);
    let end = start + 1;
    if (shape.includes(0)) end = start;
    else shape.forEach((s, i) => (end += (s - 1) * strides[i]));
    if (!Number.isSafeInteger(end) || end > storage.length) {
      const item = dtype.itemSize;
      throw new Error(
        `setStorage: sizes [${shape.join(', ')}], strides [${strides.join(', ')}], storage offset ${start}, and itemsize ${item} requiring a storage size of ${end * item} are out of bounds for storage of size ${storage.length * item}`,
      );
    }
    if (requiresGrad) checkRequiresGrad(dtype);
    const t = new Tensor(storage, shape, strides, start, dtype);
    if (requiresGrad) t.requiresGrad_(true);
    return t;
  }
}

function storageId(pid: readonly unknown[]): { type: StorageType; key: string; numel: number; rest: unknown[] } {
  const [kind, type, key, , numel, ...rest] = pid;
  if (kind !== 'storage') throw weightsOnlyError(`Only persistent_load of storage is allowed, but got ${pyShort(kind)}`);
  if (pid.length < 5) throw weightsOnlyError(`a storage's persistent id has 5 items (6 in the legacy format), this one ${pid.length}`);
  if (!(type instanceof StorageType)) throw weightsOnlyError(`persistent id names ${pyTypeOf(type)} instead of a storage type`);
  if (typeof key !== 'string') throw weightsOnlyError(`storage key must be a str, got ${pyTypeOf(key)}`);
  return { type, key, numel: checkIndex(numel, 'storage size'), rest };
}

/** True for the bytes of a zip archive (torch.save's format since PyTorch 1.6). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/** True for the legacy format (a protocol-2 pickle of a LONG1 magic number). */
export function isLegacyPt(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x80 && bytes[1] === 0x02 && bytes[2] === 0x8a && bytes[3] === 0x0a;
}

/** The object a PyTorch checkpoint (zip or legacy) holds. */
export function loadPt(bytes: Uint8Array, options: PtLoadOptions | null = {}): PickleValue {
  bytesArg(bytes, 'loadPt');
  const checked = loaderOptions(options, 'loadPt');
  if (isZip(bytes)) return loadZip(bytes, checked);
  if (isLegacyPt(bytes)) return loadLegacy(bytes, checked);
  throw new UnpicklingError('Invalid magic number; corrupt file?');
}

function loadZip(bytes: Uint8Array, options: PtLoadOptions): PickleValue {
  const entries = readZipEntries(bytes);
  if (entries.length === 0) throw new Error('PytorchStreamReader failed reading zip archive: the archive is empty');
  const slash = entries[0].name.indexOf('/');
  if (slash < 0) throw new Error(`PytorchStreamReader failed reading zip archive: file in archive is not in a subdirectory: ${printable(entries[0].name)}`);
  const prefix = entries[0].name.slice(0, slash + 1);
  const records = new Map<string, ZipEntry>();
  for (const e of entries) if (e.name.startsWith(prefix)) records.set(e.name.slice(prefix.length), e);
  const record = (name: string): Uint8Array => {
    const entry = records.get(name);
    if (entry === undefined) throw new Error(`PytorchStreamReader failed locating file ${printable(name)}: file not found`);
    return zipEntryData(bytes, entry);
  };
  if (records.has('constants.pkl')) throw new Error('torch.load: this is a TorchScript archive (torch.jit.save); tstorch loads checkpoints written by torch.save');
  let littleEndian = true;
  if (records.has('byteorder')) {
    const order = new TextDecoder().decode(record('byteorder'));
    if (order !== 'little' && order !== 'big') throw new Error(`Unknown endianness type: ${order}`);
    littleEndian = order === 'little';
  }
  const storages = new Map<string, Storage>();
  const dtypes = new WeakMap<Storage, DType>();
  const persistentLoad = (pid: readonly unknown[]): Storage => {
    const { type, key, numel } = storageId(pid);
    const known = storages.get(key);
    if (known !== undefined) return known;
    const data = record(`data/${key}`);
    const nbytes = numel * type.format.itemSize;
    if (data.length < nbytes) throw new Error(`torch.load: storage data/${key} holds ${data.length} bytes, fewer than its ${numel} elements of ${type.name} need`);
    const storage = makeStorage(data.subarray(0, nbytes), type.format, littleEndian, options);
    storages.set(key, storage);
    dtypes.set(storage, targetDtype(type.format, options) ?? type.format.loadsAs);
    return storage;
  };
  const hooks = new TorchHooks((s) => dtypes.get(s) as DType, persistentLoad);
  return unpickle(record('data.pkl'), hooks).value;
}

function targetDtype(format: ElementFormat, options: PtLoadOptions): DType | undefined {
  return format.native === null ? options.dtype : undefined;
}

function makeStorage(data: Uint8Array, format: ElementFormat, littleEndian: boolean, options: PtLoadOptions): Storage {
  return new Storage(decodeElements(data, format, littleEndian, targetDtype(format, options)));
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

/** Hooks for the legacy format's header pickles, which hold only numbers and dicts. */
const DATA_ONLY: UnpicklerHooks = {
  findGlobal: (module, name) => {
    throw weightsOnlyError(`Unsupported global: GLOBAL ${printable(`${module}.${name}`)} was not an allowed global by default.`);
  },
  call: () => {
    throw weightsOnlyError('Trying to call reduce in a header pickle');
  },
  build: () => false,
  persistentLoad: () => {
    throw weightsOnlyError('persistent id in a header pickle');
  },
};

function loadLegacy(bytes: Uint8Array, options: PtLoadOptions): PickleValue {
  const magic = unpickle(bytes, DATA_ONLY, 0);
  if (magic.value !== LEGACY_MAGIC) throw new UnpicklingError('Invalid magic number; corrupt file?');
  const protocol = unpickle(bytes, DATA_ONLY, magic.end);
  if (protocol.value !== LEGACY_PROTOCOL) throw new Error(`Invalid protocol version: ${pyShort(protocol.value)}`);
  const sysInfo = unpickle(bytes, DATA_ONLY, protocol.end);
  const info = sysInfo.value as { little_endian?: unknown } | null;
  const littleEndian = info === null || typeof info !== 'object' || info.little_endian !== false;

  // Storages are allocated before their data is read; their total size is bounded by the file's.
  const roots = new Map<string, { storage: Storage; format: ElementFormat; numel: number }>();
  const views = new Map<string, Storage>();
  const dtypes = new WeakMap<Storage, DType>();
  let claimed = 0;
  const persistentLoad = (pid: readonly unknown[]): Storage => {
    if (pid[0] === 'module') throw weightsOnlyError('tstorch cannot load pickled modules; save their state_dict()');
    const { type, key, numel, rest } = storageId(pid);
    let root = roots.get(key);
    if (root === undefined) {
      claimed += numel * type.format.itemSize;
      if (claimed > bytes.length) throw new Error(`torch.load: storage ${key} claims more data than the file holds (truncated or corrupt file)`);
      const dtype = targetDtype(type.format, options) ?? type.format.loadsAs;
      root = { storage: new Storage(new dtype.arrayType(numel)), format: type.format, numel };
      roots.set(key, root);
      dtypes.set(root.storage, dtype);
    }
    const view = rest[0];
    if (view === null || view === undefined) return root.storage;
    if (!isTuple(view) || view.length !== 3 || typeof view[0] !== 'string') throw weightsOnlyError('invalid storage view metadata');
    const known = views.get(view[0]);
    if (known !== undefined) return known;
    const offset = checkIndex(view[1], 'storage view offset');
    const size = checkIndex(view[2], 'storage view size');
    if (offset + size > root.numel) throw new Error(`torch.load: storage view ${view[0]} lies outside its storage`);
    // Storages over one array: a write through either must not go unseen by the other's readers.
    root.storage.external = true;
    const storage = new Storage(root.storage.data.subarray(offset, offset + size));
    storage.external = true;
    dtypes.set(storage, dtypes.get(root.storage) as DType);
    views.set(view[0], storage);
    return storage;
  };
  const main = unpickle(bytes, new TorchHooks((s) => dtypes.get(s) as DType, persistentLoad), sysInfo.end);
  const keys = unpickle(bytes, DATA_ONLY, main.end);
  if (!Array.isArray(keys.value)) throw new Error('torch.load: corrupt file (the storage key list is missing)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keys.end;
  for (const key of keys.value) {
    const root = typeof key === 'string' ? roots.get(key) : undefined;
    if (root === undefined) throw new Error(`torch.load: corrupt file (unknown storage key ${pyShort(key)})`);
    if (pos + 8 > bytes.length) throw new Error('torch.load: the file is truncated (storage data missing)');
    const count = view.getBigInt64(pos, littleEndian);
    if (count !== BigInt(root.numel)) throw new Error(`torch.load: storage ${key} holds ${count} elements, its tensors expect ${root.numel}`);
    pos += 8;
    const nbytes = root.numel * root.format.itemSize;
    if (pos + nbytes > bytes.length) throw new Error('torch.load: the file is truncated (storage data missing)');
    const decoded = decodeElements(bytes.subarray(pos, pos + nbytes), root.format, littleEndian, dtypes.get(root.storage));
    (root.storage.data as Float64Array).set(decoded as Float64Array);
    pos += nbytes;
  }
  return main.value;
}

// ---- saving ----

const REBUILD_TENSOR_V2_REF = new GlobalRef('torch._utils', '_rebuild_tensor_v2');
const REBUILD_PARAMETER_REF = new GlobalRef('torch._utils', '_rebuild_parameter');

/** A torch.save archive (zip format) of `obj`, as PyTorch 1.13 writes it. */
export function savePt(obj: unknown, options: PtSaveOptions | null = {}): Uint8Array {
  const { archiveName } = optionsArg(options, 'savePt');
  if (archiveName !== undefined && typeof archiveName !== 'string') throw new TypeError(`savePt(): argument 'archiveName' must be str, not ${pyTypeName(archiveName)}`);
  const keys = new Map<Storage, string>();
  const dtypes = new Map<Storage, DType>();
  const hooks: PicklerHooks = {
    persistentId(value) {
      if (!(value instanceof Storage)) return undefined;
      const dtype = dtypes.get(value);
      if (dtype === undefined) throw new TypeError('torch.save: tstorch saves storages only as part of tensors');
      let key = keys.get(value);
      if (key === undefined) {
        key = String(keys.size);
        keys.set(value, key);
      }
      return Object.freeze(['storage', STORAGE_NAMES.get(dtype), key, 'cpu', value.length]);
    },
    reduce(value) {
      if (!(value instanceof Tensor)) return undefined;
      if (value instanceof Parameter) {
        return { func: REBUILD_PARAMETER_REF, args: Object.freeze([value.detach(), value.requiresGrad, new Map()]) };
      }
      const storage = value.storage_;
      const known = dtypes.get(storage);
      if (known !== undefined && known !== value.dtype) {
        throw new Error('Cannot save multiple tensors or storages that view the same data as different types');
      }
      dtypes.set(storage, value.dtype);
      const args = [storage, value.storageOffset(), Object.freeze(value.shape), Object.freeze(value.stride()), value.requiresGrad, new Map()];
      return { func: REBUILD_TENSOR_V2_REF, args: Object.freeze(args) };
    },
  };
  const data = pickle(obj, hooks);
  const prefix = `${archiveName ?? 'archive'}/`;
  const storages = [...keys].sort(([, a], [, b]) => (a < b ? -1 : 1));
  return writeZip([
    { name: `${prefix}data.pkl`, data },
    ...storages.map(([storage, key]) => {
      const dtype = dtypes.get(storage) as DType;
      return { name: `${prefix}data/${key}`, data: encodeElements(storage.data, dtype, nativeFormatOf(dtype)) };
    }),
    { name: `${prefix}version`, data: new TextEncoder().encode('3\n') },
  ]);
}

/** PyTorch's archive name for a file: its base name without the extension. */
export function archiveNameOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? base : base.slice(0, dot);
}
