// Automatic backend choice: a short calibration run per (model, size, density) on every float64
// backend, and the one that finishes the experiment's runs soonest is kept (see fastestFor). The
// choice is made once, in the process that plans the experiment, so every worker thread runs a run
// on the same backend whatever the thread count; the measurement is cached on disk (per app
// version), and naming a backend overrides it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import type { RunSpec } from '../common/results.js';
import type { Backend } from '../worker/backends/backend.js';
import { availableBackends, backendByName, backendNames } from '../worker/backends/registry.js';
import { probeInWorker, type Prober } from './probes.js';
import { defaultThreads } from './scheduler.js';
import { appVersion } from './version.js';

/** the help of the commands' --backend option (after the app has registered its hosted backends) */
export function backendOptionHelp(): string {
  return `${backendNames().join(', ')}, or auto: a short calibration picks the float64 backend that finishes soonest per network size (cached); \`quench backends\` lists what runs here`;
}

export interface Calibration {
  key: string;
  chosen: string;
  /** milliseconds of the probe run per backend */
  timings: Record<string, number>;
  cached: boolean;
}

/** Runs that share a key share their cost profile: same model, size (to the next power of 2) and storage. */
export function calibrationKey(run: RunSpec): string {
  const m = run.network.model;
  const form = m.kind === 'rate' ? m.form : 'lif';
  const dense = run.network.p > 0.3 ? 'dense' : 'sparse';
  return `${form}/n${2 ** Math.ceil(Math.log2(run.network.n))}/${dense}`;
}

/** The same run, shortened: a tenth of the segments (at least 50 steps each) and one task family. */
function probeOf(run: RunSpec): RunSpec {
  const s = run.input.segments;
  const short = (x: number) => Math.max(50, Math.round(x / 10));
  const train = short(s.train);
  return {
    ...run,
    factors: { ...run.factors, trainLength: Math.min(train, short(run.factors.trainLength)) },
    input: { ...run.input, segments: { washout: short(s.washout), train, validation: short(s.validation), test: short(s.test) } },
    suite: { ...run.suite, families: run.suite.families.slice(0, 1) },
  };
}


/**
 * The backend that finishes `runs` runs soonest on `threads` threads: a backend that splits each run
 * across k threads runs threads / k of them at once, so it must be more than k times faster per run
 * to win a long sweep, and only needs to be faster to win a single run. Ties go to the earlier candidate.
 */
export function fastestFor(timings: Record<string, number>, candidates: Backend[], runs: number, threads: number): string {
  let best = '';
  let bestWall = Infinity;
  for (const b of candidates) {
    const ms = timings[b.name];
    const perRun = b.threadsPerRun ?? 1;
    // fewer threads than a split run needs (--threads 1, or 0 for this thread only): not asked for
    if (ms === undefined || (perRun > 1 && threads < perRun)) continue;
    const atOnce = Math.max(1, Math.floor(threads / perRun)); // 0 threads: one run at a time, here
    const wall = Math.ceil(runs / atOnce) * ms;
    if (wall < bestWall) {
      best = b.name;
      bestWall = wall;
    }
  }
  return best;
}

/** Times the run's probe on every candidate, in a thread of its own (the prober's). */
export async function calibrate(run: RunSpec, candidates: Backend[], runs = 1, threads = defaultThreads(), prober: Prober = probeInWorker): Promise<Calibration> {
  const probe = probeOf(run);
  const ms = await prober(candidates.map((b) => ({ backend: b.name, runs: [probe], repeats: 3 })));
  const timings: Record<string, number> = {};
  candidates.forEach((b, i) => (timings[b.name] = ms[i][0]));
  return { key: calibrationKey(run), chosen: fastestFor(timings, candidates, runs, threads), timings, cached: false };
}

function cacheFile(): string {
  return process.env.QUENCH_CALIBRATION ?? join(envPaths('quench', { suffix: '' }).cache, 'calibration.json');
}

type CacheDoc = { version: string; backends: string; entries: Record<string, Calibration> };

function readCache(file: string, backends: string): Record<string, Calibration> {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as CacheDoc;
    // a new app version or another set of backends invalidates every measurement
    return doc.version === appVersion() && doc.backends === backends ? doc.entries : {};
  } catch {
    return {};
  }
}

function writeCache(file: string, backends: string, entries: Record<string, Calibration>): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const doc: CacheDoc = { version: appVersion(), backends, entries };
    writeFileSync(`${file}.partial`, JSON.stringify(doc, null, 1));
    renameSync(`${file}.partial`, file);
  } catch {
    // a cache that cannot be written costs a recalibration next time, nothing else
  }
}

export interface BackendPlan {
  /** backend name per run index */
  byRun: Map<number, string>;
  calibrations: Calibration[];
}

/**
 * `requested` is a backend name or 'auto'. Auto calibrates the float64 backends (float32 changes the
 * numbers, so it is only used when named) once per calibration key of the experiment.
 */
export async function chooseBackends(
  runs: readonly RunSpec[],
  requested: string,
  candidates: Backend[] = availableBackends(),
  threads = defaultThreads(),
  prober: Prober = probeInWorker,
): Promise<BackendPlan> {
  const byRun = new Map<number, string>();
  if (requested !== 'auto') {
    backendByName(requested); // fails in words if it does not exist here
    for (const r of runs) byRun.set(r.index, requested);
    return { byRun, calibrations: [] };
  }
  const eligible = candidates.filter((b) => b.precision === 'float64');
  const names = eligible.map((b) => b.name).join(',');
  const file = cacheFile();
  const cache = readCache(file, names);
  const calibrations = new Map<string, Calibration>();
  const runsPerKey = new Map<string, number>();
  for (const r of runs) {
    const key = calibrationKey(r);
    runsPerKey.set(key, (runsPerKey.get(key) ?? 0) + 1);
  }
  let changed = false;
  for (const r of runs) {
    const key = calibrationKey(r);
    let c = calibrations.get(key);
    if (!c) {
      const count = runsPerKey.get(key)!;
      // the measurement is cached; the choice depends on this experiment's run count, so it is redone
      c = cache[key] ? { ...cache[key], chosen: fastestFor(cache[key].timings, eligible, count, threads), cached: true } : await calibrate(r, eligible, count, threads, prober);
      if (!c.cached) {
        cache[key] = c;
        changed = true;
      }
      calibrations.set(key, c);
    }
    byRun.set(r.index, c.chosen);
  }
  if (changed) writeCache(file, names, cache);
  return { byRun, calibrations: [...calibrations.values()] };
}

export function describeCalibration(c: Calibration): string {
  const times = Object.entries(c.timings)
    .sort((a, b) => a[1] - b[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
    .join(', ');
  return `${c.key}: ${c.chosen} (probe run: ${times}${c.cached ? '; measured earlier, cached' : ''})`;
}
