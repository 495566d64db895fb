// buildReport on fixed comparisons: the HTML and the CSV files pinned by digest (so that a refactor
// of report.ts shows as a changed byte at once), with a few readable checks of what the digest covers.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import type { Comparison } from '../../common/comparison.js';
import { compare } from '../analysis/compare.js';
import { makeSynthetic, tempDir } from '../../test/fixtures/archive-helpers.js';
import { buildReport, type ReportContext, type ReportRun } from './report.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** the CSV files in name order, as JSON [name, text] pairs */
/** the report less its "Mechanisms: not measured" section (added after the pins were taken) */
const withoutMechanisms = (html: string) => html.replace(/<section id="mechanisms">\n<h2>Mechanisms: not measured<\/h2>\n<p>[^\n]*<\/p>\n<\/section>\n/, '');
const csvDigest = (csv: Record<string, string>) => sha256(JSON.stringify(Object.keys(csv).sort().map((k) => [k, csv[k]])));

/**
 * The synthetic archive (test/fixtures/archive-helpers.ts: 2 configurations x 3 seeds, scores chosen
 * by hand) compared as `req` asks, and a report context whose every time and version is fixed. The
 * runs and experiments are made from the archive the way main/service.ts makes them, less the
 * times the archive stamps.
 */
function fixture(req: Parameters<typeof compare>[1]): { c: Comparison; ctx: ReportContext } {
  const { archive, id } = makeSynthetic(join(tempDir('quench-report-'), 'a.sqlite'));
  try {
    const c = compare(archive, req);
    const label = new Map(c.groups.map((g) => [g.config, g.label]));
    const runs: ReportRun[] = archive
      .listRuns({ status: ['done'] })
      .rows.filter((r) => label.has(r.config_hash))
      .map((r, i) => ({
        uid: r.uid,
        experimentId: r.experiment_id,
        configuration: label.get(r.config_hash)!,
        seedIndex: r.seed_index,
        rootSeed: r.root_seed,
        networkSeed: 1000 + i,
        inputSeed: 2000 + i,
        // one run with neither backend nor version, as an archive of an old version has
        backend: i === 1 ? null : r.backend,
        appVersion: i === 1 ? null : r.app_version,
        meanCapacity: r.mean_capacity,
        finishedAt: `2025-01-02T03:04:${String(i).padStart(2, '0')}.000Z`,
      }));
    const e = archive.getExperiment(id);
    const ctx: ReportContext = {
      title: 'Synthetic <report> & "quotes"',
      appVersion: '9.9.9',
      generatedAt: '2025-02-03T04:05:06.000Z',
      request: req,
      experiments: [
        { id: e.id, name: e.name, claim: "heterogeneity helps <a lot> & 'always'", analysis: e.analysis, rootSeed: e.root_seed, createdAt: '2025-01-01T00:00:00.000Z', appVersion: 'test', spec: archive.storedSpec(e) },
      ],
      runs,
    };
    return { c, ctx };
  } finally {
    archive.close();
  }
}

describe('buildReport', () => {
  it('renders a comparison with every section the same, byte for byte', () => {
    const { c, ctx } = fixture({ filter: {}, curve: 'cv' });
    // what the synthetic archive cannot give, added by hand so that every section renders: a
    // descriptive contrast beside the headline one, a size answer, an erratum, an unpaired group
    const p = c.contrasts[0];
    expect(p.headline).toBe(true);
    c.contrasts.push({ ...p, label: `${p.label} <again>`, headline: false });
    c.sizeAnswers.push({ axis: 'n', series: 'lognormal c=1', experiment: ctx.experiments[0].id, nMax: 400, homoAtNMax: 0.41, smallestHeteroN: 200, interpolatedN: 180, backing: p });
    c.errata.push({ id: 'E1', title: 'a <flagged> defect', fixedIn: '0.2.0', detail: 'detail', runs: 2, experiments: [{ id: ctx.experiments[0].id, name: 'synthetic', runs: 2 }] });
    c.unpaired.push('gamma c=2 & more: no partner');
    const r = buildReport(c, ctx);

    for (const id of ['claim', 'found', 'chart-capacity', 'chart-families', 'chart-paired', 'chart-curve', 'tables', 'specs', 'seeds']) expect(r.html).toContain(`<section id="${id}">`);
    expect(r.html).toContain('<title>Synthetic &lt;report&gt; &amp; &quot;quotes&quot;</title>');
    expect(r.html).toContain('heterogeneity helps &lt;a lot&gt; &amp; &#39;always&#39;');
    expect(r.html).toContain('<h3>Headline contrasts');
    expect(r.html).toContain('<h3>Other contrasts');
    expect(r.html).toContain('<h3>Size answers</h3>');
    expect(r.html).toContain('<p class="warning">WARNING: 2 run(s) here are flagged by erratum E1');
    expect(r.html).toContain('<p>Without a baseline partner: gamma c=2 &amp; more: no partner.</p>');
    expect((r.html.match(/<svg /g) ?? []).length).toBe(4);
    expect(r.fileBase).toBe('quench-synthetic-report-quotes-2025-02-03');
    expect(Object.keys(r.csv)).toEqual([
      'chart-mean-capacity', 'chart-family-means', 'chart-paired', 'chart-curve', 'table-configurations', 'table-contrasts', 'table-contrast-families',
      'table-sizes', 'table-curve', 'table-diff', 'table-experiments', 'table-runs',
    ]);
    expect(r.csv['table-runs'].trim().split('\n')).toHaveLength(1 + 6);

    // pinned from report.ts as it was before buildReport was split into its sections (this test run
    // on that version): a change here is a change of the report's bytes. The comparison comes from
    // main/analysis and the words from common/format.ts, so a deliberate change there moves these too
    // (since then a report says when its runs were not measured, as these synthetic ones are not: the
    // rest is byte for byte what it was)
    expect(r.html).toContain('<h2>Mechanisms: not measured</h2>');
    expect(r.html).toMatch(/synthetic \(6 run\(s\): <code>quench resume [0-9a-f]+ --add-mechanisms<\/code>\)/);
    expect(sha256(withoutMechanisms(r.html))).toBe('83fc87985ec2a6df2037de8c263662b0b7d5ad7fe79779ed5c020e038e7bac58');
    expect(csvDigest(r.csv)).toBe('52c4542d1aa4f13f5d4b5457fb2574f5744d5e0bdd2c88c6f0220a73e34de7c0');
  });

  it('renders a comparison without contrasts, curve or claim the same, byte for byte', () => {
    // (the synthetic archive always pairs its two configurations: the contrast and the diff are dropped by hand)
    const { c: full, ctx } = fixture({ filter: {} });
    expect(full.curve).toBeNull();
    const c: Comparison = { ...full, contrasts: [], diff: [] };
    const r = buildReport(c, { ...ctx, title: '  ', experiments: ctx.experiments.map((e) => ({ ...e, claim: ' ' })) });
    expect(r.html).toContain('<title>Quench comparison</title>');
    expect(r.html).toContain('<p>None of the experiments compared states a claim.</p>');
    expect(r.html).toContain('<p>No contrast could be made:');
    expect(r.html).not.toContain('<section id="chart-paired">');
    expect(r.html).not.toContain('<section id="chart-curve">');
    expect(r.fileBase).toBe('quench-quench-comparison-2025-02-03');
    expect(Object.keys(r.csv)).toEqual(['chart-mean-capacity', 'chart-family-means', 'table-configurations', 'table-experiments', 'table-runs']);
    // pinned as above
    expect(sha256(withoutMechanisms(r.html))).toBe('d9a9373fd76dbd5e9a4f972f42aab5d21de47af6b466281b45608381bce8d789');
    expect(csvDigest(r.csv)).toBe('72554410535a28dd9baa9ea4eb3fa391f2f2e0cd04bf1fb38de38d9adb808193');
  });
});
