// Strided copies (a tensor's contiguous(), the parts of a cat) and row gathers (index_select, an
// embedding lookup): elements of 1, 2, 4 or 8 bytes moved
// as bits, so that one kernel serves every dtype.
#pragma once
#include <cstdint>

namespace tstorch {

/** The dims copy_strided takes; the caller merges and pads a copy's dims to this many. */
constexpr int kCopyDims = 4;

/**
 * dst[sum of i_d * dst_strides[d]] = src[sum of i_d * src_strides[d]] for 0 <= i_d < sizes[d], strides
 * in elements of `bytes` bytes (1, 2, 4 or 8); src and dst do not overlap.
 */
void copy_strided(int bytes, const void* src, const int64_t* src_strides, void* dst, const int64_t* dst_strides, const int64_t* sizes);

/** Row i of dst (rows of `row_bytes` bytes, one after another) = the row of src at byte offset starts[i], for i < count. */
void gather_rows(const char* src, const int64_t* starts, int64_t count, int64_t row_bytes, char* dst);

}  // namespace tstorch
