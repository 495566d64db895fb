// The mechanisms of a comparison against the runs behind it: real runs of a small sweep, committed to
// an archive and compared. Each number of the panel and the report is recomputed here from the runs'
// own results (measures per group over seeds, paired changes, level series, overlays, profiles); the
// report draws every figure and writes the CSV each cites.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RunResult } from '../../common/results.js';
import type { RateMechanisms } from '../../common/mechanisms.js';
import { parseExperiment } from '../../common/validate.js';
import { Archive } from '../../db/archive.js';
import { taskList } from '../../db/compare.js';
import { tempDir } from '../../test/fixtures/archive-helpers.js';
import { backendByName } from '../../worker/backends/registry.js';
import { buildNetwork } from '../../worker/network.js';
import { executeRun, runTasks } from '../../worker/run.js';
import { planRuns } from '../plan.js';
import { buildReport } from '../service/report.js';
import { compare } from './compare.js';
import { realisedTaus } from './compare-mechanisms.js';
import { mean } from './stats.js';

const spec = parseExperiment({
  name: 'mechanisms',
  rootSeed: 11,
  network: { n: 25 },
  input: { segments: { washout: 50, train: 300, validation: 100, test: 100 } },
  suite: { name: 'm', version: 1, families: [{ family: 'delay', delays: [0, 2, 5] }, { family: 'product', delays: [0, 2] }] },
  sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 0.5 }, { family: 'lognormal', cv: 1 }], seeds: 3 },
});

describe('the mechanisms of a comparison', () => {
  const cpu = backendByName('cpu');
  let archive: Archive;
  let path: string;
  let id: string;
  let results: RunResult[];
  const plan = planRuns(spec);

  beforeAll(() => {
    path = join(tempDir(), 'a.db');
    archive = Archive.open(path, { appVersion: 'test' });
    const runs = planRuns(spec);
    id = archive.createExperiment(spec, runs, runTasks(runs[0])).id;
    results = runs.map((r) => executeRun(r, cpu));
    archive.commitRuns(id, results);
  });

  const byGroup = (family: string, cv: number) => results.filter((r) => r.factors.family === family && r.factors.cv === cv).sort((a, b) => a.factors.seedIndex - b.factors.seedIndex);
  const pr = (r: RunResult) => r.mechanisms!.participationRatio;

  it('each measure per group is the mean over its seeds, with the t-interval; each change is paired over seeds', () => {
    const c = compare(archive, { filter: { experiments: [id] } });
    const m = c.mechanisms!;
    expect(m.kind).toBe('rate');
    expect([m.measured, m.notMeasured]).toEqual([9, 0]);
    expect(c.groups).toHaveLength(3);
    for (const g of c.groups) {
      const runs = byGroup(g.factors.family, g.factors.cv);
      const got = m.groups.find((x) => x.key === g.key)!.measures.participationRatio;
      expect(got.mean).toBeCloseTo(mean(runs.map(pr)), 12);
      expect(got.n).toBe(3);
      expect(got.lo).toBeLessThan(got.mean);
    }
    expect(m.contrasts).toHaveLength(2);
    const homo = byGroup('none', 0);
    for (const [k, cv] of [0.5, 1].entries()) {
      const het = byGroup('lognormal', cv);
      const diffs = het.map((r, s) => pr(r) - pr(homo[s]));
      const d = m.contrasts[k].measures.participationRatio;
      expect(m.contrasts[k].label).toMatch(new RegExp(`c=${cv}`));
      expect(d.mean).toBeCloseTo(mean(diffs), 12);
      expect(d.seeds).toBe(3);
      expect(d.verdict).toBe(d.lo > 0 ? 'higher' : d.hi < 0 ? 'lower' : 'no clear difference');
    }
  });

  it('puts the groups on the heterogeneity level, the homogeneous one at c = 0', () => {
    const c = compare(archive, { filter: { experiments: [id] } });
    const levels = c.mechanisms!.levels;
    expect(levels, JSON.stringify(levels)).toHaveLength(1);
    expect(levels[0].label).toBe('lognormal');
    const keyOf = (family: string, cv: number) => c.groups.find((g) => g.factors.family === family && g.factors.cv === cv)!.key;
    expect(levels[0].points).toEqual([
      { key: keyOf('none', 0), level: 0 },
      { key: keyOf('lognormal', 0.5), level: 0.5 },
      { key: keyOf('lognormal', 1), level: 1 },
    ]);
  });

  it('the realised time constants are the ones the engine drew, manipulations included', () => {
    for (const r of planRuns(spec).slice(0, 3)) {
      expect([...realisedTaus(r.network, r.seeds.network)]).toEqual([...buildNetwork(r.network, 1, r.seeds.network).tau]);
    }
    const perturbed = planRuns(parseExperiment({ ...spec, sweep: { ...spec.sweep, manipulations: [{ label: 'jitter', ops: [{ op: 'perturbTau', sigma: 0.3 }] }] } }))[4];
    expect(perturbed.network.manipulations).toHaveLength(1);
    const taus = realisedTaus(perturbed.network, perturbed.seeds.network);
    expect([...taus]).toEqual([...buildNetwork(perturbed.network, 1, perturbed.seeds.network).tau]);
    expect([...taus]).not.toEqual([...realisedTaus({ ...perturbed.network, manipulations: [] }, perturbed.seeds.network)]);
  });

  it('overlays the timescales on shared log bins, each a share of its neurons', () => {
    const c = compare(archive, { filter: { experiments: [id] } });
    const ts = c.mechanisms!.timescales!;
    expect(ts.edges).toHaveLength(25);
    for (let i = 1; i < ts.edges.length; i++) expect(ts.edges[i]).toBeGreaterThan(ts.edges[i - 1]);
    for (const g of ts.groups) {
      for (const h of [g.autocorrelation, g.effective, g.realisedTau]) expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // every realised tau lies in the shared range
      const runs = byGroup(c.groups.find((x) => x.key === g.key)!.factors.family, c.groups.find((x) => x.key === g.key)!.factors.cv);
      for (const r of runs) for (const t of realisedTaus(plan[r.index].network, r.seeds.network)) {
        expect(t).toBeGreaterThanOrEqual(ts.edges[0] * (1 - 1e-12));
        expect(t).toBeLessThanOrEqual(ts.edges[24] * (1 + 1e-12));
      }
    }
    // the homogeneous group's realised taus all sit in one bin
    const homo = ts.groups.find((g) => g.label.includes('none') || g.label.includes('homogeneous'))!;
    expect(Math.max(...homo.realisedTau)).toBe(1);
  });

  it('the alignment curves are the runs’ own, averaged; the profiles are capacity per memory depth and per degree', () => {
    const c = compare(archive, { filter: { experiments: [id] } });
    const m = c.mechanisms!;
    const g = c.groups.find((x) => x.factors.family === 'lognormal' && x.factors.cv === 1)!;
    const runs = byGroup('lognormal', 1);
    const a = m.alignment!.groups.find((x) => x.key === g.key)!;
    const own = runs.map((r) => (r.mechanisms as RateMechanisms).alignment);
    expect(a.ks).toEqual(own[0].ks);
    expect(m.alignment!.families.sort()).toEqual(['delay', 'product']);
    a.byFamily.delay.forEach((v, i) => expect(v).toBeCloseTo(mean(own.map((o) => o.byFamily.delay[i])), 12));

    const tasks = taskList(archive, id);
    const depth = m.profile.memory;
    expect(depth.xs).toEqual([...new Set(tasks.map((t) => t.memory_depth))].sort((x, y) => x - y));
    const series = depth.groups.find((x) => x.key === g.key)!;
    depth.xs.forEach((x, i) => {
      const idx = tasks.flatMap((t, j) => (t.memory_depth === x ? [j] : []));
      expect(series.capacity[i]).toBeCloseTo(mean(runs.flatMap((r) => idx.map((j) => r.scores.capacity[j]))), 12);
    });
    expect(m.profile.nonlinearity.xs).toEqual([...new Set(tasks.map((t) => t.nonlinearity))].sort((x, y) => x - y));
    // per family: only that family's tasks
    expect(Object.keys(m.profile.byFamily)).toEqual(['delay', 'product']);
    const product = m.profile.byFamily.product.nonlinearity;
    const productTasks = tasks.flatMap((t, j) => (t.family === 'product' ? [j] : []));
    expect(product.xs).toEqual([...new Set(productTasks.map((j) => tasks[j].nonlinearity))]);
    expect(product.groups.find((x) => x.key === g.key)!.capacity[0]).toBeCloseTo(mean(runs.flatMap((r) => productTasks.map((j) => r.scores.capacity[j]))), 12);
  });

  it('counts the runs an older version did not measure', () => {
    const db = new Database(path);
    const [run] = db.prepare(`SELECT run_id FROM runs WHERE experiment_id = ? ORDER BY run_id LIMIT 1`).raw().all(id) as number[][];
    db.prepare('DELETE FROM run_mechanisms WHERE run_id = ?').run(run[0]);
    db.close();
    const m = compare(archive, { filter: { experiments: [id] } }).mechanisms!;
    expect([m.measured, m.notMeasured]).toEqual([8, 1]);
  });

  it('the report draws every figure and writes the CSV of each, with the numbers of the comparison', () => {
    const c = compare(archive, { filter: { experiments: [id] } });
    const m = c.mechanisms!;
    const r = buildReport(c, { title: 'mechanisms', appVersion: 'test', generatedAt: '2026-01-01T00:00:00.000Z', request: { filter: { experiments: [id] } }, experiments: [], runs: [] });
    const section = r.html.slice(r.html.indexOf('<section id="mechanisms">'), r.html.indexOf('</section>', r.html.indexOf('<section id="mechanisms">')));
    expect(section).toContain('Participation ratio against the heterogeneity level');
    // level, timescales, one spectrum per configuration, effective timescales, alignment per family, two profiles
    expect(section.match(/<svg /g)).toHaveLength(1 + 1 + 3 + 1 + 2 + 2);
    for (const [, name] of section.matchAll(/<code>([a-z-]+)\.csv<\/code>/g)) expect(Object.keys(r.csv)).toContain(name);
    const levels = r.csv['chart-mechanism-levels'].trim().split('\n').slice(1).map((l) => l.split(','));
    expect(levels.map((l) => Number(l[1]))).toEqual([0, 0.5, 1]);
    const pr = (cv: number) => m.groups.find((g) => g.key === c.groups.find((x) => x.factors.cv === cv)!.key)!.measures.participationRatio.mean;
    levels.forEach((l, i) => expect(Number(l[3])).toBeCloseTo(pr([0, 0.5, 1][i]), 10));
    const spectra = r.csv['chart-spectra'].trim().split('\n');
    expect(spectra).toHaveLength(1 + 3 * 2 * 25);
    const alignment = r.csv['chart-alignment'].trim().split('\n');
    expect(alignment).toHaveLength(1 + 3 * 2 * m.alignment!.groups[0].ks.length);
  });
});
