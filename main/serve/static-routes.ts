// GET|HEAD /…: the built renderer (index.html for / and for paths the app routes itself), resolved by
// service/static-files.ts, which refuses any path out of its folder. Every path that is not the API's
// or the GPU host's is a file. A page opened with the token in its address (/?token=…) also gets the
// session cookie (context.ts), so that the app keeps working after a reload without it.
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveStatic } from '../service/static-files.js';
import { SECURITY_HEADERS } from '../service/security.js';
import { isApiPath, isGpuPath, type ServeContext } from './context.js';
import { requestTarget, sendText } from './http.js';

export async function staticRoutes(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<boolean> {
  const { path, query } = requestTarget(req);
  // never a file under the API's paths, whatever the renderer's folder holds
  if (isApiPath(path) || isGpuPath(path)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    return true;
  }
  const r = resolveStatic(ctx.root, path);
  if (!r.ok) {
    sendText(res, r.status, r.message);
    return true;
  }
  const cookie = ctx.access.sessionCookie(req, query.get('token'));
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': r.contentType,
    'Cache-Control': r.contentType.startsWith('text/html') ? 'no-store' : 'no-cache',
    ...(cookie ? { 'Set-Cookie': cookie } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  const stream = createReadStream(r.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return true;
}
