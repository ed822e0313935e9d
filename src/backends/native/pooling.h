// Max pooling and its backward as src/backends/js/pooling.ts's maxPool2d and maxPoolBackward,
// threaded over planes.
#pragma once
#include <cstdint>

namespace tstorch {

/** js/pooling.ts's PoolGeometry. */
struct PoolGeometry {
  int64_t planes, in_h, in_w, out_h, out_w, k_h, k_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
};

/** Each window's maximum (nan wins, the last one) and its flat index h * inW + w in its plane. */
template <typename T>
void max_pool2d(const PoolGeometry& g, const T* input, T* out, int64_t* indices);

/**
 * Each gradient added at its plane's index, in js/pooling.ts's order (so the same sums); `out` is
 * zero-filled. False, with `out` zero-filled again, when an index lies outside its plane.
 */
template <typename T>
bool max_pool_backward(int64_t planes, int64_t in_plane, int64_t out_plane, const T* grad, const int64_t* indices, T* out);

}  // namespace tstorch
