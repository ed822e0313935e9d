// Convolution kernels of the JS backend: im2col and col2im around the GEMM (gemm.ts).
//
// A convolution is one matrix product per image and group: the weight [outC/g, inC/g*kH*kW] times the
// image unfolded into columns (im2col) [inC/g*kH*kW, outH*outW], written straight into the output. A
// transposed convolution multiplies the transposed weight [outC/g*kH*kW, inC/g] by the image
// [inC/g, inH*inW] and folds the columns back into the output (col2im), summing overlapping windows.
// One-dimensional convolutions run as two-dimensional ones of height 1.
//
// Precision: the caller chooses the accumulator (`out`). For float32 it passes a float64 buffer and
// rounds once at the end: PyTorch's kernels (oneDNN, BLAS) accumulate in float32 in an order of their
// own, so neither result is the other bit for bit, and the float64 sum keeps tstorch's part of the
// difference to one rounding. Integer dtypes accumulate in their own typed array, whose stores wrap like
// C++ integer arithmetic (gemm.ts explains why that is exact); int64 accumulates as BigInt.
import type { TypedArray } from '../../tensor/dtype.js';
import { gemm } from './gemm.js';

/** Sizes and window parameters of a convolution over (N, C, H, W) images. */
export interface ConvGeometry {
  readonly batch: number;
  readonly groups: number;
  readonly inChannels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outChannels: number;
  readonly outH: number;
  readonly outW: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/** An (N, C, H, W) operand read through its strides. */
export interface ImageOperand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly strides: readonly [number, number, number, number];
}

/**
 * Element copies and sums are the same code for number and bigint arrays (one call never mixes the
 * two), so the loops below index them through this one type.
 */
type Slots = { [index: number]: number };
const slots = (a: TypedArray): Slots => a as unknown as Slots;

/** A zero-filled array of the same kind as `like`. */
function sameKind(like: TypedArray, length: number): TypedArray {
  return new (like.constructor as new (n: number) => TypedArray)(length);
}

function zeroFill(a: TypedArray): void {
  if (a instanceof BigInt64Array) a.fill(0n);
  else a.fill(0);
}

/**
 * The sliding window between an image (imgH x imgW per channel) and the grid of window positions
 * (gridH x gridW): position (gh, gw) with kernel tap (kh, kw) reads image pixel
 * (gh*strideH - padH + kh*dilationH, gw*strideW - padW + kw*dilationW).
 */
interface Window {
  readonly imgH: number;
  readonly imgW: number;
  readonly gridH: number;
  readonly gridW: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/** The grid positions [lo, hi) whose tap at kernel offset k lands inside an image dim of `size`. */
function inside(k: number, size: number, grid: number, stride: number, pad: number, dilation: number): [number, number] {
  const shift = k * dilation - pad;
  const lo = shift >= 0 ? 0 : Math.ceil(-shift / stride);
  const hi = Math.min(grid, Math.floor((size - 1 - shift) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Unfolds `channels` channels of one image (starting at `base`, read through the channel, row and
 * column strides) into cols [channels*kH*kW, gridH*gridW]. Taps in the padding are left untouched:
 * they are zero in a fresh buffer and stay zero when the buffer is reused with the same window.
 */
function im2col(src: TypedArray, base: number, strides: readonly number[], channels: number, w: Window, cols: TypedArray): void {
  const s = slots(src);
  const d = slots(cols);
  const [cStride, hStride, wStride] = strides;
  const gridSize = w.gridH * w.gridW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < w.kH; kh++) {
      const [hLo, hHi] = inside(kh, w.imgH, w.gridH, w.strideH, w.padH, w.dilationH);
      for (let kw = 0; kw < w.kW; kw++, row++) {
        const [wLo, wHi] = inside(kw, w.imgW, w.gridW, w.strideW, w.padW, w.dilationW);
        const step = w.strideW * wStride;
        for (let gh = hLo; gh < hHi; gh++) {
          const ih = gh * w.strideH - w.padH + kh * w.dilationH;
          let from = base + c * cStride + ih * hStride + (wLo * w.strideW - w.padW + kw * w.dilationW) * wStride;
          let to = row * gridSize + gh * w.gridW + wLo;
          for (let gw = wLo; gw < wHi; gw++, from += step) d[to++] = s[from];
        }
      }
    }
  }
}

/** The adjoint of im2col: adds cols [channels*kH*kW, gridH*gridW] into a contiguous image at `base`. */
function col2im(cols: TypedArray, channels: number, w: Window, dst: TypedArray, base: number): void {
  const s = slots(cols);
  const d = slots(dst);
  const gridSize = w.gridH * w.gridW;
  const plane = w.imgH * w.imgW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < w.kH; kh++) {
      const [hLo, hHi] = inside(kh, w.imgH, w.gridH, w.strideH, w.padH, w.dilationH);
      for (let kw = 0; kw < w.kW; kw++, row++) {
        const [wLo, wHi] = inside(kw, w.imgW, w.gridW, w.strideW, w.padW, w.dilationW);
        for (let gh = hLo; gh < hHi; gh++) {
          const ih = gh * w.strideH - w.padH + kh * w.dilationH;
          let to = base + c * plane + ih * w.imgW + wLo * w.strideW - w.padW + kw * w.dilationW;
          let from = row * gridSize + gh * w.gridW + wLo;
          for (let gw = wLo; gw < wHi; gw++, to += w.strideW) d[to] += s[from++];
        }
      }
    }
  }
}

function windowOf(g: ConvGeometry, imgH: number, imgW: number, gridH: number, gridW: number): Window {
  return {
    imgH, imgW, gridH, gridW, kH: g.kH, kW: g.kW, strideH: g.strideH, strideW: g.strideW,
    padH: g.padH, padW: g.padW, dilationH: g.dilationH, dilationW: g.dilationW,
  };
}

/** Starts every output plane at its channel's bias (the products are then added onto it). */
function fillBias(out: TypedArray, bias: TypedArray | null, batch: number, channels: number, plane: number): void {
  if (bias === null) return;
  const o = slots(out);
  const b = slots(bias);
  for (let n = 0, i = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const v = b[c];
      for (let end = i + plane; i < end; i++) o[i] = v;
    }
  }
}

/**
 * out (N, outC, outH, outW), contiguous and zero-filled, += conv(input, weight) + bias. `weight` is
 * contiguous (outC, inC/groups, kH, kW).
 */
export function convolutionForward(g: ConvGeometry, input: ImageOperand, weight: TypedArray, bias: TypedArray | null, out: TypedArray): void {
  const inG = g.inChannels / g.groups;
  const outG = g.outChannels / g.groups;
  const k = inG * g.kH * g.kW;
  const plane = g.outH * g.outW;
  fillBias(out, bias, g.batch, g.outChannels, plane);
  if (plane === 0 || outG === 0) return;
  const w = windowOf(g, g.inH, g.inW, g.outH, g.outW);
  const cols = sameKind(input.data, k * plane);
  const [nStride, cStride, hStride, wStride] = input.strides;
  const imageStrides = [cStride, hStride, wStride];
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      im2col(input.data, input.offset + n * nStride + grp * inG * cStride, imageStrides, inG, w, cols);
      const o = (n * g.outChannels + grp * outG) * plane;
      gemm(
        1, outG, plane, k,
        { data: weight, offset: grp * outG * k, batchStride: 0, rowStride: k, colStride: 1 },
        { data: cols, offset: 0, batchStride: 0, rowStride: plane, colStride: 1 },
        out.subarray(o, o + outG * plane),
      );
    }
  }
}

/**
 * out (N, outC, outH, outW), contiguous and zero-filled, += conv_transpose(input, weight) + bias.
 * `input` (N, inC, inH, inW) and `weight` (inC, outC/groups, kH, kW) are contiguous.
 */
export function convolutionTransposeForward(g: ConvGeometry, input: TypedArray, weight: TypedArray, bias: TypedArray | null, out: TypedArray): void {
  const inG = g.inChannels / g.groups;
  const outG = g.outChannels / g.groups;
  const rows = outG * g.kH * g.kW;
  const grid = g.inH * g.inW;
  const plane = g.outH * g.outW;
  fillBias(out, bias, g.batch, g.outChannels, plane);
  if (rows === 0 || grid === 0) return;
  const w = windowOf(g, g.outH, g.outW, g.inH, g.inW);
  const cols = sameKind(out, rows * grid);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      if (n > 0 || grp > 0) zeroFill(cols);
      gemm(
        1, rows, grid, inG,
        { data: weight, offset: grp * inG * rows, batchStride: 0, rowStride: 1, colStride: rows },
        { data: input, offset: (n * g.inChannels + grp * inG) * grid, batchStride: 0, rowStride: grid, colStride: 1 },
        cols,
      );
      col2im(cols, outG, w, out, (n * g.outChannels + grp * outG) * plane);
    }
  }
}
