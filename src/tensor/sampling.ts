// PyTorch's CPU sampling kernels, reproduced bit for bit: the transforms PyTorch applies to the
// generator's 32- and 64-bit draws for uniform, normal, exponential, Bernoulli, integer, permutation and
// multinomial samples (ATen/core/DistributionsHelper.h, TransformationHelper.h,
// native/cpu/DistributionTemplates.h, native/cpu/DistributionKernels.cpp, the AVX2 normal kernel).
// Operations are evaluated in PyTorch's order with its fused multiply-adds emulated exactly (libm.ts).
// This file holds what the samplers share (array types, C++'s number formatting in PyTorch's messages);
// the samplers live in sample-uniform.ts (uniform_, exponential_, bernoulli_), sample-normal.ts (with
// the AVX2 kernel's Cephes functions in cephes-float.ts), sample-integers.ts (randint, randperm) and
// sample-multinomial.ts.

import { signBit } from './libm.js';
import type { TypedArray } from './dtype.js';

/** A typed array of floating-point elements (float32 or float64). */
export type FloatArray = Float32Array | Float64Array;

/** Any typed array tstorch stores tensors in. */
export type AnyTypedArray = TypedArray;

/** A double as C++'s `ostream << double` prints it (printf's %g: 6 significant digits). */
export function formatCppDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return signBit(x) ? '-0' : '0';
  const [mant, expText] = x.toExponential(5).split('e');
  const exp = Number(expText);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return strip(x.toFixed(5 - exp));
}
