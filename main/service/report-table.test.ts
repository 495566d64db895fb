// Tables split to the printed page's width, and the SVG primitives' numbers and labels.
import { describe, expect, it } from 'vitest';
import { PRINT_BUDGET, columnWidth, htmlTable, splitColumns } from './report-table.js';
import { decimalsFor, standaloneSvg, tickLabels, wrapText } from './svg.js';

describe('splitColumns', () => {
  it('keeps a table that fits whole', () => {
    expect(splitColumns([20, 10, 10], 1, 100)).toEqual([[0, 1, 2]]);
  });
  it('splits into as few parts as fit, the columns shared out evenly, the kept ones in each', () => {
    // 30 kept + 9 × 10: two parts of 60 at a budget of 100 (not 70 and 20)
    const parts = splitColumns([30, ...Array(9).fill(10)], 1, 100);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p[0]).toBe(0);
    expect(parts.flatMap((p) => p.slice(1))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.abs(parts[0].length - parts[1].length)).toBeLessThanOrEqual(1);
  });
  it('puts a column wider than the room in a part of its own', () => {
    expect(splitColumns([20, 200, 10], 1, 100)).toEqual([[0, 1], [0, 2]]);
  });
});

describe('htmlTable', () => {
  it('splits the contrast table of ten columns for an A4 page, each part within the budget', () => {
    const head = ['comparison', 'design', 'Δ mean capacity', '95 % CI', 'test p', 'sign-flip p', 'bootstrap 95 %', 'tasks higher / lower / tied', 'Wilcoxon p (per task, descriptive)', 'verdict'];
    const row = ['lognormal c=1 vs homogeneous', 'paired over 5 seed(s)', '+0.031', '[+0.027,\u00a0+0.035]', 'paired t 2.8\u00a0×\u00a010⁻⁵', '0.063', '[+0.027,\u00a0+0.035]', '202 / 167 / 28 of 397', '1.0\u00a0×\u00a010⁻⁸', 'lognormal c=1 higher'];
    const numeric = (i: number) => (i >= 2 && i <= 6) || i === 8;
    const html = htmlTable(head, [row, row], { numeric });
    const parts = html.split('<table>').length - 1;
    expect(parts).toBe(2);
    expect(html).toContain('<p class="part">Part 1 of 2');
    const widths = head.map((h, i) => columnWidth(h, [row[i]], numeric(i)));
    for (const p of splitColumns(widths, 1, PRINT_BUDGET)) expect(p.reduce((a, i) => a + widths[i], 0)).toBeLessThanOrEqual(PRINT_BUDGET);
    // every cell is there, escaped, and numbers are marked so that they do not wrap
    for (const cell of row) expect(html).toContain(cell.replace(/</g, '&lt;'));
    expect(html).toContain('<td class="num">+0.031</td>');
  });
  it('shows a cell of several lines one under the other', () => {
    expect(htmlTable(['a', 'b'], [['x', ['+0.1', '[0.0,\u00a00.2]']]])).toContain('<td>+0.1<br>[0.0,\u00a00.2]</td>');
  });
});

describe('svg numbers and labels', () => {
  it('gives every tick of an axis the same decimals, with a true minus sign', () => {
    expect(decimalsFor([0, 0.25, 0.5])).toBe(2);
    expect(tickLabels([-0.1, -0.05, 0, 0.05])).toEqual(['\u22120.10', '\u22120.05', '0.00', '0.05']);
    expect(tickLabels([0, 1, 2])).toEqual(['0', '1', '2']);
  });
  it('wraps at spaces and never cuts a word', () => {
    const lines = wrapText('lognormal c=1, gain x0.25 vs homogeneous, gain x0.25', 20);
    expect(lines).toEqual(['lognormal c=1, gain', 'x0.25 vs', 'homogeneous, gain', 'x0.25']);
    expect(lines.join(' ')).toBe('lognormal c=1, gain x0.25 vs homogeneous, gain x0.25');
    expect(wrapText('a-very-long-unbroken-label', 5)).toEqual(['a-very-long-unbroken-label']);
    expect(wrapText('', 5)).toEqual(['']);
  });
  it('makes a standalone SVG file carry its style', () => {
    const svg = standaloneSvg('<svg xmlns="http://www.w3.org/2000/svg" class="chart"><title>t</title><text class="tick">1</text></svg>');
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*><title>t<\/title>\n<style>\.chart text \{/);
  });
});
