// The one place where two conditions are compared (docs/model.md §7, README "Inference"). The CLI's
// findings, `quench compare`, the app's Compare and the reports all come through contrast() here.
//
// The seed is the unit of inference: the tasks of one network share its matrices and input, so they
// are not independent samples. Two sides are PAIRED on the seeds they share (same network and input
// seed): the primary test is a paired t-test over the per-seed differences of mean capacity, with
// its 95 % t-interval; beside it an exact sign-flip p (whose floor, 2 / 2^n, is said) and a
// hierarchical bootstrap interval (seeds, then tasks). Sides that share no seed are compared
// UNPAIRED, by Welch's t on the per-seed means. Per task (capacities averaged over each side's
// seeds): strict wins, losses, exact ties, and a Wilcoxon signed-rank p, all descriptive.
import type { ContrastStats, FamilyDelta, PairTaskDiff, Verdict } from '../../common/comparison.js';
import { hierarchicalBootstrap, interval95, mean, pairedT, signFlipTest, welchT, wilcoxonLog } from './stats.js';

export interface SeedScores {
  /** what pairs it: the network and input seeds (e.g. "123/456") */
  seedKey: string;
  /** its experiment (contrasts within one experiment may headline) */
  experiment: string;
  /** a short name for it in "left out" notes (e.g. "seed 3 of root 2") */
  name: string;
  /** per-task capacities, aligned with the contrast's tasks */
  scores: ArrayLike<number>;
}

export interface TaskInfo {
  id: string;
  family: string;
  memoryDepth: number;
  nonlinearity: number;
}

export interface ContrastResult {
  stats: ContrastStats;
  scope: 'one experiment' | 'across experiments';
  headline: boolean;
  leftOut: string[];
  perTask: PairTaskDiff[];
}

const BOOTSTRAP_REPLICATES = 2000;
/** the bootstrap's own seed: the same data give the same interval */
const BOOTSTRAP_SEED = 20240611;

function verdictOf(lo: number, hi: number): Verdict {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'no interval';
  if (lo > 0) return 'higher';
  if (hi < 0) return 'lower';
  return 'no clear difference';
}

function seedMean(scores: ArrayLike<number>, idx: readonly number[]): number {
  let s = 0;
  for (const k of idx) s += scores[k];
  return s / idx.length;
}

function listNames(seeds: readonly SeedScores[], max = 6): string {
  const names = seeds.map((s) => s.name);
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * Compares `other` against `baseline` (Δ = other − baseline) over `tasks`. Each side's seeds carry
 * per-task capacities aligned with `tasks`; a seed key may appear once per side.
 */
export function contrast(baselineIn: readonly SeedScores[], otherIn: readonly SeedScores[], tasks: readonly TaskInfo[], sideNames: [string, string] = ['baseline', 'other']): ContrastResult {
  if (baselineIn.length === 0 || otherIn.length === 0) throw new Error('contrast: each side needs at least one seed');
  const leftOut: string[] = [];
  // the same network and input twice on one side (an experiment run again with --new): one copy
  // counts, or the seed would weigh double
  const baseline = distinctSeeds(baselineIn, sideNames[0], leftOut);
  const other = distinctSeeds(otherIn, sideNames[1], leftOut);
  const K = tasks.length;
  if (K === 0) throw new Error('contrast: no tasks in common');
  for (const s of [...baseline, ...other]) {
    if (s.scores.length !== K) throw new Error(`contrast: ${s.name} has ${s.scores.length} task scores, expected ${K}`);
  }
  const otherBy = new Map(other.map((s) => [s.seedKey, s]));
  const pairs = baseline.filter((s) => otherBy.has(s.seedKey)).map((a) => [a, otherBy.get(a.seedKey)!] as const);
  const all = Array.from({ length: K }, (_, k) => k);
  const families = [...new Set(tasks.map((t) => t.family))];
  const famIdx = new Map(families.map((f) => [f, all.filter((k) => tasks[k].family === f)]));

  let stats: ContrastStats;
  let used: SeedScores[];
  // per task, capacities averaged over each side's seeds
  const avgA = new Float64Array(K);
  const avgB = new Float64Array(K);
  const average = (into: Float64Array, seeds: readonly SeedScores[]) => {
    for (const s of seeds) for (let k = 0; k < K; k++) into[k] += s.scores[k] / seeds.length;
  };

  if (pairs.length > 0) {
    const pairedA = pairs.map((p) => p[0]);
    const pairedB = pairs.map((p) => p[1]);
    const aOnly = baseline.filter((s) => !otherBy.has(s.seedKey));
    const bKeys = new Set(baseline.map((s) => s.seedKey));
    const bOnly = other.filter((s) => !bKeys.has(s.seedKey));
    if (aOnly.length) leftOut.push(`${aOnly.length} seed(s) of ${sideNames[0]} with no partner in ${sideNames[1]} (${listNames(aOnly)})`);
    if (bOnly.length) leftOut.push(`${bOnly.length} seed(s) of ${sideNames[1]} with no partner in ${sideNames[0]} (${listNames(bOnly)})`);
    const S = pairs.length;
    const diff = new Float64Array(S * K);
    const perSeed = new Float64Array(S);
    pairs.forEach(([a, b], s) => {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const d = b.scores[k] - a.scores[k];
        diff[s * K + k] = d;
        sum += d;
      }
      perSeed[s] = sum / K;
    });
    const t = pairedT(perSeed);
    const sf = signFlipTest(perSeed);
    // one seed has no between-seed spread to resample: no interval (and none computed)
    const boot = S > 1 ? hierarchicalBootstrap(diff, S, K, { replicates: BOOTSTRAP_REPLICATES, seed: BOOTSTRAP_SEED }) : null;
    average(avgA, pairedA);
    average(avgB, pairedB);
    const perFamily: Record<string, FamilyDelta> = {};
    for (const f of families) {
      const idx = famIdx.get(f)!;
      const iv = interval95(pairs.map(([a, b]) => seedMean(b.scores, idx) - seedMean(a.scores, idx)));
      perFamily[f] = { tasks: idx.length, meanDiff: iv.mean, lo: iv.n > 1 ? iv.lo : NaN, hi: iv.n > 1 ? iv.hi : NaN, ...taskCounts(avgA, avgB, idx) };
    }
    const lo = S > 1 ? t.lo : NaN;
    const hi = S > 1 ? t.hi : NaN;
    stats = {
      design: 'paired',
      seeds: S,
      seedsBaseline: baseline.length,
      seedsOther: other.length,
      delta: { mean: mean(perSeed), lo, hi },
      test: { name: 'paired t', t: t.t, df: t.df, p: t.p, log10p: t.log10p },
      signFlip: { p: sf.p, exact: sf.exact, floor: sf.floor },
      bootstrap: boot ? { lo: boot.lo, hi: boot.hi, replicates: boot.replicates } : null,
      tasks: K,
      ...taskCounts(avgA, avgB, all),
      wilcoxon: wilcoxonOf(avgA, avgB),
      perFamily,
      verdict: verdictOf(lo, hi),
    };
    used = [...pairedA, ...pairedB];
  } else {
    leftOut.push(`no seed in common: compared unpaired (Welch) over ${baseline.length} and ${other.length} seed(s)`);
    const ma = baseline.map((s) => seedMean(s.scores, all));
    const mb = other.map((s) => seedMean(s.scores, all));
    const w = welchT(ma, mb);
    average(avgA, baseline);
    average(avgB, other);
    const perFamily: Record<string, FamilyDelta> = {};
    for (const f of families) {
      const idx = famIdx.get(f)!;
      const wf = welchT(baseline.map((s) => seedMean(s.scores, idx)), other.map((s) => seedMean(s.scores, idx)));
      perFamily[f] = { tasks: idx.length, meanDiff: wf.diff, lo: wf.lo, hi: wf.hi, ...taskCounts(avgA, avgB, idx) };
    }
    stats = {
      design: 'unpaired',
      seeds: baseline.length + other.length,
      seedsBaseline: baseline.length,
      seedsOther: other.length,
      delta: { mean: w.diff, lo: w.lo, hi: w.hi },
      test: { name: 'Welch t', t: w.t, df: w.df, p: w.p, log10p: w.log10p },
      signFlip: null,
      bootstrap: null,
      tasks: K,
      ...taskCounts(avgA, avgB, all),
      wilcoxon: wilcoxonOf(avgA, avgB),
      perFamily,
      verdict: verdictOf(w.lo, w.hi),
    };
    used = [...baseline, ...other];
  }
  const scope = new Set(used.map((s) => s.experiment)).size === 1 ? 'one experiment' : 'across experiments';
  const headline = stats.design === 'paired' && scope === 'one experiment' && stats.verdict !== 'no interval';
  const perTask = tasks.map((t, k) => ({ id: t.id, family: t.family, memoryDepth: t.memoryDepth, nonlinearity: t.nonlinearity, diff: avgB[k] - avgA[k] }));
  return { stats, scope, headline, leftOut, perTask };
}

function distinctSeeds(side: readonly SeedScores[], name: string, leftOut: string[]): SeedScores[] {
  const seen = new Set<string>();
  const kept: SeedScores[] = [];
  const repeats: SeedScores[] = [];
  for (const s of side) {
    if (seen.has(s.seedKey)) repeats.push(s);
    else {
      seen.add(s.seedKey);
      kept.push(s);
    }
  }
  if (repeats.length) leftOut.push(`${repeats.length} repeated run(s) of ${name} on a network and input it already has (${listNames(repeats)}): the first one counts`);
  return kept;
}

/** strict wins of the other side, losses, and exact ties (e.g. both at capacity 0) over the tasks idx */
function taskCounts(a: Float64Array, b: Float64Array, idx: readonly number[]): { wins: number; losses: number; ties: number } {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const k of idx) {
    if (b[k] > a[k]) wins++;
    else if (b[k] < a[k]) losses++;
    else ties++;
  }
  return { wins, losses, ties };
}

function wilcoxonOf(a: Float64Array, b: Float64Array): ContrastStats['wilcoxon'] {
  const d = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) d[k] = b[k] - a[k];
  const w = wilcoxonLog(d);
  return { wPlus: w.wPlus, n: w.n, zeros: w.zeros, exact: w.exact, method: w.method, p: w.p, log10p: w.log10p };
}
