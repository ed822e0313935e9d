// datasets.FashionMNIST and the IDX reader on the committed slice (test/data/fashion-mnist: the first
// 64 images of each split), against the values tools/golden/gen_data.py read with Python.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as torch from 'tstorch';
import { parseIdx } from '../../src/io/idx.js';
import { assertTensorClose, loadFixture, type EncodedTensor } from '../helpers.js';

const { FashionMNIST } = torch.utils.data.datasets;
const ROOT = fileURLToPath(new URL('../../../test/data/fashion-mnist', import.meta.url));

interface Split {
  count: number;
  shape: number[];
  labels: number[];
  first: EncodedTensor;
  pixelSums: number[];
  lastAsFloat: EncodedTensor;
}

const expected = (loadFixture<unknown>('data') as unknown as { cases: { fashionMnist: Record<'train' | 't10k', Split> } }).cases.fashionMnist;

for (const [split, train] of [['train', true], ['t10k', false]] as const) {
  test(`FashionMNIST ${split}: images, labels and the default transform equal Python's reading`, async () => {
    const want = expected[split];
    const ds = await FashionMNIST.load({ root: ROOT, train });
    assert.equal(ds.length, 64);
    assert.deepEqual(ds.data.shape, [64, ...want.shape]);
    assert.equal(ds.data.dtype, torch.uint8);
    assert.equal(ds.targets.dtype, torch.int64);
    assert.deepEqual(ds.targets.tolist(), want.labels);
    assertTensorClose(ds.data.select(0, 0), want.first, { message: 'image 0' });
    assert.deepEqual(ds.data.to(torch.int64).reshape(64, -1).sum(1).tolist(), want.pixelSums);
    const [image, label] = ds.getItem(63);
    assertTensorClose(image, want.lastAsFloat, { message: 'toTensor(image 63)' });
    assert.equal(label, want.labels[63]);
    const [raw] = new FashionMNIST(ds.data, ds.targets, { transform: null }).getItem(-64);
    assertTensorClose(raw, want.first, { message: 'raw image 0 by negative index' });
  });
}

test('FashionMNIST reads uncompressed files in torchvision\'s layout too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
  try {
    const raw = join(dir, 'FashionMNIST', 'raw');
    mkdirSync(raw, { recursive: true });
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      writeFileSync(join(raw, name), gunzipSync(readFileSync(join(ROOT, `${name}.gz`))));
    }
    const ds = await FashionMNIST.load({ root: dir, train: false, targetTransform: (t) => t * 10 });
    assert.deepEqual(ds.targets.tolist(), expected.t10k.labels);
    assert.equal(ds.getItem(5)[1], expected.t10k.labels[5] * 10);
    await assert.rejects(FashionMNIST.load({ root: dir, train: true }), /^Error: Dataset not found: no train-images-idx3-ubyte\(\.gz\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a DataLoader over FashionMNIST gives [B, 1, 28, 28] float batches and int64 labels', async () => {
  const ds = await FashionMNIST.load({ root: ROOT });
  const loader = new torch.utils.data.DataLoader(ds, { batchSize: 10 });
  const batches = [...loader];
  assert.equal(batches.length, 7);
  const [x, y] = batches[0];
  assert.deepEqual([x.shape, x.dtype, y.shape, y.dtype], [[10, 1, 28, 28], torch.float32, [10], torch.int64]);
  assert.deepEqual(y.tolist(), expected.train.labels.slice(0, 10));
  assert.deepEqual(batches[6][1].tolist(), expected.train.labels.slice(60));
});

test('parseIdx: big-endian element types, and what is not IDX', () => {
  // int16 [2, 2] and float64 [1]: type byte, ndim, sizes, big-endian elements.
  const int16 = parseIdx(new Uint8Array([0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0xff, 0xfe, 0, 1, 1, 0, 0x80, 0]));
  assert.deepEqual([int16.dtype, int16.tolist()], [torch.int16, [[-2, 1], [256, -32768]]]);
  const f64 = parseIdx(new Uint8Array([0, 0, 0x0e, 1, 0, 0, 0, 1, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual([f64.dtype, f64.tolist()], [torch.float64, [1.5]]);
  assert.throws(() => parseIdx(new Uint8Array([1, 2, 3, 4])), /^Error: parseIdx: not an IDX file \(bad magic number\)$/);
  assert.throws(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1])), /^Error: parseIdx: expected 11 bytes for shape \[3\], got 9$/);
});
