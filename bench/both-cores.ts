// "Both cores, whole runs": the way a sweep uses the machine. One worker thread per core, each with
// its own network (its own seed) and its own input, all started together; the figure is the work
// of all threads over the wall time of the slowest. bench/run.ts sets these beside one run on one
// thread and one run split across the cores (the -split backends).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { backendByName } from '../worker/backends/registry.js';
import { generateInput } from '../worker/inputs.js';
import { simulateRate } from '../worker/models/rate.js';
import { buildNetwork } from '../worker/network.js';
import { Rng } from '../worker/rng.js';
import { fitReadout } from '../worker/readout.js';
import { D, CHANNELS, levelTaus, rateModel, rateSpec, readoutProblem } from './problems.js';

export type Job =
  | { kind: 'rate'; n: number; p: number; steps: number; backend: string; repeats: number }
  /** a batch of levels (bench/problems.ts levelTaus) through one W */
  | { kind: 'rate-batch'; n: number; p: number; steps: number; backend: string; repeats: number }
  | { kind: 'readout'; n: number; k: number; backend: string; repeats: number }
  /** the readout's X'Y product alone (n x n over 4096 steps), the FMA-bound kernel: how the cores share SIMD */
  | { kind: 'dot'; n: number; backend: string; repeats: number };

interface Start {
  job: Job;
  thread: number;
  /** [ready count, go flag] */
  sync: SharedArrayBuffer;
}

/** Builds the job's data, then runs it `repeats` times once every thread is ready. */
function prepare(job: Job, thread: number): () => void {
  const backend = backendByName(job.backend);
  if (job.kind === 'rate-batch') {
    const spec = rateSpec(job.n, job.p);
    const net = buildNetwork(spec, D, 1234 + job.n + 1000 * thread);
    const input = generateInput(CHANNELS, job.steps, 99 + thread);
    const model = rateModel(spec);
    const taus = levelTaus(spec, 5 + thread);
    backend.simulateRateBatch!(model, net, taus, input, 300, 1, true); // warm-up
    return () => {
      for (let i = 0; i < job.repeats; i++) backend.simulateRateBatch!(model, net, taus, input, job.steps, 1, true);
    };
  }
  if (job.kind === 'rate') {
    const spec = rateSpec(job.n, job.p);
    const net = buildNetwork(spec, D, 1234 + job.n + 1000 * thread);
    const input = generateInput(CHANNELS, job.steps, 99 + thread);
    const model = rateModel(spec);
    backend.simulateRate(model, net, input, 300, 1, true); // warm-up
    return () => {
      for (let i = 0; i < job.repeats; i++) backend.simulateRate(model, net, input, job.steps, 1, true);
    };
  }
  if (job.kind === 'dot') {
    const T = 4096;
    const ws = backend.workspace(2 * job.n * T + job.n * job.n, 3);
    const rng = new Rng(7 + thread);
    const a = ws.f64(job.n * T);
    const b = ws.f64(job.n * T);
    for (let i = 0; i < a.length; i++) [a[i], b[i]] = [rng.normal(), rng.normal()];
    const c = ws.f64(job.n * job.n);
    backend.dotRows(a, job.n, T, b, job.n, T, 0, T, false, c); // warm-up
    return () => {
      for (let i = 0; i < job.repeats; i++) backend.dotRows(a, job.n, T, b, job.n, T, 0, T, false, c);
    };
  }
  const T = 10000;
  const washout = 200;
  const spec = rateSpec(job.n, 0.1);
  const net = buildNetwork(spec, D, 4321 + 1000 * thread);
  const input = generateInput(CHANNELS, washout + T, 77 + thread);
  const features = simulateRate(rateModel(spec), net, input, washout + T, 1).slice(washout * job.n);
  const problem = readoutProblem(job.k, features, input, job.n, T, washout);
  fitReadout(backend, problem); // warm-up
  return () => {
    for (let i = 0; i < job.repeats; i++) fitReadout(backend, problem);
  };
}

/** Seconds for `threads` threads to do job.repeats each, started together. */
export async function bothCores(job: Job, threads: number): Promise<number> {
  const sync = new SharedArrayBuffer(8);
  const flags = new Int32Array(sync);
  const workers = Array.from({ length: threads }, (_, thread) => new Worker(new URL(import.meta.url), { workerData: { job, thread, sync } satisfies Start }));
  const done = workers.map(
    (w) =>
      new Promise<number>((resolve, reject) => {
        w.once('message', (m: { ok: boolean; seconds?: number; error?: string }) => (m.ok ? resolve(m.seconds!) : reject(new Error(m.error))));
        w.once('error', reject);
      }),
  );
  while (Atomics.load(flags, 0) < threads) await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
  await Promise.all(done);
  const wall = (performance.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  return wall;
}

if (!isMainThread && parentPort) {
  const { job, thread, sync } = workerData as Start;
  const flags = new Int32Array(sync);
  try {
    const work = prepare(job, thread);
    Atomics.add(flags, 0, 1);
    Atomics.wait(flags, 1, 0);
    const t0 = performance.now();
    work();
    parentPort.postMessage({ ok: true, seconds: (performance.now() - t0) / 1000 });
  } catch (err) {
    Atomics.add(flags, 0, 1);
    parentPort.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}
