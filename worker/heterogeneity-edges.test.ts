// The edges of the time-constant draw that heterogeneity.test.ts's distributions cannot see: each
// refusal's kind and words, a tau exactly on a bound (inside, not clipped), the per-neuron streams'
// seed rule for gamma and 'redraw' (docs/model.md §2.4), statistics of degenerate sets, and the
// text forms parseTauCsv reads (signs, exponents, quotes, line endings, a byte-order mark).
import { describe, it, expect } from 'vitest';
import { HeterogeneitySchema } from '../common/spec.js';
import { quenchRefusal as refusal } from '../test/fixtures/quench-refusal.js';
import { deriveSeed, Rng } from './rng.js';
import { drawTaus, matchRealisedCv, parseTauCsv, perturbTaus, sampleZ, tauStats } from './heterogeneity.js';

const spec = (over: Record<string, unknown>) => HeterogeneitySchema.parse(over);

describe('refusals, in words', () => {
  it('of empirical values: none, missing, not positive or not finite', () => {
    expect(refusal(() => sampleZ('empirical', 0, new Rng(1)))).toEqual({ kind: 'input', message: 'family "empirical" needs values (at least 2 measured time constants)' });
    expect(refusal(() => sampleZ('empirical', 0, new Rng(1), []))).toEqual({ kind: 'input', message: 'family "empirical" needs at least 2 measured time constants, got none' });
    for (const bad of [0, -2, Infinity, NaN]) {
      expect(refusal(() => sampleZ('empirical', 0, new Rng(1), [3, bad]))).toEqual({ kind: 'input', message: `empirical time constants must be positive finite numbers, got ${bad}` });
    }
    // the smallest positive value is a time constant
    expect(sampleZ('empirical', 0, new Rng(1), [Number.MIN_VALUE, Number.MIN_VALUE])).toBe(1);
  });

  it('of a cv that is negative or not finite', () => {
    for (const cv of [-0.1, NaN, Infinity]) {
      expect(refusal(() => sampleZ('normal', cv, new Rng(1)))).toEqual({ kind: 'spec', message: `heterogeneity cv must be a finite number >= 0, got ${cv}` });
    }
  });

  it('of bounds that leave no room, equal ones included', () => {
    // (the schema refuses tauMin >= tauMax when both are given; here tauMax is the default 100 tauMean)
    expect(refusal(() => drawTaus(spec({ family: 'normal', cv: 0.1, tauMin: 5 }), 4, 0.05, 0.01, 1))).toEqual({
      kind: 'spec',
      message: 'heterogeneity bounds are empty: tauMin (5) must be below tauMax (5)',
    });
    // just below: a draw, every tau (about 0.05) clipped up to tauMin
    expect(Array.from(drawTaus(spec({ family: 'normal', cv: 0.1, tauMin: 4.999 }), 4, 0.05, 0.01, 1).tau)).toEqual([4.999, 4.999, 4.999, 4.999]);
  });

  it('of a device variability sigma that is negative or not finite', () => {
    for (const sigma of [-1, NaN]) {
      expect(refusal(() => perturbTaus(Float64Array.of(1, 2), sigma, 1, 0.5, 10))).toEqual({ kind: 'spec', message: `device variability sigma must be a finite number >= 0, got ${sigma}` });
    }
  });
});

describe('a tau exactly on a bound is inside them', () => {
  it('at tauMin and at tauMax: kept, not counted as bounded', () => {
    // family none puts every tau at tauMean exactly
    for (const b of [{ tauMin: 5 }, { tauMax: 5 }]) {
      const d = drawTaus(spec({ family: 'none', ...b }), 6, 5, 1, 1);
      expect(Array.from(d.tau)).toEqual([5, 5, 5, 5, 5, 5]);
      expect(d.stats.bounded).toBe(0);
    }
    // and with 'redraw', where a tau out of bounds would be drawn again
    const r = drawTaus(spec({ family: 'empirical', values: [1, 3], tauMin: 2.5, tauMax: 7.5, bound: 'redraw' }), 40, 5, 1, 2);
    expect(r.stats.bounded).toBe(0);
    expect(new Set(r.tau)).toEqual(new Set([2.5, 7.5]));
  });
});

describe("per-neuron streams (gamma and 'redraw' when matching the realised CV)", () => {
  it("neuron i draws from seed(seed, 'z/i'): gamma as c^2 Gamma(1/c^2 + 1) U^(c^2)", () => {
    const s = spec({ family: 'gamma', cv: 0.5, match: 'realised' });
    const m = matchRealisedCv(s, 50, 5, 1, 500, 77);
    const c2 = m.nominalCv ** 2;
    for (let i = 0; i < 50; i++) {
      const rng = new Rng(deriveSeed(77, 'z', i));
      const z = rng.gamma(1 / c2 + 1) * Math.pow(rng.uniformOpen(), c2) * c2;
      expect(m.draw.tau[i]).toBe(Math.min(500, Math.max(1, 5 * z)));
    }
  });

  it("'redraw' with a parametric family: sampleZ on neuron i's own stream, drawn again while outside", () => {
    const s = spec({ family: 'lognormal', cv: 0.5, match: 'realised', bound: 'redraw', tauMax: 12 });
    const m = matchRealisedCv(s, 40, 5, 1, 12, 5);
    for (let i = 0; i < 40; i++) {
      const rng = new Rng(deriveSeed(5, 'z', i));
      let t = 5 * sampleZ('lognormal', m.nominalCv, rng);
      for (let k = 0; k < 1000 && !(t >= 1 && t <= 12); k++) t = 5 * sampleZ('lognormal', m.nominalCv, rng);
      expect(m.draw.tau[i]).toBe(t);
    }
  });

  it('clip with uniform, normal or the lognormals keeps the nominal draw of one stream', () => {
    const s = spec({ family: 'normal', cv: 0.3, match: 'realised' });
    const m = matchRealisedCv(s, 30, 5, 1, 500, 9);
    const nominal = drawTaus(spec({ family: 'normal', cv: m.nominalCv }), 30, 5, 1, 9);
    expect(Array.from(m.draw.tau)).toEqual(Array.from(nominal.tau));
  });
});

describe('tauStats of degenerate sets', () => {
  it('an empty set is all zeros', () => {
    expect(tauStats(new Float64Array(0), 0)).toEqual({ mean: 0, cv: 0, skewness: 0, min: 0, max: 0, bounded: 0 });
  });

  it('a set of mean 0 has cv 0, not a division by 0', () => {
    expect(tauStats(Float64Array.of(0, 0, 0), 0)).toEqual({ mean: 0, cv: 0, skewness: 0, min: 0, max: 0, bounded: 0 });
    // (mean 0 with spread: the cv is undefined; reported as 0)
    expect(tauStats(Float64Array.of(-1, 1), 0).cv).toBe(0);
  });

  it('min and max of repeated extremes', () => {
    const s = tauStats(Float64Array.of(3, 1, 1, 7, 7, 2), 1);
    expect([s.min, s.max, s.bounded]).toEqual([1, 7, 1]);
  });
});

describe('parseTauCsv: the text forms of numbers and lines', () => {
  it('reads signs, leading points and exponents with and without a sign', () => {
    expect(parseTauCsv('+5, .25, 1e+1, 2.5e10, 3E-2, 12.')).toEqual([5, 0.25, 10, 2.5e10, 0.03, 12]);
    expect(parseTauCsv('10\n1e12\n')).toEqual([10, 1e12]);
    // and refuses what is not a plain decimal number, with the field in quotes
    for (const bad of ['1e', '.', '5-', '1e+', '--5', 'e5']) {
      expect(refusal(() => parseTauCsv(`12\n${bad}\n`))).toEqual({ kind: 'input', message: `time constants, line 2: "${bad}" has "${bad}", which is not a number` });
    }
  });

  it('splits runs of spaces as one separator, and keeps empty cells of delimited files', () => {
    expect(parseTauCsv('12   15\t\t\n')).toEqual([12, 15]);
    expect(parseTauCsv('12    15    20')).toEqual([12, 15, 20]);
    expect(refusal(() => parseTauCsv('tau,area\n12,1\n,2\n'))).toEqual({ kind: 'input', message: 'time constants, line 3: ",2" is missing a value' });
  });

  it('unquotes fields and trims the spaces inside the quotes', () => {
    expect(parseTauCsv('"tau","x"\n" 12 ",a\n\'15\',b\n')).toEqual([12, 15]);
    expect(parseTauCsv('"12", "15"')).toEqual([12, 15]);
  });

  it('reads CRLF and CR line endings, a byte-order mark, and indented comments', () => {
    expect(parseTauCsv('tau\r\n12\r\n15\r\n')).toEqual([12, 15]);
    expect(parseTauCsv('tau\r12\r15')).toEqual([12, 15]);
    expect(parseTauCsv('\uFEFFtau\n12\n15')).toEqual([12, 15]);
    expect(parseTauCsv('  # measured\n   12\n\t15\n')).toEqual([12, 15]);
  });

  it('takes a first line with a number in it as data, not as a header', () => {
    expect(parseTauCsv('x1, 12\nx2, 15\n')).toEqual([12, 15]);
    // a single number on one line is a value, not a list
    expect(parseTauCsv('12\n15')).toEqual([12, 15]);
  });

  it('falls back to the first numeric column when the tau column is missing or not numeric', () => {
    expect(parseTauCsv('id,tau\n1\n2\n')).toEqual([1, 2]);
    expect(parseTauCsv('tau,id\nn/a,3\nn/a,4\n')).toEqual([3, 4]);
    expect(refusal(() => parseTauCsv('name,kind\nx,y\nz,w\n'))).toEqual({ kind: 'input', message: 'time constants, line 2: "x,y" has no number in it' });
  });

  it('names a value that is not positive, and the line, shortened past 60 characters', () => {
    expect(refusal(() => parseTauCsv('12\n0\n'))).toEqual({ kind: 'input', message: 'time constants, line 2: "0" has 0; time constants must be positive' });
    const long = `${'a'.repeat(70)},-1`;
    const shownLong = `"${long.slice(0, 57)}..."`;
    expect(refusal(() => parseTauCsv(`x,tau\n1,2\n${long}\n`)).message).toBe(`time constants, line 3: ${shownLong} has -1; time constants must be positive`);
    // exactly 60 characters are shown whole
    const sixty = `${'b'.repeat(57)},-1`;
    expect(sixty.length).toBe(60);
    expect(refusal(() => parseTauCsv(`x,tau\n1,2\n${sixty}\n`)).message).toBe(`time constants, line 3: "${sixty}" has -1; time constants must be positive`);
  });

  it('counts what it found when there are fewer than 2 values', () => {
    expect(refusal(() => parseTauCsv('tau\n12\n'))).toEqual({ kind: 'input', message: 'time constants: need at least 2 measured values, found 1' });
    expect(refusal(() => parseTauCsv(''))).toEqual({ kind: 'input', message: 'time constants: need at least 2 measured values, found 0' });
  });
});

describe('the words of a realised CV that cannot be reached', () => {
  const realised = (over: Record<string, unknown>) => spec({ match: 'realised', ...over });
  const message = (f: () => unknown) => refusal(f).message;
  const reached = String.raw`the largest realised CV reached is [\d.]+, at nominal c [\d.]+ \(\d+ draws, nominal c up to 10\)`;

  it('out of reach: the setting with its defaults named, then the advice, capitalised', () => {
    expect(message(() => drawTaus(realised({ family: 'reflected-lognormal', cv: 1 }), 100, 5, 1, 1))).toMatch(
      new RegExp(String.raw`^heterogeneity family "reflected-lognormal" cannot reach realised CV 1 \(tauMin = dt, tauMax = 100 \* tauMean, bound 'clip', n = 100\); ${reached}\. Lower the target cv or widen tauMin/tauMax\.$`),
    );
    // bounds given are shown as given
    expect(message(() => drawTaus(realised({ family: 'uniform', cv: 2, tauMin: 2, tauMax: 9 }), 50, 5, 1, 1))).toMatch(
      new RegExp(String.raw`^heterogeneity family "uniform" cannot reach realised CV 2 \(tauMin = 2, tauMax = 9, bound 'clip', n = 50\); ${reached}\. Lower the target cv or widen tauMin/tauMax\.$`),
    );
  });

  it("inside a jump: the jump's two sides, then the advice for a jump", () => {
    expect(message(() => drawTaus(realised({ family: 'lognormal', cv: 1.5, bound: 'redraw' }), 100, 5, 1, 3))).toMatch(
      new RegExp(
        String.raw`^heterogeneity family "lognormal" could not be calibrated to realised CV 1\.5 within 2 %: for this seed the realised CV jumps from [\d.]+ at nominal c [\d.]+ to [\d.]+ at [\d.]+ \(tauMin = dt, tauMax = 100 \* tauMean, bound 'redraw', n = 100\); ${reached}\. Choose a target outside that jump, use a larger n or use bound 'clip'\.$`,
      ),
    );
  });
});
