// The native backends' kernels (worker/backends/native.ts), a Node-API addon:
// - dotRows, the readout's dot products of rows: C (na x nb) = A[:, t0:t1] B[:, t0:t1]' for
//   row-major A and B, the same work as dotRows in worker/wasm/assembly/kernels.ts, with 256- and
//   512-bit vectors, which WebAssembly does not have (its SIMD is 128-bit: half or a quarter of what
//   these CPUs multiply-add per cycle); its own bits, in the order below;
// - the symmetric and the general eigen-solvers and the readout's centred transpose, ported from
//   the WebAssembly and TypeScript code with their bits (each section says how);
// - the rate simulation, dense float32 (wasm-f32-fma's bits, 4 x 4 WebAssembly lanes per 512-bit
//   vector) or sparse float64 (the WebAssembly backends' bits), on one thread or cut across two;
// - the hierarchical bootstrap's replicates, with the bits of the WebAssembly loop.
//
// dotRows:
// Every element is summed in one order, whatever the CPU's vectors, the block a call uses or the
// rows it covers, so the backend's numbers are its own on every x86-64 CPU with AVX2 and FMA:
//   time is cut into chunks of CHUNK steps from t0; within a chunk, eight lane sums
//   l[k] = fma(a[t], b[t], l[k]) over t = c0 + k, c0 + k + 8, ... (the chunk's steps in multiples of 8),
//   then ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)), then the chunk's last (len mod 8) steps
//   one by one with fma, in time order; C's element is the first chunk's sum plus each later one's.
// The AVX-512 path keeps the eight lanes in one register, the AVX2 path in two, the edge path in
// eight scalars: the same operations on the same values, so the same bits (the tests compare them).
// pthreads and sched_yield under -std=c11
#define _POSIX_C_SOURCE 200809L
#ifndef QUENCH_KERNELS_ONLY
#include <node_api.h>
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// x86-64 only: AVX2/AVX-512 products, SSE2 two-lane sums in the eigen-solvers (elsewhere the build
// fails with this message, `npm run build` records it, and the backend is missing with that reason)
#if !defined(__x86_64__) && !defined(_M_X64)
#error "the native kernels are written for x86-64"
#endif
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#define CHUNK 512
// B's rows are taken this many at a time within a chunk (as the WebAssembly kernel's JTILE): 96
// rows of a chunk are 384 kB, which stay in L2 while every block of A's rows passes over them. A
// multiple of every block's width, so that blocks never straddle two tiles.
#define JTILE 96

typedef struct {
  const double *a;
  int64_t lda;
  const double *b;
  int64_t ldb;
  double *c;
  int64_t nb;
} Operands;

// one element's chunk: the eight lane sums, reduced, then the steps past the last multiple of 8
static inline double reduce8(const double l[8]) {
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

static inline void addTo(double *p, double s, int first) { *p = first ? s : *p + s; }

// the edge path: one element of one chunk, lanes in scalars
static void elementChunk(const Operands *o, int64_t i, int64_t j, int64_t c0, int64_t c1, int first) {
  const double *x = o->a + i * o->lda;
  const double *y = o->b + j * o->ldb;
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const int64_t tv = c0 + ((c1 - c0) & ~(int64_t)7);
  for (int64_t t = c0; t < tv; t += 8) {
    for (int k = 0; k < 8; k++) l[k] = fma(x[t + k], y[t + k], l[k]);
  }
  double s = reduce8(l);
  for (int64_t t = tv; t < c1; t++) s = fma(x[t], y[t], s);
  addTo(o->c + i * o->nb + j, s, first);
}

// A block of MR rows of A by NR rows of B over one chunk: MR x NR elements, the chunk's vector part
// in registers, then each element's tail as elementChunk's.
// 6 x 4: 24 accumulators of the 32 registers; measured on an Intel Xeon (AVX-512) at 22.7 GMAC/s
// against 19.5 for 4 x 4, 21 for 5 x 4 and 5 x 5, and 9-12 for 6 x 3, 3 x 6, 8 x 3 and 3 x 8
#define AVX512_MR 6
#define AVX512_NR 4 /* the reduction below is written for 4 */
__attribute__((target("avx512f,fma"))) static void blockAvx512(const Operands *o, int64_t i, int64_t j, int64_t c0, int64_t c1, int first) {
  const double *x[AVX512_MR], *y[AVX512_NR];
  for (int r = 0; r < AVX512_MR; r++) x[r] = o->a + (i + r) * o->lda;
  for (int q = 0; q < AVX512_NR; q++) y[q] = o->b + (j + q) * o->ldb;
  __m512d acc[AVX512_MR][AVX512_NR];
  for (int r = 0; r < AVX512_MR; r++)
    for (int q = 0; q < AVX512_NR; q++) acc[r][q] = _mm512_setzero_pd();
  const int64_t tv = c0 + ((c1 - c0) & ~(int64_t)7);
  for (int64_t t = c0; t < tv; t += 8) {
    __m512d yv[AVX512_NR];
    for (int q = 0; q < AVX512_NR; q++) yv[q] = _mm512_loadu_pd(y[q] + t);
    for (int r = 0; r < AVX512_MR; r++) {
      const __m512d xv = _mm512_loadu_pd(x[r] + t);
      for (int q = 0; q < AVX512_NR; q++) acc[r][q] = _mm512_fmadd_pd(xv, yv[q], acc[r][q]);
    }
  }
  // A row's four elements reduced together, each by reduce8's tree (lane k plus lane k + 4, then
  // (0+4)+(2+6) and (1+5)+(3+7)), then their tails as four independent fma chains side by side: per
  // element the operations of one at a time, without one element's tail waiting on another's
  const __m512i evens = _mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0);
  for (int r = 0; r < AVX512_MR; r++) {
    const __m512d h01 = _mm512_add_pd(_mm512_shuffle_f64x2(acc[r][0], acc[r][1], 0x44), _mm512_shuffle_f64x2(acc[r][0], acc[r][1], 0xEE));
    const __m512d h23 = _mm512_add_pd(_mm512_shuffle_f64x2(acc[r][2], acc[r][3], 0x44), _mm512_shuffle_f64x2(acc[r][2], acc[r][3], 0xEE));
    const __m512d p = _mm512_add_pd(_mm512_shuffle_f64x2(h01, h23, 0x88), _mm512_shuffle_f64x2(h01, h23, 0xDD));
    const __m512d pairs = _mm512_add_pd(p, _mm512_permute_pd(p, 0x55));
    __m256d s4 = _mm512_castpd512_pd256(_mm512_permutexvar_pd(evens, pairs));
    for (int64_t t = tv; t < c1; t++) s4 = _mm256_fmadd_pd(_mm256_set1_pd(x[r][t]), _mm256_set_pd(y[3][t], y[2][t], y[1][t], y[0][t]), s4);
    double *out = o->c + (i + r) * o->nb + j;
    _mm256_storeu_pd(out, first ? s4 : _mm256_add_pd(_mm256_loadu_pd(out), s4));
  }
}

// 3 x 2: 12 of the 16 registers hold the six elements' lanes (measured on the same Xeon's AVX2
// path: 9.6 GMAC/s, against 7.0-8.2 for 2 x 2, 2 x 3 and 1 x 4; 4 x 1 9.9)
#define AVX2_MR 3
#define AVX2_NR 2
__attribute__((target("avx2,fma"))) static void blockAvx2(const Operands *o, int64_t i, int64_t j, int64_t c0, int64_t c1, int first) {
  const double *x[AVX2_MR], *y[AVX2_NR];
  for (int r = 0; r < AVX2_MR; r++) x[r] = o->a + (i + r) * o->lda;
  for (int q = 0; q < AVX2_NR; q++) y[q] = o->b + (j + q) * o->ldb;
  // lanes 0-3 of the eight in lo, 4-7 in hi
  __m256d lo[AVX2_MR][AVX2_NR], hi[AVX2_MR][AVX2_NR];
  for (int r = 0; r < AVX2_MR; r++)
    for (int q = 0; q < AVX2_NR; q++) lo[r][q] = hi[r][q] = _mm256_setzero_pd();
  const int64_t tv = c0 + ((c1 - c0) & ~(int64_t)7);
  for (int64_t t = c0; t < tv; t += 8) {
    __m256d ylo[AVX2_NR], yhi[AVX2_NR];
    for (int q = 0; q < AVX2_NR; q++) {
      ylo[q] = _mm256_loadu_pd(y[q] + t);
      yhi[q] = _mm256_loadu_pd(y[q] + t + 4);
    }
    for (int r = 0; r < AVX2_MR; r++) {
      const __m256d xlo = _mm256_loadu_pd(x[r] + t);
      const __m256d xhi = _mm256_loadu_pd(x[r] + t + 4);
      for (int q = 0; q < AVX2_NR; q++) {
        lo[r][q] = _mm256_fmadd_pd(xlo, ylo[q], lo[r][q]);
        hi[r][q] = _mm256_fmadd_pd(xhi, yhi[q], hi[r][q]);
      }
    }
  }
  for (int r = 0; r < AVX2_MR; r++) {
    for (int q = 0; q < AVX2_NR; q++) {
      const __m256d h = _mm256_add_pd(lo[r][q], hi[r][q]);
      const __m128d p = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
      double s = _mm_cvtsd_f64(p) + _mm_cvtsd_f64(_mm_unpackhi_pd(p, p));
      for (int64_t t = tv; t < c1; t++) s = fma(x[r][t], y[q][t], s);
      addTo(o->c + (i + r) * o->nb + j + q, s, first);
    }
  }
}

// The edges' elements one at a time, lanes in one register (AVX-512) or two (AVX2): elementChunk's
// operations, without a call to the C library's fma per step
__attribute__((target("avx512f,fma"))) static void elementAvx512(const Operands *o, int64_t i, int64_t j, int64_t c0, int64_t c1, int first) {
  const double *x = o->a + i * o->lda;
  const double *y = o->b + j * o->ldb;
  __m512d acc = _mm512_setzero_pd();
  const int64_t tv = c0 + ((c1 - c0) & ~(int64_t)7);
  for (int64_t t = c0; t < tv; t += 8) acc = _mm512_fmadd_pd(_mm512_loadu_pd(x + t), _mm512_loadu_pd(y + t), acc);
  const __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(acc), _mm512_extractf64x4_pd(acc, 1));
  const __m128d p = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
  double s = _mm_cvtsd_f64(p) + _mm_cvtsd_f64(_mm_unpackhi_pd(p, p));
  for (int64_t t = tv; t < c1; t++) s = fma(x[t], y[t], s);
  addTo(o->c + i * o->nb + j, s, first);
}

__attribute__((target("avx2,fma"))) static void elementAvx2(const Operands *o, int64_t i, int64_t j, int64_t c0, int64_t c1, int first) {
  const double *x = o->a + i * o->lda;
  const double *y = o->b + j * o->ldb;
  __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
  const int64_t tv = c0 + ((c1 - c0) & ~(int64_t)7);
  for (int64_t t = c0; t < tv; t += 8) {
    lo = _mm256_fmadd_pd(_mm256_loadu_pd(x + t), _mm256_loadu_pd(y + t), lo);
    hi = _mm256_fmadd_pd(_mm256_loadu_pd(x + t + 4), _mm256_loadu_pd(y + t + 4), hi);
  }
  const __m256d h = _mm256_add_pd(lo, hi);
  const __m128d p = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
  double s = _mm_cvtsd_f64(p) + _mm_cvtsd_f64(_mm_unpackhi_pd(p, p));
  for (int64_t t = tv; t < c1; t++) s = fma(x[t], y[t], s);
  addTo(o->c + i * o->nb + j, s, first);
}

enum Path { PATH_SCALAR = 0, PATH_AVX2 = 1, PATH_AVX512 = 2 };

static int hasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int hasAvx512() {
  return hasAvx2() && __builtin_cpu_supports("avx512f");
}

typedef void (*BlockFn)(const Operands *, int64_t, int64_t, int64_t, int64_t, int);

static void dotRows(enum Path path, const Operands *o, int64_t na, int64_t nb, int64_t t0, int64_t t1, int symmetric) {
  int64_t mr = 1, nr = 1;
  BlockFn block = NULL, element = elementChunk;
  if (path == PATH_AVX512) mr = AVX512_MR, nr = AVX512_NR, block = blockAvx512, element = elementAvx512;
  else if (path == PATH_AVX2) mr = AVX2_MR, nr = AVX2_NR, block = blockAvx2, element = elementAvx2;
  const int64_t naB = block ? na - na % mr : 0;
  const int64_t nbB = block ? nb - nb % nr : 0;
  for (int64_t c0 = t0; c0 < t1; c0 += CHUNK) {
    const int64_t c1 = c0 + CHUNK < t1 ? c0 + CHUNK : t1;
    const int first = c0 == t0;
    for (int64_t j0 = 0; j0 < nbB; j0 += JTILE) {
      const int64_t j1 = j0 + JTILE < nbB ? j0 + JTILE : nbB;
      for (int64_t i = 0; i < naB; i += mr) {
        // symmetric: only blocks that hold an element with j >= i (the rest is mirrored)
        const int64_t from = symmetric ? (i / nr) * nr : 0;
        for (int64_t j = from > j0 ? from : j0; j < j1; j += nr) block(o, i, j, c0, c1, first);
      }
    }
    // the edges: rows past the last full block, and the columns past the last full block of the others
    for (int64_t i = 0; i < na; i++) {
      const int64_t jFrom = i < naB ? nbB : 0;
      for (int64_t j = jFrom; j < nb; j++) {
        if (symmetric && j < i) continue;
        element(o, i, j, c0, c1, first);
      }
    }
  }
  if (symmetric) {
    for (int64_t i = 1; i < na; i++)
      for (int64_t j = 0; j < i; j++) o->c[i * o->nb + j] = o->c[j * o->nb + i];
  }
}

// ---------------------------------------------------------------------------------------------
// Symmetric eigen-decomposition: worker/wasm/assembly/kernels.ts' symmetricEigen (JAMA's tred2 +
// tql2 on the transposed eigenvector matrix vt) with its bits. The same operations in the same
// order: its two-lane sums are two-lane sums here (SSE2), its hypot is musl's as AssemblyScript has
// it, nothing is fused (-ffp-contract=off); the element-wise loops (which give each element the same
// operations whatever the vector width) are left to the compiler. tql2 applies each sweep's
// rotations to vt a block of columns at a time, every element seeing the same rotations in the same
// order: the same bits, with a block of vt's rows in L1 instead of two whole rows per rotation.

static double hypotMusl(double x, double y) {
  const double SPLIT = 134217728.0 + 1; // 0x1p27 + 1
  const double Ox1p700 = 0x1p700, Ox1p_700 = 0x1p-700;
  uint64_t ux, uy;
  memcpy(&ux, &x, 8);
  memcpy(&uy, &y, 8);
  ux &= 0x7FFFFFFFFFFFFFFFull;
  uy &= 0x7FFFFFFFFFFFFFFFull;
  if (ux < uy) {
    const uint64_t ut = ux;
    ux = uy;
    uy = ut;
  }
  const int ex = (int)(ux >> 52), ey = (int)(uy >> 52);
  memcpy(&y, &uy, 8);
  if (ey == 0x7FF) return y;
  memcpy(&x, &ux, 8);
  if (ex == 0x7FF || uy == 0) return x;
  if (ex - ey > 64) return x + y;
  double z = 1.0;
  if (ex > 0x3FF + 510) {
    z = Ox1p700;
    x *= Ox1p_700;
    y *= Ox1p_700;
  } else if (ey < 0x3FF - 450) {
    z = Ox1p_700;
    x *= Ox1p700;
    y *= Ox1p700;
  }
  double c = x * SPLIT;
  double h = x - c + c;
  double l = x - h;
  const double hx = x * x;
  const double lx = h * h - hx + (2 * h + l) * l;
  c = y * SPLIT;
  h = y - c + c;
  l = y - h;
  const double hy = y * y;
  const double ly = h * h - hy + (2 * h + l) * l;
  return z * sqrt(ly + lx + hy + hx);
}


// Both solvers are built three times (AVX-512, AVX2, SSE2) and the loader picks the CPU's: their
// element-wise loops then run on the widest vectors, with the same bits (each element's operations
// do not depend on the vector width; the two-lane sums are SSE2 in every clone).
#define WIDEST __attribute__((target_clones("avx512f", "avx2", "default")))

WIDEST static void tred2(int64_t n, double *vt, double *d, double *e) {
  const int64_t N = n;
  for (int64_t j = 0; j < n; j++) d[j] = vt[j * N + N - 1];
  for (int64_t i = n - 1; i > 0; i--) {
    double scale = 0, h = 0;
    for (int64_t k = 0; k < i; k++) scale += fabs(d[k]);
    if (scale == 0) {
      e[i] = d[i - 1];
      for (int64_t j = 0; j < i; j++) {
        double *row = vt + j * N;
        d[j] = row[i - 1];
        row[i] = 0;
        vt[i * N + j] = 0;
      }
    } else {
      for (int64_t k = 0; k < i; k++) {
        const double dk = d[k] / scale;
        d[k] = dk;
        h += dk * dk;
      }
      double f = d[i - 1];
      double g = sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (int64_t j = 0; j < i; j++) e[j] = 0;
      double *rowI = vt + i * N;
      for (int64_t j = 0; j < i; j++) {
        f = d[j];
        rowI[j] = f;
        double *row = vt + j * N;
        g = e[j] + row[j] * f;
        int64_t k = j + 1;
        __m128d gv = _mm_setzero_pd();
        const __m128d fv = _mm_set1_pd(f);
        for (; k + 1 < i; k += 2) {
          const __m128d vv = _mm_loadu_pd(row + k);
          gv = _mm_add_pd(gv, _mm_mul_pd(vv, _mm_loadu_pd(d + k)));
          _mm_storeu_pd(e + k, _mm_add_pd(_mm_loadu_pd(e + k), _mm_mul_pd(vv, fv)));
        }
        g += _mm_cvtsd_f64(gv) + _mm_cvtsd_f64(_mm_unpackhi_pd(gv, gv));
        for (; k < i; k++) {
          const double vk = row[k];
          g += vk * d[k];
          e[k] = e[k] + vk * f;
        }
        e[j] = g;
      }
      f = 0;
      for (int64_t j = 0; j < i; j++) {
        const double ej = e[j] / h;
        e[j] = ej;
        f += ej * d[j];
      }
      const double hh = f / (h + h);
      for (int64_t j = 0; j < i; j++) e[j] = e[j] - hh * d[j];
      for (int64_t j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        double *row = vt + j * N;
        for (int64_t k = j; k < i; k++) row[k] = row[k] - (f * e[k] + g * d[k]);
        d[j] = row[i - 1];
        row[i] = 0;
      }
    }
    d[i] = h;
  }
  for (int64_t i = 0; i < n - 1; i++) {
    double *rowI = vt + i * N;
    rowI[n - 1] = rowI[i];
    rowI[i] = 1;
    const double h = d[i + 1];
    double *next = vt + (i + 1) * N;
    if (h != 0) {
      for (int64_t k = 0; k <= i; k++) d[k] = next[k] / h;
      // row j's sum depends on row j and `next` only: four rows' sums in flight at once (each its
      // own two lanes, in its own order) instead of one chain of dependent additions
      int64_t j = 0;
      for (; j + 3 <= i; j += 4) {
        double *r0 = vt + j * N, *r1 = r0 + N, *r2 = r1 + N, *r3 = r2 + N;
        __m128d g0 = _mm_setzero_pd(), g1 = _mm_setzero_pd(), g2 = _mm_setzero_pd(), g3 = _mm_setzero_pd();
        int64_t k = 0;
        for (; k + 1 <= i; k += 2) {
          const __m128d nx = _mm_loadu_pd(next + k);
          g0 = _mm_add_pd(g0, _mm_mul_pd(nx, _mm_loadu_pd(r0 + k)));
          g1 = _mm_add_pd(g1, _mm_mul_pd(nx, _mm_loadu_pd(r1 + k)));
          g2 = _mm_add_pd(g2, _mm_mul_pd(nx, _mm_loadu_pd(r2 + k)));
          g3 = _mm_add_pd(g3, _mm_mul_pd(nx, _mm_loadu_pd(r3 + k)));
        }
        double s0 = _mm_cvtsd_f64(g0) + _mm_cvtsd_f64(_mm_unpackhi_pd(g0, g0));
        double s1 = _mm_cvtsd_f64(g1) + _mm_cvtsd_f64(_mm_unpackhi_pd(g1, g1));
        double s2 = _mm_cvtsd_f64(g2) + _mm_cvtsd_f64(_mm_unpackhi_pd(g2, g2));
        double s3 = _mm_cvtsd_f64(g3) + _mm_cvtsd_f64(_mm_unpackhi_pd(g3, g3));
        for (; k <= i; k++) {
          s0 += next[k] * r0[k];
          s1 += next[k] * r1[k];
          s2 += next[k] * r2[k];
          s3 += next[k] * r3[k];
        }
        for (k = 0; k <= i; k++) {
          r0[k] = r0[k] - s0 * d[k];
          r1[k] = r1[k] - s1 * d[k];
          r2[k] = r2[k] - s2 * d[k];
          r3[k] = r3[k] - s3 * d[k];
        }
      }
      for (; j <= i; j++) {
        double *row = vt + j * N;
        __m128d gv = _mm_setzero_pd();
        int64_t k = 0;
        for (; k + 1 <= i; k += 2) gv = _mm_add_pd(gv, _mm_mul_pd(_mm_loadu_pd(next + k), _mm_loadu_pd(row + k)));
        double g = _mm_cvtsd_f64(gv) + _mm_cvtsd_f64(_mm_unpackhi_pd(gv, gv));
        for (; k <= i; k++) g += next[k] * row[k];
        for (k = 0; k <= i; k++) row[k] = row[k] - g * d[k];
      }
    }
    for (int64_t k = 0; k <= i; k++) next[k] = 0;
  }
  for (int64_t j = 0; j < n; j++) {
    double *row = vt + j * N;
    d[j] = row[n - 1];
    row[n - 1] = 0;
  }
  vt[(n - 1) * N + n - 1] = 1;
  e[0] = 0;
}

/** columns of vt a sweep's rotations are applied to at a time: four AVX-512 registers of row i carried from one rotation to the next */
#define ROTATION_COLUMNS 32

WIDEST static int tql2(int64_t n, double *vt, double *d, double *e, double *cs, double *ss) {
  const int64_t N = n;
  for (int64_t i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  double f = 0, tst1 = 0;
  const double eps = 2.220446049250313e-16;
  for (int64_t l = 0; l < n; l++) {
    const double t = fabs(d[l]) + fabs(e[l]);
    tst1 = tst1 > t ? tst1 : t;
    int64_t m = l;
    while (m < n) {
      if (fabs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      int iter = 0;
      do {
        iter++;
        if (iter > 300) return 1;
        double g = d[l];
        double p = (d[l + 1] - g) / (2 * e[l]);
        double r = hypotMusl(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const double dl1 = d[l + 1];
        double h = g - d[l];
        for (int64_t i = l + 2; i < n; i++) d[i] = d[i] - h;
        f += h;
        p = d[m];
        double c = 1, c2 = c, c3 = c;
        const double el1 = e[l + 1];
        double s = 0, s2 = 0;
        for (int64_t i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypotMusl(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          cs[i] = c;
          ss[i] = s;
        }
        // the sweep's rotations of rows i and i+1 of vt, i from m - 1 down to l, a block of columns at
        // a time: row i+1's final values are stored, row i's intermediate ones (the next rotation's
        // "row i+1") stay in registers, so a rotation loads one row and stores one
        int64_t k0 = 0;
        for (; k0 + ROTATION_COLUMNS <= n; k0 += ROTATION_COLUMNS) {
          double hk[ROTATION_COLUMNS];
          for (int k = 0; k < ROTATION_COLUMNS; k++) hk[k] = vt[m * N + k0 + k];
          for (int64_t i = m - 1; i >= l; i--) {
            const double *ri = vt + i * N + k0;
            double *ri1 = vt + (i + 1) * N + k0;
            const double si = ss[i], ci = cs[i];
            for (int k = 0; k < ROTATION_COLUMNS; k++) {
              const double vk = ri[k];
              ri1[k] = si * vk + ci * hk[k];
              hk[k] = ci * vk - si * hk[k];
            }
          }
          for (int k = 0; k < ROTATION_COLUMNS; k++) vt[l * N + k0 + k] = hk[k];
        }
        for (int64_t i = m - 1; i >= l; i--) {
          double *ri = vt + i * N;
          double *ri1 = ri + N;
          const double si = ss[i], ci = cs[i];
          for (int64_t k = k0; k < n; k++) {
            const double hk = ri1[k];
            const double vk = ri[k];
            ri1[k] = si * vk + ci * hk;
            ri[k] = ci * vk - si * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (fabs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
  for (int64_t i = 0; i < n - 1; i++) {
    int64_t k = i;
    double p = d[i];
    for (int64_t j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k != i) {
      d[k] = d[i];
      d[i] = p;
      memcpy(e, vt + i * N, sizeof(double) * (size_t)N);
      memcpy(vt + i * N, vt + k * N, sizeof(double) * (size_t)N);
      memcpy(vt + k * N, e, sizeof(double) * (size_t)N);
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// All eigenvalues of a general real matrix: worker/wasm/assembly/kernels.ts' eigenvaluesGeneral
// (JAMA's orthes, then hqr) with its bits. Every sum there is a scalar chain, kept in order here;
// every vector loop there is element-wise, left to the compiler here (the widest clone runs).

#define HAT(r, c) H[(int64_t)(r) * nn + (c)]

WIDEST static void orthes(int64_t n, double *H, double *ort, double *f) {
  const int64_t nn = n, high = n - 1;
  memset(ort, 0, sizeof(double) * (size_t)n);
  for (int64_t m = 1; m <= high - 1; m++) {
    double scale = 0;
    for (int64_t i = m; i <= high; i++) scale += fabs(HAT(i, m - 1));
    if (scale == 0) continue;
    double h = 0;
    for (int64_t i = high; i >= m; i--) {
      const double oi = HAT(i, m - 1) / scale;
      ort[i] = oi;
      h += oi * oi;
    }
    double g = sqrt(h);
    if (ort[m] > 0) g = -g;
    h -= ort[m] * g;
    ort[m] = ort[m] - g;
    memset(f, 0, sizeof(double) * (size_t)n);
    for (int64_t i = m; i <= high; i++) {
      const double oi = ort[i];
      const double *row = H + i * nn;
      for (int64_t j = m; j < n; j++) f[j] = f[j] + oi * row[j];
    }
    for (int64_t i = m; i <= high; i++) {
      const double oi = ort[i] / h;
      double *row = H + i * nn;
      for (int64_t j = m; j < n; j++) row[j] = row[j] - f[j] * oi;
    }
    // each row's sum in order; eight rows' sums in flight at once
    int64_t i = 0;
    for (; i + 7 <= high; i += 8) {
      double *r[8];
      double sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int q = 0; q < 8; q++) r[q] = H + (i + q) * nn;
      for (int64_t j = m; j <= high; j++) {
        const double o = ort[j];
        for (int q = 0; q < 8; q++) sum[q] += o * r[q][j];
      }
      for (int q = 0; q < 8; q++) {
        const double sq = sum[q] / h;
        for (int64_t j = m; j <= high; j++) r[q][j] = r[q][j] - sq * ort[j];
      }
    }
    for (; i <= high; i++) {
      double *row = H + i * nn;
      double sum = 0;
      for (int64_t j = m; j <= high; j++) sum += ort[j] * row[j];
      const double sq = sum / h;
      for (int64_t j = m; j <= high; j++) row[j] = row[j] - sq * ort[j];
    }
    ort[m] = ort[m] * scale;
    HAT(m, m - 1) = scale * g;
  }
}

WIDEST static int hqr(int64_t nn, double *H, double *d, double *e) {
  memset(d, 0, sizeof(double) * (size_t)nn);
  memset(e, 0, sizeof(double) * (size_t)nn);
  const double eps = 2.220446049250313e-16;
  int64_t n = nn - 1;
  double exshift = 0, norm = 0;
  double p = 0, q = 0, r = 0, s = 0, z = 0, w = 0, x = 0, y = 0;
  int iter = 0;
  for (int64_t i = 0; i < nn; i++)
    for (int64_t j = i - 1 > 0 ? i - 1 : 0; j < nn; j++) norm += fabs(HAT(i, j));
  if (norm == 0) return 0;
  while (n >= 0) {
    int64_t l = n;
    while (l > 0) {
      s = fabs(HAT(l - 1, l - 1)) + fabs(HAT(l, l));
      if (s == 0) s = norm;
      if (fabs(HAT(l, l - 1)) < eps * s) break;
      l--;
    }
    if (l == n) {
      d[n] = HAT(n, n) + exshift;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l == n - 1) {
      w = HAT(n, n - 1) * HAT(n - 1, n);
      p = (HAT(n - 1, n - 1) - HAT(n, n)) / 2;
      q = p * p + w;
      z = sqrt(fabs(q));
      x = HAT(n, n) + exshift;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z != 0 ? x - w / z : x + z;
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
      x = HAT(n, n);
      y = HAT(n - 1, n - 1);
      w = HAT(n, n - 1) * HAT(n - 1, n);
      if (iter == 10) {
        exshift += x;
        for (int64_t i = 0; i <= n; i++) HAT(i, i) = HAT(i, i) - x;
        s = fabs(HAT(n, n - 1)) + fabs(HAT(n - 1, n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter == 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (int64_t i = 0; i <= n; i++) HAT(i, i) = HAT(i, i) - s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > 1000) return 1;
      int64_t m = n - 2;
      while (m >= l) {
        z = HAT(m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / HAT(m + 1, m) + HAT(m, m + 1);
        q = HAT(m + 1, m + 1) - z - r - s;
        r = HAT(m + 2, m + 1);
        s = fabs(p) + fabs(q) + fabs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m == l) break;
        if (fabs(HAT(m, m - 1)) * (fabs(q) + fabs(r)) < eps * (fabs(p) * (fabs(HAT(m - 1, m - 1)) + fabs(z) + fabs(HAT(m + 1, m + 1))))) break;
        m--;
      }
      for (int64_t i = m + 2; i <= n; i++) {
        HAT(i, i - 2) = 0;
        if (i > m + 2) HAT(i, i - 3) = 0;
      }
      for (int64_t k = m; k <= n - 1; k++) {
        const int notlast = k != n - 1;
        if (k != m) {
          p = HAT(k, k - 1);
          q = HAT(k + 1, k - 1);
          r = notlast ? HAT(k + 2, k - 1) : 0;
          x = fabs(p) + fabs(q) + fabs(r);
          if (x != 0) {
            p /= x;
            q /= x;
            r /= x;
          }
        }
        if (x == 0) break;
        s = sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s != 0) {
          if (k != m) HAT(k, k - 1) = -s * x;
          else if (l != m) HAT(k, k - 1) = -HAT(k, k - 1);
          p += s;
          x = p / s;
          y = q / s;
          z = r / s;
          q /= p;
          r /= p;
          double *r0 = H + k * nn, *r1 = r0 + nn, *r2 = r1 + nn;
          if (notlast) {
            for (int64_t j = k; j <= n; j++) {
              const double pj = (r0[j] + q * r1[j]) + r * r2[j];
              r2[j] = r2[j] - pj * z;
              r0[j] = r0[j] - pj * x;
              r1[j] = r1[j] - pj * y;
            }
          } else {
            for (int64_t j = k; j <= n; j++) {
              const double pj = r0[j] + q * r1[j];
              r0[j] = r0[j] - pj * x;
              r1[j] = r1[j] - pj * y;
            }
          }
          const int64_t iMax = n < k + 3 ? n : k + 3;
          for (int64_t i = l; i <= iMax; i++) {
            p = x * HAT(i, k) + y * HAT(i, k + 1);
            if (notlast) {
              p += z * HAT(i, k + 2);
              HAT(i, k + 2) = HAT(i, k + 2) - p * r;
            }
            HAT(i, k) = HAT(i, k) - p;
            HAT(i, k + 1) = HAT(i, k + 1) - p * q;
          }
        }
      }
    }
  }
  return 0;
}

#undef HAT

// ---------------------------------------------------------------------------------------------
// The readout's centred, transposed features with the bits of worker/readout.ts' own loops: mu =
// the mean of x's rows t0 <= t < t1 (x is T x n, time-major), each neuron's sum in time order, and
// xt (n x T) = x' - mu, in tiles of 64 steps x 8 neurons (8 rows of 512 bytes written per tile).

WIDEST static void centredTranspose(const double *x, int64_t n, int64_t T, int64_t t0, int64_t t1, double *mu, double *xt) {
  memset(mu, 0, sizeof(double) * (size_t)n);
  for (int64_t t = t0; t < t1; t++) {
    const double *row = x + t * n;
    for (int64_t i = 0; i < n; i++) mu[i] += row[i];
  }
  const double count = (double)(t1 - t0);
  for (int64_t i = 0; i < n; i++) mu[i] /= count;
  for (int64_t c0 = 0; c0 < T; c0 += 64) {
    const int64_t c1 = c0 + 64 < T ? c0 + 64 : T;
    int64_t i0 = 0;
    for (; i0 + 8 <= n; i0 += 8) {
      for (int64_t t = c0; t < c1; t++) {
        const double *row = x + t * n + i0;
        for (int q = 0; q < 8; q++) xt[(i0 + q) * T + t] = row[q] - mu[i0 + q];
      }
    }
    for (int64_t i = i0; i < n; i++)
      for (int64_t t = c0; t < c1; t++) xt[i * T + t] = x[t * n + i] - mu[i];
  }
}

// ---------------------------------------------------------------------------------------------
// The dense float32 rate simulation of the native-f32-fma backends: worker/wasm/assembly/kernels.ts'
// simulateRate with float32 weights as its fused build (wasm-f32-fma) computes it, with its bits.
// Each row of W r is four lane sums l[k] = fma(w[j], r[j], l[k]) over j = k, k + 4, ... below
// n & ~3, then (l0 + l1) + (l2 + l3), then the columns past n & ~3 one by one with a float32
// multiply and add (WebAssembly's rowF32); the rest of a step is rateUpdateRows' float64
// arithmetic, neuron by neuron as its lanes do it, tanh included. Wider vectors hold several rows'
// four lanes side by side: W is packed in blocks of 4 rows so that one load brings 4 consecutive
// columns of each, and r's 4 columns are broadcast to each row, so every lane sees WebAssembly's
// operands in WebAssembly's order, on the AVX-512 and the AVX2 path alike. `parts` 2 cuts the
// neurons in two at a multiple of 8 (worker/wasm/assembly/threaded.ts' cut) and runs the second
// half on a thread of its own, the rates double-buffered and the halves meeting once per step.

#define RB 4 /* rows per packed block */

static void *alignedZeros(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) return NULL;
  memset(p, 0, bytes ? bytes : 64);
  return p;
}

// W (n x n, float64) rounded to float32, as WebAssembly's copy is, in blocks of RB rows (rows past n
// zero): block b at b RB cv, its column group g (columns 4g .. 4g + 3) at 16 g, row q's 4 values at 4 q
static float *packRows(const double *w, int64_t n, int64_t cv) {
  const int64_t blocks = (n + RB - 1) / RB;
  float *p = alignedZeros(sizeof(float) * (size_t)(blocks * RB * cv));
  if (!p) return NULL;
  for (int64_t b = 0; b < blocks; b++)
    for (int64_t q = 0; q < RB && b * RB + q < n; q++) {
      const double *row = w + (b * RB + q) * n;
      float *dst = p + b * RB * cv + 4 * q;
      for (int64_t g = 0; g < cv / 4; g++)
        for (int l = 0; l < 4; l++) dst[16 * g + l] = (float)row[4 * g + l];
    }
  return p;
}

typedef struct {
  atomic_int arrived;
  atomic_int generation;
} Barrier;

// every party waits for the others: spinning first (a step is tens of microseconds), then yielding
// the core to whoever needs it
static void arrive(Barrier *bar, int parties) {
  if (parties == 1) return;
  const int gen = atomic_load_explicit(&bar->generation, memory_order_acquire);
  if (atomic_fetch_add_explicit(&bar->arrived, 1, memory_order_acq_rel) == parties - 1) {
    atomic_store_explicit(&bar->arrived, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&bar->generation, 1, memory_order_release);
    return;
  }
  for (long spins = 0; atomic_load_explicit(&bar->generation, memory_order_acquire) == gen; spins++) {
    if (spins < (1L << 16)) _mm_pause();
    else sched_yield();
  }
}

typedef struct {
  enum Path path;
  int esn, parts;
  int64_t steps, n, d, cv, cut;
  const float *wp;
  const double *w, *u, *b, *leak, *input, *noise;
  /* a sparse W (CSR, float64) instead of the dense float32 one */
  const int32_t *rowPtr, *colIdx;
  const double *values;
  double *x, *h, *r[2], *out;
  float *rf[2];
  Barrier bar;
} RateRun;

// WebAssembly's row sum of one row from its four lanes, then its columns past cv
static inline double rowSum(const RateRun *s, const float *lanes, int64_t i, const float *rf) {
  float r = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  const double *row = s->w + i * s->n;
  for (int64_t j = s->cv; j < s->n; j++) r += (float)row[j] * rf[j];
  return (double)r;
}

// h for the rows of blocks b .. b + nb - 1 (lanes of rows past n are computed and dropped)
#define BLOCK_SUMS(NB)                                                                                   \
  for (int k = 0; k < (NB); k++)                                                                         \
    for (int q = 0; q < RB && (b + k) * RB + q < s->n; q++) s->h[(b + k) * RB + q] = rowSum(s, lanes + 16 * k + 4 * q, (b + k) * RB + q, rf);

__attribute__((target("avx512f,fma"), always_inline)) static inline void blocksAvx512(const RateRun *s, const float *rf, int64_t b, const int nb) {
  __m512 acc[8];
  for (int k = 0; k < nb; k++) acc[k] = _mm512_setzero_ps();
  const float *p = s->wp + b * RB * s->cv;
  for (int64_t g = 0; g < s->cv / 4; g++) {
    const __m512 xv = _mm512_broadcast_f32x4(_mm_loadu_ps(rf + 4 * g));
    for (int k = 0; k < nb; k++) acc[k] = _mm512_fmadd_ps(_mm512_load_ps(p + k * RB * s->cv + 16 * g), xv, acc[k]);
  }
  float lanes[16 * 8] __attribute__((aligned(64)));
  for (int k = 0; k < nb; k++) _mm512_store_ps(lanes + 16 * k, acc[k]);
  BLOCK_SUMS(nb)
}

__attribute__((target("avx2,fma"), always_inline)) static inline void blocksAvx2(const RateRun *s, const float *rf, int64_t b, const int nb) {
  __m256 lo[4], hi[4];
  for (int k = 0; k < nb; k++) lo[k] = hi[k] = _mm256_setzero_ps();
  const float *p = s->wp + b * RB * s->cv;
  for (int64_t g = 0; g < s->cv / 4; g++) {
    const __m256 xv = _mm256_broadcast_ps((const __m128 *)(rf + 4 * g));
    for (int k = 0; k < nb; k++) {
      lo[k] = _mm256_fmadd_ps(_mm256_load_ps(p + k * RB * s->cv + 16 * g), xv, lo[k]);
      hi[k] = _mm256_fmadd_ps(_mm256_load_ps(p + k * RB * s->cv + 16 * g + 8), xv, hi[k]);
    }
  }
  float lanes[16 * 4] __attribute__((aligned(32)));
  for (int k = 0; k < nb; k++) {
    _mm256_store_ps(lanes + 16 * k, lo[k]);
    _mm256_store_ps(lanes + 16 * k + 8, hi[k]);
  }
  BLOCK_SUMS(nb)
}

// eight blocks (32 rows) at a time on AVX-512, four on AVX2: eight independent accumulators
// hide the fused multiply-add's latency; the last few blocks take a call of their own size
__attribute__((target("avx512f,fma"))) static void groupAvx512(const RateRun *s, const float *rf, int64_t b, int nb) {
  switch (nb) {
    case 8: blocksAvx512(s, rf, b, 8); break;
    case 7: blocksAvx512(s, rf, b, 7); break;
    case 6: blocksAvx512(s, rf, b, 6); break;
    case 5: blocksAvx512(s, rf, b, 5); break;
    case 4: blocksAvx512(s, rf, b, 4); break;
    case 3: blocksAvx512(s, rf, b, 3); break;
    case 2: blocksAvx512(s, rf, b, 2); break;
    default: blocksAvx512(s, rf, b, 1); break;
  }
}

__attribute__((target("avx2,fma"))) static void groupAvx2(const RateRun *s, const float *rf, int64_t b, int nb) {
  switch (nb) {
    case 4: blocksAvx2(s, rf, b, 4); break;
    case 3: blocksAvx2(s, rf, b, 3); break;
    case 2: blocksAvx2(s, rf, b, 2); break;
    default: blocksAvx2(s, rf, b, 1); break;
  }
}

// h = W rf for rows i0 .. i1 - 1 (i0 a multiple of RB); `reverse` visits the groups last to first,
// as WebAssembly alternates it, so that a pass starts on the rows the last one left in cache
static void recurrentInput(const RateRun *s, const float *rf, int64_t i0, int64_t i1, int reverse) {
  const int per = s->path == PATH_AVX512 ? 8 : 4;
  const int64_t b0 = i0 / RB, b1 = (i1 + RB - 1) / RB;
  const int64_t groups = (b1 - b0 + per - 1) / per;
  for (int64_t k = 0; k < groups; k++) {
    const int64_t b = b0 + (reverse ? groups - 1 - k : k) * per;
    const int nb = (int)(b1 - b < per ? b1 - b : per);
    if (s->path == PATH_AVX512) groupAvx512(s, rf, b, nb);
    else groupAvx2(s, rf, b, nb);
  }
}

// h = W r for CSR rows i0 .. i1 - 1 with the bits of wasm-fma's csrMatVec: each row's entries four
// at a time into two two-lane sums (entries k, k + 1 and k + 2, k + 3) with fma, then
// (l0 + l1) + (l2 + l3), then its last (count mod 4) entries with a multiply and an add
__attribute__((target("avx2,fma"))) static void csrProduct(const RateRun *s, const double *r, int64_t i0, int64_t i1) {
  const int32_t *col = s->colIdx;
  const double *v = s->values;
  for (int64_t i = i0; i < i1; i++) {
    int64_t k = s->rowPtr[i];
    const int64_t end = s->rowPtr[i + 1];
    double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
    for (; k + 3 < end; k += 4) {
      l0 = fma(v[k], r[col[k]], l0);
      l1 = fma(v[k + 1], r[col[k + 1]], l1);
      l2 = fma(v[k + 2], r[col[k + 2]], l2);
      l3 = fma(v[k + 3], r[col[k + 3]], l3);
    }
    double sum = (l0 + l1) + (l2 + l3);
    for (; k < end; k++) sum += v[k] * r[col[k]];
    s->h[i] = sum;
  }
}

// WebAssembly's tanh2 (a Cephes-style rational tanh) on each of v[0 .. m - 1], in place, operation
// for operation; without branches, so that the compiler runs it on the widest vectors. Rounding to
// the nearest integer (f64x2.nearest) by adding and taking away 1.5 2^52, which rounds to nearest
// even, as nearest does, for the 0 <= x < 2^51 it meets here (2|x| log2 e, at most 58); its integer
// is then in the sum's low bits, which give the scale 2^n without a conversion.
// c ? a : b as bits: both computed, then chosen. A C conditional computes only the value chosen,
// and as floating-point operations may trap, GCC keeps that a branch, which holds the loop off
// vectors narrower than AVX-512's masked ones
static inline double pick(int c, double a, double b) {
  uint64_t x, y;
  memcpy(&x, &a, sizeof x);
  memcpy(&y, &b, sizeof y);
  const uint64_t m = (uint64_t)0 - (uint64_t)(c != 0);
  const uint64_t z = (x & m) | (y & ~m);
  double r;
  memcpy(&r, &z, sizeof r);
  return r;
}

WIDEST static void tanhInPlace(double *v, int64_t m) {
  for (int64_t i = 0; i < m; i++) {
    uint64_t bits;
    memcpy(&bits, v + i, sizeof bits);
    const uint64_t sign = bits & 0x8000000000000000ull;
    const double x = v[i];
    const double ax = fabs(x);
    const double zz = x * x;
    const double pn = ((-9.64399179425052238628e-1 * zz) + -9.92877231001918586564e1) * zz + -1.61468768441708447952e3;
    const double qd = (((zz + 1.12811678491632931402e2) * zz) + 2.23548839060100448583e3) * zz + 4.84406305325125486048e3;
    const double smallNum = ax * (qd + zz * pn);
    const double x2 = pick(ax + ax > 40, 40, ax + ax); /* f64x2.min keeps a NaN, as this does */
    const double shifted = x2 * 1.4426950408889634073599 + 0x1.8p52;
    const double nf = shifted - 0x1.8p52;
    const double rr = (x2 - nf * 6.93145751953125e-1) - nf * 1.42860682030941723212e-6;
    const double r2 = rr * rr;
    const double px = rr * ((1.26177193074810590878e-4 * r2 + 3.02994407707441961300e-2) * r2 + 9.99999999999999999910e-1);
    const double qx = ((3.00198505138664455042e-6 * r2 + 2.52448340349684104192e-3) * r2 + 2.27265548208155028766e-1) * r2 + 2.00000000000000000009e0;
    uint64_t nBits;
    memcpy(&nBits, &shifted, sizeof nBits);
    const uint64_t scaleBits = (nBits + 1023) << 52; /* (n + 1023) << 52: the sum's high bits shift out */
    double scale;
    memcpy(&scale, &scaleBits, sizeof scale);
    const double bigA = (qx + px) * scale;
    const double bigB = qx - px;
    const int small = ax < 0.625;
    const double num = pick(small, smallNum, bigA - bigB);
    const double den = pick(small, qd, bigA + bigB);
    const double q = num / den;
    memcpy(&bits, &q, sizeof bits);
    bits |= sign;
    memcpy(v + i, &bits, sizeof bits);
  }
}

// the rest of step t for neurons i0 .. i1 - 1 once h holds W r: rateUpdateRows' arithmetic, with
// the tanh of all of them taken at once (h holds its arguments in between)
static void updateRows(const RateRun *s, int64_t t, const double *rIn, double *rOut, float *rfOut, int64_t i0, int64_t i1) {
  const int64_t n = s->n, d = s->d;
  const double *in = s->input + t * d;
  const double *z = s->noise ? s->noise + t * n : NULL;
  double *h = s->h;
  for (int64_t i = i0; i < i1; i++) {
    double hv = h[i] + s->b[i];
    for (int64_t k = 0; k < d; k++) hv = hv + s->u[i * d + k] * in[k];
    if (s->esn) h[i] = hv;
    else {
      const double a = s->leak[i];
      double xi = a * s->x[i] + (1 - a) * hv;
      if (z) xi = xi + z[i];
      h[i] = s->x[i] = xi;
    }
  }
  tanhInPlace(h + i0, i1 - i0);
  double *row = s->out + t * n;
  for (int64_t i = i0; i < i1; i++) {
    double ri = h[i];
    if (s->esn) {
      const double a = s->leak[i];
      ri = (1 - a) * rIn[i] + a * ri;
      if (z) ri = ri + z[i];
    }
    rOut[i] = ri;
    rfOut[i] = (float)ri;
    row[i] = ri;
  }
}

static void ratePart(RateRun *s, int part) {
  const int64_t i0 = part == 0 ? 0 : s->cut;
  const int64_t i1 = part == 0 && s->parts > 1 ? s->cut : s->n;
  for (int64_t t = 0; t < s->steps; t++) {
    const int odd = (int)(t & 1);
    if (i0 < i1) {
      if (s->rowPtr) csrProduct(s, s->r[odd], i0, i1);
      else recurrentInput(s, s->rf[odd], i0, i1, odd);
      updateRows(s, t, s->r[odd], s->r[1 - odd], s->rf[1 - odd], i0, i1);
    }
    arrive(&s->bar, s->parts);
  }
}

static void *ratePartOne(void *s) {
  ratePart((RateRun *)s, 1);
  return NULL;
}

// the whole simulation, dense float32 (s->w) or CSR (s->rowPtr); 0, or 1 when memory ran out
static int simulateRate(RateRun *s) {
  const int64_t n = s->n;
  s->cv = n & ~(int64_t)3;
  // WebAssembly's cut for two parts: n / 2 rounded to a multiple of 8
  s->cut = s->parts > 1 ? (int64_t)round((double)n / 2 / 8) * 8 : n;
  if (s->cut > n) s->cut = n;
  float *wp = s->rowPtr ? NULL : packRows(s->w, n, s->cv);
  double *buf = alignedZeros(sizeof(double) * (size_t)(4 * n + 32));
  float *rfBuf = alignedZeros(sizeof(float) * (size_t)(2 * n + 32));
  int status = 1;
  if ((wp || s->rowPtr) && buf && rfBuf) {
    s->wp = wp;
    // each array on its own cache lines (n rounded up to 8 doubles, 16 floats)
    const int64_t nd = (n + 7) & ~(int64_t)7, nf = (n + 15) & ~(int64_t)15;
    s->x = buf, s->h = buf + nd, s->r[0] = buf + 2 * nd, s->r[1] = buf + 3 * nd;
    s->rf[0] = rfBuf, s->rf[1] = rfBuf + nf;
    atomic_init(&s->bar.arrived, 0);
    atomic_init(&s->bar.generation, 0);
    pthread_t helper;
    // without a second thread the first part does all rows: the same bits
    if (s->parts > 1 && pthread_create(&helper, NULL, ratePartOne, s) != 0) s->parts = 1, s->cut = n;
    ratePart(s, 0);
    if (s->parts > 1) pthread_join(helper, NULL);
    status = 0;
  }
  free(wp);
  free(buf);
  free(rfBuf);
  return status;
}

// ---------------------------------------------------------------------------------------------
// The hierarchical bootstrap's replicate means (main/analysis/stats.ts bootstrapReplicateMeans) with
// the bits of its WebAssembly loop (worker/wasm/assembly/kernels.ts bootstrapReplicates): Rng's
// generator (worker/rng.ts), one 16-bit half of a draw per index with Lemire's multiply-shift and
// its rejections, the seeds' and the tasks' samplers each keeping the unused half of their last
// draw, and each replicate's sum in the same order. Seeds and tasks up to 4096.

typedef struct {
  uint32_t a, b, c, d;
} Sfc32;

static inline uint32_t nextU32(Sfc32 *g) {
  const uint32_t t = g->a + g->b + g->d;
  g->d++;
  g->a = g->b ^ (g->b >> 9);
  g->b = g->c + (g->c << 3);
  g->c = ((g->c << 21) | (g->c >> 11)) + t;
  return t;
}

// an index in [0, n) from a 16-bit half (the spare one if there is one); `reject` is 2^16 mod n
static inline uint32_t pickIndex(Sfc32 *g, uint32_t n, uint32_t reject, int32_t *spare) {
  uint32_t m;
  do {
    uint32_t v;
    if (*spare >= 0) {
      v = (uint32_t)*spare;
      *spare = -1;
    } else {
      const uint32_t u = nextU32(g);
      v = u >> 16;
      *spare = (int32_t)(u & 0xffff);
    }
    m = v * n;
  } while ((m & 0xffff) < reject);
  return m >> 16;
}

static void bootstrapReplicates(const double *diff, uint32_t seeds, uint32_t tasks, int64_t replicates, uint32_t seed, double *reps) {
  Sfc32 g = {0x9e3779b9u, 0x243f6a88u, 0xb7e15162u, seed};
  for (int i = 0; i < 15; i++) nextU32(&g);
  int32_t spareSeed = -1, spareTask = -1;
  const uint32_t rejectS = 65536u % seeds, rejectK = 65536u % tasks;
  const double total = (double)seeds * (double)tasks;
  for (int64_t r = 0; r < replicates; r++) {
    double sum = 0;
    for (uint32_t s = 0; s < seeds; s++) {
      const double *row = diff + (size_t)pickIndex(&g, seeds, rejectS, &spareSeed) * tasks;
      for (uint32_t k = 0; k < tasks; k++) sum += row[pickIndex(&g, tasks, rejectK, &spareTask)];
    }
    reps[r] = sum / total;
  }
}

// ---------------------------------------------------------------------------------------------
// Node-API (left out with -DQUENCH_KERNELS_ONLY: the kernels alone, for a C harness)
#ifndef QUENCH_KERNELS_ONLY

#define CHECK(call)                                        \
  do {                                                     \
    if ((call) != napi_ok) {                               \
      napi_throw_error(env, NULL, "native kernels: " #call " failed"); \
      return NULL;                                         \
    }                                                      \
  } while (0)

// a typed array's data, of the kind `want` (named `kind` in the error); 0 after throwing an error
// that names the function and the argument
static int typedArray(napi_env env, napi_value v, napi_typedarray_type want, const char *kind, void **data, size_t *length, const char *fn, const char *name) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  napi_typedarray_type type;
  void *p = NULL;
  if (is) napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL);
  if (!is || type != want) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: %s must be %s", fn, name, kind);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *data = p;
  return 1;
}

static int float64Array(napi_env env, napi_value v, double **data, size_t *length, const char *fn, const char *name) {
  return typedArray(env, v, napi_float64_array, "a Float64Array", (void **)data, length, fn, name);
}

static int int32Array(napi_env env, napi_value v, int32_t **data, size_t *length, const char *fn, const char *name) {
  return typedArray(env, v, napi_int32_array, "an Int32Array", (void **)data, length, fn, name);
}

// 1 after throwing a RangeError "fn: why" where there is a why, else 0
static int refused(napi_env env, const char *fn, const char *why) {
  if (!why) return 0;
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", fn, why);
  napi_throw_range_error(env, NULL, msg);
  return 1;
}

static int integer(napi_env env, napi_value v, int64_t *out, const char *fn, const char *name) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d != floor(d) || d > 9007199254740991.0) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: %s must be a whole number >= 0", fn, name);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  *out = (int64_t)d;
  return 1;
}

static int overlaps(const double *p, size_t n, const double *q, size_t m) {
  return n > 0 && m > 0 && p < q + m && q < p + n;
}

// the call's `count` arguments into argv; 0 after throwing `usage` when it has another number
static int takeArguments(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *usage) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != count) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

// dotRows(path, a, na, lda, b, nb, ldb, t0, t1, c, symmetric): path 0 scalar, 1 AVX2, 2 AVX-512
static napi_value DotRows(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!takeArguments(env, info, 11, argv, "dotRows takes 11 arguments: path, a, na, lda, b, nb, ldb, t0, t1, c, symmetric")) return NULL;
  int64_t path, na, lda, nb, ldb, t0, t1;
  double *a, *b, *c;
  size_t la, lb, lc;
  bool symmetric;
  if (!integer(env, argv[0], &path, "dotRows", "path") || !float64Array(env, argv[1], &a, &la, "dotRows", "a") || !integer(env, argv[2], &na, "dotRows", "na") ||
      !integer(env, argv[3], &lda, "dotRows", "lda") || !float64Array(env, argv[4], &b, &lb, "dotRows", "b") || !integer(env, argv[5], &nb, "dotRows", "nb") ||
      !integer(env, argv[6], &ldb, "dotRows", "ldb") || !integer(env, argv[7], &t0, "dotRows", "t0") || !integer(env, argv[8], &t1, "dotRows", "t1") ||
      !float64Array(env, argv[9], &c, &lc, "dotRows", "c"))
    return NULL;
  CHECK(napi_get_value_bool(env, argv[10], &symmetric));
  const char *why = NULL;
  if (path > PATH_AVX512) why = "path must be 0 (scalar), 1 (AVX2) or 2 (AVX-512)";
  else if (path == PATH_AVX2 && !hasAvx2()) why = "this CPU has no AVX2 with FMA";
  else if (path == PATH_AVX512 && !hasAvx512()) why = "this CPU has no AVX-512";
  else if (t1 < t0 || t1 > lda || t1 > ldb) why = "need t0 <= t1 <= lda and t1 <= ldb";
  else if ((na > 0 && (size_t)((na - 1) * lda + t1) > la) || (nb > 0 && (size_t)((nb - 1) * ldb + t1) > lb)) why = "a or b holds fewer rows than na or nb";
  else if ((size_t)(na * nb) > lc) why = "c holds fewer than na x nb values";
  else if (symmetric && (a != b || na != nb || lda != ldb)) why = "symmetric needs b to be a (same rows, same stride)";
  else if (overlaps(c, na * nb, a, la) || overlaps(c, na * nb, b, lb)) why = "c must not overlap a or b";
  if (refused(env, "dotRows", why)) return NULL;
  if (t1 == t0) {
    memset(c, 0, sizeof(double) * (size_t)(na * nb));
    return NULL;
  }
  const Operands o = {a, lda, b, ldb, c, nb};
  dotRows((enum Path)path, &o, na, nb, t0, t1, symmetric);
  return NULL;
}

// The eigen-solvers' arguments, (matrix, n, p, q): an n x n matrix and two n-vectors that do not
// overlap, and scratch of 2n doubles. 0 after throwing an error that names `fn` and the arguments.
static int eigenArguments(napi_env env, napi_callback_info info, const char *fn, const char *names, double **m, int64_t *n, double **p,
                          double **q, double **scratch) {
  napi_value argv[4];
  char msg[160];
  snprintf(msg, sizeof msg, "%s takes 4 arguments: %s", fn, names);
  if (!takeArguments(env, info, 4, argv, msg)) return 0;
  size_t lm, lp, lq;
  if (!float64Array(env, argv[0], m, &lm, fn, "the matrix") || !integer(env, argv[1], n, fn, "n") || !float64Array(env, argv[2], p, &lp, fn, "the first vector") ||
      !float64Array(env, argv[3], q, &lq, fn, "the second vector"))
    return 0;
  const int64_t k = *n;
  const char *why = NULL;
  if (k < 1 || lm < (size_t)(k * k) || lp < (size_t)k || lq < (size_t)k) why = "need n >= 1, a matrix of n x n and vectors of n values";
  else if (overlaps(*m, k * k, *p, k) || overlaps(*m, k * k, *q, k) || overlaps(*p, k, *q, k)) why = "the matrix and the vectors must not overlap";
  if (why) {
    snprintf(msg, sizeof msg, "%s(%s): %s", fn, names, why);
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  *scratch = malloc(sizeof(double) * 2 * (size_t)k);
  if (!*scratch) {
    snprintf(msg, sizeof msg, "%s: out of memory", fn);
    napi_throw_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static napi_value int32Result(napi_env env, int v) {
  napi_value out;
  CHECK(napi_create_int32(env, v, &out));
  return out;
}

// symmetricEigen(vt, n, d, e): vt (n x n, symmetric on entry) becomes the eigenvectors as rows, d the
// ascending eigenvalues; e is scratch (n). Returns 0, or 1 if the QL iteration did not converge.
static napi_value SymmetricEigen(napi_env env, napi_callback_info info) {
  double *vt, *d, *e, *scratch;
  int64_t n;
  if (!eigenArguments(env, info, "symmetricEigen", "vt, n, d, e", &vt, &n, &d, &e, &scratch)) return NULL;
  tred2(n, vt, d, e);
  const int failed = tql2(n, vt, d, e, scratch, scratch + n);
  free(scratch);
  return int32Result(env, failed);
}

// eigenvaluesGeneral(H, n, re, im): H (n x n, destroyed); re and im receive the eigenvalues. Returns
// 0, or 1 if the QR iteration did not converge.
static napi_value EigenvaluesGeneral(napi_env env, napi_callback_info info) {
  double *H, *re, *im, *scratch;
  int64_t n;
  if (!eigenArguments(env, info, "eigenvaluesGeneral", "H, n, re, im", &H, &n, &re, &im, &scratch)) return NULL;
  orthes(n, H, scratch, scratch + n);
  free(scratch);
  return int32Result(env, hqr(n, H, re, im));
}

// centredTranspose(x, n, T, t0, t1, mu, xt): x (T x n), mu (n) and xt (n x T) written
static napi_value CentredTranspose(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!takeArguments(env, info, 7, argv, "centredTranspose takes 7 arguments: x, n, T, t0, t1, mu, xt")) return NULL;
  double *x, *mu, *xt;
  size_t lx, lm, lt;
  int64_t n, T, t0, t1;
  if (!float64Array(env, argv[0], &x, &lx, "centredTranspose", "x") || !integer(env, argv[1], &n, "centredTranspose", "n") || !integer(env, argv[2], &T, "centredTranspose", "T") ||
      !integer(env, argv[3], &t0, "centredTranspose", "t0") || !integer(env, argv[4], &t1, "centredTranspose", "t1") || !float64Array(env, argv[5], &mu, &lm, "centredTranspose", "mu") ||
      !float64Array(env, argv[6], &xt, &lt, "centredTranspose", "xt"))
    return NULL;
  if (!(t0 < t1 && t1 <= T) || lx < (size_t)(n * T) || lm < (size_t)n || lt < (size_t)(n * T)) {
    napi_throw_range_error(env, NULL, "centredTranspose: need t0 < t1 <= T, x and xt of T x n, mu of n values");
    return NULL;
  }
  if (overlaps(x, n * T, mu, n) || overlaps(x, n * T, xt, n * T) || overlaps(mu, n, xt, n * T)) {
    napi_throw_range_error(env, NULL, "centredTranspose: x, mu and xt must not overlap");
    return NULL;
  }
  centredTranspose(x, n, T, t0, t1, mu, xt);
  return NULL;
}

// The rate simulations' common arguments, from argv[0]: parts, esn, steps, n, d, then (at argv[at])
// u (n x d, net.u), b and leak (n), input (steps x d), noise (steps x n, or empty for none) and out
// (steps x n) into s; `w` and `lw` (the weights) only to check that out does not overlap them.
// 0 after throwing an error in words.
static int rateArguments(napi_env env, napi_value *argv, size_t at, const char *fn, RateRun *s, const void *w, size_t wBytes) {
  int64_t parts, esn, steps, n, d;
  double *u, *b, *leak, *input, *noise, *out;
  size_t lu, lb, ll, li, lz, lo;
  if (!integer(env, argv[0], &parts, fn, "parts") || !integer(env, argv[1], &esn, fn, "esn") || !integer(env, argv[2], &steps, fn, "steps") ||
      !integer(env, argv[3], &n, fn, "n") || !integer(env, argv[4], &d, fn, "d") || !float64Array(env, argv[at], &u, &lu, fn, "u") ||
      !float64Array(env, argv[at + 1], &b, &lb, fn, "b") || !float64Array(env, argv[at + 2], &leak, &ll, fn, "leak") ||
      !float64Array(env, argv[at + 3], &input, &li, fn, "input") || !float64Array(env, argv[at + 4], &noise, &lz, fn, "noise") ||
      !float64Array(env, argv[at + 5], &out, &lo, fn, "out"))
    return 0;
  const char *why = NULL;
  const char *o = (const char *)out, *oEnd = (const char *)(out + steps * n), *wb = (const char *)w;
  if (parts != 1 && parts != 2) why = "parts must be 1 or 2";
  else if (esn > 1) why = "esn must be 0 or 1";
  else if (n < 1 || n > 1 << 20) why = "n must be 1 to 2^20";
  else if (lu < (size_t)(n * d)) why = "u holds fewer than n x d values";
  else if (lb < (size_t)n || ll < (size_t)n) why = "b and leak need n values each";
  else if (li < (size_t)(steps * d)) why = "input holds fewer than steps x d values";
  else if (lz != 0 && lz < (size_t)(steps * n)) why = "noise must be empty or hold steps x n values";
  else if (lo < (size_t)(steps * n)) why = "out holds fewer than steps x n values";
  else if ((wBytes > 0 && steps * n > 0 && o < wb + wBytes && wb < oEnd) || overlaps(out, steps * n, u, lu) || overlaps(out, steps * n, b, lb) ||
           overlaps(out, steps * n, leak, ll) || overlaps(out, steps * n, input, li) || overlaps(out, steps * n, noise, lz))
    why = "out must not overlap the other arrays";
  if (refused(env, fn, why)) return 0;
  s->parts = (int)parts, s->esn = (int)esn, s->steps = steps, s->n = n, s->d = d;
  s->u = u, s->b = b, s->leak = leak, s->input = input, s->noise = lz ? noise : NULL, s->out = out;
  return 1;
}

// simulateRateF32(path, parts, esn, steps, n, d, w, u, b, leak, input, noise, out): path 1 AVX2, 2
// AVX-512; parts 1 or 2; w n x n (float64, rounded to float32 here); the rest as rateArguments
static napi_value SimulateRateF32(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  const char *fn = "simulateRateF32";
  if (!takeArguments(env, info, 13, argv, "simulateRateF32 takes 13 arguments: path, parts, esn, steps, n, d, w, u, b, leak, input, noise, out")) return NULL;
  int64_t path, n;
  double *w;
  size_t lw;
  if (!integer(env, argv[0], &path, fn, "path") || !integer(env, argv[4], &n, fn, "n") || !float64Array(env, argv[6], &w, &lw, fn, "w")) return NULL;
  const char *why = NULL;
  if (path != PATH_AVX2 && path != PATH_AVX512) why = "path must be 1 (AVX2) or 2 (AVX-512)";
  else if (path == PATH_AVX2 && !hasAvx2()) why = "this CPU has no AVX2 with FMA";
  else if (path == PATH_AVX512 && !hasAvx512()) why = "this CPU has no AVX-512";
  else if (n >= 0 && n <= 1 << 20 && lw < (size_t)(n * n)) why = "w holds fewer than n x n values";
  if (refused(env, fn, why)) return NULL;
  RateRun s = {.path = (enum Path)path, .w = w};
  if (!rateArguments(env, argv + 1, 6, fn, &s, w, sizeof(double) * lw)) return NULL;
  if (simulateRate(&s) != 0) napi_throw_error(env, NULL, "simulateRateF32: out of memory for the packed weights");
  return NULL;
}

// simulateRateCsr(parts, esn, steps, n, d, rowPtr, colIdx, values, u, b, leak, input, noise, out):
// wasm-fma's sparse simulation with its bits; W in CSR (rowPtr n + 1, colIdx and values nnz); the
// rest as rateArguments
static napi_value SimulateRateCsr(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  const char *fn = "simulateRateCsr";
  if (!takeArguments(env, info, 14, argv, "simulateRateCsr takes 14 arguments: parts, esn, steps, n, d, rowPtr, colIdx, values, u, b, leak, input, noise, out")) return NULL;
  int64_t n;
  int32_t *rowPtr, *colIdx;
  double *values;
  size_t lr, lc, lv;
  if (!integer(env, argv[3], &n, fn, "n") || !int32Array(env, argv[5], &rowPtr, &lr, fn, "rowPtr") || !int32Array(env, argv[6], &colIdx, &lc, fn, "colIdx") ||
      !float64Array(env, argv[7], &values, &lv, fn, "values"))
    return NULL;
  const char *why = NULL;
  if (n < 1 || n > 1 << 20 || lr < (size_t)n + 1) why = "rowPtr must hold n + 1 offsets";
  else if (rowPtr[0] != 0) why = "rowPtr must start at 0";
  else {
    for (int64_t i = 0; i < n && !why; i++)
      if (rowPtr[i + 1] < rowPtr[i] || (size_t)rowPtr[i + 1] > lc || (size_t)rowPtr[i + 1] > lv) why = "rowPtr must rise, within colIdx and values";
    for (int64_t k = 0; k < rowPtr[n] && !why; k++)
      if (colIdx[k] < 0 || colIdx[k] >= n) why = "colIdx holds a column outside 0 .. n - 1";
  }
  if (refused(env, fn, why)) return NULL;
  RateRun s = {.path = PATH_AVX2, .rowPtr = rowPtr, .colIdx = colIdx, .values = values};
  if (!rateArguments(env, argv, 8, fn, &s, values, sizeof(double) * lv)) return NULL;
  if (simulateRate(&s) != 0) napi_throw_error(env, NULL, "simulateRateCsr: out of memory");
  return NULL;
}

// bootstrapReplicates(diff, seeds, tasks, replicates, seed, reps): diff seeds x tasks (each 1 to
// 4096), reps receives the replicate means
static napi_value BootstrapReplicates(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  const char *fn = "bootstrapReplicates";
  if (!takeArguments(env, info, 6, argv, "bootstrapReplicates takes 6 arguments: diff, seeds, tasks, replicates, seed, reps")) return NULL;
  double *diff, *reps;
  size_t ld, lr;
  int64_t seeds, tasks, replicates, seed;
  if (!float64Array(env, argv[0], &diff, &ld, fn, "diff") || !integer(env, argv[1], &seeds, fn, "seeds") || !integer(env, argv[2], &tasks, fn, "tasks") ||
      !integer(env, argv[3], &replicates, fn, "replicates") || !integer(env, argv[4], &seed, fn, "seed") || !float64Array(env, argv[5], &reps, &lr, fn, "reps"))
    return NULL;
  const char *why = NULL;
  if (seeds < 1 || seeds > 4096 || tasks < 1 || tasks > 4096) why = "seeds and tasks must be 1 to 4096 (the 16-bit draws)";
  else if (seed > 4294967295LL) why = "seed must fit in 32 bits";
  else if (ld < (size_t)(seeds * tasks)) why = "diff holds fewer than seeds x tasks values";
  else if (lr < (size_t)replicates) why = "reps holds fewer than replicates values";
  else if (overlaps(reps, replicates, diff, ld)) why = "reps must not overlap diff";
  if (refused(env, fn, why)) return NULL;
  bootstrapReplicates(diff, (uint32_t)seeds, (uint32_t)tasks, replicates, (uint32_t)seed, reps);
  return NULL;
}

// paths(): the fastest path this CPU runs (0 scalar, 1 AVX2, 2 AVX-512)
static napi_value Paths(napi_env env, napi_callback_info info) {
  (void)info;
  return int32Result(env, hasAvx512() ? PATH_AVX512 : hasAvx2() ? PATH_AVX2 : PATH_SCALAR);
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "dotRows", NAPI_AUTO_LENGTH, DotRows, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "dotRows", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "bestPath", NAPI_AUTO_LENGTH, Paths, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "bestPath", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "symmetricEigen", NAPI_AUTO_LENGTH, SymmetricEigen, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "symmetricEigen", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "eigenvaluesGeneral", NAPI_AUTO_LENGTH, EigenvaluesGeneral, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "eigenvaluesGeneral", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "centredTranspose", NAPI_AUTO_LENGTH, CentredTranspose, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "centredTranspose", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "simulateRateF32", NAPI_AUTO_LENGTH, SimulateRateF32, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "simulateRateF32", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "simulateRateCsr", NAPI_AUTO_LENGTH, SimulateRateCsr, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "simulateRateCsr", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "bootstrapReplicates", NAPI_AUTO_LENGTH, BootstrapReplicates, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "bootstrapReplicates", fn) != napi_ok) return NULL;
  return exports;
}
#endif
