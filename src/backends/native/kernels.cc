// Chooses the kernel table once, from the CPU the process runs on.
#include "kernels.h"

namespace tstorch {
namespace {

bool forced_generic = false;

const KernelTable& cpu_kernels() {
#if defined(TSTORCH_HAVE_AVX2)
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx2) return avx2_kernels();
#endif
  return generic_kernels();
}

}  // namespace

const KernelTable& active_kernels() { return forced_generic ? generic_kernels() : cpu_kernels(); }

void force_generic_kernels(bool on) { forced_generic = on; }

}  // namespace tstorch
