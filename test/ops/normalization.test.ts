// batch_norm, layer_norm and group_norm against PyTorch: every case of test/golden/normalization.json
// (tools/golden/gen_nn_functional.py), replayed by the op harness (values, dtype, grad_fn, gradients,
// second derivatives, errors). batch_norm's calls also return the running statistics it updated.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

const F = torch.nn.functional;

/** The generator's `extra`: optional tensors follow the input in this order when flagged. */
interface Extra {
  rm?: number;
  rv?: number;
  w?: number;
  b?: number;
  training?: boolean;
  momentum?: number;
  eps?: number;
  shape?: number[];
  groups?: number;
}

const OPTIONAL = ['rm', 'rv', 'w', 'b'] as const;

function optional(xs: Tensor[], e: Extra): Record<(typeof OPTIONAL)[number], Tensor | null> {
  let i = 1;
  const out = { rm: null, rv: null, w: null, b: null } as Record<(typeof OPTIONAL)[number], Tensor | null>;
  for (const name of OPTIONAL) if (e[name]) out[name] = xs[i++];
  return out;
}

type Call = (xs: Tensor[], e: Extra) => Tensor | Tensor[];

const CALLS: Record<string, Call> = {
  batch_norm: (xs, e) => {
    const o = optional(xs, e);
    const out = F.batchNorm(xs[0], o.rm, o.rv, { weight: o.w, bias: o.b, training: e.training, momentum: e.momentum, eps: e.eps });
    const stats = [o.rm, o.rv].filter((t): t is Tensor => t !== null);
    return stats.length > 0 ? [out, ...stats] : out;
  },
  layer_norm: (xs, e) => {
    const o = optional(xs, e);
    return F.layerNorm(xs[0], e.shape as number[], { weight: o.w, bias: o.b, eps: e.eps });
  },
  group_norm: (xs, e) => {
    const o = optional(xs, e);
    return F.groupNorm(xs[0], e.groups as number, { weight: o.w, bias: o.b, eps: e.eps });
  },
};

runOpFixture('normalization', CALLS as unknown as Record<string, OpCall>);
