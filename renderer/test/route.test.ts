// The address and the state it holds: every route survives parseRoute(routeHash(r)), defaults are
// left out of the address, and an address that names nothing known opens the default view.
import { describe, expect, it } from 'vitest';
import { emptyRuns, parseRoute, route, routeHash, runHref, scrollKey, type Route } from '../src/lib/route.svelte.js';
import { comparison, comparisonToShow, requestOfRoute, routeOfRequest, showInAddress } from '../src/lib/compare.svelte.js';

const ROUTES: Route[] = [
  { view: 'network' },
  { view: 'suite' },
  { view: 'experiments' },
  { view: 'reports' },
  { view: 'runs', runs: emptyRuns() },
  { view: 'runs', runs: { experiment: 'e1a1aa8f01a32d44', filter: ['family=lognormal', 'n>=100', 'network.manipulations[0].op=removeRecurrence'], tag: 'paper, checked', status: 'done', sort: 'mean_capacity', descending: false } },
  { view: 'runs', runs: { ...emptyRuns(), sort: 'n', descending: true } },
  { view: 'compare', compare: null },
  { view: 'compare', compare: { experiments: [], conditions: [], where: [], tags: [], curve: '' } },
  {
    view: 'compare',
    compare: { experiments: ['aaaa1111', 'bbbb2222'], conditions: ['homogeneous=true', 'family=lognormal,cv=1', 'manipulation=base|no recurrence'], where: ['n=100', 'capacity>0.2'], tags: ['paper', 'x y'], curve: 'n' },
  },
  { view: 'run', uid: 'a'.repeat(64) },
];

describe('routes in the address', () => {
  it.each(ROUTES.map((r) => [routeHash(r), r] as const))('%s reads back as the route it was written from', (hash, r) => {
    expect(hash.startsWith('#/')).toBe(true);
    expect(parseRoute(hash)).toEqual(r);
  });

  it('leaves the defaults out', () => {
    expect(routeHash({ view: 'runs', runs: emptyRuns() })).toBe('#/runs');
    expect(routeHash({ view: 'compare', compare: null })).toBe('#/compare');
    expect(routeHash({ view: 'compare', compare: { experiments: ['a', 'b'], conditions: [], where: [], tags: [], curve: '' } })).toBe('#/compare?experiments=a%2Cb');
    expect(runHref('abc123')).toBe('#/run/abc123');
  });

  it('keeps commas inside a condition (conditions repeat their key)', () => {
    const r = parseRoute('#/compare?experiments=x&conditions=homogeneous%3Dtrue&conditions=family%3Dlognormal%2Ccv%3D1');
    expect(r).toEqual({ view: 'compare', compare: { experiments: ['x'], conditions: ['homogeneous=true', 'family=lognormal,cv=1'], where: [], tags: [], curve: '' } });
  });

  it('opens the default view for an empty or unknown address, and ignores an unknown status', () => {
    for (const h of ['', '#', '#/', '#/nothing', '#/run/', '#/RUNS']) expect(parseRoute(h), h).toEqual({ view: 'network' });
    expect(parseRoute('#/runs?status=deleted')).toEqual({ view: 'runs', runs: emptyRuns() });
    // a malformed escape in a run's uid is kept as written, not thrown
    expect(parseRoute('#/run/%E0%A4%A')).toEqual({ view: 'run', uid: '%E0%A4%A' });
  });

  it('keeps scroll positions per view, and per run for run pages', () => {
    expect(scrollKey({ view: 'runs', runs: { ...emptyRuns(), tag: 'x' } })).toBe(scrollKey({ view: 'runs', runs: emptyRuns() }));
    expect(scrollKey({ view: 'run', uid: 'a' })).not.toBe(scrollKey({ view: 'run', uid: 'b' }));
  });
});

describe('a comparison in the address', () => {
  it('is the request the Compare view makes, both ways', () => {
    const req = { filter: { experiments: ['aaaa1111', 'bbbb2222'], where: ['n=100'], tags: ['paper'] }, conditions: ['homogeneous=true', 'family=lognormal,cv=1'], curve: 'n' };
    expect(requestOfRoute(routeOfRequest(req))).toEqual(req);
    const all = { filter: {}, curve: null };
    expect(requestOfRoute(routeOfRequest(all))).toEqual(all);
    expect(parseRoute(routeHash({ view: 'compare', compare: routeOfRequest(req) }))).toEqual({ view: 'compare', compare: routeOfRequest(req) });
  });
});

describe('the Compare view and the address', () => {
  const A = { filter: { experiments: ['aaaa1111', 'bbbb2222'] }, conditions: ['homogeneous=true', 'family=lognormal,cv=1'], curve: null };
  const B = { filter: { experiments: ['cccc3333'] }, curve: null };
  const at = (req: typeof A | typeof B): Route => ({ view: 'compare', compare: routeOfRequest(req) });

  it('makes the comparison a new address names, once, and fills the form with it', () => {
    comparison.request = null;
    expect(comparisonToShow(at(A))).toEqual(A);
    expect(comparison.experiments).toEqual(['aaaa1111', 'bbbb2222']);
    expect(comparison.mode).toBe('typed');
    expect(comparison.conditions).toBe('homogeneous=true\nfamily=lognormal,cv=1');
    // the same address again (it is being made, or it failed): nothing more
    expect(comparisonToShow(at(A))).toBeNull();
  });

  it('leaves a comparison just made alone, and makes the one before it again on back', () => {
    comparison.request = B;
    showInAddress(B);
    expect(route.current).toEqual(at(B));
    expect(comparisonToShow(route.current)).toBeNull();
    // back to A, which is not on screen
    expect(comparisonToShow(at(A))).toEqual(A);
    comparison.request = A;
    // a comparison that failed clears the screen: the same address does not bring it back
    comparison.request = null;
    expect(comparisonToShow(at(A))).toBeNull();
  });

  it('writes the comparison on screen into an address that has none', () => {
    comparison.request = B;
    expect(comparisonToShow({ view: 'compare', compare: null })).toBeNull();
    expect(route.current).toEqual(at(B));
  });
});
