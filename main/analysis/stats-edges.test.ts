// Edge cases of main/analysis/stats.ts that stats.test.ts leaves open: input validation and its
// messages, the method strings and `exact` flags the reports print, the branches of the special
// functions (table / Cornish-Fisher / numeric inversion of t, the two continued-fraction branches of
// the t tail, the normal tail below 0), the regression with three or no predictors, and the bounded
// index sampler of the bootstrap on both of its paths.
//
// References as in stats.test.ts: "scipy" = scipy 1.17.1 / numpy 2.4.6, with the call beside the
// value; "by hand" = the arithmetic written next to it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeMissing } from '../../worker/native/kernels.js';
import { rel } from '../../test/fixtures/numbers.js';
import {
  bootstrapReplicateMeans,
  hierarchicalBootstrap,
  logNormalUpper,
  sd,
  seedLevelRegression,
  signFlipTest,
  sizeEquivalence,
  skewness,
  studentT975,
  studentTCdf,
  tTwoSidedLog10P,
  tTwoSidedP,
  welchT,
  wilcoxonLog,
} from './stats.js';
import { wilcoxonSignedRank } from '../../test/fixtures/wilcoxon-stdlib.js';
import { sameBits } from '../../worker/run.js';
import { wasmAvailable } from '../../worker/wasm/kernels.js';


describe('moments at their edges', () => {
  it('sd of nothing is NaN, not -0', () => {
    expect(sd([])).toBeNaN();
  });

  it('skewness: constant zeros give 0; tiny but spread values are not constant', () => {
    // m2 = 0 and the threshold 1e-28 m^2 = 0: still "constant", not 0/0
    expect(skewness([0, 0, 0])).toBe(0);
    // the constancy threshold is relative to the mean: values of size 1e-15 have m2 ~ 1e-29 but a
    // real shape. scipy.stats.skew([1e-15, 2e-15, 3e-15, 1e-14]) = 1.0182337649086284
    expect(skewness([1e-15, 2e-15, 3e-15, 1e-14])).toBeCloseTo(1.0182337649086284, 12);
  });
});

describe('studentT975 across its three methods', () => {
  it('reads integer df up to 30 from the 7-decimal table', () => {
    // round(scipy.stats.t.ppf(0.975, 30), 7) = 2.0422725; the expansion would give 2.04227243
    expect(studentT975(30)).toBe(2.0422725);
    // round(scipy.stats.t.ppf(0.975, 29), 7)
    expect(studentT975(29)).toBe(2.0452296);
  });

  it('Cornish-Fisher above 30: the error falls like the first omitted term, 1/df^5', () => {
    // scipy.stats.t.ppf(0.975, df)
    const ref: [number, number][] = [
      [31, 2.039513446396408],
      [45, 2.014103388880846],
      [70, 1.994437111771186],
      [100, 1.9839715185235518],
      [200, 1.9718962236339088],
      [400, 1.9659123432294627],
    ];
    for (const [df, t] of ref) expect(Math.abs(studentT975(df) - t)).toBeLessThan(1 / df ** 5 + 2e-15);
  });

  it('huge df is the normal quantile (df / (df + t^2) rounds to 1 there)', () => {
    // scipy.stats.t.ppf(0.975, 1e20) = 1.9599639845400538 = scipy.stats.norm.ppf(0.975)
    expect(studentT975(1e20)).toBeCloseTo(1.9599639845400538, 14);
    expect(studentT975(1e300)).toBeCloseTo(1.9599639845400538, 14);
  });

  it('inverts the t distribution numerically for df below 1 (log-gamma below 1/2)', () => {
    // scipy.stats.t.ppf(0.975, df)
    const ref: [number, number][] = [
      [0.1, 1682362288745.0078],
      [0.2, 768848.4797012262],
      [0.3, 6582.0356994007525],
      [0.45, 300.2962128113274],
      [0.7, 36.611415031588656],
    ];
    for (const [df, t] of ref) expect(rel(studentT975(df), t)).toBeLessThan(1e-9);
  });
});

describe('the t tail at its edges', () => {
  it('handles a tiny df, where ln Gamma(df / 2) needs the reflection formula', () => {
    // scipy: 2 * scipy.stats.t.sf(2, 1e-8) = 0.9999998940336583; mpmath (40 digits):
    // log10(betainc(df/2, 1/2, 0, df/(df+t^2), regularized=True)) = -4.602059989813431985e-8
    expect(Math.abs(tTwoSidedP(2, 1e-8) - 0.9999998940336583)).toBeLessThan(1e-13);
    expect(rel(tTwoSidedLog10P(2, 1e-8), -4.602059989813431985e-8)).toBeLessThan(1e-7);
    // 2 * scipy.stats.t.sf(100, 1e-6) = 0.9999877940022595
    expect(Math.abs(tTwoSidedP(100, 1e-6) - 0.9999877940022595)).toBeLessThan(1e-13);
  });

  it('is NaN for df <= 0 even where t alone would decide (t = 0, t = Infinity)', () => {
    // scipy: 2 * scipy.stats.t.sf(0, 0) = nan
    expect(tTwoSidedP(0, 0)).toBeNaN();
    expect(tTwoSidedP(0, -2)).toBeNaN();
    expect(tTwoSidedP(0, NaN)).toBeNaN();
    expect(tTwoSidedLog10P(Infinity, 0)).toBeNaN();
    expect(tTwoSidedLog10P(-Infinity, -1)).toBeNaN();
    expect(studentTCdf(0, 0)).toBeNaN();
  });

  it('t = 0 gives p = 1 and log10 p = +0', () => {
    expect(tTwoSidedP(0, 5)).toBe(1);
    expect(tTwoSidedLog10P(0, 5)).toBe(0);
    expect(studentTCdf(0, 7.5)).toBe(0.5);
  });

  it('uses the direct fraction for a small p with t^2 < df, the complement for t near 0', () => {
    // 2 * scipy.stats.t.sf(9, 100) = 1.5360770514750472e-14: the complement 1 - I would cancel here
    expect(rel(tTwoSidedP(9, 100), 1.5360770514750472e-14)).toBeLessThan(1e-10);
    expect(tTwoSidedLog10P(9, 100)).toBeCloseTo(Math.log10(1.5360770514750472e-14), 10);
    // 2 * scipy.stats.t.sf(0.5, 1e4) = 0.6170860793232337: x far above the beta mean
    expect(rel(tTwoSidedP(0.5, 1e4), 0.6170860793232337)).toBeLessThan(1e-12);
    // 2 * scipy.stats.t.sf(1.5, 1e6) = 0.1336147182367928, 2 * scipy.stats.t.sf(3, 1e5) = 0.0027004608840647234
    expect(rel(tTwoSidedP(1.5, 1e6), 0.1336147182367928)).toBeLessThan(1e-12);
    expect(rel(tTwoSidedP(3, 1e5), 0.0027004608840647234)).toBeLessThan(1e-10);
  });

  it('is accurate where the log-gamma ratio switches to Stirling (df = 20, a = 10)', () => {
    // 2 * scipy.stats.t.sf(t, df)
    const ref: [number, number, number][] = [
      [2.5, 20, 0.02123354543913238],
      [8, 20, 1.165662827148851e-7],
      [2.5, 21, 0.02077826387223802],
      [8, 21, 8.235284751825913e-8],
      [2.5, 25, 0.01934312756994271],
      [8, 25, 2.349750615718856e-8],
    ];
    for (const [t, df, p] of ref) expect(rel(tTwoSidedP(t, df), p)).toBeLessThan(1e-13);
  });
});

describe('logNormalUpper below 0 and at infinity', () => {
  it('is ln P(Z > z) for negative z (scipy.special.log_ndtr(-z))', () => {
    expect(rel(logNormalUpper(-1), -0.1727537790234499)).toBeLessThan(1e-13);
    expect(rel(logNormalUpper(-2.5), -0.00622902548586)).toBeLessThan(1e-11);
    expect(rel(logNormalUpper(-5), -2.8665161296376294e-7)).toBeLessThan(1e-6);
    // far below 0, where P(Z > z) is 1 to within 1e-64 and less (scipy.special.log_ndtr(-z))
    expect(rel(logNormalUpper(-8), -6.220960574271742e-16)).toBeLessThan(1e-12);
    expect(rel(logNormalUpper(-17), -4.105996202098791e-65)).toBeLessThan(1e-12);
    expect(rel(logNormalUpper(-20), -2.7536241186061556e-89)).toBeLessThan(1e-12);
    expect(rel(logNormalUpper(-26), -2.476063315503107e-149)).toBeLessThan(1e-12);
    expect(logNormalUpper(-40)).toBeLessThanOrEqual(0);
    expect(logNormalUpper(-40)).toBeGreaterThan(-1e-300);
    expect(logNormalUpper(-Infinity)).toBe(0);
  });

  it('is -Infinity at z = Infinity and NaN for NaN', () => {
    expect(logNormalUpper(Infinity)).toBe(-Infinity);
    expect(logNormalUpper(NaN)).toBeNaN();
  });
});

describe('wilcoxonSignedRank: flags and method strings', () => {
  it('all-zero input: no test, p = 1', () => {
    expect(wilcoxonSignedRank([0, 0])).toEqual({
      statistic: 0,
      wPlus: 0,
      wMinus: 0,
      pValue: 1,
      n: 0,
      zeros: 2,
      exact: true,
      method: 'Wilcoxon signed-rank: all differences zero (no test, p = 1)',
    });
  });

  it('one non-zero difference: exact p = 1 (both sign patterns are as extreme)', () => {
    const method = 'Wilcoxon signed-rank, exact (one non-zero difference, p = 1)';
    expect(wilcoxonSignedRank([0.3])).toEqual({ statistic: 1, wPlus: 1, wMinus: 0, pValue: 1, n: 1, zeros: 0, exact: true, method });
    expect(wilcoxonSignedRank([0, -0.2, 0])).toEqual({ statistic: 0, wPlus: 0, wMinus: 1, pValue: 1, n: 1, zeros: 2, exact: true, method });
  });

  it('finds tied |differences| that are not next to each other in the input', () => {
    // |d| = 3, 1, 2, 1, 5: the two 1s are apart until sorted.
    // scipy.stats.wilcoxon(d, correction=True, method='approx') -> statistic 1.5, p 0.13621686984456766
    const r = wilcoxonSignedRank([3, 1, 2, -1, 5]);
    expect(r).toMatchObject({ n: 5, zeros: 0, wMinus: 1.5, exact: false });
    expect(r.method).toBe('Wilcoxon signed-rank, normal approximation with continuity correction (tied ranks)');
    expect(r.pValue).toBeCloseTo(0.13621686984456766, 12);
  });

  it('a zero alone switches the exact p off', () => {
    // scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='approx') -> 2.0, 0.17752985241215347
    const r = wilcoxonSignedRank([0, 1, -2, 3, 4, 5]);
    expect(r).toMatchObject({ n: 5, zeros: 1, wMinus: 2, exact: false });
    expect(r.method).toBe('Wilcoxon signed-rank, normal approximation with continuity correction (zeros dropped)');
    expect(r.pValue).toBeCloseTo(0.17752985241215347, 12);
  });

  it('names every reason, and n = 50 is not "n > 50"', () => {
    // 50 non-zero differences +-1..+-50 (every 4th negative) and one zero: W- = 312.
    // scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='approx') -> p 0.001705025055513018
    const d50 = [0, ...Array.from({ length: 50 }, (_, i) => ((i + 1) % 4 === 0 ? -(i + 1) : i + 1))];
    const r = wilcoxonSignedRank(d50);
    expect(r).toMatchObject({ n: 50, zeros: 1, wMinus: 312, exact: false });
    expect(r.method).toBe('Wilcoxon signed-rank, normal approximation with continuity correction (zeros dropped)');
    expect(r.pValue).toBeCloseTo(0.001705025055513018, 12);
    const d60 = Array.from({ length: 60 }, (_, i) => ((i + 1) % 3 === 0 ? -(i + 1) : i + 1));
    expect(wilcoxonSignedRank(d60).method).toBe('Wilcoxon signed-rank, normal approximation with continuity correction (n > 50)');
    expect(wilcoxonSignedRank([-5, 3, 0, 2, 2, -1, 4, 0, 6]).method).toBe(
      'Wilcoxon signed-rank, normal approximation with continuity correction (zeros dropped, tied ranks)',
    );
  });
});

describe('wilcoxonLog: flags and method strings', () => {
  it('all-zero input: no test, p = 1', () => {
    expect(wilcoxonLog([0, 0])).toEqual({
      wPlus: 0,
      wMinus: 0,
      n: 0,
      zeros: 2,
      ties: false,
      exact: true,
      z: null,
      log10p: 0,
      p: 1,
      method: 'Wilcoxon signed-rank (log space): all differences zero (no test, p = 1)',
    });
  });

  it('W+ at its mean gives z = 0 and p = 1 (no continuity correction to apply)', () => {
    // d = [0, 1, 2, -3]: W+ = 3 = n (n + 1) / 4. scipy.stats.wilcoxon(d, correction=True, method='approx') -> p 1.0
    const r = wilcoxonLog([0, 1, 2, -3]);
    expect(r).toMatchObject({ n: 3, zeros: 1, wPlus: 3, exact: false, z: 0, p: 1, log10p: 0 });
  });

  it('names every reason for the normal approximation, and n = 50 is not "n > 50"', () => {
    const prefix = 'Wilcoxon signed-rank (log space), normal approximation with tie and continuity correction';
    const d50 = [0, ...Array.from({ length: 50 }, (_, i) => ((i + 1) % 4 === 0 ? -(i + 1) : i + 1))];
    const r = wilcoxonLog(d50);
    expect(r.method).toBe(`${prefix} (zeros dropped)`);
    // scipy.stats.wilcoxon(d50, zero_method='wilcox', correction=True, method='approx').pvalue
    expect(rel(r.p, 0.001705025055513018)).toBeLessThan(1e-10);
    const d60 = Array.from({ length: 60 }, (_, i) => ((i + 1) % 3 === 0 ? -(i + 1) : i + 1));
    expect(wilcoxonLog(d60).method).toBe(`${prefix} (n > 50)`);
    // 118 non-zero differences (pairs of equal |d|, every 5th negative) and two zeros:
    // scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='approx') -> W- 1356.5, p 7.326279267767674e-09
    const d = [0, 0, ...Array.from({ length: 118 }, (_, i) => ((i + 2) % 5 === 0 ? -((i + 2) >> 1) : (i + 2) >> 1))];
    const all = wilcoxonLog(d);
    expect(all).toMatchObject({ n: 118, zeros: 2, ties: true, wMinus: 1356.5 });
    expect(all.method).toBe(`${prefix} (n > 50, zeros dropped, tied ranks)`);
    expect(rel(all.p, 7.326279267767674e-9)).toBeLessThan(1e-9);
    expect(wilcoxonLog([0, 1, -2, 3, 4, 5]).method).toBe(`${prefix} (zeros dropped)`);
  });
});

describe('sizeEquivalence rejects sizes that are not positive numbers', () => {
  it.each([0, -100, NaN, Infinity])('size %s', (n) => {
    const table = [
      { n, hetero: 0.5, homo: 0.4 },
      { n: 200, hetero: 0.6, homo: 0.5 },
    ];
    expect(() => sizeEquivalence(table)).toThrow(`sizeEquivalence: network size must be a positive number, got ${n}`);
  });
});

describe('signFlipTest at its edges', () => {
  it('no differences: p = 1', () => {
    expect(signFlipTest([])).toEqual({ n: 0, p: 1, exact: true, floor: 1, method: 'sign-flip test: no differences (p = 1)' });
  });

  it('throws on non-finite differences, naming the first', () => {
    expect(() => signFlipTest([1, NaN, 2])).toThrow('signFlipTest: difference 1 is not a finite number (NaN)');
    expect(() => signFlipTest([1, 2, -Infinity])).toThrow('signFlipTest: difference 2 is not a finite number (-Infinity)');
  });

  it('all-zero differences: every pattern ties with the observed one, p = 1 (exact and Monte Carlo)', () => {
    expect(signFlipTest([0, 0, 0]).p).toBe(1);
    // (draws + 1) / (draws + 1)
    expect(signFlipTest(new Array(25).fill(0), { draws: 100 }).p).toBe(1);
  });

  it('counts the observed pattern when the enumeration sums it one ulp lower', () => {
    // 1000.1 + 2000.2 + 3000.4 = 6000.700000000001 in input order but (1000.1 + 3000.4) + 2000.2 =
    // 6000.7 in the enumeration's order: the tolerance must scale with the size of the differences.
    // All positive: p is the floor 2/8.
    expect(signFlipTest([1000.1, 2000.2, 3000.4]).p).toBe(0.25);
  });

  it('Monte Carlo: a huge effect reaches its floor 1 / (draws + 1)', () => {
    // all 25 positive: only 2 of 2^25 patterns reach the observed |sum|, so no draw of 1000 does
    const r = signFlipTest(Array.from({ length: 25 }, (_, i) => 1 + i / 25), { draws: 1000, seed: 3 });
    expect(r.p).toBe(1 / 1001);
    expect(r.floor).toBe(1 / 1001);
  });

  it('Monte Carlo: draws are validated, and the method names the draws and the seed', () => {
    const d = Array.from({ length: 22 }, (_, i) => (i % 3 === 0 ? -1 : 1) * (1 + i / 10));
    for (const draws of [0, -3, 2.5, NaN]) {
      expect(() => signFlipTest(d, { draws })).toThrow(`signFlipTest: draws must be a positive integer, got ${draws}`);
    }
    expect(signFlipTest(d, { draws: 500 }).method).toBe('sign-flip test, Monte Carlo (500 random sign patterns, seed 1)');
    expect(signFlipTest(d, { draws: 500, seed: 7 }).method).toBe('sign-flip test, Monte Carlo (500 random sign patterns, seed 7)');
    // the seed reaches the generator: p is near 0.5 here, so two streams of 2000 differ
    const a = signFlipTest(d, { draws: 2000, seed: 7 });
    const b = signFlipTest(d, { draws: 2000 });
    expect(a.p).not.toBe(b.p);
    expect(b.p).toBe(signFlipTest(d, { draws: 2000, seed: 1 }).p);
  });
});

describe('hierarchicalBootstrap: validation, method, and the index sampler', () => {
  it('rejects zero tasks, bad replicates and levels outside (0, 1)', () => {
    expect(() => hierarchicalBootstrap(new Float64Array(0), 3, 0)).toThrow(
      'hierarchicalBootstrap: seeds and tasks must be positive integers, got 3 and 0',
    );
    const m = new Float64Array(6).fill(1);
    for (const replicates of [0, -2, 2.5]) {
      expect(() => hierarchicalBootstrap(m, 2, 3, { replicates })).toThrow(
        `hierarchicalBootstrap: replicates must be a positive integer, got ${replicates}`,
      );
    }
    for (const level of [0, -0.5]) {
      expect(() => hierarchicalBootstrap(m, 2, 3, { level })).toThrow(`hierarchicalBootstrap: level must be in (0, 1), got ${level}`);
    }
  });

  it('names the replicates and the level in the method', () => {
    const m = Float64Array.from({ length: 12 }, (_, i) => i);
    expect(hierarchicalBootstrap(m, 3, 4).method).toBe(
      'hierarchical bootstrap (seeds, then tasks within seeds), 2000 replicates, percentile 95 % interval',
    );
    expect(hierarchicalBootstrap(m, 3, 4, { replicates: 50, level: 0.9 }).method).toBe(
      'hierarchical bootstrap (seeds, then tasks within seeds), 50 replicates, percentile 90 % interval',
    );
  });

  it('one replicate: both ends are that replicate (the top order statistic)', () => {
    const c = hierarchicalBootstrap(new Float64Array(6).fill(0.25), 2, 3, { replicates: 1 });
    expect([c.lo, c.hi]).toEqual([0.25, 0.25]);
    const m = Float64Array.from({ length: 6 }, (_, i) => i);
    const r = hierarchicalBootstrap(m, 2, 3, { replicates: 1 });
    expect(r.lo).toBe(r.hi);
    expect(r.lo).toBeGreaterThanOrEqual(0);
    expect(r.lo).toBeLessThanOrEqual(5);
  });

  /**
   * One seed of `K` tasks whose value is 1 exactly on the tasks that floor(v K / 2^16), v a uniform
   * 16-bit number, hits one time more often than the others (a multiply-shift without rejection
   * would favour them). With every index equally likely the bootstrap means centre on the
   * fraction of ones; a sampler favouring those tasks would centre higher.
   */
  function favouredOnes(K: number): { m: Float64Array; fraction: number } {
    const hits = (i: number) => Math.ceil(((i + 1) * 65536) / K) - Math.ceil((i * 65536) / K);
    const low = Math.floor(65536 / K);
    const m = Float64Array.from({ length: K }, (_, i) => (hits(i) > low ? 1 : 0));
    let ones = 0;
    for (const v of m) ones += v;
    return { m, fraction: ones / K };
  }

  it('draws every task equally often on the 16-bit path (K = 4000)', () => {
    // 65536 = 16 * 4000 + 1536: 1536 tasks would get 17 of 65536 half-draws, the rest 16 (a mean of
    // 0.3984 instead of 0.384; the replicate median's noise is about 0.001)
    const { m, fraction } = favouredOnes(4000);
    expect(fraction).toBe(0.384);
    const r = hierarchicalBootstrap(m, 1, 4000, { replicates: 100, level: 0.5, seed: 5 });
    expect(Math.abs((r.lo + r.hi) / 2 - fraction)).toBeLessThan(0.005);
  });

  it('draws every task equally often on the 32-bit path (K = 5000)', () => {
    // 536 of 5000 tasks would get 14 of 65536 half-draws, the rest 13 (a mean of 0.1145 instead of
    // 0.1072; the replicate median's noise is about 0.0004)
    const { m, fraction } = favouredOnes(5000);
    expect(fraction).toBe(0.1072);
    const r = hierarchicalBootstrap(m, 1, 5000, { replicates: 200, level: 0.5, seed: 5 });
    expect(Math.abs((r.lo + r.hi) / 2 - fraction)).toBeLessThan(0.002);
  });

  it('handles more tasks than a 16-bit half can index (K = 70000)', () => {
    // tasks k / K: the bootstrap mean is about 0.5 with a spread of 0.29 / sqrt(K) = 0.0011
    const K = 70_000;
    const m = Float64Array.from({ length: K }, (_, k) => k / K);
    const r = hierarchicalBootstrap(m, 1, K, { replicates: 20, level: 0.5 });
    expect(Math.abs(r.lo - 0.5)).toBeLessThan(0.006);
    expect(Math.abs(r.hi - 0.5)).toBeLessThan(0.006);
    expect(r.lo).toBeLessThanOrEqual(r.hi);
  });
});

describe('the bootstrap replicates in native code, in WebAssembly and in TypeScript', () => {
  let state = 99;
  const values = (n: number) =>
    Float64Array.from({ length: n }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32 - 0.5;
    });

  it('the kernels are built (otherwise the calls below would run the TypeScript loop)', () => {
    expect(wasmAvailable()).toBe(true);
    // native code wherever it can be (worker/backends/native.test.ts says where that is)
    if (process.platform === 'linux' && process.arch === 'x64' && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))) expect(nativeMissing()).toBeNull();
  });

  // seeds and tasks at 1, at 4096 (the 16-bit draws' end; 2^16 mod 4096 = 0: nothing redrawn), with
  // many redrawn halves (2^16 mod 3000 = 2536, 3.9 % of them), odd and even counts, seeds above tasks;
  // seeds as the host passes them (a negative one, one past 2^32)
  const shapes: [number, number, number][] = [[1, 1, 1], [1, 7, 20240611], [2, 3, 2], [3, 397, 20240611], [5, 397, -1], [4, 3000, 7], [3000, 2, 2 ** 32 + 5], [4096, 3, 11], [2, 4096, 12]];
  for (const [S, K, seed] of shapes) {
    it(`gives the same replicate means, bit for bit: ${S} seeds x ${K} tasks, seed ${seed}`, () => {
      const diff = values(S * K);
      // an exact zero and a -0 among them: the sums keep their signs as the loop does
      diff[0] = -0;
      if (diff.length > 1) diff[diff.length - 1] = 0;
      const R = S * K > 100_000 ? 40 : 300;
      const best = bootstrapReplicateMeans(diff, S, K, R, seed); // native code where it is built
      const inWasm = bootstrapReplicateMeans(diff, S, K, R, seed, 'wasm');
      const inTs = bootstrapReplicateMeans(diff, S, K, R, seed, 'js');
      expect(inWasm.length).toBe(R);
      expect(sameBits(inWasm, inTs)).toBe(true);
      expect(sameBits(best, inTs)).toBe(true);
      // not all alike: the draws differ between replicates
      if (S * K > 1) expect(new Set(inWasm).size).toBeGreaterThan(1);
    });
  }

  it('two bootstraps in a row, the second smaller, read nothing of the first', () => {
    const big = values(20 * 400);
    const small = values(2 * 5);
    bootstrapReplicateMeans(big, 20, 400, 50, 3, 'wasm');
    expect(sameBits(bootstrapReplicateMeans(small, 2, 5, 50, 3, 'wasm'), bootstrapReplicateMeans(small, 2, 5, 50, 3, 'js'))).toBe(true);
  });

  it('past 4096 seeds or tasks every call runs the loop (the 32-bit draws)', () => {
    const diff = values(2 * 4097);
    expect(sameBits(bootstrapReplicateMeans(diff, 2, 4097, 20, 1), bootstrapReplicateMeans(diff, 2, 4097, 20, 1, 'js'))).toBe(true);
  });

  it('a NaN task makes the same replicates NaN in each', () => {
    const diff = values(3 * 50);
    diff[77] = NaN;
    const b = bootstrapReplicateMeans(diff, 3, 50, 200, 4, 'js');
    for (const where of ['best', 'wasm'] as const) {
      const a = bootstrapReplicateMeans(diff, 3, 50, 200, 4, where);
      expect(a.some((v) => Number.isNaN(v))).toBe(true);
      // Object.is: a NaN's payload is the engine's to choose (WebAssembly leaves it open)
      expect(Array.from(a).every((v, i) => Object.is(v, b[i])), where).toBe(true);
    }
  });
});

describe('welchT at its edges', () => {
  it('throws on non-finite values, naming the sample and the index', () => {
    expect(() => welchT([1, NaN], [1, 2])).toThrow('welchT: value 1 of a is not a finite number (NaN)');
    expect(() => welchT([1, 2], [3, 4, Infinity])).toThrow('welchT: value 2 of b is not a finite number (Infinity)');
  });

  it('has no test with one value in b', () => {
    const r = welchT([1, 2, 3], [5]);
    expect(r).toMatchObject({ nA: 3, nB: 1, meanA: 2, meanB: 5, diff: 3 });
    for (const v of [r.se, r.df, r.t, r.p, r.log10p, r.lo, r.hi]) expect(v).toBeNaN();
  });

  it('constant samples: the sign of t follows the difference, and equal values count as constant', () => {
    const down = welchT([2, 2], [1, 1, 1]);
    expect(down).toMatchObject({ diff: -1, se: 0, t: -Infinity, p: 0, log10p: -Infinity, lo: -1, hi: -1 });
    expect(down.df).toBeNaN();
    // the two-pass sd of [0.1, 0.1, 0.1] is 1.7e-17 (the mean rounds): still exactly no spread
    const up = welchT([0.1, 0.1, 0.1], [0.2, 0.2]);
    expect(up).toMatchObject({ se: 0, t: Infinity, p: 0, log10p: -Infinity });
    expect(up.df).toBeNaN();
    const same = welchT([3, 3], [3, 3, 3]);
    expect(same).toMatchObject({ diff: 0, se: 0, p: 1, log10p: 0, lo: 0, hi: 0 });
    expect(same.t).toBeNaN();
  });
});

describe('seedLevelRegression beyond two predictors', () => {
  // three correlated predictors (correlations up to -0.93) with responses in 1/1024 units, three
  // seeds of seven runs and a fourth seed of exactly four runs (a saturated fit)
  const designs: [number[][], number[]][] = [
    [
      [[1.61, 0.57, -0.28], [1.62, 1.35, -0.67], [1.03, 1.44, 0.27], [0.57, 0.48, -0.45], [0.11, -0.55, -0.57], [0.77, -0.02, -0.51], [0.82, 1.29, 0.03]],
      [1751, -187, 982, 617, 1390, 642, 605],
    ],
    [
      [[1.74, 0.85, -1.07], [0.04, -0.52, -0.17], [1.41, 0.17, -0.92], [0.0, 0.11, 0.07], [1.01, 0.05, -0.36], [0.87, 1.11, -0.59], [0.41, 0.6, 0.04]],
      [-353, 2155, 235, 1771, 1227, -425, 958],
    ],
    [
      [[1.11, 0.63, -0.19], [0.48, 0.96, 0.38], [1.48, 0.69, -0.21], [1.35, 0.9, -0.44], [1.37, 0.81, 0.22], [0.93, 0.86, -0.46], [0.44, 0.08, -0.62]],
      [888, 1825, 1360, 337, 1765, 428, 204],
    ],
    [
      [[0.2, 1.0, -0.5], [1.1, 0.3, 0.4], [0.7, -0.8, 0.9], [1.5, 0.6, -0.2]],
      [512, 1536, -256, 2048],
    ],
  ];
  const groups = designs.map(([x, y]) => ({ x, y: y.map((v) => v / 1024) }));

  it('matches numpy lstsq per seed and scipy ttest_1samp across seeds', () => {
    // numpy.linalg.lstsq(column_stack([ones, x]), y) per seed: intercept, b1, b2, b3
    const coefs = [
      [1.4641011053759834, 0.7808281744805748, -1.221425542840358, 1.8870425420357828],
      [1.6643163902286864, 0.00419686717090928, -1.1778816291200198, 1.1480447008943109],
      [1.294686142401378, 0.3425452551108581, -0.4701023059580398, 1.9320922102501898],
      [-0.8222580645161282, 1.4096774193548391, 1.45806451612903, 0.8354838709677399],
    ];
    const r2 = [0.839055459168887, 0.9816188431230224, 0.9516984203864217, 1];
    // scipy.stats.ttest_1samp(coefs[:, j], 0): mean, confidence_interval(), pvalue
    const across = [
      [0.90021139337248, -0.9427564728188909, 2.743179259563851, 0.21790403831491045],
      [0.6343119290292953, -0.3313352441380861, 1.5999591021966768, 0.12771880185590753],
      [-0.35283624044734696, -2.3504942625390832, 1.644821781644389, 0.613310006046525],
      [1.4506658310370057, 0.5828900879298002, 2.3184415741442113, 0.01297338536759727],
    ];
    const r = seedLevelRegression(groups);
    expect(r.dropped).toEqual([]);
    expect(r.seeds).toBe(4);
    const all = [r.intercept, ...r.predictors];
    expect(all).toHaveLength(4);
    for (let j = 0; j < 4; j++) {
      for (let s = 0; s < 4; s++) expect(all[j].perSeed[s]).toBeCloseTo(coefs[s][j], 11);
      const [m, lo, hi, p] = across[j];
      expect(all[j].mean).toBeCloseTo(m, 11);
      expect(all[j].lo).toBeCloseTo(lo, 6); // t_{0.975,3} from the 7-digit table
      expect(all[j].hi).toBeCloseTo(hi, 6);
      expect(rel(all[j].p, p)).toBeLessThan(1e-9);
    }
    for (let s = 0; s < 4; s++) expect(r.rSquaredPerSeed[s]).toBeCloseTo(r2[s], 12);
  });

  it('a constant added to y moves only the intercept', () => {
    // 2^30 + k/1024 is exact in a double, so the shifted fit sees the same data
    const shifted = groups.map(({ x, y }) => ({ x, y: y.map((v) => v + 2 ** 30) }));
    const a = seedLevelRegression(groups);
    const b = seedLevelRegression(shifted);
    for (let j = 0; j < 3; j++) {
      for (let s = 0; s < 4; s++) expect(Math.abs(b.predictors[j].perSeed[s] - a.predictors[j].perSeed[s])).toBeLessThan(1e-9);
    }
    for (let s = 0; s < 4; s++) expect(Math.abs(b.intercept.perSeed[s] - a.intercept.perSeed[s] - 2 ** 30)).toBeLessThan(1e-5);
  });

  it('four predictors: rows below the second pivot are updated by the earlier columns (numpy lstsq)', () => {
    const four = [
      {
        x: [[0.26, -0.79, -0.56, -0.38], [1.0, 1.28, 0.51, -0.52], [1.2, 0.55, -0.55, 0.51], [0.06, 0.37, -0.44, 0.73], [0.3, 0.08, 0.08, -0.12], [1.86, 0.74, -0.64, 0.31], [0.14, 0.3, -0.67, 0.65], [0.26, 0.54, -0.16, 0.54], [1.9, 0.85, -0.52, 0.45]],
        y: [989, 1496, -736, -1568, 1016, -330, -1242, -1048, -567],
      },
      {
        x: [[1.39, 1.17, 0.02, 0.27], [0.68, -0.33, -0.3, 0.33], [0.03, 0.32, -0.2, 0.72], [0.32, 0.46, 0.34, 0.65], [1.99, 0.11, -0.78, -0.13], [0.92, 0.63, 0.14, 0.46], [1.38, 0.56, -0.48, 0.64], [0.11, 0.45, 0.62, -0.27], [0.07, -0.18, 0.12, -0.53]],
        y: [447, 236, -608, 839, 11, 356, -890, 1587, 1881],
      },
    ].map(({ x, y }) => ({ x, y: y.map((v) => v / 1024) }));
    // numpy.linalg.lstsq(column_stack([ones, x]), y) per seed, and its R^2
    const coefs = [
      [0.4065679355040682, 0.3873332706231687, -0.5031996063416245, 0.8569354147660504, -1.7537120244549855],
      [0.7309423770907879, 0.32010070560019505, -0.6042077825689659, 1.835380692129203, -0.9970092437384342],
    ];
    const r2 = [0.98349399748612, 0.9455240339252267];
    const r = seedLevelRegression(four);
    expect(r.dropped).toEqual([]);
    const all = [r.intercept, ...r.predictors];
    expect(all).toHaveLength(5);
    for (let j = 0; j < 5; j++) for (let s = 0; s < 2; s++) expect(all[j].perSeed[s]).toBeCloseTo(coefs[s][j], 11);
    for (let s = 0; s < 2; s++) expect(r.rSquaredPerSeed[s]).toBeCloseTo(r2[s], 12);
  });

  it('drops a seed whose third predictor is the sum of the other two, at predictor 2', () => {
    const x = [[0.3, 1.1], [1.2, -0.4], [0.8, 0.9], [1.9, 0.2], [0.1, -1.3], [1.4, 0.7]].map(([u, v]) => [u, v, u + v]);
    const r = seedLevelRegression([groups[0], { x, y: [1, 2, 3, 4, 5, 7] }, groups[1]]);
    expect(r.dropped).toHaveLength(1);
    expect(r.dropped[0].seed).toBe(1);
    expect(r.dropped[0].reason).toMatch(/^predictors are collinear within the seed \(pivot .* at predictor 2\)$/);
    expect(r.seeds).toBe(2);
  });

  it('fits with no predictors at all: the intercept is each seed mean', () => {
    const r = seedLevelRegression([
      { y: [1, 2, 3], x: [[], [], []] },
      { y: [2, 4], x: [[], []] },
      { y: [5, 5, 8], x: [[], [], []] },
    ]);
    expect(r.predictors).toEqual([]);
    expect(r.intercept.perSeed).toEqual([2, 3, 6]);
    // scipy.stats.ttest_1samp([2, 3, 6], 0): pvalue 0.09273529127344522,
    // confidence_interval (-1.504478345875596, 8.83781167920893)
    expect(r.intercept.mean).toBeCloseTo(11 / 3, 14);
    expect(rel(r.intercept.p, 0.09273529127344522)).toBeLessThan(1e-9);
    expect(r.intercept.lo).toBeCloseTo(-1.504478345875596, 6);
    expect(r.intercept.hi).toBeCloseTo(8.83781167920893, 6);
    // the mean explains none of the variance
    expect(r.rSquaredPerSeed).toEqual([0, 0, 0]);
  });

  it('drops a predictor that is constant up to rounding, whatever its size', () => {
    // relative spread 1e-13 around 1000: not a predictor
    const x = [1000, 1000 + 1e-10, 1000, 1000 + 1e-10, 1000].map((v) => [v]);
    const y = [1, 2, 3, 4, 6];
    const good = { x: [[1], [2], [3], [4], [5]], y: [1.1, 1.9, 3.2, 3.9, 5.1] };
    const r = seedLevelRegression([good, { x, y }, good]);
    expect(r.dropped).toEqual([{ seed: 1, reason: 'predictor 0 is constant within the seed' }]);
  });

  it('validates predictors: non-finite values and rows of another width', () => {
    expect(() => seedLevelRegression([{ y: [1, 2], x: [[1, 2], [3, NaN]] }])).toThrow(
      'seedLevelRegression: predictor 1 of run 1 of seed 0 is not finite (NaN)',
    );
    expect(() => seedLevelRegression([{ y: [1, 2, 3], x: [[1], [2], [3]] }, { y: [1], x: [[Infinity]] }])).toThrow(
      'seedLevelRegression: predictor 0 of run 0 of seed 1 is not finite (Infinity)',
    );
    // an empty first row fixes the width at 0 predictors
    expect(() => seedLevelRegression([{ y: [1, 2], x: [[], [1]] }])).toThrow(
      'seedLevelRegression: run 1 of seed 0 has 1 predictors, expected 0',
    );
  });
});
