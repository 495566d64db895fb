// Where the archive is (--archive PATH, else $QUENCH_ARCHIVE, else the user's data folder), and
// opening it with this app's version stamped on what it writes.
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';
import { Archive } from '../db/archive.js';
import { appVersion } from './version.js';

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

/** `read`: the caller only reads (a query): a file or folder it may not write is opened read-only */
export function openArchive(where: ArchiveLocation, create = false, readonly = false, read = false): Archive {
  return Archive.open(where.path, { create, appVersion: appVersion(), readonly, read });
}
