// Results must not depend on the memory layout: every function and Tensor method, given a tensor T as
// receiver or argument, gives the same result (or the same error) and leaves T with the same values
// whether T is a strided view or a contiguous copy of it. Exceptions (what reports the layout, views
// that only some layouts allow, samplers that fill in memory order) are listed in api-walk-worker.ts.
import { test } from 'node:test';
import { checkGroup } from './api-walk-worker.js';

test('same results on a transposed view and on its contiguous copy', () => checkGroup('layoutsT'));
test('same results on a view with an offset and steps and on its contiguous copy', () => checkGroup('layoutsO'));
