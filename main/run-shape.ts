// What a run's cost grows with, from its spec alone: the sizes that decide it (shapeOf) and its work
// in arbitrary units (workUnits). main/cost.ts prices runs and their memory by the first, main/shards.ts
// balances shards by the second and main/scheduler.ts measures its progress (the ETA) by it. Kept apart
// from cost.ts, which imports the scheduler.
import type { RunSpec } from '../common/results.js';
import { DENSE_ABOVE } from '../worker/models/rate.js';
import { SPECTRA_MAX_N } from '../worker/network.js';
import { totalSteps } from '../worker/run.js';
import { isHomogeneous } from '../worker/rate-calibration.js';

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
 * How far a LIF run's rate calibration to its homogeneous twin searches, in order: a run that is its
 * own twin simulates once (0), a heterogeneous one more, the more the further its time constants are
 * from the twin's (1 + its cv, above 0 for an empirical family of cv 0 too; spiking-heterogeneity-gain,
 * one seed: 2-3 simulations at cv 0.25, 4 at 0.5 and 1, 5 at 2). -1 for a run without such a search.
 * In the cost estimate (main/cost.ts kindOf) the runs that are their own twins are a kind of their
 * own, and the most heterogeneous run stands for the others: one probe on the cv 0 run priced every
 * run at one simulation, the spiking presets' simulations at a third of their time and the presets
 * at 0.4 to 0.8 of it (two-core Intel Xeon). The shards' and the ETA's weights count simulations by
 * it too (simulationsOf).
 */
export function calibrationSearch(run: RunSpec): number {
  const m = run.network.model;
  if (m.kind !== 'lif' || m.calibration?.target !== 'homogeneous') return -1;
  return isHomogeneous(run.network.heterogeneity) ? 0 : 1 + run.network.heterogeneity.cv;
}

/**
 * The simulations a run makes: one, but for a LIF run with a rate calibration. Calibrated to its
 * homogeneous twin (calibrationSearch), a run that is its own twin simulates once and a
 * heterogeneous one 2-5 times, so 4. A run calibrated to a rate searches from its own start (up to 40
 * simulations; not measured): 6.
 */
export function simulationsOf(run: RunSpec): number {
  const search = calibrationSearch(run);
  if (search >= 0) return search === 0 ? 1 : 4;
  const model = run.network.model;
  return model.kind === 'lif' && model.calibration ? 6 : 1;
}

/**
 * A run's work in arbitrary units, from its sizes alone: the simulation (steps × sub-steps × the
 * recurrent product's nonzeros and the per-neuron update), the readout (the Gram matrices, X'Y for
 * every task, the eigendecomposition), the spectra where the run has them, and a LIF calibration's
 * extra simulations (simulationsOf). Only ratios between runs matter.
 */
export function workUnits(run: RunSpec, tasks: number): number {
  const s = shapeOf(run, tasks);
  const model = run.network.model;
  const sub = model.kind === 'lif' ? Math.max(1, Math.round(model.dtTaskMs / model.dtSimMs)) : 1;
  const product = s.dense ? s.n * s.n : s.nnz;
  const simulate = simulationsOf(run) * s.steps * sub * (product + 8 * s.n);
  const train = run.factors.trainLength;
  const readout = (train + 2 * run.input.segments.validation) * s.n * s.n + tasks * totalSteps(run) * (s.n + 4) + 10 * s.n ** 3;
  const spectra = hasSpectra(run) ? 20 * s.n ** 3 : 0;
  return simulate + readout + spectra;
}
