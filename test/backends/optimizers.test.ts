// The optimizers' fused loops as each backend runs them (the native addon's and the WebAssembly
// module's optimizer primitives) against the JS loops: three steps over 70,000 parameters (long enough
// for the addon to split the update between two threads) must leave them bit-identical, in every
// configuration of each optimizer, including the lerp's two formulas (weights above and below 0.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';

type Make = (params: torch.Tensor[]) => torch.optim.Optimizer;

const SGD = [
  { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0, nesterov: false, maximize: true },
  { lr: 0.03, momentum: 0.8, dampening: 0, weightDecay: 1e-3, nesterov: true, maximize: false },
  { lr: 0.3, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: false },
];
// beta1 and alpha under 0.5 give lerp weights above 0.5 (its other formula).
const ADAM = [{}, { betas: [0.3, 0.9] as [number, number], weightDecay: 0.01 }, { lr: 0.01, eps: 1e-3, maximize: true }];
const RMSPROP = [{}, { momentum: 0.9, centered: true, weightDecay: 0.01 }, { alpha: 0.3, centered: true, maximize: true }, { momentum: 0.5 }];
const ADAGRAD = [{}, { lrDecay: 0.1, weightDecay: 0.01, eps: 1e-4 }, { maximize: true, initialAccumulatorValue: 0.5 }];

const CASES: Array<[string, Make]> = [
  ...SGD.map((o): [string, Make] => [`SGD ${JSON.stringify(o)}`, (p) => new torch.optim.SGD(p, o)]),
  ...ADAM.map((o): [string, Make] => [`Adam ${JSON.stringify(o)}`, (p) => new torch.optim.Adam(p, o)]),
  ...ADAM.map((o): [string, Make] => [`AdamW ${JSON.stringify(o)}`, (p) => new torch.optim.AdamW(p, o)]),
  ...RMSPROP.map((o): [string, Make] => [`RMSprop ${JSON.stringify(o)}`, (p) => new torch.optim.RMSprop(p, o)]),
  ...ADAGRAD.map((o): [string, Make] => [`Adagrad ${JSON.stringify(o)}`, (p) => new torch.optim.Adagrad(p, o)]),
];

/** The parameters after three steps of `make`'s optimizer on `backend`, from fixed values and gradients. */
function trained(backend: torch.backends.BackendName, make: Make): Float32Array {
  const n = 70_000;
  const values = (seed: number): torch.Tensor => {
    torch.manualSeed(seed);
    return torch.rand([n]).mul(2).sub(1);
  };
  const before = torch.backends.current();
  const threads = torch.getNumThreads();
  try {
    torch.backends.use(backend);
    torch.setNumThreads(2);
    const p = values(1).requiresGrad_(true);
    const optimizer = make([p]);
    for (const seed of [2, 3, 2]) {
      p.grad = values(seed);
      optimizer.step();
    }
    return new Float32Array(p.detach().tolist() as number[]);
  } finally {
    torch.backends.use(before);
    torch.setNumThreads(threads);
  }
}

for (const backend of torch.backends.available().filter((b) => b !== 'js')) {
  test(`${backend}: every optimizer's update is bit-identical to the JS loop`, () => {
    for (const [what, make] of CASES) assert.deepEqual(trained(backend, make), trained('js', make), `${backend} ${what}`);
  });
}
