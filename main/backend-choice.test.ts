import { afterAll, describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../worker/backends/backend.js';
import { cpuBackend } from '../worker/backends/cpu.js';
import { availableBackends } from '../worker/backends/registry.js';
import { probe } from '../worker/probe.js';
import { calibrationKey, chooseBackends, describeCalibration, fastestFor, probeCandidates, probeOf } from './backend-choice.js';
import type { Prober } from './probes.js';
import { closeIdleThreads } from './scheduler.js';
import { planRuns } from './plan.js';
import { readSpecFile } from './specs.js';


/** the CPU backend made slower on purpose: the calibration must notice */
function slowed(name: string, ms: number, precision: 'float64' | 'float32' = 'float64'): Backend {
  return {
    ...cpuBackend,
    name,
    precision,
    simulateRate(...args) {
      const until = performance.now() + ms;
      while (performance.now() < until);
      return cpuBackend.simulateRate(...args);
    },
  };
}

const runs = planRuns(readSpecFile('test/fixtures/small-experiment.json'));

/** the made-up backends below exist in this thread only: they are probed here, not in a worker */
const inThisThread = (candidates: Backend[], asked: string[] = []): Prober => async (requests) =>
  requests.map((r) => {
    asked.push(r.backend);
    return probe(r.kind ?? 'phases', r.runs, candidates.find((b) => b.name === r.backend)!, r.repeats);
  });

// probes here leave their thread idle, kept for later runs and probes: end it with the file
afterAll(closeIdleThreads);

describe('automatic backend choice', () => {
  beforeEach(() => {
    process.env.QUENCH_CALIBRATION = join(mkdtempSync(join(tmpdir(), 'quench-cal-')), 'calibration.json');
  });

  it('picks the faster backend, measures once per key and caches the measurement', async () => {
    const fast = slowed('fast', 0);
    const slow = slowed('slow', 15);
    const first = await chooseBackends(runs, 'auto', [slow, fast], 2, inThisThread([slow, fast]));
    expect(new Set(first.byRun.values())).toEqual(new Set(['fast']));
    expect(first.calibrations).toHaveLength(1); // every run of the fixture shares one key
    expect(first.calibrations[0].timings.slow).toBeGreaterThan(first.calibrations[0].timings.fast);
    expect(first.calibrations[0].cached).toBe(false);
    const second = await chooseBackends(runs, 'auto', [slow, fast], 2, inThisThread([slow, fast]));
    expect(second.calibrations[0].cached).toBe(true);
    expect(describeCalibration(second.calibrations[0])).toMatch(/fast \(kernel probe: fast .* ms, slow .* ms; measured earlier, cached\)/);
  });

  it('never picks a float32 backend on its own, and obeys a named backend', async () => {
    const f32 = slowed('fast-f32', 0, 'float32');
    const f64 = slowed('f64', 5);
    expect(new Set((await chooseBackends(runs, 'auto', [f32, f64], 2, inThisThread([f32, f64]))).byRun.values())).toEqual(new Set(['f64']));
    expect(new Set((await chooseBackends(runs, 'cpu')).byRun.values())).toEqual(new Set(['cpu']));
    await expect(chooseBackends(runs, 'quantum')).rejects.toThrow(/there is no backend "quantum"; backends: cpu, wasm/);
  });

  it('calibrates in a worker thread: this thread keeps answering while the probes run', async () => {
    // two real backends that both stay candidates for one run on two threads
    const real = availableBackends().filter((b) => b.name === 'wasm' || b.name === 'wasm-split');
    expect(real).toHaveLength(2);
    let last = performance.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const plan = await chooseBackends(planRuns(readSpecFile('test/fixtures/small-experiment.json')).slice(0, 1), 'auto', real, 2);
    const took = performance.now() - t0;
    clearInterval(tick);
    expect(plan.calibrations[0].cached).toBe(false);
    // the probes took a while, and the event loop never stood still for long
    expect(took).toBeGreaterThan(30);
    expect(worstGap).toBeLessThan(Math.max(80, took / 4));
  });

  it('weighs a backend that splits each run across two threads by the wall time of the whole experiment', () => {
    const one = slowed('one', 0);
    const split: Backend = { ...slowed('split', 0), threadsPerRun: 2 };
    const candidates = [one, split];
    // split 1.5x faster per run: wins a single run, loses a sweep (two whole runs at once on 2 threads)
    expect(fastestFor({ one: 30, split: 20 }, candidates, 1, 2)).toBe('split');
    expect(fastestFor({ one: 30, split: 20 }, candidates, 10, 2)).toBe('one');
    // more than twice as fast: wins the sweep too
    expect(fastestFor({ one: 30, split: 12 }, candidates, 10, 2)).toBe('split');
    // never with fewer threads than it needs
    expect(fastestFor({ one: 30, split: 1 }, candidates, 1, 1)).toBe('one');
    expect(fastestFor({ one: 30, split: 1 }, candidates, 1, 0)).toBe('one');
  });

  it('probes only backends that can win: none beside one that dominates it, no split backend that needs more rounds than its twin', () => {
    const named = (name: string, threadsPerRun?: number): Backend => ({ ...slowed(name, 0), ...(threadsPerRun ? { threadsPerRun } : {}) });
    const plain = [named('cpu'), named('wasm'), named('wasm-split', 2)];
    const fused = [named('wasm-fma'), named('wasm-fma-split', 2)];
    const names = (all: Backend[], runs: number, threads: number) => probeCandidates(all, runs, threads).map((b) => b.name);
    // one run on 2 threads: a split run takes one round like its twin
    expect(names(plain, 1, 2)).toEqual(['wasm', 'wasm-split']);
    // 6 runs on 2 threads: 3 rounds for the twin, 6 for the split backend
    expect(names(plain, 6, 2)).toEqual(['wasm']);
    // 3 runs on 4 threads: 1 round against 2
    expect(names(plain, 3, 4)).toEqual(['wasm']);
    expect(names(plain, 2, 4)).toEqual(['wasm', 'wasm-split']);
    // too few threads for a split run
    expect(names(plain, 1, 1)).toEqual(['wasm']);
    // the fused builds beside the plain ones, native-fma beside wasm-fma
    expect(names([...plain, ...fused], 1, 2)).toEqual(['wasm-fma', 'wasm-fma-split']);
    expect(names([...plain, ...fused, named('native-fma')], 1, 2)).toEqual(['wasm-fma-split', 'native-fma']);
    expect(names([...plain, ...fused, named('native-fma')], 6, 2)).toEqual(['native-fma']);
    // without WebAssembly the reference is the candidate
    expect(probeCandidates([named('cpu'), named('gpu-f64')], 5, 2).map((b) => b.name)).toEqual(['cpu', 'gpu-f64']);
  });

  it('a single candidate is chosen without a probe; a cached key is probed again only for the candidates it lacks', async () => {
    const asked: string[] = [];
    const only = slowed('only', 0);
    const plan = await chooseBackends(runs, 'auto', [only], 2, inThisThread([only], asked));
    expect(asked).toEqual([]);
    expect(describeCalibration(plan.calibrations[0])).toBe('li/n32/sparse: only (the only candidate: nothing to probe)');
    // many runs: the split backend cannot win and is not probed; then one run: it is, and only it
    const three = [slowed('wasm', 0), slowed('gpu-f64', 0), { ...slowed('wasm-split', 0), threadsPerRun: 2 }];
    const many = runs.slice(0, 4);
    expect(many.every((r) => calibrationKey(r) === calibrationKey(runs[0]))).toBe(true);
    await chooseBackends(many, 'auto', three, 2, inThisThread(three, asked));
    expect(asked).toEqual(['wasm', 'gpu-f64']);
    const one = await chooseBackends(runs.slice(0, 1), 'auto', three, 2, inThisThread(three, asked));
    expect(asked).toEqual(['wasm', 'gpu-f64', 'wasm-split']);
    expect(Object.keys(one.calibrations[0].timings).sort()).toEqual(['gpu-f64', 'wasm', 'wasm-split']);
    expect(one.calibrations[0].cached).toBe(false);
    const again = await chooseBackends(runs.slice(0, 1), 'auto', three, 2, inThisThread(three, asked));
    expect(asked).toHaveLength(3); // all measured now: cached
    expect(again.calibrations[0].cached).toBe(true);
  });

  it('a probe is a few hundred steps, fewer for larger networks, and one task family', () => {
    const r = runs[0];
    const train = (n: number, p: number) => probeOf({ ...r, network: { ...r.network, n, p }, factors: { ...r.factors, n, trainLength: 20000 } }).factors.trainLength;
    expect(train(100, 0.1)).toBe(2000);
    expect(train(400, 0.1)).toBeLessThan(train(200, 0.1));
    expect(train(4000, 1)).toBe(100);
    const small = probeOf(r);
    expect(small.suite.families).toHaveLength(1);
    expect(small.factors.trainLength).toBeLessThanOrEqual(Math.max(100, Math.round(r.factors.trainLength / 10)));
    expect(small.input.segments.validation + small.input.segments.test).toBe(100);
  });

  it('keys runs by model form, size class and storage', () => {
    const r = runs[0];
    expect(calibrationKey(r)).toBe('li/n32/sparse');
    expect(calibrationKey({ ...r, network: { ...r.network, n: 100, p: 0.5 } })).toBe('li/n128/dense');
  });
});
