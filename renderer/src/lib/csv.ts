// Measured time constants from a CSV (or any text of numbers): parsed in the browser, only the
// values are sent. A header row and non-numeric cells are skipped and counted.

export interface CsvColumns {
  names: string[];
  columns: number[][];
  /** per column, the cells that are not numbers (header row excepted) */
  skipped: number[];
}

export function readCsv(text: string): CsvColumns {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const sep = (l: string) => l.split(l.includes(',') ? ',' : l.includes(';') ? ';' : l.includes('\t') ? '\t' : /\s+/);
  const rows = lines.map(sep);
  const width = Math.max(0, ...rows.map((r) => r.length));
  let names = Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  let start = 0;
  if (rows[0] && rows[0].some((c) => c.trim() !== '' && !Number.isFinite(Number(c)))) {
    names = names.map((n, i) => rows[0]![i]?.trim().replace(/^"|"$/g, '') || n);
    start = 1;
  }
  const columns: number[][] = names.map(() => []);
  const skipped = names.map(() => 0);
  for (const r of rows.slice(start)) {
    for (let i = 0; i < width; i++) {
      const cell = (r[i] ?? '').trim().replace(/^"|"$/g, '');
      if (cell === '') continue;
      const v = Number(cell);
      if (Number.isFinite(v)) columns[i]!.push(v);
      else skipped[i]!++;
    }
  }
  return { names, columns, skipped };
}

/** The values usable as time constants: positive and finite; says what was left out. */
export function tauValues(xs: number[]): { values: number[]; dropped: number } {
  const values = xs.filter((v) => Number.isFinite(v) && v > 0);
  return { values, dropped: xs.length - values.length };
}
