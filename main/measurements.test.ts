// The machine's measurements kept on disk (main/measurements.ts) and what reads them: the cost
// estimate prices a later experiment of the same kinds of runs without a probe, the calibration
// chooses without one; another app version, another CPU or a corrupt file measures again.
import { afterAll, describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '../common/validate.js';
import { checkEstimate, estimateCost, ESTIMATES_VALIDITY } from './cost.js';
import { cpuModel, measurementsFile, readMeasurements, writeMeasurements } from './measurements.js';
import { formatPhases, parsePhases, timePhase } from './phases.js';
import { appVersion } from './version.js';
import { closeIdleThreads } from './scheduler.js';

beforeEach(() => {
  process.env.QUENCH_CALIBRATION = join(mkdtempSync(join(tmpdir(), 'quench-measure-')), 'calibration.json');
});

// probes here leave their thread idle, kept for later runs and probes: end it with the file
afterAll(closeIdleThreads);

describe('measurements on disk', () => {
  it('round-trips a section, keeps the others, and is valid for one version, CPU and validity string', () => {
    expect(readMeasurements('a', 'x')).toEqual({});
    writeMeasurements('a', 'x', { k: 1 });
    writeMeasurements('b', '', { j: { n: 2 } });
    expect(readMeasurements('a', 'x')).toEqual({ k: 1 });
    expect(readMeasurements('b', '')).toEqual({ j: { n: 2 } });
    expect(readMeasurements('a', 'y')).toEqual({}); // another set of backends
    const doc = JSON.parse(readFileSync(measurementsFile(), 'utf8'));
    expect([doc.version, doc.cpu]).toEqual([appVersion(), cpuModel()]);
    writeFileSync(measurementsFile(), JSON.stringify({ ...doc, version: '0.0.1' }));
    expect(readMeasurements('a', 'x')).toEqual({});
    writeFileSync(measurementsFile(), JSON.stringify({ ...doc, cpu: 'another CPU x 64' }));
    expect(readMeasurements('a', 'x')).toEqual({});
    writeFileSync(measurementsFile(), '{"version": "trunc');
    expect(readMeasurements('a', 'x')).toEqual({});
    writeMeasurements('a', 'x', { k: 3 }); // written over
    expect(readMeasurements('a', 'x')).toEqual({ k: 3 });
  });

  it('a folder that cannot be made costs a measurement, not an error', () => {
    // a file where the folder should be (root may write anywhere else)
    const file = join(mkdtempSync(join(tmpdir(), 'quench-measure-')), 'a-file');
    writeFileSync(file, 'not a folder');
    process.env.QUENCH_CALIBRATION = join(file, 'sub', 'calibration.json');
    expect(() => writeMeasurements('a', 'x', { k: 1 })).not.toThrow();
    expect(readMeasurements('a', 'x')).toEqual({});
  });
});

describe('the cost estimate measures each kind of run once', () => {
  const spec = (n: number[]) =>
    parseExperiment({ name: 'sizes', network: { n: 40 }, input: { segments: { washout: 50, train: 300, validation: 100, test: 100 } }, suite: { families: [{ family: 'delay', delays: [1, 2, 3] }] }, sweep: { n } });

  it('probes in a worker the first time, then prices from the measurements: the same estimate, no probe', async () => {
    const opts = { threads: 1, backend: 'wasm', archive: false };
    const first = await estimateCost(spec([40, 150, 300]), opts);
    const kinds = Object.keys(readMeasurements('estimates', ESTIMATES_VALIDITY));
    // one kind: N = 40, 150 and 300 are priced from the same probes (at 100, 25 and 6 neurons)
    expect(kinds).toHaveLength(1);
    let probed = 0;
    const counting = { ...opts };
    const t = performance.now();
    const again = await estimateCost(spec([40, 150, 300]), counting);
    expect(performance.now() - t).toBeLessThan(first.seconds * 1000); // no thread started, nothing run
    expect(again.seconds).toBe(first.seconds);
    // a new kind (dense storage) is probed, the known ones are not
    const dense = parseExperiment({ ...spec([40]), network: { n: 40, p: 1 } });
    await estimateCost(dense, { ...opts, prober: async (requests) => ((probed += requests.length), requests.map((r) => r.runs.flatMap(() => [5, 5, 5]))) });
    expect(probed).toBe(1);
    expect(Object.keys(readMeasurements('estimates', ESTIMATES_VALIDITY))).toHaveLength(1); // a test's prober's figures are not kept
    // an experiment that took from half to four times its estimate keeps them (a slower one met a
    // busier machine than the probes did: probes again would measure what they did); one further off
    // drops the figures that priced it, and another kind's stay
    expect(first.figures).toEqual(kinds);
    writeMeasurements('estimates', ESTIMATES_VALIDITY, { ...readMeasurements('estimates', ESTIMATES_VALIDITY), 'wasm|another kind': [[1]] });
    expect(checkEstimate(first, first.seconds * 1.9)).toBe(false);
    expect(checkEstimate(first, first.seconds * 3.9)).toBe(false);
    expect(checkEstimate(first, first.seconds / 1.9)).toBe(false);
    expect(Object.keys(readMeasurements('estimates', ESTIMATES_VALIDITY))).toHaveLength(2);
    expect(checkEstimate(first, first.seconds / 2.5)).toBe(true);
    expect(Object.keys(readMeasurements('estimates', ESTIMATES_VALIDITY))).toEqual(['wasm|another kind']);
    writeMeasurements('calibration', 'x', { kept: 1 });
    expect(checkEstimate({ seconds: 1, figures: ['wasm|another kind'] }, 4.1)).toBe(true);
    expect(readMeasurements('estimates', ESTIMATES_VALIDITY)).toEqual({});
    expect(readMeasurements('calibration', 'x')).toEqual({ kept: 1 }); // the calibration stays
  });
});

describe('phase timings', () => {
  it('adds each phase\'s time, and the line --timings prints parses back', () => {
    const phases: Record<string, number> = {};
    timePhase(phases, 'plan', () => {
      const until = performance.now() + 5;
      while (performance.now() < until);
    });
    timePhase(phases, 'plan', () => 0);
    expect(phases.plan).toBeGreaterThanOrEqual(5);
    expect(() => timePhase(phases, 'findings', () => {
      throw new Error('x');
    })).toThrow('x');
    expect(phases.findings).toBeGreaterThanOrEqual(0); // timed even when it throws
    const line = formatPhases({ start: 210, plan: 1.5, calibration: 30, runs: 4000, commit: 90 }, { simulate: 3100, readout: 2500 }, 5020);
    expect(line).toBe('timings (s): start=0.210 plan=0.002 calibration=0.030 runs=4.000 commit=0.090 total=5.020 | in the threads: simulate=3.100 readout=2.500');
    expect(parsePhases(`other\n${line}\nmore`)).toEqual({ phases: { start: 0.21, plan: 0.002, calibration: 0.03, runs: 4, commit: 0.09, total: 5.02 }, runParts: { simulate: 3.1, readout: 2.5 } });
    expect(parsePhases('no timings here')).toBeNull();
  });
});
