// Max pooling as src/backends/js/pooling.ts's maxPool2d, threaded over planes.
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

}  // namespace tstorch
