// The access token and the loopback rule of `quench serve`, over real HTTP: only the exact token
// opens the API, the event stream and the GPU host's calls (not a prefix, a suffix, a near miss, an
// empty or a longer one), only a loopback Host header is answered, and only a loopback address is
// listened on. The service and the GPU host broker are stand-ins that record every use, so a refused
// request is seen to reach neither. (test/serve.test.ts covers what the server answers with a real service.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GpuHostBroker } from '../main/gpu-host.js';
import { startServer, type RunningServer, type ServedApi } from '../main/serve.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS, hostnameOf, isLoopbackHost } from '../main/service/security.js';

const TOKEN = 'Tq3vX9-aZ_0bY7cW2dE5fG8hJ1kL4mN6pR0sU3wV5xA';

const used: string[] = [];
/** The service: `info` answers, every use is recorded. */
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
/** The GPU host broker: any use is recorded (a refused call must not reach it). */
const broker = new Proxy({}, { get: (_, key) => () => void used.push(`broker.${String(key)}`) }) as unknown as GpuHostBroker;

/** A raw request: the headers go out exactly as written (fetch would add or normalise some). */
function raw(server: RunningServer, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('quench serve: the access token', () => {
  let server: RunningServer;
  const dir = mkdtempSync(join(tmpdir(), 'quench-serve-security-'));

  beforeAll(async () => {
    const root = join(dir, 'renderer');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Quench</title>');
    server = await startServer({ service, root, token: TOKEN, gpuHost: broker });
  });
  afterAll(async () => {
    await server.close();
  });

  const callInfo = (authorization: string | undefined) =>
    raw(server, '/api/info', { method: 'POST', headers: { 'Content-Type': 'application/json', ...(authorization === undefined ? {} : { Authorization: authorization }) }, body: '{"args":[]}' });

  /** every way of presenting something that is not the token */
  const WRONG: [string, string][] = [
    ['a prefix (all but the last character)', TOKEN.slice(0, -1)],
    ['a short prefix', TOKEN.slice(0, 8)],
    ['one character', TOKEN[0]!],
    ['a suffix (all but the first character)', TOKEN.slice(1)],
    ['the first character changed', `X${TOKEN.slice(1)}`],
    ['a middle character changed', `${TOKEN.slice(0, 20)}${TOKEN[20] === 'a' ? 'b' : 'a'}${TOKEN.slice(21)}`],
    ['the last character changed', `${TOKEN.slice(0, -1)}${TOKEN.endsWith('B') ? 'C' : 'B'}`],
    ['one character longer', `${TOKEN}x`],
    ['the token twice', `${TOKEN}${TOKEN}`],
    ['another case', TOKEN.toLowerCase()],
  ];

  it('opens the API to the exact token only', async () => {
    used.length = 0;
    const ok = await callInfo(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ version: 'test' });
    expect(used).toEqual(['info']);
    // the scheme is case-insensitive and spaces around the token do not matter (RFC 6750 / 7235)
    expect((await callInfo(`bearer  ${TOKEN} `)).status).toBe(200);
  });

  it.each(WRONG)('refuses %s with 401 and WWW-Authenticate: Bearer, before calling anything', async (_, wrong) => {
    used.length = 0;
    const r = await callInfo(`Bearer ${wrong}`);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'unauthorised', message: expect.stringContaining('access token') });
    // the event stream takes the token in the address too
    expect((await raw(server, `/api/events?token=${encodeURIComponent(wrong)}`)).status).toBe(401);
    expect((await raw(server, '/api/events', { headers: { Authorization: `Bearer ${wrong}` } })).status).toBe(401);
    // and the GPU host's calls
    expect((await raw(server, '/gpu/hello', { method: 'POST', headers: { Authorization: `Bearer ${wrong}` }, body: '{}' })).status).toBe(401);
    expect(used).toEqual([]);
  });

  it('refuses a missing, empty or malformed Authorization header, and an empty token in the address', async () => {
    used.length = 0;
    for (const authorization of [undefined, '', 'Bearer', 'Bearer ', `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`, `Token ${TOKEN}`]) {
      const r = await callInfo(authorization);
      expect(r.status, String(authorization)).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    for (const path of ['/api/events', '/api/events?token=', '/api/events?token']) expect((await raw(server, path)).status, path).toBe(401);
    expect((await raw(server, '/gpu/next', { method: 'POST', body: '' })).status).toBe(401);
    expect(used).toEqual([]);
  });

  it('opens the event stream and the GPU host calls to the exact token', async () => {
    used.length = 0;
    const events = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${TOKEN}` }, (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
      req.on('error', reject);
      req.end();
    });
    expect(events).toBe(200);
    const hello = await raw(server, '/gpu/hello', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(hello.status).toBe(204);
    expect(used).toContain('onEvent');
    expect(used).toContain('broker.connect');
  });

  it('says nothing but 401 without the token: no 404 for an unknown method, no 405 for GET', async () => {
    const unknown = await raw(server, '/api/dropTables', { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).not.toContain('dropTables');
    expect((await raw(server, '/api/info')).status).toBe(401);
    // with the token, the same requests get their own answers (the 401 was the token's)
    expect((await raw(server, '/api/dropTables', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: '{}' })).status).toBe(404);
    expect((await raw(server, '/api/info', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });

  it('sends WWW-Authenticate with 401s only', async () => {
    const notFound = await raw(server, '/api/dropTables', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(notFound.status).toBe(404);
    expect(notFound.headers['www-authenticate']).toBeUndefined();
    expect((await raw(server, '/')).headers['www-authenticate']).toBeUndefined();
  });

  it('answers an error of its own (not an HTTP refusal) with a 500 in words, not a dropped connection', async () => {
    // a GPU host broker that fails: the error is the server's, not a refusal of the request
    const failing = {
      connect: () => {
        throw new Error('the broker broke');
      },
    } as unknown as GpuHostBroker;
    const other = await startServer({ service, root: join(dir, 'renderer'), token: TOKEN, gpuHost: failing });
    try {
      const r = await raw(other, '/gpu/hello', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: '{}' });
      expect(r.status).toBe(500);
      expect(r.headers['www-authenticate']).toBeUndefined();
      expect(JSON.parse(r.body)).toMatchObject({ kind: 'internal', message: expect.stringContaining('the broker broke') });
    } finally {
      await other.close();
    }
    // short: an unanswered request would otherwise wait for the whole test timeout
  }, 10_000);
});

describe('quench serve: the loopback rule', () => {
  let server: RunningServer;
  const dir = mkdtempSync(join(tmpdir(), 'quench-serve-security-'));

  beforeAll(async () => {
    const root = join(dir, 'renderer');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Quench</title>');
    server = await startServer({ service, root, token: TOKEN, gpuHost: broker });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers a request naming a loopback host, with the security headers', async () => {
    for (const host of [`127.0.0.1:${server.port}`, '127.0.0.1', `localhost:${server.port}`, 'LOCALHOST', `[::1]:${server.port}`, '127.8.9.10']) {
      const r = await raw(server, '/', { headers: { Host: host } });
      expect(r.status, host).toBe(200);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(r.headers[name.toLowerCase()], `${host}: ${name}`).toBe(value);
    }
  });

  it('refuses any other Host header with 421 (DNS rebinding), before the token is looked at', async () => {
    used.length = 0;
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1.nip.io', 'localhost.evil.example', '0.0.0.0', '10.0.0.1', '[::2]', '1127.0.0.1']) {
      const r = await raw(server, '/api/info', { method: 'POST', headers: { Host: host, Authorization: `Bearer ${TOKEN}` }, body: '{"args":[]}' });
      expect(r.status, JSON.stringify(host)).toBe(421);
      expect(r.body).toContain('loopback address only');
    }
    expect(used).toEqual([]);
  });

  it('listens on loopback addresses only', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.1.nip.io']) {
      await expect(startServer({ service, host, token: TOKEN }), host).rejects.toMatchObject({ kind: 'input', message: expect.stringContaining(`--host ${host}: quench serve listens on the loopback interface only`) });
    }
    const local = await startServer({ service, host: 'localhost', token: TOKEN, root: join(dir, 'renderer') });
    expect(local.host).toBe('localhost');
    await local.close();
  });
});

describe('isLoopbackHost and hostnameOf', () => {
  it('accept 127.0.0.0/8, ::1 and localhost only', () => {
    for (const h of ['127.0.0.1', '127.255.255.254', '127.0.0.9', 'localhost', 'LocalHost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['', '0.0.0.0', '128.0.0.1', '1127.0.0.1', '127.0.0', '127.0.0.1.5', '127.0.0.1.nip.io', 'x127.0.0.1', 'localhost.example', 'mylocalhost', '::', '::2', '::ffff:127.0.0.1', '127.0.0.1:80']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it('take the host name out of a Host header', () => {
    expect(hostnameOf('127.0.0.1:8080')).toBe('127.0.0.1');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostnameOf('localhost:80')).toBe('localhost');
    expect(hostnameOf('[::1]:8080')).toBe('::1');
    expect(hostnameOf('[::1]')).toBe('::1');
    expect(hostnameOf('evil.example:8080')).toBe('evil.example');
    // only a trailing port goes; anything else stays and is then not a loopback name
    expect(hostnameOf('127.0.0.1:8080.evil')).toBe('127.0.0.1:8080.evil');
    expect(hostnameOf('[::1]x:80')).toBe('[::1]x');
  });
});

describe('the Content-Security-Policy', () => {
  it('is the policy of the renderer pages, plus frame-ancestors (which a meta tag cannot carry)', () => {
    for (const page of ['renderer/index.html', 'renderer/gpu-host.html']) {
      const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(readFileSync(page, 'utf8'))?.[1];
      expect(meta, page).toBeDefined();
      expect(CONTENT_SECURITY_POLICY).toBe(`${meta}; frame-ancestors 'none'`);
    }
  });

  it('allows nothing from elsewhere and is what every response carries', () => {
    expect(CONTENT_SECURITY_POLICY.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      "connect-src 'self'",
      "frame-src 'self' blob: about:",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(SECURITY_HEADERS).toEqual({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
  });
});
