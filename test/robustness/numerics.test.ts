// Numerics at the edges, against PyTorch's recorded values (tools/golden/gen_robustness.py): large
// logits through softmax, logSoftmax, logsumexp and crossEntropy (values and gradients); nan and inf
// through pointwise ops, comparisons and reductions; integer division by zero; integer overflow and
// out-of-range casts. One difference is known and documented in docs/robustness.md: a float32 sum whose
// partial sums overflow float32 gives inf in PyTorch (it accumulates in float32) and the finite total
// in tstorch (it accumulates in doubles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { runOpFixture } from '../ops/harness.js';
import { recordedCalls } from './recorded-calls.js';

runOpFixture('numerics', recordedCalls);

// INT_MIN / -1 overflows: PyTorch 1.13's CPU kernels trap there (the process dies with SIGFPE), so
// nothing can be recorded. tstorch gives the two's-complement results: the quotient wraps to INT_MIN,
// the remainder is 0.
test('integer INT_MIN / -1 wraps instead of trapping', () => {
  const i32min = torch.tensor([-(2 ** 31)], { dtype: torch.int32 });
  const i64min = torch.tensor([-(2n ** 63n)]);
  assert.deepEqual(i32min.floorDivide(-1).tolist(), [-(2 ** 31)]);
  assert.deepEqual(i32min.div(-1, { roundingMode: 'trunc' }).tolist(), [-(2 ** 31)]);
  assert.deepEqual(i32min.remainder(-1).tolist(), [0]);
  assert.deepEqual(i32min.fmod(-1).tolist(), [0]);
  assert.deepEqual([...(i64min.floorDivide(-1).contiguousData() as BigInt64Array)], [-(2n ** 63n)]);
  assert.deepEqual([...(i64min.remainder(-1).contiguousData() as BigInt64Array)], [0n]);
});
