// The cost estimates that admit work (main/cost.ts) against measured runs, at the sizes the presets
// use: the time of each preset (one seed) within a factor of 2 of its wall time on the same threads
// and backend, what the archive grows by within a factor of 2 of its estimate, and a run's peak
// memory within a factor of 2 of what the model says.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { parseExperiment } from '../common/validate.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Archive } from '../db/archive.js';
import { ESTIMATES_VALIDITY, estimateCost, estimateSize, runMemory } from '../main/cost.js';
import { writeMeasurements } from '../main/measurements.js';
import { shapeOf } from '../main/run-shape.js';
import { planRuns } from '../main/plan.js';
import { runAll } from '../main/scheduler.js';
import { listPresets } from '../main/specs.js';
import { availableBackends } from '../worker/backends/registry.js';
import { runTasks } from '../worker/run.js';
import { runInto, tempDir } from './fixtures/archive-helpers.js';

const backend = availableBackends().some((b) => b.name === 'wasm') ? 'wasm' : 'cpu';

describe('time estimates', () => {
  for (const p of listPresets()) {
    it(`${p.name}: the estimate is within a factor of 2 of the measured time`, async () => {
      const spec = parseExperiment({ ...p.spec, sweep: { ...p.spec.sweep, seeds: 1 } });
      // each estimate, from probes of its own, is set against the run measured right after it, in the
      // same seconds: on a two-core virtual machine (Intel Xeon) the same five runs took 0.42 to 0.78 s
      // from one second to the next, so an estimate probed in a fast second and a run timed in a slow
      // one differ by the machine, not by the model (the best of two estimates against the best of two
      // runs, taken apart, read 0.46 and 0.497 on such minutes). Up to three such pairs; one within the
      // bounds passes, a model wrong by more than 2x fails all three. One thread for the probes and the
      // runs alike: another test file on the other core slows both the same.
      const pairs: string[] = [];
      let within = false;
      for (let i = 0; i < 3 && !within; i++) {
        writeMeasurements('estimates', ESTIMATES_VALIDITY, {});
        const estimated = (await estimateCost(spec, { threads: 1, backend, archive: false })).seconds;
        const t = performance.now();
        await runAll(planRuns(spec), { threads: 1, backend });
        const measured = (performance.now() - t) / 1000;
        const ratio = estimated / measured;
        pairs.push(`estimated ${estimated.toFixed(2)} s, measured ${measured.toFixed(2)} s (ratio ${ratio.toFixed(2)})`);
        within = ratio > 0.5 && ratio < 2;
      }
      expect(within, `${p.name}: no pair within a factor of 2: ${pairs.join('; ')}`).toBe(true);
    }, 120_000);
  }
});

describe('archive estimates', () => {
  for (const [name, seeds] of [
    ['heterogeneity-gain', 2],
    ['spiking-heterogeneity-gain', 1],
    ['skew', 1],
  ] as const) {
    it(`${name}: what the archive grows by is within a factor of 2 of the estimate`, async () => {
      const p = listPresets().find((x) => x.name === name)!;
      const spec = parseExperiment({ ...p.spec, sweep: { ...p.spec.sweep, seeds } });
      const est = await estimateSize(spec, { threads: 1, backend, archive: true });
      const dir = tempDir();
      const size = (a: Archive) => {
        a.db.pragma('wal_checkpoint(TRUNCATE)');
        return statSync(a.path).size;
      };
      const archive = Archive.open(join(dir, 'a.sqlite'), { appVersion: 'test' });
      const empty = size(archive);
      await runInto(archive, spec);
      const grown = size(archive) - empty;
      archive.close();
      const ratio = est.archiveBytes / grown;
      expect(ratio, `${name}: estimated ${(est.archiveBytes / 1024).toFixed(0)} kB, grew ${(grown / 1024).toFixed(0)} kB`).toBeGreaterThan(0.5);
      expect(ratio, `${name}: estimated ${(est.archiveBytes / 1024).toFixed(0)} kB, grew ${(grown / 1024).toFixed(0)} kB`).toBeLessThan(2);
    }, 120_000);
  }
});

/** the peak memory one run of this shape adds to a process, measured in a child process (VmHWM above its baseline) */
function measuredPeak(network: object, model: 'rate' | 'lif'): number {
  const script = `
    import { readFileSync } from 'node:fs';
    import { ExperimentSchema } from './dist/common/spec.js';
    import { planRuns } from './dist/main/plan.js';
    import { executeRun } from './dist/worker/run.js';
    import { backendByName } from './dist/worker/backends/registry.js';
    const status = (k) => Number(new RegExp(k + ':\\\\s+(\\\\d+)').exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
    const b = backendByName(${JSON.stringify(backend)});
    const small = ExperimentSchema.parse({ name: 'w', network: { n: 10, model: { kind: '${model}' } }, input: { segments: { washout: 10, train: 50, validation: 20, test: 20 } } });
    executeRun(planRuns(small)[0], b);
    const base = status('VmRSS');
    executeRun(planRuns(ExperimentSchema.parse({ name: 'm', network: ${JSON.stringify({ ...network, model: { kind: model } })} }))[0], b);
    process.stdout.write(String(status('VmHWM') - base));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout);
}

describe.skipIf(process.platform !== 'linux')('memory estimates', () => {
  for (const [network, model] of [
    [{ n: 100 }, 'rate'],
    [{ n: 400 }, 'rate'],
    [{ n: 200, p: 1 }, 'rate'],
    [{ n: 100 }, 'lif'],
  ] as const) {
    it(`${model} ${JSON.stringify(network)}: a run's peak is within a factor of 2 of the model`, () => {
      const spec = parseExperiment({ name: 'm', network: { ...network, model: { kind: model } } });
      const run = planRuns(spec)[0];
      const model_ = runMemory(shapeOf(run, runTasks(run).length)).total;
      const measured = measuredPeak(network, model);
      const ratio = model_ / measured;
      expect(ratio, `model ${(model_ / 2 ** 20).toFixed(1)} MB, measured ${(measured / 2 ** 20).toFixed(1)} MB`).toBeGreaterThan(0.5);
      expect(ratio, `model ${(model_ / 2 ** 20).toFixed(1)} MB, measured ${(measured / 2 ** 20).toFixed(1)} MB`).toBeLessThan(2);
    }, 60_000);
  }
});
