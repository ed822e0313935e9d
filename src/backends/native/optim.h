// Fused optimizer updates over float32 arrays (src/optim's fused loops, element for element).
#pragma once
#include <cstdint>

// AdamConstants, RmspropConstants and AdagradConstants, shared with the WebAssembly kernels.
#include "optim_loops.h"

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
/** Adam's (and AdamW's) update as adam.ts's fused loop, bit-identical. */
void adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n, const AdamConstants& c);
/** RMSprop's update as rmsprop.ts's fused loop (buf null without momentum, grad_avg null unless centered). */
void rmsprop_step(float* param, const float* grad, float* square_avg, float* buf, float* grad_avg, int64_t n, const RmspropConstants& c);
/** Adagrad's update as adagrad.ts's fused loop. */
void adagrad_step(float* param, const float* grad, float* sum, int64_t n, const AdagradConstants& c);

}  // namespace tstorch
