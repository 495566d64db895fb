// A log-log line chart as a standalone SVG: enough for the bench's time-per-step figure without
// a plotting dependency.

export interface Series {
  name: string;
  points: [number, number][];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#393b79', '#e7969c'];

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function logLogSvg(series: Series[], title: string, xLabel: string, yLabel: string): string {
  // the legend sits right of the plot: as wide as its longest name (about 6.6 px a character at
  // 12 px), and the figure as tall as the legend needs
  const legendWidth = 50 + Math.ceil(6.6 * Math.max(0, ...series.map((s) => s.name.length)));
  const m = { left: 80, right: legendWidth, top: 40, bottom: 60 };
  const W = 530 + legendWidth;
  const H = Math.max(480, m.top + 20 + series.length * 18);
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  const xs = decades(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const ys = decades(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const [x0, x1] = [Math.log10(xs[0]), Math.log10(xs[xs.length - 1])];
  const [y0, y1] = [Math.log10(ys[0]), Math.log10(ys[ys.length - 1])];
  const px = (x: number) => m.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - m.left - m.right);
  const py = (y: number) => H - m.bottom - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - m.top - m.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - 60}" y="22" font-size="15" text-anchor="middle">${esc(title)}</text>`,
  ];
  for (const x of xs) out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${m.top}" y2="${H - m.bottom}" stroke="#ddd"/><text x="${px(x)}" y="${H - m.bottom + 16}" text-anchor="middle">${x}</text>`);
  for (const y of ys) out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${m.left - 6}" y="${py(y) + 4}" text-anchor="end">${y.toExponential(0)}</text>`);
  out.push(`<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 18}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  // one colour per backend (the part of the name before the comma), one dash pattern per storage
  const owners = [...new Set(series.map((s) => s.name.split(',')[0]))];
  series.forEach((s, i) => {
    const c = COLOURS[owners.indexOf(s.name.split(',')[0]) % COLOURS.length];
    const dash = /dense/.test(s.name) ? ' stroke-dasharray="6 3"' : '';
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${c}"/>`);
    const ly = m.top + 10 + i * 18;
    out.push(`<line x1="${W - m.right + 12}" x2="${W - m.right + 36}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"${dash}/><text x="${W - m.right + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
