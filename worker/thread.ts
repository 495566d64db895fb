// Worker-thread entry: receives resolved runs, answers with results. No Electron, DOM or database.
import { parentPort } from 'node:worker_threads';
import type { RunResult, RunSpec } from '../common/results.js';
import { executeJob } from './batch.js';
import { backendByName } from './backends/registry.js';
import { probe, type ProbeKind } from './probe.js';

/** a job: one run, or runs that share their simulation (worker/batch.ts); a probe: runs timed (worker/probe.ts) */
export type ToWorker = { type: 'job'; runs: RunSpec[]; backend: string } | { type: 'probe'; id: number; runs: RunSpec[]; backend: string; repeats: number; kind?: ProbeKind };
export type FromWorker =
  | { type: 'result'; index: number; result: RunResult }
  | { type: 'error'; index: number; message: string; kind: string }
  | { type: 'probed'; id: number; ms: number[] }
  | { type: 'probe-error'; id: number; message: string; kind: string };

if (!parentPort) throw new Error('worker/thread.ts must run as a worker thread');
const port = parentPort;
port.on('message', (msg: ToWorker) => {
  if (msg.type === 'probe') {
    try {
      port.postMessage({ type: 'probed', id: msg.id, ms: probe(msg.kind ?? 'phases', msg.runs, backendByName(msg.backend), msg.repeats) } satisfies FromWorker);
    } catch (err) {
      const e = err as Error & { kind?: string };
      port.postMessage({ type: 'probe-error', id: msg.id, message: e.message ?? String(err), kind: e.kind ?? 'internal' } satisfies FromWorker);
    }
    return;
  }
  const done = new Set<number>();
  try {
    executeJob(msg.runs, backendByName(msg.backend), (result) => {
      done.add(result.index);
      port.postMessage({ type: 'result', index: result.index, result } satisfies FromWorker);
    });
  } catch (err) {
    const e = err as Error & { kind?: string };
    const failed = msg.runs.find((r) => !done.has(r.index)) ?? msg.runs[0];
    port.postMessage({ type: 'error', index: failed.index, message: e.message ?? String(err), kind: e.kind ?? 'internal' } satisfies FromWorker);
  }
});
