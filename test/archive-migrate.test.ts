// Migration from a version-1 archive (test/fixtures/archive-v1.sql: before run_family, tags, notes,
// comparison sets and mechanism measures; the small test experiment with 2 of its 6 runs done) to the
// current schema.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Archive } from '../db/archive.js';
import { SCHEMA_VERSION } from '../db/schema.js';
import { importArchives } from '../db/transfer.js';
import { compare } from '../main/analysis/compare.js';
import { configTasksProblems, fileHash, runInto, scoresByUid, smallSpec, tempDir } from './fixtures/archive-helpers.js';

function v1Archive(dir: string, name = 'v1.sqlite'): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.exec(readFileSync('test/fixtures/archive-v1.sql', 'utf8'));
  db.close();
  return path;
}

describe('archive migrations', () => {
  it('upgrades a version-1 file in place: per-family means backfilled from the scores, new tables usable', () => {
    const path = v1Archive(tempDir());
    const v1 = new Database(path, { readonly: true });
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    const tablesBefore = (v1.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[]).join(' ');
    expect(tablesBefore).toBe('experiments meta runs scores specs tasks');
    // the per-family means the migration must produce, computed here from the v1 scores by hand
    const expected = new Map<string, number>();
    const sums = new Map<string, [number, number]>();
    for (const r of v1
      .prepare(`SELECT r.uid, t.family, s.capacity FROM scores s JOIN runs r ON r.run_id = s.run_id JOIN tasks t ON t.experiment_id = r.experiment_id AND t.task_index = s.task_index`)
      .all() as { uid: string; family: string; capacity: number }[]) {
      const k = `${r.uid}/${r.family}`;
      const [s, n] = sums.get(k) ?? [0, 0];
      sums.set(k, [s + r.capacity, n + 1]);
    }
    for (const [k, [s, n]] of sums) expected.set(k, s / n);
    v1.close();
    expect(expected.size).toBe(2 * 3); // 2 done runs x delay, product, narma

    const a = Archive.open(path, { appVersion: 'test' });
    expect(a.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const fam = a.db.prepare(`SELECT r.uid || '/' || f.family AS k, f.mean_capacity FROM run_family f JOIN runs r ON r.run_id = f.run_id`).all() as { k: string; mean_capacity: number }[];
    expect(fam).toHaveLength(6);
    for (const f of fam) expect(f.mean_capacity).toBeCloseTo(expected.get(f.k)!, 12);
    expect(a.db.prepare(`SELECT value FROM meta WHERE key = 'migrated_from_1'`).pluck().get()).toMatch(/by quench test$/);
    // the run specs moved to their own table, whole; the per-configuration task sums backfilled
    expect(a.db.prepare(`SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'spec_json'`).pluck().get()).toBe(0);
    expect(a.db.prepare(`SELECT count(*) FROM run_specs WHERE json_valid(spec_json) AND json_extract(spec_json, '$.suite.name') = 'small'`).pluck().get()).toBe(6);
    expect(configTasksProblems(path)).toEqual([]);
    const exp = a.findExperiment('Small test experiment');
    expect(a.progress(exp.id)).toEqual({ done: 2, planned: 6 });
    a.tag(a.resolveTarget(exp.id), ['migrated']);
    a.addNote(a.resolveTarget(exp.id), 'came from schema 1');
    expect(a.listRuns({ tags: ['migrated'] }).total).toBe(6);
    a.close();
    // opening again changes nothing
    const again = Archive.open(path);
    expect(again.db.prepare(`SELECT count(*) FROM run_family`).pluck().get()).toBe(6);
    again.close();
  });

  it('finishes the migrated experiment: stored runs kept as they were, the rest as a run from scratch makes them', async () => {
    const dir = tempDir();
    const path = v1Archive(dir);
    const stored = scoresByUid(path);
    expect(stored.size).toBe(2);
    const a = Archive.open(path);
    const spec = smallSpec();
    // the current code recognises the stored spec as the same experiment
    expect(a.findExperimentBySpec(spec)?.name).toBe('Small test experiment');
    await runInto(a, spec);
    expect(a.counts()).toMatchObject({ runs: 6, scores: 6 * 25, run_family: 6 * 3 });
    a.close();
    expect(configTasksProblems(path)).toEqual([]);
    const fresh = Archive.open(join(dir, 'fresh.sqlite'));
    await runInto(fresh, spec);
    fresh.close();
    const after = scoresByUid(path);
    const scratch = scoresByUid(join(dir, 'fresh.sqlite'));
    expect([...after.keys()].sort()).toEqual([...scratch.keys()].sort());
    for (const [uid, scores] of after) expect(scores).toEqual(stored.get(uid) ?? scratch.get(uid));
  });

  it('shows the runs of an older version as not measured; resume --add-mechanisms measures them and keeps their scores', () => {
    const dir = tempDir();
    const path = v1Archive(dir);
    const stored = scoresByUid(path);
    const a = Archive.open(path);
    const exp = a.findExperiment('Small test experiment');
    expect(a.db.prepare(`SELECT count(*) FROM run_mechanisms`).pluck().get()).toBe(0);
    const before = compare(a, { filter: { experiments: [exp.id] } });
    expect(before.mechanisms).toBeNull(); // no run measured: the app and the report say nothing of mechanisms
    expect(a.unmeasuredRunIds(exp.id)).toHaveLength(2);
    a.close();
    const env = { ...process.env };
    delete env.QUENCH_ARCHIVE;
    const r = spawnSync(process.execPath, ['bin/quench.js', 'resume', exp.id, '--add-mechanisms', '--archive', path, '--backend', 'wasm', '-q'], { encoding: 'utf8', env, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('2 run(s) set to be made again (without mechanism measures)');
    expect(r.stdout).toMatch(/Mechanism:/);
    const b = Archive.open(path);
    expect(b.unmeasuredRunIds(exp.id)).toEqual([]);
    const m = compare(b, { filter: { experiments: [exp.id] } }).mechanisms!;
    expect([m.measured, m.notMeasured]).toEqual([6, 0]);
    b.close();
    // the two runs of the old version, made again (on the backend that made them) and measured, have the
    // scores they had, to the rounding by which the readout of 0.1.0 differs from today's
    const after = scoresByUid(path);
    for (const [uid, scores] of stored) {
      const again = after.get(uid)!;
      scores.forEach((row, t) =>
        (row as (number | null)[]).forEach((v, k) => {
          const w = (again[t] as (number | null)[])[k];
          if (v === null || w === null) expect(w).toBe(v);
          else expect(Math.abs(w - v)).toBeLessThan(1e-12);
        }),
      );
    }
    // runs of today's version, their measures dropped and added again: the very same scores
    const c = Archive.open(path);
    c.db.exec('DELETE FROM run_mechanisms');
    c.close();
    const r2 = spawnSync(process.execPath, ['bin/quench.js', 'resume', exp.id, '--add-mechanisms', '--archive', path, '--backend', 'wasm', '-q'], { encoding: 'utf8', env, timeout: 120_000 });
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stderr).toContain('6 run(s) set to be made again (without mechanism measures)');
    expect(scoresByUid(path)).toEqual(after);
  }, 120_000);

  it('imports a version-1 file by upgrading a copy, never the file itself', () => {
    const dir = tempDir();
    const old = v1Archive(dir);
    const before = fileHash(old);
    const target = Archive.open(join(dir, 'target.sqlite'));
    const [r] = importArchives(target, [old]);
    expect(r).toMatchObject({ experiments: 1, added: 6, skipped: 0, scores: 2 * 25 });
    expect(target.counts()).toMatchObject({ runs: 6, scores: 50, run_family: 6 });
    target.close();
    expect(fileHash(old)).toBe(before);
    const check = new Database(old, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    check.close();
  });
});
