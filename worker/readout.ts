// Ridge readout shared by every task of a suite (docs/model.md §6). One simulation, one centred Gram
// matrix G = Xc'Xc on the training segment, one eigen-decomposition G = V diag(l) V'. A task then
// costs X'y and a few N-vectors, and every ridge value of the grid costs O(N^2):
//   w(alpha) = V diag(1 / (l + alpha)) V' Xc'y
// The validation error of every alpha comes in closed form from Q = V' Xv'Xv V and r = V' Xv'yv,
//   e(alpha) = c'Qc - 2 c'r + |yv|^2,  c = diag(1 / (l + alpha)) V' Xc'y,
// so no prediction is formed until the chosen alpha is scored on the test segment. The intercept is
// not penalised: features and targets are centred on the training segment.
// The work is in three stages, as ReservoirPy's ridge readout has it (accumulate once, then solve for
// many targets and ridge values): accumulateReadout (the Gram matrix, its eigen-decomposition, X'Y and
// the validation sums), solveRidgeGrid (every ridge for every task, the chosen weights) and
// scoreReadout (test predictions and scores). fitReadout runs the three.
import type { Backend, Workspace } from './backends/backend.js';
import { transpose } from './linalg.js';

export interface Segment {
  start: number;
  end: number;
}

export interface ReadoutProblem {
  /** T x N time-major features */
  features: Float64Array;
  n: number;
  steps: number;
  /** K x T task-major targets */
  targets: Float64Array;
  /**
   * The targets are kept between readouts and never written (worker/run.ts targetsOf: the runs of a
   * sweep that share an input seed share them): their own statistics on the segments (TargetStats)
   * are then kept with them and computed once.
   */
  targetsKept?: boolean;
  k: number;
  classification: readonly boolean[];
  train: Segment;
  validation: Segment;
  test: Segment;
  ridges: readonly number[];
}

export interface ReadoutScores {
  r2: Float64Array;
  capacity: Float64Array;
  nrmse: Float64Array;
  /** NaN for regression tasks */
  accuracy: Float64Array;
  ridge: Float64Array;
  /** eigenvalues of the centred training Gram matrix (ascending), for diagnostics */
  gramEigenvalues: Float64Array;
}

/** mu = the mean of X's rows t0..t1 (X is T x n), xt = (X - mu)' as n x T in the workspace */
export function centredTranspose(X: Float64Array, n: number, T: number, t0: number, t1: number, ws: Workspace): { xt: Float64Array; mu: Float64Array } {
  const mu = new Float64Array(n);
  for (let t = t0; t < t1; t++) {
    const row = t * n;
    for (let i = 0; i < n; i++) mu[i] += X[row + i];
  }
  for (let i = 0; i < n; i++) mu[i] /= t1 - t0;
  const xt = ws.f64(n * T);
  // in tiles of 256 time steps x 8 neurons: a tile's reads share cache lines and its writes are 8
  // short runs (measured twice as fast as whole 64-step columns at N = 300, T = 10 000)
  for (let c0 = 0; c0 < T; c0 += 256) {
    const c1 = Math.min(T, c0 + 256);
    for (let i0 = 0; i0 < n; i0 += 8) {
      const i1 = Math.min(n, i0 + 8);
      for (let t = c0; t < c1; t++) {
        const row = t * n;
        for (let i = i0; i < i1; i++) xt[i * T + t] = X[row + i] - mu[i];
      }
    }
  }
  return { xt, mu };
}

/** What the accumulation reads: a ReadoutProblem less what only the later stages need. */
export type ReadoutData = Omit<ReadoutProblem, 'classification' | 'ridges'>;

/**
 * What a readout needs of its targets alone, the same for every network read out on them: the
 * training means and sums of squares about them, the validation sums of squares about the training
 * means, and on test each task's sum of squares about its test mean. Each sum in time order, as
 * the readout forms them.
 */
interface TargetStats {
  yMean: Float64Array;
  trainYy: Float64Array;
  validationYy: Float64Array;
  testSsTot: Float64Array;
}

/** TargetStats kept per targets array (those marked targetsKept) and segments */
const keptTargetStats = new WeakMap<Float64Array, Map<string, TargetStats>>();

function targetStats(p: ReadoutData): TargetStats {
  const { steps: T, k: K, targets: Y, train, validation: val, test } = p;
  const compute = (): TargetStats => {
    const nTrain = train.end - train.start;
    const nTest = test.end - test.start;
    const yMean = segmentSums(Y, K, T, train.start, train.end);
    for (let k = 0; k < K; k++) yMean[k] /= nTrain;
    const testMean = segmentSums(Y, K, T, test.start, test.end).map((s) => s / nTest);
    return {
      yMean,
      trainYy: segmentSquares(Y, K, T, train.start, train.end, yMean),
      validationYy: segmentSquares(Y, K, T, val.start, val.end, yMean),
      testSsTot: segmentSquares(Y, K, T, test.start, test.end, testMean),
    };
  };
  if (!p.targetsKept) return compute();
  const key = `${T} ${K} ${train.start} ${train.end} ${val.start} ${val.end} ${test.start} ${test.end}`;
  let bySegments = keptTargetStats.get(Y);
  if (!bySegments) keptTargetStats.set(Y, (bySegments = new Map()));
  let stats = bySegments.get(key);
  if (!stats) bySegments.set(key, (stats = compute()));
  return stats;
}

export function checkSegments(p: ReadoutData): void {
  const segs = [p.train, p.validation, p.test];
  for (const s of segs) {
    if (!(s.start >= 0 && s.end <= p.steps && s.end > s.start)) {
      throw new Error(`readout segment [${s.start}, ${s.end}) does not fit in ${p.steps} steps`);
    }
  }
  if (p.features.length !== p.steps * p.n) throw new Error(`features hold ${p.features.length} values, expected ${p.steps} x ${p.n}`);
  if (p.targets.length !== p.k * p.steps) throw new Error(`targets hold ${p.targets.length} values, expected ${p.k} x ${p.steps}`);
}

/**
 * Everything the ridge grid and the scores need from the features and targets, computed once:
 * the training Gram matrix G = Xc'Xc decomposed as V diag(l) V', X'Y in that eigenbasis, and the
 * validation sums in the same basis. G itself is not kept: its memory holds the validation Gram
 * while it is projected. The task-indexed arrays are K x N, task-major.
 *
 * The arrays marked "in the workspace" live in the backend's workspace, which the accumulation sized
 * for one solveRidgeGrid and one scoreReadout on it (in that order, `stage` says which is next): they
 * are valid until the backend's next workspace() call, that is, the next accumulation.
 */
export interface ReadoutAccumulator {
  n: number;
  steps: number;
  k: number;
  /** the caller's T x N features and K x T targets: the score stage reads the test rows from them */
  features: Float64Array;
  targets: Float64Array;
  test: Segment;
  ws: Workspace;
  /** feature means over the training segment (N) */
  mu: Float64Array;
  /** target means over the training segment (K) */
  yMean: Float64Array;
  /**
   * |yc|^2 per task (K): the training targets' sum of squares about yMean. Not used by the readout
   * itself: the task-state alignment (worker/mechanisms.ts) divides the variance the top principal
   * components capture, sum of (V' Xc'y)_i^2 / l_i, by it.
   */
  trainYy: Float64Array;
  /** l: eigenvalues of G, ascending (N) */
  eigenvalues: Float64Array;
  /** V: eigenvectors of G as columns, row-major N x N */
  eigenvectors: Float64Array;
  /** (V' Xc'Y)': the training X'Y in the eigenbasis, K x N, in the workspace */
  xtyEigen: Float64Array;
  /** Q = V' Xv'Xv V, validation features centred on the training means, N x N, in the workspace */
  validationGram: Float64Array;
  /** (V' Xv'yv)', validation targets centred on the training means, K x N, in the workspace */
  validationXty: Float64Array;
  /** |yv|^2 per task (K) */
  validationYy: Float64Array;
  /** per task (K): the test targets' sum of squares about their test mean */
  testSsTot: Float64Array;
  /** pseudo-inverse cut-off: directions whose (l + alpha) is at rounding level of the largest */
  cut: number;
  /** the stage that may run next on this accumulation (each runs once: the workspace has room for one) */
  stage: 'solve' | 'score' | 'done';
}

/** The ridge grid solved for every task. */
export interface RidgeSolution {
  /** the ridge each task chose: the lowest validation error, the first in the grid on a tie (K) */
  ridge: Float64Array;
  /** validation error |Xv w - yv|^2 of every task at every ridge of the grid, K x R task-major */
  validationError: Float64Array;
  /** W': the weights at each task's chosen ridge, K x N, in the workspace; prediction = yMean + W'(x - mu) */
  weights: Float64Array;
}

/**
 * The readout's products that grow with the steps, in `ws`: the centred features transposed to N x T
 * (so that every product is a dot of long rows) with their training means, the targets, the training
 * Gram matrix and X'Y. accumulateReadout's first stage, and what a backend calibration times
 * (stepProducts) beside the simulation: the rest of a readout is O(N^3) and O(K N^2) work of the same
 * dot-product kernel, the same on every step count.
 */
function trainingProducts(backend: Backend, p: ReadoutData, ws: Workspace) {
  const { n, steps: T, k: K, features: X, targets: Y, train } = p;
  const { xt, mu } = backend.centredTranspose ? backend.centredTranspose(X, n, T, train.start, train.end, ws) : centredTranspose(X, n, T, train.start, train.end, ws);
  const y = backend.dotRowsReadsAnywhere ? Y : ws.copy(Y);
  const g = backend.dotRows(xt, n, T, xt, n, T, train.start, train.end, true, ws.f64(n * n));
  // sum over train of xc_t = 0, so X'y needs no centring of y; everything task-indexed is K x N
  const bt = backend.dotRows(y, K, T, xt, n, T, train.start, train.end, false, ws.f64(K * n)); // (X'Y)'
  return { xt, mu, y, g, bt };
}

/** trainingProducts alone, in a workspace of its own size (worker/probe.ts times it) */
export function stepProducts(backend: Backend, p: ReadoutData): void {
  checkSegments(p);
  const { n, steps: T, k: K } = p;
  trainingProducts(backend, p, backend.workspace(n * T + K * T + n * n + K * n + (backend.centredTranspose ? n * T + n : 0), 8));
}

/**
 * out[r] = the sum of rows[r * T + t] over t0 <= t < t1, each summed in time order from 0. Four rows
 * at a time: four independent sums in flight instead of one chain of dependent additions, and each
 * row's additions exactly as one at a time (same bits).
 */
export function segmentSums(rows: Float64Array, count: number, T: number, t0: number, t1: number): Float64Array {
  const out = new Float64Array(count);
  let r = 0;
  for (; r + 3 < count; r += 4) {
    const o0 = r * T, o1 = o0 + T, o2 = o1 + T, o3 = o2 + T;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let t = t0; t < t1; t++) {
      s0 += rows[o0 + t];
      s1 += rows[o1 + t];
      s2 += rows[o2 + t];
      s3 += rows[o3 + t];
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < count; r++) {
    let s = 0;
    for (let t = t0; t < t1; t++) s += rows[r * T + t];
    out[r] = s;
  }
  return out;
}

/** out[r] = the sum of (rows[r * T + t] - centre[r])^2 over t0 <= t < t1, in time order; four rows at a time as segmentSums */
export function segmentSquares(rows: Float64Array, count: number, T: number, t0: number, t1: number, centre: Float64Array): Float64Array {
  const out = new Float64Array(count);
  let r = 0;
  for (; r + 3 < count; r += 4) {
    const o0 = r * T, o1 = o0 + T, o2 = o1 + T, o3 = o2 + T;
    const c0 = centre[r], c1 = centre[r + 1], c2 = centre[r + 2], c3 = centre[r + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let t = t0; t < t1; t++) {
      const e0 = rows[o0 + t] - c0;
      const e1 = rows[o1 + t] - c1;
      const e2 = rows[o2 + t] - c2;
      const e3 = rows[o3 + t] - c3;
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < count; r++) {
    const c = centre[r];
    let s = 0;
    for (let t = t0; t < t1; t++) {
      const e = rows[r * T + t] - c;
      s += e * e;
    }
    out[r] = s;
  }
  return out;
}

/** out[r * n + j] = a[r * n + j] * scale[j] for rows r < count (a backend may do it: Backend.scaleColumns) */
export function scaleColumns(a: Float64Array, count: number, n: number, scale: Float64Array, out: Float64Array): void {
  for (let r = 0; r < count; r++) {
    const o = r * n;
    for (let j = 0; j < n; j++) out[o + j] = a[o + j] * scale[j];
  }
}

/**
 * Per row r < count: d1[r] = sum_j a[r, j] b[r, j] and d2[r] = sum_j b[r, j] c[r, j], each summed in
 * j order from 0; two rows at a time, four sums in flight (a backend may do it: Backend.rowDots).
 */
export function rowDots(a: Float64Array, b: Float64Array, c: Float64Array, count: number, n: number, d1: Float64Array, d2: Float64Array): void {
  let r = 0;
  for (; r + 1 < count; r += 2) {
    const o0 = r * n;
    const o1 = o0 + n;
    let s0 = 0, t0 = 0, s1 = 0, t1 = 0;
    for (let j = 0; j < n; j++) {
      const b0 = b[o0 + j], b1 = b[o1 + j];
      s0 += a[o0 + j] * b0;
      t0 += b0 * c[o0 + j];
      s1 += a[o1 + j] * b1;
      t1 += b1 * c[o1 + j];
    }
    d1[r] = s0;
    d2[r] = t0;
    d1[r + 1] = s1;
    d2[r + 1] = t1;
  }
  if (r < count) {
    const o = r * n;
    let s = 0, t = 0;
    for (let j = 0; j < n; j++) {
      s += a[o + j] * b[o + j];
      t += b[o + j] * c[o + j];
    }
    d1[r] = s;
    d2[r] = t;
  }
}

/**
 * Stage 1 (ReservoirPy's "partial_fit"): centres and transposes the features, forms and decomposes
 * the training Gram matrix, and projects X'Y and the validation sums onto its eigenvectors. Costs
 * O(N^2 T + N^3 + K N T); nothing here depends on the ridge values.
 */
export function accumulateReadout(backend: Backend, p: ReadoutData): ReadoutAccumulator {
  checkSegments(p);
  const { n, steps: T, k: K, features: X, targets: Y, validation: val, test } = p;
  // every array a product reads or writes lives in the backend's workspace (no copies per product);
  // sized here for the later stages too, since a second workspace() call would reuse this memory
  const nTest = test.end - test.start;
  const extra = backend.centredTranspose ? n * T + n : 0;
  const ws = backend.workspace(n * T + K * T + 5 * n * n + 5 * n * K + nTest * (n + K) + n + 2 * K + extra, 23);

  const { xt, mu, y, g, bt } = trainingProducts(backend, p, ws);
  const { yMean, trainYy, validationYy: yy, testSsTot } = targetStats(p);

  const { values: lambda, vectors: v } = backend.symmetricEigen(g, n);
  const vt = ws.f64(n * n);
  vt.set(transpose(v, n, n));
  const zt = backend.dotRows(bt, K, n, vt, n, n, 0, n, false, ws.f64(K * n)); // (V'X'Y)'

  // Q = V' Gv V = (V' Gv) V, both products as dots of rows (Gv symmetric; V' V = I)
  const gv = backend.dotRows(xt, n, T, xt, n, T, val.start, val.end, true, g);
  const vtGv = backend.dotRows(vt, n, n, gv, n, n, 0, n, false, ws.f64(n * n));
  const q = backend.dotRows(vtGv, n, n, vt, n, n, 0, n, false, ws.f64(n * n));
  const bvt = backend.dotRows(y, K, T, xt, n, T, val.start, val.end, false, bt);
  const sv = segmentSums(xt, n, T, val.start, val.end);
  for (let kk = 0; kk < K; kk++) for (let i = 0; i < n; i++) bvt[kk * n + i] -= sv[i] * yMean[kk];
  const rt = backend.dotRows(bvt, K, n, vt, n, n, 0, n, false, ws.f64(K * n)); // (V'Xv'yv)'

  return {
    n,
    steps: T,
    k: K,
    features: X,
    targets: Y,
    test,
    ws,
    mu,
    yMean,
    trainYy,
    eigenvalues: lambda,
    eigenvectors: v,
    xtyEigen: zt,
    validationGram: q,
    validationXty: rt,
    validationYy: yy,
    testSsTot,
    cut: Number.EPSILON * n * Math.max(lambda[n - 1], 0),
    stage: 'solve',
  };
}

/**
 * Stage 2: every ridge value of the grid for every task, O(K N^2) each, from the eigen-decomposition
 * alone: c = diag(1 / (l + alpha)) V' Xc'y and the validation error c'Qc - 2 c'r + |yv|^2. Each task
 * keeps the ridge with the lowest error; its weights are formed once, W' = C V'.
 */
export function solveRidgeGrid(backend: Backend, acc: ReadoutAccumulator, ridges: readonly number[]): RidgeSolution {
  if (acc.stage !== 'solve') throw new Error('solveRidgeGrid runs once per readout accumulation (its workspace has room for one): accumulate again');
  acc.stage = 'score';
  const { n, k: K, ws, eigenvalues: lambda, xtyEigen: zt, validationGram: q, validationXty: rt, validationYy: yy, cut } = acc;
  const R = ridges.length;
  const best = new Float64Array(K).fill(Infinity);
  const bestRidge = new Float64Array(K);
  const errors = new Float64Array(K * R);
  const ct = ws.f64(K * n);
  const m = ws.f64(K * n);
  // in the workspace: a backend's loops (Backend.scaleColumns, rowDots) read them there
  const inv = ws.f64(n);
  const quad = ws.f64(K);
  const lin = ws.f64(K);
  for (let r = 0; r < R; r++) {
    const alpha = ridges[r];
    for (let j = 0; j < n; j++) {
      const den = lambda[j] + alpha;
      inv[j] = den > cut ? 1 / den : 0;
    }
    if (backend.scaleColumns) backend.scaleColumns(zt, K, n, inv, ct);
    else scaleColumns(zt, K, n, inv, ct);
    backend.dotRows(ct, K, n, q, n, n, 0, n, false, m); // K x N: (C Q)
    if (backend.rowDots) backend.rowDots(m, ct, rt, K, n, quad, lin);
    else rowDots(m, ct, rt, K, n, quad, lin);
    for (let kk = 0; kk < K; kk++) {
      const e = quad[kk] - 2 * lin[kk] + yy[kk];
      errors[kk * R + r] = e;
      if (e < best[kk]) {
        best[kk] = e;
        bestRidge[kk] = alpha;
      }
    }
  }

  // chosen coefficients in the eigenbasis (K x N), then the weights W' = C V' (K x N)
  for (let kk = 0; kk < K; kk++) {
    const alpha = bestRidge[kk];
    for (let j = 0; j < n; j++) {
      const den = lambda[j] + alpha;
      ct[kk * n + j] = den > cut ? zt[kk * n + j] / den : 0;
    }
  }
  const vRows = ws.f64(n * n);
  vRows.set(acc.eigenvectors);
  const wt = backend.dotRows(ct, K, n, vRows, n, n, 0, n, false, m);
  return { ridge: bestRidge, validationError: errors, weights: wt };
}

/**
 * Stage 3: the test predictions of the chosen weights, all at once as K x T_test dot products with
 * the test features centred on the training means, and their scores per task. `solution` is
 * solveRidgeGrid's on this accumulation.
 */
export function scoreReadout(backend: Backend, acc: ReadoutAccumulator, solution: RidgeSolution, classification: readonly boolean[]): ReadoutScores {
  if (acc.stage !== 'score') throw new Error(acc.stage === 'solve' ? 'scoreReadout needs solveRidgeGrid on this accumulation first' : 'scoreReadout runs once per readout accumulation (its workspace has room for one): accumulate again');
  acc.stage = 'done';
  const { n, steps: T, k: K, features: X, targets: Y, test, ws, mu, yMean, testSsTot } = acc;
  const nTest = test.end - test.start;
  const scores: ReadoutScores = {
    r2: new Float64Array(K),
    capacity: new Float64Array(K),
    nrmse: new Float64Array(K),
    accuracy: new Float64Array(K).fill(NaN),
    ridge: solution.ridge,
    gramEigenvalues: acc.eigenvalues,
  };
  const xs = ws.f64(nTest * n);
  for (let t = 0; t < nTest; t++) {
    const row = (test.start + t) * n;
    for (let i = 0; i < n; i++) xs[t * n + i] = X[row + i] - mu[i];
  }
  const predictions = backend.dotRows(solution.weights, K, n, xs, nTest, n, 0, n, false, ws.f64(K * nTest));
  for (let kk = 0; kk < K; kk++) {
    const pred = predictions.subarray(kk * nTest, (kk + 1) * nTest);
    for (let t = 0; t < nTest; t++) pred[t] += yMean[kk];
    let ssRes = 0;
    const ssTot = testSsTot[kk];
    const o = kk * T + test.start;
    for (let t = 0; t < nTest; t++) {
      const e = Y[o + t] - pred[t];
      ssRes += e * e;
    }
    // a target with no variance on test cannot be scored: it counts as nothing learnt
    const r2 = ssTot > 0 ? 1 - ssRes / ssTot : 0;
    scores.r2[kk] = r2;
    scores.capacity[kk] = Math.min(1, Math.max(0, r2));
    scores.nrmse[kk] = ssTot > 0 ? Math.sqrt(ssRes / ssTot) : NaN;
    if (classification[kk]) {
      // the sign of the prediction against the sign of the target (a NaN prediction is negative)
      let correct = 0;
      for (let t = 0; t < nTest; t++) correct += (pred[t] >= 0) === (Y[o + t] >= 0) ? 1 : 0;
      scores.accuracy[kk] = correct / nTest;
    }
  }
  return scores;
}

/** The three stages in a row: accumulate once, solve the whole ridge grid, score on test. */
export function fitReadout(backend: Backend, p: ReadoutProblem): ReadoutScores {
  const acc = accumulateReadout(backend, p);
  const solution = solveRidgeGrid(backend, acc, p.ridges);
  return scoreReadout(backend, acc, solution, p.classification);
}
