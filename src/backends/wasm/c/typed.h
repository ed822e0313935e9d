// The typed kernels, included by kernels.c once per element type with REAL (the C type), SUFFIX (the
// export suffix), VL (lanes per v128) and the V* lane operations defined; every macro is undefined
// again at the end so that the next instantiation can define its own.
#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define F(name) CAT(name, SUFFIX)
#define NR (NV * VL)

// ---- GEMM ----
//
// Goto's blocking: for each NC-wide block of columns and each KC-deep block of k, the block of B is
// packed into NR-wide panels (read once from memory, then from L2/L3); for each MC-tall block of rows
// the block of A is packed into MR-tall panels (in L2); an MR x NR micro-kernel keeps its block of C in
// registers over the KC products, reading one packed row of each panel per step (the B panel stays in
// L1). Packing reads the operands through any strides, so transposed and strided operands cost one
// strided pass over each block and nothing more. Panels are zero-padded to full width, so the
// micro-kernel never branches inside its loop; edge tiles are written through a small buffer.
//
// Precision: each micro-kernel accumulator sums its KC products in order in REAL, and the block sums are
// added to C in order of k: the rounding of js/gemm.ts's sequential sum, in another association. Each
// step is a multiply and an add (SIMD128 has no fused multiply-add), except in the module built with
// relaxed SIMD (-mrelaxed-simd), where it is relaxed_madd: fused (one rounding) where the CPU has FMA,
// a multiply and an add where it has not, as the engine chooses.
#ifdef __wasm_relaxed_simd__
#define VMADD(a, b, c) VRELAXED_MADD(a, b, c)
#else
#define VMADD(a, b, c) VADD(c, VMUL(a, b))
#endif

/** Packs rows [0, mc) x k [0, kc) of A into MR-tall panels, each kc rows of MR values; pads with zeros. */
static void F(pack_a)(int mc, int kc, const REAL *a, int rs, int cs, REAL *dst) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int rows = min_int(MR, mc - i0);
    const REAL *src = a + i0 * rs;
    for (int p = 0; p < kc; p++, dst += MR) {
      int r = 0;
      for (; r < rows; r++) dst[r] = src[r * rs + p * cs];
      for (; r < MR; r++) dst[r] = 0;
    }
  }
}

/** Packs k [0, kc) x columns [0, nc) of B into NR-wide panels, each kc rows of NR values; pads with zeros. */
static void F(pack_b)(int kc, int nc, const REAL *b, int rs, int cs, REAL *dst) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int cols = min_int(NR, nc - j0);
    const REAL *src = b + j0 * cs;
    if (cols == NR && cs == 1) {
      for (int p = 0; p < kc; p++, dst += NR) {
        for (int v = 0; v < NV; v++) wasm_v128_store(dst + v * VL, wasm_v128_load(src + p * rs + v * VL));
      }
      continue;
    }
    for (int p = 0; p < kc; p++, dst += NR) {
      int c = 0;
      for (; c < cols; c++) dst[c] = src[p * rs + c * cs];
      for (; c < NR; c++) dst[c] = 0;
    }
  }
}

/**
 * C[0..mr, 0..nr) (row stride ldc) = (overwrite ? 0 : C) + the product of an MR-tall panel of A and an
 * NR-wide panel of B over kc.
 */
static void F(micro_kernel)(int kc, const REAL *restrict a, const REAL *restrict b, REAL *c, int ldc, int mr, int nr, int overwrite) {
  v128_t acc[MR][NV];
  for (int r = 0; r < MR; r++) for (int v = 0; v < NV; v++) acc[r][v] = wasm_i32x4_splat(0);
  for (int p = 0; p < kc; p++, a += MR, b += NR) {
    v128_t bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = wasm_v128_load(b + v * VL);
    for (int r = 0; r < MR; r++) {
      v128_t x = VLOAD_SPLAT(a + r);
      for (int v = 0; v < NV; v++) acc[r][v] = VMADD(x, bv[v], acc[r][v]);
    }
  }
  if (mr == MR && nr == NR) {
    for (int r = 0; r < MR; r++) {
      for (int v = 0; v < NV; v++) {
        REAL *to = c + r * ldc + v * VL;
        wasm_v128_store(to, overwrite ? acc[r][v] : VADD(wasm_v128_load(to), acc[r][v]));
      }
    }
    return;
  }
  REAL tile[MR * NR] __attribute__((aligned(16)));
  for (int r = 0; r < MR; r++) for (int v = 0; v < NV; v++) wasm_v128_store(tile + r * NR + v * VL, acc[r][v]);
  for (int r = 0; r < mr; r++) {
    for (int j = 0; j < nr; j++) c[r * ldc + j] = overwrite ? tile[r * NR + j] : c[r * ldc + j] + tile[r * NR + j];
  }
}

/** The elements of the packed block of B: kc rows of the block's columns rounded up to whole panels. */
static int F(packed_b_size)(int n, int k) { return min_int(k, KC) * ((min_int(n, NC) + NR - 1) / NR * NR); }

/** Scratch elements F(gemm) needs for packing: the block of B, then the block of A. */
static int F(gemm_pack_size)(int m, int n, int k) {
  return F(packed_b_size)(n, k) + min_int(k, KC) * ((min_int(m, MC) + MR - 1) / MR * MR);
}

/**
 * C (m x n, row stride ldc) = (accumulate ? C : 0) + A B, for A (m x k) and B (k x n) read through
 * their row and column strides; `pack` holds F(gemm_pack_size)(m, n, k) elements.
 */
static void F(gemm)(int m, int n, int k, const REAL *a, int ars, int acs, const REAL *b, int brs, int bcs, REAL *c, int ldc, int accumulate, REAL *pack) {
  if (k == 0) {
    if (!accumulate) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[i * ldc + j] = 0;
    return;
  }
  REAL *packB = pack;
  REAL *packA = pack + F(packed_b_size)(n, k);
  for (int jc = 0; jc < n; jc += NC) {
    int nc = min_int(NC, n - jc);
    for (int pc = 0; pc < k; pc += KC) {
      int kc = min_int(KC, k - pc);
      int overwrite = !accumulate && pc == 0;
      F(pack_b)(kc, nc, b + pc * brs + jc * bcs, brs, bcs, packB);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = min_int(MC, m - ic);
        F(pack_a)(mc, kc, a + ic * ars + pc * acs, ars, acs, packA);
        for (int jr = 0; jr < nc; jr += NR) {
          for (int ir = 0; ir < mc; ir += MR) {
            F(micro_kernel)(kc, packA + ir * kc, packB + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, min_int(MR, mc - ir), min_int(NR, nc - jr), overwrite);
          }
        }
      }
    }
  }
}

EXPORT(F(gemm_scratch)) int F(gemm_scratch)(int m, int n, int k) { return F(gemm_pack_size)(m, n, k); }

/** out[t] = A[t] B[t] for t < batch (js/gemm.ts's gemm); `out` is contiguous [batch, m, n]. */
EXPORT(F(gemm_batched)) void F(gemm_batched)(int batch, int m, int n, int k, const REAL *a, int abs, int ars, int acs, const REAL *b, int bbs, int brs, int bcs, REAL *out, REAL *pack) {
  for (int t = 0; t < batch; t++) F(gemm)(m, n, k, a + t * abs, ars, acs, b + t * bbs, brs, bcs, out + t * m * n, n, 0, pack);
}

// ---- convolution: im2col / col2im around F(gemm), as js/conv.ts ----

/**
 * Unfolds `channels` channels of an image (read through its channel, row and column strides) into a
 * contiguous matrix with one row per tap (c, kh, kw) and one column per grid position (gridH x gridW);
 * taps in the padding are written as zeros, so the buffer needs no clearing between uses.
 */
static void F(im2col)(const REAL *src, int cS, int hS, int wS, int channels, const ConvGeometry *g, int imgH, int imgW, int gridH, int gridW, REAL *cols) {
  int step = g->strideW * wS;
  FOR_EACH_TAP(g, channels, imgH, imgW, gridH, gridW, {
    REAL *to = cols + row * gridH * gridW;
    for (int gh = 0; gh < gridH; gh++) {
      REAL *line = to + gh * gridW;
      if (gh < hLo || gh >= hHi) {
        for (int gw = 0; gw < gridW; gw++) line[gw] = 0;
        continue;
      }
      int ih = gh * g->strideH - g->padH + kh * g->dilationH;
      const REAL *from = src + c * cS + ih * hS + (kw * g->dilationW - g->padW) * wS;
      for (int gw = 0; gw < wLo; gw++) line[gw] = 0;
      // The common case (unit stride along a contiguous row) as a plain copy, which clang vectorizes.
      if (step == 1) for (int gw = wLo; gw < wHi; gw++) line[gw] = from[gw];
      else for (int gw = wLo; gw < wHi; gw++) line[gw] = from[gw * step];
      for (int gw = wHi; gw < gridW; gw++) line[gw] = 0;
    }
  })
}

/** The adjoint of im2col: adds cols [channels*kH*kW, gridH*gridW] into a contiguous image. */
static void F(col2im)(const REAL *cols, int channels, const ConvGeometry *g, int imgH, int imgW, int gridH, int gridW, REAL *dst) {
  FOR_EACH_TAP(g, channels, imgH, imgW, gridH, gridW, {
    for (int gh = hLo; gh < hHi; gh++) {
      int ih = gh * g->strideH - g->padH + kh * g->dilationH;
      REAL *to = dst + c * imgH * imgW + ih * imgW + kw * g->dilationW - g->padW;
      const REAL *from = cols + row * gridH * gridW + gh * gridW;
      for (int gw = wLo; gw < wHi; gw++) to[gw * g->strideW] += from[gw];
    }
  })
}

/** Starts every output plane at its channel's bias. */
static void F(fill_bias)(REAL *out, const REAL *bias, int batch, int channels, int plane) {
  for (int n = 0; n < batch; n++) {
    for (int c = 0; c < channels; c++, out += plane) {
      for (int i = 0; i < plane; i++) out[i] = bias[c];
    }
  }
}

/** Scratch elements of the three convolutions: the unfolded image, then F(gemm)'s packing. */
EXPORT(F(conv_scratch)) int F(conv_scratch)(const ConvGeometry *g, int transposed) {
  int inG = g->inC / g->groups, outG = g->outC / g->groups;
  int taps = g->kH * g->kW;
  int plane = g->outH * g->outW, grid = g->inH * g->inW;
  if (transposed) return outG * taps * grid + F(gemm_pack_size)(outG * taps, grid, inG);
  int k = inG * taps;
  int forward = F(gemm_pack_size)(outG, plane, k);
  int weightGrad = F(gemm_pack_size)(outG, k, plane);
  return k * plane + (forward > weightGrad ? forward : weightGrad);
}

/** js/conv.ts's convolutionForward; `bias` may be null. */
EXPORT(F(conv_forward)) void F(conv_forward)(const ConvGeometry *g, const REAL *input, int nS, int cS, int hS, int wS, const REAL *weight, const REAL *bias, REAL *out, REAL *scratch) {
  int inG = g->inC / g->groups, outG = g->outC / g->groups;
  int k = inG * g->kH * g->kW;
  int plane = g->outH * g->outW;
  if (bias) F(fill_bias)(out, bias, g->batch, g->outC, plane);
  if (plane == 0 || outG == 0) return;
  REAL *cols = scratch, *pack = scratch + k * plane;
  for (int n = 0; n < g->batch; n++) {
    for (int grp = 0; grp < g->groups; grp++) {
      F(im2col)(input + n * nS + grp * inG * cS, cS, hS, wS, inG, g, g->inH, g->inW, g->outH, g->outW, cols);
      F(gemm)(outG, plane, k, weight + grp * outG * k, k, 1, cols, plane, 1, out + (n * g->outC + grp * outG) * plane, plane, 1, pack);
    }
  }
}

/** js/conv.ts's convolutionTransposeForward (contiguous input and weight); `bias` may be null. */
EXPORT(F(conv_transpose_forward)) void F(conv_transpose_forward)(const ConvGeometry *g, const REAL *input, const REAL *weight, const REAL *bias, REAL *out, REAL *scratch) {
  int inG = g->inC / g->groups, outG = g->outC / g->groups;
  int rows = outG * g->kH * g->kW;
  int grid = g->inH * g->inW, plane = g->outH * g->outW;
  if (bias) F(fill_bias)(out, bias, g->batch, g->outC, plane);
  if (rows == 0 || grid == 0) return;
  REAL *cols = scratch, *pack = scratch + rows * grid;
  for (int n = 0; n < g->batch; n++) {
    for (int grp = 0; grp < g->groups; grp++) {
      F(gemm)(rows, grid, inG, weight + grp * inG * rows, 1, rows, input + (n * g->inC + grp * inG) * grid, grid, 1, cols, grid, 0, pack);
      F(col2im)(cols, outG, g, g->outH, g->outW, g->inH, g->inW, out + (n * g->outC + grp * outG) * plane);
    }
  }
}

/** js/conv.ts's convolutionWeightGrad (contiguous gradOutput). */
EXPORT(F(conv_weight_grad)) void F(conv_weight_grad)(const ConvGeometry *g, const REAL *input, int nS, int cS, int hS, int wS, const REAL *gradOutput, REAL *out, REAL *scratch) {
  int inG = g->inC / g->groups, outG = g->outC / g->groups;
  int k = inG * g->kH * g->kW;
  int plane = g->outH * g->outW;
  if (plane == 0 || k == 0) return;
  // The unfolded image [k, plane] is read transposed: packing B reads its rows as NR parallel streams,
  // cheaper than unfolding with a stride of k into [plane, k] (with the plain copy in im2col, W5's first
  // convolution's forward and weight gradient at batch 32 went from 7.1 to 3.9 ms).
  REAL *cols = scratch, *pack = scratch + k * plane;
  for (int n = 0; n < g->batch; n++) {
    for (int grp = 0; grp < g->groups; grp++) {
      F(im2col)(input + n * nS + grp * inG * cS, cS, hS, wS, inG, g, g->inH, g->inW, g->outH, g->outW, cols);
      F(gemm)(outG, k, plane, gradOutput + (n * g->outC + grp * outG) * plane, plane, 1, cols, 1, plane, out + grp * outG * k, k, 1, pack);
    }
  }
}

// ---- max pooling, as js/pooling.ts ----

/** js/pooling.ts's maxPool2d over contiguous planes; `indices` as int64. */
EXPORT(F(max_pool2d)) void F(max_pool2d)(const PoolGeometry *g, const REAL *x, REAL *out, i64 *indices) {
  int inPlane = g->inH * g->inW;
  int o = 0;
  for (int p = 0; p < g->planes; p++, x += inPlane) {
    for (int oh = 0; oh < g->outH; oh++) {
      int h0 = oh * g->strideH - g->padH;
      int h1 = min_int(h0 + (g->kH - 1) * g->dilationH + 1, g->inH);
      while (h0 < 0) h0 += g->dilationH;
      for (int ow = 0; ow < g->outW; ow++, o++) {
        int w0 = ow * g->strideW - g->padW;
        int w1 = min_int(w0 + (g->kW - 1) * g->dilationW + 1, g->inW);
        while (w0 < 0) w0 += g->dilationW;
        int maxIndex = h0 * g->inW + w0;
        REAL maxValue = -__builtin_inf();
        for (int h = h0; h < h1; h += g->dilationH) {
          for (int w = w0; w < w1; w += g->dilationW) {
            int i = h * g->inW + w;
            REAL v = x[i];
            if (v > maxValue || v != v) {
              maxValue = v;
              maxIndex = i;
            }
          }
        }
        out[o] = maxValue;
        indices[o] = maxIndex;
      }
    }
  }
}

// ---- elementwise ----
//
// Each op is one lane function; the loops apply it to whole vectors and to the leftover elements as
// one-lane vectors, so an op is written once. Comparisons follow the JS kernels' exactly (relu keeps
// -0 and nan, maximum/minimum propagate nan and keep the first operand on ties).

INLINE v128_t F(relu)(v128_t x) { return wasm_v128_bitselect(wasm_i32x4_splat(0), x, VLT(x, VSPLAT(0))); }

INLINE v128_t F(unary_op)(int op, v128_t x) {
  switch (op) {
    case OP_NEG: return VNEG(x);
    case OP_ABS: return VABS(x);
    case OP_SQRT: return VSQRT(x);
    default: return F(relu)(x);
  }
}

INLINE v128_t F(pick)(v128_t x, v128_t y, v128_t takeX) {
  v128_t nan = wasm_v128_or(VNE(x, x), VNE(y, y));
  return wasm_v128_bitselect(VADD(x, y), wasm_v128_bitselect(x, y, takeX), nan);
}

INLINE v128_t F(binary_op)(int op, v128_t x, v128_t y) {
  switch (op) {
    case OP_ADD: return VADD(x, y);
    case OP_SUB: return VSUB(x, y);
    case OP_MUL: return VMUL(x, y);
    case OP_DIV: return VDIV(x, y);
    case OP_MAXIMUM: return F(pick)(x, y, VGE(x, y));
    case OP_MINIMUM: return F(pick)(x, y, VLE(x, y));
    // js: r <= 0 ? 0 : g, so a nan r passes the gradient.
    default: return wasm_v128_bitselect(wasm_i32x4_splat(0), x, VLE(y, VSPLAT(0)));
  }
}

INLINE void F(unary_loop)(int op, const REAL *a, REAL *out, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) wasm_v128_store(out + i, F(unary_op)(op, wasm_v128_load(a + i)));
  for (; i < n; i++) out[i] = VLANE0(F(unary_op)(op, VSPLAT(a[i])), 0);
}

/** out[i] = op(a[i]) for a contiguous run. */
EXPORT(F(unary)) void F(unary)(int op, const REAL *a, REAL *out, int n) {
  switch (op) {
    case OP_NEG: F(unary_loop)(OP_NEG, a, out, n); break;
    case OP_ABS: F(unary_loop)(OP_ABS, a, out, n); break;
    case OP_SQRT: F(unary_loop)(OP_SQRT, a, out, n); break;
    default: F(unary_loop)(OP_RELU, a, out, n); break;
  }
}

/** The loop of F(binary) for one op; a step of 0 repeats the operand's one element. */
INLINE void F(binary_loop)(int op, const REAL *a, int aStep, const REAL *b, int bStep, REAL *out, int n) {
  int i = 0;
  if (aStep && bStep) {
    for (; i + VL <= n; i += VL) wasm_v128_store(out + i, F(binary_op)(op, wasm_v128_load(a + i), wasm_v128_load(b + i)));
  } else if (aStep) {
    v128_t y = VSPLAT(b[0]);
    for (; i + VL <= n; i += VL) wasm_v128_store(out + i, F(binary_op)(op, wasm_v128_load(a + i), y));
  } else if (bStep) {
    v128_t x = VSPLAT(a[0]);
    for (; i + VL <= n; i += VL) wasm_v128_store(out + i, F(binary_op)(op, x, wasm_v128_load(b + i)));
  }
  for (; i < n; i++) out[i] = VLANE0(F(binary_op)(op, VSPLAT(a[i * aStep]), VSPLAT(b[i * bStep])), 0);
}

/** out[i] = op(a[i], b[i]) for runs of step 1 or 0. */
EXPORT(F(binary)) void F(binary)(int op, const REAL *a, int aStep, const REAL *b, int bStep, REAL *out, int n) {
  switch (op) {
    case OP_ADD: F(binary_loop)(OP_ADD, a, aStep, b, bStep, out, n); break;
    case OP_SUB: F(binary_loop)(OP_SUB, a, aStep, b, bStep, out, n); break;
    case OP_MUL: F(binary_loop)(OP_MUL, a, aStep, b, bStep, out, n); break;
    case OP_DIV: F(binary_loop)(OP_DIV, a, aStep, b, bStep, out, n); break;
    case OP_MAXIMUM: F(binary_loop)(OP_MAXIMUM, a, aStep, b, bStep, out, n); break;
    case OP_MINIMUM: F(binary_loop)(OP_MINIMUM, a, aStep, b, bStep, out, n); break;
    default: F(binary_loop)(OP_RELU_BACKWARD, a, aStep, b, bStep, out, n); break;
  }
}

#undef CAT_
#undef CAT
#undef F
#undef NR
#undef REAL
#undef SUFFIX
#undef VL
#undef VSPLAT
#undef VLOAD_SPLAT
#undef VLANE0
#undef VADD
#undef VSUB
#undef VMUL
#undef VMADD
#undef VRELAXED_MADD
#undef VDIV
#undef VNEG
#undef VABS
#undef VSQRT
#undef VLT
#undef VLE
#undef VGE
#undef VNE
#undef MR
#undef NV
#undef KC
#undef MC
#undef NC
