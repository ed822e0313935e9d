// Elementwise ops and sums over contiguous runs, threaded over large runs.
#pragma once
#include <cstdint>

namespace tstorch {

template <typename T>
void unary(int op, const T* a, int64_t a_step, T* out, int64_t n);
template <typename T>
void binary(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, T* out, int64_t n);
/** The sum of a[0..n) in double, in fixed blocks added in order, so any thread count gives the same. */
template <typename T>
double sum(const T* a, int64_t n);
/** KernelSet::sum_blocks over all `width` columns, threaded over columns (each sum keeps its order). */
template <typename T>
void sum_blocks(const T* a, int64_t outer, int64_t width, int64_t inner, T* out);

}  // namespace tstorch
