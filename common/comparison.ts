// What a comparison of conditions says, as the CLI, the app and the reports receive it. Computed in
// one place (main/analysis/), printed through one set of formatters (common/format.ts).
//
// The unit of inference is the seed: the tasks of one network are not independent. A contrast of
// two conditions is PAIRED when their runs share network and input seeds (the per-seed differences
// are then tested: paired t, with an exact sign-flip p and a hierarchical bootstrap interval beside
// it), and UNPAIRED otherwise (Welch's t on the per-seed means of each side). Per-task statistics
// (wins, losses, ties, the Wilcoxon signed-rank test over tasks) are descriptive only.
import type { CompareRequest } from './requests.js';

/** A t-based 95 % interval of a mean across seeds (halfWidth NaN: one value, no interval). */
export interface Interval95 {
  mean: number;
  lo: number;
  hi: number;
  n: number;
  halfWidth: number;
}

/** A p-value and its log10, which stays finite where p underflows to 0. */
export interface PValue {
  p: number;
  log10p: number;
}

export type Verdict = 'higher' | 'lower' | 'no clear difference' | 'no interval';

export interface FamilyDelta {
  tasks: number;
  /** mean over seeds of the per-seed family mean difference (other − baseline) */
  meanDiff: number;
  /** its 95 % t-interval across seeds (paired) or Welch interval (unpaired); NaN without one */
  lo: number;
  hi: number;
  /** per task of the family, on capacities averaged over seeds: strict wins, losses, exact ties */
  wins: number;
  losses: number;
  ties: number;
}

export interface ContrastStats {
  design: 'paired' | 'unpaired';
  /** paired: seeds both sides have (the n of the test); unpaired: seedsBaseline + seedsOther */
  seeds: number;
  seedsBaseline: number;
  seedsOther: number;
  /** Δ mean capacity, other − baseline, with the primary 95 % interval (paired t, or Welch) */
  delta: { mean: number; lo: number; hi: number };
  /** the primary test: paired t over per-seed differences, or Welch's t */
  test: { name: 'paired t' | 'Welch t'; t: number; df: number } & PValue;
  /** paired only: exact sign-flip (randomisation) test over seeds; floor = the smallest p it can give with this many seeds */
  signFlip: { p: number; exact: boolean; floor: number } | null;
  /** paired only: hierarchical bootstrap (seeds, then tasks) 95 % percentile interval of Δ */
  bootstrap: { lo: number; hi: number; replicates: number } | null;
  /** per task, on capacities averaged over each side's seeds (descriptive: tasks are not independent) */
  tasks: number;
  wins: number;
  losses: number;
  ties: number;
  wilcoxon: ({ wPlus: number; n: number; zeros: number; exact: boolean; method: string } & PValue) | null;
  perFamily: Record<string, FamilyDelta>;
  /** from the primary interval: other higher (lo > 0), lower (hi < 0), neither, or no interval (too few seeds) */
  verdict: Verdict;
}

/** One task of a contrast: the seed-averaged capacity of the other condition minus the baseline's. */
export interface PairTaskDiff {
  id: string;
  family: string;
  memoryDepth: number;
  nonlinearity: number;
  diff: number;
}

export interface Contrast extends ContrastStats {
  label: string;
  /** group keys (Comparison.groups[].key), or condition keys in an experiment's findings */
  baseline: string;
  other: string;
  baselineLabel: string;
  otherLabel: string;
  /** whether every paired seed's two runs come from one experiment */
  scope: 'one experiment' | 'across experiments';
  /** only contrasts paired within one experiment and backed by an interval may headline a finding */
  headline: boolean;
  /** what was left out of this contrast and why, in words (seeds without a partner, tasks not in both suites) */
  leftOut: string[];
  /** with CompareRequest.perTask: every task both sides have, in the baseline's task order */
  perTask?: PairTaskDiff[];
}

export interface GroupFactors {
  family: string;
  cv: number;
  n: number;
  tauMean: number;
  trainLength: number;
  manipulation: string;
  model: string;
  /** 'realised' when cv is a matched realised CV; null: nominal */
  match: string | null;
}

export interface GroupSummary {
  key: string;
  config: string;
  /** index of the condition it belongs to (0 = the baseline) */
  condition: number;
  conditionText: string;
  label: string;
  factors: GroupFactors;
  experiments: string[];
  /** seeds (runs) aggregated */
  runs: number;
  meanCapacity: Interval95;
  perFamily: Record<string, Interval95>;
  realised: { cv: number | null; skewness: number | null; nominalCv: number | null };
  rhoEff: number | null;
  meanRateHz: number | null;
  /** LIF with firing-rate calibration: the mean rate aimed at, Hz (null: not calibrated) */
  targetRateHz: number | null;
}

/**
 * One small multiple of a resilience curve: the manipulations of one kind on their own axis (gain
 * factors 0–2 with the base network at 1, connection probabilities on a log axis, W = 0 as its own
 * point beside the base). Made in main/analysis/manipulations.ts from the operations the
 * manipulations apply, never from their labels.
 */
export interface ManipulationPanel {
  /**
   * the kind: 'gain' (scaleGain), 'connectivity' (resampleConnectivity), 'no recurrence'
   * (removeRecurrence), 'weight noise', 'pruning (random)', 'pruning (weakest)', 'input gain',
   * 'tau perturbation'; 'combined' (several operations in one manipulation) and 'defined differently'
   * (one label, different operations in different experiments) are drawn as separate points
   */
  type: string;
  /** the axis in words */
  axis: string;
  /** a linear or log10 numeric axis, or one point per manipulation */
  scale: 'linear' | 'log' | 'point';
  /** the range the operation allows (gain 0–2, pruning 0–1); null: from the data */
  domain: [number, number] | null;
  /**
   * the curve's x values (Curve.xs entries, manipulation labels) drawn here, in axis order, each at
   * its value on the axis (null on a 'point' axis); `base` marks the unmanipulated network (gain 1,
   * its own p, no noise), drawn on every panel where it has a place
   */
  points: { x: string; value: number | null; base: boolean }[];
}

export interface Curve {
  /** the factor on the x axis */
  x: string;
  xs: (string | number)[];
  series: { label: string; points: ({ x: string | number; meanCapacity: Interval95; runs: number } | null)[] }[];
  /** with the manipulation on the x axis: one panel per kind of manipulation (empty for other factors) */
  panels: ManipulationPanel[];
}

export interface DiffRow {
  path: string;
  /** group key -> value (null where the field is absent) */
  values: Record<string, unknown>;
}

/** "The smallest heterogeneous N (or L) whose mean capacity reaches the homogeneous one at the largest" */
export interface SizeAnswer {
  /** 'n' or 'trainLength' */
  axis: string;
  /** the heterogeneous series, e.g. "lognormal c=1" */
  series: string;
  experiment: string;
  nMax: number;
  homoAtNMax: number;
  smallestHeteroN: number | null;
  interpolatedN: number | null;
  /** the paired contrast behind the answer: heterogeneous at smallestHeteroN vs homogeneous at nMax */
  backing: Contrast | null;
}

export interface ErratumNotice {
  id: string;
  title: string;
  fixedIn: string;
  detail: string;
  /** affected runs in the selection */
  runs: number;
  experiments: { id: string; name: string; runs: number }[];
}

export interface ProfileCurves {
  xs: number[];
  groups: { key: string; label: string; capacity: number[] }[];
}
export interface MechanismProfile {
  memory: ProfileCurves;
  nonlinearity: ProfileCurves;
}

/** The mechanisms of a comparison's groups (main/analysis/compare-mechanisms.ts). */
export interface ComparisonMechanisms {
  kind: 'rate' | 'lif' | 'mixed';
  /** runs with measures, and runs of an older version without them ("not measured") */
  measured: number;
  notMeasured: number;
  measureLabels: { key: string; label: string }[];
  /** each measure per group: its mean over the group's seeds with the 95 % t-interval */
  groups: { key: string; label: string; measures: Record<string, Interval95> }[];
  /**
   * the measures against the heterogeneity level: one series per family (and setting of the other
   * factors), its points the groups at each level c, the homogeneous group of the same setting at c = 0
   */
  levels: { label: string; points: { key: string; level: number }[] }[];
  /** each measure's change in each contrast (other − baseline), paired over seeds */
  contrasts: { label: string; measures: Record<string, { mean: number; lo: number; hi: number; seeds: number; verdict: Verdict }> }[];
  /** rate: per group, the shares of its neurons' autocorrelation timescales, effective timescales and realised time constants in common log bins (edges in task steps) */
  timescales: { edges: number[]; groups: { key: string; label: string; autocorrelation: number[]; effective: number[]; realisedTau: number[] }[] } | null;
  /** rate: one run per group (its first seed): the eigenvalues of the update linearised at the operating point, and of W */
  spectra: { key: string; label: string; effective: { re: number[]; im: number[] }; w: { re: number[]; im: number[] } }[];
  /** rate: the share of each task family's target variance the top-k principal components capture, per group */
  alignment: { families: string[]; groups: { key: string; label: string; ks: number[]; byFamily: Record<string, number[]> }[] } | null;
  /** mean capacity against the tasks' memory depth and nonlinearity degree, per group: over every task, and per task family */
  profile: MechanismProfile & { byFamily: Record<string, MechanismProfile> };
}

export interface Comparison {
  conditions: string[];
  families: string[];
  groups: GroupSummary[];
  contrasts: Contrast[];
  /** groups of the later conditions with no baseline partner, and why, in words */
  unpaired: string[];
  curve: Curve | null;
  diff: DiffRow[];
  /** size or data-efficiency answers, one per experiment and heterogeneous series (never across experiments) */
  sizeAnswers: SizeAnswer[];
  /** known defects of earlier versions that touch runs of this comparison */
  errata: ErratumNotice[];
  /** why: the mechanism measures of the groups (null: no run was measured) */
  mechanisms: ComparisonMechanisms | null;
  /** experiments with runs here that were not measured (made by an older version), and how many */
  unmeasured: { id: string; name: string; runs: number }[];
}

export type { CompareRequest };
