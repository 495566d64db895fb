// The mechanism measures of a rate run (issue 13; common/mechanisms.ts has their types): why
// heterogeneous time constants help, measured on the run's own simulation and readout.
//   dimensionality   participation ratio and 90 % / 99 % component counts of the training features
//   timescales       each neuron's lag-1 autocorrelation timescale on the training segment
//   spectrum         the update linearised at the operating point: its eigenvalues, W's, and the
//                    effective timescales -1/ln|mu| (O(N^3): N <= SPECTRA_MAX_N unless asked for)
//   alignment        how much of each task's training-target variance the top-k principal
//                    components of the features capture, from the readout's eigen-decomposition
// All are pure functions of their arguments. The features are T x N time-major throughout.
import type { Dimensionality, MechanismOptions, RateMechanisms } from '../common/mechanisms.js';
import type { RateModelSpec } from '../common/spec.js';
import { summarise } from './distribution.js';
import { eigenvalues as linalgEigenvalues, type Eigenvalues } from './linalg.js';
import { leakFactors } from './models/rate.js';
import type { ReadoutAccumulator, Segment } from './readout.js';
import { SPECTRA_MAX_N } from './network.js';
import type { BuiltNetwork } from './types.js';

/** all eigenvalues of a general n x n matrix: a backend's `eigenvalues` or linalg's (the same bits) */
export type EigenSolver = (a: Float64Array, n: number) => Eigenvalues;

// ---------------------------------------------------------------------------------------------
// 1. dimensionality

/**
 * Participation ratio (sum l)^2 / sum l^2 and the components (largest first) reaching 90 % and 99 %
 * of sum l, from the eigenvalues of the features' covariance (any order; the readout's G = Xc'Xc is
 * (T - 1) x the covariance, and the ratios do not care). Eigenvalues at or below the readout's
 * pseudo-inverse cut-off eps * n * l_max (negative rounding included) count as 0: they are rounding
 * noise of an eigen-solver, and without the clip rank-one states would give 1 + O(eps) rather than 1.
 * All-zero eigenvalues (constant features) give 0 for all three.
 */
export function dimensionality(eigenvalues: ArrayLike<number>): Dimensionality {
  const n = eigenvalues.length;
  const l = Float64Array.from(eigenvalues).sort().reverse(); // descending
  const cut = Number.EPSILON * n * Math.max(n > 0 ? l[0] : 0, 0);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    if (!(l[i] > cut)) l[i] = 0;
    sum += l[i];
    sumSq += l[i] * l[i];
  }
  if (sum === 0) return { participationRatio: 0, components90: 0, components99: 0 };
  return { participationRatio: (sum * sum) / sumSq, components90: componentsReaching(l, sum, 0.9), components99: componentsReaching(l, sum, 0.99) };
}

/** the fewest leading entries of descending l whose sum reaches `fraction` of `sum` */
function componentsReaching(l: Float64Array, sum: number, fraction: number): number {
  // a partial sum that equals fraction * sum in exact arithmetic may fall short by its rounding
  // (at most n eps sum): that slack keeps, e.g., eigenvalues 9, 1 at one component for 90 %
  const goal = fraction * sum - l.length * Number.EPSILON * sum;
  let acc = 0;
  for (let k = 0; k < l.length; k++) {
    acc += l[k];
    if (acc >= goal) return k + 1;
  }
  return l.length;
}

// ---------------------------------------------------------------------------------------------
// 2. autocorrelation timescales

/**
 * Per neuron over rows [t0, t1): the mean rate, and the mean tanh slope 1 - r^2 (meanSlopes), in one
 * pass over the segment (both measures read it; the features are the measures' largest input). Each
 * sum runs in row order, so the values are those of a pass of its own.
 */
export function segmentMeans(features: Float64Array, n: number, steps: number, t0: number, t1: number): { mean: Float64Array; slope: Float64Array } {
  if (!(t0 >= 0 && t1 <= steps && t1 > t0)) throw new Error(`segment [${t0}, ${t1}) does not fit in ${steps} steps`);
  if (features.length < steps * n) throw new Error(`features hold ${features.length} values, expected ${steps} x ${n}`);
  const mean = new Float64Array(n);
  const slope = new Float64Array(n);
  for (let t = t0; t < t1; t++) {
    const row = t * n;
    for (let i = 0; i < n; i++) {
      const r = features[row + i];
      mean[i] += r;
      slope[i] += 1 - r * r;
    }
  }
  for (let i = 0; i < n; i++) {
    mean[i] /= t1 - t0;
    slope[i] /= t1 - t0;
  }
  return { mean, slope };
}

/** the estimator's name as stored with the run's timescales */
export const TIMESCALE_ESTIMATOR = 'lag-1 autocorrelation by AR(1) least squares, mean removed: -1/ln(rho1) steps';

/**
 * Each neuron's lag-1 autocorrelation of its rate over rows [t0, t1), estimated as the least-squares
 * AR(1) coefficient about the segment's mean m (L = t1 - t0 steps, d_t = x_t - m):
 *   rho1 = sum_{t=t0}^{t1-2} d_t d_{t+1} / sum_{t=t0}^{t1-2} d_t^2
 * and its timescale -1/ln rho1 in steps (exact for an AR(1) process, whose rho1 = exp(-1/tau)).
 * NaN, counted in `undefined`, where rho1 <= 0 or rho1 >= 1 (this estimator, unlike c1/c0, is not
 * bounded by 1) or the rate is constant (a zero denominator).
 *
 * Bias: for an AR(1) process this estimator is biased low, E[rho1] = rho - (1 + 3 rho) / L + O(L^-2)
 * (Marriott and Pope 1954; Kendall 1954). (The textbook r1 = c1/c0, whose denominator runs over all L
 * steps, is (L - 1)/L of it: biased by -(1 + 4 rho) / L. Both checked by simulation, 4000 series each.)
 * The timescale is then biased low by about
 *   E[tau_hat] - tau = -(1 + 3 rho) / L * d tau/d rho = -(1 + 3 rho) tau^2 / (rho L),
 * a relative bias of -(1 + 3 rho) tau / (rho L): 1.1 % for tau = 5 steps and 4 % for tau = 20 over a
 * training segment of L = 2000 steps. Its sampling sd, tau^2 / rho * sqrt((1 - rho^2) / L) from
 * Var rho1 = (1 - rho^2) / L, is larger (8 % and 15 % there), so the bias is not corrected.
 * For a rate that is not AR(1) it is the timescale of the exponential through its lag-1 correlation.
 *
 * Two passes in row order over all neurons at once (the means, then the centred sums): the features
 * are time-major, and a per-neuron pass would stride by N. Centring first rather than one pass of raw
 * moments: a rate saturated near +-1 with a tiny variance would lose it to cancellation.
 */
export function autocorrelationTimescales(
  features: Float64Array,
  n: number,
  steps: number,
  t0: number,
  t1: number,
  /** the segment's means (segmentMeans') when the caller has them */
  means?: Float64Array,
): { values: Float64Array; undefined: number } {
  if (!(t0 >= 0 && t1 <= steps && t1 > t0)) throw new Error(`segment [${t0}, ${t1}) does not fit in ${steps} steps`);
  if (features.length < steps * n) throw new Error(`features hold ${features.length} values, expected ${steps} x ${n}`);
  const mean = means ?? segmentMeans(features, n, steps, t0, t1).mean;

  const lagged = new Float64Array(n); // sum d_{t-1} d_t
  const squares = new Float64Array(n); // sum d_{t-1}^2
  // four neurons at a time down the rows, each neuron's sums in row order as one at a time (eight sums
  // in flight, no array element loaded and stored per value: 0.62 -> 0.23 ms at N = 100 over 2000
  // rows, the same bits; segmentMeans' pass just before has brought the rows into cache); d_{t-1} is
  // recomputed from the previous row
  const end = t1 * n;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a0 = mean[i], a1 = mean[i + 1], a2 = mean[i + 2], a3 = mean[i + 3];
    let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    for (let o = (t0 + 1) * n + i; o < end; o += n) {
      const p0 = features[o - n] - a0, p1 = features[o - n + 1] - a1, p2 = features[o - n + 2] - a2, p3 = features[o - n + 3] - a3;
      l0 += p0 * (features[o] - a0);
      l1 += p1 * (features[o + 1] - a1);
      l2 += p2 * (features[o + 2] - a2);
      l3 += p3 * (features[o + 3] - a3);
      q0 += p0 * p0;
      q1 += p1 * p1;
      q2 += p2 * p2;
      q3 += p3 * p3;
    }
    [lagged[i], lagged[i + 1], lagged[i + 2], lagged[i + 3]] = [l0, l1, l2, l3];
    [squares[i], squares[i + 1], squares[i + 2], squares[i + 3]] = [q0, q1, q2, q3];
  }
  for (; i < n; i++) {
    const m = mean[i];
    let l = 0;
    let q = 0;
    for (let o = (t0 + 1) * n + i; o < end; o += n) {
      const p = features[o - n] - m;
      l += p * (features[o] - m);
      q += p * p;
    }
    lagged[i] = l;
    squares[i] = q;
  }

  const values = new Float64Array(n);
  let undefinedCount = 0;
  for (let i = 0; i < n; i++) {
    const rho1 = squares[i] > 0 ? lagged[i] / squares[i] : NaN;
    if (rho1 > 0 && rho1 < 1) values[i] = -1 / Math.log(rho1);
    else {
      values[i] = NaN;
      undefinedCount++;
    }
  }
  return { values, undefined: undefinedCount };
}

// ---------------------------------------------------------------------------------------------
// 3. the update linearised at the operating point, and its spectrum

/** s_j = the mean over rows [t0, t1) of 1 - r_j(t)^2: neuron j's mean tanh slope (r = tanh) */
export function meanSlopes(features: Float64Array, n: number, steps: number, t0: number, t1: number): Float64Array {
  return segmentMeans(features, n, steps, t0, t1).slope;
}

/**
 * The Jacobian of one update step (docs/model.md §1.1) with the tanh slopes replaced by their mean s
 * over rows [t0, t1) (meanSlopes), N x N row-major:
 *   li : x <- a x + (1 - a)(W tanh(x) + ...)          J = diag(a) + diag(1 - a) W diag(s)
 *   esn: r <- (1 - lr) r + lr tanh(W r + ...)         J = diag(1 - lr) + diag(lr) diag(s) W
 * a = exp(-1/tau) and lr = min(1, 1/tau) (leakFactors). For li, s_j is exact: neuron j's slope at
 * its state x_j is 1 - tanh(x_j)^2 = 1 - r_j^2. For esn the slope belongs to neuron i's drive h_i,
 * which the features do not hold; 1 - r_i^2 stands in for 1 - tanh(h_i)^2. It is exact for lr = 1
 * (and no noise); for lr < 1, r is a leaky average of tanh(h), so its mean square is smaller
 * (Jensen) and s overestimates the mean slope.
 * Each entry is ((1 - a_i) W_ij) s_j (li) or (lr_i s_i) W_ij (esn), then the diagonal term is added:
 * with s = 1 the li matrix has the bits of spectralSummary's diag(a) + diag(1 - a) W.
 */
export function linearisedUpdate(
  model: RateModelSpec,
  net: BuiltNetwork,
  features: Float64Array,
  steps: number,
  t0: number,
  t1: number,
  /** the mean slopes (meanSlopes') when the caller has them */
  slopes?: Float64Array,
): Float64Array {
  const n = net.n;
  const s = slopes ?? meanSlopes(features, n, steps, t0, t1);
  const leak = leakFactors(model, net.tau);
  const w = net.w;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    if (model.form === 'esn') {
      const g = leak[i] * s[i];
      for (let j = 0; j < n; j++) m[row + j] = g * w[row + j];
      m[row + i] += 1 - leak[i];
    } else {
      const one = 1 - leak[i];
      for (let j = 0; j < n; j++) m[row + j] = one * w[row + j] * s[j];
      m[row + i] += leak[i];
    }
  }
  return m;
}

export type EffectiveSpectrum = NonNullable<RateMechanisms['spectrum']>;

/**
 * The eigenvalues mu of linearisedUpdate's matrix and of W, the spectral radius of the former, and
 * its effective timescales -1/ln|mu| in task steps: one per eigenvalue (a complex pair gives two
 * equal ones; its oscillation is not a timescale), |mu| >= 1 left out and counted as `unstable`,
 * |mu| = 0 kept as timescale 0 (a mode gone in one step). Summarised on a log10 histogram.
 * Two general eigenvalue problems: O(N^3).
 */
export function effectiveSpectrum(
  model: RateModelSpec,
  net: BuiltNetwork,
  features: Float64Array,
  steps: number,
  t0: number,
  t1: number,
  eig: EigenSolver = linalgEigenvalues,
  /** W's eigenvalues when the caller has them already (the run computes them for rhoW) */
  wEigenvalues?: Eigenvalues,
  slopes?: Float64Array,
): EffectiveSpectrum {
  const n = net.n;
  const mu = eig(linearisedUpdate(model, net, features, steps, t0, t1, slopes), n);
  const w = wEigenvalues ?? eig(net.w, n);
  const timescales: number[] = [];
  let unstable = 0;
  let rho = 0;
  for (let i = 0; i < n; i++) {
    const abs = Math.hypot(mu.re[i], mu.im[i]);
    rho = Math.max(rho, abs);
    if (abs >= 1) unstable++;
    else timescales.push(-1 / Math.log(abs)); // -1 / -Infinity = 0 for |mu| = 0
  }
  return {
    effective: { re: Array.from(mu.re), im: Array.from(mu.im) },
    w: { re: Array.from(w.re), im: Array.from(w.im) },
    effectiveTimescales: { ...summarise(timescales, true), unstable, values: fourDigits(timescales) },
    rho,
  };
}

// ---------------------------------------------------------------------------------------------
// 4. task-state alignment

/** What the alignment reads from a readout accumulation (accumulateReadout's result). */
export type AlignmentSource = Pick<ReadoutAccumulator, 'n' | 'k' | 'eigenvalues' | 'xtyEigen' | 'trainYy' | 'cut'>;

/** 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, ... below n, then n itself */
export function alignmentKs(n: number): number[] {
  const ks: number[] = [];
  for (const k of [1, 2, 3, 5]) if (k < n) ks.push(k);
  for (let decade = 10; decade < n; decade *= 10) for (const m of [1, 2, 5]) if (m * decade < n) ks.push(m * decade);
  if (n >= 1) ks.push(n);
  return ks;
}

/**
 * captured[j * n + (k - 1)]: the fraction of task j's training-target variance that the k leading
 * principal components of the training features capture, k = 1 .. n:
 *   c_j(k) = sum over the k largest eigenvalues l_i of G of (v_i' Xc'y_j)^2 / l_i,  divided by y_j'y_j
 * (y_j centred on its training mean). Directions with l_i at or below the readout's cut-off are left
 * out as the readout leaves them out. At k = n it is the in-sample R^2 of the unregularised least-
 * squares fit; it is non-decreasing in k. NaN for a task whose training target is constant.
 */
export function capturedFractions(acc: AlignmentSource): Float64Array {
  const { n, k: K, eigenvalues: l, xtyEigen: z, trainYy, cut } = acc;
  const out = new Float64Array(K * n);
  for (let j = 0; j < K; j++) {
    const yy = trainYy[j];
    let acc = 0;
    // eigenvalues ascending: the k largest are the last k
    for (let k = 1; k <= n; k++) {
      const i = n - k;
      if (l[i] > cut) {
        const zi = z[j * n + i];
        acc += (zi * zi) / l[i];
      }
      out[j * n + k - 1] = yy > 0 ? acc / yy : NaN;
    }
  }
  return out;
}

/**
 * The alignment of RateMechanisms: at each k of `ks` the mean captured fraction (capturedFractions)
 * over each family's tasks (`families[j]` is task j's family; tasks with a constant training target
 * are left out of their family's mean, NaN if none is left), and per task the smallest k (1 .. n,
 * not only the ks) whose captured fraction reaches half of its achieved test R^2 (`r2`, the
 * readout's scores); null where R^2 <= 0 (or NaN) or no k does.
 * The accumulation's xtyEigen lives in the backend's workspace: call this before its next accumulation.
 */
export function alignment(acc: AlignmentSource, families: readonly string[], r2: ArrayLike<number>, ks: readonly number[] = alignmentKs(acc.n)): RateMechanisms['alignment'] {
  const { n, k: K } = acc;
  if (families.length !== K || r2.length !== K) throw new Error(`alignment: ${families.length} families and ${r2.length} scores for ${K} tasks`);
  for (const k of ks) if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new Error(`alignment: k = ${k} is not in 1 .. ${n}`);

  // one pass per task over k = 1 .. n (capturedFractions' running sum, its values bit for bit),
  // reading off the ks and the first k reaching half of R^2, without the K x n matrix of all of them
  const { eigenvalues: l, xtyEigen: z, trainYy, cut } = acc;
  const familyIndex = new Map<string, number>();
  const familyOf = new Int32Array(K);
  for (let j = 0; j < K; j++) {
    let f = familyIndex.get(families[j]);
    if (f === undefined) familyIndex.set(families[j], (f = familyIndex.size));
    familyOf[j] = f;
  }
  const nk = ks.length;
  const order = Array.from(ks.keys()).sort((a, b) => ks[a] - ks[b]); // the ks' slots in ascending k
  const sums = new Float64Array(familyIndex.size * nk);
  const counts = new Int32Array(familyIndex.size);
  const kHalf: (number | null)[] = [];
  for (let j = 0; j < K; j++) {
    const yy = trainYy[j];
    const goal = r2[j] > 0 ? r2[j] / 2 : NaN; // NaN: no k is looked for (R^2 <= 0 or NaN)
    const row = familyOf[j] * nk;
    let found: number | null = null;
    let counted = false; // a task whose captured fraction at k = 1 is NaN is left out of its family's mean
    let sum = 0;
    let next = 0; // into order: the next of the ks to record
    for (let k = 1; k <= n; k++) {
      const i = n - k;
      if (l[i] > cut) {
        const zi = z[j * n + i];
        sum += (zi * zi) / l[i];
      }
      const captured = yy > 0 ? sum / yy : NaN;
      if (k === 1) counted = !Number.isNaN(captured);
      while (next < nk && ks[order[next]] === k) {
        if (counted) sums[row + order[next]] += captured;
        next++;
      }
      if (found === null && captured >= goal) found = k;
    }
    if (counted) counts[familyOf[j]]++;
    kHalf.push(found);
  }
  const byFamily: Record<string, number[]> = {};
  for (const [family, f] of familyIndex) byFamily[family] = Array.from(sums.subarray(f * nk, (f + 1) * nk), (v) => (counts[f] > 0 ? v / counts[f] : NaN));
  return { ks: [...ks], byFamily, kHalf };
}

// ---------------------------------------------------------------------------------------------
// 5. all of them

export interface RateMechanismsInput {
  model: RateModelSpec;
  net: BuiltNetwork;
  /** the run's T x N time-major rates (the readout's features) */
  features: Float64Array;
  steps: number;
  /** the readout's training segment: every measure is taken on it */
  train: Segment;
  /** the run's readout accumulation (after its scoring, before the backend's next accumulation) */
  acc: AlignmentSource;
  /** task j's family, in the suite's order */
  families: readonly string[];
  /** task j's R^2 on the test segment (ReadoutScores.r2) */
  r2: ArrayLike<number>;
  /** the backend's general eigenvalue solver where it has one (else linalg's) */
  eig?: EigenSolver;
  /** W's eigenvalues when the run has them already */
  wEigenvalues?: Eigenvalues;
  options?: MechanismOptions;
}

/** the defined values to 4 significant digits: what a comparison overlays, at a sixth of full JSON's size */
function fourDigits(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out.push(Number(values[i].toPrecision(4)));
  return out;
}

/** The mechanism measures of a rate run; `spectrum` is null above SPECTRA_MAX_N unless options.spectraAboveLimit. */
export function rateMechanisms(m: RateMechanismsInput): RateMechanisms {
  const { model, net, features, steps, train, acc } = m;
  const n = net.n;
  const means = segmentMeans(features, n, steps, train.start, train.end);
  const ts = autocorrelationTimescales(features, n, steps, train.start, train.end, means.mean);
  const spectrum =
    n <= SPECTRA_MAX_N || m.options?.spectraAboveLimit ? effectiveSpectrum(model, net, features, steps, train.start, train.end, m.eig, m.wEigenvalues, means.slope) : null;
  return {
    kind: 'rate',
    ...dimensionality(acc.eigenvalues),
    // (summarise leaves the NaNs of undefined neurons out)
    timescales: { ...summarise(ts.values, true), estimator: TIMESCALE_ESTIMATOR, undefinedNeurons: ts.undefined, values: fourDigits(ts.values) },
    spectrum,
    alignment: alignment(acc, m.families, m.r2),
  };
}
