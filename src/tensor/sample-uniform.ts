// uniform_ and the samplers that transform one uniform draw per element: exponential_ and bernoulli_
// (PyTorch's CPU kernels, bit for bit; see sampling.ts).

import { fma, fmaf, glibcLog } from './libm.js';
import { Generator } from './random.js';
import { formatCppDouble, type AnyTypedArray, type FloatArray } from './sampling.js';

const FLOAT32_MAX = 3.4028234663852886e38;

function floatBounds(out: FloatArray): [number, number] {
  return out instanceof Float32Array ? [-FLOAT32_MAX, FLOAT32_MAX] : [-Number.MAX_VALUE, Number.MAX_VALUE];
}

// ---------------------------------------------------------------------------------------------------
// Uniform
// ---------------------------------------------------------------------------------------------------

/** Fills `out` like `uniform_(from, to)` / `torch.rand` (float32: 24 random bits, float64: 53). */
export function fillUniform(gen: Generator, out: FloatArray, from = 0, to = 1): void {
  const isFloat = out instanceof Float32Array;
  const cpp = isFloat ? 'float' : 'double';
  const [min, max] = floatBounds(out);
  if (!(from >= min && from <= max)) throw new Error(`from is out of bounds for ${cpp}`);
  if (!(to >= min && to <= max)) throw new Error(`to is out of bounds for ${cpp}`);
  if (!(from <= to)) {
    throw new Error(
      `uniform_ expects to return a [from, to) range, but found from=${formatCppDouble(from)} > to=${formatCppDouble(to)}`,
    );
  }
  if (!(to - from <= max)) {
    throw new Error(
      `uniform_ expects to-from <= std::numeric_limits<${isFloat ? 'Float' : 'Double'}>::max(), but found to=${formatCppDouble(to)} and from=${formatCppDouble(from)} which result in to-from to exceed the limit`,
    );
  }
  const n = out.length;
  if (isFloat) {
    const f = Math.fround(from);
    const range = Math.fround(Math.fround(to) - f);
    for (let i = 0; i < n; i++) out[i] = fmaf(gen.nextFloat(), range, f);
  } else {
    const range = to - from;
    for (let i = 0; i < n; i++) out[i] = fma(gen.nextDouble(), range, from);
  }
}

// ---------------------------------------------------------------------------------------------------
// Exponential, Bernoulli
// ---------------------------------------------------------------------------------------------------

/** Fills `out` like `exponential_(lambd)`: -1/lambd * log(1 - u) in double, u with 53 bits. */
export function fillExponential(gen: Generator, out: FloatArray, lambd = 1): void {
  if (!(lambd >= 0.0)) {
    throw new Error(`exponential_ expects lambda >= 0.0, but found lambda=${formatCppDouble(lambd)}`);
  }
  const scale = -1.0 / lambd;
  for (let i = 0; i < out.length; i++) out[i] = scale * glibcLog(1.0 - gen.nextDouble());
}

const BERNOULLI_P_MESSAGE =
  'Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)';

function writeValue(out: AnyTypedArray, i: number, v: number): void {
  if (out instanceof BigInt64Array) out[i] = BigInt(v);
  else out[i] = v;
}

/**
 * Fills `out` (any dtype) with 0/1 like `bernoulli_(p)` for a number p (53-bit uniforms compared with
 * p), or like `torch.bernoulli(probs)` / `bernoulli_(probs)` for per-element probabilities (same length
 * as out, already broadcast): float32 probabilities compare 24-bit float uniforms, float64 53-bit ones.
 */
export function fillBernoulli(gen: Generator, out: AnyTypedArray, p: number | FloatArray): void {
  const n = out.length;
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new Error(`bernoulli_ expects p to be in [0, 1], but got p=${formatCppDouble(p)}`);
    for (let i = 0; i < n; i++) writeValue(out, i, gen.nextDouble() < p ? 1 : 0);
    return;
  }
  if (p.length !== n) throw new Error(`fillBernoulli: expected ${n} probabilities, got ${p.length}`);
  const isFloat = p instanceof Float32Array;
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    if (!(pi >= 0 && pi <= 1)) throw new Error(BERNOULLI_P_MESSAGE);
    const u = isFloat ? gen.nextFloat() : gen.nextDouble();
    writeValue(out, i, u < pi ? 1 : 0);
  }
}
