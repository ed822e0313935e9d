// Layouts whose sizes, strides or storage offset are past 2**53 cannot be held exactly in JavaScript
// numbers: a checkpoint that claims one is rejected when it is loaded, with a clear error, even where
// the dim it belongs to has one element (so that no bounds check would see it) or none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { pickle, GlobalRef } from '../../src/io/pickle.js';
import { writeZip } from '../../src/io/zip.js';

const STORAGE = {};

/** A .pt archive holding one float tensor over a 4-element storage, with the layout given. */
function checkpoint(size: readonly (number | bigint)[], stride: readonly (number | bigint)[], offset: number | bigint): Uint8Array {
  const storageType = new GlobalRef('torch', 'FloatStorage');
  const marker = {};
  const data = pickle(marker, {
    persistentId: (v) => (v === STORAGE ? Object.freeze(['storage', storageType, '0', 'cpu', 4]) : undefined),
    reduce: (v) =>
      v === marker
        ? { func: new GlobalRef('torch._utils', '_rebuild_tensor_v2'), args: Object.freeze([STORAGE, offset, Object.freeze(size), Object.freeze(stride), false, new Map()]) }
        : undefined,
  });
  return writeZip([
    { name: 'archive/data.pkl', data },
    { name: 'archive/data/0', data: new Uint8Array(16) },
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}

function loadError(bytes: Uint8Array): string {
  try {
    torch.io.loadPt(bytes);
  } catch (e) {
    assert.ok(e instanceof Error);
    return e.message;
  }
  return '(loaded)';
}

test('a checkpoint layout with a stride, size or offset past 2**53 is rejected at load', () => {
  const huge = 2n ** 60n;
  assert.match(loadError(checkpoint([1], [huge], 0)), /stride 1152921504606846976 is past 2\*\*53, the largest tstorch can address exactly$/);
  assert.match(loadError(checkpoint([0, 2], [huge, 1], 0)), /stride 1152921504606846976 is past 2\*\*53, the largest tstorch can address exactly$/);
  assert.match(loadError(checkpoint([huge], [1], 0)), /size 1152921504606846976 is past 2\*\*53/);
  assert.match(loadError(checkpoint([0], [1], huge)), /storage offset 1152921504606846976 is past 2\*\*53/);
  // The largest exact stride loads when the dim has one element, as in PyTorch.
  assert.deepEqual(torch.io.loadPt(checkpoint([1], [2 ** 53 - 1], 0)) instanceof torch.Tensor, true);
});

test('asStrided rejects sizes, strides and offsets past 2**53, also where no element is read', () => {
  const past = (x: number): string => `as_strided: ${x} is past 2**53, the largest tstorch can address exactly`;
  assert.throws(() => torch.asStrided(torch.zeros(4), [1], [2 ** 53 + 2]), { message: past(2 ** 53 + 2) });
  assert.throws(() => torch.asStrided(torch.zeros(4), [0, 2], [2 ** 60, 2 ** 60]), { message: past(2 ** 60) });
  assert.throws(() => torch.zeros(0).asStrided([0], [1], 2 ** 60), { message: past(2 ** 60) });
  assert.throws(() => torch.asStrided(torch.zeros(4), [2 ** 54, 0], [1, 1]), { message: past(2 ** 54) });
  assert.deepEqual(torch.asStrided(torch.arange(4), [2], [2], 1).tolist(), [1, 3]);
});
