#include "pooling.h"

#include <cstring>
#include <limits>

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

}  // namespace

template <typename T>
void max_pool2d(const PoolGeometry& geometry, const T* input, T* out, int64_t* indices) {
  // A copy in locals: stores through `out` and `indices` could otherwise alias the geometry's fields
  // and force a reload of each after every store.
  const PoolGeometry g = geometry;
  const int64_t in_plane = g.in_h * g.in_w;
  const int64_t out_plane = g.out_h * g.out_w;
  const int64_t window = g.k_h * g.k_w;
  const int64_t work = out_plane * (window > 0 ? window : 1);
  parallel_for(g.planes, work >= (1 << 16) ? 1 : ((1 << 16) + work - 1) / (work > 0 ? work : 1), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; p++) {
      const T* x = input + p * in_plane;
      int64_t o = p * out_plane;
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
          for (int64_t h = h0; h < h1; h += g.dilation_h) {
            for (int64_t w = w0; w < w1; w += g.dilation_w) {
              const int64_t i = h * g.in_w + w;
              const T v = x[i];
              const bool take = (v > max_value) | (v != v);
              max_value = select(take, v, max_value);
              max_index += (i - max_index) & -static_cast<int64_t>(take);
            }
          }
          out[o] = max_value;
          indices[o] = max_index;
        }
      }
    }
  });
}

template void max_pool2d<float>(const PoolGeometry&, const float*, float*, int64_t*);
template void max_pool2d<double>(const PoolGeometry&, const double*, double*, int64_t*);

}  // namespace tstorch
