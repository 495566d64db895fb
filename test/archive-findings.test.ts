// A finished job's findings, as the app shows them: the service answers the findings that
// main/analysis computes from the archived runs, the very lines `quench run` prints for the same
// experiment; a job says when it finished, and a complete experiment started again says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { JobStatus } from '../common/api.js';
import { Archive } from '../db/archive.js';
import { analyse } from '../main/analysis/findings.js';
import { planRuns } from '../main/plan.js';
import { QuenchService } from '../main/service.js';
import { toApiError } from '../main/service/errors.js';
import { runTasks } from '../worker/run.js';
import { smallSpec, tempDir } from './fixtures/archive-helpers.js';

describe('findings of a finished job', () => {
  const dir = tempDir();
  const path = join(dir, 'archive.sqlite');
  const specFile = join(dir, 'small.json');
  let svc: QuenchService;
  let first: JobStatus;

  beforeAll(async () => {
    writeFileSync(specFile, JSON.stringify(smallSpec()));
    svc = new QuenchService({ archive: path, threads: 1, backend: 'cpu' });
    first = await svc.waitForJob((await svc.startExperiment({ spec: smallSpec() })).id);
  }, 120_000);
  afterAll(() => svc.close());

  it('a job that ran says when it finished and how fast it went', () => {
    expect(first.state).toBe('done');
    expect(first.done).toBe(6);
    expect(first.alreadyComplete).toBe(false);
    expect(first.runsPerSecond).toBeGreaterThan(0);
    expect(Date.parse(first.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(first.startedAt));
  });

  it('the same spec again is already complete: done at once, nothing run, a finish time', async () => {
    const again = await svc.startExperiment({ spec: smallSpec() });
    expect(again).toMatchObject({ state: 'done', alreadyComplete: true, experimentId: first.experimentId, done: 6, total: 6 });
    expect(again.finishedAt).toEqual(expect.any(String));
  });

  it('answers the findings main/analysis computes from the stored runs, with the stored spec', async () => {
    const f = await svc.experimentFindings(first.experimentId);
    expect(f).toMatchObject({ experimentId: first.experimentId, name: 'Small test experiment', done: 6, planned: 6 });
    const a = Archive.open(path, { readonly: true });
    try {
      const spec = smallSpec();
      const direct = analyse(spec, a.loadResults(first.experimentId), runTasks(planRuns(spec)[0]));
      expect(f.findings.lines).toEqual(direct.lines);
      expect(f.findings.conditions.map((c) => [c.label, c.meanCapacity.mean])).toEqual(direct.conditions.map((c) => [c.label, c.meanCapacity.mean]));
    } finally {
      a.close();
    }
    expect(f.findings.contrasts.map((c) => c.label)).toEqual(['lognormal c=1 vs homogeneous']);
    expect(f.spec.name).toBe('Small test experiment');
    // by a prefix of its id too, as quench resume takes it
    expect((await svc.experimentFindings(first.experimentId.slice(0, 8))).experimentId).toBe(first.experimentId);
  });

  it('the lines are those `quench run` prints for the same experiment', async () => {
    const f = await svc.experimentFindings(first.experimentId);
    const cli = spawnSync(process.execPath, ['bin/quench.js', 'run', specFile, '--archive', path, '-q'], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('all 6 runs were already in the archive');
    for (const line of [...f.findings.notes, ...f.findings.mechanismLines]) expect(cli.stdout).toContain(line.trim());
    for (const c of f.findings.conditions) expect(cli.stdout).toContain(c.label);
  });

  it('answers again from what it computed while the finished runs stay the same, and anew when they change', async () => {
    const once = await svc.experimentFindings(first.experimentId);
    expect(await svc.experimentFindings(first.experimentId)).toEqual(once);
    // a run set back to pending (as a recompute does): one seed fewer in its condition
    const db = new Database(path);
    try {
      db.prepare(`UPDATE runs SET status = 'pending' WHERE experiment_id = ? AND run_index = 0`).run(first.experimentId);
      const fewer = await svc.experimentFindings(first.experimentId);
      expect(fewer.done).toBe(5);
      expect(fewer.findings.conditions.map((c) => c.seeds).sort()).toEqual([2, 3]);
      db.prepare(`UPDATE runs SET status = 'done' WHERE experiment_id = ? AND run_index = 0`).run(first.experimentId);
      expect(await svc.experimentFindings(first.experimentId)).toEqual(once);
    } finally {
      db.close();
    }
  });

  it('an experiment not in the archive is refused in words', async () => {
    const err = toApiError(await svc.experimentFindings('nosuchexperiment').catch((e: unknown) => e));
    expect(err.kind).toBe('not-found');
    expect(err.message).toContain('no experiment "nosuchexperiment"');
  });
});
