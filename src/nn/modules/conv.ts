// Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d.
import type { Tensor } from '../../tensor/tensor.js';
import type { DType } from '../../tensor/dtype.js';
import { empty } from '../../tensor/factory.js';
import { torchSizeStr, tupleStr } from '../../tensor/layout.js';
import { cat } from '../../ops/join.js';
import { pad } from '../../ops/shape.js';
import { conv1d, conv2d, convTranspose1d, convTranspose2d, intList, type IntOrList } from '../../ops/conv.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { boolOption, dtypeOption, intArg, optionsArg, strOption } from '../../tensor/args.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvModuleOptions {
  stride?: IntOrList;
  /** Zero padding per side, or 'valid' (none) or 'same' (the output keeps the input's size; stride 1 only). */
  padding?: IntOrList | 'same' | 'valid';
  dilation?: IntOrList;
  groups?: number;
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
  /** How the input is padded: with zeros (default), or by reflecting, replicating or wrapping it. */
  paddingMode?: PaddingMode;
  dtype?: DType;
}

export interface ConvTransposeModuleOptions {
  stride?: IntOrList;
  padding?: IntOrList;
  outputPadding?: IntOrList;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrList;
  /** Only 'zeros', as in PyTorch. */
  paddingMode?: PaddingMode;
  dtype?: DType;
}

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** Python's repr of a set of strings, in one fixed order (Python's own depends on the hash seed). */
function pySet(items: readonly string[]): string {
  return `{${items.map((s) => `'${s}'`).join(', ')}}`;
}

/**
 * The shared part of the convolution layers (PyTorch's _ConvNd): checks, parameters and their
 * default initialisation, the repr.
 */
abstract class ConvNd extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  protected constructor(
    spatial: number, inChannels: number, outChannels: number, kernelSize: IntOrList, transposed: boolean,
    options: (ConvModuleOptions & { outputPadding?: IntOrList }) | null | undefined,
  ) {
    super();
    const name = this.constructor.name;
    intArg(inChannels, name, 'in_channels', 1);
    intArg(outChannels, name, 'out_channels', 2);
    const o = optionsArg(options, name);
    const groups = o.groups ?? 1;
    intArg(groups, name, 'groups');
    const paddingMode = (strOption(o.paddingMode, name, 'padding_mode') ?? 'zeros') as PaddingMode;
    const bias = boolOption(o.bias, name, 'bias') ?? true;
    const dtype = dtypeOption(o.dtype, name);
    if (transposed && paddingMode !== 'zeros') throw new Error(`Only "zeros" padding mode is supported for ${name}`);
    if (!(groups > 0)) throw new Error('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    const list = (v: IntOrList, arg: string): number[] => {
      const l = intList(v, spatial, name, arg);
      return l.length === 1 ? new Array<number>(spatial).fill(l[0]) : l;
    };
    this.stride = list(o.stride ?? 1, 'stride');
    const padding = o.padding ?? 0;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new Error(`Invalid padding string '${String(padding)}', should be one of ${pySet(['same', 'valid'])}`);
      if (padding === 'same' && this.stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
      this.padding = padding;
    } else {
      this.padding = list(padding, 'padding');
    }
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new Error(`padding_mode must be one of ${pySet(PADDING_MODES)}, but got padding_mode='${String(paddingMode)}'`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = list(kernelSize, 'kernel_size');
    this.dilation = list(o.dilation ?? 1, 'dilation');
    this.transposed = transposed;
    this.outputPadding = list(o.outputPadding ?? 0, 'output_padding');
    this.groups = groups;
    this.paddingMode = paddingMode;
    const shape = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups];
    this.weight = new Parameter(empty([...shape, ...this.kernelSize], { dtype }));
    if (bias) this.bias = new Parameter(empty([outChannels], { dtype }));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** kaiming_uniform_(a=√5) for the weight, then U(-1/√fanIn, 1/√fanIn) for the bias, as PyTorch. */
  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extraRepr(): string {
    const allAre = (xs: readonly number[], v: number): boolean => xs.every((x) => x === v);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${tupleStr(this.kernelSize)}, stride=${tupleStr(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (!allAre(this.padding, 0)) s += `, padding=${tupleStr(this.padding)}`;
    if (!allAre(this.dilation, 1)) s += `, dilation=${tupleStr(this.dilation)}`;
    if (!allAre(this.outputPadding, 0)) s += `, output_padding=${tupleStr(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** Wraps each spatial dim around (circular padding): `pads` as F.pad's, last dim first. */
function circularPad(input: Tensor, pads: readonly number[]): Tensor {
  let out = input;
  for (let k = 0; k < pads.length / 2; k++) {
    const d = input.dim() - 1 - k;
    const [before, after] = [pads[2 * k], pads[2 * k + 1]];
    const n = out.shape[d];
    out = cat([out.narrow(d, n - before, before), out, out.narrow(d, 0, after)], d);
  }
  return out;
}

/** Convolutions with a padding mode: the input padded by that mode, then convolved without padding. */
abstract class PaddedConvNd extends ConvNd {
  /** F.pad's pads (last dim first) for the padding mode (PyTorch's _reversed_padding_repeated_twice). */
  protected paddingPads(): number[] {
    const pads: number[] = [];
    for (let i = this.kernelSize.length - 1; i >= 0; i--) {
      if (this.padding === 'valid') {
        pads.push(0, 0);
      } else if (this.padding === 'same') {
        const total = this.dilation[i] * (this.kernelSize[i] - 1);
        pads.push(Math.floor(total / 2), total - Math.floor(total / 2));
      } else {
        pads.push(this.padding[i], this.padding[i]);
      }
    }
    return pads;
  }

  protected padded(input: Tensor): Tensor {
    const pads = this.paddingPads();
    return this.paddingMode === 'circular' ? circularPad(input, pads) : pad(input, pads, this.paddingMode as 'reflect' | 'replicate');
  }
}

/** 1-d convolution over (N, C, L) or (C, L) inputs; weight (out, in/groups, k). */
export class Conv1d extends PaddedConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, options?: ConvModuleOptions | null) {
    super(1, inChannels, outChannels, kernelSize, false, options);
  }

  override forward(input: Tensor): Tensor {
    if (this.paddingMode !== 'zeros') return conv1d(this.padded(input), this.weight, this.bias, { stride: this.stride, dilation: this.dilation, groups: this.groups });
    return conv1d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** 2-d convolution over (N, C, H, W) or (C, H, W) inputs; weight (out, in/groups, kH, kW). */
export class Conv2d extends PaddedConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, options?: ConvModuleOptions | null) {
    super(2, inChannels, outChannels, kernelSize, false, options);
  }

  override forward(input: Tensor): Tensor {
    if (this.paddingMode !== 'zeros') return conv2d(this.padded(input), this.weight, this.bias, { stride: this.stride, dilation: this.dilation, groups: this.groups });
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** The transposed convolutions (PyTorch's _ConvTransposeNd): output padding, or an explicit output size. */
abstract class ConvTransposeNd extends ConvNd {
  /**
   * The output padding that gives `outputSize` (spatial sizes, or with the batch and channel dims),
   * or the layer's own when none is asked for (PyTorch's _output_padding).
   */
  protected outputPaddingFor(input: Tensor, outputSize: readonly number[] | undefined): number[] {
    if (outputSize === undefined) return this.outputPadding;
    const spatial = this.kernelSize.length;
    const nonSpatial = input.dim() === spatial + 2 ? 2 : 1;
    const size = outputSize.length === nonSpatial + spatial ? outputSize.slice(nonSpatial) : outputSize;
    if (size.length !== spatial) {
      throw new Error(`ConvTranspose${spatial}D: for ${input.dim()}D input, output_size must have ${spatial} or ${nonSpatial + spatial} elements (got ${size.length})`);
    }
    const minSizes = this.kernelSize.map(
      (k, d) => (input.shape[d + nonSpatial] - 1) * this.stride[d] - 2 * (this.padding as number[])[d] + this.dilation[d] * (k - 1) + 1,
    );
    const maxSizes = minSizes.map((m, d) => m + this.stride[d] - 1);
    if (size.some((n, d) => n < minSizes[d] || n > maxSizes[d])) {
      const list = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
      throw new Error(
        `requested an output size of ${list(size)}, but valid sizes range from ${list(minSizes)} to ${list(maxSizes)} (for an input of ${torchSizeStr(input.shape.slice(2))})`,
      );
    }
    return size.map((n, d) => n - minSizes[d]);
  }
}

/** 1-d transposed convolution over (N, C, L) or (C, L) inputs; weight (in, out/groups, k). */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, options?: ConvTransposeModuleOptions | null) {
    super(1, inChannels, outChannels, kernelSize, true, options);
  }

  override forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose1d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as number[], outputPadding: this.outputPaddingFor(input, outputSize), groups: this.groups, dilation: this.dilation,
    });
  }
}

/** 2-d transposed convolution over (N, C, H, W) or (C, H, W) inputs; weight (in, out/groups, kH, kW). */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrList, options?: ConvTransposeModuleOptions | null) {
    super(2, inChannels, outChannels, kernelSize, true, options);
  }

  override forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as number[], outputPadding: this.outputPaddingFor(input, outputSize), groups: this.groups, dilation: this.dilation,
    });
  }
}
