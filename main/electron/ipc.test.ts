// The IPC manager with a fake ipcMain: every method registered on its channel, the sender checked
// before the service is called, failures crossing as ApiErrors, events forwarded to the window.
// 'electron' is mocked to fail when loaded: the manager must not need it at run time.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_METHODS, EVENT_CHANNEL, channelOf, type QuenchEvent } from '../../common/api.js';
import { QuenchService } from '../service.js';
import { IpcManager, isTrustedUrl, type IpcReply, type IpcService } from './ipc.js';

vi.mock('electron', () => {
  throw new Error('ipc.ts must not load electron at run time');
});

type Handler = (event: unknown, ...args: unknown[]) => Promise<IpcReply>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  };
}

const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });
const app = frame('app://quench/index.html');
const fixture = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8')) as unknown;

describe('IPC manager', () => {
  const service = new QuenchService({ archive: join(mkdtempSync(join(tmpdir(), 'quench-ipc-')), 'archive.sqlite'), backend: 'cpu', threads: 1 });
  afterAll(() => service.close());

  it('registers one handler per API method, on its channel, and removes them all', () => {
    const ipcMain = fakeIpcMain();
    const m = new IpcManager({ ipcMain: ipcMain as never, service, trustedPrefixes: ['app://quench/'] });
    m.register();
    m.register(); // twice is once
    expect([...ipcMain.handlers.keys()].sort()).toEqual(API_METHODS.map(channelOf).sort());
    m.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('calls the service for the app page and answers its value', async () => {
    const ipcMain = fakeIpcMain();
    new IpcManager({ ipcMain: ipcMain as never, service, trustedPrefixes: ['app://quench/'] }).register();
    const info = await ipcMain.handlers.get(channelOf('info'))!(app);
    expect(info).toEqual({ ok: true, value: await service.info() });
    const suite = await ipcMain.handlers.get(channelOf('previewSuite'))!(app, { families: [{ family: 'delay', delays: [1, 2] }] }, [{ family: 'white' }]);
    expect(suite.ok && (suite.value as { tasks: unknown[] }).tasks).toHaveLength(2);
    const v = await ipcMain.handlers.get(channelOf('validateExperiment'))!(app, fixture);
    expect(v).toMatchObject({ ok: true, value: { ok: true, runs: 6 } });
  });

  it('refuses calls from anything but the top frame of the app, without calling the service', async () => {
    const calls: string[] = [];
    const spy = new Proxy(service, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && (API_METHODS as readonly string[]).includes(key)) calls.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    const warnings: string[] = [];
    const ipcMain = fakeIpcMain();
    new IpcManager({ ipcMain: ipcMain as never, service: spy, trustedPrefixes: ['app://quench/'], warn: (w) => warnings.push(w) }).register();
    const foreign = [
      frame('https://evil.example/index.html'),
      frame('http://127.0.0.1:8080/'),
      frame('file:///work/main/dist/renderer/index.html'),
      frame('app://quench.evil/index.html'),
      frame('app://other/index.html'),
      frame('about:blank'),
      frame(''),
      frame('app://quench/index.html', { url: 'app://quench/index.html' }), // a subframe of the app
      { senderFrame: null },
      {
        get senderFrame(): never {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
      },
    ];
    for (const event of foreign) {
      const r = await ipcMain.handlers.get(channelOf('listExperiments'))!(event);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('listExperiments refused') });
    }
    expect(calls).toEqual([]);
    expect(warnings).toHaveLength(foreign.length);
    expect(warnings[0]).toContain('https://evil.example/index.html');
    expect((await ipcMain.handlers.get(channelOf('listExperiments'))!(app)).ok).toBe(true);
    expect(calls).toEqual(['listExperiments']);
  });

  it('answers failures as ApiErrors: a bad spec with its issues, other errors by kind, no stack traces', async () => {
    const ipcMain = fakeIpcMain();
    new IpcManager({ ipcMain: ipcMain as never, service, trustedPrefixes: ['app://quench/'] }).register();
    const bad = await ipcMain.handlers.get(channelOf('startExperiment'))!(app, { spec: { name: 'bad', network: { n: 0 } } });
    expect(bad).toEqual({ ok: false, error: { kind: 'spec', message: expect.stringContaining('network.n: got 0'), issues: [{ path: 'network.n', value: '0', allowed: 'must be at least 1' }] } });
    // what crosses the process boundary is plain data
    expect(structuredClone(bad)).toEqual(bad);
    const missing = await ipcMain.handlers.get(channelOf('resumeExperiment'))!(app, 'nothing-like-this');
    expect(missing).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    const badArg = await ipcMain.handlers.get(channelOf('previewTask'))!(app, 'default', [{ family: 'white' }], 'delay/c0/d1', 0, 0);
    expect(badArg).toMatchObject({ ok: false, error: { kind: 'input', issues: [{ path: 'steps' }] } });
    const crash: IpcService = { ...service, info: async () => Promise.reject(new TypeError('x is undefined')) } as unknown as IpcService;
    const ipc2 = fakeIpcMain();
    new IpcManager({ ipcMain: ipc2 as never, service: crash, trustedPrefixes: ['app://quench/'] }).register();
    const r = await ipc2.handlers.get(channelOf('info'))!(app);
    expect(r).toEqual({ ok: false, error: { kind: 'internal', message: 'internal error: x is undefined' } });
    expect(JSON.stringify([bad, missing, badArg, r])).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('forwards the service events to the window on the event channel until it is destroyed', () => {
    const listeners = new Set<(e: QuenchEvent) => void>();
    const emitting = { onEvent: (l: (e: QuenchEvent) => void) => (listeners.add(l), () => listeners.delete(l)) } as unknown as IpcService;
    const sent: unknown[][] = [];
    let destroyed = false;
    let onDestroyed: (() => void) | null = null;
    const contents = {
      send: (...a: unknown[]) => sent.push(a),
      isDestroyed: () => destroyed,
      once: (_e: 'destroyed', l: () => void) => (onDestroyed = l),
    };
    const m = new IpcManager({ ipcMain: fakeIpcMain() as never, service: emitting, trustedPrefixes: ['app://quench/'] });
    m.attach(contents);
    const event: QuenchEvent = { type: 'job', job: { id: 'j', experimentId: 'e', name: 'n', state: 'done', done: 2, total: 2, runsPerSecond: 1, etaSeconds: 0, error: null, startedAt: 'now', backend: null } };
    for (const l of listeners) l(event);
    expect(sent).toEqual([[EVENT_CHANNEL, event]]);
    destroyed = true;
    for (const l of listeners) l(event);
    expect(sent).toHaveLength(1);
    onDestroyed!();
    expect(listeners.size).toBe(0);
  });

  it('tells the app pages from everything else', () => {
    const app = ['app://quench/'];
    expect(isTrustedUrl('app://quench/index.html', app)).toBe(true);
    expect(isTrustedUrl('app://quench/assets/x.js?y#z', app)).toBe(true);
    expect(isTrustedUrl('app://quench', app)).toBe(true);
    expect(isTrustedUrl('app://quenchx/index.html', app)).toBe(false);
    expect(isTrustedUrl('app://user@quench.evil/', app)).toBe(false);
    expect(isTrustedUrl('https://quench/', app)).toBe(false);
    expect(isTrustedUrl('not a url', app)).toBe(false);
  });
});
