// Summary statistics for comparing conditions (science.md §6): means and t-based 95 % intervals
// across seeds, paired per-task comparisons with a Wilcoxon signed-rank test, and the size
// comparison "the smallest heterogeneous N whose mean capacity reaches the homogeneous network of
// size N_max". Every function here is pure.

import wilcoxon from '@stdlib/stats-wilcoxon';

// ---------------------------------------------------------------------------------------------
// Moments

/** Arithmetic mean; NaN for an empty input. */
export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  return s / n;
}

/** Sample standard deviation (divisor n - 1); NaN for fewer than two values. */
export function sd(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - 1));
}

/**
 * Population skewness: the third standardised moment m3 / m2^(3/2) with divisor n (scipy's
 * `skew(bias=True)`). NaN for an empty input; 0 when all values are equal (zero variance, e.g. the
 * time constants of a homogeneous network), so that stored statistics stay finite.
 */
export function skewness(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const m = mean(xs);
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  // relative threshold: values equal up to rounding count as constant
  if (!(m2 > 1e-28 * m * m)) return 0;
  return m3 / Math.pow(m2, 1.5);
}

// ---------------------------------------------------------------------------------------------
// Student's t

/** t_{0.975, df} for df = 1..30 (scipy.stats.t.ppf, 7 decimals). */
const T975_TABLE: readonly number[] = [
  12.7062047, 4.3026527, 3.1824463, 2.7764451, 2.5705818, 2.4469119, 2.3646243, 2.3060041,
  2.2621572, 2.2281389, 2.2009852, 2.1788128, 2.1603687, 2.1447867, 2.1314495, 2.1199053,
  2.1098156, 2.100922, 2.0930241, 2.0859634, 2.0796138, 2.0738731, 2.0686576, 2.0638986,
  2.0595386, 2.0555294, 2.0518305, 2.0484071, 2.0452296, 2.0422725,
];

/** z_{0.975} */
const Z975 = 1.959963984540054;

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom (the multiplier of a two-sided
 * 95 % interval). Integer df 1..30 come from an exact table; df > 30 from the Cornish-Fisher
 * expansion to 1/df^4 (Abramowitz & Stegun 26.7.5; error < 1e-6 there); any other positive df
 * (non-integer below 30) by inverting the t distribution function numerically. Infinity gives
 * z = 1.95996; df <= 0 or NaN gives NaN.
 */
export function studentT975(df: number): number {
  if (!(df > 0)) return NaN;
  if (df === Infinity) return Z975;
  if (Number.isInteger(df) && df <= 30) return T975_TABLE[df - 1];
  if (df > 30) return cornishFisherT(Z975, df);
  return tQuantileUpper(0.025, df);
}

function cornishFisherT(z: number, v: number): number {
  const z2 = z * z;
  const z3 = z2 * z;
  const z5 = z3 * z2;
  const z7 = z5 * z2;
  const z9 = z7 * z2;
  const g1 = (z3 + z) / 4;
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
  return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

/** t such that P(T > t) = tail (0 < tail < 0.5) for T ~ t_df, by bisection on the exact tail. */
function tQuantileUpper(tail: number, df: number): number {
  // P(T > t) = 0.5 * I_{df/(df+t^2)}(df/2, 1/2)
  const upper = (t: number): number => 0.5 * regIncBeta(df / (df + t * t), df / 2, 0.5);
  let lo = 0;
  let hi = 16;
  while (upper(hi) > tail) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (upper(mid) > tail) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, modified Lentz). */
function regIncBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaCf(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaCf(1 - x, b, a)) / b;
}

function betaCf(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Interval across seeds

export interface Interval95 {
  mean: number;
  lo: number;
  hi: number;
  n: number;
  /** t_{0.975, n-1} * sd / sqrt(n); NaN when n < 2 (a single seed has no interval) */
  halfWidth: number;
}

/**
 * t-based 95 % interval of the mean across seeds: mean ± t_{0.975, n-1} · sd / √n.
 * With one value there is no interval: lo = hi = mean and halfWidth = NaN, so a display can say
 * "n = 1" rather than a misleading ± 0. With no values everything but n is NaN.
 */
export function interval95(xs: ArrayLike<number>): Interval95 {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2) return { mean: m, lo: m, hi: m, n, halfWidth: NaN };
  const halfWidth = (studentT975(n - 1) * sd(xs)) / Math.sqrt(n);
  return { mean: m, lo: m - halfWidth, hi: m + halfWidth, n, halfWidth };
}

// ---------------------------------------------------------------------------------------------
// Wilcoxon signed-rank test

export interface WilcoxonResult {
  /**
   * W+ = the sum of the ranks of the positive differences (R's V, @stdlib's `statistic`). scipy's
   * two-sided statistic is min(W+, W-); both are given below.
   */
  statistic: number;
  /** sum of ranks of positive differences */
  wPlus: number;
  /** sum of ranks of negative differences; wPlus + wMinus = n (n + 1) / 2 */
  wMinus: number;
  /** two-sided p-value */
  pValue: number;
  /** number of non-zero differences (zeros are dropped: Wilcoxon's zero method) */
  n: number;
  /** number of zero differences that were dropped */
  zeros: number;
  /** true when the p-value is from the exact null distribution */
  exact: boolean;
  /** how the p-value was obtained, in words */
  method: string;
}

/**
 * Two-sided Wilcoxon signed-rank test of the differences against 0 (via @stdlib/stats-wilcoxon).
 * Zero differences are dropped (zero_method "wilcox"). Following @stdlib (and R), the p-value is
 * exact when there are at most 50 non-zero differences, no tied |differences| and no zeros;
 * otherwise it is the normal approximation with continuity correction and the tie correction of
 * the variance. All-zero (or empty) input gives pValue 1 and n 0 instead of throwing; a single
 * non-zero difference gives pValue 1 (the exact two-sided p for n = 1). Throws on NaN.
 */
export function wilcoxonSignedRank(diffs: ArrayLike<number>): WilcoxonResult {
  const d: number[] = Array.from(diffs);
  for (let i = 0; i < d.length; i++) {
    if (Number.isNaN(d[i])) throw new Error(`wilcoxonSignedRank: difference ${i} is NaN`);
  }
  const nonZero = d.filter((v) => v !== 0);
  const n = nonZero.length;
  const zeros = d.length - n;
  const total = (n * (n + 1)) / 2;
  if (n === 0) {
    return {
      statistic: 0,
      wPlus: 0,
      wMinus: 0,
      pValue: 1,
      n: 0,
      zeros,
      exact: true,
      method: 'Wilcoxon signed-rank: all differences zero (no test, p = 1)',
    };
  }
  if (n === 1) {
    const wPlus = nonZero[0] > 0 ? 1 : 0;
    return {
      statistic: wPlus,
      wPlus,
      wMinus: 1 - wPlus,
      pValue: 1,
      n,
      zeros,
      exact: true,
      method: 'Wilcoxon signed-rank, exact (one non-zero difference, p = 1)',
    };
  }
  const absSorted = nonZero.map(Math.abs).sort((x, y) => x - y);
  let ties = false;
  for (let i = 1; i < n; i++) if (absSorted[i] === absSorted[i - 1]) ties = true;
  // pass the zeros too: @stdlib drops them itself (zeroMethod wilcox) and then, like R, uses the
  // normal approximation
  const res = wilcoxon(d, {
    alternative: 'two-sided',
    zeroMethod: 'wilcox',
    correction: true,
  });
  const exact = !(n > 50 || zeros > 0 || ties);
  const why: string[] = [];
  if (n > 50) why.push('n > 50');
  if (zeros > 0) why.push('zeros dropped');
  if (ties) why.push('tied ranks');
  const method = exact
    ? 'Wilcoxon signed-rank, exact'
    : `Wilcoxon signed-rank, normal approximation with continuity correction (${why.join(', ')})`;
  const wPlus = res.statistic;
  return {
    statistic: wPlus,
    wPlus,
    wMinus: total - wPlus,
    pValue: Math.min(1, Math.max(0, res.pValue)),
    n,
    zeros,
    exact,
    method,
  };
}

// ---------------------------------------------------------------------------------------------
// Paired comparison of two conditions on the same tasks

export interface PairedComparison {
  /** number of pairs (tasks) */
  n: number;
  meanA: number;
  meanB: number;
  /** mean of b - a */
  meanDiff: number;
  /** fraction of pairs where b > a, ties counting half; NaN with no pairs */
  fractionWon: number;
  /** pairs with b > a */
  wins: number;
  /** pairs with b < a */
  losses: number;
  /** pairs with b === a */
  ties: number;
  /** signed-rank test of b - a */
  wilcoxon: WilcoxonResult;
}

/**
 * Paired per-task comparison of condition b against condition a (same tasks, same order): the
 * mean difference b - a, wins/losses/ties of b, and a Wilcoxon signed-rank test on b - a.
 * Throws if the lengths differ or any score is not finite.
 */
export function pairedComparison(a: ArrayLike<number>, b: ArrayLike<number>): PairedComparison {
  if (a.length !== b.length) {
    throw new Error(
      `pairedComparison: the two conditions have different numbers of tasks (${a.length} vs ${b.length})`,
    );
  }
  const n = a.length;
  const diffs = new Float64Array(n);
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) {
      throw new Error(`pairedComparison: score of task ${i} is not a finite number (a = ${a[i]}, b = ${b[i]})`);
    }
    const d = b[i] - a[i];
    diffs[i] = d;
    if (d > 0) wins++;
    else if (d < 0) losses++;
    else ties++;
  }
  return {
    n,
    meanA: mean(a),
    meanB: mean(b),
    meanDiff: mean(diffs),
    fractionWon: n === 0 ? NaN : (wins + 0.5 * ties) / n,
    wins,
    losses,
    ties,
    wilcoxon: wilcoxonSignedRank(diffs),
  };
}

// ---------------------------------------------------------------------------------------------
// Size comparison

export interface SizePoint {
  /** network size */
  n: number;
  /** mean capacity of the heterogeneous condition at this size (non-finite: not measured) */
  hetero: number;
  /** mean capacity of the homogeneous condition at this size (non-finite: not measured) */
  homo: number;
}

export interface SizeEquivalence {
  /** the largest size in the table */
  nMax: number;
  /** mean capacity of the homogeneous network of size nMax: the target */
  homoAtNMax: number;
  /** smallest tabulated size whose heterogeneous mean capacity >= homoAtNMax; null if none */
  smallestHeteroN: number | null;
  /** smallestHeteroN / nMax; null if none reaches */
  ratio: number | null;
  /**
   * Size at which the heterogeneous curve crosses homoAtNMax, interpolating capacity linearly in
   * log N between the last size below the target and the first size reaching it (assumes the curve
   * is monotone there). Equals the smallest size when that already reaches the target (it cannot
   * be extrapolated below the table, so it is then an upper bound). null if none reaches.
   */
  interpolatedN: number | null;
}

/**
 * "The smallest heterogeneous N whose mean capacity reaches the homogeneous network of size
 * N_max" (science.md §6). Points are sorted by size here; sizes must be distinct and positive,
 * and the homogeneous capacity at the largest size must be finite. Sizes with a non-finite
 * heterogeneous capacity are skipped. "Reaches" means >= and takes the first size in increasing
 * order that does.
 */
export function sizeEquivalence(points: readonly SizePoint[]): SizeEquivalence {
  if (points.length === 0) throw new Error('sizeEquivalence: no sizes given');
  const pts = [...points].sort((p, q) => p.n - q.n);
  for (let i = 0; i < pts.length; i++) {
    if (!(pts[i].n > 0) || !Number.isFinite(pts[i].n)) {
      throw new Error(`sizeEquivalence: network size must be a positive number, got ${pts[i].n}`);
    }
    if (i > 0 && pts[i].n === pts[i - 1].n) {
      throw new Error(`sizeEquivalence: size ${pts[i].n} appears more than once`);
    }
  }
  const last = pts[pts.length - 1];
  const nMax = last.n;
  const homoAtNMax = last.homo;
  if (!Number.isFinite(homoAtNMax)) {
    throw new Error(`sizeEquivalence: no homogeneous capacity at the largest size ${nMax}`);
  }
  const het = pts.filter((p) => Number.isFinite(p.hetero));
  const k = het.findIndex((p) => p.hetero >= homoAtNMax);
  if (k < 0) return { nMax, homoAtNMax, smallestHeteroN: null, ratio: null, interpolatedN: null };
  const smallestHeteroN = het[k].n;
  let interpolatedN = smallestHeteroN;
  if (k > 0) {
    const p0 = het[k - 1];
    const p1 = het[k];
    const f = (homoAtNMax - p0.hetero) / (p1.hetero - p0.hetero); // in (0, 1]: p0 < target <= p1
    interpolatedN = Math.exp(Math.log(p0.n) + f * (Math.log(p1.n) - Math.log(p0.n)));
  }
  return { nMax, homoAtNMax, smallestHeteroN, ratio: smallestHeteroN / nMax, interpolatedN };
}
