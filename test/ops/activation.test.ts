// Activations of torch.nn.functional against PyTorch: every case of test/golden/activation.json
// (tools/golden/gen_nn_functional.py), replayed by the op harness (values, dtype, grad_fn, gradients,
// second derivatives, errors). Each key does what the generator's call of the same key does in PyTorch.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

const F = torch.nn.functional;

/** The generator's `extra`; `inplace` runs the in-place form on a clone of the input. */
interface Extra {
  slope?: number;
  alpha?: number;
  tanh?: boolean;
  beta?: number;
  threshold?: number;
  min?: number;
  max?: number;
  inplace?: boolean;
}

type Call = (xs: Tensor[], e: Extra) => Tensor;

/** The input, cloned when the call runs in place (a leaf that requires grad cannot change in place). */
function input(xs: Tensor[], e: Extra): Tensor {
  return e.inplace ? xs[0].clone() : xs[0];
}

const CALLS: Record<string, Call> = {
  leaky_relu: (xs, e) => F.leakyRelu(input(xs, e), e.slope, e.inplace),
  elu: (xs, e) => F.elu(input(xs, e), e.alpha, e.inplace),
  selu: (xs, e) => F.selu(input(xs, e), e.inplace),
  celu: (xs, e) => F.celu(input(xs, e), e.alpha, e.inplace),
  gelu: ([x], e) => F.gelu(x, { approximate: e.tanh ? 'tanh' : 'none' }),
  silu: (xs, e) => F.silu(input(xs, e), e.inplace),
  mish: (xs, e) => F.mish(input(xs, e), e.inplace),
  softplus: ([x], e) => F.softplus(x, e.beta, e.threshold),
  logsigmoid: ([x]) => F.logsigmoid(x),
  hardtanh: (xs, e) => F.hardtanh(input(xs, e), e.min, e.max, e.inplace),
  relu6: (xs, e) => F.relu6(input(xs, e), e.inplace),
};

runOpFixture('activation', CALLS as unknown as Record<string, OpCall>);
