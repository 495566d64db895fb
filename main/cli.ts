// The `quench` command line: run an experiment spec or a preset into the archive, resume it, list
// presets, validate a spec; the archive's own commands (runs, compare, export, ...) are in archive-cli.ts.
// Progress goes to stderr, results to stdout (or a file), errors in words with distinct exit codes.
import { randomUUID } from 'node:crypto';
import { writeFileSync, renameSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { EXIT, QuenchError, exitCodeFor } from '../common/errors.js';
import type { RunResult, RunSpec } from '../common/results.js';
import type { ExperimentSpec } from '../common/spec.js';
import type { Findings } from '../common/findings.js';
import { CONTRAST_HEAD, contrastCells, interval, num } from '../common/format.js';
import { analyse } from './analysis/findings.js';
import { planRuns } from './plan.js';
import { BACKEND_OPTION_HELP, chooseBackends, describeCalibration } from './backend-choice.js';
import { backendByName, backendReport } from '../worker/backends/registry.js';
import { defaultThreads, runAll, type Progress } from './scheduler.js';
import { listPresets, loadSpec } from './specs.js';
import { parseTauCsv } from '../worker/heterogeneity.js';
import { readFileSync } from 'node:fs';
import { runTasks } from '../worker/run.js';
import { appVersion } from './version.js';
import { parseExperiment } from '../common/validate.js';
import type { Archive, ExperimentRow } from '../db/archive.js';
import type { TaskDef } from '../worker/types.js';
import { errataIn, flaggedRunIds } from '../db/errata.js';
import { errataLines } from './analysis/tables.js';
import { openArchive, registerArchiveCommands } from './archive-cli.js';
import { archiveArg, archiveLocation, renderTable, type ArchiveLocation } from './archive-format.js';
import { registerServeCommand } from './serve.js';

interface RunOptions {
  out?: string;
  threads: number;
  /** a backend name, or 'auto' for the calibrated choice */
  backend: string;
  quiet?: boolean;
  seeds?: number;
  tauCsv?: string;
  /** a path, or false for --no-archive */
  archive?: string | false;
  new?: boolean;
  resume?: boolean;
  /** resume: make the runs an erratum flags again first */
  recomputeFlagged?: boolean;
}

function intArg(min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got "${value}"`);
    return n;
  };
}

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

export function formatFindings(findings: Findings): string {
  const rows = findings.conditions.map((c) => {
    const ci = c.seeds > 1 ? interval(c.meanCapacity.lo, c.meanCapacity.hi) : '(1 seed)';
    const cal = c.calibration;
    const extra = [
      `realised CV ${num(c.realised.cv, 2)}${c.realised.nominalCv !== null ? ` (nominal c ${num(c.realised.nominalCv, 2)})` : ''}, skew ${num(c.realised.skewness, 2)}`,
      c.realised.bounded > 0 ? `${c.realised.bounded.toFixed(1)} bounded` : '',
      c.meanRateHz !== null ? `${c.meanRateHz.toFixed(1)} Hz` : '',
      cal ? `${cal.by} ${num(cal.value[0], 3)}${cal.value[1] !== cal.value[0] ? `–${num(cal.value[1], 3)}` : ''} for ${cal.targetHz[0] === cal.targetHz[1] ? cal.targetHz[0].toFixed(1) : `${cal.targetHz[0].toFixed(1)}–${cal.targetHz[1].toFixed(1)}`} Hz` : '',
      c.rhoEff !== null ? `ρ_eff ${num(c.rhoEff, 2)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [c.label, `${num(c.meanCapacity.mean)} ${ci}`, String(c.seeds), extra];
  });
  const head = ['condition', 'mean capacity (95 % CI)', 'seeds', 'network'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];
  if (findings.claim) out.push(`Claim tested: ${findings.claim}`);
  out.push('Found:');
  for (const l of findings.notes) out.push(`  ${l.startsWith('  ') ? l : `- ${l}`}`);
  if (findings.contrasts.length) {
    out.push(
      '',
      'Contrasts (Δ = first − second, mean capacity). Seeds are the unit of inference: paired t over the per-seed differences decides the verdict; the sign-flip p and the',
      'hierarchical bootstrap interval stand beside it; per-task counts and the Wilcoxon p are descriptive (the tasks of one network are not independent).',
      renderTable([...CONTRAST_HEAD], findings.contrasts.map(contrastCells)),
    );
    const left = findings.contrasts.filter((c) => c.leftOut.length);
    for (const c of left) out.push(`  ${c.label}: left out ${c.leftOut.join('; ')}`);
  }
  return out.join('\n');
}

interface Execution {
  results: RunResult[];
  seconds: number;
}

/** Runs `runs` on the pool with a progress bar (or lines) on stderr; Ctrl-C cancels. */
async function execute(runs: RunSpec[], opts: Pick<RunOptions, 'threads' | 'quiet' | 'backend'>, onResult?: (r: RunResult) => void): Promise<Execution> {
  const plan = chooseBackends(runs, opts.backend, undefined, opts.threads);
  if (!opts.quiet) {
    for (const c of plan.calibrations) process.stderr.write(`backend ${describeCalibration(c)}\n`);
    if (plan.calibrations.length === 0 && runs.length > 0) process.stderr.write(`backend ${opts.backend} (as asked)\n`);
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const bar =
    opts.quiet || !process.stderr.isTTY
      ? null
      : new cliProgress.SingleBar(
          { format: ' {bar} {value}/{total} runs | {rate} runs/s | ETA {eta_h}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
  bar?.start(runs.length, 0, { rate: '0.0', eta_h: '--' });
  let lastLine = 0;
  const onProgress = (p: Progress) => {
    if (bar) bar.update(p.done, { rate: p.runsPerSecond.toFixed(1), eta_h: formatEta(p.etaSeconds) });
    else if (!opts.quiet && (p.done === p.total || performance.now() - lastLine > 2000)) {
      // not a terminal (CI, a pipe): a line now and then instead of a redrawn bar
      lastLine = performance.now();
      process.stderr.write(`  ${p.done}/${p.total} runs, ${p.runsPerSecond.toFixed(1)} runs/s, ETA ${formatEta(p.etaSeconds)}\n`);
    }
  };
  const started = performance.now();
  try {
    const results = runs.length === 0 ? [] : await runAll(runs, { threads: opts.threads, backendByRun: plan.byRun, signal: controller.signal, onProgress, onResult });
    return { results, seconds: (performance.now() - started) / 1000 };
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}

function report(spec: ExperimentSpec, tasks: TaskDef[], results: RunResult[], headline: string, out?: string, warnings: string[] = []): void {
  const findings = analyse(spec, results, tasks);
  process.stdout.write(`\n${headline}\n\n${formatFindings(findings)}\n`);
  for (const w of warnings) process.stdout.write(`\n${w}\n`);
  if (out) {
    const doc = {
      kind: 'quench.results',
      version: 1,
      app: { name: 'quench', version: appVersion() },
      createdAt: new Date().toISOString(),
      backend: results[0]?.backend ?? 'cpu',
      spec,
      tasks,
      runs: results,
      findings,
    };
    // write beside, then rename: an interrupted write never leaves half a file under the real name
    const tmp = `${out}.partial`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, out);
    process.stderr.write(`results written to ${out}\n`);
  }
}

function resumeCommandFor(exp: ExperimentRow, where: ArchiveLocation): string {
  return `quench resume ${exp.id}${archiveArg(where)}`;
}

/**
 * Runs what is left of an archived experiment, committing each run as it finishes, then reports on
 * all its runs as stored. A failure or a cancel leaves the finished runs stored and says how to resume.
 */
async function runArchived(archive: Archive, where: ArchiveLocation, exp: ExperimentRow, spec: ExperimentSpec, source: string, opts: RunOptions): Promise<number> {
  const runs = planRuns(spec);
  const tasks = runTasks(runs[0]);
  if (opts.recomputeFlagged) {
    const flagged = flaggedRunIds(archive, exp.id);
    const reset = archive.resetRuns(flagged);
    process.stderr.write(`${reset} run(s) flagged by an erratum set to be made again\n`);
  }
  const remaining = archive.remainingRuns(exp.id, runs);
  const stored = runs.length - remaining.length;
  process.stderr.write(`archive: ${archive.path}\n`);
  process.stderr.write(
    `experiment ${exp.id} "${spec.name}" (${source}): ${runs.length} runs × ${tasks.length} tasks` +
      (stored > 0 ? `; ${stored} already stored, ${remaining.length} to run` : '') +
      (remaining.length > 0 ? ` on ${opts.threads} thread(s)\n` : '\n'),
  );
  let seconds = 0;
  try {
    seconds = (await execute(remaining, opts, (r) => archive.commitRun(exp.id, r))).seconds;
  } catch (err) {
    const { done } = archive.progress(exp.id);
    const hint = `${done} of ${runs.length} runs of experiment ${exp.id} are stored in ${archive.path}; finish with: ${resumeCommandFor(exp, where)}`;
    if (err instanceof QuenchError) throw new QuenchError(err.kind, `${err.message}\n${hint}`);
    throw new QuenchError('internal', `${(err as Error).message}\n${hint}`);
  }
  const results = archive.loadResults(exp.id);
  const headline =
    remaining.length === 0
      ? `${spec.name}: all ${results.length} runs were already in the archive (experiment ${exp.id})`
      : `${spec.name}: ${results.length} runs in ${seconds.toFixed(1)} s${stored > 0 ? ` (${stored} resumed from the archive)` : ''}, experiment ${exp.id}`;
  report(spec, tasks, results, headline, opts.out, errataLines({ errata: errataIn(archive, { experiments: [exp.id] }) }, archiveArg(where)));
  return EXIT.ok;
}

/** An unknown backend is bad input: say so before anything is planned or archived. */
function checkBackend(name: string): void {
  if (name !== 'auto') backendByName(name);
}

async function runCommand(target: string, opts: RunOptions): Promise<number> {
  checkBackend(opts.backend);
  let { spec, source } = loadSpec(target);
  if (opts.seeds !== undefined) spec = { ...spec, sweep: { ...spec.sweep, seeds: opts.seeds } };
  if (opts.tauCsv) {
    const values = parseTauCsv(readFileSync(opts.tauCsv, 'utf8'));
    spec = { ...spec, network: { ...spec.network, heterogeneity: { ...spec.network.heterogeneity, values } } };
  }
  if (opts.new && opts.resume) throw new QuenchError('input', '--new and --resume exclude each other: --new starts a fresh experiment, --resume finishes the stored one');
  const runs = planRuns(spec);
  const tasks = runTasks(runs[0]);

  if (opts.archive === false) {
    process.stderr.write(`${spec.name} (${source}): ${runs.length} runs × ${tasks.length} tasks on ${opts.threads} thread(s); not archived\n`);
    const { results, seconds } = await execute(runs, opts);
    report(spec, tasks, results, `${spec.name}: ${results.length} runs in ${seconds.toFixed(1)} s`, opts.out);
    return EXIT.ok;
  }

  const where = archiveLocation(opts.archive);
  const archive = openArchive(where, true);
  try {
    let exp = archive.findExperimentBySpec(spec);
    if (exp && !opts.resume && !opts.new) {
      const { done, planned } = archive.progress(exp.id);
      const state = done >= planned ? `complete (${done} of ${planned} runs)` : `${done} of ${planned} runs done`;
      throw new QuenchError(
        'input',
        `this spec is already experiment ${exp.id} "${exp.name}" in archive ${archive.path}, ${state}.\n` +
          (done >= planned
            ? `  see its results: quench compare --experiment ${exp.id}${archiveArg(where)}   (or run it with --resume to print its findings)\n`
            : `  finish it with: ${resumeCommandFor(exp, where)}   (or add --resume to this command)\n`) +
          `  or run it again as a separate experiment: add --new`,
      );
    }
    if (!exp || opts.new) exp = archive.createExperiment(spec, runs, tasks, exp ? randomUUID() : '');
    return await runArchived(archive, where, exp, spec, source, opts);
  } finally {
    archive.close();
  }
}

async function resumeCommand(ref: string, opts: RunOptions): Promise<number> {
  checkBackend(opts.backend);
  const where = archiveLocation(opts.archive === false ? undefined : opts.archive);
  const archive = openArchive(where, false);
  try {
    const exp = archive.findExperiment(ref);
    const spec = parseExperiment(archive.storedSpec(exp), `the stored spec of experiment ${exp.id}`);
    return await runArchived(archive, where, exp, spec, 'resumed', opts);
  } finally {
    archive.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  let code: number = EXIT.ok;
  program
    .name('quench')
    .description('Quench: recurrent networks with quenched time-constant heterogeneity, on hundreds of temporal tasks.')
    .version(appVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('run an experiment spec (a JSON file) or a shipped preset')
    .argument('<spec>', 'path to an experiment spec, or a preset name (see `quench presets`)')
    .option('-o, --out <file>', 'write every run, the spec and the findings to this JSON file')
    .option('-t, --threads <n>', 'worker threads (0 runs in the main thread)', intArg(0), defaultThreads())
    .option('-b, --backend <name>', BACKEND_OPTION_HELP, 'auto')
    .option('--seeds <n>', 'override the number of seeds of the sweep', intArg(1))
    .option('--tau-csv <file>', 'measured time constants for the "empirical" family (CSV, first numeric column)')
    .option('-q, --quiet', 'no progress output')
    .option('-a, --archive <file>', 'the archive to write to (default: $QUENCH_ARCHIVE, else the data folder)')
    .option('--no-archive', 'do not archive (nothing can be resumed or compared later)')
    .option('--resume', 'if this spec is already in the archive, finish it (or just report it when complete)')
    .option('--new', 'if this spec is already in the archive, run it again as a separate experiment with its own id')
    .action(async (target: string, opts: RunOptions) => {
      code = await runCommand(target, opts);
    });

  program
    .command('resume')
    .description('finish an archived experiment: run the runs it lacks (after a crash, a kill or Ctrl-C), then report')
    .argument('<experiment>', 'experiment id, id prefix or name (see `quench experiments`)')
    .option('-a, --archive <file>', 'the archive (default: $QUENCH_ARCHIVE, else the data folder)')
    .option('-o, --out <file>', 'write every run, the spec and the findings to this JSON file')
    .option('-t, --threads <n>', 'worker threads (0 runs in the main thread)', intArg(0), defaultThreads())
    .option('-b, --backend <name>', BACKEND_OPTION_HELP, 'auto')
    .option('-q, --quiet', 'no progress output')
    .option('--recompute-flagged', 'first make again the runs a known defect of an earlier version touched (see the warnings of `quench compare`)')
    .action(async (ref: string, opts: RunOptions) => {
      code = await resumeCommand(ref, opts);
    });

  registerArchiveCommands(program);

  registerServeCommand(program, (c) => {
    code = c;
  });

  program
    .command('backends')
    .description('list the compute backends, whether each runs here and, if not, why')
    .action(() => {
      const report = backendReport();
      const width = Math.max(...report.map((b) => b.name.length));
      for (const b of report) {
        const threads = b.threadsPerRun > 1 ? `, ${b.threadsPerRun} threads per run` : '';
        process.stdout.write(`${b.name.padEnd(width)}  ${b.precision.padEnd(8)} ${b.available ? `available${threads}` : `unavailable: ${b.reason}`}\n`);
      }
    });

  program
    .command('presets')
    .description('list the shipped experiment presets and the claim each tests')
    .action(() => {
      for (const p of listPresets()) {
        const runs = planRuns(p.spec).length;
        process.stdout.write(`${p.name.padEnd(26)} ${String(runs).padStart(4)} runs  ${p.spec.claim}\n`);
      }
    });

  program
    .command('validate')
    .description('check an experiment spec and say how many runs and tasks it makes')
    .argument('<spec>', 'path to an experiment spec, or a preset name')
    .action((target: string) => {
      const { spec, source } = loadSpec(target);
      const runs = planRuns(spec);
      process.stdout.write(`${source}: valid. ${runs.length} runs × ${runTasks(runs[0]).length} tasks.\n`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; unknown options and missing arguments are bad input
      return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (err instanceof QuenchError) {
      process.stderr.write(`quench: ${err.message}\n`);
      return exitCodeFor(err);
    }
    process.stderr.write(`quench: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failure;
  }
}
