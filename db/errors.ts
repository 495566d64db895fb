// SQLite's failures, said in words that name the archive and what was being done. A full disk, a
// read-only file, a damaged file and a lock held by another process each get their own message; the
// exit code follows the kind (a file the user named that cannot be used is bad input; a failure
// while storing is a failure).
import { QuenchError, type ErrorKind } from '../common/errors.js';

export class ArchiveError extends QuenchError {
  constructor(
    kind: ErrorKind,
    message: string,
    /** SQLite's error code, when SQLite raised it */
    readonly code?: string,
  ) {
    super(kind, message);
    this.name = 'ArchiveError';
  }
}

interface SqliteLike {
  code?: unknown;
  message?: unknown;
}

export function sqliteCode(err: unknown): string | undefined {
  const code = (err as SqliteLike | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Turns an error raised while `doing` something with the archive at `path` into an ArchiveError
 * (QuenchErrors pass through unchanged). `keeps` says what survives the failure, e.g.
 * "the runs stored before it are kept".
 */
export function archiveFailure(path: string, doing: string, err: unknown, keeps = 'nothing of this step was written'): QuenchError {
  if (err instanceof QuenchError) return err;
  const code = sqliteCode(err);
  const detail = String((err as SqliteLike | null)?.message ?? err);
  if (!code) return new ArchiveError('internal', `archive ${path}: ${doing} failed: ${detail}`);
  if (code === 'SQLITE_FULL') {
    return new ArchiveError('internal', `archive ${path} is full (no space left on the disk, or the archive's size limit reached) while ${doing}; ${keeps}`, code);
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new ArchiveError('input', `archive ${path} is read-only (${detail}) while ${doing}; ${keeps}. Use a writable file (--archive PATH)`, code);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new ArchiveError('input', `archive ${path} is damaged (${detail}) while ${doing}; ${keeps}`, code);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new ArchiveError('internal', `archive ${path} is locked by another process while ${doing}; ${keeps}. Try again when it has finished`, code);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new ArchiveError('input', `cannot open archive ${path} (${detail}): check that its folder exists and is writable`, code);
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new ArchiveError('internal', `archive ${path}: disk I/O error while ${doing} (${detail}); ${keeps}`, code);
  }
  return new ArchiveError('internal', `archive ${path}: ${doing} failed (${code}: ${detail}); ${keeps}`, code);
}
