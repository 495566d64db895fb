// Firing-rate calibration of LIF runs (docs/model.md §1.3): a run with model.calibration fires within
// its tolerance of the target, its recorded value reproduces its simulation, the search is
// deterministic, and an uncalibrated run is exactly what it was before.
import { describe, it, expect } from 'vitest';
import { QuenchError } from '../common/errors.js';
import type { RunResult } from '../common/results.js';
import { ExperimentSchema, LifModelSchema, NetworkSchema, type LifModelSpec, type NetworkSpec } from '../common/spec.js';
import { planRuns } from '../main/plan.js';
import type { Backend } from './backends/backend.js';
import { availableBackends } from './backends/registry.js';
import { generateInput } from './inputs.js';
import { lifMechanisms } from './mechanisms-lif.js';
import { simulateLif } from './models/lif.js';
import { buildNetwork } from './network.js';
import { calibrateLif, homogeneousTwin, lifMaxRateHz } from './rate-calibration.js';
import { deriveSeed } from './rng.js';
import { executeRun, finishRun, prepareRun, sameBits } from './run.js';
import type { BuiltNetwork } from './types.js';

// cpu is the TypeScript kernel; wasm's LIF kernel gives its bits
const backends = availableBackends().filter((b) => b.name === 'cpu' || b.name === 'wasm');

const CHANNELS = [{ family: 'white' as const }, { family: 'white' as const }, { family: 'white' as const }];
const STEPS = 300; // task steps of 10 ms: 3 s
const NET_SEED = 7;
const SIM_SEED = 42;
const input = generateInput(CHANNELS, STEPS, 9);

interface Case {
  spec: NetworkSpec;
  model: LifModelSpec;
  net: BuiltNetwork;
  twin: BuiltNetwork | null;
}

function makeCase(network: Record<string, unknown>, model: Record<string, unknown>): Case {
  const spec = NetworkSchema.parse({ n: 80, p: 0.1, ...network, model: { kind: 'lif', ...model } });
  return { spec, model: LifModelSchema.parse(spec.model), net: buildNetwork(spec, CHANNELS.length, NET_SEED), twin: homogeneousTwin(spec, CHANNELS.length, NET_SEED) };
}

const HET = { heterogeneity: { family: 'lognormal', cv: 1 } };
const HOM = { heterogeneity: { family: 'none' } };

function calibrate(c: Case, backend: Backend, maxSimulations?: number) {
  const out = calibrateLif(c.model, c.net, input, STEPS, SIM_SEED, backend, { twin: c.twin, maxSimulations });
  // wasm may hand its memory out again on the next simulation: keep a copy
  return { ...out, features: Float64Array.from(out.lif.features) };
}

describe.each(backends)('calibrateLif on $name', (backend) => {
  for (const [label, network] of [['heterogeneous (lognormal c = 1)', HET], ['homogeneous', HOM], ['W = 0 (removeRecurrence)', { ...HET, manipulations: [{ op: 'removeRecurrence' }] }]] as const) {
    it(`${label}: reaches 15 Hz within 5 % by the bias, and the recorded value reproduces the run`, () => {
      const c = makeCase(network, { calibration: { target: 15 } });
      const uncalibrated = simulateLif(c.model, c.net, input, STEPS, SIM_SEED).meanRateHz;
      expect(Math.abs(uncalibrated - 15)).toBeGreaterThan(0.05 * 15); // the search has something to do
      const { lif, calibration, features } = calibrate(c, backend);
      expect(Math.abs(lif.meanRateHz - 15)).toBeLessThanOrEqual(0.05 * 15);
      expect(calibration).toMatchObject({ by: 'bias', target: 15, targetHz: 15, uncalibratedValue: 0.5, achievedHz: lif.meanRateHz });
      expect(calibration.value).not.toBe(0.5);
      expect(calibration.simulations).toBeGreaterThan(1);
      expect(calibration.simulations).toBeLessThanOrEqual(8);
      // the returned simulation is the run's own at the recorded value: no other bias gave it
      const again = simulateLif({ ...c.model, biasMean: calibration.value }, c.net, input, STEPS, SIM_SEED);
      expect(again.meanRateHz).toBe(calibration.achievedHz);
      expect(sameBits(features, again.features)).toBe(true);
    });
  }

  it("target 'homogeneous': a heterogeneous run fires within 5 % of its homogeneous twin's rate", () => {
    const c = makeCase(HET, { calibration: { target: 'homogeneous' } });
    // the twin, built here on its own: the same spec and seed with every tau = tauMean
    const twinSpec = NetworkSchema.parse({ ...c.spec, heterogeneity: { family: 'none' } });
    const twinNet = buildNetwork(twinSpec, CHANNELS.length, NET_SEED);
    expect(twinNet.tau.every((t) => t === c.model.tauMeanMs)).toBe(true);
    const twinRate = simulateLif(c.model, twinNet, input, STEPS, SIM_SEED).meanRateHz;
    const ownRate = simulateLif(c.model, c.net, input, STEPS, SIM_SEED).meanRateHz;
    expect(ownRate).toBeGreaterThan(1.2 * twinRate); // heterogeneity raises the rate at a fixed bias
    const { lif, calibration } = calibrate(c, backend);
    expect(calibration.targetHz).toBe(twinRate);
    expect(calibration.target).toBe('homogeneous');
    expect(Math.abs(lif.meanRateHz - twinRate)).toBeLessThanOrEqual(0.05 * twinRate);
    expect(calibration.value).toBeLessThan(0.5);
    expect(calibration.simulations).toBeLessThanOrEqual(8);
  });

  it("target 'homogeneous' on a homogeneous run: its own uncalibrated simulation, one simulation", () => {
    const c = makeCase(HOM, { calibration: { target: 'homogeneous' } });
    expect(c.twin).toBeNull();
    const plain = simulateLif(c.model, c.net, input, STEPS, SIM_SEED);
    const { lif, calibration, features } = calibrate(c, backend);
    expect(calibration).toEqual({ by: 'bias', target: 'homogeneous', targetHz: plain.meanRateHz, uncalibratedValue: 0.5, value: 0.5, achievedHz: plain.meanRateHz, simulations: 1 });
    expect(lif.meanRateHz).toBe(plain.meanRateHz);
    expect(sameBits(features, plain.features)).toBe(true);
  });

  it('by threshold: reaches 15 Hz within 5 % with vTh, the bias untouched', () => {
    const c = makeCase(HET, { calibration: { target: 15, by: 'threshold' } });
    const { lif, calibration, features } = calibrate(c, backend);
    expect(Math.abs(lif.meanRateHz - 15)).toBeLessThanOrEqual(0.05 * 15);
    expect(calibration).toMatchObject({ by: 'threshold', uncalibratedValue: 1, achievedHz: lif.meanRateHz });
    expect(calibration.value).toBeGreaterThan(1); // the heterogeneous network fires above 15 Hz at vTh 1
    expect(calibration.simulations).toBeLessThanOrEqual(8);
    const again = simulateLif({ ...c.model, vTh: calibration.value }, c.net, input, STEPS, SIM_SEED);
    expect(sameBits(features, again.features)).toBe(true);
  });

  it('a tighter tolerance is honoured', () => {
    const c = makeCase(HET, { calibration: { target: 15, tolerance: 0.01 } });
    const { lif } = calibrate(c, backend);
    expect(Math.abs(lif.meanRateHz - 15)).toBeLessThanOrEqual(0.01 * 15);
  });

  it('an unreachable target throws, naming the target and the ceiling', () => {
    const c = makeCase(HET, { tRefMs: 5, calibration: { target: 390 } });
    // the kernel's ceiling: one spike per tRef + dtSim (5 refractory sub-steps and one to fire)
    expect(lifMaxRateHz(c.model)).toBeCloseTo(1000 / 6, 12);
    const saturated = simulateLif({ ...c.model, biasMean: 1e6 }, c.net, input, STEPS, SIM_SEED).meanRateHz;
    expect(saturated).toBeLessThanOrEqual(lifMaxRateHz(c.model));
    expect(saturated).toBeGreaterThan(0.99 * lifMaxRateHz(c.model));
    expect(() => calibrate(c, backend)).toThrow(QuenchError);
    expect(() => calibrate(c, backend)).toThrow(/target 390 Hz is out of reach.*166\.7 Hz/);
  });

  it('a search that runs out of simulations throws, naming the best rate and the target, and keeps nothing', () => {
    const c = makeCase(HET, { calibration: { target: 60 } });
    let err: unknown;
    try {
      calibrate(c, backend, 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuenchError);
    expect((err as QuenchError).kind).toBe('spec');
    expect((err as Error).message).toMatch(/closest rate was [\d.]+ Hz at biasMean = [\d.-]+/);
    expect((err as Error).message).toMatch(/target 60 Hz within 5 %/);
    expect((err as Error).message).toMatch(/Raise model\.calibration\.tolerance or choose another target/);
  });

  it('the same calibrated run gives the same bits every time, in any order', () => {
    const a = makeCase(HET, { calibration: { target: 15 } });
    const b = makeCase(HOM, { calibration: { target: 25, by: 'threshold' } });
    const first = calibrate(a, backend);
    calibrate(b, backend);
    const second = calibrate(a, backend);
    expect(second.calibration).toEqual(first.calibration);
    expect(second.lif.spikeCount).toBe(first.lif.spikeCount);
    expect(sameBits(second.features, first.features)).toBe(true);
  });
});

describe('calibrateLif across backends', () => {
  const cpu = backends.find((b) => b.name === 'cpu')!;
  const wasm = backends.find((b) => b.name === 'wasm');
  it.skipIf(!wasm)('wasm takes the same search path to the same bits as cpu', () => {
    for (const [network, calibration] of [[HET, { target: 15 }], [HET, { target: 'homogeneous' }], [HET, { target: 20, by: 'threshold' }]] as const) {
      const c = makeCase(network, { calibration });
      const x = calibrate(c, cpu);
      const y = calibrate(c, wasm!);
      expect(y.calibration).toEqual(x.calibration);
      expect(sameBits(y.features, x.features)).toBe(true);
    }
  });
});

describe('runs through worker/run.ts', () => {
  const backend = backends[0];
  const base = {
    name: 'rate-calibration',
    input: { channels: CHANNELS, segments: { washout: 20, train: 200, validation: 60, test: 60 } },
    suite: { name: 'small', version: 1, families: [{ family: 'delay', delays: [0, 1, 3] }, { family: 'narma', orders: [5] }] },
    rootSeed: 5,
  };
  const experiment = (model: Record<string, unknown>, sweep: Record<string, unknown> = {}) =>
    ExperimentSchema.parse({ ...base, network: { n: 60, p: 0.1, model: { kind: 'lif', ...model } }, sweep });
  const fingerprint = ({ timings: _t, ...rest }: RunResult) => JSON.stringify(rest);

  it('an uncalibrated LIF run is exactly the plain simulation of before, with no calibration recorded', () => {
    const [run] = planRuns(experiment({}, { heterogeneity: [{ family: 'lognormal', cv: 1 }] }));
    const r = executeRun(run, backend);
    expect('calibration' in r.network).toBe(false);
    const p = prepareRun(run);
    const model = run.network.model as LifModelSpec;
    const plain = simulateLif(model, p.net, p.input, p.steps, deriveSeed(run.seeds.input, 'lif'), undefined, true);
    expect(r.network.meanRateHz).toBe(plain.meanRateHz);
    const seg = run.input.segments;
    const spikes = lifMechanisms(model, plain.spikes!, p.net.n, p.steps, {
      seed: deriveSeed(run.seeds.input, 'lif-mechanisms'),
      segment: { start: seg.washout, end: seg.washout + run.factors.trainLength },
    });
    expect(fingerprint(r)).toBe(fingerprint(finishRun(p, backend, plain.features, plain.meanRateHz, 0, undefined, { measures: spikes, ms: 0 })));
  });

  it("a sweep calibrated to 'homogeneous': each run records its calibration, the heterogeneous one matched to the homogeneous run of its seed", () => {
    const runs = planRuns(experiment({ calibration: { target: 'homogeneous' } }, { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }] }));
    expect(runs).toHaveLength(2);
    const [hom, het] = runs.map((run) => executeRun(run, backend));
    expect(hom.network.calibration).toMatchObject({ target: 'homogeneous', simulations: 1, value: 0.5, uncalibratedValue: 0.5 });
    expect(hom.network.calibration!.achievedHz).toBe(hom.network.meanRateHz);
    const cal = het.network.calibration!;
    // the twin of the heterogeneous run is the homogeneous run of the same seed
    expect(cal.targetHz).toBe(hom.network.meanRateHz);
    expect(cal.achievedHz).toBe(het.network.meanRateHz);
    expect(Math.abs(cal.achievedHz - cal.targetHz)).toBeLessThanOrEqual(0.05 * cal.targetHz);
    expect(cal.value).toBeLessThan(cal.uncalibratedValue);
    expect(cal.simulations).toBeGreaterThan(2);
    // and the whole result is reproducible
    expect(fingerprint(executeRun(runs[1], backend))).toBe(fingerprint(het));
  });

  it('a rate target through executeRun', () => {
    const [run] = planRuns(experiment({ calibration: { target: 15, by: 'threshold' } }, { heterogeneity: [{ family: 'gamma', cv: 1 }] }));
    const r = executeRun(run, backend);
    const cal = r.network.calibration!;
    expect(cal).toMatchObject({ by: 'threshold', target: 15, targetHz: 15, uncalibratedValue: 1 });
    expect(cal.achievedHz).toBe(r.network.meanRateHz);
    expect(Math.abs(r.network.meanRateHz! - 15)).toBeLessThanOrEqual(0.05 * 15);
  });
});
