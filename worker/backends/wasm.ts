// The WebAssembly backends: the rate model, the readout's dot products and the dense/sparse
// products in SIMD WebAssembly (worker/wasm/assembly/kernels.ts), float64 like the CPU backend, or
// with float32 dense weights. The "-split" variants cut one run's rate simulation and large readout
// products between this thread and a helper (worker/wasm/split.ts), with results bit-identical to
// their one-thread twins; the "-fma" variants fuse the products' multiply-adds. LIF runs in WebAssembly too (bit-identical to the TypeScript kernel),
// except with noise, whose draws come from the TypeScript generator: then the TypeScript kernel runs.
import { lifResult, lifSetup, simulateLif as simulateLifTs } from '../models/lif.js';
import { leakFactors, DENSE_ABOVE } from '../models/rate.js';
import { Arena, arenaOf, bytesFor } from '../wasm/kernels.js';
import { runSplit, SPLIT_PARTS } from '../wasm/split.js';
import { Rng } from '../rng.js';
import { transpose } from '../linalg.js';
import type { RateModelSpec } from '../../common/spec.js';
import type { BuiltNetwork } from '../types.js';
import { BATCH_STREAMS, keptMemoryFits, type Backend, type Workspace } from './backend.js';

/** U transposed (d x n) in the arena: the kernels take the input weights of two neurons in one load */
function inputWeightsTransposed(arena: Arena, net: BuiltNetwork): Float64Array {
  const { n, d } = net;
  const u = arena.f64(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) u[k * n + i] = net.u[i * d + k];
  return u;
}

/** a rate run's noise, steps x n values into `out`: the same draws, in the same order, as the TypeScript kernel's */
export function rateNoise(model: RateModelSpec, seed: number, out: Float64Array): Float64Array {
  const rng = new Rng(seed);
  for (let i = 0; i < out.length; i++) out[i] = model.noise * rng.normal();
  return out;
}

/** below this many multiply-adds a product is not worth a message to the helper thread */
const SPLIT_DOT_ABOVE = 4e6;

/** the arena that holds every one of these arrays (a kernel reads its own memory only) */
function oneWorkspace(arrays: Float64Array[], kernel: string): Arena {
  const home = arenaOf(arrays[0]);
  if (!home || arrays.some((a) => arenaOf(a) !== home)) throw new Error(`${kernel}: its arrays must come from one workspace of this backend`);
  return home;
}

function makeWasmBackend(name: string, weights: 'float64' | 'float32', split: boolean, fused: boolean): Backend {
  /** an arena of this backend's build: threaded for the split backends, fused for the "-fma" ones */
  const arenaFor = (bytes: number, shared = split) => new Arena(bytes, shared, fused);
  // The last simulation's and the last readout's memory, handed out again when it fits: fresh
  // memory costs a page fault per 4 kB on first touch (1.5 us here), a tenth of a dense N = 1000
  // step and tens of milliseconds per readout at N = 300, T = 10 000.
  const kept: { simulation: Arena | null; workspace: Arena | null } = { simulation: null, workspace: null };
  const reused = (slot: keyof typeof kept, bytes: number, shared = split): Arena => {
    const last = kept[slot];
    // (a split backend's LIF runs on plain memory: its rate runs need the shared kind back)
    if (last && (last.split !== null) === shared && keptMemoryFits(last.capacity, bytes)) {
      last.reset();
      return last;
    }
    kept[slot] = null; // let go of the old memory before taking the new
    return (kept[slot] = arenaFor(bytes, shared));
  };
  return {
    name,
    precision: weights,
    threadsPerRun: split ? SPLIT_PARTS : 1,

    simulateRate(model, net, input, steps, noiseSeed, reuse = false) {
      const { n, d } = net;
      // float32 weights only pay on dense matrices, where the product streams W from memory;
      // sparse networks keep float64 CSR on both variants
      const dense = net.density > DENSE_ABOVE;
      const nnz = net.wCsr.values.length;
      const noisy = model.noise > 0;
      const doubles = (dense ? n * n : nnz * 1.5 + n) + n * d + 6 * n + steps * d + steps * n * (noisy ? 2 : 1);
      // the split run double-buffers the rates (two more n-vectors)
      const bytes = bytesFor(doubles + (split ? 2 * n : 0));
      const arena = reuse ? reused('simulation', bytes) : arenaFor(bytes);
      let w: Float64Array | Float32Array | null = null;
      if (dense && weights === 'float32') (w = arena.f32(n * n)).set(net.w);
      else if (dense) w = arena.copyF64(net.w);
      // the float32 dense product uses rowPtr's room for its float32 copy of the rates
      const rowPtr = dense ? (weights === 'float32' ? arena.i32(n) : null) : arena.i32(n + 1);
      const colIdx = dense ? null : arena.i32(Math.max(1, nnz));
      const values = dense ? null : arena.f64(Math.max(1, nnz));
      if (!dense) {
        rowPtr!.set(net.wCsr.rowPtr);
        colIdx!.set(net.wCsr.colIdx);
        values!.set(net.wCsr.values);
      }
      const u = inputWeightsTransposed(arena, net);
      const b = arena.copyF64(net.b);
      const leak = arena.copyF64(leakFactors(model, net.tau));
      const inp = arena.copyF64(input.subarray(0, steps * d));
      let noise: Float64Array | null = null;
      if (noisy) noise = rateNoise(model, noiseSeed, arena.f64(steps * n));
      const x = arena.f64(n);
      const r = arena.f64(n);
      const h = arena.f64(n);
      const out = arena.f64(steps * n);
      const storage = dense ? (weights === 'float32' ? 2 : 1) : 0;
      const common = [
        model.form === 'esn' ? 1 : 0, steps, n, d,
        storage, w ? w.byteOffset : 0, rowPtr ? rowPtr.byteOffset : 0, colIdx ? colIdx.byteOffset : 0, values ? values.byteOffset : 0,
        u.byteOffset, b.byteOffset, leak.byteOffset, inp.byteOffset, noise ? noise.byteOffset : 0,
      ];
      if (!split) {
        (arena.k.simulateRate as (...a: number[]) => void)(...common, x.byteOffset, r.byteOffset, h.byteOffset, out.byteOffset);
        return out;
      }
      // second rate buffer and, for float32 weights, two float32 copies of the rates
      const r1 = arena.f64(n);
      const rf = storage === 2 ? [arena.f32(n).byteOffset, arena.f32(n).byteOffset] : [0, 0];
      runSplit(arena, 'simulateRateSplit', [...common, x.byteOffset, r.byteOffset, r1.byteOffset, rf[0], rf[1], h.byteOffset, out.byteOffset]);
      // a view of shared memory, which a postMessage would share rather than copy: harmless, as
      // nothing writes to this arena again, or (with reuse) not before the caller is done with it
      // (a copy cost 14 ms per 25 MB, page faults included)
      return out;
    },

    // the split backends cut one run across threads; a batch stays on one
    simulateRateBatch: split ? undefined : (model, net, taus, input, steps, noiseSeed, reuse = false) => {
      const { n, d } = net;
      const streams = taus.length;
      if (streams < 1 || streams > BATCH_STREAMS) throw new Error(`a batch has 1 to ${BATCH_STREAMS} streams, not ${streams}`);
      if (!(net.density > DENSE_ABOVE)) throw new Error('batched simulation is for dense networks (their W is what the streams share)');
      const noisy = model.noise > 0;
      const S = BATCH_STREAMS;
      const doubles = n * n + n * d + n + steps * d + S * (4 * n + steps * n * (noisy ? 2 : 1)) + (S * n) / 2;
      const bytes = bytesFor(doubles);
      const arena = reuse ? reused('simulation', bytes, false) : arenaFor(bytes, false);
      let w: Float64Array | Float32Array;
      if (weights === 'float32') (w = arena.f32(n * n)).set(net.w);
      else w = arena.copyF64(net.w);
      const rf = arena.f32(S * n);
      const u = inputWeightsTransposed(arena, net);
      const b = arena.copyF64(net.b);
      const leak = arena.f64(S * n);
      taus.forEach((tau, q) => leak.set(leakFactors(model, tau), q * n));
      const inp = arena.copyF64(input.subarray(0, steps * d));
      let noise: Float64Array | null = null;
      if (noisy) {
        // each stream draws what its own run would: the same seed, so the same numbers
        noise = arena.f64(streams * steps * n);
        const rng = new Rng(noiseSeed);
        for (let i = 0; i < steps * n; i++) noise[i] = model.noise * rng.normal();
        for (let q = 1; q < streams; q++) noise.copyWithin(q * steps * n, 0, steps * n);
      }
      const x = arena.f64(S * n);
      const r = arena.f64(S * n);
      const h = arena.f64(S * n);
      const out = arena.f64(streams * steps * n);
      arena.k.simulateRateBatch(
        streams, model.form === 'esn' ? 1 : 0, steps, n, d, weights === 'float32' ? 2 : 1, w.byteOffset, rf.byteOffset,
        u.byteOffset, b.byteOffset, leak.byteOffset, inp.byteOffset, noise ? noise.byteOffset : 0,
        x.byteOffset, r.byteOffset, h.byteOffset, out.byteOffset,
      );
      return taus.map((_, q) => out.subarray(q * steps * n, (q + 1) * steps * n));
    },

    simulateLif(model, net, input, steps, seed, reuse = false, spikeStats = false) {
      if (model.noise > 0) return simulateLifTs(model, net, input, steps, seed, undefined, spikeStats);
      const set = lifSetup(model, net, input, steps, seed, spikeStats);
      const { n, d, csc } = set;
      const nnz = csc.values.length;
      // the spike statistics: 16-bit counts (steps x n), two float64 and two int32 n-vectors
      const statsDoubles = spikeStats ? (steps * n) / 4 + 3 * n : 0;
      const bytes = bytesFor(3 * n + nnz * 1.5 + n + n * d + steps * d + 4 * n + steps * n + 2 + statsDoubles, 25);
      const arena = reuse ? reused('simulation', bytes, false) : arenaFor(bytes, false);
      const memDecay = arena.copyF64(set.memDecay);
      const bias = arena.copyF64(set.bias);
      const colPtr = arena.i32(n + 1);
      colPtr.set(csc.colPtr);
      const rowIdx = arena.i32(Math.max(1, nnz));
      rowIdx.set(csc.rowIdx);
      const w = arena.f64(Math.max(1, nnz));
      w.set(csc.values);
      const u = inputWeightsTransposed(arena, net);
      const inp = arena.copyF64(input.subarray(0, steps * d));
      const v = arena.copyF64(set.v0);
      const iSyn = arena.f64(n);
      const iIn = arena.f64(n);
      const trace = arena.f64(n);
      const refLeft = arena.i32(n);
      const spiked = arena.i32(n);
      const features = arena.f64(steps * n);
      const counts = arena.f64(2);
      let stats: { counts: Uint16Array; isiSum: Float64Array; isiSumSq: Float64Array; isiCount: Int32Array; lastSpike: Int32Array } | null = null;
      if (spikeStats) {
        // the arena hands out 32-bit arrays: the 16-bit counts are a view of one (zeroed, like all it hands out)
        const room = arena.i32(Math.ceil((steps * n) / 2));
        stats = {
          counts: new Uint16Array(room.buffer, room.byteOffset, steps * n),
          isiSum: arena.f64(n),
          isiSumSq: arena.f64(n),
          isiCount: arena.i32(n),
          lastSpike: arena.i32(n).fill(-1), // no spike yet
        };
      }
      arena.k.simulateLif(
        n, d, steps, set.sub,
        model.vRest, model.vReset, model.vTh, set.refSteps, set.synDecay, set.readDecay,
        memDecay.byteOffset, bias.byteOffset, colPtr.byteOffset, rowIdx.byteOffset, w.byteOffset, u.byteOffset, inp.byteOffset,
        v.byteOffset, iSyn.byteOffset, iIn.byteOffset, trace.byteOffset, refLeft.byteOffset, spiked.byteOffset, features.byteOffset, counts.byteOffset,
        stats ? stats.counts.byteOffset : 0, stats ? stats.isiSum.byteOffset : 0, stats ? stats.isiSumSq.byteOffset : 0,
        stats ? stats.isiCount.byteOffset : 0, stats ? stats.lastSpike.byteOffset : 0,
      );
      const result = lifResult(model, n, steps, features, counts[0], counts[1]);
      if (stats) {
        // counts live in the arena like the features (as long as they, with `reuse`); the per-neuron sums are copied out
        result.spikes = {
          counts: stats.counts,
          isiSum: Float64Array.from(stats.isiSum),
          isiSumSq: Float64Array.from(stats.isiSumSq),
          isiCount: Int32Array.from(stats.isiCount),
        };
      }
      return result;
    },

    centredTranspose(x, n, T, t0, t1, ws) {
      const xs = ws.copy(x.subarray(0, n * T)); // the kernel reads this module's memory only
      const mu = ws.f64(n);
      const xt = ws.f64(n * T);
      arenaOf(xt)!.k.centreTranspose(xs.byteOffset, T, n, t0, t1, mu.byteOffset, xt.byteOffset);
      return { xt, mu: Float64Array.from(mu) };
    },

    eigenvalues(a, n) {
      const arena = arenaFor(bytesFor(n * n + 4 * n, 6), false);
      const h = arena.copyF64(a.subarray(0, n * n));
      const ort = arena.f64(n);
      const f = arena.f64(n);
      const re = arena.f64(n);
      const im = arena.f64(n);
      if (arena.k.eigenvaluesGeneral(n, h.byteOffset, ort.byteOffset, f.byteOffset, re.byteOffset, im.byteOffset) !== 0) throw new Error('eigenvalue QR iteration did not converge');
      return { re: Float64Array.from(re), im: Float64Array.from(im) };
    },

    symmetricEigen(a, n) {
      const arena = arenaFor(bytesFor(n * n + 2 * n, 4), false);
      const vt = arena.copyF64(a.subarray(0, n * n)); // a is symmetric: its transpose is itself
      const d = arena.f64(n);
      const e = arena.f64(n);
      if (arena.k.symmetricEigen(n, vt.byteOffset, d.byteOffset, e.byteOffset) !== 0) throw new Error('symmetric eigen-solver did not converge');
      return { values: Float64Array.from(d), vectors: transpose(vt, n, n) };
    },

    workspace(doubles: number, arrays = 32): Workspace {
      const arena = reused('workspace', bytesFor(doubles, arrays));
      return { f64: (length: number) => arena.f64(length), copy: (src: ArrayLike<number>) => arena.copyF64(src) };
    },

    scaleColumns(a, rows, n, scale, out) {
      oneWorkspace([a, scale, out], 'scaleColumns').k.scaleColumns(a.byteOffset, rows, n, scale.byteOffset, out.byteOffset);
    },

    rowDots(a, b, c, rows, n, d1, d2) {
      oneWorkspace([a, b, c, d1, d2], 'rowDots').k.rowDots(a.byteOffset, b.byteOffset, c.byteOffset, rows, n, d1.byteOffset, d2.byteOffset);
    },

    dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric = false, out) {
      const home = arenaOf(a);
      if (home && arenaOf(b) === home && out && arenaOf(out) === home) {
        const args = [a.byteOffset, na, lda, b.byteOffset, nb, ldb, t0, t1, out.byteOffset, symmetric ? 1 : 0];
        const work = na * nb * (t1 - t0) * (symmetric ? 0.5 : 1);
        if (home.split && work > SPLIT_DOT_ABOVE) runSplit(home, 'dotRowsSplit', args);
        else (home.k.dotRows as (...a: number[]) => void)(...args);
        return out;
      }
      // arrays from elsewhere: copy the rows' used window into a scratch arena
      const len = t1 - t0;
      const scratch = arenaFor(bytesFor(na * len + nb * len + na * nb, 4), false);
      const as = scratch.f64(na * len);
      for (let i = 0; i < na; i++) as.set(a.subarray(i * lda + t0, i * lda + t1), i * len);
      let bs = as;
      if (b !== a || ldb !== lda || nb !== na) {
        bs = scratch.f64(nb * len);
        for (let j = 0; j < nb; j++) bs.set(b.subarray(j * ldb + t0, j * ldb + t1), j * len);
      }
      const c = scratch.f64(na * nb);
      scratch.k.dotRows(as.byteOffset, na, len, bs.byteOffset, nb, len, 0, len, c.byteOffset, symmetric && bs === as ? 1 : 0);
      const result = out ?? new Float64Array(na * nb);
      result.set(c);
      return result;
    },
  };
}

export const wasmBackend = makeWasmBackend('wasm', 'float64', false, false);
/** Dense recurrent products in float32 (weights and rates rounded; states, inputs and readout stay float64). */
export const wasmF32Backend = makeWasmBackend('wasm-f32', 'float32', false, false);
/** `wasm` with each run cut between two threads (bit-identical results) */
export const wasmSplitBackend = makeWasmBackend('wasm-split', 'float64', true, false);
/** `wasm-f32` with each run cut between two threads (bit-identical results) */
export const wasmF32SplitBackend = makeWasmBackend('wasm-f32-split', 'float32', true, false);

// The same four with fused multiply-add in the products that bound a run (the recurrent product, the
// readout's Gram and X'Y): one rounding per multiply-add instead of two, and a quarter to a third
// faster where those products dominate (bench/). Their numbers differ from the unfused backends' in
// the last bits; the LIF kernel and the eigen-solvers are the same code in both builds.
export const wasmFmaBackend = makeWasmBackend('wasm-fma', 'float64', false, true);
export const wasmF32FmaBackend = makeWasmBackend('wasm-f32-fma', 'float32', false, true);
export const wasmFmaSplitBackend = makeWasmBackend('wasm-fma-split', 'float64', true, true);
export const wasmF32FmaSplitBackend = makeWasmBackend('wasm-f32-fma-split', 'float32', true, true);
