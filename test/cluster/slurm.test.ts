// Quench on a real SLURM cluster (test/cluster/cluster.ts starts one: munged, slurmctld, slurmd):
// the bundle `quench slurm` writes is submitted with its own submit.sh, its shards run as array
// tasks, the merge job merges them, and the merged runs equal a local run bit for bit. A task
// cancelled mid-run is repaired with the line `quench status` prints; a shard sent SIGTERM keeps its
// runs; two resumes of one experiment at once make no run twice; an archive on a read-only share
// answers every query command.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleStatus } from '../../main/slurm.js';
import { activeJobs, clusterUnavailable, startCluster, waitForJobs, type Cluster } from './cluster.js';

const why = clusterUnavailable();
if (why && process.env.CI) throw new Error(`the cluster tests cannot run in CI: ${why}`);

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'quench.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quench(args: string[], opts: { user?: string; env?: NodeJS.ProcessEnv } = {}): { code: number; out: string; err: string } {
  const cmd = opts.user ? 'runuser' : process.execPath;
  const argv = opts.user ? ['-u', opts.user, '--', process.execPath, BIN, ...args] : [BIN, ...args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: opts.env ?? process.env, cwd: tmpdir() });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function must(args: string[], opts: { user?: string } = {}): string {
  const r = quench(args, opts);
  if (r.code !== 0) throw new Error(`quench ${args.join(' ')} exited ${r.code}:\n${r.err}\n${r.out}`);
  return r.out;
}

/** every done run's scores and realised τ statistics, by uid: what must match bit for bit */
function runsOf(path: string): { runs: unknown[]; scores: unknown[] } {
  const db = new Database(path, { readonly: true });
  try {
    const runs = db
      .prepare(
        `SELECT uid, run_key, backend, mean_capacity, total_capacity, mean_r2, tau_realised_mean, tau_realised_cv, rho_w, rho_eff, mean_rate_hz
         FROM runs WHERE status = 'done' ORDER BY uid`,
      )
      .all();
    const scores = db.prepare(`SELECT r.uid, s.task_index, s.r2, s.capacity, s.nrmse, s.accuracy, s.ridge FROM scores s JOIN runs r USING (run_id) ORDER BY r.uid, s.task_index`).all();
    return { runs, scores };
  } finally {
    db.close();
  }
}

function count(path: string, sql: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** done runs in an archive another process is writing (0 until it exists and answers) */
function doneIn(path: string): number {
  if (!existsSync(path)) return 0;
  try {
    return count(path, `SELECT count(*) FROM runs WHERE status = 'done'`);
  } catch {
    return 0;
  }
}

function specFile(dir: string, name: string, over: Record<string, unknown>): string {
  const preset = JSON.parse(readFileSync(join(ROOT, 'assets', 'presets', 'size-equivalence.json'), 'utf8'));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...preset, name, sweep: { ...preset.sweep, ...over } }, null, 2));
  return file;
}

/** `submit.sh`'s job ids: the array and the merge job */
function submit(c: Cluster, dir: string): { array: string; merge: string } {
  const out = spawnSync('bash', [join(dir, 'submit.sh')], { env: c.env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`submit.sh failed: ${out.stderr}${out.stdout}`);
  const m = /submitted job array (\d+) \(\d+ shards\) and merge job (\d+)/.exec(out.stdout);
  if (!m) throw new Error(`submit.sh said: ${out.stdout}`);
  return { array: m[1], merge: m[2] };
}

function status(dir: string): BundleStatus {
  return JSON.parse(must(['status', dir, '--json'])) as BundleStatus;
}

/** Waits until array task `task` of `array` is running with at least one run done and some left; returns the done count. */
async function midRun(c: Cluster, array: string, shardFile: string, total: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const running = activeJobs(c, [`${array}_${shardFile.match(/shard-(\d+)/)![1]}`]).some((l) => l.endsWith('RUNNING'));
    const done = doneIn(shardFile);
    if (running && done >= 1 && done < total) return done;
    if (Date.now() - started > 120_000) throw new Error(`${shardFile}: never caught mid-run (${done} of ${total} done, running ${running})`);
    await sleep(100);
  }
}

/** runuser -u nobody must reach bin/quench.js: give the path's folders o+x where they lack it (put back after) */
function letNobodyIn(path: string): () => void {
  const changed: [string, number][] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      changed.push([d, mode]);
      chmodSync(d, mode | 0o001);
    }
    if (d === '/') break;
  }
  return () => changed.forEach(([d, mode]) => chmodSync(d, mode));
}

describe.skipIf(why !== null)('Quench on a real SLURM cluster', () => {
  let cluster: Cluster;
  let work: string;

  beforeAll(async () => {
    cluster = await startCluster();
    work = mkdtempSync(join(tmpdir(), 'quench-cluster-'));
    chmodSync(work, 0o755);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs a 4-shard bundle of size-equivalence as a job array, merges it, and every run equals a local run bit for bit', async () => {
    const dir = join(work, 'size-equivalence');
    const made = must(['slurm', 'size-equivalence', '--shards', '4', '--dir', dir, '--cpus-per-task', '1']);
    expect(made).toMatch(/30 runs in 4 shards; each task asks for 1 CPU\(s\), \d+M, \d\d:\d\d:00; backend wasm/);
    const sbatch = readFileSync(join(dir, 'array.sbatch'), 'utf8');
    expect(sbatch).toContain('#SBATCH --array=0-3');
    expect(sbatch).toContain('--shard "${SLURM_ARRAY_TASK_ID}/4" --threads "${SLURM_CPUS_PER_TASK:-1}"');
    expect(status(dir).incomplete).toEqual([0, 1, 2, 3]);

    const { array, merge } = submit(cluster, dir);
    await waitForJobs(cluster, [array, merge]);
    const s = status(dir);
    expect(s.shards.map((x) => [x.done, x.total, x.failed])).toEqual(s.bundle.plan.map((p) => [p.runs, p.runs, 0]));
    expect(s.incomplete).toEqual([]);
    expect(s.merged).toEqual({ done: 30, total: 30 });
    expect(must(['status', dir])).toContain('Every shard is complete and merged.');
    for (let i = 0; i < 4; i++) expect(readFileSync(join(dir, 'logs', `shard-${i}.out`), 'utf8')).toMatch(new RegExp(`shard ${i}/4, ${s.bundle.plan[i].runs} of its ${s.bundle.plan[i].runs} runs stored`));

    // the same spec here, on the same backend
    const local = join(work, 'local.sqlite');
    must(['run', 'size-equivalence', '--archive', local, '--backend', 'wasm', '--threads', '2', '-q']);
    const merged = runsOf(join(dir, 'merged.sqlite'));
    const here = runsOf(local);
    expect(merged.runs).toHaveLength(30);
    expect(merged.scores).toHaveLength(30 * 397);
    expect(merged.runs.every((r) => (r as { backend: string }).backend === 'wasm')).toBe(true);
    expect(merged.runs).toEqual(here.runs);
    expect(merged.scores).toEqual(here.scores);
    // and the comparison printed from either archive is the same
    const compare = (a: string) => must(['compare', '--archive', a]);
    expect(compare(join(dir, 'merged.sqlite'))).toBe(compare(local));
  });

  it('repairs an array task cancelled mid-run with the sbatch line quench status prints: complete, no run twice', async () => {
    const dir = join(work, 'cancelled');
    const spec = specFile(work, 'cancelled', { n: [200, 400], seeds: 4 });
    must(['slurm', spec, '--shards', '4', '--dir', dir, '--cpus-per-task', '1']);
    const { array, merge } = submit(cluster, dir);
    const plan = status(dir).bundle.plan;
    const victim = plan.findIndex((p) => p.runs >= 3);
    await midRun(cluster, array, join(dir, 'shards', `shard-${victim}.sqlite`), plan[victim].runs);
    cluster.slurm('scancel', [`${array}_${victim}`]);
    await waitForJobs(cluster, [array, merge]);

    const broken = status(dir);
    expect(broken.incomplete).toEqual([victim]);
    expect(broken.shards[victim].done).toBeGreaterThan(0);
    expect(broken.shards[victim].done).toBeLessThan(plan[victim].runs);
    // the merge ran after a failed task (afterany) and merged the others
    const total = plan.reduce((a, p) => a + p.runs, 0);
    expect(broken.merged!.done).toBe(total - plan[victim].runs + broken.shards[victim].done);
    const text = must(['status', dir]);
    expect(text).toContain(`1 shard(s) not complete. Resubmit only those (each resumes where it stopped):`);
    expect(broken.resubmit).toBe(`cd '${dir}' && sbatch --array=${victim} array.sbatch`);

    // the line as printed, then the merge again
    const again = spawnSync('bash', ['-c', broken.resubmit!.replace('sbatch --array', 'sbatch --parsable --array')], { env: cluster.env, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    const rejob = again.stdout.trim().split(';')[0];
    await waitForJobs(cluster, [rejob]);
    expect(must(['status', dir])).toContain(`Every shard is complete. Merge: cd ${dir} && sbatch merge.sbatch`);
    const remerge = spawnSync('bash', ['-c', `cd '${dir}' && sbatch --parsable merge.sbatch`], { env: cluster.env, encoding: 'utf8' }).stdout.trim().split(';')[0];
    await waitForJobs(cluster, [remerge]);

    const fixed = status(dir);
    expect(fixed.incomplete).toEqual([]);
    expect(fixed.merged).toEqual({ done: total, total });
    const mergedPath = join(dir, 'merged.sqlite');
    expect(count(mergedPath, `SELECT count(*) FROM runs`)).toBe(total);
    expect(count(mergedPath, `SELECT count(DISTINCT uid) FROM runs`)).toBe(total);
    expect(count(mergedPath, `SELECT count(*) FROM scores`)).toBe(total * 397);
    // the resubmitted task resumed: the shard's log says how many it found stored
    expect(readFileSync(join(dir, 'logs', `shard-${victim}.out`), 'utf8')).toMatch(/\d+ already stored, \d+ to run/);
  });

  it('a shard sent SIGTERM stops cleanly: its finished runs kept, its claims released, how to resume said', async () => {
    const dir = join(work, 'sigterm');
    const spec = specFile(work, 'sigterm', { n: [200, 400], seeds: 4 });
    must(['slurm', spec, '--shards', '2', '--dir', dir, '--cpus-per-task', '1']);
    const { array, merge } = submit(cluster, dir);
    const plan = status(dir).bundle.plan;
    const shard = join(dir, 'shards', 'shard-0.sqlite');
    const before = await midRun(cluster, array, shard, plan[0].runs);
    // the batch shell is Quench itself (exec): SLURM's signal reaches it, as before a time limit
    cluster.slurm('scancel', ['--signal=TERM', '--batch', `${array}_0`]);
    await waitForJobs(cluster, [array, merge]);

    const log = readFileSync(join(dir, 'logs', 'shard-0.out'), 'utf8');
    expect(log).toMatch(/stopped by SIGTERM/i);
    expect(log).toMatch(/finish the shard with the same command \(quench run <spec> --shard 0\/2 --archive /);
    const kept = doneIn(shard);
    expect(kept).toBeGreaterThanOrEqual(before);
    expect(kept).toBeLessThan(plan[0].runs);
    expect(count(shard, `SELECT count(*) FROM run_claims`)).toBe(0);
    expect(count(shard, `SELECT count(*) FROM runs r WHERE status = 'done' AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.run_id = r.run_id)`)).toBe(0);
    const db = new Database(shard, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(status(dir).incomplete).toEqual([0]);
  });

  it('two resumes of one experiment at once (two jobs) make each remaining run once', async () => {
    // runs of about 2 s each: the two jobs overlap for many runs (Node starts in well under that)
    const spec = specFile(work, 'two-resumes', { n: [400], seeds: 8 });
    const archive = join(work, 'two-resumes.sqlite');
    // a part of it made first: a quarter of the runs
    const first = quench(['run', spec, '--archive', archive, '--shard', '0/4', '--backend', 'wasm', '-q']);
    expect(first.code, first.err).toBe(0);
    const total = 2 * 8;
    const stored = doneIn(archive);
    expect(stored).toBeGreaterThan(0);
    const id = must(['experiments', '--archive', archive]).match(/^([0-9a-f]{16}) /m)![1];

    const job = (name: string) =>
      cluster
        .slurm('sbatch', ['--parsable', '--cpus-per-task=1', '--mem=1000M', `--output=${join(work, `${name}.out`)}`, `--wrap=${process.execPath} ${BIN} resume ${id} --archive ${archive} --threads 1 --backend wasm -q; echo "exit $?"`])
        .trim()
        .split(';')[0];
    const jobs = [job('resume-a'), job('resume-b')];
    await waitForJobs(cluster, jobs);

    const outs = ['resume-a', 'resume-b'].map((n) => readFileSync(join(work, `${n}.out`), 'utf8'));
    for (const o of outs) expect(o).toContain('exit 0');
    // each says how many it made: some (and how many another process made), all, or none
    const madeBy = outs.map((o) => {
      const m = /\((\d+) made here, (\d+) by another process/.exec(o);
      if (m) return Number(m[1]);
      return /all \d+ runs were already in the archive/.test(o) ? 0 : total - stored;
    });
    expect(madeBy[0] + madeBy[1]).toBe(total - stored);
    // both were at work at once (each made some), else this tested nothing
    expect(Math.min(...madeBy)).toBeGreaterThan(0);
    expect(count(archive, `SELECT count(*) FROM runs WHERE status = 'done'`)).toBe(total);
    expect(count(archive, `SELECT count(*) FROM runs`)).toBe(total);
    expect(count(archive, `SELECT count(*) FROM run_claims`)).toBe(0);

    // and two first runs on a new archive path at once: both succeed, one experiment, each run once
    const fresh = join(work, 'two-starts.sqlite');
    const starts = ['start-a', 'start-b'].map((name) =>
      cluster
        .slurm('sbatch', ['--parsable', '--cpus-per-task=1', '--mem=1000M', `--output=${join(work, `${name}.out`)}`, `--wrap=${process.execPath} ${BIN} run ${spec} --archive ${fresh} --threads 1 --backend wasm -q; echo "exit $?"`])
        .trim()
        .split(';')[0],
    );
    await waitForJobs(cluster, starts);
    for (const name of ['start-a', 'start-b']) expect(readFileSync(join(work, `${name}.out`), 'utf8')).toContain('exit 0');
    expect(count(fresh, `SELECT count(*) FROM experiments`)).toBe(1);
    expect(count(fresh, `SELECT count(*) FROM runs WHERE status = 'done'`)).toBe(total);
    expect(runsOf(fresh)).toEqual(runsOf(archive));
  });

  it('answers every query command from an archive on a read-only share, also one left in WAL mode', async () => {
    const share = mkdtempSync(join(tmpdir(), 'quench-share-'));
    const path = join(share, 'lab.sqlite');
    must(['run', 'heterogeneity-gain', '--archive', path, '--backend', 'wasm', '-q']);
    const id = must(['experiments', '--archive', path]).match(/^([0-9a-f]{16}) /m)![1];
    must(['note', id, 'read me', '--archive', path]);
    // a second copy left as a writer that died leaves it: WAL mode, with its -wal beside it
    const walPath = join(share, 'wal.sqlite');
    copyFileSync(path, walPath);
    const left = spawnSync(process.execPath, ['-e', `const D=require(${JSON.stringify(require_('better-sqlite3'))});const d=new D(${JSON.stringify(walPath)});d.pragma('journal_mode=WAL');d.pragma('wal_autocheckpoint=0');d.prepare("INSERT INTO meta (key, value) VALUES ('left-in-wal', 'yes')").run();process.exit(0)`], { encoding: 'utf8' });
    expect(left.status, left.stderr).toBe(0);
    expect(existsSync(`${walPath}-wal`)).toBe(true);
    // the share: nothing writable by the user who reads it
    for (const f of [path, walPath, `${walPath}-wal`, `${walPath}-shm`]) if (existsSync(f)) chmodSync(f, 0o444);
    chmodSync(share, 0o555);
    const out = mkdtempSync(join(tmpdir(), 'quench-out-'));
    chmodSync(out, 0o777);
    const restore = letNobodyIn(BIN);
    try {
      expect(spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-w', path]).status).toBe(1);
      const digest = () => readFileSync(path).toString('base64');
      const before = digest();
      for (const archive of [path, walPath]) {
        const as = (args: string[]) => quench([...args, '--archive', archive], { user: 'nobody' });
        const checks: [string[], RegExp][] = [
          [['archive'], /experiments: 1\s+runs: 25/],
          [['experiments'], new RegExp(`${id}\\s+Heterogeneity gain\\s+25\\s+25\\s+complete`)],
          [['runs', '--limit', '5'], /done\s+homogeneous/],
          [['compare'], /Configurations \(seeds aggregated/],
          [['sets'], /no comparison sets/],
          [['note', id], /read me/],
          [['run', 'heterogeneity-gain'], /all 25 runs were already in the archive/],
          [['export', join(out, `${archive === path ? 'a' : 'b'}.quench`), '--experiment', id], /exported 25 run\(s\) of 1 experiment\(s\)/],
        ];
        for (const [args, want] of checks) {
          const r = as(args);
          expect(r.err, `quench ${args.join(' ')} on ${archive}`).not.toMatch(/readonly|read-only database|EACCES|error/i);
          expect(r.code, `quench ${args.join(' ')} on ${archive}: ${r.err}`).toBe(0);
          expect(r.out, `quench ${args.join(' ')} on ${archive}`).toMatch(want);
        }
        // a write is refused in words, naming the file
        const tag = as(['tag', id, 'x']);
        expect(tag.code).not.toBe(0);
        expect(tag.err).toContain(archive);
      }
      // the WAL copy's unmerged write is read, not lost
      const walMeta = quench(['archive', '--archive', walPath], { user: 'nobody' });
      expect(walMeta.code).toBe(0);
      expect(digest()).toBe(before);
      expect(existsSync(`${walPath}-wal`)).toBe(true);
    } finally {
      restore();
      chmodSync(share, 0o755);
    }
  });
});

/** the path of a package as this repository resolves it (for a child `node -e`) */
function require_(name: string): string {
  return join(ROOT, 'node_modules', name);
}
