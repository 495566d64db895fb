// Batched simulation (worker/batch.ts): runs that share a dense network are pushed through W
// together, and nothing about a result may change because of it.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { ExperimentSchema, NetworkSchema, RateModelSchema } from '../common/spec.js';
import type { RunResult } from '../common/results.js';
import { planRuns } from '../main/plan.js';
import { runAll } from '../main/scheduler.js';
import type { Backend } from './backends/backend.js';
import { availableBackends } from './backends/registry.js';
import { batchKey, executeJob, planJobs } from './batch.js';
import { generateInput } from './inputs.js';
import { buildNetwork } from './network.js';
import { drawTaus } from './heterogeneity.js';
import { executeRun } from './run.js';

const batching = availableBackends().filter((b) => b.simulateRateBatch);

function identical(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** the fixture experiment with a dense network: 2 levels x 3 seeds */
function denseExperiment(n = 24, levels = [{ family: 'none' }, { family: 'lognormal', cv: 1 }, { family: 'gamma', cv: 0.5 }, { family: 'lognormal', cv: 2 }, { family: 'uniform', cv: 0.3 }]) {
  const raw = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8'));
  raw.network = { n, p: 1 };
  raw.sweep = { heterogeneity: levels, seeds: 2 };
  return ExperimentSchema.parse(raw);
}

describe('batched rate simulation', () => {
  it('there is a backend that batches wherever WebAssembly is built, and no split backend does', () => {
    const names = availableBackends().map((b) => b.name);
    if (names.includes('wasm')) expect(batching.map((b) => b.name)).toContain('wasm');
    for (const b of batching) expect(b.threadsPerRun ?? 1).toBe(1);
  });

  for (const backend of batching) {
    for (const [n, form, noise] of [[37, 'li', 0], [64, 'esn', 0.01], [203, 'li', 0.01], [42, 'esn', 0]] as const) {
      it(`${backend.name}: each stream has the bits of its own simulation (N = ${n}, ${form}, noise ${noise})`, () => {
        const spec = NetworkSchema.parse({ n, p: 1, heterogeneity: { family: 'lognormal', cv: 1 }, model: { kind: 'rate', form, noise } });
        const net = buildNetwork(spec, 3, 40 + n);
        const model = RateModelSchema.parse(spec.model);
        const input = generateInput([{ family: 'white' }, { family: 'sines' }, { family: 'coloured' }], 150, 9);
        const taus = [0.3, 1, 2, 0].map((cv, k) => (cv === 0 ? new Float64Array(n).fill(5) : drawTaus({ ...spec.heterogeneity, cv }, n, 5, 1, 100 + k).tau));
        for (const streams of [4, 3, 1]) {
          const batch = backend.simulateRateBatch!(model, net, taus.slice(0, streams), input, 150, 7);
          expect(batch).toHaveLength(streams);
          for (let q = 0; q < streams; q++) {
            const own = backend.simulateRate(model, { ...net, tau: taus[q] }, input, 150, 7);
            expect(own.some((v) => v !== 0)).toBe(true);
            expect(identical(batch[q], own)).toBe(true);
          }
        }
      });
    }
  }

  it('refuses what it cannot batch, in words', () => {
    if (!batching.length) return;
    const spec = NetworkSchema.parse({ n: 20, p: 0.1 });
    const net = buildNetwork(spec, 1, 1);
    const model = RateModelSchema.parse(spec.model);
    const input = generateInput([{ family: 'white' }], 10, 1);
    expect(() => batching[0].simulateRateBatch!(model, net, [net.tau], input, 10, 1)).toThrow(/dense networks/);
    const dense = buildNetwork(NetworkSchema.parse({ n: 20, p: 1 }), 1, 1);
    expect(() => batching[0].simulateRateBatch!(model, dense, Array(5).fill(dense.tau), input, 10, 1)).toThrow(/1 to 4 streams, not 5/);
  });
});

describe('jobs', () => {
  it('groups the levels of a seed, at most four to a job, and leaves sparse and LIF runs alone', () => {
    const runs = planRuns(denseExperiment());
    expect(runs).toHaveLength(10);
    const jobs = planJobs(runs, () => 'wasm', () => true);
    // 5 levels per seed: a job of four and one of one, per seed
    expect(jobs.map((j) => j.length).sort()).toEqual([1, 1, 4, 4]);
    for (const job of jobs) {
      expect(new Set(job.map((r) => r.seeds.network)).size).toBe(1);
      expect(new Set(job.map((r) => batchKey(r))).size).toBe(1);
    }
    expect(jobs.flat().map((r) => r.index).sort((a, b) => a - b)).toEqual(runs.map((r) => r.index));
    // a backend that does not batch, and a sparse experiment, get one run per job
    expect(planJobs(runs, () => 'cpu', (b) => b !== 'cpu').every((j) => j.length === 1)).toBe(true);
    const sparse = planRuns(ExperimentSchema.parse(JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8'))));
    expect(sparse.every((r) => batchKey(r) === null)).toBe(true);
  });

  it.runIf(batching.length > 0)('a job gives each run the result executeRun gives it, batched or not', () => {
    const runs = planRuns(denseExperiment(31));
    const jobs = planJobs(runs, () => batching[0].name, () => true);
    const scores = (rs: RunResult[]) => rs.map((r) => JSON.stringify([r.index, r.scores, r.summary, r.network]));
    // the backend, counting the streams it is given in batches
    const streams: number[] = [];
    const counted: Backend = {
      ...batching[0],
      simulateRateBatch: (model, net, taus, ...rest) => {
        streams.push(taus.length);
        return batching[0].simulateRateBatch!(model, net, taus, ...rest);
      },
    };
    const viaJobs: RunResult[] = [];
    for (const job of jobs) executeJob(job, counted, (r) => viaJobs.push(r));
    expect(streams).toEqual([4, 4]);
    const alone = runs.map((r) => executeRun(r, batching[0]));
    expect(scores(viaJobs.sort((a, b) => a.index - b.index))).toEqual(scores(alone));
    // runs of different seeds in one job do not share a simulation: each runs on its own
    const mixed: RunResult[] = [];
    executeJob([runs[0], runs[runs.length - 1]], counted, (r) => mixed.push(r));
    expect(streams).toEqual([4, 4]);
    expect(scores(mixed)).toEqual(scores([alone[0], alone[runs.length - 1]]));
  });

  it.runIf(batching.length > 0)('the pool gives the same results with and without batching, on 2 threads and inline', async () => {
    const runs = planRuns(denseExperiment(40));
    const backend = batching[0].name;
    const scores = (rs: RunResult[]) => JSON.stringify(rs.map((r) => [r.index, r.scores, r.summary]));
    const plain = await runAll(runs, { threads: 2, backend, batch: false });
    const progress: number[] = [];
    const batched = await runAll(runs, { threads: 2, backend, onProgress: (p) => progress.push(p.done) });
    const inline = await runAll(runs, { threads: 0, backend });
    expect(scores(batched)).toBe(scores(plain));
    expect(scores(inline)).toBe(scores(plain));
    expect(progress).toEqual(runs.map((_, i) => i + 1));
  });
});
