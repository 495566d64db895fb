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
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  AppInfo,
  ClusterBundle,
  ExperimentFindings,
  JobStatus,
  NetworkPreview,
  PresetSummary,
  QuenchApi,
  QuenchEvent,
  Report,
  RunDetail,
  RunQuery,
  SavedNetwork,
  SavedSuite,
  ShardsImported,
  SpectrumPreview,
  StartExperiment,
  SuitePreview,
  TaskDiff,
  TaskSignals,
  TausPreview,
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
import { importArchives } from '../db/transfer.js';
import type { ClusterBundleRequest } from '../common/requests.js';
import { bundleFiles, bundleFolderName, shardFiles } from './slurm.js';
import { backendByName, backendReport, defaultBackendName } from '../worker/backends/registry.js';
import { runTasks } from '../worker/run.js';
import { buildSuite } from '../worker/tasks.js';
import { archiveLocation, openArchive, type ArchiveLocation } from './archive-location.js';
import { checkThreads } from './admission.js';
import type { CostEstimate } from './cost.js';
import { archivedFindings, estimateExperiment, executeExperiment, prepareExperiment, type Prepared } from './experiments.js';
import { gpuHost } from './gpu-host.js';
import { planRuns } from './plan.js';
import { defaultThreads, runAll } from './scheduler.js';
import { arg, ClusterBundleSchema, CompareRequestSchema, Folder, Id, Name, NoteText, PreviewSteps, RunIds, RunQuerySchema, Seed, StartExperimentSchema, Tags, Threads, Title } from './service/args.js';
import type { FromPreview, ToPreview } from './service/preview-thread.js';
import { checkPreviewSize, parseChannels, parseNetwork, parseSuite, PreviewSlot, suitePreview, taskSignals, tausPreview, type PreviewPart } from './service/preview.js';
import { buildReport, type ReportRun } from './service/report.js';
import { RunRef, runDetail } from './service/run-detail.js';
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


/** a run's full id (sha256, 64 hex digits) */
const RUN_UID = /^[0-9a-f]{64}$/;

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
  /** experimentFindings' answers, by experiment, finished runs and the last finish time */
  private readonly findingsCache = new Map<string, ExperimentFindings>();
  /** the eigenvalue previews computing now, by the slot their caller named (aborting one terminates its threads) */
  private readonly spectra = new Map<string, AbortController>();
  /** every eigenvalue preview computing now, slot or not (close() stops them) */
  private readonly allSpectra = new Set<AbortController>();
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
    const spectrum = await this.spectrum(spec, s, null);
    return plain({ tau: tausPreview(spec, s).tau, ...spectrum });
  }

  /** The time constants alone: drawn here, without W (milliseconds at any N), so they never wait on the eigenvalues. */
  async previewTaus(network: unknown, seed: number): Promise<TausPreview> {
    const spec = parseNetwork(network);
    const s = arg('previewTaus', 'seed', Seed, seed);
    return plain(tausPreview(spec, s));
  }

  async previewSpectrum(network: unknown, seed: number, slot?: string): Promise<SpectrumPreview> {
    const spec = parseNetwork(network);
    const s = arg('previewSpectrum', 'seed', Seed, seed);
    const key = slot === undefined || slot === null ? null : arg('previewSpectrum', 'slot', PreviewSlot, slot);
    checkPreviewSize(spec);
    return plain(await this.spectrum(spec, s, key));
  }

  async cancelPreview(slot: string): Promise<boolean> {
    const key = arg('cancelPreview', 'slot', PreviewSlot, slot);
    const running = this.spectra.get(key);
    running?.abort(new CancelledError('the eigenvalue preview was stopped: the design changed'));
    return running !== undefined;
  }

  /**
   * The two eigenvalue problems (W, and the linearised update) in two worker threads at once. A
   * computation in a slot stops the one before it in that slot: its threads are terminated and it
   * rejects as cancelled, so a designer's stale eigenvalues never hold a core.
   */
  private async spectrum(spec: ReturnType<typeof parseNetwork>, seed: number, slot: string | null): Promise<SpectrumPreview> {
    const controller = new AbortController();
    if (slot) {
      this.spectra.get(slot)?.abort(new CancelledError('the eigenvalue preview was stopped: a newer preview of the same designer replaced it'));
      this.spectra.set(slot, controller);
    }
    this.allSpectra.add(controller);
    try {
      const [a, b] = await Promise.all([this.previewPart(spec, seed, 'network', controller.signal), this.previewPart(spec, seed, 'effective', controller.signal)]);
      return { ...a, ...b } as SpectrumPreview;
    } finally {
      // stop the other thread too when one failed
      if (!controller.signal.aborted) controller.abort(new CancelledError('the eigenvalue preview ended'));
      this.allSpectra.delete(controller);
      if (slot && this.spectra.get(slot) === controller) this.spectra.delete(slot);
    }
  }

  private previewPart(spec: ReturnType<typeof parseNetwork>, seed: number, part: PreviewPart, signal: AbortSignal): Promise<Partial<SpectrumPreview>> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const w = new Worker(compiledEntry('service/preview-thread.js'));
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
        void w.terminate();
      };
      const onAbort = () => settle(() => reject(signal.reason));
      signal.addEventListener('abort', onAbort);
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
  // saved suites and networks

  async listSuites(): Promise<SavedSuite[]> {
    return plain(this.archive().listSuites().map((r) => ({ name: r.name, version: r.version, tasks: r.tasks, savedAt: r.saved_at, suite: r.suite, channels: r.channels })));
  }

  /**
   * Saves a suite by its name with the input channels it was designed for (none given: the default
   * 3 white-noise channels), its task count made with those channels: new content (the suite or its
   * channels) becomes the next version; unchanged content returns the saved version.
   */
  async saveSuite(suite: unknown, channels?: unknown): Promise<SavedSuite> {
    if (suite === 'default') throw new QuenchError('input', 'the default suite is built in; save a copy under another name');
    const s = parseSuite(suite);
    const ch = channels === undefined || channels === null ? InputSchema.parse({}).channels : parseChannels(channels);
    // a suite that makes no task with its channels is refused
    const tasks = buildSuite(s, ch).length;
    if (tasks === 0) {
      throw new SpecError([{ path: 'families', value: `${s.families.length} family(ies)`, allowed: `the suite must make at least one task with its ${ch.length} input channel(s)` }], 'suite spec');
    }
    if (s.name === DEFAULT_SUITE.name) throw new QuenchError('input', `"${DEFAULT_SUITE.name}" names the built-in suite; save this one under another name`);
    const r = this.archive().saveSuite(s, tasks, ch);
    return plain({ name: r.name, version: r.version, tasks: r.tasks, savedAt: r.saved_at, suite: r.suite, channels: r.channels });
  }

  async listNetworks(): Promise<SavedNetwork[]> {
    return plain(this.archive().listNetworks().map((r) => ({ name: r.name, version: r.version, savedAt: r.saved_at, network: r.network })));
  }

  /** Saves a network spec (checked with the spec schema, defaults filled) by name: new content the next version, the same content the saved one. */
  async saveNetwork(name: string, network: unknown): Promise<SavedNetwork> {
    const n = arg('saveNetwork', 'name', Name, name);
    const spec = parseNetwork(network);
    const r = this.archive().saveNetwork(n, spec);
    return plain({ name: r.name, version: r.version, savedAt: r.saved_at, network: r.network });
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

  async clusterBundle(req: ClusterBundleRequest): Promise<ClusterBundle> {
    const r = arg('clusterBundle', 'request', ClusterBundleSchema, req);
    const spec = parseExperiment(r.spec);
    const backend = r.backend ?? 'wasm';
    if (backend !== 'auto') backendByName(backend);
    const cpusPerTask = r.cpusPerTask ?? 1;
    // the estimate on the threads one shard gets, on this machine's probes (the margins cover the nodes)
    const est = await estimateExperiment(spec, { threads: cpusPerTask, backend, archive: true });
    if (r.shards > est.runs) throw new QuenchError('input', `${r.shards} shards: the experiment has ${est.runs} run(s); ask for at most that many shards`);
    const { bundle, files } = bundleFiles(spec, { shards: r.shards, partition: r.partition, account: r.account, time: r.time, cpusPerTask, mem: r.mem, backend }, est, 'path', null);
    const folder = bundleFolderName(spec);
    return plain({
      folder,
      files: files.map((f) => ({ name: `${folder}/${f.name}`, text: f.text })),
      runs: est.runs,
      shards: bundle.plan.map((s) => ({ index: s.index, runs: s.runs, share: s.share, seconds: s.seconds, peakBytes: s.peakBytes })),
      cpusPerTask,
      mem: bundle.mem,
      time: bundle.time,
      backend: bundle.backend,
    });
  }

  async importShards(folder: string): Promise<ShardsImported> {
    const dir = resolve(arg('importShards', 'folder', Folder, folder));
    const files = shardFiles(dir);
    const archive = this.archive();
    // one file at a time: a shard that failed or a damaged copy is said and skipped, never keeps the others out
    const done: ShardsImported['files'] = [];
    for (const f of files) {
      try {
        for (const r of importArchives(archive, [f])) done.push({ file: f, added: r.added, completed: r.completed, skipped: r.skipped, experiments: r.experiments, problem: null });
      } catch (err) {
        if (!(err instanceof QuenchError)) throw err;
        done.push({ file: f, added: 0, completed: 0, skipped: 0, experiments: 0, problem: err.message });
      }
    }
    if (done.every((d) => d.problem)) throw new QuenchError('input', `none of the ${files.length} archive(s) in ${dir} could be merged: ${done[0].problem}`);
    return plain({ folder: dir, files: done, added: done.reduce((a, d) => a + d.added + d.completed, 0) });
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

  /** The findings of an archived experiment from its stored runs: what `quench run` prints when it finishes. */
  async experimentFindings(experimentId: string): Promise<ExperimentFindings> {
    const ref = arg('experimentFindings', 'experimentId', Id, experimentId);
    const archive = this.archive();
    const exp = archive.findExperiment(ref);
    // the findings read every score of the experiment (seconds for a large sweep, holding this thread):
    // kept while its finished runs stay the same, so that the jobs panel opened again costs nothing
    const stored = archive.read('reading the experiment\'s progress', () =>
      archive.db.prepare(`SELECT count(*) AS done, max(finished_at) AS last FROM runs WHERE experiment_id = ? AND status = 'done'`).get(exp.id),
    ) as { done: number; last: string | null };
    const key = `${exp.id}/${stored.done}/${stored.last}`;
    let answer = this.findingsCache.get(key);
    if (!answer) {
      const { experiment, spec, findings } = archivedFindings(archive, exp.id);
      answer = plain({ experimentId: experiment.id, name: experiment.name, spec, done: stored.done, planned: experiment.planned_runs, findings });
      if (this.findingsCache.size >= 20) this.findingsCache.delete(this.findingsCache.keys().next().value!);
      this.findingsCache.set(key, answer);
    }
    return plain(answer);
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
      finishedAt: left === 0 ? new Date().toISOString() : null,
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
    s.finishedAt = new Date().toISOString();
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

  /** One run's page (main/service/run-detail.ts): a uid, or a prefix of it that names one run. */
  async getRun(uid: string): Promise<RunDetail> {
    return plain(runDetail(this.archive(), arg('getRun', 'uid', RunRef, uid)));
  }

  async tagRuns(runIds: string[], tags: string[], remove?: boolean): Promise<number> {
    const ids = arg('tagRuns', 'runIds', RunIds, runIds);
    const ts = arg('tagRuns', 'tags', Tags, tags);
    const archive = this.archive();
    // the app sends full run ids, up to every run of the archive: those are tagged together, set-based,
    // in one transaction (a lookup and a transaction per run took 13.8 s for 10 000 runs). Anything
    // else (an id prefix, an experiment) is resolved as `quench tag` resolves it.
    const runs: string[] = [];
    const experiments: string[] = [];
    for (const id of ids) {
      if (RUN_UID.test(id)) runs.push(id);
      else {
        const t = archive.resolveTarget(id);
        (t.kind === 'run' ? runs : experiments).push(t.id);
      }
    }
    return archive.tagMany({ runs, experiments }, ts, remove === true);
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
    for (const c of this.allSpectra) c.abort(new CancelledError('the eigenvalue preview was stopped: Quench is closing'));
    await Promise.allSettled(running.map((j) => j.done));
    this.closed = true;
    this.archiveHandle?.close();
    this.archiveHandle = null;
    this.listeners.clear();
  }
}
