// The optimizers' fused loops as each backend runs them (the native addon's and the WebAssembly
// module's optimizer primitives) against the JS loops: three steps over 70,000 parameters (long enough
// for the addon to split the update between two threads) must leave them bit-identical, in every
// configuration of each optimizer, including the lerp's two formulas (weights above and below 0.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { activeBackend } from '../../src/backends/registry.js';
import type { Backend } from '../../src/backends/backend.js';
import { loadNativeBackend } from '../../src/backends/native/loader.js';

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

type StepPrimitive = 'sgdStep' | 'adamStep' | 'rmspropStep' | 'adagradStep';
const STEP_PRIMITIVES: readonly StepPrimitive[] = ['sgdStep', 'adamStep', 'rmspropStep', 'adagradStep'];

/**
 * Counts the calls of `backend`'s optimizer primitives that it took (returned true), so that a test
 * can tell a backend's loop from the JS loop it falls back to; `restore` puts the methods back.
 */
function countTaken(backend: Backend): { taken(): number; restore(): void } {
  let taken = 0;
  const own = STEP_PRIMITIVES.filter((name) => backend[name] !== undefined).map((name) => [name, Object.getOwnPropertyDescriptor(backend, name)] as const);
  for (const name of STEP_PRIMITIVES) {
    const primitive = backend[name] as ((...args: unknown[]) => boolean) | undefined;
    if (primitive === undefined) continue;
    Object.defineProperty(backend, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]): boolean => {
        const result = primitive.apply(backend, args);
        if (result) taken++;
        return result;
      },
    });
  }
  return {
    taken: () => taken,
    restore() {
      for (const [name, descriptor] of own) {
        if (descriptor === undefined) delete (backend as unknown as Record<string, unknown>)[name];
        else Object.defineProperty(backend, name, descriptor);
      }
    },
  };
}

/**
 * The parameters after three steps of `make`'s optimizer on `backend`, from fixed values and
 * gradients, and how many of the steps the backend's primitives took.
 */
function trained(backend: torch.backends.BackendName, make: Make): { params: Float32Array; taken: number } {
  const n = 70_000;
  const values = (seed: number): torch.Tensor => {
    torch.manualSeed(seed);
    return torch.rand([n]).mul(2).sub(1);
  };
  const before = torch.backends.current();
  const threads = torch.getNumThreads();
  torch.backends.use(backend);
  const counter = countTaken(activeBackend());
  try {
    torch.setNumThreads(2);
    const p = values(1).requiresGrad_(true);
    const optimizer = make([p]);
    for (const seed of [2, 3, 2]) {
      p.grad = values(seed);
      optimizer.step();
    }
    return { params: new Float32Array(p.detach().tolist() as number[]), taken: counter.taken() };
  } finally {
    counter.restore();
    torch.backends.use(before);
    torch.setNumThreads(threads);
  }
}

/** Checks every case on `backend` against the JS loops; `what` names the kernel path. */
function checkBackend(backend: torch.backends.BackendName, what: string): void {
  for (const [name, make] of CASES) {
    const { params, taken } = trained(backend, make);
    // The WebAssembly backend leaves SGD to the JS loop (its copies would cost what they save).
    const declines = backend === 'wasm' && name.startsWith('SGD');
    // SGD's first step with momentum creates its buffer through tensor ops; every other step is fused.
    if (declines) assert.equal(taken, 0, `${what} ${name}: steps the backend took`);
    else assert.ok(taken >= 2, `${what} ${name}: the backend took ${taken} of the 3 steps`);
    assert.deepEqual(params, trained('js', make).params, `${what} ${name}`);
  }
}

const available = torch.backends.available();

test('native: every optimizer\'s update is bit-identical to the JS loop, AVX2 and portable kernels', { skip: !available.includes('native') }, () => {
  const native = loadNativeBackend();
  assert.ok(native !== null);
  checkBackend('native', 'native, kernels for this CPU,');
  try {
    native.configure({ blas: true, genericKernels: true });
    checkBackend('native', 'native, portable kernels,');
  } finally {
    native.configure({ blas: true, genericKernels: false });
  }
});

test('wasm: Adam, AdamW, RMSprop and Adagrad updates are bit-identical to the JS loops', { skip: !available.includes('wasm') }, () => {
  checkBackend('wasm', 'wasm');
});
