// Checks of the JavaScript shape of arguments, shared by the public functions: the trailing options
// object, int, int-list, float and Number (Scalar) arguments, optional tensors, bool, str, dtype and
// generator options. JavaScript passes anything anywhere, so
// these stand where Python's argument parser stands in PyTorch, with its wording
// ("permute(): argument 'dims' must be tuple of ints, but found element of type str at pos 2").
import { isDType, type DType } from './dtype.js';
import { Tensor, pyTypeName } from './tensor.js';
import { Generator } from './random.js';

// What optionsArg gives for no options: one frozen object rather than one per call of every op.
const NO_OPTIONS = Object.freeze({});

/**
 * The options object of `fn` (its keyword arguments): undefined and null (Python's None) give {};
 * any other value that is not a plain object is rejected rather than ignored.
 */
export function optionsArg<T extends object>(value: T | null | undefined, fn: string): T {
  if (value === undefined || value === null) return NO_OPTIONS as T;
  if (!isOptionsObject(value)) {
    throw new TypeError(`${fn}(): expected an options object for the keyword arguments, but got ${pyTypeName(value)}`);
  }
  return value;
}

/** Whether `value` is a plain options object: an object that is not a list, a tensor or a dtype. */
export function isOptionsObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Tensor) && !isDType(value);
}

/** A bool argument (keyword, or positional with its position), or undefined when not given. */
export function boolOption(value: unknown, fn: string, name: string, position?: number): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${fn}(): argument '${name}'${at(position)} must be bool, not ${pyTypeName(value)}`);
  return value;
}

/** A str argument (keyword, or positional with its position), or undefined when not given. */
export function strOption(value: unknown, fn: string, name: string, position?: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${fn}(): argument '${name}'${at(position)} must be str, not ${pyTypeName(value)}`);
  return value;
}

/** A dtype keyword argument, or undefined when not given. */
export function dtypeOption(value: unknown, fn: string): DType | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isDType(value)) throw new TypeError(`${fn}(): argument 'dtype' must be torch.dtype, not ${pyTypeName(value)}`);
  return value;
}

/**
 * Python's type name for messages; a bigint is named as such, since int arguments (dims, sizes) are
 * JavaScript numbers in this API.
 */
function typeName(value: unknown): string {
  return typeof value === 'bigint' ? 'bigint' : pyTypeName(value);
}

function at(position: number | undefined): string {
  return position === undefined ? '' : ` (position ${position})`;
}

/** An int argument (PyTorch's message names its position when it has one). */
export function intArg(value: unknown, fn: string, name: string, position?: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${fn}(): argument '${name}'${at(position)} must be int, not ${typeName(value)}`);
  }
}

/** A float argument (Python's float takes ints too): a number, or a bigint as a Python int. */
export function floatArg(value: unknown, fn: string, name: string, position?: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new TypeError(`${fn}(): argument '${name}'${at(position)} must be float, not ${pyTypeName(value)}`);
}

/**
 * A Number argument (PyTorch's Scalar: activations' slopes and bounds): a number, a bigint as a Python
 * int, or a boolean as a Python bool.
 */
export function scalarArg(value: unknown, fn: string, name: string, position?: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return Number(value);
  throw new TypeError(`${fn}(): argument '${name}'${at(position)} must be Number, not ${pyTypeName(value)}`);
}

/** An optional tensor argument (weights, biases, masks): undefined and null (Python's None) give null. */
export function optionalTensorArg(value: unknown, fn: string, name: string, position?: number): Tensor | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Tensor) return value;
  throw new TypeError(`${fn}(): argument '${name}'${at(position)} must be Tensor, not ${pyTypeName(value)}`);
}

/**
 * An int list given as varargs (`x.permute(1, 0)`) or as one array (`x.permute([1, 0])`), as PyTorch
 * takes sizes and dims.
 */
export function varargsIntList(args: readonly unknown[], fn: string, name: string): number[] {
  const list: readonly unknown[] = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  return list.map((v, i) => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw new TypeError(`${fn}(): argument '${name}' must be tuple of ints, but found element of type ${typeName(v)} at pos ${i + 1}`);
  });
}

/**
 * A tuple-of-ints argument. With `acceptInt`, a single int is a one-element list, as PyTorch's parser
 * takes it for fixed-size int lists (`int[1] dims`) but not for sizes.
 */
export function intListArg(value: unknown, fn: string, name: string, position?: number, acceptInt = false): number[] {
  if (acceptInt && typeof value === 'number' && Number.isInteger(value)) return [value];
  if (!Array.isArray(value)) {
    throw new TypeError(`${fn}(): argument '${name}'${at(position)} must be tuple of ints, not ${typeName(value)}`);
  }
  return value.map((v: unknown, i) => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    throw new TypeError(`${fn}(): argument '${name}' must be tuple of ints, but found element of type ${typeName(v)} at pos ${i + 1}`);
  });
}

/** A generator argument (keyword, or positional with its position): undefined and null give null. */
export function generatorOption(value: unknown, fn: string, position?: number): Generator | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Generator)) throw new TypeError(`${fn}(): argument 'generator'${at(position)} must be torch.Generator, not ${pyTypeName(value)}`);
  return value;
}
