// Per-neuron time-constant heterogeneity (docs/model.md §2): tau_i = tauMean * z_i with z of mean 1
// and coefficient of variation c. The level c is the independent variable of most experiments, so
// the samplers are written to keep common random numbers across levels: for the families that
// allow it, one draw at level c and the draw with the same seed at level c' come from the same
// underlying uniform/normal, and differences between levels are not drowned in sampling noise.
import type { HeterogeneityFamily, HeterogeneitySpec } from '../common/spec.js';
import { QuenchError } from '../common/errors.js';
import { deriveSeed, Rng } from './rng.js';
import type { HeterogeneityStats, TauDraw } from './types.js';

/** Shape of each family, for help text and legends. */
export const HETEROGENEITY_NOTES: Record<HeterogeneityFamily, string> = {
  none: 'homogeneous: every neuron has the mean time constant',
  uniform: 'symmetric, flat between 1 - sqrt(3)c and 1 + sqrt(3)c (times the mean)',
  normal: 'symmetric, Gaussian around the mean',
  lognormal: 'right-skewed: a long tail of slow neurons (skewness c^3 + 3c)',
  gamma: 'right-skewed, lighter tail than lognormal (skewness 2c)',
  'reflected-lognormal': 'left-skewed: a long tail of fast neurons (skewness -(c^3 + 3c))',
  empirical: 'resampled from measured time constants, rescaled to the chosen mean (c is ignored)',
};

/** How often one neuron may be redrawn before we give up and clip, so 'redraw' always ends. */
const MAX_REDRAWS = 1000;

// Rescaling the measured values costs O(m); drawTaus calls sampleZ n times with the same array.
const rescaledCache = new WeakMap<readonly number[], Float64Array>();

function rescaledToMeanOne(values: readonly number[]): Float64Array {
  let cached = rescaledCache.get(values);
  if (cached) return cached;
  if (values.length === 0) throw new QuenchError('input', 'family "empirical" needs at least 2 measured time constants, got none');
  let sum = 0;
  for (const v of values) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new QuenchError('input', `empirical time constants must be positive finite numbers, got ${v}`);
    }
    sum += v;
  }
  const mean = sum / values.length;
  cached = Float64Array.from(values, (v) => v / mean);
  rescaledCache.set(values, cached);
  return cached;
}

/** One draw of z (mean 1, CV c) from `family`. */
export function sampleZ(family: HeterogeneityFamily, cv: number, rng: Rng, values?: readonly number[]): number {
  if (family === 'empirical') {
    if (!values) throw new QuenchError('input', 'family "empirical" needs values (at least 2 measured time constants)');
    const set = rescaledToMeanOne(values);
    return set[rng.int(set.length)]!;
  }
  if (!(Number.isFinite(cv) && cv >= 0)) {
    throw new QuenchError('spec', `heterogeneity cv must be a finite number >= 0, got ${cv}`);
  }
  switch (family) {
    case 'none':
      return 1;
    case 'uniform':
      // One uniform per draw even at c = 0, so the stream stays aligned across levels;
      // 1 + 0 * x is exactly 1.
      return 1 + Math.sqrt(3) * cv * (2 * rng.uniform() - 1);
    case 'normal':
      return 1 + cv * rng.normal();
    case 'lognormal':
      return lognormalFromNormal(cv, rng.normal());
    case 'reflected-lognormal':
      return 2 - lognormalFromNormal(cv, rng.normal());
    case 'gamma': {
      // Shape 1/c^2 is infinite at c = 0: the limit is the point mass at 1. Marsaglia-Tsang is a
      // rejection sampler, so gamma cannot share draws across levels anyway.
      if (cv === 0) return 1;
      const c2 = cv * cv;
      return rng.gamma(1 / c2) * c2;
    }
    default: {
      const never: never = family;
      throw new QuenchError('spec', `unknown heterogeneity family ${String(never)}`);
    }
  }
}

// exp(s*x - s^2/2) has mean 1 for standard normal x; at c = 0 it is exp(0) = 1 exactly.
function lognormalFromNormal(cv: number, x: number): number {
  const s2 = Math.log1p(cv * cv);
  return Math.exp(Math.sqrt(s2) * x - s2 / 2);
}

/** The default upper bound on tau, as a multiple of the mean (docs/model.md §2); the lower one is dt. */
export const TAU_MAX_FACTOR = 100;

/**
 * The bounds on tau of a heterogeneity spec, its defaults filled in: tauMin = dt, tauMax =
 * TAU_MAX_FACTOR * tauMean (the one place they are defined: the draw and the manipulations use it).
 */
export function tauBoundsOf(spec: Pick<HeterogeneitySpec, 'tauMin' | 'tauMax'>, tauMean: number, dt: number): { tauMin: number; tauMax: number } {
  return { tauMin: spec.tauMin ?? dt, tauMax: spec.tauMax ?? TAU_MAX_FACTOR * tauMean };
}

/**
 * Draws the n time constants of one network and the statistics stored with it. With match
 * 'realised' spec.cv is the realised CV to reach, and the nominal c is calibrated (matchRealisedCv).
 */
export function drawTaus(spec: HeterogeneitySpec, n: number, tauMean: number, dt: number, seed: number): TauDraw {
  const { tauMin, tauMax } = tauBoundsOf(spec, tauMean, dt);
  if (!(tauMin < tauMax)) {
    throw new QuenchError('spec', `heterogeneity bounds are empty: tauMin (${tauMin}) must be below tauMax (${tauMax})`);
  }
  if (spec.match === 'realised' && MATCHABLE.has(spec.family)) {
    return matchRealisedCv(spec, n, tauMean, tauMin, tauMax, seed).draw;
  }
  return drawBounded(spec, spec.cv, n, tauMean, tauMin, tauMax, seed);
}

/** The draw at nominal level `cv` (not spec.cv, so the calibration can try other levels). */
function drawBounded(spec: HeterogeneitySpec, cv: number, n: number, tauMean: number, tauMin: number, tauMax: number, seed: number): TauDraw {
  const rng = new Rng(seed);
  return boundedDraw(spec, n, tauMean, tauMin, tauMax, () => rng, (r) => sampleZ(spec.family, cv, r, spec.values));
}

/**
 * n taus bounded to [tauMin, tauMax]: neuron i draws z from streamOf(i) with sampleOf, and with
 * 'redraw' draws again from the same stream while out of bounds. `bounded` counts first draws.
 */
function boundedDraw(
  spec: HeterogeneitySpec,
  n: number,
  tauMean: number,
  tauMin: number,
  tauMax: number,
  streamOf: (i: number) => Rng,
  sampleOf: (rng: Rng) => number,
): TauDraw {
  const tau = new Float64Array(n);
  let bounded = 0;
  for (let i = 0; i < n; i++) {
    const rng = streamOf(i);
    let t = tauMean * sampleOf(rng);
    if (t >= tauMin && t <= tauMax) {
      tau[i] = t;
      continue;
    }
    bounded++;
    if (spec.bound === 'redraw') {
      for (let k = 0; k < MAX_REDRAWS && !(t >= tauMin && t <= tauMax); k++) {
        t = tauMean * sampleOf(rng);
      }
    }
    tau[i] = Math.min(tauMax, Math.max(tauMin, t));
  }
  return { tau, stats: tauStats(tau, bounded) };
}

// ---- Matching the realised CV (docs/model.md §2.4) ----
//
// With match 'realised', spec.cv is the realised CV to reach and the nominal c is searched for.
// For a fixed seed the draw is a deterministic function of c, so the realised CV f(c) is too.
// With clipping, uniform, normal and the lognormals reuse the same underlying numbers at every c,
// which makes f continuous (mostly increasing, but it saturates or turns over once the bounds cut
// in): a bracket [lo, hi] with f(lo) < target < f(hi) then always holds a c that hits the target,
// and bisection finds it. Those draws are the nominal ones (drawBounded), so the network is the one
// a nominal spec with cv = nominalCv would draw.
//
// Gamma's rejection sampler, and 'redraw' for any family, use a number of random numbers that
// depends on c. With one shared stream every neuron after a flip (accepted <-> rejected, in <-> out
// of bounds) gets a new value, and f jumps by the sampling noise of the whole network (measured:
// bisection then ends on a jump across the 2 % window for ~15 % of seeds with gamma at realised
// CV 1, n = 100). Gamma also switches sampler at c = 1 (shape 1/c^2 below 1 is boosted), which
// redraws every neuron at once. So these cases draw from one stream per neuron (a flip moves one
// tau) and sample gamma in its boosted form at every c (no switch): drawPerNeuron. Measured over
// 1000 seeds with clip, gamma then misses 0 to 1 of them at realised CV 0.25 to 1.5. Their draws
// differ from the nominal ones at the same c, but those share nothing across levels anyway.

/** Families with a nominal c; none and empirical ignore cv, and so ignore match. */
const MATCHABLE: ReadonlySet<HeterogeneityFamily> = new Set<HeterogeneityFamily>(['uniform', 'normal', 'lognormal', 'gamma', 'reflected-lognormal']);

/** Relative tolerance on the realised CV (docs/model.md §2.4). */
export const MATCH_TOLERANCE = 0.02;
/** The largest nominal c tried: HeterogeneitySchema's maximum cv. */
const MAX_NOMINAL_CV = 10;
/** Step of the upward scan for a c above the target: a factor sqrt(2), so 0.25 -> 10 takes 12 draws. */
const SCAN_FACTOR = Math.SQRT2;
const MAX_BISECTIONS = 60;
/** Golden-section steps refining the highest point of the scan when the scan never reached the target. */
const PEAK_STEPS = 24;

/** Per-neuron streams, for gamma and 'redraw' (see above): neuron i draws from seed(seed, 'z/<i>'). */
function drawPerNeuron(spec: HeterogeneitySpec, cv: number, n: number, tauMean: number, tauMin: number, tauMax: number, seed: number): TauDraw {
  const sampleOf = spec.family === 'gamma' ? (rng: Rng) => boostedGammaZ(cv, rng) : (rng: Rng) => sampleZ(spec.family, cv, rng, spec.values);
  return boundedDraw(spec, n, tauMean, tauMin, tauMax, (i) => new Rng(deriveSeed(seed, 'z', i)), sampleOf);
}

/** Gamma z of mean 1 and CV c as c^2 * Gamma(a + 1) * U^(1/a), a = 1/c^2: exact for every a > 0. */
function boostedGammaZ(cv: number, rng: Rng): number {
  if (cv === 0) return 1;
  const c2 = cv * cv;
  return rng.gamma(1 / c2 + 1) * Math.pow(rng.uniformOpen(), c2) * c2;
}

/** One level the calibration tried and the realised CV there. */
type Tried = { c: number; cv: number };

export interface RealisedMatch {
  /** the network's taus: the draw at nominalCv, with stats.nominalCv set */
  draw: TauDraw;
  nominalCv: number;
  /** how many draws of the n taus the search made (for reports and tests) */
  draws: number;
}

/**
 * Calibrates the nominal c until the realised CV of the bounded draw with this seed is within
 * MATCH_TOLERANCE (relative) of spec.cv; throws a QuenchError when no c in [0, 10] was found to.
 */
export function matchRealisedCv(spec: HeterogeneitySpec, n: number, tauMean: number, tauMin: number, tauMax: number, seed: number): RealisedMatch {
  const target = spec.cv;
  const tol = MATCH_TOLERANCE * target;
  const drawAt = spec.family === 'gamma' || spec.bound === 'redraw' ? drawPerNeuron : drawBounded;
  // every (c, realised CV) tried, for the bracket and the error message; only the current draw is kept
  const tried: Tried[] = [];
  const evaluate = (c: number) => {
    const draw = drawAt(spec, c, n, tauMean, tauMin, tauMax, seed);
    tried.push({ c, cv: draw.stats.cv });
    return { c, cv: draw.stats.cv, draw };
  };
  const hit = (p: { cv: number }) => Math.abs(p.cv - target) <= tol;
  const done = (p: { c: number; draw: TauDraw }): RealisedMatch => ({
    draw: { tau: p.draw.tau, stats: { ...p.draw.stats, nominalCv: p.c } },
    nominalCv: p.c,
    draws: tried.length,
  });

  // Target 0 is c = 0 exactly (every z is 1); the search below divides by the target.
  if (target === 0) return done(evaluate(0));

  // The nominal c is the first guess: below the bounds it is already right.
  let p = evaluate(Math.min(target, MAX_NOMINAL_CV));
  if (hit(p)) return done(p);

  // Bracket: lo below the target, hi above. c = 0 gives realised CV 0, so it needs no draw.
  let lo = 0;
  let hi: number | undefined;
  if (p.cv > target) {
    hi = p.c;
  } else {
    lo = p.c;
    while (p.c < MAX_NOMINAL_CV) {
      p = evaluate(Math.min(p.c * SCAN_FACTOR, MAX_NOMINAL_CV));
      if (hit(p)) return done(p);
      if (p.cv > target) {
        hi = p.c;
        break;
      }
      lo = p.c;
    }
  }

  if (hi === undefined) {
    // Never above the target on the scan. Where f turns over (the bounds cut in) its peak may lie
    // between two scan points, so refine the highest one by golden section before giving up.
    const scan = tried.slice(); // the first guess and the scan, in increasing c
    const k = scan.reduce((best, q, i) => (q.cv > scan[best]!.cv ? i : best), 0);
    let a = k > 0 ? scan[k - 1]!.c : scan[k]!.c / SCAN_FACTOR;
    let b = k < scan.length - 1 ? scan[k + 1]!.c : scan[k]!.c;
    const r = (Math.sqrt(5) - 1) / 2;
    let x1 = evaluate(b - r * (b - a));
    let x2 = evaluate(a + r * (b - a));
    for (let i = 0; i < PEAK_STEPS && !hit(x1) && !hit(x2) && x1.cv < target && x2.cv < target; i++) {
      if (x1.cv >= x2.cv) {
        b = x2.c;
        x2 = x1;
        x1 = evaluate(b - r * (b - a));
      } else {
        a = x1.c;
        x1 = x2;
        x2 = evaluate(a + r * (b - a));
      }
    }
    for (const q of [x1, x2]) if (hit(q)) return done(q);
    const above = [x1, x2].find((q) => q.cv > target);
    if (!above) throw unreachable(spec, target, tried, n);
    // Above the target inside the peak: bracket with the nearest point below it.
    hi = above.c;
    lo = nearestBelow(tried, target, hi);
  }

  // Bisection on [lo, hi]: f(lo) < target < f(hi) on every step.
  for (let i = 0; i < MAX_BISECTIONS && hi - lo > 1e-12 * hi; i++) {
    p = evaluate((lo + hi) / 2);
    if (hit(p)) return done(p);
    if (p.cv < target) lo = p.c;
    else hi = p.c;
  }

  // The bracket closed on a jump of f across the tolerance window (rare with per-neuron streams:
  // one neuron flipping moves a small network's CV by a few %); no c near it hits the target.
  throw unreachable(spec, target, tried, n, { lo: tried.find((q) => q.c === lo), hi: tried.find((q) => q.c === hi) });
}

/** The c of the point with realised CV below target nearest to c (0 when none was drawn). */
function nearestBelow(tried: readonly Tried[], target: number, c: number): number {
  let lo = 0;
  for (const q of tried) if (q.cv < target && q.c < c && q.c > lo) lo = q.c;
  return lo;
}

function unreachable(spec: HeterogeneitySpec, target: number, tried: readonly Tried[], n: number, jump?: { lo?: Tried; hi?: Tried }): QuenchError {
  const highest = tried.reduce((a, b) => (b.cv > a.cv ? b : a));
  const fmt = (x: number) => Number(x.toPrecision(3)).toString();
  const setting = `tauMin = ${spec.tauMin ?? 'dt'}, tauMax = ${spec.tauMax ?? `${TAU_MAX_FACTOR} * tauMean`}, bound '${spec.bound}', n = ${n}`;
  const reached = `the largest realised CV reached is ${fmt(highest.cv)}, at nominal c ${fmt(highest.c)} (${tried.length} draws, nominal c up to ${MAX_NOMINAL_CV})`;
  const fixes = ['lower the target cv', 'widen tauMin/tauMax'];
  if (spec.bound === 'redraw') fixes.push("use bound 'clip'");
  let what = `cannot reach realised CV ${fmt(target)}`;
  if (jump?.lo && jump.hi) {
    // the target lies inside a jump of the realised CV, not above everything the family reaches
    what = `could not be calibrated to realised CV ${fmt(target)} within ${MATCH_TOLERANCE * 100} %: for this seed the realised CV jumps from ${fmt(jump.lo.cv)} at nominal c ${fmt(jump.lo.c)} to ${fmt(jump.hi.cv)} at ${fmt(jump.hi.c)}`;
    fixes.splice(0, 2, 'choose a target outside that jump', 'use a larger n');
  }
  const advice = fixes.join(', ').replace(/, ([^,]*)$/, ' or $1');
  return new QuenchError('spec', `heterogeneity family "${spec.family}" ${what} (${setting}); ${reached}. ${advice[0]!.toUpperCase()}${advice.slice(1)}.`);
}

/** Realised mean, CV, skewness and range; `bounded` is passed through. */
export function tauStats(tau: Float64Array, bounded: number): HeterogeneityStats {
  const n = tau.length;
  // Stats are stored as JSON, where NaN would turn into null: an empty network reports zeros.
  if (n === 0) return { mean: 0, cv: 0, skewness: 0, min: 0, max: 0, bounded };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = tau[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  // Two passes around the mean: one-pass power sums lose the variance when c is small.
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = tau[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
  }
  m2 /= n;
  m3 /= n;
  const sd = Math.sqrt(m2);
  const cv = mean !== 0 ? sd / Math.abs(mean) : 0;
  const skewness = sd > 0 ? m3 / Math.pow(m2, 1.5) : 0;
  return { mean, cv, skewness, min, max, bounded };
}

/**
 * Device variability on top of a drawn network: each tau is multiplied by a mean-1 lognormal factor
 * exp(sigma x - sigma^2/2), so the mean is kept in expectation, then clipped to the bounds.
 */
export function perturbTaus(tau: Float64Array, sigma: number, seed: number, tauMin: number, tauMax: number): Float64Array {
  if (!(Number.isFinite(sigma) && sigma >= 0)) {
    throw new QuenchError('spec', `device variability sigma must be a finite number >= 0, got ${sigma}`);
  }
  const rng = new Rng(seed);
  const out = new Float64Array(tau.length);
  const shift = (sigma * sigma) / 2;
  for (let i = 0; i < tau.length; i++) {
    const t = tau[i]! * Math.exp(sigma * rng.normal() - shift);
    out[i] = Math.min(tauMax, Math.max(tauMin, t));
  }
  return out;
}

// Plain decimal numbers only: Number() would also accept '0x1f', 'Infinity' and '' (as 0).
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(field: string): number | undefined {
  return NUMBER_RE.test(field) ? Number(field) : undefined;
}

function splitFields(line: string): string[] {
  // Delimited files may have empty cells, which must keep their column; whitespace lists may not.
  const parts = /[,;\t]/.test(line) ? line.split(/[,;\t]/) : line.trim().split(/\s+/);
  return parts.map((p) => p.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1').trim());
}

function shown(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 60 ? t.slice(0, 57) + '...' : t);
}

/**
 * Measured time constants from CSV, whitespace- or newline-separated text. Blank lines and '#'
 * comments are skipped, as is a first line with no number in it (a header). With several columns
 * the column is the one whose header mentions "tau", else the first numeric one; a single data line
 * is read as a list. Units do not matter: empirical draws are rescaled to the chosen mean.
 */
export function parseTauCsv(text: string): number[] {
  const rows: { lineNo: number; raw: string; fields: string[] }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    rows.push({ lineNo: i + 1, raw, fields: splitFields(trimmed) });
  }

  let header: string[] | undefined;
  if (rows.length > 0 && rows[0]!.fields.every((f) => parseNumber(f) === undefined)) {
    header = rows.shift()!.fields;
  }

  const values: number[] = [];
  const take = (field: string | undefined, row: { lineNo: number; raw: string }): void => {
    const v = field === undefined ? undefined : parseNumber(field);
    if (v === undefined) {
      const what = field === undefined || field === '' ? 'is missing a value' : `has ${shown(field)}, which is not a number`;
      throw new QuenchError('input', `time constants, line ${row.lineNo}: ${shown(row.raw)} ${what}`);
    }
    if (!(v > 0)) {
      throw new QuenchError('input', `time constants, line ${row.lineNo}: ${shown(row.raw)} has ${v}; time constants must be positive`);
    }
    values.push(v);
  };

  if (rows.length === 1 && rows[0]!.fields.length > 1) {
    // A pasted list on one line ("12, 15, 20"): every field is a value.
    for (const f of rows[0]!.fields) take(f, rows[0]!);
  } else if (rows.length > 0) {
    const first = rows[0]!;
    let col = header ? header.findIndex((h) => /tau/i.test(h)) : -1;
    if (col < 0 || col >= first.fields.length || parseNumber(first.fields[col]!) === undefined) {
      col = first.fields.findIndex((f) => parseNumber(f) !== undefined);
    }
    if (col < 0) {
      throw new QuenchError('input', `time constants, line ${first.lineNo}: ${shown(first.raw)} has no number in it`);
    }
    for (const row of rows) take(row.fields[col], row);
  }

  if (values.length < 2) {
    throw new QuenchError('input', `time constants: need at least 2 measured values, found ${values.length}`);
  }
  return values;
}
