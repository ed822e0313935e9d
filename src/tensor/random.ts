// PyTorch's CPU random number generator, reproduced bit for bit.
//
// The engine is PyTorch's mt19937 (aten/src/ATen/core/MT19937RNGEngine.h) with PyTorch's transforms on
// top (ATen/core/DistributionsHelper.h, TransformationHelper.h, native/cpu/DistributionTemplates.h).
// The numbers are those of PyTorch 1.13 on x86-64 Linux, whose AVX2 kernels are compiled with fused
// multiply-adds and whose double-precision log/sin/cos come from glibc's FMA variants. To give the same
// bits, this file evaluates those formulas operation by operation in the same order, emulating every
// fused multiply-add exactly (see `fma`), and ports glibc's log and sin/cos (with their tables).
// Everything here is pure TypeScript on typed arrays: no Node-only API, so it runs in browsers too.


import { glibcSin } from './libm.js';

/** PyTorch's default CPU seed (c10::detail::default_rng_seed_val). */
export const DEFAULT_SEED = 67280421310721n;

/** Size in bytes of PyTorch's CPU generator state (`torch.get_rng_state()`). */
export const STATE_SIZE = 5056;
/** Size of the legacy state layout that PyTorch's `set_rng_state` still accepts. */
export const LEGACY_STATE_SIZE = 5048;

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_POW_32 = 4294967296;
const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;
const UINT64_MASK = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------------

function toUint64Seed(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') {
    s = seed;
  } else {
    if (!Number.isFinite(seed)) {
      throw new Error(`cannot convert float ${Number.isNaN(seed) ? 'NaN' : 'infinity'} to integer`);
    }
    s = BigInt(Math.trunc(seed));
  }
  if (s < -(1n << 63n) || s > UINT64_MASK) throw new Error('Overflow when unpacking long');
  return s & UINT64_MASK;
}

/** A 64-bit seed from the platform's cryptographic random source (Math.random if there is none). */
function nonDeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(words);
  } else {
    words[0] = Math.floor(Math.random() * TWO_POW_32);
    words[1] = Math.floor(Math.random() * TWO_POW_32);
  }
  return (BigInt(words[1]) << 32n) | BigInt(words[0]);
}

/**
 * PyTorch's CPU generator (at::CPUGeneratorImpl): an mt19937 engine seeded like PyTorch's, plus the
 * cached second value of the Box-Muller pair that PyTorch's scalar normal sampler keeps.
 */
export class Generator {
  private readonly mt = new Uint32Array(N);
  private left = 1;
  private next = 0;
  private seed_ = 0n;
  /** The cached normal sample (double) of PyTorch's scalar normal path, or null. */
  nextDoubleNormalSample: number | null = null;
  /** The cached float normal sample (kept for state round trips; PyTorch's CPU kernels do not use it). */
  nextFloatNormalSample: number | null = null;

  /** A generator seeded with `seed` (PyTorch's default seed when omitted). */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Seeds the engine like `torch.Generator.manual_seed` (only the low 32 bits reach mt19937). */
  manualSeed(seed: number | bigint): this {
    const s = toUint64Seed(seed);
    this.nextDoubleNormalSample = null;
    this.nextFloatNormalSample = null;
    this.seed_ = s;
    const mt = this.mt;
    mt[0] = Number(s & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1];
      mt[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
    return this;
  }

  /** Reseeds from a non-deterministic source and returns the seed (`torch.Generator.seed`). */
  seed(): bigint {
    const s = nonDeterministicSeed();
    this.manualSeed(s);
    return s;
  }

  /** The seed the generator was last seeded with (`torch.Generator.initial_seed`). */
  initialSeed(): bigint {
    return this.seed_;
  }

  /** An independent generator in the same state. */
  clone(): Generator {
    const g = new Generator(0);
    g.setState(this.getState());
    return g;
  }

  private nextState(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (mt[kk + 1] & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M - N] ^ (y >>> 1) ^ (mt[kk + 1] & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (mt[0] & 1 ? MATRIX_A : 0);
    this.left = N;
    this.next = 0;
  }

  /** The next 32-bit output of the engine, as an unsigned number (`CPUGeneratorImpl::random`). */
  random(): number {
    if (--this.left === 0) this.nextState();
    let y = this.mt[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Two 32-bit outputs joined, first one high (`CPUGeneratorImpl::random64`). */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A double in [0, 1) from the low 53 bits of random64(), as PyTorch's uniform_real<double>. */
  nextDouble(): number {
    const hi = this.random() & 0x1fffff;
    const lo = this.random();
    return (hi * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /** A float32 value in [0, 1) from the low 24 bits of random(), as PyTorch's uniform_real<float>. */
  nextFloat(): number {
    return (this.random() & 0xffffff) * TWO_POW_M24;
  }

  /** The state in PyTorch's CPU byte layout (5056 bytes, like `torch.get_rng_state()`). */
  getState(): Uint8Array {
    const bytes = new Uint8Array(STATE_SIZE);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, this.seed_, true);
    v.setInt32(8, this.left, true);
    v.setInt32(12, 1, true); // seeded
    v.setBigUint64(16, BigInt(this.next), true);
    for (let i = 0; i < N; i++) v.setUint32(24 + 8 * i, this.mt[i], true); // uint64 slots
    // normal_x (5016) and normal_rho (5032) stay 0.
    if (this.nextDoubleNormalSample !== null) {
      v.setFloat64(5024, this.nextDoubleNormalSample, true);
      v.setInt32(5040, 1, true);
    }
    if (this.nextFloatNormalSample !== null) {
      v.setFloat32(5048, this.nextFloatNormalSample, true);
      bytes[5052] = 1;
    }
    return bytes;
  }

  /** Restores a state from `getState()` or PyTorch (`torch.set_rng_state`); accepts the legacy size. */
  setState(state: Uint8Array): this {
    if (!(state instanceof Uint8Array)) {
      throw new TypeError(`set_state(): expected the Uint8Array that getState() returns, but got ${state === null || state === undefined ? 'NoneType' : typeof state}`);
    }
    const size = state.length;
    if (size !== STATE_SIZE && size !== LEGACY_STATE_SIZE) {
      throw new Error(
        `Expected either a CPUGeneratorImplStateLegacy of size ${LEGACY_STATE_SIZE} or a CPUGeneratorImplState of size ${STATE_SIZE} but found the input RNG state size to be ${size}`,
      );
    }
    const v = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const seed = v.getBigUint64(0, true);
    const left = v.getInt32(8, true);
    const seeded = v.getInt32(12, true) !== 0;
    const next = Number(v.getBigUint64(16, true) & 0xffffffffn);
    let doubleNormal: number | null = null;
    let floatNormal: number | null = null;
    const normalValid = v.getInt32(5040, true) !== 0;
    if (size === LEGACY_STATE_SIZE) {
      if (normalValid) {
        const rho = v.getFloat64(5032, true);
        const theta = 2.0 * Math.PI * v.getFloat64(5016, true);
        doubleNormal = rho * glibcSin(theta);
      }
    } else {
      if (state[5052] !== 0) floatNormal = v.getFloat32(5048, true);
      if (normalValid) doubleNormal = v.getFloat64(5024, true);
    }
    if (!(seeded && left > 0 && left <= N && next <= N)) throw new Error('Invalid mt19937 state');
    for (let i = 0; i < N; i++) this.mt[i] = v.getUint32(24 + 8 * i, true);
    this.seed_ = seed;
    this.left = left;
    this.next = next;
    this.nextDoubleNormalSample = doubleNormal;
    this.nextFloatNormalSample = floatNormal;
    return this;
  }
}

/** The default generator, seeded like PyTorch's at startup (67280421310721). */
export const defaultGenerator = new Generator(DEFAULT_SEED);

/** Seeds the default generator (`torch.manual_seed`) and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** Seeds the default generator non-deterministically and returns the seed (`torch.seed`). */
export function seed(): bigint {
  return defaultGenerator.seed();
}

/** The default generator's initial seed (`torch.initial_seed`). */
export function initialSeed(): bigint {
  return defaultGenerator.initialSeed();
}

/** The default generator's state (`torch.get_rng_state`). */
export function getRngState(): Uint8Array {
  return defaultGenerator.getState();
}

/** Sets the default generator's state (`torch.set_rng_state`). */
export function setRngState(state: Uint8Array): void {
  defaultGenerator.setState(state);
}
