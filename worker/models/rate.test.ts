import { describe, it, expect } from 'vitest';
import { RateModelSchema } from '../../common/spec.js';
import { cpuBackend } from '../backends/cpu.js';
import { denseToCsr } from '../network.js';
import { fitReadout } from '../readout.js';
import { Rng } from '../rng.js';
import type { BuiltNetwork } from '../types.js';
import { leakFactors, retainedFraction, simulateRate } from './rate.js';

function net(n: number, d: number, w: Float64Array, u: Float64Array, b: Float64Array, tau: Float64Array): BuiltNetwork {
  const wCsr = denseToCsr(w, n, n);
  return {
    n, d, w, wCsr, u, b, tau,
    tauStats: { mean: 0, cv: 0, skewness: 0, min: 0, max: 0, bounded: 0 },
    density: wCsr.values.length / (n * n),
  };
}

function randomNet(n: number, d: number, seed: number, p: number): BuiltNetwork {
  const rng = new Rng(seed);
  const w = Float64Array.from({ length: n * n }, () => (rng.uniform() < p ? (0.9 * rng.normal()) / Math.sqrt(p * n) : 0));
  const u = Float64Array.from({ length: n * d }, () => rng.normal());
  const b = Float64Array.from({ length: n }, () => 0.5 * rng.normal());
  const tau = Float64Array.from({ length: n }, () => 1 + 10 * rng.uniform());
  return net(n, d, w, u, b, tau);
}

// Step-by-step agreement with the formulas of docs/model.md §1.1 (both forms, sparse and dense, with
// noise) is in worker/backends/conformance.test.ts, against worker/backends/reference.ts.
describe('leak factors', () => {
  const tau = Float64Array.from([0.5, 1, 2, 10]);
  it('li: the retained fraction a = exp(-1 / tau) (tau in steps)', () => {
    const li = RateModelSchema.parse({ kind: 'rate', form: 'li' });
    expect(Array.from(leakFactors(li, tau))).toEqual([Math.exp(-2), Math.exp(-1), Math.exp(-0.5), Math.exp(-0.1)]);
    expect(Array.from(retainedFraction(li, tau))).toEqual(Array.from(leakFactors(li, tau)));
  });

  it('esn: the leak rate lr = 1 / tau, at most 1; the retained fraction is 1 - lr', () => {
    const esn = RateModelSchema.parse({ kind: 'rate', form: 'esn' });
    expect(Array.from(leakFactors(esn, tau))).toEqual([1, 1, 0.5, 0.1]);
    expect(Array.from(retainedFraction(esn, tau))).toEqual([0, 0, 0.5, 0.9]);
  });
});

describe('rate model', () => {
  it('noise is seeded: same seed same states, other seed other states', () => {
    const nw = randomNet(20, 1, 5, 0.2);
    const model = RateModelSchema.parse({ kind: 'rate', noise: 0.05 });
    const input = Float64Array.from({ length: 100 }, (_, t) => Math.sin(t));
    const a = simulateRate(model, nw, input, 100, 1);
    expect(simulateRate(model, nw, input, 100, 1)).toEqual(a);
    expect(simulateRate(model, nw, input, 100, 2)).not.toEqual(a);
  });
});

/** Q from Gram-Schmidt on a random Gaussian matrix: an orthogonal matrix (all |eigenvalues| = 1) */
function orthogonal(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const q = Float64Array.from({ length: n * n }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dp = 0;
      for (let k = 0; k < n; k++) dp += q[i * n + k] * q[j * n + k];
      for (let k = 0; k < n; k++) q[i * n + k] -= dp * q[j * n + k];
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += q[i * n + k] ** 2;
    for (let k = 0; k < n; k++) q[i * n + k] /= Math.sqrt(norm);
  }
  return q;
}

describe('linear memory capacity', () => {
  // With i.i.d. input, sum_d R^2(delay d) <= N for any linear reservoir (Jaeger 2001), and an
  // orthogonal W scaled just below 1 gets close to N (White, Lee & Sompolinsky 2004). tanh with a
  // tiny input scale and no bias is linear to ~1e-8, and the readout does not care about scale.
  it('is at most N and close to N for an orthogonal network', () => {
    const n = 20;
    const rho = 0.97;
    const w = orthogonal(n, 3).map((v) => v * rho);
    const rng = new Rng(12);
    const u = Float64Array.from({ length: n }, () => 1e-4 * rng.normal());
    const nw = net(n, 1, w, u, new Float64Array(n), new Float64Array(n).fill(1));
    const model = RateModelSchema.parse({ kind: 'rate', form: 'esn' });
    const T = 6000;
    const input = Float64Array.from({ length: T }, () => rng.uniform() * 2 - 1);
    const features = simulateRate(model, nw, input, T, 0);
    const delays = Array.from({ length: 3 * n }, (_, d) => d);
    const targets = new Float64Array(delays.length * T);
    delays.forEach((d, k) => {
      for (let t = d; t < T; t++) targets[k * T + t] = input[t - d];
    });
    const s = fitReadout(cpuBackend, {
      features, n, steps: T, targets, k: delays.length,
      classification: delays.map(() => false),
      train: { start: 200, end: 4000 }, validation: { start: 4000, end: 5000 }, test: { start: 5000, end: 6000 },
      ridges: [1e-16, 1e-14, 1e-12],
    });
    const mc = s.capacity.reduce((a, b) => a + b, 0);
    expect(mc).toBeLessThanOrEqual(n + 0.3);
    expect(mc).toBeGreaterThan(0.85 * n);
    // delays beyond ~2N are forgotten (rho^2d has decayed)
    expect(s.capacity[3 * n - 1]).toBeLessThan(0.1);
  });

  it('a network without recurrence and without leak remembers only the present input', () => {
    const n = 20;
    const rng = new Rng(2);
    const u = Float64Array.from({ length: n }, () => 1e-4 * rng.normal());
    const nw = net(n, 1, new Float64Array(n * n), u, new Float64Array(n), new Float64Array(n).fill(1));
    const T = 3000;
    const input = Float64Array.from({ length: T }, () => rng.uniform() * 2 - 1);
    const features = simulateRate(RateModelSchema.parse({ kind: 'rate', form: 'esn' }), nw, input, T, 0);
    const targets = new Float64Array(2 * T);
    for (let t = 1; t < T; t++) {
      targets[t] = input[t];
      targets[T + t] = input[t - 1];
    }
    const s = fitReadout(cpuBackend, {
      features, n, steps: T, targets, k: 2, classification: [false, false],
      train: { start: 10, end: 2000 }, validation: { start: 2000, end: 2500 }, test: { start: 2500, end: 3000 },
      ridges: [1e-14],
    });
    expect(s.capacity[0]).toBeGreaterThan(0.999);
    expect(s.capacity[1]).toBeLessThan(0.02);
  });
});
