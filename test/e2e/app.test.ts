// The app end to end, as a lab member uses it: `quench serve` on a fresh archive, Debian's Chromium
// driven by playwright-core. Screenshots of every view go to test-artifacts/screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AppInfo, Comparison, Report } from '../../common/api.js';
import { contrastCells } from '../../common/format.js';
import { hasChromium, launch, pickExperiments, shot, shotOf, startServe, type Server } from './harness.js';

// CI installs Chromium: there a missing browser fails the suite instead of skipping it
describe.skipIf(!hasChromium && !process.env.CI)('Quench in Chromium against quench serve', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServe();
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** a method of the app's api, called over HTTP as the renderer calls it */
  async function call<T>(method: string, ...args: unknown[]): Promise<T> {
    const url = new URL(server.url);
    const res = await fetch(`${url.origin}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${url.searchParams.get('token')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    });
    expect(res.status, `${method}: ${res.status}`).toBe(200);
    return (await res.json()) as T;
  }

  const realisedCv = async () => {
    const text = await page.locator('dl[aria-label="Realised heterogeneity"] dd').nth(1).innerText();
    return Number.parseFloat(text);
  };

  it('network designer: the histogram and its realised CV follow the spread', async () => {
    await page.goto(`${new URL(server.url).origin}/#/network`).catch(() => undefined);
    await page.locator('dl[aria-label="Realised heterogeneity"]').waitFor();
    const before = await realisedCv();
    await page.getByLabel('spread c', { exact: true }).fill('1.5');
    await expect.poll(realisedCv, { timeout: 15_000 }).toBeGreaterThan(before + 0.3);
    await shot(page, '1-network-designer');
  });

  it('a bad value in a form shows the error in words and saves nothing', async () => {
    const saved = () => page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    const before = await saved();
    await page.locator('#net-n').fill('-5');
    await expect.poll(() => page.locator('#net-n-err').isVisible()).toBe(true);
    expect(await page.locator('#net-n-err').innerText()).toMatch(/1/);
    await page.getByLabel('Save network').click();
    expect(await saved()).toBe(before);
    await shot(page, '2-network-designer-invalid');
    await page.locator('#net-n').fill('100');
    await expect.poll(() => page.locator('#net-n-err').count()).toBe(0);
  });

  it('task-suite designer: counts the default suite', async () => {
    await page.getByRole('link', { name: /Task suites/ }).click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 15_000 }).toMatch(/397/);
    await shot(page, '3-task-suites');
  });

  it('runs a preset to completion with the progress bar moving', async () => {
    await page.getByRole('link', { name: /Experiments/ }).click();
    await page.getByLabel('Run preset Heterogeneity gain').click();
    const bar = page.getByLabel(/^Progress of Heterogeneity gain/).first();
    await bar.waitFor({ timeout: 30_000 });
    const seen = new Set<string>();
    const deadline = Date.now() + 120_000;
    for (;;) {
      seen.add((await bar.getAttribute('value')) ?? '');
      const label = (await bar.getAttribute('aria-label')) ?? '';
      if (label.endsWith('25 of 25 runs')) break;
      if (Date.now() > deadline) throw new Error(`the job did not finish: ${label}`);
      if (seen.size === 3) await shot(page, '4-experiments-running');
      await page.waitForTimeout(100);
    }
    // the bar moved through intermediate values on its way to 25
    expect([...seen].filter((v) => v !== '' && v !== '0' && v !== '25').length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('main').innerText(), { timeout: 10_000 }).toMatch(/\bdone\b/i);
    // the automatic backend choice is shown on the job: the key, the backend kept, the probe times
    // (or that one candidate was left: native-fma, where it runs, leaves no other for 25 runs)
    expect(await page.locator('.job-backend').first().innerText()).toMatch(/^Backend: li\/n128\/sparse: \S+ \((kernel probe: .*\d ms|the only candidate: nothing to probe)/);
    await shot(page, '5-experiments-done');
  }, 150_000);

  it('runs view lists the archived runs', async () => {
    await page.getByRole('link', { name: /Runs/ }).click();
    await expect.poll(() => page.getByLabel(/^Select run \d+ of Heterogeneity gain/).count(), { timeout: 15_000 }).toBeGreaterThan(10);
    await shot(page, '6-runs');
  });

  it('compares heterogeneous and homogeneous, paired per task', async () => {
    await page.getByRole('link', { name: /Compare/ }).click();
    // the experiment list arrives from the archive after the view opens
    const hg = (await call<{ id: string; name: string }[]>('listExperiments')).find((e) => e.name === 'Heterogeneity gain');
    expect(hg).toBeDefined();
    await pickExperiments(page, [hg!.id]);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect.poll(() => page.locator('main').innerText(), { timeout: 30_000 }).toMatch(/lognormal c=1/);
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/Wilcoxon/);
    expect(text).toMatch(/paired t/);
    await shot(page, '7-compare');
  }, 60_000);

  it('shows why in the Mechanisms panel: measures per level, timescales, spectrum, alignment, profiles', async () => {
    const panel = page.getByRole('region', { name: /^Mechanisms/ });
    await panel.waitFor({ timeout: 15_000 });
    const text = await panel.innerText();
    expect(text).toMatch(/participation ratio/);
    expect(text).not.toMatch(/not measured/);
    // one row per configuration and one per contrast
    await expect.poll(() => panel.locator('table.mechanisms tbody tr').count()).toBe(5 + 4);
    for (const name of [/against the heterogeneity level/, /autocorrelation timescales and the realised time constants/, /linearised update and of W in the complex plane/, /Histogram of the effective timescales/, /against memory depth/, /against nonlinearity degree/]) {
      await expect.poll(() => panel.getByRole('img', { name }).count(), { timeout: 10_000 }).toBe(1);
    }
    // another measure, another spectrum, another family: the charts follow
    await panel.getByLabel('measure', { exact: true }).selectOption('timescaleCv');
    await expect.poll(() => panel.getByRole('img', { name: /spread of the autocorrelation timescales \(CV\) against the heterogeneity level/ }).count()).toBe(1);
    const families = panel.getByRole('group', { name: 'task families' }).getByRole('checkbox');
    expect(await families.count()).toBeGreaterThan(2);
    await expect.poll(() => panel.getByRole('img', { name: /variance of the targets captured/ }).count()).toBe(2);
    await families.nth(2).check();
    await expect.poll(() => panel.getByRole('img', { name: /variance of the targets captured/ }).count()).toBe(3);
    await shotOf(panel, '7c-compare-mechanisms');
  }, 60_000);

  it('prints the same statistics in the app, the CLI and the report', async () => {
    const experiment = (await page.locator('#cmp-experiments input[type="checkbox"]:checked').first().getAttribute('value')) ?? '';
    expect(experiment).not.toBe('');
    const req = { filter: { experiments: [experiment] } };
    const c = await call<Comparison>('compare', req);
    expect(c.contrasts.length).toBe(4);
    // the app: every cell of the contrast table, as drawn
    const rows = page.locator('table.contrasts tbody tr');
    await expect.poll(() => rows.count()).toBe(c.contrasts.length);
    // the CLI on the same archive
    const cli = spawnSync(process.execPath, ['bin/quench.js', 'compare', '--archive', server.archive, '--experiment', experiment], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    // the report
    const report = await call<Report>('report', req, 'same numbers');
    const html = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    for (let i = 0; i < c.contrasts.length; i++) {
      const cells = contrastCells(c.contrasts[i]);
      expect(await rows.nth(i).locator('td').allTextContents()).toEqual(cells);
      for (const cell of cells) {
        expect(cli.stdout).toContain(cell);
        expect(report.html).toContain(html(cell));
      }
    }
    // and the p-values are the seed-level ones, with the per-task Wilcoxon labelled descriptive
    expect(cli.stdout).toContain('Wilcoxon p (per task, descriptive)');
    expect(report.html).toContain('Wilcoxon p (per task, descriptive)');
  }, 60_000);

  it('exports a self-contained report whose contents match the comparison', async () => {
    await page.getByRole('link', { name: /Reports/ }).click();
    await page.getByRole('button', { name: 'Make report' }).first().click();
    const download = page.waitForEvent('download', { timeout: 30_000 });
    await page.getByLabel('Download HTML report').click({ timeout: 30_000 });
    const file = await (await download).path();
    const html = readFileSync(file!, 'utf8');
    expect(html).toMatch(/<html/i);
    expect(html).toMatch(/Heterogeneity gain/);
    expect(html).toMatch(/lognormal/);
    expect(html).toContain(`Quench ${(await call<AppInfo>('info')).version}`); // the app version behind the numbers
    expect(html).not.toMatch(/<script[^>]+src=|https?:\/\/(?!www\.w3\.org)/); // nothing loaded from anywhere
    await shot(page, '8-reports');
    // the same report printed to PDF, as the Print / Save as PDF button does in a browser
    const printable = await context.newPage();
    await printable.setContent(html);
    // the mechanism figures, as the report draws them
    const mech = printable.locator('#mechanisms');
    expect(await mech.locator('svg').count()).toBeGreaterThanOrEqual(6);
    await shotOf(mech, '8b-report-mechanisms');
    mkdirSync('test-artifacts', { recursive: true });
    const pdf = await printable.pdf({ path: 'test-artifacts/report.pdf', format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    await printable.close();
  }, 60_000);

  it('warns about runs an erratum flags, and recomputes them from the warning', async () => {
    const spec = {
      name: 'Tiny spiking',
      network: { n: 20, model: { kind: 'lif' } },
      input: { segments: { washout: 20, train: 200, validation: 60, test: 60 } },
      suite: { name: 'tiny', version: 1, families: [{ family: 'delay', delays: [0, 1, 2] }] },
      sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], seeds: 2 },
    };
    const job = await call<{ id: string; experimentId: string }>('startExperiment', { spec, backend: 'wasm' });
    await expect.poll(async () => (await call<{ id: string; state: string }[]>('listJobs')).find((j) => j.id === job.id)?.state, { timeout: 30_000 }).toBe('done');
    // as Quench 0.1.0 stored them
    const db = new Database(server.archive);
    db.exec(`UPDATE runs SET app_version = '0.1.0' WHERE experiment_id = '${job.experimentId}'`);
    db.close();
    // the Compare view lists the experiments anew each time it opens
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Runs/ }).click();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Compare/ }).click();
    await pickExperiments(page, [job.experimentId]);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const warning = page.getByRole('alert', { name: 'Flagged runs' });
    await expect.poll(() => warning.innerText(), { timeout: 15_000 }).toMatch(/4 run\(s\) in this comparison are flagged by erratum lif-reused-memory/);
    await shot(page, '7b-compare-errata');
    await warning.getByRole('button', { name: /Recompute the 4 flagged run\(s\) of Tiny spiking/ }).click();
    await expect.poll(() => warning.innerText(), { timeout: 10_000 }).toMatch(/Recomputing the flagged runs of Tiny spiking \(4 to make\)/);
    await expect.poll(async () => (await call<Comparison>('compare', { filter: { experiments: [job.experimentId] } })).errata.length, { timeout: 30_000 }).toBe(0);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect.poll(() => warning.count(), { timeout: 15_000 }).toBe(0);
  }, 90_000);

  it('says when runs were not measured, and measures them from the Compare view', async () => {
    const spec = {
      name: 'Tiny rate',
      network: { n: 20 },
      input: { segments: { washout: 20, train: 200, validation: 60, test: 60 } },
      suite: { name: 'tiny', version: 1, families: [{ family: 'delay', delays: [0, 1, 2] }] },
      sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], seeds: 2 },
    };
    const job = await call<{ id: string; experimentId: string }>('startExperiment', { spec, backend: 'wasm' });
    await expect.poll(async () => (await call<{ id: string; state: string }[]>('listJobs')).find((j) => j.id === job.id)?.state, { timeout: 30_000 }).toBe('done');
    const before = await call<Comparison>('compare', { filter: { experiments: [job.experimentId] } });
    // as an archive of a version before the measures holds them
    const db = new Database(server.archive);
    db.exec(`DELETE FROM run_mechanisms WHERE run_id IN (SELECT run_id FROM runs WHERE experiment_id = '${job.experimentId}')`);
    db.close();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Runs/ }).click();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Compare/ }).click();
    await pickExperiments(page, [job.experimentId]);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Mechanisms: not measured' });
    await expect.poll(() => panel.count(), { timeout: 15_000 }).toBe(1);
    await shotOf(panel, '7d-compare-not-measured');
    await panel.getByRole('button', { name: 'Measure the 4 run(s) of Tiny rate' }).click();
    await expect.poll(() => page.getByRole('status').allInnerTexts(), { timeout: 10_000 }).toContainEqual(expect.stringMatching(/Measuring the runs of Tiny rate \(4 to make again\)/));
    // the job that makes them again has finished (while it runs, its runs are pending, not unmeasured)
    const remake = async () => (await call<{ id: string; state: string; experimentId: string }[]>('listJobs')).find((j) => j.experimentId === job.experimentId && j.id !== job.id)?.state;
    await expect.poll(remake, { timeout: 30_000 }).toBe('done');
    expect((await call<Comparison>('compare', { filter: { experiments: [job.experimentId] } })).unmeasured).toEqual([]);
    const after = await call<Comparison>('compare', { filter: { experiments: [job.experimentId] } });
    // made again on the backend that made them (not the automatic choice): the same scores and measures, bit for bit
    expect(after.groups.map((g) => g.meanCapacity)).toEqual(before.groups.map((g) => g.meanCapacity));
    expect(after.mechanisms).toEqual(before.mechanisms);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect.poll(() => page.getByRole('region', { name: /^Mechanisms: why/ }).count(), { timeout: 15_000 }).toBe(1);
  }, 90_000);

  it('no page errors along the way', () => {
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});
