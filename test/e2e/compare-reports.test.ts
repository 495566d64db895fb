// Compare what you choose, and reports fit for a paper (issue 14), end to end: `quench serve` on a
// fresh archive, Debian's Chromium driven by playwright-core. Small experiments are run through the
// api; the Compare view picks some of them, says how each pair was matched, draws the resilience
// curve as one chart per kind of manipulation and every condition per task family, and clears its
// charts when a comparison fails; the report is printed to PDF by Chromium, its pages rendered to PNG
// by Chromium's own PDF viewer, and its page breaks read back from the PDF's text; "Download all"
// gives one zip with every figure's SVG and CSV. Screenshots go to test-artifacts/screenshots.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Comparison, Report } from '../../common/api.js';
import { matchText } from '../../common/format.js';
import { SHOTS, callApi, hasChromium, launch, pickExperiments, runExperiment, shot, shotOf, startServe, type Server } from './harness.js';
import { locate, pdfPages } from './pdf-text.js';

/** A tiny rate experiment: N = 20, three delay tasks, homogeneous and lognormal c = 1, two seeds. */
const tiny = (name: string, rootSeed: number, p: number) => ({
  name,
  rootSeed,
  network: { n: 20, p },
  input: { segments: { washout: 20, train: 200, validation: 60, test: 60 } },
  suite: { name: 'tiny', version: 1, families: [{ family: 'delay', delays: [0, 1, 2] }] },
  sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], seeds: 2 },
});

/** A4 less the report's print margins (12 mm each side), in CSS pixels */
const PRINT_WIDTH = Math.round(((210 - 24) / 25.4) * 96);

// CI installs Chromium: there a missing browser fails the suite instead of skipping it
describe.skipIf(!hasChromium && !process.env.CI)('Compare what you choose; reports fit for a paper', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const ids: Record<'a' | 'b' | 'c' | 'resilience', string> = { a: '', b: '', c: '', resilience: '' };

  beforeAll(async () => {
    server = await startServe();
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // A and B share their root seed (their runs pair across experiments), C has its own (nothing pairs with it)
    ids.a = await runExperiment(server, tiny('Two A (p 0.1)', 21, 0.1));
    ids.b = await runExperiment(server, tiny('Two B (p 0.2)', 21, 0.2));
    ids.c = await runExperiment(server, tiny('Other seeds C (p 0.1)', 22, 0.1));
    // gain, connectivity and W = 0 manipulations, homogeneous and lognormal c = 1, 3 seeds
    ids.resilience = await runExperiment(server, JSON.parse(readFileSync('test/fixtures/resilience-small.json', 'utf8')));
    await page.goto(server.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openCompare() {
    // the view lists the archive's experiments each time it opens
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Runs/ }).click();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Compare/ }).click();
  }

  async function compareTyped(conditions: string[]) {
    await page.getByLabel('my own conditions').check();
    await page.locator('#cmp-conditions').fill(conditions.join('\n'));
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
  }

  const matching = () => page.locator('table.matching tbody tr');

  it('compares the two experiments picked, paired across them, and says how each pair was matched', async () => {
    await openCompare();
    await pickExperiments(page, [ids.a, ids.b]);
    await expect.poll(() => page.locator('#cmp-experiments legend').innerText()).toMatch(/2 chosen/);
    await compareTyped(['network.p=0.1', 'network.p=0.2']);
    await expect.poll(() => matching().count(), { timeout: 30_000 }).toBe(2);
    // the same comparison through the api: only A and B, the pairing as main/analysis made it
    const c = await callApi<Comparison>(server, 'compare', { filter: { experiments: [ids.a, ids.b] }, conditions: ['network.p=0.1', 'network.p=0.2'] });
    expect(c.contrasts).toHaveLength(2);
    for (const p of c.contrasts) {
      expect([p.design, p.scope]).toEqual(['paired', 'across experiments']);
      expect(p.leftOut).toEqual([]);
    }
    for (let i = 0; i < c.contrasts.length; i++) {
      const cells = await matching().nth(i).locator('td').allInnerTexts();
      expect(cells).toEqual([c.contrasts[i].label, matchText(c.contrasts[i]), '2 shared', '—']);
    }
    // C was not picked: none of its runs is in the comparison
    expect(c.groups.flatMap((g) => g.experiments)).not.toContain(ids.c);
    expect(await page.locator('main').innerText()).toMatch(/2 paired across experiments/);
    await shot(page, 'w5-two-experiments-compared');

    // B against C: no seed in common, so unpaired (Welch), and said so
    await pickExperiments(page, [ids.b, ids.c]);
    await compareTyped(['network.p=0.1', 'network.p=0.2']);
    await expect.poll(() => matching().first().locator('td').nth(1).innerText(), { timeout: 30_000 }).toBe('unpaired (Welch): no seed in common');
    expect(await matching().first().locator('td').nth(2).innerText()).toBe('2 vs 2');
    await shotOf(page.locator('section[aria-labelledby="cmp-pairs"]'), 'w5b-unpaired-welch');

    // all three: B pairs with A's seeds, not with C's; C is still in the comparison and the table says how
    await pickExperiments(page, [ids.a, ids.b, ids.c]);
    await compareTyped(['network.p=0.1', 'network.p=0.2']);
    const all = await callApi<Comparison>(server, 'compare', { filter: { experiments: [ids.a, ids.b, ids.c] }, conditions: ['network.p=0.1', 'network.p=0.2'] });
    const rowsOf = (x: Comparison) =>
      x.contrasts.map((p) => [p.label, matchText(p), p.design === 'paired' ? `${p.seeds} shared` : `${p.seedsOther} vs ${p.seedsBaseline}`, p.leftOut.length ? p.leftOut.join('; ') : '—'].join(' | '));
    const shown = async () => Promise.all((await matching().all()).map(async (r) => (await r.locator('td').allInnerTexts()).join(' | ')));
    await expect.poll(shown, { timeout: 30_000 }).toEqual(rowsOf(all));
    expect(all.groups.flatMap((g) => g.experiments)).toContain(ids.c);
    expect(all.contrasts.some((p) => p.design === 'paired' && p.scope === 'across experiments')).toBe(true);
    // C's runs share no seed with B's: an unpaired contrast of their own, or left out of a paired one, and named
    expect(all.contrasts.some((p) => p.design === 'unpaired' || p.leftOut.length > 0)).toBe(true);
  }, 90_000);

  it('clears the charts of the comparison before when a comparison fails', async () => {
    await pickExperiments(page, [ids.a, ids.b]);
    await page.getByLabel('homogeneous against each heterogeneous level').check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect.poll(() => page.locator('main .chart').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    // conditions no run matches: the comparison fails, in words
    await compareTyped(['family=gamma', 'family=uniform']);
    const error = page.getByRole('alert').filter({ hasText: 'The comparison could not be made' });
    await expect.poll(() => error.innerText(), { timeout: 30_000 }).toMatch(/no finished runs .* match this selection and conditions/);
    // nothing of the comparison before is left: no chart, no table of contrasts, no configurations
    expect(await page.locator('main .chart').count()).toBe(0);
    expect(await page.locator('table.contrasts').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Configurations' }).count()).toBe(0);
    await shot(page, 'w8-failed-comparison-cleared');
  }, 60_000);

  it('draws resilience as small multiples: gain 0–2, p on a log axis, W = 0 on its own', async () => {
    await pickExperiments(page, [ids.resilience]);
    await page.getByLabel('homogeneous against each heterogeneous level').check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const section = page.locator('section[aria-labelledby="cmp-curve-title"]');
    await section.waitFor({ timeout: 30_000 });
    expect(await section.locator('h2').innerText()).toBe('Resilience: mean capacity against each kind of manipulation');
    const charts = section.getByRole('img');
    await expect.poll(() => charts.count()).toBe(3);
    expect(await section.getByRole('img', { name: /^Mean capacity against gain of W: 5 manipulation\(s\) on a linear axis/ }).count()).toBe(1);
    expect(await section.getByRole('img', { name: /^Mean capacity against connectivity p: 3 manipulation\(s\) on a log axis/ }).count()).toBe(1);
    expect(await section.getByRole('img', { name: /^Mean capacity against W = 0 \(no recurrence\): 2 manipulation\(s\) on a point axis/ }).count()).toBe(1);
    // where the points sit comes from the operations (main/analysis), with the base on the gain axis at 1
    const c = await callApi<Comparison>(server, 'compare', { filter: { experiments: [ids.resilience] } });
    const gain = c.curve!.panels.find((p) => p.type === 'gain')!;
    expect(gain.points.map((p) => [p.x, p.value])).toEqual([
      ['gain x0', 0],
      ['gain x0.5', 0.5],
      ['base', 1],
      ['gain x1.5', 1.5],
      ['gain x2', 2],
    ]);
    expect(c.curve!.panels.find((p) => p.type === 'connectivity')!.points.map((p) => p.value)).toEqual([0.03, 0.1, 0.3]);
    // one legend for the three charts: a series hidden in all of them, and shown again
    const legend = section.getByRole('group', { name: 'heterogeneity levels' });
    await legend.getByRole('button', { name: 'homogeneous', exact: true }).click();
    expect(await legend.getByRole('button', { name: 'homogeneous', exact: true }).getAttribute('aria-pressed')).toBe('false');
    expect(await legend.innerText()).toMatch(/1 of 2 shown/);
    await legend.getByRole('button', { name: 'homogeneous', exact: true }).click();
    await legend.getByRole('button', { name: 'lognormal c=1', exact: true }).hover();
    await shotOf(section, 'w6-resilience-small-multiples');
  }, 60_000);

  it('draws every condition per task family with its interval, none dropped', async () => {
    const section = page.locator('section[aria-labelledby="cmp-fam"]');
    const c = await callApi<Comparison>(server, 'compare', { filter: { experiments: [ids.resilience] } });
    expect(c.contrasts.length).toBe(8);
    expect(c.groups.length).toBe(16);
    // one chart per family, every contrast in each (more than the 8 colours the palette has)
    await expect.poll(() => section.getByRole('img').count()).toBe(c.families.length);
    for (const f of c.families) expect(await section.getByRole('img', { name: new RegExp(`^${f}: Δ mean capacity of 8 of 8 contrasts, with 95 % intervals`) }).count()).toBe(1);
    const legend = section.getByRole('group', { name: 'contrasts' });
    expect(await legend.getByRole('button', { name: /no recurrence/ }).count()).toBe(1);
    // the configurations: all 16, "no recurrence" among them
    await section.getByLabel('mean capacity per configuration').check();
    for (const f of c.families) await expect.poll(() => section.getByRole('img', { name: new RegExp(`^${f}: mean capacity of 16 of 16 configurations`) }).count()).toBe(1);
    const configs = section.getByRole('group', { name: 'configurations' });
    expect(await configs.getByRole('button', { name: /no recurrence/ }).count()).toBe(2);
    // hiding one hides it in every chart
    await configs.getByRole('button', { name: 'homogeneous, gain x0', exact: true }).click();
    for (const f of c.families) await expect.poll(() => section.getByRole('img', { name: new RegExp(`^${f}: mean capacity of 15 of 16 configurations`) }).count()).toBe(1);
    await configs.getByRole('button', { name: 'homogeneous, gain x0', exact: true }).click();
    await shotOf(section, 'w6b-per-family-small-multiples');
  }, 60_000);

  it('prints the report to A4: headings stay with what follows, figures whole, tables within the page, labels not cut', async () => {
    const req = { filter: { experiments: [ids.resilience] } };
    const report = await callApi<Report>(server, 'report', req, 'Resilience, small');
    const printable = await context.newPage();
    await printable.setContent(report.html);
    mkdirSync('test-artifacts', { recursive: true });
    const pdf = await printable.pdf({ path: join('test-artifacts', 'w7-report.pdf'), preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThan(2);

    // every heading (and each "Part n of m" of a split table) is followed by text on its own page
    const headings = await printable.locator('h1, h2, h3, p.part').allInnerTexts();
    const placed = locate(pages, headings);
    for (const h of placed) expect(h.page, `heading "${h.text}" is not in the PDF`).toBeGreaterThanOrEqual(0);
    const orphans = placed.filter((h) => h.endsPage).map((h) => `"${h.text}" ends page ${h.endPage + 1}`);
    expect(orphans, orphans.join('; ')).toEqual([]);

    // every figure on one page: its caption above it and its data note below it
    report.figures.forEach((f, i) => {
      const [caption, note] = [locate(pages, [`Figure ${i + 1}.`])[0], locate(pages, [`figure: ${f.name}.svg`])[0]];
      expect(caption.page, `Figure ${i + 1} (${f.name})`).toBeGreaterThanOrEqual(0);
      expect(note.endPage, `Figure ${i + 1} (${f.name}) is broken across pages`).toBe(caption.page);
    });

    // the contrasts' labels, both sides, whole in the printed forest plot
    const c = await callApi<Comparison>(server, 'compare', req);
    const text = pages.flat().map((l) => l.text).join('\n');
    for (const p of c.contrasts) {
      expect(locate(pages, [p.otherLabel])[0].page).toBeGreaterThanOrEqual(0);
      expect(locate(pages, [`vs ${p.baselineLabel}`])[0].page).toBeGreaterThanOrEqual(0);
    }
    expect(text).not.toContain('…');

    // under print, at the width of A4's text: no table is wider than the page, nothing scrolls sideways
    await printable.setViewportSize({ width: PRINT_WIDTH, height: 1000 });
    await printable.emulateMedia({ media: 'print' });
    const overflow = await printable.evaluate((width) => {
      const wide = [...document.querySelectorAll('table')]
        .map((t, i) => ({ i, right: t.getBoundingClientRect().right, scroll: t.parentElement!.scrollWidth - t.parentElement!.clientWidth, head: t.querySelector('th')?.textContent ?? '' }))
        .filter((t) => t.right > width + 0.5 || t.scroll > 0);
      return { wide, page: document.documentElement.scrollWidth };
    }, PRINT_WIDTH);
    expect(overflow.wide, JSON.stringify(overflow.wide)).toEqual([]);
    expect(overflow.page).toBeLessThanOrEqual(PRINT_WIDTH);
    // and the columns that used to be cut off are there
    expect(await printable.locator('table th', { hasText: /^xor$/ }).count()).toBeGreaterThan(0);
    expect(await printable.locator('table th', { hasText: /^static$/ }).count()).toBeGreaterThan(0);
    await printable.close();

    // the PDF's pages as PNG, rendered by Chromium's own PDF viewer from the PDF itself
    const http: HttpServer = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.end(pdf);
    });
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const port = (http.address() as AddressInfo).port;
    const viewer = await context.newPage();
    await viewer.setViewportSize({ width: 760, height: 1060 });
    try {
      for (let i = 1; i <= pages.length; i++) {
        // a new address per page: the viewer opens each at its page, fitted to the window
        await viewer.goto(`http://127.0.0.1:${port}/report-${i}.pdf#page=${i}&toolbar=0&view=Fit`);
        await expect.poll(() => viewer.frames().some((f) => f.url().startsWith('chrome-extension://')), { message: "Chromium's PDF viewer did not open the PDF" }).toBe(true);
        await viewer.waitForTimeout(700);
        mkdirSync(SHOTS, { recursive: true });
        await viewer.screenshot({ path: join(SHOTS, `w7-pdf-page-${i}.png`) });
      }
    } finally {
      await viewer.close();
      await new Promise((done) => http.close(done));
    }
  }, 240_000);

  it('gives every figure as SVG with its CSV, and "Download all" as one zip', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Reports/ }).click();
    await page.getByRole('button', { name: 'Make report' }).click();
    const figures = page.locator('table.files tbody tr');
    await expect.poll(() => figures.count(), { timeout: 30_000 }).toBeGreaterThan(5);
    const report = await callApi<Report>(server, 'report', { filter: { experiments: [ids.resilience] } }, 'x');
    expect(await figures.count()).toBe(report.figures.length);

    // one figure on its own: its SVG file, and the CSV of its numbers
    const svgDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download figure 1 as SVG' }).click();
    const svg = readFileSync((await (await svgDownload).path())!, 'utf8');
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<style>');
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: /^Download the numbers of figure 1: / }).click();
    const csv = await (await csvDownload).path();
    expect(readFileSync(csv!, 'utf8')).toMatch(/^configuration,seeds,mean,ci_lo,ci_hi\n/);

    // everything in one zip, checked by Python's zipfile (every CRC) and listed
    const zipDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download all as one zip' }).click();
    const download = await zipDownload;
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const file = join('test-artifacts', 'w9-report.zip');
    writeFileSync(file, readFileSync((await download.path())!));
    const test = spawnSync('python3', ['-m', 'zipfile', '-t', file], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    const listing = spawnSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
    const names = listing.stdout.trim().split('\n');
    const base = download.suggestedFilename().replace(/\.zip$/, '');
    expect(names).toContain(`${base}/${base}.html`);
    for (const f of report.figures) {
      expect(names).toContain(`${base}/figures/${f.name}.svg`);
      for (const csv of f.csv) expect(names).toContain(`${base}/data/${csv}.csv`);
    }
    for (const csv of Object.keys(report.csv)) expect(names).toContain(`${base}/data/${csv}.csv`);
    expect(names).toHaveLength(1 + report.figures.length + Object.keys(report.csv).length);
    await shot(page, 'w9-report-figures');
  }, 90_000);

  it('no page errors along the way', () => {
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});
