#include "elementwise.h"

#include <vector>

#include "kernels.h"
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
  const bool costly = op == kExp || op == kLog || op == kTanh || op == kSigmoid;
  auto kernel = kernels<T>().unary;
  parallel_for(n, costly ? kCostlyGrain : kCheapGrain, [&](int64_t begin, int64_t end) {
    kernel(op, a + begin * a_step, a_step, out + begin, end - begin);
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

template void unary<float>(int, const float*, int64_t, float*, int64_t);
template void unary<double>(int, const double*, int64_t, double*, int64_t);
template void binary<float>(int, const float*, int64_t, const float*, int64_t, float*, int64_t);
template void binary<double>(int, const double*, int64_t, const double*, int64_t, double*, int64_t);
template double sum<float>(const float*, int64_t);
template double sum<double>(const double*, int64_t);
template void sum_blocks<float>(const float*, int64_t, int64_t, int64_t, float*);
template void sum_blocks<double>(const double*, int64_t, int64_t, int64_t, double*);

}  // namespace tstorch
