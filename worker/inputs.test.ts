import { describe, it, expect } from 'vitest';
import { INPUT_FAMILIES, type ChannelSpec, type InputFamily } from '../common/spec.js';
import { generateInput, isPredictable } from './inputs.js';

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
