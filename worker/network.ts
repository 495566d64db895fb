// Seeded network generation: recurrent W, input U, bias b and time constants tau, each from its own
// seed derived from one network seed, then the resilience manipulations of docs/model.md §3.4.
import type { Manipulation, NetworkSpec } from '../common/spec.js';
import { QuenchError } from '../common/errors.js';
import { drawTaus, perturbTaus, tauBoundsOf, tauStats } from './heterogeneity.js';
import { spectralRadius, type Eigenvalues } from './linalg.js';
import { deriveSeed, Rng } from './rng.js';
import type { BuiltNetwork, Csr } from './types.js';

/** tau mean, step and bounds of a network's model, in the model's own time unit */
export function tauUnit(spec: NetworkSpec): { tauMean: number; dt: number } {
  return spec.model.kind === 'rate'
    ? { tauMean: spec.model.tauMeanSteps, dt: 1 }
    : { tauMean: spec.model.tauMeanMs, dt: spec.model.dtSimMs };
}

export function tauBounds(spec: NetworkSpec): { tauMin: number; tauMax: number } {
  const { tauMean, dt } = tauUnit(spec);
  return tauBoundsOf(spec.heterogeneity, tauMean, dt);
}

/**
 * Erdos-Renyi weights N(0,1) with probability p, unscaled. With Dale's law the first 80 % of the
 * neurons are excitatory (|N(0,1)|) and the rest inhibitory with weight -4 |N(0,1)|, so the
 * expected input from the two populations cancels (0.8 * 1 = 0.2 * 4).
 */
export function erdosRenyi(n: number, p: number, seed: number, dale: boolean): Float64Array {
  const rng = new Rng(seed);
  const w = new Float64Array(n * n);
  const nExc = Math.round(0.8 * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      if (rng.uniform() >= p) continue;
      const x = rng.normal();
      w[row + j] = dale ? (j < nExc ? Math.abs(x) : -4 * Math.abs(x)) : x;
    }
  }
  return w;
}

function scaleInPlace(a: Float64Array, factor: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= factor;
}

/** Scale raw weights by gain g / sqrt(p N), or to an exact spectral radius. */
function scaleRecurrent(w: Float64Array, spec: NetworkSpec, p: number): void {
  const n = spec.n;
  if (spec.scaling.mode === 'gain') {
    scaleInPlace(w, spec.scaling.g / Math.sqrt(p * n));
    return;
  }
  const rho = spectralRadius(w, n);
  if (rho === 0) {
    if (spec.scaling.rho === 0) return;
    throw new QuenchError('spec', `network.scaling.rho: the drawn recurrent matrix has spectral radius 0 (n = ${n}, p = ${p}); it cannot be scaled to ${spec.scaling.rho}. Raise n or p.`);
  }
  scaleInPlace(w, spec.scaling.rho / rho);
}

export function denseToCsr(w: Float64Array, rows: number, cols: number): Csr {
  let nnz = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) nnz++;
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    rowPtr[i] = k;
    const row = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = w[row + j];
      if (v !== 0) {
        colIdx[k] = j;
        values[k] = v;
        k++;
      }
    }
  }
  rowPtr[rows] = k;
  return { rows, cols, rowPtr, colIdx, values };
}

/** What a run records about its network beyond the arrays. */
export interface NetworkInfo {
  /** connection density actually realised after manipulations */
  density: number;
}

/**
 * Build a network from its spec and a network seed. Every matrix has its own derived seed, so the
 * heterogeneity family and level change only tau, and the input dimension changes only U.
 */
export function buildNetwork(spec: NetworkSpec, d: number, networkSeed: number): BuiltNetwork {
  const n = spec.n;
  const dale = spec.model.kind === 'lif' && spec.model.dale;
  const w = erdosRenyi(n, spec.p, deriveSeed(networkSeed, 'W'), dale);
  scaleRecurrent(w, spec, spec.p);

  const rngU = new Rng(deriveSeed(networkSeed, 'U'));
  const u = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) {
    // draw both numbers always, so inputConnectivity does not shift the stream of the others
    const keep = rngU.uniform() < spec.inputConnectivity;
    const x = rngU.normal();
    u[i] = keep ? x * spec.inputScale : 0;
  }

  const b = new Rng(deriveSeed(networkSeed, 'b')).fillNormal(new Float64Array(n), spec.biasScale);

  const { tauMean, dt } = tauUnit(spec);
  const draw = drawTaus(spec.heterogeneity, n, tauMean, dt, deriveSeed(networkSeed, 'tau'));

  const net: BuiltNetwork = {
    n,
    d,
    w,
    wCsr: denseToCsr(w, n, n),
    u,
    b,
    tau: draw.tau,
    tauStats: draw.stats,
    density: 0,
  };
  spec.manipulations.forEach((m, k) => applyManipulation(net, m, spec, deriveSeed(networkSeed, 'manipulation', k)));
  net.wCsr = denseToCsr(net.w, n, n);
  net.density = net.wCsr.values.length / (n * n);
  return net;
}

/** One resilience manipulation, in place. Seeded; recorded by the spec that asked for it. */
export function applyManipulation(net: BuiltNetwork, m: Manipulation, spec: NetworkSpec, seed: number): void {
  const n = net.n;
  switch (m.op) {
    case 'scaleGain':
      scaleInPlace(net.w, m.factor);
      return;
    case 'removeRecurrence':
      net.w.fill(0);
      return;
    case 'scaleInput':
      scaleInPlace(net.u, m.factor);
      return;
    case 'resampleConnectivity': {
      // a fresh Erdos-Renyi draw at the new p, scaled by the same rule as the base network
      const dale = spec.model.kind === 'lif' && spec.model.dale;
      const w = erdosRenyi(n, m.p, seed, dale);
      scaleRecurrent(w, { ...spec, n }, m.p);
      net.w.set(w);
      return;
    }
    case 'weightNoise': {
      const rng = new Rng(seed);
      for (let i = 0; i < net.w.length; i++) if (net.w[i] !== 0) net.w[i] *= 1 + m.sigma * rng.normal();
      return;
    }
    case 'prune': {
      const idx: number[] = [];
      for (let i = 0; i < net.w.length; i++) if (net.w[i] !== 0) idx.push(i);
      const k = Math.round(m.fraction * idx.length);
      if (m.mode === 'weakest') {
        idx.sort((a, b) => Math.abs(net.w[a]) - Math.abs(net.w[b]) || a - b);
      } else {
        const rng = new Rng(seed);
        for (let i = idx.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
        }
      }
      for (let i = 0; i < k; i++) net.w[idx[i]] = 0;
      return;
    }
    case 'perturbTau': {
      const { tauMin, tauMax } = tauBounds(spec);
      net.tau = perturbTaus(net.tau, m.sigma, seed, tauMin, tauMax);
      // the calibrated nominal c (match 'realised') still describes how the base taus were drawn
      const { bounded, nominalCv } = net.tauStats;
      net.tauStats = nominalCv === undefined ? tauStats(net.tau, bounded) : { ...tauStats(net.tau, bounded), nominalCv };
      return;
    }
  }
}

/** the largest |λ| of a spectrum (spectralRadius's, on eigenvalues already computed) */
function radiusOf(e: Eigenvalues, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, Math.hypot(e.re[i], e.im[i]));
  return r;
}

/**
 * Above this size the exact eigenvalues (O(N^3), ~0.2 s at N = 400 in WebAssembly) are not computed for
 * every run: rhoW / rhoEff and the mechanisms' spectrum are then null and the reports say so.
 */
export const SPECTRA_MAX_N = 400;

/** Spectral radius of W and of the leak-aware linearised rate update diag(a) + diag(1 - a) W. */
export function spectralSummary(
  net: BuiltNetwork,
  leak: Float64Array | null,
  eig?: (a: Float64Array, n: number) => Eigenvalues,
  /** W's eigenvalues when the caller has them already */
  wEigenvalues?: Eigenvalues,
): { rhoW: number; rhoEff: number | null } {
  const n = net.n;
  const rhoW = wEigenvalues ? radiusOf(wEigenvalues, n) : spectralRadius(net.w, n, eig);
  if (!leak) return { rhoW, rhoEff: null };
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const one = 1 - leak[i];
    const row = i * n;
    for (let j = 0; j < n; j++) m[row + j] = one * net.w[row + j];
    m[row + i] += leak[i];
  }
  return { rhoW, rhoEff: spectralRadius(m, n, eig) };
}
