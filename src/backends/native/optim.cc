// The SGD update of src/optim/sgd.ts's sgdLoop, bit for bit. That loop computes in double and rounds
// to float32 where a tensor op stores its result; so does this one. Each product here is of two
// float32 values (or of one and +-1), exact in double, so whether the compiler contracts a product
// and the following addition into an FMA cannot change a result: the one rounding of the sum is the
// same either way.
#include "optim.h"

namespace tstorch {

void sgd_step(float* p, const float* g, float* buf, int64_t n, const SgdOptions& o) {
  const double sign = o.maximize ? -1.0 : 1.0;
  const double mom = static_cast<float>(o.momentum);
  const double keep = static_cast<float>(1.0 - o.dampening);
  const double step = static_cast<float>(-o.lr);
  const double decay = static_cast<float>(o.weight_decay);
  if (buf != nullptr && o.weight_decay == 0 && !o.nesterov) {
    // Plain momentum, the usual configuration, as a branch-free loop the compiler vectorises.
    for (int64_t i = 0; i < n; i++) {
      const float b = static_cast<float>(static_cast<float>(buf[i] * mom) + keep * (sign * g[i]));
      buf[i] = b;
      p[i] = static_cast<float>(p[i] + step * b);
    }
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    double d = sign * g[i];
    if (o.weight_decay != 0) d = static_cast<float>(d + decay * p[i]);
    if (buf != nullptr) {
      const float b = static_cast<float>(static_cast<float>(buf[i] * mom) + keep * d);
      buf[i] = b;
      d = o.nesterov ? static_cast<float>(d + mom * b) : b;
    }
    p[i] = static_cast<float>(p[i] + step * d);
  }
}

}  // namespace tstorch
