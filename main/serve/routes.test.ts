// The route modules of `quench serve` each own their paths and nothing else: for a path that is not
// theirs they resolve false without touching the request's body or the response, so startServer can
// ask them in any order and a file is never served under /api or /gpu/. (test/serve.test.ts and
// main/gpu-host.test.ts test what each answers over real HTTP.)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from './api-routes.js';
import type { Route, ServeContext } from './context.js';
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

const ctx: ServeContext = {
  service: untouchable('service'),
  broker: untouchable('broker'),
  // no renderer here: the static files answer 503
  root: '/nonexistent/quench-renderer',
  streams: new Set(),
  authorised: () => false,
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
