// The Host-header checks that keep a page of another site (DNS rebinding) off `quench serve`: the
// brackets of an IPv6 literal are taken off the ends only, so a bracket inside a name cannot make
// it pass for a loopback name.
import { describe, expect, it } from 'vitest';
import { hostnameOf, isLoopbackHost } from './security.js';

describe('brackets in host names', () => {
  it('isLoopbackHost strips a leading [ and a trailing ] only', () => {
    expect(isLoopbackHost('[::1]')).toBe(true);
    for (const h of ['local[host', 'local]host', '::[1', ':]:1', '[::1]]', '[[::1]']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('hostnameOf takes an IPv6 literal only from the start of the header', () => {
    expect(hostnameOf('evil[::1]:8080')).toBe('evil[::1]');
    expect(isLoopbackHost(hostnameOf('evil[::1]:8080'))).toBe(false);
    expect(hostnameOf('x[127.0.0.1]')).toBe('x[127.0.0.1]');
  });
});
