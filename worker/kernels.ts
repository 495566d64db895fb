// The hot loops of the CPU engine, over flat Float64Arrays. Register-blocked 4 x 4 so that each
// pair of loads feeds four multiply-adds: plain JavaScript is bound by loads, not arithmetic.

/**
 * C[i * nb + j] = sum_{t0 <= t < t1} A[i * lda + t] * B[j * ldb + t]
 * Rows of A and B are long vectors (time series); C is na x nb. With `symmetric` (A === B, na === nb)
 * only blocks with j >= i are computed and then mirrored.
 */
export function dotRows(
  a: Float64Array,
  na: number,
  lda: number,
  b: Float64Array,
  nb: number,
  ldb: number,
  t0: number,
  t1: number,
  c: Float64Array,
  symmetric = false,
): Float64Array {
  const na4 = na - (na % 4);
  const nb4 = nb - (nb % 4);
  for (let i = 0; i < na4; i += 4) {
    const a0 = i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const jStart = symmetric ? i : 0;
    for (let j = jStart; j < nb4; j += 4) {
      const b0 = j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let t = t0; t < t1; t++) {
        const x0 = a[a0 + t];
        const x1 = a[a1 + t];
        const x2 = a[a2 + t];
        const x3 = a[a3 + t];
        const y0 = b[b0 + t];
        const y1 = b[b1 + t];
        const y2 = b[b2 + t];
        const y3 = b[b3 + t];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * nb + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03;
      o += nb;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13;
      o += nb;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23;
      o += nb;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
  }
  // the ragged edges, one dot product at a time
  for (let i = 0; i < na; i++) {
    const jFrom = i < na4 ? nb4 : symmetric ? i : 0;
    for (let j = jFrom; j < nb; j++) c[i * nb + j] = dot(a, i * lda, b, j * ldb, t0, t1);
  }
  if (symmetric) {
    for (let i = 0; i < na; i++) for (let j = 0; j < i; j++) c[i * nb + j] = c[j * nb + i];
  }
  return c;
}

export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, t0: number, t1: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let t = t0;
  for (; t + 3 < t1; t += 4) {
    s0 += a[ao + t] * b[bo + t];
    s1 += a[ao + t + 1] * b[bo + t + 1];
    s2 += a[ao + t + 2] * b[bo + t + 2];
    s3 += a[ao + t + 3] * b[bo + t + 3];
  }
  for (; t < t1; t++) s0 += a[ao + t] * b[bo + t];
  return s0 + s1 + s2 + s3;
}

/** y = M x for a dense n x m row-major M */
export function matVec(m: Float64Array, rows: number, cols: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < rows; i++) y[i] = dot(m, i * cols, x, 0, 0, cols);
}

/** y = M x for a CSR matrix */
export function csrMatVec(rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, rows: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
    y[i] = s;
  }
}
