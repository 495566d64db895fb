// `npm start` (bin/desktop.js) where Electron's binary cannot be installed: it says what is missing
// and how to get it, checks the native module's build, and starts Electron on the built main process.
// A shell script stands in for the Electron binary (ELECTRON_OVERRIDE_DIST_PATH, as electron's own
// launcher honours it).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function desktop(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/desktop.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, QUENCH_SKIP_ABI_CHECK: '', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A folder with a stand-in "Electron" that writes its arguments to args.txt and exits 3. */
function fakeElectron(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quench-fake-electron-'));
  const pathTxt = 'node_modules/electron/path.txt';
  const name = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : 'electron';
  const bin = join(dir, name);
  writeFileSync(bin, `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(dir, 'args.txt')}'\nexit 3\n`);
  chmodSync(bin, 0o755);
  return dir;
}

describe('bin/desktop.js', () => {
  it('without the Electron binary, says how to fetch it and exits 1', () => {
    const empty = mkdtempSync(join(tmpdir(), 'quench-no-electron-'));
    const r = desktop({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the Electron \d+\.\d+\.\d+ binary is not installed/);
    expect(r.err).toContain('node node_modules/electron/install.js');
    expect(r.err).toContain('needs the network');
    expect(r.err).toContain('npx quench serve');
  });

  it('with a Node build of better-sqlite3, says how to make the Electron build', () => {
    const r = desktop({ ELECTRON_OVERRIDE_DIST_PATH: fakeElectron() });
    expect(r.code).toBe(1);
    expect(r.err).toContain('npx electron-builder install-app-deps');
    expect(r.err).toContain('npm rebuild better-sqlite3');
  });

  it('starts Electron on the built main process with its arguments, and exits as it does', () => {
    const dir = fakeElectron();
    const r = desktop({ ELECTRON_OVERRIDE_DIST_PATH: dir, QUENCH_SKIP_ABI_CHECK: '1' }, '--archive', '/tmp/x.sqlite');
    expect(r.code).toBe(3);
    expect(readFileSync(join(dir, 'args.txt'), 'utf8').trim().split('\n')).toEqual([resolve('dist/main/electron/main.js'), '--archive', '/tmp/x.sqlite']);
  });
});
