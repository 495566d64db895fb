// The documented seed rule of a network (worker/rng.ts, README "Reproducibility"): W, U, b and tau
// each from seed(networkSeed, 'W' | 'U' | 'b' | 'tau'), manipulation k from seed(networkSeed,
// 'manipulation/k'). Each part is drawn again here from Rng by the rule in docs/model.md §1 and §3.4,
// written out (not by calling the code under test), so that a label, a comparison or a branch changed
// in network.ts fails: the Erdos-Renyi draw (with Dale's law for LIF), the input weights with their
// connectivity, the biases, weight noise, both prune modes, and a radius scaling with nothing to scale.
import { beforeEach, describe, it, expect } from 'vitest';
import { NetworkSchema } from '../common/spec.js';
import { drawTaus, perturbTaus } from './heterogeneity.js';
import { deriveSeed, Rng } from './rng.js';
import { buildNetwork, tauBounds } from './network.js';

/** Erdos-Renyi N(0,1) with probability p; Dale: round(0.8 n) excitatory |x| columns, the rest -4|x| */
function er(n: number, p: number, seed: number, dale: boolean): Float64Array {
  const rng = new Rng(seed);
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (!(rng.uniform() < p)) continue;
      const x = rng.normal();
      w[i * n + j] = !dale ? x : j < Math.round(0.8 * n) ? Math.abs(x) : -4 * Math.abs(x);
    }
  return w;
}

const SEED = 1234;
const N = 11; // odd, and round(0.8 * 11) = 9 excitatory

describe('a network is drawn by the seed rule', () => {
  it('rate: W, U (with its connectivity), b and tau from their own seeds', () => {
    const spec = NetworkSchema.parse({ n: N, p: 0.3, inputConnectivity: 0.5, inputScale: 2, biasScale: 0.25, heterogeneity: { family: 'lognormal', cv: 0.7 }, scaling: { mode: 'gain', g: 0.9 } });
    const net = buildNetwork(spec, 3, SEED);
    const w = er(N, 0.3, deriveSeed(SEED, 'W'), false).map((x) => x * (0.9 / Math.sqrt(0.3 * N)));
    expect(Array.from(net.w)).toEqual(Array.from(w));
    const rngU = new Rng(deriveSeed(SEED, 'U'));
    const u = Array.from({ length: N * 3 }, () => {
      const keep = rngU.uniform() < 0.5;
      const x = rngU.normal();
      return keep ? 2 * x : 0;
    });
    expect(Array.from(net.u)).toEqual(u);
    expect(u.filter((x) => x === 0).length).toBeGreaterThan(5); // the connectivity left some out
    const rngB = new Rng(deriveSeed(SEED, 'b'));
    expect(Array.from(net.b)).toEqual(Array.from({ length: N }, () => rngB.normal() * 0.25));
    expect(Array.from(net.tau)).toEqual(Array.from(drawTaus(spec.heterogeneity, N, 5, 1, deriveSeed(SEED, 'tau')).tau));
    // the density and the sparse copy describe the same W
    const nnz = w.filter((x) => x !== 0).length;
    expect(net.density).toBe(nnz / (N * N));
    expect(net.wCsr.values.length).toBe(nnz);
  });

  it("LIF with Dale's law: excitatory columns positive, inhibitory four times as strong and negative", () => {
    const spec = NetworkSchema.parse({ n: N, p: 0.5, model: { kind: 'lif', dale: true }, scaling: { mode: 'gain', g: 1 } });
    const net = buildNetwork(spec, 1, SEED);
    const w = er(N, 0.5, deriveSeed(SEED, 'W'), true).map((x) => x * (1 / Math.sqrt(0.5 * N)));
    expect(Array.from(net.w)).toEqual(Array.from(w));
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const x = net.w[i * N + j];
        if (x !== 0) expect(j < 9 ? x > 0 : x < 0).toBe(true);
      }
    // a LIF network without Dale's law, and a rate network, draw plain N(0, 1) weights
    const plain = buildNetwork(NetworkSchema.parse({ n: N, p: 0.5, model: { kind: 'lif' }, scaling: { mode: 'gain', g: 1 } }), 1, SEED);
    expect(Array.from(plain.w)).toEqual(Array.from(er(N, 0.5, deriveSeed(SEED, 'W'), false).map((x) => x * (1 / Math.sqrt(0.5 * N)))));
  });
});

describe('manipulations draw from seed(networkSeed, manipulation/k)', () => {
  const base = { n: N, p: 0.4, scaling: { mode: 'gain', g: 0.9 } };
  // built inside each test: code that runs while a test file loads is not seen per test by Stryker
  let plain: ReturnType<typeof buildNetwork>;
  beforeEach(() => {
    plain = buildNetwork(NetworkSchema.parse(base), 1, SEED);
  });

  it('resampleConnectivity: a fresh Erdos-Renyi draw at the new p, scaled by the same rule (Dale for LIF)', () => {
    for (const model of [{ kind: 'rate' }, { kind: 'lif', dale: true }, { kind: 'lif' }] as const) {
      const net = buildNetwork(NetworkSchema.parse({ ...base, model, manipulations: [{ op: 'resampleConnectivity', p: 0.7 }] }), 1, SEED);
      const dale = model.kind === 'lif' && 'dale' in model;
      const w = er(N, 0.7, deriveSeed(SEED, 'manipulation', 0), dale).map((x) => x * (0.9 / Math.sqrt(0.7 * N)));
      expect(Array.from(net.w), model.kind + (dale ? ' dale' : '')).toEqual(Array.from(w));
    }
  });

  it('perturbTau: lognormal factors from its seed, clipped to the bounds; a calibrated nominal c stays in the statistics', () => {
    for (const heterogeneity of [{ family: 'lognormal', cv: 0.5 }, { family: 'lognormal', cv: 0.5, match: 'realised' }]) {
      const spec = NetworkSchema.parse({ ...base, heterogeneity });
      const before = buildNetwork(spec, 1, SEED);
      const net = buildNetwork(NetworkSchema.parse({ ...base, heterogeneity, manipulations: [{ op: 'perturbTau', sigma: 0.4 }] }), 1, SEED);
      const { tauMin, tauMax } = tauBounds(spec);
      expect(Array.from(net.tau)).toEqual(Array.from(perturbTaus(before.tau, 0.4, deriveSeed(SEED, 'manipulation', 0), tauMin, tauMax)));
      expect(net.tau).not.toEqual(before.tau);
      expect(net.tauStats.nominalCv).toBe(before.tauStats.nominalCv);
      expect('nominalCv' in net.tauStats).toBe(heterogeneity.match === 'realised');
    }
  });

  it('weightNoise: each non-zero weight times 1 + sigma x, one normal per non-zero weight', () => {
    // second in the list: its seed is manipulation/1
    const net = buildNetwork(NetworkSchema.parse({ ...base, manipulations: [{ op: 'scaleGain', factor: 1 }, { op: 'weightNoise', sigma: 0.3 }] }), 1, SEED);
    const rng = new Rng(deriveSeed(SEED, 'manipulation', 1));
    const want = plain.w.map((x) => (x !== 0 ? x * (1 + 0.3 * rng.normal()) : 0));
    expect(Array.from(net.w)).toEqual(Array.from(want));
  });

  it('prune weakest: the smallest |w| first, ties by position', () => {
    const net = buildNetwork(NetworkSchema.parse({ ...base, manipulations: [{ op: 'prune', fraction: 0.25, mode: 'weakest' }] }), 1, SEED);
    const idx = Array.from(plain.w.keys()).filter((i) => plain.w[i] !== 0);
    const k = Math.round(0.25 * idx.length);
    const cut = new Set([...idx].sort((a, b) => Math.abs(plain.w[a]) - Math.abs(plain.w[b]) || a - b).slice(0, k));
    expect(Array.from(net.w)).toEqual(Array.from(plain.w, (x, i) => (cut.has(i) ? 0 : x)));
    // every weight kept is at least as strong as every weight cut
    const kept = Math.min(...Array.from(net.w).filter((x) => x !== 0).map(Math.abs));
    expect(Math.max(...[...cut].map((i) => Math.abs(plain.w[i])))).toBeLessThanOrEqual(kept);
  });

  it('prune random: the first k of a Fisher-Yates shuffle of the non-zero positions', () => {
    const net = buildNetwork(NetworkSchema.parse({ ...base, manipulations: [{ op: 'prune', fraction: 0.5 }] }), 1, SEED);
    const idx = Array.from(plain.w.keys()).filter((i) => plain.w[i] !== 0);
    const rng = new Rng(deriveSeed(SEED, 'manipulation', 0));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const cut = new Set(idx.slice(0, Math.round(0.5 * idx.length)));
    expect(Array.from(net.w)).toEqual(Array.from(plain.w, (x, i) => (cut.has(i) ? 0 : x)));
  });
});

describe('radius scaling of a matrix with nothing in it', () => {
  // n = 2 at p = 0.01: this seed draws no recurrent weight at all
  const empty = { n: 2, p: 0.01 };
  it('is refused in words unless the radius asked for is 0', () => {
    expect(Array.from(er(2, 0.01, deriveSeed(SEED, 'W'), false))).toEqual([0, 0, 0, 0]);
    expect(() => buildNetwork(NetworkSchema.parse({ ...empty, scaling: { mode: 'radius', rho: 0.9 } }), 1, SEED)).toThrow(
      'network.scaling.rho: the drawn recurrent matrix has spectral radius 0 (n = 2, p = 0.01); it cannot be scaled to 0.9. Raise n or p.',
    );
    expect(Array.from(buildNetwork(NetworkSchema.parse({ ...empty, scaling: { mode: 'radius', rho: 0 } }), 1, SEED).w)).toEqual([0, 0, 0, 0]);
  });
});
