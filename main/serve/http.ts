// The HTTP plumbing every route of `quench serve` shares: the error a route throws to answer with a
// status, the JSON and text answers (each with the security headers), and request bodies read under
// a size limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../../common/api.js';
import { SECURITY_HEADERS } from '../service/security.js';

/** Request bodies above this are refused (413): a spec with thousands of measured time constants fits easily. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Thrown by a route: the server answers `status` with `body` as JSON (401s with WWW-Authenticate: Bearer). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message);
  }
}

/** The path as sent (before any decoding: the static files check it raw) and the query of a request. */
export function requestTarget(req: IncomingMessage): { path: string; query: URLSearchParams } {
  const url = req.url ?? '';
  const path = (req.url ?? '/').split('?', 1)[0];
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  return { path, query };
}

/** A JSON answer (none for `undefined`), never cached. */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Cache-Control': 'no-store',
    ...(text ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) } : {}),
    ...headers,
  });
  res.end(text);
}

/** A plain-text answer, for what a browser shows as a page (the static files, the host check). */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/**
 * A request body of at most `limit` bytes. A longer one is read to its end and dropped, then refused
 * with 413 and `tooLarge(size)`: a request cut off mid-body would reach the sender as a reset
 * connection, not as the 413.
 */
export function readBytes(req: IncomingMessage, limit: number, tooLarge: (size: number) => string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > limit) return reject(new HttpError(413, { kind: 'input', message: tooLarge(size) }));
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** A text body of at most MAX_BODY_BYTES. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req, MAX_BODY_BYTES, () => `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`)).toString('utf8');
}

/** A binary body of at most `limit` bytes (a GPU host's answer: its size is known in advance). */
export async function readBinary(req: IncomingMessage, limit: number): Promise<ArrayBuffer> {
  const all = await readBytes(req, limit, (size) => `the body (${size} bytes) is larger than the ${limit} bytes this answer can have`);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
}
