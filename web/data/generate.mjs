// Writes the Fashion-MNIST slice the page ships: the first 6,000 training and the first 1,000 test
// images with their labels, as gzipped IDX files named as the full set's, so the page reads them with
// the library's own FashionMNIST.load. Run: node web/data/generate.mjs [source folder]
// (default /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist). The gzip level and the
// zeroed header time make the output byte-identical on every run.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const target = dirname(fileURLToPath(import.meta.url));
const SPLITS = [['train', 6000], ['t10k', 1000]];

/** The first `count` items of an IDX file: the header with its first size rewritten, then the items. */
function sliceIdx(bytes, count) {
  const ndim = bytes[3];
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * ndim));
  const itemSize = Array.from({ length: ndim - 1 }, (_, i) => header.readUInt32BE(8 + 4 * i)).reduce((a, b) => a * b, 1);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, bytes.subarray(header.length, header.length + count * itemSize)]);
}

for (const [prefix, count] of SPLITS) {
  for (const kind of ['images-idx3-ubyte', 'labels-idx1-ubyte']) {
    const name = `${prefix}-${kind}.gz`;
    const sliced = sliceIdx(gunzipSync(readFileSync(join(source, name))), count);
    writeFileSync(join(target, name), gzipSync(sliced, { level: 9 }));
    console.log(`${join(target, name)}: ${count} items`);
  }
}
