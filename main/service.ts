// The main process's one service: QuenchApi (common/api.ts) over the run archive and the
// worker-thread scheduler, without Electron. The Electron IPC layer (main/electron/ipc.ts) and
// `quench serve` (main/serve.ts) call it; so do the tests.
//
// Every method checks its arguments (specs with the spec schemas: a bad spec is a SpecError, kind
// 'spec', with its issue list; other arguments an ArgumentError, kind 'input') and answers plain JSON
// (a JSON round trip: what IPC and HTTP deliver is the same, NaN included, which becomes null).
// Failures are QuenchErrors; main/service/errors.ts turns any error into the ApiError the renderer sees.
//
// Experiments run as jobs: startExperiment validates the spec, finds or makes the archived experiment
// (as `quench run --resume` / `--new` do), answers the job's status at once, then runs what is left on
// the worker pool, committing each run to the archive the moment it finishes. Events {type: 'job'}
// say how a job goes (progress at most every 100 ms, and every change of state); cancelJob aborts it
// (the finished runs stay archived, and resumeExperiment finishes it later).
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  AppInfo,
  JobStatus,
  NetworkPreview,
  PresetSummary,
  QuenchApi,
  QuenchEvent,
  Report,
  RunQuery,
  SavedSuite,
  StartExperiment,
  SuitePreview,
  TaskDiff,
  TaskSignals,
  Validation,
} from '../common/api.js';
import { CancelledError, QuenchError, SpecError } from '../common/errors.js';
import { DEFAULT_SUITE, InputSchema, type ExperimentSpec } from '../common/spec.js';
import { parseExperiment } from '../common/validate.js';
import type { Archive, ExperimentRow, ExperimentSummary, NoteRow, RunRow } from '../db/archive.js';
import type { Comparison, CompareRequest } from '../common/comparison.js';
import { compare } from './analysis/compare.js';
import { flaggedRunIds } from '../db/errata.js';
import { parseInstant, type RunFilter } from '../db/filters.js';
import { backendByName, backendReport, defaultBackendName } from '../worker/backends/registry.js';
import { runTasks } from '../worker/run.js';
import { buildSuite } from '../worker/tasks.js';
import { archiveLocation, openArchive, type ArchiveLocation } from './archive-location.js';
import { checkThreads } from './admission.js';
import type { CostEstimate } from './cost.js';
import { estimateExperiment, executeExperiment, prepareExperiment, type Prepared } from './experiments.js';
import { gpuHost } from './gpu-host.js';
import { planRuns } from './plan.js';
import { defaultThreads, runAll } from './scheduler.js';
import { arg, CompareRequestSchema, Id, Name, NoteText, PreviewSteps, RunIds, RunQuerySchema, Seed, StartExperimentSchema, Tags, Threads, Title } from './service/args.js';
import type { FromPreview, ToPreview } from './service/preview-thread.js';
import { checkPreviewSize, parseChannels, parseNetwork, parseSuite, suitePreview, taskSignals, type PreviewPart } from './service/preview.js';
import { buildReport, type ReportRun } from './service/report.js';
import { listPresets } from './specs.js';
import { appVersion } from './version.js';

export interface ServiceOptions {
  /** the archive: this path, else $QUENCH_ARCHIVE, else archive.sqlite in the user's data folder */
  archive?: string;
  /** worker threads for jobs that name none (default: one per core) */
  threads?: number;
  /** backend for jobs that name none: a name, or 'auto' (calibrated, the default) */
  backend?: string;
  /** progress events of a job at most this often, in ms (default 100; changes of state always) */
  progressEveryMs?: number;
}

export type EventListener = (event: QuenchEvent) => void;

interface Job {
  status: JobStatus;
  controller: AbortController;
  done: Promise<JobStatus>;
  lastEmit: number;
}


/** The value as JSON delivers it (NaN and Infinity become null, undefined fields disappear). */
function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The compiled entry of a TypeScript module (under vitest this module is source; its workers run from dist/). */
function compiledEntry(relative: string): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL(`../dist/main/${relative}`, here) : new URL(`./${relative}`, here);
  if (!existsSync(fileURLToPath(url))) throw new QuenchError('internal', `the compiled ${fileURLToPath(url)} is missing: run \`npm run build\` first`);
  return url;
}

export class QuenchService implements QuenchApi {
  readonly location: ArchiveLocation;
  readonly threads: number;
  readonly backend: string;
  private readonly progressEveryMs: number;
  private archiveHandle: Archive | null = null;
  private readonly listeners = new Set<EventListener>();
  private readonly jobs = new Map<string, Job>();
  private presets: PresetSummary[] | null = null;
  private readonly estimates = new Map<string, CostEstimate>();
  private closed = false;

  constructor(opts: ServiceOptions = {}) {
    this.location = archiveLocation(opts.archive);
    this.threads = arg('QuenchService', 'threads', Threads, opts.threads ?? defaultThreads());
    this.backend = opts.backend ?? 'auto';
    this.progressEveryMs = opts.progressEveryMs ?? 100;
    if (this.backend !== 'auto') backendByName(this.backend);
  }

  /** Where runs are archived. */
  get archivePath(): string {
    return this.location.path;
  }

  /** The archive, opened (and made, if it does not exist yet) on first use and kept open. */
  private archive(): Archive {
    if (this.closed) throw new QuenchError('internal', 'the Quench service has been closed');
    this.archiveHandle ??= openArchive(this.location, true);
    return this.archiveHandle;
  }

  // -------------------------------------------------------------------------------------------
  // events

  /** Calls `listener` with every event; returns the function that stops it. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: QuenchEvent): void {
    const e = plain(event);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a listener that fails (a closed window, a dropped connection) does not stop the job
      }
    }
  }

  private emitJob(job: Job, force: boolean): void {
    const now = performance.now();
    if (!force && now - job.lastEmit < this.progressEveryMs) return;
    job.lastEmit = now;
    this.emit({ type: 'job', job: { ...job.status } });
  }

  // -------------------------------------------------------------------------------------------
  // app, presets, validation

  async info(): Promise<AppInfo> {
    const backendStatus = backendReport().map(({ name, precision, available, reason }) => ({ name, precision, available, reason }));
    return {
      version: appVersion(),
      archivePath: this.archivePath,
      backends: backendStatus.filter((b) => b.available).map((b) => b.name),
      backendStatus,
      gpuHost: gpuHost.describe(),
      threads: this.threads,
    };
  }

  async listPresets(): Promise<PresetSummary[]> {
    this.presets ??= listPresets().map((p) => {
      const runs = planRuns(p.spec);
      return { name: p.name, title: p.spec.name, claim: p.spec.claim, description: p.spec.description, runs: runs.length, tasks: runTasks(runs[0]).length, spec: p.spec };
    });
    return plain(this.presets);
  }

  async validateExperiment(spec: unknown): Promise<Validation> {
    let parsed: ExperimentSpec;
    try {
      parsed = parseExperiment(spec);
    } catch (err) {
      if (err instanceof SpecError) return { ok: false, issues: err.issues };
      throw err;
    }
    const key = JSON.stringify(parsed);
    let est = this.estimates.get(key);
    if (!est) {
      // probes run in a worker thread: this thread keeps answering
      est = await estimateExperiment(parsed, { threads: this.threads, backend: this.backend, archive: true });
      if (this.estimates.size > 100) this.estimates.clear();
      this.estimates.set(key, est);
    }
    return plain({
      ok: true,
      spec: parsed,
      runs: est.runs,
      tasks: est.tasks,
      estimatedSeconds: est.seconds,
      estimate: { seconds: est.seconds, runSeconds: est.runSeconds, peakBytesPerRun: est.peakBytesPerRun, peakBytes: est.peakBytes, archiveBytes: est.archiveBytes, threads: est.threads, concurrent: est.concurrent },
    });
  }

  // -------------------------------------------------------------------------------------------
  // previews

  async previewNetwork(network: unknown, seed: number): Promise<NetworkPreview> {
    const spec = parseNetwork(network);
    const s = arg('previewNetwork', 'seed', Seed, seed);
    checkPreviewSize(spec);
    // the two eigenvalue problems (W, and the linearised update) in two threads at once
    const [a, b] = await Promise.all([this.previewPart(spec, s, 'network'), this.previewPart(spec, s, 'effective')]);
    return { ...a, ...b } as NetworkPreview;
  }

  private previewPart(spec: ReturnType<typeof parseNetwork>, seed: number, part: PreviewPart): Promise<Partial<NetworkPreview>> {
    return new Promise((resolve, reject) => {
      const w = new Worker(compiledEntry('service/preview-thread.js'));
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
        void w.terminate();
      };
      w.once('message', (m: FromPreview) =>
        settle(() => (m.ok ? resolve(m.value) : reject(Object.assign(new QuenchError(m.error.kind as QuenchError['kind'], m.error.message), m.error.issues ? { issues: m.error.issues } : {})))),
      );
      w.once('error', (err) => settle(() => reject(new QuenchError('internal', `the network preview failed: ${err.message}`))));
      w.once('exit', (code) => settle(() => reject(new QuenchError('internal', `the network preview thread exited with code ${code}`))));
      w.postMessage({ spec, seed, part } satisfies ToPreview);
    });
  }

  async previewSuite(suite: unknown, channels: unknown): Promise<SuitePreview> {
    return plain(suitePreview(parseSuite(suite), parseChannels(channels)));
  }

  async previewTask(suite: unknown, channels: unknown, taskId: string, seed: number, steps: number): Promise<TaskSignals> {
    const s = parseSuite(suite);
    const ch = parseChannels(channels);
    const id = arg('previewTask', 'taskId', Id, taskId);
    const sd = arg('previewTask', 'seed', Seed, seed);
    const n = arg('previewTask', 'steps', PreviewSteps, steps);
    return plain(taskSignals(s, ch, id, sd, n));
  }

  // -------------------------------------------------------------------------------------------
  // saved suites

  async listSuites(): Promise<SavedSuite[]> {
    return plain(this.archive().listSuites().map((r) => ({ name: r.name, version: r.version, tasks: r.tasks, savedAt: r.saved_at, suite: r.suite })));
  }

  /** Saves a suite by its name: new content becomes the next version; unchanged content returns the saved version. */
  async saveSuite(suite: unknown): Promise<SavedSuite> {
    if (suite === 'default') throw new QuenchError('input', 'the default suite is built in; save a copy under another name');
    const s = parseSuite(suite);
    // tasks with the default input (3 white-noise channels); a suite that makes none is refused
    const channels = InputSchema.parse({}).channels;
    const tasks = buildSuite(s, channels).length;
    if (tasks === 0) {
      throw new SpecError([{ path: 'families', value: `${s.families.length} family(ies)`, allowed: 'the suite must make at least one task with the default input (3 white-noise channels)' }], 'suite spec');
    }
    if (s.name === DEFAULT_SUITE.name) throw new QuenchError('input', `"${DEFAULT_SUITE.name}" names the built-in suite; save this one under another name`);
    const r = this.archive().saveSuite(s, tasks);
    return plain({ name: r.name, version: r.version, tasks: r.tasks, savedAt: r.saved_at, suite: r.suite });
  }

  // -------------------------------------------------------------------------------------------
  // jobs

  async startExperiment(req: StartExperiment): Promise<JobStatus> {
    const r = arg('startExperiment', 'request', StartExperimentSchema, req);
    const spec = parseExperiment(r.spec);
    const backend = r.backend ?? this.backend;
    if (backend !== 'auto') backendByName(backend);
    const running = this.runningJobOf(spec);
    if (running && r.ifArchived !== 'new') return plain(running.status);
    return this.launch(spec, {
      threads: r.threads ?? this.threads,
      forceThreads: r.forceThreads,
      backend,
      ifArchived: r.ifArchived ?? 'resume',
      yes: r.confirm === true,
    });
  }

  async resumeExperiment(experimentId: string, threads?: number, backend?: string, recomputeFlagged?: boolean, addMechanisms?: boolean): Promise<JobStatus> {
    const ref = arg('resumeExperiment', 'experimentId', Id, experimentId);
    const t = threads === undefined || threads === null ? this.threads : arg('resumeExperiment', 'threads', Threads, threads);
    if (backend !== undefined && backend !== null && typeof backend !== 'string') {
      throw new QuenchError('input', `resumeExperiment: backend must be a backend's name or "auto", got ${JSON.stringify(backend)}`);
    }
    for (const [name, v] of [['recomputeFlagged', recomputeFlagged], ['addMechanisms', addMechanisms]] as const) {
      if (v !== undefined && v !== null && typeof v !== 'boolean') throw new QuenchError('input', `resumeExperiment: ${name} must be true or false, got ${JSON.stringify(v)}`);
    }
    const b = backend ?? this.backend;
    if (b !== 'auto') backendByName(b);
    const archive = this.archive();
    const exp = archive.findExperiment(ref);
    const running = [...this.jobs.values()].find((j) => j.status.experimentId === exp.id && j.status.state === 'running');
    if (running) return plain(running.status);
    const spec = parseExperiment(archive.storedSpec(exp), `the stored spec of experiment ${exp.id}`);
    // resuming what was started is not new work: it is admitted without asking again
    return this.launch(spec, { threads: t, backend: b, experimentId: exp.id, recomputeFlagged: recomputeFlagged === true, addMechanisms: addMechanisms === true, yes: true });
  }

  async cancelJob(jobId: string): Promise<JobStatus> {
    const id = arg('cancelJob', 'jobId', Id, jobId);
    const job = this.jobs.get(id);
    if (!job) throw new QuenchError('not-found', `no job ${id} (jobs of this session: ${[...this.jobs.keys()].join(', ') || 'none'})`);
    if (job.status.state === 'running') job.controller.abort();
    return plain(await job.done);
  }

  async listJobs(): Promise<JobStatus[]> {
    return plain([...this.jobs.values()].map((j) => j.status));
  }

  /** The final status of a job (tests, and whoever must wait for one). */
  async waitForJob(jobId: string): Promise<JobStatus> {
    const job = this.jobs.get(jobId);
    if (!job) throw new QuenchError('not-found', `no job ${jobId}`);
    return plain(await job.done);
  }

  private runningJobOf(spec: ExperimentSpec): Job | undefined {
    const exp = this.archive().findExperimentBySpec(spec);
    return exp ? [...this.jobs.values()].find((j) => j.status.experimentId === exp.id && j.status.state === 'running') : undefined;
  }

  /**
   * Prepares the experiment through the orchestrator (main/experiments.ts: found or made in the
   * archive, admitted, or refused in words) and starts its job; answers the job's status at once.
   */
  private async launch(spec: ExperimentSpec, opts: Parameters<typeof prepareExperiment>[2]): Promise<JobStatus> {
    const archive = this.archive();
    const prepared = await prepareExperiment(spec, archive, opts);
    const exp = prepared.experiment!;
    const left = prepared.total - prepared.stored;
    const status: JobStatus = {
      id: randomUUID(),
      experimentId: exp.id,
      name: spec.name,
      state: left === 0 ? 'done' : 'running',
      done: prepared.stored,
      total: prepared.total,
      runsPerSecond: 0,
      etaSeconds: left === 0 ? 0 : (prepared.estimate?.seconds ?? null),
      error: null,
      startedAt: new Date().toISOString(),
      backend: null,
      alreadyComplete: prepared.state === 'complete',
    };
    const job: Job = { status, controller: new AbortController(), done: Promise.resolve(status), lastEmit: 0 };
    this.jobs.set(status.id, job);
    if (left > 0) job.done = this.execute(job, archive, prepared);
    this.emitJob(job, true);
    return plain(status);
  }

  private async execute(job: Job, archive: Archive, prepared: Prepared): Promise<JobStatus> {
    const s = job.status;
    const signal = job.controller.signal;
    // answer the caller first
    await new Promise((r) => setImmediate(r));
    try {
      if (signal.aborted) throw new CancelledError();
      await executeExperiment(prepared, archive, {
        signal,
        onPlanning: (stored, total) => {
          s.stage = stored < total ? `storing the planned runs: ${stored} of ${total}` : null;
          this.emitJob(job, stored >= total);
        },
        onBackend: (lines) => {
          s.backend = s.backend ? `${s.backend}; ${lines.join('; ')}` : lines.join('; ');
          this.emitJob(job, true);
        },
        onProgress: (p) => {
          s.done = p.done;
          s.runsPerSecond = p.runsPerSecond;
          s.etaSeconds = p.etaSeconds;
          this.emitJob(job, p.done === p.total);
        },
      });
      s.state = 'done';
      s.etaSeconds = 0;
    } catch (err) {
      const cancelled = err instanceof QuenchError && err.kind === 'cancelled';
      s.state = cancelled ? 'cancelled' : 'failed';
      s.etaSeconds = null;
      if (!cancelled) s.error = err instanceof Error ? err.message : String(err);
    }
    try {
      if (archive.db.open) s.done = archive.progress(s.experimentId).done;
    } catch {
      // the count stays what the last progress said
    }
    this.emitJob(job, true);
    return { ...s };
  }

  // -------------------------------------------------------------------------------------------
  // the archive

  async listExperiments(): Promise<ExperimentSummary[]> {
    return plain(this.archive().listExperiments());
  }

  /** A selection as the archive takes it: experiment ids, names or prefixes resolved, dates read. */
  private filter(method: string, f: RunFilter): RunFilter {
    const archive = this.archive();
    return {
      ...f,
      since: f.since ? parseInstant(f.since, `${method}: since`) : undefined,
      until: f.until ? parseInstant(f.until, `${method}: until`) : undefined,
      experiments: f.experiments?.map((ref) => archive.findExperiment(ref).id),
    };
  }

  async listRuns(query: RunQuery): Promise<{ rows: RunRow[]; total: number }> {
    const { limit, offset, sort, descending, ...f } = arg('listRuns', 'query', RunQuerySchema, query ?? {});
    return plain(this.archive().listRuns(this.filter('listRuns', f), limit ?? 0, { offset, sort, descending }));
  }

  async tagRuns(runIds: string[], tags: string[], remove?: boolean): Promise<number> {
    const ids = arg('tagRuns', 'runIds', RunIds, runIds);
    const ts = arg('tagRuns', 'tags', Tags, tags);
    const archive = this.archive();
    const targets = ids.map((id) => archive.resolveTarget(id));
    return targets.reduce((n, t) => n + archive.tag(t, ts, remove === true), 0);
  }

  async addNote(runId: string, text: string): Promise<void> {
    const archive = this.archive();
    archive.addNote(archive.resolveTarget(arg('addNote', 'runId', Id, runId)), arg('addNote', 'text', NoteText, text));
  }

  async notes(runId: string): Promise<NoteRow[]> {
    const archive = this.archive();
    return plain(archive.notesOf(archive.resolveTarget(arg('notes', 'runId', Id, runId))));
  }

  private compareRequest(method: string, req: CompareRequest): CompareRequest & { filter: RunFilter } {
    const r = arg(method, 'request', CompareRequestSchema, req ?? {});
    return { filter: this.filter(method, r.filter), conditions: r.conditions, curve: r.curve ?? null };
  }

  async compare(req: CompareRequest): Promise<Comparison> {
    return plain(compare(this.archive(), this.compareRequest('compare', req)));
  }

  async taskDiffs(req: CompareRequest): Promise<TaskDiff[]> {
    const c = compare(this.archive(), { ...this.compareRequest('taskDiffs', req), perTask: true });
    return plain(c.contrasts.flatMap((p) => (p.perTask ?? []).map((t) => ({ pair: p.label, ...t }))));
  }

  async saveComparisonSet(name: string, req: CompareRequest): Promise<void> {
    const n = arg('saveComparisonSet', 'name', Name, name);
    const r = this.compareRequest('saveComparisonSet', req);
    const archive = this.archive();
    compare(archive, r); // the same checks as a comparison: conditions readable, some runs match
    const uids = archive.listRuns({ ...r.filter, status: ['done'] }).rows.map((x) => x.uid);
    archive.saveComparisonSet(n, { conditions: r.conditions ?? [], curve: r.curve ?? null, filter: { ...r.filter, runUids: undefined } }, uids);
  }

  async listComparisonSets(): Promise<{ name: string; runs: number; created_at: string; definition: unknown }[]> {
    return plain(this.archive().listComparisonSets());
  }

  async report(req: CompareRequest, title: string): Promise<Report> {
    const r = this.compareRequest('report', req);
    const t = arg('report', 'title', Title, title ?? '');
    const archive = this.archive();
    const c = compare(archive, r);
    // the runs of each condition, with their seeds
    const label = new Map(c.groups.map((g) => [g.key, g.label]));
    const seedsOf = archive.db.prepare(`SELECT network_seed, input_seed FROM runs WHERE uid = ?`);
    const runs: ReportRun[] = [];
    const seen = new Set<string>();
    c.conditions.forEach((cond, i) => {
      const where = [...(r.filter.where ?? []), ...cond.split(',').filter((x) => x.trim() !== '')];
      for (const row of archive.listRuns({ ...r.filter, where, status: ['done'] }).rows) {
        const g = label.get(`${row.config_hash}/${i}`);
        if (!g || seen.has(row.uid)) continue;
        seen.add(row.uid);
        const sd = seedsOf.get(row.uid) as { network_seed: number; input_seed: number };
        runs.push({
          uid: row.uid,
          experimentId: row.experiment_id,
          configuration: g,
          seedIndex: row.seed_index,
          rootSeed: row.root_seed,
          networkSeed: sd.network_seed,
          inputSeed: sd.input_seed,
          backend: row.backend,
          appVersion: row.app_version,
          meanCapacity: row.mean_capacity,
          finishedAt: row.finished_at,
        });
      }
    });
    const experimentIds = [...new Set(c.groups.flatMap((g) => g.experiments))].sort();
    const experiments = experimentIds.map((id) => {
      const e = archive.getExperiment(id);
      return { id: e.id, name: e.name, claim: e.claim, analysis: e.analysis, rootSeed: e.root_seed, createdAt: e.created_at, appVersion: e.app_version, spec: archive.storedSpec(e) };
    });
    return plain(buildReport(c, { title: t, appVersion: appVersion(), generatedAt: new Date().toISOString(), request: r, experiments, runs }));
  }

  // -------------------------------------------------------------------------------------------

  /** Cancels the running jobs, waits for them (their finished runs are archived), closes the archive. */
  async close(): Promise<void> {
    if (this.closed) return;
    const running = [...this.jobs.values()].filter((j) => j.status.state === 'running');
    for (const j of running) j.controller.abort();
    await Promise.allSettled(running.map((j) => j.done));
    this.closed = true;
    this.archiveHandle?.close();
    this.archiveHandle = null;
    this.listeners.clear();
  }
}
