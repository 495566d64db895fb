// Every shipped preset, reduced in size, gives the same per-run results on 1 and 2 worker threads
// (bit for bit on one backend), and agrees with the cpu backend within the conformance tolerance.
// A result may not depend on the thread count or on which runs a worker made before (issue 11).
import { describe, it, expect } from 'vitest';
import type { RunResult } from '../common/results.js';
import type { ExperimentSpec } from '../common/spec.js';
import { parseExperiment } from '../common/validate.js';
import { planRuns } from '../main/plan.js';
import { runAll } from '../main/scheduler.js';
import { listPresets } from '../main/specs.js';
import { availableBackends, defaultBackendName } from '../worker/backends/registry.js';

/** The preset at a size CI can afford: 2 seeds, short segments, N up to 100; every factor it sweeps kept. */
function reduced(spec: ExperimentSpec): ExperimentSpec {
  const sweep = { ...spec.sweep, seeds: 2 };
  if (sweep.n) sweep.n = sweep.n.filter((n) => n <= 100);
  if (sweep.trainLength) sweep.trainLength = [100, 400];
  return parseExperiment({
    ...spec,
    network: { ...spec.network, n: Math.min(spec.network.n, 100) },
    input: { ...spec.input, segments: { washout: 50, train: 400, validation: 100, test: 100 } },
    sweep,
  });
}

/** everything but the timings and the backend's name */
function fingerprint(r: RunResult): string {
  const { timings: _t, backend: _b, ...rest } = r;
  return JSON.stringify(rest);
}

const names = availableBackends().map((b) => b.name);
// the default backend and the one the automatic choice usually keeps (fused, where the CPU has FMA)
const backends = [...new Set([defaultBackendName(), ...(names.includes('wasm-fma') ? ['wasm-fma'] : [])])];

describe('shipped presets are deterministic', () => {
  const presets = listPresets();

  it('every preset is here, spiking ones rate-matched', () => {
    expect(presets.map((p) => p.name).sort()).toEqual(
      ['data-efficiency', 'heterogeneity-gain', 'resilience', 'size-equivalence', 'skew', 'spiking-heterogeneity-gain', 'spiking-resilience', 'spiking-size-equivalence', 'timescale'].sort(),
    );
    for (const p of presets.filter((x) => x.spec.network.model.kind === 'lif')) {
      expect(p.spec.network.model.kind === 'lif' && p.spec.network.model.calibration?.target, p.name).toBe('homogeneous');
    }
  });

  for (const p of listPresets()) {
    it(`${p.name}: identical on 1 and 2 threads (${backends.join(', ')}), within tolerance of cpu`, async () => {
      const runs = planRuns(reduced(p.spec));
      const cpu = await runAll(runs, { threads: 2, backend: 'cpu' });
      for (const backend of backends) {
        const one = await runAll(runs, { threads: 1, backend });
        const two = await runAll(runs, { threads: 2, backend });
        expect(two.map(fingerprint), `${p.name} on ${backend}: 1 vs 2 threads`).toEqual(one.map(fingerprint));
        one.forEach((r, i) => {
          const ref = cpu[i];
          expect(r.scores.capacity.length).toBe(ref.scores.capacity.length);
          let worst = 0;
          for (let k = 0; k < r.scores.capacity.length; k++) worst = Math.max(worst, Math.abs(r.scores.capacity[k] - ref.scores.capacity[k]));
          // float64 backends: the features agree to 1e-12 relative (conformance); after the readout
          // capacities agree to well under 1e-6
          expect(worst, `${p.name} run ${r.key} on ${backend} vs cpu`).toBeLessThan(1e-6);
          expect(r.network.meanRateHz === null ? null : Math.abs(r.network.meanRateHz - ref.network.meanRateHz!)).toBe(r.network.meanRateHz === null ? null : 0);
        });
      }
    }, 300_000);
  }
});
