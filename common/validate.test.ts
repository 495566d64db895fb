import { describe, it, expect } from 'vitest';
import { refusal as problems } from '../test/fixtures/spec-refusal.js';
import { ExperimentSchema } from './spec.js';
import { parseExperiment } from './validate.js';


describe('experiment spec validation', () => {
  it('fills every default of docs/model.md from a name alone', () => {
    const s = parseExperiment({ name: 'x' });
    expect(s.network.n).toBe(100);
    expect(s.network.p).toBe(0.1);
    expect(s.network.scaling).toEqual({ mode: 'gain', g: 0.9 });
    expect(s.network.biasScale).toBe(0.5);
    expect(s.network.model).toEqual({ kind: 'rate', form: 'li', tauMeanSteps: 5, noise: 0 });
    expect(s.input.channels).toHaveLength(3);
    expect(s.input.segments).toEqual({ washout: 200, train: 2000, validation: 500, test: 500 });
    expect(s.readout.ridges).toHaveLength(11);
    expect(s.readout.ridges[0]).toBe(1e-8);
    expect(s.readout.ridges[10]).toBe(100);
    expect(ExperimentSchema.parse(s)).toEqual(s);
  });

  const cases: [string, unknown, RegExp][] = [
    ['negative size', { name: 'x', network: { n: -5 } }, /network\.n: got -5; must be at least 1/],
    ['fractional size', { name: 'x', network: { n: 10.5 } }, /network\.n: got 10\.5; expected a whole number/],
    ['unknown family', { name: 'x', network: { heterogeneity: { family: 'lognorml', cv: 1 } } }, /network\.heterogeneity\.family: got "lognorml"; allowed: "none", "uniform", "normal", "lognormal"/],
    ['connection probability above 1', { name: 'x', network: { p: 1.5 } }, /network\.p: got 1\.5; must be at most 1/],
    ['unknown field', { name: 'x', network: { size: 10 } }, /network: got \["size"\]; unknown field\(s\) "size"/],
    ['training length beyond the segment', { name: 'x', sweep: { trainLength: [100, 5000] } }, /sweep\.trainLength\[1\]: got 5000; must be at most the training segment \(input\.segments\.train = 2000\)/],
    ['empirical without values', { name: 'x', network: { heterogeneity: { family: 'empirical' } } }, /network\.heterogeneity\.values: .*needs values/],
    ['LIF task step not a multiple', { name: 'x', network: { model: { kind: 'lif', dtSimMs: 0.3, dtTaskMs: 1 } } }, /network\.model\.dtTaskMs: .*whole multiple of dtSimMs \(0\.3\)/],
    ['unknown model', { name: 'x', network: { model: { kind: 'hodgkin' } } }, /network\.model\.kind: got "hodgkin"/],
    ['missing name', {}, /name: got nothing; expected string/],
    ['a manipulation factor beyond 2', { name: 'x', sweep: { manipulations: [{ label: 'a', ops: [{ op: 'scaleGain', factor: 3 }] }] } }, /sweep\.manipulations\[0\]\.ops\[0\]\.factor: got 3; must be at most 2/],
    ['duplicate manipulation labels', { name: 'x', sweep: { manipulations: [{ label: 'a', ops: [] }, { label: 'a', ops: [] }] } }, /labels must be unique; "a" appears twice/],
    ['tau bounds reversed', { name: 'x', network: { heterogeneity: { family: 'normal', cv: 1, tauMin: 5, tauMax: 2 } } }, /tauMax: .*must be greater than tauMin \(5\)/],
    ['not an object', [1, 2], /an experiment spec is a JSON object/],
    ['newer version', { name: 'x', version: 99 }, /version: got 99; this Quench reads spec versions up to 1/],
    ['negative seed count', { name: 'x', sweep: { seeds: 0 } }, /sweep\.seeds: got 0; must be at least 1/],
  ];
  for (const [what, raw, message] of cases) {
    it(`rejects ${what} with a message naming field, value and what is allowed`, () => {
      expect(problems(raw)).toMatch(message);
    });
  }

  it('lists every problem at once, not just the first', () => {
    const msg = problems({ name: 'x', network: { n: 0, p: 2 } });
    expect(msg).toMatch(/network\.n/);
    expect(msg).toMatch(/network\.p/);
  });
});
