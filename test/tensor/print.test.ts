// Tensor printing against PyTorch: every repr in test/golden/print.json (tools/golden/gen_print.py),
// Python's float formatting, and the print-option API.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { ALL_DTYPES, getDefaultDtype, setDefaultDtype, type DType } from '../../src/tensor/dtype.js';
import {
  formatFloatExp,
  formatFloatFixed,
  formatTensor,
  getPrintoptions,
  setPrintoptions,
  type PrintSource,
  type SetPrintOptions,
} from '../../src/tensor/print.js';

type JsonNumber = number | string; // "nan", "inf", "-inf", or an integer beyond 2^53 as a decimal string

interface EncodedTensor {
  dtype: string;
  shape: number[];
  data: (JsonNumber | boolean)[];
}

interface ReprCase {
  kind: 'repr';
  name: string;
  tensor: EncodedTensor;
  options: Record<string, JsonNumber | boolean | null> | null;
  defaultDtype: string;
  gradFn: string | null;
  requiresGrad: boolean;
  repr: string;
  repr113?: string;
  note?: string;
}

interface FormatCase {
  kind: 'format';
  x: JsonNumber;
  precision: number;
  fixed: string;
  exp: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../test/golden/print.json', import.meta.url), 'utf8'),
) as { cases: (ReprCase | FormatCase)[] };

const reprCases = fixture.cases.filter((c): c is ReprCase => c.kind === 'repr');
const formatCases = fixture.cases.filter((c): c is FormatCase => c.kind === 'format');

function dtypeNamed(name: string): DType {
  const dtype = ALL_DTYPES.find((d) => d.name === name);
  if (dtype === undefined) throw new Error(`unknown dtype ${name}`);
  return dtype;
}

function decodeNumber(v: JsonNumber | boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

function decodeTensor(enc: EncodedTensor): PrintSource {
  const dtype = dtypeNamed(enc.dtype);
  let values: PrintSource['values'];
  if (dtype.name === 'int64') {
    values = BigInt64Array.from(enc.data, (v) => BigInt(v as number | string));
  } else {
    const ArrayType = dtype.arrayType as unknown as { from(data: number[]): ArrayLike<number> };
    values = ArrayType.from(enc.data.map(decodeNumber));
  }
  return { shape: enc.shape, dtype, values };
}

function decodeOptions(options: ReprCase['options']): SetPrintOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    out[key] = key === 'threshold' ? decodeNumber(value as JsonNumber) : value;
  }
  return out as SetPrintOptions;
}

function resetPrinting(): void {
  setPrintoptions({ profile: 'default' });
  setDefaultDtype(dtypeNamed('float32'));
}

describe('formatTensor matches PyTorch repr', () => {
  afterEach(resetPrinting);
  it('has the fixture', () => assert.ok(reprCases.length >= 400, `${reprCases.length} repr cases`));
  for (const c of reprCases) {
    it(c.name, () => {
      setDefaultDtype(dtypeNamed(c.defaultDtype));
      setPrintoptions({ profile: 'default', ...decodeOptions(c.options) });
      const suffixes = { requiresGrad: c.requiresGrad, ...(c.gradFn === null ? {} : { gradFn: c.gradFn }) };
      assert.equal(formatTensor(decodeTensor(c.tensor), suffixes), c.repr);
    });
  }
});

describe('Python float formatting', () => {
  for (const c of formatCases) {
    const x = decodeNumber(c.x);
    it(`${String(c.x)} at precision ${c.precision}`, () => {
      assert.equal(formatFloatFixed(x, c.precision), c.fixed, 'fixed');
      assert.equal(formatFloatExp(x, c.precision), c.exp, 'exp');
    });
  }
  it('rounds exact ties to even, unlike toFixed', () => {
    assert.equal(formatFloatFixed(0.125, 2), '0.12');
    assert.equal(formatFloatFixed(0.375, 2), '0.38');
    assert.equal(formatFloatFixed(2.5, 0), '2');
    assert.equal(formatFloatFixed(0.03125, 4), '0.0312');
    assert.equal(formatFloatExp(25, 0), '2e+01');
  });
  it('keeps the sign of zero and pads exponents', () => {
    assert.equal(formatFloatFixed(-0, 4), '-0.0000');
    assert.equal(formatFloatFixed(-0, 0), '-0');
    assert.equal(formatFloatExp(-0, 4), '-0.0000e+00');
    assert.equal(formatFloatExp(1e-5, 4), '1.0000e-05');
    assert.equal(formatFloatExp(1e-100, 4), '1.0000e-100');
  });
  it('spells non-finite values like Python', () => {
    assert.equal(formatFloatFixed(NaN, 4), 'nan');
    assert.equal(formatFloatExp(Infinity, 4), 'inf');
    assert.equal(formatFloatFixed(-Infinity, 0), '-inf');
  });
});

describe('print options', () => {
  afterEach(resetPrinting);
  const arange = (n: number): PrintSource => ({
    shape: [n],
    dtype: dtypeNamed('float32'),
    values: Float32Array.from({ length: n }, (_, i) => i),
  });

  it('has PyTorch defaults', () => {
    assert.deepEqual(getPrintoptions(), { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
  });

  it('applies the profile first, then explicit options', () => {
    setPrintoptions({ profile: 'short', precision: 6 });
    assert.deepEqual(getPrintoptions(), { precision: 6, threshold: 1000, edgeitems: 2, linewidth: 80, sciMode: null });
    setPrintoptions({ profile: 'full' });
    assert.deepEqual(getPrintoptions(), { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80, sciMode: null });
  });

  it('resets sciMode whenever it is omitted', () => {
    setPrintoptions({ sciMode: true });
    assert.equal(getPrintoptions().sciMode, true);
    setPrintoptions({ precision: 6 });
    assert.equal(getPrintoptions().sciMode, null);
  });

  it('round-trips through getPrintoptions', () => {
    setPrintoptions({ profile: 'full', linewidth: 120, sciMode: false });
    const saved = getPrintoptions();
    resetPrinting();
    setPrintoptions(saved);
    assert.deepEqual(getPrintoptions(), saved);
  });

  it('returns a copy', () => {
    const opts = getPrintoptions();
    opts.precision = 9;
    assert.equal(getPrintoptions().precision, 4);
  });

  it('affects formatTensor and is restored', () => {
    setPrintoptions({ threshold: 5 });
    assert.equal(formatTensor(arange(10)), 'tensor([0., 1., 2.,  ..., 7., 8., 9.])');
    resetPrinting();
    assert.equal(formatTensor(arange(10)), 'tensor([0., 1., 2., 3., 4., 5., 6., 7., 8., 9.])');
  });

  it('rejects bad options, naming the argument, and changes nothing', () => {
    const bad: [unknown, RegExp, ErrorConstructor][] = [
      [{ precision: -1 }, /'precision' must be a non-negative integer/, RangeError],
      [{ precision: 2.5 }, /'precision' must be a non-negative integer/, RangeError],
      [{ precision: '4' }, /'precision' must be a number/, TypeError],
      [{ edgeitems: -3 }, /'edgeitems' must be a non-negative integer/, RangeError],
      [{ linewidth: NaN }, /'linewidth' must be a non-negative integer/, RangeError],
      [{ threshold: -1 }, /'threshold' must be a non-negative number/, RangeError],
      [{ threshold: NaN }, /'threshold' must be a non-negative number/, RangeError],
      [{ threshold: true }, /'threshold' must be a number/, TypeError],
      [{ profile: 'long' }, /'profile' must be 'default', 'short' or 'full'/, TypeError],
      [{ sciMode: 1 }, /'sciMode' must be a boolean or null/, TypeError],
      [{ sci_mode: true }, /unexpected keyword argument 'sci_mode'/, TypeError],
      [null, /expected an options object/, TypeError],
    ];
    setPrintoptions({ precision: 7, sciMode: true });
    const before = getPrintoptions();
    for (const [opts, message, type] of bad) {
      assert.throws(() => setPrintoptions(opts as SetPrintOptions), (err: unknown) => {
        assert.ok(err instanceof type, `${String(err)} should be a ${type.name}`);
        assert.match((err as Error).message, message);
        return true;
      });
      assert.deepEqual(getPrintoptions(), before);
    }
  });
});

describe('formatTensor arguments', () => {
  afterEach(resetPrinting);
  it('uses the prefix length as indent', () => {
    const src: PrintSource = { shape: [2, 2], dtype: dtypeNamed('int64'), values: BigInt64Array.from([1n, 2n, 3n, 4n]) };
    assert.equal(formatTensor(src, {}, 'Foo('), 'Foo([[1, 2],\n     [3, 4]])');
  });
  it('prefers grad_fn over requires_grad', () => {
    const src: PrintSource = { shape: [], dtype: dtypeNamed('float32'), values: Float32Array.of(2) };
    assert.equal(formatTensor(src, { gradFn: 'AddBackward0', requiresGrad: true }), 'tensor(2., grad_fn=<AddBackward0>)');
    assert.equal(formatTensor(src, { requiresGrad: true }), 'tensor(2., requires_grad=True)');
  });
  it('follows the default dtype', () => {
    const src: PrintSource = { shape: [1], dtype: dtypeNamed('float64'), values: Float64Array.of(1.5) };
    assert.equal(formatTensor(src), 'tensor([1.5000], dtype=torch.float64)');
    setDefaultDtype(dtypeNamed('float64'));
    assert.equal(getDefaultDtype().name, 'float64');
    assert.equal(formatTensor(src), 'tensor([1.5000])');
  });
  it('rejects values that do not fit the shape', () => {
    const src: PrintSource = { shape: [2, 2], dtype: dtypeNamed('float32'), values: Float32Array.of(1, 2, 3) };
    assert.throws(() => formatTensor(src), /needs 4 values, got 3/);
  });
});
