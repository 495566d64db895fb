// buildReport on fixed comparisons: the HTML and the CSV files pinned by digest (so that a refactor
// of report.ts shows as a changed byte at once), with a few readable checks of what the digest covers;
// then what makes it fit for a paper: figures as files with their CSVs, labels never cut, a true minus
// sign, tables split to the printed page, the resilience curve as one panel per kind of manipulation.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import type { Comparison } from '../../common/comparison.js';
import { compare } from '../analysis/compare.js';
import { makeSynthetic, tempDir } from '../../test/fixtures/archive-helpers.js';
import { makeResilience } from '../../test/fixtures/resilience-synthetic.js';
import { buildReport, type ReportContext, type ReportRun } from './report.js';
import { PRINT_BUDGET, columnWidth } from './report-table.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** the report less its "Mechanisms: not measured" section (added after the pins were taken) */
const withoutMechanisms = (html: string) => html.replace(/<section id="mechanisms">\n<div class="keep">\n<h2>Mechanisms: not measured<\/h2>\n<p>[^\n]*<\/p>\n<\/div>\n<\/section>\n/, '');
/** the CSV files in name order, as JSON [name, text] pairs */
const csvDigest = (csv: Record<string, string>) => sha256(JSON.stringify(Object.keys(csv).sort().map((k) => [k, csv[k]])));

/**
 * The synthetic archive (test/fixtures/archive-helpers.ts: 2 configurations x 3 seeds, scores chosen
 * by hand) compared as `req` asks, and a report context whose every time and version is fixed. The
 * runs and experiments are made from the archive the way main/service.ts makes them, less the
 * times the archive stamps.
 */
function fixture(req: Parameters<typeof compare>[1], make = makeSynthetic): { c: Comparison; ctx: ReportContext } {
  const { archive, id } = make(join(tempDir('quench-report-'), 'a.sqlite'));
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
    // per configuration, per family (capacities and contrasts), the contrasts, the curve
    expect((r.html.match(/<svg /g) ?? []).length).toBe(5);
    expect(r.figures.map((f) => f.name)).toEqual(['fig-mean-capacity', 'fig-family-means', 'fig-family-contrasts', 'fig-contrasts', 'fig-curve']);
    expect(r.fileBase).toBe('quench-synthetic-report-quotes-2025-02-03');
    expect(Object.keys(r.csv)).toEqual([
      'chart-mean-capacity', 'chart-family-means', 'chart-paired', 'chart-curve', 'table-configurations', 'table-contrasts', 'table-contrast-families',
      'table-sizes', 'table-curve', 'table-diff', 'table-experiments', 'table-runs',
    ]);
    expect(r.csv['table-runs'].trim().split('\n')).toHaveLength(1 + 6);

    // pinned: a change here is a change of the report's bytes. The comparison comes from main/analysis
    // and the words from common/format.ts, so a deliberate change there moves these too. History: first
    // pinned before buildReport was split into its sections; then a report said when its runs were not
    // measured (left out of the digest); then (issue 14, "reports fit for a paper") the pins moved on
    // purpose: print CSS (A4, headings kept with what follows, figures and rows not broken), numbered
    // figures with captions and their files, findings as one compact table instead of sentences,
    // small multiples per task family (and a second figure of Δ per family), contrast labels wrapped
    // instead of cut, tick labels through common/format.ts (a true minus sign, one axis's ticks with
    // the same decimals), a numeric curve drawn on a numeric axis, tables split to the page's width.
    // The CSV files did not change.
    expect(r.html).toContain('<h2>Mechanisms: not measured</h2>');
    expect(r.html).toMatch(/synthetic \(6 run\(s\): <code>quench resume [0-9a-f]+ --add-mechanisms<\/code>\)/);
    expect(sha256(withoutMechanisms(r.html))).toBe('4f42fb306b5ad2154e8b17b3d073e68dae3a8928cd43e059986bec25882c30a7');
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
    // pinned as above (and moved with it, issue 14)
    expect(sha256(withoutMechanisms(r.html))).toBe('131132674b19b1568740fc29693d5944bf7b1264bb6a0546d260dcee0db0ebea');
    expect(csvDigest(r.csv)).toBe('72554410535a28dd9baa9ea4eb3fa391f2f2e0cd04bf1fb38de38d9adb808193');
  });
});

describe('a report fit for a paper', () => {
  /** the text a reader sees: no tags, no style, no spec JSON (data, kept as JSON) */
  const visibleText = (html: string) =>
    html
      .replace(/<style>[\s\S]*?<\/style>/g, '')
      .replace(/<pre>[\s\S]*?<\/pre>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&amp;/g, '&');

  it('offers every figure as an SVG file with the CSV files of its numbers', () => {
    const { c, ctx } = fixture({ filter: {}, curve: 'cv' });
    const r = buildReport(c, ctx);
    expect(r.figures.length).toBeGreaterThan(0);
    r.figures.forEach((f, i) => {
      // shown in the report, numbered in order, with its data files named below it
      expect(r.html).toContain(`<figure class="figure" id="${f.name}">\n<figcaption><strong>Figure ${i + 1}.</strong>`);
      expect(r.html).toContain(`figure: <code>${f.name}.svg</code>`);
      expect(f.csv.length).toBeGreaterThan(0);
      for (const name of f.csv) expect(Object.keys(r.csv)).toContain(name);
      // a file of its own: an XML declaration, the SVG namespace, its style inside
      expect(f.svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(f.svg).toContain('<style>.chart text {');
      expect(f.svg.trimEnd().endsWith('</svg>')).toBe(true);
    });
  });

  it('states the findings as one compact table, each contrast with how it was matched', () => {
    const { c, ctx } = fixture({ filter: {} });
    const r = buildReport(c, ctx);
    const found = r.html.slice(r.html.indexOf('<section id="found">'), r.html.indexOf('</section>', r.html.indexOf('<section id="found">')));
    expect(found).toContain('<th>how matched (seeds)</th>');
    expect(found).toContain('<td>paired within one experiment (3)</td>');
    // not the sentence each contrast used to be
    expect(found).not.toContain('per task (descriptive): higher on');
  });

  it('writes a negative number with a true minus sign, and ticks of one axis with the same decimals', () => {
    // the baseline the other way round: every Δ is negative
    const { c, ctx } = fixture({ filter: {}, conditions: ['family=lognormal', 'family=none'] });
    expect(c.contrasts[0].delta.mean).toBeLessThan(0);
    const text = visibleText(buildReport(c, ctx).html);
    expect(text).toContain('\u2212');
    expect(text).not.toMatch(/(?<![\w-])-\d/);
    // the forest plot's x ticks: e.g. −0.15 −0.10 −0.05 0.00, never −0.1 beside −0.15
    const forest = buildReport(c, ctx).figures.find((f) => f.name === 'fig-contrasts')!.svg;
    const ticks = [...forest.matchAll(/class="tick" text-anchor="middle">([^<]+)</g)].map((m) => m[1]);
    expect(ticks.length).toBeGreaterThan(2);
    expect(new Set(ticks.map((t) => t.split('.')[1]?.length ?? 0)).size).toBe(1);
  });

  it('wraps a long paired label over lines instead of cutting it', () => {
    const { c, ctx } = fixture({ filter: {} });
    const p = c.contrasts[0];
    const other = 'lognormal c=1, gain x0.25, N=400, tau=20, L=4000, model rate';
    const baseline = 'homogeneous, gain x0.25, N=400, tau=20, L=4000, model rate';
    c.contrasts[0] = { ...p, otherLabel: other, baselineLabel: baseline, label: `${other} vs ${baseline}` };
    const r = buildReport(c, ctx);
    const forest = r.figures.find((f) => f.name === 'fig-contrasts')!.svg;
    const lines = [...forest.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    expect(lines.join(' ')).toContain(`${other} vs ${baseline}`);
    expect(r.html).not.toContain('…');
  });

  it('draws the resilience curve as one panel per kind of manipulation, with its CSV', () => {
    const { c, ctx } = fixture({ filter: {} }, makeResilience);
    const r = buildReport(c, ctx);
    const fig = r.figures.find((f) => f.name === 'fig-resilience')!;
    expect(fig.csv).toEqual(['chart-curve']);
    for (const title of ['gain of W', 'connectivity p', 'W = 0 (no recurrence)']) expect(fig.svg).toContain(`class="panel-title" text-anchor="middle">${title}</text>`);
    // a log axis for p: its ticks are the values swept (and the base's p)
    expect(fig.svg).toMatch(/class="tick" text-anchor="middle"><tspan [^>]*>0.05<\/tspan>/);
    const rows = r.csv['chart-curve'].trim().split('\n');
    expect(rows[0]).toBe('panel,manipulation,value_on_axis,base,series,seeds,mean,ci_lo,ci_hi');
    expect(rows.filter((l) => l.startsWith('gain,base,1,true,'))).toHaveLength(2);
    expect(rows.filter((l) => l.startsWith('connectivity,base,0.2,true,'))).toHaveLength(2);
    expect(rows.filter((l) => l.startsWith('no recurrence,W=0,,false,'))).toHaveLength(2);
  });

  it('splits a table too wide for the printed page into parts that fit, each with the first column', () => {
    const { c, ctx } = fixture({ filter: {} });
    // seven task families more than the synthetic suite has: the per-family columns no longer fit
    const extra = ['legendre', 'product', 'window', 'forecast', 'xor', 'static', 'other'];
    const wide: Comparison = { ...c, families: [...c.families, ...extra], groups: c.groups.map((g) => ({ ...g, perFamily: { ...g.perFamily, ...Object.fromEntries(extra.map((f) => [f, g.meanCapacity])) } })) };
    const r = buildReport(wide, ctx);
    const tables = r.html.slice(r.html.indexOf('<h3>Configurations</h3>'), r.html.indexOf('table-configurations.csv'));
    const parts = [...tables.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]);
    expect(parts.length).toBeGreaterThan(1);
    expect(tables).toContain(`<p class="part">Part 1 of ${parts.length}`);
    const all = new Set<string>();
    for (const t of parts) {
      const head = [...t.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
      expect(head[0]).toBe('configuration');
      head.forEach((h) => all.add(h));
      // the part's estimated width fits the page
      const rows = [...t.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => [...m[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((x) => x[1]));
      const width = head.reduce((sum, h, i) => sum + columnWidth(h, rows.map((row) => row[i] ?? ''), i > 0), 0);
      expect(width).toBeLessThanOrEqual(PRINT_BUDGET);
    }
    // no column lost: xor and static are there
    for (const f of ['mean capacity', '95 % CI', ...c.families, ...extra]) expect(all).toContain(f);
  });
});
