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
enum { OP_NEG, OP_ABS, OP_SQRT, OP_RELU };
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
