// Which transport the renderer talks through: the Electron preload's window.quench when present
// (QuenchApi + onEvent), else the HTTP client of `quench serve` (also for development: `quench
// serve` on any archive). Views import `api()` and never know which one they have.
import { API_METHODS } from '../../../common/api.js';
import { createHttpClient, takeToken } from './http.js';
import type { Client } from './types.js';

declare global {
  interface Window {
    quench?: Client;
  }
}

let client: Client | null = null;
let transport: 'electron' | 'http' = 'http';

export async function initApi(): Promise<Client> {
  if (window.quench) {
    client = window.quench;
    transport = 'electron';
  } else {
    client = createHttpClient({ token: takeToken() });
    transport = 'http';
  }
  client = withPlainArguments(client);
  return client;
}

/**
 * Arguments are JSON on every transport: the views often hold them in Svelte state (proxies),
 * which contextBridge cannot copy. A JSON round trip gives
 * the main process exactly what the HTTP transport would send (undefined fields dropped).
 */
export function withPlainArguments(inner: Client): Client {
  const plain = (args: unknown[]) => args.map((a) => (a === undefined ? undefined : (JSON.parse(JSON.stringify(a)) as unknown)));
  const out: Record<string, unknown> = { onEvent: (cb: Parameters<Client['onEvent']>[0]) => inner.onEvent(cb) };
  for (const m of API_METHODS) out[m] = (...args: unknown[]) => (inner[m] as (...a: unknown[]) => Promise<unknown>)(...plain(args));
  return out as unknown as Client;
}

export function api(): Client {
  if (!client) throw new Error('the api is not ready yet (initApi() has not finished)');
  return client;
}

export function transportName(): string {
  return transport;
}

export type { Client };
export { toApiError, ApiCallError } from './types.js';
