// Matrix products for the addon's primitives: the system BLAS when the addon was built with one,
// otherwise (or when switched off for tests) a packed, cache-blocked GEMM over the kernel table's
// micro-kernel.
#pragma once
#include <cstdint>

namespace tstorch {

/** A matrix in memory: element (i, j) is at data[i * rs + j * cs]. */
template <typename T>
struct MatrixRef {
  const T* data;
  int64_t rs;
  int64_t cs;
};

/**
 * c (m x n, row stride ldc) += a (m x k) * b (k x n) when `accumulate`; otherwise c = a * b, c's
 * previous contents unread (it may be uninitialised memory). Threaded over blocks of c when called
 * from the JavaScript thread; serial inside a pool worker. The sum along k for one element of c is
 * taken in the same order whatever the thread count, so results do not depend on it.
 */
template <typename T>
void gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c, int64_t ldc, bool accumulate);

/** The BLAS the addon was built with ("OpenBLAS 0.3.21", "Accelerate"), or nullptr. */
const char* blas_name();
/** The kernels OpenBLAS runs on this CPU (openblas_get_corename(): "SkylakeX", "Haswell", ...); null without OpenBLAS. */
const char* blas_core();
/** Whether gemm uses the BLAS (true by default when there is one); tests switch it off. */
bool blas_enabled();
void enable_blas(bool on);
/**
 * Sets the BLAS to one thread, as gemm expects it outside its largest products; called once when the
 * addon loads, before any product.
 */
void init_blas_threads();

}  // namespace tstorch
