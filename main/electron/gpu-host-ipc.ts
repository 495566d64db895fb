// The hidden GPU window's side of IPC: four channels (GPU_HOST_CHANNELS) between its preload
// (gpu-host-preload.cts) and the GPU host broker (main/gpu-host.ts). Only the top frame of the GPU
// host page (app://quench/gpu-host.html) may call them: the app's own window cannot hand itself
// features, nor the GPU page call the app's API (it has another preload). Replies are
// { ok: true, value } or { ok: false, error: ApiError }, as for the API (ipc.ts).
//
// Electron is imported for types only, so the tests drive this without an Electron binary.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { GPU_HOST_CHANNELS, type GpuHostInfo } from '../../common/gpu-host.js';
import type { GpuHostBroker } from '../gpu-host.js';
import { toApiError } from '../service/errors.js';
import { senderRefusal, type IpcReply } from './ipc.js';

export interface GpuHostIpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  broker: GpuHostBroker;
  /** the GPU host page's URL, e.g. app://quench/gpu-host.html */
  pageUrl: string;
  warn?: (message: string) => void;
}

type Channel = keyof typeof GPU_HOST_CHANNELS;

/** an ArrayBuffer from what IPC delivers (structured clone keeps ArrayBuffers and typed arrays) */
function bufferOf(x: unknown): ArrayBuffer {
  if (x instanceof ArrayBuffer) return x;
  if (ArrayBuffer.isView(x)) return x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength) as ArrayBuffer;
  throw new TypeError('the features must be an ArrayBuffer');
}

export class GpuHostIpc {
  private registered = false;
  private readonly warn: (message: string) => void;

  constructor(private readonly opts: GpuHostIpcOptions) {
    this.warn = opts.warn ?? ((m) => console.warn(m));
  }

  register(): void {
    if (this.registered) return;
    for (const c of Object.keys(GPU_HOST_CHANNELS) as Channel[]) {
      this.opts.ipcMain.handle(GPU_HOST_CHANNELS[c], (event, ...args: unknown[]) => this.handle(c, event, args));
    }
    this.registered = true;
  }

  dispose(): void {
    if (!this.registered) return;
    for (const c of Object.keys(GPU_HOST_CHANNELS) as Channel[]) this.opts.ipcMain.removeHandler(GPU_HOST_CHANNELS[c]);
    this.registered = false;
  }

  refusal(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): string | null {
    return senderRefusal(event, [this.opts.pageUrl], 'the GPU host page');
  }

  async handle(channel: Channel, event: Pick<IpcMainInvokeEvent, 'senderFrame'>, args: unknown[]): Promise<IpcReply> {
    const why = this.refusal(event);
    if (why) {
      this.warn(`quench: refused ${GPU_HOST_CHANNELS[channel]}: ${why}`);
      return { ok: false, error: { kind: 'forbidden', message: `${GPU_HOST_CHANNELS[channel]} refused: ${why}` } };
    }
    const b = this.opts.broker;
    try {
      switch (channel) {
        case 'hello':
          b.connect(args[0] as GpuHostInfo);
          return { ok: true, value: null };
        case 'next': {
          const work = await b.next();
          return { ok: true, value: work ? work.frame : null };
        }
        case 'result':
          b.complete(Number(args[0]), bufferOf(args[1]));
          return { ok: true, value: null };
        case 'error':
          b.fail(Number(args[0]), String(args[1]));
          return { ok: true, value: null };
      }
    } catch (err) {
      return { ok: false, error: toApiError(err) };
    }
  }
}
