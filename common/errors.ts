// Error types every process shares. A QuenchError carries a message meant for a person; the CLI
// prints it without a stack trace and maps the kind to an exit code.

/**
 * 'confirm': the work is admissible but long; it starts when the user says so (--yes, or the app's
 * confirmation). 'cancelled': stopped by the user (SIGINT) or by the system (SIGTERM).
 */
export type ErrorKind = 'spec' | 'input' | 'not-found' | 'cancelled' | 'internal' | 'unsupported' | 'confirm';

export class QuenchError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'QuenchError';
  }
}

/** One problem in a spec: where it is, what was there, what is allowed. */
export interface SpecIssue {
  path: string;
  value: string;
  allowed: string;
}

export class SpecError extends QuenchError {
  constructor(
    readonly issues: SpecIssue[],
    readonly source = 'spec',
  ) {
    super('spec', `${source} is invalid:\n` + issues.map((i) => `  - ${i.path}: got ${i.value}; ${i.allowed}`).join('\n'));
    this.name = 'SpecError';
  }
}

export class CancelledError extends QuenchError {
  constructor(
    message = 'cancelled',
    /** the signal that stopped the work, if one did */
    readonly signal: 'SIGINT' | 'SIGTERM' | null = null,
  ) {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

/** Work that needs the user's go-ahead (it is long): what it would cost, in words. */
export class ConfirmationNeeded extends QuenchError {
  constructor(
    message: string,
    readonly estimatedSeconds: number,
  ) {
    super('confirm', message);
    this.name = 'ConfirmationNeeded';
  }
}

/**
 * Exit codes of the command line: bad input is told apart from failures of the run itself; a cancel
 * by Ctrl-C exits 130 and one by SIGTERM 143 (128 + the signal, as shells report them).
 */
export const EXIT = { ok: 0, failure: 1, badInput: 2, cancelled: 130, terminated: 143 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof QuenchError) {
    if (err.kind === 'cancelled') return err instanceof CancelledError && err.signal === 'SIGTERM' ? EXIT.terminated : EXIT.cancelled;
    if (err.kind === 'spec' || err.kind === 'input' || err.kind === 'not-found' || err.kind === 'unsupported' || err.kind === 'confirm') return EXIT.badInput;
  }
  return EXIT.failure;
}
