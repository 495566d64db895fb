// The report's comparison charts as inline SVG: an interval chart (mean capacity per configuration,
// or the contrasts' Δ as a forest plot) whose labels wrap instead of being cut; per task family, small
// multiples (one panel per family, every configuration or contrast a row with its 95 % interval, so
// that no legend of 28 colours is needed); and the resilience curve as small multiples, one panel
// per kind of manipulation on its own numeric axis (main/analysis/manipulations.ts places them).
import type { Curve, ManipulationPanel } from '../../common/comparison.js';
import { num as fmt, manipulationPanelTitle as panelTitle, signedNum } from '../../common/format.js';
import { colour, esc, finite, legend, niceTicks, num, svgOpen, textLines, tickLabel, tickLabels, wrapText } from './svg.js';

/** A value with its 95 % interval (null ends: no interval). */
export interface IntervalRow {
  label: string;
  /** the label as lines (default: wrapped at 44 characters) */
  lines?: string[];
  mean: number;
  lo: number | null;
  hi: number | null;
}

const CHAR_W = 6.2;
const LINE_H = 13;

/**
 * Horizontal: one row per item, a bar from 0 to the mean (or, for `forest`, a dot) and the 95 %
 * interval as a whisker; the value written at the right. Labels wrap onto as many lines as they need.
 */
export function intervalChart(rows: IntervalRow[], opts: { title: string; xLabel: string; forest: boolean }): string {
  const wrapped = rows.map((r) => r.lines ?? wrapText(r.label, 44));
  const labelChars = Math.max(8, ...wrapped.flat().map((l) => l.length));
  const labelW = Math.round(labelChars * CHAR_W) + 12;
  const valueW = 64;
  const width = 760;
  const plotW = width - labelW - valueW - 16;
  const heights = wrapped.map((l) => Math.max(24, l.length * LINE_H + 10));
  const tops = heights.map((_, i) => heights.slice(0, i).reduce((a, b) => a + b, 12));
  const top = 12;
  const axisY = top + heights.reduce((a, b) => a + b, 0) + 4;
  const height = axisY + 40;
  const vals = rows.flatMap((r) => [r.mean, r.lo, r.hi]).filter(finite);
  let lo = Math.min(0, ...vals);
  let hi = Math.max(0, ...vals);
  if (!opts.forest) hi = Math.max(hi, lo + 1e-9);
  const pad = (hi - lo) * 0.05 || 0.05;
  if (opts.forest || lo < 0) lo -= pad;
  hi += pad;
  const x = (v: number) => labelW + ((v - lo) / (hi - lo)) * plotW;
  const parts: string[] = [...svgOpen(opts.title, width, height)];
  const ticks = niceTicks(lo, hi);
  const labels = tickLabels(ticks);
  ticks.forEach((t, i) => {
    parts.push(`<line x1="${num(x(t))}" y1="${top}" x2="${num(x(t))}" y2="${axisY}" class="grid"/>`);
    parts.push(`<text x="${num(x(t))}" y="${axisY + 14}" class="tick" text-anchor="middle">${esc(labels[i])}</text>`);
  });
  parts.push(`<line x1="${num(x(0))}" y1="${top - 4}" x2="${num(x(0))}" y2="${axisY}" class="zero"/>`);
  rows.forEach((r, i) => {
    const cy = tops[i] + heights[i] / 2;
    const c = opts.forest ? '#333333' : colour(i);
    parts.push(`<g><title>${esc(`${r.label}: ${opts.forest ? signedNum(r.mean) : fmt(r.mean)}${finite(r.lo) && finite(r.hi) ? ` [${fmt(r.lo)}, ${fmt(r.hi)}]` : ''}`)}</title>`);
    parts.push(textLines(wrapped[i], labelW - 8, cy + 4, 'class="label" text-anchor="end"', LINE_H));
    if (finite(r.mean)) {
      if (opts.forest) parts.push(`<circle cx="${num(x(r.mean))}" cy="${num(cy)}" r="4.5" fill="${c}"/>`);
      else parts.push(`<rect x="${num(Math.min(x(0), x(r.mean)))}" y="${num(cy - 7)}" width="${num(Math.abs(x(r.mean) - x(0)))}" height="14" fill="${c}" opacity="0.85"/>`);
      if (finite(r.lo) && finite(r.hi)) {
        parts.push(`<line x1="${num(x(r.lo))}" y1="${num(cy)}" x2="${num(x(r.hi))}" y2="${num(cy)}" class="whisker"/>`);
        for (const v of [r.lo, r.hi]) parts.push(`<line x1="${num(x(v))}" y1="${num(cy - 5)}" x2="${num(x(v))}" y2="${num(cy + 5)}" class="whisker"/>`);
      }
      parts.push(`<text x="${width - 8}" y="${num(cy + 4)}" class="value" text-anchor="end">${esc(opts.forest ? signedNum(r.mean) : fmt(r.mean))}</text>`);
    }
    parts.push('</g>');
  });
  parts.push(`<text x="${num(labelW + plotW / 2)}" y="${height - 6}" class="axis" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** A configuration's (or a contrast's) values per family, for the small multiples. */
export interface FamilyRow {
  label: string;
  /** the label as lines (default: wrapped at 30 characters) */
  lines?: string[];
  values: ({ mean: number; lo: number | null; hi: number | null } | undefined)[];
}

/** at most this many family panels side by side */
const PANELS_PER_ROW = 4;
/** a figure taller than this (px at 760 wide) is split, a row of panels each, so that each fits a printed page */
const MAX_FIGURE_H = 900;

/**
 * Small multiples per task family: a panel per family, each on its own scale, every row a
 * configuration (or contrast) with its mean as a dot and its 95 % interval as a whisker; the labels
 * once per row of panels, wrapped. Returns one SVG, or one per row of panels when one would not fit
 * a printed page.
 */
export function familyMultiples(families: string[], rows: FamilyRow[], opts: { title: string; xLabel: string; delta: boolean }): string[] {
  const width = 760;
  const wrapped = rows.map((r) => r.lines ?? wrapText(r.label, 30));
  const labelW = Math.round(Math.max(8, ...wrapped.flat().map((l) => l.length)) * CHAR_W) + 12;
  const perRow = Math.max(1, Math.min(PANELS_PER_ROW, families.length));
  const panelW = (width - labelW - 8) / perRow;
  const rowHs = wrapped.map((l) => Math.max(18, l.length * 12 + 6));
  const bodyH = rowHs.reduce((a, b) => a + b, 0);
  const headH = 22;
  const axisH = 24;
  const bandH = headH + bodyH + axisH;
  const bands: string[][] = [];
  for (let i = 0; i < families.length; i += perRow) bands.push(families.slice(i, i + perRow));

  const band = (fams: string[], y0: number): string[] => {
    const out: string[] = [];
    let ry = y0 + headH;
    rows.forEach((_, i) => {
      const cy = ry + rowHs[i] / 2;
      out.push(textLines(wrapped[i], labelW - 8, cy + 4, 'class="label" text-anchor="end"', 12));
      if (i % 2 === 1) out.push(`<rect x="${labelW}" y="${num(ry)}" width="${num(width - labelW - 8)}" height="${rowHs[i]}" fill="#f4f4f6"/>`);
      ry += rowHs[i];
    });
    fams.forEach((f, k) => {
      const fi = families.indexOf(f);
      // a gap between panels wide enough that one panel's last tick label never meets the next one's first
      const px = labelW + k * panelW + 10;
      const pw = panelW - 34;
      const vals = rows.flatMap((r) => [r.values[fi]?.mean, r.values[fi]?.lo, r.values[fi]?.hi]).filter(finite);
      let lo = Math.min(0, ...vals);
      let hi = Math.max(0, ...vals);
      if (!(hi > lo)) hi = lo + 1;
      const pad = (hi - lo) * 0.06;
      lo -= lo < 0 ? pad : 0;
      hi += pad;
      const x = (v: number) => px + ((v - lo) / (hi - lo)) * pw;
      const bottom = y0 + headH + bodyH;
      out.push(`<text x="${num(px + pw / 2)}" y="${num(y0 + 14)}" class="panel-title" text-anchor="middle">${esc(f)}</text>`);
      const ticks = niceTicks(lo, hi, 3);
      const labels = tickLabels(ticks);
      ticks.forEach((t, j) => {
        out.push(`<line x1="${num(x(t))}" y1="${y0 + headH}" x2="${num(x(t))}" y2="${num(bottom)}" class="grid"/>`);
        out.push(`<text x="${num(x(t))}" y="${num(bottom + 14)}" class="tick" text-anchor="middle">${esc(labels[j])}</text>`);
      });
      out.push(`<line x1="${num(x(0))}" y1="${y0 + headH}" x2="${num(x(0))}" y2="${num(bottom)}" class="zero"/>`);
      let ry2 = y0 + headH;
      rows.forEach((r, i) => {
        const v = r.values[fi];
        const cy = ry2 + rowHs[i] / 2;
        ry2 += rowHs[i];
        if (!v || !finite(v.mean)) return;
        const hasCi = finite(v.lo) && finite(v.hi);
        const c = opts.delta ? (v.mean >= 0 ? colour(0) : colour(1)) : colour(0);
        out.push(`<g><title>${esc(`${r.label}, ${f}: ${opts.delta ? signedNum(v.mean) : fmt(v.mean)}${hasCi ? ` [${fmt(v.lo)}, ${fmt(v.hi)}]` : ''}`)}</title>`);
        if (hasCi) out.push(`<line x1="${num(x(v.lo!))}" y1="${num(cy)}" x2="${num(x(v.hi!))}" y2="${num(cy)}" stroke="${c}" stroke-width="1.5"/>`);
        out.push(`<circle cx="${num(x(v.mean))}" cy="${num(cy)}" r="3.5" fill="${c}"/></g>`);
      });
    });
    return out;
  };

  const svgOf = (bs: string[][], title: string): string => {
    const height = bs.length * (bandH + 8) + 28;
    const parts = [...svgOpen(title, width, height)];
    bs.forEach((b, i) => parts.push(...band(b, 4 + i * (bandH + 8))));
    parts.push(`<text x="${num(labelW + (width - labelW) / 2)}" y="${height - 8}" class="axis" text-anchor="middle">${esc(opts.xLabel)}</text>`, '</svg>');
    return parts.join('\n');
  };
  const whole = bands.length * (bandH + 8) + 28;
  if (whole <= MAX_FIGURE_H || bands.length === 1) return [svgOf(bands, opts.title)];
  return bands.map((b) => svgOf([b], `${opts.title}: ${b.join(', ')}`));
}

/** Marker shapes, so that series differ by more than colour. */
function marker(i: number, cx: number, cy: number, c: string): string {
  const r = 4;
  switch (i % 4) {
    case 1:
      return `<rect x="${num(cx - r)}" y="${num(cy - r)}" width="${2 * r}" height="${2 * r}" fill="${c}"/>`;
    case 2:
      return `<path d="M${num(cx)} ${num(cy - r - 1)} L${num(cx + r + 1)} ${num(cy + r)} L${num(cx - r - 1)} ${num(cy + r)} Z" fill="${c}"/>`;
    case 3:
      return `<path d="M${num(cx)} ${num(cy - r - 1)} L${num(cx + r + 1)} ${num(cy)} L${num(cx)} ${num(cy + r + 1)} L${num(cx - r - 1)} ${num(cy)} Z" fill="${c}"/>`;
    default:
      return `<circle cx="${num(cx)}" cy="${num(cy)}" r="${r}" fill="${c}"/>`;
  }
}

/**
 * The resilience curve as small multiples: one panel per kind of manipulation, each on its own axis
 * (gain 0–2 with the base at 1, p on a log axis, W = 0 as its own point beside the base), every panel
 * on the same capacity scale; one line per series with 95 % whiskers; the base marked.
 */
export function resilienceChart(curve: Curve, title: string): string {
  const panels = curve.panels;
  const width = 760;
  const perRow = Math.max(1, Math.min(3, panels.length));
  const panelW = (width - 8) / perRow;
  const plotH = 170;
  const headH = 22;
  const axisH = 58;
  const bandH = headH + plotH + axisH;
  const bands = Math.ceil(panels.length / perRow);
  const vals = curve.series.flatMap((s) => s.points.flatMap((p) => (p ? [p.meanCapacity.mean, ...(p.meanCapacity.n > 1 ? [p.meanCapacity.lo, p.meanCapacity.hi] : [])] : []))).filter(finite);
  const lo = Math.min(0, ...vals);
  const hi = Math.max(lo + 1e-9, ...vals) * 1.05;
  const leg = legend(
    curve.series.map((s, i) => ({ label: s.label, colour: colour(i) })),
    width,
    bands * bandH + 16,
  );
  const height = bands * bandH + 16 + leg.height + 8;
  const parts = [...svgOpen(title, width, height)];
  panels.forEach((p, k) => {
    const px = (k % perRow) * panelW + 48;
    const pw = panelW - 48 - 12;
    const y0 = Math.floor(k / perRow) * bandH;
    const top = y0 + headH;
    const y = (v: number) => top + plotH - ((v - lo) / (hi - lo)) * plotH;
    parts.push(`<text x="${num(px + pw / 2)}" y="${num(y0 + 15)}" class="panel-title" text-anchor="middle">${esc(panelTitle(p))}</text>`);
    const yTicks = niceTicks(lo, hi, 4);
    const yLabels = tickLabels(yTicks);
    yTicks.forEach((t, i) => {
      parts.push(`<line x1="${num(px)}" y1="${num(y(t))}" x2="${num(px + pw)}" y2="${num(y(t))}" class="grid"/>`);
      parts.push(`<text x="${num(px - 5)}" y="${num(y(t) + 4)}" class="tick" text-anchor="end">${esc(yLabels[i])}</text>`);
    });
    // the x position of each of the panel's points
    let xOf: (pt: ManipulationPanel['points'][number], i: number) => number;
    const xTicks: { at: number; label: string[] }[] = [];
    if (p.scale === 'point') {
      xOf = (_, i) => px + ((i + 0.5) / p.points.length) * pw;
      p.points.forEach((pt, i) => xTicks.push({ at: xOf(pt, i), label: wrapText(pt.x, Math.max(6, Math.floor(pw / p.points.length / CHAR_W))) }));
    } else {
      const values = p.points.map((pt) => pt.value!).filter(finite);
      const tx = (v: number) => (p.scale === 'log' ? Math.log10(v) : v);
      let d0 = Math.min(...values.map(tx), ...(p.domain ? [tx(p.domain[0])] : []));
      let d1 = Math.max(...values.map(tx), ...(p.domain ? [tx(p.domain[1])] : []));
      if (!(d1 > d0)) [d0, d1] = [d0 - 0.5, d1 + 0.5];
      const padX = (d1 - d0) * 0.06;
      d0 -= padX;
      d1 += padX;
      const xv = (v: number) => px + ((tx(v) - d0) / (d1 - d0)) * pw;
      xOf = (pt) => xv(pt.value!);
      if (p.scale === 'log') for (const v of [...new Set(values)].sort((a, b) => a - b)) xTicks.push({ at: xv(v), label: [tickLabel(v)] });
      else {
        const ticks = niceTicks(d0 + padX, d1 - padX, 4);
        tickLabels(ticks).forEach((l, i) => xTicks.push({ at: xv(ticks[i]), label: [l] }));
      }
      const base = p.points.find((pt) => pt.base);
      if (base) {
        parts.push(`<line x1="${num(xv(base.value!))}" y1="${top}" x2="${num(xv(base.value!))}" y2="${top + plotH}" class="base"/>`);
        parts.push(`<text x="${num(xv(base.value!) + 3)}" y="${top + 10}" class="tick">base</text>`);
      }
    }
    parts.push(`<line x1="${num(px)}" y1="${top + plotH}" x2="${num(px + pw)}" y2="${top + plotH}" class="zero"/>`);
    for (const t of xTicks) parts.push(textLines(t.label, t.at, top + plotH + 14 + ((t.label.length - 1) * 12) / 2, 'class="tick" text-anchor="middle"', 12));
    parts.push(textLines(wrapText(p.axis, Math.floor(pw / CHAR_W)), px + pw / 2, top + plotH + 44, 'class="axis" text-anchor="middle"', 12));
    curve.series.forEach((s, si) => {
      const pts = p.points
        .map((pt, i) => ({ pt, x: xOf(pt, i), v: s.points[curve.xs.indexOf(pt.x)] ?? null }))
        .filter((q) => q.v !== null && finite(q.v.meanCapacity.mean));
      if (p.scale !== 'point' && pts.length > 1) parts.push(`<polyline fill="none" stroke="${colour(si)}" stroke-width="2" points="${pts.map((q) => `${num(q.x)},${num(y(q.v!.meanCapacity.mean))}`).join(' ')}"/>`);
      for (const q of pts) {
        const m = q.v!.meanCapacity;
        const hasCi = m.n > 1 && finite(m.lo) && finite(m.hi);
        parts.push(`<g><title>${esc(`${s.label}, ${q.pt.x}: ${fmt(m.mean)}${hasCi ? ` [${fmt(m.lo)}, ${fmt(m.hi)}]` : ''}`)}</title>`);
        if (hasCi) parts.push(`<line x1="${num(q.x)}" y1="${num(y(m.lo))}" x2="${num(q.x)}" y2="${num(y(m.hi))}" stroke="${colour(si)}" stroke-width="1.5"/>`);
        parts.push(marker(si, q.x, y(m.mean), colour(si)), '</g>');
      }
    });
  });
  parts.push(`<text x="12" y="${num(headH + plotH / 2)}" class="axis" text-anchor="middle" transform="rotate(-90 12 ${num(headH + plotH / 2)})">mean capacity</text>`);
  parts.push(leg.svg, '</svg>');
  return parts.join('\n');
}
