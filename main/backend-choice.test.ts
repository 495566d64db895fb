import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../worker/backends/backend.js';
import { cpuBackend } from '../worker/backends/cpu.js';
import { availableBackends } from '../worker/backends/registry.js';
import { timeRuns } from '../worker/probe.js';
import { calibrationKey, chooseBackends, describeCalibration, fastestFor } from './backend-choice.js';
import type { Prober } from './probes.js';
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
const inThisThread = (candidates: Backend[]): Prober => async (requests) => requests.map((r) => timeRuns(r.runs, candidates.find((b) => b.name === r.backend)!, r.repeats));

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
    expect(describeCalibration(second.calibrations[0])).toMatch(/fast \(probe run: fast .* ms, slow .* ms; measured earlier, cached\)/);
  });

  it('never picks a float32 backend on its own, and obeys a named backend', async () => {
    const f32 = slowed('fast-f32', 0, 'float32');
    const f64 = slowed('f64', 5);
    expect(new Set((await chooseBackends(runs, 'auto', [f32, f64], 2, inThisThread([f32, f64]))).byRun.values())).toEqual(new Set(['f64']));
    expect(new Set((await chooseBackends(runs, 'cpu')).byRun.values())).toEqual(new Set(['cpu']));
    await expect(chooseBackends(runs, 'quantum')).rejects.toThrow(/there is no backend "quantum"; backends: cpu, wasm/);
  });

  it('calibrates in a worker thread: this thread keeps answering while the probes run', async () => {
    const real = availableBackends().filter((b) => b.name === 'cpu' || b.name === 'wasm');
    let last = performance.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const plan = await chooseBackends(planRuns(readSpecFile('test/fixtures/small-experiment.json')), 'auto', real, 2);
    const took = performance.now() - t0;
    clearInterval(tick);
    expect(plan.calibrations[0].cached).toBe(false);
    // the probes took a while, and the event loop never stood still for long
    expect(took).toBeGreaterThan(100);
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

  it('keys runs by model form, size class and storage', () => {
    const r = runs[0];
    expect(calibrationKey(r)).toBe('li/n32/sparse');
    expect(calibrationKey({ ...r, network: { ...r.network, n: 100, p: 0.5 } })).toBe('li/n128/dense');
  });
});
