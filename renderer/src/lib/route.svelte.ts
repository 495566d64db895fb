// The address holds the view and what it shows, so that a link reopens the same state and back and
// forward move through it:
//
//   #/network  #/suite  #/experiments  #/reports
//   #/runs?experiment=ID&filter=CLAUSE&filter=CLAUSE&tag=T&status=done&sort=COLUMN&order=asc
//   #/compare?experiments=ID,ID&conditions=CLAUSES&conditions=CLAUSES&where=CLAUSE&tag=T&curve=FACTOR
//   #/run/UID
//
// Lists whose items may hold commas (conditions are clauses joined by commas) repeat their key;
// experiment ids are joined by commas. A comparison in the address has at least `experiments=` (empty:
// any experiment). parseRoute and routeHash are inverse to each other on every route (tested).
//
// The views read their state from `route.current` and write it back: navigate(r) for a move that is
// worth a step back (another view, a run page, a new comparison: history.pushState), replaceRoute(r)
// for edits as they are typed (a filter, a sort: history.replaceState). Links are plain <a href> to
// routeHash(r); the browser's hashchange and popstate bring the state back on back and forward.
//
// Scroll position belongs to each view: it is remembered when a view is left and restored when it
// comes back (a view seen for the first time starts at the top), and the browser's own restoration is
// turned off so that the two do not fight.
import { tick } from 'svelte';

export const VIEW_IDS = ['network', 'suite', 'experiments', 'runs', 'compare', 'reports', 'run'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export interface RunsRoute {
  /** an experiment id; '' for all */
  experiment: string;
  /** filter clauses (`family=lognormal`, `n>=100`) */
  filter: string[];
  /** comma-separated tags, as typed */
  tag: string;
  /** '', 'done', 'pending' or 'failed' */
  status: string;
  /** a column of the runs table; '' for the table's own default */
  sort: string;
  descending: boolean;
}

export interface CompareRoute {
  /** experiment ids; none: any experiment */
  experiments: string[];
  /** condition texts (the first is the baseline); none: homogeneous against each heterogeneous level */
  conditions: string[];
  /** clauses every run must meet */
  where: string[];
  tags: string[];
  /** the curve's factor; '' automatic */
  curve: string;
}

export type Route =
  | { view: 'network' | 'suite' | 'experiments' | 'reports' }
  | { view: 'runs'; runs: RunsRoute }
  | { view: 'compare'; compare: CompareRoute | null }
  | { view: 'run'; uid: string };

export const DEFAULT_VIEW = 'network' as const;

export const emptyRuns = (): RunsRoute => ({ experiment: '', filter: [], tag: '', status: '', sort: '', descending: true });

const nonEmpty = (xs: string[]) => xs.map((x) => x.trim()).filter(Boolean);

/** The route an address's hash names ('#/compare?…'); an unknown view is the default one. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const path = q >= 0 ? text.slice(0, q) : text;
  const params = new URLSearchParams(q >= 0 ? text.slice(q + 1) : '');
  const [view, ...rest] = path.split('/');
  switch (view) {
    case 'runs':
      return {
        view: 'runs',
        runs: {
          experiment: params.get('experiment') ?? '',
          filter: nonEmpty(params.getAll('filter')),
          tag: params.get('tag') ?? '',
          status: ['done', 'pending', 'failed'].includes(params.get('status') ?? '') ? params.get('status')! : '',
          sort: params.get('sort') ?? '',
          descending: params.get('order') !== 'asc',
        },
      };
    case 'compare': {
      const named = ['experiments', 'conditions', 'where', 'tag', 'curve'].some((k) => params.has(k));
      return {
        view: 'compare',
        compare: named
          ? {
              experiments: nonEmpty((params.get('experiments') ?? '').split(',')),
              conditions: nonEmpty(params.getAll('conditions')),
              where: nonEmpty(params.getAll('where')),
              tags: nonEmpty((params.get('tag') ?? '').split(',')),
              curve: params.get('curve') ?? '',
            }
          : null,
      };
    }
    case 'run': {
      let uid = rest.join('/');
      try {
        uid = decodeURIComponent(uid);
      } catch {
        // a malformed escape: the uid as written (getRun says what is wrong with it)
      }
      return uid ? { view: 'run', uid } : { view: DEFAULT_VIEW };
    }
    case 'network':
    case 'suite':
    case 'experiments':
    case 'reports':
      return { view };
    default:
      return { view: DEFAULT_VIEW };
  }
}

/** The hash of a route ('#/runs?experiment=…'); defaults are left out. */
export function routeHash(r: Route): string {
  const params = new URLSearchParams();
  switch (r.view) {
    case 'runs': {
      const s = r.runs;
      if (s.experiment) params.set('experiment', s.experiment);
      for (const f of s.filter) params.append('filter', f);
      if (s.tag) params.set('tag', s.tag);
      if (s.status) params.set('status', s.status);
      if (s.sort) params.set('sort', s.sort);
      if (!s.descending) params.set('order', 'asc');
      break;
    }
    case 'compare': {
      const c = r.compare;
      if (!c) break;
      params.set('experiments', c.experiments.join(','));
      for (const x of c.conditions) params.append('conditions', x);
      for (const w of c.where) params.append('where', w);
      if (c.tags.length) params.set('tag', c.tags.join(','));
      if (c.curve) params.set('curve', c.curve);
      break;
    }
    case 'run':
      return `#/run/${encodeURIComponent(r.uid)}`;
  }
  const query = params.toString();
  return `#/${r.view}${query ? `?${query}` : ''}`;
}

/** The link to a run's page. */
export const runHref = (uid: string) => routeHash({ view: 'run', uid });

/** Where scroll positions are kept: per view, and per run for run pages. */
export const scrollKey = (r: Route) => (r.view === 'run' ? `run/${r.uid}` : r.view);

const hasWindow = typeof window !== 'undefined';

/** The current route: the views read it; navigate and replaceRoute change it. */
export const route = $state({ current: hasWindow ? parseRoute(window.location.hash) : ({ view: DEFAULT_VIEW } as Route) });

/** The last address of each view: the navigation's links return to a view as it was left. */
const lastHash = $state<Partial<Record<ViewId, string>>>({});

/** The link to a view: as it was last shown (its filter, its comparison), else its plain address. */
export const viewHref = (view: ViewId) => lastHash[view] ?? `#/${view}`;

function setCurrent(r: Route): void {
  route.current = r;
  lastHash[r.view] = routeHash(r);
}

// ---- scroll positions, per view
const positions = new Map<string, number>();
/** the scroll position being restored (scroll events meanwhile are the page settling, not the user) */
let restoring: { key: string; y: number; until: number } | null = null;

function leave(from: Route, to: Route): void {
  const a = scrollKey(from);
  const b = scrollKey(to);
  if (a === b) return;
  // the DOM still shows the view being left: its position is the one to keep
  if (!restoring) positions.set(a, window.scrollY);
  const y = positions.get(b) ?? 0;
  restoring = { key: b, y, until: performance.now() + 5000 };
  // after the new view is drawn; its content may still be arriving (a table, a comparison, a list
  // above the place), so frame by frame: go to the position once the page reaches it, and back to it
  // whenever content arriving above moves the page (the browser's scroll anchoring), until the page
  // has stopped growing for SETTLE_MS (at most 5 s) or the user scrolls
  let height = -1;
  let stableSince = 0;
  void tick().then(function step() {
    const r = restoring;
    if (!r || r.key !== b) return;
    const now = performance.now();
    const h = document.documentElement.scrollHeight;
    if (h !== height) {
      height = h;
      stableSince = now;
    }
    const reachable = h - window.innerHeight >= r.y - 1;
    if (reachable && Math.abs(window.scrollY - r.y) >= 1) window.scrollTo(0, r.y);
    if ((reachable && now - stableSince >= SETTLE_MS) || now >= r.until) {
      if (!reachable) window.scrollTo(0, r.y);
      restoring = null;
      return;
    }
    requestAnimationFrame(step);
  });
}

/** how long the page must stop growing before a restored position is left to the user */
const SETTLE_MS = 300;

function go(r: Route, how: 'push' | 'replace'): void {
  const hash = routeHash(r);
  const same = hasWindow && window.location.hash === hash;
  const before = route.current;
  if (hasWindow && !same) {
    if (how === 'push') window.history.pushState(null, '', hash);
    else window.history.replaceState(window.history.state, '', hash);
  }
  if (hasWindow) leave(before, r);
  setCurrent(r);
}

/** Moves to `r` as a step of its own: back returns to where this was called. */
export function navigate(r: Route): void {
  go(r, 'push');
}

/** Writes `r` into the address in place of the current step (state being edited, such as a filter). */
export function replaceRoute(r: Route): void {
  go(r, 'replace');
}

let started = false;

/** Follows the address (links, back, forward) and keeps each view's scroll position; once, by the app's shell. */
export function startRouter(): () => void {
  if (started || !hasWindow) return () => {};
  started = true;
  window.history.scrollRestoration = 'manual';
  const fromAddress = () => {
    const next = parseRoute(window.location.hash);
    if (routeHash(next) === routeHash(route.current)) return;
    leave(route.current, next);
    setCurrent(next);
  };
  const onScroll = () => {
    if (!restoring) positions.set(scrollKey(route.current), window.scrollY);
  };
  // the user moving the page ends a restore that is still waiting for the content
  const userScrolls = () => (restoring = null);
  window.addEventListener('hashchange', fromAddress);
  window.addEventListener('popstate', fromAddress);
  window.addEventListener('scroll', onScroll, { passive: true });
  // (mousedown: dragging the scroll bar)
  for (const e of ['wheel', 'touchstart', 'keydown', 'mousedown'] as const) window.addEventListener(e, userScrolls, { passive: true });
  return () => {
    started = false;
    window.removeEventListener('hashchange', fromAddress);
    window.removeEventListener('popstate', fromAddress);
    window.removeEventListener('scroll', onScroll);
    for (const e of ['wheel', 'touchstart', 'keydown', 'mousedown'] as const) window.removeEventListener(e, userScrolls);
  };
}
