// How long an experiment will take, from probe runs. Each kind of run (model, size class and
// storage as the backend calibration groups them, connection probability, manipulation) is timed
// shortened twice (a tenth and a fifth of its segments, at most 100 neurons, the whole suite), which
// splits its cost into a part that grows with the number of steps (simulation, Gram matrix, readout
// products) and a part that does not (ridge solves, spectra). Every run is then priced by its own
// steps, the per-step part scaled by N² and the fixed part by N³ beyond the probe's N, and the total
// shared among the threads. A rough figure for the designer, not a promise: it does not know what
// else the machine is doing.
import type { RunSpec } from '../../common/results.js';
import type { Backend } from '../../worker/backends/backend.js';
import { executeRun, totalSteps } from '../../worker/run.js';
import { calibrationKey } from '../backend-choice.js';

/** probes are small: the spectra (O(N³), computed for N <= 400) would otherwise dominate them */
const PROBE_MAX_N = 100;

interface ProbeCost {
  n: number;
  /** ms per step, and ms per run whatever its length */
  perStepMs: number;
  fixedMs: number;
}

function shortened(run: RunSpec, fraction: number): RunSpec {
  const s = run.input.segments;
  const short = (x: number) => Math.max(50, Math.round(x * fraction));
  const train = short(s.train);
  const n = Math.min(run.network.n, PROBE_MAX_N);
  return {
    ...run,
    network: { ...run.network, n },
    factors: { ...run.factors, n, trainLength: Math.min(train, short(run.factors.trainLength)) },
    input: { ...run.input, segments: { washout: short(s.washout), train, validation: short(s.validation), test: short(s.test) } },
  };
}

/** The faster of two runs: a garbage collection in one of them is not the run's cost. */
function timed(run: RunSpec, backend: Backend): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    executeRun(run, backend);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

let warmed = false;

function probeCost(run: RunSpec, backend: Backend): ProbeCost {
  const a = shortened(run, 0.1);
  const b = shortened(run, 0.2);
  if (!warmed) {
    // the first run of a process pays for JIT and module compilation
    executeRun(a, backend);
    warmed = true;
  }
  const ta = timed(a, backend);
  const tb = timed(b, backend);
  const sa = totalSteps(a);
  const sb = totalSteps(b);
  const perStepMs = tb > ta ? (tb - ta) / (sb - sa) : tb / sb;
  return { n: a.network.n, perStepMs, fixedMs: Math.max(0, tb - perStepMs * sb) };
}

/** Starting the worker threads and loading the engine in each. */
const STARTUP_SECONDS = 0.3;

export function estimateSeconds(runs: readonly RunSpec[], threads: number, backend: Backend): number {
  if (runs.length === 0) return 0;
  const probes = new Map<string, ProbeCost>();
  let totalMs = 0;
  for (const run of runs) {
    // runs of one kind: same model, size class and storage, and the same connectivity and manipulation
    const key = `${calibrationKey(run)}|p=${run.network.p}|${run.factors.manipulation}`;
    let p = probes.get(key);
    if (!p) probes.set(key, (p = probeCost(run, backend)));
    const ratio = run.network.n / p.n;
    totalMs += p.perStepMs * totalSteps(run) * ratio ** 2 + p.fixedMs * (ratio > 1 ? ratio ** 3 : ratio);
  }
  // a split backend's run already keeps threadsPerRun threads busy (and its probe measured that)
  const parallel = Math.max(1, Math.min(Math.floor(threads / (backend.threadsPerRun ?? 1)), runs.length));
  return STARTUP_SECONDS + totalMs / 1000 / parallel;
}
