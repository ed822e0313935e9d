// Shared test helpers: reading fixtures written by tools/golden and comparing against them.
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor, DType } from 'tstorch';

/** A tensor as tools/golden/common.py encodes it. */
export interface EncodedTensor {
  dtype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

export interface Fixture<C> {
  generator: string;
  torch: string;
  cases: C[];
}

/** Reads test/golden/<name>.json (tests run from dist/test/..., fixtures stay in the source tree). */
export function loadFixture<C>(name: string): Fixture<C> {
  const url = new URL(`../../test/golden/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Fixture<C>;
}

export const DTYPES: Record<string, DType> = {
  bool: torch.bool, uint8: torch.uint8, int8: torch.int8, int16: torch.int16, int32: torch.int32,
  int64: torch.int64, float32: torch.float32, float64: torch.float64,
};

export function decodeNumber(v: number | string | boolean): number | boolean | bigint {
  if (typeof v !== 'string') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return BigInt(v);
}

export function decodeTensor(enc: EncodedTensor, options: { requiresGrad?: boolean } = {}): Tensor {
  const dtype = DTYPES[enc.dtype];
  const values = enc.data.map(decodeNumber).map((v) => (dtype === torch.int64 && typeof v === 'number' ? BigInt(v) : v));
  const flat = torch.tensor(values as (number | boolean | bigint)[], { dtype });
  const t = flat.reshape(enc.shape).contiguous().detach();
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Decodes {tensor: ...} and {dtype: ...} wrappers recursively. */
export function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('tensor' in o) return decodeTensor(o.tensor as EncodedTensor);
    if (typeof o.dtype === 'string' && Object.keys(o).length === 1) return DTYPES[o.dtype];
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeValue(x)]));
  }
  // Strings are numbers only in the encodings of tools/golden/common.py (nan, inf, big integers).
  if (typeof v === 'string' && /^(nan|-?inf|-?\d+)$/.test(v)) return decodeNumber(v);
  return v;
}

/** torch.testing.assert_close's default tolerances by dtype. */
export function defaultTolerance(dtype: DType): { rtol: number; atol: number } {
  if (dtype === torch.float32) return { rtol: 1.3e-6, atol: 1e-5 };
  if (dtype === torch.float64) return { rtol: 1e-7, atol: 1e-7 };
  return { rtol: 0, atol: 0 };
}

/** Asserts dtype, shape and values (nan equals nan; integers exactly; floats within tolerance). */
export function assertTensorClose(
  actual: Tensor,
  expected: EncodedTensor,
  options: { rtol?: number; atol?: number; message?: string } = {},
): void {
  const msg = options.message ?? '';
  assert.equal(actual.dtype.name, expected.dtype, `${msg}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${msg}: shape`);
  const tol = defaultTolerance(actual.dtype);
  const rtol = options.rtol ?? tol.rtol;
  const atol = options.atol ?? tol.atol;
  // int64 is read as bigints so that values beyond 2**53 compare exactly.
  const flat = actual.detach().contiguous().reshape(-1);
  const got: (number | boolean | bigint)[] = actual.dtype === torch.int64 ? [...(flat.contiguousData() as BigInt64Array)] : (flat.tolist() as (number | boolean)[]);
  const want = expected.data.map(decodeNumber);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (typeof w === 'bigint' || typeof g === 'bigint') {
      assert.equal(BigInt(g as number), BigInt(w as number), `${msg}: element ${i}`);
      continue;
    }
    if (typeof w === 'boolean') {
      assert.equal(g, w, `${msg}: element ${i}`);
      continue;
    }
    const gn = Number(g);
    if (Number.isNaN(w)) {
      assert.ok(Number.isNaN(gn), `${msg}: element ${i}: expected nan, got ${gn}`);
    } else if (!Number.isFinite(w)) {
      assert.equal(gn, w, `${msg}: element ${i}`);
    } else {
      assert.ok(Math.abs(gn - w) <= atol + rtol * Math.abs(w), `${msg}: element ${i}: got ${gn}, expected ${w}`);
    }
  }
}

/** Asserts that fn throws an Error whose message is exactly (or starts with, for prefix) `message`. */
export function assertThrowsMessage(fn: () => unknown, message: string, options: { prefix?: boolean } = {}): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    if (options.prefix) assert.ok(e.message.startsWith(message), `message ${JSON.stringify(e.message)} does not start with ${JSON.stringify(message)}`);
    else assert.equal(e.message, message);
    return true;
  });
}
