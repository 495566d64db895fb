// Which transport the renderer talks through: the Electron preload's window.quench when present
// (QuenchApi + onEvent), else the HTTP client of `quench serve`; `?fake=1` gives the in-memory
// development client. Views import `api()` and never know which one they have.
import { createHttpClient, takeToken } from './http.js';
import type { Client } from './types.js';

declare global {
  interface Window {
    quench?: Client;
  }
}

let client: Client | null = null;
let transport: 'electron' | 'http' | 'fake' = 'http';

export async function initApi(): Promise<Client> {
  const params = new URLSearchParams(window.location.search);
  if (window.quench) {
    client = window.quench;
    transport = 'electron';
  } else if (params.get('fake') === '1') {
    const { createFakeClient } = await import('./fake.js');
    client = createFakeClient();
    transport = 'fake';
  } else {
    client = createHttpClient({ token: takeToken() });
    transport = 'http';
  }
  return client;
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
