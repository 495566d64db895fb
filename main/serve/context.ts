// What the routes of `quench serve` share: the server's context (the service, the GPU host broker,
// the renderer's folder, the open event streams, the token check), the shape of a route, and which
// paths belong to the API and to the GPU host (so that no file is ever served under them).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { QuenchApi, QuenchEvent } from '../../common/api.js';
import type { GpuHostBroker } from '../gpu-host.js';
import { HttpError } from './http.js';

/** What the server needs of the service: the api and its events. */
export type ServedApi = QuenchApi & { onEvent(listener: (e: QuenchEvent) => void): () => void };

export interface ServeContext {
  service: ServedApi;
  broker: GpuHostBroker;
  /** the built renderer's folder */
  root: string;
  /** the open event streams: the server ends them when it closes */
  streams: Set<ServerResponse>;
  /** whether `given` is this launch's access token */
  authorised(given: string | null | undefined): boolean;
}

/**
 * One group of routes. It answers the requests whose path is its own and resolves true; for any
 * other path it touches neither the request nor the response and resolves false. It may throw an
 * HttpError (or any error) for the server to answer.
 */
export type Route = (req: IncomingMessage, res: ServerResponse, ctx: ServeContext) => Promise<boolean>;

/** /api and everything under it: the methods and the event stream */
export const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');
/** the event stream (event-routes.ts); every other /api path is a method (api-routes.ts) */
export const EVENTS_PATH = '/api/events';
/** the GPU host's calls */
export const isGpuPath = (path: string) => path.startsWith('/gpu/');

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The check of a presented token against `token`. Both are hashed first, so timingSafeEqual compares
 * equal lengths and the time taken says nothing of the token.
 */
export function tokenCheck(token: string): (given: string | null | undefined) => boolean {
  const tokenDigest = digest(token);
  return (given) => typeof given === 'string' && given !== '' && timingSafeEqual(digest(given), tokenDigest);
}

/** The token of an `Authorization: Bearer …` header. */
export const bearer = (req: IncomingMessage) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

export const unauthorised = () =>
  new HttpError(401, { kind: 'unauthorised', message: 'missing or wrong access token: open the address `quench serve` printed (with its ?token=…)' });
