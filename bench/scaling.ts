// Scaling (issue 16, target 5): time per run against the network size N (sparse, p = 0.1) and against
// the number of tasks K, for the rate and the LIF model, with log-log slopes fitted and set against the
// algorithm's own exponent.
//
//   npx tsc -p tsconfig.json && node dist/bench/scaling.js [--quick]
//   node dist/bench/scaling.js --redraw     (fits, notes and figure again from bench/out/scaling.json)
//
// writes bench/out/scaling.json (points, fits, notes) and bench/out/scaling.svg (two log-log panels,
// the fitted slope next to each line) and prints both tables. bench/run.ts runs it as a section.
//
// What is timed: runs as the app makes them. A spec goes through parseExperiment (common/validate.ts)
// and planRuns (main/plan.ts); its one run is timed by executeRun(run, backendByName('wasm'))
// (worker/run.ts), whose RunResult.timings split it into simulateMs, readoutMs, mechanismsMs and
// totalMs (preparation + simulation + readout + mechanism measures). Every run: lognormal
// heterogeneity c = 1, D = 3 white-noise channels, segments washout 100 / train 1000 / validation
// 200 / test 200 (1500 task steps; a LIF run simulates them as 15 000 sub-steps of 1 ms), the default
// ridge grid (11 values) and the default mechanisms (the spectra are off above N = 400).
//   Axis N: N = 250, 500, 1000, 2000, 4000 (quick: 250, 500, 1000), p = 0.1, suite: delay on
//     channel 0 with d = 0..19 (20 tasks), so that the simulation and the N-dependent part of the
//     readout dominate.
//   Axis tasks: N = 300, p = 0.1, suite: delay on the 3 channels with d = 0..m-1, m = 4, 17, 67, 167,
//     333, 667, i.e. K = 12, 51, 201, 501, 999, 2001 (quick: up to 501).
// Repeats: one warm-up run of the same spec, then best of 2 (each part's best: simulate, readout and
// total are each the smallest of the two). At N = 2000 no separate warm-up (the code is warm from the
// smaller sizes; best of 2); at N = 4000 one run (its readout alone is minutes on one core). Each
// point records what it had (repeats, warmup).
// Fits: least squares of log t on log x over the upper half of each axis's points (the largest
// ceil(count / 2), at least 3 where there are 3), where fixed costs no longer dominate; the slope over
// all points is recorded beside it (slopeAll). ok = slope <= expected + TOLERANCE.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LifModelSchema, type TaskFamilySpec } from '../common/spec.js';
import { parseExperiment } from '../common/validate.js';
import { planRuns } from '../main/plan.js';
import { packageRoot } from '../main/paths.js';
import { backendByName } from '../worker/backends/registry.js';
import { executeRun, totalSteps } from '../worker/run.js';
import { scalingFigure, type ScalingPanel, type ScalingSeries } from './scaling-figure.js';

export interface ScalingPoint {
  model: 'rate' | 'lif';
  axis: 'n' | 'tasks';
  n: number;
  /** K: the tasks the run's suite has */
  tasks: number;
  /** non-zeros of W as built (density x N^2) */
  nnz: number;
  /** task steps (a LIF run simulates dtTaskMs / dtSimMs = 10 sub-steps per task step) */
  steps: number;
  simulateMs: number;
  readoutMs: number;
  totalMs: number;
  /** the mechanism measures (inside totalMs) */
  mechanismsMs: number;
  /** LIF: the network's mean rate (the event-driven cost goes with it); rate: null */
  meanRateHz: number | null;
  /** timed runs (best of these) and whether a warm-up run of the same spec came first */
  repeats: number;
  warmup: boolean;
}

export interface ScalingFit {
  model: 'rate' | 'lif';
  axis: 'n' | 'tasks';
  part: 'simulate' | 'readout' | 'total';
  x: 'n' | 'nnz' | 'tasks';
  /** least-squares slope of log t on log x over the points `fitted` */
  slope: number;
  /** log10 t (ms) at x = 1, for drawing the fitted line */
  intercept: number;
  /** the x values fitted (the upper half of the axis) */
  fitted: number[];
  /** the slope over every point of the axis */
  slopeAll: number;
  /** the algorithm's own exponent in x */
  expected: number;
  expectedWhy: string;
  /** slope <= expected + TOLERANCE */
  ok: boolean;
  /** what the measured points say beyond the slope: where the time goes, and why a slope is above its exponent */
  note: string;
}

export interface ScalingResult {
  points: ScalingPoint[];
  fits: ScalingFit[];
  svg: string;
  /** the machine and the set-up, and the fits above their exponent with their explanation */
  notes: string[];
  cpu: string;
  quick: boolean;
  wallSeconds: number;
}

/** how far above the algorithm's exponent a fitted slope may be before it is flagged: timings on a
 *  shared machine scatter by a few per cent per point, which moves a slope over one decade by ~0.05 */
export const TOLERANCE = 0.15;

const P = 0.1;
const SEGMENTS = { washout: 100, train: 1000, validation: 200, test: 200 };
const N_AXIS = [250, 500, 1000, 2000, 4000];
const N_AXIS_QUICK = [250, 500, 1000];
const TASKS_N = 300;
/** delays per channel on the tasks axis (3 channels): K = 3 m */
const DELAYS = [4, 17, 67, 167, 333, 667];
const DELAYS_QUICK = [4, 17, 67, 167];
const N_AXIS_SUITE: TaskFamilySpec[] = [{ family: 'delay', channels: [0], delays: range(20) }];
/** a LIF task step in seconds and in sub-steps, at the model's defaults (which the runs keep) */
const LIF_DEFAULTS = LifModelSchema.parse({ kind: 'lif' });
const LIF_STEP_S = LIF_DEFAULTS.dtTaskMs / 1000;
const LIF_SUB_STEPS = Math.round(LIF_DEFAULTS.dtTaskMs / LIF_DEFAULTS.dtSimMs);
/** task steps on the training segment plus the validation segment: the two Gram matrices' T */
const GRAM_T = SEGMENTS.train + SEGMENTS.validation;

function range(m: number): number[] {
  return Array.from({ length: m }, (_, i) => i);
}

function progress(msg: string): void {
  process.stderr.write(`[scaling] ${msg}\n`);
}

/** warm-up and repeats at a size: see the header */
function schedule(axis: 'n' | 'tasks', n: number): { warmup: boolean; repeats: number } {
  if (axis === 'tasks' || n <= 1000) return { warmup: true, repeats: 2 };
  if (n <= 2000) return { warmup: false, repeats: 2 };
  return { warmup: false, repeats: 1 };
}

function measure(model: 'rate' | 'lif', axis: 'n' | 'tasks', n: number, families: TaskFamilySpec[]): ScalingPoint {
  const spec = parseExperiment({
    name: `bench scaling ${model} ${axis}`,
    network: { n, p: P, model: { kind: model }, heterogeneity: { family: 'lognormal', cv: 1 } },
    input: { segments: SEGMENTS },
    suite: { name: 'bench scaling', families },
  });
  const run = planRuns(spec)[0];
  const backend = backendByName('wasm');
  const { warmup, repeats } = schedule(axis, n);
  if (warmup) executeRun(run, backend);
  const best = { simulateMs: Infinity, readoutMs: Infinity, totalMs: Infinity, mechanismsMs: Infinity };
  let tasks = 0;
  let nnz = 0;
  let meanRateHz: number | null = null;
  for (let r = 0; r < repeats; r++) {
    const res = executeRun(run, backend);
    const t = res.timings;
    best.simulateMs = Math.min(best.simulateMs, t.simulateMs);
    best.readoutMs = Math.min(best.readoutMs, t.readoutMs);
    best.totalMs = Math.min(best.totalMs, t.totalMs);
    best.mechanismsMs = Math.min(best.mechanismsMs, t.mechanismsMs ?? 0);
    tasks = res.summary.tasks;
    nnz = Math.round(res.network.density * n * n);
    meanRateHz = res.network.meanRateHz;
  }
  return { model, axis, n, tasks, nnz, steps: totalSteps(run), ...best, meanRateHz, repeats, warmup };
}

// ---------------------------------------------------------------------------------------------
// fits

/** least squares of log10 y on log10 x */
export function logLogFit(xs: number[], ys: number[]): { slope: number; intercept: number } {
  const lx = xs.map(Math.log10);
  const ly = ys.map(Math.log10);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  return { slope, intercept: my - slope * mx };
}

/** the upper half of points sorted by x: the largest ceil(count / 2), at least 3 where there are */
function upperHalf<T>(sorted: T[]): T[] {
  const keep = Math.min(sorted.length, Math.max(3, Math.ceil(sorted.length / 2)));
  return sorted.slice(sorted.length - keep);
}

/** Two non-negative terms a f(x) + b g(x) fitted to y on relative error (each row divided by y). */
function twoTerms(f: number[], g: number[], y: number[]): { a: number; b: number } {
  const rows = y.map((v, i) => [f[i] / v, g[i] / v]);
  let [saa, sab, sbb, sa, sb] = [0, 0, 0, 0, 0];
  for (const [p, q] of rows) {
    saa += p * p;
    sab += p * q;
    sbb += q * q;
    sa += p;
    sb += q;
  }
  const det = saa * sbb - sab * sab;
  let a = det > 0 ? (sa * sbb - sb * sab) / det : 0;
  let b = det > 0 ? (sb * saa - sa * sab) / det : 0;
  // a negative term: the other alone
  if (a < 0 || b < 0 || !(det > 0)) {
    const aOnly = sa / saa;
    const bOnly = sb / sbb;
    const err = (x: number, z: number) => rows.reduce((s, [p, q]) => s + (1 - x * p - z * q) ** 2, 0);
    [a, b] = err(aOnly, 0) <= err(0, bOnly) ? [aOnly, 0] : [0, bOnly];
  }
  return { a, b };
}

/** the index i whose step from pts[i] to pts[i + 1] multiplies f the most */
function jump(pts: ScalingPoint[], f: (p: ScalingPoint) => number): number {
  let best = 0;
  for (let i = 1; i + 1 < pts.length; i++) if (f(pts[i + 1]) / f(pts[i]) > f(pts[best + 1]) / f(pts[best])) best = i;
  return best;
}

const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MB`;

/** L2 and L3 sizes from Linux's sysfs where it has them (bytes; null elsewhere) */
function cacheSizes(): { l2: number | null; l3: number | null } {
  const out: { l2: number | null; l3: number | null } = { l2: null, l3: null };
  for (let i = 0; i < 8; i++) {
    try {
      const dir = `/sys/devices/system/cpu/cpu0/cache/index${i}`;
      const level = readFileSync(`${dir}/level`, 'utf8').trim();
      const size = readFileSync(`${dir}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)/.exec(size);
      if (!m) continue;
      const bytes = Number(m[1]) * (m[2] === 'K' ? 1024 : m[2] === 'M' ? 2 ** 20 : m[2] === 'G' ? 2 ** 30 : 1);
      if (level === '2') out.l2 = bytes;
      if (level === '3') out.l3 = bytes;
    } catch {
      break;
    }
  }
  return out;
}

interface FitSpec {
  part: ScalingFit['part'];
  x: ScalingFit['x'];
  expected: number;
  why: string;
}

function fitSpecs(model: 'rate' | 'lif', axis: 'n' | 'tasks'): FitSpec[] {
  const sim =
    model === 'rate'
      ? 'one CSR mat-vec per task step, T nnz multiply-adds, plus O(T N) for leak, input and tanh'
      : 'event-driven: per 1-ms sub-step O(N) membrane and synapse updates plus one column of W (pN entries) per spike, i.e. rate x nnz events at a fixed rate';
  if (axis === 'n')
    return [
      { part: 'simulate', x: 'nnz', expected: 1, why: `${sim}: exponent 1 in nnz (the O(T N) part pulls it below 1 at small N)` },
      { part: 'simulate', x: 'n', expected: 2, why: `${sim}: nnz = p N^2 at fixed p, exponent 2 in N` },
      {
        part: 'readout',
        x: 'n',
        expected: 3,
        why: `training and validation Gram matrices X'X over ${GRAM_T} steps (T N^2, exponent 2), the eigen-decomposition of G (Householder + QL with vectors) and Q = V'GvV (N^3, exponent 3): between 2 and 3, 3 once N^3 dominates (the QL sweeps per eigenvalue depend on the Gram's spectrum, so rate and LIF readouts differ at equal N)`,
      },
      { part: 'total', x: 'n', expected: 3, why: 'simulation (exponent 2 in N) + readout (up to 3) + mechanism measures (O(T N) and O(N^2) above N = 400): the readout\'s N^3 sets it' },
    ];
  return [
    { part: 'simulate', x: 'tasks', expected: 0, why: 'the simulation does not see the tasks: exponent 0' },
    {
      part: 'readout',
      x: 'tasks',
      expected: 1,
      why: "per task: targets (T), X'y on training and validation (T N), projections onto V (2 N^2), the ridge grid (11 x N^2), weights (N^2) and test predictions (T_test N), all linear in K; the Gram matrices and eigen-decomposition are fixed: exponent 1, approached from below",
    },
    { part: 'total', x: 'tasks', expected: 1, why: 'fixed simulation plus the readout and the per-task mechanism measures (alignment): exponent 1, approached from below' },
  ];
}

function xOf(p: ScalingPoint, x: ScalingFit['x']): number {
  return x === 'n' ? p.n : x === 'nnz' ? p.nnz : p.tasks;
}

/** what the points say beyond the slope; the explanation where the slope is above its exponent */
function noteFor(model: 'rate' | 'lif', axis: 'n' | 'tasks', part: ScalingFit['part'], x: ScalingFit['x'], pts: ScalingPoint[], flagged: boolean): string {
  const caches = cacheSizes();
  const cacheText = `L2 ${caches.l2 ? mb(caches.l2) : '?'} per core, L3 ${caches.l3 ? mb(caches.l3) : '?'}`;
  const lo = pts[0];
  const hi = pts[pts.length - 1];
  if (axis === 'n' && part === 'simulate' && x === 'nnz') {
    if (model === 'rate') {
      const per = (p: ScalingPoint) => (p.simulateMs * 1e6) / (p.steps * p.nnz);
      const csr = (p: ScalingPoint) => p.nnz * 12 + (p.n + 1) * 4;
      // where the time per non-zero jumps most between neighbouring sizes
      const j = jump(pts, per);
      return (
        `${pts.map((p) => `N=${p.n}: ${fmt(per(p), 2)} ns per nnz per step, CSR W ${mb(csr(p))}`).join('; ')} (${cacheText}). ` +
        (flagged
          ? `Above 1: the time per non-zero is ${fmt(per(pts[j]))} ns at N=${pts[j].n} and ${fmt(per(pts[j + 1]))} ns at N=${pts[j + 1].n}, where W's CSR arrays (12 bytes a non-zero: ${mb(csr(pts[j + 1]))}) ` +
            `no longer stay in the caches: every step streams all of W once, and the ${mb(pts[j + 1].n * 8)} of features written each step (${mb(pts[j + 1].n * 8 * pts[j + 1].steps)} a run) and the other core share the L3, so W comes from memory each step, at memory bandwidth instead of L3 bandwidth. ` +
            'The exponent in nnz is still 1: it is the cost per non-zero that steps up once, at the cache size.'
          : 'Time per non-zero about constant or falling (the O(T N) part is amortised): the mat-vec is nnz-bound.')
      );
    }
    // LIF: the events are rate x duration x N x pN
    const seconds = (p: ScalingPoint) => p.steps * LIF_STEP_S;
    const events = (p: ScalingPoint) => (p.meanRateHz ?? 0) * seconds(p) * p.n * (p.nnz / p.n);
    const ev = logLogFit(
      pts.map(events),
      pts.map((p) => p.simulateMs),
    );
    const csc = (p: ScalingPoint) => p.nnz * 12 + (p.n + 1) * 4;
    return (
      `${pts.map((p) => `N=${p.n}: ${fmt(p.meanRateHz ?? NaN, 1)} Hz, ${(events(p) / 1e6).toFixed(0)} M synaptic events, ${fmt((p.simulateMs * 1e6) / Math.max(1, events(p)), 2)} ns per event, CSC W ${mb(csc(p))}`).join('; ')}; ` +
      `slope against the synaptic events (rate x nnz x duration): ${fmt(ev.slope)} (${cacheText}). ` +
      (flagged
        ? `Above 1: ${hi.meanRateHz !== null && lo.meanRateHz !== null && hi.meanRateHz > lo.meanRateHz * 1.1 ? `the mean rate rose with N (${fmt(lo.meanRateHz, 1)} to ${fmt(hi.meanRateHz, 1)} Hz), and the events go with rate x nnz; ` : ''}each spike scatters into a column of W at random rows of I_syn, and once W's CSC copy is past the caches every event is a cache miss.`
        : 'Events, not neurons, set the cost: about constant time per event.')
    );
  }
  if (axis === 'n' && part === 'simulate') return 'as the fit against nnz (nnz = p N^2)';
  if (axis === 'n' && part === 'readout') {
    // readout = a T N^2 + b N^3 on relative error: which term dominates at each N
    const { a, b } = twoTerms(
      pts.map((p) => GRAM_T * p.n ** 2),
      pts.map((p) => p.n ** 3),
      pts.map((p) => p.readoutMs),
    );
    const share = (p: ScalingPoint) => (b * p.n ** 3) / (a * GRAM_T * p.n ** 2 + b * p.n ** 3);
    const gramBytes = (p: ScalingPoint) => p.n * p.n * 8;
    const local = pts.slice(1).map((p, i) => `${pts[i].n}-${p.n}: ${fmt(Math.log(p.readoutMs / pts[i].readoutMs) / Math.log(p.n / pts[i].n))}`);
    return (
      `readout ~ a T N^2 + b N^3 (T = ${GRAM_T}) fitted to every point: the N^3 term's share ${pts.map((p) => `${(100 * share(p)).toFixed(0)} % at N=${p.n}`).join(', ')}` +
      ` (${share(hi) > 0.5 ? 'the eigen-decomposition and Q = V\'GvV dominate' : "the Gram matrices dominate"} at the top); local slopes ${local.join(', ')}; an N x N matrix is ${pts.map((p) => `${mb(gramBytes(p))} at N=${p.n}`).join(', ')} (${cacheText}). ` +
      (flagged
        ? `Above 3: the N^3 term dominates, and its cost per N^3 steps up where the N x N matrices leave the L3 (${mb(gramBytes(pts[pts.length - 1]))} at N=${hi.n}): the eigen-decomposition (worker/linalg.ts: Householder tridiagonalisation, then implicit QL accumulating the rotations into V) is matrix-vector work (BLAS-2) that streams the N x N matrix once per column and V once per QL sweep, with no blocking, so past the L3 it runs at memory bandwidth; the readout's products (dotRows: the Gram matrices and Q = V'GvV) block their inner dimension in chunks of 512, sized for L2 at N = 300, and a chunk of N rows is ${mb(hi.n * 512 * 8)} at N=${hi.n}. The algorithm's exponent is still 3: the time per N^3 steps up once, at the cache size.`
        : '')
    );
  }
  if (axis === 'n' && part === 'total') {
    const sh = (p: ScalingPoint) => `N=${p.n}: simulate ${(100 * p.simulateMs / p.totalMs).toFixed(0)} %, readout ${(100 * p.readoutMs / p.totalMs).toFixed(0)} %, mechanisms ${(100 * p.mechanismsMs / p.totalMs).toFixed(0)} %`;
    return `${pts.map(sh).join('; ')}.${flagged ? ' Above 3: the readout is the run at these sizes, and its N^3 work runs at memory bandwidth once its N x N matrices leave the L3 (see the readout fit).' : ''}`;
  }
  if (part === 'simulate') {
    return `${pts.map((p) => `K=${p.tasks}: ${p.simulateMs.toFixed(0)} ms`).join(', ')}${flagged ? '. Above 0: the simulation does not read the suite; what varies is the machine (another process on the shared cores) or the memory the readout left behind.' : ''}`;
  }
  // tasks axis, readout or total: fixed + per-task cost, fitted linearly on relative error
  const y = pts.map((p) => (part === 'readout' ? p.readoutMs : p.totalMs));
  const { a, b } = twoTerms(
    pts.map(() => 1),
    pts.map((p) => p.tasks),
    y,
  );
  return (
    `${part} ~ ${fmt(a, 1)} ms + ${fmt(b * 1000, 1)} us x K fitted to every point: the per-task part is ${pts.map((p) => `${((100 * b * p.tasks) / (a + b * p.tasks)).toFixed(0)} % at K=${p.tasks}`).join(', ')}.` +
    (flagged
      ? " Above 1: the per-task arrays (K x N weights and projections, K x T targets) outgrow the caches as K grows, so the time per task rises."
      : '')
  );
}

function fitsFor(points: ScalingPoint[]): ScalingFit[] {
  const out: ScalingFit[] = [];
  for (const model of ['rate', 'lif'] as const)
    for (const axis of ['n', 'tasks'] as const) {
      const pts = points.filter((p) => p.model === model && p.axis === axis).sort((a, b) => (axis === 'n' ? a.n - b.n : a.tasks - b.tasks));
      if (pts.length < 2) continue;
      for (const f of fitSpecs(model, axis)) {
        const t = (p: ScalingPoint) => (f.part === 'simulate' ? p.simulateMs : f.part === 'readout' ? p.readoutMs : p.totalMs);
        const top = upperHalf(pts);
        const { slope, intercept } = logLogFit(top.map((p) => xOf(p, f.x)), top.map(t));
        const all = logLogFit(pts.map((p) => xOf(p, f.x)), pts.map(t));
        const ok = slope <= f.expected + TOLERANCE;
        out.push({
          model,
          axis,
          part: f.part,
          x: f.x,
          slope,
          intercept,
          fitted: top.map((p) => xOf(p, f.x)),
          slopeAll: all.slope,
          expected: f.expected,
          expectedWhy: f.why,
          ok,
          note: noteFor(model, axis, f.part, f.x, pts, !ok),
        });
      }
    }
  return out;
}

// ---------------------------------------------------------------------------------------------
// figure

/** The section's figure from its points and fits (e.g. to redraw it from bench/out/scaling.json). */
export function scalingSvg(points: ScalingPoint[], fits: ScalingFit[], cpu: string, quick = false): string {
  const label = { rate: 'rate', lif: 'LIF' } as const;
  const panel = (axis: 'n' | 'tasks'): ScalingPanel => {
    const series: ScalingSeries[] = [];
    for (const model of ['rate', 'lif'] as const)
      for (const part of ['simulate', 'readout'] as const) {
        const pts = points.filter((p) => p.model === model && p.axis === axis).sort((a, b) => (axis === 'n' ? a.n - b.n : a.tasks - b.tasks));
        if (!pts.length) continue;
        const x = (p: ScalingPoint) => (axis === 'n' ? p.n : p.tasks);
        const fit = fits.find((f) => f.model === model && f.axis === axis && f.part === part && f.x === (axis === 'n' ? 'n' : 'tasks'));
        const perNnz = axis === 'n' && part === 'simulate' ? fits.find((f) => f.model === model && f.axis === 'n' && f.part === 'simulate' && f.x === 'nnz') : undefined;
        const flagged = !!fit && (!fit.ok || (perNnz ? !perNnz.ok : false));
        series.push({
          name: `${label[model]} ${part}`,
          family: model,
          dash: part === 'simulate' ? 0 : 1,
          points: pts.map((p) => [x(p), (part === 'simulate' ? p.simulateMs : p.readoutMs) / 1000]),
          fit: fit && {
            slope: fit.slope,
            // the fit is in ms; the figure in seconds
            intercept: fit.intercept - 3,
            xFrom: Math.min(...fit.fitted),
            xTo: Math.max(...fit.fitted),
            label: `${fmt(fit.slope)}${perNnz ? ` (${fmt(perNnz.slope)}/nnz)` : ''} vs ${fit.expected}`,
            flagged,
          },
        });
      }
    const tasksN = points.find((p) => p.axis === 'n')?.tasks;
    return axis === 'n'
      ? { title: `time per run vs N (p = ${P}, ${tasksN ?? '?'} tasks)`, xLabel: 'network size N (neurons)', series }
      : { title: `time per run vs tasks (N = ${TASKS_N}, p = ${P})`, xLabel: 'tasks K', series };
  };
  const fitted = (axis: 'n' | 'tasks') => [...new Set(fits.filter((f) => f.axis === axis && f.x !== 'nnz').flatMap((f) => f.fitted))].join(', ');
  return scalingFigure(
    [panel('n'), panel('tasks')],
    `Scaling: time per run, wasm backend, one thread, ${cpu}${quick ? ' (quick)' : ''}`,
    'time per run (s), best of 2',
    [
      `Runs as the app makes them (planRuns + executeRun): lognormal c = 1, ${SEGMENTS.washout + SEGMENTS.train + SEGMENTS.validation + SEGMENTS.test} task steps (LIF: ${LIF_SUB_STEPS} sub-steps each), 11 ridges; warm-up + best of 2 (N = 2000: best of 2; N = 4000: 1 run).`,
      `Slopes: least squares of log t on log x over the upper half (N = ${fitted('n')}; K = ${fitted('tasks')}), "vs" the algorithm's own exponent; bold with a red "!": above it by more than ${TOLERANCE}.`,
      'Simulate: rate T nnz, LIF events = rate x nnz (exponent 2 in N, 1 in nnz, in brackets). Readout: Gram T N^2 + eigen-decomposition N^3 (2 to 3 in N), linear in K.',
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// the section

export function scalingSection(opts: { quick?: boolean } = {}): ScalingResult {
  const quick = opts.quick ?? false;
  const started = performance.now();
  const points: ScalingPoint[] = [];
  for (const model of ['rate', 'lif'] as const) {
    for (const n of quick ? N_AXIS_QUICK : N_AXIS) {
      progress(`${model} N=${n}`);
      points.push(measure(model, 'n', n, N_AXIS_SUITE));
    }
    for (const m of quick ? DELAYS_QUICK : DELAYS) {
      progress(`${model} N=${TASKS_N}, ${3 * m} tasks`);
      points.push(measure(model, 'tasks', TASKS_N, [{ family: 'delay', channels: 'all', delays: range(m) }]));
    }
  }
  return analyse(points, os.cpus()[0]?.model?.trim() || 'unknown CPU', quick, (performance.now() - started) / 1000);
}

/** fits, notes and figure of measured points (scalingSection's, or bench/out/scaling.json's again) */
export function analyse(points: ScalingPoint[], cpu: string, quick: boolean, wallSeconds: number): ScalingResult {
  const fits = fitsFor(points);
  const svg = scalingSvg(points, fits, cpu, quick);
  const caches = cacheSizes();
  const notes = [
    `CPU: ${cpu}, ${os.availableParallelism()} cores; L2 ${caches.l2 ? mb(caches.l2) : 'unknown'} per core, L3 ${caches.l3 ? mb(caches.l3) : 'unknown'}; Node ${process.version}; wasm backend, one thread`,
    `repeats: one warm-up then best of 2 up to N = 1000 and on the tasks axis; N = 2000 best of 2 without a separate warm-up; N = 4000 one run`,
    ...fits.filter((f) => !f.ok).map((f) => `ABOVE EXPONENT: ${f.model} ${f.part} vs ${f.x}: slope ${fmt(f.slope)} > ${f.expected} + ${TOLERANCE}. ${f.note}`),
  ];
  return { points, fits, svg, notes, cpu, quick, wallSeconds };
}

// ---------------------------------------------------------------------------------------------
// CLI: node dist/bench/scaling.js [--quick]

function printTables(r: ScalingResult): void {
  console.log(`\nScaling (${r.cpu}${r.quick ? ', quick' : ''}): ${r.wallSeconds.toFixed(0)} s`);
  console.log('\nmodel axis      N     K       nnz  rate Hz  simulate ms  readout ms  mechanisms ms  total ms  runs');
  for (const p of r.points) {
    console.log(
      `${p.model.padEnd(5)} ${p.axis.padEnd(5)} ${String(p.n).padStart(5)} ${String(p.tasks).padStart(5)} ${String(p.nnz).padStart(9)} ${(p.meanRateHz === null ? '-' : p.meanRateHz.toFixed(1)).padStart(8)} ${p.simulateMs.toFixed(1).padStart(12)} ${p.readoutMs.toFixed(1).padStart(11)} ${p.mechanismsMs.toFixed(1).padStart(14)} ${p.totalMs.toFixed(1).padStart(9)}  ${p.warmup ? 'w+' : ''}${p.repeats}`,
    );
  }
  console.log('\nmodel axis  part      vs     slope  (all pts)  expected  ok   fitted on');
  for (const f of r.fits) {
    console.log(`${f.model.padEnd(5)} ${f.axis.padEnd(5)} ${f.part.padEnd(9)} ${f.x.padEnd(6)} ${fmt(f.slope).padStart(6)} ${fmt(f.slopeAll).padStart(10)} ${String(f.expected).padStart(9)}  ${f.ok ? 'yes' : 'NO '}  ${f.fitted.join(', ')}`);
  }
  console.log('\nnotes:');
  for (const f of r.fits) console.log(`- ${f.model} ${f.axis} ${f.part} vs ${f.x}: ${f.note}`);
  for (const n of r.notes) console.log(`* ${n}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = join(packageRoot(), 'bench', 'out');
  // --redraw: the fits, notes and figure again from the points of bench/out/scaling.json, measuring nothing
  const result = process.argv.includes('--redraw')
    ? (() => {
        const old = JSON.parse(readFileSync(join(dir, 'scaling.json'), 'utf8')) as ScalingResult;
        return analyse(old.points, old.cpu, old.quick, old.wallSeconds);
      })()
    : scalingSection({ quick: process.argv.includes('--quick') });
  mkdirSync(dir, { recursive: true });
  const { svg, ...rest } = result;
  writeFileSync(join(dir, 'scaling.json'), JSON.stringify(rest, null, 2));
  writeFileSync(join(dir, 'scaling.svg'), svg);
  printTables(result);
  console.log(`\nwrote ${join(dir, 'scaling.json')} and ${join(dir, 'scaling.svg')}`);
}
