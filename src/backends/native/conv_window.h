// The window geometry of a convolution, shared by conv.cc's col2im and the kernels' im2col
// (kernels.inc, compiled once per instruction set). The functions have internal linkage, as
// everything kernels.inc compiles: a copy emitted for AVX2 must not be merged with the portable one.
#pragma once
#include <cstdint>

#include "conv.h"

namespace tstorch {

/**
 * js/conv.ts's Window: image (img_h x img_w) and grid of window positions (grid_h x grid_w); position
 * (gh, gw) with tap (kh, kw) reads pixel (gh*stride_h - pad_h + kh*dilation_h, gw*stride_w - pad_w + kw*dilation_w).
 */
struct ConvWindow {
  int64_t img_h, img_w, grid_h, grid_w;
  const ConvGeometry* g;
};

/** The most taps (input channels x kernel height x kernel width) a direct convolution takes. */
constexpr int64_t kDirectMaxTaps = 400;

/**
 * One image of a stride-1, undilated, unpadded correlation: the operand of the direct convolution
 * kernel (conv.cc pads and packs around it). Output (o, y, x) sums taps(c, i, j, o) *
 * src[c * cs + (y + i) * hs + x + j] over c < channels, i < k_h, j < k_w; columns of src are
 * contiguous and out_w is at least one vector (kernels.h's kVectorBytes) wide.
 */
template <typename T>
struct DirectConv {
  const T* src;
  int64_t cs, hs;
  int64_t channels, k_h, k_w;
  int64_t out_channels, out_h, out_w;
};

/**
 * How many output channels the direct kernel computes together (1 to 4, its register tile
 * holds 12 vectors): the fewest blocks, each costing its FMAs plus about one load, with a last
 * block short of channels repeating its last one.
 */
inline int direct_channel_block(int64_t out_channels) {
  int best = 1;
  int64_t best_cost = out_channels * 2;
  for (int b = 2; b <= 4; b++) {
    const int64_t cost = (out_channels + b - 1) / b * (b + 1);
    if (cost < best_cost) best = b, best_cost = cost;
  }
  return best;
}

namespace {

/** The grid positions [lo, hi) whose tap at kernel offset k lands inside an image dim of `size`. */
inline void inside(int64_t k, int64_t size, int64_t grid, int64_t stride, int64_t pad, int64_t dilation, int64_t* lo, int64_t* hi) {
  const int64_t shift = k * dilation - pad;
  *lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  // floor((size - 1 - shift) / stride) + 1 with a floor that holds for negative numerators too.
  const int64_t num = size - 1 - shift;
  const int64_t last = num >= 0 ? num / stride : -((-num + stride - 1) / stride);
  int64_t h = last + 1 < grid ? last + 1 : grid;
  *hi = h > *lo ? h : *lo;
}

/**
 * Calls run(row, c, ih, iw, col, count, rows) for every tap row (c, kh, kw) with the grid rows whose tap
 * lands inside the image: in each of `rows` grid rows, the window positions col .. col + count - 1 read
 * pixels (ih, iw), (ih, iw + stride_w), ... of channel c, and each next grid row's positions are grid_w
 * further on and read image row ih + stride_h. Taps in the padding are skipped. One call per tap row,
 * not per grid row: the caller's loop over the rows then only advances two pointers.
 */
template <typename F>
void for_each_tap_run(int64_t channels, const ConvWindow& w, F run) {
  const ConvGeometry& g = *w.g;
  int64_t row = 0;
  for (int64_t c = 0; c < channels; c++) {
    for (int64_t kh = 0; kh < g.k_h; kh++) {
      int64_t h_lo, h_hi;
      inside(kh, w.img_h, w.grid_h, g.stride_h, g.pad_h, g.dilation_h, &h_lo, &h_hi);
      for (int64_t kw = 0; kw < g.k_w; kw++, row++) {
        int64_t w_lo, w_hi;
        inside(kw, w.img_w, w.grid_w, g.stride_w, g.pad_w, g.dilation_w, &w_lo, &w_hi);
        if (h_hi > h_lo && w_hi > w_lo) {
          run(row, c, h_lo * g.stride_h - g.pad_h + kh * g.dilation_h, w_lo * g.stride_w - g.pad_w + kw * g.dilation_w,
              h_lo * w.grid_w + w_lo, w_hi - w_lo, h_hi - h_lo);
        }
      }
    }
  }
}

}  // namespace
}  // namespace tstorch
