// dtypes and type promotion against PyTorch (test/golden/promotion.json, tools/golden/gen_pointwise.py):
// dtype properties, promote_types for every pair, and result_type's priority rules (dimensioned
// tensors over zero-dim tensors over scalars, unless the lower one is of a higher kind).
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Scalar, Tensor } from 'tstorch';
import { DTYPES, decodeNumber, loadFixture } from '../helpers.js';

type Operand = { dtype: string; dim: number } | number | boolean | string;

interface ResultTypeCase {
  operands: Operand[];
  result: string;
}

interface PromotionFixture {
  dtypes: { name: string; str: string; is_floating_point: boolean; is_signed: boolean; itemsize: number; type: string }[];
  promote_types: string[][];
  result_type: ResultTypeCase[];
  result_type_default_float64: ResultTypeCase[];
  set_default_dtype_int64: string;
}

const fixture = loadFixture<PromotionFixture>('promotion').cases[0];

/** A tensor of `dim` dims (each of size 1), or the scalar (a decimal string is a bigint, a Python int). */
function operand(o: Operand): Tensor | Scalar {
  if (typeof o === 'object') return torch.zeros(new Array<number>(o.dim).fill(1), { dtype: DTYPES[o.dtype] });
  return decodeNumber(o);
}

function describeOperand(o: Operand): string {
  return typeof o === 'object' ? `${o.dtype}${o.dim === 0 ? ' 0-dim' : `[${o.dim}d]`}` : `${typeof o === 'string' ? `${o}n` : o}`;
}

function checkResultTypes(cases: ResultTypeCase[]): void {
  for (const c of cases) {
    const got = torch.resultType(...c.operands.map(operand));
    assert.equal(got.name, c.result, `result_type(${c.operands.map(describeOperand).join(', ')})`);
  }
}

describe('dtypes', () => {
  it('have PyTorch names, kinds, sizes and legacy type names', () => {
    for (const d of fixture.dtypes) {
      const dtype = DTYPES[d.name];
      assert.equal(String(dtype), d.str);
      assert.equal(dtype.isFloatingPoint, d.is_floating_point, `${d.name}.is_floating_point`);
      assert.equal(dtype.isSigned, d.is_signed, `${d.name}.is_signed`);
      assert.equal(dtype.itemSize, d.itemsize, `${d.name} element size`);
      assert.equal(dtype.legacyName, d.type, `${d.name} type()`);
      assert.equal(torch.zeros(1, { dtype }).elementSize(), d.itemsize);
    }
  });
});

describe('promoteTypes', () => {
  it('matches torch.promote_types for every pair of dtypes', () => {
    const names = fixture.dtypes.map((d) => d.name);
    names.forEach((a, i) =>
      names.forEach((b, j) => {
        assert.equal(torch.promoteTypes(DTYPES[a], DTYPES[b]).name, fixture.promote_types[i][j], `promote_types(${a}, ${b})`);
      }),
    );
  });
});

describe('resultType', () => {
  afterEach(() => torch.setDefaultDtype(torch.float32));

  it('matches torch.result_type over tensors, zero-dim tensors and scalars', () => {
    checkResultTypes(fixture.result_type);
  });

  it('gives Python floats the default dtype', () => {
    torch.setDefaultDtype(torch.float64);
    checkResultTypes(fixture.result_type_default_float64);
  });
});

describe('setDefaultDtype', () => {
  afterEach(() => torch.setDefaultDtype(torch.float32));

  it('accepts only floating dtypes, with PyTorch message', () => {
    assert.throws(() => torch.setDefaultDtype(torch.int64), (e: unknown) => e instanceof TypeError && e.message === fixture.set_default_dtype_int64);
    torch.setDefaultDtype(torch.float64);
    assert.equal(torch.getDefaultDtype(), torch.float64);
  });
});
