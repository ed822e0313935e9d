// PyTorch's answers to bad arguments, recorded by tools/golden/gen_robustness.py: wrong types, dims
// and indices out of range, negative and huge sizes, shapes that do not broadcast or multiply, dtypes
// an op does not take. Each call raises PyTorch's message (first line) or returns PyTorch's result.
import { runOpFixture } from '../ops/harness.js';
import { recordedCalls } from './recorded-calls.js';

runOpFixture('bad_arguments', recordedCalls);
