// The cost of the mechanism measures (issue 13, docs/model.md §11): what they add to one run, at
// N = 100 and N = 1000, rate and LIF, on the wasm backend, best of 5 in this process after 2 warm-up rounds. A run without
// them is timed as the engine makes it (prepare, simulate, readout; W's eigenvalues where the run
// has them for ρ_W anyway, N ≤ 400); the measures are timed as the engine adds them: for a rate run
// the autocorrelation timescales, the spectrum of the linearised update (and W's where the run did
// not need it), the alignment and the dimensionality; for a LIF run the spike statistics the kernel
// gathers (simulation with them minus without), the spike-train measures and the dimensionality.
// The spectra above N = 400 are behind a spec option (mechanisms.spectraAboveLimit): their cost is a
// row of its own.
import { parseExperiment } from '../common/validate.js';
import type { LifModelSpec, RateModelSpec } from '../common/spec.js';
import { planRuns } from '../main/plan.js';
import { backendByName } from '../worker/backends/registry.js';
import { eigenvalues, type Eigenvalues } from '../worker/linalg.js';
import { dimensionality, rateMechanisms } from '../worker/mechanisms.js';
import { SPECTRA_MAX_N } from '../worker/network.js';
import { accumulateReadout, scoreReadout, solveRidgeGrid } from '../worker/readout.js';
import { deriveSeed } from '../worker/rng.js';
import { prepareRun, runTasks, spikeMeasures, stateNoiseSeed } from '../worker/run.js';
import { computeTargets } from '../worker/tasks.js';

export interface MechanismCost {
  model: 'rate' | 'lif';
  n: number;
  /** the spectra above the limit (the spec option), measured as their own row */
  spectraOption: boolean;
  steps: number;
  tasks: number;
  /** a run without the measures, ms (best of 5) */
  runMs: number;
  /** what the measures add, ms (best of 5) */
  measuresMs: number;
  /** the first round's run and measures, ms: JavaScript not yet compiled (once per worker thread) */
  firstRunMs: number;
  firstMeasuresMs: number;
  /** measuresMs / runMs */
  share: number;
  parts: Record<string, number>;
}

// Warm-up rounds first: in an experiment a worker makes run after run, and the measures' JavaScript is
// compiled by the second or third. The first round's figures are kept too (firstRunMs, firstMeasuresMs):
// what a fresh worker's first run pays, once per thread.
const WARMUP = 2;
const REPEATS = 5;
const best = (xs: number[]) => Math.min(...xs);
function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const v = fn();
  return [v, performance.now() - t];
}

/** One shape: a run of the default segments and suite, lognormal c = 1. */
export function mechanismCost(model: 'rate' | 'lif', n: number, spectraOption = false): MechanismCost {
  const spec = parseExperiment({
    name: 'bench mechanisms',
    network: { n, model: { kind: model } },
    sweep: { heterogeneity: [{ family: 'lognormal', cv: 1 }] },
    ...(spectraOption ? { mechanisms: { spectraAboveLimit: true } } : {}),
  });
  const run = planRuns(spec)[0];
  const backend = backendByName('wasm');
  const tasks = runTasks(run);
  const seg = run.input.segments;
  const train = { start: seg.washout, end: seg.washout + run.factors.trainLength };
  const valStart = seg.washout + seg.train;
  const testStart = valStart + seg.validation;
  const runs: number[] = [];
  const measures: number[] = [];
  const parts: Record<string, number[]> = {};
  const part = (k: string, ms: number) => (parts[k] ??= []).push(ms);
  let steps = 0;
  let [firstRunMs, firstMeasuresMs] = [NaN, NaN];
  // WARMUP rounds, then REPEATS measured ones
  for (let rep = 0; rep < WARMUP + REPEATS; rep++) {
    const [p, prepMs] = timed(() => prepareRun(run));
    steps = p.steps;
    let simMs: number;
    let features: Float64Array;
    let extra = 0;
    if (model === 'rate') {
      [features, simMs] = timed(() => backend.simulateRate(run.network.model as RateModelSpec, p.net, p.input, p.steps, stateNoiseSeed(run), true));
    } else {
      const seed = deriveSeed(run.seeds.input, 'lif');
      const lifModel = run.network.model as LifModelSpec;
      [, simMs] = timed(() => backend.simulateLif(lifModel, p.net, p.input, p.steps, seed, true, false));
      const [withStats, statsMs] = timed(() => backend.simulateLif(lifModel, p.net, p.input, p.steps, seed, true, true));
      features = withStats.features;
      part('spike statistics in the kernel', Math.max(0, statsMs - simMs));
      extra += Math.max(0, statsMs - simMs);
      const spikes = spikeMeasures(p, withStats);
      part('spike-train measures', spikes.ms);
      extra += spikes.ms;
    }
    const [, readMs] = timed(() => {
      const targets = computeTargets(tasks, p.input, p.steps, run.input.channels.length);
      const acc = accumulateReadout(backend, { features, n, steps: p.steps, targets, k: tasks.length, train, validation: { start: valStart, end: testStart }, test: { start: testStart, end: testStart + seg.test } });
      const scores = scoreReadout(backend, acc, solveRidgeGrid(backend, acc, run.readout.ridges), tasks.map((t) => t.classification));
      return { acc, scores };
    });
    // the readout again, kept: its accumulation feeds the measures (timed above without them)
    const targets = computeTargets(tasks, p.input, p.steps, run.input.channels.length);
    const acc = accumulateReadout(backend, { features, n, steps: p.steps, targets, k: tasks.length, train, validation: { start: valStart, end: testStart }, test: { start: testStart, end: testStart + seg.test } });
    const scores = scoreReadout(backend, acc, solveRidgeGrid(backend, acc, run.readout.ridges), tasks.map((t) => t.classification));
    // W's eigenvalues: part of a run without measures where it has ρ_W (N ≤ 400), else the measures'
    const eig = backend.eigenvalues?.bind(backend) ?? eigenvalues;
    let wEig: Eigenvalues | undefined;
    let wMs = 0;
    if (model === 'rate' && (n <= SPECTRA_MAX_N || spectraOption)) [wEig, wMs] = timed(() => eig(p.net.w, n));
    const base = prepMs + simMs + readMs + (n <= SPECTRA_MAX_N ? wMs : 0);
    if (model === 'rate') {
      const [, mMs] = timed(() => rateMechanisms({ model: run.network.model as RateModelSpec, net: p.net, features, steps: p.steps, train, acc, families: tasks.map((t) => t.family), r2: scores.r2, eig, wEigenvalues: wEig, options: run.mechanisms }));
      extra += mMs + (n > SPECTRA_MAX_N ? wMs : 0);
      part('rate measures', mMs);
      if (n > SPECTRA_MAX_N) part("W's eigenvalues", wMs);
    } else {
      const [, dMs] = timed(() => dimensionality(acc.eigenvalues));
      extra += dMs;
      part('dimensionality', dMs);
    }
    if (rep === 0) [firstRunMs, firstMeasuresMs] = [base, extra];
    if (rep < WARMUP) {
      for (const k of Object.keys(parts)) parts[k] = [];
      continue;
    }
    runs.push(base);
    measures.push(extra);
  }
  const runMs = best(runs);
  const measuresMs = best(measures);
  return {
    model,
    n,
    spectraOption,
    steps,
    tasks: tasks.length,
    runMs,
    measuresMs,
    firstRunMs,
    firstMeasuresMs,
    share: measuresMs / runMs,
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, best(v)])),
  };
}
