// Claims on runs (schema 7, table run_claims): several processes may make one experiment's runs at
// once — two resumes of it, a cluster job beside a user — and none may make a run another is making.
// A process claims each run just before it starts it (one immediate transaction: the check and the
// claim cannot interleave with another process's), renews its claims while it works, and a made
// run's claim goes with its commit (Archive.commitOne). A claim is free to take when it is past its
// time, or when its process is gone (on this host: no such pid); so a killed process blocks nobody
// for longer than CLAIM_TTL_MS, and one on this host not even that long.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunSpec } from '../common/results.js';
import type { Archive } from './archive.js';
import { runUid } from './identity.js';

/** how long a claim lasts without renewal */
export const CLAIM_TTL_MS = 120_000;
/** how often a working process renews its claims */
export const CLAIM_RENEW_MS = 20_000;

export interface Claimant {
  /** unique per process and archive handle */
  owner: string;
  host: string;
  pid: number;
}

export function newClaimant(): Claimant {
  return { owner: randomBytes(8).toString('hex'), host: hostname(), pid: process.pid };
}

/** whether a process of this host is gone (kill(pid, 0): ESRCH; EPERM means it lives, as another user's) */
function goneHere(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Claims those of `runs` (planned runs of the experiment) that are pending and not claimed by a
 * live process; returns them (in their order). Runs done meanwhile, or being made elsewhere, are left out.
 */
export function claimRuns(archive: Archive, experimentId: string, runs: readonly RunSpec[], me: Claimant, now = Date.now()): RunSpec[] {
  if (runs.length === 0) return [];
  const identity = archive.experimentIdentityOf(experimentId);
  return archive.write('claiming runs to make', () => {
    const find = archive.db.prepare(
      `SELECT r.run_id, r.status, c.owner, c.host, c.pid, c.expires_at FROM runs r LEFT JOIN run_claims c ON c.run_id = r.run_id WHERE r.uid = ?`,
    );
    const put = archive.db.prepare(
      `INSERT INTO run_claims (run_id, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at`,
    );
    const mine: RunSpec[] = [];
    for (const run of runs) {
      const row = find.get(runUid(identity, run.key)) as
        | { run_id: number; status: string; owner: string | null; host: string | null; pid: number | null; expires_at: number | null }
        | undefined;
      if (!row || row.status === 'done') continue;
      const held = row.owner !== null && row.owner !== me.owner && row.expires_at! > now && !(row.host === me.host && goneHere(row.pid!));
      if (held) continue;
      put.run(row.run_id, me.owner, me.host, me.pid, now + CLAIM_TTL_MS);
      mine.push(run);
    }
    return mine;
  });
}

/** Extends this process's claims by CLAIM_TTL_MS from now. */
export function renewClaims(archive: Archive, me: Claimant, now = Date.now()): void {
  archive.write('renewing the claims on runs being made', () => {
    archive.db.prepare(`UPDATE run_claims SET expires_at = ? WHERE owner = ?`).run(now + CLAIM_TTL_MS, me.owner);
  });
}

/** Drops this process's remaining claims (runs it claimed and did not make: a cancel, a failure). */
export function releaseClaims(archive: Archive, me: Claimant): number {
  return archive.write('releasing the claims on runs', () => archive.db.prepare(`DELETE FROM run_claims WHERE owner = ?`).run(me.owner).changes);
}

/** Runs of the experiment another live process is making now (for "left to others" notes). */
export function claimedByOthers(archive: Archive, experimentId: string, me: Claimant, now = Date.now()): number {
  const rows = archive.db
    .prepare(`SELECT c.host, c.pid, c.expires_at FROM run_claims c JOIN runs r ON r.run_id = c.run_id WHERE r.experiment_id = ? AND c.owner != ? AND r.status != 'done'`)
    .all(experimentId, me.owner) as { host: string; pid: number; expires_at: number }[];
  return rows.filter((r) => r.expires_at > now && !(r.host === me.host && goneHere(r.pid))).length;
}
