// Convolution kernels of the JS backend: im2col and col2im around a matrix product.
//
// A convolution is one matrix product per image and group: the weight [outC/g, inC/g*kH*kW] times the
// image unfolded into columns (im2col) [inC/g*kH*kW, outH*outW], written straight into the output. A
// transposed convolution multiplies the transposed weight [outC/g*kH*kW, inC/g] by the image
// [inC/g, inH*inW] and folds the columns back into the output (col2im), summing overlapping windows.
// The weight gradient multiplies the output gradient [outC/g, outH*outW] by the image unfolded into
// rows [outH*outW, inC/g*kH*kW], summed over the images. One-dimensional convolutions run as
// two-dimensional ones of height 1.
//
// Precision: the caller chooses the accumulator (`out`). Floating-point convolutions accumulate in a
// float64 buffer (for float32, rounded once at the end): PyTorch's kernels (oneDNN, BLAS) accumulate
// float32 in float32 in an order of their own, so neither result is the other bit for bit, and the
// float64 sum keeps tstorch's part of the difference to one rounding. Integer dtypes accumulate in
// their own typed array through gemm.ts, whose stores wrap like C++ integer arithmetic; int64 as BigInt.
//
// Speed: float products run in `blockedProduct`, which keeps a 2 x 4 block of the result in local
// variables along the whole inner dimension (8 multiply-adds per 6 loads), about twice as fast as
// gemm.ts's row-streaming loop on these shapes.
import type { NumberArray, TypedArray } from '../../tensor/dtype.js';
import { gemm } from './gemm.js';
import type { WindowParams } from './pooling.js';

/** Sizes and window parameters of a convolution over (N, C, H, W) images. */
export interface ConvGeometry extends WindowParams {
  readonly batch: number;
  readonly groups: number;
  readonly inChannels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outChannels: number;
  readonly outH: number;
  readonly outW: number;
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

// ---- matrix products ----

/** A matrix inside a flat array: element (i, j) is at offset + i * rowStride + j * colStride. */
interface Matrix {
  readonly data: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * c[cOffset + i*n + j] += Σ_p a(i, p) * b(p, j) for i < m, j < n. Float accumulators (Float64Array)
 * take the blocked loop; integer ones gemm.ts (its wrapping and BigInt arithmetic).
 */
function product(m: number, n: number, k: number, a: Matrix, b: Matrix, c: TypedArray, cOffset: number): void {
  if (c instanceof Float64Array && b.colStride === 1) {
    blockedProduct(m, n, k, a, b, c, cOffset);
    return;
  }
  gemm(1, m, n, k, { ...a, batchStride: 0 }, { ...b, batchStride: 0 }, c.subarray(cOffset, cOffset + m * n));
}

/**
 * The float product of `product` for a `b` with contiguous rows: pairs of rows of `c` in blocks of
 * four columns, each block summed in locals over the whole of k (the order of the terms along k is
 * the plain one, as in gemm.ts); a last odd row in blocks of eight columns; leftover columns one by one.
 */
function blockedProduct(m: number, n: number, k: number, a: Matrix, b: Matrix, c: Float64Array, cOffset: number): void {
  const A = a.data as NumberArray;
  const B = b.data as NumberArray;
  const { rowStride: ars, colStride: acs } = a;
  const brs = b.rowStride;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const c0 = cOffset + i * n + j;
      const c1 = c0 + n;
      let s00 = c[c0], s01 = c[c0 + 1], s02 = c[c0 + 2], s03 = c[c0 + 3];
      let s10 = c[c1], s11 = c[c1 + 1], s12 = c[c1 + 2], s13 = c[c1 + 3];
      let p0 = a.offset + i * ars;
      let q = b.offset + j;
      for (let p = 0; p < k; p++, p0 += acs, q += brs) {
        const x0 = A[p0];
        const x1 = A[p0 + ars];
        const y0 = B[q], y1 = B[q + 1], y2 = B[q + 2], y3 = B[q + 3];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03;
      c[c1] = s10; c[c1 + 1] = s11; c[c1 + 2] = s12; c[c1 + 3] = s13;
    }
    productTail(i, i + 2, j, n, k, a, b, c, cOffset);
  }
  if (i < m) {
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const c0 = cOffset + i * n + j;
      let s0 = c[c0], s1 = c[c0 + 1], s2 = c[c0 + 2], s3 = c[c0 + 3], s4 = c[c0 + 4], s5 = c[c0 + 5], s6 = c[c0 + 6], s7 = c[c0 + 7];
      let p0 = a.offset + i * ars;
      let q = b.offset + j;
      for (let p = 0; p < k; p++, p0 += acs, q += brs) {
        const x = A[p0];
        s0 += x * B[q]; s1 += x * B[q + 1]; s2 += x * B[q + 2]; s3 += x * B[q + 3];
        s4 += x * B[q + 4]; s5 += x * B[q + 5]; s6 += x * B[q + 6]; s7 += x * B[q + 7];
      }
      c[c0] = s0; c[c0 + 1] = s1; c[c0 + 2] = s2; c[c0 + 3] = s3; c[c0 + 4] = s4; c[c0 + 5] = s5; c[c0 + 6] = s6; c[c0 + 7] = s7;
    }
    productTail(i, i + 1, j, n, k, a, b, c, cOffset);
  }
}

/** Columns j0.. of rows i0..i1 of blockedProduct, one element at a time. */
function productTail(i0: number, i1: number, j0: number, n: number, k: number, a: Matrix, b: Matrix, c: Float64Array, cOffset: number): void {
  const A = a.data as NumberArray;
  const B = b.data as NumberArray;
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < n; j++) {
      let s = c[cOffset + i * n + j];
      let p0 = a.offset + i * a.rowStride;
      let q = b.offset + j;
      for (let p = 0; p < k; p++, p0 += a.colStride, q += b.rowStride) s += A[p0] * B[q];
      c[cOffset + i * n + j] = s;
    }
  }
}

// ---- unfolding ----

/**
 * The sliding window between an image (imgH x imgW per channel) and the grid of window positions
 * (gridH x gridW): position (gh, gw) with kernel tap (kh, kw) reads image pixel
 * (gh*strideH - padH + kh*dilationH, gw*strideW - padW + kw*dilationW).
 */
interface Window extends WindowParams {
  readonly imgH: number;
  readonly imgW: number;
  readonly gridH: number;
  readonly gridW: number;
}

function windowOf(g: ConvGeometry, imgH: number, imgW: number, gridH: number, gridW: number): Window {
  return {
    imgH, imgW, gridH, gridW, kH: g.kH, kW: g.kW, strideH: g.strideH, strideW: g.strideW,
    padH: g.padH, padW: g.padW, dilationH: g.dilationH, dilationW: g.dilationW,
  };
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
 * column strides) into a matrix with one row per tap (c, kh, kw) and one column per window position,
 * stored with the given row and column strides. Taps in the padding are left untouched: they are zero
 * in a fresh buffer and stay zero when the buffer is reused with the same window.
 */
function im2col(src: TypedArray, base: number, strides: readonly number[], channels: number, w: Window, cols: TypedArray, rowStride: number, colStride: number): void {
  const s = slots(src);
  const d = slots(cols);
  const [cStride, hStride, wStride] = strides;
  const step = w.strideW * wStride;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kh = 0; kh < w.kH; kh++) {
      const [hLo, hHi] = inside(kh, w.imgH, w.gridH, w.strideH, w.padH, w.dilationH);
      for (let kw = 0; kw < w.kW; kw++, row++) {
        const [wLo, wHi] = inside(kw, w.imgW, w.gridW, w.strideW, w.padW, w.dilationW);
        for (let gh = hLo; gh < hHi; gh++) {
          const ih = gh * w.strideH - w.padH + kh * w.dilationH;
          let from = base + c * cStride + ih * hStride + (wLo * w.strideW - w.padW + kw * w.dilationW) * wStride;
          let to = row * rowStride + (gh * w.gridW + wLo) * colStride;
          for (let gw = wLo; gw < wHi; gw++, from += step, to += colStride) d[to] = s[from];
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

// ---- convolutions ----

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
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      im2col(input.data, input.offset + n * nStride + grp * inG * cStride, [cStride, hStride, wStride], inG, w, cols, plane, 1);
      product(
        outG, plane, k,
        { data: weight, offset: grp * outG * k, rowStride: k, colStride: 1 },
        { data: cols, offset: 0, rowStride: plane, colStride: 1 },
        out, (n * g.outChannels + grp * outG) * plane,
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
      product(
        rows, grid, inG,
        { data: weight, offset: grp * inG * rows, rowStride: 1, colStride: rows },
        { data: input, offset: (n * g.inChannels + grp * inG) * grid, rowStride: grid, colStride: 1 },
        cols, 0,
      );
      col2im(cols, outG, w, out, (n * g.outChannels + grp * outG) * plane);
    }
  }
}

/**
 * out (outC, inC/groups, kH, kW), contiguous and zero-filled, += the gradient of conv(input, weight)
 * with respect to the weight, for the output gradient `gradOutput` (N, outC, outH, outW), contiguous.
 */
export function convolutionWeightGrad(g: ConvGeometry, input: ImageOperand, gradOutput: TypedArray, out: TypedArray): void {
  const inG = g.inChannels / g.groups;
  const outG = g.outChannels / g.groups;
  const k = inG * g.kH * g.kW;
  const plane = g.outH * g.outW;
  if (plane === 0 || k === 0) return;
  const w = windowOf(g, g.inH, g.inW, g.outH, g.outW);
  // The unfolded image with one row per window position, so that both operands have contiguous rows.
  const rows = sameKind(input.data, plane * k);
  const [nStride, cStride, hStride, wStride] = input.strides;
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      im2col(input.data, input.offset + n * nStride + grp * inG * cStride, [cStride, hStride, wStride], inG, w, rows, 1, k);
      product(
        outG, k, plane,
        { data: gradOutput, offset: (n * g.outChannels + grp * outG) * plane, rowStride: plane, colStride: 1 },
        { data: rows, offset: 0, rowStride: k, colStride: 1 },
        out, grp * outG * k,
      );
    }
  }
}
