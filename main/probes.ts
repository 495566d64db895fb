// Runs probes (worker/probe.ts) in a worker thread of its own: the backend calibration and the cost
// estimate time shortened runs there, so the thread that answers the user (the CLI's progress, the
// server's requests) is never held by them. One probe thread serves the probes that come close
// together (the estimate's, then the calibration's, of one launch): starting a thread and compiling
// the WebAssembly kernels in it costs more than a kernel probe (about 60 ms against a few ms here),
// so it stays for IDLE_MS after its last answer, unreferenced while idle (it never keeps the process
// alive then; while it probes, it does: the caller is waiting for it).
import { Worker } from 'node:worker_threads';
import { QuenchError, type ErrorKind } from '../common/errors.js';
import type { RunSpec } from '../common/results.js';
import type { ProbeKind } from '../worker/probe.js';
import type { FromWorker, ToWorker } from '../worker/thread.js';
import { workerEntry } from './scheduler.js';

export interface ProbeRequest {
  backend: string;
  runs: RunSpec[];
  repeats: number;
  /** the phases of whole runs (the default: the cost estimate; PHASES numbers per run) or the backend's kernels (the calibration; one per run) */
  kind?: ProbeKind;
}

/** Times each request's runs, one request after the other, in one worker thread; ms per run (per run and phase for the phases). */
export type Prober = (requests: readonly ProbeRequest[]) => Promise<number[][]>;

/** how long the probe thread waits for more probes before it ends */
const IDLE_MS = 2000;

let thread: { worker: Worker; idle: NodeJS.Timeout | null } | null = null;
/** probes one at a time: a second caller waits for the first (timings must not share the thread) */
let queue: Promise<unknown> = Promise.resolve();

function probeThread(): Worker {
  if (thread) {
    if (thread.idle) clearTimeout(thread.idle);
    thread.idle = null;
    thread.worker.ref();
    return thread.worker;
  }
  const worker = new Worker(workerEntry());
  const mine = { worker, idle: null as NodeJS.Timeout | null };
  thread = mine;
  // a thread that failed or exited is not handed out again
  const forget = () => {
    if (thread === mine) thread = null;
  };
  worker.on('error', forget);
  worker.on('exit', forget);
  return worker;
}

function release(w: Worker, failed: boolean): void {
  if (!thread || thread.worker !== w) return;
  if (failed) {
    thread = null;
    void w.terminate();
    return;
  }
  const mine = thread;
  w.unref();
  mine.idle = setTimeout(() => {
    if (thread === mine) thread = null;
    void w.terminate();
  }, IDLE_MS);
  mine.idle.unref();
}

function probeOnce(requests: readonly ProbeRequest[]): Promise<number[][]> {
  if (requests.length === 0) return Promise.resolve([]);
  const w = probeThread();
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

/** Ends the probe thread now if it is idle (after the probes queued so far): for a host that is done with probing. */
export async function closeProbeThread(): Promise<void> {
  await queue;
  const t = thread;
  if (!t) return;
  thread = null;
  if (t.idle) clearTimeout(t.idle);
  await t.worker.terminate();
}

export const probeInWorker: Prober = (requests) => {
  const mine = queue.then(() => probeOnce(requests));
  queue = mine.catch(() => undefined);
  return mine;
};
