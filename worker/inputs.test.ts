import { describe, it, expect } from 'vitest';
import { INPUT_FAMILIES, type ChannelSpec, type InputFamily } from '../common/spec.js';
import { generateInput, isPredictable, normaliseMax } from './inputs.js';

function channel(x: Float64Array, D: number, k: number): Float64Array {
  const T = x.length / D;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) out[t] = x[t * D + k]!;
  return out;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function variance(x: Float64Array): number {
  const m = mean(x);
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return s / x.length;
}

function lag1(x: Float64Array): number {
  const m = mean(x);
  let num = 0;
  let den = 0;
  for (let t = 0; t < x.length; t++) {
    den += (x[t]! - m) ** 2;
    if (t > 0) num += (x[t]! - m) * (x[t - 1]! - m);
  }
  return num / den;
}

describe('generateInput', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const chans: ChannelSpec[] = INPUT_FAMILIES.map((family) => ({ family }));
    const a = generateInput(chans, 500, 42);
    const b = generateInput(chans, 500, 42);
    const c = generateInput(chans, 500, 43);
    expect(a.length).toBe(500 * chans.length);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (let k = 0; k < chans.length; k++) {
      expect(Array.from(channel(a, chans.length, k))).not.toEqual(Array.from(channel(c, chans.length, k)));
    }
  });

  it('white is uniform on [-1, 1]: mean ~0, variance ~1/3', () => {
    const x = generateInput([{ family: 'white' }], 20000, 7);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    expect(Math.abs(mean(x))).toBeLessThan(0.02);
    expect(variance(x)).toBeCloseTo(1 / 3, 2);
    expect(Math.abs(lag1(x))).toBeLessThan(0.03);
  });

  it.each(INPUT_FAMILIES)('%s stays in [-1, 1], is finite and not constant', (family) => {
    for (const seed of [1, 2, 3]) {
      const x = generateInput([{ family }], 5000, seed);
      let peak = 0;
      for (const v of x) peak = Math.max(peak, Number.isFinite(v) ? Math.abs(v) : Infinity);
      expect(peak).toBeLessThanOrEqual(1);
      expect(variance(x)).toBeGreaterThan(0.005);
      // the centred-and-scaled families reach the bound exactly
      if (['coloured', 'sines', 'mackey-glass', 'lorenz'].includes(family)) {
        expect(peak).toBe(1);
        expect(Math.abs(mean(x))).toBeLessThan(1e-9);
      }
    }
  });

  it.each([3, 10, 30])('coloured with timescale %d has lag-1 autocorrelation exp(-1/timescale)', (tau) => {
    const x = generateInput([{ family: 'coloured', timescaleSteps: tau }], 40000, 11);
    expect(lag1(x)).toBeCloseTo(Math.exp(-1 / tau), 1);
    expect(Math.abs(lag1(x) - Math.exp(-1 / tau))).toBeLessThan(0.02);
  });

  it('coloured defaults to timescale 10', () => {
    const x = generateInput([{ family: 'coloured' }], 40000, 5);
    expect(Math.abs(lag1(x) - Math.exp(-1 / 10))).toBeLessThan(0.02);
  });

  it('chaotic and sine channels are smooth at the documented sampling', () => {
    for (const family of ['mackey-glass', 'lorenz', 'sines'] as InputFamily[]) {
      expect(lag1(generateInput([{ family }], 5000, 3))).toBeGreaterThan(0.8);
    }
  });

  it('mackey-glass is aperiodic (different initial histories decorrelate)', () => {
    const a = generateInput([{ family: 'mackey-glass' }], 3000, 1);
    const b = generateInput([{ family: 'mackey-glass' }], 3000, 2);
    let diff = 0;
    for (let t = 0; t < a.length; t++) diff = Math.max(diff, Math.abs(a[t]! - b[t]!));
    expect(diff).toBeGreaterThan(0.5);
  });

  it('hold keeps levels for geometric lengths with the given mean', () => {
    const x = generateInput([{ family: 'hold', timescaleSteps: 8 }], 40000, 9);
    let changes = 0;
    for (let t = 1; t < x.length; t++) if (x[t] !== x[t - 1]) changes++;
    const meanLength = x.length / (changes + 1);
    expect(meanLength).toBeGreaterThan(7.2);
    expect(meanLength).toBeLessThan(8.8);
  });

  it('pulses are sparse ±1 with the given mean gap, zero otherwise', () => {
    const x = generateInput([{ family: 'pulses' }], 40000, 9);
    let count = 0;
    let pos = 0;
    let other = 0;
    for (const v of x) {
      if (v !== 0 && v !== 1 && v !== -1) other++;
      if (v !== 0) count++;
      if (v === 1) pos++;
    }
    expect(other).toBe(0);
    const gap = x.length / count;
    expect(gap).toBeGreaterThan(18);
    expect(gap).toBeLessThan(22);
    expect(pos / count).toBeGreaterThan(0.43);
    expect(pos / count).toBeLessThan(0.57);
  });

  it('changing one channel family leaves the other channels unchanged', () => {
    const a = generateInput([{ family: 'white' }, { family: 'white' }, { family: 'coloured' }], 400, 5);
    const b = generateInput([{ family: 'white' }, { family: 'lorenz' }, { family: 'coloured' }], 400, 5);
    const c = generateInput([{ family: 'white' }, { family: 'lorenz' }, { family: 'coloured' }, { family: 'sines' }], 400, 5);
    expect(Array.from(channel(a, 3, 0))).toEqual(Array.from(channel(b, 3, 0)));
    expect(Array.from(channel(a, 3, 2))).toEqual(Array.from(channel(b, 3, 2)));
    expect(Array.from(channel(a, 3, 1))).not.toEqual(Array.from(channel(b, 3, 1)));
    for (const k of [0, 1, 2]) expect(Array.from(channel(c, 4, k))).toEqual(Array.from(channel(b, 3, k)));
  });

  it('handles T = 0', () => {
    expect(generateInput([{ family: 'lorenz' }, { family: 'coloured' }], 0, 1).length).toBe(0);
  });
});

describe('isPredictable', () => {
  it('is true exactly for coloured, sines, mackey-glass and lorenz', () => {
    const yes = INPUT_FAMILIES.filter(isPredictable);
    expect(yes.sort()).toEqual(['coloured', 'lorenz', 'mackey-glass', 'sines']);
  });
});

describe('generateInput against an independent implementation', () => {
  // Values of a Python reimplementation of worker/rng.ts and this module's definitions (docs/model.md
  // §4): seed 5, T = 300, channel 0, samples 0, 1, 2, 17, 150 and 299, and how many are non-zero.
  // Lorenz and hold use only + - * / and comparisons, so their values agree to the bit; the others
  // go through exp, sin, log and pow, whose last bits differ between the two math libraries (and
  // Mackey-Glass carries those differences through 10 000 integration steps: about 1e-13).
  const SAMPLES = [0, 1, 2, 17, 150, 299];
  const cases: [InputFamily, number | undefined, number[], number, number][] = [
    ['white', undefined, [-0.0540470125303949, -0.03311890763020231, 0.9111474363962839, -0.7753305625846143, 0.833010918897992, 0.054897841990070306], 300, 15],
    ['coloured', undefined, [-0.43653466334624025, -0.3676715130478904, -0.28091885284754653, 0.20288187534213417, 0.27060110600819426, -0.24458542249498919], 300, 13],
    ['coloured', 3, [-0.4393804510389767, -0.2724258302916283, -0.11475223098295548, 0.2841073858833149, 0.27515186707796596, -0.19661224536316274], 300, 13],
    ['sines', undefined, [0.4235353493893044, 0.3494675537515442, 0.2741447650471821, 0.19626395223727455, -0.695537164218028, -0.020080638717513703], 300, 13],
    ['mackey-glass', undefined, [0.32741424510398354, 0.3612980706414455, 0.4098710484679519, -0.10622430994776595, 0.6734165279817608, 0.4516440394625779], 300, 10],
    ['lorenz', undefined, [0.35261781033188044, 0.2900922506844281, 0.2452155744590147, 0.1811151207663468, 0.004474677175778773, 0.13598612307717894], 300, 15],
    ['hold', undefined, [-0.0540470125303949, -0.0540470125303949, -0.0540470125303949, -0.4990899385553911, -0.941793988792885, -0.18566933852417633], 300, 15],
    ['hold', 4, [-0.0540470125303949, -0.0540470125303949, -0.0540470125303949, -0.44393662938494827, 0.3961678764693326, -0.7291429490600811], 300, 15],
  ];
  it.each(cases)('%s (timescale %s)', (family, timescaleSteps, want, nonZero, digits) => {
    const x = generateInput([{ family, ...(timescaleSteps === undefined ? {} : { timescaleSteps }) }], 300, 5);
    SAMPLES.forEach((t, i) => expect(x[t], `sample ${t}`).toBeCloseTo(want[i]!, digits));
    expect(x.filter((v) => v !== 0).length).toBe(nonZero);
  });

  it('hold (timescale 4) changes level where the reference does', () => {
    const x = generateInput([{ family: 'hold', timescaleSteps: 4 }], 300, 5);
    const changes = [];
    for (let t = 1; t < x.length; t++) if (x[t] !== x[t - 1]) changes.push(t);
    expect(changes.slice(0, 12)).toEqual([3, 7, 8, 14, 18, 22, 24, 28, 31, 33, 34, 36]);
    expect(changes.length).toBe(88);
  });

  it('pulses (timescale 20) fall where the reference puts them, with its signs', () => {
    const x = generateInput([{ family: 'pulses' }], 300, 5);
    const pulses = [];
    for (let t = 0; t < x.length; t++) if (x[t] !== 0) pulses.push([t, x[t]]);
    expect(pulses).toEqual([[64, 1], [66, 1], [67, -1], [74, 1], [100, 1], [111, -1], [153, -1], [156, -1], [161, 1], [183, -1], [249, 1], [252, -1], [272, 1], [294, 1], [299, -1]]);
    expect(generateInput([{ family: 'pulses', timescaleSteps: 5 }], 300, 5).filter((v) => v !== 0).length).toBe(71);
  });

  it('channel k draws from the seed (seed, "channel", k), time-major', () => {
    const x = generateInput([{ family: 'white' }, { family: 'white' }], 4, 5);
    expect([x[0], x[2], x[4], x[6]]).toEqual([-0.0540470125303949, -0.03311890763020231, 0.9111474363962839, generateInput([{ family: 'white' }], 4, 5)[3]]);
    expect([x[1], x[3], x[5], x[7]]).toEqual([0.20481508375240454, -0.26448958561599545, -0.23673128988474157, 0.7482712424095479]);
  });

  it('refuses a length that is not a whole number >= 0', () => {
    expect(() => generateInput([{ family: 'white' }], -1, 1)).toThrow('input length must be a whole number >= 0 (got -1)');
    expect(() => generateInput([{ family: 'white' }], 2.5, 1)).toThrow('(got 2.5)');
    expect(() => generateInput([{ family: 'nonsense' as InputFamily }], 3, 1)).toThrow('unknown input family "nonsense"');
  });
});

describe('normaliseMax', () => {
  it('removes the mean and divides by the largest absolute deviation, in place', () => {
    const x = Float64Array.from([1, 2, 3, 6]);
    expect(normaliseMax(x)).toBe(x);
    // mean 3; deviations -2 -1 0 3; peak 3
    expect(Array.from(x)).toEqual([-2 / 3, -1 / 3, 0, 1]);
    expect(Array.from(normaliseMax(Float64Array.from([5, -5])))).toEqual([1, -1]);
    expect(Array.from(normaliseMax(Float64Array.from([0, 0, 3])))).toEqual([-0.5, -0.5, 1]);
  });

  it('turns a constant or non-finite signal into zeros, and leaves an empty one alone', () => {
    expect(Array.from(normaliseMax(Float64Array.from([2, 2, 2])))).toEqual([0, 0, 0]);
    expect(Array.from(normaliseMax(Float64Array.from([1, Infinity, 3])))).toEqual([0, 0, 0]);
    expect(Array.from(normaliseMax(Float64Array.from([1, NaN])))).toEqual([0, 0]);
    expect(normaliseMax(new Float64Array(0)).length).toBe(0);
  });
});
