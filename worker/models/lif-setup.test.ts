// The LIF kernels' starting point and its refusals, at settings lif.test.ts's defaults (vReset = 0,
// tRef a whole number of steps) cannot tell apart: the f-I curve and the initial potentials with a
// reset above 0, the refractory steps of a tRef between steps, the noise amplitude, and the words of
// a call that does not fit the network.
import { describe, it, expect } from 'vitest';
import { LifModelSchema, NetworkSchema } from '../../common/spec.js';
import { buildNetwork } from '../network.js';
import { deriveSeed, Rng } from '../rng.js';
import { lifRateAnalytic, lifSetup } from './lif.js';

describe('lifRateAnalytic: 1000 / (tRef + tau ln((I - vReset) / (I - vTh)))', () => {
  it('with a reset above rest, by hand', () => {
    // I = 2, vReset = 0.5, vTh = 1, tau = 20 ms, tRef = 2 ms: 2 + 20 ln(1.5) = 10.1093 ms
    expect(lifRateAnalytic(2, 20, 1, 0.5, 2)).toBeCloseTo(1000 / (2 + 20 * Math.log(1.5)), 12);
    expect(lifRateAnalytic(2, 20, 1, 0.5, 2)).toBeCloseTo(98.919, 3);
    // at threshold and below: silent
    expect(lifRateAnalytic(1, 20, 1, 0.5, 2)).toBe(0);
    expect(lifRateAnalytic(0.5, 20, 1, 0.5, 2)).toBe(0);
  });
});

describe('lifSetup', () => {
  const net = buildNetwork(NetworkSchema.parse({ n: 7, p: 0.5, model: { kind: 'lif' } }), 2, 3);
  const input = new Float64Array(10 * 2);

  it('draws the initial potentials uniform on [vReset, vTh) from seed(seed, lif-v0)', () => {
    const model = LifModelSchema.parse({ kind: 'lif', vReset: 0.25, vTh: 1.5 });
    const s = lifSetup(model, net, input, 10, 99);
    const rng = new Rng(deriveSeed(99, 'lif-v0'));
    expect(Array.from(s.v0)).toEqual(Array.from({ length: 7 }, () => 0.25 + (1.5 - 0.25) * rng.uniform()));
    expect(Math.min(...s.v0)).toBeGreaterThanOrEqual(0.25);
  });

  it('refractory steps: tRef / dt rounded up, none for tRef = 0; noise scaled by sqrt(dt), 0 without noise', () => {
    const at = (m: object) => lifSetup(LifModelSchema.parse({ kind: 'lif', dtSimMs: 0.5, dtTaskMs: 10, ...m }), net, input, 10, 1);
    expect(at({ tRefMs: 2 }).refSteps).toBe(4);
    expect(at({ tRefMs: 1.2 }).refSteps).toBe(3);
    expect(at({ tRefMs: 0 }).refSteps).toBe(0);
    expect(at({ noise: 0.2 }).noiseAmp).toBeCloseTo(0.2 * Math.sqrt(0.5), 15);
    expect(at({ noise: 0 }).noiseAmp).toBe(0);
    expect(at({}).sub).toBe(20);
  });

  it('refuses a step count that is not a whole number >= 0, short input, and arrays that do not match', () => {
    const model = LifModelSchema.parse({ kind: 'lif' });
    for (const T of [-1, 2.5, NaN]) expect(() => lifSetup(model, net, input, T, 1)).toThrow(`simulateLif: T must be a non-negative integer, got ${T}`);
    expect(lifSetup(model, net, input, 0, 1).n).toBe(7);
    expect(() => lifSetup(model, net, input, 11, 1)).toThrow('simulateLif: input holds 20 values, need T * D = 22');
    for (const broken of [{ tau: net.tau.subarray(1) }, { b: net.b.subarray(1) }, { u: net.u.subarray(1) }]) {
      expect(() => lifSetup(model, { ...net, ...broken }, input, 10, 1)).toThrow('simulateLif: network arrays do not match n and d');
    }
  });
});
