// The access check's parts on hand-written requests: exactly the headers given reach the check (an
// HTTP client would trim trailing spaces of a header or add a Host), so the edges of the token,
// bearer-header, cookie and same-origin rules are tested here rather than through a server.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { accessCheck, bearer, sessionCookieName, tokenCheck } from './context.js';

const TOKEN = 'tok-7Hq2mZ';
const SESSION = 'sess-Wd81xP';
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('tokenCheck', () => {
  it('never accepts an empty or missing token, even where the secret is empty', () => {
    const empty = tokenCheck('');
    for (const given of ['', null, undefined]) expect(empty(given), String(given)).toBe(false);
    expect(empty(' ')).toBe(false);
    expect(tokenCheck(TOKEN)(TOKEN)).toBe(true);
  });
});

describe('bearer', () => {
  it('takes the token of a whole "Bearer <token>" header, spaces after it allowed', () => {
    expect(bearer(req({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    expect(bearer(req({ authorization: `Bearer ${TOKEN}  ` }))).toBe(TOKEN);
    expect(bearer(req({ authorization: `bearer\t${TOKEN} ` }))).toBe(TOKEN);
  });

  it('takes nothing from a header that does not start with the scheme, or has more after the token', () => {
    for (const authorization of [`xBearer ${TOKEN}`, ` Bearer ${TOKEN}`, `Basic Bearer ${TOKEN}`, `Bearer ${TOKEN} x`, '']) {
      expect(bearer(req({ authorization })), authorization).toBeUndefined();
    }
    expect(bearer(req({}))).toBeUndefined();
  });
});

describe('sessionCookieName', () => {
  it('is per port of the Host header; no port is 80', () => {
    expect(sessionCookieName(req({ host: '127.0.0.1:8080' }))).toBe('quench-session-8080');
    expect(sessionCookieName(req({ host: '[::1]:41234' }))).toBe('quench-session-41234');
    expect(sessionCookieName(req({ host: '127.0.0.1' }))).toBe('quench-session-80');
    // an IPv6 address without a port: its colons are not a port
    expect(sessionCookieName(req({ host: '[::1]' }))).toBe('quench-session-80');
    expect(sessionCookieName(req({}))).toBe('quench-session-80');
  });
});

describe('accessCheck: the session cookie', () => {
  const access = accessCheck(TOKEN, SESSION);
  const HOST = '127.0.0.1:8080';
  const NAME = 'quench-session-8080';
  const fromPage = (cookie: string, more: Record<string, string> = {}) => access.request(req({ host: HOST, cookie, ...more }));

  it('finds the cookie among others, with spaces around its value', () => {
    expect(fromPage(`${NAME}=${SESSION}`)).toBe(true);
    expect(fromPage(`theme=dark; ${NAME}=${SESSION}; other=1`)).toBe(true);
    expect(fromPage(`${NAME}= ${SESSION} `)).toBe(true);
    // a stale one of an earlier launch beside the current one
    expect(fromPage(`${NAME}=stale; ${NAME}=${SESSION}`)).toBe(true);
  });

  it('refuses a wrong value, another port\'s cookie, a value without a name, and no cookie', () => {
    expect(fromPage(`${NAME}=wrong`)).toBe(false);
    expect(fromPage(`quench-session-8081=${SESSION}`)).toBe(false);
    expect(fromPage(`=${SESSION}`)).toBe(false);
    expect(fromPage(SESSION)).toBe(false);
    expect(access.request(req({ host: HOST }))).toBe(false);
  });

  it('is taken from this server\'s own pages only: Sec-Fetch-Site and Origin', () => {
    const cookie = `${NAME}=${SESSION}`;
    expect(fromPage(cookie, { 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(fromPage(cookie, { 'sec-fetch-site': 'same-origin', origin: `http://${HOST}` })).toBe(true);
    // without an Origin, Sec-Fetch-Site alone refuses another site's request
    for (const site of ['cross-site', 'same-site', 'none']) expect(fromPage(cookie, { 'sec-fetch-site': site }), site).toBe(false);
    // a page of another port of this host, with or without Sec-Fetch-Site
    expect(fromPage(cookie, { origin: 'http://127.0.0.1:9090' })).toBe(false);
    expect(fromPage(cookie, { 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:9090' })).toBe(false);
  });
});
