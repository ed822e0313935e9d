// WebAssembly SIMD128 kernels of tstorch, freestanding (no libc): built by tools/build-wasm.sh into
// ../module.ts. The typed kernels are written once in typed.h and instantiated here for float32
// (f32x4 lanes) and float64 (f64x2 lanes); their exported names end in _f32 and _f64.
//
// Memory: the JS loader (../loader.ts) owns the linear memory above __heap_base and passes every
// operand, result and scratch area as a pointer, so the kernels never allocate. Element counts and
// strides are in elements and fit in 32 bits (wasm32 memory is at most 4 GiB).
#include <wasm_simd128.h>

typedef long long i64;

#define INLINE static inline __attribute__((always_inline))
#define STRING_(x) #x
#define STRING(x) STRING_(x)
#define EXPORT(name) __attribute__((export_name(STRING(name))))

static int min_int(int a, int b) { return a < b ? a : b; }
static int max_int(int a, int b) { return a > b ? a : b; }

/** The parameters of a convolution, as js/conv.ts's ConvGeometry, in the order loader.ts writes them. */
typedef struct {
  int batch, groups, inC, inH, inW, outC, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW;
} ConvGeometry;

/** The parameters of a max pooling, as js/pooling.ts's PoolGeometry, in the order loader.ts writes them. */
typedef struct {
  int planes, inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW;
} PoolGeometry;

/**
 * The grid positions [lo, hi) whose tap at kernel offset k lands inside an image dim of `size`
 * (js/conv.ts's `inside`).
 */
static void inside(int k, int size, int grid, int stride, int pad, int dilation, int *lo, int *hi) {
  int shift = k * dilation - pad;
  int l = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  int h = size - 1 - shift < 0 ? 0 : min_int(grid, (size - 1 - shift) / stride + 1);
  *lo = l;
  *hi = max_int(l, h);
}

/**
 * Runs the block that follows the arguments for each tap (c, kh, kw) of `channels` channels of a
 * convolution window, with `row` its row in the unfolded matrix (c*kH*kW + kh*kW + kw) and
 * [hLo, hHi) x [wLo, wHi) the grid positions whose tap lands inside the image.
 */
#define FOR_EACH_TAP(g, channels, imgH, imgW, gridH, gridW, ...)                                \
  for (int c = 0, row = 0; c < (channels); c++) {                                               \
    for (int kh = 0; kh < (g)->kH; kh++) {                                                      \
      int hLo, hHi;                                                                             \
      inside(kh, imgH, gridH, (g)->strideH, (g)->padH, (g)->dilationH, &hLo, &hHi);             \
      for (int kw = 0; kw < (g)->kW; kw++, row++) {                                             \
        int wLo, wHi;                                                                           \
        inside(kw, imgW, gridW, (g)->strideW, (g)->padW, (g)->dilationW, &wLo, &wHi);           \
        __VA_ARGS__                                                                             \
      }                                                                                         \
    }                                                                                           \
  }

// Unary and binary operation codes, in the order of loader.ts's UNARY_OPS and BINARY_OPS.
enum { OP_NEG, OP_ABS, OP_SQRT, OP_RELU, OP_EXP, OP_LOG, OP_TANH, OP_SIGMOID };
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MAXIMUM, OP_MINIMUM, OP_RELU_BACKWARD };

#define REAL float
#define SUFFIX f32
#define VL 4
#define VSPLAT wasm_f32x4_splat
#define VLOAD_SPLAT wasm_v128_load32_splat
#define VLANE0 wasm_f32x4_extract_lane
#define VADD wasm_f32x4_add
#define VSUB wasm_f32x4_sub
#define VMUL wasm_f32x4_mul
#define VRELAXED_MADD wasm_f32x4_relaxed_madd
#define VDIV wasm_f32x4_div
#define VNEG wasm_f32x4_neg
#define VABS wasm_f32x4_abs
#define VSQRT wasm_f32x4_sqrt
#define VLT wasm_f32x4_lt
#define VLE wasm_f32x4_le
#define VGE wasm_f32x4_ge
#define VNE wasm_f32x4_ne
// The register block of the GEMM micro-kernel (rows x vectors of columns) and the cache blocks. V8 on
// x86-64 has 16 SIMD registers: 4 x 2 vectors of accumulators, two of B and the splats of A fit with
// room to spare, and measured fastest (42 GFLOPS at n = 512 against 27 for 4 x 4 and 24 for 6 x 2,
// which spill).
#define MR 4
#define NV 2
#define KC 256
#define MC 128
#define NC 2048
#include "typed.h"

#define REAL double
#define SUFFIX f64
#define VL 2
#define VSPLAT wasm_f64x2_splat
#define VLOAD_SPLAT wasm_v128_load64_splat
#define VLANE0 wasm_f64x2_extract_lane
#define VADD wasm_f64x2_add
#define VSUB wasm_f64x2_sub
#define VMUL wasm_f64x2_mul
#define VRELAXED_MADD wasm_f64x2_relaxed_madd
#define VDIV wasm_f64x2_div
#define VNEG wasm_f64x2_neg
#define VABS wasm_f64x2_abs
#define VSQRT wasm_f64x2_sqrt
#define VLT wasm_f64x2_lt
#define VLE wasm_f64x2_le
#define VGE wasm_f64x2_ge
#define VNE wasm_f64x2_ne
#define MR 4
#define NV 2
#define KC 256
#define MC 64
#define NC 1024
#include "typed.h"

// ---- float32 transcendental functions ----
//
// exp, log, tanh and sigmoid of float32 values, computed in double on f64x2 lanes with polynomials whose
// relative error (below 1e-12) is far under float32's half ulp (3e-8), then rounded once to float32: the
// result is the correctly rounded value except when the exact one lies within 1e-12 of a halfway point
// between two floats, and then one ulp away; the JS kernels (Math.exp and friends in double, rounded
// the same way) agree with it to that. Every float32, subnormals included, is a normal double, so the
// functions below need no subnormal handling. float64 operands are declined (a faithfully rounded
// double exp or log needs more than this).

static const double LOG2E = 1.4426950408889634;
// ln 2 split so that n * LN2_HI is exact for |n| < 2^11 (Cody and Waite's reduction).
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;

/** e^x for x in [-200, 200] (callers clamp; nan passes through as nan). */
INLINE v128_t exp_f64x2(v128_t x) {
  v128_t n = wasm_f64x2_nearest(wasm_f64x2_mul(x, wasm_f64x2_splat(LOG2E)));
  v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(x, wasm_f64x2_mul(n, wasm_f64x2_splat(LN2_HI))), wasm_f64x2_mul(n, wasm_f64x2_splat(LN2_LO)));
  // e^r for |r| <= ln2/2 by its Taylor polynomial of degree 11 (the next term is below 1e-14 of it).
  v128_t p = wasm_f64x2_splat(1.0 / 39916800);
  static const double coefficients[] = {1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1};
  for (int i = 0; i < 11; i++) p = wasm_f64x2_add(wasm_f64x2_mul(p, r), wasm_f64x2_splat(coefficients[i]));
  // 2^n from its exponent bits (nan converts to 0, and p is nan then).
  v128_t bits = wasm_i64x2_shl(wasm_i64x2_add(wasm_i64x2_extend_low_i32x4(wasm_i32x4_trunc_sat_f64x2_zero(n)), wasm_i64x2_splat(1023)), 52);
  return wasm_f64x2_mul(p, bits);
}

INLINE v128_t clamp_f64x2(v128_t x, double bound) {
  return wasm_f64x2_min(wasm_f64x2_max(x, wasm_f64x2_splat(-bound)), wasm_f64x2_splat(bound));
}

/** Math.exp: e^200 and e^-200 are already inf and 0 in float32. */
INLINE v128_t exp_op(v128_t x) { return exp_f64x2(clamp_f64x2(x, 200)); }

/** Math.log: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s) for s = (m - 1) / (m + 1). */
INLINE v128_t log_op(v128_t x) {
  v128_t bits = wasm_i64x2_sub(x, wasm_i64x2_splat(0x3fe6a09e667f3bcdLL)); // bits of sqrt(1/2)
  v128_t e = wasm_i64x2_shr(bits, 52);
  v128_t m = wasm_i64x2_sub(x, wasm_i64x2_shl(e, 52));
  v128_t s = wasm_f64x2_div(wasm_f64x2_sub(m, wasm_f64x2_splat(1)), wasm_f64x2_add(m, wasm_f64x2_splat(1)));
  v128_t s2 = wasm_f64x2_mul(s, s);
  // atanh(s)/s = sum of s^2k / (2k + 1); |s| < 0.172, so s^2 < 0.0295 and 9 terms leave under 1e-14.
  v128_t p = wasm_f64x2_splat(1.0 / 17);
  for (int k = 7; k >= 0; k--) p = wasm_f64x2_add(wasm_f64x2_mul(p, s2), wasm_f64x2_splat(1.0 / (2 * k + 1)));
  double e0 = (double)wasm_i64x2_extract_lane(e, 0), e1 = (double)wasm_i64x2_extract_lane(e, 1);
  v128_t ef = wasm_f64x2_make(e0, e1);
  v128_t y = wasm_f64x2_add(wasm_f64x2_mul(ef, wasm_f64x2_splat(LN2_HI)),
                            wasm_f64x2_add(wasm_f64x2_mul(ef, wasm_f64x2_splat(LN2_LO)), wasm_f64x2_mul(wasm_f64x2_add(s, s), p)));
  // log(0) = -inf, log(inf) = inf, log(x < 0) = nan, log(nan) = nan.
  v128_t zero = wasm_f64x2_splat(0);
  y = wasm_v128_bitselect(wasm_f64x2_splat(-__builtin_inf()), y, wasm_f64x2_eq(x, zero));
  y = wasm_v128_bitselect(x, y, wasm_f64x2_eq(x, wasm_f64x2_splat(__builtin_inf())));
  return wasm_v128_bitselect(wasm_f64x2_splat(__builtin_nan("")), y, wasm_v128_not(wasm_f64x2_ge(x, zero)));
}

/**
 * Math.tanh: 1 - 2 / (e^2|x| + 1) with x's sign, which loses nothing for |x| >= 0.125; below, its
 * Taylor series to x^11 (relative error under 1e-13). |x| is clamped at 20, where tanh is 1 in float32.
 */
INLINE v128_t tanh_op(v128_t x) {
  v128_t a = wasm_f64x2_abs(x);
  v128_t e = exp_f64x2(wasm_f64x2_add(wasm_f64x2_min(a, wasm_f64x2_splat(20)), wasm_f64x2_min(a, wasm_f64x2_splat(20))));
  v128_t large = wasm_f64x2_sub(wasm_f64x2_splat(1), wasm_f64x2_div(wasm_f64x2_splat(2), wasm_f64x2_add(e, wasm_f64x2_splat(1))));
  large = wasm_v128_or(large, wasm_v128_and(x, wasm_f64x2_splat(-0.0)));
  static const double series[] = {-1382.0 / 155925, 62.0 / 2835, -17.0 / 315, 2.0 / 15, -1.0 / 3, 1};
  v128_t x2 = wasm_f64x2_mul(x, x);
  v128_t p = wasm_f64x2_splat(21844.0 / 6081075);
  for (int i = 0; i < 6; i++) p = wasm_f64x2_add(wasm_f64x2_mul(p, x2), wasm_f64x2_splat(series[i]));
  v128_t small = wasm_f64x2_mul(p, x);
  return wasm_v128_bitselect(small, large, wasm_f64x2_lt(a, wasm_f64x2_splat(0.125)));
}

/** js/elementwise.ts's sigmoid: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below, with e^-|x| either way. */
INLINE v128_t sigmoid_op(v128_t x) {
  v128_t e = exp_f64x2(wasm_f64x2_neg(wasm_f64x2_min(wasm_f64x2_abs(x), wasm_f64x2_splat(200))));
  v128_t d = wasm_f64x2_add(e, wasm_f64x2_splat(1));
  v128_t nonNegative = wasm_f64x2_ge(x, wasm_f64x2_splat(0));
  return wasm_f64x2_div(wasm_v128_bitselect(wasm_f64x2_splat(1), e, nonNegative), d);
}

/** Applies a double-precision lane function to float32 values: two f64x2 halves, rounded once. */
#define FLOAT32_VIA_DOUBLE(name, fn)                                                                         \
  INLINE v128_t name(v128_t x) {                                                                          \
    v128_t lo = fn(wasm_f64x2_promote_low_f32x4(x));                                                        \
    v128_t hi = fn(wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(x, x, 1, 0)));                          \
    return wasm_i64x2_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 2); \
  }
FLOAT32_VIA_DOUBLE(exp_f32x4, exp_op)
FLOAT32_VIA_DOUBLE(log_f32x4, log_op)
FLOAT32_VIA_DOUBLE(tanh_f32x4, tanh_op)
FLOAT32_VIA_DOUBLE(sigmoid_f32x4, sigmoid_op)

/** The loop of transcendental_f32 for one function; leftover elements go through a one-lane vector. */
#define TRANSCENDENTAL_LOOP(fn)                                                                              \
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, fn(wasm_v128_load(a + i)));                           \
  for (; i < n; i++) out[i] = wasm_f32x4_extract_lane(fn(wasm_f32x4_splat(a[i])), 0);

/** out[i] = f(a[i]) for f one of exp, log, tanh, sigmoid (codes OP_EXP...), float32 only. */
EXPORT(transcendental_f32) void transcendental_f32(int op, const float *a, float *out, int n) {
  int i = 0;
  switch (op) {
    case OP_EXP: TRANSCENDENTAL_LOOP(exp_f32x4) break;
    case OP_LOG: TRANSCENDENTAL_LOOP(log_f32x4) break;
    case OP_TANH: TRANSCENDENTAL_LOOP(tanh_f32x4) break;
    default: TRANSCENDENTAL_LOOP(sigmoid_f32x4) break;
  }
}

/** The sum of n float32 values, in double: SIMD lanes promoted to f64x2, four accumulators. */
EXPORT(sum_f32) double sum_f32(const float *a, int n) {
  v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t x = wasm_v128_load(a + i);
    v128_t y = wasm_v128_load(a + i + 4);
    s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(x));
    s1 = wasm_f64x2_add(s1, wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(x, x, 1, 0)));
    s2 = wasm_f64x2_add(s2, wasm_f64x2_promote_low_f32x4(y));
    s3 = wasm_f64x2_add(s3, wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(y, y, 1, 0)));
  }
  v128_t s = wasm_f64x2_add(wasm_f64x2_add(s0, s1), wasm_f64x2_add(s2, s3));
  double total = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
  for (; i < n; i++) total += a[i];
  return total;
}

/**
 * The pairwise sum of n float64 values (as NumPy's): runs of up to 128 in eight interleaved partial
 * sums, longer runs split in halves, so the rounding error grows with log n rather than n.
 */
EXPORT(sum_f64) double sum_f64(const double *a, int n) {
  if (n > 128) {
    int half = (n / 2) & ~7;
    return sum_f64(a, half) + sum_f64(a + half, n - half);
  }
  v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 = wasm_f64x2_add(s0, wasm_v128_load(a + i));
    s1 = wasm_f64x2_add(s1, wasm_v128_load(a + i + 2));
    s2 = wasm_f64x2_add(s2, wasm_v128_load(a + i + 4));
    s3 = wasm_f64x2_add(s3, wasm_v128_load(a + i + 6));
  }
  v128_t s = wasm_f64x2_add(wasm_f64x2_add(s0, s1), wasm_f64x2_add(s2, s3));
  double total = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
  for (; i < n; i++) total += a[i];
  return total;
}

// ---- Optimizer updates (float32), the fused loops of src/optim/adam.ts, rmsprop.ts and adagrad.ts ----
// The loops are the native addon's, from its optim_loops.h (rounding every operation to float32 as the
// JS loops do, contraction off); the exports below take the constants as arguments, as loader.ts
// passes them, and the flags as ints.
#include "../../native/optim_loops.h"

EXPORT(adam_step_f32) void adam_step_f32(float *p, const float *g, float *m, float *v, int n, int decoupled, int decay_grad,
                                         float shrink, float decay, float w1, float beta2, float w2, float root, float eps,
                                         float scale, float sign) {
  const AdamConstants c = {decoupled, decay_grad, shrink, decay, w1, beta2, w2, root, eps, scale, sign};
  adam_update(p, g, m, v, n, &c);
}

/**
 * `buf` 0 without momentum, `ga` 0 unless centered. One loop that tests the flags as it goes, not
 * optim_loops.h's four variants (rmsprop_update): those run about twice as fast with momentum or
 * centering (not both), but add 2.8 KB (5%) to the module.
 */
EXPORT(rmsprop_step_f32) void rmsprop_step_f32(float *p, const float *g, float *sq, float *buf, float *ga, int n, int decay_grad,
                                               float decay, float alpha, float w, float eps, float momentum, float step, float sign) {
  const RmspropConstants c = {decay_grad, decay, alpha, w, eps, momentum, step, sign};
  rmsprop_loop(p, g, sq, buf, ga, n, &c, ga != 0, buf != 0);
}

EXPORT(adagrad_step_f32) void adagrad_step_f32(float *p, const float *g, float *sum, int n, int decay_grad, float decay, float eps,
                                               float step, float sign) {
  const AdagradConstants c = {decay_grad, decay, eps, step, sign};
  adagrad_update(p, g, sum, n, &c);
}
