// What the archive stores when an experiment is made, when its runs are committed, resumed and reset
// (for recomputation): every column and row written, the sums kept per configuration, and the
// all-or-nothing transactions with the words their failures are reported in. Synthetic results with
// hand-chosen scores (test/fixtures/archive-helpers.ts), so every stored value is known.
import { describe, it, expect } from 'vitest';
import type { RunResult } from '../common/results.js';
import { Archive } from '../db/archive.js';
import { planRuns } from '../main/plan.js';
import { runTasks } from '../worker/run.js';
import { configTasksProblems, doneRunIds, freshArchive, synthCapacities, synthResult, synthSpec, valueOf } from './fixtures/archive-helpers.js';

const runs = planRuns(synthSpec); // 2 conditions x 3 seeds; 4 tasks: delay d0, d1, d2 and narma n5
const tasks = runTasks(runs[0]);
const result = (i: number): RunResult => synthResult(runs[i], synthCapacities(runs[i]));

const fresh = (name?: string) => freshArchive('7.7.7', name);

const runRow = (a: Archive, index: number) => a.db.prepare(`SELECT * FROM runs WHERE run_index = ?`).get(index) as Record<string, unknown>;
const count = valueOf;

describe('createExperiment', () => {
  it('stores the spec, the experiment, its tasks and every planned run as pending', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    expect(exp).toMatchObject({ name: 'synthetic', planned_runs: 6, task_count: 4, nonce: '', root_seed: 5, app_version: '7.7.7', analysis: 'none' });
    expect(a.db.prepare(`SELECT kind FROM specs ORDER BY kind`).pluck().all()).toEqual(['experiment', 'network', 'suite']);
    const stored = a.db.prepare(`SELECT task_index, id, family, channels, memory_depth, nonlinearity, parity, classification FROM tasks WHERE experiment_id = ? ORDER BY task_index`).all(exp.id);
    expect(stored).toEqual([
      { task_index: 0, id: 'delay/c0/d0', family: 'delay', channels: '[0]', memory_depth: 0, nonlinearity: 1, parity: 'odd', classification: 0 },
      { task_index: 1, id: 'delay/c0/d1', family: 'delay', channels: '[0]', memory_depth: 1, nonlinearity: 1, parity: 'odd', classification: 0 },
      { task_index: 2, id: 'delay/c0/d2', family: 'delay', channels: '[0]', memory_depth: 2, nonlinearity: 1, parity: 'odd', classification: 0 },
      { task_index: 3, id: 'narma/n5', family: 'narma', channels: '[0]', memory_depth: 5, nonlinearity: 2, parity: 'mixed', classification: 0 },
    ]);
    const rows = a.db.prepare(`SELECT run_index, run_key, status, family, cv, seed_index, root_seed, network_seed, input_seed FROM runs ORDER BY run_index`).all() as Record<string, unknown>[];
    expect(rows).toHaveLength(6);
    rows.forEach((row, i) => {
      expect(row).toEqual({
        run_index: i,
        run_key: runs[i].key,
        status: 'pending',
        family: runs[i].factors.family,
        cv: runs[i].factors.cv,
        seed_index: runs[i].factors.seedIndex,
        root_seed: runs[i].seeds.root,
        network_seed: runs[i].seeds.network,
        input_seed: runs[i].seeds.input,
      });
    });
    // each run's spec is kept whole: a run can be made again from the archive alone
    const spec = JSON.parse(a.db.prepare(`SELECT spec_json FROM run_specs s JOIN runs r ON r.run_id = s.run_id WHERE r.run_index = 4`).pluck().get() as string);
    expect(spec).toEqual(JSON.parse(JSON.stringify(runs[4])));
    expect(a.progress(exp.id)).toEqual({ done: 0, planned: 6 });
    a.close();
  });

  it('refuses an experiment without runs; the same experiment twice is the one stored, nothing more stored', () => {
    const { a } = fresh();
    expect(() => a.createExperiment(synthSpec, [], tasks)).toThrow('the experiment plans no runs');
    expect(() => a.createExperiment(synthSpec, runs, tasks, '', 0)).toThrow('the experiment plans no runs');
    const exp = a.createExperiment(synthSpec, runs, tasks);
    // two starts of one spec at once (two processes): the second finds the first's experiment
    expect(a.createExperiment(synthSpec, runs, tasks)).toEqual(exp);
    expect(count(a, `SELECT count(*) FROM experiments`)).toBe(1);
    expect(count(a, `SELECT count(*) FROM runs`)).toBe(6);
    // made again on purpose (a nonce): another experiment, its own runs
    const again = a.createExperiment(synthSpec, runs, tasks, 'again');
    expect(again.id).not.toBe(exp.id);
    expect(again.nonce).toBe('again');
    expect(count(a, `SELECT count(*) FROM runs WHERE experiment_id = ?`, again.id)).toBe(6);
    expect(count(a, `SELECT count(*) FROM specs`)).toBe(3);
    a.close();
  });
});

describe('planned runs: a slice at a time, and resuming', () => {
  it('stores the first slice with the whole count planned, then adds the others once each', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs.slice(0, 2), tasks, '', 6);
    expect(exp.planned_runs).toBe(6);
    expect(count(a, `SELECT count(*) FROM runs`)).toBe(2);
    expect(a.addPlanned(exp.id, runs.slice(1, 4))).toBe(2);
    expect(a.addPlanned(exp.id, runs)).toBe(2);
    expect(a.addPlanned(exp.id, runs)).toBe(0);
    expect(a.db.prepare(`SELECT run_index FROM runs ORDER BY run_index`).pluck().all()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(a.progress(exp.id)).toEqual({ done: 0, planned: 6 });
    a.close();
  });

  it('remainingRuns gives the runs not done, in order, and records any that had no row', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs.slice(0, 3), tasks, '', 6);
    a.commitRun(exp.id, result(1));
    a.commitRun(exp.id, result(4 - 2)); // run 2
    // runs 3-5 have no row yet (an archive that received only some runs by import)
    expect(a.remainingRuns(exp.id, runs).map((r) => r.index)).toEqual([0, 3, 4, 5]);
    expect(count(a, `SELECT count(*) FROM runs`)).toBe(6);
    // a slice asks about its own runs only
    expect(a.remainingRuns(exp.id, runs.slice(1, 3))).toEqual([]);
    expect(a.remainingRuns(exp.id, runs.slice(2, 5)).map((r) => r.index)).toEqual([3, 4]);
    expect(a.progress(exp.id)).toEqual({ done: 2, planned: 6 });
    a.close();
  });
});

describe('commitRun and commitRuns', () => {
  it('store the summary, the network, the timings and the app version of a run', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    const r = result(4); // lognormal c = 1, seed 1: capacities 0.63, 0.54, 0.28, 0.35
    r.network = { tau: { mean: 5.5, cv: 0.97, skewness: 2.5, min: 1.2, max: 40, bounded: 3, nominalCv: 1.1 }, rhoW: 0.91, rhoEff: 0.96, density: 0.12, meanRateHz: 14.5 };
    r.network.calibration = { by: 'threshold', targetHz: 15, target: 15, uncalibratedValue: 1, value: 0.93, achievedHz: 14.5, simulations: 7 };
    r.timings = { simulateMs: 11, readoutMs: 22, totalMs: 40 };
    r.backend = 'wasm';
    expect(a.commitRun(exp.id, r)).toBe(true);
    const row = runRow(a, 4);
    expect(row).toMatchObject({
      status: 'done',
      backend: 'wasm',
      app_version: '7.7.7',
      simulate_ms: 11,
      readout_ms: 22,
      total_ms: 40,
      tau_realised_mean: 5.5,
      tau_realised_cv: 0.97,
      tau_realised_skewness: 2.5,
      tau_realised_min: 1.2,
      tau_realised_max: 40,
      tau_bounded: 3,
      nominal_cv: 1.1,
      rho_w: 0.91,
      rho_eff: 0.96,
      density: 0.12,
      mean_rate_hz: 14.5,
      tasks: 4,
      rate_target_hz: 15,
      calibrated_by: 'threshold',
      uncalibrated_value: 1,
      calibrated_value: 0.93,
      calibration_runs: 7,
    });
    expect(row.mean_capacity).toBeCloseTo(0.45, 12);
    expect(row.total_capacity).toBeCloseTo(1.8, 12);
    expect(row.mean_r2).toBeCloseTo(0.45, 12);
    expect(typeof row.finished_at).toBe('string');
    // a run without calibration or match leaves those columns empty
    a.commitRun(exp.id, result(0));
    expect(runRow(a, 0)).toMatchObject({ nominal_cv: null, rate_target_hz: null, calibrated_by: null, uncalibrated_value: null, calibrated_value: null, calibration_runs: null, mean_rate_hz: null });
    // and both come back as they went in
    const loaded = a.loadResults(exp.id);
    expect(loaded.map((x) => x.index)).toEqual([0, 4]);
    expect(loaded[1].network.tau).toEqual(r.network.tau);
    expect([loaded[1].network.rhoW, loaded[1].network.rhoEff, loaded[1].network.density, loaded[1].network.meanRateHz]).toEqual([0.91, 0.96, 0.12, 14.5]);
    expect(loaded[0].network.calibration).toBeUndefined();
    a.close();
  });

  it('store every task score and the mean per family, and add them to their configuration', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    for (const i of [0, 1, 4]) a.commitRun(exp.id, result(i));
    const scores = a.db.prepare(`SELECT task_index, r2, capacity, nrmse, accuracy, ridge FROM scores s JOIN runs r ON r.run_id = s.run_id WHERE r.run_index = 1 ORDER BY task_index`).all();
    // homogeneous seed 1: 0.51, 0.41, 0.31, 0.21
    expect(scores).toEqual(synthCapacities(runs[1]).map((c, k) => ({ task_index: k, r2: c, capacity: c, nrmse: Math.sqrt(1 - c), accuracy: null, ridge: 1e-4 })));
    const families = a.db.prepare(`SELECT f.family, f.tasks, f.mean_capacity, f.mean_r2 FROM run_family f JOIN runs r ON r.run_id = f.run_id WHERE r.run_index = 1 ORDER BY f.family`).all() as Record<string, number>[];
    expect(families.map((f) => [f.family, f.tasks])).toEqual([['delay', 3], ['narma', 1]]);
    expect(families[0].mean_capacity).toBeCloseTo((0.51 + 0.41 + 0.31) / 3, 12);
    expect(families[0].mean_r2).toBeCloseTo((0.51 + 0.41 + 0.31) / 3, 12);
    expect(families[1].mean_capacity).toBeCloseTo(0.21, 12);
    // runs 0 and 1 share a configuration (homogeneous, seeds 0 and 1): two runs in its sums
    const sums = a.db.prepare(`SELECT k.task_index, k.runs, k.sum_capacity + k.sum_comp AS total FROM config_tasks k JOIN runs r ON r.config_hash = k.config_hash WHERE r.run_index = 0 ORDER BY k.task_index`).all() as Record<string, number>[];
    expect(sums.map((s) => s.runs)).toEqual([2, 2, 2, 2]);
    expect(sums[0].total).toBeCloseTo(0.5 + 0.51, 12);
    expect(configTasksProblems(path)).toEqual([]);
    expect(a.progress(exp.id)).toEqual({ done: 3, planned: 6 });
    a.close();
  });

  it('store a run once: committing it again changes nothing and says so', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    expect(a.commitRun(exp.id, result(2))).toBe(true);
    const changed = { ...result(2), scores: { ...result(2).scores, capacity: [0, 0, 0, 0] } };
    expect(a.commitRun(exp.id, changed)).toBe(false);
    expect(a.db.prepare(`SELECT capacity FROM scores ORDER BY task_index`).pluck().all()).toEqual(synthCapacities(runs[2]));
    expect(a.commitRuns(exp.id, [result(2), result(3), result(5)])).toBe(2);
    expect(count(a, `SELECT count(*) FROM scores`)).toBe(3 * 4);
    expect(configTasksProblems(path)).toEqual([]);
    a.close();
  });

  it('refuse a run that is not planned, or has the wrong number of scores, storing nothing of it', () => {
    const { a } = fresh();
    const exp = a.createExperiment(synthSpec, runs.slice(0, 2), tasks, '', 6);
    expect(() => a.commitRun(exp.id, result(3))).toThrow(`run 3 (${runs[3].key}) is not a planned run of experiment ${exp.id}`);
    const short = synthResult(runs[1], [0.1, 0.2, 0.3]);
    expect(() => a.commitRun(exp.id, short)).toThrow(`run 1 has 3 task scores; experiment ${exp.id} has 4 tasks`);
    expect(runRow(a, 1)).toMatchObject({ status: 'pending', mean_capacity: null });
    expect(count(a, `SELECT count(*) FROM scores`)).toBe(0);
    // a batch is one transaction: one bad run and none of them is stored
    expect(() => a.commitRuns(exp.id, [result(0), short])).toThrow(/has 3 task scores/);
    expect(count(a, `SELECT count(*) FROM runs WHERE status = 'done'`)).toBe(0);
    expect(count(a, `SELECT count(*) FROM config_tasks`)).toBe(0);
    a.close();
  });
});

describe('resetRuns', () => {
  it('makes finished runs pending again: scores, family means and configuration sums go, ids, tags and notes stay', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    expect(a.commitRuns(exp.id, runs.map((_, i) => result(i)))).toBe(6);
    const ids = a.db.prepare(`SELECT run_id FROM runs ORDER BY run_index`).pluck().all() as number[];
    const uid = runRow(a, 0).uid as string;
    a.tag({ kind: 'run', id: uid, label: '' }, ['looked-at']);
    a.addNote({ kind: 'run', id: uid, label: '' }, 'odd one');

    expect(a.resetRuns([])).toBe(0);
    // runs 0 and 3: one of each condition; a pending id counts for nothing
    expect(a.resetRuns([ids[0], ids[3]])).toBe(2);
    expect(a.resetRuns([ids[0]])).toBe(0);
    const row = runRow(a, 0);
    expect(row.run_id).toBe(ids[0]);
    expect(row).toMatchObject({ status: 'pending', backend: null, app_version: null, mean_capacity: null, total_capacity: null, mean_r2: null, tasks: null, finished_at: null, tau_realised_cv: null, rho_w: null, simulate_ms: null });
    expect(count(a, `SELECT count(*) FROM scores WHERE run_id IN (?, ?)`, ids[0], ids[3])).toBe(0);
    expect(count(a, `SELECT count(*) FROM run_family WHERE run_id IN (?, ?)`, ids[0], ids[3])).toBe(0);
    expect(count(a, `SELECT count(*) FROM scores`)).toBe(4 * 4);
    expect(configTasksProblems(path)).toEqual([]);
    expect(a.tagsOf({ kind: 'run', id: uid, label: '' })).toEqual(['looked-at']);
    expect(a.notesOf({ kind: 'run', id: uid, label: '' }).map((n) => n.text)).toEqual(['odd one']);
    expect(a.progress(exp.id)).toEqual({ done: 4, planned: 6 });
    expect(a.remainingRuns(exp.id, runs).map((r) => r.index)).toEqual([0, 3]);

    // made again, they are committed like new
    expect(a.commitRuns(exp.id, [result(0), result(3)])).toBe(2);
    expect(configTasksProblems(path)).toEqual([]);
    expect(a.progress(exp.id)).toEqual({ done: 6, planned: 6 });
    a.close();
  });

  it('removes the sums of a configuration whose runs are all reset', () => {
    const { a, path } = fresh();
    const exp = a.createExperiment(synthSpec, runs, tasks);
    a.commitRuns(exp.id, [result(0), result(3)]);
    const ids = doneRunIds(a);
    expect(count(a, `SELECT count(*) FROM config_tasks`)).toBe(2 * 4);
    expect(a.resetRuns(ids)).toBe(2);
    expect(count(a, `SELECT count(*) FROM config_tasks`)).toBe(0);
    expect(configTasksProblems(path)).toEqual([]);
    a.close();
  });
});

describe('the transaction around each write', () => {
  it('rolls a failed write back whole and says what was being done and what was kept', () => {
    const { a, path } = fresh();
    expect(a.write('doing a thing', () => 42)).toBe(42);
    a.db.exec(`CREATE TABLE t (x INTEGER PRIMARY KEY)`);
    expect(() =>
      a.write(
        'filling t',
        () => {
          a.db.prepare(`INSERT INTO t VALUES (1)`).run();
          a.db.prepare(`INSERT INTO t VALUES (1)`).run();
        },
        'the rows before it are kept',
      ),
    ).toThrow(`archive ${path}: filling t failed (SQLITE_CONSTRAINT_PRIMARYKEY: UNIQUE constraint failed: t.x); the rows before it are kept`);
    expect(count(a, `SELECT count(*) FROM t`)).toBe(0);
    expect(() => a.write('filling t', () => a.db.prepare(`INSERT INTO nowhere VALUES (1)`).run())).toThrow(/filling t failed .*; nothing of this step was written$/);
    expect(() => a.read('reading t', () => a.db.prepare(`SELECT * FROM nowhere`).all())).toThrow(/reading t failed .*; nothing was changed$/);
    expect(a.read('reading t', () => 7)).toBe(7);
    a.close();
  });
});
