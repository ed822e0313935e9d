// Matrix products against PyTorch: every case of test/golden/linalg.json (tools/golden/gen_linalg.py),
// replayed by the op harness (forward values, dtype and shape, grad_fn, gradients, second derivatives,
// error messages). Each key below does what the generator's call of the same key does in PyTorch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor, ScaleOptions } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';

interface Extra {
  /** A layout code per input (see LAYOUT); the recorded tensors are contiguous. */
  layout?: number[];
  beta?: number;
  alpha?: number;
  /** An einsum equation as character codes. */
  eq?: number[];
  dim?: number;
}

const LAYOUT: Record<number, (x: Tensor) => Tensor> = {
  0: (x) => x,
  1: (x) => x.transpose(-2, -1),
  2: (x) => x.slice(-1, 0, null, 2),
  3: (x) => x.transpose(0, 1),
  4: (x) => x.expand([3, ...x.shape.slice(1)]),
};

function laid(xs: Tensor[], e: Extra): Tensor[] {
  return xs.map((x, i) => LAYOUT[e.layout?.[i] ?? 0](x));
}

function scales(e: Extra): ScaleOptions {
  return { ...(e.beta !== undefined ? { beta: e.beta } : {}), ...(e.alpha !== undefined ? { alpha: e.alpha } : {}) };
}

const equation = (e: Extra): string => String.fromCharCode(...(e.eq ?? []));
/** A wrongly typed argument, as the generator passes the Python int 3. */
const notATensor = 3 as unknown as Tensor;

type Call = (xs: Tensor[], e: Extra) => Tensor;

const CALLS: Record<string, Call> = {
  matmul: ([a, b]) => torch.matmul(a, b),
  matmul_method: ([a, b]) => a.matmul(b),
  linalg_matmul: ([a, b]) => torch.linalg.matmul(a, b),
  dot: ([a, b]) => torch.dot(a, b),
  vdot: ([a, b]) => torch.vdot(a, b),
  mv: ([a, b]) => torch.mv(a, b),
  mm: ([a, b]) => torch.mm(a, b),
  mm_method: ([a, b]) => a.mm(b),
  bmm: ([a, b]) => torch.bmm(a, b),
  outer: ([a, b]) => torch.outer(a, b),
  addmm: ([x, a, b], e) => torch.addmm(x, a, b, scales(e)),
  addmv: ([x, a, b], e) => torch.addmv(x, a, b, scales(e)),
  baddbmm: ([x, a, b], e) => torch.baddbmm(x, a, b, scales(e)),
  addmm_: ([x, a, b], e) => x.clone().addmm_(a, b, scales(e)),
  addmv_: ([x, a, b], e) => x.clone().addmv_(a, b, scales(e)),
  baddbmm_: ([x, a, b], e) => x.clone().baddbmm_(a, b, scales(e)),
  vecdot: ([a, b], e) => torch.linalg.vecdot(a, b, { dim: e.dim ?? -1 }),
  einsum: (xs, e) => torch.einsum(equation(e), ...xs),
  einsum_list: (xs, e) => torch.einsum(equation(e), xs),
  einsum_no_operands: (_xs, e) => torch.einsum(equation(e)),
  mm_int_arg: ([a]) => torch.mm(a, notATensor),
  mm_method_int_arg: ([a]) => a.mm(notATensor),
  bmm_int_arg: ([a]) => torch.bmm(a, notATensor),
  mv_int_arg: ([a]) => torch.mv(a, notATensor),
  dot_int_arg: ([a]) => torch.dot(a, notATensor),
  vdot_int_arg: ([a]) => torch.vdot(a, notATensor),
  matmul_int_arg: ([a]) => torch.matmul(a, notATensor),
  matmul_int_first: ([a]) => torch.matmul(notATensor, a),
  linalg_matmul_int_arg: ([a]) => torch.linalg.matmul(a, notATensor),
  outer_int_arg: ([a]) => torch.outer(a, notATensor),
  addmm_int_arg: ([x, a]) => torch.addmm(x, a, notATensor),
  baddbmm_int_arg: ([x, a]) => torch.baddbmm(x, a, notATensor),
  vecdot_int_arg: ([a]) => torch.linalg.vecdot(a, notATensor),
  addmm_alpha_str: ([x, a, b]) => torch.addmm(x, a, b, { alpha: 'x' as unknown as number }),
  einsum_int_equation: (xs) => torch.einsum(3 as unknown as string, ...xs),
  einsum_int_operand: ([a], e) => torch.einsum(equation(e), [a, notATensor]),
};

runOpFixture(
  'linalg',
  Object.fromEntries(Object.entries(CALLS).map(([key, call]) => [key, ((xs: Tensor[], e: Extra) => call(laid(xs, e), e)) as OpCall])),
);

// What the fixture's tolerances cannot show: float32 products accumulate in float32. 2**24 + 1 is not a
// float32, so adding the 1s to 2**24 one by one loses each; PyTorch 1.13 gives 16777216 for this dot.
test('float32 products accumulate in float32, as PyTorch', () => {
  const a = torch.tensor([2 ** 24, 1, 1, 1, 1]);
  assert.equal(torch.dot(a, torch.ones(5)).item(), 16777216);
  assert.equal(torch.matmul(a, torch.ones(5, 1)).item(), 16777216);
  assert.equal(torch.dot(a.double(), torch.ones(5, { dtype: torch.float64 })).item(), 16777220);
});
