// How a GPU host page talks to the main process: over Electron IPC when the desktop app's preload
// put `quenchGpuHost` on the window (main/electron/gpu-host-preload.cts), else over HTTP to `quench
// serve` (main/serve.ts, /gpu/...), with the token of the page's address.
import type { GpuHostInfo } from '../../../common/gpu-host.js';
import { takeToken } from '../api/http.js';

export interface HostTransport {
  /** where the host is connected, in words */
  readonly where: string;
  hello(info: GpuHostInfo): Promise<void>;
  /** the next simulation frame, or null when there was none for a while */
  next(): Promise<ArrayBuffer | null>;
  result(id: number, frame: ArrayBuffer): Promise<void>;
  error(id: number, message: string): Promise<void>;
}

declare global {
  interface Window {
    /** the desktop app's hidden GPU window only */
    quenchGpuHost?: Omit<HostTransport, 'where'>;
  }
}

async function failure(what: string, res: Response): Promise<Error> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { message?: string };
    if (body.message) message = body.message;
  } catch {
    /* not JSON */
  }
  if (res.status === 401) message = 'the server refused the access token: open the GPU host address `quench serve` printed (with its ?token=…)';
  return new Error(`${what}: ${message}`);
}

export function httpTransport(token: string, origin = ''): HostTransport {
  const post = (path: string, body?: BodyInit, type = 'application/json') =>
    fetch(`${origin}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': type }) }, body, cache: 'no-store' });
  return {
    where: 'browser tab',
    async hello(info) {
      const res = await post('/gpu/hello', JSON.stringify(info));
      if (!res.ok) throw await failure('connecting to Quench', res);
    },
    async next() {
      const res = await post('/gpu/next');
      if (res.status === 204) return null;
      if (!res.ok) throw await failure('asking Quench for work', res);
      return res.arrayBuffer();
    },
    async result(id, frame) {
      const res = await post(`/gpu/result?id=${id}`, frame, 'application/octet-stream');
      if (!res.ok) throw await failure(`sending simulation ${id}'s features`, res);
    },
    async error(id, message) {
      const res = await post(`/gpu/error?id=${id}`, JSON.stringify({ message }));
      if (!res.ok) throw await failure(`reporting simulation ${id}'s failure`, res);
    },
  };
}

/** The transport of this page: the desktop app's IPC, else HTTP with the address's token (removed from the address bar). */
export function pageTransport(): HostTransport {
  if (window.quenchGpuHost) return { where: 'hidden window', ...window.quenchGpuHost };
  const token = takeToken();
  if (!token) throw new Error('this page needs the access token: open the GPU host address `quench serve` printed (…/gpu-host.html?token=…)');
  return httpTransport(token);
}
