// Worker-thread entry: receives resolved runs, answers with results. No Electron, DOM or database.
import { parentPort } from 'node:worker_threads';
import type { RunResult, RunSpec } from '../common/results.js';
import { backendByName } from './backends/registry.js';
import { executeRun } from './run.js';

export type ToWorker = { type: 'run'; run: RunSpec; backend: string };
export type FromWorker =
  | { type: 'result'; index: number; result: RunResult }
  | { type: 'error'; index: number; message: string; kind: string };

if (!parentPort) throw new Error('worker/thread.ts must run as a worker thread');
const port = parentPort;
port.on('message', (msg: ToWorker) => {
  try {
    const result = executeRun(msg.run, backendByName(msg.backend));
    port.postMessage({ type: 'result', index: msg.run.index, result } satisfies FromWorker);
  } catch (err) {
    const e = err as Error & { kind?: string };
    port.postMessage({ type: 'error', index: msg.run.index, message: e.message ?? String(err), kind: e.kind ?? 'internal' } satisfies FromWorker);
  }
});
