// The window's preload: exposes exactly QuenchApi and onEvent as `window.quench`, through
// contextBridge, and nothing else (no ipcRenderer, no Node, no paths).
//
// A sandboxed preload is not an ES module, and its `require` knows only 'electron' and a few Node
// built-ins: this file is CommonJS (.cts, compiled to preload.cjs) and imports nothing of ours at run
// time. The method list is written out below and the type checker holds it to the contract both ways
// (a method added to QuenchApi and not here, or here and not there, fails the build); the channel
// names follow channelOf and EVENT_CHANNEL of common/api.ts (checked by main/electron/preload.test.ts).
//
// Every call answers { ok: true, value } or { ok: false, error: ApiError } (main/electron/ipc.ts);
// a failure rejects the promise with that ApiError as a plain object — {kind, message, issues?} —
// because contextBridge copies plain objects whole but drops the fields of an Error.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiError, ApiMethod, EVENT_CHANNEL as EventChannelName, QuenchEvent } from '../../common/api.js';

const METHODS = [
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
] as const satisfies readonly ApiMethod[];

// every method of the contract is in the list (the `satisfies` above checks the other way)
type Missing = Exclude<ApiMethod, (typeof METHODS)[number]>;
const complete: [Missing] extends [never] ? true : { missingFromPreload: Missing } = true;
void complete;

const EVENT_CHANNEL: typeof EventChannelName = 'quench:event';

type Reply = { ok: true; value: unknown } | { ok: false; error: ApiError };

async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(`quench:${method}`, ...args)) as Reply;
  if (reply.ok) return reply.value;
  throw reply.error;
}

const api: Record<string, unknown> = {};
for (const m of METHODS) api[m] = (...args: unknown[]) => call(m, args);

/** Calls `listener` with each event of the main process; returns the function that stops it. */
api.onEvent = (listener: (event: QuenchEvent) => void) => {
  if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
  // the page gets the event only, never the IpcRendererEvent (it holds the sender)
  const handler = (_e: IpcRendererEvent, event: QuenchEvent) => listener(event);
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  };
};

contextBridge.exposeInMainWorld('quench', api);
