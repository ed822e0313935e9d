#include "elementwise.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels.h"
#include "lanes.h"
#include "threadpool.h"

namespace tstorch {
namespace {

// Elements per chunk below which a second thread costs more than it saves. Waking a sleeping worker
// and waiting for it took 60-75 µs on the 2-vCPU virtual machine this was tuned on (a relu of 221,184
// elements: 35 µs on one thread, 93 µs split in two), so a chunk must be tens of microseconds of work:
// 2^18 cheap elements.
constexpr int64_t kCheapGrain = 1 << 18;
// Transcendental ops cost tens of cycles an element, so smaller runs already pay.
constexpr int64_t kCostlyGrain = 1 << 14;
constexpr int64_t kSumBlock = 1 << 14;

}  // namespace

template <typename T>
void unary(int op, const T* a, int64_t a_step, T* out, int64_t n) {
  const bool costly = op == kExp || op == kLog || op == kTanh || op == kSigmoid || op == kErf;
  auto kernel = kernels<T>().unary;
  parallel_for(n, costly ? kCostlyGrain : kCheapGrain, [&](int64_t begin, int64_t end) {
    kernel(op, a + begin * a_step, a_step, out + begin, end - begin);
  });
}

namespace {

// Groups normalised together (rows of a layer norm, channels of a batch norm): their statistics'
// sums run side by side.
constexpr int64_t kNormRows = 8;

/**
 * A tile of the groups a normalisation takes its statistics over: the input laid out [outer, width,
 * inner], group k made of the elements (o * width + k) * inner + i, this tile groups [first, first +
 * count), count <= kNormRows.
 */
struct NormTile {
  int64_t outer, width, inner, first, count;
  int64_t at(int64_t o, int64_t r, int64_t i) const { return (o * width + first + r) * inner + i; }
};

/** Four lanes of T. */
template <typename T> using Lanes = typename std::conditional<std::is_same<T, float>::value, f32x4, f64x4>::type;

/** Lanes of a[i], ..., a[i + 3]. */
template <typename T> inline Lanes<T> load_lanes(const T* a) {
  Lanes<T> v;
  std::memcpy(&v, a, sizeof(v));
  return v;
}

/**
 * The maximum of sign * x over a row (sign -1: minus the minimum; negation is exact), in two vectors of
 * lanes each taking `m > v ? m : v`, which skips a nan; *any_nan says whether the row held one. The
 * maximum does not depend on the lanes' order, up to the sign of a zero, which callers settle.
 */
template <typename T> T lane_maximum(const T* row, int64_t size, T sign, bool* any_nan) {
  typedef Lanes<T> V;
  constexpr int64_t L = 4;
  const T lowest = -INFINITY;
  V lane_max[2] = {V{} + lowest, V{} + lowest};
  decltype(V{} != V{}) nan = {};
  auto take = [&](V& m, V x) {
    const V v = x * sign;
    m = m > v ? m : v;
    nan |= v != v;
  };
  int64_t j = 0;
  for (; j + 2 * L <= size; j += 2 * L) {
    take(lane_max[0], load_lanes(row + j));
    take(lane_max[1], load_lanes(row + j + L));
  }
  // The last few elements as lanes of two more vectors, padded with what is lowest once signed.
  V rest[2] = {V{} + lowest * sign, V{} + lowest * sign};
  std::memcpy(rest, row + j, static_cast<size_t>(size - j) * sizeof(T));
  take(lane_max[0], rest[0]);
  take(lane_max[1], rest[1]);
  T best = lowest;
  *any_nan = false;
  for (int64_t l = 0; l < L; l++) {
    for (const V& m : lane_max) best = best > m[l] ? best : m[l];
    *any_nan |= nan[l] != 0;
  }
  return best;
}

/** Lane l of block[k] is element i + k of group q + l (q + 4 <= count, i + 4 <= inner): a 4 x 4 block transposed. */
template <typename T> inline void group_block(const T* a, const NormTile& t, int64_t o, int64_t q, int64_t i, Lanes<T> block[4]) {
  Lanes<T> runs[4];
  for (int64_t l = 0; l < 4; l++) runs[l] = load_lanes(a + t.at(o, q + l, i));
  transpose4(runs, block);
}

/**
 * Each group's sum in double of its elements' values, in memory order (o, then i), as the sum
 * kernels take it; the tile's groups side by side. Where the groups are runs (inner >= 4), each whole
 * four of groups goes in vector lanes: lanes(q, o, i, sum) adds to `sum` (lane l: group q + l) the
 * values of elements i, ..., i + 3 one after another, from group_block. value(r, at, i) gives one
 * element's value (at = t.at(o, r, i)) everywhere else.
 */
template <typename L, typename F> inline void group_sums(const NormTile& t, double* acc, L lanes, F value) {
  for (int64_t r = 0; r < t.count; r++) acc[r] = 0;
  const int64_t in_lanes = t.inner >= 4 ? t.count / 4 * 4 : 0;
  for (int64_t o = 0; o < t.outer; o++) {
    int64_t i = 0;
    if (in_lanes > 0) {
      f64x4 sums[kNormRows / 4];
      std::memcpy(sums, acc, static_cast<size_t>(in_lanes) * sizeof(double));
      for (; i + 4 <= t.inner; i += 4)
        for (int64_t q = 0; q < in_lanes; q += 4) lanes(q, o, i, sums[q / 4]);
      std::memcpy(acc, sums, static_cast<size_t>(in_lanes) * sizeof(double));
    }
    for (int64_t r = 0; r < in_lanes; r++)
      for (int64_t k = i; k < t.inner; k++) acc[r] += static_cast<double>(value(r, t.at(o, r, k), k));
    for (int64_t k = 0; k < t.inner; k++)
      for (int64_t r = in_lanes; r < t.count; r++) acc[r] += static_cast<double>(value(r, t.at(o, r, k), k));
  }
}

/** group_sums of a's elements themselves. */
template <typename T> inline void element_sums(const T* a, const NormTile& t, double* acc) {
  group_sums(
      t, acc,
      [&](int64_t q, int64_t o, int64_t i, f64x4& sum) {
        Lanes<T> block[4];
        group_block(a, t, o, q, i, block);
        for (int64_t k = 0; k < 4; k++) sum += widen(block[k]);
      },
      [&](int64_t, int64_t at, int64_t) { return a[at]; });
}

/**
 * moments_blocks for columns [begin, end) whose groups are runs (inner >= 4): kNormRows columns at a
 * time, their sums side by side in vector lanes (element_sums, then the squared deviations the same
 * way, written out here so that d * d is rounded before it is added: no contraction, as in the JS loop).
 */
template <typename T>
NO_FP_CONTRACT void moments_of_runs(const T* a, int64_t outer, int64_t width, int64_t inner, int64_t begin, int64_t end, double* mean, double* squares) {
  NO_FP_CONTRACT_BODY
  const double count = static_cast<double>(outer * inner);
  for (int64_t first = begin; first < end; first += kNormRows) {
    const NormTile t{outer, width, inner, first, end - first < kNormRows ? end - first : kNormRows};
    double acc[kNormRows], avg[kNormRows];
    element_sums(a, t, acc);
    for (int64_t r = 0; r < t.count; r++) avg[r] = acc[r] / count;
    for (int64_t r = 0; r < t.count; r++) acc[r] = 0;
    const int64_t in_lanes = t.count / 4 * 4;
    for (int64_t o = 0; o < outer; o++) {
      int64_t i = 0;
      if (in_lanes > 0) {
        f64x4 sums[kNormRows / 4], averages[kNormRows / 4];
        std::memcpy(sums, acc, static_cast<size_t>(in_lanes) * sizeof(double));
        std::memcpy(averages, avg, static_cast<size_t>(in_lanes) * sizeof(double));
        for (; i + 4 <= inner; i += 4) {
          for (int64_t q = 0; q < in_lanes; q += 4) {
            Lanes<T> block[4];
            group_block(a, t, o, q, i, block);
            for (int64_t k = 0; k < 4; k++) {
              const f64x4 d = widen(block[k]) - averages[q / 4];
              const f64x4 square = d * d;
              sums[q / 4] += square;
            }
          }
        }
        std::memcpy(acc, sums, static_cast<size_t>(in_lanes) * sizeof(double));
      }
      for (int64_t r = 0; r < t.count; r++) {
        for (int64_t k = r < in_lanes ? i : 0; k < inner; k++) {
          const double d = static_cast<double>(a[t.at(o, r, k)]) - avg[r];
          acc[r] += d * d;
        }
      }
    }
    for (int64_t r = 0; r < t.count; r++) {
      mean[first + r] = avg[r];
      squares[first + r] = acc[r];
    }
  }
}

/**
 * moments_blocks for columns [begin, end) of one to three elements each (a batch norm over [N, C],
 * var(0)): tiles of 64 columns whose accumulators stay on the stack, a row of the tile at a time, so
 * that the loop over a tile's columns runs along memory (and vectorises). No contraction, as above.
 */
template <typename T>
NO_FP_CONTRACT void moments_of_columns(const T* a, int64_t outer, int64_t width, int64_t inner, int64_t begin, int64_t end, double* mean, double* squares) {
  NO_FP_CONTRACT_BODY
  constexpr int64_t kTile = 64;
  double acc[kTile], avg[kTile];
  const double count = static_cast<double>(outer * inner);
  for (int64_t tile = begin; tile < end; tile += kTile) {
    const int64_t n = end - tile < kTile ? end - tile : kTile;
    for (int64_t j = 0; j < n; j++) acc[j] = 0;
    for (int64_t o = 0; o < outer; o++) {
      const T* row = a + (o * width + tile) * inner;
      for (int64_t i = 0; i < inner; i++)
        for (int64_t j = 0; j < n; j++) acc[j] += static_cast<double>(row[j * inner + i]);
    }
    for (int64_t j = 0; j < n; j++) avg[j] = acc[j] / count;
    for (int64_t j = 0; j < n; j++) acc[j] = 0;
    for (int64_t o = 0; o < outer; o++) {
      const T* row = a + (o * width + tile) * inner;
      for (int64_t i = 0; i < inner; i++) {
        for (int64_t j = 0; j < n; j++) {
          const double d = static_cast<double>(row[j * inner + i]) - avg[j];
          acc[j] += d * d;
        }
      }
    }
    for (int64_t j = 0; j < n; j++) {
      mean[tile + j] = avg[j];
      squares[tile + j] = acc[j];
    }
  }
}

/** moments_blocks for columns [begin, end): each column's sums in double, in memory order. */
template <typename T>
void moments_columns(const T* a, int64_t outer, int64_t width, int64_t inner, int64_t begin, int64_t end, double* mean, double* squares) {
  if (inner >= 4) moments_of_runs(a, outer, width, inner, begin, end, mean, squares);
  else moments_of_columns(a, outer, width, inner, begin, end, mean, squares);
}

/**
 * layer_norm_rows for rows [0, count) of x (count <= kNormRows): the rows' moments, then each element
 * in float32 operations. Contraction into fused multiply-adds is off (optim_loops.h): every operation
 * rounds as the composed ops do.
 */
NO_FP_CONTRACT void layer_norm_block(const float* x, int64_t count, int64_t size, double eps, const float* weight, const float* bias, float* out) {
  NO_FP_CONTRACT_BODY
  double mean[kNormRows], squares[kNormRows];
  moments_columns(x, 1, count, size, 0, count, mean, squares);
  for (int64_t r = 0; r < count; r++) {
    const float m = static_cast<float>(mean[r]);
    const float rstd = static_cast<float>(1 / std::sqrt(squares[r] / static_cast<double>(size) + eps));
    const float* row = x + r * size;
    float* dst = out + r * size;
    for (int64_t j = 0; j < size; j++) {
      float y = (row[j] - m) * rstd;
      if (weight != nullptr) y = y * weight[j];
      if (bias != nullptr) y = y + bias[j];
      dst[j] = y;
    }
  }
}

}  // namespace

void layer_norm_rows(const float* x, int64_t rows, int64_t size, double eps, const float* weight, const float* bias, float* out) {
  const int64_t blocks = (rows + kNormRows - 1) / kNormRows;
  const int64_t per_block = kNormRows * (size > 0 ? size : 1);
  parallel_for(blocks, (kCheapGrain + per_block - 1) / per_block, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; b++) {
      const int64_t first = b * kNormRows;
      const int64_t count = rows - first < kNormRows ? rows - first : kNormRows;
      layer_norm_block(x + first * size, count, size, eps, weight, bias, out + first * size);
    }
  });
}

namespace {

// How the elements of a group take their weights (NormWeight): the same one each for every group
// (period 1, run 1), one for the whole group (run >= inner), or one per run of `run` elements. The
// first two are layer_norm and batch_norm and keep their loops free of the indirection and division
// the third needs.
enum NormWeightMode { kWeightPerElement, kWeightPerGroup, kWeightPerRun };

/**
 * norm_backward for one tile, every step of the composed ops in float32 (contraction off): the
 * centred values and rstd again from x, xhat, gh = g w, their means, then dx (and g xhat). Nothing is
 * kept between the passes but per-group numbers: each pass computes the same float32 values again.
 */
template <NormWeightMode kMode>
NO_FP_CONTRACT void norm_backward_tile(const NormTile& t, const float* x, const float* g, float eps, const float* weight, const NormWeight& layout, float* dx, float* gx) {
  NO_FP_CONTRACT_BODY
  double acc[kNormRows], acc_x[kNormRows];
  float mean[kNormRows], rstd[kNormRows], gh_mean[kNormRows], ghx_mean[kNormRows];
  // Group r's weights: element i takes w[r][i / layout.run]; per group, that one value.
  const float* w[kNormRows];
  float group_weight[kNormRows];
  for (int64_t r = 0; r < t.count; r++) {
    w[r] = weight == nullptr ? nullptr : weight + ((t.first + r) % layout.period) * layout.stride;
    group_weight[r] = weight == nullptr ? 0 : w[r][0];
  }
  const float divisor = static_cast<float>(t.outer * t.inner);
  element_sums(x, t, acc);
  for (int64_t r = 0; r < t.count; r++) mean[r] = static_cast<float>(acc[r]) / divisor;
  auto centred = [&](int64_t r, int64_t at) { return x[at] - mean[r]; };
  // The same float32 steps in lanes: lane l of a block is group q + l, whose mean is mean[q + l].
  auto centred_lanes = [&](int64_t q, int64_t o, int64_t i, f32x4 block[4]) {
    group_block(x, t, o, q, i, block);
    for (int64_t k = 0; k < 4; k++) block[k] = block[k] - load_lanes(mean + q);
  };
  group_sums(
      t, acc,
      [&](int64_t q, int64_t o, int64_t i, f64x4& sum) {
        f32x4 c[4];
        centred_lanes(q, o, i, c);
        for (int64_t k = 0; k < 4; k++) sum += widen(c[k] * c[k]);
      },
      [&](int64_t r, int64_t at, int64_t) {
        const float c = centred(r, at);
        return c * c;
      });
  for (int64_t r = 0; r < t.count; r++) {
    const float variance = static_cast<float>(acc[r]) / divisor;
    // rsqrt of a float32, as ATen's and its JS kernel: 1 divided by the float32 square root.
    rstd[r] = 1.0f / std::sqrt(variance + eps);
  }
  auto xhat = [&](int64_t r, int64_t at) { return centred(r, at) * rstd[r]; };
  auto gh = [&](int64_t r, int64_t at, int64_t i) {
    if (weight == nullptr) return g[at];
    if constexpr (kMode == kWeightPerElement) return g[at] * weight[i];
    else if constexpr (kMode == kWeightPerGroup) return g[at] * group_weight[r];
    else return g[at] * w[r][i / layout.run];
  };
  // gh and xhat in lanes: block[k] holds element i + k of groups q, ..., q + 3.
  auto gh_lanes = [&](int64_t q, int64_t o, int64_t i, f32x4 block[4]) {
    group_block(g, t, o, q, i, block);
    if (weight == nullptr) return;
    for (int64_t k = 0; k < 4; k++) {
      if constexpr (kMode == kWeightPerElement) block[k] = block[k] * weight[i + k];
      else if constexpr (kMode == kWeightPerGroup) block[k] = block[k] * load_lanes(group_weight + q);
      else block[k] = block[k] * f32x4{w[q][(i + k) / layout.run], w[q + 1][(i + k) / layout.run], w[q + 2][(i + k) / layout.run], w[q + 3][(i + k) / layout.run]};
    }
  };
  auto xhat_lanes = [&](int64_t q, int64_t o, int64_t i, f32x4 block[4]) {
    centred_lanes(q, o, i, block);
    for (int64_t k = 0; k < 4; k++) block[k] = block[k] * load_lanes(rstd + q);
  };
  group_sums(
      t, acc,
      [&](int64_t q, int64_t o, int64_t i, f64x4& sum) {
        f32x4 h[4];
        gh_lanes(q, o, i, h);
        for (int64_t k = 0; k < 4; k++) sum += widen(h[k]);
      },
      gh);
  group_sums(
      t, acc_x,
      [&](int64_t q, int64_t o, int64_t i, f64x4& sum) {
        f32x4 h[4], xh[4];
        gh_lanes(q, o, i, h);
        xhat_lanes(q, o, i, xh);
        for (int64_t k = 0; k < 4; k++) sum += widen(h[k] * xh[k]);
      },
      [&](int64_t r, int64_t at, int64_t i) { return gh(r, at, i) * xhat(r, at); });
  for (int64_t r = 0; r < t.count; r++) {
    gh_mean[r] = static_cast<float>(acc[r]) / divisor;
    ghx_mean[r] = static_cast<float>(acc_x[r]) / divisor;
  }
  for (int64_t o = 0; o < t.outer; o++) {
    for (int64_t r = 0; r < t.count; r++) {
      for (int64_t i = 0; i < t.inner; i++) {
        const int64_t at = t.at(o, r, i);
        const float xh = xhat(r, at);
        const float a = gh(r, at, i) - gh_mean[r];
        const float b = xh * ghx_mean[r];
        dx[at] = rstd[r] * (a - b);
        if (gx != nullptr) gx[at] = g[at] * xh;
      }
    }
  }
}

}  // namespace

void norm_backward(const float* x, const float* g, int64_t outer, int64_t width, int64_t inner, double eps, const float* weight, const NormWeight& layout, float* dx, float* gx) {
  if (outer == 0 || width == 0 || inner == 0) return;
  const int64_t tiles = (width + kNormRows - 1) / kNormRows;
  const int64_t per_tile = kNormRows * (outer * inner > 0 ? outer * inner : 1);
  // eps as the composed ops take it: a number operand of a float32 op is rounded to float32 first.
  const float eps32 = static_cast<float>(eps);
  parallel_for(tiles, (kCheapGrain + per_tile - 1) / per_tile, [&](int64_t begin, int64_t end) {
    for (int64_t tile = begin; tile < end; tile++) {
      const int64_t first = tile * kNormRows;
      const NormTile t{outer, width, inner, first, width - first < kNormRows ? width - first : kNormRows};
      if (layout.run == 1 && layout.period == 1) norm_backward_tile<kWeightPerElement>(t, x, g, eps32, weight, layout, dx, gx);
      else if (layout.run >= inner) norm_backward_tile<kWeightPerGroup>(t, x, g, eps32, weight, layout, dx, gx);
      else norm_backward_tile<kWeightPerRun>(t, x, g, eps32, weight, layout, dx, gx);
    }
  });
}

namespace {

/**
 * The maximum of a row as JavaScript's Math.max over it from -inf: nan if any element is nan, and +0
 * over -0 (looked for only when the maximum is a zero). In lanes (lane_maximum): one chain of maxima
 * was a quarter of a softmax's time.
 */
double js_row_max(const float* row, int64_t size) {
  bool nan = false;
  const float m = lane_maximum(row, size, 1.0f, &nan);
  if (nan) return NAN;
  if (m != 0) return m;
  for (int64_t j = 0; j < size; j++)
    if (row[j] == 0 && !std::signbit(row[j])) return 0.0;
  return -0.0;
}

/** Calls tile(first, count) for the blocks of up to kNormRows rows, threaded, `cost` per element. */
template <typename F>
void each_row_tile(int64_t rows, int64_t size, int64_t cost, F tile) {
  const int64_t tiles = (rows + kNormRows - 1) / kNormRows;
  const int64_t per_tile = kNormRows * (size > 0 ? size : 1);
  parallel_for(tiles, (cost + per_tile - 1) / per_tile, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; t++) {
      const int64_t first = t * kNormRows;
      tile(first, rows - first < kNormRows ? rows - first : kNormRows);
    }
  });
}

}  // namespace

// Rows go kNormRows at a time, so that their sums (in double, each in order) run as independent
// chains side by side: one row's chain of additions was another quarter of a softmax's time.
void softmax_rows(const float* x, int64_t rows, int64_t size, bool log, float* out) {
  const auto exp_kernel = kernels<float>().unary;
  each_row_tile(rows, size, kCostlyGrain, [&](int64_t first, int64_t count) {
    std::vector<float> exps(static_cast<size_t>(count * size));
    float* dst = out + first * size;
    for (int64_t r = 0; r < count; r++) {
      const float* row = x + (first + r) * size;
      const double m = js_row_max(row, size);
      for (int64_t j = 0; j < size; j++) dst[r * size + j] = static_cast<float>(static_cast<double>(row[j]) - m);
    }
    exp_kernel(kExp, dst, 1, exps.data(), count * size);
    double totals[kNormRows];
    element_sums(exps.data(), NormTile{1, count, size, 0, count}, totals);
    for (int64_t r = 0; r < count; r++) {
      float* row_out = dst + r * size;
      if (log) {
        const double log_total = std::log(totals[r]);
        for (int64_t j = 0; j < size; j++) row_out[j] = static_cast<float>(static_cast<double>(row_out[j]) - log_total);
      } else {
        const float* row_exps = exps.data() + r * size;
        for (int64_t j = 0; j < size; j++) row_out[j] = static_cast<float>(static_cast<double>(row_exps[j]) / totals[r]);
      }
    }
  });
}

namespace {

/** softmax_backward_rows for a tile of rows; contraction off, so that g - e * sum rounds the product first. */
NO_FP_CONTRACT void softmax_backward_tile(const float* g, const float* y, int64_t rows, int64_t size, int64_t first, int64_t count, bool log, float* out) {
  NO_FP_CONTRACT_BODY
  double totals[kNormRows];
  const NormTile tile{1, rows, size, first, count};  // the rows as groups
  if (log) {
    element_sums(g, tile, totals);
    // exp(y) written where the gradient goes, then read back once per element.
    float* exps = out + first * size;
    kernels<float>().unary(kExp, y + first * size, 1, exps, count * size);
    for (int64_t r = 0; r < count; r++) {
      const float sum = static_cast<float>(totals[r]);
      const int64_t row = (first + r) * size;
      for (int64_t j = 0; j < size; j++) out[row + j] = g[row + j] - exps[r * size + j] * sum;
    }
  } else {
    group_sums(
        tile, totals,
        [&](int64_t q, int64_t o, int64_t i, f64x4& sum) {
          f32x4 gs[4], ys[4];
          group_block(g, tile, o, q, i, gs);
          group_block(y, tile, o, q, i, ys);
          for (int64_t k = 0; k < 4; k++) sum += widen(gs[k] * ys[k]);
        },
        [&](int64_t, int64_t at, int64_t) { return g[at] * y[at]; });
    for (int64_t r = 0; r < count; r++) {
      const float sum = static_cast<float>(totals[r]);
      const int64_t row = (first + r) * size;
      for (int64_t j = 0; j < size; j++) out[row + j] = y[row + j] * (g[row + j] - sum);
    }
  }
}

}  // namespace

void softmax_backward_rows(const float* g, const float* y, int64_t rows, int64_t size, bool log, float* out) {
  each_row_tile(rows, size, kCheapGrain, [&](int64_t first, int64_t count) { softmax_backward_tile(g, y, rows, size, first, count, log, out); });
}

namespace {

/**
 * The position of the extreme of one contiguous row for extreme_rows, in two passes over vectors
 * where the JS loop branches on every element: the maximum of sign * x (lane_maximum), then the
 * first element equal to it (== makes -0 and +0 equal, so the earlier wins), or the first nan.
 */
template <typename T> int64_t extreme_position(const T* row, int64_t size, T sign) {
  constexpr int64_t L = 4;
  bool any_nan = false;
  const T best = lane_maximum(row, size, sign, &any_nan);
  // The first vector holding the element sought, then the element within it.
  int64_t k = 0;
  for (; k + L <= size; k += L) {
    const Lanes<T> x = load_lanes(row + k);
    const auto hit = any_nan ? x != x : x * sign == best;
    if ((hit[0] | hit[1] | hit[2] | hit[3]) != 0) break;
  }
  for (; k < size; k++)
    if (any_nan ? row[k] != row[k] : sign * row[k] == best) return k;
  return 0;
}

/** The JS loop's scan of one contiguous row: for short rows, where the passes over vectors cost more. */
template <typename T> int64_t scanned_extreme_position(const T* row, int64_t size, T sign) {
  T best = sign * row[0];
  if (best != best) return 0;
  int64_t at = 0;
  for (int64_t j = 1; j < size; j++) {
    const T v = sign * row[j];
    if (v > best) {
      best = v;
      at = j;
    } else if (v != v) {
      return j;
    }
  }
  return at;
}

}  // namespace

template <typename T>
void extreme_rows(const T* x, int64_t outer, int64_t size, int64_t inner, bool min, T* values, int64_t* indices) {
  const T sign = min ? T(-1) : T(1);
  const int64_t per_block = size * inner > 0 ? size * inner : 1;
  parallel_for(outer, (kCheapGrain + per_block - 1) / per_block, [&](int64_t begin, int64_t end) {
    if (inner == 1) {
      for (int64_t o = begin; o < end; o++) {
        const int64_t at = size >= 32 ? extreme_position(x + o * size, size, sign) : scanned_extreme_position(x + o * size, size, sign);
        values[o] = x[o * size + at];
        indices[o] = at;
      }
      return;
    }
    // Rows along a dim with others after it: the JS loop's scan, its columns side by side.
    std::vector<T> best(static_cast<size_t>(inner));
    std::vector<int64_t> at(static_cast<size_t>(inner));
    std::vector<char> settled(static_cast<size_t>(inner));  // a nan was found: it stays
    for (int64_t o = begin; o < end; o++) {
      const T* block = x + o * size * inner;
      for (int64_t i = 0; i < inner; i++) {
        best[i] = sign * block[i];
        at[i] = 0;
        settled[i] = best[i] != best[i];
      }
      for (int64_t j = 1; j < size; j++) {
        const T* row = block + j * inner;
        for (int64_t i = 0; i < inner; i++) {
          if (settled[i]) continue;
          const T v = sign * row[i];
          if (v > best[i]) {
            best[i] = v;
            at[i] = j;
          } else if (v != v) {
            at[i] = j;
            settled[i] = 1;
          }
        }
      }
      for (int64_t i = 0; i < inner; i++) {
        values[o * inner + i] = block[at[i] * inner + i];
        indices[o * inner + i] = at[i];
      }
    }
  });
}

namespace {

/** compare's loop for one op, with the steps known at compile time so that the contiguous case vectorises. */
template <typename T, typename F>
void compare_run(const T* a, int64_t a_step, const T* b, int64_t b_step, uint8_t* out, int64_t n, F holds) {
  if (a_step == 1 && b_step == 1) {
    for (int64_t i = 0; i < n; i++) out[i] = holds(a[i], b[i]);
  } else if (a_step == 1) {
    const T y = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = holds(a[i], y);
  } else if (b_step == 1) {
    const T x = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = holds(x, b[i]);
  } else {
    const uint8_t flag = holds(a[0], b[0]);
    for (int64_t i = 0; i < n; i++) out[i] = flag;
  }
}

}  // namespace

template <typename T>
void compare(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, uint8_t* out, int64_t n) {
  parallel_for(n, kCheapGrain, [&](int64_t begin, int64_t end) {
    const T* x = a + begin * a_step;
    const T* y = b + begin * b_step;
    uint8_t* flags = out + begin;
    const int64_t count = end - begin;
    switch (op) {
      case 0: compare_run(x, a_step, y, b_step, flags, count, [](T u, T v) -> uint8_t { return u == v; }); break;
      case 1: compare_run(x, a_step, y, b_step, flags, count, [](T u, T v) -> uint8_t { return u != v; }); break;
      case 2: compare_run(x, a_step, y, b_step, flags, count, [](T u, T v) -> uint8_t { return u < v; }); break;
      case 3: compare_run(x, a_step, y, b_step, flags, count, [](T u, T v) -> uint8_t { return u <= v; }); break;
      case 4: compare_run(x, a_step, y, b_step, flags, count, [](T u, T v) -> uint8_t { return u > v; }); break;
      default: compare_run(x, a_step, y, b_step, flags, count, [](T u, T v) -> uint8_t { return u >= v; }); break;
    }
  });
}

template <typename T>
void select(const uint8_t* condition, const T* a, int64_t a_step, const T* b, int64_t b_step, T* out, int64_t n) {
  parallel_for(n, kCheapGrain, [&](int64_t begin, int64_t end) {
    // Both values loaded before the choice, so that it is a select rather than a branch, which a
    // random mask mispredicts half the time (and the contiguous loop vectorises).
    if (a_step == 1 && b_step == 1) {
      for (int64_t i = begin; i < end; i++) {
        const T x = a[i], y = b[i];
        out[i] = condition[i] != 0 ? x : y;
      }
    } else {
      for (int64_t i = begin; i < end; i++) {
        const T x = a[i * a_step], y = b[i * b_step];
        out[i] = condition[i] != 0 ? x : y;
      }
    }
  });
}

template <typename T>
void binary(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, T* out, int64_t n) {
  auto kernel = kernels<T>().binary;
  parallel_for(n, kCheapGrain, [&](int64_t begin, int64_t end) {
    kernel(op, a + begin * a_step, a_step, b + begin * b_step, b_step, out + begin, end - begin);
  });
}

template <typename T>
void binary_blocks(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, const int64_t* starts, int64_t blocks, int64_t length, T* out) {
  auto kernel = kernels<T>().binary;
  parallel_for(blocks, (kCheapGrain + length - 1) / (length > 0 ? length : 1), [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; j++) kernel(op, a + starts[2 * j], a_step, b + starts[2 * j + 1], b_step, out + j * length, length);
  });
}

template <typename T>
void moments_blocks(const T* a, int64_t outer, int64_t width, int64_t inner, double* mean, double* squares) {
  const int64_t per_column = outer * inner > 0 ? outer * inner : 1;
  parallel_for(width, (kCheapGrain + per_column - 1) / per_column, [&](int64_t begin, int64_t end) {
    moments_columns(a, outer, width, inner, begin, end, mean, squares);
  });
}

template <typename T>
double sum(const T* a, int64_t n) {
  auto kernel = kernels<T>().sum;
  if (n <= kSumBlock) return kernel(a, n);
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<double> partial(static_cast<size_t>(blocks));
  parallel_for(blocks, 4, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const int64_t start = i * kSumBlock;
      partial[static_cast<size_t>(i)] = kernel(a + start, n - start < kSumBlock ? n - start : kSumBlock);
    }
  });
  double total = 0;
  for (double s : partial) total += s;
  return total;
}

template <typename T>
void sum_blocks(const T* a, int64_t outer, int64_t width, int64_t inner, T* out) {
  if (width == 0) return;
  auto kernel = kernels<T>().sum_blocks;
  const int64_t per_column = outer * inner > 0 ? outer * inner : 1;
  parallel_for(width, (kCheapGrain + per_column - 1) / per_column, [&](int64_t begin, int64_t end) {
    kernel(a, outer, width, inner, begin, end, out);
  });
}

/** Whether the program holds an op that costs tens of cycles an element (threads pay from smaller runs). */
template <typename T>
bool is_costly(const FusedProgram<T>& p) {
  for (int s = 0; s < p.steps; s++) {
    const int32_t* c = p.code + 4 * s;
    if (c[0] == 0 && (c[1] == kExp || c[1] == kLog || c[1] == kTanh || c[1] == kSigmoid)) return true;
  }
  return false;
}

/**
 * Evaluates the program over [begin, end) into out[0..end - begin), kTile elements (8 KiB) at a time:
 * each instruction's tile stays in L1 for the instructions that read it. A single instruction, which
 * needs no tiles, runs over the whole range at once (a call per tile costs about 20 ns).
 */
/** Elements of a program's tile: 8 KiB, so the tiles of a few instructions stay in L1. */
template <typename T> constexpr int64_t kTile = 8192 / sizeof(T);

template <typename T>
void run_program(const FusedProgram<T>& p, int64_t begin, int64_t end, T* out) {
  constexpr int64_t kTile = tstorch::kTile<T>;
  alignas(64) T tiles[kMaxFusedSteps - 1][kTile];
  const KernelSet<T>& k = kernels<T>();
  const int64_t tile = p.steps == 1 ? end - begin : kTile;
  for (int64_t t = begin; t < end; t += tile) {
    const int64_t len = end - t < tile ? end - t : tile;
    auto operand = [&](int32_t i, int64_t* step) -> const T* {
      if (i < p.runs) {
        *step = p.run_step[i];
        return p.run_data[i] + (p.run_step[i] == 1 ? t : 0);
      }
      *step = 1;
      return tiles[i - p.runs];
    };
    for (int s = 0; s < p.steps; s++) {
      const int32_t* c = p.code + 4 * s;
      T* dst = s == p.steps - 1 ? out + (t - begin) : tiles[s];
      int64_t a_step = 0, b_step = 0;
      const T* a = operand(c[2], &a_step);
      if (c[0] == 0) {
        k.unary(c[1], a, a_step, dst, len);
      } else {
        const T* b = operand(c[3], &b_step);
        k.binary(c[1], a, a_step, b, b_step, dst, len);
      }
    }
  }
}

template <typename T>
void fused(const FusedProgram<T>& p, T* out, int64_t n) {
  parallel_for(n, is_costly(p) ? kCostlyGrain : kCheapGrain, [&](int64_t begin, int64_t end) { run_program(p, begin, end, out + begin); });
}

/**
 * Each kSumBlock block as sum() adds it: evaluated a tile at a time into L1 and fed to sum's
 * accumulators in order (every tile but a block's last is a multiple of 16 elements), then the block
 * sums added in order.
 */
template <typename T>
double fused_sum(const FusedProgram<T>& p, int64_t n) {
  const KernelSet<T>& k = kernels<T>();
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<double> partial(static_cast<size_t>(blocks));
  parallel_for(blocks, 4, [&](int64_t begin, int64_t end) {
    alignas(64) T tile[kTile<T>];
    for (int64_t i = begin; i < end; i++) {
      const int64_t start = i * kSumBlock;
      const int64_t stop = n - start < kSumBlock ? n : start + kSumBlock;
      double lanes[16] = {};
      int64_t whole = 0, rest = 0;
      for (int64_t t = start; t < stop; t += kTile<T>) {
        const int64_t len = stop - t < kTile<T> ? stop - t : kTile<T>;
        run_program(p, t, t + len, tile);
        rest = len % 16;
        whole = len - rest;
        k.sum_lanes(tile, whole, lanes);
      }
      // The last tile's elements past its last whole group of 16 (still in `tile`) end the sum.
      partial[static_cast<size_t>(i)] = k.sum_finish(lanes, tile + whole, rest);
    }
  });
  // As sum: one block (or none) is its kernel's result; more are added in order.
  if (blocks <= 1) return blocks == 0 ? 0.0 : partial[0];
  double total = 0;
  for (double s : partial) total += s;
  return total;
}

template void unary<float>(int, const float*, int64_t, float*, int64_t);
template void unary<double>(int, const double*, int64_t, double*, int64_t);
template void binary<float>(int, const float*, int64_t, const float*, int64_t, float*, int64_t);
template void binary<double>(int, const double*, int64_t, const double*, int64_t, double*, int64_t);
template void binary_blocks<float>(int, const float*, int64_t, const float*, int64_t, const int64_t*, int64_t, int64_t, float*);
template void binary_blocks<double>(int, const double*, int64_t, const double*, int64_t, const int64_t*, int64_t, int64_t, double*);
template double sum<float>(const float*, int64_t);
template double sum<double>(const double*, int64_t);
template void compare<float>(int, const float*, int64_t, const float*, int64_t, uint8_t*, int64_t);
template void compare<double>(int, const double*, int64_t, const double*, int64_t, uint8_t*, int64_t);
template void select<float>(const uint8_t*, const float*, int64_t, const float*, int64_t, float*, int64_t);
template void select<double>(const uint8_t*, const double*, int64_t, const double*, int64_t, double*, int64_t);
template void extreme_rows<float>(const float*, int64_t, int64_t, int64_t, bool, float*, int64_t*);
template void extreme_rows<double>(const double*, int64_t, int64_t, int64_t, bool, double*, int64_t*);
template void sum_blocks<float>(const float*, int64_t, int64_t, int64_t, float*);
template void sum_blocks<double>(const double*, int64_t, int64_t, int64_t, double*);
template void moments_blocks<float>(const float*, int64_t, int64_t, int64_t, double*, double*);
template void moments_blocks<double>(const double*, int64_t, int64_t, int64_t, double*, double*);
template void fused<float>(const FusedProgram<float>&, float*, int64_t);
template void fused<double>(const FusedProgram<double>&, double*, int64_t);
template double fused_sum<float>(const FusedProgram<float>&, int64_t);
template double fused_sum<double>(const FusedProgram<double>&, int64_t);

}  // namespace tstorch
