// The native kernels (native/kernels.c) behind native-fma: built and offered wherever the CPU can run
// them, every element summed in the one order the kernel's comment states (checked against a model of
// that order with exactly rounded fused multiply-adds), the same bits on every vector path, and errors
// in words rather than a crash for arrays that do not fit; the dense float32 simulation with
// wasm-f32-fma's bits on every path and on one or two threads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExperimentSchema } from '../../common/spec.js';
import { planRuns } from '../../main/plan.js';
import { nativeKernels, nativeMissing, NATIVE_PATHS, type NativePath } from '../native/kernels.js';
import { executeRun, sameBits } from '../run.js';
import { fitReadout } from '../readout.js';
import { backendReport } from './registry.js';
import { buildNetwork } from '../network.js';
import { generateInput } from '../inputs.js';
import { leakFactors } from '../models/rate.js';
import { nativeF32FmaBackend, nativeF32FmaSplitBackend, nativeFmaBackend } from './native.js';
import { rateNoise, wasmF32FmaBackend, wasmFmaBackend } from './wasm.js';
import type { Backend } from './backend.js';

/** the CPU's flags (Linux): the native kernels need AVX2 and FMA */
function cpuFlags(): Set<string> {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return new Set(line ? line.split(':')[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}
const flags = cpuFlags();
const x64Linux = process.platform === 'linux' && process.arch === 'x64';
const runs = nativeMissing() === null;

/** a * b + c rounded once to the nearest double, ties to even, from exact binary fractions (normal numbers only) */
function exactFma(a: number, b: number, c: number): number {
  const parts = (x: number): [bigint, number] => {
    if (x === 0) return [0n, 0];
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0);
    const e = (hi >>> 20) & 0x7ff;
    const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(buf.getUint32(4));
    const mant = e === 0 ? m : m | (1n << 52n);
    return [x < 0 ? -mant : mant, (e === 0 ? 1 : e) - 1075];
  };
  const [ma, ea] = parts(a);
  const [mb, eb] = parts(b);
  const [mc, ec] = parts(c);
  let n = ma * mb;
  let e = ea + eb;
  if (mc !== 0n) {
    const lo = Math.min(e, ec);
    n = (n << BigInt(e - lo)) + (mc << BigInt(ec - lo));
    e = lo;
  }
  if (n === 0n) return 0;
  const neg = n < 0n;
  let q = neg ? -n : n;
  const shift = q.toString(2).length - 53;
  if (shift > 0) {
    const rem = q & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    q >>= BigInt(shift);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    e += shift;
  }
  const v = Number(q) * 2 ** e;
  return neg ? -v : v;
}

/** native/kernels.c's order for one element: chunks of 512 steps, eight lane sums, their tree, the tail */
function modelElement(x: Float64Array, y: Float64Array, t0: number, t1: number): number {
  let c = 0;
  for (let c0 = t0; c0 < t1; c0 += 512) {
    const c1 = Math.min(c0 + 512, t1);
    const tv = c0 + ((c1 - c0) & ~7);
    const l = new Float64Array(8);
    for (let t = c0; t < tv; t += 8) for (let k = 0; k < 8; k++) l[k] = exactFma(x[t + k], y[t + k], l[k]);
    let s = ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
    for (let t = tv; t < c1; t++) s = exactFma(x[t], y[t], s);
    c = c0 === t0 ? s : c + s;
  }
  return c;
}

function values(n: number, seed: number): Float64Array {
  const a = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    a[i] = s / 2147483647 - 0.5;
  }
  return a;
}

const paths = (k: ReturnType<typeof nativeKernels>): NativePath[] => [NATIVE_PATHS.scalar, NATIVE_PATHS.avx2, NATIVE_PATHS.avx512].filter((p) => p <= k.bestPath()) as NativePath[];

describe('native kernels', () => {
  it.runIf(x64Linux && flags.has('avx2') && flags.has('fma'))('are built and native-fma is offered on an x86-64 Linux CPU with AVX2 and FMA', () => {
    expect(nativeMissing()).toBeNull();
    expect(backendReport().find((b) => b.name === 'native-fma')).toMatchObject({ available: true, reason: null, precision: 'float64' });
    expect(nativeKernels().bestPath()).toBe(flags.has('avx512f') ? NATIVE_PATHS.avx512 : NATIVE_PATHS.avx2);
  });

  it.runIf(!runs)('say why native-fma is missing where it is', () => {
    expect(backendReport().find((b) => b.name === 'native-fma')?.reason).toMatch(/native kernels|fused|relaxed SIMD|not built/);
  });

  describe.runIf(runs)('where they run', () => {
    it('the exact-fma model rounds once: (1 + 2^-12)^2 - (1 + 2^-11) is 2^-24', () => {
      expect(exactFma(1 + 2 ** -12, 1 + 2 ** -12, -(1 + 2 ** -11))).toBe(2 ** -24);
      expect(exactFma(0.1, 0.2, 0.3)).toBe(0.1 * 0.2 + 0.3);
    });

    // sizes that reach every block's edges on both paths (AVX-512 blocks 6 x 4, AVX2 3 x 2), windows
    // that cross a chunk with a tail and start off the vector grid
    const shapes: [number, number, number, number, number, boolean][] = [
      [7, 7, 1100, 3, 1100, true],
      [13, 9, 600, 5, 600, false],
      [14, 14, 530, 1, 530, true],
      [9, 5, 1100, 1, 1045, false],
      [5, 9, 40, 0, 13, false],
      [1, 3, 9, 2, 9, false],
      [6, 6, 530, 0, 530, true],
    ];
    it.each(shapes)('sum every element in the stated order, with one rounding per multiply-add, on every path (%i x %i, T %i, window %i-%i, symmetric %s)', (na, nb, T, t0, t1, symmetric) => {
      const k = nativeKernels();
      const a = values(na * T, 7 + na);
      const b = symmetric ? a : values(nb * T, 11 + nb);
      for (const path of paths(k)) {
        const c = new Float64Array(na * nb).fill(NaN);
        k.dotRows(path, a, na, T, b, nb, T, t0, t1, c, symmetric);
        for (let i = 0; i < na; i++) {
          for (let j = 0; j < nb; j++) {
            const want = modelElement(a.subarray(i * T, (i + 1) * T), b.subarray(j * T, (j + 1) * T), t0, t1);
            expect(c[i * nb + j], `path ${path}, element ${i}, ${j}`).toBe(want);
          }
        }
      }
    });

    it('give the same bits on every path at readout sizes (N = 37, K = 53 over 3000 steps; symmetric N = 38)', () => {
      const k = nativeKernels();
      const T = 3000;
      const x = values(37 * T, 3);
      const y = values(53 * T, 5);
      const g = values(38 * T, 9);
      const outs = paths(k).map((p) => {
        const c = new Float64Array(53 * 37);
        const s = new Float64Array(38 * 38);
        k.dotRows(p, y, 53, T, x, 37, T, 17, 2999, c, false);
        k.dotRows(p, g, 38, T, g, 38, T, 0, T, s, true);
        return [c, s];
      });
      expect(outs.length).toBeGreaterThan(1);
      for (const o of outs.slice(1)) {
        expect(sameBits(o[0], outs[0][0])).toBe(true);
        expect(sameBits(o[1], outs[0][1])).toBe(true);
      }
    });

    it('symmetricEigen: the bits of the WebAssembly solver (n = 1-7, 31-33, 64, 65, 101; random, Gram, diagonal with repeated values, zero)', () => {
      const matrices = (n: number): [string, Float64Array][] => {
        const r = values(n * (n + 7), 13 + n);
        const random = new Float64Array(n * n);
        const gram = new Float64Array(n * n);
        const diagonal = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          diagonal[i * n + i] = i % 3;
          for (let j = 0; j <= i; j++) {
            random[i * n + j] = random[j * n + i] = r[i * n + j];
            let g = 0;
            for (let t = 0; t < n + 7; t++) g += r[i * (n + 7) + t] * r[j * (n + 7) + t];
            gram[i * n + j] = gram[j * n + i] = g;
          }
        }
        return [['random', random], ['gram', gram], ['diagonal', diagonal], ['zero', new Float64Array(n * n)]];
      };
      for (const n of [1, 2, 3, 4, 5, 6, 7, 31, 32, 33, 64, 65, 101]) {
        for (const [kind, a] of matrices(n)) {
          const ours = nativeFmaBackend.symmetricEigen(a, n);
          const theirs = wasmFmaBackend.symmetricEigen(a, n);
          expect(sameBits(ours.values, theirs.values) && sameBits(ours.vectors, theirs.vectors), `n = ${n}, ${kind}`).toBe(true);
        }
      }
      expect(() => nativeKernels().symmetricEigen(new Float64Array(8), 3, new Float64Array(3), new Float64Array(3))).toThrow(/symmetricEigen\(vt, n, d, e\): need n >= 1, a matrix of n x n/);
      const vt = new Float64Array(12);
      expect(() => nativeKernels().symmetricEigen(vt, 3, vt.subarray(6, 9), new Float64Array(3))).toThrow(/symmetricEigen\(vt, n, d, e\): the matrix and the vectors must not overlap/);
    });

    it('eigenvalues: the bits of the WebAssembly solver (n = 1-9, 15-17, 33, 64, 65, 101; random, symmetric, triangular, diagonal with repeats, zero)', () => {
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 33, 64, 65, 101]) {
        const random = values(n * n, 17 + n);
        const symmetric = Float64Array.from(random);
        const triangular = Float64Array.from(random);
        const diagonal = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          diagonal[i * n + i] = i % 3;
          for (let j = 0; j < i; j++) {
            symmetric[i * n + j] = symmetric[j * n + i];
            triangular[i * n + j] = 0;
          }
        }
        for (const [kind, a] of [['random', random], ['symmetric', symmetric], ['triangular', triangular], ['diagonal', diagonal], ['zero', new Float64Array(n * n)]] as const) {
          const ours = nativeFmaBackend.eigenvalues!(a, n);
          const theirs = wasmFmaBackend.eigenvalues!(a, n);
          expect(sameBits(ours.re, theirs.re) && sameBits(ours.im, theirs.im), `n = ${n}, ${kind}`).toBe(true);
        }
      }
      // complex pairs reach the solver's 2 x 2 branch: a rotation's eigenvalues are cos t +- i sin t
      const rotation = nativeFmaBackend.eigenvalues!(Float64Array.of(Math.cos(1), -Math.sin(1), Math.sin(1), Math.cos(1)), 2);
      expect([...rotation.im].map(Math.abs)).toEqual([Math.sin(1), Math.sin(1)].map((x) => expect.closeTo(x, 14)));
      expect(() => nativeKernels().eigenvaluesGeneral(new Float64Array(3), 2, new Float64Array(2), new Float64Array(2))).toThrow(/eigenvaluesGeneral\(H, n, re, im\): need n >= 1, a matrix of n x n/);
    });

    it('a readout that reads the targets in place has the bits of one that copies them first (N = 23, 41 tasks)', () => {
      const n = 23;
      const K = 41;
      const T = 900;
      const problem = {
        features: values(T * n, 21), n, steps: T, targets: values(K * T, 22), k: K, classification: Array.from({ length: K }, (_, k) => k % 5 === 0),
        train: { start: 50, end: 600 }, validation: { start: 600, end: 750 }, test: { start: 750, end: T }, ridges: [1e-6, 1e-3, 1],
      };
      const inPlace = fitReadout(nativeFmaBackend, problem);
      const copied = fitReadout({ ...nativeFmaBackend, dotRowsReadsAnywhere: false }, problem);
      expect(nativeFmaBackend.dotRowsReadsAnywhere).toBe(true);
      for (const key of ['r2', 'nrmse', 'accuracy', 'ridge', 'gramEigenvalues'] as const) {
        expect(sameBits(inPlace[key], copied[key]), key).toBe(true);
      }
    });

    it('refuse, in words, arrays that do not fit the shapes they are given', () => {
      const k = nativeKernels();
      const a = new Float64Array(20);
      const c = new Float64Array(4);
      expect(() => k.dotRows(NATIVE_PATHS.scalar, a, 2, 10, a, 2, 10, 0, 11, c, false)).toThrow(/t0 <= t1 <= lda/);
      expect(() => k.dotRows(NATIVE_PATHS.scalar, a, 3, 10, a, 2, 10, 0, 10, c, false)).toThrow(/fewer rows/);
      expect(() => k.dotRows(NATIVE_PATHS.scalar, a, 2, 10, a, 2, 10, 0, 10, new Float64Array(3), false)).toThrow(/fewer than na x nb/);
      expect(() => k.dotRows(NATIVE_PATHS.scalar, a, 2, 10, a, 2, 10, 0, 10, a.subarray(16), false)).toThrow(/must not overlap/);
      expect(() => k.dotRows(NATIVE_PATHS.scalar, a, 2, 10, new Float64Array(20), 2, 10, 0, 10, c, true)).toThrow(/symmetric needs b to be a/);
      expect(() => k.dotRows(NATIVE_PATHS.scalar, new Float32Array(20) as unknown as Float64Array, 2, 10, a, 2, 10, 0, 10, c, false)).toThrow(/a must be a Float64Array/);
      expect(() => k.dotRows(NATIVE_PATHS.scalar, a, -1, 10, a, 2, 10, 0, 10, c, false)).toThrow(/na must be a whole number/);
      expect(() => k.dotRows(3 as NativePath, a, 2, 10, a, 2, 10, 0, 10, c, false)).toThrow(/path must be/);
      expect(() => (k.dotRows as unknown as (x: number) => void)(1)).toThrow(/dotRows takes 11 arguments: path, a, na/);
      expect(() => (k.symmetricEigen as unknown as (x: number) => void)(1)).toThrow(/symmetricEigen takes 4 arguments: vt, n, d, e/);
      // an empty window is a zero product
      c.fill(1);
      k.dotRows(NATIVE_PATHS.scalar, a, 2, 10, a, 2, 10, 4, 4, c, false);
      expect([...c]).toEqual([0, 0, 0, 0]);
    });

    /** a dense (or, with p < 1, sparse) rate network with three input channels, and its model */
    const rateCase = (n: number, form: 'li' | 'esn', noise: number, p = 1) => {
      const spec = ExperimentSchema.parse({ name: 'f32', network: { n, p, model: { kind: 'rate', form, noise } } });
      const channels = [{ family: 'white' as const }, { family: 'white' as const }, { family: 'white' as const }];
      const net = buildNetwork(spec.network, channels.length, 7 + n);
      const model = spec.network.model;
      if (model.kind !== 'rate') throw new Error('a rate model');
      return { net, model, input: generateInput(channels, 300, 3) };
    };
    const sizes = [1, 3, 4, 5, 6, 7, 8, 33, 67, 130, 301]; // below one block of 4, every n mod 4, odd block groups

    it('native-f32-fma(-split): the dense simulation has wasm-f32-fma\'s bits (n = 1-8, 33, 67, 130, 301; li and esn; with and without noise)', () => {
      for (const n of sizes)
        for (const form of ['li', 'esn'] as const)
          for (const noise of [0, 0.01]) {
            const { net, model, input } = rateCase(n, form, noise);
            expect(net.density).toBeGreaterThan(0.3);
            const ref = Float64Array.from(wasmF32FmaBackend.simulateRate(model, net, input, 300, 5));
            for (const b of [nativeF32FmaBackend, nativeF32FmaSplitBackend]) {
              expect(sameBits(b.simulateRate(model, net, input, 300, 5), ref), `${b.name} n = ${n} ${form} noise ${noise}`).toBe(true);
            }
          }
    });

    it('the sparse simulation has the WebAssembly backends\' bits on every native backend (n = 1, 2, 17, 100, 301; p = 0.05-0.2; li and esn; with and without noise)', () => {
      let sparse = 0;
      for (const n of [1, 2, 17, 100, 301])
        for (const p of [0.05, 0.1, 0.2])
          for (const form of ['li', 'esn'] as const)
            for (const noise of [0, 0.01]) {
              const { net, model, input } = rateCase(n, form, noise, p);
              if (net.density > 0.3) continue; // a small network drawn dense: the dense tests' case
              sparse++;
              const ref = Float64Array.from(wasmFmaBackend.simulateRate(model, net, input, 300, 5));
              for (const b of [nativeFmaBackend, nativeF32FmaBackend, nativeF32FmaSplitBackend]) {
                expect(sameBits(b.simulateRate(model, net, input, 300, 5), ref), `${b.name} n = ${n} p = ${p} ${form} noise ${noise}`).toBe(true);
              }
            }
      expect(sparse).toBeGreaterThan(40);
    });

    it('simulateRateF32: the AVX2 and the AVX-512 path, on one thread and on two, give the same bits', () => {
      const k = nativeKernels();
      const paths = [NATIVE_PATHS.avx2, ...(k.bestPath() === NATIVE_PATHS.avx512 ? [NATIVE_PATHS.avx512] : [])];
      for (const n of [5, 67, 130]) {
        const { net, model, input } = rateCase(n, 'li', 0.01);
        const steps = 200;
        const noise = rateNoise(model, 5, new Float64Array(steps * n));
        const outs = paths.flatMap((path) =>
          ([1, 2] as const).map((parts) => {
            const out = new Float64Array(steps * n);
            k.simulateRateF32(path, parts, 0, steps, n, net.d, net.w, net.u, net.b, leakFactors(model, net.tau), input, noise, out);
            return out;
          }),
        );
        // not a run of zeros: rates that moved
        expect(outs[0].some((v) => Math.abs(v) > 1e-3)).toBe(true);
        for (const o of outs.slice(1)) expect(sameBits(o, outs[0]), `n = ${n}`).toBe(true);
      }
    });

    it('native-f32-fma: a sparse network runs wasm-f32-fma\'s float64 product; a batch gives each stream\'s own run; reused memory changes nothing', () => {
      const sparse = rateCase(40, 'li', 0, 0.1);
      expect(sameBits(nativeF32FmaBackend.simulateRate(sparse.model, sparse.net, sparse.input, 300, 1), wasmF32FmaBackend.simulateRate(sparse.model, sparse.net, sparse.input, 300, 1))).toBe(true);
      const { net, model, input } = rateCase(37, 'li', 0);
      const taus = [0.5, 1, 2].map((s) => net.tau.map((t) => t * s));
      const streams = nativeF32FmaBackend.simulateRateBatch!(model, net, taus, input, 300, 1);
      taus.forEach((tau, q) => {
        expect(sameBits(streams[q], nativeF32FmaBackend.simulateRate(model, { ...net, tau }, input, 300, 1)), `stream ${q}`).toBe(true);
      });
      const run = (b: Backend, n: number) => {
        const c = rateCase(n, 'esn', 0.01);
        return Float64Array.from(b.simulateRate(c.model, c.net, c.input, 300, 2, true));
      };
      for (const b of [nativeF32FmaBackend, nativeF32FmaSplitBackend]) {
        const first = run(b, 45);
        run(b, 19); // smaller: into the same memory
        expect(sameBits(run(b, 45), first), b.name).toBe(true);
      }
    });

    it('simulateRateF32 refuses, in words, what does not fit', () => {
      const k = nativeKernels();
      const n = 6;
      const { net, model, input } = rateCase(n, 'li', 0);
      const leak = leakFactors(model, net.tau);
      const none = new Float64Array(0);
      const call = (over: Partial<{ path: number; parts: number; steps: number; w: Float64Array; noise: Float64Array; out: Float64Array }>) => () =>
        k.simulateRateF32((over.path ?? NATIVE_PATHS.avx2) as NativePath, (over.parts ?? 1) as 1, 0, over.steps ?? 10, n, net.d, over.w ?? net.w, net.u, net.b, leak, input, over.noise ?? none, over.out ?? new Float64Array(10 * n));
      expect(call({})).not.toThrow();
      expect(call({ path: NATIVE_PATHS.scalar })).toThrow(/simulateRateF32: path must be 1 \(AVX2\) or 2/);
      expect(call({ parts: 3 })).toThrow(/parts must be 1 or 2/);
      expect(call({ w: new Float64Array(n * n - 1) })).toThrow(/w holds fewer than n x n/);
      expect(call({ noise: new Float64Array(5) })).toThrow(/noise must be empty or hold steps x n/);
      expect(call({ out: new Float64Array(10 * n - 1) })).toThrow(/out holds fewer than steps x n/);
      expect(call({ steps: 1e6 })).toThrow(/input holds fewer than steps x d/);
      expect(call({ steps: 6, out: net.w })).toThrow(/out must not overlap/); // w is 6 x 6, out 6 steps x 6
      expect(call({ w: new Float32Array(n * n) as unknown as Float64Array })).toThrow(/simulateRateF32: w must be a Float64Array/);
      expect(() => (k.simulateRateF32 as unknown as (x: number) => void)(1)).toThrow(/simulateRateF32 takes 13 arguments/);
      // the sparse one checks its CSR arrays before it reads through them
      const { rowPtr, colIdx, values } = net.wCsr;
      const csr = (r: Int32Array, c: Int32Array) => () => k.simulateRateCsr(1, 0, 10, n, net.d, r, c, values, net.u, net.b, leak, input, none, new Float64Array(10 * n));
      expect(csr(rowPtr, colIdx)).not.toThrow();
      expect(csr(rowPtr.subarray(0, n), colIdx)).toThrow(/simulateRateCsr: rowPtr must hold n \+ 1 offsets/);
      const falling = Int32Array.from(rowPtr);
      falling[2] = falling[1] - 1;
      expect(csr(falling, colIdx)).toThrow(/rowPtr must rise/);
      const outside = Int32Array.from(colIdx);
      outside[0] = n;
      expect(csr(rowPtr, outside)).toThrow(/colIdx holds a column outside 0 .. n - 1/);
      expect(csr(Float64Array.from(rowPtr) as unknown as Int32Array, colIdx)).toThrow(/rowPtr must be an Int32Array/);
      // the bootstrap's replicates (main/analysis/stats-edges.test.ts compares their bits)
      const diff = new Float64Array(12);
      expect(() => k.bootstrapReplicates(diff, 3, 4, 5, 1, new Float64Array(5))).not.toThrow();
      expect(() => k.bootstrapReplicates(diff, 3, 5, 5, 1, new Float64Array(5))).toThrow(/bootstrapReplicates: diff holds fewer than seeds x tasks/);
      expect(() => k.bootstrapReplicates(diff, 3, 4, 6, 1, new Float64Array(5))).toThrow(/reps holds fewer than replicates/);
      expect(() => k.bootstrapReplicates(diff, 4097, 1, 5, 1, new Float64Array(5))).toThrow(/seeds and tasks must be 1 to 4096/);
      expect(() => k.bootstrapReplicates(diff, 3, 4, 5, 2 ** 32, new Float64Array(5))).toThrow(/seed must fit in 32 bits/);
      expect(() => k.bootstrapReplicates(diff, 3, 4, 2, 1, diff.subarray(10))).toThrow(/reps must not overlap diff/);
    });

    it('native-fma: runs of its own bits, within rounding of wasm-fma (the small experiment fixture)', () => {
      const runs = planRuns(ExperimentSchema.parse(JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8')))).slice(0, 3);
      for (const run of runs) {
        const ours = executeRun(run, nativeFmaBackend);
        const again = executeRun(run, nativeFmaBackend);
        const theirs = executeRun(run, wasmFmaBackend);
        expect(JSON.stringify(again.scores)).toBe(JSON.stringify(ours.scores));
        const a = ours.scores.r2;
        const b = theirs.scores.r2;
        expect(a.length).toBeGreaterThan(0);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `task ${i}`).toBeLessThan(1e-8);
        expect(ours.scores.ridge).toEqual(theirs.scores.ridge);
        // the bits are its own: a readout of 0.5 M multiply-adds summed in another order differs somewhere
        expect(a.some((x, i) => x !== b[i])).toBe(true);
      }
    });
  });
});
