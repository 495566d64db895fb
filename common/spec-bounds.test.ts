// The documented bounds of the model, calibration, scaling and manipulation fields (docs/model.md
// §1.1-1.3, §3, §3.4), and the shortest lists of a task family: each value at a bound is accepted,
// one just past it refused with the field, the value and the bound in words, so that a bound
// dropped, moved or turned around fails here. (common/bounds.test.ts has the sizes, segments, lists
// and runs.)
import { describe, it, expect } from 'vitest';
import { refusal } from '../test/fixtures/spec-refusal.js';
import { ExperimentSchema, SuiteSchema } from './spec.js';
import { parseExperiment, parseWith } from './validate.js';

const net = (network: object) => ({ name: 'x', network });
const lif = (model: object) => net({ model: { kind: 'lif', ...model } });
const op = (o: object) => net({ manipulations: [o] });

/** what is bounded, a spec with the value there, its path, values accepted, values refused with the words */
type Bound = [string, (v: number) => unknown, string, number[], [number, string][]];

const bounds: Bound[] = [
  ['rate noise: >= 0', (v) => net({ model: { kind: 'rate', noise: v } }), 'network.model.noise', [0, 0.5], [[-0.01, 'must be at least 0']]],
  ['rate tauMeanSteps: > 0, <= 1e6', (v) => net({ model: { kind: 'rate', tauMeanSteps: v } }), 'network.model.tauMeanSteps', [1e6, 0.01], [[1000000.5, 'must be at most 1000000'], [0, 'must be greater than 0']]],
  ['LIF tauMeanMs: > 0, <= 1e5', (v) => lif({ tauMeanMs: v }), 'network.model.tauMeanMs', [1e5, 20, 0.01], [[100000.5, 'must be at most 100000'], [0, 'must be greater than 0']]],
  ['LIF tRefMs: >= 0', (v) => lif({ tRefMs: v }), 'network.model.tRefMs', [0, 2], [[-0.5, 'must be at least 0']]],
  ['LIF noise: >= 0', (v) => lif({ noise: v }), 'network.model.noise', [0, 0.5], [[-0.01, 'must be at least 0']]],
  ['calibration tolerance: > 0, <= 0.5', (v) => lif({ calibration: { target: 10, tolerance: v } }), 'network.model.calibration.tolerance', [0.5, 0.05, 1e-6], [[0.501, 'must be at most 0.5'], [0, 'must be greater than 0']]],
  ['radius rho: [0, 100]', (v) => net({ scaling: { mode: 'radius', rho: v } }), 'network.scaling.rho', [0, 0.9, 100], [[100.001, 'must be at most 100'], [-0.001, 'must be at least 0']]],
  ['inputConnectivity: (0, 1]', (v) => net({ inputConnectivity: v }), 'network.inputConnectivity', [1, 0.5], [[1.001, 'must be at most 1'], [0, 'must be greater than 0']]],
  ['scaleGain factor: [0, 2]', (v) => op({ op: 'scaleGain', factor: v }), 'network.manipulations[0].factor', [0, 2], [[2.001, 'must be at most 2'], [-0.001, 'must be at least 0']]],
  ['resampleConnectivity p: (0, 1]', (v) => op({ op: 'resampleConnectivity', p: v }), 'network.manipulations[0].p', [0.01, 1], [[1.001, 'must be at most 1'], [0, 'must be greater than 0']]],
  ['weightNoise sigma: [0, 10]', (v) => op({ op: 'weightNoise', sigma: v }), 'network.manipulations[0].sigma', [0, 10], [[10.001, 'must be at most 10'], [-0.001, 'must be at least 0']]],
  ['prune fraction: [0, 1]', (v) => op({ op: 'prune', fraction: v }), 'network.manipulations[0].fraction', [0, 1], [[1.001, 'must be at most 1'], [-0.001, 'must be at least 0']]],
  ['scaleInput factor: [0, 100]', (v) => op({ op: 'scaleInput', factor: v }), 'network.manipulations[0].factor', [0, 100], [[100.001, 'must be at most 100'], [-0.001, 'must be at least 0']]],
  ['perturbTau sigma: [0, 10]', (v) => op({ op: 'perturbTau', sigma: v }), 'network.manipulations[0].sigma', [0, 10], [[10.001, 'must be at most 10'], [-0.001, 'must be at least 0']]],
];

describe('documented bounds of the model and manipulation fields', () => {
  for (const [what, spec, path, ok, bad] of bounds) {
    it(what, () => {
      for (const v of ok) expect(() => parseExperiment(spec(v)), `${path} = ${v}`).not.toThrow();
      for (const [v, words] of bad) expect(refusal(spec(v))).toBe(`experiment spec is invalid:\n  - ${path}: got ${v}; ${words}`);
    });
  }

  it('a chosen list of channels, window kinds or static functions has at least one entry', () => {
    const suite = (family: object) => ({ name: 's', families: [family] });
    const parsed = (family: object) => parseWith(SuiteSchema, suite(family), 'task suite').families[0];
    expect(parsed({ family: 'delay', channels: [0, 2], delays: [1] })).toMatchObject({ channels: [0, 2] });
    expect(parsed({ family: 'window', windows: [4], kinds: ['mean', 'difference'] })).toMatchObject({ kinds: ['mean', 'difference'] });
    expect(parsed({ family: 'window', windows: [4], kinds: ['difference'] })).toMatchObject({ kinds: ['difference'] });
    expect(parsed({ family: 'static', functions: ['cube', 'sin'] })).toMatchObject({ functions: ['cube', 'sin'] });
    expect(() => parsed({ family: 'delay', channels: [], delays: [1] })).toThrow('task suite is invalid:\n  - families[0].channels: got []; must be at least 1 item(s)');
    expect(() => parsed({ family: 'window', windows: [4], kinds: [] })).toThrow('task suite is invalid:\n  - families[0].kinds: got []; must be at least 1 item(s)');
    expect(() => parsed({ family: 'static', functions: [] })).toThrow('task suite is invalid:\n  - families[0].functions: got []; must be at least 1 item(s)');
  });

  it('the experiment schema on its own refuses a spec version newer than it knows', () => {
    // parseExperiment refuses it before the schema (common/validate-messages.test.ts); a caller that
    // validates with the schema directly gets the bound
    expect(parseWith(ExperimentSchema, { name: 'x', version: 1 }, 'experiment spec').version).toBe(1);
    expect(() => parseWith(ExperimentSchema, { name: 'x', version: 2 }, 'experiment spec')).toThrow('experiment spec is invalid:\n  - version: got 2; must be at most 1');
  });
});
