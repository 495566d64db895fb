import { describe, it, expect } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { availableBackends } from './backends/registry.js';
import { fitReadout, type ReadoutProblem } from './readout.js';
import { Rng } from './rng.js';

/** Textbook ridge with an unpenalised intercept: centre on train, solve (Xc'Xc + a I) w = Xc'yc. */
function closedForm(x: number[][], y: number[], tr: [number, number], alpha: number) {
  const n = x[0].length;
  const rows = x.slice(tr[0], tr[1]);
  const ys = y.slice(tr[0], tr[1]);
  const mu = Array.from({ length: n }, (_, i) => rows.reduce((s, r) => s + r[i], 0) / rows.length);
  const ym = ys.reduce((s, v) => s + v, 0) / ys.length;
  const xc = new Matrix(rows.map((r) => r.map((v, i) => v - mu[i])));
  const a = xc.transpose().mmul(xc).add(Matrix.eye(n, n).mul(alpha));
  const w = solve(a, xc.transpose().mmul(Matrix.columnVector(ys.map((v) => v - ym)))).getColumn(0);
  return (row: number[]) => ym + row.reduce((s, v, i) => s + (v - mu[i]) * w[i], 0);
}

function problem(seed: number, T: number, n: number, k: number, noise: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  for (let t = 0; t < T; t++) x.push(Array.from({ length: n }, () => rng.normal()));
  // correlated columns make the ridge value matter
  for (const r of x) r[n - 1] = r[0] + 0.01 * r[n - 1];
  const ys: number[][] = [];
  for (let kk = 0; kk < k; kk++) {
    const beta = Array.from({ length: n }, () => rng.normal());
    ys.push(x.map((r) => 2 + r.reduce((s, v, i) => s + v * beta[i], 0) + noise * rng.normal()));
  }
  return { x, ys };
}

describe.each(availableBackends())('ridge readout on backend $name', (backend) => {
  const T = 400;
  const n = 7;
  const K = 5;
  const { x, ys } = problem(11, T, n, K, 1.5);
  const p: ReadoutProblem = {
    features: Float64Array.from(x.flat()),
    n,
    steps: T,
    targets: Float64Array.from(ys.flat()),
    k: K,
    classification: new Array(K).fill(false),
    train: { start: 20, end: 220 },
    validation: { start: 220, end: 310 },
    test: { start: 310, end: 400 },
    ridges: [1e-6, 1e-2, 1, 10, 100, 1000],
  };

  it('chooses the ridge with the lowest validation error and scores test exactly like the closed form', () => {
    const s = fitReadout(backend, p);
    for (let kk = 0; kk < K; kk++) {
      const y = ys[kk];
      let bestErr = Infinity;
      let bestAlpha = NaN;
      for (const alpha of p.ridges) {
        const f = closedForm(x, y, [20, 220], alpha);
        let e = 0;
        for (let t = 220; t < 310; t++) e += (f(x[t]) - y[t]) ** 2;
        if (e < bestErr) {
          bestErr = e;
          bestAlpha = alpha;
        }
      }
      expect(s.ridge[kk]).toBe(bestAlpha);
      const f = closedForm(x, y, [20, 220], bestAlpha);
      const yt = y.slice(310);
      const ym = yt.reduce((a, b) => a + b, 0) / yt.length;
      let ssRes = 0;
      let ssTot = 0;
      for (let t = 310; t < 400; t++) {
        ssRes += (f(x[t]) - y[t]) ** 2;
        ssTot += (y[t] - ym) ** 2;
      }
      expect(s.r2[kk]).toBeCloseTo(1 - ssRes / ssTot, 9);
      expect(s.nrmse[kk]).toBeCloseTo(Math.sqrt(ssRes / ssTot), 9);
      expect(s.capacity[kk]).toBe(Math.min(1, Math.max(0, s.r2[kk])));
    }
  });

  it('learns a noiseless linear target perfectly, with or without an offset', () => {
    const clean = problem(5, T, n, 1, 0);
    const s = fitReadout(backend, { ...p, k: 1, classification: [false], targets: Float64Array.from(clean.ys[0]), features: Float64Array.from(clean.x.flat()), ridges: [1e-10] });
    expect(s.r2[0]).toBeGreaterThan(1 - 1e-9);
  });

  it('a target independent of the features scores about zero capacity', () => {
    const rng = new Rng(99);
    const y = Float64Array.from({ length: T }, () => rng.normal());
    const s = fitReadout(backend, { ...p, k: 1, classification: [false], targets: y });
    expect(s.r2[0]).toBeLessThan(0.05);
    expect(s.capacity[0]).toBeLessThan(0.05);
  });

  it('scores classification by the sign of the prediction', () => {
    const y = Float64Array.from(x, (r) => (r[1] + 0.2 * r[2] >= 0 ? 1 : -1));
    const s = fitReadout(backend, { ...p, k: 1, classification: [true], targets: y });
    expect(s.accuracy[0]).toBeGreaterThan(0.85);
    expect(s.accuracy[0]).toBeLessThanOrEqual(1);
  });

  it('rejects segments that do not fit', () => {
    expect(() => fitReadout(backend, { ...p, test: { start: 310, end: 401 } })).toThrow(/does not fit/);
  });
});
