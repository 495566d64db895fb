// The report's tables, made to fit a printed page: a table wider than an A4 page's text is split into
// several, each repeating the identifying column(s), instead of being cut at the page's edge (where
// the last columns, xor and static, used to disappear). Widths are estimated from the text: numbers
// and intervals never wrap (no-break spaces), words wrap in the other cells.
import { esc } from './svg.js';

/** A cell: one line, or lines shown one under the other. */
export type Cell = string | string[];

export interface TableOptions {
  /** which columns hold numbers: right-aligned, never wrapped */
  numeric?: (column: number) => boolean;
  /** leading columns repeated in every part of a split table (default 1: the label) */
  keep?: number;
  /** characters across the printed text width (A4 less its margins, at the tables' print size) */
  budget?: number;
}

/**
 * Characters of the tables' print size (8 pt) across A4's text width (186 mm = 703 px): about 6 px a
 * character in DejaVu Sans, the widest of the usual sans fonts (measured in Chromium under print).
 */
export const PRINT_BUDGET = 114;
/** a cell's padding, in characters */
const PAD = 2;
/** a wrapping cell may be made this narrow, in characters (unless a word is longer) */
const WRAP = 16;
/** bold header text is wider than the cells' */
const BOLD = 1.1;

const lines = (c: Cell) => (Array.isArray(c) ? c : [c]);
const longestWord = (s: string) => Math.max(0, ...s.split(/[ \n]/).map((w) => w.length));

/** The characters a column needs: its longest unbreakable text, numbers whole, other text wrapped at about WRAP. */
export function columnWidth(head: string, cells: Cell[], numeric: boolean): number {
  let w = Math.ceil(longestWord(head) * BOLD);
  for (const c of cells) {
    for (const l of lines(c)) w = Math.max(w, numeric ? l.length : Math.min(l.length, Math.max(WRAP, longestWord(l))));
  }
  return w + PAD;
}

/**
 * The column groups a table is split into, each with the kept columns first: as few parts as fit the
 * budget, the other columns shared out about evenly between them (not a full part and a last column
 * alone).
 */
export function splitColumns(widths: number[], keep: number, budget: number): number[][] {
  const kept = widths.slice(0, keep).reduce((a, b) => a + b, 0);
  const fill = (limit: number): number[][] => {
    const parts: number[][] = [];
    let part: number[] = [];
    let used = 0;
    for (let i = keep; i < widths.length; i++) {
      if (part.length > 0 && used + widths[i] > limit) {
        parts.push(part);
        part = [];
        used = 0;
      }
      part.push(i);
      used += widths[i];
    }
    if (part.length > 0 || parts.length === 0) parts.push(part);
    return parts;
  };
  const room = Math.max(1, budget - kept);
  const fewest = fill(room).length;
  // the narrowest limit that still needs no more parts than the budget does
  const rest = widths.slice(keep).reduce((a, b) => a + b, 0);
  let limit = Math.max(...widths.slice(keep), Math.ceil(rest / fewest));
  while (limit < room && fill(limit).length > fewest) limit++;
  const parts = fill(Math.min(limit, room));
  return parts.map((p) => [...Array.from({ length: Math.min(keep, widths.length) }, (_, i) => i), ...p]);
}

/** A table as HTML, split into parts that fit a printed page when it is too wide; each later part says which columns it continues with. */
export function htmlTable(head: string[], rows: Cell[][], o: TableOptions = {}): string {
  const numeric = o.numeric ?? (() => false);
  const keep = Math.min(o.keep ?? 1, head.length);
  const widths = head.map((h, i) => columnWidth(h, rows.map((r) => r[i] ?? ''), numeric(i)));
  const parts = splitColumns(widths, keep, o.budget ?? PRINT_BUDGET);
  const cell = (c: Cell) => lines(c).map(esc).join('<br>');
  return parts
    .map((cols, k) => {
      // a note before the table, not a <caption>: print keeps it with the table's first rows (break-after: avoid), as a heading
      const note = parts.length > 1 ? `<p class="part">Part ${k + 1} of ${parts.length}${k === 0 ? ' (the table is split to fit the page; each part repeats the first column)' : ''}</p>\n` : '';
      const th = cols.map((i) => `<th${numeric(i) ? ' class="num"' : ''}>${esc(head[i])}</th>`).join('');
      const body = rows.map((r) => `<tr>${cols.map((i) => `<td${numeric(i) ? ' class="num"' : ''}>${cell(r[i] ?? '')}</td>`).join('')}</tr>`).join('\n');
      return `${note}<div class="scroll"><table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
    })
    .join('\n');
}
