// Per-neuron time-constant heterogeneity (science.md §2): tau_i = tauMean * z_i with z of mean 1
// and coefficient of variation c. The level c is the independent variable of most experiments, so
// the samplers are written to keep common random numbers across levels: for the families that
// allow it, one draw at level c and the draw with the same seed at level c' come from the same
// underlying uniform/normal, and differences between levels are not drowned in sampling noise.
import type { HeterogeneityFamily, HeterogeneitySpec } from '../common/spec.js';
import { QuenchError } from '../common/errors.js';
import { Rng } from './rng.js';
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

/** Draws the n time constants of one network and the statistics stored with it. */
export function drawTaus(spec: HeterogeneitySpec, n: number, tauMean: number, dt: number, seed: number): TauDraw {
  const tauMin = spec.tauMin ?? dt;
  const tauMax = spec.tauMax ?? 100 * tauMean;
  if (!(tauMin < tauMax)) {
    throw new QuenchError('spec', `heterogeneity bounds are empty: tauMin (${tauMin}) must be below tauMax (${tauMax})`);
  }
  const rng = new Rng(seed);
  const tau = new Float64Array(n);
  let bounded = 0;
  for (let i = 0; i < n; i++) {
    let t = tauMean * sampleZ(spec.family, spec.cv, rng, spec.values);
    if (t >= tauMin && t <= tauMax) {
      tau[i] = t;
      continue;
    }
    bounded++;
    if (spec.bound === 'redraw') {
      for (let k = 0; k < MAX_REDRAWS && !(t >= tauMin && t <= tauMax); k++) {
        t = tauMean * sampleZ(spec.family, spec.cv, rng, spec.values);
      }
    }
    tau[i] = Math.min(tauMax, Math.max(tauMin, t));
  }
  return { tau, stats: tauStats(tau, bounded) };
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
