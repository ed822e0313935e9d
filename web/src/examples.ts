// The programs the editor offers; the first is the autograd chapter of PyTorch's 60-minute blitz.
export const EXAMPLES: ReadonlyArray<{ title: string; code: string }> = [
  {
    title: 'The autograd tutorial',
    code: `// The autograd chapter of PyTorch's 60-minute blitz. Edit it and press Run (Ctrl+Enter).
const x = torch.ones(2, 2, { requiresGrad: true });
const y = x.add(2);          // y = x + 2
const z = y.mul(y).mul(3);   // z = y * y * 3
const out = z.mean();
out.backward();              // d(out)/dx lands in x.grad
`,
  },
  {
    title: 'Vector-Jacobian product',
    code: `// y is not a scalar: backward takes the vector v of v^T . J.
torch.manualSeed(0);
const x = torch.randn(3, { requiresGrad: true });
let y = x.mul(2);
while (y.data.norm().item() < 1000) y = y.mul(2);
const v = torch.tensor([0.1, 1.0, 0.0001]);
y.backward(v);
`,
  },
  {
    title: 'A linear layer and a loss',
    code: `torch.manualSeed(0);
const layer = new nn.Linear(3, 2);
const input = torch.randn(4, 3);
const target = torch.zeros(4, 2);
const loss = F.mseLoss(layer.call(input).tanh(), target);
loss.backward();             // fills layer.weight.grad and layer.bias.grad
`,
  },
  {
    title: 'Second derivative',
    code: `// d/dx x^3 = 3x^2 and d2/dx2 = 6x, at x = 3: createGraph keeps the first gradient differentiable.
const x = torch.tensor(3.0, { requiresGrad: true });
const y = x.pow(3);
const [dydx] = torch.autograd.grad(y, x, { createGraph: true });
const [d2ydx2] = torch.autograd.grad(dydx, x);
print('dy/dx =', dydx.item(), ' d2y/dx2 =', d2ydx2.item());
`,
  },
  {
    title: 'An error, as PyTorch words it',
    code: `const a = torch.ones(2, 3);
const b = torch.ones(4, 5);
a.matmul(b)
`,
  },
];
