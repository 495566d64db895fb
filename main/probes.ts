// Runs probes (worker/probe.ts) in a worker thread of its own: the backend calibration and the cost
// estimate time shortened runs there, so the thread that answers the user (the CLI's progress, the
// server's requests) is never held by them.
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
  /** whole runs (the default: the cost estimate) or the backend's kernels (the calibration) */
  kind?: ProbeKind;
}

/** Times each request's runs, one request after the other, in one worker thread; ms per run. */
export type Prober = (requests: readonly ProbeRequest[]) => Promise<number[][]>;

export const probeInWorker: Prober = (requests) => {
  if (requests.length === 0) return Promise.resolve([]);
  const w = new Worker(workerEntry());
  const out: number[][] = [];
  return new Promise<number[][]>((resolve, reject) => {
    const settle = (fn: () => void) => {
      void w.terminate();
      fn();
    };
    const next = () => {
      const i = out.length;
      if (i === requests.length) return settle(() => resolve(out));
      const r = requests[i];
      w.postMessage({ type: 'probe', id: i, runs: r.runs, backend: r.backend, repeats: r.repeats, kind: r.kind } satisfies ToWorker);
    };
    w.on('message', (m: FromWorker) => {
      if (m.type === 'probed') {
        out.push(m.ms);
        next();
      } else if (m.type === 'probe-error') settle(() => reject(new QuenchError(m.kind as ErrorKind, `probing backend ${requests[m.id].backend}: ${m.message}`)));
    });
    w.on('error', (err) => settle(() => reject(new QuenchError('internal', `the probe thread crashed: ${err.message}`))));
    w.on('exit', (code) => {
      if (out.length < requests.length) reject(new QuenchError('internal', `the probe thread exited with code ${code}`));
    });
    next();
  });
};
