// torch.io: checkpoints in PyTorch's .pt format and in safetensors, and the pieces they are made of.
export { save, load, saveBytes, saveBlob, loadBytes, safeOpen, type SaveOptions, type LoadOptions, type SaveFormat } from './save-load.js';
export type { LoadSource } from './sources.js';
export {
  saveSafetensors, loadSafetensors, safetensorsMetadata, bytesSource, SafetensorsFile,
  type SafetensorsDtype, type TensorInfo, type ByteSource, type SafetensorsLoadOptions, type SafetensorsSaveOptions,
} from './safetensors.js';
export { loadPt, savePt, type PtLoadOptions, type PtSaveOptions } from './pt.js';
export { UnpicklingError, type PickleValue, type PickleObject } from './pickle.js';
export { optimizerStateDictFromPyTorch, optimizerStateDictToPyTorch } from './optimizer-state.js';
