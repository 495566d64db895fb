// The mechanism analysis on runs made by hand: which measures move with heterogeneity (paired over
// seeds), and a regression of the gain on their changes that recovers known coefficients.
import { describe, it, expect } from 'vitest';
import type { Distribution, RateMechanisms } from '../../common/mechanisms.js';
import type { RunFactors, RunResult } from '../../common/results.js';
import { factorKey } from '../plan.js';
import { summariseConditions } from './findings.js';
import { describeMechanisms, mechanismFindings } from './mechanisms.js';

const dist = (mean: number, cv: number): Distribution => ({ n: 100, mean, sd: mean * cv, cv, skewness: 0, median: mean, p10: mean, p90: mean, histogram: { log: true, edges: [0, 1], counts: [100] } });

function mech(pr: number, tauCv: number): RateMechanisms {
  return {
    kind: 'rate',
    participationRatio: pr,
    components90: Math.round(pr / 2),
    components99: Math.round(pr),
    timescales: { ...dist(5, tauCv), estimator: 'lag-1', undefinedNeurons: 0 },
    spectrum: null,
    alignment: { ks: [1], byFamily: {}, kHalf: [] },
  };
}

function run(f: Partial<RunFactors>, capacity: number, m: RateMechanisms | null): RunResult {
  const factors: RunFactors = { family: 'none', cv: 0, n: 100, tauMean: 5, trainLength: 2000, manipulation: 'base', model: 'rate', seedIndex: 0, ...f };
  return {
    index: 0,
    key: factorKey(factors, true),
    condition: factorKey(factors, false),
    factors,
    seeds: { root: 1, network: 10 + factors.seedIndex, input: 20 + factors.seedIndex },
    backend: 'cpu',
    summary: { tasks: 1, meanCapacity: capacity, totalCapacity: capacity, meanR2: capacity, perFamily: {} },
    scores: { r2: [capacity], capacity: [capacity], nrmse: [null], accuracy: [null], ridge: [1] },
    network: { tau: { mean: 5, cv: factors.cv, skewness: 0, min: 1, max: 9, bounded: 0 }, rhoW: null, rhoEff: null, density: 0.1, meanRateHz: null },
    timings: { simulateMs: 0, readoutMs: 0, totalMs: 0 },
    ...(m ? { mechanisms: m } : {}),
  };
}

describe('mechanism findings', () => {
  // capacity = 0.2 + 0.01 PR + 0.05 τ-CV + a seed offset, exactly; PR and τ-CV grow with the level
  // (by amounts that differ between seeds, so the regression is identified within each seed)
  const levels = [0.25, 0.5, 1, 2];
  const results: RunResult[] = [];
  for (let s = 0; s < 3; s++) {
    const cap = (pr: number, cv: number) => 0.2 + 0.01 * pr + 0.05 * cv + 0.003 * s;
    results.push(run({ seedIndex: s }, cap(10, 0.1), mech(10, 0.1)));
    levels.forEach((c, i) => {
      const pr = 10 + 3 * c + 0.5 * s * i;
      const cv = 0.1 + 0.4 * c + 0.02 * (i * i - s);
      results.push(run({ family: 'lognormal', cv: c, seedIndex: s }, cap(pr, cv), mech(pr, cv)));
    });
  }

  it('finds the measures that move with heterogeneity, paired over seeds', () => {
    const f = mechanismFindings(results, summariseConditions(results))!;
    expect(f.measured).toBe(15);
    expect(f.notMeasured).toBe(0);
    const pr = f.measures.find((m) => m.key === 'participationRatio')!;
    expect(pr.moves).toBe('up');
    expect(pr.contrasts).toHaveLength(4);
    // at c = 2 (i = 3): ΔPR = 6 + 1.5 s → mean over s = 0, 1, 2: 7.5
    expect(pr.contrasts[3].delta.mean).toBeCloseTo(7.5, 12);
    expect(pr.contrasts[3].seeds).toBe(3);
    const mean = f.measures.find((m) => m.key === 'timescaleMean')!;
    // the mean timescale is 5 everywhere: it does not move
    expect(mean.moves).toBe('no');
  });

  it('recovers the gain regression: coefficients, R² 1 and the whole gain accounted for', () => {
    const r = mechanismFindings(results, summariseConditions(results))!.regression!;
    expect(r.fitted).toBe(true);
    expect(r.seeds).toBe(3);
    expect(r.terms[0].mean).toBeCloseTo(0.01, 9);
    expect(r.terms[1].mean).toBeCloseTo(0.05, 9);
    expect(r.rSquared.mean).toBeCloseTo(1, 9);
    expect(r.share.mean).toBeCloseTo(1, 9);
    const lines = describeMechanisms(mechanismFindings(results, summariseConditions(results))!);
    expect(lines.join('\n')).toMatch(/participation ratio \(dimensions\): .* → higher with heterogeneity \(all 4 contrasts\)/);
    expect(lines.join('\n')).toMatch(/3 seed\(s\) of 4 points each for 3 coefficients/);
    expect(lines.join('\n')).toMatch(/the changes of these measures account for the gain \(the interval reaches all of it\)/);
  });

  it('a gain the measures do not carry: every heterogeneous run gains a constant besides, and the share drops below 1', () => {
    // + k on every heterogeneous run, whatever its measures: the larger k, the less of the gain the measures predict
    const findings = (k: number) => {
      const shifted = results.map((r) => (r.factors.family === 'none' ? r : { ...r, summary: { ...r.summary, meanCapacity: r.summary.meanCapacity + k } }));
      return mechanismFindings(shifted, summariseConditions(shifted))!;
    };
    const shares = [0, 0.02, 0.1, 0.5].map((k) => findings(k).regression!.share.mean);
    expect(shares[0]).toBeCloseTo(1, 9);
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeLessThan(shares[i - 1]);
    expect(shares[3]).toBeLessThan(0.2);
    // exactly: the intercept takes k, so each seed's share is its measured gain P over P + k
    const gains = [0, 1, 2].map((s) => {
      const hom = results.find((r) => r.factors.family === 'none' && r.factors.seedIndex === s)!.summary.meanCapacity;
      const het = results.filter((r) => r.factors.family !== 'none' && r.factors.seedIndex === s).map((r) => r.summary.meanCapacity - hom);
      return het.reduce((a, b) => a + b, 0) / het.length;
    });
    [0.02, 0.1, 0.5].forEach((k, i) => expect(shares[i + 1]).toBeCloseTo(gains.reduce((a, g) => a + g / (g + k), 0) / 3, 9));
    const f = findings(0.1);
    const r = f.regression!;
    expect(r.rSquared.hi).toBeLessThanOrEqual(1);
    expect(r.rSquared.lo).toBeGreaterThanOrEqual(0);
    const text = describeMechanisms(f).join('\n');
    if (r.share.lo > 0 && r.share.hi < 1) expect(text).toMatch(/account for part of the gain/);
    else expect(text).not.toMatch(/reaches all of it/);
  });

  it('says so when nothing moves, and when runs were not measured', () => {
    const flat = results.map((r) => ({ ...r, mechanisms: mech(10, 0.1) }));
    const f = mechanismFindings(flat, summariseConditions(flat))!;
    expect(f.measures.every((m) => m.moves === 'no' || m.moves === 'no contrast')).toBe(true);
    expect(describeMechanisms(f).join('\n')).toMatch(/No measure moves distinguishably with heterogeneity/);
    const old = results.map((r, i) => (i % 5 === 0 ? { ...r, mechanisms: undefined } : r));
    const g = mechanismFindings(old, summariseConditions(old))!;
    expect(g.notMeasured).toBe(3);
    expect(describeMechanisms(g)[0]).toMatch(/3 of 15 runs were not measured .*quench resume --add-mechanisms/);
    expect(mechanismFindings(results.map((r) => ({ ...r, mechanisms: undefined })), summariseConditions(results))).toBeNull();
  });

  it('does not fit the regression with fewer than four heterogeneous conditions, and says why', () => {
    const two = results.filter((r) => r.factors.cv <= 0.5);
    const r = mechanismFindings(two, summariseConditions(two))!.regression!;
    expect(r.fitted).toBe(false);
    expect(r.why).toMatch(/at least 4 heterogeneous conditions .* this experiment has 2/);
  });
});
