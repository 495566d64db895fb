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

/**
 * Starts `quench serve` and resolves with the URL it prints (token included). `archive`: serve this
 * archive (one a test has filled, e.g. with 10 000 runs) instead of a fresh one.
 */
export function startServe(opts: { archive?: string } = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'quench-e2e-'));
  const archive = opts.archive ?? join(dir, 'archive.sqlite');
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

/** A method of the app's api called over HTTP with the server's token, as the renderer calls it; throws on anything but 2xx. */
export async function callApi<T>(server: Server, method: string, ...args: unknown[]): Promise<T> {
  const url = new URL(server.url);
  const res = await fetch(`${url.origin}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${url.searchParams.get('token')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ args }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Starts an experiment through the api and resolves with its id once its job is done. */
export async function runExperiment(server: Server, spec: unknown, backend = 'wasm'): Promise<string> {
  const job = await callApi<{ id: string; experimentId: string }>(server, 'startExperiment', { spec, backend });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = (await callApi<{ id: string; state: string; error: string | null }[]>(server, 'listJobs')).find((j) => j.id === job.id);
    if (state?.state === 'done') return job.experimentId;
    if (state && state.state !== 'running') throw new Error(`the experiment's job ended ${state.state}: ${state.error ?? ''}`);
    if (Date.now() > deadline) throw new Error('the experiment did not finish in 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The Compare view's experiment checkboxes (one per archived experiment, its value the experiment's id). */
export const experimentBoxes = (page: Page): Locator => page.locator('#cmp-experiments input[type="checkbox"]');

/**
 * Picks exactly these experiments in the Compare view (none: every experiment), once the view lists
 * them all (it lists the archive's experiments when it opens).
 */
export async function pickExperiments(page: Page, ids: readonly string[]): Promise<void> {
  for (const id of ids) await page.locator(`#cmp-experiments input[value="${id}"]`).waitFor({ timeout: 15_000 });
  const boxes = experimentBoxes(page);
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    await box.setChecked(ids.includes((await box.getAttribute('value')) ?? ''));
  }
}
