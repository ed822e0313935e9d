#include "conv.h"

#include <cstring>

#include "buffer.h"
#include "gemm.h"
#include "threadpool.h"

namespace tstorch {
namespace {

/**
 * js/conv.ts's Window: image (img_h x img_w) and grid of window positions (grid_h x grid_w); position
 * (gh, gw) with tap (kh, kw) reads pixel (gh*stride_h - pad_h + kh*dilation_h, gw*stride_w - pad_w + kw*dilation_w).
 */
struct Window {
  int64_t img_h, img_w, grid_h, grid_w;
  const ConvGeometry* g;
};

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
 * Calls run(row, c, ih, iw, col, count) for every tap row (c, kh, kw) and grid row gh: the window
 * positions col .. col + count - 1 of that grid row whose tap lands inside the image read pixels
 * (ih, iw), (ih, iw + stride_w), ... of channel c. Taps in the padding are skipped.
 */
template <typename F>
void for_each_tap_run(int64_t channels, const Window& w, F run) {
  const ConvGeometry& g = *w.g;
  int64_t row = 0;
  for (int64_t c = 0; c < channels; c++) {
    for (int64_t kh = 0; kh < g.k_h; kh++) {
      int64_t h_lo, h_hi;
      inside(kh, w.img_h, w.grid_h, g.stride_h, g.pad_h, g.dilation_h, &h_lo, &h_hi);
      for (int64_t kw = 0; kw < g.k_w; kw++, row++) {
        int64_t w_lo, w_hi;
        inside(kw, w.img_w, w.grid_w, g.stride_w, g.pad_w, g.dilation_w, &w_lo, &w_hi);
        for (int64_t gh = h_lo; gh < h_hi; gh++) {
          run(row, c, gh * g.stride_h - g.pad_h + kh * g.dilation_h, w_lo * g.stride_w - g.pad_w + kw * g.dilation_w,
              gh * w.grid_w + w_lo, w_hi - w_lo);
        }
      }
    }
  }
}

/**
 * One image's `channels` channels (strides cs, hs, ws from src) unfolded into cols: a row per tap
 * (c, kh, kw) and a column per window position, at (row * row_stride + col * col_stride). Taps in
 * the padding are not written: the buffer starts at zero and they stay zero for the same window.
 */
template <typename T>
void im2col(const T* src, int64_t cs, int64_t hs, int64_t ws, int64_t channels, const Window& w, T* cols, int64_t row_stride, int64_t col_stride) {
  const int64_t step = w.g->stride_w * ws;
  for_each_tap_run(channels, w, [&](int64_t row, int64_t c, int64_t ih, int64_t iw, int64_t col, int64_t count) {
    const T* from = src + c * cs + ih * hs + iw * ws;
    T* to = cols + row * row_stride + col * col_stride;
    if (step == 1 && col_stride == 1) {
      for (int64_t i = 0; i < count; i++) to[i] = from[i];
    } else {
      for (int64_t i = 0; i < count; i++) to[i * col_stride] = from[i * step];
    }
  });
}

/** The adjoint of im2col: adds cols [channels*kH*kW, grid] (rows row_stride apart) into a contiguous image. */
template <typename T>
void col2im(const T* cols, int64_t row_stride, int64_t channels, const Window& w, T* dst) {
  const int64_t plane = w.img_h * w.img_w;
  const int64_t step = w.g->stride_w;
  for_each_tap_run(channels, w, [&](int64_t row, int64_t c, int64_t ih, int64_t iw, int64_t col, int64_t count) {
    T* to = dst + c * plane + ih * w.img_w + iw;
    const T* from = cols + row * row_stride + col;
    for (int64_t i = 0; i < count; i++) to[i * step] += from[i];
  });
}

/** Starts every output plane at its channel's bias (the products are added onto it). */
template <typename T>
void fill_bias(T* out, const T* bias, int64_t batch, int64_t channels, int64_t plane) {
  if (bias == nullptr) return;
  for (int64_t n = 0; n < batch; n++)
    for (int64_t c = 0; c < channels; c++) {
      T* dst = out + (n * channels + c) * plane;
      for (int64_t i = 0; i < plane; i++) dst[i] = bias[c];
    }
}

/**
 * Runs per_chunk(begin, end) over chunks of images: in parallel (each product serial, the BLAS held
 * to one thread) when there are at least two, else on the calling thread with threaded products.
 */
template <typename F>
void over_chunks(int64_t chunks, int64_t work_per_chunk, F per_chunk) {
  // Below about a million multiply-adds a chunk, one thread is faster than waking another.
  const int64_t grain = work_per_chunk >= (1 << 20) ? 1 : (((1 << 20) + work_per_chunk - 1) / (work_per_chunk > 0 ? work_per_chunk : 1));
  const bool parallel = threads_for(chunks, grain) > 1;
  SerialBlasScope serial(parallel);
  parallel_for(chunks, grain, per_chunk);
}

/**
 * The images of a batch in runs that share one product. Small planes are laid side by side, so that
 * a product has at least kMinColumns columns: thin products and the BLAS's per-call overhead are what
 * make small convolutions slow. Runs depend on the shapes only (never on the thread count).
 */
struct ImageRuns {
  static constexpr int64_t kMinColumns = 512;

  ImageRuns(int64_t batch, int64_t plane) : batch(batch), plane(plane) {
    const int64_t wanted = plane >= kMinColumns ? 1 : (kMinColumns + plane - 1) / plane;
    per_run = wanted < batch ? wanted : (batch > 0 ? batch : 1);
    runs = (batch + per_run - 1) / per_run;
  }

  int64_t first(int64_t run) const { return run * per_run; }
  int64_t count(int64_t run) const { return batch - first(run) < per_run ? batch - first(run) : per_run; }

  int64_t batch, plane, per_run, runs;
};

/** Copies planes [first, first + count) of `channels` channels from (N, C, plane) `src` side by side into dst [channels, count * plane]. */
template <typename T>
void gather_planes(const T* src, int64_t src_channels, int64_t channel0, int64_t channels, int64_t first, int64_t count, int64_t plane, T* dst) {
  const int64_t width = count * plane;
  for (int64_t i = 0; i < count; i++)
    for (int64_t c = 0; c < channels; c++)
      std::memcpy(dst + c * width + i * plane, src + ((first + i) * src_channels + channel0 + c) * plane, static_cast<size_t>(plane) * sizeof(T));
}

/**
 * An im2col buffer for runs of images: the padding taps it never writes must be zero, so it is
 * cleared whenever a run of another length (another row stride) moves them.
 */
template <typename T>
class RunColumns {
 public:
  RunColumns(int64_t rows, int64_t per_run, int64_t plane) : buffer_(rows * per_run * plane), count_(per_run) {}

  T* for_run(int64_t count) {
    if (count != count_) {
      buffer_.zero();
      count_ = count;
    }
    return buffer_.data();
  }

 private:
  Buffer<T> buffer_;
  int64_t count_;
};

}  // namespace

template <typename T>
void convolution_forward(const ConvGeometry& g, Image<T> input, const T* weight, const T* bias, T* out) {
  const int64_t in_g = g.in_channels / g.groups;
  const int64_t out_g = g.out_channels / g.groups;
  const int64_t k = in_g * g.k_h * g.k_w;
  const int64_t plane = g.out_h * g.out_w;
  fill_bias(out, bias, g.batch, g.out_channels, plane);
  if (plane == 0 || out_g == 0 || k == 0) return;
  const Window w = {g.in_h, g.in_w, g.out_h, g.out_w, &g};
  const ImageRuns runs(g.batch, plane);
  over_chunks(runs.runs, runs.per_run * g.out_channels * k * plane, [&](int64_t begin, int64_t end) {
    RunColumns<T> columns(k, runs.per_run, plane);
    Buffer<T> product(runs.per_run > 1 ? out_g * runs.per_run * plane : 0);
    for (int64_t run = begin; run < end; run++) {
      const int64_t first = runs.first(run), count = runs.count(run), width = count * plane;
      T* cols = columns.for_run(count);
      for (int64_t grp = 0; grp < g.groups; grp++) {
        for (int64_t i = 0; i < count; i++) {
          const T* src = input.data + (first + i) * input.strides[0] + grp * in_g * input.strides[1];
          im2col(src, input.strides[1], input.strides[2], input.strides[3], in_g, w, cols + i * plane, width, 1);
        }
        const MatrixRef<T> filters = {weight + grp * out_g * k, k, 1};
        if (count == 1) {
          gemm<T>(out_g, plane, k, filters, {cols, plane, 1}, out + (first * g.out_channels + grp * out_g) * plane, plane);
          continue;
        }
        product.zero();
        gemm<T>(out_g, width, k, filters, {cols, width, 1}, product.data(), width);
        for (int64_t i = 0; i < count; i++)
          for (int64_t o = 0; o < out_g; o++) {
            T* dst = out + ((first + i) * g.out_channels + grp * out_g + o) * plane;
            const T* from = product.data() + o * width + i * plane;
            for (int64_t p = 0; p < plane; p++) dst[p] += from[p];
          }
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
  fill_bias(out, bias, g.batch, g.out_channels, plane);
  if (rows == 0 || grid == 0 || in_g == 0) return;
  const Window w = {g.out_h, g.out_w, g.in_h, g.in_w, &g};
  const ImageRuns runs(g.batch, grid);
  over_chunks(runs.runs, runs.per_run * g.groups * rows * grid * in_g, [&](int64_t begin, int64_t end) {
    Buffer<T> cols(rows * runs.per_run * grid);
    Buffer<T> gathered(runs.per_run > 1 ? in_g * runs.per_run * grid : 0);
    for (int64_t run = begin; run < end; run++) {
      const int64_t first = runs.first(run), count = runs.count(run), width = count * grid;
      for (int64_t grp = 0; grp < g.groups; grp++) {
        MatrixRef<T> images = {input + (first * g.in_channels + grp * in_g) * grid, grid, 1};
        if (count > 1) {
          gather_planes(input, g.in_channels, grp * in_g, in_g, first, count, grid, gathered.data());
          images = {gathered.data(), width, 1};
        }
        cols.zero();
        gemm<T>(rows, width, in_g, {weight + grp * in_g * rows, 1, rows}, images, cols.data(), width);
        for (int64_t i = 0; i < count; i++)
          col2im(cols.data() + i * grid, width, out_g, w, out + ((first + i) * g.out_channels + grp * out_g) * plane);
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
  if (plane == 0 || k == 0 || out_g == 0 || g.batch == 0) return;
  const Window w = {g.in_h, g.in_w, g.out_h, g.out_w, &g};
  const ImageRuns runs(g.batch, plane);
  // The runs are summed in a fixed number of partial sums, each over a fixed span of runs, added in
  // order at the end: the result is then the same for any thread count.
  const int64_t parts = runs.runs < 8 ? runs.runs : 8;
  const int64_t per_part = (runs.runs + parts - 1) / parts;
  const int64_t size = g.out_channels * k;
  Buffer<T> partials(parts > 1 ? (parts - 1) * size : 0);
  over_chunks(parts, per_part * runs.per_run * g.out_channels * k * plane, [&](int64_t begin, int64_t end) {
    RunColumns<T> columns(k, runs.per_run, plane);
    Buffer<T> gathered(runs.per_run > 1 ? out_g * runs.per_run * plane : 0);
    for (int64_t part = begin; part < end; part++) {
      T* acc = part == 0 ? out : partials.data() + (part - 1) * size;
      const int64_t last = (part + 1) * per_part < runs.runs ? (part + 1) * per_part : runs.runs;
      for (int64_t run = part * per_part; run < last; run++) {
        const int64_t first = runs.first(run), count = runs.count(run), width = count * plane;
        T* cols = columns.for_run(count);
        for (int64_t grp = 0; grp < g.groups; grp++) {
          for (int64_t i = 0; i < count; i++) {
            const T* src = input.data + (first + i) * input.strides[0] + grp * in_g * input.strides[1];
            im2col(src, input.strides[1], input.strides[2], input.strides[3], in_g, w, cols + i * plane, width, 1);
          }
          MatrixRef<T> grads = {grad_output + (first * g.out_channels + grp * out_g) * plane, plane, 1};
          if (count > 1) {
            gather_planes(grad_output, g.out_channels, grp * out_g, out_g, first, count, plane, gathered.data());
            grads = {gathered.data(), width, 1};
          }
          // The unfolded images enter transposed ([width, k] read down the columns of cols).
          gemm<T>(out_g, k, width, grads, {cols, 1, width}, acc + grp * out_g * k, k);
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
