import { describe, it, expect } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { eigenvalues, spectralRadius, symmetricEigen } from './linalg.js';
import { Rng } from './rng.js';

function randomMatrix(n: number, seed: number, p = 1): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) a[i] = rng.uniform() < p ? rng.normal() : 0;
  return a;
}

describe('symmetricEigen', () => {
  it('reconstructs A = V diag(l) V^T with orthonormal V, values ascending', () => {
    const n = 40;
    const b = randomMatrix(n, 3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i * n + j] + b[j * n + i];
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
    let maxErr = 0;
    let maxOrth = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let o = 0;
        for (let k = 0; k < n; k++) {
          s += vectors[i * n + k] * values[k] * vectors[j * n + k];
          o += vectors[k * n + i] * vectors[k * n + j];
        }
        maxErr = Math.max(maxErr, Math.abs(s - a[i * n + j]));
        maxOrth = Math.max(maxOrth, Math.abs(o - (i === j ? 1 : 0)));
      }
    }
    expect(maxErr).toBeLessThan(1e-10);
    expect(maxOrth).toBeLessThan(1e-12);
  });

  it('known values: diag(3, 1, 2) and a 2x2 rotation pair', () => {
    const d = symmetricEigen(new Float64Array([3, 0, 0, 0, 1, 0, 0, 0, 2]), 3);
    expect(Array.from(d.values)).toEqual([1, 2, 3]);
    const r = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
    expect(r.values[0]).toBeCloseTo(1, 14);
    expect(r.values[1]).toBeCloseTo(3, 14);
  });
});

describe('eigenvalues of a general matrix', () => {
  it('finds a complex pair exactly (rotation by 90 degrees scaled by 0.5)', () => {
    const { re, im } = eigenvalues(new Float64Array([0, -0.5, 0.5, 0]), 2);
    expect(Math.abs(re[0])).toBeLessThan(1e-15);
    expect(Math.abs(im[0])).toBeCloseTo(0.5, 15);
    expect(spectralRadius(new Float64Array([0, -0.5, 0.5, 0]), 2)).toBeCloseTo(0.5, 15);
  });

  it('agrees with ml-matrix (JAMA) on sparse random matrices', () => {
    // n - 1 rows of Householder updates, four at a time: 7 and 9 leave three and one row over, 30 two, 80 none
    for (const [n, p] of [[7, 1], [9, 1], [30, 1], [80, 0.1], [120, 0.05]] as const) {
      const a = randomMatrix(n, 100 + n, p);
      const ours = eigenvalues(a, n);
      const m = new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n))));
      const ref = new EigenvalueDecomposition(m);
      const key = (re: ArrayLike<number>, im: ArrayLike<number>) =>
        Array.from({ length: n }, (_, i) => [re[i], im[i]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      const a1 = key(ours.re, ours.im);
      const a2 = key(ref.realEigenvalues, ref.imaginaryEigenvalues);
      for (let i = 0; i < n; i++) {
        expect(a1[i][0]).toBeCloseTo(a2[i][0], 8);
        expect(a1[i][1]).toBeCloseTo(a2[i][1], 8);
      }
    }
  });

  it('the spectral radius of a scaled matrix scales exactly', () => {
    const n = 60;
    const a = randomMatrix(n, 9, 0.2);
    const r = spectralRadius(a, n);
    expect(spectralRadius(a.map((v) => v * 0.37), n)).toBeCloseTo(0.37 * r, 10);
  });
});

describe('degenerate matrices', () => {
  it('the zero matrix has spectral radius 0 (recurrence removed)', () => {
    expect(spectralRadius(new Float64Array(25), 5)).toBe(0);
  });
});
