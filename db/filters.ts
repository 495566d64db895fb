// Run selections as SQL: `--where family=lognormal`, `--where n>=100`, `--where network.p=0.1` (a
// path into the stored RunSpec JSON), tags, dates, status and experiments. Every value is bound as
// a parameter; field names come from a fixed list, and JSON paths are bound too.
import { QuenchError } from '../common/errors.js';
import { BOOLEAN, fieldType, parseClause, type Clause, type RunFilter } from '../common/filters.js';

// the clause parser is the contract's (common/filters.ts): the app checks a clause with it as it is
// typed; re-exported for the archive's callers
export { FIELD_NAMES, parseClause, parseCondition, type Clause } from '../common/filters.js';
export type { RunFilter };

export interface Sql {
  sql: string;
  params: unknown[];
}

function typedValue(v: string, clause: Clause): unknown {
  if (clause.column === 'homogeneous') return BOOLEAN[v];
  const numeric = clause.column ? fieldType(clause.column) === 'number' : false;
  if (numeric) return Number(v);
  if (clause.jsonPath) {
    if (v === 'true') return 1;
    if (v === 'false') return 0;
    if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return v;
}

export function clauseSql(clause: Clause, alias = 'r'): Sql {
  const params: unknown[] = [];
  let lhs: string;
  if (clause.column === 'homogeneous') lhs = `(${alias}.family = 'none' OR (${alias}.cv = 0 AND ${alias}.family <> 'empirical'))`;
  else if (clause.column) lhs = `${alias}.${clause.column}`;
  else {
    lhs = `json_extract((SELECT spec_json FROM run_specs WHERE run_id = ${alias}.run_id), ?)`;
    params.push(clause.jsonPath);
  }
  const vals = clause.values.map((v) => typedValue(v, clause));
  if (clause.jsonPath && clause.values.length === 1 && clause.values[0] === 'null') {
    return { sql: `${lhs} IS ${clause.op === '!=' ? 'NOT ' : ''}NULL`, params };
  }
  switch (clause.op) {
    case '=':
    case '!=': {
      const neg = clause.op === '!=' ? 'NOT ' : '';
      if (vals.length === 1) return { sql: clause.op === '=' ? `${lhs} = ?` : `${lhs} IS NOT ?`, params: [...params, vals[0]] };
      return { sql: `${lhs} ${neg}IN (${vals.map(() => '?').join(', ')})`, params: [...params, ...vals] };
    }
    case '~':
      return { sql: `${lhs} GLOB ?`, params: [...params, clause.values[0]] };
    default:
      return { sql: `${lhs} ${clause.op} ?`, params: [...params, vals[0]] };
  }
}

export function andSql(clauses: Clause[], alias = 'r'): Sql {
  if (clauses.length === 0) return { sql: '1', params: [] };
  const parts = clauses.map((c) => clauseSql(c, alias));
  return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };
}

/** "2024-05-01", "2024-05-01T12:00", or relative: "7d", "12h", "30m" ago. */
export function parseInstant(text: string, what: string, now = Date.now()): string {
  const rel = /^(\d+)\s*([dhm])$/.exec(text.trim());
  if (rel) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm'];
    return new Date(now - Number(rel[1]) * unit).toISOString();
  }
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new QuenchError('input', `${what}: cannot read "${text}" as a date; write 2024-05-01, 2024-05-01T12:00 or 7d / 12h / 30m (ago)`);
  return new Date(t).toISOString();
}

/** The WHERE clause (over `runs` aliased `alias`) of a selection. */
export function filterSql(filter: RunFilter, alias = 'r'): Sql {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (s: Sql) => {
    parts.push(`(${s.sql})`);
    params.push(...s.params);
  };
  for (const w of filter.where ?? []) add(clauseSql(parseClause(w), alias));
  for (const tag of filter.tags ?? []) {
    // two primary-key lookups per run: one EXISTS with an OR inside made SQLite walk every row of the
    // tag for every run (6 s for 10 000 runs that all carry it)
    add({
      sql: `EXISTS (SELECT 1 FROM tags t WHERE t.kind = 'run' AND t.target = ${alias}.uid AND t.tag = ?)
        OR EXISTS (SELECT 1 FROM tags t WHERE t.kind = 'experiment' AND t.target = ${alias}.experiment_id AND t.tag = ?)`,
      params: [tag, tag],
    });
  }
  if (filter.since) add({ sql: `coalesce(${alias}.finished_at, ${alias}.created_at) >= ?`, params: [filter.since] });
  if (filter.until) add({ sql: `coalesce(${alias}.finished_at, ${alias}.created_at) < ?`, params: [filter.until] });
  if (filter.status && filter.status.length > 0) add({ sql: `${alias}.status IN (${filter.status.map(() => '?').join(', ')})`, params: filter.status });
  if (filter.experiments && filter.experiments.length > 0) {
    add({ sql: `${alias}.experiment_id IN (${filter.experiments.map(() => '?').join(', ')})`, params: filter.experiments });
  }
  if (filter.runUids) {
    add({ sql: `${alias}.uid IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(filter.runUids)] });
  }
  return parts.length === 0 ? { sql: '1', params: [] } : { sql: parts.join(' AND '), params };
}
