import { describe, it, expect } from 'vitest';
import { CancelledError } from '../common/errors.js';
import type { RunResult } from '../common/results.js';
import { planRuns } from './plan.js';
import { runAll, type Progress } from './scheduler.js';
import { readSpecFile } from './specs.js';

const spec = readSpecFile('test/fixtures/small-experiment.json');
const runs = planRuns(spec);
// timings differ from run to run; everything else must be bit-identical
const numbers = (rs: RunResult[]) => JSON.stringify(rs.map(({ timings: _t, ...r }) => r));

describe('scheduler', () => {
  it('gives bit-identical results in the main thread and on 1 or 2 worker threads', async () => {
    const inline = await runAll(runs, { threads: 0 });
    const one = await runAll(runs, { threads: 1 });
    const two = await runAll(runs, { threads: 2 });
    expect(inline.map((r) => r.index)).toEqual(runs.map((r) => r.index));
    expect(numbers(one)).toBe(numbers(inline));
    expect(numbers(two)).toBe(numbers(inline));
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
