// The primitives of the reports' inline SVG charts: escaping, colours, ticks, the opening of a chart,
// grid lines and legends, and the two generic charts the mechanism figures draw (lines over a numeric
// axis, points in the complex plane). Plain strings: a report loads nothing. Numbers on axes go
// through common/format.ts (a true minus sign, the same decimals on every tick of an axis).
import { num as fmt } from '../../common/format.js';

export const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
export const colour = (i: number) => (i < OKABE_ITO.length ? OKABE_ITO[i] : `hsl(${Math.round((i * 137.5) % 360)}, 55%, 42%)`);
export const num = (x: number) => (Math.round(x * 100) / 100).toString();

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** The fewest decimals (up to 6) that write every value exactly: one axis's ticks read alike (0.00, 0.25, 0.50). */
export function decimalsFor(values: readonly number[]): number {
  for (let d = 0; d < 6; d++) if (values.every((v) => Math.abs(Number(v.toFixed(d)) - v) <= 1e-9 * Math.max(1, Math.abs(v)))) return d;
  return 6;
}

/** Tick labels of one axis: the same decimals on every tick, a true minus sign. */
export const tickLabels = (ticks: readonly number[]): string[] => ticks.map((t) => fmt(t, decimalsFor(ticks)));

/** One tick on its own (a log axis, whose ticks span decades): as few decimals as it needs. */
export const tickLabel = (v: number) => fmt(v, decimalsFor([v]));

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/**
 * A label broken into lines of at most `max` characters at spaces (a word longer than a line gets a
 * line of its own, whole): labels are wrapped, never cut.
 */
export function wrapText(s: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Lines of text stacked around `y` (the middle line on it), as one <text> of <tspan>s. */
export function textLines(lines: readonly string[], x: number, y: number, attrs: string, lineH = 13): string {
  const y0 = y - ((lines.length - 1) * lineH) / 2;
  return `<text x="${num(x)}" y="${num(y0)}" ${attrs}>${lines.map((l, i) => `<tspan x="${num(x)}"${i ? ` dy="${lineH}"` : ''}>${esc(l)}</tspan>`).join('')}</text>`;
}

/**
 * The charts' look, as CSS: the report's style sheet carries it, and each figure downloaded alone
 * carries it inside its <svg> (standaloneSvg), so the file looks as it does in the report.
 */
export const CHART_CSS =
  '.chart text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #1d1d1f; } .chart .axis { font-size: 12px; fill: #444; } .chart .tick { fill: #555; } ' +
  '.chart .panel-title { font-size: 12px; font-weight: 600; } .chart .grid { stroke: #e6e6e6; } .chart .zero { stroke: #888; } .chart .base { stroke: #555; stroke-dasharray: 3 3; } ' +
  '.chart .whisker { stroke: #222; stroke-width: 1.5; }';

/** A chart as a file of its own: its style inside it and an XML declaration (it opens in an editor or a browser as it looks in the report). */
export function standaloneSvg(svg: string): string {
  const at = svg.indexOf('</title>');
  const head = at >= 0 ? at + '</title>'.length : svg.indexOf('>') + 1;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.slice(0, head)}\n<style>${CHART_CSS}</style>${svg.slice(head)}\n`;
}

/** The opening of every chart: a titled, accessible SVG of the given size. */
export function svgOpen(title: string, width: number, height: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
  ];
}

/** Horizontal grid lines with their tick labels, for charts with a vertical value axis. */
export function yGrid(lo: number, hi: number, y: (v: number) => number, left: number, width: number, count = 5): string[] {
  const ticks = niceTicks(lo, hi, count);
  const labels = tickLabels(ticks);
  return ticks.flatMap((t, i) => [
    `<line x1="${left}" y1="${num(y(t))}" x2="${width - 8}" y2="${num(y(t))}" class="grid"/>`,
    `<text x="${left - 6}" y="${num(y(t) + 4)}" class="tick" text-anchor="end">${esc(labels[i])}</text>`,
  ]);
}

/** A legend entry: a label, or a label with its own colour and line dash (lines drawn dashed). */
export type LegendItem = string | { label: string; colour: string; dash?: string };

/** Legend entries flowing left to right, wrapping at `width`; plain labels take the palette's colours in order. */
export function legend(items: LegendItem[], width: number, y: number): { svg: string; height: number } {
  const parts: string[] = [];
  let cx = 12;
  let cy = y;
  items.forEach((item, i) => {
    const l = typeof item === 'string' ? item : item.label;
    // a whole label (a legend is where a reader finds what a colour is); only a runaway one is cut
    const text = truncate(l, 110);
    const w = 22 + text.length * 6.4 + 18;
    if (cx + w > width && cx > 12) {
      cx = 12;
      cy += 18;
    }
    if (typeof item === 'string') parts.push(`<rect x="${num(cx)}" y="${num(cy - 9)}" width="12" height="12" fill="${colour(i)}"/>`);
    else parts.push(`<line x1="${num(cx)}" y1="${num(cy - 3)}" x2="${num(cx + 14)}" y2="${num(cy - 3)}" stroke="${item.colour}" stroke-width="2.5"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`);
    parts.push(`<text x="${num(cx + 18)}" y="${num(cy + 1)}" class="label">${esc(text)}</text>`);
    cx += w;
  });
  return { svg: parts.join('\n'), height: cy - y + 18 };
}


/** One series of a line chart: points (with optional 95 % whiskers) joined or not, or a histogram drawn as steps. */
export type LineSeries = { label: string; colour: string; dash?: string } & (
  | { kind: 'points'; points: { x: number; y: number; lo?: number | null; hi?: number | null }[]; line: boolean }
  | { kind: 'steps'; edges: number[]; values: number[] }
);

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** a log10 x axis (every x > 0) */
  xLog?: boolean;
  /** fixed ends of the y axis; else from the data (and 0) */
  yMin?: number;
  yMax?: number;
  series: LineSeries[];
}

/** x ticks for a log axis: the powers of ten in range, or the range's ends when none is. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e++) out.push(e);
  return out.length >= 2 ? out : [lo, hi];
}

/** Lines (or steps) over a numeric x axis, linear or log, with a legend of line styles below. */
export function lineChart(o: LineChartOptions): string {
  const left = 56;
  const width = 760;
  const plotW = width - left - 24;
  const plotH = 240;
  const top = 30;
  const tx = (v: number) => (o.xLog ? Math.log10(v) : v);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series) {
    if (s.kind === 'points') {
      for (const p of s.points) {
        if (!finite(p.y) || (o.xLog && !(p.x > 0))) continue;
        xs.push(tx(p.x));
        ys.push(p.y, ...[p.lo, p.hi].filter(finite));
      }
    } else {
      xs.push(...s.edges.filter((e) => !o.xLog || e > 0).map(tx));
      ys.push(...s.values.filter(finite));
    }
  }
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (!(x1 > x0)) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  const lo = o.yMin ?? Math.min(0, ...ys);
  const hi = o.yMax ?? Math.max(lo + 1e-9, ...ys) * 1.05;
  const x = (v: number) => left + ((tx(v) - x0) / (x1 - x0)) * plotW;
  const y = (v: number) => top + plotH - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * plotH;
  const leg = legend(
    o.series.map((s) => ({ label: s.label, colour: s.colour, dash: s.dash })),
    width,
    top + plotH + 52,
  );
  const height = top + plotH + 52 + leg.height + 8;
  const parts: string[] = [...svgOpen(o.title, width, height), `<text x="${left}" y="16" style="font-size: 13px; font-weight: 600">${esc(truncate(o.title, 110))}</text>`, ...yGrid(lo, hi, y, left, width)];
  const ticks = o.xLog ? logTicks(x0, x1).map((e) => 10 ** e) : niceTicks(x0, x1);
  const labels = o.xLog ? ticks.map(tickLabel) : tickLabels(ticks);
  ticks.forEach((t, i) => parts.push(`<text x="${num(x(t))}" y="${top + plotH + 16}" class="tick" text-anchor="middle">${esc(labels[i])}</text>`));
  const dash = (s: LineSeries) => (s.dash ? ` stroke-dasharray="${s.dash}"` : '');
  for (const s of o.series) {
    if (s.kind === 'steps') {
      const pts: string[] = [];
      s.values.forEach((v, i) => {
        if (!finite(v)) return;
        pts.push(`${num(x(s.edges[i]))},${num(y(v))}`, `${num(x(s.edges[i + 1]))},${num(y(v))}`);
      });
      parts.push(`<g><title>${esc(s.label)}</title><polyline fill="none" stroke="${s.colour}" stroke-width="2"${dash(s)} points="${pts.join(' ')}"/></g>`);
      continue;
    }
    const pts = s.points.filter((p) => finite(p.y) && (!o.xLog || p.x > 0));
    if (s.line && pts.length > 1) parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2"${dash(s)} points="${pts.map((p) => `${num(x(p.x))},${num(y(p.y))}`).join(' ')}"/>`);
    for (const p of pts) {
      const whisker = finite(p.lo) && finite(p.hi);
      parts.push(`<g><title>${esc(`${s.label}, x = ${tickLabel(p.x)}: ${fmt(p.y)}${whisker ? ` [${fmt(p.lo!)}, ${fmt(p.hi!)}]` : ''}`)}</title>`);
      if (whisker) parts.push(`<line x1="${num(x(p.x))}" y1="${num(y(p.lo!))}" x2="${num(x(p.x))}" y2="${num(y(p.hi!))}" stroke="${s.colour}" stroke-width="1.5"/>`);
      parts.push(`<circle cx="${num(x(p.x))}" cy="${num(y(p.y))}" r="3.5" fill="${s.colour}"/></g>`);
    }
  }
  parts.push(`<text x="${num(left + plotW / 2)}" y="${top + plotH + 36}" class="axis" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text x="14" y="${num(top + plotH / 2)}" class="axis" text-anchor="middle" transform="rotate(-90 14 ${num(top + plotH / 2)})">${esc(o.yLabel)}</text>`);
  parts.push(leg.svg, '</svg>');
  return parts.join('\n');
}

/** Points in the complex plane, one unit on both axes the same length, with the unit circle. */
export function complexPlane(title: string, series: { label: string; colour: string; re: number[]; im: number[]; r: number }[]): string {
  const size = 440;
  const pad = 40;
  const top = 20;
  const extent = Math.max(1.1, ...series.flatMap((s) => s.re.map((a, i) => Math.hypot(a, s.im[i]) * 1.05)));
  const plot = size - 2 * pad;
  const x = (v: number) => pad + ((v + extent) / (2 * extent)) * plot;
  const y = (v: number) => top + pad + ((extent - v) / (2 * extent)) * plot;
  const width = size;
  const leg = legend(
    [...series.map((s) => ({ label: s.label, colour: s.colour })), { label: 'unit circle', colour: '#555', dash: '4 4' }],
    width,
    top + size + 8,
  );
  const height = top + size + 8 + leg.height + 8;
  const parts: string[] = [...svgOpen(title, width, height), `<text x="${pad}" y="16" style="font-size: 13px; font-weight: 600">${esc(truncate(title, 64))}</text>`];
  const planeTicks = niceTicks(-extent, extent);
  const planeLabels = tickLabels(planeTicks);
  planeTicks.forEach((t, i) => {
    parts.push(`<line x1="${num(x(t))}" y1="${top + pad}" x2="${num(x(t))}" y2="${top + pad + plot}" class="grid"/>`, `<line x1="${pad}" y1="${num(y(t))}" x2="${pad + plot}" y2="${num(y(t))}" class="grid"/>`);
    parts.push(`<text x="${num(x(t))}" y="${top + pad + plot + 14}" class="tick" text-anchor="middle">${esc(planeLabels[i])}</text>`, `<text x="${pad - 6}" y="${num(y(t) + 4)}" class="tick" text-anchor="end">${esc(planeLabels[i])}</text>`);
  });
  const r = (x(1) - x(0)).toFixed(2);
  parts.push(`<circle cx="${num(x(0))}" cy="${num(y(0))}" r="${r}" fill="none" stroke="#555" stroke-dasharray="4 4"/>`);
  for (const s of series) {
    parts.push(`<g><title>${esc(`${s.label}: ${s.re.length} eigenvalues`)}</title>`);
    s.re.forEach((a, i) => parts.push(`<circle cx="${num(x(a))}" cy="${num(y(s.im[i]))}" r="${s.r}" fill="${s.colour}" opacity="0.8"/>`));
    parts.push('</g>');
  }
  parts.push(`<text x="${num(pad + plot / 2)}" y="${top + size - 4}" class="axis" text-anchor="middle">Re μ</text>`);
  parts.push(`<text x="12" y="${num(top + pad + plot / 2)}" class="axis" text-anchor="middle" transform="rotate(-90 12 ${num(top + pad + plot / 2)})">Im μ</text>`);
  parts.push(leg.svg, '</svg>');
  return parts.join('\n');
}
