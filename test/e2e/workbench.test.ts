// The workbench a lab lives in, end to end (Chromium against `quench serve`): a session that survives
// a reload and a new tab (the session cookie), an address that holds the view and what it shows (a
// comparison reopened from a link, back and forward), a run's page opened from the runs table, Compare
// and a job, each view's own scroll position, and designer drafts that survive a reload. Screenshots go
// to test-artifacts/screenshots (w1-…, w2-…, w3-…).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Comparison, CompareRequest, RunDetail, RunRow } from '../../common/api.js';
import { contrastCells } from '../../common/format.js';
import { callApi, hasChromium, launch, runExperiment, shot, startServe, type Server } from './harness.js';

/** A tiny rate experiment: 2 conditions × 2 seeds on 9 delay tasks (seconds, not minutes). */
const tiny = (name: string, rootSeed: number) => ({
  name,
  rootSeed,
  network: { n: 20 },
  input: { segments: { washout: 20, train: 200, validation: 60, test: 60 } },
  suite: { name: 'tiny', version: 1, families: [{ family: 'delay', delays: [0, 1, 2] }] },
  sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], seeds: 2 },
});

describe.skipIf(!hasChromium && !process.env.CI)('the workbench in Chromium: sessions, addresses, run pages', () => {
  let server: Server;
  let origin: string;
  let token: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let expA: string;
  let expB: string;
  const pageErrors: string[] = [];

  /** a page of the shared context whose errors are collected */
  const watched = async () => {
    const p = await context.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    return p;
  };
  const nav = (p: Page, name: RegExp) => p.getByRole('navigation', { name: 'Views' }).getByRole('link', { name });
  /** whether the page's event stream (no token in its address) opens */
  const eventStream = (p: Page) =>
    p.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const es = new EventSource('/api/events');
          es.onopen = () => (es.close(), resolve('open'));
          es.onerror = () => (es.close(), resolve('refused'));
        }),
    );

  beforeAll(async () => {
    server = await startServe();
    const url = new URL(server.url);
    origin = url.origin;
    token = url.searchParams.get('token')!;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await watched();
    expA = await runExperiment(server, tiny('Workbench A', 1));
    expB = await runExperiment(server, tiny('Workbench B', 2));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('keeps the session across a reload and a new tab, with an HttpOnly cookie the page cannot read', async () => {
    await page.goto(`${server.url}#/runs`);
    // the token leaves the address bar at once, so that it is not bookmarked
    await expect.poll(() => page.url()).toBe(`${origin}/#/runs`);
    await expect.poll(() => page.getByLabel(/^Select run \d+ of Workbench/).count(), { timeout: 15_000 }).toBe(8);
    const cookies = await context.cookies(origin);
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie).toMatchObject({ name: `quench-session-${new URL(origin).port}`, path: '/', httpOnly: true, sameSite: 'Strict', expires: -1 });
    expect(cookie!.value).not.toContain(token);
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.reload();
    await expect.poll(() => page.getByLabel(/^Select run \d+ of Workbench/).count(), { timeout: 15_000 }).toBe(8);
    await expect.poll(() => page.locator('.app-info').innerText(), { timeout: 10_000 }).toMatch(/version \d+\.\d+\.\d+/);
    expect(await page.locator('main').innerText()).not.toMatch(/access token/);
    expect(page.url()).not.toContain('token');
    expect(await eventStream(page)).toBe('open');
    await shot(page, 'w1-reload-keeps-session');

    // a new tab of the same browser, opened without the token
    const tab = await watched();
    await tab.goto(`${origin}/#/runs`);
    await expect.poll(() => tab.getByLabel(/^Select run \d+ of Workbench/).count(), { timeout: 15_000 }).toBe(8);
    await tab.close();

    // another browser (no cookie) without the token gets nothing, in words
    const stranger = await browser.newContext();
    const outside = await stranger.newPage();
    await outside.goto(`${origin}/#/runs`);
    await expect.poll(() => outside.locator('main').innerText(), { timeout: 15_000 }).toMatch(/missing or wrong access token/);
    expect(await eventStream(outside)).toBe('refused');
    expect(await stranger.cookies(origin)).toEqual([]);
    await stranger.close();
  }, 60_000);

  /** the contrast table as drawn, one array of cells per row */
  const contrastRows = (p: Page) => p.locator('table.contrasts tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));

  const compareRequest = (): CompareRequest => ({ filter: { experiments: [expA, expB] }, conditions: ['homogeneous=true', 'family=lognormal,cv=1'], curve: null });
  const compareAddress = () => `${origin}/#/compare?experiments=${expA},${expB}&conditions=${encodeURIComponent('homogeneous=true')}&conditions=${encodeURIComponent('family=lognormal,cv=1')}`;

  it('reopens a comparison of two experiments from its address, in a fresh page', async () => {
    const expected = (await callApi<Comparison>(server, 'compare', compareRequest())).contrasts.map(contrastCells);
    expect(expected.length).toBeGreaterThan(0);
    await page.goto(compareAddress());
    await expect.poll(() => contrastRows(page), { timeout: 30_000 }).toEqual(expected);

    const fresh = await watched();
    await fresh.goto(page.url());
    await expect.poll(() => contrastRows(fresh), { timeout: 30_000 }).toEqual(expected);
    // the configurations are those of both experiments: 2 seeds each
    expect(await fresh.locator('main').innerText()).toMatch(/lognormal c=1/);
    await shot(fresh, 'w2-url-restores-comparison');
    await fresh.close();
  }, 90_000);

  it('moves back and forward through views, a filtered runs table and a run page', async () => {
    const expected = (await callApi<Comparison>(server, 'compare', compareRequest())).contrasts.map(contrastCells);
    await page.goto(compareAddress());
    await expect.poll(() => contrastRows(page), { timeout: 30_000 }).toEqual(expected);
    const compareUrl = page.url();

    await nav(page, /Runs/).click();
    await page.locator('#runs-exp').selectOption(expA);
    // the filter is in the address, in place of the step (typing is not a step back)
    await expect.poll(() => page.url()).toBe(`${origin}/#/runs?experiment=${expA}`);
    await expect.poll(() => page.getByLabel(/^Select run \d+ of Workbench A/).count(), { timeout: 15_000 }).toBe(4);
    expect(await page.getByLabel(/^Select run \d+ of Workbench B/).count()).toBe(0);
    await page.getByRole('link', { name: 'Open run 1 of Workbench A' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), { timeout: 15_000 }).toBe('Run 1 of Workbench A');
    const runUrl = page.url();
    expect(runUrl).toMatch(/#\/run\/[0-9a-f]{64}$/);

    await page.goBack();
    await expect.poll(() => page.url()).toBe(`${origin}/#/runs?experiment=${expA}`);
    await expect.poll(() => page.locator('#runs-exp').inputValue(), { timeout: 10_000 }).toBe(expA);
    await expect.poll(() => page.getByLabel(/^Select run \d+ of Workbench A/).count(), { timeout: 15_000 }).toBe(4);
    await page.goBack();
    await expect.poll(() => page.url()).toBe(compareUrl);
    await expect.poll(() => contrastRows(page), { timeout: 30_000 }).toEqual(expected);
    await page.goForward();
    await expect.poll(() => page.locator('#runs-exp').inputValue(), { timeout: 10_000 }).toBe(expA);
    await page.goForward();
    await expect.poll(() => page.url()).toBe(runUrl);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), { timeout: 15_000 }).toBe('Run 1 of Workbench A');
  }, 90_000);

  it('shows a run page, opened from the runs table with the keyboard: spec, baseline and diff, taus, scores, map, measures, tags and notes', async () => {
    const rows = (await callApi<{ rows: RunRow[] }>(server, 'listRuns', { experiments: [expA] })).rows;
    const het = rows.find((r) => r.family === 'lognormal' && r.seed_index === 1)!;
    const detail = await callApi<RunDetail>(server, 'getRun', het.uid);
    await page.goto(`${origin}/#/runs?experiment=${expA}`);
    const link = page.getByRole('link', { name: `Open run ${het.run_index} of Workbench A` });
    await link.waitFor({ timeout: 15_000 });
    await link.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url(), { timeout: 10_000 }).toBe(`${origin}/#/run/${het.uid}`);
    const main = page.locator('main');
    await expect.poll(() => main.getByRole('heading', { level: 1 }).innerText(), { timeout: 15_000 }).toBe(`Run ${het.run_index} of Workbench A`);

    // seeds, backend, version
    const facts = await main.getByLabel('Seeds, backend, version and timings').innerText();
    for (const v of [detail.seeds.network, detail.seeds.input, detail.backend!, detail.appVersion!]) expect(facts).toContain(String(v));
    // its baseline: the homogeneous run with its seeds, and the spec fields that differ
    const base = rows.find((r) => r.family === 'none' && r.seed_index === 1)!;
    expect(detail.baseline?.uid).toBe(base.uid);
    await expect(main.getByRole('link', { name: `run ${base.run_index} (homogeneous)` }).getAttribute('href')).resolves.toBe(`#/run/${base.uid}`);
    const diff = main.getByRole('table', { name: 'Spec fields that differ from the baseline' });
    expect(await diff.innerText()).toMatch(/network\.heterogeneity\.family\s+lognormal\s+none/);
    // the charts: realised taus, per family, memory × nonlinearity
    for (const name of [/Histogram of the time constants/, /Mean capacity per task family/, /Heatmap of the run's mean capacity by memory depth and nonlinearity/]) {
      expect(await main.getByRole('img', { name }).count()).toBe(1);
    }
    expect(await main.getByLabel('Mechanism measures of this run').innerText()).toMatch(/participation ratio/);

    // the task table: every task, sortable, filterable by the task coordinates
    const tasks = main.getByRole('table', { name: 'Scores per task', exact: true });
    expect(await tasks.locator('tbody tr').count()).toBe(detail.tasks.length);
    await main.getByRole('button', { name: 'Sort tasks by capacity' }).click();
    const capacities = (await tasks.locator('tbody tr td:nth-child(6)').allInnerTexts()).map(Number);
    expect(capacities).toEqual([...capacities].sort((a, b) => b - a));
    expect(await tasks.locator('th[aria-sort="descending"]').allInnerTexts()).toEqual([expect.stringMatching(/^capacity/)]);
    await main.locator('#run-task-depth').selectOption('2');
    const atDepth2 = detail.tasks.filter((t) => t.memoryDepth === 2).length;
    await expect.poll(() => tasks.locator('tbody tr').count()).toBe(atDepth2);
    await shot(page, 'w3-run-page');
    await main.locator('#run-task-depth').selectOption('');

    // tags and notes
    await main.locator('#run-tag').fill('checked, paper');
    await main.getByRole('button', { name: 'Add tags' }).click();
    const chips = main.getByRole('list', { name: 'Tags of this run' });
    await expect.poll(() => chips.innerText(), { timeout: 10_000 }).toMatch(/checked[\s\S]*paper/);
    await main.getByRole('button', { name: 'Remove tag paper' }).click();
    await expect.poll(() => chips.innerText(), { timeout: 10_000 }).not.toMatch(/paper/);
    await main.locator('#run-note').fill('a note from the run page');
    await main.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => main.getByRole('list', { name: 'Notes on this run' }).innerText(), { timeout: 10_000 }).toMatch(/a note from the run page/);
    const after = await callApi<RunDetail>(server, 'getRun', het.uid);
    expect(after.tags).toEqual(['checked']);
    expect(after.notes.map((n) => n.text)).toEqual(['a note from the run page']);

    // an unknown run is said in words
    await page.goto(`${origin}/#/run/${'0'.repeat(64)}`);
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toMatch(/no run with uid 0{64}/);
  }, 90_000);

  it('opens run pages from Compare (a configuration\'s runs) and from a job', async () => {
    await page.goto(compareAddress());
    const runsLink = page.getByRole('link', { name: 'List the runs of lognormal c=1' }).first();
    await runsLink.waitFor({ timeout: 30_000 });
    await runsLink.click();
    // the configuration's runs: both experiments' seeds of lognormal c=1
    await expect.poll(() => page.getByLabel(/^Select run \d+ of Workbench/).count(), { timeout: 15_000 }).toBe(4);
    expect(page.url()).toMatch(/#\/runs\?filter=config%3D[0-9a-f]+&status=done/);
    await page.getByRole('link', { name: /^Open run \d+ of Workbench/ }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), { timeout: 15_000 }).toMatch(/^Run \d+ of Workbench [AB]$/);
    expect(await page.locator('main').innerText()).toMatch(/lognormal c=1/);

    // the job of experiment B, started through the api in this session
    await nav(page, /Experiments/).click();
    await page.getByRole('button', { name: 'Open the latest run of Workbench B' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), { timeout: 15_000 }).toMatch(/^Run \d+ of Workbench B$/);
  }, 90_000);

  it('gives each view its own scroll position: a new view starts at the top, a view returned to is where it was left', async () => {
    await page.goto(`${origin}/#/experiments`);
    // a fresh page: the positions the earlier tests left are not this test's
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollHeight), { timeout: 15_000 }).toBeGreaterThan(1700);
    // the view settled: the designer's estimate drawn (content arriving above the fold later would
    // move the page under the browser's scroll anchoring, and that moved position is the one kept)
    await page.locator('#designer .summary').waitFor({ timeout: 30_000 });
    // as a person scrolls: a wheel event first (it ends a restore of this view's earlier position that may
    // still be waiting for the content to arrive), then exactly to 700
    await page.evaluate(() => window.dispatchEvent(new WheelEvent('wheel')));
    await page.evaluate(() => window.scrollTo(0, 700));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(700);
    await nav(page, /Task suites/).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Task suites');
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await page.evaluate(() => window.dispatchEvent(new WheelEvent('wheel')));
    await page.evaluate(() => window.scrollTo(0, 300));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(300);
    await nav(page, /Experiments/).click();
    await expect.poll(() => page.evaluate(() => window.scrollY), { timeout: 5_000 }).toBe(700);
    // and with the browser's back button
    await page.goBack();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Task suites');
    await expect.poll(() => page.evaluate(() => window.scrollY), { timeout: 5_000 }).toBe(300);
    // a run page seen for the first time starts at the top
    const uid = (await callApi<{ rows: RunRow[] }>(server, 'listRuns', { experiments: [expB], limit: 1 })).rows[0]!.uid;
    await page.evaluate((h) => (window.location.hash = h), `#/run/${uid}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), { timeout: 15_000 }).toMatch(/^Run \d+ of Workbench B$/);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
  }, 60_000);

  it('keeps the designers\' drafts across a reload, and ignores a draft that does not fit', async () => {
    await page.goto(`${origin}/#/network`);
    await page.locator('#net-n').fill('150');
    await page.getByLabel('spread c', { exact: true }).fill('1.7');
    await nav(page, /Task suites/).click();
    await page.locator('#suite-name').fill('draft suite');
    await page.reload();
    await expect.poll(() => page.locator('#suite-name').inputValue(), { timeout: 10_000 }).toBe('draft suite');
    await nav(page, /Network designer/).click();
    await expect.poll(() => page.locator('#net-n').inputValue(), { timeout: 10_000 }).toBe('150');
    expect(await page.getByLabel('spread c', { exact: true }).inputValue()).toBe('1.7');
    // the draft is in this tab's sessionStorage, never in localStorage (where saved designs live)
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('quench.draft')))).toEqual([]);

    // a damaged draft: the designer starts from its defaults, and nothing breaks
    await page.evaluate(() => sessionStorage.setItem('quench.draft.v1.network', '{"n": "150", "het": 3'));
    await page.reload();
    await expect.poll(() => page.locator('#net-n').inputValue(), { timeout: 10_000 }).toBe('100');
    await expect.poll(() => page.locator('dl[aria-label="Realised heterogeneity"]').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('#suite-name').count()).toBe(0);
  }, 60_000);

  it('no page errors along the way', () => {
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});
