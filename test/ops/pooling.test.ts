// Pooling against PyTorch: every case of test/golden/pooling.json (tools/golden/gen_conv.py), replayed
// by the op harness (forward values and indices, grad_fn, gradients, second derivatives, error
// messages). Each key below does what the generator's call of the same key does in PyTorch.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

const F = torch.nn.functional;

interface Extra {
  /** A layout code for the input (see LAYOUT); the recorded tensor is contiguous. */
  layout?: number[];
  k: number | number[];
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  ceil?: boolean;
  cip?: boolean;
  div?: number;
  ri?: boolean;
  out: number | (number | null)[];
}

const LAYOUT: Record<number, (x: Tensor) => Tensor> = {
  0: (x) => x,
  1: (x) => x.transpose(-2, -1),
  2: (x) => x.slice(-1, 0, null, 2),
};

const laid = (x: Tensor, e: Extra): Tensor => LAYOUT[e.layout?.[0] ?? 0](x);

function maxOptions(e: Extra): torch.nn.functional.MaxPoolOptions {
  return { stride: e.stride, padding: e.padding, dilation: e.dilation, ceilMode: e.ceil, returnIndices: e.ri };
}

function avgOptions(e: Extra): torch.nn.functional.AvgPool2dOptions {
  return { stride: e.stride, padding: e.padding, ceilMode: e.ceil, countIncludePad: e.cip, divisorOverride: e.div };
}

type Call = (xs: Tensor[], e: Extra) => Tensor | Tensor[];

const CALLS: Record<string, Call> = {
  max_pool2d: ([x], e) => F.maxPool2d(laid(x, e), e.k, maxOptions(e)),
  max_pool1d: ([x], e) => F.maxPool1d(laid(x, e), e.k, maxOptions(e)),
  avg_pool2d: ([x], e) => F.avgPool2d(laid(x, e), e.k, avgOptions(e)),
  avg_pool1d: ([x], e) => F.avgPool1d(laid(x, e), e.k, avgOptions(e)),
  adaptive_avg_pool2d: ([x], e) => F.adaptiveAvgPool2d(laid(x, e), e.out),
  adaptive_max_pool2d: ([x], e) => F.adaptiveMaxPool2d(laid(x, e), e.out, { returnIndices: e.ri }),
};

runOpFixture('pooling', CALLS as unknown as Record<string, OpCall>);
