// The mechanisms of a comparison (the app's Mechanisms panel, the report's figures): each measure per
// group with its interval across seeds, its change in each contrast (paired over seeds), the
// autocorrelation timescales of each group overlaid on common bins beside its realised time
// constants, one effective spectrum per group, the alignment curves per task family, and the
// capacity against memory depth and against nonlinearity degree.
import type { ComparisonMechanisms, Contrast, GroupSummary } from '../../common/comparison.js';
import type { Mechanisms } from '../../common/mechanisms.js';
import { FACTORS } from '../../common/factors.js';
import type { NetworkSpec } from '../../common/spec.js';
import type { SeedRow, TaskRow } from '../../db/compare.js';
import { drawTaus, perturbTaus } from '../../worker/heterogeneity.js';
import { tauBounds, tauUnit } from '../../worker/network.js';
import { deriveSeed } from '../../worker/rng.js';
import { MEASURES } from './mechanisms.js';
import { interval95, mean, pairedT } from './stats.js';

export interface GroupRuns {
  group: GroupSummary;
  seeds: SeedRow[];
}

export interface MechanismData {
  /** run_id -> its measures (runs not measured are absent) */
  mechanisms: Map<number, Mechanisms>;
  /** run_id -> its network spec (for the realised time constants) */
  networkOf: (runId: number) => NetworkSpec;
  /** run_id -> per-task capacities, in its experiment's task order */
  scores: Map<number, Float64Array>;
  tasksOf: (experiment: string) => TaskRow[];
}

/** the bins of the timescale overlays: log-spaced, shared by every group */
const BINS = 24;

/** The time constants a run's network drew (the same draw as the engine's: docs/model.md §2, §3.3). */
export function realisedTaus(network: NetworkSpec, networkSeed: number): Float64Array {
  const { tauMean, dt } = tauUnit(network);
  let tau = drawTaus(network.heterogeneity, network.n, tauMean, dt, deriveSeed(networkSeed, 'tau')).tau;
  network.manipulations.forEach((m, k) => {
    if (m.op === 'perturbTau') {
      const { tauMin, tauMax } = tauBounds(network);
      tau = perturbTaus(tau, m.sigma, deriveSeed(networkSeed, 'manipulation', k), tauMin, tauMax);
    }
  });
  return tau;
}

/** a density histogram of `values` on log10 `edges` (each bin's share of the values) */
function density(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  let n = 0;
  for (const v of values) {
    if (!(v > 0)) continue;
    const x = Math.log10(v);
    let i = Math.floor(((x - edges[0]) / (edges[edges.length - 1] - edges[0])) * (edges.length - 1));
    i = Math.min(edges.length - 2, Math.max(0, i));
    counts[i]++;
    n++;
  }
  return counts.map((c) => (n > 0 ? c / n : 0));
}

const isHomogeneous = (g: GroupSummary) => g.factors.family === 'none' || (g.factors.cv === 0 && g.factors.family !== 'empirical');

/**
 * The groups as series over the heterogeneity level c: one per heterogeneous family and setting of the
 * other factors (N, τ_mean, L, manipulation, model, condition), each starting at the homogeneous group
 * of its setting (c = 0) where there is one. Series of one point are kept (a single level is still a measurement).
 */
export function levelSeries(groups: readonly GroupSummary[]): ComparisonMechanisms['levels'] {
  const others = FACTORS.filter((f) => f.short && f.key !== 'seedIndex');
  const varying = others.filter((f) => new Set(groups.map((g) => String(g.factors[f.key as keyof GroupSummary['factors']]))).size > 1);
  // conditions separate series only where more than one holds heterogeneous groups (not the default
  // split of homogeneous from heterogeneous)
  const conditions = new Set(groups.filter((g) => !isHomogeneous(g)).map((g) => g.condition)).size > 1;
  const settingOf = (g: GroupSummary) => JSON.stringify([conditions ? g.condition : 0, ...others.map((f) => g.factors[f.key as keyof GroupSummary['factors']])]);
  const suffix = (g: GroupSummary) => [...(conditions ? [g.conditionText] : []), ...varying.map((f) => f.short!(g.factors[f.key as keyof GroupSummary['factors']] as string | number))];
  const homogeneous = new Map<string, GroupSummary>();
  for (const g of groups) if (isHomogeneous(g) && !homogeneous.has(settingOf(g))) homogeneous.set(settingOf(g), g);
  const series = new Map<string, { label: string; setting: string; points: { key: string; level: number }[] }>();
  for (const g of groups) {
    if (isHomogeneous(g)) continue;
    const name = `${g.factors.family}${g.factors.match === 'realised' ? ' (realised CV)' : ''}`;
    const label = [name, ...suffix(g)].join(', ');
    const s = series.get(label) ?? { label, setting: settingOf(g), points: [] };
    s.points.push({ key: g.key, level: g.factors.cv });
    series.set(label, s);
  }
  const out = [...series.values()].map((s) => {
    const h = homogeneous.get(s.setting);
    const points = [...(h ? [{ key: h.key, level: 0 }] : []), ...s.points].sort((a, b) => a.level - b.level);
    return { label: s.label, points };
  });
  // homogeneous groups no series starts from stand alone, at c = 0
  const used = new Set(out.flatMap((s) => s.points.map((p) => p.key)));
  for (const g of groups) if (isHomogeneous(g) && !used.has(g.key)) out.push({ label: ['homogeneous', ...suffix(g)].join(', '), points: [{ key: g.key, level: 0 }] });
  return out;
}

/** the task families of the groups' experiments, in their first experiment's task order */
function taskFamilies(groups: readonly GroupRuns[], data: MechanismData): string[] {
  const experiments = [...new Set(groups.flatMap((g) => g.seeds.map((s) => s.experiment_id)))];
  return [...new Set(experiments.flatMap((e) => data.tasksOf(e).map((t) => t.family)))];
}

export function comparisonMechanisms(groups: readonly GroupRuns[], contrasts: readonly Contrast[], data: MechanismData): ComparisonMechanisms | null {
  const all = groups.flatMap((g) => g.seeds);
  const measured = all.filter((s) => data.mechanisms.has(s.run_id));
  if (measured.length === 0) return null;
  const kinds = new Set(measured.map((s) => data.mechanisms.get(s.run_id)!.kind));
  const kind = kinds.size === 1 ? [...kinds][0] : 'mixed';
  const defs = MEASURES.filter((d) => d.kind === 'both' || d.kind === kind);
  const valueOf = (runId: number, key: string) => {
    const m = data.mechanisms.get(runId);
    return m ? defs.find((d) => d.key === key)!.value(m) : NaN;
  };
  const byKey = new Map(groups.map((g) => [g.group.key, g]));

  const perGroup = groups.map((g) => ({
    key: g.group.key,
    label: g.group.label,
    measures: Object.fromEntries(defs.map((d) => [d.key, interval95(g.seeds.map((s) => valueOf(s.run_id, d.key)).filter(Number.isFinite))])),
  }));

  const perContrast = contrasts.map((c) => {
    const a = byKey.get(c.baseline);
    const b = byKey.get(c.other);
    const measures: ComparisonMechanisms['contrasts'][number]['measures'] = {};
    for (const d of defs) {
      const base = new Map((a?.seeds ?? []).map((s) => [`${s.network_seed}/${s.input_seed}`, s.run_id]));
      const diffs: number[] = [];
      for (const s of b?.seeds ?? []) {
        const partner = base.get(`${s.network_seed}/${s.input_seed}`);
        if (partner === undefined) continue;
        const dv = valueOf(s.run_id, d.key) - valueOf(partner, d.key);
        if (Number.isFinite(dv)) diffs.push(dv);
      }
      const t = pairedT(diffs);
      const lo = diffs.length > 1 ? t.lo : NaN;
      const hi = diffs.length > 1 ? t.hi : NaN;
      measures[d.key] = { mean: mean(diffs), lo, hi, seeds: diffs.length, verdict: !Number.isFinite(lo) ? 'no interval' : lo > 0 ? 'higher' : hi < 0 ? 'lower' : 'no clear difference' };
    }
    return { label: c.label, measures };
  });

  // timescales: the autocorrelation timescales and the realised time constants of each group's runs, on common log bins
  let timescales: ComparisonMechanisms['timescales'] = null;
  if (kind === 'rate') {
    const pooled = groups.map((g) => {
      const auto: number[] = [];
      const eff: number[] = [];
      const tau: number[] = [];
      for (const s of g.seeds) {
        const m = data.mechanisms.get(s.run_id);
        if (m?.kind !== 'rate') continue;
        auto.push(...(m.timescales.values ?? []));
        eff.push(...(m.spectrum?.effectiveTimescales.values ?? []));
        tau.push(...realisedTaus(data.networkOf(s.run_id), s.network_seed));
      }
      return { g, auto, eff, tau };
    });
    const every = pooled.flatMap((p) => [...p.auto, ...p.eff, ...p.tau]).filter((v) => v > 0);
    if (every.length > 0) {
      let lo = Math.log10(Math.min(...every));
      let hi = Math.log10(Math.max(...every));
      if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
      const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + ((hi - lo) * i) / BINS);
      timescales = {
        edges: edges.map((e) => 10 ** e),
        groups: pooled.map((p) => ({ key: p.g.group.key, label: p.g.group.label, autocorrelation: density(p.auto, edges), effective: density(p.eff, edges), realisedTau: density(p.tau, edges) })),
      };
    }
  }

  // one effective spectrum per group: its first measured seed's
  const spectra: ComparisonMechanisms['spectra'] = [];
  for (const g of groups) {
    const s = g.seeds.find((x) => data.mechanisms.get(x.run_id)?.kind === 'rate');
    const m = s ? data.mechanisms.get(s.run_id) : undefined;
    if (m?.kind === 'rate' && m.spectrum) spectra.push({ key: g.group.key, label: g.group.label, effective: m.spectrum.effective, w: m.spectrum.w });
  }

  // alignment: the mean captured fraction per family at each k, over the group's runs (of one N: the ks agree)
  let alignment: ComparisonMechanisms['alignment'] = null;
  if (kind === 'rate') {
    const rows = groups.map((g) => {
      const ms = g.seeds.map((s) => data.mechanisms.get(s.run_id)).filter((m): m is Extract<Mechanisms, { kind: 'rate' }> => m?.kind === 'rate');
      if (ms.length === 0) return null;
      const ks = ms[0].alignment.ks;
      const same = ms.filter((m) => m.alignment.ks.length === ks.length);
      const byFamily: Record<string, number[]> = {};
      for (const f of Object.keys(ms[0].alignment.byFamily)) byFamily[f] = ks.map((_, i) => mean(same.map((m) => m.alignment.byFamily[f]?.[i] ?? NaN)));
      return { key: g.group.key, label: g.group.label, ks, byFamily };
    });
    const present = rows.filter((r): r is NonNullable<typeof r> => r !== null);
    if (present.length) alignment = { families: [...new Set(present.flatMap((r) => Object.keys(r.byFamily)))], groups: present };
  }

  // capacity against memory depth and against nonlinearity degree, per group (its runs' per-task capacities)
  const profile = (coord: 'memory_depth' | 'nonlinearity', family?: string) => {
    const xs = new Set<number>();
    const series = groups.map((g) => {
      const sums = new Map<number, { sum: number; n: number }>();
      for (const s of g.seeds) {
        const caps = data.scores.get(s.run_id);
        if (!caps) continue;
        data.tasksOf(s.experiment_id).forEach((t, i) => {
          if (family !== undefined && t.family !== family) return;
          const x = t[coord];
          xs.add(x);
          const e = sums.get(x) ?? { sum: 0, n: 0 };
          e.sum += caps[i];
          e.n++;
          sums.set(x, e);
        });
      }
      return { key: g.group.key, label: g.group.label, sums };
    });
    const sorted = [...xs].sort((a, b) => a - b);
    return { xs: sorted, groups: series.map((s) => ({ key: s.key, label: s.label, capacity: sorted.map((x) => (s.sums.get(x) ? s.sums.get(x)!.sum / s.sums.get(x)!.n : NaN)) })) };
  };

  return {
    kind,
    levels: levelSeries(groups.map((g) => g.group)),
    measured: measured.length,
    notMeasured: all.length - measured.length,
    measureLabels: defs.map((d) => ({ key: d.key, label: d.label })),
    groups: perGroup,
    contrasts: perContrast,
    timescales,
    spectra,
    alignment,
    profile: {
      memory: profile('memory_depth'),
      nonlinearity: profile('nonlinearity'),
      byFamily: Object.fromEntries(taskFamilies(groups, data).map((f) => [f, { memory: profile('memory_depth', f), nonlinearity: profile('nonlinearity', f) }])),
    },
  };
}
