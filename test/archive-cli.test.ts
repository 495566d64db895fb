// The archive as a user meets it through the compiled CLI (npm test builds first): runs written as
// they finish, kill -9 in the middle of a sweep and resume, the "already there" answer, queries,
// comparisons, export and import between archives.
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Comparison } from '../common/comparison.js';
import type { Findings } from '../common/findings.js';
import { contrastCells } from '../common/format.js';
import { APPLICATION_ID, SCHEMA_VERSION } from '../db/schema.js';
import { digest, scoresByUid, tempDir } from './fixtures/archive-helpers.js';

const dir = tempDir('quench-archive-cli-');
const SWEEP = 'test/fixtures/archive-sweep.json';
const SMALL = 'test/fixtures/small-experiment.json';

function quench(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.QUENCH_ARCHIVE;
  const r = spawnSync(process.execPath, ['bin/quench.js', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...base, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const counts = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(DISTINCT uid) FROM runs) AS uids,
                (SELECT count(*) FROM runs WHERE status = 'done') AS done, (SELECT count(*) FROM scores) AS scores,
                (SELECT count(*) FROM run_family) AS families, (SELECT count(*) FROM experiments) AS experiments`,
      )
      .get() as { runs: number; uids: number; done: number; scores: number; families: number; experiments: number };
  } finally {
    db.close();
  }
};

/** The findings part of `run` output (everything but the headline with its timing). */
const findingsOf = (stdout: string) => stdout.slice(stdout.indexOf('condition'));

describe('quench run into the archive, kill -9, resume', () => {
  it('finishes a killed sweep without duplicating or losing a run, with the numbers of an uninterrupted run', async () => {
    const killed = join(dir, 'killed.sqlite');
    const args = ['bin/quench.js', 'run', SWEEP, '--seeds', '8', '--threads', '2', '--archive', killed, '-q'];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let doneAtKill = -1;
    let db: Database.Database | null = null;
    const deadline = Date.now() + 60_000;
    while (doneAtKill < 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
      if (!existsSync(killed)) continue;
      try {
        db ??= new Database(killed);
        const done = db.prepare(`SELECT count(*) FROM runs WHERE status = 'done'`).pluck().get() as number;
        if (done >= 3) {
          child.kill('SIGKILL');
          doneAtKill = done;
        }
      } catch {
        // the schema is still being made
      }
    }
    db?.close();
    expect(await exited).toBe('SIGKILL');
    const after = counts(killed);
    // killed in the middle: some runs stored, each whole (34 scores, 4 family means), the rest pending
    expect(after.runs).toBe(48);
    expect(after.done).toBeGreaterThanOrEqual(doneAtKill);
    expect(after.done).toBeLessThan(48);
    expect(after.scores).toBe(after.done * 34);
    expect(after.families).toBe(after.done * 4);

    // running the same spec again finishes it, as the app does
    const resumed = quench(['run', SWEEP, '--seeds', '8', '--archive', killed, '--threads', '2']);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(new RegExp(`experiment [0-9a-f]{16} "Archive test sweep" \\(${SWEEP.replace(/[./]/g, (c) => `\\${c}`)}\\): 48 runs × 34 tasks; ${after.done} already stored, ${48 - after.done} to run \\(to start it over as a separate experiment, add --new\\)`));
    expect(resumed.out).toContain(`(${after.done} resumed from the archive)`);
    const final = counts(killed);
    expect(final).toMatchObject({ runs: 48, uids: 48, done: 48, scores: 48 * 34, families: 48 * 4, experiments: 1 });

    const clean = join(dir, 'clean.sqlite');
    const straight = quench(['run', SWEEP, '--seeds', '8', '--threads', '2', '--archive', clean, '-q']);
    expect(straight.code).toBe(0);
    expect(scoresByUid(killed)).toEqual(scoresByUid(clean));
    expect(findingsOf(resumed.out)).toBe(findingsOf(straight.out));
    // resuming a complete experiment runs nothing
    const nothing = quench(['resume', 'Archive test sweep', '--archive', killed]);
    expect(nothing.code).toBe(0);
    expect(nothing.out).toContain('all 48 runs were already in the archive');
  }, 120_000);
});

describe('quench run and the archive', () => {
  const A = join(dir, 'a.sqlite');

  it('writes to the archive it names, and says where', () => {
    const r = quench(['run', SMALL, '--archive', A, '--threads', '2']);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`archive: ${A}`);
    expect(r.err).toMatch(/experiment [0-9a-f]{16} "Small test experiment"/);
    expect(counts(A)).toMatchObject({ runs: 6, done: 6, scores: 150 });
  });

  it('uses $QUENCH_ARCHIVE, and by default the data folder', () => {
    const viaEnv = join(dir, 'env.sqlite');
    expect(quench(['run', SMALL, '--seeds', '1', '-q'], { QUENCH_ARCHIVE: viaEnv }).err).toContain(`archive: ${viaEnv}`);
    const data = join(dir, 'xdg-data');
    const r = quench(['run', SMALL, '--seeds', '1', '-q'], { XDG_DATA_HOME: data });
    expect(r.code).toBe(0);
    expect(r.err).toContain(`archive: ${join(data, 'quench', 'archive.sqlite')}`);
    expect(existsSync(join(data, 'quench', 'archive.sqlite'))).toBe(true);
  });

  it('answers a finished spec with its results (exit 0) and how to run it anew; --new makes a second experiment', () => {
    const r = quench(['run', SMALL, '--archive', A]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/experiment [0-9a-f]{16} "Small test experiment" \(.*small-experiment\.json\) is complete in this archive \(6 runs × 25 tasks\): its results follow\. To run it again as a separate experiment, add --new/);
    expect(r.out).toContain('all 6 runs were already in the archive');
    expect(r.out).toContain('Claim tested: Test fixture');
    const rep = quench(['run', SMALL, '--archive', A, '--resume']);
    expect(rep.code).toBe(0);
    expect(rep.out).toContain('all 6 runs were already in the archive');
    expect(rep.out).toContain('Claim tested: Test fixture');
    const fresh = quench(['run', SMALL, '--archive', A, '--new', '-q']);
    expect(fresh.code).toBe(0);
    const list = JSON.parse(quench(['experiments', '--archive', A, '--json']).out) as { id: string; done: number; nonce: string }[];
    expect(list).toHaveLength(2);
    expect(new Set(list.map((e) => e.id)).size).toBe(2);
    expect(list.map((e) => e.done)).toEqual([6, 6]);
    expect(quench(['run', SMALL, '--archive', A, '--new', '--resume']).code).toBe(2);
  });

  it('keeps --out and --no-archive working', () => {
    const none = join(dir, 'not-made.sqlite');
    const out = join(dir, 'results.json');
    const r = quench(['run', SMALL, '--no-archive', '--out', out, '-q'], { QUENCH_ARCHIVE: none });
    expect(r.code).toBe(0);
    expect(existsSync(none)).toBe(false);
    expect(JSON.parse(readFileSync(out, 'utf8')).runs).toHaveLength(6);
  });
});

describe('queries and comparisons', () => {
  const S = join(dir, 'sweep.sqlite');
  let out = '';

  it('lists runs filtered by factor, spec path, status and date', () => {
    out = join(dir, 'sweep.json');
    expect(quench(['run', SWEEP, '--archive', S, '--out', out, '-q']).code).toBe(0);
    const rows = (args: string[]) => JSON.parse(quench(['runs', '--archive', S, '--json', ...args]).out) as { family: string; seed_index: number; manipulation: string }[];
    expect(rows([])).toHaveLength(24);
    expect(rows(['--where', 'family=lognormal', '--where', 'seed=0'])).toHaveLength(3);
    expect(rows(['--where', 'network.manipulations[0].op=removeRecurrence'])).toHaveLength(8);
    expect(rows(['--where', 'manipulation~gain*'])).toHaveLength(8);
    expect(rows(['--where', 'manipulation=base|no recurrence', '--where', 'family!=none'])).toHaveLength(8);
    expect(rows(['--status', 'pending'])).toHaveLength(0);
    expect(rows(['--since', '1d'])).toHaveLength(24);
    expect(rows(['--until', '2001-01-01'])).toHaveLength(0);
    const table = quench(['runs', '--archive', S, '--where', 'seed=0', '--where', 'manipulation=base']);
    expect(table.out).toMatch(/run\s+experiment\s+status\s+heterogeneity/);
    expect(table.out).toContain('2 run(s)');
    const csv = quench(['runs', '--archive', S, '--csv', '--where', 'seed=0']).out.trim().split('\n');
    expect(csv).toHaveLength(1 + 6);
    expect(csv[0]).toMatch(/^uid,experiment_id,experiment_name,/);
    const bad = quench(['runs', '--archive', S, '--where', 'colour=red']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown field "colour"');
  });

  it('compares heterogeneous with homogeneous with the numbers the run itself reported', () => {
    const c = JSON.parse(quench(['compare', '--archive', S, '--json']).out) as Comparison;
    const findings = JSON.parse(readFileSync(out, 'utf8')).findings as Findings;
    // the run's findings and the archive's comparison come through one inference path: the same numbers
    expect(c.contrasts.map((p) => p.label)).toEqual(findings.contrasts.map((f) => f.label));
    c.contrasts.forEach((p, i) => {
      const f = findings.contrasts[i];
      for (const k of ['design', 'seeds', 'delta', 'test', 'signFlip', 'bootstrap', 'tasks', 'wins', 'losses', 'ties', 'wilcoxon', 'perFamily', 'verdict', 'headline'] as const) {
        expect(p[k], `${p.label}: ${k}`).toEqual(f[k]);
      }
    });
    expect(c.curve!.x).toBe('manipulation');
    expect(c.curve!.xs).toEqual(['base', 'gain x0.5', 'no recurrence']);
    expect(c.curve!.series.map((s) => s.label)).toEqual(['homogeneous', 'lognormal c=1']);

    const table = quench(['compare', '--archive', S]).out;
    for (const h of ['Configurations', 'Contrasts', 'per task family', 'Curve: mean capacity', 'Configuration diff']) expect(table).toContain(h);
    expect(table).toMatch(/lognormal c=1, no recurrence vs homogeneous, no recurrence\s+paired over 4 seed\(s\)\s+[+\u2212]\d\.\d{3}/);
    // every cell the CLI prints for a contrast is the common formatter's
    for (const p of c.contrasts) for (const cell of contrastCells(p)) expect(table).toContain(cell);

    const csv = quench(['compare', '--archive', S, 'family=none,manipulation=base', 'family=lognormal,manipulation=base', '--csv']).out.trim().split('\n');
    expect(csv[0]).toMatch(/^comparison,first,second,design,scope,headline,seeds/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/^lognormal c=1 vs homogeneous,lognormal c=1,homogeneous,paired,one experiment,true,4,/);
    const curve = quench(['compare', '--archive', S, '--csv', '--section', 'curve']).out.trim().split('\n');
    expect(curve[0]).toBe('manipulation,series,seeds,mean_capacity,ci_lo,ci_hi');
    expect(curve).toHaveLength(1 + 6);
  });

  it('saves a comparison as a named set and repeats it on the same runs', () => {
    const saved = quench(['compare', '--archive', S, '--where', 'manipulation=base', '--save', 'base-only', '--json']);
    expect(saved.err).toContain('saved comparison set "base-only" (8 runs)');
    const again = quench(['compare', '--archive', S, '--set', 'base-only', '--json']);
    expect(JSON.parse(again.out)).toEqual(JSON.parse(saved.out));
    expect(quench(['sets', '--archive', S]).out).toMatch(/base-only\s+8/);
  });

  it('tags and notes experiments and runs', () => {
    const exp = (JSON.parse(quench(['experiments', '--archive', S, '--json']).out) as { id: string }[])[0].id;
    expect(quench(['tag', exp.slice(0, 6), 'paper', 'fig2', '--archive', S]).out).toContain('tags now: fig2 paper');
    const run = (JSON.parse(quench(['runs', '--archive', S, '--json', '--where', 'seed=1', '--where', 'family=none', '--where', 'manipulation=base']).out) as { uid: string }[])[0].uid;
    expect(quench(['tag', run.slice(0, 10), 'odd-one', '--archive', S]).code).toBe(0);
    expect(quench(['note', 'Archive test sweep', 'rerun', 'with', 'N=100', '--archive', S]).out).toContain('note added to experiment');
    expect(quench(['note', exp, '--archive', S]).out).toContain('rerun with N=100');
    expect(JSON.parse(quench(['runs', '--archive', S, '--json', '--tag', 'odd-one']).out)).toHaveLength(1);
    expect(JSON.parse(quench(['runs', '--archive', S, '--json', '--tag', 'fig2']).out)).toHaveLength(24);
    expect(quench(['tag', 'zzzz', 'x', '--archive', S]).code).toBe(2);
  });
});

describe('export and import through the CLI', () => {
  it('carries an experiment to a second archive; a second import adds nothing; bad files are refused', () => {
    const S = join(dir, 'sweep.sqlite');
    const file = join(dir, 'sweep-export.quench');
    const exp = (JSON.parse(quench(['experiments', '--archive', S, '--json']).out) as { id: string }[])[0].id;
    const ex = quench(['export', file, '--experiment', exp, '--archive', S]);
    expect(ex.code).toBe(0);
    expect(ex.out).toMatch(new RegExp(`exported 24 run\\(s\\) of 1 experiment\\(s\\), 816 task scores, to ${file}`));
    const T = join(dir, 'second.sqlite');
    const imp = quench(['import', file, '--archive', T]);
    expect(imp.code).toBe(0);
    expect(imp.err).toContain(`archive: ${T}`);
    expect(imp.out).toContain('24 run(s) added, 0 already present, 1 new experiment(s), 816 task scores, 3 tag(s), 1 note(s)');
    const before = digest(T);
    expect(quench(['import', file, '--archive', T]).out).toContain('0 run(s) added, 24 already present');
    expect(digest(T)).toBe(before);
    // the imported runs compare as in the original
    const contrasts = (a: string) => (JSON.parse(quench(['compare', '--archive', a, '--json']).out) as Comparison).contrasts;
    expect(contrasts(T).length).toBeGreaterThan(0);
    expect(contrasts(T)).toEqual(contrasts(S));
    // merge several: the killed-and-resumed archive and the clean one hold the same runs
    const M = join(dir, 'merged.sqlite');
    const merged = quench(['merge', join(dir, 'killed.sqlite'), join(dir, 'clean.sqlite'), '--archive', M]);
    expect(merged.code).toBe(0);
    expect(merged.out).toContain('killed.sqlite: 48 run(s) added');
    expect(merged.out).toContain('clean.sqlite: 0 run(s) added, 48 already present');

    const junk = join(dir, 'junk.quench');
    writeFileSync(junk, 'not a database\n');
    const bad = quench(['import', junk, '--archive', T]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`cannot import ${junk}: it is not a Quench archive or export (not an SQLite database); nothing was imported and archive ${T} was left untouched`);
    expect(digest(T)).toBe(before);
  });

  it('refuses to open an archive of a newer schema', () => {
    const newer = join(dir, 'newer.sqlite');
    const db = new Database(newer);
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION + 1}; CREATE TABLE t (x)`);
    db.close();
    const r = quench(['experiments', '--archive', newer]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`archive ${newer} was written by a newer Quench (schema ${SCHEMA_VERSION + 1}; this version reads up to ${SCHEMA_VERSION}); it was left untouched`);
  });
});

describe('errata', () => {
  it('warns about spiking runs of an affected version in compare, and resume --recompute-flagged makes them again', () => {
    const archive = join(dir, 'errata.sqlite');
    const spec = JSON.parse(readFileSync(SMALL, 'utf8'));
    spec.name = 'Small spiking experiment';
    spec.network = { n: 30, model: { kind: 'lif' } };
    const file = join(dir, 'small-lif.json');
    writeFileSync(file, JSON.stringify(spec));
    expect(quench(['run', file, '--archive', archive, '--backend', 'wasm', '-q']).code).toBe(0);
    const before = scoresByUid(archive);
    expect(quench(['compare', '--archive', archive]).out).not.toMatch(/WARNING/);
    // as the runs of Quench 0.1.0 were stored
    const db = new Database(archive);
    db.exec(`UPDATE runs SET app_version = '0.1.0'`);
    const id = db.prepare(`SELECT id FROM experiments`).pluck().get() as string;
    db.close();
    const warned = quench(['compare', '--archive', archive]);
    expect(warned.out).toContain(`WARNING: 6 run(s) here are flagged by erratum lif-reused-memory (fixed in Quench 0.2.0): spiking runs on the WebAssembly backends depended on the run before them. Recompute them: quench resume ${id} --recompute-flagged --archive ${archive}`);
    const again = quench(['resume', id, '--recompute-flagged', '--archive', archive, '--backend', 'wasm', '-q']);
    expect(again.code).toBe(0);
    expect(again.err).toContain('6 run(s) set to be made again (flagged by an erratum)');
    expect(quench(['compare', '--archive', archive]).out).not.toMatch(/WARNING/);
    expect(counts(archive)).toMatchObject({ runs: 6, done: 6, uids: 6 });
    // made again in a fresh process, the runs have the numbers they had
    expect(scoresByUid(archive)).toEqual(before);
  });
});
