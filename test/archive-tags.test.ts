// Tags on many runs at once, as the Runs view sends them (every run of a 10 000-run selection in one
// call), and runs sorted by their tags. Correctness only: the speed is measured in bench/archive.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { toApiError } from '../main/service/errors.js';
import { QuenchService } from '../main/service.js';
import { makeManyRuns } from './fixtures/many-runs.js';
import { tempDir } from './fixtures/archive-helpers.js';

describe('tagging 10 000 runs through the service', () => {
  let svc: QuenchService;
  let uids: string[];
  let experimentId: string;

  beforeAll(() => {
    const path = join(tempDir(), 'many.sqlite');
    const made = makeManyRuns(path, 10_000);
    made.archive.close();
    uids = made.uids;
    experimentId = made.id;
    svc = new QuenchService({ archive: path, threads: 1 });
  });
  afterAll(() => svc.close());

  const tagged = async (tag: string) => (await svc.listRuns({ tags: [tag], limit: 1 })).total;

  it('adds two tags to every run: 20 000 tags, each run listed with both', async () => {
    expect(uids).toHaveLength(10_000);
    expect(await svc.tagRuns(uids, ['bulk', 'paper'])).toBe(20_000);
    expect(await tagged('bulk')).toBe(10_000);
    expect(await tagged('paper')).toBe(10_000);
    const some = await svc.listRuns({ limit: 3, offset: 5000 });
    for (const r of some.rows) expect(r.tags).toEqual(['bulk', 'paper']);
    // again: nothing new
    expect(await svc.tagRuns(uids, ['bulk'])).toBe(0);
  });

  it('removes a tag from half of them, leaving the other half and the other tag', async () => {
    const half = uids.slice(0, 5000);
    expect(await svc.tagRuns(half, ['paper'], true)).toBe(5000);
    expect(await tagged('paper')).toBe(5000);
    expect(await tagged('bulk')).toBe(10_000);
    const kept = await svc.listRuns({ tags: ['paper'] });
    expect(new Set(kept.rows.map((r) => r.uid))).toEqual(new Set(uids.slice(5000)));
  });

  it('refuses a run that is not in the archive by name, and changes nothing', async () => {
    const stranger = 'f'.repeat(64);
    const err = toApiError(await svc.tagRuns([...uids.slice(0, 10), stranger], ['never']).catch((e: unknown) => e));
    expect(err.kind).toBe('not-found');
    expect(err.message).toContain(`no run ${stranger}`);
    expect(err.message).toContain('no tags were changed');
    expect(await tagged('never')).toBe(0);
  });

  it('still takes an id prefix or an experiment, as quench tag does', async () => {
    expect(await svc.tagRuns([uids[7].slice(0, 12)], ['prefix'])).toBe(1);
    expect((await svc.listRuns({ tags: ['prefix'] })).rows.map((r) => r.uid)).toEqual([uids[7]]);
    expect(await svc.tagRuns([experimentId], ['whole'])).toBe(1);
    expect(await tagged('whole')).toBe(10_000);
    expect(await svc.tagRuns([experimentId], ['whole'], true)).toBe(1);
  });

  it('sorts runs by their tags, both ways, untagged runs last', async () => {
    // by now: "bulk" (runs 0–4999 but run 7), "bulk, prefix" (run 7), "bulk, paper" (5000–9999); and 10 with none
    await svc.tagRuns(uids.slice(9990), ['bulk', 'paper'], true);
    const asc = await svc.listRuns({ sort: 'tags', limit: 10_000 });
    const key = (t: string[]) => (t.length ? t.join(', ') : null);
    const keys = asc.rows.map((r) => key(r.tags));
    const tagged = keys.filter((k) => k !== null) as string[];
    expect(tagged).toEqual([...tagged].sort());
    expect(keys.slice(-10)).toEqual(Array(10).fill(null));
    expect(keys[0]).toBe('bulk');
    const desc = await svc.listRuns({ sort: 'tags', descending: true, limit: 10_000 });
    const dkeys = desc.rows.map((r) => key(r.tags));
    expect(dkeys[0]).toBe('bulk, prefix');
    expect(dkeys.slice(-10)).toEqual(Array(10).fill(null));
    // a page of the sorted list is that part of it
    const page = await svc.listRuns({ sort: 'tags', limit: 20, offset: 4995 });
    expect(page.rows.map((r) => r.uid)).toEqual(asc.rows.slice(4995, 5015).map((r) => r.uid));
  });
});
