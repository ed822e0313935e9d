// Fused optimizer updates over float32 arrays (src/optim's fused loops, element for element).
#pragma once
#include <cstdint>

namespace tstorch {

struct SgdOptions {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize;
};

/**
 * One torch.optim.SGD step over n elements as src/optim/sgd.ts's sgdLoop computes it (buf is null
 * without momentum): the same float32 roundings, so the results are bit-identical.
 */
void sgd_step(float* param, const float* grad, float* buf, int64_t n, const SgdOptions& o);

}  // namespace tstorch
