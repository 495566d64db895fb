// Error types every process shares. A QuenchError carries a message meant for a person; the CLI
// prints it without a stack trace and maps the kind to an exit code.

export type ErrorKind = 'spec' | 'input' | 'not-found' | 'cancelled' | 'internal' | 'unsupported';

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
  constructor(message = 'cancelled') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

/** Exit codes of the command line: bad input is told apart from failures of the run itself. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, cancelled: 130 } as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof QuenchError) {
    if (err.kind === 'cancelled') return EXIT.cancelled;
    if (err.kind === 'spec' || err.kind === 'input' || err.kind === 'not-found' || err.kind === 'unsupported') return EXIT.badInput;
  }
  return EXIT.failure;
}
