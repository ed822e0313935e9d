// Shapes, strides and broadcasting: pure functions over number arrays.

export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const n = shape.length;
  // Every new tensor needs its strides; the ranks of most small tensors get array literals.
  if (n === 0) return [];
  if (n === 1) return [1];
  if (n === 2) return [shape[1] > 1 ? shape[1] : 1, 1];
  const strides: number[] = [];
  for (let i = 0; i < n; i++) strides.push(1);
  let stride = 1;
  for (let i = n - 1; i >= 0; i--) {
    strides[i] = stride;
    const size = shape[i];
    stride *= size > 1 ? size : 1;
  }
  return strides;
}

/** PyTorch's is_contiguous: dims of size 1 may have any stride; empty tensors are contiguous. */
export function isContiguousLayout(shape: Shape, strides: Shape): boolean {
  if (numelOf(shape) === 0) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1) {
      if (strides[i] !== expected) return false;
      expected *= shape[i];
    }
  }
  return true;
}

/** Whether two shapes (or stride lists) are equal, element for element. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Formats a shape as PyTorch does in messages: `[2, 3]`. */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** `torch.Size([2, 3])` as Python prints it. */
export function torchSizeStr(shape: Shape): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** Python's tuple repr of a shape: `(2,)`, `(2, 3)`, `()`. */
export function tupleStr(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function broadcastShapes(...shapes: Shape[]): number[] {
  // Operands of one shape, or a tensor and a scalar (of no dims), are the common cases of elementwise
  // ops: nothing to broadcast.
  if (shapes.length === 2) {
    const [a, b] = shapes;
    if (b.length === 0 || sameShape(a, b)) return a.slice();
    if (a.length === 0) return b.slice();
  }
  let ndim = 0;
  for (const shape of shapes) if (shape.length > ndim) ndim = shape.length;
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) out.push(1);
  for (const shape of shapes) {
    // From the last dim, as ATen's infer_size: with several mismatches its error names the last one.
    for (let o = ndim - 1; o >= ndim - shape.length; o--) {
      const size = shape[o - ndim + shape.length];
      if (out[o] === size || size === 1) continue;
      if (out[o] === 1) {
        out[o] = size;
        continue;
      }
      throw new Error(
        `The size of tensor a (${out[o]}) must match the size of tensor b (${size}) at non-singleton dimension ${o}`,
      );
    }
  }
  return out;
}

/** Whether `shape` can be expanded to `target` (PyTorch's is_expandable_to). */
export function isExpandableTo(shape: Shape, target: Shape): boolean {
  if (shape.length > target.length) return false;
  for (let i = 1; i <= shape.length; i++) {
    const s = shape[shape.length - i];
    const t = target[target.length - i];
    if (s !== t && s !== 1) return false;
  }
  return true;
}

/** Strides that read a tensor of (shape, strides) as if it had been expanded to `target`. */
export function expandedStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const lead = target.length - shape.length;
  const out: number[] = [];
  for (let i = 0; i < lead; i++) out.push(0);
  for (let i = 0; i < shape.length; i++) out.push(shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i]);
  return out;
}

/**
 * Wraps a possibly negative dim into [0, ndim), with PyTorch's error when out of range. A 0-dim tensor
 * accepts dims 0 and -1 unless `scalarAsOne` is false (PyTorch's wrap_scalar).
 */
export function normalizeDim(dim: number, ndim: number, scalarAsOne = true): number {
  if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, but got ${String(dim)}`);
  if (ndim === 0 && !scalarAsOne) throw new Error(`Dimension specified as ${dim} but tensor has no dimensions`);
  const rank = ndim === 0 ? 1 : ndim;
  if (dim < -rank || dim >= rank) {
    throw new Error(`Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + rank : dim;
}

/**
 * Strides for viewing (shape, strides) as `newShape` without copying, or null when impossible
 * (ATen's computeStride).
 */
export function viewStrides(shape: Shape, strides: Shape, newShape: Shape): number[] | null {
  if (shape.length === 0) return newShape.map(() => 1);
  const numel = numelOf(shape);
  if (numel === 0) {
    return shape.length === newShape.length && shape.every((s, i) => s === newShape[i])
      ? [...strides]
      : contiguousStrides(newShape);
  }
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBaseStride = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = shape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= shape[tensorD];
    if (tensorD === 0 || (shape[tensorD - 1] !== 1 && strides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = strides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** Resolves one -1 entry of a requested shape (view/reshape), with PyTorch's errors. */
export function inferSize(requested: Shape, numel: number): number[] {
  let inferred = -1;
  let known = 1;
  const out = [...requested];
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (s === -1) {
      if (inferred >= 0) throw new Error('only one dimension can be inferred');
      inferred = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new Error(`invalid shape dimension ${s}`);
    } else {
      known *= s;
    }
  }
  if (inferred >= 0) {
    if (known === 0 && numel === 0) {
      throw new Error(
        `cannot reshape tensor of ${numel} elements into shape ${shapeStr(requested)} because the unspecified dimension size -1 can be any value and is ambiguous`,
      );
    }
    if (numel % known === 0) {
      out[inferred] = numel / known;
      return out;
    }
  } else if (known === numel) {
    return out;
  }
  throw new Error(`shape '${shapeStr(requested)}' is invalid for input of size ${numel}`);
}

/** Checks a size list for factories: integers >= 0, PyTorch's message for negatives. */
export function checkSizes(shape: Shape): void {
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new TypeError(`sizes must be integers, but got ${typeof s === 'number' ? s : Array.isArray(s) ? 'a list' : typeof s}`);
    }
    if (s < 0) throw new Error(`Trying to create tensor with negative dimension ${s}: ${shapeStr(shape)}`);
  }
}
