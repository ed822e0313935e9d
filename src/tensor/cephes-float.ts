// PyTorch's avx_mathfun.h (Cephes single-precision log and sincos) for one lane, as compiled into the
// AVX2 float normal kernel (sample-normal.ts): float32 arithmetic with the kernel's fused multiply-adds.

import { fmaf, signBit, floatFromBits, floatBits } from './libm.js';

// Constants of PyTorch's avx_mathfun.h (Cephes single-precision log and sincos), as float32 values.
const F_MIN_NORM = floatFromBits(0x00800000);
const F_SQRTHF = floatFromBits(0x3f3504f3);
const F_LOG_P = [
  0x3d9021bb, 0xbdebd1b8, 0x3def251a, 0xbdfe5d4f, 0x3e11e9bf, 0xbe2aae50, 0x3e4cceac, 0xbe7ffffc, 0x3eaaaaaa,
].map(floatFromBits);
const F_LOG_Q1 = floatFromBits(0xb95e8083);
const F_LOG_Q2 = floatFromBits(0x3f318000);
const F_FOPI = floatFromBits(0x3fa2f983);
const F_MINUS_DP1 = floatFromBits(0xbf490000);
const F_MINUS_DP2 = floatFromBits(0xb97da000);
const F_MINUS_DP3 = floatFromBits(0xb3222169);
const F_COS_P0 = floatFromBits(0x37ccf5ce);
const F_COS_P1 = floatFromBits(0xbab6061a);
const F_COS_P2 = floatFromBits(0x3d2aaaa5);
const F_SIN_P0 = floatFromBits(0xb94ca1f9);
const F_SIN_P1 = floatFromBits(0x3c08839e);
const F_SIN_P2 = floatFromBits(0xbe2aaaa3);

/** log256_ps of avx_mathfun.h for one lane, as compiled into PyTorch's AVX2 kernel (x > 0). */
export function cephesLogF(u: number): number {
  const x0 = u > F_MIN_NORM ? u : F_MIN_NORM;
  const bits = floatBits(x0);
  let e = (bits >>> 23) - 127 + 1;
  const x = floatFromBits(((bits & 0x807fffff) | 0x3f000000) >>> 0);
  const lt = x < F_SQRTHF;
  let xm = Math.fround(x - 1);
  if (lt) e -= 1;
  const eq1 = Math.fround(e * F_LOG_Q1);
  xm = Math.fround((lt ? x : 0) + xm);
  let y = F_LOG_P[0];
  for (let i = 1; i < 9; i++) y = fmaf(xm, y, F_LOG_P[i]);
  const z = Math.fround(xm * xm);
  y = Math.fround(xm * y);
  y = fmaf(y, z, eq1);
  y = fmaf(-z, 0.5, y);
  return fmaf(e, F_LOG_Q2, Math.fround(xm + y));
}

// cephesSinCosF writes its results here (live ES module bindings) to avoid allocating a pair per call.
export let sinF = 0;
export let cosF = 0;

/** sincos256_ps of avx_mathfun.h for one lane, as compiled into PyTorch's AVX2 kernel. */
export function cephesSinCosF(theta: number): void {
  const ax = Math.abs(theta);
  const negative = signBit(theta);
  const yq = Math.fround(ax * F_FOPI);
  const j1 = (Math.trunc(yq) + 1) | 0;
  const j2 = j1 & ~1;
  const swapSin = (j1 & 4) !== 0;
  const polyMask = (j1 & 2) === 0;
  const signCos = (~(j2 - 2) & 4) !== 0;
  let x = fmaf(j2, F_MINUS_DP1, ax);
  x = fmaf(j2, F_MINUS_DP2, x);
  x = fmaf(j2, F_MINUS_DP3, x);
  const z = Math.fround(x * x);
  let yc = fmaf(z, F_COS_P0, F_COS_P1);
  yc = fmaf(z, yc, F_COS_P2);
  const half = Math.fround(z * 0.5);
  yc = Math.fround(z * yc);
  yc = fmaf(yc, z, -half);
  let ys = fmaf(F_SIN_P0, z, F_SIN_P1);
  ys = fmaf(z, ys, F_SIN_P2);
  yc = Math.fround(yc + 1);
  ys = Math.fround(z * ys);
  ys = fmaf(ys, x, x);
  const ysin2 = polyMask ? ys : 0;
  const ysin1 = polyMask ? 0 : yc;
  const sinAbs = Math.fround(ysin2 + ysin1);
  const cosAbs = Math.fround(Math.fround(ys - ysin2) + Math.fround(yc - ysin1));
  sinF = negative !== swapSin ? -sinAbs : sinAbs;
  cosF = signCos ? -cosAbs : cosAbs;
}
