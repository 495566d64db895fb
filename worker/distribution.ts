// The summary of a per-neuron quantity (common/mechanisms.ts, Distribution): moments, quantiles and
// a histogram for overlays. Shared by the spiking measures (worker/mechanisms-lif.ts) and the rate
// measures (worker/mechanisms.ts).
import type { Distribution } from '../common/mechanisms.js';

/** equal-width bins of every histogram (fewer only when all values are equal: one bin) */
export const HISTOGRAM_BINS = 20;

/**
 * Summarises `values` (non-finite ones are left out: they are not values of the quantity).
 * - mean, sd (population: divided by n, the spread of these values themselves, not an estimate of
 *   another population's), cv = sd / |mean| (0 for constant values, NaN for mean 0 otherwise),
 *   skewness = m3 / m2^1.5 with central moments m_k (0 for constant values).
 * - p10, median, p90: linear interpolation between order statistics, position (n - 1) p (R's type 7).
 * - histogram: HISTOGRAM_BINS equal-width bins over [min, max] of log10(value) when `log` (edges in
 *   log10 units; values <= 0, which have no logarithm, are left out of the histogram only, so its
 *   counts may sum to less than n), else of the value; the last bin includes max. Constant values:
 *   one bin [x, x]. No values: no bins.
 * No values at all: n 0 and NaN for every statistic.
 */
export function summarise(values: ArrayLike<number>, log: boolean): Distribution {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) xs.push(values[i]);
  xs.sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) {
    return { n: 0, mean: NaN, sd: NaN, cv: NaN, skewness: NaN, median: NaN, p10: NaN, p90: NaN, histogram: { log, edges: [], counts: [] } };
  }
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (const x of xs) {
    const c = x - mean;
    m2 += c * c;
    m3 += c * c * c;
  }
  m2 /= n;
  m3 /= n;
  const constant = xs[0] === xs[n - 1];
  const sd = constant ? 0 : Math.sqrt(m2);
  return {
    n,
    mean,
    sd,
    cv: constant ? 0 : mean === 0 ? NaN : sd / Math.abs(mean),
    skewness: constant || m2 === 0 ? 0 : m3 / Math.pow(m2, 1.5),
    median: quantileSorted(xs, 0.5),
    p10: quantileSorted(xs, 0.1),
    p90: quantileSorted(xs, 0.9),
    histogram: histogram(log ? xs.filter((x) => x > 0).map(Math.log10) : xs, log),
  };
}

/** quantile p of ascending values by linear interpolation at position (n - 1) p */
export function quantileSorted(xs: readonly number[], p: number): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
}

/** equal-width bins over [min, max] of ascending values (already log10'd when `log`) */
function histogram(xs: readonly number[], log: boolean): Distribution['histogram'] {
  const n = xs.length;
  if (n === 0) return { log, edges: [], counts: [] };
  const lo = xs[0];
  const hi = xs[n - 1];
  if (lo === hi) return { log, edges: [lo, hi], counts: [n] };
  const width = (hi - lo) / HISTOGRAM_BINS;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, k) => (k === HISTOGRAM_BINS ? hi : lo + k * width));
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const x of xs) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((x - lo) / width))]++;
  return { log, edges, counts };
}
