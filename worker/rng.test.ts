// The seeded randomness every run derives from: the seed rule (FNV-1a of the labels, murmur3's
// finaliser) and sfc32 with its uniform, normal, gamma and integer draws. Exact values come from an
// independent Python implementation of the same definitions (and FNV-1a / murmur3 reference values);
// the distributions are checked by their moments.
import { describe, it, expect } from 'vitest';
import { deriveSeed, fnv1a32, mix32, Rng } from './rng.js';

describe('the seed rule', () => {
  it('fnv1a32 gives the reference FNV-1a values', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('network/3')).toBe(0x352ef197);
  });

  it("mix32 is murmur3's 32-bit finaliser", () => {
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).toBe(0x514e28b7);
    expect(mix32(0xdeadbeef)).toBe(0x0de5c6a9);
  });

  it('deriveSeed joins its labels with "/" and mixes them into the parent', () => {
    expect(deriveSeed(1, 'network', 3)).toBe(459685241);
    expect(deriveSeed(1, 'network/3')).toBe(459685241);
    expect(deriveSeed(42, 'W')).toBe(1486726601);
    expect(deriveSeed(0, 'tau')).toBe(823045521);
    expect(deriveSeed(1, 'network', 3)).not.toBe(deriveSeed(1, 'network', 4));
    expect(deriveSeed(2, 'network', 3)).not.toBe(deriveSeed(1, 'network', 3));
  });
});

describe('Rng (sfc32)', () => {
  it('gives the sfc32 stream after 15 discarded outputs', () => {
    const r = new Rng(0);
    expect([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([47794497, 2454270595, 3904855535, 1618415911]);
    // the seed is taken as an unsigned 32-bit integer
    const top = new Rng(0xffffffff);
    expect([top.nextU32(), top.nextU32()]).toEqual([683205247, 1546384827]);
    expect(new Rng(-1).nextU32()).toBe(683205247);
  });

  it('uniform: 53 bits from two outputs (27 + 26), in [0, 1)', () => {
    const r = new Rng(12345);
    expect([r.uniform(), r.uniform(), r.uniform()]).toEqual([0.8925862304924247, 0.4260831599986583, 0.8285622878992319]);
    const s = new Rng(3);
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const u = s.uniform();
      sum += u;
      sumSq += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.006);
    expect(Math.abs(sumSq / n - sum ** 2 / n ** 2 - 1 / 12)).toBeLessThan(0.004);
  });

  it('normal: Box-Muller, the cosine value first and the sine value next', () => {
    const r = new Rng(7);
    const got = [r.normal(), r.normal(), r.normal(), r.normal()];
    const want = [-0.9058969475033245, 2.324687560489527, 0.6281559375587134, 1.5868923602325784];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 13));
    const s = new Rng(11);
    const n = 50_000;
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const x = s.normal();
      m1 += x;
      m2 += x * x;
      m4 += x ** 4;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(0.02);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(0.03);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.2);
  });

  it('fillNormal fills with scaled normals of the same stream', () => {
    const a = new Rng(7).fillNormal(new Float64Array(4), 2);
    const b = new Rng(7);
    for (let i = 0; i < 4; i++) expect(a[i]).toBe(2 * b.normal());
    expect(new Rng(7).fillNormal(new Float64Array(3))).toEqual(new Rng(7).fillNormal(new Float64Array(3), 1));
    // it takes one normal per element, no more: the next draw is the stream's fourth
    const c = new Rng(7);
    c.fillNormal(new Float64Array(3));
    expect(c.normal()).toBeCloseTo(1.5868923602325784, 14);
  });

  it('int(n): the floor of n uniform draws, every value in [0, n) about equally often', () => {
    const r = new Rng(7);
    expect(Array.from({ length: 10 }, () => r.int(10))).toEqual([0, 3, 2, 1, 2, 4, 7, 9, 9, 3]);
    const s = new Rng(5);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 14_000; i++) counts[s.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  for (const shape of [0.25, 0.7, 1, 2.5, 30]) {
    it(`gamma(${shape}): mean, variance and skewness of Gamma(shape, 1)`, () => {
      const r = new Rng(Math.round(shape * 100));
      const n = 50_000;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = r.gamma(shape);
      let mean = 0;
      for (const x of xs) mean += x / n;
      let m2 = 0;
      let m3 = 0;
      for (const x of xs) {
        m2 += (x - mean) ** 2 / n;
        m3 += (x - mean) ** 3 / n;
      }
      expect(xs.every((x) => x > 0)).toBe(true);
      // mean k, variance k, skewness 2 / sqrt(k)
      expect(Math.abs(mean / shape - 1)).toBeLessThan(0.03);
      expect(Math.abs(m2 / shape - 1)).toBeLessThan(0.08);
      expect(Math.abs(m3 / m2 ** 1.5 / (2 / Math.sqrt(shape)) - 1)).toBeLessThan(0.15);
    });
  }

  it('is reproducible per seed', () => {
    const a = new Rng(99);
    const b = new Rng(99);
    for (let i = 0; i < 50; i++) expect(a.gamma(0.5)).toBe(b.gamma(0.5));
    expect(new Rng(99).uniform()).not.toBe(new Rng(100).uniform());
  });

  // The moments above cannot see one draw taken from the wrong branch (shape exactly 1, a rejected
  // v <= 0, a squeeze that accepts too much): these are the draws of an independent Python
  // implementation of Marsaglia and Tsang's method on the same sfc32 stream (the U^(1/shape) boost
  // below 1). The sum of 5000 draws moves by the size of a draw if any one differs, and the normal
  // after them shows the same number of draws was taken.
  for (const [shape, seed, first, second, sum, next] of [
    [0.5, 21, 0.0004917192473088128, 0.30532825927550233, 2519.500260718411, 1.0432675902650381],
    [1, 22, 0.5623743623718789, 0.456077186109793, 5073.388800544903, 1.5339058529759588],
    [1.5, 23, 1.6970155867652401, 1.6612425822861645, 7397.2712081451855, -0.43492634854870055],
    [4, 24, 6.905796944768768, 3.5619376419158866, 20374.90341394178, -0.014634630902364706],
  ]) {
    it(`gamma(${shape}) from seed ${seed}: the reference implementation's draws`, () => {
      const r = new Rng(seed);
      const xs = Array.from({ length: 5000 }, () => r.gamma(shape));
      expect(xs[0]).toBeCloseTo(first, 14);
      expect(xs[1]).toBeCloseTo(second, 14);
      expect(xs.reduce((a, b) => a + b, 0) / sum).toBeCloseTo(1, 11);
      expect(r.normal()).toBeCloseTo(next, 14);
    });
  }
});
