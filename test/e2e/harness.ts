// End-to-end harness: `quench serve` in a child process on a temporary archive, and Debian's
// Chromium driven by playwright-core. Screenshots go to test-artifacts/screenshots (not committed).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SHOTS = join('test-artifacts', 'screenshots');

export interface Server {
  url: string;
  archive: string;
  stop(): Promise<void>;
}

/** Starts `quench serve` and resolves with the URL it prints (token included). */
export function startServe(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'quench-e2e-'));
  const archive = join(dir, 'archive.sqlite');
  const child: ChildProcess = spawn(process.execPath, ['bin/quench.js', 'serve', '--port', '0', '--archive', archive], {
    env: { ...process.env, QUENCH_CALIBRATION: join(dir, 'calibration.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quench serve printed no URL in 30 s:\n${log}`)), 30_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          archive,
          stop: () =>
            new Promise<void>((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`quench serve exited with ${code}:\n${log}`)));
  });
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A screenshot of one part of a page (a panel, a report section). */
export async function shotOf(part: Locator, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await part.screenshot({ path });
  return path;
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
