// The archive's rows as the app, the CLI and `quench serve` see them: experiments, runs and notes.
// Declared here, in the contract, so that common/ needs nothing outside it; db/archive.ts (which
// reads them from SQLite) re-exports them. Field names are the archive's column names.

export interface ExperimentRow {
  id: string;
  spec_hash: string;
  nonce: string;
  name: string;
  analysis: string;
  claim: string;
  root_seed: number;
  sweep_json: string;
  planned_runs: number;
  task_count: number;
  app_version: string;
  created_at: string;
}

export interface ExperimentSummary extends ExperimentRow {
  done: number;
  pending: number;
  failed: number;
  last_finished_at: string | null;
  tags: string[];
  notes: number;
}

/** One row of `quench runs`. */
export interface RunRow {
  uid: string;
  experiment_id: string;
  experiment_name: string;
  run_index: number;
  status: string;
  family: string;
  cv: number;
  n: number;
  tau_mean: number;
  train_length: number;
  manipulation: string;
  model: string;
  seed_index: number;
  root_seed: number;
  backend: string | null;
  app_version: string | null;
  mean_capacity: number | null;
  mean_r2: number | null;
  tau_realised_cv: number | null;
  tau_realised_skewness: number | null;
  rho_eff: number | null;
  mean_rate_hz: number | null;
  total_ms: number | null;
  config_hash: string;
  created_at: string;
  finished_at: string | null;
  tags: string[];
}

export interface NoteRow {
  kind: 'experiment' | 'run';
  target: string;
  text: string;
  created_at: string;
}
