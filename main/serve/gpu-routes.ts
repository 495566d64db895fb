// POST /gpu/hello|next|result?id=…|error?id=…: the GPU host's side of common/gpu-host.ts, for a page
// (gpu-host.html?token=…) offering its WebGL2 to the gpujs-webgl backend. hello (JSON GpuHostInfo)
// connects it; next waits up to POLL_MS for a simulation (200 + a binary frame, its id in
// X-Quench-Simulation; 204 for none); result?id= answers one with a features frame, error?id= with
// {message}.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GpuHostInfo } from '../../common/gpu-host.js';
import { SECURITY_HEADERS } from '../service/security.js';
import { bearer, isGpuPath, unauthorised, type ServeContext } from './context.js';
import { HttpError, readBinary, readBody, requestTarget, send } from './http.js';

export async function gpuRoutes(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<boolean> {
  const { path, query } = requestTarget(req);
  if (!isGpuPath(path)) return false;
  // the token only: the GPU host page keeps it (no session cookie here)
  if (!ctx.access.token(bearer(req))) throw unauthorised();
  if (req.method !== 'POST') throw new HttpError(405, { kind: 'input', message: `${path} takes POST` });
  const broker = ctx.broker;
  const id = Number(query.get('id'));
  const json = async () => {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, { kind: 'input', message: `the body of ${path} is not JSON (${(err as Error).message})` });
    }
    // null, a number or a list parse too, and would fail later as a TypeError (a 500)
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, { kind: 'input', message: `the body of ${path} must be a JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'a list' : typeof body}` });
    return body as Record<string, unknown>;
  };
  switch (path) {
    case '/gpu/hello':
      broker.connect((await json()) as unknown as GpuHostInfo);
      send(res, 204, undefined);
      return true;
    case '/gpu/next': {
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const work = await broker.next(undefined, gone.signal);
      if (!work) {
        send(res, 204, undefined);
        return true;
      }
      // the page hung up while the work was handed to it: first in line again
      if (gone.signal.aborted) {
        broker.giveBack(work.id);
        return true;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Cache-Control': 'no-store',
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(work.frame.byteLength),
        'X-Quench-Simulation': String(work.id),
      });
      res.end(Buffer.from(work.frame));
      return true;
    }
    case '/gpu/result': {
      const limit = broker.answerLimit(id);
      if (limit === null) throw new HttpError(404, { kind: 'not-found', message: `no simulation ${query.get('id')} is waiting for features (it timed out, or was answered already)` });
      let frame: ArrayBuffer;
      try {
        frame = await readBinary(req, limit);
      } catch (err) {
        // the run waiting for it fails now, in words, rather than at its deadline
        broker.fail(id, `its answer could not be read (${(err as Error).message})`);
        throw err;
      }
      broker.complete(id, frame);
      send(res, 204, undefined);
      return true;
    }
    case '/gpu/error':
      broker.fail(id, String((await json()).message ?? 'no reason given'));
      send(res, 204, undefined);
      return true;
    default:
      throw new HttpError(404, { kind: 'not-found', message: `no GPU host call ${path.slice(0, 100)}; they are /gpu/hello, /gpu/next, /gpu/result, /gpu/error` });
  }
}
