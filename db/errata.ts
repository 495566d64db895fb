// Known defects of earlier versions that made stored numbers wrong, and which stored runs they
// touch. An archive keeps every run it was given; a run made by an affected version on an affected
// backend is flagged wherever it is compared (`quench compare`, the app's Compare, reports), and
// `quench resume <experiment> --recompute-flagged` makes it again with this version.
import type { ErratumNotice } from '../common/comparison.js';
import type { Archive } from './archive.js';
import { filterSql, type RunFilter } from './filters.js';

export interface Erratum {
  id: string;
  /** one line: what was wrong */
  title: string;
  /** the first version without the defect */
  fixedIn: string;
  /** which runs it touched and why, in words */
  detail: string;
  /** SQL condition on `runs r` that holds for exactly the affected runs */
  where: string;
}

export const ERRATA: readonly Erratum[] = [
  {
    id: 'lif-reused-memory',
    title: 'spiking runs on the WebAssembly backends depended on the run before them',
    fixedIn: '0.2.0',
    detail:
      'Quench 0.1.0 handed a WebAssembly LIF simulation memory that the previous run in the same worker thread had used, without ' +
      'clearing it; stale refractory counters silenced neurons (a W = 0 network fired 11 Hz instead of 23 Hz), so results ' +
      'depended on the run order and the thread count. Affected: LIF runs without noise on the wasm* backends (with noise, ' +
      'the TypeScript kernel ran). 0.1.0 builds from before the memory reuse are flagged too, as the version does not tell ' +
      'them apart; recomputing such a run gives the numbers it had.',
    where: `(r.status = 'done' AND r.model = 'lif' AND r.backend GLOB 'wasm*' AND r.app_version = '0.1.0'
      AND coalesce((SELECT json_extract(x.spec_json, '$.network.model.noise') FROM run_specs x WHERE x.run_id = r.run_id), 0) = 0)`,
  },
];

export type { ErratumNotice };

/** The errata that touch runs of this selection (none: []). */
export function errataIn(archive: Archive, filter: RunFilter = {}): ErratumNotice[] {
  const sel = filterSql(filter, 'r');
  const out: ErratumNotice[] = [];
  for (const e of ERRATA) {
    const rows = archive.db
      .prepare(
        `SELECT r.experiment_id AS id, x.name AS name, count(*) AS runs FROM runs r JOIN experiments x ON x.id = r.experiment_id
         WHERE ${sel.sql} AND ${e.where} GROUP BY r.experiment_id ORDER BY x.created_at`,
      )
      .all(...sel.params) as { id: string; name: string; runs: number }[];
    if (rows.length === 0) continue;
    out.push({ id: e.id, title: e.title, fixedIn: e.fixedIn, detail: e.detail, runs: rows.reduce((n, r) => n + r.runs, 0), experiments: rows });
  }
  return out;
}

/** run_ids of the experiment's runs that some erratum touches */
export function flaggedRunIds(archive: Archive, experimentId: string): number[] {
  const any = ERRATA.map((e) => e.where).join(' OR ');
  return archive.db.prepare(`SELECT r.run_id FROM runs r WHERE r.experiment_id = ? AND (${any}) ORDER BY r.run_id`).pluck().all(experimentId) as number[];
}
