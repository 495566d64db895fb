// The archive's commit and resume paths when SQLite refuses: each failure names the operation the
// user asked for and what was kept, and nothing of the failed step is left behind. Failures are made
// by a trigger that raises (the write reaches SQLite and is refused there), a read-only handle, or a
// closed one. Also what the LIF and rate runs store beside the scores: the calibration target of
// each planned run and the mechanism columns, read back.
import { describe, it, expect } from 'vitest';
import type { RunResult, RunSpec } from '../common/results.js';
import type { LifMechanisms, RateMechanisms } from '../common/mechanisms.js';
import { Archive } from './archive.js';
import { planRuns } from '../main/plan.js';
import { runTasks } from '../worker/run.js';
import { doneRunIds, freshArchive, synthCapacities, synthResult, synthSpec, valueOf } from '../test/fixtures/archive-helpers.js';
import { quenchRefusal as refusal } from '../test/fixtures/quench-refusal.js';

const runs = planRuns(synthSpec); // 2 conditions x 3 seeds; 4 tasks
const tasks = runTasks(runs[0]);
const result = (i: number): RunResult => synthResult(runs[i], synthCapacities(runs[i]));

const fresh = () => freshArchive('1.0.0');
const count = valueOf;
const refuse = (a: Archive, when: string) => a.db.exec(`CREATE TRIGGER refuse ${when} BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
const TRIGGER = '(SQLITE_CONSTRAINT_TRIGGER: refused by test)';

describe('failures name the operation and what was kept', () => {
  it('createExperiment: storing experiment "<name>", nothing stored', () => {
    const { a, path } = fresh();
    refuse(a, 'BEFORE INSERT ON experiments');
    expect(() => a.createExperiment(synthSpec, runs, tasks)).toThrow(`archive ${path}: storing experiment "synthetic" failed ${TRIGGER}; nothing of this step was written`);
    expect(count(a, `SELECT count(*) FROM specs`)).toBe(0);
    a.close();
  });

  it('refuses an experiment that plans no runs, or a first slice without runs', () => {
    const { a } = fresh();
    // a spec error (the user's to fix), not an internal one
    expect(refusal(() => a.createExperiment(synthSpec, runs.slice(0, 1), tasks, '', 0))).toEqual({ kind: 'spec', message: 'the experiment plans no runs' });
    expect(refusal(() => a.createExperiment(synthSpec, [], tasks))).toEqual({ kind: 'spec', message: 'the experiment plans no runs' });
    // an empty first slice of a sweep that plans runs in all: refused in the same words, not a crash
    expect(refusal(() => a.createExperiment(synthSpec, [], tasks, '', 6))).toEqual({ kind: 'spec', message: 'the experiment plans no runs' });
    expect(count(a, `SELECT count(*) FROM experiments`)).toBe(0);
    expect(count(a, `SELECT count(*) FROM runs`)).toBe(0);
    a.close();
  });

  it('addPlanned and remainingRuns: recording the planned runs, none added', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs.slice(0, 2), tasks, '', 6);
    refuse(a, 'BEFORE INSERT ON runs');
    const msg = `archive ${path}: recording the planned runs failed ${TRIGGER}; nothing of this step was written`;
    expect(() => a.addPlanned(exp.id, runs)).toThrow(msg);
    expect(() => a.remainingRuns(exp.id, runs)).toThrow(msg);
    expect(count(a, `SELECT count(*) FROM runs`)).toBe(2);
    a.close();
  });

  it('commitRun: storing run <i> (<key>); that run was not stored', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    a.commitRun(exp.id, result(0));
    refuse(a, `BEFORE UPDATE OF status ON runs WHEN NEW.status = 'done'`);
    expect(() => a.commitRun(exp.id, result(3))).toThrow(
      `archive ${path}: storing run 3 (${runs[3].key}) failed ${TRIGGER}; that run was not stored; the runs stored before it are kept`,
    );
    expect(a.doneIndices(exp.id)).toEqual([0]);
    expect(() => a.commitRuns(exp.id, [result(1), result(2)])).toThrow(
      `archive ${path}: storing 2 runs failed ${TRIGGER}; none of them was stored; the runs stored before them are kept`,
    );
    expect(a.doneIndices(exp.id)).toEqual([0]);
    expect(count(a, `SELECT count(*) FROM scores`)).toBe(4);
    a.close();
  });

  it('resetRuns: resetting <n> run(s) to pending; no run was reset', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    a.commitRuns(exp.id, [result(0), result(1)]);
    const ids = doneRunIds(a);
    refuse(a, 'BEFORE DELETE ON scores');
    expect(() => a.resetRuns(ids)).toThrow(`archive ${path}: resetting 2 run(s) to pending failed ${TRIGGER}; no run was reset`);
    expect(a.doneIndices(exp.id)).toEqual([0, 1]);
    expect(count(a, `SELECT count(*) FROM scores`)).toBe(8);
    a.close();
  });

  it('an empty reset does not touch the archive: a read-only one accepts it', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    a.commitRun(exp.id, result(0));
    const id = count(a, `SELECT run_id FROM runs WHERE status = 'done'`);
    a.close();
    const ro = Archive.open(path, { readonly: true });
    expect(ro.resetRuns([])).toBe(0);
    expect(() => ro.resetRuns([id])).toThrow(/^archive .* is read-only \(.*\) while resetting 1 run\(s\) to pending; no run was reset\. Use a writable file/);
    ro.close();
  });

  it('reads on a closed archive name what was being read', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    a.close();
    expect(() => a.progress(exp.id)).toThrow(`archive ${path}: counting runs failed: The database connection is not open`);
    expect(() => a.doneIndices(exp.id)).toThrow(`archive ${path}: listing finished runs failed: The database connection is not open`);
    expect(() => a.mechanismsOf(exp.id)).toThrow(`archive ${path}: reading mechanism measures failed: The database connection is not open`);
  });
});

describe('commitRun refusals are internal errors (the engine or scheduler is at fault)', () => {
  it('a run not planned, and a run with the wrong number of scores', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs.slice(0, 2), tasks, '', 6);
    expect(refusal(() => a.commitRun(exp.id, result(3)))).toEqual({ kind: 'internal', message: `run 3 (${runs[3].key}) is not a planned run of experiment ${exp.id}` });
    expect(refusal(() => a.commitRun(exp.id, synthResult(runs[1], [0.1, 0.2])))).toEqual({ kind: 'internal', message: `run 1 has 2 task scores; experiment ${exp.id} has 4 tasks` });
    expect(a.doneIndices(exp.id)).toEqual([]);
    a.close();
  });
});

describe('doneIndices', () => {
  it('lists the finished runs of that experiment only, ascending', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    const other = a.createExperiment(synthSpec, runs, tasks, 'other');
    expect(a.doneIndices(exp.id)).toEqual([]);
    a.commitRuns(exp.id, [result(4), result(1)]);
    a.commitRun(other.id, result(2));
    expect(a.doneIndices(exp.id)).toEqual([1, 4]);
    expect(a.doneIndices(other.id)).toEqual([2]);
    a.close();
  });
});

// ---------------------------------------------------------------------------------------------
// LIF calibration targets and mechanism columns

/** run i of the synthetic plan with a LIF model (`calibration` as given) in place of its rate model */
function lifRun(i: number, calibration?: { target: number | 'homogeneous'; by: 'bias' | 'threshold' }): RunSpec {
  const r = runs[i];
  const model = { kind: 'lif', tauMembraneMs: 20, vRest: 0, vReset: 0, vTh: 1, tRefMs: 2, dtSimMs: 1, dtTaskMs: 10, tauReadMs: 20, dale: false, biasMean: 0.5, noise: 0, ...(calibration ? { calibration } : {}) };
  return { ...r, network: { ...r.network, model } } as unknown as RunSpec;
}

describe('the rate target of a planned run', () => {
  it('is the calibration target of a calibrated LIF run, else empty', () => {
    const { a } = fresh();
    const planned = [lifRun(0, { target: 12.5, by: 'bias' }), lifRun(1, { target: 'homogeneous', by: 'threshold' }), lifRun(2), runs[3]];
    const exp = a.createExperiment(synthSpec, planned, tasks, '', 6);
    const targets = a.db.prepare(`SELECT run_index, rate_target FROM runs WHERE experiment_id = ? ORDER BY run_index`).all(exp.id);
    expect(targets).toEqual([
      { run_index: 0, rate_target: '12.5' },
      { run_index: 1, rate_target: 'homogeneous' },
      { run_index: 2, rate_target: null },
      { run_index: 3, rate_target: null },
    ]);
    a.close();
  });
});

const dist = (mean: number, cv: number, skewness: number, median: number) => ({
  n: 8, mean, sd: mean * cv, cv, skewness, median, p10: median / 2, p90: median * 2, histogram: { log: false, edges: [0, 1], counts: [8] },
});
const dims = { participationRatio: 3.5, components90: 4, components99: 7 };

const rateMech = (spectrum: boolean): RateMechanisms => ({
  kind: 'rate',
  ...dims,
  timescales: { ...dist(2.5, 0.4, 1.2, 2.2), estimator: 'ar1', undefinedNeurons: 0 },
  spectrum: spectrum
    ? { effective: { re: [0.9], im: [0] }, w: { re: [0.8], im: [0] }, effectiveTimescales: { ...dist(3, 0.3, 0.1, 2.75), unstable: 0 }, rho: 0.93 }
    : null,
  alignment: { ks: [1, 2], byFamily: { delay: [0.2, 0.4] }, kHalf: [1, 2, null, null] },
});

const lifMech: LifMechanisms = {
  kind: 'lif',
  ...dims,
  rates: { ...dist(12, 0.6, 0.5, 11), silentFraction: 0.1 },
  isiCv: dist(0.85, 0.2, 0, 0.8),
  fano: { windowMs: 100, mean: 1.3, median: 1.2, neurons: 7 },
  correlation: { binMs: 10, pairs: 20, mean: 0.04, sd: 0.02 },
};

const MECH_COLUMNS = `kind, participation_ratio, components90, components99, timescale_mean, timescale_cv, timescale_skewness, effective_timescale_median, rho_operating, rate_cv, isi_cv, fano, pair_correlation`;

describe('the mechanism measures stored with a run', () => {
  it('fill the rate columns of a rate run, the LIF columns of a LIF run, and come back whole', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    const withSpectrum = { ...result(0), mechanisms: rateMech(true) };
    const noSpectrum = { ...result(1), mechanisms: rateMech(false) };
    const lif = { ...result(2), mechanisms: lifMech };
    a.commitRuns(exp.id, [withSpectrum, noSpectrum, lif, result(3)]);
    const row = (i: number) => a.db.prepare(`SELECT ${MECH_COLUMNS} FROM run_mechanisms m JOIN runs r ON r.run_id = m.run_id WHERE r.run_index = ?`).get(i);
    const none = { rate_cv: null, isi_cv: null, fano: null, pair_correlation: null };
    expect(row(0)).toEqual({ kind: 'rate', participation_ratio: 3.5, components90: 4, components99: 7, timescale_mean: 2.5, timescale_cv: 0.4, timescale_skewness: 1.2, effective_timescale_median: 2.75, rho_operating: 0.93, ...none });
    expect(row(1)).toEqual({ kind: 'rate', participation_ratio: 3.5, components90: 4, components99: 7, timescale_mean: 2.5, timescale_cv: 0.4, timescale_skewness: 1.2, effective_timescale_median: null, rho_operating: null, ...none });
    expect(row(2)).toEqual({
      kind: 'lif', participation_ratio: 3.5, components90: 4, components99: 7,
      timescale_mean: null, timescale_cv: null, timescale_skewness: null, effective_timescale_median: null, rho_operating: null,
      rate_cv: 0.6, isi_cv: 0.85, fano: 1.3, pair_correlation: 0.04,
    });
    // a run without measures has no row, and is absent from the map
    expect(row(3)).toBeUndefined();
    const back = a.mechanismsOf(exp.id);
    expect([...back.keys()].sort()).toEqual([0, 1, 2]);
    expect(back.get(0)).toEqual(rateMech(true));
    expect(back.get(1)).toEqual(rateMech(false));
    expect(back.get(2)).toEqual(lifMech);
    a.close();
  });
});
