#include "copy.h"

#include <cstring>

namespace tstorch {
namespace {

/** Rows of a transposed copy moved together: each is read along the source's contiguous dim. */
constexpr int64_t kTransposeBlock = 16;

template <typename E>
void copy_dims(const E* src, const int64_t* ss, E* dst, const int64_t* ds, const int64_t* n) {
  // The last two dims swapped (dst contiguous along dim 3, src along dim 2): a block of dim-2 rows at
  // a time, so that the reads run along the source and the writes stay on a few cache lines.
  const bool transposed = ss[2] == 1 && ds[3] == 1 && ss[3] != 1;
  for (int64_t a = 0; a < n[0]; a++) {
    for (int64_t b = 0; b < n[1]; b++) {
      const E* s2 = src + a * ss[0] + b * ss[1];
      E* d2 = dst + a * ds[0] + b * ds[1];
      if (transposed) {
        for (int64_t c0 = 0; c0 < n[2]; c0 += kTransposeBlock) {
          const int64_t rows = n[2] - c0 < kTransposeBlock ? n[2] - c0 : kTransposeBlock;
          for (int64_t i = 0; i < n[3]; i++) {
            const E* s = s2 + c0 + i * ss[3];
            E* d = d2 + c0 * ds[2] + i;
            for (int64_t c = 0; c < rows; c++) d[c * ds[2]] = s[c];
          }
        }
        continue;
      }
      for (int64_t c = 0; c < n[2]; c++) {
        const E* s = s2 + c * ss[2];
        E* d = d2 + c * ds[2];
        if (ss[3] == 1 && ds[3] == 1) {
          std::memcpy(d, s, static_cast<size_t>(n[3]) * sizeof(E));
        } else {
          for (int64_t i = 0; i < n[3]; i++) d[i * ds[3]] = s[i * ss[3]];
        }
      }
    }
  }
}

}  // namespace

void copy_strided(int bytes, const void* src, const int64_t* src_strides, void* dst, const int64_t* dst_strides, const int64_t* sizes) {
  switch (bytes) {
    case 1: copy_dims(static_cast<const uint8_t*>(src), src_strides, static_cast<uint8_t*>(dst), dst_strides, sizes); break;
    case 2: copy_dims(static_cast<const uint16_t*>(src), src_strides, static_cast<uint16_t*>(dst), dst_strides, sizes); break;
    case 4: copy_dims(static_cast<const uint32_t*>(src), src_strides, static_cast<uint32_t*>(dst), dst_strides, sizes); break;
    case 8: copy_dims(static_cast<const uint64_t*>(src), src_strides, static_cast<uint64_t*>(dst), dst_strides, sizes); break;
    default: break;
  }
}

void gather_rows(const char* src, const int64_t* starts, int64_t count, int64_t row_bytes, char* dst) {
  for (int64_t i = 0; i < count; i++) std::memcpy(dst + i * row_bytes, src + starts[i], static_cast<size_t>(row_bytes));
}

}  // namespace tstorch
