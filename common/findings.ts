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

export interface Findings {
  claim: string;
  analysis: string;
  conditions: ConditionSummary[];
  contrasts: Contrast[];
  sizeAnswers: SizeAnswer[];
  /** the skew preset: capacity on realised CV and skewness, per seed, intervals across seeds */
  regression: SeedRegression | null;
  /** the answer to the preset's own question, in words (calibration, size answers, skew, cautions) */
  notes: string[];
  /** notes, then every contrast in one sentence (common/format.ts describeContrast) */
  lines: string[];
}
