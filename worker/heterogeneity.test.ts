import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { HETEROGENEITY_FAMILIES, HeterogeneitySchema, NetworkSchema, type HeterogeneityFamily } from '../common/spec.js';
import { QuenchError } from '../common/errors.js';
import { deriveSeed, Rng } from './rng.js';
import { buildNetwork } from './network.js';
import { HETEROGENEITY_NOTES, MATCH_TOLERANCE as TOLERANCE_IN_CODE, drawTaus, matchRealisedCv, parseTauCsv, perturbTaus, sampleZ, tauBoundsOf, tauStats } from './heterogeneity.js';

const N = 200_000;

function drawZ(family: HeterogeneityFamily, cv: number, seed: number, n = N, values?: number[]): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sampleZ(family, cv, rng, values);
  return out;
}

const spec = (over: Record<string, unknown>) => HeterogeneitySchema.parse(over);

describe('sampleZ moments', () => {
  const lognormalSkew = (c: number) => c * c * c + 3 * c;
  const expected: Record<string, (c: number) => number> = {
    uniform: () => 0,
    normal: () => 0,
    lognormal: lognormalSkew,
    gamma: (c) => 2 * c,
    'reflected-lognormal': (c) => -lognormalSkew(c),
  };
  for (const family of Object.keys(expected) as HeterogeneityFamily[]) {
    for (const c of [0.25, 0.5, 1]) {
      it(`${family} at c = ${c}: mean 1, CV c, skewness ${expected[family]!(c).toFixed(3)}`, () => {
        const s = tauStats(drawZ(family, c, 1234 + Math.round(c * 100)), 0);
        expect(Math.abs(s.mean - 1)).toBeLessThan(0.01);
        // stats.cv divides by |mean|; the sampler's sd / 1 is what "CV c" means
        expect(Math.abs(s.cv / c - 1)).toBeLessThan(0.02);
        const want = expected[family]!(c);
        if (want === 0) {
          expect(Math.abs(s.skewness)).toBeLessThan(0.05);
        } else {
          // sample skewness of heavy tails converges slowly: 10 % relative
          expect(Math.sign(s.skewness)).toBe(Math.sign(want));
          expect(Math.abs(s.skewness / want - 1)).toBeLessThan(0.1);
        }
      });
    }
  }

  it('tells right-skewed from left-skewed at equal c', () => {
    const right = tauStats(drawZ('lognormal', 0.5, 7), 0).skewness;
    const left = tauStats(drawZ('reflected-lognormal', 0.5, 7), 0).skewness;
    expect(right).toBeGreaterThan(1);
    expect(left).toBeLessThan(-1);
  });

  it('c = 0 gives exactly 1 for every parametric family', () => {
    for (const family of HETEROGENEITY_FAMILIES) {
      if (family === 'empirical') continue;
      const z = drawZ(family, 0, 99, 1000);
      expect(z.every((v) => v === 1), family).toBe(true);
    }
  });

  it('none ignores c', () => {
    expect(drawZ('none', 0.7, 3, 100).every((v) => v === 1)).toBe(true);
  });

  it('rejects a negative or non-finite cv', () => {
    expect(() => sampleZ('normal', -0.1, new Rng(1))).toThrow(QuenchError);
    expect(() => sampleZ('lognormal', Number.NaN, new Rng(1))).toThrow(QuenchError);
  });
});

describe('common random numbers across levels', () => {
  const ranks = (a: Float64Array) => Array.from(a.keys()).sort((i, j) => a[i]! - a[j]!);

  it('lognormal draws at c = 0.5 and c = 1 with one seed have the same ordering', () => {
    const a = drawZ('lognormal', 0.5, 42, 5000);
    const b = drawZ('lognormal', 1, 42, 5000);
    expect(ranks(a)).toEqual(ranks(b));
    expect(a).not.toEqual(b);
  });

  it('reflected-lognormal, normal and uniform reuse their draws too', () => {
    for (const family of ['reflected-lognormal', 'normal', 'uniform'] as const) {
      const a = drawZ(family, 0.2, 5, 2000);
      const b = drawZ(family, 0.6, 5, 2000);
      expect(ranks(a), family).toEqual(ranks(b));
    }
  });

  it('normal and lognormal at one seed share the underlying normal', () => {
    const n = drawZ('normal', 0.3, 11, 100);
    const l = drawZ('lognormal', 0.3, 11, 100);
    const s2 = Math.log1p(0.09);
    for (let i = 0; i < 100; i++) {
      const x = (n[i]! - 1) / 0.3;
      expect(l[i]).toBeCloseTo(Math.exp(Math.sqrt(s2) * x - s2 / 2), 12);
    }
  });
});

describe('empirical', () => {
  const values = [10, 20, 30, 60];

  it('draws only from the values rescaled to mean 1, with mean about 1', () => {
    const z = drawZ('empirical', 0.9, 8, 50_000, values);
    const allowed = new Set([10 / 30, 20 / 30, 30 / 30, 60 / 30]);
    expect(z.every((v) => allowed.has(v))).toBe(true);
    const seen = new Set(z);
    expect(seen.size).toBe(4);
    expect(Math.abs(tauStats(z, 0).mean - 1)).toBeLessThan(0.01);
  });

  it('ignores cv', () => {
    expect(drawZ('empirical', 0, 8, 100, values)).toEqual(drawZ('empirical', 2, 8, 100, values));
  });

  it('needs values', () => {
    expect(() => sampleZ('empirical', 0, new Rng(1))).toThrow(/empirical/);
  });

  it('drawTaus scales the resampled set by tauMean', () => {
    const d = drawTaus(spec({ family: 'empirical', values }), 500, 6, 0.1, 3);
    const allowed = new Set(values.map((v) => 6 * (v / 30)));
    expect(d.tau.every((t) => allowed.has(t))).toBe(true);
    expect(d.stats.bounded).toBe(0);
  });
});

describe('drawTaus', () => {
  it('is reproducible for a seed and changes with the seed', () => {
    const s = spec({ family: 'lognormal', cv: 0.5 });
    const a = drawTaus(s, 300, 5, 1, 77);
    const b = drawTaus(s, 300, 5, 1, 77);
    const c = drawTaus(s, 300, 5, 1, 78);
    expect(a.tau).toEqual(b.tau);
    expect(a.stats).toEqual(b.stats);
    expect(a.tau).not.toEqual(c.tau);
  });

  it('is tauMean * z for draws inside the bounds', () => {
    const d = drawTaus(spec({ family: 'gamma', cv: 0.3 }), 200, 5, 0.01, 4);
    const z = drawZ('gamma', 0.3, 4, 200);
    expect(d.stats.bounded).toBe(0);
    for (let i = 0; i < 200; i++) expect(d.tau[i]).toBe(5 * z[i]!);
  });

  it('clip: counts every first draw outside the bounds and clips it to the bound exactly', () => {
    const n = 2000;
    const tauMean = 5;
    const dt = 1;
    const s = spec({ family: 'normal', cv: 2, bound: 'clip' });
    const d = drawTaus(s, n, tauMean, dt, 123);
    // by hand: the same stream, unbounded
    const z = drawZ('normal', 2, 123, n);
    let below = 0;
    let above = 0;
    for (let i = 0; i < n; i++) {
      const t = tauMean * z[i]!;
      if (t < dt) {
        below++;
        expect(d.tau[i]).toBe(dt);
      } else if (t > 100 * tauMean) {
        above++;
      } else {
        expect(d.tau[i]).toBe(t);
      }
    }
    // P(N(1, 4) < 0.2) is about 0.34
    expect(below).toBeGreaterThan(0.3 * n);
    expect(below).toBeLessThan(0.38 * n);
    expect(d.stats.bounded).toBe(below + above);
    expect(d.stats.min).toBe(dt);
  });

  it('clip: the default upper bound is 100 tauMean, and a draw above it is clipped exactly there', () => {
    // lognormal at c = 10 has a long right tail: about 0.06 % of z lie above 100 and about 1.6 %
    // above 10, so a default of 10 tauMean would clip some 25 times as many neurons
    const n = 20_000;
    const tauMean = 5;
    const d = drawTaus(spec({ family: 'lognormal', cv: 10, bound: 'clip' }), n, tauMean, 1, 31);
    const z = drawZ('lognormal', 10, 31, n);
    let above = 0;
    let between = 0;
    for (let i = 0; i < n; i++) {
      const t = tauMean * z[i]!;
      if (t > 100 * tauMean) {
        above++;
        expect(d.tau[i]).toBe(500);
      } else if (t >= 1) {
        if (t > 10 * tauMean) between++;
        expect(d.tau[i]).toBe(t);
      }
    }
    expect(above).toBeGreaterThan(0);
    expect(between).toBeGreaterThan(10 * above);
    expect(d.stats.max).toBe(500);
    expect(tauBoundsOf({}, tauMean, 1)).toEqual({ tauMin: 1, tauMax: 500 });
    expect(tauBoundsOf({}, 20, 0.1)).toEqual({ tauMin: 0.1, tauMax: 2000 });
    expect(tauBoundsOf({ tauMin: 2, tauMax: 12 }, 20, 0.1)).toEqual({ tauMin: 2, tauMax: 12 });
  });

  it('clip: honours explicit tauMin and tauMax', () => {
    const s = spec({ family: 'lognormal', cv: 3, tauMin: 2, tauMax: 12, bound: 'clip' });
    const d = drawTaus(s, 5000, 5, 0.5, 9);
    expect(d.tau.every((t) => t >= 2 && t <= 12)).toBe(true);
    expect(d.stats.min).toBe(2);
    expect(d.stats.max).toBe(12);
    expect(d.stats.bounded).toBeGreaterThan(0);
  });

  it('redraw: never returns out-of-bound values, and they are not piled on the bounds', () => {
    const s = spec({ family: 'normal', cv: 2, bound: 'redraw' });
    const d = drawTaus(s, 3000, 5, 1, 123);
    expect(d.tau.every((t) => t >= 1 && t <= 500)).toBe(true);
    expect(d.tau.filter((t) => t === 1).length).toBe(0);
    // the count is of first draws, so it matches the clip run with the same seed
    const clipped = drawTaus(spec({ family: 'normal', cv: 2, bound: 'clip' }), 3000, 5, 1, 123);
    expect(d.stats.bounded).toBeGreaterThan(0.3 * 3000);
    expect(d.stats.bounded).toBeLessThan(0.38 * 3000);
    expect(clipped.stats.bounded).toBeGreaterThan(0);
  });

  it('redraw: gives up and clips when no draw can land in bounds', () => {
    // reflected-lognormal z < 2 always, so tau < 10 can never reach tauMin = 20
    const s = spec({ family: 'reflected-lognormal', cv: 0.5, tauMin: 20, tauMax: 30, bound: 'redraw' });
    const d = drawTaus(s, 5, 5, 1, 1);
    expect(Array.from(d.tau)).toEqual([20, 20, 20, 20, 20]);
    expect(d.stats.bounded).toBe(5);
  });

  it('rejects empty bounds', () => {
    expect(() => drawTaus(spec({ family: 'normal', cv: 0.1, tauMin: 600 }), 10, 5, 1, 1)).toThrow(QuenchError);
  });

  it('none: every tau is tauMean', () => {
    const d = drawTaus(spec({}), 50, 5, 1, 1);
    expect(d.tau.every((t) => t === 5)).toBe(true);
    expect(d.stats).toEqual({ mean: 5, cv: 0, skewness: 0, min: 5, max: 5, bounded: 0 });
  });
});

describe('tauStats', () => {
  it('matches a hand computation on [1, 2, 3, 10]', () => {
    // mean 4; deviations -3 -2 -1 6; m2 = (9 + 4 + 1 + 36) / 4 = 12.5; m3 = (-27 - 8 - 1 + 216) / 4 = 45
    const s = tauStats(Float64Array.from([1, 2, 3, 10]), 3);
    expect(s.mean).toBe(4);
    expect(s.cv).toBeCloseTo(Math.sqrt(12.5) / 4, 12);
    expect(s.skewness).toBeCloseTo(45 / Math.pow(12.5, 1.5), 12);
    expect(s.skewness).toBeCloseTo(1.018233, 5);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10);
    expect(s.bounded).toBe(3);
  });

  it('is finite for constant and empty arrays', () => {
    expect(tauStats(Float64Array.from([2, 2, 2]), 0)).toEqual({ mean: 2, cv: 0, skewness: 0, min: 2, max: 2, bounded: 0 });
    const e = tauStats(new Float64Array(0), 0);
    expect(Object.values(e).every(Number.isFinite)).toBe(true);
  });
});

describe('perturbTaus', () => {
  const tau = Float64Array.from({ length: 20_000 }, (_, i) => 5 + (i % 7));

  it('keeps the mean in expectation, is seeded, and leaves the input alone', () => {
    const before = tau.slice();
    const p = perturbTaus(tau, 0.3, 5, 0, Infinity);
    expect(tau).toEqual(before);
    expect(p).not.toBe(tau);
    expect(perturbTaus(tau, 0.3, 5, 0, Infinity)).toEqual(p);
    expect(perturbTaus(tau, 0.3, 6, 0, Infinity)).not.toEqual(p);
    const ratio = tauStats(p.map((v, i) => v / tau[i]!), 0);
    expect(Math.abs(ratio.mean - 1)).toBeLessThan(0.01);
    // CV of a mean-1 lognormal factor: sqrt(e^{sigma^2} - 1)
    expect(Math.abs(ratio.cv / Math.sqrt(Math.expm1(0.09)) - 1)).toBeLessThan(0.03);
  });

  it('sigma = 0 is the identity; bounds clip', () => {
    expect(perturbTaus(tau, 0, 1, 0, Infinity)).toEqual(tau);
    const p = perturbTaus(tau, 1, 1, 5, 8);
    expect(p.every((v) => v >= 5 && v <= 8)).toBe(true);
    expect(p.some((v) => v === 5)).toBe(true);
    expect(p.some((v) => v === 8)).toBe(true);
  });
});

describe('parseTauCsv', () => {
  it('reads a newline list with comments and blank lines', () => {
    expect(parseTauCsv('# tau in ms\n12\n\n  15.5 \n# another\n2e1\n')).toEqual([12, 15.5, 20]);
  });

  it('skips a header and takes the first numeric column', () => {
    const csv = 'cell,tau_ms,area\nc1,12.5,3\nc2,20,4\r\nc3,7.25,5\n';
    expect(parseTauCsv(csv)).toEqual([12.5, 20, 7.25]);
  });

  it('prefers the column named tau over an earlier numeric one', () => {
    expect(parseTauCsv('id\ttau\n1\t30\n2\t40\n')).toEqual([30, 40]);
    expect(parseTauCsv('id,area\n1,30\n2,40\n')).toEqual([1, 2]);
  });

  it('reads whitespace columns and a one-line list', () => {
    expect(parseTauCsv('10 1\n20 2\n30 3')).toEqual([10, 20, 30]);
    expect(parseTauCsv('10, 20, 30')).toEqual([10, 20, 30]);
  });

  it('names the line and the text of a non-numeric value', () => {
    const csv = 'cell,tau\nc1,12\n# note\nc2,abc\n';
    expect(() => parseTauCsv(csv)).toThrow(QuenchError);
    expect(() => parseTauCsv(csv)).toThrow(/line 4.*abc/);
    try {
      parseTauCsv(csv);
    } catch (e) {
      expect((e as QuenchError).kind).toBe('input');
    }
  });

  it('rejects non-positive and missing values with their line', () => {
    expect(() => parseTauCsv('12\n0\n5')).toThrow(/line 2.*positive/);
    expect(() => parseTauCsv('12\n-3\n5')).toThrow(/line 2/);
    expect(() => parseTauCsv('a,b\n1,2\n,4\n')).toThrow(/line 3.*missing/);
    expect(() => parseTauCsv('12\n0x10\n')).toThrow(/line 2/);
  });

  it('needs at least two values', () => {
    expect(() => parseTauCsv('tau\n12\n')).toThrow(/at least 2/);
    expect(() => parseTauCsv('')).toThrow(/at least 2/);
    expect(() => parseTauCsv('# nothing\n\n')).toThrow(QuenchError);
  });
});

describe('HETEROGENEITY_NOTES', () => {
  it('describes every family with its skew direction', () => {
    for (const f of HETEROGENEITY_FAMILIES) expect(HETEROGENEITY_NOTES[f].length).toBeGreaterThan(10);
    expect(HETEROGENEITY_NOTES.lognormal).toMatch(/right-skewed/);
    expect(HETEROGENEITY_NOTES['reflected-lognormal']).toMatch(/left-skewed/);
    expect(HETEROGENEITY_NOTES.uniform).toMatch(/symmetric/);
    expect(HETEROGENEITY_NOTES.empirical).toMatch(/resampled/);
  });
});

describe("match 'realised': calibrating the nominal c to a realised CV", () => {
  // rate-model defaults: tauMean 5 task steps, dt 1, so the bounds are [1, 500]
  const TAU_MEAN = 5;
  const DT = 1;
  // docs/model.md §2.4: within 2 % (relative) of the target; pinned here, not read from the code
  const MATCH_TOLERANCE = 0.02;
  // the skew preset's tau seeds (rootSeed 5, seed indices 0-2, as main/plan.ts and buildNetwork derive them) and two more
  const SEEDS = [0, 1, 2].map((k) => deriveSeed(deriveSeed(5, 'network', k), 'tau')).concat([1, 77]);
  const SKEW_FAMILIES = ['uniform', 'normal', 'lognormal', 'gamma', 'reflected-lognormal'] as const;
  const realised = (family: HeterogeneityFamily, cv: number, over: Record<string, unknown> = {}) => spec({ family, cv, match: 'realised', ...over });
  const largestIn = (message: string) => Number(/largest realised CV reached is ([\d.]+), at nominal c ([\d.]+)/.exec(message)?.[1]);

  /** The largest realised CV of the nominal (clipped) draws on a grid of c, independent of the search. */
  function gridMax(family: HeterogeneityFamily, n: number, seed: number): number {
    let max = 0;
    for (let k = 1; k <= 500; k++) max = Math.max(max, drawTaus(spec({ family, cv: k * 0.02 }), n, TAU_MEAN, DT, seed).stats.cv);
    return max;
  }

  function thrown(f: () => unknown): QuenchError {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(QuenchError);
      return e as QuenchError;
    }
    throw new Error('expected a QuenchError');
  }

  it('leaves the nominal path bit-identical (digest of the draws taken before match existed)', () => {
    // sha256 over the taus and JSON stats of 420 draws; computed with the code before this change
    const digest = (match?: 'nominal') => {
      const h = createHash('sha256');
      for (const family of HETEROGENEITY_FAMILIES)
        for (const cv of [0, 0.25, 0.5, 1, 2])
          for (const bound of ['clip', 'redraw'])
            for (const bounds of [{}, { tauMin: 2, tauMax: 12 }])
              for (const seed of [1, 77, 123456789]) {
                const values = family === 'empirical' ? { values: [10, 20, 30, 60] } : {};
                const d = drawTaus(spec({ family, cv, bound, ...bounds, ...values, ...(match ? { match } : {}) }), 100, 5, 1, seed);
                h.update(new Uint8Array(d.tau.buffer, d.tau.byteOffset, d.tau.byteLength));
                h.update(JSON.stringify(d.stats));
              }
      return h.digest('hex');
    };
    const before = 'f24abd390edb36a6759945591ec70ed5441bdad7007cb8a217e1cbb1da66cd9e';
    expect(digest()).toBe(before);
    expect(digest('nominal')).toBe(before);
    // and a few values to read, from the same old code
    const d = drawTaus(spec({ family: 'lognormal', cv: 0.5 }), 5, 5, 1, 42);
    expect(Array.from(d.tau)).toEqual([4.326275670283687, 6.847580771810251, 3.4276595890613666, 4.780895096899586, 5.239956561232325]);
    expect(d.stats).toEqual({ mean: 4.924473537857443, cv: 0.23004548361179564, skewness: 0.4915417672177831, min: 3.4276595890613666, max: 6.847580771810251, bounded: 0 });
    expect('nominalCv' in d.stats).toBe(false);
  });

  for (const family of SKEW_FAMILIES) {
    for (const target of [0.25, 0.5, 1]) {
      it(`${family} at realised CV ${target}: within 2 % for n = 100 and 400 and ${SEEDS.length} seeds, or a genuine miss`, () => {
        for (const n of [100, 400]) {
          for (const seed of SEEDS) {
            const where = `${family} target ${target} n ${n} seed ${seed}`;
            let d: ReturnType<typeof drawTaus>;
            try {
              d = drawTaus(realised(family, target), n, TAU_MEAN, DT, seed);
            } catch (e) {
              // reflected-lognormal z = 2 - y piles onto tau = dt from c ~ 0.5 on, so its realised CV
              // peaks below 0.5 for most seeds; every other case here must be reached
              expect(family === 'reflected-lognormal' && target >= 0.5, `${where}: ${(e as Error).message}`).toBe(true);
              const err = e as QuenchError;
              expect(err).toBeInstanceOf(QuenchError);
              expect(err.kind).toBe('spec');
              expect(err.message).toContain(`"${family}" cannot reach realised CV ${target}`);
              expect(err.message).toMatch(/lower the target cv or widen tauMin\/tauMax/i);
              const largest = largestIn(err.message);
              const grid = gridMax(family, n, seed);
              // genuinely out of reach: a grid over c in (0, 10] never comes within 2 % either,
              // and the search found the peak the grid found (to the 3 digits it prints)
              expect(grid, where).toBeLessThan(target * (1 - MATCH_TOLERANCE));
              expect(largest, where).toBeLessThan(target * (1 - MATCH_TOLERANCE));
              expect(largest, where).toBeGreaterThanOrEqual(grid - 0.0051);
              continue;
            }
            expect(Math.abs(d.stats.cv / target - 1), where).toBeLessThanOrEqual(MATCH_TOLERANCE);
            const c = d.stats.nominalCv!;
            expect(c, where).toBeGreaterThan(0);
            expect(c, where).toBeLessThanOrEqual(10);
            expect(d.tau.every((t) => t >= DT && t <= 100 * TAU_MEAN), where).toBe(true);
            if (family !== 'gamma') {
              // with clip these are the nominal draws: a nominal spec at cv = nominalCv redraws the same network
              const nominal = drawTaus(spec({ family, cv: c }), n, TAU_MEAN, DT, seed);
              expect(nominal.tau, where).toEqual(d.tau);
            }
          }
        }
        if (family === 'reflected-lognormal' && target === 1) {
          // never reached: asserted above per case, and here that the test saw no success
          for (const n of [100, 400]) for (const seed of SEEDS) expect(() => drawTaus(realised(family, 1), n, TAU_MEAN, DT, seed)).toThrow(/cannot reach realised CV 1/);
        }
      });
    }
  }

  it('is deterministic: the same seed gives the same taus and nominal c, another seed other ones', () => {
    for (const family of SKEW_FAMILIES) {
      const s = realised(family, 0.4);
      const a = drawTaus(s, 150, TAU_MEAN, DT, 31);
      const b = drawTaus(s, 150, TAU_MEAN, DT, 31);
      const c = drawTaus(s, 150, TAU_MEAN, DT, 32);
      expect(b.tau, family).toEqual(a.tau);
      expect(b.stats, family).toEqual(a.stats);
      expect(a.stats.nominalCv, family).toBeDefined();
      expect(c.tau, family).not.toEqual(a.tau);
    }
  });

  it('uses the 2 % tolerance of docs/model.md §2.4', () => {
    expect(TOLERANCE_IN_CODE).toBe(MATCH_TOLERANCE);
  });

  it('records the nominal c it drew with, and reports how many draws the search took', () => {
    const s = realised('normal', 0.8);
    const m = matchRealisedCv(s, 200, TAU_MEAN, DT, 100 * TAU_MEAN, 5);
    expect(m.nominalCv).toBe(m.draw.stats.nominalCv);
    expect(m.draw.tau).toEqual(drawTaus(s, 200, TAU_MEAN, DT, 5).tau);
    expect(m.draw.tau).toEqual(drawTaus(spec({ family: 'normal', cv: m.nominalCv }), 200, TAU_MEAN, DT, 5).tau);
    expect(m.draws).toBeGreaterThan(1);
    expect(m.draws).toBeLessThan(40);
  });

  it('sanity: lognormal at realised CV 0.96 needs nominal c close to 1', () => {
    // lognormal is barely cut by [dt, 100 tauMean] at c = 1 (nominal c 1 gives realised ~0.92-1.04 here)
    const cs = SEEDS.map((seed) => drawTaus(realised('lognormal', 0.96), 400, TAU_MEAN, DT, seed).stats.nominalCv!);
    for (const c of cs) expect(Math.abs(c - 1)).toBeLessThan(0.15);
    const sorted = cs.slice().sort((a, b) => a - b);
    expect(Math.abs(sorted[2]! - 1)).toBeLessThan(0.1);
  });

  it('sanity: uniform at realised CV 0.7 needs nominal c well above 0.7 (the clip at dt eats the spread)', () => {
    // population value: U[1 - sqrt(3)c, 1 + sqrt(3)c] clipped below at dt/tauMean = 0.2 has CV 0.7 at c = 0.864;
    // these seeds at n = 400 land at 0.845-0.917
    for (const seed of SEEDS) {
      const c = drawTaus(realised('uniform', 0.7), 400, TAU_MEAN, DT, seed).stats.nominalCv!;
      expect(c).toBeGreaterThan(0.8);
      expect(c).toBeLessThan(1);
    }
  });

  it('names the largest realised CV reached when the target is out of reach', () => {
    const err = thrown(() => drawTaus(realised('reflected-lognormal', 1), 100, TAU_MEAN, DT, SEEDS[0]!));
    expect(err.kind).toBe('spec');
    expect(err.message).toMatch(/"reflected-lognormal" cannot reach realised CV 1 /);
    expect(err.message).toMatch(/largest realised CV reached is 0\.46, at nominal c 1\.14/);
    expect(largestIn(err.message)).toBeCloseTo(gridMax('reflected-lognormal', 100, SEEDS[0]!), 2);
    expect(err.message).not.toMatch(/bound 'clip'\./);
    // uniform tops out near 1.2 (c = 10) with the default bounds; widening tauMin is the way out
    const wide = thrown(() => drawTaus(realised('uniform', 2), 400, TAU_MEAN, DT, 3));
    expect(wide.message).toMatch(/"uniform" cannot reach realised CV 2 /);
    expect(largestIn(wide.message)).toBeGreaterThan(1);
    expect(largestIn(wide.message)).toBeLessThan(1.5);
    expect(wide.message).toMatch(/at nominal c 10 /);
    // with redraw, clipping is suggested too
    const redraw = thrown(() => drawTaus(realised('uniform', 1, { bound: 'redraw' }), 200, TAU_MEAN, DT, 3));
    expect(redraw.message).toMatch(/bound 'redraw'/);
    expect(redraw.message).toMatch(/or use bound 'clip'\.$/);
  });

  it('redraw and gamma use per-neuron streams and still reach the target inside the bounds', () => {
    for (const family of SKEW_FAMILIES) {
      if (family === 'reflected-lognormal') continue;
      const d = drawTaus(realised(family, 0.4, { bound: 'redraw' }), 300, TAU_MEAN, DT, 8);
      expect(Math.abs(d.stats.cv / 0.4 - 1), family).toBeLessThanOrEqual(MATCH_TOLERANCE);
      expect(d.tau.every((t) => t >= DT && t <= 100 * TAU_MEAN), family).toBe(true);
    }
  });

  it('says so when the target falls inside a jump of the realised CV (redraw of a tail neuron)', () => {
    // lognormal with redraw, n = 100, seed 3: one neuron redrawn from above tauMax moves the CV by ~0.4
    const err = thrown(() => drawTaus(realised('lognormal', 1.5, { bound: 'redraw' }), 100, TAU_MEAN, DT, 3));
    expect(err.kind).toBe('spec');
    const m = /could not be calibrated to realised CV 1\.5 within 2 %: for this seed the realised CV jumps from ([\d.]+) at nominal c ([\d.]+) to ([\d.]+) at ([\d.]+)/.exec(err.message);
    expect(m, err.message).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1.5 * (1 - MATCH_TOLERANCE));
    expect(Number(m![3])).toBeGreaterThan(1.5 * (1 + MATCH_TOLERANCE));
    // not out of reach: higher realised CVs were drawn
    expect(largestIn(err.message)).toBeGreaterThan(1.5);
    expect(err.message).toMatch(/or use bound 'clip'\.$/);
  });

  it('the gamma draws of the calibration are gamma: mean 1, CV c, skewness 2c without bounds', () => {
    for (const target of [0.5, 1.5]) {
      const d = drawTaus(realised('gamma', target, { tauMin: 1e-9, tauMax: 1e9 }), 20_000, TAU_MEAN, DT, 3);
      expect(Math.abs(d.stats.mean / TAU_MEAN - 1)).toBeLessThan(0.02);
      expect(Math.abs(d.stats.cv / target - 1)).toBeLessThanOrEqual(MATCH_TOLERANCE);
      // nothing is cut, so the nominal c is the realised CV up to sampling noise
      expect(Math.abs(d.stats.nominalCv! / target - 1)).toBeLessThan(0.05);
      expect(Math.abs(d.stats.skewness / (2 * target) - 1)).toBeLessThan(0.1);
    }
  });

  it('target 0 is c = 0; none and empirical ignore match', () => {
    const zero = drawTaus(realised('lognormal', 0), 50, TAU_MEAN, DT, 1);
    expect(zero.tau.every((t) => t === TAU_MEAN)).toBe(true);
    expect(zero.stats.nominalCv).toBe(0);
    const none = drawTaus(realised('none', 0.5), 50, TAU_MEAN, DT, 1);
    expect(none.stats).toEqual(drawTaus(spec({ family: 'none', cv: 0.5 }), 50, TAU_MEAN, DT, 1).stats);
    expect('nominalCv' in none.stats).toBe(false);
    const values = [10, 20, 30, 60];
    const emp = drawTaus(realised('empirical', 0.5, { values }), 50, TAU_MEAN, DT, 1);
    expect(emp).toEqual(drawTaus(spec({ family: 'empirical', values }), 50, TAU_MEAN, DT, 1));
    expect('nominalCv' in emp.stats).toBe(false);
  });

  it('perturbTau keeps the calibrated nominal c in the recomputed statistics', () => {
    const heterogeneity = { family: 'lognormal', cv: 0.6, match: 'realised' };
    const base = buildNetwork(NetworkSchema.parse({ n: 120, heterogeneity }), 2, 9);
    const perturbed = buildNetwork(NetworkSchema.parse({ n: 120, heterogeneity, manipulations: [{ op: 'perturbTau', sigma: 0.3 }] }), 2, 9);
    expect(base.tauStats.nominalCv).toBeGreaterThan(0);
    expect(perturbed.tauStats.nominalCv).toBe(base.tauStats.nominalCv);
    expect(perturbed.tauStats.cv).not.toBe(base.tauStats.cv);
    expect(perturbed.tauStats.bounded).toBe(base.tauStats.bounded);
    // and a nominal network keeps no nominalCv key (stats are stored as JSON)
    const nominal = buildNetwork(NetworkSchema.parse({ n: 120, heterogeneity: { family: 'lognormal', cv: 0.6 }, manipulations: [{ op: 'perturbTau', sigma: 0.3 }] }), 2, 9);
    expect('nominalCv' in nominal.tauStats).toBe(false);
  });
});
