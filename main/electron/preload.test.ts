// The preload as the window loads it: the compiled preload.cjs (npm test builds it from preload.cts;
// vite does not load .cts sources) run the way Electron runs a sandboxed preload — a function of
// require, process, exports and module, where require knows 'electron' only — with 'electron' a fake
// that records what the preload exposes and sends.
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { API_METHODS, EVENT_CHANNEL, channelOf, type ApiError, type QuenchEvent } from '../../common/api.js';

type Api = Record<string, (...args: unknown[]) => unknown>;

interface FakeElectron {
  exposed: Record<string, unknown>;
  invoke: ReturnType<typeof vi.fn>;
  listeners: Map<string, Set<(...a: unknown[]) => void>>;
  electron: unknown;
}

function fakeElectron(): FakeElectron {
  const exposed: Record<string, unknown> = {};
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const invoke = vi.fn(async (channel: string, ...args: unknown[]) => {
    if (channel === channelOf('validateExperiment')) {
      const error: ApiError = { kind: 'spec', message: 'experiment spec is invalid', issues: [{ path: 'network.n', value: '0', allowed: 'must be at least 1' }] };
      return { ok: false, error };
    }
    return { ok: true, value: { channel, args } };
  });
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed[key] = api;
      },
    },
    ipcRenderer: {
      invoke,
      on: (channel: string, l: (...a: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
      },
      removeListener: (channel: string, l: (...a: unknown[]) => void) => listeners.get(channel)?.delete(l),
    },
  };
  return { exposed, invoke, listeners, electron };
}

/** The checks every form of the preload must pass. */
async function checkPreload(f: FakeElectron): Promise<void> {
  expect(Object.keys(f.exposed)).toEqual(['quench']);
  const api = f.exposed.quench as Api;
  // exactly the contract and onEvent: nothing else (no ipcRenderer, no invoke, no send)
  expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onEvent'].sort());
  for (const m of API_METHODS) {
    expect(typeof api[m]).toBe('function');
    if (m === 'validateExperiment') continue;
    expect(await api[m](1, 'two', { three: 3 })).toEqual({ channel: channelOf(m), args: [1, 'two', { three: 3 }] });
  }
  expect(f.invoke).toHaveBeenCalledTimes(API_METHODS.length - 1);

  // a failure rejects with the ApiError itself, a plain object (it crosses contextBridge whole)
  const err = await (api.validateExperiment({ name: 'x' }) as Promise<unknown>).catch((e: unknown) => e);
  expect(err).toEqual({ kind: 'spec', message: 'experiment spec is invalid', issues: [{ path: 'network.n', value: '0', allowed: 'must be at least 1' }] });

  // events: the page's listener gets the event, never the IpcRendererEvent; the returned function stops it
  const got: unknown[][] = [];
  const stop = api.onEvent((...a: unknown[]) => got.push(a)) as () => void;
  const handlers = [...(f.listeners.get(EVENT_CHANNEL) ?? [])];
  expect(handlers).toHaveLength(1);
  const event: QuenchEvent = { type: 'job', job: { id: 'j', experimentId: 'e', name: 'n', state: 'running', done: 1, total: 2, runsPerSecond: 1, etaSeconds: 1, error: null, startedAt: 'now', backend: null } };
  handlers[0]({ sender: 'secret' }, event);
  expect(got).toEqual([[event]]);
  stop();
  expect(f.listeners.get(EVENT_CHANNEL)?.size).toBe(0);
  expect(() => api.onEvent('not a function')).toThrow(TypeError);
}

describe('preload (compiled, run as a sandboxed preload)', () => {
  it('needs nothing but electron, and exposes exactly QuenchApi and onEvent', async () => {
    const src = readFileSync('dist/main/electron/preload.cjs', 'utf8');
    expect(src).not.toMatch(/^\s*import\s|^\s*export\s/m);
    const f = fakeElectron();
    const required: string[] = [];
    // Electron's sandboxed preloads get this require: known modules only, "module not found" otherwise
    const sandboxRequire = (m: string) => {
      required.push(m);
      if (m === 'electron') return f.electron;
      throw new Error(`module not found: ${m}`);
    };
    const exports = {};
    new Function('require', 'process', 'exports', 'module', src)(sandboxRequire, {}, exports, { exports });
    expect(required).toEqual(['electron']);
    await checkPreload(f);
  });
});
