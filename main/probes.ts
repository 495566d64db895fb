// Runs probes (worker/probe.ts) in a worker thread: the backend calibration and the cost estimate
// time shortened runs there, so the thread that answers the user (the CLI's progress, the server's
// requests) is never held by them. The thread is one of the scheduler's (main/scheduler.ts
// takeThread): a warm one kept from earlier runs or probes where there is one, and kept for the runs
// and probes that follow. A new thread's first runs are slow while the engine's code compiles (a
// first-ever experiment's probes took about 0.35 s, mostly that); its runs then start on the
// thread the probes warmed (heterogeneity-gain's first-ever runs 1.1-1.3 s against 0.95 s).
import type { Worker } from 'node:worker_threads';
import { QuenchError, type ErrorKind } from '../common/errors.js';
import type { RunSpec } from '../common/results.js';
import type { ProbeKind } from '../worker/probe.js';
import type { FromWorker, ToWorker } from '../worker/thread.js';
import { keepThread, takeThread, workerEntry } from './scheduler.js';

export interface ProbeRequest {
  backend: string;
  runs: RunSpec[];
  repeats: number;
  /** the phases of whole runs (the default: the cost estimate; PHASES numbers per run) or the backend's kernels (the calibration; one per run) */
  kind?: ProbeKind;
}

/** Times each request's runs, one request after the other, in one worker thread; ms per run (per run and phase for the phases). */
export type Prober = (requests: readonly ProbeRequest[]) => Promise<number[][]>;

/** probes one at a time: a second caller waits for the first (timings must not share the thread) */
let queue: Promise<unknown> = Promise.resolve();

function release(w: Worker, failed: boolean): void {
  if (failed) void w.terminate();
  else keepThread(workerEntry(), w);
}

function probeOnce(requests: readonly ProbeRequest[]): Promise<number[][]> {
  if (requests.length === 0) return Promise.resolve([]);
  const w = takeThread(workerEntry());
  const out: number[][] = [];
  return new Promise<number[][]>((resolve, reject) => {
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const settle = (failed: boolean, fn: () => void) => {
      cleanup();
      release(w, failed);
      fn();
    };
    const next = () => {
      const i = out.length;
      if (i === requests.length) return settle(false, () => resolve(out));
      const r = requests[i];
      w.postMessage({ type: 'probe', id: i, runs: r.runs, backend: r.backend, repeats: r.repeats, kind: r.kind } satisfies ToWorker);
    };
    const onMessage = (m: FromWorker) => {
      if (m.type === 'probed') {
        out.push(m.ms);
        next();
      } else if (m.type === 'probe-error') settle(true, () => reject(new QuenchError(m.kind as ErrorKind, `probing backend ${requests[m.id].backend}: ${m.message}`)));
    };
    const onError = (err: Error) => settle(true, () => reject(new QuenchError('internal', `the probe thread crashed: ${err.message}`)));
    const onExit = (code: number) => settle(true, () => reject(new QuenchError('internal', `the probe thread exited with code ${code}`)));
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    next();
  });
}

export const probeInWorker: Prober = (requests) => {
  const mine = queue.then(() => probeOnce(requests));
  queue = mine.catch(() => undefined);
  return mine;
};
