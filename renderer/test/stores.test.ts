// The designers' state makes specs the engine accepts, and a preset loaded into the designers
// comes back out as the same experiment.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentSchema, NetworkSchema, SuiteSchema } from '../../common/spec.js';
import { experiment, experimentSpec, loadExperiment } from '../src/lib/experiment.svelte.js';
import { checkNetwork, loadNetwork, network, networkSpec } from '../src/lib/network.svelte.js';
import { loadSuite, suite, suiteSpec, defaultFamilies } from '../src/lib/suite.svelte.js';
import { DEFAULT_SUITE } from '../../common/spec.js';

const presetDir = join(__dirname, '../../assets/presets');
const presets = readdirSync(presetDir).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(join(presetDir, f), 'utf8'))] as const);

describe('network designer state', () => {
  it('makes a valid NetworkSpec by default, and the checks find nothing', () => {
    loadNetwork(undefined);
    expect(checkNetwork()).toEqual([]);
    expect(NetworkSchema.safeParse(networkSpec()).success).toBe(true);
  });
  it('names the field, the value and what is allowed', () => {
    loadNetwork({ n: 0, p: 1.5, heterogeneity: { family: 'empirical' }, model: { kind: 'lif', dtSimMs: 1, dtTaskMs: 2.5, vReset: 2 } });
    const paths = checkNetwork().map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['n', 'p', 'heterogeneity.values', 'model.dtTaskMs', 'model.vReset']));
    expect(checkNetwork().find((i) => i.path === 'n')).toEqual({ path: 'n', value: '0', allowed: 'must be at least 1' });
    expect(NetworkSchema.safeParse(networkSpec()).success).toBe(false);
  });
  it('says a task step shorter than a simulation step in the words the engine uses', () => {
    loadNetwork({ model: { kind: 'lif', dtSimMs: 1, dtTaskMs: 0.3 } });
    const words = 'must be at least dtSimMs (1): a task step is one or more simulation steps';
    expect(checkNetwork()).toEqual([{ path: 'model.dtTaskMs', value: '0.3', allowed: words }]);
    const r = NetworkSchema.safeParse(networkSpec());
    expect(r.success ? null : r.error.issues.map((i) => i.message)).toEqual([words]);
  });
  it('keeps a LIF network and empirical values through load and save', () => {
    const spec = { n: 50, heterogeneity: { family: 'empirical', values: [1, 2, 3], bound: 'redraw', tauMax: 500 }, model: { kind: 'lif', tauMeanMs: 15, dale: true } };
    loadNetwork(spec);
    const out = NetworkSchema.parse(networkSpec());
    expect(out.model).toMatchObject({ kind: 'lif', tauMeanMs: 15, dale: true });
    expect(out.heterogeneity).toMatchObject({ family: 'empirical', values: [1, 2, 3], bound: 'redraw', tauMax: 500 });
    expect(network.modelKind).toBe('lif');
  });
});

describe('suite designer state', () => {
  it('the default families make the default suite', () => {
    suite.families = defaultFamilies();
    suite.name = 'default';
    const { spec, issues } = suiteSpec();
    expect(issues).toEqual([]);
    expect(SuiteSchema.parse(spec)).toEqual(SuiteSchema.parse(DEFAULT_SUITE));
  });
  it('round-trips a saved suite', () => {
    const custom = { name: 'short', version: 1, families: [{ family: 'delay', channels: [0, 2], delays: [0, 1, 2, 3, 10] }, { family: 'static', channels: 'all', functions: ['abs'] }] };
    loadSuite(custom);
    expect(SuiteSchema.parse(suiteSpec().spec)).toEqual(SuiteSchema.parse(custom));
  });
  it('says which list is wrong', () => {
    suite.families = defaultFamilies();
    suite.families.delay.delays = '0..x';
    suite.families.static.functions = { sin: false, abs: false, cube: false };
    expect(suiteSpec().issues.map((i) => i.path)).toEqual(['delay.delays', 'static.functions']);
    suite.families = defaultFamilies();
  });
});

describe('experiment designer state', () => {
  it.each(presets)('%s loads into the designers and comes back as the same experiment', (_file, preset) => {
    loadExperiment(preset);
    loadNetwork(preset.network);
    const { spec, issues } = experimentSpec([]);
    expect(issues).toEqual([]);
    expect(ExperimentSchema.parse(spec)).toEqual(ExperimentSchema.parse(preset));
  });
  it('builds the family x level grid and the lists', () => {
    loadExperiment({ name: 'grid', sweep: { seeds: 2 } });
    loadNetwork(undefined);
    for (const f of Object.keys(experiment.hetFamilies)) experiment.hetFamilies[f] = f === 'none' || f === 'gamma' || f === 'uniform';
    experiment.hetLevels = '0.5, 1';
    experiment.nList = '50, 100';
    experiment.trainLengths = '500..2000 by 500';
    const spec = ExperimentSchema.parse(experimentSpec([]).spec);
    expect(spec.sweep.heterogeneity).toEqual([
      { family: 'none', cv: 0 },
      { family: 'uniform', cv: 0.5 },
      { family: 'uniform', cv: 1 },
      { family: 'gamma', cv: 0.5 },
      { family: 'gamma', cv: 1 },
    ]);
    expect(spec.sweep.n).toEqual([50, 100]);
    expect(spec.sweep.trainLength).toEqual([500, 1000, 1500, 2000]);
    experiment.nList = '50, big';
    expect(experimentSpec([]).issues).toEqual([{ path: 'sweep.n', value: '"50, big"', allowed: '"big" is not a number' }]);
  });
});
