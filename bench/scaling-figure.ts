// The scaling section's figure (bench/scaling.ts): log-log panels side by side, each with its own
// x axis (N in one, the number of tasks in the other), the measured points joined by a line, each
// series' fitted power law drawn thin over the points it was fitted on, and the fitted slope
// written at the line's right end. bench/plot.ts's logLogPanels draws the rate figure in the same
// style (its colours and dashes are the same) but shares one x axis between its panels and writes
// no labels on the lines, which this figure needs.

export interface FitLine {
  /** log10 t = intercept + slope log10 x, over [xFrom, xTo] */
  slope: number;
  intercept: number;
  xFrom: number;
  xTo: number;
  /** written at the line's right end, e.g. "1.98" or "2.04 (1.02 per nnz)" */
  label: string;
  /** drawn bold behind a red "!" when the slope is above the algorithm's own */
  flagged: boolean;
}

export interface ScalingSeries {
  name: string;
  /** series of one family share a colour (rate, LIF) and differ by dash (simulate solid, readout dashed) */
  family: string;
  dash: 0 | 1 | 2;
  points: [number, number][];
  fit?: FitLine;
}

export interface ScalingPanel {
  title: string;
  xLabel: string;
  series: ScalingSeries[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const DASHES = ['', ' stroke-dasharray="7 3"', ' stroke-dasharray="2 3"'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

/** the 1-2-5 ticks between lo and hi, so that a panel spanning one or two decades has a few */
function ticks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (const d of decades(lo, hi)) for (const m of [1, 2, 5]) if (d * m >= lo * 0.999 && d * m <= hi * 1.001) out.push(d * m);
  return out;
}

const fmtTick = (v: number) => (Number.isInteger(v) && v < 1e5 && v >= 1 ? String(v) : v >= 1e4 || v < 1e-2 ? v.toExponential(0) : String(Number(v.toPrecision(2))));

/** Spreads labels wanted at `ys` (pixels) at least `gap` apart, keeping their order. */
function spread(ys: number[], gap: number, lo: number, hi: number): number[] {
  const order = ys.map((y, i) => [y, i] as const).sort((a, b) => a[0] - b[0]);
  const placed = order.map(([y]) => y);
  for (let i = 1; i < placed.length; i++) placed[i] = Math.max(placed[i], placed[i - 1] + gap);
  // pushed past the bottom: the last at the bottom, the others moved up as far as they must be
  const last = placed.length - 1;
  if (last >= 0 && placed[last] > hi) {
    placed[last] = hi;
    for (let i = last - 1; i >= 0; i--) placed[i] = Math.max(lo, Math.min(placed[i], placed[i + 1] - gap));
  }
  const out = new Array<number>(ys.length);
  order.forEach(([, i], j) => (out[i] = placed[j]));
  return out;
}

export function scalingFigure(panels: ScalingPanel[], title: string, yLabel: string, footer: string[] = []): string {
  const legend = [...new Map(panels.flatMap((p) => p.series).map((s) => [s.name, s])).values()];
  const families = [...new Set(legend.map((s) => s.family))];
  const colour = (s: ScalingSeries) => COLOURS[families.indexOf(s.family) % COLOURS.length];
  const style = (s: ScalingSeries) => `stroke="${colour(s)}" stroke-width="2"${DASHES[s.dash]}`;
  const panelWidth = 360;
  const labelWidth = 150; // right of each panel: the slope labels
  const m = { left: 80, top: 64, bottom: 60, gap: 60 };
  const legendNote = 'shaded: fitted power law';
  const legendWidth = 40 + Math.ceil(6.6 * Math.max(legendNote.length, ...legend.map((s) => s.name.length)));
  const W = m.left + panels.length * (panelWidth + labelWidth) + (panels.length - 1) * m.gap + legendWidth;
  const plotH = 400;
  const H = m.top + plotH + m.bottom + footer.length * 16 + (footer.length ? 10 : 0);
  const yBottom = m.top + plotH;
  const allY = panels.flatMap((p) => p.series.flatMap((s) => s.points.map((q) => q[1]))).filter((y) => y > 0);
  const ys = decades(Math.min(...allY), Math.max(...allY));
  const [y0, y1] = [Math.log10(ys[0]), Math.log10(ys[ys.length - 1])];
  const py = (y: number) => yBottom - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(W - legendWidth) / 2}" y="24" font-size="15" text-anchor="middle">${esc(title)}</text>`,
    `<text transform="translate(18 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  panels.forEach((panel, k) => {
    const left = m.left + k * (panelWidth + labelWidth + m.gap);
    const allX = panel.series.flatMap((s) => s.points.map((q) => q[0])).filter((x) => x > 0);
    // a little room either side of the points, in log units
    const [lx0, lx1] = [Math.log10(Math.min(...allX)), Math.log10(Math.max(...allX))];
    const pad = 0.06 * (lx1 - lx0 || 1);
    const [x0, x1] = [lx0 - pad, lx1 + pad];
    const px = (x: number) => left + ((Math.log10(x) - x0) / (x1 - x0)) * panelWidth;
    out.push(`<text x="${left + panelWidth / 2}" y="${m.top - 12}" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
    // the measured x values as ticks where there are few, else 1-2-5
    const xValues = [...new Set(allX)].sort((a, b) => a - b);
    for (const x of xValues.length <= 8 ? xValues : ticks(10 ** x0, 10 ** x1)) out.push(`<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${m.top}" y2="${yBottom}" stroke="#ddd"/><text x="${px(x).toFixed(1)}" y="${yBottom + 16}" text-anchor="middle">${fmtTick(x)}</text>`);
    for (const y of ys) out.push(`<line x1="${left}" x2="${left + panelWidth}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#ddd"/><text x="${left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${fmtTick(y)}</text>`);
    out.push(`<rect x="${left}" y="${m.top}" width="${panelWidth}" height="${plotH}" fill="none" stroke="#333"/>`);
    out.push(`<text x="${left + panelWidth / 2}" y="${yBottom + 40}" text-anchor="middle">${esc(panel.xLabel)}</text>`);
    const labels: { y: number; s: ScalingSeries; endX: number; endY: number }[] = [];
    for (const s of panel.series) {
      const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
      out.push(`<polyline fill="none" ${style(s)} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
      for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colour(s)}"/>`);
      if (s.fit) {
        const f = s.fit;
        const at = (x: number) => 10 ** (f.intercept + f.slope * Math.log10(x));
        // the fitted law, thin and grey-edged under the series, a little beyond the points it was fitted on
        const [a, b] = [f.xFrom / 10 ** (pad / 2), f.xTo * 10 ** (pad / 2)];
        out.push(`<line x1="${px(a).toFixed(1)}" y1="${py(at(a)).toFixed(1)}" x2="${px(b).toFixed(1)}" y2="${py(at(b)).toFixed(1)}" stroke="${colour(s)}" stroke-width="6" stroke-opacity="0.18" stroke-linecap="round"/>`);
        labels.push({ y: py(at(f.xTo)), s, endX: px(b), endY: py(at(b)) });
      }
    }
    const placed = spread(labels.map((l) => l.y), 14, m.top + 6, yBottom - 4);
    labels.forEach((l, i) => {
      const f = l.s.fit!;
      const tx = left + panelWidth + 14;
      out.push(`<line x1="${l.endX.toFixed(1)}" y1="${l.endY.toFixed(1)}" x2="${tx - 3}" y2="${placed[i].toFixed(1)}" stroke="${colour(l.s)}" stroke-width="0.8" stroke-opacity="0.6"/>`);
      // a slope above the algorithm's own: bold, behind a red "!", in its series' colour still
      out.push(`<text x="${tx}" y="${(placed[i] + 4).toFixed(1)}" fill="${colour(l.s)}"${f.flagged ? ' font-weight="bold"' : ''}>${f.flagged ? '<tspan fill="#c00">! </tspan>' : ''}${esc(`slope ${f.label}`)}</text>`);
    });
  });
  const lx = W - legendWidth + 8;
  legend.forEach((s, i) => {
    const ly = m.top + 10 + i * 18;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" ${style(s)}/><text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push(`<text x="${lx}" y="${m.top + 24 + legend.length * 18}" fill="#555">${legendNote}</text>`);
  footer.forEach((line, i) => out.push(`<text x="${m.left}" y="${yBottom + 62 + i * 16}" fill="#333">${esc(line)}</text>`));
  out.push('</svg>');
  return out.join('\n');
}
