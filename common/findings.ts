// What an experiment found, as `quench run` prints it and writes it with --out (and the app shows
// for a finished job): its conditions with seeds aggregated, its contrasts (common/comparison.ts),
// the preset's own answer, and the lines that say it in words.
import type { Contrast, Interval95, SizeAnswer } from './comparison.js';
import type { RunFactors } from './results.js';

export interface ConditionSummary {
  condition: string;
  label: string;
  factors: Omit<RunFactors, 'seedIndex'>;
  seeds: number;
  /** mean capacity over the suite, aggregated across seeds */
  meanCapacity: Interval95;
  perFamily: Record<string, number>;
  /** realised heterogeneity, averaged across seeds; nominalCv: the calibrated nominal c (match 'realised') */
  realised: { mean: number; cv: number; skewness: number; bounded: number; nominalCv: number | null };
  meanRateHz: number | null;
  /** LIF with firing-rate calibration: the rates aimed at and reached, across seeds (null: not calibrated) */
  calibration: { by: string; targetHz: [number, number]; achievedHz: [number, number]; value: [number, number]; withinTolerance: boolean } | null;
  rhoW: number | null;
  rhoEff: number | null;
}

/** One predictor of a seed-level regression: its coefficient's mean across seeds and 95 % t-interval. */
export interface RegressionTerm {
  name: string;
  mean: number;
  lo: number;
  hi: number;
  p: number;
  log10p: number;
  perSeed: number[];
}

export interface SeedRegression {
  /** what is regressed on what, in words */
  model: string;
  seeds: number;
  terms: RegressionTerm[];
  /** seeds left out of the across-seed interval, and why */
  dropped: { seed: number; reason: string }[];
}

/** One mechanism measure across an experiment's conditions, and its change with heterogeneity. */
export interface MeasureSummary {
  key: string;
  label: string;
  /** per condition: the measure's mean over seeds with its 95 % interval */
  byCondition: { condition: string; label: string; value: Interval95 }[];
  /** per heterogeneous condition against its homogeneous partner: Δ over seeds (paired t) */
  contrasts: { label: string; seeds: number; delta: { mean: number; lo: number; hi: number }; p: number; log10p: number; verdict: 'higher' | 'lower' | 'no clear difference' | 'no interval' }[];
  /** 'up' / 'down': every distinguishable change one way; 'no': none distinguishable */
  moves: 'up' | 'down' | 'no' | 'mixed' | 'no contrast';
}

export interface MechanismRegression {
  model: string;
  fitted: boolean;
  /** why it was not fitted (too few conditions per seed) */
  why: string | null;
  seeds: number;
  /** the fewest points (heterogeneous conditions) a seed's fit has, for 3 coefficients */
  pointsPerSeed: number;
  terms: RegressionTerm[];
  /** the per-seed fits' R², over seeds (its interval clipped to [0, 1]) */
  rSquared: { mean: number; lo: number; hi: number };
  /** the share of the mean gain that the measures' changes predict (the fit without its intercept), over seeds */
  share: { mean: number; lo: number; hi: number };
}

/** Why heterogeneity helps, in this experiment (main/analysis/mechanisms.ts). */
export interface MechanismFindings {
  /** runs with measures, and runs made by an older version without them */
  measured: number;
  notMeasured: number;
  measures: MeasureSummary[];
  regression: MechanismRegression | null;
}

export interface Findings {
  claim: string;
  analysis: string;
  conditions: ConditionSummary[];
  contrasts: Contrast[];
  sizeAnswers: SizeAnswer[];
  /** the skew preset: capacity on realised CV and skewness, per seed, intervals across seeds */
  regression: SeedRegression | null;
  /** the mechanism measures compared (null: no run was measured) */
  mechanisms: MechanismFindings | null;
  /** the "Mechanism:" block in words */
  mechanismLines: string[];
  /** the answer to the preset's own question, in words (calibration, size answers, skew, cautions) */
  notes: string[];
  /** notes, then every contrast in one sentence (common/format.ts describeContrast) */
  lines: string[];
}
