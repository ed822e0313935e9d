// The autograd chapter of PyTorch's 60-minute blitz (../shared/seed/autograd_tutorial.py), line for line.
// Its output equals PyTorch's (addresses of grad_fn objects aside).
import * as torch from 'tstorch';
import { pyPrint } from './py-print.js';

let x = torch.ones(2, 2, { requiresGrad: true });
pyPrint(x);
let y = x.add(2);
pyPrint(y);
pyPrint(y.gradFn);
pyPrint(x.gradFn);
const z = y.mul(y).mul(3);
const out = z.mean();
pyPrint(z, out);

torch.manualSeed(0);
let a = torch.randn(2, 2);
a = a.mul(3).div(a.sub(1));
pyPrint(a.requiresGrad);
a.requiresGrad_(true);
pyPrint(a.requiresGrad);
const b = a.mul(a).sum();
pyPrint(b.gradFn);

out.backward();
pyPrint(x.grad);

x = torch.randn(3, { requiresGrad: true });
y = x.mul(2);
while (y.data.norm().item() < 1000) {
  y = y.mul(2);
}
pyPrint(y);

const v = torch.tensor([0.1, 1.0, 0.0001], { dtype: torch.float });
y.backward(v);
pyPrint(x.grad);

pyPrint(x.requiresGrad);
pyPrint(x.pow(2).requiresGrad);
torch.noGrad(() => {
  pyPrint(x.pow(2).requiresGrad);
});
