// WebAssembly kernels (AssemblyScript, compiled with SIMD by `npm run build:wasm`). Arguments are
// byte offsets into this module's linear memory; the TypeScript side (worker/wasm/kernels.ts) lays
// the arrays out. The loops mirror worker/kernels.ts, with 128-bit lanes of two float64.

// c + a b: fused, with one rounding, in the builds compiled with relaxed SIMD (kernels-fma*.wasm, the
// "-fma" backends); two roundings, exactly as written, otherwise. Only the products that bound the run
// time use them (dotRows, dot, matVec, matVecF32, csrMatVec): fused is one instruction where the pair is two.
// @ts-ignore: decorator
@inline
function madd2(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

// @ts-ignore: decorator
@inline
function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[i * nb + j] = sum_{t0 <= t < t1} A[i * lda + t] * B[j * ldb + t]   (row-major, float64)
// Register-blocked 4 x 2: eight vector accumulators and six loads per pair of time steps.
export function dotRows(a: usize, na: i32, lda: i32, b: usize, nb: i32, ldb: i32, t0: i32, t1: i32, c: usize, symmetric: i32): void {
  dotRowsPart(a, na, lda, b, nb, ldb, t0, t1, c, symmetric, 0, na);
  if (symmetric) mirrorRows(c, nb, 0, na);
}

/**
 * Time is cut into chunks of this many steps, the outer loop: one chunk of all of B's rows (300
 * rows x 4 kB at N = 300) stays in L2 while every block of A's rows passes over it, instead of
 * B's full rows streaming from L3 once per block of A (measured: see bench/, readout).
 */
const CHUNK = 512;

/**
 * Within a chunk, B's rows are taken this many at a time (512 kB of a chunk) while every block of A's
 * rows passes over them: from N = 300 a chunk of all of B's rows overflows L2 (1 MB here), and every
 * block of A then reads it from L3 (measured, X'Y of 4096 steps: 3 % faster at 300 x 300, 10 % at
 * 600 x 600 and 1000 x 400). Even, so that B's rows pair as without tiles; every element still gets
 * one sum per chunk, in the same order: the same bits.
 */
const JTILE = 128;

// Rows i0 <= i < i1 of dotRows' C (only j >= i, give or take the block, when symmetric). i0 is a
// multiple of 4, so every row is summed by the same block, in the same order (chunk by chunk),
// whichever rows a call covers: C split across threads is bit-identical to C in one call.
export function dotRowsPart(a: usize, na: i32, lda: i32, b: usize, nb: i32, ldb: i32, t0: i32, t1: i32, c: usize, symmetric: i32, i0: i32, i1: i32): void {
  const na4 = na - (na % 4);
  const nb2 = nb - (nb % 2);
  const sa = <usize>lda << 3;
  const sb = <usize>ldb << 3;
  const step = <usize>nb << 3;
  const iEnd = min(i1, na4);
  for (let c0 = t0; c0 < t1; c0 += CHUNK) {
    const c1 = min(c0 + CHUNK, t1);
    const tv = c0 + ((c1 - c0) & ~1);
    const first = c0 == t0;
    for (let j0 = 0; j0 < nb2; j0 += JTILE) {
      const j1 = min(j0 + JTILE, nb2);
      for (let i = i0; i < iEnd; i += 4) {
        const a0 = a + <usize>i * sa;
        const a1 = a0 + sa;
        const a2 = a1 + sa;
        const a3 = a2 + sa;
        const jStart = max(j0, symmetric ? i - (i % 2) : 0);
        for (let j = jStart; j < j1; j += 2) {
          const b0 = b + <usize>j * sb;
          const b1 = b0 + sb;
          let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
          let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
          let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
          let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
          for (let t = c0; t < tv; t += 2) {
            const o = <usize>t << 3;
            const y0 = v128.load(b0 + o);
            const y1 = v128.load(b1 + o);
            let x = v128.load(a0 + o);
            c00 = madd2(x, y0, c00);
            c01 = madd2(x, y1, c01);
            x = v128.load(a1 + o);
            c10 = madd2(x, y0, c10);
            c11 = madd2(x, y1, c11);
            x = v128.load(a2 + o);
            c20 = madd2(x, y0, c20);
            c21 = madd2(x, y1, c21);
            x = v128.load(a3 + o);
            c30 = madd2(x, y0, c30);
            c31 = madd2(x, y1, c31);
          }
          let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
          let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
          if (tv < c1) {
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
          addTo(row, s00, first); addTo(row + 8, s01, first);
          addTo(row + step, s10, first); addTo(row + step + 8, s11, first);
          addTo(row + 2 * step, s20, first); addTo(row + 2 * step + 8, s21, first);
          addTo(row + 3 * step, s30, first); addTo(row + 3 * step + 8, s31, first);
        }
      }
    }
  }
  // ragged edges
  for (let i = i0; i < i1; i++) {
    const jFrom = i < na4 ? nb2 : symmetric ? i : 0;
    for (let j = jFrom; j < nb; j++) {
      store<f64>(c + ((<usize>i * <usize>nb + <usize>j) << 3), dot(a + <usize>i * sa, b + <usize>j * sb, t0, t1));
    }
  }
}

// C's element from its first chunk, or plus a later chunk's sum
// @ts-ignore: decorator
@inline
function addTo(p: usize, s: f64, first: bool): void {
  store<f64>(p, first ? s : load<f64>(p) + s);
}

// The lower triangle of a symmetric C from its upper one, rows i0 <= i < i1 (after every row's upper part is done)
export function mirrorRows(c: usize, nb: i32, i0: i32, i1: i32): void {
  for (let i = i0; i < i1; i++) {
    for (let j = 0; j < i; j++) {
      store<f64>(c + ((<usize>i * <usize>nb + <usize>j) << 3), load<f64>(c + ((<usize>j * <usize>nb + <usize>i) << 3)));
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
    acc0 = madd2(v128.load(a + o), v128.load(b + o), acc0);
    acc1 = madd2(v128.load(a + o + 16), v128.load(b + o + 16), acc1);
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
      s0 = madd2(v128.load(m0 + o), xv, s0);
      s1 = madd2(v128.load(m1 + o), xv, s1);
      s2 = madd2(v128.load(m2 + o), xv, s2);
      s3 = madd2(v128.load(m3 + o), xv, s3);
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

// y = M x in float32 arithmetic (M row-major float32, x float32 at xf): the numpy-float32 way of
// doing the product, four lanes per instruction and several rows per load of x; y is float64. Each
// row's sum is formed the same way in every block (lane sums, then rowF32), so neither the blocking
// nor the order of the blocks shows in the bits; the plain build sums its last rows % 4 rows in
// scalars (split cuts at multiples of 8 keep those rows the same).
//
// `reverse` visits the row blocks last to first. The rate step alternates it: W a little larger than
// L2 (a split half at N = 1000 is 2 MB, this machine's L2) then starts each pass on the rows the
// last pass left in cache instead of on those it evicted first (measured 8 % at 504 x 1000).
export function matVecF32(m: usize, rows: i32, cols: i32, xf: usize, y: usize, reverse: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    // V8 keeps a loaded row in a register before it fuses (no memory operand): eight accumulators,
    // x and seven loads outgrow x64's fifteen vector registers and spill; seven rows do not (measured
    // 26 against 24 GFLOP/s at 504 x 1000); the rows left over go one at a time
    const blocks = rows / 7;
    const tail = blocks * 7;
    if (reverse) for (let i = rows - 1; i >= tail; i--) rows1F32(m, i, cols, xf, y);
    for (let k = 0; k < blocks; k++) rows7F32(m, (reverse ? blocks - 1 - k : k) * 7, cols, xf, y);
    if (!reverse) for (let i = tail; i < rows; i++) rows1F32(m, i, cols, xf, y);
    return;
  }
  // eight rows per load of x while they last (measured ~10 % faster than four where W sits in L2)
  const blocks = rows >> 3;
  const at4 = blocks << 3;
  const four = rows - at4 >= 4;
  const scalarFrom = at4 + (four ? 4 : 0);
  if (reverse) {
    for (let i = rows - 1; i >= scalarFrom; i--) rowScalarF32(m, i, cols, xf, y);
    if (four) rows4F32(m, at4, cols, xf, y);
  }
  for (let k = 0; k < blocks; k++) rows8F32(m, (reverse ? blocks - 1 - k : k) << 3, cols, xf, y);
  if (!reverse) {
    if (four) rows4F32(m, at4, cols, xf, y);
    for (let i = scalarFrom; i < rows; i++) rowScalarF32(m, i, cols, xf, y);
  }
}

// rows i ... i + 7 of matVecF32
// @ts-ignore: decorator
@inline
function rows8F32(m: usize, i: i32, cols: i32, xf: usize, y: usize): void {
  const stride = <usize>cols << 2;
  const cv = cols & ~3;
  const m0 = m + <usize>i * stride;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
  for (let j = 0; j < cv; j += 4) {
    const o = m0 + (<usize>j << 2);
    const xv = v128.load(xf + (<usize>j << 2));
    s0 = madd4(v128.load(o), xv, s0);
    s1 = madd4(v128.load(o + stride), xv, s1);
    s2 = madd4(v128.load(o + 2 * stride), xv, s2);
    s3 = madd4(v128.load(o + 3 * stride), xv, s3);
    s4 = madd4(v128.load(o + 4 * stride), xv, s4);
    s5 = madd4(v128.load(o + 5 * stride), xv, s5);
    s6 = madd4(v128.load(o + 6 * stride), xv, s6);
    s7 = madd4(v128.load(o + 7 * stride), xv, s7);
  }
  rowF32(s0, m0, cv, cols, xf, y + (<usize>i << 3));
  rowF32(s1, m0 + stride, cv, cols, xf, y + (<usize>(i + 1) << 3));
  rowF32(s2, m0 + 2 * stride, cv, cols, xf, y + (<usize>(i + 2) << 3));
  rowF32(s3, m0 + 3 * stride, cv, cols, xf, y + (<usize>(i + 3) << 3));
  rowF32(s4, m0 + 4 * stride, cv, cols, xf, y + (<usize>(i + 4) << 3));
  rowF32(s5, m0 + 5 * stride, cv, cols, xf, y + (<usize>(i + 5) << 3));
  rowF32(s6, m0 + 6 * stride, cv, cols, xf, y + (<usize>(i + 6) << 3));
  rowF32(s7, m0 + 7 * stride, cv, cols, xf, y + (<usize>(i + 7) << 3));
}

// @ts-ignore: decorator
@inline
function rows7F32(m: usize, i: i32, cols: i32, xf: usize, y: usize): void {
  const stride = <usize>cols << 2;
  const cv = cols & ~3;
  const m0 = m + <usize>i * stride;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0);
  for (let j = 0; j < cv; j += 4) {
    const o = m0 + (<usize>j << 2);
    const xv = v128.load(xf + (<usize>j << 2));
    s0 = madd4(v128.load(o), xv, s0);
    s1 = madd4(v128.load(o + stride), xv, s1);
    s2 = madd4(v128.load(o + 2 * stride), xv, s2);
    s3 = madd4(v128.load(o + 3 * stride), xv, s3);
    s4 = madd4(v128.load(o + 4 * stride), xv, s4);
    s5 = madd4(v128.load(o + 5 * stride), xv, s5);
    s6 = madd4(v128.load(o + 6 * stride), xv, s6);
  }
  rowF32(s0, m0, cv, cols, xf, y + (<usize>i << 3));
  rowF32(s1, m0 + stride, cv, cols, xf, y + (<usize>(i + 1) << 3));
  rowF32(s2, m0 + 2 * stride, cv, cols, xf, y + (<usize>(i + 2) << 3));
  rowF32(s3, m0 + 3 * stride, cv, cols, xf, y + (<usize>(i + 3) << 3));
  rowF32(s4, m0 + 4 * stride, cv, cols, xf, y + (<usize>(i + 4) << 3));
  rowF32(s5, m0 + 5 * stride, cv, cols, xf, y + (<usize>(i + 5) << 3));
  rowF32(s6, m0 + 6 * stride, cv, cols, xf, y + (<usize>(i + 6) << 3));
}

// @ts-ignore: decorator
@inline
function rows4F32(m: usize, i: i32, cols: i32, xf: usize, y: usize): void {
  const stride = <usize>cols << 2;
  const cv = cols & ~3;
  const m0 = m + <usize>i * stride;
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  for (let j = 0; j < cv; j += 4) {
    const o = m0 + (<usize>j << 2);
    const xv = v128.load(xf + (<usize>j << 2));
    s0 = madd4(v128.load(o), xv, s0);
    s1 = madd4(v128.load(o + stride), xv, s1);
    s2 = madd4(v128.load(o + 2 * stride), xv, s2);
    s3 = madd4(v128.load(o + 3 * stride), xv, s3);
  }
  rowF32(s0, m0, cv, cols, xf, y + (<usize>i << 3));
  rowF32(s1, m0 + stride, cv, cols, xf, y + (<usize>(i + 1) << 3));
  rowF32(s2, m0 + 2 * stride, cv, cols, xf, y + (<usize>(i + 2) << 3));
  rowF32(s3, m0 + 3 * stride, cv, cols, xf, y + (<usize>(i + 3) << 3));
}

// @ts-ignore: decorator
@inline
function rows1F32(m: usize, i: i32, cols: i32, xf: usize, y: usize): void {
  const stride = <usize>cols << 2;
  const cv = cols & ~3;
  const m0 = m + <usize>i * stride;
  let s0 = f32x4.splat(0);
  for (let j = 0; j < cv; j += 4) {
    const o = m0 + (<usize>j << 2);
    const xv = v128.load(xf + (<usize>j << 2));
    s0 = madd4(v128.load(o), xv, s0);
  }
  rowF32(s0, m0, cv, cols, xf, y + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function rowScalarF32(m: usize, i: i32, cols: i32, xf: usize, y: usize): void {
  const mi = m + <usize>i * (<usize>cols << 2);
  let r: f32 = 0;
  for (let j = 0; j < cols; j++) r += load<f32>(mi + (<usize>j << 2)) * load<f32>(xf + (<usize>j << 2));
  store<f64>(y + (<usize>i << 3), <f64>r);
}

// one row's sum from its lanes, then the columns past the last full lane group; stored as float64
// @ts-ignore: decorator
@inline
function rowF32(acc: v128, mi: usize, cv: i32, cols: i32, xf: usize, yi: usize): void {
  let r = hsum4(acc);
  for (let j = cv; j < cols; j++) r += load<f32>(mi + (<usize>j << 2)) * load<f32>(xf + (<usize>j << 2));
  store<f64>(yi, <f64>r);
}

// @ts-ignore: decorator
@inline
function hsum4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// y = M x for CSR M: x gathered two columns per vector (one lane load each), two vector
// accumulators; measured 15 % faster than four scalar accumulators at p = 0.1, N = 100 ... 1000
export function csrMatVec(rowPtr: usize, colIdx: usize, values: usize, rows: i32, x: usize, y: usize): void {
  for (let i = 0; i < rows; i++) {
    let k = load<i32>(rowPtr + (<usize>i << 2));
    const end = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (; k + 3 < end; k += 4) {
      const v = values + (<usize>k << 3);
      const c = colIdx + (<usize>k << 2);
      let g0 = v128.load64_zero(x + (<usize>load<i32>(c) << 3));
      g0 = v128.load64_lane(x + (<usize>load<i32>(c + 4) << 3), g0, 1);
      let g1 = v128.load64_zero(x + (<usize>load<i32>(c + 8) << 3));
      g1 = v128.load64_lane(x + (<usize>load<i32>(c + 12) << 3), g1, 1);
      a0 = madd2(v128.load(v), g0, a0);
      a1 = madd2(v128.load(v + 16), g1, a1);
    }
    let s = hsum(a0) + hsum(a1);
    for (; k < end; k++) s += load<f64>(values + (<usize>k << 3)) * load<f64>(x + (<usize>load<i32>(colIdx + (<usize>k << 2)) << 3));
    store<f64>(y + (<usize>i << 3), s);
  }
}

// The rate model over a whole input stream (worker/models/rate.ts is the reference):
//   li : x <- a x + (1 - a)(W r + U s + b) + noise,  r = tanh(x)
//   esn: r <- (1 - a) r + a tanh(W r + U s + b) + noise          (a = leak rate)
// u is the input matrix transposed (d x n); noise (steps x n) is drawn by the caller, or 0 for
// none; out receives r, steps x n.
// dense: 0 CSR (float64), 1 dense float64, 2 dense float32 (weights and product in float32; then
// rowPtr is scratch for the float32 copy of r, n values).
export function simulateRate(
  esn: i32, steps: i32, n: i32, d: i32,
  dense: i32, w: usize, rowPtr: usize, colIdx: usize, values: usize,
  u: usize, b: usize, leak: usize, input: usize, noise: usize,
  x: usize, r: usize, h: usize, out: usize,
): void {
  const nb = <usize>n << 3;
  memory.fill(x, 0, nb);
  memory.fill(r, 0, nb);
  if (dense == 2) memory.fill(rowPtr, 0, <usize>n << 2);
  // one thread: the step reads all of r before it writes any, so r is updated in place
  for (let t = 0; t < steps; t++) {
    rateStepRows(esn, t, n, d, dense, w, rowPtr, colIdx, values, u, b, leak, input, noise, x, r, r, rowPtr, rowPtr, h, out, 0, n);
  }
}

// One step of the rate model for neurons i0 <= i < i1 (i0 a multiple of 8: matVecF32's row blocks): their
// input from all of rIn (and, for float32 weights, of its float32 copy rfIn), their new rates into
// rOut and rfOut and row t of out. Threads that split the neurons between them compute exactly what
// one thread computes for all of them.
export function rateStepRows(
  esn: i32, t: i32, n: i32, d: i32,
  dense: i32, w: usize, rowPtr: usize, colIdx: usize, values: usize,
  u: usize, b: usize, leak: usize, input: usize, noise: usize,
  x: usize, rIn: usize, rOut: usize, rfIn: usize, rfOut: usize, h: usize, out: usize,
  i0: i32, i1: i32,
): void {
  const nb = <usize>n << 3;
  const rows = i1 - i0;
  const o0 = <usize>i0 << 3;
  if (dense == 2) matVecF32(w + <usize>i0 * (<usize>n << 2), rows, n, rfIn, h + o0, t & 1);
  else if (dense) matVec(w + <usize>i0 * nb, rows, n, rIn, h + o0);
  else csrMatVec(rowPtr + (<usize>i0 << 2), colIdx, values, rows, rIn, h + o0);
  rateUpdateRows(esn, t, n, d, dense, u, b, leak, input, noise, x, rIn, rOut, rfOut, h, out, i0, i1);
}

// The rest of a step for neurons i0 <= i < i1 once h holds their recurrent input (W r)
// @ts-ignore: decorator
@inline
function rateUpdateRows(
  esn: i32, t: i32, n: i32, d: i32, dense: i32,
  u: usize, b: usize, leak: usize, input: usize, noise: usize,
  x: usize, rIn: usize, rOut: usize, rfOut: usize, h: usize, out: usize,
  i0: i32, i1: i32,
): void {
  const nb = <usize>n << 3;
  const rows = i1 - i0;
  const o0 = <usize>i0 << 3;
  const s = input + ((<usize>t * <usize>d) << 3);
  const z = noise ? noise + <usize>t * nb : 0;
  const one = f64x2.splat(1);
  // two neurons at a time: bias and input (u is U transposed, d x n, so that a pair's weights are
  // adjacent), then the leak and a vectorised tanh; each neuron sums in the reference's order
  const i2 = i0 + (rows & ~1);
  for (let i = i0; i < i2; i += 2) {
    const io = <usize>i << 3;
    const a = v128.load(leak + io);
    let hv = f64x2.add(v128.load(h + io), v128.load(b + io));
    for (let k = 0; k < d; k++) hv = f64x2.add(hv, f64x2.mul(v128.load(u + <usize>k * nb + io), f64x2.splat(load<f64>(s + (<usize>k << 3)))));
    if (esn) {
      let rv = f64x2.add(f64x2.mul(f64x2.sub(one, a), v128.load(rIn + io)), f64x2.mul(a, tanh2(hv)));
      if (z) rv = f64x2.add(rv, v128.load(z + io));
      v128.store(rOut + io, rv);
    } else {
      let xv = f64x2.add(f64x2.mul(a, v128.load(x + io)), f64x2.mul(f64x2.sub(one, a), hv));
      if (z) xv = f64x2.add(xv, v128.load(z + io));
      v128.store(x + io, xv);
      v128.store(rOut + io, tanh2(xv));
    }
  }
  if (i2 < i1) {
    const io = <usize>i2 << 3;
    const a = load<f64>(leak + io);
    let hi = load<f64>(h + io) + load<f64>(b + io);
    for (let k = 0; k < d; k++) hi += load<f64>(u + <usize>k * nb + io) * load<f64>(s + (<usize>k << 3));
    if (esn) {
      let ri = (1 - a) * load<f64>(rIn + io) + a * f64x2.extract_lane(tanh2(f64x2.splat(hi)), 0);
      if (z) ri += load<f64>(z + io);
      store<f64>(rOut + io, ri);
    } else {
      let xi = a * load<f64>(x + io) + (1 - a) * hi;
      if (z) xi += load<f64>(z + io);
      store<f64>(x + io, xi);
      store<f64>(rOut + io, f64x2.extract_lane(tanh2(f64x2.splat(xi)), 0));
    }
  }
  // the float32 variant multiplies in float32: the new rates are rounded once, here
  if (dense == 2) for (let i = i0; i < i1; i++) store<f32>(rfOut + (<usize>i << 2), <f32>load<f64>(rOut + (<usize>i << 3)));
  memory.copy(out + <usize>t * nb + o0, rOut + o0, <usize>rows << 3);
}

/** input streams simulateRateBatch pushes through one W together: four accumulators per row of W */
const STREAMS = 4;

// The rate model for up to four streams that share W, U, b and the input (the levels of a
// heterogeneity sweep, whose time constants alone differ): W is read once per step for all of them,
// and each stream's numbers are exactly simulateRate's. Dense weights only (dense 1 float64, 2
// float32). Stream q's leak, x, r and h are at + q n values (float64), its float32 rates at rf + q n,
// its out and noise at + q steps n; the streams past `streams` are computed on zeros and not updated.
export function simulateRateBatch(
  streams: i32, esn: i32, steps: i32, n: i32, d: i32, dense: i32, w: usize, rf: usize,
  u: usize, b: usize, leak: usize, input: usize, noise: usize,
  x: usize, r: usize, h: usize, out: usize,
): void {
  const nb = <usize>n << 3;
  const ns = <usize>n << 2;
  const perStream = <usize>steps * nb;
  memory.fill(x, 0, nb * STREAMS);
  memory.fill(r, 0, nb * STREAMS);
  memory.fill(rf, 0, ns * STREAMS);
  for (let t = 0; t < steps; t++) {
    if (dense == 2) matMulF32x4(w, n, rf, h, t & 1);
    else matMulF64x4(w, n, r, h);
    for (let q = 0; q < streams; q++) {
      const o = <usize>q * nb;
      rateUpdateRows(esn, t, n, d, dense, u, b, leak + o, input, noise ? noise + <usize>q * perStream : 0,
        x + o, r + o, r + o, rf + <usize>q * ns, h + o, out + <usize>q * perStream, 0, n);
    }
  }
}

// h_q = M rf_q for the four streams (M n x n float32; rf_q at rf + q n float32, h_q at h + q n
// float64), two rows of M per pass: each (row, stream) is summed exactly as matVecF32 sums the row,
// in lanes (every row in the fused build, all but the last n % 4 in the plain one) or in scalars
function matMulF32x4(m: usize, n: i32, rf: usize, h: usize, reverse: i32): void {
  const laneRows = ASC_FEATURE_RELAXED_SIMD ? n : n - (n & 3);
  const pairs = laneRows >> 1;
  for (let k = 0; k < pairs; k++) rows2x4F32(m, (reverse ? pairs - 1 - k : k) << 1, n, rf, h);
  for (let i = pairs << 1; i < n; i++) {
    for (let q = 0; q < STREAMS; q++) {
      const xq = rf + <usize>q * (<usize>n << 2);
      const yq = h + <usize>q * (<usize>n << 3);
      if (i < laneRows) rows1F32(m, i, n, xq, yq);
      else rowScalarF32(m, i, n, xq, yq);
    }
  }
}

// rows i and i + 1 of M times the four streams' rates (the streams' float32 rates are n apart, like M's rows)
// @ts-ignore: decorator
@inline
function rows2x4F32(m: usize, i: i32, cols: i32, xf: usize, y: usize): void {
  const stride = <usize>cols << 2;
  const ys = <usize>cols << 3;
  const cv = cols & ~3;
  const m0 = m + <usize>i * stride;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let j = 0; j < cv; j += 4) {
    const o = m0 + (<usize>j << 2);
    const w0 = v128.load(o);
    const w1 = v128.load(o + stride);
    const xo = xf + (<usize>j << 2);
    let xv = v128.load(xo);
    a0 = madd4(w0, xv, a0);
    c0 = madd4(w1, xv, c0);
    xv = v128.load(xo + stride);
    a1 = madd4(w0, xv, a1);
    c1 = madd4(w1, xv, c1);
    xv = v128.load(xo + 2 * stride);
    a2 = madd4(w0, xv, a2);
    c2 = madd4(w1, xv, c2);
    xv = v128.load(xo + 3 * stride);
    a3 = madd4(w0, xv, a3);
    c3 = madd4(w1, xv, c3);
  }
  const yi = y + (<usize>i << 3);
  rowF32(a0, m0, cv, cols, xf, yi);
  rowF32(c0, m0 + stride, cv, cols, xf, yi + 8);
  rowF32(a1, m0, cv, cols, xf + stride, yi + ys);
  rowF32(c1, m0 + stride, cv, cols, xf + stride, yi + ys + 8);
  rowF32(a2, m0, cv, cols, xf + 2 * stride, yi + 2 * ys);
  rowF32(c2, m0 + stride, cv, cols, xf + 2 * stride, yi + 2 * ys + 8);
  rowF32(a3, m0, cv, cols, xf + 3 * stride, yi + 3 * ys);
  rowF32(c3, m0 + stride, cv, cols, xf + 3 * stride, yi + 3 * ys + 8);
}

// h_q = M r_q for the four streams in float64 (M n x n; r_q and h_q at + q n): each (row, stream) summed
// as matVec sums the row, in lanes in its four-row blocks and with dot for the last n % 4 rows
function matMulF64x4(m: usize, n: i32, r: usize, h: usize): void {
  const laneRows = n - (n & 3);
  const stride = <usize>n << 3;
  for (let i = 0; i < laneRows; i += 2) rows2x4F64(m, i, n, r, h);
  for (let i = laneRows; i < n; i++) {
    for (let q = 0; q < STREAMS; q++) store<f64>(h + <usize>q * stride + (<usize>i << 3), dot(m + <usize>i * stride, r + <usize>q * stride, 0, n));
  }
}

// @ts-ignore: decorator
@inline
function rows2x4F64(m: usize, i: i32, cols: i32, x: usize, y: usize): void {
  const stride = <usize>cols << 3;
  const cv = cols & ~1;
  const m0 = m + <usize>i * stride;
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
  for (let j = 0; j < cv; j += 2) {
    const o = <usize>j << 3;
    const w0 = v128.load(m0 + o);
    const w1 = v128.load(m0 + stride + o);
    const xo = x + o;
    let xv = v128.load(xo);
    a0 = madd2(w0, xv, a0);
    c0 = madd2(w1, xv, c0);
    xv = v128.load(xo + stride);
    a1 = madd2(w0, xv, a1);
    c1 = madd2(w1, xv, c1);
    xv = v128.load(xo + 2 * stride);
    a2 = madd2(w0, xv, a2);
    c2 = madd2(w1, xv, c2);
    xv = v128.load(xo + 3 * stride);
    a3 = madd2(w0, xv, a3);
    c3 = madd2(w1, xv, c3);
  }
  const yi = y + (<usize>i << 3);
  rowF64(a0, m0, cv, cols, x, yi);
  rowF64(c0, m0 + stride, cv, cols, x, yi + 8);
  rowF64(a1, m0, cv, cols, x + stride, yi + stride);
  rowF64(c1, m0 + stride, cv, cols, x + stride, yi + stride + 8);
  rowF64(a2, m0, cv, cols, x + 2 * stride, yi + 2 * stride);
  rowF64(c2, m0 + stride, cv, cols, x + 2 * stride, yi + 2 * stride + 8);
  rowF64(a3, m0, cv, cols, x + 3 * stride, yi + 3 * stride);
  rowF64(c3, m0 + stride, cv, cols, x + 3 * stride, yi + 3 * stride + 8);
}

// one row's float64 sum as matVec finishes it: the lanes, then the odd last column
// @ts-ignore: decorator
@inline
function rowF64(acc: v128, mi: usize, cv: i32, cols: i32, x: usize, yi: usize): void {
  let r = hsum(acc);
  if (cv < cols) r += load<f64>(mi + (<usize>cv << 3)) * load<f64>(x + (<usize>cv << 3));
  store<f64>(yi, r);
}

// tanh of two float64 lanes, after Cephes (Moshier): a rational approximation x + x^3 P(x^2)/Q(x^2)
// below |x| = 0.625, and (e - 1) / (e + 1) with e = exp(2|x|) above, e from a Cephes-style exp (Pade
// form (Q + P) / (Q - P), scaled by 2^n through the exponent bits). Both branches are written as one
// numerator over one denominator, so the pair costs a single division (divisions dominated the step).
// Within a few ulp of the exact value; beyond |x| = 20 tanh is 1 to double precision.
// @ts-ignore: decorator
@inline
function tanh2(v: v128): v128 {
  const ax = f64x2.abs(v);
  const sign = v128.and(v, f64x2.splat(-0.0));
  // small |x|: (ax qd + ax zz pn) / qd
  const zz = f64x2.mul(v, v);
  const pn = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.splat(-9.64399179425052238628e-1), zz), f64x2.splat(-9.92877231001918586564e1)), zz), f64x2.splat(-1.61468768441708447952e3));
  const qd = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(zz, f64x2.splat(1.12811678491632931402e2)), zz), f64x2.splat(2.23548839060100448583e3)), zz), f64x2.splat(4.84406305325125486048e3));
  const smallNum = f64x2.mul(ax, f64x2.add(qd, f64x2.mul(zz, pn)));
  // large |x|: e = exp(2|x|) = A / B with A = (qx + px) 2^n, B = qx - px; tanh = (A - B) / (A + B)
  const x2 = f64x2.min(f64x2.add(ax, ax), f64x2.splat(40));
  const nf = f64x2.nearest(f64x2.mul(x2, f64x2.splat(1.4426950408889634073599)));
  const rr = f64x2.sub(f64x2.sub(x2, f64x2.mul(nf, f64x2.splat(6.93145751953125e-1))), f64x2.mul(nf, f64x2.splat(1.42860682030941723212e-6)));
  const r2 = f64x2.mul(rr, rr);
  const px = f64x2.mul(rr, f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.splat(1.26177193074810590878e-4), r2), f64x2.splat(3.02994407707441961300e-2)), r2), f64x2.splat(9.99999999999999999910e-1)));
  const qx = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.splat(3.00198505138664455042e-6), r2), f64x2.splat(2.52448340349684104192e-3)), r2), f64x2.splat(2.27265548208155028766e-1)), r2), f64x2.splat(2.00000000000000000009e0));
  const ni = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(nf));
  const scale = i64x2.shl(i64x2.add(ni, i64x2.splat(1023)), 52);
  const bigA = f64x2.mul(f64x2.add(qx, px), scale);
  const bigB = f64x2.sub(qx, px);
  const small = f64x2.lt(ax, f64x2.splat(0.625));
  const num = v128.bitselect(smallNum, f64x2.sub(bigA, bigB), small);
  const den = v128.bitselect(qd, f64x2.add(bigA, bigB), small);
  // |tanh x| from either branch; the sign of x goes back on last (so -0 stays -0)
  return v128.or(f64x2.div(num, den), sign);
}

// Symmetric eigen-decomposition, the same algorithm as worker/linalg.ts (JAMA's tred2 + tql2 on the
// transposed eigenvector matrix vt, n x n), with the O(n^3) inner loops in 128-bit lanes.
// On return d holds the ascending eigenvalues and vt the eigenvectors as rows. e is scratch (n).
// Returns 0, or 1 if the QL iteration did not converge.
export function symmetricEigen(n: i32, vt: usize, d: usize, e: usize): i32 {
  tred2(n, vt, d, e);
  return tql2(n, vt, d, e);
}

// @ts-ignore: decorator
@inline
function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

function tred2(n: i32, vt: usize, d: usize, e: usize): void {
  const N = <usize>n;
  for (let j = 0; j < n; j++) put(d, j, load<f64>(vt + ((<usize>j * N + N - 1) << 3)));
  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(at(d, k));
    if (scale == 0) {
      put(e, i, at(d, i - 1));
      for (let j = 0; j < i; j++) {
        const row = vt + ((<usize>j * N) << 3);
        put(d, j, at(row, i - 1));
        put(row, i, 0);
        put(vt + ((<usize>i * N) << 3), j, 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const dk = at(d, k) / scale;
        put(d, k, dk);
        h += dk * dk;
      }
      let f = at(d, i - 1);
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      put(e, i, scale * g);
      h -= f * g;
      put(d, i - 1, f - g);
      for (let j = 0; j < i; j++) put(e, j, 0);
      const rowI = vt + ((<usize>i * N) << 3);
      for (let j = 0; j < i; j++) {
        f = at(d, j);
        put(rowI, j, f);
        const row = vt + ((<usize>j * N) << 3);
        g = at(e, j) + at(row, j) * f;
        // k in (j, i): g += V[j][k] d[k]; e[k] += V[j][k] f
        let k = j + 1;
        let gv = f64x2.splat(0);
        const fv = f64x2.splat(f);
        for (; k + 1 < i; k += 2) {
          const o = <usize>k << 3;
          const vv = v128.load(row + o);
          gv = f64x2.add(gv, f64x2.mul(vv, v128.load(d + o)));
          v128.store(e + o, f64x2.add(v128.load(e + o), f64x2.mul(vv, fv)));
        }
        g += f64x2.extract_lane(gv, 0) + f64x2.extract_lane(gv, 1);
        for (; k < i; k++) {
          const vk = at(row, k);
          g += vk * at(d, k);
          put(e, k, at(e, k) + vk * f);
        }
        put(e, j, g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const ej = at(e, j) / h;
        put(e, j, ej);
        f += ej * at(d, j);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) put(e, j, at(e, j) - hh * at(d, j));
      for (let j = 0; j < i; j++) {
        f = at(d, j);
        g = at(e, j);
        const row = vt + ((<usize>j * N) << 3);
        // k in [j, i): V[j][k] -= f e[k] + g d[k]
        let k = j;
        const fv = f64x2.splat(f);
        const gw = f64x2.splat(g);
        for (; k + 1 < i; k += 2) {
          const o = <usize>k << 3;
          v128.store(row + o, f64x2.sub(v128.load(row + o), f64x2.add(f64x2.mul(fv, v128.load(e + o)), f64x2.mul(gw, v128.load(d + o)))));
        }
        for (; k < i; k++) put(row, k, at(row, k) - (f * at(e, k) + g * at(d, k)));
        put(d, j, at(row, i - 1));
        put(row, i, 0);
      }
    }
    put(d, i, h);
  }
  for (let i = 0; i < n - 1; i++) {
    const rowI = vt + ((<usize>i * N) << 3);
    put(rowI, n - 1, at(rowI, i));
    put(rowI, i, 1);
    const h = at(d, i + 1);
    const next = vt + ((<usize>(i + 1) * N) << 3);
    if (h != 0) {
      for (let k = 0; k <= i; k++) put(d, k, at(next, k) / h);
      for (let j = 0; j <= i; j++) {
        const row = vt + ((<usize>j * N) << 3);
        let gv = f64x2.splat(0);
        let k = 0;
        for (; k + 1 <= i; k += 2) {
          const o = <usize>k << 3;
          gv = f64x2.add(gv, f64x2.mul(v128.load(next + o), v128.load(row + o)));
        }
        let g = f64x2.extract_lane(gv, 0) + f64x2.extract_lane(gv, 1);
        for (; k <= i; k++) g += at(next, k) * at(row, k);
        const gs = f64x2.splat(g);
        k = 0;
        for (; k + 1 <= i; k += 2) {
          const o = <usize>k << 3;
          v128.store(row + o, f64x2.sub(v128.load(row + o), f64x2.mul(gs, v128.load(d + o))));
        }
        for (; k <= i; k++) put(row, k, at(row, k) - g * at(d, k));
      }
    }
    for (let k = 0; k <= i; k++) put(next, k, 0);
  }
  for (let j = 0; j < n; j++) {
    const row = vt + ((<usize>j * N) << 3);
    put(d, j, at(row, n - 1));
    put(row, n - 1, 0);
  }
  put(vt + ((<usize>(n - 1) * N) << 3), n - 1, 1);
  put(e, 0, 0);
}

function tql2(n: i32, vt: usize, d: usize, e: usize): i32 {
  const N = <usize>n;
  for (let i = 1; i < n; i++) put(e, i - 1, at(e, i));
  put(e, n - 1, 0);
  let f: f64 = 0;
  let tst1: f64 = 0;
  const eps: f64 = f64.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(at(d, l)) + Math.abs(at(e, l)));
    let m = l;
    while (m < n) {
      if (Math.abs(at(e, m)) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > 300) return 1;
        let g = at(d, l);
        let p = (at(d, l + 1) - g) / (2 * at(e, l));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        put(d, l, at(e, l) / (p + r));
        put(d, l + 1, at(e, l) * (p + r));
        const dl1 = at(d, l + 1);
        let h = g - at(d, l);
        for (let i = l + 2; i < n; i++) put(d, i, at(d, i) - h);
        f += h;
        p = at(d, m);
        let c: f64 = 1;
        let c2 = c;
        let c3 = c;
        const el1 = at(e, l + 1);
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * at(e, i);
          h = c * p;
          r = Math.hypot(p, at(e, i));
          put(e, i + 1, s * r);
          s = at(e, i) / r;
          c = p / r;
          p = c * at(d, i) - s * g;
          put(d, i + 1, h + s * (c * g + s * at(d, i)));
          // rotate rows i and i+1 of vt
          const ri = vt + ((<usize>i * N) << 3);
          const ri1 = ri + (N << 3);
          const sv = f64x2.splat(s);
          const cv = f64x2.splat(c);
          let k = 0;
          for (; k + 1 < n; k += 2) {
            const o = <usize>k << 3;
            const hk = v128.load(ri1 + o);
            const vk = v128.load(ri + o);
            v128.store(ri1 + o, f64x2.add(f64x2.mul(sv, vk), f64x2.mul(cv, hk)));
            v128.store(ri + o, f64x2.sub(f64x2.mul(cv, vk), f64x2.mul(sv, hk)));
          }
          for (; k < n; k++) {
            const hk = at(ri1, k);
            const vk = at(ri, k);
            put(ri1, k, s * vk + c * hk);
            put(ri, k, c * vk - s * hk);
          }
        }
        p = (-s * s2 * c3 * el1 * at(e, l)) / dl1;
        put(e, l, s * p);
        put(d, l, c * p);
      } while (Math.abs(at(e, l)) > eps * tst1);
    }
    put(d, l, at(d, l) + f);
    put(e, l, 0);
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = at(d, i);
    for (let j = i + 1; j < n; j++) {
      if (at(d, j) < p) {
        k = j;
        p = at(d, j);
      }
    }
    if (k != i) {
      put(d, k, at(d, i));
      put(d, i, p);
      memory.copy(e, vt + ((<usize>i * N) << 3), N << 3);
      memory.copy(vt + ((<usize>i * N) << 3), vt + ((<usize>k * N) << 3), N << 3);
      memory.copy(vt + ((<usize>k * N) << 3), e, N << 3);
    }
  }
  return 0;
}

// the vectorised tanh on one value, exported for its accuracy test
export function tanhOf(x: f64): f64 {
  return f64x2.extract_lane(tanh2(f64x2.splat(x)), 0);
}

// The LIF network without noise (worker/models/lif.ts is the reference, and the conventions are
// documented there): the same operations in the same order, so the spikes and the features are the
// TypeScript kernel's bit for bit. Neurons two at a time while no neuron of the pair is refractory
// or crosses threshold (the common case); a pair with either is redone one neuron at a time.
// State arrays are filled by the caller (v0 drawn there); iIn and spiked are scratch. Writes the
// spike count and the synaptic events (float64) to counts[0] and counts[1].
// Spike statistics (the TypeScript kernel's `spikeStats`), only when spikeCounts != 0: spikeCounts
// (u16, steps x n, zeroed), isiSum and isiSumSq (f64, n, zeroed), isiCount (i32, n, zeroed) and
// lastSpike (i32, n, filled with -1 by the caller) are updated from the list of each sub-step's
// spikes, after the propagation, as in TypeScript: the pair loop above stays as it is.
export function simulateLif(
  n: i32, d: i32, steps: i32, sub: i32,
  vRest: f64, vReset: f64, vTh: f64, refSteps: i32, synDecay: f64, readDecay: f64,
  memDecay: usize, bias: usize, colPtr: usize, rowIdx: usize, w: usize, u: usize, input: usize,
  v: usize, iSyn: usize, iIn: usize, trace: usize, refLeft: usize, spiked: usize, features: usize, counts: usize,
  spikeCounts: usize, isiSum: usize, isiSumSq: usize, isiCount: usize, lastSpike: usize,
): void {
  const nb = <usize>n << 3;
  const n2 = n & ~1;
  let spikeCount: i64 = 0;
  let events: i64 = 0;
  const rest2 = f64x2.splat(vRest);
  const th2 = f64x2.splat(vTh);
  const syn2 = f64x2.splat(synDecay);
  const read2 = f64x2.splat(readDecay);
  for (let t = 0; t < steps; t++) {
    // input current, held over the task step (u is U transposed, d x n)
    const s = input + ((<usize>t * <usize>d) << 3);
    for (let i = 0; i < n; i++) {
      let acc: f64 = 0;
      for (let k = 0; k < d; k++) acc += load<f64>(u + <usize>k * nb + (<usize>i << 3)) * load<f64>(s + (<usize>k << 3));
      store<f64>(iIn + (<usize>i << 3), acc);
    }
    for (let q = 0; q < sub; q++) {
      let nSpiked = 0;
      let i = 0;
      for (; i < n2; i += 2) {
        const io = <usize>i << 3;
        const r = load<u64>(refLeft + (<usize>i << 2)); // both neurons' counters at once
        if (r == 0) {
          const drive = f64x2.add(f64x2.add(v128.load(iSyn + io), v128.load(iIn + io)), v128.load(bias + io));
          const target = f64x2.add(rest2, drive);
          const vi = f64x2.add(target, f64x2.mul(f64x2.sub(v128.load(v + io), target), v128.load(memDecay + io)));
          if (!v128.any_true(f64x2.ge(vi, th2))) {
            v128.store(v + io, vi);
            v128.store(iSyn + io, f64x2.mul(v128.load(iSyn + io), syn2));
            v128.store(trace + io, f64x2.mul(v128.load(trace + io), read2));
            continue;
          }
        }
        nSpiked = lifOne(i, nSpiked, vRest, vReset, vTh, refSteps, synDecay, readDecay, memDecay, bias, v, iSyn, iIn, trace, refLeft, spiked);
        nSpiked = lifOne(i + 1, nSpiked, vRest, vReset, vTh, refSteps, synDecay, readDecay, memDecay, bias, v, iSyn, iIn, trace, refLeft, spiked);
      }
      for (; i < n; i++) nSpiked = lifOne(i, nSpiked, vRest, vReset, vTh, refSteps, synDecay, readDecay, memDecay, bias, v, iSyn, iIn, trace, refLeft, spiked);
      // event-driven propagation: column j of W for every neuron j that spiked
      for (let q2 = 0; q2 < nSpiked; q2++) {
        const j = load<i32>(spiked + (<usize>q2 << 2));
        const tj = trace + (<usize>j << 3);
        store<f64>(tj, load<f64>(tj) + 1);
        const start = load<i32>(colPtr + (<usize>j << 2));
        const end = load<i32>(colPtr + (<usize>(j + 1) << 2));
        for (let e = start; e < end; e++) {
          const target = iSyn + (<usize>load<i32>(rowIdx + (<usize>e << 2)) << 3);
          store<f64>(target, load<f64>(target) + load<f64>(w + (<usize>e << 3)));
        }
        events += <i64>(end - start);
      }
      spikeCount += <i64>nSpiked;
      if (spikeCounts != 0) {
        const step = t * sub + q; // global sub-step index (i32: runs below 2^31 sub-steps, 25 days at dt = 1 ms)
        const row = spikeCounts + ((<usize>t * <usize>n) << 1);
        for (let q2 = 0; q2 < nSpiked; q2++) {
          const j = load<i32>(spiked + (<usize>q2 << 2));
          const c = row + (<usize>j << 1);
          store<u16>(c, load<u16>(c) + 1);
          const lo = lastSpike + (<usize>j << 2);
          const last = load<i32>(lo);
          if (last >= 0) {
            const isi = <f64>(step - last);
            const jo = <usize>j << 3;
            store<f64>(isiSum + jo, load<f64>(isiSum + jo) + isi);
            store<f64>(isiSumSq + jo, load<f64>(isiSumSq + jo) + isi * isi);
            store<i32>(isiCount + (<usize>j << 2), load<i32>(isiCount + (<usize>j << 2)) + 1);
          }
          store<i32>(lo, step);
        }
      }
    }
    memory.copy(features + <usize>t * nb, trace, nb);
  }
  store<f64>(counts, <f64>spikeCount);
  store<f64>(counts + 8, <f64>events);
}

// one neuron's sub-step, exactly as the TypeScript loop body
// @ts-ignore: decorator
@inline
function lifOne(
  i: i32, nSpiked: i32, vRest: f64, vReset: f64, vTh: f64, refSteps: i32, synDecay: f64, readDecay: f64,
  memDecay: usize, bias: usize, v: usize, iSyn: usize, iIn: usize, trace: usize, refLeft: usize, spiked: usize,
): i32 {
  const io = <usize>i << 3;
  const ro = refLeft + (<usize>i << 2);
  const left = load<i32>(ro);
  if (left > 0) {
    store<i32>(ro, left - 1);
    store<f64>(v + io, vReset);
  } else {
    const drive = load<f64>(iSyn + io) + load<f64>(iIn + io) + load<f64>(bias + io);
    const target = vRest + drive;
    let vi = target + (load<f64>(v + io) - target) * load<f64>(memDecay + io);
    if (vi >= vTh) {
      vi = vReset;
      store<i32>(ro, refSteps);
      store<i32>(spiked + (<usize>nSpiked << 2), i);
      nSpiked++;
    }
    store<f64>(v + io, vi);
  }
  store<f64>(iSyn + io, load<f64>(iSyn + io) * synDecay);
  store<f64>(trace + io, load<f64>(trace + io) * readDecay);
  return nSpiked;
}

// All eigenvalues of a general real n x n matrix H (row-major, destroyed), the same algorithm and
// operations as worker/linalg.ts (orthes, then hqr; JAMA), so the values are its bits. ort and f are
// scratch (n each); re and im receive the eigenvalues. Returns 0, or 1 if the QR iteration did not converge.
export function eigenvaluesGeneral(n: i32, H: usize, ort: usize, f: usize, re: usize, im: usize): i32 {
  orthes(n, H, ort, f);
  return hqr(n, H, re, im);
}

// @ts-ignore: decorator
@inline
function hAt(H: usize, nn: i32, r: i32, c: i32): f64 {
  return load<f64>(H + ((<usize>r * <usize>nn + <usize>c) << 3));
}

// @ts-ignore: decorator
@inline
function hPut(H: usize, nn: i32, r: i32, c: i32, v: f64): void {
  store<f64>(H + ((<usize>r * <usize>nn + <usize>c) << 3), v);
}

function orthes(n: i32, H: usize, ort: usize, f: usize): void {
  const high = n - 1;
  memory.fill(ort, 0, <usize>n << 3);
  for (let m = 1; m <= high - 1; m++) {
    let scale: f64 = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(hAt(H, n, i, m - 1));
    if (scale == 0) continue;
    let h: f64 = 0;
    for (let i = high; i >= m; i--) {
      const oi = hAt(H, n, i, m - 1) / scale;
      put(ort, i, oi);
      h += oi * oi;
    }
    let g = Math.sqrt(h);
    if (at(ort, m) > 0) g = -g;
    h -= at(ort, m) * g;
    put(ort, m, at(ort, m) - g);
    // H <- (I - u u'/h) H, with f_j = u' H[:, j] accumulated row by row. The loops over j are
    // elementwise: two lanes at a time give each element the operations, and so the bits, of one
    // (a product, then a sum: never fused, even in the relaxed-SIMD builds).
    memory.fill(f, 0, <usize>n << 3);
    for (let i = m; i <= high; i++) {
      const oi = at(ort, i);
      const row = H + ((<usize>i * <usize>n) << 3);
      const o2 = f64x2.splat(oi);
      let j = m;
      for (; j + 1 < n; j += 2) {
        const fj = f + (<usize>j << 3);
        v128.store(fj, f64x2.add(v128.load(fj), f64x2.mul(o2, v128.load(row + (<usize>j << 3)))));
      }
      for (; j < n; j++) put(f, j, at(f, j) + oi * hAt(H, n, i, j));
    }
    for (let i = m; i <= high; i++) {
      const oi = at(ort, i) / h;
      const row = H + ((<usize>i * <usize>n) << 3);
      const o2 = f64x2.splat(oi);
      let j = m;
      for (; j + 1 < n; j += 2) {
        const hj = row + (<usize>j << 3);
        v128.store(hj, f64x2.sub(v128.load(hj), f64x2.mul(v128.load(f + (<usize>j << 3)), o2)));
      }
      for (; j < n; j++) hPut(H, n, i, j, hAt(H, n, i, j) - at(f, j) * oi);
    }
    // H <- H (I - u u'/h): each row's dot product stays in order (a sum), four rows at a time (four
    // independent sums in flight instead of one chain of dependent additions); the update is elementwise
    let i = 0;
    for (; i + 3 <= high; i += 4) {
      const r0 = H + ((<usize>i * <usize>n) << 3);
      const r1 = r0 + (<usize>n << 3);
      const r2 = r1 + (<usize>n << 3);
      const r3 = r2 + (<usize>n << 3);
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
      for (let j = m; j <= high; j++) {
        const o = at(ort, j);
        const off = <usize>j << 3;
        s0 += o * load<f64>(r0 + off);
        s1 += o * load<f64>(r1 + off);
        s2 += o * load<f64>(r2 + off);
        s3 += o * load<f64>(r3 + off);
      }
      orthesRowUpdate(r0, s0 / h, ort, m, high);
      orthesRowUpdate(r1, s1 / h, ort, m, high);
      orthesRowUpdate(r2, s2 / h, ort, m, high);
      orthesRowUpdate(r3, s3 / h, ort, m, high);
    }
    for (; i <= high; i++) {
      let s: f64 = 0;
      for (let j = m; j <= high; j++) s += at(ort, j) * hAt(H, n, i, j);
      orthesRowUpdate(H + ((<usize>i * <usize>n) << 3), s / h, ort, m, high);
    }
    put(ort, m, at(ort, m) * scale);
    hPut(H, n, m, m - 1, scale * g);
  }
}

// row[j] -= s ort[j] for m <= j <= high, two lanes at a time (a product, then a difference: the bits
// of one element at a time)
// @ts-ignore: decorator
@inline
function orthesRowUpdate(row: usize, s: f64, ort: usize, m: i32, high: i32): void {
  const s2 = f64x2.splat(s);
  let j = m;
  for (; j + 1 <= high; j += 2) {
    const hj = row + (<usize>j << 3);
    v128.store(hj, f64x2.sub(v128.load(hj), f64x2.mul(s2, v128.load(ort + (<usize>j << 3)))));
  }
  for (; j <= high; j++) store<f64>(row + (<usize>j << 3), load<f64>(row + (<usize>j << 3)) - s * at(ort, j));
}

function hqr(nn: i32, H: usize, d: usize, e: usize): i32 {
  memory.fill(d, 0, <usize>nn << 3);
  memory.fill(e, 0, <usize>nn << 3);
  const eps: f64 = f64.EPSILON;
  let n = nn - 1;
  let exshift: f64 = 0;
  let norm: f64 = 0;
  let p: f64 = 0, q: f64 = 0, r: f64 = 0, s: f64 = 0, z: f64 = 0, w: f64 = 0, x: f64 = 0, y: f64 = 0;
  let iter = 0;
  for (let i = 0; i < nn; i++) for (let j = max(i - 1, 0); j < nn; j++) norm += Math.abs(hAt(H, nn, i, j));
  if (norm == 0) return 0;
  while (n >= 0) {
    let l = n;
    while (l > 0) {
      s = Math.abs(hAt(H, nn, l - 1, l - 1)) + Math.abs(hAt(H, nn, l, l));
      if (s == 0) s = norm;
      if (Math.abs(hAt(H, nn, l, l - 1)) < eps * s) break;
      l--;
    }
    if (l == n) {
      put(d, n, hAt(H, nn, n, n) + exshift);
      put(e, n, 0);
      n--;
      iter = 0;
    } else if (l == n - 1) {
      w = hAt(H, nn, n, n - 1) * hAt(H, nn, n - 1, n);
      p = (hAt(H, nn, n - 1, n - 1) - hAt(H, nn, n, n)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      x = hAt(H, nn, n, n) + exshift;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        put(d, n - 1, x + z);
        put(d, n, z != 0 ? x - w / z : x + z);
        put(e, n - 1, 0);
        put(e, n, 0);
      } else {
        put(d, n - 1, x + p);
        put(d, n, x + p);
        put(e, n - 1, z);
        put(e, n, -z);
      }
      n -= 2;
      iter = 0;
    } else {
      x = hAt(H, nn, n, n);
      y = hAt(H, nn, n - 1, n - 1);
      w = hAt(H, nn, n, n - 1) * hAt(H, nn, n - 1, n);
      if (iter == 10) {
        exshift += x;
        for (let i = 0; i <= n; i++) hPut(H, nn, i, i, hAt(H, nn, i, i) - x);
        s = Math.abs(hAt(H, nn, n, n - 1)) + Math.abs(hAt(H, nn, n - 1, n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter == 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) hPut(H, nn, i, i, hAt(H, nn, i, i) - s);
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > 1000) return 1;
      let m = n - 2;
      while (m >= l) {
        z = hAt(H, nn, m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / hAt(H, nn, m + 1, m) + hAt(H, nn, m, m + 1);
        q = hAt(H, nn, m + 1, m + 1) - z - r - s;
        r = hAt(H, nn, m + 2, m + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m == l) break;
        if (Math.abs(hAt(H, nn, m, m - 1)) * (Math.abs(q) + Math.abs(r)) < eps * (Math.abs(p) * (Math.abs(hAt(H, nn, m - 1, m - 1)) + Math.abs(z) + Math.abs(hAt(H, nn, m + 1, m + 1))))) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        hPut(H, nn, i, i - 2, 0);
        if (i > m + 2) hPut(H, nn, i, i - 3, 0);
      }
      for (let k = m; k <= n - 1; k++) {
        const notlast = k != n - 1;
        if (k != m) {
          p = hAt(H, nn, k, k - 1);
          q = hAt(H, nn, k + 1, k - 1);
          r = notlast ? hAt(H, nn, k + 2, k - 1) : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x != 0) {
            p /= x;
            q /= x;
            r /= x;
          }
        }
        if (x == 0) break;
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s != 0) {
          if (k != m) hPut(H, nn, k, k - 1, -s * x);
          else if (l != m) hPut(H, nn, k, k - 1, -hAt(H, nn, k, k - 1));
          p += s;
          x = p / s;
          y = q / s;
          z = r / s;
          q /= p;
          r /= p;
          // the rows' update is elementwise in j: two lanes at a time, each with the scalar loop's
          // operations (products then sums, never fused), then the scalar loop for the rest
          const r0 = H + ((<usize>k * <usize>nn) << 3);
          const r1 = r0 + (<usize>nn << 3);
          const r2 = r1 + (<usize>nn << 3);
          const q2 = f64x2.splat(q);
          const rr2 = f64x2.splat(r);
          const x2 = f64x2.splat(x);
          const y2 = f64x2.splat(y);
          const z2 = f64x2.splat(z);
          let j = k;
          for (; j + 1 <= n; j += 2) {
            const o = <usize>j << 3;
            let p2 = f64x2.add(v128.load(r0 + o), f64x2.mul(q2, v128.load(r1 + o)));
            if (notlast) {
              const h2 = v128.load(r2 + o);
              p2 = f64x2.add(p2, f64x2.mul(rr2, h2));
              v128.store(r2 + o, f64x2.sub(h2, f64x2.mul(p2, z2)));
            }
            v128.store(r0 + o, f64x2.sub(v128.load(r0 + o), f64x2.mul(p2, x2)));
            v128.store(r1 + o, f64x2.sub(v128.load(r1 + o), f64x2.mul(p2, y2)));
          }
          for (; j <= n; j++) {
            p = hAt(H, nn, k, j) + q * hAt(H, nn, k + 1, j);
            if (notlast) {
              p += r * hAt(H, nn, k + 2, j);
              hPut(H, nn, k + 2, j, hAt(H, nn, k + 2, j) - p * z);
            }
            hPut(H, nn, k, j, hAt(H, nn, k, j) - p * x);
            hPut(H, nn, k + 1, j, hAt(H, nn, k + 1, j) - p * y);
          }
          const iMax = min(n, k + 3);
          for (let i = l; i <= iMax; i++) {
            p = x * hAt(H, nn, i, k) + y * hAt(H, nn, i, k + 1);
            if (notlast) {
              p += z * hAt(H, nn, i, k + 2);
              hPut(H, nn, i, k + 2, hAt(H, nn, i, k + 2) - p * r);
            }
            hPut(H, nn, i, k, hAt(H, nn, i, k) - p);
            hPut(H, nn, i, k + 1, hAt(H, nn, i, k + 1) - p * q);
          }
        }
      }
    }
  }
  return 0;
}

// The readout's centred, transposed features (worker/readout.ts has the same loops in TypeScript,
// and this gives their bits): mu = the mean of x's rows t0 <= t < t1 (x is T x n, time-major),
// summed in time order, and xt (n x T) = x' - mu, in tiles of 256 steps x 8 neurons; within a tile
// two steps of two neurons at a time (two loads, two subtractions, two shuffles, two stores).
export function centreTranspose(x: usize, T: i32, n: i32, t0: i32, t1: i32, mu: usize, xt: usize): void {
  const nb = <usize>n << 3;
  const n2 = n & ~1;
  memory.fill(mu, 0, nb);
  for (let t = t0; t < t1; t++) {
    const row = x + <usize>t * nb;
    let i = 0;
    for (; i < n2; i += 2) v128.store(mu + (<usize>i << 3), f64x2.add(v128.load(mu + (<usize>i << 3)), v128.load(row + (<usize>i << 3))));
    if (i < n) put(mu, i, at(mu, i) + load<f64>(row + (<usize>i << 3)));
  }
  const count = <f64>(t1 - t0);
  for (let i = 0; i < n; i++) put(mu, i, at(mu, i) / count);
  const tb = <usize>T << 3;
  for (let c0 = 0; c0 < T; c0 += 256) {
    const c1 = min(T, c0 + 256);
    const cv = c0 + ((c1 - c0) & ~1);
    for (let i0 = 0; i0 < n; i0 += 8) {
      const i1 = min(n, i0 + 8);
      const iv = i0 + ((i1 - i0) & ~1);
      for (let i = i0; i < iv; i += 2) {
        const m = v128.load(mu + (<usize>i << 3));
        const out0 = xt + <usize>i * tb;
        const out1 = out0 + tb;
        for (let t = c0; t < cv; t += 2) {
          const row = x + <usize>t * nb + (<usize>i << 3);
          const d0 = f64x2.sub(v128.load(row), m); // (t, i), (t, i + 1)
          const d1 = f64x2.sub(v128.load(row + nb), m); // (t + 1, i), (t + 1, i + 1)
          v128.store(out0 + (<usize>t << 3), v128.shuffle<f64>(d0, d1, 0, 2));
          v128.store(out1 + (<usize>t << 3), v128.shuffle<f64>(d0, d1, 1, 3));
        }
        if (cv < c1) {
          const row = x + <usize>cv * nb + (<usize>i << 3);
          store<f64>(out0 + (<usize>cv << 3), load<f64>(row) - at(mu, i));
          store<f64>(out1 + (<usize>cv << 3), load<f64>(row + 8) - at(mu, i + 1));
        }
      }
      if (iv < i1) {
        for (let t = c0; t < c1; t++) store<f64>(xt + ((<usize>iv * <usize>T + <usize>t) << 3), load<f64>(x + <usize>t * nb + (<usize>iv << 3)) - at(mu, iv));
      }
    }
  }
}

// The ridge grid's loops (worker/readout.ts scaleColumns and rowDots, whose bits these give).
// out = a diag(scale), rows x n: a product per element, two at a time.
export function scaleColumns(a: usize, rows: i32, n: i32, scale: usize, out: usize): void {
  const n2 = n & ~1;
  const rb = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * rb;
    const orow = out + <usize>r * rb;
    for (let j = 0; j < n2; j += 2) {
      const o = <usize>j << 3;
      v128.store(orow + o, f64x2.mul(v128.load(ar + o), v128.load(scale + o)));
    }
    if (n2 < n) put(orow, n2, at(ar, n2) * at(scale, n2));
  }
}

// Per row r: d1[r] = sum_j a[r, j] b[r, j], d2[r] = sum_j b[r, j] c[r, j], each in j order from 0,
// a rounding after every product and every addition (scalar: never fused); two rows at a time.
export function rowDots(a: usize, b: usize, c: usize, rows: i32, n: i32, d1: usize, d2: usize): void {
  const rb = <usize>n << 3;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const o0 = <usize>r * rb;
    const o1 = o0 + rb;
    let s0: f64 = 0, t0: f64 = 0, s1: f64 = 0, t1: f64 = 0;
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 3;
      const b0 = load<f64>(b + o0 + o);
      const b1 = load<f64>(b + o1 + o);
      s0 += load<f64>(a + o0 + o) * b0;
      t0 += b0 * load<f64>(c + o0 + o);
      s1 += load<f64>(a + o1 + o) * b1;
      t1 += b1 * load<f64>(c + o1 + o);
    }
    put(d1, r, s0);
    put(d2, r, t0);
    put(d1, r + 1, s1);
    put(d2, r + 1, t1);
  }
  if (r < rows) {
    const o0 = <usize>r * rb;
    let s: f64 = 0, t: f64 = 0;
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 3;
      const bj = load<f64>(b + o0 + o);
      s += load<f64>(a + o0 + o) * bj;
      t += bj * load<f64>(c + o0 + o);
    }
    put(d1, r, s);
    put(d2, r, t);
  }
}

/**
 * a b + c in this build's multiply-add, for the host to learn whether it is fused on this machine.
 * Relaxed SIMD lets the engine choose: V8 fuses where the CPU has FMA (x64 with AVX2, every arm64)
 * and rounds twice elsewhere. The values come from the host, so the compiler cannot fold it.
 */
export function multiplyAdd(a: f32, b: f32, c: f32): f32 {
  return f32x4.extract_lane(madd4(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
}

// The hierarchical bootstrap's replicate means (main/analysis/stats.ts hierarchicalBootstrap, whose
// numbers these are, bit for bit): worker/rng.ts's generator from the same seed, the same unbiased
// draws of a seed and then of its tasks as stats.ts's IndexSampler (one per level, both on that one
// generator, each keeping the unused low half of its last draw), and each replicate's sum in the same
// order. Only for seeds and tasks up to 4096 (the samplers' 16-bit draws); the host does the rest.
// In JavaScript the generator's state lives in objects' fields; here in this module's globals (not
// in its memory), one loop of integer operations: about 2.3 times as fast (the state in locals, with
// the sampler written out once per level, was 2.7 times, for twice the code).
let rngA: u32 = 0;
let rngB: u32 = 0;
let rngC: u32 = 0;
let rngD: u32 = 0;
/** each level's unused low half of its last draw; -1 when none */
let spareSeed: i32 = -1;
let spareTask: i32 = -1;

// worker/rng.ts Rng.nextU32
// @ts-ignore: decorator
@inline
function nextU32(): u32 {
  const t = rngA + rngB + rngD;
  rngD++;
  rngA = rngB ^ (rngB >>> 9);
  rngB = rngC + (rngC << 3);
  rngC = rotl<u32>(rngC, 21) + t;
  return t;
}

// stats.ts IndexSampler.next on its 16-bit path, for the seeds' sampler (task false) or the tasks'
// @ts-ignore: decorator
@inline
function pick(n: u32, reject: u32, task: bool): u32 {
  let m: u32;
  do {
    const spare = task ? spareTask : spareSeed;
    let v: u32;
    if (spare >= 0) {
      v = <u32>spare;
      if (task) spareTask = -1;
      else spareSeed = -1;
    } else {
      const u = nextU32();
      v = u >>> 16;
      if (task) spareTask = <i32>(u & 0xffff);
      else spareSeed = <i32>(u & 0xffff);
    }
    m = v * n;
  } while ((m & 0xffff) < reject);
  return m >>> 16;
}

export function bootstrapReplicates(diff: usize, seeds: i32, tasks: i32, replicates: i32, seed: u32, reps: usize): void {
  rngA = 0x9e3779b9;
  rngB = 0x243f6a88;
  rngC = 0xb7e15162;
  rngD = seed;
  for (let i = 0; i < 15; i++) nextU32();
  spareSeed = -1;
  spareTask = -1;
  const ns = <u32>seeds;
  const nk = <u32>tasks;
  const rejectS = <u32>65536 % ns;
  const rejectK = <u32>65536 % nk;
  const total = <f64>seeds * <f64>tasks;
  for (let r = 0; r < replicates; r++) {
    let sum: f64 = 0;
    for (let s = 0; s < seeds; s++) {
      const row = diff + ((<usize>pick(ns, rejectS, false) * <usize>nk) << 3);
      for (let k = 0; k < tasks; k++) sum += load<f64>(row + (<usize>pick(nk, rejectK, true) << 3));
    }
    store<f64>(reps + (<usize>r << 3), sum / total);
  }
}
