// What a run's page reads from the archive (QuenchApi.getRun): the run found by its uid (or a unique
// prefix), its stored columns and spec, its per-family means, its per-task scores with the tasks'
// coordinates, its capacity grouped by memory depth × nonlinearity, its mechanism measures, and the
// runs that may be its baseline. The pairing rule that picks among those is the analysis module's
// (main/service/run-detail.ts calls main/analysis/compare.ts).
import type { Mechanisms } from '../common/mechanisms.js';
import { QuenchError } from '../common/errors.js';
import type { RunFamilyScore, RunMapCell, RunTaskScore } from '../common/run-detail.js';
import type { Archive } from './archive.js';

/** The columns of a run that its page shows (the runs table's RunRow comes from Archive.listRuns). */
export interface RunColumns {
  run_id: number;
  uid: string;
  experiment_id: string;
  status: string;
  family: string;
  cv: number;
  config_hash: string;
  seed_index: number;
  root_seed: number;
  network_seed: number;
  input_seed: number;
  backend: string | null;
  app_version: string | null;
  simulate_ms: number | null;
  readout_ms: number | null;
  total_ms: number | null;
  created_at: string;
  finished_at: string | null;
  tau_realised_mean: number | null;
  tau_realised_cv: number | null;
  tau_realised_skewness: number | null;
  tau_realised_min: number | null;
  tau_realised_max: number | null;
  tau_bounded: number | null;
  nominal_cv: number | null;
  rho_w: number | null;
  rho_eff: number | null;
  density: number | null;
  mean_rate_hz: number | null;
  rate_target: string | null;
  rate_target_hz: number | null;
  calibrated_by: string | null;
  uncalibrated_value: number | null;
  calibrated_value: number | null;
  calibration_runs: number | null;
  spec_json: string;
}

/** A run by its uid, or by a prefix that names one run only (at least 6 hex digits: the CLI's rule). */
export function findRun(archive: Archive, ref: string): RunColumns {
  const rows = archive.read('looking up the run', () =>
    archive.db
      .prepare(
        `SELECT r.run_id, r.uid, r.experiment_id, r.status, r.family, r.cv, r.config_hash, r.seed_index, r.root_seed, r.network_seed, r.input_seed,
           r.backend, r.app_version, r.simulate_ms, r.readout_ms, r.total_ms, r.created_at, r.finished_at,
           r.tau_realised_mean, r.tau_realised_cv, r.tau_realised_skewness, r.tau_realised_min, r.tau_realised_max, r.tau_bounded, r.nominal_cv,
           r.rho_w, r.rho_eff, r.density, r.mean_rate_hz, r.rate_target, r.rate_target_hz, r.calibrated_by, r.uncalibrated_value, r.calibrated_value,
           r.calibration_runs, s.spec_json
         FROM runs r JOIN run_specs s ON s.run_id = r.run_id
         WHERE r.uid GLOB ? || '*' ORDER BY r.uid LIMIT 3`,
      )
      .all(ref) as RunColumns[],
  );
  if (rows.length === 0) throw new QuenchError('not-found', `no run with uid ${ref} in archive ${archive.path} (see the Runs view, or \`quench runs\`)`);
  if (rows.length > 1 && rows[0].uid !== ref) {
    throw new QuenchError('input', `"${ref}" is the start of more than one run's uid in archive ${archive.path} (${rows.map((r) => r.uid.slice(0, 16)).join(', ')}…); give more of it`);
  }
  return rows[0];
}

/** The run's means per task family, in the order of the task list. */
export function runFamilies(archive: Archive, run: RunColumns): RunFamilyScore[] {
  return archive.db
    .prepare(
      `SELECT f.family, f.tasks, f.mean_capacity AS meanCapacity, f.mean_r2 AS meanR2
       FROM run_family f
       WHERE f.run_id = ?
       ORDER BY (SELECT min(t.task_index) FROM tasks t WHERE t.experiment_id = ? AND t.family = f.family), f.family`,
    )
    .all(run.run_id, run.experiment_id) as RunFamilyScore[];
}

/** Every task's scores in this run, with the task's coordinates, in task order. */
export function runTaskScores(archive: Archive, run: RunColumns): RunTaskScore[] {
  return archive.db
    .prepare(
      `SELECT s.task_index AS "index", t.id, t.family, t.memory_depth AS memoryDepth, t.nonlinearity, s.capacity, s.r2, s.nrmse, s.accuracy
       FROM scores s JOIN tasks t ON t.experiment_id = ? AND t.task_index = s.task_index
       WHERE s.run_id = ?
       ORDER BY s.task_index`,
    )
    .all(run.experiment_id, run.run_id) as RunTaskScore[];
}

/** The run's mean capacity over the tasks of each memory depth and nonlinearity degree. */
export function runMap(archive: Archive, run: RunColumns): RunMapCell[] {
  return archive.db
    .prepare(
      `SELECT t.memory_depth AS memoryDepth, t.nonlinearity, count(*) AS tasks, avg(s.capacity) AS meanCapacity
       FROM scores s JOIN tasks t ON t.experiment_id = ? AND t.task_index = s.task_index
       WHERE s.run_id = ?
       GROUP BY t.memory_depth, t.nonlinearity
       ORDER BY t.memory_depth, t.nonlinearity`,
    )
    .all(run.experiment_id, run.run_id) as RunMapCell[];
}

/** The run's mechanism measures; null when it was not measured. */
export function runMechanismsOf(archive: Archive, run: RunColumns): Mechanisms | null {
  const json = archive.db.prepare(`SELECT json FROM run_mechanisms WHERE run_id = ?`).pluck().get(run.run_id) as string | undefined;
  return json === undefined ? null : (JSON.parse(json) as Mechanisms);
}

/** A run that may be the baseline of another. */
export interface BaselineCandidate {
  run_id: number;
  uid: string;
  run_index: number;
  config_hash: string;
  mean_capacity: number | null;
}

/**
 * The finished homogeneous runs of the run's experiment that share its network and input seeds: the
 * runs it can be paired with against homogeneous (the analysis module picks the one whose
 * configuration differs from it only in the heterogeneity).
 */
export function baselineCandidates(archive: Archive, run: RunColumns): BaselineCandidate[] {
  return archive.db
    .prepare(
      `SELECT run_id, uid, run_index, config_hash, mean_capacity FROM runs
       WHERE experiment_id = ? AND status = 'done' AND network_seed = ? AND input_seed = ? AND uid <> ?
         AND (family = 'none' OR (cv = 0 AND family <> 'empirical'))
       ORDER BY run_index`,
    )
    .all(run.experiment_id, run.network_seed, run.input_seed, run.uid) as BaselineCandidate[];
}
