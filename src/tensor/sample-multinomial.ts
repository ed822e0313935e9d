// torch.multinomial: without replacement, the top-k of p / q for q ~ Exp(1) through libstdc++'s
// selection and sort algorithms as PyTorch's CPU topk runs them; with replacement, a binary search of
// uniforms in the cumulative sums (PyTorch's CPU kernels, bit for bit; see sampling.ts).

import { Generator } from './random.js';
import type { FloatArray } from './sampling.js';
import { fillExponential } from './sample-uniform.js';

// libstdc++'s nth_element / sort / partial_sort (GCC 12), which PyTorch's CPU topk uses, over parallel
// arrays of values and indices with topk's "largest" comparator (NaN first, then greater). Equal values
// (zero probabilities) come out in the order these algorithms leave them, as in PyTorch.
class TopkQueue {
  constructor(
    readonly v: Float64Array,
    readonly ix: Float64Array,
  ) {}

  private less(a: number, b: number): boolean {
    return (a !== a && b === b) || a > b;
  }

  private swap(i: number, j: number): void {
    const v = this.v;
    const ix = this.ix;
    const tv = v[i];
    v[i] = v[j];
    v[j] = tv;
    const ti = ix[i];
    ix[i] = ix[j];
    ix[j] = ti;
  }

  private move(to: number, from: number): void {
    this.v[to] = this.v[from];
    this.ix[to] = this.ix[from];
  }

  private lg(n: number): number {
    return 31 - Math.clz32(n);
  }

  private moveMedianToFirst(result: number, a: number, b: number, c: number): void {
    const v = this.v;
    if (this.less(v[a], v[b])) {
      if (this.less(v[b], v[c])) this.swap(result, b);
      else if (this.less(v[a], v[c])) this.swap(result, c);
      else this.swap(result, a);
    } else if (this.less(v[a], v[c])) this.swap(result, a);
    else if (this.less(v[b], v[c])) this.swap(result, c);
    else this.swap(result, b);
  }

  private unguardedPartition(first: number, last: number, pivot: number): number {
    const v = this.v;
    for (;;) {
      while (this.less(v[first], v[pivot])) first++;
      last--;
      while (this.less(v[pivot], v[last])) last--;
      if (!(first < last)) return first;
      this.swap(first, last);
      first++;
    }
  }

  private unguardedPartitionPivot(first: number, last: number): number {
    const mid = first + Math.trunc((last - first) / 2);
    this.moveMedianToFirst(first, first + 1, mid, last - 1);
    return this.unguardedPartition(first + 1, last, first);
  }

  private unguardedLinearInsert(last: number): void {
    const v = this.v;
    const val = v[last];
    const vi = this.ix[last];
    let next = last - 1;
    while (this.less(val, v[next])) {
      this.move(last, next);
      last = next;
      next--;
    }
    v[last] = val;
    this.ix[last] = vi;
  }

  private insertionSort(first: number, last: number): void {
    if (first === last) return;
    for (let i = first + 1; i !== last; i++) {
      if (this.less(this.v[i], this.v[first])) {
        const val = this.v[i];
        const vi = this.ix[i];
        for (let j = i; j > first; j--) this.move(j, j - 1);
        this.v[first] = val;
        this.ix[first] = vi;
      } else {
        this.unguardedLinearInsert(i);
      }
    }
  }

  private pushHeap(first: number, hole: number, top: number, val: number, vi: number): void {
    let parent = Math.trunc((hole - 1) / 2);
    while (hole > top && this.less(this.v[first + parent], val)) {
      this.move(first + hole, first + parent);
      hole = parent;
      parent = Math.trunc((hole - 1) / 2);
    }
    this.v[first + hole] = val;
    this.ix[first + hole] = vi;
  }

  private adjustHeap(first: number, hole: number, len: number, val: number, vi: number): void {
    const top = hole;
    let child = hole;
    while (child < Math.trunc((len - 1) / 2)) {
      child = 2 * (child + 1);
      if (this.less(this.v[first + child], this.v[first + child - 1])) child--;
      this.move(first + hole, first + child);
      hole = child;
    }
    if ((len & 1) === 0 && child === Math.trunc((len - 2) / 2)) {
      child = 2 * (child + 1);
      this.move(first + hole, first + child - 1);
      hole = child - 1;
    }
    this.pushHeap(first, hole, top, val, vi);
  }

  private makeHeap(first: number, last: number): void {
    const len = last - first;
    if (len < 2) return;
    let parent = Math.trunc((len - 2) / 2);
    for (;;) {
      this.adjustHeap(first, parent, len, this.v[first + parent], this.ix[first + parent]);
      if (parent === 0) return;
      parent--;
    }
  }

  private popHeap(first: number, last: number, result: number): void {
    const val = this.v[result];
    const vi = this.ix[result];
    this.move(result, first);
    this.adjustHeap(first, 0, last - first, val, vi);
  }

  private heapSelect(first: number, middle: number, last: number): void {
    this.makeHeap(first, middle);
    for (let i = middle; i < last; i++) if (this.less(this.v[i], this.v[first])) this.popHeap(first, middle, i);
  }

  private sortHeap(first: number, last: number): void {
    while (last - first > 1) {
      last--;
      this.popHeap(first, last, last);
    }
  }

  partialSort(first: number, middle: number, last: number): void {
    this.heapSelect(first, middle, last);
    this.sortHeap(first, middle);
  }

  private introsortLoop(first: number, last: number, depth: number): void {
    while (last - first > 16) {
      if (depth === 0) {
        this.partialSort(first, last, last);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      this.introsortLoop(cut, last, depth);
      last = cut;
    }
  }

  sort(first: number, last: number): void {
    if (first === last) return;
    this.introsortLoop(first, last, this.lg(last - first) * 2);
    if (last - first > 16) {
      this.insertionSort(first, first + 16);
      for (let i = first + 16; i !== last; i++) this.unguardedLinearInsert(i);
    } else {
      this.insertionSort(first, last);
    }
  }

  nthElement(first: number, nth: number, last: number): void {
    if (first === last || nth === last) return;
    let depth = this.lg(last - first) * 2;
    while (last - first > 3) {
      if (depth === 0) {
        this.heapSelect(first, nth + 1, last);
        this.swap(first, nth);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      if (cut <= nth) first = cut;
      else last = cut;
    }
    this.insertionSort(first, last);
  }

  /** PyTorch's topk_impl_loop (largest, sorted) on the whole queue. */
  topk(k: number): void {
    const n = this.v.length;
    if (k * 64 <= n) {
      this.partialSort(0, k, n);
    } else {
      this.nthElement(0, k - 1, n);
      this.sort(0, k - 1);
    }
  }
}

/**
 * `torch.multinomial(probs, numSamples, replacement)` for `probs` holding one row (1-D) or several rows
 * of `nCategories` probabilities (2-D, row-major); returns the sampled indices, row-major
 * (rows x numSamples). Without replacement PyTorch 1.13 draws q ~ Exp(1) for every probability and
 * takes the top-k of p / q (argmax for one sample); with replacement (even for one sample) it
 * binary-searches 53-bit uniforms in the normalised cumulative sums, computed in the probabilities' own
 * precision.
 */
export function multinomial(
  gen: Generator,
  probs: FloatArray,
  nCategories: number,
  numSamples: number,
  replacement = false,
): Float64Array {
  if (!(numSamples > 0)) throw new Error('cannot sample n_sample <= 0 samples');
  if (!(replacement || numSamples <= nCategories)) {
    throw new Error('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  }
  if (nCategories > 16777216) throw new Error('number of categories cannot exceed 2^24');
  const rows = nCategories === 0 ? 0 : probs.length / nCategories;
  const isFloat = probs instanceof Float32Array;
  const result = new Float64Array(rows * numSamples);
  if (!replacement) {
    let valid = true;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i];
      if (!(p < Infinity && p >= 0)) valid = false;
    }
    if (!valid) throw new Error('probability tensor contains either `inf`, `nan` or element < 0');
    for (let r = 0; r < rows; r++) {
      let zero = true;
      for (let j = 0; j < nCategories; j++) if (probs[r * nCategories + j] !== 0) zero = false;
      if (zero) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
    }
    // q = empty_like(probs).exponential_(1); q = probs / q (in the probabilities' dtype).
    const q = isFloat ? new Float32Array(probs.length) : new Float64Array(probs.length);
    fillExponential(gen, q, 1);
    for (let i = 0; i < q.length; i++) q[i] = probs[i] / q[i];
    for (let r = 0; r < rows; r++) {
      const base = r * nCategories;
      if (numSamples === 1) {
        let best = 0;
        for (let j = 1; j < nCategories; j++) {
          const a = q[base + j];
          const b = q[base + best];
          if (a > b || (a !== a && b === b)) best = j;
        }
        result[r] = best;
      } else {
        const v = new Float64Array(nCategories);
        const ix = new Float64Array(nCategories);
        for (let j = 0; j < nCategories; j++) {
          v[j] = q[base + j];
          ix[j] = j;
        }
        new TopkQueue(v, ix).topk(numSamples);
        for (let j = 0; j < numSamples; j++) result[r * numSamples + j] = ix[j];
      }
    }
    return result;
  }
  const cum = isFloat ? new Float32Array(nCategories) : new Float64Array(nCategories);
  for (let r = 0; r < rows; r++) {
    const base = r * nCategories;
    let sum = 0;
    for (let j = 0; j < nCategories; j++) {
      const val = probs[base + j];
      if (!(val >= 0)) throw new Error('invalid multinomial distribution (encountering probability entry < 0)');
      if (!Number.isFinite(val)) {
        throw new Error('invalid multinomial distribution (encountering probability entry = infinity or NaN)');
      }
      sum = isFloat ? Math.fround(sum + val) : sum + val;
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new Error('invalid multinomial distribution (sum of probabilities <= 0)');
    for (let j = 0; j < nCategories; j++) cum[j] = cum[j] / sum;
    for (let s = 0; s < numSamples; s++) {
      const u = gen.nextDouble();
      let left = 0;
      let right = nCategories;
      cum[nCategories - 1] = 1;
      while (right - left > 0) {
        const mid = left + Math.trunc((right - left) / 2);
        if (cum[mid] < u) left = mid + 1;
        else right = mid;
      }
      result[r * numSamples + s] = left;
    }
  }
  return result;
}
