// Why heterogeneity helps, across the runs of one experiment: each mechanism measure compared between
// a heterogeneous condition and its homogeneous partner (paired over seeds, with intervals, as the
// capacities are: inference.ts), which measures move with heterogeneity, and how much of the gain in
// mean capacity their changes account for (a regression within each seed, intervals across seeds).
import type { ConditionSummary, MechanismFindings, MeasureSummary, MechanismRegression } from '../../common/findings.js';
import { interval, num, pEquals, signedNum } from '../../common/format.js';
import type { Mechanisms } from '../../common/mechanisms.js';
import type { RunResult } from '../../common/results.js';
import { interval95, mean, pairedT, seedLevelRegression } from './stats.js';

/** One measure: how it reads, for which model, and its value in a run's mechanisms (NaN: not defined). */
export interface MeasureDef {
  key: string;
  label: string;
  kind: 'rate' | 'lif' | 'both';
  value: (m: Mechanisms) => number;
}

const rate = (f: (m: Extract<Mechanisms, { kind: 'rate' }>) => number) => (m: Mechanisms) => (m.kind === 'rate' ? f(m) : NaN);
const lif = (f: (m: Extract<Mechanisms, { kind: 'lif' }>) => number) => (m: Mechanisms) => (m.kind === 'lif' ? f(m) : NaN);

export const MEASURES: readonly MeasureDef[] = [
  { key: 'participationRatio', label: 'participation ratio (dimensions)', kind: 'both', value: (m) => m.participationRatio },
  { key: 'components90', label: 'components for 90 % of the variance', kind: 'both', value: (m) => m.components90 },
  { key: 'timescaleMean', label: 'mean autocorrelation timescale (steps)', kind: 'rate', value: rate((m) => m.timescales.mean) },
  { key: 'timescaleCv', label: 'spread of the autocorrelation timescales (CV)', kind: 'rate', value: rate((m) => m.timescales.cv) },
  { key: 'effectiveTimescaleMedian', label: 'median effective timescale of the linearised update (steps)', kind: 'rate', value: rate((m) => m.spectrum?.effectiveTimescales.median ?? NaN) },
  { key: 'rhoOperating', label: 'spectral radius at the operating point', kind: 'rate', value: rate((m) => m.spectrum?.rho ?? NaN) },
  { key: 'rateCv', label: 'spread of the firing rates (CV)', kind: 'lif', value: lif((m) => m.rates.cv) },
  { key: 'isiCv', label: 'interspike-interval CV (mean over neurons)', kind: 'lif', value: lif((m) => m.isiCv.mean) },
  { key: 'fano', label: 'Fano factor (mean over neurons)', kind: 'lif', value: lif((m) => m.fano.mean) },
  { key: 'pairCorrelation', label: 'pairwise spike-count correlation', kind: 'lif', value: lif((m) => m.correlation.mean) },
];

/** the predictors of the gain regression: dimensionality and the spread of the timescales (rate) or of the rates (LIF) */
const REGRESSORS: Record<'rate' | 'lif', [string, string]> = { rate: ['participationRatio', 'timescaleCv'], lif: ['participationRatio', 'rateCv'] };

const isHomogeneous = (f: { family: string; cv: number }) => f.family === 'none' || (f.cv === 0 && f.family !== 'empirical');
const sameOther = (a: ConditionSummary['factors'], b: ConditionSummary['factors']) =>
  a.n === b.n && a.tauMean === b.tauMean && a.trainLength === b.trainLength && a.manipulation === b.manipulation && a.model === b.model;

/** the runs of a condition by seed (network and input seeds) */
function bySeed(results: readonly RunResult[], condition: string): Map<string, RunResult> {
  return new Map(results.filter((r) => r.condition === condition).map((r) => [`${r.seeds.network}/${r.seeds.input}`, r]));
}

function verdictOf(lo: number, hi: number): 'higher' | 'lower' | 'no clear difference' | 'no interval' {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'no interval';
  return lo > 0 ? 'higher' : hi < 0 ? 'lower' : 'no clear difference';
}

/**
 * The mechanism findings of an experiment's runs (null when no run was measured: an archive of an
 * older version; `quench resume --add-mechanisms` measures them).
 */
export function mechanismFindings(results: readonly RunResult[], conditions: readonly ConditionSummary[]): MechanismFindings | null {
  const measured = results.filter((r) => r.mechanisms);
  if (measured.length === 0) return null;
  const kind = measured[0].mechanisms!.kind;
  const defs = MEASURES.filter((d) => d.kind === 'both' || d.kind === kind);
  const value = (r: RunResult | undefined, key: string) => (r?.mechanisms ? defs.find((d) => d.key === key)!.value(r.mechanisms) : NaN);

  // heterogeneous conditions with their homogeneous partner (the contrasts of the capacities)
  const pairs = conditions
    .filter((c) => !isHomogeneous(c.factors))
    .map((h) => ({ het: h, hom: conditions.find((c) => isHomogeneous(c.factors) && sameOther(c.factors, h.factors)) }))
    .filter((p): p is { het: ConditionSummary; hom: ConditionSummary } => p.hom !== undefined);

  const measures: MeasureSummary[] = defs.map((d) => {
    const byCondition = conditions.map((c) => {
      const vals = results.filter((r) => r.condition === c.condition).map((r) => value(r, d.key)).filter(Number.isFinite);
      return { condition: c.condition, label: c.label, value: interval95(vals) };
    });
    const contrasts = pairs.map(({ het, hom }) => {
      const a = bySeed(results, hom.condition);
      const diffs: number[] = [];
      for (const [seed, r] of bySeed(results, het.condition)) {
        const dv = value(r, d.key) - value(a.get(seed), d.key);
        if (Number.isFinite(dv)) diffs.push(dv);
      }
      const t = pairedT(diffs);
      const lo = diffs.length > 1 ? t.lo : NaN;
      const hi = diffs.length > 1 ? t.hi : NaN;
      return { label: `${het.label} vs ${hom.label}`, seeds: diffs.length, delta: { mean: mean(diffs), lo, hi }, p: t.p, log10p: t.log10p, verdict: verdictOf(lo, hi) };
    });
    const up = contrasts.filter((c) => c.verdict === 'higher').length;
    const down = contrasts.filter((c) => c.verdict === 'lower').length;
    const moves = contrasts.length === 0 ? 'no contrast' : up > 0 && down === 0 ? 'up' : down > 0 && up === 0 ? 'down' : up === 0 && down === 0 ? 'no' : 'mixed';
    return { key: d.key, label: d.label, byCondition, contrasts, moves };
  });

  return {
    measured: measured.length,
    notMeasured: results.length - measured.length,
    measures,
    regression: gainRegression(results, pairs, kind, (r, k) => value(r, k)),
  };
}

/**
 * Δ mean capacity on the changes of the two regressors (heterogeneous − homogeneous partner), within
 * each seed over its heterogeneous conditions, intervals across seeds; and the share of the mean gain
 * the regressors' changes predict (the fit without its intercept, over the actual mean Δ: 1 − a / mean Δ).
 * The homogeneous network is not a point of the fit: the slopes come from how the gain varies with
 * the measures across heterogeneous conditions alone, so a gain every heterogeneous network has
 * whatever its measures goes to the intercept, not to the measures (with the homogeneous network as a
 * point at (0, 0, 0), the step from it would fit the slopes too, and the share would credit the
 * measures with it).
 */
function gainRegression(
  results: readonly RunResult[],
  pairs: { het: ConditionSummary; hom: ConditionSummary }[],
  kind: 'rate' | 'lif',
  value: (r: RunResult | undefined, key: string) => number,
): MechanismRegression | null {
  const [k1, k2] = REGRESSORS[kind];
  const seeds = new Map<string, { y: number[]; x: number[][] }>();
  for (const { het, hom } of pairs) {
    const a = bySeed(results, hom.condition);
    for (const [seed, r] of bySeed(results, het.condition)) {
      const base = a.get(seed);
      const row = [value(r, k1) - value(base, k1), value(r, k2) - value(base, k2)];
      const dy = r.summary.meanCapacity - (base?.summary.meanCapacity ?? NaN);
      if (!row.every(Number.isFinite) || !Number.isFinite(dy)) continue;
      const g = seeds.get(seed) ?? { y: [], x: [] };
      g.y.push(dy);
      g.x.push(row);
      seeds.set(seed, g);
    }
  }
  const groups = [...seeds.values()];
  // an intercept and two slopes, and one residual degree of freedom at least, per seed
  if (groups.length === 0 || groups.some((g) => g.y.length < 4)) {
    return {
      model: `Δ mean capacity = a + b · Δ ${k1} + c · Δ ${k2}`,
      fitted: false,
      why: `it needs at least 4 heterogeneous conditions with a homogeneous partner per seed (3 coefficients and a residual); this experiment has ${pairs.length}`,
      seeds: 0,
      pointsPerSeed: 0,
      terms: [],
      rSquared: { mean: NaN, lo: NaN, hi: NaN },
      share: { mean: NaN, lo: NaN, hi: NaN },
    };
  }
  const fit = seedLevelRegression(groups);
  // per seed: what the changes of the measures predict of the gain (without the intercept), over the gain
  const shares: number[] = [];
  groups.forEach((g, s) => {
    const b1 = fit.predictors[0].perSeed[s];
    const b2 = fit.predictors[1].perSeed[s];
    if (!Number.isFinite(b1) || !Number.isFinite(b2)) return;
    const predicted = mean(g.x.map((row) => b1 * row[0] + b2 * row[1]));
    const actual = mean(g.y);
    if (actual !== 0) shares.push(predicted / actual);
  });
  const share = interval95(shares);
  const r2 = interval95(fit.rSquaredPerSeed.filter(Number.isFinite));
  const labels = [k1, k2].map((k) => MEASURES.find((m) => m.key === k)!.label);
  return {
    model: `Δ mean capacity = a + b · Δ (${labels[0]}) + c · Δ (${labels[1]}), Δ against the homogeneous partner, fitted per seed over its heterogeneous conditions`,
    fitted: true,
    why: null,
    seeds: fit.seeds,
    pointsPerSeed: Math.min(...groups.map((g) => g.y.length)),
    terms: fit.predictors.map((p, i) => ({ name: `Δ ${labels[i]}`, mean: p.mean, lo: p.lo, hi: p.hi, p: p.p, log10p: p.log10p, perSeed: p.perSeed })),
    // R² lies in [0, 1]: a t-interval across few seeds can pass its ends, which say nothing
    rSquared: { mean: r2.mean, lo: r2.n > 1 ? Math.max(0, r2.lo) : NaN, hi: r2.n > 1 ? Math.min(1, r2.hi) : NaN },
    share: { mean: share.mean, lo: share.n > 1 ? share.lo : NaN, hi: share.n > 1 ? share.hi : NaN },
  };
}

/** The "Mechanism:" block, in words, whichever way it came out. */
export function describeMechanisms(m: MechanismFindings): string[] {
  const lines: string[] = [];
  if (m.notMeasured > 0) lines.push(`${m.notMeasured} of ${m.measured + m.notMeasured} runs were not measured (made by an older version: quench resume --add-mechanisms measures them).`);
  const moving = m.measures.filter((x) => x.moves === 'up' || x.moves === 'down');
  for (const x of m.measures) {
    const levels = x.byCondition.map((c) => `${c.label} ${num(c.value.mean, 2)}`).join(', ');
    const deltas = x.contrasts.map((c) => `${signedNum(c.delta.mean, 2)} ${interval(c.delta.lo, c.delta.hi, true, 2)}`).join('; ');
    const n = x.contrasts.length;
    const up = x.contrasts.filter((c) => c.verdict === 'higher').length;
    const down = x.contrasts.filter((c) => c.verdict === 'lower').length;
    const of = (k: number) => (k === n ? `all ${n} contrasts` : `${k} of ${n} contrasts, not distinguishable in ${n - up - down}`);
    const verdict =
      x.moves === 'up' ? `higher with heterogeneity (${of(up)})` : x.moves === 'down' ? `lower with heterogeneity (${of(down)})` : x.moves === 'mixed' ? `moves both ways (higher in ${up}, lower in ${down} of ${n} contrasts)` : x.moves === 'no' ? 'does not move distinguishably' : 'no contrast';
    lines.push(`${x.label}: ${levels}${deltas ? `; Δ against homogeneous ${deltas}` : ''} → ${verdict}`);
  }
  if (moving.length === 0) lines.push('No measure moves distinguishably with heterogeneity (every interval of its change includes 0).');
  const r = m.regression;
  if (r && r.fitted) {
    const terms = r.terms.map((t) => `${t.name}: ${signedNum(t.mean)} ${interval(t.lo, t.hi, true)} (${pEquals(t)})`).join('; ');
    const accounted = !Number.isFinite(r.share.lo)
      ? 'no interval'
      : r.share.lo <= 0
        ? 'the interval includes 0: the changes of these measures do not account for the gain distinguishably'
        : r.share.hi >= 1
          ? 'the changes of these measures account for the gain (the interval reaches all of it)'
          : 'the changes of these measures account for part of the gain';
    lines.push(
      `${r.model}, ${r.seeds} seed(s) of ${r.pointsPerSeed} points each for 3 coefficients${r.pointsPerSeed < 8 ? ' (few points: R² is optimistic)' : ''}: ${terms}; R² ${num(r.rSquared.mean, 2)} ${interval(r.rSquared.lo, r.rSquared.hi, false, 2)}; ` +
        `share of the mean gain they predict ${num(r.share.mean, 2)} ${interval(r.share.lo, r.share.hi, true, 2)} → ${accounted}.`,
    );
  } else if (r) {
    lines.push(`No regression of the gain on the measures: ${r.why}.`);
  }
  return lines;
}
