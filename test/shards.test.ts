// Shards and cluster bundles without a cluster (the SLURM tests are test/cluster/, npm run
// test:cluster): the partition is deterministic, covers every run once and is balanced by work, not
// count; `quench run --shard` makes exactly its shard; the shards merged equal the whole run bit for
// bit; the bundle's scripts are relative to its folder; `quench status` reads the shards and prints
// the resubmit line; the app's clusterBundle and importShards do what `quench slurm` and `quench
// merge` do.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperiment } from '../common/validate.js';
import { QuenchService } from '../main/service.js';
import { toApiError } from '../main/service/errors.js';
import { parseShard, partition, shardIndices } from '../main/shards.js';
import { workUnits } from '../main/run-shape.js';
import { runAt, runCount } from '../main/plan.js';
import { runTasks } from '../worker/run.js';
import { tempDir } from './fixtures/archive-helpers.js';

const fixture = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8')) as Record<string, unknown>;
const sizes = parseExperiment({ ...fixture, name: 'sizes', analysis: 'size', sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], n: [10, 20, 80], seeds: 3 } });

function quench(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/quench.js', ...args], { encoding: 'utf8', env: { ...process.env, QUENCH_ARCHIVE: '' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function rows(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT r.uid, r.run_key, r.mean_capacity, s.task_index, s.r2, s.capacity, s.ridge FROM runs r JOIN scores s USING (run_id) WHERE r.status = 'done' ORDER BY r.uid, s.task_index`).all();
  } finally {
    db.close();
  }
}

describe('the partition into shards', () => {
  it('reads i/K and refuses what is not a shard, in words', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow('i must be below K (shards are numbered 0 to 3)');
    expect(() => parseShard('1/0')).toThrow('K must be at least 1');
    expect(() => parseShard('one/4')).toThrow('expected i/K, e.g. 0/4');
  });

  it('puts every run in exactly one shard, the same way every time, balanced by work rather than count', () => {
    const total = runCount(sizes);
    for (const k of [1, 2, 3, 5, total]) {
      const p = partition(sizes, k);
      const all = Array.from({ length: k }, (_, i) => shardIndices(p, i)).flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(p.runs.reduce((a, b) => a + b, 0)).toBe(total);
      expect(partition(sizes, k).shardOf).toEqual(p.shardOf);
    }
    // N = 80 runs cost far more than N = 10: the shards' work is even, their run counts are not
    const tasks = runTasks(runAt(sizes, 0)).length;
    const units = Array.from({ length: total }, (_, i) => workUnits(runAt(sizes, i), tasks));
    const p = partition(sizes, 3);
    const work = [0, 1, 2].map((s) => shardIndices(p, s).reduce((a, i) => a + units[i], 0));
    expect(work).toEqual(p.work);
    // greedy largest-first: no shard exceeds the mean by more than the largest single run
    const mean = work.reduce((a, b) => a + b, 0) / 3;
    expect(Math.max(...work) - mean).toBeLessThanOrEqual(Math.max(...units));
    expect(Math.max(...work) / Math.min(...work)).toBeLessThan(1.5);
    // in 4 shards the 6 large runs cannot spread evenly: the shards with one large run take more small ones
    const four = partition(sizes, 4);
    expect(new Set(four.runs).size).toBeGreaterThan(1);
    expect(Math.max(...four.work) / Math.min(...four.work)).toBeLessThan(Math.max(...four.runs) / Math.min(...four.runs));
  });
});

describe('shards through the CLI', () => {
  const dir = tempDir();
  const spec = join(dir, 'sizes.json');
  writeFileSync(spec, JSON.stringify(sizes));

  it('plan --shards prints each shard with its runs, work, time and memory', () => {
    const r = quench(['plan', spec, '--shards', '3']);
    expect(r.code, r.err).toBe(0);
    const p = partition(sizes, 3);
    for (let i = 0; i < 3; i++) expect(r.out).toMatch(new RegExp(`^${i}/3\\s+${p.runs[i]}\\s+\\d+\\.\\d %`, 'm'));
  });

  it('makes each shard into its own archive; merged, they equal the whole experiment run at once, bit for bit', () => {
    const whole = join(dir, 'whole.sqlite');
    expect(quench(['run', spec, '--archive', whole, '--backend', 'wasm', '-q']).code).toBe(0);
    const p = partition(sizes, 3);
    for (let i = 0; i < 3; i++) {
      const r = quench(['run', spec, '--shard', `${i}/3`, '--archive', join(dir, `shard-${i}.sqlite`), '--backend', 'wasm', '-q']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`shard ${i}/3, ${p.runs[i]} of its ${p.runs[i]} runs stored`);
      const db = new Database(join(dir, `shard-${i}.sqlite`), { readonly: true });
      const made = (db.prepare(`SELECT run_index FROM runs WHERE status = 'done' ORDER BY run_index`).pluck().all() as number[]);
      db.close();
      expect(made).toEqual(shardIndices(p, i));
    }
    const merged = join(dir, 'merged.sqlite');
    const m = quench(['merge', ...[0, 1, 2].map((i) => join(dir, `shard-${i}.sqlite`)), '--into', merged]);
    expect(m.code, m.err).toBe(0);
    expect(m.err).toContain('merging 3/3:');
    expect(rows(merged)).toEqual(rows(whole));
    // merging again adds nothing
    expect(quench(['merge', join(dir, 'shard-0.sqlite'), '--into', merged]).out).toContain('0 run(s) added');
    // --shard without an archive, or with --out, is refused in words
    expect(quench(['run', spec, '--shard', '0/3', '--no-archive']).err).toContain('--shard needs an archive');
  });

  it('writes a bundle whose scripts are relative to its folder, and status says what is missing and how to resubmit it', () => {
    const b = join(dir, 'bundle');
    const r = quench(['slurm', spec, '--shards', '3', '--dir', b, '--partition', 'short', '--time', '1:00:00', '--cpus-per-task', '2']);
    expect(r.code, r.err).toBe(0);
    const array = readFileSync(join(b, 'array.sbatch'), 'utf8');
    for (const line of ['#SBATCH --array=0-2', '#SBATCH --partition=short', '#SBATCH --time=1:00:00', '#SBATCH --cpus-per-task=2', '#SBATCH --requeue', '#SBATCH --signal=B:TERM@60', '#SBATCH --output=logs/shard-%a.out']) expect(array).toContain(line);
    expect(array).toContain('run spec.json --shard "${SLURM_ARRAY_TASK_ID}/3" --threads "${SLURM_CPUS_PER_TASK:-1}" --archive shards/shard-"${SLURM_ARRAY_TASK_ID}".sqlite --backend wasm --yes');
    expect(array).not.toContain(b);
    expect(readFileSync(join(b, 'merge.sbatch'), 'utf8')).toContain('merge "${files[@]}" --into merged.sqlite');
    expect(readFileSync(join(b, 'submit.sh'), 'utf8')).toContain('--dependency=afterany:"$array" merge.sbatch');
    expect(JSON.parse(readFileSync(join(b, 'spec.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(sizes)));
    // a bash syntax check of every script
    for (const f of ['array.sbatch', 'merge.sbatch', 'submit.sh']) expect(spawnSync('bash', ['-n', join(b, f)]).status).toBe(0);

    expect(quench(['status', b]).out).toContain(`cd '${b}' && sbatch --array=0,1,2 array.sbatch`);
    // shard 1 made (as its array task would, from the folder)
    const one = spawnSync(process.execPath, [join(process.cwd(), 'bin/quench.js'), 'run', 'spec.json', '--shard', '1/3', '--archive', 'shards/shard-1.sqlite', '--backend', 'wasm', '-q'], { cwd: b, encoding: 'utf8' });
    expect(one.status, one.stderr).toBe(0);
    const s = JSON.parse(quench(['status', b, '--json']).out) as { shards: { done: number; total: number; started: boolean }[]; incomplete: number[]; resubmit: string };
    expect(s.shards.map((x) => x.started)).toEqual([false, true, false]);
    expect(s.shards[1].done).toBe(s.shards[1].total);
    expect(s.incomplete).toEqual([0, 2]);
    expect(s.resubmit).toBe(`cd '${b}' && sbatch --array=0,2 array.sbatch`);
    // another spec or shard count into the same folder is refused
    expect(quench(['slurm', spec, '--shards', '2', '--dir', b]).err).toContain('holds the bundle of another experiment or shard count');
    const bad = quench(['slurm', spec, '--shards', '3', '--dir', join(dir, 'b2'), '--partition', 'a;rm -rf /']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"a;rm -rf /" is not a SLURM partition or account name');
    expect(existsSync(join(dir, 'b2'))).toBe(false);
  });
});

describe('the app: a cluster bundle to download, a folder of shards to import', () => {
  const dir = tempDir();
  const svc = new QuenchService({ archive: join(dir, 'lab.sqlite'), backend: 'wasm', threads: 1 });
  afterAll(() => svc.close());

  it('gives the bundle quench slurm writes, for `quench` on the nodes, every path relative to its folder', async () => {
    const b = await svc.clusterBundle({ spec: sizes, shards: 3, partition: 'gpu-short', mem: '2G' });
    expect(b.folder).toBe('quench-sizes-slurm');
    expect(b.files.map((f) => f.name).sort()).toEqual(['README.md', 'array.sbatch', 'bundle.json', 'merge.sbatch', 'spec.json', 'submit.sh'].map((n) => `quench-sizes-slurm/${n}`).sort());
    const array = b.files.find((f) => f.name.endsWith('array.sbatch'))!.text;
    expect(array).toContain('QUENCH=(quench)');
    expect(array).toContain('#SBATCH --partition=gpu-short');
    expect(array).toContain('#SBATCH --mem=2G');
    expect(array).not.toContain(process.cwd());
    expect(b.shards.map((s) => s.runs)).toEqual(partition(sizes, 3).runs);
    expect(b.mem).toBe('2G');
    expect(b.backend).toBe('wasm');
    // a partition a shell would read, too many shards: refused in words, naming the field
    const bad = toApiError(await svc.clusterBundle({ spec: sizes, shards: 3, partition: 'x; rm -rf ~' }).catch((e: unknown) => e));
    expect(bad.kind).toBe('input');
    expect(bad.issues?.[0].path).toBe('request.partition');
    expect(toApiError(await svc.clusterBundle({ spec: sizes, shards: 1000 }).catch((e: unknown) => e)).message).toContain('the experiment has 18 run(s); ask for at most that many shards');
  });

  it('imports a bundle folder of shard archives, skipping a damaged one with why; again, nothing new', async () => {
    const b = join(dir, 'from-cluster');
    mkdirSync(join(b, 'shards'), { recursive: true });
    const bundle = await svc.clusterBundle({ spec: sizes, shards: 2 });
    for (const f of bundle.files) writeFileSync(join(b, f.name.split('/')[1]), f.text);
    for (const i of [0, 1]) {
      const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/quench.js'), 'run', 'spec.json', '--shard', `${i}/2`, '--archive', `shards/shard-${i}.sqlite`, '--backend', 'wasm', '-q'], { cwd: b, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    writeFileSync(join(b, 'shards', 'shard-9.sqlite'), 'not an archive');
    const r = await svc.importShards(b);
    expect(r.files.map((f) => f.file.split('/').pop())).toEqual(['shard-0.sqlite', 'shard-1.sqlite', 'shard-9.sqlite']);
    expect(r.added).toBe(18);
    expect(r.files[2].problem).toContain('not a Quench archive or export');
    expect((await svc.listExperiments())[0]).toMatchObject({ name: 'sizes', done: 18 });
    expect((await svc.importShards(join(b, 'shards'))).added).toBe(0);
    expect(toApiError(await svc.importShards(join(dir, 'nowhere')).catch((e: unknown) => e)).message).toContain('no folder');
    expect(existsSync(join(dir, 'lab.sqlite'))).toBe(true);
  });
});
