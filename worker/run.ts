// One run, start to finish, as a pure function of its RunSpec: inputs -> network -> simulation ->
// targets -> readout -> scores. The same spec gives the same numbers on the same backend.
import type { Mechanisms } from '../common/mechanisms.js';
import type { RateCalibrationResult, RunResult, RunSpec } from '../common/results.js';
import type { LifModelSpec } from '../common/spec.js';
import type { Backend } from './backends/backend.js';
import { generateInput } from './inputs.js';
import { eigenvalues, type Eigenvalues } from './linalg.js';
import { dimensionality, rateMechanisms } from './mechanisms.js';
import { lifMechanisms, type LifSpikeMeasures } from './mechanisms-lif.js';
import type { LifResult } from './models/lif.js';
import { retainedFraction } from './models/rate.js';
import { buildNetwork, spectralSummary, SPECTRA_MAX_N } from './network.js';
import { calibrateLif, homogeneousTwin } from './rate-calibration.js';
import { accumulateReadout, scoreReadout, solveRidgeGrid } from './readout.js';
import { deriveSeed } from './rng.js';
import { buildSuite, computeTargets } from './tasks.js';
import type { BuiltNetwork, TaskDef } from './types.js';

export { SPECTRA_MAX_N };

export function totalSteps(run: RunSpec): number {
  const s = run.input.segments;
  return s.washout + s.train + s.validation + s.test;
}

export function runTasks(run: RunSpec): TaskDef[] {
  return buildSuite(run.suite, run.input.channels);
}

/** What a run simulates: its input and network, built from its spec and seeds. */
export interface PreparedRun {
  run: RunSpec;
  steps: number;
  input: Float64Array;
  net: BuiltNetwork;
  prepareMs: number;
}

export function prepareRun(run: RunSpec): PreparedRun {
  const started = performance.now();
  const steps = totalSteps(run);
  const input = generateInput(run.input.channels, steps, run.seeds.input);
  const net = buildNetwork(run.network, run.input.channels.length, run.seeds.network);
  return { run, steps, input, net, prepareMs: performance.now() - started };
}

/** the seed of a rate run's state noise (runs that share an input seed share it) */
export function stateNoiseSeed(run: RunSpec): number {
  return deriveSeed(run.seeds.input, 'state-noise');
}

export function executeRun(run: RunSpec, backend: Backend): RunResult {
  return executePrepared(prepareRun(run), backend);
}

export function executePrepared(p: PreparedRun, backend: Backend): RunResult {
  const { run } = p;
  const model = run.network.model;
  const t = performance.now();
  if (model.kind === 'rate') {
    // the features are done with once the readout is: their memory can serve the next run
    const features = backend.simulateRate(model, p.net, p.input, p.steps, stateNoiseSeed(run), true);
    return finishRun(p, backend, features, null, performance.now() - t);
  }
  const seed = deriveSeed(run.seeds.input, 'lif');
  if (!model.calibration) {
    const lif = backend.simulateLif(model, p.net, p.input, p.steps, seed, true, true);
    const simulateMs = performance.now() - t;
    return finishRun(p, backend, lif.features, lif.meanRateHz, simulateMs, undefined, spikeMeasures(p, lif));
  }
  // matched rate (docs/model.md §1.3): the calibration's last simulation is the run's own; its time
  // (the twin's and the search's simulations included) is the run's simulation time
  const twin = model.calibration.target === 'homogeneous' ? homogeneousTwin(run.network, p.net.d, run.seeds.network) : undefined;
  const { lif, calibration } = calibrateLif(model, p.net, p.input, p.steps, seed, backend, { twin, reuse: true, spikeStats: true });
  const simulateMs = performance.now() - t;
  return finishRun(p, backend, lif.features, lif.meanRateHz, simulateMs, calibration, spikeMeasures(p, lif));
}

/**
 * A LIF run's spike-train measures (docs/model.md §11), taken before its memory is handed out again,
 * and their time (the run's mechanismsMs counts it).
 */
export function spikeMeasures(p: PreparedRun, lif: LifResult): { measures: LifSpikeMeasures; ms: number } {
  const t = performance.now();
  const seg = p.run.input.segments;
  const measures = lifMechanisms(p.run.network.model as LifModelSpec, lif.spikes!, p.net.n, p.steps, {
    seed: deriveSeed(p.run.seeds.input, 'lif-mechanisms'),
    segment: { start: seg.washout, end: seg.washout + p.run.factors.trainLength },
  });
  return { measures, ms: performance.now() - t };
}

/**
 * Values a worker thread keeps between runs, the most recently used last, at most `capacity` bytes
 * (each value with its copy of the array it was computed from). A value is taken again only for an
 * equal key and an array equal bit for bit, so a run's numbers never depend on what ran before it in
 * this thread. Read only, by the run that takes it.
 */
function keptBetweenRuns<V>(capacity: number, bytesOf: (value: V) => number): (key: string, source: Float64Array, make: () => V) => V {
  const kept: { key: string; source: Float64Array; value: V }[] = [];
  const size = (e: (typeof kept)[number]) => e.source.byteLength + bytesOf(e.value);
  return (key, source, make) => {
    const at = kept.findIndex((e) => e.key === key && sameBits(e.source, source));
    if (at >= 0) {
      const [entry] = kept.splice(at, 1);
      kept.push(entry);
      return entry.value;
    }
    const value = make();
    kept.push({ key, source: source.slice(), value });
    let bytes = kept.reduce((sum, e) => sum + size(e), 0);
    while (bytes > capacity) bytes -= size(kept.shift()!);
    return value;
  };
}

/** bytes of targets a thread keeps between runs (six of the default suite at the default segments) */
export const KEPT_TARGETS_BYTES = 64 * 2 ** 20;

/**
 * Targets kept between runs: the runs of a sweep that share an input seed (its levels of one seed, its
 * sizes) share their targets, which cost about a tenth of a run at N = 100 (a sweep's seeds come round
 * in turn: several are kept). Taken again for the same suite, channels and steps and the same input.
 */
const keptTargets = keptBetweenRuns<Float64Array>(KEPT_TARGETS_BYTES, (targets) => targets.byteLength);

/** computeTargets(runTasks(run), input, steps, channels), or the same values kept from an earlier run */
export function targetsOf(run: RunSpec, tasks: TaskDef[], input: Float64Array, steps: number): Float64Array {
  return keptTargets(JSON.stringify([run.suite, run.input.channels, steps]), input, () => computeTargets(tasks, input, steps, run.input.channels.length));
}

/** The most memory a worker thread keeps for W's eigenvalues between runs (W itself included). */
export const KEPT_W_EIGENVALUES_BYTES = 8 * 2 ** 20;

/**
 * W's eigenvalues kept between runs: a sweep's levels, sizes' pairs and manipulations of one network
 * seed share W, and its eigenvalues cost 0.1 s at N = 400 (a sweep's seeds come round in turn:
 * several are kept; six at N = 400). Taken again for the same backend and the same W.
 */
const keptWEigenvalues = keptBetweenRuns<Eigenvalues>(KEPT_W_EIGENVALUES_BYTES, (v) => v.re.byteLength + v.im.byteLength);

/** the eigenvalues of W (net.w, n x n), or the same values kept from an earlier run */
export function wEigenvaluesOf(net: BuiltNetwork, backend: Backend): Eigenvalues {
  return keptWEigenvalues(backend.name, net.w, () => (backend.eigenvalues ? backend.eigenvalues(net.w, net.n) : eigenvalues(net.w, net.n)));
}

/** whether two arrays hold the same values, bit for bit (-0 and 0 differ, a NaN equals its own bits) */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * The readout, spectra and summary of a simulated run. `simulateMs` is its simulation's time (a
 * batch's divided among its runs); totalMs counts it once, with this run's own preparation and readout.
 * `calibration`: what a LIF run's rate calibration found (network.calibration; absent without one).
 */
export function finishRun(
  p: PreparedRun,
  backend: Backend,
  features: Float64Array,
  meanRateHz: number | null,
  simulateMs: number,
  calibration?: RateCalibrationResult,
  /** a LIF run's spike-train measures (its simulation's) and their time, to join its dimensionality */
  spikes?: { measures: LifSpikeMeasures; ms: number },
): RunResult {
  const { run, net, input, steps } = p;
  const t1 = performance.now();
  const seg = run.input.segments;
  const d = run.input.channels.length;
  const model = run.network.model;

  const tasks = runTasks(run);
  const targets = targetsOf(run, tasks, input, steps);
  const trainStart = seg.washout;
  const valStart = seg.washout + seg.train;
  const testStart = valStart + seg.validation;
  const train = { start: trainStart, end: trainStart + run.factors.trainLength };
  // accumulate / solve / score (fitReadout's stages): the accumulation also serves the mechanisms
  const acc = accumulateReadout(backend, {
    features,
    n: net.n,
    steps,
    targets,
    // targetsOf's: shared by the runs of an input seed, never written
    targetsKept: true,
    k: tasks.length,
    // the data-efficiency sweep trains on the first L steps so validation and test stay the same
    train,
    validation: { start: valStart, end: testStart },
    test: { start: testStart, end: testStart + seg.test },
  });
  const scores = scoreReadout(backend, acc, solveRidgeGrid(backend, acc, run.readout.ridges), tasks.map((t) => t.classification));
  const t2 = performance.now();

  let rhoW: number | null = null;
  let rhoEff: number | null = null;
  let wEigenvalues: Eigenvalues | undefined;
  const eig = backend.eigenvalues?.bind(backend);
  if (net.n <= SPECTRA_MAX_N) {
    // W's eigenvalues once: rhoW, and the mechanisms' spectrum beside the linearised update's
    wEigenvalues = wEigenvaluesOf(net, backend);
    const s = spectralSummary(net, model.kind === 'rate' ? retainedFraction(model, net.tau) : null, eig, wEigenvalues);
    rhoW = s.rhoW;
    rhoEff = s.rhoEff;
  }
  // why heterogeneity helps (docs/model.md §11): before the backend's next accumulation reuses acc's memory
  const dims = dimensionality(acc.eigenvalues);
  const mechanisms: Mechanisms =
    model.kind === 'rate'
      ? rateMechanisms({ model, net, features, steps, train, acc, families: tasks.map((t) => t.family), r2: scores.r2, eig, wEigenvalues, options: run.mechanisms })
      : { kind: 'lif', ...dims, ...spikes!.measures };
  const t3 = performance.now();

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
    // `calibration` only where there was one: an uncalibrated run's result keeps its old shape
    network: { tau: net.tauStats, rhoW, rhoEff, density: net.density, meanRateHz, ...(calibration ? { calibration } : {}) },
    mechanisms,
    timings: { simulateMs, readoutMs: t2 - t1, mechanismsMs: t3 - t2 + (spikes?.ms ?? 0), totalMs: p.prepareMs + simulateMs + (spikes?.ms ?? 0) + (performance.now() - t1) },
  };
}
