// A run's result may not depend on what ran before it in the same worker (issue 11: reused
// WebAssembly memory once handed stale refractory counters to the next LIF run). For every backend
// and both models, a shuffled sequence of different runs goes through one worker thread; each result
// must be the bits of the same run made in a worker of its own (fresh modules, fresh memory).
// QUENCH_BACKENDS=a,b restricts the backends (gl.test.ts runs this file for headless GL under Xvfb).
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { RunResult, RunSpec } from '../common/results.js';
import { ExperimentSchema, type ExperimentInput } from '../common/spec.js';
import { planRuns } from '../main/plan.js';
import { workerEntry } from '../main/scheduler.js';
import { availableBackends } from '../worker/backends/registry.js';
import { Rng } from '../worker/rng.js';
import type { FromWorker, ToWorker } from '../worker/thread.js';

const only = process.env.QUENCH_BACKENDS?.split(',');
const backends = availableBackends().filter((b) => !only || only.includes(b.name));

const base = {
  name: 'order',
  input: { channels: [{ family: 'white' }, { family: 'coloured' }], segments: { washout: 20, train: 200, validation: 60, test: 60 } },
  suite: {
    name: 'order',
    version: 1,
    families: [
      { family: 'delay', delays: [0, 1, 3, 7] },
      { family: 'product', delays: [0, 2] },
      { family: 'narma', orders: [5] },
      { family: 'xor', delays: [0, 1] },
    ],
  },
} satisfies Partial<ExperimentInput>;

/**
 * Runs that reach every path of the kernels: odd N and N with tails past the SIMD blocks, sparse and
 * dense storage (float32 on the -f32 backends), W = 0, scaled and pruned W, noise (rate: the kernel's
 * noise input; LIF: the TypeScript kernel), Dale's law, a job of levels that share one dense W
 * (batched where the backend batches), LIF runs calibrated to a firing rate and a realised-CV match.
 */
function cases(): RunSpec[][] {
  const jobs: RunSpec[][] = [];
  let index = 0;
  const add = (network: Record<string, unknown>, sweep: Record<string, unknown> = {}, asOneJob = false) => {
    const spec = ExperimentSchema.parse({ ...base, rootSeed: 11 + index, network, sweep });
    const runs = planRuns(spec).map((r) => ({ ...r, index: index++ }));
    if (asOneJob) jobs.push(runs);
    else for (const r of runs) jobs.push([r]);
  };
  add({ n: 37, p: 0.1, heterogeneity: { family: 'lognormal', cv: 1 } });
  add({ n: 45, p: 0.5, heterogeneity: { family: 'gamma', cv: 0.5 }, model: { kind: 'rate', form: 'esn', noise: 0.01 } });
  add({ n: 64, p: 0.5, manipulations: [{ op: 'removeRecurrence' }] });
  add({ n: 33, p: 1, heterogeneity: { family: 'uniform', cv: 0.5 }, manipulations: [{ op: 'scaleGain', factor: 2 }] });
  add({ n: 129, p: 0.05, heterogeneity: { family: 'lognormal', cv: 2 } });
  add({ n: 41, p: 0.2, heterogeneity: { family: 'lognormal', cv: 1 }, model: { kind: 'lif' } });
  add({ n: 50, p: 0.2, heterogeneity: { family: 'lognormal', cv: 1 }, model: { kind: 'lif' }, manipulations: [{ op: 'removeRecurrence' }] });
  add({ n: 30, p: 0.5, model: { kind: 'lif', noise: 0.05 } });
  add({ n: 64, p: 0.1, heterogeneity: { family: 'gamma', cv: 1 }, model: { kind: 'lif', dale: true }, manipulations: [{ op: 'prune', fraction: 0.5 }] });
  add({ n: 48, p: 0.5 }, { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 0.5 }, { family: 'lognormal', cv: 2 }] }, true);
  // firing-rate calibration: a search over simulations, each of which must not see the last
  add({ n: 40, p: 0.2, heterogeneity: { family: 'lognormal', cv: 1 }, model: { kind: 'lif', calibration: { target: 'homogeneous' } } });
  add({ n: 35, p: 0.2, heterogeneity: { family: 'gamma', cv: 1 }, model: { kind: 'lif', calibration: { target: 12, by: 'threshold' } } });
  // realised-CV matching
  add({ n: 39, p: 0.1, heterogeneity: { family: 'uniform', cv: 0.6, match: 'realised' } });
  return jobs;
}

/** what must not change: everything but the timings */
function fingerprint(r: RunResult): string {
  const { timings: _t, ...rest } = r;
  return JSON.stringify(rest);
}

const workers: Worker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
});

/** Posts the jobs one after another to one worker thread and collects every result. */
async function throughOneWorker(jobs: RunSpec[][], backend: string): Promise<Map<number, RunResult>> {
  const w = new Worker(workerEntry());
  workers.push(w);
  const out = new Map<number, RunResult>();
  try {
    for (const job of jobs) {
      await new Promise<void>((resolve, reject) => {
        let left = job.length;
        const onMessage = (m: FromWorker) => {
          if (m.type === 'error') {
            w.off('message', onMessage);
            reject(new Error(`run ${m.index} failed on ${backend}: ${m.message}`));
            return;
          }
          // this test sends jobs only, so no probe replies come (worker/probe.ts)
          if (m.type !== 'result') return;
          out.set(m.index, m.result);
          if (--left === 0) {
            w.off('message', onMessage);
            resolve();
          }
        };
        w.on('message', onMessage);
        w.postMessage({ type: 'job', runs: job, backend } satisfies ToWorker);
      });
    }
  } finally {
    await w.terminate();
  }
  return out;
}

/**
 * The same for a backend that loads in one thread of a process only (headless GL): the jobs run one
 * after another in a child process of their own, as the scheduler runs them in its own thread.
 */
function throughOneProcess(jobs: RunSpec[][], backend: string): Map<number, RunResult> {
  const script = `
    import { executeJob } from './dist/worker/batch.js';
    import { backendByName } from './dist/worker/backends/registry.js';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const out = [];
    for (const job of JSON.parse(text)) executeJob(job, backendByName(${JSON.stringify(backend)}), (r) => out.push(r));
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`the ${backend} child process failed: ${r.stderr}`);
  return new Map((JSON.parse(r.stdout) as RunResult[]).map((x) => [x.index, x]));
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rng = new Rng(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe('run order does not change results', () => {
  it('there are backends to test here', () => {
    expect(backends.length).toBeGreaterThan(0);
    if (!only) expect(backends.map((b) => b.name)).toContain('cpu');
  });

  for (const backend of backends) {
    it(`${backend.name}: two shuffled sequences through one worker give each run's fresh-worker bits`, async () => {
      const jobs = cases();
      const through = (js: RunSpec[][]) => (backend.oneThread ? Promise.resolve(throughOneProcess(js, backend.name)) : throughOneWorker(js, backend.name));
      // each job alone, in a worker (or process) of its own
      const fresh = new Map<number, RunResult>();
      for (const job of jobs) for (const [i, r] of await through([job])) fresh.set(i, r);
      const kinds = new Set([...fresh.values()].map((r) => r.factors.model));
      expect([...kinds].sort()).toEqual(['lif', 'rate']);
      // a W = 0 LIF run fires: the symptom of the stale-memory bug was a silenced network
      const silent = [...fresh.values()].filter((r) => r.network.meanRateHz !== null && r.network.meanRateHz < 1);
      expect(silent).toEqual([]);
      for (const seed of [1, 2]) {
        const seq = await through(shuffled(jobs, seed));
        expect(seq.size).toBe(fresh.size);
        for (const [i, r] of fresh) expect(fingerprint(seq.get(i)!), `run ${i} (${r.key}) after other runs, order ${seed}`).toBe(fingerprint(r));
      }
    }, 240_000);
  }
});
