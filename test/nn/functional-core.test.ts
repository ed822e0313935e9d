// F.linear, F.bilinear, F.embedding and the dropouts against PyTorch: every case of
// test/golden/nn_core_ops.json (tools/golden/gen_nn_core.py), replayed by the op harness (values,
// grad_fn, gradients, second derivatives, errors; gradcheck of the float64 cases).
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from '../ops/harness.js';

const F = torch.nn.functional;

interface EmbeddingExtra {
  padding_idx?: number;
  scale_grad_by_freq?: boolean;
  max_norm?: number;
  norm_type?: number;
}

interface DropoutExtra {
  p: number;
  training: boolean;
  seed: number;
}

function dropoutCall(fn: (x: Tensor, p: number, o: { training: boolean }) => Tensor): OpCall {
  return ([x], e: DropoutExtra) => {
    torch.manualSeed(e.seed);
    return fn(x, e.p, { training: e.training });
  };
}

const calls: Record<string, OpCall> = {
  linear: ([x, w, b]) => F.linear(x, w, b),
  linear_nobias: ([x, w]) => F.linear(x, w),
  linear_t01: ([x, w, b]) => F.linear(x.transpose(0, 1), w, b),
  bilinear: ([x1, x2, w, b]) => F.bilinear(x1, x2, w, b),
  bilinear_nobias: ([x1, x2, w]) => F.bilinear(x1, x2, w),
  embedding: ([i, w], e: EmbeddingExtra) =>
    F.embedding(i, w, { paddingIdx: e.padding_idx, scaleGradByFreq: e.scale_grad_by_freq, maxNorm: e.max_norm, normType: e.norm_type }),
  dropout: dropoutCall(F.dropout),
  dropout1d: dropoutCall(F.dropout1d),
  dropout2d: dropoutCall(F.dropout2d),
  dropout3d: dropoutCall(F.dropout3d),
};

runOpFixture('nn_core_ops', calls, {
  skipGradcheck: {
    // max_norm rescales the weight in place before the lookup: central differences see the rescaling,
    // which PyTorch (and tstorch) deliberately leave out of the gradient.
    embedding: 'max_norm cases renormalise the input in place; the others are linear in the weight and covered by the recorded gradients',
  },
});
