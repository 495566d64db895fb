import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, type QuenchEvent } from '../../common/api.js';
import { createHttpClient, takeToken } from '../src/api/http.js';
import { ApiCallError, toApiError } from '../src/api/types.js';

type Call = { url: string; init: RequestInit };

function fakeFetch(respond: (c: Call) => Response) {
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit) => {
    const c = { url, init };
    calls.push(c);
    return respond(c);
  }) as unknown as typeof fetch;
  return { f, calls };
}

class FakeEventSource {
  static last: FakeEventSource | null = null;
  onmessage: ((m: MessageEvent<string>) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  close() {
    this.closed = true;
  }
  emit(data: string) {
    this.onmessage?.({ data } as MessageEvent<string>);
  }
}

describe('takeToken', () => {
  it('reads ?token= and strips it from the address, keeping the rest', () => {
    const history = { state: { a: 1 }, replaceState: vi.fn() } as unknown as History;
    const token = takeToken({ href: 'http://127.0.0.1:4321/?token=s3cr%2Bt&fake=0#/runs' } as Location, history);
    expect(token).toBe('s3cr+t');
    expect(history.replaceState).toHaveBeenCalledWith({ a: 1 }, '', '/?fake=0#/runs');
  });
  it('leaves an address without a token alone', () => {
    const history = { state: null, replaceState: vi.fn() } as unknown as History;
    expect(takeToken({ href: 'http://127.0.0.1:4321/#/network' } as Location, history)).toBeNull();
    expect(history.replaceState).not.toHaveBeenCalled();
  });
});

describe('HTTP client', () => {
  it('has every method of the contract', () => {
    const c = createHttpClient({ token: 't', fetch: fakeFetch(() => new Response('null')).f, EventSource: FakeEventSource as never });
    for (const m of API_METHODS) expect(typeof c[m]).toBe('function');
    expect(typeof c.onEvent).toBe('function');
  });

  it('POSTs /api/<method> with {"args": [...]} and the bearer token, and returns the JSON body', async () => {
    const { f, calls } = fakeFetch(() => new Response(JSON.stringify({ rows: [], total: 0 }), { status: 200 }));
    const c = createHttpClient({ token: 'abc', fetch: f, EventSource: FakeEventSource as never });
    const r = await c.listRuns({ where: ['n=100'], limit: 5 });
    expect(r).toEqual({ rows: [], total: 0 });
    expect(calls[0]!.url).toBe('/api/listRuns');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer abc');
    expect((calls[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ args: [{ where: ['n=100'], limit: 5 }] });
  });

  it('sends every argument in order, and a base if given', async () => {
    const { f, calls } = fakeFetch(() => new Response('3'));
    const c = createHttpClient({ base: 'http://127.0.0.1:9/', token: 't', fetch: f, EventSource: FakeEventSource as never });
    expect(await c.tagRuns(['a', 'b'], ['paper'], true)).toBe(3);
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/api/tagRuns');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ args: [['a', 'b'], ['paper'], true] });
  });

  it('returns undefined for an empty body or 204 (void methods)', async () => {
    const c = createHttpClient({ token: 't', fetch: fakeFetch(() => new Response(null, { status: 204 })).f, EventSource: FakeEventSource as never });
    await expect(c.addNote('r', 'x')).resolves.toBeUndefined();
    const c2 = createHttpClient({ token: 't', fetch: fakeFetch(() => new Response('', { status: 200 })).f, EventSource: FakeEventSource as never });
    await expect(c2.saveComparisonSet('s', { filter: {} })).resolves.toBeUndefined();
  });

  it('turns a non-2xx ApiError body into an Error carrying kind, message and issues', async () => {
    const body = { kind: 'spec', message: 'experiment is invalid:\n  - network.n: got 0; must be at least 1', issues: [{ path: 'network.n', value: '0', allowed: 'must be at least 1' }] };
    const c = createHttpClient({ token: 't', fetch: fakeFetch(() => new Response(JSON.stringify(body), { status: 400 })).f, EventSource: FakeEventSource as never });
    const err = await c.validateExperiment({}).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ kind: 'spec', message: body.message, issues: body.issues });
    expect(toApiError(err)).toEqual(body);
  });

  it('also reads {"error": ApiError}', async () => {
    const c = createHttpClient({ token: 't', fetch: fakeFetch(() => new Response(JSON.stringify({ error: { kind: 'not-found', message: 'no job j1' } }), { status: 404 })).f, EventSource: FakeEventSource as never });
    await expect(c.cancelJob('j1')).rejects.toMatchObject({ kind: 'not-found', message: 'no job j1' });
  });

  it('says in words when the token is refused or the body is not JSON', async () => {
    const c = createHttpClient({ token: 'bad', fetch: fakeFetch(() => new Response('nope', { status: 401 })).f, EventSource: FakeEventSource as never });
    await expect(c.info()).rejects.toMatchObject({ kind: 'unauthorised' });
    const c2 = createHttpClient({ token: 't', fetch: fakeFetch(() => new Response('<html>', { status: 500, statusText: 'Internal Server Error' })).f, EventSource: FakeEventSource as never });
    await expect(c2.info()).rejects.toMatchObject({ kind: 'internal', message: expect.stringContaining('500') });
  });

  it('reports a server that cannot be reached', async () => {
    const f = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const c = createHttpClient({ token: 't', fetch: f, EventSource: FakeEventSource as never });
    await expect(c.listJobs()).rejects.toMatchObject({ kind: 'connection', message: expect.stringContaining('quench serve') });
  });

  it('delivers events from /api/events?token=... and closes the stream when nobody listens', () => {
    const c = createHttpClient({ token: 'a b', fetch: fakeFetch(() => new Response('null')).f, EventSource: FakeEventSource as never });
    const seen: QuenchEvent[] = [];
    const off = c.onEvent((e) => seen.push(e));
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/events?token=a%20b');
    const job = { id: 'j', experimentId: 'e', name: 'x', state: 'running', done: 1, total: 2, runsPerSecond: 1, etaSeconds: 1, error: null, startedAt: '' };
    es.emit(JSON.stringify({ type: 'job', job }));
    es.emit('not json');
    expect(seen).toEqual([{ type: 'job', job }]);
    off();
    expect(es.closed).toBe(true);
  });
});

describe('toApiError', () => {
  it('unwraps an Electron IPC rejection whose message is an ApiError as JSON', () => {
    const e = new Error(`Error invoking remote method 'quench:compare': Error: ${JSON.stringify({ kind: 'input', message: 'bad clause' })}`);
    expect(toApiError(e)).toEqual({ kind: 'input', message: 'bad clause' });
  });
  it('keeps the words of any other error', () => {
    expect(toApiError(new Error("Error invoking remote method 'quench:info': Error: disk full"))).toEqual({ kind: 'internal', message: 'disk full' });
    expect(toApiError('odd')).toEqual({ kind: 'internal', message: 'odd' });
  });
});

describe('arguments on every transport', () => {
  it('are plain JSON copies (a proxy in, a plain object out; undefined fields dropped)', async () => {
    const { withPlainArguments } = await import('../src/api/index.js');
    const seen: unknown[][] = [];
    const inner = Object.fromEntries(API_METHODS.map((m) => [m, async (...a: unknown[]) => void seen.push(a)])) as never;
    const c = withPlainArguments({ ...(inner as object), onEvent: () => () => {} } as never);
    const state = new Proxy({ filter: { where: ['n=100'], tags: undefined } }, {});
    await c.compare(state as never);
    expect(seen[0]).toEqual([{ filter: { where: ['n=100'] } }]);
    expect(Object.keys((seen[0]![0] as { filter: object }).filter)).toEqual(['where']);
    expect(seen[0]![0]).not.toBe(state);
  });
});
