// Export, import and merge between real archive files: round trips, idempotence, deduplication of
// the same run made on two machines, pending runs completed, and every kind of bad file refused
// with the target left exactly as it was.
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Archive } from '../db/archive.js';
import { APPLICATION_ID, SCHEMA_VERSION } from '../db/schema.js';
import { exportRuns, importArchives } from '../db/transfer.js';
import { configTasksProblems, digest, fileHash, runInto, scoresByUid, smallSpec, tempDir } from './fixtures/archive-helpers.js';

const dir = tempDir('quench-transfer-');
const A = join(dir, 'machine-a.sqlite'); // the small experiment, complete
const B = join(dir, 'machine-b.sqlite'); // the same experiment computed again elsewhere, plus a second one
const P = join(dir, 'partial.sqlite'); // the small experiment with runs 0 and 1 only
let expId = '';

const withArchive = <T>(path: string, fn: (a: Archive) => T): T => {
  const a = Archive.open(path, { appVersion: 'test' });
  try {
    return fn(a);
  } finally {
    a.close();
  }
};

beforeAll(async () => {
  const spec = smallSpec();
  const a = Archive.open(A);
  expId = await runInto(a, spec);
  a.tag(a.resolveTarget(expId), ['paper']);
  a.addNote(a.resolveTarget(expId), 'first pass');
  a.close();
  const b = Archive.open(B);
  await runInto(b, spec);
  await runInto(b, { ...spec, name: 'second', sweep: { ...spec.sweep, seeds: 1 } });
  b.close();
  const p = Archive.open(P);
  await runInto(p, spec, [0, 1]);
  p.close();
});

describe('export and import', () => {
  it('round-trips an experiment through one file', () => {
    const file = join(dir, 'export-a.quench');
    const r = withArchive(A, (a) => exportRuns(a, file, { experiments: [expId] }));
    expect(r).toMatchObject({ experiments: 1, runs: 6, scores: 6 * 25 });
    // an export is one self-contained file (no -wal beside it) and an archive itself
    const x = new Database(file, { readonly: true });
    expect(x.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(x.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    x.close();
    const C = join(dir, 'c.sqlite');
    const [imp] = withArchive(C, (c) => importArchives(c, [file]));
    expect(imp).toMatchObject({ experiments: 1, added: 6, skipped: 0, completed: 0, scores: 150, tags: 1, notes: 1 });
    expect(digest(C)).toBe(digest(A));
    expect(configTasksProblems(C)).toEqual([]);
    withArchive(C, (c) => expect(c.loadResults(expId).map((x) => x.scores)).toEqual(withArchive(A, (a) => a.loadResults(expId).map((y) => y.scores))));
  });

  it('exports a selection of runs only, with the experiment they belong to', () => {
    const file = join(dir, 'export-sel.quench');
    const r = withArchive(A, (a) => exportRuns(a, file, { where: ['family=lognormal', 'seed<=1'] }));
    expect(r).toMatchObject({ experiments: 1, runs: 2, scores: 50 });
    const D = join(dir, 'd.sqlite');
    withArchive(D, (d) => {
      importArchives(d, [file]);
      expect(d.listRuns({}).rows.map((x) => `${x.family}/${x.seed_index}`)).toEqual(['lognormal/0', 'lognormal/1']);
      // the rest of the experiment can still be run there: its spec came along
      expect(d.progress(expId)).toEqual({ done: 2, planned: 6 });
    });
    expect(configTasksProblems(D)).toEqual([]);
  });

  it('is idempotent: importing the same file again changes nothing', () => {
    const file = join(dir, 'export-a.quench');
    const C = join(dir, 'c.sqlite');
    const before = digest(C);
    const [again] = withArchive(C, (c) => importArchives(c, [file]));
    expect(again).toMatchObject({ experiments: 0, added: 0, skipped: 6, scores: 0, tags: 0, notes: 0 });
    expect(digest(C)).toBe(before);
  });
});

describe('merge', () => {
  it('keeps a run made on two machines once, whatever the order, and merging again changes nothing', () => {
    const M1 = join(dir, 'm1.sqlite');
    const M2 = join(dir, 'm2.sqlite');
    const r1 = withArchive(M1, (m) => importArchives(m, [A, B]));
    expect(r1.map((r) => [r.added, r.skipped, r.differing])).toEqual([
      [6, 0, 0],
      [2, 6, 0], // B's copy of the 6 shared runs is skipped; its second experiment (2 runs) added
    ]);
    withArchive(M1, (m) => {
      expect(m.counts()).toMatchObject({ experiments: 2, runs: 8, scores: 8 * 25 });
      const dup = m.db.prepare(`SELECT count(*) FROM (SELECT uid FROM runs GROUP BY uid HAVING count(*) > 1)`).pluck().get();
      expect(dup).toBe(0);
    });
    withArchive(M2, (m) => importArchives(m, [B, A]));
    expect(digest(M2)).toBe(digest(M1));
    expect(configTasksProblems(M1)).toEqual([]);
    expect(configTasksProblems(M2)).toEqual([]);
    const before = digest(M1);
    const again = withArchive(M1, (m) => importArchives(m, [A, B]));
    expect(again.every((r) => r.added === 0 && r.completed === 0)).toBe(true);
    expect(digest(M1)).toBe(before);
  });

  it('completes pending runs from a file that has them finished, and never replaces a finished run by a pending one', () => {
    const Pc = join(dir, 'partial-copy.sqlite');
    copyFileSync(P, Pc);
    for (const ext of ['-wal', '-shm']) {
      try {
        copyFileSync(P + ext, Pc + ext);
      } catch {
        /* no sidecar */
      }
    }
    withArchive(Pc, (p) => expect(p.progress(expId)).toEqual({ done: 2, planned: 6 }));
    const [r] = withArchive(Pc, (p) => importArchives(p, [A]));
    expect(r).toMatchObject({ added: 0, completed: 4, skipped: 2 });
    withArchive(Pc, (p) => expect(p.progress(expId)).toEqual({ done: 6, planned: 6 }));
    expect(scoresByUid(Pc)).toEqual(scoresByUid(A));
    expect(configTasksProblems(Pc)).toEqual([]);
    // the other way round: A keeps its finished runs
    const Ac = join(dir, 'a-copy.sqlite');
    withArchive(Ac, (a) => importArchives(a, [A]));
    const before = digest(Ac);
    const [back] = withArchive(Ac, (a) => importArchives(a, [P]));
    expect(back).toMatchObject({ added: 0, completed: 0, skipped: 6 });
    expect(digest(Ac)).toBe(before);
  });
});

describe('bad files are refused and the target left untouched', () => {
  const good = join(dir, 'export-a.quench');
  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => join(dir, 'nope.quench'), /no such file/],
    ['an empty file', () => (writeFileSync(join(dir, 'empty.quench'), ''), join(dir, 'empty.quench')), /the file is empty \(0 bytes\)/],
    ['a text file', () => (writeFileSync(join(dir, 'text.quench'), 'id,score\n1,0.5\n'.repeat(50)), join(dir, 'text.quench')), /not a Quench archive or export \(not an SQLite database\)/],
    [
      'a truncated export',
      () => {
        const buf = readFileSync(good);
        writeFileSync(join(dir, 'truncated.quench'), buf.subarray(0, Math.floor(buf.length * 0.6)));
        return join(dir, 'truncated.quench');
      },
      /damaged or truncated/,
    ],
    [
      'an export with a damaged page',
      () => {
        const buf = Buffer.from(readFileSync(good));
        buf.fill(0xab, 4096 * 3, 4096 * 4);
        writeFileSync(join(dir, 'damaged.quench'), buf);
        return join(dir, 'damaged.quench');
      },
      /damaged or truncated/,
    ],
    [
      'a foreign SQLite file',
      () => {
        const f = join(dir, 'foreign.sqlite');
        const db = new Database(f);
        db.exec(`CREATE TABLE runs (id INTEGER PRIMARY KEY, score REAL); INSERT INTO runs (score) VALUES (0.5)`);
        db.close();
        return f;
      },
      /it is an SQLite database but not a Quench archive \(application_id 0x00000000\)/,
    ],
    [
      'an archive of a newer schema',
      () => {
        const f = join(dir, 'newer.sqlite');
        copyFileSync(good, f);
        const db = new Database(f);
        db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
        db.close();
        return f;
      },
      new RegExp(`written by a newer Quench \\(schema ${SCHEMA_VERSION + 1}; this version reads up to ${SCHEMA_VERSION}\\)`),
    ],
    ['the target itself', () => join(dir, 'target.sqlite'), /it is the target archive itself/],
  ];

  it.each(cases)('%s', (_what, make, why) => {
    const T = join(dir, 'target.sqlite');
    withArchive(T, (t) => (t.counts().runs === 0 ? importArchives(t, [P]) : []));
    const before = digest(T);
    const bad = make();
    const badHash = (() => {
      try {
        return fileHash(bad);
      } catch {
        return null;
      }
    })();
    // alone, and listed after a good file: either way nothing is imported
    for (const files of [[bad], [good, bad]]) {
      let message = '';
      withArchive(T, (t) => {
        try {
          importArchives(t, files);
        } catch (err) {
          message = (err as Error).message;
        }
      });
      expect(message).toMatch(why);
      expect(message).toContain(`cannot import ${bad}`);
      expect(message).toContain(`nothing was imported and archive ${T} was left untouched`);
      expect(digest(T)).toBe(before);
    }
    if (badHash && bad !== join(dir, 'target.sqlite')) expect(fileHash(bad)).toBe(badHash);
  });
});
