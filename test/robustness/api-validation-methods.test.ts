// Every Tensor method with bad arguments: the full argument table on a float32 matrix, and a short one
// on every other kind of sample tensor (float64, int64, uint8, bool, 0-dim, empty, vector, requiring
// grad, non-broadcastable, transposed, offset view). The checks are api-validation.test.ts's.
import { test } from 'node:test';
import { checkGroup } from './api-walk-worker.js';

test('bad arguments: Tensor methods on a float32 matrix', () => checkGroup('tensorFull'));
test('bad arguments: Tensor methods on every kind of tensor', () => checkGroup('tensorReceivers'));
