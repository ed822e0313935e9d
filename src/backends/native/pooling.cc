#include "pooling.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>

#include "kernels.h"
#include "threadpool.h"

namespace tstorch {
namespace {

template <typename T> struct BitsOf;
template <> struct BitsOf<float> { using type = uint32_t; };
template <> struct BitsOf<double> { using type = uint64_t; };

/**
 * take ? a : b through integer masks: which element of a window wins depends on the data, so the
 * branch the compiler would emit for a float select mispredicts about once a window.
 */
template <typename T>
inline T select(bool take, T a, T b) {
  using U = typename BitsOf<T>::type;
  U ua, ub;
  std::memcpy(&ua, &a, sizeof(T));
  std::memcpy(&ub, &b, sizeof(T));
  const U mask = static_cast<U>(0) - static_cast<U>(take);
  const U r = (ua & mask) | (ub & ~mask);
  T result;
  std::memcpy(&result, &r, sizeof(T));
  return result;
}

/** One step of a window's scan: element i (value v) replaces the maximum when larger or nan. */
template <typename T>
inline void consider(T v, int64_t i, T* max_value, int64_t* max_index) {
  const bool take = (v > *max_value) | (v != v);
  *max_value = select(take, v, *max_value);
  *max_index += (i - *max_index) & -static_cast<int64_t>(take);
}

/** One plane, any window: clipped to the image, padding and dilation as js/pooling.ts. */
template <typename T>
void pool_plane(PoolGeometry g, const T* x, T* out, int64_t* indices) {
  int64_t o = 0;
  for (int64_t oh = 0; oh < g.out_h; oh++) {
    int64_t h0 = oh * g.stride_h - g.pad_h;
    const int64_t h_end = h0 + (g.k_h - 1) * g.dilation_h + 1;
    const int64_t h1 = h_end < g.in_h ? h_end : g.in_h;
    while (h0 < 0) h0 += g.dilation_h;
    for (int64_t ow = 0; ow < g.out_w; ow++, o++) {
      int64_t w0 = ow * g.stride_w - g.pad_w;
      const int64_t w_end = w0 + (g.k_w - 1) * g.dilation_w + 1;
      const int64_t w1 = w_end < g.in_w ? w_end : g.in_w;
      while (w0 < 0) w0 += g.dilation_w;
      int64_t max_index = h0 * g.in_w + w0;
      T max_value = -std::numeric_limits<T>::infinity();
      for (int64_t h = h0; h < h1; h += g.dilation_h)
        for (int64_t w = w0; w < w1; w += g.dilation_w) consider(x[h * g.in_w + w], h * g.in_w + w, &max_value, &max_index);
      out[o] = max_value;
      indices[o] = max_index;
    }
  }
}

/**
 * One plane whose windows all lie inside the image (no padding, no dilation: the usual pooling
 * layers), with the window size fixed at compile time so that its scan is straight-line code.
 */
template <typename T, int KH, int KW>
void pool_plane_inside(PoolGeometry g, const T* x, T* out, int64_t* indices) {
  int64_t o = 0;
  for (int64_t oh = 0; oh < g.out_h; oh++) {
    for (int64_t ow = 0; ow < g.out_w; ow++, o++) {
      const int64_t base = oh * g.stride_h * g.in_w + ow * g.stride_w;
      int64_t max_index = base;
      T max_value = -std::numeric_limits<T>::infinity();
      for (int kh = 0; kh < KH; kh++)
        for (int kw = 0; kw < KW; kw++) consider(x[base + kh * g.in_w + kw], base + kh * g.in_w + kw, &max_value, &max_index);
      out[o] = max_value;
      indices[o] = max_index;
    }
  }
}

/** 2x2 windows at stride 2 a vector of outputs at a time: the kernel table's max_pool_2x2. */
template <typename T>
void pool_plane_2x2_stride_2(PoolGeometry g, const T* x, T* out, int64_t* indices) {
  kernels<T>().max_pool_2x2(x, g.in_w, g.out_h, g.out_w, out, indices);
}

template <typename T>
// The geometry goes by value: a copy of its own the kernel's stores cannot alias, so the compiler
// keeps its fields in registers instead of reloading them after every store.
using PlaneFn = void (*)(PoolGeometry, const T*, T*, int64_t*);

/**
 * The plane kernel for g: a fixed-size one for 2x2 and 3x3 windows that never leave the image, a
 * vector one for 2x2 windows at stride 2 (the usual pooling layer) over rows wide enough.
 */
template <typename T>
PlaneFn<T> plane_kernel(const PoolGeometry& g) {
  const bool inside = g.pad_h == 0 && g.pad_w == 0 && g.dilation_h == 1 && g.dilation_w == 1 &&
                      (g.out_h == 0 || (g.out_h - 1) * g.stride_h + g.k_h <= g.in_h) &&
                      (g.out_w == 0 || (g.out_w - 1) * g.stride_w + g.k_w <= g.in_w);
  // The vector kernel needs a row of outputs at least a vector wide, and window offsets within int32.
  if (inside && g.k_h == 2 && g.k_w == 2 && g.stride_h == 2 && g.stride_w == 2 && g.out_w >= kVectorBytes / static_cast<int64_t>(sizeof(T)) &&
      g.in_w < (int64_t{1} << 30)) {
    return pool_plane_2x2_stride_2<T>;
  }
  if (inside && g.k_h == 2 && g.k_w == 2) return pool_plane_inside<T, 2, 2>;
  if (inside && g.k_h == 3 && g.k_w == 3) return pool_plane_inside<T, 3, 3>;
  return pool_plane<T>;
}

}  // namespace

template <typename T>
void max_pool2d(const PoolGeometry& g, const T* input, T* out, int64_t* indices) {
  const int64_t in_plane = g.in_h * g.in_w;
  const int64_t out_plane = g.out_h * g.out_w;
  const int64_t window = g.k_h * g.k_w;
  const int64_t work = out_plane * (window > 0 ? window : 1);
  const PlaneFn<T> kernel = plane_kernel<T>(g);
  parallel_for(g.planes, work >= (1 << 16) ? 1 : ((1 << 16) + work - 1) / (work > 0 ? work : 1), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; p++) kernel(g, input + p * in_plane, out + p * out_plane, indices + p * out_plane);
  });
}

template void max_pool2d<float>(const PoolGeometry&, const float*, float*, int64_t*);
template void max_pool2d<double>(const PoolGeometry&, const double*, double*, int64_t*);

template <typename T>
bool max_pool_backward(int64_t planes, int64_t in_plane, int64_t out_plane, const T* grad, const int64_t* indices, T* out) {
  // Indices come from JavaScript unchecked: one outside its plane stops the kernel, which declines.
  std::atomic<bool> bad{false};
  parallel_for(planes, out_plane >= (1 << 14) ? 1 : ((1 << 14) + out_plane - 1) / (out_plane > 0 ? out_plane : 1), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; p++) {
      const T* g = grad + p * out_plane;
      const int64_t* idx = indices + p * out_plane;
      T* o = out + p * in_plane;
      // The output arrives uninitialised: each plane is zeroed by the thread that adds into it.
      std::fill(o, o + in_plane, T(0));
      for (int64_t j = 0; j < out_plane; j++) {
        const uint64_t i = static_cast<uint64_t>(idx[j]);
        if (i >= static_cast<uint64_t>(in_plane)) {
          bad.store(true, std::memory_order_relaxed);
          return;
        }
        o[i] += g[j];
      }
    }
  });
  if (!bad.load()) return true;
  std::memset(out, 0, static_cast<size_t>(planes * in_plane) * sizeof(T));
  return false;
}

template bool max_pool_backward<float>(int64_t, int64_t, int64_t, const float*, const int64_t*, float*);
template bool max_pool_backward<double>(int64_t, int64_t, int64_t, const double*, const int64_t*, double*);

}  // namespace tstorch
