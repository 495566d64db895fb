// The hidden GPU window's IPC with a fake ipcMain (its four channels, the sender checked, the broker
// driven), and its preload as Electron runs a sandboxed one, with a fake 'electron'.
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { GPU_HOST_CHANNELS, encodeFeatures, type GpuHostInfo } from '../../common/gpu-host.js';
import { GpuHostBroker } from '../gpu-host.js';
import type { IpcReply } from './ipc.js';
import { GpuHostIpc } from './gpu-host-ipc.js';

vi.mock('electron', () => {
  throw new Error('gpu-host-ipc.ts must not load electron at run time');
});

type Handler = (event: unknown, ...args: unknown[]) => Promise<IpcReply>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, fn: Handler) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });
const page = frame('app://quench/gpu-host.html');
const info: GpuHostInfo = { renderer: 'Test GPU', mode: 'webgl2', where: 'hidden window' };
const model = { kind: 'rate', form: 'li', tauMeanSteps: 10, noise: 0 } as const;

describe('GPU host IPC', () => {
  it('registers its four channels, lets only the GPU host page call them, and drives the broker', async () => {
    const ipcMain = fakeIpcMain();
    const broker = new GpuHostBroker();
    const warnings: string[] = [];
    const ipc = new GpuHostIpc({ ipcMain: ipcMain as never, broker, pageUrl: 'app://quench/gpu-host.html', warn: (m) => warnings.push(m) });
    ipc.register();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(GPU_HOST_CHANNELS).sort());
    const call = (channel: string, event: unknown, ...args: unknown[]) => ipcMain.handlers.get(channel)!(event, ...args);

    // the app's own window, a subframe of the page, and a gone frame are refused
    for (const [event, why] of [
      [frame('app://quench/index.html'), /not the GPU host page/],
      [frame('app://quench/gpu-host.html', {}), /subframe/],
      [{ senderFrame: null }, /frame is gone/],
    ] as const) {
      const reply = await call(GPU_HOST_CHANNELS.hello, event, info);
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.message).toMatch(why);
    }
    expect(warnings).toHaveLength(3);
    expect(broker.describe()).toBeNull();

    expect(await call(GPU_HOST_CHANNELS.hello, page, info)).toEqual({ ok: true, value: null });
    expect(broker.describe()).toBe('WebGL2 on Test GPU (hidden window)');
    const n = 2;
    const steps = 2;
    const result = broker.simulate({ model, n, d: 1, steps, noiseSeed: 1, w: new Float64Array(4), u: new Float64Array(2), b: new Float64Array(2), tau: Float64Array.of(3, 4), input: new Float64Array(2) });
    const next = await call(GPU_HOST_CHANNELS.next, page);
    expect(next.ok && next.value instanceof ArrayBuffer).toBe(true);
    // the page answers with a typed array's view: what IPC may deliver
    const answer = new Uint8Array(encodeFeatures(1, n, steps, Float32Array.of(1, 2, 3, 4)));
    expect(await call(GPU_HOST_CHANNELS.result, page, 1, answer)).toEqual({ ok: true, value: null });
    expect(Array.from(await result)).toEqual([1, 2, 3, 4]);

    const failing = broker.simulate({ model, n, d: 1, steps, noiseSeed: 1, w: new Float64Array(4), u: new Float64Array(2), b: new Float64Array(2), tau: Float64Array.of(3, 4), input: new Float64Array(2) });
    await call(GPU_HOST_CHANNELS.next, page);
    expect(await call(GPU_HOST_CHANNELS.error, page, 2, 'out of GPU memory')).toEqual({ ok: true, value: null });
    await expect(failing).rejects.toThrow(/could not run the simulation: out of GPU memory/);
    const late = await call(GPU_HOST_CHANNELS.result, page, 2, answer);
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.error).toMatchObject({ kind: 'not-found' });

    ipc.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    broker.disconnect('test over');
  });

  it('the compiled preload needs nothing but electron and exposes quenchGpuHost alone, on the channels of the contract', async () => {
    const src = readFileSync('dist/main/electron/gpu-host-preload.cjs', 'utf8');
    const exposed: Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>> = {};
    const invoke = vi.fn(async (channel: string, ...args: unknown[]) =>
      channel === GPU_HOST_CHANNELS.error ? { ok: false, error: { kind: 'not-found', message: 'no simulation 9 is waiting' } } : { ok: true, value: channel === GPU_HOST_CHANNELS.next ? new ArrayBuffer(8) : args.length },
    );
    const electron = { contextBridge: { exposeInMainWorld: (k: string, v: never) => void (exposed[k] = v) }, ipcRenderer: { invoke } };
    const required: string[] = [];
    const sandboxRequire = (m: string) => {
      required.push(m);
      if (m === 'electron') return electron;
      throw new Error(`module not found: ${m}`);
    };
    const exports = {};
    new Function('require', 'process', 'exports', 'module', src)(sandboxRequire, {}, exports, { exports });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['quenchGpuHost']);
    const host = exposed.quenchGpuHost;
    expect(Object.keys(host).sort()).toEqual(['error', 'hello', 'next', 'result']);
    await host.hello(info);
    expect((await host.next()) instanceof ArrayBuffer).toBe(true);
    await host.result(3, new ArrayBuffer(4));
    await expect(host.error(9, 'x')).rejects.toThrow('no simulation 9 is waiting');
    expect(invoke.mock.calls.map((c) => c[0])).toEqual([GPU_HOST_CHANNELS.hello, GPU_HOST_CHANNELS.next, GPU_HOST_CHANNELS.result, GPU_HOST_CHANNELS.error]);
  });
});
