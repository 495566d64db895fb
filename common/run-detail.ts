// One run as its page shows it (QuenchApi.getRun): what it was (the spec, the seeds, the backend and
// version that made it, its timings), what its network drew (the realised time constants, recomputed
// from the spec and the network seed), how it scored (per task family, per task, and per cell of
// memory depth × nonlinearity), why (its mechanism measures), what it is compared with (its baseline
// and the spec fields that differ) and what the lab wrote on it (tags and notes). Every number is the
// archive's or the main process's; the page only draws and prints them.
import type { NoteRow, RunRow } from './archive-types.js';
import type { Mechanisms } from './mechanisms.js';
import type { RateCalibrationResult, RealisedHeterogeneity, RunSpec } from './results.js';

/** One task's scores in this run, with the task's coordinates. */
export interface RunTaskScore {
  /** position in the experiment's task list */
  index: number;
  id: string;
  family: string;
  memoryDepth: number;
  nonlinearity: number;
  capacity: number;
  r2: number;
  /** null where the task is not scored so */
  nrmse: number | null;
  accuracy: number | null;
}

/** The run's mean scores over one task family (written with the run). */
export interface RunFamilyScore {
  family: string;
  tasks: number;
  meanCapacity: number;
  meanR2: number;
}

/** The run's mean capacity over the tasks of one memory depth and nonlinearity degree. */
export interface RunMapCell {
  memoryDepth: number;
  nonlinearity: number;
  tasks: number;
  meanCapacity: number;
}

/** The run this one is compared with: the homogeneous run of its experiment with the same seeds. */
export interface RunBaseline {
  uid: string;
  runIndex: number;
  /** the baseline's configuration in words, e.g. "homogeneous" */
  label: string;
  meanCapacity: number | null;
  /** how it was matched, in words */
  matched: string;
  /** the spec fields whose values differ (the comparisons' configuration diff): this run's value and the baseline's (null: absent) */
  diff: { path: string; run: unknown; baseline: unknown }[];
}

export interface RunDetail {
  /** the run as the runs table lists it (factors, summary, its tags and its experiment's) */
  run: RunRow;
  experiment: { id: string; name: string; claim: string };
  /** the fully resolved run spec as archived */
  spec: RunSpec;
  seeds: { root: number; index: number; network: number; input: number };
  backend: string | null;
  appVersion: string | null;
  timings: { simulateMs: number | null; readoutMs: number | null; totalMs: number | null; createdAt: string; finishedAt: string | null };
  /** what the network realised (null before the run has finished) */
  realised: {
    tau: RealisedHeterogeneity;
    rhoW: number | null;
    rhoEff: number | null;
    density: number | null;
    meanRateHz: number | null;
    calibration: RateCalibrationResult | null;
  } | null;
  /**
   * The time constants the run's network drew, recomputed from its spec and network seed (the
   * engine's own draw): 30 equal-width bins between the smallest and the largest, as the network
   * designer's preview bins them.
   */
  taus: { unit: 'steps' | 'ms'; count: number; min: number; max: number; edges: number[]; counts: number[] };
  families: RunFamilyScore[];
  /** every task, in the experiment's task order (empty before the run has finished) */
  tasks: RunTaskScore[];
  /** mean capacity per memory depth × nonlinearity cell (the archive groups it) */
  map: RunMapCell[];
  /** null: not measured (a run of an older version, or not finished) */
  mechanisms: Mechanisms | null;
  baseline: RunBaseline | null;
  /** why there is no baseline, in words; null when there is one */
  baselineNote: string | null;
  /** the run's own tags (the experiment's are in run.tags too, and in experimentTags) */
  tags: string[];
  experimentTags: string[];
  notes: NoteRow[];
}
