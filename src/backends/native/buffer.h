// A zero-initialised, 32-byte-aligned scratch array (packed GEMM panels must be aligned for the
// micro-kernel's vector loads; im2col buffers rely on starting at zero).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace tstorch {

template <typename T>
class Buffer {
 public:
  explicit Buffer(int64_t n) : data_(nullptr) {
    size_t bytes = (static_cast<size_t>(n > 0 ? n : 1) * sizeof(T) + 31) & ~static_cast<size_t>(31);
    data_ = static_cast<T*>(std::aligned_alloc(32, bytes));
    if (data_ == nullptr) std::abort();
    std::memset(data_, 0, bytes);
  }
  ~Buffer() { std::free(data_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  T* data() { return data_; }

 private:
  T* data_;
};

}  // namespace tstorch
