// The whole study, end to end through the CLI as a user runs it (issue 16, targets 1 and 2):
//   - every preset, twice: a first-ever run (no measurements on disk: the cost estimate's and the
//     backend calibration's probes are made) and a later one (a new archive, the measurements kept),
//     each `quench run <preset> --timings` in a process of its own, its wall time measured from here
//     and its phases read from the line --timings prints (main/phases.ts);
//   - the rate presets' work in plain numpy (bench/study_numpy.py on bench/study-plan.ts's plan, with
//     the mechanism measures, since Quench makes them for every run), in the same invocation.
//   - the rate presets again in one `quench run <preset> <preset> …` (one process, its worker threads
//     warm after the first preset), first-ever and later, on measurements of its own.
// Quench's figure for the study is the later runs' wall time: what a lab pays run after run (the
// first-ever run's extra is its calibration and estimate probes, reported as their own rows).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../main/paths.js';
import { parsePhases, type Phases } from '../main/phases.js';
import { listPresets } from '../main/specs.js';
import { RATE_PRESETS, writeStudyPlan } from './study-plan.js';

const ROOT = packageRoot();

export interface PresetTiming {
  preset: string;
  /** wall time of the CLI process, seconds, measured by the bench */
  wallSeconds: number;
  /** the process's own phases and its runs' parts summed over the threads, seconds */
  phases: Phases;
  runParts: Phases;
}

export interface StudyResult {
  first: PresetTiming[];
  later: PresetTiming[];
  /** the rate presets in one process, later run: its wall time and each preset's timings line (null when none ran) */
  oneProcess: { presets: string[]; wallSeconds: number; firstWallSeconds: number; each: PresetTiming[] } | null;
  /** numpy with its BLAS threads as installed, and with one BLAS thread (on 2 cores, threads can cost more than they give) */
  numpy: NumpyStudy | null;
  numpy1: NumpyStudy | null;
}

export type NumpyStudy = { ok: boolean; error?: string; totalSeconds?: number; presets?: { name: string; runs: number; seconds: number; parts: Record<string, number> }[]; meanTestR2?: number; numpy?: string };

/** The strongest numpy reference per preset: the faster of the two thread settings (null where neither ran). */
export function fastestNumpy(study: StudyResult): Map<string, { seconds: number; parts: Record<string, number>; threads: string }> {
  const out = new Map<string, { seconds: number; parts: Record<string, number>; threads: string }>();
  for (const [r, threads] of [[study.numpy, 'BLAS threads as installed'], [study.numpy1, 'one BLAS thread']] as const) {
    if (!r?.ok) continue;
    for (const p of r.presets ?? []) {
      const have = out.get(p.name);
      if (!have || p.seconds < have.seconds) out.set(p.name, { seconds: p.seconds, parts: p.parts, threads });
    }
  }
  return out;
}

/** one `quench run <preset>` in a new process, on a new archive, with the measurements in `measurements` */
function runPreset(preset: string, dir: string, measurements: string, tag: string): PresetTiming {
  const { wallSeconds, each } = runPresets([preset], join(dir, `${preset}-${tag}.sqlite`), measurements);
  return { ...each[0], wallSeconds };
}

/** one `quench run <presets…>` in a new process, into `archive`: its wall time and each preset's timings line */
function runPresets(presets: string[], archive: string, measurements: string): { wallSeconds: number; each: PresetTiming[] } {
  const t = performance.now();
  const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'quench.js'), 'run', ...presets, '--archive', archive, '--timings', '-q'], {
    encoding: 'utf8',
    env: { ...process.env, QUENCH_CALIBRATION: measurements },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - t) / 1000;
  if (res.status !== 0) throw new Error(`quench run ${presets.join(' ')} exited with ${res.status}: ${(res.stderr ?? '').slice(-800)}`);
  const lines = (res.stderr ?? '').split('\n').filter((l) => l.startsWith('timings (s)'));
  if (lines.length !== presets.length) throw new Error(`quench run ${presets.join(' ')} printed ${lines.length} timings lines for ${presets.length} presets`);
  // each preset's own wall time is its line's total (the first's counts the process's start); a
  // single preset's is the process's, measured here
  const each = lines.map((l, i) => {
    const t = parsePhases(l)!;
    return { preset: presets[i], wallSeconds: t.phases.total, ...t };
  });
  return { wallSeconds, each };
}

function numpyStudy(plan: string, oneThread: boolean): NumpyStudy {
  const env = oneThread ? { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } : process.env;
  const res = spawnSync('python3', [join(ROOT, 'bench', 'study_numpy.py'), plan, '--mechanisms'], { encoding: 'utf8', env, timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024 });
  if (res.error) return { ok: false, error: `python3 could not be run: ${res.error.message}` };
  const line = (res.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as NumpyStudy;
  } catch {
    return { ok: false, error: `study_numpy.py printed no JSON (exit ${res.status}): ${(res.stderr ?? '').trim().slice(-300)}` };
  }
}

/** Every preset first-ever and later through the CLI, then the rate presets in numpy. `presets` narrows it (a quick run). */
export function studySection(progress: (what: string) => void, presets: string[] = listPresets().map((p) => p.name)): StudyResult {
  const dir = mkdtempSync(join(tmpdir(), 'quench-study-'));
  try {
    const first: PresetTiming[] = [];
    const later: PresetTiming[] = [];
    for (const preset of presets) {
      // first-ever: measurements of its own, none yet
      const fresh = join(dir, `measurements-${preset}.json`);
      progress(`study ${preset}: first-ever run`);
      first.push(runPreset(preset, dir, fresh, 'first'));
      progress(`study ${preset}: later run`);
      later.push(runPreset(preset, dir, fresh, 'later'));
    }
    const rate = presets.filter((p) => RATE_PRESETS.includes(p));
    if (rate.length === 0) return { first, later, oneProcess: null, numpy: null, numpy1: null };
    const together = join(dir, 'measurements-together.json');
    progress(`study: the ${rate.length} rate presets in one quench run, first-ever`);
    const firstTogether = runPresets(rate, join(dir, 'all-first.sqlite'), together);
    progress(`study: the ${rate.length} rate presets in one quench run, later`);
    const laterTogether = runPresets(rate, join(dir, 'all-later.sqlite'), together);
    const oneProcess = { presets: rate, wallSeconds: laterTogether.wallSeconds, firstWallSeconds: firstTogether.wallSeconds, each: laterTogether.each };
    progress(`study: numpy, ${rate.length} rate presets`);
    const plan = join(dir, 'study-plan.json');
    writeStudyPlan(plan, rate);
    const numpy = numpyStudy(plan, false);
    progress('study: numpy with one BLAS thread');
    const numpy1 = numpyStudy(plan, true);
    return { first, later, oneProcess, numpy, numpy1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "start 0.27 s, estimate 0.53 s, …; in the threads: simulate 0.38 s, …" */
export function describeTiming(t: PresetTiming): string {
  const f = (o: Phases) =>
    Object.entries(o)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
      .join(', ');
  return `${f(t.phases)}; in the threads: ${f(t.runParts)}`;
}
