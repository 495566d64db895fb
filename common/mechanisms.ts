// Why heterogeneity helps: the mechanism measures of one run (docs/model.md §11), made
// by the engine from the run's own simulation and readout, stored with the run, compared between
// conditions by the analysis module.

/** A per-neuron quantity summarised: moments, quantiles and a histogram (for overlays). */
export interface Distribution {
  /** values that entered the summary (neurons for which the quantity is defined) */
  n: number;
  mean: number;
  sd: number;
  cv: number;
  /** third standardised moment (0 for constant values) */
  skewness: number;
  median: number;
  p10: number;
  p90: number;
  /** equal-width bins over [min, max] of log10(value) when `log`, else of the value */
  histogram: { log: boolean; edges: number[]; counts: number[] };
  /** the values themselves (4 significant digits), where a comparison overlays distributions of several runs */
  values?: number[];
}

/** Dimensionality of the readout's features on the training segment (the eigenvalues of their covariance). */
export interface Dimensionality {
  /** participation ratio (Σλ)² / Σλ²: N for isotropic states, 1 for rank-one states */
  participationRatio: number;
  /** components (largest eigenvalues first) that reach 90 % and 99 % of the variance */
  components90: number;
  components99: number;
}

export interface RateMechanisms extends Dimensionality {
  kind: 'rate';
  /**
   * each neuron's autocorrelation timescale of its rate r_i(t) on the training segment, in task steps:
   * -1 / ln ρ₁ from the lag-1 autocorrelation ρ₁ (an AR(1) process's exact timescale; biased low by
   * about (1 + 3ρ₁) / T in ρ₁ for T steps). Neurons with ρ₁ ≤ 0 or a constant rate are left out (`undefinedNeurons`).
   */
  timescales: Distribution & { estimator: string; undefinedNeurons: number };
  /**
   * the update linearised at the operating point, with s̄_j = the mean slope 1 − r_j² of neuron j on
   * the training segment: li diag(a) + diag(1−a)·W·diag(s̄), esn diag(1−lr) + diag(lr)·diag(s̄)·W.
   * Its eigenvalues μ and the effective timescales −1/ln|μ| (task steps; |μ| ≥ 1 is left out and
   * counted); W's own eigenvalues beside. null above the spectra limit (N > 400): O(N³).
   */
  spectrum: {
    effective: { re: number[]; im: number[] };
    w: { re: number[]; im: number[] };
    effectiveTimescales: Distribution & { unstable: number };
    /** spectral radius of the linearised update at the operating point */
    rho: number;
  } | null;
  /**
   * task-state alignment: the fraction of each task's training-target variance that the top-k
   * principal components of the features capture, at the log-spaced ks, averaged per task family;
   * and per task (in the experiment's task order) the smallest k that captures half of its achieved
   * R² on the test segment (null: the task achieved R² ≤ 0, or no k does).
   */
  alignment: { ks: number[]; byFamily: Record<string, number[]>; kHalf: (number | null)[] };
}

export interface LifMechanisms extends Dimensionality {
  kind: 'lif';
  /** per-neuron mean rates over the run (Hz) */
  rates: Distribution & { silentFraction: number };
  /** each neuron's interspike-interval CV (neurons with at least 3 spikes) */
  isiCv: Distribution;
  /** Fano factor of per-neuron spike counts in windows of `windowMs` (neurons that fired), mean over neurons */
  fano: { windowMs: number; mean: number; median: number; neurons: number };
  /** Pearson correlation of spike counts in bins of `binMs` over a seeded sample of neuron pairs (both active) */
  correlation: { binMs: number; pairs: number; mean: number; sd: number };
}

export type Mechanisms = RateMechanisms | LifMechanisms;

/** Spec option: the measures that cost more than the run's 10 % budget (docs/model.md §11) */
export interface MechanismOptions {
  /** compute the spectra above N = 400 too (O(N³); off by default) */
  spectraAboveLimit?: boolean;
}

const fourDigits = (xs: readonly number[]) => xs.map((x) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x));

/**
 * A run's measures as the archive keeps them: the eigenvalues (drawn in the complex plane, never
 * computed on) to 4 significant digits, like the other per-neuron values; everything else as it is.
 * Less than half the JSON of full precision (a rate run of N = 100: about 8 kB instead of 13 kB).
 */
export function archivedMechanisms(m: Mechanisms): Mechanisms {
  if (m.kind !== 'rate' || !m.spectrum) return m;
  const { effective, w } = m.spectrum;
  return {
    ...m,
    spectrum: {
      ...m.spectrum,
      effective: { re: fourDigits(effective.re), im: fourDigits(effective.im) },
      w: { re: fourDigits(w.re), im: fourDigits(w.im) },
    },
  };
}
