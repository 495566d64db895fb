// `quench serve`: the service over HTTP on the loopback interface, for a browser on a headless
// machine (through an SSH tunnel) and for end-to-end tests in Chromium:
//
//   POST /api/<method>        body {"args": [...]}, header Authorization: Bearer <token>
//                             200 + the result as JSON (204 for none), or 4xx/5xx + an ApiError
//                             {kind, message, issues?}; 401 without the token, 404 for an unknown method
//   GET  /api/events?token=…  server-sent events, one QuenchEvent as JSON per `data:` line
//   POST /gpu/hello|next|result?id=…|error?id=…
//                             a GPU host page (gpu-host.html?token=…) offering its WebGL2 to the
//                             gpujs-webgl backend: binary frames of common/gpu-host.ts (see gpuApi below)
//   GET  /…                   the built renderer (dist/renderer; index.html for /), no directory traversal
//
// The token is 32 random bytes made at each launch and printed with the address
// (`Quench is at http://127.0.0.1:PORT/?token=…`); the renderer reads it from the address. Every
// response carries the Content-Security-Policy of the window (default-src 'self'; no remote content).
// Requests naming another host than the loopback (DNS rebinding) are refused. SIGINT or SIGTERM
// cancels the running jobs (their finished runs stay archived) and closes the server.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { API_METHODS, type ApiError, type ApiMethod, type QuenchApi, type QuenchEvent } from '../common/api.js';
import { EXIT, QuenchError } from '../common/errors.js';
import type { GpuHostInfo } from '../common/gpu-host.js';
import { backendOptionHelp } from './backend-choice.js';
import { gpuHost, type GpuHostBroker } from './gpu-host.js';
import { QuenchService } from './service.js';
import { httpStatusOf, toApiError } from './service/errors.js';
import { SECURITY_HEADERS, hostnameOf, isLoopbackHost } from './service/security.js';
import { rendererDir, resolveStatic } from './service/static-files.js';

/** What the server needs of the service: the api and its events. */
export type ServedApi = QuenchApi & { onEvent(listener: (e: QuenchEvent) => void): () => void };

export interface ServeOptions {
  service: ServedApi;
  /** 0 (default): any free port */
  port?: number;
  /** a loopback address (default 127.0.0.1) */
  host?: string;
  /** default: 32 random bytes, base64url */
  token?: string;
  /** default: dist/renderer of this package */
  root?: string;
  /** where GPU host pages connect (default: this process's broker, which the gpujs-webgl backend uses) */
  gpuHost?: GpuHostBroker;
}

export interface RunningServer {
  server: Server;
  port: number;
  host: string;
  token: string;
  /** the origin, e.g. http://127.0.0.1:8080 */
  origin: string;
  /** the address to open, with the token */
  url: string;
  /** the address of the GPU host page, with the token: open it where WebGL2 reaches a GPU */
  gpuHostUrl: string;
  /** stops accepting requests, ends the event streams and open connections */
  close(): Promise<void>;
}

/** Request bodies above this are refused (413): a spec with thousands of measured time constants fits easily. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
const METHOD_NAMES = new Set<string>(API_METHODS);

const digest = (s: string) => createHash('sha256').update(s).digest();

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/**
 * A request body of at most `limit` bytes. A longer one is read to its end and dropped, then refused
 * with 413 and `tooLarge(size)`: a request cut off mid-body would reach the sender as a reset
 * connection, not as the 413.
 */
function readBytes(req: IncomingMessage, limit: number, tooLarge: (size: number) => string): Promise<Buffer> {
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

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req, MAX_BODY_BYTES, () => `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`)).toString('utf8');
}

async function readBinary(req: IncomingMessage, limit: number): Promise<ArrayBuffer> {
  const all = await readBytes(req, limit, (size) => `the body (${size} bytes) is larger than the ${limit} bytes this answer can have`);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new QuenchError(
      'input',
      `--host ${host}: quench serve listens on the loopback interface only (127.0.0.1, ::1 or localhost). ` +
        `To use it from another machine, tunnel the port: ssh -L 8080:127.0.0.1:8080 thishost, then run quench serve --port 8080 here`,
    );
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new QuenchError('input', `--port ${port}: expected a port number 0-65535 (0: any free port)`);
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);
  const root = opts.root ?? rendererDir();
  const service = opts.service;
  const broker = opts.gpuHost ?? gpuHost;
  const streams = new Set<ServerResponse>();

  const authorised = (given: string | null | undefined) => typeof given === 'string' && given !== '' && timingSafeEqual(digest(given), tokenDigest);
  const bearer = (req: IncomingMessage) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const unauthorised = () =>
    new HttpError(401, { kind: 'unauthorised', message: 'missing or wrong access token: open the address `quench serve` printed (with its ?token=…)' });

  async function api(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    if (path === '/api/events') {
      if (req.method !== 'GET') throw new HttpError(405, { kind: 'input', message: 'the event stream is GET /api/events' });
      if (!authorised(query.get('token') ?? bearer(req))) throw unauthorised();
      return events(req, res);
    }
    if (!authorised(bearer(req))) throw unauthorised();
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
    const method = (service as unknown as Record<ApiMethod, (...a: unknown[]) => Promise<unknown>>)[name as ApiMethod];
    let result: unknown;
    try {
      result = await method.apply(service, args);
    } catch (err) {
      const e = toApiError(err);
      return send(res, httpStatusOf(e.kind), e);
    }
    if (result === undefined) return send(res, 204, undefined);
    send(res, 200, result);
  }

  /**
   * The GPU host's side (common/gpu-host.ts): hello (JSON GpuHostInfo) connects it; next waits up to
   * POLL_MS for a simulation (200 + a binary frame, its id in X-Quench-Simulation; 204 for none);
   * result?id= answers one with a features frame, error?id= with {message}.
   */
  async function gpuApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    if (!authorised(bearer(req))) throw unauthorised();
    if (req.method !== 'POST') throw new HttpError(405, { kind: 'input', message: `${path} takes POST` });
    const id = Number(query.get('id'));
    const json = async () => {
      try {
        return JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(400, { kind: 'input', message: `the body of ${path} is not JSON (${(err as Error).message})` });
      }
    };
    switch (path) {
      case '/gpu/hello':
        broker.connect((await json()) as unknown as GpuHostInfo);
        return send(res, 204, undefined);
      case '/gpu/next': {
        const gone = new AbortController();
        res.on('close', () => gone.abort());
        const work = await broker.next(undefined, gone.signal);
        if (!work) return send(res, 204, undefined);
        if (gone.signal.aborted) return broker.giveBack(work.id);
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Cache-Control': 'no-store',
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(work.frame.byteLength),
          'X-Quench-Simulation': String(work.id),
        });
        return void res.end(Buffer.from(work.frame));
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
        return send(res, 204, undefined);
      }
      case '/gpu/error':
        broker.fail(id, String((await json()).message ?? 'no reason given'));
        return send(res, 204, undefined);
      default:
        throw new HttpError(404, { kind: 'not-found', message: `no GPU host call ${path.slice(0, 100)}; they are /gpu/hello, /gpu/next, /gpu/result, /gpu/error` });
    }
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n: connected to quench\n\n');
    streams.add(res);
    const stop = service.onEvent((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
    const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    beat.unref();
    const end = () => {
      clearInterval(beat);
      stop();
      streams.delete(res);
    };
    req.on('close', end);
    res.on('close', end);
  }

  function files(req: IncomingMessage, res: ServerResponse, rawPath: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const r = resolveStatic(root, rawPath);
    if (!r.ok) return sendText(res, r.status, r.message);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': r.contentType,
      'Cache-Control': r.contentType.startsWith('text/html') ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(r.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const hostHeader = req.headers.host ?? '';
      if (!isLoopbackHost(hostnameOf(hostHeader))) {
        // a page of another site that resolved its name to 127.0.0.1 (DNS rebinding) gets nothing
        return sendText(res, 421, `this server answers to its loopback address only, not to host "${hostHeader.slice(0, 100)}"`);
      }
      const rawPath = (req.url ?? '/').split('?', 1)[0];
      const query = new URLSearchParams((req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '');
      if (rawPath === '/api' || rawPath.startsWith('/api/')) return await api(req, res, rawPath, query);
      if (rawPath.startsWith('/gpu/')) return await gpuApi(req, res, rawPath, query);
      files(req, res, rawPath);
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, err.body, err.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
      const e = toApiError(err);
      send(res, httpStatusOf(e.kind), e);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.headersTimeout = 30_000;
  // long calls (a report over many runs, a large network preview) may take a while: no request timeout
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new QuenchError(
          'input',
          err.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use: pick another with --port (0: any free port)` : `cannot listen on ${host}:${port}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shown}:${actual}`;
  let closing: Promise<void> | null = null;
  return {
    server,
    port: actual,
    host,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    gpuHostUrl: `${origin}/gpu-host.html?token=${token}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// the command

export interface ServeCommandOptions {
  port: number;
  host: string;
  archive?: string;
  threads?: number;
  backend: string;
}

/** Serves until SIGINT or SIGTERM; then cancels the running jobs and closes everything. */
export async function serveCommand(o: ServeCommandOptions): Promise<number> {
  const service = new QuenchService({ archive: o.archive, threads: o.threads, backend: o.backend });
  let running: RunningServer;
  try {
    running = await startServer({ service, port: o.port, host: o.host });
  } catch (err) {
    await service.close();
    throw err;
  }
  process.stderr.write(`archive: ${service.archivePath}\n`);
  process.stdout.write(`Quench is at ${running.url}\n`);
  process.stdout.write(`GPU host (for --backend gpujs-webgl; open it where WebGL2 reaches a GPU): ${running.gpuHostUrl}\n`);
  process.stderr.write('(the address holds this session\'s access token; Ctrl-C stops the server and cancels running experiments, which `quench resume` finishes)\n');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // a second signal while closing stops at once
  const force = () => process.exit(EXIT.cancelled);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  const jobs = (await service.listJobs()).filter((j) => j.state === 'running');
  process.stderr.write(`quench serve: ${signal}, stopping${jobs.length ? ` (cancelling ${jobs.length} running job(s); finish them with quench resume)` : ''}\n`);
  await running.close();
  await service.close();
  process.off('SIGINT', force);
  process.off('SIGTERM', force);
  return EXIT.ok;
}

function portArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`);
  return n;
}

function threadsArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${value}"`);
  return n;
}

/** `quench serve`, registered by the CLI; `setCode` receives the exit code. */
export function registerServeCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('serve')
    .description('serve the app and its API over HTTP on 127.0.0.1 with a per-launch access token, for a browser (e.g. through an SSH tunnel)')
    .option('-p, --port <n>', 'port (0: any free port)', portArg, 0)
    .option('--host <address>', 'loopback address to listen on (127.0.0.1, ::1 or localhost)', '127.0.0.1')
    .option('-a, --archive <file>', 'the archive (default: $QUENCH_ARCHIVE, else the data folder)')
    .option('-t, --threads <n>', 'worker threads for experiments (default: one per core)', threadsArg)
    .option('-b, --backend <name>', backendOptionHelp(), 'auto')
    .action(async (o: ServeCommandOptions) => {
      setCode(await serveCommand(o));
    });
}
