// Run selections as SQL: `--where family=lognormal`, `--where n>=100`, `--where network.p=0.1` (a
// path into the stored RunSpec JSON), tags, dates, status and experiments. Every value is bound as
// a parameter; field names come from a fixed list, and JSON paths are bound too.
import { QuenchError } from '../common/errors.js';
import { FACTORS } from '../common/factors.js';
import type { RunFilter } from '../common/filters.js';

export type { RunFilter };

export interface Sql {
  sql: string;
  params: unknown[];
}

type FieldType = 'text' | 'number' | 'boolean';

/** Columns of `runs` a clause may name, with the aliases people type. */
const FIELDS: Record<string, { col: string; type: FieldType }> = {};
function field(col: string, type: FieldType, ...aliases: string[]) {
  for (const a of [col, ...aliases]) FIELDS[a.toLowerCase()] = { col, type };
}
// the sweep factors, by their columns and every name they go by (common/factors.ts)
for (const f of FACTORS) field(f.column, f.type, f.key, ...f.aliases);
/** not a column: family none, or level 0 of a family other than empirical */
field('homogeneous', 'boolean', 'homo');
field('root_seed', 'number', 'rootSeed');
field('network_seed', 'number', 'networkSeed');
field('input_seed', 'number', 'inputSeed');
field('status', 'text');
field('backend', 'text');
field('app_version', 'text', 'appVersion', 'version');
field('experiment_id', 'text', 'experiment');
field('uid', 'text', 'run');
field('run_index', 'number', 'index');
field('run_key', 'text', 'key');
field('condition', 'text');
field('config_hash', 'text', 'config');
field('mean_capacity', 'number', 'capacity', 'meanCapacity');
field('total_capacity', 'number', 'totalCapacity');
field('mean_r2', 'number', 'r2', 'meanR2');
field('tau_realised_mean', 'number');
field('tau_realised_cv', 'number', 'realisedCv', 'realised_cv');
field('tau_realised_skewness', 'number', 'skewness', 'realised_skewness');
field('tau_bounded', 'number', 'bounded');
field('rho_w', 'number', 'rhoW');
field('rho_eff', 'number', 'rhoEff');
field('density', 'number');
field('mean_rate_hz', 'number', 'rate', 'meanRateHz');
field('total_ms', 'number', 'ms');
field('nominal_cv', 'number', 'nominalCv');
field('rate_target', 'text', 'rateTarget');
field('rate_target_hz', 'number', 'targetHz');
field('calibrated_value', 'number', 'calibrated');
field('created_at', 'text', 'created');
field('finished_at', 'text', 'finished');

export const FIELD_NAMES = [...new Set(Object.values(FIELDS).map((f) => f.col))];

export interface Clause {
  /** what the clause names: a runs column, or a JSON path into the run spec */
  key: string;
  column: string | null;
  jsonPath: string | null;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';
  values: string[];
  source: string;
}

const BOOLEAN: Record<string, number> = { true: 1, false: 0, yes: 1, no: 0, '1': 1, '0': 0 };

const CLAUSE = /^\s*([^=!<>~\s]+)\s*(!=|>=|<=|=|<|>|~)\s*(.*?)\s*$/;
const JSON_PATH = /^\$?(\.?[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+$/;

export function parseClause(text: string): Clause {
  const m = CLAUSE.exec(text);
  if (!m) throw new QuenchError('input', `cannot read the condition "${text}": write FIELD=VALUE (or != < <= > >= ~), e.g. family=lognormal, n>=100, network.p=0.1`);
  const [, key, op, value] = m;
  const f = FIELDS[key.toLowerCase()];
  let jsonPath: string | null = null;
  if (!f) {
    if (!key.includes('.') && !key.startsWith('$')) {
      throw new QuenchError(
        'input',
        `unknown field "${key}" in "${text}": use one of ${FIELD_NAMES.join(', ')} (or the aliases in the README), or a path into the run spec such as network.p or network.model.form`,
      );
    }
    if (!JSON_PATH.test(key)) throw new QuenchError('input', `"${key}" in "${text}" is not a path into the run spec (e.g. network.p, input.channels[0].family)`);
    jsonPath = key.startsWith('$') ? key : `$.${key}`;
  }
  const values = op === '=' || op === '!=' ? value.split('|') : [value];
  if (f?.type === 'boolean') {
    for (const v of values) {
      if (!Object.hasOwn(BOOLEAN, v)) throw new QuenchError('input', `"${text}": ${key} is true or false, got "${v}"`);
    }
    if (op !== '=' && op !== '!=') throw new QuenchError('input', `"${text}": ${key} takes = or !=`);
  }
  if (f?.type === 'number') {
    for (const v of values) {
      if (v === '' || !Number.isFinite(Number(v))) throw new QuenchError('input', `"${text}": ${key} is a number, got "${v}"`);
    }
  }
  return { key, column: f?.col ?? null, jsonPath, op: op as Clause['op'], values, source: text };
}

/** A condition of `quench compare`: clauses joined by commas, all of which must hold. */
export function parseCondition(text: string): Clause[] {
  const parts = text.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new QuenchError('input', `empty condition "${text}"`);
  return parts.map(parseClause);
}

function typedValue(v: string, clause: Clause): unknown {
  if (clause.column === 'homogeneous') return BOOLEAN[v];
  const numeric = clause.column ? FIELDS[clause.column]?.type === 'number' : false;
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
    add({
      sql: `EXISTS (SELECT 1 FROM tags t WHERE t.tag = ? AND ((t.kind = 'run' AND t.target = ${alias}.uid) OR (t.kind = 'experiment' AND t.target = ${alias}.experiment_id)))`,
      params: [tag],
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
