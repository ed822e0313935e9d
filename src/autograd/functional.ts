// torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp, ported from PyTorch's
// torch/autograd/functional.py (reverse mode; jvp and hvp use the double-backward trick as PyTorch does).
// A JavaScript array plays the role of Python's tuple: array inputs (or outputs) give array results.
import { Tensor, pyTypeName } from '../tensor/tensor.js';
import { torchSizeStr, shapeStr } from '../tensor/layout.js';
import { zerosLike } from '../tensor/factory.js';
import { stack } from '../ops/join.js';
import { enableGrad, isGradEnabled, setGradEnabled } from './grad-mode.js';
import { grad } from './engine.js';
import type { MaybeTensor } from './node.js';
import { boolOption, optionsArg } from '../tensor/args.js';

export type Tensors = Tensor | readonly Tensor[];
/** A function of tensors returning a tensor or an array of tensors. */
export type TensorFunction<O extends Tensors = Tensors> = (...inputs: Tensor[]) => O;
/** A result shaped like `I`: one tensor for a tensor, an array for an array. */
export type Like<I> = I extends Tensor ? Tensor : Tensor[];
/** jacobian's result: indexed [output][input], each level present only where that side is an array. */
export type JacobianResult<O, I> = O extends Tensor ? Like<I> : I extends Tensor ? Tensor[] : Tensor[][];
export type HessianResult<I> = I extends Tensor ? Tensor : Tensor[][];

export interface FunctionalOptions {
  /** Make the results differentiable (they are detached otherwise). */
  createGraph?: boolean;
  /** Raise when an output does not depend on an input, instead of giving zeros. */
  strict?: boolean;
}

export interface JacobianOptions extends FunctionalOptions {
  /** Accepted for compatibility: tstorch computes the rows one VJP at a time either way. */
  vectorize?: boolean;
  /** Only 'reverse-mode': tstorch has no forward-mode AD. */
  strategy?: 'reverse-mode' | 'forward-mode';
}

export interface HessianOptions extends FunctionalOptions {
  vectorize?: boolean;
  outerJacobianStrategy?: 'reverse-mode' | 'forward-mode';
}

function pyClass(value: unknown): string {
  return `<class '${pyTypeName(value)}'>`;
}

/** PyTorch's _as_tuple: whether `value` was an array, and its tensors. */
function asTuple(value: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(value);
  const list: unknown[] = isTuple ? [...(value as unknown[])] : [value];
  list.forEach((el, i) => {
    if (el instanceof Tensor) return;
    const which = isTuple ? `value at index ${i}` : `given ${argName}`;
    throw new TypeError(
      `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but the ${which} has type ${pyClass(el)}.`,
    );
  });
  return [isTuple, list as Tensor[]];
}

/** New tensor objects for the inputs, requiring grad, so the function's own captures are not confused with them. */
function gradPreprocess(inputs: Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return inputs.map((t) => (createGraph && t.requiresGrad ? t.viewAs(t) : t.detach().requiresGrad_(needGraph)));
}

function detachAll<T>(value: T, createGraph: boolean): T {
  if (createGraph) return value;
  if (value instanceof Tensor) return value.detach() as T;
  return (value as unknown[]).map((v) => detachAll(v, createGraph)) as T;
}

function validateV(v: Tensor[], other: Tensor[], isOtherTuple: boolean): void {
  if (v.length !== other.length) {
    throw new Error(
      isOtherTuple ? `v is a tuple of invalid length: should be ${other.length} but got ${v.length}.` : 'The given v should contain a single Tensor.',
    );
  }
  v.forEach((el, i) => {
    if (shapeStr(el.shape) !== shapeStr(other[i].shape)) {
      const prefix = isOtherTuple ? `Entry ${i} in ` : '';
      throw new Error(`${prefix}v has invalid size: should be ${torchSizeStr(other[i].shape)} but got ${torchSizeStr(el.shape)}.`);
    }
  });
}

type RequiresGradCheck = 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian';

function checkRequiresGrad(tensors: readonly MaybeTensor[], kind: RequiresGradCheck, strict: boolean): void {
  if (!strict) return;
  tensors.forEach((t, i) => {
    if (t === null) {
      throw new Error(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    }
    if (t.requiresGrad) return;
    const messages: Record<RequiresGradCheck, string> = {
      hessian: `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.`,
      jacobian: `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear function for example).`,
      grad_inputs: `The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`,
      outputs: `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
    };
    throw new Error(messages[kind]);
  });
}

/** autograd.grad that skips outputs that do not require grad (all null when none does). */
function autogradGrad(
  outputs: readonly MaybeTensor[],
  inputs: Tensor[],
  gradOutputs: readonly MaybeTensor[] | null,
  options: { createGraph: boolean; retainGraph?: boolean },
): MaybeTensor[] {
  const outs: Tensor[] = [];
  const gos: MaybeTensor[] = [];
  outputs.forEach((o, i) => {
    if (o === null || !o.requiresGrad) return;
    outs.push(o);
    gos.push(gradOutputs?.[i] ?? null);
  });
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, { gradOutputs: gos, allowUnused: true, createGraph: options.createGraph, retainGraph: options.retainGraph });
}

type Stage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';

/** Replaces missing gradients by zeros shaped like `refs` (or raises in strict mode). */
function fillInZeros(grads: MaybeTensor[], refs: Tensor[], strict: boolean, createGraph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        const messages: Record<Stage, string> = {
          back: `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          back_trick: `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`,
          double_back: `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          double_back_trick: `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`,
        };
        throw new Error(messages[stage]);
      }
      return zerosLike(refs[i]);
    }
    if (strict && createGraph && !g.requiresGrad) {
      const what = stage.includes('double') ? 'hessian' : 'jacobian';
      throw new Error(`The ${what} of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
    }
    return g;
  });
}

/** Unwraps the levels that were not arrays on the way in. */
function unpack<T>(res: T[], isTuple: boolean): T | T[] {
  return isTuple ? res : res[0];
}

function unpack2(res: Tensor[][], isOuterTuple: boolean, isInnerTuple: boolean): unknown {
  const inner = isInnerTuple ? res : res.map((r) => r[0]);
  return isOuterTuple ? inner : inner[0];
}

function prepareV(v: Tensors | null | undefined, createGraph: boolean, fnName: string): Tensor[] | null {
  if (v === null || v === undefined) return null;
  return gradPreprocess(asTuple(v, 'v', fnName)[1], createGraph, false);
}

const OUTPUTS = 'outputs of the user-provided function';

/** Checks the function and the options of a functional API call; `createGraph` and `strict` default to false. */
function functionalArgs<O extends FunctionalOptions>(func: unknown, value: O | null | undefined, fnName: string): { createGraph: boolean; strict: boolean; options: O } {
  if (typeof func !== 'function') throw new TypeError(`${fnName}(): argument 'func' must be a function, but got ${pyTypeName(func)}`);
  const options = optionsArg(value, fnName);
  return {
    createGraph: boolOption(options.createGraph, fnName, 'create_graph') ?? false,
    strict: boolOption(options.strict, fnName, 'strict') ?? false,
    options,
  };
}

/** `vjp(func, inputs, v?)`: [func(inputs), vᵀ·J]. `v` may be omitted for a single-element output. */
export function vjp<O extends Tensors, I extends Tensors>(
  func: TensorFunction<O>,
  inputs: I,
  v?: Tensors | null,
  opts?: FunctionalOptions,
): [O extends Tensor ? Tensor : Tensor[], Like<I>] {
  const { createGraph, strict } = functionalArgs(func, opts, 'vjp');
  const [isInputsTuple, ins, isOutputsTuple, outs, vs] = enableGrad(() => {
    const [isIn, raw] = asTuple(inputs, 'inputs', 'vjp');
    const prepared = gradPreprocess(raw, createGraph, true);
    const [isOut, results] = asTuple(func(...prepared), OUTPUTS, 'vjp');
    checkRequiresGrad(results, 'outputs', strict);
    const vList = prepareV(v, createGraph, 'vjp');
    if (vList !== null) validateV(vList, results, isOut);
    else if (results.length !== 1 || results[0].numel() !== 1) {
      throw new Error('The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    }
    return [isIn, prepared, isOut, results, vList] as const;
  });
  const result = setGradEnabled(createGraph || isGradEnabled(), () =>
    fillInZeros(autogradGrad(outs, ins, vs, { createGraph }), ins, strict, createGraph, 'back'),
  );
  return [unpack(detachAll(outs, createGraph), isOutputsTuple), unpack(detachAll(result, createGraph), isInputsTuple)] as never;
}

/** `jvp(func, inputs, v?)`: [func(inputs), J·v], by the double-backward trick. */
export function jvp<O extends Tensors, I extends Tensors>(
  func: TensorFunction<O>,
  inputs: I,
  v?: Tensors | null,
  opts?: FunctionalOptions,
): [O extends Tensor ? Tensor : Tensor[], O extends Tensor ? Tensor : Tensor[]] {
  const { createGraph, strict } = functionalArgs(func, opts, 'jvp');
  const [isOutputsTuple, outs, gradOutputs, gradInputs, vs] = enableGrad(() => {
    const [isIn, raw] = asTuple(inputs, 'inputs', 'jvp');
    const prepared = gradPreprocess(raw, createGraph, true);
    const vList = prepareV(v, createGraph, 'jvp');
    if (vList !== null) validateV(vList, prepared, isIn);
    else if (prepared.length !== 1 || prepared[0].numel() !== 1) {
      throw new Error('The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.');
    }
    const [isOut, results] = asTuple(func(...prepared), OUTPUTS, 'jvp');
    checkRequiresGrad(results, 'outputs', strict);
    // The backward is linear in these, so their value does not matter (zeros avoid inf and nan).
    const gos = results.map((o) => zerosLike(o, { requiresGrad: true }));
    const gis = autogradGrad(results, prepared, gos, { createGraph: true });
    checkRequiresGrad(gis, 'grad_inputs', strict);
    return [isOut, results, gos, gis, vList] as const;
  });
  const run = (): Tensor[] =>
    fillInZeros(autogradGrad(gradInputs, gradOutputs, vs, { createGraph }), outs, strict, createGraph, 'back_trick');
  const result = createGraph ? enableGrad(run) : run();
  return [unpack(detachAll(outs, createGraph), isOutputsTuple), unpack(detachAll(result, createGraph), isOutputsTuple)] as never;
}

function checkStrategy(strategy: string, fnName: string): void {
  if (strategy === 'reverse-mode') return;
  if (strategy === 'forward-mode') {
    throw new Error(`${fnName}(): strategy 'forward-mode' needs forward-mode AD, which tstorch does not implement; use 'reverse-mode'`);
  }
  throw new Error('Expected strategy to be either "forward-mode" or "reverse-mode".');
}

/**
 * `jacobian(func, inputs)`: the Jacobian of each output w.r.t. each input, of shape
 * `output.shape + input.shape`, indexed [output][input] where those are arrays.
 */
export function jacobian<O extends Tensors, I extends Tensors>(
  func: TensorFunction<O>,
  inputs: I,
  opts?: JacobianOptions,
): JacobianResult<O, I> {
  const { createGraph, strict, options } = functionalArgs(func, opts, 'jacobian');
  checkStrategy(options.strategy ?? 'reverse-mode', 'jacobian');
  return enableGrad(() => {
    const [isInputsTuple, raw] = asTuple(inputs, 'inputs', 'jacobian');
    const ins = gradPreprocess(raw, createGraph, true);
    const [isOutputsTuple, outs] = asTuple(func(...ins), OUTPUTS, 'jacobian');
    checkRequiresGrad(outs, 'outputs', strict);
    if (options.vectorize && strict) {
      throw new Error(
        'torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.',
      );
    }
    const jac = outs.map((out, i) => {
      const rows: Tensor[][] = ins.map(() => []);
      const flat = out.reshape(-1);
      for (let j = 0; j < out.numel(); j++) {
        const vj = autogradGrad([flat.select(0, j)], ins, null, { createGraph, retainGraph: true });
        vj.forEach((g, k) => {
          if (g === null) {
            if (strict) {
              throw new Error(`Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
            }
            rows[k].push(zerosLike(ins[k]));
            return;
          }
          if (strict && createGraph && !g.requiresGrad) {
            throw new Error(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
          }
          rows[k].push(g);
        });
      }
      return rows.map((r, k) => stack(r, 0).view([...out.shape, ...ins[k].shape]));
    });
    return unpack2(detachAll(jac, createGraph), isOutputsTuple, isInputsTuple) as JacobianResult<O, I>;
  });
}

/** `hessian(func, inputs)`: the Hessian of a single-element function, `[input i][input j]` for arrays. */
export function hessian<I extends Tensors>(func: TensorFunction<Tensor>, inputs: I, opts?: HessianOptions): HessianResult<I> {
  const { strict, options } = functionalArgs(func, opts, 'hessian');
  const [isInputsTuple, ins] = asTuple(inputs, 'inputs', 'hessian');
  checkStrategy(options.outerJacobianStrategy ?? 'reverse-mode', 'hessian');
  const singleOutput = (...inp: Tensor[]): Tensor => {
    const out: unknown = func(...inp);
    const [isOutTuple, tOut] = asTuple(out, OUTPUTS, 'hessian');
    checkRequiresGrad(tOut, 'outputs', strict);
    if (isOutTuple) throw new Error('The function given to hessian should return a single Tensor');
    if (tOut[0].numel() !== 1) throw new Error('The Tensor returned by the function given to hessian should contain a single element');
    return tOut[0].squeeze();
  };
  const jacFunc = (...inp: Tensor[]): Tensor[] => {
    const jac = jacobian(singleOutput, inp, { createGraph: true });
    checkRequiresGrad(jac, 'jacobian', strict);
    return jac;
  };
  const res = jacobian(jacFunc, ins, { createGraph: options.createGraph, strict, vectorize: options.vectorize });
  return unpack2(res, isInputsTuple, isInputsTuple) as HessianResult<I>;
}

/** The shared part of hvp and vhp: inputs, v, the function's single-element output and its gradient. */
function prepareSecondOrder(
  fnName: 'hvp' | 'vhp',
  func: TensorFunction<Tensors>,
  inputs: Tensors,
  v: Tensors | null | undefined,
  createGraph: boolean,
  strict: boolean,
): { isInputsTuple: boolean; ins: Tensor[]; outs: Tensor[]; isOutputsTuple: boolean; jac: MaybeTensor[]; vs: Tensor[] | null } {
  const [isInputsTuple, raw] = asTuple(inputs, 'inputs', fnName);
  const ins = gradPreprocess(raw, createGraph, true);
  const vs = prepareV(v, createGraph, fnName);
  if (vs !== null) validateV(vs, ins, isInputsTuple);
  else if (ins.length !== 1 || ins[0].numel() !== 1) {
    throw new Error('The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.');
  }
  const [isOutputsTuple, outs] = asTuple(func(...ins), OUTPUTS, fnName);
  checkRequiresGrad(outs, 'outputs', strict);
  if (isOutputsTuple) throw new Error(`The function given to ${fnName} should return a single Tensor`);
  if (outs[0].numel() !== 1) throw new Error(`The Tensor returned by the function given to ${fnName} should contain a single element`);
  const jac = autogradGrad(outs, ins, null, { createGraph: true });
  checkRequiresGrad(jac, 'jacobian', strict);
  return { isInputsTuple, ins, outs, isOutputsTuple, jac, vs };
}

/** `vhp(func, inputs, v?)`: [func(inputs), vᵀ·H] for a single-element function. */
export function vhp<I extends Tensors>(
  func: TensorFunction<Tensor>,
  inputs: I,
  v?: Tensors | null,
  opts?: FunctionalOptions,
): [Tensor, Like<I>] {
  const { createGraph, strict } = functionalArgs(func, opts, 'vhp');
  const p = enableGrad(() => prepareSecondOrder('vhp', func, inputs, v, createGraph, strict));
  const result = setGradEnabled(createGraph || isGradEnabled(), () =>
    fillInZeros(autogradGrad(p.jac, p.ins, p.vs, { createGraph }), p.ins, strict, createGraph, 'double_back'),
  );
  return [detachAll(p.outs[0], createGraph), unpack(detachAll(result, createGraph), p.isInputsTuple)] as never;
}

/** `hvp(func, inputs, v?)`: [func(inputs), H·v] for a single-element function, by the double-backward trick. */
export function hvp<I extends Tensors>(
  func: TensorFunction<Tensor>,
  inputs: I,
  v?: Tensors | null,
  opts?: FunctionalOptions,
): [Tensor, Like<I>] {
  const { createGraph, strict } = functionalArgs(func, opts, 'hvp');
  const { p, gradJac, doubleBack } = enableGrad(() => {
    const prepared = prepareSecondOrder('hvp', func, inputs, v, createGraph, strict);
    const gj = prepared.ins.map((t) => zerosLike(t, { requiresGrad: true }));
    const db = autogradGrad(prepared.jac, prepared.ins, gj, { createGraph: true });
    checkRequiresGrad(prepared.jac, 'hessian', strict);
    return { p: prepared, gradJac: gj, doubleBack: db };
  });
  const result = setGradEnabled(createGraph || isGradEnabled(), () =>
    fillInZeros(autogradGrad(doubleBack, gradJac, p.vs, { createGraph }), p.ins, strict, createGraph, 'double_back_trick'),
  );
  return [detachAll(p.outs[0], createGraph), unpack(detachAll(result, createGraph), p.isInputsTuple)] as never;
}
