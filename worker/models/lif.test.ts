import { describe, it, expect } from 'vitest';
import { LifModelSchema, type LifModelSpec } from '../../common/spec.js';
import type { BuiltNetwork, Csr } from '../types.js';
import { Rng } from '../rng.js';
import { simulateLif, lifRateAnalytic, cscFromCsr, cscFromDense } from './lif.js';

function lif(over: Partial<LifModelSpec> = {}): LifModelSpec {
  return LifModelSchema.parse({ kind: 'lif', ...over });
}

function csrFromDense(w: Float64Array, n: number): Csr {
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = w[i * n + j];
      if (x !== 0) {
        cols.push(j);
        vals.push(x);
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  return { rows: n, cols: n, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(vals) };
}

/** A BuiltNetwork from plain arrays; W[i * n + j] is the weight from j onto i. */
function makeNet(opts: { n: number; d?: number; w?: number[] | Float64Array; u?: number[]; b?: number[]; tau?: number[] | number }): BuiltNetwork {
  const n = opts.n;
  const d = opts.d ?? 1;
  const w = opts.w ? Float64Array.from(opts.w) : new Float64Array(n * n);
  const tau = typeof opts.tau === 'number' || opts.tau === undefined ? new Float64Array(n).fill(opts.tau ?? 20) : Float64Array.from(opts.tau);
  const wCsr = csrFromDense(w, n);
  const mean = tau.reduce((a, x) => a + x, 0) / n;
  return {
    n,
    d,
    w,
    wCsr,
    u: opts.u ? Float64Array.from(opts.u) : new Float64Array(n * d),
    b: opts.b ? Float64Array.from(opts.b) : new Float64Array(n),
    tau,
    tauStats: { mean, cv: 0, skewness: 0, min: Math.min(...tau), max: Math.max(...tau), bounded: 0 },
    density: wCsr.values.length / (n * n),
  };
}

/** Spike times (ms) per neuron. */
function runWithSpikes(model: LifModelSpec, net: BuiltNetwork, input: Float64Array, T: number, seed = 1) {
  const times: number[][] = Array.from({ length: net.n }, () => []);
  const res = simulateLif(model, net, input, T, seed, { onSpike: (i, t) => times[i].push(t) });
  return { res, times };
}

/** Rate (Hz) from the inter-spike intervals (independent of the random initial phase). */
function isiRate(times: number[]): number {
  if (times.length < 2) return 0;
  return (1000 * (times.length - 1)) / (times[times.length - 1] - times[0]);
}

describe('lifRateAnalytic', () => {
  it('is zero at or below threshold and matches the closed form above it', () => {
    expect(lifRateAnalytic(0.5, 20, 1, 0, 2)).toBe(0);
    expect(lifRateAnalytic(1, 20, 1, 0, 2)).toBe(0);
    expect(lifRateAnalytic(2, 20, 1, 0, 2)).toBeCloseTo(1000 / (2 + 20 * Math.log(2)), 10);
    // monotone in I, decreasing in tau
    expect(lifRateAnalytic(3, 20, 1, 0, 2)).toBeGreaterThan(lifRateAnalytic(2, 20, 1, 0, 2));
    expect(lifRateAnalytic(2, 40, 1, 0, 2)).toBeLessThan(lifRateAnalytic(2, 20, 1, 0, 2));
  });
});

describe('simulateLif: single neuron f-I curve', () => {
  const drives = [1.05, 1.2, 1.5, 2, 3];

  it('matches the analytic rate within 1 % at dt = 0.05 ms (drive through the bias)', () => {
    const model = lif({ dtSimMs: 0.05, dtTaskMs: 10 });
    for (const I of drives) {
      const m = { ...model, biasMean: I };
      const { times } = runWithSpikes(m, makeNet({ n: 1 }), new Float64Array(300), 300); // 3 s
      const expected = lifRateAnalytic(I, 20, 1, 0, 2);
      expect(Math.abs(isiRate(times[0]) - expected) / expected).toBeLessThan(0.01);
    }
  });

  it('matches the analytic rate within 2 % at dt = 0.05 ms when driven through the input', () => {
    const model = lif({ dtSimMs: 0.05, biasMean: 0 });
    for (const I of drives) {
      // U = 2, s = I / 2
      const input = new Float64Array(300).fill(I / 2);
      const { res } = runWithSpikes(model, makeNet({ n: 1, u: [2] }), input, 300);
      const expected = lifRateAnalytic(I, 20, 1, 0, 2);
      expect(Math.abs(res.meanRateHz - expected) / expected).toBeLessThan(0.02);
    }
  });

  it('at the default dt = 1 ms gives the whole-sub-step quantised interval exactly', () => {
    const model = lif();
    for (const I of drives) {
      const { times } = runWithSpikes({ ...model, biasMean: I }, makeNet({ n: 1 }), new Float64Array(500), 500);
      const tInt = 20 * Math.log(I / (I - 1));
      const isi = 1 * (2 + Math.ceil(tInt / 1));
      for (let k = 1; k < times[0].length; k++) expect(times[0][k] - times[0][k - 1]).toBeCloseTo(isi, 9);
      // so the measured interval is within one sub-step of the continuous analytic one
      const expected = lifRateAnalytic(I, 20, 1, 0, 2);
      expect(1000 / isiRate(times[0]) - 1000 / expected).toBeGreaterThanOrEqual(0);
      expect(1000 / isiRate(times[0]) - 1000 / expected).toBeLessThan(1);
    }
  });

  it('does not fire below threshold', () => {
    for (const I of [0, 0.5, 0.9, 0.999]) {
      const { res } = runWithSpikes(lif({ biasMean: I }), makeNet({ n: 3 }), new Float64Array(300), 300);
      expect(res.spikeCount).toBe(0);
      expect(res.meanRateHz).toBe(0);
      expect(res.features.every((x) => x === 0)).toBe(true);
    }
  });
});

describe('simulateLif: refractoriness', () => {
  it('never lets a neuron fire twice within tRefMs, even with strong drive and noise', () => {
    const n = 20;
    const rng = new Rng(7);
    const w = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && rng.uniform() < 0.3) w[i * n + j] = 0.5 * rng.normal();
    const b = Array.from({ length: n }, () => 3 + 5 * rng.uniform());
    for (const [dtSimMs, tRefMs] of [
      [1, 2],
      [0.1, 3],
      [0.5, 1.2],
    ]) {
      const model = lif({ dtSimMs, tRefMs, biasMean: 0, noise: 0.5 });
      const { times } = runWithSpikes(model, makeNet({ n, w, b, tau: 10 }), new Float64Array(100), 100);
      let total = 0;
      for (const ts of times) {
        total += ts.length;
        for (let k = 1; k < ts.length; k++) expect(ts[k] - ts[k - 1]).toBeGreaterThanOrEqual(tRefMs - 1e-9);
      }
      expect(total).toBeGreaterThan(100);
    }
  });

  it('saturates at 1 / (tRef + dt) under huge drive', () => {
    const model = lif({ biasMean: 1e6 });
    const { times } = runWithSpikes(model, makeNet({ n: 1 }), new Float64Array(100), 100);
    for (let k = 1; k < times[0].length; k++) expect(times[0][k] - times[0][k - 1]).toBeCloseTo(3, 9);
  });
});

describe('simulateLif: event-driven exponential synapse', () => {
  it('a spike of neuron 0 makes I_syn of neuron 1 jump by W_10, which then decays with tauSyn', () => {
    const W10 = 0.3;
    // neuron 0 fires regularly (bias 1.5, ISI 24 ms at dt = 1); neuron 1 has no drive but W_10
    const net = makeNet({ n: 2, w: [0, 0, W10, 0], b: [0.5, -1] });
    const model = lif({ biasMean: 1, tauSynMs: 5 });
    const spikes: number[] = [];
    const res = simulateLif(model, net, new Float64Array(10), 10, 3, {
      onSpike: (i, t) => {
        expect(i).toBe(0);
        spikes.push(t);
      },
      recordNeurons: [0, 1],
    });
    const rec = res.debugRecording!;
    expect(rec.subSteps).toBe(100);
    expect(spikes.length).toBeGreaterThanOrEqual(3);
    expect(res.synapticEvents).toBe(spikes.length); // one target per spike
    const decay = Math.exp(-1 / 5);
    const first = Math.round(spikes[0]) - 1; // sub-step in which the first spike happened
    // before the first spike: no synaptic current anywhere
    for (let s = 0; s < first; s++) expect(rec.iSyn[s * 2 + 1]).toBe(0);
    // the jump is exactly W_10 ...
    expect(rec.iSyn[first * 2 + 1]).toBeCloseTo(W10, 12);
    // ... and decays with exp(-dt / tauSyn) until the next spike
    const second = Math.round(spikes[1]) - 1;
    for (let s = first + 1; s < second; s++) expect(rec.iSyn[s * 2 + 1]).toBeCloseTo(W10 * Math.pow(decay, s - first), 12);
    // the next spike adds another W_10 on top of the decayed current
    expect(rec.iSyn[second * 2 + 1]).toBeCloseTo(W10 * Math.pow(decay, second - first) + W10, 12);
    // neuron 0 receives nothing (W_01 = 0)
    for (let s = 0; s < rec.subSteps; s++) expect(rec.iSyn[s * 2]).toBe(0);
    // v of neuron 1 follows the exact leak with the start-of-sub-step drive I_syn + bias (bias 1 - 1 = 0);
    // the I_syn at the start of sub-step s is the value recorded after sub-step s - 1
    const a = Math.exp(-1 / 20);
    for (let s = first + 1; s < second; s++) {
      const drive = rec.iSyn[(s - 1) * 2 + 1];
      expect(rec.v[s * 2 + 1]).toBeCloseTo(drive + (rec.v[(s - 1) * 2 + 1] - drive) * a, 12);
    }
    expect(rec.v[(first + 1) * 2 + 1]).toBeGreaterThan(rec.v[first * 2 + 1]); // depolarised by the EPSC
  });

  it('builds the same CSC from the CSR and from the dense matrix', () => {
    const n = 30;
    const rng = new Rng(11);
    const w = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) if (rng.uniform() < 0.2) w[i] = rng.normal();
    const a = cscFromCsr(csrFromDense(w, n));
    const b = cscFromDense(w, n);
    expect(Array.from(a.colPtr)).toEqual(Array.from(b.colPtr));
    expect(Array.from(a.rowIdx)).toEqual(Array.from(b.rowIdx));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    for (let j = 0; j < n; j++)
      for (let e = a.colPtr[j]; e < a.colPtr[j + 1]; e++) expect(a.values[e]).toBe(w[a.rowIdx[e] * n + j]);
  });

  it('counts one synaptic event per (spike, target) pair', () => {
    const n = 5;
    // neuron 0 projects to 1, 2, 3 (weak); others project nowhere
    const w = new Float64Array(n * n);
    w[1 * n + 0] = 0.01;
    w[2 * n + 0] = -0.01;
    w[3 * n + 0] = 0.01;
    const { res, times } = runWithSpikes(lif({ biasMean: 0 }), makeNet({ n, w, b: [2, 0, 0, 0, 1.5] }), new Float64Array(50), 50);
    expect(times[0].length).toBeGreaterThan(0);
    expect(times[4].length).toBeGreaterThan(0);
    expect(res.synapticEvents).toBe(3 * times[0].length);
  });
});

describe('simulateLif: heterogeneous time constants', () => {
  it('same drive, larger tau fires slower, at the analytic rates', () => {
    const taus = [80, 5, 40, 10, 20];
    const I = 1.3;
    const model = lif({ dtSimMs: 0.05, biasMean: I });
    const { times } = runWithSpikes(model, makeNet({ n: taus.length, tau: taus }), new Float64Array(300), 300);
    const rates = times.map(isiRate);
    const expected = taus.map((tau) => lifRateAnalytic(I, tau, 1, 0, 2));
    for (let i = 0; i < taus.length; i++) expect(Math.abs(rates[i] - expected[i]) / expected[i]).toBeLessThan(0.01);
    const order = (xs: number[]) => xs.map((_, i) => i).sort((p, q) => xs[p] - xs[q]);
    expect(order(rates)).toEqual(order(expected));
    expect(order(rates)).toEqual(order(taus.map((t) => -t)));
  });
});

describe('simulateLif: determinism and bookkeeping', () => {
  function randomNet(n: number, seed: number) {
    const rng = new Rng(seed);
    const w = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) if (rng.uniform() < 0.2) w[i] = (0.6 * rng.normal()) / Math.sqrt(0.2 * n);
    const d = 2;
    const u = Array.from({ length: n * d }, () => rng.normal());
    const b = Array.from({ length: n }, () => 0.5 * rng.normal());
    const tau = Array.from({ length: n }, () => 20 * Math.exp(0.5 * rng.normal()));
    const net = makeNet({ n, d, w, u, b, tau });
    const T = 100;
    const input = new Float64Array(T * d);
    for (let i = 0; i < input.length; i++) input[i] = 2 * rng.uniform() - 1;
    return { net, input, T };
  }

  it('same seed gives identical features; another seed differs; shape is T x N', () => {
    const { net, input, T } = randomNet(50, 5);
    const model = lif({ noise: 0.2 });
    const a = simulateLif(model, net, input, T, 42);
    const b = simulateLif(model, net, input, T, 42);
    const c = simulateLif(model, net, input, T, 43);
    expect(a.features.length).toBe(T * net.n);
    expect(Array.from(a.features)).toEqual(Array.from(b.features));
    expect(a.spikeCount).toBe(b.spikeCount);
    expect(a.synapticEvents).toBe(b.synapticEvents);
    expect(Array.from(a.features)).not.toEqual(Array.from(c.features));
    expect(a.spikeCount).toBeGreaterThan(0);
  });

  it('reports the mean rate of the spikes it emitted', () => {
    const { net, input, T } = randomNet(40, 9);
    const model = lif({ noise: 0.1 });
    const { res, times } = runWithSpikes(model, net, input, T, 4);
    const counted = times.reduce((s, ts) => s + ts.length, 0);
    expect(res.spikeCount).toBe(counted);
    expect(res.meanRateHz).toBeCloseTo(counted / ((net.n * T * model.dtTaskMs) / 1000), 10);
    // events = sum over spikes of the presynaptic neuron's out-degree
    let events = 0;
    for (let j = 0; j < net.n; j++) {
      let outDeg = 0;
      for (let i = 0; i < net.n; i++) if (net.w[i * net.n + j] !== 0) outDeg++;
      events += outDeg * times[j].length;
    }
    expect(res.synapticEvents).toBe(events);
  });

  it('rejects input that is too short', () => {
    expect(() => simulateLif(lif(), makeNet({ n: 2, d: 3 }), new Float64Array(10), 4, 1)).toThrow(/input/);
  });
});

describe('simulateLif: features', () => {
  function meanTrace(dtSimMs: number, dtTaskMs: number, I: number) {
    const model = lif({ dtSimMs, dtTaskMs, biasMean: I, tauReadMs: 20 });
    const T = Math.round(5000 / dtTaskMs); // 5 s
    const { res, times } = runWithSpikes(model, makeNet({ n: 1 }), new Float64Array(T), T);
    let sum = 0;
    let cnt = 0;
    for (let t = Math.round(200 / dtTaskMs); t < T; t++) {
      sum += res.features[t];
      cnt++;
    }
    return { mean: sum / cnt, f: isiRate(times[0]) };
  }

  it('a neuron firing regularly at f Hz has a mean trace of about f * tauRead / 1000', () => {
    // dt = 0.1 ms, sampled every 10 ms task step. (Drives chosen so that the interval is not
    // commensurate with the task step: a commensurate one strobes the trace at a few phases only.)
    for (const I of [1.2, 1.7, 2.5]) {
      const { mean, f } = meanTrace(0.1, 10, I);
      expect(Math.abs(mean / ((f * 20) / 1000) - 1)).toBeLessThan(0.01);
    }
  });

  it('at dt = 1 ms the +1-per-spike kernel is biased by about dt / (2 tauRead), as documented', () => {
    const a = Math.exp(-1 / 20);
    for (const I of [1.2, 1.5, 2, 3]) {
      const { mean, f } = meanTrace(1, 1, I); // sampled every sub-step: all phases
      const exactDiscrete = (f / 1000) * (1 / (1 - a)); // (dt / ISI) * sum_m a^m
      expect(Math.abs(mean / exactDiscrete - 1)).toBeLessThan(0.002);
      const rel = mean / ((f * 20) / 1000) - 1;
      expect(rel).toBeGreaterThan(0);
      expect(Math.abs(rel - 1 / 40)).toBeLessThan(0.002);
    }
  });

  it('samples the trace at the end of each task step: +1 per spike, exp(-dt/tauRead) decay', () => {
    const model = lif({ biasMean: 1.5, tauReadMs: 20 });
    const T = 30;
    const { res, times } = runWithSpikes(model, makeNet({ n: 1 }), new Float64Array(T), T);
    for (let t = 0; t < T; t++) {
      const tEnd = (t + 1) * model.dtTaskMs;
      let expected = 0;
      for (const ts of times[0]) if (ts <= tEnd + 1e-9) expected += Math.exp(-(tEnd - ts) / 20);
      expect(res.features[t]).toBeCloseTo(expected, 10);
    }
  });
});

describe('simulateLif: spike statistics (spikeStats)', () => {
  function recurrent(n: number, seed: number) {
    const rng = new Rng(seed);
    const w = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) if (rng.uniform() < 0.2) w[i] = (0.8 * rng.normal()) / Math.sqrt(0.2 * n);
    const d = 2;
    const net = makeNet({ n, d, w, u: Array.from({ length: n * d }, () => rng.normal()), b: Array.from({ length: n }, () => 0.5 * rng.normal()), tau: Array.from({ length: n }, () => 20 * Math.exp(0.5 * rng.normal())) });
    const T = 120;
    const input = Float64Array.from({ length: T * d }, () => 2 * rng.uniform() - 1);
    return { net, input, T };
  }

  it('leaves features, spike and event counts the same bits, and is absent unless asked', () => {
    const { net, input, T } = recurrent(37, 3);
    for (const noise of [0, 0.2]) {
      const model = lif({ noise, biasMean: 0.9 });
      const plain = simulateLif(model, net, input, T, 8);
      const withStats = simulateLif(model, net, input, T, 8, undefined, true);
      expect(plain.spikes).toBeUndefined();
      expect(plain.spikeCount).toBeGreaterThan(100);
      expect(Array.from(withStats.features)).toEqual(Array.from(plain.features));
      expect([withStats.spikeCount, withStats.synapticEvents, withStats.meanRateHz]).toEqual([plain.spikeCount, plain.synapticEvents, plain.meanRateHz]);
      const s = withStats.spikes!;
      expect(s.counts.length).toBe(T * net.n);
      expect(s.counts.reduce((a, c) => a + c, 0)).toBe(plain.spikeCount);
    }
  });

  it('counts per task step and intervals in sub-steps agree with the spikes emitted', () => {
    const { net, input, T } = recurrent(23, 5);
    const model = lif({ noise: 0.1, biasMean: 0.9, dtSimMs: 0.5, dtTaskMs: 5 });
    const times: number[][] = Array.from({ length: net.n }, () => []);
    const res = simulateLif(model, net, input, T, 2, { onSpike: (i, t) => times[i].push(t) }, true);
    const s = res.spikes!;
    for (let i = 0; i < net.n; i++) {
      const steps = times[i].map((ms) => Math.round(ms / model.dtSimMs) - 1); // spike at the end of its sub-step
      for (let t = 0; t < T; t++) expect(s.counts[t * net.n + i]).toBe(steps.filter((k) => Math.floor(k / 10) === t).length);
      const isis = steps.slice(1).map((k, q) => k - steps[q]);
      expect(s.isiCount[i]).toBe(isis.length);
      expect(s.isiSum[i]).toBe(isis.reduce((a, x) => a + x, 0));
      expect(s.isiSumSq[i]).toBe(isis.reduce((a, x) => a + x * x, 0));
    }
  });

  it('a neuron under constant drive has one interval, ceil(tRef/dt) + ceil(T_int/dt) sub-steps', () => {
    // bias 1.5, tau 20, tRef 2, dt 1: 2 + ceil(20 ln 3 = 21.97) = 24 sub-steps
    const res = simulateLif(lif({ biasMean: 1.5 }), makeNet({ n: 1 }), new Float64Array(200), 200, 1, undefined, true);
    const s = res.spikes!;
    expect(s.isiCount[0]).toBe(res.spikeCount - 1);
    expect(s.isiSum[0]).toBe(24 * s.isiCount[0]);
    expect(s.isiSumSq[0]).toBe(24 * 24 * s.isiCount[0]);
    expect(Math.max(...s.counts)).toBe(1); // 10 sub-steps per task step, an interval of 24
  });

  it('refuses only when asked for counts that 16 bits cannot hold (more than 65535 spikes in a task step)', () => {
    // 65536 sub-steps per task step: without refractoriness a neuron could spike in each
    const tight = lif({ dtSimMs: 0.0001, dtTaskMs: 6.5536, tRefMs: 0, biasMean: 1e6 });
    expect(() => simulateLif(tight, makeNet({ n: 1 }), new Float64Array(1), 1, 1, undefined, true)).toThrow(/16-bit/);
    expect(simulateLif(tight, makeNet({ n: 1 }), new Float64Array(1), 1, 1).spikeCount).toBe(65536);
    // one sub-step of refractoriness halves the most: 32768 fit
    const res = simulateLif({ ...tight, tRefMs: 0.0001 }, makeNet({ n: 1 }), new Float64Array(1), 1, 1, undefined, true);
    expect(res.spikes!.counts[0]).toBe(32768);
  });
});
