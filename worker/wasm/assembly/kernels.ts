// WebAssembly kernels (AssemblyScript, compiled with SIMD by `npm run build:wasm`). Arguments are
// byte offsets into this module's linear memory; the TypeScript side (worker/wasm/kernels.ts) lays
// the arrays out. The loops mirror worker/kernels.ts, with 128-bit lanes of two float64.

// C[i * nb + j] = sum_{t0 <= t < t1} A[i * lda + t] * B[j * ldb + t]   (row-major, float64)
// Register-blocked 4 x 2: eight vector accumulators and six loads per pair of time steps.
export function dotRows(a: usize, na: i32, lda: i32, b: usize, nb: i32, ldb: i32, t0: i32, t1: i32, c: usize, symmetric: i32): void {
  const na4 = na - (na % 4);
  const nb2 = nb - (nb % 2);
  const tv = t0 + ((t1 - t0) & ~1);
  const sa = <usize>lda << 3;
  const sb = <usize>ldb << 3;
  for (let i = 0; i < na4; i += 4) {
    const a0 = a + <usize>i * sa;
    const a1 = a0 + sa;
    const a2 = a1 + sa;
    const a3 = a2 + sa;
    const jStart = symmetric ? i - (i % 2) : 0;
    for (let j = jStart; j < nb2; j += 2) {
      const b0 = b + <usize>j * sb;
      const b1 = b0 + sb;
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      for (let t = t0; t < tv; t += 2) {
        const o = <usize>t << 3;
        const y0 = v128.load(b0 + o);
        const y1 = v128.load(b1 + o);
        let x = v128.load(a0 + o);
        c00 = f64x2.add(c00, f64x2.mul(x, y0));
        c01 = f64x2.add(c01, f64x2.mul(x, y1));
        x = v128.load(a1 + o);
        c10 = f64x2.add(c10, f64x2.mul(x, y0));
        c11 = f64x2.add(c11, f64x2.mul(x, y1));
        x = v128.load(a2 + o);
        c20 = f64x2.add(c20, f64x2.mul(x, y0));
        c21 = f64x2.add(c21, f64x2.mul(x, y1));
        x = v128.load(a3 + o);
        c30 = f64x2.add(c30, f64x2.mul(x, y0));
        c31 = f64x2.add(c31, f64x2.mul(x, y1));
      }
      let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
      let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
      if (tv < t1) {
        const o = <usize>tv << 3;
        const y0 = load<f64>(b0 + o);
        const y1 = load<f64>(b1 + o);
        let x = load<f64>(a0 + o);
        s00 += x * y0; s01 += x * y1;
        x = load<f64>(a1 + o);
        s10 += x * y0; s11 += x * y1;
        x = load<f64>(a2 + o);
        s20 += x * y0; s21 += x * y1;
        x = load<f64>(a3 + o);
        s30 += x * y0; s31 += x * y1;
      }
      const row = c + ((<usize>i * <usize>nb + <usize>j) << 3);
      const step = <usize>nb << 3;
      store<f64>(row, s00); store<f64>(row + 8, s01);
      store<f64>(row + step, s10); store<f64>(row + step + 8, s11);
      store<f64>(row + 2 * step, s20); store<f64>(row + 2 * step + 8, s21);
      store<f64>(row + 3 * step, s30); store<f64>(row + 3 * step + 8, s31);
    }
  }
  // ragged edges
  for (let i = 0; i < na; i++) {
    const jFrom = i < na4 ? nb2 : symmetric ? i : 0;
    for (let j = jFrom; j < nb; j++) {
      store<f64>(c + ((<usize>i * <usize>nb + <usize>j) << 3), dot(a + <usize>i * sa, b + <usize>j * sb, t0, t1));
    }
  }
  if (symmetric) {
    for (let i = 0; i < na; i++) {
      for (let j = 0; j < i; j++) {
        store<f64>(c + ((<usize>i * <usize>nb + <usize>j) << 3), load<f64>(c + ((<usize>j * <usize>nb + <usize>i) << 3)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

export function dot(a: usize, b: usize, t0: i32, t1: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let t = t0;
  for (; t + 3 < t1; t += 4) {
    const o = <usize>t << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  let s = hsum(f64x2.add(acc0, acc1));
  for (; t < t1; t++) s += load<f64>(a + (<usize>t << 3)) * load<f64>(b + (<usize>t << 3));
  return s;
}

// y = M x for dense row-major M (rows x cols); four rows share each load of x
export function matVec(m: usize, rows: i32, cols: i32, x: usize, y: usize): void {
  const rows4 = rows - (rows % 4);
  const cv = cols & ~1;
  const stride = <usize>cols << 3;
  for (let i = 0; i < rows4; i += 4) {
    const m0 = m + <usize>i * stride;
    const m1 = m0 + stride;
    const m2 = m1 + stride;
    const m3 = m2 + stride;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    for (let j = 0; j < cv; j += 2) {
      const o = <usize>j << 3;
      const xv = v128.load(x + o);
      s0 = f64x2.add(s0, f64x2.mul(v128.load(m0 + o), xv));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(m1 + o), xv));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(m2 + o), xv));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(m3 + o), xv));
    }
    let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
    if (cv < cols) {
      const o = <usize>cv << 3;
      const xs = load<f64>(x + o);
      r0 += load<f64>(m0 + o) * xs;
      r1 += load<f64>(m1 + o) * xs;
      r2 += load<f64>(m2 + o) * xs;
      r3 += load<f64>(m3 + o) * xs;
    }
    store<f64>(y + (<usize>i << 3), r0);
    store<f64>(y + (<usize>(i + 1) << 3), r1);
    store<f64>(y + (<usize>(i + 2) << 3), r2);
    store<f64>(y + (<usize>(i + 3) << 3), r3);
  }
  for (let i = rows4; i < rows; i++) store<f64>(y + (<usize>i << 3), dot(m + <usize>i * stride, x, 0, cols));
}

// y = M x for CSR M; two accumulators break the add dependency chain
export function csrMatVec(rowPtr: usize, colIdx: usize, values: usize, rows: i32, x: usize, y: usize): void {
  for (let i = 0; i < rows; i++) {
    let k = load<i32>(rowPtr + (<usize>i << 2));
    const end = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    let s0: f64 = 0;
    let s1: f64 = 0;
    for (; k + 1 < end; k += 2) {
      s0 += load<f64>(values + (<usize>k << 3)) * load<f64>(x + (<usize>load<i32>(colIdx + (<usize>k << 2)) << 3));
      s1 += load<f64>(values + (<usize>(k + 1) << 3)) * load<f64>(x + (<usize>load<i32>(colIdx + (<usize>(k + 1) << 2)) << 3));
    }
    if (k < end) s0 += load<f64>(values + (<usize>k << 3)) * load<f64>(x + (<usize>load<i32>(colIdx + (<usize>k << 2)) << 3));
    store<f64>(y + (<usize>i << 3), s0 + s1);
  }
}

// The rate model over a whole input stream (worker/models/rate.ts is the reference):
//   li : x <- a x + (1 - a)(W r + U s + b) + noise,  r = tanh(x)
//   esn: r <- (1 - a) r + a tanh(W r + U s + b) + noise          (a = leak rate)
// noise (steps x n) is drawn by the caller, or 0 for none; out receives r, steps x n.
export function simulateRate(
  esn: i32, steps: i32, n: i32, d: i32,
  dense: i32, w: usize, rowPtr: usize, colIdx: usize, values: usize,
  u: usize, b: usize, leak: usize, input: usize, noise: usize,
  x: usize, r: usize, h: usize, out: usize,
): void {
  const nb = <usize>n << 3;
  memory.fill(x, 0, nb);
  memory.fill(r, 0, nb);
  for (let t = 0; t < steps; t++) {
    if (dense) matVec(w, n, n, r, h);
    else csrMatVec(rowPtr, colIdx, values, n, r, h);
    const s = input + ((<usize>t * <usize>d) << 3);
    const z = noise ? noise + <usize>t * nb : 0;
    for (let i = 0; i < n; i++) {
      const io = <usize>i << 3;
      let hi = load<f64>(h + io) + load<f64>(b + io);
      const ui = u + ((<usize>i * <usize>d) << 3);
      for (let k = 0; k < d; k++) hi += load<f64>(ui + (<usize>k << 3)) * load<f64>(s + (<usize>k << 3));
      const a = load<f64>(leak + io);
      if (esn) {
        let ri = (1 - a) * load<f64>(r + io) + a * Math.tanh(hi);
        if (z) ri += load<f64>(z + io);
        store<f64>(r + io, ri);
      } else {
        let xi = a * load<f64>(x + io) + (1 - a) * hi;
        if (z) xi += load<f64>(z + io);
        store<f64>(x + io, xi);
        store<f64>(r + io, Math.tanh(xi));
      }
    }
    memory.copy(out + <usize>t * nb, r, nb);
  }
}
