// Files tstorch writes load in PyTorch: tools/golden/gen_io.py ran test/io/scenarios.ts, checked every
// file with torch.load (weights_only=True where 1.13 can; .pt files it could compare are byte-identical
// to torch.save's, safetensors files to the reference serializer's) and recorded their sha256. tstorch
// must still write exactly those bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IO, sha256 } from './fixture.js';
import { writtenFiles } from './scenarios.js';

test('tstorch writes the bytes PyTorch verified', () => {
  const files = writtenFiles();
  assert.deepEqual([...files.keys()].sort(), Object.keys(IO.written).sort());
  for (const [name, bytes] of files) {
    const want = IO.written[name];
    assert.equal(bytes.length, want.size, `${name}: size`);
    assert.equal(sha256(bytes), want.sha256, `${name}: bytes (verified by ${want.verified_by})`);
  }
  const identical = Object.entries(IO.written).filter(([, w]) => w.identical_to_torch_save || w.identical_to_reference).map(([n]) => n);
  assert.ok(identical.length >= 7, `files identical to PyTorch's own: ${identical.join(', ')}`);
});
