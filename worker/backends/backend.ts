// The kernels a backend must provide. Every backend is held to the same conformance suite
// (worker/backends/conformance.test.ts): same spec and seeds, equal results within a stated tolerance.
import type { LifModelSpec, RateModelSpec } from '../../common/spec.js';
import type { LifResult } from '../models/lif.js';
import type { Eigenvalues, SymmetricEigen } from '../linalg.js';
import type { BuiltNetwork } from '../types.js';

/** streams a batched simulation takes at most (the WebAssembly kernel's four accumulators per row of W) */
export const BATCH_STREAMS = 4;

/**
 * Whether memory of `haveBytes` kept from a backend's last call serves one that needs `needBytes`:
 * large enough, and not so much larger (past 4x and 64 MB) that it holds memory this call leaves unused.
 */
export function keptMemoryFits(haveBytes: number, needBytes: number): boolean {
  return haveBytes >= needBytes && haveBytes <= 4 * needBytes + (64 << 20);
}

/** Scratch memory a backend's kernels can work on in place (for WebAssembly: its linear memory). */
export interface Workspace {
  /** a zeroed array */
  f64(length: number): Float64Array;
  /** an array holding a copy of src: no zeroing first, since every element is written */
  copy(src: ArrayLike<number>): Float64Array;
}

export interface Backend {
  readonly name: string;
  /** arithmetic precision of the kernels; the conformance tolerance follows from it */
  readonly precision: 'float64' | 'float32';
  /** true when it can load in one thread of a process only (headless GL): its runs then run in the main thread */
  readonly oneThread?: boolean;
  /**
   * true when dotRows reads its operands wherever they live (native code): the readout then hands it
   * the caller's targets instead of a copy in the workspace
   */
  readonly dotRowsReadsAnywhere?: boolean;
  /** threads one run keeps busy (the split backends: 2); the scheduler runs that many fewer runs at once */
  readonly threadsPerRun?: number;
  /**
   * rate network features r(t), T x N time-major. With `reuse`, the result may live in memory the
   * backend hands out again on its next simulation with `reuse`: for a caller that is done with it
   * by then (a run, whose readout is). Fresh memory costs a page fault per 4 kB written, about
   * 1.5 us here: a tenth of a dense N = 1000 step, more of a small sparse one.
   */
  simulateRate(model: RateModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, noiseSeed: number, reuse?: boolean): Float64Array;
  /**
   * Up to BATCH_STREAMS rate simulations that share the network but for its time constants (`taus`,
   * one per stream; net.tau is not used), pushed through W together: each stream's features are the
   * bits simulateRate gives for that tau. Dense networks only (net.density > DENSE_ABOVE). Optional:
   * worker/batch.ts simulates one at a time without it. `reuse` as for simulateRate.
   */
  simulateRateBatch?(model: RateModelSpec, net: BuiltNetwork, taus: Float64Array[], input: Float64Array, steps: number, noiseSeed: number, reuse?: boolean): Float64Array[];
  /**
   * simulateRate for a backend whose simulation runs elsewhere (a GPU host page): the scheduler
   * awaits it in its own thread, and simulateRate itself refuses. `signal`: the job was cancelled
   * (a simulation not yet started is withdrawn).
   */
  simulateRateAsync?(model: RateModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, noiseSeed: number, signal?: AbortSignal): Promise<Float64Array>;
  /**
   * LIF network filtered spike trains sampled per task step, T x N time-major (`reuse` as for simulateRate).
   * `spikeStats`: also the spike counts per task step and the interspike-interval sums (`result.spikes`,
   * worker/models/lif.ts), the TypeScript kernel's bits on every backend; without it, none of their cost.
   */
  simulateLif(model: LifModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, seed: number, reuse?: boolean, spikeStats?: boolean): LifResult;
  /**
   * The readout's features centred on the mean of rows t0..t1 and transposed to n x T, in `ws`, with
   * the bits of worker/readout.ts' own loops (optional: those run without it). The readout gives
   * `ws` room for n T + n values more than its own loops need.
   */
  centredTranspose?(x: Float64Array, n: number, T: number, t0: number, t1: number, ws: Workspace): { xt: Float64Array; mu: Float64Array };
  /**
   * The ridge grid's loops, on arrays of one workspace, with the bits of worker/readout.ts'
   * scaleColumns and rowDots (optional: those run without them): out = a diag(scale) (rows x n); and
   * per row r, d1[r] = sum_j a[r, j] b[r, j] and d2[r] = sum_j b[r, j] c[r, j], each in j order from 0.
   */
  scaleColumns?(a: Float64Array, rows: number, n: number, scale: Float64Array, out: Float64Array): void;
  rowDots?(a: Float64Array, b: Float64Array, c: Float64Array, rows: number, n: number, d1: Float64Array, d2: Float64Array): void;
  /** all eigenvalues of a general n x n matrix, the bits of worker/linalg.ts' eigenvalues (optional: that one is used without it) */
  eigenvalues?(a: Float64Array, n: number): Eigenvalues;
  /** eigen-decomposition of a symmetric n x n matrix (values ascending, vectors as columns) */
  symmetricEigen(a: Float64Array, n: number): SymmetricEigen;
  /** room for `doubles` float64 values in at most `arrays` arrays, where dotRows runs without copying; valid until the next call (its memory may be reused) */
  workspace(doubles: number, arrays?: number): Workspace;
  /** C (na x nb) = A[:, t0:t1] B[:, t0:t1]^T for row-major A (na x lda) and B (nb x ldb), into `out` if given */
  dotRows(a: Float64Array, na: number, lda: number, b: Float64Array, nb: number, ldb: number, t0: number, t1: number, symmetric?: boolean, out?: Float64Array): Float64Array;
}
