// Performance bench: our engine against numpy, measured in one invocation on this machine.
//
//   npm run bench      (tsc, then node dist/bench/run.js)
//
// For each item the bench measures our figure, then spawns `python3 bench/numpy_ref.py <json>`
// for numpy's figure on the same shapes, and prints ours / numpy. Speeds (steps/s, events/s):
// ratio > 1 means we are faster. Times (seconds): ratio < 1 means we are faster. The table and
// all raw figures are also written to bench/out/bench.json (git-ignored).
//
// Items:
//   1. rate update (li, tanh) steps/s, N = 100, 300, 1000, p = 0.1 (our CSR) and p = 1 (dense);
//      numpy: dense float64 W always (numpy has no sparse), plus float32 for dense N = 1000.
//      Ours three ways: one run on one thread (every backend), one run split across the cores
//      (the -split backends), and whole runs on every core at once (bench/both-cores.ts: how a
//      sweep uses the machine). numpy uses both cores through its BLAS.
//   2. readout (shared Gram, eigh, 11 ridges) N = 300, T = 10000, K = 300 and K = 1; the 300-task
//      readout also split across the cores and as one readout per core at once
//   3. LIF (TypeScript and WebAssembly kernels), N = 1000 and 4000, p = 0.1, 1 s simulated; synaptic events per wall second against
//      Brian2 measured in the same invocation where python3-brian is installed, else a quoted figure
//   4. the heterogeneity-gain preset end to end on the worker pool
//   5. the mechanism measures: what they add to a run at N = 100 and 1000, rate and LIF (bench/mechanisms.ts)
//   6. the whole study: every preset through the CLI, first-ever and later, with where the time went,
//      against the rate presets' work in plain numpy (bench/study.ts, study-plan.ts, study_numpy.py)
//   7. scaling: time per run against N (up to 4000) and against the tasks (up to 2000), rate and LIF,
//      log-log slopes against the algorithm's own exponent (bench/scaling.ts; bench/out/scaling.svg)
// Targets: issue 2's (one thread) and issue 5's (the machine's cores, however used), each named.
// Not part of the tests; python3 + numpy are optional (numpy figures print n/a without them).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { LifModelSchema, NetworkSchema, type LifModelSpec } from '../common/spec.js';
import { packageRoot } from '../main/paths.js';
import { rateFigure, type RateEntry } from './figure.js';
import { planRuns } from '../main/plan.js';
import { defaultThreads, runAll } from '../main/scheduler.js';
import { loadSpec } from '../main/specs.js';
import { availableBackends, backendByName } from '../worker/backends/registry.js';
import { generateInput } from '../worker/inputs.js';
import { simulateRate } from '../worker/models/rate.js';
import { buildNetwork } from '../worker/network.js';
import { fitReadout } from '../worker/readout.js';
import type { BuiltNetwork } from '../worker/types.js';
import { bothCores } from './both-cores.js';
import { mechanismCost, type MechanismCost } from './mechanisms.js';
import { scalingSection, type ScalingResult } from './scaling.js';
import { describeTiming, fastestNumpy, studySection, type PresetTiming } from './study.js';
import { RATE_PRESETS } from './study-plan.js';
import { CHANNELS, D, levelTaus, RIDGES, rateModel, rateSpec, readoutProblem } from './problems.js';

const ROOT = packageRoot();
const PY_SCRIPT = join(ROOT, 'bench', 'numpy_ref.py');
const OUT_DIR = join(ROOT, 'bench', 'out');
const REPEATS = 3;
const WARMUP_STEPS = 300;
const CORES = os.availableParallelism();
/** Brian2 (Cython target), N = 4000, measured by the issue's author: quoted, not measured here */
const BRIAN2_EVENTS_PER_S = 160e6;

// ---------------------------------------------------------------------------------------------
// table rows

type Reads = 'speed' | 'time' | 'info';

interface Row {
  section: string;
  item: string;
  ours: number | null;
  unit: string;
  /** the reference figure (numpy measured here, or a quoted one) */
  ref: number | null;
  refLabel: string;
  /** ours / ref */
  ratio: number | null;
  reads: Reads;
  target: string;
  /** null: no target for this row, or a figure is missing */
  met: boolean | null;
  notes: string;
}

const rows: Row[] = [];
const raw: Record<string, unknown> = {};

function ratioOf(a: number | null, b: number | null): number | null {
  return a !== null && b !== null && b > 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : null;
}

// ---------------------------------------------------------------------------------------------
// numpy side

interface PyResult {
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

function numpy(args: Record<string, unknown>): PyResult {
  const res = spawnSync('python3', [PY_SCRIPT, JSON.stringify(args)], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (res.error) return { ok: false, error: `python3 could not be run: ${res.error.message}` };
  if (res.status !== 0) return { ok: false, error: `python3 exited with ${res.status}: ${(res.stderr ?? '').trim().slice(-500)}` };
  const line = (res.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as PyResult;
  } catch {
    return { ok: false, error: `python3 printed no JSON: ${line.slice(0, 200)}` };
  }
}

function pyNumber(r: PyResult, key: string): number | null {
  const v = r[key];
  return r.ok && typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function warnPy(what: string, r: PyResult): void {
  if (!r.ok) console.error(`  numpy ${what}: ${r.error}`);
}

// ---------------------------------------------------------------------------------------------
// helpers

function bestOf(repeats: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

function progress(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// 1. rate update

/** the backend names of this process that run one run on one thread */
function oneThreadNames(precision?: 'float64' | 'float32'): Set<string> {
  return new Set(availableBackends().filter((b) => (b.threadsPerRun ?? 1) === 1 && (!precision || b.precision === precision)).map((b) => b.name));
}

/** the fastest of the (name, steps/s) entries whose name `keep` accepts */
function fastest(entries: [string, number][], keep: (name: string) => boolean): [string, number] {
  return entries.filter(([name]) => keep(name)).sort((a, b) => b[1] - a[1])[0];
}

async function benchRate(): Promise<void> {
  const configs: { n: number; p: number; steps: number }[] = [];
  for (const p of [0.1, 1]) for (const n of [100, 300, 1000]) configs.push({ n, p, steps: n <= 300 ? 10000 : 3000 });
  const out: unknown[] = [];
  const f64One = oneThreadNames('float64');
  const anyOne = oneThreadNames();
  for (const { n, p, steps } of configs) {
    progress(`rate N=${n} p=${p}`);
    const spec = rateSpec(n, p);
    const net = buildNetwork(spec, D, 1234 + n);
    const input = generateInput(CHANNELS, WARMUP_STEPS + steps, 99);
    const model = rateModel(spec);
    const perBackend: Record<string, number> = {};
    let checksum = 0;
    for (const backend of availableBackends()) {
      // reusing the last simulation's memory, as a run does (worker/run.ts): numpy's loop reuses its buffers too
      backend.simulateRate(model, net, input, WARMUP_STEPS, 1, true); // warm-up (JIT, module compile, helper thread)
      const secs = bestOf(REPEATS, () => {
        const out = backend.simulateRate(model, net, input, WARMUP_STEPS + steps, 1, true);
        checksum = out[out.length - 1];
      });
      // the warm-up steps are simulated inside each repeat too: count them
      perBackend[backend.name] = (WARMUP_STEPS + steps) / secs;
    }
    const entries = Object.entries(perBackend);
    // one run on one thread: float64 rows compare float64 backends only; the float32 row may use float32 weights
    const best = fastest(entries, (name) => f64One.has(name));
    const best32 = fastest(entries, (name) => anyOne.has(name));
    // whole runs on every core at once, on the fastest one-thread backend of each precision
    const atOnce: Record<string, number> = {};
    for (const name of new Set([best[0], ...(p === 1 && n === 1000 ? [best32[0]] : [])])) {
      progress(`rate N=${n} p=${p}: ${CORES} runs at once on ${name}`);
      const wall = await bothCores({ kind: 'rate', n, p, steps: WARMUP_STEPS + steps, backend: name, repeats: REPEATS }, CORES);
      atOnce[name] = (CORES * REPEATS * (WARMUP_STEPS + steps)) / wall;
    }
    const ours = best[1];
    const secs = (WARMUP_STEPS + steps) / ours;
    const py64 = numpy({ kind: 'rate', n, p, steps, dtype: 'float64', repeats: REPEATS, warmup: WARMUP_STEPS });
    warnPy(`rate N=${n} p=${p} float64`, py64);
    const np64 = pyNumber(py64, 'stepsPerSecond');
    const kindLabel = p < 1 ? 'sparse' : 'dense';
    const sparseTarget = p < 1 && n <= 300;
    const r64 = ratioOf(ours, np64);
    rows.push({
      section: '1 rate update',
      item: `${kindLabel} N=${n} p=${p} f64, one run, one thread (${best[0]})`,
      ours,
      unit: 'steps/s',
      ref: np64,
      refLabel: 'numpy f64 (dense W)',
      ratio: r64,
      reads: 'speed',
      target: sparseTarget ? '>= 1x (issue 2)' : '',
      met: sparseTarget && r64 !== null ? r64 >= 1 : null,
      notes: `${entries.filter(([name]) => anyOne.has(name)).map(([b, v]) => `${b} ${(v / 1000).toFixed(1)} k/s`).join(', ')}; nnz ${net.wCsr.values.length}${p < 1 ? ' (our CSR vs numpy dense matvec)' : ''}`,
    });
    // the machine's cores, used the better of two ways: one run split, or one whole run per core
    const coresRow = (precision: 'float64' | 'float32', npRef: number | null, refLabel: string, target: string, min: number) => {
      const split = entries.filter(([name]) => !anyOne.has(name) && (precision === 'float32' || backendByName(name).precision === 'float64'));
      const whole = Object.entries(atOnce).filter(([name]) => precision === 'float32' || backendByName(name).precision === 'float64');
      const ways: [string, number][] = [...split.map(([b, v]): [string, number] => [`${b}, one run split`, v]), ...whole.map(([b, v]): [string, number] => [`${b}, ${CORES} runs at once`, v])];
      const top = ways.sort((x, y) => y[1] - x[1])[0];
      const r = ratioOf(top[1], npRef);
      rows.push({
        section: '1 rate update',
        item: `${kindLabel} N=${n} p=${p} ${precision === 'float64' ? 'f64' : 'any precision'}, ${CORES} cores (${top[0]})`,
        ours: top[1],
        unit: 'steps/s',
        ref: npRef,
        refLabel,
        ratio: r,
        reads: 'speed',
        target,
        met: target && r !== null ? r >= min : null,
        notes: ways.map(([w, v]) => `${w} ${(v / 1000).toFixed(1)} k/s`).join(', '),
      });
    };
    coresRow('float64', np64, 'numpy f64 (dense W)', sparseTarget ? '>= 3x (issue 5)' : '', 3);
    const entry: Record<string, unknown> = { n, p, steps, oursSeconds: secs, oursStepsPerSecond: ours, perBackend, runsAtOnce: { cores: CORES, stepsPerSecond: atOnce }, density: net.density, checksum, numpyFloat64: py64 };
    if (p === 1 && n === 1000) {
      const py32 = numpy({ kind: 'rate', n, p, steps, dtype: 'float32', repeats: REPEATS, warmup: WARMUP_STEPS });
      warnPy(`rate N=${n} p=${p} float32`, py32);
      const np32 = pyNumber(py32, 'stepsPerSecond');
      const r32 = ratioOf(best32[1], np32);
      rows.push({
        section: '1 rate update',
        item: `dense N=${n} p=1, one run, one thread (${best32[0]}) vs numpy f32`,
        ours: best32[1],
        unit: 'steps/s',
        ref: np32,
        refLabel: 'numpy f32',
        ratio: r32,
        reads: 'speed',
        target: '>= 0.25x (issue 2)',
        met: r32 !== null ? r32 >= 0.25 : null,
        notes: 'the issue target: dense update at N = 1000',
      });
      coresRow('float32', np32, 'numpy f32', '>= 1x (issue 5)', 1);
      entry.numpyFloat32 = py32;
      entry.batched = await benchBatch(n, p, steps, perBackend, net, input);
    }
    out.push(entry);
  }
  raw.rate = out;
}

/**
 * Levels of a sweep through one W (worker/batch.ts): BATCH_STREAMS states per step on the fastest
 * batching backend of each precision, one thread and one batch per core, against numpy pushing the
 * same number of states through W as an n x k matrix. Figures are stream-steps per second.
 */
async function benchBatch(n: number, p: number, steps: number, perBackend: Record<string, number>, net: BuiltNetwork, input: Float64Array): Promise<Record<string, unknown>> {
  const spec = rateSpec(n, p);
  const model = rateModel(spec);
  const taus = levelTaus(spec, 5);
  const k = taus.length;
  const found: Record<string, unknown> = {};
  for (const precision of ['float32', 'float64'] as const) {
    const candidates = availableBackends().filter((b) => b.simulateRateBatch && b.precision === precision);
    if (!candidates.length) continue;
    const speeds: [string, number][] = candidates.map((b) => {
      progress(`rate N=${n} p=${p}: ${k} levels through one W on ${b.name}`);
      b.simulateRateBatch!(model, net, taus, input, WARMUP_STEPS, 1, true);
      const secs = bestOf(REPEATS, () => b.simulateRateBatch!(model, net, taus, input, WARMUP_STEPS + steps, 1, true));
      return [b.name, (k * (WARMUP_STEPS + steps)) / secs];
    });
    const [name, ours] = speeds.sort((a, b) => b[1] - a[1])[0];
    progress(`rate N=${n} p=${p}: ${CORES} batches at once on ${name}`);
    const wall = await bothCores({ kind: 'rate-batch', n, p, steps: WARMUP_STEPS + steps, backend: name, repeats: REPEATS }, CORES);
    const atOnce = (CORES * REPEATS * k * (WARMUP_STEPS + steps)) / wall;
    const py = numpy({ kind: 'rate', n, p, steps, dtype: precision, repeats: REPEATS, warmup: WARMUP_STEPS, streams: k });
    warnPy(`rate N=${n} p=${p} ${precision}, ${k} streams`, py);
    const np = pyNumber(py, 'streamStepsPerSecond');
    const label = precision === 'float32' ? 'f32' : 'f64';
    const gain = ours / perBackend[name];
    rows.push({
      section: '1 rate update',
      item: `dense N=${n} p=1 ${label}, ${k} levels through one W, one thread (${name})`,
      ours,
      unit: 'steps/s',
      ref: np,
      refLabel: `numpy ${label}, ${k} states (W @ R)`,
      ratio: ratioOf(ours, np),
      reads: 'speed',
      target: '',
      met: null,
      notes: `stream-steps per second; ${gain.toFixed(2)}x ${name} one level at a time (${(perBackend[name] / 1000).toFixed(1)} k/s); ${speeds.map(([b, v]) => `${b} ${(v / 1000).toFixed(1)} k/s`).join(', ')}`,
    });
    rows.push({
      section: '1 rate update',
      item: `dense N=${n} p=1 ${label}, ${k} levels through one W, ${CORES} cores (${name}, ${CORES} batches at once)`,
      ours: atOnce,
      unit: 'steps/s',
      ref: np,
      refLabel: `numpy ${label}, ${k} states (W @ R)`,
      ratio: ratioOf(atOnce, np),
      reads: 'speed',
      target: '',
      met: null,
      notes: 'stream-steps per second, all cores: how a dense heterogeneity sweep runs (worker/batch.ts)',
    });
    found[precision] = { backend: name, streams: k, oneThread: ours, atOnce, perBackend: Object.fromEntries(speeds), numpy: py };
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// 2. readout

async function benchReadout(): Promise<void> {
  const n = 300;
  const T = 10000;
  const washout = 200;
  progress(`readout: simulating the N=${n} states`);
  const spec = rateSpec(n, 0.1);
  const net = buildNetwork(spec, D, 4321);
  const input = generateInput(CHANNELS, washout + T, 77);
  const all = simulateRate(rateModel(spec), net, input, washout + T, 1);
  const features = all.slice(washout * n);

  const meanR2: Record<number, number> = {};
  const perBackend: Record<string, Record<number, number>> = {};
  for (const backend of availableBackends().filter((b) => b.precision === 'float64')) {
    perBackend[backend.name] = {};
    for (const k of [300, 1]) {
      progress(`readout K=${k} on ${backend.name}`);
      const problem = readoutProblem(k, features, input, n, T, washout);
      fitReadout(backend, problem); // warm-up (JIT)
      let r2 = 0;
      perBackend[backend.name][k] = bestOf(REPEATS, () => {
        const s = fitReadout(backend, problem);
        r2 = s.r2.reduce((a, b) => a + b, 0) / k;
      });
      meanR2[k] = r2;
    }
  }
  const oneThread = oneThreadNames('float64');
  const bestName = Object.keys(perBackend)
    .filter((b) => oneThread.has(b))
    .sort((a, b) => perBackend[a][300] - perBackend[b][300])[0];
  const ours = perBackend[bestName];
  progress(`readout K=300: ${CORES} readouts at once on ${bestName}`);
  const atOnceWall = await bothCores({ kind: 'readout', n, k: 300, backend: bestName, repeats: REPEATS }, CORES);
  /** seconds per readout while every core does readouts */
  const atOnce = atOnceWall / (CORES * REPEATS);
  const backendNotes = Object.entries(perBackend).map(([b, t]) => `${b}: 300 tasks ${(t[300] * 1000).toFixed(0)} ms, 1 task ${(t[1] * 1000).toFixed(0)} ms`).join('; ');
  const pyArgs = (k: number) => ({ kind: 'readout', n, steps: T, k, train: [0, 8000], validation: [8000, 9000], test: [9000, 10000], ridges: RIDGES, repeats: REPEATS });
  progress('readout: numpy');
  const py300 = numpy(pyArgs(300));
  warnPy('readout K=300', py300);
  const py1 = numpy(pyArgs(1));
  warnPy('readout K=1', py1);
  const np300 = pyNumber(py300, 'seconds');
  const np1 = pyNumber(py1, 'seconds');
  const r300 = ratioOf(ours[300], np300);
  rows.push({
    section: '2 readout',
    item: `N=300 T=10000, 300 tasks, 11 ridges, one thread (${bestName})`,
    ours: ours[300],
    unit: 's',
    ref: np300,
    refLabel: 'numpy f64',
    ratio: r300,
    reads: 'time',
    target: '<= 5x (issue 2)',
    met: r300 !== null ? r300 <= 5 : null,
    notes: `train 8000 / val 1000 / test 1000 steps; ${backendNotes}`,
  });
  const ways: [string, number][] = [
    ...Object.keys(perBackend)
      .filter((b) => !oneThread.has(b))
      .map((b): [string, number] => [`${b}, one readout split`, perBackend[b][300]]),
    [`${bestName}, ${CORES} readouts at once, time per readout`, atOnce],
  ];
  const top = ways.sort((a, b) => a[1] - b[1])[0];
  const rCores = ratioOf(top[1], np300);
  rows.push({
    section: '2 readout',
    item: `N=300 T=10000, 300 tasks, ${CORES} cores (${top[0]})`,
    ours: top[1],
    unit: 's',
    ref: np300,
    refLabel: 'numpy f64',
    ratio: rCores,
    reads: 'time',
    target: '<= 2x (issue 5)',
    met: rCores !== null ? rCores <= 2 : null,
    notes: ways.map(([w, v]) => `${w} ${(v * 1000).toFixed(0)} ms`).join(', '),
  });
  rows.push({
    section: '2 readout',
    item: `N=300 T=10000, 1 task, 11 ridges, one thread (${bestName})`,
    ours: ours[1],
    unit: 's',
    ref: np1,
    refLabel: 'numpy f64',
    ratio: ratioOf(ours[1], np1),
    reads: 'time',
    target: '',
    met: null,
    notes: '',
  });
  const ours300over1 = ratioOf(ours[300], ours[1]);
  rows.push({
    section: '2 readout',
    item: 'time(300 tasks) / time(1 task)',
    ours: ours300over1,
    unit: 'x',
    ref: ratioOf(np300, np1),
    refLabel: "numpy's own 300/1",
    ratio: null,
    reads: 'info',
    target: '<= 1.5 (ours, issue 2)',
    met: ours300over1 !== null ? ours300over1 <= 1.5 : null,
    notes: `ours column: our 300-task time over our 1-task time; marginal cost per task ${ours300over1 !== null ? (((ours[300] - ours[1]) / 299) * 1000).toFixed(2) : 'n/a'} ms (${(((ours[300] - ours[1]) / 299 / ours[1]) * 100).toFixed(2)} % of the 1-task readout)`,
  });
  raw.readout = { n, T, ridges: RIDGES, oursSeconds: ours, perBackend, atOnce: { cores: CORES, secondsPerReadout: atOnce }, oursMeanR2: meanR2, numpy300: py300, numpy1: py1 };
}

// ---------------------------------------------------------------------------------------------
// 3. LIF

const LIF_TASK_STEPS = 100; // 100 x 10 ms = 1 s simulated
const LIF_RATE_LO = 10;
const LIF_RATE_HI = 20;

/** the LIF kernels: TypeScript (cpu) and WebAssembly (bit-identical; both measured, the faster one counts) */
const LIF_BACKENDS = ['cpu', 'wasm'];

function lifRun(model: LifModelSpec, net: BuiltNetwork, input: Float64Array, backend = 'wasm') {
  return backendByName(backend).simulateLif(model, net, input, LIF_TASK_STEPS, 5);
}

/**
 * g alone cannot bring the default network into 10-20 Hz: the rate at g = 0 (input + bias drive
 * only) is already ~35 Hz and zero-mean random weights only add fluctuations (the rate rises with
 * g). So the gain stays at its default g and the mean bias current is lowered by bisection until
 * the mean rate lands in [10, 20] Hz (aiming at 15 Hz). Bias does not change the network, so no
 * rebuild is needed.
 */
function tuneBias(base: LifModelSpec, net: BuiltNetwork, input: Float64Array): { model: LifModelSpec; rate: number; tries: number } {
  let lo = -2;
  let hi = base.biasMean;
  let model = base;
  let rate = lifRun(model, net, input).meanRateHz;
  let tries = 1;
  while ((rate < LIF_RATE_LO || rate > LIF_RATE_HI) && tries < 16) {
    if (rate > LIF_RATE_HI) hi = model.biasMean;
    else lo = model.biasMean;
    model = { ...base, biasMean: Number(((lo + hi) / 2).toFixed(4)) };
    rate = lifRun(model, net, input).meanRateHz;
    tries++;
  }
  return { model, rate, tries };
}

/** Brian2 measured here when Debian's python3-brian is installed, else null (the quoted figure stands). */
function brian2(n: number): { eventsPerSecond: number; rateHz: number; version: string } | null {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'brian_ref.py'), String(n), '0.9'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return null;
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    return j.ok ? { eventsPerSecond: j.eventsPerSecond, rateHz: j.rateHz, version: j.brian2 } : null;
  } catch {
    return null;
  }
}

function benchLif(): void {
  const out: unknown[] = [];
  progress('LIF: Brian2 reference (compiles on its first run)');
  const measured = brian2(4000);
  const input = generateInput(CHANNELS, LIF_TASK_STEPS, 55);
  for (const n of [1000, 4000]) {
    progress(`LIF N=${n}`);
    const spec = NetworkSchema.parse({ n, p: 0.1, heterogeneity: { family: 'lognormal', cv: 1 }, model: { kind: 'lif' } });
    const net = buildNetwork(spec, D, 2024 + n);
    const g = spec.scaling.mode === 'gain' ? spec.scaling.g : NaN;
    const defaults = LifModelSchema.parse({ kind: 'lif' });
    lifRun(defaults, net, input); // warm-up (JIT)
    const atDefaults = lifRun(defaults, net, input);
    const tuned = tuneBias(defaults, net, input);
    let res = lifRun(tuned.model, net, input);
    const perBackend: Record<string, number> = {};
    for (const b of LIF_BACKENDS.filter((name) => availableBackends().some((x) => x.name === name))) {
      lifRun(tuned.model, net, input, b); // warm-up
      perBackend[b] = bestOf(REPEATS, () => {
        res = lifRun(tuned.model, net, input, b);
      });
    }
    const [bestName, secs] = Object.entries(perBackend).sort((a, b) => a[1] - b[1])[0];
    const eventsPerS = res.synapticEvents / secs;
    const refEvents = measured ? measured.eventsPerSecond : BRIAN2_EVENTS_PER_S;
    const r = ratioOf(eventsPerS, refEvents);
    rows.push({
      section: '3 LIF',
      item: `N=${n} p=0.1, 1 s sim, syn events/s (${bestName})`,
      ours: eventsPerS,
      unit: 'events/s',
      ref: refEvents,
      refLabel: measured ? `Brian2 ${measured.version} Cython N=4000, ${measured.rateHz.toFixed(1)} Hz (measured here)` : 'Brian2 Cython N=4000 (QUOTED, not measured here)',
      ratio: r,
      reads: 'speed',
      target: n === 4000 ? '>= 1x (issue 5)' : '',
      met: n === 4000 && r !== null ? r >= 1 : null,
      notes:
        `rate ${res.meanRateHz.toFixed(1)} Hz, g ${g}, biasMean ${tuned.model.biasMean} (default ${defaults.biasMean} gives ` +
        `${atDefaults.meanRateHz.toFixed(1)} Hz), ${Object.entries(perBackend).map(([b, t]) => `${b} ${(t * 1000).toFixed(0)} ms`).join(', ')}, ${(res.synapticEvents / 1e6).toFixed(1)} M events` +
        (n !== 4000 ? '; the reference is for N=4000' : ''),
    });
    out.push({
      n,
      p: 0.1,
      g,
      biasMean: tuned.model.biasMean,
      tuningRuns: tuned.tries,
      meanRateHz: res.meanRateHz,
      spikeCount: res.spikeCount,
      synapticEvents: res.synapticEvents,
      wallSeconds: secs,
      wallSecondsPerBackend: perBackend,
      eventsPerSecond: eventsPerS,
      atDefaults: { biasMean: defaults.biasMean, meanRateHz: atDefaults.meanRateHz },
      quotedBrian2EventsPerSecond: BRIAN2_EVENTS_PER_S,
      measuredBrian2: measured,
    });
  }
  raw.lif = out;
}

// ---------------------------------------------------------------------------------------------
// 4. preset end to end

async function benchPreset(): Promise<void> {
  progress('preset heterogeneity-gain');
  const { spec } = loadSpec('heterogeneity-gain');
  const runs = planRuns(spec);
  const threads = defaultThreads();
  const t0 = performance.now();
  await runAll(runs, { threads });
  const secs = (performance.now() - t0) / 1000;
  rows.push({
    section: '4 preset',
    item: `heterogeneity-gain, ${runs.length} runs, wall time`,
    ours: secs,
    unit: 's',
    ref: null,
    refLabel: '',
    ratio: null,
    reads: 'info',
    target: '< 10 s (issue 2), < 3 s (issue 5)',
    met: secs < 3,
    notes: `${(runs.length / secs).toFixed(2)} runs/s on ${threads} worker threads`,
  });
  raw.preset = { name: 'heterogeneity-gain', runs: runs.length, threads, wallSeconds: secs, runsPerSecond: runs.length / secs };
}

// ---------------------------------------------------------------------------------------------
// 5. the mechanism measures' cost

function benchMechanisms(): void {
  const out: MechanismCost[] = [];
  for (const [model, n, option] of [
    ['rate', 100, false],
    ['rate', 1000, false],
    ['rate', 1000, true],
    ['lif', 100, false],
    ['lif', 1000, false],
  ] as const) {
    progress(`mechanisms ${model} N=${n}${option ? ' with the spectra' : ''}`);
    const c = mechanismCost(model, n, option);
    out.push(c);
    rows.push({
      section: '5 mechanisms',
      item: `${model} N=${n}${option ? ', spectra above the limit (spec option)' : ', default measures'}: added to a run`,
      ours: c.share,
      unit: '%',
      ref: null,
      refLabel: '',
      ratio: null,
      reads: 'info',
      target: option ? 'behind a spec option (over 10 %)' : '≤ 10 % of the run (issue 13)',
      met: option ? c.share > 0.1 : c.share <= 0.1,
      notes:
        `${c.measuresMs.toFixed(1)} ms on a ${c.runMs.toFixed(0)} ms run (${c.steps} steps, ${c.tasks} tasks, wasm, best of 5 after 2 warm-up runs): ` +
        `${Object.entries(c.parts).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ')}; a worker's first run: ${c.firstMeasuresMs.toFixed(1)} ms on ${c.firstRunMs.toFixed(0)} ms`,
    });
  }
  raw.mechanisms = out;
}

// ---------------------------------------------------------------------------------------------
// 6. the whole study

function benchStudy(): void {
  const quick = process.argv.includes('--quick');
  const study = studySection(progress, quick ? ['heterogeneity-gain', 'spiking-heterogeneity-gain'] : undefined);
  const numpyPresets = fastestNumpy(study);
  const numpyNote = [study.numpy, study.numpy1].filter((r) => r && !r.ok).map((r) => `numpy: ${r!.error}`).join('; ');
  study.later.forEach((later, i) => {
    const first = study.first[i];
    const np = numpyPresets.get(later.preset);
    const ref = np?.seconds ?? null;
    rows.push({
      section: '6 study',
      item: `${later.preset}: a later run, wall`,
      ours: later.wallSeconds,
      unit: 's',
      ref,
      refLabel: np ? `numpy, the same runs (${np.threads})` : RATE_PRESETS.includes(later.preset) ? 'numpy, the same runs' : '',
      ratio: ratioOf(later.wallSeconds, ref),
      reads: 'time',
      target: '',
      met: null,
      notes: describeTiming(later),
    });
    const shareFirst = (first.phases.calibration ?? 0) / first.wallSeconds;
    const shareLater = (later.phases.calibration ?? 0) / later.wallSeconds;
    rows.push({
      section: '6 study',
      item: `${later.preset}: calibration, first-ever run`,
      ours: shareFirst,
      unit: '%',
      ref: null,
      refLabel: '',
      ratio: null,
      reads: 'info',
      target: '≤ 5 % (issue 16)',
      met: shareFirst <= 0.05,
      notes: `${((first.phases.calibration ?? 0) * 1000).toFixed(0)} ms of ${first.wallSeconds.toFixed(2)} s (cost estimate's probes ${((first.phases.estimate ?? 0) * 1000).toFixed(0)} ms): ${describeTiming(first)}`,
    });
    rows.push({
      section: '6 study',
      item: `${later.preset}: calibration, later run`,
      ours: shareLater,
      unit: '%',
      ref: null,
      refLabel: '',
      ratio: null,
      reads: 'info',
      target: '≤ 1 % (issue 16)',
      met: shareLater <= 0.01,
      notes: `${((later.phases.calibration ?? 0) * 1000).toFixed(1)} ms of ${later.wallSeconds.toFixed(2)} s (cost estimate ${((later.phases.estimate ?? 0) * 1000).toFixed(1)} ms)`,
    });
  });
  // the numpy reference of some presets, summed (null where one has none)
  const numpyOf = (presets: string[]) => {
    const refs = presets.map((p) => numpyPresets.get(p)?.seconds ?? null);
    return refs.every((r) => r !== null) ? refs.reduce<number>((a, r) => a + r!, 0) : null;
  };
  // where the time went: the phases and the threads' parts summed over some presets' timings
  const whereOf = (timings: PresetTiming[], wallSeconds: number) => {
    const sum = (pick: (t: PresetTiming) => Record<string, number>) => {
      const out: Record<string, number> = {};
      for (const t of timings) for (const [k, v] of Object.entries(pick(t))) if (k !== 'total') out[k] = (out[k] ?? 0) + v;
      return out;
    };
    return describeTiming({ preset: 'all', wallSeconds, phases: sum((t) => t.phases), runParts: sum((t) => t.runParts) });
  };
  const rateLater = study.later.filter((t) => RATE_PRESETS.includes(t.preset));
  const ours = rateLater.reduce((a, t) => a + t.wallSeconds, 0);
  const ref = numpyOf(rateLater.map((t) => t.preset));
  const numpyParts: Record<string, number> = {};
  for (const t of rateLater) for (const [k, v] of Object.entries(numpyPresets.get(t.preset)?.parts ?? {})) numpyParts[k] = (numpyParts[k] ?? 0) + v;
  rows.push({
    section: '6 study',
    item: `the rate presets (${rateLater.length}), later runs, wall`,
    ours,
    unit: 's',
    ref,
    refLabel: 'numpy, the same runs, tasks, readout and measures (faster thread setting per preset)',
    ratio: ratioOf(ours, ref),
    reads: 'time',
    target: '≤ 0.5x numpy (issue 16)',
    met: ratioOf(ours, ref) === null ? null : ratioOf(ours, ref)! <= 0.5,
    notes: `each preset a \`quench run\` of its own. Quench: ${whereOf(rateLater, ours)}. numpy: ${Object.entries(numpyParts).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ')}${numpyNote ? `; ${numpyNote}` : ''}`,
  });
  const one = study.oneProcess;
  if (one) {
    const oneRef = numpyOf(one.presets);
    rows.push({
      section: '6 study',
      item: `the rate presets (${one.presets.length}) in one \`quench run\`, later, wall`,
      ours: one.wallSeconds,
      unit: 's',
      ref: oneRef,
      refLabel: 'numpy, the same runs, tasks, readout and measures (faster thread setting per preset)',
      ratio: ratioOf(one.wallSeconds, oneRef),
      reads: 'time',
      target: '≤ 0.5x numpy (issue 16)',
      met: ratioOf(one.wallSeconds, oneRef) === null ? null : ratioOf(one.wallSeconds, oneRef)! <= 0.5,
      notes:
        `\`quench run ${one.presets.join(' ')}\`: one process, its worker threads warm after the first preset (first-ever ${one.firstWallSeconds.toFixed(2)} s). ` +
        `Per preset: ${one.each.map((t) => `${t.preset} ${t.wallSeconds.toFixed(2)} s`).join(', ')}. ` +
        `Quench: ${whereOf(one.each, one.wallSeconds)}`,
    });
  }
  raw.study = study;
}

// ---------------------------------------------------------------------------------------------
// 7. scaling

let scaling: ScalingResult | null = null;

function benchScaling(): void {
  scaling = scalingSection({ quick: process.argv.includes('--quick') });
  for (const f of scaling.fits) {
    rows.push({
      section: '7 scaling',
      item: `${f.model} ${f.part} vs ${f.x} (${f.axis === 'n' ? 'N' : 'tasks'} axis): log-log slope`,
      ours: f.slope,
      unit: 'slope',
      ref: f.expected,
      refLabel: "the algorithm's exponent",
      ratio: null,
      reads: 'info',
      target: `≤ ${f.expected} + 0.15, or explained (issue 16)`,
      met: f.ok,
      notes: `fitted on ${f.fitted.join(', ')}; over all points ${f.slopeAll.toFixed(2)}. ${f.expectedWhy}${f.ok ? '' : ` ${f.note}`}`,
    });
  }
  const { svg, ...rest } = scaling;
  raw.scaling = rest;
}

// ---------------------------------------------------------------------------------------------
// output

function fmt(x: number | null, unit: string): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  if (unit === 's') return x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`;
  if (unit === 'x') return `${x.toFixed(2)}x`;
  if (unit === 'slope') return x.toFixed(2);
  if (unit === '%') return `${(100 * x).toFixed(1)} %`;
  const a = Math.abs(x);
  const s = a >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : a >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : a >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1);
  return `${s}${unit === 'events/s' ? ' ev/s' : '/s'}`;
}

function readsLabel(r: Reads): string {
  return r === 'speed' ? 'speed: >1 = ours faster' : r === 'time' ? 'time: <1 = ours faster' : '';
}

function printTable(header: string[]): void {
  const cells = rows.map((r) => [
    r.section,
    r.item,
    fmt(r.ours, r.unit),
    r.ref === null ? (r.refLabel ? 'n/a' : '') : fmt(r.ref, r.unit),
    r.refLabel,
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}`,
    readsLabel(r.reads),
    r.target,
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const head = ['section', 'item', 'ours', 'reference', 'reference is', 'ours/ref', 'ratio reads', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((s, i) => (i >= 2 && i <= 3 ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join(' | ');
  console.log(header.join('\n'));
  console.log('');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
  rows.forEach((r, i) => {
    console.log(line(cells[i]));
    if (r.notes) console.log(`${' '.repeat(widths[0])} |   ${r.notes}`);
  });
}

/** throughput of two threads running the X'Y kernel at once, over one thread alone */
async function twoThreadScaling(): Promise<number> {
  if (CORES < 2) return 1;
  const names = availableBackends().map((b) => b.name);
  const backend = names.includes('wasm-fma') ? 'wasm-fma' : names.includes('wasm') ? 'wasm' : 'cpu';
  const job = { kind: 'dot', n: 300, backend, repeats: 8 } as const;
  const one = await bothCores(job, 1);
  const two = await bothCores(job, 2);
  return (2 * one) / two;
}

/**
 * What the model name leaves out (a virtual machine's is "Intel(R) Xeon(R) Processor", whatever the
 * generation): vendor, family, model and stepping, the caches of CPU 0 and the widest SIMD the CPU
 * has (ours is 128-bit WebAssembly, but for native-fma's readout and eigen-solvers; numpy's BLAS
 * uses the widest). '' where Linux does not say.
 */
function cpuDetails(): string {
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const first = read('/proc/cpuinfo').split('\n\n')[0] ?? '';
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first)?.[1]?.trim() ?? '';
  const flags = new Set(field('flags').split(/\s+/));
  const simd = flags.has('avx512f') ? 'AVX-512' : flags.has('avx2') ? 'AVX2' : flags.has('sse2') ? 'SSE2' : '';
  const caches: string[] = [];
  for (let i = 0; i < 8; i++) {
    const dir = `/sys/devices/system/cpu/cpu0/cache/index${i}`;
    const [level, type, size] = ['level', 'type', 'size'].map((f) => read(`${dir}/${f}`).trim());
    if (level && size && type !== 'Instruction') caches.push(`L${level}${type === 'Data' ? 'd' : ''} ${size}`);
  }
  const id = field('vendor_id') ? `${field('vendor_id')} family ${field('cpu family')} model ${field('model')} stepping ${field('stepping')}` : '';
  return [id, caches.join(', '), simd ? `${simd}${flags.has('fma') ? ' + FMA' : ''}` : ''].filter(Boolean).join('; ');
}

async function main(): Promise<void> {
  const started = performance.now();
  const cpus = os.cpus();
  const info = numpy({ kind: 'info' });
  warnPy('info', info);
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cpuDetails: cpuDetails(),
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    numpy: info.ok ? String(info.numpy) : 'n/a',
    blas: info.ok ? String(info.blas ?? 'unknown') : 'n/a',
    python: info.ok ? String(info.python) : 'n/a',
  };

  // Two threads at once are not always twice one: on these machines the two vCPUs have at times
  // shared one core's SIMD units (minutes apart, the same kernel ran 1.0x and 2.0x). Every figure on
  // "2 cores" depends on it, so it is measured at the start and at the end and printed in the header.
  const simdAtStart = await twoThreadScaling();

  // `npm run bench -- readout lif` runs those sections only (the figure needs the rate section)
  const asked = process.argv.slice(2).filter((a) => a !== '--quick');
  const wanted = (section: string) => asked.length === 0 || asked.includes(section);
  const sections = ['rate', 'readout', 'lif', 'preset', 'mechanisms', 'study', 'scaling'];
  const unknown = asked.filter((a) => !sections.includes(a) && a !== '--quick');
  if (unknown.length) throw new Error(`unknown bench section(s) ${unknown.join(', ')}: the sections are ${sections.join(', ')} (--quick: fewer presets in study, smaller sizes in scaling)`);
  if (wanted('rate')) await benchRate();
  if (wanted('readout')) await benchReadout();
  if (wanted('lif')) benchLif();
  if (wanted('preset')) await benchPreset();
  if (wanted('mechanisms')) benchMechanisms();
  if (wanted('study')) benchStudy();
  if (wanted('scaling')) benchScaling();
  const simdAtEnd = await twoThreadScaling();
  const totalSeconds = (performance.now() - started) / 1000;
  raw.twoThreadScaling = { atStart: simdAtStart, atEnd: simdAtEnd };

  const header = [
    `Quench bench — ${new Date().toISOString()}`,
    `machine: ${machine.cpu}${machine.cpuDetails ? ` (${machine.cpuDetails})` : ''}, ${machine.cores} cores (availableParallelism ${machine.availableParallelism}), ${machine.memoryGiB} GiB, ${machine.platform}`,
    `Node ${machine.node}; numpy ${machine.numpy} (${machine.blas}, threads as installed), Python ${machine.python}`,
    `two threads at once, the FMA-bound X'Y kernel (300 x 300 over 4096 steps): ${simdAtStart.toFixed(2)}x one thread's throughput at the start, ${simdAtEnd.toFixed(2)}x at the end (2.0 = two cores' SIMD units; 1.0 = shared)`,
    'ours: the best backend per row, named in the row (cpu = TypeScript, wasm = SIMD WebAssembly, both float64; wasm-f32 = float32 dense product; -split = one run cut across two threads; -fma = the products with fused multiply-add), on one thread or on all cores as the row says; numpy runs in a separate python3 process spawned by this bench, with its BLAS threads as installed',
    'rate: li form, tanh, lognormal tau cv 1; numpy W is dense for p = 0.1 too (numpy has no sparse), same update, same steps, best of 3',
  ];
  printTable(header);
  console.log('');
  console.log(`bench total ${totalSeconds.toFixed(1)} s`);

  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, asked.length ? `bench-${asked.join('-')}.json` : 'bench.json'); // a partial run leaves the full one alone
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine, totalSeconds, rows, raw }, null, 2) + '\n');
  console.log(`wrote ${file}`);
  if (scaling) {
    const svg = join(OUT_DIR, 'scaling.svg');
    writeFileSync(svg, scaling.svg);
    console.log(`wrote ${svg}`);
  }
  if (raw.rate) {
    const svg = join(OUT_DIR, 'rate-time-per-step.svg');
    writeFileSync(svg, rateFigure(raw.rate as RateEntry[]));
    console.log(`wrote ${svg}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
