// How long an experiment will take, from a probe run: for each kind of run (model, size class and
// storage, as the backend calibration groups them) one shortened run of at most 400 neurons is timed
// (a tenth of the segments, the whole suite), then scaled to every run of the experiment by its
// steps and by N² (the recurrent product, the Gram matrix and the readout products all grow so),
// and shared among the threads. A rough figure (within a factor of about two), for the designer.
import type { RunSpec } from '../../common/results.js';
import type { Backend } from '../../worker/backends/backend.js';
import { executeRun, SPECTRA_MAX_N, totalSteps } from '../../worker/run.js';
import { calibrationKey } from '../backend-choice.js';

const PROBE_MAX_N = 400;

interface ProbeTime {
  n: number;
  steps: number;
  simulateMs: number;
  readoutMs: number;
  /** the rest of a run (network build, spectra at N <= 400, targets) */
  otherMs: number;
}

function probeOf(run: RunSpec): RunSpec {
  const s = run.input.segments;
  const short = (x: number) => Math.max(50, Math.round(x / 10));
  const train = short(s.train);
  return {
    ...run,
    network: { ...run.network, n: Math.min(run.network.n, PROBE_MAX_N) },
    factors: { ...run.factors, n: Math.min(run.network.n, PROBE_MAX_N), trainLength: Math.min(train, short(run.factors.trainLength)) },
    input: { ...run.input, segments: { washout: short(s.washout), train, validation: short(s.validation), test: short(s.test) } },
  };
}

let warmed = false;

function timeProbe(run: RunSpec, backend: Backend): ProbeTime {
  const probe = probeOf(run);
  if (!warmed) {
    // the first run of a process pays for JIT and module compilation
    executeRun({ ...probe, network: { ...probe.network, n: Math.min(probe.network.n, 20) } }, backend);
    warmed = true;
  }
  const r = executeRun(probe, backend);
  const t = r.timings;
  return { n: probe.network.n, steps: totalSteps(probe), simulateMs: t.simulateMs, readoutMs: t.readoutMs, otherMs: Math.max(0, t.totalMs - t.simulateMs - t.readoutMs) };
}

export function estimateSeconds(runs: readonly RunSpec[], threads: number, backend: Backend): number {
  if (runs.length === 0) return 0;
  const probes = new Map<string, ProbeTime>();
  let totalMs = 0;
  for (const run of runs) {
    const key = calibrationKey(run);
    let p = probes.get(key);
    if (!p) probes.set(key, (p = timeProbe(run, backend)));
    const n = run.network.n;
    const byN = (n / p.n) ** 2;
    const bySteps = totalSteps(run) / p.steps;
    const other = n <= SPECTRA_MAX_N ? p.otherMs * (n / p.n) ** 3 : p.otherMs * byN;
    totalMs += (p.simulateMs + p.readoutMs) * byN * bySteps + other;
  }
  const parallel = Math.max(1, Math.min(threads, runs.length));
  return totalMs / 1000 / parallel;
}
