// The archive on real SQLite files in temporary folders: layout and pragmas, what it refuses to open,
// per-run commits, full-disk and read-only failures, comparisons against hand-computed numbers.
import { describe, it, expect } from 'vitest';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { QuenchError } from '../common/errors.js';
import { Archive } from '../db/archive.js';
import { compare } from '../main/analysis/compare.js';
import { flaggedRunIds } from '../db/errata.js';
import { filterSql, parseClause } from '../db/filters.js';
import { APPLICATION_ID, SCHEMA_VERSION } from '../db/schema.js';
import { planRuns } from '../main/plan.js';
import { runAll } from '../main/scheduler.js';
import { runTasks } from '../worker/run.js';
import { configTasksProblems, fileHash, makeSynthetic, runInto, smallSpec, synthCapacities, synthResult, synthSpec, tempDir } from './fixtures/archive-helpers.js';

const T975_2 = 4.3026527; // t_{0.975, 2}, as in main/analysis/stats.ts

describe('archive file', () => {
  it('is made with WAL, foreign keys, the application id and the current schema version', () => {
    const path = join(tempDir(), 'new', 'archive.sqlite');
    const a = Archive.open(path);
    expect(existsSync(path)).toBe(true); // the folder was made too
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(a.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(a.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(a.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const scores = a.db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'scores'`).pluck().get() as string;
    expect(scores).toMatch(/PRIMARY KEY \(run_id, task_index\)\s*\) WITHOUT ROWID/);
    a.close();
  });

  it('leaves a file of a newer schema untouched and says so', () => {
    const path = join(tempDir(), 'newer.sqlite');
    const db = new Database(path);
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION + 1}; CREATE TABLE future (x)`);
    db.close();
    const before = fileHash(path);
    expect(() => Archive.open(path)).toThrow(`archive ${path} was written by a newer Quench (schema ${SCHEMA_VERSION + 1}; this version reads up to ${SCHEMA_VERSION}); it was left untouched`);
    expect(fileHash(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a foreign SQLite file and a file that is not SQLite, touching neither', () => {
    const dir = tempDir();
    const foreign = join(dir, 'foreign.sqlite');
    const db = new Database(foreign);
    db.exec(`CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)`);
    db.close();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some text, not a database\n');
    const [hf, ht] = [fileHash(foreign), fileHash(text)];
    expect(() => Archive.open(foreign)).toThrow(/is an SQLite database but not a Quench archive \(application_id 0x00000000.*left untouched/);
    expect(() => Archive.open(text)).toThrow(`${text} is not a Quench archive (not an SQLite database); it was left untouched`);
    expect([fileHash(foreign), fileHash(text)]).toEqual([hf, ht]);
  });

  it('says there is no archive yet instead of making one for a query', () => {
    const path = join(tempDir(), 'none.sqlite');
    expect(() => Archive.open(path, { create: false })).toThrow(/no archive at .*none\.sqlite yet/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('runs in the archive', () => {
  it('stores planned runs as pending and commits each finished run with its scores and family means', async () => {
    const a = Archive.open(join(tempDir(), 'a.sqlite'), { appVersion: '9.9.9' });
    const spec = smallSpec();
    const runs = planRuns(spec);
    const exp = a.createExperiment(spec, runs, runTasks(runs[0]));
    expect(exp.planned_runs).toBe(6);
    expect(a.progress(exp.id)).toEqual({ done: 0, planned: 6 });
    expect(a.findExperimentBySpec(spec)?.id).toBe(exp.id);
    const results = await runAll(runs.slice(0, 2), { threads: 0, onResult: (r) => a.commitRun(exp.id, r) });
    expect(a.progress(exp.id)).toEqual({ done: 2, planned: 6 });
    // committing a run twice does not duplicate it
    expect(a.commitRun(exp.id, results[0])).toBe(false);
    expect(a.counts()).toMatchObject({ runs: 6, scores: 2 * 25, run_family: 2 * 3 });
    const loaded = a.loadResults(exp.id);
    expect(loaded.map((r) => r.key)).toEqual(results.map((r) => r.key));
    expect(loaded[1].scores).toEqual(results[1].scores);
    expect(loaded[1].network).toEqual(results[1].network);
    for (const f of Object.keys(results[1].summary.perFamily)) expect(loaded[1].summary.perFamily[f]).toBeCloseTo(results[1].summary.perFamily[f], 12);
    const row = a.db.prepare(`SELECT app_version, backend, status, tau_realised_cv, rho_eff FROM runs WHERE run_index = 1`).get() as Record<string, unknown>;
    expect(row).toEqual({ app_version: '9.9.9', backend: results[1].backend, status: 'done', tau_realised_cv: results[1].network.tau.cv, rho_eff: results[1].network.rhoEff });
    expect(a.remainingRuns(exp.id, runs).map((r) => r.index)).toEqual([2, 3, 4, 5]);
    a.close();
  });

  it('reports a full disk as an error naming the archive, keeping the runs stored before', () => {
    const path = join(tempDir(), 'full.sqlite');
    const a = Archive.open(path);
    const runs = planRuns(synthSpec);
    const exp = a.createExperiment(synthSpec, runs, runTasks(runs[0]));
    a.commitRun(exp.id, synthResult(runs[0], synthCapacities(runs[0])));
    a.db.pragma('wal_checkpoint(TRUNCATE)');
    // the size limit SQLite enforces like a full disk: no page beyond the current ones
    a.db.pragma(`max_page_count = ${a.db.pragma('page_count', { simple: true }) as number}`);
    let err: unknown;
    try {
      for (let i = 1; i < runs.length; i++) a.commitRun(exp.id, synthResult(runs[i], synthCapacities(runs[i])));
      // a small run may still fit in free space: force growth with a long note
      a.addNote({ kind: 'experiment', id: exp.id, label: '' }, 'x'.repeat(200_000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuenchError);
    expect((err as Error).message).toContain(`archive ${path} is full (no space left on the disk, or the archive's size limit reached)`);
    a.close();
    const b = Archive.open(path);
    const done = b.db.prepare(`SELECT count(*) FROM runs WHERE status = 'done'`).pluck().get() as number;
    expect(done).toBeGreaterThanOrEqual(1);
    // every done run is whole: 4 scores and 2 family means each, nothing half-written
    expect(b.counts()).toMatchObject({ scores: 4 * done, run_family: 2 * done });
    b.close();
  });

  it('reports a read-only archive as an error naming it, and writes nothing', () => {
    const path = join(tempDir(), 'ro.sqlite');
    const { archive, id } = makeSynthetic(path);
    archive.db.prepare(`UPDATE runs SET status = 'pending' WHERE run_index = 5`).run();
    archive.db.prepare(`DELETE FROM scores WHERE run_id = (SELECT run_id FROM runs WHERE run_index = 5)`).run();
    archive.close();
    const ro = Archive.open(path, { readonly: true });
    const runs = planRuns(synthSpec);
    expect(() => ro.commitRun(id, synthResult(runs[5], synthCapacities(runs[5])))).toThrow(`archive ${path} is read-only`);
    expect(() => ro.tag({ kind: 'experiment', id, label: '' }, ['x'])).toThrow(/is read-only .* while adding tags/);
    expect(ro.progress(id)).toEqual({ done: 5, planned: 6 });
    ro.close();
    if (process.getuid?.() !== 0) {
      // file permissions only bind a user that is not root
      chmodSync(path, 0o444);
      expect(() => {
        const a = Archive.open(path);
        a.commitRun(id, synthResult(runs[5], synthCapacities(runs[5])));
      }).toThrow(/read-only|cannot open/);
    }
  });
});

describe('filters', () => {
  it('turns fields, aliases, alternatives and spec paths into bound SQL', () => {
    expect(parseClause('family=none|lognormal')).toMatchObject({ column: 'family', op: '=', values: ['none', 'lognormal'] });
    expect(parseClause('L>=100')).toMatchObject({ column: 'train_length', op: '>=' });
    expect(parseClause('network.p=0.1')).toMatchObject({ column: null, jsonPath: '$.network.p' });
    expect(() => parseClause('fam=none')).toThrow(/unknown field "fam"/);
    expect(() => parseClause('n=big')).toThrow(/n is a number/);
    const w = filterSql({ where: ['family=none|lognormal', 'network.model.form=li'], tags: ['x'], status: ['done'] });
    // the tag twice: a run's own tags, and its experiment's
    expect(w.params).toEqual(['none', 'lognormal', '$.network.model.form', 'li', 'x', 'x', 'done']);
  });

  it('selects runs by factor, spec path, tag, status and date', () => {
    const { archive: a, id } = makeSynthetic(join(tempDir(), 'f.sqlite'));
    expect(a.listRuns({ where: ['family=lognormal'] }).total).toBe(3);
    expect(a.listRuns({ where: ['homogeneous=true'] }).total).toBe(3);
    expect(a.listRuns({ where: ['homogeneous!=yes', 'cv=1'] }).total).toBe(3);
    expect(() => a.listRuns({ where: ['homogeneous=maybe'] })).toThrow(/homogeneous is true or false/);
    expect(a.listRuns({ where: ['network.heterogeneity.cv>0.5', 'seed<=1'] }).total).toBe(2);
    expect(a.listRuns({ where: ['capacity>0.4'] }).total).toBe(3); // lognormal 0.43 0.45 0.47; homogeneous 0.35 0.36 0.37
    const firstRun = a.listRuns({ where: ['seed=0', 'family=none'] }).rows[0];
    a.tag(a.resolveTarget(firstRun.uid.slice(0, 10)), ['keep']);
    expect(a.listRuns({ tags: ['keep'] }).rows.map((r) => r.uid)).toEqual([firstRun.uid]);
    a.tag(a.resolveTarget(id), ['paper']);
    expect(a.listRuns({ tags: ['paper'] }).total).toBe(6);
    expect(a.listRuns({ status: ['pending'] }).total).toBe(0);
    expect(a.listRuns({ since: new Date(Date.now() - 60_000).toISOString() }).total).toBe(6);
    expect(a.listRuns({ until: '2000-01-01T00:00:00.000Z' }).total).toBe(0);
    a.close();
  });
});

describe('compare', () => {
  it('gives the hand-computed numbers: seeds aggregated per configuration, paired per task, per family', () => {
    const { archive: a } = makeSynthetic(join(tempDir(), 'c.sqlite'));
    const c = compare(a, { filter: {} });
    expect(c.families).toEqual(['delay', 'narma']);
    const [homo, het] = c.groups;
    expect(homo.label).toBe('homogeneous');
    expect(het.label).toBe('lognormal c=1');
    // homogeneous per-seed means 0.35, 0.36, 0.37; lognormal 0.43, 0.45, 0.47
    expect(homo.meanCapacity.mean).toBeCloseTo(0.36, 12);
    expect(homo.meanCapacity.halfWidth).toBeCloseTo((T975_2 * 0.01) / Math.sqrt(3), 6);
    expect(het.meanCapacity.mean).toBeCloseTo(0.45, 12);
    expect(het.meanCapacity.halfWidth).toBeCloseTo((T975_2 * 0.02) / Math.sqrt(3), 6);
    // per family: homogeneous delay = mean(0.5, 0.4, 0.3) + 0.01 s -> 0.41; narma 0.2 + 0.01 s -> 0.21
    expect(homo.perFamily.delay.mean).toBeCloseTo(0.41, 12);
    expect(homo.perFamily.narma.mean).toBeCloseTo(0.21, 12);
    expect(het.perFamily.narma.mean).toBeCloseTo(0.35, 12);

    expect(c.contrasts).toHaveLength(1);
    const p = c.contrasts[0];
    expect(p.label).toBe('lognormal c=1 vs homogeneous');
    expect(p.design).toBe('paired');
    expect(p.seeds).toBe(3);
    // per-seed differences 0.08, 0.09, 0.10: paired t = 0.09 / (0.01 / √3) = 15.588 with df 2
    expect(p.delta.mean).toBeCloseTo(0.09, 12);
    expect(p.delta.hi - p.delta.mean).toBeCloseTo((T975_2 * 0.01) / Math.sqrt(3), 6);
    expect(p.test.t).toBeCloseTo(0.09 / (0.01 / Math.sqrt(3)), 6);
    // two-sided p of t(2): 1 - t / sqrt(t² + 2)
    expect(p.test.p).toBeCloseTo(1 - p.test.t / Math.sqrt(p.test.t ** 2 + 2), 12);
    expect(p.verdict).toBe('higher');
    expect(p.headline).toBe(true);
    expect(p.scope).toBe('one experiment');
    // three seeds, all differences positive: the sign-flip p is at its floor 2/8
    expect(p.signFlip).toEqual({ p: 0.25, exact: true, floor: 0.25 });
    // seed-averaged per task: homogeneous 0.51 0.41 0.31 0.21, lognormal 0.63 0.54 0.28 0.35:
    // differences 0.12 0.13 -0.03 0.14 -> 3 higher, 1 lower; signed ranks 2 3 -1 4: W+ = 9, and
    // exactly 2 of the 16 sign patterns reach W+ >= 9, so the two-sided exact p = 2 * 2/16
    expect(p.tasks).toBe(4);
    expect([p.wins, p.losses, p.ties]).toEqual([3, 1, 0]);
    expect(p.wilcoxon!.wPlus).toBe(9);
    expect(p.wilcoxon!.p).toBeCloseTo(0.25, 12);
    expect(p.wilcoxon!.exact).toBe(true);
    expect(p.perFamily.delay.tasks).toBe(3);
    expect(p.perFamily.delay.meanDiff).toBeCloseTo(0.22 / 3, 12);
    expect([p.perFamily.delay.wins, p.perFamily.delay.losses]).toEqual([2, 1]);
    expect(p.perFamily.narma).toMatchObject({ tasks: 1, wins: 1, losses: 0, ties: 0 });
    expect(p.perFamily.narma.meanDiff).toBeCloseTo(0.14, 12);
    expect(c.errata).toEqual([]);

    // the configuration diff shows only the fields that differ
    expect(c.diff.map((d) => d.path)).toEqual(['network.heterogeneity.cv', 'network.heterogeneity.family']);
    expect(Object.values(c.diff[1].values)).toEqual(['none', 'lognormal']);
    a.close();
  });

  it('pairs explicit conditions, only on shared seeds, and in any order', () => {
    const { archive: a } = makeSynthetic(join(tempDir(), 'c2.sqlite'));
    const c = compare(a, { filter: { where: ['seed!=2'] }, conditions: ['family=lognormal', 'family=none'] });
    expect(c.contrasts).toHaveLength(1);
    const p = c.contrasts[0];
    expect(p.label).toBe('homogeneous vs lognormal c=1');
    expect(p.seeds).toBe(2);
    // per seed: 0.35 - 0.43, 0.36 - 0.45
    expect(p.delta.mean).toBeCloseTo(-0.085, 12);
    // per task over seeds 0, 1: homogeneous 0.505 0.405 0.305 0.205; lognormal 0.62 0.53 0.27 0.34
    expect([p.wins, p.losses, p.ties]).toEqual([1, 3, 0]);
    a.close();
  });

  it('draws the resilience curve: capacity against manipulation, one series per heterogeneity level', async () => {
    const a = Archive.open(join(tempDir(), 'curve.sqlite'));
    const spec = { ...smallSpec(), sweep: { ...smallSpec().sweep, seeds: 2, manipulations: [{ label: 'base', ops: [] }, { label: 'W=0', ops: [{ op: 'removeRecurrence' as const }] }] } };
    await runInto(a, spec);
    const c = compare(a, { filter: {} });
    expect(c.curve?.x).toBe('manipulation');
    expect(c.curve?.xs).toEqual(['base', 'W=0']);
    expect(c.curve?.series.map((s) => s.label)).toEqual(['homogeneous', 'lognormal c=1']);
    const het = c.groups.find((g) => g.label === 'lognormal c=1, W=0')!;
    expect(c.curve!.series[1].points[1]!.meanCapacity.mean).toBe(het.meanCapacity.mean);
    expect(c.contrasts.map((p) => p.label)).toEqual(['lognormal c=1, base vs homogeneous, base', 'lognormal c=1, W=0 vs homogeneous, W=0']);
    a.close();
  });

  it('leaves out a seed without a partner, and says so', () => {
    const { archive: a } = makeSynthetic(join(tempDir(), 'partial.sqlite'));
    a.db.exec(`DELETE FROM runs WHERE family = 'lognormal' AND seed_index = 2`);
    const p = compare(a, { filter: {} }).contrasts[0];
    expect(p.design).toBe('paired');
    expect(p.seeds).toBe(2);
    expect(p.seedsBaseline).toBe(3);
    expect(p.leftOut.join(' ')).toMatch(/1 seed\(s\) of homogeneous with no partner in lognormal c=1 \(seed 2 of root 5\)/);
    a.close();
  });
});

describe('pairing rules across experiments', () => {
  /** the synthetic experiment again, with another root seed (its networks and inputs are other ones) */
  function twoExperiments(path: string, rootSeed: number) {
    const { archive: a, id } = makeSynthetic(path);
    const spec = { ...synthSpec, rootSeed };
    const runs = planRuns(spec);
    const other = a.createExperiment(spec, runs, runTasks(runs[0]));
    // the second experiment's heterogeneous runs 0.05 higher than the first's
    a.commitRuns(other.id, runs.map((r) => synthResult(r, synthCapacities(r).map((c) => (r.factors.family === 'none' ? c : c + 0.05)))));
    return { a, first: id, second: other.id };
  }

  it('pairs only runs that share network and input seeds: other root seeds are compared unpaired (Welch), and never headline', () => {
    const { a, first, second } = twoExperiments(join(tempDir(), 'x.sqlite'), 99);
    // homogeneous of the first experiment against lognormal of the second: no seed in common
    const c = compare(a, { filter: { where: [`experiment=${first}|${second}`] }, conditions: [`family=none,experiment=${first}`, `family=lognormal,experiment=${second}`] });
    expect(c.contrasts).toHaveLength(1);
    const p = c.contrasts[0];
    expect(p.design).toBe('unpaired');
    expect(p.test.name).toBe('Welch t');
    // per-seed means: homogeneous 0.35 0.36 0.37, lognormal 0.48 0.50 0.52
    expect(p.delta.mean).toBeCloseTo(0.14, 12);
    expect(p.seedsBaseline).toBe(3);
    expect(p.seedsOther).toBe(3);
    expect(p.scope).toBe('across experiments');
    expect(p.headline).toBe(false);
    expect(p.signFlip).toBeNull();
    expect(p.leftOut.join(' ')).toMatch(/no seed in common: compared unpaired \(Welch\)/);
    a.close();
  });

  it('pools two experiments of one configuration paired seed by seed, but only one experiment alone may headline', () => {
    const { a, first, second } = twoExperiments(join(tempDir(), 'y.sqlite'), 98);
    const c = compare(a, { filter: {} });
    // the two experiments' configurations are the same (config hash ignores seeds): one group each side, 6 seeds each
    expect(c.groups.map((g) => g.runs)).toEqual([6, 6]);
    const p = c.contrasts[0];
    expect(p.design).toBe('paired');
    expect(p.seeds).toBe(6);
    expect(p.scope).toBe('across experiments');
    expect(p.headline).toBe(false);
    expect(new Set(c.groups.flatMap((g) => g.experiments))).toEqual(new Set([first, second]));
    const one = compare(a, { filter: { experiments: [first] } }).contrasts[0];
    expect([one.seeds, one.scope, one.headline]).toEqual([3, 'one experiment', true]);
    a.close();
  });

  it('counts a run that repeats a network and input once (an experiment made again with --new)', () => {
    const path = join(tempDir(), 'again.sqlite');
    const { archive: a } = makeSynthetic(path);
    const runs = planRuns(synthSpec);
    const again = a.createExperiment(synthSpec, runs, runTasks(runs[0]), 'again');
    a.commitRuns(again.id, runs.map((r) => synthResult(r, synthCapacities(r))));
    const p = compare(a, { filter: {} }).contrasts[0];
    expect(p.seeds).toBe(3);
    expect(p.delta.mean).toBeCloseTo(0.09, 12);
    expect(p.leftOut.join(' ')).toMatch(/3 repeated run\(s\) of homogeneous .*the first one counts/);
    a.close();
  });
});

describe('errata', () => {
  it('flags spiking runs of 0.1.0 on the WebAssembly backends, warns in comparisons, and resets them for recomputation', () => {
    const path = join(tempDir(), 'errata.sqlite');
    const a = Archive.open(path, { appVersion: '0.1.0' });
    const spec = { ...synthSpec, network: { ...synthSpec.network, model: { kind: 'lif' as const, tauMeanMs: 20, tauSynMs: 5, vRest: 0, vReset: 0, vTh: 1, tRefMs: 2, dtSimMs: 1, dtTaskMs: 10, tauReadMs: 20, dale: false, biasMean: 0.5, noise: 0 } } };
    const runs = planRuns(spec);
    const exp = a.createExperiment(spec, runs, runTasks(runs[0]));
    a.commitRuns(exp.id, runs.map((r, i) => ({ ...synthResult(r, synthCapacities(r)), backend: i < 4 ? 'wasm-fma' : 'cpu' })));
    const c = compare(a, { filter: {} });
    expect(c.errata).toHaveLength(1);
    expect(c.errata[0]).toMatchObject({ id: 'lif-reused-memory', fixedIn: '0.2.0', runs: 4, experiments: [{ id: exp.id, runs: 4 }] });
    // the same runs made by a fixed version are not flagged
    a.db.exec(`UPDATE runs SET app_version = '0.2.0' WHERE run_index = 0`);
    expect(compare(a, { filter: {} }).errata[0].runs).toBe(3);
    a.db.exec(`UPDATE runs SET app_version = '0.1.0'`);
    const flagged = flaggedRunIds(a, exp.id);
    expect(flagged).toHaveLength(4);
    expect(a.resetRuns(flagged)).toBe(4);
    expect(a.progress(exp.id)).toEqual({ done: 2, planned: 6 });
    expect(a.counts()).toMatchObject({ scores: 2 * 4, run_family: 2 * 2 });
    // the kept per-configuration sums lose the reset runs exactly
    expect(configTasksProblems(path)).toEqual([]);
    expect(a.remainingRuns(exp.id, runs).map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(compare(a, { filter: {} }).errata).toEqual([]);
    a.close();
  });

  it('does not flag rate runs, noisy LIF runs or the cpu backend', () => {
    const { archive: a } = makeSynthetic(join(tempDir(), 'rate.sqlite'));
    a.db.exec(`UPDATE runs SET app_version = '0.1.0', backend = 'wasm'`);
    expect(compare(a, { filter: {} }).errata).toEqual([]);
    a.close();
  });
});
