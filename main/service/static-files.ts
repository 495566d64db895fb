// The built renderer's files (dist/renderer), for `quench serve` and the Electron window's app://
// protocol: a request path becomes a file inside the root or a refusal — never a file outside it.
import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { packageRoot } from '../paths.js';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export const contentTypeOf = (file: string) => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** dist/renderer of this package (the same from the sources under vitest and from dist/). */
export function rendererDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}

export type StaticResult = { ok: true; file: string; contentType: string } | { ok: false; status: number; message: string };

/**
 * The file for a request path (as sent, before any normalisation: "/", "/assets/app.js",
 * "/%2e%2e/x"). "/" and paths without an extension that name no file give index.html (the app
 * routes itself); a ".." segment, a backslash or a NUL anywhere is refused, encoded or not.
 */
export function resolveStatic(root: string, rawPath: string): StaticResult {
  const pathOnly = rawPath.split(/[?#]/, 1)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathOnly);
  } catch {
    return { ok: false, status: 400, message: 'malformed path' };
  }
  const segments = decoded.split('/');
  if (decoded.includes('\0') || decoded.includes('\\') || segments.some((s) => s === '..' || s === '.') || !decoded.startsWith('/')) {
    return { ok: false, status: 403, message: 'forbidden path' };
  }
  const base = resolve(root);
  const index = join(base, 'index.html');
  if (!existsSync(index)) return { ok: false, status: 503, message: 'the renderer is not built (dist/renderer/index.html is missing): run `npm run build`' };
  const rel = segments.filter((s) => s !== '');
  let file = resolve(base, ...rel);
  if (file !== base && !file.startsWith(base + sep)) return { ok: false, status: 403, message: 'forbidden path' };
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (extname(decoded) === '') file = index;
    else return { ok: false, status: 404, message: 'not found' };
  }
  return { ok: true, file, contentType: contentTypeOf(file) };
}
