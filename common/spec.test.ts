// The spec schema's choices and defaults as a user meets them: every list of allowed words is named
// in the message that refuses another word, every default is filled in, and the cross-field checks
// (tau bounds, LIF steps and reset, empirical values, duplicate labels) refuse with their reason.
import { describe, it, expect } from 'vitest';
import { refusal } from '../test/fixtures/spec-refusal.js';
import { ANALYSES, DEFAULT_SUITE, HETEROGENEITY_FAMILIES, INPUT_FAMILIES, InputSchema, LifModelSchema, NetworkSchema, RateModelSchema, SuiteSchema, logGrid, range } from './spec.js';
import { parseExperiment, parseWith } from './validate.js';


const allowed = (words: readonly string[]) => `allowed: ${words.map((w) => JSON.stringify(w)).join(', ')}`;

describe('the words a spec may use', () => {
  it('names every allowed word when another is given', () => {
    const cases: [unknown, string, readonly string[]][] = [
      [{ network: { heterogeneity: { family: 'x' } } }, 'network.heterogeneity.family', HETEROGENEITY_FAMILIES],
      [{ network: { heterogeneity: { family: 'normal', bound: 'x' } } }, 'network.heterogeneity.bound', ['clip', 'redraw']],
      [{ network: { heterogeneity: { family: 'normal', match: 'x' } } }, 'network.heterogeneity.match', ['nominal', 'realised']],
      [{ network: { model: { kind: 'rate', form: 'x' } } }, 'network.model.form', ['li', 'esn']],
      [{ network: { model: { kind: 'lif', calibration: { target: 10, by: 'x' } } } }, 'network.model.calibration.by', ['bias', 'threshold']],
      [{ network: { manipulations: [{ op: 'prune', fraction: 0.1, mode: 'x' }] } }, 'network.manipulations[0].mode', ['random', 'weakest']],
      [{ input: { channels: [{ family: 'x' }] } }, 'input.channels[0].family', INPUT_FAMILIES],
      [{ analysis: 'x' }, 'analysis', ANALYSES],
      [{ sweep: { heterogeneity: [{ family: 'x' }] } }, 'sweep.heterogeneity[0].family', HETEROGENEITY_FAMILIES],
      [{ sweep: { heterogeneity: [{ family: 'normal', match: 'x' }] } }, 'sweep.heterogeneity[0].match', ['nominal', 'realised']],
    ];
    for (const [over, path, words] of cases) {
      expect(refusal({ name: 'x', ...(over as object) })).toContain(`${path}: got "x"; ${allowed(words)}`);
    }
    expect(HETEROGENEITY_FAMILIES).toEqual(['none', 'uniform', 'normal', 'lognormal', 'gamma', 'reflected-lognormal', 'empirical']);
    expect(INPUT_FAMILIES).toEqual(['white', 'coloured', 'sines', 'mackey-glass', 'lorenz', 'hold', 'pulses']);
    expect(ANALYSES).toEqual(['heterogeneity', 'size', 'data-efficiency', 'resilience', 'skew', 'timescale', 'none']);
  });

  it('names the allowed words inside a task family', () => {
    const suite = (family: object) => ({ name: 's', families: [family] });
    expect(() => parseWith(SuiteSchema, suite({ family: 'window', windows: [2], kinds: ['x'] }), 'suite')).toThrow(`families[0].kinds[0]: got "x"; ${allowed(['mean', 'difference'])}`);
    expect(() => parseWith(SuiteSchema, suite({ family: 'static', functions: ['x'] }), 'suite')).toThrow(`families[0].functions[0]: got "x"; ${allowed(['sin', 'abs', 'cube'])}`);
    expect(() => parseWith(SuiteSchema, suite({ family: 'x' }), 'suite')).toThrow('families[0].family: got "x"');
  });

  it('accepts every allowed word', () => {
    for (const family of HETEROGENEITY_FAMILIES) {
      const h = family === 'empirical' ? { family, values: [1, 2] } : { family };
      expect(parseExperiment({ name: 'x', network: { heterogeneity: h } }).network.heterogeneity.family).toBe(family);
    }
    for (const family of INPUT_FAMILIES) expect(parseExperiment({ name: 'x', input: { channels: [{ family }] } }).input.channels[0].family).toBe(family);
    for (const analysis of ANALYSES) expect(parseExperiment({ name: 'x', analysis }).analysis).toBe(analysis);
    expect(parseExperiment({ name: 'x', network: { heterogeneity: { family: 'gamma', cv: 1, bound: 'redraw', match: 'realised' } } }).network.heterogeneity).toMatchObject({ bound: 'redraw', match: 'realised' });
    expect(parseExperiment({ name: 'x', network: { model: { kind: 'rate', form: 'esn' } } }).network.model).toMatchObject({ form: 'esn' });
    expect(parseExperiment({ name: 'x', network: { model: { kind: 'lif', calibration: { target: 'homogeneous', by: 'threshold' } } } }).network.model).toMatchObject({ calibration: { target: 'homogeneous', by: 'threshold', tolerance: 0.05 } });
  });
});

describe('defaults', () => {
  it('of the LIF model and its calibration', () => {
    expect(LifModelSchema.parse({ kind: 'lif' })).toEqual({
      kind: 'lif',
      tauMeanMs: 20,
      tauSynMs: 5,
      vRest: 0,
      vReset: 0,
      vTh: 1,
      tRefMs: 2,
      dtSimMs: 1,
      dtTaskMs: 10,
      tauReadMs: 20,
      dale: false,
      biasMean: 0.5,
      noise: 0,
    });
    expect(LifModelSchema.parse({ kind: 'lif', calibration: { target: 15 } }).calibration).toEqual({ target: 15, by: 'bias', tolerance: 0.05 });
    expect(RateModelSchema.parse({ kind: 'rate' })).toEqual({ kind: 'rate', form: 'li', tauMeanSteps: 5, noise: 0 });
  });

  it('of the network, its scaling, heterogeneity and manipulations', () => {
    expect(NetworkSchema.parse({})).toEqual({
      n: 100,
      p: 0.1,
      scaling: { mode: 'gain', g: 0.9 },
      inputScale: 1,
      inputConnectivity: 1,
      biasScale: 0.5,
      heterogeneity: { family: 'none', cv: 0, bound: 'clip' },
      model: { kind: 'rate', form: 'li', tauMeanSteps: 5, noise: 0 },
      manipulations: [],
    });
    expect(NetworkSchema.parse({ scaling: { mode: 'radius' } }).scaling).toEqual({ mode: 'radius', rho: 0.9 });
    expect(NetworkSchema.parse({ scaling: { mode: 'gain' } }).scaling).toEqual({ mode: 'gain', g: 0.9 });
    expect(NetworkSchema.parse({ heterogeneity: { family: 'lognormal' } }).heterogeneity).toEqual({ family: 'lognormal', cv: 0, bound: 'clip' });
    expect(NetworkSchema.parse({ manipulations: [{ op: 'prune', fraction: 0.5 }] }).manipulations).toEqual([{ op: 'prune', fraction: 0.5, mode: 'random' }]);
  });

  it('of the experiment: suite, readout grid, sweep, input and the words around it', () => {
    const e = parseExperiment({ name: 'x' });
    expect(e).toMatchObject({ kind: 'quench.experiment', version: 1, description: '', claim: '', analysis: 'none', rootSeed: 1, suite: 'default', sweep: { seeds: 1 } });
    expect(e.input.channels).toEqual([{ family: 'white' }, { family: 'white' }, { family: 'white' }]);
    expect(e.readout.ridges).toEqual([1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]);
    // a task family's optional lists
    const suite = parseWith(SuiteSchema, { name: 's', families: [{ family: 'window', windows: [4] }, { family: 'static' }, { family: 'narma', orders: [5] }, { family: 'delay', delays: [1] }] }, 'suite');
    expect(suite.version).toBe(1);
    expect(suite.families).toEqual([
      { family: 'window', channels: 'all', windows: [4], kinds: ['mean', 'difference'] },
      { family: 'static', channels: 'all', functions: ['sin', 'abs', 'cube'] },
      { family: 'narma', channel: 0, orders: [5] },
      { family: 'delay', channels: 'all', delays: [1] },
    ]);
  });

  it('of the words a part may leave out: heterogeneity family, channel family, suite name, mechanisms', () => {
    expect(NetworkSchema.parse({ heterogeneity: { cv: 0.5 } }).heterogeneity).toEqual({ family: 'none', cv: 0.5, bound: 'clip' });
    expect(InputSchema.parse({ channels: [{ timescaleSteps: 4 }, { family: 'hold' }] }).channels).toEqual([{ family: 'white', timescaleSteps: 4 }, { family: 'hold' }]);
    expect(parseWith(SuiteSchema, { families: [{ family: 'static' }] }, 'suite').name).toBe('default');
    // the costly mechanism measures: absent, or off unless asked for
    expect(parseExperiment({ name: 'x' }).mechanisms).toBeUndefined();
    expect(parseExperiment({ name: 'x', mechanisms: {} }).mechanisms).toEqual({ spectraAboveLimit: false });
    expect(parseExperiment({ name: 'x', mechanisms: { spectraAboveLimit: true } }).mechanisms).toEqual({ spectraAboveLimit: true });
    expect(refusal({ name: 'x', mechanisms: { spectra: true } })).toContain('mechanisms: got ["spectra"]; unknown field(s) "spectra"');
  });

  it('the default suite is the one of docs/model.md §5.4, and a valid suite', () => {
    const upTo = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
    expect(DEFAULT_SUITE).toEqual({
      name: 'default',
      version: 1,
      families: [
        { family: 'delay', channels: 'all', delays: upTo(0, 40, 1) },
        { family: 'legendre', channels: 'all', degrees: [2, 3, 4, 5], delays: [0, 2, 5, 10, 20] },
        { family: 'product', delays: [0, 2, 4, 6, 8, 10] },
        { family: 'window', channels: 'all', windows: upTo(2, 40, 2), kinds: ['mean', 'difference'] },
        { family: 'narma', channel: 0, orders: [5, 10, 20, 30] },
        { family: 'forecast', channels: 'all', horizons: upTo(1, 20, 1) },
        { family: 'xor', delays: [0, 2, 4] },
        { family: 'static', channels: 'all', functions: ['sin', 'abs', 'cube'] },
      ],
    });
    expect(parseWith(SuiteSchema, DEFAULT_SUITE, 'default suite')).toEqual(DEFAULT_SUITE);
  });

  it('range and logGrid make the grids of the defaults', () => {
    expect(range(0, 10, 2)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(range(1, 1, 1)).toEqual([1]);
    expect(range(2, 1, 1)).toEqual([]);
    // the end is kept despite rounding of the step
    expect(range(0, 0.3, 0.1)).toHaveLength(4);
    expect(logGrid(-2, 1)).toEqual([0.01, 0.1, 1, 10]);
    expect(logGrid(3, 3)).toEqual([1000]);
  });
});

describe('checks across fields', () => {
  it('the tau bounds: tauMax above tauMin, both positive', () => {
    expect(refusal({ name: 'x', network: { heterogeneity: { family: 'normal', tauMin: 3, tauMax: 3 } } })).toContain('network.heterogeneity.tauMax: got 3; must be greater than tauMin (3)');
    expect(parseExperiment({ name: 'x', network: { heterogeneity: { family: 'normal', tauMin: 3, tauMax: 3.5 } } }).network.heterogeneity.tauMax).toBe(3.5);
    expect(parseExperiment({ name: 'x', network: { heterogeneity: { family: 'normal', tauMin: 3 } } }).network.heterogeneity.tauMin).toBe(3);
    expect(refusal({ name: 'x', network: { heterogeneity: { family: 'normal', tauMin: 0 } } })).toContain('network.heterogeneity.tauMin: got 0; must be greater than 0');
  });

  it('empirical needs at least two values', () => {
    expect(refusal({ name: 'x', network: { heterogeneity: { family: 'empirical' } } })).toContain('network.heterogeneity.values: got nothing; family "empirical" needs values (at least 2 measured time constants)');
    expect(refusal({ name: 'x', network: { heterogeneity: { family: 'empirical', values: [3] } } })).toContain('network.heterogeneity.values: got [3]; must be at least 2 item(s)');
    // and so does a sweep over empirical
    expect(refusal({ name: 'x', sweep: { heterogeneity: [{ family: 'empirical' }] } })).toContain('network.heterogeneity.values: got nothing; the sweep uses family "empirical": give the measured values here');
    expect(parseExperiment({ name: 'x', network: { heterogeneity: { family: 'none', values: [1, 2] } }, sweep: { heterogeneity: [{ family: 'empirical' }] } }).sweep.heterogeneity).toHaveLength(1);
  });

  it('reflected-lognormal with redraw stops at cv 3', () => {
    const h = (cv: number, bound: string) => ({ name: 'x', network: { heterogeneity: { family: 'reflected-lognormal', cv, bound } } });
    expect(refusal(h(3.5, 'redraw'))).toContain('network.heterogeneity.cv: got 3.5; reflected-lognormal with bound "redraw" cannot reach cv above 3');
    expect(parseExperiment(h(3, 'redraw')).network.heterogeneity.cv).toBe(3);
    expect(parseExperiment(h(3.5, 'clip')).network.heterogeneity.cv).toBe(3.5);
    expect(parseExperiment({ name: 'x', network: { heterogeneity: { family: 'lognormal', cv: 3.5, bound: 'redraw' } } }).network.heterogeneity.cv).toBe(3.5);
  });

  it('LIF: the task step a whole number of simulation steps, the reset below the threshold', () => {
    expect(parseExperiment({ name: 'x', network: { model: { kind: 'lif', dtSimMs: 0.25, dtTaskMs: 5 } } }).network.model).toMatchObject({ dtSimMs: 0.25, dtTaskMs: 5 });
    expect(refusal({ name: 'x', network: { model: { kind: 'lif', dtSimMs: 0.4, dtTaskMs: 1 } } })).toContain('network.model.dtTaskMs: got 1; must be a whole multiple of dtSimMs (0.4)');
    // a task step that rounds to 0 simulation steps (the engines would disagree on it: one clamps to 1)
    for (const dtTaskMs of [1e-10, 0.49]) {
      expect(refusal({ name: 'x', network: { model: { kind: 'lif', dtSimMs: 1, dtTaskMs } } })).toBe(
        `experiment spec is invalid:\n  - network.model.dtTaskMs: got ${dtTaskMs}; must be at least dtSimMs (1): a task step is one or more simulation steps`,
      );
    }
    expect(() => parseExperiment({ name: 'x', network: { model: { kind: 'lif', dtSimMs: 1, dtTaskMs: 1 } } })).not.toThrow();
    expect(refusal({ name: 'x', network: { model: { kind: 'lif', vReset: 1, vTh: 1 } } })).toContain('network.model.vReset: got 1; must be below vTh (1)');
    expect(parseExperiment({ name: 'x', network: { model: { kind: 'lif', vReset: 0.99, vTh: 1 } } }).network.model).toMatchObject({ vReset: 0.99 });
  });

  it('training lengths up to the training segment, manipulation labels unique', () => {
    expect(parseExperiment({ name: 'x', sweep: { trainLength: [2000] } }).sweep.trainLength).toEqual([2000]);
    expect(refusal({ name: 'x', sweep: { trainLength: [10, 2001] } })).toContain('sweep.trainLength[1]: got 2001; must be at most the training segment (input.segments.train = 2000)');
    expect(refusal({ name: 'x', sweep: { manipulations: [{ label: 'a', ops: [] }, { label: 'b', ops: [] }, { label: 'a', ops: [] }] } })).toContain('sweep.manipulations: got [');
    expect(refusal({ name: 'x', sweep: { manipulations: [{ label: 'a', ops: [] }, { label: 'b', ops: [] }, { label: 'b', ops: [] }] } })).toContain('labels must be unique; "b" appears twice');
  });

  it('non-finite numbers are refused where a number is expected', () => {
    // (JSON has no NaN or Infinity; a spec built in code may)
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      expect(NetworkSchema.safeParse({ inputScale: bad }).success).toBe(false);
      expect(NetworkSchema.safeParse({ heterogeneity: { family: 'normal', tauMax: bad } }).success).toBe(false);
    }
  });
});
