// A short tour of tensors: creation, dtypes, views, broadcasting, reductions and printing.
import * as torch from 'tstorch';

const m = torch.arange(12).reshape(3, 4);
console.log(String(m));
console.log(String(m.t()), m.t().isContiguous(), m.t().stride());
console.log(String(m.float().div(7)));
console.log(String(torch.linspace(-1, 1, 20)));
console.log(String(torch.tensor([1e-5, 1.0, 123456.0])));
console.log(String(torch.tensor([[true, false], [false, true]])));
console.log(String(torch.arange(2000).reshape(40, 50).float()));

const a = torch.tensor([[1.0], [2.0], [3.0]]);
const b = torch.tensor([10.0, 20.0]);
console.log(String(a.add(b)));
console.log(String(a.add(b).sum(0)), String(a.add(b).mean(1, { keepdim: true })));

torch.setPrintoptions({ precision: 2 });
console.log(String(torch.tensor([Math.PI, Math.E], { dtype: torch.float64 })));
torch.setPrintoptions({ profile: 'default' });
