// The networks, inputs and readout problems the benchmarks time, built the same way in the bench's
// main thread and in its worker threads (bench/both-cores.ts).
import { logGrid, NetworkSchema, type ChannelSpec, type RateModelSpec } from '../common/spec.js';
import { BATCH_STREAMS } from '../worker/backends/backend.js';
import { drawTaus } from '../worker/heterogeneity.js';
import { tauUnit } from '../worker/network.js';
import type { ReadoutProblem } from '../worker/readout.js';

export const CHANNELS: ChannelSpec[] = [{ family: 'white' }, { family: 'white' }, { family: 'white' }];
export const D = CHANNELS.length;
export const RIDGES = logGrid(-8, 2); // the default grid: 11 values 1e-8 .. 1e2

export function rateSpec(n: number, p: number) {
  return NetworkSchema.parse({ n, p, heterogeneity: { family: 'lognormal', cv: 1 } });
}

export function rateModel(spec: ReturnType<typeof rateSpec>): RateModelSpec {
  if (spec.model.kind !== 'rate') throw new Error('expected a rate model');
  return spec.model;
}

/** k targets: input channel (j mod 3) delayed by floor(j / 3) steps (the cost does not depend on the values) */
export function readoutProblem(k: number, features: Float64Array, input: Float64Array, n: number, T: number, washout: number): ReadoutProblem {
  const targets = new Float64Array(k * T);
  for (let j = 0; j < k; j++) {
    const ch = j % D;
    const delay = Math.floor(j / D);
    for (let t = 0; t < T; t++) {
      const src = washout + t - delay;
      targets[j * T + t] = src >= 0 ? input[src * D + ch] : 0;
    }
  }
  return {
    features,
    n,
    steps: T,
    targets,
    k,
    classification: new Array<boolean>(k).fill(false),
    train: { start: 0, end: 8000 },
    validation: { start: 8000, end: 9000 },
    test: { start: 9000, end: 10000 },
    ridges: RIDGES,
  };
}

/** the time constants of a batch of levels (homogeneous, then lognormal cv 0.5, 1, 2): what a heterogeneity sweep batches */
export function levelTaus(spec: ReturnType<typeof rateSpec>, seed: number): Float64Array[] {
  const { tauMean, dt } = tauUnit(spec);
  return [0, 0.5, 1, 2].slice(0, BATCH_STREAMS).map((cv) => drawTaus({ ...spec.heterogeneity, family: cv === 0 ? 'none' : 'lognormal', cv }, spec.n, tauMean, dt, seed).tau);
}
