// The probe thread (main/probes.ts): probes that come close together share it, one at a time; a
// probe that fails is an error in words, and the next one gets a thread that works. The thread is the
// scheduler's: kept after the probes for the runs, which give the numbers of a fresh thread.
import { afterAll, describe, it, expect } from 'vitest';
import { parseExperiment } from '../common/validate.js';
import { probeOf } from './backend-choice.js';
import { planRuns } from './plan.js';
import { probeInWorker } from './probes.js';
import { closeIdleThreads, idleThreadCount, runAll } from './scheduler.js';
import { readSpecFile } from './specs.js';
import { runNumbers } from '../test/fixtures/numbers.js';

const run = probeOf(planRuns(parseExperiment({ name: 'probe', network: { n: 24 } }))[0]);

// the thread is kept idle for a while after the last probe: end it with the file
afterAll(closeIdleThreads);

describe('the probe thread', () => {
  it('answers concurrent callers one after the other, each with its own figures', async () => {
    const [a, b] = await Promise.all([
      probeInWorker([{ backend: 'wasm', runs: [run], repeats: 2, kind: 'kernels' }]),
      probeInWorker([{ backend: 'cpu', runs: [run, run], repeats: 1, kind: 'kernels' }, { backend: 'wasm', runs: [run], repeats: 1 }]),
    ]);
    expect(a).toHaveLength(1);
    expect(a[0]).toHaveLength(1);
    // a kernel probe gives one figure per run, a phase probe three (simulation, readout, mechanisms)
    expect(b.map((r) => r.length)).toEqual([2, 3]);
    for (const ms of [...a.flat(), ...b.flat()]) expect(ms).toBeGreaterThan(0);
  });

  it('a failing probe is rejected in words, and the next probe still runs', async () => {
    await expect(probeInWorker([{ backend: 'quantum', runs: [run], repeats: 1, kind: 'kernels' }])).rejects.toThrow(/probing backend quantum: there is no backend "quantum"/);
    const ok = await probeInWorker([{ backend: 'wasm', runs: [run], repeats: 1, kind: 'kernels' }]);
    expect(ok[0][0]).toBeGreaterThan(0);
  });
});

describe('probes on the threads the runs use', () => {
  const runs = planRuns(readSpecFile('test/fixtures/small-experiment.json'));
    const big = probeOf(planRuns(parseExperiment({ name: 'probe', network: { n: 61 } }))[0]);

  it('the probes\' thread is kept, and the next runs start on it', async () => {
    await closeIdleThreads();
    await probeInWorker([{ backend: 'wasm', runs: [run], repeats: 1, kind: 'kernels' }]);
    expect(idleThreadCount()).toBe(1);
    // one thread asked for, and the probes' taken: no second thread is started and left idle
    await runAll(runs.slice(0, 2), { threads: 1 });
    expect(idleThreadCount()).toBe(1);
    // and back again for the next probes
    await probeInWorker([{ backend: 'wasm', runs: [run], repeats: 1, kind: 'kernels' }]);
    expect(idleThreadCount()).toBe(1);
    await closeIdleThreads();
  });

  it('runs on a thread that probed first give the numbers of a fresh thread', async () => {
    await closeIdleThreads();
    const fresh = await runAll(runs, { threads: 1 });
    await closeIdleThreads();
    // other sizes and backends, kernels and whole-run phases, before the same runs on that thread
    await probeInWorker([
      { backend: 'wasm', runs: [big, run], repeats: 2, kind: 'kernels' },
      { backend: 'cpu', runs: [run], repeats: 1, kind: 'kernels' },
      { backend: 'wasm', runs: [big], repeats: 1 },
    ]);
    expect(idleThreadCount()).toBe(1);
    const after = await runAll(runs, { threads: 1 });
    expect(runNumbers(after)).toBe(runNumbers(fresh));
    await closeIdleThreads();
  });

  it('a thread whose probe failed is not kept', async () => {
    await closeIdleThreads();
    await expect(probeInWorker([{ backend: 'quantum', runs: [run], repeats: 1, kind: 'kernels' }])).rejects.toThrow(/no backend "quantum"/);
    expect(idleThreadCount()).toBe(0);
  });
});
