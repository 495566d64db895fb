// Side-by-side comparisons over the archive: configurations with their seeds aggregated, contrasts
// between the conditions, a curve, the configuration diff, size answers and errata. The archive
// gives the data (db/compare.ts); the pairing rules and every statistic are here and in
// inference.ts, the one path the CLI, the app and the reports share.
//
// Pairing rules (README "Inference"):
//   - a group of a later condition is set against the baseline group (condition 0) whose
//     configuration differs from it only in the fields the conditions name;
//   - within that, runs are PAIRED only when they share their network and input seeds; seeds without
//     a partner are left out and named; two groups that share no seed are compared UNPAIRED (Welch);
//   - tasks are matched by id (suites of one version give the same ids); tasks only one side has are
//     left out and counted;
//   - only contrasts paired within one experiment and backed by an interval may headline a finding;
//   - nothing is dropped silently: groups without a partner, and why, are listed.
import type { Comparison, CompareRequest, Contrast, Curve, GroupFactors, GroupSummary, SizeAnswer } from '../../common/comparison.js';
import { QuenchError } from '../../common/errors.js';
import { FACTORS, factor } from '../../common/factors.js';
import type { RunSpec } from '../../common/results.js';
import type { Archive } from '../../db/archive.js';
import { comparisonData, configDiff, groupKey, runMechanisms, runScores, runSpecJson, taskList, type GroupRow, type SeedRow, type TaskRow } from '../../db/compare.js';
import { errataIn } from '../../db/errata.js';
import type { Clause } from '../../db/filters.js';
import { canonicalJson, sha256 } from '../../db/identity.js';
import { TASK_FAMILIES } from '../../worker/tasks.js';
import type { NetworkSpec } from '../../common/spec.js';
import { comparisonMechanisms } from './compare-mechanisms.js';
import { manipulationPanels, type ManipulationDefinition } from './manipulations.js';
import type { Manipulation } from '../../common/spec.js';
import { contrast, type SeedScores, type TaskInfo } from './inference.js';
import { interval95, sizeEquivalence } from './stats.js';

/** Spec paths each factor column stands for (deleted before matching configurations): the factor table's, and 'homogeneous' (family and level). */
const FACTOR_PATHS: Record<string, readonly (readonly string[])[]> = {
  ...Object.fromEntries(FACTORS.map((f) => [f.column, f.specPaths])),
  homogeneous: factor('family').specPaths,
};

/** every name a curve's factor goes by, to its GroupFactors key */
const CURVE_FACTORS: Record<string, keyof GroupFactors> = Object.fromEntries(
  FACTORS.filter((f) => f.curve).flatMap((f) => [f.key, f.column, ...f.aliases].map((name) => [name, f.key as keyof GroupFactors])),
);

function jsonPathTokens(path: string): string[] {
  return [...path.replace(/^\$\.?/, '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) => m[1] ?? m[2]);
}

function deletePath(obj: unknown, path: readonly string[]): void {
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
    factors: { trainLength: f.trainLength, manipulation: f.manipulation, match: f.match },
  };
  for (const c of constrained) {
    if (c.column && FACTOR_PATHS[c.column]) for (const p of FACTOR_PATHS[c.column]) deletePath(rest, p);
    else if (c.jsonPath) deletePath(rest, jsonPathTokens(c.jsonPath));
  }
  return sha256(canonicalJson(rest));
}

const isHomogeneous = (f: { family: string; cv: number }) => f.family === 'none' || (f.cv === 0 && f.family !== 'empirical');

function heterogeneityLabel(f: GroupFactors): string {
  if (isHomogeneous(f)) return f.family === 'none' ? 'homogeneous' : `homogeneous (${f.family} c=0)`;
  if (f.family === 'empirical') return 'empirical';
  return f.match === 'realised' ? `${f.family} realised CV=${f.cv}` : `${f.family} c=${f.cv}`;
}

/** each factor as it reads in a label: the heterogeneity's for family, level and match, else the table's short form */
function factorLabels(f: GroupFactors): Record<keyof GroupFactors, string> {
  const out = {} as Record<keyof GroupFactors, string>;
  for (const x of FACTORS) {
    if (x.key === 'seedIndex') continue;
    const k = x.key as keyof GroupFactors;
    out[k] = x.short ? x.short(f[k] as string | number) : heterogeneityLabel(f);
  }
  return out;
}

function familyOrder(names: Iterable<string>): string[] {
  const known = TASK_FAMILIES as readonly string[];
  return [...new Set(names)].sort((a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

const factorsOf = (g: GroupRow): GroupFactors => ({
  family: g.family,
  cv: g.cv,
  n: g.n,
  tauMean: g.tau_mean,
  trainLength: g.train_length,
  manipulation: g.manipulation,
  model: g.model,
  match: g.cv_match,
});

export function compare(archive: Archive, req: CompareRequest): Comparison {
  return archive.read('comparing runs', () => compareIn(archive, req));
}

function compareIn(archive: Archive, req: CompareRequest): Comparison {
  const data = comparisonData(archive, req);
  const { conditionTexts, constrained, explicit } = data;
  const groups = summariseGroups(data);
  const byKey = new Map(groups.map((g) => [g.key, g]));
  const namesOtherFields = explicit && constrained.some((c) => !(c.column && FACTOR_PATHS[c.column]));

  // pair each later group with the baseline group that differs only in the named fields
  const rest = new Map(data.groups.map((g) => [groupKey(g.config, g.cond), restHash(runSpecJson(archive, g.rep), constrained)]));
  const baselines = data.groups.filter((g) => g.cond === 0);
  const perCondition = conditionTexts.map((_, i) => data.groups.filter((g) => g.cond === i).length);
  // two conditions of one configuration each: they are compared whatever else differs (and the diff says what)
  const direct = explicit && perCondition.every((c) => c === 1);
  const unpaired: string[] = [];
  const contrasts: Contrast[] = [];
  // every run's per-task capacities, read once: the contrasts, size answers and profiles share them
  const runIds = [...data.seeds.values()].flat().map((s) => s.run_id);
  const scores = runScores(archive, runIds);
  const tasksCache = new Map<string, TaskRow[]>();
  const tasksOf = (experiment: string) => {
    let t = tasksCache.get(experiment);
    if (!t) tasksCache.set(experiment, (t = taskList(archive, experiment)));
    return t;
  };
  for (const g of data.groups) {
    if (g.cond === 0) continue;
    const gb = byKey.get(groupKey(g.config, g.cond))!;
    const partners = direct ? baselines : baselines.filter((b) => rest.get(groupKey(b.config, b.cond)) === rest.get(groupKey(g.config, g.cond)));
    if (partners.length === 0) {
      unpaired.push(`${gb.label} (no configuration of the baseline condition "${conditionTexts[0]}" differs from it only in ${describeNamed(constrained)})`);
      continue;
    }
    for (const b of partners) {
      const ga = byKey.get(groupKey(b.config, b.cond))!;
      contrasts.push(contrastOf(data, scores, ga, gb, tasksOf, req.perTask === true));
    }
  }
  const sizeAnswers = sizeAnswersOf(data, scores, groups, tasksOf);
  const specs = new Map<number, NetworkSpec>();
  const measures = runMechanisms(archive, runIds);
  const unmeasured = new Map<string, number>();
  for (const s of [...data.seeds.values()].flat()) if (!measures.has(s.run_id)) unmeasured.set(s.experiment_id, (unmeasured.get(s.experiment_id) ?? 0) + 1);
  const mechanisms = comparisonMechanisms(
    groups.map((g) => ({ group: g, seeds: data.seeds.get(g.key) ?? [] })),
    contrasts,
    {
      mechanisms: measures,
      networkOf: (id) => {
        let n = specs.get(id);
        if (!n) specs.set(id, (n = (JSON.parse(runSpecJson(archive, id)) as RunSpec).network));
        return n;
      },
      scores,
      tasksOf,
    },
  );
  return {
    conditions: conditionTexts,
    families: familyOrder(groups.flatMap((g) => Object.keys(g.perFamily))),
    groups,
    contrasts,
    unpaired,
    curve: buildCurve(groups, data.groups, req.curve, namesOtherFields, (labels) => manipulationDefinitions(archive, data.groups, labels)),
    diff: configDiff(archive, data.groups.map((g) => [groupKey(g.config, g.cond), g.rep])),
    sizeAnswers,
    errata: errataIn(archive, { ...req.filter, status: ['done'] }),
    mechanisms,
    unmeasured: [...unmeasured].map(([id, runs]) => ({ id, name: archive.getExperiment(id).name, runs })),
  };
}

function describeNamed(constrained: Clause[]): string {
  const names = [...new Set(constrained.map((c) => c.key))];
  return names.length ? `the fields the conditions name (${names.join(', ')})` : 'the fields the conditions name';
}

function summariseGroups(data: ReturnType<typeof comparisonData>): GroupSummary[] {
  const { conditionTexts, constrained, explicit } = data;
  const rows = data.groups;
  const varying = (Object.keys(factorLabels(factorsOf(rows[0]))) as (keyof GroupFactors)[]).filter(
    (k) => k !== 'cv' && k !== 'match' && new Set(rows.map((g) => factorLabels(factorsOf(g))[k])).size > 1,
  );
  const namesOtherFields = explicit && constrained.some((c) => !(c.column && FACTOR_PATHS[c.column]));
  const groups: GroupSummary[] = rows.map((g) => {
    const f = factorsOf(g);
    const fl = factorLabels(f);
    const parts = varying.map((k) => fl[k]);
    if (namesOtherFields || parts.length === 0) parts.unshift(conditionTexts[g.cond]);
    const fam: Record<string, ReturnType<typeof interval95>> = {};
    for (const [family, caps] of data.families.get(groupKey(g.config, g.cond)) ?? []) fam[family] = interval95(caps);
    return {
      key: groupKey(g.config, g.cond),
      config: g.config,
      condition: g.cond,
      conditionText: conditionTexts[g.cond],
      label: parts.join(', '),
      factors: f,
      experiments: g.experiments,
      runs: g.runs,
      meanCapacity: interval95(g.caps),
      perFamily: fam,
      realised: { cv: g.realised_cv, skewness: g.realised_skew, nominalCv: g.nominal_cv },
      rhoEff: g.rho_eff,
      meanRateHz: g.rate,
      targetRateHz: g.target_rate,
    };
  });
  const seen = new Map<string, number>();
  for (const g of groups) seen.set(g.label, (seen.get(g.label) ?? 0) + 1);
  for (const g of groups) if (seen.get(g.label)! > 1) g.label += ` [config ${g.config.slice(0, 8)}]`;
  return groups;
}

/** a group's runs as the inference module takes them, per-task scores on `tasks` (by task_index of each run's experiment) */
function seedScores(seeds: readonly SeedRow[], scores: Map<number, Float64Array>, indexOf: (experiment: string) => number[]): SeedScores[] {
  return seeds.map((s) => {
    const all = scores.get(s.run_id)!;
    const idx = indexOf(s.experiment_id);
    const picked = new Float64Array(idx.length);
    for (let k = 0; k < idx.length; k++) picked[k] = all[idx[k]];
    return { seedKey: `${s.network_seed}/${s.input_seed}`, experiment: s.experiment_id, name: `seed ${s.seed_index} of root ${s.root_seed}`, scores: picked };
  });
}

/** Tasks both groups have (matched by id, in the baseline's order), and how to find them in each experiment. */
function commonTasks(a: SeedRow[], b: SeedRow[], tasksOf: (e: string) => TaskRow[]): { tasks: TaskInfo[]; indexOf: (e: string) => number[]; dropped: number } {
  const experiments = [...new Set([...a, ...b].map((s) => s.experiment_id))];
  const lists = new Map(experiments.map((e) => [e, tasksOf(e)]));
  const first = lists.get(a[0].experiment_id)!;
  const byId = new Map(experiments.map((e) => [e, new Map(lists.get(e)!.map((t) => [t.id, t.task_index]))]));
  const shared = first.filter((t) => experiments.every((e) => byId.get(e)!.has(t.id)));
  const union = new Set(experiments.flatMap((e) => lists.get(e)!.map((t) => t.id)));
  return {
    tasks: shared.map((t) => ({ id: t.id, family: t.family, memoryDepth: t.memory_depth, nonlinearity: t.nonlinearity })),
    indexOf: (e) => shared.map((t) => byId.get(e)!.get(t.id)!),
    dropped: union.size - shared.length,
  };
}

function contrastOf(data: ReturnType<typeof comparisonData>, scores: Map<number, Float64Array>, ga: GroupSummary, gb: GroupSummary, tasksOf: (e: string) => TaskRow[], withPerTask: boolean): Contrast {
  const sa = data.seeds.get(ga.key)!;
  const sb = data.seeds.get(gb.key)!;
  const common = commonTasks(sa, sb, tasksOf);
  if (common.tasks.length === 0) throw new QuenchError('input', `${gb.label} and ${ga.label} have no task in common: their suites differ entirely`);
  const r = contrast(seedScores(sa, scores, common.indexOf), seedScores(sb, scores, common.indexOf), common.tasks, [ga.label, gb.label]);
  const leftOut = [...r.leftOut];
  if (common.dropped > 0) leftOut.push(`${common.dropped} task(s) that only one side's suite has`);
  return {
    ...r.stats,
    label: `${gb.label} vs ${ga.label}`,
    baseline: ga.key,
    other: gb.key,
    baselineLabel: ga.label,
    otherLabel: gb.label,
    scope: r.scope,
    headline: r.headline,
    leftOut,
    ...(withPerTask ? { perTask: r.perTask } : {}),
  };
}

/**
 * Size (or training-length) answers, within one experiment at a time: a heterogeneous series against
 * the homogeneous groups that share its other factors, backed by the paired contrast at the answer.
 */
function sizeAnswersOf(data: ReturnType<typeof comparisonData>, scores: Map<number, Float64Array>, groups: GroupSummary[], tasksOf: (e: string) => TaskRow[]): SizeAnswer[] {
  const out: SizeAnswer[] = [];
  const experiments = [...new Set(groups.flatMap((g) => g.experiments))];
  for (const axis of ['n', 'trainLength'] as const) {
    const other = (f: GroupFactors) => JSON.stringify({ ...f, family: null, cv: null, match: null, [axis]: null });
    for (const e of experiments) {
      const mine = groups.filter((g) => g.experiments.length === 1 && g.experiments[0] === e);
      if (new Set(mine.map((g) => g.factors[axis])).size < 2) continue;
      const homo = mine.filter((g) => isHomogeneous(g.factors));
      const series = [...new Set(mine.filter((g) => !isHomogeneous(g.factors)).map((g) => heterogeneityLabel(g.factors)))];
      for (const s of series) {
        const points: { n: number; hetero: number; homo: number; het: GroupSummary; hom: GroupSummary }[] = [];
        for (const h of mine.filter((g) => !isHomogeneous(g.factors) && heterogeneityLabel(g.factors) === s)) {
          const partner = homo.find((x) => other(x.factors) === other(h.factors));
          if (partner) points.push({ n: h.factors[axis], hetero: h.meanCapacity.mean, homo: partner.meanCapacity.mean, het: h, hom: partner });
        }
        if (new Set(points.map((p) => p.n)).size !== points.length || points.length < 2) continue;
        const eq = sizeEquivalence(points);
        const top = points.find((p) => p.n === eq.nMax)!;
        const at = eq.smallestHeteroN === null ? null : points.find((p) => p.n === eq.smallestHeteroN)!;
        out.push({
          axis,
          series: s,
          experiment: e,
          nMax: eq.nMax,
          homoAtNMax: eq.homoAtNMax,
          smallestHeteroN: eq.smallestHeteroN,
          interpolatedN: eq.interpolatedN,
          backing: at ? contrastOf(data, scores, top.hom, at.het, tasksOf, false) : null,
        });
      }
    }
  }
  return out;
}

/**
 * What each manipulation label does: its operations from the sweeps of the experiments whose runs
 * carry it (null where two experiments define it differently), and the base network's p (from the
 * run specs; null where they differ).
 */
function manipulationDefinitions(archive: Archive, rows: GroupRow[], labels: readonly string[]): ManipulationDefinition[] {
  const sweeps = new Map<string, Map<string, Manipulation[]>>();
  const opsIn = (experiment: string, label: string): Manipulation[] | undefined => {
    let m = sweeps.get(experiment);
    if (!m) {
      const sweep = JSON.parse(archive.getExperiment(experiment).sweep_json) as { manipulations?: { label: string; ops: Manipulation[] }[] };
      m = new Map((sweep.manipulations ?? [{ label: 'base', ops: [] }]).map((x) => [x.label, x.ops]));
      sweeps.set(experiment, m);
    }
    return m.get(label);
  };
  return labels.map((label) => {
    const mine = rows.filter((g) => g.manipulation === label);
    const defs = new Set(mine.flatMap((g) => g.experiments.map((e) => canonicalJson(opsIn(e, label) ?? null))));
    const ps = new Set(mine.map((g) => (JSON.parse(runSpecJson(archive, g.rep)) as RunSpec).network.p));
    const only = defs.size === 1 ? (JSON.parse([...defs][0]) as Manipulation[] | null) : null;
    return { label, ops: only, baseP: ps.size === 1 ? [...ps][0] : null };
  });
}

/** Score against a factor (the manipulation strength, by default), one series per other setting. */
function buildCurve(
  groups: GroupSummary[],
  rows: GroupRow[],
  requested: string | null | undefined,
  withCondition: boolean,
  definitions: (labels: readonly string[]) => ManipulationDefinition[],
): Curve | null {
  let xKey: keyof GroupFactors;
  if (requested) {
    const k = CURVE_FACTORS[requested];
    if (!k) throw new QuenchError('input', `--curve ${requested}: choose one of ${FACTORS.filter((f) => f.curve).map((f) => f.column).join(', ')}`);
    xKey = k;
  } else {
    if (new Set(groups.map((g) => g.factors.manipulation)).size < 2) return null;
    xKey = 'manipulation';
  }
  const order = new Map<string | number | null, number>();
  groups.forEach((g, i) => {
    const x = g.factors[xKey];
    order.set(x, Math.min(order.get(x) ?? Infinity, rows[i].ord));
  });
  const xs = ([...order.keys()].filter((x) => x !== null) as (string | number)[]).sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : order.get(a)! - order.get(b)!));
  if (xs.length < 2) return null;
  const others = (['n', 'tauMean', 'trainLength', 'manipulation', 'model'] as const).filter(
    (k) => k !== xKey && new Set(groups.map((h) => factorLabels(h.factors)[k])).size > 1,
  );
  const seriesOf = (g: GroupSummary) => {
    const fl = factorLabels(g.factors);
    const parts = [xKey === 'cv' ? `${g.factors.family}${g.factors.match === 'realised' ? ' (realised CV)' : ''}` : fl.family, ...others.map((k) => fl[k])];
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
    const i = xs.indexOf(g.factors[xKey] as string | number);
    if (i >= 0 && !s.points[i]) s.points[i] = { x: xs[i], meanCapacity: g.meanCapacity, runs: g.runs };
  }
  const panels = xKey === 'manipulation' ? manipulationPanels(definitions(xs.map(String))) : [];
  return { x: xKey, xs, series: [...series.values()], panels };
}
