// The one place where experiments are launched. The CLI (`quench run`, `quench resume`), the
// desktop app and `quench serve` (through main/service.ts) all come here:
//
//   prepare   check the threads; find the archived experiment (or make one: its planned runs are
//             stored a batch at a time, yielding between batches, so a large sweep never holds the
//             thread); redo runs an erratum flags if asked; estimate what is left (main/cost.ts) and
//             admit it (main/admission.ts: memory, disk, and a go-ahead for long work)
//   execute   choose the backend (calibrated in a worker thread), run what is left a slice at a time
//             on the worker pool, commit each run to the archive the moment it finishes, report
//             progress; a cancel (or SIGINT / SIGTERM in the CLI) keeps every finished run
//   findings  the experiment's findings from its stored runs (main/analysis/findings.ts)
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { CancelledError, QuenchError } from '../common/errors.js';
import type { Findings } from '../common/findings.js';
import type { RunResult, RunSpec } from '../common/results.js';
import type { ExperimentSpec } from '../common/spec.js';
import { parseExperiment } from '../common/validate.js';
import type { Archive, ExperimentRow } from '../db/archive.js';
import { CLAIM_RENEW_MS, claimedByOthers, claimRuns, newClaimant, releaseClaims, renewClaims } from '../db/claims.js';
import { errataIn, flaggedRunIds } from '../db/errata.js';
import { availableBackends } from '../worker/backends/registry.js';
import { runTasks } from '../worker/run.js';
import type { TaskDef } from '../worker/types.js';
import { admitSize, admitTime, checkThreads, CONFIRM_ABOVE_SECONDS, type Limits } from './admission.js';
import { analyse } from './analysis/findings.js';
import { chooseBackends, describeCalibration, type Calibration } from './backend-choice.js';
import { timePhase, timePhaseAsync, type Phases } from './phases.js';
import { checkEstimate, estimateCost, estimateSize, estimateTime, freeDiskBytes, memoryBudget, type CostEstimate } from './cost.js';
import { planSlice, runCount } from './plan.js';
import type { Prober } from './probes.js';
import { runAll, type Progress } from './scheduler.js';
import { partition, shardIndices, type ShardRef } from './shards.js';

/** runs made and stored a slice at a time: a sweep of a million runs never exists in memory at once */
export const SLICE_RUNS = 2000;

export interface LaunchOptions {
  threads: number;
  /** more threads than cores (otherwise refused) */
  forceThreads?: boolean;
  /** a backend name, or 'auto' (calibrated) */
  backend: string;
  /** when the spec is already archived: finish it, or show it when complete ('resume', the default), or make a separate experiment ('new') */
  ifArchived?: 'resume' | 'new';
  /** the go-ahead for work longer than the threshold */
  yes?: boolean;
  /** first make again the runs an erratum flags */
  recomputeFlagged?: boolean;
  /** first make again the finished runs that have no mechanism measures (made by an older version) */
  addMechanisms?: boolean;
  /** resume this archived experiment (one made with --new is found by its id, not by its spec) */
  experimentId?: string;
  /** make one shard of the runs only (main/shards.ts): a task of a cluster job array */
  shard?: ShardRef;
  /** for tests: probes in this thread, and other limits */
  prober?: Prober;
  limits?: Partial<Limits>;
}

/** An experiment ready to run: where it is stored, what is left, what it will cost. */
export interface Prepared {
  spec: ExperimentSpec;
  tasks: TaskDef[];
  /** null: run without an archive (--no-archive) */
  experiment: ExperimentRow | null;
  /** how it came to be: 'new', 'resumed' (some runs stored), 'complete' (nothing left), 'again' (--new) */
  state: 'new' | 'resumed' | 'complete' | 'again';
  /** the runs this process is to make: the experiment's, or its shard's */
  total: number;
  stored: number;
  /** the experiment's planned runs (all shards) */
  planned: number;
  /** the shard made here and the run indices in it (null: every run) */
  shard: (ShardRef & { members: ReadonlySet<number> }) | null;
  /** runs made again because an erratum flags them, or to measure their mechanisms */
  reset: number;
  /** the cost of what is left (null when nothing is) */
  estimate: CostEstimate | null;
  threads: number;
  backend: string;
  /** milliseconds of this process's thread per phase so far (main/phases.ts) */
  phases: Phases;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** while the planned runs of a large sweep are stored, before the first run starts */
  onPlanning?: (stored: number, total: number) => void;
  /** the backend each size class got, in words, as soon as it is chosen */
  onBackend?: (lines: string[]) => void;
  onProgress?: (p: Progress) => void;
  /** each run as it finishes (after it is committed) */
  onResult?: (r: RunResult) => void;
  prober?: Prober;
}

export interface Outcome {
  seconds: number;
  /** runs made now */
  made: number;
  /** every run, in run order: without an archive (the archive keeps them otherwise) */
  results: RunResult[] | null;
  calibrations: Calibration[];
  /** runs of the experiment another process is making now (it claimed them first) */
  byOthers: number;
  /** the runs' own timings (ms), summed over the runs made here, in whichever thread (main/phases.ts RUN_PARTS) */
  runParts: Phases;
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

function limitsFor(archive: Archive | null, given: Partial<Limits> = {}): Limits {
  return {
    memoryBytes: given.memoryBytes ?? memoryBudget(),
    freeDiskBytes: given.freeDiskBytes !== undefined ? given.freeDiskBytes : archive ? freeDiskBytes(dirname(archive.path)) : null,
    confirmAboveSeconds: given.confirmAboveSeconds ?? CONFIRM_ABOVE_SECONDS,
  };
}

/** The cost of an experiment (all its runs), as `validate` prints it. */
export async function estimateExperiment(spec: ExperimentSpec, opts: { threads: number; backend: string; archive: boolean; prober?: Prober }): Promise<CostEstimate> {
  return estimateCost(spec, { ...opts, yieldEvery: yieldToOthers });
}

/**
 * Everything before the compute: finds or makes the archived experiment, resets flagged runs if
 * asked, estimates and admits what is left. Throws (in words) what must not start.
 */
export async function prepareExperiment(spec: ExperimentSpec, archive: Archive | null, opts: LaunchOptions): Promise<Prepared> {
  const threads = checkThreads(opts.threads, opts.forceThreads);
  const phases: Phases = {};
  const t0 = performance.now();
  const planned = runCount(spec);
  const tasks = runTasks(planSlice(spec, 0, 1)[0]);
  let shard: Prepared['shard'] = null;
  let shareOfWork = 1;
  if (opts.shard) {
    const part = partition(spec, opts.shard.count);
    shard = { ...opts.shard, members: new Set(shardIndices(part, opts.shard.index)) };
    shareOfWork = part.work[opts.shard.index] / part.work.reduce((a, b) => a + b, 0);
    if (shard.members.size === 0) throw new QuenchError('input', `shard ${opts.shard.index}/${opts.shard.count} has no runs: the experiment has ${planned} run(s); use at most ${planned} shards`);
  }
  const total = shard ? shard.members.size : planned;
  phases.plan = performance.now() - t0;
  let experiment: ExperimentRow | null = null;
  let state: Prepared['state'] = 'new';
  let stored = 0;
  let reset = 0;
  let backend = opts.backend;
  const t1 = performance.now();
  if (archive) {
    const existing = opts.experimentId ? archive.getExperiment(opts.experimentId) : archive.findExperimentBySpec(spec);
    if (existing && (opts.ifArchived !== 'new' || opts.experimentId)) {
      experiment = existing;
      if (existing.planned_runs !== planned) {
        throw new QuenchError('internal', `experiment ${existing.id} planned ${existing.planned_runs} runs when it was made; this Quench plans ${planned} from its spec, so it cannot resume it`);
      }
      if (opts.recomputeFlagged) reset = archive.resetRuns(flaggedRunIds(archive, existing.id));
      // the same runs made again by this version give the same scores, and their measures: on the
      // backend that made them where it is here (an automatic choice could pick a float32 one)
      if (opts.addMechanisms) {
        const ids = archive.unmeasuredRunIds(existing.id);
        if (backend === 'auto') backend = madeOn(archive, ids) ?? backend;
        reset += archive.resetRuns(ids);
      }
      stored = shard ? archive.doneIndices(existing.id).filter((i) => shard!.members.has(i)).length : archive.progress(existing.id).done;
      state = stored >= total ? 'complete' : 'resumed';
    } else if (existing) {
      state = 'again';
    }
  }
  phases.archive = performance.now() - t1;
  const left = total - stored;
  // an archive on a read-only share shows a complete experiment; it cannot take new runs
  if (archive?.readonly && (left > 0 || reset > 0 || !experiment)) {
    throw new QuenchError(
      'input',
      `archive ${archive.path} is read-only here: ${experiment ? `it holds ${stored} of the ${total} runs of experiment ${experiment.id}; the others` : 'this experiment is not in it; its runs'} cannot be stored there. Give a writable archive (--archive PATH), or copy this one somewhere writable and merge it back later`,
    );
  }
  let estimate: CostEstimate | null = null;
  if (left > 0) {
    const eo = { threads, backend, archive: archive !== null, prober: opts.prober, yieldEvery: yieldToOthers };
    const limits = limitsFor(archive, opts.limits);
    // what is left costs its share (the runs of a sweep left after a crash are like the others; a
    // shard, its share of the work)
    const share = shareOfWork * (left / total);
    const t2 = performance.now();
    const size = await estimateSize(spec, eo);
    // memory and disk first: a run that cannot fit is not even probed
    admitSize(spec, { ...size, archiveBytes: size.archiveBytes * share }, limits);
    const all = await estimateTime(spec, size, eo);
    phases.estimate = performance.now() - t2;
    estimate = { ...all, runs: left, seconds: all.seconds * share, archiveBytes: all.archiveBytes * share };
    admitTime(estimate, limits, opts.yes === true);
  }
  if (archive && !experiment) {
    // the experiment and its first slice now; the other planned runs when it executes (storePlanned)
    const first = shard ? [...shard.members].slice(0, SLICE_RUNS).map((i) => planSlice(spec, i, i + 1)[0]) : planSlice(spec, 0, SLICE_RUNS);
    experiment = timePhase(phases, 'archive', () => archive.createExperiment(spec, first, tasks, state === 'again' ? randomUUID() : '', planned));
  }
  return { spec, tasks, experiment, state, total, stored, planned, shard, reset, estimate, threads, backend, phases };
}

/** The backend most of these runs were made on, where it can run here (null: none of them says, or it cannot). */
function madeOn(archive: Archive, runIds: readonly number[]): string | null {
  const counts = new Map<string, number>();
  for (const id of runIds) {
    const b = archive.db.prepare('SELECT backend FROM runs WHERE run_id = ?').pluck().get(id) as string | null;
    if (b) counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  return top && availableBackends().some((b) => b.name === top[0]) ? top[0] : null;
}

/**
 * An experiment's ETA: its running slice's (the scheduler's, by the runs' work), and the runs of the
 * slices still to come at the rate so far (null while there is none to go by).
 */
export function experimentEta(sliceEta: number | null, laterRuns: number, runsPerSecond: number): number | null {
  if (sliceEta === null) return null;
  if (laterRuns <= 0) return sliceEta;
  return runsPerSecond > 0 ? sliceEta + laterRuns / runsPerSecond : null;
}

/**
 * The ETA shown: the estimate's time left (its probes' model, main/cost.ts) weighed against what the
 * runs so far say, by the share of the work made. The runs' own figure starts far off (the threads'
 * start and first, slower runs are in its time so far, against little work made: 49-66 s for a size
 * sweep with 6 s left) and comes right as the work is made; the estimate is right to its model's
 * error from the start.
 */
export function blendEta(estimateSeconds: number | null, elapsedSeconds: number, observed: number | null, workFraction: number): number | null {
  if (estimateSeconds === null) return observed;
  const prior = Math.max(0, estimateSeconds - elapsedSeconds);
  if (observed === null) return prior;
  const w = Math.min(1, Math.max(0, workFraction));
  return (1 - w) * prior + w * observed;
}

/**
 * Runs what is left of a prepared experiment a slice at a time, committing each run as it finishes.
 * A cancel (the signal) stops it; every finished run stays stored.
 */
export async function executeExperiment(p: Prepared, archive: Archive | null, opts: ExecuteOptions = {}): Promise<Outcome> {
  const started = performance.now();
  const results: RunResult[] | null = archive ? null : [];
  const calibrations = new Map<string, Calibration>();
  let made = 0;
  const left = p.total - p.stored;
  const phases = p.phases;
  const runParts: Phases = { prepare: 0, simulate: 0, readout: 0, mechanisms: 0 };
  if (archive && p.experiment) await timePhaseAsync(phases, 'archive', () => storePlanned(p, archive, opts));
  // each run claimed just before it starts: another process making this experiment skips it (db/claims.ts)
  const me = archive && p.experiment ? newClaimant() : null;
  const renew = me ? setInterval(() => renewClaims(archive!, me), CLAIM_RENEW_MS) : null;
  renew?.unref();
  try {
  for (let from = 0; from < p.planned && made < left; from += SLICE_RUNS) {
    if (opts.signal?.aborted) throw new CancelledError(`cancelled after ${made} of ${left} runs`);
    const slice = inShard(p, planSlice(p.spec, from, from + SLICE_RUNS));
    if (slice.length === 0) continue;
    const todo: RunSpec[] = archive && p.experiment ? timePhase(phases, 'archive', () => archive.remainingRuns(p.experiment!.id, slice)) : slice;
    if (todo.length === 0) continue;
    const plan = await timePhaseAsync(phases, 'calibration', () => chooseBackends(todo, p.backend, undefined, p.threads, opts.prober));
    const fresh = plan.calibrations.filter((c) => !calibrations.has(c.key));
    for (const c of fresh) calibrations.set(c.key, c);
    if (fresh.length) opts.onBackend?.(fresh.map(describeCalibration));
    else if (made === 0 && plan.calibrations.length === 0) opts.onBackend?.([`${p.backend} (as asked)`]);
    const before = made;
    const sliceResults = await timePhaseAsync(phases, 'runs', () => runAll(todo, {
      threads: p.threads,
      backendByRun: plan.byRun,
      signal: opts.signal,
      claim: me ? (job) => claimRuns(archive!, p.experiment!.id, job, me) : undefined,
      onResult: (r) => {
        if (archive && p.experiment) timePhase(phases, 'commit', () => archive.commitRun(p.experiment!.id, r));
        const t = r.timings;
        runParts.simulate += t.simulateMs;
        runParts.readout += t.readoutMs;
        runParts.mechanisms += t.mechanismsMs ?? 0;
        runParts.prepare += Math.max(0, t.totalMs - t.simulateMs - t.readoutMs - (t.mechanismsMs ?? 0));
        made++;
        opts.onResult?.(r);
      },
      onProgress: (q) => {
        // over the whole experiment, not the slice
        const elapsed = (performance.now() - started) / 1000;
        const done = before + q.done;
        const rate = elapsed > 0 ? done / elapsed : 0;
        // the share of what is left that is made, the earlier slices counted whole
        const workFraction = left > 0 ? Math.min(1, (before + q.workFraction * q.total) / left) : 1;
        const etaSeconds = blendEta(p.estimate?.seconds ?? null, elapsed, experimentEta(q.etaSeconds, left - before - q.total, rate), workFraction);
        opts.onProgress?.({ done: p.stored + done, total: p.total, elapsedSeconds: elapsed, runsPerSecond: rate, etaSeconds, workFraction });
      },
    }));
    if (results) results.push(...sliceResults);
  }
  } finally {
    if (renew) clearInterval(renew);
    // runs claimed and not made (a cancel, a failure) are free for others at once
    if (me && archive?.db.open) releaseClaims(archive, me);
  }
  const byOthers = me ? claimedByOthers(archive!, p.experiment!.id, me) : 0;
  const seconds = (performance.now() - started) / 1000;
  // an estimate far off (its probes made on a busy machine, say) is measured again next time
  if (p.estimate && !opts.prober && made === left && byOthers === 0) checkEstimate(p.estimate, seconds);
  return { seconds, made, results, calibrations: [...calibrations.values()], byOthers, runParts };
}

/** the runs of `runs` this process is to make (its shard's, or all) */
function inShard(p: Prepared, runs: RunSpec[]): RunSpec[] {
  return p.shard ? runs.filter((r) => p.shard!.members.has(r.index)) : runs;
}

/**
 * Stores every planned run (pending) before the first starts, a slice per transaction, yielding in
 * between: a sweep of a million runs takes a while, and whoever else this thread answers (the
 * server's requests, the progress) is not held. Runs already stored are skipped.
 */
async function storePlanned(p: Prepared, archive: Archive, opts: ExecuteOptions): Promise<void> {
  const id = p.experiment!.id;
  const have = archive.db.prepare(`SELECT count(*) FROM runs WHERE experiment_id = ?`).pluck().get(id) as number;
  if (have >= p.total) return;
  for (let from = 0; from < p.planned; from += SLICE_RUNS) {
    if (opts.signal?.aborted) throw new CancelledError(`cancelled while storing the planned runs (${from} of ${p.planned})`);
    const slice = inShard(p, planSlice(p.spec, from, from + SLICE_RUNS));
    if (slice.length) archive.addPlanned(id, slice);
    opts.onPlanning?.(Math.min(p.planned, from + SLICE_RUNS), p.planned);
    await yieldToOthers();
  }
}

/** An experiment's findings from its stored runs (or from results made without an archive). */
export function findingsOf(p: Prepared, archive: Archive | null, results: RunResult[] | null): { findings: Findings; results: RunResult[] } {
  const all = archive && p.experiment ? archive.loadResults(p.experiment.id) : (results ?? []);
  return { findings: analyse(p.spec, all, p.tasks), results: all };
}

/**
 * The findings of an archived experiment from its stored runs, as `quench run` prints them when it
 * finishes (the app shows them on a finished job): its stored spec, its task list, main/analysis.
 */
export function archivedFindings(archive: Archive, experimentId: string): { experiment: ExperimentRow; spec: ExperimentSpec; findings: Findings } {
  const experiment = archive.findExperiment(experimentId);
  const spec = parseExperiment(archive.storedSpec(experiment), `the stored spec of experiment ${experiment.id}`);
  const tasks = runTasks(planSlice(spec, 0, 1)[0]);
  return { experiment, spec, findings: analyse(spec, archive.loadResults(experiment.id), tasks) };
}

/** Warnings about stored runs of this experiment that an erratum flags ([] when none). */
export function errataOf(p: Prepared, archive: Archive | null) {
  return archive && p.experiment ? errataIn(archive, { experiments: [p.experiment.id] }) : [];
}
