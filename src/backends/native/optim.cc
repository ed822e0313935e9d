// The optimizers' steps over float32 arrays, threaded: each element's update is independent, so any
// thread count gives the same result. The loops themselves are in the kernel table (AVX2 or portable):
// SGD's in kernels.inc, the others in optim_loops.h.
#include "optim.h"

#include "kernels.h"
#include "threadpool.h"

namespace tstorch {

namespace {

// Parameters, gradients and state come from memory (a step's working set is out of cache), so an
// element costs more than in elementwise.cc's cheap ops: a chunk pays for waking a second thread
// (60-75 µs here) from 2^16 elements, which splits each large layer of W4 in two.
constexpr int64_t kGrain = 1 << 16;

/** The chunk of `a` (null stays null) a kernel call starting at `begin` sees. */
inline float* from(float* a, int64_t begin) { return a == nullptr ? nullptr : a + begin; }

}  // namespace

void sgd_step(float* param, const float* grad, float* buf, int64_t n, const SgdOptions& o) {
  auto kernel = active_kernels().sgd_step;
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    kernel(param + begin, grad + begin, from(buf, begin), end - begin, o);
  });
}

void adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n, const AdamConstants& c) {
  auto kernel = active_kernels().adam_step;
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    kernel(param + begin, grad + begin, exp_avg + begin, exp_avg_sq + begin, end - begin, &c);
  });
}

void rmsprop_step(float* param, const float* grad, float* square_avg, float* buf, float* grad_avg, int64_t n, const RmspropConstants& c) {
  auto kernel = active_kernels().rmsprop_step;
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    kernel(param + begin, grad + begin, square_avg + begin, from(buf, begin), from(grad_avg, begin), end - begin, &c);
  });
}

void adagrad_step(float* param, const float* grad, float* sum, int64_t n, const AdagradConstants& c) {
  auto kernel = active_kernels().adagrad_step;
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    kernel(param + begin, grad + begin, sum + begin, end - begin, &c);
  });
}

}  // namespace tstorch
