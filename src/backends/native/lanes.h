// Four-lane GCC vectors shared by the kernel table (kernels.inc, compiled once per instruction set)
// and the generic loops (elementwise.cc). Everything here has internal linkage, so that each
// translation unit keeps its own copy, compiled for its own instruction set (see kernels.inc), and
// uses compiler builtins only.
#pragma once

namespace tstorch {
namespace {

typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x4 __attribute__((vector_size(32)));

/** Four floats as doubles: one vcvtps2pd with AVX, where GCC 12 splits __builtin_convertvector in two. */
inline f64x4 widen(f32x4 v) {
#if defined(__AVX__) && !defined(__clang__)
  return __builtin_ia32_cvtps2pd256(v);
#else
  return __builtin_convertvector(v, f64x4);
#endif
}
inline f64x4 widen(f64x4 v) { return v; }

/**
 * A 4 x 4 transpose: lane l of columns[k] is lane k of rows[l]. With rows holding four runs from the
 * same position, columns[k] holds the runs' k-th elements side by side, so that a vector of sums adds
 * each run's elements one after another.
 */
template <typename V> inline void transpose4(const V rows[4], V columns[4]) {
  const V t0 = __builtin_shufflevector(rows[0], rows[1], 0, 4, 1, 5), t1 = __builtin_shufflevector(rows[0], rows[1], 2, 6, 3, 7);
  const V t2 = __builtin_shufflevector(rows[2], rows[3], 0, 4, 1, 5), t3 = __builtin_shufflevector(rows[2], rows[3], 2, 6, 3, 7);
  columns[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  columns[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  columns[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  columns[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

}  // namespace
}  // namespace tstorch
