// Runs the runs of an experiment on a pool of worker threads (one per core by default), with
// progress, cancellation by AbortSignal, and results independent of the number of threads: each
// run is a pure function of its spec, and results are returned in run order.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CancelledError, QuenchError, type ErrorKind } from '../common/errors.js';
import type { RunResult, RunSpec } from '../common/results.js';
import { executeJobAsync, planJobs } from '../worker/batch.js';
import { backendByName, defaultBackendName } from '../worker/backends/registry.js';
import { runTasks } from '../worker/run.js';
import type { FromWorker, ToWorker } from '../worker/thread.js';
import { workUnits } from './run-shape.js';

export interface Progress {
  done: number;
  total: number;
  elapsedSeconds: number;
  runsPerSecond: number;
  /** null until the first run has finished */
  etaSeconds: number | null;
  /** the share of these runs' work made (workUnits), 0 to 1; runs another process makes leave it */
  workFraction: number;
}

export interface ScheduleOptions {
  /** worker threads; 0 runs in this thread (for debugging and small jobs) */
  threads?: number;
  /** one backend for every run (default: the registry's default) */
  backend?: string;
  /** a backend per run index (from chooseBackends); overrides `backend` for the runs it names */
  backendByRun?: ReadonlyMap<number, string>;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** called as each run finishes, in completion order: commit it before anything else can fail */
  onResult?: (r: RunResult) => void;
  /**
   * simulate runs that share a dense network (levels of one seed) together where the backend can
   * (worker/batch.ts; the results are the same bits either way). Default true.
   */
  batch?: boolean;
  /**
   * called just before each job (a run, or runs simulated together) starts: returns those of its runs
   * this process may make (db/claims.ts: others may be making the rest). Runs it leaves out are
   * skipped: never made, absent from the results. Default: every run.
   */
  claim?: (job: readonly RunSpec[]) => RunSpec[];
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** The compiled worker entry. Under vitest this module is TypeScript source and the worker is in dist/. */
export function workerEntry(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../dist/worker/thread.js', here) : new URL('../worker/thread.js', here);
  if (!existsSync(fileURLToPath(url))) {
    throw new QuenchError('internal', `the compiled worker ${fileURLToPath(url)} is missing: run \`npm run build\` first`);
  }
  return url;
}

/** how long a worker thread waits idle for the next runs before it ends */
export const IDLE_THREAD_MS = 15_000;

/**
 * Worker threads kept between runAll calls, and between them and the probes (main/probes.ts takes
 * and keeps its thread here too). A thread's first runs are several times slower than its later ones
 * (the engine's code is compiled while it runs; its first targets are computed), so experiments made
 * one after another in one process (the app, `quench serve`, several specs in one `quench run`), and
 * an experiment's runs after its probes, reuse warm threads. A thread is kept only after runs or
 * probes that all came back, never after a failure or a cancel; an idle thread does not keep the
 * process alive and ends after IDLE_THREAD_MS. A run's numbers do not depend on the thread or what
 * ran or was probed in it before (test/order.test.ts, main/probes.test.ts).
 */
const idleThreads: { entry: string; worker: Worker; timer: NodeJS.Timeout; onExit: () => void }[] = [];

/** an idle kept thread of `entry`'s, or a new one; referenced (it keeps the process alive while it works) */
export function takeThread(entry: URL): Worker {
  const at = idleThreads.findIndex((t) => t.entry === entry.href);
  if (at < 0) return new Worker(entry);
  const [t] = idleThreads.splice(at, 1);
  clearTimeout(t.timer);
  t.worker.off('exit', t.onExit);
  t.worker.off('error', ignore);
  t.worker.ref();
  return t.worker;
}

/** `worker`, whose work all came back, waits idle (unreferenced) for the next runs or probes */
export function keepThread(entry: URL, worker: Worker): void {
  const onExit = () => {
    const at = idleThreads.findIndex((t) => t.worker === worker);
    if (at >= 0) clearTimeout(idleThreads.splice(at, 1)[0].timer);
  };
  const timer = setTimeout(() => {
    onExit();
    void worker.terminate();
  }, IDLE_THREAD_MS);
  timer.unref();
  // a thread that fails or ends while idle leaves the pool
  worker.on('error', ignore);
  worker.once('exit', onExit);
  worker.unref();
  idleThreads.push({ entry: entry.href, worker, timer, onExit });
}

function ignore(): void {}

/** worker threads waiting idle for the next runs (for tests and diagnostics) */
export function idleThreadCount(): number {
  return idleThreads.length;
}

/** Ends the idle worker threads now (a process that is about to exit needs not call it). */
export async function closeIdleThreads(): Promise<void> {
  const all = idleThreads.splice(0);
  for (const t of all) clearTimeout(t.timer);
  await Promise.all(all.map((t) => t.worker.terminate()));
}

/**
 * The runs' work made and left (workUnits), for the ETA: the time so far times the work left over
 * the work made (main/experiments.ts weighs it against the estimate while little is made). A count
 * of runs misleads where runs differ in size: a size sweep's large runs come last, and its ETA by
 * count ran low to the end (0.48 s shown for 1.02 s left at 22 of 24 runs).
 */
function workProgress(runs: readonly RunSpec[], weightOf: (run: RunSpec) => number) {
  const weight = new Map(runs.map((r) => [r.index, weightOf(r)]));
  let left = 0;
  for (const w of weight.values()) left += w;
  let made = 0;
  // runs neither made nor skipped: none left is an ETA of 0, whatever the sums' rounding says
  let runsLeft = runs.length;
  return {
    /** runs another process makes (ScheduleOptions.claim): not this process's to wait for */
    skipped(skip: readonly RunSpec[]): void {
      for (const r of skip) left -= weight.get(r.index) ?? 0;
      runsLeft -= skip.length;
    },
    finished(index: number): void {
      const w = weight.get(index) ?? 0;
      made += w;
      left -= w;
      runsLeft--;
    },
    eta(elapsedSeconds: number): number | null {
      if (runsLeft <= 0) return 0;
      return made > 0 ? (elapsedSeconds * Math.max(0, left)) / made : null;
    },
    fraction(): number {
      if (runsLeft <= 0) return 1;
      return made > 0 ? made / (made + Math.max(0, left)) : 0;
    },
  };
}

/** the runs of `all` that a claim left out of `job` */
function leftOut(all: readonly RunSpec[], job: readonly RunSpec[]): RunSpec[] {
  if (job.length === all.length) return [];
  const kept = new Set(job.map((r) => r.index));
  return all.filter((r) => !kept.has(r.index));
}

function progressOf(done: number, total: number, started: number, work: ReturnType<typeof workProgress>): Progress {
  const elapsedSeconds = (performance.now() - started) / 1000;
  const runsPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  return {
    done,
    total,
    elapsedSeconds,
    runsPerSecond,
    etaSeconds: done > 0 ? work.eta(elapsedSeconds) : null,
    workFraction: work.fraction(),
  };
}

export async function runAll(runs: readonly RunSpec[], opts: ScheduleOptions = {}): Promise<RunResult[]> {
  const fallback = opts.backend ?? defaultBackendName();
  const backendOf = (r: RunSpec) => opts.backendByRun?.get(r.index) ?? fallback;
  // fail early, in words, if a backend does not exist here
  const used = [...new Set(runs.map(backendOf))].map(backendByName);
  // a backend that loads in one thread only (headless GL, probed here already) runs in this thread;
  // one that splits each run across threads (wasm-split) leaves room for its helpers
  const perRun = Math.max(1, ...used.map((b) => b.threadsPerRun ?? 1));
  const threads = used.some((b) => b.oneThread) ? 0 : Math.min(Math.max(1, Math.floor((opts.threads ?? defaultThreads()) / perRun)), runs.length);
  if (opts.signal?.aborted) throw new CancelledError();
  // in plan order: started largest first, a size sweep's large runs ran two at once and each took
  // longer (their features, targets and N x N matrices share the L3): N = 100 ... 800, 24 runs,
  // 7.35-7.93 s against 6.32-6.55 s in plan order, where a large run mostly shares the machine with
  // small ones
  const jobs = planJobs(runs, backendOf, (name) => opts.batch !== false && backendByName(name).simulateRateBatch !== undefined);
  const work = workProgress(runs, runWeights());
  return threads <= 0 ? runInline(runs, jobs, backendOf, opts, work) : runPool(runs, jobs, backendOf, Math.min(threads, jobs.length), opts, work);
}

/** A run's work (workUnits), with its suite's task count built once per suite */
export function runWeights(): (run: RunSpec) => number {
  const tasks = new Map<string, number>();
  const tasksOf = (run: RunSpec) => {
    const key = JSON.stringify([run.suite, run.input.channels]);
    let k = tasks.get(key);
    if (k === undefined) {
      // a suite that cannot be built is the run's own failure, reported by its thread with its index
      try {
        k = runTasks(run).length;
      } catch {
        k = 0;
      }
      tasks.set(key, k);
    }
    return k;
  };
  return (run) => workUnits(run, tasksOf(run));
}

async function runInline(runs: readonly RunSpec[], jobs: RunSpec[][], backendOf: (r: RunSpec) => string, opts: ScheduleOptions, work: ReturnType<typeof workProgress>): Promise<RunResult[]> {
  const started = performance.now();
  const results: (RunResult | undefined)[] = new Array(runs.length);
  const byIndex = new Map(runs.map((r, i) => [r.index, i]));
  let done = 0;
  let cancelled = false;
  // a simulation awaited from a GPU host can take a while: a cancel does not wait for it (its result is dropped)
  const aborted = new Promise<never>((_, reject) => {
    opts.signal?.addEventListener('abort', () => reject(new CancelledError(`cancelled after ${done} of ${runs.length} runs`)), { once: true });
  });
  aborted.catch(() => {});
  try {
    for (const all of jobs) {
      // let an abort (or a progress redraw) in between jobs
      await new Promise((r) => setImmediate(r));
      if (opts.signal?.aborted) throw new CancelledError();
      const job = opts.claim ? opts.claim(all) : all;
      work.skipped(leftOut(all, job));
      if (job.length === 0) continue;
      const running = executeJobAsync(job, backendByName(backendOf(job[0])), (result) => {
        if (cancelled) return;
        results[byIndex.get(result.index)!] = result;
        done++;
        work.finished(result.index);
        opts.onResult?.(result);
        opts.onProgress?.(progressOf(done, runs.length, started, work));
      }, opts.signal);
      await Promise.race([running, aborted]);
    }
  } catch (err) {
    cancelled = true;
    throw err;
  }
  return results.filter((r): r is RunResult => r !== undefined);
}

function runPool(runs: readonly RunSpec[], jobs: RunSpec[][], backendOf: (r: RunSpec) => string, threads: number, opts: ScheduleOptions, work: ReturnType<typeof workProgress>): Promise<RunResult[]> {
  const entry = workerEntry();
  const started = performance.now();
  const results: (RunResult | undefined)[] = new Array(runs.length);
  const byIndex = new Map(runs.map((r, i) => [r.index, i]));
  let next = 0;
  let done = 0;
  // runs another process claimed first (ScheduleOptions.claim): never made here
  let skipped = 0;
  let settled = false;
  const workers: { worker: Worker; onMessage: (msg: FromWorker) => void; onError: (err: Error) => void; onExit: (code: number) => void }[] = [];

  return new Promise<RunResult[]>((resolve, reject) => {
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const { worker, onMessage, onError, onExit } of workers) {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        // after a failure or a cancel a thread may still be making a run: it ends
        if (err) void worker.terminate();
        else keepThread(entry, worker);
      }
      if (err) reject(err);
      else resolve(results.filter((r): r is RunResult => r !== undefined));
    };
    const onAbort = () => finish(new CancelledError(`cancelled after ${done} of ${runs.length} runs`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    // runs still to come back from each worker's current job
    const pending = new Map<Worker, number>();
    const feed = (w: Worker) => {
      while (next < jobs.length) {
        const all = jobs[next++];
        let job: RunSpec[] = all;
        try {
          if (opts.claim) job = opts.claim(all);
        } catch (err) {
          finish(err as Error);
          return;
        }
        skipped += all.length - job.length;
        work.skipped(leftOut(all, job));
        if (job.length === 0) continue;
        pending.set(w, job.length);
        const msg: ToWorker = { type: 'job', runs: job, backend: backendOf(job[0]) };
        w.postMessage(msg);
        return;
      }
      pending.set(w, 0);
      // nothing left to start: done when no worker has a job out
      if ([...pending.values()].every((n) => n <= 0) && done + skipped === runs.length) finish();
    };

    for (let t = 0; t < threads; t++) {
      // every job was claimed elsewhere before this thread got one: no thread is needed any more
      if (settled) break;
      const w = takeThread(entry);
      const onMessage = (msg: FromWorker) => {
        if (settled) return;
        if (msg.type === 'error') {
          finish(new QuenchError(msg.kind as ErrorKind, `run ${msg.index} failed: ${msg.message}`));
          return;
        }
        if (msg.type !== 'result') return finish(new QuenchError('internal', `a run worker answered a probe (${msg.type})`));
        const slot = byIndex.get(msg.index);
        if (slot === undefined) return finish(new QuenchError('internal', `worker returned unknown run ${msg.index}`));
        results[slot] = msg.result;
        done++;
        work.finished(msg.index);
        try {
          opts.onResult?.(msg.result);
          opts.onProgress?.(progressOf(done, runs.length, started, work));
        } catch (err) {
          return finish(err as Error);
        }
        if (done + skipped === runs.length) finish();
        else {
          const left = (pending.get(w) ?? 1) - 1;
          pending.set(w, left);
          if (left <= 0) feed(w);
        }
      };
      const onError = (err: Error) => finish(new QuenchError('internal', `worker thread crashed: ${err.message}`));
      // a thread never ends by itself: one that ends while runs are out (even with code 0) fails them
      const onExit = (code: number) => {
        if (!settled) finish(new QuenchError('internal', `worker thread exited with code ${code}`));
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      workers.push({ worker: w, onMessage, onError, onExit });
      feed(w);
    }
  });
}
