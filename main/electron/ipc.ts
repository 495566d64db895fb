// The one place that touches ipcMain: a handler per API method (channelOf(method), from the one list
// API_METHODS), each checking who sent the call before the service sees it, and the service's
// events forwarded to the window on EVENT_CHANNEL.
//
// Only the top frame of a page of the app's own origin (app://quench/, see main.ts) may call: a
// call from anything else (a subframe, a page the window was navigated to against our will, a
// destroyed frame) is refused and logged. Replies are { ok: true, value } or { ok: false, error:
// ApiError }: an Error thrown in a handler would reach the renderer as a bare message, without its
// kind or the issues of a bad spec. The preload unwraps them (preload.cts).
//
// Electron is imported for types only: the manager gets ipcMain and the window's webContents from
// main.ts, so the tests drive it without an Electron binary.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_METHODS, EVENT_CHANNEL, channelOf, type ApiError, type ApiMethod, type QuenchApi, type QuenchEvent } from '../../common/api.js';
import { toApiError } from '../service/errors.js';

export type IpcReply = { ok: true; value: unknown } | { ok: false; error: ApiError };

/** What the manager needs of the service. */
export type IpcService = QuenchApi & { onEvent(listener: (e: QuenchEvent) => void): () => void };

/** What the manager needs of a window's webContents to send it events. */
export interface EventTarget {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcManagerOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: IpcService;
  /** the URL prefixes of the app's own pages, e.g. ["app://quench/"] */
  trustedPrefixes: readonly string[];
  /** where refusals are told (default console.warn) */
  warn?: (message: string) => void;
}

/** True for a URL of one of the app's own pages (the same scheme, host and path prefix). */
export function isTrustedUrl(url: string, prefixes: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const normal = `${u.protocol}//${u.host}${u.pathname || '/'}`;
  return prefixes.some((p) => normal.startsWith(p));
}

/** Why a call is refused, or null when its sender is the top frame of a page under `prefixes` (`what`: those pages in words). */
export function senderRefusal(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, prefixes: readonly string[], what: string): string | null {
  let frame: IpcMainInvokeEvent['senderFrame'];
  try {
    frame = event.senderFrame;
  } catch {
    frame = null;
  }
  if (!frame) return 'its frame is gone';
  if (frame.parent) return `it came from a subframe (${frame.url})`;
  if (!isTrustedUrl(frame.url, prefixes)) return `it came from ${frame.url || 'an empty page'}, which is not ${what}`;
  return null;
}

export class IpcManager {
  private registered = false;
  private readonly warn: (message: string) => void;

  constructor(private readonly opts: IpcManagerOptions) {
    this.warn = opts.warn ?? ((m) => console.warn(m));
  }

  /** Registers one handler per API method. */
  register(): void {
    if (this.registered) return;
    for (const method of API_METHODS) {
      this.opts.ipcMain.handle(channelOf(method), (event, ...args: unknown[]) => this.handle(method, event, args));
    }
    this.registered = true;
  }

  dispose(): void {
    if (!this.registered) return;
    for (const method of API_METHODS) this.opts.ipcMain.removeHandler(channelOf(method));
    this.registered = false;
  }

  /** Why a call is refused, or null when its sender is the top frame of one of the app's pages. */
  refusal(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): string | null {
    return senderRefusal(event, this.opts.trustedPrefixes, 'the app');
  }

  /** One call: the sender checked, the service called, the answer or the failure as an ApiError. */
  async handle(method: ApiMethod, event: Pick<IpcMainInvokeEvent, 'senderFrame'>, args: unknown[]): Promise<IpcReply> {
    const why = this.refusal(event);
    if (why) {
      this.warn(`quench: refused ${channelOf(method)}: ${why}`);
      return { ok: false, error: { kind: 'forbidden', message: `${method} refused: ${why}` } };
    }
    try {
      const fn = this.opts.service[method] as (...a: unknown[]) => Promise<unknown>;
      return { ok: true, value: await fn.apply(this.opts.service, args) };
    } catch (err) {
      return { ok: false, error: toApiError(err) };
    }
  }

  /** Sends every service event to this window until it is destroyed; returns the function that stops it. */
  attach(target: EventTarget): () => void {
    const stop = this.opts.service.onEvent((e) => {
      if (!target.isDestroyed()) target.send(EVENT_CHANNEL, e);
    });
    target.once('destroyed', stop);
    return stop;
  }
}
