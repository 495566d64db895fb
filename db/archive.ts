// The run archive: one SQLite file (WAL, foreign keys on) holding every experiment, run, per-task
// score, tag, note and comparison set. Electron-free: the CLI, `serve` and the app's IPC layer all
// call this class. Every write is one transaction; every failure is an ArchiveError naming the file.
import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ExperimentRow, ExperimentSummary, NoteRow, RunRow } from '../common/archive-types.js';
import { QuenchError } from '../common/errors.js';
import { FACTORS } from '../common/factors.js';
import { archivedMechanisms, type Mechanisms } from '../common/mechanisms.js';
import type { RateCalibrationResult, RunFactors, RunResult, RunSpec } from '../common/results.js';
import type { ChannelSpec, ExperimentSpec, NetworkSpec, SuiteSpec } from '../common/spec.js';
import type { TaskDef } from '../worker/types.js';
import { ArchiveError, archiveFailure } from './errors.js';
import { filterSql, type RunFilter } from './filters.js';
import { canonicalJson, configHash, experimentId, experimentIdentity, runUid, specHash } from './identity.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.js';

// the row types are declared in the contract (common/); re-exported for the archive's callers
export type { ExperimentRow, ExperimentSummary, NoteRow, RunRow };

export type Db = Database.Database;

export interface ArchiveOptions {
  /**
   * open without writing (queries only). Where SQLite cannot read the file in place (an older schema
   * to migrate, or a WAL file in a folder this process cannot write), a temporary copy is read.
   */
  readonly?: boolean;
  /**
   * the caller only reads: where the file or its folder cannot be written (a read-only share, another
   * user's archive), open it read-only instead of failing
   */
  read?: boolean;
  /** make the file if it does not exist (default true; queries pass false) */
  create?: boolean;
  /** stored with every run committed through this handle */
  appVersion?: string;
}

/** Paging and order of `listRuns`. */
export interface RunPage {
  offset?: number;
  /** a column of RunRow (tags: by the run's tags, alphabetical and joined) */
  sort?: string;
  descending?: boolean;
}

/** RunRow columns runs can be sorted by, and their SQL (nulls always last). */
const RUN_SORT_COLUMNS: Record<string, string> = Object.fromEntries(
  [
    'uid', 'experiment_id', 'run_index', 'status', 'family', 'cv', 'n', 'tau_mean', 'train_length', 'manipulation', 'model', 'seed_index',
    'root_seed', 'backend', 'app_version', 'mean_capacity', 'mean_r2', 'tau_realised_cv', 'tau_realised_skewness', 'rho_eff', 'mean_rate_hz',
    'total_ms', 'config_hash', 'created_at', 'finished_at',
  ]
    .map((c) => [c, `r.${c}`])
    .concat([
      ['experiment_name', 'e.name'],
      // a run's tags (its own and its experiment's) as listed, alphabetical and joined: untagged runs last
      [
        'tags',
        `(SELECT group_concat(tag, ', ' ORDER BY tag) FROM (SELECT DISTINCT t.tag FROM tags t
           WHERE (t.kind = 'run' AND t.target = r.uid) OR (t.kind = 'experiment' AND t.target = r.experiment_id)))`,
      ],
    ]),
);

/** A named, versioned task suite saved in the archive. */
export interface SuiteRow {
  name: string;
  version: number;
  /** tasks it makes with its channels */
  tasks: number;
  saved_at: string;
  suite: SuiteSpec;
  /** the input channels it was designed and counted with (a suite saved before schema 6: the default 3 white-noise channels) */
  channels: ChannelSpec[];
}

/** A named, versioned network spec saved in the archive. */
export interface NetworkRow {
  name: string;
  version: number;
  saved_at: string;
  network: NetworkSpec;
}

/** The input a suite saved before schema 6 was counted with (InputSchema's default channels). */
export const PRE_V6_CHANNELS: ChannelSpec[] = [{ family: 'white' }, { family: 'white' }, { family: 'white' }];

/** What makes two saved suites the same: the suite but its version number, and its channels. */
export function suiteContent(suite: SuiteSpec, channels: readonly ChannelSpec[]): string {
  return canonicalJson({ suite: { ...suite, version: 0 }, channels });
}

export interface Target {
  kind: 'experiment' | 'run';
  id: string;
  label: string;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** how long an open waits for another process that is making or upgrading the same file */
const OPEN_RETRY_MS = 15_000;

/** What the first bytes and the header pragmas of a file say it is (read-only; touches nothing). */
export interface FileInspection {
  applicationId: number;
  version: number;
  tables: string[];
}

export function readHeader(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

export function isSqliteFile(path: string): boolean {
  return readHeader(path) === SQLITE_HEADER;
}

/**
 * What an SQLite file's 100-byte header says, read as bytes (opening it with SQLite could need to
 * write beside it): its application_id and user_version, and whether it is in WAL mode (read and
 * write format versions 2).
 */
export function readDbHeader(path: string): { applicationId: number; version: number; wal: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    if (n < 100) return { applicationId: 0, version: 0, wal: false };
    return { applicationId: buf.readInt32BE(68), version: buf.readInt32BE(60), wal: buf[18] === 2 || buf[19] === 2 };
  } finally {
    closeSync(fd);
  }
}

/** whether this process may write `path` and make files beside it (WAL's -wal and -shm) */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Opens `path` read-only and reads application_id, user_version and the table names. */
export function inspectFile(path: string, what = 'archive'): FileInspection {
  let db: Db | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    return { applicationId, version, tables };
  } catch (err) {
    throw archiveFailure(path, `reading the ${what}'s header`, err, 'it was left untouched');
  } finally {
    db?.close();
  }
}

export function newerMessage(path: string, version: number): string {
  return `archive ${path} was written by a newer Quench (schema ${version}; this version reads up to ${SCHEMA_VERSION}); it was left untouched. Update Quench to open it`;
}

export function foreignMessage(path: string, appId: number): string {
  return `${path} is an SQLite database but not a Quench archive (application_id 0x${(appId >>> 0).toString(16).padStart(8, '0')}, expected 0x${APPLICATION_ID.toString(16)}); it was left untouched`;
}

const nowIso = () => new Date().toISOString();

/**
 * The ON CONFLICT clause that adds a partial (runs, sum_capacity, sum_comp) to a config_tasks row
 * with Neumaier's compensated summation, so the stored sum hardly depends on the order runs came in.
 */
export const CONFIG_TASKS_ADD = `ON CONFLICT (config_hash, task_index) DO UPDATE SET
    runs = runs + excluded.runs,
    sum_capacity = sum_capacity + excluded.sum_capacity,
    sum_comp = sum_comp + excluded.sum_comp + CASE WHEN abs(sum_capacity) >= abs(excluded.sum_capacity)
      THEN (sum_capacity - (sum_capacity + excluded.sum_capacity)) + excluded.sum_capacity
      ELSE (excluded.sum_capacity - (sum_capacity + excluded.sum_capacity)) + sum_capacity END`;

/** Runs the schema migrations from `from` to SCHEMA_VERSION in one transaction. */
export function migrate(db: Db, from: number, appVersion: string): void {
  const tx = db.transaction(() => {
    // another process may have made or upgraded the file since `from` was read (two `quench run`s
    // starting on one new path): under this immediate transaction's lock, the version is final
    const now = db.pragma('user_version', { simple: true }) as number;
    if (now > from) from = now;
    if (from >= SCHEMA_VERSION) return;
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    const put = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    if (from === 0) {
      put.run('created_by', `quench ${appVersion}`);
      put.run('created_at', nowIso());
    } else {
      put.run(`migrated_from_${from}`, `${nowIso()} by quench ${appVersion}`);
    }
  });
  tx.immediate();
}

interface RunDbRow {
  run_id: number;
  uid: string;
  run_index: number;
  run_key: string;
  condition: string;
  family: string;
  cv: number;
  n: number;
  tau_mean: number;
  train_length: number;
  manipulation: string;
  model: string;
  seed_index: number;
  root_seed: number;
  network_seed: number;
  input_seed: number;
  backend: string;
  app_version: string;
  simulate_ms: number;
  readout_ms: number;
  total_ms: number;
  tau_realised_mean: number;
  tau_realised_cv: number;
  tau_realised_skewness: number;
  tau_realised_min: number;
  tau_realised_max: number;
  tau_bounded: number;
  rho_w: number | null;
  rho_eff: number | null;
  density: number;
  mean_rate_hz: number | null;
  tasks: number;
  mean_capacity: number;
  total_capacity: number;
  mean_r2: number;
  cv_match: string | null;
  nominal_cv: number | null;
  rate_target: string | null;
  rate_target_hz: number | null;
  calibrated_by: string | null;
  uncalibrated_value: number | null;
  calibrated_value: number | null;
  calibration_runs: number | null;
}

const finiteOrNull = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** A run's firing-rate calibration as stored (null: none) */
function calibrationOf(row: RunDbRow): RateCalibrationResult | null {
  if (row.calibrated_by === null || row.rate_target === null) return null;
  const target = row.rate_target === 'homogeneous' ? 'homogeneous' : Number(row.rate_target);
  return {
    by: row.calibrated_by as RateCalibrationResult['by'],
    target,
    targetHz: row.rate_target_hz!,
    uncalibratedValue: row.uncalibrated_value!,
    value: row.calibrated_value!,
    achievedHz: row.mean_rate_hz!,
    simulations: row.calibration_runs!,
  };
}

export class Archive {
  private identities = new Map<string, string>();

  private constructor(
    readonly path: string,
    readonly db: Db,
    readonly appVersion: string,
    readonly readonly: boolean,
  ) {}

  /**
   * Opens (or makes) the archive at `path`. A file that is not SQLite, a foreign SQLite file and a
   * file of a newer schema are refused before anything is written to them; an older schema is
   * migrated in one transaction.
   */
  static open(path: string, opts: ArchiveOptions = {}): Archive {
    const abs = resolve(path);
    const appVersion = opts.appVersion ?? 'unknown';
    const present = existsSync(abs) && statSync(abs).isFile() && statSync(abs).size > 0;
    if (existsSync(abs) && !statSync(abs).isFile()) throw new ArchiveError('input', `archive ${abs} is not a file`);
    const readonly = (opts.readonly ?? false) || (opts.read === true && present && !writable(abs));
    let version = 0;
    if (present) {
      if (!isSqliteFile(abs)) throw new ArchiveError('input', `${abs} is not a Quench archive (not an SQLite database); it was left untouched`);
      let header = readDbHeader(abs);
      if (header.applicationId === 0 && header.version === 0) {
        // new and empty, or being made by another process this moment (its first transaction may
        // commit between our two reads): SQLite's own consistent read decides
        const info = inspectFile(abs);
        if (info.applicationId === APPLICATION_ID) header = { ...header, applicationId: info.applicationId, version: info.version };
        else if (info.tables.length > 0) throw new ArchiveError('input', foreignMessage(abs, info.applicationId));
      } else if (header.applicationId !== APPLICATION_ID) {
        throw new ArchiveError('input', foreignMessage(abs, header.applicationId));
      }
      if (header.version > SCHEMA_VERSION) throw new ArchiveError('input', newerMessage(abs, header.version));
      version = header.version;
      // read in place where SQLite can: else from a copy (migrated, or with its WAL files beside it)
      const walBlocked = header.wal && !writable(abs) && !(existsSync(`${abs}-wal`) && existsSync(`${abs}-shm`));
      if (readonly && (version < SCHEMA_VERSION || walBlocked)) return Archive.openCopy(abs, appVersion);
    } else {
      if (opts.create === false || readonly) {
        throw new ArchiveError('not-found', `no archive at ${abs} yet: \`quench run\` makes one (or name another with --archive PATH or QUENCH_ARCHIVE)`);
      }
      try {
        mkdirSync(dirname(abs), { recursive: true });
      } catch (err) {
        throw new ArchiveError('input', `cannot make the folder of archive ${abs}: ${(err as Error).message}`);
      }
    }
    // two processes making or upgrading one file at once (two jobs starting on a new path): the
    // switch to WAL and the migration need the file to themselves, and SQLite answers "busy" at
    // once for some of those locks rather than waiting; the one that lost waits and tries again
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let db: Db;
      try {
        db = new Database(abs, { readonly, fileMustExist: readonly });
      } catch (err) {
        throw archiveFailure(abs, 'opening it', err, 'it was left untouched');
      }
      try {
        db.pragma('busy_timeout = 10000');
        if (!readonly) {
          db.pragma('journal_mode = WAL');
          // FULL: a committed run survives a power cut too, not only a crash of the process
          db.pragma('synchronous = FULL');
        }
        db.pragma('foreign_keys = ON');
        if (!readonly && version < SCHEMA_VERSION) migrate(db, version, appVersion);
        return new Archive(abs, db, appVersion, readonly);
      } catch (err) {
        db.close();
        const busy = String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
        if (busy && Date.now() - started < OPEN_RETRY_MS) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 80 * Math.min(attempt + 1, 5));
          continue;
        }
        throw archiveFailure(abs, version === 0 ? 'setting up a new archive' : version < SCHEMA_VERSION ? `upgrading it from schema ${version} to ${SCHEMA_VERSION}` : 'opening it for writing', err, 'it was left as it was');
      }
    }
  }

  /** Where a read-only archive is read from a temporary copy: that copy's folder (removed on close). */
  private copyDir: string | null = null;

  /** The archive `abs` read from a temporary copy: upgraded to this schema, then opened read-only. */
  private static openCopy(abs: string, appVersion: string): Archive {
    const dir = mkdtempSync(join(tmpdir(), 'quench-read-'));
    const copy = join(dir, basename(abs));
    try {
      copyFileSync(abs, copy);
      if (existsSync(`${abs}-wal`)) copyFileSync(`${abs}-wal`, `${copy}-wal`);
      Archive.open(copy, { appVersion }).close();
      const db = new Database(copy, { readonly: true, fileMustExist: true });
      db.pragma('foreign_keys = ON');
      const a = new Archive(abs, db, appVersion, true);
      a.copyDir = dir;
      return a;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw archiveFailure(abs, 'reading it from a copy (it cannot be read in place: read-only, and in WAL mode or of an older schema)', err, 'it was left untouched');
    }
  }

  /** Whether this handle reads a temporary copy of the file (a read-only archive SQLite could not read in place). */
  get readsCopy(): boolean {
    return this.copyDir !== null;
  }

  close(): void {
    if (this.db.open) {
      // at rest in rollback-journal mode, the file is readable where its folder is read-only (a WAL
      // file needs -wal and -shm beside it); another process that has it open keeps WAL, and the
      // next writer turns it on again
      if (!this.readonly) {
        try {
          this.db.pragma('busy_timeout = 0');
          this.db.pragma('journal_mode = DELETE');
        } catch {
          // busy: someone else has it open; it stays in WAL mode, as is right while they do
        }
      }
      this.db.close();
    }
    if (this.copyDir) rmSync(this.copyDir, { recursive: true, force: true });
    this.copyDir = null;
  }

  /** Runs `fn` in one (immediate) transaction; any failure rolls it back and is said in words. */
  write<T>(doing: string, fn: () => T, keeps?: string): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      throw archiveFailure(this.path, doing, err, keeps);
    }
  }

  /** Runs `fn`'s queries in one read transaction: one snapshot, whatever other processes commit meanwhile. */
  read<T>(doing: string, fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (err) {
      throw archiveFailure(this.path, doing, err, 'nothing was changed');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Experiments

  experimentIdentityOf(id: string): string {
    let identity = this.identities.get(id);
    if (!identity) {
      const row = this.db.prepare(`SELECT spec_hash, nonce FROM experiments WHERE id = ?`).get(id) as { spec_hash: string; nonce: string } | undefined;
      if (!row) throw new QuenchError('not-found', `no experiment ${id} in archive ${this.path}`);
      identity = experimentIdentity(row.spec_hash, row.nonce);
      this.identities.set(id, identity);
    }
    return identity;
  }

  /** The experiment made from this exact spec (first one, nonce ''), if any. */
  findExperimentBySpec(spec: ExperimentSpec): ExperimentRow | null {
    return this.read('looking up the experiment', () => {
      const row = this.db.prepare(`SELECT * FROM experiments WHERE spec_hash = ? AND nonce = ''`).get(specHash(spec)) as ExperimentRow | undefined;
      return row ?? null;
    });
  }

  getExperiment(id: string): ExperimentRow {
    const row = this.read('reading an experiment', () => this.db.prepare(`SELECT * FROM experiments WHERE id = ?`).get(id) as ExperimentRow | undefined);
    if (!row) throw new QuenchError('not-found', `no experiment ${id} in archive ${this.path}`);
    return row;
  }

  /** The experiment's spec as stored (the validated spec it was made from), parsed JSON. */
  storedSpec(exp: ExperimentRow): unknown {
    const json = this.read('reading the experiment spec', () => this.db.prepare(`SELECT json FROM specs WHERE hash = ?`).pluck().get(exp.spec_hash) as string | undefined);
    if (json === undefined) throw new QuenchError('internal', `experiment ${exp.id} has no stored spec in archive ${this.path}`);
    return JSON.parse(json) as unknown;
  }

  /** An experiment by id, unique id prefix or name. */
  findExperiment(ref: string): ExperimentRow {
    const rows = this.read('looking up the experiment', () =>
      this.db
        .prepare(`SELECT * FROM experiments WHERE id = @ref OR (length(@ref) >= 4 AND id GLOB @ref || '*') OR name = @ref COLLATE NOCASE ORDER BY (id = @ref) DESC, created_at`)
        .all({ ref }) as ExperimentRow[],
    );
    if (rows.length === 0) {
      const some = this.db.prepare(`SELECT id, name FROM experiments ORDER BY created_at DESC LIMIT 8`).all() as { id: string; name: string }[];
      throw new QuenchError(
        'not-found',
        `no experiment "${ref}" in archive ${this.path}` + (some.length ? `; experiments there: ${some.map((e) => `${e.id} "${e.name}"`).join(', ')}` : ' (it holds no experiments)'),
      );
    }
    if (rows.length > 1 && rows[0].id !== ref) {
      throw new QuenchError('input', `"${ref}" names ${rows.length} experiments in archive ${this.path}: ${rows.map((e) => `${e.id} "${e.name}" (${e.created_at})`).join(', ')}; give the id`);
    }
    return rows[0];
  }

  /**
   * Stores the spec, the experiment, its task list and the planned runs given (status pending).
   * `planned` is how many runs the experiment makes in all: a large sweep stores its first runs here
   * and the others with addPlanned, a batch at a time (remainingRuns adds any that are missing).
   */
  createExperiment(spec: ExperimentSpec, runs: readonly RunSpec[], tasks: readonly TaskDef[], nonce = '', planned = runs.length): ExperimentRow {
    if (runs.length === 0 || planned === 0) throw new QuenchError('spec', 'the experiment plans no runs');
    const sh = specHash(spec);
    const identity = experimentIdentity(sh, nonce);
    const id = experimentId(identity);
    return this.write(`storing experiment "${spec.name}"`, () => {
      // another process may have stored it since we looked (two starts of one spec at once): then
      // it is that experiment, with these planned runs added
      const existing = this.db.prepare(`SELECT id FROM experiments WHERE id = ?`).pluck().get(id) as string | undefined;
      if (existing) {
        this.identities.set(id, identity);
        this.insertPlanned(id, runs);
        return this.getExperiment(id);
      }
      const putSpec = this.db.prepare(`INSERT OR IGNORE INTO specs (hash, kind, json) VALUES (?, ?, ?)`);
      putSpec.run(sh, 'experiment', canonicalJson(spec));
      const networkHash = specHash(spec.network);
      putSpec.run(networkHash, 'network', canonicalJson(spec.network));
      const suiteHash = specHash(runs[0].suite);
      putSpec.run(suiteHash, 'suite', canonicalJson(runs[0].suite));
      this.db
        .prepare(
          `INSERT INTO experiments (id, spec_hash, network_hash, suite_hash, nonce, name, analysis, claim, root_seed, sweep_json, planned_runs, task_count, app_version, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, sh, networkHash, suiteHash, nonce, spec.name, spec.analysis, spec.claim, spec.rootSeed, canonicalJson(spec.sweep), planned, tasks.length, this.appVersion, nowIso());
      const putTask = this.db.prepare(
        `INSERT INTO tasks (experiment_id, task_index, id, family, channels, memory_depth, nonlinearity, parity, classification) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      tasks.forEach((t, i) => putTask.run(id, i, t.id, t.family, JSON.stringify(t.channels), t.memoryDepth, t.nonlinearity, t.parity, t.classification ? 1 : 0));
      this.identities.set(id, identity);
      this.insertPlanned(id, runs);
      return this.getExperiment(id);
    });
  }

  /** Stores more planned runs of an experiment (pending), in one transaction; those already there are kept. */
  addPlanned(id: string, runs: readonly RunSpec[]): number {
    return this.write('recording the planned runs', () => this.insertPlanned(id, runs));
  }

  private insertPlanned(id: string, runs: readonly RunSpec[]): number {
    const identity = this.experimentIdentityOf(id);
    // the sweep factors' columns, from the factor table
    const put = this.db.prepare(
      `INSERT OR IGNORE INTO runs (uid, experiment_id, run_index, run_key, condition, config_hash, status, ${FACTORS.map((f) => f.column).join(', ')}, root_seed, network_seed, input_seed, rate_target, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ${FACTORS.map(() => '?').join(', ')}, ?, ?, ?, ?, ?)`,
    );
    const putSpec = this.db.prepare(`INSERT INTO run_specs (run_id, spec_json) VALUES (?, ?)`);
    const at = nowIso();
    let added = 0;
    for (const r of runs) {
      const f = r.factors;
      const model = r.network.model;
      const rateTarget = model.kind === 'lif' && model.calibration ? String(model.calibration.target) : null;
      const factors = FACTORS.map((x) => f[x.key] ?? null);
      const res = put.run(runUid(identity, r.key), id, r.index, r.key, r.condition, configHash(r), ...factors, r.seeds.root, r.seeds.network, r.seeds.input, rateTarget, at);
      if (res.changes > 0) {
        putSpec.run(res.lastInsertRowid, canonicalJson(r));
        added++;
      }
    }
    return added;
  }

  /**
   * Of these runs of the experiment (all of them, or a slice of a large sweep), the ones not done yet;
   * any that has no row yet gets one (an archive that received only some of an experiment's runs by
   * import lacks the others).
   */
  remainingRuns(id: string, runs: readonly RunSpec[]): RunSpec[] {
    const identity = this.experimentIdentityOf(id);
    this.write('recording the planned runs', () => this.insertPlanned(id, runs));
    const uids = runs.map((r) => runUid(identity, r.key));
    const done = new Set(
      this.db.prepare(`SELECT uid FROM runs WHERE status = 'done' AND uid IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(uids)) as string[],
    );
    return runs.filter((_, i) => !done.has(uids[i]));
  }

  /** The run indices of the experiment's finished runs, ascending. */
  doneIndices(id: string): number[] {
    return this.read('listing finished runs', () => this.db.prepare(`SELECT run_index FROM runs WHERE experiment_id = ? AND status = 'done' ORDER BY run_index`).pluck().all(id) as number[]);
  }

  progress(id: string): { done: number; planned: number } {
    return this.read('counting runs', () => {
      const row = this.db.prepare(`SELECT count(*) FILTER (WHERE status = 'done') AS done FROM runs WHERE experiment_id = ?`).get(id) as { done: number };
      return { done: row.done, planned: this.getExperiment(id).planned_runs };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Runs

  private commitOne(id: string, r: RunResult): boolean {
    const uid = runUid(this.experimentIdentityOf(id), r.key);
    const row = this.db.prepare(`SELECT run_id, status FROM runs WHERE uid = ?`).get(uid) as { run_id: number; status: string } | undefined;
    if (!row) throw new QuenchError('internal', `run ${r.index} (${r.key}) is not a planned run of experiment ${id}`);
    if (row.status === 'done') return false;
    // a made run needs no claim (db/claims.ts)
    this.db.prepare(`DELETE FROM run_claims WHERE run_id = ?`).run(row.run_id);
    const k = r.scores.capacity.length;
    const taskCount = (this.db.prepare(`SELECT task_count FROM experiments WHERE id = ?`).get(id) as { task_count: number }).task_count;
    if (k !== taskCount) throw new QuenchError('internal', `run ${r.index} has ${k} task scores; experiment ${id} has ${taskCount} tasks`);
    const t = r.network.tau;
    const cal = r.network.calibration;
    this.db
      .prepare(
        `UPDATE runs SET status = 'done', backend = ?, app_version = ?, simulate_ms = ?, readout_ms = ?, total_ms = ?,
           tau_realised_mean = ?, tau_realised_cv = ?, tau_realised_skewness = ?, tau_realised_min = ?, tau_realised_max = ?, tau_bounded = ?,
           rho_w = ?, rho_eff = ?, density = ?, mean_rate_hz = ?, tasks = ?, mean_capacity = ?, total_capacity = ?, mean_r2 = ?, finished_at = ?,
           nominal_cv = ?, rate_target_hz = ?, calibrated_by = ?, uncalibrated_value = ?, calibrated_value = ?, calibration_runs = ?
         WHERE run_id = ?`,
      )
      .run(
        r.backend,
        this.appVersion,
        r.timings.simulateMs,
        r.timings.readoutMs,
        r.timings.totalMs,
        t.mean,
        t.cv,
        t.skewness,
        t.min,
        t.max,
        t.bounded,
        r.network.rhoW,
        r.network.rhoEff,
        r.network.density,
        r.network.meanRateHz,
        r.summary.tasks,
        r.summary.meanCapacity,
        r.summary.totalCapacity,
        r.summary.meanR2,
        nowIso(),
        t.nominalCv ?? null,
        cal?.targetHz ?? null,
        cal?.by ?? null,
        cal?.uncalibratedValue ?? null,
        cal?.value ?? null,
        cal?.simulations ?? null,
        row.run_id,
      );
    const put = this.db.prepare(`INSERT INTO scores (run_id, task_index, r2, capacity, nrmse, accuracy, ridge) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const s = r.scores;
    for (let i = 0; i < k; i++) put.run(row.run_id, i, s.r2[i], s.capacity[i], s.nrmse[i], s.accuracy[i], s.ridge[i]);
    this.db
      .prepare(
        `INSERT INTO run_family (run_id, family, tasks, mean_capacity, mean_r2)
         SELECT s.run_id, t.family, count(*), avg(s.capacity), avg(s.r2)
         FROM scores s JOIN tasks t ON t.experiment_id = ? AND t.task_index = s.task_index
         WHERE s.run_id = ? GROUP BY t.family`,
      )
      .run(id, row.run_id);
    this.db
      .prepare(
        `INSERT INTO config_tasks (config_hash, task_index, runs, sum_capacity, sum_comp)
         SELECT r.config_hash, s.task_index, 1, s.capacity, 0 FROM runs r JOIN scores s ON s.run_id = r.run_id WHERE r.run_id = ?
         ${CONFIG_TASKS_ADD}`,
      )
      .run(row.run_id);
    if (r.mechanisms) this.putMechanisms(row.run_id, r.mechanisms);
    return true;
  }

  private putMechanisms(runId: number, m: Mechanisms): void {
    const rate = m.kind === 'rate' ? m : null;
    const lif = m.kind === 'lif' ? m : null;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO run_mechanisms (run_id, kind, participation_ratio, components90, components99, timescale_mean, timescale_cv, timescale_skewness,
           effective_timescale_median, rho_operating, rate_cv, isi_cv, fano, pair_correlation, json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        m.kind,
        m.participationRatio,
        m.components90,
        m.components99,
        finiteOrNull(rate?.timescales.mean),
        finiteOrNull(rate?.timescales.cv),
        finiteOrNull(rate?.timescales.skewness),
        finiteOrNull(rate?.spectrum?.effectiveTimescales.median),
        finiteOrNull(rate?.spectrum?.rho),
        finiteOrNull(lif?.rates.cv),
        finiteOrNull(lif?.isiCv.mean),
        finiteOrNull(lif?.fano.mean),
        finiteOrNull(lif?.correlation.mean),
        JSON.stringify(archivedMechanisms(m)),
      );
  }

  /** The mechanism measures of an experiment's finished runs by run index (runs not measured are absent). */
  mechanismsOf(experimentId: string): Map<number, Mechanisms> {
    return this.read('reading mechanism measures', () => {
      const rows = this.db
        .prepare(`SELECT r.run_index, m.json FROM runs r JOIN run_mechanisms m ON m.run_id = r.run_id WHERE r.experiment_id = ? AND r.status = 'done'`)
        .all(experimentId) as { run_index: number; json: string }[];
      return new Map(rows.map((x) => [x.run_index, JSON.parse(x.json) as Mechanisms]));
    });
  }

  /** run_ids of the experiment's finished runs that have no mechanism measures (made by an older version) */
  unmeasuredRunIds(experimentId: string): number[] {
    return this.db
      .prepare(`SELECT r.run_id FROM runs r WHERE r.experiment_id = ? AND r.status = 'done' AND NOT EXISTS (SELECT 1 FROM run_mechanisms m WHERE m.run_id = r.run_id) ORDER BY r.run_id`)
      .pluck()
      .all(experimentId) as number[];
  }

  /** Stores a finished run (its summary, per-task and per-family scores) in one transaction. */
  commitRun(id: string, r: RunResult): boolean {
    return this.write(`storing run ${r.index} (${r.key})`, () => this.commitOne(id, r), 'that run was not stored; the runs stored before it are kept');
  }

  /** Several finished runs in one transaction (imports and benchmarks). */
  commitRuns(id: string, rs: readonly RunResult[]): number {
    return this.write(`storing ${rs.length} runs`, () => rs.reduce((n, r) => n + (this.commitOne(id, r) ? 1 : 0), 0), 'none of them was stored; the runs stored before them are kept');
  }

  /**
   * Makes finished runs pending again, to be made anew (a run flagged by an erratum): their scores
   * and summaries go, their configurations' task sums lose them, their ids, tags and notes stay. One
   * transaction; returns how many were reset.
   */
  resetRuns(runIds: readonly number[]): number {
    if (runIds.length === 0) return 0;
    return this.write(`resetting ${runIds.length} run(s) to pending`, () => {
      const subtract = this.db.prepare(
        `INSERT INTO config_tasks (config_hash, task_index, runs, sum_capacity, sum_comp)
         SELECT r.config_hash, s.task_index, -1, -s.capacity, 0 FROM runs r JOIN scores s ON s.run_id = r.run_id WHERE r.run_id = ?
         ${CONFIG_TASKS_ADD}`,
      );
      const reset = this.db.prepare(
        `UPDATE runs SET status = 'pending', backend = NULL, app_version = NULL, simulate_ms = NULL, readout_ms = NULL, total_ms = NULL,
           tau_realised_mean = NULL, tau_realised_cv = NULL, tau_realised_skewness = NULL, tau_realised_min = NULL, tau_realised_max = NULL,
           tau_bounded = NULL, rho_w = NULL, rho_eff = NULL, density = NULL, mean_rate_hz = NULL, tasks = NULL, mean_capacity = NULL,
           total_capacity = NULL, mean_r2 = NULL, finished_at = NULL, nominal_cv = NULL, rate_target_hz = NULL, calibrated_by = NULL,
           uncalibrated_value = NULL, calibrated_value = NULL, calibration_runs = NULL
         WHERE run_id = ? AND status = 'done'`,
      );
      let n = 0;
      for (const id of runIds) {
        subtract.run(id);
        this.db.prepare(`DELETE FROM scores WHERE run_id = ?`).run(id);
        this.db.prepare(`DELETE FROM run_family WHERE run_id = ?`).run(id);
        this.db.prepare(`DELETE FROM run_mechanisms WHERE run_id = ?`).run(id);
        n += reset.run(id).changes;
      }
      this.db.exec(`DELETE FROM config_tasks WHERE runs <= 0`);
      return n;
    }, 'no run was reset');
  }

  /** The finished runs of an experiment as the engine returned them (in run order). */
  loadResults(id: string): RunResult[] {
    return this.read('reading runs', () => {
      const rows = this.db.prepare(`SELECT * FROM runs WHERE experiment_id = ? AND status = 'done' ORDER BY run_index`).all(id) as RunDbRow[];
      const families = (this.db.prepare(`SELECT family FROM tasks WHERE experiment_id = ? GROUP BY family ORDER BY min(task_index)`).all(id) as { family: string }[]).map((f) => f.family);
      const byRun = new Map<number, RunResult>();
      const out = rows.map((row) => {
        const factors: RunFactors = {
          family: row.family as RunFactors['family'],
          cv: row.cv,
          n: row.n,
          tauMean: row.tau_mean,
          trainLength: row.train_length,
          manipulation: row.manipulation,
          model: row.model as RunFactors['model'],
          seedIndex: row.seed_index,
        };
        if (row.cv_match === 'realised') factors.match = 'realised';
        const perFamily: Record<string, number> = {};
        for (const f of families) perFamily[f] = NaN;
        const result: RunResult = {
          index: row.run_index,
          key: row.run_key,
          condition: row.condition,
          factors,
          seeds: { root: row.root_seed, network: row.network_seed, input: row.input_seed },
          backend: row.backend,
          summary: { tasks: row.tasks, meanCapacity: row.mean_capacity, totalCapacity: row.total_capacity, meanR2: row.mean_r2, perFamily },
          scores: { r2: [], capacity: [], nrmse: [], accuracy: [], ridge: [] },
          network: {
            tau: {
              mean: row.tau_realised_mean,
              cv: row.tau_realised_cv,
              skewness: row.tau_realised_skewness,
              min: row.tau_realised_min,
              max: row.tau_realised_max,
              bounded: row.tau_bounded,
              ...(row.nominal_cv !== null ? { nominalCv: row.nominal_cv } : {}),
            },
            rhoW: row.rho_w,
            rhoEff: row.rho_eff,
            density: row.density,
            meanRateHz: row.mean_rate_hz,
            ...(row.calibrated_by !== null ? { calibration: calibrationOf(row) } : {}),
          },
          timings: { simulateMs: row.simulate_ms, readoutMs: row.readout_ms, totalMs: row.total_ms },
        };
        byRun.set(row.run_id, result);
        return result;
      });
      const scores = this.db
        .prepare(
          `SELECT s.run_id, s.r2, s.capacity, s.nrmse, s.accuracy, s.ridge FROM runs r JOIN scores s ON s.run_id = r.run_id
           WHERE r.experiment_id = ? AND r.status = 'done' ORDER BY s.run_id, s.task_index`,
        )
        .raw()
        .iterate(id) as IterableIterator<[number, number, number, number | null, number | null, number]>;
      for (const [runId, r2, capacity, nrmse, accuracy, ridge] of scores) {
        const s = byRun.get(runId)!.scores;
        s.r2.push(r2);
        s.capacity.push(capacity);
        s.nrmse.push(nrmse);
        s.accuracy.push(accuracy);
        s.ridge.push(ridge);
      }
      const fam = this.db
        .prepare(`SELECT f.run_id, f.family, f.mean_capacity FROM runs r JOIN run_family f ON f.run_id = r.run_id WHERE r.experiment_id = ? AND r.status = 'done'`)
        .all(id) as { run_id: number; family: string; mean_capacity: number }[];
      for (const f of fam) byRun.get(f.run_id)!.summary.perFamily[f.family] = f.mean_capacity;
      const mech = this.db
        .prepare(`SELECT m.run_id, m.json FROM runs r JOIN run_mechanisms m ON m.run_id = r.run_id WHERE r.experiment_id = ? AND r.status = 'done'`)
        .all(id) as { run_id: number; json: string }[];
      for (const m of mech) byRun.get(m.run_id)!.mechanisms = JSON.parse(m.json) as Mechanisms;
      return out;
    });
  }

  listExperiments(): ExperimentSummary[] {
    return this.read('listing experiments', () => {
      const rows = this.db
        .prepare(
          `SELECT e.*,
             (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id AND r.status = 'done') AS done,
             (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id AND r.status = 'pending') AS pending,
             (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id AND r.status = 'failed') AS failed,
             (SELECT max(finished_at) FROM runs r WHERE r.experiment_id = e.id) AS last_finished_at,
             (SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE kind = 'experiment' AND target = e.id ORDER BY tag)) AS tags_json,
             (SELECT count(*) FROM notes WHERE kind = 'experiment' AND target = e.id) AS notes
           FROM experiments e ORDER BY e.created_at, e.id`,
        )
        .all() as (ExperimentRow & { done: number; pending: number; failed: number; last_finished_at: string | null; tags_json: string; notes: number })[];
      return rows.map(({ tags_json, ...r }) => ({ ...r, tags: JSON.parse(tags_json) as string[] }));
    });
  }

  /**
   * Runs matching a selection, in experiment and run order (or sorted by a column of RunRow, then in
   * that order); `limit` 0 means all, `offset` skips rows (paging).
   */
  listRuns(filter: RunFilter, limit = 0, page: RunPage = {}): { rows: RunRow[]; total: number } {
    const offset = page.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw new QuenchError('input', `offset: expected a whole number ≥ 0, got ${offset}`);
    let order = 'e.created_at, r.experiment_id, r.run_index';
    if (page.sort !== undefined) {
      const col = RUN_SORT_COLUMNS[page.sort];
      if (!col) throw new QuenchError('input', `cannot sort runs by "${page.sort}": choose one of ${Object.keys(RUN_SORT_COLUMNS).join(', ')}`);
      order = `${col} IS NULL, ${col} ${page.descending ? 'DESC' : 'ASC'}, ${order}`;
    }
    return this.read('listing runs', () => {
      const w = filterSql(filter, 'r');
      const total = (this.db.prepare(`SELECT count(*) AS c FROM runs r WHERE ${w.sql}`).get(...w.params) as { c: number }).c;
      const rows = this.db
        .prepare(
          `SELECT r.uid, r.experiment_id, e.name AS experiment_name, r.run_index, r.status, r.family, r.cv, r.n, r.tau_mean, r.train_length, r.manipulation, r.model,
             r.seed_index, r.root_seed, r.backend, r.app_version, r.mean_capacity, r.mean_r2, r.tau_realised_cv, r.tau_realised_skewness, r.rho_eff, r.mean_rate_hz,
             r.total_ms, r.config_hash, r.created_at, r.finished_at,
             (SELECT json_group_array(tag) FROM tags t WHERE (t.kind = 'run' AND t.target = r.uid) OR (t.kind = 'experiment' AND t.target = r.experiment_id)) AS tags_json
           FROM runs r JOIN experiments e ON e.id = r.experiment_id
           WHERE ${w.sql}
           ORDER BY ${order}
           ${limit > 0 || offset > 0 ? 'LIMIT ? OFFSET ?' : ''}`,
        )
        .all(...w.params, ...(limit > 0 || offset > 0 ? [limit > 0 ? limit : -1, offset] : [])) as (Omit<RunRow, 'tags'> & { tags_json: string })[];
      return { rows: rows.map(({ tags_json, ...r }) => ({ ...r, tags: [...new Set(JSON.parse(tags_json) as string[])].sort() })), total };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Tags, notes, comparison sets

  /** An experiment (id, id prefix or name) or a run (uid prefix of at least 6 hex digits). */
  resolveTarget(ref: string): Target {
    const found: Target[] = [];
    this.read('looking up the target', () => {
      const exps = this.db
        .prepare(`SELECT id, name FROM experiments WHERE id = @ref OR (length(@ref) >= 4 AND id GLOB @ref || '*') OR name = @ref COLLATE NOCASE`)
        .all({ ref }) as { id: string; name: string }[];
      for (const e of exps) found.push({ kind: 'experiment', id: e.id, label: `experiment ${e.id} "${e.name}"` });
      if (/^[0-9a-f]{6,64}$/.test(ref)) {
        const runs = this.db.prepare(`SELECT uid, run_key FROM runs WHERE uid GLOB ? || '*' LIMIT 10`).all(ref) as { uid: string; run_key: string }[];
        for (const r of runs) found.push({ kind: 'run', id: r.uid, label: `run ${r.uid.slice(0, 12)} (${r.run_key})` });
      }
    });
    if (found.length === 0) throw new QuenchError('not-found', `no experiment or run "${ref}" in archive ${this.path} (see \`quench experiments\` and \`quench runs\`)`);
    if (found.length > 1) throw new QuenchError('input', `"${ref}" names more than one thing in archive ${this.path}: ${found.map((f) => f.label).join('; ')}; give more of the id`);
    return found[0];
  }

  tag(target: Target, tags: readonly string[], remove = false): number {
    return this.write(`${remove ? 'removing' : 'adding'} tags`, () => {
      const stmt = remove
        ? this.db.prepare(`DELETE FROM tags WHERE kind = ? AND target = ? AND tag = ?`)
        : this.db.prepare(`INSERT OR IGNORE INTO tags (kind, target, tag, created_at) VALUES (?, ?, ?, ?)`);
      let changed = 0;
      for (const t of tags) changed += (remove ? stmt.run(target.kind, target.id, t) : stmt.run(target.kind, target.id, t, nowIso())).changes;
      return changed;
    });
  }

  /**
   * Adds (or with `remove`, takes away) tags on many runs and experiments at once, named by their full
   * ids (run uids, experiment ids): one transaction of set-based statements however many there are,
   * so that tagging 10 000 runs takes milliseconds (a lookup and a transaction per run took seconds).
   * An id not in the archive is refused by name and nothing is changed. Returns the tags added or removed.
   */
  tagMany(targets: { runs?: readonly string[]; experiments?: readonly string[] }, tags: readonly string[], remove = false): number {
    return this.write(`${remove ? 'removing' : 'adding'} tags`, () => {
      const tagsJson = JSON.stringify([...new Set(tags)]);
      const at = nowIso();
      let changed = 0;
      for (const [kind, ids, table, col] of [
        ['run', targets.runs ?? [], 'runs', 'uid'],
        ['experiment', targets.experiments ?? [], 'experiments', 'id'],
      ] as const) {
        if (ids.length === 0) continue;
        const idsJson = JSON.stringify([...new Set(ids)]);
        const missing = this.db.prepare(`SELECT value FROM json_each(?) WHERE value NOT IN (SELECT ${col} FROM ${table})`).pluck().all(idsJson) as string[];
        if (missing.length) {
          const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
          throw new QuenchError('not-found', `no ${kind} ${missing.slice(0, 3).join(', ')}${more} in archive ${this.path}; no tags were changed`);
        }
        changed += remove
          ? this.db
              .prepare(`DELETE FROM tags WHERE kind = ? AND target IN (SELECT value FROM json_each(?)) AND tag IN (SELECT value FROM json_each(?))`)
              .run(kind, idsJson, tagsJson).changes
          : this.db
              .prepare(`INSERT OR IGNORE INTO tags (kind, target, tag, created_at) SELECT ?, u.value, t.value, ? FROM json_each(?) u CROSS JOIN json_each(?) t`)
              .run(kind, at, idsJson, tagsJson).changes;
      }
      return changed;
    });
  }

  tagsOf(target: Target): string[] {
    return this.read('reading tags', () =>
      (this.db.prepare(`SELECT tag FROM tags WHERE kind = ? AND target = ? ORDER BY tag`).all(target.kind, target.id) as { tag: string }[]).map((t) => t.tag),
    );
  }

  addNote(target: Target, text: string): void {
    this.write('adding a note', () => {
      this.db.prepare(`INSERT INTO notes (kind, target, text, created_at) VALUES (?, ?, ?, ?)`).run(target.kind, target.id, text, nowIso());
    });
  }

  notesOf(target: Target): NoteRow[] {
    return this.read('reading notes', () => {
      if (target.kind === 'experiment') {
        // an experiment's notes, and its runs' notes
        return this.db
          .prepare(
            `SELECT kind, target, text, created_at FROM notes WHERE (kind = 'experiment' AND target = @ref)
               OR (kind = 'run' AND target IN (SELECT uid FROM runs WHERE experiment_id = @ref)) ORDER BY created_at, note_id`,
          )
          .all({ ref: target.id }) as NoteRow[];
      }
      return this.db.prepare(`SELECT kind, target, text, created_at FROM notes WHERE kind = 'run' AND target = ? ORDER BY created_at, note_id`).all(target.id) as NoteRow[];
    });
  }

  saveComparisonSet(name: string, definition: unknown, runUids: readonly string[], replace = false): void {
    this.write(`saving comparison set "${name}"`, () => {
      const exists = this.db.prepare(`SELECT 1 FROM comparison_sets WHERE name = ?`).get(name);
      if (exists && !replace) throw new QuenchError('input', `a comparison set named "${name}" already exists in archive ${this.path}; pick another name`);
      this.db.prepare(`DELETE FROM comparison_sets WHERE name = ?`).run(name);
      this.db.prepare(`INSERT INTO comparison_sets (name, definition, created_at) VALUES (?, ?, ?)`).run(name, JSON.stringify(definition), nowIso());
      const put = this.db.prepare(`INSERT OR IGNORE INTO comparison_set_runs (set_name, run_uid) VALUES (?, ?)`);
      for (const u of runUids) put.run(name, u);
    });
  }

  getComparisonSet(name: string): { name: string; definition: unknown; runUids: string[]; created_at: string } {
    return this.read(`reading comparison set "${name}"`, () => {
      const row = this.db.prepare(`SELECT name, definition, created_at FROM comparison_sets WHERE name = ?`).get(name) as { name: string; definition: string; created_at: string } | undefined;
      if (!row) {
        const names = (this.db.prepare(`SELECT name FROM comparison_sets ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
        throw new QuenchError('not-found', `no comparison set "${name}" in archive ${this.path}` + (names.length ? `; sets: ${names.join(', ')}` : ''));
      }
      const runUids = (this.db.prepare(`SELECT run_uid FROM comparison_set_runs WHERE set_name = ? ORDER BY run_uid`).all(name) as { run_uid: string }[]).map((r) => r.run_uid);
      return { name: row.name, definition: JSON.parse(row.definition) as unknown, runUids, created_at: row.created_at };
    });
  }

  listComparisonSets(): { name: string; runs: number; created_at: string; definition: unknown }[] {
    return this.read('listing comparison sets', () =>
      (
        this.db
          .prepare(`SELECT s.name, s.created_at, s.definition, (SELECT count(*) FROM comparison_set_runs c WHERE c.set_name = s.name) AS runs FROM comparison_sets s ORDER BY s.name`)
          .all() as { name: string; runs: number; created_at: string; definition: string }[]
      ).map((r) => ({ ...r, definition: JSON.parse(r.definition) as unknown })),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Saved task suites

  /**
   * Saves a suite under its name, with the input channels it was designed with and the tasks it makes
   * with them. Its content (the suite but its version number, and the channels) is compared with the
   * latest saved version of that name: the same content returns that version unchanged, other
   * content is stored as the next version (the given version number is not used: the archive
   * numbers versions 1, 2, 3 ...).
   */
  saveSuite(suite: SuiteSpec, tasks: number, channels: ChannelSpec[]): SuiteRow {
    return this.write(`saving suite "${suite.name}"`, () => {
      const latest = this.db
        .prepare(`SELECT s.version, s.tasks, s.saved_at, s.channels, p.json FROM suites s JOIN specs p ON p.hash = s.spec_hash WHERE s.name = ? ORDER BY s.version DESC LIMIT 1`)
        .get(suite.name) as { version: number; tasks: number; saved_at: string; channels: string | null; json: string } | undefined;
      if (latest) {
        const stored = JSON.parse(latest.json) as SuiteSpec;
        const storedChannels = latest.channels === null ? PRE_V6_CHANNELS : (JSON.parse(latest.channels) as ChannelSpec[]);
        if (suiteContent(stored, storedChannels) === suiteContent(suite, channels)) {
          return { name: suite.name, version: latest.version, tasks: latest.tasks, saved_at: latest.saved_at, suite: stored, channels: storedChannels };
        }
      }
      const version = (latest?.version ?? 0) + 1;
      const versioned: SuiteSpec = { ...suite, version };
      const hash = specHash(versioned);
      const at = nowIso();
      this.db.prepare(`INSERT OR IGNORE INTO specs (hash, kind, json) VALUES (?, 'suite', ?)`).run(hash, canonicalJson(versioned));
      this.db
        .prepare(`INSERT INTO suites (name, version, spec_hash, tasks, saved_at, channels) VALUES (?, ?, ?, ?, ?, ?)`)
        .run(suite.name, version, hash, tasks, at, canonicalJson(channels));
      return { name: suite.name, version, tasks, saved_at: at, suite: versioned, channels };
    });
  }

  /** Every saved version of every suite, by name, newest version first. */
  listSuites(): SuiteRow[] {
    return this.read('listing suites', () =>
      (
        this.db
          .prepare(`SELECT s.name, s.version, s.tasks, s.saved_at, s.channels, p.json FROM suites s JOIN specs p ON p.hash = s.spec_hash ORDER BY s.name, s.version DESC`)
          .all() as { name: string; version: number; tasks: number; saved_at: string; channels: string | null; json: string }[]
      ).map(({ json, channels, ...r }) => ({
        ...r,
        suite: JSON.parse(json) as SuiteSpec,
        channels: channels === null ? PRE_V6_CHANNELS : (JSON.parse(channels) as ChannelSpec[]),
      })),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Saved networks

  /**
   * Saves a network spec under a name, versioned as suites are: the same spec as the latest version
   * of that name returns that version unchanged, another spec is stored as the next version.
   */
  saveNetwork(name: string, network: NetworkSpec): NetworkRow {
    return this.write(`saving network "${name}"`, () => {
      const latest = this.db
        .prepare(`SELECT n.version, n.spec_hash, n.saved_at, p.json FROM networks n JOIN specs p ON p.hash = n.spec_hash WHERE n.name = ? ORDER BY n.version DESC LIMIT 1`)
        .get(name) as { version: number; spec_hash: string; saved_at: string; json: string } | undefined;
      const hash = specHash(network);
      if (latest && latest.spec_hash === hash) return { name, version: latest.version, saved_at: latest.saved_at, network: JSON.parse(latest.json) as NetworkSpec };
      const version = (latest?.version ?? 0) + 1;
      const at = nowIso();
      this.db.prepare(`INSERT OR IGNORE INTO specs (hash, kind, json) VALUES (?, 'network', ?)`).run(hash, canonicalJson(network));
      this.db.prepare(`INSERT INTO networks (name, version, spec_hash, saved_at) VALUES (?, ?, ?, ?)`).run(name, version, hash, at);
      return { name, version, saved_at: at, network };
    });
  }

  /** Every saved version of every network, by name, newest version first. */
  listNetworks(): NetworkRow[] {
    return this.read('listing saved networks', () =>
      (
        this.db
          .prepare(`SELECT n.name, n.version, n.saved_at, p.json FROM networks n JOIN specs p ON p.hash = n.spec_hash ORDER BY n.name, n.version DESC`)
          .all() as { name: string; version: number; saved_at: string; json: string }[]
      ).map(({ json, ...r }) => ({ ...r, network: JSON.parse(json) as NetworkSpec })),
    );
  }

  /** Row counts of the main tables (for reports and tests). */
  counts(): Record<string, number> {
    return this.read('counting rows', () => {
      const out: Record<string, number> = {};
      for (const t of ['experiments', 'runs', 'scores', 'run_family', 'config_tasks', 'tasks', 'tags', 'notes', 'comparison_sets', 'suites', 'networks']) {
        out[t] = (this.db.prepare(`SELECT count(*) AS c FROM ${t}`).get() as { c: number }).c;
      }
      return out;
    });
  }
}
