// One run, start to finish, as a pure function of its RunSpec: inputs -> network -> simulation ->
// targets -> readout -> scores. The same spec gives the same numbers on the same backend.
import type { RunResult, RunSpec } from '../common/results.js';
import type { Backend } from './backends/backend.js';
import { generateInput } from './inputs.js';
import { retainedFraction } from './models/rate.js';
import { buildNetwork, spectralSummary } from './network.js';
import { fitReadout } from './readout.js';
import { deriveSeed } from './rng.js';
import { buildSuite, computeTargets } from './tasks.js';
import type { TaskDef } from './types.js';

/**
 * Above this size the exact eigenvalues of W (O(N^3), ~0.5 s at N = 400 in plain JavaScript) are not
 * computed for every run; rhoW/rhoEff are then null and the report says so.
 */
export const SPECTRA_MAX_N = 400;

export function totalSteps(run: RunSpec): number {
  const s = run.input.segments;
  return s.washout + s.train + s.validation + s.test;
}

export function runTasks(run: RunSpec): TaskDef[] {
  return buildSuite(run.suite, run.input.channels);
}

export function executeRun(run: RunSpec, backend: Backend): RunResult {
  const t0 = performance.now();
  const seg = run.input.segments;
  const steps = totalSteps(run);
  const d = run.input.channels.length;
  const input = generateInput(run.input.channels, steps, run.seeds.input);
  const net = buildNetwork(run.network, d, run.seeds.network);
  const model = run.network.model;

  let features: Float64Array;
  let meanRateHz: number | null = null;
  if (model.kind === 'rate') {
    // the features are done with once the readout is: their memory can serve the next run
    features = backend.simulateRate(model, net, input, steps, deriveSeed(run.seeds.input, 'state-noise'), true);
  } else {
    const lif = backend.simulateLif(model, net, input, steps, deriveSeed(run.seeds.input, 'lif'), true);
    features = lif.features;
    meanRateHz = lif.meanRateHz;
  }
  const t1 = performance.now();

  const tasks = runTasks(run);
  const targets = computeTargets(tasks, input, steps, d);
  const trainStart = seg.washout;
  const valStart = seg.washout + seg.train;
  const testStart = valStart + seg.validation;
  const scores = fitReadout(backend, {
    features,
    n: net.n,
    steps,
    targets,
    k: tasks.length,
    classification: tasks.map((t) => t.classification),
    // the data-efficiency sweep trains on the first L steps so validation and test stay the same
    train: { start: trainStart, end: trainStart + run.factors.trainLength },
    validation: { start: valStart, end: testStart },
    test: { start: testStart, end: testStart + seg.test },
    ridges: run.readout.ridges,
  });
  const t2 = performance.now();

  let rhoW: number | null = null;
  let rhoEff: number | null = null;
  if (net.n <= SPECTRA_MAX_N) {
    const s = spectralSummary(net, model.kind === 'rate' ? retainedFraction(model, net.tau) : null, backend.eigenvalues?.bind(backend));
    rhoW = s.rhoW;
    rhoEff = s.rhoEff;
  }

  const perFamily: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let total = 0;
  let r2Sum = 0;
  tasks.forEach((t, i) => {
    perFamily[t.family] = (perFamily[t.family] ?? 0) + scores.capacity[i];
    counts[t.family] = (counts[t.family] ?? 0) + 1;
    total += scores.capacity[i];
    r2Sum += scores.r2[i];
  });
  for (const f of Object.keys(perFamily)) perFamily[f] /= counts[f];
  const nullable = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));

  return {
    index: run.index,
    key: run.key,
    condition: run.condition,
    factors: run.factors,
    seeds: run.seeds,
    backend: backend.name,
    summary: {
      tasks: tasks.length,
      meanCapacity: total / tasks.length,
      totalCapacity: total,
      meanR2: r2Sum / tasks.length,
      perFamily,
    },
    scores: {
      r2: Array.from(scores.r2),
      capacity: Array.from(scores.capacity),
      nrmse: nullable(scores.nrmse),
      accuracy: nullable(scores.accuracy),
      ridge: Array.from(scores.ridge),
    },
    network: { tau: net.tauStats, rhoW, rhoEff, density: net.density, meanRateHz },
    timings: { simulateMs: t1 - t0, readoutMs: t2 - t1, totalMs: performance.now() - t0 },
  };
}
