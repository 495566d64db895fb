// GET /api/events?token=… (or the token in Authorization: Bearer, or the session cookie from the
// app's own pages: context.ts): server-sent events, one QuenchEvent as JSON per `data:` line, with a
// comment line now and then so that proxies and tunnels keep the connection open.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../service/security.js';
import { EVENTS_PATH, unauthorised, type ServeContext } from './context.js';
import { HttpError, requestTarget } from './http.js';

const HEARTBEAT_MS = 15_000;

export async function eventRoutes(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<boolean> {
  const { path, query } = requestTarget(req);
  if (path !== EVENTS_PATH) return false;
  if (req.method !== 'GET') throw new HttpError(405, { kind: 'input', message: 'the event stream is GET /api/events' });
  // an EventSource cannot set headers: the token may come in the address
  if (!ctx.access.request(req, query.get('token'))) throw unauthorised();
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n: connected to quench\n\n');
  ctx.streams.add(res);
  const stop = ctx.service.onEvent((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
  const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  beat.unref();
  const end = () => {
    clearInterval(beat);
    stop();
    ctx.streams.delete(res);
  };
  req.on('close', end);
  res.on('close', end);
  return true;
}
