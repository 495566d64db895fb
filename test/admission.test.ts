// Work that cannot be finished is refused before any compute, in words that name what makes it large
// and what would fit; long work waits for a go-ahead; bad inputs are caught before the runs, never as a
// stack trace; SIGTERM stops a run like Ctrl-C does (issue 12). Through the compiled CLI and the service.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ConfirmationNeeded, QuenchError } from '../common/errors.js';
import { toApiError } from '../main/service/errors.js';
import { QuenchService } from '../main/service.js';
import { tempDir } from './fixtures/archive-helpers.js';

const dir = tempDir('quench-admission-');

function quench(args: string[], timeout = 120_000) {
  const env = { ...process.env };
  delete env.QUENCH_ARCHIVE;
  const r = spawnSync(process.execPath, ['bin/quench.js', ...args], { encoding: 'utf8', timeout, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function specFile(name: string, spec: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return file;
}

/** a sweep of a million runs: 100 heterogeneity levels × 10 000 seeds */
const million = {
  name: 'A million runs',
  sweep: { heterogeneity: Array.from({ length: 100 }, (_, i) => ({ family: 'lognormal', cv: i / 50 })), seeds: 10_000 },
};

describe('admission: what would not fit is refused in words, before any compute', () => {
  it('a training segment of 1e9 steps is out of the schema, with the bound named', () => {
    const r = quench(['validate', specFile('huge-train', { name: 'x', input: { segments: { train: 1e9 } } })]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('input.segments.train: got 1000000000; must be at most 10000000');
  });

  it('a run too long for the memory: names the segments and the most steps that fit', () => {
    const file = specFile('long-train', { name: 'x', input: { segments: { train: 10_000_000 } } });
    const t = performance.now();
    const r = quench(['run', file, '--no-archive', '-q']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/this experiment would need about [\d.]+ GB of memory at once .*N = 100, 10001200 steps, 397 tasks\); Quench may use [\d.]+ (GB|MB) here/);
    expect(r.err).toMatch(/Most of it is input\.segments \(washout \+ train \+ validation \+ test\) = 10001200 steps: .*The most steps that fit are \d+/);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(performance.now() - t).toBeLessThan(30_000);
  });

  it('a dense network of N = 20000: names network.n and the largest N that fits', () => {
    const r = quench(['run', specFile('big-n', { name: 'x', network: { n: 20_000, p: 1 } }), '--no-archive', '-q', '--threads', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Most of it is network\.n = 20000: the recurrent matrix and the readout's N × N matrices \(about 66 bytes × N² per run\)\. The largest network\.n that fits is \d+/);
    const largest = Number(/The largest network\.n that fits is (\d+)/.exec(r.err)![1]);
    expect(largest).toBeGreaterThan(1000);
    expect(largest).toBeLessThan(20_000);
  });

  it('a sweep of a million runs: validate prints its estimate at once; run waits for --yes', () => {
    const file = specFile('million', million);
    const t = performance.now();
    const v = quench(['validate', file]);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/valid\. 1000000 runs × 397 tasks: about [\d.]+ (h|days) on \d+ threads?/);
    expect(v.out).toMatch(/the archive grows by about [\d.]+ GB/);
    expect(performance.now() - t).toBeLessThan(30_000);
    const r = quench(['run', file, '--no-archive']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/this experiment is long: 1000000 runs × 397 tasks: about [\d.]+ (h|days).*Start it with --yes/);
  });

  it('more threads than cores are refused unless forced', () => {
    const r = quench(['run', 'test/fixtures/small-experiment.json', '--no-archive', '--threads', '200']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`200 threads on a machine with ${availableParallelism()} core(s)`);
    expect(r.err).toContain('--force-threads');
  });
});

describe('inputs are checked before any compute, errors in words', () => {
  it('--out into a folder that does not exist', () => {
    const t = performance.now();
    const r = quench(['run', 'test/fixtures/small-experiment.json', '--no-archive', '--out', join(dir, 'nowhere', 'r.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`the folder ${join(dir, 'nowhere')} does not exist`);
    expect(r.err).not.toMatch(/runs in|\n\s+at /);
    expect(performance.now() - t).toBeLessThan(20_000);
  });

  it('--tau-csv naming a missing file', () => {
    const r = quench(['run', 'test/fixtures/small-experiment.json', '--no-archive', '--tau-csv', join(dir, 'missing.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--tau-csv ${join(dir, 'missing.csv')}: no such file`);
  });

  it('a spec nested 5000 levels deep', () => {
    const deep = '{"name":"x","description":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const r = quench(['validate', specFile('deep', deep)]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a document nested more than 32 levels deep');
    expect(r.err).not.toMatch(/RangeError|\n\s+at /);
  });
});

describe('SIGTERM stops a run as Ctrl-C does', () => {
  it('keeps every finished run, says how to resume, and exits 143', async () => {
    const archive = join(dir, 'term.sqlite');
    const child = spawn(process.execPath, ['bin/quench.js', 'run', 'test/fixtures/archive-sweep.json', '--seeds', '400', '--threads', '1', '--archive', archive, '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // wait until some runs are stored, then ask it to stop
    const deadline = Date.now() + 60_000;
    const stored = () => {
      if (!existsSync(archive)) return 0;
      const db = new Database(archive, { readonly: true });
      try {
        return db.prepare(`SELECT count(*) FROM runs WHERE status = 'done'`).pluck().get() as number;
      } catch {
        return 0; // the schema is still being made
      } finally {
        db.close();
      }
    };
    while (stored() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(err).toMatch(/stopped by SIGTERM\n\d+ of 2400 runs of experiment ([0-9a-f]{16}) are stored in .*term\.sqlite; finish with: quench resume \1 --archive /);
    const kept = Number(/(\d+) of 2400 runs/.exec(err)![1]);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(stored()).toBe(kept);
  }, 180_000);
});

describe('the service admits work as the CLI does', () => {
  const svc = new QuenchService({ archive: join(dir, 'service.sqlite'), threads: 1 });
  afterAll(() => svc.close());

  it('asks for a confirmation of long work, with its estimate, and refuses too many threads', async () => {
    const err = await svc.startExperiment({ spec: million }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfirmationNeeded);
    const api = toApiError(err);
    expect(api.kind).toBe('confirm');
    expect(api.estimatedSeconds).toBeGreaterThan(3600);
    expect(api.message).toMatch(/this experiment is long/);
    const threads = await svc.startExperiment({ spec: { name: 'x' }, threads: 1024 }).catch((e: unknown) => e);
    expect(threads).toBeInstanceOf(QuenchError);
    expect((threads as Error).message).toContain(`1024 threads on a machine with ${availableParallelism()} core(s)`);
  });

  it('keeps answering while a confirmed sweep of 200 000 runs stores its planned runs', async () => {
    const spec = { ...million, name: 'Two hundred thousand runs', sweep: { ...million.sweep, seeds: 2000 } };
    const job = await svc.startExperiment({ spec, confirm: true });
    expect(job.state).toBe('running');
    // while the planned runs are being stored, other calls are answered promptly
    let worst = 0;
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await svc.info();
      await svc.listJobs();
      worst = Math.max(worst, performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(worst).toBeLessThan(500);
    const cancelled = await svc.cancelJob(job.id);
    expect(cancelled.state).toBe('cancelled');
  }, 120_000);
});
