// A comparison as a report a lab member can keep: one self-contained HTML document (no scripts, no
// external resources: the charts are inline SVG made here) with the claim tested and what was found
// in words, whichever way it came out; the charts (mean capacity per configuration with 95 %
// intervals, mean capacity per task family, the paired comparison, the curve when there is one); the
// mechanisms behind the capacities (main/service/report-mechanisms.ts); the tables; the specs, seeds, runs and app version — and one CSV per chart and per table holding the
// exact numbers drawn or printed.
import type { Report } from '../../common/api.js';
import type { Comparison, CompareRequest, GroupSummary, Interval95 } from '../../common/comparison.js';
import { CONTRAST_HEAD, contrastCells, describeContrast, describeSizeAnswer, interval, num as fmt, signedNum as signed } from '../../common/format.js';
import { comparisonCsv, errataLines } from '../analysis/tables.js';
import { renderCsv } from '../archive-format.js';
import { mechanismCsv, mechanismSections } from './report-mechanisms.js';
import { colour, esc, finite, legend, niceTicks, num, svgOpen, tickLabel, truncate, yGrid } from './svg.js';

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

// ---------------------------------------------------------------------------------------------
// charts: inline SVG

interface IntervalRow {
  label: string;
  mean: number;
  lo: number | null;
  hi: number | null;
}

/**
 * Horizontal: one row per item, a bar from 0 to the mean (or, for `forest`, a dot) and the 95 %
 * interval as a whisker; the value written at the right.
 */
function intervalChart(rows: IntervalRow[], opts: { title: string; xLabel: string; forest: boolean }): string {
  const labelChars = Math.min(48, Math.max(8, ...rows.map((r) => r.label.length)));
  const labelW = Math.round(labelChars * 6.4) + 12;
  const valueW = 64;
  const width = 760;
  const plotW = width - labelW - valueW - 16;
  const rowH = 24;
  const top = 12;
  const height = top + rows.length * rowH + 44;
  const vals = rows.flatMap((r) => [r.mean, r.lo, r.hi]).filter(finite);
  let lo = Math.min(0, ...vals);
  let hi = Math.max(0, ...vals);
  if (!opts.forest) hi = Math.max(hi, lo + 1e-9);
  const pad = (hi - lo) * 0.05 || 0.05;
  if (opts.forest || lo < 0) lo -= pad;
  hi += pad;
  const x = (v: number) => labelW + ((v - lo) / (hi - lo)) * plotW;
  const parts: string[] = [];
  parts.push(...svgOpen(opts.title, width, height));
  const axisY = top + rows.length * rowH + 4;
  for (const t of niceTicks(lo, hi)) {
    parts.push(`<line x1="${num(x(t))}" y1="${top}" x2="${num(x(t))}" y2="${axisY}" class="grid"/>`);
    parts.push(`<text x="${num(x(t))}" y="${axisY + 14}" class="tick" text-anchor="middle">${esc(tickLabel(t))}</text>`);
  }
  parts.push(`<line x1="${num(x(0))}" y1="${top - 4}" x2="${num(x(0))}" y2="${axisY}" class="zero"/>`);
  rows.forEach((r, i) => {
    const cy = top + i * rowH + rowH / 2;
    const c = opts.forest ? '#333333' : colour(i);
    parts.push(`<g><title>${esc(`${r.label}: ${fmt(r.mean)}${finite(r.lo) && finite(r.hi) ? ` [${fmt(r.lo)}, ${fmt(r.hi)}]` : ''}`)}</title>`);
    parts.push(`<text x="${labelW - 8}" y="${num(cy + 4)}" class="label" text-anchor="end">${esc(truncate(r.label, labelChars))}</text>`);
    if (finite(r.mean)) {
      if (opts.forest) parts.push(`<circle cx="${num(x(r.mean))}" cy="${num(cy)}" r="4.5" fill="${c}"/>`);
      else parts.push(`<rect x="${num(Math.min(x(0), x(r.mean)))}" y="${num(cy - 7)}" width="${num(Math.abs(x(r.mean) - x(0)))}" height="14" fill="${c}" opacity="0.85"/>`);
      if (finite(r.lo) && finite(r.hi)) {
        parts.push(`<line x1="${num(x(r.lo))}" y1="${num(cy)}" x2="${num(x(r.hi))}" y2="${num(cy)}" class="whisker"/>`);
        for (const v of [r.lo, r.hi]) parts.push(`<line x1="${num(x(v))}" y1="${num(cy - 5)}" x2="${num(x(v))}" y2="${num(cy + 5)}" class="whisker"/>`);
      }
      parts.push(`<text x="${width - 8}" y="${num(cy + 4)}" class="value" text-anchor="end">${esc(opts.forest ? signed(r.mean) : fmt(r.mean))}</text>`);
    }
    parts.push('</g>');
  });
  parts.push(`<text x="${num(labelW + plotW / 2)}" y="${height - 6}" class="axis" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Vertical bars grouped by task family, one colour per configuration, with 95 % whiskers. */
function familyChart(families: string[], series: { label: string; values: (Interval95 | undefined)[] }[], title: string): string {
  const left = 48;
  // the groups share the width; a bar is 4 to 28 px wide, and the chart grows past 760 px only when it must
  const barW = Math.max(4, Math.min(28, Math.floor((760 - left - 16) / Math.max(1, families.length) - 18) / Math.max(1, series.length)));
  const groupW = series.length * barW + 18;
  const width = Math.max(760, left + families.length * groupW + 16);
  const gap = (width - left - 16 - families.length * groupW) / Math.max(1, families.length);
  const plotH = 220;
  const top = 12;
  const vals = series.flatMap((s) => s.values.flatMap((v) => (v ? [v.mean, ...(hasInterval(v) ? [v.lo, v.hi] : [])] : []))).filter(finite);
  const lo = Math.min(0, ...vals);
  const hi = Math.max(lo + 1e-9, ...vals) * 1.05;
  const y = (v: number) => top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const leg = legend(
    series.map((s) => s.label),
    width,
    top + plotH + 48,
  );
  const height = top + plotH + 48 + leg.height + 8;
  const parts: string[] = [];
  parts.push(...svgOpen(title, width, height));
  parts.push(...yGrid(lo, hi, y, left, width));
  parts.push(`<line x1="${left}" y1="${num(y(0))}" x2="${width - 8}" y2="${num(y(0))}" class="zero"/>`);
  families.forEach((f, fi) => {
    const gx = left + 10 + gap / 2 + fi * (groupW + gap);
    series.forEach((s, si) => {
      const v = s.values[fi];
      if (!v || !finite(v.mean)) return;
      const bx = gx + si * barW;
      parts.push(`<g><title>${esc(`${s.label}, ${f}: ${fmt(v.mean)}${hasInterval(v) ? ` [${fmt(v.lo)}, ${fmt(v.hi)}]` : ''}`)}</title>`);
      parts.push(`<rect x="${num(bx)}" y="${num(Math.min(y(v.mean), y(0)))}" width="${num(barW - 1)}" height="${num(Math.abs(y(0) - y(v.mean)))}" fill="${colour(si)}" opacity="0.85"/>`);
      if (hasInterval(v)) {
        const cx = bx + (barW - 1) / 2;
        parts.push(`<line x1="${num(cx)}" y1="${num(y(v.lo))}" x2="${num(cx)}" y2="${num(y(v.hi))}" class="whisker"/>`);
      }
      parts.push('</g>');
    });
    parts.push(`<text x="${num(gx + (series.length * barW) / 2)}" y="${top + plotH + 16}" class="tick" text-anchor="middle">${esc(f)}</text>`);
  });
  parts.push(`<text x="14" y="${num(top + plotH / 2)}" class="axis" text-anchor="middle" transform="rotate(-90 14 ${num(top + plotH / 2)})">mean capacity</text>`);
  parts.push(leg.svg);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Mean capacity against the curve's factor, one line per series, 95 % whiskers. */
function curveChart(c: NonNullable<Comparison['curve']>, title: string): string {
  const left = 56;
  const width = 760;
  const plotW = width - left - 24;
  const plotH = 240;
  const top = 12;
  const vals = c.series.flatMap((s) => s.points.flatMap((p) => (p ? [p.meanCapacity.mean, ...(hasInterval(p.meanCapacity) ? [p.meanCapacity.lo, p.meanCapacity.hi] : [])] : []))).filter(finite);
  const lo = Math.min(0, ...vals);
  const hi = Math.max(lo + 1e-9, ...vals) * 1.05;
  const xAt = (i: number) => left + (c.xs.length === 1 ? plotW / 2 : (i / (c.xs.length - 1)) * plotW);
  const y = (v: number) => top + plotH - ((v - lo) / (hi - lo)) * plotH;
  const leg = legend(
    c.series.map((s) => s.label),
    width,
    top + plotH + 52,
  );
  const height = top + plotH + 52 + leg.height + 8;
  const parts: string[] = [];
  parts.push(...svgOpen(title, width, height));
  parts.push(...yGrid(lo, hi, y, left, width));
  c.xs.forEach((xv, i) => parts.push(`<text x="${num(xAt(i))}" y="${top + plotH + 16}" class="tick" text-anchor="middle">${esc(truncate(String(xv), 18))}</text>`));
  c.series.forEach((s, si) => {
    const pts = s.points.map((p, i) => (p && finite(p.meanCapacity.mean) ? [xAt(i), y(p.meanCapacity.mean)] : null)).filter((p): p is number[] => p !== null);
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${colour(si)}" stroke-width="2" points="${pts.map(([a, b]) => `${num(a)},${num(b)}`).join(' ')}"/>`);
    s.points.forEach((p, i) => {
      if (!p || !finite(p.meanCapacity.mean)) return;
      parts.push(`<g><title>${esc(`${s.label}, ${c.x} = ${p.x}: ${fmt(p.meanCapacity.mean)}${hasInterval(p.meanCapacity) ? ` [${fmt(p.meanCapacity.lo)}, ${fmt(p.meanCapacity.hi)}]` : ''}`)}</title>`);
      if (hasInterval(p.meanCapacity)) parts.push(`<line x1="${num(xAt(i))}" y1="${num(y(p.meanCapacity.lo))}" x2="${num(xAt(i))}" y2="${num(y(p.meanCapacity.hi))}" stroke="${colour(si)}" stroke-width="1.5"/>`);
      parts.push(`<circle cx="${num(xAt(i))}" cy="${num(y(p.meanCapacity.mean))}" r="4" fill="${colour(si)}"/></g>`);
    });
  });
  parts.push(`<text x="${num(left + plotW / 2)}" y="${top + plotH + 36}" class="axis" text-anchor="middle">${esc(c.x)}</text>`);
  parts.push(`<text x="14" y="${num(top + plotH / 2)}" class="axis" text-anchor="middle" transform="rotate(-90 14 ${num(top + plotH / 2)})">mean capacity</text>`);
  parts.push(leg.svg);
  parts.push('</svg>');
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// tables

function table(head: string[], rows: string[][], numericFrom = 1): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const csvNote = (...names: string[]) => `<p class="data">Data: ${names.map((n) => `<code>${esc(n)}.csv</code>`).join(', ')}</p>`;

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin-top: 1.4rem; }
.meta, .data { color: #555; font-size: .9em; } .data code { font-size: .95em; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9em; } th, td { border-bottom: 1px solid #e4e4e4; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre { background: #f5f5f7; padding: .8rem; overflow-x: auto; font-size: .85em; }
.chart { max-width: 100%; height: auto; display: block; margin: .6rem 0; }
.chart text { font: 11px system-ui, sans-serif; fill: #1d1d1f; } .chart .axis { font-size: 12px; fill: #444; } .chart .tick { fill: #555; }
.warning { background: #fff4e5; border-left: 4px solid #d55e00; padding: .4rem .6rem; }
.chart .grid { stroke: #e6e6e6; } .chart .zero { stroke: #888; } .chart .whisker { stroke: #222; stroke-width: 1.5; }
li { margin: .35rem 0; } .scroll { overflow-x: auto; }
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
  if (c.curve) {
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
  h.push('<section id="claim">', '<h2>Claim tested</h2>');
  const claims = ctx.experiments.filter((e) => e.claim.trim() !== '');
  if (claims.length === 0) h.push('<p>None of the experiments compared states a claim.</p>');
  else h.push('<ul>', ...claims.map((e) => `<li><strong>${esc(e.name)}</strong> (${esc(e.id)}): ${esc(e.claim)}</li>`), '</ul>');
  h.push('</section>');
  return h;
}

/** What was found, in words, whichever way it came out: errata first, then the contrasts and size answers. */
function findingsSection(c: Comparison): string[] {
  const h: string[] = [];
  h.push('<section id="found">', '<h2>What was found</h2>');
  const warnings = errataLines(c);
  if (warnings.length) h.push(...warnings.map((w) => `<p class="warning">${esc(w)}</p>`));
  if (c.contrasts.length === 0) {
    h.push(
      `<p>No contrast could be made: no configuration of the later conditions has a partner in the baseline condition (<code>${esc(c.conditions[0])}</code>) that differs from it only in the fields the conditions name. The configurations are summarised below.</p>`,
    );
  } else {
    const head = c.contrasts.filter((p) => p.headline);
    const rest = c.contrasts.filter((p) => !p.headline);
    if (head.length) h.push('<h3>Headline contrasts (paired within one experiment, with an interval)</h3>', '<ul>', ...head.map((p) => `<li>${esc(describeContrast(p))}</li>`), '</ul>');
    if (rest.length) h.push('<h3>Other contrasts (unpaired, across experiments, or without an interval: descriptive)</h3>', '<ul>', ...rest.map((p) => `<li>${esc(describeContrast(p))}</li>`), '</ul>');
  }
  if (c.sizeAnswers.length) h.push('<h3>Size answers</h3>', '<ul>', ...c.sizeAnswers.map((a) => `<li>${esc(describeSizeAnswer(a, true))}</li>`), '</ul>');
  if (c.unpaired.length) h.push(`<p>Without a baseline partner: ${esc(c.unpaired.join('; '))}.</p>`);
  h.push(
    '<p class="meta">Δ is the later condition minus the baseline. The seed (network) is the unit of inference: runs are paired when they share network and input seeds, and Δ is tested with a paired t-test over the per-seed differences (95 % t-interval), with an exact sign-flip p (whose floor, 2 / 2<sup>n</sup>, is given) and a hierarchical bootstrap interval (seeds, then tasks) beside it; sides that share no seed are compared with Welch\'s t. Per task, capacities are averaged over the seeds; tasks higher, lower and tied are strict counts, and the Wilcoxon signed-rank p over tasks is descriptive only (the tasks of one network are not independent). Only contrasts paired within one experiment and backed by an interval headline a finding.</p>',
  );
  h.push('</section>');
  return h;
}

/** One section per chart: per configuration, per task family, the contrasts and the curve (when there are). */
function chartSections(c: Comparison): string[] {
  const h: string[] = [];
  h.push('<section id="chart-capacity">', '<h2>Mean capacity per configuration</h2>');
  h.push('<p>Mean capacity over the suite, averaged across seeds, with its 95 % interval across seeds.</p>');
  h.push(intervalChart(groupIntervalRows(c), { title: 'Mean capacity per configuration (95 % interval across seeds)', xLabel: 'mean capacity', forest: false }));
  h.push(csvNote('chart-mean-capacity'), '</section>');

  h.push('<section id="chart-families">', '<h2>Mean capacity per task family</h2>');
  h.push(
    familyChart(
      c.families,
      c.groups.map((g) => ({ label: g.label, values: c.families.map((f) => g.perFamily[f]) })),
      'Mean capacity per task family and configuration (95 % interval across seeds)',
    ),
  );
  h.push(csvNote('chart-family-means'), '</section>');

  if (c.contrasts.length) {
    h.push('<section id="chart-paired">', '<h2>Contrasts</h2>');
    h.push('<p>Δ mean capacity (later condition − baseline) per contrast, with its 95 % interval across seeds (paired t, or Welch where the sides share no seed); the vertical line is no difference.</p>');
    h.push(intervalChart(contrastIntervalRows(c), { title: 'Difference in mean capacity (95 % interval across seeds)', xLabel: 'Δ mean capacity', forest: true }));
    h.push(csvNote('chart-paired'), '</section>');
  }
  if (c.curve) {
    h.push('<section id="chart-curve">', `<h2>Mean capacity against ${esc(c.curve.x)}</h2>`);
    h.push(curveChart(c.curve, `Mean capacity against ${c.curve.x}`));
    h.push(csvNote('chart-curve'), '</section>');
  }
  return h;
}

/** The tables: configurations, contrasts overall and per family, the curve, and what differs. */
function tablesSection(c: Comparison): string[] {
  const h: string[] = [];
  h.push('<section id="tables">', '<h2>Tables</h2>');
  h.push('<h3>Configurations</h3>');
  h.push(
    '<div class="scroll">' +
      table(
        ['configuration', 'seeds', 'mean capacity', '95 % CI', ...c.families],
        c.groups.map((g: GroupSummary) => [g.label, String(g.runs), fmt(g.meanCapacity.mean), ciText(g.meanCapacity), ...c.families.map((f) => fmt(g.perFamily[f]?.mean))]),
      ) +
      '</div>',
  );
  h.push(csvNote('table-configurations'));
  if (c.contrasts.length) {
    h.push('<h3>Contrasts</h3>');
    h.push('<div class="scroll">' + table([...CONTRAST_HEAD], c.contrasts.map(contrastCells)) + '</div>');
    h.push(csvNote('table-contrasts'));
    h.push('<h3>Δ mean capacity per task family, with its 95 % interval across seeds (tasks higher / lower / tied)</h3>');
    h.push(
      '<div class="scroll">' +
        table(
          ['comparison', ...c.families],
          c.contrasts.map((p) => [p.label, ...c.families.map((f) => (p.perFamily[f] ? `${signed(p.perFamily[f].meanDiff)} ${interval(p.perFamily[f].lo, p.perFamily[f].hi, true)} (${p.perFamily[f].wins}/${p.perFamily[f].losses}/${p.perFamily[f].ties})` : ''))]),
        ) +
        '</div>',
    );
    h.push(csvNote('table-contrast-families'));
  }
  if (c.curve) {
    const curve = c.curve;
    h.push(`<h3>Curve: mean capacity against ${esc(curve.x)}</h3>`);
    h.push(
      '<div class="scroll">' +
        table(
          [curve.x, ...curve.series.map((s) => s.label)],
          curve.xs.map((x, i) => [String(x), ...curve.series.map((s) => (s.points[i] ? `${fmt(s.points[i]!.meanCapacity.mean)}${hasInterval(s.points[i]!.meanCapacity) ? ` ± ${fmt(s.points[i]!.meanCapacity.halfWidth)}` : ''}` : ''))]),
          0,
        ) +
        '</div>',
    );
    h.push(csvNote('table-curve'));
  }
  if (c.diff.length) {
    const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
    h.push('<h3>What differs between the configurations</h3>');
    h.push(
      '<div class="scroll">' +
        table(
          ['spec field', ...c.groups.map((g) => g.label)],
          c.diff.map((d) => [d.path, ...c.groups.map((g) => show(d.values[g.key]))]),
          99,
        ) +
        '</div>',
    );
    h.push(csvNote('table-diff'));
  }
  h.push('</section>');
  return h;
}

/** The experiments compared, each with its stored spec. */
function specsSection(ctx: ReportContext): string[] {
  const h: string[] = [];
  h.push('<section id="specs">', '<h2>Experiments and their specs</h2>');
  h.push(
    table(
      ['experiment', 'name', 'root seed', 'analysis', 'made', 'by Quench'],
      ctx.experiments.map((e) => [e.id, e.name, String(e.rootSeed), e.analysis, e.createdAt, e.appVersion]),
      99,
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
  h.push('<section id="seeds">', '<h2>Seeds and runs</h2>');
  h.push(
    '<p>Every random quantity of a run derives from its experiment\'s root seed and the seed index (network seed = seed(root, "network/&lt;index&gt;"), input seed = seed(root, "input/&lt;index&gt;")); runs are paired only when they share their network and input seeds (runs of one experiment that differ only in heterogeneity do).</p>',
  );
  const seedsBy = new Map<string, Set<number>>();
  for (const r of ctx.runs) {
    const s = seedsBy.get(r.configuration) ?? new Set<number>();
    s.add(r.seedIndex);
    seedsBy.set(r.configuration, s);
  }
  h.push(
    table(
      ['configuration', 'seed indices', 'root seeds'],
      c.groups.map((g) => [
        g.label,
        [...(seedsBy.get(g.label) ?? [])].sort((a, b) => a - b).join(', '),
        [...new Set(ctx.runs.filter((r) => r.configuration === g.label).map((r) => r.rootSeed))].join(', '),
      ]),
      99,
    ),
  );
  h.push(`<details><summary>All ${ctx.runs.length} runs</summary>`);
  h.push(
    '<div class="scroll">' +
      table(
        ['run', 'experiment', 'configuration', 'seed', 'network seed', 'input seed', 'backend', 'Quench', 'mean capacity'],
        ctx.runs.map((r) => [r.uid.slice(0, 12), r.experimentId, r.configuration, String(r.seedIndex), String(r.networkSeed), String(r.inputSeed), r.backend ?? '', r.appVersion ?? '', fmt(r.meanCapacity)]),
        3,
      ) +
      '</div>',
  );
  h.push('</details>', csvNote('table-runs'), '</section>');
  return h;
}

/** The report: its sections in order as one HTML document, the CSV files beside it, and a file name. */
export function buildReport(c: Comparison, ctx: ReportContext): Report {
  const title = ctx.title.trim() || 'Quench comparison';
  const h: string[] = [
    ...documentHead(title, ctx),
    ...headerSection(title, c, ctx),
    ...claimSection(ctx),
    ...findingsSection(c),
    ...chartSections(c),
    ...mechanismSections(c),
    ...tablesSection(c),
    ...specsSection(ctx),
    ...seedsSection(c, ctx),
    `<footer><p class="meta">Quench ${esc(ctx.appVersion)}. Every chart and table above is also a CSV file of the exact numbers shown, saved with this report.</p></footer>`,
    '</body>',
    '</html>',
  ];
  const day = ctx.generatedAt.slice(0, 10);
  return { html: h.join('\n'), csv: reportCsv(c, ctx), fileBase: `quench-${slug(title)}-${day}` };
}
