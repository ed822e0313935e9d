import * as torch from 'tstorch';
import type { Prepared } from './prepared.js';

/** W2: `loss = (a*b + a).sum()` and its backward over `numel` float32 elements. */
export function elementwise(numel: number): Prepared {
  torch.manualSeed(0);
  const a = torch.randn(numel, { requiresGrad: true });
  const b = torch.randn(numel, { requiresGrad: true });
  return {
    initialLoss: torch.noGrad(() => a.mul(b).add(a).sum().item()),
    step() {
      a.grad = null;
      b.grad = null;
      a.mul(b).add(a).sum().backward();
    },
  };
}
