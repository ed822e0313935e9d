// The instruction-set-specific kernels: one table per translation unit that includes kernels.inc
// (kernels_generic.cc for any x86-64 or ARM CPU, kernels_avx2.cc compiled with -mavx2 -mfma), chosen
// once at load time from what the CPU supports.
#pragma once
#include <cstdint>

#include "conv_window.h"
#include "optim.h"

namespace tstorch {

// Codes of the elementwise ops; loader.ts maps the Backend interface's names to these.
enum UnaryOp : int { kNeg = 0, kAbs, kExp, kLog, kSqrt, kTanh, kSigmoid, kRelu, kErf, kUnaryCount };
enum BinaryOp : int { kAdd = 0, kSub, kMul, kDiv, kMaximum, kMinimum, kReluBackward, kBinaryCount };

/**
 * The width of the direct convolution's and 2x2 max pooling's vectors, in bytes: callers need whole
 * output vectors along a row (conv.cc's direct_fits, pooling.cc's plane_kernel).
 */
constexpr int64_t kVectorBytes = 32;

/** GEMM register-tile sizes: the micro-kernel updates an MR x NR block of C per call. */
template <typename T> struct Tile;
template <> struct Tile<float> { static constexpr int MR = 6, NR = 16; };
template <> struct Tile<double> { static constexpr int MR = 6, NR = 8; };

template <typename T>
struct KernelSet {
  /** out[i] = op(a[i * a_step]) for i < n (a_step 0 repeats one value). */
  void (*unary)(int op, const T* a, int64_t a_step, T* out, int64_t n);
  /** out[i] = op(a[i * a_step], b[i * b_step]) for i < n. */
  void (*binary)(int op, const T* a, int64_t a_step, const T* b, int64_t b_step, T* out, int64_t n);
  /** The sum of a[0..n) accumulated in double. */
  double (*sum)(const T* a, int64_t n);
  /** sum's 16 accumulators (`lanes`) advanced over a[0..n), n a multiple of 16. */
  void (*sum_lanes)(const T* a, int64_t n, double* lanes);
  /** sum's result from its accumulators and the last n (< 16) elements: sum_lanes then sum_finish is sum. */
  double (*sum_finish)(double* lanes, const T* rest, int64_t n);
  /**
   * out[k] = the sum over o < outer, i < inner of a[(o * width + k) * inner + i], in that order in
   * double, for begin <= k < end: the sums over the dims around a block of kept dims.
   */
  void (*sum_blocks)(const T* a, int64_t outer, int64_t width, int64_t inner, int64_t begin, int64_t end, T* out);
  /**
   * C[i * ldc + j] += sum over p < kc of a[p * MR + i] * b[p * NR + j] for i < MR, j < NR: the GEMM
   * micro-kernel over packed panels (a and b aligned to 32 bytes).
   */
  void (*micro_kernel)(int64_t kc, const T* a, const T* b, T* c, int64_t ldc);
  /**
   * One image's `channels` channels (strides cs, hs, ws from src) unfolded into cols: a row per tap
   * (c, kh, kw) and a column per window position. Taps in the padding are not written: the buffer
   * starts at zero and they stay zero for the same window.
   */
  void (*im2col)(const T* src, int64_t cs, int64_t hs, int64_t ws, int64_t channels, const ConvWindow& w, T* cols);
  /**
   * The direct convolution's forward pass of one image: out [out_channels][out_h][out_w] = bias (null:
   * zero) + the correlation, with the taps packed in blocks of `block` output channels
   * (direct_channel_block): block b holds taps (c, i, j) in order, each with that block's channels
   * side by side, a last block short of channels repeating its last one.
   */
  void (*direct_forward)(const DirectConv<T>& d, const T* packed, int block, const T* bias, T* out);
  /**
   * Max pooling of one plane (in_w wide) with 2x2 windows at stride 2, all inside it: each window's
   * maximum and its flat index (pooling.h's rules); out_w at least one vector (kVectorBytes) wide.
   */
  void (*max_pool_2x2)(const T* x, int64_t in_w, int64_t out_h, int64_t out_w, T* out, int64_t* indices);
};

struct KernelTable {
  const char* name;
  KernelSet<float> f32;
  KernelSet<double> f64;
  /** optim.h's optimizer steps over one chunk, unthreaded (all but SGD's are optim_loops.h's loops). */
  void (*sgd_step)(float* param, const float* grad, float* buf, int64_t n, const SgdOptions& o);
  void (*adam_step)(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, ptrdiff_t n, const AdamConstants* c);
  void (*rmsprop_step)(float* param, const float* grad, float* square_avg, float* buf, float* grad_avg, ptrdiff_t n, const RmspropConstants* c);
  void (*adagrad_step)(float* param, const float* grad, float* sum, ptrdiff_t n, const AdagradConstants* c);
};

const KernelTable& generic_kernels();
#if defined(TSTORCH_HAVE_AVX2)
const KernelTable& avx2_kernels();
#endif

/** The table for this CPU (AVX2+FMA when it has both and the addon was built with them). */
const KernelTable& active_kernels();
/** Forces the generic table (tests compare the two); false restores the CPU's choice. */
void force_generic_kernels(bool on);

template <typename T> const KernelSet<T>& kernels();
template <> inline const KernelSet<float>& kernels<float>() { return active_kernels().f32; }
template <> inline const KernelSet<double>& kernels<double>() { return active_kernels().f64; }

}  // namespace tstorch
