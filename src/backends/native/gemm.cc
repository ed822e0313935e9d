#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>

#include "buffer.h"
#include "kernels.h"
#include "threadpool.h"

#if defined(TSTORCH_BLAS_OPENBLAS)
#include <cblas.h>
#elif defined(TSTORCH_BLAS_ACCELERATE)
#include <Accelerate/Accelerate.h>
#endif

namespace tstorch {
namespace {

inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

// Cache blocking of the packed GEMM: a KC x NR panel of B stays in L1 across the MR-row panels of
// A, an MC x KC block of A in L2, a KC x NC block of B in L3.
template <typename T> struct Blocking;
template <> struct Blocking<float> { static constexpr int64_t MC = 120, KC = 256, NC = 3072; };
template <> struct Blocking<double> { static constexpr int64_t MC = 72, KC = 256, NC = 2048; };

/** Rows [i0, i0 + rows) and columns [p0, p0 + kc) of a, in MR-row panels, zero past the last row. */
template <typename T>
void pack_a(MatrixRef<T> a, int64_t i0, int64_t rows, int64_t p0, int64_t kc, T* dst) {
  constexpr int MR = Tile<T>::MR;
  for (int64_t ir = 0; ir < rows; ir += MR, dst += MR * kc) {
    const int64_t live = min64(MR, rows - ir);
    for (int64_t p = 0; p < kc; p++) {
      const T* src = a.data + (i0 + ir) * a.rs + (p0 + p) * a.cs;
      int64_t i = 0;
      for (; i < live; i++) dst[p * MR + i] = src[i * a.rs];
      for (; i < MR; i++) dst[p * MR + i] = T(0);
    }
  }
}

/** Rows [p0, p0 + kc) and columns [j0, j0 + cols) of b, in NR-column panels, zero past the last column. */
template <typename T>
void pack_b_panel(MatrixRef<T> b, int64_t p0, int64_t kc, int64_t j0, int64_t cols, T* dst) {
  constexpr int NR = Tile<T>::NR;
  for (int64_t p = 0; p < kc; p++) {
    const T* src = b.data + (p0 + p) * b.rs + j0 * b.cs;
    T* row = dst + p * NR;
    int64_t j = 0;
    if (b.cs == 1) {
      for (; j < cols; j++) row[j] = src[j];
    } else {
      for (; j < cols; j++) row[j] = src[j * b.cs];
    }
    for (; j < NR; j++) row[j] = T(0);
  }
}

/** c block += packed a block (rows x kc) * packed b panels [jr0, jr1) (of a block `cols` wide). */
template <typename T>
void macro_kernel(int64_t rows, int64_t cols, int64_t kc, const T* apack, const T* bpack, int64_t jr0, int64_t jr1, T* c, int64_t ldc) {
  constexpr int MR = Tile<T>::MR;
  constexpr int NR = Tile<T>::NR;
  auto micro = kernels<T>().micro_kernel;
  alignas(32) T tile[MR * NR];
  for (int64_t jr = jr0; jr < jr1; jr++) {
    const int64_t j = jr * NR;
    const int64_t live_cols = min64(NR, cols - j);
    for (int64_t ir = 0; ir < rows; ir += MR) {
      const int64_t live_rows = min64(MR, rows - ir);
      T* dst = c + ir * ldc + j;
      if (live_rows == MR && live_cols == NR) {
        micro(kc, apack + ir * kc, bpack + jr * NR * kc, dst, ldc);
      } else {
        std::memset(tile, 0, sizeof(tile));
        micro(kc, apack + ir * kc, bpack + jr * NR * kc, tile, NR);
        for (int64_t i = 0; i < live_rows; i++)
          for (int64_t jj = 0; jj < live_cols; jj++) dst[i * ldc + jj] += tile[i * NR + jj];
      }
    }
  }
}

/**
 * The packed GEMM (Goto's loop order). Threads split the blocks of rows of c and, when there are too
 * few of those to go round, the column panels too; every element's sum along k runs in the same
 * order (KC blocks in sequence, then p within a block) whatever the split.
 */
template <typename T>
void packed_gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c, int64_t ldc) {
  constexpr int64_t MC = Blocking<T>::MC, KC = Blocking<T>::KC, NC = Blocking<T>::NC;
  constexpr int NR = Tile<T>::NR;
  const int64_t flops_per_row_block = 2 * min64(MC, m) * min64(NC, n) * min64(KC, k);
  Buffer<T> bpack(min64(KC, k) * ((min64(NC, n) + NR - 1) / NR) * NR);
  for (int64_t jc = 0; jc < n; jc += NC) {
    const int64_t nc = min64(NC, n - jc);
    const int64_t panels = (nc + NR - 1) / NR;
    for (int64_t pc = 0; pc < k; pc += KC) {
      const int64_t kc = min64(KC, k - pc);
      T* bp = bpack.data();
      parallel_for(panels, 16, [&](int64_t begin, int64_t end) {
        for (int64_t jr = begin; jr < end; jr++) pack_b_panel(b, pc, kc, jc + jr * NR, min64(NR, nc - jr * NR), bp + jr * NR * kc);
      });
      const int64_t row_blocks = (m + MC - 1) / MC;
      const int threads = threads_for(row_blocks * panels * 4, 1);
      const int64_t parts = row_blocks >= 2 * threads ? 1 : (2 * threads + row_blocks - 1) / row_blocks;
      const int64_t panels_per_part = (panels + parts - 1) / parts;
      // A task is worth a thread when it holds at least a few hundred thousand multiply-adds.
      const int64_t grain = flops_per_row_block / parts >= (1 << 19) ? 1 : row_blocks * parts;
      parallel_for(row_blocks * parts, grain, [&](int64_t begin, int64_t end) {
        Buffer<T> apack(min64(MC, m) * kc + Tile<T>::MR * kc);
        int64_t packed_block = -1;
        for (int64_t task = begin; task < end; task++) {
          const int64_t ib = task / parts;
          const int64_t part = task % parts;
          const int64_t ic = ib * MC;
          const int64_t mc = min64(MC, m - ic);
          if (ib != packed_block) {
            pack_a(a, ic, mc, pc, kc, apack.data());
            packed_block = ib;
          }
          const int64_t jr0 = part * panels_per_part;
          const int64_t jr1 = min64(panels, jr0 + panels_per_part);
          if (jr0 < jr1) macro_kernel(mc, nc, kc, apack.data(), bp, jr0, jr1, c + ic * ldc + jc, ldc);
        }
      });
    }
  }
}

bool use_blas = true;
// Atomic because a second JavaScript thread (a Worker) may run a product at the same time.
std::atomic<int> blas_threads{0};

void apply_blas_threads(int n) {
  if (blas_threads.exchange(n) == n) return;
#if defined(TSTORCH_BLAS_OPENBLAS)
  openblas_set_num_threads(n);
#endif
}

#if defined(TSTORCH_BLAS_OPENBLAS) || defined(TSTORCH_BLAS_ACCELERATE)
constexpr bool kHaveBlas = true;
#if defined(TSTORCH_BLAS_OPENBLAS)
constexpr bool kOpenBlas = true;
#else
constexpr bool kOpenBlas = false;
#endif

// How BLAS products use threads. OpenBLAS stays on one thread, and a product from the JavaScript
// thread is cut into one block of rows or columns per thread, for as many threads as get kBlockWork
// multiply-adds each (about a million, as for the products of a batch; so from 2M on two threads);
// the addon's pool runs one single-threaded BLAS call per block. OpenBLAS's own workers, woken for
// mid-sized products, split them less well (W4's 128 x 784 x 512 layer: 497 us on its two threads,
// 421 as two column blocks; n = 128: 25 against 16-20 us), and they spin for a while after each
// product, taking the core the pool needs next (the training example's linear layers at batch 64
// once ran 7x slower on two threads than on one). Products of at least kBlasThreadsWork (n = 1024
// and up) run on OpenBLAS's threads, which share the packing of B: 3-5% faster than blocks there.
constexpr int64_t kBlockWork = int64_t{1} << 20;
constexpr int64_t kBlasThreadsWork = int64_t{1} << 29;
// A block holds whole micro-kernel tiles (OpenBLAS's are at most 16 rows or columns), so the blocks
// add no edge tiles of their own.
constexpr int64_t kBlockAlign = 16;
// Blocks of rows while each thread gets this many; fewer rows (a batch of 128 through a wide layer)
// split better by columns.
constexpr int64_t kMinRowsPerThread = 128;

/** How a strided operand maps onto a BLAS argument: (trans, ld), or false when it must be packed. */
template <typename T>
bool blas_layout(MatrixRef<T> x, int64_t rows, int64_t cols, CBLAS_TRANSPOSE* trans, int64_t* ld) {
  if (x.cs == 1 && (rows == 1 || x.rs >= cols)) {
    *trans = CblasNoTrans;
    *ld = rows == 1 ? (cols > 0 ? cols : 1) : x.rs;
    return *ld <= INT_MAX;
  }
  if (x.rs == 1 && (cols == 1 || x.cs >= rows)) {
    *trans = CblasTrans;
    *ld = cols == 1 ? (rows > 0 ? rows : 1) : x.cs;
    return *ld <= INT_MAX;
  }
  return false;
}

/** A copy of x into a contiguous row-major buffer, for layouts BLAS cannot read. */
template <typename T>
void pack_rows(MatrixRef<T> x, int64_t rows, int64_t cols, T* dst) {
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) dst[i * cols + j] = x.data[i * x.rs + j * x.cs];
}

// With beta 0 the BLAS writes c without reading it (the BLAS standard: c need not be set on input;
// OpenBLAS stores zeros first rather than computing 0 * c), so uninitialised memory holding NaN is fine.
inline void blas_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}
inline void blas_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const double* a, int lda, const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc);
}

/** One BLAS call for c (+)= a b, on however many threads the BLAS is set to; sizes already checked. */
template <typename T>
void blas_product(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c, int64_t ldc, bool accumulate) {
  CBLAS_TRANSPOSE ta, tb;
  int64_t lda, ldb;
  // Operands BLAS cannot read in place (broadcast rows, steps in both dims) are copied; the copy is
  // O(size) against the product's O(m n k).
  const bool a_direct = blas_layout(a, m, k, &ta, &lda);
  const bool b_direct = blas_layout(b, k, n, &tb, &ldb);
  Buffer<T> a_copy(a_direct ? 0 : m * k);
  Buffer<T> b_copy(b_direct ? 0 : k * n);
  const T* ap = a.data;
  const T* bp = b.data;
  if (!a_direct) {
    pack_rows(a, m, k, a_copy.data());
    ap = a_copy.data();
    ta = CblasNoTrans;
    lda = k;
  }
  if (!b_direct) {
    pack_rows(b, k, n, b_copy.data());
    bp = b_copy.data();
    tb = CblasNoTrans;
    ldb = n;
  }
  blas_gemm(ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), ap, static_cast<int>(lda), bp, static_cast<int>(ldb),
            accumulate ? T(1) : T(0), c, static_cast<int>(ldc));
}

/**
 * c (+)= a b through the BLAS, threaded as the comment on kBlockWork says; false for sizes it cannot
 * take. Each block overwrites or adds to its own part of c, so an output that needs no zeroing is
 * written by all the threads at once.
 */
template <typename T>
bool try_blas(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c, int64_t ldc, bool accumulate) {
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX || ldc > INT_MAX) return false;
  if (!kOpenBlas) {
    // Accelerate threads its products itself and has no call to set how many threads it uses.
    blas_product(m, n, k, a, b, c, ldc, accumulate);
    return true;
  }
  // Operands live in typed arrays (under 2^53 bytes), so m n k stays far below 2^63.
  const int64_t work = m * n * k;
  // Only the JavaScript thread changes the BLAS's thread count; inside a pool worker this is 1.
  const int threads = threads_for(work, kBlockWork);
  if (threads > 1 && work >= kBlasThreadsWork) {
    apply_blas_threads(threads);
    blas_product(m, n, k, a, b, c, ldc, accumulate);
    apply_blas_threads(1);
    return true;
  }
  if (threads == 1) {
    blas_product(m, n, k, a, b, c, ldc, accumulate);
    return true;
  }
  const bool by_rows = m / threads >= kMinRowsPerThread;
  const int64_t extent = by_rows ? m : n;
  const int64_t per_thread = (extent + threads - 1) / threads;
  const int64_t block = (per_thread + kBlockAlign - 1) / kBlockAlign * kBlockAlign;
  parallel_for((extent + block - 1) / block, 1, [&](int64_t begin, int64_t end) {
    for (int64_t part = begin; part < end; part++) {
      const int64_t start = part * block;
      const int64_t size = min64(block, extent - start);
      if (by_rows) blas_product(size, n, k, {a.data + start * a.rs, a.rs, a.cs}, b, c + start * ldc, ldc, accumulate);
      else blas_product(m, size, k, a, {b.data + start * b.cs, b.rs, b.cs}, c + start, ldc, accumulate);
    }
  });
  return true;
}
#else
constexpr bool kHaveBlas = false;

template <typename T>
bool try_blas(int64_t, int64_t, int64_t, MatrixRef<T>, MatrixRef<T>, T*, int64_t, bool) { return false; }
#endif

}  // namespace

template <typename T>
void gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c, int64_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k > 0 && kHaveBlas && use_blas && try_blas(m, n, k, a, b, c, ldc, accumulate)) return;
  // The packed GEMM (and an empty sum) only adds, so an output to overwrite starts at zero.
  if (!accumulate) {
    parallel_for(m, (1 << 16) / n + 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) std::fill_n(c + i * ldc, n, T(0));
    });
  }
  if (k > 0) packed_gemm(m, n, k, a, b, c, ldc);
}

template void gemm<float>(int64_t, int64_t, int64_t, MatrixRef<float>, MatrixRef<float>, float*, int64_t, bool);
template void gemm<double>(int64_t, int64_t, int64_t, MatrixRef<double>, MatrixRef<double>, double*, int64_t, bool);

const char* blas_name() {
#if defined(TSTORCH_BLAS_OPENBLAS)
  // openblas_get_config() starts "OpenBLAS 0.3.21 ..." and then lists build options.
  static char name[64] = {0};
  if (name[0] == 0) {
    const char* config = openblas_get_config();
    int spaces = 0;
    size_t i = 0;
    for (; config[i] != 0 && i + 1 < sizeof(name); i++) {
      if (config[i] == ' ' && ++spaces == 2) break;
      name[i] = config[i];
    }
    name[i] = 0;
  }
  return name;
#elif defined(TSTORCH_BLAS_ACCELERATE)
  return "Accelerate";
#else
  return nullptr;
#endif
}

const char* blas_core() {
#if defined(TSTORCH_BLAS_OPENBLAS)
  return openblas_get_corename();
#else
  return nullptr;
#endif
}

bool blas_enabled() { return kHaveBlas && use_blas; }
void enable_blas(bool on) { use_blas = on; }

void init_blas_threads() { apply_blas_threads(1); }

}  // namespace tstorch
