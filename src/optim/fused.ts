// Fused optimizer updates: one loop over the parameters' float32 arrays instead of a chain of in-place
// tensor ops (each of which allocates a result and copies it back). The loops compute what the tensor
// ops compute, value for value: each op's result rounded to float32 (as the op's Float32Array store
// rounds), scalars rounded to float32 first (as scalar operands are), so results are bit-identical to
// the op-by-op algorithm that remains for every other case. Only float32 is fused: a loop that also saw
// Float64Arrays would turn polymorphic in V8 and run several times slower than the tensor ops.
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';

/** Rounds a double to float32: what storing an op's result in a float32 tensor does. */
export const f32 = Math.fround;

/**
 * The elements of each tensor as a Float32Array, when a fused loop may stand for the in-place ops:
 * every tensor contiguous, float32, on its own storage (an update reads element i of each
 * and writes element i, which only matches the ops when nothing overlaps), and not an inference
 * tensor (whose in-place update the ops reject). Null otherwise.
 */
export function fusedArrays(tensors: readonly Tensor[]): Float32Array[] | null {
  const arrays: Float32Array[] = [];
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t.dtype_ !== float32 || t.inference || !t.isContiguous()) return null;
    for (let j = 0; j < i; j++) if (tensors[j].storage_ === t.storage_) return null;
    arrays.push((t.storage_.data as Float32Array).subarray(t.offset_, t.offset_ + t.numel()));
  }
  return arrays;
}

/** The factor standing for `maximize`'s `grad.neg()` in a loop: a product with -1 or 1 is exact. */
export function gradSign(maximize: boolean): number {
  return maximize ? -1 : 1;
}

/** Counts `times` in-place changes of `t`, as the ops the fused loop stands for would have. */
export function bumpVersion(t: Tensor, times = 1): void {
  t.versionCounter.value += times;
}
