// Activations of torch.nn.functional against PyTorch: every case of test/golden/activation.json
// (tools/golden/gen_nn_functional.py), replayed by the op harness (values, dtype, grad_fn, gradients,
// second derivatives, errors). Each key does what the generator's call of the same key does in PyTorch.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

const F = torch.nn.functional;

/** The generator's `extra`. */
interface Extra {
  slope?: number;
  alpha?: number;
  tanh?: boolean;
  beta?: number;
  threshold?: number;
  min?: number;
  max?: number;
}

type Call = (xs: Tensor[], e: Extra) => Tensor;

const CALLS: Record<string, Call> = {
  leaky_relu: ([x], e) => F.leakyRelu(x, e.slope),
  elu: ([x], e) => F.elu(x, e.alpha),
  selu: ([x]) => F.selu(x),
  celu: ([x], e) => F.celu(x, e.alpha),
  gelu: ([x], e) => F.gelu(x, { approximate: e.tanh ? 'tanh' : 'none' }),
  silu: ([x]) => F.silu(x),
  mish: ([x]) => F.mish(x),
  softplus: ([x], e) => F.softplus(x, e.beta, e.threshold),
  logsigmoid: ([x]) => F.logsigmoid(x),
  hardtanh: ([x], e) => F.hardtanh(x, e.min, e.max),
  relu6: ([x]) => F.relu6(x),
};

runOpFixture('activation', CALLS as unknown as Record<string, OpCall>);
