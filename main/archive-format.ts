// Where the archive is, and how archive query results are printed: readable tables, JSON or CSV.
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';

export function defaultArchivePath(): string {
  return join(envPaths('quench', { suffix: '' }).data, 'archive.sqlite');
}

export interface ArchiveLocation {
  path: string;
  /** true unless it is the default location (then commands that print a command to type name it) */
  explicit: boolean;
}

/** --archive PATH, else $QUENCH_ARCHIVE, else the user's data folder. */
export function archiveLocation(option?: string): ArchiveLocation {
  const given = option ?? (process.env.QUENCH_ARCHIVE || undefined);
  if (given) return { path: resolve(given), explicit: resolve(given) !== defaultArchivePath() };
  return { path: defaultArchivePath(), explicit: false };
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function archiveArg(where: ArchiveLocation): string {
  return where.explicit ? ` --archive ${shellQuote(where.path)}` : '';
}

export type OutputFormat = 'table' | 'json' | 'csv';

export function outputFormat(opts: { json?: boolean; csv?: boolean }): OutputFormat {
  return opts.json ? 'json' : opts.csv ? 'csv' : 'table';
}

/** Columns padded to their widest cell; numeric-looking columns right-aligned. */
export function renderTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+\u2212]?[\d.]+([ \u00a0]%)?$|^n\/a$|^$/.test(r[i] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(head: string[], rows: unknown[][]): string {
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}


export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
