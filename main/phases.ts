// Where an experiment's time goes, phase by phase (issue 16: "measure first where the time goes"):
// what `quench run --timings` prints and the study bench (bench/study.ts) reads. Milliseconds per
// phase of this process's main thread, plus the run's own timings summed over the worker threads.

/** milliseconds by phase, in the order they were first timed */
export type Phases = Record<string, number>;

/**
 * The phases in the order they happen: process start and module loading, planning, the cost
 * estimate (its probes), the archive (finding or making the experiment, storing the planned runs),
 * the backend calibration, the runs (wall time; `commit` is inside it: this thread commits each run
 * as it arrives), the statistics (findings) and the output.
 */
export const PHASES = ['start', 'plan', 'estimate', 'archive', 'calibration', 'runs', 'commit', 'findings', 'output'] as const;

/** the runs' own timings (preparation, simulation, readout, spectra and mechanisms), summed over every run in whichever thread made it */
export const RUN_PARTS = ['prepare', 'simulate', 'readout', 'mechanisms'] as const;

/** adds the time `fn` takes to `phases[name]` */
export function timePhase<T>(phases: Phases, name: string, fn: () => T): T {
  const t = performance.now();
  try {
    return fn();
  } finally {
    phases[name] = (phases[name] ?? 0) + performance.now() - t;
  }
}

export async function timePhaseAsync<T>(phases: Phases, name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    phases[name] = (phases[name] ?? 0) + performance.now() - t;
  }
}

/** "timings (s): start=0.21 plan=0.00 … total=5.02 | in the threads: simulate=3.10 …", key=value for scripts, in seconds */
export function formatPhases(phases: Phases, runParts: Phases, totalMs: number): string {
  const kv = (o: Phases, keys: readonly string[]) => keys.filter((k) => o[k] !== undefined).map((k) => `${k}=${(o[k] / 1000).toFixed(3)}`);
  // (total: the process's wall time so far; commit is inside runs, so the phases sum to about it without commit)
  return `timings (s): ${[...kv(phases, PHASES), `total=${(totalMs / 1000).toFixed(3)}`].join(' ')} | in the threads: ${kv(runParts, RUN_PARTS).join(' ')}`;
}

/** parses formatPhases' line back (seconds), for the bench */
export function parsePhases(line: string): { phases: Phases; runParts: Phases } | null {
  const m = /^timings \(s\): (.*) \| in the threads: (.*)$/m.exec(line);
  if (!m) return null;
  const parse = (s: string): Phases => Object.fromEntries(s.trim().split(/\s+/).filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  return { phases: parse(m[1]), runParts: parse(m[2]) };
}
