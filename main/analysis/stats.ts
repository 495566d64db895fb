// The statistics of the app: every statistical primitive that the CLI, the app and the reports use
// (through the analysis layer) lives here. Seeds (networks) are the unit of inference: each
// comparison has an S seeds x K tasks matrix of per-task scores, and the tasks of one seed are not
// independent, so the tests below work either on one value per seed (pairedT, signFlipTest,
// welchT, seedLevelRegression) or resample seeds before tasks (hierarchicalBootstrap).
//
// The log-space wilcoxonLog is tested against @stdlib's signed-rank test, which only the tests load
// (test/fixtures/wilcoxon-stdlib.ts: its 232 packages took 40 % of every command's start). Every
// function here is pure (the randomised ones draw from their own seeded Rng).

import type { Interval95 } from '../../common/comparison.js';
import { Rng } from '../../worker/rng.js';
import { Arena, bytesFor, wasmAvailable } from '../../worker/wasm/kernels.js';
import { nativeKernels, nativeMissing } from '../../worker/native/kernels.js';

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

/** `maxIter` bounds the iterations; near the mean of a beta with large a or b the fraction needs
 * O(sqrt(max(a, b))) of them, so the log-space t tail below passes more than the default. */
function betaCf(x: number, a: number, b: number, maxIter = 1000): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIter; m++) {
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

// the type is the contract's (common/comparison.ts): halfWidth = t_{0.975, n-1} * sd / sqrt(n), NaN when n < 2
export type { Interval95 };

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
 * N_max" (docs/model.md §7.9). Points are sorted by size here; sizes must be distinct and positive,
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

// =============================================================================================
// Tests with one value per seed, in log space where p-values can underflow
// =============================================================================================

const LN_SQRT_2PI = 0.9189385332046728; // ln sqrt(2 pi)
const LN_SQRT_PI = 0.5723649429247001; // ln Gamma(1/2) = ln sqrt(pi)

/**
 * Stirling's remainder delta(x) = ln Gamma(x) - [(x - 1/2) ln x - x + ln sqrt(2 pi)] for x >= 10
 * (asymptotic series to x^-11; the next term is below 1e-15 there).
 */
function stirlingDelta(x: number): number {
  const r = 1 / (x * x);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - (r * 691) / 360360))))) / x;
}

/**
 * ln Gamma(a + b) - ln Gamma(a) for a, b > 0. For large a the two log-gammas are huge and nearly
 * equal (about 6e6 at a = 5e5), so their difference would lose ~9 digits; there it is written as
 * (a - 1/2) log1p(b/a) + b ln(a + b) - b + delta(a + b) - delta(a), which has no cancellation.
 */
function lnGammaRatio(a: number, b: number): number {
  if (a >= 10) return (a - 0.5) * Math.log1p(b / a) + b * Math.log(a + b) - b + stirlingDelta(a + b) - stirlingDelta(a);
  return lnGamma(a + b) - lnGamma(a);
}

/**
 * erfc(x) for x <= 2.2 (where 1 - erf loses at most ~5e-14 relative): erf from its series with
 * positive terms, erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)) (A&S 7.1.6),
 * so there is no cancellation inside the sum.
 */
function erfcSmall(x: number): number {
  if (x < 0) return 2 - erfcSmall(-x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

/**
 * ln Q(z) = ln P(Z > z) for a standard normal Z, finite for every finite z (ln Q(40) = -804.6,
 * where Q itself underflows below 1e-308 already at z = 37.5). Below z = 3: ln(erfc(z/sqrt 2)/2).
 * From z = 3 on: ln Q = -z^2/2 - ln sqrt(2 pi) + ln R(z) with Laplace's continued fraction of the
 * Mills ratio R(z) = Q(z)/phi(z) = 1/(z+ 1/(z+ 2/(z+ 3/(z+ ...)))) (A&S 26.2.14), evaluated
 * bottom-up with 80 levels (relative error < 1e-16 at z = 3 and smaller beyond).
 */
export function logNormalUpper(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return -Infinity;
  // below 0, ln(1 - Q(-z)): erfc's series (for x <= 2.2) read 2 - erfc(|x|) far outside its range
  // and gave ln 1/2 from z = -26 on
  if (z < 0) return z === -Infinity ? 0 : Math.log1p(-Math.exp(logNormalUpper(-z)));
  if (z < 3) return Math.log(0.5 * erfcSmall(z / Math.SQRT2));
  let r = 0;
  for (let k = 80; k >= 1; k--) r = k / (z + r);
  return -0.5 * z * z - LN_SQRT_2PI - Math.log(z + r);
}

/**
 * Natural log of the two-sided p of Student's t: ln P(|T| >= |t|) for T ~ t_df, finite wherever t
 * is finite. P(|T| >= t) = I_x(df/2, 1/2) with x = df/(df + t^2) (A&S 26.7.1), the
 * regularised incomplete beta of the continued fraction above (betaCf), but with its front factor
 * x^a (1-x)^b / (a B(a, b)) kept as a logarithm so that it cannot underflow; x and 1 - x are formed
 * from the ratio df/t^2 (or t^2/df) so that neither cancels nor overflows at huge t.
 * df = Infinity gives the normal tail. NaN for NaN t or df <= 0.
 */
function lnTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  const at = Math.abs(t);
  if (at === Infinity) return -Infinity;
  if (df === Infinity) return Math.LN2 + logNormalUpper(at);
  if (at === 0) return 0;
  const a = df / 2;
  const b = 0.5;
  let x: number; // df / (df + t^2)
  let y: number; // t^2 / (df + t^2) = 1 - x
  let lnx: number;
  let lny: number;
  if (at * at >= df) {
    const r = df / at / at; // <= 1; underflows harmlessly to 0 at huge t
    x = r / (1 + r);
    y = 1 / (1 + r);
    lnx = Math.log(df) - 2 * Math.log(at) - Math.log1p(r);
    lny = -Math.log1p(r);
  } else {
    const r = (at * at) / df; // < 1
    x = 1 / (1 + r);
    y = r / (1 + r);
    lnx = -Math.log1p(r);
    lny = Math.log(r) - Math.log1p(r);
  }
  const lnFront = lnGammaRatio(a, b) - LN_SQRT_PI + a * lnx + b * lny;
  // generous iteration bound: the fraction needs O(sqrt(df)) steps when x is near the beta mean
  const maxIter = 1000 + Math.ceil(20 * Math.sqrt(df));
  if (x < (a + 1) / (a + b + 2)) return lnFront + Math.log(betaCf(x, a, b, maxIter)) - Math.log(a);
  // small |t|: p is not small here (p > 0.08), so 1 - I_{1-x}(b, a) loses nothing
  return Math.log1p(-(Math.exp(lnFront) * betaCf(y, b, a, maxIter)) / b);
}

/**
 * Two-sided p-value of Student's t: P(|T| >= |t|) for T ~ t_df (scipy `2 * t.sf(|t|, df)`, R
 * `2 * pt(-|t|, df)`), through the regularised incomplete beta (see lnTTwoSidedP). Underflows to
 * 0 for extreme t: use tTwoSidedLog10P there. Non-integer df is allowed; df = Infinity is the
 * normal distribution; NaN for NaN t or df <= 0.
 */
export function tTwoSidedP(t: number, df: number): number {
  return Math.exp(lnTTwoSidedP(t, df));
}

/**
 * log10 of tTwoSidedP, computed in log space so that it stays finite where p underflows: t = 1e4,
 * df = 3 gives -11.657 (p = 2.2e-12), and t = 1e120, df = 3 gives -359.66 and t = 40, df = Infinity
 * -349.14, where p itself is 0. -Infinity only for t = +-Infinity.
 */
export function tTwoSidedLog10P(t: number, df: number): number {
  return lnTTwoSidedP(t, df) / Math.LN10;
}

/** Distribution function P(T <= t) of Student's t with df degrees of freedom (scipy `t.cdf`). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  const half = 0.5 * tTwoSidedP(t, df);
  return t >= 0 ? 1 - half : half;
}

// ---------------------------------------------------------------------------------------------
// Paired t-test across seeds

export interface PairedT {
  /** number of differences (seeds) */
  n: number;
  mean: number;
  /** sample standard deviation (divisor n - 1); exactly 0 when all differences are equal */
  sd: number;
  /** standard error sd / sqrt(n) */
  se: number;
  /** mean / se */
  t: number;
  /** n - 1 (0 for n <= 1) */
  df: number;
  /** two-sided p */
  p: number;
  /** log10 p, finite where p underflows */
  log10p: number;
  /** 95 % t-interval mean -+ t_{0.975, n-1} se */
  lo: number;
  hi: number;
}

/**
 * One-sample (paired) t-test of per-seed differences against 0, with the 95 % t-interval of the
 * mean difference (scipy `ttest_1samp(d, 0)` / `ttest_rel`, R `t.test(d)`).
 * Edge cases: n < 2 (no spread to estimate): sd, se, t, p, log10p, lo, hi are NaN. All differences
 * equal (sd exactly 0): with a nonzero mean t = +-Infinity, p = 0, log10p = -Infinity and the
 * interval is [mean, mean]; when they are all zero there is no evidence either way: t = NaN,
 * p = 1, log10p = 0, interval [0, 0]. Throws on non-finite input.
 */
export function pairedT(diffs: ArrayLike<number>): PairedT {
  const n = diffs.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(diffs[i])) throw new Error(`pairedT: difference ${i} is not a finite number (${diffs[i]})`);
  }
  const m = mean(diffs);
  const df = Math.max(0, n - 1);
  if (n < 2) return { n, mean: m, sd: NaN, se: NaN, t: NaN, df, p: NaN, log10p: NaN, lo: NaN, hi: NaN };
  // all equal: the spread is exactly 0 (the two-pass sd would give ~1e-17 from rounding the mean)
  let allEqual = true;
  for (let i = 1; i < n; i++) if (diffs[i] !== diffs[0]) allEqual = false;
  if (allEqual) {
    const v = diffs[0];
    if (v === 0) return { n, mean: 0, sd: 0, se: 0, t: NaN, df, p: 1, log10p: 0, lo: 0, hi: 0 };
    return { n, mean: v, sd: 0, se: 0, t: v > 0 ? Infinity : -Infinity, df, p: 0, log10p: -Infinity, lo: v, hi: v };
  }
  const s = sd(diffs);
  const se = s / Math.sqrt(n);
  const t = m / se;
  const log10p = tTwoSidedLog10P(t, df);
  const h = studentT975(df) * se;
  return { n, mean: m, sd: s, se, t, df, p: Math.pow(10, log10p), log10p, lo: m - h, hi: m + h };
}

// ---------------------------------------------------------------------------------------------
// Sign-flip (randomisation) test

export interface SignFlipResult {
  n: number;
  /** two-sided p */
  p: number;
  /** true: all 2^n sign patterns were enumerated; false: Monte Carlo */
  exact: boolean;
  /**
   * the smallest p this test can give for this n: 2 / 2^n when exact (the observed pattern and its
   * mirror image), 1 / (draws + 1) for the Monte Carlo
   */
  floor: number;
  method: string;
}

/** the largest n that is enumerated exactly (2^19 sums after fixing the first sign) */
const SIGN_FLIP_EXACT_MAX = 20;

/**
 * Two-sided sign-flip (randomisation) test of the mean of paired differences against 0: under the
 * null each difference is symmetric about 0, so every one of the 2^n sign patterns is equally
 * likely; p = the fraction of patterns whose |sum| >= |observed sum| (Fisher's 1935 randomisation
 * test for paired differences, with the sum, equivalently the mean, as statistic). Two sums count as equal within
 * 1e-12 of sum |d_i|, so the observed pattern itself always counts despite rounding.
 *
 * n <= 20: all 2^n patterns are enumerated (exact). The floor is 2 / 2^n: with 3 seeds the
 * sign-flip p can never be below 0.25, with 5 never below 0.0625, so few seeds can never give a
 * small p, however large the effect. n > 20: a Monte Carlo of `opts.draws` (default 100 000)
 * patterns from `new Rng(opts.seed ?? 1)` (deterministic), with p = (count + 1) / (draws + 1)
 * (the observed pattern counted once; Phipson & Smyth 2010) and exact: false.
 * n = 0 gives p = 1. Throws on non-finite input.
 */
export function signFlipTest(diffs: ArrayLike<number>, opts: { draws?: number; seed?: number } = {}): SignFlipResult {
  const n = diffs.length;
  const d = Float64Array.from(diffs);
  let observed = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i])) throw new Error(`signFlipTest: difference ${i} is not a finite number (${d[i]})`);
    observed += d[i];
    scale += Math.abs(d[i]);
  }
  if (n === 0) return { n, p: 1, exact: true, floor: 1, method: 'sign-flip test: no differences (p = 1)' };
  const threshold = Math.abs(observed) - 1e-12 * scale;

  if (n <= SIGN_FLIP_EXACT_MAX) {
    // A pattern and its mirror image have the same |sum|, so fix the sign of d[0] to + and
    // enumerate the other m = n - 1 signs; split them into two halves whose subset sums are
    // tabulated once, so each of the 2^m patterns costs one addition.
    const m = n - 1;
    const mLow = m >> 1;
    const mHigh = m - mLow;
    const low = halfSums(d, 1, mLow);
    const high = halfSums(d, 1 + mLow, mHigh);
    let count = 0;
    for (let h = 0; h < high.length; h++) {
      const base = d[0] + high[h];
      for (let l = 0; l < low.length; l++) if (Math.abs(base + low[l]) >= threshold) count++;
    }
    const total = Math.pow(2, m);
    return {
      n,
      p: count / total,
      exact: true,
      floor: 1 / total,
      method: `sign-flip test, exact (all 2^${n} sign patterns)`,
    };
  }

  const draws = opts.draws ?? 100_000;
  if (!(Number.isInteger(draws) && draws > 0)) throw new Error(`signFlipTest: draws must be a positive integer, got ${draws}`);
  const rng = new Rng(opts.seed ?? 1);
  let count = 0;
  for (let r = 0; r < draws; r++) {
    let s = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = rng.nextU32(); // 32 random signs per draw of the generator
      s += bits & 1 ? -d[i] : d[i];
      bits >>>= 1;
    }
    if (Math.abs(s) >= threshold) count++;
  }
  return {
    n,
    p: (count + 1) / (draws + 1),
    exact: false,
    floor: 1 / (draws + 1),
    method: `sign-flip test, Monte Carlo (${draws} random sign patterns, seed ${opts.seed ?? 1})`,
  };
}

/** the 2^len signed sums of d[from .. from+len): bit j of the index set = element j negated */
function halfSums(d: Float64Array, from: number, len: number): Float64Array {
  const out = new Float64Array(1 << len);
  for (let mask = 0; mask < out.length; mask++) {
    let s = 0;
    for (let j = 0; j < len; j++) s += (mask >> j) & 1 ? -d[from + j] : d[from + j];
    out[mask] = s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hierarchical bootstrap of a seeds x tasks matrix

export interface HierarchicalBootstrap {
  /** grand mean of the matrix */
  mean: number;
  /** percentile interval of the bootstrap distribution of the grand mean */
  lo: number;
  hi: number;
  replicates: number;
  level: number;
  method: string;
}

/**
 * Two-level (hierarchical) bootstrap of the grand mean of an S x K matrix of per-task differences
 * (b - a), stored row-major (diff[s * K + k] = task k of seed s). Each replicate resamples S seeds
 * with replacement and then, inside each chosen seed, K tasks with replacement (the "resample at
 * every level" scheme of Davison & Hinkley 1997 §3.8 and Saravanan et al. 2020), so the interval
 * carries the between-seed spread that a bootstrap over pooled tasks would hide. The interval is
 * the percentile interval at `level` (default 0.95) of `replicates` (default 2000) replicate means,
 * quantiles interpolated linearly between order statistics (numpy's default / R type 7). Draws come
 * from `new Rng(opts.seed ?? 1)`: the same input and seed give the same interval. With one seed
 * only the task level varies (there is no between-seed information). Throws when diff.length is
 * not seeds * tasks or the matrix is empty.
 */
export function hierarchicalBootstrap(
  diff: Float64Array,
  seeds: number,
  tasks: number,
  opts: { replicates?: number; level?: number; seed?: number } = {},
): HierarchicalBootstrap {
  const S = seeds;
  const K = tasks;
  if (!(Number.isInteger(S) && S > 0 && Number.isInteger(K) && K > 0)) {
    throw new Error(`hierarchicalBootstrap: seeds and tasks must be positive integers, got ${S} and ${K}`);
  }
  if (diff.length !== S * K) {
    throw new Error(
      `hierarchicalBootstrap: the matrix has ${diff.length} values, expected seeds x tasks = ${S} x ${K} = ${S * K}`,
    );
  }
  const R = opts.replicates ?? 2000;
  const level = opts.level ?? 0.95;
  if (!(Number.isInteger(R) && R > 0)) throw new Error(`hierarchicalBootstrap: replicates must be a positive integer, got ${R}`);
  if (!(level > 0 && level < 1)) throw new Error(`hierarchicalBootstrap: level must be in (0, 1), got ${level}`);
  const total = S * K;
  let grand = 0;
  for (let i = 0; i < total; i++) grand += diff[i];
  grand /= total;

  const reps = bootstrapReplicateMeans(diff, S, K, R, opts.seed ?? 1);
  reps.sort(); // typed-array sort is numeric
  return {
    mean: grand,
    lo: quantileSorted(reps, (1 - level) / 2),
    hi: quantileSorted(reps, (1 + level) / 2),
    replicates: R,
    level,
    method: `hierarchical bootstrap (seeds, then tasks within seeds), ${R} replicates, percentile ${level * 100} % interval`,
  };
}

/** the most seeds or tasks the WebAssembly replicates take (IndexSampler's 16-bit draws) */
const WASM_MAX_INDEX = 4096;
/** the WebAssembly replicates' memory, kept for the next bootstrap (as large as the largest so far) */
let bootstrapArena: Arena | null = null;

/**
 * The R replicate means of hierarchicalBootstrap, in replicate order. The loop below, or the same
 * draws and sums in native code (native/kernels.c) or WebAssembly (worker/wasm/assembly/kernels.ts
 * bootstrapReplicates), with the same bits, wherever they are built and seeds and tasks are at most
 * 4096: WebAssembly about 2.3 times as fast as this loop (the generator's state outside objects'
 * fields), native code 1.6 times WebAssembly (5 seeds x 397 tasks x 2000 replicates, Intel Xeon: 6.1,
 * 9.7 and 23 ms; the generator's chain of dependent integer operations bounds all three). `where`:
 * 'js' this loop, 'wasm' WebAssembly (the tests compare the three).
 */
export function bootstrapReplicateMeans(diff: Float64Array, S: number, K: number, R: number, seed: number, where: 'best' | 'wasm' | 'js' = 'best'): Float64Array {
  const small = S <= WASM_MAX_INDEX && K <= WASM_MAX_INDEX;
  if (where === 'best' && small && nativeMissing() === null) {
    const reps = new Float64Array(R);
    nativeKernels().bootstrapReplicates(diff, S, K, R, seed >>> 0, reps);
    return reps;
  }
  if (where !== 'js' && small && wasmAvailable()) {
    const need = bytesFor(S * K + R, 2);
    if (!bootstrapArena || bootstrapArena.capacity < need) bootstrapArena = new Arena(need);
    else bootstrapArena.reset();
    const d = bootstrapArena.copyF64(diff);
    const reps = bootstrapArena.f64(R);
    bootstrapArena.k.bootstrapReplicates(d.byteOffset, S, K, R, seed >>> 0, reps.byteOffset);
    return reps.slice();
  }
  const rng = new Rng(seed);
  const pickSeed = new IndexSampler(rng, S);
  const pickTask = new IndexSampler(rng, K);
  const total = S * K;
  const reps = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    let sum = 0;
    for (let s = 0; s < S; s++) {
      const row = pickSeed.next() * K;
      for (let k = 0; k < K; k++) sum += diff[row + pickTask.next()];
    }
    reps[r] = sum / total;
  }
  return reps;
}

/**
 * Unbiased uniform indices in [0, n) from the 32-bit draws of an Rng. The bootstrap needs one
 * index per resampled task (4 million for 2000 x 5 x 400) and the generator's draws are the cost,
 * so for n <= 4096 each 16-bit half v of a draw gives one index (rng.int(n) spends two draws on
 * one): Lemire's multiply-shift floor(v n / 2^16), with the few v that would make some indices
 * more likely than others redrawn (those with (v n mod 2^16) < 2^16 mod n; under 0.3 % of halves
 * for n = 400), so every index is exactly equally likely (Lemire 2019, "Fast random integer
 * generation in an interval"). Larger n uses one whole 32-bit draw u per index, u mod n, redrawing
 * u at or above the largest multiple of n below 2^32.
 */
class IndexSampler {
  private spare = -1; // the unused low half of the last draw; -1 when none
  private readonly reject16: number; // 2^16 mod n
  private readonly limit32: number; // the largest multiple of n not above 2^32

  constructor(
    private readonly rng: Rng,
    private readonly n: number,
  ) {
    this.reject16 = n <= 4096 ? 65536 % n : -1;
    this.limit32 = 4294967296 - (4294967296 % n);
  }

  next(): number {
    const n = this.n;
    if (this.reject16 >= 0) {
      for (;;) {
        let v: number;
        if (this.spare >= 0) {
          v = this.spare;
          this.spare = -1;
        } else {
          const u = this.rng.nextU32();
          v = u >>> 16;
          this.spare = u & 0xffff;
        }
        const m = v * n; // < 2^28: exact
        if ((m & 0xffff) >= this.reject16) return m >>> 16;
      }
    }
    for (;;) {
      const u = this.rng.nextU32();
      if (u < this.limit32) return u % n;
    }
  }
}

/** quantile q of sorted values, linear interpolation between order statistics (R type 7) */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  if (i >= sorted.length - 1) return sorted[sorted.length - 1];
  const f = h - i;
  // f * 0 = 0 keeps equal neighbours exact
  return sorted[i] + f * (sorted[i + 1] - sorted[i]);
}

// ---------------------------------------------------------------------------------------------
// Welch's unpaired t-test

export interface WelchT {
  nA: number;
  nB: number;
  meanA: number;
  meanB: number;
  /** meanB - meanA */
  diff: number;
  /** sqrt(varA / nA + varB / nB) */
  se: number;
  /** Welch-Satterthwaite degrees of freedom (non-integer) */
  df: number;
  t: number;
  /** two-sided p */
  p: number;
  log10p: number;
  /** 95 % interval of diff: diff -+ t_{0.975, df} se */
  lo: number;
  hi: number;
}

/**
 * Welch's unpaired t-test of mean(b) - mean(a) for two independent samples (e.g. the per-seed
 * means of two conditions that do not share seeds): scipy `ttest_ind(b, a, equal_var=False)`,
 * R `t.test(b, a)`. df is Welch-Satterthwaite, (va/nA + vb/nB)^2 / ((va/nA)^2/(nA-1) +
 * (vb/nB)^2/(nB-1)), and the interval uses t_{0.975} at that non-integer df.
 * Fewer than two values on a side: se, df, t, p, log10p, lo, hi are NaN. Both samples constant
 * (se = 0): df = NaN, interval [diff, diff], and t = +-Infinity with p = 0 if the means differ,
 * t = NaN with p = 1 if they are equal. Throws on non-finite input.
 */
export function welchT(a: ArrayLike<number>, b: ArrayLike<number>): WelchT {
  for (const [name, xs] of [['a', a], ['b', b]] as const) {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i])) throw new Error(`welchT: value ${i} of ${name} is not a finite number (${xs[i]})`);
    }
  }
  const nA = a.length;
  const nB = b.length;
  const meanA = mean(a);
  const meanB = mean(b);
  const diff = meanB - meanA;
  const base = { nA, nB, meanA, meanB, diff };
  if (nA < 2 || nB < 2) return { ...base, se: NaN, df: NaN, t: NaN, p: NaN, log10p: NaN, lo: NaN, hi: NaN };
  const va = isConstant(a) ? 0 : sd(a) ** 2 / nA;
  const vb = isConstant(b) ? 0 : sd(b) ** 2 / nB;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    if (diff === 0) return { ...base, se, df: NaN, t: NaN, p: 1, log10p: 0, lo: diff, hi: diff };
    return { ...base, se, df: NaN, t: diff > 0 ? Infinity : -Infinity, p: 0, log10p: -Infinity, lo: diff, hi: diff };
  }
  const df = (va + vb) ** 2 / ((va * va) / (nA - 1) + (vb * vb) / (nB - 1));
  const t = diff / se;
  const log10p = tTwoSidedLog10P(t, df);
  const h = studentT975(df) * se;
  return { ...base, se, df, t, p: Math.pow(10, log10p), log10p, lo: diff - h, hi: diff + h };
}

function isConstant(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[0]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Wilcoxon signed-rank test in log space

export interface WilcoxonLogResult {
  /** sum of the ranks of the positive differences (average ranks for ties) */
  wPlus: number;
  /** sum of the ranks of the negative differences; wPlus + wMinus = n (n + 1) / 2 */
  wMinus: number;
  /** number of non-zero differences */
  n: number;
  /** number of zero differences dropped */
  zeros: number;
  /** true when some |differences| are tied (average ranks, tie-corrected variance) */
  ties: boolean;
  /** true when p is from the exact null distribution */
  exact: boolean;
  /** normal deviate (W+ - mu - 0.5 sign(W+ - mu)) / sigma; null when exact */
  z: number | null;
  /** log10 of the two-sided p; finite far below where p underflows */
  log10p: number;
  /** 10^log10p (0 when that underflows) */
  p: number;
  method: string;
}

/** the largest n with an exact null distribution (2^50 < 2^53: the counts are exact integers) */
const WILCOXON_EXACT_MAX = 50;

/**
 * Two-sided Wilcoxon signed-rank test of differences against 0, with the p-value in log space (an
 * independent implementation; test/fixtures/wilcoxon-stdlib.ts wraps @stdlib's for comparison, and this
 * agrees with it and with R's `wilcox.test(d, correct = TRUE)` wherever their p is representable).
 * Zero differences are dropped (zero method "wilcox"); tied |differences| get their average rank.
 * Exact null distribution when n <= 50 with no ties and no zeros: the number of subsets of
 * {1..n} with each rank sum, by the dynamic programme c_k(w) = c_{k-1}(w) + c_{k-1}(w - k) (exact
 * in float64 up to n = 50), p = min(1, 2 min(P(W <= w), P(W >= w))). Otherwise the normal
 * approximation with the tie-corrected variance n(n+1)(2n+1)/24 - sum(t^3 - t)/48 and a continuity
 * correction of 0.5 toward the mean, whose tail is computed in log space (logNormalUpper), so that
 * e.g. z = 40 gives log10p = -349.4 instead of -Infinity. n = 0 (no non-zero difference) gives
 * p = 1. Throws on NaN or infinite input.
 */
export function wilcoxonLog(diffs: ArrayLike<number>): WilcoxonLogResult {
  const nonZero: number[] = [];
  for (let i = 0; i < diffs.length; i++) {
    const v = diffs[i];
    if (!Number.isFinite(v)) throw new Error(`wilcoxonLog: difference ${i} is not a finite number (${v})`);
    if (v !== 0) nonZero.push(v);
  }
  const n = nonZero.length;
  const zeros = diffs.length - n;
  if (n === 0) {
    return {
      wPlus: 0,
      wMinus: 0,
      n: 0,
      zeros,
      ties: false,
      exact: true,
      z: null,
      log10p: 0,
      p: 1,
      method: 'Wilcoxon signed-rank (log space): all differences zero (no test, p = 1)',
    };
  }

  // average ranks of |d|, and the tie term sum(t^3 - t) over groups of equal |d|
  const order = nonZero.map((_, i) => i).sort((i, j) => Math.abs(nonZero[i]) - Math.abs(nonZero[j]));
  let wPlus = 0;
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && Math.abs(nonZero[order[end]]) === Math.abs(nonZero[order[start]])) end++;
    const rank = (start + 1 + end) / 2; // average of ranks start+1 .. end
    const t = end - start;
    tieTerm += t * t * t - t;
    for (let k = start; k < end; k++) if (nonZero[order[k]] > 0) wPlus += rank;
    start = end;
  }
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  const ties = tieTerm > 0;
  const base = { wPlus, wMinus, n, zeros, ties };

  if (n <= WILCOXON_EXACT_MAX && !ties && zeros === 0) {
    // counts[w] = number of sign patterns with W+ = w, out of 2^n
    const counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (let k = 1; k <= n; k++) {
      for (let w = (k * (k + 1)) / 2; w >= k; w--) counts[w] += counts[w - k];
    }
    let lower = 0; // #(W <= wPlus)
    let upper = 0; // #(W >= wPlus)
    for (let w = 0; w <= total; w++) {
      if (w <= wPlus) lower += counts[w];
      if (w >= wPlus) upper += counts[w];
    }
    const twoTail = Math.min(2 * Math.min(lower, upper), Math.pow(2, n)); // exact integers
    const log10p = Math.log10(twoTail) - n * Math.log10(2);
    return { ...base, exact: true, z: null, log10p, p: Math.pow(10, log10p), method: 'Wilcoxon signed-rank (log space), exact' };
  }

  const mu = total / 2;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const z = (wPlus - mu - 0.5 * Math.sign(wPlus - mu)) / sigma;
  const log10p = Math.min(0, (Math.LN2 + logNormalUpper(Math.abs(z))) / Math.LN10);
  const why: string[] = [];
  if (n > WILCOXON_EXACT_MAX) why.push(`n > ${WILCOXON_EXACT_MAX}`);
  if (zeros > 0) why.push('zeros dropped');
  if (ties) why.push('tied ranks');
  return {
    ...base,
    exact: false,
    z,
    log10p,
    p: Math.pow(10, log10p),
    method: `Wilcoxon signed-rank (log space), normal approximation with tie and continuity correction (${why.join(', ')})`,
  };
}

// ---------------------------------------------------------------------------------------------
// Regression within seeds, inference across seeds

export interface RegressionGroup {
  /** responses, one per run of this seed */
  y: ArrayLike<number>;
  /** predictors, one row per run, one column per predictor (no intercept column) */
  x: ArrayLike<ArrayLike<number>>;
}

export interface SeedCoefficient {
  /** mean of the per-seed coefficients over the seeds that were fitted */
  mean: number;
  /** 95 % t-interval across seeds: mean -+ t_{0.975, S-1} sd / sqrt(S) */
  lo: number;
  hi: number;
  /** paired-t p of the per-seed coefficients against 0 */
  p: number;
  log10p: number;
  /** the coefficient of every seed, in input order; NaN for a dropped seed */
  perSeed: number[];
}

export interface SeedLevelRegression {
  /** number of seeds that entered the across-seed intervals (input seeds minus dropped) */
  seeds: number;
  /** one entry per predictor column */
  predictors: SeedCoefficient[];
  intercept: SeedCoefficient;
  /** R^2 of each seed's fit, in input order; NaN for a dropped seed or a constant response */
  rSquaredPerSeed: number[];
  /** seeds left out because their fit is not identified, with the reason */
  dropped: { seed: number; reason: string }[];
}

/**
 * Regression with seeds as the unit of inference (the "summary statistics" approach to repeated
 * measures, Holmes & Friston 1998): within each seed, ordinary least squares of y on the
 * predictors with an intercept; then, for each coefficient, the t-interval of its per-seed values
 * across seeds (mean -+ t_{0.975}(S-1) sd / sqrt(S)) and the paired-t p against 0 (pairedT).
 * Runs of one seed are never pooled with another seed's, so the p-value counts seeds, not runs.
 *
 * The fit centres the predictors (so the intercept decouples), scales each to unit norm and solves
 * the resulting correlation-matrix normal equations by Cholesky. A seed whose design is
 * rank-deficient is reported in `dropped` and left out of the intervals: fewer runs than
 * coefficients, a predictor constant within the seed, or collinear predictors (a Cholesky pivot
 * below 1e-10, i.e. some predictor has R^2 > 1 - 1e-10 on the others). With fewer than two fitted
 * seeds the intervals and p are NaN (see pairedT). Throws when a group's y and x disagree in
 * length, rows have different numbers of predictors, a value is not finite, or there are no runs.
 */
export function seedLevelRegression(groups: readonly RegressionGroup[]): SeedLevelRegression {
  let P = -1;
  for (let s = 0; s < groups.length; s++) {
    const { y, x } = groups[s];
    if (y.length !== x.length) {
      throw new Error(`seedLevelRegression: seed ${s} has ${y.length} responses but ${x.length} predictor rows`);
    }
    for (let i = 0; i < x.length; i++) {
      if (P < 0) P = x[i].length;
      if (x[i].length !== P) {
        throw new Error(`seedLevelRegression: run ${i} of seed ${s} has ${x[i].length} predictors, expected ${P}`);
      }
      if (!Number.isFinite(y[i])) throw new Error(`seedLevelRegression: response ${i} of seed ${s} is not finite (${y[i]})`);
      for (let j = 0; j < P; j++) {
        if (!Number.isFinite(x[i][j])) {
          throw new Error(`seedLevelRegression: predictor ${j} of run ${i} of seed ${s} is not finite (${x[i][j]})`);
        }
      }
    }
  }
  if (P < 0) throw new Error('seedLevelRegression: no runs in any seed');

  const S = groups.length;
  const coef: number[][] = Array.from({ length: P + 1 }, () => new Array<number>(S).fill(NaN));
  const rSquaredPerSeed = new Array<number>(S).fill(NaN);
  const dropped: { seed: number; reason: string }[] = [];
  for (let s = 0; s < S; s++) {
    const fit = olsWithIntercept(groups[s].y, groups[s].x, P);
    if ('reason' in fit) {
      dropped.push({ seed: s, reason: fit.reason });
      continue;
    }
    for (let j = 0; j <= P; j++) coef[j][s] = fit.beta[j];
    rSquaredPerSeed[s] = fit.rSquared;
  }
  const across = (perSeed: number[]): SeedCoefficient => {
    const kept = perSeed.filter((v) => !Number.isNaN(v));
    const t = pairedT(kept);
    return { mean: t.mean, lo: t.lo, hi: t.hi, p: t.p, log10p: t.log10p, perSeed };
  };
  return {
    seeds: S - dropped.length,
    predictors: coef.slice(1).map(across),
    intercept: across(coef[0]),
    rSquaredPerSeed,
    dropped,
  };
}

/**
 * OLS of y on [1, x] for one seed. Returns beta (intercept first) and R^2, or why the design is
 * rank-deficient. Centring removes the intercept column; unit-norm scaling makes the pivot
 * threshold independent of the predictors' units.
 */
function olsWithIntercept(
  y: ArrayLike<number>,
  x: ArrayLike<ArrayLike<number>>,
  P: number,
): { beta: number[]; rSquared: number } | { reason: string } {
  const n = y.length;
  if (n < P + 1) return { reason: `${n} runs for ${P + 1} coefficients (intercept and ${P} predictors)` };
  const yBar = mean(y);
  const xBar = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i][j];
    xBar[j] = s / n;
  }
  // centred, unit-norm columns z_j = (x_j - xBar_j) / norm_j
  const z: Float64Array[] = [];
  const norm = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    const col = new Float64Array(n);
    let ss = 0;
    let raw = 0;
    let constant = true;
    for (let i = 0; i < n; i++) {
      col[i] = x[i][j] - xBar[j];
      ss += col[i] * col[i];
      raw += x[i][j] * x[i][j];
      if (x[i][j] !== x[0][j]) constant = false;
    }
    // a column equal up to rounding (relative spread 1e-12) is constant as well
    if (constant || ss <= 1e-24 * raw) return { reason: `predictor ${j} is constant within the seed` };
    norm[j] = Math.sqrt(ss);
    for (let i = 0; i < n; i++) col[i] /= norm[j];
    z.push(col);
  }
  // normal equations A b = r with A = Z'Z (unit diagonal) and r = Z'(y - yBar)
  const A = new Float64Array(P * P);
  const r = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    for (let k = 0; k <= j; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += z[j][i] * z[k][i];
      A[j * P + k] = s;
      A[k * P + j] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += z[j][i] * (y[i] - yBar);
    r[j] = s;
  }
  // Cholesky A = L L' in place (lower triangle); a pivot <= 1e-10 means collinear predictors
  const L = A;
  for (let j = 0; j < P; j++) {
    let d = L[j * P + j];
    for (let k = 0; k < j; k++) d -= L[j * P + k] * L[j * P + k];
    if (!(d > 1e-10)) return { reason: `predictors are collinear within the seed (pivot ${d.toExponential(2)} at predictor ${j})` };
    const ljj = Math.sqrt(d);
    L[j * P + j] = ljj;
    for (let i = j + 1; i < P; i++) {
      let s = L[i * P + j];
      for (let k = 0; k < j; k++) s -= L[i * P + k] * L[j * P + k];
      L[i * P + j] = s / ljj;
    }
  }
  // forward (L u = r) then backward (L' b = u) substitution
  const b = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= L[i * P + k] * b[k];
    b[i] = s / L[i * P + i];
  }
  for (let i = P - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < P; k++) s -= L[k * P + i] * b[k];
    b[i] = s / L[i * P + i];
  }
  const beta = new Array<number>(P + 1);
  let intercept = yBar;
  for (let j = 0; j < P; j++) {
    beta[j + 1] = b[j] / norm[j];
    intercept -= beta[j + 1] * xBar[j];
  }
  beta[0] = intercept;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    let fitted = intercept;
    for (let j = 0; j < P; j++) fitted += beta[j + 1] * x[i][j];
    ssRes += (y[i] - fitted) ** 2;
    ssTot += (y[i] - yBar) ** 2;
  }
  return { beta, rSquared: ssTot > 0 ? 1 - ssRes / ssTot : NaN };
}
