// A selection of runs, as the CLI, the app and the archive take it (the archive turns it into SQL:
// db/filters.ts).
export interface RunFilter {
  /** clauses like "family=lognormal", "n>=100", "network.p=0.1", "family=none|lognormal" */
  where?: string[];
  /** runs tagged with every one of these (a tag on an experiment applies to its runs) */
  tags?: string[];
  /** ISO instants: finished (or, if pending, created) at or after / before */
  since?: string;
  until?: string;
  /** default: any status */
  status?: string[];
  /** experiment ids (already resolved) */
  experiments?: string[];
  /** run uids (a saved comparison set) */
  runUids?: string[];
}
