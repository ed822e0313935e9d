import * as torch from 'tstorch';
import type { Prepared } from './prepared.js';

/** W1: the autograd tutorial's program, whole, per iteration. */
export function tutorial(): Prepared {
  return {
    step() {
      const x = torch.ones(2, 2, { requiresGrad: true });
      const y = x.add(2);
      const z = y.mul(y).mul(3);
      const out = z.mean();
      out.backward();
    },
  };
}
