// Running an experiment on a SLURM cluster: a bundle (a folder) with the spec, a job-array script
// whose task i makes shard i/K into an archive of its own, a merge job that runs after the array
// (afterany: a failed shard never keeps the others out), a submit script and a README; and the
// status of such a folder: done / total per shard, failed and unstarted runs, and the sbatch line
// that resubmits only the shards that are not complete. SLURM schedules; Quench only cuts the work
// (main/shards.ts) and merges what comes back (quench merge).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QuenchError } from '../common/errors.js';
import { formatBytes, formatSeconds } from '../common/format.js';
import type { ExperimentSpec } from '../common/spec.js';
import { parseExperiment } from '../common/validate.js';
import { Archive } from '../db/archive.js';
import { specHash } from '../db/identity.js';
import type { CostEstimate } from './cost.js';
import { packageRoot } from './paths.js';
import { partition, planShards, shardIndices, type ShardPlan } from './shards.js';
import { appVersion } from './version.js';

export const BUNDLE_FILE = 'bundle.json';

/** What the bundle asks of SLURM: each an override, or (time, memory) from the estimate. */
export interface SlurmRequest {
  shards: number;
  partition?: string;
  account?: string;
  /** SLURM's --time (e.g. 2:00:00, 1-00:00:00); default: the longest shard's estimate with the margin */
  time?: string;
  cpusPerTask: number;
  /** SLURM's --mem (e.g. 4G); default: the largest shard's peak with the margin */
  mem?: string;
  /** the backend every shard runs on (recorded per run either way); default wasm: the same numbers on every x86-64 node */
  backend: string;
}

/** the margins on the estimate: nodes differ from this machine, and a shard killed at its limit is work lost */
export const TIME_MARGIN = 2;
export const TIME_EXTRA_SECONDS = 600;
export const MEMORY_MARGIN = 1.5;

export interface Bundle {
  kind: 'quench.cluster-bundle';
  version: 1;
  name: string;
  specHash: string;
  shards: number;
  backend: string;
  cpusPerTask: number;
  time: string;
  mem: string;
  /** each shard's estimate when the bundle was made */
  plan: ShardPlan[];
  madeBy: string;
  madeAt: string;
}

/** seconds as SLURM's D-HH:MM:SS (whole minutes, rounded up) */
export function slurmTime(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hms = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** bytes as SLURM's --mem in MB (rounded up to 100 MB) */
export function slurmMem(bytes: number): string {
  return `${Math.max(100, Math.ceil(bytes / 2 ** 20 / 100) * 100)}M`;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The command a node runs. 'this': this Node and this Quench by absolute path (a bundle made on the
 * cluster's login node); 'path': `quench` as the node finds it (a bundle made elsewhere, e.g. by the
 * app on a laptop). QUENCH_CMD overrides either when the job runs.
 */
function quenchCommand(which: 'this' | 'path'): string {
  return which === 'this' ? `${q(process.execPath)} ${q(join(packageRoot(), 'bin', 'quench.js'))}` : 'quench';
}

function preamble(which: 'this' | 'path'): string {
  return [
    `# the Quench to run: ${which === 'this' ? `the one that made this bundle (Quench ${appVersion()})` : `\`quench\` on the PATH (the bundle was made by Quench ${appVersion()})`}; set QUENCH_CMD to use another`,
    `if [ -n "\${QUENCH_CMD:-}" ]; then read -r -a QUENCH <<< "$QUENCH_CMD"; else QUENCH=(${quenchCommand(which)}); fi`,
    // every path below is the bundle's own: the jobs run in the folder they were submitted from
    `cd "\${SLURM_SUBMIT_DIR:-.}"`,
    `if [ ! -f ${BUNDLE_FILE} ]; then echo "$(pwd) is not the bundle's folder: submit from it (cd <the bundle> && sbatch $(basename "$0"))" >&2; exit 2; fi`,
  ].join('\n');
}

export interface BundleFile {
  /** its path in the bundle */
  name: string;
  text: string;
  mode: number;
}

/** Writes the bundle for `spec` into `dir`; returns what it wrote. */
export function writeBundle(spec: ExperimentSpec, dir: string, req: SlurmRequest, est: CostEstimate): { bundle: Bundle; files: string[] } {
  const abs = resolve(dir);
  if (existsSync(join(abs, BUNDLE_FILE))) {
    const old = readBundle(abs);
    if (old.specHash !== specHash(spec) || old.shards !== req.shards) {
      throw new QuenchError('input', `${abs} holds the bundle of another experiment or shard count ("${old.name}", ${old.shards} shards); give another folder, or remove it`);
    }
  }
  const { bundle, files } = bundleFiles(spec, req, est, 'this', abs);
  mkdirSync(join(abs, 'shards'), { recursive: true });
  mkdirSync(join(abs, 'logs'), { recursive: true });
  for (const f of files) writeFileSync(join(abs, f.name), f.text, { mode: f.mode });
  return { bundle, files: files.map((f) => join(abs, f.name)) };
}

/**
 * The files of a bundle, every path in them relative to the bundle's folder (it can be made on one
 * machine and submitted on another). `where`: the folder it is written to, for its README; null when
 * it is downloaded (the app).
 */
export function bundleFiles(spec: ExperimentSpec, req: SlurmRequest, est: CostEstimate, quench: 'this' | 'path', where: string | null): { bundle: Bundle; files: BundleFile[] } {
  const plan = planShards(spec, req.shards, est);
  const longest = Math.max(...plan.map((s) => s.seconds));
  const largest = Math.max(...plan.map((s) => s.peakBytes));
  const time = req.time ?? slurmTime(longest * TIME_MARGIN + TIME_EXTRA_SECONDS);
  const mem = req.mem ?? slurmMem(largest * MEMORY_MARGIN);
  const slug = spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'experiment';
  const k = req.shards;
  const head = (name: string, extra: string[]) =>
    [
      '#!/bin/bash',
      `#SBATCH --job-name=${name}`,
      ...(req.partition ? [`#SBATCH --partition=${req.partition}`] : []),
      ...(req.account ? [`#SBATCH --account=${req.account}`] : []),
      ...extra,
    ].join('\n');

  const array = [
    head(`quench-${slug}`, [
      `#SBATCH --array=0-${k - 1}`,
      `#SBATCH --cpus-per-task=${req.cpusPerTask}`,
      `#SBATCH --mem=${mem}`,
      `#SBATCH --time=${time}`,
      // preempted or its node lost: back in the queue, where it resumes its own shard
      '#SBATCH --requeue',
      // SIGTERM a minute before the limit (the batch shell is Quench: exec below): it stops cleanly, its runs kept
      '#SBATCH --signal=B:TERM@60',
      // relative: to the folder sbatch is run in (submit.sh runs it in the bundle's folder)
      '#SBATCH --output=logs/shard-%a.out',
      '#SBATCH --open-mode=append',
    ]),
    `# shard i of ${k} of "${spec.name}": its runs (split by estimated work) into shards/shard-i.sqlite.`,
    `# time ${time} and memory ${mem}: ${req.time ? 'as asked' : `the longest shard's estimate (${formatSeconds(longest)} on ${req.cpusPerTask} CPU(s)) × ${TIME_MARGIN} + ${TIME_EXTRA_SECONDS / 60} min`}; ${req.mem ? 'as asked' : `the largest shard's peak (${formatBytes(largest)}) × ${MEMORY_MARGIN}`}.`,
    'set -euo pipefail',
    preamble(quench),
    'mkdir -p shards',
    `exec "\${QUENCH[@]}" run spec.json --shard "\${SLURM_ARRAY_TASK_ID}/${k}" --threads "\${SLURM_CPUS_PER_TASK:-1}" --archive shards/shard-"\${SLURM_ARRAY_TASK_ID}".sqlite --backend ${req.backend} --yes`,
    '',
  ].join('\n');

  const merge = [
    head(`quench-${slug}-merge`, [
      '#SBATCH --cpus-per-task=1',
      `#SBATCH --mem=${slurmMem(512 * 2 ** 20 + (est.archiveBytes || 0))}`,
      `#SBATCH --time=${slurmTime(600 + est.runs / 50)}`,
      '#SBATCH --output=logs/merge.out',
      '#SBATCH --open-mode=append',
    ]),
    '# merges every shard archive there is into merged.sqlite (again after a resubmission: it adds only what is new)',
    'set -euo pipefail',
    preamble(quench),
    'shopt -s nullglob',
    'files=(shards/shard-*.sqlite)',
    'if [ ${#files[@]} -eq 0 ]; then echo "no shard archive in shards/: nothing to merge" >&2; exit 1; fi',
    'exec "${QUENCH[@]}" merge "${files[@]}" --into merged.sqlite',
    '',
  ].join('\n');

  const submit = [
    '#!/bin/bash',
    '# submits the job array, then the merge job to run when every array task has ended (afterany)',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'mkdir -p shards logs',
    'array=$(sbatch --parsable array.sbatch)',
    'array=${array%%;*}',
    'merge=$(sbatch --parsable --dependency=afterany:"$array" merge.sbatch)',
    `echo "submitted job array $array (${k} shards) and merge job $merge; check with: quench status $(pwd)"`,
    '',
  ].join('\n');

  const readme = [
    `# ${spec.name}: ${k} shards for SLURM`,
    '',
    `Made by Quench ${appVersion()} on ${new Date().toISOString()}: ${plan.reduce((a, s) => a + s.runs, 0)} runs in ${k} shards, split by estimated work.`,
    `Each shard asks for ${req.cpusPerTask} CPU(s), ${mem} and ${time}; every run is made on the \`${req.backend}\` backend (recorded per run).`,
    '',
    '## Submit',
    '',
    '    bash submit.sh',
    '',
    'submits `array.sbatch` (task i makes shard i into `shards/shard-i.sqlite`) and `merge.sbatch`, which runs when',
    'every task has ended, whatever their state, and merges the shards there are into `merged.sqlite`.',
    '',
    '## Check and repair',
    '',
    `    quench status ${where ?? '.'}`,
    '',
    'shows done / total per shard, failed and unstarted runs, and the `sbatch --array=...` line that resubmits only the',
    'shards that are not complete (each resumes where it stopped: finished runs are kept). Merge again after it',
    '(`sbatch merge.sbatch` in this folder). Submit from this folder: the scripts\' paths are relative to it.',
    'A task stopped by its time limit or pre-empted stops cleanly on SIGTERM and keeps every finished run.',
    '',
    '## Bring it home',
    '',
    `Copy this folder (or just \`merged.sqlite\`, or \`shards/\`) to your machine, then`,
    '',
    '    quench merge merged.sqlite --into ~/path/to/your/archive.sqlite',
    '',
    'or in the app: Experiments › Import cluster results (the folder). Merging is idempotent: a run already there is kept once.',
    '',
  ].join('\n');

  const bundle: Bundle = {
    kind: 'quench.cluster-bundle',
    version: 1,
    name: spec.name,
    specHash: specHash(spec),
    shards: k,
    backend: req.backend,
    cpusPerTask: req.cpusPerTask,
    time,
    mem,
    plan,
    madeBy: `quench ${appVersion()}`,
    madeAt: new Date().toISOString(),
  };
  const files: BundleFile[] = [
    { name: 'spec.json', text: JSON.stringify(spec, null, 2) + '\n', mode: 0o644 },
    { name: 'array.sbatch', text: array, mode: 0o755 },
    { name: 'merge.sbatch', text: merge, mode: 0o755 },
    { name: 'submit.sh', text: submit, mode: 0o755 },
    { name: 'README.md', text: readme, mode: 0o644 },
    { name: BUNDLE_FILE, text: JSON.stringify(bundle, null, 2) + '\n', mode: 0o644 },
  ];
  return { bundle, files };
}

/** a name for the bundle's folder: quench-<the experiment's name>-slurm */
export function bundleFolderName(spec: ExperimentSpec): string {
  return `quench-${spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'experiment'}-slurm`;
}

/**
 * The archives to merge from a folder brought home: a bundle's shards (shards/shard-*.sqlite; its
 * merged.sqlite holds the same runs), or else every .sqlite and .quench file in the folder itself.
 */
export function shardFiles(dir: string): string[] {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new QuenchError('not-found', `no folder ${abs}`);
  if (!statSync(abs).isDirectory()) throw new QuenchError('input', `${abs} is not a folder: give the bundle's folder (or its shards/ folder)`);
  const inBundle = existsSync(join(abs, BUNDLE_FILE)) && existsSync(join(abs, 'shards'));
  const from = inBundle ? join(abs, 'shards') : abs;
  const files = readdirSync(from)
    .filter((f) => /\.(sqlite|quench)$/.test(f) && statSync(join(from, f)).isFile())
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => join(from, f));
  if (files.length === 0) throw new QuenchError('not-found', `no archive (.sqlite or .quench) in ${from}${inBundle ? ': no shard has started yet' : ''}`);
  return files;
}

export function readBundle(dir: string): Bundle {
  const file = join(resolve(dir), BUNDLE_FILE);
  if (!existsSync(file)) throw new QuenchError('not-found', `${resolve(dir)} is not a Quench cluster bundle (no ${BUNDLE_FILE}); quench slurm makes one`);
  let b: Bundle;
  try {
    b = JSON.parse(readFileSync(file, 'utf8')) as Bundle;
  } catch (err) {
    throw new QuenchError('input', `${file} is damaged: ${(err as Error).message}`);
  }
  if (b.kind !== 'quench.cluster-bundle' || b.version !== 1) throw new QuenchError('input', `${file} is not a cluster bundle this Quench reads (kind ${String(b.kind)}, version ${String(b.version)})`);
  return b;
}

export function bundleSpec(dir: string): ExperimentSpec {
  const file = join(resolve(dir), 'spec.json');
  return parseExperiment(JSON.parse(readFileSync(file, 'utf8')), file);
}

export interface ShardStatus {
  index: number;
  total: number;
  done: number;
  failed: number;
  /** no archive yet: never started (or its file is gone) */
  started: boolean;
  /** runs another process is making now (claims) */
  running: number;
  /** a problem reading it, in words */
  problem: string | null;
}

export interface BundleStatus {
  bundle: Bundle;
  shards: ShardStatus[];
  /** runs in merged.sqlite (null: not merged yet) */
  merged: { done: number; total: number } | null;
  /** the shards to submit again: not complete, and nothing of theirs being made now */
  incomplete: number[];
  /** shards being made now (a claim of theirs is live: it lapses 2 minutes after its process stops renewing it) */
  running: number[];
  resubmit: string | null;
}

/** What the bundle's shards hold: read only (the folder may be on a read-only share). */
export function bundleStatus(dir: string): BundleStatus {
  const abs = resolve(dir);
  const bundle = readBundle(abs);
  const spec = bundleSpec(abs);
  if (specHash(spec) !== bundle.specHash) throw new QuenchError('input', `${join(abs, 'spec.json')} is not the spec the bundle was made for (its hash differs): it was edited after \`quench slurm\``);
  const part = partition(spec, bundle.shards);
  const present = new Set(existsSync(join(abs, 'shards')) ? readdirSync(join(abs, 'shards')) : []);
  const shards: ShardStatus[] = [];
  for (let i = 0; i < bundle.shards; i++) {
    const total = part.runs[i];
    const name = `shard-${i}.sqlite`;
    if (!present.has(name)) {
      shards.push({ index: i, total, done: 0, failed: 0, started: false, running: 0, problem: null });
      continue;
    }
    try {
      const a = Archive.open(join(abs, 'shards', name), { read: true, create: false });
      try {
        const exp = a.findExperimentBySpec(spec);
        if (!exp) {
          shards.push({ index: i, total, done: 0, failed: 0, started: true, running: 0, problem: `${name} holds no run of this experiment` });
          continue;
        }
        const members = new Set(shardIndices(part, i));
        const rows = a.db.prepare(`SELECT run_index, status FROM runs WHERE experiment_id = ?`).all(exp.id) as { run_index: number; status: string }[];
        const mine = rows.filter((r) => members.has(r.run_index));
        const running = a.db
          .prepare(`SELECT count(*) FROM run_claims c JOIN runs r ON r.run_id = c.run_id WHERE r.experiment_id = ? AND r.status != 'done' AND c.expires_at > ?`)
          .pluck()
          .get(exp.id, Date.now()) as number;
        shards.push({ index: i, total, done: mine.filter((r) => r.status === 'done').length, failed: mine.filter((r) => r.status === 'failed').length, started: true, running, problem: null });
      } finally {
        a.close();
      }
    } catch (err) {
      shards.push({ index: i, total, done: 0, failed: 0, started: true, running: 0, problem: (err as Error).message });
    }
  }
  let merged: BundleStatus['merged'] = null;
  const mergedPath = join(abs, 'merged.sqlite');
  if (existsSync(mergedPath)) {
    const a = Archive.open(mergedPath, { read: true, create: false });
    try {
      const exp = a.findExperimentBySpec(spec);
      merged = { done: exp ? a.progress(exp.id).done : 0, total: part.shardOf.length };
    } finally {
      a.close();
    }
  }
  // a shard whose runs are being made now (live claims) is not resubmitted: it would only wait on them
  const incomplete = shards.filter((s) => s.done < s.total && s.running === 0).map((s) => s.index);
  const running = shards.filter((s) => s.done < s.total && s.running > 0).map((s) => s.index);
  // in the bundle's folder: the scripts' paths are relative to it
  const resubmit = incomplete.length ? `cd ${q(abs)} && sbatch --array=${incomplete.join(',')} array.sbatch` : null;
  return { bundle, shards, merged, incomplete, running, resubmit };
}
