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
// Time comes from a model of each phase of a run, a few terms each in what the phase's work grows
// with (phaseTerms): the simulation by a part per run, its neuron updates and its recurrent
// multiply-adds; the readout by its per-task, per-step scalar loops (targets, means, scores) and its
// multiply-adds (the Gram matrices, X'Y, the predictions, the eigen-decomposition, the ridge grid);
// the mechanisms by a per-neuron, per-step part and the spectra's N³ (none above SPECTRA_MAX_N).
// Each kind of run (kindOf: a rate run's form, noise and storage; a LIF run's parameters, storage
// and connectivity) is probed in a worker thread (main/probes.ts): a run of it shortened to half
// its segments (each at most 5000 steps), timed per phase at PROBE_MAX_N neurons (or the kind's
// largest N below it), a quarter and a sixteenth of that; each phase's coefficients are fitted to
// the largest of these, as many as it has terms. A run is priced by its own sizes, steps and tasks,
// and the total shared among the runs that go at once. The model before this one split each kind's
// time into a part per step scaled by N² and a fixed part scaled by N³, from two lengths at N = 100:
// the size-equivalence preset's run at N = 400 came out at 2.5 times its time (the readout's work
// grows with N K, not N², and its fixed part with K N², not N³), and the split of two short probes
// moved by a factor of 4 from one probe to the next. Fitted at N = 100, 25 and 6 (wasm, AMD EPYC), this model priced sweeps of
// N = 300 … 1200 (rate sparse and dense, LIF) at 0.9 … 1.3 times their times, every preset (one
// seed, one thread, five processes) at 0.61 … 1.22, and the readout alone at N = 800 at 0.76 … 1.26.
// A kind's figures are kept on disk (main/measurements.ts, per CPU model and app version): a later
// experiment with the same kinds of runs is priced without a probe.
import { statfsSync } from 'node:fs';
import { formatBytes, formatSeconds } from '../common/format.js';
import { freemem } from 'node:os';
import type { RunSpec } from '../common/results.js';
import type { ExperimentSpec } from '../common/spec.js';
import { backendByName } from '../worker/backends/registry.js';
import { PHASES } from '../worker/probe.js';
import { KEPT_TARGETS_BYTES, KEPT_W_EIGENVALUES_BYTES, runTasks } from '../worker/run.js';
import { calibrationSearch, hasSpectra, shapeOf, type RunShape } from './run-shape.js';
import { runAt, runCount } from './plan.js';
import { readMeasurements, writeMeasurements } from './measurements.js';
import { probeInWorker, type Prober } from './probes.js';
import { idleThreadCount } from './scheduler.js';

/** probes are small: the spectra (O(N³), computed for N <= 400) would otherwise dominate them */
export const PROBE_MAX_N = 100;
/** starting the worker threads and loading the engine in each, and their first runs' compilation */
export const STARTUP_SECONDS = 0.3;
/** a worker thread's own memory (the engine, its modules, V8), measured about 70 MB */
export const THREAD_BASE_BYTES = 70 * 2 ** 20;
/** the main process (the archive, the CLI or the server) */
export const PROCESS_BASE_BYTES = 120 * 2 ** 20;

/**
 * The process at its peak: its base, each worker thread's base and what it keeps between runs
 * (worker/run.ts: targets and W's eigenvalues, at most KEPT_TARGETS_BYTES and KEPT_W_EIGENVALUES_BYTES),
 * and the runs at once.
 */
export function peakAtOnce(threads: number, concurrent: number, perRun: number): number {
  return PROCESS_BASE_BYTES + Math.max(1, threads) * (THREAD_BASE_BYTES + KEPT_TARGETS_BYTES + KEPT_W_EIGENVALUES_BYTES) + concurrent * perRun;
}
/** what one run adds to the archive: its task scores (about 70 bytes each) and its rows and spec */
const ARCHIVE_BYTES_PER_TASK = 70;
const ARCHIVE_BYTES_PER_RUN = 1024;

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
  return 7 * n + (hasSpectra(run) ? 7 * 5 * n : 0) + 4 * tasks + 2000;
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
  /** the kept figures that priced it (keys of the measurements' 'estimates'): checkEstimate drops these alone */
  figures: string[];
}

/**
 * Runs of one kind cost alike per unit of their phases' terms; their sizes, steps, tasks and weights
 * are in the terms, so one probe serves every N. A rate run does the same work whatever its time
 * constants, gain and connectivity: its form, noise and storage are its kind. A LIF run's work
 * follows how often it spikes, which its parameters and connectivity (after the manipulations) set:
 * all of them are its kind, and whether its rate calibration searches (calibrationSearch).
 */
const kindOf = (run: RunSpec) => {
  const s = shapeOf(run, 0);
  const m = run.network.model;
  const storage = s.dense ? 'dense' : 'sparse';
  if (m.kind === 'rate') return `rate|${m.form}|${m.noise > 0 ? 'noisy' : 'quiet'}|${storage}`;
  return `lif|${storage}|density=${(s.nnz / (s.n * s.n)).toPrecision(2)}|${JSON.stringify(m)}${calibrationSearch(run) === 0 ? '|own twin' : ''}`;
};

/**
 * What each phase's time grows with (PHASES of them, worker/probe.ts), a few terms each:
 * - simulation: a part per run (the input, the network, the summary), the neuron updates T N, and
 *   the recurrent multiply-adds T nnz (T N² stored dense). An update costs about twenty
 *   multiply-adds, so at N = 100 the updates dominate and at N = 800 the weights: fitted with the
 *   two as one term, the run at N = 800 was priced at 2.5 to 4 times its simulation, and without
 *   the part per run at half of it;
 * - readout: the scalar loops over every task's steps K T, and the multiply-adds of its products:
 *   the training and validation Gram matrices (symmetric, N²/2 a step), X'Y on training and
 *   validation and the predictions on test (N K a step), the eigen-decomposition and Q (about
 *   6.5 N³), and per ridge value and for the weights and rotations (R + 3) K N²;
 * - mechanisms: a per-neuron, per-step part T N, and the spectra's N³ where the run computes them.
 */
export function phaseTerms(run: RunSpec, tasks: number): number[][] {
  const s = shapeOf(run, tasks);
  const seg = run.input.segments;
  const fit = run.factors.trainLength + seg.validation;
  const scored = fit + seg.test;
  const { n, steps: T } = s;
  const K = tasks;
  const R = run.readout.ridges.length;
  const products = (fit * n * n) / 2 + scored * n * K + 6.5 * n ** 3 + (R + 3) * K * n * n;
  return [
    [1, T * n, T * (s.dense ? n * n : s.nnz)],
    [K * T, products],
    [T * n, hasSpectra(run) ? n ** 3 : 0],
  ];
}

/** the least-squares coefficients of the columns `cols` of `terms` (null where they cannot be told apart) */
function leastSquares(terms: readonly (readonly number[])[], ms: readonly number[], cols: number[]): number[] | null {
  // each column scaled to 1 at its largest: the terms differ by eight orders of magnitude
  const scale = cols.map((c) => Math.max(...terms.map((t) => Math.abs(t[c]))));
  if (scale.some((x) => !(x > 0))) return null;
  const m = cols.length;
  // the normal equations, solved by elimination with partial pivoting
  const a = cols.map((ci, i) => [...cols.map((cj, j) => terms.reduce((s, t) => s + (t[ci] / scale[i]) * (t[cj] / scale[j]), 0)), terms.reduce((s, t, r) => s + (t[ci] / scale[i]) * ms[r], 0)]);
  for (let i = 0; i < m; i++) {
    let pivot = i;
    for (let r = i + 1; r < m; r++) if (Math.abs(a[r][i]) > Math.abs(a[pivot][i])) pivot = r;
    if (!(Math.abs(a[pivot][i]) > 1e-9)) return null;
    [a[i], a[pivot]] = [a[pivot], a[i]];
    for (let r = i + 1; r < m; r++) {
      const f = a[r][i] / a[i][i];
      for (let c = i; c <= m; c++) a[r][c] -= f * a[i][c];
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let s = a[i][m];
    for (let c = i + 1; c < m; c++) s -= a[i][c] * x[c];
    x[i] = s / a[i][i];
  }
  return x.map((v, i) => v / scale[i]);
}

/**
 * The coefficients c >= 0 of a phase's terms that fit the probes' times best (least squares over
 * every subset of the terms, the best whose coefficients are all >= 0): a noisy probe, or terms the
 * probes cannot tell apart, leave a term out rather than make it negative. On a tie the subset with
 * the highest-order term wins (it errs high on larger runs, not low).
 */
export function fitPhase(terms: readonly (readonly number[])[], ms: readonly number[]): number[] {
  const width = terms[0].length;
  let best: number[] = new Array<number>(width).fill(0);
  let bestResidual = Infinity;
  // subsets in descending order of their bit masks (bit i: term i): the last term's come first
  for (let mask = 2 ** width - 1; mask > 0; mask--) {
    const cols = [...Array(width).keys()].filter((i) => mask & (2 ** i));
    const x = leastSquares(terms, ms, cols);
    if (!x || x.some((v) => v < 0)) continue;
    const c = new Array<number>(width).fill(0);
    cols.forEach((col, i) => (c[col] = x[i]));
    const residual = terms.reduce((s, t, r) => s + (t.reduce((p, u, i) => p + c[i] * u, 0) - ms[r]) ** 2, 0);
    if (residual < bestResidual * (1 - 1e-9) - 1e-12) {
      best = c;
      bestResidual = residual;
    }
  }
  return best;
}

/** each probe the best of three per phase: a probe is short, and one pause of the machine (a collection, another process) would price the whole sweep */
const PROBE_REPEATS = 3;

/** a probe's segments: each half of the run's, at most PROBE_MAX_SEGMENT / 2 steps, at least 50 */
const PROBE_FRACTION = 0.5;
const PROBE_MAX_SEGMENT = 5000;

/** the run shortened to probe length at n neurons */
function shortened(run: RunSpec, n: number): RunSpec {
  const s = run.input.segments;
  const short = (x: number) => Math.max(50, Math.round(Math.min(x, PROBE_MAX_SEGMENT) * PROBE_FRACTION));
  const train = short(s.train);
  return {
    ...run,
    network: { ...run.network, n },
    factors: { ...run.factors, n, trainLength: Math.min(train, short(run.factors.trainLength)) },
    input: { ...run.input, segments: { washout: short(s.washout), train, validation: short(s.validation), test: short(s.test) } },
  };
}

/** a kind's probes: its largest run at PROBE_MAX_N neurons or fewer, at a quarter and at a sixteenth of that (each size once) */
function probeRuns(largest: RunSpec): RunSpec[] {
  const big = Math.min(largest.network.n, PROBE_MAX_N);
  const sizes = [...new Set([big, Math.round(big / 4), Math.round(big / 16)].map((n) => Math.max(1, n)))];
  return sizes.map((n) => shortened(largest, n));
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
    peakBytes: peakAtOnce(opts.threads, concurrent, top.memory.total),
    archiveBytes,
  };
}

/** a kind of run's cost as its probes measured it: ms per unit of each of its phases' terms (phaseTerms) */
type KindCost = number[][];

/** the kept figures' validity: figures of another model of the cost are not read */
export const ESTIMATES_VALIDITY = 'phase-terms-3';

/**
 * The time of an experiment, from probes of each kind of run (in a worker thread), added to its size
 * estimate. Runs are visited one seed's worth at a time (seeds cost alike), so a sweep of a million
 * runs is priced without making a million run specs.
 */
export async function estimateTime(spec: ExperimentSpec, size: SizeEstimate, opts: EstimateOptions): Promise<CostEstimate> {
  const { name: backendName } = probedBackend(opts.backend, opts.threads, size.runs);
  // the largest run of each kind stands for the others in the probes; of equal N, the one with the
  // most weights (a kind's probes at no weights, a removeRecurrence run's, could not price them); of
  // equal weights, the one whose rate calibration searches furthest (calibrationSearch: an estimate
  // that admits work errs on the long side)
  const kinds = new Map<string, RunSpec>();
  const larger = (a: RunSpec, b: RunSpec) => {
    if (a.network.n !== b.network.n) return a.network.n > b.network.n;
    const [na, nb] = [shapeOf(a, 0).nnz, shapeOf(b, 0).nnz];
    return na !== nb ? na > nb : calibrationSearch(a) > calibrationSearch(b);
  };
  await forEachSeedZero(spec, (run) => {
    const k = kindOf(run);
    const seen = kinds.get(k);
    if (!seen || larger(run, seen)) kinds.set(k, run);
  }, opts.yieldEvery);
  // each kind's figures are measured once per machine and version (main/measurements.ts), where the
  // probes are the real ones (a test's prober measures something else)
  const cached = opts.prober ? {} : readMeasurements<KindCost>('estimates', ESTIMATES_VALIDITY);
  const cacheKey = (k: string) => `${backendName}|${k}`;
  const toProbe = [...kinds].filter(([k]) => cached[cacheKey(k)] === undefined).map(([k, run]) => ({ k, runs: probeRuns(run) }));
  const probed = toProbe.length > 0 ? await (opts.prober ?? probeInWorker)(toProbe.map(({ runs }) => ({ backend: backendName, runs, repeats: PROBE_REPEATS, kind: 'phases' }))) : [];
  toProbe.forEach(({ k, runs }, i) => {
    const terms = runs.map((r) => phaseTerms(r, size.tasks));
    // each phase fitted to the largest probes, as many as it has terms: a smaller probe's shorter
    // rows cost more per multiply-add, and fitted with them the readout at N = 800 was priced at
    // 1.3 to 1.7 times its time (against 0.95 to 1.05 without)
    cached[cacheKey(k)] = Array.from({ length: PHASES }, (_, phase) => {
      const used = terms.slice(0, terms[0][phase].length);
      return fitPhase(
        used.map((t) => t[phase]),
        used.map((_, j) => probed[i][j * PHASES + phase]),
      );
    });
  });
  if (toProbe.length > 0 && !opts.prober) writeMeasurements('estimates', ESTIMATES_VALIDITY, cached);
  let totalMs = 0;
  let runSeconds = 0;
  await forEachSeedZero(spec, (run) => {
    const cost = cached[cacheKey(kindOf(run))];
    const ms = phaseTerms(run, size.tasks).reduce((sum, terms, phase) => sum + terms.reduce((s, u, i) => s + cost[phase][i] * u, 0), 0);
    totalMs += ms * spec.sweep.seeds;
    runSeconds = Math.max(runSeconds, ms / 1000);
  }, opts.yieldEvery);
  // the threads' start and first, slower runs: none where as many threads are kept warm from earlier
  // runs in this process (main/scheduler.ts; the probes price warm runs)
  const startup = idleThreadCount() >= size.concurrent ? 0 : STARTUP_SECONDS;
  return { ...size, seconds: startup + totalMs / 1000 / size.concurrent, runSeconds, figures: [...kinds.keys()].map(cacheKey) };
}

/**
 * Called with what an experiment's runs took against their estimate: kept figures that priced it at
 * more than twice its time (probed while the machine was busy) or under a quarter of it (a machine
 * that changed since) are dropped, so the next launch probes again rather than keep the error. An
 * experiment slower than priced by less than that keeps them: its runs met a busier machine, or
 * runs at once that share a core, than the probes (one short run at a time) did, and probes again
 * would measure what they did. On a two-core virtual machine (Intel Xeon) whose two threads made 1.0
 * to 1.8 times one thread's throughput, 36 preset runs took 0.87 to 2.4 times their estimate (before
 * calibrationSearch); dropped at twice, two of them made the next launches probe again (0.5 to 0.8 s
 * each). Only the figures that priced it are dropped: dropping every kind's made the next experiments
 * of other kinds probe again too. True when dropped.
 */
export function checkEstimate(estimate: Pick<CostEstimate, 'seconds' | 'figures'>, measuredSeconds: number): boolean {
  if (!(estimate.seconds > 0 && measuredSeconds > 0)) return false;
  const off = estimate.seconds / measuredSeconds;
  if (off <= 2 && off >= 0.25) return false;
  const kept = readMeasurements<KindCost>('estimates', ESTIMATES_VALIDITY);
  for (const key of estimate.figures) delete kept[key];
  writeMeasurements('estimates', ESTIMATES_VALIDITY, kept);
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
