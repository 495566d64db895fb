// A comparison as a report a lab member can keep, and print for a paper: one self-contained HTML
// document (no scripts, no external resources: the charts are inline SVG made here) with the claim
// tested and what was found (a compact table, headline contrasts first), whichever way it came out;
// the figures (mean capacity per configuration with 95 % intervals, small multiples per task family,
// the contrasts, the resilience curve as one panel per kind of manipulation); the mechanisms behind
// the capacities (main/service/report-mechanisms.ts); the tables; the specs, seeds, runs and app
// version — and one CSV per chart and per table holding the exact numbers drawn or printed. Every
// figure is also a standalone SVG (Report.figures). Printed (A4), headings stay with what follows
// them, figures are not broken across pages, and tables too wide for the page are split.
// Every number goes through common/format.ts, as in the app and the CLI.
import type { Report } from '../../common/api.js';
import type { Comparison, CompareRequest, Contrast, GroupSummary, Interval95 } from '../../common/comparison.js';
import { CONTRAST_HEAD, contrastCells, describeSizeAnswer, interval, manipulationPanelTitle as panelTitle, matchText, num as fmt, pText, signedNum as signed, verdictText, whyNotHeadline } from '../../common/format.js';
import { comparisonCsv, errataLines } from '../analysis/tables.js';
import { renderCsv } from '../archive-format.js';
import { familyMultiples, intervalChart, resilienceChart, type FamilyRow, type IntervalRow } from './report-charts.js';
import { Figures } from './figures.js';
import { mechanismCsv, mechanismSections } from './report-mechanisms.js';
import { htmlTable, type Cell } from './report-table.js';
import { CHART_CSS, colour, esc, finite, lineChart, wrapText } from './svg.js';

export interface ReportExperiment {
  id: string;
  name: string;
  claim: string;
  analysis: string;
  rootSeed: number;
  createdAt: string;
  appVersion: string;
  /** the validated spec as stored */
  spec: unknown;
}

export interface ReportRun {
  uid: string;
  experimentId: string;
  /** label of the configuration (group) it belongs to */
  configuration: string;
  seedIndex: number;
  rootSeed: number;
  networkSeed: number;
  inputSeed: number;
  backend: string | null;
  appVersion: string | null;
  meanCapacity: number | null;
  finishedAt: string | null;
}

export interface ReportContext {
  title: string;
  appVersion: string;
  generatedAt: string;
  request: CompareRequest;
  experiments: ReportExperiment[];
  runs: ReportRun[];
}

// ---------------------------------------------------------------------------------------------
// text

const hasInterval = (i: Interval95) => i.n > 1 && finite(i.lo) && finite(i.hi);
const ciText = (i: Interval95) => (hasInterval(i) ? interval(i.lo, i.hi) : '(1 seed: no interval)');

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'comparison'
  );
}

const csvNote = (...names: string[]) => `<p class="data">Data: ${names.map((n) => `<code>${esc(n)}.csv</code>`).join(', ')}</p>`;

/** A heading kept with the block that follows it (a figure, a paragraph): print never leaves it alone at the foot of a page. */
const keep = (...blocks: string[]) => `<div class="keep">\n${blocks.join('\n')}\n</div>`;
/**
 * Headings (and a paragraph) and the table they introduce, not wrapped: a table may be longer than a
 * page, so it cannot be kept whole; the headings' break-after: avoid keeps them with its first rows.
 */
const beforeTable = (...blocks: string[]) => blocks.join('\n');

// Screen, then print. Printed on A4: headings never end a page (break-after: avoid, and each kept in
// one block with what it introduces), figures and table rows are not broken across pages, tables are
// split to the page's width by htmlTable (so nothing scrolls or is cut), long words wrap.
const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin-top: 1.4rem; }
.meta, .data { color: #555; font-size: .9em; } .data code { font-size: .95em; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9em; } th, td { border-bottom: 1px solid #e4e4e4; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f7; } th.num { text-align: right; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.part { color: #555; font-size: .85em; margin: .6rem 0 0; }
pre { background: #f5f5f7; padding: .8rem; overflow-x: auto; font-size: .85em; }
figure { margin: 1rem 0 1.4rem; } figcaption { font-size: .92em; margin-bottom: .3rem; }
.chart { max-width: 100%; height: auto; display: block; margin: .6rem 0; }
${CHART_CSS}
.warning { background: #fff4e5; border-left: 4px solid #d55e00; padding: .4rem .6rem; }
li { margin: .35rem 0; } .scroll { overflow-x: auto; }
.spectra { display: flex; flex-wrap: wrap; gap: 0 1rem; } .spectra figure { flex: 0 1 440px; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h1, h2, h3, h4, .part { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  .keep, figure, .chart, tr, li, .warning { break-inside: avoid; page-break-inside: avoid; }
  h2 { margin-top: 1.2rem; }
  .scroll { overflow: visible; }
  table { font-size: 8pt; } th, td { padding: .15rem .35rem; } td:not(.num) { overflow-wrap: anywhere; }
  thead { display: table-header-group; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; overflow: visible; }
  details > summary { list-style: none; }
  .spectra figure { flex: 0 1 48%; }
}
`;

// ---------------------------------------------------------------------------------------------
// the report

/** The rows of the chart of mean capacity per configuration (and of its CSV file). */
function groupIntervalRows(c: Comparison): IntervalRow[] {
  return c.groups.map((g) => ({
    label: g.label,
    mean: g.meanCapacity.mean,
    lo: hasInterval(g.meanCapacity) ? g.meanCapacity.lo : null,
    hi: hasInterval(g.meanCapacity) ? g.meanCapacity.hi : null,
  }));
}

/** The rows of the chart of the contrasts' Δ (and of its CSV file). */
function contrastIntervalRows(c: Comparison): IntervalRow[] {
  return c.contrasts.map((p) => ({
    label: p.label,
    // "A vs B" on two lines (or more), whole: a paired label is never cut
    lines: [...wrapText(p.otherLabel, 44), ...wrapText(`vs ${p.baselineLabel}`, 44)],
    mean: p.delta.mean,
    lo: finite(p.delta.lo) ? p.delta.lo : null,
    hi: finite(p.delta.hi) ? p.delta.hi : null,
  }));
}

/**
 * One CSV file per chart and per table, by name (the names csvNote cites): the exact numbers drawn or
 * printed. The files are listed in the order of the report.
 */
function reportCsv(c: Comparison, ctx: ReportContext): Record<string, string> {
  const csv: Record<string, string> = {};
  const intervalCsv = (head: string, rows: IntervalRow[], seeds: number[]) =>
    renderCsv([head, 'seeds', 'mean', 'ci_lo', 'ci_hi'], rows.map((r, i) => [r.label, seeds[i], r.mean, r.lo, r.hi]));

  csv['chart-mean-capacity'] = intervalCsv(
    'configuration',
    groupIntervalRows(c),
    c.groups.map((g) => g.runs),
  );
  csv['chart-family-means'] = renderCsv(
    ['configuration', 'family', 'seeds', 'mean', 'ci_lo', 'ci_hi'],
    c.groups.flatMap((g) =>
      c.families.filter((f) => g.perFamily[f]).map((f) => {
        const v = g.perFamily[f];
        return [g.label, f, v.n, v.mean, hasInterval(v) ? v.lo : null, hasInterval(v) ? v.hi : null];
      }),
    ),
  );
  if (c.contrasts.length) csv['chart-paired'] = intervalCsv('comparison', contrastIntervalRows(c), c.contrasts.map((p) => p.seeds));
  if (c.curve && c.curve.panels.length) {
    // the resilience panels: each point where it is drawn (the base on every panel that has it)
    const curve = c.curve;
    csv['chart-curve'] = renderCsv(
      ['panel', 'manipulation', 'value_on_axis', 'base', 'series', 'seeds', 'mean', 'ci_lo', 'ci_hi'],
      curve.panels.flatMap((panel) =>
        panel.points.flatMap((pt) =>
          curve.series.flatMap((s) => {
            const v = s.points[curve.xs.indexOf(pt.x)];
            return v ? [[panel.type, pt.x, pt.value, pt.base, s.label, v.runs, v.meanCapacity.mean, hasInterval(v.meanCapacity) ? v.meanCapacity.lo : null, hasInterval(v.meanCapacity) ? v.meanCapacity.hi : null]] : [];
          }),
        ),
      ),
    );
  } else if (c.curve) {
    csv['chart-curve'] = renderCsv(
      [c.curve.x, 'series', 'seeds', 'mean', 'ci_lo', 'ci_hi'],
      c.curve.series.flatMap((s) =>
        s.points.filter((p) => p !== null).map((p) => [p!.x, s.label, p!.runs, p!.meanCapacity.mean, hasInterval(p!.meanCapacity) ? p!.meanCapacity.lo : null, hasInterval(p!.meanCapacity) ? p!.meanCapacity.hi : null]),
      ),
    );
  }
  Object.assign(csv, mechanismCsv(c));
  csv['table-configurations'] = comparisonCsv(c, 'configurations');
  if (c.contrasts.length) {
    csv['table-contrasts'] = comparisonCsv(c, 'contrasts');
    csv['table-contrast-families'] = comparisonCsv(c, 'families');
  }
  if (c.sizeAnswers.length) csv['table-sizes'] = comparisonCsv(c, 'sizes');
  if (c.curve) csv['table-curve'] = comparisonCsv(c, 'curve');
  if (c.diff.length) csv['table-diff'] = comparisonCsv(c, 'diff');
  csv['table-experiments'] = renderCsv(
    ['experiment', 'name', 'root_seed', 'analysis', 'claim', 'created_at', 'app_version'],
    ctx.experiments.map((e) => [e.id, e.name, e.rootSeed, e.analysis, e.claim, e.createdAt, e.appVersion]),
  );
  csv['table-runs'] = renderCsv(
    ['run', 'experiment', 'configuration', 'seed_index', 'root_seed', 'network_seed', 'input_seed', 'backend', 'app_version', 'mean_capacity', 'finished_at'],
    ctx.runs.map((r) => [r.uid, r.experimentId, r.configuration, r.seedIndex, r.rootSeed, r.networkSeed, r.inputSeed, r.backend, r.appVersion, r.meanCapacity, r.finishedAt]),
  );
  return csv;
}

/** From the doctype to the opening body tag: the title, the style, and a policy that loads nothing. */
function documentHead(title: string, ctx: ReportContext): string[] {
  const h: string[] = [];
  h.push('<!doctype html>', '<html lang="en">', '<head>', '<meta charset="utf-8">');
  // the report loads nothing: no scripts, no fonts, no images but its own inline SVG
  h.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  h.push('<meta name="viewport" content="width=device-width, initial-scale=1">', `<meta name="generator" content="Quench ${esc(ctx.appVersion)}">`);
  h.push(`<title>${esc(title)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>');
  return h;
}

/** The title, what made the report and the runs, and the conditions compared. */
function headerSection(title: string, c: Comparison, ctx: ReportContext): string[] {
  const h: string[] = [];
  const versions = [...new Set(ctx.runs.map((r) => r.appVersion).filter((v): v is string => !!v))].sort();
  const backends = [...new Set(ctx.runs.map((r) => r.backend).filter((v): v is string => !!v))].sort();
  h.push('<header>', `<h1>${esc(title)}</h1>`);
  h.push(
    `<p class="meta">Report made by Quench ${esc(ctx.appVersion)} on ${esc(ctx.generatedAt)} from ${ctx.runs.length} finished run(s) of ${ctx.experiments.length} experiment(s); ` +
      `runs made by Quench ${esc(versions.join(', ') || 'n/a')} on backend(s) ${esc(backends.join(', ') || 'n/a')}. ` +
      `Conditions: ${c.conditions.map((x, i) => `<code>${esc(x)}</code>${i === 0 ? ' (baseline)' : ''}`).join(' against ')}.</p>`,
  );
  h.push('</header>');
  return h;
}

/** The claims the experiments state, or that none does. */
function claimSection(ctx: ReportContext): string[] {
  const h: string[] = [];
  h.push('<section id="claim">');
  const claims = ctx.experiments.filter((e) => e.claim.trim() !== '');
  if (claims.length === 0) h.push(keep('<h2>Claim tested</h2>', '<p>None of the experiments compared states a claim.</p>'));
  else h.push(keep('<h2>Claim tested</h2>', '<ul>', ...claims.map((e) => `<li><strong>${esc(e.name)}</strong> (${esc(e.id)}): ${esc(e.claim)}</li>`), '</ul>'));
  h.push('</section>');
  return h;
}

/**
 * The compact table of findings, one row a contrast: how it was matched, Δ with its interval and
 * test, the verdict. The rest of each contrast (sign-flip p, bootstrap, per-task counts) is in the
 * full contrast table under Tables.
 */
const FINDINGS_HEAD = ['comparison', 'how matched (seeds)', 'Δ mean capacity', '95 % CI', 'test p', 'verdict'];
const FINDINGS_NUMERIC = new Set([2, 3, 4]);

function findingRow(p: Contrast): Cell[] {
  return [
    [...wrapText(p.otherLabel, 40), `vs ${p.baselineLabel}`],
    `${matchText(p)} (${p.design === 'paired' ? p.seeds : `${p.seedsOther} vs ${p.seedsBaseline}`})`,
    signed(p.delta.mean),
    interval(p.delta.lo, p.delta.hi, true),
    `${p.test.name} ${pText(p.test)}`,
    `${verdictText(p)}${p.headline || p.verdict === 'no interval' ? '' : ` (not a headline: ${whyNotHeadline(p)})`}`,
  ];
}

/** What was found, whichever way it came out: errata first, then the contrasts as one compact table (headlines first), the size answers. */
function findingsSection(c: Comparison): string[] {
  const h: string[] = [];
  h.push('<section id="found">');
  const warnings = errataLines(c).map((w) => `<p class="warning">${esc(w)}</p>`);
  if (c.contrasts.length === 0) {
    h.push(
      keep(
        '<h2>What was found</h2>',
        ...warnings,
        `<p>No contrast could be made: no configuration of the later conditions has a partner in the baseline condition (<code>${esc(c.conditions[0])}</code>) that differs from it only in the fields the conditions name. The configurations are summarised below.</p>`,
      ),
    );
  } else {
    const head = c.contrasts.filter((p) => p.headline);
    const rest = c.contrasts.filter((p) => !p.headline);
    const findings = (rows: Contrast[]) => htmlTable(FINDINGS_HEAD, rows.map(findingRow), { numeric: (i) => FINDINGS_NUMERIC.has(i) });
    // headings before a table are not wrapped with it (a table may be longer than a page): their
    // break-after: avoid keeps them with the table's first rows
    h.push('<h2>What was found</h2>', ...warnings);
    if (head.length) h.push('<h3>Headline contrasts (paired within one experiment, with an interval)</h3>', findings(head));
    if (rest.length) h.push('<h3>Other contrasts (unpaired, across experiments, or without an interval: descriptive)</h3>', findings(rest));
    const leftOut = c.contrasts.filter((p) => p.leftOut.length);
    if (leftOut.length) h.push('<p class="meta">Left out of the contrasts:</p>', '<ul class="meta">', ...leftOut.map((p) => `<li>${esc(p.label)}: ${esc(p.leftOut.join('; '))}</li>`), '</ul>');
  }
  if (c.sizeAnswers.length) h.push(keep('<h3>Size answers</h3>', '<ul>', ...c.sizeAnswers.map((a) => `<li>${esc(describeSizeAnswer(a, true))}</li>`), '</ul>'));
  if (c.unpaired.length) h.push(`<p>Without a baseline partner: ${esc(c.unpaired.join('; '))}.</p>`);
  h.push(
    '<p class="meta">Δ is the later condition minus the baseline. The seed (network) is the unit of inference: runs are paired when they share network and input seeds, and Δ is tested with a paired t-test over the per-seed differences (95 % t-interval), with an exact sign-flip p (whose floor, 2 / 2<sup>n</sup>, is given) and a hierarchical bootstrap interval (seeds, then tasks) beside it (both in the contrast table under Tables); sides that share no seed are compared with Welch\'s t. Per task, capacities are averaged over the seeds; tasks higher, lower and tied are strict counts, and the Wilcoxon signed-rank p over tasks is descriptive only (the tasks of one network are not independent). Only contrasts paired within one experiment and backed by an interval headline a finding.</p>',
  );
  h.push('</section>');
  return h;
}

/** A group's per-family intervals (no interval with one seed). */
const familyValue = (v: Interval95 | undefined) => (v ? { mean: v.mean, lo: hasInterval(v) ? v.lo : null, hi: hasInterval(v) ? v.hi : null } : undefined);

/** One section per chart: per configuration, per task family (configurations and contrasts), the contrasts and the curve (when there are). */
function chartSections(c: Comparison, figures: Figures): string[] {
  const h: string[] = [];
  h.push('<section id="chart-capacity">');
  h.push(
    keep(
      '<h2>Mean capacity per configuration</h2>',
      '<p>Mean capacity over the suite, averaged across seeds, with its 95 % interval across seeds.</p>',
      figures.add(
        'fig-mean-capacity',
        'Mean capacity per configuration (95 % interval across seeds)',
        intervalChart(groupIntervalRows(c), { title: 'Mean capacity per configuration (95 % interval across seeds)', xLabel: 'mean capacity', forest: false }),
        ['chart-mean-capacity'],
      ),
    ),
    '</section>',
  );

  h.push('<section id="chart-families">');
  const famIntro = '<p>One panel per task family, each on its own scale; every configuration a row, its mean a dot and its 95 % interval across seeds a line.</p>';
  const famRows: FamilyRow[] = c.groups.map((g) => ({ label: g.label, values: c.families.map((f) => familyValue(g.perFamily[f])) }));
  const famSvgs = familyMultiples(c.families, famRows, { title: 'Mean capacity per task family and configuration (95 % interval across seeds)', xLabel: 'mean capacity (each panel its own scale)', delta: false });
  const famFigs = famSvgs.map((svg, i) =>
    figures.add(famSvgs.length > 1 ? `fig-family-means-${i + 1}` : 'fig-family-means', `Mean capacity per task family${famSvgs.length > 1 ? ` (part ${i + 1} of ${famSvgs.length})` : ''}, every configuration with its 95 % interval across seeds`, svg, ['chart-family-means']),
  );
  h.push(keep('<h2>Mean capacity per task family</h2>', famIntro, famFigs[0]), ...famFigs.slice(1));
  if (c.contrasts.length) {
    const dRows: FamilyRow[] = c.contrasts.map((p) => ({
      label: p.label,
      lines: [...wrapText(p.otherLabel, 30), ...wrapText(`vs ${p.baselineLabel}`, 30)],
      values: c.families.map((f) => {
        const d = p.perFamily[f];
        return d ? { mean: d.meanDiff, lo: finite(d.lo) ? d.lo : null, hi: finite(d.hi) ? d.hi : null } : undefined;
      }),
    }));
    const dSvgs = familyMultiples(c.families, dRows, { title: 'Δ mean capacity per task family and contrast (95 % interval across seeds)', xLabel: 'Δ mean capacity, later − baseline (each panel its own scale)', delta: true });
    const dFigs = dSvgs.map((svg, i) =>
      figures.add(dSvgs.length > 1 ? `fig-family-contrasts-${i + 1}` : 'fig-family-contrasts', `Δ mean capacity per task family${dSvgs.length > 1 ? ` (part ${i + 1} of ${dSvgs.length})` : ''}, every contrast with its 95 % interval across seeds (blue: higher, orange: lower)`, svg, ['table-contrast-families']),
    );
    h.push(keep('<h3>Δ per task family</h3>', dFigs[0]), ...dFigs.slice(1));
  }
  h.push('</section>');

  if (c.contrasts.length) {
    h.push('<section id="chart-paired">');
    h.push(
      keep(
        '<h2>Contrasts</h2>',
        '<p>Δ mean capacity (later condition − baseline) per contrast, with its 95 % interval across seeds (paired t, or Welch where the sides share no seed); the vertical line is no difference.</p>',
        figures.add(
          'fig-contrasts',
          'Difference in mean capacity per contrast (95 % interval across seeds)',
          intervalChart(contrastIntervalRows(c), { title: 'Difference in mean capacity (95 % interval across seeds)', xLabel: 'Δ mean capacity', forest: true }),
          ['chart-paired'],
        ),
      ),
      '</section>',
    );
  }
  const curve = c.curve;
  if (curve && curve.panels.length) {
    h.push('<section id="chart-curve">');
    h.push(
      keep(
        '<h2>Mean capacity against the manipulation</h2>',
        `<p>One panel per kind of manipulation, each on its own axis (${curve.panels.map((p) => esc(panelTitle(p))).join('; ')}); every panel on the same capacity scale, 95 % intervals across seeds, the unmanipulated base network marked.</p>`,
        figures.add('fig-resilience', 'Mean capacity against each kind of manipulation (95 % interval across seeds)', resilienceChart(curve, 'Mean capacity against each kind of manipulation'), ['chart-curve']),
      ),
      '</section>',
    );
  } else if (curve) {
    const numeric = curve.xs.every((x) => typeof x === 'number');
    const log = numeric && (curve.x === 'n' || curve.x === 'trainLength') && curve.xs.every((x) => (x as number) > 0);
    const title = `Mean capacity against ${curve.x}`;
    const svg = numeric
      ? lineChart({
          title: `${title} (95 % interval across seeds)`,
          xLabel: log ? `${curve.x} (log scale)` : curve.x,
          yLabel: 'mean capacity',
          xLog: log,
          series: curve.series.map((s, i) => ({
            kind: 'points' as const,
            label: s.label,
            colour: colour(i),
            line: true,
            points: s.points.flatMap((p, k) => (p ? [{ x: curve.xs[k] as number, y: p.meanCapacity.mean, lo: hasInterval(p.meanCapacity) ? p.meanCapacity.lo : null, hi: hasInterval(p.meanCapacity) ? p.meanCapacity.hi : null }] : [])),
          })),
        })
      : null;
    h.push('<section id="chart-curve">');
    if (svg) h.push(keep(`<h2>${esc(title)}</h2>`, figures.add('fig-curve', `${title} (95 % interval across seeds)`, svg, ['chart-curve'])));
    else h.push(keep(`<h2>${esc(title)}</h2>`, '<p>Its values are not numbers: the curve is in the table "Curve" under Tables.</p>'));
    h.push('</section>');
  }
  return h;
}

/** The tables: configurations, contrasts overall and per family, the curve, and what differs; each split to the page's width when too wide. */
function tablesSection(c: Comparison): string[] {
  const h: string[] = [];
  h.push('<section id="tables">');
  h.push(
    beforeTable(
      '<h2>Tables</h2>',
      '<h3>Configurations</h3>',
      htmlTable(
        ['configuration', 'seeds', 'mean capacity', '95 % CI', ...c.families],
        c.groups.map((g: GroupSummary) => [g.label, String(g.runs), fmt(g.meanCapacity.mean), ciText(g.meanCapacity), ...c.families.map((f) => fmt(g.perFamily[f]?.mean))]),
        { numeric: (i) => i >= 1 },
      ),
    ),
  );
  h.push(csvNote('table-configurations'));
  if (c.contrasts.length) {
    h.push(beforeTable('<h3>Contrasts</h3>', htmlTable([...CONTRAST_HEAD], c.contrasts.map(contrastCells), { numeric: (i) => (i >= 2 && i <= 6) || i === 8 })));
    h.push(csvNote('table-contrasts'));
    h.push(
      beforeTable(
        '<h3>Δ mean capacity per task family, with its 95 % interval across seeds (tasks higher / lower / tied)</h3>',
        htmlTable(
          ['comparison', ...c.families],
          c.contrasts.map((p) => [p.label, ...c.families.map((f): Cell => (p.perFamily[f] ? [`${signed(p.perFamily[f].meanDiff)} (${p.perFamily[f].wins}/${p.perFamily[f].losses}/${p.perFamily[f].ties})`, interval(p.perFamily[f].lo, p.perFamily[f].hi, true)] : ''))]),
          { numeric: (i) => i >= 1 },
        ),
      ),
    );
    h.push(csvNote('table-contrast-families'));
  }
  if (c.curve) {
    const curve = c.curve;
    h.push(
      beforeTable(
        `<h3>Curve: mean capacity against ${esc(curve.x)}</h3>`,
        htmlTable(
          [curve.x, ...curve.series.map((s) => s.label)],
          curve.xs.map((x, i) => [String(x), ...curve.series.map((s) => (s.points[i] ? `${fmt(s.points[i]!.meanCapacity.mean)}${hasInterval(s.points[i]!.meanCapacity) ? ` ± ${fmt(s.points[i]!.meanCapacity.halfWidth)}` : ''}` : ''))]),
          { numeric: (i) => i >= 1 },
        ),
      ),
    );
    h.push(csvNote('table-curve'));
  }
  if (c.diff.length) {
    const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
    h.push(
      beforeTable(
        '<h3>What differs between the configurations</h3>',
        htmlTable(
          ['spec field', ...c.groups.map((g) => g.label)],
          c.diff.map((d) => [d.path, ...c.groups.map((g) => show(d.values[g.key]))]),
        ),
      ),
    );
    h.push(csvNote('table-diff'));
  }
  h.push('</section>');
  return h;
}

/** The experiments compared, each with its stored spec. */
function specsSection(ctx: ReportContext): string[] {
  const h: string[] = [];
  h.push('<section id="specs">');
  h.push(
    beforeTable(
      '<h2>Experiments and their specs</h2>',
      htmlTable(
        ['experiment', 'name', 'root seed', 'analysis', 'made', 'by Quench'],
        ctx.experiments.map((e) => [e.id, e.name, String(e.rootSeed), e.analysis, e.createdAt, e.appVersion]),
      ),
    ),
  );
  h.push(csvNote('table-experiments'));
  for (const e of ctx.experiments) {
    h.push(`<details><summary>Spec of ${esc(e.name)} (${esc(e.id)})</summary><pre>${esc(JSON.stringify(e.spec, null, 2))}</pre></details>`);
  }
  h.push('</section>');
  return h;
}

/** How the seeds derive, the seeds of each configuration, and every run. */
function seedsSection(c: Comparison, ctx: ReportContext): string[] {
  const h: string[] = [];
  h.push('<section id="seeds">');
  const seedsBy = new Map<string, Set<number>>();
  for (const r of ctx.runs) {
    const s = seedsBy.get(r.configuration) ?? new Set<number>();
    s.add(r.seedIndex);
    seedsBy.set(r.configuration, s);
  }
  h.push(
    beforeTable(
      '<h2>Seeds and runs</h2>',
      '<p>Every random quantity of a run derives from its experiment\'s root seed and the seed index (network seed = seed(root, "network/&lt;index&gt;"), input seed = seed(root, "input/&lt;index&gt;")); runs are paired only when they share their network and input seeds (runs of one experiment that differ only in heterogeneity do).</p>',
      htmlTable(
        ['configuration', 'seed indices', 'root seeds'],
        c.groups.map((g) => [
          g.label,
          [...(seedsBy.get(g.label) ?? [])].sort((a, b) => a - b).join(', '),
          [...new Set(ctx.runs.filter((r) => r.configuration === g.label).map((r) => r.rootSeed))].join(', '),
        ]),
      ),
    ),
  );
  h.push(`<details><summary>All ${ctx.runs.length} runs</summary>`);
  h.push(
    htmlTable(
      ['run', 'experiment', 'configuration', 'seed', 'network seed', 'input seed', 'backend', 'Quench', 'mean capacity'],
      ctx.runs.map((r) => [r.uid.slice(0, 12), r.experimentId, r.configuration, String(r.seedIndex), String(r.networkSeed), String(r.inputSeed), r.backend ?? '', r.appVersion ?? '', fmt(r.meanCapacity)]),
      { numeric: (i) => i >= 3 && i !== 6 && i !== 7 },
    ),
  );
  h.push('</details>', csvNote('table-runs'), '</section>');
  return h;
}

/** The report: its sections in order as one HTML document, the CSV files and the figures beside it, and a file name. */
export function buildReport(c: Comparison, ctx: ReportContext): Report {
  const title = ctx.title.trim() || 'Quench comparison';
  const figures = new Figures();
  const h: string[] = [
    ...documentHead(title, ctx),
    ...headerSection(title, c, ctx),
    ...claimSection(ctx),
    ...findingsSection(c),
    ...chartSections(c, figures),
    ...mechanismSections(c, figures),
    ...tablesSection(c),
    ...specsSection(ctx),
    ...seedsSection(c, ctx),
    `<footer><p class="meta">Quench ${esc(ctx.appVersion)}. Every chart and table above is also a CSV file of the exact numbers shown, and every figure an SVG file, saved with this report.</p></footer>`,
    '</body>',
    '</html>',
  ];
  const day = ctx.generatedAt.slice(0, 10);
  return { html: h.join('\n'), csv: reportCsv(c, ctx), figures: figures.list, fileBase: `quench-${slug(title)}-${day}` };
}
