// The service the window and `quench serve` call, against real temporary archives and the real
// worker pool (npm test builds dist/ first: the worker threads run the compiled engine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobStatus, QuenchEvent } from '../common/api.js';
import { NetworkSchema } from '../common/spec.js';
import { Archive } from '../db/archive.js';
import { importArchives } from '../db/transfer.js';
import { spectralRadius } from '../worker/linalg.js';
import { retainedFraction } from '../worker/models/rate.js';
import { buildNetwork, spectralSummary } from '../worker/network.js';
import { contrastCells, interval, matchText, num, signedNum, verdictText } from '../common/format.js';
import { seedsFor } from './plan.js';
import { QuenchService } from './service.js';
import { toApiError } from './service/errors.js';
import { histogram } from './service/preview.js';

const fixture = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'quench-service-'));
let archives = 0;
const fresh = (opts: { threads?: number; backend?: string; progressEveryMs?: number } = {}) => new QuenchService({ archive: join(dir, `archive-${archives++}.sqlite`), backend: 'cpu', threads: 2, ...opts });

/** Runs `fn`, collecting the job events it causes. */
async function withEvents<T>(svc: QuenchService, fn: (events: QuenchEvent[]) => Promise<T>): Promise<{ value: T; events: QuenchEvent[] }> {
  const events: QuenchEvent[] = [];
  const stop = svc.onEvent((e) => events.push(e));
  try {
    return { value: await fn(events), events };
  } finally {
    stop();
  }
}

describe('validation', () => {
  const svc = fresh();
  afterAll(() => svc.close());

  it('validates a good spec: runs, tasks and an estimate from a probe run', async () => {
    const v = await svc.validateExperiment(fixture);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.runs).toBe(6);
    expect(v.tasks).toBe(25);
    expect(v.estimatedSeconds).toBeGreaterThan(0);
    expect(v.estimatedSeconds).toBeLessThan(60);
    expect(v.spec.rootSeed).toBe(77);
  });

  it('answers a bad spec with every issue, naming field, value and what is allowed', async () => {
    const v = await svc.validateExperiment({ name: 'bad', network: { n: 0, heterogeneity: { family: 'weird' } } });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.issues).toEqual(
      expect.arrayContaining([
        { path: 'network.n', value: '0', allowed: 'must be at least 1' },
        expect.objectContaining({ path: 'network.heterogeneity.family', value: '"weird"' }),
      ]),
    );
    expect((await svc.validateExperiment('not a spec')).ok).toBe(false);
  });

  it('refuses a bad spec or a bad argument as an ApiError, never a stack trace', async () => {
    const err = await svc.startExperiment({ spec: { name: 'x', network: { p: 2 } } }).catch((e: unknown) => e);
    const api = toApiError(err);
    expect(api.kind).toBe('spec');
    expect(api.issues).toEqual([{ path: 'network.p', value: '2', allowed: 'must be at most 1' }]);
    expect(api.message).not.toMatch(/\bat .*\.(ts|js):\d+/);
    const bad = toApiError(await svc.previewTask('default', [{ family: 'white' }], 'delay/c0/d1', -1, 10).catch((e: unknown) => e));
    expect(bad).toMatchObject({ kind: 'input', issues: [{ path: 'seed', value: '-1', allowed: 'must be at least 0' }] });
    expect(toApiError(await svc.listRuns({ limit: 'ten' } as never).catch((e: unknown) => e))).toMatchObject({ kind: 'input', issues: [{ path: 'query.limit' }] });
    expect(toApiError(await svc.startExperiment({ spec: fixture, backend: 'nope' }).catch((e: unknown) => e))).toMatchObject({ kind: 'unsupported' });
    expect(toApiError(new Error('boom'))).toEqual({ kind: 'internal', message: 'internal error: boom' });
  });

  it('lists the presets with their claims, and says what it runs on', async () => {
    const presets = await svc.listPresets();
    expect(presets.map((p) => p.name)).toContain('heterogeneity-gain');
    expect(presets.find((p) => p.name === 'heterogeneity-gain')).toMatchObject({ runs: 25, tasks: 397, title: expect.any(String), claim: expect.stringMatching(/\w/) });
    const info = await svc.info();
    expect(info.archivePath).toBe(svc.archivePath);
    expect(info.backends).toContain('cpu');
    expect(info.threads).toBe(2);
  });
});

describe('previews', () => {
  const svc = fresh();
  afterAll(() => svc.close());

  it('previews a network: tau histogram of N counts that follows the cv, realised stats, both spectra', async () => {
    const spec = { n: 120, p: 0.2, heterogeneity: { family: 'lognormal', cv: 1 } };
    const p = await svc.previewNetwork(spec, 7);
    expect(p.tau.tau).toHaveLength(120);
    expect(p.tau.histogram.counts).toHaveLength(30);
    expect(p.tau.histogram.edges).toHaveLength(31);
    expect(p.tau.histogram.counts.reduce((a, b) => a + b, 0)).toBe(120);
    expect(p.tau.histogram.edges[0]).toBeCloseTo(p.tau.stats.min, 12);
    expect(p.tau.histogram.edges[30]).toBeCloseTo(p.tau.stats.max, 12);
    expect(p.tau.stats.cv).toBeGreaterThan(0.5);
    expect(p.tau.unit).toBe('steps');
    expect(p.tau.tauMin).toBe(1);
    expect(p.tau.tauMax).toBe(500);
    expect(p.eigW!.re).toHaveLength(120);
    expect(p.eigW!.im).toHaveLength(120);
    expect(p.eigEff!.re).toHaveLength(120);
    // the network run 0 of an experiment with rootSeed 7 builds, and the engine's own spectral radii
    const net = buildNetwork(NetworkSchema.parse(spec), 1, seedsFor(7, 0).network);
    expect(p.rhoW).toBeCloseTo(spectralRadius(net.w, 120), 10);
    const model = NetworkSchema.parse(spec).model;
    if (model.kind !== 'rate') throw new Error('rate model expected');
    expect(p.rhoEff).toBeCloseTo(spectralSummary(net, retainedFraction(model, net.tau)).rhoEff!, 10);
    expect(p.density).toBeCloseTo(net.density, 12);

    const homogeneous = await svc.previewNetwork({ ...spec, heterogeneity: { family: 'none' } }, 7);
    expect(homogeneous.tau.stats.cv).toBe(0);
    expect(homogeneous.tau.histogram.counts.filter((c) => c > 0)).toEqual([120]);
    const wider = await svc.previewNetwork({ ...spec, heterogeneity: { family: 'lognormal', cv: 2 } }, 7);
    expect(wider.tau.histogram.counts).not.toEqual(p.tau.histogram.counts);
    expect(wider.tau.stats.max).toBeGreaterThan(p.tau.stats.max);
    // W does not depend on tau: the same spectrum of W
    expect(wider.rhoW).toBeCloseTo(p.rhoW!, 12);
  });

  it('has no effective spectrum for LIF, and refuses networks above N = 1000 or bad specs in words', async () => {
    const lif = await svc.previewNetwork({ n: 30, model: { kind: 'lif' } }, 1);
    expect(lif.eigEff).toBeNull();
    expect(lif.rhoEff).toBeNull();
    expect(lif.tau.unit).toBe('ms');
    expect(lif.eigW!.re).toHaveLength(30);
    const big = toApiError(await svc.previewNetwork({ n: 1001 }, 1).catch((e: unknown) => e));
    expect(big.kind).toBe('input');
    expect(big.message).toContain('N ≤ 1000');
    const bad = toApiError(await svc.previewNetwork({ n: 10, heterogeneity: { family: 'gamma', cv: -1 } }, 1).catch((e: unknown) => e));
    expect(bad).toMatchObject({ kind: 'spec', issues: [{ path: 'heterogeneity.cv', value: '-1' }] });
  });

  it('bins equal values around their value', () => {
    expect(histogram([2, 2, 2], 4)).toEqual({ edges: [1.9, 1.95, 2, 2.05, 2.1].map((x) => expect.closeTo(x, 12)), counts: [0, 0, 3, 0] });
    const h = histogram([0, 1, 2, 3], 3);
    expect(h.counts).toEqual([1, 1, 2]);
  });

  it('previews a suite and one task: the input stream and its target', async () => {
    const channels = [{ family: 'white' }, { family: 'white' }, { family: 'white' }];
    const s = await svc.previewSuite(fixture.suite, channels);
    expect(s.tasks).toHaveLength(25);
    expect(s.counts).toMatchObject({ delay: 15, product: 9, narma: 1, legendre: 0 });
    expect((await svc.previewSuite('default', channels)).tasks).toHaveLength(397);
    const t = await svc.previewTask(fixture.suite, channels, 'delay/c1/d4', 77, 200);
    expect(t.input).toHaveLength(3);
    expect(t.input[1]).toHaveLength(200);
    expect(t.target).toHaveLength(200);
    for (let i = 4; i < 200; i++) expect(t.target[i]).toBe(t.input[1][i - 4]);
    expect(t.target.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(toApiError(await svc.previewTask(fixture.suite, channels, 'delay/c9/d4', 77, 10).catch((e: unknown) => e))).toMatchObject({ kind: 'not-found' });
    expect(toApiError(await svc.previewSuite({ families: [] }, channels).catch((e: unknown) => e))).toMatchObject({ kind: 'spec', issues: [{ path: 'families' }] });
  });

  it('saves named suites as versions: new content a new version, the same content the same version', async () => {
    expect(await svc.listSuites()).toEqual([]);
    const suite = { name: 'memory', families: [{ family: 'delay', delays: [1, 2, 3] }] };
    const v1 = await svc.saveSuite(suite);
    expect(v1).toMatchObject({ name: 'memory', version: 1, tasks: 9, suite: { name: 'memory', version: 1 } });
    expect(await svc.saveSuite({ ...suite, version: 7 })).toEqual(v1);
    const v2 = await svc.saveSuite({ ...suite, families: [{ family: 'delay', delays: [1, 2, 3, 4] }] });
    expect(v2).toMatchObject({ version: 2, tasks: 12 });
    await svc.saveSuite({ name: 'other', families: [{ family: 'narma', orders: [5] }] });
    expect((await svc.listSuites()).map((s) => `${s.name}@${s.version}`)).toEqual(['memory@2', 'memory@1', 'other@1']);
    expect(toApiError(await svc.saveSuite({ families: [{ family: 'delay', delays: [1] }] }).catch((e: unknown) => e)).message).toContain('built-in');
  });

  it('carries saved suites into another archive with an import; the target keeps its own versions, the file\'s other contents follow them', async () => {
    const other = fresh();
    try {
      await other.saveSuite({ name: 'memory', families: [{ family: 'narma', orders: [10] }] });
      const target = Archive.open((await other.info()).archivePath);
      importArchives(target, [svc.archivePath]);
      target.close();
      const suites = await other.listSuites();
      // memory@1 of the file is not memory@1 here: it becomes memory@2, and the file's memory@2 memory@3 (nothing is lost)
      expect(suites.map((s) => `${s.name}@${s.version}:${s.tasks}`)).toEqual(['memory@3:12', 'memory@2:9', 'memory@1:1', 'other@1:1']);
      expect(suites.find((s) => s.version === 2)!.suite).toMatchObject({ name: 'memory', version: 2, families: [{ family: 'delay', delays: [1, 2, 3] }] });
      // importing the same file again adds nothing
      const again = Archive.open((await other.info()).archivePath);
      expect(importArchives(again, [svc.archivePath])[0]).toMatchObject({ suites: 0, networks: 0 });
      again.close();
      expect(await other.listSuites()).toHaveLength(4);
    } finally {
      await other.close();
    }
  });
});

describe('jobs', () => {
  it('runs an experiment as a job: events count up to the total, every run archived, then compared', async () => {
    const svc = fresh({ backend: 'auto' });
    try {
      const { value: final, events } = await withEvents(svc, async () => {
        const job = await svc.startExperiment({ spec: fixture });
        expect(job).toMatchObject({ state: 'running', done: 0, total: 6, name: 'Small test experiment', error: null });
        return svc.waitForJob(job.id);
      });
      expect(final).toMatchObject({ state: 'done', done: 6, total: 6, etaSeconds: 0 });
      const jobs = events.filter((e) => e.type === 'job').map((e) => e.job);
      expect(jobs[0].state).toBe('running');
      expect(jobs.at(-1)).toMatchObject({ state: 'done', done: 6 });
      const dones = jobs.map((j) => j.done);
      expect(dones).toEqual([...dones].sort((a, b) => a - b));
      expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
      const { rows, total } = await svc.listRuns({ experiments: [final.experimentId], status: ['done'] });
      expect(total).toBe(6);
      expect(new Set(rows.map((r) => r.uid)).size).toBe(6);
      expect((await svc.listExperiments())[0]).toMatchObject({ id: final.experimentId, done: 6, planned_runs: 6 });

      // the same spec again: the stored experiment, complete (a job done at once); --new semantics: a second one
      const again = await svc.startExperiment({ spec: fixture });
      expect(again).toMatchObject({ state: 'done', experimentId: final.experimentId, done: 6 });
      const second = await svc.startExperiment({ spec: fixture, ifArchived: 'new', threads: 1, backend: 'cpu' });
      expect(second.experimentId).not.toBe(final.experimentId);
      await svc.waitForJob(second.id);
      expect((await svc.listExperiments()).map((e) => e.done)).toEqual([6, 6]);
      expect((await svc.listJobs()).map((j) => j.state)).toEqual(['done', 'done', 'done']);
    } finally {
      await svc.close();
    }
  });

  it('cancels a job mid-way (finished runs stay), then resumes it to the end without duplicates', async () => {
    const svc = fresh({ threads: 1, progressEveryMs: 0 });
    try {
      let cancelled: Promise<JobStatus> | null = null;
      const stop = svc.onEvent((e) => {
        // cancel as the first run is committed: nothing else has finished yet on one thread
        if (e.job.state === 'running' && e.job.done === 1 && !cancelled) cancelled = svc.cancelJob(e.job.id);
      });
      const job = await svc.startExperiment({ spec: fixture, threads: 1 });
      const final = await svc.waitForJob(job.id);
      stop();
      expect(cancelled).not.toBeNull();
      expect(await cancelled!).toMatchObject({ state: 'cancelled', done: 1, error: null });
      expect(final.state).toBe('cancelled');
      expect((await svc.listRuns({ experiments: [job.experimentId], status: ['done'] })).total).toBe(1);
      expect((await svc.listRuns({ experiments: [job.experimentId], status: ['pending'] })).total).toBe(5);
      // cancelling a finished job changes nothing
      expect((await svc.cancelJob(job.id)).state).toBe('cancelled');

      const resumed = await svc.resumeExperiment(job.experimentId.slice(0, 8), 2);
      expect(resumed).toMatchObject({ state: 'running', done: 1, total: 6, experimentId: job.experimentId });
      expect(await svc.waitForJob(resumed.id)).toMatchObject({ state: 'done', done: 6 });
      const runs = await svc.listRuns({ experiments: [job.experimentId] });
      expect(runs.total).toBe(6);
      expect(runs.rows.every((r) => r.status === 'done')).toBe(true);
      expect(new Set(runs.rows.map((r) => r.uid)).size).toBe(6);
      expect(toApiError(await svc.cancelJob('no-such-job').catch((e: unknown) => e)).kind).toBe('not-found');
    } finally {
      await svc.close();
    }
  });

  it('says why a job failed, in words, with what was stored before', async () => {
    const svc = fresh({ threads: 1, progressEveryMs: 0 });
    try {
      const stop = svc.onEvent((e) => {
        // the archive goes away after the first run: the second cannot be stored
        if (e.job.done === 1) (svc as unknown as { archiveHandle: Archive }).archiveHandle.db.close();
      });
      const job = await svc.startExperiment({ spec: fixture });
      const final = await svc.waitForJob(job.id);
      stop();
      expect(final.state).toBe('failed');
      expect(final.error).toMatch(/^archive .*archive-\d+\.sqlite: claiming runs to make failed: The database connection is not open$/);
      expect(final.done).toBe(1);
    } finally {
      (svc as unknown as { archiveHandle: Archive | null }).archiveHandle = null;
      await svc.close();
    }
  });

  it('cancels running jobs when the service closes', async () => {
    const svc = fresh({ threads: 1 });
    const job = await svc.startExperiment({ spec: fixture });
    await svc.close();
    expect((await svc.waitForJob(job.id)).state).toBe('cancelled');
  });
});

describe('the archive: runs, tags, notes, comparisons, reports', () => {
  const svc = fresh();
  let experimentId = '';
  beforeAll(async () => {
    const job = await svc.startExperiment({ spec: fixture });
    experimentId = (await svc.waitForJob(job.id)).experimentId;
  });
  afterAll(() => svc.close());

  it('pages and sorts runs, tags them and notes them', async () => {
    const all = await svc.listRuns({});
    expect(all.total).toBe(6);
    const byCapacity = await svc.listRuns({ sort: 'mean_capacity', descending: true });
    const caps = byCapacity.rows.map((r) => r.mean_capacity!);
    expect(caps).toEqual([...caps].sort((a, b) => b - a));
    const page = await svc.listRuns({ sort: 'mean_capacity', descending: true, limit: 2, offset: 2 });
    expect(page.total).toBe(6);
    expect(page.rows.map((r) => r.uid)).toEqual(byCapacity.rows.slice(2, 4).map((r) => r.uid));
    expect(toApiError(await svc.listRuns({ sort: 'password' }).catch((e: unknown) => e)).message).toContain('cannot sort runs by "password"');
    const lognormal = await svc.listRuns({ where: ['family=lognormal'] });
    expect(lognormal.total).toBe(3);

    const uids = lognormal.rows.map((r) => r.uid);
    expect(await svc.tagRuns(uids, ['keep', 'paper'])).toBe(6);
    expect((await svc.listRuns({ tags: ['paper'] })).total).toBe(3);
    expect(await svc.tagRuns(uids.slice(0, 1), ['paper'], true)).toBe(1);
    expect((await svc.listRuns({ tags: ['paper'] })).total).toBe(2);
    await svc.addNote(uids[0], 'odd spike at t = 300');
    expect(await svc.notes(uids[0])).toEqual([expect.objectContaining({ kind: 'run', target: uids[0], text: 'odd spike at t = 300' })]);
    expect(await svc.notes(uids[1])).toEqual([]);
    expect(toApiError(await svc.addNote(uids[0], '   ').catch((e: unknown) => e)).kind).toBe('input');
  });

  it('compares as the archive does, with per-task differences for the heatmap', async () => {
    const req = { filter: { experiments: [experimentId] } };
    const c = await svc.compare(req);
    expect(c.contrasts).toHaveLength(1);
    expect(c.groups.map((g) => g.runs)).toEqual([3, 3]);
    const diffs = await svc.taskDiffs(req);
    expect(diffs).toHaveLength(25);
    expect(diffs[0]).toMatchObject({ pair: c.contrasts[0].label, id: 'delay/c0/d0', family: 'delay', memoryDepth: 0, nonlinearity: 1 });
    expect(diffs.find((d) => d.id.startsWith('narma'))).toMatchObject({ family: 'narma', memoryDepth: 5 });
    // paired on all seeds and all tasks: the mean per-task difference is Δ mean capacity
    const meanDiff = diffs.reduce((s, d) => s + d.diff, 0) / diffs.length;
    expect(meanDiff).toBeCloseTo(c.contrasts[0].delta.mean, 12);
    expect(diffs.filter((d) => d.diff > 0).length).toBe(c.contrasts[0].wins);
    expect(diffs.filter((d) => d.diff === 0).length).toBe(c.contrasts[0].ties);
    // experiments may be named, dates read as the CLI reads them
    expect((await svc.compare({ filter: { experiments: ['Small test experiment'], since: '1d' } })).contrasts[0].label).toBe(c.contrasts[0].label);
    expect(toApiError(await svc.compare({ filter: { where: ['colour=blue'] } }).catch((e: unknown) => e))).toMatchObject({ kind: 'input' });
  });

  it('saves a comparison set and lists it', async () => {
    await svc.saveComparisonSet('first', { filter: { experiments: [experimentId] }, conditions: ['family=none', 'family=lognormal'] });
    const sets = await svc.listComparisonSets();
    expect(sets).toEqual([expect.objectContaining({ name: 'first', runs: 6, definition: expect.objectContaining({ conditions: ['family=none', 'family=lognormal'] }) })]);
    expect(toApiError(await svc.saveComparisonSet('first', { filter: {} }).catch((e: unknown) => e)).message).toContain('already exists');
  });

  it('reports a comparison: self-contained HTML with the claim, the finding, charts, tables, specs and seeds; one CSV per chart and table', async () => {
    const req = { filter: { experiments: [experimentId] } };
    const r = await svc.report(req, 'Small <test> report');
    const c = await svc.compare(req);
    const p = c.contrasts[0];
    for (const id of ['claim', 'found', 'chart-capacity', 'chart-families', 'chart-paired', 'tables', 'specs', 'seeds']) expect(r.html).toContain(`<section id="${id}">`);
    expect(r.html).toContain('<title>Small &lt;test&gt; report</title>');
    expect(r.html).toContain('Test fixture: heterogeneous vs homogeneous on a short suite.');
    // the finding, a row of the compact findings table, in the words and numbers the CLI prints (common/format.ts), escaped for HTML
    const html = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    for (const cell of [`${matchText(p)} (${p.seeds})`, signedNum(p.delta.mean), interval(p.delta.lo, p.delta.hi, true), verdictText(p)]) expect(r.html).toContain(html(cell));
    for (const cell of contrastCells(p)) expect(r.html).toContain(html(cell));
    expect(r.html).toContain(num(c.groups[0].meanCapacity.mean));
    expect(r.html).toContain('&quot;rootSeed&quot;: 77');
    expect(r.html).toContain(`Quench ${(await svc.info()).version}`);
    // per configuration, per task family (configurations, then contrasts), the contrasts; then the mechanisms' figures
    expect(r.figures.slice(0, 4).map((f) => f.name)).toEqual(['fig-mean-capacity', 'fig-family-means', 'fig-family-contrasts', 'fig-contrasts']);
    expect((r.html.match(/<svg /g) ?? []).length).toBe(r.figures.length);
    // nothing loaded from anywhere: no scripts, no links, no external URLs
    expect(r.html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|href=|url\(|@import/i);
    expect(r.html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\//);
    expect(r.fileBase).toMatch(/^quench-small-test-report-\d{4}-\d{2}-\d{2}$/);

    expect(Object.keys(r.csv).sort()).toEqual(
      // the mechanisms' figures and table too (issue 13)
      ['chart-alignment', 'chart-mechanism-levels', 'chart-profile', 'chart-spectra', 'chart-timescales', 'table-mechanisms',
       'chart-family-means', 'chart-mean-capacity', 'chart-paired', 'table-configurations', 'table-diff', 'table-experiments', 'table-contrast-families', 'table-contrasts', 'table-runs'].sort(),
    );
    const rows = (name: string) => r.csv[name].trim().split('\n').map((l) => l.split(','));
    const paired = rows('chart-paired');
    expect(paired[0]).toEqual(['comparison', 'seeds', 'mean', 'ci_lo', 'ci_hi']);
    expect(paired[1].slice(1).map(Number)).toEqual([3, p.delta.mean, p.delta.lo, p.delta.hi]);
    const capacity = rows('chart-mean-capacity');
    expect(capacity.slice(1).map((x) => Number(x[2]))).toEqual(c.groups.map((g) => g.meanCapacity.mean));
    expect(rows('chart-family-means')).toHaveLength(1 + 2 * 3);
    expect(rows('table-runs')).toHaveLength(1 + 6);
    expect(r.csv['table-contrasts']).toContain(String(p.test.p));
    expect(r.csv['table-contrasts']).toContain(String(p.wilcoxon!.p));
  });
});
