// Tests of main/analysis/stats.ts. The first part is a copy of worker/stats.test.ts (the functions
// copied from worker/stats.ts); the second tests the seed-level tests added here.
//
// Where the reference values come from: "scipy" = scipy 1.17.1 (scipy.stats / scipy.special) run
// when these tests were written; "mpmath" = mpmath 1.3.0 at 50 significant digits (for values whose
// p underflows a double); "by hand" = the arithmetic written next to the value.
import { describe, expect, it } from 'vitest';
import { rel } from '../../test/fixtures/numbers.js';
import { Rng } from '../../worker/rng.js';
import {
  hierarchicalBootstrap,
  interval95,
  logNormalUpper,
  mean,
  pairedT,
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

/** standard normal CDF (for the hand computation of the normal-approximation p-value) */
function normalCdf(z: number): number {
  // erfc by Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7)
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

describe('mean, sd, skewness', () => {
  it('computes the moments of a small example', () => {
    expect(mean([1, 2, 3, 4, 5])).toBe(3);
    expect(sd([1, 2, 3, 4, 5])).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(mean(new Float64Array([2, 4]))).toBe(3);
    expect(mean([])).toBeNaN();
    expect(sd([7])).toBeNaN();
  });

  it('skewness is the population third standardised moment (scipy.stats.skew)', () => {
    // scipy.stats.skew([1, 2, 3, 10]) = 1.0182337649086284
    expect(skewness([1, 2, 3, 10])).toBeCloseTo(1.0182337649086284, 12);
    expect(skewness([1, 2, 3, 4, 5])).toBeCloseTo(0, 14);
    expect(skewness([-1, -2, -3, -10])).toBeCloseTo(-1.0182337649086284, 12);
    // constant input: zero variance -> 0 (documented), empty -> NaN
    expect(skewness([2.1, 2.1, 2.1])).toBe(0);
    expect(skewness([])).toBeNaN();
  });
});

describe('studentT975', () => {
  it('matches the textbook quantiles', () => {
    const ref: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [5, 2.571],
      [10, 2.228],
      [30, 2.042],
      [100, 1.984],
      [1000, 1.962],
    ];
    for (const [df, t] of ref) expect(Math.abs(studentT975(df) - t)).toBeLessThan(1e-3);
  });

  it('is accurate to 1e-5 beyond the table and for non-integer df (scipy.stats.t.ppf)', () => {
    const ref: [number, number][] = [
      [31, 2.039513446396408],
      [35, 2.030107928250343],
      [40, 2.021075390306273],
      [50, 2.008559112100761],
      [60, 2.0002978220142604],
      [100, 1.9839715185235518],
      [120, 1.9799304050824402],
      [1000, 1.9623390808264083],
      [1e6, 1.959966356814107],
      [1.5, 6.016663104427929],
      [2.5, 3.5746548420036817],
      [7.3, 2.345066736547703],
      [0.5, 164.55767348048818],
    ];
    for (const [df, t] of ref) expect(Math.abs(studentT975(df) - t) / t).toBeLessThan(1e-6);
    expect(studentT975(Infinity)).toBeCloseTo(1.959964, 6);
  });

  it('the numeric inversion agrees with the table at integer df', () => {
    // 30.000001 goes to Cornish-Fisher, 29.999999 to the numeric inverse: both near t_30
    expect(studentT975(29.999999)).toBeCloseTo(2.0422725, 5);
    expect(studentT975(30.000001)).toBeCloseTo(2.0422725, 5);
  });

  it('decreases monotonically in df', () => {
    let prev = Infinity;
    for (let df = 1; df <= 200; df++) {
      const t = studentT975(df);
      expect(t).toBeLessThan(prev);
      prev = t;
    }
    expect(prev).toBeGreaterThan(1.959964);
  });

  it('is NaN for invalid df', () => {
    expect(studentT975(0)).toBeNaN();
    expect(studentT975(-3)).toBeNaN();
    expect(studentT975(NaN)).toBeNaN();
  });
});

describe('interval95', () => {
  it('gives the t interval of a hand example', () => {
    // mean 3, sd sqrt(2.5), t_{0.975,4} = 2.7764451: half-width 2.7764451 * 1.5811388 / sqrt(5)
    // scipy.stats.t.interval(0.95, 4, loc=3, scale=sem) = (1.0367568385224428, 4.963243161477557)
    const r = interval95([1, 2, 3, 4, 5]);
    expect(r.n).toBe(5);
    expect(r.mean).toBe(3);
    expect(r.halfWidth).toBeCloseTo(1.963243161477557, 6);
    expect(r.lo).toBeCloseTo(1.0367568385224428, 6);
    expect(r.hi).toBeCloseTo(4.963243161477557, 6);
  });

  it('has no interval for a single seed', () => {
    const r = interval95([0.42]);
    expect(r).toMatchObject({ mean: 0.42, lo: 0.42, hi: 0.42, n: 1 });
    expect(r.halfWidth).toBeNaN();
    const e = interval95([]);
    expect(e.n).toBe(0);
    expect(e.mean).toBeNaN();
  });

  it('has zero width for identical seeds', () => {
    const r = interval95([0.5, 0.5, 0.5]);
    expect(r.halfWidth).toBe(0);
    expect(r.lo).toBe(0.5);
  });
});

describe('wilcoxonSignedRank', () => {
  const scipyExample = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];

  it('gives the exact p of the scipy documentation example', () => {
    const r = wilcoxonSignedRank(scipyExample);
    // scipy.stats.wilcoxon(d) -> statistic 24 (= min(W+, W-)), pvalue 0.041259765625 (exact)
    expect(r.n).toBe(15);
    expect(r.exact).toBe(true);
    expect(r.wMinus).toBe(24); // ranks of -48 (10) and -67 (14)
    expect(r.wPlus).toBe(96);
    expect(r.statistic).toBe(96); // W+ convention (R's V, @stdlib)
    expect(Math.abs(r.pValue - 0.041259765625)).toBeLessThan(1e-10);
    expect(r.method).toMatch(/exact/);
  });

  it('is symmetric under a sign flip', () => {
    const r = wilcoxonSignedRank(scipyExample.map((x) => -x));
    expect(r.wPlus).toBe(24);
    expect(Math.abs(r.pValue - 0.041259765625)).toBeLessThan(1e-10);
  });

  it('drops zeros and uses the normal approximation with ties (matches scipy)', () => {
    // scipy.stats.wilcoxon(d, zero_method='wilcox', correction=True, method='approx')
    //   -> statistic 7.0, pvalue 0.2710412796103431
    const d = [-5, 3, 0, 2, 2, -1, 4, 0, 6];
    const r = wilcoxonSignedRank(d);
    expect(r.n).toBe(7);
    expect(r.zeros).toBe(2);
    expect(r.exact).toBe(false);
    expect(r.wMinus).toBe(7);
    expect(r.wPlus).toBe(21);
    expect(r.pValue).toBeCloseTo(0.2710412796103431, 6);
    expect(r.method).toMatch(/normal approximation/);
  });

  it('detects tied |differences| without zeros: no exact p, the tie-corrected normal one', () => {
    // ties alone (n <= 50, no zeros) must switch the exact p off, as in R and scipy
    // scipy.stats.wilcoxon(d, correction=True, method='approx') -> pvalue 0.03692773407573312
    const r = wilcoxonSignedRank([1, 1, 1, 1, 1, 1, -2, 3, 4, 5]);
    expect(r).toMatchObject({ n: 10, zeros: 0, wPlus: 48, wMinus: 7, exact: false });
    expect(r.method).toBe('Wilcoxon signed-rank, normal approximation with continuity correction (tied ranks)');
    expect(r.pValue).toBeCloseTo(0.03692773407573312, 12);
    // a tie across signs: |1| = |-1| share rank 1.5. scipy approx p 0.02488399513396536 (exact would be 0.0234375)
    const s = wilcoxonSignedRank([1, -1, 2, 3, 4, 5, 6, 7]);
    expect(s).toMatchObject({ n: 8, wPlus: 34.5, wMinus: 1.5, exact: false });
    expect(s.method).toMatch(/\(tied ranks\)$/);
    expect(s.pValue).toBeCloseTo(0.02488399513396536, 12);
  });

  it('uses the normal approximation for n > 50, matching the formula', () => {
    // differences ±1..±60 without ties: every third one negative
    const n = 60;
    const d: number[] = [];
    let wMinus = 0;
    for (let k = 1; k <= n; k++) {
      const neg = k % 3 === 0;
      d.push(neg ? -k * 0.01 : k * 0.01);
      if (neg) wMinus += k;
    }
    const wPlus = (n * (n + 1)) / 2 - wMinus;
    const mu = (n * (n + 1)) / 4;
    const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    const z = (wPlus - mu - 0.5 * Math.sign(wPlus - mu)) / sigma;
    const p = 2 * (1 - normalCdf(Math.abs(z)));
    // shuffle the order: the test must not depend on it
    const shuffled = d.map((v, i) => d[(i * 7) % n]);
    const r = wilcoxonSignedRank(shuffled);
    expect(r.n).toBe(60);
    expect(r.exact).toBe(false);
    expect(r.wPlus).toBe(wPlus);
    expect(r.wMinus).toBe(wMinus);
    expect(Math.abs(r.pValue - p)).toBeLessThan(1e-6);
    // scipy.stats.wilcoxon(d, correction=True, method='approx') -> statistic 630, p 0.03622649417878663
    expect(r.wMinus).toBe(630);
    expect(r.pValue).toBeCloseTo(0.03622649417878663, 9);
  });

  it('returns p = 1 and n = 0 for all-zero differences instead of throwing', () => {
    const r = wilcoxonSignedRank([0, 0, 0]);
    expect(r.n).toBe(0);
    expect(r.pValue).toBe(1);
    expect(r.zeros).toBe(3);
    expect(wilcoxonSignedRank([]).pValue).toBe(1);
    expect(wilcoxonSignedRank(new Float64Array(4)).n).toBe(0);
  });

  it('handles a single non-zero difference', () => {
    expect(wilcoxonSignedRank([0.3]).pValue).toBe(1);
    const r = wilcoxonSignedRank([0, -0.2, 0]);
    expect(r.n).toBe(1);
    expect(r.pValue).toBe(1);
    expect(r.wMinus).toBe(1);
  });

  it('throws on NaN', () => {
    expect(() => wilcoxonSignedRank([1, NaN, 2])).toThrow(/NaN/);
  });
});

describe('sizeEquivalence', () => {
  const table = [
    { n: 100, hetero: 0.3, homo: 0.2 },
    { n: 200, hetero: 0.45, homo: 0.3 },
    { n: 400, hetero: 0.6, homo: 0.4 },
    { n: 800, hetero: 0.7, homo: 0.5 },
  ];

  it('finds the smallest heterogeneous size reaching the homogeneous N_max', () => {
    const r = sizeEquivalence(table);
    expect(r.nMax).toBe(800);
    expect(r.homoAtNMax).toBe(0.5);
    expect(r.smallestHeteroN).toBe(400);
    expect(r.ratio).toBe(0.5);
    // 0.5 lies 1/3 of the way from 0.45 (N=200) to 0.6 (N=400) in log N: 200 * 2^(1/3)
    expect(r.interpolatedN).toBeCloseTo(200 * Math.pow(2, 1 / 3), 9);
  });

  it('does not depend on the order of the points', () => {
    const r = sizeEquivalence([table[2], table[0], table[3], table[1]]);
    expect(r.smallestHeteroN).toBe(400);
    expect(r.interpolatedN).toBeCloseTo(251.98421, 4);
  });

  it('counts reaching exactly as reaching, without interpolation error', () => {
    const t = table.map((p) => ({ ...p }));
    t[1].hetero = 0.5;
    const r = sizeEquivalence(t);
    expect(r.smallestHeteroN).toBe(200);
    expect(r.interpolatedN).toBeCloseTo(200, 9);
  });

  it('returns the smallest size when it already reaches (no extrapolation below the table)', () => {
    const r = sizeEquivalence([
      { n: 50, hetero: 0.9, homo: 0.1 },
      { n: 500, hetero: 0.95, homo: 0.8 },
    ]);
    expect(r.smallestHeteroN).toBe(50);
    expect(r.ratio).toBeCloseTo(0.1, 14);
    expect(r.interpolatedN).toBe(50);
  });

  it('returns null when no heterogeneous size reaches it', () => {
    const r = sizeEquivalence([
      { n: 100, hetero: 0.1, homo: 0.2 },
      { n: 200, hetero: 0.2, homo: 0.3 },
      { n: 400, hetero: 0.3, homo: 0.45 },
    ]);
    expect(r).toEqual({ nMax: 400, homoAtNMax: 0.45, smallestHeteroN: null, ratio: null, interpolatedN: null });
  });

  it('takes the heterogeneous network of size N_max itself when only it reaches', () => {
    const r = sizeEquivalence([
      { n: 100, hetero: 0.1, homo: 0.2 },
      { n: 400, hetero: 0.46, homo: 0.45 },
    ]);
    expect(r.smallestHeteroN).toBe(400);
    expect(r.ratio).toBe(1);
    expect(r.interpolatedN!).toBeLessThan(400);
    expect(r.interpolatedN!).toBeGreaterThan(100);
  });

  it('skips sizes without a heterogeneous value and rejects bad tables', () => {
    const r = sizeEquivalence([
      { n: 100, hetero: 0.3, homo: 0.2 },
      { n: 200, hetero: NaN, homo: 0.3 },
      { n: 400, hetero: 0.6, homo: 0.5 },
    ]);
    expect(r.smallestHeteroN).toBe(400);
    // interpolates between 100 (0.3) and 400 (0.6): 2/3 of the way in log N
    expect(r.interpolatedN).toBeCloseTo(100 * Math.pow(4, 2 / 3), 9);
    expect(() => sizeEquivalence([])).toThrow(/no sizes/);
    expect(() =>
      sizeEquivalence([
        { n: 100, hetero: 0.3, homo: 0.2 },
        { n: 100, hetero: 0.4, homo: 0.3 },
      ]),
    ).toThrow(/more than once/);
    expect(() => sizeEquivalence([{ n: 100, hetero: 0.3, homo: NaN }])).toThrow(/homogeneous/);
  });
});

// =============================================================================================
// Seed-level tests

describe('tTwoSidedP, tTwoSidedLog10P, studentTCdf', () => {
  it('matches known two-sided p-values of Student t (scipy 2 * t.sf(t, df))', () => {
    const ref: [number, number, number][] = [
      [2.776445, 4, 0.05000000538209156], // t_{0.975, 4} = 2.7764451: p = 0.05
      [1, 1, 0.5], // Cauchy: P(|T| > 1) = 1/2 exactly
      [2, 2, 0.18350341907227397], // df = 2 closed form: 1 - t / sqrt(t^2 + 2) = 1 - 2/sqrt(6)
      [3, 7.3, 0.018980551023133497], // non-integer df
      [0.5, 30, 0.6207230048851272],
      [6, 12, 6.216738864858563e-5],
      [-6, 12, 6.216738864858563e-5], // two-sided: symmetric in t
    ];
    for (const [t, df, p] of ref) expect(rel(tTwoSidedP(t, df), p)).toBeLessThan(1e-12);
    expect(tTwoSidedP(0, 5)).toBe(1);
  });

  it('tends to the normal for large df, and df = Infinity is the normal', () => {
    // scipy: 2 * norm.sf(1.96) = 0.04999579029644087; 2 * t.sf(1.96, 1e9) = 0.049995790573729625
    expect(rel(tTwoSidedP(1.96, Infinity), 0.04999579029644087)).toBeLessThan(1e-13);
    expect(rel(tTwoSidedP(1.96, 1e9), 0.049995790573729625)).toBeLessThan(1e-7);
    expect(rel(tTwoSidedP(1.96, 1e9), 0.04999579029644087)).toBeLessThan(1e-7);
    // t distribution is heavier-tailed: p decreases towards the normal value as df grows
    expect(tTwoSidedP(1.96, 10)).toBeGreaterThan(tTwoSidedP(1.96, 100));
    expect(tTwoSidedP(1.96, 100)).toBeGreaterThan(tTwoSidedP(1.96, Infinity));
  });

  it('studentTCdf is the distribution function (scipy t.cdf) and inverts studentT975', () => {
    expect(rel(studentTCdf(-2.776445, 4), 0.02500000269104578)).toBeLessThan(1e-12);
    expect(rel(studentTCdf(1.5, 2.5), 0.8760817734568519)).toBeLessThan(1e-13);
    expect(studentTCdf(0, 3)).toBe(0.5);
    for (const df of [1, 3, 7.3, 29, 60, 1000]) expect(studentTCdf(studentT975(df), df)).toBeCloseTo(0.975, 6);
  });

  it('log10 p stays finite where p underflows and equals log10(p) where it does not', () => {
    // t = 1e4, df = 3: p = 2.20531550229581e-12 (scipy), log10 p = -11.656529269640941
    expect(tTwoSidedLog10P(1e4, 3)).toBeCloseTo(-11.656529269640941, 10);
    expect(rel(tTwoSidedP(1e4, 3), 2.20531550229581e-12)).toBeLessThan(1e-12);
    // p underflows a double below ~1e-308; the log stays finite (mpmath, 50 digits:
    // log10 betainc(df/2, 1/2, 0, df/(df+t^2), regularized) )
    expect(tTwoSidedP(1e120, 3)).toBe(0);
    expect(tTwoSidedLog10P(1e120, 3)).toBeCloseTo(-359.65652925400634, 9);
    expect(tTwoSidedLog10P(1e200, 3)).toBeCloseTo(-599.65652925400634, 9); // t^2 overflows a double
    expect(tTwoSidedLog10P(1e60, 10)).toBeCloseTo(-595.60889941585827, 9);
    expect(tTwoSidedLog10P(40, Infinity)).toBeCloseTo(-349.13597646368186, 9); // log10(2 Phi(-40))
    expect(tTwoSidedLog10P(-1e200, 3)).toBe(tTwoSidedLog10P(1e200, 3));
    expect(tTwoSidedLog10P(Infinity, 3)).toBe(-Infinity);
    for (const [t, df] of [
      [0.3, 2],
      [2.5, 5],
      [8, 20],
      [15, 4.5],
      [50, 100],
    ]) {
      expect(tTwoSidedLog10P(t, df)).toBeCloseTo(Math.log10(tTwoSidedP(t, df)), 12);
    }
    expect(tTwoSidedP(NaN, 3)).toBeNaN();
    expect(tTwoSidedP(2, 0)).toBeNaN();
  });

  it('logNormalUpper is ln P(Z > z) on both sides of the switch at z = 3 (mpmath)', () => {
    const ref: [number, number][] = [
      [0, -0.69314718055994531],
      [1, -1.8410216450092635],
      [2.9, -6.2840582349474184],
      [3, -6.6077262215103495],
      [3.1, -6.9406884584212281],
      [10, -53.231285150512471],
      [40, -804.60844201375379],
    ];
    for (const [z, l] of ref) expect(rel(logNormalUpper(z), l)).toBeLessThan(1e-13);
  });
});

describe('pairedT', () => {
  it('gives the t-test of a hand example (scipy ttest_1samp)', () => {
    // d = [0.1, 0.3, -0.05, 0.2, 0.15]: sum 0.7, mean 0.14; deviations -0.04, 0.16, -0.19, 0.06,
    // 0.01; squares 0.0016 + 0.0256 + 0.0361 + 0.0036 + 0.0001 = 0.067; var 0.067 / 4 = 0.01675;
    // sd 0.12942179; se = sd / sqrt 5 = 0.05787918; t = 0.14 / se = 2.41883159; df 4.
    // scipy.stats.ttest_1samp(d, 0): statistic 2.4188315916278085, pvalue 0.07285505961025568,
    // confidence_interval (-0.020698378536599504, 0.30069837853659953) (exact t quantile; here
    // t_{0.975,4} = 2.7764451 from the 7-digit table, hence the 1e-8 tolerance on the interval)
    const r = pairedT([0.1, 0.3, -0.05, 0.2, 0.15]);
    expect(r.n).toBe(5);
    expect(r.df).toBe(4);
    expect(r.mean).toBeCloseTo(0.14, 14);
    expect(r.sd).toBeCloseTo(Math.sqrt(0.01675), 14);
    expect(r.se).toBeCloseTo(Math.sqrt(0.01675 / 5), 14);
    expect(r.t).toBeCloseTo(2.4188315916278085, 12);
    expect(rel(r.p, 0.07285505961025568)).toBeLessThan(1e-12);
    expect(r.log10p).toBeCloseTo(Math.log10(0.07285505961025568), 12);
    expect(Math.abs(r.lo - -0.020698378536599504)).toBeLessThan(1e-8);
    expect(Math.abs(r.hi - 0.30069837853659953)).toBeLessThan(1e-8);
  });

  it('has no test for n < 2', () => {
    const r = pairedT([0.3]);
    expect(r.n).toBe(1);
    expect(r.mean).toBe(0.3);
    for (const v of [r.t, r.p, r.log10p, r.lo, r.hi, r.sd, r.se]) expect(v).toBeNaN();
    const e = pairedT([]);
    expect(e.n).toBe(0);
    expect(e.mean).toBeNaN();
    expect(e.p).toBeNaN();
  });

  it('handles equal differences: infinite t for a nonzero mean, p = 1 for all zeros', () => {
    const r = pairedT([0.1, 0.1, 0.1]); // the two-pass sd of these is ~1e-17, not 0
    expect(r.sd).toBe(0);
    expect(r.t).toBe(Infinity);
    expect(r.p).toBe(0);
    expect(r.log10p).toBe(-Infinity);
    expect(r.lo).toBe(0.1);
    expect(r.hi).toBe(0.1);
    expect(pairedT([-2, -2]).t).toBe(-Infinity);
    const z = pairedT([0, 0, 0, 0]);
    expect(z.t).toBeNaN();
    expect(z.p).toBe(1);
    expect(z.log10p).toBe(0);
    expect([z.lo, z.hi]).toEqual([0, 0]);
  });

  it('keeps log10p finite where p underflows, and throws on NaN', () => {
    // 200 differences 1 -+ 2^-44: sd 5.7e-14, t = 2.5e14 on 199 df: p ~ 1e-2900 underflows
    const d = Array.from({ length: 200 }, (_, i) => 1 + (i % 2 === 0 ? 2 ** -44 : -(2 ** -44)));
    const r = pairedT(d);
    expect(r.t).toBeGreaterThan(1e14);
    expect(r.p).toBe(0);
    expect(Number.isFinite(r.log10p)).toBe(true);
    expect(r.log10p).toBeLessThan(-2000);
    expect(r.log10p).toBe(tTwoSidedLog10P(r.t, 199));
    expect(() => pairedT([1, NaN])).toThrow(/not a finite number/);
  });
});

describe('signFlipTest', () => {
  it('[1, 2, 3]: p = 0.25, the floor of three seeds', () => {
    // 8 patterns, sums +-6, +-4, +-2, +-0... only (+,+,+) and (-,-,-) reach |sum| >= 6: 2/8
    const r = signFlipTest([1, 2, 3]);
    expect(r).toMatchObject({ n: 3, p: 0.25, exact: true, floor: 0.25 });
    expect(r.method).toMatch(/exact/);
    // floating sums (0.1 + 0.2 + 0.3 = 0.6000000000000001) still count the observed pattern
    expect(signFlipTest([0.1, 0.2, 0.3]).p).toBe(0.25);
  });

  it('[1, -1] and sums that are zero up to rounding give p = 1', () => {
    expect(signFlipTest([1, -1]).p).toBe(1);
    expect(signFlipTest([0.1, 0.2, -0.3]).p).toBe(1); // observed sum 5.6e-17: every pattern counts
    expect(signFlipTest([]).p).toBe(1);
  });

  it('matches hand enumerations of four differences', () => {
    // sums of +-1 +-2 +-3 +-4 are 10 - 2 m with m a subset sum of {1,2,3,4}; subset sums
    // 0,1,2,3,3,4,4,5,5,6,6,7,7,8,9,10 give sums 10,8,6,4,4,2,2,0,0,-2,-2,-4,-4,-6,-8,-10.
    // [-1, 2, 3, 4]: observed 8; |sum| >= 8 for 10, 8, -8, -10: p = 4/16
    expect(signFlipTest([-1, 2, 3, 4]).p).toBe(0.25);
    // [1, 2, 3, -4]: observed 2; only the two zeros fall short: p = 14/16
    expect(signFlipTest([1, 2, 3, -4]).p).toBe(0.875);
    // all positive: only the observed pattern and its mirror: p = 2/16, the floor
    expect(signFlipTest([1, 2, 3, 4]).p).toBe(0.125);
  });

  it('states the floor 2 / 2^n: three seeds never below 0.25, five never below 0.0625', () => {
    expect(signFlipTest([5, 6, 7]).floor).toBe(0.25);
    const five = signFlipTest([5, 6, 7, 8, 9]);
    expect(five.floor).toBe(0.0625);
    expect(five.p).toBe(0.0625); // a huge effect cannot go lower
    const twenty = signFlipTest(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(twenty.exact).toBe(true);
    expect(twenty.floor).toBe(2 / 2 ** 20);
    expect(twenty.p).toBe(2 / 2 ** 20);
  });

  it('uses a seeded Monte Carlo above 20 and is deterministic for a seed', () => {
    const rng = new Rng(11);
    const d = Array.from({ length: 25 }, () => rng.normal() + 0.4);
    const a = signFlipTest(d, { seed: 7, draws: 20_000 });
    const b = signFlipTest(d, { seed: 7, draws: 20_000 });
    expect(a.exact).toBe(false);
    expect(a.method).toMatch(/Monte Carlo/);
    expect(a.p).toBe(b.p);
    expect(a.floor).toBe(1 / 20_001);
    expect(Number.isInteger(a.p * 20_001 - 1)).toBe(true); // (count + 1) / (draws + 1)
    expect(signFlipTest(d).floor).toBe(1 / 100_001); // default draws
  });

  it('the Monte Carlo agrees with the exact enumeration', () => {
    // a zero difference does not change any |sum|, so 20 differences plus a zero have the exact
    // p of the 20, while the 21 go through the Monte Carlo (SE of p about 0.0007 here)
    const rng = new Rng(5);
    const d = Array.from({ length: 20 }, () => rng.normal() + 0.45);
    const exact = signFlipTest(d);
    const mc = signFlipTest([...d, 0]);
    expect(exact.exact).toBe(true);
    expect(mc.exact).toBe(false);
    expect(exact.p).toBeGreaterThan(0.005);
    expect(exact.p).toBeLessThan(0.2);
    expect(Math.abs(mc.p - exact.p)).toBeLessThan(4 * Math.sqrt((exact.p * (1 - exact.p)) / 100_000) + 1e-5);
  });
});

describe('hierarchicalBootstrap', () => {
  /** S x K matrix with seed effects of size `between` and task noise of size `within` */
  function simulate(S: number, K: number, mu: number, between: number, within: number, seed: number): Float64Array {
    const rng = new Rng(seed);
    const m = new Float64Array(S * K);
    for (let s = 0; s < S; s++) {
      const seedEffect = mu + between * rng.normal();
      for (let k = 0; k < K; k++) m[s * K + k] = seedEffect + within * rng.normal();
    }
    return m;
  }

  it('is deterministic for a seed and depends on it', () => {
    const m = simulate(6, 40, 0.1, 0.05, 0.2, 1);
    const a = hierarchicalBootstrap(m, 6, 40, { seed: 3 });
    const b = hierarchicalBootstrap(m, 6, 40, { seed: 3 });
    const c = hierarchicalBootstrap(m, 6, 40, { seed: 4 });
    expect(a).toEqual(b);
    expect(c.lo).not.toBe(a.lo);
    expect(a.replicates).toBe(2000);
    expect(a.level).toBe(0.95);
    expect(a.mean).toBeCloseTo(mean(m), 14);
    expect(a.lo).toBeLessThan(a.mean);
    expect(a.hi).toBeGreaterThan(a.mean);
  });

  it('gives [c, c] when every difference is c', () => {
    const exact = hierarchicalBootstrap(new Float64Array(5 * 30).fill(0.25), 5, 30); // dyadic: exact sums
    expect([exact.mean, exact.lo, exact.hi]).toEqual([0.25, 0.25, 0.25]);
    const r = hierarchicalBootstrap(new Float64Array(4 * 7).fill(0.1), 4, 7);
    expect(Math.abs(r.lo - 0.1)).toBeLessThan(1e-15);
    expect(Math.abs(r.hi - 0.1)).toBeLessThan(1e-15);
  });

  it('collapses for one seed that is constant across tasks', () => {
    const r = hierarchicalBootstrap(new Float64Array(50).fill(-0.375), 1, 50);
    expect([r.lo, r.hi]).toEqual([-0.375, -0.375]);
    // tasks that differ inside the one seed do give an interval (task-level spread only)
    const m = Float64Array.from({ length: 50 }, (_, k) => k / 50);
    const v = hierarchicalBootstrap(m, 1, 50);
    expect(v.hi - v.lo).toBeGreaterThan(0.05);
  });

  it('widens when seeds disagree (the seed level is resampled)', () => {
    // same per-task noise; seeds agree (between 0) vs disagree (between 0.3)
    const agree = simulate(5, 100, 0.2, 0, 0.2, 9);
    const disagree = simulate(5, 100, 0.2, 0.3, 0.2, 9);
    const a = hierarchicalBootstrap(agree, 5, 100);
    const d = hierarchicalBootstrap(disagree, 5, 100);
    expect(d.hi - d.lo).toBeGreaterThan(5 * (a.hi - a.lo));
    // rows of different constants: only the seed level varies, and it is not ignored
    const rows = new Float64Array(4 * 10);
    for (let s = 0; s < 4; s++) rows.fill(s, s * 10, s * 10 + 10);
    const r = hierarchicalBootstrap(rows, 4, 10);
    expect(r.mean).toBe(1.5);
    expect(r.hi - r.lo).toBeGreaterThan(1);
  });

  it('covers the mean it was simulated around, and a higher level is wider', () => {
    const m = simulate(10, 50, 0.5, 0.1, 0.3, 21);
    const r = hierarchicalBootstrap(m, 10, 50, { seed: 2 });
    expect(r.lo).toBeLessThan(0.5);
    expect(r.hi).toBeGreaterThan(0.5);
    expect(r.lo).toBeLessThan(r.mean);
    expect(r.hi).toBeGreaterThan(r.mean);
    const narrow = hierarchicalBootstrap(m, 10, 50, { seed: 2, level: 0.5 });
    expect(narrow.hi - narrow.lo).toBeLessThan(r.hi - r.lo);
    expect(hierarchicalBootstrap(m, 10, 50, { replicates: 500 }).replicates).toBe(500);
  });

  // (not under `npm run mutation`: Stryker's instrumented code is orders of magnitude slower)
  it.skipIf(process.env.QUENCH_MUTATION === '1')('is fast: 2000 replicates of 5 x 400', () => {
    const m = simulate(5, 400, 0, 0.1, 0.3, 2);
    hierarchicalBootstrap(m, 5, 400, { replicates: 100 }); // warm up the JIT
    const t0 = performance.now();
    hierarchicalBootstrap(m, 5, 400);
    const ms = performance.now() - t0;
    // ~16 ms on an idle core; the bound is loose because other tests share the machine
    expect(ms).toBeLessThan(250);
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => hierarchicalBootstrap(new Float64Array(10), 3, 4)).toThrow(/expected seeds x tasks = 3 x 4 = 12/);
    expect(() => hierarchicalBootstrap(new Float64Array(0), 0, 4)).toThrow(/positive integers/);
    expect(() => hierarchicalBootstrap(new Float64Array(4), 2, 2, { level: 1 })).toThrow(/level/);
  });
});

describe('welchT', () => {
  it('matches scipy ttest_ind(b, a, equal_var=False)', () => {
    // by hand: meanA 0.625, meanB 0.73, diff 0.105; varA 0.00369999 (/4 = 0.000925),
    // varB 0.0024 (/6 = 0.0004); se = sqrt(0.001325) = 0.0364005...
    // scipy: statistic 2.7913293310945906, pvalue 0.03373374853338117, df 5.630633164133358,
    // confidence_interval (0.011472129754998409, 0.19852787024500157)
    const a = [0.61, 0.55, 0.7, 0.64];
    const b = [0.72, 0.69, 0.8, 0.74, 0.77, 0.66];
    const r = welchT(a, b);
    expect(r.nA).toBe(4);
    expect(r.nB).toBe(6);
    expect(r.meanA).toBeCloseTo(0.625, 14);
    expect(r.meanB).toBeCloseTo(0.73, 14);
    expect(r.diff).toBeCloseTo(0.105, 14);
    expect(r.se).toBeCloseTo(Math.sqrt(sd(a) ** 2 / 4 + sd(b) ** 2 / 6), 14);
    expect(r.t).toBeCloseTo(2.7913293310945906, 12);
    expect(r.df).toBeCloseTo(5.630633164133358, 12);
    expect(rel(r.p, 0.03373374853338117)).toBeLessThan(1e-11);
    expect(r.lo).toBeCloseTo(0.011472129754998409, 9);
    expect(r.hi).toBeCloseTo(0.19852787024500157, 9);
    // swapping the samples flips the sign only
    const s = welchT(b, a);
    expect(s.t).toBeCloseTo(-r.t, 12);
    expect(s.p).toBeCloseTo(r.p, 14);
  });

  it('gives NaN with fewer than two values on a side, and handles zero variance', () => {
    const r = welchT([1], [1, 2, 3]);
    expect(r.meanA).toBe(1);
    for (const v of [r.se, r.df, r.t, r.p, r.lo, r.hi]) expect(v).toBeNaN();
    const c = welchT([1, 1, 1], [2, 2]);
    expect(c.t).toBe(Infinity);
    expect(c.p).toBe(0);
    expect([c.lo, c.hi]).toEqual([1, 1]);
    expect(welchT([3, 3], [3, 3]).p).toBe(1);
  });
});

describe('wilcoxonLog', () => {
  it('gives the exact p of the scipy documentation example', () => {
    // scipy.stats.wilcoxon -> pvalue 0.041259765625 (exact)
    const r = wilcoxonLog([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]);
    expect(r).toMatchObject({ wPlus: 96, wMinus: 24, n: 15, zeros: 0, ties: false, exact: true, z: null });
    expect(rel(r.p, 0.041259765625)).toBeLessThan(1e-14);
  });

  it('enumerates small cases exactly', () => {
    // n = 5 all positive: W+ = 15 is reached by 1 of 32 patterns, two-sided 2/32 (scipy: 0.0625)
    const r = wilcoxonLog([0.5, 1, 1.5, 2, 2.5]);
    expect(r.exact).toBe(true);
    expect(r.p).toBeCloseTo(0.0625, 15);
    expect(r.log10p).toBeCloseTo(Math.log10(0.0625), 15);
    // n = 3, signs (+, -, +) on ranks 1, 2, 3: W+ = 4; #(W+ >= 4) = #{4, 5, 6} = {1,3}, {2,3},
    // {1,2,3} = 3 of 8, #(W+ <= 4) = 6 of 8: p = 2 * 3/8 = 0.75
    expect(wilcoxonLog([0.1, -0.2, 0.3]).p).toBeCloseTo(0.75, 15);
    // W+ at the centre: p capped at 1
    expect(wilcoxonLog([1, -2, -3, 4]).p).toBe(1);
    expect(wilcoxonLog([0, 0]).p).toBe(1);
    expect(wilcoxonLog([]).n).toBe(0);
  });

  it('equals @stdlib (wilcoxonSignedRank) on random cases with and without ties and zeros', () => {
    const rng = new Rng(2024);
    const cases: number[][] = [];
    // continuous, n <= 50: exact
    for (const n of [6, 9, 15, 24, 37, 50]) cases.push(Array.from({ length: n }, () => rng.normal() + 0.25));
    // rounded to multiples of 0.25: ties and zeros, normal approximation
    for (const n of [8, 20, 45, 80]) {
      cases.push(Array.from({ length: n }, () => Math.round((rng.normal() + 0.2) * 4) / 4));
    }
    // continuous, n > 50: normal approximation
    for (const n of [51, 120, 400]) cases.push(Array.from({ length: n }, () => rng.normal() + 1 / Math.sqrt(n)));
    let sawExact = 0;
    let sawTies = 0;
    let sawZeros = 0;
    for (const d of cases) {
      const ours = wilcoxonLog(d);
      const lib = wilcoxonSignedRank(d);
      // @stdlib forms p as 1 - cdf, which has an absolute error ~1e-16: compare where p is not tiny
      expect(lib.pValue).toBeGreaterThan(1e-5);
      expect(rel(ours.p, lib.pValue)).toBeLessThan(1e-10);
      expect(ours.wPlus).toBe(lib.wPlus);
      expect(ours.n).toBe(lib.n);
      expect(ours.zeros).toBe(lib.zeros);
      expect(ours.exact).toBe(lib.exact);
      if (ours.exact) sawExact++;
      if (ours.ties) sawTies++;
      if (ours.zeros > 0) sawZeros++;
    }
    expect(sawExact).toBe(6);
    expect(sawTies).toBe(4);
    expect(sawZeros).toBeGreaterThanOrEqual(3);
  });

  it('detects ties: they change the p-value', () => {
    // d = [1,1,1,1,1,1,-2,3,4,5]: six tied |d| = 1 share rank 3.5; W+ = 6*3.5 + 8 + 9 + 10 = 48, n 10.
    // scipy.stats.wilcoxon(d, correction=True, method='approx') (tie-corrected variance):
    //   p = 0.03692773407573312
    // ignoring ties would give either the exact p 0.037109375 (treating ranks as distinct) or
    // the normal p without tie correction 0.041491087387731544 (both from scipy/by hand)
    const d = [1, 1, 1, 1, 1, 1, -2, 3, 4, 5];
    const r = wilcoxonLog(d);
    expect(r.ties).toBe(true);
    expect(r.exact).toBe(false);
    expect(r.wPlus).toBe(48);
    expect(rel(r.p, 0.03692773407573312)).toBeLessThan(1e-10);
    expect(Math.abs(r.p - 0.037109375)).toBeGreaterThan(1e-6);
    expect(Math.abs(r.p - 0.041491087387731544)).toBeGreaterThan(1e-6);
    // the zeros/ties example of scipy used for wilcoxonSignedRank: p = 0.2710412796103431
    // a tie across signs only (|1| = |-1|): scipy approx p 0.02488399513396536, exact would be 0.0234375
    const a = wilcoxonLog([1, -1, 2, 3, 4, 5, 6, 7]);
    expect(a).toMatchObject({ ties: true, exact: false, wPlus: 34.5, wMinus: 1.5 });
    expect(rel(a.p, 0.02488399513396536)).toBeLessThan(1e-10);
    expect(a.method).toMatch(/\(tied ranks\)$/);
    const z = wilcoxonLog([-5, 3, 0, 2, 2, -1, 4, 0, 6]);
    expect(z).toMatchObject({ n: 7, zeros: 2, ties: true, exact: false, wPlus: 21, wMinus: 7 });
    expect(rel(z.p, 0.2710412796103431)).toBeLessThan(1e-10);
  });

  it('keeps log10p finite far below the underflow of p (z ~ 39)', () => {
    // 2000 positive differences with distinct magnitudes: W+ = 2001000, mu = 1000500,
    // sigma^2 = 2000*2001*4001/24, z = (1000500 - 0.5)/sigma = 38.734653821206569;
    // mpmath: log10(2 * ncdf(-z)) = -327.48839424529131 (scipy log_ndtr agrees)
    const r = wilcoxonLog(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(r.exact).toBe(false);
    expect(r.z!).toBeCloseTo(38.734653821206569, 10);
    expect(r.p).toBe(0);
    expect(Number.isFinite(r.log10p)).toBe(true);
    expect(rel(r.log10p, -327.48839424529131)).toBeLessThan(1e-6);
    expect(rel(r.log10p, -327.48839424529131)).toBeLessThan(1e-13);
    // every 7th of 1..2000 negative: scipy wilcoxon(method='approx') p = 9.276274007968681e-169
    const d = Array.from({ length: 2000 }, (_, i) => ((i + 1) % 7 === 0 ? -(i + 1) : i + 1));
    const s = wilcoxonLog(d);
    expect(rel(s.p, 9.276274007968681e-169)).toBeLessThan(1e-10);
    expect(s.log10p).toBeCloseTo(Math.log10(9.276274007968681e-169), 9);
  });

  it('is symmetric under a sign flip and throws on NaN', () => {
    const d = [0.3, -1.2, 2.2, 0.7, 1.9, -0.1, 1.4];
    const a = wilcoxonLog(d);
    const b = wilcoxonLog(d.map((x) => -x));
    expect(b.wPlus).toBe(a.wMinus);
    expect(b.p).toBe(a.p);
    expect(() => wilcoxonLog([1, NaN])).toThrow(/not a finite number/);
  });
});

describe('seedLevelRegression', () => {
  it('recovers known coefficients exactly from noiseless data', () => {
    // y = 1 + 2 x1 - 3 x2 in every seed, with different designs per seed
    const rng = new Rng(8);
    const groups = Array.from({ length: 4 }, () => {
      const x = Array.from({ length: 7 }, () => [rng.uniform() * 3, rng.normal()]);
      return { y: x.map(([x1, x2]) => 1 + 2 * x1 - 3 * x2), x };
    });
    const r = seedLevelRegression(groups);
    expect(r.seeds).toBe(4);
    expect(r.dropped).toEqual([]);
    expect(r.predictors).toHaveLength(2);
    const [b1, b2] = r.predictors;
    expect(r.intercept.mean).toBeCloseTo(1, 10);
    expect(b1.mean).toBeCloseTo(2, 10);
    expect(b2.mean).toBeCloseTo(-3, 10);
    for (const c of [r.intercept, b1, b2]) {
      expect(c.hi - c.lo).toBeLessThan(1e-9); // zero width up to rounding
      expect(c.perSeed).toHaveLength(4);
    }
    for (const v of b2.perSeed) expect(v).toBeCloseTo(-3, 10);
    for (const r2 of r.rSquaredPerSeed) expect(r2).toBeCloseTo(1, 12);
  });

  it('matches per-seed least squares and the across-seed t interval (numpy lstsq, scipy)', () => {
    const groups = [
      { y: [0.562, 1.481, 1.21, 2.068, 0.943, 1.059], x: [[0.09, -0.04], [0.24, -0.68], [0.8, 0.47], [0.58, -0.77], [0.09, -0.22], [0.43, 0.03]] },
      { y: [0.69, 1.685, 1.594, 0.536, 2.093, 1.776], x: [[0.0, -0.06], [0.97, 0.55], [0.3, -0.94], [0.31, 0.41], [0.89, -0.25], [0.59, -0.82]] },
      { y: [1.298, 1.985, 1.015, 1.856, 1.001, 2.142], x: [[0.83, 0.76], [0.66, -0.8], [0.68, 0.7], [0.82, -0.21], [0.43, -0.04], [0.76, -0.71]] },
      { y: [0.491, 2.435, 1.041, 1.43, 1.79, 0.565], x: [[0.18, 0.7], [0.75, -0.66], [0.75, 0.93], [0.57, 0.25], [0.92, 0.21], [0.21, 0.94]] },
    ];
    // numpy.linalg.lstsq([1, x1, x2], y) per seed (intercept, b1, b2)
    const coefs = [
      [0.48384286425263096, 1.455468009090025, -0.9704538464574063],
      [0.5085842701102719, 1.5118061209212843, -0.6273582426299488],
      [0.11820639467336252, 2.006646420428978, -0.6665986485556651],
      [1.0284166157167247, 1.0707296552644254, -0.8597324595333791],
    ];
    const r2 = [0.9829676895038512, 0.9571102299978189, 0.997287449831854, 0.9878465629865291];
    // scipy ttest_1samp(coefficients, 0): mean, confidence interval, p
    const across = [
      [0.5347625361882475, -0.06096690571083507, 1.1304919780873302, 0.064749025891068],
      [1.5111625514261782, 0.8999811494107467, 2.1223439534416095, 0.004276341795936139],
      [-0.7810357992940998, -1.038900722259626, -0.5231708763285736, 0.0023701473947188786],
    ];
    const r = seedLevelRegression(groups);
    const all = [r.intercept, ...r.predictors];
    for (let j = 0; j < 3; j++) {
      for (let s = 0; s < 4; s++) expect(all[j].perSeed[s]).toBeCloseTo(coefs[s][j], 11);
      const [m, lo, hi, p] = across[j];
      expect(all[j].mean).toBeCloseTo(m, 11);
      expect(all[j].lo).toBeCloseTo(lo, 6); // t_{0.975,3} from the 7-digit table
      expect(all[j].hi).toBeCloseTo(hi, 6);
      expect(rel(all[j].p, p)).toBeLessThan(1e-9);
    }
    for (let s = 0; s < 4; s++) expect(r.rSquaredPerSeed[s]).toBeCloseTo(r2[s], 12);
  });

  it('lists rank-deficient seeds in dropped and leaves them out of the interval', () => {
    const make = (x: number[][]) => ({ y: x.map(([x1, x2]) => 1 + 2 * x1 - 3 * x2 + 0.01 * Math.sin(7 * x1)), x });
    const good1 = make([[0, 1], [1, 0], [2, 2], [3, 1], [4, 0]]);
    const good2 = make([[1, 1], [2, 3], [0, 2], [5, 0], [3, 3]]);
    const constant = make([[0, 0.7], [1, 0.7], [2, 0.7], [3, 0.7]]); // x2 constant within the seed
    const collinear = make([[0, 0], [1, 2], [2, 4], [3, 6]]); // x2 = 2 x1
    const tooFew = make([[1, 2], [2, 1]]); // 2 runs, 3 coefficients
    const r = seedLevelRegression([good1, constant, good2, collinear, tooFew]);
    expect(r.seeds).toBe(2);
    expect(r.dropped.map((d) => d.seed)).toEqual([1, 3, 4]);
    expect(r.dropped[0].reason).toMatch(/predictor 1 is constant/);
    expect(r.dropped[1].reason).toMatch(/collinear/);
    expect(r.dropped[2].reason).toMatch(/2 runs for 3 coefficients/);
    const b1 = r.predictors[0];
    expect(b1.perSeed).toHaveLength(5);
    expect(b1.perSeed[1]).toBeNaN();
    expect(r.rSquaredPerSeed[3]).toBeNaN();
    // the interval is the t interval of the two fitted seeds only
    const kept = [b1.perSeed[0], b1.perSeed[2]];
    const t = pairedT(kept);
    expect(b1.mean).toBe(t.mean);
    expect(b1.lo).toBe(t.lo);
    expect(b1.hi).toBe(t.hi);
    expect(b1.p).toBe(t.p);
    // collinear up to 1e-6 (R^2 of x2 on x1 is 1 - 1e-13, below the 1e-10 pivot): not identified
    // either, rather than a fit with coefficients of size 1e6
    const nearly = make([[0, 1e-6], [1, 2 - 1e-6], [2, 4 + 1e-6], [3, 6 - 1e-6]]);
    const n = seedLevelRegression([good1, nearly, good2]);
    expect(n.dropped.map((d) => d.seed)).toEqual([1]);
    expect(n.dropped[0].reason).toMatch(/collinear/);
  });

  it('is scale-free: predictors in very different units fit without being called collinear', () => {
    const rng = new Rng(4);
    const groups = Array.from({ length: 3 }, () => {
      const x = Array.from({ length: 8 }, () => [1e6 * rng.uniform(), 1e-6 * rng.uniform()]);
      return { y: x.map(([a, b]) => 0.5 + 3e-6 * a + 2e5 * b + 0.01 * rng.normal()), x };
    });
    const r = seedLevelRegression(groups);
    expect(r.dropped).toEqual([]);
    expect(r.predictors[0].mean).toBeCloseTo(3e-6, 7);
    expect(r.predictors[1].mean / 2e5).toBeCloseTo(1, 1);
  });

  it('rejects malformed input', () => {
    expect(() => seedLevelRegression([{ y: [1, 2], x: [[1]] }])).toThrow(/2 responses but 1 predictor rows/);
    expect(() => seedLevelRegression([{ y: [1, 2], x: [[1], [1, 2]] }])).toThrow(/has 2 predictors, expected 1/);
    expect(() => seedLevelRegression([{ y: [1, NaN], x: [[1], [2]] }])).toThrow(/not finite/);
    expect(() => seedLevelRegression([])).toThrow(/no runs/);
  });
});
