// The kernels for any CPU (baseline x86-64 SSE2, or the target's own baseline elsewhere).
#define KERNELS_TABLE_FN generic_kernels
#define KERNELS_NAME "portable"
#include "kernels.inc"
