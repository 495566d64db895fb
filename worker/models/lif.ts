// Spiking reservoir: leaky integrate-and-fire neurons with per-neuron membrane time constants and
// exponential current synapses (docs/model.md §1.2). Pure functions over typed arrays.
//
// Dynamics (time in ms, R = 1, currents in units of the voltage scale):
//   tau_m,i dv_i/dt = -(v_i - vRest) + I_syn,i + I_in,i + I_bias,i (+ noise)
//   v_i >= vTh  ->  spike, v_i <- vReset, v_i clamped at vReset for tRefMs
//   tau_syn dI_syn,i/dt = -I_syn,i   between spikes; a spike of neuron j makes I_syn,i jump by W_ij
//
// Conventions chosen here (the project's own: docs/model.md §1.2 and §10):
// * Leak: exact exponential integration over one sub-step dtSimMs with the drive
//   I_syn + I_in + I_bias held at its value at the start of the sub-step:
//     v <- vRest + drive + (v - vRest - drive) * exp(-dt / tau_i)
//   (exact for constant drive, e.g. a single neuron with bias or held input).
// * Threshold is tested at the end of each sub-step; a spike is timed at the end of its sub-step.
// * Refractoriness: after a spike, v stays at vReset for ceil(tRefMs / dtSimMs) sub-steps
//   (no integration, no noise), then integrates again. With constant drive I the inter-spike
//   interval is therefore dt * (ceil(tRef/dt) + ceil(T_int/dt)), T_int = tau ln((I-vReset)/(I-vTh)),
//   which tends to the analytic 1000 / f of lifRateAnalytic as dt -> 0.
// * Synapse (jump convention): a spike of neuron j adds W_ij to I_syn,i (a jump of W_ij), which then
//   decays by exp(-dt / tauSyn) per sub-step. The charge delivered by one spike is W_ij * tauSyn.
//   Spikes emitted at the end of sub-step k reach their targets' I_syn at the start of sub-step k + 1.
//   Propagation is event-driven: only the columns of neurons that spiked are visited, through a
//   column-compressed (CSC) copy of W built once per call.
// * Input: I_in,i = sum_k U_ik s_k(t), held constant over the dtTaskMs / dtSimMs sub-steps of task step t.
// * Bias: I_bias,i = model.biasMean + net.b[i] (net.b already holds N(0,1) * biasScale).
// * Noise: if model.noise > 0, model.noise * sqrt(dtSimMs) * N(0,1) is added to v every integrated
//   (non-refractory) sub-step, from Rng(deriveSeed(seed, 'lif-noise')), drawn in neuron order.
// * Initial state: I_syn = 0, traces = 0, no neuron refractory, v_i uniform on [vReset, vTh) from
//   Rng(deriveSeed(seed, 'lif-v0')) so that the network does not start with a synchronous volley.
// * Features: each neuron's spike train filtered by an exponential kernel of time constant tauReadMs:
//   the trace decays by exp(-dt / tauRead) per sub-step and gains +1 for each spike, i.e. it is
//   sum_k exp(-(t - t_k) / tauRead) in units of spikes. A neuron firing at f Hz has a mean trace of
//   about f * tauRead / 1000 (the discrete kernel adds a relative bias of about dt / (2 tauRead),
//   +2.5 % at the defaults). Row t of the features is the traces at the end of task step t's last sub-step.
// * Spike statistics (only when asked: `spikeStats`; the mechanism measures of worker/mechanisms-lif.ts):
//   counts[t * N + i] = spikes of neuron i in task step t (Uint16: a neuron spikes at most once per
//   sub-step and then waits refSteps, so at most ceil(sub / (refSteps + 1)) <= sub spikes per task
//   step; lifSetup refuses when that exceeds 65535, i.e. never below 65536 sub-steps per task step).
//   Per neuron, the interspike intervals in sub-steps (the difference of the global sub-step indices
//   of consecutive spikes, the first spike opening the first interval): isiCount intervals, their
//   sum isiSum and sum of squares isiSumSq. Integers held in float64, so exact whatever the order of
//   summation (the WebAssembly kernel's are the same bits) while below 2^53: always for runs shorter
//   than 9.5e7 sub-steps, and in practice far beyond (isiSumSq is about run length x mean interval).
//   Sub-steps rather than ms because they are exact; the CV, a ratio, does not depend on the unit.
//   Whole run, washout included. Nothing else changes: features, spike and event counts are the same
//   bits with or without them.
import type { LifModelSpec } from '../../common/spec.js';
import { Rng, deriveSeed } from '../rng.js';
import type { BuiltNetwork, Csr } from '../types.js';

/** Per-neuron spike statistics of a run (header: "Spike statistics"), the input of worker/mechanisms-lif.ts. */
export interface LifSpikeStats {
  /** T x N time-major: spikes of neuron i in task step t at [t * N + i] */
  counts: Uint16Array;
  /** per neuron: sum of its interspike intervals, in sub-steps (dtSimMs each) */
  isiSum: Float64Array;
  /** per neuron: sum of the squared intervals, in sub-steps squared */
  isiSumSq: Float64Array;
  /** per neuron: number of intervals (spikes - 1, or 0 for a silent neuron) */
  isiCount: Int32Array;
}

export interface LifResult {
  /** T x N time-major: row t holds the filtered spike trains at the end of task step t */
  features: Float64Array;
  /** spikeCount / (N * T * dtTaskMs / 1000) */
  meanRateHz: number;
  spikeCount: number;
  /** number of (spike, postsynaptic target) pairs propagated */
  synapticEvents: number;
  /** only when the simulation was asked for them (`spikeStats`); counts lives as long as features (`reuse`) */
  spikes?: LifSpikeStats;
}

/** Column-compressed sparse matrix: column j's entries are values[colPtr[j] .. colPtr[j+1]) at rows rowIdx[..]. */
export interface Csc {
  rows: number;
  cols: number;
  colPtr: Int32Array;
  rowIdx: Int32Array;
  values: Float64Array;
}

/**
 * Optional instrumentation (tests and diagnostics only; costs nothing when absent).
 * `onSpike(neuron, timeMs)` is called for every spike, timed at the end of its sub-step.
 * `recordNeurons` lists neurons whose v and I_syn are recorded after every sub-step into
 * `LifDebugRecording` (sub-step-major: [s * k + r] for sub-step s and the r-th recorded neuron).
 */
export interface LifDebug {
  onSpike?: (neuron: number, timeMs: number) => void;
  recordNeurons?: readonly number[];
}

export interface LifDebugRecording {
  /** v after each sub-step (after reset if the neuron spiked in it) */
  v: Float64Array;
  /** I_syn after each sub-step (after decay and after this sub-step's spikes have been added) */
  iSyn: Float64Array;
  subSteps: number;
}

/** Transposes a CSR matrix (rows = postsynaptic) into CSC (columns = presynaptic). O(nnz). */
export function cscFromCsr(csr: Csr): Csc {
  const { rows, cols, rowPtr, colIdx, values } = csr;
  const nnz = rowPtr[rows] ?? 0;
  const colPtr = new Int32Array(cols + 1);
  for (let e = 0; e < nnz; e++) colPtr[colIdx[e] + 1]++;
  for (let j = 0; j < cols; j++) colPtr[j + 1] += colPtr[j];
  const next = colPtr.slice(0, cols);
  const rowIdx = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  for (let i = 0; i < rows; i++) {
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const j = colIdx[e];
      const dst = next[j]++;
      rowIdx[dst] = i;
      vals[dst] = values[e];
    }
  }
  return { rows, cols, colPtr, rowIdx, values: vals };
}

/** CSC of the nonzero entries of a dense n x n row-major matrix (W[i * n + j] from j onto i). O(n^2). */
export function cscFromDense(w: Float64Array, n: number): Csc {
  const colPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) if (w[row + j] !== 0) colPtr[j + 1]++;
  }
  for (let j = 0; j < n; j++) colPtr[j + 1] += colPtr[j];
  const nnz = colPtr[n];
  const next = colPtr.slice(0, n);
  const rowIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const x = w[row + j];
      if (x !== 0) {
        const dst = next[j]++;
        rowIdx[dst] = i;
        values[dst] = x;
      }
    }
  }
  return { rows: n, cols: n, colPtr, rowIdx, values };
}

/** The recurrent weights in CSC: from net.wCsr when it describes an n x n matrix, else from the dense net.w. */
export function recurrentCsc(net: BuiltNetwork): Csc {
  const csr = net.wCsr;
  if (csr && csr.rows === net.n && csr.cols === net.n && csr.rowPtr.length === net.n + 1) return cscFromCsr(csr);
  return cscFromDense(net.w, net.n);
}

/**
 * Firing rate (Hz) of a noiseless LIF neuron (vRest = 0, R = 1) under constant drive I:
 * 1000 / (tRef + tau ln((I - vReset) / (I - vTh))), and 0 when I <= vTh.
 */
export function lifRateAnalytic(I: number, tauMs: number, vTh: number, vReset: number, tRefMs: number): number {
  if (!(I > vTh)) return 0;
  return 1000 / (tRefMs + tauMs * Math.log((I - vReset) / (I - vTh)));
}

/** Number of sub-steps per task step (dtTaskMs is validated to be a whole multiple of dtSimMs). */
export function lifSubSteps(model: LifModelSpec): number {
  return Math.max(1, Math.round(model.dtTaskMs / model.dtSimMs));
}

/** What every LIF kernel starts from: constants, the recurrent weights in CSC, the initial potentials. */
export interface LifSetup {
  n: number;
  d: number;
  dt: number;
  /** sub-steps per task step */
  sub: number;
  refSteps: number;
  synDecay: number;
  readDecay: number;
  noiseAmp: number;
  memDecay: Float64Array;
  bias: Float64Array;
  csc: Csc;
  /** initial membrane potentials, uniform on [vReset, vTh) */
  v0: Float64Array;
}

/** The most spikes one neuron can emit in one task step: one per sub-step, then refSteps refractory ones. */
export function lifMaxSpikesPerStep(sub: number, refSteps: number): number {
  return Math.ceil(sub / (refSteps + 1));
}

/**
 * Checks the arguments and computes what every LIF kernel (this one, the WebAssembly one) starts from.
 * `spikeStats`: the kernel will count spikes per task step in 16 bits; refuses a model where that could overflow.
 */
export function lifSetup(model: LifModelSpec, net: BuiltNetwork, input: Float64Array, T: number, seed: number, spikeStats = false): LifSetup {
  const n = net.n;
  const d = net.d;
  if (!Number.isInteger(T) || T < 0) throw new Error(`simulateLif: T must be a non-negative integer, got ${T}`);
  if (input.length < T * d) throw new Error(`simulateLif: input holds ${input.length} values, need T * D = ${T * d}`);
  if (net.tau.length !== n || net.b.length !== n || net.u.length !== n * d) {
    throw new Error('simulateLif: network arrays do not match n and d');
  }
  const dt = model.dtSimMs;
  const sub = lifSubSteps(model);
  const refSteps = model.tRefMs > 0 ? Math.ceil(model.tRefMs / dt - 1e-9) : 0;
  if (spikeStats && lifMaxSpikesPerStep(sub, refSteps) > 65535) {
    throw new Error(`simulateLif: up to ${lifMaxSpikesPerStep(sub, refSteps)} spikes per neuron per task step do not fit the 16-bit spike counts`);
  }
  const memDecay = new Float64Array(n);
  const bias = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    memDecay[i] = Math.exp(-dt / net.tau[i]);
    bias[i] = model.biasMean + net.b[i];
  }
  const v0 = new Float64Array(n);
  const v0Rng = new Rng(deriveSeed(seed, 'lif-v0'));
  for (let i = 0; i < n; i++) v0[i] = model.vReset + (model.vTh - model.vReset) * v0Rng.uniform();
  return {
    n,
    d,
    dt,
    sub,
    refSteps,
    synDecay: Math.exp(-dt / model.tauSynMs),
    readDecay: Math.exp(-dt / model.tauReadMs),
    noiseAmp: model.noise > 0 ? model.noise * Math.sqrt(dt) : 0,
    memDecay,
    bias,
    csc: recurrentCsc(net),
    v0,
  };
}

/** The result's rate and counts from the spike and event counts of T task steps. */
export function lifResult(model: LifModelSpec, n: number, T: number, features: Float64Array, spikeCount: number, synapticEvents: number): LifResult {
  const seconds = (n * T * model.dtTaskMs) / 1000;
  return { features, meanRateHz: seconds > 0 ? spikeCount / seconds : 0, spikeCount, synapticEvents };
}

/**
 * Simulates the LIF reservoir for T task steps of input (T x D time-major, D = net.d).
 * Pass `debug` only to observe spikes or the state of a few neurons (tests, diagnostics);
 * when given with recordNeurons, the recording is returned in `debugRecording`.
 * `spikeStats`: also return the spike counts per task step and the interspike-interval sums (`spikes`).
 */
export function simulateLif(
  model: LifModelSpec,
  net: BuiltNetwork,
  input: Float64Array,
  T: number,
  seed: number,
  debug?: LifDebug,
  spikeStats = false,
): LifResult & { debugRecording?: LifDebugRecording } {
  const { n, d, dt, sub, refSteps, synDecay, readDecay, noiseAmp, memDecay, bias, csc, v0 } = lifSetup(model, net, input, T, seed, spikeStats);
  const vRest = model.vRest;
  const vReset = model.vReset;
  const vTh = model.vTh;
  const colPtr = csc.colPtr;
  const rowIdx = csc.rowIdx;
  const wv = csc.values;
  const u = net.u;

  // state
  const v = v0;
  const iSyn = new Float64Array(n);
  const iIn = new Float64Array(n);
  const trace = new Float64Array(n);
  const refLeft = new Int32Array(n);
  const spiked = new Int32Array(n);
  const noiseRng = noiseAmp > 0 ? new Rng(deriveSeed(seed, 'lif-noise')) : null;

  const features = new Float64Array(T * n);
  // spike statistics (null unless asked): counts per task step, interspike intervals in sub-steps
  const counts = spikeStats ? new Uint16Array(T * n) : null;
  const isiSum = new Float64Array(spikeStats ? n : 0);
  const isiSumSq = new Float64Array(spikeStats ? n : 0);
  const isiCount = new Int32Array(spikeStats ? n : 0);
  const lastSpike = new Int32Array(spikeStats ? n : 0).fill(-1); // global sub-step of the last spike, -1: none yet
  let spikeCount = 0;
  let synapticEvents = 0;

  const onSpike = debug?.onSpike;
  const rec = debug?.recordNeurons;
  const nRec = rec ? rec.length : 0;
  const recV = rec ? new Float64Array(T * sub * nRec) : null;
  const recI = rec ? new Float64Array(T * sub * nRec) : null;

  let step = 0; // global sub-step index
  for (let t = 0; t < T; t++) {
    // input current, held over the task step
    const inRow = t * d;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const uRow = i * d;
      for (let k = 0; k < d; k++) s += u[uRow + k] * input[inRow + k];
      iIn[i] = s;
    }

    for (let s = 0; s < sub; s++, step++) {
      let nSpiked = 0;
      for (let i = 0; i < n; i++) {
        if (refLeft[i] > 0) {
          refLeft[i]--;
          v[i] = vReset;
        } else {
          const drive = iSyn[i] + iIn[i] + bias[i];
          const target = vRest + drive;
          let vi = target + (v[i] - target) * memDecay[i];
          if (noiseRng !== null) vi += noiseAmp * noiseRng.normal();
          if (vi >= vTh) {
            vi = vReset;
            refLeft[i] = refSteps;
            spiked[nSpiked++] = i;
          }
          v[i] = vi;
        }
        iSyn[i] *= synDecay;
        trace[i] *= readDecay;
      }

      // event-driven propagation: add column j of W for every neuron j that spiked
      for (let q = 0; q < nSpiked; q++) {
        const j = spiked[q];
        trace[j] += 1;
        const end = colPtr[j + 1];
        for (let e = colPtr[j]; e < end; e++) iSyn[rowIdx[e]] += wv[e];
        synapticEvents += end - colPtr[j];
      }
      spikeCount += nSpiked;

      // the spike statistics from the list of this sub-step's spikes: one test per sub-step when not asked
      if (counts !== null) {
        const row = t * n;
        for (let q = 0; q < nSpiked; q++) {
          const j = spiked[q];
          counts[row + j]++;
          const last = lastSpike[j];
          if (last >= 0) {
            const isi = step - last;
            isiSum[j] += isi;
            isiSumSq[j] += isi * isi;
            isiCount[j]++;
          }
          lastSpike[j] = step;
        }
      }

      if (onSpike) {
        const timeMs = (step + 1) * dt;
        for (let q = 0; q < nSpiked; q++) onSpike(spiked[q], timeMs);
      }
      if (rec && recV && recI) {
        const base = step * nRec;
        for (let r = 0; r < nRec; r++) {
          recV[base + r] = v[rec[r]];
          recI[base + r] = iSyn[rec[r]];
        }
      }
    }

    features.set(trace, t * n);
  }

  const result: LifResult & { debugRecording?: LifDebugRecording } = lifResult(model, n, T, features, spikeCount, synapticEvents);
  if (counts !== null) result.spikes = { counts, isiSum, isiSumSq, isiCount };
  if (recV && recI) result.debugRecording = { v: recV, iSyn: recI, subSteps: T * sub };
  return result;
}
