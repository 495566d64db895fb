// The hidden GPU window's preload: exposes `quenchGpuHost` (hello, next, result, error; see
// renderer/src/gpu-host/transport.ts) and nothing else. CommonJS and import-free at run time, like
// preload.cts; the channel names follow GPU_HOST_CHANNELS (checked by gpu-host-ipc.test.ts).
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiError } from '../../common/api.js';
import type { GPU_HOST_CHANNELS as Channels, GpuHostInfo } from '../../common/gpu-host.js';

const CHANNELS: typeof Channels = {
  hello: 'quench-gpu:hello',
  next: 'quench-gpu:next',
  result: 'quench-gpu:result',
  error: 'quench-gpu:error',
};

type Reply = { ok: true; value: unknown } | { ok: false; error: ApiError };

async function call(channel: string, ...args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as Reply;
  if (reply.ok) return reply.value;
  throw new Error(reply.error.message);
}

contextBridge.exposeInMainWorld('quenchGpuHost', {
  hello: async (info: GpuHostInfo) => void (await call(CHANNELS.hello, info)),
  next: async () => (await call(CHANNELS.next)) as ArrayBuffer | null,
  result: async (id: number, frame: ArrayBuffer) => void (await call(CHANNELS.result, id, frame)),
  error: async (id: number, message: string) => void (await call(CHANNELS.error, id, message)),
});
