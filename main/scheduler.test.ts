import { describe, it, expect } from 'vitest';
import { CancelledError } from '../common/errors.js';
import type { RunResult } from '../common/results.js';
import { planRuns } from './plan.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeIdleThreads, idleThreadCount, runAll, runWeights, type Progress } from './scheduler.js';
import { workUnits } from './run-shape.js';
import { blendEta, experimentEta } from './experiments.js';
import { runTasks } from '../worker/run.js';
import { parseExperiment } from '../common/validate.js';
import type { RunSpec } from '../common/results.js';
import { readSpecFile } from './specs.js';
import { runNumbers } from '../test/fixtures/numbers.js';

const spec = readSpecFile('test/fixtures/small-experiment.json');
const runs = planRuns(spec);
// timings differ from run to run; everything else must be bit-identical

describe('scheduler', () => {
  it('gives bit-identical results in the main thread and on 1 or 2 worker threads', async () => {
    const inline = await runAll(runs, { threads: 0 });
    const one = await runAll(runs, { threads: 1 });
    const two = await runAll(runs, { threads: 2 });
    expect(inline.map((r) => r.index)).toEqual(runs.map((r) => r.index));
    expect(runNumbers(one)).toBe(runNumbers(inline));
    expect(runNumbers(two)).toBe(runNumbers(inline));
  });

  it('reports progress from 1 to total with a rate and an ETA', async () => {
    const seen: Progress[] = [];
    await runAll(runs, { threads: 2, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.done)).toEqual(runs.map((_, i) => i + 1));
    expect(seen.every((p) => p.total === runs.length && p.runsPerSecond > 0 && p.etaSeconds !== null)).toBe(true);
    expect(seen.at(-1)!.etaSeconds).toBe(0);
  });

  it('cancels with an AbortSignal, keeping the runs already delivered', async () => {
    const controller = new AbortController();
    const delivered: RunResult[] = [];
    const job = runAll(runs, {
      threads: 1,
      signal: controller.signal,
      onResult: (r) => {
        delivered.push(r);
        if (delivered.length === 2) controller.abort();
      },
    });
    await expect(job).rejects.toBeInstanceOf(CancelledError);
    expect(delivered.length).toBe(2);
    await expect(runAll(runs, { threads: 0, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });

  it('a failing run fails the job with a message naming the run', async () => {
    const broken = [{ ...runs[0], input: { ...runs[0].input, channels: [] } }];
    await expect(runAll(broken, { threads: 1 })).rejects.toThrow(/run 0 failed/);
  });
});

describe(`the runs' work: progress and order`, () => {
  // a size sweep in plan order: every seed's N = 10, then 40, then 20 (two conditions each)
  const sizes = parseExperiment({ ...JSON.parse(JSON.stringify(spec)), name: 'sizes', analysis: 'size', sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], n: [10, 40, 20], seeds: 2 } });
  const sizeRuns = planRuns(sizes);
  const tasks = runTasks(sizeRuns[0]).length;

  it(`weighs a run by workUnits with its own suite's task count, and a suite that cannot be built as none`, () => {
    const weightOf = runWeights();
    for (const r of sizeRuns) expect(weightOf(r)).toBe(workUnits(r, tasks));
    const few = planRuns(parseExperiment({ ...JSON.parse(JSON.stringify(spec)), suite: { name: 'few', version: 1, families: [{ family: 'delay', delays: [0] }] } }))[0];
    expect(runTasks(few).length).toBeLessThan(tasks);
    expect(weightOf(few)).toBe(workUnits(few, runTasks(few).length));
    expect(weightOf(few)).toBeLessThan(weightOf(runs[0]));
    const broken = { ...runs[0], input: { ...runs[0].input, channels: [] } };
    expect(() => runTasks(broken)).toThrow(/channel/);
    expect(weightOf(broken)).toBe(workUnits(broken, 0));
  });

  it('starts the jobs in plan order, and returns the results in run order with the same numbers', async () => {
    const started: number[] = [];
    const claim = (job: readonly RunSpec[]) => {
      started.push(...job.map((r) => r.index));
      return [...job];
    };
    const two = await runAll(sizeRuns, { threads: 2, claim });
    expect(started).toEqual(sizeRuns.map((r) => r.index));
    expect(two.map((r) => r.index)).toEqual(sizeRuns.map((r) => r.index));
    const inline = await runAll(sizeRuns, { threads: 0 });
    expect(runNumbers(two)).toBe(runNumbers(inline));
  });

  it('gives the ETA by the work left over the work made, not by the runs left, in the pool and inline', async () => {
    const weight = new Map(sizeRuns.map((r) => [r.index, workUnits(r, tasks)]));
    const total = [...weight.values()].reduce((a, b) => a + b, 0);
    for (const threads of [2, 0]) {
      let made = 0;
      const checked: number[] = [];
      await runAll(sizeRuns, {
        threads,
        onResult: (r) => {
          made += weight.get(r.index)!;
        },
        onProgress: (p) => {
          checked.push(p.done);
          expect(p.etaSeconds).toBeCloseTo((p.elapsedSeconds * (total - made)) / made, 9);
          expect(p.workFraction).toBeCloseTo(made / total, 12);
        },
      });
      expect(checked).toEqual(sizeRuns.map((_, i) => i + 1));
    }
  });

  it('does not wait in its ETA for runs another process claimed: the last ETA is 0', async () => {
    // the first half of the jobs are made elsewhere (ScheduleOptions.claim leaves them out)
    let calls = 0;
    const claim = (job: readonly RunSpec[]) => (calls++ < sizeRuns.length / 2 ? [] : [...job]);
    const seen: Progress[] = [];
    const made = await runAll(sizeRuns, { threads: 1, claim, onProgress: (p) => seen.push(p) });
    expect(made.length).toBe(sizeRuns.length / 2);
    expect(seen.at(-1)!.done).toBe(sizeRuns.length / 2);
    expect(seen.at(-1)!.etaSeconds).toBe(0);
    expect(seen.at(-1)!.workFraction).toBe(1);
    expect(seen[0].etaSeconds).toBeGreaterThan(0);
    expect(seen[0].workFraction).toBeGreaterThan(0);
    expect(seen[0].workFraction).toBeLessThan(1);
  });

  it("an experiment of several slices adds the later slices' runs at the rate so far to its slice's ETA", () => {
    expect(experimentEta(5, 0, 0)).toBe(5);
    expect(experimentEta(5, -3, 2)).toBe(5);
    expect(experimentEta(5, 10, 2)).toBe(10);
    expect(experimentEta(5, 10, 0)).toBeNull();
    expect(experimentEta(null, 10, 2)).toBeNull();
  });

  it(`shows the estimate's time left at first and the runs' own ETA as their work is made`, () => {
    // estimate 10 s, 4 s gone: 6 s by the estimate; the runs say 30 s
    expect(blendEta(10, 4, 30, 0)).toBe(6);
    expect(blendEta(10, 4, 30, 1)).toBe(30);
    expect(blendEta(10, 4, 30, 0.25)).toBeCloseTo(0.75 * 6 + 0.25 * 30, 12);
    // past the estimate its part is 0, not negative; a share out of range is clamped
    expect(blendEta(10, 14, 8, 0.5)).toBe(4);
    expect(blendEta(10, 4, 30, 1.5)).toBe(30);
    expect(blendEta(10, 4, 30, -1)).toBe(6);
    // without runs to go by, the estimate; without an estimate, the runs
    expect(blendEta(10, 4, null, 0)).toBe(6);
    expect(blendEta(null, 4, 30, 0.1)).toBe(30);
    expect(blendEta(null, 4, null, 0)).toBeNull();
    // all made: 0
    expect(blendEta(10, 40, 0, 1)).toBe(0);
  });
});

describe('worker threads kept between runAll calls', () => {
  it('keeps the threads of runs that all came back, reuses them, and gives the same numbers', async () => {
    await closeIdleThreads();
    const fresh = await runAll(runs, { threads: 2 });
    expect(idleThreadCount()).toBe(2);
    // the same threads again (none started, none left over), in another order
    const again = await runAll([...runs].reverse(), { threads: 2 });
    expect(idleThreadCount()).toBe(2);
    expect(runNumbers(again.reverse())).toBe(runNumbers(fresh));
    // fewer threads than are kept: the others stay idle
    await runAll(runs.slice(0, 1), { threads: 1 });
    expect(idleThreadCount()).toBe(2);
    await closeIdleThreads();
    expect(idleThreadCount()).toBe(0);
  });

  it('starts no second thread when the first finds every run claimed elsewhere', async () => {
    await closeIdleThreads();
    const made = await runAll(runs, { threads: 2, claim: () => [] });
    expect(made).toEqual([]);
    // the one thread started is kept; none is left running outside the pool
    expect(idleThreadCount()).toBe(1);
    await closeIdleThreads();
  });

  it('ends the threads after a failure or a cancel instead of keeping them', async () => {
    await runAll(runs.slice(0, 2), { threads: 2 });
    expect(idleThreadCount()).toBe(2);
    const broken = [{ ...runs[0], input: { ...runs[0].input, channels: [] } }];
    await expect(runAll(broken, { threads: 1 })).rejects.toThrow(/run 0 failed/);
    expect(idleThreadCount()).toBe(1);
    const controller = new AbortController();
    const job = runAll(runs, { threads: 1, signal: controller.signal, onResult: () => controller.abort() });
    await expect(job).rejects.toBeInstanceOf(CancelledError);
    expect(idleThreadCount()).toBe(0);
  });

  it('an idle thread does not keep the process alive', () => {
    // a process that makes runs and then has nothing left to do exits at once, not after IDLE_THREAD_MS
    const dist = (f: string) => JSON.stringify(pathToFileURL(resolve('dist', f)).href);
    const script = join(mkdtempSync(join(tmpdir(), 'quench-idle-')), 'idle.mjs');
    writeFileSync(
      script,
      `const { planRuns } = await import(${dist('main/plan.js')});
      const { readSpecFile } = await import(${dist('main/specs.js')});
      const { runAll, idleThreadCount } = await import(${dist('main/scheduler.js')});
      const runs = planRuns(readSpecFile(${JSON.stringify(resolve('test/fixtures/small-experiment.json'))})).slice(0, 2);
      await runAll(runs, { threads: 2 });
      console.log('idle', idleThreadCount());`,
    );
    const started = Date.now();
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    rmSync(dirname(script), { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('idle 2');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000); // IDLE_THREAD_MS is 15 s
  });
});
