// The methods of nn modules (Linear, Conv2d, BatchNorm2d, Sequential, ModuleDict) and of every optimizer,
// each called on a fresh instance with the walk's bad arguments: forward through `call`, `to`, `train`,
// `loadStateDict`, `registerBuffer`/`registerParameter`, `apply`, `zeroGrad`, `parameters` and its kin,
// `step`, `addParamGroup`... The checks are api-validation.test.ts's; what the messages say is pinned
// in nn-optim-method-arguments.test.ts.
import { test } from 'node:test';
import { checkGroup } from './api-walk-worker.js';

test('bad arguments: nn module methods', () => checkGroup('modules'));
test('bad arguments: optimizer methods', () => checkGroup('optimizers'));
