// Turns the runs of one experiment into what a lab member reads: its conditions with seeds
// aggregated, heterogeneous-vs-homogeneous contrasts (main/analysis/inference.ts: paired over seeds),
// and the preset's own answer in words, whichever way it came out.
import type { Contrast, SizeAnswer } from '../../common/comparison.js';
import { FACTORS } from '../../common/factors.js';
import type { ConditionSummary, Findings, SeedRegression } from '../../common/findings.js';
import { describeContrast, describeSizeAnswer, interval, num, pEquals, signedNum } from '../../common/format.js';
import type { RunFactors, RunResult } from '../../common/results.js';
import type { ExperimentSpec } from '../../common/spec.js';
import { contrast, type SeedScores, type TaskInfo } from './inference.js';
import { describeMechanisms, mechanismFindings } from './mechanisms.js';
import { interval95, mean, seedLevelRegression, sizeEquivalence } from './stats.js';

type Factors = Omit<RunFactors, 'seedIndex'>;

/** Two conditions that differ only in their heterogeneity (family, level and how it was matched). */
const sameOtherFactors = (a: Factors, b: Factors) =>
  a.n === b.n && a.tauMean === b.tauMean && a.trainLength === b.trainLength && a.manipulation === b.manipulation && a.model === b.model;

export const isHomogeneous = (f: Pick<RunFactors, 'family' | 'cv'>) => f.family === 'none' || (f.cv === 0 && f.family !== 'empirical');

/** "lognormal c=1", "lognormal CV=1 (realised)", "homogeneous" */
export function heterogeneityLabel(f: Pick<RunFactors, 'family' | 'cv' | 'match'>): string {
  if (isHomogeneous(f)) return 'homogeneous';
  if (f.family === 'empirical') return 'empirical';
  return f.match === 'realised' ? `${f.family} realised CV=${f.cv}` : `${f.family} c=${f.cv}`;
}

/** The condition in words: its heterogeneity, then each factor the experiment sweeps (all of them without a spec). */
export function conditionLabel(f: Factors, spec?: ExperimentSpec): string {
  const parts = [heterogeneityLabel(f)];
  for (const x of FACTORS) {
    if (!x.short || x.key === 'model' || x.key === 'seedIndex') continue;
    const swept = x.sweep !== null && x.sweep !== 'heterogeneity' && x.sweep !== 'seeds' && spec?.sweep[x.sweep] !== undefined;
    if (!spec || swept) parts.push(x.short(f[x.key as keyof Factors] as string | number));
  }
  return parts.join(', ');
}

const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

export function summariseConditions(results: readonly RunResult[], spec?: ExperimentSpec): ConditionSummary[] {
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
    const nullableMean = (xs: (number | null | undefined)[]) => (xs.some((x) => x === null || x === undefined) ? null : mean(xs as number[]));
    const cals = runs.map((r) => r.network.calibration ?? null);
    const calibrated = cals.every((c) => c !== null) ? (cals as NonNullable<(typeof cals)[number]>[]) : null;
    out.push({
      condition,
      label: conditionLabel(factors, spec),
      factors,
      seeds: runs.length,
      meanCapacity: interval95(runs.map((r) => r.summary.meanCapacity)),
      perFamily,
      realised: {
        mean: mean(runs.map((r) => r.network.tau.mean)),
        cv: mean(runs.map((r) => r.network.tau.cv)),
        skewness: mean(runs.map((r) => r.network.tau.skewness)),
        bounded: mean(runs.map((r) => r.network.tau.bounded)),
        nominalCv: nullableMean(runs.map((r) => r.network.tau.nominalCv)),
      },
      meanRateHz: nullableMean(runs.map((r) => r.network.meanRateHz)),
      calibration: calibrated
        ? {
            by: calibrated[0].by,
            targetHz: range(calibrated.map((c) => c.targetHz)),
            achievedHz: range(calibrated.map((c) => c.achievedHz)),
            value: range(calibrated.map((c) => c.value)),
            withinTolerance: calibrated.every((c) => Math.abs(c.achievedHz - c.targetHz) <= rateTolerance(spec) * c.targetHz * (1 + 1e-12)),
          }
        : null,
      rhoW: nullableMean(runs.map((r) => r.network.rhoW)),
      rhoEff: nullableMean(runs.map((r) => r.network.rhoEff)),
    });
  }
  return out;
}

/** the relative rate tolerance calibrated runs are held to: the spec's, else the schema's default */
function rateTolerance(spec?: ExperimentSpec): number {
  const model = spec?.network.model;
  return model?.kind === 'lif' && model.calibration ? model.calibration.tolerance : 0.05;
}

/** The seeds of one condition as the inference module takes them. */
function seedsOf(results: readonly RunResult[], condition: string, pick?: (r: RunResult) => boolean): SeedScores[] {
  return results
    .filter((r) => r.condition === condition && (!pick || pick(r)))
    .sort((a, b) => a.factors.seedIndex - b.factors.seedIndex)
    .map((r) => ({ seedKey: `${r.seeds.network}/${r.seeds.input}`, experiment: 'this experiment', name: `seed ${r.factors.seedIndex}`, scores: r.scores.capacity }));
}

/** A contrast of two conditions of this experiment (other − baseline). */
export function conditionContrast(results: readonly RunResult[], tasks: readonly TaskInfo[], baseline: ConditionSummary, other: ConditionSummary): Contrast {
  const r = contrast(seedsOf(results, baseline.condition), seedsOf(results, other.condition), tasks, [baseline.label, other.label]);
  return {
    ...r.stats,
    label: `${other.label} vs ${baseline.label}`,
    baseline: baseline.condition,
    other: other.condition,
    baselineLabel: baseline.label,
    otherLabel: other.label,
    scope: r.scope,
    headline: r.headline,
    leftOut: r.leftOut,
  };
}

/** Every heterogeneous condition against the homogeneous one that shares all its other factors. */
export function heteroVsHomo(results: readonly RunResult[], tasks: readonly TaskInfo[], conditions: ConditionSummary[]): Contrast[] {
  const out: Contrast[] = [];
  for (const h of conditions) {
    if (isHomogeneous(h.factors)) continue;
    const partner = conditions.find((c) => isHomogeneous(c.factors) && sameOtherFactors(c.factors, h.factors));
    if (partner) out.push(conditionContrast(results, tasks, partner, h));
  }
  return out;
}

/** firing-rate ratio above which an uncalibrated spiking contrast is flagged as confounded by activity level */
export const RATE_CONFOUND = 1.25;

/** Per seed, the per-task capacities averaged over several conditions (a family group) of that seed. */
function pooledSeeds(results: readonly RunResult[], conditions: readonly ConditionSummary[]): SeedScores[] {
  const bySeed = new Map<string, RunResult[]>();
  for (const c of conditions) {
    for (const r of results.filter((x) => x.condition === c.condition)) {
      const key = `${r.seeds.network}/${r.seeds.input}`;
      bySeed.set(key, [...(bySeed.get(key) ?? []), r]);
    }
  }
  const out: SeedScores[] = [];
  for (const [key, runs] of bySeed) {
    if (runs.length !== conditions.length) continue; // a seed must have every pooled condition
    const k = runs[0].scores.capacity.length;
    const avg = new Float64Array(k);
    for (const r of runs) for (let i = 0; i < k; i++) avg[i] += r.scores.capacity[i] / runs.length;
    out.push({ seedKey: key, experiment: 'this experiment', name: `seed ${runs[0].factors.seedIndex}`, scores: avg });
  }
  return out;
}

function pooledContrast(results: readonly RunResult[], tasks: readonly TaskInfo[], baseline: ConditionSummary[], other: ConditionSummary[], baseName: string, otherName: string): Contrast | null {
  const a = pooledSeeds(results, baseline);
  const b = pooledSeeds(results, other);
  if (a.length === 0 || b.length === 0) return null;
  const r = contrast(a, b, tasks, [baseName, otherName]);
  return { ...r.stats, label: `${otherName} vs ${baseName}`, baseline: baseName, other: otherName, baselineLabel: baseName, otherLabel: otherName, scope: r.scope, headline: r.headline, leftOut: r.leftOut };
}

/**
 * Capacity on realised CV and realised skewness across the heterogeneous runs, fitted within each seed
 * (a network's own level), with the coefficients' intervals across seeds: does skew matter beyond spread?
 */
export function skewRegression(results: readonly RunResult[]): SeedRegression {
  const het = results.filter((r) => !isHomogeneous(r.factors));
  const bySeed = new Map<number, RunResult[]>();
  for (const r of het) bySeed.set(r.factors.seedIndex, [...(bySeed.get(r.factors.seedIndex) ?? []), r]);
  const seeds = [...bySeed.keys()].sort((a, b) => a - b);
  const fit = seedLevelRegression(
    seeds.map((s) => {
      const runs = bySeed.get(s)!;
      return { y: runs.map((r) => r.summary.meanCapacity), x: runs.map((r) => [r.network.tau.cv, r.network.tau.skewness]) };
    }),
  );
  const names = ['realised CV', 'realised skewness'];
  return {
    model: 'mean capacity = a + b · realised CV + c · realised skewness, fitted per seed over its heterogeneous runs',
    seeds: seeds.length - fit.dropped.length,
    terms: fit.predictors.map((p, i) => ({ name: names[i], mean: p.mean, lo: p.lo, hi: p.hi, p: p.p, log10p: p.log10p, perSeed: p.perSeed })),
    dropped: fit.dropped.map((d) => ({ seed: seeds[d.seed], reason: d.reason })),
  };
}

function describeRegressionTerm(t: SeedRegression['terms'][number], seeds: number): string {
  const verdict = !(Number.isFinite(t.lo) && Number.isFinite(t.hi)) ? 'no interval' : t.lo > 0 ? 'positive' : t.hi < 0 ? 'negative' : 'not distinguishable from 0';
  return `per unit ${t.name}: ${signedNum(t.mean)} ${interval(t.lo, t.hi, true)} across ${seeds} seed(s) (paired t ${pEquals(t)}) → ${verdict}`;
}

function sizeAnswers(spec: ExperimentSpec, results: readonly RunResult[], tasks: readonly TaskInfo[], conditions: ConditionSummary[]): SizeAnswer[] {
  const axis = spec.analysis === 'size' ? 'n' : 'trainLength';
  const out: SizeAnswer[] = [];
  const hetSeries = [...new Map(conditions.filter((c) => !isHomogeneous(c.factors)).map((c) => [heterogeneityLabel(c.factors), c])).keys()];
  for (const series of hetSeries) {
    const points: { n: number; hetero: number; homo: number; het: ConditionSummary; hom: ConditionSummary }[] = [];
    for (const h of conditions.filter((c) => !isHomogeneous(c.factors) && heterogeneityLabel(c.factors) === series)) {
      const homo = conditions.find((c) => isHomogeneous(c.factors) && sameOtherFactors(c.factors, h.factors));
      if (homo) points.push({ n: h.factors[axis], hetero: h.meanCapacity.mean, homo: homo.meanCapacity.mean, het: h, hom: homo });
    }
    if (points.length < 2) continue;
    const eq = sizeEquivalence(points);
    const top = points.find((p) => p.n === eq.nMax)!;
    const at = eq.smallestHeteroN === null ? null : points.find((p) => p.n === eq.smallestHeteroN)!;
    out.push({
      axis,
      series,
      experiment: 'this experiment',
      nMax: eq.nMax,
      homoAtNMax: eq.homoAtNMax,
      smallestHeteroN: eq.smallestHeteroN,
      interpolatedN: eq.interpolatedN,
      backing: at ? conditionContrast(results, tasks, top.hom, at.het) : null,
    });
  }
  return out;
}


export function analyse(spec: ExperimentSpec, results: readonly RunResult[], tasks: readonly TaskInfo[]): Findings {
  const conditions = summariseConditions(results, spec);
  const contrasts = heteroVsHomo(results, tasks, conditions);
  // what the preset asks, in words; the contrasts follow as sentences (lines) or as a table (the CLI)
  const notes: string[] = [];
  let answers: SizeAnswer[] = [];
  let regression: SeedRegression | null = null;

  const calibrated = conditions.filter((c) => c.calibration);
  if (calibrated.length) {
    const lo = Math.min(...calibrated.map((c) => c.calibration!.achievedHz[0]));
    const hi = Math.max(...calibrated.map((c) => c.calibration!.achievedHz[1]));
    const tLo = Math.min(...calibrated.map((c) => c.calibration!.targetHz[0]));
    const tHi = Math.max(...calibrated.map((c) => c.calibration!.targetHz[1]));
    const all = calibrated.every((c) => c.calibration!.withinTolerance);
    const target = tLo === tHi ? `${tLo.toFixed(1)} Hz` : `${tLo.toFixed(1)}–${tHi.toFixed(1)} Hz`;
    const model = spec.network.model;
    const how = model.kind === 'lif' && model.calibration?.target === 'homogeneous' ? ", each to its homogeneous twin's (same seeds and manipulations)" : '';
    notes.push(
      `Rate-matched: every spiking run's ${calibrated[0].calibration!.by} was calibrated to a population rate of ${target}${how}; reached ${lo.toFixed(2)}–${hi.toFixed(2)} Hz, ${all ? `all within ${Math.round(100 * rateTolerance(spec))} %` : 'NOT all within tolerance'}.`,
    );
  } else if (conditions.some((c) => c.factors.model === 'lif')) {
    notes.push('Not rate-matched: the spiking runs use the bias as given (no firing-rate calibration); heterogeneity changes the rate at a fixed bias.');
  }

  if (spec.analysis === 'size' || spec.analysis === 'data-efficiency') {
    answers = sizeAnswers(spec, results, tasks, conditions);
    for (const a of answers) notes.push(describeSizeAnswer(a, false));
  }

  if (spec.analysis === 'skew') {
    const het = conditions.filter((c) => !isHomogeneous(c.factors));
    const levels = [...new Set(het.map((c) => `${c.factors.match ?? 'nominal'}|${c.factors.cv}`))];
    const pooled: Contrast[] = [];
    for (const lv of levels) {
      const [match, cvText] = lv.split('|');
      const at = het.filter((c) => (c.factors.match ?? 'nominal') === match && String(c.factors.cv) === cvText);
      const sym = at.filter((c) => c.factors.family === 'uniform' || c.factors.family === 'normal');
      const right = at.filter((c) => c.factors.family === 'lognormal' || c.factors.family === 'gamma');
      const left = at.filter((c) => c.factors.family === 'reflected-lognormal');
      const where = match === 'realised' ? `realised CV=${cvText}` : `c=${cvText}`;
      const detail = at
        .map((c) => `${c.factors.family} ${num(c.meanCapacity.mean)} (realised CV ${num(c.realised.cv, 2)}${c.realised.nominalCv !== null ? `, nominal c ${num(c.realised.nominalCv, 2)}` : ''}, skew ${num(c.realised.skewness, 2)})`)
        .join('; ');
      notes.push(`At ${match === 'realised' ? `matched realised CV ${cvText}` : `nominal c ${cvText}`}: ${detail}.`);
      if (sym.length && right.length) {
        const c = pooledContrast(results, tasks, sym, right, `symmetric at ${where}`, `right-skewed at ${where}`);
        if (c) pooled.push(c);
      }
      if (sym.length && left.length) {
        const c = pooledContrast(results, tasks, sym, left, `symmetric at ${where}`, `left-skewed at ${where}`);
        if (c) pooled.push(c);
      }
    }
    if (pooled.length) notes.push('Per level: right-skewed (mean of lognormal and gamma) and left-skewed (reflected lognormal) against symmetric (mean of uniform and normal), per seed; the first contrasts below.');
    contrasts.unshift(...pooled);
    regression = skewRegression(results);
    notes.push(`Does skew matter beyond spread? ${regression.model}:`);
    for (const t of regression.terms) notes.push(`  ${describeRegressionTerm(t, regression.seeds)}`);
    for (const d of regression.dropped) notes.push(`  (seed ${d.seed} left out of the regression: ${d.reason})`);
  }

  for (const c of contrasts) {
    // LIF without rate matching: a heterogeneous network can fire at another rate than its homogeneous
    // partner; the contrast then mixes heterogeneity with activity level, and the reader should know
    const het = conditions.find((x) => x.condition === c.other);
    const hom = conditions.find((x) => x.condition === c.baseline);
    if (!het?.calibration && het?.meanRateHz && hom?.meanRateHz && Math.max(het.meanRateHz, hom.meanRateHz) / Math.min(het.meanRateHz, hom.meanRateHz) > RATE_CONFOUND) {
      notes.push(`Caution, ${c.label}: firing rates differ, ${het.meanRateHz.toFixed(1)} vs ${hom.meanRateHz.toFixed(1)} Hz: part of the difference may come from activity level.`);
    }
  }
  if (contrasts.length === 0) notes.push('No heterogeneous/homogeneous pair in this sweep: nothing to contrast.');
  const versus = contrasts.filter((c) => c.headline && conditions.some((x) => x.condition === c.baseline && isHomogeneous(x.factors)));
  if (versus.length) {
    const count = (v: string) => versus.filter((c) => c.verdict === v).length;
    notes.push(
      `Heterogeneous against homogeneous, paired over seeds (95 % t-intervals): higher in ${count('higher')}, lower in ${count('lower')}, ` +
        `not distinguishable in ${count('no clear difference')} of ${versus.length} condition(s).`,
    );
  }
  const mechanisms = mechanismFindings(results, conditions);
  const mechanismLines = mechanisms ? describeMechanisms(mechanisms) : ['not measured (runs of an older version: quench resume --add-mechanisms measures them)'];
  const lines = [...notes, ...contrasts.map(describeContrast), ...mechanismLines.map((l) => `Mechanism: ${l}`)];
  return { claim: spec.claim, analysis: spec.analysis, conditions, contrasts, sizeAnswers: answers, regression, mechanisms, mechanismLines, notes, lines };
}
