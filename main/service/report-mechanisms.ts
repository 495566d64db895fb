// The report's mechanisms: the same figures as the app's Mechanisms panel (docs/model.md §11), as
// inline SVG, each with the CSV of the exact numbers drawn. The participation ratio against the
// heterogeneity level; the timescales of the neurons beside their realised time constants; each
// configuration's effective spectrum in the complex plane and the effective timescales as a
// histogram; the alignment curves per task family; the memory and nonlinearity profiles.
// Each figure is numbered, captioned and offered as an SVG file with its CSV (figures.ts).
import type { Comparison, ComparisonMechanisms, ProfileCurves } from '../../common/comparison.js';
import { interval, num as fmt, signedNum } from '../../common/format.js';
import { renderCsv } from '../archive-format.js';
import type { Figures } from './figures.js';
import { htmlTable } from './report-table.js';
import { colour, complexPlane, esc, finite, lineChart, type LineSeries } from './svg.js';

const csvNote = (...names: string[]) => `<p class="data">Data: ${names.map((n) => `<code>${esc(n)}.csv</code>`).join(', ')}</p>`;
/** a heading kept with what follows it on a printed page */
const keep = (...blocks: string[]) => `<div class="keep">\n${blocks.join('\n')}\n</div>`;
/** a file name's part from free text (a task family) */
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';

/** the measure drawn against the level (the table and its CSV hold every measure) */
const LEVEL_MEASURE = 'participationRatio';

function levelSeries(m: ComparisonMechanisms): LineSeries[] {
  const byKey = new Map(m.groups.map((g) => [g.key, g.measures[LEVEL_MEASURE]]));
  return m.levels.map((s, i) => ({
    kind: 'points',
    label: s.label,
    colour: colour(i),
    line: s.points.length > 1,
    points: s.points.flatMap((p) => {
      const v = byKey.get(p.key);
      return v && finite(v.mean) ? [{ x: p.level, y: v.mean, lo: v.n > 1 ? v.lo : null, hi: v.n > 1 ? v.hi : null }] : [];
    }),
  }));
}

/** The report's "Mechanisms" section (none when no run of the comparison was measured). */
export function mechanismSections(c: Comparison, figures: Figures): string[] {
  const m = c.mechanisms;
  if (!m) {
    if (c.unmeasured.length === 0) return [];
    return [
      '<section id="mechanisms">',
      keep(
        '<h2>Mechanisms: not measured</h2>',
        `<p>The runs compared were made by a version of Quench before runs measured their mechanisms: ${c.unmeasured
          .map((x) => `${esc(x.name)} (${x.runs} run(s): <code>quench resume ${esc(x.id)} --add-mechanisms</code>)`)
          .join('; ')}.</p>`,
      ),
      '</section>',
    ];
  }
  const h: string[] = ['<section id="mechanisms">'];
  const labels = m.measureLabels;
  // the heading and its paragraph kept together; the table after them (longer than a page, maybe) follows their break-after: avoid
  h.push(
    keep(
      '<h2>Mechanisms: why the capacities differ</h2>',
      `<p>Measured on each run's own simulation (docs/model.md §11); every value is a mean over seeds with its 95 % t-interval, every change (Δ, later condition − baseline) is paired over seeds. ${m.measured} run(s) measured${
        m.notMeasured ? `; <strong>${m.notMeasured} run(s) not measured</strong> (made by an older version: <code>quench resume --add-mechanisms</code> fills them in)` : ''
      }.</p>`,
    ),
    htmlTable(
      ['configuration', ...labels.map((l) => l.label)],
      [
        ...m.groups.map((g) => [g.label, ...labels.map((l) => { const v = g.measures[l.key]; return v && finite(v.mean) ? [fmt(v.mean), ...(v.n > 1 && finite(v.lo) ? [interval(v.lo, v.hi)] : [])] : 'n/a'; })]),
        ...m.contrasts.map((x) => [`Δ ${x.label}`, ...labels.map((l) => { const d = x.measures[l.key]; return d && finite(d.mean) ? [signedNum(d.mean), ...(finite(d.lo) ? [interval(d.lo, d.hi, true), d.verdict] : [])] : 'n/a'; })]),
      ],
      { numeric: (i) => i > 0 },
    ),
    csvNote('table-mechanisms'),
  );

  if (m.levels.length) {
    const title = 'Participation ratio against the heterogeneity level (95 % interval across seeds)';
    h.push(
      keep(
        '<h3>Participation ratio against the heterogeneity level</h3>',
        figures.add('fig-mechanism-levels', title, lineChart({ title, xLabel: 'heterogeneity level c (0: homogeneous)', yLabel: 'participation ratio', series: levelSeries(m) }), ['chart-mechanism-levels']),
      ),
    );
  }
  const ts = m.timescales;
  if (ts) {
    const title = 'Autocorrelation timescales (solid) and realised time constants (dashed)';
    h.push(
      keep(
        '<h3>Timescales</h3>',
        '<p>Share of the neurons per log bin: the autocorrelation timescale of each neuron (solid) beside its realised time constant (dashed), seeds pooled.</p>',
        figures.add(
          'fig-timescales',
          title,
          lineChart({
            title,
            xLabel: 'timescale (task steps, log scale)',
            yLabel: 'share of neurons',
            xLog: true,
            series: ts.groups.flatMap((g, i) => [
              { kind: 'steps' as const, label: `${g.label}: autocorrelation`, colour: colour(i), edges: ts.edges, values: g.autocorrelation },
              { kind: 'steps' as const, label: `${g.label}: realised τ`, colour: colour(i), dash: '6 4', edges: ts.edges, values: g.realisedTau },
            ]),
          }),
          ['chart-timescales'],
        ),
      ),
    );
  }
  if (m.spectra.length) {
    const planes = m.spectra.map((s, i) =>
      figures.add(
        `fig-spectrum-${i + 1}`,
        `Effective spectrum: ${s.label} (first seed)`,
        complexPlane(`Effective spectrum: ${s.label}`, [
          { label: 'eigenvalues of W', colour: '#999999', re: s.w.re, im: s.w.im, r: 2 },
          { label: 'linearised update at the operating point', colour: colour(1), re: s.effective.re, im: s.effective.im, r: 2.5 },
        ]),
        ['chart-spectra'],
      ),
    );
    // the planes side by side, two to a printed line
    h.push(
      keep(
        '<h3>Effective spectrum</h3>',
        '<p>Eigenvalues μ of the update linearised at the operating point (the first seed of each configuration) beside those of W, and the effective timescales −1/ln|μ| of every seed as a histogram.</p>',
      ),
      '<div class="spectra">',
      ...planes,
      '</div>',
    );
    if (ts && ts.groups.some((g) => g.effective.some((v) => v > 0))) {
      const title = 'Effective timescales of the linearised update, share per log bin';
      h.push(
        figures.add(
          'fig-effective-timescales',
          title,
          lineChart({
            title,
            xLabel: 'effective timescale −1/ln|μ| (task steps, log scale)',
            yLabel: 'share of eigenvalues',
            xLog: true,
            series: ts.groups.map((g, i) => ({ kind: 'steps' as const, label: g.label, colour: colour(i), edges: ts.edges, values: g.effective })),
          }),
          ['chart-timescales'],
        ),
      );
    }
  }
  const a = m.alignment;
  if (a) {
    const alignment = a.families.map((f) =>
      figures.add(
        `fig-alignment-${slug(f)}`,
        `Alignment: ${f}`,
        lineChart({
          title: `Alignment: ${f}`,
          xLabel: 'k, principal components (log scale)',
          yLabel: 'variance captured',
          xLog: true,
          yMin: 0,
          series: a.groups.map((g, i) => ({ kind: 'points' as const, label: g.label, colour: colour(i), line: true, points: g.ks.map((k, q) => ({ x: k, y: g.byFamily[f]?.[q] ?? NaN })) })),
        }),
        ['chart-alignment'],
      ),
    );
    h.push(keep('<h3>Task–state alignment</h3>', "<p>Share of each task family's target variance captured by the top-k principal components of the states, mean over the family's tasks and the seeds.</p>", alignment[0]), ...alignment.slice(1));
  }
  const profile = (p: ProfileCurves, what: string, name: string) =>
    figures.add(
      name,
      `Mean capacity against ${what}`,
      lineChart({
        title: `Mean capacity against ${what}`,
        xLabel: what,
        yLabel: 'mean capacity',
        yMin: 0,
        series: p.groups.map((g, i) => ({ kind: 'points' as const, label: g.label, colour: colour(i), line: true, points: p.xs.map((x, k) => ({ x, y: g.capacity[k] })) })),
      }),
      ['chart-profile'],
    );
  const { memory, nonlinearity } = m.profile;
  if (memory.xs.length > 1 || nonlinearity.xs.length > 1) {
    const profiles = [...(memory.xs.length > 1 ? [profile(memory, 'memory depth (steps)', 'fig-profile-memory')] : []), ...(nonlinearity.xs.length > 1 ? [profile(nonlinearity, 'nonlinearity degree', 'fig-profile-nonlinearity')] : [])];
    h.push(keep('<h3>Memory and nonlinearity profile</h3>', profiles[0]), ...profiles.slice(1));
  }
  h.push('</section>');
  return h;
}

/** The CSV files of the mechanism figures and table, by the names mechanismSections cites. */
export function mechanismCsv(c: Comparison): Record<string, string> {
  const m = c.mechanisms;
  if (!m) return {};
  const csv: Record<string, string> = {};
  csv['table-mechanisms'] = renderCsv(
    ['row', 'configuration_or_contrast', 'measure', 'seeds', 'mean', 'ci_lo', 'ci_hi', 'verdict'],
    [
      ...m.groups.flatMap((g) => m.measureLabels.map((l) => { const v = g.measures[l.key]; return ['configuration', g.label, l.key, v?.n ?? 0, v?.mean ?? null, v && v.n > 1 ? v.lo : null, v && v.n > 1 ? v.hi : null, null]; })),
      ...m.contrasts.flatMap((x) => m.measureLabels.map((l) => { const d = x.measures[l.key]; return ['contrast', x.label, l.key, d?.seeds ?? 0, d?.mean ?? null, d?.lo ?? null, d?.hi ?? null, d?.verdict ?? null]; })),
    ],
  );
  if (m.levels.length) {
    csv['chart-mechanism-levels'] = renderCsv(
      ['series', 'level', 'measure', 'mean', 'ci_lo', 'ci_hi'],
      levelSeries(m).flatMap((s) => (s.kind === 'points' ? s.points.map((p) => [s.label, p.x, LEVEL_MEASURE, p.y, p.lo ?? null, p.hi ?? null]) : [])),
    );
  }
  if (m.timescales) {
    const ts = m.timescales;
    csv['chart-timescales'] = renderCsv(
      ['configuration', 'bin_lo_steps', 'bin_hi_steps', 'autocorrelation_share', 'effective_share', 'realised_tau_share'],
      ts.groups.flatMap((g) => g.autocorrelation.map((v, i) => [g.label, ts.edges[i], ts.edges[i + 1], v, g.effective[i], g.realisedTau[i]])),
    );
  }
  if (m.spectra.length) {
    csv['chart-spectra'] = renderCsv(
      ['configuration', 'matrix', 're', 'im'],
      m.spectra.flatMap((s) => [...s.w.re.map((r, i) => [s.label, 'W', r, s.w.im[i]]), ...s.effective.re.map((r, i) => [s.label, 'linearised', r, s.effective.im[i]])]),
    );
  }
  if (m.alignment) {
    const a = m.alignment;
    csv['chart-alignment'] = renderCsv(
      ['configuration', 'family', 'k', 'variance_captured'],
      a.groups.flatMap((g) => a.families.flatMap((f) => g.ks.map((k, q) => [g.label, f, k, g.byFamily[f]?.[q] ?? null]))),
    );
  }
  const { memory, nonlinearity } = m.profile;
  if (memory.xs.length > 1 || nonlinearity.xs.length > 1) {
    csv['chart-profile'] = renderCsv(
      ['axis', 'x', 'configuration', 'mean_capacity'],
      (
        [
          ['memory_depth', memory],
          ['nonlinearity', nonlinearity],
        ] as const
      ).flatMap(([axis, p]) => (p.xs.length > 1 ? p.groups.flatMap((g) => p.xs.map((x, k) => [axis, x, g.label, finite(g.capacity[k]) ? g.capacity[k] : null])) : [])),
    );
  }
  return csv;
}
