// The log tau axis's ticks, the theme choice as it is stored and applied to the charts, and a saved
// suite used with the channels it was saved with (in the experiment designer and when loaded back).
import { afterEach, describe, expect, it } from 'vitest';
import type { SavedSuite } from '../../common/api.js';
import { ExperimentSchema } from '../../common/spec.js';
import { colour, ink, logTicks, PALETTE } from '../src/lib/charts.js';
import { experiment, experimentSpec } from '../src/lib/experiment.svelte.js';
import { loadSuite, suite } from '../src/lib/suite.svelte.js';
import { storedChoice, theme } from '../src/lib/theme.svelte.js';

describe('log tau axis', () => {
  it('ticks at 1, 2 and 5 times the powers of ten within the range', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(0.3, 60)).toEqual([0.5, 1, 2, 5, 10, 20, 50]);
    expect(logTicks(1.2, 480)).toEqual([2, 5, 10, 20, 50, 100, 200]);
    expect(logTicks(0.01, 0.05)).toEqual([0.01, 0.02, 0.05]);
  });

  it('falls back to 1 … 9 times the powers of ten on a range narrower than that', () => {
    expect(logTicks(3, 9)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(logTicks(4.6, 5.4)).toEqual([5]);
    expect(logTicks(0, 10)).toEqual([]);
  });
});

describe('theme', () => {
  afterEach(() => {
    theme.dark = false;
  });

  it('reads the stored choice, anything else being the system\'s', () => {
    const at = (v: string | null) => ({ getItem: () => v });
    expect(storedChoice(at('dark'))).toBe('dark');
    expect(storedChoice(at('light'))).toBe('light');
    expect(storedChoice(at('system'))).toBe('system');
    expect(storedChoice(at('purple'))).toBe('system');
    expect(storedChoice(at(null))).toBe('system');
    expect(storedChoice({ getItem: () => { throw new Error('storage off'); } })).toBe('system');
  });

  it('gives the charts a light ink and palette on a dark background, the colour-blind-safe hues kept', () => {
    expect(ink()).toBe('#222222');
    expect(colour(6)).toBe('#000000');
    theme.dark = true;
    expect(ink()).not.toBe('#222222');
    // Okabe-Ito's black cannot be seen on dark: a light grey takes its place, the other seven stay
    expect(colour(6)).toBe('#E0E0E0');
    for (const i of [0, 1, 2, 3, 4, 5, 7]) expect(colour(i)).toBe(PALETTE[i]);
  });
});

describe('a saved suite keeps its channels', () => {
  const four = [{ family: 'white' }, { family: 'white' }, { family: 'white' }, { family: 'sines' }] as SavedSuite['channels'];
  const saved: SavedSuite = {
    name: 'four',
    version: 2,
    tasks: 15,
    savedAt: '2024-05-01T00:00:00.000Z',
    suite: { name: 'four', version: 2, families: [{ family: 'delay', channels: 'all', delays: [0, 1, 2] }, { family: 'forecast', channels: 'all', horizons: [1, 2, 5] }] },
    channels: four,
  };

  it('runs an experiment on a saved suite with the channels it was saved with', () => {
    experiment.suiteChoice = 'saved:four@2';
    const { spec, issues } = experimentSpec([saved]);
    expect(issues).toEqual([]);
    expect(spec.input).toMatchObject({ channels: four });
    expect(ExperimentSchema.safeParse(spec).success).toBe(true);
    experiment.suiteChoice = 'default';
  });

  it('loads a saved suite into the designer with its channels', () => {
    loadSuite(saved.suite, saved.channels);
    expect(suite.channels.map((c) => c.family)).toEqual(['white', 'white', 'white', 'sines']);
    expect(suite.families.forecast.enabled).toBe(true);
    expect(suite.families.xor.enabled).toBe(false);
  });
});
