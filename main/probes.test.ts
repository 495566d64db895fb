// The probe thread (main/probes.ts): probes that come close together share it, one at a time; a
// probe that fails is an error in words, and the next one gets a thread that works.
import { afterAll, describe, it, expect } from 'vitest';
import { parseExperiment } from '../common/validate.js';
import { probeOf } from './backend-choice.js';
import { planRuns } from './plan.js';
import { closeProbeThread, probeInWorker } from './probes.js';

const run = probeOf(planRuns(parseExperiment({ name: 'probe', network: { n: 24 } }))[0]);

// the thread is left idle for a while after the last probe: end it with the file
afterAll(closeProbeThread);

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
