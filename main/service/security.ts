// What the renderer may load and where it may be served from: one Content-Security-Policy for the
// Electron window and for `quench serve` (the renderer's index.html carries the same policy in a
// meta tag; a page under both gets their intersection, so they must agree), and the loopback rule.

/**
 * Only the app's own origin: its scripts (no inline script, no eval), its styles (inline style
 * attributes allowed: Svelte and chart.js set them), images from itself, data: and blob: (chart
 * exports), frames only of its own blob: documents (the report preview), connections only to itself
 * (the API and its event stream). No remote content of any kind, no plugins, no forms, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self' blob: about:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every response of `quench serve` carries. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // the page's address holds the access token: it must never travel in a Referer header
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** 127.0.0.0/8, ::1 and localhost: the only interfaces `quench serve` listens on. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host name of a Host header ("127.0.0.1:8080", "[::1]:8080", "localhost"). */
export function hostnameOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (m) return m[1];
  return hostHeader.replace(/:\d+$/, '');
}
