// Dense eigen-solvers on flat Float64Arrays. Ported from JAMA (public domain) by way of ml-matrix's
// evd.js, rewritten over typed arrays because ml-matrix's 2-D arrays made them ~10x slower, and with
// the general solver cut down to eigenvalues only (no Schur vectors), which is all that a spectral
// radius needs. The QR iteration handles complex pairs exactly, unlike power iteration.

export interface SymmetricEigen {
  /** ascending */
  values: Float64Array;
  /** row-major n x n: column j is the unit eigenvector of values[j] */
  vectors: Float64Array;
}

/** a' for a row-major rows x cols matrix a: cols x rows, row-major */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** Eigen-decomposition of a symmetric matrix (Householder tridiagonalisation + implicit QL). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  // vt holds V transposed: the hot loops of tred2/tql2 walk down columns of V, which are rows here
  const vt = transpose(a.subarray(0, n * n), n, n);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(n, e, d, vt);
  tql2(n, e, d, vt);
  return { values: d, vectors: transpose(vt, n, n) };
}

// vt is V transposed (ml-matrix's layout): every index below is a physical row-major index of vt
function tred2(n: number, e: Float64Array, d: Float64Array, vt: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = vt[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = vt[j * n + i - 1];
        vt[j * n + i] = 0;
        vt[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        vt[i * n + j] = f;
        const row = j * n;
        g = e[j] + vt[row + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += vt[row + k] * d[k];
          e[k] += vt[row + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const row = j * n;
        for (let k = j; k <= i - 1; k++) vt[row + k] -= f * e[k] + g * d[k];
        d[j] = vt[row + i - 1];
        vt[row + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    vt[i * n + n - 1] = vt[i * n + i];
    vt[i * n + i] = 1;
    const h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = vt[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += vt[next + k] * vt[row + k];
        for (let k = 0; k <= i; k++) vt[row + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) vt[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = vt[j * n + n - 1];
    vt[j * n + n - 1] = 0;
  }
  vt[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function tql2(n: number, e: Float64Array, d: Float64Array, vt: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > 300) throw new Error('symmetric eigen-solver did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          // rotate columns i and i+1 of V: rows i and i+1 of vt
          const ri = i * n;
          const ri1 = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const hk = vt[ri1 + k];
            const vk = vt[ri + k];
            vt[ri1 + k] = s * vk + c * hk;
            vt[ri + k] = c * vk - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      const ri = i * n;
      const rk = k * n;
      for (let j = 0; j < n; j++) {
        const t = vt[ri + j];
        vt[ri + j] = vt[rk + j];
        vt[rk + j] = t;
      }
    }
  }
}

export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
}

/** All eigenvalues of a general real matrix (Householder to Hessenberg, then shifted QR). */
export function eigenvalues(a: Float64Array, n: number): Eigenvalues {
  const H = Float64Array.from(a.subarray(0, n * n));
  orthes(n, H);
  return hqr(n, H);
}

/** `eig` computes the eigenvalues: this module's eigenvalues, or a backend's (the same bits, faster) */
export function spectralRadius(a: Float64Array, n: number, eig: (a: Float64Array, n: number) => Eigenvalues = eigenvalues): number {
  if (n === 0) return 0;
  const { re, im } = eig(a, n);
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, Math.hypot(re[i], im[i]));
  return r;
}

function orthes(n: number, H: Float64Array): void {
  const ort = new Float64Array(n);
  const high = n - 1;
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(H[i * n + m - 1]);
    if (scale === 0) continue;
    let h = 0;
    for (let i = high; i >= m; i--) {
      ort[i] = H[i * n + m - 1] / scale;
      h += ort[i] * ort[i];
    }
    let g = Math.sqrt(h);
    if (ort[m] > 0) g = -g;
    h -= ort[m] * g;
    ort[m] -= g;
    // H <- (I - u u'/h) H : accumulate f_j = u' H[:, j] row by row for contiguous access
    const f = new Float64Array(n);
    for (let i = m; i <= high; i++) {
      const oi = ort[i];
      const row = i * n;
      for (let j = m; j < n; j++) f[j] += oi * H[row + j];
    }
    for (let i = m; i <= high; i++) {
      const oi = ort[i] / h;
      const row = i * n;
      for (let j = m; j < n; j++) H[row + j] -= f[j] * oi;
    }
    // H <- H (I - u u'/h): four rows at a time, four independent sums in flight instead of one chain
    // of dependent additions; each row's dot is added up in the order of one row alone (same bits)
    let i = 0;
    for (; i + 3 <= high; i += 4) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = m; j <= high; j++) {
        const o = ort[j];
        s0 += o * H[r0 + j];
        s1 += o * H[r1 + j];
        s2 += o * H[r2 + j];
        s3 += o * H[r3 + j];
      }
      s0 /= h;
      s1 /= h;
      s2 /= h;
      s3 /= h;
      for (let j = m; j <= high; j++) {
        const o = ort[j];
        H[r0 + j] -= s0 * o;
        H[r1 + j] -= s1 * o;
        H[r2 + j] -= s2 * o;
        H[r3 + j] -= s3 * o;
      }
    }
    for (; i <= high; i++) {
      const row = i * n;
      let s = 0;
      for (let j = m; j <= high; j++) s += ort[j] * H[row + j];
      s /= h;
      for (let j = m; j <= high; j++) H[row + j] -= s * ort[j];
    }
    ort[m] *= scale;
    H[m * n + m - 1] = scale * g;
  }
}

function hqr(nn: number, H: Float64Array): Eigenvalues {
  const d = new Float64Array(nn);
  const e = new Float64Array(nn);
  const at = (r: number, c: number) => H[r * nn + c];
  const eps = Number.EPSILON;
  let n = nn - 1;
  let exshift = 0;
  let norm = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let z = 0;
  let w = 0;
  let x = 0;
  let y = 0;
  let iter = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(at(i, j));
  // the zero matrix (e.g. recurrence removed) never passes the relative deflation test below
  if (norm === 0) return { re: d, im: e };

  while (n >= 0) {
    let l = n;
    while (l > 0) {
      s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
      if (s === 0) s = norm;
      if (Math.abs(at(l, l - 1)) < eps * s) break;
      l--;
    }
    if (l === n) {
      d[n] = at(n, n) + exshift;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      w = at(n, n - 1) * at(n - 1, n);
      p = (at(n - 1, n - 1) - at(n, n)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      x = at(n, n) + exshift;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : x + z;
        e[n - 1] = 0;
        e[n] = 0;
      } else {
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      x = at(n, n);
      y = at(n - 1, n - 1);
      w = at(n, n - 1) * at(n - 1, n);
      if (iter === 10) {
        exshift += x;
        for (let i = 0; i <= n; i++) H[i * nn + i] -= x;
        s = Math.abs(at(n, n - 1)) + Math.abs(at(n - 1, n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= n; i++) H[i * nn + i] -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > 1000) throw new Error('eigenvalue QR iteration did not converge');
      let m = n - 2;
      while (m >= l) {
        z = at(m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / at(m + 1, m) + at(m, m + 1);
        q = at(m + 1, m + 1) - z - r - s;
        r = at(m + 2, m + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r)) < eps * (Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1))))) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        H[i * nn + i - 2] = 0;
        if (i > m + 2) H[i * nn + i - 3] = 0;
      }
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = at(k, k - 1);
          q = at(k + 1, k - 1);
          r = notlast ? at(k + 2, k - 1) : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x !== 0) {
            p /= x;
            q /= x;
            r /= x;
          }
        }
        if (x === 0) break;
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s !== 0) {
          if (k !== m) H[k * nn + k - 1] = -s * x;
          else if (l !== m) H[k * nn + k - 1] = -at(k, k - 1);
          p += s;
          x = p / s;
          y = q / s;
          z = r / s;
          q /= p;
          r /= p;
          // eigenvalues only: the transformation is confined to the active block [l, n]
          for (let j = k; j <= n; j++) {
            p = at(k, j) + q * at(k + 1, j);
            if (notlast) {
              p += r * at(k + 2, j);
              H[(k + 2) * nn + j] -= p * z;
            }
            H[k * nn + j] -= p * x;
            H[(k + 1) * nn + j] -= p * y;
          }
          const iMax = Math.min(n, k + 3);
          for (let i = l; i <= iMax; i++) {
            p = x * at(i, k) + y * at(i, k + 1);
            if (notlast) {
              p += z * at(i, k + 2);
              H[i * nn + k + 2] -= p * r;
            }
            H[i * nn + k] -= p;
            H[i * nn + k + 1] -= p * q;
          }
        }
      }
    }
  }
  return { re: d, im: e };
}
