// The route modules of `quench serve` each own their paths and nothing else: for a path that is not
// theirs they resolve false without touching the request's body or the response, so startServer can
// ask them in any order and a file is never served under /api or /gpu/. And the session cookie: only
// a page opened with the token gets it, and it opens the API and the event stream to the app's own
// pages only. (test/serve.test.ts and main/gpu-host.test.ts test what each answers over real HTTP.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from './api-routes.js';
import { accessCheck, type Route, type ServeContext, type ServedApi } from './context.js';
import { eventRoutes } from './event-routes.js';
import { gpuRoutes } from './gpu-routes.js';
import { HttpError } from './http.js';
import { staticRoutes } from './static-routes.js';

const ROUTES: Record<string, Route> = { api: apiRoutes, events: eventRoutes, gpu: gpuRoutes, static: staticRoutes };

/** which module owns each path (as sent, query and all) */
const OWNER: [string, keyof typeof ROUTES][] = [
  ['/api/info', 'api'],
  ['/api/startExperiment?x=1', 'api'],
  ['/api', 'api'],
  ['/api/', 'api'],
  ['/api/events/more', 'api'],
  ['/api/events', 'events'],
  ['/api/events?token=abc', 'events'],
  ['/gpu/hello', 'gpu'],
  ['/gpu/next', 'gpu'],
  ['/gpu/result?id=3', 'gpu'],
  ['/gpu/', 'gpu'],
  ['/', 'static'],
  ['/?token=abc', 'static'],
  ['/assets/app.js', 'static'],
  ['/gpu-host.html?token=abc', 'static'],
  ['/gpu', 'static'],
  ['/apix', 'static'],
  ['/compare', 'static'],
];

/** Throws on any use: a route that refuses a path must leave these alone. */
const untouchable = <T extends object>(what: string, base: object = {}): T =>
  new Proxy(base, {
    get(target, key) {
      if (key in target) return (target as Record<PropertyKey, unknown>)[key];
      throw new Error(`${what}.${String(key)} was used`);
    },
  }) as T;

const request = (url: string, method = 'GET', headers: Record<string, string> = {}) => untouchable<IncomingMessage>('req', { url, method, headers });

/** Records what is written; a route's answer. */
function recorder() {
  const r = { status: 0, body: '' };
  const res = {
    headersSent: false,
    writeHead(status: number) {
      r.status = status;
      return res;
    },
    end(text?: string) {
      r.body += text ?? '';
    },
  };
  return { r, res: res as unknown as ServerResponse };
}

const TOKEN = 'route-test-token-Tq3vX9aZ0bY7cW2dE5fG8hJ1kL4mN6pR';
const SESSION = 'route-test-session-4mN6pR0sU3wV5xATq3vX9aZ0bY7cW2';

const ctx: ServeContext = {
  service: untouchable('service'),
  broker: untouchable('broker'),
  // no renderer here: the static files answer 503
  root: '/nonexistent/quench-renderer',
  streams: new Set(),
  access: accessCheck(TOKEN, SESSION),
};

describe('the route modules of quench serve', () => {
  for (const [path, owner] of OWNER) {
    it(`${path}: only the ${owner} routes take it`, async () => {
      for (const [name, route] of Object.entries(ROUTES)) {
        if (name === owner) continue;
        await expect(route(request(path), untouchable<ServerResponse>('res'), ctx), name).resolves.toBe(false);
      }
    });
  }

  it('the API, event and GPU routes take their paths and refuse a caller without the token (401)', async () => {
    for (const [path, owner] of OWNER) {
      if (owner === 'static') continue;
      // the event stream is GET; methods and GPU calls are POST
      const method = owner === 'events' ? 'GET' : 'POST';
      const err = await ROUTES[owner](request(path, method, { authorization: 'Bearer wrong' }), untouchable<ServerResponse>('res'), ctx).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(HttpError);
      expect((err as HttpError).status, path).toBe(401);
    }
  });

  it('the static routes answer every other path themselves', async () => {
    for (const [path, owner] of OWNER) {
      if (owner !== 'static') continue;
      const { r, res } = recorder();
      await expect(staticRoutes(request(path), res, ctx)).resolves.toBe(true);
      expect(r.status, path).toBe(503);
      const post = recorder();
      await expect(staticRoutes(request(path, 'POST'), post.res, ctx)).resolves.toBe(true);
      expect(post.r.status, path).toBe(405);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the session cookie

const HOST = '127.0.0.1:41873';
const OWN_PAGE = { host: HOST, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' };
const COOKIE = `quench-session-41873=${SESSION}`;

/** A request with a body that can be read (the API routes read it once the caller is let in). */
const withBody = (url: string, method: string, headers: Record<string, string>, body = '{"args":[]}') =>
  Object.assign(Readable.from([Buffer.from(body)]), { url, method, headers }) as unknown as IncomingMessage;

/** Records a whole answer: status, headers, what is written (a stream: a file may be piped into it). */
function fullRecorder() {
  const r = { status: 0, headers: {} as Record<string, string>, body: '' };
  const res = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        r.body += chunk.toString();
        done();
      },
    }),
    {
      headersSent: false,
      writeHead(status: number, headers: Record<string, string> = {}) {
        r.status = status;
        r.headers = headers;
        res.headersSent = true;
        return res;
      },
    },
  );
  return { r, res: res as unknown as ServerResponse };
}

/** The service: info answers, onEvent records that a stream opened. */
function recordingContext(root = '/nonexistent/quench-renderer') {
  const used: string[] = [];
  const service = {
    info: async () => {
      used.push('info');
      return { version: 'test' };
    },
    onEvent: () => {
      used.push('onEvent');
      return () => {};
    },
  } as unknown as ServedApi;
  const c: ServeContext = { ...ctx, service, root, streams: new Set() };
  return { c, used };
}

/** A renderer folder with an index.html. */
function rendererRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'quench-routes-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Quench</title>');
  return root;
}

describe('the session cookie of quench serve', () => {
  it('is set for a page opened with the token: HttpOnly, SameSite=Strict, Path=/, no Expires, a secret that is not the token', async () => {
    const { c } = recordingContext(rendererRoot());
    for (const method of ['GET', 'HEAD']) {
      const { r, res } = fullRecorder();
      await expect(staticRoutes(request(`/?token=${TOKEN}`, method, { host: HOST }), res, c)).resolves.toBe(true);
      expect(r.status).toBe(200);
      const cookie = r.headers['Set-Cookie'];
      expect(cookie, method).toBeDefined();
      const [pair, ...attributes] = cookie!.split(';').map((x) => x.trim());
      expect(pair).toBe(COOKIE);
      expect(pair).not.toContain(TOKEN);
      expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
      expect(cookie).not.toMatch(/expires|max-age|domain/i);
    }
  });

  it('is named for the port the browser sees, so two servers on one host keep their own', async () => {
    const { c } = recordingContext(rendererRoot());
    const { r, res } = fullRecorder();
    await staticRoutes(request(`/?token=${TOKEN}`, 'GET', { host: '[::1]:8080' }), res, c);
    expect(r.headers['Set-Cookie']).toMatch(/^quench-session-8080=/);
  });

  it('is not set without the token, or with a wrong one', async () => {
    const { c } = recordingContext(rendererRoot());
    for (const path of ['/', '/?token=', '/?token=wrong', `/?token=${TOKEN}x`, `/?token=${TOKEN.slice(0, -1)}`, `/?token=${SESSION}`, `/index.html`]) {
      const { r, res } = fullRecorder();
      await staticRoutes(request(path, 'GET', { host: HOST }), res, c);
      expect(r.status, path).toBe(200);
      expect(r.headers['Set-Cookie'], path).toBeUndefined();
    }
  });

  it("opens the API and the event stream to the app's own pages, in place of the token", async () => {
    const { c, used } = recordingContext();
    const api = fullRecorder();
    await expect(apiRoutes(withBody('/api/info', 'POST', { ...OWN_PAGE, cookie: `other=1; ${COOKIE}; more=2` }), api.res, c)).resolves.toBe(true);
    expect(api.r.status).toBe(200);
    expect(JSON.parse(api.r.body)).toEqual({ version: 'test' });
    const events = fullRecorder();
    await expect(eventRoutes(withBody('/api/events', 'GET', { host: HOST, 'sec-fetch-site': 'same-origin', cookie: COOKIE }, ''), events.res, c)).resolves.toBe(true);
    expect(events.r.status).toBe(200);
    // a program that holds the cookie (no Origin, no Sec-Fetch-Site) is let in too
    const program = fullRecorder();
    await apiRoutes(withBody('/api/info', 'POST', { host: HOST, cookie: COOKIE }), program.res, c);
    expect(program.r.status).toBe(200);
    expect(used).toEqual(['info', 'onEvent', 'info']);
  });

  const REFUSED: [string, Record<string, string>][] = [
    ['no cookie', { ...OWN_PAGE }],
    ['a wrong cookie', { ...OWN_PAGE, cookie: 'quench-session-41873=wrong' }],
    ['a cookie one character short', { ...OWN_PAGE, cookie: COOKIE.slice(0, -1) }],
    ['an empty cookie', { ...OWN_PAGE, cookie: 'quench-session-41873=' }],
    ['the token as the cookie', { ...OWN_PAGE, cookie: `quench-session-41873=${TOKEN}` }],
    ["another port's cookie", { ...OWN_PAGE, cookie: `quench-session-8080=${SESSION}` }],
    ['the right cookie from a page of another port (same site, not same origin)', { host: HOST, origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-site', cookie: COOKIE }],
    ['the right cookie from another site', { host: HOST, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', cookie: COOKIE }],
    ['the right cookie with Origin null', { host: HOST, origin: 'null', cookie: COOKIE }],
    ['the right cookie beside a wrong bearer token (the token presented decides)', { ...OWN_PAGE, cookie: COOKIE, authorization: 'Bearer wrong' }],
    ['the right cookie beside a malformed Authorization header', { ...OWN_PAGE, cookie: COOKIE, authorization: `Basic ${TOKEN}` }],
  ];

  it.each(REFUSED)('refuses %s with 401, on the API and the event stream, before calling anything', async (_, headers) => {
    const { c, used } = recordingContext();
    const api = await apiRoutes(withBody('/api/info', 'POST', headers), untouchable<ServerResponse>('res'), c).catch((e: unknown) => e);
    expect(api).toBeInstanceOf(HttpError);
    expect((api as HttpError).status).toBe(401);
    const events = await eventRoutes(request('/api/events', 'GET', headers), untouchable<ServerResponse>('res'), c).catch((e: unknown) => e);
    expect((events as HttpError).status).toBe(401);
    expect(used).toEqual([]);
  });

  it('refuses a wrong ?token= on the event stream even beside the right cookie', async () => {
    const { c } = recordingContext();
    const err = await eventRoutes(request('/api/events?token=wrong', 'GET', { ...OWN_PAGE, cookie: COOKIE }), untouchable<ServerResponse>('res'), c).catch((e: unknown) => e);
    expect((err as HttpError).status).toBe(401);
  });

  it("does not open the GPU host's calls (they take the token only)", async () => {
    const { c } = recordingContext();
    const err = await gpuRoutes(request('/gpu/hello', 'POST', { ...OWN_PAGE, cookie: COOKIE }), untouchable<ServerResponse>('res'), c).catch((e: unknown) => e);
    expect((err as HttpError).status).toBe(401);
  });

  it("refuses a GPU host's body that is JSON but not an object, in words, before the broker sees it", async () => {
    const bodies: [string, string][] = [
      ['null', 'null'],
      ['5', 'number'],
      ['[1]', 'a list'],
      ['"x"', 'string'],
    ];
    for (const path of ['/gpu/hello', '/gpu/error?id=1']) {
      for (const [body, what] of bodies) {
        const called: string[] = [];
        const broker = { connect: () => called.push('connect'), fail: () => called.push('fail') } as unknown as ServeContext['broker'];
        const err = await gpuRoutes(withBody(path, 'POST', { authorization: `Bearer ${TOKEN}` }, body), untouchable<ServerResponse>('res'), { ...ctx, broker }).catch((e: unknown) => e);
        expect(called).toEqual([]);
        expect(err, `${path} ${body}`).toBeInstanceOf(HttpError);
        expect((err as HttpError).status).toBe(400);
        expect((err as HttpError).body).toEqual({ kind: 'input', message: `the body of ${path.split('?')[0]} must be a JSON object, got ${what}` });
      }
    }
  });

  it('never takes the token as the session secret', () => {
    expect(() => accessCheck('same', 'same')).toThrow(/differ/);
    // two launches make two different secrets
    const a = accessCheck(TOKEN).sessionCookie(request(`/?token=${TOKEN}`, 'GET', { host: HOST }), TOKEN);
    const b = accessCheck(TOKEN).sessionCookie(request(`/?token=${TOKEN}`, 'GET', { host: HOST }), TOKEN);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^quench-session-41873=[A-Za-z0-9_-]{43};/);
  });
});
