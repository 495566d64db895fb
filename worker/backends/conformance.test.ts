// One conformance suite for every backend: same spec and seeds as the reference kernels, equal
// results within the backend's stated tolerance (float64: 1e-12 relative; float32: 1e-4).
import { describe, it, expect } from 'vitest';
import { LifModelSchema, NetworkSchema, RateModelSchema } from '../../common/spec.js';
import { generateInput } from '../inputs.js';
import { buildNetwork } from '../network.js';
import { Rng } from '../rng.js';
import { cpuBackend } from './cpu.js';
import { availableBackends } from './registry.js';
import { referenceDotRows, referenceLif, referenceRate } from './reference.js';

const tolerance = { float64: 1e-12, float32: 1e-4 } as const;

// QUENCH_BACKENDS=a,b restricts the suite (gl.test.ts runs it for headless GL under Xvfb)
const only = process.env.QUENCH_BACKENDS?.split(',');
const backends = availableBackends().filter((b) => !only || only.includes(b.name));

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / Math.max(scale, 1e-300);
}

describe.each(backends)('backend $name', (backend) => {
  const tol = tolerance[backend.precision];

  for (const form of ['li', 'esn'] as const) {
    for (const p of [0.1, 0.5]) {
      for (const noise of [0, 0.01]) {
        it(`rate ${form}, p = ${p}, noise ${noise}: matches the reference over 300 steps`, () => {
          const spec = NetworkSchema.parse({ n: 40, p, heterogeneity: { family: 'gamma', cv: 0.8 }, model: { kind: 'rate', form, noise } });
          const net = buildNetwork(spec, 3, 17);
          const input = generateInput([{ family: 'white' }, { family: 'coloured' }, { family: 'sines' }], 300, 5);
          const model = RateModelSchema.parse(spec.model);
          const ours = backend.simulateRate(model, net, input, 300, 99);
          expect(maxRelDiff(ours, referenceRate(model, net, input, 300, 99))).toBeLessThan(tol);
        });
      }
    }
  }

  // N = 40 above is a multiple of 8, which no blocked loop leaves a remainder of. These sizes reach
  // every tail: the odd neuron of the two-lane rate update, the rows left over by blocks of 4, 7 and
  // 8 rows in the products (N mod 8 = 5 and 7 leave both a block of 4 and single rows, 41 and 43
  // single rows only), and networks smaller than one block. p = 0.5 is above DENSE_ABOVE (dense W).
  const TAIL_SIZES = [5, 7, 41, 43, 45, 47];
  for (const form of ['li', 'esn'] as const) {
    for (const p of [0.1, 0.5]) {
      it(`rate ${form}, p = ${p}, N = ${TAIL_SIZES.join(', ')}: matches the reference in every tail`, () => {
        for (const n of TAIL_SIZES) {
          for (const noise of [0, 0.01]) {
            const spec = NetworkSchema.parse({ n, p, heterogeneity: { family: 'gamma', cv: 0.8 }, model: { kind: 'rate', form, noise } });
            const net = buildNetwork(spec, 3, 17);
            const input = generateInput([{ family: 'white' }, { family: 'coloured' }, { family: 'sines' }], 200, 5);
            const model = RateModelSchema.parse(spec.model);
            const ours = backend.simulateRate(model, net, input, 200, 99);
            expect(maxRelDiff(ours, referenceRate(model, net, input, 200, 99)), `N = ${n}, noise ${noise}`).toBeLessThan(tol);
          }
        }
      });
    }
  }

  it(`LIF at N = ${TAIL_SIZES.join(', ')}: matches the reference in every tail`, () => {
    for (const n of TAIL_SIZES) {
      for (const p of [0.2, 0.5]) {
        const spec = NetworkSchema.parse({ n, p, heterogeneity: { family: 'lognormal', cv: 0.5 }, model: { kind: 'lif', biasMean: 1.2 } });
        const net = buildNetwork(spec, 2, 23);
        const input = generateInput([{ family: 'white' }, { family: 'white' }], 60, 8);
        const model = LifModelSchema.parse(spec.model);
        const ours = backend.simulateLif(model, net, input, 60, 4);
        const ref = referenceLif(model, net, input, 60, 4);
        expect(ref.spikeCount, `N = ${n}, p = ${p}`).toBeGreaterThan(5 * n);
        expect(ours.spikeCount, `N = ${n}, p = ${p}`).toBe(ref.spikeCount);
        expect(maxRelDiff(ours.features, ref.features), `N = ${n}, p = ${p}`).toBeLessThan(backend.precision === 'float64' ? 1e-9 : 1e-3);
      }
    }
  });

  it('dotRows (plain, symmetric, ragged sizes, offset window) matches the reference', () => {
    const rng = new Rng(3);
    for (const [na, nb, len, t0, t1] of [[9, 6, 50, 3, 47], [8, 8, 40, 0, 40], [1, 5, 7, 1, 6], [13, 13, 33, 5, 30]]) {
      const a = Float64Array.from({ length: na * len }, () => rng.normal());
      const b = Float64Array.from({ length: nb * len }, () => rng.normal());
      expect(maxRelDiff(backend.dotRows(a, na, len, b, nb, len, t0, t1), referenceDotRows(a, na, len, b, nb, len, t0, t1))).toBeLessThan(tol);
      const sym = backend.dotRows(a, na, len, a, na, len, t0, t1, true);
      expect(maxRelDiff(sym, referenceDotRows(a, na, len, a, na, len, t0, t1))).toBeLessThan(tol);
    }
  });

  for (const noise of [0, 0.05]) {
    it(`LIF with event-driven synapses matches the dense reference (noise ${noise})`, () => {
      const spec = NetworkSchema.parse({ n: 50, p: 0.2, heterogeneity: { family: 'lognormal', cv: 0.5 }, model: { kind: 'lif', noise } });
      const net = buildNetwork(spec, 2, 23);
      const input = generateInput([{ family: 'white' }, { family: 'white' }], 60, 8);
      const model = LifModelSchema.parse(spec.model);
      const ours = backend.simulateLif(model, net, input, 60, 4);
      const ref = referenceLif(model, net, input, 60, 4);
      expect(ref.spikeCount).toBeGreaterThan(50);
      expect(ours.spikeCount).toBe(ref.spikeCount);
      expect(maxRelDiff(ours.features, ref.features)).toBeLessThan(backend.precision === 'float64' ? 1e-9 : 1e-3);
    });
  }

  it.runIf(backend.name.startsWith('wasm'))('LIF: the WebAssembly kernel gives the TypeScript kernel\'s spikes and features bit for bit', async () => {
    const { simulateLif } = await import('../models/lif.js');
    const cases = [
      { n: 61, p: 0.2, model: { kind: 'lif' } },
      { n: 40, p: 0.5, model: { kind: 'lif', dale: true, biasMean: 0.9, tRefMs: 3, dtSimMs: 0.5, dtTaskMs: 5 } },
      { n: 25, p: 1, model: { kind: 'lif', biasMean: 1.2, tRefMs: 0 } },
    ];
    for (const c of cases) {
      const spec = NetworkSchema.parse({ n: c.n, p: c.p, heterogeneity: { family: 'lognormal', cv: 1 }, model: c.model });
      const net = buildNetwork(spec, 3, 41);
      const input = generateInput([{ family: 'white' }, { family: 'sines' }, { family: 'coloured' }], 80, 9);
      const model = LifModelSchema.parse(spec.model);
      const ours = backend.simulateLif(model, net, input, 80, 6);
      const ts = simulateLif(model, net, input, 80, 6);
      expect(ts.spikeCount).toBeGreaterThan(100);
      expect([ours.spikeCount, ours.synapticEvents]).toEqual([ts.spikeCount, ts.synapticEvents]);
      expect(Array.from(ours.features)).toEqual(Array.from(ts.features));
      // with the spike statistics: the same features, and the TypeScript kernel's counts and interval sums
      const withStats = backend.simulateLif(model, net, input, 80, 6, false, true);
      const tsStats = simulateLif(model, net, input, 80, 6, undefined, true).spikes!;
      expect(Array.from(withStats.features)).toEqual(Array.from(ts.features));
      expect([withStats.spikeCount, withStats.synapticEvents]).toEqual([ts.spikeCount, ts.synapticEvents]);
      expect(Array.from(withStats.spikes!.counts)).toEqual(Array.from(tsStats.counts));
      expect(Array.from(withStats.spikes!.isiSum)).toEqual(Array.from(tsStats.isiSum));
      expect(Array.from(withStats.spikes!.isiSumSq)).toEqual(Array.from(tsStats.isiSumSq));
      expect(Array.from(withStats.spikes!.isiCount)).toEqual(Array.from(tsStats.isiCount));
    }
    const spec = NetworkSchema.parse({ n: 10, model: { kind: 'lif' } });
    const net = buildNetwork(spec, 3, 1);
    expect(() => backend.simulateLif(LifModelSchema.parse(spec.model), net, new Float64Array(5), 4, 1)).toThrow(/input holds 5 values, need T \* D = 12/);
  });

  it.runIf(backend.name.startsWith('gpujs'))('the gpu.js Gram kernel matches the reference in float32', async () => {
    const { gpuDotRows } = await import('./gpujs.js');
    const rng = new Rng(5);
    const a = Float64Array.from({ length: 7 * 60 }, () => rng.normal());
    const b = Float64Array.from({ length: 5 * 60 }, () => rng.normal());
    const mode = backend.name === 'gpujs' ? 'headlessgl' : 'cpu';
    expect(maxRelDiff(gpuDotRows(mode, a, 7, 60, b, 5, 60, 2, 58), referenceDotRows(a, 7, 60, b, 5, 60, 2, 58))).toBeLessThan(1e-5);
  });

  it('is deterministic: the same call twice gives identical bits', () => {
    const spec = NetworkSchema.parse({ n: 30, heterogeneity: { family: 'lognormal', cv: 1 } });
    const net = buildNetwork(spec, 3, 1);
    const input = generateInput([{ family: 'white' }, { family: 'white' }, { family: 'white' }], 100, 2);
    const model = RateModelSchema.parse(spec.model);
    expect(backend.simulateRate(model, net, input, 100, 0)).toEqual(backend.simulateRate(model, net, input, 100, 0));
  });
});

describe.each(backends.filter((b) => b.centredTranspose))('backend $name: centred features for the readout', (backend) => {
  // odd and even neurons and steps: the kernel takes two of each at a time, and tiles of 256 steps
  it.each([[13, 240], [14, 261], [1, 257]])('give the readout the bits of its own TypeScript loops (n = %i, T = %i)', async (n, T) => {
    const { centredTranspose, fitReadout } = await import('../readout.js');
    const rng = new Rng(19);
    const K = 5;
    const problem = {
      features: Float64Array.from({ length: T * n }, () => Math.tanh(rng.normal())),
      n,
      steps: T,
      targets: Float64Array.from({ length: K * T }, () => rng.normal()),
      k: K,
      classification: [false, true, false, false, false],
      train: { start: 10, end: 150 },
      validation: { start: 150, end: 200 },
      test: { start: 200, end: 240 },
      ridges: [1e-6, 1e-3, 1],
    };
    // the transposed features themselves, every step (the readout reads only train and validation)
    const direct = backend.centredTranspose!(problem.features, n, T, 10, 150, backend.workspace(3 * n * T + 2 * n, 6));
    const { xt, mu } = centredTranspose(problem.features, n, T, 10, 150, cpuBackend.workspace(0));
    expect(direct.xt.findIndex((v, i) => !Object.is(v, xt[i]))).toBe(-1);
    expect(direct.mu.findIndex((v, i) => !Object.is(v, mu[i]))).toBe(-1);
    const ours = fitReadout(backend, problem);
    const plain = fitReadout({ ...backend, centredTranspose: undefined }, problem);
    expect(ours.r2.some((v) => v !== 0)).toBe(true);
    expect(Array.from(ours.r2)).toEqual(Array.from(plain.r2));
    expect(Array.from(ours.ridge)).toEqual(Array.from(plain.ridge));
  });
});

describe.each(backends.filter((b) => b.scaleColumns || b.rowDots))('backend $name: the ridge grid\'s loops', (backend) => {
  it('give the bits of worker/readout.ts scaleColumns and rowDots (odd and even rows and columns, one column)', async () => {
    const readout = await import('../readout.js');
    const rng = new Rng(31);
    for (const [rows, n] of [[7, 13], [8, 12], [1, 1], [5, 1], [2, 64]]) {
      const ws = backend.workspace(6 * rows * n + n + 2 * rows, 8);
      const fill = (length: number, scale = 1) => {
        const v = ws.f64(length);
        for (let i = 0; i < length; i++) v[i] = rng.normal() * scale * 10 ** ((i % 9) - 4);
        return v;
      };
      const [a, b, c] = [fill(rows * n), fill(rows * n, 3), fill(rows * n)];
      const scale = fill(n);
      scale[0] = 0; // a direction cut from the pseudo-inverse
      const out = ws.f64(rows * n);
      backend.scaleColumns!(a, rows, n, scale, out);
      const expected = new Float64Array(rows * n);
      readout.scaleColumns(a, rows, n, scale, expected);
      expect(out.findIndex((v, i) => !Object.is(v, expected[i]))).toBe(-1);
      const [d1, d2] = [ws.f64(rows), ws.f64(rows)];
      backend.rowDots!(a, b, c, rows, n, d1, d2);
      const [e1, e2] = [new Float64Array(rows), new Float64Array(rows)];
      readout.rowDots(a, b, c, rows, n, e1, e2);
      // and the TypeScript two rows at a time is each row alone, in order
      for (let r = 0; r < rows; r++) {
        let s = 0;
        let t = 0;
        for (let j = 0; j < n; j++) {
          s += a[r * n + j] * b[r * n + j];
          t += b[r * n + j] * c[r * n + j];
        }
        expect([Object.is(e1[r], s), Object.is(e2[r], t)]).toEqual([true, true]);
      }
      expect(d1.findIndex((v, i) => !Object.is(v, e1[i]))).toBe(-1);
      expect(d2.findIndex((v, i) => !Object.is(v, e2[i]))).toBe(-1);
    }
  });

  it('refuse arrays from outside the workspace', () => {
    const ws = backend.workspace(16, 4);
    expect(() => backend.scaleColumns!(ws.f64(4), 2, 2, new Float64Array(2), ws.f64(4))).toThrow(/scaleColumns: its arrays must come from one workspace/);
  });
});

describe.each(backends.filter((b) => b.eigenvalues))('backend $name: general eigenvalues', (backend) => {
  it('gives the bits of the TypeScript solver (complex pairs, zero and triangular matrices included)', async () => {
    const { eigenvalues } = await import('../linalg.js');
    const rng = new Rng(77);
    const cases: [Float64Array, number][] = [];
    for (const n of [1, 2, 3, 7, 40, 101]) cases.push([Float64Array.from({ length: n * n }, () => rng.normal() / Math.sqrt(n)), n]);
    cases.push([new Float64Array(25), 5]); // recurrence removed
    cases.push([Float64Array.from({ length: 36 }, (_, k) => (k % 6 >= Math.floor(k / 6) ? 1 + (k % 5) : 0)), 6]); // upper triangular
    cases.push([Float64Array.from([0, -1, 1, 0]), 2]); // a rotation: +-i
    for (const [a, n] of cases) {
      const ours = backend.eigenvalues!(a, n);
      const ts = eigenvalues(a, n);
      expect(Array.from(ours.re)).toEqual(Array.from(ts.re));
      expect(Array.from(ours.im)).toEqual(Array.from(ts.im));
    }
    expect(Array.from(backend.eigenvalues!(Float64Array.from([0, -1, 1, 0]), 2).im).sort()).toEqual([-1, 1]);
  });
});

describe.each(backends)('backend $name: symmetric eigen-decomposition', (backend) => {
  it('matches the TypeScript reference and reconstructs the matrix', async () => {
    const { symmetricEigen } = await import('../linalg.js');
    const rng = new Rng(31);
    for (const n of [1, 2, 7, 40, 61]) {
      const b = Float64Array.from({ length: n * n }, () => rng.normal());
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i * n + j] + b[j * n + i];
      const ours = backend.symmetricEigen(a, n);
      const ref = symmetricEigen(a, n);
      expect(maxRelDiff(ours.values, ref.values)).toBeLessThan(1e-12);
      let err = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += ours.vectors[i * n + k] * ours.values[k] * ours.vectors[j * n + k];
          err = Math.max(err, Math.abs(s - a[i * n + j]));
        }
      }
      expect(err).toBeLessThan(1e-10 * Math.max(1, Math.abs(ref.values[n - 1]), Math.abs(ref.values[0])));
    }
  });
});
