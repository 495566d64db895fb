// What an experiment will cost before it starts: its time on the machine, its peak memory per run
// and at once, and what it adds to the archive. The orchestrator (main/experiments.ts) admits work
// by these figures; `quench validate` / `plan` and the app print them.
//
// Memory is a model of what a run allocates, fitted to measured peaks (VmHWM above the process's
// baseline, wasm backend, rate and LIF, N = 100 … 3000, T = 3200 … 31 200, 397 tasks):
//   peak ≈ 8 T (3.4 N + 1.3 K) + 66 N² + 12 nnz + 8 MB
// where T is the run's steps, K its tasks: the features and their copies for the readout (about 3.4
// of T × N), the targets, the dense W with its CSR and WebAssembly copies and the readout's N × N
// matrices (about 8 of N × N), and the sparse weights. A noisy rate run keeps its noise (one more T × N).
//
// Time comes from probes: each kind of run (model, size class, storage, connectivity) is timed
// shortened twice, at a quarter and half of its segments (each at most 5000 steps) and at most
// PROBE_MAX_N neurons, in a worker thread (main/probes.ts). That splits its cost into a part that grows with the steps
// (simulation, Gram matrix, readout products) and a part that does not (ridge solves, spectra); a
// run is then priced by its own steps, the per-step part scaled by N² and the fixed part by N³
// beyond the probe's N, and the total shared among the runs that go at once. A kind's figures are
// kept on disk (main/measurements.ts, per CPU model and app version): a later experiment with the
// same kinds of runs is priced without a probe.
import { statfsSync } from 'node:fs';
import { formatBytes, formatSeconds } from '../common/format.js';
import { freemem } from 'node:os';
import type { RunSpec } from '../common/results.js';
import type { ExperimentSpec } from '../common/spec.js';
import { backendByName } from '../worker/backends/registry.js';
import { DENSE_ABOVE } from '../worker/models/rate.js';
import { SPECTRA_MAX_N } from '../worker/network.js';
import { runTasks, totalSteps } from '../worker/run.js';
import { calibrationKey } from './backend-choice.js';
import { runAt, runCount } from './plan.js';
import { readMeasurements, writeMeasurements } from './measurements.js';
import { probeInWorker, type Prober } from './probes.js';

/** probes are small: the spectra (O(N³), computed for N <= 400) would otherwise dominate them */
export const PROBE_MAX_N = 100;
/** starting the worker threads and loading the engine in each */
const STARTUP_SECONDS = 0.3;
/** a worker thread's own memory (the engine, its modules, V8), measured about 70 MB */
export const THREAD_BASE_BYTES = 70 * 2 ** 20;
/** the main process (the archive, the CLI or the server) */
export const PROCESS_BASE_BYTES = 120 * 2 ** 20;
/** what one run adds to the archive: its task scores (about 70 bytes each) and its rows and spec */
const ARCHIVE_BYTES_PER_TASK = 70;
const ARCHIVE_BYTES_PER_RUN = 1024;

/** The sizes that decide what a run costs. */
export interface RunShape {
  n: number;
  steps: number;
  tasks: number;
  /** expected nonzero recurrent weights (N² p, after a connectivity resampling or W = 0) */
  nnz: number;
  dense: boolean;
  noisy: boolean;
}

export function shapeOf(run: RunSpec, tasks: number): RunShape {
  const n = run.network.n;
  let p = run.network.p;
  for (const m of run.network.manipulations) {
    if (m.op === 'resampleConnectivity') p = m.p;
    if (m.op === 'removeRecurrence') p = 0;
    if (m.op === 'prune') p *= 1 - m.fraction;
  }
  const model = run.network.model;
  return { n, steps: totalSteps(run), tasks, nnz: n * n * p, dense: p > DENSE_ABOVE, noisy: model.kind === 'rate' && model.noise > 0 };
}

/** The memory a run peaks at, by part (bytes). */
export function runMemory(s: RunShape): { features: number; targets: number; matrices: number; total: number } {
  const features = 8 * s.steps * s.n * (3.4 + (s.noisy ? 1 : 0));
  const targets = 8 * s.steps * 1.3 * s.tasks;
  const matrices = 66 * s.n * s.n + 12 * s.nnz;
  return { features, targets, matrices, total: features + targets + matrices + 8 * 2 ** 20 };
}

/** What one run adds to the archive: its scores, rows and spec, and its mechanism measures. */
export function archiveBytesOfRun(run: RunSpec, tasks: number): number {
  return ARCHIVE_BYTES_PER_TASK * tasks + 2 * JSON.stringify(run).length + ARCHIVE_BYTES_PER_RUN + mechanismBytes(run, tasks);
}

/**
 * The JSON of a run's mechanism measures (docs/model.md §11), as the archive keeps them (values to 4
 * significant digits, about 7 characters each): a rate run's N timescales, its spectrum where it has
 * one (2N eigenvalues of two matrices, and N effective timescales), a k_half per task, and the
 * summaries and histograms; a LIF run's summaries only.
 */
export function mechanismBytes(run: RunSpec, tasks: number): number {
  if (run.network.model.kind === 'lif') return 1800;
  const n = run.network.n;
  const spectrum = n <= SPECTRA_MAX_N || run.mechanisms?.spectraAboveLimit === true;
  return 7 * n + (spectrum ? 7 * 5 * n : 0) + 4 * tasks + 2000;
}

/**
 * What an experiment costs: runs at once (threads over the threads one run keeps busy), the largest
 * run's peak memory and shape, the process at its peak (its base, one thread base per worker, the
 * largest runs at once), what the archive grows by (0 without one), and its wall time on these
 * threads with the longest single run.
 */
export interface CostEstimate extends SizeEstimate {
  seconds: number;
  runSeconds: number;
}

/**
 * Runs of one kind cost alike: model, size class, storage, and connectivity after the manipulations.
 * The size class is the probe's: every run above PROBE_MAX_N is probed at that N, so those of one
 * model, storage and connectivity share one probe whatever their N (each is then priced at its own).
 */
const kindOf = (run: RunSpec) => {
  const s = shapeOf(run, 0);
  const density = s.nnz / (s.n * s.n);
  const probed = { ...run, network: { ...run.network, n: Math.min(run.network.n, PROBE_MAX_N) } };
  return `${calibrationKey(probed)}|density=${density.toPrecision(2)}|${JSON.stringify(run.network.model)}`;
};

/** each probe the best of two: a probe is short, and one pause of the machine (a collection, another process) would price the whole sweep */
const PROBE_REPEATS = 2;

/** the two probe lengths, as fractions of the run's segments (each capped at PROBE_MAX_SEGMENT) */
const PROBE_FRACTIONS = [0.25, 0.5] as const;

/** a probe's segments stay short whatever the run's: at most this many steps each before the fraction */
const PROBE_MAX_SEGMENT = 5000;

function shortened(run: RunSpec, fraction: number): RunSpec {
  const s = run.input.segments;
  const short = (x: number) => Math.max(50, Math.round(Math.min(x, PROBE_MAX_SEGMENT) * fraction));
  const train = short(s.train);
  const n = Math.min(run.network.n, PROBE_MAX_N);
  return {
    ...run,
    network: { ...run.network, n },
    factors: { ...run.factors, n, trainLength: Math.min(train, short(run.factors.trainLength)) },
    input: { ...run.input, segments: { washout: short(s.washout), train, validation: short(s.validation), test: short(s.test) } },
  };
}

export interface EstimateOptions {
  threads: number;
  /** the backend the runs will get ('auto': the default backend stands for the calibrated choice) */
  backend: string;
  archive: boolean;
  prober?: Prober;
  /** called between chunks of a large sweep (the server yields to other requests there) */
  yieldEvery?: () => Promise<void>;
}

/** What an experiment needs in memory and in the archive: known from its sizes alone, before any probe. */
export interface SizeEstimate {
  runs: number;
  tasks: number;
  concurrent: number;
  threads: number;
  backend: string;
  peakBytesPerRun: number;
  largest: RunShape & { memory: ReturnType<typeof runMemory> };
  peakBytes: number;
  archiveBytes: number;
}

/** the backend a probe can time in a worker thread, and how many of its runs go at once */
function probedBackend(requested: string, threads: number, runs: number): { name: string; concurrent: number } {
  const asked = backendByName(requested === 'auto' ? defaultEstimateBackend() : requested);
  // a backend that runs in one thread of the process (headless GL) or elsewhere (a GPU host) cannot
  // be probed in a worker thread: the default backend's figures stand in for it
  if (asked.oneThread || asked.simulateRateAsync) return { name: defaultEstimateBackend(), concurrent: 1 };
  return { name: asked.name, concurrent: Math.max(1, Math.min(Math.floor(Math.max(1, threads) / (asked.threadsPerRun ?? 1)), runs)) };
}

/** The seed-0 runs of the experiment (every seed of a run costs alike), visited without keeping them. */
async function forEachSeedZero(spec: ExperimentSpec, visit: (run: RunSpec) => void, yieldEvery?: () => Promise<void>): Promise<void> {
  const runs = runCount(spec);
  let visited = 0;
  for (let i = 0; i < runs; i += spec.sweep.seeds) {
    visit(runAt(spec, i));
    if (yieldEvery && ++visited % 5000 === 0) await yieldEvery();
  }
}

/** Memory per run and at once, and archive growth, from the sizes (no probe: a run that could not fit is never started, not even shortened). */
export async function estimateSize(spec: ExperimentSpec, opts: EstimateOptions): Promise<SizeEstimate> {
  const runs = runCount(spec);
  const tasks = runTasks(runAt(spec, 0)).length;
  const { concurrent } = probedBackend(opts.backend, opts.threads, runs);
  let largest: SizeEstimate['largest'] | null = null;
  let archiveBytes = 0;
  await forEachSeedZero(
    spec,
    (run) => {
      const shape = shapeOf(run, tasks);
      const memory = runMemory(shape);
      if (!largest || memory.total > largest.memory.total) largest = { ...shape, memory };
      if (opts.archive) archiveBytes += spec.sweep.seeds * archiveBytesOfRun(run, tasks);
    },
    opts.yieldEvery,
  );
  const top = largest as unknown as SizeEstimate['largest'];
  return {
    runs,
    tasks,
    concurrent,
    threads: opts.threads,
    backend: opts.backend,
    peakBytesPerRun: top.memory.total,
    largest: top,
    peakBytes: PROCESS_BASE_BYTES + Math.max(1, opts.threads) * THREAD_BASE_BYTES + concurrent * top.memory.total,
    archiveBytes,
  };
}

/** a kind of run's cost as its probes measured it: ms per step and fixed, at n neurons */
interface KindCost {
  n: number;
  perStepMs: number;
  fixedMs: number;
}

/**
 * The time of an experiment, from probes of each kind of run (in a worker thread), added to its size
 * estimate. Runs are visited one seed's worth at a time (seeds cost alike), so a sweep of a million
 * runs is priced without making a million run specs.
 */
export async function estimateTime(spec: ExperimentSpec, size: SizeEstimate, opts: EstimateOptions): Promise<CostEstimate> {
  const { name: backendName } = probedBackend(opts.backend, opts.threads, size.runs);
  // one run per kind stands for the others in the probes
  const kinds = new Map<string, RunSpec>();
  await forEachSeedZero(spec, (run) => {
    if (!kinds.has(kindOf(run))) kinds.set(kindOf(run), run);
  }, opts.yieldEvery);
  // each kind's figures are measured once per machine and version (main/measurements.ts), where the
  // probes are the real ones (a test's prober measures something else)
  const cached = opts.prober ? {} : readMeasurements<KindCost>('estimates', '');
  const cacheKey = (r: RunSpec) => `${backendName}|${kindOf(r)}`;
  const reps = [...kinds.values()];
  const toProbe = reps.filter((r) => cached[cacheKey(r)] === undefined);
  const probed = toProbe.length > 0 ? await (opts.prober ?? probeInWorker)(toProbe.map((r) => ({ backend: backendName, runs: PROBE_FRACTIONS.map((f) => shortened(r, f)), repeats: PROBE_REPEATS }))) : [];
  const perKind = new Map<string, KindCost>();
  for (const r of reps) {
    const known = cached[cacheKey(r)];
    if (known) perKind.set(kindOf(r), known);
  }
  toProbe.forEach((r, i) => {
    const [ta, tb] = probed[i];
    const [a, b] = PROBE_FRACTIONS.map((f) => shortened(r, f));
    const sa = totalSteps(a);
    const sb = totalSteps(b);
    const perStepMs = tb > ta ? (tb - ta) / (sb - sa) : tb / sb;
    const k: KindCost = { n: a.network.n, perStepMs, fixedMs: Math.max(0, tb - perStepMs * sb) };
    perKind.set(kindOf(r), k);
    cached[cacheKey(r)] = k;
  });
  if (toProbe.length > 0 && !opts.prober) writeMeasurements('estimates', '', cached);
  let totalMs = 0;
  let runSeconds = 0;
  await forEachSeedZero(spec, (run) => {
    const p = perKind.get(kindOf(run))!;
    const ratio = run.network.n / p.n;
    const ms = p.perStepMs * totalSteps(run) * ratio ** 2 + p.fixedMs * (ratio > 1 ? ratio ** 3 : ratio);
    totalMs += ms * spec.sweep.seeds;
    runSeconds = Math.max(runSeconds, ms / 1000);
  }, opts.yieldEvery);
  return { ...size, seconds: STARTUP_SECONDS + totalMs / 1000 / size.concurrent, runSeconds };
}

/**
 * Called with what an experiment's runs took against their estimate: kept figures that priced it off
 * by more than a factor of 2 (probed while the machine was busy, or on a machine that changed since)
 * are dropped, so the next launch probes again rather than keep the error. True when dropped.
 */
export function checkEstimate(estimatedSeconds: number, measuredSeconds: number): boolean {
  if (!(estimatedSeconds > 0 && measuredSeconds > 0)) return false;
  const off = estimatedSeconds / measuredSeconds;
  if (off <= 2 && off >= 0.5) return false;
  writeMeasurements('estimates', '', {});
  return true;
}

/** The whole estimate: size, then time. */
export async function estimateCost(spec: ExperimentSpec, opts: EstimateOptions): Promise<CostEstimate> {
  return estimateTime(spec, await estimateSize(spec, opts), opts);
}

/** what the automatic choice is priced with: the default backend (the calibration picks one at least as fast) */
function defaultEstimateBackend(): string {
  try {
    return backendByName('wasm').name;
  } catch {
    return 'cpu';
  }
}

/** Memory this process may use: 80 % of what the system has available now. */
export function memoryBudget(): number {
  const available = typeof process.availableMemory === 'function' ? process.availableMemory() : freemem();
  return Math.floor(0.8 * available);
}

/** Bytes free on the file system that holds `path` (null when it cannot be told). */
export function freeDiskBytes(path: string): number | null {
  try {
    const s = statfsSync(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** "25 runs × 397 tasks: about 1.2 s on 2 threads; at most 36 MB per run, 330 MB at once; the archive grows by 0.8 MB" */
export function describeCost(c: CostEstimate): string {
  const archive = c.archiveBytes > 0 ? `; the archive grows by about ${formatBytes(c.archiveBytes)}` : '';
  return (
    `${plural(c.runs, 'run')} × ${plural(c.tasks, 'task')}: about ${formatSeconds(c.seconds)} on ${plural(c.threads, 'thread')} (${plural(c.concurrent, 'run')} at once; the longest run about ${formatSeconds(c.runSeconds)}); ` +
    `memory about ${formatBytes(c.peakBytesPerRun)} per run at most, ${formatBytes(c.peakBytes)} at once${archive}`
  );
}
