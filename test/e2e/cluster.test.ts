// The Experiments view's SLURM panel in Chromium against `quench serve`: the designer's experiment
// downloaded as a cluster bundle (one zip, checked by Python's zipfile and bash -n), its shards made
// from the unzipped folder as the array tasks would make them, and the folder imported back into the
// archive. Screenshots: w10-cluster-bundle, w10b-cluster-import.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../../common/api.js';
import { tempDir } from '../fixtures/archive-helpers.js';
import { callApi, hasChromium, launch, shotOf, startServe, type Server } from './harness.js';

describe.skipIf(!hasChromium && !process.env.CI)('the cluster panel in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const work = tempDir('quench-e2e-cluster-');

  beforeAll(async () => {
    server = await startServe();
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const panel = () => page.getByRole('region', { name: 'Run on a SLURM cluster' });
  let folder = '';

  it('downloads the designer\'s experiment as a SLURM bundle: one zip, its scripts relative to its folder', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Experiments/ }).click();
    await page.getByRole('button', { name: /^Open preset Heterogeneity gain in the designer$/i }).click();
    await panel().getByLabel('shards (array tasks)').fill('2');
    await panel().getByLabel('partition').fill('short');
    const download = page.waitForEvent('download');
    await panel().getByRole('button', { name: 'Download the cluster bundle as a zip' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toBe('quench-heterogeneity-gain-slurm.zip');
    const zipFile = join(work, d.suggestedFilename());
    writeFileSync(zipFile, readFileSync((await d.path())!));
    const test = spawnSync('python3', ['-m', 'zipfile', '-t', zipFile], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(spawnSync('python3', ['-m', 'zipfile', '-e', zipFile, work]).status).toBe(0);
    folder = join(work, 'quench-heterogeneity-gain-slurm');
    const array = readFileSync(join(folder, 'array.sbatch'), 'utf8');
    expect(array).toContain('#SBATCH --array=0-1');
    expect(array).toContain('#SBATCH --partition=short');
    expect(array).toContain('QUENCH=(quench)');
    for (const f of ['array.sbatch', 'merge.sbatch', 'submit.sh']) expect(spawnSync('bash', ['-n', join(folder, f)]).status).toBe(0);
    await expect.poll(() => panel().getByRole('status').innerText()).toMatch(/Downloaded quench-heterogeneity-gain-slurm\.zip: 25 runs in 2 shards/);
    await expect.poll(() => panel().getByRole('table', { name: 'Shards of the bundle' }).locator('tbody tr').count()).toBe(2);
    await shotOf(panel(), 'w10-cluster-bundle');
  }, 90_000);

  it('imports the folder the shards were made in: every run once, a second import adds nothing', async () => {
    // each shard as its array task makes it: from the folder, with the bundle's own arguments
    for (const i of [0, 1]) {
      const r = spawnSync(process.execPath, [resolve('bin/quench.js'), 'run', 'spec.json', '--shard', `${i}/2`, '--archive', `shards/shard-${i}.sqlite`, '--backend', 'wasm', '--yes', '-q'], { cwd: folder, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    await panel().getByLabel(/^folder on this machine/).fill(folder);
    await panel().getByRole('button', { name: 'Import the shard archives of the folder' }).click();
    await expect.poll(() => panel().getByRole('status').last().innerText(), { timeout: 30_000 }).toMatch(/Merged 2 of 2 archive\(s\) from .*: 25 run\(s\) new to this archive/);
    await shotOf(panel(), 'w10b-cluster-import');
    const exps = await callApi<ExperimentSummary[]>(server, 'listExperiments');
    expect(exps.map((e) => [e.name, e.done, e.planned_runs])).toEqual([['Heterogeneity gain', 25, 25]]);
    await panel().getByRole('button', { name: 'Import the shard archives of the folder' }).click();
    await expect.poll(() => panel().getByRole('status').last().innerText(), { timeout: 30_000 }).toMatch(/: 0 run\(s\) new to this archive/);
    // a folder with no archive says so
    await panel().getByLabel(/^folder on this machine/).fill(work + '/nothing-here');
    await panel().getByRole('button', { name: 'Import the shard archives of the folder' }).click();
    await expect.poll(() => panel().getByRole('alert').first().innerText()).toMatch(/no folder .*nothing-here/);
  }, 90_000);

  it('no page errors along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
