import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { availableBackends } from './backends/registry.js';
import { accumulateReadout, fitReadout, scoreReadout, solveRidgeGrid, type ReadoutProblem, type ReadoutScores } from './readout.js';
import { Rng } from './rng.js';

/** Textbook ridge with an unpenalised intercept: centre on train, solve (Xc'Xc + a I) w = Xc'yc. */
function closedForm(x: number[][], y: number[], tr: [number, number], alpha: number) {
  const n = x[0].length;
  const rows = x.slice(tr[0], tr[1]);
  const ys = y.slice(tr[0], tr[1]);
  const mu = Array.from({ length: n }, (_, i) => rows.reduce((s, r) => s + r[i], 0) / rows.length);
  const ym = ys.reduce((s, v) => s + v, 0) / ys.length;
  const xc = new Matrix(rows.map((r) => r.map((v, i) => v - mu[i])));
  const a = xc.transpose().mmul(xc).add(Matrix.eye(n, n).mul(alpha));
  const w = solve(a, xc.transpose().mmul(Matrix.columnVector(ys.map((v) => v - ym)))).getColumn(0);
  return (row: number[]) => ym + row.reduce((s, v, i) => s + (v - mu[i]) * w[i], 0);
}

function problem(seed: number, T: number, n: number, k: number, noise: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  for (let t = 0; t < T; t++) x.push(Array.from({ length: n }, () => rng.normal()));
  // correlated columns make the ridge value matter
  for (const r of x) r[n - 1] = r[0] + 0.01 * r[n - 1];
  const ys: number[][] = [];
  for (let kk = 0; kk < k; kk++) {
    const beta = Array.from({ length: n }, () => rng.normal());
    ys.push(x.map((r) => 2 + r.reduce((s, v, i) => s + v * beta[i], 0) + noise * rng.normal()));
  }
  return { x, ys };
}

describe.each(availableBackends())('ridge readout on backend $name', (backend) => {
  const T = 400;
  const n = 7;
  const K = 5;
  const { x, ys } = problem(11, T, n, K, 1.5);
  const p: ReadoutProblem = {
    features: Float64Array.from(x.flat()),
    n,
    steps: T,
    targets: Float64Array.from(ys.flat()),
    k: K,
    classification: new Array(K).fill(false),
    train: { start: 20, end: 220 },
    validation: { start: 220, end: 310 },
    test: { start: 310, end: 400 },
    ridges: [1e-6, 1e-2, 1, 10, 100, 1000],
  };

  it('chooses the ridge with the lowest validation error and scores test exactly like the closed form', () => {
    const s = fitReadout(backend, p);
    for (let kk = 0; kk < K; kk++) {
      const y = ys[kk];
      let bestErr = Infinity;
      let bestAlpha = NaN;
      for (const alpha of p.ridges) {
        const f = closedForm(x, y, [20, 220], alpha);
        let e = 0;
        for (let t = 220; t < 310; t++) e += (f(x[t]) - y[t]) ** 2;
        if (e < bestErr) {
          bestErr = e;
          bestAlpha = alpha;
        }
      }
      expect(s.ridge[kk]).toBe(bestAlpha);
      const f = closedForm(x, y, [20, 220], bestAlpha);
      const yt = y.slice(310);
      const ym = yt.reduce((a, b) => a + b, 0) / yt.length;
      let ssRes = 0;
      let ssTot = 0;
      for (let t = 310; t < 400; t++) {
        ssRes += (f(x[t]) - y[t]) ** 2;
        ssTot += (y[t] - ym) ** 2;
      }
      expect(s.r2[kk]).toBeCloseTo(1 - ssRes / ssTot, 9);
      expect(s.nrmse[kk]).toBeCloseTo(Math.sqrt(ssRes / ssTot), 9);
      expect(s.capacity[kk]).toBe(Math.min(1, Math.max(0, s.r2[kk])));
    }
  });

  it('learns a noiseless linear target perfectly, with or without an offset', () => {
    const clean = problem(5, T, n, 1, 0);
    const s = fitReadout(backend, { ...p, k: 1, classification: [false], targets: Float64Array.from(clean.ys[0]), features: Float64Array.from(clean.x.flat()), ridges: [1e-10] });
    expect(s.r2[0]).toBeGreaterThan(1 - 1e-9);
  });

  it('a target independent of the features scores about zero capacity', () => {
    const rng = new Rng(99);
    const y = Float64Array.from({ length: T }, () => rng.normal());
    const s = fitReadout(backend, { ...p, k: 1, classification: [false], targets: y });
    expect(s.r2[0]).toBeLessThan(0.05);
    expect(s.capacity[0]).toBeLessThan(0.05);
  });

  it('scores classification by the sign of the prediction', () => {
    const y = Float64Array.from(x, (r) => (r[1] + 0.2 * r[2] >= 0 ? 1 : -1));
    const s = fitReadout(backend, { ...p, k: 1, classification: [true], targets: y });
    expect(s.accuracy[0]).toBeGreaterThan(0.85);
    expect(s.accuracy[0]).toBeLessThanOrEqual(1);
  });

  it('in stages: accumulate once, solve the grid, score gives the bits of fitReadout', () => {
    for (const q of [p, ...Object.values(pinnedProblems())]) {
      const acc = accumulateReadout(backend, q);
      const solution = solveRidgeGrid(backend, acc, q.ridges);
      expect(solution.validationError).toHaveLength(q.k * q.ridges.length);
      const staged = scoresDigest(scoreReadout(backend, acc, solution, q.classification));
      // (fitReadout's workspace may be the memory the stages used: their digest is taken first)
      expect(staged).toBe(scoresDigest(fitReadout(backend, q)));
    }
  });

  it('solving with the one ridge a task chose on the grid gives that task the same validation error, weights and scores', () => {
    const acc = accumulateReadout(backend, p);
    const grid = solveRidgeGrid(backend, acc, p.ridges);
    // copies: the next accumulation may reuse the workspace these live in
    const weights = Float64Array.from(grid.weights);
    const errors = Float64Array.from(grid.validationError);
    const scores = scoreReadout(backend, acc, grid, p.classification);
    // the tasks of this problem choose different ridges, so the single-ridge solves below differ
    expect(new Set(scores.ridge).size).toBeGreaterThan(1);
    for (let kk = 0; kk < K; kk++) {
      const alpha = scores.ridge[kk];
      const one = accumulateReadout(backend, p);
      const single = solveRidgeGrid(backend, one, [alpha]);
      expect(Array.from(single.ridge)).toEqual(new Array(K).fill(alpha));
      expect(single.validationError[kk]).toBe(errors[kk * p.ridges.length + p.ridges.indexOf(alpha)]);
      expect(Array.from(single.weights.subarray(kk * n, (kk + 1) * n))).toEqual(Array.from(weights.subarray(kk * n, (kk + 1) * n)));
      const s = scoreReadout(backend, one, single, p.classification);
      for (const key of ['r2', 'capacity', 'nrmse', 'accuracy'] as const) expect(s[key][kk], key).toBe(scores[key][kk]);
    }
  });

  it('runs each stage once per accumulation, in order', () => {
    const acc = accumulateReadout(backend, p);
    const unsolved = { ridge: new Float64Array(K), validationError: new Float64Array(0), weights: new Float64Array(K * n) };
    expect(() => scoreReadout(backend, acc, unsolved, p.classification)).toThrow(/needs solveRidgeGrid/);
    const solution = solveRidgeGrid(backend, acc, p.ridges);
    expect(() => solveRidgeGrid(backend, acc, p.ridges)).toThrow(/once per readout accumulation/);
    scoreReadout(backend, acc, solution, p.classification);
    expect(() => scoreReadout(backend, acc, solution, p.classification)).toThrow(/once per readout accumulation/);
  });

  it("keeps the training targets' sums of squares about their training means (trainYy, for the alignment measure)", () => {
    const acc = accumulateReadout(backend, p);
    for (let kk = 0; kk < K; kk++) {
      const y = ys[kk].slice(20, 220);
      const m = y.reduce((a, b) => a + b, 0) / y.length;
      expect(acc.trainYy[kk]).toBeCloseTo(y.reduce((a, b) => a + (b - m) ** 2, 0), 8);
    }
  });

  it('rejects segments that do not fit', () => {
    expect(() => fitReadout(backend, { ...p, test: { start: 310, end: 401 } })).toThrow(/does not fit/);
  });

  it("kept targets: their statistics computed once per segments, with the bits of a readout that computes its own", () => {
    const kept = Float64Array.from(p.targets);
    // another network's features on the same targets first, then these, then a shorter training segment
    const other = { ...p, features: p.features.map((v, i) => v * (1 + (i % 3) * 0.1)) };
    const shorter = { ...p, train: { start: 20, end: 120 } };
    for (const q of [other, p, shorter]) {
      const own = scoresDigest(fitReadout(backend, q));
      expect(scoresDigest(fitReadout(backend, { ...q, targets: kept, targetsKept: true }))).toBe(own);
    }
    // computed once: a second accumulation on the same segments is handed the same arrays
    const first = accumulateReadout(backend, { ...p, targets: kept, targetsKept: true }).trainYy;
    expect(accumulateReadout(backend, { ...other, targets: kept, targetsKept: true }).trainYy).toBe(first);
    expect(accumulateReadout(backend, { ...shorter, targets: kept, targetsKept: true }).trainYy).not.toBe(first);
    // unmarked targets get their own
    expect(accumulateReadout(backend, { ...p, targets: kept }).trainYy).not.toBe(first);
  });
});

/** sha256 over the bytes of every array fitReadout returns, in a fixed order */
function scoresDigest(s: ReadoutScores): string {
  const h = createHash('sha256');
  for (const a of [s.r2, s.capacity, s.nrmse, s.accuracy, s.ridge, s.gramEigenvalues]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

/** two fixed problems whose scores are pinned by digest below */
function pinnedProblems(): Record<'regression' | 'degenerate', ReadoutProblem> {
  // the problem of the suite above, its last two tasks scored by sign as well
  const { x, ys } = problem(11, 400, 7, 5, 1.5);
  const regression: ReadoutProblem = {
    features: Float64Array.from(x.flat()),
    n: 7,
    steps: 400,
    targets: Float64Array.from(ys.flat()),
    k: 5,
    classification: [false, false, false, true, true],
    train: { start: 20, end: 220 },
    validation: { start: 220, end: 310 },
    test: { start: 310, end: 400 },
    ridges: [1e-6, 1e-2, 1, 10, 100, 1000],
  };
  // rank-deficient features (an exact copy of column 0 and a constant column: two zero eigenvalues,
  // cut off at ridge 0), a constant target (no variance on test) and a sign target
  const [T, n] = [300, 6];
  const rng = new Rng(23);
  const X = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < 4; i++) X[t * n + i] = rng.normal();
    X[t * n + 4] = 3;
    X[t * n + 5] = X[t * n];
  }
  const Y = new Float64Array(3 * T);
  for (let t = 0; t < T; t++) {
    const r = X.subarray(t * n, t * n + n);
    Y[t] = 0.5 + r[0] - 2 * r[1] + 0.3 * r[3] + 0.5 * rng.normal();
    Y[T + t] = -1.25;
    Y[2 * T + t] = r[2] - 0.5 * r[1] >= 0 ? 1 : -1;
  }
  const degenerate: ReadoutProblem = {
    features: X,
    n,
    steps: T,
    targets: Y,
    k: 3,
    classification: [false, false, true],
    train: { start: 0, end: 150 },
    validation: { start: 150, end: 220 },
    test: { start: 220, end: 300 },
    ridges: [0, 1e-8, 1e-2, 10],
  };
  return { regression, degenerate };
}

/**
 * scoresDigest of fitReadout on pinnedProblems(), computed with worker/readout.ts as it was before
 * fitReadout was split into accumulateReadout / solveRidgeGrid / scoreReadout (a script running the
 * built dist/worker/readout.js on these two problems; this test gave the same digests on that
 * version). The other WebAssembly backends without fused multiply-add (wasm-f32, the -split ones)
 * and gpujs-cpu gave wasm's digests; the -fma ones their own (not pinned here). A deliberate change of
 * the arithmetic (the kernels, the eigen-solvers, the order of a sum) moves them: re-pin then.
 */
const PINNED: Record<string, Record<keyof ReturnType<typeof pinnedProblems>, string>> = {
  cpu: {
    regression: '31e10f52a791d36b02bc2cb2445f2af992cd9e77e0234a3b743be077095276e8',
    degenerate: '049976278edbcb61c065b448f897a09f2209fde950d293bbb911fe840291f045',
  },
  wasm: {
    regression: '72e817e55743902001c0287f8ac84d80ba19fb29c7f121eec7e9021e1e16b341',
    degenerate: '6a29108f6ca6f71d2ed6ee551bb5da5b72eed054153eb4b06c5854cf9ba8d658',
  },
};

describe.each(Object.keys(PINNED))('fitReadout on backend %s', (name) => {
  const backend = availableBackends().find((b) => b.name === name);
  it.skipIf(!backend)('gives the pinned bits', () => {
    const problems = pinnedProblems();
    for (const which of ['regression', 'degenerate'] as const) expect(scoresDigest(fitReadout(backend!, problems[which])), which).toBe(PINNED[name][which]);
  });
});
