// Turns the runs of an experiment into what a lab member reads: conditions with seeds aggregated,
// heterogeneous-vs-homogeneous contrasts paired per task, and the preset's finding in words,
// whichever way it came out.
import type { RunFactors, RunResult } from '../common/results.js';
import type { ExperimentSpec } from '../common/spec.js';
import { interval95, mean, pairedComparison, sizeEquivalence } from '../worker/stats.js';

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
  halfWidth: number;
}

export interface ConditionSummary {
  condition: string;
  factors: Omit<RunFactors, 'seedIndex'>;
  seeds: number;
  /** mean capacity over the suite, aggregated across seeds */
  meanCapacity: Interval;
  perFamily: Record<string, number>;
  /** realised heterogeneity, averaged across seeds */
  realised: { mean: number; cv: number; skewness: number; bounded: number };
  meanRateHz: number | null;
  rhoW: number | null;
  rhoEff: number | null;
}

export interface Contrast {
  hetero: string;
  homo: string;
  label: string;
  /** per-seed difference of mean capacity (hetero - homo), aggregated across seeds */
  meanDiff: Interval;
  /** on seed-averaged per-task capacities: fraction of tasks where hetero > homo (ties half) */
  fractionWon: number;
  tasks: number;
  wilcoxonP: number;
  seeds: number;
}

export interface Findings {
  claim: string;
  analysis: string;
  conditions: ConditionSummary[];
  contrasts: Contrast[];
  /** the answer to the preset's question, in words */
  lines: string[];
}

/** Two conditions that differ only in their heterogeneity (family and level). */
const sameOtherFactors = (a: ConditionSummary['factors'], b: ConditionSummary['factors']) =>
  a.n === b.n && a.tauMean === b.tauMean && a.trainLength === b.trainLength && a.manipulation === b.manipulation && a.model === b.model;

const isHomogeneous = (f: Pick<RunFactors, 'family' | 'cv'>) => f.family === 'none' || (f.cv === 0 && f.family !== 'empirical');

export function conditionLabel(f: Omit<RunFactors, 'seedIndex'>, spec?: ExperimentSpec): string {
  const parts = [isHomogeneous(f) ? 'homogeneous' : f.family === 'empirical' ? 'empirical' : `${f.family} c=${f.cv}`];
  const sweep = spec?.sweep;
  if (!spec || sweep?.n) parts.push(`N=${f.n}`);
  if (!spec || sweep?.tauMean) parts.push(`tau=${f.tauMean}`);
  if (!spec || sweep?.trainLength) parts.push(`L=${f.trainLength}`);
  if (!spec || sweep?.manipulations) parts.push(f.manipulation);
  return parts.join(', ');
}

export function summariseConditions(results: readonly RunResult[]): ConditionSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const g = groups.get(r.condition);
    if (g) g.push(r);
    else groups.set(r.condition, [r]);
  }
  const out: ConditionSummary[] = [];
  for (const [condition, runs] of groups) {
    runs.sort((a, b) => a.factors.seedIndex - b.factors.seedIndex);
    const { seedIndex: _s, ...factors } = runs[0].factors;
    const families = Object.keys(runs[0].summary.perFamily);
    const perFamily: Record<string, number> = {};
    for (const f of families) perFamily[f] = mean(runs.map((r) => r.summary.perFamily[f]));
    const nullableMean = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : mean(xs as number[]));
    out.push({
      condition,
      factors,
      seeds: runs.length,
      meanCapacity: interval95(runs.map((r) => r.summary.meanCapacity)),
      perFamily,
      realised: {
        mean: mean(runs.map((r) => r.network.tau.mean)),
        cv: mean(runs.map((r) => r.network.tau.cv)),
        skewness: mean(runs.map((r) => r.network.tau.skewness)),
        bounded: mean(runs.map((r) => r.network.tau.bounded)),
      },
      meanRateHz: nullableMean(runs.map((r) => r.network.meanRateHz)),
      rhoW: nullableMean(runs.map((r) => r.network.rhoW)),
      rhoEff: nullableMean(runs.map((r) => r.network.rhoEff)),
    });
  }
  return out;
}

/** Per-task capacities averaged over the seeds that both conditions share. */
function seedAveragedScores(runs: RunResult[], seeds: Set<number>): number[] {
  const kept = runs.filter((r) => seeds.has(r.factors.seedIndex));
  const k = kept[0].scores.capacity.length;
  const avg = new Array<number>(k).fill(0);
  for (const r of kept) for (let i = 0; i < k; i++) avg[i] += r.scores.capacity[i] / kept.length;
  return avg;
}

export function contrast(results: readonly RunResult[], heteroCondition: string, homoCondition: string, label: string): Contrast | null {
  const het = results.filter((r) => r.condition === heteroCondition);
  const hom = results.filter((r) => r.condition === homoCondition);
  const homBySeed = new Map(hom.map((r) => [r.factors.seedIndex, r]));
  const shared = new Set(het.map((r) => r.factors.seedIndex).filter((s) => homBySeed.has(s)));
  if (shared.size === 0) return null;
  const diffs = het.filter((r) => shared.has(r.factors.seedIndex)).map((r) => r.summary.meanCapacity - homBySeed.get(r.factors.seedIndex)!.summary.meanCapacity);
  const pc = pairedComparison(seedAveragedScores(hom, shared), seedAveragedScores(het, shared));
  return {
    hetero: heteroCondition,
    homo: homoCondition,
    label,
    meanDiff: interval95(diffs),
    fractionWon: pc.fractionWon,
    tasks: pc.n,
    wilcoxonP: pc.wilcoxon.pValue,
    seeds: shared.size,
  };
}

/** Every heterogeneous condition against the homogeneous one that shares all its other factors. */
export function heteroVsHomo(results: readonly RunResult[], conditions: ConditionSummary[], spec?: ExperimentSpec): Contrast[] {
  const out: Contrast[] = [];
  for (const h of conditions) {
    if (isHomogeneous(h.factors)) continue;
    const partner = conditions.find((c) => isHomogeneous(c.factors) && sameOtherFactors(c.factors, h.factors));
    if (!partner) continue;
    const c = contrast(results, h.condition, partner.condition, `${conditionLabel(h.factors, spec)} vs ${conditionLabel(partner.factors, spec)}`);
    if (c) out.push(c);
  }
  return out;
}

/** firing-rate ratio above which a spiking contrast is flagged as confounded by activity level */
export const RATE_CONFOUND = 1.25;

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const signed = (x: number, d = 3) => (x >= 0 ? '+' : '') + fmt(x, d);
const fmtP = (p: number) => (p < 1e-15 ? '< 1e-15' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

export function describeContrast(c: Contrast): string {
  const ci = c.seeds > 1 ? ` [${fmt(c.meanDiff.lo)}, ${fmt(c.meanDiff.hi)}]` : ' (one seed: no interval)';
  const verdict =
    c.seeds > 1 && c.meanDiff.lo > 0
      ? 'heterogeneous better'
      : c.seeds > 1 && c.meanDiff.hi < 0
        ? 'homogeneous better'
        : c.meanDiff.mean > 0
          ? 'heterogeneous ahead, interval includes 0'
          : 'homogeneous ahead or equal, interval includes 0';
  return `${c.label}: Δ mean capacity ${signed(c.meanDiff.mean)}${ci} over ${c.seeds} seed(s); heterogeneous wins ${(100 * c.fractionWon).toFixed(0)} % of ${c.tasks} tasks (Wilcoxon p = ${fmtP(c.wilcoxonP)}) → ${verdict}`;
}

export function analyse(spec: ExperimentSpec, results: readonly RunResult[]): Findings {
  const conditions = summariseConditions(results);
  const contrasts = heteroVsHomo(results, conditions, spec);
  const lines: string[] = [];

  if (spec.analysis === 'size' || spec.analysis === 'data-efficiency') {
    const axis = spec.analysis === 'size' ? 'n' : 'trainLength';
    const unit = spec.analysis === 'size' ? 'N' : 'L';
    const hetFamilies = [...new Set(conditions.filter((c) => !isHomogeneous(c.factors)).map((c) => `${c.factors.family}|${c.factors.cv}`))];
    for (const hf of hetFamilies) {
      const [family, cv] = hf.split('|');
      const points: { n: number; hetero: number; homo: number }[] = [];
      for (const h of conditions.filter((c) => c.factors.family === family && String(c.factors.cv) === cv)) {
        const homo = conditions.find((c) => isHomogeneous(c.factors) && sameOtherFactors(c.factors, h.factors));
        if (homo) points.push({ n: h.factors[axis], hetero: h.meanCapacity.mean, homo: homo.meanCapacity.mean });
      }
      if (points.length < 2) continue;
      const eq = sizeEquivalence(points);
      lines.push(
        eq.smallestHeteroN === null
          ? `${family} c=${cv}: no heterogeneous ${unit} in the sweep reaches the homogeneous ${unit}=${eq.nMax} (capacity ${fmt(eq.homoAtNMax)}).`
          : `${family} c=${cv}: the smallest heterogeneous ${unit} reaching the homogeneous ${unit}=${eq.nMax} (capacity ${fmt(eq.homoAtNMax)}) is ${unit}=${eq.smallestHeteroN} (${fmt(eq.ratio ?? NaN, 2)}× ${unit}max${eq.interpolatedN ? `; interpolated ${unit}≈${eq.interpolatedN.toFixed(0)}` : ''}).`,
      );
    }
  }

  if (spec.analysis === 'skew') {
    const byCv = new Map<number, ConditionSummary[]>();
    for (const c of conditions.filter((c) => !isHomogeneous(c.factors))) byCv.set(c.factors.cv, [...(byCv.get(c.factors.cv) ?? []), c]);
    for (const [cv, cs] of [...byCv].sort((a, b) => a[0] - b[0])) {
      const sym = cs.filter((c) => c.factors.family === 'uniform' || c.factors.family === 'normal');
      const skewed = cs.filter((c) => c.factors.family === 'lognormal' || c.factors.family === 'gamma');
      const left = cs.filter((c) => c.factors.family === 'reflected-lognormal');
      const m = (xs: ConditionSummary[]) => mean(xs.map((c) => c.meanCapacity.mean));
      const detail = cs.map((c) => `${c.factors.family} ${fmt(c.meanCapacity.mean)} (realised CV ${fmt(c.realised.cv, 2)}, skew ${fmt(c.realised.skewness, 2)})`).join('; ');
      lines.push(
        `c=${cv}: right-skewed mean ${fmt(m(skewed))} vs symmetric ${fmt(m(sym))} vs left-skewed ${fmt(m(left))} → ${m(skewed) > m(sym) ? 'right-skewed ahead' : 'right-skewed not ahead'}. ${detail}`,
      );
    }
  }

  for (const c of contrasts) {
    let line = describeContrast(c);
    // LIF: a heterogeneous network can fire at another rate than its homogeneous partner; the
    // contrast then mixes heterogeneity with activity level, and the reader should know
    const het = conditions.find((x) => x.condition === c.hetero);
    const hom = conditions.find((x) => x.condition === c.homo);
    if (het?.meanRateHz && hom?.meanRateHz && Math.max(het.meanRateHz, hom.meanRateHz) / Math.min(het.meanRateHz, hom.meanRateHz) > RATE_CONFOUND) {
      line += ` [caution: firing rates differ, ${het.meanRateHz.toFixed(1)} vs ${hom.meanRateHz.toFixed(1)} Hz: part of the difference may come from activity level]`;
    }
    lines.push(line);
  }
  if (contrasts.length === 0 && spec.analysis !== 'skew') lines.push('No heterogeneous/homogeneous pair in this sweep: nothing to contrast.');
  return { claim: spec.claim, analysis: spec.analysis, conditions, contrasts, lines };
}
