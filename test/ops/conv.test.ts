// Convolutions against PyTorch: every case of test/golden/conv.json (tools/golden/gen_conv.py),
// replayed by the op harness (forward values, dtype and shape, grad_fn, gradients, second derivatives,
// error messages). Each key below does what the generator's call of the same key does in PyTorch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';
import { loadFixture } from '../helpers.js';

const F = torch.nn.functional;

interface Extra {
  /** A layout code per input (see LAYOUT); the recorded tensors are contiguous. */
  layout?: number[];
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
  output_padding?: number | number[];
  same?: boolean;
  valid?: boolean;
}

const LAYOUT: Record<number, (x: Tensor) => Tensor> = {
  0: (x) => x,
  1: (x) => x.transpose(-2, -1),
  2: (x) => x.slice(-1, 0, null, 2),
};

function laid(xs: Tensor[], e: Extra): Tensor[] {
  return xs.map((x, i) => LAYOUT[e.layout?.[i] ?? 0](x));
}

function convOptions(e: Extra): torch.nn.functional.ConvOptions {
  const padding = e.same ? 'same' : e.valid ? 'valid' : e.padding;
  return { stride: e.stride, padding, dilation: e.dilation, groups: e.groups };
}

function transposeOptions(e: Extra): torch.nn.functional.ConvTransposeOptions {
  return { stride: e.stride, padding: e.padding, outputPadding: e.output_padding, dilation: e.dilation, groups: e.groups };
}

type Call = (xs: Tensor[], e: Extra) => Tensor;

const CALLS: Record<string, Call> = {
  conv1d: (xs, e) => {
    const [x, w, b] = laid(xs, e);
    return F.conv1d(x, w, b ?? null, convOptions(e));
  },
  conv2d: (xs, e) => {
    const [x, w, b] = laid(xs, e);
    return F.conv2d(x, w, b ?? null, convOptions(e));
  },
  conv_transpose1d: (xs, e) => {
    const [x, w, b] = laid(xs, e);
    return F.convTranspose1d(x, w, b ?? null, transposeOptions(e));
  },
  conv_transpose2d: (xs, e) => {
    const [x, w, b] = laid(xs, e);
    return F.convTranspose2d(x, w, b ?? null, transposeOptions(e));
  },
};

runOpFixture('conv', CALLS as unknown as Record<string, OpCall>);

interface ModulesFixture {
  same_padding_warning: string[];
}

test("padding='same' with an even kernel warns as PyTorch", () => {
  const { same_padding_warning: expected } = loadFixture<never>('conv_modules') as unknown as ModulesFixture;
  const seen: string[] = [];
  const restore = torch.catchWarnings((_category, message) => seen.push(message));
  try {
    F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), null, { padding: 'same' });
  } finally {
    restore();
  }
  assert.equal(expected.length, 1);
  assert.deepEqual(seen, expected);
});
