// The fused optimizer updates of src/optim/adam.ts, rmsprop.ts and adagrad.ts over float32 arrays, in
// the common subset of C and C++: the native addon's kernels.inc (C++, compiled portable and with
// AVX2+FMA) and the WebAssembly module's kernels.c (C, clang's wasm32 target) both include this file, so
// the two backends run one source and agree bit for bit. (SGD's loop stays in kernels.inc: only the
// native backend has one; the WebAssembly backend's SGD stays in JS.)
//
// Every function here is static: kernels.inc is compiled twice, and a function with external linkage
// emitted by both translation units could be merged by the linker into its AVX2 copy and run on a CPU
// without AVX2. Only compiler builtins are used (no libm, which the WebAssembly module lacks).
//
// Float arithmetic below is the JS loops' f32(a op b): for +, -, *, / and sqrt of float32 operands,
// rounding the double result to float32 gives the correctly rounded float32 result, so each float32
// operation here equals the JS loop's. Contracting a float32 product and a sum (v * beta2 + (d * w2) * d,
// buf * momentum + d / avg) into a fused multiply-add would skip the product's rounding and change
// results, so contraction is off in these functions (GCC's optimize attribute, clang's pragma; the
// WebAssembly build passes -ffp-contract=off besides). test/backends/optimizers.test.ts would catch a
// compiler that ignored it, since results would differ. The constants arrive rounded to float32.
#pragma once
#include <stddef.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__clang__)
#define NO_FP_CONTRACT
#define NO_FP_CONTRACT_BODY _Pragma("clang fp contract(off)")
#else
#define NO_FP_CONTRACT __attribute__((optimize("fp-contract=off")))
#define NO_FP_CONTRACT_BODY
#endif

#ifdef __cplusplus
namespace tstorch {
#endif

/** The float32 scalars of src/optim/adam.ts's fused loop (backend.ts's AdamConstants). */
typedef struct AdamConstants {
  bool decoupled, decay_grad;
  float shrink, decay, w1, beta2, w2, root, eps, scale, sign;
} AdamConstants;

/** The float32 scalars of src/optim/rmsprop.ts's fused loop. */
typedef struct RmspropConstants {
  bool decay_grad;
  float decay, alpha, w, eps, momentum, step, sign;
} RmspropConstants;

/** The float32 scalars of src/optim/adagrad.ts's fused loop. */
typedef struct AdagradConstants {
  bool decay_grad;
  float decay, eps, step, sign;
} AdagradConstants;

/** ops/ternary.ts's lerpValue: ATen's lerp of one element (exact at both ends), in double. */
NO_FP_CONTRACT static inline double lerp_value(double x, double end, double weight) {
  NO_FP_CONTRACT_BODY
  return __builtin_fabs(weight) < 0.5 ? x + weight * (end - x) : end - (end - x) * (1 - weight);
}

/** The gradient with weight decay added as the loops do: decay * param is exact in double, one rounding. */
static inline float with_decay(float d, float decay, float param) {
  return (float)((double)d + (double)decay * (double)param);
}

/** Adam's (and AdamW's) update of n elements. */
NO_FP_CONTRACT static inline void adam_update(float* p, const float* g, float* m, float* v, ptrdiff_t n, const AdamConstants* constants) {
  NO_FP_CONTRACT_BODY
  // A local copy: the stores through p could alias the constants, which would keep them in the loop.
  const AdamConstants c = *constants;
  for (ptrdiff_t i = 0; i < n; i++) {
    float d = c.sign * g[i];
    float x = p[i];
    if (c.decoupled) x = x * c.shrink;
    else if (c.decay_grad) d = with_decay(d, c.decay, x);
    const float mi = (float)lerp_value(m[i], d, c.w1);
    m[i] = mi;
    const float vi = v[i] * c.beta2 + (d * c.w2) * d;
    v[i] = vi;
    const float denom = __builtin_sqrtf(vi) / c.root + c.eps;
    p[i] = x + (mi * c.scale) / denom;
  }
}

/**
 * RMSprop's loop, always inlined: called with constant flags (the four functions below), each copy is
 * a loop without branches on them, which the compiler vectorises; the WebAssembly module calls it
 * with its arguments' flags instead, one smaller loop.
 */
NO_FP_CONTRACT static inline __attribute__((always_inline)) void rmsprop_loop(
    float* p, const float* g, float* sq, float* buf, float* ga, ptrdiff_t n, const RmspropConstants* constants, bool centered, bool momentum) {
  NO_FP_CONTRACT_BODY
  // A local copy: the stores through p could alias the constants, which would keep them in the loop.
  const RmspropConstants c = *constants;
  for (ptrdiff_t i = 0; i < n; i++) {
    float d = c.sign * g[i];
    if (c.decay_grad) d = with_decay(d, c.decay, p[i]);
    const float s = sq[i] * c.alpha + (d * c.w) * d;
    sq[i] = s;
    float avg;
    if (centered) {
      const float mean = (float)lerp_value(ga[i], d, c.w);
      ga[i] = mean;
      avg = __builtin_sqrtf(s + -mean * mean);
    } else {
      avg = __builtin_sqrtf(s);
    }
    avg = avg + c.eps;
    if (momentum) {
      const float b = buf[i] * c.momentum + d / avg;
      buf[i] = b;
      // step * b is exact in double: one rounding of the sum, as the JS loop.
      p[i] = (float)((double)p[i] + (double)c.step * (double)b);
    } else {
      p[i] = p[i] + (d * c.step) / avg;
    }
  }
}

// Each variant is a function of its own rather than a copy inlined straight into rmsprop_update: clang
// simplifies a function's loops before inlining it, and its loop unswitching weighs a loop's cost by
// the loops beside it, so with four loops in one function it would keep the decay branch in each
// (vectorised with masked loads) instead of giving each its own loop with and without decay.
NO_FP_CONTRACT static inline void rmsprop_plain(float* p, const float* g, float* sq, ptrdiff_t n, const RmspropConstants* c) {
  rmsprop_loop(p, g, sq, NULL, NULL, n, c, false, false);
}
NO_FP_CONTRACT static inline void rmsprop_momentum(float* p, const float* g, float* sq, float* buf, ptrdiff_t n, const RmspropConstants* c) {
  rmsprop_loop(p, g, sq, buf, NULL, n, c, false, true);
}
NO_FP_CONTRACT static inline void rmsprop_centered(float* p, const float* g, float* sq, float* ga, ptrdiff_t n, const RmspropConstants* c) {
  rmsprop_loop(p, g, sq, NULL, ga, n, c, true, false);
}
NO_FP_CONTRACT static inline void rmsprop_centered_momentum(float* p, const float* g, float* sq, float* buf, float* ga, ptrdiff_t n, const RmspropConstants* c) {
  rmsprop_loop(p, g, sq, buf, ga, n, c, true, true);
}

/** RMSprop's update of n elements (buf null without momentum, ga null unless centered). */
NO_FP_CONTRACT static inline void rmsprop_update(float* p, const float* g, float* sq, float* buf, float* ga, ptrdiff_t n, const RmspropConstants* c) {
  if (ga) {
    if (buf) rmsprop_centered_momentum(p, g, sq, buf, ga, n, c);
    else rmsprop_centered(p, g, sq, ga, n, c);
  } else {
    if (buf) rmsprop_momentum(p, g, sq, buf, n, c);
    else rmsprop_plain(p, g, sq, n, c);
  }
}

/** Adagrad's update of n elements. */
NO_FP_CONTRACT static inline void adagrad_update(float* p, const float* g, float* sum, ptrdiff_t n, const AdagradConstants* constants) {
  NO_FP_CONTRACT_BODY
  // A local copy: the stores through p could alias the constants, which would keep them in the loop.
  const AdagradConstants c = *constants;
  for (ptrdiff_t i = 0; i < n; i++) {
    float d = c.sign * g[i];
    if (c.decay_grad) d = with_decay(d, c.decay, p[i]);
    const float s = sum[i] + d * d;
    sum[i] = s;
    p[i] = p[i] + (d * c.step) / (__builtin_sqrtf(s) + c.eps);
  }
}

#ifdef __cplusplus
}  // namespace tstorch
#endif
