// Whether a piece of work should start at all, decided in one place before any compute: work that
// would not fit in the machine's memory or on the archive's disk is refused, naming the factor that
// makes it large and the largest value that fits; work past a time threshold waits for the user's
// go-ahead (--yes, or the app's confirmation); threads are capped at the cores unless forced.
import { availableParallelism } from 'node:os';
import { ConfirmationNeeded, QuenchError } from '../common/errors.js';
import type { ExperimentSpec } from '../common/spec.js';
import { formatBytes, formatSeconds } from '../common/format.js';
import { describeCost, peakAtOnce, runMemory, type CostEstimate, type SizeEstimate } from './cost.js';
import type { RunShape } from './run-shape.js';

/** longer work than this needs an explicit go-ahead */
export const CONFIRM_ABOVE_SECONDS = 3600;

export interface Limits {
  /** bytes the process may use (memoryBudget()) */
  memoryBytes: number;
  /** bytes free where the archive is (null: unknown, or no archive) */
  freeDiskBytes: number | null;
  confirmAboveSeconds: number;
}

/** `--threads N`: at most the cores, unless forced (more threads than cores only slow a sweep down). */
export function checkThreads(threads: number, force = false, cores = availableParallelism()): number {
  if (!Number.isInteger(threads) || threads < 0) throw new QuenchError('input', `threads: expected a whole number ≥ 0, got ${threads}`);
  if (threads > cores && !force) {
    throw new QuenchError(
      'input',
      `${threads} threads on a machine with ${cores} core(s): each thread holds a run's memory and they would only share the cores, so the sweep would be slower. ` +
        `Use --threads ${cores} or fewer (or --force-threads if you mean it)`,
    );
  }
  return threads;
}

/** The largest integer x in [lo, hi] with fits(x), for a fits that holds up to some point (null: none). */
function largestFitting(lo: number, hi: number, fits: (x: number) => boolean): number | null {
  if (!fits(lo)) return null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Why it does not fit, in words: the factor that makes it large, and the largest value that fits. */
function memoryMessage(spec: ExperimentSpec, est: SizeEstimate, budget: number): string {
  const s: RunShape = est.largest;
  const m = est.largest.memory;
  const fitsWith = (shape: RunShape, concurrent: number) => peakAtOnce(est.threads, concurrent, runMemory(shape).total) <= budget;
  const head =
    `this experiment would need about ${formatBytes(est.peakBytes)} of memory at once (${est.concurrent} run(s) at once × up to ${formatBytes(est.peakBytesPerRun)}, ` +
    `N = ${s.n}, ${s.steps} steps, ${s.tasks} tasks); Quench may use ${formatBytes(budget)} here (80 % of the memory available now).`;
  const parts: string[] = [head];
  const nField = spec.sweep.n ? 'sweep.n' : 'network.n';
  const stepsField = 'input.segments (washout + train + validation + test)';
  if (m.matrices >= m.features + m.targets) {
    const n = largestFitting(1, s.n, (x) => fitsWith({ ...s, n: x, nnz: (s.nnz * x * x) / (s.n * s.n) }, est.concurrent));
    parts.push(
      `Most of it is ${nField} = ${s.n}: the recurrent matrix and the readout's N × N matrices (about 66 bytes × N² per run). ` +
        (n ? `The largest ${nField} that fits is ${n}` : `No ${nField} fits`) +
        (est.concurrent > 1 ? `; with one run at once (--threads 1): ${largestFitting(1, s.n, (x) => fitsWith({ ...s, n: x, nnz: (s.nnz * x * x) / (s.n * s.n) }, 1)) ?? 'none'}.` : '.'),
    );
  } else {
    const steps = largestFitting(1, s.steps, (x) => fitsWith({ ...s, steps: x }, est.concurrent));
    const what = m.features >= m.targets ? `the features of ${s.steps} steps × ${s.n} neurons and their copies for the readout` : `the targets of ${s.tasks} tasks × ${s.steps} steps`;
    const seg = spec.input.segments;
    const trainFits = steps ? steps - (s.steps - seg.train) : 0;
    parts.push(
      `Most of it is ${stepsField} = ${s.steps} steps: ${what}. ` +
        (steps ? `The most steps that fit are ${steps}${trainFits > 0 ? ` (input.segments.train up to ${trainFits})` : ''}` : 'No length fits') +
        (est.concurrent > 1 ? `; with one run at once (--threads 1): ${largestFitting(1, s.steps, (x) => fitsWith({ ...s, steps: x }, 1)) ?? 'none'}.` : '.'),
    );
  }
  return parts.join(' ');
}

/** Refuses (a QuenchError, 'input') what would not fit in memory or on the archive's disk. */
export function admitSize(spec: ExperimentSpec, est: SizeEstimate, limits: Limits): void {
  if (est.peakBytes > limits.memoryBytes) throw new QuenchError('input', memoryMessage(spec, est, limits.memoryBytes));
  if (limits.freeDiskBytes !== null && est.archiveBytes > 0.9 * limits.freeDiskBytes) {
    throw new QuenchError(
      'input',
      `the archive would grow by about ${formatBytes(est.archiveBytes)} (${est.runs} runs × ${est.tasks} task scores), and its disk has ${formatBytes(limits.freeDiskBytes)} free. ` +
        `Make fewer runs (sweep.seeds, the sweep's lists) or put the archive elsewhere (--archive PATH)`,
    );
  }
}

/** Asks for the go-ahead (a ConfirmationNeeded) for work longer than the threshold, unless given. */
export function admitTime(est: CostEstimate, limits: Limits, yes: boolean): void {
  if (est.seconds > limits.confirmAboveSeconds && !yes) {
    throw new ConfirmationNeeded(
      `this experiment is long: ${describeCost(est)}. Start it with --yes (in the app: confirm), or make it smaller first (\`quench validate\` prints the estimate)`,
      est.seconds,
    );
  }
}

/** The threshold in words, for help texts. */
export const CONFIRM_THRESHOLD_TEXT = formatSeconds(CONFIRM_ABOVE_SECONDS);
