// The spiking mechanism measures with known answers (issue 13: "Each LIF measure has a Poisson-input
// case with a known answer"): synthetic spike trains turned into the kernel's spike statistics, then
// the real kernel end to end, and the backends' bit identity of those statistics.
import { describe, it, expect } from 'vitest';
import { LifModelSchema, NetworkSchema } from '../common/spec.js';
import { summarise } from './distribution.js';
import { generateInput } from './inputs.js';
import { CORRELATION_PAIRS, lifMechanisms, stepsPerWindow } from './mechanisms-lif.js';
import { simulateLif, type LifSpikeStats } from './models/lif.js';
import { buildNetwork } from './network.js';
import { Rng } from './rng.js';
import { availableBackends } from './backends/registry.js';

/**
 * The kernel's spike statistics of spike trains given as ascending global sub-step indices per
 * neuron, exactly as worker/models/lif.ts accumulates them: a spike in sub-step k counts in task step
 * floor(k / sub); each spike after a neuron's first closes an interval of (k - previous k) sub-steps.
 */
function statsFromTrains(trains: readonly (readonly number[])[], T: number, sub: number): LifSpikeStats {
  const n = trains.length;
  const counts = new Uint16Array(T * n);
  const isiSum = new Float64Array(n);
  const isiSumSq = new Float64Array(n);
  const isiCount = new Int32Array(n);
  trains.forEach((train, i) => {
    let last = -1;
    for (const k of train) {
      counts[Math.floor(k / sub) * n + i]++;
      if (last >= 0) {
        isiSum[i] += k - last;
        isiSumSq[i] += (k - last) * (k - last);
        isiCount[i]++;
      }
      last = k;
    }
  });
  return { counts, isiSum, isiSumSq, isiCount };
}

/** neuron i of `s` on its own (its measures are then the distribution's single value) */
function column(s: LifSpikeStats, n: number, T: number, i: number): LifSpikeStats {
  return {
    counts: Uint16Array.from({ length: T }, (_, t) => s.counts[t * n + i]),
    isiSum: Float64Array.of(s.isiSum[i]),
    isiSumSq: Float64Array.of(s.isiSumSq[i]),
    isiCount: Int32Array.of(s.isiCount[i]),
  };
}

/** A Bernoulli spike train: a spike in each sub-step with probability p (the discrete Poisson process; no two in one sub-step, as in the kernel). */
function poissonTrain(rng: Rng, p: number, subSteps: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < subSteps; k++) if (rng.uniform() < p) out.push(k);
  return out;
}

/** A regular train: every `period` sub-steps from `phase`. */
function regularTrain(period: number, phase: number, subSteps: number): number[] {
  const out: number[] = [];
  for (let k = phase; k < subSteps; k += period) out.push(k);
  return out;
}

/**
 * The largest Fano factor of a regular train in W windows of 10 task steps from `start`: its window
 * counts take two neighbouring values, so their population variance is at most 1/4, the unbiased one
 * (1/4) W / (W - 1), over the mean count.
 */
function regularFanoBound(counts: Uint16Array, start: number, W: number): number {
  let total = 0;
  for (let t = start; t < start + 10 * W; t++) total += counts[t];
  return (0.25 * W) / (W - 1) / (total / W) + 1e-12;
}

const model = { dtTaskMs: 10 }; // dtSimMs 1: 10 sub-steps per task step
const SUB = 10;

describe('summarise', () => {
  it('gives the moments, type-7 quantiles and a 20-bin histogram over [min, max]', () => {
    const d = summarise([7, 3, 10, 1, 5, 2, 9, 4, 8, 6], false);
    expect(d.n).toBe(10);
    expect(d.mean).toBeCloseTo(5.5, 12);
    expect(d.sd).toBeCloseTo(Math.sqrt(8.25), 12);
    expect(d.cv).toBeCloseTo(Math.sqrt(8.25) / 5.5, 12);
    expect(d.skewness).toBeCloseTo(0, 12);
    expect([d.p10, d.median, d.p90].map((x) => +x.toFixed(12))).toEqual([1.9, 5.5, 9.1]);
    expect(d.histogram.log).toBe(false);
    expect(d.histogram.edges.length).toBe(21);
    expect([d.histogram.edges[0], d.histogram.edges[20]]).toEqual([1, 10]);
    expect(d.histogram.counts.reduce((a, c) => a + c, 0)).toBe(10);
    expect(d.histogram.counts[19]).toBe(1); // the maximum falls in the last bin
  });

  it('measures skewness as m3 / m2^1.5', () => {
    // 0, 0, 0, 10: m2 = 18.75, m3 = 93.75
    expect(summarise([0, 0, 0, 10], false).skewness).toBeCloseTo(93.75 / Math.pow(18.75, 1.5), 12);
    expect(summarise([0, 10, 10, 10], false).skewness).toBeCloseTo(-93.75 / Math.pow(18.75, 1.5), 12);
  });

  it('no values: n 0 and NaN; constant values: cv 0, skewness 0, one bin', () => {
    const empty = summarise([], true);
    expect(empty.n).toBe(0);
    for (const x of [empty.mean, empty.sd, empty.cv, empty.skewness, empty.median, empty.p10, empty.p90]) expect(x).toBeNaN();
    expect(empty.histogram).toEqual({ log: true, edges: [], counts: [] });
    const constant = summarise([3, 3, 3], false);
    expect([constant.n, constant.mean, constant.sd, constant.cv, constant.skewness, constant.median]).toEqual([3, 3, 0, 0, 0, 3]);
    expect(constant.histogram).toEqual({ log: false, edges: [3, 3], counts: [3] });
    expect(summarise([100, 100], true).histogram).toEqual({ log: true, edges: [2, 2], counts: [2] });
  });

  it('a log histogram bins log10 of the positive values only; non-finite values are left out', () => {
    const d = summarise([0, 1, 10, 100, NaN], true);
    expect(d.n).toBe(4);
    expect(d.mean).toBeCloseTo(27.75, 12);
    expect(d.histogram.log).toBe(true);
    expect([d.histogram.edges[0], d.histogram.edges[20]]).toEqual([0, 2]);
    expect(d.histogram.counts.reduce((a, c) => a + c, 0)).toBe(3);
    expect([d.histogram.counts[0], d.histogram.counts[10], d.histogram.counts[19]]).toEqual([1, 1, 1]);
  });
});

describe('lifMechanisms: independent Poisson trains (known answers)', () => {
  // 40 neurons at 2 to 40 Hz (log-spaced), 60 s: sub-step probability p = rate * dt / 1000
  const T = 6000;
  const subSteps = T * SUB;
  const rates = Array.from({ length: 40 }, (_, i) => 2 * Math.pow(20, i / 39));
  const rng = new Rng(1234);
  const trains = rates.map((r) => poissonTrain(rng, r / 1000, subSteps));
  const stats = statsFromTrains(trains, T, SUB);
  const n = rates.length;
  const all = lifMechanisms(model, stats, n, T, { seed: 7, segment: { start: 0, end: T } });
  const own = rates.map((_, i) => lifMechanisms(model, column(stats, n, T, i), 1, T, { seed: 7, segment: { start: 0, end: T } }));

  it('rates: each within 4 binomial sds of the truth; none silent', () => {
    const seconds = (T * model.dtTaskMs) / 1000;
    rates.forEach((r, i) => {
      const p = r / 1000;
      const sd = Math.sqrt(subSteps * p * (1 - p)) / seconds;
      expect(Math.abs(own[i].rates.mean - r)).toBeLessThan(4 * sd);
    });
    expect(all.rates.n).toBe(n);
    expect(all.rates.silentFraction).toBe(0);
    expect(all.rates.histogram.log).toBe(true);
    // log-spaced truth: log10 of the rates spans log10(20) = 1.3 decades
    expect(all.rates.histogram.edges[20] - all.rates.histogram.edges[0]).toBeGreaterThan(1.1);
  });

  it('ISI CV: sqrt(1 - p) (geometric intervals; 1 as dt -> 0), within 4.5 / sqrt(intervals) per neuron', () => {
    // the sample CV of k exponential intervals has sd ~ 1 / sqrt(k) (delta method)
    let varOfMean = 0;
    rates.forEach((r, i) => {
      const k = stats.isiCount[i];
      expect(own[i].isiCv.n).toBe(1);
      expect(Math.abs(own[i].isiCv.mean - Math.sqrt(1 - r / 1000))).toBeLessThan(4.5 / Math.sqrt(k));
      varOfMean += 1 / k / (n * n);
    });
    expect(all.isiCv.n).toBe(n);
    expect(Math.abs(all.isiCv.mean - 0.99)).toBeLessThan(4 * Math.sqrt(varOfMean) + 0.01);
  });

  it('Fano factor in 100 ms windows: 1 - p, within 4 sds of the sample variance ratio', () => {
    const W = T / 10; // 600 windows
    let varOfMean = 0;
    rates.forEach((r, i) => {
      const lambda = r * 0.1; // mean count per window
      // Var(s^2 / mean) for Poisson counts: (2 / (W - 1) + 1 / (lambda W)) to leading order
      const v = 2 / (W - 1) + 1 / (lambda * W);
      expect(Math.abs(own[i].fano.mean - (1 - r / 1000))).toBeLessThan(4 * Math.sqrt(v));
      varOfMean += v / (n * n);
    });
    expect(all.fano.windowMs).toBe(100);
    expect(all.fano.neurons).toBe(n);
    expect(Math.abs(all.fano.mean - 0.99)).toBeLessThan(4 * Math.sqrt(varOfMean));
  });

  it('correlation in 50 ms bins: 0 within 3 / sqrt(bins); spread over pairs about 1 / sqrt(bins)', () => {
    const bins = T / 5; // 1200
    expect(all.correlation.binMs).toBe(50);
    expect(all.correlation.pairs).toBe(CORRELATION_PAIRS); // 780 pairs available, 200 drawn
    expect(Math.abs(all.correlation.mean)).toBeLessThan(3 / Math.sqrt(bins));
    expect(all.correlation.sd * Math.sqrt(bins)).toBeGreaterThan(0.8);
    expect(all.correlation.sd * Math.sqrt(bins)).toBeLessThan(1.2);
  });

  it('the pair sample follows the seed: the same seed, the same pairs', () => {
    const again = lifMechanisms(model, stats, n, T, { seed: 7, segment: { start: 0, end: T } });
    const other = lifMechanisms(model, stats, n, T, { seed: 8, segment: { start: 0, end: T } });
    expect(again.correlation).toEqual(all.correlation);
    expect(other.correlation.mean).not.toBe(all.correlation.mean);
    // at most 200 pairs: all of them, whatever the seed (20 neurons: 190 pairs)
    const few = statsFromTrains(trains.slice(0, 20), T, SUB);
    const a = lifMechanisms(model, few, 20, T, { seed: 1, segment: { start: 0, end: T } });
    const b = lifMechanisms(model, few, 20, T, { seed: 2, segment: { start: 0, end: T } });
    expect(a.correlation.pairs).toBe(190);
    expect(b.correlation).toEqual(a.correlation);
  });
});

describe('lifMechanisms: regular, identical and silent trains', () => {
  const T = 3000;
  const subSteps = T * SUB;

  it('regular trains: ISI CV exactly 0, Fano at most (1/4) W / (W - 1) / mean (0 when the period divides the window)', () => {
    const periods = [23, 37, 50, 100, 61];
    const trains = periods.map((P, i) => regularTrain(P, 3 * i, subSteps));
    const stats = statsFromTrains(trains, T, SUB);
    const m = lifMechanisms(model, stats, periods.length, T, { seed: 1, segment: { start: 0, end: T } });
    expect(m.isiCv.n).toBe(periods.length);
    expect([m.isiCv.mean, m.isiCv.p90]).toEqual([0, 0]);
    const W = T / 10;
    periods.forEach((P, i) => {
      const one = column(stats, periods.length, T, i);
      const m1 = lifMechanisms(model, one, 1, T, { seed: 1, segment: { start: 0, end: T } });
      // the counts take two neighbouring values: population variance q (1 - q) <= 1/4
      expect(m1.fano.mean).toBeLessThanOrEqual(regularFanoBound(one.counts, 0, W));
      if (100 % P === 0) expect(m1.fano.mean).toBe(0);
    });
    expect(m.fano.mean).toBeLessThan(0.1);
  });

  it('two identical trains: correlation 1; a train and its complement in time: -1', () => {
    const rng = new Rng(5);
    const train = poissonTrain(rng, 0.02, subSteps);
    const same = lifMechanisms(model, statsFromTrains([train, train], T, SUB), 2, T, { seed: 1, segment: { start: 0, end: T } });
    expect(same.correlation.pairs).toBe(1);
    expect(same.correlation.mean).toBeCloseTo(1, 12);
    expect(same.correlation.sd).toBe(0);
    // one fires in the first half of each 50 ms bin only, the other in the second half, alternating bins
    const a = regularTrain(100, 0, subSteps);
    const b = regularTrain(100, 50, subSteps);
    const anti = lifMechanisms(model, statsFromTrains([a, b], T, SUB), 2, T, { seed: 1, segment: { start: 0, end: T } });
    expect(anti.correlation.mean).toBeCloseTo(-1, 12);
  });

  it('a silent neuron counts in silentFraction and nowhere else; 2 spikes are too few for an ISI CV', () => {
    const rng = new Rng(9);
    const trains = [poissonTrain(rng, 0.01, subSteps), [], poissonTrain(rng, 0.02, subSteps), [100, 2000], poissonTrain(rng, 0.005, subSteps)];
    const m = lifMechanisms(model, statsFromTrains(trains, T, SUB), 5, T, { seed: 1, segment: { start: 0, end: T } });
    expect(m.rates.silentFraction).toBe(0.2);
    expect(m.rates.n).toBe(5); // silent neurons are rate 0 in the moments...
    expect(m.rates.histogram.counts.reduce((a, c) => a + c, 0)).toBe(4); // ...but have no log10 in the histogram
    expect(m.rates.p10).toBeCloseTo(0.4 * (2 / 30), 12); // between 0 and the 2-spike neuron's 1/15 Hz
    expect(m.isiCv.n).toBe(3);
    expect(m.fano.neurons).toBe(4);
    expect(m.correlation.pairs).toBe(6); // 4 neurons whose bins vary
  });

  it('fewer than 2 neurons that vary: no pairs and NaN; fewer than 2 windows: no Fano', () => {
    const one = lifMechanisms(model, statsFromTrains([regularTrain(30, 0, subSteps), []], T, SUB), 2, T, { seed: 1, segment: { start: 0, end: T } });
    expect(one.correlation.pairs).toBe(0);
    expect(one.correlation.mean).toBeNaN();
    expect(one.correlation.sd).toBeNaN();
    const short = lifMechanisms(model, statsFromTrains([regularTrain(30, 0, 150)], 15, SUB), 1, 15, { seed: 1, segment: { start: 0, end: 15 } });
    expect([short.fano.neurons, short.fano.mean]).toEqual([0, NaN]);
    expect(short.correlation.pairs).toBe(0);
  });

  it('Fano and correlation use the segment only; rates and ISIs the whole run', () => {
    // a burst in the first 100 task steps (1 s), then regular at 20 Hz: 2 spikes in every 100 ms window
    const train = [...regularTrain(3, 0, 1000), ...regularTrain(50, 1000, subSteps)];
    const stats = statsFromTrains([train], T, SUB);
    const whole = lifMechanisms(model, stats, 1, T, { seed: 1, segment: { start: 0, end: T } });
    const after = lifMechanisms(model, stats, 1, T, { seed: 1, segment: { start: 100, end: T } });
    expect(after.fano.mean).toBe(0);
    expect(whole.fano.mean).toBeGreaterThan(1);
    expect(after.rates).toEqual(whole.rates);
    expect(after.isiCv).toEqual(whole.isiCv);
    expect(whole.isiCv.mean).toBeGreaterThan(0);
  });

  it('windows and bins are whole task steps: the nearest to 100 ms and 50 ms, reported as used', () => {
    expect(stepsPerWindow(100, 10)).toBe(10);
    const cases: [number, number, number][] = [
      [10, 100, 50],
      [1, 100, 50],
      [30, 90, 60],
      [15, 105, 45],
      [300, 300, 300],
    ];
    for (const [dtTaskMs, windowMs, binMs] of cases) {
      const T2 = 40;
      const m = lifMechanisms({ dtTaskMs }, statsFromTrains([[0, 5, 9], [1, 2, 3]], T2, 10), 2, T2, { seed: 1, segment: { start: 0, end: T2 } });
      expect([m.fano.windowMs, m.correlation.binMs]).toEqual([windowMs, binMs]);
    }
  });
});

describe('lifMechanisms against a direct count of windows and bins', () => {
  // every path of the counting: a segment inside the run (rows before and after it), windows that are
  // a whole number of bins (dt 10, 25) and that are not (dt 30: 3 and 2 steps; dt 15: 7 and 3), a
  // remainder of the segment shorter than a window, odd n, silent and constant neurons
  it('gives the rates, Fano factors and correlations of windows and bins counted one by one', () => {
    const rng = new Rng(99);
    for (const dtTaskMs of [10, 25, 30, 15]) {
      const [n, T, start, end] = [7, 143, 11, 130];
      const counts = new Uint16Array(T * n);
      for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) counts[t * n + i] = i === 5 ? 0 : i === 6 ? 1 : Math.floor(3 * rng.uniform() * rng.uniform() * (1 + (i % 3)));
      const stats: LifSpikeStats = { counts, isiSum: new Float64Array(n), isiSumSq: new Float64Array(n), isiCount: new Int32Array(n) };
      const m = lifMechanisms({ dtTaskMs }, stats, n, T, { seed: 3, segment: { start, end } });

      const sumOf = (i: number, from: number, to: number) => {
        let c = 0;
        for (let t = from; t < to; t++) c += counts[t * n + i];
        return c;
      };
      const series = (i: number, width: number) => Array.from({ length: Math.floor((end - start) / width) }, (_, w) => sumOf(i, start + w * width, start + (w + 1) * width));
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      const rates = Array.from({ length: n }, (_, i) => sumOf(i, 0, T) / ((T * dtTaskMs) / 1000));
      expect(m.rates.mean).toBeCloseTo(mean(rates), 10);
      expect(m.rates.silentFraction).toBe(1 / n);

      const fanoWidth = stepsPerWindow(100, dtTaskMs);
      const fanos = Array.from({ length: n }, (_, i) => series(i, fanoWidth)).flatMap((w) => {
        const mu = mean(w);
        return mu > 0 ? [w.reduce((a, c) => a + (c - mu) ** 2, 0) / (w.length - 1) / mu] : [];
      });
      expect(m.fano.neurons).toBe(fanos.length);
      expect(m.fano.mean).toBeCloseTo(mean(fanos), 10);

      const binWidth = stepsPerWindow(50, dtTaskMs);
      const binned = Array.from({ length: n }, (_, i) => series(i, binWidth)).filter((b) => b.some((c) => c !== b[0]));
      const rs: number[] = [];
      for (let a = 0; a < binned.length; a++) {
        for (let b = a + 1; b < binned.length; b++) {
          const [x, y] = [binned[a], binned[b]];
          const [mx, my] = [mean(x), mean(y)];
          let [sxy, sxx, syy] = [0, 0, 0];
          x.forEach((_, k) => ((sxy += (x[k] - mx) * (y[k] - my)), (sxx += (x[k] - mx) ** 2), (syy += (y[k] - my) ** 2)));
          rs.push(sxy / Math.sqrt(sxx * syy));
        }
      }
      expect(m.correlation.pairs).toBe(rs.length);
      expect(m.correlation.mean).toBeCloseTo(mean(rs), 10);
    }
  });
});

describe('lifMechanisms through the kernel', () => {
  const T = 1000; // 10 s
  const d = 2;

  function network(noise: number, recurrence: boolean, n: number) {
    const spec = NetworkSchema.parse({
      n,
      p: 0.2,
      heterogeneity: { family: 'lognormal', cv: 0.5 },
      model: { kind: 'lif', biasMean: noise > 0 ? 0.9 : 1.4, noise },
      manipulations: recurrence ? [] : [{ op: 'removeRecurrence' }],
    });
    return { net: buildNetwork(spec, d, 31), model: LifModelSchema.parse(spec.model) };
  }

  it('W = 0 under constant input without noise: every firing neuron is regular (ISI CV 0, Fano at its bound)', () => {
    const { net, model } = network(0, false, 60);
    expect(net.w.every((x) => x === 0)).toBe(true);
    const input = new Float64Array(T * d).fill(0.2);
    const times: number[][] = Array.from({ length: net.n }, () => []);
    const res = simulateLif(model, net, input, T, 3, { onSpike: (i, t) => times[i].push(t) }, true);
    const s = res.spikes!;
    // the kernel's statistics are the helper's of the spikes it emitted
    const fromSpikes = statsFromTrains(times.map((ts) => ts.map((ms) => Math.round(ms / model.dtSimMs) - 1)), T, SUB);
    expect(s).toEqual(fromSpikes);

    const segment = { start: 100, end: T };
    const m = lifMechanisms(model, s, net.n, T, { seed: 3, segment });
    expect(m.isiCv.n).toBeGreaterThan(net.n / 2);
    expect(m.isiCv.mean).toBe(0); // identical intervals, exact integer sums
    const W = (segment.end - segment.start) / 10;
    for (let i = 0; i < net.n; i++) {
      if (s.isiCount[i] < 2) continue;
      const one = column(s, net.n, T, i);
      expect(lifMechanisms(model, one, 1, T, { seed: 3, segment }).fano.mean).toBeLessThanOrEqual(regularFanoBound(one.counts, segment.start, W));
    }
    expect(m.fano.mean).toBeLessThan(0.15);
  });

  it('with membrane noise the intervals are irregular: ISI CV clearly above 0', () => {
    const { net, model } = network(0.1, true, 60);
    const input = generateInput([{ family: 'white' }, { family: 'white' }], T, 4);
    const res = simulateLif(model, net, input, T, 3, undefined, true);
    const m = lifMechanisms(model, res.spikes!, net.n, T, { seed: 3, segment: { start: 100, end: T } });
    expect(m.isiCv.n).toBeGreaterThan(net.n / 2);
    expect(m.isiCv.median).toBeGreaterThan(0.3);
    expect(m.fano.mean).toBeGreaterThan(0.2);
    expect(m.rates.mean).toBeCloseTo(res.meanRateHz, 9);
  });
});

describe.each(availableBackends())('backend $name: spike statistics', (backend) => {
  it('are the TypeScript kernel\'s bits on recurrent networks of odd N, and leave the features alone', () => {
    for (const [n, noise] of [[41, 0], [77, 0], [41, 0.05]] as const) {
      const spec = NetworkSchema.parse({ n, p: 0.2, heterogeneity: { family: 'lognormal', cv: 1 }, model: { kind: 'lif', biasMean: 0.8, noise } });
      const net = buildNetwork(spec, 2, 17);
      const model = LifModelSchema.parse(spec.model);
      const steps = 150;
      const input = generateInput([{ family: 'white' }, { family: 'sines' }], steps, 3);
      const ts = simulateLif(model, net, input, steps, 9, undefined, true);
      expect(ts.spikeCount).toBeGreaterThan(200);
      // reuse, after another run: the statistics may not see what that run left in reused memory
      backend.simulateLif(model, net, input, steps, 10, true, true);
      const plain = backend.simulateLif(model, net, input, steps, 9);
      const ours = backend.simulateLif(model, net, input, steps, 9, true, true);
      expect(Array.from(ours.features)).toEqual(Array.from(plain.features));
      expect(ours.spikeCount).toBe(plain.spikeCount);
      expect(ours.spikeCount).toBe(ts.spikeCount);
      const a = ours.spikes!;
      const b = ts.spikes!;
      expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
      expect(Array.from(a.isiSum)).toEqual(Array.from(b.isiSum));
      expect(Array.from(a.isiSumSq)).toEqual(Array.from(b.isiSumSq));
      expect(Array.from(a.isiCount)).toEqual(Array.from(b.isiCount));
    }
  });
});
