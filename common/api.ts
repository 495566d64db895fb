// The one contract between the renderer and the main process. The Electron preload exposes exactly
// this interface through contextBridge, `quench serve` exposes the same methods over HTTP (POST
// /api/<method>, JSON `{ "args": [...] }`, bearer token) with events over server-sent events, and
// the renderer talks to nothing else. Payloads are plain JSON: no paths the renderer did not ask
// for, no Node objects.
import type { Comparison, CompareRequest, ComparisonMechanisms, ProfileCurves } from './comparison.js';
import type { ExperimentSummary, RunRow, NoteRow } from './archive-types.js';
import type { ClusterBundleRequest, RunFilter, RunQuery, StartExperiment } from './requests.js';
import type { SpecIssue } from './errors.js';
import type { RealisedHeterogeneity } from './results.js';
import type { RunDetail } from './run-detail.js';
import type { ChannelSpec, ExperimentSpec, NetworkSpec, SuiteSpec } from './spec.js';
import type { Findings } from './findings.js';
import type { TaskDef } from './tasks.js';

export type { Comparison, CompareRequest, ComparisonMechanisms, ProfileCurves, ExperimentSummary, RunRow, NoteRow, RunFilter, RunQuery, SpecIssue, StartExperiment, TaskDef };
export type { RunDetail, RunBaseline, RunFamilyScore, RunMapCell, RunTaskScore } from './run-detail.js';

export interface AppInfo {
  version: string;
  /** where runs are archived (the user chose it, or the default data folder) */
  archivePath: string;
  /** the backends that run here now */
  backends: string[];
  /** every backend, with why it does not run here where it does not */
  backendStatus: BackendState[];
  /** the GPU host connected for gpujs-webgl, in words (e.g. "WebGL2 on NVIDIA … (hidden window)"), or null */
  gpuHost: string | null;
  threads: number;
}

export interface BackendState {
  name: string;
  precision: string;
  available: boolean;
  /** why it is not available, in words; null when it is */
  reason: string | null;
}

export interface PresetSummary {
  name: string;
  title: string;
  claim: string;
  description: string;
  runs: number;
  tasks: number;
  spec: ExperimentSpec;
}

export type Validation =
  | {
      ok: true;
      spec: ExperimentSpec;
      runs: number;
      tasks: number;
      /** from probe runs, for all runs on all threads */
      estimatedSeconds: number;
      /** what it will cost (main/cost.ts): time, the longest run, memory per run and at once, archive growth */
      estimate: { seconds: number; runSeconds: number; peakBytesPerRun: number; peakBytes: number; archiveBytes: number; threads: number; concurrent: number };
    }
  | { ok: false; issues: SpecIssue[] };

export interface Histogram {
  /** bin edges, length bins + 1 */
  edges: number[];
  counts: number[];
}

export interface TauPreview {
  tau: number[];
  stats: RealisedHeterogeneity;
  histogram: Histogram;
  /** the same taus in bins of equal width in log tau (for a log tau axis) */
  logHistogram: Histogram;
  tauMin: number;
  tauMax: number;
  /** 'steps' for rate models, 'ms' for LIF */
  unit: string;
}

/** The fast half of a network preview: its time constants, drawn without W (any N). */
export interface TausPreview {
  tau: TauPreview;
  /** the most neurons previewSpectrum takes (its eigenvalues are O(N³)) */
  spectrumMaxN: number;
  /** why previewSpectrum will not compute this network's eigenvalues, in words; null when it will */
  spectrumWithheld: string | null;
}

/** The slow half of a network preview: the eigenvalues (computed in worker threads). */
export interface SpectrumPreview {
  /** eigenvalues of W and of the leak-aware linearised update (rate models) */
  eigW: { re: number[]; im: number[] } | null;
  eigEff: { re: number[]; im: number[] } | null;
  rhoW: number | null;
  rhoEff: number | null;
  density: number;
}

export interface NetworkPreview extends SpectrumPreview {
  tau: TauPreview;
}

export interface SuitePreview {
  tasks: TaskDef[];
  counts: Record<string, number>;
  /** the families the suite turns on that make no task with these channels, each with why, in words */
  empty: Record<string, string>;
}

export interface TaskSignals {
  taskId: string;
  /** input channels, one array per channel */
  input: number[][];
  target: number[];
}

export interface SavedSuite {
  name: string;
  version: number;
  /** tasks it makes with its channels */
  tasks: number;
  savedAt: string;
  suite: SuiteSpec;
  /** the input channels it was designed with (a suite saved before they were kept: the default 3 white-noise channels) */
  channels: ChannelSpec[];
}

/** A network spec saved in the archive by name; saving changed content makes the next version. */
export interface SavedNetwork {
  name: string;
  version: number;
  savedAt: string;
  network: NetworkSpec;
}

export type JobState = 'running' | 'done' | 'cancelled' | 'failed';

export interface JobStatus {
  id: string;
  experimentId: string;
  name: string;
  state: JobState;
  done: number;
  total: number;
  runsPerSecond: number;
  etaSeconds: number | null;
  error: string | null;
  startedAt: string;
  /** the backend(s) the runs got, and for an automatic choice what the calibration measured; null until chosen */
  backend: string | null;
  /** the experiment was complete in the archive already: nothing was run (its results are there to open) */
  alreadyComplete?: boolean;
  /** what the job is doing before its first run, in words (storing the planned runs of a large sweep) */
  stage?: string | null;
  /** when it stopped (done, cancelled or failed); null while it runs */
  finishedAt?: string | null;
}

/** An archived experiment's results: its stored spec, how far it got, and its findings (main/analysis). */
export interface ExperimentFindings {
  experimentId: string;
  name: string;
  /** the validated spec it was made from (to run it again as a new experiment) */
  spec: ExperimentSpec;
  done: number;
  planned: number;
  /** what `quench run` prints when it finishes: conditions, contrasts, the answer in words (findings.lines) */
  findings: Findings;
}


export interface TaskDiff {
  pair: string;
  id: string;
  family: string;
  memoryDepth: number;
  nonlinearity: number;
  /** capacity of the later condition minus the baseline, averaged over shared seeds */
  diff: number;
}

export interface Report {
  /** a self-contained HTML document: charts as inline SVG, tables, specs, seeds, version, claim, finding */
  html: string;
  /** the exact plotted data, one CSV per chart or table */
  csv: Record<string, string>;
  /** every figure of the report, in its order, as a file of its own with the CSV files of its numbers */
  figures: ReportFigure[];
  /** suggested file name without extension */
  fileBase: string;
}

/** One figure of a report: a standalone SVG (its style inside) and the names of its CSV files (keys of Report.csv). */
export interface ReportFigure {
  /** its file name without extension, unique within the report */
  name: string;
  title: string;
  svg: string;
  csv: string[];
}

/** A SLURM bundle to download: its files under one folder (zipped by the page), and what it asks for. */
export interface ClusterBundle {
  /** the folder its files are in, e.g. quench-size-equivalence-slurm */
  folder: string;
  files: { name: string; text: string }[];
  runs: number;
  shards: { index: number; runs: number; share: number; seconds: number; peakBytes: number }[];
  /** per task: the CPUs, memory and time asked for, and the backend */
  cpusPerTask: number;
  mem: string;
  time: string;
  backend: string;
}

/** What importing a folder of shard archives did, file by file (one that cannot be merged is skipped, said why). */
export interface ShardsImported {
  folder: string;
  files: { file: string; added: number; completed: number; skipped: number; experiments: number; problem: string | null }[];
  /** runs the archive did not have before */
  added: number;
}

export interface QuenchApi {
  info(): Promise<AppInfo>;
  listPresets(): Promise<PresetSummary[]>;
  validateExperiment(spec: unknown): Promise<Validation>;
  /** the whole preview at once (taus and eigenvalues); the designer asks for the two halves apart */
  previewNetwork(network: unknown, seed: number): Promise<NetworkPreview>;
  /** the network's time constants and their histograms, at once for any N (no W is drawn) */
  previewTaus(network: unknown, seed: number): Promise<TausPreview>;
  /**
   * the eigenvalues, off the main thread. `slot`: a name the caller picks (one per designer tab): a
   * new request in the same slot stops the one before it, which rejects with kind 'cancelled'
   */
  previewSpectrum(network: unknown, seed: number, slot?: string): Promise<SpectrumPreview>;
  /** stops the eigenvalue computation of a slot (it rejects with kind 'cancelled'); whether one was running */
  cancelPreview(slot: string): Promise<boolean>;
  previewSuite(suite: unknown, channels: unknown): Promise<SuitePreview>;
  previewTask(suite: unknown, channels: unknown, taskId: string, seed: number, steps: number): Promise<TaskSignals>;
  listSuites(): Promise<SavedSuite[]>;
  /** saves a suite with the input channels it is designed for (default: 3 white-noise channels); its task count is with those channels */
  saveSuite(suite: unknown, channels?: unknown): Promise<SavedSuite>;
  /** every saved version of every network, by name, newest version first */
  listNetworks(): Promise<SavedNetwork[]>;
  /** saves a network spec (validated) by name: changed content the next version, the same content the saved version */
  saveNetwork(name: string, network: unknown): Promise<SavedNetwork>;
  startExperiment(req: StartExperiment): Promise<JobStatus>;
  /**
   * `backend`: a backend's name or 'auto' (default: the one the app was started with);
   * `recomputeFlagged`: first make again the runs an erratum flags (Comparison.errata);
   * `addMechanisms`: first make again the runs without mechanism measures (made by an older version)
   */
  resumeExperiment(experimentId: string, threads?: number, backend?: string, recomputeFlagged?: boolean, addMechanisms?: boolean): Promise<JobStatus>;
  cancelJob(jobId: string): Promise<JobStatus>;
  /** a SLURM job-array bundle for an experiment (the files `quench slurm` writes; `quench` on the nodes' PATH) */
  clusterBundle(req: ClusterBundleRequest): Promise<ClusterBundle>;
  /** merges a folder of shard archives (a bundle's folder, its shards/, or any folder of archives) into the archive */
  importShards(folder: string): Promise<ShardsImported>;
  listJobs(): Promise<JobStatus[]>;
  /** the findings of an archived experiment (id, id prefix or name) from its stored runs */
  experimentFindings(experimentId: string): Promise<ExperimentFindings>;
  listExperiments(): Promise<ExperimentSummary[]>;
  listRuns(query: RunQuery): Promise<{ rows: RunRow[]; total: number }>;
  /** one run's page: spec, seeds, timings, realised time constants, scores, mechanisms, baseline and diff, tags and notes (uid or a unique prefix of at least 6 hex digits) */
  getRun(uid: string): Promise<RunDetail>;
  tagRuns(runIds: string[], tags: string[], remove?: boolean): Promise<number>;
  addNote(runId: string, text: string): Promise<void>;
  notes(runId: string): Promise<NoteRow[]>;
  compare(req: CompareRequest): Promise<Comparison>;
  taskDiffs(req: CompareRequest): Promise<TaskDiff[]>;
  saveComparisonSet(name: string, req: CompareRequest): Promise<void>;
  listComparisonSets(): Promise<{ name: string; runs: number; created_at: string; definition: unknown }[]>;
  report(req: CompareRequest, title: string): Promise<Report>;
}

export type ApiMethod = keyof QuenchApi;

/** Every method, in one place: the preload, the IPC handlers and the HTTP server iterate this list. */
export const API_METHODS: readonly ApiMethod[] = [
  'info',
  'listPresets',
  'validateExperiment',
  'previewNetwork',
  'previewTaus',
  'previewSpectrum',
  'cancelPreview',
  'previewSuite',
  'previewTask',
  'listSuites',
  'saveSuite',
  'listNetworks',
  'saveNetwork',
  'startExperiment',
  'resumeExperiment',
  'cancelJob',
  'clusterBundle',
  'importShards',
  'listJobs',
  'experimentFindings',
  'listExperiments',
  'listRuns',
  'getRun',
  'tagRuns',
  'addNote',
  'notes',
  'compare',
  'taskDiffs',
  'saveComparisonSet',
  'listComparisonSets',
  'report',
] as const;

/** Events from the main process. */
export type QuenchEvent = { type: 'job'; job: JobStatus };

/** IPC channel of a method, and of the event stream. */
export const channelOf = (m: ApiMethod) => `quench:${m}`;
export const EVENT_CHANNEL = 'quench:event';

/** What the renderer sees of an error: the message in words, and its kind. */
export interface ApiError {
  kind: string;
  message: string;
  issues?: SpecIssue[];
  /** kind 'confirm': what the work was estimated to take (repeat the call with confirm: true to start it) */
  estimatedSeconds?: number;
}
