// Replays op cases recorded by tools/golden/opcases.py: forward values, dtype and shape, the grad_fn
// name, gradients for the recorded upstream gradient, second derivatives, and PyTorch's error messages.
// Float64 cases are also checked by gradcheck and gradgradcheck (central differences).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, decodeTensor, decodeValue, loadFixture, type EncodedTensor } from '../helpers.js';

export interface OpCase {
  key: string;
  inputs: EncodedTensor[];
  requires_grad: boolean[];
  extra: unknown;
  out?: EncodedTensor | EncodedTensor[];
  grad_fn?: string | null;
  upstream?: EncodedTensor[];
  grads?: (EncodedTensor | null)[];
  gg_v?: EncodedTensor[];
  gradgrads?: (EncodedTensor | null)[];
  error?: string;
}

/** A call under test: the tensors (in the recorded order) and the decoded extra arguments. */
export type OpCall = (inputs: Tensor[], extra: never) => Tensor | Tensor[] | readonly Tensor[];

export interface HarnessOptions {
  /** Wider tolerances for some keys, with the reason in a comment where they are given. */
  tolerance?: Record<string, { rtol: number; atol: number }>;
  /**
   * Keys whose float64 cases skip the automatic gradcheck and gradgradcheck, each with its reason
   * (a case sits on a non-differentiable point, the op is not differentiable, ...).
   */
  skipGradcheck?: Record<string, string>;
}

function asList(result: Tensor | readonly Tensor[]): Tensor[] {
  return result instanceof torch.Tensor ? [result] : [...result];
}

function label(c: OpCase, i: number): string {
  const shapes = c.inputs.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(' ');
  return `${c.key} #${i} (${shapes})`;
}

/** Registers one node:test test per case of fixture `name`, calling `calls[case.key]`. */
export function runOpFixture(name: string, calls: Record<string, OpCall>, options: HarnessOptions = {}): void {
  const fixture = loadFixture<OpCase>(name);
  const keys = new Set(fixture.cases.map((c) => c.key));
  test(`${name}: every recorded key has a call`, () => {
    for (const k of keys) assert.ok(calls[k], `no call for key ${k}`);
  });
  fixture.cases.forEach((c, i) => {
    test(label(c, i), () => runCase(c, calls[c.key], options.tolerance?.[c.key]));
    if (needsGradcheck(c) && options.skipGradcheck?.[c.key] === undefined) {
      test(`${label(c, i)} gradcheck`, (t) => runGradchecks(c, calls[c.key], t));
    }
  });
}

/**
 * Float64 cases that PyTorch differentiated get gradcheck and gradgradcheck too, unless an input is
 * not finite (central differences are meaningless there).
 */
function needsGradcheck(c: OpCase): boolean {
  if (c.error !== undefined || c.grads === undefined) return false;
  const diff = c.inputs.filter((_, i) => c.requires_grad[i]);
  return diff.length > 0 && diff.every((t) => t.dtype === 'float64' && t.data.every((v) => typeof v === 'number'));
}

/** Σ_k ⟨vs[k], ts[k]⟩: a scalar whose gradient is the vector-Jacobian product with `vs`. */
function dot(ts: readonly (Tensor | null)[], vs: readonly Tensor[]): Tensor {
  return ts.filter((x): x is Tensor => x !== null && x.requiresGrad).reduce((acc, x, k) => acc.add(x.mul(vs[k]).sum()), torch.tensor(0, { dtype: torch.float64 }));
}

/**
 * gradcheck of the call w.r.t. its differentiable inputs, and gradgradcheck with the recorded
 * upstream. When a check fails, it is a tstorch bug only if PyTorch's own recorded derivative (which
 * tstorch's equals, per runCase) agrees with central differences at this input; otherwise the case
 * sits on a non-differentiable point (ties, kinks, jumps) where PyTorch's gradcheck fails as well.
 */
function runGradchecks(c: OpCase, call: OpCall, t: TestContext): void {
  const inputs = c.inputs.map((enc, i) => decodeTensor(enc, { requiresGrad: c.requires_grad[i] }));
  const extra = decodeValue(c.extra) as never;
  const diffIdx = inputs.flatMap((_, i) => (c.requires_grad[i] ? [i] : []));
  const fn = (...diff: Tensor[]): Tensor[] => {
    const args = [...inputs];
    diffIdx.forEach((k, j) => (args[k] = diff[j]));
    return asList(call(args, extra));
  };
  const diffInputs = diffIdx.map((k) => inputs[k]);
  const quiet = { raiseException: false };
  const upstream = (c.upstream ?? []).map((u) => decodeTensor(u, { requiresGrad: true }));
  const firstOrder = (...diff: Tensor[]): Tensor => dot(fn(...diff), upstream);
  if (!torch.autograd.gradcheck(fn, diffInputs, quiet)) {
    if (!torch.autograd.gradcheck(firstOrder, diffInputs, quiet)) return t.skip('not differentiable at this input, in PyTorch too');
    torch.autograd.gradcheck(fn, diffInputs);
  }
  if (!torch.autograd.gradgradcheck(fn, diffInputs, upstream, quiet)) {
    const vs = (c.gg_v ?? []).map((v) => decodeTensor(v));
    const secondOrder = (...diff: Tensor[]): Tensor => {
      const outs = fn(...diff).filter((o) => o.requiresGrad);
      return dot(torch.autograd.grad(outs, diff, { gradOutputs: upstream, createGraph: true, allowUnused: true }), vs);
    };
    if (c.gradgrads !== undefined && !torch.autograd.gradcheck(secondOrder, diffInputs, quiet)) {
      return t.skip('not twice differentiable at this input, in PyTorch too');
    }
    torch.autograd.gradgradcheck(fn, diffInputs, upstream);
  }
}

function runCase(c: OpCase, call: OpCall, tol?: { rtol: number; atol: number }): void {
  const inputs = c.inputs.map((enc, i) => decodeTensor(enc, { requiresGrad: c.requires_grad[i] }));
  const extra = decodeValue(c.extra) as never;
  if (c.error !== undefined) {
    assert.throws(() => call(inputs, extra), (e: unknown) => {
      assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
      assert.equal(e.message.split('\n')[0], c.error);
      return true;
    });
    return;
  }
  const outs = asList(call(inputs, extra));
  const expectedOuts = Array.isArray(c.out) ? c.out : [c.out as EncodedTensor];
  assert.equal(outs.length, expectedOuts.length, 'number of outputs');
  outs.forEach((o, k) => assertTensorClose(o, expectedOuts[k], { ...tol, message: `output ${k}` }));
  assert.equal(outs[0].gradFn?.className ?? null, c.grad_fn ?? null, 'grad_fn');
  if (!c.grads) return;
  const diffOuts = outs.filter((o) => o.requiresGrad);
  const diffIns = inputs.filter((t) => t.requiresGrad);
  const upstream = (c.upstream ?? []).map((u) => decodeTensor(u));
  const grads = torch.autograd.grad(diffOuts, diffIns, { gradOutputs: upstream, createGraph: true, allowUnused: true });
  c.grads.forEach((want, k) => {
    if (want === null) assert.equal(grads[k], null, `grad ${k} should be unused`);
    else assertTensorClose(grads[k] as Tensor, want, { ...tol, message: `grad ${k}` });
  });
  if (!c.gradgrads) return;
  const live = grads.filter((g): g is Tensor => g !== null && g.requiresGrad);
  const vs = (c.gg_v ?? []).map((v) => decodeTensor(v));
  assert.equal(live.length, vs.length, 'number of differentiable first derivatives');
  const gg = torch.autograd.grad(live, diffIns, { gradOutputs: vs, allowUnused: true });
  c.gradgrads.forEach((want, k) => {
    if (want === null) assert.ok(gg[k] === null || (gg[k] as Tensor).abs().sum().item() === 0, `second derivative ${k} should be unused`);
    else assertTensorClose(gg[k] as Tensor, want, { ...tol, message: `second derivative ${k}` });
  });
}
