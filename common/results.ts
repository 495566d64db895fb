// What a run is (a fully resolved unit of work) and what it produces. Shared by the engine, the
// scheduler, the CLI and (later) the archive.
import type { MechanismOptions, Mechanisms } from './mechanisms.js';
import type { HeterogeneityFamily, InputSpec, NetworkSpec, ReadoutSpec, SuiteSpec } from './spec.js';

/** The sweep coordinates of one run: what distinguishes it from the other runs of its experiment. */
export interface RunFactors {
  family: HeterogeneityFamily;
  cv: number;
  n: number;
  tauMean: number;
  trainLength: number;
  /** label of the manipulation condition ('base' when the sweep has none) */
  manipulation: string;
  model: 'rate' | 'lif';
  seedIndex: number;
  /** 'realised' when cv is a realised CV that the nominal c was calibrated to reach; absent: nominal */
  match?: 'realised';
}

export interface RunSeeds {
  root: number;
  network: number;
  input: number;
}

export interface RunSpec {
  /** position in the experiment's run list */
  index: number;
  /** stable identity of the run within its experiment: the factors, seed included */
  key: string;
  /** the same without the seed: runs with equal condition keys are seeds of one condition */
  condition: string;
  factors: RunFactors;
  seeds: RunSeeds;
  network: NetworkSpec;
  input: InputSpec;
  suite: SuiteSpec;
  readout: ReadoutSpec;
  /** the costlier mechanism measures asked for (absent: the defaults) */
  mechanisms?: MechanismOptions;
}

/** Realised statistics of a drawn set of time constants (stored with every network). */
export interface RealisedHeterogeneity {
  /** realised mean of tau, in the model's time unit */
  mean: number;
  /** realised coefficient of variation of tau */
  cv: number;
  /** realised sample skewness of tau (third standardised moment) */
  skewness: number;
  min: number;
  max: number;
  /** how many draws fell outside [tauMin, tauMax] and were clipped or redrawn */
  bounded: number;
  /** with heterogeneity.match 'realised': the nominal c that was calibrated to reach the realised CV asked for */
  nominalCv?: number;
}

/** What a run's firing-rate calibration found (LIF with model.calibration). */
export interface RateCalibrationResult {
  by: 'bias' | 'threshold';
  /** the rate aimed at, in Hz (for target 'homogeneous': the twin's measured rate) */
  targetHz: number;
  target: number | 'homogeneous';
  /** the spec's bias mean (or vTh) before calibration, and the value the run used */
  uncalibratedValue: number;
  value: number;
  /** the run's rate at the calibrated value: its meanRateHz */
  achievedHz: number;
  /** simulations the calibration ran (the twin's included; the last one is the run's own) */
  simulations: number;
}

export interface RunSummary {
  tasks: number;
  meanCapacity: number;
  totalCapacity: number;
  meanR2: number;
  /** mean capacity per task family */
  perFamily: Record<string, number>;
}

export interface RunResult {
  index: number;
  key: string;
  condition: string;
  factors: RunFactors;
  seeds: RunSeeds;
  backend: string;
  summary: RunSummary;
  /** per-task scores, aligned with the experiment's task list */
  scores: {
    r2: number[];
    capacity: number[];
    nrmse: (number | null)[];
    accuracy: (number | null)[];
    ridge: number[];
  };
  network: {
    tau: RealisedHeterogeneity;
    /** spectral radius of W and of the leak-aware linearised update (null: not computed, see note) */
    rhoW: number | null;
    rhoEff: number | null;
    density: number;
    /** LIF only: measured mean firing rate */
    meanRateHz: number | null;
    /** LIF with model.calibration only: what the firing-rate calibration found */
    calibration?: RateCalibrationResult | null;
  };
  /** why heterogeneity helps: the mechanism measures of this run (absent: not measured, e.g. a run of an older version) */
  mechanisms?: Mechanisms | null;
  /** mechanismsMs: the spectra and the mechanism measures (absent in runs of older versions) */
  timings: { simulateMs: number; readoutMs: number; mechanismsMs?: number; totalMs: number };
}
