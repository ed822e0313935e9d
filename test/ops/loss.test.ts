// Losses of torch.nn.functional against PyTorch: every case of test/golden/loss.json
// (tools/golden/gen_nn_functional.py), replayed by the op harness (values, dtype, grad_fn, gradients,
// second derivatives, errors). Each key does what the generator's call of the same key does in PyTorch.
// The tests after the fixture cover what a fixture cannot express (warnings).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

const F = torch.nn.functional;

/** Codes of the generator's REDUCTIONS ('elementwise' is invalid). */
const REDUCTIONS = ['none', 'mean', 'sum', 'batchmean', 'elementwise'] as const;

/** The generator's `extra`: `r` indexes REDUCTIONS; optional tensors follow in OPTIONAL order when flagged. */
interface Extra {
  r?: number;
  beta?: number;
  delta?: number;
  w?: number;
  pw?: number;
  ignore?: number;
  smoothing?: number;
  log?: boolean;
  margin?: number;
}

function reduction(e: Extra): torch.nn.functional.Reduction {
  return REDUCTIONS[e.r ?? 1] as torch.nn.functional.Reduction;
}

/** The optional tensors after xs[first], in the generator's OPTIONAL order (weight, then pos_weight). */
function optional(xs: Tensor[], e: Extra, first: number): { w: Tensor | null; pw: Tensor | null } {
  let i = first;
  const w = e.w ? xs[i++] : null;
  const pw = e.pw ? xs[i++] : null;
  return { w, pw };
}

type Call = (xs: Tensor[], e: Extra) => Tensor;

const CALLS: Record<string, Call> = {
  mse: ([x, t], e) => F.mseLoss(x, t, { reduction: reduction(e) }),
  l1: ([x, t], e) => F.l1Loss(x, t, { reduction: reduction(e) }),
  smooth_l1: ([x, t], e) => F.smoothL1Loss(x, t, { reduction: reduction(e), beta: e.beta }),
  huber: ([x, t], e) => F.huberLoss(x, t, { reduction: reduction(e), delta: e.delta }),
  bce: (xs, e) => F.binaryCrossEntropy(xs[0], xs[1], { weight: optional(xs, e, 2).w, reduction: reduction(e) }),
  bce_logits: (xs, e) => {
    const { w, pw } = optional(xs, e, 2);
    return F.binaryCrossEntropyWithLogits(xs[0], xs[1], { weight: w, posWeight: pw, reduction: reduction(e) });
  },
  nll: (xs, e) => F.nllLoss(xs[0], xs[1], { weight: optional(xs, e, 2).w, reduction: reduction(e), ignoreIndex: e.ignore }),
  ce: (xs, e) =>
    F.crossEntropy(xs[0], xs[1], { weight: optional(xs, e, 2).w, reduction: reduction(e), ignoreIndex: e.ignore, labelSmoothing: e.smoothing }),
  kl: ([x, t], e) => F.klDiv(x, t, { reduction: REDUCTIONS[e.r ?? 1] as torch.nn.functional.KlReduction, logTarget: e.log }),
  cosine_embedding: ([a, b, y], e) => F.cosineEmbeddingLoss(a, b, y, { reduction: reduction(e), margin: e.margin }),
};

// The fixture's broadcasting and kl_div cases warn; the tests below check the warnings.
let restoreWarnings: () => void;
before(() => (restoreWarnings = torch.catchWarnings(() => undefined)));
after(() => restoreWarnings());

runOpFixture('loss', CALLS as unknown as Record<string, OpCall>);

function warningsOf(fn: () => unknown): string[] {
  const seen: string[] = [];
  const restore = torch.catchWarnings((_category, message) => seen.push(message));
  try {
    fn();
  } finally {
    restore();
  }
  return seen;
}

test('regression losses warn when the target broadcasts', () => {
  const message =
    'Using a target size (torch.Size([4])) that is different to the input size (torch.Size([3, 4])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.';
  for (const fn of [F.mseLoss, F.l1Loss, F.smoothL1Loss, F.huberLoss]) {
    assert.deepEqual(warningsOf(() => fn(torch.zeros(3, 4), torch.zeros(4))), [message]);
    assert.deepEqual(warningsOf(() => fn(torch.zeros(3, 4), torch.zeros(3, 4))), []);
  }
});

test("kl_div warns that 'mean' is not the batch mean", () => {
  const seen = warningsOf(() => F.klDiv(torch.zeros(2, 3), torch.ones(2, 3)));
  assert.deepEqual(seen, [
    "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
  ]);
  assert.deepEqual(warningsOf(() => F.klDiv(torch.zeros(2, 3), torch.ones(2, 3), { reduction: 'batchmean' })), []);
});
