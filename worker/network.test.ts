import { describe, it, expect } from 'vitest';
import { NetworkSchema, type NetworkSpec } from '../common/spec.js';
import { spectralRadius } from './linalg.js';
import { buildNetwork, denseToCsr, erdosRenyi, spectralSummary, tauBounds } from './network.js';

const spec = (over: Record<string, unknown> = {}): NetworkSpec => NetworkSchema.parse({ n: 80, ...over });
const countNonzero = (a: Float64Array) => a.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0);

describe('buildNetwork', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const a = buildNetwork(spec(), 3, 42);
    const b = buildNetwork(spec(), 3, 42);
    const c = buildNetwork(spec(), 3, 43);
    expect(a.w).toEqual(b.w);
    expect(a.u).toEqual(b.u);
    expect(a.b).toEqual(b.b);
    expect(a.w).not.toEqual(c.w);
  });

  it('changing the heterogeneity redraws tau only (every matrix has its own seed)', () => {
    const homo = buildNetwork(spec(), 3, 7);
    const het = buildNetwork(spec({ heterogeneity: { family: 'lognormal', cv: 1 } }), 3, 7);
    expect(het.w).toEqual(homo.w);
    expect(het.u).toEqual(homo.u);
    expect(het.b).toEqual(homo.b);
    expect(het.tau).not.toEqual(homo.tau);
    expect(Array.from(homo.tau).every((t) => t === 5)).toBe(true);
    expect(het.tauStats.cv).toBeGreaterThan(0.5);
  });

  it('has the requested density and gain scaling g / sqrt(pN)', () => {
    const n = 400;
    const net = buildNetwork(spec({ n, p: 0.1, scaling: { mode: 'gain', g: 0.9 } }), 3, 1);
    expect(net.density).toBeGreaterThan(0.09);
    expect(net.density).toBeLessThan(0.11);
    let ss = 0;
    for (const v of net.w) ss += v * v;
    // each row has ~pN weights of variance g^2 / (pN): row sum of squares ~ g^2
    expect(ss / n).toBeCloseTo(0.81, 1);
    expect(net.wCsr.values.length).toBe(countNonzero(net.w));
  });

  it('scales to an exact spectral radius', () => {
    const net = buildNetwork(spec({ n: 60, p: 0.2, scaling: { mode: 'radius', rho: 0.77 } }), 3, 5);
    expect(spectralRadius(net.w, 60)).toBeCloseTo(0.77, 10);
  });

  it('input connectivity and scale, bias scale', () => {
    const net = buildNetwork(spec({ n: 500, inputConnectivity: 0.5, inputScale: 2, biasScale: 0 }), 4, 9);
    const frac = countNonzero(net.u) / net.u.length;
    expect(frac).toBeGreaterThan(0.45);
    expect(frac).toBeLessThan(0.55);
    expect(Math.max(...Array.from(net.u, Math.abs))).toBeGreaterThan(4);
    expect(countNonzero(net.b)).toBe(0);
  });

  it("Dale's law: excitatory columns non-negative, inhibitory non-positive", () => {
    const n = 50;
    const net = buildNetwork(spec({ n, p: 0.5, model: { kind: 'lif', dale: true } }), 3, 2);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = net.w[i * n + j];
        if (j < 40) expect(v).toBeGreaterThanOrEqual(0);
        else expect(v).toBeLessThanOrEqual(0);
      }
    }
  });
});

describe('erdosRenyi and denseToCsr', () => {
  it("Dale's law: 80 % excitatory columns, inhibitory weights four times as strong, so the expected input cancels", () => {
    const n = 100;
    const w = erdosRenyi(n, 0.5, 7, true);
    let exc = 0;
    let inh = 0;
    let excCount = 0;
    let inhCount = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = w[i * n + j]!;
        if (v === 0) continue;
        if (j < 80) {
          exc += v;
          excCount++;
        } else {
          inh += v;
          inhCount++;
        }
      }
    }
    // |N(0,1)| has mean sqrt(2/pi) ~ 0.80; inhibitory -4 |N(0,1)|
    expect(exc / excCount).toBeCloseTo(Math.sqrt(2 / Math.PI), 1);
    expect(inh / inhCount).toBeCloseTo(-4 * Math.sqrt(2 / Math.PI), 0);
    expect(Math.abs(exc + inh) / (exc - inh)).toBeLessThan(0.05);
    // without Dale: the same connections, signed normal weights
    const plain = erdosRenyi(n, 0.5, 7, false);
    expect(plain.some((v, k) => k % n < 80 && v < 0)).toBe(true);
    const mismatch = Array.from(w).findIndex((v, k) => Math.abs(v) !== (k % n < 80 ? 1 : 4) * Math.abs(plain[k]!));
    expect(mismatch).toBe(-1);
  });

  it('draws each connection with probability p', () => {
    for (const p of [0.05, 0.3, 1]) {
      const w = erdosRenyi(200, p, 3, false);
      expect(countNonzero(w) / w.length).toBeCloseTo(p, 1);
    }
  });

  it('denseToCsr keeps the nonzeros row by row, in column order', () => {
    const w = Float64Array.from([0, 2, 0, 3, 0, 0, 0, 0, 0, 4, 5, 0]);
    const csr = denseToCsr(w, 3, 4);
    expect(csr.rows).toBe(3);
    expect(csr.cols).toBe(4);
    expect(Array.from(csr.rowPtr)).toEqual([0, 2, 2, 4]);
    expect(Array.from(csr.colIdx)).toEqual([1, 3, 1, 2]);
    expect(Array.from(csr.values)).toEqual([2, 3, 4, 5]);
    // a 2 x 3 block of a wider matrix is read with its own column count
    expect(Array.from(denseToCsr(Float64Array.from([1, 0, 0, 0, 0, 6]), 2, 3).colIdx)).toEqual([0, 2]);
  });
});

describe('manipulations', () => {
  const base = buildNetwork(spec(), 3, 11);
  const nnzBase = countNonzero(base.w);

  it('scaleGain multiplies W, removeRecurrence zeroes it, scaleInput multiplies U', () => {
    const g = buildNetwork(spec({ manipulations: [{ op: 'scaleGain', factor: 0.5 }] }), 3, 11);
    g.w.forEach((v, i) => expect(v).toBe(base.w[i] * 0.5));
    const r = buildNetwork(spec({ manipulations: [{ op: 'removeRecurrence' }] }), 3, 11);
    expect(countNonzero(r.w)).toBe(0);
    expect(r.density).toBe(0);
    const s = buildNetwork(spec({ manipulations: [{ op: 'scaleInput', factor: 3 }] }), 3, 11);
    s.u.forEach((v, i) => expect(v).toBe(base.u[i] * 3));
  });

  it('prune removes the requested fraction, the weakest first in "weakest" mode', () => {
    const p = buildNetwork(spec({ manipulations: [{ op: 'prune', fraction: 0.25, mode: 'weakest' }] }), 3, 11);
    expect(countNonzero(p.w)).toBe(nnzBase - Math.round(0.25 * nnzBase));
    const kept = Array.from(p.w).filter((v) => v !== 0).map(Math.abs);
    const removed = Array.from(base.w).filter((v, i) => v !== 0 && p.w[i] === 0).map(Math.abs);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...removed));
    const rnd = buildNetwork(spec({ manipulations: [{ op: 'prune', fraction: 0.25, mode: 'random' }] }), 3, 11);
    expect(countNonzero(rnd.w)).toBe(nnzBase - Math.round(0.25 * nnzBase));
  });

  it('resampleConnectivity draws a new matrix at the new p; weight noise keeps the zeros', () => {
    const r = buildNetwork(spec({ n: 200, manipulations: [{ op: 'resampleConnectivity', p: 0.5 }] }), 3, 11);
    expect(r.density).toBeGreaterThan(0.45);
    expect(r.density).toBeLessThan(0.55);
    const noisy = buildNetwork(spec({ manipulations: [{ op: 'weightNoise', sigma: 0.3 }] }), 3, 11);
    noisy.w.forEach((v, i) => {
      if (base.w[i] === 0) expect(v).toBe(0);
    });
    expect(noisy.w).not.toEqual(base.w);
  });

  it('perturbTau changes the time constants and their recorded statistics', () => {
    const p = buildNetwork(spec({ manipulations: [{ op: 'perturbTau', sigma: 0.5 }] }), 3, 11);
    expect(p.tau).not.toEqual(base.tau);
    expect(p.tauStats.cv).toBeGreaterThan(0.3);
  });

  it('perturbTau clips to the default bounds: dt and 100 tauMean of the model', () => {
    expect(tauBounds(spec())).toEqual({ tauMin: 1, tauMax: 500 });
    const lif = spec({ model: { kind: 'lif', tauMeanMs: 20, dtSimMs: 0.5 } });
    expect(tauBounds(lif)).toEqual({ tauMin: 0.5, tauMax: 2000 });
    expect(tauBounds(spec({ heterogeneity: { family: 'normal', cv: 0.5, tauMin: 2, tauMax: 9 } }))).toEqual({ tauMin: 2, tauMax: 9 });
    // a lognormal factor with sigma 3 sends taus past both bounds: they land on them exactly
    // (with a default of 10 tauMean the largest would be 50)
    const p = buildNetwork(spec({ n: 400, manipulations: [{ op: 'perturbTau', sigma: 3 }] }), 3, 11);
    expect(p.tauStats.max).toBe(500);
    expect(p.tauStats.min).toBe(1);
  });
});

describe('spectralSummary', () => {
  it('with W = 0 the effective radius is the largest retained fraction', () => {
    const net = buildNetwork(spec({ manipulations: [{ op: 'removeRecurrence' }] }), 3, 1);
    const leak = Float64Array.from({ length: 80 }, (_, i) => i / 100);
    const s = spectralSummary(net, leak);
    expect(s.rhoW).toBe(0);
    expect(s.rhoEff).toBeCloseTo(0.79, 12);
  });

  it('with a = 0 (no memory) the effective radius equals rho(W)', () => {
    const net = buildNetwork(spec(), 3, 1);
    const s = spectralSummary(net, new Float64Array(80));
    expect(s.rhoEff).toBeCloseTo(s.rhoW, 12);
  });
});
