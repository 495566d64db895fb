// The spiking mechanism measures of one LIF run (issue 13; docs/model.md §11): the
// distribution of per-neuron rates, the interspike-interval CV, the Fano factor and the pairwise
// spike-count correlation. Pure functions of the kernel's spike statistics (worker/models/lif.ts,
// LifSpikeStats: counts per task step and interspike-interval sums), so that tests can feed them
// spike trains whose answers are known. The participation ratio of the features is the readout's
// (the caller adds it and `kind`).
//
// Conventions (project's choice):
// * Rates and ISI CV: the whole run, washout included (as the run's meanRateHz, §1.2).
// * Fano factor and correlation: the task steps of `segment` (the run passes its training segment:
//   the steps the participation ratio is computed on, after the washout transient of the random v(0)).
//   Whole windows / bins only, from the segment's first step; a remainder shorter than one is left out.
// * Window and bin lengths are whole numbers of task steps: round(100 ms / dtTaskMs) and
//   round(50 ms / dtTaskMs), at least 1; the lengths actually used are reported (windowMs, binMs).
// * Variances of a process's samples (a neuron's intervals, its window counts) are the unbiased
//   ones (divided by count - 1); spreads of a set of values (sd over neurons, over pairs) divide by
//   the count (worker/distribution.ts).
import type { LifMechanisms } from '../common/mechanisms.js';
import type { LifModelSpec } from '../common/spec.js';
import { quantileSorted, summarise } from './distribution.js';
import type { LifSpikeStats } from './models/lif.js';
import { Rng, deriveSeed } from './rng.js';

/** What lifMechanisms measures: LifMechanisms without the readout's dimensionality and the kind. */
export type LifSpikeMeasures = Omit<LifMechanisms, 'participationRatio' | 'components90' | 'components99' | 'kind'>;

export interface LifMechanismOptions {
  /** the seed the pair sample of the correlation derives from (the run passes its LIF simulation seed) */
  seed: number;
  /** task steps [start, end) of the Fano factor and the correlation (the run passes its training segment) */
  segment: { start: number; end: number };
}

/** nominal Fano window and correlation bin (ms); the lengths used are whole numbers of task steps */
export const FANO_WINDOW_MS = 100;
export const CORRELATION_BIN_MS = 50;
/** most neuron pairs the correlation is averaged over */
export const CORRELATION_PAIRS = 200;

/** a window of about `ms` as a whole number of task steps (nearest, at least one) */
export function stepsPerWindow(ms: number, dtTaskMs: number): number {
  return Math.max(1, Math.round(ms / dtTaskMs));
}

/**
 * The spiking measures of a run of n neurons and T task steps from its spike statistics.
 * - rates: each neuron's spikes over all T steps / (T dtTaskMs / 1000), in Hz. The distribution is
 *   over all n neurons, silent ones included (rate 0: its mean is the run's meanRateHz); its log
 *   histogram, of log10(rate), holds the active neurons only (0 has no logarithm); silentFraction:
 *   the fraction of neurons without a spike.
 * - isiCv: per neuron with at least 2 intervals (3 spikes), sd / mean of its intervals (unbiased
 *   variance); distribution over those neurons, linear histogram.
 * - fano: counts in windows of stepsPerWindow(100 ms) task steps over the segment; per neuron
 *   (unbiased) variance / mean of its window counts, for neurons with a nonzero mean; mean and
 *   median over those neurons (NaN and 0 neurons when there are fewer than 2 windows).
 * - correlation: counts in bins of stepsPerWindow(50 ms) task steps over the segment; Pearson's r
 *   of two neurons' binned counts. Neurons enter when their binned counts vary (they fired, and not
 *   the same number in every bin: r is undefined otherwise). All pairs of them when there are at
 *   most CORRELATION_PAIRS, else that many distinct pairs drawn from Rng(deriveSeed(seed,
 *   'lif-correlation-pairs')). Mean and sd (divided by the number of pairs) over pairs; fewer than
 *   2 such neurons: pairs 0, NaN.
 */
export function lifMechanisms(model: Pick<LifModelSpec, 'dtTaskMs'>, spikes: LifSpikeStats, n: number, T: number, opts: LifMechanismOptions): LifSpikeMeasures {
  const { counts, isiSum, isiSumSq, isiCount } = spikes;
  if (counts.length !== T * n || isiSum.length !== n || isiSumSq.length !== n || isiCount.length !== n) {
    throw new Error(`lifMechanisms: spike statistics do not match n = ${n} and T = ${T}`);
  }
  const dtTaskMs = model.dtTaskMs;
  const start = Math.max(0, Math.min(T, opts.segment.start));
  const end = Math.max(start, Math.min(T, opts.segment.end));
  const fanoWidth = stepsPerWindow(FANO_WINDOW_MS, dtTaskMs);
  const binWidth = stepsPerWindow(CORRELATION_BIN_MS, dtTaskMs);
  const windows = Math.floor((end - start) / fanoWidth);
  const bins = Math.floor((end - start) / binWidth);

  // The counts (T x N, the measures' main cost) summed per neuron within the segment per correlation
  // bin and per Fano window, and over the whole run (time-major). Each count is read once: the
  // windows are sums of bins where a window is a whole number of bins (the defaults: 100 and 50 ms),
  // the totals the bins' sums and the rows outside them. Sums of integers, exact in any order.
  const binsEnd = start + bins * binWidth;
  const binCounts = new Float64Array(bins * n);
  for (let b = 0; b < bins; b++) addRows(counts, n, start + b * binWidth, start + (b + 1) * binWidth, binCounts, b * n);
  const windowCounts = new Float64Array(windows * n);
  const binsPerWindow = fanoWidth / binWidth;
  for (let w = 0; w < windows; w++) {
    if (Number.isInteger(binsPerWindow)) {
      for (let b = w * binsPerWindow; b < (w + 1) * binsPerWindow; b++) addRow(binCounts, n, b * n, windowCounts, w * n);
    } else addRows(counts, n, start + w * fanoWidth, start + (w + 1) * fanoWidth, windowCounts, w * n);
  }
  const totals = new Float64Array(n);
  addRows(counts, n, 0, start, totals, 0);
  for (let b = 0; b < bins; b++) addRow(binCounts, n, b * n, totals, 0);
  addRows(counts, n, binsEnd, T, totals, 0);

  // rates over the whole run
  const seconds = (T * dtTaskMs) / 1000;
  const rates = new Float64Array(n);
  let silent = 0;
  for (let i = 0; i < n; i++) {
    rates[i] = totals[i] / seconds;
    if (totals[i] === 0) silent++;
  }

  // ISI CV: the sums are exact integers (sub-steps), so a regular train gives exactly 0
  const cvs: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = isiCount[i];
    if (k < 2) continue;
    const mean = isiSum[i] / k;
    const variance = Math.max(0, (isiSumSq[i] - (isiSum[i] * isiSum[i]) / k) / (k - 1));
    cvs.push(Math.sqrt(variance) / mean);
  }

  return {
    rates: { ...summarise(rates, true), silentFraction: n > 0 ? silent / n : NaN },
    isiCv: summarise(cvs, false),
    fano: { windowMs: fanoWidth * dtTaskMs, ...fanoFactor(windowCounts, n, windows) },
    correlation: { binMs: binWidth * dtTaskMs, ...countCorrelation(binCounts, n, bins, opts.seed) },
  };
}

/** adds rows [from, to) of time-major counts (n per row) to out[offset .. offset + n) */
function addRows(counts: Uint16Array, n: number, from: number, to: number, out: Float64Array, offset: number): void {
  for (let t = from; t < to; t++) {
    const row = t * n;
    for (let i = 0; i < n; i++) out[offset + i] += counts[row + i];
  }
}

/** adds the n values of src from `from` to out[offset .. offset + n) */
function addRow(src: Float64Array, n: number, from: number, out: Float64Array, offset: number): void {
  for (let i = 0; i < n; i++) out[offset + i] += src[from + i];
}

/** Fano factors from the counts of n neurons in `windows` windows (windows x n, time-major). */
function fanoFactor(binned: Float64Array, n: number, windows: number): { mean: number; median: number; neurons: number } {
  if (windows < 2) return { mean: NaN, median: NaN, neurons: 0 };
  const fanos: number[] = [];
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let w = 0; w < windows; w++) sum += binned[w * n + i];
    if (sum === 0) continue;
    const mean = sum / windows;
    let ss = 0;
    for (let w = 0; w < windows; w++) {
      const c = binned[w * n + i] - mean;
      ss += c * c;
    }
    fanos.push(ss / (windows - 1) / mean);
  }
  if (fanos.length === 0) return { mean: NaN, median: NaN, neurons: 0 };
  let total = 0;
  for (const f of fanos) total += f;
  fanos.sort((a, b) => a - b);
  return { mean: total / fanos.length, median: quantileSorted(fanos, 0.5), neurons: fanos.length };
}

/** Pairwise correlation from the counts of n neurons in `bins` bins (bins x n, time-major). */
function countCorrelation(binned: Float64Array, n: number, bins: number, seed: number): { pairs: number; mean: number; sd: number } {
  const none = { pairs: 0, mean: NaN, sd: NaN };
  if (bins < 2) return none;

  // the neurons whose binned counts vary, each as its centred series (neuron-major) and its sum of squares
  const active: number[] = [];
  for (let i = 0; i < n; i++) {
    const first = binned[i];
    for (let b = 1; b < bins; b++) {
      if (binned[b * n + i] !== first) {
        active.push(i);
        break;
      }
    }
  }
  const K = active.length;
  if (K < 2) return none;
  const centred = new Float64Array(K * bins);
  const ss = new Float64Array(K);
  for (let a = 0; a < K; a++) {
    const i = active[a];
    let sum = 0;
    for (let b = 0; b < bins; b++) sum += binned[b * n + i];
    const mean = sum / bins;
    let s2 = 0;
    for (let b = 0; b < bins; b++) {
      const c = binned[b * n + i] - mean;
      centred[a * bins + b] = c;
      s2 += c * c;
    }
    ss[a] = s2;
  }

  // the pairs (indices into `active`, pair p at 2p and 2p + 1): all of them, or a seeded sample of distinct ones
  const all = (K * (K - 1)) / 2 <= CORRELATION_PAIRS;
  const P = all ? (K * (K - 1)) / 2 : CORRELATION_PAIRS;
  const pairs = new Int32Array(2 * P);
  if (all) {
    let p = 0;
    for (let a = 0; a < K; a++) {
      for (let b = a + 1; b < K; b++) {
        pairs[p++] = a;
        pairs[p++] = b;
      }
    }
  } else {
    const rng = new Rng(deriveSeed(seed, 'lif-correlation-pairs'));
    const seen = new Set<number>();
    for (let p = 0; p < P; ) {
      const a = rng.int(K);
      let b = rng.int(K - 1);
      if (b >= a) b++;
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      if (seen.has(lo * K + hi)) continue;
      seen.add(lo * K + hi);
      pairs[2 * p] = lo;
      pairs[2 * p + 1] = hi;
      p++;
    }
  }

  const rs = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    const a = pairs[2 * p] * bins;
    const b = pairs[2 * p + 1] * bins;
    let dot = 0;
    for (let k = 0; k < bins; k++) dot += centred[a + k] * centred[b + k];
    rs[p] = dot / Math.sqrt(ss[pairs[2 * p]] * ss[pairs[2 * p + 1]]);
  }
  let sum = 0;
  for (let p = 0; p < P; p++) sum += rs[p];
  const mean = sum / P;
  let s2 = 0;
  for (let p = 0; p < P; p++) s2 += (rs[p] - mean) * (rs[p] - mean);
  return { pairs: P, mean, sd: Math.sqrt(s2 / P) };
}
