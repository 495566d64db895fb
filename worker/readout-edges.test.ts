// What readout.test.ts's choice of ridge cannot see: the validation error of every ridge of the grid
// as a number (a constant missing from it, such as |yv - mean|^2, moves no argmin), the order of the
// three stages, and the refusals of a problem that does not fit.
import { describe, it, expect } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { availableBackends } from './backends/registry.js';
import { accumulateReadout, fitReadout, scoreReadout, solveRidgeGrid, type ReadoutProblem } from './readout.js';
import { Rng } from './rng.js';

const T = 120;
const n = 5; // odd: the products' edge rows
const K = 3;
const rng = new Rng(5);
const x = Array.from({ length: T }, () => Array.from({ length: n }, () => rng.normal()));
const ys = Array.from({ length: K }, (_, k) => x.map((r) => 1 + k + r[0] - 0.5 * r[k + 1] + 0.7 * rng.normal()));
const p: ReadoutProblem = {
  features: Float64Array.from(x.flat()),
  n,
  steps: T,
  targets: Float64Array.from(ys.flat()),
  k: K,
  classification: [false, true, false],
  train: { start: 10, end: 70 },
  validation: { start: 70, end: 95 },
  test: { start: 95, end: 120 },
  ridges: [1e-4, 0.1, 3, 100],
};

/** sum over validation of (prediction - y)^2 for ridge alpha fitted on train, with ml-matrix's solve */
function validationError(y: number[], alpha: number): number {
  const rows = x.slice(10, 70);
  const mu = Array.from({ length: n }, (_, i) => rows.reduce((s, r) => s + r[i], 0) / rows.length);
  const ym = y.slice(10, 70).reduce((s, v) => s + v, 0) / 60;
  const xc = new Matrix(rows.map((r) => r.map((v, i) => v - mu[i])));
  const w = solve(xc.transpose().mmul(xc).add(Matrix.eye(n, n).mul(alpha)), xc.transpose().mmul(Matrix.columnVector(y.slice(10, 70).map((v) => v - ym)))).getColumn(0);
  let e = 0;
  for (let t = 70; t < 95; t++) e += (ym + x[t].reduce((s, v, i) => s + (v - mu[i]) * w[i], 0) - y[t]) ** 2;
  return e;
}

describe.each(availableBackends().filter((b) => b.precision === 'float64'))('readout stages on $name', (backend) => {
  it('the validation error of every task at every ridge is the closed form', () => {
    const acc = accumulateReadout(backend, p);
    const s = solveRidgeGrid(backend, acc, p.ridges);
    for (let k = 0; k < K; k++)
      for (let r = 0; r < p.ridges.length; r++) {
        const want = validationError(ys[k], p.ridges[r]);
        expect(Math.abs(s.validationError[k * p.ridges.length + r] - want) / want, `task ${k}, ridge ${p.ridges[r]}`).toBeLessThan(1e-9);
      }
  });

  it('runs its stages once each, in order', () => {
    const acc = accumulateReadout(backend, p);
    expect(() => scoreReadout(backend, acc, { ridge: new Float64Array(K), validationError: new Float64Array(0), weights: new Float64Array(K * n) }, p.classification)).toThrow(
      'scoreReadout needs solveRidgeGrid on this accumulation first',
    );
    const s = solveRidgeGrid(backend, acc, p.ridges);
    expect(() => solveRidgeGrid(backend, acc, p.ridges)).toThrow('solveRidgeGrid runs once per readout accumulation (its workspace has room for one): accumulate again');
    const scores = scoreReadout(backend, acc, s, p.classification);
    expect(() => scoreReadout(backend, acc, s, p.classification)).toThrow('scoreReadout runs once per readout accumulation (its workspace has room for one): accumulate again');
    // and the stages in a row are fitReadout
    expect(fitReadout(backend, p)).toEqual(scores);
  });
});

describe('a readout problem that does not fit', () => {
  const backend = availableBackends()[0];
  it('refuses an empty or outside segment, and features or targets of the wrong length', () => {
    expect(() => fitReadout(backend, { ...p, validation: { start: 70, end: 70 } })).toThrow('readout segment [70, 70) does not fit in 120 steps');
    expect(() => fitReadout(backend, { ...p, train: { start: -1, end: 70 } })).toThrow('readout segment [-1, 70) does not fit in 120 steps');
    expect(() => fitReadout(backend, { ...p, test: { start: 95, end: 121 } })).toThrow('readout segment [95, 121) does not fit in 120 steps');
    expect(() => fitReadout(backend, { ...p, test: { start: 95, end: 120 } })).not.toThrow();
    expect(() => fitReadout(backend, { ...p, features: p.features.subarray(1) })).toThrow(`features hold ${T * n - 1} values, expected 120 x 5`);
    expect(() => fitReadout(backend, { ...p, targets: p.targets.subarray(1) })).toThrow(`targets hold ${T * K - 1} values, expected 3 x 120`);
  });
});
