// The CPU backend: the engine's own TypeScript kernels, float64, deterministic on any machine.
import { dotRows } from '../kernels.js';
import { symmetricEigen } from '../linalg.js';
import { simulateLif } from '../models/lif.js';
import { simulateRate } from '../models/rate.js';
import type { Backend } from './backend.js';

export const cpuBackend: Backend = {
  name: 'cpu',
  precision: 'float64',
  simulateRate,
  simulateLif,
  symmetricEigen,
  workspace() {
    return { f64: (length: number) => new Float64Array(length) };
  },
  dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric = false, out) {
    return dotRows(a, na, lda, b, nb, ldb, t0, t1, out ?? new Float64Array(na * nb), symmetric);
  },
};
