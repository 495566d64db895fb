// Log-log line charts side by side, with one shared legend, as a standalone SVG: enough for the
// bench's time-per-step figure without a plotting dependency.

export interface Series {
  /** the legend's name; the same name in several panels is one legend entry */
  name: string;
  /** lines of one family share a colour (a backend and its split and runs-at-once lines) */
  family: string;
  /** and differ by dash: 0 solid, 1 dashed, 2 dotted */
  dash: 0 | 1 | 2;
  points: [number, number][];
}

export interface Panel {
  title: string;
  series: Series[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#393b79', '#e7969c'];
const DASHES = ['', ' stroke-dasharray="7 3"', ' stroke-dasharray="2 3"'];

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function logLogPanels(panels: Panel[], title: string, xLabel: string, yLabel: string): string {
  const legend = [...new Map(panels.flatMap((p) => p.series).map((s) => [s.name, s])).values()];
  const families = [...new Set(legend.map((s) => s.family))];
  const style = (s: Series) => `stroke="${COLOURS[families.indexOf(s.family) % COLOURS.length]}" stroke-width="2"${DASHES[s.dash]}`;
  const colour = (s: Series) => COLOURS[families.indexOf(s.family) % COLOURS.length];
  // the legend sits right of the panels: as wide as its longest name (about 6.6 px a character at
  // 12 px), and the figure as tall as the legend needs; the panels share their axes
  const legendWidth = 50 + Math.ceil(6.6 * Math.max(0, ...legend.map((s) => s.name.length)));
  const panelWidth = 380;
  const m = { left: 80, top: 56, bottom: 60, gap: 64 };
  const W = m.left + panels.length * panelWidth + (panels.length - 1) * m.gap + legendWidth;
  const H = Math.max(480, m.top + 20 + legend.length * 18);
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points)).filter(([x, y]) => x > 0 && y > 0);
  const xs = decades(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const ys = decades(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const [x0, x1] = [Math.log10(xs[0]), Math.log10(xs[xs.length - 1])];
  const [y0, y1] = [Math.log10(ys[0]), Math.log10(ys[ys.length - 1])];
  const py = (y: number) => H - m.bottom - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - m.top - m.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(m.left + W - legendWidth) / 2}" y="22" font-size="15" text-anchor="middle">${esc(title)}</text>`,
    `<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  panels.forEach((panel, k) => {
    const left = m.left + k * (panelWidth + m.gap);
    const px = (x: number) => left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * panelWidth;
    out.push(`<text x="${left + panelWidth / 2}" y="${m.top - 10}" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
    for (const x of xs) out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${m.top}" y2="${H - m.bottom}" stroke="#ddd"/><text x="${px(x)}" y="${H - m.bottom + 16}" text-anchor="middle">${x}</text>`);
    for (const y of ys) out.push(`<line x1="${left}" x2="${left + panelWidth}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${y.toExponential(0)}</text>`);
    out.push(`<rect x="${left}" y="${m.top}" width="${panelWidth}" height="${H - m.top - m.bottom}" fill="none" stroke="#333"/>`);
    out.push(`<text x="${left + panelWidth / 2}" y="${H - 18}" text-anchor="middle">${esc(xLabel)}</text>`);
    for (const s of panel.series) {
      const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
      out.push(`<polyline fill="none" ${style(s)} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
      for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colour(s)}"/>`);
    }
  });
  const lx = W - legendWidth + 12;
  legend.forEach((s, i) => {
    const ly = m.top + 10 + i * 18;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" ${style(s)}/><text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
