// Export, import and merge. An export is itself a small archive (same schema, same application id,
// rollback journal so it is one file) holding the selected finished runs with their experiments,
// specs, tasks, per-task scores, tags and notes. Import (and merge, which imports several files)
// checks every file before touching the target: not SQLite, damaged or truncated (quick_check),
// foreign (application_id), newer schema, missing tables -> rejected with the reason, the target
// untouched. Then each file is copied in one transaction through ATTACH; runs are deduplicated by
// uid (sha256 of experiment identity and run key), so importing twice changes nothing and the same
// run made on two machines is kept once. A finished run replaces a pending one. The saved designs
// (networks and task suites, with the channels each suite was made for) travel with every export,
// import and merge; nothing saved is lost: a design the target already has (same name, same content)
// is kept once, and another content under a name and version the target already uses becomes that
// name's next version.
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { QuenchError } from '../common/errors.js';
import type { ChannelSpec, SuiteSpec } from '../common/spec.js';
import { Archive, CONFIG_TASKS_ADD, PRE_V6_CHANNELS, isSqliteFile, suiteContent, type Db } from './archive.js';
import { ArchiveError, archiveFailure } from './errors.js';
import { filterSql, type RunFilter } from './filters.js';
import { canonicalJson, specHash } from './identity.js';
import { APPLICATION_ID, REQUIRED_TABLES, SCHEMA_VERSION } from './schema.js';

export interface ExportReport {
  file: string;
  experiments: number;
  runs: number;
  scores: number;
  /** saved networks and suites (every version of each) the export carries */
  networks: number;
  suites: number;
  bytes: number;
}

export interface ImportReport {
  file: string;
  /** experiments new to the target */
  experiments: number;
  /** runs the target did not have */
  added: number;
  /** runs the target had as pending and the file had finished */
  completed: number;
  /** runs the target already had */
  skipped: number;
  /** of those, runs whose stored scores differ between the two (the target's copy was kept) */
  differing: number;
  scores: number;
  tags: number;
  notes: number;
  sets: number;
  /** saved network and suite versions new to the target */
  networks: number;
  suites: number;
}

function columns(db: Db, schema: string, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(table, schema) as { name: string }[]).map((c) => c.name);
}

/** Writes the selected finished runs (and what they need) to `file`, atomically (a .partial file renamed). */
export function exportRuns(archive: Archive, file: string, filter: RunFilter): ExportReport {
  const abs = resolve(file);
  if (abs === archive.path) throw new QuenchError('input', `cannot export archive ${abs} onto itself; name another file`);
  const sel = filterSql({ ...filter, status: ['done'] }, 'r');
  const selected = archive.read('selecting runs to export', () => (archive.db.prepare(`SELECT count(*) FROM runs r WHERE ${sel.sql}`).pluck().get(...sel.params) as number));
  if (selected === 0) throw new QuenchError('not-found', `no finished runs in archive ${archive.path} match this selection: nothing exported`);

  const tmp = `${abs}.partial`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  let out: Archive;
  try {
    out = Archive.open(tmp, { appVersion: archive.appVersion });
  } catch (err) {
    throw new QuenchError('input', `cannot write the export ${abs}: ${(err as Error).message}`);
  }
  try {
    out.db.pragma('journal_mode = DELETE');
    out.db
      .prepare(`INSERT INTO meta (key, value) VALUES ('export', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
      .run(JSON.stringify({ exportedAt: new Date().toISOString(), from: archive.path, filter }));
  } finally {
    out.close();
  }

  // a read-only connection attaches read-only too: an archive read on a read-only share is exported
  // through a writable connection to a temporary copy of it (the one it is read from, if any)
  const source = archive.readonly ? writableCopy(archive) : null;
  const db = source?.db ?? archive.db;
  let report: Omit<ExportReport, 'bytes'>;
  try {
    db.prepare(`ATTACH DATABASE ? AS xp`).run(tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    source?.cleanup();
    throw archiveFailure(abs, 'opening the export file', err);
  }
  try {
    report = db.transaction(() => {
      db.exec(`DROP TABLE IF EXISTS temp.xsel; CREATE TEMP TABLE xsel (run_id INTEGER PRIMARY KEY)`);
      db.prepare(`INSERT INTO temp.xsel SELECT r.run_id FROM runs r WHERE ${sel.sql} ORDER BY r.run_id`).run(...sel.params);
      db.exec(`DROP TABLE IF EXISTS temp.xexp; CREATE TEMP TABLE xexp (id TEXT PRIMARY KEY)`);
      db.exec(`INSERT INTO temp.xexp SELECT DISTINCT experiment_id FROM main.runs WHERE run_id IN (SELECT run_id FROM temp.xsel)`);
      const copy = (table: string, where: string) => {
        const cols = columns(db, 'main', table).join(', ');
        return db.prepare(`INSERT INTO xp.${table} (${cols}) SELECT ${cols} FROM main.${table} WHERE ${where}`).run().changes;
      };
      copy(
        'specs',
        `hash IN (SELECT spec_hash FROM main.experiments WHERE id IN temp.xexp UNION SELECT network_hash FROM main.experiments WHERE id IN temp.xexp UNION SELECT suite_hash FROM main.experiments WHERE id IN temp.xexp)`,
      );
      const experiments = copy('experiments', `id IN temp.xexp`);
      copy('tasks', `experiment_id IN temp.xexp`);
      const runs = copy('runs', `run_id IN temp.xsel ORDER BY run_id`);
      const scores = copy('scores', `run_id IN temp.xsel`);
      copy('run_specs', `run_id IN temp.xsel`);
      copy('run_family', `run_id IN temp.xsel`);
      copy('run_mechanisms', `run_id IN temp.xsel`);
      // the per-configuration task sums hold for the export only where it has every finished run of the configuration
      copy(
        'config_tasks',
        `config_hash IN (SELECT r.config_hash FROM main.runs r WHERE r.run_id IN temp.xsel GROUP BY r.config_hash
           HAVING count(*) = (SELECT count(*) FROM main.runs r2 WHERE r2.config_hash = r.config_hash AND r2.status = 'done'))`,
      );
      const tagged = `(kind = 'experiment' AND target IN temp.xexp) OR (kind = 'run' AND target IN (SELECT uid FROM main.runs WHERE run_id IN temp.xsel))`;
      copy('tags', tagged);
      copy('notes', tagged);
      // the saved designs go with every export, whatever runs it selects: they are few and small, and
      // they are what a lab shares with the runs (the specs of the experiments' own networks are there already)
      copy('specs', `hash IN (SELECT spec_hash FROM main.networks UNION SELECT spec_hash FROM main.suites) AND hash NOT IN (SELECT hash FROM xp.specs)`);
      const networks = copy('networks', '1');
      const suites = copy('suites', '1');
      db.exec(`DROP TABLE temp.xsel; DROP TABLE temp.xexp`);
      return { file: abs, experiments, runs, scores, networks, suites };
    })();
  } catch (err) {
    db.exec('DETACH DATABASE xp');
    rmSync(tmp, { force: true });
    source?.cleanup();
    throw archiveFailure(abs, 'writing the export', err, 'no export file was written');
  }
  db.exec('DETACH DATABASE xp');
  source?.cleanup();
  renameSync(tmp, abs);
  return { ...report, bytes: statSync(abs).size };
}

/** A writable connection to a temporary copy of a read-only archive (its -wal too), and how to drop it. */
function writableCopy(archive: Archive): { db: Db; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'quench-export-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    // db.name: the file actually read (a temporary copy already, for an older or WAL-mode one)
    const from = archive.db.name;
    const copy = join(dir, basename(from));
    copyFileSync(from, copy);
    if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${copy}-wal`);
    const db = new Database(copy, { fileMustExist: true });
    return {
      db,
      cleanup: () => {
        db.close();
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw archiveFailure(archive.path, 'copying it to export from (it is read-only here)', err, 'it was left untouched');
  }
}

interface PreparedSource {
  file: string;
  /** what is attached: the file itself, or a migrated copy of an older one */
  path: string;
  cleanup: () => void;
}

/** Checks a file before anything is imported from it; an older schema is migrated in a temporary copy. */
export function checkSource(file: string, target: Archive): PreparedSource {
  const abs = resolve(file);
  const reject = (why: string, kind: 'input' | 'not-found' = 'input') =>
    new ArchiveError(kind, `cannot import ${abs}: ${why}; nothing was imported and archive ${target.path} was left untouched`);
  if (!existsSync(abs)) throw reject('no such file', 'not-found');
  const st = statSync(abs);
  if (!st.isFile()) throw reject('not a file');
  if (abs === target.path) throw reject('it is the target archive itself');
  if (st.size === 0) throw reject('the file is empty (0 bytes), not a Quench archive or export');
  if (!isSqliteFile(abs)) throw reject('it is not a Quench archive or export (not an SQLite database)');
  let version: number;
  let db: Db | null = null;
  try {
    db = new Database(abs, { readonly: true, fileMustExist: true });
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) throw reject(`it is an SQLite database but not a Quench archive (application_id 0x${(appId >>> 0).toString(16).padStart(8, '0')})`);
    version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw reject(`it was written by a newer Quench (schema ${version}; this version reads up to ${SCHEMA_VERSION})`);
    const problems = (db.pragma('quick_check(5)') as { quick_check: string }[])
      .flatMap((r) => r.quick_check.split('\n'))
      .filter((l) => l.trim() !== '' && !l.startsWith('***'));
    if (problems.length !== 1 || problems[0] !== 'ok') throw reject(`the file is damaged or truncated (${problems.slice(0, 3).join('; ')})`);
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name));
    const needed = version === SCHEMA_VERSION ? REQUIRED_TABLES : (['specs', 'experiments', 'tasks', 'runs', 'scores'] as const);
    const missing = needed.filter((t) => !tables.has(t));
    if (missing.length) throw reject(`the file lacks the table(s) ${missing.join(', ')} of a Quench archive`);
  } catch (err) {
    if (err instanceof QuenchError) throw err;
    throw reject(`the file is damaged or truncated (${(err as Error).message})`);
  } finally {
    db?.close();
  }
  if (version === SCHEMA_VERSION) return { file: abs, path: abs, cleanup: () => {} };
  // an older archive: upgrade a copy, never the file we were given
  const dir = mkdtempSync(join(tmpdir(), 'quench-import-'));
  const copy = join(dir, basename(abs));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    copyFileSync(abs, copy);
    if (existsSync(`${abs}-wal`)) copyFileSync(`${abs}-wal`, `${copy}-wal`);
    Archive.open(copy, { appVersion: target.appVersion }).close();
  } catch (err) {
    cleanup();
    throw reject(`upgrading a copy of it from schema ${version} failed (${(err as Error).message})`);
  }
  return { file: abs, path: copy, cleanup };
}

function importOne(target: Archive, src: PreparedSource): ImportReport {
  const db = target.db;
  try {
    db.prepare(`ATTACH DATABASE ? AS src`).run(src.path);
  } catch (err) {
    throw archiveFailure(target.path, `opening ${src.file} for import`, err, 'nothing was imported');
  }
  try {
    return target.write(
      `importing ${src.file}`,
      () => {
        const cols = (table: string, skip: string[] = []) => columns(db, 'main', table).filter((c) => !skip.includes(c));
        const copyIgnore = (table: string, skip: string[] = []) => {
          const c = cols(table, skip).join(', ');
          return db.prepare(`INSERT OR IGNORE INTO main.${table} (${c}) SELECT ${c} FROM src.${table}`).run().changes;
        };
        copyIgnore('specs');
        const experiments = copyIgnore('experiments');
        copyIgnore('tasks');
        const total = db.prepare(`SELECT count(*) FROM src.runs`).pluck().get() as number;
        const differing = db
          .prepare(
            `SELECT count(*) FROM src.runs s JOIN main.runs m ON m.uid = s.uid
             WHERE s.status = 'done' AND m.status = 'done' AND m.mean_capacity IS NOT s.mean_capacity`,
          )
          .pluck()
          .get() as number;
        const completed = db.prepare(`DELETE FROM main.runs WHERE status <> 'done' AND uid IN (SELECT uid FROM src.runs WHERE status = 'done')`).run().changes;
        db.exec(`DROP TABLE IF EXISTS temp.imp; CREATE TEMP TABLE imp (src_run_id INTEGER PRIMARY KEY, uid TEXT NOT NULL, dst_run_id INTEGER)`);
        db.exec(`INSERT INTO temp.imp (src_run_id, uid) SELECT run_id, uid FROM src.runs WHERE uid NOT IN (SELECT uid FROM main.runs) ORDER BY run_id`);
        const runCols = cols('runs', ['run_id']).join(', ');
        const inserted = db.prepare(`INSERT INTO main.runs (${runCols}) SELECT ${runCols} FROM src.runs WHERE run_id IN (SELECT src_run_id FROM temp.imp) ORDER BY run_id`).run().changes;
        db.exec(`UPDATE temp.imp SET dst_run_id = (SELECT run_id FROM main.runs m WHERE m.uid = temp.imp.uid)`);
        const scoreCols = cols('scores', ['run_id']);
        const scores = db
          .prepare(
            `INSERT INTO main.scores (run_id, ${scoreCols.join(', ')}) SELECT i.dst_run_id, ${scoreCols.map((c) => `s.${c}`).join(', ')}
             FROM temp.imp i JOIN src.scores s ON s.run_id = i.src_run_id ORDER BY i.src_run_id, s.task_index`,
          )
          .run().changes;
        db.exec(`INSERT INTO main.run_specs (run_id, spec_json) SELECT i.dst_run_id, s.spec_json FROM temp.imp i JOIN src.run_specs s ON s.run_id = i.src_run_id`);
        const famCols = cols('run_family', ['run_id']);
        db.prepare(
          `INSERT INTO main.run_family (run_id, ${famCols.join(', ')}) SELECT i.dst_run_id, ${famCols.map((c) => `f.${c}`).join(', ')}
           FROM temp.imp i JOIN src.run_family f ON f.run_id = i.src_run_id`,
        ).run();
        const mechCols = cols('run_mechanisms', ['run_id']);
        db.prepare(
          `INSERT INTO main.run_mechanisms (run_id, ${mechCols.join(', ')}) SELECT i.dst_run_id, ${mechCols.map((c) => `m.${c}`).join(', ')}
           FROM temp.imp i JOIN src.run_mechanisms m ON m.run_id = i.src_run_id`,
        ).run();
        // per-configuration task sums: add the file's own where it brought every finished run of a
        // configuration it has sums for, else recount the configuration from the scores
        db.exec(`DROP TABLE IF EXISTS temp.impcfg; CREATE TEMP TABLE impcfg (config TEXT PRIMARY KEY, whole INTEGER NOT NULL)`);
        db.exec(
          `INSERT INTO temp.impcfg
           SELECT config, coalesce(n = src_done AND lo = n AND hi = n AND kept = tasks, 0) FROM (
             SELECT m.config_hash AS config, count(*) AS n, max(m.tasks) AS tasks,
               (SELECT count(*) FROM src.runs sr WHERE sr.config_hash = m.config_hash AND sr.status = 'done') AS src_done,
               (SELECT min(runs) FROM src.config_tasks ct WHERE ct.config_hash = m.config_hash) AS lo,
               (SELECT max(runs) FROM src.config_tasks ct WHERE ct.config_hash = m.config_hash) AS hi,
               (SELECT count(*) FROM src.config_tasks ct WHERE ct.config_hash = m.config_hash) AS kept
             FROM temp.imp i JOIN main.runs m ON m.run_id = i.dst_run_id WHERE m.status = 'done' GROUP BY m.config_hash)`,
        );
        db.exec(
          `INSERT INTO main.config_tasks (config_hash, task_index, runs, sum_capacity, sum_comp)
           SELECT config_hash, task_index, runs, sum_capacity, sum_comp FROM src.config_tasks WHERE config_hash IN (SELECT config FROM temp.impcfg WHERE whole)
           ${CONFIG_TASKS_ADD}`,
        );
        db.exec(`DELETE FROM main.config_tasks WHERE config_hash IN (SELECT config FROM temp.impcfg WHERE NOT whole)`);
        db.exec(
          `INSERT INTO main.config_tasks (config_hash, task_index, runs, sum_capacity)
           SELECT r.config_hash, s.task_index, count(*), sum(s.capacity) FROM main.runs r JOIN main.scores s ON s.run_id = r.run_id
           WHERE r.status = 'done' AND r.config_hash IN (SELECT config FROM temp.impcfg WHERE NOT whole)
           GROUP BY r.config_hash, s.task_index`,
        );
        db.exec(`DROP TABLE temp.impcfg`);
        const tags = copyIgnore('tags');
        const notes = copyIgnore('notes', ['note_id']);
        db.exec(`DROP TABLE IF EXISTS temp.impsets; CREATE TEMP TABLE impsets (name TEXT PRIMARY KEY)`);
        db.exec(`INSERT INTO temp.impsets SELECT name FROM src.comparison_sets WHERE name NOT IN (SELECT name FROM main.comparison_sets)`);
        const sets = db.prepare(`INSERT INTO main.comparison_sets (name, definition, created_at) SELECT name, definition, created_at FROM src.comparison_sets WHERE name IN temp.impsets`).run().changes;
        db.exec(`INSERT OR IGNORE INTO main.comparison_set_runs (set_name, run_uid) SELECT set_name, run_uid FROM src.comparison_set_runs WHERE set_name IN temp.impsets`);
        db.exec(`DROP TABLE temp.imp; DROP TABLE temp.impsets`);
        // the saved designs (their specs came with the specs above)
        const designs = importDesigns(db);
        return {
          file: src.file,
          experiments,
          added: inserted - completed,
          completed,
          skipped: total - inserted,
          differing,
          scores,
          tags,
          notes,
          sets,
          ...designs,
        };
      },
      'nothing of that file was imported',
    );
  } finally {
    db.exec('DETACH DATABASE src');
  }
}

interface DesignRow {
  name: string;
  version: number;
  spec_hash: string;
  saved_at: string;
  /** what makes two versions the same design */
  content: string;
  channels?: string | null;
  tasks?: number;
  /** a suite's stored spec (it carries its version number) */
  json?: string;
}

/**
 * Copies the attached file's saved networks and suites into the target, version by version (oldest
 * first): a version whose content the target already has under that name is skipped (importing twice
 * adds nothing); one whose name and version are free keeps its number; one whose number the target
 * already uses for other content becomes that name's next version, so nothing saved on either side
 * is lost. Content: a network's spec; a suite's spec but its version number, with its channels.
 */
function importDesigns(db: Db): { networks: number; suites: number } {
  const suiteRows = (schema: string): DesignRow[] =>
    (
      db
        .prepare(`SELECT s.name, s.version, s.spec_hash, s.saved_at, s.tasks, s.channels, p.json FROM ${schema}.suites s JOIN ${schema}.specs p ON p.hash = s.spec_hash ORDER BY s.name, s.version`)
        .all() as (DesignRow & { json: string })[]
    ).map((r) => ({
      ...r,
      content: suiteContent(JSON.parse(r.json) as SuiteSpec, r.channels == null ? PRE_V6_CHANNELS : (JSON.parse(r.channels) as ChannelSpec[])),
    }));
  const networkRows = (schema: string): DesignRow[] =>
    (db.prepare(`SELECT name, version, spec_hash, saved_at FROM ${schema}.networks ORDER BY name, version`).all() as Omit<DesignRow, 'content'>[]).map((r) => ({
      ...r,
      content: r.spec_hash,
    }));
  const merge = (incoming: DesignRow[], present: DesignRow[], insert: (r: DesignRow, version: number) => void): number => {
    let added = 0;
    for (const r of incoming) {
      const mine = present.filter((p) => p.name === r.name);
      if (mine.some((p) => p.content === r.content)) continue;
      const version = mine.some((p) => p.version === r.version) ? Math.max(...mine.map((p) => p.version)) + 1 : r.version;
      insert(r, version);
      present.push({ ...r, version });
      added++;
    }
    return added;
  };
  const putNetwork = db.prepare(`INSERT INTO main.networks (name, version, spec_hash, saved_at) VALUES (?, ?, ?, ?)`);
  const putSuite = db.prepare(`INSERT INTO main.suites (name, version, spec_hash, tasks, saved_at, channels) VALUES (?, ?, ?, ?, ?, ?)`);
  const putSpec = db.prepare(`INSERT OR IGNORE INTO main.specs (hash, kind, json) VALUES (?, 'suite', ?)`);
  const suiteAs = (r: DesignRow, version: number): string => {
    if (version === r.version) return r.spec_hash;
    // a suite's spec carries its version number: the one renumbered is stored as its new version
    const versioned = { ...(JSON.parse(r.json!) as SuiteSpec), version };
    const hash = specHash(versioned);
    putSpec.run(hash, canonicalJson(versioned));
    return hash;
  };
  return {
    networks: merge(networkRows('src'), networkRows('main'), (r, v) => putNetwork.run(r.name, v, r.spec_hash, r.saved_at)),
    suites: merge(suiteRows('src'), suiteRows('main'), (r, v) => putSuite.run(r.name, v, suiteAs(r, v), r.tasks, r.saved_at, r.channels ?? null)),
  };
}

/**
 * Imports one or more archives or exports into `target`. Every file is checked first, so one bad
 * file means nothing is imported; then each file is imported in its own transaction.
 */
export function importArchives(target: Archive, files: readonly string[]): ImportReport[] {
  if (files.length === 0) throw new QuenchError('input', 'name at least one archive or export file to import');
  const prepared: PreparedSource[] = [];
  try {
    for (const f of files) prepared.push(checkSource(f, target));
    const seen = new Set<string>();
    return prepared.filter((p) => !seen.has(p.file) && seen.add(p.file)).map((p) => importOne(target, p));
  } finally {
    for (const p of prepared) p.cleanup();
  }
}
