// Timing runs for the decisions made before an experiment starts: which backend finishes it soonest
// (main/backend-choice.ts) and how long and how large it will be (main/cost.ts). The probes run in a
// worker thread of their own (main/probes.ts), never in the thread that answers the user.
import type { RunSpec } from '../common/results.js';
import type { LifModelSpec } from '../common/spec.js';
import type { Backend } from './backends/backend.js';
import { stepProducts } from './readout.js';
import { deriveSeed } from './rng.js';
import { executeRun, prepareRun, runTasks, stateNoiseSeed } from './run.js';
import { computeTargets } from './tasks.js';

/** what a probe times: the phases of whole runs (the cost estimate), or the kernels that set a backend's speed (the calibration) */
export type ProbeKind = 'phases' | 'kernels';

/** the phases of a run that grow by different laws (main/cost.ts): simulation with its preparation, readout, mechanisms */
export const PHASES = 3;

/**
 * Milliseconds per run and phase, PHASES numbers per run one after the other: simulation (with the
 * input, network and summary), readout, mechanisms (spectra and spike measures). After a warm-up of
 * each run, the smallest first (JIT and module compilation: in a new probe thread the per-task loops
 * are slow for the first runs, and a warm-up of the largest alone left its readout 30 % slow; the
 * smallest runs the same loops, cheaply), the runs in turn `repeats` times (a slower stretch of the
 * machine falls on all of them, not on one), each phase the best of its repeats (a collection in
 * one phase of one repeat is not that phase's cost).
 */
export function timePhases(runs: readonly RunSpec[], backend: Backend, repeats = 3): number[] {
  for (const run of [...runs].reverse()) executeRun(run, backend);
  const best = new Array<number>(runs.length * PHASES).fill(Infinity);
  for (let i = 0; i < repeats; i++) {
    runs.forEach((run, r) => {
      const { readoutMs, mechanismsMs = 0, totalMs } = executeRun(run, backend).timings;
      [totalMs - readoutMs - mechanismsMs, readoutMs, mechanismsMs].forEach((ms, j) => (best[r * PHASES + j] = Math.min(best[r * PHASES + j], ms)));
    });
  }
  return best;
}

/**
 * Milliseconds per run of the work that differs between backends and grows with the steps: the
 * simulation and the readout's per-step products (stepProducts), on the run as given (the
 * calibration passes a shortened one). The input, network and targets are made once, untimed: they
 * are the same on every backend. One warm-up, then the best of `repeats`, as timePhases.
 */
export function timeKernels(runs: readonly RunSpec[], backend: Backend, repeats = 3): number[] {
  return runs.map((run) => {
    const { p, tasks, targets } = preparedForKernels(run);
    const seg = run.input.segments;
    const model = run.network.model;
    const once = () => {
      const features =
        model.kind === 'rate'
          ? backend.simulateRate(model, p.net, p.input, p.steps, stateNoiseSeed(run), true)
          : backend.simulateLif(model as LifModelSpec, p.net, p.input, p.steps, deriveSeed(run.seeds.input, 'lif'), true, true).features;
      const valStart = seg.washout + seg.train;
      stepProducts(backend, {
        features,
        n: p.net.n,
        steps: p.steps,
        targets,
        k: tasks.length,
        train: { start: seg.washout, end: seg.washout + run.factors.trainLength },
        validation: { start: valStart, end: valStart + seg.validation },
        test: { start: valStart + seg.validation, end: p.steps },
      });
    };
    once();
    let best = Infinity;
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      once();
      best = Math.min(best, performance.now() - t);
    }
    return best;
  });
}

/**
 * The input, network and targets of a kernel probe: the last run's again when the same run comes
 * next (the calibration probes one run per key on every candidate backend in turn).
 */
let lastPrepared: { key: string; p: ReturnType<typeof prepareRun>; tasks: ReturnType<typeof runTasks>; targets: Float64Array } | null = null;
function preparedForKernels(run: RunSpec) {
  const key = JSON.stringify(run);
  if (lastPrepared?.key !== key) {
    const p = prepareRun(run);
    const tasks = runTasks(run);
    lastPrepared = { key, p, tasks, targets: computeTargets(tasks, p.input, p.steps, run.input.channels.length) };
  }
  return lastPrepared;
}

/** a probe of either kind */
export function probe(kind: ProbeKind, runs: readonly RunSpec[], backend: Backend, repeats: number): number[] {
  return kind === 'kernels' ? timeKernels(runs, backend, repeats) : timePhases(runs, backend, repeats);
}
