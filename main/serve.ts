// `quench serve`: the service over HTTP on the loopback interface, for a browser on a headless
// machine (through an SSH tunnel) and for end-to-end tests in Chromium:
//
//   POST /api/<method>        body {"args": [...]}, header Authorization: Bearer <token>
//                             200 + the result as JSON (204 for none), or 4xx/5xx + an ApiError
//                             {kind, message, issues?}; 401 without the token, 404 for an unknown method
//   GET  /api/events?token=…  server-sent events, one QuenchEvent as JSON per `data:` line
//   POST /gpu/hello|next|result?id=…|error?id=…
//                             a GPU host page (gpu-host.html?token=…) offering its WebGL2 to the
//                             gpujs-webgl backend: binary frames of common/gpu-host.ts (main/serve/gpu-routes.ts)
//   GET  /…                   the built renderer (dist/renderer; index.html for /), no directory traversal
//
// The token is 32 random bytes made at each launch and printed with the address
// (`Quench is at http://127.0.0.1:PORT/?token=…`); the renderer reads it from the address, and the
// page opened with it gets a session cookie (HttpOnly, SameSite=Strict, its own random secret) that
// the API and the event stream take in its place, from the app's own pages (main/serve/context.ts). Every
// response carries the Content-Security-Policy of the window (default-src 'self'; no remote content).
// Requests naming another host than the loopback (DNS rebinding) are refused. SIGINT or SIGTERM
// cancels the running jobs (their finished runs stay archived) and closes the server.
//
// Each group of paths is a route module under main/serve/ (api-routes, event-routes, gpu-routes,
// static-routes; http.ts and context.ts hold what they share); startServer checks the Host header,
// then asks them in turn.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { EXIT, QuenchError } from '../common/errors.js';
import { backendOptionHelp } from './backend-choice.js';
import { gpuHost, type GpuHostBroker } from './gpu-host.js';
import { apiRoutes } from './serve/api-routes.js';
import { accessCheck, type Route, type ServeContext, type ServedApi } from './serve/context.js';
import { eventRoutes } from './serve/event-routes.js';
import { gpuRoutes } from './serve/gpu-routes.js';
import { HttpError, send, sendText } from './serve/http.js';
import { staticRoutes } from './serve/static-routes.js';
import { QuenchService } from './service.js';
import { httpStatusOf, toApiError } from './service/errors.js';
import { hostnameOf, isLoopbackHost } from './service/security.js';
import { rendererDir } from './service/static-files.js';

export type { ServedApi } from './serve/context.js';
export { MAX_BODY_BYTES } from './serve/http.js';

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

/** Asked in order; the first that owns the path answers. The static files own every other path. */
const ROUTES: readonly Route[] = [eventRoutes, apiRoutes, gpuRoutes, staticRoutes];

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
  const ctx: ServeContext = {
    service: opts.service,
    broker: opts.gpuHost ?? gpuHost,
    root: opts.root ?? rendererDir(),
    streams: new Set<ServerResponse>(),
    access: accessCheck(token),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const hostHeader = req.headers.host ?? '';
      if (!isLoopbackHost(hostnameOf(hostHeader))) {
        // a page of another site that resolved its name to 127.0.0.1 (DNS rebinding) gets nothing
        return sendText(res, 421, `this server answers to its loopback address only, not to host "${hostHeader.slice(0, 100)}"`);
      }
      for (const route of ROUTES) if (await route(req, res, ctx)) return;
      // not reached (the static files take every path no other route owns), but never left unanswered
      sendText(res, 404, 'not found');
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
        for (const s of ctx.streams) s.end();
        ctx.streams.clear();
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
