// `quench serve` over real HTTP: the token, the method calls and their errors, the event stream, the
// static files with their security headers, and the command itself (its printed address, SIGTERM).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiError, JobStatus, QuenchEvent, RunRow, SuitePreview } from '../common/api.js';
import { QuenchService } from '../main/service.js';
import { MAX_BODY_BYTES, startServer, type RunningServer } from '../main/serve.js';

const fixture = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8')) as unknown;
const dir = mkdtempSync(join(tmpdir(), 'quench-serve-'));

/** A stand-in for dist/renderer: what is served must not depend on the renderer's build. */
function fakeRenderer(): string {
  const root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Quench</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("quench");');
  writeFileSync(join(root, 'assets', 'app.css'), 'body { margin: 0 }');
  writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
  return root;
}

/** A raw request: the path goes out exactly as written (fetch would normalise "..") */
function raw(server: RunningServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('quench serve', () => {
  let service: QuenchService;
  let server: RunningServer;
  const call = (method: string, args: unknown[], token: string | null = server.token) =>
    fetch(`${server.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ args }),
    });

  beforeAll(async () => {
    service = new QuenchService({ archive: join(dir, 'archive.sqlite'), backend: 'cpu', threads: 2 });
    server = await startServer({ service, root: fakeRenderer() });
  });
  afterAll(async () => {
    await server.close();
    await service.close();
  });

  it('listens on 127.0.0.1 with a long random token, and gives the address with it', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('refuses calls and the event stream without the token (401), and unknown methods (404)', async () => {
    for (const token of [null, 'wrong', `${server.token}x`]) {
      const r = await call('info', [], token);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect(await r.json()).toMatchObject({ kind: 'unauthorised', message: expect.stringContaining('token') });
    }
    expect((await fetch(`${server.origin}/api/events`)).status).toBe(401);
    expect((await fetch(`${server.origin}/api/events?token=nope`)).status).toBe(401);
    // an unknown method says nothing before the token is given
    expect((await call('dropTables', [], null)).status).toBe(401);
    for (const m of ['dropTables', 'constructor', '__proto__', 'onEvent', 'close']) {
      const r = await call(m, []);
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ kind: 'not-found', message: expect.stringContaining('no API method') });
    }
  });

  it('round-trips method calls as JSON; a bad spec is a 400 with its issues; nothing is a stack trace', async () => {
    const info = await call('info', []);
    expect(info.status).toBe(200);
    expect(info.headers.get('content-type')).toMatch(/^application\/json/);
    expect(info.headers.get('cache-control')).toBe('no-store');
    expect(await info.json()).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), archivePath: service.archivePath, threads: 2 });

    const v = await (await call('validateExperiment', [fixture])).json();
    expect(v).toMatchObject({ ok: true, runs: 6, tasks: 25 });
    const preview = (await (await call('previewSuite', ['default', [{ family: 'white' }, { family: 'white' }, { family: 'white' }]])).json()) as SuitePreview;
    expect(preview.tasks).toHaveLength(397);

    const bad = await call('startExperiment', [{ spec: { name: 'bad', network: { n: 0, heterogeneity: { family: 'weird' } } } }]);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as ApiError;
    expect(body.kind).toBe('spec');
    expect(body.issues).toEqual(expect.arrayContaining([{ path: 'network.n', value: '0', allowed: 'must be at least 1' }]));
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);

    const missing = await call('resumeExperiment', ['no-such-experiment']);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ApiError).kind).toBe('not-found');
    const wrongArg = await call('previewNetwork', [{ n: 10 }, 'seven']);
    expect(wrongArg.status).toBe(400);
    expect(await wrongArg.json()).toMatchObject({ kind: 'input', issues: [{ path: 'seed' }] });
  });

  it('refuses bodies that are not {"args": [...]} and methods called with GET', async () => {
    const notJson = await fetch(`${server.origin}/api/info`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: '{args: [' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as ApiError).message).toContain('not JSON');
    const notArray = await fetch(`${server.origin}/api/info`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: '{"args": 3}' });
    expect(notArray.status).toBe(400);
    const get = await fetch(`${server.origin}/api/info`, { headers: { Authorization: `Bearer ${server.token}` } });
    expect(get.status).toBe(405);
  });

  it('refuses a body over MAX_BODY_BYTES with a 413 that reaches the caller (not a reset connection)', async () => {
    const huge = await fetch(`${server.origin}/api/validateExperiment`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: ' '.repeat(MAX_BODY_BYTES + 1) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as ApiError).message).toBe(`the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  });

  it('streams job events as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.origin}/api/events?token=${encodeURIComponent(server.token)}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const events: QuenchEvent[] = [];
    let buffer = '';
    const started = (await (await call('startExperiment', [{ spec: fixture }])).json()) as JobStatus;
    expect(started).toMatchObject({ state: 'running', total: 6 });
    while (!events.some((e) => e.job.id === started.id && e.job.state !== 'running')) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        for (const line of block.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as QuenchEvent);
      }
    }
    controller.abort();
    const mine = events.filter((e) => e.type === 'job' && e.job.id === started.id).map((e) => e.job);
    expect(mine.at(-1)).toMatchObject({ state: 'done', done: 6, total: 6 });
    const runs = (await (await call('listRuns', [{ experiments: [started.experimentId] }])).json()) as { rows: RunRow[]; total: number };
    expect(runs.total).toBe(6);
    // a method without a result answers 204
    const note = await call('addNote', [runs.rows[0].uid, 'looked at it']);
    expect(note.status).toBe(204);
    expect(await (await call('notes', [runs.rows[0].uid])).json()).toEqual([expect.objectContaining({ text: 'looked at it' })]);
  });

  it('serves the renderer with its content types and the Content-Security-Policy', async () => {
    const index = await fetch(`${server.origin}/?token=${server.token}`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<title>Quench</title>');
    const js = await fetch(`${server.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${server.origin}/assets/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    // the app routes itself: a path without an extension is the app; a missing file is not
    expect(await (await fetch(`${server.origin}/compare`)).text()).toContain('<title>Quench</title>');
    expect((await fetch(`${server.origin}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses paths out of the renderer folder, however they are written', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00index.html', '/./index.html']) {
      const r = await raw(server, path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('not for the browser');
    }
    expect((await raw(server, '/%E0%A4%A')).status).toBe(400);
  });

  it('answers no other host name than the loopback (DNS rebinding), and listens on nothing else', async () => {
    const r = await raw(server, '/', { Host: 'evil.example:80' });
    expect(r.status).toBe(421);
    const api = await raw(server, '/api/info', { Host: `attacker.test:${server.port}` });
    expect(api.status).toBe(421);
    expect((await raw(server, '/', { Host: `localhost:${server.port}` })).status).toBe(200);
    await expect(startServer({ service, host: '0.0.0.0' })).rejects.toMatchObject({ kind: 'input', message: expect.stringContaining('loopback') });
  });
});

describe('quench serve (the command)', () => {
  it('prints its address with the token, serves, and stops cleanly on SIGTERM', async () => {
    const archive = join(dir, 'cli.sqlite');
    const child = spawn(process.execPath, ['bin/quench.js', 'serve', '--port', '0', '--archive', archive, '--backend', 'cpu', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address in 30 s: ${out} ${err}`)), 30_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /^Quench is at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out} ${err}`)));
    });
    const u = new URL(url);
    const token = u.searchParams.get('token')!;
    const info = await fetch(`${u.origin}/api/info`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{"args":[]}' });
    expect(await info.json()).toMatchObject({ archivePath: archive, threads: 1 });
    // a job in flight when the signal comes is cancelled; what it finished stays archived
    const job = await fetch(`${u.origin}/api/startExperiment`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ args: [{ spec: fixture }] }) });
    expect(job.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(err).toContain(`archive: ${archive}`);
    expect(err).toMatch(/SIGTERM, stopping/);
    await expect(fetch(`${u.origin}/api/info`)).rejects.toThrow();
  });

  it('refuses a host that is not the loopback, with exit code 2', async () => {
    const child = spawn(process.execPath, ['bin/quench.js', 'serve', '--host', '0.0.0.0', '--archive', join(dir, 'x.sqlite')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain('loopback interface only');
  });
});
