// Elementwise ops and sums over contiguous runs, threaded over large runs.
#pragma once
#include <cstdint>

namespace tstorch {

template <typename T>
void unary(int op, const T* a, int64_t a_step, T* out, int64_t n);
template <typename T>
void binary(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, T* out, int64_t n);
/**
 * A binary op over `blocks` blocks of `length` elements (a broadcast's innermost runs): block j reads a
 * from starts[2j] and b from starts[2j + 1] with their steps and writes out[j * length, ...), each
 * element as binary gives it. Threaded over blocks.
 */
template <typename T>
void binary_blocks(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, const int64_t* starts, int64_t blocks, int64_t length, T* out);
/** The sum of a[0..n) in double, in fixed blocks added in order, so any thread count gives the same. */
template <typename T>
double sum(const T* a, int64_t n);
/**
 * out[i] = 1 where a[i * a_step] op b[i * b_step] holds (ops/comparison.ts's order: eq, ne, lt, le,
 * gt, ge), else 0, for i < n. Threaded over chunks.
 */
template <typename T>
void compare(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, uint8_t* out, int64_t n);

/** out[i] = condition[i] != 0 ? a[i * a_step] : b[i * b_step], for i < n. Threaded over chunks. */
template <typename T>
void select(const uint8_t* condition, const T* a, int64_t a_step, const T* b, int64_t b_step, T* out, int64_t n);

/**
 * max (min when `min`) along the middle dim of x laid out [outer, size, inner] (size >= 1), as
 * ops/selection.ts's loop: for each (o, i), the first position of the extreme (the first nan if there
 * is one; equal values, -0 and +0 among them, keep the earlier) into indices and that element into
 * values. Threaded over outer.
 */
template <typename T>
void extreme_rows(const T* x, int64_t outer, int64_t size, int64_t inner, bool min, T* values, int64_t* indices);

/**
 * softmax (log_softmax when `log`) of `rows` float32 rows of `size` contiguous elements, as
 * ops/softmax.ts computes it: x - (the row's maximum, nan if any) in double rounded to float32, its
 * exp by the kernel table's exp, the row's sum in double in order, then exp / sum, or
 * (x - max) - log(sum), in double rounded to float32. Threaded over rows.
 */
void softmax_rows(const float* x, int64_t rows, int64_t size, bool log, float* out);

/**
 * The gradient of softmax_rows (of log_softmax with `log`) from the upstream gradient g and the result
 * y, as ops/softmax.ts's backward loop: per row sum = float(the sum in double, in order, of g * y in
 * float32; log: of g), then y * (g - sum) (log: g - exp(y) * sum, exp the kernel table's) in float32
 * operations.
 */
void softmax_backward_rows(const float* g, const float* y, int64_t rows, int64_t size, bool log, float* out);

/**
 * layer_norm of float32 rows of `size` contiguous elements as ops/normalization.ts composes it: each
 * row's mean (its sum in double, in order, over size) and variance (the squared deviations from it,
 * summed in double in order, over size); rstd = 1 / sqrt(variance + eps) in double; then every element
 * ((x - mean) * rstd) * weight + bias in float32 arithmetic, mean and rstd rounded to float32 first
 * (weight and bias may be null: skipped).
 */
void layer_norm_rows(const float* x, int64_t rows, int64_t size, double eps, const float* weight, const float* bias, float* out);

/** Which weight each element of a normalisation's group takes: group k's element i takes
 * weight[(k % period) * stride + i / run] (layer_norm {1, 0, 1}: per element of a row; batch_norm
 * {channels, 1, positions}: per channel; group_norm {groups, channels per group, positions}). */
struct NormWeight {
  int64_t period, stride, run;
};

/**
 * The input gradient (dx) of a normalisation with statistics per group of a float32 input laid out
 * [outer, width, inner] (group k: the elements (o * width + k) * inner + i), and, when gx is not null,
 * g * xhat, whose sums are the weight's gradient: the arithmetic of ops/normalization.ts's composed
 * backward (statistics again from x, float32 steps, each group's sums in double in memory order).
 * weight: null, or laid out as `layout` says (period, stride and run at least 1, 0 and 1).
 */
void norm_backward(const float* x, const float* g, int64_t outer, int64_t width, int64_t inner, double eps, const float* weight, const NormWeight& layout, float* dx, float* gx);

/**
 * For each column k < width of `a` laid out [outer, width, inner]: the mean over (outer, inner), its
 * sum in double in memory order over the count, and the sum in double, in the same order, of the
 * squared deviations from it. Threaded over columns.
 */
template <typename T>
void moments_blocks(const T* a, int64_t outer, int64_t width, int64_t inner, double* mean, double* squares);
/** KernelSet::sum_blocks over all `width` columns, threaded over columns (each sum keeps its order). */
template <typename T>
void sum_blocks(const T* a, int64_t outer, int64_t width, int64_t inner, T* out);

/**
 * An elementwise expression over runs (ops/fusion.ts): `steps` instructions of four ints each,
 * {kind (0 unary, 1 binary), op code, operand a, operand b}, where operand i < runs is run i
 * (run_data[i] read with run_step[i], 0 or 1) and operand runs + j is the result of instruction j.
 * The last instruction's result is the expression's.
 */
template <typename T>
struct FusedProgram {
  const int32_t* code;
  int steps;
  const T* const* run_data;
  const int64_t* run_step;
  int runs;
};

/** The longest program fused kernels take (ops/fusion.ts's MAX_OPS is at most this). */
constexpr int kMaxFusedSteps = 16;

/** out[0..n) = the program's result, tile by tile: every element as unary/binary would give it. */
template <typename T>
void fused(const FusedProgram<T>& p, T* out, int64_t n);
/** sum(the program's result over [0, n)) without writing it: the same blocks, in the same order, as sum. */
template <typename T>
double fused_sum(const FusedProgram<T>& p, int64_t n);

}  // namespace tstorch
