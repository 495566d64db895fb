// The renderer's view of the contract: QuenchApi plus the event subscription every transport offers.
// Types only; the one declaration lives in common/api.ts.
import type { ApiError, QuenchApi, QuenchEvent } from '../../../common/api.js';

export type * from '../../../common/api.js';

/** QuenchApi plus events: what the Electron preload exposes as window.quench, and what the HTTP client implements. */
export interface Client extends QuenchApi {
  onEvent(cb: (event: QuenchEvent) => void): () => void;
}

/** An Error that carries the ApiError the main process sent (kind, message, issues). */
export class ApiCallError extends Error implements ApiError {
  readonly kind: string;
  readonly issues?: ApiError['issues'];
  constructor(readonly method: string, err: ApiError) {
    super(err.message);
    this.name = 'ApiCallError';
    this.kind = err.kind;
    if (err.issues) this.issues = err.issues;
  }
}

function isApiError(v: unknown): v is ApiError {
  return typeof v === 'object' && v !== null && typeof (v as ApiError).message === 'string' && typeof (v as ApiError).kind === 'string';
}

/**
 * Whatever was thrown by a call (an ApiCallError, an Electron IPC rejection, a network failure),
 * as an ApiError a view can show: the message in words, the kind, the issues if a spec was bad.
 */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { kind: e.kind, message: e.message, ...(e.issues ? { issues: e.issues } : {}) };
  if (e instanceof Error) {
    // ipcRenderer.invoke wraps errors as "Error invoking remote method 'quench:x': Error: <message>";
    // a preload may pass the ApiError as JSON in the message.
    const inner = e.message.replace(/^Error invoking remote method '[^']*': (\w*Error: )?/, '');
    try {
      const parsed = JSON.parse(inner) as unknown;
      if (isApiError(parsed)) return parsed;
    } catch {
      /* not JSON */
    }
    if (e.name === 'TypeError' && /fetch|network/i.test(e.message)) {
      return { kind: 'connection', message: `cannot reach the Quench server (${e.message}); is \`quench serve\` still running?` };
    }
    return { kind: 'internal', message: inner || e.name };
  }
  return { kind: 'internal', message: String(e) };
}
