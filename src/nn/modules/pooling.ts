// MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d: modules holding the arguments of
// the functional poolings.
import type { Tensor } from '../../tensor/tensor.js';
import { tupleStr } from '../../tensor/layout.js';
import type { IntOrList } from '../../ops/conv.js';
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d, type AdaptiveSize, type AvgPool1dOptions, type AvgPool2dOptions } from '../../ops/pooling.js';
import { Module, pyBool } from '../module.js';
import { boolOption, intArg, intListArg, optionsArg } from '../../tensor/args.js';
import { pyTypeName } from '../../tensor/tensor.js';

export interface MaxPoolModuleOptions<R extends boolean = boolean> {
  /** Defaults to the kernel size. */
  stride?: IntOrList | null;
  padding?: IntOrList;
  dilation?: IntOrList;
  /** Also return the indices of the maxima (forward then returns [output, indices]). */
  returnIndices?: R;
  ceilMode?: boolean;
}

/** What a max pooling module returns: the output, or [output, indices] with `returnIndices`. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** Python's repr of an int, or of a tuple (null entries print as None). */
function pyValue(v: number | readonly (number | null)[]): string {
  if (typeof v === 'number') return String(v);
  const items = v.map((x) => (x === null ? 'None' : String(x)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/**
 * The options of pooling layer `fn` given after the kernel size: an options object, or the stride as
 * PyTorch's second positional argument (`new nn.MaxPool2d(2, 2)`).
 */
function poolingOptions<O extends { stride?: IntOrList | null }>(arg: O | IntOrList | null | undefined, fn: string): O {
  return typeof arg === 'number' || Array.isArray(arg) ? ({ stride: arg } as O) : optionsArg(arg as O | null | undefined, fn);
}

/** An int or a list of ints (a size, stride, padding or dilation), kept in the form given. */
function intOrList(value: unknown, fn: string, name: string, position?: number): IntOrList {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return intListArg(value, fn, name, position);
}

/** An adaptive pooling's output size: an int, or a list of ints and nulls (None: the input's size). */
function adaptiveSize(value: unknown, fn: string): AdaptiveSize {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (!Array.isArray(value)) throw new TypeError(`${fn}(): argument 'output_size' (position 1) must be int or tuple of ints, not ${pyTypeName(value)}`);
  return value.map((v: unknown, i) => {
    if (v === null || (typeof v === 'number' && Number.isInteger(v))) return v;
    throw new TypeError(`${fn}(): argument 'output_size' must be tuple of ints or None, but found element of type ${pyTypeName(v)} at pos ${i + 1}`);
  });
}

/** The shared part of MaxPool1d and MaxPool2d (PyTorch's _MaxPoolNd). */
abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList;
  readonly padding: IntOrList;
  readonly dilation: IntOrList;
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  constructor(kernelSize: IntOrList, options?: MaxPoolModuleOptions<R> | IntOrList | null) {
    super();
    const fn = this.constructor.name;
    this.kernelSize = intOrList(kernelSize, fn, 'kernel_size', 1);
    const o = poolingOptions(options, fn);
    this.stride = intOrList(o.stride ?? kernelSize, fn, 'stride', 2);
    this.padding = intOrList(o.padding ?? 0, fn, 'padding', 3);
    this.dilation = intOrList(o.dilation ?? 1, fn, 'dilation', 4);
    this.returnIndices = (boolOption(o.returnIndices, fn, 'return_indices', 5) ?? false) as R;
    this.ceilMode = boolOption(o.ceilMode, fn, 'ceil_mode', 6) ?? false;
  }

  protected get options(): { stride: IntOrList; padding: IntOrList; dilation: IntOrList; ceilMode: boolean } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** F.maxPool1d over (N, C, L) or (C, L) inputs. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  override forward(input: Tensor): MaxPoolResult<R> {
    const result = this.returnIndices ? maxPool1d(input, this.kernelSize, { ...this.options, returnIndices: true }) : maxPool1d(input, this.kernelSize, this.options);
    return result as MaxPoolResult<R>;
  }
}

/** F.maxPool2d over (N, C, H, W) or (C, H, W) inputs. */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  override forward(input: Tensor): MaxPoolResult<R> {
    const result = this.returnIndices ? maxPool2d(input, this.kernelSize, { ...this.options, returnIndices: true }) : maxPool2d(input, this.kernelSize, this.options);
    return result as MaxPoolResult<R>;
  }
}

/** F.avgPool1d over (N, C, L) or (C, L) inputs. Its sizes are kept as 1-tuples, as PyTorch's. */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: IntOrList, options?: AvgPool1dOptions | IntOrList | null) {
    super();
    const fn = 'AvgPool1d';
    this.kernelSize = intListArg(kernelSize, fn, 'kernel_size', 1, true);
    const o = poolingOptions(options, fn);
    this.stride = intListArg(o.stride ?? kernelSize, fn, 'stride', 2, true);
    this.padding = intListArg(o.padding ?? 0, fn, 'padding', 3, true);
    this.ceilMode = boolOption(o.ceilMode, fn, 'ceil_mode', 4) ?? false;
    this.countIncludePad = boolOption(o.countIncludePad, fn, 'count_include_pad', 5) ?? true;
  }

  override forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${tupleStr(this.kernelSize)}, stride=${tupleStr(this.stride)}, padding=${tupleStr(this.padding)}`;
  }
}

/** F.avgPool2d over (N, C, H, W) or (C, H, W) inputs. */
export class AvgPool2d extends Module {
  readonly kernelSize: IntOrList;
  readonly stride: IntOrList;
  readonly padding: IntOrList;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: IntOrList, options?: AvgPool2dOptions | IntOrList | null) {
    super();
    const fn = 'AvgPool2d';
    this.kernelSize = intOrList(kernelSize, fn, 'kernel_size', 1);
    const o = poolingOptions(options, fn);
    this.stride = intOrList(o.stride ?? kernelSize, fn, 'stride', 2);
    this.padding = intOrList(o.padding ?? 0, fn, 'padding', 3);
    this.ceilMode = boolOption(o.ceilMode, fn, 'ceil_mode', 4) ?? false;
    this.countIncludePad = boolOption(o.countIncludePad, fn, 'count_include_pad', 5) ?? true;
    const divisorOverride = o.divisorOverride ?? null;
    if (divisorOverride !== null) intArg(divisorOverride, fn, 'divisor_override', 6);
    this.divisorOverride = divisorOverride;
  }

  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/** F.adaptiveAvgPool2d to a fixed output size. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = adaptiveSize(outputSize, 'AdaptiveAvgPool2d');
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}

/** F.adaptiveMaxPool2d to a fixed output size. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  readonly outputSize: AdaptiveSize;
  readonly returnIndices: R;

  constructor(outputSize: AdaptiveSize, options?: { returnIndices?: R } | null) {
    super();
    const fn = 'AdaptiveMaxPool2d';
    this.outputSize = adaptiveSize(outputSize, fn);
    this.returnIndices = (boolOption(optionsArg(options, fn).returnIndices, fn, 'return_indices', 2) ?? false) as R;
  }

  override forward(input: Tensor): MaxPoolResult<R> {
    const result = this.returnIndices ? adaptiveMaxPool2d(input, this.outputSize, { returnIndices: true }) : adaptiveMaxPool2d(input, this.outputSize);
    return result as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}
