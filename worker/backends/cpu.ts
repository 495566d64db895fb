// The CPU backend: the engine's own TypeScript kernels, float64, deterministic on any machine.
import { dotRows } from '../kernels.js';
import { simulateLif } from '../models/lif.js';
import { simulateRate } from '../models/rate.js';
import type { Backend } from './backend.js';

export const cpuBackend: Backend = {
  name: 'cpu',
  precision: 'float64',
  simulateRate,
  simulateLif,
  dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric = false) {
    return dotRows(a, na, lda, b, nb, ldb, t0, t1, new Float64Array(na * nb), symmetric);
  },
};

export const BACKENDS: Record<string, Backend> = { cpu: cpuBackend };

export function backendByName(name: string): Backend {
  const b = BACKENDS[name];
  if (!b) throw new Error(`backend "${name}" is not available here; available: ${Object.keys(BACKENDS).join(', ')}`);
  return b;
}
