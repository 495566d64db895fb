// What the Experiments view's three panels share, one per view (made afresh each time the view
// opens, as its state was before the split): the backend the runs started here get, what is being
// started, the one error of an action (shown beside where it was asked for), the archive's
// experiments (the jobs panel offers Resume on the incomplete ones), and the two ways a job begins:
// start (a preset or the designer's spec) and resume.
import { api, toApiError } from '../../api/index.js';
import type { ExperimentSummary } from '../../api/types.js';
import { upsertJob } from '../../lib/jobs.svelte.js';

/** where an action was asked for: its error is shown there */
export type ActionPlace = 'jobs' | 'presets' | 'designer';

export class Launcher {
  /** 'auto' (the fastest float64 backend, calibrated per network size) or a backend's name */
  backend = $state('auto');
  /** what is being started: a preset's name, 'designer', or the id of an experiment being resumed */
  starting = $state<string | null>(null);
  /** the error of the last action, if it failed; one at a time: a new action clears it */
  actionError = $state<{ where: ActionPlace; error: unknown } | null>(null);
  experiments = $state<ExperimentSummary[] | null>(null);
  experimentsError = $state<unknown>(null);

  async refreshExperiments(): Promise<void> {
    try {
      this.experiments = await api().listExperiments();
      this.experimentsError = null;
    } catch (e) {
      this.experimentsError = e;
    }
  }

  /**
   * Starts an experiment; `label` is the preset's name or 'designer' (what is being started), and an
   * error is shown in the designer for 'designer', else where `where` says (default: the presets).
   */
  async start(spec: unknown, label: string, ifArchived: 'resume' | 'new' = 'resume', where?: ActionPlace): Promise<void> {
    this.starting = label;
    this.actionError = null;
    try {
      let job;
      try {
        job = await api().startExperiment({ spec, ifArchived, backend: this.backend });
      } catch (e) {
        // long work waits for the user's go-ahead: the main process says what it would take
        const err = toApiError(e);
        if (err.kind !== 'confirm' || !window.confirm(`${err.message}\n\nStart it anyway?`)) throw e;
        job = await api().startExperiment({ spec, ifArchived, backend: this.backend, confirm: true });
      }
      upsertJob(job);
      await this.refreshExperiments();
      document.getElementById('jobs-title')?.scrollIntoView({ behavior: 'smooth' });
    } catch (e) {
      this.actionError = { where: where ?? (label === 'designer' ? 'designer' : 'presets'), error: e };
    } finally {
      this.starting = null;
    }
  }

  /** Runs what an experiment is missing, on the chosen backend. */
  async resume(experimentId: string): Promise<void> {
    this.actionError = null;
    this.starting = experimentId;
    try {
      upsertJob(await api().resumeExperiment(experimentId, undefined, this.backend));
      await this.refreshExperiments();
    } catch (e) {
      this.actionError = { where: 'jobs', error: e };
    } finally {
      this.starting = null;
    }
  }
}
