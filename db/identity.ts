// Content hashes that make archive rows identifiable across machines: the same spec gives the same
// experiment id, and the same run of the same experiment the same run uid, wherever it was computed.
import { createHash } from 'node:crypto';
import type { RunSpec } from '../common/results.js';

/** JSON with object keys sorted at every level (arrays keep their order; undefined fields are dropped). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Content hash of a spec document (its canonical JSON). */
export function specHash(spec: unknown): string {
  return sha256(canonicalJson(spec));
}

/**
 * The identity of an experiment: its spec's hash, and a nonce that is empty for the first experiment
 * made from a spec (so two machines running one spec make the same experiment) and random for one
 * made with `run --new`.
 */
export function experimentIdentity(specHashHex: string, nonce: string): string {
  return nonce === '' ? specHashHex : sha256(`${specHashHex}\n${nonce}`);
}

/** The short id people type: 16 hex digits of the identity. */
export function experimentId(identity: string): string {
  return identity.slice(0, 16);
}

/** Run uid: sha256 of (experiment identity, run key). */
export function runUid(identity: string, runKey: string): string {
  return sha256(`${identity}\n${runKey}`);
}

/**
 * A configuration is everything that determines a run's numbers except its seeds: runs with the same
 * config hash are seeds of one configuration (from any experiment), and are aggregated as such.
 */
export function configHash(run: RunSpec): string {
  return sha256(
    canonicalJson({
      network: run.network,
      input: run.input,
      suite: run.suite,
      readout: run.readout,
      trainLength: run.factors.trainLength,
      manipulation: run.factors.manipulation,
    }),
  ).slice(0, 16);
}
