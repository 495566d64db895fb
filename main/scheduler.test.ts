import { describe, it, expect } from 'vitest';
import { CancelledError } from '../common/errors.js';
import type { RunResult } from '../common/results.js';
import { planRuns } from './plan.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeIdleThreads, idleThreadCount, runAll, type Progress } from './scheduler.js';
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
