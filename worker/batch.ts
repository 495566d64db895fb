// Runs that differ only in their time constants (the levels of a heterogeneity sweep, one seed) share
// W, U, b and their input. On a backend that batches (the one-thread WebAssembly ones), the dense
// ones are simulated together, up to BATCH_STREAMS at a time, W read once per step for all of them:
// each run's features are the bits its own simulation gives (worker/batch.test.ts), so batching
// never changes a result. Their readouts then run one by one.
import type { RunResult, RunSpec } from '../common/results.js';
import { BATCH_STREAMS, type Backend } from './backends/backend.js';
import { DENSE_ABOVE } from './models/rate.js';
import { executePrepared, finishRun, prepareRun, sameBits, stateNoiseSeed, type PreparedRun } from './run.js';

/** a batch's features, all streams together, stay under this (about four runs of N = 1000, T = 10 000) */
const BATCH_BYTES = 512 * 2 ** 20;

/**
 * Runs with equal keys may share a simulation: rate networks with dense W, equal in everything but
 * their time-constant distribution (the worker still checks that the built arrays are equal). null:
 * the run is simulated on its own.
 */
export function batchKey(run: RunSpec): string | null {
  if (run.network.model.kind !== 'rate' || !(run.network.p > DENSE_ABOVE)) return null;
  const { heterogeneity: _tau, ...network } = run.network;
  return JSON.stringify({ network, seeds: run.seeds, input: run.input });
}

/** how many runs like this one fit in a batch */
export function batchSize(run: RunSpec): number {
  const s = run.input.segments;
  const featureBytes = (s.washout + s.train + s.validation + s.test) * run.network.n * 8;
  return Math.max(1, Math.min(BATCH_STREAMS, Math.floor(BATCH_BYTES / featureBytes)));
}

/**
 * Cuts runs into jobs: groups of runs with one batch key and backend (at most batchSize each), the
 * others alone. A group is placed where its first run was; the runs within keep their order.
 */
export function planJobs(runs: readonly RunSpec[], backendOf: (r: RunSpec) => string, batching: (backend: string) => boolean): RunSpec[][] {
  const jobs: RunSpec[][] = [];
  const open = new Map<string, RunSpec[]>();
  for (const run of runs) {
    const backend = backendOf(run);
    const key = batching(backend) ? batchKey(run) : null;
    if (key === null) {
      jobs.push([run]);
      continue;
    }
    const k = `${backend}\n${key}`;
    let job = open.get(k);
    if (!job || job.length >= batchSize(run)) {
      job = [];
      open.set(k, job);
      jobs.push(job);
    }
    job.push(run);
  }
  return jobs;
}

/** whether two prepared runs simulate the same system but for tau (then one batch can hold both) */
function shareSimulation(a: PreparedRun, b: PreparedRun): boolean {
  return (
    a.steps === b.steps &&
    a.net.n === b.net.n &&
    a.net.d === b.net.d &&
    JSON.stringify(a.run.network.model) === JSON.stringify(b.run.network.model) &&
    stateNoiseSeed(a.run) === stateNoiseSeed(b.run) &&
    sameBits(a.net.w, b.net.w) &&
    sameBits(a.net.u, b.net.u) &&
    sameBits(a.net.b, b.net.b) &&
    sameBits(a.input, b.input)
  );
}

/** Runs a job (planJobs), handing each run's result to onResult as it is ready. */
export function executeJob(runs: readonly RunSpec[], backend: Backend, onResult: (r: RunResult) => void): void {
  const prepared = runs.map(prepareRun);
  const [first] = prepared;
  const model = first.run.network.model;
  const batched =
    prepared.length > 1 &&
    prepared.length <= BATCH_STREAMS &&
    backend.simulateRateBatch !== undefined &&
    model.kind === 'rate' &&
    first.net.density > DENSE_ABOVE &&
    prepared.every((p) => shareSimulation(first, p));
  if (!batched || model.kind !== 'rate') {
    for (const p of prepared) onResult(executePrepared(p, backend));
    return;
  }
  const t = performance.now();
  const features = backend.simulateRateBatch!(model, first.net, prepared.map((p) => p.net.tau), first.input, first.steps, stateNoiseSeed(first.run), true);
  const share = (performance.now() - t) / prepared.length;
  prepared.forEach((p, q) => onResult(finishRun(p, backend, features[q], null, share)));
}

/**
 * executeJob, for any backend: one whose simulation is awaited from elsewhere (simulateRateAsync,
 * the GPU host's) runs its rate runs one by one through it; the others as executeJob.
 */
export async function executeJobAsync(runs: readonly RunSpec[], backend: Backend, onResult: (r: RunResult) => void, signal?: AbortSignal): Promise<void> {
  if (!backend.simulateRateAsync) return executeJob(runs, backend, onResult);
  for (const run of runs) {
    const p = prepareRun(run);
    const model = run.network.model;
    if (model.kind !== 'rate') {
      onResult(executePrepared(p, backend));
      continue;
    }
    const t = performance.now();
    const features = await backend.simulateRateAsync(model, p.net, p.input, p.steps, stateNoiseSeed(run), signal);
    onResult(finishRun(p, backend, features, null, performance.now() - t));
  }
}
