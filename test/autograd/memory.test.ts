// Saved tensors are released by backward (without retainGraph), and a long training loop keeps a flat
// memory profile (DESIGN.md 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertThrowsMessage } from '../helpers.js';

/** The garbage collector, exposed at run time so the test does not depend on node flags. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
const gc = exposeGc();

/**
 * A full collection, after the current job so that WeakRefs read in it may be cleared; then, after a
 * pause, a second one. V8 releases the memory of dead ArrayBuffers on a background thread, so right
 * after one collection `arrayBuffers` still counts some of them (up to ~12 MB in the loop below).
 */
async function collect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
}

function graphWithSavedIntermediate(x: Tensor): { out: Tensor; intermediate: WeakRef<Tensor> } {
  const a = x.mul(2);
  // `a` stays reachable only as a tensor saved by the MulBackward0 of a*a.
  return { out: a.mul(a).sum(), intermediate: new WeakRef(a) };
}

test('backward without retainGraph releases the saved tensors while the graph is still held', async () => {
  const x = torch.ones(1000, { requiresGrad: true });
  const { out, intermediate } = graphWithSavedIntermediate(x);
  await collect();
  assert.ok(intermediate.deref() !== undefined, 'before backward the saved tensor is kept');
  out.backward();
  await collect();
  assert.equal(intermediate.deref(), undefined, 'after backward the saved tensor is released');
  assertThrowsMessage(
    () => out.backward(),
    'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
  );
});

test('retainGraph keeps the saved tensors', async () => {
  const x = torch.ones(1000, { requiresGrad: true });
  const { out, intermediate } = graphWithSavedIntermediate(x);
  out.backward({ retainGraph: true });
  await collect();
  assert.ok(intermediate.deref() !== undefined);
});

test('2,000 forward/backward iterations keep memory flat', async () => {
  const w = torch.ones(64, 64).mul(0.01).requiresGrad_();
  const b = torch.zeros(64, { requiresGrad: true });
  const x = torch.linspace(-1, 1, 64);
  const step = (): void => {
    const h = x.mul(w).add(b).tanh();
    const loss = h.mul(h).sum();
    loss.backward();
    torch.noGrad(() => {
      w.sub_((w.grad as Tensor).mul(0.001));
      b.sub_((b.grad as Tensor).mul(0.001));
    });
    w.grad = null;
    b.grad = null;
  };
  // Tensor data lives in ArrayBuffers, mostly outside the JS heap: count both.
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  for (let i = 0; i < 200; i++) step();
  await collect();
  const before = used();
  for (let i = 0; i < 1800; i++) step();
  await collect();
  const growth = used() - before;
  // Each iteration allocates ~100 KB of tensors: a leak of even one of them per step would add
  // tens of MB. The bound is generous so that allocator noise cannot make the test flaky.
  assert.ok(growth < 8 * 1024 * 1024, `heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB over 1,800 iterations`);
});
