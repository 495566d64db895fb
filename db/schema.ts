// The archive's schema and its migrations. The file says what it is and which layout it has:
//   PRAGMA application_id = APPLICATION_ID   (a foreign SQLite file is told apart from an archive)
//   PRAGMA user_version   = schema version   (a newer file than this app reads is left untouched)
// A new archive is made by running every migration from version 0, so the path an old archive
// takes is the path every archive takes.
//
// Layout (version 3):
//   meta(key, value)                         who made the file, and whether it is an export
//   specs(hash, kind, json)                  experiment, network and suite specs by content hash
//   experiments(id, spec_hash, nonce, ...)   one per experiment; id = hash of (spec hash, nonce)
//   tasks(experiment_id, task_index, ...)    the task list of an experiment's suite
//   runs(run_id, uid, experiment_id, ...)    one row per planned run: status pending | done | failed;
//                                            factors, seeds, backend, app version, timings, realised
//                                            heterogeneity, summary scores (v1: and the RunSpec JSON)
//                                            uid = sha256(experiment identity, run key): the same run
//                                            made on two machines has the same uid (merge dedupes)
//   scores(run_id, task_index, ...)          per-task scores, WITHOUT ROWID on (run_id, task_index)
//   run_specs(run_id, spec_json)             the full RunSpec JSON of each run (v2; in runs in v1)
//   run_family(run_id, family, ...)          per-run per-task-family means, written with the run (v2)
//   config_tasks(config_hash, task_index)    per configuration and task: run count and capacity sum (v2)
//   tags, notes                              on experiments and runs, by their stable ids (v2)
//   comparison_sets, comparison_set_runs     named comparisons with the runs they were made on (v2)
//   suites(name, version, spec_hash, ...)    named task suites saved from the app, each version's spec
//                                            in specs by content hash (v3)
//   runs.cv_match, nominal_cv                realised-CV matching: 'realised' and the nominal c found (v4)
//   runs.rate_target ... calibration_runs    LIF firing-rate calibration: target, value used, cost (v4)
//   run_mechanisms(run_id, ...)              the mechanism measures of a run: scalars and JSON (v5)
//   networks(name, version, spec_hash, ...)  named network specs saved from the app, versioned as
//                                            suites are (v6)
//   suites.channels                          the input channels a suite was designed (and its tasks
//                                            counted) with, JSON; NULL: saved before v6, with the
//                                            default 3 white-noise channels (v6)
//   run_claims(run_id, owner, host, pid, ...) runs being made by a process, so that two processes
//                                            resuming one experiment never make a run twice (v7)

/** "QNCH" */
export const APPLICATION_ID = 0x514e4348;
export const SCHEMA_VERSION = 7;

/** Version 1: specs, experiments, tasks, runs and scores. */
export const V1_DDL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE specs (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('experiment', 'network', 'suite')),
  json TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE experiments (
  id           TEXT PRIMARY KEY,
  spec_hash    TEXT NOT NULL REFERENCES specs(hash),
  network_hash TEXT NOT NULL REFERENCES specs(hash),
  suite_hash   TEXT NOT NULL REFERENCES specs(hash),
  nonce        TEXT NOT NULL DEFAULT '',
  name         TEXT NOT NULL,
  analysis     TEXT NOT NULL,
  claim        TEXT NOT NULL,
  root_seed    INTEGER NOT NULL,
  sweep_json   TEXT NOT NULL,
  planned_runs INTEGER NOT NULL,
  task_count   INTEGER NOT NULL,
  app_version  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  UNIQUE (spec_hash, nonce)
) WITHOUT ROWID;

CREATE TABLE tasks (
  experiment_id  TEXT NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  task_index     INTEGER NOT NULL,
  id             TEXT NOT NULL,
  family         TEXT NOT NULL,
  channels       TEXT NOT NULL,
  memory_depth   INTEGER NOT NULL,
  nonlinearity   INTEGER NOT NULL,
  parity         TEXT NOT NULL,
  classification INTEGER NOT NULL,
  PRIMARY KEY (experiment_id, task_index)
) WITHOUT ROWID;

CREATE TABLE runs (
  run_id         INTEGER PRIMARY KEY,
  uid            TEXT NOT NULL UNIQUE,
  experiment_id  TEXT NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  run_index      INTEGER NOT NULL,
  run_key        TEXT NOT NULL,
  condition      TEXT NOT NULL,
  config_hash    TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  family         TEXT NOT NULL,
  cv             REAL NOT NULL,
  n              INTEGER NOT NULL,
  tau_mean       REAL NOT NULL,
  train_length   INTEGER NOT NULL,
  manipulation   TEXT NOT NULL,
  model          TEXT NOT NULL,
  seed_index     INTEGER NOT NULL,
  root_seed      INTEGER NOT NULL,
  network_seed   INTEGER NOT NULL,
  input_seed     INTEGER NOT NULL,
  backend        TEXT,
  app_version    TEXT,
  simulate_ms    REAL,
  readout_ms     REAL,
  total_ms       REAL,
  tau_realised_mean     REAL,
  tau_realised_cv       REAL,
  tau_realised_skewness REAL,
  tau_realised_min      REAL,
  tau_realised_max      REAL,
  tau_bounded           INTEGER,
  rho_w          REAL,
  rho_eff        REAL,
  density        REAL,
  mean_rate_hz   REAL,
  tasks          INTEGER,
  mean_capacity  REAL,
  total_capacity REAL,
  mean_r2        REAL,
  spec_json      TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  finished_at    TEXT,
  UNIQUE (experiment_id, run_key)
);
CREATE INDEX runs_config ON runs (config_hash, status);

CREATE TABLE scores (
  run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  task_index INTEGER NOT NULL,
  r2         REAL NOT NULL,
  capacity   REAL NOT NULL,
  nrmse      REAL,
  accuracy   REAL,
  ridge      REAL NOT NULL,
  PRIMARY KEY (run_id, task_index)
) WITHOUT ROWID;
`;

/**
 * Version 1 -> 2: per-family means kept per run and per-configuration task sums (both backfilled
 * from the scores), the run specs moved out of runs into their own table, tags, notes, comparison sets.
 */
export const V2_DDL = `
CREATE TABLE run_family (
  run_id        INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
  family        TEXT NOT NULL,
  tasks         INTEGER NOT NULL,
  mean_capacity REAL NOT NULL,
  mean_r2       REAL NOT NULL,
  PRIMARY KEY (run_id, family)
) WITHOUT ROWID;
INSERT INTO run_family (run_id, family, tasks, mean_capacity, mean_r2)
  SELECT s.run_id, t.family, count(*), avg(s.capacity), avg(s.r2)
  FROM scores s
  JOIN runs r ON r.run_id = s.run_id
  JOIN tasks t ON t.experiment_id = r.experiment_id AND t.task_index = s.task_index
  GROUP BY s.run_id, t.family;

-- per configuration and task: how many finished runs, and the sum of their capacities (a
-- compensated sum: sum_capacity + sum_comp), kept as runs are committed so that comparisons of whole
-- configurations do not read every score; a comparison checks the run count and falls back to the
-- scores when the rows do not cover exactly the runs it compares
CREATE TABLE config_tasks (
  config_hash  TEXT NOT NULL,
  task_index   INTEGER NOT NULL,
  runs         INTEGER NOT NULL,
  sum_capacity REAL NOT NULL,
  sum_comp     REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (config_hash, task_index)
) WITHOUT ROWID;
INSERT INTO config_tasks (config_hash, task_index, runs, sum_capacity)
  SELECT r.config_hash, s.task_index, count(*), sum(s.capacity)
  FROM runs r JOIN scores s ON s.run_id = r.run_id
  WHERE r.status = 'done'
  GROUP BY r.config_hash, s.task_index;

CREATE TABLE tags (
  kind       TEXT NOT NULL CHECK (kind IN ('experiment', 'run')),
  target     TEXT NOT NULL,
  tag        TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (kind, target, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags (tag);

CREATE TABLE notes (
  note_id    INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('experiment', 'run')),
  target     TEXT NOT NULL,
  text       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (kind, target, created_at, text)
);

CREATE TABLE comparison_sets (
  name       TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE comparison_set_runs (
  set_name TEXT NOT NULL REFERENCES comparison_sets(name) ON DELETE CASCADE,
  run_uid  TEXT NOT NULL,
  PRIMARY KEY (set_name, run_uid)
) WITHOUT ROWID;

-- the full RunSpec JSON of each run, kept beside the runs so that scans of runs stay small
CREATE TABLE run_specs (
  run_id    INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
  spec_json TEXT NOT NULL
);
INSERT INTO run_specs (run_id, spec_json) SELECT run_id, spec_json FROM runs;
ALTER TABLE runs DROP COLUMN spec_json;

CREATE INDEX runs_experiment ON runs (experiment_id, status);
CREATE INDEX runs_finished ON runs (finished_at);
`;

/**
 * Version 2 -> 3: named, versioned task suites saved from the app (\`saveSuite\`). A new version is
 * made only when the content changes; the suite spec of each version is kept in specs.
 */
export const V3_DDL = `
CREATE TABLE suites (
  name      TEXT NOT NULL,
  version   INTEGER NOT NULL,
  spec_hash TEXT NOT NULL REFERENCES specs(hash),
  tasks     INTEGER NOT NULL,
  saved_at  TEXT NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
`;

/**
 * Version 3 -> 4: what makes a comparison fair, per run. Realised-CV matching (the condition's
 * `match`, and the nominal c calibrated to reach its realised CV) and LIF firing-rate calibration
 * (the target as asked, 'homogeneous' or Hz, the rate aimed at, what was adjusted, its value before
 * and after, and how many simulations it took). NULL: not used, or a run made before version 4.
 */
export const V4_DDL = `
ALTER TABLE runs ADD COLUMN cv_match TEXT;
ALTER TABLE runs ADD COLUMN nominal_cv REAL;
ALTER TABLE runs ADD COLUMN rate_target TEXT;
ALTER TABLE runs ADD COLUMN rate_target_hz REAL;
ALTER TABLE runs ADD COLUMN calibrated_by TEXT;
ALTER TABLE runs ADD COLUMN uncalibrated_value REAL;
ALTER TABLE runs ADD COLUMN calibrated_value REAL;
ALTER TABLE runs ADD COLUMN calibration_runs INTEGER;
`;

/**
 * Version 4 -> 5: why heterogeneity helps. Per run, its mechanism measures (common/mechanisms.ts):
 * the scalars a comparison aggregates as columns, the distributions, spectra and alignment curves as
 * JSON. A run without a row was not measured (a run of an older version: `quench resume
 * --add-mechanisms` measures it).
 */
export const V5_DDL = `
CREATE TABLE run_mechanisms (
  run_id              INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
  kind                TEXT NOT NULL CHECK (kind IN ('rate', 'lif')),
  participation_ratio REAL NOT NULL,
  components90        INTEGER NOT NULL,
  components99        INTEGER NOT NULL,
  timescale_mean      REAL,
  timescale_cv        REAL,
  timescale_skewness  REAL,
  effective_timescale_median REAL,
  rho_operating       REAL,
  rate_cv             REAL,
  isi_cv              REAL,
  fano                REAL,
  pair_correlation    REAL,
  json                TEXT NOT NULL
);
`;

/**
 * Version 5 -> 6: the designs the app saves live in the archive (and travel with its exports, imports
 * and merges), not in one browser's storage. Named network specs, versioned by name as suites are
 * (the spec in specs by content hash); and a suite keeps the input channels it was designed with,
 * since its task count depends on them (a suite saved before has NULL: it was counted with the
 * default 3 white-noise channels).
 */
export const V6_DDL = `
CREATE TABLE networks (
  name      TEXT NOT NULL,
  version   INTEGER NOT NULL,
  spec_hash TEXT NOT NULL REFERENCES specs(hash),
  saved_at  TEXT NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
ALTER TABLE suites ADD COLUMN channels TEXT;
`;

/**
 * Version 6 -> 7: several processes making one experiment's runs at once (two resumes of one
 * experiment, a cluster job and a user): each run is claimed before it is made. A claim names its
 * process (host and pid, and a random owner id) and expires unless renewed; a claim of a process that
 * is gone (the same host, no such pid) or past its time is free to take. Made runs drop their claim.
 */
export const V7_DDL = `
CREATE TABLE run_claims (
  run_id     INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
  owner      TEXT NOT NULL,
  host       TEXT NOT NULL,
  pid        INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX run_claims_owner ON run_claims(owner);
`;

/** MIGRATIONS[v] takes a file from version v to v + 1. */
export const MIGRATIONS: readonly string[] = [V1_DDL, V2_DDL, V3_DDL, V4_DDL, V5_DDL, V6_DDL, V7_DDL];

/** Tables every archive of the current version has (checked on import). */
export const REQUIRED_TABLES = [
  'meta',
  'specs',
  'experiments',
  'tasks',
  'runs',
  'scores',
  'run_specs',
  'run_family',
  'config_tasks',
  'tags',
  'notes',
  'comparison_sets',
  'comparison_set_runs',
  'suites',
  'run_mechanisms',
  'networks',
  'run_claims',
] as const;
