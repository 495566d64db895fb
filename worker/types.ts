// Data shapes the engine passes between its pure functions. Matrices are row-major typed arrays;
// time series are time-major (sample t, channel k at [t * D + k]).
import type { RealisedHeterogeneity } from '../common/results.js';

// a task is declared in the contract (common/), which the app's suite preview shares; re-exported here
export type { Parity, TaskDef } from '../common/tasks.js';

export type HeterogeneityStats = RealisedHeterogeneity;

export interface TauDraw {
  tau: Float64Array;
  stats: HeterogeneityStats;
}

/** Compressed sparse rows: row i's entries are values[rowPtr[i] .. rowPtr[i+1]) at columns colIdx[..]. */
export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

export interface BuiltNetwork {
  n: number;
  /** input dimension D */
  d: number;
  /** recurrent weights, n x n row-major: W[i * n + j] is the weight from neuron j onto neuron i */
  w: Float64Array;
  /** the same recurrent weights in CSR (rows = postsynaptic neurons) */
  wCsr: Csr;
  /** input weights, n x d row-major: U[i * d + k] is channel k onto neuron i */
  u: Float64Array;
  /** bias per neuron */
  b: Float64Array;
  /** time constant per neuron, in the model's time unit (task steps for rate, ms for LIF) */
  tau: Float64Array;
  tauStats: HeterogeneityStats;
  /** fraction of nonzero recurrent weights */
  density: number;
}

export interface TaskScore {
  id: string;
  /** coefficient of determination on the test segment */
  r2: number;
  /** r2 clipped to [0, 1] */
  capacity: number;
  /** root mean squared error / standard deviation of the target, on test */
  nrmse: number;
  /** classification tasks only: fraction of test steps where sign(prediction) = target */
  accuracy: number | null;
  /** the ridge value chosen on the validation segment */
  ridge: number;
}
