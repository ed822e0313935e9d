// The ternary pointwise ops where, lerp and clamp (input and two bounds), with clamp's one-bound forms
// clamp_min and clamp_max.
// Backward formulas follow PyTorch 2.x's derivatives.yaml, so gradients (and which of them are
// themselves differentiable) agree at every point, including the conventions of spec 10.3.
import { DType, bool, int64 } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { Scalar } from '../tensor/factory.js';
import { warn } from '../tensor/warnings.js';
import { record } from '../autograd/record.js';
import {
  asOperand,
  binaryKernel,
  binaryResultType,
  checkOperand,
  checkTensor,
  invalidArguments,
  isScalar,
  resultTypeOf,
  selectKernel,
  ternaryKernel,
  unaryKernel,
  type Kernel1,
  type Kernel2,
  type TensorOrScalar,
} from './elementwise.js';
import { legacyScalarName } from './pointwise.js';
import { maximum as maximumOf, minimum as minimumOf } from '../backends/js/elementwise.js';
import { graphInput, notImplemented } from './binary-args.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    lerp(end: Tensor, weight: TensorOrScalar): Tensor;
    clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    clip(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    clampMin(min: TensorOrScalar): Tensor;
    clampMax(max: TensorOrScalar): Tensor;
    where(condition: Tensor, other: TensorOrScalar): Tensor;
  }
}

const WHERE_SIGNATURES = [
  '(Tensor condition)',
  '(Tensor condition, Tensor input, Tensor other, *, Tensor out)',
  '(Tensor condition, Number self, Tensor other)',
  '(Tensor condition, Tensor input, Number other)',
  '(Tensor condition, Number self, Number other)',
];

/** `torch.where(condition, input, other)`: elements of input where condition holds, else other's. */
export function where(condition: Tensor, input: TensorOrScalar, other: TensorOrScalar): Tensor {
  checkTensor(condition, 'where', 'condition');
  if (!(input instanceof Tensor || isScalar(input)) || !(other instanceof Tensor || isScalar(other))) {
    throw invalidArguments('where', [condition, input, other], WHERE_SIGNATURES);
  }
  if (condition.dtype === DType.uint8) {
    warn('where received a uint8 condition tensor. This behavior is deprecated and will be removed in a future version of PyTorch. Use a boolean condition instead.');
  } else if (condition.dtype !== bool) {
    throw new Error(`where expected condition to be a boolean tensor, but got a tensor with dtype ${legacyScalarName(condition.dtype)}`);
  }
  const dtype = binaryResultType(input, other);
  const x = asOperand(input, dtype);
  const y = asOperand(other, dtype);
  const out = selectKernel(condition, x, y, dtype) ?? ternaryKernel(condition, x, y, dtype, (c, a, b) => (c ? a : b));
  record({
    name: 'WhereBackward0',
    inputs: [null, graphInput(input), graphInput(other)],
    outputs: [out],
    save: [condition],
    backward: ([g], [c], needs) => [null, needs[1] ? where(c, g as Tensor, 0) : null, needs[2] ? where(c, 0, g as Tensor) : null],
  });
  return out;
}

const LERP_SIGNATURES = ['(Tensor input, Tensor end, Tensor weight, *, Tensor out)', '(Tensor input, Tensor end, Number weight, *, Tensor out)'];

/**
 * `x.lerp(end, weight)` for one element, unrounded: ATen's formula, exact at both ends (the optimizers'
 * fused loops use it too).
 */
export function lerpValue(x: number, end: number, weight: number): number {
  return Math.abs(weight) < 0.5 ? x + weight * (end - x) : end - (end - x) * (1 - weight);
}

export function lerp(input: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  if (!(input instanceof Tensor) || !(end instanceof Tensor) || !(weight instanceof Tensor || isScalar(weight))) {
    throw invalidArguments('lerp', [input, end, weight], LERP_SIGNATURES);
  }
  const dtype = input.dtype;
  if (end.dtype !== dtype) throw new Error(`expected dtype ${dtype.cppName} for \`end\` but got dtype ${end.dtype.cppName}`);
  if (weight instanceof Tensor && weight.dtype !== dtype) {
    throw new Error(`expected dtype ${dtype.cppName} for \`weight\` but got dtype ${weight.dtype.cppName}`);
  }
  if (!dtype.isFloatingPoint) throw notImplemented(`lerp_kernel_${weight instanceof Tensor ? 'tensor' : 'scalar'}`, dtype);
  const out = ternaryKernel(input, end, asOperand(weight, dtype), dtype, (s, e, w) => lerpValue(s as number, e as number, w as number));
  if (weight instanceof Tensor) {
    record({
      name: 'LerpBackward1',
      inputs: [input, end, weight],
      outputs: [out],
      save: (needs) => [needs[2] ? input : null, needs[2] ? end : null, needs[0] || needs[1] ? weight : null],
      backward: ([g], [s, e, wt], needs) => [
        needs[0] ? (g as Tensor).mul(wt.rsub(1)) : null,
        needs[1] ? (g as Tensor).mul(wt) : null,
        needs[2] ? (g as Tensor).mul(e.sub(s)) : null,
      ],
    });
  } else {
    const w = Number(weight);
    record({
      name: 'LerpBackward0',
      inputs: [input, end],
      outputs: [out],
      backward: ([g], _s, needs) => [needs[0] ? (g as Tensor).mul(1 - w) : null, needs[1] ? (g as Tensor).mul(w) : null],
    });
  }
  return out;
}

const CLAMP_SIGNATURES = ['(Tensor input, Tensor min, Tensor max, *, Tensor out)', '(Tensor input, Number min, Number max, *, Tensor out)'];

type Bound = TensorOrScalar | null;

function checkClampArgs(fn: string, input: unknown, lo: unknown, hi: unknown): void {
  const isBound = (v: unknown): boolean => v === null || v instanceof Tensor || isScalar(v);
  if (!(input instanceof Tensor) || !isBound(lo) || !isBound(hi)) {
    throw invalidArguments(fn, [input, ...[lo, hi].filter((v) => v !== null)], CLAMP_SIGNATURES);
  }
}

export function clamp(input: Tensor, min?: Bound, max?: Bound): Tensor {
  const lo = min ?? null;
  const hi = max ?? null;
  checkClampArgs('clamp', input, lo, hi);
  if (lo === null && hi === null) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (lo instanceof Tensor || hi instanceof Tensor) return clampTensor(input, lo, hi);
  const l = lo === null ? null : (lo as Scalar);
  const h = hi === null ? null : (hi as Scalar);
  const dtype = resultTypeOf(input, ...[l, h].filter((v): v is Scalar => v !== null));
  if (dtype === bool) throw notImplemented(l !== null && h !== null ? 'clamp_scalar_cpu' : l !== null ? 'clamp_min_cpu' : 'clamp_max_scalar_cpu', dtype);
  const out = clampByPrimitives(input, l, h, dtype) ?? unaryKernel(input, clampScalarKernel(l, h, dtype), dtype, dtype);
  record({
    name: 'ClampBackward1',
    inputs: [input],
    outputs: [out],
    save: [input],
    backward: ([g], [s]) => {
      const loOk = l === null ? null : s.ge(l);
      const hiOk = h === null ? null : s.le(h);
      const inRange = loOk && hiOk ? loOk.logicalAnd(hiOk) : ((loOk ?? hiOk) as Tensor);
      return [where(inRange, g as Tensor, 0)];
    },
  });
  return out;
}

/**
 * ATen's scalar clamp: with both bounds, a nan bound makes every element nan; a single nan bound is
 * ignored (max(x, nan) is x in C++); nan elements stay nan.
 */
function clampScalarKernel(lo: Scalar | null, hi: Scalar | null, dtype: DType): Kernel1 {
  const l = lo === null ? -Infinity : Number(lo);
  const h = hi === null ? Infinity : Number(hi);
  const bothNan = lo !== null && hi !== null && (Number.isNaN(l) || Number.isNaN(h));
  const low = Number.isNaN(l) ? -Infinity : l;
  const high = Number.isNaN(h) ? Infinity : h;
  // int64 bounds are integral (a fractional one would have promoted the result to float).
  const bigLo = dtype === int64 && lo !== null ? BigInt(lo) : null;
  const bigHi = dtype === int64 && hi !== null ? BigInt(hi) : null;
  const big = (x: bigint): bigint => (bigLo !== null && x < bigLo ? bigLo : bigHi !== null && x > bigHi ? bigHi : x);
  if (bothNan) return { num: () => NaN, big };
  // std::min(std::max(x, low), high): comparisons with nan are false, so nan elements pass through.
  return {
    num: (x) => {
      const m = x < low ? low : x;
      return m > high ? high : m;
    },
    big,
  };
}

// The scalar clamp's bounds as named primitives (see clampByPrimitives).
const CLAMP_LOW: Kernel2 = { num: maximumOf, name: 'maximum' };
const CLAMP_HIGH: Kernel2 = { num: minimumOf, name: 'minimum' };

/**
 * The scalar clamp of a float tensor as the named maximum and minimum primitives against each bound (a
 * repeated value), which the backends run in their own loops rather than calling a kernel per element.
 * The values are clampScalarKernel's: `x < lo ? lo : x` is maximum's `x >= lo ? x : lo`, nan passing
 * through, and the bound is stored in the dtype first either way. Null where that kernel is needed:
 * integer dtypes, an input of another dtype, a nan bound.
 */
function clampByPrimitives(input: Tensor, lo: Scalar | null, hi: Scalar | null, dtype: DType): Tensor | null {
  const low = lo === null ? null : Number(lo);
  const high = hi === null ? null : Number(hi);
  if (!dtype.isFloatingPoint || input.dtype_ !== dtype || Number.isNaN(low) || Number.isNaN(high)) return null;
  let out = input;
  if (low !== null) out = binaryKernel(out, low, CLAMP_LOW, dtype, dtype);
  if (high !== null) out = binaryKernel(out, high, CLAMP_HIGH, dtype, dtype);
  return out;
}

const maxKernel: Kernel2 = { num: (x, m) => (Number.isNaN(x) || Number.isNaN(m) ? NaN : Math.max(x, m)), big: (x, m) => (x > m ? x : m) };
const minKernel: Kernel2 = { num: (x, m) => (Number.isNaN(x) || Number.isNaN(m) ? NaN : Math.min(x, m)), big: (x, m) => (x < m ? x : m) };

function clampTensor(input: Tensor, lo: Bound, hi: Bound): Tensor {
  const dtype = resultTypeOf(input, ...([lo, hi].filter((v) => v !== null) as TensorOrScalar[]));
  if (dtype === bool && lo !== null && hi !== null) throw notImplemented('clamp_cpu', dtype);
  // One bound is maximum/minimum (nan propagates); both are min(max(x, lo), hi).
  let out = asOperand(input, dtype);
  if (lo !== null) out = binaryKernel(out, lo, maxKernel, dtype, dtype);
  if (hi !== null) out = binaryKernel(out, hi, minKernel, dtype, dtype);
  const loT = lo instanceof Tensor ? lo : null;
  const hiT = hi instanceof Tensor ? hi : null;
  record({
    name: 'ClampBackward0',
    inputs: [input, loT, hiT],
    outputs: [out],
    save: [input, ...(loT ? [loT] : []), ...(hiT ? [hiT] : [])],
    backward: ([g], saved, needs) => {
      const s = saved[0];
      const mn = loT ? saved[1] : lo;
      const mx = hiT ? saved[saved.length - 1] : hi;
      const gt = g as Tensor;
      // ATen's clamp_backward_min_max: a bound that is out of order with the other gets no gradient.
      if (mn !== null && mx !== null) {
        return [
          needs[0] ? where(s.ge(mn).logicalAnd(s.le(mx)), gt, 0) : null,
          needs[1] ? where(s.lt(mn).logicalAnd(lessThan(mn, mx)), gt, 0) : null,
          needs[2] ? where(s.gt(mx).logicalOr(lessThan(mx, mn)), gt, 0) : null,
        ];
      }
      if (mn !== null) return [needs[0] ? where(s.ge(mn), gt, 0) : null, needs[1] ? where(s.lt(mn), gt, 0) : null, null];
      const m = mx as TensorOrScalar;
      return [needs[0] ? where(s.le(m), gt, 0) : null, null, needs[2] ? where(s.gt(m), gt, 0) : null];
    },
  });
  return out;
}

/** a < b for two bounds, at least one of them a tensor. */
function lessThan(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return a instanceof Tensor ? a.lt(b) : (b as Tensor).gt(a);
}

/** `torch.clamp_min`: max(input, min), with its own grad_fn (ClampMinBackward0/1). */
export function clampMin(input: Tensor, min: TensorOrScalar): Tensor {
  return clampOneSide('clamp_min', input, min);
}

/** `torch.clamp_max`: min(input, max), with its own grad_fn (ClampMaxBackward0/1). */
export function clampMax(input: Tensor, max: TensorOrScalar): Tensor {
  return clampOneSide('clamp_max', input, max);
}

function clampOneSide(fn: 'clamp_min' | 'clamp_max', input: Tensor, bound: TensorOrScalar): Tensor {
  checkTensor(input, fn);
  checkOperand(bound, fn, fn === 'clamp_min' ? 'min' : 'max', 2);
  const isMin = fn === 'clamp_min';
  const dtype = resultTypeOf(input, bound);
  let out: Tensor;
  if (bound instanceof Tensor) {
    out = binaryKernel(input, bound, isMin ? maxKernel : minKernel, dtype, dtype);
  } else {
    if (dtype === bool) throw notImplemented(isMin ? 'clamp_min_cpu' : 'clamp_max_scalar_cpu', dtype);
    const [lo, hi] = isMin ? [bound, null] : [null, bound];
    out = clampByPrimitives(input, lo, hi, dtype) ?? unaryKernel(input, clampScalarKernel(lo, hi, dtype), dtype, dtype);
  }
  const kept = (s: Tensor, b: TensorOrScalar): Tensor => (isMin ? s.ge(b) : s.le(b));
  const name = `Clamp${isMin ? 'Min' : 'Max'}Backward`;
  if (bound instanceof Tensor) {
    record({
      name: `${name}1`,
      inputs: [input, bound],
      outputs: [out],
      save: [input, bound],
      backward: ([g], [s, b], needs) => [needs[0] ? where(kept(s, b), g as Tensor, 0) : null, needs[1] ? where(kept(s, b), 0, g as Tensor) : null],
    });
  } else {
    record({ name: `${name}0`, inputs: [input], outputs: [out], save: [input], backward: ([g], [s]) => [where(kept(s, bound), g as Tensor, 0)] });
  }
  return out;
}

// ---- methods ----

const proto = Tensor.prototype;
proto.lerp = function (this: Tensor, end, weight) { return lerp(this, end, weight); };
proto.clamp = function (this: Tensor, min, max) { return clamp(this, min, max); };
proto.clip = proto.clamp;
proto.clampMin = function (this: Tensor, min) { return clampMin(this, min); };
proto.clampMax = function (this: Tensor, max) { return clampMax(this, max); };
/** `x.where(condition, other)`: x where condition holds, else other (PyTorch's Tensor.where). */
proto.where = function (this: Tensor, condition, other) { return where(condition, this, other); };
