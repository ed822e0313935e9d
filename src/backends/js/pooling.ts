// Pooling kernels of the JS backend: max, average and adaptive pooling over planes (the N*C images of
// an input, each inH x inW, contiguous from `offset`), and the backward passes that spread gradients
// back over the input planes. They follow PyTorch's CPU kernels (MaxPoolKernel.cpp, AvgPoolKernel.cpp,
// AdaptiveAvgPoolKernel.cpp, AdaptiveMaxPoolKernel.cpp) window by window, so that the chosen maximum,
// the divisor and the summation order are PyTorch's.
import type { NumberArray, TypedArray } from '../../tensor/dtype.js';

/** How many planes, and their sizes before and after pooling. */
export interface PlaneSizes {
  readonly planes: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
}

/** A sliding window over an image: its size, steps, zero padding and dilation (pooling and convolution). */
export interface WindowParams {
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/** Planes and window parameters of a pooling. */
export interface PoolGeometry extends PlaneSizes, WindowParams {}

/**
 * int64 indices are written and read through an Int32Array view of their low 32-bit words, which
 * avoids creating a BigInt per element: indices are small and non-negative, so the high words stay as
 * the zero-filled output has them. LOW_WORD is the low word's position in the platform's byte order.
 */
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

function words(a: BigInt64Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** A plane-major operand: plane p, element i is at offset + p * plane size + i. */
export interface PlaneOperand<A extends TypedArray = NumberArray> {
  readonly data: A;
  readonly offset: number;
}

/**
 * The largest element of one window (rows h0, h0+dh, ... below h1; columns likewise) of the plane at
 * `base`, into out[o], and its flat index h * inW + w into the low word of output o's index. A NaN is
 * taken as the maximum (the last NaN of the window); a window of -inf keeps its first element's index.
 */
function windowMax(
  x: NumberArray, base: number, inW: number, h0: number, h1: number, dh: number, w0: number, w1: number, dw: number,
  out: NumberArray, idx: Int32Array, o: number,
): void {
  let maxIndex = h0 * inW + w0;
  let maxValue = -Infinity;
  for (let h = h0; h < h1; h += dh) {
    for (let w = w0; w < w1; w += dw) {
      const i = h * inW + w;
      const v = x[base + i];
      if (v > maxValue || v !== v) {
        maxValue = v;
        maxIndex = i;
      }
    }
  }
  out[o] = maxValue;
  idx[2 * o + LOW_WORD] = maxIndex;
}

/**
 * Max pooling: the largest element of each window and its flat index h * inW + w in its plane (into a
 * zero-filled `indices`). A NaN
 * is taken as the maximum (the last NaN of the window); a window of -inf (or all in the padding) keeps
 * the index of its first valid element.
 */
export function maxPool2d(g: PoolGeometry, input: PlaneOperand, out: NumberArray, indices: BigInt64Array): void {
  const x = input.data;
  const idx = words(indices);
  const inPlane = g.inH * g.inW;
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const base = input.offset + p * inPlane;
    for (let oh = 0; oh < g.outH; oh++) {
      let h0 = oh * g.strideH - g.padH;
      const h1 = Math.min(h0 + (g.kH - 1) * g.dilationH + 1, g.inH);
      while (h0 < 0) h0 += g.dilationH;
      for (let ow = 0; ow < g.outW; ow++, o++) {
        let w0 = ow * g.strideW - g.padW;
        const w1 = Math.min(w0 + (g.kW - 1) * g.dilationW + 1, g.inW);
        while (w0 < 0) w0 += g.dilationW;
        windowMax(x, base, g.inW, h0, h1, g.dilationH, w0, w1, g.dilationW, out, idx, o);
      }
    }
  }
}

/**
 * The backward of max pooling (and of adaptive max pooling): each output gradient is added to the
 * input element its index names (indices as the forward wrote them). `out` is zero-filled, planes *
 * inPlane long.
 */
export function maxPoolBackward(planes: number, inPlane: number, outPlane: number, grad: PlaneOperand, indices: PlaneOperand<BigInt64Array>, out: NumberArray): void {
  const gd = grad.data;
  const id = words(indices.data);
  for (let p = 0; p < planes; p++) {
    const gBase = grad.offset + p * outPlane;
    const iBase = 2 * (indices.offset + p * outPlane) + LOW_WORD;
    const oBase = p * inPlane;
    for (let j = 0; j < outPlane; j++) out[oBase + id[iBase + 2 * j]] += gd[gBase + j];
  }
}

/** The clipped window of average pooling at (oh, ow) and the number PyTorch divides its sum by. */
interface AvgWindow {
  h0: number;
  h1: number;
  w0: number;
  w1: number;
  divisor: number;
}

function avgWindow(g: PoolGeometry, oh: number, ow: number, countIncludePad: boolean, divisorOverride: number | null, win: AvgWindow): void {
  let h0 = oh * g.strideH - g.padH;
  let w0 = ow * g.strideW - g.padW;
  let h1 = Math.min(h0 + g.kH, g.inH + g.padH);
  let w1 = Math.min(w0 + g.kW, g.inW + g.padW);
  const poolSize = (h1 - h0) * (w1 - w0);
  h0 = Math.max(h0, 0);
  w0 = Math.max(w0, 0);
  h1 = Math.min(h1, g.inH);
  w1 = Math.min(w1, g.inW);
  win.h0 = h0;
  win.h1 = h1;
  win.w0 = w0;
  win.w1 = w1;
  win.divisor = divisorOverride ?? (countIncludePad ? poolSize : (h1 - h0) * (w1 - w0));
}

/**
 * Average pooling. Sums run in float64 (or BigInt for int64, divided with C++'s truncation); a window
 * entirely in the padding gives 0.
 */
export function avgPool2d(g: PoolGeometry, countIncludePad: boolean, divisorOverride: number | null, input: PlaneOperand<TypedArray>, out: TypedArray): void {
  const inPlane = g.inH * g.inW;
  const win: AvgWindow = { h0: 0, h1: 0, w0: 0, w1: 0, divisor: 1 };
  const big = input.data instanceof BigInt64Array ? input.data : null;
  const x = input.data as NumberArray;
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const base = input.offset + p * inPlane;
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++, o++) {
        avgWindow(g, oh, ow, countIncludePad, divisorOverride, win);
        if (win.h0 >= win.h1 || win.w0 >= win.w1) continue;
        if (big !== null) {
          let sum = 0n;
          for (let h = win.h0; h < win.h1; h++) for (let w = win.w0; w < win.w1; w++) sum += big[base + h * g.inW + w];
          (out as BigInt64Array)[o] = sum / BigInt(win.divisor);
        } else {
          let sum = 0;
          for (let h = win.h0; h < win.h1; h++) for (let w = win.w0; w < win.w1; w++) sum += x[base + h * g.inW + w];
          (out as NumberArray)[o] = sum / win.divisor;
        }
      }
    }
  }
}

/** The adjoint of avgPool2d: each output gradient, divided by its window's divisor, is added over the window. */
export function avgPool2dBackward(g: PoolGeometry, countIncludePad: boolean, divisorOverride: number | null, grad: PlaneOperand, out: NumberArray): void {
  const inPlane = g.inH * g.inW;
  const win: AvgWindow = { h0: 0, h1: 0, w0: 0, w1: 0, divisor: 1 };
  const gd = grad.data;
  let o = grad.offset;
  for (let p = 0; p < g.planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++, o++) {
        avgWindow(g, oh, ow, countIncludePad, divisorOverride, win);
        const delta = gd[o] / win.divisor;
        for (let h = win.h0; h < win.h1; h++) for (let w = win.w0; w < win.w1; w++) out[base + h * g.inW + w] += delta;
      }
    }
  }
}

/** Adaptive windows: output i of n over an input dim of `size` covers [floor(i*size/n), ceil((i+1)*size/n)). */
function adaptiveStart(i: number, n: number, size: number): number {
  return Math.floor((i * size) / n);
}

function adaptiveEnd(i: number, n: number, size: number): number {
  return Math.floor(((i + 1) * size - 1) / n) + 1;
}

/**
 * Visits the adaptive windows in output order: plane p, output element o (counted over all planes),
 * input rows [h0, h1) and columns [w0, w1) of that plane.
 */
function forEachAdaptiveWindow(g: PlaneSizes, visit: (p: number, o: number, h0: number, h1: number, w0: number, w1: number) => void): void {
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      const h0 = adaptiveStart(oh, g.outH, g.inH);
      const h1 = adaptiveEnd(oh, g.outH, g.inH);
      for (let ow = 0; ow < g.outW; ow++, o++) visit(p, o, h0, h1, adaptiveStart(ow, g.outW, g.inW), adaptiveEnd(ow, g.outW, g.inW));
    }
  }
}

/** Adaptive average pooling: each window's sum / height / width (PyTorch's order of divisions). */
export function adaptiveAvgPool2d(g: PlaneSizes, input: PlaneOperand, out: NumberArray): void {
  const x = input.data;
  const inPlane = g.inH * g.inW;
  forEachAdaptiveWindow(g, (p, o, h0, h1, w0, w1) => {
    const base = input.offset + p * inPlane;
    let sum = 0;
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += x[base + h * g.inW + w];
    out[o] = sum / (h1 - h0) / (w1 - w0);
  });
}

/** The adjoint of adaptiveAvgPool2d. */
export function adaptiveAvgPool2dBackward(g: PlaneSizes, grad: PlaneOperand, out: NumberArray): void {
  const gd = grad.data;
  const inPlane = g.inH * g.inW;
  forEachAdaptiveWindow(g, (p, o, h0, h1, w0, w1) => {
    const base = p * inPlane;
    const delta = gd[grad.offset + o] / (h1 - h0) / (w1 - w0);
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) out[base + h * g.inW + w] += delta;
  });
}

/** Adaptive max pooling (into a zero-filled `indices`), with max pooling's treatment of NaN and of windows of -inf. */
export function adaptiveMaxPool2d(g: PlaneSizes, input: PlaneOperand, out: NumberArray, indices: BigInt64Array): void {
  const x = input.data;
  const idx = words(indices);
  const inPlane = g.inH * g.inW;
  forEachAdaptiveWindow(g, (p, o, h0, h1, w0, w1) => windowMax(x, input.offset + p * inPlane, g.inW, h0, h1, 1, w0, w1, 1, out, idx, o));
}
