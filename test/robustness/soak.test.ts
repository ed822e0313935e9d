// A short soak: a small MLP trained like W4 (ReLU, cross-entropy, SGD with momentum) for 2,000 steps
// must hold a flat heap: every step's graph, gradients and temporaries are collectable. The full W4
// run is `npm run soak` (tools/soak.ts); docs/robustness.md has its numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { soak } from '../../tools/soak.js';

// A full collection before each sample, without starting node with --expose-gc.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

test('2,000 training steps leave the heap flat', () => {
  const samples = soak({ steps: 2000, every: 250, widths: [64, 32, 16, 10], batchSize: 16, gc });
  // The first samples include warm-up (compiled code, caches); from step 500 on, the live heap may
  // wobble but not grow with the number of steps. A leak of one step's graph (a few kB) per step
  // would add 10 MB or more over the last 1,500 steps; warm-up alone adds about 0.4 MB.
  const steady = samples.filter((s) => s.step >= 500).map((s) => s.heapUsedMB);
  const growth = steady[steady.length - 1] - steady[0];
  assert.ok(growth < 2, `heap grew by ${growth.toFixed(2)} MB from step 500 to 2000: ${steady.map((h) => h.toFixed(2)).join(', ')}`);
  assert.ok(Number.isFinite(samples[samples.length - 1].loss), 'the loss stays finite');
});
