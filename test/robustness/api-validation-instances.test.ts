// The methods of nn modules, optimizers, learning-rate schedulers and datasets, each called on a fresh
// instance with the walk's bad arguments: forward through `call`, `to`, `train`, `loadStateDict`,
// `registerBuffer`/`registerParameter`, `apply`, `zeroGrad`, `parameters` and its kin, `step`,
// `addParamGroup`, `getLastLr`, `getItem`... Module's own methods are walked on a few modules (Linear,
// Conv2d, BatchNorm2d, Sequential, ModuleDict); the other layers (losses, recurrent layers and cells,
// attention, embedding, dropout, norms, pools, flatten, lists and dicts) by the methods they define and
// `call`. The checks are api-validation.test.ts's; what the messages say is pinned in
// nn-optim-method-arguments.test.ts.
import { test } from 'node:test';
import { checkGroup } from './api-walk-worker.js';

test('bad arguments: nn module methods', () => checkGroup('modules'));
test('bad arguments: the methods of the other nn layers', () => checkGroup('layers'));
test('bad arguments: optimizer methods', () => checkGroup('optimizers'));
test('bad arguments: learning-rate scheduler methods', () => checkGroup('schedulers'));
test('bad arguments: dataset methods', () => checkGroup('dataObjects'));
