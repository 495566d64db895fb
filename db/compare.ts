// Side-by-side comparisons over the archive. SQL does the grouping and the averaging (per
// configuration, per seed, per task, per family); the statistics (t intervals across seeds, the
// paired per-task comparison with its Wilcoxon test) are the engine's own functions in worker/stats.
//
// Vocabulary:
//   configuration  runs with the same config hash: everything that determines a run's numbers but
//                  its seeds (from any experiment); its runs are its seeds
//   condition      a set of runs named on the command line (`family=none`, `family=lognormal,cv=1`)
//                  or, by default, "homogeneous" and "heterogeneous"
//   group          the runs of one configuration within one condition
//   pair           a group of the 2nd, 3rd ... condition with the group of the first condition that
//                  differs from it only in the fields the conditions name; seeds are matched by
//                  (root seed, seed index), per-task capacities averaged over the shared seeds
import { QuenchError } from '../common/errors.js';
import type { RunSpec } from '../common/results.js';
import { TASK_FAMILIES } from '../worker/tasks.js';
import { interval95, pairedComparison, type Interval95 } from '../worker/stats.js';
import type { Archive } from './archive.js';
import { andSql, filterSql, parseCondition, type Clause, type RunFilter, type Sql } from './filters.js';
import { canonicalJson, sha256 } from './identity.js';

export interface CompareRequest {
  filter: RunFilter;
  /** condition texts; none: homogeneous against each heterogeneous level */
  conditions?: string[];
  /** factor for the resilience curve: manipulation, n, tau_mean, train_length or cv; default manipulation when it varies */
  curve?: string | null;
  /** also give each pair's per-task differences (PairSummary.perTask) */
  perTask?: boolean;
}

/** One task of a pair: the seed-averaged capacity of the later condition minus the baseline's. */
export interface PairTaskDiff {
  id: string;
  family: string;
  memoryDepth: number;
  nonlinearity: number;
  diff: number;
}

export interface GroupFactors {
  family: string;
  cv: number;
  n: number;
  tauMean: number;
  trainLength: number;
  manipulation: string;
  model: string;
}

export interface GroupSummary {
  key: string;
  config: string;
  /** index of the condition it belongs to (0 = the baseline) */
  condition: number;
  conditionText: string;
  label: string;
  factors: GroupFactors;
  experiments: string[];
  /** seeds (runs) aggregated */
  runs: number;
  meanCapacity: Interval95;
  perFamily: Record<string, Interval95>;
  realised: { cv: number | null; skewness: number | null };
  rhoEff: number | null;
  meanRateHz: number | null;
}

export interface FamilyContrast {
  tasks: number;
  meanDiff: number;
  fractionWon: number;
}

export interface PairSummary {
  label: string;
  baseline: string;
  other: string;
  baselineLabel: string;
  otherLabel: string;
  /** shared seeds */
  seeds: number;
  /** per-seed difference of mean capacity (other - baseline) across the shared seeds */
  meanDiff: Interval95;
  /** per task, on capacities averaged over the shared seeds */
  tasks: number;
  meanTaskDiff: number;
  fractionWon: number;
  wins: number;
  losses: number;
  ties: number;
  wilcoxon: { pValue: number; statistic: number; n: number; method: string };
  perFamily: Record<string, FamilyContrast>;
  /** with CompareRequest.perTask: every paired task, in the baseline's task order */
  perTask?: PairTaskDiff[];
}

export interface Curve {
  /** the factor on the x axis */
  x: string;
  xs: (string | number)[];
  series: { label: string; points: ({ x: string | number; meanCapacity: Interval95; runs: number } | null)[] }[];
}

export interface DiffRow {
  path: string;
  /** group key -> value (null where the field is absent) */
  values: Record<string, unknown>;
}

export interface Comparison {
  conditions: string[];
  families: string[];
  groups: GroupSummary[];
  pairs: PairSummary[];
  /** groups of the later conditions that found no partner in the first */
  unpaired: string[];
  curve: Curve | null;
  diff: DiffRow[];
}


/** Spec paths each factor column stands for (deleted before matching configurations). */
const FACTOR_PATHS: Record<string, string[][]> = {
  family: [['network', 'heterogeneity', 'family'], ['network', 'heterogeneity', 'cv']],
  cv: [['network', 'heterogeneity', 'family'], ['network', 'heterogeneity', 'cv']],
  homogeneous: [['network', 'heterogeneity', 'family'], ['network', 'heterogeneity', 'cv']],
  n: [['network', 'n']],
  tau_mean: [['network', 'model', 'tauMeanSteps'], ['network', 'model', 'tauMeanMs']],
  train_length: [['factors', 'trainLength']],
  manipulation: [['network', 'manipulations'], ['factors', 'manipulation']],
  model: [['network', 'model']],
};

const CURVE_FACTORS: Record<string, keyof GroupFactors> = {
  manipulation: 'manipulation',
  n: 'n',
  size: 'n',
  tau_mean: 'tauMean',
  tau: 'tauMean',
  tauMean: 'tauMean',
  train_length: 'trainLength',
  trainLength: 'trainLength',
  L: 'trainLength',
  cv: 'cv',
};

function jsonPathTokens(path: string): string[] {
  return [...path.replace(/^\$\.?/, '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) => m[1] ?? m[2]);
}

function deletePath(obj: unknown, path: string[]): void {
  let o = obj as Record<string, unknown> | undefined;
  for (let i = 0; i < path.length - 1; i++) {
    if (o === null || typeof o !== 'object') return;
    o = o[path[i]] as Record<string, unknown> | undefined;
  }
  if (o !== null && typeof o === 'object') delete o[path[path.length - 1]];
}

/** The configuration with the fields the conditions name removed: groups with equal rest hashes pair. */
function restHash(specJson: string, constrained: Clause[]): string {
  const spec = JSON.parse(specJson) as RunSpec & Record<string, unknown>;
  const f = spec.factors;
  const rest: Record<string, unknown> = {
    network: spec.network,
    input: spec.input,
    suite: spec.suite,
    readout: spec.readout,
    factors: { trainLength: f.trainLength, manipulation: f.manipulation },
  };
  for (const c of constrained) {
    if (c.column && FACTOR_PATHS[c.column]) for (const p of FACTOR_PATHS[c.column]) deletePath(rest, p);
    else if (c.jsonPath) deletePath(rest, jsonPathTokens(c.jsonPath));
  }
  return sha256(canonicalJson(rest));
}

const isHomogeneous = (f: { family: string; cv: number }) => f.family === 'none' || (f.cv === 0 && f.family !== 'empirical');

function heterogeneityLabel(f: GroupFactors): string {
  return isHomogeneous(f) ? (f.family === 'none' ? 'homogeneous' : `homogeneous (${f.family} c=0)`) : f.family === 'empirical' ? 'empirical' : `${f.family} c=${f.cv}`;
}

function factorLabels(f: GroupFactors): Record<keyof GroupFactors, string> {
  return {
    family: heterogeneityLabel(f),
    cv: heterogeneityLabel(f),
    n: `N=${f.n}`,
    tauMean: `tau=${f.tauMean}`,
    trainLength: `L=${f.trainLength}`,
    manipulation: f.manipulation,
    model: f.model,
  };
}

/** A JSON array of numbers, sorted: sums over it then do not depend on the order SQL grouped the rows in. */
function sortedNumbers(json: string): number[] {
  return (JSON.parse(json) as number[]).sort((a, b) => a - b);
}

function familyOrder(names: Iterable<string>): string[] {
  const known = TASK_FAMILIES as readonly string[];
  return [...new Set(names)].sort((a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

interface GroupRow {
  config: string;
  cond: number;
  runs: number;
  rep: number;
  ord: number;
  caps: string;
  exps: string;
  family: string;
  cv: number;
  n: number;
  tau_mean: number;
  train_length: number;
  manipulation: string;
  model: string;
  realised_cv: number | null;
  realised_skew: number | null;
  rho_eff: number | null;
  rate: number | null;
}

export function compare(archive: Archive, req: CompareRequest): Comparison {
  return archive.read('comparing runs', () => compareIn(archive, req));
}

function compareIn(archive: Archive, req: CompareRequest): Comparison {
  const db = archive.db;
  const explicit = (req.conditions ?? []).length > 0;
  if (explicit && req.conditions!.length < 2) throw new QuenchError('input', 'compare needs two or more conditions (or none, for homogeneous against each heterogeneous level)');
  const conditionClauses: Clause[][] = explicit ? req.conditions!.map(parseCondition) : [];
  const conditionTexts = explicit ? req.conditions! : ['homogeneous=true', 'homogeneous=false'];
  const clauses: Clause[][] = explicit ? conditionClauses : conditionTexts.map(parseCondition);
  const condSql: Sql[] = clauses.map((cs) => andSql(cs, 'r'));
  const constrained: Clause[] = clauses.flat();

  const sel = filterSql({ ...req.filter, status: ['done'] }, 'r');
  const caseSql = `CASE ${condSql.map((c, i) => `WHEN ${c.sql} THEN ${i}`).join(' ')} END`;
  const caseParams = condSql.flatMap((c) => c.params);

  // 1. groups: configuration x condition, seeds aggregated by SQL (one pass over the runs' summaries)
  const groupRows = db
    .prepare(
      `SELECT config, cond, count(*) AS runs, min(run_id) AS rep, min(run_index) AS ord, json_group_array(mean_capacity) AS caps,
         group_concat(DISTINCT experiment_id) AS exps, min(family) AS family, min(cv) AS cv, min(n) AS n, min(tau_mean) AS tau_mean,
         min(train_length) AS train_length, min(manipulation) AS manipulation, min(model) AS model,
         avg(tau_realised_cv) AS realised_cv, avg(tau_realised_skewness) AS realised_skew, avg(rho_eff) AS rho_eff, avg(mean_rate_hz) AS rate
       FROM (SELECT r.*, r.config_hash AS config, ${caseSql} AS cond FROM runs r WHERE ${sel.sql})
       WHERE cond IS NOT NULL
       GROUP BY config, cond
       ORDER BY cond, ord`,
    )
    .all(...caseParams, ...sel.params) as GroupRow[];
  if (groupRows.length === 0) {
    throw new QuenchError('not-found', `no finished runs in archive ${archive.path} match this selection${explicit ? ' and conditions' : ''}`);
  }

  // 2. per family, per group: the per-run family means kept at commit time, seeds aggregated by SQL
  const famRows = db
    .prepare(
      `SELECT r.config_hash AS config, ${caseSql} AS cond, f.family, json_group_array(f.mean_capacity) AS caps
       FROM runs r JOIN run_family f ON f.run_id = r.run_id
       WHERE ${sel.sql} AND cond IS NOT NULL
       GROUP BY config, cond, f.family`,
    )
    .all(...caseParams, ...sel.params) as { config: string; cond: number; family: string; caps: string }[];
  const families = familyOrder(famRows.map((r) => r.family));
  const keyOf = (config: string, cond: number) => `${config}/${cond}`;
  const famBy = new Map<string, Record<string, Interval95>>();
  for (const r of famRows) {
    const k = keyOf(r.config, r.cond);
    const m = famBy.get(k) ?? {};
    m[r.family] = interval95(sortedNumbers(r.caps));
    famBy.set(k, m);
  }

  // labels: the factors that vary across the groups, and the condition where it names other fields
  const factorsOf = (g: GroupRow): GroupFactors => ({
    family: g.family,
    cv: g.cv,
    n: g.n,
    tauMean: g.tau_mean,
    trainLength: g.train_length,
    manipulation: g.manipulation,
    model: g.model,
  });
  const varying = (Object.keys(factorLabels(factorsOf(groupRows[0]))) as (keyof GroupFactors)[]).filter(
    (k) => k !== 'cv' && new Set(groupRows.map((g) => factorLabels(factorsOf(g))[k])).size > 1,
  );
  const namesOtherFields = explicit && constrained.some((c) => !(c.column && FACTOR_PATHS[c.column]));
  const groups: GroupSummary[] = groupRows.map((g) => {
    const f = factorsOf(g);
    const fl = factorLabels(f);
    const parts = varying.map((k) => fl[k]);
    if (namesOtherFields || parts.length === 0) parts.unshift(conditionTexts[g.cond]);
    const caps = sortedNumbers(g.caps);
    return {
      key: keyOf(g.config, g.cond),
      config: g.config,
      condition: g.cond,
      conditionText: conditionTexts[g.cond],
      label: parts.join(', '),
      factors: f,
      experiments: g.exps.split(','),
      runs: g.runs,
      meanCapacity: interval95(caps),
      perFamily: famBy.get(keyOf(g.config, g.cond)) ?? {},
      realised: { cv: g.realised_cv, skewness: g.realised_skew },
      rhoEff: g.rho_eff,
      meanRateHz: g.rate,
    };
  });
  const seenLabels = new Map<string, number>();
  for (const g of groups) seenLabels.set(g.label, (seenLabels.get(g.label) ?? 0) + 1);
  for (const g of groups) if (seenLabels.get(g.label)! > 1) g.label += ` [config ${g.config.slice(0, 8)}]`;
  const byKey = new Map(groups.map((g) => [g.key, g]));

  // 3. pairs: each later group with the first condition's group that differs only in the named fields
  const repSpec = db.prepare(`SELECT spec_json FROM run_specs WHERE run_id = ?`).pluck();
  const rest = new Map(groupRows.map((g) => [keyOf(g.config, g.cond), restHash(repSpec.get(g.rep) as string, constrained)]));
  const baselines = groupRows.filter((g) => g.cond === 0);
  const perCondition = conditionTexts.map((_, i) => groupRows.filter((g) => g.cond === i).length);
  const direct = explicit && perCondition.every((c) => c === 1);
  const pairsToDo: [GroupRow, GroupRow][] = [];
  const unpaired: string[] = [];
  for (const g of groupRows) {
    if (g.cond === 0) continue;
    const partner = direct ? baselines[0] : baselines.find((b) => rest.get(keyOf(b.config, b.cond)) === rest.get(keyOf(g.config, g.cond)));
    if (partner) pairsToDo.push([partner, g]);
    else unpaired.push(byKey.get(keyOf(g.config, g.cond))!.label);
  }

  // the runs of every group by seed (root seed, seed index; one run per seed): pairs match seeds on these
  const seedRows = db
    .prepare(
      `SELECT config, cond, root_seed, seed_index, min(run_id) AS run_id, mean_capacity AS cap
       FROM (SELECT r.config_hash AS config, ${caseSql} AS cond, r.root_seed, r.seed_index, r.run_id, r.mean_capacity FROM runs r WHERE ${sel.sql})
       WHERE cond IS NOT NULL
       GROUP BY config, cond, root_seed, seed_index
       ORDER BY root_seed, seed_index`,
    )
    .all(...caseParams, ...sel.params) as { config: string; cond: number; root_seed: number; seed_index: number; run_id: number; cap: number }[];
  const seedsOf = new Map<string, Map<string, { run_id: number; cap: number }>>();
  for (const r of seedRows) {
    const k = keyOf(r.config, r.cond);
    let m = seedsOf.get(k);
    if (!m) seedsOf.set(k, (m = new Map()));
    m.set(`${r.root_seed}/${r.seed_index}`, { run_id: r.run_id, cap: r.cap });
  }
  const taskMeans = db.prepare(
    `SELECT s.task_index, avg(s.capacity) AS cap FROM scores s WHERE s.run_id IN (SELECT value FROM json_each(?)) GROUP BY s.task_index ORDER BY s.task_index`,
  );
  const experimentOf = db.prepare(`SELECT experiment_id FROM runs WHERE run_id = ?`).pluck();
  type TaskRow = { task_index: number; id: string; family: string; memory_depth: number; nonlinearity: number };
  const taskList = db.prepare(`SELECT task_index, id, family, memory_depth, nonlinearity FROM tasks WHERE experiment_id = ? ORDER BY task_index`);
  const taskCache = new Map<string, TaskRow[]>();
  const tasksOf = (g: GroupRow) => {
    const e = experimentOf.get(g.rep) as string;
    let t = taskCache.get(e);
    if (!t) {
      t = taskList.all(e) as TaskRow[];
      taskCache.set(e, t);
    }
    return t;
  };
  const meansCache = new Map<string, Map<number, number>>();
  const perTask = (runIds: number[]) => {
    const k = runIds.join(',');
    let m = meansCache.get(k);
    if (!m) {
      m = new Map((taskMeans.all(JSON.stringify(runIds)) as { task_index: number; cap: number }[]).map((r) => [r.task_index, r.cap]));
      meansCache.set(k, m);
    }
    return m;
  };

  // A group holding every finished run of its configuration, all of them paired, reads its per-task
  // means from the sums kept at commit time (config_tasks) instead of from the scores.
  const coverage = db.prepare(
    `SELECT (SELECT count(*) FROM runs WHERE config_hash = @c AND status = 'done') AS done, min(runs) AS lo, max(runs) AS hi, count(*) AS tasks
     FROM config_tasks WHERE config_hash = @c`,
  );
  const kept = db.prepare(`SELECT task_index, (sum_capacity + sum_comp) / runs AS cap FROM config_tasks WHERE config_hash = ? ORDER BY task_index`);
  const wholeCache = new Map<string, boolean>();
  const isWhole = (g: GroupRow, paired: number) => {
    if (paired !== g.runs) return false;
    let w = wholeCache.get(g.config);
    if (w === undefined) {
      const c = coverage.get({ c: g.config }) as { done: number; lo: number; hi: number; tasks: number };
      w = c.done === g.runs && c.lo === g.runs && c.hi === g.runs && c.tasks === tasksOf(g).length;
      wholeCache.set(g.config, w);
    }
    return w;
  };
  const groupMeans = (g: GroupRow, runIds: number[]) => {
    if (!isWhole(g, runIds.length)) return perTask(runIds);
    const k = `config:${g.config}`;
    let m = meansCache.get(k);
    if (!m) {
      m = new Map((kept.all(g.config) as { task_index: number; cap: number }[]).map((r) => [r.task_index, r.cap]));
      meansCache.set(k, m);
    }
    return m;
  };

  const pairs: PairSummary[] = [];
  for (const [a, b] of pairsToDo) {
    const sb = seedsOf.get(keyOf(b.config, b.cond))!;
    const shared: { ra: number; rb: number; ca: number; cb: number }[] = [];
    for (const [seed, ra] of seedsOf.get(keyOf(a.config, a.cond))!) {
      const rb = sb.get(seed);
      if (rb) shared.push({ ra: ra.run_id, rb: rb.run_id, ca: ra.cap, cb: rb.cap });
    }
    const ga = byKey.get(keyOf(a.config, a.cond))!;
    const gb = byKey.get(keyOf(b.config, b.cond))!;
    const label = `${gb.label} vs ${ga.label}`;
    if (shared.length === 0) {
      unpaired.push(`${label} (no seed in common)`);
      continue;
    }
    const ma = groupMeans(a, shared.map((s) => s.ra));
    const mb = groupMeans(b, shared.map((s) => s.rb));
    // pair on task ids (the same suite gives the same ids in the same order)
    const tb = new Map(tasksOf(b).map((t) => [t.id, t.task_index]));
    const va: number[] = [];
    const vb: number[] = [];
    const fam: string[] = [];
    const paired: TaskRow[] = [];
    for (const t of tasksOf(a)) {
      const ib = tb.get(t.id);
      if (ib === undefined || !ma.has(t.task_index) || !mb.has(ib)) continue;
      va.push(ma.get(t.task_index)!);
      vb.push(mb.get(ib)!);
      fam.push(t.family);
      paired.push(t);
    }
    const pc = pairedComparison(va, vb);
    // per task family: the mean difference and the fraction of its tasks won
    const perFamily: Record<string, FamilyContrast> = {};
    for (const f of familyOrder(fam)) {
      let n = 0;
      let sum = 0;
      let won = 0;
      fam.forEach((x, i) => {
        if (x !== f) return;
        const d = vb[i] - va[i];
        n++;
        sum += d;
        won += d > 0 ? 1 : d === 0 ? 0.5 : 0;
      });
      perFamily[f] = { tasks: n, meanDiff: sum / n, fractionWon: won / n };
    }
    pairs.push({
      label,
      baseline: ga.key,
      other: gb.key,
      baselineLabel: ga.label,
      otherLabel: gb.label,
      seeds: shared.length,
      meanDiff: interval95(shared.map((s) => s.cb - s.ca)),
      tasks: pc.n,
      meanTaskDiff: pc.meanDiff,
      fractionWon: pc.fractionWon,
      wins: pc.wins,
      losses: pc.losses,
      ties: pc.ties,
      wilcoxon: { pValue: pc.wilcoxon.pValue, statistic: pc.wilcoxon.statistic, n: pc.wilcoxon.n, method: pc.wilcoxon.method },
      perFamily,
      ...(req.perTask
        ? { perTask: paired.map((t, i) => ({ id: t.id, family: t.family, memoryDepth: t.memory_depth, nonlinearity: t.nonlinearity, diff: vb[i] - va[i] })) }
        : {}),
    });
  }

  return {
    conditions: conditionTexts,
    families,
    groups,
    pairs,
    unpaired,
    curve: buildCurve(groups, groupRows, req.curve, namesOtherFields),
    diff: configDiff(archive, groupRows.map((g) => [keyOf(g.config, g.cond), g.rep])),
  };
}

/** Score against a factor (the manipulation strength, by default), one series per other setting. */
function buildCurve(groups: GroupSummary[], rows: GroupRow[], requested: string | null | undefined, withCondition: boolean): Curve | null {
  let xKey: keyof GroupFactors;
  if (requested) {
    const k = CURVE_FACTORS[requested];
    if (!k) throw new QuenchError('input', `--curve ${requested}: choose one of manipulation, n, tau_mean, train_length, cv`);
    xKey = k;
  } else {
    if (new Set(groups.map((g) => g.factors.manipulation)).size < 2) return null;
    xKey = 'manipulation';
  }
  const order = new Map<string | number, number>();
  groups.forEach((g, i) => {
    const x = g.factors[xKey];
    order.set(x, Math.min(order.get(x) ?? Infinity, rows[i].ord));
  });
  const xs = [...order.keys()].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : order.get(a)! - order.get(b)!));
  if (xs.length < 2) return null;
  const others = (['n', 'tauMean', 'trainLength', 'manipulation', 'model'] as const).filter(
    (k) => k !== xKey && new Set(groups.map((h) => factorLabels(h.factors)[k])).size > 1,
  );
  const seriesOf = (g: GroupSummary) => {
    const fl = factorLabels(g.factors);
    const parts = [xKey === 'cv' ? g.factors.family : fl.family, ...others.map((k) => fl[k])];
    if (withCondition) parts.unshift(g.conditionText);
    return parts.join(', ');
  };
  const series = new Map<string, Curve['series'][number]>();
  for (const g of groups) {
    const label = seriesOf(g);
    let s = series.get(label);
    if (!s) {
      s = { label, points: xs.map(() => null) };
      series.set(label, s);
    }
    const i = xs.indexOf(g.factors[xKey]);
    if (!s.points[i]) s.points[i] = { x: xs[i], meanCapacity: g.meanCapacity, runs: g.runs };
  }
  return { x: xKey, xs, series: [...series.values()] };
}

/** The spec fields whose values differ between the groups' configurations (json_tree over one run of each). */
function configDiff(archive: Archive, reps: [string, number][]): DiffRow[] {
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
