#include "conv.h"

#include <algorithm>

#include "buffer.h"
#include "conv_window.h"
#include "gemm.h"
#include "kernels.h"
#include "threadpool.h"

namespace tstorch {
namespace {

/** The adjoint of im2col: adds cols [channels*kH*kW, grid] into a contiguous image. */
template <typename T>
void col2im(const T* cols, int64_t channels, const ConvWindow& w, T* dst) {
  const int64_t grid = w.grid_h * w.grid_w;
  const int64_t plane = w.img_h * w.img_w;
  const int64_t step = w.g->stride_w;
  const int64_t to_step = w.g->stride_h * w.img_w;
  for_each_tap_run(channels, w, [&](int64_t row, int64_t c, int64_t ih, int64_t iw, int64_t col, int64_t count, int64_t rows) {
    T* to = dst + c * plane + ih * w.img_w + iw;
    const T* from = cols + row * grid + col;
    for (int64_t r = 0; r < rows; r++, to += to_step, from += w.grid_w) {
      for (int64_t i = 0; i < count; i++) to[i * step] += from[i];
    }
  });
}

/**
 * Starts an image's output planes at their channel's bias, or at zero without one (the products are
 * added onto them): the output arrives uninitialised, and each image's planes are written here, by the
 * thread that adds into them next, while they are in its cache.
 */
template <typename T>
void start_image(T* out, const T* bias, int64_t channels, int64_t plane) {
  for (int64_t c = 0; c < channels; c++) {
    const T value = bias == nullptr ? T(0) : bias[c];
    std::fill(out + c * plane, out + (c + 1) * plane, value);
  }
}

/** start_image for every image: the whole output, where no products are added. */
template <typename T>
void start_images(T* out, const T* bias, int64_t batch, int64_t channels, int64_t plane) {
  for (int64_t n = 0; n < batch; n++) start_image(out + n * channels * plane, bias, channels, plane);
}

/**
 * Runs per_image(begin, end) over `count` items (images, or spans of them): in parallel (each product
 * serial) when there are at least two, else on the calling thread with threaded products.
 */
template <typename F>
void over_images(int64_t count, int64_t work_per_item, F per_image) {
  // Below about a million multiply-adds an item, one thread is faster than waking another.
  const int64_t grain = work_per_item >= (1 << 20) ? 1 : (((1 << 20) + work_per_item - 1) / (work_per_item > 0 ? work_per_item : 1));
  parallel_for(count, grain, per_image);
}

/** Unfolds image n, group grp of `input` into cols [k, plane] (the forward layout). */
template <typename T>
void unfold(const ConvGeometry& g, const ConvWindow& w, Image<T> input, int64_t n, int64_t grp, T* cols) {
  const int64_t in_g = g.in_channels / g.groups;
  const T* src = input.data + n * input.strides[0] + grp * in_g * input.strides[1];
  kernels<T>().im2col(src, input.strides[1], input.strides[2], input.strides[3], in_g, w, cols);
}

// ---- direct convolution ----

// The forward pass goes to the direct kernel (kernels.h's direct_forward) where it beat im2col +
// OpenBLAS's sgemm when timed per image at one thread, on the blitz network's and the Fashion-MNIST
// example's layers and a few others, and then op by op in one process: stride 1 without dilation, up
// to 8 output channels (a product with so few rows keeps OpenBLAS in its small-matrix kernels at a
// third of its speed), or up to 16 with at least 128 taps (1.2-1.5x on five such layers, even with
// one of 144 taps; with 27 and 72 taps it lost or tied), and output rows at least one vector wide.
// Narrow rows waste lanes (a 9-wide row fills 9 of 16), yet on the Intel machine of 2026-11-29's later
// runs rows 9 to 17 wide ran 1.1-1.8x faster than im2col and sgemm, the blitz network's second layer
// (6 -> 16 channels, 10-wide rows) 1.17x; an earlier rule, rows filling 3/4 of their vectors, came from
// a run on another machine where a 10-wide row lost. The blitz network's first layer (3 -> 6
// channels, 32x32) ran 1.3-1.4x faster, W5 4-11% (interleaved in one process).
// Tried and left with GEMM: a direct weight gradient (faster alone, no faster within the training
// step) and the transposed convolution, the input gradient, as a correlation of its input padded by
// k - 1 (it multiplies the padding too: twice the products for the blitz network's second layer).
constexpr int64_t kDirectMaxChannels = 8;
constexpr int64_t kDirectMaxChannelsManyTaps = 16;
constexpr int64_t kDirectManyTaps = 128;

/**
 * Whether the direct kernel computes g's forward pass. Its windows must lie inside the padded image,
 * as they do for the geometry of a stride-1 convolution (the im2col path, which clips windows, takes
 * any other).
 */
template <typename T>
bool direct_fits(const ConvGeometry& g) {
  constexpr int64_t L = kVectorBytes / sizeof(T);
  const int64_t taps = g.in_channels / g.groups * g.k_h * g.k_w;
  const int64_t out_channels = g.out_channels / g.groups;
  return g.stride_h == 1 && g.stride_w == 1 && g.dilation_h == 1 && g.dilation_w == 1 &&
         g.out_h == g.in_h + 2 * g.pad_h - g.k_h + 1 && g.out_w == g.in_w + 2 * g.pad_w - g.k_w + 1 && g.out_w >= L &&
         taps <= kDirectMaxTaps &&
         (out_channels <= kDirectMaxChannels || (out_channels <= kDirectMaxChannelsManyTaps && taps >= kDirectManyTaps));
}

/** Whether direct_source reads the input itself: unpadded, with contiguous rows. */
template <typename T>
bool direct_in_place(const ConvGeometry& g, Image<T> input) {
  return g.pad_h == 0 && g.pad_w == 0 && input.strides[3] == 1;
}

/**
 * The direct kernel's operand for image n, group grp of the input: the input itself where
 * direct_in_place, else a padded copy in `scratch` (in_g x (in_h + 2 pad_h) x (in_w + 2 pad_w),
 * allocated zeroed: the border stays zero).
 */
template <typename T>
DirectConv<T> direct_source(const ConvGeometry& g, Image<T> input, int64_t n, int64_t grp, T* scratch) {
  const int64_t in_g = g.in_channels / g.groups;
  const T* src = input.data + n * input.strides[0] + grp * in_g * input.strides[1];
  DirectConv<T> d = {src, input.strides[1], input.strides[2], in_g, g.k_h, g.k_w, g.out_channels / g.groups, g.out_h, g.out_w};
  if (direct_in_place(g, input)) return d;
  const int64_t padded_w = g.in_w + 2 * g.pad_w;
  const int64_t padded_plane = (g.in_h + 2 * g.pad_h) * padded_w;
  for (int64_t c = 0; c < in_g; c++) {
    for (int64_t y = 0; y < g.in_h; y++) {
      const T* from = src + c * input.strides[1] + y * input.strides[2];
      T* to = scratch + c * padded_plane + (y + g.pad_h) * padded_w + g.pad_w;
      for (int64_t x = 0; x < g.in_w; x++) to[x] = from[x * input.strides[3]];
    }
  }
  d.src = scratch, d.cs = padded_plane, d.hs = padded_w;
  return d;
}

/** Size of direct_source's scratch. */
template <typename T>
int64_t direct_scratch(const ConvGeometry& g, Image<T> input) {
  return direct_in_place(g, input) ? 0 : g.in_channels / g.groups * (g.in_h + 2 * g.pad_h) * (g.in_w + 2 * g.pad_w);
}

/** convolution_forward by the direct kernel. */
template <typename T>
void direct_convolution_forward(const ConvGeometry& g, Image<T> input, const T* weight, const T* bias, T* out) {
  const int64_t out_g = g.out_channels / g.groups;
  const int64_t taps = g.in_channels / g.groups * g.k_h * g.k_w;
  const int64_t plane = g.out_h * g.out_w;
  // The weights packed as direct_forward takes them (kernels.h), one group after the other.
  const int block = direct_channel_block(out_g);
  const int64_t group_size = (out_g + block - 1) / block * block * taps;
  Buffer<T> packed(g.groups * group_size);
  T* to = packed.data();
  for (int64_t grp = 0; grp < g.groups; grp++)
    for (int64_t first = 0; first < out_g; first += block)
      for (int64_t t = 0; t < taps; t++)
        for (int64_t o = first; o < first + block; o++) *to++ = weight[(grp * out_g + (o < out_g ? o : out_g - 1)) * taps + t];
  over_images(g.batch, g.out_channels * taps * plane, [&](int64_t begin, int64_t end) {
    Buffer<T> scratch(direct_scratch(g, input));
    for (int64_t n = begin; n < end; n++) {
      for (int64_t grp = 0; grp < g.groups; grp++) {
        kernels<T>().direct_forward(direct_source(g, input, n, grp, scratch.data()), packed.data() + grp * group_size, block,
                                    bias == nullptr ? nullptr : bias + grp * out_g, out + (n * g.out_channels + grp * out_g) * plane);
      }
    }
  });
}

}  // namespace

template <typename T>
void convolution_forward(const ConvGeometry& g, Image<T> input, const T* weight, const T* bias, T* out) {
  const int64_t in_g = g.in_channels / g.groups;
  const int64_t out_g = g.out_channels / g.groups;
  const int64_t k = in_g * g.k_h * g.k_w;
  const int64_t plane = g.out_h * g.out_w;
  if (plane == 0 || out_g == 0 || k == 0) return start_images(out, bias, g.batch, g.out_channels, plane);
  if (direct_fits<T>(g)) return direct_convolution_forward(g, input, weight, bias, out);
  const ConvWindow w = {g.in_h, g.in_w, g.out_h, g.out_w, &g};
  over_images(g.batch, g.out_channels * k * plane, [&](int64_t begin, int64_t end) {
    Buffer<T> cols(k * plane);
    for (int64_t n = begin; n < end; n++) {
      start_image(out + n * g.out_channels * plane, bias, g.out_channels, plane);
      for (int64_t grp = 0; grp < g.groups; grp++) {
        unfold(g, w, input, n, grp, cols.data());
        gemm<T>(out_g, plane, k, {weight + grp * out_g * k, k, 1}, {cols.data(), plane, 1},
                out + (n * g.out_channels + grp * out_g) * plane, plane, true);
      }
    }
  });
}

template <typename T>
void convolution_transpose_forward(const ConvGeometry& g, const T* input, const T* weight, const T* bias, T* out) {
  const int64_t in_g = g.in_channels / g.groups;
  const int64_t out_g = g.out_channels / g.groups;
  const int64_t rows = out_g * g.k_h * g.k_w;
  const int64_t grid = g.in_h * g.in_w;
  const int64_t plane = g.out_h * g.out_w;
  if (rows == 0 || grid == 0 || in_g == 0) return start_images(out, bias, g.batch, g.out_channels, plane);
  const ConvWindow w = {g.out_h, g.out_w, g.in_h, g.in_w, &g};
  over_images(g.batch, g.groups * rows * grid * in_g, [&](int64_t begin, int64_t end) {
    Buffer<T> cols(rows * grid);
    for (int64_t n = begin; n < end; n++) {
      start_image(out + n * g.out_channels * plane, bias, g.out_channels, plane);
      for (int64_t grp = 0; grp < g.groups; grp++) {
        gemm<T>(rows, grid, in_g, {weight + grp * in_g * rows, 1, rows},
                {input + (n * g.in_channels + grp * in_g) * grid, grid, 1}, cols.data(), grid, false);
        col2im(cols.data(), out_g, w, out + (n * g.out_channels + grp * out_g) * plane);
      }
    }
  });
}

template <typename T>
void convolution_weight_grad(const ConvGeometry& g, Image<T> input, const T* grad_output, T* out) {
  const int64_t in_g = g.in_channels / g.groups;
  const int64_t out_g = g.out_channels / g.groups;
  const int64_t k = in_g * g.k_h * g.k_w;
  const int64_t plane = g.out_h * g.out_w;
  // The output arrives uninitialised; the first part's products are added onto these zeros.
  std::fill(out, out + g.out_channels * k, T(0));
  if (plane == 0 || k == 0 || out_g == 0 || g.batch == 0) return;
  const ConvWindow w = {g.in_h, g.in_w, g.out_h, g.out_w, &g};
  // The images are summed in a fixed number of partial sums, each over a fixed span of images, added
  // in order at the end: the result is then the same for any thread count.
  const int64_t parts = g.batch < 8 ? g.batch : 8;
  const int64_t per_part = (g.batch + parts - 1) / parts;
  const int64_t size = g.out_channels * k;
  Buffer<T> partials(parts > 1 ? (parts - 1) * size : 0);
  over_images(parts, per_part * g.out_channels * k * plane, [&](int64_t begin, int64_t end) {
    Buffer<T> cols(k * plane);
    for (int64_t part = begin; part < end; part++) {
      T* acc = part == 0 ? out : partials.data() + (part - 1) * size;
      const int64_t last = (part + 1) * per_part < g.batch ? (part + 1) * per_part : g.batch;
      for (int64_t n = part * per_part; n < last; n++) {
        for (int64_t grp = 0; grp < g.groups; grp++) {
          unfold(g, w, input, n, grp, cols.data());
          // The unfolded image enters transposed ([plane, k], read down the columns of cols): the
          // unfolding then writes contiguous runs, as in the forward pass.
          gemm<T>(out_g, k, plane, {grad_output + (n * g.out_channels + grp * out_g) * plane, plane, 1},
                  {cols.data(), 1, plane}, acc + grp * out_g * k, k, true);
        }
      }
    }
  });
  for (int64_t part = 1; part < parts; part++) {
    const T* src = partials.data() + (part - 1) * size;
    for (int64_t i = 0; i < size; i++) out[i] += src[i];
  }
}

template void convolution_forward<float>(const ConvGeometry&, Image<float>, const float*, const float*, float*);
template void convolution_forward<double>(const ConvGeometry&, Image<double>, const double*, const double*, double*);
template void convolution_transpose_forward<float>(const ConvGeometry&, const float*, const float*, const float*, float*);
template void convolution_transpose_forward<double>(const ConvGeometry&, const double*, const double*, const double*, double*);
template void convolution_weight_grad<float>(const ConvGeometry&, Image<float>, const float*, float*);
template void convolution_weight_grad<double>(const ConvGeometry&, Image<double>, const double*, double*);

}  // namespace tstorch
