// The JS reference GEMM: a batch of matrix products over strided operands, written into a
// contiguous output. Every product in tstorch (dot, mv, mm, bmm, addmm, ...) ends here.
//
// Precision. PyTorch's CPU kernels accumulate in the tensor's own type (BLAS sgemm for float32,
// `opmath_t acc` loops that are `float` for float32), not in double. This kernel does the same, with
// one accumulator per output element that is updated in sequence along k:
// - float32: acc = fl32(acc + x*y). The product of two float32 values is exact in a double, so each
//   step is a float32 fused multiply-add, like the FMA micro-kernels of BLAS (up to a rare double
//   rounding of the sum). BLAS splits k into blocks and SIMD lanes, so results agree with PyTorch to
//   float32 rounding error, not bit for bit.
// - float64: acc = fl64(fl64(x*y) + acc), a plain multiply-add.
// - int8/uint8/int16: exact in double and wrapped on each store; since integer arithmetic wraps
//   modulo 2^bits as a ring, this equals C++'s wrapping accumulation.
// - int32: Math.imul, so products wrap modulo 2^32 instead of losing low bits in a double.
// - int64: BigInt, wrapped modulo 2^64 by the BigInt64Array store.
// The accumulator is the output element itself (a typed-array store rounds or wraps), so both loop
// orders below give bit-identical results and the choice of order only affects speed.
import type { TypedArray } from '../../tensor/dtype.js';

/** A batch of matrices: element (batch, row, col) is at offset + the dot of the index and the strides. */
export interface MatrixOperand {
  readonly data: TypedArray;
  readonly offset: number;
  /** Zero for a matrix shared by the whole batch. */
  readonly batchStride: number;
  readonly rowStride: number;
  readonly colStride: number;
}

type NumberArray = Exclude<TypedArray, BigInt64Array>;

/**
 * out[b, i, j] += sum over p of a[b, i, p] * b[b, p, j] for a contiguous `out` of length batch*m*n,
 * which the caller passes zero-filled. a and b have the output's typed-array type.
 */
export function gemm(batch: number, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: TypedArray): void {
  if (out instanceof BigInt64Array) {
    gemmBigInt(batch, m, n, k, a, b, out);
    return;
  }
  // Walk B down its columns when they are contiguous and its rows are not (a transposed operand);
  // otherwise stream B's rows into each output row (the i-p-j order), both without copying B.
  const columnOrder = b.rowStride === 1 && b.colStride !== 1;
  const wrap32 = out instanceof Int32Array;
  const ad = a.data as NumberArray;
  const bd = b.data as NumberArray;
  for (let t = 0; t < batch; t++) {
    const aBase = a.offset + t * a.batchStride;
    const bBase = b.offset + t * b.batchStride;
    for (let i = 0; i < m; i++) {
      const aRow = aBase + i * a.rowStride;
      const oRow = (t * m + i) * n;
      if (columnOrder) dotColumns(ad, aRow, a.colStride, bd, bBase, b.colStride, out, oRow, n, k, wrap32);
      else axpyRows(ad, aRow, a.colStride, bd, bBase, b.rowStride, b.colStride, out, oRow, n, k, wrap32);
    }
  }
}

/** out[oRow + j] += a[aRow + p*as] * b[bBase + p*brs + j*bcs], p outer, j inner. */
function axpyRows(
  ad: NumberArray, aRow: number, as: number,
  bd: NumberArray, bBase: number, brs: number, bcs: number,
  out: NumberArray, oRow: number, n: number, k: number, wrap32: boolean,
): void {
  for (let p = 0; p < k; p++) {
    const x = ad[aRow + p * as];
    const bRow = bBase + p * brs;
    if (wrap32) for (let j = 0; j < n; j++) out[oRow + j] += Math.imul(x, bd[bRow + j * bcs]);
    else for (let j = 0; j < n; j++) out[oRow + j] += x * bd[bRow + j * bcs];
  }
}

/** out[oRow + j] += a[aRow + p*as] * b[bBase + j*bcs + p], j outer, p inner (B's columns contiguous). */
function dotColumns(
  ad: NumberArray, aRow: number, as: number,
  bd: NumberArray, bBase: number, bcs: number,
  out: NumberArray, oRow: number, n: number, k: number, wrap32: boolean,
): void {
  for (let j = 0; j < n; j++) {
    const bCol = bBase + j * bcs;
    const o = oRow + j;
    if (wrap32) for (let p = 0; p < k; p++) out[o] += Math.imul(ad[aRow + p * as], bd[bCol + p]);
    else for (let p = 0; p < k; p++) out[o] += ad[aRow + p * as] * bd[bCol + p];
  }
}

function gemmBigInt(batch: number, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: BigInt64Array): void {
  const ad = a.data as BigInt64Array;
  const bd = b.data as BigInt64Array;
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      const aRow = a.offset + t * a.batchStride + i * a.rowStride;
      const oRow = (t * m + i) * n;
      for (let p = 0; p < k; p++) {
        const x = ad[aRow + p * a.colStride];
        const bRow = b.offset + t * b.batchStride + p * b.rowStride;
        for (let j = 0; j < n; j++) out[oRow + j] += x * bd[bRow + j * b.colStride];
      }
    }
  }
}
