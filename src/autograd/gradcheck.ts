// gradcheck and gradgradcheck, ported from PyTorch's torch/autograd/gradcheck.py (backward mode, real
// dtypes): the analytical Jacobian from one-hot vector-Jacobian products against central differences.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { float32, float64, promoteTypes } from '../tensor/dtype.js';
import { zeros, zerosLike } from '../tensor/factory.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { fillUniform } from '../tensor/sample-uniform.js';
import { warn } from '../tensor/warnings.js';
import { pyFloatRepr } from '../tensor/print.js';
import { stack } from '../ops/join.js';
import { allclose } from '../ops/comparison.js';
import { noGrad } from './grad-mode.js';
import { grad } from './engine.js';
import type { MaybeTensor } from './node.js';
import { optionsArg } from '../tensor/args.js';

/** Raised by gradcheck and gradgradcheck when a check fails. */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
}

export interface GradcheckOptions {
  /** Perturbation of the central differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Return false instead of raising GradcheckError (default true: raise). */
  raiseException?: boolean;
  /** Tolerance between two runs of the same backward (default 0). */
  nondetTol?: number;
  /** Compare random projections of the Jacobians instead of the full matrices (default false). */
  fastMode?: boolean;
}

export interface GradgradcheckOptions extends GradcheckOptions {
  /** Make the random grad outputs non-contiguous (default false). */
  genNonContigGradOutputs?: boolean;
}

type Outputs = Tensor | readonly Tensor[];
/** The function under test: any arguments (the tensors and other values of `inputs`) to tensors. */
export type CheckedFunction = (...args: never[]) => Outputs;

const FAILED_NONDET_MSG =
  '\n\nNOTE: If your op relies on non-deterministic operations i.e., it is listed here:\nhttps://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html\nthis failure might be expected.\n\nIf you are adding a new operator, please file an issue and then use one of the\nworkarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.\nIf the test\n- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck\n  with `nondet_tol=<tol>` as a keyword argument.\n- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test\n  to have `gradcheck_nondet_tol=<tol>`.\n- is a Module test (e.g., in common_nn.py), then modify the corresponding\n  module_test entry to have `gradcheck_nondet_tol=<tol>`\n';

const FAST_FAIL_SLOW_OK_MSG =
  "Fast gradcheck failed but element-wise differences are small. This means that the\ntest might've passed in slow_mode!\n\nIf you are adding a new operator, please file an issue and then use one of the\nworkarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:\n\nIf the test\n- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck\n  with `fast_mode=False` as a keyword argument.\n- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test\n  to have `gradcheck_fast_mode=False`\n- is a Module test (e.g., in common_nn.py), then modify the corresponding\n  module_test entry to have `gradcheck_fast_mode=False`";

function asList(x: Outputs | readonly unknown[]): unknown[] {
  return Array.isArray(x) ? [...(x as unknown[])] : [x];
}

function differentiableOutputs(out: Outputs): Tensor[] {
  return (asList(out) as Tensor[]).filter((o) => o.requiresGrad);
}

/** The indices and tensors of the inputs that require grad. */
function diffInputs(inputs: readonly unknown[]): { indices: number[]; tensors: Tensor[] } {
  const indices = inputs.flatMap((t, i) => (t instanceof Tensor && t.requiresGrad ? [i] : []));
  return { indices, tensors: indices.map((i) => inputs[i] as Tensor) };
}

function checkInputs(inputs: readonly unknown[]): void {
  let any = false;
  inputs.forEach((t, idx) => {
    if (!(t instanceof Tensor) || !t.requiresGrad) return;
    if (t.dtype !== float64) {
      warn(
        `Input #${idx} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex. `,
      );
    }
    if (!t.stride().every((st, d) => st > 0 || t.shape[d] <= 1)) {
      throw new Error(
        `The ${idx}th input has a dimension with stride 0. gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on the input before passing it to gradcheck.`,
      );
    }
    any = true;
  });
  if (!any) {
    throw new Error('gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');
  }
}

/** Storage offsets of a tensor's elements in logical (row-major) order. */
function elementOffsets(t: Tensor): number[] {
  const offsets: number[] = [];
  const shape = t.shape;
  const strides = t.stride();
  const walk = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      offsets.push(offset);
      return;
    }
    for (let i = 0; i < shape[dim]; i++) walk(dim + 1, offset + i * strides[dim]);
  };
  walk(0, t.storageOffset());
  return offsets;
}

/**
 * Central differences of `fn`'s outputs `outputIdx` as the input's elements at `offsets` move by
 * ∓`delta[k]` together: (f(x + δ) − f(x − δ)) / (2·eps), flattened. The storage is written directly,
 * without bumping the version counter, as PyTorch perturbs `input.data`.
 */
function centralDifference(fn: () => Outputs, input: Tensor, offsets: number[], delta: number[], eps: number, outputIdx: number[]): Tensor[] {
  // Asked for at each write: fn may defer results that read the array, which then must not change.
  const data = (): number[] => input.storage_.data as unknown as number[];
  const orig = offsets.map((o) => data()[o]);
  const evaluate = (sign: number): Tensor[] => {
    const elements = data();
    offsets.forEach((o, k) => (elements[o] = orig[k] + sign * delta[k]));
    const outs = asList(fn()) as Tensor[];
    return outputIdx.map((i) => noGrad(() => outs[i].clone()));
  };
  try {
    const a = evaluate(-1);
    const b = evaluate(1);
    return a.map((ai, k) => {
      const bk = b[k];
      if (shapeKey(ai) !== shapeKey(bk) || ai.dtype !== bk.dtype) {
        throw new Error(
          `Expected \`func\` to return outputs with the same shape and dtype when inputs are perturbed by ${eps}, but got: ${String(ai.shape)} ${ai.dtype} and ${String(bk.shape)} ${bk.dtype}.`,
        );
      }
      return noGrad(() => bk.sub(ai).div(2 * eps).reshape(-1));
    });
  } finally {
    const elements = data();
    offsets.forEach((o, k) => (elements[o] = orig[k]));
  }
}

function shapeKey(t: Tensor): string {
  return t.shape.join(',');
}

/**
 * Numerical Jacobians [input][output], each (input.numel(), output.numel()), for the function's
 * outputs at `outputIdx` (`outputs` are those outputs at the unperturbed inputs).
 */
function numericalJacobians(func: CheckedFunction, inputs: readonly unknown[], outputIdx: number[], outputs: Tensor[], eps: number): Tensor[][] {
  const call = (): Outputs => func(...(inputs as never[]));
  return diffInputs(inputs).tensors.map((input) => {
    const rows = elementOffsets(input).map((o) => centralDifference(call, input, [o], [eps], eps, outputIdx));
    return outputs.map((out, k) =>
      rows.length === 0 || out.numel() === 0 ? zeros([rows.length, out.numel()], { dtype: out.dtype }) : stack(rows.map((r) => r[k])),
    );
  });
}

/** Analytical Jacobians of one output w.r.t. the differentiable inputs, from one-hot VJPs. */
function analyticalJacobians(output: Tensor, inputs: Tensor[]): Tensor[] {
  const n = output.numel();
  const columns: Tensor[][] = inputs.map(() => []);
  for (let j = 0; j < n; j++) {
    const oneHot = zeros(output.shape, { dtype: output.dtype });
    (oneHot.storage_.data as unknown as number[])[j] = 1;
    const grads = grad(output, inputs, { gradOutputs: oneHot, retainGraph: true, allowUnused: true });
    grads.forEach((g, i) => columns[i].push(g === null ? zeros([inputs[i].numel()], { dtype: inputs[i].dtype }) : g.reshape(-1)));
  }
  return inputs.map((t, i) => (n === 0 ? zeros([t.numel(), 0], { dtype: t.dtype }) : stack(columns[i], 1)));
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.toFloat64Array();
  const y = b.toFloat64Array();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Analytical Jacobians, computed twice to check that backward is deterministic. */
function checkedAnalyticalJacobians(output: Tensor, inputs: Tensor[], nondetTol: number): Tensor[] {
  const first = analyticalJacobians(output, inputs);
  const second = analyticalJacobians(output, inputs);
  first.forEach((j1, i) => {
    if (j1.numel() !== 0 && maxAbsDiff(j1, second[i]) > nondetTol) {
      throw new GradcheckError(
        `Backward is not reentrant, i.e., running backward with same input and grad_output multiple times gives different values, although analytical gradient matches numerical gradient.The tolerance for nondeterminism was ${pyFloatRepr(nondetTol)}.${FAILED_NONDET_MSG}`,
      );
    }
  });
  return first;
}

function closeWithPromotion(a: Tensor, b: Tensor, rtol: number, atol: number): boolean {
  const dtype = promoteTypes(a.dtype, b.dtype);
  return allclose(a.to(dtype), b.to(dtype), { rtol, atol });
}

function mismatchMessage(analytical: Tensor, numerical: Tensor, outputIdx: number, inputIdx: number): string {
  return `Jacobian mismatch for output ${outputIdx} with respect to input ${inputIdx},\nnumerical:${String(numerical)}\nanalytical:${String(analytical)}\n`;
}

function slowGradcheck(func: CheckedFunction, inputs: readonly unknown[], funcOut: Outputs, opts: Required<GradcheckOptions>): void {
  const all = asList(funcOut) as Tensor[];
  const outputIdx = all.flatMap((o, i) => (o.requiresGrad ? [i] : []));
  if (outputIdx.length === 0) {
    checkNoDifferentiableOutputs(func, inputs, all, opts.eps);
    return;
  }
  const numerical = numericalJacobians(func, inputs, outputIdx, outputIdx.map((i) => all[i]), opts.eps);
  const diff = diffInputs(inputs).tensors;
  outputIdx.forEach((oi, i) => {
    const analytical = checkedAnalyticalJacobians(all[oi], diff, opts.nondetTol);
    analytical.forEach((a, j) => {
      const n = numerical[j][i];
      if (!closeWithPromotion(a, n, opts.rtol, opts.atol)) throw new GradcheckError(mismatchMessage(a, n, i, j));
    });
  });
}

function checkNoDifferentiableOutputs(func: CheckedFunction, inputs: readonly unknown[], outputs: Tensor[], eps: number): void {
  const floatIdx = outputs.flatMap((o, i) => (o.dtype.isFloatingPoint ? [i] : []));
  for (const perInput of numericalJacobians(func, inputs, floatIdx, floatIdx.map((i) => outputs[i]), eps)) {
    for (const j of perInput) {
      if (j.ne(0).any().item() !== 0) throw new GradcheckError('Numerical gradient for function expected to be zero');
    }
  }
}

// ---- fast mode: random projections uᵀ and v of the Jacobian, compared as scalars vᵀ·J·u ----

/** PyTorch's _vec_from_tensor: a random unit vector (torch.rand, default dtype, then cast). */
function randomUnitVector(t: Tensor, generator: Generator): Tensor {
  const values = new Float32Array(t.numel());
  fillUniform(generator, values);
  const vec = Tensor.fromData(values, [t.numel()], float32).to(t.dtype);
  return vec.div(vec.mul(vec).sum().sqrt());
}

function fastGradcheck(func: CheckedFunction, inputs: readonly unknown[], funcOut: Outputs, opts: Required<GradcheckOptions>): void {
  const outputs = differentiableOutputs(funcOut);
  const all = asList(funcOut) as Tensor[];
  const { tensors } = diffInputs(inputs);
  const generator = new Generator();
  const us = tensors.map((t) => randomUnitVector(t, generator));
  const vs = outputs.map((o) => randomUnitVector(o, generator));
  const outputIdx = all.flatMap((o, i) => (o.requiresGrad ? [i] : []));
  const call = (): Outputs => func(...(inputs as never[]));
  // Numerical J·u per input, then dotted with each v.
  const numerical = tensors.map((input, i) => {
    const u = us[i].toFloat64Array();
    const ju = centralDifference(call, input, elementOffsets(input), Array.from(u, (x) => x * opts.eps), opts.eps, outputIdx);
    return ju.map((j, k) => noGrad(() => vs[k].mul(j).sum()));
  });
  if (outputs.length === 0) {
    checkNoDifferentiableOutputs(func, inputs, all, opts.eps);
    return;
  }
  outputs.forEach((output, j) => {
    const vJ = grad(output, tensors, { gradOutputs: vs[j].reshape(output.shape), retainGraph: true, allowUnused: true });
    vJ.forEach((g, i) => {
      const a = g === null ? zeros([], { dtype: tensors[i].dtype }) : noGrad(() => g.reshape(-1).mul(us[i]).sum());
      const n = numerical[i][j];
      const atol = opts.atol * us[i].sum().item() * vs[j].sum().item();
      if (!closeWithPromotion(a, n, opts.rtol, atol)) {
        throw new GradcheckError(mismatchMessage(a, n, j, i) + slowModeReport(func, inputs, output, outputIdx[j], i, tensors, opts));
      }
    });
  });
}

function slowModeReport(
  func: CheckedFunction,
  inputs: readonly unknown[],
  output: Tensor,
  outputIndex: number,
  inputIdx: number,
  tensors: Tensor[],
  opts: Required<GradcheckOptions>,
): string {
  // PyTorch recomputes here with _get_numerical_jacobian's default eps (1e-3), not the given one.
  const numerical = numericalJacobians(func, inputs, [outputIndex], [output], 1e-3)[inputIdx][0];
  const analytical = analyticalJacobians(output, tensors)[inputIdx];
  const maxDiff = maxAbsDiff(numerical, analytical);
  let msg = `\nThe above quantities relating the numerical and analytical jacobians are computed \nin fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \nabout fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\nNumerical:\n ${String(numerical)}\nAnalytical:\n${String(analytical)}\n\nThe max per-element difference (slow mode) is: ${pyFloatRepr(maxDiff)}.\n`;
  if (closeWithPromotion(analytical, numerical, opts.rtol, opts.atol)) msg += FAST_FAIL_SLOW_OK_MSG;
  return msg;
}

/** Backward must scale with the incoming gradient: zero grad outputs give zero gradients. */
function checkBackwardMulByGradOutput(outputs: Tensor[], inputs: readonly unknown[]): void {
  const diff = diffInputs(inputs).tensors;
  const grads: MaybeTensor[] = grad(outputs, diff, { gradOutputs: outputs.map((o) => zerosLike(o)), allowUnused: true });
  for (const g of grads) {
    if (g !== null && g.ne(0).any().item() !== 0) throw new GradcheckError('backward not multiplied by grad_output');
  }
}

function checkFunc(func: unknown, fn: string): void {
  if (typeof func !== 'function') throw new TypeError(`${fn}(): argument 'func' must be a function, but got ${pyTypeName(func)}`);
}

function withDefaults(options: GradcheckOptions): Required<GradcheckOptions> {
  return {
    eps: options.eps ?? 1e-6,
    atol: options.atol ?? 1e-5,
    rtol: options.rtol ?? 1e-3,
    raiseException: options.raiseException ?? true,
    nondetTol: options.nondetTol ?? 0,
    fastMode: options.fastMode ?? false,
  };
}

/**
 * `torch.autograd.gradcheck(func, inputs)`: checks the gradients of `func` at `inputs` (a tensor or an
 * array of tensors and other arguments) against central differences, for the inputs that require grad.
 * Returns true, or raises GradcheckError (returns false with `raiseException: false`).
 */
export function gradcheck(func: CheckedFunction, inputs: Tensor | readonly unknown[], options?: GradcheckOptions): boolean {
  checkFunc(func, 'gradcheck');
  const opts = withDefaults(optionsArg(options, 'gradcheck'));
  const tupled = asList(inputs);
  try {
    checkInputs(tupled);
    const funcOut = func(...(tupled as never[]));
    (opts.fastMode ? fastGradcheck : slowGradcheck)(func, tupled, funcOut, opts);
    const outputs = differentiableOutputs(funcOut);
    if (outputs.length > 0) checkBackwardMulByGradOutput(outputs, tupled);
    return true;
  } catch (e) {
    if (!opts.raiseException && e instanceof GradcheckError) return false;
    throw e;
  }
}

/** Random grad outputs in [-1, 1), as torch.testing.make_tensor makes them, from the default generator. */
function randomGradOutput(t: Tensor, nonContiguous: boolean): Tensor {
  const dtype = t.dtype.isFloatingPoint ? t.dtype : float64;
  // Non-contiguous: every other element of a doubled last dimension (same shape, stride 2).
  const spread = nonContiguous && t.numel() > 1;
  const shape = spread ? [...t.shape.slice(0, -1), t.shape[t.shape.length - 1] * 2] : t.shape;
  const full = zeros(shape, { dtype });
  fillUniform(defaultGenerator, full.storage_.data as Float32Array | Float64Array, -1, 1);
  const g = spread ? full.slice(-1, 0, null, 2) : full;
  return g.detach().requiresGrad_(true);
}

/**
 * `torch.autograd.gradgradcheck(func, inputs, gradOutputs?)`: gradcheck of the backward pass of
 * `func` (w.r.t. the inputs and the grad outputs), with random grad outputs when none are given.
 */
export function gradgradcheck(
  func: CheckedFunction,
  inputs: Tensor | readonly unknown[],
  gradOutputs: Tensor | readonly Tensor[] | null = null,
  opts?: GradgradcheckOptions,
): boolean {
  checkFunc(func, 'gradgradcheck');
  const options = optionsArg(opts, 'gradgradcheck');
  const tupled = asList(inputs);
  const gos =
    gradOutputs === null
      ? differentiableOutputs(func(...(tupled as never[]))).map((o) => randomGradOutput(o, options.genNonContigGradOutputs ?? false))
      : (asList(gradOutputs) as Tensor[]);
  const numOutputs = gos.length;
  const diffInputIdx = new Set(diffInputs(tupled).indices);
  const newFunc = (...args: unknown[]): Tensor[] => {
    const inputArgs = args.slice(0, args.length - numOutputs);
    const inputTensors = inputArgs.filter((_, i) => diffInputIdx.has(i)) as Tensor[];
    const outputs = differentiableOutputs(func(...(inputArgs as never[])));
    const gradOuts = args.slice(args.length - numOutputs) as Tensor[];
    const grads = grad(outputs, inputTensors, { gradOutputs: gradOuts, createGraph: true, allowUnused: true });
    return grads.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(newFunc, [...tupled, ...gos], options);
}
