// The `quench` command line: run an experiment spec or a preset into the archive, resume it, list
// presets, validate a spec; the archive's own commands (runs, compare, export, ...) are in archive-cli.ts.
// Experiments are launched through main/experiments.ts, as the app launches them.
// Progress goes to stderr, results to stdout (or a file), errors in words with distinct exit codes.
import { accessSync, constants, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { CancelledError, EXIT, QuenchError, exitCodeFor } from '../common/errors.js';
import type { Findings } from '../common/findings.js';
import { CONTRAST_HEAD, contrastCells, formatBytes, formatSeconds, interval, num } from '../common/format.js';
import type { RunResult } from '../common/results.js';
import type { ExperimentSpec } from '../common/spec.js';
import { parseExperiment } from '../common/validate.js';
import type { Archive } from '../db/archive.js';
import { backendByName, backendReport } from '../worker/backends/registry.js';
import { parseTauCsv } from '../worker/heterogeneity.js';
import { admitSize, admitTime, CONFIRM_ABOVE_SECONDS, CONFIRM_THRESHOLD_TEXT } from './admission.js';
import { errataLines } from './analysis/tables.js';
import { registerArchiveCommands } from './archive-cli.js';
import { registerClusterCommands } from './cluster-cli.js';
import { renderTable } from './archive-format.js';
import { archiveArg, archiveLocation, openArchive, type ArchiveLocation } from './archive-location.js';
import { backendOptionHelp } from './backend-choice.js';
import { describeCost, freeDiskBytes, memoryBudget, type CostEstimate } from './cost.js';
import { parseShard, planShards } from './shards.js';
import { errataOf, estimateExperiment, executeExperiment, findingsOf, prepareExperiment, type Prepared } from './experiments.js';
import { registerGpuHostBackend } from './gpu-host.js';
import { runCount } from './plan.js';
import { defaultThreads, type Progress } from './scheduler.js';
import { registerServeCommand } from './serve.js';
import { listPresets, loadSpec } from './specs.js';
import { appVersion } from './version.js';
import { formatPhases, timePhase, type Phases } from './phases.js';

interface RunOptions {
  /** resume: the experiment (found by id, not by spec) */
  experimentId?: string;
  out?: string;
  threads: number;
  forceThreads?: boolean;
  /** a backend name, or 'auto' for the calibrated choice */
  backend: string;
  quiet?: boolean;
  seeds?: number;
  tauCsv?: string;
  /** a path, or false for --no-archive */
  archive?: string | false;
  new?: boolean;
  resume?: boolean;
  yes?: boolean;
  /** resume: make the runs an erratum flags again first */
  recomputeFlagged?: boolean;
  /** resume: make again the runs that have no mechanism measures */
  addMechanisms?: boolean;
  /** "i/K": make shard i of K only (a task of a cluster job array) */
  shard?: string;
  /** print where the time went (main/phases.ts) */
  timings?: boolean;
}

/** when main() was entered: the process's start and module loading before it */
let startedAtMs = 0;

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
  out.push('', 'Mechanism:');
  for (const l of findings.mechanismLines) out.push(`  - ${l}`);
  return out.join('\n');
}

const note = (line: string) => process.stderr.write(`${line}\n`);

/** `--out`: a file in a folder that exists and can be written, checked before any compute. */
function checkOut(out: string | undefined): void {
  if (!out) return;
  const path = resolve(out);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new QuenchError('input', `--out ${out}: the folder ${folder} does not exist (make it first, or write elsewhere)`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new QuenchError('input', `--out ${out}: that is a folder; name a file in it, e.g. ${resolve(path, 'results.json')}`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new QuenchError('input', `--out ${out}: the folder ${folder} cannot be written to`);
  }
}

/** `--tau-csv`: measured time constants, read and checked before any compute. */
function readTauCsv(file: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new QuenchError('input', `--tau-csv ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'that is a folder, not a file' : (err as Error).message}`);
  }
  return parseTauCsv(text);
}

function writeResults(out: string, spec: ExperimentSpec, p: Prepared, results: RunResult[], findings: Findings): void {
  const doc = { kind: 'quench.results', version: 1, app: { name: 'quench', version: appVersion() }, createdAt: new Date().toISOString(), backend: results[0]?.backend ?? 'cpu', spec, tasks: p.tasks, runs: results, findings };
  // write beside, then rename: an interrupted write never leaves half a file under the real name
  const tmp = `${out}.partial`;
  try {
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, out);
  } catch (err) {
    throw new QuenchError('internal', `could not write the results to ${out}: ${(err as Error).message}${p.experiment ? ` (every run is stored in the archive: \`quench resume ${p.experiment.id}\` writes them again with --out)` : ''}`);
  }
  note(`results written to ${out}`);
}

/** A progress bar on a terminal, a line now and then elsewhere (CI, a pipe), nothing with --quiet. */
function progressReporter(quiet: boolean | undefined, total: number, stored: number): { onProgress: (p: Progress) => void; stop: () => void } {
  if (quiet) return { onProgress: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: ' {bar} {value}/{total} runs | {rate} runs/s | ETA {eta_h}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(total, stored, { rate: '0.0', eta_h: '--' });
    return { onProgress: (p) => bar.update(p.done, { rate: p.runsPerSecond.toFixed(1), eta_h: formatEta(p.etaSeconds) }), stop: () => bar.stop() };
  }
  let last = 0;
  return {
    onProgress: (p) => {
      if (p.done === p.total || performance.now() - last > 2000) {
        last = performance.now();
        note(`  ${p.done}/${p.total} runs, ${p.runsPerSecond.toFixed(1)} runs/s, ETA ${formatEta(p.etaSeconds)}`);
      }
    },
    stop: () => {},
  };
}

/**
 * Runs an experiment through the orchestrator: prepare (find or make it, admit it), execute (with
 * progress; Ctrl-C or SIGTERM stops it, keeping every finished run), then the findings of all its runs.
 */
async function launch(
  spec: ExperimentSpec,
  source: string,
  where: ArchiveLocation | null,
  opts: RunOptions,
  create: boolean,
  /** --timings: when this experiment's clock starts (performance.now(); 0, the process's start, for the first) and its start phase */
  clock: { since: number; start: number } = { since: 0, start: startedAtMs },
): Promise<number> {
  checkOut(opts.out);
  const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
  if (shard && !where) throw new QuenchError('input', '--shard needs an archive: each shard is made into its own archive file (--archive PATH), merged afterwards');
  if (shard && opts.out) throw new QuenchError('input', '--shard and --out exclude each other: a shard holds part of the runs; merge the shards, then export or compare');
  // read-only where the file is (a share): a complete experiment is shown from it, anything else refused in words
  const archive: Archive | null = where ? openArchive(where, create, false, !opts.new && !opts.recomputeFlagged && !opts.addMechanisms) : null;
  const controller = new AbortController();
  let signal: 'SIGINT' | 'SIGTERM' | null = null;
  const stop = (s: 'SIGINT' | 'SIGTERM') => () => {
    signal = s;
    controller.abort();
  };
  const onInt = stop('SIGINT');
  const onTerm = stop('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    const p = await prepareExperiment(spec, archive, {
      threads: opts.threads,
      forceThreads: opts.forceThreads,
      backend: opts.backend,
      ifArchived: opts.new ? 'new' : 'resume',
      yes: opts.yes,
      recomputeFlagged: opts.recomputeFlagged,
      addMechanisms: opts.addMechanisms,
      experimentId: opts.experimentId,
      shard,
    });
    const left = p.total - p.stored;
    if (archive) note(`archive: ${archive.path}`);
    const what = `${p.shard ? `shard ${p.shard.index}/${p.shard.count}: ${p.total} of ${p.planned}` : p.total} runs × ${p.tasks.length} tasks`;
    if (!p.experiment) note(`${spec.name} (${source}): ${what}; not archived`);
    else if (p.state === 'complete') note(`experiment ${p.experiment.id} "${spec.name}" (${source}) is complete in this archive (${what}): its results follow. To run it again as a separate experiment, add --new`);
    else if (p.state === 'resumed') note(`experiment ${p.experiment.id} "${spec.name}" (${source}): ${what}; ${p.stored} already stored, ${left} to run (to start it over as a separate experiment, add --new)`);
    else note(`experiment ${p.experiment.id} "${spec.name}" (${source}${p.state === 'again' ? ', again as a separate experiment' : ''}): ${what}`);
    if (p.reset > 0) note(`${p.reset} run(s) set to be made again (${[opts.recomputeFlagged ? 'flagged by an erratum' : '', opts.addMechanisms ? 'without mechanism measures' : ''].filter(Boolean).join(', ')})`);
    if (p.estimate && !opts.quiet) note(`estimate: ${describeCost(p.estimate)}`);

    let seconds = 0;
    let made: RunResult[] | null = null;
    let madeHere = 0;
    let runParts: Phases = {};
    if (left > 0) {
      const progress = progressReporter(opts.quiet, p.total, p.stored);
      try {
        const o = await executeExperiment(p, archive, {
          signal: controller.signal,
          onBackend: (lines) => {
            if (!opts.quiet) for (const l of lines) note(`backend ${l}`);
          },
          onProgress: progress.onProgress,
        });
        seconds = o.seconds;
        runParts = o.runParts;
        made = o.results;
        madeHere = o.made;
        if (o.byOthers > 0) note(`${o.byOthers} run(s) of this experiment are being made by another process now (they claimed them first); the findings below are of the runs stored so far`);
      } finally {
        progress.stop();
      }
    }
    if (p.shard && p.experiment && archive) {
      // a shard holds part of the runs: its findings would mislead; the merged shards have them
      const done = archive.doneIndices(p.experiment.id).filter((i) => p.shard!.members.has(i)).length;
      process.stdout.write(
        `\n${spec.name}: shard ${p.shard.index}/${p.shard.count}, ${done} of its ${p.total} runs stored in ${archive.path}${left > 0 ? ` (${seconds.toFixed(1)} s)` : ''}.\n` +
          `When every shard is done: quench merge <the shards' archives> --into <your archive>, then quench compare there.\n`,
      );
      return done === p.total ? EXIT.ok : EXIT.failure;
    }
    const { findings, results } = timePhase(p.phases, 'findings', () => findingsOf(p, archive, made));
    const tOut = performance.now();
    const headline =
      left === 0
        ? `${spec.name}: all ${results.length} runs were already in the archive (experiment ${p.experiment!.id})`
        : `${spec.name}: ${results.length} runs in ${seconds.toFixed(1)} s${p.stored > 0 ? ` (${p.stored} resumed from the archive)` : ''}${
            madeHere < left ? ` (${madeHere} made here, ${left - madeHere} by another process that claimed them first)` : ''
          }${p.experiment ? `, experiment ${p.experiment.id}` : ''}`;
    process.stdout.write(`\n${headline}\n\n${formatFindings(findings)}\n`);
    for (const w of errataLines({ errata: errataOf(p, archive) }, where ? archiveArg(where) : '')) process.stdout.write(`\n${w}\n`);
    if (opts.out) writeResults(opts.out, spec, p, results, findings);
    p.phases.output = performance.now() - tOut;
    if (opts.timings) {
      // start: the process's life before main() (performance.now() counts from the process's start);
      // nothing for the second spec of a run and later
      note(formatPhases({ start: clock.start, ...p.phases }, runParts, performance.now() - clock.since));
    }
    return EXIT.ok;
  } catch (err) {
    // what is stored stays stored: say how to finish it
    const exp = archive?.db.open ? (opts.experimentId ? archive.getExperiment(opts.experimentId) : archive.findExperimentBySpec(spec)) : null;
    const hint =
      exp && archive && where
        ? shard
          ? `\n${archive.doneIndices(exp.id).length} runs of shard ${shard.index}/${shard.count} of experiment ${exp.id} are stored in ${archive.path}; finish the shard with the same command (quench run <spec> --shard ${shard.index}/${shard.count}${archiveArg(where)})`
          : `\n${archive.progress(exp.id).done} of ${exp.planned_runs} runs of experiment ${exp.id} are stored in ${archive.path}; finish with: quench resume ${exp.id}${archiveArg(where)}`
        : '';
    if (err instanceof CancelledError || controller.signal.aborted) {
      throw new CancelledError(`${signal === 'SIGTERM' ? 'stopped by SIGTERM' : 'cancelled'}${hint}`, signal);
    }
    if (err instanceof QuenchError) throw new QuenchError(err.kind, `${err.message}${err.kind === 'confirm' || err.kind === 'spec' || err.kind === 'input' ? '' : hint}`);
    throw new QuenchError('internal', `${(err as Error).message}${hint}`);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    archive?.close();
  }
}

/** Whether `run` would start it here, in words (null: it would, without asking). */
function admissionOf(spec: ExperimentSpec, est: CostEstimate, archivePath: string | null): string | null {
  const limits = { memoryBytes: memoryBudget(), freeDiskBytes: archivePath ? freeDiskBytes(dirname(archivePath)) : null, confirmAboveSeconds: CONFIRM_ABOVE_SECONDS };
  try {
    admitSize(spec, est, limits);
    admitTime(est, limits, false);
    return null;
  } catch (err) {
    if (err instanceof QuenchError) return err.kind === 'confirm' ? `It would start with --yes (longer than ${CONFIRM_THRESHOLD_TEXT}).` : `It would not be started here: ${err.message}`;
    throw err;
  }
}

/** An unknown backend is bad input: say so before anything is planned or archived. */
function checkBackend(name: string): void {
  if (name !== 'auto') backendByName(name);
}

function specOf(target: string, opts: RunOptions): { spec: ExperimentSpec; source: string } {
  let { spec, source } = loadSpec(target);
  if (opts.seeds !== undefined) spec = parseExperiment({ ...spec, sweep: { ...spec.sweep, seeds: opts.seeds } }, source);
  if (opts.tauCsv) {
    const values = readTauCsv(opts.tauCsv);
    spec = parseExperiment({ ...spec, network: { ...spec.network, heterogeneity: { ...spec.network.heterogeneity, values } } }, source);
  }
  return { spec, source };
}

async function runCommand(targets: string[], opts: RunOptions): Promise<number> {
  checkBackend(opts.backend);
  if (opts.new && opts.resume) throw new QuenchError('input', '--new and --resume exclude each other: --new starts a fresh experiment, --resume finishes the stored one');
  if (targets.length > 1 && opts.out) throw new QuenchError('input', `--out writes the results of one experiment, and ${targets.length} specs were given: run them one at a time with --out, or export them from the archive`);
  if (targets.length > 1 && opts.shard !== undefined) throw new QuenchError('input', `--shard makes part of one experiment, and ${targets.length} specs were given: run each spec's shards by themselves`);
  // every spec read and checked before the first starts: a typo in the last is not found an hour in
  const specs = targets.map((t) => specOf(t, opts));
  const where = opts.archive === false ? null : archiveLocation(opts.archive);
  // one after another in this process: the later ones find its worker threads warm (main/scheduler.ts)
  for (let i = 0; i < specs.length; i++) {
    const clock = i === 0 ? { since: 0, start: startedAtMs } : { since: performance.now(), start: 0 };
    try {
      const code = await launch(specs[i].spec, specs[i].source, where, opts, true, clock);
      if (code !== EXIT.ok) return code;
    } catch (err) {
      const rest = specs.slice(i + 1).map((s) => s.spec.name);
      if (rest.length === 0 || !(err instanceof QuenchError)) throw err;
      const message = `${err.message}\nnot started: ${rest.join(', ')}`;
      throw err instanceof CancelledError ? new CancelledError(message, err.signal) : new QuenchError(err.kind, message);
    }
  }
  return EXIT.ok;
}

async function resumeCommand(ref: string, opts: RunOptions): Promise<number> {
  checkBackend(opts.backend);
  const where = archiveLocation(opts.archive === false ? undefined : opts.archive);
  const archive = openArchive(where, false);
  let spec: ExperimentSpec;
  let id: string;
  try {
    const exp = archive.findExperiment(ref);
    id = exp.id;
    spec = parseExperiment(archive.storedSpec(exp), `the stored spec of experiment ${exp.id}`);
  } finally {
    archive.close();
  }
  return launch(spec, 'resumed', where, { ...opts, experimentId: id }, false);
}

export async function main(argv: string[]): Promise<number> {
  startedAtMs = performance.now();
  // the backends this app offers, hosted ones included: registered where the app is put together
  registerGpuHostBackend();
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
    .description('run an experiment spec (a JSON file) or a shipped preset; several run one after another, on the same warm worker threads')
    .argument('<spec...>', 'path to an experiment spec, or a preset name (see `quench presets`)')
    .option('-o, --out <file>', 'write every run, the spec and the findings to this JSON file')
    .option('-t, --threads <n>', 'worker threads, at most the cores (0 runs in the main thread)', intArg(0), defaultThreads())
    .option('--force-threads', 'allow more threads than cores')
    .option('-b, --backend <name>', backendOptionHelp(), 'auto')
    .option('--seeds <n>', 'override the number of seeds of the sweep', intArg(1))
    .option('--tau-csv <file>', 'measured time constants for the "empirical" family (CSV, first numeric column)')
    .option('-q, --quiet', 'no progress output')
    .option('-a, --archive <file>', 'the archive to write to (default: $QUENCH_ARCHIVE, else the data folder)')
    .option('--no-archive', 'do not archive (nothing can be resumed or compared later)')
    .option('--resume', 'if this spec is already in the archive, finish it (or show it when complete): what run does anyway')
    .option('--new', 'if this spec is already in the archive, run it again as a separate experiment with its own id')
    .option('-y, --yes', `start work estimated to take longer than ${CONFIRM_THRESHOLD_TEXT}`)
    .option('--timings', 'print where the time went: start, planning, estimate, archive, calibration, runs (and in the threads: simulation, readout, mechanisms), statistics, output')
    .option('--shard <i/K>', 'make shard i of K only (0 ≤ i < K; the runs split by estimated work, the same in every process): a task of a cluster job array (see quench slurm)')
    .action(async (targets: string[], opts: RunOptions) => {
      code = await runCommand(targets, opts);
    });

  program
    .command('resume')
    .description('finish an archived experiment: run the runs it lacks (after a crash, a kill or Ctrl-C), then report')
    .argument('<experiment>', 'experiment id, id prefix or name (see `quench experiments`)')
    .option('-a, --archive <file>', 'the archive (default: $QUENCH_ARCHIVE, else the data folder)')
    .option('-o, --out <file>', 'write every run, the spec and the findings to this JSON file')
    .option('-t, --threads <n>', 'worker threads, at most the cores (0 runs in the main thread)', intArg(0), defaultThreads())
    .option('--force-threads', 'allow more threads than cores')
    .option('-b, --backend <name>', backendOptionHelp(), 'auto')
    .option('-q, --quiet', 'no progress output')
    .option('-y, --yes', `start work estimated to take longer than ${CONFIRM_THRESHOLD_TEXT}`)
    .option('--recompute-flagged', 'first make again the runs a known defect of an earlier version touched (see the warnings of `quench compare`)')
    .option('--add-mechanisms', 'first make again the runs that have no mechanism measures (runs of a version before 0.2.0), on the backend that made them unless --backend names one: the same scores, now measured')
    .action(async (ref: string, opts: RunOptions) => {
      code = await resumeCommand(ref, opts);
    });

  registerArchiveCommands(program);

  registerClusterCommands(program, (c) => {
    code = c;
  });

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
        const runs = runCount(p.spec);
        process.stdout.write(`${p.name.padEnd(26)} ${String(runs).padStart(4)} runs  ${p.spec.claim}\n`);
      }
    });

  for (const name of ['validate', 'plan']) {
    program
      .command(name)
      .description(
        name === 'validate'
          ? 'check an experiment spec; say how many runs and tasks it makes and what it will cost (time, memory, archive)'
          : 'what an experiment will make and cost (time, memory per run and at once, archive growth), and whether it would be admitted',
      )
      .argument('<spec>', 'path to an experiment spec, or a preset name')
      .option('-t, --threads <n>', 'worker threads the estimate is for', intArg(0), defaultThreads())
      .option('-b, --backend <name>', backendOptionHelp(), 'auto')
      .option('--no-archive', 'estimate without the archive')
      .option('--shards <K>', 'also the partition into K shards (quench run --shard i/K): runs, time and peak memory of each', intArg(1))
      .action(async (target: string, opts: { threads: number; backend: string; archive: boolean; shards?: number }) => {
        checkBackend(opts.backend);
        const { spec, source } = loadSpec(target);
        const est = await estimateExperiment(spec, { threads: opts.threads, backend: opts.backend, archive: opts.archive });
        process.stdout.write(`${source}: valid. ${describeCost(est)}.\n`);
        const verdict = admissionOf(spec, est, opts.archive ? archiveLocation(undefined).path : null);
        if (verdict) process.stdout.write(`${verdict}\n`);
        if (opts.shards !== undefined) {
          const plan = planShards(spec, opts.shards, est);
          process.stdout.write(`\nshards (split by estimated work; each on ${opts.threads} thread(s)):\n`);
          process.stdout.write(
            renderTable(
              ['shard', 'runs', 'work', 'time', 'peak memory', 'archive'],
              plan.map((s) => [`${s.index}/${opts.shards}`, String(s.runs), `${(100 * s.share).toFixed(1)} %`, formatSeconds(s.seconds), formatBytes(s.peakBytes), formatBytes(s.archiveBytes)]),
            ) + '\n',
          );
        }
      });
  }

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
    // not a QuenchError: a bug. Its words, not a stack trace (QUENCH_DEBUG=1 shows the stack)
    const e = err as Error;
    process.stderr.write(`quench: internal error: ${e?.message ?? String(err)}\n${process.env.QUENCH_DEBUG ? `${e?.stack ?? ''}\n` : '  (this is a bug in Quench; QUENCH_DEBUG=1 shows where it happened)\n'}`);
    return EXIT.failure;
  }
}
