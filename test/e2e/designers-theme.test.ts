// The designers and the look of the app, end to end (Chromium against `quench serve`): a network
// preview that marks itself stale while a new one computes and never shows the form's new values
// over old data; the histogram of a large network at once, with the reason its eigenvalues are not
// shown; saved networks and suites in the archive (after a reload, through export and import, a
// suite's 4 channels and its task count kept, networks a browser still holds offered once); a dark
// theme that follows the system and a switch; keyboard access (skip link, Tab through the navigation
// and a form with visible focus, no trap) and every input labelled. Screenshots go to
// test-artifacts/screenshots (w7-…, w8-dark-theme-…, w9-keyboard-focus).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SavedNetwork, SavedSuite } from '../../common/api.js';
import { callApi, hasChromium, launch, pickExperiments, runExperiment, shot, startServe, type Server } from './harness.js';

/** A tiny rate experiment (seconds): finished runs for an export and for Compare. */
const tiny = {
  name: 'Designers tiny',
  rootSeed: 3,
  network: { n: 20 },
  input: { segments: { washout: 20, train: 200, validation: 60, test: 60 } },
  suite: { name: 'tiny', version: 1, families: [{ family: 'delay', delays: [0, 1, 2] }] },
  sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], seeds: 2 },
};

describe.skipIf(!hasChromium && !process.env.CI)('designers, theme and keyboard in Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let experimentId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServe();
    origin = new URL(server.url).origin;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    experimentId = await runExperiment(server, tiny);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = async (p: Page, hash: string) => {
    await p.goto(`${origin}/${hash}`);
    await p.locator('main h1').first().waitFor({ timeout: 15_000 });
  };
  /** the histogram's accessible label, which names the design its bars were drawn for */
  const histLabel = () => page.locator('.preview-part .chart').first().getAttribute('aria-label');
  const stale = () => page.locator('.preview-part.stale').count();

  it('marks the old preview stale while a new one computes, then shows the new one; the title names the data shown', async () => {
    await open(page, '#/network');
    await expect.poll(histLabel, { timeout: 15_000 }).toBe('Histogram of the drawn time constants: lognormal, c = 0.5');
    await expect.poll(stale).toBe(0);
    // change c and look at once, before the preview could have come back
    const seen = await page.evaluate(async () => {
      const input = document.querySelector<HTMLInputElement>('#het-cv-num')!;
      input.value = '1.5';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const part = document.querySelector('.preview-part')!;
      return {
        stale: part.classList.contains('stale'),
        badge: part.querySelector('.stale-badge')?.textContent ?? null,
        label: part.querySelector('.chart')?.getAttribute('aria-label') ?? null,
        asked: document.querySelector('dl[aria-label="Realised heterogeneity"] dd:nth-of-type(1)')?.textContent ?? null,
        dimmed: getComputedStyle(part.querySelector('.dim')!).opacity,
      };
    });
    expect(seen).toMatchObject({ stale: true, badge: 'updating…', label: 'Histogram of the drawn time constants: lognormal, c = 0.5' });
    expect(Number(seen.dimmed)).toBeLessThan(0.5);
    await page.screenshot({ path: 'test-artifacts/screenshots/w7-network-stale.png' }).catch(() => undefined);
    // then the new preview, no longer marked
    await expect.poll(histLabel, { timeout: 15_000 }).toBe('Histogram of the drawn time constants: lognormal, c = 1.5');
    await expect.poll(stale, { timeout: 30_000 }).toBe(0);
    expect(await page.locator('dl[aria-label="Realised heterogeneity"]').innerText()).toMatch(/asked 1\.5/);
    expect(await page.locator('.chart[aria-label^="Eigenvalues"]').getAttribute('aria-label')).toMatch(/c = 1\.5$/);
  }, 60_000);

  it('keeps answering while the eigenvalues of a large network compute in the background', async () => {
    await page.locator('#net-n').fill('800');
    await page.getByText('Computing the eigenvalues').first().waitFor({ timeout: 15_000 });
    // the taus of a new design come back while the eigenvalues of the last are still computing
    await page.locator('#het-cv-num').fill('1');
    await expect.poll(histLabel, { timeout: 5_000 }).toBe('Histogram of the drawn time constants: lognormal, c = 1');
    await expect.poll(() => page.locator('.chart[aria-label^="Eigenvalues"]').getAttribute('aria-label'), { timeout: 60_000 }).toMatch(/c = 1$/);
    await expect.poll(stale).toBe(0);
    expect(await page.locator('dl[aria-label="Spectral radii"]').innerText()).toMatch(/density of W/);
  }, 90_000);

  it('draws the histogram of a network above the preview limit at once and says why its eigenvalues are not shown', async () => {
    const t0 = Date.now();
    await page.locator('#net-n').fill('12000');
    await expect.poll(async () => (await page.locator('.preview-part .chart').first().getAttribute('aria-label')) && page.locator('main').innerText(), { timeout: 10_000 }).toMatch(
      /neurons \(count\)|Eigenvalues not shown/,
    );
    await page.locator('#eig-not-shown').waitFor({ timeout: 10_000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await page.locator('#eig-not-shown').innerText()).toMatch(/^Eigenvalues not shown: the eigenvalues are previewed for N ≤ 1000 neurons \(this network has N = 12000\)/);
    await expect.poll(stale).toBe(0);
    // no failure in red, and no eigenvalues of another network
    expect(await page.locator('section[aria-label="Preview"] .error-box').count()).toBe(0);
    expect(await page.locator('.chart[aria-label^="Eigenvalues"]').count()).toBe(0);
    const bars = await page.locator('dl[aria-label="Realised heterogeneity"]').innerText();
    expect(bars).toMatch(/of 12000/);
    // the log tau axis
    await page.getByLabel(/log tau axis/).check();
    await shot(page, 'w7b-network-large-n-log-axis');
    await page.getByLabel(/log tau axis/).uncheck();
    await page.locator('#net-n').fill('100');
    await expect.poll(() => page.locator('.chart[aria-label^="Eigenvalues"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#eig-not-shown').count()).toBe(0);
  }, 60_000);

  it('saves networks in the archive: after a reload, and in an archive the export is imported into', async () => {
    await page.locator('#net-n').fill('300');
    await page.locator('#net-save-name').fill('e2e wide');
    await page.getByLabel('Save network').click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toMatch(/Saved "e2e wide" as version 1 in the archive/);
    await page.getByLabel('Save network').click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toMatch(/"e2e wide" version 1 is this network already/);

    await page.reload();
    const row = page.locator('table.saved-networks tbody tr', { hasText: 'e2e wide' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toMatch(/e2e wide\s+1\s+300\s+lognormal, c = 1/);
    // nothing of it is in the browser's storage
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('network')))).toEqual([]);

    // export (the command line, from the archive the server writes) and import into another archive
    const dir = mkdtempSync(join(tmpdir(), 'quench-e2e-designs-'));
    const file = join(dir, 'designs.quench');
    const other = join(dir, 'other.sqlite');
    const ex = spawnSync(process.execPath, ['bin/quench.js', 'export', file, '--archive', server.archive, '--experiment', experimentId], { encoding: 'utf8' });
    expect(ex.status, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/with 1 saved network version\(s\)/);
    const im = spawnSync(process.execPath, ['bin/quench.js', 'import', file, '--archive', other], { encoding: 'utf8' });
    expect(im.status, im.stderr).toBe(0);
    expect(im.stdout).toMatch(/1 saved network version\(s\)/);
    const second = await startServe({ archive: other });
    try {
      const p = await context.newPage();
      p.on('pageerror', (e) => pageErrors.push(e.message));
      await p.goto(`${second.url}#/network`);
      const imported = p.locator('table.saved-networks tbody tr', { hasText: 'e2e wide' });
      await imported.waitFor({ timeout: 15_000 });
      expect(await imported.innerText()).toMatch(/300/);
      expect((await callApi<SavedNetwork[]>(second, 'listNetworks')).map((n) => `${n.name}@${n.version}:${n.network.n}`)).toEqual(['e2e wide@1:300']);
      await shot(p, 'w7c-saved-network-imported');
      await p.close();
    } finally {
      await second.stop();
    }
  }, 90_000);

  it('offers the networks a browser still holds for the archive, once, and leaves them in the browser', async () => {
    await page.evaluate(() => {
      localStorage.setItem('quench.networks', JSON.stringify([{ name: 'from the browser', savedAt: '2024-01-01T00:00:00Z', spec: { n: 42, heterogeneity: { family: 'gamma', cv: 1 } } }, { junk: 1 }]));
      localStorage.removeItem('quench.networks.offered');
    });
    await page.reload();
    const offer = page.getByRole('region', { name: 'Networks saved in this browser' });
    await offer.waitFor({ timeout: 15_000 });
    expect(await offer.innerText()).toMatch(/1 network\(s\) saved by an older Quench \(from the browser\), and 1 entry\(ies\) that cannot be read/);
    await offer.getByRole('button', { name: 'Put them into the archive' }).click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toMatch(/Put 1 network\(s\) from this browser into the archive/);
    await page.locator('table.saved-networks tbody tr', { hasText: 'from the browser' }).waitFor();
    expect((await callApi<SavedNetwork[]>(server, 'listNetworks')).find((n) => n.name === 'from the browser')?.network.n).toBe(42);
    await page.reload();
    await page.locator('table.saved-networks tbody tr', { hasText: 'from the browser' }).waitFor({ timeout: 15_000 });
    expect(await offer.count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('quench.networks'))).toMatch(/from the browser/);
  }, 60_000);

  it('saves a suite with 4 input channels and the task count it makes with them; a family on that makes no task says why', async () => {
    await open(page, '#/suite');
    const total = () => page.locator('.total .big').innerText();
    await expect.poll(total, { timeout: 15_000 }).toBe('397');
    await expect.poll(() => page.locator('#fam-forecast-empty').count()).toBe(1);
    expect(await page.locator('#fam-forecast-empty').innerText()).toMatch(/No tasks: forecast tasks are made only for predictable channels .* white/);
    await page.getByLabel('Add input channel').click();
    await expect.poll(total, { timeout: 15_000 }).not.toBe('397');
    await page.locator('#ch-3-family').selectOption('sines');
    await expect.poll(() => page.locator('#fam-forecast-empty').count(), { timeout: 15_000 }).toBe(0);
    const tasks = await total();
    const shown = (await callApi<{ tasks: unknown[] }>(server, 'previewSuite', 'default', [{ family: 'white' }, { family: 'white' }, { family: 'white' }, { family: 'sines' }])).tasks.length;
    expect(Number(tasks)).toBe(shown);
    await page.locator('#suite-name').fill('e2e four channels');
    await page.getByLabel('Save suite').click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toContain(`Saved "e2e four channels" as version 1: ${tasks} tasks with its 4 input channel(s).`);
    const saved = (await callApi<SavedSuite[]>(server, 'listSuites')).find((s) => s.name === 'e2e four channels')!;
    expect(saved.tasks).toBe(Number(tasks));
    expect(saved.channels.map((c) => c.family)).toEqual(['white', 'white', 'white', 'sines']);
    const row = page.locator('tr', { hasText: 'e2e four channels' });
    expect(await row.innerText()).toMatch(new RegExp(`e2e four channels\\s+1\\s+${tasks}\\s+4`));
    await shot(page, 'w7d-suite-four-channels');
    // loaded back after a reset, the channels come with it
    await page.getByLabel('Remove channel 3').click();
    await page.getByLabel('Load suite e2e four channels version 1').click();
    await expect.poll(() => page.locator('select[id^="ch-"][id$="-family"]').count()).toBe(4);
    await expect.poll(total, { timeout: 15_000 }).toBe(tasks);
  }, 60_000);

  /** WCAG contrast ratio of two computed colours (rgb(…)) */
  const contrast = (p: Page, fg: string, bg: string) =>
    p.evaluate(
      ([f, b]) => {
        const lum = (css: string) => {
          const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((x) => Number(x) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
        };
        const [hi, lo] = [lum(f), lum(b)].sort((x, y) => y - x);
        return (hi! + 0.05) / (lo! + 0.05);
      },
      [fg, bg],
    );
  const colours = (p: Page) =>
    p.evaluate(() => {
      const panel = getComputedStyle(document.querySelector('.panel')!);
      return { theme: document.documentElement.dataset.theme, page: getComputedStyle(document.body).backgroundColor, panel: panel.backgroundColor, ink: panel.color, accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() };
    });

  it('follows the system into a dark theme, and the switch overrides it and is remembered', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await open(page, '#/network');
    await expect.poll(async () => (await colours(page)).theme).toBe('dark');
    const dark = await colours(page);
    expect(dark.panel).toBe('rgb(28, 34, 41)');
    expect(await contrast(page, dark.ink, dark.panel)).toBeGreaterThan(7);
    await expect.poll(histLabel, { timeout: 15_000 }).toMatch(/^Histogram/);
    await expect.poll(() => page.locator('.chart[aria-label^="Eigenvalues"]').count(), { timeout: 30_000 }).toBe(1);
    await shot(page, 'w8-dark-theme-network');

    // the switch: light while the system is dark, remembered over a reload
    await page.locator('#theme-choice').selectOption('light');
    await expect.poll(async () => (await colours(page)).theme).toBe('light');
    expect((await colours(page)).panel).toBe('rgb(255, 255, 255)');
    expect(await page.evaluate(() => localStorage.getItem('quench.theme'))).toBe('light');
    await page.reload();
    await expect.poll(async () => (await colours(page)).theme).toBe('light');
    // dark while the system is light
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('#theme-choice').selectOption('dark');
    await expect.poll(async () => (await colours(page)).theme).toBe('dark');
    // as the system: follows it as it changes
    await page.locator('#theme-choice').selectOption('system');
    await expect.poll(async () => (await colours(page)).theme).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(async () => (await colours(page)).theme).toBe('dark');

    // Compare in the dark
    await open(page, '#/compare');
    await pickExperiments(page, [experimentId]);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 30_000 }).toMatch(/lognormal c=1/);
    await expect.poll(() => page.locator('main canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await shot(page, 'w8-dark-theme-compare');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('#theme-choice').selectOption('system');
  }, 90_000);

  /** what has the focus: its tag, id, text and whether its focus ring shows */
  const focused = (p: Page) =>
    p.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { tag: 'body', id: '', text: '', ring: false, inMain: false, inNav: false };
      const s = getComputedStyle(el);
      return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40),
        ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        inMain: !!el.closest('main'),
        inNav: !!el.closest('nav'),
      };
    });

  it('is usable with the keyboard: a skip link, Tab through the navigation and a form with the focus visible, no trap', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await open(page, '#/network');
    // a fresh page: a hash change keeps the previous test's focus as where Tab starts from
    await page.reload();
    await page.locator('.preview-part').first().waitFor({ timeout: 15_000 });
    // first stop: the skip link, shown when focused
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Skip to content', ring: true });
    const box = await page.locator('.skip-link').boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    // then the navigation, link by link, each with its ring
    const nav: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      expect(f, `nav stop ${i}`).toMatchObject({ tag: 'a', inNav: true, ring: true });
      nav.push(f.text.split(/\s{2,}|\n/)[0]!);
    }
    expect(nav.map((t) => t.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/^Network designer/),
      expect.stringMatching(/^Task suites/),
      expect.stringMatching(/^Experiments/),
      expect.stringMatching(/^Runs/),
      expect.stringMatching(/^Compare/),
      expect.stringMatching(/^Reports/),
    ]);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'select', id: 'theme-choice', ring: true });

    // the skip link takes the focus past the navigation into the view
    // back from the theme switch: the six links, then the skip link
    for (let i = 0; i < 7; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ text: 'Skip to content' });
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    // through the network form: every stop a control of the view, each different, each with its ring
    const stops: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      expect(f, `form stop ${i}: ${JSON.stringify(f)}`).toMatchObject({ inMain: true, ring: true });
      stops.push(f.id || f.text);
    }
    expect(new Set(stops).size).toBe(stops.length);
    expect(stops.slice(0, 3)).toEqual(['net-model', 'net-form', 'net-taumean']);
    await page.locator('#net-p').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ id: 'net-p', ring: true });
    await shot(page, 'w9-keyboard-focus');

    // no trap: Tab goes through the whole page and comes back round to the skip link
    let back = false;
    for (let i = 0; i < 250 && !back; i++) {
      await page.keyboard.press('Tab');
      back = (await focused(page)).text === 'Skip to content';
    }
    expect(back).toBe(true);
    // a navigation link opens its view from the keyboard
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toMatch(/#\/suite$/);
  }, 120_000);

  it('labels every input, select and text area, and names every button, in every view', async () => {
    const unlabelled = (p: Page) =>
      p.evaluate(() => {
        const named = (el: Element) =>
          !!(el.getAttribute('aria-label')?.trim() || el.getAttribute('aria-labelledby') || el.getAttribute('title')?.trim());
        const inputs = [...document.querySelectorAll('input, select, textarea')].filter(
          (el) => (el as HTMLInputElement).type !== 'hidden' && !((el as HTMLInputElement).labels?.length || named(el)),
        );
        const buttons = [...document.querySelectorAll('button')].filter((b) => !(b.textContent?.trim() || named(b)));
        return [...inputs, ...buttons].map((el) => el.outerHTML.slice(0, 160));
      });
    for (const hash of ['#/network', '#/suite', '#/experiments', '#/runs', `#/compare?experiments=${experimentId}`, '#/reports']) {
      await open(page, hash);
      // what the view fills in from the archive (lists, tables) is there before it is checked
      await page.waitForLoadState('networkidle');
      expect(await unlabelled(page), hash).toEqual([]);
      expect(await page.locator('input, select, textarea').count(), hash).toBeGreaterThan(0);
    }
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
