// The designers' drafts come back from storage into their stores; a draft that does not fit is
// ignored whole, without an exception, and leaves its store as it was.
import { beforeEach, describe, expect, it } from 'vitest';
import { restoreDrafts } from '../src/lib/drafts.svelte.js';
import { experiment, experimentSpec } from '../src/lib/experiment.svelte.js';
import { loadNetwork, network, networkSpec } from '../src/lib/network.svelte.js';
import { defaultFamilies, suite } from '../src/lib/suite.svelte.js';

const storage = (items: Record<string, string>) => ({ getItem: (k: string) => items[k] ?? null });
const KEYS = { network: 'quench.draft.v1.network', suite: 'quench.draft.v1.suite', experiment: 'quench.draft.v1.experiment' };

beforeEach(() => {
  loadNetwork(undefined);
  suite.name = 'my suite';
  suite.families = defaultFamilies();
  experiment.name = 'My experiment';
  experiment.manipulations = [];
});

describe('designer drafts', () => {
  it('restores the network, the suite and the experiment as they were left', () => {
    const net = JSON.parse(JSON.stringify(network));
    net.n = 321;
    net.het.cv = 1.25;
    net.lif.tauMeanMs = 33;
    const ste = JSON.parse(JSON.stringify(suite));
    ste.name = 'draft suite';
    ste.families.delay.delays = '0..7';
    ste.families.xor.enabled = false;
    const exp = JSON.parse(JSON.stringify(experiment));
    exp.name = 'draft experiment';
    exp.manipulations = [{ label: 'no recurrence', op: 'removeRecurrence', value: null, mode: 'random' }];
    const ignored = restoreDrafts(storage({ [KEYS.network]: JSON.stringify(net), [KEYS.suite]: JSON.stringify(ste), [KEYS.experiment]: JSON.stringify(exp) }));
    expect(ignored).toEqual([]);
    expect(network.n).toBe(321);
    expect(network.het.cv).toBe(1.25);
    expect(network.lif.tauMeanMs).toBe(33);
    expect(suite.name).toBe('draft suite');
    expect(suite.families.delay.delays).toBe('0..7');
    expect(suite.families.xor.enabled).toBe(false);
    expect(experiment.name).toBe('draft experiment');
    expect(experimentSpec([]).spec.sweep).toMatchObject({ manipulations: [{ label: 'no recurrence', ops: [{ op: 'removeRecurrence' }] }] });
  });

  it('keeps an invalid value being typed (a draft is not a saved design)', () => {
    restoreDrafts(storage({ [KEYS.network]: JSON.stringify({ n: -5 }) }));
    expect(network.n).toBe(-5);
  });

  it('fills only the fields a draft has', () => {
    restoreDrafts(storage({ [KEYS.network]: JSON.stringify({ het: { cv: 2 } }) }));
    expect(network.het.cv).toBe(2);
    expect(network.het.family).toBe('none');
    expect(network.n).toBe(100);
  });

  it.each([
    ['not JSON', '{"n": 12'],
    ['JSON but not an object', '[1, 2, 3]'],
    ['a number where a number belongs, as text', JSON.stringify({ n: '300' })],
    ['an unknown heterogeneity family', JSON.stringify({ n: 300, het: { family: 'weird' } })],
    ['measured values that are not numbers', JSON.stringify({ het: { values: ['a', 'b'] } })],
    ['a nested object replaced by a string', JSON.stringify({ rate: 'fast' })],
  ])('ignores a network draft that is %s, and leaves the designer as it was', (_, text) => {
    const before = JSON.stringify(networkSpec());
    const ignored = restoreDrafts(storage({ [KEYS.network]: text }));
    expect(ignored.map((i) => i.name)).toEqual(['network']);
    expect(ignored[0]!.why).not.toBe('');
    expect(JSON.stringify(networkSpec())).toBe(before);
  });

  it('ignores a suite or experiment draft that does not fit, each on its own', () => {
    const ignored = restoreDrafts(
      storage({
        [KEYS.suite]: JSON.stringify({ name: 'x', channels: [] }),
        [KEYS.experiment]: JSON.stringify({ name: 'y', manipulations: [{ label: 'z', op: 'explode', value: 1, mode: 'random' }] }),
        [KEYS.network]: JSON.stringify({ n: 77 }),
      }),
    );
    expect(ignored.map((i) => i.name).sort()).toEqual(['experiment', 'suite']);
    expect(suite.name).toBe('my suite');
    expect(experiment.name).toBe('My experiment');
    expect(experiment.manipulations).toEqual([]);
    expect(network.n).toBe(77);
  });

  it('survives a storage that throws', () => {
    expect(restoreDrafts({ getItem: () => { throw new Error('denied'); } })).toEqual([]);
  });
});
