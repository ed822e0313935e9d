// Statistics over dims: var and std, logsumexp, and the vector norm (linalg.vector_norm, torch.norm),
// each a group function for the shared reduction kernel and a backward in tensor ops.
import { getDefaultDtype, promoteTypes, type TypedArray } from '../tensor/dtype.js';
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { normalizeDim, numelOf } from '../tensor/layout.js';
import { warn } from '../tensor/warnings.js';
import { checkTensor } from './elementwise.js';
import { emptyTensor } from '../tensor/factory.js';
import { isFloatArray, type FloatArray } from '../backends/backend.js';
import { activeBackend } from '../backends/registry.js';
import { legacyScalarName } from './pointwise.js';
import { where } from './ternary.js';
import { record } from '../autograd/record.js';
import {
  asDtype, isFullReduction, keptBlock, reduceKernel, reduceOptions, reducedShape, reductionDims, reductionSize, restoreReducedDims, splitReduceArgs,
  type Dims, type ReduceOptions,
} from './reduce.js';

export interface VarOptions {
  /** Subtracted from the number of elements in the divisor (1: Bessel's correction). */
  correction?: number;
  /** Legacy form of `correction`: true is 1, false is 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

/** `p`/`ord` of norms: a number (Infinity and -Infinity included) or, for `norm`, 'fro' or 'nuc'. */
export type NormOrder = number | 'fro' | 'nuc';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Variance with `correction` (default 1); `var(false)` is the legacy `unbiased` form. */
    var(options?: VarOptions): Tensor;
    var(dim: Dims | boolean, options?: VarOptions): Tensor;
    std(options?: VarOptions): Tensor;
    std(dim: Dims | boolean, options?: VarOptions): Tensor;
    logsumexp(dim: number | readonly number[], options?: { keepdim?: boolean }): Tensor;
    /** `torch.norm`: as in PyTorch 2.x, numeric `p` and 'fro' are `linalg.vectorNorm`. */
    norm(options?: ReduceOptions): Tensor;
    norm(p?: NormOrder | null, dim?: Dims, options?: ReduceOptions): Tensor;
  }
}

// ---- var, std ----

function varCorrection(options: VarOptions, fn: string): number {
  if (options.unbiased !== undefined && options.correction !== undefined) {
    throw new Error(`${fn}(): cannot specify both 'unbiased' and 'correction'`);
  }
  if (options.unbiased !== undefined) {
    if (typeof options.unbiased !== 'boolean') throw new TypeError(`${fn}(): argument 'unbiased' must be bool, not ${pyTypeName(options.unbiased)}`);
    return options.unbiased ? 1 : 0;
  }
  const c = options.correction ?? 1;
  if (typeof c !== 'number') throw new TypeError(`${fn}(): argument 'correction' must be Number, not ${pyTypeName(c)}`);
  return c;
}

/**
 * For a contiguous float array laid out [outer, width, inner] from `offset` (a keptBlock): each
 * column's mean over (outer, inner) and the sum of the squared deviations from it, both summed in
 * double in memory order (varianceGroup's order on a grouped copy), on the active backend or here.
 */
export function blockMoments(data: FloatArray, offset: number, outer: number, width: number, inner: number): { mean: Float64Array; squares: Float64Array } {
  const mean = new Float64Array(width);
  const squares = new Float64Array(width);
  if (activeBackend().moments?.(data, offset, outer, width, inner, mean, squares) === true) return { mean, squares };
  const count = outer * inner;
  for (let k = 0; k < width; k++) {
    let total = 0;
    for (let o = 0; o < outer; o++) {
      const p = offset + (o * width + k) * inner;
      for (let i = 0; i < inner; i++) total += data[p + i];
    }
    const avg = total / count;
    let sum = 0;
    for (let o = 0; o < outer; o++) {
      const p = offset + (o * width + k) * inner;
      for (let i = 0; i < inner; i++) {
        const d = data[p + i] - avg;
        sum += d * d;
      }
    }
    mean[k] = avg;
    squares[k] = sum;
  }
  return { mean, squares };
}

/**
 * var (std with `takeSqrt`) over the dims around a block of kept dims of a contiguous float tensor,
 * from blockMoments: varianceGroup's arithmetic without grouping a copy. Null for other reductions.
 */
function blockVariance(input: Tensor, dims: readonly number[], keepdim: boolean, correction: number, takeSqrt: boolean): Tensor | null {
  const data = input.storage_.readData();
  const block = keptBlock(input, dims);
  if (!isFloatArray(data) || block === null) return null;
  const { outer, width, inner } = block;
  const { squares } = blockMoments(data, input.offset_, outer, width, inner);
  const out = emptyTensor(reducedShape(input.shape_, dims, keepdim), input.dtype);
  const dst = out.storage_.data as FloatArray;
  const divisor = Math.max(0, outer * inner - correction);
  for (let k = 0; k < width; k++) {
    const v = squares[k] / divisor;
    dst[k] = takeSqrt ? Math.sqrt(v) : v;
  }
  return out;
}

/** Sum of squared deviations from the mean, over max(0, n - correction), of one contiguous group. */
function varianceGroup(correction: number) {
  return (data: TypedArray, start: number, length: number): number =>
    blockMoments(data as FloatArray, start, 1, 1, length).squares[0] / Math.max(0, length - correction);
}

/**
 * PyTorch's var_backward: `2 / (n - correction) * grad * (x - mean)`. The divisor is not clamped as the
 * forward's is, so a correction beyond n flips the sign, as in PyTorch.
 */
function varBackward(grad: Tensor, x: Tensor, dims: readonly number[], fullReduction: boolean, correction: number, keepdim: boolean): Tensor {
  if (x.dim() === 0 || fullReduction) return grad.mul(2 / (x.numel() - correction)).mul(x.sub(x.mean()));
  const g = restoreReducedDims(grad, dims, keepdim);
  const n = reductionSize(x.shape_, dims);
  return g.mul(2 / (n - correction)).mul(x.sub(x.mean(dims, { keepdim: true })));
}

function varianceOp(input: Tensor, dimArg: Dims | boolean | VarOptions | undefined, maybeOptions: VarOptions | undefined, takeSqrt: boolean): Tensor {
  const fn = takeSqrt ? 'std' : 'var';
  checkTensor(input, fn);
  let options: VarOptions;
  let dim: Dims | undefined;
  if (typeof dimArg === 'boolean') {
    options = { ...reduceOptions(maybeOptions, fn), unbiased: dimArg };
  } else {
    ({ dim, options } = splitReduceArgs<Dims, VarOptions>(dimArg, maybeOptions, fn));
  }
  if (!input.dtype.isFloatingPoint) throw new Error('std and var only support floating point and complex dtypes');
  const correction = varCorrection(options, fn);
  const keepdim = options.keepdim ?? false;
  const dims = reductionDims(dim, input.dim(), fn);
  const outShape = reducedShape(input.shape_, dims, keepdim);
  const n = numelOf(outShape) === 0 ? 0 : input.numel() / numelOf(outShape);
  if (n - correction <= 0) {
    warn(`${fn}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor (input numel divided by output numel).`);
  }
  const variance = varianceGroup(correction);
  const out = blockVariance(input, dims, keepdim, correction, takeSqrt) ?? reduceKernel(input, dims, keepdim, input.dtype, takeSqrt ? (d, s, l) => Math.sqrt(variance(d, s, l)) : variance);
  const full = isFullReduction(dim);
  record({
    name: takeSqrt ? 'StdBackward0' : 'VarBackward0',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => {
      // std_backward: the var gradient scaled by 1 / (2 std), zero where std is zero.
      const gradVar = takeSqrt ? where(result.eq(0), 0, (g as Tensor).div(result.mul(2))) : (g as Tensor);
      return [varBackward(gradVar, x, dims, full, correction, keepdim)];
    },
  });
  return out;
}

export function variance(input: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions): Tensor {
  return varianceOp(input, dim, options, false);
}

export function std(input: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions): Tensor {
  return varianceOp(input, dim, options, true);
}

// ---- logsumexp ----

/** log(sum(exp(x))) shifted by the largest finite maximum, so large values neither overflow nor underflow. */
function logsumexpGroup(data: TypedArray, start: number, length: number): number {
  let max = -Infinity;
  for (let i = start; i < start + length; i++) if ((data[i] as number) > max) max = data[i] as number;
  // An infinite maximum is not subtracted (inf - inf would be nan); PyTorch masks it to 0 too.
  const shift = Number.isFinite(max) ? max : 0;
  let total = 0;
  for (let i = start; i < start + length; i++) total += Math.exp((data[i] as number) - shift);
  return Math.log(total) + shift;
}

export function logsumexp(input: Tensor, dim: number | readonly number[], opts?: { keepdim?: boolean }): Tensor {
  checkTensor(input, 'logsumexp');
  const options = reduceOptions(opts, 'logsumexp');
  if (dim === undefined || dim === null) {
    throw new TypeError('logsumexp() received an invalid combination of arguments - got (), but expected one of:');
  }
  const keepdim = options.keepdim ?? false;
  const dims = reductionDims(dim, input.dim(), 'logsumexp');
  const dtype = input.dtype.isFloatingPoint ? input.dtype : getDefaultDtype();
  const out = reduceKernel(asDtype(input, dtype), dims, keepdim, dtype, logsumexpGroup);
  record({
    name: 'LogsumexpBackward0',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => [
      restoreReducedDims(g as Tensor, dims, keepdim).mul(x.sub(restoreReducedDims(result, dims, keepdim)).exp()),
    ],
  });
  return out;
}

// ---- vector norm ----

/** A norm order as PyTorch prints a Scalar in messages. */
function ordStr(ord: number): string {
  return Number.isFinite(ord) ? String(ord) : ord > 0 ? 'inf' : '-inf';
}

function normGroup(ord: number) {
  return (data: TypedArray, start: number, length: number): number => {
    const end = start + length;
    if (ord === Infinity || ord === -Infinity) {
      let best = ord === Infinity ? 0 : Infinity;
      for (let i = start; i < end; i++) {
        const a = Math.abs(data[i] as number);
        if (Number.isNaN(a)) return NaN;
        if (ord === Infinity ? a > best : a < best) best = a;
      }
      return best;
    }
    let total = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(data[i] as number);
      if (ord === 0) total += a !== 0 ? 1 : 0;
      else if (ord === 1) total += a;
      else if (ord === 2) total += a * a;
      else total += Math.pow(a, ord);
    }
    if (ord === 0 || ord === 1) return total;
    return ord === 2 ? Math.sqrt(total) : Math.pow(total, 1 / ord);
  };
}

/** PyTorch's norm_backward (linalg_vector_norm_backward): zero gradient where the norm is zero. */
function normBackward(grad: Tensor, x: Tensor, ord: number, norm: Tensor, dims: readonly number[], keepdim: boolean): Tensor | null {
  const g = restoreReducedDims(grad, dims, keepdim);
  const n = restoreReducedDims(norm, dims, keepdim);
  if (ord === 0) return null;
  if (ord === 1) return x.sgn().mul(g);
  if (ord === 2) return g.mul(where(n.eq(0), 0, x.div(n)));
  if (!Number.isFinite(ord)) {
    // Ties for the largest (smallest) magnitude share the gradient; nan entries count as ties.
    const absX = x.abs();
    const mask = absX.eq(n).logicalOr(absX.isnan());
    return x.sgn().mul(g.div(mask.sum(dims, { keepdim: true })).mul(mask));
  }
  if (ord < 1) {
    const scaled = x.sgn().mul(where(x.eq(0), 0, x.abs().pow(ord - 1)));
    return scaled.mul(g).mul(n.pow(1 - ord));
  }
  const scale = where(n.eq(0), 0, g.div(n.pow(ord - 1)));
  const scaled = ord < 2 ? x.sgn().mul(x.abs().pow(ord - 1)) : x.mul(x.abs().pow(ord - 2));
  return scaled.mul(scale);
}

/** `torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)`. */
export function vectorNorm(input: Tensor, ord: number = 2, dim: Dims = null, opts?: ReduceOptions): Tensor {
  checkTensor(input, 'linalg.vector_norm');
  const options = reduceOptions(opts, 'linalg.vector_norm');
  if (typeof ord !== 'number') throw new TypeError(`linalg.vector_norm(): argument 'ord' must be Number, not ${pyTypeName(ord)}`);
  if (!input.dtype.isFloatingPoint) {
    throw new Error(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${legacyScalarName(input.dtype)}`);
  }
  const dims = reductionDims(dim, input.dim(), 'linalg.vector_norm');
  if (input.numel() === 0 && (ord < 0 || ord === Infinity)) {
    const given = dim === null ? [] : typeof dim === 'number' ? [dim] : dim;
    if (given.length === 0) {
      throw new Error(`linalg.vector_norm cannot compute the ${ordStr(ord)} norm on an empty tensor because the operation does not have an identity`);
    }
    for (const d of given) {
      if (input.shape_[normalizeDim(d, input.dim())] === 0) {
        throw new Error(
          `linalg.vector_norm cannot compute the ${ordStr(ord)} norm on the dimension ${d}because this dimension is empty and the operation does not have an identity`,
        );
      }
    }
  }
  const requested = options.dtype;
  if (requested !== undefined) {
    if (!requested.isFloatingPoint) throw new Error(`linalg.vector_norm: dtype should be floating point or complex, but got ${legacyScalarName(requested)}`);
    if (promoteTypes(input.dtype, requested) !== requested) {
      throw new Error(
        `linalg.vector_norm: the dtype of the input (${legacyScalarName(input.dtype)}) should be convertible without narrowing to the specified dtype (${legacyScalarName(requested)})`,
      );
    }
  }
  const dtype = requested ?? input.dtype;
  const keepdim = options.keepdim ?? false;
  const out = reduceKernel(asDtype(input, dtype), dims, keepdim, dtype, normGroup(ord));
  record({
    name: 'LinalgVectorNormBackward0',
    inputs: [input],
    outputs: [out],
    save: [input, out],
    backward: ([g], [x, result]) => [normBackward(g as Tensor, x, ord, result, dims, keepdim)],
  });
  return out;
}

/** `torch.norm(input, p='fro', dim=None, keepdim=False, dtype=None)`, routed as PyTorch 2.x routes it. */
export function norm(input: Tensor, p?: NormOrder | null | ReduceOptions, dim?: Dims, options: ReduceOptions = {}): Tensor {
  checkTensor(input, 'norm');
  if (p !== null && typeof p === 'object') return norm(input, undefined, undefined, p);
  if (p === 'nuc') throw new Error('norm(): the nuclear norm is a matrix norm, which tstorch does not implement');
  if (typeof p === 'string' && p !== 'fro') throw new Error(`only valid string values are 'fro' and 'nuc', found ${p}`);
  const order = p === undefined || p === null || p === 'fro' ? 2 : p;
  if (p === 'fro' && Array.isArray(dim) && dim.length > 2) {
    throw new Error(`norm(): the Frobenius norm over more than 2 dims is a matrix norm, which tstorch does not implement`);
  }
  return vectorNorm(input, order, dim ?? null, options);
}

// ---- methods ----

Tensor.prototype.var = function (this: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions) {
  return variance(this, dim, options);
};
Tensor.prototype.std = function (this: Tensor, dim?: Dims | boolean | VarOptions, options?: VarOptions) {
  return std(this, dim, options);
};
Tensor.prototype.logsumexp = function (this: Tensor, dim: number | readonly number[], options?: { keepdim?: boolean }) {
  return logsumexp(this, dim, options);
};
Tensor.prototype.norm = function (this: Tensor, p?: NormOrder | null | ReduceOptions, dim?: Dims, options?: ReduceOptions) {
  return norm(this, p, dim, options);
};
