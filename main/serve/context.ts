// What the routes of `quench serve` share: the server's context (the service, the GPU host broker,
// the renderer's folder, the open event streams, the access check), the shape of a route, and which
// paths belong to the API and to the GPU host (so that no file is ever served under them).
//
// The access check lives here and nowhere else. A request is let in by this launch's token (the
// bearer, or ?token= for the event stream, which cannot set headers), or by the session cookie: the
// page opened with the token gets a cookie holding a second random secret (never the token), so that
// a reload or a new tab of the app keeps working once the token has left the address bar. The cookie
// is HttpOnly (no script reads it), SameSite=Strict, Path=/ and lasts as long as the browser session
// (no Expires). Cookies are not told apart by port, so a cookie counts only for requests from this
// server's own pages (Origin and Sec-Fetch-Site, which browsers set and pages cannot forge), and its
// name carries the port the browser sees, so two servers on one host do not overwrite each other's.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
  /** this launch's access check (accessCheck below) */
  access: AccessCheck;
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
 * The check of a presented secret against `secret`. Both are hashed first, so timingSafeEqual compares
 * equal lengths and the time taken says nothing of the secret.
 */
export function tokenCheck(secret: string): (given: string | null | undefined) => boolean {
  const secretDigest = digest(secret);
  return (given) => typeof given === 'string' && given !== '' && timingSafeEqual(digest(given), secretDigest);
}

/** The token of an `Authorization: Bearer …` header. */
export const bearer = (req: IncomingMessage) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

export interface AccessCheck {
  /** whether `given` is this launch's access token */
  token(given: string | null | undefined): boolean;
  /**
   * Whether a request may use the API (or the event stream). A token it presents (an Authorization
   * header, else `queryToken`, the event stream's ?token=) decides alone, right or wrong; without one,
   * the session cookie decides, for a request from this server's own pages only.
   */
  request(req: IncomingMessage, queryToken?: string | null): boolean;
  /**
   * The Set-Cookie header that opens a session, for a request whose address holds the token
   * (`queryToken`, its ?token=); null for any other request, so that nothing but the token opens one.
   */
  sessionCookie(req: IncomingMessage, queryToken: string | null): string | null;
}

/** The port in a Host header as the browser wrote it ("127.0.0.1:8080", "[::1]:8080"; none: 80). */
function portOf(hostHeader: string): string {
  return /:(\d{1,5})$/.exec(hostHeader)?.[1] ?? '80';
}

/** The session cookie's name: per port, as the browser keeps cookies per host name only. */
export const sessionCookieName = (req: IncomingMessage) => `quench-session-${portOf(req.headers.host ?? '')}`;

/** Every value of the cookie `name` in the request's Cookie header. */
function cookieValues(req: IncomingMessage, name: string): string[] {
  const out: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Whether a request comes from this server's own pages, or from no page at all (a program that holds
 * the cookie). A browser names the page's origin in Origin (always for a POST) and the relation in
 * Sec-Fetch-Site (on loopback addresses, for every request); a page of another port of the same host
 * is 'same-site', not 'same-origin', and its Origin names its own port.
 */
function fromOwnPage(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host ?? ''}`;
}

/**
 * The access check of one launch: its token, and a session secret made here (32 random bytes,
 * distinct from the token) that the session cookie carries.
 */
export function accessCheck(token: string, sessionSecret: string = randomBytes(32).toString('base64url')): AccessCheck {
  if (sessionSecret === token) throw new Error('the session secret must differ from the access token');
  const isToken = tokenCheck(token);
  const isSession = tokenCheck(sessionSecret);
  return {
    token: isToken,
    request(req, queryToken) {
      // an Authorization header, or a token in the address, is a token presented: it alone decides
      if (req.headers.authorization !== undefined) return isToken(bearer(req));
      if (queryToken !== undefined && queryToken !== null) return isToken(queryToken);
      if (!fromOwnPage(req)) return false;
      // every cookie of this name is looked at (each compared in constant time): a stale one from an
      // earlier launch on this port may sit beside the current one
      return cookieValues(req, sessionCookieName(req)).some((v) => isSession(v));
    },
    sessionCookie(req, queryToken) {
      if (!isToken(queryToken)) return null;
      return `${sessionCookieName(req)}=${sessionSecret}; Path=/; HttpOnly; SameSite=Strict`;
    },
  };
}

export const unauthorised = () =>
  new HttpError(401, { kind: 'unauthorised', message: 'missing or wrong access token: open the address `quench serve` printed (with its ?token=…)' });
