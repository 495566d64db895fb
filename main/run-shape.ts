// What a run's cost grows with, from its spec alone: the sizes that decide it (shapeOf) and its work
// in arbitrary units (workUnits). main/cost.ts prices runs and their memory by the first, main/shards.ts
// balances shards by the second and main/scheduler.ts measures its progress (the ETA) by it. Kept apart
// from cost.ts, which imports the scheduler.
import type { RunSpec } from '../common/results.js';
import { DENSE_ABOVE } from '../worker/models/rate.js';
import { SPECTRA_MAX_N } from '../worker/network.js';
import { totalSteps } from '../worker/run.js';

/** The sizes that decide what a run costs. */
export interface RunShape {
  n: number;
  steps: number;
  tasks: number;
  /** expected nonzero recurrent weights (N² p, after a connectivity resampling or W = 0) */
  nnz: number;
  dense: boolean;
  noisy: boolean;
}

export function shapeOf(run: RunSpec, tasks: number): RunShape {
  const n = run.network.n;
  let p = run.network.p;
  for (const m of run.network.manipulations) {
    if (m.op === 'resampleConnectivity') p = m.p;
    if (m.op === 'removeRecurrence') p = 0;
    if (m.op === 'prune') p *= 1 - m.fraction;
  }
  const model = run.network.model;
  return { n, steps: totalSteps(run), tasks, nnz: n * n * p, dense: p > DENSE_ABOVE, noisy: model.kind === 'rate' && model.noise > 0 };
}

/** whether a run computes its spectra (O(N³)): at most SPECTRA_MAX_N neurons unless asked above */
export const hasSpectra = (run: RunSpec) => run.network.n <= SPECTRA_MAX_N || run.mechanisms?.spectraAboveLimit === true;

/**
 * A run's work in arbitrary units, from its sizes alone: the simulation (steps × sub-steps × the
 * recurrent product's nonzeros and the per-neuron update), the readout (the Gram matrices, X'Y for
 * every task, the eigendecomposition), the spectra where the run has them, and a LIF calibration's
 * extra simulations. Only ratios between runs matter.
 */
export function workUnits(run: RunSpec, tasks: number): number {
  const s = shapeOf(run, tasks);
  const model = run.network.model;
  const sub = model.kind === 'lif' ? Math.max(1, Math.round(model.dtTaskMs / model.dtSimMs)) : 1;
  const product = s.dense ? s.n * s.n : s.nnz;
  const simulations = model.kind === 'lif' && model.calibration ? 6 : 1;
  const simulate = simulations * s.steps * sub * (product + 8 * s.n);
  const train = run.factors.trainLength;
  const readout = (train + 2 * run.input.segments.validation) * s.n * s.n + tasks * totalSteps(run) * (s.n + 4) + 10 * s.n ** 3;
  const spectra = hasSpectra(run) ? 20 * s.n ** 3 : 0;
  return simulate + readout + spectra;
}
