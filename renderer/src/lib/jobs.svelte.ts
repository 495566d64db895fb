// Running and finished jobs, kept current by the api's job events (and a listJobs when asked).
import { api } from '../api/index.js';
import type { JobStatus } from '../api/types.js';

export const jobs = $state({ list: [] as JobStatus[], error: null as unknown });

let started = false;

export function upsertJob(j: JobStatus): void {
  const i = jobs.list.findIndex((x) => x.id === j.id);
  if (i >= 0) jobs.list[i] = j;
  else jobs.list.unshift(j);
}

export async function refreshJobs(): Promise<void> {
  try {
    const list = await api().listJobs();
    jobs.list = [...list].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    jobs.error = null;
  } catch (e) {
    jobs.error = e;
  }
}

/** Subscribes once to the event stream; job events replace the job's row. */
export function watchJobs(): void {
  if (started) return;
  started = true;
  api().onEvent((ev) => {
    if (ev.type === 'job') upsertJob(ev.job);
  });
  void refreshJobs();
}

export const runningCount = () => jobs.list.filter((j) => j.state === 'running').length;
