// Automatic backend choice: a short probe per (model, size, density) on the float64 backends that
// can win, and the one that finishes the experiment's runs soonest is kept (see fastestFor). The
// choice is made once, in the process that plans the experiment, so every worker thread runs a run
// on the same backend whatever the thread count; the measurement is cached on disk (per CPU model
// and app version), and naming a backend overrides it.
//
// What keeps it cheap (issue 16: at most 5 % of a first run, 1 % of a later one):
// * the probe times the kernels that differ between backends, the simulation and the readout's
//   per-step products, on a few hundred steps scaled to the network's size (timeKernels), not a
//   shortened run with its O(N^3) spectra and solves, which are the same work on every backend;
// * a backend is not a candidate beside one that runs the same code with some of its kernels faster
//   and none slower (DOMINATED_BY): the TypeScript reference (cpu) beside WebAssembly, 2-3.5x slower
//   at every size measured (README, Benchmarks); the unfused WebAssembly builds beside their fused
//   twins (the same code, each product's multiply-add one instruction instead of two); wasm-fma
//   beside native-fma (wasm-fma's code with the products, the eigen-solvers and the sparse
//   simulation in native code, 1.3-2.7x its probes at every size class of the presets on an Intel
//   Xeon). Where the better one runs, probing the other could only pick it by a probe's noise, and
//   each probe cost a first-ever experiment 5-30 ms;
// * a backend that splits each run across k threads is probed only where it would take the
//   experiment in as few rounds as its single-thread twin; with more rounds it cannot win, since the
//   part of a run that does not split (solves, spectra) is paid once more per round.
import type { RunSpec } from '../common/results.js';
import type { Backend } from '../worker/backends/backend.js';
import { availableBackendsOf, backendByName, backendNames } from '../worker/backends/registry.js';
import { probeInWorker, type Prober } from './probes.js';
import { defaultThreads } from './scheduler.js';
import { readMeasurements, writeMeasurements } from './measurements.js';

/** the help of the commands' --backend option (after the app has registered its hosted backends) */
export function backendOptionHelp(): string {
  return `${backendNames().join(', ')}, or auto: a short calibration picks the float64 backend that finishes soonest per network size (cached); \`quench backends\` lists what runs here`;
}

export interface Calibration {
  key: string;
  chosen: string;
  /** milliseconds of the kernel probe per backend (probeOf, timeKernels) */
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

/** multiply-adds a probe aims at per execution (about 10 ms here): enough to time, little to wait for */
const PROBE_WORK = 2e7;
/** the probe's training segment: at least this many steps, at most a tenth of the run's */
const PROBE_MIN_TRAIN = 100;

/**
 * The run shortened for a kernel probe: a training segment of about PROBE_WORK / (multiply-adds per
 * step) steps (simulation nnz or N^2, Gram N^2 / 2, X'Y N K), at least PROBE_MIN_TRAIN and at most a
 * tenth of the run's, 50-step washout, validation and test, and one task family.
 */
export function probeOf(run: RunSpec): RunSpec {
  const s = run.input.segments;
  const n = run.network.n;
  const families = run.suite.families.slice(0, 1);
  const perStep = n * n * Math.min(1, run.network.p) + (n * n) / 2 + n * 40;
  const cap = Math.max(PROBE_MIN_TRAIN, Math.round(run.factors.trainLength / 10));
  const train = Math.min(cap, Math.max(PROBE_MIN_TRAIN, Math.round(PROBE_WORK / perStep)));
  return {
    ...run,
    factors: { ...run.factors, trainLength: train },
    input: { ...run.input, segments: { washout: Math.min(50, s.washout), train, validation: 50, test: 50 } },
    suite: { ...run.suite, families },
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

/** the backends that do what a backend does with some kernels faster and none slower (see the header) */
const DOMINATED_BY: Record<string, (name: string) => boolean> = {
  cpu: (name) => name.startsWith('wasm'),
  wasm: (name) => name === 'wasm-fma',
  'wasm-split': (name) => name === 'wasm-fma-split',
  'wasm-fma': (name) => name === 'native-fma',
};

/** rounds of `runs` runs on `threads` threads with a backend using `perRun` threads per run */
function rounds(runs: number, threads: number, perRun: number): number {
  return Math.ceil(runs / Math.max(1, Math.floor(threads / perRun)));
}

/**
 * The candidates worth probing for `runs` runs on `threads` threads: the float64 backends, less one
 * that another eligible one dominates (DOMINATED_BY), less a split backend (threadsPerRun k > 1)
 * that needs more rounds than its twin (its name without "-split"): per round it is at best k times
 * faster on the part that splits and no faster on the rest, so more rounds never finish sooner (nor
 * sooner than what beats its twin).
 */
export function probeCandidates(eligible: Backend[], runs: number, threads: number): Backend[] {
  const dominated = (b: Backend) => eligible.some((o) => DOMINATED_BY[b.name]?.(o.name) ?? false);
  return eligible.filter((b) => {
    if (dominated(b)) return false;
    const perRun = b.threadsPerRun ?? 1;
    if (perRun === 1) return true;
    if (threads < perRun) return false;
    const twin = eligible.find((t) => t.name === b.name.replace(/-split$/, '') && (t.threadsPerRun ?? 1) === 1);
    return !twin || rounds(runs, threads, perRun) <= rounds(runs, threads, 1);
  });
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
  candidates: Backend[] = availableBackendsOf('float64'),
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
  const cache = readMeasurements<Calibration>('calibration', names);
  const perKey = new Map<string, { run: RunSpec; count: number }>();
  for (const r of runs) {
    const key = calibrationKey(r);
    const k = perKey.get(key);
    if (k) k.count++;
    else perKey.set(key, { run: r, count: 1 });
  }
  // what each key needs probed (a choice of one needs nothing), all of it in one probe thread
  const plans = [...perKey].map(([key, { run, count }]) => {
    const choices = probeCandidates(eligible, count, threads);
    const known = cache[key]?.timings ?? {};
    const missing = choices.length > 1 ? choices.filter((b) => known[b.name] === undefined) : [];
    return { key, run, count, choices, known, missing };
  });
  const requests = plans.flatMap((p) => p.missing.map((b) => ({ backend: b.name, runs: [probeOf(p.run)], repeats: 3, kind: 'kernels' as const })));
  const measured = requests.length > 0 ? await prober(requests) : [];
  let next = 0;
  const calibrations = new Map<string, Calibration>();
  for (const p of plans) {
    const timings = { ...p.known };
    for (const b of p.missing) timings[b.name] = measured[next++][0];
    // the measurement is cached; the choice depends on this experiment's run count, so it is redone
    const chosen = p.choices.length === 1 ? p.choices[0].name : fastestFor(timings, p.choices, p.count, threads);
    const c: Calibration = { key: p.key, chosen, timings, cached: p.missing.length === 0 };
    if (p.missing.length > 0) cache[p.key] = c;
    calibrations.set(p.key, c);
  }
  if (plans.some((p) => p.missing.length > 0)) writeMeasurements('calibration', names, cache);
  for (const r of runs) byRun.set(r.index, calibrations.get(calibrationKey(r))!.chosen);
  return { byRun, calibrations: [...calibrations.values()] };
}

export function describeCalibration(c: Calibration): string {
  const times = Object.entries(c.timings)
    .sort((a, b) => a[1] - b[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
    .join(', ');
  if (!times) return `${c.key}: ${c.chosen} (the only candidate: nothing to probe)`;
  return `${c.key}: ${c.chosen} (kernel probe: ${times}${c.cached ? '; measured earlier, cached' : ''})`;
}
