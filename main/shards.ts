// Shards: an experiment's runs cut into K parts for K processes (the tasks of a SLURM job array), each
// part made into an archive of its own and merged afterwards. Every process computes the same
// partition from the spec alone (no timing probe: nodes differ, and a partition that depended on
// them would differ too), balanced by each run's estimated work rather than by count: a size sweep's
// largest networks cost a hundred times its smallest.
import { QuenchError } from '../common/errors.js';
import type { ExperimentSpec } from '../common/spec.js';
import { runTasks } from '../worker/run.js';
import { peakAtOnce, runMemory, type CostEstimate } from './cost.js';
import { shapeOf, workUnits } from './run-shape.js';
import { runAt, runCount } from './plan.js';

export interface ShardRef {
  /** 0-based */
  index: number;
  count: number;
}

/** "i/K" (0 ≤ i < K) as the CLI takes it; SLURM's array task ids start at 0 as the script sets them. */
export function parseShard(text: string): ShardRef {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new QuenchError('input', `--shard ${text}: expected i/K, e.g. 0/4 (shards are numbered 0 to K − 1)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new QuenchError('input', `--shard ${text}: K must be at least 1`);
  if (index >= count) throw new QuenchError('input', `--shard ${text}: i must be below K (shards are numbered 0 to ${count - 1})`);
  return { index, count };
}

export interface Partition {
  count: number;
  /** shardOf[runIndex] */
  shardOf: Int32Array;
  /** each shard's work units */
  work: number[];
  /** each shard's runs */
  runs: number[];
}

/**
 * The runs of `spec` in `count` shards: largest work first, each to the shard with the least work so
 * far (ties: the lower shard), ties between runs by index — the same partition in every process.
 */
export function partition(spec: ExperimentSpec, count: number): Partition {
  if (!Number.isInteger(count) || count < 1) throw new QuenchError('input', `shards: expected a whole number ≥ 1, got ${count}`);
  const total = runCount(spec);
  const tasks = runTasks(runAt(spec, 0)).length;
  const units = new Float64Array(total);
  for (let i = 0; i < total; i++) units[i] = workUnits(runAt(spec, i), tasks);
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => units[b] - units[a] || a - b);
  const shardOf = new Int32Array(total);
  const work = new Array<number>(count).fill(0);
  const runs = new Array<number>(count).fill(0);
  // a binary heap of shards by (work, index)
  const heap = Array.from({ length: count }, (_, i) => i);
  const less = (a: number, b: number) => work[a] < work[b] || (work[a] === work[b] && a < b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const run of order) {
    const s = heap[0];
    shardOf[run] = s;
    work[s] += units[run];
    runs[s]++;
    down(0);
  }
  return { count, shardOf, work, runs };
}

/** The run indices of one shard, ascending. */
export function shardIndices(p: Partition, index: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.shardOf.length; i++) if (p.shardOf[i] === index) out.push(i);
  return out;
}

export interface ShardPlan {
  index: number;
  runs: number;
  /** share of the experiment's work */
  share: number;
  /** wall time on the estimate's threads (its share of the whole experiment's) */
  seconds: number;
  /** the process's peak: its base, its threads and its largest runs at once */
  peakBytes: number;
  archiveBytes: number;
}

/**
 * Each shard's runs, time and peak memory, from the experiment's cost estimate on the threads one
 * shard will have (`est`: estimateCost of the whole spec).
 */
export function planShards(spec: ExperimentSpec, count: number, est: CostEstimate): ShardPlan[] {
  const part = partition(spec, count);
  const total = part.work.reduce((a, b) => a + b, 0);
  const tasks = runTasks(runAt(spec, 0)).length;
  const largest = new Array<number>(count).fill(0);
  for (let i = 0; i < part.shardOf.length; i++) {
    const s = part.shardOf[i];
    largest[s] = Math.max(largest[s], runMemory(shapeOf(runAt(spec, i), tasks)).total);
  }
  return part.work.map((w, i) => {
    const share = total > 0 ? w / total : 0;
    const concurrent = Math.min(est.concurrent, part.runs[i]);
    return {
      index: i,
      runs: part.runs[i],
      share,
      seconds: est.seconds * share,
      peakBytes: peakAtOnce(est.threads, concurrent, largest[i]),
      archiveBytes: (est.archiveBytes * part.runs[i]) / Math.max(1, part.shardOf.length),
    };
  });
}
