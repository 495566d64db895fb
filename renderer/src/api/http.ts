// QuenchApi over HTTP, as `quench serve` speaks it:
//   POST /api/<method>   body {"args": [...]}   header Authorization: Bearer <token>
//     2xx: the body is the method's return value as JSON (an empty body or 204 for void)
//     otherwise: the body is an ApiError {kind, message, issues?} (or {"error": ApiError})
//   GET /api/events?token=<token>   server-sent events, each `data:` line one QuenchEvent as JSON
// The token comes from the page address (?token=...), is kept in memory only and is removed from
// the address bar so that it does not end up in the history, bookmarks or screenshots. After a reload
// (or in a new tab) there is no token: the calls and the event stream then go without one, and the
// server takes the HttpOnly session cookie it set when the page was first opened with the token
// (main/serve/context.ts); the browser sends it with same-origin requests by itself.
import { API_METHODS } from '../../../common/api.js';
import type { ApiError, ApiMethod, QuenchApi, QuenchEvent } from '../../../common/api.js';
import { ApiCallError, type Client } from './types.js';

/** Reads ?token= from the address and strips it from the address bar (history.replaceState). */
export function takeToken(loc: Location = window.location, history: History = window.history): string | null {
  const url = new URL(loc.href);
  const token = url.searchParams.get('token');
  if (token !== null) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return token;
}

function errorFrom(method: string, status: number, statusText: string, text: string): ApiCallError {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  const inner = body && typeof body === 'object' && 'error' in body && typeof (body as { error: unknown }).error === 'object' ? (body as { error: unknown }).error : body;
  if (inner && typeof inner === 'object' && typeof (inner as ApiError).message === 'string') {
    const e = inner as Partial<ApiError> & { message: string };
    return new ApiCallError(method, { kind: e.kind ?? kindOfStatus(status), message: e.message, ...(e.issues ? { issues: e.issues } : {}) });
  }
  const words = status === 401 || status === 403 ? 'the server refused the access token; open the address `quench serve` printed (with its ?token=...)' : `${status} ${statusText}`.trim();
  return new ApiCallError(method, { kind: kindOfStatus(status), message: `${method}: ${words}${text && !body ? `: ${text.slice(0, 300)}` : ''}` });
}

function kindOfStatus(status: number): string {
  if (status === 401 || status === 403) return 'unauthorised';
  if (status === 404) return 'not-found';
  if (status >= 400 && status < 500) return 'input';
  return 'internal';
}

export interface HttpClientOptions {
  /** default: the page's origin */
  base?: string;
  token: string | null;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export function createHttpClient(opts: HttpClientOptions): Client {
  const base = (opts.base ?? '').replace(/\/$/, '');
  const doFetch = opts.fetch ?? window.fetch.bind(window);
  const ES = opts.EventSource ?? window.EventSource;
  const token = opts.token;

  async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await doFetch(`${base}/api/${method}`, { method: 'POST', headers, body: JSON.stringify({ args }) });
    } catch (e) {
      throw new ApiCallError(method, { kind: 'connection', message: `cannot reach the Quench server (${(e as Error).message}); is \`quench serve\` still running?` });
    }
    const text = await res.text();
    if (!res.ok) throw errorFrom(method, res.status, res.statusText, text);
    if (res.status === 204 || text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiCallError(method, { kind: 'internal', message: `${method}: the server answered with something that is not JSON` });
    }
  }

  const listeners = new Set<(e: QuenchEvent) => void>();
  let source: EventSource | null = null;
  function ensureSource() {
    if (source || !ES) return;
    const q = token ? `?token=${encodeURIComponent(token)}` : '';
    source = new ES(`${base}/api/events${q}`);
    source.onmessage = (m: MessageEvent<string>) => {
      let ev: QuenchEvent;
      try {
        ev = JSON.parse(m.data) as QuenchEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(ev);
    };
    // EventSource reconnects by itself after an error; nothing else to do here.
  }

  const client = {
    onEvent(cb: (e: QuenchEvent) => void) {
      listeners.add(cb);
      ensureSource();
      return () => {
        listeners.delete(cb);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  } as Client;
  for (const m of API_METHODS) {
    (client as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => call(m, args);
  }
  return client as Client & QuenchApi;
}
