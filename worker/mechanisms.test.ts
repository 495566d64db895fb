import { describe, it, expect } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { NetworkSchema, RateModelSchema, type RateModelSpec } from '../common/spec.js';
import { cpuBackend } from './backends/cpu.js';
import { quantileSorted } from './distribution.js';
import { eigenvalues, symmetricEigen } from './linalg.js';
import {
  alignment, alignmentKs, autocorrelationTimescales, capturedFractions, dimensionality, effectiveSpectrum, linearisedUpdate, meanSlopes, rateMechanisms,
  TIMESCALE_ESTIMATOR, type AlignmentSource,
} from './mechanisms.js';
import { leakFactors, retainedFraction, simulateRate } from './models/rate.js';
import { buildNetwork, spectralSummary } from './network.js';
import { accumulateReadout, fitReadout, scoreReadout, solveRidgeGrid, type ReadoutData } from './readout.js';
import { Rng } from './rng.js';
import type { BuiltNetwork } from './types.js';

const li: RateModelSpec = RateModelSchema.parse({ kind: 'rate' });
const esn: RateModelSpec = RateModelSchema.parse({ kind: 'rate', form: 'esn' });

/** the centred Gram matrix Xc'Xc of T x n time-major features */
function centredGram(x: Float64Array, n: number, T: number): Float64Array {
  const mu = new Float64Array(n);
  for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) mu[i] += x[t * n + i] / T;
  const g = new Float64Array(n * n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const a = x[t * n + i] - mu[i];
      for (let j = 0; j < n; j++) g[i * n + j] += a * (x[t * n + j] - mu[j]);
    }
  }
  return g;
}

/** a hand-made network: W, tau given, no input */
function handNet(w: number[], tau: number[]): BuiltNetwork {
  const n = tau.length;
  return {
    n,
    d: 0,
    w: Float64Array.from(w),
    wCsr: { rows: n, cols: n, rowPtr: new Int32Array(n + 1), colIdx: new Int32Array(0), values: new Float64Array(0) },
    u: new Float64Array(0),
    b: new Float64Array(n),
    tau: Float64Array.from(tau),
    tauStats: { mean: 0, cv: 0, skewness: 0, min: 0, max: 0, bounded: 0 },
    density: 0,
  };
}

describe('dimensionality', () => {
  it('gives hand-computed values on known eigenvalue lists, in any order', () => {
    expect(dimensionality([1, 1, 1, 1])).toEqual({ participationRatio: 4, components90: 4, components99: 4 });
    // sum 10, sum of squares 30: PR 100/30; 4 + 3 + 2 = 9 = 90 % exactly
    expect(dimensionality([2, 4, 1, 3])).toEqual({ participationRatio: 100 / 30, components90: 3, components99: 4 });
    // 9 of 10 is 90 % at one component (exact in arithmetic, so the count must not slip to 2)
    expect(dimensionality([1, 9])).toEqual({ participationRatio: 100 / 82, components90: 1, components99: 2 });
    // 99 of 100 in the first two
    expect(dimensionality([0.5, 0.5, 90, 9])).toMatchObject({ components90: 1, components99: 2 });
    // negative rounding and values at rounding level of the largest count as 0
    expect(dimensionality([-1e-18, 2, 1e-17, 0])).toEqual({ participationRatio: 1, components90: 1, components99: 1 });
    expect(dimensionality([0, 0, 0])).toEqual({ participationRatio: 0, components90: 0, components99: 0 });
    expect(dimensionality([])).toEqual({ participationRatio: 0, components90: 0, components99: 0 });
  });

  it('isotropic white states: PR = (N T\' + 2) / (T\' + N + 1) within its sampling sd 2N/T (Wishart, T\' = T - 1)', () => {
    // For T' degrees of freedom (T - 1 after centring) G ~ Wishart_N(T', I): E tr G = N T',
    // E (tr G)^2 = N^2 T'^2 + 2 N T', E tr G^2 = N T'(T' + N + 1), so PR ≈ (N T' + 2) / (T' + N + 1)
    // = N (1 - (N + 1)/T) roughly. Its sd: with G/T' = I + E, the first-order terms in E cancel and
    // PR ≈ N - sum E_ij^2, whose sd is about 2N/T (200 simulated draws: 0.9 to 1.0 x 2N/T).
    const [n, T] = [40, 20_000];
    const rng = new Rng(5);
    const x = rng.fillNormal(new Float64Array(T * n));
    const { values } = symmetricEigen(centredGram(x, n, T), n);
    const d = dimensionality(values);
    const expected = (n * (T - 1) + 2) / (T - 1 + n + 1);
    expect(Math.abs(d.participationRatio - expected)).toBeLessThan(5 * ((2 * n) / T));
    expect(d.participationRatio).toBeLessThan(n);
    // isotropic: 90 % of the variance needs about 90 % of the components
    expect(d.components90).toBeGreaterThanOrEqual(34);
    expect(d.components90).toBeLessThanOrEqual(37);
    expect(d.components99).toBeGreaterThanOrEqual(39);
  });

  it('rank-one states give exactly 1, from the readout\'s own eigen-decomposition', () => {
    const [n, T] = [30, 500];
    const rng = new Rng(8);
    const u = rng.fillNormal(new Float64Array(n));
    const x = new Float64Array(T * n);
    for (let t = 0; t < T; t++) {
      const c = rng.normal();
      for (let i = 0; i < n; i++) x[t * n + i] = 0.3 + c * u[i];
    }
    const acc = accumulateReadout(cpuBackend, readoutData(x, n, T, new Float64Array(T), 1));
    expect(dimensionality(acc.eigenvalues)).toEqual({ participationRatio: 1, components90: 1, components99: 1 });
  });
});

/** AR(1) series x_t = a x_{t-1} + (1 - a) s_t, one per a, as T x a.length time-major features */
function leakyUnits(as: number[], T: number, seed: number, burn = 2000): Float64Array {
  const n = as.length;
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const out = new Float64Array(T * n);
  for (let t = -burn; t < T; t++) {
    for (let i = 0; i < n; i++) {
      x[i] = as[i] * x[i] + (1 - as[i]) * rng.normal();
      if (t >= 0) out[t * n + i] = x[i];
    }
  }
  return out;
}

describe('autocorrelationTimescales', () => {
  it('recovers -1/ln(a) of linear leaky units driven by white noise, within the stated bias and 4 sampling sd', () => {
    const taus = [1, 5, 20, 50];
    const as = taus.map((tau) => Math.exp(-1 / tau));
    const T = 200_000;
    const { values, undefined: undef } = autocorrelationTimescales(leakyUnits(as, T, 3), as.length, T, 0, T);
    expect(undef).toBe(0);
    taus.forEach((tau, i) => {
      const rho = as[i];
      // first-order bias of the estimate and its sampling sd (both in the function's documentation)
      const bias = (-(1 + 3 * rho) * tau * tau) / (rho * T);
      const sd = ((tau * tau) / rho) * Math.sqrt((1 - rho * rho) / T);
      expect(Math.abs(values[i] - (tau + bias)), `tau ${tau}: ${values[i]}`).toBeLessThan(4 * sd);
    });
  });

  it('its lag-1 coefficient is biased low by (1 + 3 rho) / L, as documented (4000 short series)', () => {
    // mean over 4000 independent series of L = 200 steps, tau = 5: the bias, (1 + 3 rho)/L = 0.0173,
    // is 25 standard errors of the mean; c1/c0's (1 + 4 rho)/L would be 6 away
    const n = 4000;
    const L = 200;
    const rho = Math.exp(-1 / 5);
    const { values } = autocorrelationTimescales(leakyUnits(new Array(n).fill(rho), L, 11), n, L, 0, L);
    let mean = 0;
    for (const tau of values) mean += Math.exp(-1 / tau) / n;
    const se = Math.sqrt((1 - rho * rho) / L / n);
    expect(Math.abs(mean - (rho - (1 + 3 * rho) / L))).toBeLessThan(3 * se);
  });

  it('uses the rows [t0, t1) only, and leaves out constant and anti-correlated series', () => {
    const T = 1000;
    const n = 3;
    const x = leakyUnits([0.9, 0.9, 0.9], T, 4);
    for (let t = 0; t < T; t++) {
      x[t * n + 1] = 0.75; // constant
      x[t * n + 2] = t % 2 === 0 ? 1 : -1; // rho1 = -1
    }
    const whole = autocorrelationTimescales(x, n, T, 0, T);
    expect(whole.undefined).toBe(2);
    expect(Number.isNaN(whole.values[1]) && Number.isNaN(whole.values[2])).toBe(true);
    // a segment gives the timescale of that segment's rows alone
    const seg = autocorrelationTimescales(x, n, T, 200, 700);
    const alone = autocorrelationTimescales(x.slice(200 * n, 700 * n), n, 500, 0, 500);
    expect(seg.values[0]).toBe(alone.values[0]);
    expect(() => autocorrelationTimescales(x, n, T, 10, T + 1)).toThrow(/does not fit/);
  });

  it('each neuron is the estimator written out alone, bit for bit, for every N to 9 (four neurons at a time and the rest)', () => {
    const rng = new Rng(8);
    const T = 300;
    for (let n = 1; n <= 9; n++) {
      // AR(1) rates (lag-1 correlation in (0, 1): a defined timescale, so the sums show in every value)
      const x = new Float64Array(T * n);
      for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) x[t * n + i] = (t > 0 ? 0.8 * x[(t - 1) * n + i] : 0) + 0.3 * rng.normal();
      const [t0, t1] = [17, 251];
      const mean = Float64Array.from({ length: n }, (_, i) => x[t0 * n + i] * 0.5);
      const ours = autocorrelationTimescales(x, n, T, t0, t1, mean);
      for (let i = 0; i < n; i++) {
        let lagged = 0;
        let squares = 0;
        for (let t = t0 + 1; t < t1; t++) {
          const p = x[(t - 1) * n + i] - mean[i];
          lagged += p * (x[t * n + i] - mean[i]);
          squares += p * p;
        }
        expect(Object.is(ours.values[i], -1 / Math.log(lagged / squares))).toBe(true);
        expect(ours.values[i]).toBeGreaterThan(0);
      }
    }
  });
});

describe('linearisedUpdate and effectiveSpectrum', () => {
  const n = 40;
  const spec = (over: Record<string, unknown> = {}) => NetworkSchema.parse({ n, p: 0.2, heterogeneity: { family: 'lognormal', cv: 1 }, ...over });

  it('with W = 0 the spectrum is exactly the leak factors: li a_i, esn 1 - lr_i', () => {
    const net = buildNetwork(spec({ manipulations: [{ op: 'removeRecurrence' }] }), 3, 9);
    const rng = new Rng(2);
    const T = 50;
    const features = Float64Array.from({ length: T * n }, () => Math.tanh(rng.normal()));
    for (const model of [li, esn]) {
      const s = effectiveSpectrum(model, net, features, T, 0, T);
      const expected = model.form === 'li' ? leakFactors(model, net.tau) : retainedFraction(model, net.tau);
      expect([...s.effective.re].sort((a, b) => a - b)).toEqual(Array.from(expected).sort((a, b) => a - b));
      expect(s.effective.im.every((v) => v === 0)).toBe(true);
      expect(s.rho).toBe(Math.max(...expected));
      expect(s.effectiveTimescales.n + s.effectiveTimescales.unstable).toBe(n);
    }
    // li: the effective timescales are the time constants themselves, -1/ln exp(-1/tau) = tau
    const s = effectiveSpectrum(li, net, features, T, 0, T);
    expect(s.effectiveTimescales.median).toBeCloseTo(quantileSorted(Array.from(net.tau).sort((a, b) => a - b), 0.5), 9);
  });

  it('li with mean slope 1 (tiny input, tanh linear) is diag(a) + diag(1 - a) W, bit for bit as rho_eff', () => {
    const net = buildNetwork(spec({ inputScale: 1e-12, biasScale: 0 }), 3, 4);
    const T = 200;
    const input = new Rng(6).fillNormal(new Float64Array(T * 3));
    const features = simulateRate(li, net, input, T, 0);
    expect(Array.from(meanSlopes(features, n, T, 20, T)).every((s) => s === 1)).toBe(true);
    const a = leakFactors(li, net.tau);
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) m[i * n + j] = (1 - a[i]) * net.w[i * n + j];
      m[i * n + i] += a[i];
    }
    expect(linearisedUpdate(li, net, features, T, 20, T)).toEqual(m);
    const s = effectiveSpectrum(li, net, features, T, 20, T);
    const summary = spectralSummary(net, retainedFraction(li, net.tau));
    expect(s.rho).toBe(summary.rhoEff);
    const w = eigenvalues(net.w, n);
    expect(s.w).toEqual({ re: Array.from(w.re), im: Array.from(w.im) });
    // W's eigenvalues give the run's rho(W), bit for bit: a run need not solve for them twice
    expect(Math.max(...s.w.re.map((re, i) => Math.hypot(re, s.w.im[i])))).toBe(summary.rhoW);
  });

  it('esn on a hand-made 2 x 2 case: diag(1 - lr) + diag(lr) diag(s) W, a complex pair and its timescale', () => {
    // tau 2 and 4: lr = 0.5, 0.25; rates +-0.5 and 0: slopes 0.75 and 1 (all dyadic: exact)
    const net = handNet([0.5, -1, 2, 0.25], [2, 4]);
    const features = Float64Array.from([0.5, 0, -0.5, 0, 0.5, 0, -0.5, 0]);
    const m = linearisedUpdate(esn, net, features, 4, 0, 4);
    // [1 - 0.5 + 0.5 * 0.75 * 0.5, 0.5 * 0.75 * -1; 0.25 * 1 * 2, 1 - 0.25 + 0.25 * 1 * 0.25]
    expect(Array.from(m)).toEqual([0.6875, -0.375, 0.5, 0.8125]);
    // trace 1.5, det 0.74609375: mu = 0.75 +- i sqrt(det - 0.5625), |mu| = sqrt(det)
    const s = effectiveSpectrum(esn, net, features, 4, 0, 4);
    const det = 0.74609375;
    expect(s.rho).toBeCloseTo(Math.sqrt(det), 14);
    expect([...s.effective.re]).toEqual([expect.closeTo(0.75, 14), expect.closeTo(0.75, 14)]);
    expect(Math.abs(s.effective.im[0])).toBeCloseTo(Math.sqrt(det - 0.5625), 14);
    expect(s.effectiveTimescales).toMatchObject({ n: 2, unstable: 0 });
    expect(s.effectiveTimescales.cv).toBeCloseTo(0, 12);
    expect(s.effectiveTimescales.mean).toBeCloseTo(-1 / Math.log(Math.sqrt(det)), 12);
    // the li form of the same: diag(a) + diag(1 - a) W diag(s), column j scaled by s_j
    const a = leakFactors(li, net.tau);
    expect(Array.from(linearisedUpdate(li, net, features, 4, 0, 4))).toEqual([a[0] + (1 - a[0]) * 0.5 * 0.75, (1 - a[0]) * -1, (1 - a[1]) * 2 * 0.75, a[1] + (1 - a[1]) * 0.25]);
  });

  it('counts eigenvalues outside the unit circle as unstable and leaves them out of the timescales', () => {
    // li, W = diag(3, 0): a + (1 - a) 3 > 1 for neuron 0; neuron 1 keeps a
    const net = handNet([3, 0, 0, 0], [5, 5]);
    const features = new Float64Array(4); // rates 0: slopes 1
    const s = effectiveSpectrum(li, net, features, 2, 0, 2);
    expect(s.effectiveTimescales).toMatchObject({ n: 1, unstable: 1 });
    expect(s.effectiveTimescales.mean).toBeCloseTo(5, 12);
    expect(s.rho).toBeGreaterThan(1);
    // esn with tau = 1 (lr = 1) and W = 0: mu = 0, a mode gone in one step, kept as timescale 0
    const gone = effectiveSpectrum(esn, handNet([0, 0, 0, 0], [1, 2]), features, 2, 0, 2);
    expect(gone.effectiveTimescales).toMatchObject({ n: 2, unstable: 0, mean: (0 + 1 / Math.LN2) / 2 });
    expect(gone.effectiveTimescales.histogram.counts.reduce((a, b) => a + b, 0)).toBe(1); // log10(0) has no bin
  });
});

/** one segment of everything: train [0, T - 40), validation and test 20 each */
function readoutData(features: Float64Array, n: number, T: number, targets: Float64Array, k: number): ReadoutData {
  return { features, n, steps: T, targets, k, train: { start: 0, end: T - 40 }, validation: { start: T - 40, end: T - 20 }, test: { start: T - 20, end: T } };
}

describe('alignment', () => {
  it('alignmentKs: 1, 2, 3, 5, 10, 20, 50, ... below N, then N', () => {
    expect(alignmentKs(1000)).toEqual([1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(alignmentKs(100)).toEqual([1, 2, 3, 5, 10, 20, 50, 100]);
    expect(alignmentKs(400)).toEqual([1, 2, 3, 5, 10, 20, 50, 100, 200, 400]);
    expect(alignmentKs(7)).toEqual([1, 2, 3, 5, 7]);
    expect(alignmentKs(3)).toEqual([1, 2, 3]);
    expect(alignmentKs(1)).toEqual([1]);
  });

  it('hand-computed captured fractions, family means and k_half', () => {
    // eigenvalues ascending 1, 2, 4 (and one below the cut); task 0: z = 1, 2, 2 on them -> terms
    // 1/1, 4/2, 4/4 -> largest first 1, 3, 4 over y'y = 8
    const src: AlignmentSource = {
      n: 4,
      k: 3,
      eigenvalues: Float64Array.from([1e-20, 1, 2, 4]),
      xtyEigen: Float64Array.from([5, 1, 2, 2, 0, 0, 0, 4, 0, 1, 0, 0]),
      trainYy: Float64Array.from([8, 4, 4]),
      cut: 1e-12,
    };
    const c = capturedFractions(src);
    expect(Array.from(c.subarray(0, 4))).toEqual([0.125, 0.375, 0.5, 0.5]);
    expect(Array.from(c.subarray(4, 8))).toEqual([1, 1, 1, 1]);
    expect(Array.from(c.subarray(8, 12))).toEqual([0, 0, 0.25, 0.25]);
    const a = alignment(src, ['delay', 'delay', 'narma'], [0.7, 1, 0.9]);
    expect(a.ks).toEqual([1, 2, 3, 4]);
    expect(a.byFamily).toEqual({ delay: [0.5625, 0.6875, 0.75, 0.75], narma: [0, 0, 0.25, 0.25] });
    // half of 0.7 is first reached at k = 2; half of 1 at k = 1; half of 0.9 never (0.25 at most)
    expect(a.kHalf).toEqual([2, 1, null]);
    expect(alignment(src, ['a', 'b', 'c'], [0, -1, NaN]).kHalf).toEqual([null, null, null]);
    // a constant training target has nothing to capture: left out of its family's mean
    const flat = alignment({ ...src, trainYy: Float64Array.from([8, 0, 0]) }, ['delay', 'delay', 'narma'], [0.7, 1, 0.9], [1, 4]);
    expect(flat.byFamily.delay).toEqual([0.125, 0.5]);
    expect(flat.byFamily.narma.every(Number.isNaN)).toBe(true);
    expect(() => alignment(src, ['a'], [1])).toThrow(/families/);
    expect(() => alignment(src, ['a', 'b', 'c'], [1, 1, 1], [0, 5])).toThrow(/not in 1/);
  });

  it('equals capturedFractions\' values, bit for bit: family means at any ks (unsorted, repeated) and the first k reaching half of R^2', () => {
    // odd n, eigenvalues below the cut, constant targets, R^2 <= 0 and NaN, tasks of a family apart
    const rng = new Rng(5);
    for (const [n, K] of [[1, 3], [7, 11], [33, 40]]) {
      const eigenvalues = Float64Array.from({ length: n }, (_, i) => (i < 2 ? 1e-20 : (i + 1) * (1 + rng.uniform()))).sort();
      const src: AlignmentSource = {
        n,
        k: K,
        eigenvalues,
        xtyEigen: Float64Array.from({ length: K * n }, () => rng.normal()),
        trainYy: Float64Array.from({ length: K }, (_, j) => (j % 5 === 4 ? 0 : 5 + 50 * rng.uniform())),
        cut: 1e-12,
      };
      const families = Array.from({ length: K }, (_, j) => ['delay', 'narma', 'xor'][(j * 7) % 3]);
      const r2 = Array.from({ length: K }, (_, j) => (j % 6 === 5 ? -0.1 : j % 9 === 8 ? NaN : 0.8 * rng.uniform()));
      const ks = n > 2 ? [n, 1, 3, 3, 2] : [1, n];
      const captured = capturedFractions(src);
      const a = alignment(src, families, r2, ks);
      for (const f of new Set(families)) {
        const tasks = families.flatMap((g, j) => (g === f && !Number.isNaN(captured[j * n]) ? [j] : []));
        const expected = ks.map((k) => (tasks.length ? tasks.reduce((s, j) => s + captured[j * n + k - 1], 0) / tasks.length : NaN));
        expect(a.byFamily[f]).toEqual(expected);
      }
      const firstK = (j: number) => {
        if (!(r2[j] > 0)) return null;
        for (let k = 1; k <= n; k++) if (captured[j * n + k - 1] >= r2[j] / 2) return k;
        return null;
      };
      expect(a.kHalf).toEqual(Array.from({ length: K }, (_, j) => firstK(j)));
      expect(a.kHalf.some((k) => k !== null && k > 1)).toBe(n > 2);
    }
  });

  describe('from the readout\'s accumulation', () => {
    const [n, T] = [8, 600];
    const rng = new Rng(21);
    // features of unequal variances (distinct eigenvalues) with an offset
    const x = new Float64Array(T * n);
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) x[t * n + i] = 1 + (i + 1) * rng.normal() + 0.3 * (i > 0 ? x[t * n] : 0);
    const first = accumulateReadout(cpuBackend, readoutData(x, n, T, new Float64Array(T), 1));
    const v = Float64Array.from(first.eigenvectors);
    const mu = Float64Array.from(first.mu);
    /** the projection of every row (centred on the training means) on eigenvector column `col` */
    const component = (col: number) => Float64Array.from({ length: T }, (_, t) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (x[t * n + i] - mu[i]) * v[i * n + col];
      return s;
    });
    const top = component(n - 1);
    const second = component(n - 2);
    const noise = new Rng(3).fillNormal(new Float64Array(T));
    const beta = new Rng(4).fillNormal(new Float64Array(n));
    const linear = Float64Array.from({ length: T }, (_, t) => 2 + x.subarray(t * n, t * n + n).reduce((s, xi, i) => s + xi * beta[i], 0) + 4 * noise[t]);
    const targets = new Float64Array(4 * T);
    targets.set(top.map((c) => 5 - 3 * c), 0); // the first principal component, scaled and offset
    targets.set(second, T); // orthogonal to it
    targets.set(linear, 2 * T);
    targets.set(noise, 3 * T);
    const acc = accumulateReadout(cpuBackend, readoutData(x, n, T, targets, 4));
    const c = capturedFractions(acc);

    it('a target equal to the first principal component has alignment 1 at k = 1; one orthogonal to it 0', () => {
      expect(c[0]).toBeCloseTo(1, 12);
      expect(c[n]).toBeCloseTo(0, 12);
      expect(c[n + 1]).toBeCloseTo(1, 12);
    });

    it('is non-decreasing in k and reaches the in-sample R^2 of the unregularised least-squares fit at k = N', () => {
      for (let j = 0; j < 4; j++) {
        for (let k = 1; k < n; k++) expect(c[j * n + k]).toBeGreaterThanOrEqual(c[j * n + k - 1]);
        const r2 = inSampleR2(x, n, targets.subarray(j * T, (j + 1) * T), 0, T - 40);
        expect(c[j * n + n - 1], `task ${j}`).toBeCloseTo(r2, 10);
      }
      // the linear target is mostly captured; white noise hardly (about N / L)
      expect(c[3 * n - 1]).toBeGreaterThan(0.5);
      expect(c[4 * n - 1]).toBeLessThan(0.1);
    });

    it('trainYy is the training targets\' sum of squares about their training mean', () => {
      for (let j = 0; j < 4; j++) {
        const y = targets.subarray(j * T, j * T + T - 40);
        const m = y.reduce((s, v) => s + v, 0) / y.length;
        expect(acc.trainYy[j]).toBeCloseTo(y.reduce((s, v) => s + (v - m) ** 2, 0), 8);
      }
    });
  });
});

/** R^2 on rows [t0, t1) of the least-squares fit with an intercept on those rows (ml-matrix) */
function inSampleR2(x: Float64Array, n: number, y: ArrayLike<number>, t0: number, t1: number): number {
  const rows: number[][] = [];
  const ys: number[] = [];
  for (let t = t0; t < t1; t++) {
    rows.push([1, ...Array.from(x.subarray(t * n, t * n + n))]);
    ys.push(y[t]);
  }
  const a = new Matrix(rows);
  const b = solve(a.transpose().mmul(a), a.transpose().mmul(Matrix.columnVector(ys))).getColumn(0);
  const m = ys.reduce((s, v) => s + v, 0) / ys.length;
  let ssRes = 0;
  let ssTot = 0;
  rows.forEach((r, t) => {
    const f = r.reduce((s, v, i) => s + v * b[i], 0);
    ssRes += (ys[t] - f) ** 2;
    ssTot += (ys[t] - m) ** 2;
  });
  return 1 - ssRes / ssTot;
}

describe('rateMechanisms', () => {
  /** a simulated run read out with the three stages, its mechanisms taken between scoring and the next accumulation */
  function mechanismsOf(n: number, options?: { spectraAboveLimit?: boolean }) {
    const spec = NetworkSchema.parse({ n, p: 0.1, heterogeneity: { family: 'lognormal', cv: 1 } });
    const net = buildNetwork(spec, 3, 12);
    const T = 700;
    const input = new Rng(1).fillNormal(new Float64Array(T * 3));
    const features = simulateRate(li, net, input, T, 0);
    const K = 6;
    const targets = new Float64Array(K * T);
    for (let j = 0; j < K; j++) for (let t = j; t < T; t++) targets[j * T + t] = input[(t - j) * 3];
    const problem = { ...readoutData(features, n, T, targets, K), train: { start: 100, end: 500 }, validation: { start: 500, end: 600 }, test: { start: 600, end: 700 } };
    const acc = accumulateReadout(cpuBackend, problem);
    const classification = new Array<boolean>(K).fill(false);
    const scores = scoreReadout(cpuBackend, acc, solveRidgeGrid(cpuBackend, acc, [1e-6, 1e-2, 1]), classification);
    const families = ['delay', 'delay', 'delay', 'memory', 'memory', 'memory'];
    const mech = rateMechanisms({ model: li, net, features, steps: T, train: problem.train, acc, families, r2: scores.r2, options });
    return { mech, net, features, T, acc, scores, problem, classification, families };
  }

  it('composes the four measures on the training segment, and the readout\'s scores keep their bits', () => {
    const { mech, net, features, T, acc, scores, problem, classification } = mechanismsOf(60);
    expect(mech.kind).toBe('rate');
    expect(mech).toMatchObject(dimensionality(acc.eigenvalues));
    expect(mech.participationRatio).toBeGreaterThan(1);
    const ts = autocorrelationTimescales(features, 60, T, 100, 500);
    expect(mech.timescales).toMatchObject({ estimator: TIMESCALE_ESTIMATOR, undefinedNeurons: ts.undefined, n: 60 - ts.undefined });
    expect(mech.timescales.histogram.log).toBe(true);
    expect(mech.spectrum).toEqual(effectiveSpectrum(li, net, features, T, 100, 500));
    expect(mech.spectrum!.w.re).toHaveLength(60);
    expect(mech.alignment.ks).toEqual([1, 2, 3, 5, 10, 20, 50, 60]);
    expect(Object.keys(mech.alignment.byFamily)).toEqual(['delay', 'memory']);
    expect(mech.alignment.kHalf).toHaveLength(6);
    // the delay-0 target is learnt: its k_half exists
    expect(scores.r2[0]).toBeGreaterThan(0.5);
    expect(mech.alignment.kHalf[0]).not.toBeNull();
    const again = fitReadout(cpuBackend, { ...problem, classification, ridges: [1e-6, 1e-2, 1] });
    expect(Array.from(again.r2)).toEqual(Array.from(scores.r2));
  });

  it('leaves the spectrum out above N = 400 unless asked', () => {
    expect(mechanismsOf(401).mech.spectrum).toBeNull();
  }, 120_000);
});
