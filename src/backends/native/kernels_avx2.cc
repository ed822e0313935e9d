// The kernels compiled with -mavx2 -mfma (binding.gyp builds this file alone with those flags); only
// called after active_kernels() has checked that the CPU has both.
#define KERNELS_TABLE_FN avx2_kernels
#define KERNELS_NAME "AVX2+FMA"
#include "kernels.inc"
