// Timing runs for the decisions made before an experiment starts: which backend finishes it soonest
// (main/backend-choice.ts) and how long and how large it will be (main/cost.ts). The probes run in a
// worker thread of their own (main/probes.ts), never in the thread that answers the user.
import type { RunSpec } from '../common/results.js';
import type { Backend } from './backends/backend.js';
import { executeRun } from './run.js';

/**
 * Milliseconds per run: after one warm-up of the first run (JIT and module compilation are not the
 * backend's steady speed), the best of `repeats` (a garbage collection in one of them is not the run's cost).
 */
export function timeRuns(runs: readonly RunSpec[], backend: Backend, repeats = 3): number[] {
  if (runs.length > 0) executeRun(runs[0], backend);
  return runs.map((run) => {
    let best = Infinity;
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      executeRun(run, backend);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  });
}
