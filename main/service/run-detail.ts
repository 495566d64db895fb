// One run's page (QuenchApi.getRun): the archive's rows (db/run-detail.ts), the time constants its
// network drew (recomputed from the spec and the network seed, as the comparisons' mechanisms do), and
// its baseline: the homogeneous run of its experiment with the same seeds that the comparisons would
// pair it with (main/analysis/compare.ts decides, by its pairing rule, so the page and Compare agree),
// with the configuration diff between the two (db/compare.ts, as Compare shows it).
import { z } from 'zod';
import type { RunBaseline, RunDetail } from '../../common/run-detail.js';
import type { RunSpec } from '../../common/results.js';
import type { RateCalibrationResult } from '../../common/results.js';
import type { Archive } from '../../db/archive.js';
import { configDiff } from '../../db/compare.js';
import { baselineCandidates, findRun, runFamilies, runMap, runMechanismsOf, runTaskScores, type RunColumns } from '../../db/run-detail.js';
import { compare } from '../analysis/compare.js';
import { realisedTaus } from '../analysis/compare-mechanisms.js';
import { histogram } from './preview.js';

/** getRun's argument: a run's uid (64 hex digits), or a prefix of it of at least 6 (as `quench tag` takes it). */
export const RunRef = z
  .string()
  .regex(/^[0-9a-f]{6,64}$/, "a run's uid: 64 lowercase hex digits (or the first 6 or more of them)");

const isHomogeneous = (r: { family: string; cv: number }) => r.family === 'none' || (r.cv === 0 && r.family !== 'empirical');

/** Everything the run page shows of the run `ref` (its uid, or a prefix that names one run). */
export function runDetail(archive: Archive, ref: string): RunDetail {
  return archive.read('reading the run', () => {
    const run = findRun(archive, ref);
    const spec = JSON.parse(run.spec_json) as RunSpec;
    const row = archive.listRuns({ runUids: [run.uid] }).rows[0]!;
    const experiment = archive.getExperiment(run.experiment_id);
    const taus = realisedTaus(spec.network, run.network_seed);
    const h = histogram(taus);
    const { baseline, note } = baselineOf(archive, run);
    const done = run.status === 'done';
    return {
      run: row,
      experiment: { id: experiment.id, name: experiment.name, claim: experiment.claim },
      spec,
      seeds: { root: run.root_seed, index: run.seed_index, network: run.network_seed, input: run.input_seed },
      backend: run.backend,
      appVersion: run.app_version,
      timings: { simulateMs: run.simulate_ms, readoutMs: run.readout_ms, totalMs: run.total_ms, createdAt: run.created_at, finishedAt: run.finished_at },
      realised: done
        ? {
            tau: {
              mean: run.tau_realised_mean!,
              cv: run.tau_realised_cv!,
              skewness: run.tau_realised_skewness!,
              min: run.tau_realised_min!,
              max: run.tau_realised_max!,
              bounded: run.tau_bounded!,
              ...(run.nominal_cv !== null ? { nominalCv: run.nominal_cv } : {}),
            },
            rhoW: run.rho_w,
            rhoEff: run.rho_eff,
            density: run.density,
            meanRateHz: run.mean_rate_hz,
            calibration: calibrationOf(run),
          }
        : null,
      taus: {
        unit: spec.network.model.kind === 'rate' ? 'steps' : 'ms',
        count: taus.length,
        min: Math.min(...taus),
        max: Math.max(...taus),
        edges: h.edges,
        counts: h.counts,
      },
      families: runFamilies(archive, run),
      tasks: runTaskScores(archive, run),
      map: runMap(archive, run),
      mechanisms: runMechanismsOf(archive, run),
      baseline,
      baselineNote: note,
      tags: archive.tagsOf({ kind: 'run', id: run.uid, label: '' }),
      experimentTags: archive.tagsOf({ kind: 'experiment', id: run.experiment_id, label: '' }),
      notes: archive.notesOf({ kind: 'run', id: run.uid, label: '' }),
    };
  });
}

/** The run's firing-rate calibration as stored (null: none), as Archive reads it for results. */
function calibrationOf(run: RunColumns): RateCalibrationResult | null {
  if (run.calibrated_by === null || run.rate_target === null) return null;
  return {
    by: run.calibrated_by as RateCalibrationResult['by'],
    target: run.rate_target === 'homogeneous' ? 'homogeneous' : Number(run.rate_target),
    targetHz: run.rate_target_hz!,
    uncalibratedValue: run.uncalibrated_value!,
    value: run.calibrated_value!,
    achievedHz: run.mean_rate_hz!,
    simulations: run.calibration_runs!,
  };
}

/**
 * The homogeneous run this run is set against, as a comparison of its experiment pairs them: among
 * the finished homogeneous runs with the same network and input seeds, the one whose configuration
 * differs from it only in the heterogeneity (Compare's default conditions, on these runs only).
 */
function baselineOf(archive: Archive, run: RunColumns): { baseline: RunBaseline | null; note: string | null } {
  if (isHomogeneous(run)) return { baseline: null, note: 'This run is homogeneous: it is the baseline the heterogeneous runs of its experiment are compared with.' };
  if (run.status !== 'done') return { baseline: null, note: `This run is ${run.status}: it is compared once it has finished.` };
  const candidates = baselineCandidates(archive, run);
  const none = {
    baseline: null,
    note: `No homogeneous run of this experiment shares this run's seeds (network seed ${run.network_seed}, input seed ${run.input_seed}) and differs from it only in the heterogeneity, so it has no baseline here; Compare can set it against runs of other experiments.`,
  };
  if (candidates.length === 0) return none;
  const c = compare(archive, { filter: { runUids: [run.uid, ...candidates.map((x) => x.uid)] }, curve: null });
  const contrast = c.contrasts.find((x) => x.other.startsWith(`${run.config_hash}/`));
  const partner = contrast ? candidates.find((x) => contrast.baseline.startsWith(`${x.config_hash}/`)) : undefined;
  if (!contrast || !partner) return none;
  const diff = configDiff(archive, [
    ['run', run.run_id],
    ['baseline', partner.run_id],
  ]).map((d) => ({ path: d.path, run: d.values.run ?? null, baseline: d.values.baseline ?? null }));
  return {
    baseline: {
      uid: partner.uid,
      runIndex: partner.run_index,
      label: contrast.baselineLabel,
      meanCapacity: partner.mean_capacity,
      matched: `the homogeneous run of the same experiment with the same network and input seeds (seed ${run.seed_index} of root ${run.root_seed}), whose configuration differs from this run's only in the heterogeneity, as Compare pairs them`,
      diff,
    },
    note: null,
  };
}
