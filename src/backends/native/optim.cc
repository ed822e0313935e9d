// torch.optim.SGD's step over float32 arrays, threaded: each element's update is independent, so any
// thread count gives the same result. The loop itself is in kernels.inc (AVX2 or portable).
#include "optim.h"

#include "kernels.h"
#include "threadpool.h"

namespace tstorch {

void sgd_step(float* param, const float* grad, float* buf, int64_t n, const SgdOptions& o) {
  // A few loads, stores and multiply-adds per element: a chunk pays for a second thread from 32768.
  constexpr int64_t kGrain = 1 << 15;
  auto kernel = active_kernels().sgd_step;
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    kernel(param + begin, grad + begin, buf == nullptr ? nullptr : buf + begin, end - begin, o);
  });
}

}  // namespace tstorch
