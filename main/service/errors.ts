// How failures cross the process boundary: every error becomes an ApiError (kind, message in words,
// the spec issues where there are some) — never a stack trace — and the HTTP server maps its kind to
// a status code.
import type { ApiError } from '../../common/api.js';
import { QuenchError, type SpecIssue } from '../../common/errors.js';

/** Bad arguments to an API method (not a spec): the same issue list as a bad spec, kind 'input'. */
export class ArgumentError extends QuenchError {
  constructor(
    readonly issues: SpecIssue[],
    readonly method: string,
  ) {
    super('input', `${method}: bad argument${issues.length > 1 ? 's' : ''}:\n` + issues.map((i) => `  - ${i.path}: got ${i.value}; ${i.allowed}`).join('\n'));
    this.name = 'ArgumentError';
  }
}

const KINDS = new Set(['spec', 'input', 'not-found', 'cancelled', 'internal', 'unsupported', 'confirm']);

/** Any thrown value as the renderer sees it. Errors that are not QuenchErrors are internal. */
export function toApiError(err: unknown): ApiError {
  const kind = (err as { kind?: unknown } | null)?.kind;
  if (err instanceof QuenchError || (err instanceof Error && typeof kind === 'string' && KINDS.has(kind))) {
    const e = err as QuenchError & { issues?: unknown };
    const out: ApiError = { kind: e.kind, message: e.message };
    const seconds = (err as { estimatedSeconds?: unknown }).estimatedSeconds;
    if (typeof seconds === 'number') out.estimatedSeconds = seconds;
    if (Array.isArray(e.issues)) out.issues = (e.issues as SpecIssue[]).map((i) => ({ path: String(i.path), value: String(i.value), allowed: String(i.allowed) }));
    return out;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'internal', message: `internal error: ${message}` };
}

/** HTTP status of an ApiError kind: bad input is the caller's (4xx), a failure of the work is ours (5xx). */
export function httpStatusOf(kind: string): number {
  switch (kind) {
    case 'spec':
    case 'input':
    case 'unsupported':
      return 400;
    case 'not-found':
      return 404;
    case 'cancelled':
      return 409;
    case 'confirm':
      // the request is good but needs the user's go-ahead: repeat it with confirm: true
      return 428;
    default:
      return 500;
  }
}
