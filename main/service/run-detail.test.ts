// A run's page (QuenchApi.getRun) against a real archive: what it shows agrees with what the archive
// stores and with what the engine drew, its baseline is the run Compare pairs it with, and a bad or
// unknown uid is said in words. (The runs are made by the real worker pool: npm test builds dist/ first.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunDetail, RunRow } from '../../common/api.js';
import { QuenchService } from '../service.js';
import { toApiError } from './errors.js';

const spec = {
  name: 'Run page test',
  claim: 'Test fixture: the run page.',
  rootSeed: 5,
  network: { n: 24 },
  input: { segments: { washout: 30, train: 200, validation: 60, test: 60 } },
  suite: { name: 'tiny', version: 1, families: [{ family: 'delay', channels: [0], delays: [0, 1, 2, 4] }, { family: 'legendre', channels: [0], degrees: [2, 3], delays: [0, 2] }] },
  // two sizes: a heterogeneous run's baseline is the homogeneous run of its own size and seeds
  sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], n: [16, 24], seeds: 2 },
};

describe('getRun: one run, as its page shows it', () => {
  const svc = new QuenchService({ archive: join(mkdtempSync(join(tmpdir(), 'quench-run-detail-')), 'archive.sqlite'), backend: 'cpu', threads: 2 });
  let rows: RunRow[] = [];
  let het: RunRow;
  let detail: RunDetail;

  beforeAll(async () => {
    const job = await svc.startExperiment({ spec });
    expect((await svc.waitForJob(job.id)).state).toBe('done');
    rows = (await svc.listRuns({ experiments: [job.experimentId] })).rows;
    expect(rows).toHaveLength(8);
    het = rows.find((r) => r.family === 'lognormal' && r.n === 16 && r.seed_index === 1)!;
    detail = await svc.getRun(het.uid);
  }, 120_000);
  afterAll(() => svc.close());

  it('shows the run as the runs table lists it, with its spec, seeds, backend, version and timings', () => {
    expect(detail.run).toEqual(het);
    expect(detail.experiment).toMatchObject({ id: het.experiment_id, name: 'Run page test', claim: 'Test fixture: the run page.' });
    expect(detail.spec.network.n).toBe(16);
    expect(detail.spec.network.heterogeneity).toMatchObject({ family: 'lognormal', cv: 1 });
    expect(detail.seeds).toMatchObject({ root: 5, index: 1, network: detail.spec.seeds.network, input: detail.spec.seeds.input });
    expect(detail.backend).toMatch(/cpu/);
    expect(detail.appVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(detail.timings.totalMs).toBeGreaterThan(0);
    expect(detail.timings.finishedAt).toBe(het.finished_at);
  });

  it('recomputes the time constants the engine drew: the histogram holds N of them between the stored extremes', () => {
    const t = detail.taus;
    expect(t.unit).toBe('steps');
    expect(t.count).toBe(16);
    expect(t.counts.reduce((a, b) => a + b, 0)).toBe(16);
    expect(t.edges).toHaveLength(t.counts.length + 1);
    expect(t.counts).toHaveLength(30);
    // the same draw as the run's: its realised minimum and maximum, as stored
    expect(t.min).toBeCloseTo(detail.realised!.tau.min, 12);
    expect(t.max).toBeCloseTo(detail.realised!.tau.max, 12);
    expect(detail.realised!.tau.cv).toBeCloseTo(het.tau_realised_cv!, 12);
  });

  it('gives the per-family means, every task with its coordinates, and the memory × nonlinearity cells', () => {
    expect(detail.families.map((f) => f.family)).toEqual(['delay', 'legendre']);
    expect(detail.families.map((f) => f.tasks)).toEqual([4, 4]);
    expect(detail.tasks).toHaveLength(8);
    expect(detail.tasks.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(detail.tasks[0]).toMatchObject({ family: 'delay', memoryDepth: 0, nonlinearity: 1 });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(detail.tasks.map((t) => t.capacity))).toBeCloseTo(het.mean_capacity!, 12);
    const delay = detail.families.find((f) => f.family === 'delay')!;
    expect(delay.meanCapacity).toBeCloseTo(mean(detail.tasks.filter((t) => t.family === 'delay').map((t) => t.capacity)), 12);
    // each cell: the mean capacity of the tasks at that memory depth and degree
    expect(detail.map.reduce((a, c) => a + c.tasks, 0)).toBe(8);
    for (const cell of detail.map) {
      const inCell = detail.tasks.filter((t) => t.memoryDepth === cell.memoryDepth && t.nonlinearity === cell.nonlinearity);
      expect(cell.tasks).toBe(inCell.length);
      expect(cell.meanCapacity).toBeCloseTo(mean(inCell.map((t) => t.capacity)), 12);
    }
    expect(detail.mechanisms?.kind).toBe('rate');
  });

  it('sets a heterogeneous run against the homogeneous run of its size and seeds, with the spec fields that differ', () => {
    const base = rows.find((r) => r.family === 'none' && r.n === 16 && r.seed_index === 1)!;
    expect(detail.baselineNote).toBeNull();
    expect(detail.baseline).toMatchObject({ uid: base.uid, runIndex: base.run_index, label: 'homogeneous, N=16', meanCapacity: base.mean_capacity });
    expect(detail.baseline!.matched).toMatch(/same network and input seeds/);
    const paths = detail.baseline!.diff.map((d) => d.path);
    expect(paths).toContain('network.heterogeneity.family');
    expect(paths.some((p) => p.startsWith('network.n') || p.startsWith('seeds'))).toBe(false);
    expect(detail.baseline!.diff.find((d) => d.path === 'network.heterogeneity.family')).toEqual({ path: 'network.heterogeneity.family', run: 'lognormal', baseline: 'none' });
  });

  it('says a homogeneous run is itself the baseline', async () => {
    const base = rows.find((r) => r.family === 'none' && r.n === 24 && r.seed_index === 0)!;
    const d = await svc.getRun(base.uid);
    expect(d.baseline).toBeNull();
    expect(d.baselineNote).toMatch(/homogeneous: it is the baseline/);
  });

  it('shows its own tags apart from its experiment\'s, and its notes', async () => {
    await svc.tagRuns([het.uid], ['checked']);
    await svc.tagRuns([het.experiment_id], ['paper']);
    await svc.addNote(het.uid, 'looks right');
    const d = await svc.getRun(het.uid);
    expect(d.tags).toEqual(['checked']);
    expect(d.experimentTags).toEqual(['paper']);
    expect(d.run.tags).toEqual(['checked', 'paper']);
    expect(d.notes.map((n) => n.text)).toEqual(['looks right']);
    await svc.tagRuns([het.uid], ['checked'], true);
    expect((await svc.getRun(het.uid)).tags).toEqual([]);
  });

  it('finds a run by a prefix of its uid', async () => {
    expect((await svc.getRun(het.uid.slice(0, 12))).run.uid).toBe(het.uid);
  });

  it('says in words what is wrong with the uid, or that there is no such run', async () => {
    const missing = toApiError(await svc.getRun('0'.repeat(64)).catch((e: unknown) => e));
    expect(missing.kind).toBe('not-found');
    expect(missing.message).toContain(`no run with uid ${'0'.repeat(64)}`);
    for (const bad of ['', 'abc', 'XYZ123', `${het.uid}0`, 42, null]) {
      const e = toApiError(await svc.getRun(bad as string).catch((x: unknown) => x));
      expect(e.kind, String(bad)).toBe('input');
      expect(e.message, String(bad)).toMatch(/getRun: bad argument/);
      expect(e.issues?.[0]?.path, String(bad)).toBe('uid');
    }
  });
});
