// What the index-driven op modules (scatter.ts, index-slices.ts, masked.ts) share: 0-dim tensors read
// as 1-D of one element, the values of an index tensor, and the Tensor-or-Number argument check.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import type { Element } from '../tensor/storage.js';
import type { Scalar } from '../tensor/factory.js';
import { isScalar } from './elementwise.js';

/** Shape and strides with 0-dim tensors read as 1-D of one element (ATen's ensure_nonempty_*). */
export function nonemptyLayout(t: Tensor): { shape: number[]; strides: number[] } {
  return t.dim() === 0 ? { shape: [1], strides: [1] } : { shape: t.shape, strides: t.stride() };
}

export function sizeAt(t: Tensor, d: number): number {
  return t.dim() === 0 ? 1 : t.size(d);
}

export function indexValues(index: Tensor): number[] {
  // A counted loop over the elements in place: Array.from with a mapping function was most of an
  // embedding lookup's own cost.
  const data = index.contiguousElements() as ArrayLike<Element>;
  const values = new Array<number>(data.length);
  if (data instanceof BigInt64Array) {
    int64Numbers(data, values);
    return values;
  }
  for (let i = 0; i < data.length; i++) values[i] = Number(data[i]);
  return values;
}

/** Whether typed arrays store the low half of a word first (every engine in use; checked anyway). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Number(v) of each int64, from its two 32-bit halves: Number(bigint) is a runtime call per element
 * in V8 (a sixth of an embedding lookup of 1024 indices). high * 2^32 is exact and adding the low half
 * rounds once, so the result is Number(v) for every int64.
 */
function int64Numbers(data: BigInt64Array, values: number[]): void {
  const words = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  const [low, high] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < data.length; i++) values[i] = words[2 * i + high] * 4294967296 + (words[2 * i + low] >>> 0);
}

export function scalarOrTensor(value: Tensor | Scalar, fn: string, arg: string): void {
  if (!(value instanceof Tensor) && !isScalar(value)) {
    throw new TypeError(`${fn}(): argument '${arg}' must be Tensor or Number, not ${pyTypeName(value)}`);
  }
}
