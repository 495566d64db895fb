// What a comparison reads from the archive, and nothing more: the runs of the selection grouped by
// configuration and condition, each group's seeds, its per-run family means and per-task scores, the
// task lists, one spec per group, and the spec fields that differ. The pairing rules and every
// statistic are the analysis module's (main/analysis/compare.ts).
//
// Vocabulary:
//   configuration  runs with the same config hash: everything that determines a run's numbers but
//                  its seeds (from any experiment); its runs are its seeds
//   condition      a set of runs named on the command line (`family=none`, `family=lognormal,cv=1`)
//                  or, by default, "homogeneous" and "heterogeneous"
//   group          the runs of one configuration within one condition
import type { CompareRequest, DiffRow } from '../common/comparison.js';
import { QuenchError } from '../common/errors.js';
import type { Mechanisms } from '../common/mechanisms.js';
import type { Archive } from './archive.js';
import { andSql, filterSql, parseCondition, type Clause, type Sql } from './filters.js';

export type { CompareRequest };

export interface GroupRow {
  config: string;
  cond: number;
  runs: number;
  /** run_id of one run of the group (its spec stands for the configuration) */
  rep: number;
  ord: number;
  /** the runs' mean capacities, sorted (sums over them do not depend on SQL's grouping order) */
  caps: number[];
  experiments: string[];
  family: string;
  cv: number;
  n: number;
  tau_mean: number;
  train_length: number;
  manipulation: string;
  model: string;
  cv_match: string | null;
  realised_cv: number | null;
  realised_skew: number | null;
  nominal_cv: number | null;
  rho_eff: number | null;
  rate: number | null;
  target_rate: number | null;
}

/** One run of a group: a seed, with what pairs it (network and input seed). */
export interface SeedRow {
  run_id: number;
  experiment_id: string;
  root_seed: number;
  seed_index: number;
  network_seed: number;
  input_seed: number;
  cap: number;
}

export interface TaskRow {
  task_index: number;
  id: string;
  family: string;
  memory_depth: number;
  nonlinearity: number;
}

export interface ComparisonData {
  explicit: boolean;
  conditionTexts: string[];
  /** every clause the conditions name (their fields are what a pair may differ in) */
  constrained: Clause[];
  groups: GroupRow[];
  /** per group key ("config/cond"): per family, the runs' family means */
  families: Map<string, Map<string, number[]>>;
  /** per group key: its runs, one per seed */
  seeds: Map<string, SeedRow[]>;
}

export const groupKey = (config: string, cond: number) => `${config}/${cond}`;

/** The selection's finished runs, grouped by configuration and condition. */
export function comparisonData(archive: Archive, req: CompareRequest): ComparisonData {
  const db = archive.db;
  const explicit = (req.conditions ?? []).length > 0;
  if (explicit && req.conditions!.length < 2) throw new QuenchError('input', 'compare needs two or more conditions (or none, for homogeneous against each heterogeneous level)');
  const conditionTexts = explicit ? req.conditions! : ['homogeneous=true', 'homogeneous=false'];
  const clauses: Clause[][] = conditionTexts.map(parseCondition);
  const condSql: Sql[] = clauses.map((cs) => andSql(cs, 'r'));
  const sel = filterSql({ ...req.filter, status: ['done'] }, 'r');
  const caseSql = `CASE ${condSql.map((c, i) => `WHEN ${c.sql} THEN ${i}`).join(' ')} END`;
  const caseParams = condSql.flatMap((c) => c.params);
  const inSelection = `SELECT r.*, r.config_hash AS config, ${caseSql} AS cond FROM runs r WHERE ${sel.sql}`;
  const params = [...caseParams, ...sel.params];

  const raw = db
    .prepare(
      `SELECT config, cond, count(*) AS runs, min(run_id) AS rep, min(run_index) AS ord, json_group_array(mean_capacity) AS caps,
         group_concat(DISTINCT experiment_id) AS exps, min(family) AS family, min(cv) AS cv, min(n) AS n, min(tau_mean) AS tau_mean,
         min(train_length) AS train_length, min(manipulation) AS manipulation, min(model) AS model, min(cv_match) AS cv_match,
         avg(tau_realised_cv) AS realised_cv, avg(tau_realised_skewness) AS realised_skew, avg(nominal_cv) AS nominal_cv,
         avg(rho_eff) AS rho_eff, avg(mean_rate_hz) AS rate, avg(rate_target_hz) AS target_rate
       FROM (${inSelection})
       WHERE cond IS NOT NULL
       GROUP BY config, cond
       ORDER BY cond, ord`,
    )
    .all(...params) as (Omit<GroupRow, 'caps' | 'experiments'> & { caps: string; exps: string })[];
  if (raw.length === 0) {
    throw new QuenchError('not-found', `no finished runs in archive ${archive.path} match this selection${explicit ? ' and conditions' : ''}`);
  }
  const groups: GroupRow[] = raw.map(({ caps, exps, ...g }) => ({ ...g, caps: sortedNumbers(caps), experiments: exps.split(',').sort() }));

  const families = new Map<string, Map<string, number[]>>();
  const famRows = db
    .prepare(
      `SELECT r.config AS config, r.cond AS cond, f.family, json_group_array(f.mean_capacity) AS caps
       FROM (${inSelection}) r JOIN run_family f ON f.run_id = r.run_id
       WHERE r.cond IS NOT NULL
       GROUP BY r.config, r.cond, f.family`,
    )
    .all(...params) as { config: string; cond: number; family: string; caps: string }[];
  for (const r of famRows) {
    const k = groupKey(r.config, r.cond);
    const m = families.get(k) ?? new Map<string, number[]>();
    m.set(r.family, sortedNumbers(r.caps));
    families.set(k, m);
  }

  const seeds = new Map<string, SeedRow[]>();
  const seedRows = db
    .prepare(
      `SELECT config, cond, run_id, experiment_id, root_seed, seed_index, network_seed, input_seed, mean_capacity AS cap
       FROM (${inSelection}) WHERE cond IS NOT NULL
       ORDER BY root_seed, seed_index, run_id`,
    )
    .all(...params) as (SeedRow & { config: string; cond: number })[];
  for (const { config, cond, ...s } of seedRows) {
    const k = groupKey(config, cond);
    const list = seeds.get(k) ?? [];
    list.push(s);
    seeds.set(k, list);
  }
  return { explicit, conditionTexts, constrained: clauses.flat(), groups, families, seeds };
}

/** A JSON array of numbers, sorted. */
function sortedNumbers(json: string): number[] {
  return (JSON.parse(json) as number[]).sort((a, b) => a - b);
}

/** The mechanism measures of runs (those measured), by run_id. */
export function runMechanisms(archive: Archive, runIds: readonly number[]): Map<number, Mechanisms> {
  const rows = archive.db
    .prepare(`SELECT run_id, json FROM run_mechanisms WHERE run_id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify([...new Set(runIds)])) as { run_id: number; json: string }[];
  return new Map(rows.map((r) => [r.run_id, JSON.parse(r.json) as Mechanisms]));
}

/** The stored RunSpec JSON of a run. */
export function runSpecJson(archive: Archive, runId: number): string {
  return archive.db.prepare(`SELECT spec_json FROM run_specs WHERE run_id = ?`).pluck().get(runId) as string;
}

/** An experiment's task list, in task order. */
export function taskList(archive: Archive, experimentId: string): TaskRow[] {
  return archive.db.prepare(`SELECT task_index, id, family, memory_depth, nonlinearity FROM tasks WHERE experiment_id = ? ORDER BY task_index`).all(experimentId) as TaskRow[];
}

/** The per-task capacities of runs, each in task order (one read of the scores, in run_id order). */
export function runScores(archive: Archive, runIds: readonly number[]): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  if (runIds.length === 0) return out;
  const rows = archive.db
    .prepare(`SELECT s.run_id, s.task_index, s.capacity FROM scores s WHERE s.run_id IN (SELECT value FROM json_each(?)) ORDER BY s.run_id, s.task_index`)
    .raw()
    .iterate(JSON.stringify([...new Set(runIds)])) as IterableIterator<[number, number, number]>;
  let current = -1;
  let buf: number[] = [];
  const flush = () => {
    if (current >= 0) out.set(current, Float64Array.from(buf));
  };
  for (const [id, , cap] of rows) {
    if (id !== current) {
      flush();
      current = id;
      buf = [];
    }
    buf.push(cap);
  }
  flush();
  return out;
}

/** The spec fields whose values differ between the groups' configurations (json_tree over one run of each). */
export function configDiff(archive: Archive, reps: [string, number][]): DiffRow[] {
  if (reps.length < 2) return [];
  const rows = archive.db
    .prepare(
      `WITH reps AS (SELECT key AS g, value AS run_id FROM json_each(@reps)),
       leaves AS (
         SELECT reps.g AS g, j.fullkey AS k, j.atom AS v, j.type AS t
         FROM reps JOIN run_specs r ON r.run_id = reps.run_id, json_tree(r.spec_json) j
         WHERE j.type NOT IN ('object', 'array')
           AND j.fullkey NOT IN ('$.index', '$.key', '$.condition')
           AND j.fullkey NOT GLOB '$.seeds.*'
           AND (j.fullkey NOT GLOB '$.factors.*' OR j.fullkey IN ('$.factors.trainLength', '$.factors.manipulation'))
       )
       SELECT k, json_group_object(g, v) AS vals FROM leaves
       WHERE k IN (SELECT k FROM leaves GROUP BY k HAVING count(DISTINCT t || ':' || coalesce(v, '')) > 1 OR count(*) < @n)
       GROUP BY k ORDER BY k`,
    )
    .all({ reps: JSON.stringify(Object.fromEntries(reps)), n: reps.length }) as { k: string; vals: string }[];
  return rows.map((r) => {
    const have = JSON.parse(r.vals) as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    for (const [g] of reps) values[g] = g in have ? have[g] : null;
    return { path: r.k.replace(/^\$\./, ''), values };
  });
}
