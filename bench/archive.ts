// Archive benchmark: an archive of 10 000 runs x 300 tasks (3 million per-task score rows), then the
// time of the grouped, seed-aggregated comparison, of paired per-task comparisons, of a filtered run
// listing, of tagging every run at once (against the per-run path it replaced), and of export +
// import of the whole experiment. Scores are synthetic (the engine is not
// run): what is measured is the archive. Run after a build:
//
//   node dist/bench/archive.js [--runs 10000] [--keep DIR] [--only-tags]
//
// --only-tags builds the archive and times the tagging alone.
//
// The archive is built in a temporary folder (removed afterwards unless --keep names a folder).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult, RunSpec } from '../common/results.js';
import { parseExperiment } from '../common/validate.js';
import { Archive } from '../db/archive.js';
import { compare } from '../main/analysis/compare.js';
import { exportRuns, importArchives } from '../db/transfer.js';
import { planRuns } from '../main/plan.js';
import { runTasks } from '../worker/run.js';
import { Rng } from '../worker/rng.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const targetRuns = Number(arg('--runs') ?? 10_000);
const keep = arg('--keep');
const onlyTags = process.argv.includes('--only-tags');
const seeds = Math.max(1, Math.round(targetRuns / 100));

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
const hets = [
  { family: 'none' as const, cv: 0 },
  ...[0.25, 0.5, 1, 2].map((cv) => ({ family: 'lognormal' as const, cv })),
  ...[0.25, 0.5, 1, 2].map((cv) => ({ family: 'gamma' as const, cv })),
  { family: 'uniform' as const, cv: 0.5 },
];
// 10 heterogeneity conditions x 2 sizes x 5 manipulations x `seeds` seeds; 300 tasks
const spec = parseExperiment({
  name: 'archive benchmark',
  analysis: 'resilience',
  suite: {
    name: 'bench-300',
    version: 1,
    families: [
      { family: 'delay', delays: range(60) },
      { family: 'legendre', degrees: [2, 3], delays: [0, 2, 5, 10, 20] },
      { family: 'window', windows: range(10).map((i) => 2 * i + 2), kinds: ['mean', 'difference'] },
      { family: 'forecast', horizons: range(20, 1) },
      { family: 'narma', orders: [5, 10, 20] },
      { family: 'static', functions: ['sin', 'abs', 'cube'] },
      { family: 'xor', delays: [0, 2, 4] },
    ],
  },
  sweep: {
    heterogeneity: hets,
    n: [50, 100],
    manipulations: [
      { label: 'base', ops: [] },
      { label: 'gain x0.5', ops: [{ op: 'scaleGain', factor: 0.5 }] },
      { label: 'gain x0', ops: [{ op: 'scaleGain', factor: 0 }] },
      { label: 'p=0.01', ops: [{ op: 'resampleConnectivity', p: 0.01 }] },
      { label: 'no recurrence', ops: [{ op: 'removeRecurrence' }] },
    ],
    seeds,
  },
});

/** Plausible synthetic scores: a task baseline, a gain from heterogeneity, seed noise. */
function synthetic(run: RunSpec, k: number): RunResult {
  const rng = new Rng((run.seeds.network ^ Math.imul(run.index, 2654435761)) >>> 0);
  const gain = run.factors.family === 'none' ? 0 : 0.05 * Math.min(run.factors.cv, 1);
  const capacity = range(k).map((i) => Math.min(1, Math.max(0, 0.8 * Math.exp(-i / 80) + gain + 0.05 * (rng.uniform() - 0.5))));
  const total = capacity.reduce((a, b) => a + b, 0);
  return {
    index: run.index,
    key: run.key,
    condition: run.condition,
    factors: run.factors,
    seeds: run.seeds,
    backend: 'synthetic',
    summary: { tasks: k, meanCapacity: total / k, totalCapacity: total, meanR2: total / k, perFamily: {} },
    scores: { r2: capacity, capacity, nrmse: capacity.map((c) => Math.sqrt(1 - c)), accuracy: capacity.map(() => null), ridge: capacity.map(() => 1e-4) },
    network: { tau: { mean: 5, cv: run.factors.cv, skewness: 0, min: 1, max: 20, bounded: 0 }, rhoW: 0.9, rhoEff: 0.95, density: 0.1, meanRateHz: null },
    timings: { simulateMs: 10, readoutMs: 10, totalMs: 20 },
  };
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

/** Median of `n` timings (after one warm-up call). */
function median<T>(n: number, fn: () => T): [T, number] {
  let r = fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const [x, t] = time(fn);
    r = x;
    ts.push(t);
  }
  ts.sort((a, b) => a - b);
  return [r, ts[Math.floor(n / 2)]];
}

const ms = (t: number) => `${t.toFixed(1)} ms`;
const mb = (path: string) => `${(statSync(path).size / 1024 / 1024).toFixed(1)} MB`;

const dir = keep ?? mkdtempSync(join(tmpdir(), 'quench-bench-archive-'));
try {
  const path = join(dir, 'bench.sqlite');
  rmSync(path, { force: true });
  const archive = Archive.open(path, { appVersion: 'bench' });
  const runs = planRuns(spec);
  const tasks = runTasks(runs[0]);
  const exp = archive.createExperiment(spec, runs, tasks);
  // building is not what is measured: no fsync per batch
  archive.db.pragma('synchronous = OFF');
  const [, buildMs] = time(() => {
    for (let i = 0; i < runs.length; i += 500) archive.commitRuns(exp.id, runs.slice(i, i + 500).map((r) => synthetic(r, tasks.length)));
  });
  archive.db.pragma('synchronous = FULL');
  archive.db.pragma('wal_checkpoint(TRUNCATE)');
  archive.db.exec('ANALYZE');
  const counts = archive.counts();
  console.log(`archive: ${counts.runs} runs x ${tasks.length} tasks = ${counts.scores} score rows, ${counts.run_family} per-family rows (${mb(path)}), built in ${(buildMs / 1000).toFixed(1)} s`);

  if (!onlyTags) timeQueries(archive, exp.id);
  timeTagging(archive, exp.id);
  if (!onlyTags) timeTransfer(archive, exp.id);
  archive.close();
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

function timeQueries(archive: Archive, id: string): void {
  const taskCount = archive.getExperiment(id).task_count;
  const [c, groupedMs] = median(5, () => compare(archive, { filter: { experiments: [id] } }));
  console.log(
    `compare (default: ${c.groups.length} configurations with seeds aggregated, per family; ${c.contrasts.length} paired per-task contrasts over ${c.contrasts[0].tasks} tasks x ${c.contrasts[0].seeds} seeds; curve; diff): ${ms(groupedMs)}`,
  );
  const [half, halfMs] = median(3, () => compare(archive, { filter: { experiments: [id], where: [`seed<${Math.floor(seeds / 2)}`] } }));
  console.log(
    `compare on half the seeds (${half.contrasts.length} contrasts x ${half.contrasts[0].seeds} seeds: ${half.groups.reduce((n, g) => n + g.runs, 0) * taskCount} score rows): ${ms(halfMs)}`,
  );
  const [one, pairMs] = median(5, () => compare(archive, { filter: { where: ['n=100', 'manipulation=base'] }, conditions: ['family=none', 'family=lognormal,cv=1'] }));
  console.log(`compare one pair (family=none vs family=lognormal,cv=1 at N=100, base; ${one.contrasts[0].seeds} seeds x ${one.contrasts[0].tasks} tasks): ${ms(pairMs)}`);
  const [listed, listMs] = median(5, () => archive.listRuns({ where: ['family=gamma', 'cv>=1', 'network.n=100'] }, 100));
  console.log(`runs --where family=gamma --where cv>=1 --where network.n=100 (${listed.total} runs, first 100 listed): ${ms(listMs)}`);
}

function timeTagging(archive: Archive, id: string): void {
  // bulk tagging, as the Runs view asks it: every run of the archive in one call. Before: the service
  // resolved each id (a GLOB lookup) and tagged it in a transaction of its own; now one transaction
  // of set-based statements (Archive.tagMany). Both on the same archive, in the same invocation.
  const uids = archive.db.prepare(`SELECT uid FROM runs WHERE experiment_id = ? ORDER BY run_index`).pluck().all(id) as string[];
  const [oldTagged, oldTagMs] = time(() => uids.reduce((n, u) => n + archive.tag(archive.resolveTarget(u), ['bench-per-run']), 0));
  const [newTagged, newTagMs] = time(() => archive.tagMany({ runs: uids }, ['bench-set']));
  const [untagged, untagMs] = time(() => archive.tagMany({ runs: uids }, ['bench-set'], true));
  console.log(
    `tag ${uids.length} runs on ${cpus()[0]?.model ?? 'an unknown CPU'} (${cpus().length} cores): one lookup and transaction per run (before) ${(oldTagMs / 1000).toFixed(2)} s (${oldTagged} tags); ` +
      `one set-based transaction ${ms(newTagMs)} (${newTagged} tags), new/old ${(newTagMs / oldTagMs).toFixed(4)} (${(oldTagMs / newTagMs).toFixed(0)}x faster); removing them again ${ms(untagMs)} (${untagged})`,
  );
}

function timeTransfer(archive: Archive, id: string): void {
  const file = join(dir, 'bench-export.quench');
  rmSync(file, { force: true });
  const [ex, exportMs] = time(() => exportRuns(archive, file, { experiments: [id] }));
  console.log(`export: ${ex.runs} runs, ${ex.scores} score rows to one file (${mb(file)}): ${ms(exportMs)}`);
  const target = join(dir, 'bench-import.sqlite');
  rmSync(target, { force: true });
  const into = Archive.open(target, { appVersion: 'bench' });
  const [[imp], importMs] = time(() => importArchives(into, [file]));
  console.log(`import into an empty archive: ${imp.added} runs, ${imp.scores} score rows (checks included): ${ms(importMs)}`);
  const [[again], againMs] = time(() => importArchives(into, [file]));
  console.log(`import again (all ${again.skipped} runs already present): ${ms(againMs)}`);
  into.close();
}
