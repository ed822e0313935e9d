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
// The accumulator is the output element itself (a typed-array store rounds or wraps), so the order
// of the loops over i and j does not change any result, only the order along k matters.
//
// Loop order: four rows of A at a time, then k, then the columns of B, so that each row of B is read
// once per four output rows and the output rows are written in order. Operands are read through their
// strides (a transposed operand is not copied); measured on V8, this is as fast for a transposed B as
// for a row-major one, and faster than dot products down B's columns.
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
  const wrap32 = out instanceof Int32Array;
  for (let t = 0; t < batch; t++) {
    const aBase = a.offset + t * a.batchStride;
    const bBase = b.offset + t * b.batchStride;
    let i = 0;
    for (; i + 4 <= m; i += 4) fourRows(a, aBase + i * a.rowStride, b, bBase, out, (t * m + i) * n, n, k, wrap32);
    for (; i < m; i++) oneRow(a, aBase + i * a.rowStride, b, bBase, out, (t * m + i) * n, n, k, wrap32);
  }
}

/** Output rows o..o+4n from the four rows of A starting at aRow. */
function fourRows(a: MatrixOperand, aRow: number, b: MatrixOperand, bBase: number, out: NumberArray, o: number, n: number, k: number, wrap32: boolean): void {
  const ad = a.data as NumberArray;
  const bd = b.data as NumberArray;
  const { rowStride: ars, colStride: acs } = a;
  const { rowStride: brs, colStride: bcs } = b;
  const o1 = o + n;
  const o2 = o1 + n;
  const o3 = o2 + n;
  for (let p = 0; p < k; p++) {
    const q = aRow + p * acs;
    const x0 = ad[q];
    const x1 = ad[q + ars];
    const x2 = ad[q + 2 * ars];
    const x3 = ad[q + 3 * ars];
    const bRow = bBase + p * brs;
    if (wrap32) {
      for (let j = 0; j < n; j++) {
        const y = bd[bRow + j * bcs];
        out[o + j] += Math.imul(x0, y);
        out[o1 + j] += Math.imul(x1, y);
        out[o2 + j] += Math.imul(x2, y);
        out[o3 + j] += Math.imul(x3, y);
      }
    } else {
      for (let j = 0; j < n; j++) {
        const y = bd[bRow + j * bcs];
        out[o + j] += x0 * y;
        out[o1 + j] += x1 * y;
        out[o2 + j] += x2 * y;
        out[o3 + j] += x3 * y;
      }
    }
  }
}

function oneRow(a: MatrixOperand, aRow: number, b: MatrixOperand, bBase: number, out: NumberArray, o: number, n: number, k: number, wrap32: boolean): void {
  const ad = a.data as NumberArray;
  const bd = b.data as NumberArray;
  for (let p = 0; p < k; p++) {
    const x = ad[aRow + p * a.colStride];
    const bRow = bBase + p * b.rowStride;
    const bcs = b.colStride;
    if (wrap32) for (let j = 0; j < n; j++) out[o + j] += Math.imul(x, bd[bRow + j * bcs]);
    else for (let j = 0; j < n; j++) out[o + j] += x * bd[bRow + j * bcs];
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
