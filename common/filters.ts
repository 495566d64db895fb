// A selection of runs, as the CLI, the app and the archive take it (the archive turns it into SQL:
// db/filters.ts). The type is the request schema's (common/requests.ts).
//
// The clause parser lives here, in the contract, so that the app checks a clause as it is typed with
// the very rules the main process applies to it (a clause the app accepts is one the archive reads):
// `family=lognormal`, `n>=100`, `capacity>0.2`, `network.p=0.1` (a path into the stored RunSpec).
import { QuenchError } from './errors.js';
import { FACTORS } from './factors.js';

export type { RunFilter } from './requests.js';

export type FieldType = 'text' | 'number' | 'boolean';

/** Columns of `runs` a clause may name, with the aliases people type (lower case). */
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

/** The type of a runs column a clause may name (by its column name), or undefined. */
export function fieldType(column: string): FieldType | undefined {
  return FIELDS[column.toLowerCase()]?.type;
}

export interface Clause {
  /** what the clause names: a runs column, or a JSON path into the run spec */
  key: string;
  column: string | null;
  jsonPath: string | null;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';
  values: string[];
  source: string;
}

export const BOOLEAN: Readonly<Record<string, number>> = { true: 1, false: 0, yes: 1, no: 0, '1': 1, '0': 0 };

const CLAUSE = /^\s*([^=!<>~\s]+)\s*(!=|>=|<=|=|<|>|~)\s*(.*?)\s*$/;
const JSON_PATH = /^\$?(\.?[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+$/;

/** Reads one clause; a clause that cannot be read is a QuenchError (kind 'input') saying why. */
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
