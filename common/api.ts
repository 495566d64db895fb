// The one contract between the renderer and the main process. The Electron preload exposes exactly
// this interface through contextBridge, `quench serve` exposes the same methods over HTTP (POST
// /api/<method>, JSON `{ "args": [...] }`, bearer token) with events over server-sent events, and
// the renderer talks to nothing else. Payloads are plain JSON: no paths the renderer did not ask
// for, no Node objects.
import type { Comparison, CompareRequest, ComparisonMechanisms, ProfileCurves } from './comparison.js';
import type { ExperimentSummary, RunRow, NoteRow } from './archive-types.js';
import type { RunFilter, RunQuery, StartExperiment } from './requests.js';
import type { SpecIssue } from './errors.js';
import type { RealisedHeterogeneity } from './results.js';
import type { ExperimentSpec, SuiteSpec } from './spec.js';
import type { TaskDef } from './tasks.js';

export type { Comparison, CompareRequest, ComparisonMechanisms, ProfileCurves, ExperimentSummary, RunRow, NoteRow, RunFilter, RunQuery, SpecIssue, StartExperiment, TaskDef };

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
  tauMin: number;
  tauMax: number;
  /** 'steps' for rate models, 'ms' for LIF */
  unit: string;
}

export interface NetworkPreview {
  tau: TauPreview;
  /** eigenvalues of W and of the leak-aware linearised update (rate models) */
  eigW: { re: number[]; im: number[] } | null;
  eigEff: { re: number[]; im: number[] } | null;
  rhoW: number | null;
  rhoEff: number | null;
  density: number;
}

export interface SuitePreview {
  tasks: TaskDef[];
  counts: Record<string, number>;
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
  tasks: number;
  savedAt: string;
  suite: SuiteSpec;
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
  /** suggested file name without extension */
  fileBase: string;
}

export interface QuenchApi {
  info(): Promise<AppInfo>;
  listPresets(): Promise<PresetSummary[]>;
  validateExperiment(spec: unknown): Promise<Validation>;
  previewNetwork(network: unknown, seed: number): Promise<NetworkPreview>;
  previewSuite(suite: unknown, channels: unknown): Promise<SuitePreview>;
  previewTask(suite: unknown, channels: unknown, taskId: string, seed: number, steps: number): Promise<TaskSignals>;
  listSuites(): Promise<SavedSuite[]>;
  saveSuite(suite: unknown): Promise<SavedSuite>;
  startExperiment(req: StartExperiment): Promise<JobStatus>;
  /**
   * `backend`: a backend's name or 'auto' (default: the one the app was started with);
   * `recomputeFlagged`: first make again the runs an erratum flags (Comparison.errata);
   * `addMechanisms`: first make again the runs without mechanism measures (made by an older version)
   */
  resumeExperiment(experimentId: string, threads?: number, backend?: string, recomputeFlagged?: boolean, addMechanisms?: boolean): Promise<JobStatus>;
  cancelJob(jobId: string): Promise<JobStatus>;
  listJobs(): Promise<JobStatus[]>;
  listExperiments(): Promise<ExperimentSummary[]>;
  listRuns(query: RunQuery): Promise<{ rows: RunRow[]; total: number }>;
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
  'previewSuite',
  'previewTask',
  'listSuites',
  'saveSuite',
  'startExperiment',
  'resumeExperiment',
  'cancelJob',
  'listJobs',
  'listExperiments',
  'listRuns',
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
