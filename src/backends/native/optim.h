// Fused optimizer updates over float32 arrays (src/optim's fused loops, element for element).
#pragma once
#include <cstdint>

namespace tstorch {

struct SgdOptions {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize;
};

/** The float32 scalars of src/optim/adam.ts's fused loop (backend.ts's AdamConstants). */
struct AdamConstants {
  bool decoupled, decay_grad;
  float shrink, decay, w1, beta2, w2, root, eps, scale, sign;
};

/** The float32 scalars of src/optim/rmsprop.ts's fused loop. */
struct RmspropConstants {
  bool decay_grad;
  float decay, alpha, w, eps, momentum, step, sign;
};

/** The float32 scalars of src/optim/adagrad.ts's fused loop. */
struct AdagradConstants {
  bool decay_grad;
  float decay, eps, step, sign;
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
