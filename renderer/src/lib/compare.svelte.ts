// The comparison being looked at: what was asked (shared with the Reports view) and what came back.
import type { Comparison, CompareRequest, TaskDiff } from '../api/types.js';
import { emptyRuns, navigate, replaceRoute, routeHash, type CompareRoute, type Route } from './route.svelte.js';

export const comparison = $state({
  /** the experiments picked (ids); none: every experiment, any run matching the other fields */
  experiments: [] as string[],
  mode: 'default' as 'default' | 'typed',
  conditions: 'homogeneous=true\nfamily=lognormal,cv=1',
  where: '',
  tag: '',
  curve: '',
  request: null as CompareRequest | null,
  /** what the comparison is of, in words (the default report title) */
  title: '',
  result: null as Comparison | null,
  diffs: null as TaskDiff[] | null,
});

export function conditionsOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

// ---- the comparison in the address (#/compare?experiments=…, lib/route.svelte.ts): a link reopens
// it, back and forward move between comparisons

/** A request as the address holds it. */
export function routeOfRequest(req: CompareRequest): CompareRoute {
  return {
    experiments: [...(req.filter?.experiments ?? [])],
    conditions: [...(req.conditions ?? [])],
    where: [...(req.filter?.where ?? [])],
    tags: [...(req.filter?.tags ?? [])],
    curve: req.curve ?? '',
  };
}

/** The request an address names, as the Compare view's form makes it. */
export function requestOfRoute(r: CompareRoute): CompareRequest {
  return {
    filter: {
      ...(r.experiments.length ? { experiments: [...r.experiments] } : {}),
      ...(r.where.length ? { where: [...r.where] } : {}),
      ...(r.tags.length ? { tags: [...r.tags] } : {}),
    },
    ...(r.conditions.length ? { conditions: [...r.conditions] } : {}),
    curve: r.curve || null,
  };
}

const sameRequest = (a: CompareRequest, b: CompareRequest) => routeHash({ view: 'compare', compare: routeOfRequest(a) }) === routeHash({ view: 'compare', compare: routeOfRequest(b) });

/** Fills the form from a request, so that what is shown and what the form says agree. */
export function loadRequest(req: CompareRequest): void {
  comparison.experiments = [...(req.filter?.experiments ?? [])];
  comparison.mode = req.conditions?.length ? 'typed' : 'default';
  if (req.conditions?.length) comparison.conditions = req.conditions.join('\n');
  comparison.where = (req.filter?.where ?? []).join('\n');
  comparison.tag = (req.filter?.tags ?? []).join(', ');
  comparison.curve = req.curve ?? '';
}

/**
 * What the Compare view is to show for route `r`: the comparison the address names when the address
 * has changed to it and it is not the one on screen (the form is filled with it; the view makes it),
 * else null. Only a new address acts: what is on screen changing under the same address (a comparison
 * that failed and cleared the screen) brings nothing back, and one that failed is not asked again.
 * An address without a comparison gets the one on screen written into it, so that it can be bookmarked.
 */
export function comparisonToShow(r: Route): CompareRequest | null {
  if (r.view !== 'compare') return null;
  if (!r.compare) {
    if (comparison.request) replaceRoute({ view: 'compare', compare: routeOfRequest(comparison.request) });
    return null;
  }
  const key = routeHash(r);
  if (key === handled) return null;
  handled = key;
  const req = requestOfRoute(r.compare);
  if (comparison.request && sameRequest(comparison.request, req)) return null;
  loadRequest(req);
  return req;
}

/** the address comparisonToShow last acted on (a reload starts afresh) */
let handled = '';

/** A comparison just made goes into the address as a step of its own (back returns to the one before). */
export function showInAddress(req: CompareRequest): void {
  const r: Route = { view: 'compare', compare: routeOfRequest(req) };
  handled = routeHash(r);
  navigate(r);
}

/** The runs table of one configuration of the comparison shown (its seeds; each opens its run page). */
export function configurationRunsHref(config: string): string {
  const f = comparison.request?.filter ?? {};
  const only = f.experiments?.length === 1 ? f.experiments[0]! : '';
  return routeHash({ view: 'runs', runs: { ...emptyRuns(), experiment: only, filter: [`config=${config}`, ...(f.where ?? [])], tag: (f.tags ?? []).join(', '), status: 'done' } });
}
