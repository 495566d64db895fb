// POST /api/<method>: one method of the service per call, body {"args": [...]}, the token in
// Authorization: Bearer (or, from the app's own pages, the session cookie: context.ts). 200 + the result as JSON (204 for none), or 4xx/5xx + an ApiError.
// The event stream under /api/events is event-routes.ts's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_METHODS, type ApiMethod } from '../../common/api.js';
import { httpStatusOf, toApiError } from '../service/errors.js';
import { EVENTS_PATH, isApiPath, unauthorised, type ServeContext } from './context.js';
import { HttpError, readBody, requestTarget, send } from './http.js';

// only these names are called: never another property of the service (constructor, close, onEvent…)
const METHOD_NAMES = new Set<string>(API_METHODS);

export async function apiRoutes(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<boolean> {
  const { path } = requestTarget(req);
  if (!isApiPath(path) || path === EVENTS_PATH) return false;
  // the token first: without it, not even whether a method exists is said
  if (!ctx.access.request(req)) throw unauthorised();
  const name = path.slice('/api/'.length);
  if (!METHOD_NAMES.has(name)) {
    throw new HttpError(404, { kind: 'not-found', message: `no API method "${name.slice(0, 100)}"; the methods are ${API_METHODS.join(', ')}` });
  }
  if (req.method !== 'POST') throw new HttpError(405, { kind: 'input', message: `call ${name} with POST /api/${name} and a JSON body {"args": [...]}` });
  const text = await readBody(req);
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, { kind: 'input', message: `the request body is not JSON (${(err as Error).message})` });
  }
  const args = body !== null && typeof body === 'object' && !Array.isArray(body) ? ((body as { args?: unknown }).args ?? []) : null;
  if (!Array.isArray(args)) throw new HttpError(400, { kind: 'input', message: 'the request body must be a JSON object {"args": [...]} with the arguments in order' });
  const service = ctx.service;
  const method = (service as unknown as Record<ApiMethod, (...a: unknown[]) => Promise<unknown>>)[name as ApiMethod];
  let result: unknown;
  try {
    result = await method.apply(service, args);
  } catch (err) {
    const e = toApiError(err);
    send(res, httpStatusOf(e.kind), e);
    return true;
  }
  if (result === undefined) send(res, 204, undefined);
  else send(res, 200, result);
  return true;
}
