// The parts of test/golden/io.json (tools/golden/gen_io.py) the io tests read.
import { createHash } from 'node:crypto';
import type { Tensor } from 'tstorch';
import { loadFixture, type EncodedTensor } from '../helpers.js';

export interface ViewCase {
  shape: number[];
  stride: number[];
  offset: number;
  value: EncodedTensor;
  shares_base: boolean;
  parameter: boolean;
  requires_grad: boolean;
}

export interface WrittenFile {
  sha256: string;
  size: number;
  verified_by: string;
  identical_to_torch_save?: boolean;
  identical_to_reference?: boolean;
}

export interface IoFixture {
  cnn: { keys: string[]; tensors: Record<string, { shape: number[]; sha256: string }>; input: EncodedTensor; output: EncodedTensor };
  mlp: { state_dict: Record<string, EncodedTensor>; input: EncodedTensor; output: EncodedTensor; metadata: Record<string, string> };
  lstm: { state_dict: Record<string, EncodedTensor>; input: EncodedTensor; output: EncodedTensor; h: EncodedTensor; c: EncodedTensor };
  dtypes: Record<string, EncodedTensor>;
  views: Record<string, ViewCase>;
  nested: { shared: EncodedTensor; int32: EncodedTensor };
  optimizer: Record<'sgd' | 'adam', { after: EncodedTensor[] }>;
  safetensors_dtypes: Record<string, EncodedTensor>;
  written: Record<string, WrittenFile>;
}

export const IO: IoFixture = loadFixture<IoFixture>('io').cases[0];

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of a tensor's elements as raw little-endian bytes (the generator hashes numpy's bytes). */
export function tensorSha256(t: Tensor): string {
  const data = t.contiguous().contiguousData();
  return sha256(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}
