import { describe, expect, it } from 'vitest';
import {
  interval95,
  mean,
  pairedComparison,
  sd,
  sizeEquivalence,
  skewness,
  studentT975,
  wilcoxonSignedRank,
} from './stats.js';

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

describe('pairedComparison', () => {
  it('counts wins, losses and ties of b against a, meanDiff = mean(b - a)', () => {
    const a = [0.5, 0.2, 0.9, 0.4, 0.3];
    const b = [0.6, 0.2, 0.7, 0.8, 0.3];
    const r = pairedComparison(a, b);
    expect(r.n).toBe(5);
    expect(r.wins).toBe(2); // tasks 0, 3
    expect(r.losses).toBe(1); // task 2
    expect(r.ties).toBe(2); // tasks 1, 4
    expect(r.fractionWon).toBeCloseTo((2 + 0.5 * 2) / 5, 14);
    expect(r.meanA).toBeCloseTo(0.46, 14);
    expect(r.meanB).toBeCloseTo(0.52, 14);
    expect(r.meanDiff).toBeCloseTo(0.06, 14); // b better -> positive
    expect(r.wilcoxon.n).toBe(3); // ties dropped
    expect(r.wilcoxon.zeros).toBe(2);
  });

  it('flips sign when the conditions are swapped', () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const b = [1.5, 2.4, 2.5, 4.9, 5.1, 6.6, 7.7, 8.2];
    const ab = pairedComparison(a, b);
    const ba = pairedComparison(b, a);
    expect(ab.meanDiff).toBeCloseTo(-ba.meanDiff, 14);
    expect(ab.wins).toBe(ba.losses);
    expect(ab.fractionWon + ba.fractionWon).toBeCloseTo(1, 14);
    expect(ab.wilcoxon.pValue).toBeCloseTo(ba.wilcoxon.pValue, 12);
    expect(ab.wilcoxon.wPlus).toBe(ba.wilcoxon.wMinus);
  });

  it('accepts typed arrays and identical conditions', () => {
    const a = new Float64Array([0.1, 0.2, 0.3]);
    const r = pairedComparison(a, a);
    expect(r.ties).toBe(3);
    expect(r.fractionWon).toBe(0.5);
    expect(r.meanDiff).toBe(0);
    expect(r.wilcoxon.pValue).toBe(1);
  });

  it('throws on different lengths and on NaN', () => {
    expect(() => pairedComparison([1, 2], [1, 2, 3])).toThrow(/different numbers of tasks/);
    expect(() => pairedComparison([1, NaN], [1, 2])).toThrow(/task 1/);
    expect(() => pairedComparison([1, 2], [1, NaN])).toThrow(/not a finite number/);
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
