// Scans along a dim: cumsum and cumprod (cumprod's gradient by a linear recurrence, without dividing
// by the input).
import { DType, int64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { emptyTensor, ones, zeros } from '../tensor/factory.js';
import { checkTensor } from './elementwise.js';
import { cat } from './join.js';
import { record } from '../autograd/record.js';
import './shape.js';
import { asDtype, reduceOptions, requireArg, resized, rowKernel, rowsOf, singleDim, sumDtype } from './reduce.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    cumsum(dim: number, options?: { dtype?: DType }): Tensor;
    cumprod(dim: number, options?: { dtype?: DType }): Tensor;
  }
}

// ---- backward helpers ----

/** `t` moved one step along `dim` (towards higher indices for step 1, lower for -1), zero-filled. */
function shiftDim(t: Tensor, dim: number, step: 1 | -1): Tensor {
  const n = t.shape_[dim];
  const fill = zeros(resized(t.shape_, dim, 1), { dtype: t.dtype });
  return step === 1 ? cat([fill, t.narrow(dim, 0, n - 1)], dim) : cat([t.narrow(dim, 1, n - 1), fill], dim);
}

/**
 * The first-order linear recurrence h[j] = b[j] + a[j] * h[j-1] along `dim` (h[j+1] when `reverse`),
 * starting from 0. It expresses cumprod's gradient without dividing by the input, so zeros are fine;
 * its own gradient is the same recurrence run the other way.
 */
function linearRecurrence(b: Tensor, a: Tensor, dim: number, reverse: boolean): Tensor {
  const bd = b.contiguousData() as ArrayLike<number>;
  const ad = a.contiguousData() as ArrayLike<number>;
  const { outer, size, inner } = rowsOf(b.shape_, dim);
  const out = emptyTensor(b.shape_, b.dtype);
  const dst = out.storage_.data as unknown as number[];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let h = 0;
      for (let s = 0; s < size; s++) {
        const p = (o * size + (reverse ? size - 1 - s : s)) * inner + i;
        h = bd[p] + ad[p] * h;
        dst[p] = h;
      }
    }
  }
  record({
    name: 'LinearRecurrenceBackward',
    inputs: [b, a],
    outputs: [out],
    save: [a, out],
    backward: ([g], [coef, h]) => {
      // d h / d b runs the recurrence backwards with each coefficient moved to the step it feeds.
      const gradB = linearRecurrence(g as Tensor, shiftDim(coef, dim, reverse ? 1 : -1), dim, !reverse);
      return [gradB, gradB.mul(shiftDim(h, dim, reverse ? -1 : 1))];
    },
  });
  return out;
}

// ---- cumsum, cumprod ----

function scanOp(kind: 'cumsum' | 'cumprod') {
  return (input: Tensor, dim: number, opts?: { dtype?: DType }): Tensor => {
    checkTensor(input, kind);
    requireArg(dim, kind);
    const options = reduceOptions(opts, kind);
    const d = singleDim(dim, input.dim(), kind);
    const dtype = sumDtype(input.dtype, options.dtype);
    const src = asDtype(input, dtype);
    const isSum = kind === 'cumsum';
    const [out] = rowKernel(src, d, [{ shape: input.shape_, dtype }], (row, [dst]) => {
      if (dtype === int64) {
        let acc = isSum ? 0n : 1n;
        for (let j = 0; j < row.length; j++) dst[j] = acc = BigInt.asIntN(64, isSum ? acc + (row[j] as bigint) : acc * (row[j] as bigint));
      } else {
        let acc = isSum ? 0 : 1;
        for (let j = 0; j < row.length; j++) dst[j] = acc = isSum ? acc + (row[j] as number) : acc * (row[j] as number);
      }
    });
    record({
      name: isSum ? 'CumsumBackward0' : 'CumprodBackward0',
      inputs: [input],
      outputs: [out],
      save: isSum ? [] : [input, out],
      backward: ([g], saved) => [isSum ? cumsumBackward(g as Tensor, d) : cumprodBackward(g as Tensor, saved[0], saved[1], d)],
    });
    return out;
  };
}

/** The reversed cumulative sum of the gradient. */
function cumsumBackward(grad: Tensor, dim: number): Tensor {
  if (grad.numel() <= 1 || rowsOf(grad.shape_, dim).size === 1) return grad;
  return grad.flip(dim).cumsum(dim).flip(dim);
}

/**
 * Without zeros in the input, PyTorch's reversed cumsum of grad * output, divided by the input. With
 * zeros, d/dx[k] of sum_i g[i] * prod_{j<=i} x[j] is prod_{j<k} x[j] * s[k], where s[k] = g[k] +
 * x[k+1] * s[k+1]: an exclusive cumprod (the output shifted by one) times a reversed linear recurrence.
 * That form never divides, takes O(n), and is differentiable to any order.
 */
function cumprodBackward(grad: Tensor, input: Tensor, result: Tensor, dim: number): Tensor {
  if (input.numel() <= 1 || rowsOf(input.shape_, dim).size === 1) return grad;
  const x = input.dtype === grad.dtype ? input : input.to(grad.dtype);
  if (x.eq(0).any().item() === 0) return cumsumBackward(result.mul(grad), dim).div(x);
  const n = x.shape_[dim];
  const before = cat([ones(resized(x.shape_, dim, 1), { dtype: result.dtype }), result.narrow(dim, 0, n - 1)], dim);
  return before.mul(linearRecurrence(grad, shiftDim(x, dim, -1), dim, true));
}

export const cumsum = scanOp('cumsum');
export const cumprod = scanOp('cumprod');

// ---- methods ----

const proto = Tensor.prototype;
proto.cumsum = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return cumsum(this, dim, options);
};
proto.cumprod = function (this: Tensor, dim: number, options?: { dtype?: DType }) {
  return cumprod(this, dim, options);
};
