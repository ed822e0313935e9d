import * as torch from 'tstorch';
import type { Prepared } from './prepared.js';

/** W3: `C = A @ B` with square n×n operands; with `backward`, C.backward(G) for an upstream gradient G. */
export function matmul(n: number, backward: boolean): Prepared {
  torch.manualSeed(0);
  const a = torch.randn([n, n], { requiresGrad: backward });
  const b = torch.randn([n, n], { requiresGrad: backward });
  if (!backward) return { step: () => void a.matmul(b) };
  const upstream = torch.randn([n, n]);
  return {
    step() {
      a.grad = null;
      b.grad = null;
      a.matmul(b).backward(upstream);
    },
  };
}
