// normal_ / torch.randn: PyTorch's vectorised Box-Muller kernels (double, and the AVX2 float kernel with
// the Cephes functions of cephes-float.ts) and its scalar path with the generator's cached sample.

import { fma, fmaf, glibcLog, glibcSinCos, floatFromBits, sincosSin, sincosCos } from './libm.js';
import { Generator } from './random.js';
import { cephesLogF, cephesSinCosF, sinF, cosF } from './cephes-float.js';
import { formatCppDouble, type FloatArray } from './sampling.js';

const TWO_PI = 2 * Math.PI;

/** PyTorch's normal_fill_16 for doubles (Box-Muller on 8 pairs of uniforms already in place). */
function normalFill16Double(d: Float64Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const radius = Math.sqrt(glibcLog(1 - d[off + j]) * -2);
    glibcSinCos(TWO_PI * d[off + j + 8]);
    d[off + j] = fma(radius * sincosCos, std, mean);
    d[off + j + 8] = fma(radius * sincosSin, std, mean);
  }
}

// 2π as the AVX2 kernel's float32 constant.
const F_TWO_PI = floatFromBits(0x40c90fdb);

/** PyTorch's normal_fill_16_AVX2 (float32 Box-Muller with Cephes log/sincos, 8 lanes). */
function normalFill16Float(d: Float32Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const lg = cephesLogF(Math.fround(1 - d[off + j]));
    const radius = Math.fround(Math.sqrt(Math.fround(lg * -2)));
    cephesSinCosF(Math.fround(F_TWO_PI * d[off + j + 8]));
    d[off + j] = fmaf(Math.fround(radius * cosF), std, mean);
    d[off + j + 8] = fmaf(Math.fround(radius * sinF), std, mean);
  }
}

/** One sample of PyTorch's scalar normal_distribution<double>, using and refilling the cache. */
function scalarNormal(gen: Generator, mean: number, std: number): number {
  let ret: number;
  const cached = gen.nextDoubleNormalSample;
  if (cached !== null) {
    ret = cached;
    gen.nextDoubleNormalSample = null;
  } else {
    const u1 = gen.nextDouble();
    const u2 = gen.nextDouble();
    const r = Math.sqrt(glibcLog(1.0 - u2) * -2.0);
    glibcSinCos(u1 * TWO_PI);
    gen.nextDoubleNormalSample = r * sincosSin;
    ret = sincosCos * r;
  }
  return fma(ret, std, mean);
}

/**
 * Fills `out` like `normal_(mean, std)` / `torch.randn`. Contiguous outputs of 16 or more elements take
 * PyTorch's vectorised Box-Muller path (uniforms for all elements first, then blocks of 16, the last
 * block redrawn when the size is not a multiple of 16; float32 uses the AVX2 Cephes kernel). Smaller or
 * non-contiguous outputs take the scalar path, which draws pairs and caches the second value in the
 * generator (the cache persists across calls and is cleared by manualSeed).
 */
export function fillNormal(gen: Generator, out: FloatArray, mean = 0, std = 1, contiguous = true): void {
  if (!(std >= 0.0)) throw new Error(`normal expects std >= 0.0, but found std ${formatCppDouble(std)}`);
  const n = out.length;
  if (n >= 16 && contiguous) {
    if (out instanceof Float32Array) {
      const m = Math.fround(mean);
      const s = Math.fround(std);
      for (let i = 0; i < n; i++) out[i] = gen.nextFloat();
      for (let i = 0; i + 16 <= n; i += 16) normalFill16Float(out, i, m, s);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) out[i] = gen.nextFloat();
        normalFill16Float(out, n - 16, m, s);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = gen.nextDouble();
      for (let i = 0; i + 16 <= n; i += 16) normalFill16Double(out, i, mean, std);
      if (n % 16 !== 0) {
        for (let i = n - 16; i < n; i++) out[i] = gen.nextDouble();
        normalFill16Double(out, n - 16, mean, std);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) out[i] = scalarNormal(gen, mean, std);
}
