// The CPU backend: the engine's own TypeScript kernels, float64, deterministic on any machine.
import { dotRows } from '../kernels.js';
import { symmetricEigen } from '../linalg.js';
import { simulateLif } from '../models/lif.js';
import { simulateRate } from '../models/rate.js';
import type { Backend } from './backend.js';

export const cpuBackend: Backend = {
  name: 'cpu',
  precision: 'float64',
  // fresh arrays every time: `reuse` has nothing to save here
  simulateRate: (model, net, input, steps, noiseSeed) => simulateRate(model, net, input, steps, noiseSeed),
  simulateLif: (model, net, input, steps, seed, _reuse, spikeStats) => simulateLif(model, net, input, steps, seed, undefined, spikeStats),
  symmetricEigen,
  workspace() {
    return { f64: (length: number) => new Float64Array(length), copy: (src: ArrayLike<number>) => Float64Array.from(src) };
  },
  dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric = false, out) {
    return dotRows(a, na, lda, b, nb, ldb, t0, t1, out ?? new Float64Array(na * nb), symmetric);
  },
};
